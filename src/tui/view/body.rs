//! The text pane: the visible slice of the wrapped article, with entity mentions, search
//! matches and the mention cursor patched onto the rows in view only.

use std::hash::{Hash as _, Hasher as _};

use crate::tui::screen::{Canvas, ScrolledRows};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{Planned, draw_pane, draw_pane_leaving, draw_rows, hash_open_article, overlay};
use crate::model::Position;
use crate::tui::app::{Pane, State};
use crate::tui::screen::PaneDrawing;
use crate::tui::wrap::{Row, Segment};

/// The text pane's frame as the pane at `area` draws it, in four parts, each with what it is
/// drawn from:
/// - the strips either side of the text column (`[0]`, `[1]`), each with its side of the
///   border. Blank but for the border, they change only with the focus and the look; a scroll
///   need not clear or compare them (at 200 columns they are some two fifths of the pane);
/// - the top row (`[2]`: border and title) and the bottom row (`[3]`: border), which change
///   with the article too, and not with a scroll either.
pub fn frame_parts(area: Rect, state: &State) -> Option<[PaneDrawing; 4]> {
    let inner = inside_border(area);
    if inner.is_empty() || area.height < 2 {
        return None;
    }
    let text = text_column(inner, state.wrapped().width);
    let mut title = std::hash::DefaultHasher::new();
    hash_open_article(state, &mut title);
    let part = |part: Planned, area: Rect, alike_rows: bool| {
        let mut inputs = vec![
            part as u64,
            state.look(),
            u64::from(state.focus == Pane::Body),
        ];
        if !alike_rows {
            inputs.push(title.finish());
        }
        PaneDrawing {
            area,
            inputs,
            alike_rows,
        }
    };
    let (top, height) = (area.y + 1, area.height - 2);
    Some([
        part(
            Planned::BodyLeft,
            Rect::new(area.x, top, text.x - area.x, height),
            true,
        ),
        part(
            Planned::BodyRight,
            Rect::new(text.right(), top, area.right() - text.right(), height),
            true,
        ),
        part(Planned::BodyTop, Rect { height: 1, ..area }, false),
        part(
            Planned::BodyBottom,
            Rect {
                y: area.bottom() - 1,
                height: 1,
                ..area
            },
            false,
        ),
    ])
}

/// The pane's area inside its border.
fn inside_border(area: Rect) -> Rect {
    ratatui::widgets::Block::bordered().inner(area)
}

/// The column the text is drawn in: `width` wide at most, centred in `inner` when the pane is
/// wider than the reading measure.
fn text_column(inner: Rect, width: u16) -> Rect {
    let width = width.min(inner.width);
    let margin = (inner.width - width) / 2;
    Rect::new(inner.x + margin, inner.y, width, inner.height)
}

/// Draws the text pane; `frame_held` says the canvas holds its border and title already
/// (every part of [`frame_parts`], kept).
pub fn render(frame: &mut Canvas, area: Rect, state: &State, frame_held: bool) {
    let theme = &state.theme;
    let articles = &state.library.issue.articles;
    // Made only when the border is drawn.
    let title = || match articles.get(state.article) {
        Some(a) => format!(" {}/{} {} ", state.article + 1, articles.len(), a.title),
        None => " No articles ".to_string(),
    };
    let focused = state.focus == Pane::Body;
    let inner = inside_border(area.intersection(frame.area()));
    if inner.width == 0 || inner.height == 0 || articles.is_empty() {
        draw_pane(frame, area, title(), focused, theme);
        return;
    }
    let wrapped = state.wrapped();
    let text_area = text_column(inner, wrapped.width);
    let top = state.top_row(&wrapped);
    // Across the whole screen the text's rows can be scrolled on the terminal itself: its
    // margins and border look the same on every row. Rows the terminal already shows, moved
    // there by a scroll, are left undrawn, border and all. Beside other panes the screen
    // copies the text column's moved rows from the frame it shows, and the border is drawn.
    let screen = frame.area();
    let across = (area.x, area.width) == (screen.x, screen.width);
    let (left, width) = if across {
        (screen.x, screen.width)
    } else {
        (text_area.x, text_area.width)
    };
    let undrawn = if overlay::covers_panes(state) {
        0..0
    } else {
        frame.show_scrolled(ScrolledRows {
            top: inner.y,
            height: inner.height,
            text: laid_out(state, wrapped.width),
            first: top,
            left,
            width,
            looks: marks_drawn(state),
        })
    };
    if !frame_held {
        let border_undrawn = if across { undrawn.clone() } else { 0..0 };
        draw_pane_leaving(frame, area, title(), focused, theme, border_undrawn);
    }
    let shown = (wrapped.rows.iter().skip(top)).take(usize::from(inner.height));
    let rows = shown.zip(inner.y..inner.bottom());
    // The mentions on screen, looked up at once: a lookup is two binary searches over every
    // mention of the issue, so one for the screen rather than one per block or per row.
    let mut blocks = (rows.clone())
        .filter(|(_, y)| !undrawn.contains(y))
        .filter_map(|(row, _)| row.block);
    let mentions: Vec<Position> = match (blocks.clone().next(), blocks.next_back()) {
        (Some(first), Some(last)) => (state.library.entities)
            .in_blocks(state.article, first..=last)
            .map(|(p, _)| p)
            .collect(),
        _ => Vec::new(),
    };
    // Rows the terminal shows already are not drawn (nor are rows past the text: the buffer
    // is blank there).
    let lines = rows.filter(|(_, y)| !undrawn.contains(y)).map(|(row, y)| {
        let of_block = row.block.map_or(&[][..], |block| {
            let from = mentions.partition_point(|p| p.block() < block);
            let to = mentions.partition_point(|p| p.block() <= block);
            &mentions[from..to]
        });
        (y, render_row(row, state, of_block))
    });
    draw_rows(frame, text_area, lines);
}

/// Names the current article as laid out now: equal while its rows stay the same.
fn laid_out(state: &State, width: u16) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    (state.article, width, state.look()).hash(&mut hasher);
    hasher.finish()
}

/// Names what the text's rows are drawn from besides the text (see [`laid_out`]): the search
/// (its matches follow from the query and the issue), the match jumped to and the mention
/// cursor.
fn marks_drawn(state: &State) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    (&state.search.query, state.search.current, state.cursor).hash(&mut hasher);
    hasher.finish()
}

/// What a stretch of text is marked as, weakest first; later marks are patched over earlier.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Mark {
    Mention,
    Match,
    CurrentMatch,
    Cursor,
}

/// A row of text with its marks; `mentions` are those of the row's block.
fn render_row<'a>(row: &'a Row, state: &State, mentions: &[Position]) -> Line<'a> {
    let mut spans = Vec::with_capacity(row.segments.len());
    // The block the row shows, or the title or standfirst (whose matches are marked too).
    let text_of = row
        .block
        .or_else(|| row.header.and_then(|h| usize::try_from(h).ok()));
    for segment in &row.segments {
        let base = state.theme.role(segment.role);
        match (segment.offset, text_of) {
            (Some(offset), Some(block)) => {
                let row_marks = Marks {
                    offset,
                    block,
                    base,
                    mentions,
                };
                marked(segment, &row_marks, state, &mut spans);
            }
            _ => spans.push(Span::styled(segment.text.as_str(), base)),
        }
    }
    Line::from(spans)
}

/// Where a segment lies and what is marked in its block.
struct Marks<'m> {
    offset: usize,
    block: usize,
    base: Style,
    mentions: &'m [Position],
}

fn marked<'a>(segment: &'a Segment, at: &Marks, state: &State, spans: &mut Vec<Span<'a>>) {
    let Marks {
        offset,
        block,
        base,
        mentions,
    } = *at;
    let article = state.article;
    let end = offset + segment.text.len();
    let mut marks: Vec<(usize, usize, Mark)> = Vec::new();
    let mut add = |p: &Position, mark: Mark| {
        let range = p.range();
        if range.start < end && range.end > offset {
            marks.push((range.start.max(offset), range.end.min(end), mark));
        }
    };
    for p in mentions {
        add(p, Mark::Mention);
    }
    let current = state
        .search
        .current
        .and_then(|i| state.search.hits.get(i).copied());
    for p in state.hits_in_block(article, block) {
        add(
            p,
            if Some(*p) == current {
                Mark::CurrentMatch
            } else {
                Mark::Match
            },
        );
    }
    if let Some((p, _)) = state.cursor_mention()
        && p.article() == article
        && p.block() == block
    {
        add(&p, Mark::Cursor);
    }
    if marks.is_empty() {
        spans.push(Span::styled(segment.text.as_str(), base));
        return;
    }
    let text = segment.text.as_str();
    let mut cuts: Vec<usize> = vec![offset, end];
    for &(s, e, _) in &marks {
        cuts.push(s);
        cuts.push(e);
    }
    cuts.retain(|&c| text.is_char_boundary(c - offset));
    cuts.sort_unstable();
    cuts.dedup();
    let theme = &state.theme;
    for pair in cuts.windows(2) {
        let (s, e) = (pair[0], pair[1]);
        let mut strongest: Vec<Mark> = marks
            .iter()
            .filter(|&&(ms, me, _)| ms <= s && me >= e)
            .map(|&(_, _, m)| m)
            .collect();
        strongest.sort_unstable();
        let mut style = base;
        for mark in strongest {
            style = style.patch(match mark {
                Mark::Mention => theme.mention,
                Mark::Match => theme.matched,
                Mark::CurrentMatch => theme.current_match,
                Mark::Cursor => theme.cursor,
            });
        }
        spans.push(Span::styled(&text[s - offset..e - offset], style));
    }
}
