//! Keys as data: one table maps `(context, key)` to an [`Action`].
//!
//! The same table drives the event loop and the `?` help overlay, so the help can never drift
//! from what the keys do, and a config file can later override any entry by name
//! (`"ctrl-o" = "back"`). [`Key`] has its own text form so bindings can be written and read.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crossterm::event::{KeyCode as CtKeyCode, KeyEvent, KeyModifiers};
use serde::{Deserialize, Serialize};

use super::action::Action;

/// Where a binding applies. Overlays with a text prompt see only their own bindings, so typing
/// `q` into the search prompt types a `q`; the panes fall back to [`Context::Global`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Context {
    Global,
    Articles,
    Body,
    Sidebar,
    Search,
    Picker,
    Help,
    Bookmarks,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Articles => "Article list",
            Context::Body => "Text",
            Context::Sidebar => "Entity sidebar",
            Context::Search => "Search prompt",
            Context::Picker => "Entity picker",
            Context::Help => "Help",
            Context::Bookmarks => "Bookmark list",
        }
    }

    /// Contexts whose unbound printable keys are typed into a prompt.
    pub fn takes_text(self) -> bool {
        matches!(self, Context::Search | Context::Picker)
    }
}

/// A key the reader can bind, independent of the terminal library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyCode {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
}

const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("shift-tab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pgup", KeyCode::PageUp),
    ("pgdn", KeyCode::PageDown),
    ("space", KeyCode::Char(' ')),
];

const ALIASES: &[(&str, KeyCode)] = &[
    ("return", KeyCode::Enter),
    ("escape", KeyCode::Esc),
    ("backtab", KeyCode::BackTab),
    ("del", KeyCode::Delete),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("minus", KeyCode::Char('-')),
];

impl Key {
    pub const fn plain(code: KeyCode) -> Self {
        Self {
            code,
            ctrl: false,
            alt: false,
        }
    }

    /// The key of a terminal key event; `None` for keys the reader never binds.
    pub fn from_event(event: KeyEvent) -> Option<Self> {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        let alt = event.modifiers.contains(KeyModifiers::ALT);
        let code = match event.code {
            // Shift is already in the character (`G`), so it is not a separate modifier.
            CtKeyCode::Char(c) => KeyCode::Char(c),
            CtKeyCode::Enter => KeyCode::Enter,
            CtKeyCode::Esc => KeyCode::Esc,
            CtKeyCode::Tab if event.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            CtKeyCode::Tab => KeyCode::Tab,
            CtKeyCode::BackTab => KeyCode::BackTab,
            CtKeyCode::Backspace => KeyCode::Backspace,
            CtKeyCode::Delete => KeyCode::Delete,
            CtKeyCode::Up => KeyCode::Up,
            CtKeyCode::Down => KeyCode::Down,
            CtKeyCode::Left => KeyCode::Left,
            CtKeyCode::Right => KeyCode::Right,
            CtKeyCode::Home => KeyCode::Home,
            CtKeyCode::End => KeyCode::End,
            CtKeyCode::PageUp => KeyCode::PageUp,
            CtKeyCode::PageDown => KeyCode::PageDown,
            CtKeyCode::F(n) => KeyCode::F(n),
            _ => return None,
        };
        Some(Self { code, ctrl, alt })
    }

    /// The character this key types into a prompt, if any.
    pub fn text(self) -> Option<char> {
        match self.code {
            KeyCode::Char(c) if !self.ctrl && !self.alt && !c.is_control() => Some(c),
            _ => None,
        }
    }
}

/// Why a key name could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown key {0:?} (try \"j\", \"ctrl-o\", \"shift-tab\", \"pgdn\", \"f1\")")]
pub struct KeyParseError(pub String);

impl FromStr for Key {
    type Err = KeyParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || KeyParseError(s.to_string());
        let mut key = Key::plain(KeyCode::Esc);
        let mut rest = s;
        // A lone `-` is the minus key, not a separator.
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.len() > 5 && lower.starts_with("ctrl-") {
                key.ctrl = true;
                rest = &rest[5..];
            } else if rest.len() > 4 && lower.starts_with("alt-") {
                key.alt = true;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let lower = rest.to_ascii_lowercase();
        key.code = if let Some(&(_, code)) =
            NAMED.iter().chain(ALIASES).find(|(name, _)| *name == lower)
        {
            code
        } else if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
            KeyCode::F(n)
        } else {
            let mut chars = rest.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if !c.is_control() => KeyCode::Char(c),
                _ => return Err(err()),
            }
        };
        Ok(key)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        if let Some((name, _)) = NAMED.iter().find(|(_, code)| *code == self.code) {
            return f.write_str(name);
        }
        match self.code {
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            // Every other code is in NAMED.
            _ => f.write_str("?"),
        }
    }
}

impl Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Bindings by context as written in a config file: key name to action name.
pub type KeyConfig = BTreeMap<Context, BTreeMap<String, String>>;

/// A bindable action by its snake_case name.
pub fn action_from_name(name: &str) -> Option<Action> {
    let action: Action =
        serde_json::from_value(serde_json::Value::String(name.to_string())).ok()?;
    Action::BINDABLE.contains(&action).then_some(action)
}

/// One binding of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub context: Context,
    pub key: Key,
    pub action: Action,
}

/// The key table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    pub bindings: Vec<Binding>,
}

/// Defaults follow less and vim; `L`/`alt-right` go forward because terminals send `ctrl-i`
/// as Tab, which already cycles focus.
const DEFAULTS: &[(Context, &str, Action)] = &[
    (Context::Global, "j", Action::Down),
    (Context::Global, "down", Action::Down),
    (Context::Global, "k", Action::Up),
    (Context::Global, "up", Action::Up),
    (Context::Global, "space", Action::PageDown),
    (Context::Global, "pgdn", Action::PageDown),
    (Context::Global, "b", Action::PageUp),
    (Context::Global, "pgup", Action::PageUp),
    (Context::Global, "d", Action::HalfPageDown),
    (Context::Global, "u", Action::HalfPageUp),
    (Context::Global, "g", Action::Top),
    (Context::Global, "home", Action::Top),
    (Context::Global, "G", Action::Bottom),
    (Context::Global, "end", Action::Bottom),
    (Context::Global, "tab", Action::FocusNext),
    (Context::Global, "shift-tab", Action::FocusPrev),
    (Context::Global, "enter", Action::Open),
    (Context::Global, "/", Action::Search),
    (Context::Global, "n", Action::SearchNext),
    (Context::Global, "N", Action::SearchPrev),
    (Context::Global, "e", Action::EntityPicker),
    (Context::Global, "backspace", Action::Back),
    (Context::Global, "ctrl-o", Action::Back),
    (Context::Global, "alt-left", Action::Back),
    (Context::Global, "L", Action::Forward),
    (Context::Global, "alt-right", Action::Forward),
    (Context::Global, "+", Action::WiderText),
    (Context::Global, "-", Action::NarrowerText),
    (Context::Global, "z", Action::Zoom),
    (Context::Global, "o", Action::OpenLink),
    (Context::Global, "y", Action::Copy),
    (Context::Global, "m", Action::SetBookmark),
    (Context::Global, "'", Action::Bookmarks),
    (Context::Global, "?", Action::Help),
    (Context::Global, "esc", Action::Cancel),
    (Context::Global, "q", Action::Quit),
    (Context::Global, "ctrl-c", Action::Quit),
    (Context::Body, "]", Action::MentionNext),
    (Context::Body, "[", Action::MentionPrev),
    (Context::Search, "enter", Action::Open),
    (Context::Search, "esc", Action::Cancel),
    (Context::Search, "backspace", Action::DeleteBack),
    (Context::Search, "up", Action::RecallOlder),
    (Context::Search, "down", Action::RecallNewer),
    (Context::Search, "ctrl-c", Action::Quit),
    (Context::Picker, "enter", Action::Open),
    (Context::Picker, "esc", Action::Cancel),
    (Context::Picker, "backspace", Action::DeleteBack),
    (Context::Picker, "down", Action::Down),
    (Context::Picker, "ctrl-n", Action::Down),
    (Context::Picker, "up", Action::Up),
    (Context::Picker, "ctrl-p", Action::Up),
    (Context::Picker, "ctrl-c", Action::Quit),
    (Context::Help, "j", Action::Down),
    (Context::Help, "down", Action::Down),
    (Context::Help, "k", Action::Up),
    (Context::Help, "up", Action::Up),
    (Context::Help, "space", Action::PageDown),
    (Context::Help, "pgdn", Action::PageDown),
    (Context::Help, "b", Action::PageUp),
    (Context::Help, "pgup", Action::PageUp),
    (Context::Help, "g", Action::Top),
    (Context::Help, "home", Action::Top),
    (Context::Help, "G", Action::Bottom),
    (Context::Help, "end", Action::Bottom),
    (Context::Help, "esc", Action::Cancel),
    (Context::Help, "?", Action::Cancel),
    (Context::Help, "q", Action::Cancel),
    (Context::Help, "ctrl-c", Action::Quit),
    (Context::Bookmarks, "j", Action::Down),
    (Context::Bookmarks, "down", Action::Down),
    (Context::Bookmarks, "k", Action::Up),
    (Context::Bookmarks, "up", Action::Up),
    (Context::Bookmarks, "enter", Action::Open),
    (Context::Bookmarks, "d", Action::RemoveBookmark),
    (Context::Bookmarks, "delete", Action::RemoveBookmark),
    (Context::Bookmarks, "esc", Action::Cancel),
    (Context::Bookmarks, "'", Action::Cancel),
    (Context::Bookmarks, "q", Action::Cancel),
    (Context::Bookmarks, "ctrl-c", Action::Quit),
];

impl Default for Keymap {
    fn default() -> Self {
        let bindings = DEFAULTS
            .iter()
            .filter_map(|(context, key, action)| {
                Some(Binding {
                    context: *context,
                    key: key.parse().ok()?,
                    action: action.clone(),
                })
            })
            .collect();
        Self { bindings }
    }
}

impl Keymap {
    /// The action for a key in the given context stack (innermost first). A prompt context
    /// turns an unbound printable key into text.
    pub fn lookup(&self, contexts: &[Context], key: Key) -> Option<Action> {
        for &context in contexts {
            if let Some(b) = self
                .bindings
                .iter()
                .find(|b| b.context == context && b.key == key)
            {
                return Some(b.action.clone());
            }
            if context.takes_text() {
                return key.text().map(Action::Insert);
            }
        }
        None
    }

    /// Binds `key` to `action` in `context`, replacing an earlier binding of that key there.
    pub fn bind(&mut self, context: Context, key: Key, action: Action) {
        self.bindings
            .retain(|b| !(b.context == context && b.key == key));
        self.bindings.push(Binding {
            context,
            key,
            action,
        });
    }

    /// Applies bindings as a config file writes them (`[keys.global]` then `"ctrl-d" =
    /// "half_page_down"`; the action `"none"` removes a binding). Entries that cannot be used
    /// are skipped, each with a message saying why; the rest still apply.
    pub fn apply(&mut self, config: &KeyConfig) -> Vec<String> {
        let mut problems = Vec::new();
        for (&context, keys) in config {
            for (key_name, action_name) in keys {
                let key = match key_name.parse::<Key>() {
                    Ok(key) => key,
                    Err(e) => {
                        problems.push(e.to_string());
                        continue;
                    }
                };
                if action_name == "none" {
                    self.bindings
                        .retain(|b| !(b.context == context && b.key == key));
                    continue;
                }
                match action_from_name(action_name) {
                    Some(action) => self.bind(context, key, action),
                    None => problems.push(format!(
                        "unknown action {action_name:?} for key {key_name:?} (see the help \
                         overlay or `config` for the names)"
                    )),
                }
            }
        }
        problems
    }

    /// The whole table in the form [`Keymap::apply`] reads.
    pub fn to_config(&self) -> KeyConfig {
        let mut config = KeyConfig::new();
        for b in &self.bindings {
            config
                .entry(b.context)
                .or_default()
                .insert(b.key.to_string(), b.action.name());
        }
        config
    }

    /// The help text: per context, each action with all its keys, in table order.
    pub fn help(&self) -> Vec<(Context, Vec<(String, &'static str)>)> {
        let mut contexts: Vec<Context> = Vec::new();
        for b in &self.bindings {
            if !contexts.contains(&b.context) {
                contexts.push(b.context);
            }
        }
        contexts
            .into_iter()
            .map(|context| {
                let mut rows: Vec<(Action, Vec<String>)> = Vec::new();
                for b in self.bindings.iter().filter(|b| b.context == context) {
                    match rows.iter_mut().find(|(a, _)| *a == b.action) {
                        Some((_, keys)) => keys.push(b.key.to_string()),
                        None => rows.push((b.action.clone(), vec![b.key.to_string()])),
                    }
                }
                let rows = rows
                    .into_iter()
                    .map(|(action, keys)| (keys.join(", "), action.description()))
                    .collect();
                (context, rows)
            })
            .collect()
    }

    /// The first key bound to `action` in `context`, for hints in the status bar.
    pub fn key_for(&self, context: Context, action: &Action) -> Option<Key> {
        self.bindings
            .iter()
            .find(|b| b.context == context && b.action == *action)
            .map(|b| b.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn key(s: &str) -> Key {
        s.parse().expect("valid key name")
    }

    #[test]
    fn key_names_round_trip() {
        for name in [
            "j",
            "G",
            "ctrl-o",
            "alt-right",
            "shift-tab",
            "space",
            "pgdn",
            "f5",
            "-",
            "+",
            "?",
            "ctrl-alt-x",
            "esc",
            "enter",
            "backspace",
            "[",
        ] {
            assert_eq!(key(name).to_string(), name);
        }
        assert_eq!(key("Ctrl-O"), key("ctrl-O"));
        assert_eq!(key("PageDown"), key("pgdn"));
        assert!("ctrl-".parse::<Key>().is_err());
        assert!("nonsense".parse::<Key>().is_err());
        assert!("".parse::<Key>().is_err());
    }

    #[test]
    fn every_default_binding_parses() {
        assert_eq!(Keymap::default().bindings.len(), DEFAULTS.len());
    }

    #[test]
    fn events_map_to_keys() {
        let ev = |code, mods| KeyEvent {
            code,
            modifiers: mods,
            kind: KeyEventKind::Press,
            state: crossterm::event::KeyEventState::NONE,
        };
        assert_eq!(
            Key::from_event(ev(CtKeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(key("G"))
        );
        assert_eq!(
            Key::from_event(ev(CtKeyCode::Char('o'), KeyModifiers::CONTROL)),
            Some(key("ctrl-o"))
        );
        assert_eq!(
            Key::from_event(ev(CtKeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(key("shift-tab"))
        );
    }

    #[test]
    fn prompts_take_text_but_keep_their_bindings() {
        let map = Keymap::default();
        let search = [Context::Search];
        assert_eq!(map.lookup(&search, key("q")), Some(Action::Insert('q')));
        assert_eq!(map.lookup(&search, key("esc")), Some(Action::Cancel));
        assert_eq!(map.lookup(&search, key("ctrl-c")), Some(Action::Quit));
        assert_eq!(map.lookup(&search, key("ctrl-x")), None);
        let body = [Context::Body, Context::Global];
        assert_eq!(map.lookup(&body, key("q")), Some(Action::Quit));
        assert_eq!(map.lookup(&body, key("]")), Some(Action::MentionNext));
        let list = [Context::Articles, Context::Global];
        assert_eq!(map.lookup(&list, key("]")), None);
    }

    #[test]
    fn help_groups_keys_per_action() {
        let map = Keymap::default();
        let help = map.help();
        let (_, global) = help
            .iter()
            .find(|(c, _)| *c == Context::Global)
            .expect("global bindings");
        assert!(global.contains(&("j, down".to_string(), "move or scroll down")));
        assert!(global.contains(&(
            "backspace, ctrl-o, alt-left".to_string(),
            "go back to where you were"
        )));
    }

    #[test]
    fn config_overrides_apply_and_report_problems() {
        let mut map = Keymap::default();
        let config: KeyConfig = toml::from_str(
            r#"
            [global]
            "ctrl-d" = "half_page_down"
            "q" = "none"
            "ctrl-x" = "explode"
            "nonsense-key" = "quit"
            [body]
            "m" = "mention_next"
            "#,
        )
        .expect("valid toml");
        let problems = map.apply(&config);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("explode")));
        assert!(problems.iter().any(|p| p.contains("nonsense-key")));
        let body = [Context::Body, Context::Global];
        assert_eq!(map.lookup(&body, key("ctrl-d")), Some(Action::HalfPageDown));
        assert_eq!(map.lookup(&body, key("m")), Some(Action::MentionNext));
        assert_eq!(map.lookup(&body, key("q")), None);
        assert_eq!(map.lookup(&body, key("ctrl-c")), Some(Action::Quit));
    }

    #[test]
    fn the_table_round_trips_through_config() {
        let map = Keymap::default();
        let text = toml::to_string(&map.to_config()).expect("serialises");
        let config: KeyConfig = toml::from_str(&text).expect("reads back");
        let mut rebuilt = Keymap {
            bindings: Vec::new(),
        };
        assert!(rebuilt.apply(&config).is_empty());
        for b in &map.bindings {
            assert_eq!(
                rebuilt.lookup(&[b.context], b.key),
                Some(b.action.clone()),
                "{b:?}"
            );
        }
    }

    #[test]
    fn rebinding_replaces() {
        let mut map = Keymap::default();
        map.bind(Context::Global, key("q"), Action::Help);
        assert_eq!(map.lookup(&[Context::Global], key("q")), Some(Action::Help));
    }
}
