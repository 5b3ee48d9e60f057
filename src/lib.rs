//! broker-reader: a terminal reader for *The Broker*, issue 1 (April 2007).
//!
//! Data flows one way: bytes ([`source`]) → clean text → parsed [`model::Issue`] ([`parse`])
//! → [`entities`] and a [`search`] index, gathered in a [`Library`] that the command line
//! ([`cli`]) and the terminal reader ([`tui`]) only read. The domain modules live in the
//! `broker-core` crate, which has no terminal crates among its dependencies, and are
//! re-exported here under their own names.

#![forbid(unsafe_code)]

pub mod cache;
pub mod cli;
pub mod config;
pub mod load;
pub mod store;
pub mod tui;

pub use broker_core::{entities, error, lexicon, model, parse, search, source};

use std::path::Path;

use serde::{Deserialize, Serialize};

pub use error::{Error, Result};

use entities::{Entities, Entity};
use model::Issue;

/// The issue this reader ships with, byte for byte as extracted; repaired in code.
pub const EMBEDDED_ISSUE: &str = include_str!("../assets/the-broker-issue-1.txt");

/// [`EMBEDDED_ISSUE`] parsed, with its entities, by build.rs with this same code: a postcard
/// encoding of `(Issue, Entities)`.
const EMBEDDED_PARSED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/embedded.postcard"));

/// Name shown for the embedded issue where a file name would be.
pub const EMBEDDED_NAME: &str = "the-broker-issue-1.txt (embedded)";

/// An issue with everything derived from it, built once and then only read.
#[derive(Debug, Clone)]
pub struct Library {
    /// Where the issue came from, for messages and saved state.
    pub source_name: String,
    pub issue: Issue,
    pub entities: Entities,
    pub index: search::Index,
}

/// The JSON document written by `export --format json` and read back by `--file`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Export {
    #[serde(flatten)]
    pub issue: Issue,
    #[serde(default)]
    pub entities: Vec<Entity>,
}

impl Library {
    /// The embedded issue, with its entities: decoded from the copy the build parsed, which
    /// takes microseconds where parsing and finding entities take milliseconds (most of it
    /// compiling patterns and building the gazetteer's automaton).
    pub fn embedded() -> Result<Self> {
        match Self::decode_parsed(EMBEDDED_PARSED) {
            Some(library) => Ok(library),
            // Only a broken build gets here; the text is in the binary too, so parse it.
            None => Self::from_text(EMBEDDED_NAME, EMBEDDED_ISSUE),
        }
    }

    /// The embedded issue from bytes written by build.rs, or `None` if they do not decode
    /// exactly (bytes left over mean the two ends disagree on the layout).
    fn decode_parsed(bytes: &[u8]) -> Option<Self> {
        let ((issue, entities), rest): ((Issue, Entities), _) =
            postcard::take_from_bytes(bytes).ok()?;
        if !rest.is_empty() {
            return None;
        }
        Some(Self::with_entities(EMBEDDED_NAME, issue, entities))
    }

    /// An issue that can be read and searched while (or instead of) finding its entities.
    pub fn without_entities(name: &str, issue: Issue) -> Self {
        Self::with_entities(name, issue, Entities::default())
    }

    /// An issue with entities already found (by the build, or read from the cache): only the
    /// search index is left to build.
    pub fn with_entities(name: &str, issue: Issue, entities: Entities) -> Self {
        let index = search::Index::build(&issue);
        Self {
            source_name: name.to_string(),
            issue,
            entities,
            index,
        }
    }

    /// Parses text already decoded; `name` is used in errors.
    pub fn from_text(name: &str, text: &str) -> Result<Self> {
        let text = source::sanitize(text);
        let issue = parse::parse(&text).map_err(|_| Error::NoPages { path: name.into() })?;
        Ok(Self::from_issue(name, issue))
    }

    /// Derives entities and the search index from an issue.
    pub fn from_issue(name: &str, issue: Issue) -> Self {
        let entities = entities::extract(&issue);
        Self::with_entities(name, issue, entities)
    }

    /// Every match of `query` in reading order, smart case (see [`search::CaseMode::smart`]).
    pub fn search(&self, query: &str) -> Vec<model::Position> {
        self.index.search(&self.issue, query)
    }

    /// Every match of `query` in reading order, with the given case rule.
    pub fn search_with(&self, query: &str, case: search::CaseMode) -> Vec<model::Position> {
        self.index.search_with(&self.issue, query, case)
    }

    /// Opens a file: a JSON export, or extracted text in any supported encoding.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_with(path, true)
    }

    /// [`Library::open`] for commands that never look at entities (`search`): on a large
    /// file, finding them is as much work as parsing, and their working set dominates memory.
    pub fn open_without_entities(path: &Path) -> Result<Self> {
        Self::open_with(path, false)
    }

    fn open_with(path: &Path, with_entities: bool) -> Result<Self> {
        let name = path.display().to_string();
        // A large file read from disk a few pages at a time never needs its text whole.
        let issue = match parse::stream::each_page_in_file(path, |_, articles| articles) {
            Some((issue, by_page)) => parse::gather(issue, by_page),
            None => {
                let bytes = source::read_file(path)?;
                if source::looks_like_json(&bytes) {
                    return Self::from_json(path, &bytes);
                }
                let text = source::decode_owned(bytes);
                // The text is given up page by page as the issue is built: holding both whole
                // would nearly double peak memory.
                parse::parse_owned(text).map_err(|_| Error::NoPages {
                    path: path.to_path_buf(),
                })?
            }
        };
        if !with_entities {
            return Ok(Self::without_entities(&name, issue));
        }
        Ok(Self::from_issue(&name, issue))
    }

    fn from_json(path: &Path, bytes: &[u8]) -> Result<Self> {
        let export: Export = serde_json::from_slice(bytes).map_err(|e| Error::BadExport {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let issue = clean_imported(export.issue);
        if issue.articles.is_empty() {
            return Err(Error::BadExport {
                path: path.to_path_buf(),
                message: "it holds no articles".into(),
            });
        }
        Ok(Self::from_issue(&path.display().to_string(), issue))
    }

    /// The document `export --format json` writes, borrowed: writing a 9 MB archive's export
    /// should not first copy the whole issue.
    pub fn export(&self) -> ExportRef<'_> {
        ExportRef {
            issue: &self.issue,
            entities: &self.entities.list,
        }
    }
}

/// Reads a text file page by page without building its issue: each page's articles go to
/// `keep` as soon as they are read (see [`parse::each_page`]), and only what it makes of them
/// is returned, in page order. A large file is read from disk a few pages at a time (see
/// [`parse::stream`]). `None` for a JSON export, which holds a whole issue and is opened with
/// [`Library::open`].
pub fn each_page_of_file<T: Send>(
    path: &Path,
    keep: impl Fn(usize, Vec<model::Article>) -> T + Sync,
) -> Result<Option<(Issue, Vec<T>)>> {
    if let Some(pages) = parse::stream::each_page_in_file(path, &keep) {
        return Ok(Some(pages));
    }
    let bytes = source::read_file(path)?;
    if source::looks_like_json(&bytes) {
        return Ok(None);
    }
    let text = source::decode_owned(bytes);
    let pages = parse::each_page(&text, keep).map_err(|_| Error::NoPages {
        path: path.to_path_buf(),
    })?;
    Ok(Some(pages))
}

/// [`Export`] borrowed from a [`Library`], for writing; it serialises to the same JSON.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ExportRef<'a> {
    #[serde(flatten)]
    pub issue: &'a Issue,
    pub entities: &'a [Entity],
}

/// A JSON file is as untrusted as any text: sanitise every string, renumber articles and drop
/// empty blocks so the rest of the program can rely on the same invariants as for parsed text.
fn clean_imported(mut issue: Issue) -> Issue {
    let clean = |s: &mut String| {
        let cleaned = source::sanitize(s);
        let one_line = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
        *s = one_line;
    };
    clean(&mut issue.magazine);
    if let Some(date) = issue.date.as_mut() {
        clean(date);
    }
    for (i, article) in issue.articles.iter_mut().enumerate() {
        article.id = i + 1;
        clean(&mut article.section);
        clean(&mut article.title);
        if let Some(s) = article.standfirst.as_mut() {
            clean(s);
        }
        article.authors.iter_mut().for_each(clean);
        for block in &mut article.blocks {
            clean(&mut block.text);
        }
        article.blocks.retain(|b| !b.text.is_empty());
    }
    issue
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_embedded_issue_is_what_the_code_parses_today() {
        let shipped = Library::decode_parsed(EMBEDDED_PARSED).expect("the build's copy decodes");
        let fresh = Library::from_text(EMBEDDED_NAME, EMBEDDED_ISSUE).expect("it parses");
        assert_eq!(shipped.issue, fresh.issue);
        assert_eq!(shipped.entities, fresh.entities);
        assert_eq!(shipped.source_name, fresh.source_name);
        assert!(!shipped.entities.list.is_empty());
        assert_eq!(shipped.search("broker"), fresh.search("broker"));
    }

    #[test]
    fn the_borrowed_export_writes_what_the_export_reads() {
        let library = Library::embedded().expect("embedded issue");
        let json = serde_json::to_string(&library.export()).expect("serialises");
        let back: Export = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back.issue, library.issue);
        assert_eq!(back.entities, library.entities.list);
        let owned = Export {
            issue: library.issue.clone(),
            entities: library.entities.list.clone(),
        };
        assert_eq!(serde_json::to_string(&owned).expect("serialises"), json);
    }

    #[test]
    fn a_damaged_shipped_copy_is_refused_not_trusted() {
        let bytes = EMBEDDED_PARSED;
        for cut in [0, 1, bytes.len() / 2, bytes.len() - 1] {
            assert!(
                Library::decode_parsed(&bytes[..cut]).is_none(),
                "cut at {cut}"
            );
        }
        let mut longer = bytes.to_vec();
        longer.push(0);
        assert!(Library::decode_parsed(&longer).is_none());
        let other = postcard::to_allocvec(&("a title", 3_u32)).expect("encodes");
        assert!(Library::decode_parsed(&other).is_none());
    }

    /// Panics unwind, running destructors, through whichever unwinder `build.rs` linked (this
    /// test binary is linked like the reader's): the reader saves the reading state after its
    /// input thread panics.
    #[test]
    fn panics_unwind_through_the_linked_unwinder() {
        struct SetOnDrop<'a>(&'a std::cell::Cell<bool>);
        impl Drop for SetOnDrop<'_> {
            fn drop(&mut self) {
                self.0.set(true);
            }
        }
        let dropped = std::cell::Cell::new(false);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _guard = SetOnDrop(&dropped);
            // Unwinds without the panic hook's message.
            std::panic::resume_unwind(Box::new("unwinding"));
        }));
        assert!(caught.is_err(), "the panic reached catch_unwind");
        assert!(dropped.get(), "destructors ran on the way");
        // And across a thread, as the reader's input thread does.
        let joined = std::thread::spawn(|| std::panic::resume_unwind(Box::new(0_u8))).join();
        assert!(joined.is_err());
    }
}
