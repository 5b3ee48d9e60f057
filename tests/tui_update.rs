//! The reader's behaviour as actions in, state out: no terminal involved.

mod common;

use std::sync::Arc;

use broker_reader::Library;
use broker_reader::model::{Article, Block, BlockKind};
use broker_reader::store::Store;
use broker_reader::tui::action::{Action, LibraryHandle, Mouse, MouseKind};
use broker_reader::tui::app::{
    Overlay, Pane, Reading, SOURCES_LIMIT, STATE_FILE, Saved, State, update,
};

use common::{keys, search_for, state, type_text};

#[test]
fn scrolls_the_text_and_reports_progress() {
    let mut s = state(80, 24);
    assert_eq!(s.article, 0);
    assert_eq!(s.top_row(&s.wrapped()), 0);
    keys(&mut s, "j j j");
    assert_eq!(s.top_row(&s.wrapped()), 3);
    keys(&mut s, "k");
    assert_eq!(s.top_row(&s.wrapped()), 2);
    let before = s.percent();
    keys(&mut s, "G");
    let wrapped = s.wrapped();
    assert_eq!(s.top_row(&wrapped), wrapped.len() - s.body_height());
    assert_eq!(s.percent(), 100);
    assert!(before < 100);
    keys(&mut s, "g");
    assert_eq!(s.top_row(&s.wrapped()), 0);
    keys(&mut s, "d");
    assert_eq!(s.top_row(&s.wrapped()), s.body_height() / 2);
    assert!(!update(&mut s, Action::Up) || s.top_row(&s.wrapped()) < s.body_height() / 2);
}

#[test]
fn nothing_changes_when_nothing_can_move() {
    let mut s = state(80, 24);
    assert!(!update(&mut s, Action::Up), "already at the top");
    assert!(!update(&mut s, Action::Resize(80, 24)), "same size");
}

#[test]
fn space_at_the_end_turns_to_the_next_article() {
    let mut s = state(80, 24);
    keys(&mut s, "G space");
    assert_eq!(s.article, 1);
    assert_eq!(s.top_row(&s.wrapped()), 0);
}

#[test]
fn opening_an_article_is_a_jump_that_can_be_undone() {
    let mut s = state(120, 40);
    keys(&mut s, "j j");
    let start = s.reading_position();
    keys(&mut s, "shift-tab");
    assert_eq!(s.focus, Pane::Articles);
    keys(&mut s, "j enter");
    assert_eq!(s.article, 1);
    assert_eq!(s.focus, Pane::Body);
    keys(&mut s, "backspace");
    assert_eq!(s.article, 0);
    assert_eq!(s.reading_position(), start);
    keys(&mut s, "L");
    assert_eq!(s.article, 1);
    keys(&mut s, "ctrl-o");
    assert_eq!(s.article, 0);
    keys(&mut s, "ctrl-o");
    assert_eq!(s.message.as_deref(), Some("Nothing to go back to"));
}

#[test]
fn each_article_keeps_its_own_place() {
    let mut s = state(120, 40);
    keys(&mut s, "j j j j");
    let first = s.reading_position();
    keys(&mut s, "shift-tab j enter");
    assert_eq!(s.top_row(&s.wrapped()), 0);
    keys(&mut s, "shift-tab k enter");
    assert_eq!(s.article, 0);
    assert_eq!(s.reading_position(), first);
}

#[test]
fn tab_cycles_focus() {
    let mut s = state(120, 40);
    assert_eq!(s.focus, Pane::Body);
    keys(&mut s, "tab");
    assert_eq!(s.focus, Pane::Sidebar);
    keys(&mut s, "tab");
    assert_eq!(s.focus, Pane::Articles);
    keys(&mut s, "shift-tab");
    assert_eq!(s.focus, Pane::Sidebar);
}

#[test]
fn search_highlights_live_and_jumps_on_enter() {
    let mut s = state(120, 40);
    keys(&mut s, "/");
    assert_eq!(s.overlay, Some(Overlay::Search));
    type_text(&mut s, "MRC");
    assert_eq!(s.search.hits.len(), 5, "{:?}", s.search.hits);
    assert_eq!(s.search.current, None, "typing only highlights");
    keys(&mut s, "enter");
    assert_eq!(s.overlay, None);
    assert_eq!(s.search.current, Some(0));
    assert_eq!(s.recent, vec!["MRC".to_string()]);
    keys(&mut s, "n n");
    assert_eq!(s.search.current, Some(2));
    keys(&mut s, "N");
    assert_eq!(s.search.current, Some(1));
    // Wrap backwards past the first match.
    keys(&mut s, "N N");
    assert_eq!(s.search.current, Some(4));
    assert_eq!(s.article, 2);
    assert!(s.message.as_deref().is_some_and(|m| m.contains("wrapped")));
    keys(&mut s, "esc");
    assert!(s.search.hits.is_empty());
}

#[test]
fn search_finds_titles_and_standfirsts_in_reading_order() {
    use broker_reader::model::Position;
    let mut s = state(120, 40);
    // In the first article's title and standfirst, then in its text.
    search_for(&mut s, "rivers");
    let at = |s: &State| s.search.hits[s.search.current.expect("jumped")];
    assert_eq!((at(&s).article, at(&s).block), (0, Position::TITLE));
    assert!(
        s.search
            .hits
            .windows(2)
            .all(|w| w[0].reading_key() < w[1].reading_key()),
        "{:?}",
        s.search.hits
    );
    assert_eq!(s.hits_in_block(0, Position::TITLE as usize), [at(&s)]);
    keys(&mut s, "n");
    assert_eq!((at(&s).article, at(&s).block), (0, Position::STANDFIRST));
    keys(&mut s, "n");
    assert_eq!(at(&s).header(), None, "then the text: {:?}", at(&s));
    // Read on past the header, a new search starts from the text on screen.
    keys(&mut s, "esc G / r i v e r s enter");
    assert_eq!(at(&s).header(), None, "{:?}", at(&s));
}

#[test]
fn enter_jumps_to_the_first_match_at_or_after_the_reading_position() {
    let mut s = state(120, 40);
    keys(&mut s, "shift-tab j enter");
    assert_eq!(s.article, 1);
    search_for(&mut s, "Laos");
    let hit = s.search.hits[s.search.current.expect("jumped")];
    assert_eq!(
        hit.article, 2,
        "the next match after article 2 is in article 3"
    );
    assert_eq!(s.article, 2);
    keys(&mut s, "n");
    assert_eq!(s.article, 0, "wraps to the start of the issue");
    assert!(s.message.is_some());
    keys(&mut s, "backspace");
    assert_eq!(s.article, 2, "n was recorded as a jump");
}

#[test]
fn search_prompt_takes_every_printable_key_and_esc_cancels() {
    let mut s = state(80, 24);
    keys(&mut s, "/");
    type_text(&mut s, "q?n");
    assert_eq!(s.search.query, "q?n");
    assert!(!s.quit);
    keys(&mut s, "backspace");
    assert_eq!(s.search.query, "q?");
    keys(&mut s, "esc");
    assert_eq!(s.overlay, None);
    assert!(s.search.query.is_empty());
    keys(&mut s, "/ ctrl-c");
    assert!(s.quit);
}

#[test]
fn recent_searches_are_recalled() {
    let mut s = state(80, 24);
    keys(&mut s, "/");
    type_text(&mut s, "dam");
    keys(&mut s, "enter /");
    type_text(&mut s, "delta");
    keys(&mut s, "enter /");
    keys(&mut s, "up");
    assert_eq!(s.search.query, "delta");
    keys(&mut s, "up");
    assert_eq!(s.search.query, "dam");
    keys(&mut s, "down down");
    assert_eq!(s.search.query, "");
}

#[test]
fn a_search_without_matches_says_so() {
    let mut s = state(80, 24);
    search_for(&mut s, "zebra");
    assert_eq!(s.message.as_deref(), Some("No match for “zebra”"));
    assert_eq!(s.article, 0);
}

#[test]
fn mention_cursor_opens_the_entity_and_its_mentions_jump() {
    let mut s = state(120, 40);
    keys(&mut s, "]");
    let (pos, id) = s.cursor_mention().expect("cursor on a mention");
    assert_eq!(pos.article, 0);
    let first = s.library.entities.mention(0).expect("a mention");
    assert_eq!((pos, id), first, "the first mention at or after the top");
    keys(&mut s, "] [");
    assert_eq!(s.cursor_mention(), Some(first));
    keys(&mut s, "enter");
    assert_eq!(s.focus, Pane::Sidebar);
    let detail = s.sidebar.detail.expect("entity opened");
    assert_eq!(detail.entity, id);
    // The last mention of this entity is in another article.
    let entity = s.library.entities.get(id).expect("entity").clone();
    let last = entity.mentions.len() - 1;
    for _ in 0..last {
        keys(&mut s, "j");
    }
    keys(&mut s, "enter");
    assert_eq!(s.article, entity.mentions[last].article());
    assert_eq!(
        s.cursor_mention().map(|(p, _)| p),
        Some(entity.mentions[last])
    );
    keys(&mut s, "backspace");
    assert_eq!(s.article, 0);
    assert_eq!(s.sidebar.detail.map(|d| d.entity), Some(id));
}

#[test]
fn related_entities_open_from_the_detail() {
    let mut s = state(120, 40);
    keys(&mut s, "tab enter");
    let first = s.sidebar.detail.expect("opened").entity;
    let entity = s.library.entities.get(first).expect("entity").clone();
    assert!(!entity.related.is_empty());
    keys(&mut s, "G enter");
    assert_eq!(
        s.sidebar.detail.map(|d| d.entity),
        entity.related.last().copied()
    );
    keys(&mut s, "backspace");
    assert_eq!(s.sidebar.detail.map(|d| d.entity), Some(first));
    keys(&mut s, "esc");
    assert_eq!(s.sidebar.detail, None);
}

#[test]
fn the_picker_filters_fuzzily_and_jumps_to_the_first_mention() {
    let mut s = state(120, 40);
    keys(&mut s, "shift-tab G enter");
    assert_eq!(s.article, 2);
    keys(&mut s, "e");
    type_text(&mut s, "mrc");
    let Some(Overlay::Picker(picker)) = &s.overlay else {
        panic!("picker open");
    };
    let mrc = s.library.entities.list[0].id;
    assert_eq!(picker.matches.first(), Some(&mrc));
    type_text(&mut s, "zzz");
    let Some(Overlay::Picker(picker)) = &s.overlay else {
        panic!("picker open");
    };
    assert!(picker.matches.is_empty());
    keys(&mut s, "backspace backspace backspace enter");
    assert_eq!(s.overlay, None);
    assert_eq!(s.sidebar.detail.map(|d| d.entity), Some(mrc));
    assert_eq!(s.article, 0, "first mention is in the first article");
    keys(&mut s, "backspace");
    assert_eq!(s.article, 2);
}

#[test]
fn the_help_says_what_the_bookmark_keys_do() {
    let s = state(80, 24);
    let help: Vec<String> = broker_reader::tui::view::overlay::help_lines(&s)
        .iter()
        .map(ToString::to_string)
        .collect();
    let from = help
        .iter()
        .position(|l| l.starts_with("Bookmark list"))
        .expect("a bookmark section");
    let section = &help[from..];
    assert!(
        section
            .iter()
            .any(|l| l.contains("d, delete") && l.contains("remove the selected bookmark")),
        "{section:#?}"
    );
    assert!(
        !section
            .iter()
            .any(|l| l.contains("delete the last character")),
        "{section:#?}"
    );
}

#[test]
fn help_opens_and_closes() {
    let mut s = state(80, 24);
    keys(&mut s, "?");
    assert!(matches!(s.overlay, Some(Overlay::Help { .. })));
    keys(&mut s, "j");
    assert_eq!(s.overlay, Some(Overlay::Help { scroll: 1 }));
    keys(&mut s, "q");
    assert_eq!(s.overlay, None);
    assert!(!s.quit, "q closes the help first");
    keys(&mut s, "q");
    assert!(s.quit);
}

#[test]
fn a_resize_keeps_the_text_at_the_top_of_the_screen() {
    let mut s = state(120, 40);
    keys(&mut s, "j j j j j j j");
    let here = s.reading_position();
    for (w, h) in [(80, 24), (40, 12), (0, 0), (1, 1), (200, 60), (120, 40)] {
        update(&mut s, Action::Resize(w, h));
    }
    assert_eq!(s.reading_position(), here);
}

#[test]
fn q_quits_even_when_the_terminal_is_too_small() {
    let mut s = state(3, 2);
    keys(&mut s, "j G tab enter ] e");
    let mut s = state(3, 2);
    keys(&mut s, "q");
    assert!(s.quit);
}

#[test]
fn wheel_scrolls_the_pane_under_the_pointer_and_clicks_select() {
    let mut s = state(120, 40);
    let wheel = |s: &mut State, column, kind| {
        update(
            s,
            Action::Mouse(Mouse {
                kind,
                column,
                row: 10,
            }),
        )
    };
    assert!(wheel(&mut s, 60, MouseKind::ScrollDown));
    assert_eq!(s.top_row(&s.wrapped()), 3);
    assert_eq!(s.focus, Pane::Body);
    // Click the third article in the list: border row 0, articles from row 1.
    update(
        &mut s,
        Action::Mouse(Mouse {
            kind: MouseKind::Click,
            column: 5,
            row: 3,
        }),
    );
    assert_eq!(s.article, 2);
    // Click the first entity in the sidebar (row 1 is its kind heading).
    update(
        &mut s,
        Action::Mouse(Mouse {
            kind: MouseKind::Click,
            column: 110,
            row: 2,
        }),
    );
    assert_eq!(s.focus, Pane::Sidebar);
    assert!(s.sidebar.detail.is_some());
}

#[test]
fn state_round_trips_through_the_saved_form() {
    let mut s = state(120, 40);
    keys(&mut s, "j j j /");
    type_text(&mut s, "delta");
    keys(&mut s, "enter");
    let here = s.reading_position();
    let article = s.article;
    let saved = s.saved(Saved::default());
    let json = serde_json::to_string(&saved).expect("serialises");
    let back: Saved = serde_json::from_str(&json).expect("deserialises");
    let mut t = State::new(common::library());
    update(&mut t, Action::Resize(80, 24));
    t.restore(&back);
    assert_eq!(t.article, article);
    assert_eq!(t.reading_position(), here);
    assert_eq!(t.recent, vec!["delta".to_string()]);
}

/// A saved state holding `older` other issues, the n-th (from 1) recorded at save `ages(n)`.
fn saved_with_others(older: usize, ages: impl Fn(usize) -> u64) -> Saved {
    let mut saved = Saved::default();
    for n in 1..=older {
        let reading = Reading {
            bookmarks: vec![broker_reader::model::Position::new(0, 0, 0, 1)],
            saved_at: ages(n),
            ..Reading::default()
        };
        saved.sources.insert(format!("other-{n:03}.txt"), reading);
    }
    saved
}

#[test]
fn the_state_keeps_the_issues_read_most_recently() {
    let mut s = state(120, 40);
    keys(&mut s, "j j m");
    let here = s.reading_position();
    let saved = s.saved(saved_with_others(SOURCES_LIMIT + 5, |n| n as u64));
    assert_eq!(saved.sources.len(), SOURCES_LIMIT);
    let this = &saved.sources["test-issue.txt"];
    assert_eq!(
        this.saved_at,
        SOURCES_LIMIT as u64 + 6,
        "the issue just read is the newest"
    );
    assert_eq!(this.bookmarks, vec![here]);
    // The six recorded longest ago make room; the rest keep their bookmarks.
    for n in 1..=6 {
        assert!(!saved.sources.contains_key(&format!("other-{n:03}.txt")));
    }
    for n in 7..=SOURCES_LIMIT + 5 {
        let kept = &saved.sources[&format!("other-{n:03}.txt")];
        assert_eq!(kept.bookmarks.len(), 1);
    }
    // Saved again, nothing else goes: the bound is reached, not exceeded.
    let again = s.saved(saved);
    assert_eq!(again.sources.len(), SOURCES_LIMIT);
    assert!(again.sources.contains_key("other-007.txt"));
    // And the place comes back from the bounded state.
    let mut t = State::new(common::library());
    update(&mut t, Action::Resize(120, 40));
    t.restore(&again);
    assert_eq!(t.reading_position(), here);
}

#[test]
fn issues_saved_before_saves_were_counted_are_forgotten_first() {
    let s = state(120, 40);
    // Half from an older file (no count), half counted; one over the bound in all.
    let half = SOURCES_LIMIT / 2;
    let saved = s.saved(saved_with_others(SOURCES_LIMIT, |n| {
        if n <= half { 0 } else { n as u64 }
    }));
    assert_eq!(saved.sources.len(), SOURCES_LIMIT);
    assert!(
        !saved.sources.contains_key("other-001.txt"),
        "the first uncounted goes"
    );
    assert!(saved.sources.contains_key("other-002.txt"));
    assert!(
        saved
            .sources
            .contains_key(&format!("other-{:03}.txt", half + 1))
    );
}

#[test]
fn saved_state_ignores_places_outside_the_issue_and_unknown_fields() {
    let json = r#"{"sources":{"test-issue.txt":{"current":{"article":99,"block":0,"start":0,"end":0},
        "positions":[{"article":2,"block":50,"start":0,"end":0}]}},"future_field":1}"#;
    let saved: Saved = serde_json::from_str(json).expect("unknown fields are ignored");
    let mut s = state(80, 24);
    s.restore(&saved);
    assert_eq!(s.article, 0);
    assert!(s.positions.is_empty());
}

#[test]
fn a_corrupt_state_file_is_kept_aside_and_defaults_are_used() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(STATE_FILE), b"{not json").expect("write");
    let (store, warnings) = Store::at(dir.path());
    assert!(warnings.is_empty());
    let (saved, warning) = store.load::<Saved>(STATE_FILE);
    assert_eq!(saved, Saved::default());
    assert!(warning.is_some_and(|w| w.contains("corrupt")));
    let kept = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().contains("corrupt"));
    assert!(kept);
}

#[test]
fn a_newer_library_replaces_the_old_one_without_losing_the_place() {
    let mut s = state(120, 40);
    keys(&mut s, "j j j j /");
    type_text(&mut s, "Laos");
    keys(&mut s, "enter");
    let here = s.reading_position();
    let hits = s.search.hits.len();
    let mut issue = common::issue();
    issue.articles.push(Article {
        id: 4,
        title: "Appendix".into(),
        blocks: vec![Block::new(BlockKind::Paragraph, "Laos and Laos again.")],
        ..Article::default()
    });
    let bigger = Arc::new(Library::from_issue("test-issue.txt", issue));
    assert!(update(
        &mut s,
        Action::LibraryUpdated(LibraryHandle(bigger))
    ));
    assert_eq!(s.library.issue.articles.len(), 4);
    assert_eq!(s.reading_position(), here);
    assert_eq!(s.search.hits.len(), hits + 2);
}

#[test]
fn saved_places_beyond_the_first_pages_apply_once_the_whole_file_has_loaded() {
    // A full session saves a place in the third article.
    let mut s = state(120, 40);
    keys(&mut s, "shift-tab G enter j j");
    let here = s.reading_position();
    assert_eq!(here.article, 2);
    let saved = s.saved(Saved::default());

    // The next start opens on the first article only, while the rest loads.
    let mut first_pages = common::issue();
    first_pages.articles.truncate(1);
    let partial = Arc::new(Library::from_issue("test-issue.txt", first_pages));
    let mut t = State::new(partial);
    update(&mut t, Action::Resize(120, 40));
    t.restore(&saved);
    assert_eq!(t.article, 0);
    // Closing now must not forget the place in the unloaded article.
    let kept = t.saved(saved.clone());
    assert_eq!(kept.sources["test-issue.txt"].positions.len(), 2);

    update(
        &mut t,
        Action::LibraryUpdated(LibraryHandle(common::library())),
    );
    assert_eq!(t.article, 2);
    assert_eq!(t.reading_position(), here);
}

#[test]
fn clicking_a_mention_in_the_text_opens_its_entity() {
    let mut s = state(120, 40);
    // Find where the first mention is drawn: the text starts inside the border and margin.
    let wrapped = s.wrapped();
    let (pos, id) = s.library.entities.mention(0).expect("a mention");
    let row = wrapped.row_of(pos.block(), pos.start());
    let line = &wrapped.rows[row];
    let before: String = line
        .segments
        .iter()
        .map(|seg| seg.text.as_str())
        .collect::<String>();
    let start_in_row = pos.start() - line.start;
    let column = before[..start_in_row].chars().count() as u16;
    // At 120 columns the text pane starts at column 24 (after a 24-column list) and is 66
    // wide: a border, then the text centred in the 64 columns inside. Click the mention's
    // second character.
    let margin = (64 - wrapped.width) / 2;
    update(
        &mut s,
        Action::Mouse(Mouse {
            kind: MouseKind::Click,
            column: 24 + 1 + margin + column + 1,
            row: 1 + row as u16,
        }),
    );
    assert_eq!(s.sidebar.detail.map(|d| d.entity), Some(id));
    assert_eq!(s.cursor_mention(), Some((pos, id)));
    // A click on plain text only focuses the pane.
    let mut t = state(120, 40);
    keys(&mut t, "tab");
    update(
        &mut t,
        Action::Mouse(Mouse {
            kind: MouseKind::Click,
            column: 26,
            row: 2,
        }),
    );
    assert_eq!(t.focus, Pane::Body);
    assert_eq!(t.sidebar.detail, None);
}

/// The fixture issue's articles repeated, so entities have many mentions across many articles.
fn large_state() -> State {
    let mut issue = common::issue();
    let articles = issue.articles.clone();
    for _ in 0..40 {
        issue.articles.extend(articles.iter().cloned());
    }
    for (i, article) in issue.articles.iter_mut().enumerate() {
        article.id = i + 1;
    }
    let mut s = State::new(Arc::new(Library::from_issue("large.txt", issue)));
    update(&mut s, Action::Resize(120, 40));
    s
}

#[test]
fn mention_strips_mark_exactly_the_cells_of_the_mentions() {
    use broker_reader::tui::view::sidebar::strip;
    for s in [state(120, 40), large_state()] {
        let total = s.block_total();
        assert!(!s.library.entities.list.is_empty());
        for entity in &s.library.entities.list {
            for cells in [1, 2, 3, 7, 10, 33, 64] {
                let mut expected = vec!['·'; cells];
                for &m in &entity.mentions {
                    expected[s.block_ordinal(m) * cells / total] = '▮';
                }
                let expected: String = expected.into_iter().collect();
                assert_eq!(
                    strip(&s, entity, cells),
                    expected,
                    "{} at {cells}",
                    entity.name
                );
            }
        }
    }
}

#[test]
fn the_list_strips_follow_the_library() {
    use broker_reader::tui::view::sidebar::{STRIP, strip};
    let mut s = state(120, 40);
    let large = large_state().library;
    let small = Arc::clone(&s.library);
    update(
        &mut s,
        Action::LibraryUpdated(LibraryHandle(Arc::clone(&large))),
    );
    for library in [large, small] {
        update(
            &mut s,
            Action::LibraryUpdated(LibraryHandle(Arc::clone(&library))),
        );
        for entity in &library.entities.list {
            let drawn = strip(&s, entity, STRIP);
            assert_eq!(
                s.list_strip(entity.id),
                Some(drawn.as_str()),
                "{}",
                entity.name
            );
        }
        assert_eq!(s.list_strip(library.entities.list.len()), None);
    }
}

#[test]
fn the_detail_of_a_much_mentioned_entity_maps_rows_and_items_both_ways() {
    use broker_reader::tui::view::sidebar::detail_layout;
    let s = large_state();
    let entity = s
        .library
        .entities
        .list
        .iter()
        .max_by_key(|e| e.mentions.len())
        .expect("entities");
    assert!(entity.mentions.len() > 40, "{}", entity.mentions.len());
    let layout = detail_layout(&s, entity.id, 40).expect("layout");
    assert_eq!(layout.items(), entity.mentions.len() + entity.related.len());
    let mut rows = Vec::new();
    for item in 0..layout.items() {
        let row = layout.item_row(item).expect("row");
        assert_eq!(layout.item_at_row(row), Some(item));
        rows.push(row);
    }
    assert!(rows.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(layout.item_row(layout.items()), None);
    assert!(rows.last().is_some_and(|&r| r < layout.rows()));
    // Rows that are not items (the head, the blank row and heading before related) select
    // nothing.
    assert_eq!(layout.item_at_row(0), None);
    assert_eq!(layout.item_at_row(layout.rows()), None);
    let last_mention = entity.mentions.len() - 1;
    let pos = entity.mentions[last_mention];
    let text = &s.library.issue.articles[pos.article()].blocks[pos.block()].text[pos.range()];
    let drawn: String = layout
        .line(&s, rows[last_mention])
        .spans
        .iter()
        .map(|span| span.content.as_ref())
        .collect();
    assert!(drawn.contains(text), "{drawn:?} lacks {text:?}");
    assert!(
        drawn.starts_with(&format!("{:>2} ", pos.article() + 1)),
        "{drawn:?}"
    );
}

#[test]
fn zoom_shows_the_focused_pane_alone_and_is_remembered() {
    use broker_reader::tui::view::panes_with;
    use ratatui::layout::Rect;
    let panes = |s: &State| {
        let area = Rect::new(0, 0, s.size.0, s.size.1);
        panes_with(area, s.focus, &s.layout, s.zoomed).expect("fits")
    };
    let mut s = state(90, 30);
    let split = panes(&s);
    assert!(split.articles.is_some() && split.body.is_some());
    let narrow = s.wrapped().width;
    keys(&mut s, "j j");
    let here = s.reading_position();
    keys(&mut s, "z");
    assert!(s.zoomed);
    let alone = panes(&s);
    assert_eq!(alone.body, Some(Rect::new(0, 0, 90, 29)));
    assert!(alone.articles.is_none() && alone.sidebar.is_none());
    assert!(s.wrapped().width > narrow, "the text widens to the pane");
    assert_eq!(s.reading_position(), here, "and stays where it was");
    assert!(s.message.as_deref().is_some_and(|m| m.contains("alone")));
    // Another pane focused has the screen to itself in turn.
    keys(&mut s, "tab");
    let sidebar = panes(&s);
    assert_eq!(sidebar.sidebar, Some(Rect::new(0, 0, 90, 29)));
    assert!(sidebar.body.is_none() && sidebar.articles.is_none());
    keys(&mut s, "shift-tab");

    // The next run opens the same way.
    let saved = s.saved(Saved::default());
    let json = serde_json::to_string(&saved).expect("serialises");
    let mut t = State::new(common::library());
    update(&mut t, Action::Resize(90, 30));
    t.restore(&serde_json::from_str(&json).expect("deserialises"));
    assert!(t.zoomed);

    keys(&mut s, "z");
    assert!(!s.zoomed);
    assert_eq!(panes(&s), split);
    assert_eq!(s.wrapped().width, narrow);
    assert_eq!(s.reading_position(), here);
    let json = serde_json::to_string(&s.saved(Saved::default())).expect("serialises");
    assert!(!json.contains("zoomed"), "the default is left out: {json}");
}
