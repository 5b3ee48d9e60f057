//! Every style the reader draws with, in one place: a dark and a light colour theme, a
//! no-colour theme, and user colours from the config file laid over them.
//!
//! Views never build a style themselves; they ask the [`Theme`] for a named one. Each
//! distinction the reader makes (focus, selection, search matches, the current match, entity
//! mentions, the mention cursor) is carried by a modifier in every theme, so with colour off
//! (`NO_COLOR`, `--color never`) only the colours go and nothing else is lost.

use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::{Deserialize, Serialize};

use super::wrap::Role;

/// The theme asked for in the config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThemeName {
    /// Dark unless the terminal says its background is light (`COLORFGBG`).
    #[default]
    Auto,
    Dark,
    Light,
}

impl ThemeName {
    pub const ALL: [ThemeName; 3] = [ThemeName::Auto, ThemeName::Dark, ThemeName::Light];

    pub fn as_str(self) -> &'static str {
        match self {
            ThemeName::Auto => "auto",
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
        }
    }
}

/// Named styles for every role and state the views draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub section: Style,
    pub title: Style,
    pub standfirst: Style,
    pub byline: Style,
    pub paragraph: Style,
    pub heading: Style,
    pub list_marker: Style,
    pub caption: Style,
    pub bio: Style,
    pub reference: Style,
    pub label: Style,
    pub decoration: Style,
    pub mention: Style,
    pub matched: Style,
    pub current_match: Style,
    pub cursor: Style,
    /// The selected row of the focused pane.
    pub selected: Style,
    /// The selected row of a pane without focus.
    pub selected_unfocused: Style,
    /// The open article, a focused title, messages.
    pub current: Style,
    pub focused_border: Style,
    pub border: Style,
    pub dim: Style,
    pub status: Style,
    pub kind: Style,
    /// Reading-progress marks and bookmarks in lists.
    pub progress: Style,
}

impl Default for Theme {
    fn default() -> Self {
        Self::dark()
    }
}

const B: Modifier = Modifier::BOLD;
const I: Modifier = Modifier::ITALIC;
const U: Modifier = Modifier::UNDERLINED;
const R: Modifier = Modifier::REVERSED;
const D: Modifier = Modifier::DIM;

impl Theme {
    /// Modifiers only: what every theme keeps when colour is off.
    pub fn mono() -> Self {
        let m = |modifier: Modifier| Style::new().add_modifier(modifier);
        Self {
            section: m(I),
            title: m(B),
            standfirst: m(I | B),
            byline: m(I),
            paragraph: Style::new(),
            heading: m(B | U),
            list_marker: m(B),
            caption: m(I),
            bio: m(I),
            reference: Style::new(),
            label: m(D),
            decoration: m(D),
            mention: m(U),
            matched: m(R),
            current_match: m(R | B),
            cursor: m(R | U | I),
            selected: m(R),
            selected_unfocused: m(B | U),
            current: m(B),
            focused_border: m(B),
            border: Style::new(),
            dim: m(D),
            status: m(R),
            kind: m(B),
            progress: Style::new(),
        }
    }

    /// For dark backgrounds: light text colours, highlights as dark text on a coloured field.
    pub fn dark() -> Self {
        let t = Self::mono();
        let field = highlight;
        Self {
            section: t.section.fg(Color::Magenta),
            title: t.title.fg(Color::Yellow),
            byline: t.byline.fg(Color::Green),
            heading: t.heading.fg(Color::Cyan),
            list_marker: t.list_marker.fg(Color::Cyan),
            caption: t.caption.fg(Color::Gray),
            bio: t.bio.fg(Color::Green),
            reference: t.reference.fg(Color::Blue),
            mention: t.mention.fg(Color::LightBlue),
            matched: field(t.matched, Color::Black, Color::Yellow),
            current_match: field(t.current_match, Color::Black, Color::LightRed),
            cursor: field(t.cursor, Color::Black, Color::LightBlue),
            focused_border: t.focused_border.fg(Color::Cyan),
            border: t.border.fg(Color::DarkGray),
            kind: t.kind.fg(Color::Magenta),
            progress: t.progress.fg(Color::Green),
            ..t
        }
    }

    /// For light backgrounds: only colours that stay dark enough to read on white.
    pub fn light() -> Self {
        let t = Self::mono();
        let field = highlight;
        Self {
            section: t.section.fg(Color::Magenta),
            title: t.title.fg(Color::Blue),
            byline: t.byline.fg(Color::Green),
            heading: t.heading.fg(Color::Blue),
            list_marker: t.list_marker.fg(Color::Blue),
            caption: t.caption.fg(Color::DarkGray),
            bio: t.bio.fg(Color::Green),
            reference: t.reference.fg(Color::Blue),
            mention: t.mention.fg(Color::Blue),
            matched: field(t.matched, Color::Black, Color::LightYellow),
            current_match: field(t.current_match, Color::Black, Color::LightRed),
            cursor: field(t.cursor, Color::Black, Color::LightCyan),
            focused_border: t.focused_border.fg(Color::Blue),
            border: t.border.fg(Color::DarkGray),
            kind: t.kind.fg(Color::Magenta),
            progress: t.progress.fg(Color::Green),
            ..t
        }
    }

    /// The theme to draw with: `colour` false gives [`Theme::mono`] whatever was asked for;
    /// otherwise the named theme (auto resolved from `colorfgbg`) with the user's colours.
    pub fn build(
        name: ThemeName,
        colour: bool,
        colorfgbg: Option<&str>,
        colours: &[(String, ColourSpec)],
    ) -> Self {
        if !colour {
            return Self::mono();
        }
        let mut theme = match name {
            ThemeName::Dark => Self::dark(),
            ThemeName::Light => Self::light(),
            ThemeName::Auto if light_background(colorfgbg) => Self::light(),
            ThemeName::Auto => Self::dark(),
        };
        for (slot, spec) in colours {
            for style in theme.slots_mut(slot) {
                *style = spec.apply(*style);
            }
        }
        theme
    }

    /// The names user colours can be given for, with what each colours.
    pub const SLOTS: &'static [(&'static str, &'static str)] = &[
        (
            "accent",
            "focused borders, headings, list markers and entity kinds",
        ),
        ("section", "the section name above a title"),
        ("title", "article titles"),
        ("standfirst", "the standfirst under a title"),
        ("byline", "authors"),
        ("text", "paragraphs"),
        ("heading", "headings in the text"),
        ("caption", "photo captions"),
        ("bio", "author notes"),
        ("reference", "references"),
        ("mention", "entity mentions in the text"),
        ("match", "search matches"),
        ("current_match", "the search match jumped to"),
        ("cursor", "the mention cursor"),
        ("selected", "the selected row"),
        ("border", "borders of panes without focus"),
        ("focused_border", "the border of the focused pane"),
        ("status", "the status bar"),
        ("kind", "entity kinds in the sidebar"),
        ("progress", "reading progress and bookmarks"),
    ];

    fn slots_mut(&mut self, slot: &str) -> Vec<&mut Style> {
        match slot {
            "accent" => vec![
                &mut self.focused_border,
                &mut self.heading,
                &mut self.list_marker,
                &mut self.kind,
            ],
            "section" => vec![&mut self.section],
            "title" => vec![&mut self.title],
            "standfirst" => vec![&mut self.standfirst],
            "byline" => vec![&mut self.byline],
            "text" => vec![&mut self.paragraph],
            "heading" => vec![&mut self.heading],
            "caption" => vec![&mut self.caption],
            "bio" => vec![&mut self.bio],
            "reference" => vec![&mut self.reference],
            "mention" => vec![&mut self.mention],
            "match" => vec![&mut self.matched],
            "current_match" => vec![&mut self.current_match],
            "cursor" => vec![&mut self.cursor],
            "selected" => vec![&mut self.selected],
            "border" => vec![&mut self.border],
            "focused_border" => vec![&mut self.focused_border],
            "status" => vec![&mut self.status],
            "kind" => vec![&mut self.kind],
            "progress" => vec![&mut self.progress],
            _ => Vec::new(),
        }
    }

    pub fn is_slot(name: &str) -> bool {
        Self::SLOTS.iter().any(|(n, _)| *n == name)
    }

    pub fn role(&self, role: Role) -> Style {
        match role {
            Role::Section => self.section,
            Role::Title => self.title,
            Role::Standfirst => self.standfirst,
            Role::Byline => self.byline,
            Role::Paragraph | Role::ListItem => self.paragraph,
            Role::Heading => self.heading,
            Role::ListMarker => self.list_marker,
            Role::Caption => self.caption,
            Role::Bio => self.bio,
            Role::Reference => self.reference,
            Role::Label => self.label,
            Role::Decoration => self.decoration,
        }
    }

    /// True when no style of the theme sets a colour.
    pub fn is_colourless(&self) -> bool {
        self.all().iter().all(|s| s.fg.is_none() && s.bg.is_none())
    }

    fn all(&self) -> [Style; 25] {
        [
            self.section,
            self.title,
            self.standfirst,
            self.byline,
            self.paragraph,
            self.heading,
            self.list_marker,
            self.caption,
            self.bio,
            self.reference,
            self.label,
            self.decoration,
            self.mention,
            self.matched,
            self.current_match,
            self.cursor,
            self.selected,
            self.selected_unfocused,
            self.current,
            self.focused_border,
            self.border,
            self.dim,
            self.status,
            self.kind,
            self.progress,
        ]
    }
}

/// A highlight keeps REVERSED (so it survives without colour): its foreground is what shows
/// as the field and its background as the text, hence the swapped order here.
fn highlight(style: Style, text: Color, field: Color) -> Style {
    style.add_modifier(R).fg(field).bg(text)
}

/// True when `COLORFGBG` ("fg;bg", set by rxvt, konsole and others) names a light background:
/// white (7) or a bright colour other than dark grey (9–15).
pub fn light_background(colorfgbg: Option<&str>) -> bool {
    colorfgbg
        .and_then(|v| v.rsplit(';').next())
        .and_then(|bg| bg.trim().parse::<u8>().ok())
        .is_some_and(|bg| bg == 7 || (9..=15).contains(&bg))
}

/// A user colour: `"yellow"`, `"#88c0d0"`, `"black on yellow"` or `"on yellow"` (foreground,
/// background or both; names, `#rrggbb` or a 0–255 palette index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColourSpec {
    pub fg: Option<Color>,
    pub bg: Option<Color>,
}

/// Why a colour could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "bad colour {0:?} (try \"yellow\", \"#88c0d0\", \"208\", \"black on yellow\" or \"on blue\")"
)]
pub struct ColourError(pub String);

impl FromStr for ColourSpec {
    type Err = ColourError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ColourError(s.to_string());
        let colour = |c: &str| -> Result<Color, ColourError> {
            let c = c.trim();
            // ratatui reads "" as nothing useful and some words loosely; insist on a value.
            if c.is_empty() {
                return Err(err());
            }
            Color::from_str(c).map_err(|_| err())
        };
        let text = s.trim();
        let (fg, bg) = match text.split_once(" on ") {
            Some((fg, bg)) => (Some(fg), Some(bg)),
            None => match text.strip_prefix("on ") {
                Some(bg) => (None, Some(bg)),
                None => (Some(text), None),
            },
        };
        Ok(Self {
            fg: fg.map(colour).transpose()?,
            bg: bg.map(colour).transpose()?,
        })
    }
}

impl ColourSpec {
    /// On a highlight (a REVERSED style) the colours are given as seen: `"black on yellow"`
    /// is black text on a yellow field, and a lone colour is the field.
    fn apply(self, mut style: Style) -> Style {
        let (fg, bg) = if style.add_modifier.contains(R) {
            match (self.fg, self.bg) {
                (Some(field), None) => (Some(field), None),
                (text, field) => (field, text),
            }
        } else {
            (self.fg, self.bg)
        };
        if let Some(fg) = fg {
            style = style.fg(fg);
        }
        if let Some(bg) = bg {
            style = style.bg(bg);
        }
        style
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two styles look the same once colours are gone.
    fn same_without_colour(a: Style, b: Style) -> bool {
        let strip = |s: Style| (s.add_modifier, s.sub_modifier);
        strip(a) == strip(b)
    }

    #[test]
    fn every_distinction_survives_without_colour() {
        for theme in [Theme::mono(), Theme::dark(), Theme::light()] {
            let distinct = [
                ("mention", theme.mention),
                ("match", theme.matched),
                ("current match", theme.current_match),
                ("cursor", theme.cursor),
                ("plain", theme.paragraph),
            ];
            for (i, (a, sa)) in distinct.iter().enumerate() {
                for (b, sb) in &distinct[i + 1..] {
                    assert!(!same_without_colour(*sa, *sb), "{a} and {b} look alike");
                }
            }
            assert!(!same_without_colour(theme.selected, Style::new()));
            assert!(!same_without_colour(theme.selected_unfocused, Style::new()));
            assert!(!same_without_colour(theme.focused_border, theme.border));
        }
        assert!(Theme::mono().is_colourless());
        assert!(!Theme::dark().is_colourless());
    }

    #[test]
    fn light_theme_avoids_pale_text() {
        let pale = [Color::Yellow, Color::White, Color::LightYellow, Color::Gray];
        let light = Theme::light();
        for style in light.all() {
            // A pale foreground is only acceptable on a background of its own.
            if style.bg.is_none() {
                assert!(!style.fg.is_some_and(|c| pale.contains(&c)), "{style:?}");
            }
        }
    }

    #[test]
    fn auto_follows_colorfgbg() {
        assert!(light_background(Some("0;15")));
        assert!(light_background(Some("0;default;7")));
        assert!(!light_background(Some("15;0")));
        assert!(!light_background(Some("7;8")));
        assert!(!light_background(Some("garbage")));
        assert!(!light_background(None));
        let light = Theme::build(ThemeName::Auto, true, Some("0;15"), &[]);
        assert_eq!(light, Theme::light());
        assert_eq!(
            Theme::build(ThemeName::Auto, true, None, &[]),
            Theme::dark()
        );
        assert_eq!(
            Theme::build(ThemeName::Light, false, None, &[]),
            Theme::mono()
        );
    }

    #[test]
    fn user_colours_apply_to_their_slots() {
        let spec = |s: &str| s.parse::<ColourSpec>().expect("valid colour");
        let colours = vec![
            ("accent".to_string(), spec("#88c0d0")),
            ("match".to_string(), spec("black on yellow")),
        ];
        let theme = Theme::build(ThemeName::Dark, true, None, &colours);
        assert_eq!(theme.focused_border.fg, Some(Color::Rgb(0x88, 0xc0, 0xd0)));
        assert_eq!(theme.kind.fg, Some(Color::Rgb(0x88, 0xc0, 0xd0)));
        // Reversed: the field colour is the foreground.
        assert_eq!(theme.matched.fg, Some(Color::Yellow));
        assert_eq!(theme.matched.bg, Some(Color::Black));
        assert!(theme.matched.add_modifier.contains(Modifier::REVERSED));
        let field = vec![("match".to_string(), spec("cyan"))];
        let theme = Theme::build(ThemeName::Dark, true, None, &field);
        assert_eq!(theme.matched.fg, Some(Color::Cyan));
        // Colours off: user colours are ignored too.
        assert!(Theme::build(ThemeName::Dark, false, None, &colours).is_colourless());
    }

    #[test]
    fn colour_specs_parse() {
        assert_eq!(
            "on blue".parse::<ColourSpec>(),
            Ok(ColourSpec {
                fg: None,
                bg: Some(Color::Blue)
            })
        );
        assert_eq!(
            "208".parse::<ColourSpec>().map(|c| c.fg),
            Ok(Some(Color::Indexed(208)))
        );
        for bad in ["", "on ", "blurple", "#12345", "red on", "#gggggg"] {
            assert!(bad.parse::<ColourSpec>().is_err(), "{bad:?}");
        }
        for (name, _) in Theme::SLOTS {
            assert!(
                !Theme::dark().clone().slots_mut(name).is_empty(),
                "{name} colours something"
            );
        }
    }
}
