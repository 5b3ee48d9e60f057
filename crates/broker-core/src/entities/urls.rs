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

    #[test]
    fn leaves_prose_alone() {
        assert!(urls("e.g. the U.S. and 3.5 per cent. Mail info@example.org").is_empty());
    }
}
