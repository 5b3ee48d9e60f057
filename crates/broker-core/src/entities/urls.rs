//! Web addresses with or without a scheme: `http://econ.worldbank.org/prr`, `www.pilpg.org`,
//! `example.org/path`, trailing punctuation left out.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

fn pattern() -> Option<&'static Regex> {
    // ASCII word boundaries keep the regex engine on its fast path for non-ASCII text.
    static CELL: OnceLock<Option<Regex>> = OnceLock::new();
    CELL.get_or_init(|| {
        Regex::new(
            r"(?i)(?-u:\b)(?:(?:https?|ftp)://|www\.)[^\s<>()\[\]{}]+|(?-u:\b)[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:org|com|net|int|edu|gov|info|eu|nl|uk|de|fr|ch|be|no|se|dk|int|ac\.uk)(?-u:\b)(?:/[^\s<>()\[\]{}]*)?",
        )
        .ok()
    })
    .as_ref()
}

/// Byte ranges of the web addresses in `text`, in order.
pub fn find(text: &str) -> Vec<Range<usize>> {
    // Most blocks hold no address: those are turned away before the regex engine is set up.
    if !may_hold_address(text.as_bytes()) {
        return Vec::new();
    }
    find_everywhere(text)
}

/// The pattern run on the whole of `text`.
fn find_everywhere(text: &str) -> Vec<Range<usize>> {
    let Some(re) = pattern() else {
        return Vec::new();
    };
    re.find_iter(text)
        .filter_map(|m| {
            let url = m.as_str();
            let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '’', '”', '\'', '"']);
            // An e-mail address is not a web page.
            let before = text[..m.start()].chars().next_back();
            (before != Some('@') && trimmed.contains('.'))
                .then(|| m.start()..m.start() + trimmed.len())
        })
        .collect()
}

/// An address kept always holds a full stop with a character of the address after it (the
/// `.` of `www.`, of a domain before its suffix, or inside what follows a scheme, trailing
/// stops being cut off): text where every `.` ends the text or comes before whitespace or a
/// bracket holds none. A non-ASCII byte after a `.` counts as a possible address character.
fn may_hold_address(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'.', bytes).any(|i| {
        bytes.get(i + 1).is_some_and(|&b| {
            !matches!(
                b,
                b' ' | b'\t'..=b'\r' | b'<' | b'>' | b'(' | b')' | b'[' | b']' | b'{' | b'}'
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(text: &str) -> Vec<&str> {
        find(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn finds_addresses_with_and_without_scheme() {
        assert_eq!(
            urls("(PILPG, www.pilpg.org) see http://econ.worldbank.org/prr. Or oecd.org/dac, and"),
            [
                "www.pilpg.org",
                "http://econ.worldbank.org/prr",
                "oecd.org/dac"
            ]
        );
        assert_eq!(
            urls("www.publicinternationallaw.org/peace"),
            ["www.publicinternationallaw.org/peace"]
        );
    }

    fn tricky_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::strategy::Strategy;
        let pieces = proptest::sample::select(vec![
            " ", "\n", "\u{a0}", ".", ",", ")", "(", "/", ":", "://", "@", "-", "’", "http",
            "https", "HTTP", "ftp", "www", "WWW", "w", "org", "ORG", "com", "uk", "ac", "ſ",
            "\u{212a}", "e", "g", "x", "3", "é",
        ]);
        proptest::collection::vec(pieces, 0..20).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #[test]
        fn the_check_for_a_full_stop_loses_no_address(text in tricky_text()) {
            proptest::prop_assert_eq!(find(&text), find_everywhere(&text));
        }

        #[test]
        fn the_check_for_a_full_stop_loses_no_address_in_any_text(text: String) {
            proptest::prop_assert_eq!(find(&text), find_everywhere(&text));
        }
    }

    #[test]
    fn leaves_prose_alone() {
        assert!(urls("e.g. the U.S. and 3.5 per cent. Mail info@example.org").is_empty());
    }
}
