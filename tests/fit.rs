//! The reader as a citizen of the terminal: help and version, completions, the man page,
//! colour switches and pipes.

use std::path::Path;
use std::process::Output;

use assert_cmd::cargo::cargo_bin_cmd;
use broker_reader::cli::ColorChoice;
use broker_reader::tui::action::Action;
use broker_reader::tui::keymap::Keymap;

/// The binary with a private home, so no user config or state is read.
fn run(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = cargo_bin_cmd!("broker-reader");
    cmd.env("XDG_CONFIG_HOME", home)
        .env("XDG_STATE_HOME", home)
        .env("XDG_CACHE_HOME", home)
        .env("HOME", home)
        .env_remove("NO_COLOR")
        .env_remove("BROKER_READER_CONFIG")
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

const COMMANDS: [&str; 8] = [
    "list",
    "show",
    "search",
    "entities",
    "export",
    "config",
    "completions",
    "man",
];

#[test]
fn help_and_version() {
    let home = tempfile::tempdir().expect("temp dir");
    let help = stdout(&run(home.path(), &["--help"], &[]));
    for command in COMMANDS {
        assert!(help.contains(command), "--help lists {command}");
    }
    assert!(help.contains("--color") && help.contains("--config"));
    let version = stdout(&run(home.path(), &["--version"], &[]));
    assert!(version.starts_with("broker-reader "), "{version}");
}

#[test]
fn completions_cover_the_commands() {
    let home = tempfile::tempdir().expect("temp dir");
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout(&run(home.path(), &["completions", shell], &[]));
        assert!(script.len() > 500, "{shell}: {script}");
        for command in COMMANDS {
            assert!(script.contains(command), "{shell} completes {command}");
        }
        assert!(script.contains("color"), "{shell} completes --color");
    }
    let bad = run(home.path(), &["completions", "cmd.exe"], &[]);
    assert!(!bad.status.success());
}

#[test]
fn man_page_documents_commands_options_and_every_key() {
    let home = tempfile::tempdir().expect("temp dir");
    let page = stdout(&run(home.path(), &["man"], &[]));
    assert!(page.starts_with(".ie") || page.starts_with(".TH"), "roff");
    assert!(page.contains(".TH broker-reader 1"));
    for section in [
        ".SH NAME",
        ".SH OPTIONS",
        ".SH COMMANDS",
        ".SH KEYS",
        ".SH ENVIRONMENT",
    ] {
        assert!(page.contains(section), "{section}");
    }
    for command in COMMANDS {
        assert!(page.contains(&format!("\\fB{command}\\fR")), "{command}");
    }
    assert!(page.contains("\\-\\-color") && page.contains("NO_COLOR"));
    // Every action bound by default appears with its description and its keys.
    let keymap = Keymap::default();
    for binding in &keymap.bindings {
        assert!(
            page.contains(binding.action.description()),
            "{}",
            binding.action.description()
        );
        let key = binding.key.to_string().replace('-', "\\-");
        assert!(page.contains(&key), "key {key}");
    }
    assert!(page.contains("ctrl\\-o"));
    // No line of text may start as a roff request by accident.
    for line in page.lines() {
        assert!(!line.starts_with('\''), "{line}");
    }
}

#[test]
fn man_keys_follow_the_table() {
    // Generated from the table, so a rebinding shows up in the page.
    let mut keymap = Keymap::default();
    keymap.bind(
        broker_reader::tui::keymap::Context::Global,
        "f9".parse().expect("key"),
        Action::Help,
    );
    let mut page = Vec::new();
    broker_reader::cli::man(&mut page, &keymap).expect("renders");
    let page = String::from_utf8(page).expect("UTF-8");
    assert!(page.contains("\\fB?, f9\\fR"), "{page}");
}

fn has_escape(bytes: &[u8]) -> bool {
    bytes.contains(&0x1b) || bytes.contains(&0x9b)
}

#[test]
fn pipes_get_plain_text() {
    let home = tempfile::tempdir().expect("temp dir");
    for args in [
        &["show", "1"][..],
        &["search", "water"],
        &["entities"],
        &["list"],
        &["export", "--format", "text"],
        &["export", "--format", "markdown"],
    ] {
        let out = run(home.path(), args, &[]);
        assert!(
            !has_escape(&out.stdout),
            "{args:?} writes escapes into a pipe"
        );
        let out = run(home.path(), args, &[("NO_COLOR", "1")]);
        assert!(!has_escape(&out.stdout), "{args:?} with NO_COLOR");
        let mut never = vec!["--color", "never"];
        never.extend_from_slice(args);
        let out = run(home.path(), &never, &[]);
        assert!(!has_escape(&out.stdout), "{args:?} with --color never");
    }
}

#[test]
fn color_always_styles_show_with_bold_only() {
    let home = tempfile::tempdir().expect("temp dir");
    let plain = stdout(&run(home.path(), &["show", "1"], &[]));
    let styled = stdout(&run(home.path(), &["--color", "always", "show", "1"], &[]));
    assert!(styled.contains("\x1b[1m"), "bold title");
    // Only bold and reset: no colour escapes, and the text is otherwise the same.
    let stripped = styled.replace("\x1b[1m", "").replace("\x1b[0m", "");
    assert!(!stripped.contains('\x1b'));
    assert_eq!(stripped, plain);
}

#[test]
fn color_choice_resolves() {
    let set = Some(std::ffi::OsStr::new("1"));
    let empty = Some(std::ffi::OsStr::new(""));
    assert!(ColorChoice::Auto.resolve(true, None));
    assert!(ColorChoice::Auto.resolve(true, empty));
    assert!(!ColorChoice::Auto.resolve(true, set));
    assert!(!ColorChoice::Auto.resolve(false, None));
    assert!(ColorChoice::Always.resolve(false, set));
    assert!(!ColorChoice::Never.resolve(true, None));
    // No colour means the modifier-only theme, whatever the config asks for.
    let config = broker_reader::config::Config::parse(
        "[theme]\nname = \"light\"\n[theme.colors]\naccent = \"red\"\n",
    )
    .expect("valid");
    assert!(config.theme(false, None).is_colourless());
    assert!(!config.theme(true, None).is_colourless());
}

#[cfg(unix)]
#[test]
fn broken_pipes_exit_quietly() {
    let home = tempfile::tempdir().expect("temp dir");
    let bin = assert_cmd::cargo::cargo_bin!("broker-reader");
    for args in [
        "show 1",
        "export --format text",
        "export",
        "completions bash",
        "man",
    ] {
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!("set -o pipefail; \"$0\" {args} | head -1"))
            .arg(bin)
            .env("XDG_CONFIG_HOME", home.path())
            .env("XDG_STATE_HOME", home.path())
            .env("XDG_CACHE_HOME", home.path())
            .env("HOME", home.path())
            .output()
            .expect("bash runs");
        assert!(out.status.success(), "{args}: {:?}", out.status);
        assert!(
            out.stderr.is_empty(),
            "{args}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
    }
}

mod common;

mod reader {
    use super::common;
    use broker_reader::tui::action::Action;
    use broker_reader::tui::app::{Effect, Overlay, Saved, State, copy_target, progress, update};
    use broker_reader::tui::keymap::Key;

    /// Small enough that the first article scrolls.
    fn state() -> State {
        let mut s = State::new(common::library());
        update(&mut s, Action::Resize(80, 16));
        s
    }

    fn keys(s: &mut State, names: &str) {
        for name in names.split(' ').filter(|n| !n.is_empty()) {
            let key: Key = name.parse().expect("valid key name");
            if let Some(action) = s.action_for(key) {
                update(s, action);
            }
        }
    }

    #[test]
    fn o_opens_the_url_under_the_mention_cursor() {
        let mut s = state();
        // The first article ends with a reference to a web address.
        keys(&mut s, "G [");
        let (pos, _) = s.cursor_mention().expect("cursor on a mention");
        assert_eq!(pos.article, 0);
        keys(&mut s, "o");
        assert_eq!(
            s.effects,
            vec![Effect::OpenUrl("http://example.org/basins".into())]
        );
        s.effects.clear();
        keys(&mut s, "y");
        assert_eq!(
            s.effects,
            vec![Effect::Copy("http://example.org/basins".into())]
        );
    }

    #[test]
    fn o_refuses_what_is_not_a_link() {
        let mut s = state();
        keys(&mut s, "o");
        assert!(s.effects.is_empty());
        assert!(s.message.as_deref().is_some_and(|m| m.contains("]")));
        // A person's name is not a web address; `y` copies it instead.
        keys(&mut s, "g ]");
        let (pos, _) = s.cursor_mention().expect("a mention near the top");
        keys(&mut s, "o");
        assert!(s.effects.is_empty(), "{:?}", s.effects);
        let text = copy_target(&s).expect("something to copy");
        let block = &s.library.issue.articles[pos.article()].blocks[pos.block()].text;
        assert_eq!(text, block[pos.range()]);
    }

    #[test]
    fn bookmarks_set_list_jump_delete_and_persist() {
        let mut s = state();
        keys(&mut s, "'");
        assert!(s.overlay.is_none(), "no list without bookmarks");
        keys(&mut s, "d d m");
        let first = s.reading_position();
        assert_eq!(s.bookmarks, vec![first]);
        keys(&mut s, "m");
        assert!(s.bookmarks.is_empty(), "m again removes it");
        keys(&mut s, "m G m");
        assert_eq!(s.bookmarks.len(), 2);
        keys(&mut s, "'");
        assert_eq!(s.overlay, Some(Overlay::Bookmarks { selected: 0 }));
        keys(&mut s, "enter");
        assert!(s.overlay.is_none());
        assert_eq!(s.reading_position(), first);
        // Backspace returns from the jump, like any other.
        keys(&mut s, "backspace");
        assert_ne!(s.reading_position(), first);
        keys(&mut s, "' j d");
        assert_eq!(s.bookmarks, vec![first]);
        keys(&mut s, "esc");
        // Saved and restored with the reading state.
        let saved = s.saved(Saved::default());
        let json = serde_json::to_string(&saved).expect("serialises");
        let back: Saved = serde_json::from_str(&json).expect("loads");
        let mut again = state();
        again.restore(&back);
        assert_eq!(again.bookmarks, vec![first]);
        // Files from before bookmarks existed still load.
        let old: Saved =
            serde_json::from_str(r#"{"sources":{"x":{"positions":[]}}}"#).expect("old files load");
        assert!(old.sources["x"].bookmarks.is_empty());
    }

    #[test]
    fn progress_marks_follow_the_reading() {
        let mut s = state();
        assert_eq!(progress(&s, 1), None, "not opened");
        assert!(progress(&s, 0).is_some());
        keys(&mut s, "G");
        assert_eq!(progress(&s, 0), Some(100));
        keys(&mut s, "tab tab j enter");
        assert_eq!(s.article, 1);
        assert!(
            progress(&s, 0).is_some_and(|p| p >= 50),
            "the remembered place is far down: {:?}",
            progress(&s, 0)
        );
        assert_eq!(broker_reader::tui::view::articles::progress_mark(None), "○");
        assert_eq!(
            broker_reader::tui::view::articles::progress_mark(Some(95)),
            "✓"
        );
    }

    #[test]
    fn plus_and_minus_change_the_text_width() {
        let mut s = State::new(common::library());
        update(&mut s, Action::Resize(200, 40));
        assert_eq!(s.text_width(), s.measure, "a wide pane shows the measure");
        let before = s.text_width();
        keys(&mut s, "-");
        assert_eq!(s.text_width(), before - 4);
        keys(&mut s, "+ +");
        assert_eq!(s.text_width(), before + 4);
        assert!(s.message.as_deref().is_some_and(|m| m.contains("columns")));
    }
}
