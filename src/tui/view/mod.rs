//! Drawing: a pure function of [`State`] onto a frame, one module per pane.
//!
//! The layout is computed from the frame's area inside the draw call, and [`panes`] is shared
//! with `update` so that scrolling and mouse clicks agree with what is on screen. Every
//! distinction (focus, selection, matches, mentions) is carried by a modifier as well as a
//! colour, so it survives `NO_COLOR` and monochrome terminals.

pub mod articles;
pub mod body;
pub mod overlay;
pub mod sidebar;
pub mod status;

use crate::tui::screen::Canvas;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Widget as _};
use unicode_width::UnicodeWidthChar as _;

use super::app::{Pane, State};
pub use super::theme::Theme;
use crate::config::Layout as Prefs;

/// Below this size only a one-line notice is drawn.
pub const MIN_WIDTH: u16 = 24;
pub const MIN_HEIGHT: u16 = 6;
/// From this width the three panes show side by side; from [`TWO_PANES`] two of them.
pub const THREE_PANES: u16 = 110;
pub const TWO_PANES: u16 = 64;

/// Where each pane goes; a pane that is not shown is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    pub articles: Option<Rect>,
    pub body: Option<Rect>,
    pub sidebar: Option<Rect>,
    pub status: Rect,
}

impl Panes {
    pub fn get(&self, pane: Pane) -> Option<Rect> {
        match pane {
            Pane::Articles => self.articles,
            Pane::Body => self.body,
            Pane::Sidebar => self.sidebar,
        }
    }

    /// The pane under a screen cell.
    pub fn at(&self, column: u16, row: u16) -> Option<Pane> {
        let hit = |r: Option<Rect>| r.is_some_and(|r| r.contains((column, row).into()));
        [Pane::Articles, Pane::Body, Pane::Sidebar]
            .into_iter()
            .find(|&p| hit(self.get(p)))
    }
}

/// Lays out the screen; `None` when it is too small to be useful. The sidebar hides first,
/// then only the focused pane is shown. Side panes have equal widths in the two-pane layout
/// so the text keeps its width (and wrapping) whichever side pane is showing.
pub fn panes(area: Rect, focus: Pane) -> Option<Panes> {
    panes_with(area, focus, &Prefs::default(), false)
}

/// [`panes`] with the configured sidebar: when it is off, the wide layout shows two panes and
/// the sidebar takes the list's place while it has focus; its width, when set, is used for
/// the side panes. `zoomed` (the `z` key) shows the focused pane alone at any width.
pub fn panes_with(area: Rect, focus: Pane, prefs: &Prefs, zoomed: bool) -> Option<Panes> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    // Lengths and one filler that always fit (side panes take at most a third each), so the
    // split is plain arithmetic; ratatui's constraint solver cost a tenth of a millisecond on
    // the first frame.
    let main = Rect {
        height: area.height - 1,
        ..area
    };
    let status = Rect {
        y: area.bottom() - 1,
        height: 1,
        ..area
    };
    let w = area.width;
    let column = |x: u16, width: u16| Rect { x, width, ..main };
    let mut panes = Panes {
        articles: None,
        body: None,
        sidebar: None,
        status,
    };
    let fits = |width: u16| width.min(w / 3);
    if zoomed || w < TWO_PANES {
        // The focused pane alone: asked for, or all that fits.
        match focus {
            Pane::Articles => panes.articles = Some(main),
            Pane::Body => panes.body = Some(main),
            Pane::Sidebar => panes.sidebar = Some(main),
        }
    } else if w >= THREE_PANES && prefs.sidebar {
        let list = (w / 5).clamp(20, 32);
        let side = fits(prefs.sidebar_width.unwrap_or((w / 4).clamp(26, 40)));
        panes.articles = Some(column(main.x, list));
        panes.body = Some(column(main.x + list, w - list - side));
        panes.sidebar = Some(column(main.right() - side, side));
    } else {
        let side = fits(prefs.sidebar_width.unwrap_or((w / 3).clamp(20, 32)));
        if focus == Pane::Sidebar {
            panes.body = Some(column(main.x, w - side));
            panes.sidebar = Some(column(main.right() - side, side));
        } else {
            panes.articles = Some(column(main.x, side));
            panes.body = Some(column(main.x + side, w - side));
        }
    }
    Some(panes)
}

/// A pane's frame: focus shows as a thick border and a bold, marked title, not only colour.
pub fn pane_block<'a>(title: impl Into<Line<'a>>, focused: bool, theme: &Theme) -> Block<'a> {
    let title: Line<'a> = title.into();
    let block = Block::new().borders(Borders::ALL);
    if focused {
        block
            .border_type(BorderType::Thick)
            .border_style(theme.focused_border)
            .title(title.patch_style(theme.current).left_aligned())
    } else {
        block
            .border_type(BorderType::Plain)
            .border_style(theme.border)
            .title(title.left_aligned())
    }
}

/// Draws a pane's frame as [`pane_block`] renders it and returns the area inside. A rendered
/// `Block` first restyles every cell of the pane with its (empty) style, which made the frames
/// of the three panes cost about as much as the text in them; here only the border and the
/// title are touched.
pub fn draw_pane<'a>(
    frame: &mut Canvas,
    area: Rect,
    title: impl Into<Line<'a>>,
    focused: bool,
    theme: &Theme,
) -> Rect {
    draw_pane_leaving(frame, area, title, focused, theme, 0..0)
}

/// Feeds `hasher` what a title naming the open article shows: its number, how many articles
/// there are, and its title (the text pane's top row and the status bar both show them).
pub fn hash_open_article(state: &State, hasher: &mut impl std::hash::Hasher) {
    use std::hash::Hash as _;
    let articles = &state.library.issue.articles;
    (state.article, articles.len()).hash(hasher);
    articles.get(state.article).map(|a| &a.title).hash(hasher);
}

/// [`draw_pane`], leaving the sides of the rows `undrawn` as they are.
pub fn draw_pane_leaving<'a>(
    frame: &mut Canvas,
    area: Rect,
    title: impl Into<Line<'a>>,
    focused: bool,
    theme: &Theme,
    undrawn: std::ops::Range<u16>,
) -> Rect {
    let buf = frame.buffer_mut();
    let area = area.intersection(buf.area);
    let inner = Block::new().borders(Borders::ALL).inner(area);
    if area.is_empty() {
        return inner;
    }
    let (set, style) = if focused {
        (BorderType::Thick.to_border_set(), theme.focused_border)
    } else {
        (BorderType::Plain.to_border_set(), theme.border)
    };
    let (left, top) = (area.left(), area.top());
    let (right, bottom) = (area.right() - 1, area.bottom() - 1);
    // The order `Block` draws in, so that a one-row or one-column pane ends up the same.
    let sides = || (top..=bottom).filter(|y| !undrawn.contains(y));
    for y in sides() {
        buf[(left, y)]
            .set_symbol(set.vertical_left)
            .set_style(style);
    }
    for x in left..=right {
        buf[(x, top)]
            .set_symbol(set.horizontal_top)
            .set_style(style);
    }
    for y in sides() {
        buf[(right, y)]
            .set_symbol(set.vertical_right)
            .set_style(style);
    }
    for x in left..=right {
        buf[(x, bottom)]
            .set_symbol(set.horizontal_bottom)
            .set_style(style);
    }
    for (x, y, symbol) in [
        (right, bottom, set.bottom_right),
        (right, top, set.top_right),
        (left, bottom, set.bottom_left),
        (left, top, set.top_left),
    ] {
        buf[(x, y)].set_symbol(symbol).set_style(style);
    }
    let title: Line<'a> = title.into();
    let title = if focused {
        title.patch_style(theme.current)
    } else {
        title
    }
    .left_aligned();
    let space = Rect::new(left.saturating_add(1), top, area.width.saturating_sub(2), 1);
    if !space.is_empty() {
        let width = u16::try_from(title.width()).unwrap_or(u16::MAX);
        title.render(
            Rect {
                width: width.min(space.width),
                ..space
            },
            buf,
        );
        if width > space.width {
            mark_cut(buf, space, top);
        }
    }
    inner
}

/// Offset that keeps row `selected` in a window of `height` rows: scrolls only once the
/// selection would leave the first screen, and then keeps it on the last row.
pub fn follow(selected: usize, height: usize) -> usize {
    if height == 0 {
        return selected;
    }
    (selected + 1).saturating_sub(height)
}

/// Writes lines into `area` top to bottom, clipped to it. Cheaper than a `Paragraph`, which
/// restyles every cell of its area twice per frame; a styled line (a selection) fills its row.
pub fn draw_lines<'a>(frame: &mut Canvas, area: Rect, lines: impl IntoIterator<Item = Line<'a>>) {
    draw_lines_marking(frame, area, lines, false);
}

/// [`draw_lines`] for lists: a line too long for `area` ends in `…` in its last cell, so that
/// a title or a name cut where the pane ends shows that it goes on. (Text is wrapped to its
/// pane and never needs this.)
pub fn draw_list_lines<'a>(
    frame: &mut Canvas,
    area: Rect,
    lines: impl IntoIterator<Item = Line<'a>>,
) {
    draw_lines_marking(frame, area, lines, true);
}

fn draw_lines_marking<'a>(
    frame: &mut Canvas,
    area: Rect,
    lines: impl IntoIterator<Item = Line<'a>>,
    mark_cuts: bool,
) {
    let area = area.intersection(frame.area());
    draw_rows_marking(frame, area, (area.y..area.bottom()).zip(lines), mark_cuts);
}

/// [`draw_lines`] for some rows of `area` only, each line with its row.
pub fn draw_rows<'a>(
    frame: &mut Canvas,
    area: Rect,
    lines: impl IntoIterator<Item = (u16, Line<'a>)>,
) {
    draw_rows_marking(frame, area, lines, false);
}

fn draw_rows_marking<'a>(
    frame: &mut Canvas,
    area: Rect,
    lines: impl IntoIterator<Item = (u16, Line<'a>)>,
    mark_cuts: bool,
) {
    let buf = frame.buffer_mut();
    let area = area.intersection(buf.area);
    for (y, line) in lines {
        if !(area.y..area.bottom()).contains(&y) {
            continue;
        }
        if line.style != Style::default() {
            set_style(buf, Rect::new(area.x, y, area.width, 1), line.style);
        }
        set_line(buf, area.x, y, &line, area.width);
        if mark_cuts && overflows(&line, area.width) {
            mark_cut(buf, area, y);
        }
    }
}

/// Whether `line` is wider than `width` cells. No character takes more cells than bytes, so
/// a line of no more bytes than that fits without measuring it.
fn overflows(line: &Line<'_>, width: u16) -> bool {
    let width = usize::from(width);
    let bytes: usize = line.spans.iter().map(|span| span.content.len()).sum();
    bytes > width && line.width() > width
}

/// Puts `…` in the last cell of row `y` of `area`, in that cell's style. When that cell is the
/// second half of a wide character, the character goes and `…` takes its first half.
fn mark_cut(buf: &mut Buffer, area: Rect, y: u16) {
    let Some(last) = area.right().checked_sub(1).filter(|&x| x >= area.x) else {
        return;
    };
    let mut at = last;
    if let Some(before) = last.checked_sub(1).filter(|&x| x >= area.x)
        && buf
            .cell((before, y))
            .is_some_and(|cell| cell.symbol().chars().any(|c| c.width() == Some(2)))
    {
        if let Some(cell) = buf.cell_mut((last, y)) {
            cell.set_symbol(" ");
        }
        at = before;
    }
    if let Some(cell) = buf.cell_mut((at, y)) {
        cell.set_symbol("…");
    }
}

/// What `Buffer::set_line` does, with a shortcut for text of [simple](is_simple) characters:
/// there every character is one cell, so the grapheme segmentation and width look-ups that
/// dominate a frame's cost can be skipped. Other characters go ratatui's way, with their
/// neighbours. Control characters are dropped, as `set_line` drops them.
pub fn set_line(buf: &mut Buffer, x: u16, y: u16, line: &Line<'_>, max_width: u16) {
    let right = x.saturating_add(max_width).min(buf.area.right());
    let mut x = x;
    for span in line {
        let style = line.style.patch(span.style);
        let content = span.content.as_ref();
        for (at, text, simple) in simple_runs(content) {
            if x >= right {
                return;
            }
            let room = usize::from(right - x);
            if simple {
                x = set_simple(buf, x, y, text, right, style);
            } else if text.len() * 2 <= room {
                // No character is wider than two cells per byte: the run fits whole.
                (x, _) = buf.set_stringn(x, y, text, room, style);
            } else {
                // A grapheme that does not fit ends the span in ratatui, so the rest goes
                // the same way.
                (x, _) = buf.set_stringn(x, y, &content[at..], room, style);
                break;
            }
        }
    }
}

/// A character that is one cell wide and a grapheme of its own next to any other simple
/// character: ASCII (where only CR LF join, and both are dropped as control characters either
/// way), and the letters, punctuation, arrows, box drawing, block elements and shapes that
/// text and the sidebar use most, none of them combining, joining or prepended.
fn is_simple(c: char) -> bool {
    c.is_ascii()
        || matches!(u32::from(c), 0xA1..=0xAC | 0xAE..=0x24F | 0x2010..=0x2027 | 0x2190..=0x2193 | 0x2500..=0x25FF)
            && c.width() == Some(1)
}

/// Splits text into runs, each with its byte offset, of simple characters (`true`) or that
/// need grapheme segmentation. A cut falls only between two simple characters, where a
/// grapheme always ends; so the simple character before another character stays with it (it
/// may take a combining mark), and so does the one after (it may follow a prepended mark).
fn simple_runs(text: &str) -> impl Iterator<Item = (usize, &str, bool)> {
    let mut at = 0;
    let mut pending: Option<(usize, usize)> = None;
    std::iter::from_fn(move || {
        if let Some((from, to)) = pending.take() {
            at = to;
            return Some((from, &text[from..to], false));
        }
        if at >= text.len() {
            return None;
        }
        let mut before = None;
        let mut other = None;
        for (i, c) in text[at..].char_indices() {
            if !is_simple(c) {
                other = Some(at + i);
                break;
            }
            before = Some(at + i);
        }
        let Some(other) = other else {
            let from = at;
            at = text.len();
            return Some((from, &text[from..], true));
        };
        let from = before.unwrap_or(at);
        let mut to = text.len();
        let mut after_simple = false;
        for (i, c) in text[other..].char_indices() {
            let simple = is_simple(c);
            if simple && after_simple {
                to = other + i;
                break;
            }
            after_simple = simple;
        }
        if from > at {
            pending = Some((from, to));
            Some((at, &text[at..from], true))
        } else {
            at = to;
            Some((from, &text[from..to], false))
        }
    })
}

/// What `Buffer::set_style` does, row by row on the buffer's cells rather than looking each
/// one up by its position: a frame styles its status bar and its rows this way.
pub fn set_style(buf: &mut Buffer, area: Rect, style: Style) {
    let area = area.intersection(buf.area);
    let width = usize::from(buf.area.width);
    let left = usize::from(area.x - buf.area.x);
    for y in area.top()..area.bottom() {
        let start = usize::from(y - buf.area.y) * width + left;
        if let Some(cells) = buf.content.get_mut(start..start + usize::from(area.width)) {
            cells.iter_mut().for_each(|cell| {
                cell.set_style(style);
            });
        }
    }
}

/// Writes simple characters from `x` up to `right`, control characters dropped; returns where
/// it stopped.
fn set_simple(buf: &mut Buffer, mut x: u16, y: u16, text: &str, right: u16, style: Style) -> u16 {
    let chars = text.chars().filter(|c| !c.is_control());
    let area = buf.area;
    if area.contains((x, y).into()) {
        // The row's cells straight from the buffer: looking each one up by its position cost
        // as much as filling it.
        let start = usize::from(y - area.y) * usize::from(area.width) + usize::from(x - area.x);
        let cells = &mut buf.content[start..start + usize::from(right - x)];
        for (cell, c) in cells.iter_mut().zip(chars) {
            cell.set_char(c).set_style(style);
            x += 1;
        }
    } else {
        for c in chars {
            if x >= right {
                break;
            }
            if let Some(cell) = buf.cell_mut((x, y)) {
                cell.set_char(c).set_style(style);
            }
            x += 1;
        }
    }
    x
}

/// The parts of the screen a frame plans ([`Canvas::plan`]), named by the first of their
/// inputs, so that two parts drawn at the same place from otherwise equal inputs (the list and
/// the sidebar take turns in a narrow terminal) are never taken for each other.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Planned {
    Articles = 1,
    Sidebar,
    BodyLeft,
    BodyRight,
    BodyTop,
    BodyBottom,
    StatusLeft,
}

/// Draws the whole screen on a ratatui `Frame`, as [`draw`] does on the reader's own screen.
pub fn view(frame: &mut ratatui::Frame, state: &State) {
    let mut canvas = Canvas::new(frame.buffer_mut());
    draw(&mut canvas, state);
    if let Some(position) = canvas.cursor_position() {
        frame.set_cursor_position(position);
    }
}

/// Draws the whole screen.
pub fn draw(frame: &mut Canvas, state: &State) {
    let area = frame.area();
    let Some(panes) = panes_with(area, state.focus, &state.layout, state.zoomed) else {
        if area.width > 0 && area.height > 0 {
            let line = Line::from("Too small · q quits").style(state.theme.dim);
            frame.render_widget(
                Paragraph::new(line),
                Rect::new(area.x, area.y, area.width, 1),
            );
        }
        return;
    };
    let bar = status::Bar::new(panes.status, state);
    // A box over the panes would leave them different from what they were drawn from.
    let (keep_articles, keep_sidebar, keep_bar_left, body_frame_held) =
        if overlay::covers_panes(state) {
            (false, false, false, false)
        } else {
            let mut planned = Vec::with_capacity(7);
            planned.extend(panes.articles.map(|r| articles::drawing(r, state)));
            planned.extend(panes.sidebar.map(|r| sidebar::drawing(r, state)));
            let bar_left = bar.left_drawing(state);
            let has_bar_left = bar_left.is_some();
            planned.extend(bar_left);
            // Kept or not, the text pane is drawn: what it draws over its kept margins is
            // what they hold. Its border and title are left alone when all four parts are
            // kept.
            let body_frame = panes.body.and_then(|r| body::frame_parts(r, state));
            let body_parts = body_frame.as_ref().map_or(0, |parts| parts.len());
            planned.extend(body_frame.into_iter().flatten());
            // `plan` answers in the order planned: the list, the sidebar and the status bar's
            // left side, those there are, then the parts of the text pane's frame.
            let mut kept = frame.plan(planned).into_iter();
            let keep_articles = panes.articles.is_some() && kept.next() == Some(true);
            let keep_sidebar = panes.sidebar.is_some() && kept.next() == Some(true);
            let keep_bar_left = has_bar_left && kept.next() == Some(true);
            let body_frame_held = body_parts > 0 && kept.all(|kept| kept);
            (keep_articles, keep_sidebar, keep_bar_left, body_frame_held)
        };
    if let Some(r) = panes.articles
        && !keep_articles
    {
        articles::render(frame, r, state);
    }
    if let Some(r) = panes.body {
        body::render(frame, r, state, body_frame_held);
    }
    if let Some(r) = panes.sidebar
        && !keep_sidebar
    {
        sidebar::render(frame, r, state);
    }
    bar.render(frame, state, keep_bar_left);
    overlay::render(frame, area, state);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::layout::{Constraint, Layout};
    use ratatui::style::{Color, Modifier};
    use ratatui::text::Span;

    fn span_strategy() -> impl Strategy<Value = Span<'static>> {
        let text = prop_oneof![
            "[ -~]{0,12}",
            "[a-z \\t\\r\\n\\x1b\\x7f]{0,12}",
            "[a-zé中😀\\u{301} ]{0,8}",
            // Marks that join the ASCII letter before or after them, emoji sequences, CR LF.
            "[a-c \\r\\né中😀👍🏽\\u{301}\\u{600}\\u{200d}\\u{fe0f}\\u{1f1eb}\\u{1f1f7}]{0,16}",
            // Simple characters of every range, among ones that are not.
            "[a-c \\t’—·▮→é¡ÿŀɏ░█◐◽▶\\u{ad}\\u{85}\\u{301}\\u{600}\\u{200d}\\u{fe0f}ｶﾞ中]{0,16}",
        ];
        let style = prop_oneof![
            Just(Style::default()),
            Just(Style::new().fg(Color::Red)),
            Just(Style::new().add_modifier(Modifier::BOLD).bg(Color::Blue)),
        ];
        (text, style).prop_map(|(t, s)| Span::styled(t, s))
    }

    proptest! {
        #[test]
        fn set_line_draws_what_ratatui_draws(
            spans in proptest::collection::vec(span_strategy(), 0..5),
            x in 0u16..12,
            max_width in 0u16..40,
            underline in any::<bool>(),
        ) {
            let mut line = Line::from(spans);
            if underline {
                line = line.style(Style::new().add_modifier(Modifier::UNDERLINED));
            }
            let area = Rect::new(0, 0, 30, 1);
            let mut ours = Buffer::empty(area);
            let mut theirs = Buffer::empty(area);
            set_line(&mut ours, x, 0, &line, max_width);
            theirs.set_line(x, 0, &line, max_width);
            prop_assert_eq!(ours, theirs);
        }
    }

    /// A buffer over `area` with every cell holding `symbol` in `colour`.
    fn filled_with(area: Rect, symbol: char, colour: Color) -> Buffer {
        let mut buf = Buffer::empty(area);
        let text = Line::from(symbol.to_string().repeat(usize::from(area.width)))
            .style(Style::new().fg(colour));
        for row in area.top()..area.bottom() {
            (&text).render(Rect::new(area.x, row, area.width, 1), &mut buf);
        }
        buf
    }

    proptest! {
        #[test]
        /// Anywhere inside a buffer that does not start at the origin (ratatui's own
        /// `set_line` panics outside it).
        fn set_line_draws_what_ratatui_draws_anywhere(
            spans in proptest::collection::vec(span_strategy(), 0..5),
            x in 4u16..28,
            y in 2u16..5,
            max_width in 0u16..40,
        ) {
            let line = Line::from(spans);
            let area = Rect::new(4, 2, 24, 3);
            let mut ours = Buffer::empty(area);
            let mut theirs = Buffer::empty(area);
            set_line(&mut ours, x, y, &line, max_width);
            theirs.set_line(x, y, &line, max_width);
            prop_assert_eq!(ours, theirs);
        }

        #[test]
        fn set_style_styles_what_ratatui_styles(
            x in 0u16..40,
            y in 0u16..12,
            width in 0u16..40,
            height in 0u16..12,
            underline in any::<bool>(),
        ) {
            let screen = Rect::new(3, 2, 24, 8);
            let mut style = Style::new().fg(Color::Red).bg(Color::Blue);
            if underline {
                style = style.add_modifier(Modifier::UNDERLINED);
            }
            let filled = || filled_with(screen, 'y', Color::Green);
            let area = Rect::new(x, y, width, height);
            let (mut ours, mut theirs) = (filled(), filled());
            set_style(&mut ours, area, style);
            theirs.set_style(area, style);
            prop_assert_eq!(ours, theirs);
        }

        #[test]
        fn draw_pane_draws_what_the_block_draws(
            x in 0u16..6,
            y in 0u16..4,
            width in 0u16..30,
            height in 0u16..8,
            title in "[ -~]{0,30}|[a-zé中 ]{0,12}",
            focused in any::<bool>(),
        ) {
            let theme = Theme::default();
            let screen = Rect::new(0, 0, 24, 8);
            let area = Rect::new(x, y, width, height);
            let mut ours = filled_with(screen, 'x', Color::Red);
            let inner = draw_pane(&mut Canvas::new(&mut ours), area, title.as_str(), focused, &theme);
            let mut theirs = filled_with(screen, 'x', Color::Red);
            let block = pane_block(title.as_str(), focused, &theme);
            let expected = block.inner(area.intersection(screen));
            block.render(area, &mut theirs);
            // Where the title is cut, its last cell shows it.
            let shown = area.intersection(screen);
            let space = Rect::new(shown.x + 1, shown.y, shown.width.saturating_sub(2), 1);
            if !shown.is_empty() && !space.is_empty() && Line::from(title.as_str()).width() > usize::from(space.width) {
                mark_cut(&mut theirs, space, shown.y);
            }
            prop_assert_eq!(inner, expected);
            prop_assert_eq!(ours, theirs);
        }
    }

    /// The split as ratatui's constraint solver makes it, which [`panes_with`] must match.
    fn solved_panes(area: Rect, focus: Pane, prefs: &Prefs) -> Option<Panes> {
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            return None;
        }
        let [main, status] = area.layout(&Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(1),
        ]));
        let w = area.width;
        let mut panes = Panes {
            articles: None,
            body: None,
            sidebar: None,
            status,
        };
        let fits = |width: u16| width.min(w / 3);
        if w >= THREE_PANES && prefs.sidebar {
            let list = (w / 5).clamp(20, 32);
            let side = fits(prefs.sidebar_width.unwrap_or((w / 4).clamp(26, 40)));
            let [a, b, s] = main.layout(&Layout::horizontal([
                Constraint::Length(list),
                Constraint::Fill(1),
                Constraint::Length(side),
            ]));
            panes.articles = Some(a);
            panes.body = Some(b);
            panes.sidebar = Some(s);
        } else if w >= TWO_PANES {
            let side = fits(prefs.sidebar_width.unwrap_or((w / 3).clamp(20, 32)));
            if focus == Pane::Sidebar {
                let [b, s] = main.layout(&Layout::horizontal([
                    Constraint::Fill(1),
                    Constraint::Length(side),
                ]));
                panes.body = Some(b);
                panes.sidebar = Some(s);
            } else {
                let [a, b] = main.layout(&Layout::horizontal([
                    Constraint::Length(side),
                    Constraint::Fill(1),
                ]));
                panes.articles = Some(a);
                panes.body = Some(b);
            }
        } else {
            match focus {
                Pane::Articles => panes.articles = Some(main),
                Pane::Body => panes.body = Some(main),
                Pane::Sidebar => panes.sidebar = Some(main),
            }
        }
        Some(panes)
    }

    /// The rows `lines` leave in a `width`-cell list.
    fn listed(width: u16, lines: &[&str]) -> Vec<String> {
        let area = Rect::new(0, 0, width, u16::try_from(lines.len()).expect("few lines"));
        let mut buffer = Buffer::empty(area);
        let mut canvas = Canvas::new(&mut buffer);
        draw_list_lines(&mut canvas, area, lines.iter().map(|l| Line::from(*l)));
        (0..area.height)
            .map(|y| {
                (0..width)
                    .map(|x| buffer[(x, y)].symbol().to_string())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_list_marks_the_lines_it_cuts() {
        assert_eq!(
            listed(6, &["Mekong River", "Laos", "Mekong", "éééééé", "ab字字"]),
            [
                "Mekon…", // cut
                "Laos  ",
                "Mekong",   // fits exactly
                "éééééé",   // more bytes than cells, but fits
                "ab字 字 ", // a wide character is its symbol, then a blank cell
            ]
        );
        // The next wide character does not fit: `…` goes in the cell left blank.
        assert_eq!(listed(5, &["ab字字"]), ["ab字 …"]);
        // The last cell is the second half of a wide character: `…` takes the pair's first.
        assert_eq!(listed(4, &["ab字x"]), ["ab… "]);
        // A styled line keeps its style in the marked cell.
        let area = Rect::new(0, 0, 4, 1);
        let mut buffer = Buffer::empty(area);
        let mut canvas = Canvas::new(&mut buffer);
        let style = Style::default().add_modifier(Modifier::REVERSED);
        draw_list_lines(&mut canvas, area, [Line::from("Helsinki").style(style)]);
        assert_eq!(buffer[(3, 0)].symbol(), "…");
        assert!(buffer[(3, 0)].modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn panes_are_what_the_constraint_solver_gives() {
        for sidebar_width in [None, Some(0), Some(1), Some(20), Some(45), Some(500)] {
            for sidebar in [true, false] {
                let prefs = Prefs {
                    sidebar,
                    sidebar_width,
                    ..Prefs::default()
                };
                for w in 0..320u16 {
                    for (x, y, h) in [(0, 0, 0), (0, 0, 6), (3, 2, 7), (0, 0, 60), (5, 1, 200)] {
                        for focus in [Pane::Articles, Pane::Body, Pane::Sidebar] {
                            let area = Rect::new(x, y, w, h);
                            assert_eq!(
                                panes_with(area, focus, &prefs, false),
                                solved_panes(area, focus, &prefs),
                                "{area:?} {focus:?} {prefs:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn panes_collapse_and_never_overflow() {
        for w in 0..200u16 {
            for h in [0u16, 1, 5, 6, 12, 40] {
                for focus in [Pane::Articles, Pane::Body, Pane::Sidebar] {
                    let area = Rect::new(0, 0, w, h);
                    match panes(area, focus) {
                        None => assert!(w < MIN_WIDTH || h < MIN_HEIGHT),
                        Some(p) => {
                            for r in [p.articles, p.body, p.sidebar].into_iter().flatten() {
                                assert!(area.contains(r.as_position()));
                                assert!(r.right() <= area.right() && r.bottom() <= area.bottom());
                            }
                            assert!(p.get(focus).is_some(), "focused pane always shows");
                            if w >= THREE_PANES {
                                assert!(p.sidebar.is_some() && p.articles.is_some());
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn body_width_does_not_depend_on_focus() {
        let area = Rect::new(0, 0, 90, 30);
        let width = |f| panes(area, f).and_then(|p| p.body).map(|r| r.width);
        assert_eq!(width(Pane::Articles), width(Pane::Sidebar));
    }

    /// The text pane's margins hold nothing but its border, whatever the text shows: search
    /// matches, the mention cursor, the widest and narrowest columns, focus on or off. That is
    /// what lets a frame keep them as they are.
    #[test]
    fn the_text_panes_margins_hold_only_its_border() {
        use crate::tui::action::Action;
        use crate::tui::app::update;
        let other = include_str!("../../../tests/fixtures/other-pages.txt");
        let libraries = [
            crate::Library::embedded().expect("embedded issue"),
            crate::Library::from_text("other-pages.txt", other).expect("fixture"),
        ];
        let mut steps = vec![Action::Resize(200, 60), Action::Search];
        steps.extend("the".chars().map(Action::Insert));
        steps.extend([Action::Open, Action::MentionNext, Action::PageDown]);
        steps.extend([
            Action::FocusNext,
            Action::Down,
            Action::FocusNext,
            Action::Open,
        ]);
        steps.extend(std::iter::repeat_n(Action::WiderText, 12));
        steps.extend(std::iter::repeat_n(Action::NarrowerText, 30));
        steps.push(Action::Resize(120, 30));
        for library in libraries {
            let mut state = State::new(std::sync::Arc::new(library));
            let mut checked = 0;
            for step in &steps {
                update(&mut state, step.clone());
                let area = Rect::new(0, 0, state.size.0, state.size.1);
                let mut buffer = Buffer::empty(area);
                draw(&mut Canvas::new(&mut buffer), &state);
                let Some(pane) =
                    panes_with(area, state.focus, &state.layout, state.zoomed).and_then(|p| p.body)
                else {
                    continue;
                };
                let parts = body::frame_parts(pane, &state).expect("a text pane has margins");
                for (margin, border_x) in parts.iter().zip([pane.left(), pane.right() - 1]) {
                    for position in margin.area.positions() {
                        let cell = &buffer[position];
                        let border = position.x == border_x && matches!(cell.symbol(), "│" | "┃");
                        assert!(
                            border || *cell == ratatui::buffer::Cell::EMPTY,
                            "{position:?} in a margin holds {cell:?} after {step:?}"
                        );
                    }
                }
                checked += 1;
            }
            assert!(checked > steps.len() / 2, "the text pane was on screen");
        }
    }
}
