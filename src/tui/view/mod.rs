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

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};

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
    panes_with(area, focus, &Prefs::default())
}

/// [`panes`] with the configured sidebar: when it is off, the wide layout shows two panes and
/// the sidebar takes the list's place while it has focus; its width, when set, is used for
/// the side panes.
pub fn panes_with(area: Rect, focus: Pane, prefs: &Prefs) -> Option<Panes> {
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
pub fn draw_lines<'a>(frame: &mut Frame, area: Rect, lines: impl IntoIterator<Item = Line<'a>>) {
    let buf = frame.buffer_mut();
    let area = area.intersection(buf.area);
    for (y, line) in (area.y..area.bottom()).zip(lines) {
        if line.style != Style::default() {
            buf.set_style(Rect::new(area.x, y, area.width, 1), line.style);
        }
        set_line(buf, area.x, y, &line, area.width);
    }
}

/// What `Buffer::set_line` does, with a shortcut for ASCII spans: there every byte is one
/// cell, so the grapheme segmentation and width look-ups that dominate a frame's cost can be
/// skipped. Control characters are dropped, as `set_line` drops them.
pub fn set_line(buf: &mut Buffer, x: u16, y: u16, line: &Line<'_>, max_width: u16) {
    let right = x.saturating_add(max_width).min(buf.area.right());
    let mut x = x;
    for span in line {
        if x >= right {
            break;
        }
        let style = line.style.patch(span.style);
        let text = span.content.as_ref();
        if text.is_ascii() {
            for byte in text.bytes().filter(|b| !b.is_ascii_control()) {
                if x >= right {
                    break;
                }
                if let Some(cell) = buf.cell_mut((x, y)) {
                    cell.set_char(char::from(byte)).set_style(style);
                }
                x += 1;
            }
        } else {
            (x, _) = buf.set_stringn(x, y, text, usize::from(right - x), style);
        }
    }
}

/// Draws the whole screen.
pub fn view(frame: &mut Frame, state: &State) {
    let area = frame.area();
    let Some(panes) = panes_with(area, state.focus, &state.layout) else {
        if area.width > 0 && area.height > 0 {
            let line = Line::from("Too small · q quits").style(state.theme.dim);
            frame.render_widget(
                Paragraph::new(line),
                Rect::new(area.x, area.y, area.width, 1),
            );
        }
        return;
    };
    if let Some(r) = panes.articles {
        articles::render(frame, r, state);
    }
    if let Some(r) = panes.body {
        body::render(frame, r, state);
    }
    if let Some(r) = panes.sidebar {
        sidebar::render(frame, r, state);
    }
    status::render(frame, panes.status, state);
    overlay::render(frame, area, state);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::style::{Color, Modifier};
    use ratatui::text::Span;

    fn span_strategy() -> impl Strategy<Value = Span<'static>> {
        let text = prop_oneof![
            "[ -~]{0,12}",
            "[a-z \\t\\r\\n\\x1b\\x7f]{0,12}",
            "[a-zé中😀\\u{301} ]{0,8}",
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
}
