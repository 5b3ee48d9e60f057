//! End to end: the real binary in a real terminal (tmux), driven by keys. Opens an issue,
//! searches, jumps to an entity when the build finds any, goes back, copies a mention, quits
//! with status 0 and leaves its reading place saved. Skipped, with a notice, where tmux is not
//! installed.

mod common;

use std::path::Path;
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

use broker_reader::Export;

struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "reader"])
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "reader"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Waits until the screen satisfies `check`; fails with the screen otherwise.
    fn wait_for(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if check(&screen) {
                return screen;
            }
            if start.elapsed() > Duration::from_secs(15) {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

/// Whether tmux is missing, which the end-to-end `test` then says it skips for.
fn tmux_missing(test: &str) -> bool {
    let missing = Command::new("tmux").arg("-V").output().is_err();
    if missing {
        eprintln!("NOTICE: tmux is not installed; skipping the end-to-end {test} test");
    }
    missing
}

fn wait_for_file(path: &Path) -> String {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(15) {
        if let Ok(text) = std::fs::read_to_string(path)
            && text.ends_with('\n')
        {
            return text;
        }
        sleep(Duration::from_millis(50));
    }
    panic!("{} never appeared", path.display());
}

/// The test issue written as a JSON export into `dir`, for the reader to open.
fn write_issue(dir: &Path) -> std::path::PathBuf {
    let issue_path = dir.join("issue.json");
    let export = Export {
        issue: common::issue(),
        entities: Vec::new(),
    };
    std::fs::write(
        &issue_path,
        serde_json::to_string(&export).expect("export serialises"),
    )
    .expect("write issue");
    issue_path
}

/// A session running the reader on `issue` in a `width`×`height` tmux window, with its state
/// kept in `dir/state`; when the reader exits, its status is written to `dir/status`.
fn start_reader(dir: &Path, issue: &Path, name: &str, (width, height): (u16, u16)) -> Tmux {
    let bin = env!("CARGO_BIN_EXE_broker-reader");
    let script = format!(
        "XDG_STATE_HOME='{state}' XDG_CONFIG_HOME='{state}' XDG_DATA_HOME='{state}' \
         XDG_CACHE_HOME='{state}' HOME='{state}' \
         '{bin}' --file '{issue}'; echo $? > '{status}'; sleep 30",
        state = dir.join("state").display(),
        issue = issue.display(),
        status = dir.join("status").display(),
    );
    let tmux = Tmux {
        socket: format!("broker-reader-{name}-{}", std::process::id()),
    };
    let (width, height) = (width.to_string(), height.to_string());
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "reader",
        "-x",
        &width,
        "-y",
        &height,
        "sh",
        "-c",
        &script,
    ]);
    tmux
}

#[test]
fn read_search_jump_back_and_quit_in_a_real_terminal() {
    if tmux_missing("reader") {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_broker-reader");
    let dir = tempfile::tempdir().expect("temp dir");
    let issue_path = write_issue(dir.path());
    // Whether this build finds entities decides if the entity step can run.
    let listed = Command::new(bin)
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .arg("--file")
        .arg(&issue_path)
        .args(["entities", "--json"])
        .output()
        .expect("entities runs");
    let entities: Vec<serde_json::Value> =
        serde_json::from_slice(&listed.stdout).unwrap_or_default();
    let laos = entities.iter().any(|e| e["name"].as_str() == Some("Laos"));

    let state = dir.path().join("state");
    let status = dir.path().join("status");
    let tmux = start_reader(dir.path(), &issue_path, "test", (120, 40));
    tmux.wait_for("the first article", |s| {
        s.contains("Rivers without borders") && s.contains("Articles (3)")
    });

    // Search: the prompt shows the live count, Enter jumps and shows the counter.
    tmux.keys(&["/"]);
    tmux.keys(&["-l", "Laos"]);
    tmux.wait_for("live match count", |s| {
        s.contains("/Laos") && s.contains("matches")
    });
    tmux.keys(&["Enter"]);
    tmux.wait_for("match counter", |s| s.contains("1/4"));
    tmux.keys(&["n", "n", "n"]);
    tmux.wait_for("the match in the third article", |s| {
        s.contains("4/4") && s.contains("3/3 Gauges go public")
    });

    if laos {
        // The picker opens the entity and jumps to its first mention, in the first article.
        tmux.keys(&["e"]);
        tmux.keys(&["-l", "laos"]);
        tmux.wait_for("the picker", |s| s.contains("> laos"));
        tmux.keys(&["Enter"]);
        tmux.wait_for("the entity's detail at its first mention", |s| {
            s.contains("Mentions") && s.contains("1/3 Rivers without borders")
        });
        tmux.keys(&["BSpace"]);
        tmux.wait_for("back at the last match", |s| {
            s.contains("3/3 Gauges go public") && s.contains("Entities")
        });
        // Copying a mention: tmux, told to take clipboard sequences from programs, holds the
        // name as its newest paste buffer.
        tmux.run(&["set-option", "-g", "set-clipboard", "on"]);
        tmux.keys(&["]", "y"]);
        let screen = tmux.wait_for("the copy reported", |s| s.contains("Copied “"));
        let buffer = tmux.run(&["show-buffer"]);
        assert!(
            !buffer.is_empty(),
            "nothing reached tmux; screen:\n{screen}"
        );
        assert!(
            screen.contains(&format!("Copied “{buffer}”")),
            "{buffer:?} was copied; screen:\n{screen}"
        );
    } else {
        eprintln!("NOTICE: this build finds no entities; skipping the entity jump");
        tmux.keys(&["BSpace"]);
        tmux.wait_for("back at the previous match", |s| {
            s.contains("1/3 Rivers without borders")
        });
    }
    tmux.keys(&["q"]);
    let code = wait_for_file(&status);
    assert_eq!(code.trim(), "0");

    let saved = std::fs::read_to_string(state.join("broker-reader").join("state.json"))
        .expect("the reading state was saved");
    assert!(saved.contains("\"Laos\""), "{saved}");
}

#[test]
fn sigterm_saves_the_place_restores_the_terminal_and_exits_143() {
    if tmux_missing("signal") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let issue_path = write_issue(dir.path());
    let state = dir.path().join("state");
    let status = dir.path().join("status");
    let tmux = start_reader(dir.path(), &issue_path, "signal", (100, 30));
    tmux.wait_for("the reader", |s| s.contains("Rivers without borders"));
    tmux.keys(&["/"]);
    tmux.keys(&["-l", "hydropower"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("the match", |s| s.contains("1/2"));
    // The reader is the only child of the pane's shell.
    let shell = tmux.run(&["display", "-p", "-t", "reader", "#{pane_pid}"]);
    let child = Command::new("pgrep")
        .args(["-P", shell.trim()])
        .output()
        .expect("pgrep runs");
    let pid = String::from_utf8_lossy(&child.stdout).trim().to_string();
    assert!(!pid.is_empty(), "the reader is running");
    Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    let code = wait_for_file(&status);
    // 128 + 15, as a shell reports a process SIGTERM ended: a script can tell it from a quit.
    assert_eq!(code.trim(), "143");
    // Back on the normal screen: the reader's panes are gone.
    tmux.wait_for("the terminal restored", |s| {
        !s.contains("Rivers without borders")
    });
    let saved = std::fs::read_to_string(state.join("broker-reader").join("state.json"))
        .expect("the reading state was saved");
    assert!(saved.contains("\"hydropower\""), "{saved}");
}

/// Captures the screen once it has stopped changing.
fn settled(tmux: &Tmux) -> String {
    let start = Instant::now();
    let mut last = tmux.screen();
    loop {
        sleep(Duration::from_millis(300));
        let screen = tmux.screen();
        if screen == last {
            return screen;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "the screen never settled:\n{screen}"
        );
        last = screen;
    }
}

/// With the text alone (`z`), a scroll moves the lines on the terminal itself and sends only
/// those that come in. tmux, a terminal written by others, must then show what the reader
/// draws whole at the same place when it opens there again.
#[test]
fn the_text_alone_scrolled_shows_what_it_shows_drawn_whole() {
    if tmux_missing("scroll") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let issue_path = write_issue(dir.path());
    let status = dir.path().join("status");
    let size = (70, 14);
    let (alone, scrolled) = {
        let tmux = start_reader(dir.path(), &issue_path, "scroll", size);
        tmux.wait_for("the reader", |s| s.contains("Rivers without borders"));
        tmux.keys(&["z"]);
        let alone = tmux.wait_for("the text alone", |s| {
            s.contains("Text alone") && !s.contains("Articles (3)")
        });
        // Down past the article's head, whose rows hold no place to save: one line at a time,
        // a half page, one back up. Some keys come together, the others after a pause in which
        // the reader draws ahead the frames of the likeliest next keys and answers with one.
        for (i, key) in ["j", "j", "j", "j", "j", "d", "k", "j", "j", "k"]
            .into_iter()
            .enumerate()
        {
            tmux.keys(&[key]);
            if i >= 3 {
                sleep(Duration::from_millis(150));
            }
        }
        let scrolled = settled(&tmux);
        tmux.keys(&["q"]);
        assert_eq!(wait_for_file(&status).trim(), "0");
        (alone, scrolled)
    };
    assert_ne!(alone, scrolled, "the text moved");
    std::fs::remove_file(&status).expect("remove the status file");
    // The reader opens again alone at the same place, drawn whole; a line down and back up
    // clears the message it opens with, as the last key did before.
    let tmux = start_reader(dir.path(), &issue_path, "whole", size);
    tmux.wait_for("the reader", |s| s.contains("Rivers without borders"));
    tmux.keys(&["j"]);
    tmux.keys(&["k"]);
    assert_eq!(settled(&tmux), scrolled);
}
