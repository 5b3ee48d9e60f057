//! Hostile input against the real binary: files that are missing, unreadable, empty, binary,
//! mis-encoded, enormous, or laced with terminal escape sequences.
//!
//! The contract: either the command works and its output is safe to print on a terminal, or
//! it fails with exit status 2 and one line on stderr naming the file and the problem. Never a
//! panic, whatever the bytes.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::cargo::cargo_bin_cmd;

/// A hang guard, not a speed test: speed is measured by the benches.
const GUARD: Duration = Duration::from_secs(120);
/// The same for the 50 MB file, which takes seconds of CPU in a debug build and many times
/// that on a loaded machine.
const LARGE_GUARD: Duration = Duration::from_secs(900);

/// One page in the magazine's layout, on a subject of our own, with `title` and one body
/// paragraph line replaced by what a test wants to smuggle in.
fn page(number: u32, title: &str, smuggled: &str) -> String {
    format!(
        "
{number}The Broker  issue 1  April 2007

{title}
Village councils have taken over the lake fisheries from a distant 
ministry. The catch is recovering, but the councils need money 
and better maps

By Marta Oyelaran 

environment

O n the shores of the lake, fishing families now set the rules for 
the season themselves. The Lake Basin Council (LBC) meets every 
month in Kisumu and decides which beaches close during spawning. 
{smuggled}
Since 2003 the councils have kept their own records of the catch, 
and the fi gures show a slow recovery of the tilapia stock. 

Money and maps
The councils depend on fees that boat owners pay late or not at 
all. Without accurate maps of the breeding grounds, the closures 
are hard to defend when traders complain to the district offi ce. 

Boats drawn up on the beach at dawn. 
 Marta Oyelaran is a researcher at the Institute for Inland Waters 
in Entebbe, Uganda.
"
    )
}

fn plain_page() -> String {
    page(
        23,
        "Fish, water and who decides",
        "Fishing has resumed on most beaches.",
    )
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, bytes).expect("write test file");
    path
}

fn run(file: &Path, args: &[&str]) -> std::process::Output {
    // A cache of its own, never the user's; hostile files must not be kept in it either way.
    let cache = tempfile::tempdir().expect("temporary directory");
    cargo_bin_cmd!("broker-reader")
        .env("XDG_CACHE_HOME", cache.path())
        .arg("--file")
        .arg(file)
        .args(args)
        .timeout(GUARD)
        .output()
        .expect("run broker-reader")
}

/// Exit 2, nothing on stdout, one line on stderr that names the file and says `problem`.
fn assert_clear_error(output: &std::process::Output, file: &Path, problem: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(output.stdout.is_empty());
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let name = file.file_name().expect("name").to_string_lossy();
    assert!(stderr.contains(&*name), "{stderr}");
    assert!(
        stderr.to_lowercase().contains(&problem.to_lowercase()),
        "expected {problem:?} in {stderr}"
    );
    assert_terminal_safe(&output.stderr, "stderr");
}

/// Exit 0 and output a terminal can show as it is.
fn assert_ok_and_safe(output: &std::process::Output, what: &str) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{what}: {stderr}");
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    assert_terminal_safe(&output.stdout, what);
    assert_terminal_safe(&output.stderr, what);
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// No byte a terminal would act on and no character that reorders what is shown; in JSON
/// output, no string that would carry one once decoded either.
fn assert_terminal_safe(bytes: &[u8], what: &str) {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{what}: not UTF-8: {e}"));
    for line in text.split('\n') {
        if let Some(c) = line.chars().find(|&c| is_forbidden(c)) {
            panic!("{what}: {c:?} in {line:?}");
        }
    }
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(text) {
        assert_json_strings_clean(&json, what);
    }
}

fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Every string in a JSON document is one line of clean text.
fn assert_json_strings_clean(value: &serde_json::Value, what: &str) {
    match value {
        serde_json::Value::String(s) => {
            assert!(!s.chars().any(is_forbidden), "{what}: JSON string {s:?}");
        }
        serde_json::Value::Array(items) => {
            items
                .iter()
                .for_each(|v| assert_json_strings_clean(v, what));
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                assert!(!k.chars().any(is_forbidden), "{what}: JSON key {k:?}");
                assert_json_strings_clean(v, what);
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------
// Files that cannot be read

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("no-such-issue.txt");
    assert_clear_error(&run(&path, &["list"]), &path, "no such file");
}

#[test]
fn directory_instead_of_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("pages");
    fs::create_dir(&path).expect("mkdir");
    assert_clear_error(&run(&path, &["list"]), &path, "directory");
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "locked.txt", plain_page());
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).expect("chmod");
    // Root reads through permissions (as in many CI containers): then the file is simply
    // readable and must open like any other.
    let privileged = fs::read(&path).is_ok();
    let output = run(&path, &["list"]);
    if privileged {
        let out = assert_ok_and_safe(&output, "list");
        assert!(out.contains("Fish, water and who decides"), "{out}");
    } else {
        assert_clear_error(&output, &path, "permission denied");
    }
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).expect("chmod back");
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, bytes) in [("empty.txt", ""), ("blank.txt", "\n\n   \r\n\t\n")] {
        let path = write(dir.path(), name, bytes);
        assert_clear_error(&run(&path, &["list"]), &path, "empty");
    }
}

#[test]
fn no_page_header() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(
        dir.path(),
        "notes.txt",
        "Shopping list\n\nbread, milk, tea\n\nCall the plumber about the sink.\n",
    );
    assert_clear_error(&run(&path, &["list"]), &path, "no page header");
}

// ---------------------------------------------------------------------------------------
// Bytes that are not text

/// xorshift64*: deterministic bytes without a dependency.
fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

#[test]
fn random_binary_is_refused_cleanly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "noise.bin", random_bytes(0x5eed, 200 * 1024));
    assert_clear_error(&run(&path, &["list"]), &path, "no page header");
}

/// A real header followed by noise: it parses (the noise becomes text of some sort), and
/// whatever comes out is safe to print.
#[test]
fn random_binary_after_a_header_is_displayed_safely() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut bytes = plain_page().into_bytes();
    bytes.extend(random_bytes(0xfeed, 200 * 1024));
    bytes.extend(page(24, "After the noise", "Still readable.").into_bytes());
    let path = write(dir.path(), "noisy.txt", bytes);
    for args in [
        &["list"][..],
        &["show", "1"],
        &["export", "--format", "json"],
        &["export", "--format", "markdown"],
        &["export", "--format", "text"],
        &["entities"],
    ] {
        let output = run(&path, args);
        assert_ok_and_safe(&output, &args.join(" "));
    }
}

#[test]
fn nul_bytes_inside_words_disappear() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = page(
        23,
        "Fish, wa\0ter and who decides",
        "The sea\0son is sh\0\0ort.",
    );
    let path = write(dir.path(), "nul.txt", text);
    let out = assert_ok_and_safe(&run(&path, &["show", "1"]), "show");
    assert!(out.contains("Fish, water and who decides"), "{out}");
    assert!(out.contains("The season is short."), "{out}");
}

#[test]
fn windows_1252_text_is_decoded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = page(
        23,
        "Fish, water and who decides",
        "\u{2018}Our caf\u{e9} sells the catch\u{2019} \u{2013} says the council.",
    );
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "must not be UTF-8");
    let path = write(dir.path(), "cp1252.txt", &*bytes);
    let out = assert_ok_and_safe(&run(&path, &["show", "1"]), "show");
    assert!(
        out.contains("\u{2018}Our caf\u{e9} sells the catch\u{2019} \u{2013} says"),
        "{out}"
    );
}

#[test]
fn crlf_gives_the_same_structure_as_lf() {
    let dir = tempfile::tempdir().expect("temp dir");
    let lf = plain_page();
    let crlf = lf.replace('\n', "\r\n");
    let lf_path = write(dir.path(), "lf.txt", &lf);
    let crlf_path = write(dir.path(), "crlf.txt", &crlf);
    let json = |p: &Path| assert_ok_and_safe(&run(p, &["export", "--format", "json"]), "export");
    let lf_json = json(&lf_path);
    assert!(lf_json.contains("Money and maps"), "{lf_json}");
    assert_eq!(lf_json, json(&crlf_path));
}

#[test]
fn form_feeds_separate_pages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = plain_page();
    let second = page(24, "Nets, quotas and the market", "Prices rose in March.");
    let blank = write(dir.path(), "blank.txt", format!("{first}\n\n{second}"));
    let feed = write(dir.path(), "feed.txt", format!("{first}\u{0C}{second}"));
    let json = |p: &Path| assert_ok_and_safe(&run(p, &["export", "--format", "json"]), "export");
    let with_feed = json(&feed);
    assert!(
        with_feed.contains("Nets, quotas and the market"),
        "{with_feed}"
    );
    assert_eq!(with_feed, json(&blank));
}

// ---------------------------------------------------------------------------------------
// Terminal injection

/// Each sequence a hostile file might carry, with a marker that must not survive either.
const INJECTIONS: &[&str] = &[
    "\x1b[31mRED\x1b[0m",
    "\x1b[2J\x1b[H",
    "\x1b]0;PWNED-TITLE\x07",
    "\x1b]2;PWNED-TITLE\x1b\\",
    "\x1b]52;c;Y2xpcGJvYXJkLXB3bmVk\x07",
    "\x1b]8;;https://evil.example/\x1b\\linktext\x1b]8;;\x1b\\",
    "\x1bPq#0;2;0;0;0DCS-PAYLOAD\x1b\\",
    "\x1b_APC-PAYLOAD\x1b\\",
    "\u{9b}31mC1RED\u{9b}0m",
    "\u{9d}0;PWNED-TITLE\u{9c}",
    "\u{202E}desrever\u{202C} \u{2066}isolated\u{2069}",
    "\x07\x08\x7f",
];

/// Strings that only an escape sequence's payload contains.
const PAYLOAD_MARKERS: &[&str] = &[
    "PWNED",
    "Y2xpcGJvYXJk",
    "evil.example",
    "DCS-PAYLOAD",
    "APC-PAYLOAD",
    "[31m",
    "[0m",
    "[2J",
    "]0;",
    "]2;",
    "]52;",
    "]8;",
    "31m",
];

fn injected_page() -> String {
    let all = INJECTIONS.concat();
    page(
        23,
        &format!("Fish{all}, water and who decides"),
        &format!("The council met{all} on Tuesday in Kisumu."),
    )
}

fn assert_no_payload(out: &str, what: &str) {
    for marker in PAYLOAD_MARKERS {
        assert!(!out.contains(marker), "{what}: {marker:?} leaked in {out}");
    }
}

#[test]
fn injected_sequences_never_reach_stdout() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "injected.txt", injected_page());
    let commands: &[&[&str]] = &[
        &["list"],
        &["list", "--json"],
        &["show", "1"],
        &["show", "fish"],
        &["export", "--format", "json"],
        &["export", "--format", "markdown"],
        &["export", "--format", "text"],
        &["search", "council"],
        &["search", "--json", "council"],
        &["search", "Kisumu"],
        &["entities"],
        &["entities", "--json"],
    ];
    for args in commands {
        let what = args.join(" ");
        let out = assert_ok_and_safe(&run(&path, args), &what);
        assert_no_payload(&out, &what);
    }
    let shown = assert_ok_and_safe(&run(&path, &["show", "1"]), "show");
    // The visible words around the sequences survive.
    assert!(shown.contains("RED"), "{shown}");
    assert!(shown.contains("linktext"), "{shown}");
    assert!(shown.contains("The council met"), "{shown}");
    assert!(shown.contains("on Tuesday in Kisumu."), "{shown}");
}

/// The same page as a JSON export: an export is as untrusted as text.
#[test]
fn injected_sequences_in_a_json_export_never_reach_stdout() {
    let dir = tempfile::tempdir().expect("temp dir");
    let all = INJECTIONS.concat();
    let export = serde_json::json!({
        "magazine": format!("The Broker{all}"),
        "issue": 1,
        "date": format!("April{all} 2007"),
        "pages": [23],
        "articles": [{
            "id": 7,
            "page": 23,
            "section": format!("environment{all}"),
            "title": format!("Fish{all}, water"),
            "standfirst": format!("Councils{all}\nand maps"),
            "authors": [format!("Marta{all} Oyelaran")],
            "blocks": [
                {"kind": "paragraph", "text": format!("The council met{all} in Kisumu.")},
                {"kind": "paragraph", "text": all.clone()},
            ]
        }],
        "entities": []
    });
    let path = write(dir.path(), "injected.json", export.to_string());
    for args in [
        &["list"][..],
        &["show", "1"],
        &["export", "--format", "json"],
        &["export", "--format", "markdown"],
        &["export", "--format", "text"],
        &["search", "council"],
        &["entities"],
    ] {
        let what = args.join(" ");
        let out = assert_ok_and_safe(&run(&path, args), &what);
        assert_no_payload(&out, &what);
    }
}

/// A raw 0x9B byte is 8-bit CSI to some terminals; in a file it also makes the text invalid
/// UTF-8.
#[test]
fn raw_c1_bytes_never_reach_stdout() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut bytes = plain_page().into_bytes();
    let at = bytes
        .windows(7)
        .position(|w| w == b"Kisumu ")
        .expect("marker in page");
    bytes.splice(at..at, b"\x9b31m\x9d0;PWNED\x9c\x90DCS\x9c".iter().copied());
    let path = write(dir.path(), "raw-c1.txt", bytes);
    for args in [
        &["show", "1"][..],
        &["export", "--format", "text"],
        &["list"],
    ] {
        let what = args.join(" ");
        let out = assert_ok_and_safe(&run(&path, args), &what);
        assert!(!out.contains("PWNED"), "{what}: {out}");
    }
}

#[test]
fn error_messages_carry_no_escape_sequences() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A file name and an argument crafted to retitle the terminal.
    let path = dir.path().join("\x1b]0;PWNED\x07issue.txt");
    let output = run(&path, &["list"]);
    assert_eq!(output.status.code(), Some(2));
    assert_terminal_safe(&output.stderr, "missing-file error");
    assert!(!String::from_utf8_lossy(&output.stderr).contains("]0;"));

    let good = write(dir.path(), "good.txt", plain_page());
    let output = run(&good, &["show", "\x1b]2;PWNED\x07\u{9b}31m"]);
    assert_eq!(output.status.code(), Some(2));
    // The argument may be echoed, but only with its controls escaped (`\u{1b}`).
    assert_terminal_safe(&output.stderr, "show error");
    assert_eq!(String::from_utf8_lossy(&output.stderr).lines().count(), 1);

    let hostile_name = write(dir.path(), "\x1b[31mnotes\u{202E}.txt", "no header here\n");
    let output = run(&hostile_name, &["list"]);
    assert_eq!(output.status.code(), Some(2));
    assert_terminal_safe(&output.stderr, "no-header error");
}

// ---------------------------------------------------------------------------------------
// Size

#[test]
fn a_two_megabyte_line_without_spaces_is_shown_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let long: String = "abcdefghij".repeat(200_000);
    let path = write(
        dir.path(),
        "long.txt",
        page(23, "Fish, water and who decides", &long),
    );
    let output = run(&path, &["show", "1", "--width", "80"]);
    let out = assert_ok_and_safe(&output, "show");
    let joined: String = out.lines().map(str::trim).collect();
    assert!(joined.contains(&long), "the long line is not shown whole");
    assert!(
        out.lines()
            .all(|l| unicode_width::UnicodeWidthStr::width(l) <= 80),
        "a line is wider than 80 columns"
    );
    let hits = assert_ok_and_safe(&run(&path, &["search", "jabcdefghija"]), "search");
    assert!(!hits.is_empty());
}

/// Peak resident memory of a child process, sampled while it runs (Linux).
#[cfg(target_os = "linux")]
fn run_measuring_peak(file: &Path, args: &[&str]) -> (std::process::Output, u64) {
    use std::io::Read;
    let cache = tempfile::tempdir().expect("temporary directory");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("broker-reader"))
        .env("XDG_CACHE_HOME", cache.path())
        .arg("--file")
        .arg(file)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let status_path = format!("/proc/{}/status", child.id());
    let mut stdout = child.stdout.take().expect("stdout");
    let drain = std::thread::spawn(move || {
        let mut buf = Vec::new();
        stdout.read_to_end(&mut buf).expect("read stdout");
        buf
    });
    let mut peak_kb = 0;
    let started = std::time::Instant::now();
    let status = loop {
        // VmHWM is the kernel's own high-water mark, so sampling misses nothing.
        if let Ok(status) = fs::read_to_string(&status_path)
            && let Some(kb) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak_kb = peak_kb.max(kb);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > LARGE_GUARD {
            // Never leave the child running, whatever the outcome.
            let _ = child.kill();
            let _ = child.wait();
            panic!("hung on a large file");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = Vec::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_end(&mut stderr)
        .expect("read stderr");
    let stdout = drain.join().expect("drain");
    (
        std::process::Output {
            status,
            stdout,
            stderr,
        },
        peak_kb * 1024,
    )
}

/// 50 MB of pages: either it opens, or a clear error says why; memory stays within a small
/// multiple of the file.
#[cfg(target_os = "linux")]
#[test]
fn a_fifty_megabyte_file_opens_with_bounded_memory() {
    const SIZE: usize = 50 * 1024 * 1024;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = String::with_capacity(SIZE + 4096);
    let mut n = 1;
    while text.len() < SIZE {
        // Page numbers cycle: real issues never run to thousands of pages.
        let number = u32::try_from(n % 200 + 1).expect("small");
        text.push_str(&page(
            number,
            &format!("Report number {n}"),
            "A further line.",
        ));
        n += 1;
    }
    let path = write(dir.path(), "huge.txt", &text);
    drop(text);
    let (output, peak) = run_measuring_peak(&path, &["search", "Entebbe"]);
    match output.status.code() {
        Some(0) => {
            let out = assert_ok_and_safe(&output, "search");
            assert_eq!(out.lines().count(), n - 1);
        }
        _ => assert_clear_error(&output, &path, "too large"),
    }
    assert!(
        peak < 10 * SIZE as u64,
        "peak memory {} MB for a {} MB file",
        peak >> 20,
        SIZE >> 20
    );
    eprintln!("50 MB file: {} pages, peak memory {} MB", n - 1, peak >> 20);
}

// ---------------------------------------------------------------------------------------
// Over the limit

#[test]
fn a_file_over_the_size_limit_gets_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sparse.txt");
    let file = fs::File::create(&path).expect("create");
    // Sparse: takes no disk space, but its length is over the limit.
    file.set_len(broker_reader::source::MAX_INPUT_BYTES + 1)
        .expect("set length");
    assert_clear_error(&run(&path, &["list"]), &path, "too large");
}

// ---------------------------------------------------------------------------------------
// The reader's screen

/// The injected page opened in the reader and drawn on a test terminal while browsing:
/// no cell ever holds a control, a bidi override or an escape sequence's payload, so nothing
/// of it can reach the terminal (or its window title) through the reader either.
#[test]
fn injected_sequences_never_reach_the_reader_screen() {
    use broker_reader::tui::app::{State, update};
    use broker_reader::tui::keymap::Key;
    use broker_reader::tui::view;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "injected.txt", injected_page());
    let library = broker_reader::Library::open(&path).expect("opens");
    let mut state = State::new(std::sync::Arc::new(library));
    let scripts = [
        "",
        "j j j",
        "G",
        "/ c o u n c i l enter",
        "n n",
        "tab",
        "tab j enter",
        "e",
        "esc ?",
        "esc tab tab",
    ];
    for (w, h) in [(120u16, 40u16), (60, 20), (30, 10)] {
        update(&mut state, broker_reader::tui::action::Action::Resize(w, h));
        for script in scripts {
            for name in script.split(' ').filter(|n| !n.is_empty()) {
                let key: Key = name.parse().expect("key name");
                if let Some(action) = state.action_for(key) {
                    update(&mut state, action);
                }
            }
            let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
            terminal
                .draw(|frame| view::view(frame, &state))
                .expect("draw");
            let buffer = terminal.backend().buffer();
            let mut screen = String::new();
            for y in 0..h {
                for x in 0..w {
                    let symbol = buffer[(x, y)].symbol();
                    assert!(
                        !symbol.chars().any(is_forbidden),
                        "{w}x{h} after {script:?}: cell ({x},{y}) holds {symbol:?}"
                    );
                    screen.push_str(symbol);
                }
                screen.push('\n');
            }
            assert_no_payload(&screen, &format!("screen {w}x{h} after {script:?}"));
        }
    }
}

/// The 2 MB line in the reader: it opens, scrolls to the end and back, and draws.
#[test]
fn a_two_megabyte_line_opens_and_scrolls_in_the_reader() {
    use broker_reader::tui::action::Action;
    use broker_reader::tui::app::{State, update};
    use broker_reader::tui::view;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    let dir = tempfile::tempdir().expect("temp dir");
    let long: String = "abcdefghij".repeat(200_000);
    let path = write(
        dir.path(),
        "long.txt",
        page(23, "Fish, water and who decides", &long),
    );
    let library = broker_reader::Library::open(&path).expect("opens");
    let mut state = State::new(std::sync::Arc::new(library));
    update(&mut state, Action::Resize(100, 30));
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    let actions = [
        Action::Bottom,
        Action::PageUp,
        Action::Top,
        Action::PageDown,
        Action::HalfPageDown,
        Action::Down,
        Action::NarrowerText,
        Action::Bottom,
        Action::WiderText,
        Action::Up,
    ];
    for action in actions {
        update(&mut state, action.clone());
        terminal
            .draw(|frame| view::view(frame, &state))
            .expect("draw");
    }
    update(&mut state, Action::Bottom);
    assert!(state.percent() == 100, "the end is reachable");
    let wrapped = state.wrapped();
    assert!(wrapped.len() > 20_000, "the line is wrapped, not cut");
}

/// A device that never ends reports a length of 0: the limit must hold on what is read, or
/// `--file /dev/zero` eats all memory.
#[cfg(target_os = "linux")]
#[test]
fn an_endless_device_is_cut_off_with_a_clear_error() {
    let path = Path::new("/dev/zero");
    let (output, peak) = run_measuring_peak(path, &["list"]);
    assert_clear_error(&output, path, "too large");
    let limit = broker_reader::source::MAX_INPUT_BYTES;
    assert!(
        peak < 3 * limit,
        "peak memory {} MB reading /dev/zero",
        peak >> 20
    );
}

/// The terminal going away (tmux killed, ssh dropped, window closed) must end the reader with
/// its state saved, not leave an orphan spinning on a dead terminal. crossterm's default
/// event source loops forever when a hung-up terminal reads as end-of-file
/// (crossterm-rs/crossterm#793), so the reader's event loop never sees SIGHUP or SIGTERM
/// again; only SIGKILL ends it.
#[cfg(target_os = "linux")]
#[test]
fn the_reader_exits_when_its_terminal_goes_away() {
    use std::process::Command;
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("NOTICE: tmux is not installed; skipping the hang-up test");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let page_path = write(dir.path(), "page.txt", plain_page());
    let state_home = dir.path().join("state");
    let socket = format!("hostile-hangup-{}", std::process::id());
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &socket])
            .args(args)
            .output()
            .expect("tmux runs")
    };
    let reader = format!(
        "exec env XDG_STATE_HOME='{}' XDG_CACHE_HOME='{0}' '{}' --file '{}'",
        state_home.display(),
        assert_cmd::cargo::cargo_bin!("broker-reader").display(),
        page_path.display()
    );
    tmux(&["new-session", "-d", "-x", "100", "-y", "30", &reader]);
    let pid = String::from_utf8_lossy(&tmux(&["list-panes", "-F", "#{pane_pid}"]).stdout)
        .trim()
        .to_string();
    assert!(!pid.is_empty(), "no reader pane");
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        let screen = tmux(&["capture-pane", "-p"]).stdout;
        if String::from_utf8_lossy(&screen).contains("Fish, water") {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    tmux(&["kill-server"]);
    let proc_dir = PathBuf::from(format!("/proc/{pid}"));
    let gone = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        !proc_dir.exists()
    });
    if !gone {
        // Never leave a spinning reader behind, whatever the outcome.
        let _ = Command::new("kill").args(["-KILL", &pid]).status();
    }
    assert!(gone, "the reader outlived its terminal by 10 s");
    assert!(
        state_home.join("broker-reader/state.json").exists(),
        "the reading position was not saved on hang-up"
    );
}
