//! The least a crossterm program can do to answer a key as the reader's text alone (`z`) does:
//! keys read by `crossterm::event::read` on a thread of their own, as the reader reads them,
//! and every `j` or `k` answered with a scroll region, a line feed or reverse index, one line
//! of text and the position in the status bar: about the 170 bytes the reader sends (`q`
//! quits). `scripts/measure.sh` times it in turn with `less`, to tell the cost of reading keys
//! through crossterm and writing a scroll from the cost of the reader's own work on a key.
//!
//! With `--column BYTES`, every `j` or `k` instead rewrites a text column from the screen's
//! 61st column down, in a frame of about BYTES bytes, as a scroll beside other panes does:
//! timed with frames either side of 4,095 bytes, it shows what a frame that a pseudo-terminal
//! cannot hand its reader in one read costs.

use std::io::Write;

use crossterm::event::{self, Event, KeyCode, KeyEventKind};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode, size,
};

const LINE: &str = "the pilots board every ship that enters the estuary, and the harbour \
                    master keeps the log of each one";

fn main() -> std::io::Result<()> {
    enable_raw_mode()?;
    execute!(std::io::stdout(), EnterAlternateScreen)?;
    let keys = std::thread::spawn(answer_keys);
    let answered = keys
        .join()
        .unwrap_or_else(|_| Err(std::io::Error::other("the key thread panicked")));
    execute!(std::io::stdout(), LeaveAlternateScreen)?;
    disable_raw_mode()?;
    answered
}

fn answer_keys() -> std::io::Result<()> {
    let (width, height) = size()?;
    let text_rows = height.saturating_sub(1).max(1);
    let mut out = std::io::stdout().lock();
    let mut screen = String::new();
    for row in 1..=text_rows {
        screen.push_str(&format!("\x1b[{row};1H{row:>5}  {LINE}"));
    }
    screen.push_str(&format!("\x1b[{};1H? help", text_rows + 1));
    out.write_all(screen.as_bytes())?;
    out.flush()?;
    let mut top: u32 = 1;
    let column_bytes = column_bytes();
    let mut frame = String::with_capacity(256);
    loop {
        let Event::Key(key) = event::read()? else {
            continue;
        };
        if key.kind != KeyEventKind::Press {
            continue;
        }
        frame.clear();
        let last = u32::from(text_rows);
        if let Some(bytes) = column_bytes {
            match key.code {
                KeyCode::Char('q') => return Ok(()),
                KeyCode::Char('j') => top += 1,
                KeyCode::Char('k') if top > 1 => top -= 1,
                _ => continue,
            }
            rewrite_column(&mut frame, bytes, width, text_rows, top);
            out.write_all(frame.as_bytes())?;
            out.flush()?;
            continue;
        }
        match key.code {
            KeyCode::Char('q') => return Ok(()),
            KeyCode::Char('j') => {
                top += 1;
                let shown = top + last - 1;
                frame.push_str(&format!(
                    "\x1b[1;{last}r\x1b[{last}H\n\x1b[r\x1b[{last}H{shown:>5}  {LINE}\x1b[K"
                ));
            }
            KeyCode::Char('k') if top > 1 => {
                top -= 1;
                frame.push_str(&format!(
                    "\x1b[1;{last}r\x1b[H\x1bM\x1b[r\x1b[H{top:>5}  {LINE}\x1b[K"
                ));
            }
            _ => continue,
        }
        let column = width.saturating_sub(8).max(1);
        frame.push_str(&format!(
            "\x1b[{};{column}H\x1b[7m{:>4}\x1b[0m",
            text_rows + 1,
            top
        ));
        out.write_all(frame.as_bytes())?;
        out.flush()?;
    }
}

/// The frame size `--column` asks for, if it does.
fn column_bytes() -> Option<usize> {
    let args: Vec<String> = std::env::args().collect();
    let at = args.iter().position(|arg| arg == "--column")?;
    args.get(at + 1)?.parse().ok()
}

/// Rows 2 to `text_rows - 1` of a text column from the 61st column, each starting with its
/// row of the text (`top` on the first row), cut to make a frame of about `bytes` bytes.
fn rewrite_column(frame: &mut String, bytes: usize, width: u16, text_rows: u16, top: u32) {
    const LEFT: u16 = 61;
    let rows: Vec<(u16, u32)> = (2..text_rows.max(3))
        .map(|row| (row, top + u32::from(row)))
        .collect();
    let starts: Vec<String> = rows
        .iter()
        .map(|(row, shown)| format!("\x1b[{row};{LEFT}H{shown:>5} "))
        .collect();
    let moves: usize = starts.iter().map(String::len).sum();
    let room = usize::from(width.saturating_sub(LEFT + 6)).max(1);
    let per_row = (bytes.saturating_sub(moves) / rows.len().max(1)).clamp(1, room);
    for ((_, shown), start) in rows.iter().zip(&starts) {
        frame.push_str(start);
        frame.extend(
            LINE.chars()
                .cycle()
                .skip(*shown as usize % LINE.len())
                .take(per_row),
        );
    }
}
