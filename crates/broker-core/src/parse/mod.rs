//! Clean text to a structured [`Issue`]: pages, articles and typed blocks, with the damage of
//! text extraction repaired.
//!
//! Pages start at header lines such as `19The Broker  issue 1  April 2007` and are read
//! independently ([`layout`]); the repairs ([`repair`]) are judged by the dictionary and by
//! evidence gathered from the whole document once. Every step is a single pass over lines or
//! characters, so the cost is linear in the input.

pub mod layout;
pub mod repair;

use std::sync::LazyLock;

use regex::Regex;

use crate::model::Issue;

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
/// name (or printed after the date on facing pages), then the issue number and the date.
static HEADER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(\d{1,4})?\s*(\p{Lu}[\p{L}\p{M}'’.&\- ]*?)\s+[Ii]ssue\s+(\d{1,4})\s+(\p{L}+\.?\s+\d{4})\s*(\d{1,4})?\s*$",
    )
    .ok()
});

/// Reads a page header line; `None` for any other line.
pub fn header(line: &str) -> Option<Header> {
    // Cheap filter first: almost no line is a header, and most are long prose.
    if line.len() > 120 || !line.contains("ssue") {
        return None;
    }
    let caps = HEADER.as_ref()?.captures(line)?;
    let number = |i: usize| caps.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    Some(Header {
        page: number(1).or_else(|| number(5)),
        magazine: repair::normalize_whitespace(caps.get(2)?.as_str()),
        issue: number(3),
        date: repair::normalize_whitespace(caps.get(4)?.as_str()),
    })
}

/// Parses clean text (see [`crate::source::decode`]) into an issue.
///
/// The magazine, issue number and date come from the first page header. A page without a
/// printed number is taken to follow the previous one.
pub fn parse(text: &str) -> Result<Issue, ParseError> {
    // Each header with where its line starts and where the next line starts. Only a page's
    // own lines are collected, one page at a time: a list of every line of a 9 MB archive
    // would be the largest thing parsing holds besides the text itself.
    let mut headers: Vec<(usize, usize, Header)> = Vec::new();
    let mut offset = 0;
    // `split_inclusive` with the ends stripped is how `str::lines` is defined; the offsets
    // come for free.
    for raw in text.split_inclusive('\n') {
        let line = raw
            .strip_suffix('\n')
            .map_or(raw, |l| l.strip_suffix('\r').unwrap_or(l));
        if let Some(h) = header(line) {
            headers.push((offset, offset + raw.len(), h));
        }
        offset += raw.len();
    }
    let Some((_, _, first)) = headers.first() else {
        return Err(ParseError::NoPages);
    };
    let evidence = repair::Evidence::from_text(text);
    let mut issue = Issue {
        magazine: first.magazine.clone(),
        issue: first.issue,
        date: Some(first.date.clone()),
        pages: Vec::with_capacity(headers.len()),
        articles: Vec::new(),
    };
    let mut previous: Option<u32> = None;
    let mut lines: Vec<&str> = Vec::new();
    for (n, (_, body_start, header)) in headers.iter().enumerate() {
        let body_end = headers.get(n + 1).map_or(text.len(), |(next, _, _)| *next);
        let page = header
            .page
            .unwrap_or_else(|| previous.map_or(1, |p| p.saturating_add(1)));
        previous = Some(page);
        issue.pages.push(page);
        lines.clear();
        lines.extend(text.get(*body_start..body_end).unwrap_or_default().lines());
        issue
            .articles
            .extend(layout::page_articles(&lines, page, &evidence));
    }
    for (i, article) in issue.articles.iter_mut().enumerate() {
        article.id = i + 1;
    }
    Ok(issue)
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
    fn ignores_lines_that_are_not_headers() {
        for line in [
            "",
            "The Broker",
            "this issue 1 April 2007",
            "The issue raises three questions:",
            "19The Broker issue one April 2007",
            "99999The Broker  issue 1  April 2007",
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
    fn a_header_alone_is_a_page_without_articles() {
        let issue = parse("\n1The Broker  issue 1  April 2007\n\n").expect("parses");
        assert_eq!(issue.pages, [1]);
        assert!(issue.articles.is_empty());
    }
}
