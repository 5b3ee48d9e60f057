//! Keyword search over every block of an issue.
//!
//! The index is the issue's block texts laid end to end in one buffer, so a query is a single
//! linear scan (memchr's SIMD `memmem` or one Aho-Corasick automaton) rather than one scan per
//! block, and a hit's byte offset maps back to its block by binary search.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use memchr::memmem;
use serde::{Deserialize, Serialize};

use crate::model::{Issue, Position};

/// Separates blocks in the haystack; block texts never contain it, so no hit spans two blocks.
const SEPARATOR: u8 = b'\n';

/// Searchable copy of an issue's text.
#[derive(Debug, Clone, Default)]
pub struct Index {
    haystack: String,
    /// `(offset in haystack, article, block)` for each block, in order.
    starts: Vec<(usize, usize, usize)>,
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
        let total: usize = issue
            .articles
            .iter()
            .flat_map(|a| &a.blocks)
            .map(|b| b.text.len() + 1)
            .sum();
        let mut haystack = String::with_capacity(total);
        let mut starts = Vec::with_capacity(issue.block_count());
        for (a, article) in issue.articles.iter().enumerate() {
            for (b, block) in article.blocks.iter().enumerate() {
                starts.push((haystack.len(), a, b));
                // Blocks are single paragraphs; a stray newline would let a hit cross blocks.
                haystack.extend(block.text.chars().map(|c| if c == '\n' { ' ' } else { c }));
                haystack.push(SEPARATOR as char);
            }
        }
        Self { haystack, starts }
    }

    /// Every match of `query` in reading order, smart case. An empty query matches nothing.
    pub fn search(&self, query: &str) -> Vec<Position> {
        self.search_with(query, CaseMode::smart(query))
    }

    pub fn search_with(&self, query: &str, case: CaseMode) -> Vec<Position> {
        let query = normalize_query(query);
        if query.is_empty() {
            return Vec::new();
        }
        let hay = self.haystack.as_bytes();
        let ranges: Vec<(usize, usize)> = match case {
            CaseMode::Sensitive => memmem::find_iter(hay, query.as_bytes())
                .map(|s| (s, s + query.len()))
                .collect(),
            CaseMode::Insensitive if query.is_ascii() => match ascii_insensitive(&query) {
                Some(ac) => ac.find_iter(hay).map(|m| (m.start(), m.end())).collect(),
                None => Vec::new(),
            },
            CaseMode::Insensitive => {
                let pattern = format!("(?i){}", regex::escape(&query));
                match regex::Regex::new(&pattern) {
                    Ok(re) => re
                        .find_iter(&self.haystack)
                        .map(|m| (m.start(), m.end()))
                        .collect(),
                    Err(_) => Vec::new(),
                }
            }
        };
        ranges
            .into_iter()
            .filter_map(|(s, e)| self.position(s, e))
            .collect()
    }

    fn position(&self, start: usize, end: usize) -> Option<Position> {
        let i = self.starts.partition_point(|&(off, _, _)| off <= start);
        let &(off, article, block) = self.starts.get(i.checked_sub(1)?)?;
        Some(Position::new(article, block, start - off, end - off))
    }
}

fn ascii_insensitive(query: &str) -> Option<AhoCorasick> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostFirst)
        .build([query])
        .ok()
}

/// Collapses runs of white space so `pro   bono` finds `pro bono`.
fn normalize_query(query: &str) -> String {
    query.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A one-line excerpt of `text` around `start..end`, about `width` characters wide, cut at
/// character boundaries; returns `(before, hit, after)` so callers can style the hit.
pub fn snippet(text: &str, start: usize, end: usize, width: usize) -> (String, String, String) {
    let start = floor_char_boundary(text, start.min(text.len()));
    let end = floor_char_boundary(text, end.clamp(start, text.len()));
    let hit = &text[start..end];
    let room = width.saturating_sub(hit.chars().count()) / 2;
    let before: String = {
        let chars: Vec<char> = text[..start].chars().rev().take(room + 1).collect();
        let cut = chars.len() > room;
        let mut s: String = chars
            .into_iter()
            .take(room)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if cut {
            s.insert(0, '…');
        }
        s
    };
    let after: String = {
        let mut chars = text[end..].chars();
        let mut s: String = chars.by_ref().take(room).collect();
        if chars.next().is_some() {
            s.push('…');
        }
        s
    };
    (before, hit.to_string(), after)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Article, Block, BlockKind};

    fn issue(blocks: &[&[&str]]) -> Issue {
        Issue {
            articles: blocks
                .iter()
                .enumerate()
                .map(|(i, texts)| Article {
                    id: i + 1,
                    title: format!("Article {}", i + 1),
                    blocks: texts
                        .iter()
                        .map(|t| Block::new(BlockKind::Paragraph, *t))
                        .collect(),
                    ..Article::default()
                })
                .collect(),
            ..Issue::default()
        }
    }

    #[test]
    fn finds_hits_in_every_block_in_order() {
        let idx = Index::build(&issue(&[&["aid and Aid", "no"], &["AID"]]));
        assert_eq!(
            idx.search("aid"),
            vec![
                Position::new(0, 0, 0, 3),
                Position::new(0, 0, 8, 11),
                Position::new(1, 0, 0, 3)
            ]
        );
    }

    #[test]
    fn a_capital_makes_it_case_sensitive() {
        let idx = Index::build(&issue(&[&["aid and Aid"]]));
        assert_eq!(idx.search("Aid"), vec![Position::new(0, 0, 8, 11)]);
    }

    #[test]
    fn non_ascii_queries_fold_case() {
        let idx = Index::build(&issue(&[&["Café ÉTÉ"]]));
        assert_eq!(idx.search("été"), vec![Position::new(0, 0, 6, 11)]);
    }

    #[test]
    fn hits_never_cross_blocks() {
        let idx = Index::build(&issue(&[&["ends with", "start"]]));
        assert!(idx.search("with start").is_empty());
        assert!(idx.search("").is_empty());
        assert!(idx.search("   ").is_empty());
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
