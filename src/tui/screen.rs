//! The terminal as the reader draws on it: what the terminal shows, the frame being drawn, and
//! the bytes that turn one into the other.
//!
//! ratatui's `Terminal` finds the cells that changed through `Cell`'s general equality (a call
//! and a `memcmp` per cell) and writes each one through `core::fmt`; on a 200×60 screen those
//! two were three quarters of the instructions of a key press, and most of a first frame.
//! This keeps ratatui's buffers, widgets and rules: the cells sent are the ones
//! [`Buffer::diff`] picks (tested against it), but cells are compared inline and written
//! straight into the output buffer, in fewer bytes than ratatui's crossterm backend writes
//! (see `Encoder`; tested by playing frames into a model terminal). It also asks the
//! terminal's size once rather than before every frame (a resize is an event), and can be
//! handed its first buffer made ahead, on another thread.
//!
//! A view may also name the panes it is about to draw and what each is drawn from
//! ([`Canvas::plan`]). A buffer that already holds a pane drawn at the same place from equal
//! inputs keeps it, so the view skips drawing it, and where the screen shows that pane too,
//! its cells are not compared: scrolling the text leaves the article list and the sidebar
//! alone, which halves the work of a key press.
//!
//! A text that spans the screen is scrolled on the terminal itself ([`ScrolledRows`]). The
//! rows the scroll brings along are then neither drawn nor compared before the frame goes out:
//! the scroll, the rows it brings in and the rest of the frame are sent at once, and only then
//! is the frame drawn whole and those rows checked against what the scroll left there. A key
//! press is answered before the work of rows the terminal already shows, which on cold caches
//! was most of it.
//!
//! Beside other panes, where the terminal cannot scroll a column, a scroll rewrites the text
//! column. Each of its rows then changes from one row of the text to another, and the bytes
//! of that change are the same on any screen row: they are kept ([`RowChanges`]), so reading
//! on a line at a time compares only the row that came in, and writes the others' bytes
//! again. The same scroll is also made as a scroll of whole rows, the other panes written
//! back where it moved them ([`Beside`]), and whichever takes fewer bytes is sent: beside
//! sparse panes, that keeps a scroll under what a pseudo-terminal hands over in one read.
//!
//! A frame may also be drawn ahead of its key ([`Screen::draw_ahead`]): its bytes are handed
//! back and the screen is left as it was, to be sent when the key comes and caught up with
//! then ([`Screen::draw_sent`]; see [`crate::tui::foresight`]).

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io::{self, Write};
use std::ops::Range;

use crossterm::cursor::{Hide, MoveTo, Show};
use crossterm::queue;
use crossterm::style::Colored;
use crossterm::terminal::{Clear, ClearType};
use ratatui::buffer::{Buffer, Cell, CellDiffOption, CellWidth as _};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier};
use ratatui::widgets::Widget;
use ratatui_crossterm::IntoCrossterm as _;

/// A pane as a frame draws it: which one, where, and everything its cells depend on. Drawn
/// again at the same place from equal inputs, a pane comes out cell for cell the same; so the
/// inputs must name all a pane shows, or a changed pane would be left as it was (the tests
/// compare every frame drawn this way with one drawn whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaneDrawing {
    pub area: Rect,
    pub inputs: Vec<u64>,
    /// Whether every row of the pane is drawn alike (a blank strip with a border): moved among
    /// themselves by a scroll ([`ScrolledRows`]), they still show the pane.
    pub alike_rows: bool,
}

/// Rows of the screen that show consecutive rows of one text, from row `first` of it, in the
/// columns from `left`, `width` wide: the view's word that a later frame showing the same
/// text in the same place from another first row shows these rows moved. Nothing in them may
/// change from row to row but the text (a border down either side is fine).
///
/// When the rows span the screen's width, the screen moves what the terminal shows with a
/// scroll, as `less` does, and sends only the rows that scrolled in: a line instead of a
/// screenful. What differs after all (a highlight that moved, a word that is wrong) is still
/// found by the comparison and sent, right after the rest (see [`Canvas::show_scrolled`]), so
/// a wrong word costs bytes and a moment, never a wrong screen.
///
/// Beside other panes the terminal cannot move a column, but the screen can: when `looks` is
/// the same too, the rows moved are taken from the frame on the screen rather than drawn.
/// Then they are sent as they are, so `looks` must name everything else the rows are
/// drawn from (highlights, a cursor); the tests compare every frame drawn this way with one
/// drawn whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScrolledRows {
    /// The first screen row.
    pub top: u16,
    pub height: u16,
    /// What the rows show: equal values for the same text laid out the same way.
    pub text: u64,
    /// The text's row on the first screen row.
    pub first: usize,
    pub left: u16,
    pub width: u16,
    /// What else the rows are drawn from: equal values draw the same text the same way.
    pub looks: u64,
}

impl ScrolledRows {
    /// Whether the rows span the whole of `area` from side to side.
    fn span(&self, area: Rect) -> bool {
        (self.left, self.width) == (area.x, area.width)
    }
}

/// What a view draws on: a buffer covering the screen, and where the cursor should show.
/// ratatui's `Frame` plays this part for its `Terminal`; [`Screen`] has no `Frame` to give.
pub struct Canvas<'a> {
    buffer: &'a mut Buffer,
    cursor: Option<Position>,
    /// The panes the buffer holds from the frame it was last drawn with.
    held: &'a [PaneDrawing],
    /// Whether the buffer is blank outside the panes it holds ([`Screen::tidy_spare`]).
    tidy: bool,
    /// Whether the buffer still holds that frame, to be cleared before anything is drawn.
    stale: bool,
    /// The panes this frame draws, as planned, and whether each was already there.
    planned: Vec<(PaneDrawing, bool)>,
    scrolled: Option<ScrolledRows>,
    /// The scrolling rows the terminal shows: this frame may leave the rows a scroll brings
    /// along undrawn, or take them from `shown` ([`Canvas::show_scrolled`]).
    on_terminal: Option<ScrolledRows>,
    /// The frame the terminal shows, to take moved rows from.
    shown: Option<&'a Buffer>,
    /// The screen rows the view was told it may leave undrawn.
    undrawn: Option<Range<u16>>,
    /// Rows moved beside other panes, to be taken from `shown`.
    moved: Option<Moved>,
}

impl<'a> Canvas<'a> {
    /// A canvas on a blank buffer.
    pub fn new(buffer: &'a mut Buffer) -> Self {
        Self {
            buffer,
            cursor: None,
            held: &[],
            tidy: true,
            stale: false,
            planned: Vec::new(),
            scrolled: None,
            on_terminal: None,
            shown: None,
            undrawn: None,
            moved: None,
        }
    }

    /// A canvas on a buffer that still holds the panes `held` from an earlier frame, and is
    /// blank everywhere else when `tidy`.
    fn reusing(buffer: &'a mut Buffer, held: &'a [PaneDrawing], tidy: bool) -> Self {
        Self {
            buffer,
            cursor: None,
            held,
            tidy,
            stale: true,
            planned: Vec::new(),
            scrolled: None,
            on_terminal: None,
            shown: None,
            undrawn: None,
            moved: None,
        }
    }

    pub fn area(&self) -> Rect {
        self.buffer.area
    }

    pub fn render_widget<W: Widget>(&mut self, widget: W, area: Rect) {
        widget.render(area, self.buffer_mut());
    }

    pub fn buffer_mut(&mut self) -> &mut Buffer {
        if self.stale {
            self.buffer.reset();
            self.stale = false;
        }
        self.buffer
    }

    /// Names the panes this frame draws, before anything is drawn, and says for each whether
    /// the buffer holds it already: drawn at the same place from equal inputs, and fully inside
    /// the screen. Those the caller leaves alone, or draws again exactly as they are;
    /// everything else is cleared. Panes must not overlap, no wide character may cross a
    /// pane's edge (a frame of borders sees to that), and no cell of a pane may be marked to
    /// be sent always. Without a plan, everything is cleared and drawn.
    pub fn plan(&mut self, panes: Vec<PaneDrawing>) -> Vec<bool> {
        let screen = self.buffer.area;
        let kept: Vec<bool> = panes
            .iter()
            .map(|pane| self.stale && screen.union(pane.area) == screen && self.held.contains(pane))
            .collect();
        if self.stale {
            let is_kept = |held: &PaneDrawing| {
                (panes.iter().zip(&kept)).any(|(pane, &kept)| kept && pane == held)
            };
            if self.tidy {
                // Blank already but for the panes it holds: only those not kept are cleared.
                for held in self.held.iter().filter(|held| !is_kept(held)) {
                    reset_area(self.buffer, held.area);
                }
            } else {
                let keep: Vec<Rect> = panes
                    .iter()
                    .zip(&kept)
                    .filter(|(_, kept)| **kept)
                    .map(|(pane, _)| pane.area)
                    .collect();
                reset_outside(self.buffer, &keep);
            }
            self.stale = false;
        }
        self.planned = panes.into_iter().zip(kept.iter().copied()).collect();
        kept
    }

    /// Shows the cursor at `position` once the frame is drawn; without a call it is hidden.
    pub fn set_cursor_position<P: Into<Position>>(&mut self, position: P) {
        self.cursor = Some(position.into());
    }

    pub fn cursor_position(&self) -> Option<Position> {
        self.cursor
    }

    /// Says which rows show a scrolling text, and from where ([`ScrolledRows`]); returns the
    /// screen rows the view may leave undrawn (often empty).
    ///
    /// When the terminal shows the same text in the same rows, the rows a scroll moves there
    /// already show what this frame would draw in them. The screen then sends the scroll and
    /// the rest of the frame at once, and only after that draws the frame again whole and
    /// sends whatever those rows lack after all: the key's answer goes out before the work of
    /// drawing and comparing rows that are already on the terminal.
    ///
    /// Beside other panes, where the terminal cannot scroll, the rows a scroll moves are
    /// taken from the frame on the screen, when they show the same text in the same looks,
    /// and the view need not draw them either (no layout rows walked, no mentions looked up,
    /// no spans built). They are compared and sent straight from there (or their bytes are
    /// written again, kept from an earlier frame that made the same change), and copied into
    /// the buffer only once the frame is out: the copy, a few hundred kilobytes of cells, is
    /// not on the way to the key's answer.
    pub fn show_scrolled(&mut self, rows: ScrolledRows) -> Range<u16> {
        self.scrolled = Some(rows);
        let area = self.buffer.area;
        let Some(before) = self.on_terminal else {
            return 0..0;
        };
        if rows.span(area) {
            let band = Shift::between(area, before, rows).map_or(0..0, Shift::brought_along);
            if !band.is_empty() {
                self.undrawn = Some(band.clone());
            }
            return band;
        }
        let (Some(shown), Some(shift)) = (self.shown, Shift::within(area, before, rows)) else {
            return 0..0;
        };
        let inside = area.x <= rows.left && rows.left.saturating_add(rows.width) <= area.right();
        if before.looks != rows.looks || shown.area != area || !inside {
            return 0..0;
        }
        let band = shift.brought_along();
        self.moved = Some(Moved {
            shift,
            rows: (band.start, band.end),
            left: rows.left,
            right: rows.left + rows.width,
        });
        band
    }
}

/// Shows the cursor at `position`, or hides it; `hidden` says whether it is hidden.
fn place_cursor(
    out: &mut impl Write,
    hidden: &mut bool,
    position: Option<Position>,
) -> io::Result<()> {
    match position {
        None if !*hidden => {
            queue!(out, Hide)?;
            *hidden = true;
        }
        None => {}
        Some(position) => {
            if *hidden {
                queue!(out, Show)?;
                *hidden = false;
            }
            queue!(out, MoveTo(position.x, position.y))?;
        }
    }
    Ok(())
}

/// What a view left on its canvas besides the cells.
struct Drawn {
    cursor: Option<Position>,
    scrolled: Option<ScrolledRows>,
    undrawn: Option<Range<u16>>,
    moved: Option<Moved>,
    panes: Vec<PaneDrawing>,
    /// Of those, the ones the buffer held already, left as they were.
    kept: Vec<bool>,
}

impl Canvas<'_> {
    fn finish(mut self) -> Drawn {
        if self.stale {
            // Nothing was drawn: the frame is blank.
            self.buffer_mut();
        }
        Drawn {
            cursor: self.cursor,
            scrolled: self.scrolled,
            undrawn: self.undrawn,
            moved: self.moved,
            kept: self.planned.iter().map(|(_, kept)| *kept).collect(),
            panes: self.planned.into_iter().map(|(pane, _)| pane).collect(),
        }
    }
}

/// The panes a buffer holds whole after a frame was drawn into it leaving the rows `band`
/// undrawn: those it kept, and those drawn elsewhere.
fn held_whole(drawn: &[PaneDrawing], kept: &[bool], band: &Range<u16>) -> Vec<PaneDrawing> {
    (drawn.iter().zip(kept))
        .filter(|(pane, kept)| {
            **kept || pane.area.bottom() <= band.start || band.end <= pane.area.top()
        })
        .map(|(pane, _)| pane.clone())
        .collect()
}

/// Draws a frame again whole into `buffer`, which holds the panes `held` whole from drawing
/// it a first time ([`held_whole`]).
fn redraw(buffer: &mut Buffer, held: &[PaneDrawing], render: &mut impl FnMut(&mut Canvas)) {
    let mut canvas = Canvas::reusing(buffer, held, false);
    render(&mut canvas);
    canvas.finish();
}

/// The rectangles to pass over while the rows `band` are left as the scroll put them, and
/// then while only they are compared: `same` cut at the band's edges, with the band itself
/// in the first, and the rows above and below it in the second.
fn split_at_band(area: Rect, same: &[Rect], band: &Range<u16>) -> (Vec<Rect>, Vec<Rect>) {
    let rows = |from: u16, to: u16| Rect::new(area.x, from, area.width, to.saturating_sub(from));
    let (mut first, mut then) = (Vec::new(), Vec::new());
    for rect in same {
        let above = rows(rect.y, rect.bottom().min(band.start)).intersection(*rect);
        let below = rows(rect.y.max(band.end), rect.bottom()).intersection(*rect);
        let inside = rows(band.start, band.end).intersection(*rect);
        first.extend([above, below].into_iter().filter(|r| !r.is_empty()));
        then.extend(Some(inside).filter(|r| !r.is_empty()));
    }
    first.push(rows(band.start, band.end));
    then.extend(
        [rows(area.y, band.start), rows(band.end, area.bottom())]
            .into_iter()
            .filter(|r| !r.is_empty()),
    );
    (first, then)
}

/// Resets every cell of `buffer` inside `rect`.
fn reset_area(buffer: &mut Buffer, rect: Rect) {
    let area = buffer.area;
    let rect = rect.intersection(area);
    let width = usize::from(area.width);
    let (left, right) = (
        usize::from(rect.x - area.x),
        usize::from(rect.right() - area.x),
    );
    for y in rect.top()..rect.bottom() {
        let start = usize::from(y - area.y) * width;
        if let Some(cells) = buffer.content.get_mut(start + left..start + right) {
            cells.iter_mut().for_each(Cell::reset);
        }
    }
}

/// Resets every cell of `buffer` outside the rectangles `keep`, which lie inside it.
fn reset_outside(buffer: &mut Buffer, keep: &[Rect]) {
    let area = buffer.area;
    let width = usize::from(area.width);
    if width == 0 {
        return;
    }
    let mut columns = Vec::new();
    for (row, cells) in buffer.content.chunks_exact_mut(width).enumerate() {
        let y = area
            .y
            .saturating_add(u16::try_from(row).unwrap_or(u16::MAX));
        let mut from = 0;
        kept_columns(&mut columns, area, keep, y);
        for &(start, end) in &columns {
            cells[from..start].iter_mut().for_each(Cell::reset);
            from = end;
        }
        cells[from..].iter_mut().for_each(Cell::reset);
    }
}

/// Puts in `columns` (emptied first: callers ask on every row and reuse one) the column
/// ranges (indices into the row, in order) that `rects` cover on row `y` of `area`.
fn kept_columns(columns: &mut Vec<(usize, usize)>, area: Rect, rects: &[Rect], y: u16) {
    columns.clear();
    columns.extend(
        rects
            .iter()
            .map(|r| r.intersection(area))
            .filter(|r| r.y <= y && y < r.bottom() && !r.is_empty())
            .map(|r| (usize::from(r.x - area.x), usize::from(r.right() - area.x))),
    );
    columns.sort_unstable();
}

/// Whether the column ranges `columns` (in order, as [`kept_columns`] gives them) leave no
/// column of a row `width` wide uncovered.
fn covers_row(columns: &[(usize, usize)], width: usize) -> bool {
    let mut reach = 0;
    for &(from, to) in columns {
        if from > reach {
            return false;
        }
        reach = reach.max(to);
    }
    reach >= width
}

/// A full-screen terminal behind `out`, of a known size.
pub struct Screen<W: Write> {
    out: W,
    area: Rect,
    /// What the terminal shows; `None` while it is blank (at the start, after a resize).
    shown: Option<Buffer>,
    /// The buffer the next frame is drawn into, kept from the frame before last.
    spare: Option<Buffer>,
    /// Whether `spare` is blank (made, not yet drawn into).
    spare_blank: bool,
    /// Whether `spare` is blank outside the panes it holds ([`Screen::tidy_spare`]).
    spare_tidy: bool,
    /// The planned panes each of the two buffers holds.
    shown_panes: Vec<PaneDrawing>,
    spare_panes: Vec<PaneDrawing>,
    /// The scrolling rows of the frame the terminal shows.
    shown_scrolled: Option<ScrolledRows>,
    cursor_hidden: bool,
    /// Changes of the rows of a text column moved beside other panes, and whether they are
    /// kept (the tests compare a screen that does not keep them).
    row_changes: RowChanges,
    /// Changes of the rows of the panes beside such a column, scrolled whole with it.
    whole_row_changes: RowChanges<Beside>,
    keep_row_changes: bool,
    /// Whether a scroll beside other panes may be sent as a scroll of whole rows, when that
    /// takes fewer bytes (the tests compare a screen that always rewrites the column).
    scroll_whole_rows: bool,
    /// Counts the frames drawn: a frame drawn ahead is sent only onto the screen it was
    /// drawn for.
    frames: u64,
}

impl<W: Write> Screen<W> {
    /// A screen on a terminal that has just been cleared, with the cursor showing.
    pub fn new(out: W, area: Rect) -> Self {
        Self {
            out,
            area,
            shown: None,
            spare: None,
            spare_blank: false,
            spare_tidy: false,
            shown_panes: Vec::new(),
            spare_panes: Vec::new(),
            shown_scrolled: None,
            cursor_hidden: false,
            row_changes: RowChanges::default(),
            whole_row_changes: RowChanges::default(),
            keep_row_changes: true,
            scroll_whole_rows: true,
            frames: 0,
        }
    }

    /// Changes with every frame drawn and every resize.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    pub fn area(&self) -> Rect {
        self.area
    }

    /// The terminal now has this size: it is cleared, and the next frame draws everything.
    pub fn resize(&mut self, area: Rect) -> io::Result<()> {
        if area == self.area {
            return Ok(());
        }
        self.area = area;
        self.frames = self.frames.wrapping_add(1);
        self.shown = None;
        self.spare = None;
        self.spare_tidy = false;
        self.shown_panes.clear();
        self.spare_panes.clear();
        self.shown_scrolled = None;
        self.row_changes = RowChanges::default();
        self.whole_row_changes = RowChanges::default();
        queue!(self.out, Clear(ClearType::All))?;
        self.out.flush()
    }

    /// Draws a frame: `render` fills a blank buffer, or plans its panes and fills what the
    /// buffer does not hold yet, and what differs from the screen is sent.
    ///
    /// When the view leaves rows a scroll brings along undrawn ([`Canvas::show_scrolled`]),
    /// the rest is sent first; `render` is then called again to draw the frame whole, and
    /// those rows are compared with what the scroll left on the terminal.
    pub fn draw(&mut self, mut render: impl FnMut(&mut Canvas)) -> io::Result<()> {
        self.frames = self.frames.wrapping_add(1);
        let held = std::mem::take(&mut self.spare_panes);
        let (mut next, blank) = match self.spare.take() {
            Some(buffer) if buffer.area == self.area => (buffer, self.spare_blank),
            _ => (Buffer::empty(self.area), true),
        };
        self.spare_blank = false;
        let tidy = std::mem::replace(&mut self.spare_tidy, false);
        let mut canvas = if blank {
            Canvas::new(&mut next)
        } else {
            Canvas::reusing(&mut next, &held, tidy)
        };
        if self.shown.is_some() {
            canvas.on_terminal = self.shown_scrolled;
            canvas.shown = self.shown.as_ref();
        }
        render(&mut canvas);
        let Drawn {
            cursor,
            scrolled,
            undrawn,
            moved,
            panes: drawn,
            kept,
        } = canvas.finish();
        let shift = match (&self.shown, self.shown_scrolled, scrolled) {
            (Some(_), Some(before), Some(now)) => Shift::between(self.area, before, now),
            _ => None,
        };
        let undrawn = match undrawn {
            Some(band) if shift.map(Shift::brought_along) == Some(band.clone()) => Some(band),
            Some(band) => {
                // Rows were left undrawn for a scroll the frame does not make after all.
                redraw(&mut next, &held_whole(&drawn, &kept, &band), &mut render);
                None
            }
            None => None,
        };
        // Where the screen shows a pane this frame drew from the same inputs, at the same
        // place, the cells are the same; where a scroll moved it, only rows alike that came
        // from the pane itself are.
        let unchanged_under = |shift: Option<Shift>| -> Vec<Rect> {
            match self.shown {
                Some(_) => drawn
                    .iter()
                    .filter(|pane| self.shown_panes.contains(pane))
                    .filter_map(|pane| match shift {
                        Some(shift) if shift.moves(pane.area) => {
                            pane.alike_rows.then(|| shift.keeps(pane.area)).flatten()
                        }
                        _ => Some(pane.area),
                    })
                    .collect(),
                None => Vec::new(),
            }
        };
        let unchanged = unchanged_under(shift);
        // Beside other panes the terminal cannot scroll the text column alone, but it can
        // scroll whole rows, the other panes with them, and have those written back. That is
        // sent instead of the column when it takes fewer bytes: with a wide text column and
        // other panes that are sparse or much alike from row to row. Halfway down an article
        // at 200×60, it keeps a line's scroll under the 4,095 bytes that a pseudo-terminal
        // hands its reader at once; a frame over that reaches the terminal in two reads, each
        // a round trip through the kernel's worker.
        let whole_rows = match (&self.shown, self.shown_scrolled, scrolled, shift) {
            (Some(_), Some(before), Some(now), None) if self.scroll_whole_rows => {
                Shift::within(self.area, before, now)
            }
            _ => None,
        };
        if let Some(shift) = shift {
            shift.write(&mut self.out)?;
        }
        let shown = self.shown.as_ref().map(|buffer| buffer.content.as_slice());
        let (first_same, then_same) = match &undrawn {
            Some(band) => split_at_band(self.area, &unchanged, band),
            None => (unchanged, Vec::new()),
        };
        let moved = moved.zip(self.shown.as_ref());
        let first = NextCells {
            buffer: &next,
            moved,
        };
        let column = match (moved, self.shown_scrolled, scrolled) {
            (Some((moved, _)), Some(before), Some(now)) if self.keep_row_changes => {
                Some(self.row_changes.for_column(moved, before, now))
            }
            _ => None,
        };
        match whole_rows {
            Some(whole_rows) => {
                let mut column_bytes = Vec::new();
                write_changes_moving(&mut column_bytes, shown, first, &first_same, None, column)?;
                let mut rows_same = unchanged_under(Some(whole_rows));
                let moved = moved.filter(|(moved, _)| moved.shift == whole_rows);
                // Rows moved from the screen are, after the scroll, where they came from.
                if let Some((moved, _)) = moved {
                    rows_same.push(moved.rect());
                }
                let beside = moved
                    .filter(|_| self.keep_row_changes)
                    .and_then(|(moved, _)| Beside::of(self.area, &drawn, &self.shown_panes, moved));
                let kept = match beside {
                    Some(beside) => {
                        let rows = whole_rows.brought_along();
                        let from = whole_rows.source(rows.start).unwrap_or(rows.start);
                        Some(KeptRows {
                            rows: rows.clone(),
                            left: self.area.x,
                            right: self.area.right(),
                            before: usize::from(from),
                            now: usize::from(rows.start),
                            same: &rows_same,
                            shift: Some(whole_rows),
                            changes: self.whole_row_changes.kept_for(beside),
                        })
                    }
                    None => None,
                };
                let mut rows_bytes = Capped::below(column_bytes.len());
                let fewer = whole_rows
                    .write_in_one_update(&mut rows_bytes, |out| {
                        write_changes_moving(out, shown, first, &rows_same, Some(whole_rows), kept)
                            .map(drop)
                    })
                    .is_ok();
                let bytes = if fewer {
                    rows_bytes.bytes
                } else {
                    column_bytes
                };
                self.out.write_all(&bytes)?;
            }
            None => {
                write_changes_moving(&mut self.out, shown, first, &first_same, shift, column)?;
            }
        }
        place_cursor(&mut self.out, &mut self.cursor_hidden, cursor)?;
        self.out.flush()?;
        // The frame is out: the rows it sent from the frame on the screen are copied.
        if let Some((moved, shown)) = moved {
            moved.copy(&mut next, shown);
        }
        if let Some(now) = scrolled {
            self.row_changes.trim(now);
            self.whole_row_changes.trim_to(4 * usize::from(now.height));
        }
        if let Some(band) = &undrawn {
            // The frame is out but for rows the scroll brought along; drawn whole now, only
            // those are compared (the others are drawn the same as before, by the same view).
            // A pane drawn across those rows was drawn without them, so it is not held.
            redraw(&mut next, &held_whole(&drawn, &kept, band), &mut render);
            if write_changes(
                &mut self.out,
                shown,
                NextCells::of(&next),
                &then_same,
                shift,
            )? {
                place_cursor(&mut self.out, &mut self.cursor_hidden, cursor)?;
                self.out.flush()?;
            }
        }
        self.spare = self.shown.replace(next);
        self.spare_panes = std::mem::replace(&mut self.shown_panes, drawn);
        self.shown_scrolled = scrolled;
        Ok(())
    }

    /// The bytes [`Screen::draw`] would send for the frame `render` draws, with the screen
    /// left as it was (`None` before the first frame, as there is nothing to draw ahead of).
    /// The frame drawn stays in the spare buffer, where the next frame keeps the panes it
    /// holds.
    pub fn draw_ahead(&mut self, render: impl FnMut(&mut Canvas)) -> Option<Vec<u8>> {
        self.shown.as_ref()?;
        let (frames, shown_scrolled, cursor_hidden) =
            (self.frames, self.shown_scrolled, self.cursor_hidden);
        let shown_panes = self.shown_panes.clone();
        let mut ahead = self.lend(Vec::new());
        let drawn = ahead.draw(render);
        // The frame drawn becomes the spare, and the one drawn before is shown again.
        std::mem::swap(&mut ahead.shown, &mut ahead.spare);
        ahead.spare_panes = std::mem::replace(&mut ahead.shown_panes, shown_panes);
        let bytes = self.take_back(ahead);
        (self.frames, self.shown_scrolled, self.cursor_hidden) =
            (frames, shown_scrolled, cursor_hidden);
        // A `Vec` takes every write.
        drawn.ok().map(|()| bytes)
    }

    /// Draws a frame whose bytes were already sent, as [`Screen::draw_ahead`] gave them:
    /// the screen catches up with the terminal. Returns the bytes it would have sent.
    pub fn draw_sent(&mut self, render: impl FnMut(&mut Canvas)) -> Vec<u8> {
        let mut behind = self.lend(Vec::new());
        // A `Vec` takes every write.
        let _ = behind.draw(render);
        self.take_back(behind)
    }

    /// A screen on `out` showing what this one shows, which keeps nothing until
    /// [`Screen::take_back`] gives it all back.
    fn lend<V: Write>(&mut self, out: V) -> Screen<V> {
        Screen {
            out,
            area: self.area,
            shown: self.shown.take(),
            spare: self.spare.take(),
            spare_blank: self.spare_blank,
            spare_tidy: self.spare_tidy,
            shown_panes: std::mem::take(&mut self.shown_panes),
            spare_panes: std::mem::take(&mut self.spare_panes),
            shown_scrolled: self.shown_scrolled,
            cursor_hidden: self.cursor_hidden,
            row_changes: std::mem::take(&mut self.row_changes),
            whole_row_changes: std::mem::take(&mut self.whole_row_changes),
            keep_row_changes: self.keep_row_changes,
            scroll_whole_rows: self.scroll_whole_rows,
            frames: self.frames,
        }
    }

    /// Takes back what [`Screen::lend`] lent, as the other screen left it; returns what was
    /// written to it.
    fn take_back<V: Write>(&mut self, other: Screen<V>) -> V {
        self.area = other.area;
        self.shown = other.shown;
        self.spare = other.spare;
        self.spare_blank = other.spare_blank;
        self.spare_tidy = other.spare_tidy;
        self.shown_panes = other.shown_panes;
        self.spare_panes = other.spare_panes;
        self.shown_scrolled = other.shown_scrolled;
        self.cursor_hidden = other.cursor_hidden;
        self.row_changes = other.row_changes;
        self.whole_row_changes = other.whole_row_changes;
        self.keep_row_changes = other.keep_row_changes;
        self.scroll_whole_rows = other.scroll_whole_rows;
        self.frames = other.frames;
        other.out
    }

    /// Draws the next frame into `buffer`, a blank one made ahead (ignored if its size is not
    /// the screen's).
    pub fn use_blank(&mut self, buffer: Buffer) {
        if buffer.area == self.area {
            self.spare = Some(buffer);
            self.spare_blank = true;
            self.spare_tidy = false;
            self.spare_panes.clear();
        }
    }

    /// Allocates the buffer the next frame is drawn into, if it is not there yet: done in idle
    /// time after the first frame, its page faults are not on the way to the second.
    pub fn prepare_next(&mut self) {
        if self
            .spare
            .as_ref()
            .is_none_or(|buffer| buffer.area != self.area)
        {
            self.spare = Some(Buffer::empty(self.area));
            self.spare_blank = true;
            self.spare_tidy = false;
            self.spare_panes.clear();
        }
    }

    /// Clears the buffer the next frame is drawn into everywhere but in the panes it holds,
    /// which the next frame is likely to keep: done in idle time after a frame, this takes the
    /// clearing of the rest (a scroll's text column and status bar) off the next key press.
    pub fn tidy_spare(&mut self) {
        if self.spare_blank || self.spare_tidy {
            return;
        }
        if let Some(spare) = self.spare.as_mut().filter(|b| b.area == self.area) {
            let keep: Vec<Rect> = self.spare_panes.iter().map(|pane| pane.area).collect();
            reset_outside(spare, &keep);
            self.spare_tidy = true;
        }
    }

    /// Shows the cursor again, as the reader leaves.
    pub fn show_cursor(&mut self) -> io::Result<()> {
        queue!(self.out, Show)?;
        self.cursor_hidden = false;
        self.out.flush()
    }

    /// The buffer the last frame was drawn into, as the terminal shows it.
    pub fn shown(&self) -> Option<&Buffer> {
        self.shown.as_ref()
    }

    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.out
    }
}

/// A scroll of the screen rows `top..top + height` by `by` rows, up when positive: rows
/// that move off the region are lost, and blank rows move in at the other end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shift {
    top: u16,
    height: u16,
    by: i32,
}

impl Shift {
    /// The scroll that turns rows showing `before` into rows showing `now`, when it keeps any
    /// row on the screen `area`, and the rows span the screen, as a scroll region does.
    fn between(area: Rect, before: ScrolledRows, now: ScrolledRows) -> Option<Self> {
        Self::within(area, before, now).filter(|_| now.span(area))
    }

    /// The rows' move from `before` to `now`, when it keeps any row on the screen `area`,
    /// whatever their columns.
    fn within(area: Rect, before: ScrolledRows, now: ScrolledRows) -> Option<Self> {
        let same_rows = (
            before.top,
            before.height,
            before.text,
            before.left,
            before.width,
        ) == (now.top, now.height, now.text, now.left, now.width);
        let inside = area.y <= now.top && now.top.saturating_add(now.height) <= area.bottom();
        // A scroll region needs two rows.
        if !same_rows || !inside || now.height < 2 {
            return None;
        }
        let by = i64::try_from(now.first).ok()? - i64::try_from(before.first).ok()?;
        if by == 0 || by.unsigned_abs() >= u64::from(now.height) {
            return None;
        }
        Some(Self {
            top: now.top,
            height: now.height,
            by: i32::try_from(by).ok()?,
        })
    }

    /// The screen rows that show rows of the region moved there by the scroll.
    fn brought_along(self) -> Range<u16> {
        let region = Rect::new(0, self.top, 1, self.height);
        self.keeps(region)
            .map_or(0..0, |rows| rows.top()..rows.bottom())
    }

    /// Whether the scroll moves any of `rect`.
    fn moves(self, rect: Rect) -> bool {
        rect.y < self.top + self.height && self.top < rect.bottom() && !rect.is_empty()
    }

    /// The rows of `rect`, inside the scrolled rows, that show rows of `rect` after the scroll.
    fn keeps(self, rect: Rect) -> Option<Rect> {
        if rect.y < self.top || rect.bottom() > self.top + self.height {
            return None;
        }
        let by = u16::try_from(self.by.unsigned_abs()).ok()?;
        let height = rect.height.checked_sub(by).filter(|&h| h > 0)?;
        let y = if self.by > 0 { rect.y } else { rect.y + by };
        Some(Rect { y, height, ..rect })
    }

    /// The screen row that row `row` showed before the scroll; `None` where a blank row has
    /// moved in.
    fn source(self, row: u16) -> Option<u16> {
        let region = i64::from(self.top)..i64::from(self.top) + i64::from(self.height);
        if !region.contains(&i64::from(row)) {
            return Some(row);
        }
        let from = i64::from(row) + i64::from(self.by);
        region
            .contains(&from)
            .then(|| u16::try_from(from).ok())
            .flatten()
    }

    /// The scroll and then what `rest` writes, inside a synchronized update (mode 2026) that
    /// terminals which know it show at once: the other panes a scroll of whole rows moves
    /// and writes back are not seen moved. Other terminals ignore the mode.
    fn write_in_one_update<O: Write>(
        self,
        out: &mut O,
        rest: impl FnOnce(&mut O) -> io::Result<()>,
    ) -> io::Result<()> {
        out.write_all(b"\x1b[?2026h")?;
        self.write(out)?;
        rest(out)?;
        out.write_all(b"\x1b[?2026l")
    }

    /// The scroll as a terminal takes it: a scroll region (DECSTBM), line feeds at its bottom
    /// or reverse index at its top, the region reset. These are VT100's, which every terminal
    /// that runs `less` has; the cursor ends at the top left, and the style is the default
    /// (a frame ends in it), so the rows that move in are blank.
    fn write(self, out: &mut impl Write) -> io::Result<()> {
        let (first, last) = (
            u32::from(self.top) + 1,
            u32::from(self.top) + u32::from(self.height),
        );
        let mut row = itoa::Buffer::new();
        out.write_all(b"\x1b[")?;
        out.write_all(row.format(first).as_bytes())?;
        out.write_all(b";")?;
        out.write_all(row.format(last).as_bytes())?;
        out.write_all(b"r\x1b[")?;
        let (at, step): (u32, &[u8]) = if self.by > 0 {
            (last, b"\n")
        } else {
            (first, b"\x1bM")
        };
        out.write_all(row.format(at).as_bytes())?;
        out.write_all(b"H")?;
        for _ in 0..self.by.unsigned_abs() {
            out.write_all(step)?;
        }
        out.write_all(b"\x1b[r")
    }
}

/// What the changes of rows scrolled whole beside a moved text column are made from: the
/// screen, the column, and the panes beside it, which hold every other cell of the scrolling
/// rows. Drawn from the same inputs at the same place, those panes come out the same, so a
/// row of them changes after a scroll as it did at the last scroll the same way.
#[derive(Debug, PartialEq)]
struct Beside {
    area: Rect,
    rows: (u16, u16),
    columns: (u16, u16),
    panes: Vec<PaneDrawing>,
}

impl Beside {
    /// The panes beside `moved` among the panes `drawn` on the screen `area`, when each is
    /// drawn from the same inputs as on the screen (`shown`) and with the column they cover
    /// every cell of the scrolling rows; otherwise `None`, and the rows' changes are not kept.
    fn of(area: Rect, drawn: &[PaneDrawing], shown: &[PaneDrawing], moved: Moved) -> Option<Self> {
        let region = Rect::new(area.x, moved.shift.top, area.width, moved.shift.height);
        let column = Rect::new(
            moved.left,
            region.y,
            moved.right - moved.left,
            region.height,
        );
        let panes: Vec<PaneDrawing> = drawn
            .iter()
            .filter(|pane| pane.area.intersects(region) && !pane.area.intersects(column))
            .cloned()
            .collect();
        if !panes.iter().all(|pane| shown.contains(pane)) {
            return None;
        }
        let mut rects: Vec<Rect> = panes.iter().map(|pane| pane.area).collect();
        rects.push(column);
        let mut columns = Vec::new();
        let width = usize::from(area.width);
        let covered = (region.top()..region.bottom()).all(|y| {
            kept_columns(&mut columns, area, &rects, y);
            covers_row(&columns, width)
        });
        covered.then_some(Self {
            area,
            rows: (region.top(), region.bottom()),
            columns: (moved.left, moved.right),
            panes,
        })
    }
}

/// A writer that takes fewer than `limit` bytes in all and refuses any write past that: a
/// frame's bytes are made one way only as long as they stay fewer than another way's.
struct Capped {
    bytes: Vec<u8>,
    limit: usize,
}

impl Capped {
    fn below(limit: usize) -> Self {
        Self {
            bytes: Vec::with_capacity(limit),
            limit,
        }
    }
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.bytes.len() + buf.len() >= self.limit {
            return Err(io::Error::other("no fewer bytes than the other way"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Rows a scroll moved beside other panes, whose text columns the next frame shows as the
/// frame on the screen shows them a few rows off: screen rows `rows`, columns `left..right`,
/// each row from the one `shift` says it came from. They are compared and sent from there,
/// and copied into the next frame's buffer once the frame is out ([`Canvas::show_scrolled`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Moved {
    shift: Shift,
    rows: (u16, u16),
    left: u16,
    right: u16,
}

impl Moved {
    /// Where the moved columns of screen row `y` come from in `shown`: the first column
    /// (counted from the screen's left) and the cells; `None` for a row not moved.
    fn source(self, y: u16, shown: &Buffer) -> Option<(usize, &[Cell])> {
        let area = shown.area;
        if !(self.rows.0..self.rows.1).contains(&y)
            || self.left < area.x
            || self.right > area.right()
        {
            return None;
        }
        let from = self.shift.source(y).filter(|from| area.y <= *from)?;
        let start = usize::from(from - area.y) * usize::from(area.width);
        let columns = usize::from(self.left - area.x)..usize::from(self.right - area.x);
        let cells = shown
            .content
            .get(start + columns.start..start + columns.end)?;
        Some((columns.start, cells))
    }

    /// The screen cells the moved columns cover.
    fn rect(self) -> Rect {
        Rect::new(
            self.left,
            self.rows.0,
            self.right - self.left,
            self.rows.1 - self.rows.0,
        )
    }

    /// Copies the moved columns into `next` from `shown`, which they were found in.
    fn copy(self, next: &mut Buffer, shown: &Buffer) {
        let area = next.area;
        if shown.area != area {
            return;
        }
        for y in self.rows.0..self.rows.1 {
            let Some((left, cells)) = self.source(y, shown) else {
                continue;
            };
            let to = usize::from(y - area.y) * usize::from(area.width) + left;
            if let Some(target) = next.content.get_mut(to..to + cells.len()) {
                target.clone_from_slice(cells);
            }
        }
    }
}

/// The next frame's cells: its buffer's, but where rows were moved and are not copied yet
/// ([`Moved`]), those of the frame they were moved from.
#[derive(Clone, Copy)]
struct NextCells<'b> {
    buffer: &'b Buffer,
    moved: Option<(Moved, &'b Buffer)>,
}

impl<'b> NextCells<'b> {
    fn of(buffer: &'b Buffer) -> Self {
        Self {
            buffer,
            moved: None,
        }
    }

    fn area(&self) -> Rect {
        self.buffer.area
    }

    /// Row `row` of the buffer (counted from its top).
    fn row(&self, row: usize) -> NextRow<'b> {
        let area = self.buffer.area;
        let width = usize::from(area.width);
        let start = row * width;
        let cells = self.buffer.content.get(start..start + width).unwrap_or(&[]);
        let mut view = NextRow {
            cells,
            moved: &[],
            from: 0,
        };
        let y = u16::try_from(row)
            .ok()
            .and_then(|row| area.y.checked_add(row));
        if let (Some((moved, shown)), Some(y)) = (self.moved, y)
            && shown.area == area
            && let Some((from, cells)) = moved.source(y, shown)
        {
            view.moved = cells;
            view.from = from;
        }
        view
    }

    /// Cell `i` of the buffer, counted as in its content.
    fn cell(&self, i: usize) -> Option<&'b Cell> {
        let width = usize::from(self.buffer.area.width.max(1));
        self.row(i / width).get(i % width)
    }
}

/// A row of [`NextCells`]: the buffer's, with the columns from `from` taken from `moved`.
#[derive(Clone, Copy)]
struct NextRow<'b> {
    cells: &'b [Cell],
    moved: &'b [Cell],
    from: usize,
}

impl<'b> NextRow<'b> {
    #[inline(always)]
    fn get(&self, column: usize) -> Option<&'b Cell> {
        // Left of `from` the difference wraps around to past any length.
        let k = column.wrapping_sub(self.from);
        if k < self.moved.len() {
            self.moved.get(k)
        } else {
            self.cells.get(column)
        }
    }
}

/// Writes what turns a screen showing `shown` (blank when `None`), moved by `shift`, into one
/// showing `next`: the cells `diff` picks between the two, in few bytes. The rectangles `same`
/// are known to be equal in both and are not compared (see [`for_each_change_in`]). Says whether
/// any cell was sent.
fn write_changes(
    out: &mut impl Write,
    shown: Option<&[Cell]>,
    next: NextCells,
    same: &[Rect],
    shift: Option<Shift>,
) -> io::Result<bool> {
    write_changes_moving(out, shown, next, same, shift, None)
}

/// The bytes that turn a moved row's text column from showing one row of a text into showing
/// another, as the encoder wrote them, from the first cell sent on, in its style. Two rows of
/// the same text, in the same looks and columns, take the same bytes on any screen row, so
/// they are kept from frame to frame ([`RowChanges`]).
struct RowChange {
    bytes: Vec<u8>,
    ends: RowEnds,
}

/// Where a [`RowChange`]'s bytes start and leave the terminal.
#[derive(Clone, Copy)]
struct RowEnds {
    /// The column of the first cell sent and its style; `None` when the rows look the same.
    entry: Option<(u16, Pen)>,
    /// The cursor's column after them, when that is certain.
    exit: Option<u16>,
    /// The style the terminal writes in after them.
    pen_after: Pen,
}

impl RowChange {
    /// Compares the cells `span` (one row's kept columns, indices into the buffer) of `next`
    /// with `shown` moved by `shift`, on screen row `y`, passing over the rectangles `same`.
    fn between(
        shown: &[Cell],
        next: NextCells,
        (same, shift): (&[Rect], Option<Shift>),
        span: Range<usize>,
        y: u16,
    ) -> io::Result<Self> {
        let mut bytes = Vec::new();
        let mut encoder = Encoder::opening(&mut bytes, next);
        let passed_over = &mut PassedOver::default();
        for_each_change_in(
            Some(shown),
            next,
            same,
            shift,
            span,
            passed_over,
            |x, y, cell| encoder.cell(x, y, cell),
        )?;
        let ends = encoder.finish_opened(y)?;
        Ok(Self { bytes, ends })
    }
}

/// The row changes of a text column moved beside other panes, kept from frame to frame.
/// Scrolling a line at a time, each moved row makes the change the row beside it made in the
/// frame before (row `a` of the text replaced by row `a + 1`): only the row that is new to
/// the column is compared cell by cell, and the rest of the column, some 4 kB, is written
/// from here rather than found again among 6,000 cells.
///
/// Scrolling whole rows beside other panes ([`WholeRowChanges`]), each row of those panes
/// makes the change the same row made at the last scroll the same way, so those are kept
/// too, by the screen rows they go from and to.
struct RowChanges<Of = (u64, u64, u16, u16)> {
    /// What every change kept is for: for a column, the text, its looks and the columns.
    of: Option<Of>,
    /// By the rows shown before and after: the text's, or the screen's.
    changes: HashMap<(usize, usize), RowChange>,
}

impl<Of> Default for RowChanges<Of> {
    fn default() -> Self {
        Self {
            of: None,
            changes: HashMap::new(),
        }
    }
}

impl<Of> RowChanges<Of> {
    /// Forgets every change kept once there are more than `most`.
    fn trim_to(&mut self, most: usize) {
        if self.changes.len() > most {
            self.changes.clear();
        }
    }
}

impl<Of: PartialEq> RowChanges<Of> {
    /// The changes kept for `of`, the others forgotten.
    fn kept_for(&mut self, of: Of) -> &mut HashMap<(usize, usize), RowChange> {
        if self.of.as_ref() != Some(&of) {
            self.changes.clear();
            self.of = Some(of);
        }
        &mut self.changes
    }
}

impl RowChanges {
    /// The changes for rows moved from `before` to `now`, forgetting any kept for another
    /// text, looks or place.
    fn for_column(
        &mut self,
        moved: Moved,
        before: ScrolledRows,
        now: ScrolledRows,
    ) -> KeptRows<'_> {
        let of = (now.text, now.looks, moved.left, moved.right);
        // Rows above the moved ones are not in `moved.rows`; the text's rows count from the
        // scrolling rows' top.
        let skipped = usize::from(moved.rows.0.saturating_sub(now.top));
        KeptRows {
            rows: moved.rows.0..moved.rows.1,
            left: moved.left,
            right: moved.right,
            before: before.first + skipped,
            now: now.first + skipped,
            same: &[],
            shift: None,
            changes: self.kept_for(of),
        }
    }

    /// Forgets the changes of rows far from `rows`, once there are more than a few screens'
    /// worth: a long read down an article leaves one behind a line.
    fn trim(&mut self, rows: ScrolledRows) {
        let height = usize::from(rows.height);
        if self.changes.len() <= 4 * height {
            return;
        }
        let near = rows.first.saturating_sub(height)..rows.first + 2 * height;
        self.changes.retain(|&(from, _), _| near.contains(&from));
    }
}

/// Rows that [`write_changes_moving`] writes from changes kept for them ([`RowChanges`]):
/// screen rows `rows`, in the columns `left..right`, where row `rows.start + i` changes from
/// row `before + i` to row `now + i` of what they show, and how a change is found (the
/// rectangles passed over, the scroll the terminal made).
struct KeptRows<'c> {
    rows: Range<u16>,
    left: u16,
    right: u16,
    before: usize,
    now: usize,
    same: &'c [Rect],
    shift: Option<Shift>,
    changes: &'c mut HashMap<(usize, usize), RowChange>,
}

/// [`write_changes`], with the kept rows (when given) written from the changes kept for
/// them, each made once ([`RowChanges`]).
fn write_changes_moving(
    out: &mut impl Write,
    shown: Option<&[Cell]>,
    next: NextCells,
    same: &[Rect],
    shift: Option<Shift>,
    column: Option<KeptRows>,
) -> io::Result<bool> {
    let mut encoder = Encoder::new(out, next);
    let mut passed_over = PassedOver::default();
    // Sends what changed in a span of cells; says whether anything did.
    let mut send = |encoder: &mut Encoder<_>, span: Range<usize>| -> io::Result<bool> {
        let mut any = false;
        for_each_change_in(
            shown,
            next,
            same,
            shift,
            span,
            &mut passed_over,
            |x, y, cell| {
                any = true;
                encoder.cell(x, y, cell)
            },
        )?;
        Ok(any)
    };
    let mut any = false;
    let mut from = 0;
    if let (Some(shown), Some(column)) = (shown, column) {
        let area = next.area();
        let width = usize::from(area.width);
        let (left, right) = (
            usize::from(column.left - area.x),
            usize::from(column.right - area.x),
        );
        for y in column.rows.clone() {
            let row_start = usize::from(y - area.y) * width;
            any |= send(&mut encoder, from..row_start + left)?;
            let row = usize::from(y - column.rows.start);
            let change = match column
                .changes
                .entry((column.before + row, column.now + row))
            {
                Entry::Occupied(kept) => kept.into_mut(),
                Entry::Vacant(new) => new.insert(RowChange::between(
                    shown,
                    next,
                    (column.same, column.shift),
                    row_start + left..row_start + right,
                    y,
                )?),
            };
            any |= change.ends.entry.is_some();
            encoder.splice(y, change)?;
            from = row_start + right;
        }
    }
    any |= send(&mut encoder, from..usize::MAX)?;
    encoder.finish()?;
    Ok(any)
}

/// Modifiers that show on a blank cell, as ratatui's diff counts them.
const VISIBLE_ON_BLANK: Modifier = Modifier::REVERSED
    .union(Modifier::UNDERLINED)
    .union(Modifier::SLOW_BLINK)
    .union(Modifier::RAPID_BLINK)
    .union(Modifier::CROSSED_OUT);

/// [`for_each_change_in`] over the whole buffer.
#[cfg(test)]
fn for_each_change<'b, E>(
    shown: Option<&[Cell]>,
    next: NextCells<'b>,
    same: &[Rect],
    shift: Option<Shift>,
    emit: impl FnMut(u16, u16, &'b Cell) -> Result<(), E>,
) -> Result<(), E> {
    let mut passed_over = PassedOver::default();
    for_each_change_in(
        shown,
        next,
        same,
        shift,
        0..usize::MAX,
        &mut passed_over,
        emit,
    )
}

/// The column ranges [`for_each_change_in`] passes over on a row, kept from one call to the
/// next over the same frame and rectangles, in order: a frame whose moved rows are written
/// from kept changes is compared in a pair of spans a row.
#[derive(Default)]
struct PassedOver {
    /// The ranges, counted in the row, and the rows they hold for.
    columns: Vec<(usize, usize)>,
    rows: Range<u16>,
    /// Whether `columns` cover the row from side to side.
    whole_rows: bool,
    /// The ranges on the row being compared, as cell indices.
    skips: Vec<(usize, usize)>,
}

/// Calls `emit` for every cell of `next` in `span` (indices into the buffer's content, starting
/// and ending where no wide character crosses) that [`Buffer::diff`] would return against
/// `shown` (a blank screen when `None`) moved by `shift`, in the same order, following the
/// same rules for wide characters, emoji with a variation selector and skipped cells.
///
/// The rectangles `same` hold the same cells in both buffers, none of them to be sent always
/// (`CellDiffOption::AlwaysUpdate`), and no wide character crosses their edges; the diff
/// would find nothing there, so their cells are passed over. `passed_over` is kept from the
/// call before, over an earlier span of the same frame with the same `same`.
fn for_each_change_in<'b, E>(
    shown: Option<&[Cell]>,
    next: NextCells<'b>,
    same: &[Rect],
    shift: Option<Shift>,
    span: Range<usize>,
    passed_over: &mut PassedOver,
    mut emit: impl FnMut(u16, u16, &'b Cell) -> Result<(), E>,
) -> Result<(), E> {
    let area = next.area();
    let all = next.buffer.content.len();
    let width = usize::from(area.width.max(1));
    let (left, top) = (area.x, area.y);
    let len = shown.map_or(all, |shown| shown.len().min(all));
    let stop = len.min(span.end);
    let cell_at = |i: usize| next.cell(i).unwrap_or(&Cell::EMPTY);
    // Where the cells of row `row` (counted in the buffer) were before the scroll: the index
    // of their row's first cell in `shown`, or `None` for a blank row or screen.
    let row_source = |row: usize| -> Option<usize> {
        shown?;
        let Some(shift) = shift else {
            return Some(row * width);
        };
        let y = top.saturating_add(u16::try_from(row).ok()?);
        let from = shift.source(y)?;
        Some(usize::from(from - top) * width)
    };
    let previous = |i: usize| match (shown, row_source(i / width)) {
        (Some(shown), Some(start)) => shown.get(start + i % width).unwrap_or(&Cell::EMPTY),
        _ => &Cell::EMPTY,
    };
    // The row `pos` is on: its number, where it starts and ends, where its cells were before
    // the scroll, and its passed-over column ranges, as cell indices, in order (a division per
    // cell to find the row cost a third of the diff).
    let PassedOver {
        columns,
        rows: columns_hold,
        whole_rows,
        skips,
    } = passed_over;
    let mut next_skip = 0;
    // Where the next passed-over range starts (past the row when none is left).
    let mut skip_at = usize::MAX;
    let (mut row, mut row_start, mut row_end) = (0, 0, 0);
    // The row's cells in `next`, and where they were on the screen.
    let mut cells = next.row(0);
    let mut before_row: &[Cell] = &[];
    // Cell `i` on the row starting at `row_start`, or, for the columns a wide character at a
    // row's end covers, past it. Both coordinates fit in u16: the index lies inside a buffer
    // whose area is given in u16.
    let mut emit_at = |i: usize, row_start: usize, row: usize, cell: &'b Cell| {
        let (column, row) = match i - row_start {
            column if column < width => (column, row),
            _ => (i % width, i / width),
        };
        let x = left.saturating_add(u16::try_from(column).unwrap_or(u16::MAX));
        let y = top.saturating_add(u16::try_from(row).unwrap_or(u16::MAX));
        emit(x, y, cell)
    };
    let mut pos = span.start;
    while pos < stop {
        if pos >= row_end {
            row = pos / width;
            row_start = row * width;
            row_end = row_start + width;
            let y = top.saturating_add(u16::try_from(row).unwrap_or(u16::MAX));
            // The columns passed over change only where a rectangle starts or ends.
            if !columns_hold.contains(&y) {
                kept_columns(columns, area, same, y);
                let until = same
                    .iter()
                    .flat_map(|r| [r.top(), r.bottom()])
                    .filter(|&edge| edge > y)
                    .min()
                    .unwrap_or(u16::MAX);
                *columns_hold = y..until;
                *whole_rows = covers_row(columns, width);
            }
            // Rows passed over from side to side (the rows a scroll brought along, most of
            // the screen) are stepped over together: set up one by one, they were a sixth of
            // the instructions of a scroll's answer.
            if *whole_rows {
                let past = usize::from(columns_hold.end.saturating_sub(top)).saturating_mul(width);
                pos = past.max(row_end);
                continue;
            }
            cells = next.row(row);
            before_row = match (shown, row_source(row)) {
                (Some(shown), Some(start)) => shown
                    .get(start..)
                    .map_or(&[], |rest| rest.get(..width).unwrap_or(rest)),
                _ => &[],
            };
            skips.clear();
            skips.extend(
                columns
                    .iter()
                    .map(|&(from, to)| (row_start + from, row_start + to)),
            );
            next_skip = 0;
            skip_at = skips.first().map_or(usize::MAX, |&(from, _)| from);
        }
        // Ranges passed over: never overlapping, in order; a wide character may step past
        // the start of one.
        if pos >= skip_at {
            while let Some(&(from, to)) = skips.get(next_skip)
                && from <= pos
            {
                next_skip += 1;
                if from == pos {
                    pos = to;
                }
            }
            skip_at = skips.get(next_skip).map_or(usize::MAX, |&(from, _)| from);
            if pos >= row_end || pos >= stop {
                continue;
            }
        }
        let i = pos;
        pos += 1;
        let column = i - row_start;
        let current = cells.get(column).unwrap_or(&Cell::EMPTY);
        let before = before_row.get(column).unwrap_or(&Cell::EMPTY);
        match current.diff_option {
            CellDiffOption::Skip => {}
            _ if is_skip(current) => {}
            CellDiffOption::ForcedWidth(forced) => {
                pos = pos.saturating_add(usize::from(forced.get()).saturating_sub(1));
                if !same_cell(current, before) {
                    emit_at(i, row_start, row, current)?;
                }
            }
            CellDiffOption::None | CellDiffOption::AlwaysUpdate => {
                // The symbol read once: reading it tells an inline string from one on the heap.
                let symbol = current.symbol();
                let width = match symbol.len() {
                    1 => 1,
                    _ => usize::from(current.cell_width()),
                };
                if current.diff_option == CellDiffOption::None
                    && same_cell_as(current, symbol, before)
                {
                    pos += width.saturating_sub(1);
                    continue;
                }
                let before_width = cell_width(before);
                let mut trailing = None;
                if width > 1 && symbol.contains('\u{FE0F}') {
                    trailing = Some((i + 1, (i + width).min(len), false));
                } else if width > 1 {
                    pos += width - 1;
                } else if before_width > width
                    && (before.bg != Color::Reset || before.modifier.intersects(VISIBLE_ON_BLANK))
                {
                    trailing = Some((i + 1, i + before_width, true));
                }
                emit_at(i, row_start, row, current)?;
                // The columns a wide character covers, sent again where the terminal may not
                // have cleared them.
                if let Some((mut j, mut end, force)) = trailing {
                    while j < end.min(len) {
                        let at = j;
                        let cell = cell_at(at);
                        j += cell_width(cell).max(1);
                        end = end.max(j).min(len);
                        if !is_skip(cell) && (force || previous(at).symbol() != cell.symbol()) {
                            emit_at(at, row_start, row, cell)?;
                        }
                    }
                    pos = end;
                }
            }
        }
    }
    Ok(())
}

/// `Cell`'s own equality, with the one-byte symbols nearly every cell holds compared inline.
fn same_cell(a: &Cell, b: &Cell) -> bool {
    same_cell_as(a, a.symbol(), b)
}

/// [`same_cell`] with `a`'s symbol read already.
#[allow(deprecated)] // `skip` is still part of what makes two cells equal
fn same_cell_as(a: &Cell, a_symbol: &str, b: &Cell) -> bool {
    let (x, y) = (a_symbol.as_bytes(), b.symbol().as_bytes());
    let symbols = match (x, y) {
        ([x], [y]) => x == y,
        _ => x == y,
    };
    symbols
        && a.fg == b.fg
        && a.bg == b.bg
        && a.modifier == b.modifier
        && a.diff_option == b.diff_option
        && a.skip == b.skip
}

/// `Cell::cell_width`, without measuring the one-byte symbols that are always one column.
fn cell_width(cell: &Cell) -> usize {
    if cell.symbol().len() == 1 && !matches!(cell.diff_option, CellDiffOption::ForcedWidth(_)) {
        1
    } else {
        usize::from(cell.cell_width())
    }
}

#[allow(deprecated)] // a cell marked with the old flag is still skipped
const fn is_skip(cell: &Cell) -> bool {
    matches!(cell.diff_option, CellDiffOption::Skip)
        || (cell.skip && matches!(cell.diff_option, CellDiffOption::None))
}

/// The style the terminal writes with: what the last SGR sequences set.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

impl Pen {
    const DEFAULT: Self = Self {
        fg: Color::Reset,
        bg: Color::Reset,
        modifier: Modifier::empty(),
    };

    fn of(cell: &Cell) -> Self {
        Self {
            fg: cell.fg,
            bg: cell.bg,
            modifier: cell.modifier,
        }
    }
}

/// Writes cells in as few bytes as it takes, as a terminal library's screen optimiser does:
/// no cursor move to the cell right after the last one; across a short run of unchanged cells,
/// those cells written again (a word space costs one byte where a move costs eight) or a move
/// forward; to the next row, a line feed and the column (or a carriage return); a run of
/// blank cells erased in place (ECH) where that is shorter than its spaces; every change of
/// style in one SGR sequence, holding only what changed, with the sixteen basic colours in
/// their short codes, as terminfo's `setaf` writes them. A scroll of the text beside other
/// panes rewrites a whole column, some 4 kB; a pseudo-terminal hands its reader at most 4 kB
/// at a time, and a frame any larger reaches the terminal in two passes. What the terminal
/// shows is the same (tested by playing both into a model terminal).
struct Encoder<'w, 'b, W: Write> {
    out: &'w mut W,
    next: NextCells<'b>,
    pen: Pen,
    /// Where the terminal's cursor is, when that is certain: after a cell one column wide
    /// that is not the last of its row.
    cursor: Option<(u16, u16)>,
    /// Blank cells in the default style not yet written: the row, and the columns from and
    /// to. Written once the next cell shows whether spaces or an erase is shorter.
    blanks: Option<(u16, u16, u16)>,
    /// The row of `next` last looked at, and its number: cells come row by row.
    row: Option<(u16, NextRow<'b>)>,
    /// For bytes that start wherever the cursor is put first, in the style of the first cell
    /// ([`Encoder::opening`]): whether that first move is still to come, the column it went
    /// to, whether the style is still the first cell's to choose, and the style chosen.
    opening: bool,
    entry: Option<u16>,
    choosing_pen: bool,
    entry_pen: Pen,
    /// The parameters of the SGR sequence being written, kept for the next one: a frame
    /// changes style a few times a row.
    params: String,
}

impl<'w, 'b, W: Write> Encoder<'w, 'b, W> {
    fn new(out: &'w mut W, next: NextCells<'b>) -> Self {
        Self {
            out,
            next,
            pen: Pen::DEFAULT,
            cursor: None,
            blanks: None,
            row: None,
            opening: false,
            entry: None,
            choosing_pen: false,
            entry_pen: Pen::DEFAULT,
            params: String::new(),
        }
    }

    /// An encoder whose first move and first style are left to whoever writes its bytes out
    /// ([`RowChange`]): they start on the first cell sent, in its style.
    fn opening(out: &'w mut W, next: NextCells<'b>) -> Self {
        Self {
            opening: true,
            ..Self::new(out, next)
        }
    }

    fn cell(&mut self, x: u16, y: u16, cell: &Cell) -> io::Result<()> {
        let symbol = cell.symbol();
        if is_blank_as(cell, symbol) {
            let blanks = self.blanks;
            match blanks {
                // Unchanged blank cells between join the run: the terminal shows them blank
                // already, so erasing them changes nothing and saves a move.
                Some((row, from, to)) if row == y && self.all_blank(y, to, x) => {
                    self.blanks = Some((row, from, x + 1));
                }
                Some(_) => {
                    self.write_blanks(Some((x, y)))?;
                    self.blanks = Some((y, x, x + 1));
                }
                None => self.blanks = Some((y, x, x + 1)),
            }
            return Ok(());
        }
        if self.blanks.is_some() {
            self.write_blanks(Some((x, y)))?;
        }
        self.go_to(x, y)?;
        let pen = Pen::of(cell);
        if pen != self.pen {
            self.set_pen(pen)?;
        }
        let one_column = match symbol.as_bytes() {
            // Nearly every cell: a copy of known length, not a call to `memcpy`.
            &[byte] => {
                self.out.write_all(&[byte])?;
                match cell.diff_option {
                    CellDiffOption::ForcedWidth(_) => cell_width(cell) == 1,
                    _ => true,
                }
            }
            bytes => {
                self.out.write_all(bytes)?;
                cell_width(cell) == 1
            }
        };
        let area = self.next.area();
        self.cursor = (one_column && x.saturating_add(1) < area.right()).then(|| (x + 1, y));
        Ok(())
    }

    /// The cells of `next` from column `from` to `to` on row `y`.
    fn cells_between(
        &mut self,
        y: u16,
        from: u16,
        to: u16,
    ) -> Option<impl Iterator<Item = &'b Cell> + use<'b, W>> {
        let area = self.next.area();
        if !(area.y..area.bottom()).contains(&y) || from < area.x || to > area.right() {
            return None;
        }
        let row = match self.row {
            Some((at, row)) if at == y => row,
            _ => {
                let row = self.next.row(usize::from(y - area.y));
                self.row = Some((y, row));
                row
            }
        };
        let columns = usize::from(from - area.x)..usize::from(to - area.x);
        Some(columns.map(move |column| row.get(column).unwrap_or(&Cell::EMPTY)))
    }

    /// Whether the cells of `next` from column `from` to `to` on row `y` are all blank.
    fn all_blank(&mut self, y: u16, from: u16, to: u16) -> bool {
        self.cells_between(y, from, to)
            .is_some_and(|mut cells| cells.all(is_blank))
    }

    /// Writes the blank run held back, as spaces or as an erase, whichever leaves fewer
    /// bytes with the move to `then`, the next cell (an erase leaves the cursor where the run
    /// starts).
    fn write_blanks(&mut self, then: Option<(u16, u16)>) -> io::Result<()> {
        let Some((y, from, to)) = self.blanks.take() else {
            return Ok(());
        };
        self.go_to(from, y)?;
        if self.pen != Pen::DEFAULT {
            self.set_pen(Pen::DEFAULT)?;
        }
        let count = to - from;
        // A move along the row to the next cell; one to another row costs the same either way.
        let move_from = |x: u16| match then {
            Some((next, row)) if row == y && next > x => forward_len(next - x),
            _ => 0,
        };
        let mut digits = itoa::Buffer::new();
        // Up to four blanks (a word space, most often) are never longer than an erase.
        let count_text = if count > 4 { digits.format(count) } else { "" };
        let erase = 3 + count_text.len() + move_from(from);
        if count > 4 && erase < usize::from(count) + move_from(to) {
            self.out.write_all(b"\x1b[")?;
            self.out.write_all(count_text.as_bytes())?;
            self.out.write_all(b"X")?;
            self.cursor = Some((from, y));
        } else {
            const SPACES: [u8; 64] = [b' '; 64];
            let mut left = usize::from(count);
            while left > 0 {
                let n = left.min(SPACES.len());
                self.out.write_all(&SPACES[..n])?;
                left -= n;
            }
            self.cursor = (to < self.next.area().right()).then_some((to, y));
        }
        Ok(())
    }

    /// Puts the cursor on `(x, y)`, from wherever it is.
    #[inline(always)]
    fn go_to(&mut self, x: u16, y: u16) -> io::Result<()> {
        if self.opening {
            self.opening = false;
            self.choosing_pen = true;
            self.entry = Some(x);
            self.cursor = Some((x, y));
            return Ok(());
        }
        self.choosing_pen = false;
        match self.cursor {
            Some((cx, cy)) if cy == y && cx == x => Ok(()),
            Some((cx, cy)) if cy == y && cx < x => self.forward(cx, x, y),
            Some((_, cy)) if cy.checked_add(1) == Some(y) => self.down_to(x),
            _ => self.move_to(x, y),
        }
    }

    /// From column `from` to `to` on row `y`: the cells between written again when they are
    /// plain one-byte symbols in the current style and no longer than the move, else a move.
    fn forward(&mut self, from: u16, to: u16, y: u16) -> io::Result<()> {
        let gap = usize::from(to - from);
        let mut digits = itoa::Buffer::new();
        let count = digits.format(gap);
        let move_len = forward_len(to - from);
        // At most four cells (a move forward is shorter past that).
        let mut bytes = [0u8; 4];
        if gap <= move_len && gap <= bytes.len() {
            let plain = self.cells_between(y, from, to).is_some_and(|cells| {
                cells
                    .zip(&mut bytes)
                    .all(|(cell, byte)| match cell.symbol().as_bytes() {
                        [b] if b.is_ascii_graphic() || *b == b' ' => {
                            *byte = *b;
                            cell.diff_option == CellDiffOption::None
                                && !is_skip(cell)
                                && Pen::of(cell) == self.pen
                        }
                        _ => false,
                    })
            });
            if plain {
                return self.out.write_all(&bytes[..gap]);
            }
        }
        if gap == 1 {
            self.out.write_all(b"\x1b[C")
        } else {
            self.out.write_all(b"\x1b[")?;
            self.out.write_all(count.as_bytes())?;
            self.out.write_all(b"C")
        }
    }

    /// From the row above to column `x` of the next: a line feed, which only moves down as
    /// the cursor is not on the screen's last row (the scroll region is the whole screen
    /// when cells are written), then a carriage return or the column. It is never longer than
    /// an absolute move. The column is always set, so a terminal whose line feed also returns
    /// the carriage ends in the same place.
    fn down_to(&mut self, x: u16) -> io::Result<()> {
        if x == 0 {
            return self.out.write_all(b"\n\r");
        }
        let mut column = itoa::Buffer::new();
        self.out.write_all(b"\n\x1b[")?;
        self.out
            .write_all(column.format(u32::from(x) + 1).as_bytes())?;
        self.out.write_all(b"G")
    }

    /// An absolute move (one-based row, then column; the column left out at a row's start).
    fn move_to(&mut self, x: u16, y: u16) -> io::Result<()> {
        let mut row = itoa::Buffer::new();
        self.out.write_all(b"\x1b[")?;
        self.out
            .write_all(row.format(u32::from(y) + 1).as_bytes())?;
        if x > 0 {
            let mut column = itoa::Buffer::new();
            self.out.write_all(b";")?;
            self.out
                .write_all(column.format(u32::from(x) + 1).as_bytes())?;
        }
        self.out.write_all(b"H")
    }

    /// One SGR sequence from the current style to `pen`.
    fn set_pen(&mut self, pen: Pen) -> io::Result<()> {
        if self.choosing_pen {
            // The first cell's style: set by whoever writes these bytes out.
            self.choosing_pen = false;
            self.entry_pen = pen;
            self.pen = pen;
            return Ok(());
        }
        let mut params = std::mem::take(&mut self.params);
        params.clear();
        if pen == Pen::DEFAULT {
            params.push('0');
        } else {
            modifier_params(&mut params, self.pen.modifier, pen.modifier);
            if pen.fg != self.pen.fg {
                push_colour(
                    &mut params,
                    Colored::ForegroundColor(pen.fg.into_crossterm()),
                );
            }
            if pen.bg != self.pen.bg {
                push_colour(
                    &mut params,
                    Colored::BackgroundColor(pen.bg.into_crossterm()),
                );
            }
        }
        self.pen = pen;
        // Colours off (`NO_COLOR`): crossterm writes nothing for them, and neither does this;
        // an empty SGR would reset everything.
        let written = if params.is_empty() {
            Ok(())
        } else {
            write_sgr(&mut self.out, &params)
        };
        self.params = params;
        written
    }

    /// Leaves the terminal writing in its default style, as the next frame expects.
    fn finish(mut self) -> io::Result<()> {
        self.write_blanks(None)?;
        if self.pen != Pen::DEFAULT {
            self.set_pen(Pen::DEFAULT)?;
        }
        Ok(())
    }

    /// Ends the bytes of an [`Encoder::opening`] encoder of row `y`, as [`RowChange`] keeps
    /// them.
    fn finish_opened(mut self, y: u16) -> io::Result<RowEnds> {
        self.write_blanks(None)?;
        let exit = match self.cursor {
            Some((x, row)) if row == y => Some(x),
            _ => None,
        };
        Ok(RowEnds {
            entry: self.entry.map(|x| (x, self.entry_pen)),
            exit,
            pen_after: self.pen,
        })
    }

    /// Writes a row's change kept from an earlier frame, on row `y`: the same bytes as its
    /// cells would take, the move to its first cell and its first style written as they
    /// are needed here.
    fn splice(&mut self, y: u16, change: &RowChange) -> io::Result<()> {
        let Some((entry, entry_pen)) = change.ends.entry else {
            return Ok(());
        };
        self.write_blanks(Some((entry, y)))?;
        self.go_to(entry, y)?;
        if self.pen != entry_pen {
            self.set_pen(entry_pen)?;
        }
        self.out.write_all(&change.bytes)?;
        self.cursor = change.ends.exit.map(|x| (x, y));
        self.pen = change.ends.pen_after;
        Ok(())
    }
}

/// An SGR sequence with the parameters `params`.
fn write_sgr(out: &mut impl Write, params: &str) -> io::Result<()> {
    out.write_all(b"\x1b[")?;
    out.write_all(params.as_bytes())?;
    out.write_all(b"m")
}

/// The length of a move `gap` columns forward (the count left out for one).
fn forward_len(gap: u16) -> usize {
    match gap {
        1 => 3,
        2..=9 => 4,
        10..=99 => 5,
        100..=999 => 6,
        _ => 7,
    }
}

/// A cell the encoder may erase rather than write: a plain space in the default style.
fn is_blank(cell: &Cell) -> bool {
    is_blank_as(cell, cell.symbol())
}

/// [`is_blank`] with the cell's symbol read already.
fn is_blank_as(cell: &Cell, symbol: &str) -> bool {
    symbol.as_bytes() == b" "
        && cell.diff_option == CellDiffOption::None
        && !is_skip(cell)
        && Pen::of(cell) == Pen::DEFAULT
}

/// Adds a colour's SGR parameters: crossterm's, but for the sixteen basic colours, which get
/// their short codes (30–37 and 90–97, or 40–47 and 100–107 for the background), one
/// parameter where crossterm writes three. Nothing when colours are off, as with crossterm.
fn push_colour(params: &mut String, colour: Colored) {
    use crossterm::style::Color as C;
    let (base, bright, color) = match colour {
        Colored::ForegroundColor(color) => (30, 90, color),
        Colored::BackgroundColor(color) => (40, 100, color),
        Colored::UnderlineColor(_) => return push_param(params, colour),
    };
    let index = match color {
        C::Black => 0,
        C::DarkRed => 1,
        C::DarkGreen => 2,
        C::DarkYellow => 3,
        C::DarkBlue => 4,
        C::DarkMagenta => 5,
        C::DarkCyan => 6,
        C::Grey => 7,
        C::DarkGrey => 8,
        C::Red => 9,
        C::Green => 10,
        C::Yellow => 11,
        C::Blue => 12,
        C::Magenta => 13,
        C::Cyan => 14,
        C::White => 15,
        C::AnsiValue(n) if n < 16 => n,
        _ => return push_param(params, colour),
    };
    if Colored::ansi_color_disabled_memoized() {
        return;
    }
    let code = if index < 8 {
        base + index
    } else {
        bright + index - 8
    };
    let mut digits = itoa::Buffer::new();
    push_param(params, digits.format(code));
}

/// Adds one SGR parameter (or several, for a colour), unless it is empty.
fn push_param(params: &mut String, param: impl std::fmt::Display) {
    use std::fmt::Write as _;
    let before = params.len();
    if !params.is_empty() {
        params.push(';');
    }
    let separator_end = params.len();
    // Writing into a `String` cannot fail.
    let _ = write!(params, "{param}");
    if params.len() == separator_end {
        params.truncate(before);
    }
}

/// The SGR parameters that turn the attributes `from` into `to`: what is removed first
/// (bold and dim share one "normal intensity", both blinks one "no blink", so what `to`
/// keeps of them is set again), then what is added.
fn modifier_params(params: &mut String, from: Modifier, to: Modifier) {
    let removed = from - to;
    let mut added = to - from;
    let mut push = |code: &str| push_param(params, code);
    for (off, code) in [
        (Modifier::REVERSED, "27"),
        (Modifier::BOLD.union(Modifier::DIM), "22"),
        (Modifier::ITALIC, "23"),
        (Modifier::UNDERLINED, "24"),
        (Modifier::SLOW_BLINK.union(Modifier::RAPID_BLINK), "25"),
        (Modifier::HIDDEN, "28"),
        (Modifier::CROSSED_OUT, "29"),
    ] {
        if removed.intersects(off) {
            push(code);
            // What `to` keeps of an attribute sharing this code is set again.
            added |= to & off;
        }
    }
    for (modifier, code) in [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::SLOW_BLINK, "5"),
        (Modifier::RAPID_BLINK, "6"),
        (Modifier::REVERSED, "7"),
        (Modifier::HIDDEN, "8"),
        (Modifier::CROSSED_OUT, "9"),
    ] {
        if added.contains(modifier) {
            push(code);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::backend::Backend as _;
    use ratatui::style::Style;
    use ratatui_crossterm::CrosstermBackend;
    use std::num::NonZeroU16;
    use unicode_segmentation::UnicodeSegmentation as _;

    fn color() -> impl Strategy<Value = Color> {
        prop_oneof![
            4 => Just(Color::Reset),
            1 => Just(Color::Red),
            1 => Just(Color::LightBlue),
            1 => (0u8..=255).prop_map(Color::Indexed),
            1 => (any::<u8>(), any::<u8>(), any::<u8>()).prop_map(|(r, g, b)| Color::Rgb(r, g, b)),
        ]
    }

    fn modifier() -> impl Strategy<Value = Modifier> {
        prop_oneof![
            3 => Just(Modifier::empty()),
            2 => (0u16..0x200).prop_map(Modifier::from_bits_truncate),
        ]
    }

    /// One write into a buffer: a string (narrow, wide, emoji with VS16, combining marks), a
    /// style, or a cell marked to be skipped or with a forced width.
    #[derive(Debug, Clone)]
    enum Paint {
        Text(u16, u16, String, Color, Color, Modifier),
        Skip(u16, u16),
        Forced(u16, u16, u16),
        Always(u16, u16),
    }

    fn paint(w: u16, h: u16) -> impl Strategy<Value = Paint> {
        let text = prop_oneof![
            "[ -~]{0,12}",
            "[aé中😀 ]{0,8}",
            Just("❤\u{FE0F}x".to_string()),
            Just("e\u{301}中".to_string()),
        ];
        prop_oneof![
            8 => (0..w, 0..h, text, color(), color(), modifier())
                .prop_map(|(x, y, s, fg, bg, m)| Paint::Text(x, y, s, fg, bg, m)),
            1 => (0..w, 0..h).prop_map(|(x, y)| Paint::Skip(x, y)),
            // A forced width reaching past the row's end makes ratatui's own diff index past
            // its buffer; no widget sets one.
            1 => (0..w, 0..h, 1u16..4).prop_map(move |(x, y, n)| Paint::Forced(x, y, n.min(w - x))),
            1 => (0..w, 0..h).prop_map(|(x, y)| Paint::Always(x, y)),
        ]
    }

    fn buffer(area: Rect, paints: &[Paint]) -> Buffer {
        let mut buf = Buffer::empty(area);
        paint_over(&mut buf, paints);
        buf
    }

    fn paint_over(buf: &mut Buffer, paints: &[Paint]) {
        let area = buf.area;
        for p in paints {
            match p {
                Paint::Text(x, y, s, fg, bg, m) => {
                    let style = Style::new().fg(*fg).bg(*bg).add_modifier(*m);
                    buf.set_stringn(area.x + x, area.y + y, s, usize::from(area.width), style);
                }
                Paint::Skip(x, y) => {
                    buf[(area.x + x, area.y + y)].set_diff_option(CellDiffOption::Skip);
                }
                Paint::Forced(x, y, n) => {
                    if let Some(n) = NonZeroU16::new(*n) {
                        buf[(area.x + x, area.y + y)]
                            .set_diff_option(CellDiffOption::ForcedWidth(n));
                    }
                }
                Paint::Always(x, y) => {
                    buf[(area.x + x, area.y + y)].set_diff_option(CellDiffOption::AlwaysUpdate);
                }
            }
        }
    }

    /// `shown` as a terminal shows it after `shift`: its rows moved, blank ones moved in.
    fn moved(shown: &Buffer, shift: Shift) -> Buffer {
        let area = shown.area;
        let mut out = Buffer::empty(area);
        for y in area.top()..area.bottom() {
            if let Some(from) = shift.source(y) {
                for x in area.left()..area.right() {
                    out[(x, y)] = shown[(x, from)].clone();
                }
            }
        }
        out
    }

    /// A frame, a scroll of some of its rows, and what is drawn over the rows once moved.
    fn scrolled_frames() -> impl Strategy<Value = (Rect, Buffer, Shift, Buffer)> {
        (drawn_frames(), any::<(u16, u16, u16, bool)>()).prop_filter_map(
            "a scroll region needs two rows",
            |((area, before, after), (top, height, by, up))| {
                let top = top % area.height.checked_sub(1).filter(|&h| h > 0)?;
                let room = area.height - top;
                let height = 2 + height % (room - 1);
                let by = 1 + by % (height - 1);
                let first = |by: u16| ScrolledRows {
                    top: area.y + top,
                    height,
                    text: 1,
                    first: usize::from(by),
                    left: area.x,
                    width: area.width,
                    looks: 0,
                };
                let (from, to) = if up { (0, by) } else { (by, 0) };
                let shift = Shift::between(area, first(from), first(to))?;
                let shown = buffer(area, &before);
                let mut next = moved(&shown, shift);
                paint_over(&mut next, &after);
                (well_formed(&shown) && well_formed(&next)).then_some((area, shown, shift, next))
            },
        )
    }

    fn frames() -> impl Strategy<Value = (Rect, Vec<Paint>, Vec<Paint>)> {
        (1u16..14, 1u16..6, 0u16..3, 0u16..3).prop_flat_map(|(w, h, x, y)| {
            let area = Rect::new(x, y, w, h);
            (
                Just(area),
                prop::collection::vec(paint(w, h), 0..8),
                prop::collection::vec(paint(w, h), 0..8),
            )
        })
    }

    fn ours(shown: Option<&Buffer>, next: &Buffer) -> Vec<(u16, u16, Cell)> {
        let mut cells = Vec::new();
        let shown = shown.map(|b| b.content.as_slice());
        for_each_change(shown, NextCells::of(next), &[], None, |x, y, cell| {
            cells.push((x, y, cell.clone()));
            Ok::<_, ()>(())
        })
        .expect("collecting cannot fail");
        cells
    }

    /// A terminal as far as the screen's output goes: absolute, forward, line feed, carriage
    /// return and column moves, SGR attributes and colours (kept as the parameters crossterm
    /// writes for them, the short codes as the palette entries they stand for), erased
    /// characters, text put
    /// grapheme by grapheme at the cursor, wide characters covering the column after them
    /// and broken when either half is overwritten, a clear, and a scroll region scrolled by
    /// line feed and reverse index. Anything else is a test failure.
    struct Term {
        width: usize,
        cells: Vec<(String, Looks)>,
        x: usize,
        y: usize,
        pen: Looks,
        /// The scroll region's first and last rows.
        margins: (usize, usize),
    }

    #[derive(Clone, Debug, Default, PartialEq)]
    struct Looks {
        fg: String,
        bg: String,
        modifier: Modifier,
    }

    impl Looks {
        fn of(cell: &Cell) -> Self {
            let fg = Colored::ForegroundColor(cell.fg.into_crossterm()).to_string();
            let bg = Colored::BackgroundColor(cell.bg.into_crossterm()).to_string();
            let reset = |s: String, r: &str| if s == r { String::new() } else { s };
            Self {
                fg: reset(fg, "39"),
                bg: reset(bg, "49"),
                modifier: cell.modifier,
            }
        }
    }

    impl Term {
        fn new(width: u16, height: u16) -> Self {
            let blank = (" ".to_string(), Looks::default());
            Self {
                width: usize::from(width),
                cells: vec![blank; usize::from(width) * usize::from(height)],
                x: 0,
                y: 0,
                pen: Looks::default(),
                margins: (0, usize::from(height).saturating_sub(1)),
            }
        }

        fn height(&self) -> usize {
            self.cells.len() / self.width
        }

        /// Moves the scroll region's rows up (`up`) or down one, with a row blank in the
        /// current background moving in, as a terminal erasing with it does.
        fn scroll(&mut self, up: bool) {
            let (top, bottom) = self.margins;
            let blank = (
                " ".to_string(),
                Looks {
                    bg: self.pen.bg.clone(),
                    ..Looks::default()
                },
            );
            let region = &mut self.cells[top * self.width..(bottom + 1) * self.width];
            if up {
                region.rotate_left(self.width);
            } else {
                region.rotate_right(self.width);
            }
            let moved_in = if up { bottom } else { top };
            self.cells[moved_in * self.width..(moved_in + 1) * self.width].fill(blank);
        }

        fn line_feed(&mut self) {
            if self.y == self.margins.1 {
                self.scroll(true);
            } else if self.y + 1 < self.height() {
                self.y += 1;
            }
        }

        fn reverse_index(&mut self) {
            if self.y == self.margins.0 {
                self.scroll(false);
            } else {
                self.y = self.y.saturating_sub(1);
            }
        }

        fn play(&mut self, bytes: &[u8]) {
            let text = std::str::from_utf8(bytes).expect("the screen writes UTF-8");
            let mut rest = text;
            while !rest.is_empty() {
                if let Some(sequence) = rest.strip_prefix("\x1b[") {
                    let end = sequence
                        .find(|c: char| c.is_ascii_alphabetic())
                        .expect("a complete sequence");
                    self.control(&sequence[..end], &sequence[end..=end]);
                    rest = &sequence[end + 1..];
                } else if let Some(after) = rest.strip_prefix("\x1bM") {
                    self.reverse_index();
                    rest = after;
                } else if let Some(after) = rest.strip_prefix('\n') {
                    self.line_feed();
                    rest = after;
                } else if let Some(after) = rest.strip_prefix('\r') {
                    self.x = 0;
                    rest = after;
                } else {
                    let end = rest.find(['\x1b', '\n', '\r']).unwrap_or(rest.len());
                    for grapheme in rest[..end].graphemes(true) {
                        self.put(grapheme);
                    }
                    rest = &rest[end..];
                }
            }
        }

        fn control(&mut self, params: &str, last: &str) {
            // Showing and hiding the cursor; a synchronized update's start and end.
            if (params == "?25" || params == "?2026") && (last == "h" || last == "l") {
                return;
            }
            let numbers: Vec<usize> = params
                .split(';')
                .map(|p| {
                    if p.is_empty() {
                        0
                    } else {
                        p.parse().expect("a number")
                    }
                })
                .collect();
            match last {
                "H" => {
                    self.y = numbers[0].max(1) - 1;
                    self.x = numbers.get(1).copied().unwrap_or(1).max(1) - 1;
                }
                "C" => self.x += numbers[0].max(1),
                "G" => self.x = numbers[0].max(1) - 1,
                "X" => {
                    // Erased in the background colour, as `put` would leave a space.
                    let blank = (
                        " ".to_string(),
                        Looks {
                            bg: self.pen.bg.clone(),
                            ..Looks::default()
                        },
                    );
                    let row = self.y * self.width;
                    for column in self.x..(self.x + numbers[0].max(1)).min(self.width) {
                        self.break_wide(row + column);
                        self.cells[row + column] = blank.clone();
                    }
                }
                "r" => {
                    let last = self.height() - 1;
                    self.margins = match numbers[..] {
                        [top, bottom] if top >= 1 && top < bottom && bottom <= last + 1 => {
                            (top - 1, bottom - 1)
                        }
                        [0] => (0, last),
                        _ => panic!("a scroll region off the screen: {params:?}"),
                    };
                    (self.x, self.y) = (0, 0);
                }
                "J" if params == "2" => {
                    *self = Self::new(self.width as u16, (self.cells.len() / self.width) as u16)
                }
                "m" => self.sgr(&numbers),
                _ => panic!("unexpected sequence {params:?}{last}"),
            }
        }

        fn sgr(&mut self, numbers: &[usize]) {
            let mut i = 0;
            let colour = |i: &mut usize, code: usize| -> String {
                let kind = numbers[*i + 1];
                let n = if kind == 5 { 2 } else { 4 };
                let parts: Vec<String> = numbers[*i..*i + n + 1]
                    .iter()
                    .map(usize::to_string)
                    .collect();
                *i += n;
                let _ = code;
                parts.join(";")
            };
            while i < numbers.len() {
                let m = &mut self.pen.modifier;
                match numbers[i] {
                    0 => self.pen = Looks::default(),
                    1 => *m |= Modifier::BOLD,
                    2 => *m |= Modifier::DIM,
                    3 => *m |= Modifier::ITALIC,
                    4 => *m |= Modifier::UNDERLINED,
                    5 => *m |= Modifier::SLOW_BLINK,
                    6 => *m |= Modifier::RAPID_BLINK,
                    7 => *m |= Modifier::REVERSED,
                    8 => *m |= Modifier::HIDDEN,
                    9 => *m |= Modifier::CROSSED_OUT,
                    22 => *m -= Modifier::BOLD | Modifier::DIM,
                    23 => *m -= Modifier::ITALIC,
                    24 => *m -= Modifier::UNDERLINED,
                    25 => *m -= Modifier::SLOW_BLINK | Modifier::RAPID_BLINK,
                    27 => *m -= Modifier::REVERSED,
                    28 => *m -= Modifier::HIDDEN,
                    29 => *m -= Modifier::CROSSED_OUT,
                    38 => self.pen.fg = colour(&mut i, 38),
                    39 => self.pen.fg.clear(),
                    48 => self.pen.bg = colour(&mut i, 48),
                    49 => self.pen.bg.clear(),
                    // The basic colours' short codes, kept as the palette entries they are.
                    code @ (30..=37 | 90..=97) => {
                        self.pen.fg =
                            format!("38;5;{}", (code % 10) + if code >= 90 { 8 } else { 0 });
                    }
                    code @ (40..=47 | 100..=107) => {
                        self.pen.bg =
                            format!("48;5;{}", (code % 10) + if code >= 100 { 8 } else { 0 });
                    }
                    other => panic!("unexpected SGR {other}"),
                }
                i += 1;
            }
        }

        fn put(&mut self, grapheme: &str) {
            let width = usize::from(grapheme.cell_width());
            let row = self.y * self.width;
            for column in self.x..(self.x + width.max(1)).min(self.width) {
                self.break_wide(row + column);
            }
            if self.x < self.width {
                self.cells[row + self.x] = (grapheme.to_string(), self.pen.clone());
                for covered in self.x + 1..(self.x + width).min(self.width) {
                    self.cells[row + covered] = (String::new(), self.pen.clone());
                }
            }
            self.x = (self.x + width).min(self.width.saturating_sub(1).max(self.x + width.min(1)));
        }

        /// Writing over either half of a wide character leaves its other half blank.
        fn break_wide(&mut self, at: usize) {
            let blank = (" ".to_string(), Looks::default());
            if self.cells[at].0.is_empty() && at > 0 {
                let mut left = at - 1;
                while self.cells[left].0.is_empty() && left > 0 {
                    left -= 1;
                }
                let end = left + usize::from(self.cells[left].0.cell_width()).max(1);
                for i in left..end.min(self.cells.len()) {
                    self.cells[i] = blank.clone();
                }
            } else if self.cells[at].0.cell_width() > 1 {
                let end = at + usize::from(self.cells[at].0.cell_width());
                for i in at..end.min(self.cells.len()) {
                    if i == at || self.cells[i].0.is_empty() {
                        self.cells[i] = blank.clone();
                    }
                }
            }
        }

        /// Whether the terminal shows `buffer`, leaving out skipped cells and the columns that
        /// wide characters cover.
        fn shows(&self, buffer: &Buffer) -> Result<(), String> {
            let area = buffer.area;
            let mut covered = 0;
            // Whether the previous column lies under a skipped cell: the cell itself or a
            // column its width covers.
            let mut after_skipped = false;
            let mut skipped_covers = 0;
            for (i, cell) in buffer.content.iter().enumerate() {
                let (x, y) = (
                    usize::from(area.x) + i % usize::from(area.width),
                    usize::from(area.y) + i / usize::from(area.width),
                );
                if i % usize::from(area.width) == 0 {
                    covered = 0;
                    after_skipped = false;
                    skipped_covers = 0;
                }
                let under_skipped = is_skip(cell) || skipped_covers > 0;
                skipped_covers = if is_skip(cell) {
                    usize::from(cell.cell_width()).saturating_sub(1)
                } else {
                    skipped_covers.saturating_sub(1)
                };
                let previous_skipped = std::mem::replace(&mut after_skipped, under_skipped);
                if covered > 0 {
                    covered -= 1;
                    continue;
                }
                covered = usize::from(cell.cell_width()).saturating_sub(1);
                if is_skip(cell) {
                    continue;
                }
                let (symbol, looks) = &self.cells[y * self.width + x];
                // The other half of a wide character whose first half lies under a skipped
                // cell: ratatui never sends a skipped cell or the columns it covers, so the
                // terminal keeps whatever was there whole, spilling into this column.
                if symbol.is_empty() && previous_skipped {
                    continue;
                }
                if symbol != cell.symbol() || *looks != Looks::of(cell) {
                    return Err(format!(
                        "({x}, {y}): shows {symbol:?} {looks:?}, buffer has {:?} {:?}",
                        cell.symbol(),
                        Looks::of(cell)
                    ));
                }
            }
            Ok(())
        }
    }

    /// Whether every wide character is followed by blank cells, as ratatui's diff assumes (a
    /// terminal cannot show a character in the column a wide one covers).
    fn well_formed(buffer: &Buffer) -> bool {
        let width = usize::from(buffer.area.width);
        buffer.content.iter().enumerate().all(|(i, cell)| {
            let covers = usize::from(cell.cell_width()).saturating_sub(1);
            (1..=covers).all(|k| {
                (i % width) + k >= width
                    || buffer.content.get(i + k).is_none_or(|c| c.symbol() == " ")
            })
        })
    }

    /// Buffers drawn as widgets draw them: text in any style, skipped cells. Not emoji with a
    /// variation selector: terminals disagree on their width, and ratatui's diff sends the
    /// column after them again on purpose, which a terminal of fixed widths cannot follow.
    fn drawn_frames() -> impl Strategy<Value = (Rect, Vec<Paint>, Vec<Paint>)> {
        frames().prop_map(|(area, a, b)| {
            let keep = |p: &Paint| match p {
                Paint::Text(_, _, text, ..) => !text.contains('\u{FE0F}'),
                Paint::Skip(..) => true,
                _ => false,
            };
            (
                area,
                a.into_iter().filter(keep).collect(),
                b.into_iter().filter(keep).collect(),
            )
        })
    }

    proptest! {
        #[test]
        fn changes_are_the_cells_ratatui_picks((area, before, after) in frames()) {
            let shown = buffer(area, &before);
            let next = buffer(area, &after);
            let theirs: Vec<(u16, u16, Cell)> =
                shown.diff(&next).into_iter().map(|(x, y, c)| (x, y, c.clone())).collect();
            prop_assert_eq!(ours(Some(&shown), &next), theirs);
            // A blank screen is a buffer of empty cells.
            let blank = Buffer::empty(area);
            let from_blank: Vec<(u16, u16, Cell)> =
                blank.diff(&next).into_iter().map(|(x, y, c)| (x, y, c.clone())).collect();
            prop_assert_eq!(ours(None, &next), from_blank);
        }

        #[test]
        fn the_terminal_shows_each_frame((area, before, after) in drawn_frames()) {
            let shown = buffer(area, &before);
            let next = buffer(area, &after);
            prop_assume!(well_formed(&shown) && well_formed(&next));
            let mut term = Term::new(area.right() + 2, area.bottom() + 1);
            let mut bytes = Vec::new();
            write_changes(&mut bytes, None, NextCells::of(&shown), &[], None).expect("write into memory");
            term.play(&bytes);
            prop_assert_eq!(term.shows(&shown), Ok(()), "{:?}", String::from_utf8_lossy(&bytes));
            prop_assert_eq!(&term.pen, &Looks::default(), "the style is left as it was found");
            bytes.clear();
            write_changes(&mut bytes, Some(&shown.content), NextCells::of(&next), &[], None).expect("write into memory");
            term.play(&bytes);
            prop_assert_eq!(term.shows(&next), Ok(()), "{:?}", String::from_utf8_lossy(&bytes));
            prop_assert_eq!(&term.pen, &Looks::default());
        }

        #[test]
        fn never_more_bytes_than_ratatui((area, before, after) in frames()) {
            let shown = buffer(area, &before);
            let next = buffer(area, &after);
            let mut mine = Vec::new();
            write_changes(&mut mine, Some(&shown.content), NextCells::of(&next), &[], None).expect("write into memory");
            let mut theirs = Vec::new();
            CrosstermBackend::new(&mut theirs)
                .draw(shown.diff(&next).into_iter())
                .expect("draw into memory");
            prop_assert!(mine.len() <= theirs.len(), "{} > {}", mine.len(), theirs.len());
        }

        #[test]
        fn a_scroll_moves_rows_and_the_rest_is_sent((area, shown, shift, next) in scrolled_frames()) {
            // The cells sent are those ratatui's diff picks against the screen once scrolled.
            let mut sent = Vec::new();
            for_each_change(Some(&shown.content), NextCells::of(&next), &[], Some(shift), |x, y, cell| {
                sent.push((x, y, cell.clone()));
                Ok::<_, ()>(())
            })
            .expect("collecting cannot fail");
            let theirs: Vec<(u16, u16, Cell)> = moved(&shown, shift)
                .diff(&next)
                .into_iter()
                .map(|(x, y, c)| (x, y, c.clone()))
                .collect();
            prop_assert_eq!(sent, theirs);
            // And a terminal that plays the scroll and those cells shows the frame.
            let mut term = Term::new(area.right() + 2, area.bottom() + 1);
            let mut bytes = Vec::new();
            write_changes(&mut bytes, None, NextCells::of(&shown), &[], None).expect("write into memory");
            term.play(&bytes);
            bytes.clear();
            shift.write(&mut bytes).expect("write into memory");
            write_changes(&mut bytes, Some(&shown.content), NextCells::of(&next), &[], Some(shift))
                .expect("write into memory");
            term.play(&bytes);
            prop_assert_eq!(term.shows(&next), Ok(()), "{:?}", String::from_utf8_lossy(&bytes));
            prop_assert_eq!(term.margins, (0, term.height() - 1), "the region is reset");
            prop_assert_eq!(&term.pen, &Looks::default());
        }

        #[test]
        fn same_cell_is_cell_equality(a in frames(), b in frames()) {
            let x = buffer(a.0, &a.1);
            let y = buffer(b.0, &b.2);
            for (p, q) in x.content.iter().zip(&y.content) {
                prop_assert_eq!(same_cell(p, q), p == q);
                prop_assert_eq!(same_cell(p, p), true);
                prop_assert_eq!(cell_width(p), usize::from(p.cell_width()));
            }
        }
    }

    #[test]
    fn a_screen_sends_only_what_changed_and_handles_the_cursor() {
        let area = Rect::new(0, 0, 20, 3);
        let mut screen = Screen::new(Vec::new(), area);
        screen
            .draw(|c| c.render_widget("first_line", Rect::new(0, 0, 20, 1)))
            .expect("draw");
        let first = String::from_utf8(std::mem::take(screen.writer_mut())).expect("utf-8");
        assert!(first.starts_with("\x1b[1Hfirst_line"), "{first:?}");
        assert!(
            first.ends_with("\x1b[?25l"),
            "cursor hidden once: {first:?}"
        );
        // The buffer for the second frame, made ahead of it, starts blank like any other.
        screen.prepare_next();

        screen
            .draw(|c| {
                c.render_widget("first_lime", Rect::new(0, 0, 20, 1));
                c.set_cursor_position((3, 2));
            })
            .expect("draw");
        let second = String::from_utf8(std::mem::take(screen.writer_mut())).expect("utf-8");
        assert!(
            second.starts_with("\x1b[1;9Hm"),
            "only the changed cell: {second:?}"
        );
        assert!(!second.contains("first"), "{second:?}");
        assert!(second.ends_with("\x1b[?25h\x1b[3;4H"), "{second:?}");
        assert_eq!(
            screen.shown().map(|b| b[(8, 0)].symbol().to_string()),
            Some("m".to_string())
        );

        // A third frame reuses the first buffer, which must start blank.
        screen
            .draw(|c| c.render_widget("x", Rect::new(0, 1, 1, 1)))
            .expect("draw");
        let third = String::from_utf8(std::mem::take(screen.writer_mut())).expect("utf-8");
        // The old text erased in place (shorter than its ten spaces), then down a row.
        assert!(
            third.starts_with("\x1b[1H\x1b[10X\n\rx"),
            "old text cleared: {third:?}"
        );
        assert!(third.ends_with("\x1b[?25l"), "{third:?}");

        screen.resize(Rect::new(0, 0, 10, 2)).expect("resize");
        let cleared = String::from_utf8(std::mem::take(screen.writer_mut())).expect("utf-8");
        assert_eq!(cleared, "\x1b[2J");
        screen
            .draw(|c| c.render_widget("x", Rect::new(0, 1, 1, 1)))
            .expect("draw");
        let redrawn = String::from_utf8(std::mem::take(screen.writer_mut())).expect("utf-8");
        assert!(
            redrawn.starts_with("\x1b[2Hx"),
            "drawn again in full: {redrawn:?}"
        );
        assert_eq!(screen.area(), Rect::new(0, 0, 10, 2));
    }

    /// The reader's own frames, from a session of browsing, searching, the help and the
    /// picker, at two sizes: after each, the model terminal shows what the screen drew.
    #[test]
    fn the_terminal_shows_every_frame_of_a_session() {
        use crate::tui::action::Action;
        use crate::tui::app::{State, update};
        use crate::tui::view;
        let library = std::sync::Arc::new(crate::Library::embedded().expect("embedded issue"));
        let mut state = State::new(library);
        let mut actions = vec![Action::Resize(150, 40)];
        actions.extend([
            Action::Down,
            Action::PageDown,
            Action::FocusNext,
            Action::Down,
        ]);
        actions.extend([Action::Open, Action::MentionNext, Action::Search]);
        actions.extend("the".chars().map(Action::Insert));
        actions.extend([
            Action::Open,
            Action::SearchNext,
            Action::Help,
            Action::PageDown,
        ]);
        actions.extend([Action::Cancel, Action::EntityPicker, Action::Insert('a')]);
        actions.extend([
            Action::Down,
            Action::Open,
            Action::Back,
            Action::Resize(90, 24),
        ]);
        actions.extend([
            Action::FocusPrev,
            Action::Bottom,
            Action::Top,
            Action::WiderText,
        ]);
        // The text alone, scrolled on the terminal: a line, a page, back, to a search match.
        actions.extend([Action::Resize(150, 40), Action::Zoom, Action::Down]);
        actions.extend([Action::Down, Action::PageDown, Action::HalfPageUp]);
        actions.extend([Action::Up, Action::SearchNext, Action::Down, Action::Zoom]);
        let mut screen = Screen::new(Vec::new(), Rect::new(0, 0, 150, 40));
        let mut term = Term::new(150, 40);
        let mut scrolls = 0;
        for action in actions {
            update(&mut state, action);
            let (w, h) = state.size;
            if screen.area().width != w || screen.area().height != h {
                screen.resize(Rect::new(0, 0, w, h)).expect("resize");
            }
            screen.draw(|c| view::draw(c, &state)).expect("draw");
            let bytes = std::mem::take(screen.writer_mut());
            scrolls += usize::from(bytes.starts_with(b"\x1b[2;38r"));
            term.play(&bytes);
            let shown = screen.shown().expect("a frame was drawn");
            assert_eq!(term.shows(shown), Ok(()), "after {:?}", state.focus);
        }
        assert!(scrolls >= 5, "{scrolls} frames scrolled the text");
    }

    #[test]
    fn the_sixteen_basic_colours_are_written_in_their_short_codes() {
        let area = Rect::new(0, 0, 4, 1);
        let mut next = Buffer::empty(area);
        next.set_string(
            0,
            0,
            "a",
            Style::new().fg(Color::LightBlue).bg(Color::Indexed(3)),
        );
        next.set_string(
            1,
            0,
            "b",
            Style::new().fg(Color::Indexed(200)).bg(Color::Black),
        );
        next.set_string(
            2,
            0,
            "c",
            Style::new().fg(Color::Gray).bg(Color::Rgb(1, 2, 3)),
        );
        let mut bytes = Vec::new();
        write_changes(&mut bytes, None, NextCells::of(&next), &[], None)
            .expect("write into memory");
        assert_eq!(
            String::from_utf8(bytes).expect("UTF-8"),
            "\x1b[1H\x1b[94;43ma\x1b[38;5;200;40mb\x1b[37;48;2;1;2;3mc\x1b[0m"
        );
    }

    /// Keys read in one burst are drawn in one frame: a scroll together with a search typed
    /// or cleared, or the mention cursor moved. The rows the scroll moved beside the other
    /// panes must show the new highlights, not be copied as they were.
    #[test]
    fn rows_moved_beside_other_panes_show_highlights_that_changed_with_the_scroll() {
        use crate::tui::action::Action;
        use crate::tui::app::{Pane, State, update};
        use crate::tui::view;
        let library = std::sync::Arc::new(crate::Library::embedded().expect("embedded issue"));
        let mut state = State::new(library);
        update(&mut state, Action::Resize(200, 60));
        while state.focus != Pane::Body {
            update(&mut state, Action::FocusNext);
        }
        let mut screen = Screen::new(Vec::new(), Rect::new(0, 0, 200, 60));
        let typed = "the".chars().map(Action::Insert);
        let bursts: Vec<Vec<Action>> = vec![
            vec![Action::Down],
            [Action::Down, Action::Search]
                .into_iter()
                .chain(typed)
                .collect(),
            vec![Action::Cancel, Action::Down],
            vec![Action::Down],
            vec![Action::MentionNext, Action::Down],
            vec![Action::Up, Action::Cancel],
        ];
        for burst in bursts {
            let before = state.top_row(&state.wrapped());
            for action in &burst {
                update(&mut state, action.clone());
            }
            screen.draw(|c| view::draw(c, &state)).expect("draw");
            let mut whole = Buffer::empty(screen.area());
            view::draw(&mut Canvas::new(&mut whole), &state);
            let shown = screen.shown().expect("a frame was drawn");
            assert!(shown == &whole, "after {burst:?}");
            assert_ne!(state.top_row(&state.wrapped()), before, "{burst:?} scrolls");
        }
    }

    /// Every line of the issue scrolled a line at a time beside the other panes, at 200×60,
    /// on a screen that always rewrites the column: it is sent again whole each time, some
    /// 4 kB, of which the moves and blanks are kept small: a line feed and the column to reach
    /// each next row, and blanks where text was erased rather than written. The model
    /// terminal shows every frame.
    #[test]
    fn a_column_scrolled_beside_other_panes_is_sent_in_few_bytes() {
        use crate::tui::action::Action;
        use crate::tui::app::{Pane, State, update};
        use crate::tui::view;
        let library = std::sync::Arc::new(crate::Library::embedded().expect("embedded issue"));
        let articles = library.issue.articles.len();
        let mut state = State::new(library);
        update(&mut state, Action::Resize(200, 60));
        while state.focus != Pane::Body {
            update(&mut state, Action::FocusNext);
        }
        let mut screen = Screen::new(Vec::new(), Rect::new(0, 0, 200, 60));
        screen.scroll_whole_rows = false;
        let mut term = Term::new(200, 60);
        let mut draw = |state: &State| {
            screen.draw(|c| view::draw(c, state)).expect("draw");
            let bytes = std::mem::take(screen.writer_mut());
            term.play(&bytes);
            let shown = screen.shown().expect("a frame was drawn");
            assert_eq!(term.shows(shown), Ok(()));
            bytes
        };
        draw(&state);
        let top = |state: &State| (state.article, state.top_row(&state.wrapped()));
        let (mut scrolls, mut article) = (0, 0);
        while article < articles {
            let before = top(&state);
            update(&mut state, Action::Down);
            let bytes = draw(&state);
            if top(&state) == before {
                // The end of the article: on to the next.
                article += 1;
                update(&mut state, Action::PageDown);
                draw(&state);
                continue;
            }
            scrolls += 1;
            let text = String::from_utf8(bytes).expect("UTF-8");
            // Absolute moves: to the first row sent, the list, the status bar; not one a row.
            let absolute = text.matches('H').count();
            assert!(absolute <= 8, "{absolute} absolute moves: {text:?}");
            assert!(
                text.matches("\n\x1b[").count() >= 40,
                "rows reached by line feeds: {text:?}"
            );
            assert!(
                !text.contains(&" ".repeat(12)),
                "blanks sent as spaces: {text:?}"
            );
        }
        assert!(scrolls > 20, "{scrolls} scrolls");
    }

    /// A text column scrolled beside a pane on its left, on a screen that may scroll whole
    /// rows and on one that always rewrites the column, with the model terminal checking
    /// both: each frame's bytes from either.
    fn beside_a_pane(side: impl Fn(u16) -> String) -> Vec<(String, String)> {
        use ratatui::style::Style;
        let area = Rect::new(0, 0, 30, 8);
        let mut screens = [Screen::new(Vec::new(), area), Screen::new(Vec::new(), area)];
        screens[1].scroll_whole_rows = false;
        let mut terms = [Term::new(30, 8), Term::new(30, 8)];
        let mut sent = Vec::new();
        for first in [0, 1, 2, 1, 4, 3] {
            let mut bytes = screens.each_mut().map(|screen| {
                screen
                    .draw(|canvas| {
                        let buffer = canvas.buffer_mut();
                        buffer.set_string(0, 0, "title", Style::default());
                        for y in 1..7 {
                            buffer.set_string(0, y, side(y), Style::default());
                            let text = letter_row(first + usize::from(y - 1));
                            buffer.set_string(20, y, text, Style::default());
                        }
                        buffer.set_string(0, 7, format!("at {first}"), Style::default());
                        canvas.show_scrolled(ScrolledRows {
                            top: 1,
                            height: 6,
                            text: 1,
                            first,
                            left: 20,
                            width: 10,
                            looks: 0,
                        });
                    })
                    .expect("draw");
                String::from_utf8(std::mem::take(screen.writer_mut())).expect("UTF-8")
            });
            for ((screen, term), bytes) in screens.iter().zip(&mut terms).zip(&bytes) {
                term.play(bytes.as_bytes());
                assert_eq!(term.shows(screen.shown().expect("drawn")), Ok(()));
            }
            let [whole, column] = std::mem::take(&mut bytes);
            sent.push((whole, column));
        }
        sent
    }

    /// Beside a pane whose rows are all alike, a scroll of the text column is sent as a
    /// scroll of whole rows, in one synchronized update, with only the rows that moved in
    /// written, the pane's part of them too: fewer bytes than the column.
    #[test]
    fn a_column_beside_a_sparse_pane_scrolls_whole_rows() {
        let sent = beside_a_pane(|_| format!("{:<19}|", "·"));
        let moved_in = [1, 1, 1, 3, 1];
        for (i, ((whole, column), moved_in)) in sent.iter().skip(1).zip(moved_in).enumerate() {
            assert!(
                whole.starts_with("\x1b[?2026h\x1b[2;7r"),
                "frame {i}: {whole:?}"
            );
            assert!(whole.contains("\x1b[?2026l"), "frame {i}: {whole:?}");
            assert_eq!(whole.matches('·').count(), moved_in, "frame {i}: {whole:?}");
            assert!(
                whole.len() < column.len(),
                "frame {i}: {whole:?} {column:?}"
            );
        }
        let (down, _) = &sent[1];
        assert!(down.contains("gggg") && !down.contains("ffff"), "{down:?}");
        let (three_down, _) = &sent[4];
        assert!(three_down.contains("\n\n\n"), "{three_down:?}");
        for (row, sent) in [
            ("eeee", false),
            ("gggg", false),
            ("hhhh", true),
            ("jjjj", true),
        ] {
            assert_eq!(three_down.contains(row), sent, "{row}: {three_down:?}");
        }
    }

    /// Beside a wider pane whose rows all differ, rewriting the column takes fewer bytes than
    /// writing the pane back after a scroll of whole rows, and is what is sent.
    #[test]
    fn a_column_beside_a_dense_pane_is_rewritten() {
        let sent = beside_a_pane(|y| {
            let letter = char::from(b'A' + (y % 26) as u8);
            format!("{}|", letter.to_string().repeat(19))
        });
        for (i, (whole, column)) in sent.iter().enumerate() {
            assert_eq!(whole, column, "frame {i}");
            assert!(!whole.contains("2026"), "frame {i}: {whole:?}");
        }
        let (down, _) = &sent[1];
        assert!(down.contains("gggg") && down.contains("bbbb"), "{down:?}");
    }

    /// Reading the issue beside the other panes at 200×60, a line at a time: where the
    /// article list is short, most scrolls are sent as scrolls of whole rows, in less than
    /// half the bytes of the column, and no frame in more bytes than the column takes. The
    /// model terminal shows every frame.
    #[test]
    fn reading_beside_a_short_list_scrolls_whole_rows_in_fewer_bytes() {
        use crate::tui::action::Action;
        use crate::tui::app::update;
        let (mut state, mut screen, mut term) = reading_beside_panes(200, 60);
        let (mut column, mut column_term) =
            (Screen::new(Vec::new(), screen.area()), Term::new(200, 60));
        column.scroll_whole_rows = false;
        let (mut whole_rows, mut halved, mut lines) = (0, 0, 0);
        let steps = std::iter::repeat_n(Action::Down, 50)
            .chain(std::iter::repeat_n(Action::Up, 10))
            .chain([Action::PageDown])
            .chain(std::iter::repeat_n(Action::Down, 30));
        for action in std::iter::once(Action::Top).chain(steps) {
            let line = matches!(action, Action::Down | Action::Up);
            update(&mut state, action);
            let sent = draw_and_check(&state, &mut screen, &mut term);
            let rewritten = draw_and_check(&state, &mut column, &mut column_term);
            assert!(sent.len() <= rewritten.len(), "{sent:?}");
            if line && rewritten.len() > 1000 {
                lines += 1;
                whole_rows += usize::from(sent.starts_with("\x1b[?2026h"));
                halved += usize::from(2 * sent.len() < rewritten.len());
            }
        }
        assert!(lines > 30, "{lines} scrolls");
        assert!(
            whole_rows * 10 >= lines * 9,
            "{whole_rows} of {lines} as whole rows"
        );
        assert!(
            halved * 10 >= lines * 9,
            "{halved} of {lines} in half the bytes"
        );
        // Reading on, the other panes' rows make the same changes at every scroll: one kept
        // for each row since the last article was opened.
        let kept = screen.whole_row_changes.changes.len();
        assert!((50..=4 * 60).contains(&kept), "{kept} rows' changes kept");
    }

    /// The changes of rows scrolled whole are kept only while the panes beside the column
    /// cover every other cell of the scrolling rows and are drawn from the inputs the screen
    /// shows them from.
    #[test]
    fn rows_scrolled_whole_are_kept_only_beside_panes_that_cover_them_unchanged() {
        let pane = |x: u16, width: u16, input: u64| PaneDrawing {
            area: Rect::new(x, 1, width, 6),
            inputs: vec![input],
            alike_rows: false,
        };
        let area = Rect::new(0, 0, 30, 8);
        let moved = Moved {
            shift: Shift {
                top: 1,
                height: 6,
                by: 1,
            },
            rows: (1, 6),
            left: 10,
            right: 20,
        };
        let left = pane(0, 10, 1);
        let right = pane(20, 10, 2);
        let shown = [left.clone(), right.clone()];
        let beside = Beside::of(area, &shown, &shown, moved).expect("covered, unchanged");
        assert_eq!(beside.panes, shown);
        let changed = [left.clone(), pane(20, 10, 3)];
        assert_eq!(Beside::of(area, &changed, &shown, moved), None);
        let gap = [left.clone(), pane(21, 9, 2)];
        assert_eq!(Beside::of(area, &gap, &gap, moved), None);
        let short = [
            left,
            PaneDrawing {
                area: Rect::new(20, 1, 10, 5),
                ..right
            },
        ];
        assert_eq!(Beside::of(area, &short, &short, moved), None);
    }

    /// A screen and the model terminal it draws on, with the text pane focused beside the
    /// other panes, for tests of rows moved there.
    fn reading_beside_panes(
        width: u16,
        height: u16,
    ) -> (crate::tui::app::State, Screen<Vec<u8>>, Term) {
        use crate::tui::action::Action;
        use crate::tui::app::{Pane, State, update};
        let library = std::sync::Arc::new(crate::Library::embedded().expect("embedded issue"));
        let mut state = State::new(library);
        update(&mut state, Action::Resize(width, height));
        while state.focus != Pane::Body {
            update(&mut state, Action::FocusNext);
        }
        let screen = Screen::new(Vec::new(), Rect::new(0, 0, width, height));
        (state, screen, Term::new(width, height))
    }

    /// Draws a frame and checks that the model terminal shows it; returns its bytes.
    fn draw_and_check(
        state: &crate::tui::app::State,
        screen: &mut Screen<Vec<u8>>,
        term: &mut Term,
    ) -> String {
        screen
            .draw(|c| crate::tui::view::draw(c, state))
            .expect("draw");
        let bytes = std::mem::take(screen.writer_mut());
        term.play(&bytes);
        let shown = screen.shown().expect("a frame was drawn");
        assert_eq!(term.shows(shown), Ok(()));
        String::from_utf8(bytes).expect("UTF-8")
    }

    /// Row changes kept from earlier frames are written again only for the text, looks and
    /// place they were made in: after a search highlights the text, a scroll over rows whose
    /// changes were kept without highlights sends the highlights; a search cleared, the
    /// changes kept before it serve again.
    #[test]
    fn kept_row_changes_follow_the_looks_they_were_made_in() {
        use crate::tui::action::Action;
        use crate::tui::app::{State, update};
        let (mut state, mut screen, mut term) = reading_beside_panes(200, 60);
        draw_and_check(&state, &mut screen, &mut term);
        let mut scroll = |state: &mut State, screen: &mut Screen<Vec<u8>>, action: Action| {
            update(state, action);
            draw_and_check(state, screen, &mut term)
        };
        for action in [Action::Down, Action::Down, Action::Up, Action::Up] {
            scroll(&mut state, &mut screen, action);
        }
        let kept = screen.row_changes.changes.len();
        assert!(kept >= 100, "both ways kept: {kept}");
        update(&mut state, Action::Search);
        for ch in "the".chars() {
            update(&mut state, Action::Insert(ch));
        }
        scroll(&mut state, &mut screen, Action::Open);
        let highlighted = scroll(&mut state, &mut screen, Action::Down);
        assert!(
            screen.row_changes.changes.len() < kept,
            "changes kept for other looks are forgotten"
        );
        update(&mut state, Action::Cancel);
        scroll(&mut state, &mut screen, Action::Up);
        // Back in the first looks, the scroll made first is sent again, without highlights.
        let plain = scroll(&mut state, &mut screen, Action::Down);
        assert_ne!(highlighted, plain);
        assert!(
            plain.len() > 1000,
            "the column is sent: {} bytes",
            plain.len()
        );
    }

    /// A frame whose moved rows are written from kept row changes is sent in the very bytes
    /// of one whose cells are all compared anew: reading on through the issue a line at a
    /// time, back and forth, and with search matches highlighted.
    #[test]
    fn kept_row_changes_send_the_bytes_of_cells_compared_anew() {
        use crate::tui::action::Action;
        use crate::tui::app::update;
        let (mut state, mut screen, mut term) = reading_beside_panes(200, 60);
        let mut anew = Screen::new(Vec::new(), screen.area());
        anew.keep_row_changes = false;
        let articles = state.library.issue.articles.len();
        let mut steps = Vec::new();
        for article in 0..articles {
            steps.extend(std::iter::repeat_n(Action::Down, 40));
            steps.extend([Action::Up, Action::Down, Action::Down, Action::Up]);
            if article == 1 {
                steps.push(Action::Search);
                steps.extend("the".chars().map(Action::Insert));
                steps.push(Action::Open);
                steps.extend(std::iter::repeat_n(Action::Down, 5));
                steps.push(Action::MentionNext);
                steps.extend([Action::Down, Action::Up, Action::Down]);
            }
            steps.push(Action::PageDown);
        }
        let mut spliced = 0;
        for action in steps {
            update(&mut state, action.clone());
            let kept_before = screen.row_changes.changes.len();
            let bytes = draw_and_check(&state, &mut screen, &mut term);
            anew.draw(|c| crate::tui::view::draw(c, &state))
                .expect("draw");
            let expected = String::from_utf8(std::mem::take(anew.writer_mut())).expect("UTF-8");
            assert_eq!(bytes, expected, "after {action:?}");
            if kept_before > 0 && screen.row_changes.changes.len() <= kept_before + 1 {
                spliced += 1;
            }
        }
        assert!(spliced > 100, "{spliced} frames mostly from kept changes");
    }

    /// Actions of a reading session in the text pane: mostly a line or a few at a time, back
    /// and forth, with what changes the text's looks, its width, the article or the library
    /// now and then.
    fn reading_action() -> impl Strategy<Value = crate::tui::action::Action> {
        use crate::tui::action::Action;
        let libraries = session_libraries();
        let swap = prop::sample::select(vec![0usize, 1, 2]).prop_map(move |i| {
            Action::LibraryUpdated(crate::tui::action::LibraryHandle(libraries[i].clone()))
        });
        prop_oneof![
            12 => prop::sample::select(vec![Action::Down, Action::Up]),
            2 => prop::sample::select(vec![Action::HalfPageDown, Action::HalfPageUp]),
            1 => swap,
            2 => prop::sample::select(vec![
                Action::MentionNext,
                Action::MentionPrev,
                Action::SearchNext,
                Action::WiderText,
                Action::NarrowerText,
                Action::PageDown,
                Action::Top,
                Action::Search,
                Action::Insert('e'),
                Action::Open,
                Action::Cancel,
            ]),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// However the reading goes, a screen that writes moved rows from kept changes sends
        /// the very bytes of one that compares every cell anew, no frame takes more bytes than
        /// on a screen that always rewrites the column beside other panes rather than scroll
        /// whole rows, and the terminal shows every frame of both.
        #[test]
        fn kept_row_changes_send_what_comparing_anew_sends(
            size in (120u16..220, 8u16..60),
            actions in proptest::collection::vec(reading_action(), 1..80),
        ) {
            use crate::tui::app::update;
            let (mut state, mut screen, mut term) = reading_beside_panes(size.0, size.1);
            let mut anew = Screen::new(Vec::new(), screen.area());
            anew.keep_row_changes = false;
            let mut column = Screen::new(Vec::new(), screen.area());
            column.scroll_whole_rows = false;
            let mut column_term = Term::new(size.0, size.1);
            for action in actions {
                update(&mut state, action.clone());
                let bytes = draw_and_check(&state, &mut screen, &mut term);
                anew.draw(|c| crate::tui::view::draw(c, &state)).expect("draw");
                let expected = String::from_utf8(std::mem::take(anew.writer_mut())).expect("UTF-8");
                prop_assert_eq!(&bytes, &expected, "after {:?}", action);
                let rewritten = draw_and_check(&state, &mut column, &mut column_term);
                prop_assert!(bytes.len() <= rewritten.len(), "after {:?}: {:?}", action, bytes);
            }
        }
    }

    /// Actions that scroll the text alone or change how its rows look.
    fn scroll_or_mark() -> impl Strategy<Value = Vec<crate::tui::action::Action>> {
        use crate::tui::action::Action;
        let search = |query: &str| {
            let mut actions = vec![Action::Search];
            actions.extend(query.chars().map(Action::Insert));
            actions.push(Action::Open);
            actions
        };
        prop_oneof![
            4 => Just(vec![Action::Down]),
            2 => Just(vec![Action::Up]),
            2 => Just(vec![Action::MentionNext]),
            1 => Just(vec![Action::MentionPrev]),
            1 => Just(vec![Action::SearchNext]),
            1 => Just(search("the")),
            1 => Just(search("aid")),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The text alone, scrolled in the same frame as its rows' looks change (a search,
        /// the match jumped to, the mention cursor, in a burst of keys), ends every frame
        /// showing what a frame drawn whole shows, on the model terminal too.
        #[test]
        fn the_text_alone_scrolled_in_bursts_looks_as_if_drawn_whole(
            bursts in proptest::collection::vec(
                proptest::collection::vec(scroll_or_mark(), 1..4), 1..24),
        ) {
            use crate::tui::action::Action;
            use crate::tui::app::update;
            let (mut state, mut screen, mut term) = reading_beside_panes(120, 30);
            update(&mut state, Action::Zoom);
            draw_and_check(&state, &mut screen, &mut term);
            for burst in bursts {
                for action in burst.iter().flatten() {
                    update(&mut state, action.clone());
                }
                draw_and_check(&state, &mut screen, &mut term);
                let mut whole = Buffer::empty(screen.area());
                crate::tui::view::draw(&mut Canvas::new(&mut whole), &state);
                prop_assert!(screen.shown() == Some(&whole), "after {:?}", burst);
            }
        }
    }

    /// What a reader does: mostly reading on and back, the keys drawn ahead, between bursts
    /// that scroll and mark, moves between panes and the text alone.
    fn reading() -> impl Strategy<Value = Vec<crate::tui::action::Action>> {
        use crate::tui::action::Action;
        prop_oneof![
            6 => Just(vec![Action::Down]),
            3 => Just(vec![Action::Up]),
            2 => Just(vec![Action::PageDown]),
            1 => Just(vec![Action::PageUp]),
            1 => Just(vec![Action::Down, Action::Down]),
            2 => scroll_or_mark(),
            1 => Just(vec![Action::FocusNext]),
            1 => Just(vec![Action::Zoom]),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Keys answered with frames drawn ahead send, frame by frame, the bytes a screen
        /// that draws after every key sends, and the model terminal shows every frame.
        #[test]
        fn keys_answered_from_frames_drawn_ahead_send_what_drawing_sends(
            keys in proptest::collection::vec(reading(), 1..40),
        ) {
            use crate::tui::app::update;
            use crate::tui::foresight::{Foresight, LIKELY};
            let (mut state, mut screen, mut term) = reading_beside_panes(100, 24);
            let (mut plain, mut plain_screen, _) = reading_beside_panes(100, 24);
            draw_and_check(&state, &mut screen, &mut term);
            draw_and_check(&plain, &mut plain_screen, &mut Term::new(100, 24));
            for actions in keys {
                let mut ahead = Foresight::look_ahead(&state, &mut screen, &LIKELY, || false);
                for action in &actions {
                    update(&mut plain, action.clone());
                }
                plain_screen.draw(|c| crate::tui::view::draw(c, &plain)).expect("draw");
                let expected = std::mem::take(plain_screen.writer_mut());
                let answered = match actions.as_slice() {
                    [action] => ahead
                        .answer(action, &mut state, &mut screen, || Ok(()))
                        .expect("answer"),
                    _ => false,
                };
                if !answered {
                    for action in &actions {
                        update(&mut state, action.clone());
                    }
                    screen.draw(|c| crate::tui::view::draw(c, &state)).expect("draw");
                }
                let sent = std::mem::take(screen.writer_mut());
                prop_assert_eq!(
                    String::from_utf8_lossy(&sent),
                    String::from_utf8_lossy(&expected),
                    "{:?}, answered from ahead: {}", actions, answered
                );
                term.play(&sent);
                let shown = screen.shown().expect("a frame was drawn");
                prop_assert_eq!(term.shows(shown), Ok(()));
                prop_assert!(plain_screen.shown() == Some(shown));
            }
        }
    }

    /// Reading on a line at a time through an article on a short screen keeps no more than a
    /// few screens' worth of row changes, and the terminal shows every frame.
    #[test]
    fn kept_row_changes_stay_few_on_a_long_read() {
        use crate::tui::action::Action;
        use crate::tui::app::update;
        let (mut state, mut screen, mut term) = reading_beside_panes(200, 14);
        draw_and_check(&state, &mut screen, &mut term);
        let height = 12;
        let mut most = 0;
        for _ in 0..150 {
            update(&mut state, Action::Down);
            draw_and_check(&state, &mut screen, &mut term);
            most = most.max(screen.row_changes.changes.len());
        }
        assert!(
            state.top_row(&state.wrapped()) > 4 * height,
            "read far enough"
        );
        assert!(most > 2 * height, "changes were kept: {most}");
        assert!(most <= 4 * height + 1, "{most} changes kept");
    }

    /// Row `i` of a text whose rows are each one letter, so rows moved one place differ in
    /// every cell.
    fn letter_row(i: usize) -> String {
        char::from(b'a' + (i % 26) as u8).to_string().repeat(10)
    }

    /// Rows named as a scrolling text are moved with a scroll region when the text moves in
    /// them, and only the rows that move in are sent; a text that is not the same, rows that
    /// are not the same or a move of them all is drawn as any other frame.
    #[test]
    fn scrolled_rows_are_moved_not_sent_again() {
        use ratatui::style::Style;
        let area = Rect::new(0, 0, 12, 8);
        let mut screen = Screen::new(Vec::new(), area);
        let mut term = Term::new(12, 8);
        let mut frame = |text: u64, top: u16, first: usize, named: bool| {
            screen
                .draw(|canvas| {
                    let buffer = canvas.buffer_mut();
                    buffer.set_string(0, 0, "title", Style::default());
                    for y in top..7 {
                        let line = format!("|{}|", letter_row(first + usize::from(y - top)));
                        buffer.set_string(0, y, line, Style::default());
                    }
                    buffer.set_string(0, 7, format!("at {first}"), Style::default());
                    if named {
                        canvas.show_scrolled(ScrolledRows {
                            top,
                            height: 7 - top,
                            text,
                            first,
                            left: 0,
                            width: 12,
                            looks: 0,
                        });
                    }
                })
                .expect("draw");
            let bytes = std::mem::take(screen.writer_mut());
            term.play(&bytes);
            assert_eq!(term.shows(screen.shown().expect("drawn")), Ok(()));
            String::from_utf8(bytes).expect("utf-8")
        };
        frame(1, 1, 0, true);
        let down = frame(1, 1, 1, true);
        assert!(down.starts_with("\x1b[2;7r\x1b[7H\n\x1b[r"), "{down:?}");
        assert!(down.contains("gggg") && !down.contains("ffff"), "{down:?}");
        let three_up = frame(1, 1, 4, true);
        assert!(
            three_up.starts_with("\x1b[2;7r\x1b[7H\n\n\n\x1b[r"),
            "{three_up:?}"
        );
        assert!(
            three_up.contains("\x1b[5H|hhhhhhhhhh|\x1b[6H|iiiiiiiiii|\x1b[7H|jjjj"),
            "the three rows that moved in: {three_up:?}"
        );
        assert!(!three_up.contains("gggg"), "{three_up:?}");
        let back = frame(1, 1, 2, true);
        assert!(
            back.starts_with("\x1b[2;7r\x1b[2H\x1bM\x1bM\x1b[r"),
            "{back:?}"
        );
        assert!(back.contains("cccc") && back.contains("dddd"), "{back:?}");
        assert!(!back.contains("eeee"), "{back:?}");
        for (what, bytes) in [
            ("another text", frame(2, 1, 3, true)),
            ("not named", frame(2, 1, 4, false)),
            ("named again after a frame without", frame(2, 1, 5, true)),
            ("other rows", frame(2, 2, 9, true)),
            ("all of them moved", frame(2, 2, 20, true)),
        ] {
            assert!(!bytes.contains('r'), "{what}: {bytes:?}");
            assert!(bytes.len() > 50, "{what}: every row sent: {bytes:?}");
        }
    }

    /// A writer that keeps what each flush sent, as the terminal receives it.
    #[derive(Default)]
    struct Flushes {
        pending: Vec<u8>,
        sent: Vec<Vec<u8>>,
    }

    impl Write for Flushes {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.pending.extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            if !self.pending.is_empty() {
                self.sent.push(std::mem::take(&mut self.pending));
            }
            Ok(())
        }
    }

    /// Rows a scroll brings along may be left undrawn: the scroll and the rest of the frame
    /// go out in one write, before the frame is drawn whole; a row that then differs from what
    /// the scroll left there is sent in a second write, and mended again if it moves later.
    #[test]
    fn rows_a_scroll_brings_along_are_sent_after_the_rest() {
        let area = Rect::new(0, 0, 12, 8);
        let mut screen = Screen::new(Flushes::default(), area);
        let mut term = Term::new(12, 8);
        // `wrong`: a screen row the view draws otherwise when it draws the frame whole, as a
        // view whose word about its rows was wrong would.
        let mut frame = |first: usize, wrong: Option<u16>| {
            let mut answers = Vec::new();
            screen
                .draw(|canvas| {
                    let undrawn = canvas.show_scrolled(ScrolledRows {
                        top: 1,
                        height: 6,
                        text: 1,
                        first,
                        left: 0,
                        width: 12,
                        looks: 0,
                    });
                    answers.push(undrawn.clone());
                    let whole = answers.len() > 1;
                    let buffer = canvas.buffer_mut();
                    buffer.set_string(0, 0, "title", Style::default());
                    for y in (1..7).filter(|y| !undrawn.contains(y)) {
                        let text = match wrong {
                            Some(at) if at == y && whole => "X".repeat(10),
                            _ => letter_row(first + usize::from(y - 1)),
                        };
                        buffer.set_string(0, y, format!("|{text}|"), Style::default());
                    }
                    buffer.set_string(0, 7, format!("at {first}"), Style::default());
                })
                .expect("draw");
            let sent: Vec<String> = std::mem::take(&mut screen.writer_mut().sent)
                .into_iter()
                .map(|bytes| {
                    term.play(&bytes);
                    String::from_utf8(bytes).expect("utf-8")
                })
                .collect();
            assert_eq!(term.shows(screen.shown().expect("drawn")), Ok(()));
            (answers, sent)
        };
        let (answers, sent) = frame(0, None);
        assert_eq!(answers.len(), 1, "a first frame is drawn once");
        assert!(answers[0].is_empty(), "and whole");
        assert_eq!(sent.len(), 1);

        let (answers, sent) = frame(1, None);
        assert_eq!(answers, [1..6, 0..0], "drawn leaving five rows, then whole");
        assert_eq!(sent.len(), 1, "nothing to mend: {sent:?}");
        assert!(sent[0].starts_with("\x1b[2;7r\x1b[7H\n\x1b[r"), "{sent:?}");
        assert!(sent[0].contains("|gggggggggg|"), "{sent:?}");
        assert!(
            !sent[0].contains("bbbb") && !sent[0].contains("ffff"),
            "{sent:?}"
        );

        let (answers, sent) = frame(2, Some(3));
        assert_eq!(answers, [1..6, 0..0]);
        assert_eq!(sent.len(), 2, "the wrong row mended: {sent:?}");
        assert!(
            !sent[0].contains("XXXX") && sent[1].contains("XXXX"),
            "{sent:?}"
        );

        // Moved up two rows, the wrong one is found where it went and drawn right.
        let (_, sent) = frame(4, None);
        assert_eq!(sent.len(), 2, "{sent:?}");
        assert_eq!(sent[1], "\x1b[2;2Heeeeeeeeee", "{sent:?}");

        let (answers, sent) = frame(3, None);
        assert_eq!(
            answers,
            [2..7, 0..0],
            "back a row: the lower five are brought along"
        );
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert!(
            sent[0].starts_with("\x1b[2;7r\x1b[2H\x1bM\x1b[r"),
            "{sent:?}"
        );
        assert!(sent[0].contains("|dddddddddd|") && !sent[0].contains("eeee"));
    }

    /// ratatui's default features bring in underline colours, which the reader never draws;
    /// without them a cell is a sixth smaller, and so is every buffer a frame is drawn into,
    /// cleared and compared.
    #[test]
    fn cells_leave_out_underline_colours() {
        assert!(
            std::mem::size_of::<Cell>() <= 40,
            "{}",
            std::mem::size_of::<Cell>()
        );
    }

    /// A pane planned with the same inputs at the same place is kept, neither drawn nor
    /// compared; planned otherwise, or not planned, it is cleared and drawn again.
    #[test]
    fn a_planned_pane_is_kept_while_its_inputs_stay_the_same() {
        let area = Rect::new(0, 0, 12, 3);
        let pane = Rect::new(0, 0, 5, 3);
        let mut screen = Screen::new(Vec::new(), area);
        // The pane shows its input, planned or not; the rest of the screen shows `text`.
        let mut frame = |inputs: Option<u64>, text: &str| {
            let mut drew = false;
            screen
                .draw(|canvas| {
                    let kept = inputs.is_some_and(|i| {
                        let drawing = PaneDrawing {
                            area: pane,
                            inputs: vec![i],
                            alike_rows: false,
                        };
                        canvas.plan(vec![drawing]) == [true]
                    });
                    if !kept {
                        drew = true;
                        let shown = format!("p{}", inputs.unwrap_or(0));
                        canvas
                            .buffer_mut()
                            .set_string(0, 1, shown, Style::default());
                    }
                    canvas.buffer_mut().set_string(6, 1, text, Style::default());
                })
                .expect("draw");
            let bytes = String::from_utf8(std::mem::take(screen.writer_mut())).expect("utf-8");
            let shown = screen.shown().expect("drawn");
            let row: String = (0..12)
                .map(|x| shown[(x, 1)].symbol().to_string())
                .collect();
            (drew, row, bytes)
        };
        use ratatui::style::Style;
        assert!(frame(Some(1), "ab").0);
        // The other buffer has not held the pane yet.
        let (drew, _, bytes) = frame(Some(1), "cd");
        assert!(drew);
        assert!(
            !bytes.contains("p1"),
            "drawn again, but not sent again: {bytes:?}"
        );
        let (drew, row, bytes) = frame(Some(1), "ef");
        assert!(!drew);
        assert_eq!(row, "p1    ef    ");
        assert!(!bytes.contains("p1"), "kept, and not sent again: {bytes:?}");
        let (drew, row, bytes) = frame(Some(2), "gh");
        assert!(drew);
        assert_eq!(row, "p2    gh    ");
        assert!(bytes.contains('2'), "the changed pane is sent: {bytes:?}");
        let (drew, row, _) = frame(None, "ij");
        assert!(drew);
        assert_eq!(row, "p0    ij    ");
        // The buffer drawn two frames ago still holds the pane; the one drawn without a plan
        // holds none.
        let (drew, row, _) = frame(Some(2), "kl");
        assert!(!drew);
        assert_eq!(row, "p2    kl    ");
        assert!(frame(Some(2), "mn").0);
    }

    /// A pane reaching past the screen is drawn every frame, and nothing reads past the screen.
    #[test]
    fn resetting_an_area_clears_its_cells_inside_the_buffer_only() {
        let area = Rect::new(2, 1, 6, 4);
        let mut buffer = Buffer::empty(area);
        for cell in &mut buffer.content {
            cell.set_char('x');
        }
        // Reaching past the right and bottom edges.
        reset_area(&mut buffer, Rect::new(6, 3, 5, 5));
        for y in area.top()..area.bottom() {
            for x in area.left()..area.right() {
                let inside = (6..8).contains(&x) && (3..5).contains(&y);
                let expected = if inside { " " } else { "x" };
                assert_eq!(buffer[(x, y)].symbol(), expected, "({x}, {y})");
            }
        }
        // Wholly outside: nothing changes.
        let before = buffer.clone();
        reset_area(&mut buffer, Rect::new(20, 20, 3, 3));
        assert_eq!(buffer, before);
    }

    #[test]
    fn a_pane_past_the_screen_is_never_kept() {
        use ratatui::style::Style;
        let area = Rect::new(0, 0, 12, 3);
        let mut screen = Screen::new(Vec::new(), area);
        for frame in 0..4 {
            let mut drew = false;
            // Below the pane's row, where the screen ends, a cell that changes every frame.
            let below = char::from(b'0' + frame);
            screen
                .draw(|canvas| {
                    let pane = PaneDrawing {
                        area: Rect::new(8, 1, 10, 5),
                        inputs: vec![7],
                        alike_rows: false,
                    };
                    if canvas.plan(vec![pane]) != [true] {
                        drew = true;
                        canvas
                            .buffer_mut()
                            .set_string(8, 1, "abcd", Style::default());
                    }
                    canvas.buffer_mut()[(2, 2)].set_char(below);
                })
                .expect("draw");
            assert!(drew);
            let bytes = String::from_utf8(std::mem::take(screen.writer_mut())).expect("utf-8");
            assert!(bytes.contains(below), "{bytes:?}");
            let shown = screen.shown().expect("drawn");
            assert_eq!(shown[(9, 1)].symbol(), "b");
        }
    }

    proptest! {
        /// Rows moved beside other panes read, before they are copied, as the buffer reads
        /// after: the comparison sends what the copy then leaves.
        #[test]
        fn moved_rows_read_as_they_are_copied(
            (area, shown, shift, next) in scrolled_frames(),
            (from, to) in (any::<u16>(), any::<u16>()),
        ) {
            let (from, to) = (from % (area.width + 1), to % (area.width + 1));
            let band = shift.brought_along();
            let moved = Moved {
                shift,
                rows: (band.start, band.end),
                left: area.x + from.min(to),
                right: area.x + from.max(to),
            };
            let pending = NextCells { buffer: &next, moved: Some((moved, &shown)) };
            let mut copied = next.clone();
            moved.copy(&mut copied, &shown);
            for (i, cell) in copied.content.iter().enumerate() {
                prop_assert_eq!(pending.cell(i), Some(cell), "cell {}", i);
            }
            prop_assert_eq!(pending.cell(copied.content.len()), None);
        }
    }

    /// Random buffers with a rectangle left the same: passing over it changes nothing.
    fn same_rect_frames() -> impl Strategy<Value = (Rect, Vec<Paint>, Vec<Paint>, Rect)> {
        frames().prop_flat_map(|(area, before, after)| {
            let rect = (0..area.width, 0..area.height).prop_flat_map(move |(x, y)| {
                (1..=area.width - x, 1..=area.height - y)
                    .prop_map(move |(w, h)| Rect::new(area.x + x, area.y + y, w, h))
            });
            (Just(area), Just(before), Just(after), rect)
        })
    }

    /// No wide character of `buffer` crosses the edges of `rect`.
    fn nothing_crosses(buffer: &Buffer, rect: Rect) -> bool {
        let area = buffer.area;
        (area.top()..area.bottom()).all(|y| {
            let mut x = area.left();
            while x < area.right() {
                let width = cell_width(&buffer[(x, y)]).max(1);
                let end = x.saturating_add(u16::try_from(width).unwrap_or(u16::MAX));
                let inside = |c: u16| rect.left() <= c && c < rect.right();
                if rect.top() <= y && y < rect.bottom() && (inside(x) != inside(end - 1)) {
                    return false;
                }
                x = end;
            }
            true
        })
    }

    proptest! {
        #[test]
        fn passing_over_an_unchanged_rectangle_changes_nothing(
            (area, before, after, rect) in same_rect_frames()
        ) {
            let shown = buffer(area, &before);
            let mut next = buffer(area, &after);
            for y in rect.top()..rect.bottom() {
                for x in rect.left()..rect.right() {
                    next[(x, y)] = shown[(x, y)].clone();
                }
            }
            prop_assume!(nothing_crosses(&shown, rect) && nothing_crosses(&next, rect));
            let always = |x, y| next[(x, y)].diff_option == CellDiffOption::AlwaysUpdate;
            prop_assume!(!(rect.top()..rect.bottom())
                .any(|y| (rect.left()..rect.right()).any(|x| always(x, y))));
            let collect = |same: &[Rect]| {
                let mut cells = Vec::new();
                for_each_change(Some(&shown.content), NextCells::of(&next), same, None, |x, y, cell| {
                    cells.push((x, y, cell.clone()));
                    Ok::<_, ()>(())
                })
                .expect("collecting cannot fail");
                cells
            };
            prop_assert_eq!(collect(&[rect]), collect(&[]));
        }
    }

    proptest! {
        /// Rows covered from side to side, by one rectangle or by two side by side, are
        /// stepped over together; what is sent is what comparing them sends, also when the
        /// comparison is made in two spans cut inside such a row.
        #[test]
        fn passing_over_whole_rows_changes_nothing(
            (area, before, after, rect) in same_rect_frames()
        ) {
            let rows = Rect::new(area.x, rect.y, area.width, rect.height);
            let shown = buffer(area, &before);
            let mut next = buffer(area, &after);
            for y in rows.top()..rows.bottom() {
                for x in rows.left()..rows.right() {
                    next[(x, y)] = shown[(x, y)].clone();
                }
            }
            prop_assume!(!(rows.top()..rows.bottom())
                .any(|y| (rows.left()..rows.right())
                    .any(|x| next[(x, y)].diff_option == CellDiffOption::AlwaysUpdate)));
            let left = Rect::new(area.x, rect.y, rect.x - area.x, rect.height);
            let right = Rect::new(rect.x, rect.y, area.right() - rect.x, rect.height);
            prop_assume!([rows, left, right]
                .iter()
                .all(|&r| nothing_crosses(&shown, r) && nothing_crosses(&next, r)));
            let collect = |same: &[Rect], cut: usize| {
                let mut cells = Vec::new();
                let mut passed_over = PassedOver::default();
                for span in [0..cut, cut..usize::MAX] {
                    for_each_change_in(
                        Some(&shown.content),
                        NextCells::of(&next),
                        same,
                        None,
                        span,
                        &mut passed_over,
                        |x, y, cell| {
                            cells.push((x, y, cell.clone()));
                            Ok::<_, ()>(())
                        },
                    )
                    .expect("collecting cannot fail");
                }
                cells
            };
            let width = usize::from(area.width);
            let cut = usize::from(rect.y - area.y) * width + usize::from(rect.x - area.x);
            let compared = collect(&[], 0);
            prop_assert_eq!(&collect(&[rows], 0), &compared);
            prop_assert_eq!(&collect(&[rows], cut), &compared);
            prop_assert_eq!(&collect(&[left, right], 0), &compared);
            prop_assert_eq!(&collect(&[right, left], cut), &compared);
        }
    }

    #[test]
    fn a_row_is_covered_only_with_no_column_left_out() {
        assert!(covers_row(&[(0, 10)], 10));
        assert!(covers_row(&[(0, 4), (4, 10)], 10));
        assert!(covers_row(&[(0, 6), (3, 12)], 10), "overlapping ranges");
        assert!(!covers_row(&[(0, 4), (5, 10)], 10), "a gap");
        assert!(!covers_row(&[(1, 10)], 10), "the first column");
        assert!(!covers_row(&[(0, 9)], 10), "the last column");
        assert!(!covers_row(&[], 10));
    }

    /// Steps a reader may take, for the sessions below: one action, or `Down` and `Open` in
    /// each pane in turn, which opens another article whichever pane has the focus.
    fn session_step() -> impl Strategy<Value = Vec<crate::tui::action::Action>> {
        use crate::tui::action::Action;
        let in_each_pane: Vec<Action> = (0..3)
            .flat_map(|_| [Action::FocusNext, Action::Down, Action::Open])
            .collect();
        prop_oneof![
            6 => session_action().prop_map(|a| vec![a]),
            1 => Just(in_each_pane),
        ]
    }

    /// Libraries for a session to switch between, as a file that finished loading would:
    /// the embedded issue; the same with every `a` an `o`, laid out alike with other words
    /// (the same articles, marks and rows, so only the library tells the panes apart); pages
    /// on other subjects.
    fn session_libraries() -> [std::sync::Arc<crate::Library>; 3] {
        static LIBRARIES: std::sync::OnceLock<[std::sync::Arc<crate::Library>; 3]> =
            std::sync::OnceLock::new();
        LIBRARIES
            .get_or_init(|| {
                let shifted = crate::EMBEDDED_ISSUE.replace('a', "o");
                let other = include_str!("../../tests/fixtures/other-pages.txt");
                let libraries = [
                    crate::Library::embedded().expect("embedded issue"),
                    crate::Library::from_text("shifted", &shifted).expect("shifted issue"),
                    crate::Library::from_text("other-pages.txt", other).expect("fixture"),
                ];
                assert_eq!(
                    libraries[0].issue.articles.len(),
                    libraries[1].issue.articles.len()
                );
                libraries.map(std::sync::Arc::new)
            })
            .clone()
    }

    /// Actions a reader may take, for the sessions below. Clicks and wheel turns land on the
    /// list, the text and the sidebar of the wide layout: a click on the list opens an
    /// article and leaves the sidebar's own state as it was.
    fn session_action() -> impl Strategy<Value = crate::tui::action::Action> {
        use crate::tui::action::{Action, Mouse, MouseKind};
        let mouse = (
            prop::sample::select(vec![
                MouseKind::Click,
                MouseKind::ScrollDown,
                MouseKind::ScrollUp,
            ]),
            prop::sample::select(vec![5u16, 75, 140]),
            1u16..14,
        )
            .prop_map(|(kind, column, row)| Action::Mouse(Mouse { kind, column, row }));
        let libraries = session_libraries();
        let swap = prop::sample::select(vec![0usize, 1, 2]).prop_map(move |i| {
            Action::LibraryUpdated(crate::tui::action::LibraryHandle(libraries[i].clone()))
        });
        prop_oneof![
            2 => mouse,
            1 => swap,
            6 => prop::sample::select(vec![
                Action::Down,
                Action::Up,
                Action::PageDown,
                Action::PageUp,
                Action::HalfPageDown,
                Action::Top,
                Action::Bottom,
                Action::FocusNext,
                Action::FocusPrev,
                Action::Open,
                Action::MentionNext,
                Action::MentionPrev,
                Action::Back,
                Action::Forward,
                Action::SearchNext,
                Action::WiderText,
                Action::NarrowerText,
                Action::SetBookmark,
                Action::Zoom,
            ]),
            1 => prop::sample::select(vec![
                Action::Help,
                Action::Cancel,
                Action::EntityPicker,
                Action::Bookmarks,
                Action::Search,
                Action::Insert('e'),
                Action::Insert('a'),
                Action::DeleteBack,
                Action::Resize(150, 40),
                Action::Resize(200, 60),
                Action::Resize(90, 24),
                Action::Resize(60, 20),
            ]),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// Whatever the reader does, the screen that keeps panes ends every frame holding what
        /// a frame drawn whole would hold, and the terminal shows it. Some actions are taken
        /// together before a frame is drawn, as a burst of keys read at once is.
        #[test]
        fn kept_panes_look_as_if_drawn_whole(
            steps in proptest::collection::vec(session_step(), 1..32),
            tidy in proptest::collection::vec(any::<bool>(), 32),
            drawn in proptest::collection::vec(prop::bool::weighted(0.75), 32),
        ) {
            use crate::tui::app::{State, update};
            use crate::tui::view;
            let library = std::sync::Arc::new(crate::Library::embedded().expect("embedded issue"));
            let mut state = State::new(library);
            update(&mut state, crate::tui::action::Action::Resize(150, 40));
            let mut screen = Screen::new(Vec::new(), Rect::new(0, 0, 150, 40));
            let mut term = Term::new(200, 60);
            let actions: Vec<_> = steps.into_iter().flatten().collect();
            let last = actions.len() - 1;
            for (frame, action) in actions.into_iter().enumerate() {
                update(&mut state, action.clone());
                if !drawn[frame % drawn.len()] && frame < last {
                    continue;
                }
                let (w, h) = state.size;
                if screen.area().width != w || screen.area().height != h {
                    screen.resize(Rect::new(0, 0, w, h)).expect("resize");
                    term = Term::new(w, h);
                }
                screen.draw(|c| view::draw(c, &state)).expect("draw");
                // As the reader does after every frame, and as a screen that was not given the
                // time would not.
                if tidy[frame % tidy.len()] {
                    screen.tidy_spare();
                }
                term.play(&std::mem::take(screen.writer_mut()));
                let mut whole = Buffer::empty(screen.area());
                view::draw(&mut Canvas::new(&mut whole), &state);
                let shown = screen.shown().expect("a frame was drawn");
                prop_assert!(shown == &whole, "after {:?}", action);
                prop_assert_eq!(term.shows(shown), Ok(()), "after {:?}", action);
            }
        }
    }
}
