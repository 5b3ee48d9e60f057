//! A large file read page by page straight from disk, never whole in memory: what a command
//! opening a file without a cache entry needs (a first search keeps nothing but its hits),
//! where holding the text beside the issue costs more than reading it twice.
//!
//! Two passes, each shared by two threads that take parts of the file in turn and read them
//! with their own handles into small buffers of their own, reused, so the text never costs
//! fresh memory, which the system must clear page by page. The first pass checks that the
//! text is clean UTF-8 (see [`source::is_clean`]), finds the page headers and gathers the
//! repairs' evidence; the second reads the pages, a run of them at a time, and hands each
//! page's articles over. The result is what [`super::each_page`] gives on the decoded text;
//! any other file (not UTF-8, needing cleaning, a JSON export, without pages, changed between
//! the passes, or unreadable) gets `None`, and is read whole, where its errors are reported.

use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Header, Pages, repair};
use crate::model::{Article, Issue};
use crate::source::{self, Stamp};
use crate::two_threads;

/// How the file is cut up. Tests make every size small, so that every boundary is crossed
/// often.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    /// Files shorter than this are read whole: cheaper, and the threads would not pay.
    smallest: usize,
    /// Bytes the first pass takes at a time: enough parts for the two threads to share them
    /// evenly whenever one starts late or is held up.
    part: usize,
    /// Bytes a thread reads at a time in the first pass: well inside a core's own cache.
    window: usize,
    /// Pages starting within this many bytes of a run's first page are read with it, so that
    /// short pages take one read between them.
    run: usize,
}

const SIZES: Sizes = Sizes {
    smallest: two_threads::FROM_BYTES,
    part: 512 * 1024,
    window: 128 * 1024,
    run: 64 * 1024,
};

/// [`super::each_page`] on the file at `path`, read as described in the module documentation;
/// `None` for a file under [`two_threads::FROM_BYTES`] (whole is cheaper), or when the file is
/// not one this way can read.
pub fn each_page_in_file<T: Send>(
    path: &Path,
    keep: impl Fn(usize, Vec<Article>) -> T + Sync,
) -> Option<(Issue, Vec<T>)> {
    read_in_parts(path, SIZES, keep)
}

fn read_in_parts<T: Send>(
    path: &Path,
    sizes: Sizes,
    keep: impl Fn(usize, Vec<Article>) -> T + Sync,
) -> Option<(Issue, Vec<T>)> {
    let before = stamp(path)?;
    if before.len < sizes.smallest as u64 || before.len > source::MAX_INPUT_BYTES {
        return None;
    }
    let len = usize::try_from(before.len).ok()?;
    let parts = parts(path, len, sizes.part)?;
    let next = AtomicUsize::new(0);
    let survey_parts = || -> io::Result<Option<Vec<(usize, Survey)>>> {
        let mut file = File::open(path)?;
        let mut window = vec![0; sizes.window];
        let mut done = Vec::new();
        loop {
            let p = next.fetch_add(1, Ordering::Relaxed);
            let Some(&part) = parts.get(p) else {
                return Ok(Some(done));
            };
            let Some(survey) = survey(&mut file, &mut window, part, p == 0)? else {
                give_up(&next);
                return Ok(None);
            };
            done.push((p, survey));
        }
    };
    let (theirs, mine) = two_threads::both(survey_parts, survey_parts);
    let mut surveys = theirs.ok()??;
    surveys.extend(mine.ok()??);
    surveys.sort_unstable_by_key(|&(p, _)| p);
    let mut headers = Vec::new();
    let mut evidence = repair::Evidence::default();
    for (_, survey) in surveys {
        headers.extend(survey.headers);
        evidence = evidence.union(survey.evidence);
    }
    let pages = Pages::from_headers(headers).ok()?;
    let runs = page_runs(&pages, sizes.run);
    let evidence = &evidence;
    let next = AtomicUsize::new(0);
    let (keep, next, pages, runs) = (&keep, &next, &pages, runs.as_slice());
    let read = || read_pages(path, len, (pages, runs), evidence, next, keep);
    let (theirs, mine) = two_threads::both(read, read);
    let mut kept: Vec<(usize, T)> = theirs.ok()??;
    kept.extend(mine.ok()??);
    // A file changed while it was read could mix two versions; it is read whole instead.
    if stamp(path)? != before || kept.len() != pages.len() {
        return None;
    }
    kept.sort_unstable_by_key(|&(n, _)| n);
    Some((
        pages.issue(),
        kept.into_iter().map(|(_, page)| page).collect(),
    ))
}

/// The stamp of the regular file at `path`: what tells that it changed while it was read.
fn stamp(path: &Path) -> Option<Stamp> {
    let meta = fs::metadata(path).ok()?;
    meta.is_file().then(|| Stamp::of(&meta)).flatten()
}

/// The file cut in parts of about `part` bytes for the first pass, each starting at the
/// start of a line (no header or word runs across a line break).
fn parts(path: &Path, len: usize, part: usize) -> Option<Vec<(usize, usize)>> {
    let mut file = File::open(path).ok()?;
    let mut starts = vec![0];
    let mut at = part.max(1);
    while at < len {
        let start = line_start_after(&mut file, at)?;
        if start >= len {
            break;
        }
        starts.push(start);
        at = start + part.max(1);
    }
    let ends = starts.iter().skip(1).copied().chain([len]);
    Some(starts.iter().copied().zip(ends).collect())
}

/// The offset of the first line of `file` that starts at or after `at` (at least 1); the end
/// of the file when none does.
fn line_start_after(file: &mut File, at: usize) -> Option<usize> {
    let mut offset = at.checked_sub(1)?;
    file.seek(SeekFrom::Start(u64::try_from(offset).ok()?))
        .ok()?;
    let mut buf = [0; 4096];
    loop {
        let got = file.read(&mut buf).ok()?;
        if got == 0 {
            return Some(offset);
        }
        if let Some(i) = memchr::memchr(b'\n', &buf[..got]) {
            return Some(offset + i + 1);
        }
        offset += got;
    }
}

/// What the first pass finds in part of a file.
struct Survey {
    headers: Vec<(usize, usize, Header)>,
    evidence: repair::Evidence,
}

/// Surveys bytes `from..to` of `file`, `from` at the start of a line, reading through
/// `window`; `Ok(None)` when they are not clean UTF-8, or (with `opens`, for the part the
/// file starts with) when the file is a JSON export.
fn survey(
    file: &mut File,
    window: &mut Vec<u8>,
    (from, to): (usize, usize),
    opens: bool,
) -> io::Result<Option<Survey>> {
    let mut survey = Survey {
        headers: Vec::new(),
        evidence: repair::Evidence::default(),
    };
    file.seek(SeekFrom::Start(from as u64))?;
    let mut input = file.take((to - from) as u64);
    let (mut filled, mut base) = (0, from);
    let mut opening_seen = !opens;
    loop {
        let got = input.read(&mut window[filled..])?;
        filled += got;
        // Whole lines only, but for the last piece of the part.
        let lines_end = if got == 0 {
            filled
        } else if let Some(i) = memchr::memrchr(b'\n', &window[..filled]) {
            i + 1
        } else {
            if filled == window.len() {
                // A line longer than the window.
                window.resize(window.len() * 2, 0);
            }
            continue;
        };
        let Ok(text) = simdutf8::basic::from_utf8(&window[..lines_end]) else {
            return Ok(None);
        };
        if !source::is_clean(text) {
            return Ok(None);
        }
        if !opening_seen {
            if source::looks_like_json(text.as_bytes()) {
                return Ok(None);
            }
            opening_seen = !text.trim_ascii_start().is_empty();
        }
        Pages::find_in(text, base, &mut survey.headers);
        survey.evidence.add_text(text);
        window.copy_within(lines_end..filled, 0);
        filled -= lines_end;
        base += lines_end;
        if got == 0 {
            break;
        }
    }
    Ok((base == to).then_some(survey))
}

/// The second pass on one thread: takes `runs` of pages from `next` until none are left,
/// reads each run's text and hands its pages' articles to `keep`. `Ok(None)` when a page's
/// text is no longer what the first pass saw.
fn read_pages<T>(
    path: &Path,
    len: usize,
    (pages, runs): (&Pages, &[(usize, usize)]),
    evidence: &repair::Evidence,
    next: &AtomicUsize,
    keep: &(impl Fn(usize, Vec<Article>) -> T + Sync),
) -> io::Result<Option<Vec<(usize, T)>>> {
    let mut file = File::open(path)?;
    let mut buf = Vec::new();
    let mut done = Vec::new();
    loop {
        let r = next.fetch_add(1, Ordering::Relaxed);
        let Some(&(first, last)) = runs.get(r) else {
            return Ok(Some(done));
        };
        let start = pages.text_start(first);
        let end = pages.text_end(last, len);
        buf.resize(end - start, 0);
        file.seek(SeekFrom::Start(start as u64))?;
        file.read_exact(&mut buf)?;
        let mut lines: Vec<&str> = Vec::with_capacity(256);
        for n in first..=last {
            let page = buf.get(pages.text_start(n) - start..pages.text_end(n, len) - start);
            let Some(Ok(page)) = page.map(simdutf8::basic::from_utf8) else {
                give_up(next);
                return Ok(None);
            };
            done.push((
                n,
                keep(n, pages.page_articles(n, page, evidence, &mut lines)),
            ));
        }
    }
}

/// Leaves no more work in `next` for the other thread: the file is to be read whole anyway.
fn give_up(next: &AtomicUsize) {
    next.store(usize::MAX / 2, Ordering::Relaxed);
}

/// The pages grouped in runs, `(first, last)`: each run ends at the last page that starts
/// within `run` bytes of its first page's text.
fn page_runs(pages: &Pages, run: usize) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut first = 0;
    while first < pages.len() {
        let limit = pages.text_start(first) + run;
        let mut last = first;
        while last + 1 < pages.len() && pages.text_start(last + 1) < limit {
            last += 1;
        }
        runs.push((first, last));
        first = last + 1;
    }
    runs
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;
    use crate::parse::{each_page, header};

    /// The test fixture's pages again and again, renumbered as a long run of the magazine
    /// would be, to over `size` bytes; one page has a line longer than a window.
    fn large_text(size: usize) -> String {
        let pages = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/other-pages.txt"
        ));
        let mut text = String::from("Front matter before the first page\n");
        let mut n = 0;
        while text.len() <= size {
            for line in pages.lines() {
                match header(line) {
                    Some(h) => {
                        n += 1;
                        text.push_str(&format!("{n}{}  issue 1  {}\n", h.magazine, h.date));
                        if n == 7 {
                            text.push_str(&"a long line of words ".repeat(SIZES.window / 10));
                            text.push('\n');
                        }
                    }
                    None => {
                        text.push_str(line);
                        text.push('\n');
                    }
                }
            }
        }
        text
    }

    fn file_of(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().expect("temporary file");
        file.write_all(bytes).expect("written");
        file
    }

    #[test]
    fn a_large_file_read_from_disk_gives_what_its_text_gives() {
        let text = large_text(3 << 20);
        let keep = |n, articles: Vec<Article>| (n, articles);
        let whole = each_page(&text, keep).expect("parses");
        assert!(whole.1.len() > 300);
        // The last page with and without a line break at the end of the file.
        for text in [text.clone(), format!("{text}The last line")] {
            let file = file_of(text.as_bytes());
            let streamed = each_page_in_file(file.path(), keep).expect("read from disk");
            assert_eq!(streamed, each_page(&text, keep).expect("parses"));
        }
    }

    #[test]
    fn files_this_way_cannot_read_are_left_to_reading_them_whole() {
        let text = large_text(2 << 20);
        let middle = text.len() / 2;
        let mut latin1 = text.clone().into_bytes();
        latin1.splice(middle..middle, *b"caf\xE9 ");
        let cases: [(&str, Vec<u8>); 6] = [
            ("small", large_text(1000).into_bytes()),
            ("not UTF-8", latin1),
            (
                "a tab to expand",
                format!("{}\t{}", &text[..middle], &text[middle..]).into(),
            ),
            ("CRLF line ends", text.replace('\n', "\r\n").into()),
            // Pages inside, which only its first byte tells from a text's.
            (
                "a JSON export",
                format!(" \n{{\"text\": \"\n{text}\"}}").into(),
            ),
            ("no page", "No header here.\n".repeat(100_000).into()),
        ];
        for (case, bytes) in cases {
            let file = file_of(&bytes);
            assert!(each_page_in_file(file.path(), |n, _| n).is_none(), "{case}");
        }
        let dir = tempfile::tempdir().expect("temporary directory");
        assert!(
            each_page_in_file(dir.path(), |n, _| n).is_none(),
            "a directory"
        );
        assert!(each_page_in_file(&dir.path().join("missing"), |n, _| n).is_none());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Any text made of the fixture's lines (headers among them) in any order, read with
        /// parts, windows and runs of a few bytes: every cut falls somewhere new, inside lines,
        /// pages and characters. What comes back is what the text gives in memory, and it
        /// comes back whenever the text is clean, has pages and is not JSON.
        #[test]
        fn any_cut_reads_what_the_text_gives(
            picks in proptest::collection::vec(0usize..1000, 1..120),
            ending in proptest::bool::ANY,
            dirt in proptest::option::of((0usize..4, 0usize..1000)),
            part in 1usize..300,
            window in 1usize..64,
            run in 1usize..2000,
        ) {
            let fixture = include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../tests/fixtures/other-pages.txt"
            ));
            // Headers one line in ten or so, so that most texts have several pages.
            let headers = fixture.lines().filter(|l| header(l).is_some());
            let pool: Vec<&str> = fixture
                .lines()
                .chain(headers.cycle().take(30))
                .chain(["", "A line with an \u{e9}t\u{e9} and a \u{2019}", "x"])
                .collect();
            let mut text = picks
                .iter()
                .map(|&i| pool[i % pool.len()])
                .collect::<Vec<_>>()
                .join("\n");
            if ending {
                text.push('\n');
            }
            // Now and then, something only reading the text whole can handle.
            if let Some((kind, at)) = dirt {
                let at = (0..=at.min(text.len())).rev().find(|&i| text.is_char_boundary(i));
                let dirt = ["\t", "\r\n", "\u{FB01}", "{"][kind];
                text.insert_str(at.unwrap_or(0), dirt);
            }
            let file = file_of(text.as_bytes());
            let sizes = Sizes { smallest: 0, part, window, run };
            let keep = |n, articles: Vec<Article>| (n, articles);
            let streamed = read_in_parts(file.path(), sizes, keep);
            let whole = each_page(&text, keep).ok();
            let pages = whole.as_ref().map_or(0, |(_, pages)| pages.len());
            proptest::prop_assume!(pages > 1 || dirt.is_some() || picks.len() < 10);
            let readable = source::is_clean(&text)
                && text.bytes().find(|b| !b.is_ascii_whitespace()) != Some(b'{');
            match streamed {
                Some(streamed) => proptest::prop_assert_eq!(Some(streamed), whole),
                None => proptest::prop_assert!(!readable || whole.is_none()),
            }
        }
    }

    #[test]
    fn parts_start_at_the_start_of_a_line() {
        let file = file_of(b"one\ntwo\nthree");
        let mut handle = File::open(file.path()).expect("opens");
        assert_eq!(line_start_after(&mut handle, 1), Some(4));
        assert_eq!(line_start_after(&mut handle, 4), Some(4), "at a line start");
        assert_eq!(line_start_after(&mut handle, 5), Some(8));
        assert_eq!(
            line_start_after(&mut handle, 9),
            Some(13),
            "none after: the end"
        );
        // Lines of every length around the part size: the parts cover the file, in order, each
        // from a line start.
        let part = SIZES.part;
        let text: String = (0..part / 8).map(|i| "x".repeat(i % 97) + "\n").collect();
        let file = file_of(text.as_bytes());
        let parts = parts(file.path(), text.len(), part).expect("parts");
        assert!(parts.len() > 2);
        assert_eq!(parts.first().map(|p| p.0), Some(0));
        assert_eq!(parts.last().map(|p| p.1), Some(text.len()));
        for pair in parts.windows(2) {
            assert_eq!(pair[0].1, pair[1].0);
            assert_eq!(text.as_bytes()[pair[1].0 - 1], b'\n');
            assert!(pair[0].1 - pair[0].0 >= part);
        }
    }
}
