//! Saved state under faults: corrupt files, old and new schemas, read-only and missing
//! directories, standard locations, and concurrent writers (threads and processes).
//!
//! Tests that need environment variables or a second process re-run this test binary as a
//! child with `STORE_TEST_CHILD` set: the child tests below do nothing unless it is.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use broker_reader::store::Store;
use serde::{Deserialize, Serialize};

const STATE: &str = "state.json";

/// The first schema.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
struct StateV1 {
    article: usize,
    offset: usize,
}

/// A later schema: fields added since V1 carry `#[serde(default)]`.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
struct StateV2 {
    article: usize,
    offset: usize,
    #[serde(default)]
    searches: Vec<String>,
    #[serde(default)]
    theme: Option<String>,
}

fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, warnings) = Store::at(dir.path());
    assert!(warnings.is_empty(), "{warnings:?}");
    (dir, store)
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn aside_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().contains(".corrupt-"))
        .collect();
    files.sort();
    files
}

/// Each kind of damage: the file is moved aside byte for byte, the warning says where, and
/// the caller starts from defaults and can save again.
#[test]
fn damaged_files_are_kept_aside_and_defaults_returned() {
    let valid = serde_json::to_vec_pretty(&StateV2 {
        article: 4,
        offset: 1200,
        searches: vec!["water rights".into()],
        theme: Some("light".into()),
    })
    .expect("encode");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "garbage",
            b"\x89PNG\r\n\x1a\n\x00\x00 not state at all".to_vec(),
        ),
        ("NUL-filled", vec![0; 4096]),
        ("empty", Vec::new()),
        ("truncated", valid[..valid.len() / 2].to_vec()),
        (
            "wrong schema",
            br#"{"article": "seven", "offset": -1}"#.to_vec(),
        ),
        ("another program's JSON", br#"[1, 2, 3]"#.to_vec()),
        (
            "invalid UTF-8",
            b"{\"article\": 1, \"offset\": \xff}".to_vec(),
        ),
    ];
    for (what, bytes) in cases {
        let (dir, store) = temp_store();
        let path = dir.path().join(STATE);
        fs::write(&path, &bytes).expect("write");

        let (state, warning) = store.load::<StateV2>(STATE);
        assert_eq!(state, StateV2::default(), "{what}");
        let warning = warning.unwrap_or_else(|| panic!("{what}: no warning"));
        let aside = aside_files(dir.path());
        assert_eq!(aside.len(), 1, "{what}: {:?}", names_in(dir.path()));
        assert_eq!(fs::read(&aside[0]).expect("read"), bytes, "{what}");
        let aside_name = aside[0].file_name().expect("name").to_string_lossy();
        assert!(
            aside_name.starts_with("state.json.corrupt-"),
            "{aside_name}"
        );
        assert!(warning.contains(&*aside_name), "{what}: {warning}");
        assert!(!warning.contains('\n'), "{what}: {warning}");
        assert!(!path.exists(), "{what}");

        // Starting afresh works, and loading again is quiet.
        store.save(STATE, &StateV2::default()).expect("save");
        assert_eq!(store.load::<StateV2>(STATE), (StateV2::default(), None));
    }
}

#[test]
fn repeated_damage_never_overwrites_earlier_evidence() {
    let (dir, store) = temp_store();
    let path = dir.path().join(STATE);
    for i in 0..5 {
        fs::write(&path, format!("damage {i}")).expect("write");
        let (_, warning) = store.load::<StateV1>(STATE);
        assert!(warning.is_some());
    }
    let mut kept: Vec<String> = aside_files(dir.path())
        .iter()
        .map(|p| fs::read_to_string(p).expect("read"))
        .collect();
    kept.sort();
    assert_eq!(
        kept,
        (0..5).map(|i| format!("damage {i}")).collect::<Vec<_>>()
    );
}

#[test]
fn an_older_schema_still_loads() {
    let (_dir, store) = temp_store();
    let old = StateV1 {
        article: 2,
        offset: 77,
    };
    store.save(STATE, &old).expect("save");
    let (new, warning) = store.load::<StateV2>(STATE);
    assert_eq!(warning, None);
    assert_eq!(
        new,
        StateV2 {
            article: 2,
            offset: 77,
            ..StateV2::default()
        }
    );
}

#[test]
fn a_newer_schema_loads_ignoring_what_it_does_not_know() {
    let (_dir, store) = temp_store();
    let new = StateV2 {
        article: 5,
        offset: 9,
        searches: vec!["q".into()],
        theme: None,
    };
    store.save(STATE, &new).expect("save");
    assert_eq!(
        store.load::<StateV1>(STATE),
        (
            StateV1 {
                article: 5,
                offset: 9
            },
            None
        )
    );
}

#[test]
fn saves_leave_no_temporary_files() {
    let (dir, store) = temp_store();
    for i in 0..20 {
        store
            .save(
                STATE,
                &StateV1 {
                    article: i,
                    offset: i,
                },
            )
            .expect("save");
    }
    assert_eq!(names_in(dir.path()), vec![STATE.to_string()]);
}

#[test]
fn an_uncreatable_directory_makes_the_store_read_only_with_one_warning() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blocker = dir.path().join("a-file");
    fs::write(&blocker, "not a directory").expect("write");
    // A directory can never be created under a regular file, whoever we run as.
    let (store, warnings) = Store::at(blocker.join("state"));
    assert!(store.is_read_only());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("will not be saved"), "{warnings:?}");
    assert_eq!(store.load::<StateV1>(STATE), (StateV1::default(), None));
    for _ in 0..3 {
        store
            .save(
                STATE,
                &StateV1 {
                    article: 1,
                    offset: 1,
                },
            )
            .expect("a read-only store skips saves");
    }
    assert_eq!(
        fs::read_to_string(&blocker).expect("read"),
        "not a directory"
    );
}

#[cfg(unix)]
#[test]
fn a_read_only_directory_is_used_read_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let state_dir = dir.path().join("state");
    fs::create_dir(&state_dir).expect("mkdir");
    let saved = StateV1 {
        article: 3,
        offset: 30,
    };
    fs::write(
        state_dir.join(STATE),
        serde_json::to_vec(&saved).expect("encode"),
    )
    .expect("write");
    fs::write(state_dir.join("other.json"), "damaged").expect("write");
    fs::set_permissions(&state_dir, fs::Permissions::from_mode(0o555)).expect("chmod");
    // Root (as in many CI containers) writes through permissions; then the directory is
    // simply writable and the store must say nothing.
    let privileged = fs::write(state_dir.join("probe"), "x").is_ok();
    let _ = fs::remove_file(state_dir.join("probe"));

    let (store, warnings) = Store::at(&state_dir);
    if privileged {
        assert!(!store.is_read_only());
        assert!(warnings.is_empty(), "{warnings:?}");
    } else {
        assert!(store.is_read_only());
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        // What is there still loads; damaged files are reported but left alone.
        assert_eq!(store.load::<StateV1>(STATE), (saved.clone(), None));
        let (state, warning) = store.load::<StateV1>("other.json");
        assert_eq!(state, StateV1::default());
        assert!(warning.is_some_and(|w| w.contains("damaged")));
        store
            .save(STATE, &StateV1::default())
            .expect("skipped quietly");
        assert_eq!(store.load::<StateV1>(STATE), (saved, None));
        assert_eq!(names_in(&state_dir), vec!["other.json", STATE]);
    }
    fs::set_permissions(&state_dir, fs::Permissions::from_mode(0o755)).expect("chmod back");
}

#[test]
fn a_broken_config_names_file_and_line_and_stays_put() {
    #[derive(Debug, Default, PartialEq, Deserialize)]
    struct Config {
        #[serde(default)]
        width: Option<u16>,
    }
    let (dir, store) = temp_store();
    let path = store.config_path().expect("config path");
    assert_eq!(path, dir.path().join("config.toml"));
    assert_eq!(store.load_config::<Config>(), (Config::default(), None));

    fs::write(&path, "# mine\nwidth = 72\n").expect("write");
    assert_eq!(
        store.load_config::<Config>(),
        (Config { width: Some(72) }, None)
    );

    fs::write(&path, "# mine\nwidth = \"wide\n").expect("write");
    let (config, warning) = store.load_config::<Config>();
    assert_eq!(config, Config::default());
    let warning = warning.expect("warning");
    assert!(warning.contains("config.toml"), "{warning}");
    assert!(warning.contains("line 2"), "{warning}");
    assert!(!warning.contains('\n'), "{warning}");
    assert!(path.exists());
    assert!(aside_files(dir.path()).is_empty());
}

/// Writers in several threads while a reader keeps loading: every load sees one complete
/// file (never a mix, never damage), and the file ends as one writer's last value.
#[test]
fn concurrent_writers_last_one_wins_cleanly() {
    let (dir, store) = temp_store();
    // Big enough that a torn write would show.
    let value = |writer: usize, round: usize| StateV2 {
        article: writer,
        offset: round,
        searches: vec![format!("writer {writer} round {round}"); 200],
        theme: None,
    };
    store.save(STATE, &value(0, 0)).expect("save");
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let store = store.clone();
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let mut loads = 0;
            while !done.load(Ordering::Relaxed) {
                let (state, warning) = store.load::<StateV2>(STATE);
                assert_eq!(warning, None);
                assert_eq!(state.searches.len(), 200);
                assert!(
                    state
                        .searches
                        .iter()
                        .all(|s| *s == format!("writer {} round {}", state.article, state.offset))
                );
                loads += 1;
            }
            loads
        })
    };
    let writers: Vec<_> = (1..=4)
        .map(|w| {
            let store = store.clone();
            std::thread::spawn(move || {
                for round in 0..50 {
                    store.save(STATE, &value(w, round)).expect("save");
                }
            })
        })
        .collect();
    for w in writers {
        w.join().expect("writer");
    }
    done.store(true, Ordering::Relaxed);
    let loads = reader.join().expect("reader");
    assert!(loads > 0);
    let (last, warning) = store.load::<StateV2>(STATE);
    assert_eq!(warning, None);
    assert_eq!(last.offset, 49);
    assert!((1..=4).contains(&last.article));
    assert_eq!(names_in(dir.path()), vec![STATE.to_string()]);
}

const CHILD: &str = "STORE_TEST_CHILD";

fn run_child(test: &str, envs: &[(&str, &Path)]) -> std::process::Child {
    let mut cmd = Command::new(std::env::current_exe().expect("test binary"));
    cmd.args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn child")
}

/// Child: report where the standard store lives (the parent sets the XDG variables).
#[test]
fn child_report_locations() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let (store, warnings) = Store::open();
    println!(
        "STATE={}",
        store.state_dir().map(Path::display).expect("state dir")
    );
    println!(
        "CONFIG={}",
        store.config_path().expect("config path").display()
    );
    println!("READONLY={}", store.is_read_only());
    println!("WARNINGS={}", warnings.len());
}

/// Child: save this process's id many times over.
#[test]
fn child_save_repeatedly() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let (store, warnings) = Store::open();
    assert!(warnings.is_empty(), "{warnings:?}");
    let id = std::process::id() as usize;
    for round in 0..200 {
        store
            .save(
                STATE,
                &StateV2 {
                    article: id,
                    offset: round,
                    searches: vec![id.to_string(); 100],
                    theme: None,
                },
            )
            .expect("save");
    }
}

fn child_output(child: std::process::Child) -> String {
    let out = child.wait_with_output().expect("child");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[cfg(target_os = "linux")]
#[test]
fn standard_locations_follow_xdg_variables() {
    let dir = tempfile::tempdir().expect("temp dir");
    let state_home = dir.path().join("state");
    let config_home = dir.path().join("config");
    let out = child_output(run_child(
        "child_report_locations",
        &[
            ("XDG_STATE_HOME", &state_home),
            ("XDG_CONFIG_HOME", &config_home),
        ],
    ));
    assert!(
        out.contains(&format!(
            "STATE={}",
            state_home.join("broker-reader").display()
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "CONFIG={}",
            config_home.join("broker-reader/config.toml").display()
        )),
        "{out}"
    );
    assert!(out.contains("READONLY=false"), "{out}");
    assert!(out.contains("WARNINGS=0"), "{out}");
    assert!(state_home.join("broker-reader").is_dir());
}

#[cfg(target_os = "linux")]
#[test]
fn an_unusable_standard_location_warns_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blocker = dir.path().join("file");
    fs::write(&blocker, "").expect("write");
    let out = child_output(run_child(
        "child_report_locations",
        &[("XDG_STATE_HOME", &blocker), ("XDG_CONFIG_HOME", &blocker)],
    ));
    assert!(out.contains("READONLY=true"), "{out}");
    assert!(out.contains("WARNINGS=1"), "{out}");
}

/// Two processes saving to the same file at once: the file is always one complete save.
#[cfg(target_os = "linux")]
#[test]
fn two_processes_saving_at_once_do_not_corrupt_state() {
    let dir = tempfile::tempdir().expect("temp dir");
    let children: Vec<_> = (0..2)
        .map(|_| run_child("child_save_repeatedly", &[("XDG_STATE_HOME", dir.path())]))
        .collect();
    for child in children {
        child_output(child);
    }
    let (store, warnings) = Store::at(dir.path().join("broker-reader"));
    assert!(warnings.is_empty());
    let (state, warning) = store.load::<StateV2>(STATE);
    assert_eq!(warning, None);
    assert_eq!(state.offset, 199);
    assert_eq!(state.searches, vec![state.article.to_string(); 100]);
    assert_eq!(
        names_in(&dir.path().join("broker-reader")),
        vec![STATE.to_string()]
    );
}
