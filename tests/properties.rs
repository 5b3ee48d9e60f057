//! Property tests: whatever the input, decoding, parsing, entity extraction and search never
//! panic, and what they produce keeps the invariants the front ends rely on.
//!
//! Inputs are either arbitrary (bytes, strings) or assembled from fragments of the magazine's
//! layout (page headers, titles, bylines, indented lines, blank lines, split ligatures, escape
//! sequences), which reach far deeper into the parser than random text does. Case counts are
//! kept moderate so this runs in CI; raise them with `PROPTEST_CASES=10000`.

use proptest::prelude::*;

use broker_reader::Library;
use broker_reader::model::{Issue, Position};
use broker_reader::search::{self, CaseMode};
use broker_reader::source;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(256),
        // Failures are minimised and reported; no files are written next to the tests.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A character a terminal or the line structure would act on.
fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn check_text(what: &str, text: &str) -> Result<(), TestCaseError> {
    if let Some(c) = text.chars().find(|&c| is_forbidden(c)) {
        return Err(TestCaseError::fail(format!("{what} holds {c:?}: {text:?}")));
    }
    Ok(())
}

fn check_position(issue: &Issue, pos: Position, what: &str) -> Result<(), TestCaseError> {
    // A block's text, or the title's or standfirst's (search looks in those too).
    let text = issue
        .articles
        .get(pos.article())
        .and_then(|a| a.text_of(pos.block));
    let Some(text) = text else {
        return Err(TestCaseError::fail(format!(
            "{what} {pos:?} points at no text"
        )));
    };
    prop_assert!(pos.start <= pos.end, "{} {:?} runs backwards", what, pos);
    prop_assert!(
        pos.end() <= text.len(),
        "{} {:?} ends past its block",
        what,
        pos
    );
    prop_assert!(
        text.is_char_boundary(pos.start()) && text.is_char_boundary(pos.end()),
        "{} {:?} splits a character in {:?}",
        what,
        pos,
        text
    );
    Ok(())
}

/// Everything the front ends assume about an issue.
fn check_issue(issue: &Issue) -> Result<(), TestCaseError> {
    check_text("magazine", &issue.magazine)?;
    if let Some(date) = &issue.date {
        check_text("date", date)?;
    }
    for (i, article) in issue.articles.iter().enumerate() {
        prop_assert_eq!(article.id, i + 1, "article ids run 1..n");
        check_text("section", &article.section)?;
        check_text("title", &article.title)?;
        if let Some(s) = &article.standfirst {
            check_text("standfirst", s)?;
        }
        for author in &article.authors {
            check_text("author", author)?;
        }
        for block in &article.blocks {
            prop_assert!(!block.text.is_empty(), "empty block in article {}", i + 1);
            prop_assert!(
                !block.text.trim().is_empty(),
                "blank block in article {}",
                i + 1
            );
            check_text("block", &block.text)?;
        }
    }
    Ok(())
}

/// Parses, and when the text is an issue, derives everything and checks it; then searches.
fn check_pipeline(text: &str, queries: &[String]) -> Result<(), TestCaseError> {
    check_text_lines(text)?;
    let Ok(library) = Library::from_text("prop.txt", text) else {
        return Ok(());
    };
    check_library(&library, queries)
}

fn check_library(library: &Library, queries: &[String]) -> Result<(), TestCaseError> {
    let issue = &library.issue;
    check_issue(issue)?;
    let entities = &library.entities;
    prop_assert_eq!(entities.by_article.len(), issue.articles.len());
    for entity in &entities.list {
        check_text("entity name", &entity.name)?;
        for alias in &entity.aliases {
            check_text("alias", alias)?;
        }
        check_text("entity description", &entity.description)?;
        for &m in &entity.mentions {
            check_position(issue, m, "mention")?;
            prop_assert!(m.header().is_none(), "mention {:?} outside the blocks", m);
        }
        for &r in &entity.related {
            prop_assert!(r < entities.list.len(), "related entity {} out of range", r);
        }
    }
    for (m, id) in entities.mentions() {
        check_position(issue, m, "mention")?;
        prop_assert!(m.header().is_none(), "mention {:?} outside the blocks", m);
        prop_assert!(id < entities.list.len());
    }
    let all: Vec<_> = entities.mentions().collect();
    prop_assert_eq!(all.len(), entities.mention_count());
    prop_assert!(all.windows(2).all(|w| w[0].0 <= w[1].0));

    // Queries drawn from the text itself find something; arbitrary ones must just be safe.
    let mut queries = queries.to_vec();
    if let Some(block) = issue.articles.iter().flat_map(|a| &a.blocks).last() {
        let word: String = block.text.split_whitespace().last().unwrap_or("").into();
        prop_assert!(
            !library.search_with(&word, CaseMode::Sensitive).is_empty(),
            "{:?} is in the text but not found",
            word
        );
        queries.push(word.to_lowercase());
        queries.push(word);
    }
    for query in &queries {
        for mode in [CaseMode::Sensitive, CaseMode::Insensitive] {
            let hits = library.search_with(query, mode);
            prop_assert!(
                hits.windows(2)
                    .all(|w| w[0].reading_key() <= w[1].reading_key()),
                "hits out of reading order"
            );
            for &hit in &hits {
                check_position(issue, hit, "hit")?;
                let found = issue.text_at(hit).unwrap_or_default();
                let wanted = query.split_whitespace().collect::<Vec<_>>().join(" ");
                if mode == CaseMode::Sensitive {
                    prop_assert_eq!(found, wanted.as_str());
                }
                let text = issue.articles[hit.article()]
                    .text_of(hit.block)
                    .unwrap_or_default();
                let (before, hit_text, after) = search::snippet(text, hit.start(), hit.end(), 40);
                prop_assert_eq!(hit_text.as_str(), found);
                check_text("snippet", &format!("{before}{hit_text}{after}"))?;
            }
        }
    }
    Ok(())
}

/// Decoded text: one `\n` between lines and nothing else a terminal would act on.
fn check_text_lines(text: &str) -> Result<(), TestCaseError> {
    for line in text.split('\n') {
        check_text("decoded line", line)?;
    }
    Ok(())
}

/// Lines in the magazine's layout, damaged the ways extraction damages them, plus the
/// sequences a hostile file would carry.
fn fragment() -> impl Strategy<Value = String> {
    let word = prop::sample::select(vec![
        "water",
        "council",
        "fi",
        "eld",
        "confl",
        "ict",
        "T",
        "he",
        "aid",
        "Lake",
        "Kisumu",
        "(LBC)",
        "2007",
        "–",
        "‘quoted’",
        "www.example.org/",
        "http://econ.",
        "é",
        "ﬁ",
        "a",
        "I",
        "Dr",
        "Ms.",
        "UN",
        "NGOs",
        "Oyelaran",
        "O’Brien",
        "US-led",
        "’s",
        "—",
        "…",
        "1998",
    ]);
    let words = prop::collection::vec(word, 1..12).prop_map(|w| w.join(" "));
    let escape = prop::sample::select(vec![
        "\x1b[31m",
        "\x1b]0;T\x07",
        "\x1b]52;c;QQ==\x1b\\",
        "\x1b]8;;u\x1b\\",
        "\x1bP",
        "\u{9b}",
        "\u{9d}",
        "\u{202e}",
        "\u{2066}",
        "\0",
        "\t",
        "\r",
        "\x0c",
        "\x1b",
        "\u{ad}",
        "\u{feff}",
    ]);
    prop_oneof![
        3 => words.clone(),
        1 => (1u32..400, prop::sample::select(vec!["The Broker", "The Brokr", "the broker"]))
            .prop_map(|(n, m)| format!("{n}{m}  issue 1  April 2007")),
        1 => Just(String::new()),
        1 => Just(" ".to_string()),
        2 => words.clone().prop_map(|w| format!(" {w}")),
        1 => words.clone().prop_map(|w| format!("By {w} ")),
        1 => prop::sample::select(vec!["governance", "environment", " Developments", "water"])
            .prop_map(String::from),
        1 => (words.clone(), escape, words).prop_map(|(a, e, b)| format!("{a}{e}{b}")),
        1 => any::<String>(),
    ]
}

fn layout_text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(fragment(), 0..60),
        prop::sample::select(vec!["\n", "\r\n", "\n\n"]),
    )
        .prop_map(|(lines, sep)| {
            // Start with a header most of the time so the parser gets past the first page.
            let mut text = String::from("\n12The Broker  issue 1  April 2007\n\n");
            text.push_str(&lines.join(sep));
            text
        })
}

fn query() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z ]{0,12}",
        prop::sample::select(vec![
            "", " ", "fi", "é", "ß", "İ", "council", "K", ".*", "(", "\\"
        ])
        .prop_map(String::from),
    ]
}

/// An export as another program (or an attacker) might write it: any strings, any ids.
fn export_json() -> impl Strategy<Value = String> {
    let block = (
        prop::sample::select(vec!["paragraph", "heading", "list_item", "caption", "bio"]),
        fragment(),
    )
        .prop_map(|(kind, text)| serde_json::json!({"kind": kind, "text": text}));
    let article = (
        0usize..1000,
        fragment(),
        fragment(),
        prop::option::of(fragment()),
        prop::collection::vec(fragment(), 0..3),
        prop::collection::vec(block, 0..8),
    )
        .prop_map(|(id, section, title, standfirst, authors, blocks)| {
            serde_json::json!({
                "id": id, "page": 1, "section": section, "title": title,
                "standfirst": standfirst, "authors": authors, "blocks": blocks,
            })
        });
    (fragment(), prop::collection::vec(article, 1..5)).prop_map(|(magazine, articles)| {
        serde_json::json!({
            "magazine": magazine, "issue": 1, "date": null, "pages": [1],
            "articles": articles,
        })
        .to_string()
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn imported_exports_keep_the_invariants(json in export_json(), q in query()) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("export.json");
        std::fs::write(&path, &json).expect("write");
        if let Ok(library) = Library::open(&path) {
            check_issue(&library.issue)?;
            check_library(&library, &[q])?;
        }
    }

    #[test]
    fn arbitrary_bytes_decode_to_clean_text(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let text = source::decode(&bytes);
        check_text_lines(&text)?;
        prop_assert!(!text.contains('\t') && !text.contains('\r'));
        // Decoding is a fixed point: clean text stays as it is.
        let again = source::sanitize(&text);
        prop_assert_eq!(again.as_ref(), text.as_str());
    }

    #[test]
    fn arbitrary_strings_survive_the_pipeline(text in any::<String>(), q in query()) {
        let decoded = source::decode(text.as_bytes());
        check_pipeline(&decoded, &[q])?;
    }

    #[test]
    fn arbitrary_bytes_survive_the_pipeline(
        bytes in prop::collection::vec(any::<u8>(), 0..4096),
        q in query(),
    ) {
        let mut input = b"\n7The Broker  issue 1  April 2007\n\n".to_vec();
        input.extend(bytes);
        check_pipeline(&source::decode(&input), &[q])?;
    }

    #[test]
    fn layout_like_text_survives_the_pipeline(text in layout_text(), q in query()) {
        let decoded = source::decode(text.as_bytes());
        check_pipeline(&decoded, &[q])?;
    }

    #[test]
    fn from_text_accepts_undecoded_strings(text in layout_text()) {
        // `Library::from_text` sanitises itself; raw controls must not get through.
        if let Ok(library) = Library::from_text("raw.txt", &text) {
            check_issue(&library.issue)?;
        }
    }

    #[test]
    fn snippets_never_split_characters(
        text in any::<String>(),
        start in 0usize..64,
        len in 0usize..64,
        width in 0usize..100,
    ) {
        let (before, hit, after) = search::snippet(&text, start, start + len, width);
        prop_assert!(text.contains(&hit));
        prop_assert!(before.len() + hit.len() + after.len() <= text.len() + 6);
    }
}

/// Guards against the properties above passing vacuously: most layout-like texts must get
/// through the parser to articles and blocks, or the invariants are never checked.
#[test]
fn layout_strategy_reaches_the_parser() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = layout_text();
    let (mut parsed, mut with_blocks) = (0, 0);
    for _ in 0..200 {
        let text = strategy.new_tree(&mut runner).expect("a value").current();
        if let Ok(library) = Library::from_text("sample.txt", &text) {
            parsed += 1;
            if library.issue.block_count() > 0 {
                with_blocks += 1;
            }
        }
    }
    eprintln!("layout strategy: {parsed}/200 parsed, {with_blocks}/200 with blocks");
    assert!(parsed >= 100, "only {parsed}/200 parsed");
    assert!(with_blocks >= 60, "only {with_blocks}/200 had blocks");
}

proptest! {
    #![proptest_config(config())]

    /// Positions were `usize` fields before they were narrowed to `u32` to halve mentions'
    /// memory: exports, saved state, the on-disk cache and the build's shipped copy must keep
    /// exactly the bytes they had, so they stay readable across versions.
    #[test]
    fn positions_serialise_as_they_did_with_usize_fields(
        // `u32::MAX` itself is no article (inputs are capped far below), and its 1-based
        // number would not read back into a `u32`.
        article in 0u32..u32::MAX,
        block: u32,
        start: u32,
        end: u32,
    ) {
        #[derive(serde::Serialize)]
        struct Wide {
            article: u64,
            block: usize,
            start: usize,
            end: usize,
        }
        let pos = Position::new(article, block, start, end);
        let wide = Wide {
            article: u64::from(article) + 1,
            block: block as usize,
            start: start as usize,
            end: end as usize,
        };
        let json = serde_json::to_string(&pos).expect("serialises");
        prop_assert_eq!(&json, &serde_json::to_string(&wide).expect("serialises"));
        prop_assert_eq!(serde_json::from_str::<Position>(&json).expect("parses"), pos);
        let bytes = postcard::to_allocvec(&pos).expect("serialises");
        prop_assert_eq!(&bytes, &postcard::to_allocvec(&wide).expect("serialises"));
        prop_assert_eq!(postcard::from_bytes::<Position>(&bytes).expect("decodes"), pos);
    }
}

#[test]
fn article_numbers_outside_u32_or_below_one_are_refused() {
    let json = |article: u64| format!(r#"{{"article":{article},"block":0,"start":0,"end":0}}"#);
    assert!(serde_json::from_str::<Position>(&json(0)).is_err());
    assert!(serde_json::from_str::<Position>(&json(u64::from(u32::MAX) + 1)).is_err());
    assert_eq!(
        serde_json::from_str::<Position>(&json(1)).expect("parses"),
        Position::new(0, 0, 0, 0)
    );
}

// ---------------------------------------------------------------------------------------
// The reader: any sequence of keys, mouse events and resizes.

mod common;

mod reader {
    use std::sync::Arc;

    use crossterm::event::{
        Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
    };
    use proptest::prelude::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use broker_reader::Library;
    use broker_reader::model::Position;
    use broker_reader::tui::app::{Overlay, Saved, State, update};
    use broker_reader::tui::{event, view};

    fn key() -> impl Strategy<Value = Event> {
        let code = prop_oneof![
            8 => prop::sample::select(
                "jkJKbdugGnNqhlm'/?+-[]{}eEoOpPxX ".chars().collect::<Vec<_>>()
            ).prop_map(KeyCode::Char),
            1 => any::<char>().prop_map(KeyCode::Char),
            4 => prop::sample::select(vec![
                KeyCode::Enter, KeyCode::Esc, KeyCode::Tab, KeyCode::BackTab,
                KeyCode::Backspace, KeyCode::Delete, KeyCode::Up, KeyCode::Down,
                KeyCode::Left, KeyCode::Right, KeyCode::Home, KeyCode::End,
                KeyCode::PageUp, KeyCode::PageDown, KeyCode::F(1),
            ]),
        ];
        let modifiers = prop::sample::select(vec![
            KeyModifiers::NONE,
            KeyModifiers::NONE,
            KeyModifiers::NONE,
            KeyModifiers::CONTROL,
            KeyModifiers::SHIFT,
            KeyModifiers::ALT,
        ]);
        (code, modifiers).prop_map(|(c, m)| Event::Key(KeyEvent::new(c, m)))
    }

    fn mouse() -> impl Strategy<Value = Event> {
        let kind = prop::sample::select(vec![
            MouseEventKind::ScrollDown,
            MouseEventKind::ScrollUp,
            MouseEventKind::Down(MouseButton::Left),
            MouseEventKind::Down(MouseButton::Right),
            MouseEventKind::Drag(MouseButton::Left),
            MouseEventKind::Moved,
        ]);
        // Coordinates also outside the screen: terminals report them during resizes.
        (kind, 0u16..300, 0u16..120).prop_map(|(kind, column, row)| {
            Event::Mouse(MouseEvent {
                kind,
                column,
                row,
                modifiers: KeyModifiers::NONE,
            })
        })
    }

    fn resize() -> impl Strategy<Value = Event> {
        prop_oneof![
            Just((0u16, 0u16)),
            Just((1, 1)),
            (0u16..3, 0u16..200),
            (0u16..300, 0u16..3),
            (0u16..300, 0u16..120),
            (u16::MAX - 1..=u16::MAX, 0u16..4),
        ]
        .prop_map(|(w, h)| Event::Resize(w, h))
    }

    fn events() -> impl Strategy<Value = Vec<Event>> {
        prop::collection::vec(
            prop_oneof![10 => key(), 3 => mouse(), 2 => resize()],
            0..120,
        )
    }

    /// A saved state as an older, newer or hand-edited file might hold it.
    fn saved() -> impl Strategy<Value = Saved> {
        let position = (0u32..6, 0u32..12, 0u32..2000, 0u32..2000)
            .prop_map(|(a, b, s, e)| Position::new(a, b, s, e));
        (
            prop::option::of(position.clone()),
            prop::collection::vec(position.clone(), 0..6),
            prop::collection::vec(position, 0..4),
            prop::collection::vec(any::<String>(), 0..30),
            prop::option::of(any::<u16>()),
        )
            .prop_map(|(current, positions, bookmarks, recent, measure)| {
                let mut saved = Saved {
                    recent_searches: recent,
                    measure,
                    ..Saved::default()
                };
                for name in [broker_reader::EMBEDDED_NAME, "test"] {
                    saved.sources.insert(
                        name.to_string(),
                        broker_reader::tui::app::Reading {
                            current,
                            positions: positions.clone(),
                            bookmarks: bookmarks.clone(),
                            saved_at: 0,
                        },
                    );
                }
                saved
            })
    }

    fn libraries() -> Vec<Arc<Library>> {
        let mut libraries = vec![super::common::library()];
        if let Ok(embedded) = Library::embedded() {
            libraries.push(Arc::new(embedded));
        }
        libraries
    }

    fn valid(state: &State, pos: Position) -> bool {
        state
            .library
            .issue
            .articles
            .get(pos.article())
            .is_some_and(|a| pos.block() < a.blocks.len().max(1))
    }

    /// Selection, scroll, history and overlays all point at things that exist.
    fn check_bounds(state: &State) -> Result<(), TestCaseError> {
        let lib = &state.library;
        let articles = lib.issue.articles.len();
        prop_assert!(state.article < articles.max(1), "article {}", state.article);
        prop_assert!(
            state.list_selected < articles.max(1),
            "list {}",
            state.list_selected
        );
        let wrapped = state.wrapped();
        prop_assert!(
            state.top_row(&wrapped) <= wrapped.len(),
            "scrolled past the end"
        );
        prop_assert!(state.percent() <= 100);
        let here = state.reading_position();
        prop_assert_eq!(here.article(), state.article);
        prop_assert!(valid(state, here), "reading position {:?}", here);
        if let Some(i) = state.search.current {
            prop_assert!(i < state.search.hits.len(), "search current {}", i);
        }
        if let Some(c) = state.cursor {
            prop_assert!(c < lib.entities.mention_count(), "mention cursor {}", c);
        }
        let side = state.side_entities();
        prop_assert!(
            state.sidebar.selected < side.len().max(1),
            "sidebar {}",
            state.sidebar.selected
        );
        if let Some(detail) = state.sidebar.detail {
            let entity = lib.entities.get(detail.entity);
            prop_assert!(entity.is_some(), "detail of entity {}", detail.entity);
            let items = entity.map_or(0, |e| e.mentions.len() + e.related.len());
            prop_assert!(
                detail.selected < items.max(1),
                "detail item {}",
                detail.selected
            );
        }
        if let Some(Overlay::Picker(picker)) = &state.overlay {
            prop_assert!(picker.selected < picker.matches.len().max(1));
            prop_assert!(picker.matches.iter().all(|&e| e < lib.entities.list.len()));
        }
        prop_assert!(
            state.back.len() <= 200 && state.forward.len() <= 200,
            "history grows"
        );
        for place in state.back.iter().chain(&state.forward) {
            prop_assert!(valid(state, place.top), "history place {:?}", place.top);
            if let Some(e) = place.entity {
                prop_assert!(e < lib.entities.list.len());
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(super::config())]

        #[test]
        fn random_sessions_never_panic_and_stay_in_bounds(
            which in 0usize..2,
            restored in prop::option::of(saved()),
            events in events(),
        ) {
            let libraries = libraries();
            let library = Arc::clone(&libraries[which % libraries.len()]);
            let mut state = State::new(library);
            if let Some(saved) = &restored {
                state.restore(saved);
            }
            update(&mut state, broker_reader::tui::action::Action::Resize(80, 24));
            let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");
            for event in events {
                if let Event::Resize(w, h) = event {
                    // What the terminal itself would now be.
                    terminal = Terminal::new(TestBackend::new(w, h))
                        .expect("test terminal");
                }
                if let Some(action) = event::to_action(&state, &event) {
                    update(&mut state, action);
                }
                if state.quit {
                    break;
                }
                check_bounds(&state)?;
                terminal.draw(|frame| view::view(frame, &state)).expect("draw");
            }
            // Whatever happened, what gets saved loads back into a fresh reader.
            let saved = state.saved(Saved::default());
            let json = serde_json::to_string(&saved).expect("encode");
            let back: Saved = serde_json::from_str(&json).expect("decode");
            let mut fresh = State::new(Arc::clone(&state.library));
            fresh.restore(&back);
            check_bounds(&fresh)?;
        }
    }
}
