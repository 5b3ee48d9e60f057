//! The status bar: the open article or a message on the left; the search prompt while typing;
//! match counter, position and the help key on the right.

use std::hash::{Hash as _, Hasher as _};

use crate::tui::screen::{Canvas, PaneDrawing};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::{Planned, draw_list_lines, hash_open_article, set_line, set_style};
use crate::tui::action::Action;
use crate::tui::app::{Overlay, State};
use crate::tui::keymap::Context;

/// The bar laid out for a frame: its right side's text, and where its two sides go.
pub struct Bar {
    area: Rect,
    right: String,
    left: Rect,
}

impl Bar {
    pub fn new(area: Rect, state: &State) -> Self {
        use std::fmt::Write as _;
        let search = &state.search;
        // Made on every frame: written into one string, two spaces between the parts.
        // Writing into a `String` cannot fail.
        let mut right = String::with_capacity(32);
        let _ = match (search.current, search.hits.len()) {
            (_, 0) if !search.query.is_empty() => write!(right, "no match  "),
            (_, 0) => Ok(()),
            (Some(i), n) => write!(right, "{}/{n}  ", i + 1),
            (None, n) => write!(right, "{n} matches  "),
        };
        let _ = write!(right, "{}%", state.percent());
        if let Some(key) = state.keymap.key_for(Context::Global, &Action::Help) {
            let _ = write!(right, "  {key} help");
        }
        right.push(' ');
        let left_width = area.width.saturating_sub(width_of(&right) + 1);
        Self {
            area,
            right,
            left: Rect::new(area.x, area.y, left_width, 1),
        }
    }

    /// The left side as a planned part, with what it shows: the open article, or a message.
    /// A scroll changes only the position on the right, so the title is left as it is. None
    /// while the search prompt is there (it places the cursor).
    pub fn left_drawing(&self, state: &State) -> Option<PaneDrawing> {
        if matches!(state.overlay, Some(Overlay::Search)) || self.left.is_empty() {
            return None;
        }
        let mut shown = std::hash::DefaultHasher::new();
        match &state.message {
            Some(message) => (0u8, message).hash(&mut shown),
            None => {
                1u8.hash(&mut shown);
                hash_open_article(state, &mut shown);
            }
        }
        Some(PaneDrawing {
            area: self.left,
            inputs: vec![Planned::StatusLeft as u64, state.look(), shown.finish()],
            alike_rows: false,
        })
    }

    /// Draws the bar; `left_held` says the canvas holds its left side already.
    pub fn render(&self, frame: &mut Canvas, state: &State, left_held: bool) {
        let area = self.area;
        // The bar's style straight onto its row, once: a `Paragraph` restyles its area twice,
        // and what is drawn over it keeps it.
        let styled = if left_held {
            Rect::new(
                self.left.right(),
                area.y,
                area.right() - self.left.right(),
                1,
            )
        } else {
            area
        };
        set_style(frame.buffer_mut(), styled, state.theme.status);
        if !left_held {
            self.render_left(frame, state);
        }
        let right_width = width_of(&self.right);
        if area.width > right_width {
            // Exactly as wide as its text, so written from its left end.
            set_line(
                frame.buffer_mut(),
                area.right() - right_width,
                area.y,
                &Line::from(self.right.as_str()),
                right_width,
            );
        }
    }

    fn render_left(&self, frame: &mut Canvas, state: &State) {
        let theme = &state.theme;
        let area = self.area;
        if matches!(state.overlay, Some(Overlay::Search)) {
            let prompt = format!("/{}", state.search.query);
            frame.render_widget(
                Paragraph::new(prompt.clone()).style(theme.status),
                self.left,
            );
            let x = area.x + width_of(&prompt);
            if x < self.left.right() {
                frame.set_cursor_position((x, area.y));
            }
        } else {
            let left = match &state.message {
                Some(m) => Line::from(vec![
                    Span::raw(" "),
                    Span::styled(m.as_str(), theme.current),
                ]),
                None => {
                    let articles = &state.library.issue.articles;
                    let title = articles.get(state.article).map_or("", |a| a.title.as_str());
                    Line::from(format!(" {}/{} {title}", state.article + 1, articles.len()))
                }
            };
            draw_list_lines(frame, self.left, [left]);
        }
    }
}

fn width_of(text: &str) -> u16 {
    u16::try_from(text.width()).unwrap_or(u16::MAX)
}
