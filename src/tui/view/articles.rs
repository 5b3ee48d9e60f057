//! The article list: number, reading progress and title of each article, the open one
//! marked, the selection reversed.

use crate::tui::screen::Canvas;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::Planned;
use super::{draw_list_lines, draw_pane, follow};
use crate::tui::app::{Pane, State, progress};
use crate::tui::screen::PaneDrawing;

/// Marks packed into one input of [`drawing`], two bits each.
const MARKS_PER_INPUT: usize = 32;

/// What the list at `area` is drawn from: besides the library and the look, the focus, the
/// open and the selected article, and the progress mark of every row on screen (the open
/// article's changes as its text scrolls).
pub fn drawing(area: Rect, state: &State) -> PaneDrawing {
    let height = usize::from(area.height.saturating_sub(2));
    let offset = follow(state.list_selected, height);
    let articles = state.library.issue.articles.len();
    let mut inputs = vec![
        Planned::Articles as u64,
        state.look(),
        u64::from(state.focus == Pane::Articles),
        state.article as u64,
        state.list_selected as u64,
    ];
    let end = articles.min(offset + height);
    for first in (offset..end).step_by(MARKS_PER_INPUT) {
        let chunk = first..end.min(first + MARKS_PER_INPUT);
        let packed = chunk.enumerate().fold(0u64, |packed, (n, i)| {
            let mark = 1 + progress_level(progress(state, i)) as u64;
            packed | (mark << (2 * n))
        });
        inputs.push(packed);
    }
    PaneDrawing {
        area,
        inputs,
        alike_rows: false,
    }
}

/// How far an article has been read, as its mark in the list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProgressLevel {
    NotOpened,
    Started,
    Read,
}

fn progress_level(percent: Option<usize>) -> ProgressLevel {
    match percent {
        Some(p) if p >= 90 => ProgressLevel::Read,
        Some(_) => ProgressLevel::Started,
        None => ProgressLevel::NotOpened,
    }
}

/// The progress mark: read to (nearly) the end, started, or not opened.
pub fn progress_mark(percent: Option<usize>) -> &'static str {
    match progress_level(percent) {
        ProgressLevel::Read => "✓",
        ProgressLevel::Started => "◐",
        ProgressLevel::NotOpened => "○",
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
    draw_list_lines(frame, inner, lines);
}
