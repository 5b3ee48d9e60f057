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
