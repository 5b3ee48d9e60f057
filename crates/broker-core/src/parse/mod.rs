//! Clean text to a structured [`Issue`]: pages, articles and typed blocks, with the damage of
//! text extraction repaired.
//!
//! Pages start at header lines such as `19The Broker  issue 1  April 2007` and are read
//! independently ([`layout`]); the repairs ([`repair`]) are judged by the dictionary and by
//! evidence gathered from the whole document once. Every step is a single pass over lines or
//! characters, so the cost is linear in the input.

pub mod layout;
pub mod repair;
pub mod stream;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, Mutex};

use regex::Regex;

use crate::model::{Article, Issue};
use crate::two_threads;

/// Why a text could not be parsed as pages of the magazine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("no page header found")]
    NoPages,
}

/// What a page header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub page: Option<u32>,
    pub magazine: String,
    pub issue: Option<u32>,
    pub date: String,
}

/// `19The Broker  issue 1  April 2007`: the page number glued to the front of the magazine's
/// name (or printed after the date on facing pages), then the issue number and the date; or
/// all in capitals, `19THE BROKER  ISSUE 1  APRIL 2007`.
///
/// The pattern only finds the shape; which characters the name and the month may hold is
/// checked in code ([`is_magazine_name`], [`is_month`]). Unicode letter classes in the
/// pattern made it cost about a millisecond to compile, on the path to the first frame of
/// every file the reader opens; this one compiles in a tenth of that.
static HEADER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^\s*([0-9]{1,4})?\s*([^\s0-9][^0-9\t\n\r]*?)\s+(?:[Ii]ssue|ISSUE)\s+([0-9]{1,4})\s+([^\s0-9.]+\.?\s+[0-9]{4})\s*([0-9]{1,4})?\s*$",
    )
    .ok()
});

/// A magazine's name: a capital, then letters (with their accents), spaces and `'’.&-`.
fn is_magazine_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(char::is_uppercase)
        && chars.all(|c| {
            c.is_alphabetic()
                || is_combining_mark(c)
                || matches!(c, '\'' | '’' | '.' | '&' | '-' | ' ')
        })
}

/// A month's name, perhaps abbreviated with a dot (`Sept.`), before the year.
fn is_month(date: &str) -> bool {
    date.split_whitespace()
        .next()
        .is_some_and(|month| month.trim_end_matches('.').chars().all(char::is_alphabetic))
}

/// Combining accents written as separate characters (`e` + U+0301), which are not
/// alphabetic themselves; marks of other scripts mostly are.
fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// True when `issue`, `Issue` or `ISSUE` is followed by whitespace and a digit somewhere in the
/// line, as in every header: prose that merely mentions issues is turned away before the
/// pattern runs.
fn has_issue_number(line: &str) -> bool {
    let numbered = |word: &str, capitals: &[u8]| {
        line.match_indices(word).any(|(at, _)| {
            let before = at.checked_sub(1).and_then(|i| line.as_bytes().get(i));
            let after = line[at + word.len()..].trim_start();
            before.is_some_and(|b| capitals.contains(b))
                && after.len() < line.len() - at - word.len()
                && after.as_bytes().first().is_some_and(u8::is_ascii_digit)
        })
    };
    numbered(ISSUE_TAIL, b"Ii") || numbered(ISSUE_TAIL_CAPITALS, b"I")
}

/// What every header holds of the word `issue`, its first letter in either case.
const ISSUE_TAIL: &str = "ssue";
/// The same, in a header written in capitals.
const ISSUE_TAIL_CAPITALS: &str = "SSUE";

/// Reads a page header line; `None` for any other line.
pub fn header(line: &str) -> Option<Header> {
    // Cheap filter first: almost no line is a header, and most are long prose.
    if line.len() > 120 || !has_issue_number(line) {
        return None;
    }
    header_by_pattern(line)
}

/// [`header`] without the cheap filters.
fn header_by_pattern(line: &str) -> Option<Header> {
    let caps = HEADER.as_ref()?.captures(line)?;
    let magazine = caps.get(2)?.as_str();
    let date = caps.get(4)?.as_str();
    if !is_magazine_name(magazine) || !is_month(date) {
        return None;
    }
    let number = |i: usize| caps.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    Some(Header {
        page: number(1).or_else(|| number(5)),
        magazine: repair::normalize_whitespace(magazine),
        issue: number(3),
        date: repair::normalize_whitespace(date),
    })
}

/// Parses clean text (see [`crate::source::decode`]) into an issue.
///
/// The magazine, issue number and date come from the first page header. A page without a
/// printed number is taken to follow the previous one.
pub fn parse(text: &str) -> Result<Issue, ParseError> {
    let pages = Pages::find(text)?;
    let by_page = pages.each_on_one_thread(text, |_, articles| articles);
    Ok(gather(pages.issue(), by_page))
}

/// The issue whose pages [`each_page`] (or [`stream::each_page_in_file`]) read, with their
/// articles kept whole: every page's in turn, numbered from 1.
pub fn gather(mut issue: Issue, by_page: Vec<Vec<Article>>) -> Issue {
    issue.articles = Vec::with_capacity(by_page.iter().map(Vec::len).sum());
    for page in by_page {
        issue.articles.extend(page);
    }
    number_articles(&mut issue);
    issue
}

/// [`parse`] for text the caller no longer needs, with the same result. Pages are read from
/// the last to the first and the text is cut as they are done, so the text and the issue
/// built from it are never both whole in memory: on a large archive that is most of the peak.
///
/// A large text is read on two threads when the machine has the cores: pages are read
/// independently, given the evidence gathered from the whole text.
pub fn parse_owned(text: String) -> Result<Issue, ParseError> {
    let pages = Pages::find(&text)?;
    let issue = pages.issue();
    let by_page = match pages.middle(&text) {
        Some(middle) if two_threads::available() => parse_on_two_threads(text, &pages, middle),
        _ => {
            let evidence = repair::Evidence::from_text(&text);
            pages.articles_owned(text, &evidence)
        }
    };
    Ok(gather(issue, by_page))
}

/// Reads every page of `text`, as [`parse`] does, but hands each page's articles to `keep`
/// instead of gathering them: `keep` gets the page's index and its articles, numbered from 0
/// within the page (their `id` is not set), and what it returns is given back page by page,
/// in order, beside the issue's facts (with no articles). A caller that needs only something
/// of each article (search hits) need never hold the whole issue.
///
/// A large text is read on two threads, each taking the next page left, so `keep` runs on
/// both.
pub fn each_page<T: Send>(
    text: &str,
    keep: impl Fn(usize, Vec<Article>) -> T + Sync,
) -> Result<(Issue, Vec<T>), ParseError> {
    let pages = Pages::find(text)?;
    let issue = pages.issue();
    let Some(middle) = pages.middle(text).filter(|_| two_threads::available()) else {
        return Ok((issue, pages.each_on_one_thread(text, keep)));
    };
    let evidence = &evidence_on_two_threads(text, middle);
    // The text stays whole, so the threads share it and take page numbers alone: neither
    // copies a page or waits for the other.
    let next = AtomicUsize::new(0);
    let (keep, next) = (&keep, &next);
    let read = || {
        let mut lines: Vec<&str> = Vec::with_capacity(256);
        let mut done: Vec<(usize, T)> = Vec::new();
        loop {
            let n = next.fetch_add(1, Ordering::Relaxed);
            if n >= pages.len() {
                return done;
            }
            done.push((n, keep(n, pages.articles(n, text, evidence, &mut lines))));
        }
    };
    let (theirs, mine) = two_threads::both(read, read);
    let mut kept: Vec<(usize, T)> = theirs.into_iter().chain(mine).collect();
    kept.sort_unstable_by_key(|&(n, _)| n);
    Ok((issue, kept.into_iter().map(|(_, page)| page).collect()))
}

/// The repairs' evidence of `text`, its halves before and after `middle` (the start of a
/// page, and so of a line, which no word runs across) gathered on two threads.
fn evidence_on_two_threads(text: &str, middle: usize) -> repair::Evidence {
    let (head, tail) = text.split_at(middle);
    let (tail, head) = two_threads::both(
        || repair::Evidence::from_text(tail),
        || repair::Evidence::from_text(head),
    );
    head.union(tail)
}

/// The text not yet read, shared by the threads reading pages: `next` pages are left, and the
/// text is cut to them.
struct Unread {
    text: String,
    next: usize,
}

/// [`parse_owned`]'s pages, read by two threads. Each takes the last page left, copies it out
/// and cuts it from the text in one step under a lock, then reads its copy: the text is given
/// back page by page exactly as on one thread, and a page copy (a few kilobytes, reused)
/// costs far less than the page's reading.
fn parse_on_two_threads(text: String, pages: &Pages, middle: usize) -> Vec<Vec<Article>> {
    let evidence = &evidence_on_two_threads(&text, middle);
    let unread = Mutex::new(Unread {
        text,
        next: pages.len(),
    });
    let read = || {
        let mut page = String::new();
        let mut done: Vec<(usize, Vec<Article>)> = Vec::new();
        while let Some(n) = pages.take_last(&unread, &mut page) {
            // Room for the lines of a typical page, which would otherwise grow it seven times.
            let mut lines: Vec<&str> = Vec::with_capacity(256);
            done.push((n, pages.page_articles(n, &page, evidence, &mut lines)));
        }
        done
    };
    let (theirs, mine) = two_threads::both(read, read);
    let mut by_page: Vec<Vec<Article>> = Vec::new();
    by_page.resize_with(pages.len(), Vec::new);
    for (n, articles) in theirs.into_iter().chain(mine) {
        if let Some(slot) = by_page.get_mut(n) {
            *slot = articles;
        }
    }
    by_page
}

/// Where the pages of a text are: each header with the offsets where its line starts and where
/// the next line starts, and the page number it stands for.
struct Pages {
    headers: Vec<(usize, usize, Header)>,
    numbers: Vec<u32>,
}

impl Pages {
    fn find(text: &str) -> Result<Self, ParseError> {
        let mut headers = Vec::new();
        Self::find_in(text, 0, &mut headers);
        Self::from_headers(headers)
    }

    /// Adds the headers in `text`, which is whole lines of a document starting at its byte
    /// `base`, with their offsets in the document.
    fn find_in(text: &str, base: usize, headers: &mut Vec<(usize, usize, Header)>) {
        let bytes = text.as_bytes();
        // Every header holds `ssue` (of `issue` or `Issue`) or `SSUE`, and few other lines do:
        // finding those few is far cheaper than reading every line of a large archive. Each
        // line is read once, however often it holds the word. The capitals are looked for
        // apart, in a second pass over the text (a fifth of a millisecond on 9 MB): the two
        // words share no four bytes, and a search for both at once took ten times as long.
        let mut tails = memchr::memmem::find_iter(bytes, ISSUE_TAIL.as_bytes()).peekable();
        let mut capitals =
            memchr::memmem::find_iter(bytes, ISSUE_TAIL_CAPITALS.as_bytes()).peekable();
        let mut read_to = 0;
        while let Some(hit) = match (tails.peek(), capitals.peek()) {
            (Some(tail), Some(capital)) if capital < tail => capitals.next(),
            (None, Some(_)) => capitals.next(),
            _ => tails.next(),
        } {
            if hit < read_to {
                continue;
            }
            let start =
                memchr::memrchr(b'\n', &bytes[read_to..hit]).map_or(read_to, |i| read_to + i + 1);
            let end = memchr::memchr(b'\n', &bytes[hit..]).map_or(bytes.len(), |i| hit + i + 1);
            read_to = end;
            // Both ends are just after a newline or at an end of the text.
            let Some(raw) = text.get(start..end) else {
                continue;
            };
            if let Some(h) = header(line_of(raw)) {
                headers.push((base + start, base + end, h));
            }
        }
    }

    /// The pages that start at `headers`, in order.
    fn from_headers(headers: Vec<(usize, usize, Header)>) -> Result<Self, ParseError> {
        if headers.is_empty() {
            return Err(ParseError::NoPages);
        }
        let mut previous: Option<u32> = None;
        let numbers = headers
            .iter()
            .map(|(_, _, header)| {
                let page = header
                    .page
                    .unwrap_or_else(|| previous.map_or(1, |p| p.saturating_add(1)));
                previous = Some(page);
                page
            })
            .collect();
        Ok(Self { headers, numbers })
    }

    fn len(&self) -> usize {
        self.headers.len()
    }

    /// [`each_page`] on this thread alone.
    fn each_on_one_thread<T>(&self, text: &str, keep: impl Fn(usize, Vec<Article>) -> T) -> Vec<T> {
        let evidence = repair::Evidence::from_text(text);
        let mut lines: Vec<&str> = Vec::with_capacity(256);
        (0..self.len())
            .map(|n| keep(n, self.articles(n, text, &evidence, &mut lines)))
            .collect()
    }

    /// Where the text of page `n` starts: after its header line.
    fn text_start(&self, n: usize) -> usize {
        self.headers.get(n).map_or(0, |&(_, start, _)| start)
    }

    /// Where the text of page `n` ends, in a document of `len` bytes: at the next header, or
    /// at the end.
    fn text_end(&self, n: usize, len: usize) -> usize {
        self.headers
            .get(n + 1)
            .map_or(len, |&(next, _, _)| next)
            .min(len)
    }

    /// Where the page that starts nearest the middle of a text begins, when the text is large
    /// enough to be read on two threads; never at the first page, so both halves have pages.
    fn middle(&self, text: &str) -> Option<usize> {
        if text.len() < two_threads::FROM_BYTES || self.len() < 2 {
            return None;
        }
        let half = self
            .headers
            .partition_point(|&(start, _, _)| start < text.len() / 2);
        self.headers
            .get(half.clamp(1, self.len() - 1))
            .map(|&(start, _, _)| start)
    }

    /// The articles of every page, page by page, from `text`, which is cut as they are read,
    /// from the last to the first.
    fn articles_owned(&self, mut text: String, evidence: &repair::Evidence) -> Vec<Vec<Article>> {
        let mut by_page: Vec<Vec<Article>> = Vec::with_capacity(self.len());
        for n in (0..self.len()).rev() {
            // Room for the lines of a typical page, which would otherwise grow it seven times.
            let mut lines: Vec<&str> = Vec::with_capacity(256);
            by_page.push(self.articles(n, &text, evidence, &mut lines));
            self.cut(&mut text, n);
        }
        by_page.reverse();
        by_page
    }

    /// Cuts `text`, which holds pages up to `n`, to the pages before `n`.
    fn cut(&self, text: &mut String, n: usize) {
        if let Some(&(start, _, _)) = self.headers.get(n) {
            text.truncate(start);
        }
        // Giving memory back only once a quarter of it is unused keeps the copies an allocator
        // may make linear in all (a geometric series), where shrinking after every page could
        // copy the rest of the text a thousand times.
        if text.len() <= text.capacity() / 4 * 3 {
            text.shrink_to_fit();
        }
    }

    /// Takes the last page left in `unread` (its number), copying its lines into `page` and
    /// cutting it from the text; `None` when every page is taken.
    fn take_last(&self, unread: &Mutex<Unread>, page: &mut String) -> Option<usize> {
        let mut unread = unread.lock().ok()?;
        let n = unread.next.checked_sub(1)?;
        let &(_, start, _) = self.headers.get(n)?;
        page.clear();
        page.push_str(unread.text.get(start..).unwrap_or_default());
        self.cut(&mut unread.text, n);
        unread.next = n;
        Some(n)
    }

    /// An issue with the first header's facts and every page, but no articles yet.
    fn issue(&self) -> Issue {
        let first = self.headers.first().map(|(_, _, h)| h);
        Issue {
            magazine: first.map(|h| h.magazine.clone()).unwrap_or_default(),
            issue: first.and_then(|h| h.issue),
            date: first.map(|h| h.date.clone()),
            pages: self.numbers.clone(),
            articles: Vec::new(),
        }
    }

    /// The articles of page `n`. `text` must still hold the page: whole, or cut at a later
    /// header. `lines` is scratch space, reused across pages.
    fn articles<'t>(
        &self,
        n: usize,
        text: &'t str,
        evidence: &repair::Evidence,
        lines: &mut Vec<&'t str>,
    ) -> Vec<Article> {
        if n >= self.len() {
            return Vec::new();
        }
        let page = text.get(self.text_start(n)..self.text_end(n, text.len()));
        self.page_articles(n, page.unwrap_or_default(), evidence, lines)
    }

    /// The articles of page `n`, whose lines (after its header) are `page`.
    fn page_articles<'t>(
        &self,
        n: usize,
        page: &'t str,
        evidence: &repair::Evidence,
        lines: &mut Vec<&'t str>,
    ) -> Vec<Article> {
        let Some(&number) = self.numbers.get(n) else {
            return Vec::new();
        };
        lines.clear();
        lines.extend(split_lines(page));
        layout::page_articles(lines, number, evidence)
    }
}

/// A line as `str::lines` gives it: without its `\n`, or `\r\n`.
fn line_of(raw: &str) -> &str {
    raw.strip_suffix('\n')
        .map_or(raw, |l| l.strip_suffix('\r').unwrap_or(l))
}

/// `str::lines`, finding newlines with `memchr`: the standard version's general character
/// search costs several times more on the short lines of a page.
fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = memchr::memchr(b'\n', rest.as_bytes()).map_or(rest.len(), |i| i + 1);
        let (raw, after) = rest.split_at(end);
        rest = after;
        Some(line_of(raw))
    })
}

fn number_articles(issue: &mut Issue) {
    for (i, article) in issue.articles.iter_mut().enumerate() {
        article.id = i + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_headers_with_the_page_number_at_either_end() {
        let h = header("19The Broker  issue 1  April 2007").expect("header");
        assert_eq!(h.page, Some(19));
        assert_eq!(h.magazine, "The Broker");
        assert_eq!(h.issue, Some(1));
        assert_eq!(h.date, "April 2007");
        let h = header("The Broker  issue 3  October 2007  20").expect("header");
        assert_eq!(h.page, Some(20));
        let h = header("The Broker  issue 3  October 200720").expect("header");
        assert_eq!(h.page, Some(20));
        assert_eq!(h.date, "October 2007");
        let h = header("Global Affairs Monthly  Issue 12  May 2010").expect("header");
        assert_eq!(h.page, None);
        assert_eq!(h.magazine, "Global Affairs Monthly");
    }

    #[test]
    fn reads_headers_written_in_capitals() {
        let h = header("44THE BROKER  ISSUE 7  MARCH 2009").expect("header");
        assert_eq!((h.page, h.issue), (Some(44), Some(7)));
        assert_eq!(
            (h.magazine.as_str(), h.date.as_str()),
            ("THE BROKER", "MARCH 2009")
        );
        let h = header("ÉCOLOGIE & SOCIÉTÉ ISSUE 2 SEPT. 2011 45").expect("header");
        assert_eq!(
            (h.page, h.magazine.as_str()),
            (Some(45), "ÉCOLOGIE & SOCIÉTÉ")
        );
        for line in [
            "THE BROKER  IsSUE 7  MARCH 2009",
            "THE BROKER  ISSUES 7  MARCH 2009",
        ] {
            assert_eq!(header(line), None, "{line}");
        }
    }

    #[test]
    fn reads_names_and_months_in_any_alphabet() {
        let h = header("7Ökologie & Gesellschaft  Issue 4  März 2011").expect("header");
        assert_eq!((h.page, h.issue), (Some(7), Some(4)));
        assert_eq!(h.magazine, "Ökologie & Gesellschaft");
        assert_eq!(h.date, "März 2011");
        let decomposed = "E\u{301}cole d’Ete\u{301}  issue 2  Sept. 2009  12";
        let h = header(decomposed).expect("header");
        assert_eq!(h.magazine, "E\u{301}cole d’Ete\u{301}");
        assert_eq!((h.page, h.date.as_str()), (Some(12), "Sept. 2009"));
        let h = header("Вестник  issue 9  Май 2008").expect("header");
        assert_eq!(h.magazine, "Вестник");
    }

    #[test]
    fn only_an_issue_with_a_number_may_be_a_header() {
        assert!(has_issue_number("19The Broker  issue 1  April 2007"));
        assert!(has_issue_number("a Issue\u{a0}12 b"));
        assert!(has_issue_number("issues issue 3"));
        assert!(has_issue_number("THE BROKER ISSUE 3 MAY 2008"));
        assert!(has_issue_number("ISSUES ISSUE 3"));
        for line in [
            "issues at the Erasmus University",
            "issue1",
            "ssue 3",
            "issue",
            "issue no. 3",
            "ISSUE3",
            "SSUE 3",
            "iSSUE 3",
            "ISSUES AT STAKE",
        ] {
            assert!(!has_issue_number(line), "{line}");
        }
    }

    #[test]
    fn ignores_lines_that_are_not_headers() {
        for line in [
            "",
            "The Broker",
            "this issue 1 April 2007",
            "The issue raises three questions:",
            "19The Broker issue one April 2007",
            "99999The Broker  issue 1  April 2007",
            "the broker  issue 1  April 2007",
            "The Broker, 2  issue 1  April 2007",
            "The (Broker)  issue 1  April 2007",
            "The Broker  issue 1  Apr1l 2007",
            "The Broker  issue 1  2007 2007",
        ] {
            assert_eq!(header(line), None, "{line}");
        }
    }

    #[test]
    fn text_without_a_header_has_no_pages() {
        assert_eq!(parse(""), Err(ParseError::NoPages));
        assert_eq!(parse("Just some text\n\nmore"), Err(ParseError::NoPages));
    }

    #[test]
    fn pages_without_a_number_follow_the_previous_one() {
        let text = "7The Broker  issue 1  April 2007\nA\n\nThe Broker  issue 1  April 2007\nB\n";
        let issue = parse(text).expect("parses");
        assert_eq!(issue.pages, [7, 8]);
        assert_eq!(issue.articles.len(), 2);
        assert_eq!(issue.articles[1].page, 8);
        assert_eq!(issue.articles[1].id, 2);
    }

    #[test]
    fn parsing_owned_text_gives_the_same_issue() {
        let small = "Before the first page\n3The Broker  issue 1  April 2007\nA title\n\nSome text \
                     here.\nThe Broker  issue 1  April 2007\nB\n\nC\n\n12The Broker  issue 1  April \
                     2007\nLast\n\nno newline at the end";
        let fixture = fixture();
        for text in [small, fixture, "1The Broker  issue 1  April 2007", ""] {
            assert_eq!(parse_owned(text.to_string()), parse(text), "{text:.40}");
        }
        assert!(parse(fixture).is_ok_and(|i| i.articles.len() > 3));
    }

    proptest::proptest! {
        #[test]
        fn lines_split_as_the_standard_library_does(
            text in proptest::string::string_regex("[a\r\n ’]{0,24}").expect("a valid pattern"),
        ) {
            let ours: Vec<&str> = split_lines(&text).collect();
            let std: Vec<&str> = text.lines().collect();
            proptest::prop_assert_eq!(ours, std);
        }

        #[test]
        fn lines_of_any_text_split_as_the_standard_library_does(text: String) {
            let ours: Vec<&str> = split_lines(&text).collect();
            let std: Vec<&str> = text.lines().collect();
            proptest::prop_assert_eq!(ours, std);
        }

        #[test]
        fn the_filters_turn_away_no_header(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "19", "The Broker", " ", "  ", "\u{a0}", "\t", "issue", "Issue", "ssue", "tissue",
                "1", "12", "April 2007", "Sept.", "2009", "x", "é", "’", "-", "ISSUE", "SSUE",
                "THE BROKER", "MAY 2010",
            ]), 0..12),
        ) {
            let line = parts.concat();
            let expected = if line.len() > 120 { None } else { header_by_pattern(&line) };
            proptest::prop_assert_eq!(header(&line), expected);
        }

        #[test]
        fn the_filters_turn_away_no_header_shaped_line(
            page in proptest::sample::select(vec!["", "19", "7 "]),
            name in proptest::sample::select(vec!["The Broker", "Écologie", "the broker", "X", "THE BROKER"]),
            gap in proptest::sample::select(vec![" ", "  ", "\u{a0}", "\t", ""]),
            word in proptest::sample::select(vec!["issue", "Issue", "ssue", "tissue", "issues", "ISSUE", "SSUE", "ISSUES", "IsSUE"]),
            gap2 in proptest::sample::select(vec![" ", "  ", "\u{2003}", "", " no. "]),
            number in proptest::sample::select(vec!["1", "12", "x", "12345"]),
            date in proptest::sample::select(vec!["  April 2007", " Sept. 2009", "  2007", " März 2011  20"]),
        ) {
            let line = format!("{page}{name}{gap}{word}{gap2}{number}{date}");
            proptest::prop_assert_eq!(header(&line), header_by_pattern(&line), "{}", line);
        }

        #[test]
        fn pages_are_found_as_when_every_line_is_read(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "19The Broker  issue 1  April 2007", "The Broker  Issue 2  May 2008  20",
                "issue", "ssue", "The issue 3 was", "text", "", "\r", " ", "ssuessue",
                "21THE BROKER  ISSUE 1  APRIL 2007", "SSUE", "ISSUE 4", "ssueSSUE",
            ]), 0..12),
            ends in proptest::collection::vec(proptest::sample::select(vec!["\n", "\r\n", "", " "]), 12),
        ) {
            let text: String = parts.iter().zip(&ends).map(|(p, e)| format!("{p}{e}")).collect();
            let mut expected = Vec::new();
            let mut offset = 0;
            for raw in text.split_inclusive('\n') {
                if let Some(h) = header(line_of(raw)) {
                    expected.push((offset, offset + raw.len(), h));
                }
                offset += raw.len();
            }
            match Pages::find(&text) {
                Ok(pages) => proptest::prop_assert_eq!(pages.headers, expected),
                Err(_) => proptest::prop_assert!(expected.is_empty()),
            }
        }
    }

    fn fixture() -> &'static str {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/other-pages.txt"
        ))
    }

    #[test]
    fn reading_on_two_threads_gives_the_same_issue_wherever_the_evidence_is_split() {
        let text = format!("Before the first page\n{}\n{}", fixture(), fixture());
        let pages = Pages::find(&text).expect("pages");
        let whole = parse(&text).expect("parses");
        for &(middle, _, _) in &pages.headers[1..] {
            let by_page = parse_on_two_threads(text.clone(), &pages, middle);
            let mut issue = pages.issue();
            issue.articles = by_page.into_iter().flatten().collect();
            number_articles(&mut issue);
            assert_eq!(issue, whole, "evidence split at byte {middle}");
        }
    }

    #[test]
    fn a_large_text_read_on_two_threads_gives_the_same_issue() {
        // Pages renumbered as they repeat, as in a long run of the magazine.
        let mut text = String::new();
        let mut n = 0;
        while text.len() <= two_threads::FROM_BYTES * 2 {
            for line in fixture().lines() {
                match header(line) {
                    Some(h) => {
                        n += 1;
                        text.push_str(&format!("{n}{}  issue 1  {}\n", h.magazine, h.date));
                    }
                    None => {
                        text.push_str(line);
                        text.push('\n');
                    }
                }
            }
        }
        let pages = Pages::find(&text).expect("pages");
        assert!(pages.middle(&text).is_some());
        let whole = parse(&text).expect("parses");
        assert_eq!(whole.pages.len(), n);
        // Every page handed over once, with its own number, and given back in page order.
        let (_, kept) = each_page(&text, |n, articles| (n, articles)).expect("parses");
        assert_eq!(
            kept.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            (0..n).collect::<Vec<_>>()
        );
        let mut articles: Vec<Article> = kept.into_iter().flat_map(|(_, a)| a).collect();
        for (i, article) in articles.iter_mut().enumerate() {
            assert_eq!(article.id, 0, "numbered only by parse");
            article.id = i + 1;
        }
        assert_eq!(articles, whole.articles);
        assert_eq!(parse_owned(text), Ok(whole));
    }

    #[test]
    fn a_header_alone_is_a_page_without_articles() {
        let issue = parse("\n1The Broker  issue 1  April 2007\n\n").expect("parses");
        assert_eq!(issue.pages, [1]);
        assert!(issue.articles.is_empty());
    }
}
