//! Repairs for the damage text extraction does to a printed page, one small rule each.
//!
//! Every rule is judged by general evidence — the English dictionary shipped with the crate
//! ([`crate::lexicon`]), the same word printed unbroken elsewhere in the document, the shape of
//! a URL, the width of the column — and never by a list of the words a particular page happens
//! to contain. Each rule is conservative: when the evidence is not there, the text is left as it
//! was printed, because a wrong join is worse than a visible split.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use crate::lexicon;

/// Punctuation that may end a sentence or clause at the end of a column line. A fragment ending
/// in one of these is not continued by a capitalised fragment after a column break.
const TERMINAL: &[char] = &['.', '?', '!', ':', ';', '”', '’', ')', '"'];

/// Opening punctuation skipped when asking how a fragment starts.
const OPENING: &[char] = &['‘', '“', '"', '\'', '(', '[', '«', '…'];

/// Words of the document that contain the letters of a ligature (ff, fi, fl), as printed
/// unbroken. A split such as `Diff a` is repaired when `Diffa` is printed whole elsewhere, even
/// though no dictionary knows the name.
#[derive(Debug, Default, Clone)]
pub struct Evidence {
    /// Lower-case, as bytes so that a word lowered on the stack can be looked up.
    unbroken: HashSet<Box<[u8]>>,
}

impl Evidence {
    /// Collects the evidence from a whole document in one pass. Only the neighbourhood of an
    /// `f` is looked at, which keeps this cheap on large archives.
    pub fn from_text(text: &str) -> Self {
        let mut evidence = Self::default();
        evidence.add_text(text);
        evidence
    }

    /// Adds the evidence of part of a document, which starts and ends between lines.
    pub fn add_text(&mut self, text: &str) {
        let unbroken = &mut self.unbroken;
        let bytes = text.as_bytes();
        let mut from = 0;
        for at in memchr::memchr2_iter(b'f', b'F', bytes) {
            if at < from || !bytes.get(at + 1).is_some_and(|b| is_ligature_second(*b)) {
                continue;
            }
            // `at` is an ASCII byte, so both ends found below are character boundaries.
            let start = at - trailing_letters(&text[..at]).len();
            let end = at + leading_letters(&text[at..]).len();
            from = end;
            let word = &text[start..end];
            // The same words come back again and again: only a new one is copied.
            if word.len() > 2 {
                lexicon::with_lowercase(word, |lower| {
                    if !unbroken.contains(lower) {
                        unbroken.insert(lower.into());
                    }
                });
            }
        }
    }

    /// The evidence of two parts of a document, split between lines, is the evidence of the
    /// whole: no word runs across a line break.
    pub fn union(mut self, other: Self) -> Self {
        self.unbroken.extend(other.unbroken);
        self
    }

    /// True when `word` (any case) is printed unbroken somewhere in the document.
    pub fn contains(&self, word: &str) -> bool {
        lexicon::with_lowercase(word, |lower| self.unbroken.contains(lower))
    }
}

fn is_ligature_second(b: u8) -> bool {
    matches!(b, b'f' | b'i' | b'l' | b'F' | b'I' | b'L')
}

/// True when a word ends in ff, fi or fl (any case); ffi and ffl end in fi and fl.
fn ends_with_ligature(word: &str) -> bool {
    let b = word.as_bytes();
    b.len() >= 2 && matches!(b[b.len() - 2], b'f' | b'F') && is_ligature_second(b[b.len() - 1])
}

/// `str::trim`, with the common cases decided from the bytes at the ends: layout reading trims
/// every line several times, most lines start with a letter and end with a letter or one
/// space, and the general version decodes characters from both ends each time. ASCII
/// whitespace is stripped byte by byte; only a non-ASCII byte at an end needs the general one.
#[inline]
pub(crate) fn trim(text: &str) -> &str {
    let bytes = text.as_bytes();
    if let [first, .., before_last, last] = bytes
        && first.is_ascii_graphic()
    {
        if last.is_ascii_graphic() {
            return text;
        }
        if *last == b' ' && before_last.is_ascii_graphic() {
            // The byte dropped is ASCII, so what is left ends on a character boundary.
            return text.get(..bytes.len() - 1).unwrap_or(text);
        }
    }
    let is_space = |b: &&u8| matches!(**b, b' ' | b'\t'..=b'\r');
    let start = bytes.iter().take_while(is_space).count();
    let end = bytes.len() - bytes[start..].iter().rev().take_while(is_space).count();
    // Both ends are next to ASCII bytes or at an end of the text: character boundaries.
    let rest = &text[start..end];
    match (rest.as_bytes().first(), rest.as_bytes().last()) {
        (Some(0x80..), _) | (_, Some(0x80..)) => rest.trim(),
        _ => rest,
    }
}

/// `text.chars().count()`: every byte but a UTF-8 continuation byte (`10xxxxxx`) starts a
/// character, and those are counted eight at a time. Layout reading asks this of every line;
/// the general version pays a set-up on each short line that costs more than the count.
pub(crate) fn char_count(text: &str) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let (words, rest) = text.as_bytes().as_chunks::<8>();
    let continuations: u32 = words
        .iter()
        .map(|word| {
            let word = u64::from_le_bytes(*word);
            // High bit set, and the bit below it clear.
            (word & !(word << 1) & HIGH).count_ones()
        })
        .sum();
    let continuations = continuations as usize + rest.iter().filter(|&&b| b & 0xC0 == 0x80).count();
    text.len() - continuations
}

/// Collapses every run of whitespace to one space and trims the ends. Double spaces are where
/// footnote marks were; line breaks inside a block carry no meaning once lines are joined.
pub fn normalize_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_collapsed_trimmed(&mut out, trim(text));
    out
}

/// Appends `trimmed` (text with no whitespace at either end) to `out` as
/// [`normalize_whitespace`] gives it; true when that differs from `trimmed`.
///
/// Nearly all whitespace in a block is single ASCII spaces between words, which stay as they
/// are, so text is copied in long runs and only a character that may be other whitespace, or a
/// space after a space, is looked at closely ([`next_odd_space`]).
fn push_collapsed_trimmed(out: &mut String, trimmed: &str) -> bool {
    let bytes = trimmed.as_bytes();
    // `trimmed` starts and ends with a character that is not whitespace, so every run of
    // whitespace inside it lies between two words and becomes exactly one space.
    let mut copied = 0;
    let mut at = 0;
    let mut changed = false;
    while let Some(odd) = next_odd_space(bytes, at) {
        let len = space_len(trimmed, odd);
        if len == 0 {
            at = odd + 1;
            continue;
        }
        // Spaces just before it belong to the same run: `a  b` is found at its second space.
        let mut start = odd;
        while start > copied && bytes[start - 1] == b' ' {
            start -= 1;
        }
        let mut end = odd + len;
        while let len @ 1.. = space_len(trimmed, end) {
            end += len;
        }
        out.push_str(&trimmed[copied..start]);
        out.push(' ');
        copied = end;
        at = end;
        changed = true;
    }
    out.push_str(&trimmed[copied..]);
    changed
}

/// Bytes of whitespace starting at byte `i` of `text`: 0 when the character there is not
/// whitespace, or `i` is not where a character starts.
fn space_len(text: &str, i: usize) -> usize {
    match text.as_bytes().get(i) {
        Some(b' ' | b'\t'..=b'\r') => 1,
        Some(0x80..) => text
            .get(i..)
            .and_then(|rest| rest.chars().next())
            .filter(|c| c.is_whitespace())
            .map_or(0, char::len_utf8),
        _ => 0,
    }
}

/// True when a non-ASCII whitespace character starts at byte `i`: U+0085 and U+00A0 (`C2 85`,
/// `C2 A0`), U+1680 (`E1 9A 80`), U+2000–U+200A, U+2028, U+2029, U+202F (`E2 80 xx`), U+205F
/// (`E2 81 9F`) and U+3000 (`E3 80 80`). Told from the bytes, so that the curly quotes and
/// dashes that share the lead byte `E2` are passed over without decoding them.
fn starts_wide_space(bytes: &[u8], i: usize) -> bool {
    let at = |k: usize| bytes.get(i + k).copied().unwrap_or(0);
    match at(0) {
        0xC2 => matches!(at(1), 0x85 | 0xA0),
        0xE1 => at(1) == 0x9A && at(2) == 0x80,
        0xE2 => match at(1) {
            0x80 => matches!(at(2), 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF),
            0x81 => at(2) == 0x9F,
            _ => false,
        },
        0xE3 => at(1) == 0x80 && at(2) == 0x80,
        _ => false,
    }
}

/// The first byte from `from` that may start whitespace other than a single space between
/// words: a control character, a non-ASCII whitespace character, or a space after a space.
/// A byte found is always where a character starts.
///
/// Eight bytes are tested at a time with plain SWAR arithmetic (no carry crosses a byte: every
/// sum is done on 7-bit values); only a word with something unusual in it is looked at byte by
/// byte. Prose has a space every few bytes, so stopping at every space would cost several times
/// more.
fn next_odd_space(bytes: &[u8], from: usize) -> Option<usize> {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let each = |b: u8| u64::from_ne_bytes([b; 8]);
    let is_zero = |w: u64| !(((w & LOW7) + LOW7) | w | LOW7);
    let is_odd = |i: usize| match bytes[i] {
        b' ' => i > 0 && bytes[i - 1] == b' ',
        0..=0x1F => true,
        0x80.. => starts_wide_space(bytes, i),
        _ => false,
    };
    let mut i = from;
    // High bit of byte 0 set when the byte before the word is a space.
    let mut space_before = if i > 0 && bytes[i - 1] == b' ' {
        0x80
    } else {
        0
    };
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(chunk);
        let word = u64::from_le_bytes(eight);
        let spaces = is_zero(word ^ each(b' '));
        let pairs = spaces & ((spaces << 8) | space_before);
        let controls = !((word & LOW7) + each(0x60)) & HIGH;
        let mut marked = pairs | controls | (word & HIGH);
        while marked != 0 {
            let k = marked.trailing_zeros() as usize / 8;
            if is_odd(i + k) {
                return Some(i + k);
            }
            marked &= marked - 1;
        }
        space_before = (spaces >> 56) & 0x80;
        i += 8;
    }
    (i..bytes.len()).find(|&i| is_odd(i))
}

/// Decides whether `left right` is a word split by a ligature glyph (`fi eld`, `effi cient`).
///
/// The joined word must be known (dictionary or printed unbroken in the document). When both
/// halves are words in their own right (`off ice`, `Diff a`), only the document's own unbroken
/// spelling is trusted, so ordinary phrases such as `staff if` are never glued together.
pub fn is_ligature_split(left: &str, right: &str, evidence: &Evidence) -> bool {
    if left.is_empty() || right.is_empty() || !ends_with_ligature(left) {
        return false;
    }
    if !right.chars().all(char::is_lowercase) {
        return false;
    }
    // Either the dictionary or the document's own spelling is enough. The dictionary's verdict
    // is remembered, and says yes to most real splits, so it is asked first.
    dictionary_joins(left, right) || evidence.contains(&joined(left, right))
}

fn joined(left: &str, right: &str) -> String {
    let mut joined = String::with_capacity(left.len() + right.len());
    joined.push_str(left);
    joined.push_str(right);
    joined
}

/// Pairs the dictionary has been asked about on this thread, with its verdicts, and a buffer
/// for the key (`left right`: `right` is all lower-case letters, so the key cannot be read two
/// ways).
#[derive(Default)]
struct Verdicts {
    key: String,
    known: HashMap<Box<str>, bool>,
}

/// How many verdicts a thread keeps before starting afresh, which bounds the memory they take.
const VERDICTS_KEPT: usize = 4096;

thread_local! {
    static VERDICTS: RefCell<Verdicts> = RefCell::default();
}

/// The dictionary's side of [`is_ligature_split`]: the joined word is known, and the halves
/// are not both words of their own. That costs up to four look-ups in the dictionary, while
/// the same few split words (`fi eld`, `confl ict`) come back on page after page of a
/// document; the verdict depends on nothing but the pair, so it is remembered.
fn dictionary_joins(left: &str, right: &str) -> bool {
    let ask = || {
        // The joined word first: most pairs fail there, before the halves are looked up.
        lexicon::is_word(&joined(left, right))
            && !(lexicon::is_word(left) && lexicon::is_word(right))
    };
    VERDICTS.with(|cell| {
        let Ok(mut verdicts) = cell.try_borrow_mut() else {
            return ask();
        };
        let Verdicts { key, known } = &mut *verdicts;
        key.clear();
        key.push_str(left);
        key.push(' ');
        key.push_str(right);
        if let Some(&verdict) = known.get(key.as_str()) {
            return verdict;
        }
        let verdict = ask();
        if known.len() >= VERDICTS_KEPT {
            known.clear();
        }
        known.insert(key.as_str().into(), verdict);
        verdict
    })
}

/// Removes the spaces ligature glyphs left behind: `the fi eld` → `the field`,
/// `(fi scal)` → `(fiscal)`, `Fi ji` → `Fiji`. Expects whitespace already normalised.
pub fn repair_ligatures<'a>(text: &'a str, evidence: &Evidence) -> Cow<'a, str> {
    let bytes = text.as_bytes();
    // Allocated at the first join: most blocks have none.
    let mut out = String::new();
    let mut copied = 0;
    // The spaces that may be left by a ligature are found from their `f`, which is far rarer
    // in prose than a space: `f` or `F`, then one of `fFiIlL`, then the space.
    for f in memchr::memchr2_iter(b'f', b'F', bytes) {
        let at = f + 2;
        if bytes.get(at) != Some(&b' ') || !bytes.get(f + 1).is_some_and(|&b| is_ligature_second(b))
        {
            continue;
        }
        let joins = leading_word(&text[at + 1..])
            .is_some_and(|right| is_ligature_split(trailing_letters(&text[..at]), right, evidence));
        if joins {
            if out.capacity() == 0 {
                out.reserve_exact(text.len());
            }
            out.push_str(&text[copied..at]);
            copied = at + 1;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// The letters at the very end of `text` (the tail of its last word).
///
/// ASCII letters are stepped over byte by byte; characters are decoded only from the first
/// byte that is not one.
fn trailing_letters(text: &str) -> &str {
    let bytes = text.as_bytes();
    let ascii = bytes
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    let mut start = bytes.len() - ascii;
    if bytes
        .get(start.wrapping_sub(1))
        .is_some_and(|b| !b.is_ascii())
    {
        start = text[..start]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| c.is_alphabetic())
            .last()
            .map_or(start, |(i, _)| i);
    }
    &text[start..]
}

/// The letters at the very start of `text` (the head of its first word); the counterpart of
/// [`trailing_letters`].
fn leading_letters(text: &str) -> &str {
    let bytes = text.as_bytes();
    let mut end = bytes.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if bytes.get(end).is_some_and(|b| !b.is_ascii()) {
        end = text[end..]
            .char_indices()
            .find(|&(_, c)| !c.is_alphabetic())
            .map_or(text.len(), |(i, _)| end + i);
    }
    &text[..end]
}

/// The lower-case letters a piece starts with, when they make a whole word (followed by a
/// non-letter or nothing).
fn leading_word(piece: &str) -> Option<&str> {
    let end = piece
        .char_indices()
        .find(|(_, c)| !c.is_lowercase())
        .map_or(piece.len(), |(i, _)| i);
    let word = &piece[..end];
    let next = piece[end..].chars().next();
    (!word.is_empty() && !next.is_some_and(char::is_alphabetic)).then_some(word)
}

/// Joins a drop cap to the rest of its word at the start of a block: `T he` → `The`,
/// `A fter` → `After`. `A` and `I` are words of their own, so they are joined only when what
/// follows is not a word by itself (`A fter`, but never `A number`).
pub fn repair_drop_cap(text: &str) -> Cow<'_, str> {
    let lead = text.len() - text.trim_start_matches(OPENING).len();
    let rest = &text[lead..];
    let mut chars = rest.char_indices();
    let (Some((_, cap)), Some((_, ' '))) = (chars.next(), chars.next()) else {
        return Cow::Borrowed(text);
    };
    if !cap.is_uppercase() {
        return Cow::Borrowed(text);
    }
    let after = &rest[cap.len_utf8() + 1..];
    let Some(fragment) = leading_word(after) else {
        return Cow::Borrowed(text);
    };
    let joined = format!("{cap}{fragment}");
    let real_letter_word = matches!(cap, 'A' | 'I');
    // The word list also holds the letters of the alphabet; a lone `n` after `I` is the rest
    // of `In`, not a word.
    let fragment_is_word = match fragment.chars().count() {
        1 => fragment == "a",
        _ => lexicon::is_word(fragment),
    };
    let joins = lexicon::is_word(&joined) && !(real_letter_word && fragment_is_word);
    if !joins {
        return Cow::Borrowed(text);
    }
    Cow::Owned(format!("{}{cap}{after}", &text[..lead]))
}

/// True when a token is a web address: `http://…`, `https://…`, `www.…`.
pub fn is_url(token: &str) -> bool {
    let token = token.trim_start_matches(OPENING).as_bytes();
    ["http://", "https://", "www.", "ftp://"]
        .iter()
        .any(|prefix| {
            token
                .get(..prefix.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(prefix.as_bytes()))
        })
}

/// True when a URL broken at a line end continues on the next line: the line ends inside a URL
/// after `.`, `/` or `-`, and the next line starts with what can continue one (a domain after a
/// dot; a path or name after a slash or hyphen), never with a capitalised sentence.
pub fn url_continues(line_end: &str, next_line: &str) -> bool {
    if !ends_in_url_break(line_end) {
        return false;
    }
    let Some(last) = last_word(line_end) else {
        return false;
    };
    let Some(next) = next_line.split_whitespace().next() else {
        return false;
    };
    if !is_url(last) {
        return false;
    }
    let starts_ok = next
        .chars()
        .next()
        .is_some_and(|c| c.is_lowercase() || c.is_ascii_digit());
    if !starts_ok {
        return false;
    }
    if last.ends_with('.') {
        // After a dot, only a domain or path continues; a plain word starts a new sentence.
        next.contains('.') || next.contains('/')
    } else {
        last.ends_with('/') || last.ends_with('-')
    }
}

/// True when text ends, but for whitespace, in `.`, `/` or `-`. Asked at every line of every
/// block: the last byte nearly always settles it without trimming.
fn ends_in_url_break(text: &str) -> bool {
    let last_byte = text.as_bytes().last().copied().unwrap_or(b' ');
    matches!(last_byte, b'.' | b'/' | b'-' | b' ' | b'\t'..=b'\r' | 0x80..)
        && text.trim_end().ends_with(['.', '/', '-'])
}

/// True when a fragment ends where a sentence or clause may end.
pub fn ends_terminal(text: &str) -> bool {
    text.trim_end().ends_with(TERMINAL)
}

/// True when a fragment starts with a lower-case letter, after any opening quote or bracket.
pub fn starts_lowercase(text: &str) -> bool {
    text.trim_start()
        .trim_start_matches(OPENING)
        .chars()
        .next()
        .is_some_and(char::is_lowercase)
}

/// True when the last word of a text is a URL.
pub fn ends_with_url(text: &str) -> bool {
    last_word(text).is_some_and(is_url)
}

/// The last whitespace-separated word, found from the end (blocks can be long).
fn last_word(text: &str) -> Option<&str> {
    text.trim_end()
        .rsplit(char::is_whitespace)
        .next()
        .filter(|w| !w.is_empty())
}

/// Splits a bare URL printed after the last sentence of a paragraph (`… added value.
/// www.example.org/peace`) into its own piece; `None` when the URL belongs to a sentence.
pub fn split_trailing_url(text: &str) -> Option<(&str, &str)> {
    let (before, last) = text.rsplit_once(' ')?;
    if !is_url(last) || last.starts_with(OPENING) {
        return None;
    }
    let before = before.trim_end();
    before.ends_with(['.', '?', '!']).then_some((before, last))
}

/// True when text reads like a bibliographic entry: a year in brackets (`(1998)`) or a closing
/// web address.
pub fn looks_like_citation(text: &str) -> bool {
    ends_with_url(text) || has_bracketed_year(text)
}

fn has_bracketed_year(text: &str) -> bool {
    text.as_bytes().windows(6).any(|w| {
        w[0] == b'(' && w[5] == b')' && w[1..5].iter().all(u8::is_ascii_digit) && w[1] <= b'2'
    })
}

/// What a hyphen at the end of a printed line means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HyphenBreak {
    /// No hyphen at a word's end, or a suspended hyphen (`state- or project-level`): a space.
    None,
    /// Hyphenation inside a word (`govern-` / `ment`): drop the hyphen.
    Soft,
    /// A compound broken at its hyphen (`self-` / `critical`): keep it, no space.
    Compound,
}

/// Reads a hyphen at a line end: a suspended hyphen before a conjunction keeps its space; a
/// word the dictionary knows without the hyphen was hyphenated by the typesetter; anything
/// else is a compound, among them a hyphen before a capital or a figure (`Norwegian-` /
/// `Russian`, `mid-` / `2007`), where no typesetter breaks a word.
pub fn hyphen_break(line_end: &str, next_line: &str) -> HyphenBreak {
    let Some(before) = line_end.strip_suffix('-') else {
        return HyphenBreak::None;
    };
    let left = trailing_letters(before);
    if left.is_empty() {
        return HyphenBreak::None;
    }
    let next = next_line.trim_start();
    let Some(right) = leading_word(next) else {
        let capital_or_figure = next
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
        return if capital_or_figure {
            HyphenBreak::Compound
        } else {
            HyphenBreak::None
        };
    };
    if matches!(right, "and" | "or" | "nor" | "to") {
        return HyphenBreak::None;
    }
    if lexicon::is_common_word(&format!("{left}{right}")) {
        HyphenBreak::Soft
    } else {
        HyphenBreak::Compound
    }
}

/// Builds a block's text from its printed lines, rejoining URLs broken at line ends, with its
/// whitespace collapsed as [`normalize_whitespace`] would (lines are trimmed and joined by one
/// space at most, so collapsing each line as it comes gives the same text in one copy).
#[derive(Debug, Clone, Default)]
pub struct Lines {
    text: String,
    last_start: usize,
    /// Printed width of the last line when collapsing its whitespace changed it; otherwise it
    /// is counted in `text` when asked for.
    last_printed: Option<usize>,
}

impl Lines {
    pub fn new(line: &str) -> Self {
        // Most blocks are a paragraph of a few hundred bytes; start there rather than regrow.
        let mut lines = Self {
            text: String::with_capacity(512),
            last_start: 0,
            last_printed: None,
        };
        lines.push(line);
        lines
    }

    /// Appends a printed line.
    pub fn push(&mut self, line: &str) {
        let line = trim(line);
        if line.is_empty() {
            return;
        }
        if !self.text.is_empty() && !url_continues(&self.text, line) {
            match hyphen_break(&self.text, line) {
                HyphenBreak::Soft => {
                    self.text.pop();
                }
                HyphenBreak::Compound => {}
                HyphenBreak::None => self.text.push(' '),
            }
        }
        self.last_start = self.text.len();
        self.last_printed = push_collapsed_trimmed(&mut self.text, line).then(|| char_count(line));
    }

    /// Appends printed lines, with room made for them all at once.
    pub fn extend(&mut self, lines: &[&str]) {
        self.text
            .reserve(lines.iter().map(|line| line.len() + 1).sum());
        for line in lines {
            self.push(line);
        }
    }

    /// The text so far, lines joined.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text, lines joined, without a copy.
    pub fn into_text(self) -> String {
        self.text
    }

    /// Printed width (in characters) of the last line added.
    pub fn last_len(&self) -> usize {
        self.last_printed
            .unwrap_or_else(|| self.text.get(self.last_start..).map_or(0, char_count))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none() -> Evidence {
        Evidence::default()
    }

    #[test]
    fn joins_ligature_splits_known_to_the_dictionary() {
        let e = none();
        assert_eq!(repair_ligatures("in the fi eld of", &e), "in the field of");
        assert_eq!(repair_ligatures("more effi cient", &e), "more efficient");
        assert_eq!(
            repair_ligatures("infl ation and confl ict", &e),
            "inflation and conflict"
        );
        assert_eq!(
            repair_ligatures("its (fi scal) base", &e),
            "its (fiscal) base"
        );
        assert_eq!(repair_ligatures("diffi culties.", &e), "difficulties.");
        assert_eq!(repair_ligatures("justifi ed", &e), "justified");
    }

    #[test]
    fn keeps_capitals_when_joining() {
        let e = none();
        assert_eq!(repair_ligatures("Fi scal policy", &e), "Fiscal policy");
        assert_eq!(repair_ligatures("Can Fi ji join?", &e), "Can Fiji join?");
        assert_eq!(repair_ligatures("Offi cials", &e), "Officials");
    }

    #[test]
    fn trusts_the_document_for_words_no_dictionary_knows() {
        let text = "Farmers in Diffa. In Diff a and Tillabéri; Nafi sa said.";
        let e = Evidence::from_text(text);
        assert!(e.contains("diffa"));
        let fixed = repair_ligatures(text, &e);
        assert_eq!(
            fixed,
            "Farmers in Diffa. In Diffa and Tillabéri; Nafi sa said."
        );
    }

    #[test]
    fn does_not_join_ordinary_phrases() {
        let e = none();
        for phrase in [
            "pay its staff if donors",
            "the staff concede",
            "if eld",
            "Kofi Boateng",
            "staff a",
            "take off ice",
            "a chief of staff",
            "fi Eld",
            "fi eldWork",
        ] {
            assert_eq!(repair_ligatures(phrase, &e), phrase, "{phrase}");
        }
    }

    #[test]
    fn trusts_two_real_words_only_with_the_documents_spelling() {
        let e = Evidence::from_text("the main office");
        assert_eq!(repair_ligatures("off ice", &e), "office");
        assert_eq!(repair_ligatures("off ice", &none()), "off ice");
    }

    #[test]
    fn ligature_repair_survives_odd_text() {
        let e = none();
        for text in [
            "",
            " ",
            "fi",
            "fi ",
            " eld",
            "ﬁ eld",
            "é fi",
            "fi  eld",
            "’fi’ eld",
        ] {
            let _ = repair_ligatures(text, &e);
        }
    }

    #[test]
    fn joins_drop_caps() {
        assert_eq!(repair_drop_cap("T he Bush"), "The Bush");
        assert_eq!(repair_drop_cap("A fter three"), "After three");
        assert_eq!(repair_drop_cap("W hen Paraguayans"), "When Paraguayans");
        assert_eq!(repair_drop_cap("‘S ince then’"), "‘Since then’");
        assert_eq!(repair_drop_cap("I n 1998 the"), "In 1998 the");
        assert_eq!(repair_drop_cap("I t was"), "It was");
        assert_eq!(repair_drop_cap("A n old"), "An old");
    }

    #[test]
    fn never_joins_real_one_letter_words() {
        for text in [
            "A number is",
            "I think so",
            "A study by",
            "T",
            "T ",
            "T 2007",
            "The Bush",
            "a fter",
            "",
        ] {
            assert_eq!(repair_drop_cap(text), text, "{text}");
        }
    }

    #[test]
    fn recognises_urls() {
        assert!(is_url("http://econ.worldbank.org/prr"));
        assert!(is_url("www.pilpg.org)"));
        assert!(is_url("(www.pilpg.org,"));
        assert!(is_url("HTTPS://x"));
        assert!(!is_url("worldbank.org"));
        assert!(!is_url("http"));
        assert!(!is_url("é"));
    }

    #[test]
    fn rejoins_urls_broken_at_line_ends() {
        let mut lines = Lines::new("Press. http://econ.");
        lines.push("worldbank.org/prr");
        assert_eq!(lines.text(), "Press. http://econ.worldbank.org/prr");
        let mut lines = Lines::new("added value. www.publicinternationallaw.org/");
        lines.push("peace");
        assert_eq!(
            lines.text(),
            "added value. www.publicinternationallaw.org/peace"
        );
        let mut lines = Lines::new("see www.long-");
        lines.push("name.org for more");
        assert_eq!(lines.text(), "see www.long-name.org for more");
    }

    #[test]
    fn keeps_lines_apart_when_no_url_continues() {
        // A sentence ending in a URL followed by a new sentence.
        assert!(!url_continues("at www.example.org.", "The next"));
        assert!(!url_continues("at www.example.org.", "and then"));
        assert!(!url_continues("see example.", "org/x"));
        assert!(!url_continues("a road/", "path"));
        assert!(!url_continues("", "x"));
        let mut lines = Lines::new("to state-");
        lines.push("or even project-level data");
        assert_eq!(lines.text(), "to state- or even project-level data");
    }

    #[test]
    fn reads_hyphens_at_line_ends() {
        let join = |a: &str, b: &str| {
            let mut lines = Lines::new(a);
            lines.push(b);
            lines.text().to_string()
        };
        let cases = [
            ("a self-", "critical study", "a self-critical study"),
            ("the govern-", "ment said", "the government said"),
            ("multi-", "lateral talks", "multilateral talks"),
            ("country- and", "state-level", "country- and state-level"),
            ("country-", "and state-level", "country- and state-level"),
            ("a dash –", "and more", "a dash – and more"),
            ("-", "x", "- x"),
            // Before a capital or a figure: a compound.
            ("US-", "Led", "US-Led"),
            (
                "Joint Norwegian-",
                "Russian Commission",
                "Joint Norwegian-Russian Commission",
            ),
            ("by mid-", "2008 the", "by mid-2008 the"),
            // Not a word's end: a dash, or a figure before the hyphen.
            ("results -", "The", "results - The"),
            ("1990-", "2000", "1990- 2000"),
            ("a-", "(b)", "a- (b)"),
        ];
        for (line, next, joined) in cases {
            assert_eq!(join(line, next), joined, "{line:?} / {next:?}");
        }
    }

    #[test]
    fn splits_a_bare_url_after_the_last_sentence() {
        assert_eq!(
            split_trailing_url("added value. www.x.org/peace"),
            Some(("added value.", "www.x.org/peace"))
        );
        assert_eq!(split_trailing_url("available at www.x.org/peace"), None);
        assert_eq!(split_trailing_url("use: http://x.org"), None);
        assert_eq!(split_trailing_url("Done. (www.x.org)"), None);
        assert_eq!(split_trailing_url("www.x.org"), None);
    }

    #[test]
    fn classifies_fragments() {
        assert!(starts_lowercase("‘good’ coalitions"));
        assert!(starts_lowercase("now 150+"));
        assert!(!starts_lowercase("Works, What"));
        assert!(!starts_lowercase("(GSS), whose"));
        assert!(!starts_lowercase("1997 treaty"));
        assert!(ends_terminal("the declaration. "));
        assert!(ends_terminal("questions:"));
        assert!(ends_terminal("‘international community’"));
        assert!(!ends_terminal("But there are "));
        assert!(looks_like_citation("World Bank (1998) Assessing Aid"));
        assert!(looks_like_citation(
            "programme: http://econ.worldbank.org/programs"
        ));
        assert!(!looks_like_citation(
            "Does aid facilitate policy reform? If"
        ));
        assert!(!looks_like_citation(
            "Group (PILPG, www.pilpg.org) publishes"
        ));
    }

    #[test]
    fn remembered_verdicts_agree_with_the_dictionary_past_the_limit() {
        let e = none();
        for round in 0..2 {
            for n in 0..VERDICTS_KEPT + 10 {
                let left = format!("{}fi", "ab".repeat(n % 7));
                let right = ["eld", "x", "nancial", "rm"][n % 4].repeat(1 + n / 28);
                assert_eq!(
                    is_ligature_split(&left, &right, &e),
                    reference::is_ligature_split(&left, &right, &e),
                    "{left} {right} in round {round}"
                );
            }
        }
        assert!(is_ligature_split("fi", "eld", &e));
    }

    #[test]
    fn wide_spaces_are_told_from_their_bytes() {
        for c in ('\u{80}'..=char::MAX).filter(|c| c.len_utf8() > 1) {
            let text = format!("{c}x");
            assert_eq!(
                starts_wide_space(text.as_bytes(), 0),
                c.is_whitespace(),
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn trims_and_counts_as_the_standard_library_does() {
        for text in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "ab",
            "a b",
            "’a",
            "a’",
            " \u{a0}x\u{3000}",
            "\u{85}",
            "ab ",
            "ab  ",
            "a\t ",
            "ab\u{a0} ",
            "’ ",
        ] {
            assert_eq!(trim(text), text.trim(), "{text:?}");
            assert_eq!(char_count(text), text.chars().count(), "{text:?}");
        }
    }

    #[test]
    fn normalises_whitespace() {
        assert_eq!(normalize_whitespace("  a  b \u{a0} c "), "a b c");
        assert_eq!(normalize_whitespace("‘quoted’ – dash"), "‘quoted’ – dash");
        assert_eq!(
            normalize_whitespace("eight by  tes\u{3000}x\u{2028}\u{85}y"),
            "eight by tes x y"
        );
        assert_eq!(
            normalize_whitespace("a\x1c b \u{200b} c"),
            "a\x1c b \u{200b} c"
        );
    }

    /// The straightforward versions the fast ones replaced: what they give is the specification.
    mod reference {
        use super::super::*;

        pub fn normalize_whitespace(text: &str) -> String {
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        }

        pub fn is_ligature_split(left: &str, right: &str, evidence: &Evidence) -> bool {
            if left.is_empty() || right.is_empty() || !ends_with_ligature(left) {
                return false;
            }
            if !right.chars().all(char::is_lowercase) {
                return false;
            }
            let joined = format!("{left}{right}");
            let seen = evidence.contains(&joined);
            if lexicon::is_word(left) && lexicon::is_word(right) {
                return seen;
            }
            seen || lexicon::is_word(&joined)
        }

        pub fn repair_ligatures(text: &str, evidence: &Evidence) -> String {
            let mut out = String::new();
            let mut copied = 0;
            for (at, _) in text.match_indices(' ') {
                if !ends_with_ligature(&text[..at]) {
                    continue;
                }
                let joins = leading_word(&text[at + 1..]).is_some_and(|right| {
                    is_ligature_split(trailing_letters(&text[..at]), right, evidence)
                });
                if joins {
                    out.push_str(&text[copied..at]);
                    copied = at + 1;
                }
            }
            out.push_str(&text[copied..]);
            out
        }

        pub fn trailing_letters(text: &str) -> &str {
            let start = text
                .char_indices()
                .rev()
                .take_while(|(_, c)| c.is_alphabetic())
                .last()
                .map_or(text.len(), |(i, _)| i);
            &text[start..]
        }

        pub fn leading_letters(text: &str) -> &str {
            let end = text
                .char_indices()
                .find(|(_, c)| !c.is_alphabetic())
                .map_or(text.len(), |(i, _)| i);
            &text[..end]
        }

        pub fn ends_in_url_break(text: &str) -> bool {
            text.trim_end().ends_with(['.', '/', '-'])
        }

        /// Lines joined as printed, then collapsed; and the printed width of the last line.
        pub fn lines(lines: &[String]) -> (String, usize) {
            let mut text = String::new();
            let mut last = 0;
            for line in lines {
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                if !text.is_empty() && !url_continues(&text, line) {
                    match hyphen_break(&text, line) {
                        HyphenBreak::Soft => {
                            text.pop();
                        }
                        HyphenBreak::Compound => {}
                        HyphenBreak::None => text.push(' '),
                    }
                }
                last = line.chars().count();
                text.push_str(line);
            }
            (normalize_whitespace(&text), last)
        }
    }

    /// Text made of what the fast paths treat specially: every kind of whitespace, controls,
    /// ligature letters, words with and without ligature splits, accents and combining marks.
    fn tricky_text() -> impl proptest::strategy::Strategy<Value = String> {
        let pieces = proptest::sample::select(vec![
            " ",
            "  ",
            "\t",
            "\n",
            "\r",
            "\x0b",
            "\x0c",
            "\x1c",
            "\u{85}",
            "\u{a0}",
            "\u{1680}",
            "\u{2003}",
            "\u{200a}",
            "\u{200b}",
            "\u{2028}",
            "\u{202f}",
            "\u{205f}",
            "\u{3000}",
            "\u{feff}",
            "’",
            "–",
            "é",
            "e\u{301}",
            "\u{fb01}",
            "f",
            "F",
            "fi",
            "ff",
            "fl",
            "Fi",
            "FL",
            "fi eld",
            "effi cient",
            "diffi culties",
            "off ice",
            "staff if",
            "Offi cials",
            "eld",
            "ice",
            "a",
            "The",
            "word",
            "(",
            ")",
            ".",
            "-",
            "İ",
            "ß",
            "ǅ",
            "x",
        ]);
        proptest::collection::vec(pieces, 0..40).prop_map(|p| p.concat())
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn trimming_and_counting_agree_with_the_standard_library(text in tricky_text()) {
            prop_assert_eq!(trim(&text), text.trim());
            prop_assert_eq!(char_count(&text), text.chars().count());
        }

        #[test]
        fn trimming_and_counting_agree_on_any_text(text: String) {
            prop_assert_eq!(trim(&text), text.trim());
            prop_assert_eq!(char_count(&text), text.chars().count());
        }

        #[test]
        fn collapsing_agrees_with_splitting_into_words(text in tricky_text()) {
            prop_assert_eq!(normalize_whitespace(&text), reference::normalize_whitespace(&text));
        }

        #[test]
        fn collapsing_agrees_on_any_text(text: String) {
            prop_assert_eq!(normalize_whitespace(&text), reference::normalize_whitespace(&text));
        }

        #[test]
        fn collapsing_agrees_at_every_offset(head in "[a ]{0,17}", text in tricky_text()) {
            let text = format!("{head}{text}");
            prop_assert_eq!(normalize_whitespace(&text), reference::normalize_whitespace(&text));
        }

        #[test]
        fn evidence_is_every_word_printed_with_a_ligature_s_letters(document in tricky_text()) {
            let evidence = Evidence::from_text(&document);
            let mut expected: HashSet<Box<[u8]>> = HashSet::new();
            for word in document.split(|c: char| !c.is_alphabetic()) {
                let pair = word.as_bytes().windows(2).any(|w| {
                    matches!(w[0], b'f' | b'F') && is_ligature_second(w[1])
                });
                if pair && word.len() > 2 {
                    lexicon::with_lowercase(word, |lower| {
                        expected.insert(lower.into());
                    });
                }
            }
            prop_assert_eq!(evidence.unbroken, expected);
        }

        #[test]
        fn ligature_repair_agrees_with_the_reference(
            text in tricky_text(),
            document in tricky_text(),
        ) {
            let evidence = Evidence::from_text(&document);
            let text = normalize_whitespace(&text);
            prop_assert_eq!(
                repair_ligatures(&text, &evidence).into_owned(),
                reference::repair_ligatures(&text, &evidence)
            );
        }

        #[test]
        fn letters_at_the_ends_agree_with_the_reference(text in tricky_text()) {
            prop_assert_eq!(trailing_letters(&text), reference::trailing_letters(&text));
            prop_assert_eq!(leading_letters(&text), reference::leading_letters(&text));
        }

        #[test]
        fn url_breaks_agree_with_the_reference(
            head in tricky_text(),
            last in proptest::sample::select(vec![
                "www.x.", "http://a/", "www.long-", ".", "/", "-", " ", "\u{a0}", "’", "a", "\t",
                ".\u{3000}", "www.x.\u{2003}", "",
            ]),
        ) {
            let text = format!("{head}{last}");
            prop_assert_eq!(ends_in_url_break(&text), reference::ends_in_url_break(&text));
        }

        #[test]
        fn ligature_splits_agree_with_the_reference(
            left in "[a-zA-Zé]{0,6}[fF][fFiIlL]",
            right in "[a-zé]{0,8}",
            document in tricky_text(),
        ) {
            let evidence = Evidence::from_text(&document);
            prop_assert_eq!(
                is_ligature_split(&left, &right, &evidence),
                reference::is_ligature_split(&left, &right, &evidence)
            );
        }

        #[test]
        fn lines_collapse_as_they_are_joined(
            lines in proptest::collection::vec(tricky_text(), 1..6),
        ) {
            let mut built = Lines::default();
            for line in &lines {
                built.push(line);
            }
            let (text, last) = reference::lines(&lines);
            prop_assert_eq!(built.last_len(), last);
            prop_assert_eq!(built.into_text(), text);
        }
    }
}
