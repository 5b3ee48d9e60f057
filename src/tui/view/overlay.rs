//! Layers drawn over the panes: the help (generated from the key table), the entity picker and
//! the bookmark list.
//! The search prompt lives in the status bar.

use crate::tui::screen::Canvas;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

use super::{draw_lines, draw_list_lines, follow};
use crate::tui::app::{Overlay, Picker, State};

pub fn render(frame: &mut Canvas, area: Rect, state: &State) {
    match &state.overlay {
        Some(Overlay::Help { scroll }) => help(frame, area, state, *scroll),
        Some(Overlay::Picker(picker)) => picker_box(frame, area, state, picker),
        Some(Overlay::Bookmarks { selected }) => bookmarks_box(frame, area, state, *selected),
        Some(Overlay::Search) | None => {}
    }
}

/// Whether an overlay draws over the panes (the search prompt lives in the status bar).
pub fn covers_panes(state: &State) -> bool {
    matches!(
        state.overlay,
        Some(Overlay::Help { .. } | Overlay::Picker(_) | Overlay::Bookmarks { .. })
    )
}

/// A box centred in `area`, leaving the status bar free.
fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let usable = Rect::new(area.x, area.y, area.width, area.height.saturating_sub(1));
    usable.centered(
        Constraint::Length(width.min(usable.width)),
        Constraint::Length(height.min(usable.height)),
    )
}

fn framed<'a>(title: &'a str, state: &State) -> Block<'a> {
    Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(state.theme.focused_border)
        .title(Line::from(title).style(state.theme.current))
}

/// The help text, one line per action, grouped by where the keys work.
pub fn help_lines(state: &State) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let mut lines = Vec::new();
    for (context, rows) in state.keymap.help() {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::styled(context.title().to_string(), theme.kind));
        let key_width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        for (keys, description) in rows {
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<key_width$}  "), theme.current),
                Span::raw(description),
            ]));
        }
    }
    lines
}

fn help(frame: &mut Canvas, area: Rect, state: &State, scroll: usize) {
    let lines = help_lines(state);
    let widest = lines.iter().map(Line::width).max().unwrap_or(0) + 2;
    let rect = centred(
        area,
        u16::try_from(widest).unwrap_or(u16::MAX),
        u16::try_from(lines.len() + 2).unwrap_or(u16::MAX),
    );
    let mut block = framed(" Keys (esc closes) ", state);
    let inner = block.inner(rect);
    let total = lines.len();
    let shown = usize::from(inner.height);
    if shown > 0 && shown < total {
        // A box cut short says so, and where in the list it is: the keys that scroll it are
        // those that scroll everything.
        let first = scroll.min(total) + 1;
        let last = (scroll + shown).min(total);
        let arrows = match (first > 1, last < total) {
            (true, true) => "↑↓",
            (true, false) => "↑",
            _ => "↓",
        };
        block = block.title_bottom(
            Line::from(format!(" {first}–{last} of {total} {arrows} "))
                .style(state.theme.current)
                .right_aligned(),
        );
    }
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let visible: Vec<Line> = lines.into_iter().skip(scroll).take(shown).collect();
    draw_lines(frame, inner, visible);
}

fn picker_box(frame: &mut Canvas, area: Rect, state: &State, picker: &Picker) {
    let theme = &state.theme;
    let rect = centred(area, 60, 20);
    let block = framed(" Entities (type to filter, enter opens) ", state);
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let prompt = format!("> {}", picker.query);
    let prompt_width =
        u16::try_from(unicode_width::UnicodeWidthStr::width(prompt.as_str())).unwrap_or(u16::MAX);
    frame.render_widget(
        Paragraph::new(prompt),
        Rect::new(inner.x, inner.y, inner.width, 1),
    );
    if prompt_width < inner.width {
        frame.set_cursor_position((inner.x + prompt_width, inner.y));
    }
    let list_area = Rect::new(
        inner.x,
        inner.y + 1,
        inner.width,
        inner.height.saturating_sub(1),
    );
    let height = usize::from(list_area.height);
    if picker.matches.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled("No matching entity", theme.dim)),
            list_area,
        );
        return;
    }
    let offset = follow(picker.selected, height);
    let entities = &state.library.entities;
    let lines: Vec<Line> = picker
        .matches
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .filter_map(|(i, &id)| {
            let e = entities.get(id)?;
            let line = Line::from(vec![
                Span::raw(e.name.clone()),
                Span::styled(
                    format!("  {} · {}", e.kind.as_str(), e.mentions.len()),
                    theme.dim,
                ),
            ]);
            Some(if i == picker.selected {
                line.patch_style(theme.selected)
            } else {
                line
            })
        })
        .collect();
    draw_list_lines(frame, list_area, lines);
}

/// One line per bookmark: article number and title, then the text at that place.
pub fn bookmark_lines(state: &State, width: usize) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let articles = &state.library.issue.articles;
    state
        .bookmarks
        .iter()
        .map(|pos| {
            let Some(article) = articles.get(pos.article()) else {
                return Line::styled(
                    format!("{:>3} (not loaded yet)", pos.article() + 1),
                    theme.dim,
                );
            };
            let head = format!("{:>3} {} · ", pos.article() + 1, article.title);
            let room = width.saturating_sub(unicode_width::UnicodeWidthStr::width(head.as_str()));
            let text = article
                .blocks
                .get(pos.block())
                .and_then(|b| b.text.get(pos.start()..))
                .unwrap_or("");
            let snippet: String = textwrap::wrap(text, room.max(1))
                .first()
                .map(|l| l.to_string())
                .unwrap_or_default();
            Line::from(vec![Span::styled(head, theme.progress), Span::raw(snippet)])
        })
        .collect()
}

fn bookmarks_box(frame: &mut Canvas, area: Rect, state: &State, selected: usize) {
    let rect = centred(
        area,
        72,
        u16::try_from(state.bookmarks.len() + 2).unwrap_or(u16::MAX),
    );
    let block = framed(" Bookmarks (enter jumps, d deletes) ", state);
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let height = usize::from(inner.height);
    let offset = follow(selected, height);
    let lines: Vec<Line> = bookmark_lines(state, usize::from(inner.width))
        .into_iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, line)| {
            if i == selected {
                line.patch_style(state.theme.selected)
            } else {
                line
            }
        })
        .collect();
    draw_lines(frame, inner, lines);
}
