//! The entity sidebar: the current article's entities grouped by kind, each with its mention
//! count and a strip showing where in the issue it is mentioned; or one entity's detail with
//! its aliases, description, every mention with a snippet, and related entities.

use crate::tui::screen::Canvas;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::Planned;
use super::{draw_list_lines, draw_pane, follow};
use crate::entities::{Entity, EntityId};
use crate::model::Position;
use crate::search;
use crate::tui::app::{Pane, SideRow, State, selected_side_row};
use crate::tui::screen::PaneDrawing;

/// What the sidebar at `area` is drawn from: besides the library and the look, the focus, the
/// open article (whose entities the list shows), the selected row and the entity whose
/// detail is open, with its selected item.
pub fn drawing(area: Rect, state: &State) -> PaneDrawing {
    let detail = state.sidebar.detail;
    let inputs = vec![
        Planned::Sidebar as u64,
        state.look(),
        u64::from(state.focus == Pane::Sidebar),
        state.article as u64,
        state.sidebar.selected as u64,
        detail.map_or(0, |d| d.entity as u64 + 1),
        detail.map_or(0, |d| d.selected as u64),
    ];
    PaneDrawing {
        area,
        inputs,
        alike_rows: false,
    }
}

/// Cells in the list's "where in the issue" strips.
pub const STRIP: usize = 10;

pub fn render(frame: &mut Canvas, area: Rect, state: &State) {
    let focused = state.focus == Pane::Sidebar;
    let title = match state
        .sidebar
        .detail
        .and_then(|d| state.library.entities.get(d.entity))
    {
        Some(e) => format!(" {} ", e.name),
        None => " Entities ".to_string(),
    };
    let inner = draw_pane(frame, area, title, focused, &state.theme);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let height = usize::from(inner.height);
    let highlight = |line: Line<'static>| {
        line.patch_style(if focused {
            state.theme.selected
        } else {
            state.theme.selected_unfocused
        })
    };
    let lines: Vec<Line> = match state.sidebar.detail {
        Some(detail) => {
            let Some(layout) = detail_layout(state, detail.entity, inner.width) else {
                return;
            };
            let selected_row = layout.item_row(detail.selected);
            let offset = selected_row.map_or(0, |r| follow(r, height));
            (offset..layout.rows().min(offset + height))
                .map(|row| {
                    let line = layout.line(state, row);
                    if Some(row) == selected_row {
                        highlight(line)
                    } else {
                        line
                    }
                })
                .collect()
        }
        None => {
            let (lines, selected_row) = list_lines(state);
            let offset = selected_row.map_or(0, |r| follow(r, height));
            lines
                .into_iter()
                .enumerate()
                .skip(offset)
                .take(height)
                .map(|(i, line)| {
                    if Some(i) == selected_row {
                        highlight(line)
                    } else {
                        line
                    }
                })
                .collect()
        }
    };
    draw_list_lines(frame, inner, lines);
}

/// Marks the cells of a strip `cells` wide where the entity is mentioned: cell `c` stands for
/// the blocks whose ordinal `g` has `g * cells / total == c`.
///
/// Drawn every frame in an entity's detail, and for every entity each time a library arrives
/// (the list's strips are kept in the state), so it must not walk the mentions (tens of
/// thousands for a common name in a large archive): they are in reading order, so their
/// ordinals are sorted and each cell is one binary search.
pub fn strip(state: &State, entity: &Entity, cells: usize) -> String {
    let total = state.block_total();
    let mentions = &entity.mentions;
    (0..cells)
        .map(|c| {
            // The first ordinal of cell `c` is the smallest `g` with `g * cells >= c * total`.
            let low = (c * total).div_ceil(cells);
            let high = ((c + 1) * total).div_ceil(cells);
            let first = mentions.partition_point(|&m| state.block_ordinal(m) < low);
            let marked = mentions
                .get(first)
                .is_some_and(|&m| state.block_ordinal(m) < high);
            if marked { '▮' } else { '·' }
        })
        .collect()
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
                    Span::styled(
                        state
                            .list_strip(id)
                            .map_or_else(|| strip(state, e, STRIP), str::to_string),
                        theme.dim,
                    ),
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

/// An entity's detail: a head (name, kind, strip, aliases, description), one row per mention
/// with its snippet, then the related entities. Shared with `update` so mouse clicks land on
/// the item drawn there.
///
/// Only the head is built up front. A name can be mentioned tens of thousands of times in a
/// large archive, so mention rows are found by arithmetic and built only when drawn.
pub struct DetailLayout<'a> {
    entity: &'a Entity,
    head: Vec<Line<'static>>,
    related: Vec<&'a Entity>,
    /// Cells a mention row may use.
    width: usize,
}

impl DetailLayout<'_> {
    /// Selectable items: the mentions, then the related entities.
    pub fn items(&self) -> usize {
        self.entity.mentions.len() + self.related.len()
    }

    /// The row of the `item`-th selectable item.
    pub fn item_row(&self, item: usize) -> Option<usize> {
        let mentions = self.entity.mentions.len();
        if item < mentions {
            Some(self.head.len() + item)
        } else if item - mentions < self.related.len() {
            Some(self.related_top() + item - mentions)
        } else {
            None
        }
    }

    /// The selectable item drawn on `row`, if any.
    pub fn item_at_row(&self, row: usize) -> Option<usize> {
        let mentions = self.entity.mentions.len();
        let first_mention = self.head.len();
        if (first_mention..first_mention + mentions).contains(&row) {
            return Some(row - first_mention);
        }
        let related = row.checked_sub(self.related_top())?;
        (related < self.related.len()).then_some(mentions + related)
    }

    /// Rows in all.
    pub fn rows(&self) -> usize {
        let related = if self.related.is_empty() {
            0
        } else {
            2 + self.related.len()
        };
        self.head.len() + self.entity.mentions.len() + related
    }

    /// The first related entity's row: after the mentions, a blank row and a heading.
    fn related_top(&self) -> usize {
        self.head.len() + self.entity.mentions.len() + 2
    }

    /// The line drawn on `row`.
    pub fn line(&self, state: &State, row: usize) -> Line<'static> {
        let theme = &state.theme;
        if let Some(line) = self.head.get(row) {
            return line.clone();
        }
        let mentions = &self.entity.mentions;
        if let Some(pos) = mentions.get(row - self.head.len()) {
            return mention_line(state, *pos, self.width);
        }
        let after = row - self.head.len() - mentions.len();
        match after {
            0 => Line::default(),
            1 => Line::styled("Related", theme.kind),
            _ => self.related.get(after - 2).map_or_else(Line::default, |r| {
                Line::from(vec![
                    Span::raw(format!("→ {} ", r.name)),
                    Span::styled(format!("({})", r.kind.as_str()), theme.dim),
                ])
            }),
        }
    }
}

/// One mention: the article's number, then the words around the mention.
fn mention_line(state: &State, pos: Position, width: usize) -> Line<'static> {
    let theme = &state.theme;
    let label = format!("{:>2} ", pos.article() + 1);
    let text = state
        .library
        .issue
        .articles
        .get(pos.article())
        .and_then(|a| a.blocks.get(pos.block()))
        .map_or("", |b| b.text.as_str());
    let room = width.saturating_sub(label.len());
    let (before, hit, after) = search::snippet(text, pos.start(), pos.end(), room);
    Line::from(vec![
        Span::styled(label, theme.dim),
        Span::raw(before),
        Span::styled(hit, theme.mention),
        Span::raw(after),
    ])
}

pub fn detail_layout(state: &State, id: EntityId, width: u16) -> Option<DetailLayout<'_>> {
    let theme = &state.theme;
    let entity = state.library.entities.get(id)?;
    let mut head: Vec<Line<'static>> = Vec::new();
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
        head.push(Line::styled(l, theme.title));
    }
    head.push(Line::from(vec![
        Span::styled(entity.kind.as_str().to_string(), theme.kind),
        Span::raw(format!(" · {} mentions", entity.mentions.len())),
    ]));
    head.push(Line::styled(strip(state, entity, w), theme.dim));
    if !entity.aliases.is_empty() {
        for l in wrap(&format!("Also: {}", entity.aliases.join(", "))) {
            head.push(Line::raw(l));
        }
    }
    if !entity.description.is_empty() {
        head.push(Line::default());
        for l in wrap(&entity.description) {
            head.push(Line::styled(l, theme.standfirst));
        }
    }
    head.push(Line::default());
    head.push(Line::styled("Mentions", theme.kind));
    let related = entity
        .related
        .iter()
        .filter_map(|&r| state.library.entities.get(r))
        .collect();
    Some(DetailLayout {
        entity,
        head,
        related,
        width: w,
    })
}
