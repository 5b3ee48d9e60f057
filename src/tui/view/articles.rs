//! The article list: number, reading progress and title of each article, the open one
//! marked, the selection reversed.

use crate::tui::screen::Canvas;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{draw_lines, draw_pane, follow};
use crate::tui::app::{Pane, State, progress};

/// The progress mark: read to (nearly) the end, started, or not opened.
pub fn progress_mark(percent: Option<usize>) -> &'static str {
    match percent {
        Some(p) if p >= 90 => "✓",
        Some(_) => "◐",
        None => "○",
    }
}

pub fn render(frame: &mut Canvas, area: Rect, state: &State) {
    let theme = &state.theme;
    let focused = state.focus == Pane::Articles;
    let articles = &state.library.issue.articles;
    let title = format!(" Articles ({}) ", articles.len());
    let inner = draw_pane(frame, area, title, focused, theme);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let height = usize::from(inner.height);
    let offset = follow(state.list_selected, height);
    let lines: Vec<Line> = articles
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, a)| {
            let current = i == state.article;
            let marker = if current { "▸" } else { " " };
            let mut line = Line::from(vec![
                Span::raw(marker),
                Span::styled(format!("{:>2} ", i + 1), theme.dim),
                Span::styled(progress_mark(progress(state, i)), theme.progress),
                Span::raw(" "),
                Span::raw(a.title.as_str()),
            ]);
            if current {
                line = line.patch_style(theme.current);
            }
            if i == state.list_selected {
                line = line.patch_style(if focused {
                    theme.selected
                } else {
                    theme.selected_unfocused
                });
            }
            line
        })
        .collect();
    draw_lines(frame, inner, lines);
}
