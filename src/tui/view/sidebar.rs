//! The entity sidebar: the current article's entities grouped by kind, each with its mention
//! count and a strip showing where in the issue it is mentioned; or one entity's detail with
//! its aliases, description, every mention with a snippet, and related entities.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{draw_lines, follow, pane_block};
use crate::entities::{Entity, EntityId};
use crate::search;
use crate::tui::app::{Pane, SideRow, State, selected_side_row};

/// Cells in the list's "where in the issue" strips.
const STRIP: usize = 10;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let focused = state.focus == Pane::Sidebar;
    let title = match state
        .sidebar
        .detail
        .and_then(|d| state.library.entities.get(d.entity))
    {
        Some(e) => format!(" {} ", e.name),
        None => " Entities ".to_string(),
    };
    let block = pane_block(title, focused, &state.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let height = usize::from(inner.height);
    let (lines, selected_row) = match state.sidebar.detail {
        Some(detail) => {
            let layout = detail_layout(state, detail.entity, inner.width);
            let row = layout.items.get(detail.selected).copied();
            (layout.lines, row)
        }
        None => list_lines(state),
    };
    let offset = selected_row.map_or(0, |r| follow(r, height));
    let lines: Vec<Line> = lines
        .into_iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, line)| {
            if Some(i) == selected_row {
                line.patch_style(if focused {
                    state.theme.selected
                } else {
                    state.theme.selected_unfocused
                })
            } else {
                line
            }
        })
        .collect();
    draw_lines(frame, inner, lines);
}

/// Marks the cells of a strip `cells` wide where the entity is mentioned.
pub fn strip(state: &State, entity: &Entity, cells: usize) -> String {
    let mut marked = vec![false; cells];
    for pos in &entity.mentions {
        let cell = (state.issue_fraction(*pos) * cells as f64) as usize;
        if let Some(m) = marked.get_mut(cell.min(cells.saturating_sub(1))) {
            *m = true;
        }
    }
    marked.iter().map(|&m| if m { '▮' } else { '·' }).collect()
}

fn list_lines(state: &State) -> (Vec<Line<'static>>, Option<usize>) {
    let theme = &state.theme;
    let rows = state.side_rows();
    if rows.is_empty() {
        return (
            vec![Line::styled("No entities in this article", theme.dim)],
            None,
        );
    }
    let entities = &state.library.entities;
    let lines = rows
        .iter()
        .map(|row| match *row {
            SideRow::Kind(kind, n) => Line::styled(
                format!("{} ({n})", kind.as_str().to_uppercase()),
                theme.kind,
            ),
            SideRow::Entity(id) => match entities.get(id) {
                Some(e) => Line::from(vec![
                    Span::styled(strip(state, e, STRIP), theme.dim),
                    Span::styled(format!(" {:>3} ", e.mentions.len()), theme.dim),
                    Span::raw(e.name.clone()),
                ]),
                None => Line::default(),
            },
        })
        .collect();
    let selected = selected_side_row(&rows, state.sidebar.selected);
    (lines, Some(selected))
}

/// An entity's detail as lines, and the line of each selectable item (mentions, then related
/// entities). Shared with `update` so mouse clicks land on the item drawn there.
pub struct DetailLayout {
    pub lines: Vec<Line<'static>>,
    pub items: Vec<usize>,
}

pub fn detail_layout(state: &State, id: EntityId, width: u16) -> DetailLayout {
    let theme = &state.theme;
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut items = Vec::new();
    let Some(entity) = state.library.entities.get(id) else {
        return DetailLayout { lines, items };
    };
    let w = usize::from(width.max(1));
    let wrap = |text: &str| -> Vec<String> {
        textwrap::wrap(
            text,
            textwrap::Options::new(w).wrap_algorithm(textwrap::WrapAlgorithm::FirstFit),
        )
        .into_iter()
        .map(|l| l.into_owned())
        .collect()
    };
    for l in wrap(&entity.name) {
        lines.push(Line::styled(l, theme.title));
    }
    lines.push(Line::from(vec![
        Span::styled(entity.kind.as_str().to_string(), theme.kind),
        Span::raw(format!(" · {} mentions", entity.mentions.len())),
    ]));
    lines.push(Line::styled(strip(state, entity, w), theme.dim));
    if !entity.aliases.is_empty() {
        for l in wrap(&format!("Also: {}", entity.aliases.join(", "))) {
            lines.push(Line::raw(l));
        }
    }
    if !entity.description.is_empty() {
        lines.push(Line::default());
        for l in wrap(&entity.description) {
            lines.push(Line::styled(l, theme.standfirst));
        }
    }
    lines.push(Line::default());
    lines.push(Line::styled("Mentions", theme.kind));
    let articles = &state.library.issue.articles;
    for pos in &entity.mentions {
        let Some(text) = articles
            .get(pos.article)
            .and_then(|a| a.blocks.get(pos.block))
            .map(|b| b.text.as_str())
        else {
            continue;
        };
        let label = format!("{:>2} ", pos.article + 1);
        let room = w.saturating_sub(label.len());
        let (before, hit, after) = search::snippet(text, pos.start, pos.end, room);
        items.push(lines.len());
        lines.push(Line::from(vec![
            Span::styled(label, theme.dim),
            Span::raw(before),
            Span::styled(hit, theme.mention),
            Span::raw(after),
        ]));
    }
    let related: Vec<&Entity> = entity
        .related
        .iter()
        .filter_map(|&r| state.library.entities.get(r))
        .collect();
    if !related.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled("Related", theme.kind));
        for r in related {
            items.push(lines.len());
            lines.push(Line::from(vec![
                Span::raw(format!("→ {} ", r.name)),
                Span::styled(format!("({})", r.kind.as_str()), theme.dim),
            ]));
        }
    }
    DetailLayout { lines, items }
}
