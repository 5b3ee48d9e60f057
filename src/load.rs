//! Opening an issue progressively: a first [`Library`] at once, without entities and, for a
//! large file, from its head only; the whole of it on a background thread.
//!
//! A reader is judged against `less`, which shows the first screen of any file in a few
//! milliseconds. Decoding, parsing, entity extraction and indexing a 9 MB archive take far
//! longer, and the first screen needs none of it: it shows the first article. So the head of
//! the file (up to [`HEAD_BYTES`], cut at a line end) is parsed into a first snapshot while
//! the caller waits, and a thread then builds the full library and reports each stage, ending
//! with the library itself. The caller swaps it in when it arrives. Entity extraction (which
//! also builds its gazetteer automaton and patterns on first use) is left to that thread even
//! for a small file, where it is most of the start-up time. (The embedded issue needs none of
//! this: the build parsed it, see [`Library::embedded`].)
//!
//! JSON exports, which cannot be cut anywhere, are loaded whole at once.
//!
//! With a [`Cache`] of parsed files ([`open_cached_with`]) the head still comes first, since
//! parsing it is quicker than reading a whole entry; the thread then reads the full library
//! from a valid entry (finding the entities when the entry has none yet) instead of parsing.
//! Without a valid entry, the thread writes one once it has the full library, so the next
//! open is quick.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::cache::{Cache, Key};
use crate::error::{Error, Result};
use crate::{Library, entities, parse, source};

/// How much of a large file the first snapshot is built from. Enough for several pages, so the
/// first screen is full whatever the layout, and little enough to parse in well under a
/// millisecond.
pub const HEAD_BYTES: usize = 64 * 1024;

/// A step of the background load, reported before it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading the parsed copy kept in the cache.
    Cached,
    Reading,
    Decoding,
    Parsing,
    /// Parsing is done: how many articles the file holds.
    Entities {
        articles: usize,
    },
    Indexing {
        articles: usize,
    },
}

impl Stage {
    /// A status-bar line for this stage.
    pub fn describe(self) -> String {
        match self {
            Stage::Cached => "reading the cached copy…".into(),
            Stage::Reading => "reading the file…".into(),
            Stage::Decoding => "decoding…".into(),
            Stage::Parsing => "parsing…".into(),
            Stage::Entities { articles } => format!("{articles} articles; finding entities…"),
            Stage::Indexing { articles } => format!("{articles} articles; indexing…"),
        }
    }
}

/// What the background load reports.
#[derive(Debug)]
pub enum LoadEvent {
    Progress(Stage),
    /// The full library, and how long the background load took.
    Done(Box<Library>, Duration),
    /// The whole file could not be loaded, though its head could.
    Failed(Error),
}

/// A file being opened: what can be shown now, and the rest on its way.
#[derive(Debug)]
pub struct Loading {
    /// The file or its head, without entities; everything when [`Loading::is_complete`].
    pub first: Library,
    events: Option<Receiver<LoadEvent>>,
    thread: Option<JoinHandle<()>>,
}

impl Loading {
    /// True when [`Loading::first`] is the whole file and nothing else will come.
    pub fn is_complete(&self) -> bool {
        self.events.is_none()
    }

    /// Events of the background load, as they happen; `None` when the file was loaded whole.
    pub fn events(&self) -> Option<&Receiver<LoadEvent>> {
        self.events.as_ref()
    }

    /// Blocks until the full library is built (for tools that need everything).
    pub fn wait(mut self) -> Result<Library> {
        let Some(events) = self.events.take() else {
            return Ok(self.first);
        };
        let mut outcome = None;
        for event in events.iter() {
            match event {
                LoadEvent::Progress(_) => {}
                LoadEvent::Done(library, _) => outcome = Some(Ok(*library)),
                LoadEvent::Failed(err) => outcome = Some(Err(err)),
            }
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        outcome.unwrap_or_else(|| {
            Err(Error::Io {
                path: PathBuf::from(&self.first.source_name),
                source: std::io::Error::other("loading stopped before the end"),
            })
        })
    }
}

/// Opens a file, returning a first snapshot quickly and loading the rest in the background;
/// see the module documentation. Errors that concern the whole file (unreadable, a directory,
/// too large, nothing to parse in its head) are returned here.
pub fn open_progressive(path: &Path) -> Result<Loading> {
    let (tx, rx) = mpsc::channel();
    let opened = open_progressive_with(path, move |event| {
        // The receiver gone means the caller stopped caring; the load just finishes unseen.
        let _ = tx.send(event);
    })?;
    Ok(Loading {
        first: opened.first,
        events: opened.thread.is_some().then_some(rx),
        thread: opened.thread,
    })
}

/// What [`open_progressive_with`] returns at once.
#[derive(Debug)]
pub struct Opened {
    /// The first snapshot: the whole issue or its first pages, without entities; or, with no
    /// `thread`, everything.
    pub first: Library,
    /// The thread building the full library, if one was started.
    pub thread: Option<JoinHandle<()>>,
    /// True when `first` holds only the head of a larger file, so text is still to come (worth
    /// telling the user about), not just the entities.
    pub partial: bool,
    /// Holds the background work back until it is dropped; see [`Hold`].
    pub hold: Hold,
}

/// Keeps a loading thread from starting its work until this is dropped (or for at most
/// [`MAX_HOLD`]). The reader drops it once its first frame is on the screen: on a machine with
/// few cores, parsing megabytes at the same moment competes with drawing that frame and with
/// the terminal showing it. A caller with no frame to show just drops it.
#[derive(Debug)]
pub struct Hold {
    /// Never sent on: the thread waits for it to be dropped.
    _release: Option<mpsc::Sender<()>>,
}

impl Hold {
    fn new() -> (Self, Receiver<()>) {
        let (tx, rx) = mpsc::channel();
        (Self { _release: Some(tx) }, rx)
    }

    /// A hold on nothing, for an open that started no thread.
    fn none() -> Self {
        Self { _release: None }
    }

    /// Lets the loading thread start.
    pub fn release(self) {}
}

/// The longest a loading thread waits for its [`Hold`] to be released.
pub const MAX_HOLD: Duration = Duration::from_millis(250);

/// [`open_progressive`] for callers with their own channel (a terminal loop that takes its own
/// message type): `sink` receives every [`LoadEvent`] on the loading thread, and is never
/// called when there is no thread.
pub fn open_progressive_with(
    path: &Path,
    sink: impl FnMut(LoadEvent) + Send + 'static,
) -> Result<Opened> {
    open_head_first(path, None, sink)
}

/// [`open_progressive_with`] through a cache of parsed files. The first snapshot is the
/// file's head, as without a cache: reading a whole entry takes longer than parsing a head,
/// and the first frame waits for neither. The loading thread then takes the full library from
/// a valid entry (finding the entities if the entry lacks them), or else parses the file and
/// writes the entry, so the next open is quick.
pub fn open_cached_with(
    path: &Path,
    cache: &Cache,
    sink: impl FnMut(LoadEvent) + Send + 'static,
) -> Result<Opened> {
    let cached = cache.key(path).map(|key| (cache.clone(), key));
    open_head_first(path, cached, sink)
}

/// Opens `path` on its head; with `cache`, the loading thread reads the full library from the
/// entry for `key` when it is valid, and otherwise writes it once it has parsed the file.
fn open_head_first(
    path: &Path,
    cache: Option<(Cache, Key)>,
    sink: impl FnMut(LoadEvent) + Send + 'static,
) -> Result<Opened> {
    let size = source::check_file(path)?;
    let head = read_head(path)?;
    let whole = |path: &Path| {
        Ok(Opened {
            first: Library::open(path)?,
            thread: None,
            partial: false,
            hold: Hold::none(),
        })
    };
    if source::looks_like_json(&head) {
        return whole(path);
    }
    let partial = size > head.len() as u64;
    let Ok(mut issue) = parse::parse(&source::decode(&head)) else {
        // Nothing recognisable in the head: load it all, for the error or a late first page.
        return whole(path);
    };
    if partial {
        drop_last_page(&mut issue);
    }
    let first = Library::without_entities(&path.display().to_string(), issue);
    let owned = path.to_path_buf();
    let build = move |sink: &mut dyn FnMut(LoadEvent)| {
        if let Some((cache, key)) = &cache
            && let Some(library) = from_cache(&owned, cache, key, sink)
        {
            return Ok(library);
        }
        let library = build_file(&owned, sink)?;
        if let Some((cache, key)) = &cache {
            // Written before the library is handed over, as writing needs it; this is the
            // loading thread, so the reader is not kept waiting.
            let _ = cache.store(key, &library.issue, Some(&library.entities));
        }
        Ok(library)
    };
    let (thread, hold) = spawn_loader(path, build, sink)?;
    Ok(Opened {
        first,
        thread: Some(thread),
        partial,
        hold,
    })
}

/// Runs `build` on a new thread, reporting its stages and then its outcome to `sink`.
fn spawn_loader(
    path: &Path,
    build: impl FnOnce(&mut dyn FnMut(LoadEvent)) -> Result<Library> + Send + 'static,
    mut sink: impl FnMut(LoadEvent) + Send + 'static,
) -> Result<(JoinHandle<()>, Hold)> {
    let (hold, released) = Hold::new();
    std::thread::Builder::new()
        .name("load".into())
        .spawn(move || {
            // Released (the sender dropped) or timed out: either way, start.
            let _ = released.recv_timeout(MAX_HOLD);
            let started = Instant::now();
            let event = match build(&mut sink) {
                Ok(library) => LoadEvent::Done(Box::new(library), started.elapsed()),
                Err(err) => LoadEvent::Failed(err),
            };
            sink(event);
        })
        .map(|thread| (thread, hold))
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
}

/// Reads up to [`HEAD_BYTES`], cut after the last complete line so no line is half there.
fn read_head(path: &Path) -> Result<Vec<u8>> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut head = Vec::with_capacity(HEAD_BYTES);
    std::fs::File::open(path)
        .map_err(io)?
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(io)?;
    // Cut a head that stops short of the end after its last full line. A newline byte is never
    // part of a multi-byte character in UTF-8 or Windows-1252.
    if head.len() == HEAD_BYTES
        && let Some(end) = memchr::memrchr(b'\n', &head)
    {
        head.truncate(end + 1);
    }
    Ok(head)
}

/// The head usually stops inside a page; its last page's articles may be cut short, so they
/// are left for the full load, unless they are all there is.
fn drop_last_page(issue: &mut crate::model::Issue) {
    let Some(&last) = issue.pages.last() else {
        return;
    };
    let keep = issue.articles.iter().take_while(|a| a.page != last).count();
    if keep > 0 {
        issue.articles.truncate(keep);
        issue.pages.pop();
    }
}

/// The full library from `key`'s entry, when it is valid; entities the entry lacks are found
/// and written back.
fn from_cache(
    path: &Path,
    cache: &Cache,
    key: &Key,
    sink: &mut dyn FnMut(LoadEvent),
) -> Option<Library> {
    sink(LoadEvent::Progress(Stage::Cached));
    let (issue, entities) = cache.library(key, true)?;
    let name = path.display().to_string();
    Some(match entities {
        Some(entities) => Library::with_entities(&name, issue, entities),
        None => {
            let articles = issue.articles.len();
            sink(LoadEvent::Progress(Stage::Entities { articles }));
            cache.with_found_entities(key, &name, issue)
        }
    })
}

/// The background half for a file: the whole file, stage by stage, holding as little at once
/// as it can (the raw bytes become the text in place; the text is given up page by page as
/// it is parsed).
fn build_file(path: &Path, sink: &mut dyn FnMut(LoadEvent)) -> Result<Library> {
    sink(LoadEvent::Progress(Stage::Reading));
    let bytes = source::read_file(path)?;
    sink(LoadEvent::Progress(Stage::Decoding));
    let text = source::decode_owned(bytes);
    sink(LoadEvent::Progress(Stage::Parsing));
    let issue = parse::parse_owned(text).map_err(|_| Error::NoPages {
        path: path.to_path_buf(),
    })?;
    let articles = issue.articles.len();
    sink(LoadEvent::Progress(Stage::Entities { articles }));
    let entities = entities::extract(&issue);
    sink(LoadEvent::Progress(Stage::Indexing { articles }));
    Ok(Library::with_entities(
        &path.display().to_string(),
        issue,
        entities,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page in the magazine's layout, on its own subject, numbered `n`.
    fn page(n: usize) -> String {
        format!(
            "\n{n}The Gazette  issue 4  May 2011\n\nRiver pilots\nHow the harbour of Tamsin \
             keeps its channels open, season after season\n\nBy Ines Okafor\n\nports\n\n\
             The pilots of Tamsin board every ship that enters the estuary. Their \nguild \
             keeps records going back to 1820, and its charts are the \nonly ones the \
             insurers accept.\n\nDredging\nEvery spring the channel silts up again, and \
             the dredgers of the \nport authority work through the night to clear it.\n"
        )
    }

    fn archive(pages: usize) -> String {
        (1..=pages).map(page).collect()
    }

    fn write(text: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().expect("temporary files can be created");
        std::io::Write::write_all(&mut file, text.as_bytes()).expect("temporary file writable");
        file
    }

    #[test]
    fn small_files_show_their_text_first_then_entities() {
        let file = write(&archive(2));
        let loading = open_progressive(file.path()).expect("small file loads");
        assert!(!loading.is_complete());
        let whole = Library::open(file.path()).expect("loads");
        assert_eq!(loading.first.issue, whole.issue);
        assert!(loading.first.entities.list.is_empty());
        assert!(!loading.first.search("estuary").is_empty());
        let full = loading.wait().expect("background load finishes");
        assert_eq!(full.entities, whole.entities);
        assert!(!full.entities.list.is_empty());
    }

    #[test]
    fn large_files_show_their_head_first_then_everything() {
        let text = archive(1000);
        assert!(text.len() > 4 * HEAD_BYTES);
        let file = write(&text);
        let loading = open_progressive(file.path()).expect("large file opens");
        assert!(!loading.is_complete());
        let first = loading.first.issue.clone();
        assert!(!first.articles.is_empty());
        assert!(first.articles.len() < 1000);

        let whole = Library::open(file.path()).expect("loads");
        // The head's articles are the whole file's first articles, complete.
        assert_eq!(
            first.articles[..],
            whole.issue.articles[..first.articles.len()]
        );

        let full = loading.wait().expect("background load finishes");
        assert_eq!(full.issue, whole.issue);
        assert_eq!(full.entities, whole.entities);
        assert_eq!(full.source_name, file.path().display().to_string());
    }

    #[test]
    fn the_loading_thread_waits_for_its_hold_to_be_released() {
        let file = write(&archive(2));
        let (tx, rx) = mpsc::channel();
        let opened_at = Instant::now();
        let opened = open_progressive_with(file.path(), move |event| {
            let _ = tx.send(event);
        })
        .expect("opens");
        let waited = rx.recv_timeout(Duration::from_millis(100));
        // Only the safety timeout may start the work while the hold is kept.
        if opened_at.elapsed() < MAX_HOLD {
            assert!(
                waited.is_err(),
                "the load started before its hold was released"
            );
        }
        let thread = opened.thread.expect("a loading thread");
        opened.hold.release();
        let events: Vec<LoadEvent> = rx.iter().collect();
        assert!(
            matches!(events.last(), Some(LoadEvent::Done(..))),
            "{events:?}"
        );
        thread.join().expect("the loading thread ends");
    }

    #[test]
    fn opening_without_entities_keeps_text_and_search() {
        let file = write(&archive(3));
        let whole = Library::open(file.path()).expect("loads");
        let bare = Library::open_without_entities(file.path()).expect("loads");
        assert_eq!(bare.issue, whole.issue);
        assert!(bare.entities.list.is_empty());
        assert!(!whole.entities.list.is_empty());
        assert_eq!(bare.search("dredgers"), whole.search("dredgers"));
        assert_eq!(bare.search("dredgers").len(), 3);
    }

    #[test]
    fn json_exports_load_whole() {
        let library = Library::open(write(&archive(3)).path()).expect("loads");
        let json = serde_json::to_string(&library.export()).expect("serialises");
        let loading = open_progressive(write(&json).path()).expect("export loads");
        assert!(loading.is_complete());
        assert_eq!(loading.first.issue, library.issue);
        assert_eq!(loading.first.entities, library.entities);
    }

    #[test]
    fn progress_arrives_in_order_before_the_library() {
        let file = write(&archive(1000));
        let loading = open_progressive(file.path()).expect("large file opens");
        let events: Vec<LoadEvent> = loading
            .events()
            .expect("a large file loads in the background")
            .iter()
            .collect();
        let stages: Vec<Stage> = events
            .iter()
            .filter_map(|e| match e {
                LoadEvent::Progress(stage) => Some(*stage),
                _ => None,
            })
            .collect();
        let Some(LoadEvent::Done(full, _)) = events.last() else {
            panic!("the last event is the library: {events:?}");
        };
        let articles = full.issue.articles.len();
        assert_eq!(
            stages,
            [
                Stage::Reading,
                Stage::Decoding,
                Stage::Parsing,
                Stage::Entities { articles },
                Stage::Indexing { articles }
            ]
        );
    }

    /// A source dated a minute back, old enough to be cached (see `cache::RACY`).
    fn settled(text: &str) -> tempfile::NamedTempFile {
        let file = write(text);
        file.as_file()
            .set_modified(std::time::SystemTime::now() - Duration::from_secs(60))
            .expect("modification time set");
        file
    }

    /// A cache in a temporary directory, a settled archive of `pages` pages, that archive
    /// parsed without the cache, and its key in the cache.
    fn cached_archive(
        pages: usize,
    ) -> (
        tempfile::TempDir,
        Cache,
        tempfile::NamedTempFile,
        Library,
        Key,
    ) {
        let dir = tempfile::tempdir().expect("temporary directory");
        let cache = Cache::at(dir.path());
        let file = settled(&archive(pages));
        let whole = Library::open(file.path()).expect("loads");
        let key = cache.key(file.path()).expect("key");
        (dir, cache, file, whole, key)
    }

    /// The full library, and the stages the loading thread went through to build it.
    fn wait_with_stages(opened: Opened, rx: Receiver<LoadEvent>) -> (Option<Library>, Vec<Stage>) {
        opened.hold.release();
        let mut stages = Vec::new();
        let done = rx.iter().find_map(|e| match e {
            LoadEvent::Done(library, _) => Some(*library),
            LoadEvent::Progress(stage) => {
                stages.push(stage);
                None
            }
            LoadEvent::Failed(_) => None,
        });
        if let Some(thread) = opened.thread {
            thread.join().expect("the loading thread ends");
        }
        (done, stages)
    }

    #[test]
    fn a_cached_file_shows_its_head_then_loads_the_entry() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let cache = Cache::at(dir.path());
        let file = settled(&archive(300));
        let whole = Library::open(file.path()).expect("loads");

        // First open: the head, then the file parsed in the thread, which writes the entry.
        let (tx, rx) = mpsc::channel();
        let opened = open_cached_with(file.path(), &cache, move |e| {
            let _ = tx.send(e);
        })
        .expect("opens");
        assert!(opened.partial);
        let (full, stages) = wait_with_stages(opened, rx);
        assert_eq!(full.expect("the full library arrives").issue, whole.issue);
        assert!(stages.contains(&Stage::Parsing), "{stages:?}");

        // Second open: the same head, then everything from the entry, with nothing parsed.
        let (tx, rx) = mpsc::channel();
        let opened = open_cached_with(file.path(), &cache, move |e| {
            let _ = tx.send(e);
        })
        .expect("opens");
        assert!(opened.partial);
        let head = opened.first.issue.articles.len();
        assert!(head > 0 && head < whole.issue.articles.len());
        assert_eq!(
            opened.first.issue.articles[..],
            whole.issue.articles[..head]
        );
        let (full, stages) = wait_with_stages(opened, rx);
        let full = full.expect("the full library arrives");
        assert_eq!(stages, [Stage::Cached]);
        assert_eq!(full.issue, whole.issue);
        assert_eq!(full.entities, whole.entities);
        assert_eq!(full.search("dredgers"), whole.search("dredgers"));
        assert_eq!(full.source_name, file.path().display().to_string());
    }

    #[test]
    fn a_cached_file_without_entities_gets_them_from_a_thread() {
        // The directory must outlive the test's use of the cache.
        let (_dir, cache, file, whole, key) = cached_archive(5);
        cache
            .store(&key, &whole.issue, None)
            .expect("entry written");

        let (tx, rx) = mpsc::channel();
        let opened = open_cached_with(file.path(), &cache, move |e| {
            let _ = tx.send(e);
        })
        .expect("opens");
        assert!(!opened.partial);
        assert_eq!(opened.first.issue, whole.issue);
        assert!(opened.first.entities.list.is_empty());
        let (full, stages) = wait_with_stages(opened, rx);
        assert_eq!(stages, [Stage::Cached, Stage::Entities { articles: 5 }]);
        assert_eq!(
            full.expect("the full library arrives").entities,
            whole.entities
        );
        // The entry now has them.
        let (_, entities) = cache.library(&key, true).expect("valid entry");
        assert_eq!(entities, Some(whole.entities));
    }

    #[test]
    fn a_damaged_entry_opens_as_without_a_cache() {
        let (dir, cache, file, whole, key) = cached_archive(5);
        cache
            .store(&key, &whole.issue, Some(&whole.entities))
            .expect("entry written");
        for entry in std::fs::read_dir(dir.path()).expect("listing") {
            let path = entry.expect("entry").path();
            let mut bytes = std::fs::read(&path).expect("entry");
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0x40;
            std::fs::write(&path, bytes).expect("entry damaged");
        }
        let (tx, rx) = mpsc::channel();
        let opened = open_cached_with(file.path(), &cache, move |e| {
            let _ = tx.send(e);
        })
        .expect("opens");
        assert!(opened.thread.is_some());
        let (full, stages) = wait_with_stages(opened, rx);
        assert_eq!(stages[..2], [Stage::Cached, Stage::Reading], "{stages:?}");
        let full = full.expect("the full library arrives");
        assert_eq!(full.issue, whole.issue);
        assert_eq!(full.entities, whole.entities);
        // And the entry was written anew.
        assert!(cache.library(&key, true).is_some());
    }

    #[test]
    fn a_file_without_pages_fails_at_once() {
        let file = write(&"just some words on a line\n".repeat(20_000));
        let err = open_progressive(file.path()).expect_err("no page header");
        assert!(matches!(err, Error::NoPages { .. }), "{err}");
    }

    #[test]
    fn a_directory_fails_at_once() {
        let dir = tempfile::tempdir().expect("temporary directories can be created");
        assert!(matches!(
            open_progressive(dir.path()),
            Err(Error::IsDirectory { .. })
        ));
    }
}
