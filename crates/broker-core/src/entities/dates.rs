//! Dates as written in prose: `22 February 2007`, `February 22, 2007`, `May 2003`, years
//! (`1998`) and decades (`the 1990s`).

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

pub const MONTHS: &str =
    "January|February|March|April|May|June|July|August|September|October|November|December";

fn pattern() -> Option<&'static Regex> {
    static CELL: OnceLock<Option<Regex>> = OnceLock::new();
    CELL.get_or_init(|| {
        // ASCII word boundaries: a Unicode `\b` sends the regex engine to its slow path on
        // any text with a non-ASCII character, such as a curly quote.
        // Alternatives from most to least specific: the leftmost-first engine takes the
        // first that matches at a position, so a full date is never cut down to its year.
        // A range of days or months is one date: `22–24 March 2008`, `January to March 2009`.
        let to = r"\s*(?:–|-|to\s)\s*";
        let source = format!(
            r"(?-u:\b)(?:(?:[0-3]?[0-9]{to})?(?:[0-3]?[0-9]\s+)?(?:(?:{MONTHS}){to})?(?:{MONTHS})\s+(?:1[5-9]|20)[0-9][0-9]|(?:{MONTHS})\s+[0-3]?[0-9],\s+(?:1[5-9]|20)[0-9][0-9]|(?:1[5-9]|20)[0-9]0s|(?:1[5-9]|20)[0-9][0-9])(?-u:\b)"
        );
        Regex::new(&source).ok()
    })
    .as_ref()
}

/// Byte ranges of the dates in `text`, in order.
pub fn find(text: &str) -> Vec<Range<usize>> {
    // Most blocks hold no year: those are turned away before the regex engine is set up.
    if !may_hold_year(text.as_bytes()) {
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
        .filter(|m| !is_quantity(&text[..m.start()], &text[m.end()..]))
        .map(|m| m.range())
        .collect()
}

/// Every date the pattern knows holds a year or decade, `1[5-9]` or `20` and a digit: text
/// without those three bytes in a row holds no date.
fn may_hold_year(bytes: &[u8]) -> bool {
    // Prose has few 1s and 2s: jump between them with the vector search.
    memchr::memchr2_iter(b'1', b'2', bytes).any(|i| {
        matches!(
            (bytes[i], bytes.get(i + 1), bytes.get(i + 2)),
            (b'1', Some(b'5'..=b'9'), Some(b'0'..=b'9')) | (b'2', Some(b'0'), Some(b'0'..=b'9'))
        )
    })
}

/// Money, percentages and parts of larger numbers are not years.
fn is_quantity(before: &str, after: &str) -> bool {
    let mut back = before.chars().rev();
    let prev = back.next();
    let digit_before_prev = back.next().is_some_and(|c| c.is_ascii_digit());
    let mut ahead = after.chars();
    let next = ahead.next();
    let digit_after_next = ahead.next().is_some_and(|c| c.is_ascii_digit());
    let rest = after.trim_start();
    matches!(prev, Some('$' | '€' | '£'))
        || (matches!(prev, Some(',' | '.')) && digit_before_prev)
        || (matches!(next, Some(',' | '.')) && digit_after_next)
        || next == Some('%')
        || rest.starts_with("per cent")
        || rest.starts_with("percent")
}

/// A date written as a name: inner whitespace collapsed.
pub fn normalize(date: &str) -> String {
    date.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(text: &str) -> Vec<&str> {
        find(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn finds_full_dates_months_years_and_decades() {
        assert_eq!(
            dates("on 22\nFebruary 2007, announced in May 2003, by the end of 2008"),
            ["22\nFebruary 2007", "May 2003", "2008"]
        );
        assert_eq!(
            dates("since the 1990s and on March 3, 1999"),
            ["1990s", "March 3, 1999"]
        );
        assert_eq!(dates("In 1998 the Group"), ["1998"]);
    }

    #[test]
    fn a_range_of_days_or_months_is_one_date() {
        assert_eq!(
            dates("from 22 to 24 March 2008, on 3–5 June 2009 and in January–March 2010"),
            ["22 to 24 March 2008", "3–5 June 2009", "January–March 2010"]
        );
        // Years on either side of `to` stay apart: `from 1998 to 2 May 2003`.
        assert_eq!(dates("from 1998 to 2 May 2003"), ["1998", "2 May 2003"]);
        assert_eq!(dates("the 2005-2010 plan"), ["2005", "2010"]);
    }

    fn tricky_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::strategy::Strategy;
        let pieces = proptest::sample::select(vec![
            " ", "\n", ",", ".", "$", "%", "s", "0", "1", "2", "5", "9", "19", "20", "15", "14",
            "200", "1999", "2007", "1990s", "May", "March", "3", "22", "per cent", "é", "x",
        ]);
        proptest::collection::vec(pieces, 0..20).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #[test]
        fn the_check_for_a_year_loses_no_date(text in tricky_text()) {
            proptest::prop_assert_eq!(find(&text), find_everywhere(&text));
        }
    }

    #[test]
    fn skips_quantities() {
        assert!(dates("$2000 and 1,998 and 2000% and 2000 per cent and 155 states").is_empty());
        assert!(dates("12345 and 3.2001").is_empty());
        assert_eq!(normalize("22\nFebruary  2007"), "22 February 2007");
    }
}
