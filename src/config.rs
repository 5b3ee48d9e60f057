//! The user's configuration file (`config.toml`): key bindings, theme and colours, the sidebar
//! and the reading width.
//!
//! The file is the user's own writing, so a mistake in it is reported precisely (file, line,
//! column and what is wrong, from toml's spans) and never stops the reader: it starts with the
//! defaults and shows the message. Everything is optional; unknown names are errors rather than
//! silently ignored, because a misspelt action would otherwise just not work.
//!
//! [`Config::to_toml`] prints the *effective* configuration, every binding included, as a file
//! that loads back to the same configuration, so `broker-reader config > config.toml` is a
//! starting point. This is a front-end module: it speaks in the reader's keys and styles.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::tui::action::Action;
use crate::tui::keymap::{Binding, Context, Key, Keymap};
use crate::tui::theme::{ColourSpec, Theme, ThemeName};

/// Environment variable naming a config file to use instead of the standard one.
pub const CONFIG_ENV: &str = "BROKER_READER_CONFIG";
/// A config file larger than this is not a config file.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The reading width used when the file does not set one.
pub const DEFAULT_MAX_WIDTH: u16 = crate::tui::app::DEFAULT_MEASURE;
pub const MIN_MAX_WIDTH: u16 = 20;
pub const MAX_MAX_WIDTH: u16 = 240;
pub const MIN_SIDEBAR_WIDTH: u16 = 16;
pub const MAX_SIDEBAR_WIDTH: u16 = 80;

/// A loaded configuration.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Config {
    pub theme: ThemeName,
    /// User colours by slot name ([`Theme::SLOTS`]), as written.
    pub colours: BTreeMap<String, String>,
    pub layout: Layout,
    /// Overrides per key table, in file order within each action.
    pub keys: BTreeMap<KeyTable, Vec<(Action, Vec<Key>)>>,
}

/// Sidebar and text column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Layout {
    /// Show the entity sidebar beside the text when the terminal is wide enough; when off it
    /// still appears while it has focus.
    pub sidebar: bool,
    /// Columns of the sidebar; unset means a quarter of the screen (26 to 40).
    pub sidebar_width: Option<u16>,
    /// Widest the text column grows (`+`/`-` change it while reading).
    pub max_width: u16,
}

impl Default for Layout {
    fn default() -> Self {
        Self {
            sidebar: true,
            sidebar_width: None,
            max_width: DEFAULT_MAX_WIDTH,
        }
    }
}

/// The tables of key bindings in the file. `[keys]` covers the panes; the prompts and the help
/// have tables of their own because there letters are typed, not bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyTable {
    Panes,
    Search,
    Picker,
    Help,
    Bookmarks,
}

impl KeyTable {
    pub const ALL: [KeyTable; 5] = [
        KeyTable::Panes,
        KeyTable::Search,
        KeyTable::Picker,
        KeyTable::Help,
        KeyTable::Bookmarks,
    ];

    pub fn name(self) -> &'static str {
        match self {
            KeyTable::Panes => "keys",
            KeyTable::Search => "search_keys",
            KeyTable::Picker => "picker_keys",
            KeyTable::Help => "help_keys",
            KeyTable::Bookmarks => "bookmark_keys",
        }
    }

    /// The keymap contexts the table speaks for; the first is where new bindings go.
    pub fn contexts(self) -> &'static [Context] {
        match self {
            KeyTable::Panes => &[
                Context::Global,
                Context::Articles,
                Context::Body,
                Context::Sidebar,
            ],
            KeyTable::Search => &[Context::Search],
            KeyTable::Picker => &[Context::Picker],
            KeyTable::Help => &[Context::Help],
            KeyTable::Bookmarks => &[Context::Bookmarks],
        }
    }

    fn title(self) -> &'static str {
        match self {
            KeyTable::Panes => "Keys in the panes: action = key or [keys]; [] unbinds.",
            KeyTable::Search => "Keys in the search prompt (other printable keys are typed).",
            KeyTable::Picker => "Keys in the entity picker (other printable keys are typed).",
            KeyTable::Help => "Keys in the help overlay.",
            KeyTable::Bookmarks => "Keys in the bookmark list.",
        }
    }
}

/// Where the configuration came from and what went wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Loaded {
    pub config: Config,
    /// The file read, if any.
    pub path: Option<PathBuf>,
    /// Why the file was not used (the config is then the default).
    pub warning: Option<String>,
}

/// Which file to read: `--config FILE`, else `$BROKER_READER_CONFIG`, else the standard one.
/// The flag and the variable name a file that must exist; the standard one may be absent.
pub fn locate(flag: Option<&Path>, env: Option<&std::ffi::OsStr>) -> (Option<PathBuf>, bool) {
    if let Some(path) = flag {
        return (Some(path.to_path_buf()), true);
    }
    if let Some(path) = env.filter(|p| !p.is_empty()) {
        return (Some(PathBuf::from(path)), true);
    }
    (crate::store::Store::standard_config_path(), false)
}

/// Loads the configuration from `path`. Never fails: a missing optional file gives defaults
/// silently, anything else wrong gives defaults and a warning naming the file.
pub fn load(path: Option<&Path>, required: bool) -> Loaded {
    let Some(path) = path else {
        return Loaded::default();
    };
    let shown = path.display();
    let fail = |problem: String| Loaded {
        config: Config::default(),
        path: Some(path.to_path_buf()),
        warning: Some(format!(
            "{shown}: {problem}; using the default configuration"
        )),
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
            return Loaded::default();
        }
        Err(e) => return fail(e.to_string()),
    };
    if meta.len() > MAX_CONFIG_BYTES {
        return fail(format!(
            "{} bytes is too large for a config file",
            meta.len()
        ));
    }
    let text = match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(_) => return fail("not UTF-8 text".into()),
        },
        Err(e) => return fail(e.to_string()),
    };
    match Config::parse(&text) {
        Ok(config) => Loaded {
            config,
            path: Some(path.to_path_buf()),
            warning: None,
        },
        Err(e) => fail(e.to_string()),
    }
}

/// A problem in a config file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// 1-based line and column, when known.
    pub line: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some((line, column)) => write!(f, "line {line}, column {column}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    fn at(text: &str, span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        let message = message.into();
        // The message is shown on one status line: no quoted source, no line breaks.
        let message =
            crate::source::sanitize(message.lines().next().unwrap_or("").trim()).into_owned();
        Self {
            line: span.map(|s| line_column(text, s.start)),
            message,
        }
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(1, |l| l.chars().count() + 1);
    (line, column)
}

/// The file as written, validated while it is read so errors carry toml's spans.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct File {
    theme: ThemeFile,
    layout: Layout,
    keys: BTreeMap<toml::Spanned<ActionName>, toml::Spanned<KeyList>>,
    search_keys: BTreeMap<toml::Spanned<ActionName>, toml::Spanned<KeyList>>,
    picker_keys: BTreeMap<toml::Spanned<ActionName>, toml::Spanned<KeyList>>,
    help_keys: BTreeMap<toml::Spanned<ActionName>, toml::Spanned<KeyList>>,
    bookmark_keys: BTreeMap<toml::Spanned<ActionName>, toml::Spanned<KeyList>>,
}

#[derive(Debug, Default)]
struct ThemeFile {
    name: ThemeName,
    colors: BTreeMap<SlotName, ColourText>,
}

/// `theme = "dark"` or a `[theme]` table with `name` and `[theme.colors]`.
impl<'de> Deserialize<'de> for ThemeFile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(default, deny_unknown_fields)]
        #[derive(Default)]
        struct Table {
            name: ThemeName,
            colors: BTreeMap<SlotName, ColourText>,
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ThemeFile;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"auto\", \"dark\", \"light\" or a [theme] table")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<ThemeFile, E> {
                let name = ThemeName::deserialize(de::value::StrDeserializer::<E>::new(s))?;
                Ok(ThemeFile {
                    name,
                    colors: BTreeMap::new(),
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ThemeFile, A::Error> {
                let t = Table::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(ThemeFile {
                    name: t.name,
                    colors: t.colors,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// A bindable action's name, checked while reading so an unknown one gets a line number.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ActionName(String);

impl ActionName {
    fn action(&self) -> Option<Action> {
        Action::BINDABLE
            .iter()
            .find(|a| a.name() == self.0)
            .cloned()
    }
}

impl<'de> Deserialize<'de> for ActionName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        let name = ActionName(name);
        if name.action().is_some() {
            return Ok(name);
        }
        let known: Vec<String> = Action::BINDABLE.iter().map(Action::name).collect();
        Err(de::Error::custom(format!(
            "unknown action {:?} (actions: {})",
            name.0,
            known.join(", ")
        )))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct KeyList(Vec<Key>);

/// One key name or a list of them.
impl<'de> Deserialize<'de> for KeyList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key name like \"j\" or \"ctrl-o\", or a list of them")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<KeyList, E> {
                s.parse().map(|k| KeyList(vec![k])).map_err(E::custom)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KeyList, A::Error> {
                let mut keys = Vec::new();
                while let Some(name) = seq.next_element::<String>()? {
                    keys.push(name.parse().map_err(de::Error::custom)?);
                }
                Ok(KeyList(keys))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct SlotName(String);

impl<'de> Deserialize<'de> for SlotName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        if Theme::is_slot(&name) {
            return Ok(SlotName(name));
        }
        let known: Vec<&str> = Theme::SLOTS.iter().map(|(n, _)| *n).collect();
        Err(de::Error::custom(format!(
            "unknown colour name {name:?} (colours: {})",
            known.join(", ")
        )))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ColourText(String);

impl<'de> Deserialize<'de> for ColourText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse::<ColourSpec>().map_err(de::Error::custom)?;
        Ok(ColourText(text))
    }
}

impl Config {
    /// Reads a config file's text.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let file: File =
            toml::from_str(text).map_err(|e| ConfigError::at(text, e.span(), e.message()))?;
        let mut keys = BTreeMap::new();
        for (table, entries) in [
            (KeyTable::Panes, file.keys),
            (KeyTable::Search, file.search_keys),
            (KeyTable::Picker, file.picker_keys),
            (KeyTable::Help, file.help_keys),
            (KeyTable::Bookmarks, file.bookmark_keys),
        ] {
            if entries.is_empty() {
                continue;
            }
            // Spans give file order, which decides nothing but makes messages point at the
            // second of two clashing entries.
            let mut entries: Vec<_> = entries.into_iter().collect();
            entries.sort_by_key(|(name, _)| name.span().start);
            let mut seen: Vec<(Key, Action)> = Vec::new();
            let mut list = Vec::new();
            for (name, keys) in entries {
                let span = keys.span();
                let Some(action) = name.get_ref().action() else {
                    continue;
                };
                let keys = keys.into_inner().0;
                for key in &keys {
                    if let Some((_, other)) = seen.iter().find(|(k, _)| k == key) {
                        return Err(ConfigError::at(
                            text,
                            Some(span),
                            format!(
                                "key {key} is bound to both {other} and {action} in [{}]",
                                table.name()
                            ),
                        ));
                    }
                    seen.push((*key, action.clone()));
                }
                list.push((action, keys));
            }
            keys.insert(table, list);
        }
        let layout = file.layout;
        if !(MIN_MAX_WIDTH..=MAX_MAX_WIDTH).contains(&layout.max_width) {
            return Err(ConfigError::at(
                text,
                find_line(text, "max_width"),
                format!("max_width must be between {MIN_MAX_WIDTH} and {MAX_MAX_WIDTH}"),
            ));
        }
        if let Some(w) = layout.sidebar_width
            && !(MIN_SIDEBAR_WIDTH..=MAX_SIDEBAR_WIDTH).contains(&w)
        {
            return Err(ConfigError::at(
                text,
                find_line(text, "sidebar_width"),
                format!(
                    "sidebar_width must be between {MIN_SIDEBAR_WIDTH} and {MAX_SIDEBAR_WIDTH}"
                ),
            ));
        }
        Ok(Config {
            theme: file.theme.name,
            colours: file
                .theme
                .colors
                .into_iter()
                .map(|(k, v)| (k.0, v.0))
                .collect(),
            layout,
            keys,
        })
    }

    /// The default key table with this file's overrides applied. An overridden action's
    /// keys take the place of its first default binding, so the help keeps its order.
    pub fn keymap(&self) -> Keymap {
        let mut map = Keymap::default();
        for (&table, overrides) in &self.keys {
            let contexts = table.contexts();
            let in_table = |c: Context| contexts.contains(&c);
            let overridden = |a: &Action| overrides.iter().any(|(o, _)| o == a);
            // A rebound key means its new action throughout the table, so a pane's own
            // binding cannot shadow it.
            let taken = |k: Key| overrides.iter().any(|(_, keys)| keys.contains(&k));
            let mut bindings = Vec::with_capacity(map.bindings.len());
            let mut placed: Vec<Action> = Vec::new();
            for b in std::mem::take(&mut map.bindings) {
                if !in_table(b.context) {
                    bindings.push(b);
                } else if overridden(&b.action) {
                    // Each action keeps the context its default keys live in (`]` in the text
                    // pane).
                    if !placed.contains(&b.action) {
                        placed.push(b.action.clone());
                        bindings.extend(new_bindings(overrides, &b.action, b.context));
                    }
                } else if !taken(b.key) {
                    bindings.push(b);
                }
            }
            for (action, _) in overrides {
                if !placed.contains(action) {
                    placed.push(action.clone());
                    bindings.extend(new_bindings(overrides, action, contexts[0]));
                }
            }
            map.bindings = bindings;
        }
        map
    }

    /// The theme to draw with, given whether colour is on and the terminal's `COLORFGBG`.
    pub fn theme(&self, colour: bool, colorfgbg: Option<&str>) -> Theme {
        let colours: Vec<(String, ColourSpec)> = self
            .colours
            .iter()
            .filter_map(|(slot, text)| Some((slot.clone(), text.parse().ok()?)))
            .collect();
        Theme::build(self.theme, colour, colorfgbg, &colours)
    }

    /// The effective configuration as a config file: every setting and every binding, with
    /// comments. Loading it gives back this configuration.
    pub fn to_toml(&self) -> String {
        let keymap = self.keymap();
        let defaults = Keymap::default();
        let mut out = String::new();
        let q = |s: &str| toml::Value::String(s.to_string()).to_string();
        let _ = writeln!(
            out,
            "# broker-reader configuration. Every entry is optional; this is the effective\n\
             # configuration, printed by `broker-reader config`.\n"
        );
        let _ = writeln!(out, "[theme]");
        let names: Vec<&str> = ThemeName::ALL.iter().map(|t| t.as_str()).collect();
        let _ = writeln!(
            out,
            "# {}; auto is light when COLORFGBG says the background is light.",
            names.join(", ")
        );
        let _ = writeln!(out, "name = {}", q(self.theme.as_str()));
        let _ = writeln!(out, "\n[theme.colors]");
        let _ = writeln!(
            out,
            "# \"yellow\", \"#88c0d0\", \"208\", \"black on yellow\" or \"on blue\" for:"
        );
        for (slot, what) in Theme::SLOTS {
            if !self.colours.contains_key(*slot) {
                let _ = writeln!(out, "# {slot}: {what}");
            }
        }
        for (slot, colour) in &self.colours {
            let _ = writeln!(out, "{slot} = {}", q(colour));
        }
        let layout = &self.layout;
        let _ = writeln!(out, "\n[layout]");
        let _ = writeln!(out, "sidebar = {}", layout.sidebar);
        match layout.sidebar_width {
            Some(w) => {
                let _ = writeln!(out, "sidebar_width = {w}");
            }
            None => {
                let _ = writeln!(
                    out,
                    "# sidebar_width = 32   (default: a quarter of the screen)"
                );
            }
        }
        let _ = writeln!(out, "max_width = {}", layout.max_width);
        for table in KeyTable::ALL {
            let _ = writeln!(out, "\n[{}]", table.name());
            let _ = writeln!(out, "# {}", table.title());
            let in_table = |c: &Context| table.contexts().contains(c);
            for action in &Action::BINDABLE {
                let keys: Vec<String> = keymap
                    .bindings
                    .iter()
                    .filter(|b| b.action == *action && in_table(&b.context))
                    .map(|b| q(&b.key.to_string()))
                    .collect();
                let by_default = defaults
                    .bindings
                    .iter()
                    .any(|b| b.action == *action && in_table(&b.context));
                if keys.is_empty() && !by_default {
                    continue;
                }
                let value = match keys.as_slice() {
                    [one] => one.clone(),
                    many => format!("[{}]", many.join(", ")),
                };
                let entry = format!("{} = {value}", action.name());
                let _ = writeln!(out, "{entry:<40} # {}", action.description());
            }
        }
        out
    }
}

fn new_bindings(
    overrides: &[(Action, Vec<Key>)],
    action: &Action,
    context: Context,
) -> Vec<Binding> {
    overrides
        .iter()
        .filter(|(a, _)| a == action)
        .flat_map(|(_, keys)| keys)
        .map(|&key| Binding {
            context,
            key,
            action: action.clone(),
        })
        .collect()
}

/// The span of the first line setting `name`, for checks made after toml has finished.
fn find_line(text: &str, name: &str) -> Option<Range<usize>> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed
            .strip_prefix(name)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
        {
            let start = offset + (line.len() - trimmed.len());
            return Some(start..start + name.len());
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Key {
        s.parse().expect("valid key")
    }

    #[test]
    fn empty_file_is_the_default() {
        assert_eq!(Config::parse(""), Ok(Config::default()));
        assert_eq!(Config::default().keymap(), Keymap::default());
    }

    #[test]
    fn line_and_column_count_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 9), (2, 3));
        assert_eq!(line_column(text, 999), (3, 1));
    }

    #[test]
    fn overriding_a_text_pane_key_keeps_it_there() {
        let config = Config::parse("[keys]\nmention_next = \"}\"\n").expect("valid");
        let map = config.keymap();
        let body = [Context::Body, Context::Global];
        assert_eq!(map.lookup(&body, key("}")), Some(Action::MentionNext));
        assert_eq!(map.lookup(&body, key("]")), None);
    }

    #[test]
    fn a_rebound_key_leaves_its_old_action() {
        let config = Config::parse("[keys]\nquit = [\"x\", \"j\"]\n").expect("valid");
        let map = config.keymap();
        let global = [Context::Global];
        assert_eq!(map.lookup(&global, key("j")), Some(Action::Quit));
        assert_eq!(map.lookup(&global, key("q")), None);
        assert_eq!(map.lookup(&global, key("down")), Some(Action::Down));
        // Other tables are untouched.
        assert_eq!(map.lookup(&[Context::Help], key("j")), Some(Action::Down));
    }
}
