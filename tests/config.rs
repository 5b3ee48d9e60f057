//! The config file: printing and reading back, precise messages for broken files, and key
//! overrides reaching the keymap, the help overlay and the man page.

use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use broker_reader::config::{self, Config, KeyTable};
use broker_reader::tui::action::Action;
use broker_reader::tui::app::State;
use broker_reader::tui::keymap::{Context, Key, Keymap};
use broker_reader::tui::theme::{Theme, ThemeName};

mod common;

fn key(s: &str) -> Key {
    s.parse().expect("valid key")
}

fn write(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(&path, text).expect("write config");
    path
}

/// The warning for a config file with this text.
fn warning_for(text: &str) -> (PathBuf, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), text);
    let loaded = config::load(Some(&path), true);
    assert_eq!(
        loaded.config,
        Config::default(),
        "a broken file gives defaults"
    );
    let warning = loaded.warning.expect("a warning for a broken file");
    assert!(
        warning.contains(&path.display().to_string()),
        "names the file: {warning}"
    );
    assert!(!warning.contains('\n'), "fits the status bar: {warning}");
    (path, warning)
}

const CUSTOM: &str = r##"
[theme]
name = "light"

[theme.colors]
accent = "#88c0d0"
match = "black on yellow"

[layout]
sidebar = false
sidebar_width = 30
max_width = 64

[keys]
quit = "x"
down = ["j", "ctrl-n"]
mention_next = "}"
help = []

[search_keys]
recall_older = "ctrl-p"
"##;

#[test]
fn printing_and_loading_is_a_fixed_point() {
    for text in ["", CUSTOM] {
        let config = Config::parse(text).expect("valid config");
        let printed = config.to_toml();
        let again = Config::parse(&printed).expect("printed config loads");
        assert_eq!(again.to_toml(), printed, "from {text:?}");
        assert_eq!(again.keymap(), config.keymap());
        assert_eq!(again.layout, config.layout);
        assert_eq!(again.colours, config.colours);
        assert_eq!(again.theme, config.theme);
    }
    assert_eq!(
        Config::parse(&Config::default().to_toml())
            .expect("loads")
            .keymap(),
        Keymap::default()
    );
}

#[test]
fn custom_settings_are_read() {
    let config = Config::parse(CUSTOM).expect("valid config");
    assert_eq!(config.theme, ThemeName::Light);
    assert!(!config.layout.sidebar);
    assert_eq!(config.layout.sidebar_width, Some(30));
    assert_eq!(config.layout.max_width, 64);
    assert_eq!(
        config.colours.get("accent").map(String::as_str),
        Some("#88c0d0")
    );
    assert!(config.keys.contains_key(&KeyTable::Search));
    let theme = config.theme(true, None);
    assert_eq!(
        theme.focused_border.fg,
        Some(ratatui::style::Color::Rgb(0x88, 0xc0, 0xd0))
    );
    assert!(config.theme(false, None).is_colourless());
    // The shorthand and the table say the same.
    let table = Config::parse("[theme]\nname = \"dark\"\n").expect("valid");
    assert_eq!(table.theme, ThemeName::Dark);
}

#[test]
fn key_overrides_change_the_keymap() {
    let map = Config::parse(CUSTOM).expect("valid").keymap();
    let panes = [Context::Body, Context::Global];
    assert_eq!(map.lookup(&panes, key("x")), Some(Action::Quit));
    assert_eq!(map.lookup(&panes, key("q")), None, "q no longer quits");
    assert_eq!(map.lookup(&panes, key("ctrl-n")), Some(Action::Down));
    assert_eq!(map.lookup(&panes, key("}")), Some(Action::MentionNext));
    assert_eq!(map.lookup(&panes, key("]")), None);
    assert_eq!(map.lookup(&panes, key("?")), None, "help = [] unbinds");
    // Typed text is untouched; the prompt's own binding changed.
    let search = [Context::Search];
    assert_eq!(map.lookup(&search, key("x")), Some(Action::Insert('x')));
    assert_eq!(
        map.lookup(&search, key("ctrl-p")),
        Some(Action::RecallOlder)
    );
    assert_eq!(map.lookup(&search, key("up")), None);
}

#[test]
fn the_help_overlay_shows_overridden_keys() {
    let config =
        Config::parse("[keys]\nquit = \"x\"\nsearch = [\"/\", \"ctrl-f\"]\n").expect("valid");
    let mut state = State::new(common::library());
    state.configure(config.keymap(), Theme::mono(), config.layout);
    let text: Vec<String> = broker_reader::tui::view::overlay::help_lines(&state)
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect();
    let row = |description: &str| {
        text.iter()
            .find(|l| l.ends_with(description))
            .cloned()
            .unwrap_or_default()
    };
    assert!(row("quit").trim_start().starts_with("x "), "{text:#?}");
    assert!(
        row("search the whole issue").contains("/, ctrl-f"),
        "{text:#?}"
    );
}

#[test]
fn broken_toml_names_the_line() {
    let (_, warning) = warning_for("[layout]\nsidebar = true\nmax_width = = 3\n");
    assert!(warning.contains("line 3"), "{warning}");
}

#[test]
fn unknown_action_names_the_line_and_the_action() {
    let (_, warning) = warning_for("[keys]\ndown = \"j\"\nfly = \"f\"\n");
    assert!(warning.contains("line 3"), "{warning}");
    assert!(warning.contains("unknown action \"fly\""), "{warning}");
    assert!(
        warning.contains("mention_next"),
        "lists the actions: {warning}"
    );
}

#[test]
fn unknown_key_names_the_line_and_the_key() {
    let (_, warning) = warning_for("\n[keys]\nup = [\"k\", \"ctrl-shift-banana\"]\n");
    assert!(warning.contains("line 3"), "{warning}");
    assert!(warning.contains("ctrl-shift-banana"), "{warning}");
}

#[test]
fn bad_colours_name_the_line() {
    let (_, warning) =
        warning_for("[theme]\nname = \"dark\"\n[theme.colors]\nmatch = \"blurple\"\n");
    assert!(warning.contains("line 4"), "{warning}");
    assert!(warning.contains("blurple"), "{warning}");
    let (_, warning) = warning_for("[theme.colors]\nsparkle = \"red\"\n");
    assert!(warning.contains("line 2"), "{warning}");
    assert!(
        warning.contains("unknown colour name \"sparkle\""),
        "{warning}"
    );
    let (_, warning) = warning_for("theme = \"sepia\"\n");
    assert!(warning.contains("line 1"), "{warning}");
}

#[test]
fn other_mistakes_name_the_line() {
    let (_, warning) = warning_for("[keys]\nquit = \"x\"\nhelp = \"x\"\n");
    assert!(warning.contains("line 3"), "{warning}");
    assert!(warning.contains("both quit and help"), "{warning}");
    let (_, warning) = warning_for("[layout]\n\nmax_width = 5\n");
    assert!(
        warning.contains("line 3") && warning.contains("max_width"),
        "{warning}"
    );
    let (_, warning) = warning_for("[layot]\nsidebar = false\n");
    assert!(
        warning.contains("line 1") && warning.contains("layot"),
        "{warning}"
    );
    let (_, warning) = warning_for("\u{0}\u{1}garbage \x1b[31m");
    assert!(
        !warning.contains('\x1b'),
        "no escapes reach the screen: {warning:?}"
    );
}

#[test]
fn missing_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let absent = dir.path().join("nope.toml");
    // The standard location may simply not exist yet.
    assert_eq!(
        config::load(Some(&absent), false),
        config::Loaded::default()
    );
    // A file named on purpose must exist.
    let loaded = config::load(Some(&absent), true);
    assert!(loaded.warning.is_some_and(|w| w.contains("nope.toml")));
}

fn cmd(config_home: &Path) -> assert_cmd::Command {
    let mut cmd = cargo_bin_cmd!("broker-reader");
    cmd.env("XDG_CONFIG_HOME", config_home)
        .env("XDG_STATE_HOME", config_home.join("state"))
        .env("XDG_CACHE_HOME", config_home.join("cache"))
        .env("HOME", config_home)
        .env_remove(config::CONFIG_ENV)
        .env_remove("NO_COLOR");
    cmd
}

#[test]
fn config_command_prints_the_file_it_would_read() {
    let home = tempfile::tempdir().expect("temp dir");
    let standard = home.path().join("broker-reader").join("config.toml");
    let out = cmd(home.path())
        .args(["config", "--path"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        standard.display().to_string()
    );
    // Finding the file is not opening the store: nothing is created on disk.
    assert!(!home.path().join("state").exists());
    assert!(!standard.parent().expect("has a parent").exists());
    std::fs::create_dir_all(standard.parent().expect("has a parent")).expect("mkdir");
    std::fs::write(&standard, "[keys]\nquit = \"x\"\n").expect("write");
    let out = cmd(home.path()).arg("config").output().expect("runs");
    assert!(out.status.success());
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("quit = \"x\""), "{printed}");
    assert!(out.stderr.is_empty());
}

#[test]
fn config_command_reports_a_broken_file_and_prints_defaults() {
    let home = tempfile::tempdir().expect("temp dir");
    let path = write(home.path(), "[keys]\n\nfly = \"f\"\n");
    let out = cmd(home.path())
        .args(["--config"])
        .arg(&path)
        .arg("config")
        .output()
        .expect("runs");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&path.display().to_string()), "{stderr}");
    assert!(stderr.contains("line 3"), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        Config::default().to_toml()
    );
    // The variable works like the flag.
    let out = cmd(home.path())
        .env(config::CONFIG_ENV, &path)
        .arg("config")
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 3"));
}

#[test]
fn the_readme_example_is_a_valid_config() {
    let readme = include_str!("../README.md");
    let start = readme.find("```toml\n").expect("README has a TOML example") + "```toml\n".len();
    let end = start + readme[start..].find("```").expect("closed");
    let config = Config::parse(&readme[start..end]).expect("the README example loads");
    assert!(!config.keys.is_empty() && !config.colours.is_empty());
}

#[test]
fn layout_settings_shape_the_screen() {
    use broker_reader::tui::app::Pane;
    use broker_reader::tui::view::{panes, panes_with};
    use ratatui::layout::Rect;
    let area = Rect::new(0, 0, 160, 40);
    let default = panes(area, Pane::Body).expect("fits");
    assert!(default.sidebar.is_some());
    let config = Config::parse("[layout]\nsidebar = false\n").expect("valid");
    let off = panes_with(area, Pane::Body, &config.layout, false).expect("fits");
    assert!(off.sidebar.is_none() && off.articles.is_some());
    assert!(off.body.map(|r| r.width) > default.body.map(|r| r.width));
    // Focusing the sidebar still shows it.
    let focused = panes_with(area, Pane::Sidebar, &config.layout, false).expect("fits");
    assert!(focused.sidebar.is_some());
    let config = Config::parse("[layout]\nsidebar_width = 30\n").expect("valid");
    let narrow = panes_with(area, Pane::Body, &config.layout, false).expect("fits");
    assert_eq!(narrow.sidebar.map(|r| r.width), Some(30));
    // The text column starts at the configured width.
    let config = Config::parse("[layout]\nmax_width = 50\n").expect("valid");
    let mut state = State::new(common::library());
    state.configure(config.keymap(), Theme::mono(), config.layout);
    broker_reader::tui::app::update(
        &mut state,
        broker_reader::tui::action::Action::Resize(200, 40),
    );
    assert_eq!(state.text_width(), 50);
}
