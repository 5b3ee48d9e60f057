//! Whole-screen snapshots of the reader on a fixed-size test terminal, driven by keys, plus
//! checks that every mark survives without colour and that no size makes drawing panic.

mod common;

use broker_reader::tui::action::Action;
use broker_reader::tui::app::{State, update};
use broker_reader::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;

const SIZES: [(u16, u16); 3] = [(120, 40), (80, 24), (40, 12)];

use common::{keys, search_for, state, type_text};

fn draw(s: &State) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(s.size.0, s.size.1)).expect("test terminal");
    terminal.draw(|frame| view::view(frame, s)).expect("draw");
    terminal
}

fn screen(s: &State) -> String {
    draw(s).backend().to_string()
}

#[test]
fn opening_screen() {
    for (w, h) in SIZES {
        let s = state(w, h);
        insta::assert_snapshot!(format!("open_{w}x{h}"), screen(&s));
    }
}

#[test]
fn search_results() {
    for (w, h) in SIZES {
        let mut s = state(w, h);
        keys(&mut s, "/");
        type_text(&mut s, "MRC");
        insta::assert_snapshot!(format!("search_typing_{w}x{h}"), screen(&s));
        keys(&mut s, "enter n");
        insta::assert_snapshot!(format!("search_{w}x{h}"), screen(&s));
    }
}

#[test]
fn entity_detail() {
    for (w, h) in SIZES {
        let mut s = state(w, h);
        keys(&mut s, "] ] enter");
        insta::assert_snapshot!(format!("entity_{w}x{h}"), screen(&s));
    }
}

#[test]
fn article_list_and_list_items() {
    for (w, h) in SIZES {
        let mut s = state(w, h);
        keys(&mut s, "shift-tab j");
        insta::assert_snapshot!(format!("list_{w}x{h}"), screen(&s));
        keys(&mut s, "enter");
        insta::assert_snapshot!(format!("questions_{w}x{h}"), screen(&s));
    }
}

#[test]
fn overlays() {
    let mut s = state(120, 40);
    keys(&mut s, "?");
    insta::assert_snapshot!("help_120x40", screen(&s));
    let mut s = state(80, 24);
    keys(&mut s, "e");
    type_text(&mut s, "la");
    insta::assert_snapshot!("picker_80x24", screen(&s));
}

#[test]
fn too_small() {
    let s = state(20, 4);
    insta::assert_snapshot!("too_small", screen(&s));
}

fn find(buffer: &Buffer, text: &str) -> Vec<(u16, u16)> {
    let area = buffer.area;
    let mut found = Vec::new();
    for y in 0..area.height {
        let row: String = (0..area.width)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        // Cells are one column each for this ASCII text.
        let mut from = 0;
        while let Some(i) = row[from..].find(text) {
            let x = row[..from + i].chars().count();
            found.push((x as u16, y));
            from += i + text.len();
        }
    }
    found
}

#[test]
fn marks_survive_without_colour() {
    let mut s = state(120, 40);
    search_for(&mut s, "delta");
    let terminal = draw(&s);
    let buffer = terminal.backend().buffer();
    let matches = find(buffer, "delta");
    assert!(matches.len() >= 2, "{matches:?}");
    let modifiers: Vec<Modifier> = matches
        .iter()
        .map(|&(x, y)| buffer[(x, y)].modifier)
        .collect();
    assert!(modifiers.iter().all(|m| m.contains(Modifier::REVERSED)));
    assert!(
        modifiers.iter().any(|m| m.contains(Modifier::BOLD)),
        "the current match is bold as well"
    );
    // Only the text pane (between the list and the sidebar) marks mentions.
    let mentions: Vec<(u16, u16)> = find(buffer, "Laos")
        .into_iter()
        .filter(|&(x, _)| (25..89).contains(&x))
        .collect();
    assert!(!mentions.is_empty());
    for (x, y) in mentions {
        assert!(buffer[(x, y)].modifier.contains(Modifier::UNDERLINED));
    }
    // The focused pane's title is bold and its border thick.
    let titles = find(buffer, "Rivers without borders");
    let (x, y) = titles[0];
    assert_eq!(y, 0);
    assert!(buffer[(x, y)].modifier.contains(Modifier::BOLD));
    assert_eq!(buffer[(x - 6, 0)].symbol(), "┏");
}

#[test]
fn no_size_panics() {
    let mut s = state(120, 40);
    for script in ["", "?", "e", "/ x", "] enter", "tab tab"] {
        keys(&mut s, "esc esc esc");
        keys(&mut s, script);
        for w in [0u16, 1, 2, 5, 23, 24, 25, 39, 40, 63, 64, 109, 110, 250] {
            for h in [0u16, 1, 2, 5, 6, 7, 12, 100] {
                update(&mut s, Action::Resize(w, h));
                // The test backend cannot print a zero-width screen, so only draw.
                let _ = draw(&s);
            }
        }
    }
}

#[test]
fn help_goes_to_its_ends_and_says_where_it_is() {
    let mut s = state(80, 24);
    keys(&mut s, "?");
    let total = broker_reader::tui::view::overlay::help_lines(&s).len();
    // The help box's bottom border, where it says which of its lines show.
    let bottom = |s: &State| {
        screen(s)
            .lines()
            .find(|row| row.contains("╚") && row.contains(" of "))
            .unwrap_or_default()
            .to_string()
    };
    // The box takes every row but the status bar's; its borders take two.
    let shown = usize::from(s.size.1) - 3;
    assert!(
        bottom(&s).contains(&format!(" 1–{shown} of {total} ↓ ")),
        "{}",
        bottom(&s)
    );
    keys(&mut s, "G");
    let Some(broker_reader::tui::app::Overlay::Help { scroll }) = s.overlay else {
        panic!("the help is open");
    };
    assert!(scroll > 0);
    assert!(
        bottom(&s).contains(&format!(" of {total} ↑ ")),
        "the last line shows: {}",
        bottom(&s)
    );
    keys(&mut s, "G j");
    assert_eq!(
        s.overlay,
        Some(broker_reader::tui::app::Overlay::Help { scroll }),
        "no further"
    );
    keys(&mut s, "g");
    assert_eq!(
        s.overlay,
        Some(broker_reader::tui::app::Overlay::Help { scroll: 0 })
    );
    // A help that fits says nothing of where it is.
    let mut tall = state(120, 90);
    keys(&mut tall, "?");
    assert!(bottom(&tall).is_empty(), "{}", bottom(&tall));
}

#[test]
fn matches_in_the_title_and_standfirst_are_marked() {
    let mut s = state(120, 40);
    search_for(&mut s, "rivers");
    let terminal = draw(&s);
    let buffer = terminal.backend().buffer();
    // The title (`Rivers without borders`) and the standfirst (`Shared rivers ...`) in the
    // text pane, which lies between the list and the sidebar, below its border (whose title
    // names the article too).
    let in_text: Vec<(u16, u16)> = find(buffer, "ivers")
        .into_iter()
        .filter(|&(x, y)| (25..89).contains(&x) && y > 0)
        .collect();
    assert!(in_text.len() >= 2, "{in_text:?}");
    for &(x, y) in &in_text {
        assert!(
            buffer[(x, y)].modifier.contains(Modifier::REVERSED),
            "unmarked at {x},{y}"
        );
    }
    let current: Vec<bool> = in_text
        .iter()
        .map(|&(x, y)| buffer[(x, y)].modifier.contains(Modifier::BOLD))
        .collect();
    assert_eq!(
        current.first(),
        Some(&true),
        "the title's is the current match"
    );
}
