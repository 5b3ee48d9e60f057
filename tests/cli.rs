//! The command line as users and scripts meet it: `list`, `show`, `search` and `export` on the
//! embedded issue and on files, JSON that loads back unchanged, and clear errors.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::cargo::cargo_bin_cmd;

mod common;

/// A hang guard, not a speed test.
const GUARD: Duration = Duration::from_secs(60);

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/other-pages.txt")
}

fn run(args: &[&str]) -> Output {
    let cache = tempfile::tempdir().expect("temporary directory");
    cargo_bin_cmd!("broker-reader")
        .env("XDG_CACHE_HOME", cache.path())
        .args(args)
        .timeout(GUARD)
        .output()
        .expect("run broker-reader")
}

/// The binary on a file, with a cache of its own that goes away afterwards (never the user's).
fn run_file(file: &Path, args: &[&str]) -> Output {
    let cache = tempfile::tempdir().expect("temporary directory");
    run_file_cached(file, args, cache.path())
}

fn run_file_cached(file: &Path, args: &[&str], cache_home: &Path) -> Output {
    cargo_bin_cmd!("broker-reader")
        .env("XDG_CACHE_HOME", cache_home)
        .env_remove("BROKER_READER_NO_CACHE")
        .arg("--file")
        .arg(file)
        .args(args)
        .timeout(GUARD)
        .output()
        .expect("run broker-reader")
}

fn stdout_ok(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "stderr: {stderr}");
    assert!(stderr.is_empty(), "unexpected stderr: {stderr}");
    let stdout = String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8");
    assert!(
        !stdout.chars().any(|c| c.is_control() && c != '\n'),
        "control character on stdout"
    );
    stdout
}

/// Exit 2, nothing on stdout, one line on stderr containing every `needle`.
fn assert_error(output: &Output, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(output.stdout.is_empty(), "stdout on error");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "{needle:?} not in {stderr}");
    }
}

#[test]
fn list_shows_number_section_title_authors_and_words() {
    let out = stdout_ok(&run(&["list"]));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[0].contains("SECTION") && lines[0].contains("TITLE"));
    assert!(lines[1].contains("governance"));
    assert!(lines[1].contains("Bottom-up arms control"));
    assert!(lines[1].contains("Ko Colijn"));
    assert!(lines[2].contains("Developments") && lines[2].contains("A global pro bono law firm"));
    assert!(lines[3].trim_start().starts_with('3'));
    assert!(lines[3].contains("Assessing Aid assessed"));
}

#[test]
fn list_json_is_machine_readable() {
    let out = stdout_ok(&run(&["list", "--json"]));
    let rows: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let rows = rows.as_array().expect("an array");
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["id"], 1);
    assert_eq!(rows[0]["title"], "Bottom-up arms control");
    assert_eq!(rows[0]["authors"][0], "Ko Colijn");
    assert_eq!(rows[0]["page"], 19);
    assert!(rows[0]["words"].as_u64().expect("a count") > 500);
    assert_eq!(rows[2]["section"], "Developments");
}

#[test]
fn list_reads_other_files() {
    let out = stdout_ok(&run_file(&fixture(), &["list"]));
    assert_eq!(out.lines().count(), 10, "{out}");
    assert!(out.contains("Sharing the Niger"));
    assert!(out.contains("Aminata Diallo, Pierre Lemaire"));
    assert!(out.contains("Aid on the record"));
}

#[test]
fn show_by_number_and_by_title_part() {
    let by_number = stdout_ok(&run(&["show", "2", "--width", "60"]));
    let by_title = stdout_ok(&run(&["show", "PRO BONO", "--width", "60"]));
    assert_eq!(by_number, by_title);
    assert!(by_number.contains("A global pro bono law firm"));
    assert!(by_number.contains("www.publicinternationallaw.org/peace"));
}

#[test]
fn show_lays_the_article_out_within_the_width() {
    let out = stdout_ok(&run(&["show", "1", "--width", "50"]));
    for line in out.lines() {
        assert!(
            unicode_width::UnicodeWidthStr::width(line) <= 50,
            "{line:?} is wider than 50"
        );
    }
    assert!(out.contains("Bottom-up arms control"));
    assert!(out.contains("By Ko Colijn"));
    assert!(out.contains("Ad hoc coalitions"));
    assert!(out.contains("Cluster bombs in Herat, Afghanistan."));
    // Paragraphs are reflowed, so the printed column breaks are gone.
    assert!(out.contains("there are now 150+") || out.contains("there are\nnow 150+"));
    let questions = stdout_ok(&run(&["show", "assessed", "-w", "70"]));
    assert!(questions.contains(" 1. Does aid effectiveness"));
    assert!(questions.contains(" 3. How does aid affect"));
}

#[test]
fn show_defaults_to_80_columns_in_a_pipe() {
    let out = stdout_ok(&run(&["show", "1"]));
    let widest = out
        .lines()
        .map(unicode_width::UnicodeWidthStr::width)
        .max()
        .unwrap_or(0);
    assert!(widest <= 80 && widest > 60, "widest line {widest}");
}

#[test]
fn show_refuses_what_it_cannot_find() {
    assert_error(&run(&["show", "9"]), &["no article 9", "1 to 3"]);
    assert_error(&run(&["show", "0"]), &["no article 0"]);
    assert_error(&run(&["show", "no such title"]), &["no such title"]);
    assert_error(&run(&["show", "  "]), &["article number"]);
}

#[test]
fn search_prints_every_match_with_its_position() {
    let out = stdout_ok(&run(&["search", "landmine"]));
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() >= 5, "{out}");
    for line in &lines {
        let position = line.split_whitespace().next().expect("a position");
        let parts: Vec<&str> = position.split([':', '-']).collect();
        assert_eq!(parts.len(), 4, "{line}");
        // The block's number, or the header part the match is in.
        let numbers = [parts[0], parts[2], parts[3]];
        assert!(numbers.iter().all(|p| p.parse::<usize>().is_ok()), "{line}");
        assert!(
            parts[1].parse::<usize>().is_ok() || ["title", "standfirst"].contains(&parts[1]),
            "{line}"
        );
        assert!(line.to_lowercase().contains("[landmine"), "{line}");
    }
    // `landmines` is in the first article's standfirst, read before its blocks.
    assert!(lines[0].starts_with("1:standfirst:"), "{out}");
}

#[test]
fn search_looks_in_titles_and_standfirsts() {
    let export: serde_json::Value =
        serde_json::from_str(&stdout_ok(&run(&["export"]))).expect("valid JSON");
    // A word of the first article's standfirst only, and one of its title.
    for (query, part) in [("undermining", "standfirst"), ("arms control", "title")] {
        let out = stdout_ok(&run(&["search", query, "--json"]));
        let hits: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
        let hit = hits
            .as_array()
            .expect("an array")
            .iter()
            .find(|h| h["kind"] == part)
            .unwrap_or_else(|| panic!("no match in the {part}: {out}"));
        assert_eq!(hit["article"], 1);
        assert!(hit["block"].is_null(), "{hit}");
        let (start, end) = (
            hit["start"].as_u64().expect("start") as usize,
            hit["end"].as_u64().expect("end") as usize,
        );
        let text = export["articles"][0][part]
            .as_str()
            .expect("the part's text");
        assert_eq!(text[start..end].to_lowercase(), query);
        let lines = stdout_ok(&run(&["search", query]));
        assert!(
            lines.starts_with(&format!("1:{part}:{start}-{end}  Bottom-up arms control  ")),
            "{lines}"
        );
    }
}

#[test]
fn search_is_smart_case() {
    let any_case = stdout_ok(&run(&["search", "world bank"]));
    let exact = stdout_ok(&run(&["search", "World Bank"]));
    assert_eq!(any_case, exact, "every mention is capitalised");
    let lower = stdout_ok(&run(&["search", "the"]));
    let capital = stdout_ok(&run(&["search", "The"]));
    assert!(lower.lines().count() > capital.lines().count());
}

#[test]
fn search_json_positions_point_at_the_match() {
    let out = stdout_ok(&run(&["search", "PILPG", "--json"]));
    let hits: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let hits = hits.as_array().expect("an array");
    assert!(hits.len() >= 4);
    let export: serde_json::Value =
        serde_json::from_str(&stdout_ok(&run(&["export"]))).expect("valid JSON");
    for hit in hits {
        let article = hit["article"].as_u64().expect("article") as usize;
        assert_eq!(article, 2, "articles are numbered from 1");
        let block = hit["block"].as_u64().expect("block") as usize;
        let (start, end) = (
            hit["start"].as_u64().expect("start") as usize,
            hit["end"].as_u64().expect("end") as usize,
        );
        let text = export["articles"][article - 1]["blocks"][block]["text"]
            .as_str()
            .expect("the block exists");
        assert_eq!(&text[start..end], "PILPG");
        assert!(
            hit["snippet"]
                .as_str()
                .expect("snippet")
                .contains("[PILPG]")
        );
    }
}

#[test]
fn entities_filter_by_kind_and_name_the_kinds_on_a_bad_one() {
    let out = stdout_ok(&run(&["entities", "--json", "--kind", "place"]));
    let rows: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let rows = rows.as_array().expect("a list");
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["kind"] == "place"), "{out}");
    let all = stdout_ok(&run(&["entities", "--json"]));
    let all: serde_json::Value = serde_json::from_str(&all).expect("JSON");
    assert!(all.as_array().expect("a list").len() > rows.len());
    let bad = run(&["entities", "--kind", "planet"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    for kind in [
        "person",
        "organization",
        "place",
        "date",
        "document",
        "url",
        "topic",
    ] {
        assert!(err.contains(kind), "{err}");
    }
}

#[test]
fn search_without_match_exits_1() {
    let output = run(&["search", "zeppelin"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(output.stderr.is_empty());
    let output = run(&["search", "Landmine"]);
    assert_eq!(output.status.code(), Some(1), "a capital makes it exact");
}

#[test]
fn json_export_follows_the_documented_schema() {
    let out = stdout_ok(&run(&["export", "--format", "json"]));
    let doc: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(doc["magazine"], "The Broker");
    assert_eq!(doc["issue"], 1);
    assert_eq!(doc["date"], "April 2007");
    assert_eq!(doc["pages"], serde_json::json!([19]));
    let articles = doc["articles"].as_array().expect("articles");
    assert_eq!(articles.len(), 3);
    for (i, article) in articles.iter().enumerate() {
        assert_eq!(article["id"], i + 1);
        assert_eq!(article["page"], 19);
        for key in ["section", "title", "standfirst", "authors", "blocks"] {
            assert!(article.get(key).is_some(), "{key} missing");
        }
        for block in article["blocks"].as_array().expect("blocks") {
            let kind = block["kind"].as_str().expect("kind");
            assert!(
                [
                    "paragraph",
                    "heading",
                    "list_item",
                    "caption",
                    "bio",
                    "reference",
                    "label"
                ]
                .contains(&kind),
                "{kind}"
            );
            assert!(!block["text"].as_str().expect("text").is_empty());
        }
    }
    assert!(doc["entities"].is_array());
}

fn round_trip(source: Option<&Path>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = match source {
        Some(path) => stdout_ok(&run_file(path, &["export", "--format", "json"])),
        None => stdout_ok(&run(&["export", "--format", "json"])),
    };
    let path = dir.path().join("issue.json");
    fs::write(&path, &first).expect("write export");
    let second = stdout_ok(&run_file(&path, &["export", "--format", "json"]));
    assert_eq!(first, second);
    // Everything else reads the export as it reads the text.
    let list_text = match source {
        Some(p) => stdout_ok(&run_file(p, &["list"])),
        None => stdout_ok(&run(&["list"])),
    };
    assert_eq!(list_text, stdout_ok(&run_file(&path, &["list"])));
}

#[test]
fn json_export_loads_back_identically() {
    round_trip(None);
    round_trip(Some(&fixture()));
}

#[test]
fn markdown_and_text_exports() {
    let md = stdout_ok(&run(&["export", "--format", "markdown"]));
    assert!(md.starts_with("# The Broker, issue 1 (April 2007)"));
    assert!(md.contains("## Bottom-up arms control"));
    assert!(md.contains("### Ad hoc coalitions"));
    assert!(md.contains("## Assessing Aid assessed"));
    let text = stdout_ok(&run(&["export", "--format", "text"]));
    assert!(text.contains("Bottom-up arms control\n======"));
    assert!(text.contains("A global pro bono law firm"));
    assert!(
        text.lines()
            .all(|l| unicode_width::UnicodeWidthStr::width(l) <= 80)
    );
}

#[test]
fn file_errors_name_the_file_and_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("missing-pages.txt");
    assert_error(&run_file(&missing, &["list"]), &["missing-pages.txt"]);

    assert_error(
        &run_file(dir.path(), &["list"]),
        &[&*dir.path().to_string_lossy(), "directory"],
    );

    let empty = dir.path().join("empty-pages.txt");
    fs::write(&empty, "").expect("write");
    assert_error(&run_file(&empty, &["list"]), &["empty-pages.txt", "empty"]);

    let no_header = dir.path().join("no-header.txt");
    fs::write(&no_header, "Sharing the Niger\n\nBy Aminata Diallo\n").expect("write");
    assert_error(
        &run_file(&no_header, &["show", "1"]),
        &["no-header.txt", "no page header"],
    );
}

#[test]
fn the_embedded_issue_reads_the_same_as_its_text_opened_as_a_file() {
    // The embedded issue comes from a copy the build parsed; the asset opened with `--file` is
    // parsed now. Every command must see the same issue and the same entities.
    let asset = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/the-broker-issue-1.txt");
    for args in [
        &["list", "--json"][..],
        &["entities", "--json"],
        &["search", "cluster"],
        &["export", "--format", "json"],
        &["export", "--format", "markdown"],
    ] {
        let embedded = stdout_ok(&run(args));
        let file = stdout_ok(&run_file(&asset, args));
        assert!(!embedded.trim().is_empty(), "{args:?} printed nothing");
        assert_eq!(embedded, file, "{args:?}");
    }
}

// ---------------------------------------------------------------------------------------
// The cache of parsed files

/// A copy of a fixture last modified a minute ago: a source that new, or newer, gets no cache
/// entry (see `cache::RACY`).
fn settled_copy(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    fs::copy(fixture().with_file_name(name), &path).expect("fixture copied");
    age(&path, 60);
    path
}

fn age(path: &Path, seconds: u64) {
    fs::File::options()
        .write(true)
        .open(path)
        .expect("file opens")
        .set_modified(std::time::SystemTime::now() - Duration::from_secs(seconds))
        .expect("modification time set");
}

fn cache_entries(cache_home: &Path) -> Vec<PathBuf> {
    cache_files(cache_home, "entry")
}

/// The files in the cache directory with extension `extension`.
fn cache_files(cache_home: &Path, extension: &str) -> Vec<PathBuf> {
    match fs::read_dir(cache_home.join("broker-reader/parsed")) {
        Ok(listing) => listing
            .map(|e| e.expect("entry").path())
            .filter(|path| path.extension().is_some_and(|e| e == extension))
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn commands_print_the_same_with_and_without_the_cache() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let cache = dir.path().join("cache");
    for name in [
        "other-pages.txt",
        "more-pages.txt",
        "entity-pages.txt",
        "acronym-pages.txt",
    ] {
        let source = settled_copy(dir.path(), name);
        let commands: &[&[&str]] = &[
            &["search", "the"],
            &["search", "The"],
            &["search", "water", "--json"],
            &["search", "été"],
            &["search", "no such words here"],
            &["search", "the", "--count"],
            &["search", "water", "--count", "--json"],
            &["list", "--json"],
            &["show", "2"],
            &["entities", "--json"],
            &["export", "--format", "json"],
            &["export", "--format", "markdown"],
        ];
        for args in commands {
            let uncached = run_file(&source, &[&["--no-cache"], *args].concat());
            // Twice: the first run may write the entry, the second reads it.
            for round in ["cold", "warm"] {
                let cached = run_file_cached(&source, args, &cache);
                assert_eq!(
                    cached.status.code(),
                    uncached.status.code(),
                    "{name} {args:?}"
                );
                assert_eq!(
                    String::from_utf8_lossy(&cached.stdout),
                    String::from_utf8_lossy(&uncached.stdout),
                    "{name} {args:?} {round}"
                );
                assert!(cached.stderr.is_empty(), "{name} {args:?}");
            }
        }
    }
    assert_eq!(cache_entries(&cache).len(), 4, "one entry a file");
}

/// The file's inode where there are inodes: a file written anew and renamed over the old one
/// has another.
fn inode(path: &std::path::Path) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        fs::metadata(path).ok().map(|m| m.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

#[test]
fn the_cache_follows_changes_to_the_file() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let cache = dir.path().join("cache");
    let source = settled_copy(dir.path(), "other-pages.txt");
    // The first search of a file writes no entry; the second does.
    let before = stdout_ok(&run_file_cached(&source, &["search", "water"], &cache));
    assert!(cache_entries(&cache).is_empty());
    assert_eq!(cache_files(&cache, "searched").len(), 1);
    assert_eq!(
        stdout_ok(&run_file_cached(&source, &["search", "water"], &cache)),
        before
    );
    let entry = cache_entries(&cache).pop().expect("an entry was written");
    assert!(
        cache_files(&cache, "searched").is_empty(),
        "the mark is gone"
    );
    let written = fs::read(&entry).expect("entry");
    let first_inode = inode(&entry);
    // A second search reads the entry and leaves it as it is: not written again (a write goes
    // to a new file renamed over it), only marked as used.
    assert_eq!(
        stdout_ok(&run_file_cached(&source, &["search", "water"], &cache)),
        before
    );
    assert_eq!(fs::read(&entry).expect("entry"), written);
    assert_eq!(inode(&entry), first_inode);
    // The file changes: the search sees the new text, not the entry.
    let text = fs::read_to_string(&source).expect("source");
    fs::write(&source, text.replacen("water charter", "wine charter", 1))
        .expect("source rewritten");
    age(&source, 60);
    let after = stdout_ok(&run_file_cached(&source, &["search", "water"], &cache));
    assert_ne!(after, before);
    assert_eq!(
        after,
        stdout_ok(&run_file(&source, &["--no-cache", "search", "water"]))
    );
    // Touched only (same bytes, another time): still right, and the entry is written anew.
    let entry_before = fs::read(&entry).expect("entry");
    age(&source, 30);
    assert_eq!(
        stdout_ok(&run_file_cached(&source, &["search", "water"], &cache)),
        after
    );
    assert_ne!(fs::read(&entry).expect("entry"), entry_before);
}

#[test]
fn a_damaged_entry_is_replaced_without_a_word() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let cache = dir.path().join("cache");
    let source = settled_copy(dir.path(), "more-pages.txt");
    let right = stdout_ok(&run_file_cached(&source, &["search", "the"], &cache));
    stdout_ok(&run_file_cached(&source, &["search", "the"], &cache));
    let entry = cache_entries(&cache).pop().expect("an entry was written");
    let good = fs::read(&entry).expect("entry");
    let mut bad = good.clone();
    let middle = bad.len() / 2;
    bad[middle] ^= 0x01;
    for damaged in [bad, good[..good.len() / 3].to_vec(), b"rubbish".to_vec()] {
        fs::write(&entry, &damaged).expect("entry damaged");
        assert_eq!(
            stdout_ok(&run_file_cached(&source, &["search", "the"], &cache)),
            right
        );
        assert_eq!(fs::read(&entry).expect("entry"), good, "entry rewritten");
    }
}

#[test]
fn no_cache_flag_and_variable_write_nothing() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let cache = dir.path().join("cache");
    let source = settled_copy(dir.path(), "other-pages.txt");
    stdout_ok(&run_file_cached(
        &source,
        &["--no-cache", "search", "water"],
        &cache,
    ));
    let out = assert_cmd::cargo::cargo_bin_cmd!("broker-reader")
        .env("XDG_CACHE_HOME", &cache)
        .env("BROKER_READER_NO_CACHE", "1")
        .arg("--file")
        .arg(&source)
        .args(["list"])
        .timeout(GUARD)
        .output()
        .expect("runs");
    stdout_ok(&out);
    assert!(cache_entries(&cache).is_empty());
    assert!(cache_files(&cache, "searched").is_empty());
}

#[test]
fn an_unwritable_cache_is_not_mentioned() {
    let dir = tempfile::tempdir().expect("temporary directory");
    // A file where the cache directory should be.
    let blocker = dir.path().join("blocker");
    fs::write(&blocker, "").expect("blocker written");
    let source = settled_copy(dir.path(), "other-pages.txt");
    let out = run_file_cached(&source, &["search", "water"], &blocker);
    let expected = run_file(&source, &["--no-cache", "search", "water"]);
    assert_eq!(stdout_ok(&out), stdout_ok(&expected));
}

/// `search` of a file without an entry reads it page by page, a large one from disk a few pages
/// at a time, and never builds the issue; it must print what a search of the text parsed whole
/// prints. `list` opens a large file from disk too.
#[test]
fn a_search_read_page_by_page_prints_what_the_parsed_issue_gives() {
    use broker_reader::Library;
    use broker_reader::cli::{Command, execute};

    let dir = tempfile::tempdir().expect("temporary directory");
    let mut sources = Vec::new();
    for name in [
        "other-pages.txt",
        "more-pages.txt",
        "entity-pages.txt",
        "acronym-pages.txt",
    ] {
        sources.push(dir.path().join(name));
        fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(name),
            dir.path().join(name),
        )
        .expect("fixture copied");
    }
    // Over a megabyte, so that it is read from disk a few pages at a time: a fixture's pages
    // again and again, renumbered as a long run of the magazine would be.
    let pages = fs::read_to_string(fixture()).expect("fixture");
    let mut large = String::new();
    let mut number = 0;
    while large.len() <= 2 << 20 {
        for line in pages.lines() {
            match line.split_once("The Broker  issue") {
                Some((n, rest)) if n.chars().all(|c| c.is_ascii_digit()) => {
                    number += 1;
                    large.push_str(&format!("{number}The Broker  issue{rest}\n"));
                }
                _ => {
                    large.push_str(line);
                    large.push('\n');
                }
            }
        }
    }
    let large_path = dir.path().join("large.txt");
    fs::write(&large_path, large).expect("large file written");
    sources.push(large_path);
    for source in &sources {
        // From the text in memory, parsed whole.
        let text = fs::read_to_string(source).expect("source");
        let library = Library::from_text("source", &text).expect("parses");
        for query in ["the", "The", "water", "été", "in the", "no such words", ""] {
            for (json, count) in [(false, false), (true, false), (false, true), (true, true)] {
                let mut expected = Vec::new();
                let command = Command::Search {
                    query: query.to_string(),
                    json,
                    count,
                };
                let outcome = execute(&library, command, &mut expected).expect("searches");
                let mut args = vec!["--no-cache", "search", query];
                args.extend(json.then_some("--json"));
                args.extend(count.then_some("--count"));
                let streamed = run_file(source, &args);
                let case = format!("{} {args:?}", source.display());
                assert_eq!(
                    String::from_utf8_lossy(&streamed.stdout),
                    String::from_utf8_lossy(&expected),
                    "{case}"
                );
                let code = if outcome == broker_reader::cli::Outcome::Success {
                    0
                } else {
                    1
                };
                assert_eq!(streamed.status.code(), Some(code), "{case}");
            }
        }
        // Other commands open a large file from disk a few pages at a time too.
        let mut expected = Vec::new();
        execute(&library, Command::List { json: true }, &mut expected).expect("lists");
        let listed = run_file(source, &["--no-cache", "list", "--json"]);
        assert_eq!(stdout_ok(&listed), String::from_utf8_lossy(&expected));
    }
}

#[test]
fn search_count_gives_matches_per_article_and_the_total() {
    let lines = stdout_ok(&run_file(&fixture(), &["search", "the"]));
    let counts = stdout_ok(&run_file(&fixture(), &["search", "the", "--count"]));
    let mut rows: Vec<&str> = counts.lines().collect();
    let total = rows.pop().expect("a total line");
    assert_eq!(total, format!("total  {}", lines.lines().count()));
    let mut sum = 0;
    for row in rows {
        let fields: Vec<&str> = row.splitn(3, "  ").collect();
        let article: usize = fields[0].parse().expect("an article number");
        let matches: usize = fields[1].parse().expect("a count");
        let prefix = format!("{article}:");
        let expected = lines.lines().filter(|l| l.starts_with(&prefix)).count();
        assert_eq!(matches, expected, "{row}");
        assert!(
            lines.contains(&format!("  {}  ", fields[2])),
            "{row}: title"
        );
        sum += matches;
    }
    assert_eq!(sum, lines.lines().count());
    let json: serde_json::Value = serde_json::from_str(&stdout_ok(&run_file(
        &fixture(),
        &["search", "the", "--count", "--json"],
    )))
    .expect("JSON");
    assert_eq!(json["total"], sum);
    let none = run_file(&fixture(), &["search", "--count", "no such words here"]);
    assert_eq!(none.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&none.stdout), "total  0\n");
}

/// `build.rs` links the binary at a fixed address on Linux (the loader then has no addresses
/// to rewrite before `main`), unless the build asked for a position-independent one.
#[cfg(target_os = "linux")]
#[test]
fn the_binary_is_linked_at_a_fixed_address() {
    if option_env!("BROKER_READER_PIE").is_some_and(|v| !v.is_empty() && v != "0") {
        return;
    }
    let binary = fs::read(env!("CARGO_BIN_EXE_broker-reader")).expect("read the binary");
    assert_eq!(&binary[..4], b"\x7fELF");
    // e_type, in the byte order EI_DATA gives: 2 is ET_EXEC, 3 ET_DYN.
    let field = [binary[16], binary[17]];
    let kind = match binary[5] {
        2 => u16::from_be_bytes(field),
        _ => u16::from_le_bytes(field),
    };
    assert_eq!(kind, 2, "ELF type {kind}: not a fixed-address executable");
}

/// Where the build found GCC's unwinder archive, `build.rs` links it into the binaries, which
/// then do not load `libgcc_s` at start (that panics still unwind is tested in the library,
/// whose tests are linked the same way).
#[cfg(target_os = "linux")]
#[test]
fn the_binary_carries_its_own_unwinder() {
    if option_env!("BROKER_READER_STATIC_UNWINDER").is_none() {
        eprintln!("NOTICE: built with the shared libgcc_s; nothing to check");
        return;
    }
    let binary = fs::read(env!("CARGO_BIN_EXE_broker-reader")).expect("read the binary");
    assert!(
        memchr::memmem::find(&binary, b"libgcc_s.so").is_none(),
        "the binary still names libgcc_s among its libraries"
    );
}

#[test]
fn the_entity_table_stays_aligned_past_a_long_name() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let page = dir.path().join("page.txt");
    fs::write(
        &page,
        "\n44The Broker  issue 7  March 2009\n\nRivers without borders\n\
         Upstream dams change lives downstream\n\nBy Lena Okafor \n\nwater\n\n\
         The International Commission for the Protection and Sustainable Management of the \
         Danube River (ICPSMDR) met in Vienna with the Mekong River Commission (MRC) in \
         March 2008. Lena Okafor said the ICPSMDR and the MRC would meet again.\n",
    )
    .expect("write page");
    let out = stdout_ok(&run_file(&page, &["entities"]));
    let mut lines = out.lines();
    let header = lines.next().expect("header");
    // Every row's kind starts in the display column where the header's KIND does.
    let kind_at = header.find("KIND").expect("KIND heading");
    fn from_column(row: &str, column: usize) -> &str {
        let mut width = 0;
        for (i, c) in row.char_indices() {
            if width == column {
                return &row[i..];
            }
            width += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        }
        ""
    }
    let rows: Vec<&str> = lines.collect();
    assert!(rows.len() >= 4, "{out}");
    assert!(
        rows.iter()
            .any(|r| r.starts_with("International Commission") && r.contains('…')),
        "the long name is cut: {out}"
    );
    for row in rows {
        let kind = from_column(row, kind_at);
        assert!(
            kind.starts_with(char::is_alphabetic) && row.contains(&format!("  {kind}")),
            "{row:?} in {out}"
        );
    }
}

/// A file whose page headers are printed in capitals reads as the same pages: its articles
/// are listed as the same file's with the headers as usual, and a search finds the same
/// matches read page by page (a first search), parsed whole and from the cache.
#[test]
fn page_headers_in_capitals_read_as_the_same_pages() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let usual = settled_copy(dir.path(), "other-pages.txt");
    let text = fs::read_to_string(&usual).expect("fixture read");
    let capitals = common::with_headers_in_capitals(&text);
    assert!(capitals.contains("ISSUE 3"));
    let path = dir.path().join("capitals.txt");
    fs::write(&path, capitals).expect("file written");
    age(&path, 60);
    let titles = |file: &Path| {
        let out = stdout_ok(&run_file(file, &["list", "--json"]));
        let list: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
        list.as_array()
            .expect("an array")
            .iter()
            .map(|a| a["title"].as_str().expect("a title").to_string())
            .collect::<Vec<_>>()
    };
    let expected = titles(&usual);
    assert!(expected.len() > 2, "{expected:?}");
    assert_eq!(titles(&path), expected);
    let cache = dir.path().join("cache");
    for query in ["water", "the"] {
        let usual_hits = stdout_ok(&run_file(&usual, &["search", query]));
        assert!(!usual_hits.is_empty());
        // The first run reads the file page by page, the second parses it whole, the third
        // reads its cache entry.
        for round in ["first", "second", "cached"] {
            let hits = stdout_ok(&run_file_cached(&path, &["search", query], &cache));
            assert_eq!(hits, usual_hits, "{query}, {round} search");
        }
    }
}
