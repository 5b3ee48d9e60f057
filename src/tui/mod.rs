//! The terminal reader: three panes (articles, text, entities), search, entity jumps and a
//! back/forward history.
//!
//! The shape is State + `update` + view: terminal events become [`action::Action`]s through
//! the key table ([`keymap`]), [`app::update`] is the only place state changes and says
//! whether anything changed, and [`view::draw`] draws the state without changing it. The
//! loop redraws only after a change, and while it waits for a key it draws ahead, from copies
//! of the state, the frames of the keys pressed most ([`foresight`]). The terminal is
//! restored on every way out: normal quit, error, panic, SIGTERM and SIGHUP.

pub mod action;
pub mod app;
pub mod event;
pub mod foresight;
pub mod keymap;
pub mod link;
pub mod screen;
pub mod theme;
pub mod view;
pub mod wrap;

use std::io::{BufWriter, IsTerminal, stdout};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context as _;
use crossterm::cursor::Show;
use crossterm::event::{self as ct, DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::layout::Rect;

use crate::Library;
use crate::load::LoadEvent;
use crate::store::Store;
use action::Action;
use app::{STATE_FILE, Saved, State, update};
use foresight::Foresight;

/// How long the loop sleeps waiting for input before checking signals and background work.
const TICK: Duration = Duration::from_millis(100);
/// How long the work after an answer waits for the terminal to show it ([`settle`]).
const SETTLE: Duration = Duration::from_millis(1);
/// Upper bound on events handled between two frames, so a flood cannot starve drawing.
const BURST: usize = 512;

/// What the config file and the command line set up before the reader starts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Settings {
    pub keymap: keymap::Keymap,
    pub theme: theme::Theme,
    pub layout: crate::config::Layout,
    /// Said in the status bar on start (a broken config file, for instance).
    pub warnings: Vec<String>,
    /// Where a `--file` is looked up before it is parsed, and its parse kept; off by default.
    pub cache: crate::cache::Cache,
}

/// The terminal's size and the buffer the first frame is drawn into, set going as soon as the
/// command line says the reader will draw. The buffer (half a megabyte at 200×60, a page
/// fault every 4 KB) is made on the other core while this one reads the configuration, opens
/// the issue and lays out the saved place; started any later, the first frame waits for it.
pub struct FirstScreen {
    size: Option<(u16, u16)>,
    buffer: Option<BlankBuffer>,
}

impl FirstScreen {
    pub fn start() -> Self {
        let size = crossterm::terminal::size().ok();
        let buffer =
            size.and_then(|(width, height)| BlankBuffer::start(Rect::new(0, 0, width, height)));
        Self { size, buffer }
    }
}

/// A blank screen buffer made by whichever thread reaches it first: the helper started for
/// it, or the thread that needs it.
///
/// The scheduler often queues a new thread on the core of the thread that made it, where it
/// runs only once that thread blocks. Waiting for such a helper would cost two context
/// switches on top of the work; the thread that needs the buffer makes it itself instead, and
/// the helper, when it runs, finds it taken and ends.
struct BlankBuffer {
    area: Rect,
    taken: Arc<AtomicBool>,
    helper: JoinHandle<Option<ratatui::buffer::Buffer>>,
}

impl BlankBuffer {
    fn start(area: Rect) -> Option<Self> {
        let taken = Arc::new(AtomicBool::new(false));
        let claim = Arc::clone(&taken);
        let helper = std::thread::Builder::new()
            .name("screen-buffer".into())
            .spawn(move || make_unless_taken(&claim, area))
            .ok()?;
        Some(Self {
            area,
            taken,
            helper,
        })
    }

    fn finish(self) -> ratatui::buffer::Buffer {
        if self.taken.swap(true, Ordering::AcqRel) {
            // The helper got there first: it is making the buffer, or has made it.
            if let Ok(Some(buffer)) = self.helper.join() {
                return buffer;
            }
        }
        ratatui::buffer::Buffer::empty(self.area)
    }
}

/// The helper's part of [`BlankBuffer`]: the buffer, unless the other thread took it on.
fn make_unless_taken(taken: &AtomicBool, area: Rect) -> Option<ratatui::buffer::Buffer> {
    (!taken.swap(true, Ordering::AcqRel)).then(|| ratatui::buffer::Buffer::empty(area))
}

/// Runs the reader until the user quits.
pub fn run(library: Library) -> anyhow::Result<Ended> {
    run_configured(library, Settings::default(), FirstScreen::start())
}

/// Runs the reader with keys, theme and layout from the configuration.
pub fn run_configured(
    library: Library,
    settings: Settings,
    screen: FirstScreen,
) -> anyhow::Result<Ended> {
    let (store, mut warnings) = Store::open_unchecked();
    warnings.extend(settings.warnings.iter().cloned());
    run_full(
        Arc::new(library),
        store,
        settings,
        screen,
        warnings,
        None,
        None,
    )
}

/// Runs the reader on the embedded issue, which the build parsed: text and entities are both
/// there for the first frame, with nothing left to load.
pub fn run_embedded(settings: Settings, screen: FirstScreen) -> anyhow::Result<Ended> {
    run_configured(Library::embedded()?, settings, screen)
}

/// Runs the reader on a file. It opens on the text at once (on the first pages of a large
/// file); entities, and the rest of a large file, load in the background, with their progress
/// in the status bar, and replace the first view when ready.
pub fn run_file(path: &std::path::Path) -> anyhow::Result<Ended> {
    run_file_configured(path, Settings::default(), FirstScreen::start())
}

/// [`run_file`] with keys, theme and layout from the configuration.
pub fn run_file_configured(
    path: &std::path::Path,
    settings: Settings,
    screen: FirstScreen,
) -> anyhow::Result<Ended> {
    let (tx, rx) = std::sync::mpsc::channel();
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    // Whether to report progress is known only once the head is read; the sink checks a flag.
    let announce = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&announce);
    let mut announced = forward(name.clone(), true, tx.clone());
    let mut quiet = forward(name, false, tx);
    let opened = crate::load::open_cached_with(path, &settings.cache, move |event| {
        if flag.load(Ordering::Relaxed) {
            announced(event);
        } else {
            quiet(event);
        }
    })?;
    announce.store(opened.partial, Ordering::Relaxed);
    run_opened(opened, rx, settings, screen)
}

/// Turns background load events into reader actions; progress and completion are only shown
/// when `announce` is set (a large file), failures always.
fn forward(
    name: String,
    announce: bool,
    tx: std::sync::mpsc::Sender<Action>,
) -> impl FnMut(LoadEvent) + Send + 'static {
    move |event| {
        let actions = match event {
            LoadEvent::Progress(stage) if announce => {
                vec![Action::Message(format!("{name}: {}", stage.describe()))]
            }
            LoadEvent::Progress(_) => Vec::new(),
            LoadEvent::Done(library, took) => {
                let articles = library.issue.articles.len();
                let mut actions = vec![Action::LibraryUpdated(action::LibraryHandle(Arc::new(
                    *library,
                )))];
                if announce {
                    actions.push(Action::Message(format!(
                        "{name}: {articles} articles loaded in {:.1} s",
                        took.as_secs_f64()
                    )));
                }
                actions
            }
            LoadEvent::Failed(err) => vec![Action::Message(format!(
                "{name}: only the first pages could be read: {err}"
            ))],
        };
        for action in actions {
            // A closed channel means the reader has quit; the rest of the load is unwanted.
            let _ = tx.send(action);
        }
    }
}

fn run_opened(
    opened: crate::load::Opened,
    rx: std::sync::mpsc::Receiver<Action>,
    settings: Settings,
    screen: FirstScreen,
) -> anyhow::Result<Ended> {
    let (store, mut warnings) = Store::open_unchecked();
    warnings.extend(settings.warnings.iter().cloned());
    let updates = opened.thread.is_some().then_some(rx);
    run_full(
        Arc::new(opened.first),
        store,
        settings,
        screen,
        warnings,
        updates,
        Some(opened.hold),
    )
}

/// Runs the reader with a given store. `updates` carries actions from background work, such
/// as [`Action::LibraryUpdated`] when a larger archive has loaded or a progress
/// [`Action::Message`].
pub fn run_with(
    library: Arc<Library>,
    store: &Store,
    warnings: Vec<String>,
    updates: Option<Receiver<Action>>,
) -> anyhow::Result<Ended> {
    run_full(
        library,
        store.clone(),
        Settings::default(),
        FirstScreen::start(),
        warnings,
        updates,
        None,
    )
}

fn run_full(
    library: Arc<Library>,
    mut store: Store,
    settings: Settings,
    screen: FirstScreen,
    mut warnings: Vec<String>,
    updates: Option<Receiver<Action>>,
    hold: Option<crate::load::Hold>,
) -> anyhow::Result<Ended> {
    let mut state = State::new(library);
    // Known now, the real size lets setting up and restoring the place lay the article out
    // once, at the width the first frame uses, rather than first at a default size.
    if let Some(size) = screen.size {
        state.size = size;
    }
    let area = Rect::new(0, 0, state.size.0, state.size.1);
    state.configure(settings.keymap, settings.theme, settings.layout);
    let (saved, warning) = store.load::<Saved>(STATE_FILE);
    warnings.extend(warning);
    state.restore(&saved);
    if !warnings.is_empty() {
        state.message = Some(warnings.join("; "));
    }

    // The number of the signal that asks the reader to stop; 0 while none has.
    let stop = Arc::new(AtomicUsize::new(0));
    #[cfg(unix)]
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        let number = usize::try_from(signal).unwrap_or_default();
        signal_hook::flag::register_usize(signal, Arc::clone(&stop), number)
            .context("cannot install signal handlers")?;
    }

    let mut terminal = open_screen(area).context("cannot set up the terminal")?;
    if let Some(buffer) = screen.buffer {
        terminal.use_blank(buffer.finish());
    }
    let guard = Restore;
    let _ = execute!(stdout(), EnableMouseCapture);
    let shared = Arc::new(Shared {
        session: Mutex::new(Session {
            state,
            terminal: Some(terminal),
            outcome: None,
            foresight: Foresight::default(),
        }),
        finished: Condvar::new(),
    });
    let result = event_loop(&shared, &mut store, &stop, updates.as_ref(), hold);
    let mut session = lock(&shared.session);
    if let Some(mut terminal) = session.terminal.take() {
        // Fails only when the terminal is gone, and then there is nothing left to restore.
        let _ = terminal.show_cursor();
    }
    drop(guard);

    let saved = session.state.saved(saved);
    drop(session);
    // Already done after the first frame, unless the reader failed before it.
    store.check_writable();
    store
        .save(STATE_FILE, &saved)
        .context("cannot save the reading position")?;
    result?;
    Ok(match i32::try_from(stop.load(Ordering::Relaxed)) {
        Ok(0) | Err(_) => Ended::Quit,
        Ok(signal) => Ended::Signal(signal),
    })
}

/// How a reading session ended, the place saved and the terminal restored either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The user quit, or the terminal went away.
    Quit,
    /// This signal (SIGTERM or SIGHUP) asked the reader to stop.
    Signal(i32),
}

/// The terminal as the reader draws on it. Frames go through a buffer large enough for a
/// whole frame, so each redraw leaves in one write, which is what a key press costs the
/// terminal.
type Screen = screen::Screen<BufWriter<TerminalOut>>;

/// Where frames are written. On Unix, a handle of its own on the standard output, not
/// [`std::io::Stdout`]: that one is line-buffered, and would send a frame holding a line feed (the
/// scroll of a `j` press) in two writes, the terminal waking for each. Elsewhere `Stdout`,
/// which turns text into what a Windows console takes.
#[cfg(unix)]
type TerminalOut = std::fs::File;
#[cfg(not(unix))]
type TerminalOut = std::io::Stdout;

#[cfg(unix)]
fn terminal_out() -> std::io::Result<TerminalOut> {
    use std::os::fd::AsFd;
    Ok(std::fs::File::from(stdout().as_fd().try_clone_to_owned()?))
}

#[cfg(not(unix))]
fn terminal_out() -> std::io::Result<TerminalOut> {
    Ok(stdout())
}

/// Room for a full redraw of a large window with colours, in bytes.
const FRAME_BUFFER: usize = 1 << 17;

/// Raw mode, the alternate screen, and a panic hook that puts both back (and releases the
/// mouse) before the panic message is printed. Not `ratatui::try_init`: its terminal writes
/// straight to the unbuffered standard output, and its hook reports a failed restore with
/// `eprintln!`, which panics again on a terminal that has hung up.
fn open_screen(area: Rect) -> std::io::Result<Screen> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // The screen hides the cursor and, unlike ratatui's terminal, shows it again only
        // when the reader leaves normally.
        let _ = execute!(stdout(), DisableMouseCapture, Show);
        let _ = leave_screen();
        previous(info);
    }));
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen, Clear(ClearType::All))?;
    Ok(screen::Screen::new(
        BufWriter::with_capacity(FRAME_BUFFER, terminal_out()?),
        area,
    ))
}

/// Draws the state, first following a change of the terminal's size; once the frame is out,
/// readies the buffer for the next.
fn draw(terminal: &mut Screen, state: &State) -> std::io::Result<()> {
    let (width, height) = state.size;
    terminal.resize(Rect::new(0, 0, width, height))?;
    terminal.draw(|canvas| view::draw(canvas, state))?;
    terminal.tidy_spare();
    Ok(())
}

/// Puts the terminal back however the loop ends.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = execute!(stdout(), DisableMouseCapture, Show);
        // Failure is not reported: `eprintln!` panics when the terminal has hung up, and the
        // panic would abort the process before it saves.
        let _ = leave_screen();
    }
}

/// Raw mode off, then the main screen back: raw mode first, as it has more side effects.
fn leave_screen() -> std::io::Result<()> {
    disable_raw_mode()?;
    execute!(stdout(), LeaveAlternateScreen)
}

/// The state and the screen, shared by the two threads of the loop: the one that reads the
/// terminal, and the one that keeps time.
struct Shared {
    session: Mutex<Session>,
    /// Signalled when the input thread stops: the user quit, or reading failed.
    finished: Condvar,
}

struct Session {
    state: State,
    /// Taken when the reader leaves, so that nothing is drawn after the terminal is restored.
    terminal: Option<Screen>,
    /// How the input thread ended: the user quit, or reading or drawing failed.
    outcome: Option<anyhow::Result<()>>,
    /// Frames drawn ahead for the next key, while the reader waits for it.
    foresight: Foresight,
}

impl Session {
    /// The state with the screen to draw it on, while the reader has not left.
    fn screen(&mut self) -> Option<(&mut State, &mut Screen)> {
        let terminal = self.terminal.as_mut()?;
        Some((&mut self.state, terminal))
    }
}

/// The session, also after the input thread panicked while holding it (the panic itself is
/// passed on once the loop notices the thread is gone).
fn lock(session: &Mutex<Session>) -> MutexGuard<'_, Session> {
    session.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Draws the first frame, then hands the keys to a thread of their own that updates and
/// redraws as soon as a key arrives (no hand-over between threads on the way to the screen),
/// while this thread ticks: it applies background work and leaves on a signal or when the
/// terminal is gone. crossterm's reader can spin without returning once the terminal is gone
/// (end of file on the tty) or wait for the rest of an escape sequence, so the thread blocked
/// in it is never the one that must notice SIGHUP or SIGTERM; the process exit ends it.
fn event_loop(
    shared: &Arc<Shared>,
    store: &mut Store,
    stop: &AtomicUsize,
    updates: Option<&Receiver<Action>>,
    hold: Option<crate::load::Hold>,
) -> anyhow::Result<()> {
    {
        let mut session = lock(&shared.session);
        let Some((state, terminal)) = session.screen() else {
            return Ok(());
        };
        // The size the terminal was set up with: asking again would open the tty once more.
        let area = terminal.area();
        update(state, Action::Resize(area.width, area.height));
        draw(terminal, state)?;
        terminal.prepare_next();
    }
    // The first frame is out: background loading may have the processor now.
    if let Some(hold) = hold {
        hold.release();
    }
    let mut input = spawn_input_loop(Arc::clone(shared));
    // Whether the place can be saved is known only now, a file created and removed later.
    if let Some(warning) = store.check_writable() {
        let mut session = lock(&shared.session);
        if let Some((state, terminal)) = session.screen() {
            let message = match &state.message {
                Some(earlier) => format!("{earlier}; {warning}"),
                None => warning,
            };
            update(state, Action::Message(message));
            draw(terminal, state)?;
        }
    }
    let had_terminal = std::io::stdout().is_terminal();
    let mut session = lock(&shared.session);
    loop {
        if let Some(result) = session.outcome.take() {
            return result;
        }
        if session.state.quit || stop.load(Ordering::Relaxed) != 0 {
            return Ok(());
        }
        match input.take() {
            // A poisoned session means the input thread is panicking (its hook has already
            // put the terminal back): nothing more is drawn; wait for it to finish unwinding.
            Some(thread) if thread.is_finished() || shared.session.is_poisoned() => {
                drop(session);
                // It ended without an outcome: it panicked, and so does the reader.
                if let Err(panic) = thread.join() {
                    std::panic::resume_unwind(panic);
                }
                return Ok(());
            }
            Some(thread) => input = Some(thread),
            // The thread could not start: there is no input to wait for.
            None => return Ok(()),
        }
        let mut changed = false;
        if let Some(rx) = updates {
            while let Ok(action) = rx.try_recv() {
                changed |= update(&mut session.state, action);
            }
        }
        if changed {
            // Drawn ahead from the state before: of no use now.
            session.foresight = Foresight::default();
            if let Some((state, terminal)) = session.screen() {
                draw(terminal, state)?;
            }
        }
        // A hung-up terminal stops answering terminal queries; leave (and save) rather than
        // run on as an orphan.
        if had_terminal && !std::io::stdout().is_terminal() {
            return Ok(());
        }
        session = shared
            .finished
            .wait_timeout(session, TICK)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
}

/// Starts the thread that reads keys and redraws after them; `None` if it cannot start.
fn spawn_input_loop(shared: Arc<Shared>) -> Option<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("terminal-input".into())
        .spawn(move || {
            let result = input_loop(&shared);
            let mut session = lock(&shared.session);
            session.outcome = Some(result);
            shared.finished.notify_all();
        })
        .ok()
}

/// Reads keys until the user quits, reading fails or the reader is leaving; each burst of
/// events goes through `update` and, when it changed anything, is drawn at once. A key that a
/// frame was drawn ahead for is answered with it, before more keys are looked for; once no key
/// is waiting, the frames of the likeliest next keys are drawn ahead.
fn input_loop(shared: &Shared) -> anyhow::Result<()> {
    let mut events = Vec::with_capacity(BURST);
    loop {
        events.clear();
        events.push(ct::read()?);
        let mut session = lock(&shared.session);
        let Session {
            state,
            terminal: Some(terminal),
            foresight,
            ..
        } = &mut *session
        else {
            return Ok(());
        };
        // Answered before looking for more keys: that look is a system call.
        let mut foreseen = std::mem::take(foresight);
        if let Some(action) = event::to_action(state, &events[0])
            && foreseen.answer(&action, state, terminal, settle)?
        {
            events.clear();
        }
        while events.len() < BURST && ct::poll(Duration::ZERO)? {
            events.push(ct::read()?);
        }
        event::merge_resizes(&mut events);
        let mut changed = false;
        // Each key is looked up after the previous one took effect: `/` opens the prompt and
        // the letters typed right after it belong to the prompt.
        for event in &events {
            if let Some(action) = event::to_action(state, event) {
                changed |= update(state, action);
            }
            if state.quit {
                return Ok(());
            }
        }
        if !state.effects.is_empty() {
            changed |= perform_effects(state);
        }
        if changed {
            draw(terminal, state)?;
        }
        if !ct::poll(Duration::ZERO)? {
            *foresight = Foresight::look_ahead(state, terminal, &foresight::LIKELY, || {
                ct::poll(Duration::ZERO).unwrap_or(true)
            });
        }
    }
}

/// Waits a moment after a key answered with a frame drawn ahead, or until the next key comes,
/// before the work that follows (catching the screen up, drawing ahead again): the terminal
/// shows the answer first. Timed in a pseudo-terminal, that work started at once delayed the
/// answer's arrival by some 0.02 to 0.03 ms, the reader keeping busy the processor the other
/// end would have woken on.
fn settle() -> std::io::Result<()> {
    ct::poll(SETTLE)?;
    Ok(())
}

/// Does what `update` asked for outside the state; a failure becomes a status message.
fn perform_effects(state: &mut State) -> bool {
    let browser = std::env::var("BROWSER").ok();
    let in_tmux = std::env::var_os("TMUX").is_some_and(|v| !v.is_empty());
    for effect in std::mem::take(&mut state.effects) {
        let result = match &effect {
            app::Effect::OpenUrl(url) => link::open(url, browser.as_deref())
                .with_context(|| format!("cannot start a browser for {url}")),
            app::Effect::Copy(text) => {
                link::copy(&mut stdout(), text, in_tmux).context("cannot write to the terminal")
            }
        };
        if let Err(err) = result {
            state.message = Some(crate::cli::error_chain(&err));
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::buffer::Buffer;

    const AREA: Rect = Rect::new(0, 0, 37, 11);

    #[test]
    fn the_helper_makes_the_buffer_only_when_it_claims_it() {
        let taken = AtomicBool::new(false);
        assert_eq!(make_unless_taken(&taken, AREA), Some(Buffer::empty(AREA)));
        assert!(taken.load(Ordering::Acquire), "the claim is recorded");
        assert_eq!(
            make_unless_taken(&taken, AREA),
            None,
            "a second claim fails"
        );
    }

    #[test]
    fn a_buffer_the_helper_made_is_the_one_used() {
        let blank = BlankBuffer::start(AREA).expect("thread started");
        while !blank.taken.load(Ordering::Acquire) {
            std::thread::yield_now();
        }
        assert_eq!(blank.finish(), Buffer::empty(AREA));
    }

    #[test]
    fn a_helper_that_has_not_run_is_not_waited_for() {
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let taken = Arc::new(AtomicBool::new(false));
        let claim = Arc::clone(&taken);
        // A helper held back until the buffer is finished: waiting for it would hang.
        let helper = std::thread::spawn(move || {
            let _ = wait.recv();
            make_unless_taken(&claim, AREA)
        });
        let blank = BlankBuffer {
            area: AREA,
            taken: Arc::clone(&taken),
            helper,
        };
        assert_eq!(blank.finish(), Buffer::empty(AREA));
        let _ = release.send(());
    }
}
