//! Layers drawn over the panes: the help (generated from the key table) and the entity picker.
//! The search prompt lives in the status bar.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

use super::{draw_lines, follow};
use crate::tui::app::{Overlay, Picker, State};

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    match &state.overlay {
        Some(Overlay::Help { scroll }) => help(frame, area, state, *scroll),
        Some(Overlay::Picker(picker)) => picker_box(frame, area, state, picker),
        Some(Overlay::Search) | None => {}
    }
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

fn help(frame: &mut Frame, area: Rect, state: &State, scroll: usize) {
    let lines = help_lines(state);
    let widest = lines.iter().map(Line::width).max().unwrap_or(0) + 2;
    let rect = centred(
        area,
        u16::try_from(widest).unwrap_or(u16::MAX),
        u16::try_from(lines.len() + 2).unwrap_or(u16::MAX),
    );
    let block = framed(" Keys (esc closes) ", state);
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let visible: Vec<Line> = lines
        .into_iter()
        .skip(scroll)
        .take(usize::from(inner.height))
        .collect();
    draw_lines(frame, inner, visible);
}

fn picker_box(frame: &mut Frame, area: Rect, state: &State, picker: &Picker) {
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
    draw_lines(frame, list_area, lines);
}
