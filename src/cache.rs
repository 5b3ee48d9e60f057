//! A cache of parsed files on disk, so that opening or searching a large file a second time
//! costs a read instead of a decode, repair and parse.
//!
//! Parsing a 9 MB archive takes tens of milliseconds and cannot be made many times faster;
//! `grep` answers in one or two. So the parsed result of every `--file` is kept in the user's
//! cache directory ([`directories::ProjectDirs`], `$XDG_CACHE_HOME/broker-reader/parsed/` on
//! Linux), one entry per source file, named after its canonical path.
//!
//! ## Layout
//!
//! An entry is laid out for `search`, which must not decode the whole issue (its 24 000
//! strings alone cost milliseconds):
//!
//! 1. a magic number and the length of the header;
//! 2. the header (postcard): the entry's [`Identity`], the sizes of the sections and their
//!    CRC-32s;
//! 3. the search section: a table of blocks (text length, article, kind, flags), the offsets of
//!    the line breaks the search text replaced, the article titles and standfirsts (which a
//!    search looks in too), and one blob of every
//!    block's text, each followed by [`Matcher::SEPARATOR`] so no match can span two blocks.
//!    `search` reads this section in one go and scans the blob in place with the same
//!    [`Matcher`] the in-memory search uses, so the hits are the same;
//! 4. the library section (postcard): the issue without its block texts (rebuilt from the blob)
//!    and, once they have been found, its entities, for the reader and the other commands.
//!    It is read and decoded first, then the blob is read front to back a window at a time,
//!    each block's text built straight from it, so the entry is never whole in memory beside
//!    the issue made from it.
//!
//! ## When an entry is used
//!
//! Only when everything in its [`Identity`] matches: the format version, the build of the
//! program (the running executable's size and modification time, and the crate version), the
//! source's canonical path, length, modification and change times (ns), inode and device. A
//! stale or foreign entry is a miss, and the next successful parse replaces it.
//!
//! A file changed within the timestamp granularity of the moment it was read could keep its
//! times and size; as git does for its index ("racy clean"), no entry is written for a source
//! modified less than [`RACY`] before the write, nor when the source's stamp changed while it
//! was being parsed.
//!
//! ## Failures
//!
//! The cache is an optimisation only: every failure (no cache directory, a read-only disk, a
//! full disk, a corrupt, truncated or hostile entry) means parsing as if there were no cache,
//! silently. Entries are written to a temporary file and renamed into place, so readers see the
//! old entry or the new one. Nothing is synced to disk: a crash can leave a damaged entry, which
//! its CRCs and the checks on its structure reject. Reading an entry checks every offset and
//! length before use and never panics. An entry forged to look valid is trusted like the user's
//! own files: whoever can write the user's cache directory can already run code as the user.
//!
//! The directory is kept under [`MAX_TOTAL_BYTES`] and [`MAX_ENTRIES`] by removing the oldest
//! entries after each write. `--no-cache` or [`DISABLE_ENV`] turn the cache off.
//!
//! `search` writes an entry only for a file it has searched before (see
//! [`Cache::first_search`]); the first time, it leaves an empty mark beside where the entry
//! would go, and reads the file page by page without building the issue.

use std::borrow::Cow;
use std::fs::{self, File};
use std::io::{self, Read, Seek, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::Library;
use crate::entities::Entities;
use crate::model::{Article, Block, BlockKind, Issue, Part, Position};
use crate::search::{CaseMode, Matcher};
use crate::source::{self, Stamp, nanos};

/// Set (to anything but an empty string) to run without the cache.
pub const DISABLE_ENV: &str = "BROKER_READER_NO_CACHE";

/// Entries beyond this total size are removed, those used longest ago first.
pub const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;

/// At most this many entries are kept, those used most recently.
pub const MAX_ENTRIES: usize = 32;

/// A source modified less than this before an entry would be written gets none; see the
/// module documentation.
pub const RACY: Duration = Duration::from_secs(2);

/// Bumped whenever the layout or the meaning of an entry changes.
const FORMAT_VERSION: u32 = 3;

const MAGIC: &[u8; 8] = b"brkrcach";

/// The subdirectory of the cache directory holding entries; the parent stays free for other
/// kinds of cached data.
const SUBDIR: &str = "parsed";

const EXTENSION: &str = "entry";

/// The extension of the marks [`Cache::first_search`] leaves.
const SEARCHED_EXTENSION: &str = "searched";

/// At most this many marks of files searched once are kept, the newest.
const MAX_SEARCHED_MARKS: usize = 256;

/// Bytes per block in the table: text length, article index, kind, flags, padding.
const RECORD: usize = 12;

/// A flag of a block record: its text had line breaks, replaced by spaces in the blob.
const HAD_NEWLINE: u8 = 1;

/// How much of an entry is read first: the magic, the header and, usually, the tables of a
/// small entry.
const FIRST_READ: usize = 16 * 1024;

/// Where parsed files are kept, or nowhere.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cache {
    /// `None` when the cache is off.
    dir: Option<PathBuf>,
}

/// What an entry must match to be used: see the module documentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Identity {
    format: u32,
    program: String,
    build: Stamp,
    /// The canonical path's bytes as the platform encodes them.
    path: Vec<u8>,
    source: Stamp,
}

/// A source file, stamped before it is read: what its entry must match, and where it lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    identity: Identity,
    canonical: PathBuf,
    entry: PathBuf,
}

impl Key {
    /// The empty file that says a search found no entry for this file (see
    /// [`Cache::first_search`]).
    fn searched_mark(&self) -> PathBuf {
        self.entry.with_extension(SEARCHED_EXTENSION)
    }
}

/// The fixed part of an entry, after the magic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Header {
    identity: Identity,
    articles: u32,
    blocks: u32,
    newlines: u32,
    titles_len: u64,
    blob_len: u64,
    search_crc: u32,
    library_len: u64,
    library_crc: u32,
    has_entities: bool,
}

impl Header {
    fn search_len(&self) -> Option<u64> {
        let fixed = u64::from(self.blocks).checked_mul(RECORD as u64)?;
        let newlines = u64::from(self.newlines).checked_mul(4)?;
        // A title's length and a standfirst's for every article.
        let title_lens = u64::from(self.articles).checked_mul(8)?;
        fixed
            .checked_add(newlines)?
            .checked_add(title_lens)?
            .checked_add(self.titles_len)?
            .checked_add(self.blob_len)
    }
}

/// The library section: the issue without block texts, and its entities once known.
#[derive(Serialize, Deserialize)]
struct LibraryPart<'a> {
    magazine: Cow<'a, str>,
    issue: Option<u32>,
    date: Option<Cow<'a, str>>,
    pages: Cow<'a, [u32]>,
    articles: Vec<ArticleHead<'a>>,
    entities: Option<Cow<'a, Entities>>,
}

/// [`LibraryPart`] without its entities: postcard reads fields in order and ignores what
/// follows, so commands that never show entities do not pay for decoding them.
#[derive(Deserialize)]
struct LibraryHead<'a> {
    magazine: Cow<'a, str>,
    issue: Option<u32>,
    date: Option<Cow<'a, str>>,
    pages: Cow<'a, [u32]>,
    articles: Vec<ArticleHead<'a>>,
}

/// An article without its blocks, which the search section holds.
#[derive(Serialize, Deserialize)]
struct ArticleHead<'a> {
    id: usize,
    page: u32,
    section: Cow<'a, str>,
    title: Cow<'a, str>,
    standfirst: Option<Cow<'a, str>>,
    authors: Cow<'a, [String]>,
    blocks: u32,
}

impl Cache {
    /// No cache: every lookup misses and nothing is written.
    pub fn disabled() -> Self {
        Self { dir: None }
    }

    /// Entries in `dir` (tests, and anyone who wants them elsewhere).
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: Some(dir.into()),
        }
    }

    /// The user's cache directory, unless `off` (the `--no-cache` flag) or [`DISABLE_ENV`]
    /// says not to, or there is no home directory.
    pub fn standard(off: bool) -> Self {
        let env_off = std::env::var_os(DISABLE_ENV).is_some_and(|v| !v.is_empty());
        if off || env_off {
            return Self::disabled();
        }
        directories::ProjectDirs::from("", "", "broker-reader")
            .map_or_else(Self::disabled, |dirs| {
                Self::at(dirs.cache_dir().join(SUBDIR))
            })
    }

    /// Where entries are kept, when the cache is on.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Stamps `path` before it is read; `None` when the cache is off or the file cannot be
    /// stamped (then it is opened without the cache, which reports any error).
    pub fn key(&self, path: &Path) -> Option<Key> {
        let dir = self.dir.as_ref()?;
        let canonical = fs::canonicalize(path).ok()?;
        let meta = fs::metadata(&canonical).ok()?;
        if !meta.is_file() {
            return None;
        }
        let path_bytes = canonical.as_os_str().as_encoded_bytes().to_vec();
        let entry = dir.join(format!(
            "{:08x}-{:x}.{EXTENSION}",
            crc32fast::hash(&path_bytes),
            path_bytes.len()
        ));
        let identity = Identity {
            format: FORMAT_VERSION,
            program: env!("CARGO_PKG_VERSION").to_string(),
            build: build_stamp()?,
            path: path_bytes,
            source: Stamp::of(&meta)?,
        };
        Some(Key {
            identity,
            canonical,
            entry,
        })
    }

    /// True when `key`'s file has neither an entry (even an outdated or damaged one) nor a
    /// mark of an earlier search, and leaves the mark: `search` reads such a file page by
    /// page, keeping nothing, and parses it whole and writes an entry only the second time.
    /// A file searched once is often never searched again, and one search is faster without
    /// building the issue and writing it out. With no place for the mark, every search is a
    /// first one.
    pub fn first_search(&self, key: &Key) -> bool {
        let mark = key.searched_mark();
        if mark.is_file() || key.entry.exists() {
            return false;
        }
        if let Some(dir) = &self.dir
            && fs::create_dir_all(dir).is_ok()
            && File::create(&mark).is_ok()
        {
            evict_marks(dir, &mark);
        }
        true
    }

    /// The search section of `key`'s entry, when there is a valid one, ready for one
    /// [`CachedText::search`] (which finishes checking it).
    pub fn text(&self, key: &Key) -> Option<CachedText> {
        self.dir.as_ref()?;
        read_entry(key).map(|reading| CachedText { reading })
    }

    /// The issue of `key`'s entry and, when `want_entities` and the entry has them, its
    /// entities; `None` without a valid entry.
    ///
    /// The entry is never whole in memory: the library section is decoded first and its bytes
    /// dropped, then the blob is read a window at a time, each block's text taken straight from
    /// it ([`BlobStream`]), so the peak is the issue itself rather than the issue and its entry.
    pub fn library(&self, key: &Key, want_entities: bool) -> Option<(Issue, Option<Entities>)> {
        self.dir.as_ref()?;
        let mut reading = read_entry(key)?;
        let library = read_library(&mut reading)?;
        // Decoded as `'static` the values own their strings, so the section's bytes can go
        // before the blob is read.
        let (head, entities) = if want_entities && reading.header.has_entities {
            let part: LibraryPart<'static> = postcard::from_bytes(&library).ok()?;
            let entities = part.entities.map(Cow::into_owned);
            let head = LibraryHead {
                magazine: part.magazine,
                issue: part.issue,
                date: part.date,
                pages: part.pages,
                articles: part.articles,
            };
            (head, entities)
        } else {
            let head: LibraryHead<'static> = postcard::from_bytes(&library).ok()?;
            (head, None)
        };
        drop(library);
        let issue = build_issue(&mut reading, head)?;
        if let Some(entities) = &entities
            && !(entities_fit(&issue, entities) && entities_clean(entities))
        {
            return None;
        }
        issue_clean(&issue).then_some((issue, entities))
    }

    /// The library of an entry that lacked entities: finds them, and writes the entry again
    /// with them for next time.
    pub fn with_found_entities(&self, key: &Key, name: &str, issue: Issue) -> Library {
        let library = Library::from_issue(name, issue);
        // The cache is only ever a shortcut: failing to write it changes nothing.
        let _ = self.store(key, &library.issue, Some(&library.entities));
        library
    }

    /// Writes `key`'s entry for `issue`, and `entities` when known, replacing any other: to a
    /// temporary file renamed into place, then trims the directory to its limits. Writes
    /// nothing (and succeeds) when the cache is off, when the source was modified too recently
    /// to be sure of its stamp or changed since `key` was taken, or when the issue is too
    /// large to lay out.
    pub fn store(&self, key: &Key, issue: &Issue, entities: Option<&Entities>) -> io::Result<()> {
        let Some(dir) = &self.dir else {
            return Ok(());
        };
        if !settled(key) {
            return Ok(());
        }
        let Some(head) = encode_head(key, issue, entities) else {
            return Ok(());
        };
        fs::create_dir_all(dir)?;
        let mut temp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir)?;
        {
            let mut out = io::BufWriter::with_capacity(256 * 1024, temp.as_file_mut());
            out.write_all(&head.bytes)?;
            write_search(issue, &mut out)?;
            out.write_all(&head.library)?;
            out.flush()?;
        }
        // The source may have changed while the entry was being written.
        if !settled(key) {
            return Ok(());
        }
        temp.persist(&key.entry).map_err(|e| e.error)?;
        // The entry answers from now on; a later search is no longer a first one.
        let _ = fs::remove_file(key.searched_mark());
        evict(dir, &key.entry);
        Ok(())
    }
}

/// Temporary files of unfinished writes start with this; old ones are removed by [`evict`].
const TEMP_PREFIX: &str = ".tmp-";

/// The magic, header and library section of an entry, ready to write around its search
/// section.
struct Head {
    bytes: Vec<u8>,
    library: Vec<u8>,
}

/// Lays out everything but the search section, whose size and CRC come from a first pass that
/// writes it nowhere: two passes over the text are cheaper than holding a copy of it.
fn encode_head(key: &Key, issue: &Issue, entities: Option<&Entities>) -> Option<Head> {
    let part = LibraryPart {
        magazine: Cow::Borrowed(&issue.magazine),
        issue: issue.issue,
        date: issue.date.as_deref().map(Cow::Borrowed),
        pages: Cow::Borrowed(&issue.pages),
        articles: issue
            .articles
            .iter()
            .map(|a| {
                Some(ArticleHead {
                    id: a.id,
                    page: a.page,
                    section: Cow::Borrowed(&a.section),
                    title: Cow::Borrowed(&a.title),
                    standfirst: a.standfirst.as_deref().map(Cow::Borrowed),
                    authors: Cow::Borrowed(&a.authors),
                    blocks: u32::try_from(a.blocks.len()).ok()?,
                })
            })
            .collect::<Option<_>>()?,
        entities: entities.map(Cow::Borrowed),
    };
    let library = postcard::to_stdvec(&part).ok()?;
    let mut counter = CrcCounter::default();
    let counts = write_search(issue, &mut counter).ok()?;
    let header = Header {
        identity: key.identity.clone(),
        articles: u32::try_from(issue.articles.len()).ok()?,
        blocks: u32::try_from(counts.blocks).ok()?,
        newlines: u32::try_from(counts.newlines).ok()?,
        titles_len: counts.titles_len,
        blob_len: counts.blob_len,
        search_crc: counter.hasher.finalize(),
        library_len: library.len() as u64,
        library_crc: crc32fast::hash(&library),
        has_entities: entities.is_some(),
    };
    // The reader relies on the blob's offsets fitting the table's 32-bit fields.
    if header.search_len() != Some(counter.len) || header.blob_len > u64::from(u32::MAX) {
        return None;
    }
    if counter.len.checked_add(header.library_len)? > MAX_TOTAL_BYTES {
        return None;
    }
    let encoded = postcard::to_stdvec(&header).ok()?;
    let mut bytes = MAGIC.to_vec();
    bytes.extend_from_slice(&u32::try_from(encoded.len()).ok()?.to_le_bytes());
    bytes.extend_from_slice(&encoded);
    Some(Head { bytes, library })
}

/// Sizes of a search section, as [`write_search`] found them.
struct SearchCounts {
    blocks: usize,
    newlines: usize,
    titles_len: u64,
    blob_len: u64,
}

/// Writes the search section of `issue`: block records, line-break offsets, title lengths,
/// titles, then the blob.
fn write_search(issue: &Issue, out: &mut impl Write) -> io::Result<SearchCounts> {
    let too_large = || io::Error::other("too large for the cache's layout");
    let blocks = || {
        issue
            .articles
            .iter()
            .enumerate()
            .flat_map(|(a, article)| article.blocks.iter().map(move |b| (a, b)))
    };
    let mut counts = SearchCounts {
        blocks: 0,
        newlines: 0,
        titles_len: 0,
        blob_len: 0,
    };
    for (a, block) in blocks() {
        let text = block.text.as_bytes();
        // A separator inside a text would let a match span two blocks.
        if text.contains(&Matcher::SEPARATOR) {
            return Err(io::Error::other("a block holds the separator byte"));
        }
        let len = u32::try_from(text.len()).map_err(|_| too_large())?;
        let article = u32::try_from(a).map_err(|_| too_large())?;
        let flags = if memchr::memchr(b'\n', text).is_some() {
            HAD_NEWLINE
        } else {
            0
        };
        let mut record = [0u8; RECORD];
        record[0..4].copy_from_slice(&len.to_le_bytes());
        record[4..8].copy_from_slice(&article.to_le_bytes());
        record[8] = kind_code(block.kind);
        record[9] = flags;
        out.write_all(&record)?;
        counts.blocks += 1;
    }
    let mut at = 0u64;
    for (_, block) in blocks() {
        for i in memchr::memchr_iter(b'\n', block.text.as_bytes()) {
            let offset = u32::try_from(at + i as u64).map_err(|_| too_large())?;
            out.write_all(&offset.to_le_bytes())?;
            counts.newlines += 1;
        }
        at += block.text.len() as u64 + 1;
    }
    // Each article's title, then its standfirst (no standfirst and an empty one are alike to
    // a search): searched where they lie, as the blocks are in the blob.
    fn header(article: &Article) -> [&str; 2] {
        [
            article.title.as_str(),
            article.standfirst.as_deref().unwrap_or_default(),
        ]
    }
    for article in &issue.articles {
        for text in header(article) {
            if text.as_bytes().contains(&Matcher::SEPARATOR) {
                return Err(io::Error::other("a header holds the separator byte"));
            }
            let len = u32::try_from(text.len()).map_err(|_| too_large())?;
            out.write_all(&len.to_le_bytes())?;
        }
    }
    for article in &issue.articles {
        for text in header(article) {
            out.write_all(text.as_bytes())?;
            counts.titles_len += text.len() as u64;
        }
    }
    for (_, block) in blocks() {
        let text = block.text.as_bytes();
        if memchr::memchr(b'\n', text).is_some() {
            // Blocks are searched with line breaks read as spaces (as `search::Index` does);
            // the offsets written above put them back.
            out.write_all(&block.text.replace('\n', " ").into_bytes())?;
        } else {
            out.write_all(text)?;
        }
        out.write_all(&[Matcher::SEPARATOR])?;
        counts.blob_len += text.len() as u64 + 1;
    }
    Ok(counts)
}

fn kind_code(kind: BlockKind) -> u8 {
    BlockKind::ALL
        .iter()
        .position(|&k| k == kind)
        .and_then(|i| u8::try_from(i).ok())
        .unwrap_or(0)
}

/// A writer that only counts bytes and computes their CRC-32.
#[derive(Default)]
struct CrcCounter {
    hasher: crc32fast::Hasher,
    len: u64,
}

impl Write for CrcCounter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.hasher.update(buf);
        self.len += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// True when the source still has `key`'s stamp and was last modified long enough ago that a
/// change within the same timestamp tick would have been seen.
fn settled(key: &Key) -> bool {
    let Some(now) = fs::metadata(&key.canonical)
        .ok()
        .and_then(|meta| Stamp::of(&meta))
    else {
        return false;
    };
    let Some(now_ns) = nanos(SystemTime::now()) else {
        return false;
    };
    // A modification time in the future (a clock set back) is as doubtful as a recent one.
    now == key.identity.source && now_ns - now.modified >= RACY.as_nanos() as i128
}

/// The running executable's size and modification time: a rebuilt or upgraded program may lay
/// out or parse differently, so it never reads an older build's entries. Looked up once.
fn build_stamp() -> Option<Stamp> {
    static BUILD: OnceLock<Option<Stamp>> = OnceLock::new();
    *BUILD.get_or_init(|| {
        let exe = std::env::current_exe().ok()?;
        let meta = fs::metadata(exe).ok()?;
        let modified = nanos(meta.modified().ok()?)?;
        Some(Stamp {
            len: meta.len(),
            modified,
            changed: None,
            file_id: None,
        })
    })
}

/// An entry being read: its header (checked against the key), the bytes read so far from its
/// start, and where things are in them.
struct Reading {
    file: File,
    header: Header,
    buf: Vec<u8>,
    dir: Directory,
}

/// Where the parts of a search section are, all checked to lie inside the entry.
struct Directory {
    /// The block records, in the bytes read.
    table: Range<usize>,
    /// Offsets in the blob of the line breaks its text replaced by spaces, ascending.
    newlines: Vec<usize>,
    /// The titles, in the bytes read.
    titles: Vec<Range<usize>>,
    /// The standfirsts, in the bytes read (empty where an article has none).
    standfirsts: Vec<Range<usize>>,
    /// The blob's offset in the file, and its length.
    blob: Range<usize>,
}

/// Opens `key`'s entry and reads it up to the blob, checking its identity, its size and the
/// bounds of its parts; the file is left at the blob's start. The CRCs cover what is read
/// later, so they are checked by whoever reads it ([`CachedText::search`], [`BlobStream`],
/// [`read_library`]).
fn read_entry(key: &Key) -> Option<Reading> {
    let mut file = File::open(&key.entry).ok()?;
    let file_len = file.metadata().ok()?.len();
    let mut buf = Vec::with_capacity(FIRST_READ);
    (&mut file)
        .take(FIRST_READ as u64)
        .read_to_end(&mut buf)
        .ok()?;
    let rest = buf.strip_prefix(MAGIC)?;
    let header_len = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
    let header: Header = postcard::from_bytes(rest.get(4..4 + header_len)?).ok()?;
    if header.identity != key.identity {
        return None;
    }
    // The modification time says when the entry was last used, which is what eviction goes
    // by: an entry read every day outlives one written since and never read. Failing to set
    // it (another user's file) changes nothing else.
    let _ = file.set_modified(SystemTime::now());
    let start = MAGIC.len() + 4 + header_len;
    let search_end = (start as u64).checked_add(header.search_len()?)?;
    // A truncated or overlong file is damaged, whatever its header says.
    if search_end.checked_add(header.library_len)? != file_len {
        return None;
    }
    let blob_len = usize::try_from(header.blob_len).ok()?;
    let search_end = usize::try_from(search_end).ok()?;
    let blob_start = search_end.checked_sub(blob_len)?;
    if blob_start > buf.len() {
        buf.reserve_exact(blob_start - buf.len());
        (&mut file)
            .take((blob_start - buf.len()) as u64)
            .read_to_end(&mut buf)
            .ok()?;
    }
    if buf.len() < blob_start {
        return None;
    }
    if buf.len() > blob_start {
        // The first read went past the blob's start; the blob is read from there.
        buf.truncate(blob_start);
        file.seek(io::SeekFrom::Start(blob_start as u64)).ok()?;
    }
    let dir = Directory::parse(&buf, &header, start, blob_start..search_end)?;
    Some(Reading {
        file,
        header,
        buf,
        dir,
    })
}

impl Directory {
    fn parse(buf: &[u8], header: &Header, start: usize, blob: Range<usize>) -> Option<Self> {
        let table = start..start.checked_add((header.blocks as usize).checked_mul(RECORD)?)?;
        let newlines_at = table.end..table.end.checked_add(header.newlines as usize * 4)?;
        let lens_at = newlines_at.end..newlines_at.end.checked_add(header.articles as usize * 8)?;
        let titles_start = lens_at.end;
        let titles_end = titles_start.checked_add(usize::try_from(header.titles_len).ok()?)?;
        if titles_end != blob.start || titles_end > buf.len() {
            return None;
        }
        let mut titles = Vec::with_capacity(header.articles as usize);
        let mut standfirsts = Vec::with_capacity(header.articles as usize);
        let mut at = titles_start;
        for (i, len) in buf.get(lens_at)?.chunks_exact(4).enumerate() {
            let len = u32::from_le_bytes(len.try_into().ok()?) as usize;
            let range = at..at.checked_add(len)?;
            std::str::from_utf8(buf.get(range.clone())?).ok()?;
            at = range.end;
            if i % 2 == 0 {
                titles.push(range);
            } else {
                standfirsts.push(range);
            }
        }
        if at != titles_end {
            return None;
        }
        let mut newlines = Vec::with_capacity(header.newlines as usize);
        for bytes in buf.get(newlines_at)?.chunks_exact(4) {
            let at = u32::from_le_bytes(bytes.try_into().ok()?) as usize;
            if at >= blob.len() || newlines.last().is_some_and(|&last| last >= at) {
                return None;
            }
            newlines.push(at);
        }
        Some(Directory {
            table,
            newlines,
            titles,
            standfirsts,
            blob,
        })
    }

    fn walk<'a>(&self, buf: &'a [u8]) -> Walk<'a> {
        Walk {
            records: buf
                .get(self.table.clone())
                .unwrap_or_default()
                .chunks_exact(RECORD),
            offset: 0,
            previous: None,
            articles: self.titles.len(),
            damaged: false,
        }
    }

    fn title<'a>(&self, buf: &'a [u8], article: usize) -> Option<&'a str> {
        std::str::from_utf8(buf.get(self.titles.get(article)?.clone())?).ok()
    }

    /// An article's title or standfirst, by the `block` value that addresses it.
    fn header_text<'a>(&self, buf: &'a [u8], article: usize, block: u32) -> Option<&'a str> {
        let ranges = match block {
            Position::TITLE => &self.titles,
            _ => &self.standfirsts,
        };
        std::str::from_utf8(buf.get(ranges.get(article)?.clone())?).ok()
    }

    /// The text of `record` as parsed, from `window`, the part of the blob starting at
    /// `window_start`: checked to be followed by the separator, with its line breaks put back.
    fn block_text<'w>(
        &self,
        window: &'w [u8],
        window_start: usize,
        record: &BlockRecord,
    ) -> Option<Cow<'w, str>> {
        self.text_part(window, window_start, record, 0..record.len)
    }

    /// [`Directory::block_text`] for bytes `part` of the block only, which must start and
    /// end on character boundaries: only they are checked to be UTF-8.
    fn text_part<'w>(
        &self,
        window: &'w [u8],
        window_start: usize,
        record: &BlockRecord,
        part: Range<usize>,
    ) -> Option<Cow<'w, str>> {
        let from = record.start.checked_sub(window_start)?;
        let block = window.get(from..from + record.len)?;
        if window.get(from + record.len) != Some(&Matcher::SEPARATOR) {
            return None;
        }
        let bytes = block.get(part.clone())?;
        let text = std::str::from_utf8(bytes).ok()?;
        if !record.had_newline {
            return Some(Cow::Borrowed(text));
        }
        let mut owned = bytes.to_vec();
        self.put_back_newlines(&mut owned, record.start + part.start)?;
        String::from_utf8(owned).ok().map(Cow::Owned)
    }

    /// Turns back into line breaks the spaces of `bytes`, the blob's bytes from `first` on,
    /// that stood for them in the parsed text.
    fn put_back_newlines(&self, bytes: &mut [u8], first: usize) -> Option<()> {
        let last = first.checked_add(bytes.len())?;
        let at = self.newlines.partition_point(|&n| n < first);
        for &n in &self.newlines[at..] {
            if n >= last {
                break;
            }
            *bytes.get_mut(n - first)? = b'\n';
        }
        Some(())
    }
}

/// A block as the table describes it.
#[derive(Debug, Clone, Copy)]
struct BlockRecord {
    /// Offset of the text in the blob.
    start: usize,
    len: usize,
    article: usize,
    /// Index of the block in its article.
    block: usize,
    kind: BlockKind,
    had_newline: bool,
}

impl BlockRecord {
    /// Where the next block starts: after this one's text and separator.
    fn next_start(&self) -> usize {
        self.start + self.len + 1
    }
}

/// The block records in order, decoded as they are walked; a record out of order or out of
/// range ends the walk and marks it damaged.
struct Walk<'a> {
    records: std::slice::ChunksExact<'a, u8>,
    offset: usize,
    previous: Option<(usize, usize)>,
    articles: usize,
    damaged: bool,
}

impl Iterator for Walk<'_> {
    type Item = BlockRecord;

    fn next(&mut self) -> Option<BlockRecord> {
        let record = self.records.next()?;
        let decoded = self.decode(record);
        if decoded.is_none() {
            self.damaged = true;
            // Nothing after a damaged record is trusted either.
            self.records = [].chunks_exact(RECORD);
        }
        decoded
    }
}

impl Walk<'_> {
    fn decode(&mut self, record: &[u8]) -> Option<BlockRecord> {
        let len = u32::from_le_bytes(record.get(0..4)?.try_into().ok()?) as usize;
        let article = u32::from_le_bytes(record.get(4..8)?.try_into().ok()?) as usize;
        let kind = *BlockKind::ALL.get(usize::from(*record.get(8)?))?;
        let flags = *record.get(9)?;
        if article >= self.articles {
            return None;
        }
        let block = match self.previous {
            Some((a, b)) if a == article => b + 1,
            Some((a, _)) if a > article => return None,
            _ => 0,
        };
        self.previous = Some((article, block));
        let record = BlockRecord {
            start: self.offset,
            len,
            article,
            block,
            kind,
            had_newline: flags & HAD_NEWLINE != 0,
        };
        self.offset = self.offset.checked_add(len)?.checked_add(1)?;
        Some(record)
    }
}

/// How much of the blob `search` reads at a time: small enough to stay in cache and to need
/// few fresh pages (a 9 MB buffer costs more in page faults than the scan), large enough for
/// few reads. A block longer than this grows the buffer.
const WINDOW: usize = 256 * 1024;

/// The search section of an entry, open for one search: its block table and titles read and
/// checked, its blob still in the file, to be read a window at a time.
pub struct CachedText {
    reading: Reading,
}

impl std::fmt::Debug for CachedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedText")
            .field("blocks", &self.reading.header.blocks)
            .field("blob", &self.reading.dir.blob)
            .finish_non_exhaustive()
    }
}

impl CachedText {
    /// The title of an article, by index.
    pub fn title(&self, article: usize) -> Option<&str> {
        self.reading.dir.title(&self.reading.buf, article)
    }

    /// Calls `each` for every match of `query` in reading order, as
    /// [`crate::search::Index::search_with`] finds them in the parsed issue. Each comes with
    /// the text of its block, whole when `context` is `None`, else the part of it around the
    /// match, with at least `context` bytes on each side where the block has them: a snippet
    /// needs no more, and only that part is checked to be UTF-8. `None` when the entry turns out to be damaged: the
    /// caller must then drop whatever `each` was given, which is why nothing should be printed
    /// before this returns.
    pub fn search(
        &mut self,
        query: &str,
        case: CaseMode,
        context: Option<usize>,
        mut each: impl FnMut(CachedHit<'_>),
    ) -> Option<()> {
        let matcher = Matcher::for_query(query, case);
        let Reading {
            file,
            header,
            buf,
            dir,
        } = &mut self.reading;
        let start = dir.table.start;
        let mut crc = crc32fast::Hasher::new();
        crc.update(buf.get(start..dir.blob.start)?);
        // Titles and standfirsts are short and already read: searched first, their matches go
        // out before the first block match of their article or a later one, in reading order.
        let mut headers: Vec<(usize, u32, usize, usize)> = Vec::new();
        if let Some(matcher) = &matcher {
            for article in 0..dir.titles.len() {
                for block in [Position::TITLE, Position::STANDFIRST] {
                    let text = dir.header_text(buf, article, block)?;
                    matcher.find_in_block(text, &mut |s, e| headers.push((article, block, s, e)));
                }
            }
        }
        let mut headers_sent = 0;
        let mut walk = dir.walk(buf);
        let mut window = vec![0u8; WINDOW.min(dir.blob.len().max(1))];
        // `window[..filled]` holds the blob from `window_start` on.
        let (mut window_start, mut filled) = (0usize, 0usize);
        let mut unread = dir.blob.len();
        let mut complete: Vec<BlockRecord> = Vec::new();
        let mut pending: Option<BlockRecord> = None;
        let mut found: Vec<(usize, usize)> = Vec::new();
        loop {
            if filled == window.len() {
                // Not one whole block fits: make room.
                window.resize(window.len() * 2, 0);
            }
            let want = (window.len() - filled).min(unread);
            let got = read_some(file, &mut window[filled..filled + want])?;
            if got < want {
                // The file shrank under us.
                return None;
            }
            crc.update(&window[filled..filled + got]);
            filled += got;
            unread -= got;
            // The blocks whose text and separator are all in the window.
            complete.clear();
            let window_end = window_start + filled;
            loop {
                let record = match pending.take() {
                    Some(record) => record,
                    None => match walk.next() {
                        Some(record) => record,
                        None => break,
                    },
                };
                if record.next_start() > window_end {
                    pending = Some(record);
                    break;
                }
                complete.push(record);
            }
            if let (Some(first), Some(last)) = (complete.first(), complete.last()) {
                let from = first.start - window_start;
                let to = last.next_start() - window_start;
                let region = window.get(from..to)?;
                found.clear();
                if let Some(matcher) = &matcher {
                    matcher.find(region, &mut |s, e| found.push((s + from, e + from)));
                }
                let mut cursor = 0;
                let mut current: Option<(usize, Cow<'_, str>)> = None;
                let seen = &window[..filled];
                for &(s, e) in &found {
                    let (s, e) = (s + window_start, e + window_start);
                    while complete.get(cursor)?.next_start() <= s {
                        cursor += 1;
                    }
                    let record = complete.get(cursor)?;
                    if s < record.start || e > record.start + record.len {
                        return None;
                    }
                    let (start, end) = (s - record.start, e - record.start);
                    // Left out as `Index::search_with` leaves it out: a position that does not
                    // fit (only past the input cap) would be wrapped onto other text.
                    let Some(position) =
                        Position::try_new(record.article, record.block, start, end)
                    else {
                        continue;
                    };
                    let (text_start, text) = match context {
                        None => {
                            if current.as_ref().is_none_or(|(at, _)| *at != cursor) {
                                let text = dir.block_text(seen, window_start, record)?;
                                current = Some((cursor, text));
                            }
                            (
                                0,
                                current
                                    .as_ref()
                                    .map_or(Cow::Borrowed(""), |(_, t)| t.clone()),
                            )
                        }
                        Some(context) => {
                            let block = seen.get(record.start - window_start..)?;
                            let part = around(block, record.len, start, end, context);
                            let from = part.start;
                            (from, dir.text_part(seen, window_start, record, part)?)
                        }
                    };
                    let title = dir.title(buf, record.article)?;
                    // What is printed must be text the parser could have written.
                    if !(source::is_clean(title) && source::is_clean(&text)) {
                        return None;
                    }
                    send_headers(
                        dir,
                        buf,
                        &headers,
                        &mut headers_sent,
                        record.article,
                        &mut each,
                    )?;
                    each(CachedHit {
                        position,
                        title,
                        kind: Part::Block(record.kind),
                        text,
                        text_start,
                    });
                }
                // Every separator is checked, hit or not, so a damaged table cannot go unseen.
                for record in &complete {
                    if window.get(record.start + record.len - window_start)
                        != Some(&Matcher::SEPARATOR)
                    {
                        return None;
                    }
                }
                window.copy_within(to..filled, 0);
                window_start += to;
                filled -= to;
            }
            if unread == 0 && (filled == 0 || got == 0) {
                break;
            }
        }
        send_headers(dir, buf, &headers, &mut headers_sent, usize::MAX, &mut each)?;
        let blocks_done = pending.is_none() && walk.next().is_none() && !walk.damaged;
        if !blocks_done || filled != 0 || window_start != dir.blob.len() {
            return None;
        }
        (crc.finalize() == header.search_crc).then_some(())
    }
}

/// Passes on the matches in titles and standfirsts (`headers`, in order, from `*sent` on) of
/// the articles up to `upto`; `None` when the entry's text is not what the parser writes.
fn send_headers(
    dir: &Directory,
    buf: &[u8],
    headers: &[(usize, u32, usize, usize)],
    sent: &mut usize,
    upto: usize,
    each: &mut impl FnMut(CachedHit<'_>),
) -> Option<()> {
    while let Some(&(article, block, start, end)) = headers.get(*sent) {
        if article > upto {
            break;
        }
        *sent += 1;
        // Left out as `Index::search_with` leaves it out: past the input cap only.
        let Some(position) = Position::try_in(article, block, start, end) else {
            continue;
        };
        let part = position.header()?;
        let title = dir.title(buf, article)?;
        let text = dir.header_text(buf, article, block)?;
        if !(source::is_clean(title) && source::is_clean(text)) {
            return None;
        }
        each(CachedHit {
            position,
            title,
            kind: Part::Header(part),
            text: Cow::Borrowed(text),
            text_start: 0,
        });
    }
    Some(())
}

/// A match found by [`CachedText::search`], with what `search` prints around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedHit<'a> {
    pub position: Position,
    /// The article's title.
    pub title: &'a str,
    /// What the match lies in: a block of some kind, the title or the standfirst.
    pub kind: Part,
    /// The text of the block as the parsed issue has it: whole, or the part around the match
    /// that [`CachedText::search`] was asked for.
    pub text: Cow<'a, str>,
    /// Where `text` starts in the block's text.
    pub text_start: usize,
}

/// Bytes `start - context .. end + context` of a block of `len` bytes (at the start of
/// `block`), clamped to it and widened to character boundaries (UTF-8 continuation bytes
/// are `10xxxxxx`).
fn around(block: &[u8], len: usize, start: usize, end: usize, context: usize) -> Range<usize> {
    let continues = |at: usize| block.get(at).is_some_and(|b| b & 0xC0 == 0x80);
    let mut from = start.saturating_sub(context);
    while from > 0 && continues(from) {
        from -= 1;
    }
    let mut to = end.saturating_add(context).min(len);
    while to < len && continues(to) {
        to += 1;
    }
    from..to
}

/// Reads until `into` is full or the file ends; how much was read.
fn read_some(file: &mut File, into: &mut [u8]) -> Option<usize> {
    let mut got = 0;
    while got < into.len() {
        match file.read(&mut into[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(got)
}

/// The library section of an entry that [`read_entry`] opened, its CRC checked; the file is
/// left at the blob's start, where [`BlobStream`] reads on. The section comes first because it
/// is small and decodes into values that need none of its bytes, which can then be dropped
/// before the blob's texts arrive.
fn read_library(reading: &mut Reading) -> Option<Vec<u8>> {
    let len = reading.header.library_len;
    let blob = reading.dir.blob.clone();
    reading
        .file
        .seek(io::SeekFrom::Start(blob.end as u64))
        .ok()?;
    // `read_entry` checked the length against the file's, so this is no hostile allocation.
    let mut bytes = Vec::with_capacity(usize::try_from(len).ok()?);
    (&mut reading.file).take(len).read_to_end(&mut bytes).ok()?;
    if bytes.len() as u64 != len || crc32fast::hash(&bytes) != reading.header.library_crc {
        return None;
    }
    reading
        .file
        .seek(io::SeekFrom::Start(blob.start as u64))
        .ok()?;
    Some(bytes)
}

/// The blob read front to back through a buffer of [`WINDOW`] bytes, each block's text taken
/// from it in turn, so that building the issue never holds the entry whole; it computes the
/// search section's CRC as it goes, and [`BlobStream::finish`] says whether it matched.
struct BlobStream<'a> {
    reader: io::BufReader<io::Take<&'a mut File>>,
    crc: crc32fast::Hasher,
    /// Bytes of the blob read so far.
    read: usize,
    len: usize,
}

impl<'a> BlobStream<'a> {
    /// `file` must be at the blob's start; `buf` holds the entry up to it.
    fn new(file: &'a mut File, buf: &[u8], dir: &Directory) -> Option<Self> {
        let len = dir.blob.len();
        let mut crc = crc32fast::Hasher::new();
        // The CRC covers the whole search section: the table, line breaks and titles first.
        crc.update(buf.get(dir.table.start..dir.blob.start)?);
        Some(BlobStream {
            // Bounded by the blob, the buffer never reads into the library section, and a
            // small entry gets a small buffer.
            reader: io::BufReader::with_capacity(WINDOW.min(len.max(1)), file.take(len as u64)),
            crc,
            read: 0,
            len,
        })
    }

    /// The text of `record`, which must be the next block: checked to be followed by the
    /// separator and to be UTF-8, with its line breaks put back.
    fn block(&mut self, dir: &Directory, record: &BlockRecord) -> Option<String> {
        if record.start != self.read || record.next_start() > self.len {
            return None;
        }
        let mut text = Vec::with_capacity(record.len);
        // `read_to_end` into spare capacity copies once from the buffer and zeroes nothing.
        (&mut self.reader)
            .take(record.len as u64)
            .read_to_end(&mut text)
            .ok()?;
        let mut separator = [0u8; 1];
        self.reader.read_exact(&mut separator).ok()?;
        if text.len() != record.len || separator[0] != Matcher::SEPARATOR {
            return None;
        }
        self.crc.update(&text);
        self.crc.update(&separator);
        self.read = record.next_start();
        if record.had_newline {
            dir.put_back_newlines(&mut text, record.start)?;
        }
        String::from_utf8(text).ok()
    }

    /// True when the whole blob was read and the search section's CRC matches.
    fn finish(self, expected: u32) -> bool {
        self.read == self.len && self.crc.finalize() == expected
    }
}

/// The issue of an entry that [`read_entry`] opened and [`read_library`] read the library
/// section of: `head`, with the blocks' texts read from the blob.
fn build_issue(reading: &mut Reading, head: LibraryHead<'_>) -> Option<Issue> {
    let Reading {
        file,
        header,
        buf,
        dir,
    } = reading;
    let mut blob = BlobStream::new(file, buf, dir)?;
    let mut walk = dir.walk(buf);
    let mut articles = Vec::with_capacity(head.articles.len());
    for (i, a) in head.articles.into_iter().enumerate() {
        // The rest of the program relies on ids being the index plus one.
        if a.id != i + 1 || dir.title(buf, i)? != a.title {
            return None;
        }
        // The table bounds the count: a damaged or forged one must not reserve gigabytes.
        let mut blocks = Vec::with_capacity(a.blocks.min(header.blocks) as usize);
        for _ in 0..a.blocks {
            let record = walk.next()?;
            if record.article != i {
                return None;
            }
            blocks.push(Block::new(record.kind, blob.block(dir, &record)?));
        }
        articles.push(Article {
            id: a.id,
            page: a.page,
            section: a.section.into_owned(),
            title: a.title.into_owned(),
            standfirst: a.standfirst.map(Cow::into_owned),
            authors: a.authors.into_owned(),
            blocks,
        });
    }
    if walk.next().is_some() || walk.damaged || walk.offset != dir.blob.len() {
        return None;
    }
    if articles.len() != dir.titles.len() || !blob.finish(header.search_crc) {
        return None;
    }
    Some(Issue {
        magazine: head.magazine.into_owned(),
        issue: head.issue,
        date: head.date.map(Cow::into_owned),
        pages: head.pages.into_owned(),
        articles,
    })
}

/// True when every string of `issue` is text the parser could have written: sanitised, with
/// nothing a terminal would interpret. The CRCs catch damage, not an entry written to
/// deceive; whatever the commands print from an entry passes this first.
fn issue_clean(issue: &Issue) -> bool {
    let clean = source::is_clean;
    clean(&issue.magazine)
        && issue.date.as_deref().is_none_or(clean)
        && issue.articles.iter().all(|a| {
            clean(&a.section)
                && clean(&a.title)
                && a.standfirst.as_deref().is_none_or(clean)
                && a.authors.iter().all(|s| clean(s))
                && a.blocks.iter().all(|b| clean(&b.text))
        })
}

/// [`issue_clean`] for the entities' names, aliases and descriptions.
fn entities_clean(entities: &Entities) -> bool {
    entities.list.iter().all(|e| {
        source::is_clean(&e.name)
            && source::is_clean(&e.description)
            && e.aliases.iter().all(|s| source::is_clean(s))
    })
}

/// True when every index and position in `entities` points into `issue`, so no front end can
/// index out of bounds on a damaged or forged entry.
fn entities_fit(issue: &Issue, entities: &Entities) -> bool {
    let count = entities.list.len();
    let fits = |pos: &Position| issue.text_at(*pos).is_some();
    entities.list.iter().enumerate().all(|(i, e)| {
        e.id == i && e.mentions.iter().all(fits) && e.related.iter().all(|&r| r < count)
    }) && entities.by_article.len() == issue.articles.len()
        && entities.by_article.iter().flatten().all(|&id| id < count)
        && entities.mentions_indexed()
}

/// Removes the entries used longest ago (written or read: [`read_entry`] sets the time) until
/// the directory holds at most [`MAX_ENTRIES`] entries and [`MAX_TOTAL_BYTES`], never `keep`
/// (just written); and temporary files left by writes that died, once they are old enough not
/// to be another process's write in progress.
fn evict(dir: &Path, keep: &Path) {
    let Ok(listing) = fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    let mut entries = Vec::new();
    for item in listing.flatten() {
        let path = item.path();
        let Ok(meta) = item.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let modified = meta.modified().unwrap_or(UNIX_EPOCH);
        let name = item.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(TEMP_PREFIX) {
            let age = now.duration_since(modified).unwrap_or_default();
            if age > Duration::from_secs(3600) {
                let _ = fs::remove_file(&path);
            }
            continue;
        }
        if path.extension().is_some_and(|e| e == EXTENSION) && path != keep {
            entries.push((modified, meta.len(), path));
        }
    }
    // Newest first; `keep` counts as the newest of all.
    entries.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut total = fs::metadata(keep).map_or(0, |m| m.len());
    let mut kept = 1;
    for (_, len, path) in entries {
        total = total.saturating_add(len);
        kept += 1;
        if total > MAX_TOTAL_BYTES || kept > MAX_ENTRIES {
            // Another process may have removed it already; either way it is gone.
            let _ = fs::remove_file(path);
        }
    }
}

/// Removes all but the newest [`MAX_SEARCHED_MARKS`] marks of files searched once, never
/// `keep`: without an entry written after them, nothing else would ever remove them.
fn evict_marks(dir: &Path, keep: &Path) {
    let Ok(listing) = fs::read_dir(dir) else {
        return;
    };
    let marks: Vec<PathBuf> = listing
        .flatten()
        .map(|item| item.path())
        .filter(|path| path.extension().is_some_and(|e| e == SEARCHED_EXTENSION) && path != keep)
        .collect();
    if marks.len() < MAX_SEARCHED_MARKS {
        return;
    }
    let mut marks: Vec<(SystemTime, PathBuf)> = marks
        .into_iter()
        .map(|path| {
            let modified = fs::metadata(&path).and_then(|m| m.modified());
            (modified.unwrap_or(UNIX_EPOCH), path)
        })
        .collect();
    marks.sort_by_key(|m| std::cmp::Reverse(m.0));
    for (_, path) in marks.into_iter().skip(MAX_SEARCHED_MARKS - 1) {
        let _ = fs::remove_file(path);
    }
}

/// Opens `path` for a command through `cache`, with `key` its stamp taken before anything read
/// it ([`Cache::key`]): a valid entry gives the issue (and entities, when `with_entities` and
/// the entry has them) without parsing; otherwise the file is parsed as [`Library::open`] does
/// and the entry written for next time. Errors are the file's, never the cache's.
pub fn open_library(
    cache: &Cache,
    path: &Path,
    key: Option<Key>,
    with_entities: bool,
) -> crate::Result<Library> {
    let name = path.display().to_string();
    if let Some(key) = &key
        && let Some((issue, entities)) = cache.library(key, with_entities)
    {
        let library = match entities {
            Some(entities) => Library::with_entities(&name, issue, entities),
            None if !with_entities => Library::without_entities(&name, issue),
            None => cache.with_found_entities(key, &name, issue),
        };
        return Ok(library);
    }
    let library = if with_entities {
        Library::open(path)?
    } else {
        Library::open_without_entities(path)?
    };
    if let Some(key) = &key {
        let _ = cache.store(
            key,
            &library.issue,
            with_entities.then_some(&library.entities),
        );
    }
    Ok(library)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Index;

    /// A page in the magazine's layout, on a subject of its own, numbered `n`.
    fn page(n: usize) -> String {
        format!(
            "\n{n}The Almanac  issue 9  June 2012\n\nSalt roads\nHow the caravans of Taoudenni \
             still carry slabs of salt across the desert, and who profits\n\nBy Aminata Diallo\n\n\
             trade\n\nThe caravans leave Taoudenni in the cool months. Each camel carries four \n\
             slabs, and the traders of Tombouctou buy them at a price set before the \nseason \
             opens. The Salt Traders Guild (STG) keeps the ledger.\n\nThe ledger\nEvery slab is \
             entered by weight, and the café owners of the market square \nsay the ÉTÉ prices \
             are the highest in memory.\n"
        )
    }

    struct Fixture {
        _dir: tempfile::TempDir,
        source: PathBuf,
        cache: Cache,
    }

    /// A source file of `pages` pages, dated `age` ago, and an empty cache beside it.
    fn fixture(pages: usize, age: Duration) -> Fixture {
        let dir = tempfile::tempdir().expect("temporary directory");
        let source = dir.path().join("pages.txt");
        let text: String = (1..=pages).map(page).collect();
        fs::write(&source, text).expect("source written");
        set_age(&source, age);
        let cache = Cache::at(dir.path().join("cache"));
        Fixture {
            _dir: dir,
            source,
            cache,
        }
    }

    fn set_age(path: &Path, age: Duration) {
        let file = File::options()
            .write(true)
            .open(path)
            .expect("source opens");
        file.set_modified(SystemTime::now() - age)
            .expect("modification time set");
    }

    const OLD: Duration = Duration::from_secs(60);

    fn entry(f: &Fixture) -> PathBuf {
        f.cache.key(&f.source).expect("key").entry
    }

    fn stored(f: &Fixture) -> Library {
        let library = Library::open(&f.source).expect("source parses");
        let key = f
            .cache
            .key(&f.source)
            .expect("the cache is on and the file exists");
        f.cache
            .store(&key, &library.issue, Some(&library.entities))
            .expect("entry written");
        assert!(entry(f).is_file());
        library
    }

    /// `(position, title, kind, text)` of every hit, the way `search` prints them.
    type Hit = (Position, String, Part, String);

    fn cached_hits(f: &Fixture, query: &str) -> Option<Vec<Hit>> {
        let key = f.cache.key(&f.source)?;
        let mut text = f.cache.text(&key)?;
        let mut hits = Vec::new();
        text.search(query, CaseMode::smart(query), None, |hit| {
            assert_eq!(hit.text_start, 0);
            hits.push((
                hit.position,
                hit.title.to_string(),
                hit.kind,
                hit.text.to_string(),
            ))
        })?;
        // Asked for the text around each hit only, the same hits come with parts of the same
        // texts, enough for a snippet.
        let mut text = f.cache.text(&key)?;
        let mut parts = Vec::new();
        text.search(query, CaseMode::smart(query), Some(CONTEXT), |hit| {
            parts.push((hit.position, hit.text_start, hit.text.to_string()))
        })?;
        assert_eq!(parts.len(), hits.len());
        for ((position, from, part), (same, _, _, whole)) in parts.iter().zip(&hits) {
            assert_eq!(position, same);
            assert_eq!(whole.get(*from..*from + part.len()), Some(part.as_str()));
            assert!(*from == 0 || position.start() - from >= CONTEXT);
            assert!(
                from + part.len() == whole.len() || from + part.len() - position.end() >= CONTEXT
            );
            let width = 70;
            assert_eq!(
                crate::search::snippet(part, position.start() - from, position.end() - from, width),
                crate::search::snippet(whole, position.start(), position.end(), width),
            );
        }
        Some(hits)
    }

    fn parsed_hits(library: &Library, query: &str) -> Vec<Hit> {
        Index::build(&library.issue)
            .search(&library.issue, query)
            .into_iter()
            .map(|p| {
                let article = &library.issue.articles[p.article()];
                let part = article.part_of(p.block).expect("a hit's part");
                let text = article.text_of(p.block).expect("a hit's text");
                (p, article.title.clone(), part, text.to_string())
            })
            .collect()
    }

    /// Enough bytes around a hit for a 70-column snippet (35 characters of up to 4 bytes).
    const CONTEXT: usize = 144;

    const QUERIES: &[&str] = &[
        "caravans",
        "Caravans",
        "salt",
        "SALT",
        "STG",
        "café",
        "été",
        "ÉTÉ",
        "the",
        "e",
        "price set",
        "price   set",
        "carries four slabs",
        "nowhere at all",
        "",
        "   ",
        ".",
    ];

    #[test]
    fn a_stored_entry_gives_back_the_library() {
        let f = fixture(40, OLD);
        let library = stored(&f);
        let key = f.cache.key(&f.source).expect("key");
        let (issue, entities) = f.cache.library(&key, true).expect("valid entry");
        assert_eq!(issue, library.issue);
        assert_eq!(entities.as_ref(), Some(&library.entities));
        assert!(!library.entities.list.is_empty());
        let (issue, entities) = f.cache.library(&key, false).expect("valid entry");
        assert_eq!(issue, library.issue);
        assert_eq!(entities, None);
    }

    #[test]
    fn cached_search_finds_what_the_parsed_issue_finds() {
        let f = fixture(2000, OLD);
        let library = stored(&f);
        // Several windows' worth of blob, so hits near window edges are covered.
        assert!(fs::metadata(entry(&f)).expect("entry").len() > 2 * WINDOW as u64);
        for query in QUERIES {
            let cached = cached_hits(&f, query).expect("valid entry");
            assert_eq!(cached, parsed_hits(&library, query), "query {query:?}");
        }
        let caravans = cached_hits(&f, "caravans").expect("valid entry");
        // Once in each page's text, and once in its standfirst.
        let in_headers = caravans.iter().filter(|(p, ..)| p.header().is_some());
        assert_eq!((caravans.len(), in_headers.count()), (4000, 2000));
    }

    #[test]
    fn line_breaks_inside_blocks_survive_and_read_as_spaces() {
        let f = fixture(1, OLD);
        let mut library = Library::open(&f.source).expect("parses");
        library.issue.articles[0].blocks[0].text = "the pro\nbono firm\nagain".into();
        let key = f.cache.key(&f.source).expect("key");
        f.cache.store(&key, &library.issue, None).expect("written");
        let (issue, _) = f.cache.library(&key, false).expect("valid entry");
        assert_eq!(issue, library.issue);
        let hits = cached_hits(&f, "pro bono").expect("valid entry");
        assert_eq!(hits, parsed_hits(&library, "pro bono"));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].3, "the pro\nbono firm\nagain");
    }

    #[test]
    fn the_real_files_in_tests_fixtures_search_the_same() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let cache = Cache::at(dir.path().join("cache"));
        for name in ["more-pages.txt", "other-pages.txt", "entity-pages.txt"] {
            let source = dir.path().join(name);
            fs::copy(Path::new("tests/fixtures").join(name), &source).expect("fixture copied");
            set_age(&source, OLD);
            let f = Fixture {
                _dir: tempfile::tempdir().expect("temporary directory"),
                source,
                cache: cache.clone(),
            };
            let library = stored(&f);
            let words: Vec<String> = library.issue.articles[0].blocks[0]
                .text
                .split_whitespace()
                .take(6)
                .map(str::to_string)
                .collect();
            for query in words
                .iter()
                .map(String::as_str)
                .chain(QUERIES.iter().copied())
            {
                assert_eq!(
                    cached_hits(&f, query).expect("valid entry"),
                    parsed_hits(&library, query),
                    "{name}: {query:?}"
                );
            }
        }
    }

    #[test]
    fn a_changed_or_touched_source_misses() {
        let f = fixture(3, OLD);
        stored(&f);
        assert!(
            f.cache
                .text(&f.cache.key(&f.source).expect("key"))
                .is_some()
        );

        // Touched: same bytes, another time.
        set_age(&f.source, Duration::from_secs(30));
        let key = f.cache.key(&f.source).expect("key");
        assert!(f.cache.text(&key).is_none());
        assert!(f.cache.library(&key, false).is_none());

        // Rewritten with the same length and time: the change time still differs on Unix, and
        // on every platform a different length or time does.
        stored(&f);
        let mut text = fs::read_to_string(&f.source).expect("source");
        text = text.replacen("camel", "horse", 1);
        fs::write(&f.source, text).expect("rewritten");
        set_age(&f.source, OLD);
        let key = f.cache.key(&f.source).expect("key");
        assert!(f.cache.library(&key, false).is_none());

        // Appended to.
        stored(&f);
        let mut file = File::options().append(true).open(&f.source).expect("opens");
        file.write_all(page(4).as_bytes()).expect("appended");
        drop(file);
        set_age(&f.source, OLD);
        let key = f.cache.key(&f.source).expect("key");
        assert!(f.cache.library(&key, false).is_none());
    }

    #[test]
    fn a_source_modified_just_now_gets_no_entry() {
        let f = fixture(2, Duration::ZERO);
        let library = Library::open(&f.source).expect("parses");
        let key = f.cache.key(&f.source).expect("key");
        f.cache
            .store(&key, &library.issue, None)
            .expect("nothing to fail");
        assert!(!entry(&f).exists());
    }

    #[test]
    fn a_source_changed_after_its_key_was_taken_gets_no_entry() {
        let f = fixture(2, OLD);
        let library = Library::open(&f.source).expect("parses");
        let key = f.cache.key(&f.source).expect("key");
        set_age(&f.source, Duration::from_secs(30));
        f.cache
            .store(&key, &library.issue, None)
            .expect("nothing to fail");
        assert!(!entry(&f).exists());
    }

    #[test]
    fn another_build_or_format_never_reads_an_entry() {
        let f = fixture(2, OLD);
        stored(&f);
        let mut key = f.cache.key(&f.source).expect("key");
        key.identity.build.modified += 1;
        assert!(f.cache.library(&key, false).is_none());
        let mut key = f.cache.key(&f.source).expect("key");
        key.identity.format += 1;
        assert!(f.cache.text(&key).is_none());
    }

    /// Every way an entry can be damaged is a miss, never a panic or a wrong answer.
    #[test]
    fn damaged_entries_are_misses() {
        let f = fixture(20, OLD);
        let library = stored(&f);
        let path = entry(&f);
        let good = fs::read(&path).expect("entry");
        let key = f.cache.key(&f.source).expect("key");
        let right = parsed_hits(&library, "caravans");
        let check = |bytes: &[u8], what: &str| {
            fs::write(&path, bytes).expect("entry replaced");
            assert!(f.cache.library(&key, true).is_none(), "{what}: library");
            // Search reads only its own section, so damage elsewhere may leave it right.
            let hits = cached_hits(&f, "caravans");
            assert!(
                hits.is_none() || hits == Some(right.clone()),
                "{what}: search"
            );
        };
        check(&[], "empty");
        check(&good[..good.len() / 2], "truncated");
        check(&good[..good.len() - 1], "one byte short");
        check(&[good.as_slice(), b"x"].concat(), "one byte long");
        check(&vec![0u8; good.len()], "zeroed");
        check(b"not an entry at all", "garbage");
        // A flipped byte anywhere after the header: in the table, the titles, the blob or the
        // library section.
        for at in [
            good.len() / 4,
            good.len() / 2,
            good.len() * 3 / 4,
            good.len() - 3,
        ] {
            let mut bad = good.clone();
            bad[at] ^= 0x20;
            check(&bad, &format!("byte {at} flipped"));
        }
        // Damage inside the search section itself is always found out.
        for at in [good.len() / 4, good.len() / 2] {
            let mut bad = good.clone();
            bad[at] ^= 0x20;
            fs::write(&path, &bad).expect("entry replaced");
            assert!(cached_hits(&f, "caravans").is_none(), "byte {at} flipped");
        }
        fs::write(&path, &good[..good.len() - 1]).expect("entry replaced");
        assert!(cached_hits(&f, "caravans").is_none(), "one byte short");
        // Put back, it works again, and replacing a damaged entry works.
        fs::write(&path, &good).expect("entry restored");
        assert!(cached_hits(&f, "caravans").is_some());
        fs::write(&path, b"junk").expect("entry damaged");
        f.cache
            .store(&key, &library.issue, None)
            .expect("entry replaced");
        assert!(cached_hits(&f, "caravans").is_some());
    }

    /// Where the blob lies in `f`'s entry.
    fn blob_range(f: &Fixture) -> Range<usize> {
        let key = f.cache.key(&f.source).expect("key");
        read_entry(&key).expect("valid entry").dir.blob
    }

    /// An entry whose CRCs are right but whose text the parser could never have written (one
    /// written to deceive) is a miss, so escape sequences in it never reach the output; the
    /// source is parsed instead.
    #[test]
    fn an_entry_holding_text_no_parse_gives_is_a_miss() {
        let f = fixture(12, OLD);
        let library = stored(&f);
        let key = f.cache.key(&f.source).expect("key");
        let right = parsed_hits(&library, "caravans");
        assert_eq!(cached_hits(&f, "caravans"), Some(right.clone()));
        let forge = |change: &dyn Fn(&mut Issue, &mut Entities)| {
            let (mut issue, mut entities) = (library.issue.clone(), library.entities.clone());
            change(&mut issue, &mut entities);
            f.cache
                .store(&key, &issue, Some(&entities))
                .expect("entry written");
        };
        let in_block = |issue: &mut Issue, _: &mut Entities| {
            issue.articles[3].blocks[1].text =
                "The caravans \u{1b}[2J\u{1b}]52;c;eA==\u{7} go".into();
        };
        let in_title = |issue: &mut Issue, _: &mut Entities| {
            issue.articles[5].title.push_str("\u{202e}kcatta");
        };
        let in_entity = |_: &mut Issue, entities: &mut Entities| {
            entities.list[0].aliases.push("\u{9b}31m".into());
        };
        for (what, change) in [
            ("a block", &in_block as &dyn Fn(&mut Issue, &mut Entities)),
            ("a title", &in_title),
            ("an entity", &in_entity),
        ] {
            forge(change);
            assert!(f.cache.library(&key, true).is_none(), "{what}: library");
            if what != "an entity" {
                assert_eq!(cached_hits(&f, "caravans"), None, "{what}: search");
            }
            // Opening goes back to the source and prints what it holds.
            let opened =
                open_library(&f.cache, &f.source, f.cache.key(&f.source), true).expect("opens");
            assert_eq!(opened.issue, library.issue, "{what}");
        }
        // Entities are not read by `search`: a forged alias leaves its hits as they were.
        forge(&in_entity);
        assert_eq!(cached_hits(&f, "caravans"), Some(right));
    }

    /// The library is read from a blob streamed a window at a time: the same issue comes back
    /// from an entry many windows long, and damage in its last block, read last, still makes
    /// the whole entry a miss rather than a shorter or altered issue.
    #[test]
    fn a_blob_damaged_in_its_last_block_is_a_miss() {
        let f = fixture(2000, OLD);
        let library = stored(&f);
        let path = entry(&f);
        let good = fs::read(&path).expect("entry");
        let blob = blob_range(&f);
        assert!(blob.len() > 2 * WINDOW);
        let key = f.cache.key(&f.source).expect("key");
        let (issue, entities) = f.cache.library(&key, true).expect("valid entry");
        assert_eq!(issue, library.issue);
        assert_eq!(entities.as_ref(), Some(&library.entities));

        let last = library
            .issue
            .articles
            .last()
            .and_then(|a| a.blocks.last())
            .expect("a last block");
        let last_start = blob.end - 1 - last.text.len();
        assert_eq!(
            &good[last_start..blob.end - 1],
            last.text.replace('\n', " ").as_bytes()
        );
        let letter = (last_start..blob.end - 1)
            .find(|&i| good[i].is_ascii_alphabetic())
            .expect("a letter in the last block");
        let mut damaged = Vec::new();
        // Still UTF-8 and in place: only the CRC can tell.
        let mut bad = good.clone();
        bad[letter] ^= 0x20;
        damaged.push((bad, "a letter's case"));
        // Not UTF-8 any more.
        let mut bad = good.clone();
        bad[letter] = 0xFF;
        damaged.push((bad, "an invalid byte"));
        // The last separator gone: the block would run into the library section.
        let mut bad = good.clone();
        bad[blob.end - 1] = b' ';
        damaged.push((bad, "the last separator"));
        for (bad, what) in damaged {
            fs::write(&path, &bad).expect("entry replaced");
            assert!(f.cache.library(&key, true).is_none(), "{what}");
            assert!(f.cache.library(&key, false).is_none(), "{what}");
            assert!(cached_hits(&f, "caravans").is_none(), "{what}: search");
            let opened =
                open_library(&f.cache, &f.source, f.cache.key(&f.source), false).expect("parses");
            assert_eq!(
                opened.issue, library.issue,
                "{what}: opened without the entry"
            );
        }
    }

    /// A block longer than the window the blob is read through comes back whole.
    #[test]
    fn a_block_longer_than_the_window_survives() {
        let f = fixture(3, OLD);
        let mut library = Library::open(&f.source).expect("parses");
        let mut long: String = (0..WINDOW / 3)
            .map(|i| {
                if i % 7 == 6 {
                    "ledger\n"
                } else {
                    "salt café "
                }
            })
            .collect();
        long.push_str("the closing\nentry");
        assert!(long.len() > 2 * WINDOW);
        library.issue.articles[1].blocks[0].text = long;
        let key = f.cache.key(&f.source).expect("key");
        f.cache.store(&key, &library.issue, None).expect("written");
        let (issue, _) = f.cache.library(&key, false).expect("valid entry");
        assert_eq!(issue, library.issue);
        // One hit: every hit would copy the whole block.
        let hits = cached_hits(&f, "closing entry").expect("valid entry");
        assert_eq!(hits, parsed_hits(&library, "closing entry"));
        assert_eq!(hits.len(), 1);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn no_damage_panics(cut in 0usize..4000, at in 0usize..4000, byte: u8) {
            let f = fixture(2, OLD);
            stored(&f);
            let path = entry(&f);
            let mut bytes = fs::read(&path).expect("entry");
            if at < bytes.len() {
                bytes[at] = byte;
            }
            bytes.truncate(bytes.len().saturating_sub(cut % 3 * cut));
            fs::write(&path, &bytes).expect("entry replaced");
            let key = f.cache.key(&f.source).expect("key");
            let _ = f.cache.library(&key, true);
            let _ = cached_hits(&f, "caravans");
        }
    }

    #[test]
    fn an_unwritable_cache_is_no_error_for_opening() {
        let f = fixture(2, OLD);
        // A file where the directory should be: nothing can be created under it.
        let blocker = f.source.with_file_name("blocker");
        fs::write(&blocker, "").expect("blocker written");
        let cache = Cache::at(blocker.join("cache"));
        let library = open_library(&cache, &f.source, cache.key(&f.source), true)
            .expect("opens without the cache");
        assert_eq!(
            library.issue,
            Library::open(&f.source).expect("parses").issue
        );
        let key = cache.key(&f.source).expect("key");
        assert!(cache.store(&key, &library.issue, None).is_err());
    }

    #[test]
    fn open_library_writes_then_uses_the_entry() {
        let f = fixture(5, OLD);
        let first =
            open_library(&f.cache, &f.source, f.cache.key(&f.source), false).expect("opens");
        let key = f.cache.key(&f.source).expect("key");
        let (_, entities) = f.cache.library(&key, true).expect("entry written");
        assert_eq!(entities, None);
        // Asked for entities, they are found and the entry rewritten with them.
        let full = open_library(&f.cache, &f.source, f.cache.key(&f.source), true).expect("opens");
        assert_eq!(full.issue, first.issue);
        assert_eq!(
            full.entities,
            Library::open(&f.source).expect("parses").entities
        );
        let (_, entities) = f.cache.library(&key, true).expect("entry rewritten");
        assert_eq!(entities.as_ref(), Some(&full.entities));
        let again = open_library(&f.cache, &f.source, f.cache.key(&f.source), true).expect("opens");
        assert_eq!(again.entities, full.entities);
        assert_eq!(again.search("salt"), full.search("salt"));
    }

    #[test]
    fn a_disabled_cache_reads_and_writes_nothing() {
        let f = fixture(2, OLD);
        let off = Cache::disabled();
        assert!(off.key(&f.source).is_none());
        open_library(&off, &f.source, off.key(&f.source), false).expect("opens");
        assert!(!f.cache.dir().expect("dir").exists());
    }

    /// A cache in a directory of its own, with numbered one-page sources beside it.
    struct Sources {
        dir: tempfile::TempDir,
        cache: Cache,
        library: Library,
    }

    impl Sources {
        fn new() -> Self {
            let dir = tempfile::tempdir().expect("temporary directory");
            let cache = Cache::at(dir.path().join("cache"));
            let f = fixture(1, OLD);
            let library = Library::open(&f.source).expect("parses");
            Self {
                dir,
                cache,
                library,
            }
        }

        /// The key of source `i`, written (and dated back) the first time it is asked for.
        fn key(&self, i: usize) -> Key {
            let source = self.dir.path().join(format!("source-{i}.txt"));
            if !source.exists() {
                fs::write(&source, page(1)).expect("source written");
                set_age(&source, OLD);
            }
            self.cache.key(&source).expect("key")
        }

        fn store(&self, i: usize) -> Key {
            let key = self.key(i);
            self.cache
                .store(&key, &self.library.issue, None)
                .expect("written");
            key
        }
    }

    #[test]
    fn the_directory_is_kept_within_its_limits() {
        let sources = Sources::new();
        for i in 0..MAX_ENTRIES + 5 {
            sources.store(i);
        }
        let entries = fs::read_dir(sources.cache.dir().expect("dir"))
            .expect("listing")
            .count();
        assert_eq!(entries, MAX_ENTRIES);
        // The newest is among them.
        assert!(sources.key(MAX_ENTRIES + 4).entry.is_file());
    }

    #[test]
    fn a_file_gets_an_entry_from_its_second_search_on() {
        let sources = Sources::new();
        let key = sources.key(0);
        assert!(sources.cache.first_search(&key));
        assert!(key.searched_mark().is_file());
        assert!(!sources.cache.first_search(&key), "the mark says it was");
        sources.store(0);
        assert!(!key.searched_mark().exists(), "the entry replaces the mark");
        assert!(!sources.cache.first_search(&key), "the entry says it was");
        // An outdated entry still says the file has been read before.
        fs::write(sources.dir.path().join("source-0.txt"), page(2)).expect("source changed");
        let changed = sources.key(0);
        assert!(sources.cache.text(&changed).is_none());
        assert!(!sources.cache.first_search(&changed));
        // Without a directory for the mark, every search is a first one.
        let blocker = sources.dir.path().join("blocker");
        fs::write(&blocker, "").expect("blocker written");
        sources.key(1);
        let blocked = Cache::at(blocker.join("cache"));
        let key = blocked
            .key(&sources.dir.path().join("source-1.txt"))
            .expect("key");
        assert!(blocked.first_search(&key));
        assert!(blocked.first_search(&key));
    }

    #[test]
    fn only_the_newest_marks_of_searches_are_kept() {
        let sources = Sources::new();
        let extra = 3;
        for i in 0..MAX_SEARCHED_MARKS + extra {
            let key = sources.key(i);
            assert!(sources.cache.first_search(&key));
            set_age(
                &key.searched_mark(),
                Duration::from_secs(60 * (MAX_SEARCHED_MARKS + extra - i) as u64),
            );
        }
        let marks = fs::read_dir(sources.cache.dir().expect("dir"))
            .expect("listing")
            .count();
        assert_eq!(marks, MAX_SEARCHED_MARKS);
        for i in 0..extra {
            assert!(
                !sources.key(i).searched_mark().exists(),
                "mark {i} is the oldest"
            );
        }
        assert!(sources.key(extra).searched_mark().is_file());
        assert!(
            sources
                .key(MAX_SEARCHED_MARKS + extra - 1)
                .searched_mark()
                .is_file()
        );
    }

    /// Eviction goes by last use: an entry read since outlives one written after it.
    #[test]
    fn entries_read_recently_are_kept_over_entries_written_recently() {
        let sources = Sources::new();
        // Full, written one after another, each a minute older than the next.
        for i in 0..MAX_ENTRIES {
            let key = sources.store(i);
            set_age(
                &key.entry,
                Duration::from_secs(60 * (MAX_ENTRIES - i) as u64),
            );
        }
        // The first written is read now; then two more are written.
        assert!(sources.cache.library(&sources.key(0), false).is_some());
        sources.store(MAX_ENTRIES);
        sources.store(MAX_ENTRIES + 1);
        assert!(sources.key(0).entry.is_file(), "the entry just read stays");
        assert!(
            !sources.key(1).entry.is_file(),
            "the least recently used goes"
        );
        assert!(!sources.key(2).entry.is_file());
        assert!(sources.key(3).entry.is_file());
    }
}
