//! The status bar: the open article or a message on the left; the search prompt while typing;
//! match counter, position and the help key on the right.

use crate::tui::screen::Canvas;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::{draw_list_lines, set_line, set_style};
use crate::tui::action::Action;
use crate::tui::app::{Overlay, State};
use crate::tui::keymap::Context;

pub fn render(frame: &mut Canvas, area: Rect, state: &State) {
    let theme = &state.theme;
    // The bar's style straight onto its row, once: a `Paragraph` restyles its area twice, and
    // what is drawn over it keeps it.
    set_style(frame.buffer_mut(), area, theme.status);
    let search = &state.search;
    let counter = match (search.current, search.hits.len()) {
        (_, 0) if !search.query.is_empty() => "no match".to_string(),
        (_, 0) => String::new(),
        (Some(i), n) => format!("{}/{n}", i + 1),
        (None, n) => format!("{n} matches"),
    };
    let help = state
        .keymap
        .key_for(Context::Global, &Action::Help)
        .map(|k| format!("{k} help"))
        .unwrap_or_default();
    let right = [counter, format!("{}%", state.percent()), help]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("  ");
    let right = format!("{right} ");
    let right_width = u16::try_from(right.width()).unwrap_or(u16::MAX);
    let left_width = area.width.saturating_sub(right_width + 1);
    let left_area = Rect::new(area.x, area.y, left_width, 1);
    if matches!(state.overlay, Some(Overlay::Search)) {
        let prompt = format!("/{}", search.query);
        frame.render_widget(
            Paragraph::new(prompt.clone()).style(theme.status),
            left_area,
        );
        let x = area.x + u16::try_from(prompt.width()).unwrap_or(u16::MAX);
        if x < area.x + left_width {
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
        draw_list_lines(frame, left_area, [left]);
    }
    if area.width > right_width {
        let right_area = Rect::new(area.x + area.width - right_width, area.y, right_width, 1);
        // Exactly as wide as its text, so written from its left end.
        set_line(
            frame.buffer_mut(),
            right_area.x,
            right_area.y,
            &Line::from(right),
            right_width,
        );
    }
}
