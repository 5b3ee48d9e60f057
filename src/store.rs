//! Saved state and configuration on disk: where they live, and how they survive crashes,
//! corruption, read-only disks and two readers running at once.
//!
//! Locations come from [`directories::ProjectDirs`] (XDG on Linux, so `XDG_STATE_HOME` and
//! `XDG_CONFIG_HOME` move them, which is how tests isolate themselves). macOS and Windows have
//! no state directory; there state goes to the local data directory.
//!
//! The rules the reader relies on:
//!
//! - **Never lose a good file.** A save writes a temporary file in the same directory, syncs it,
//!   renames it over the old file (atomic on POSIX) and syncs the directory, so a crash leaves
//!   either the old file or the new one, never half of each. Two processes saving at once each
//!   rename a complete file: the last writer wins, cleanly.
//! - **Never destroy evidence.** A state file that cannot be read back (garbage, NUL-filled
//!   after a crash, truncated, another program's JSON) is moved aside next to itself as
//!   `<name>.corrupt-<unix time>` (with a counter if that exists), a warning says where, and
//!   the caller gets defaults. Nothing is deleted or overwritten.
//! - **Old files keep loading.** State types mark every field added after the first release
//!   `#[serde(default)]` (or the whole struct `#[serde(default)]` with a `Default` impl), and
//!   never use `deny_unknown_fields`, so a file from an older version loads with defaults for
//!   what it lacks and a file from a newer version loads ignoring what it does not know.
//! - **A read-only or missing disk is not an error.** If the directory cannot be created or
//!   written, the store becomes read-only: loads still work (or give defaults), saves are
//!   skipped, and [`Store::open`] returns exactly one warning saying so.
//!
//! This module never imports the terminal crates; callers show the warnings however they like.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A state file larger than this is not one we wrote; it is treated as corrupt rather than
/// read into memory.
pub const MAX_STATE_BYTES: u64 = 16 * 1024 * 1024;

/// The name of the configuration file in the config directory.
pub const CONFIG_FILE: &str = "config.toml";

/// Why a save failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot encode {name}: {message}")]
    Encode { name: String, message: String },
    #[error("{name:?} is not a plain file name")]
    BadName { name: String },
}

/// Persisted state (and the configuration's location).
#[derive(Debug, Clone)]
pub struct Store {
    /// Where state files live; `None` when there is nowhere to keep them.
    state_dir: Option<PathBuf>,
    config_dir: Option<PathBuf>,
    /// Saves are skipped; loads still read whatever is there.
    read_only: bool,
    /// Whether the state directory has been created and probed ([`Store::check_writable`]).
    checked: bool,
}

/// How a file's bytes are turned into values, chosen by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Toml,
}

impl Format {
    fn of(name: &str) -> Self {
        if name.ends_with(".toml") {
            Format::Toml
        } else {
            Format::Json
        }
    }
}

impl Store {
    /// The store in the user's standard directories. The warnings (at most one) say why state
    /// will not be saved this session.
    pub fn open() -> (Store, Vec<String>) {
        let (mut store, mut warnings) = Self::open_unchecked();
        warnings.extend(store.check_writable());
        (store, warnings)
    }

    /// [`Store::open`] without creating the state directory and probing it with a write,
    /// which costs a file created and removed: the reader does that after its first frame,
    /// with [`Store::check_writable`]. Loads work meanwhile (a missing directory holds no
    /// files).
    pub fn open_unchecked() -> (Store, Vec<String>) {
        let Some(dirs) = project_dirs() else {
            let store = Store::disabled();
            return (
                store,
                vec!["no home directory found: reading positions will not be saved".into()],
            );
        };
        let state = dirs
            .state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .to_path_buf();
        let store = Self::unchecked(state, dirs.config_dir().to_path_buf());
        (store, Vec::new())
    }

    /// Where [`Store::open`]'s store would look for the configuration file, without opening
    /// it: opening creates the state directory and probes it with a write, which every
    /// command would otherwise pay for before its configuration is even read.
    pub fn standard_config_path() -> Option<PathBuf> {
        project_dirs().map(|dirs| dirs.config_dir().join(CONFIG_FILE))
    }

    /// A store rooted at `root` for both state and config (tests, portable setups).
    pub fn at(root: impl Into<PathBuf>) -> (Store, Vec<String>) {
        let root = root.into();
        Self::with_dirs(root.clone(), root)
    }

    /// A store that reads nothing and saves nothing, without warnings (tests, `--no-state`).
    pub fn disabled() -> Store {
        Store {
            state_dir: None,
            config_dir: None,
            read_only: true,
            checked: true,
        }
    }

    /// Creates the state directory and probes it with a write, once; when that fails, saves
    /// are skipped from then on and the warning says why.
    pub fn check_writable(&mut self) -> Option<String> {
        if std::mem::replace(&mut self.checked, true) {
            return None;
        }
        let dir = self.state_dir.as_ref()?;
        let problem = ensure_writable(dir).err()?;
        self.read_only = true;
        Some(format!(
            "{}: {problem}; reading positions will not be saved this session",
            dir.display()
        ))
    }

    fn with_dirs(state_dir: PathBuf, config_dir: PathBuf) -> (Store, Vec<String>) {
        let mut store = Self::unchecked(state_dir, config_dir);
        let warnings = store.check_writable().into_iter().collect();
        (store, warnings)
    }

    fn unchecked(state_dir: PathBuf, config_dir: PathBuf) -> Store {
        Store {
            state_dir: Some(state_dir),
            config_dir: Some(config_dir),
            read_only: false,
            checked: false,
        }
    }

    /// True when saves are skipped.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The directory holding state files, if any.
    pub fn state_dir(&self) -> Option<&Path> {
        self.state_dir.as_deref()
    }

    /// Where the configuration file is (or would be).
    pub fn config_path(&self) -> Option<PathBuf> {
        self.config_dir.as_ref().map(|d| d.join(CONFIG_FILE))
    }

    /// Loads state file `name` (`state.json`; `.toml` names are read as TOML).
    ///
    /// A missing file gives defaults silently. A file that cannot be decoded is moved aside
    /// and defaults are returned with a warning naming where it went; an unreadable one gives
    /// defaults and a warning. Never fails.
    pub fn load<T: DeserializeOwned + Default>(&self, name: &str) -> (T, Option<String>) {
        let Some(dir) = &self.state_dir else {
            return (T::default(), None);
        };
        if !is_plain_name(name) {
            return (
                T::default(),
                Some(StoreError::BadName { name: name.into() }.to_string()),
            );
        }
        let path = dir.join(name);
        let problem = match read_limited(&path) {
            Ok(None) => return (T::default(), None),
            Ok(Some(bytes)) => match decode::<T>(&bytes, Format::of(name)) {
                Ok(value) => return (value, None),
                Err(problem) => problem,
            },
            Err(ReadError::TooLarge(size)) => {
                format!("{size} bytes, more than a state file can be")
            }
            Err(ReadError::Io(e)) => {
                return (
                    T::default(),
                    Some(format!(
                        "{}: cannot read saved state ({e}); starting afresh",
                        path.display()
                    )),
                );
            }
        };
        if self.read_only {
            return (
                T::default(),
                Some(format!(
                    "{}: saved state is damaged ({problem}); starting afresh and leaving it as it is",
                    path.display()
                )),
            );
        }
        let warning = match move_aside(&path) {
            Ok(aside) => format!(
                "{}: saved state is damaged ({problem}); kept it as {} and started afresh",
                path.display(),
                aside.display()
            ),
            Err(e) => format!(
                "{}: saved state is damaged ({problem}) and could not be moved aside ({e}); \
                 starting afresh",
                path.display()
            ),
        };
        (T::default(), Some(warning))
    }

    /// Saves `value` as state file `name`, atomically. On a read-only store this does nothing
    /// and succeeds: the one warning from [`Store::open`] already said so.
    pub fn save<T: Serialize>(&self, name: &str, value: &T) -> Result<(), StoreError> {
        if !is_plain_name(name) {
            return Err(StoreError::BadName { name: name.into() });
        }
        let (Some(dir), false) = (&self.state_dir, self.read_only) else {
            return Ok(());
        };
        let bytes = encode(value, name)?;
        write_atomically(dir, name, &bytes)
    }

    /// Loads the configuration file. Unlike state, a config file is the user's own writing: a
    /// broken one is left where it is, and the warning names the file, the line and the
    /// problem. A missing one gives defaults silently.
    pub fn load_config<T: DeserializeOwned + Default>(&self) -> (T, Option<String>) {
        let Some(path) = self.config_path() else {
            return (T::default(), None);
        };
        match read_limited(&path) {
            Ok(None) => (T::default(), None),
            Ok(Some(bytes)) => match decode::<T>(&bytes, Format::Toml) {
                Ok(value) => (value, None),
                Err(problem) => (
                    T::default(),
                    Some(format!(
                        "{}: {problem}; using the default configuration",
                        path.display()
                    )),
                ),
            },
            Err(e) => (
                T::default(),
                Some(format!(
                    "{}: {e}; using the default configuration",
                    path.display()
                )),
            ),
        }
    }
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "broker-reader")
}

/// Creates the directory if needed and proves a file can be created in it; permissions alone
/// do not say (root ignores them, read-only mounts override them).
fn ensure_writable(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let probe = tempfile::Builder::new()
        .prefix(".write-probe")
        .tempfile_in(dir)?;
    probe.close()
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && Path::new(name).file_name().is_some_and(|f| f == name)
}

enum ReadError {
    TooLarge(u64),
    Io(io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::TooLarge(size) => write!(f, "{size} bytes is too large"),
            ReadError::Io(e) => e.fmt(f),
        }
    }
}

/// The file's bytes, `None` if it does not exist.
fn read_limited(path: &Path) -> Result<Option<Vec<u8>>, ReadError> {
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        // A directory that could not be created is already reported, once, by `open`.
        Err(e) if is_absent(&e) => return Ok(None),
        Err(e) => return Err(ReadError::Io(e)),
    };
    if meta.is_file() && meta.len() > MAX_STATE_BYTES {
        return Err(ReadError::TooLarge(meta.len()));
    }
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        // Deleted between the two calls: as if it never existed.
        Err(e) if is_absent(&e) => Ok(None),
        Err(e) => Err(ReadError::Io(e)),
    }
}

fn is_absent(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
    )
}

/// Decodes a file, or says in a few words what is wrong with it.
fn decode<T: DeserializeOwned>(bytes: &[u8], format: Format) -> Result<T, String> {
    if bytes.is_empty() {
        return Err("the file is empty".into());
    }
    if bytes.iter().all(|&b| b == 0) {
        return Err("the file holds only NUL bytes".into());
    }
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8 text: {e}"))?;
    match format {
        Format::Json => serde_json::from_str(text).map_err(|e| e.to_string()),
        Format::Toml => toml::from_str(text).map_err(|e| one_line(&e.to_string())),
    }
}

fn encode<T: Serialize>(value: &T, name: &str) -> Result<Vec<u8>, StoreError> {
    let encoded = match Format::of(name) {
        Format::Json => serde_json::to_vec_pretty(value).map_err(|e| e.to_string()),
        Format::Toml => toml::to_string_pretty(value)
            .map(String::into_bytes)
            .map_err(|e| e.to_string()),
    };
    encoded.map_err(|message| StoreError::Encode {
        name: name.into(),
        message,
    })
}

/// toml's errors quote the offending line over several lines; warnings are one line.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && l.chars().any(char::is_alphanumeric))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Temp file in the same directory (so the rename cannot cross file systems), write, sync,
/// rename over the target, then sync the directory so the rename itself is durable.
fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
    let io_at = |path: &Path| {
        let path = path.to_path_buf();
        move |source| StoreError::Io { path, source }
    };
    fs::create_dir_all(dir).map_err(io_at(dir))?;
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io_at(dir))?;
    temp.write_all(bytes).map_err(io_at(temp.path()))?;
    temp.as_file().sync_all().map_err(io_at(temp.path()))?;
    let target = dir.join(name);
    temp.persist(&target).map_err(|e| StoreError::Io {
        path: target.clone(),
        source: e.error,
    })?;
    sync_dir(dir).map_err(io_at(dir))
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

/// Windows cannot open a directory as a file; its rename is durable once it returns.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// Moves a damaged file to `<name>.corrupt-<unix time>` (then `-1`, `-2`... if taken) without
/// ever replacing an existing file: the hard link fails if the name exists, even if another
/// process is doing the same at the same moment.
fn move_aside(path: &Path) -> io::Result<PathBuf> {
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let file_name = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    for n in 0..1000u32 {
        let aside_name = match n {
            0 => format!("{file_name}.corrupt-{stamp}"),
            n => format!("{file_name}.corrupt-{stamp}-{n}"),
        };
        let aside = path.with_file_name(aside_name);
        match fs::hard_link(path, &aside) {
            Ok(()) => {
                fs::remove_file(path)?;
                return Ok(aside);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            // No hard links here (some network or FAT file systems): check, then rename.
            Err(_) if !aside.exists() => {
                fs::rename(path, &aside)?;
                return Ok(aside);
            }
            Err(_) => continue,
        }
    }
    Err(io::Error::other("too many files already moved aside"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct State {
        article: usize,
        #[serde(default)]
        searches: Vec<String>,
    }

    fn temp_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("temp dir");
        let (store, warnings) = Store::at(dir.path());
        assert!(warnings.is_empty(), "{warnings:?}");
        (dir, store)
    }

    #[test]
    fn round_trips_and_missing_gives_defaults() {
        let (_dir, store) = temp_store();
        let (state, warning) = store.load::<State>("state.json");
        assert_eq!((state, warning), (State::default(), None));
        let saved = State {
            article: 3,
            searches: vec!["aid".into()],
        };
        store.save("state.json", &saved).expect("save");
        assert_eq!(store.load::<State>("state.json"), (saved, None));
    }

    #[test]
    fn names_must_be_plain() {
        for bad in ["", ".", "..", "../x", "a/b", "a\\b", "a\0b"] {
            assert!(!is_plain_name(bad), "{bad:?}");
        }
        assert!(is_plain_name("state.json"));
        let (_dir, store) = temp_store();
        assert!(matches!(
            store.save("../escape.json", &State::default()),
            Err(StoreError::BadName { .. })
        ));
    }

    #[test]
    fn decode_names_the_problem() {
        assert!(decode::<State>(b"", Format::Json).is_err_and(|e| e.contains("empty")));
        assert!(decode::<State>(&[0; 64], Format::Json).is_err_and(|e| e.contains("NUL")));
        assert!(decode::<State>(b"\xff\xfe", Format::Json).is_err_and(|e| e.contains("UTF-8")));
        assert!(decode::<State>(b"{\"article\": \"x\"}", Format::Json).is_err());
    }

    #[test]
    fn toml_errors_fit_on_one_line() {
        let err = decode::<State>(b"article = [\n", Format::Toml).expect_err("broken toml");
        assert!(!err.contains('\n'), "{err}");
        assert!(err.contains("line 1") || err.contains("line 2"), "{err}");
    }

    #[test]
    fn moving_aside_never_overwrites() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("state.json");
        fs::write(&path, "first").expect("write");
        let first = move_aside(&path).expect("moved");
        fs::write(&path, "second").expect("write");
        let second = move_aside(&path).expect("moved");
        assert_ne!(first, second);
        assert_eq!(fs::read_to_string(first).expect("read"), "first");
        assert_eq!(fs::read_to_string(second).expect("read"), "second");
        assert!(!path.exists());
    }
}
