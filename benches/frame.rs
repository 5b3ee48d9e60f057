//! Key to redraw at 200×60: one action through `update` and one full frame drawn on a test
//! terminal, and the same through the reader's own screen down to the bytes it would send the
//! terminal (`screen/...`). The bar is well under a millisecond, independent of the article's
//! length.

mod common;

use std::hint::black_box;
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use broker_reader::Library;
use broker_reader::model::{Article, Block, BlockKind, Issue};
use broker_reader::tui::action::Action;
use broker_reader::tui::app::{State, update};
use broker_reader::tui::foresight::{Foresight, LIKELY};
use broker_reader::tui::screen::Screen;
use broker_reader::tui::view;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

/// A terminal that notes when a frame's first bytes were flushed to it.
#[derive(Default)]
struct FirstFlush {
    bytes: Vec<u8>,
    first: Option<Instant>,
}

impl Write for FirstFlush {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.bytes.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.first.is_none() && !self.bytes.is_empty() {
            self.first = Some(Instant::now());
        }
        Ok(())
    }
}

/// A key press on the reader's own screen: `j` and `k` in turn (`down` says which is next),
/// so that every press moves the text.
fn press_down_or_up<W: Write>(state: &mut State, screen: &mut Screen<W>, down: &mut bool) {
    let action = if *down { Action::Down } else { Action::Up };
    *down = !*down;
    if update(state, black_box(action)) {
        screen
            .draw(|canvas| view::draw(canvas, state))
            .expect("frame");
    }
}

/// The time `iters` presses take until their first write, each after writing over `thrash`
/// (when given) to empty the caches, as after a pause. `press` says whether what it did counts
/// as a press: it may set the scene instead, untimed.
fn first_writes(
    iters: u64,
    mut thrash: Option<&mut [u64]>,
    screen: &mut Screen<FirstFlush>,
    mut press: impl FnMut(&mut Screen<FirstFlush>) -> bool,
) -> Duration {
    let (mut total, mut counted, mut round) = (Duration::ZERO, 0, 0u64);
    while counted < iters {
        if let Some(thrash) = thrash.as_deref_mut() {
            for (j, word) in thrash.iter_mut().enumerate().step_by(8) {
                *word = word.wrapping_add(round ^ j as u64);
            }
            black_box(&thrash);
        }
        round += 1;
        let start = Instant::now();
        let counts = press(screen);
        let sink = screen.writer_mut();
        let first = sink.first.take().unwrap_or_else(Instant::now);
        black_box(std::mem::take(&mut sink.bytes));
        if counts {
            total += first - start;
            counted += 1;
        }
    }
    total
}

/// Benches `press` until its first write as `id`, warm, and as `id_cold` with the caches
/// emptied before each press (by writing over `thrash`), as after a pause.
fn bench_first_writes(
    c: &mut Criterion,
    id: &str,
    thrash: &mut [u64],
    screen: &mut Screen<FirstFlush>,
    mut press: impl FnMut(&mut Screen<FirstFlush>) -> bool,
) {
    for cold in [false, true] {
        let when = if cold { "_cold" } else { "" };
        c.bench_function(&format!("{id}{when}"), |b| {
            b.iter_custom(|iters| {
                let thrash = cold.then_some(&mut *thrash);
                first_writes(iters, thrash, screen, &mut press)
            })
        });
    }
}

/// A synthetic issue with long articles (60 blocks of 90 words each), to show that a frame
/// costs the same however long the article is.
fn long_library() -> Arc<Library> {
    let words = [
        "river",
        "basin",
        "treaty",
        "delta",
        "gauge",
        "drought",
        "council",
        "farmers",
        "data",
        "shared",
        "upstream",
        "reservoir",
        "season",
        "ministers",
        "agreement",
        "Laos",
    ];
    let paragraph = |seed: usize| -> String {
        (0..90)
            .map(|i| words[(seed * 7 + i * 13) % words.len()])
            .collect::<Vec<_>>()
            .join(" ")
            + "."
    };
    let articles = (0..12)
        .map(|a| Article {
            id: a + 1,
            title: format!("Synthetic article {}", a + 1),
            standfirst: Some(paragraph(a)),
            authors: vec!["A. Writer".into()],
            blocks: (0..60)
                .map(|b| {
                    let kind = if b % 9 == 0 {
                        BlockKind::Heading
                    } else {
                        BlockKind::Paragraph
                    };
                    Block::new(kind, paragraph(a * 100 + b))
                })
                .collect(),
            ..Article::default()
        })
        .collect();
    let issue = Issue {
        magazine: "Synthetic".into(),
        articles,
        ..Issue::default()
    };
    Arc::new(Library::from_issue("synthetic", issue))
}

fn bench_frame(c: &mut Criterion) {
    if let Ok(embedded) = Library::embedded() {
        bench_library(c, "embedded", Arc::new(embedded));
    }
    bench_library(c, "long", long_library());
    // The 9 MB archive: a frame must cost the same whatever the size of the issue.
    if let Ok(archive) = Library::from_text("archive", &common::archive()) {
        bench_library(c, "archive", Arc::new(archive));
    }
}

fn bench_library(c: &mut Criterion, name: &str, library: Arc<Library>) {
    let (w, h) = (200, 60);
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    let mut state = State::new(Arc::clone(&library));
    update(&mut state, Action::Resize(w, h));
    terminal
        .draw(|f| view::view(f, &state))
        .expect("first frame");

    // On a busy machine wall time mostly measures waiting for a core; where Linux reports the
    // thread's own CPU time, measure that too.
    if thread_cpu().is_some() {
        let mut down = true;
        c.bench_function(&format!("{name}/key_to_redraw_200x60_cpu"), |b| {
            b.iter_custom(|iters| {
                let start = thread_cpu().unwrap_or_default();
                for _ in 0..iters {
                    let action = if down { Action::Down } else { Action::Up };
                    down = !down;
                    if update(&mut state, black_box(action)) {
                        terminal.draw(|f| view::view(f, &state)).expect("frame");
                    }
                }
                thread_cpu().unwrap_or_default().saturating_sub(start)
            })
        });
    }

    let mut down = true;
    c.bench_function(&format!("{name}/key_to_redraw_200x60"), |b| {
        b.iter(|| {
            let action = if down { Action::Down } else { Action::Up };
            down = !down;
            if update(&mut state, black_box(action)) {
                terminal.draw(|f| view::view(f, &state)).expect("frame");
            }
        })
    });

    // The reader's own path: the first frame onto a blank terminal, then a key's frame.
    c.bench_function(&format!("{name}/screen/first_frame_200x60"), |b| {
        b.iter(|| {
            let mut screen = Screen::new(Vec::with_capacity(1 << 17), Rect::new(0, 0, w, h));
            screen
                .draw(|canvas| view::draw(canvas, &state))
                .expect("frame");
            black_box(screen.writer_mut().len())
        })
    });
    for zoomed in [false, true] {
        // With the text alone on the screen (`z`), it is scrolled on the terminal itself.
        if zoomed {
            update(&mut state, Action::Zoom);
        }
        let mut screen = Screen::new(Vec::with_capacity(1 << 17), Rect::new(0, 0, w, h));
        screen
            .draw(|canvas| view::draw(canvas, &state))
            .expect("first frame");
        let mut down = true;
        let suffix = if zoomed { "_zoomed" } else { "" };
        c.bench_function(&format!("{name}/screen/key_to_bytes_200x60{suffix}"), |b| {
            b.iter(|| {
                screen.writer_mut().clear();
                press_down_or_up(&mut state, &mut screen, &mut down);
                black_box(screen.writer_mut().len())
            })
        });
        // Until the first write only. With the text alone, the scroll and what it brings in
        // go out before the rows it brought along are drawn and checked; beside other panes,
        // before the rows it moved are copied.
        let mut first_screen = Screen::new(FirstFlush::default(), Rect::new(0, 0, w, h));
        first_screen
            .draw(|canvas| view::draw(canvas, &state))
            .expect("first frame");
        // Warm, and with the caches emptied before each press, as after a pause.
        let mut thrash = vec![0u64; 64 << 17];
        bench_first_writes(
            c,
            &format!("{name}/screen/key_to_first_write_200x60{suffix}"),
            &mut thrash,
            &mut first_screen,
            |screen| {
                press_down_or_up(&mut state, screen, &mut down);
                true
            },
        );
        // Answered with the frame drawn ahead for it while the reader waited: until the first
        // write (the drawing ahead for the next press comes after it, untimed), and the whole
        // press with it, the work a key costs the processor.
        let mut foresight = Foresight::look_ahead(&state, &mut first_screen, &LIKELY, || false);
        let mut answer_ahead = |state: &mut State, screen: &mut Screen<FirstFlush>| {
            let action = if down { Action::Down } else { Action::Up };
            down = !down;
            let answered = foresight
                .answer(&action, state, screen, || Ok(()))
                .expect("answer");
            if !answered && update(state, action) {
                screen
                    .draw(|canvas| view::draw(canvas, state))
                    .expect("frame");
            }
            foresight = Foresight::look_ahead(state, screen, &LIKELY, || false);
            answered
        };
        bench_first_writes(
            c,
            &format!("{name}/screen/key_to_first_write_drawn_ahead_200x60{suffix}"),
            &mut thrash,
            &mut first_screen,
            |screen| answer_ahead(&mut state, screen),
        );
        let id = format!("{name}/screen/key_drawn_ahead_with_the_next_200x60{suffix}");
        c.bench_function(&id, |b| {
            b.iter(|| {
                black_box(answer_ahead(&mut state, &mut first_screen));
                let sink = first_screen.writer_mut();
                sink.first = None;
                black_box(std::mem::take(&mut sink.bytes))
            })
        });
        if !zoomed {
            // Reading on, a line at a time, beside the other panes: each press brings a row
            // the column has not shown in the rows above (`j` and `k` in turn only ever show
            // two placings of the text). At the article's end it starts again, untimed.
            bench_first_writes(
                c,
                &format!("{name}/screen/key_to_first_write_200x60_onward"),
                &mut thrash,
                &mut first_screen,
                |screen| {
                    let moved = update(&mut state, black_box(Action::Down));
                    if !moved {
                        update(&mut state, Action::Top);
                    }
                    screen
                        .draw(|canvas| view::draw(canvas, &state))
                        .expect("frame");
                    moved
                },
            );
        }
        if zoomed {
            update(&mut state, Action::Zoom);
        }
    }

    // Every match highlighted on every page.
    let mut state = State::new(Arc::clone(&library));
    update(&mut state, Action::Resize(w, h));
    update(&mut state, Action::Search);
    for ch in "the".chars() {
        update(&mut state, Action::Insert(ch));
    }
    update(&mut state, Action::Open);
    let mut forward = true;
    c.bench_function(&format!("{name}/page_with_matches_200x60"), |b| {
        b.iter(|| {
            let action = if forward {
                Action::PageDown
            } else {
                Action::PageUp
            };
            forward = !forward;
            update(&mut state, black_box(action));
            terminal.draw(|f| view::view(f, &state)).expect("frame");
        })
    });

    c.bench_function(&format!("{name}/resize_rewrap_200x60"), |b| {
        let mut wide = true;
        b.iter(|| {
            let size = if wide { (w, h) } else { (w - 7, h) };
            wide = !wide;
            // A fresh cache each time: the cost of wrapping a whole article at a new width.
            state.wraps.clear();
            update(&mut state, Action::Resize(size.0, size.1));
            terminal.backend_mut().resize(size.0, size.1);
            terminal.draw(|f| view::view(f, &state)).expect("frame");
        })
    });
}

/// CPU time this thread has run, from `/proc/thread-self/schedstat` (nanoseconds).
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

criterion_group!(benches, bench_frame);
criterion_main!(benches);
