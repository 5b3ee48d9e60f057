//! Keyword search over an issue: every article's title, standfirst and blocks, in reading order.
//!
//! A query is looked for in each text in place (see [`Index`] for why no copy is
//! made): exact or ASCII case-insensitive queries by a SIMD scan for their least common byte,
//! other case-insensitive ones by a regex.

use serde::{Deserialize, Serialize};

use crate::model::{Article, Issue, Position};

/// What the reader and the command line search with: nothing but the issue itself.
///
/// A query is run over each block's text where it lies. An earlier design laid every block end
/// to end in one buffer so a query was one scan; on a 9 MB archive that copy alone was a third
/// of the memory the whole program may use, while scanning the blocks in place costs about a
/// millisecond (see `benches/pipeline.rs`). So the index keeps no text, only the number of
/// blocks and which of them hold a line break, so a query need not look for one each time.
#[derive(Debug, Clone, Default)]
pub struct Index {
    blocks: usize,
    /// `(article, block)` of the blocks whose text has a `\n`, in order.
    with_newline: Vec<(usize, usize)>,
}

/// How a query compares letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseMode {
    Sensitive,
    Insensitive,
}

impl CaseMode {
    /// Smart case: a query with a capital letter is matched exactly, any other ignoring case.
    pub fn smart(query: &str) -> Self {
        if query.chars().any(char::is_uppercase) {
            CaseMode::Sensitive
        } else {
            CaseMode::Insensitive
        }
    }
}

impl Index {
    pub fn build(issue: &Issue) -> Self {
        let mut with_newline = Vec::new();
        for (a, article) in issue.articles.iter().enumerate() {
            for (b, block) in article.blocks.iter().enumerate() {
                if has_newline(block.text.as_bytes()) {
                    with_newline.push((a, b));
                }
            }
        }
        Self {
            blocks: issue.block_count(),
            with_newline,
        }
    }

    /// Every match of `query` in `issue` in reading order, smart case. An empty query matches
    /// nothing.
    pub fn search(&self, issue: &Issue, query: &str) -> Vec<Position> {
        self.search_with(issue, query, CaseMode::smart(query))
    }

    pub fn search_with(&self, issue: &Issue, query: &str, case: CaseMode) -> Vec<Position> {
        let Some(matcher) = Matcher::for_query(query, case) else {
            return Vec::new();
        };
        let mut hits = Vec::with_capacity(self.blocks.min(1024));
        for (a, article) in issue.articles.iter().enumerate() {
            for (block, text) in header_texts(article) {
                let mut hit = |start, end| hits.extend(Position::try_in(a, block, start, end));
                matcher.find_in_block(text, &mut hit);
            }
            for (b, block) in article.blocks.iter().enumerate() {
                // A hit whose position would not fit (only past the input cap) is left out
                // rather than wrapped onto other text.
                let mut hit = |start, end| hits.extend(Position::try_new(a, b, start, end));
                if self.with_newline.binary_search(&(a, b)).is_ok() {
                    // Blocks are single paragraphs; a stray line break still reads as a space.
                    matcher.find(block.text.replace('\n', " ").as_bytes(), &mut hit);
                } else {
                    matcher.find(block.text.as_bytes(), &mut hit);
                }
            }
        }
        hits
    }
}

/// The title and standfirst of an article, with the `block` values that address them, in
/// reading order: what a search looks in before the article's blocks.
pub fn header_texts(article: &Article) -> impl Iterator<Item = (u32, &str)> {
    [
        (Position::TITLE, Some(article.title.as_str())),
        (Position::STANDFIRST, article.standfirst.as_deref()),
    ]
    .into_iter()
    .filter_map(|(block, text)| Some((block, text?)))
}

/// A query prepared once and run over every block: what [`Index::search_with`] uses, and what
/// a caller holding the blocks' text elsewhere (the on-disk cache of parsed files) uses to get
/// exactly the same hits.
///
/// It runs over bytes, so text laid end to end can be scanned in one call: as long as the
/// pieces are separated by a byte no query can contain ([`Matcher::SEPARATOR`]), no match
/// spans two pieces and the matches within each piece are those a scan of that piece alone
/// finds.
pub struct Matcher {
    kind: MatcherKind,
}

enum MatcherKind {
    /// Bytes compared exactly, or ignoring ASCII case. Candidates are found by a SIMD search
    /// (`memchr`) for the needle's least common byte, which is cheap to start on each of many
    /// short blocks, unlike a substring searcher or a regex that sets up per call.
    Bytes {
        needle: Vec<u8>,
        fold: bool,
        /// Index in `needle` of the byte searched for.
        rare: usize,
        /// For a query made only of common letters, whose rarest byte still turns up every few
        /// dozen bytes, a SIMD multi-pattern search (Teddy) for the case variants of its
        /// first bytes finds far fewer candidates.
        prefix: Option<aho_corasick::packed::Searcher>,
    },
    /// A query with non-ASCII letters, ignoring case: Unicode case folding is the regex
    /// crate's job. Its byte-oriented regex, with Unicode on, finds the same matches in UTF-8
    /// text as the `str` one.
    Unicode(regex::bytes::Regex),
}

impl Matcher {
    /// A byte that never occurs in parsed text (sanitising removes it) and so in no query that
    /// can match; [`Matcher::for_query`] refuses queries holding it.
    pub const SEPARATOR: u8 = 0;

    /// Prepares `query` (runs of white space read as one space) for `case`; `None` when it
    /// can match nothing: empty, or holding [`Matcher::SEPARATOR`].
    pub fn for_query(query: &str, case: CaseMode) -> Option<Self> {
        let query = normalize_query(query);
        if query.as_bytes().contains(&Self::SEPARATOR) {
            return None;
        }
        Self::kind(&query, case).map(|kind| Matcher { kind })
    }

    fn kind(query: &str, case: CaseMode) -> Option<MatcherKind> {
        if query.is_empty() {
            return None;
        }
        let fold = case == CaseMode::Insensitive;
        if fold && !query.is_ascii() {
            let pattern = format!("(?i){}", regex::escape(query));
            return regex::bytes::Regex::new(&pattern)
                .ok()
                .map(MatcherKind::Unicode);
        }
        let needle = query.as_bytes().to_vec();
        let rarity = |b: u8| commonness(if fold { b.to_ascii_lowercase() } else { b });
        let rare = (0..needle.len()).min_by_key(|&i| rarity(needle[i]))?;
        let prefix = (rarity(needle[rare]) > COMMON).then(|| prefix_searcher(&needle, fold));
        Some(MatcherKind::Bytes {
            needle,
            fold,
            rare,
            prefix: prefix.flatten(),
        })
    }

    /// [`Matcher::find`] in the text of one block as a parsed issue holds it, reading a stray
    /// line break as a space, as [`Index::search_with`] does.
    pub fn find_in_block(&self, text: &str, hit: &mut impl FnMut(usize, usize)) {
        if has_newline(text.as_bytes()) {
            self.find(text.replace('\n', " ").as_bytes(), hit);
        } else {
            self.find(text.as_bytes(), hit);
        }
    }

    /// Calls `hit(start, end)` for each leftmost, non-overlapping match in `hay`, in order.
    pub fn find(&self, hay: &[u8], hit: &mut impl FnMut(usize, usize)) {
        match &self.kind {
            MatcherKind::Unicode(re) => {
                for m in re.find_iter(hay) {
                    hit(m.start(), m.end());
                }
            }
            MatcherKind::Bytes {
                needle,
                fold,
                prefix: Some(prefix),
                ..
            } => {
                let n = needle.len();
                let mut at = 0;
                while at < hay.len() {
                    let Some(m) = prefix.find_in(hay, aho_corasick::Span::from(at..hay.len()))
                    else {
                        break;
                    };
                    let start = m.start();
                    let equal = hay
                        .get(start..start + n)
                        .is_some_and(|found| same_bytes(found, needle, *fold));
                    if equal {
                        hit(start, start + n);
                        at = start + n;
                    } else {
                        at = start + 1;
                    }
                }
            }
            &MatcherKind::Bytes {
                ref needle,
                fold,
                rare,
                prefix: None,
            } => {
                let n = needle.len();
                let Some(last_start) = hay.len().checked_sub(n) else {
                    return;
                };
                // Candidate positions of the rare byte, limited to where a whole match fits.
                let region = &hay[rare..last_start + rare + 1];
                let byte = needle[rare];
                let mut next_start = 0;
                let mut check = |start: usize| {
                    if start < next_start {
                        return;
                    }
                    if same_bytes(&hay[start..start + n], needle, fold) {
                        hit(start, start + n);
                        next_start = start + n;
                    }
                };
                // Offsets in `region` are match starts, since it begins `rare` bytes in.
                if fold && byte.is_ascii_alphabetic() {
                    let (lower, upper) = (byte.to_ascii_lowercase(), byte.to_ascii_uppercase());
                    memchr::memchr2_iter(lower, upper, region).for_each(&mut check);
                } else {
                    memchr::memchr_iter(byte, region).for_each(&mut check);
                }
            }
        }
    }
}

/// Bytes more common than this (see [`commonness`]: `g` and more common letters) make too
/// many candidates for the single-byte scan; `y`, `p`, `b`, ... and capitals do not.
const COMMON: u8 = 100;

/// A Teddy searcher for the first (up to) three bytes of `needle`, in every case when `fold`;
/// `None` where Teddy is not available on this CPU.
fn prefix_searcher(needle: &[u8], fold: bool) -> Option<aho_corasick::packed::Searcher> {
    let mut variants: Vec<Vec<u8>> = vec![Vec::new()];
    for &b in needle.iter().take(3) {
        let cases = if fold {
            vec![b.to_ascii_lowercase(), b.to_ascii_uppercase()]
        } else {
            vec![b]
        };
        variants = variants
            .iter()
            .flat_map(|v| {
                cases.iter().map(move |&c| {
                    let mut v = v.clone();
                    v.push(c);
                    v
                })
            })
            .collect();
        variants.dedup();
    }
    variants.sort();
    variants.dedup();
    let mut builder = aho_corasick::packed::Config::new().builder();
    builder.extend(&variants);
    builder.build()
}

/// How often a byte turns up in English prose, roughly: higher is more common. Only the order
/// matters; it picks the byte of a query whose occurrences are fewest to check.
fn commonness(b: u8) -> u8 {
    const BY_FREQUENCY: &[u8; 26] = b"etaoinshrdlcumwfgypbvkjxqz";
    match b {
        b' ' => 255,
        b'a'..=b'z' => {
            let rank = BY_FREQUENCY.iter().position(|&l| l == b).unwrap_or(25);
            // 250 for `e` down to 25 for `z`, in steps of 9.
            250 - 9 * rank as u8
        }
        b'.' | b',' => 120,
        b'A'..=b'Z' | b'0'..=b'9' => 30,
        // Other punctuation and the bytes of non-ASCII characters are rarer still.
        _ => 20,
    }
}

/// Collapses runs of white space so `pro   bono` finds `pro bono`.
fn normalize_query(query: &str) -> String {
    query.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A one-line excerpt of `text` around `start..end`, about `width` characters wide, cut at
/// character boundaries; returns `(before, hit, after)` so callers can style the hit.
pub fn snippet(text: &str, start: usize, end: usize, width: usize) -> (String, String, String) {
    let e = Excerpt::new(text, start, end, width);
    let mut before = String::with_capacity(e.before.len() + 3);
    if e.cut_before {
        before.push('…');
    }
    before.push_str(e.before);
    let mut after = e.after.to_string();
    if e.cut_after {
        after.push('…');
    }
    (before, e.hit.to_string(), after)
}

/// The parts of a [`snippet`], borrowed from the text: for callers that print many of them
/// (a search of a large archive) and would rather not allocate three strings for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Excerpt<'a> {
    /// Text before `before` was left out (shown as `…`).
    pub cut_before: bool,
    pub before: &'a str,
    pub hit: &'a str,
    pub after: &'a str,
    /// Text after `after` was left out (shown as `…`).
    pub cut_after: bool,
}

impl<'a> Excerpt<'a> {
    /// The excerpt [`snippet`] shows: the hit, with up to half the room left on each side.
    pub fn new(text: &'a str, start: usize, end: usize, width: usize) -> Self {
        let start = floor_char_boundary(text, start.min(text.len()));
        let end = floor_char_boundary(text, end.clamp(start, text.len()));
        let hit = &text[start..end];
        let room = width.saturating_sub(hit.chars().count()) / 2;
        // The last `room` characters before the hit, and whether there are more.
        let head = &text[..start];
        let mut back = head.char_indices().rev();
        let mut from = start;
        for _ in 0..room {
            match back.next() {
                Some((i, _)) => from = i,
                None => break,
            }
        }
        let cut_before = back.next().is_some();
        // The first `room` characters after it, and whether there are more.
        let tail = &text[end..];
        let (after, cut_after) = match tail.char_indices().nth(room) {
            Some((i, _)) => (&tail[..i], true),
            None => (tail, false),
        };
        Excerpt {
            cut_before,
            before: &head[from..],
            hit,
            after,
            cut_after,
        }
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Whether a candidate is the needle, ignoring ASCII case when `fold` is set.
fn same_bytes(found: &[u8], needle: &[u8], fold: bool) -> bool {
    if fold {
        found.eq_ignore_ascii_case(needle)
    } else {
        found == needle
    }
}

/// Whether text holds a line break. Not `memchr::memchr`: its first call probes the
/// processor's features (tens of microseconds on a virtual machine), and this is the only
/// search before the reader's first frame on the embedded issue. SSE2 is there on every
/// x86-64 processor, so that searcher needs no probe.
fn has_newline(text: &[u8]) -> bool {
    #[cfg(target_arch = "x86_64")]
    if let Some(finder) = memchr::arch::x86_64::sse2::memchr::One::new(b'\n') {
        return finder.find(text).is_some();
    }
    text.contains(&b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue(blocks: &[&[&str]]) -> Issue {
        Issue::of_paragraphs(blocks)
    }

    #[test]
    fn finds_hits_in_every_block_in_order() {
        let issue = issue(&[&["aid and Aid", "no"], &["AID"]]);
        let idx = Index::build(&issue);
        assert_eq!(
            idx.search(&issue, "aid"),
            vec![
                Position::new(0, 0, 0, 3),
                Position::new(0, 0, 8, 11),
                Position::new(1, 0, 0, 3)
            ]
        );
    }

    #[test]
    fn a_capital_makes_it_case_sensitive() {
        let issue = issue(&[&["aid and Aid"]]);
        let idx = Index::build(&issue);
        assert_eq!(idx.search(&issue, "Aid"), vec![Position::new(0, 0, 8, 11)]);
    }

    #[test]
    fn non_ascii_queries_fold_case() {
        let issue = issue(&[&["Café ÉTÉ"]]);
        let idx = Index::build(&issue);
        assert_eq!(idx.search(&issue, "été"), vec![Position::new(0, 0, 6, 11)]);
    }

    #[test]
    fn hits_never_cross_blocks() {
        let issue = issue(&[&["ends with", "start"]]);
        let idx = Index::build(&issue);
        assert!(idx.search(&issue, "with start").is_empty());
        assert!(idx.search(&issue, "").is_empty());
        assert!(idx.search(&issue, "   ").is_empty());
    }

    #[test]
    fn matches_do_not_overlap_and_fit_the_block() {
        let issue = issue(&[&["aaaaa", "aa", "xaaax"]]);
        let idx = Index::build(&issue);
        assert_eq!(
            idx.search(&issue, "aaa"),
            vec![Position::new(0, 0, 0, 3), Position::new(0, 2, 1, 4)]
        );
    }

    #[test]
    fn titles_and_standfirsts_are_searched_first_in_each_article() {
        let mut issue = issue(&[&["a dam on the river"], &["no dams here", "the dam again"]]);
        issue.articles[0].title = "Dams and rivers".into();
        issue.articles[1].standfirst = Some("Why the dam\nwas built".into());
        let hits = Index::build(&issue).search(&issue, "dam");
        assert_eq!(
            hits,
            vec![
                Position::new(0, Position::TITLE, 0, 3),
                Position::new(0, 0, 2, 5),
                Position::new(1, Position::STANDFIRST, 8, 11),
                Position::new(1, 0, 3, 6),
                Position::new(1, 1, 4, 7),
            ]
        );
        // Reading order, which the derived order is not for the header parts.
        assert!(hits.is_sorted_by_key(Position::reading_key));
        assert_eq!(issue.text_at(hits[0]), Some("Dam"));
        assert_eq!(issue.text_at(hits[2]), Some("dam"));
        // A stray line break in a header reads as a space, as in a block.
        assert_eq!(
            Index::build(&issue).search(&issue, "dam was"),
            vec![Position::new(1, Position::STANDFIRST, 8, 15)]
        );
    }

    #[test]
    fn a_stray_line_break_reads_as_a_space() {
        let issue = issue(&[&["the pro\nbono firm"]]);
        let idx = Index::build(&issue);
        assert_eq!(
            idx.search(&issue, "pro bono"),
            vec![Position::new(0, 0, 4, 12)]
        );
    }

    /// Leftmost, non-overlapping matches found the slow, obvious way.
    fn naive(text: &str, query: &str, fold: bool) -> Vec<(usize, usize)> {
        let (hay, needle) = if fold {
            (text.to_ascii_lowercase(), query.to_ascii_lowercase())
        } else {
            (text.to_string(), query.to_string())
        };
        let mut found = Vec::new();
        let mut from = 0;
        while let Some(i) = hay.get(from..).and_then(|h| h.find(&needle)) {
            found.push((from + i, from + i + needle.len()));
            from += i + needle.len();
        }
        found
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_a_naive_search(
            text in "[abAB .,zQ’é]{0,60}",
            query in "[abAB.zQ]{1,4}",
            fold: bool,
        ) {
            let issue = issue(&[&[text.as_str()]]);
            let case = if fold { CaseMode::Insensitive } else { CaseMode::Sensitive };
            // The test issue's titles (`Article 1`) are searched too; only the block counts.
            let hits: Vec<(usize, usize)> = Index::build(&issue)
                .search_with(&issue, &query, case)
                .into_iter()
                .filter(|p| p.header().is_none())
                .map(|p| (p.start(), p.end()))
                .collect();
            proptest::prop_assert_eq!(hits, naive(&text, &query, fold));
        }
    }

    proptest::proptest! {
        #[test]
        fn one_scan_over_separated_blocks_finds_each_blocks_hits(
            texts in proptest::collection::vec("[abAB .,zQ’éÉ]{0,30}", 0..6),
            query in "[abAB.zQéÉ ]{1,4}",
            fold: bool,
        ) {
            let case = if fold { CaseMode::Insensitive } else { CaseMode::Sensitive };
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let issue = issue(&[refs.as_slice()]);
            let expected: Vec<(usize, usize, usize)> = Index::build(&issue)
                .search_with(&issue, &query, case)
                .into_iter()
                .filter(|p| p.header().is_none())
                .map(|p| (p.block(), p.start(), p.end()))
                .collect();
            let mut blob = Vec::new();
            let mut starts = Vec::new();
            for text in &texts {
                starts.push(blob.len());
                blob.extend_from_slice(text.as_bytes());
                blob.push(Matcher::SEPARATOR);
            }
            let mut found = Vec::new();
            if let Some(matcher) = Matcher::for_query(&query, case) {
                matcher.find(&blob, &mut |start, end| {
                    let block = starts.partition_point(|&s| s <= start) - 1;
                    found.push((block, start - starts[block], end - starts[block]));
                });
            }
            proptest::prop_assert_eq!(found, expected);
        }
    }

    /// The first implementation of [`snippet`], kept to check the faster one against.
    fn snippet_by_chars(
        text: &str,
        start: usize,
        end: usize,
        width: usize,
    ) -> (String, String, String) {
        let start = floor_char_boundary(text, start.min(text.len()));
        let end = floor_char_boundary(text, end.clamp(start, text.len()));
        let hit = &text[start..end];
        let room = width.saturating_sub(hit.chars().count()) / 2;
        let chars: Vec<char> = text[..start].chars().rev().take(room + 1).collect();
        let cut = chars.len() > room;
        let mut before: String = chars
            .into_iter()
            .take(room)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if cut {
            before.insert(0, '…');
        }
        let mut rest = text[end..].chars();
        let mut after: String = rest.by_ref().take(room).collect();
        if rest.next().is_some() {
            after.push('…');
        }
        (before, hit.to_string(), after)
    }

    proptest::proptest! {
        #[test]
        fn snippet_agrees_with_counting_characters(
            text in "[ab é’\u{1F600}]{0,40}",
            start in 0usize..50,
            len in 0usize..10,
            width in 0usize..30,
        ) {
            proptest::prop_assert_eq!(
                snippet(&text, start, start + len, width),
                snippet_by_chars(&text, start, start + len, width)
            );
        }
    }

    #[test]
    fn snippet_cuts_on_char_boundaries() {
        let text = "‘quoted’ words around the hit and more words after it";
        let start = text.find("hit").expect("hit is in the text");
        let (b, h, a) = snippet(text, start, start + 3, 16);
        assert_eq!(h, "hit");
        assert!(b.starts_with('…'));
        assert!(a.ends_with('…'));
    }
}
