//! The terminal as the reader draws on it: what the terminal shows, the frame being drawn, and
//! the bytes that turn one into the other.
//!
//! ratatui's `Terminal` finds the cells that changed through `Cell`'s general equality (a call
//! and a `memcmp` per cell) and writes each one through `core::fmt`; on a 200×60 screen those
//! two were three quarters of the instructions of a key press, and most of a first frame.
//! This keeps ratatui's buffers, widgets and rules: the cells sent are the ones
//! [`Buffer::diff`] picks and the bytes are the ones ratatui's `CrosstermBackend::draw` writes
//! for them (both are tested against ratatui), but cells are compared inline and written
//! straight into the output buffer. It also asks the terminal's size once rather than before
//! every frame (a resize is an event), and allocates the second buffer only after the first
//! frame is out: its page faults are then not on the way to the first screen.

use std::io::{self, Write};

use ratatui::backend::IntoCrossterm as _;
use ratatui::buffer::{Buffer, Cell, CellDiffOption, CellWidth as _};
use ratatui::crossterm::cursor::{Hide, MoveTo, Show};
use ratatui::crossterm::queue;
use ratatui::crossterm::style::{
    Attribute, Color as CrosstermColor, Colors, SetAttribute, SetBackgroundColor, SetColors,
    SetForegroundColor, SetUnderlineColor,
};
use ratatui::crossterm::terminal::{Clear, ClearType};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier};
use ratatui::widgets::Widget;

/// What a view draws on: a buffer covering the screen, and where the cursor should show.
/// ratatui's `Frame` plays this part for its `Terminal`; [`Screen`] has no `Frame` to give.
pub struct Canvas<'a> {
    buffer: &'a mut Buffer,
    cursor: Option<Position>,
}

impl<'a> Canvas<'a> {
    pub fn new(buffer: &'a mut Buffer) -> Self {
        Self {
            buffer,
            cursor: None,
        }
    }

    pub fn area(&self) -> Rect {
        self.buffer.area
    }

    pub fn render_widget<W: Widget>(&mut self, widget: W, area: Rect) {
        widget.render(area, self.buffer);
    }

    pub fn buffer_mut(&mut self) -> &mut Buffer {
        self.buffer
    }

    /// Shows the cursor at `position` once the frame is drawn; without a call it is hidden.
    pub fn set_cursor_position<P: Into<Position>>(&mut self, position: P) {
        self.cursor = Some(position.into());
    }

    pub fn cursor_position(&self) -> Option<Position> {
        self.cursor
    }
}

/// A full-screen terminal behind `out`, of a known size.
pub struct Screen<W: Write> {
    out: W,
    area: Rect,
    /// What the terminal shows; `None` while it is blank (at the start, after a resize).
    shown: Option<Buffer>,
    /// The buffer the next frame is drawn into, kept from the frame before last.
    spare: Option<Buffer>,
    cursor_hidden: bool,
}

impl<W: Write> Screen<W> {
    /// A screen on a terminal that has just been cleared, with the cursor showing.
    pub fn new(out: W, area: Rect) -> Self {
        Self {
            out,
            area,
            shown: None,
            spare: None,
            cursor_hidden: false,
        }
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
        self.shown = None;
        self.spare = None;
        queue!(self.out, Clear(ClearType::All))?;
        self.out.flush()
    }

    /// Draws a frame: `render` fills a blank buffer, and what differs from the screen is sent.
    pub fn draw(&mut self, render: impl FnOnce(&mut Canvas)) -> io::Result<()> {
        let mut next = match self.spare.take() {
            Some(mut buffer) if buffer.area == self.area => {
                buffer.reset();
                buffer
            }
            _ => Buffer::empty(self.area),
        };
        let mut canvas = Canvas::new(&mut next);
        render(&mut canvas);
        let cursor = canvas.cursor_position();
        let shown = self.shown.as_ref().map(|buffer| buffer.content.as_slice());
        write_changes(&mut self.out, shown, &next)?;
        match cursor {
            None if !self.cursor_hidden => {
                queue!(self.out, Hide)?;
                self.cursor_hidden = true;
            }
            None => {}
            Some(position) => {
                if self.cursor_hidden {
                    queue!(self.out, Show)?;
                    self.cursor_hidden = false;
                }
                queue!(self.out, MoveTo(position.x, position.y))?;
            }
        }
        self.out.flush()?;
        self.spare = self.shown.replace(next);
        Ok(())
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

/// Writes what turns a screen showing `shown` (blank when `None`) into one showing `next`,
/// byte for byte as ratatui's `CrosstermBackend::draw` does with `shown.diff(next)`.
pub fn write_changes(
    out: &mut impl Write,
    shown: Option<&[Cell]>,
    next: &Buffer,
) -> io::Result<()> {
    let mut encoder = Encoder::new(out);
    for_each_change(shown, next, |x, y, cell| encoder.cell(x, y, cell))?;
    encoder.finish()
}

/// Modifiers that show on a blank cell, as ratatui's diff counts them.
const VISIBLE_ON_BLANK: Modifier = Modifier::REVERSED
    .union(Modifier::UNDERLINED)
    .union(Modifier::SLOW_BLINK)
    .union(Modifier::RAPID_BLINK)
    .union(Modifier::CROSSED_OUT);

/// Calls `emit` for every cell of `next` that [`Buffer::diff`] would return against `shown`
/// (a blank screen when `None`), in the same order, following the same rules for wide
/// characters, emoji with a variation selector and skipped cells.
pub fn for_each_change<E>(
    shown: Option<&[Cell]>,
    next: &Buffer,
    mut emit: impl FnMut(u16, u16, &Cell) -> Result<(), E>,
) -> Result<(), E> {
    let cells = next.content.as_slice();
    let width = usize::from(next.area.width.max(1));
    let (left, top) = (next.area.x, next.area.y);
    let len = shown.map_or(cells.len(), |shown| shown.len().min(cells.len()));
    let previous = |i: usize| shown.map_or(&Cell::EMPTY, |shown| &shown[i]);
    let mut emit_at = |i: usize, cell: &Cell| {
        // Both fit in u16: the index lies inside a buffer whose area is given in u16.
        let x = left.saturating_add(u16::try_from(i % width).unwrap_or(u16::MAX));
        let y = top.saturating_add(u16::try_from(i / width).unwrap_or(u16::MAX));
        emit(x, y, cell)
    };
    let mut pos = 0;
    while pos < len {
        let i = pos;
        pos += 1;
        let current = &cells[i];
        let before = previous(i);
        match current.diff_option {
            CellDiffOption::Skip => {}
            _ if is_skip(current) => {}
            CellDiffOption::ForcedWidth(forced) => {
                pos = pos.saturating_add(usize::from(forced.get()).saturating_sub(1));
                if !same_cell(current, before) {
                    emit_at(i, current)?;
                }
            }
            CellDiffOption::None | CellDiffOption::AlwaysUpdate => {
                let width = cell_width(current);
                if current.diff_option == CellDiffOption::None && same_cell(current, before) {
                    pos += width.saturating_sub(1);
                    continue;
                }
                let before_width = cell_width(before);
                let mut trailing = None;
                if width > 1 && current.symbol().contains('\u{FE0F}') {
                    trailing = Some((i + 1, (i + width).min(len), false));
                } else if width > 1 {
                    pos += width - 1;
                } else if before_width > width
                    && (before.bg != Color::Reset || before.modifier.intersects(VISIBLE_ON_BLANK))
                {
                    trailing = Some((i + 1, i + before_width, true));
                }
                emit_at(i, current)?;
                // The columns a wide character covers, sent again where the terminal may not
                // have cleared them.
                if let Some((mut j, mut end, force)) = trailing {
                    while j < end.min(len) {
                        let at = j;
                        j += cell_width(&cells[at]).max(1);
                        end = end.max(j).min(len);
                        if !is_skip(&cells[at])
                            && (force || previous(at).symbol() != cells[at].symbol())
                        {
                            emit_at(at, &cells[at])?;
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
#[allow(deprecated)] // `skip` is still part of what makes two cells equal
fn same_cell(a: &Cell, b: &Cell) -> bool {
    let (x, y) = (a.symbol().as_bytes(), b.symbol().as_bytes());
    let symbols = match (x, y) {
        ([x], [y]) => x == y,
        _ => x == y,
    };
    symbols
        && a.fg == b.fg
        && a.bg == b.bg
        && a.underline_color == b.underline_color
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

/// Writes cells as `CrosstermBackend::draw` does: a cursor move unless the cell follows the
/// last one, the attributes and colours that changed, the symbol; every style back to the
/// default at the end.
struct Encoder<'w, W: Write> {
    out: &'w mut W,
    fg: Color,
    bg: Color,
    underline_color: Color,
    modifier: Modifier,
    last: Option<(u16, u16)>,
}

impl<'w, W: Write> Encoder<'w, W> {
    fn new(out: &'w mut W) -> Self {
        Self {
            out,
            fg: Color::Reset,
            bg: Color::Reset,
            underline_color: Color::Reset,
            modifier: Modifier::empty(),
            last: None,
        }
    }

    fn cell(&mut self, x: u16, y: u16, cell: &Cell) -> io::Result<()> {
        let follows =
            matches!(self.last, Some((lx, ly)) if u32::from(x) == u32::from(lx) + 1 && y == ly);
        if !follows {
            self.move_to(x, y)?;
        }
        self.last = Some((x, y));
        if cell.modifier != self.modifier {
            queue_modifier_change(self.out, self.modifier, cell.modifier)?;
            self.modifier = cell.modifier;
        }
        if cell.fg != self.fg || cell.bg != self.bg {
            let colors = Colors::new(cell.fg.into_crossterm(), cell.bg.into_crossterm());
            queue!(self.out, SetColors(colors))?;
            self.fg = cell.fg;
            self.bg = cell.bg;
        }
        if cell.underline_color != self.underline_color {
            queue!(
                self.out,
                SetUnderlineColor(cell.underline_color.into_crossterm())
            )?;
            self.underline_color = cell.underline_color;
        }
        self.out.write_all(cell.symbol().as_bytes())
    }

    /// crossterm's `MoveTo` (one-based row, then column), without going through `fmt`.
    fn move_to(&mut self, x: u16, y: u16) -> io::Result<()> {
        let mut row = itoa::Buffer::new();
        let mut column = itoa::Buffer::new();
        let mut bytes = [0u8; 16];
        let mut at = 0;
        for part in [
            b"\x1b[".as_slice(),
            row.format(u32::from(y) + 1).as_bytes(),
            b";",
            column.format(u32::from(x) + 1).as_bytes(),
            b"H",
        ] {
            bytes[at..at + part.len()].copy_from_slice(part);
            at += part.len();
        }
        self.out.write_all(&bytes[..at])
    }

    fn finish(self) -> io::Result<()> {
        queue!(
            self.out,
            SetForegroundColor(CrosstermColor::Reset),
            SetBackgroundColor(CrosstermColor::Reset),
            SetUnderlineColor(CrosstermColor::Reset),
            SetAttribute(Attribute::Reset),
        )
    }
}

/// The attribute changes ratatui's crossterm backend writes between two cells' modifiers:
/// removals first (bold and dim share one "normal intensity" reset), then additions.
fn queue_modifier_change(out: &mut impl Write, from: Modifier, to: Modifier) -> io::Result<()> {
    let removed = from - to;
    if removed.contains(Modifier::REVERSED) {
        queue!(out, SetAttribute(Attribute::NoReverse))?;
    }
    let reset_intensity = removed.intersects(Modifier::BOLD | Modifier::DIM);
    if reset_intensity {
        queue!(out, SetAttribute(Attribute::NormalIntensity))?;
        if to.contains(Modifier::DIM) {
            queue!(out, SetAttribute(Attribute::Dim))?;
        }
        if to.contains(Modifier::BOLD) {
            queue!(out, SetAttribute(Attribute::Bold))?;
        }
    }
    for (modifier, off) in [
        (Modifier::ITALIC, Attribute::NoItalic),
        (Modifier::UNDERLINED, Attribute::NoUnderline),
        (Modifier::CROSSED_OUT, Attribute::NotCrossedOut),
        (Modifier::HIDDEN, Attribute::NoHidden),
    ] {
        if removed.contains(modifier) {
            queue!(out, SetAttribute(off))?;
        }
    }
    if removed.intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK) {
        queue!(out, SetAttribute(Attribute::NoBlink))?;
    }
    let added = to - from;
    for (modifier, on, unless_reset) in [
        (Modifier::REVERSED, Attribute::Reverse, false),
        (Modifier::BOLD, Attribute::Bold, true),
        (Modifier::ITALIC, Attribute::Italic, false),
        (Modifier::UNDERLINED, Attribute::Underlined, false),
        (Modifier::DIM, Attribute::Dim, true),
        (Modifier::CROSSED_OUT, Attribute::CrossedOut, false),
        (Modifier::HIDDEN, Attribute::Hidden, false),
        (Modifier::SLOW_BLINK, Attribute::SlowBlink, false),
        (Modifier::RAPID_BLINK, Attribute::RapidBlink, false),
    ] {
        if added.contains(modifier) && !(unless_reset && reset_intensity) {
            queue!(out, SetAttribute(on))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::backend::{Backend as _, CrosstermBackend};
    use ratatui::style::Style;
    use std::num::NonZeroU16;

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
        Text(u16, u16, String, Color, Color, Color, Modifier),
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
            8 => (0..w, 0..h, text, color(), color(), color(), modifier())
                .prop_map(|(x, y, s, fg, bg, ul, m)| Paint::Text(x, y, s, fg, bg, ul, m)),
            1 => (0..w, 0..h).prop_map(|(x, y)| Paint::Skip(x, y)),
            // A forced width reaching past the row's end makes ratatui's own diff index past
            // its buffer; no widget sets one.
            1 => (0..w, 0..h, 1u16..4).prop_map(move |(x, y, n)| Paint::Forced(x, y, n.min(w - x))),
            1 => (0..w, 0..h).prop_map(|(x, y)| Paint::Always(x, y)),
        ]
    }

    fn buffer(area: Rect, paints: &[Paint]) -> Buffer {
        let mut buf = Buffer::empty(area);
        for p in paints {
            match p {
                Paint::Text(x, y, s, fg, bg, ul, m) => {
                    let style = Style::new()
                        .fg(*fg)
                        .bg(*bg)
                        .underline_color(*ul)
                        .add_modifier(*m);
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
        buf
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
        for_each_change(shown, next, |x, y, cell| {
            cells.push((x, y, cell.clone()));
            Ok::<_, ()>(())
        })
        .expect("collecting cannot fail");
        cells
    }

    fn ratatui_bytes(shown: &Buffer, next: &Buffer) -> Vec<u8> {
        let mut bytes = Vec::new();
        CrosstermBackend::new(&mut bytes)
            .draw(shown.diff(next).into_iter())
            .expect("draw into memory");
        bytes
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
        fn bytes_are_the_ones_ratatui_writes((area, before, after) in frames()) {
            let shown = buffer(area, &before);
            let next = buffer(area, &after);
            let mut mine = Vec::new();
            write_changes(&mut mine, Some(&shown.content), &next).expect("write into memory");
            let theirs = ratatui_bytes(&shown, &next);
            prop_assert_eq!(String::from_utf8_lossy(&mine), String::from_utf8_lossy(&theirs));
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
        assert!(first.starts_with("\x1b[1;1Hfirst_line"), "{first:?}");
        assert!(
            first.ends_with("\x1b[?25l"),
            "cursor hidden once: {first:?}"
        );

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
        assert!(third.contains("\x1b[1;1H "), "old text cleared: {third:?}");
        assert!(third.contains("\x1b[2;1Hx"), "{third:?}");
        assert!(third.ends_with("\x1b[?25l"), "{third:?}");

        screen.resize(Rect::new(0, 0, 10, 2)).expect("resize");
        let cleared = String::from_utf8(std::mem::take(screen.writer_mut())).expect("utf-8");
        assert_eq!(cleared, "\x1b[2J");
        screen
            .draw(|c| c.render_widget("x", Rect::new(0, 1, 1, 1)))
            .expect("draw");
        let redrawn = String::from_utf8(std::mem::take(screen.writer_mut())).expect("utf-8");
        assert!(
            redrawn.starts_with("\x1b[2;1Hx"),
            "drawn again in full: {redrawn:?}"
        );
        assert_eq!(screen.area(), Rect::new(0, 0, 10, 2));
    }
}
