//! Everything the reader can be asked to do, as plain data.
//!
//! Keys, mouse events, resizes and background work all become an [`Action`]; only
//! [`crate::tui::app::update`] turns actions into state changes. Bindable actions have a
//! snake_case name (used in config files) and a one-line description (used by the help overlay
//! and the status bar), so what a key does is written down exactly once.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::Library;

/// One request to change the reader's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    Down,
    Up,
    PageDown,
    PageUp,
    HalfPageDown,
    HalfPageUp,
    Top,
    Bottom,
    FocusNext,
    FocusPrev,
    /// Enter: open the selected article, entity or mention; confirm a prompt.
    Open,
    Search,
    SearchNext,
    SearchPrev,
    MentionNext,
    MentionPrev,
    EntityPicker,
    Back,
    Forward,
    Help,
    /// Esc: close the topmost overlay, or clear search highlights.
    Cancel,
    DeleteBack,
    RecallOlder,
    RecallNewer,
    WiderText,
    NarrowerText,
    /// Show the focused pane alone, on the whole screen; again, every pane that fits.
    Zoom,
    /// Open the web address under the mention cursor or selected in the sidebar.
    OpenLink,
    /// Copy that address, or the text under the mention cursor, to the clipboard.
    Copy,
    /// Bookmark the reading position (or remove the bookmark already there).
    SetBookmark,
    Bookmarks,
    /// In the bookmark list: remove the selected bookmark.
    RemoveBookmark,

    // Not bindable: produced by the event loop.
    #[serde(skip)]
    Insert(char),
    #[serde(skip)]
    Resize(u16, u16),
    #[serde(skip)]
    Mouse(Mouse),
    #[serde(skip)]
    Message(String),
    #[serde(skip)]
    LibraryUpdated(LibraryHandle),
}

/// A mouse event reduced to what the reader uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mouse {
    pub kind: MouseKind,
    pub column: u16,
    pub row: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseKind {
    ScrollDown,
    ScrollUp,
    Click,
}

/// A newer library to read from (for example a larger archive finished loading in the
/// background). Compared by identity: two handles are equal when they share one library.
#[derive(Debug, Clone)]
pub struct LibraryHandle(pub Arc<Library>);

impl PartialEq for LibraryHandle {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for LibraryHandle {}

impl Action {
    /// Every action a key can be bound to, in the order the help overlay lists them.
    pub const BINDABLE: [Action; 33] = [
        Action::Down,
        Action::Up,
        Action::PageDown,
        Action::PageUp,
        Action::HalfPageDown,
        Action::HalfPageUp,
        Action::Top,
        Action::Bottom,
        Action::FocusNext,
        Action::FocusPrev,
        Action::Open,
        Action::Search,
        Action::SearchNext,
        Action::SearchPrev,
        Action::MentionNext,
        Action::MentionPrev,
        Action::EntityPicker,
        Action::Back,
        Action::Forward,
        Action::WiderText,
        Action::NarrowerText,
        Action::Zoom,
        Action::OpenLink,
        Action::Copy,
        Action::SetBookmark,
        Action::Bookmarks,
        Action::RemoveBookmark,
        Action::Help,
        Action::Cancel,
        Action::DeleteBack,
        Action::RecallOlder,
        Action::RecallNewer,
        Action::Quit,
    ];

    /// What the action does, in a few words, for the help overlay.
    pub fn description(&self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Down => "move or scroll down",
            Action::Up => "move or scroll up",
            Action::PageDown => "page down",
            Action::PageUp => "page up",
            Action::HalfPageDown => "half a page down",
            Action::HalfPageUp => "half a page up",
            Action::Top => "go to the top",
            Action::Bottom => "go to the bottom",
            Action::FocusNext => "focus the next pane",
            Action::FocusPrev => "focus the previous pane",
            Action::Open => "open the selection / confirm",
            Action::Search => "search the whole issue",
            Action::SearchNext => "next search match",
            Action::SearchPrev => "previous search match",
            Action::MentionNext => "next entity mention in the text",
            Action::MentionPrev => "previous entity mention in the text",
            Action::EntityPicker => "find an entity by name",
            Action::Back => "go back to where you were",
            Action::Forward => "go forward again",
            Action::Help => "show this help",
            Action::Cancel => "close / cancel / clear highlights",
            Action::DeleteBack => "delete the last character",
            Action::RecallOlder => "recall an older search",
            Action::RecallNewer => "recall a newer search",
            Action::WiderText => "widen the text column",
            Action::NarrowerText => "narrow the text column",
            Action::Zoom => "show only this pane (again: all)",
            Action::OpenLink => "open the web address in a browser",
            Action::Copy => "copy the address or mention (OSC 52)",
            Action::SetBookmark => "bookmark this place (again: remove)",
            Action::Bookmarks => "list bookmarks to jump to",
            Action::RemoveBookmark => "remove the selected bookmark",
            Action::Insert(_) => "type into the prompt",
            Action::Resize(..) => "terminal resized",
            Action::Mouse(_) => "mouse",
            Action::Message(_) => "message",
            Action::LibraryUpdated(_) => "new issue loaded",
        }
    }

    /// The snake_case name used in config files.
    pub fn name(&self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(s)) => s,
            _ => String::new(),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_snake_case_and_round_trip() {
        for action in &Action::BINDABLE {
            let json = serde_json::to_string(action).expect("unit variants serialise");
            let back: Action = serde_json::from_str(&json).expect("and deserialise");
            assert_eq!(&back, action);
            assert!(
                action
                    .name()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_')
            );
        }
        assert_eq!(Action::HalfPageDown.name(), "half_page_down");
        assert_eq!(Action::Resize(1, 1).name(), "");
    }
}
