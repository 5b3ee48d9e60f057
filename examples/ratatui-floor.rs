//! The least a ratatui program can do on the same terminal: one bordered pane of text over the
//! whole 200×60 screen, a status line, and a redraw that scrolls the text one line per `j` or
//! `k` (`q` quits). `scripts/measure.sh` times it beside the reader and `less`, to tell what
//! the reader's own work costs from what drawing through ratatui and crossterm costs at all.

use crossterm::event::{self, Event, KeyCode};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Paragraph};
use ratatui_crossterm::CrosstermBackend;

fn main() -> std::io::Result<()> {
    // What `ratatui::try_init` does, which the reader's build of ratatui leaves out.
    enable_raw_mode()?;
    execute!(std::io::stdout(), EnterAlternateScreen)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    let text: String = (1..=400)
        .map(|i| format!("Line {i}: the pilots board every ship that enters the estuary.\n"))
        .collect();
    let mut scroll = 0u16;
    let result = loop {
        let drawn = terminal.draw(|frame| {
            let area = frame.area();
            let body = Paragraph::new(text.as_str())
                .scroll((scroll, 0))
                .block(Block::bordered().title("Text"));
            frame.render_widget(body, area);
            let status = Rect::new(area.x, area.bottom().saturating_sub(1), area.width, 1);
            frame.render_widget(Paragraph::new("floor  ? help"), status);
        });
        if let Err(err) = drawn {
            break Err(err);
        }
        match event::read() {
            Ok(Event::Key(key)) => match key.code {
                KeyCode::Char('j') => scroll = scroll.saturating_add(1),
                KeyCode::Char('k') => scroll = scroll.saturating_sub(1),
                KeyCode::Char('q') => break Ok(()),
                _ => {}
            },
            Ok(_) => {}
            Err(err) => break Err(err),
        }
    };
    disable_raw_mode()?;
    execute!(std::io::stdout(), LeaveAlternateScreen)?;
    result
}
