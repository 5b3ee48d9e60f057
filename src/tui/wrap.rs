//! Reflow of an article into screen rows, done once per `(article, width)` and cached.
//!
//! A frame draws only the rows in view, so drawing costs the same for a short note and a long
//! feature. Each row remembers which block and byte offset it starts at, which is how stable
//! [`Position`]s (search hits, mentions, saved places) become screen rows and back. Rows carry
//! semantic [`Role`]s rather than colours so a theme can change without re-wrapping.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use textwrap::WordSeparator;
use textwrap::core::{Word, break_words};
use textwrap::wrap_algorithms::wrap_first_fit;

use crate::model::{Article, BlockKind, Position};

/// What a piece of text is, for styling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Section,
    Title,
    Standfirst,
    Byline,
    Paragraph,
    Heading,
    ListMarker,
    ListItem,
    Caption,
    Bio,
    Reference,
    Label,
    /// Indents and markers that are not part of the text.
    Decoration,
}

impl Role {
    fn of(kind: BlockKind) -> Self {
        match kind {
            BlockKind::Paragraph => Role::Paragraph,
            BlockKind::Heading => Role::Heading,
            BlockKind::ListItem => Role::ListItem,
            BlockKind::Caption => Role::Caption,
            BlockKind::Bio => Role::Bio,
            BlockKind::Reference => Role::Reference,
            BlockKind::Label => Role::Label,
        }
    }
}

/// A run of text on one row with one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub role: Role,
    /// Byte offset of `text` in its block's text; `None` for headers and decorations, which
    /// have no block.
    pub offset: Option<usize>,
}

/// One screen row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row {
    /// The block the row shows, if any (headers and blank rows have none).
    pub block: Option<usize>,
    /// Byte offset in the block's text of the first character on the row.
    pub start: usize,
    pub segments: Vec<Segment>,
    /// For a row of the title or standfirst, the `block` value a [`Position`] in it has
    /// ([`Position::TITLE`], [`Position::STANDFIRST`]): search matches are marked there too.
    pub header: Option<u32>,
}

/// An article laid out at one width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wrapped {
    pub article: usize,
    pub width: u16,
    pub rows: Vec<Row>,
    /// First row of each block.
    block_rows: Vec<usize>,
}

impl Wrapped {
    /// Lays out `article` (at index `index`) in `width` columns (at least one).
    pub fn new(index: usize, article: &Article, width: u16) -> Self {
        let w = usize::from(width.max(1));
        let mut rows: Vec<Row> = Vec::new();
        // `part`: the `block` value of positions in the text, for the parts search looks in.
        let header = |rows: &mut Vec<Row>, text: &str, role: Role, part: Option<u32>| {
            if !rows.is_empty() {
                rows.push(Row::default());
            }
            for (start, end) in wrap_ranges(text, w) {
                rows.push(Row {
                    block: None,
                    start,
                    segments: vec![Segment {
                        text: text[start..end].to_string(),
                        role,
                        offset: part.map(|_| start),
                    }],
                    header: part,
                });
            }
        };
        if !article.section.is_empty() {
            header(
                &mut rows,
                &article.section.to_uppercase(),
                Role::Section,
                None,
            );
        }
        header(
            &mut rows,
            &article.title,
            Role::Title,
            Some(Position::TITLE),
        );
        if let Some(standfirst) = &article.standfirst {
            header(
                &mut rows,
                standfirst,
                Role::Standfirst,
                Some(Position::STANDFIRST),
            );
        }
        if !article.authors.is_empty() {
            header(
                &mut rows,
                &format!("By {}", article.authors.join(" and ")),
                Role::Byline,
                None,
            );
        }
        let mut block_rows = Vec::with_capacity(article.blocks.len());
        let mut item = 0;
        for (b, block) in article.blocks.iter().enumerate() {
            if !rows.is_empty() {
                rows.push(Row::default());
            }
            block_rows.push(rows.len());
            item = if block.kind == BlockKind::ListItem {
                item + 1
            } else {
                0
            };
            let (first, rest) = match block.kind {
                BlockKind::ListItem => (format!("{item:>2}. "), "    ".to_string()),
                BlockKind::Caption => ("▣ ".to_string(), "  ".to_string()),
                BlockKind::Bio => ("— ".to_string(), "  ".to_string()),
                BlockKind::Reference => ("• ".to_string(), "  ".to_string()),
                BlockKind::Label => ("» ".to_string(), "  ".to_string()),
                _ => (String::new(), String::new()),
            };
            let indent = first.chars().count();
            let text_width = if w > indent + 8 { w - indent } else { w };
            let role = Role::of(block.kind);
            for (i, (start, end)) in wrap_ranges(&block.text, text_width).into_iter().enumerate() {
                let mut segments = Vec::with_capacity(2);
                let lead = if i == 0 { &first } else { &rest };
                if !lead.is_empty() && text_width < w {
                    let marker_role = if block.kind == BlockKind::ListItem && i == 0 {
                        Role::ListMarker
                    } else {
                        Role::Decoration
                    };
                    segments.push(Segment {
                        text: lead.clone(),
                        role: marker_role,
                        offset: None,
                    });
                }
                segments.push(Segment {
                    text: block.text[start..end].to_string(),
                    role,
                    offset: Some(start),
                });
                rows.push(Row {
                    block: Some(b),
                    start,
                    segments,
                    header: None,
                });
            }
        }
        Self {
            article: index,
            width,
            rows,
            block_rows,
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The row showing byte `offset` of `block`; past the end gives the block's last row.
    pub fn row_of(&self, block: usize, offset: usize) -> usize {
        let Some(&first) = self.block_rows.get(block) else {
            return self.rows.len().saturating_sub(1);
        };
        let mut row = first;
        while let Some(next) = self.rows.get(row + 1) {
            if next.block != Some(block) || next.start > offset {
                break;
            }
            row += 1;
        }
        row
    }

    /// The stable position a row starts at. Header rows map to the article's start and blank
    /// rows to the block that follows them, so re-wrapping at another width keeps the same
    /// text at the top of the screen.
    pub fn anchor(&self, row: usize) -> Position {
        let found = self
            .rows
            .iter()
            .skip(row)
            .find_map(|r| r.block.map(|b| (b, r.start)));
        let in_header = self.block_rows.first().is_none_or(|&first| row < first);
        match found {
            _ if in_header => Position::saturating(self.article, 0, 0, 0),
            Some((b, start)) => Position::saturating(self.article, b, start, start),
            None => {
                let b = self.block_rows.len().saturating_sub(1);
                // Saturates to `u32::MAX`, still past the end of any block.
                Position::saturating(self.article, b, usize::MAX, usize::MAX)
            }
        }
    }

    /// The row a stable position is shown on; the article's start is row 0.
    pub fn row_of_position(&self, pos: Position) -> usize {
        if pos.block == 0 && pos.start == 0 {
            0
        } else {
            self.row_showing(pos)
        }
    }

    /// The row showing the text at `pos`: in a block, the title or the standfirst.
    pub fn row_showing(&self, pos: Position) -> usize {
        if pos.header().is_none() {
            return self.row_of(pos.block(), pos.start());
        }
        // The part's last row starting at or before the offset (its first starts at 0).
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, row)| row.header == Some(pos.block))
            .take_while(|(_, row)| row.start <= pos.start())
            .last()
            .map_or(0, |(i, _)| i)
    }
}

/// Byte ranges of `text` wrapped first-fit to `width` columns, trailing spaces left out.
/// Over-long words are broken so no row is wider than `width`.
fn wrap_ranges(text: &str, width: usize) -> Vec<(usize, usize)> {
    let base = text.as_ptr() as usize;
    let words: Vec<Word<'_>> = WordSeparator::AsciiSpace.find_words(text).collect();
    let words = break_words(words, width);
    let lines = wrap_first_fit(&words, &[width as f64]);
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let (Some(first), Some(last)) = (line.first(), line.last()) else {
            continue;
        };
        // Words borrow from `text`, so their addresses give their offsets.
        let start = first.word.as_ptr() as usize - base;
        let end = last.word.as_ptr() as usize - base + last.word.len();
        if start < end && end <= text.len() {
            out.push((start, end));
        }
    }
    if out.is_empty() {
        out.push((0, 0));
    }
    out
}

/// Wrapped articles by `(article, width)`, filled on first use. Interior mutability lets the
/// pure view fill it; the cache is only a memo and never changes what is shown.
#[derive(Debug, Default)]
pub struct WrapCache {
    map: RefCell<HashMap<(usize, u16), Arc<Wrapped>>>,
}

impl Clone for WrapCache {
    fn clone(&self) -> Self {
        Self {
            map: RefCell::new(self.map.borrow().clone()),
        }
    }
}

/// How many layouts to keep; a resize storm must not grow the cache without bound.
const CACHE_LIMIT: usize = 64;

impl WrapCache {
    pub fn get(&self, index: usize, article: &Article, width: u16) -> Arc<Wrapped> {
        if let Some(w) = self.map.borrow().get(&(index, width)) {
            return Arc::clone(w);
        }
        let wrapped = Arc::new(Wrapped::new(index, article, width));
        let mut map = self.map.borrow_mut();
        if map.len() >= CACHE_LIMIT {
            map.clear();
        }
        map.insert((index, width), Arc::clone(&wrapped));
        wrapped
    }

    pub fn clear(&self) {
        self.map.borrow_mut().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Block;

    fn article() -> Article {
        Article {
            id: 1,
            section: "science".into(),
            title: "A title long enough to wrap over two rows".into(),
            standfirst: Some("Stand first.".into()),
            authors: vec!["Ann Smith".into()],
            blocks: vec![
                Block::new(
                    BlockKind::Paragraph,
                    "The quick brown fox jumps over the lazy dog again and again.",
                ),
                Block::new(BlockKind::ListItem, "First question to ask"),
                Block::new(BlockKind::ListItem, "Second question"),
                Block::new(BlockKind::Bio, "Ann Smith writes about owls."),
            ],
            ..Article::default()
        }
    }

    fn text(row: &Row) -> String {
        row.segments.iter().map(|s| s.text.as_str()).collect()
    }

    #[test]
    fn rows_fit_and_map_back_to_offsets() {
        let a = article();
        for width in [1u16, 5, 12, 20, 80] {
            let w = Wrapped::new(0, &a, width);
            for row in &w.rows {
                for seg in &row.segments {
                    if let (Some(off), Some(b)) = (seg.offset, row.block) {
                        assert_eq!(&a.blocks[b].text[off..off + seg.text.len()], seg.text);
                    }
                }
                if width >= 12 {
                    assert!(
                        unicode_width::UnicodeWidthStr::width(text(row).as_str())
                            <= usize::from(width),
                        "{row:?} wider than {width}"
                    );
                }
            }
        }
    }

    #[test]
    fn list_items_are_numbered_and_indented() {
        let w = Wrapped::new(0, &article(), 16);
        let rows: Vec<String> = w.rows.iter().map(text).collect();
        assert!(rows.contains(&" 1. First".to_string()), "{rows:?}");
        assert!(rows.contains(&" 2. Second".to_string()), "{rows:?}");
        assert!(rows.iter().any(|r| r.starts_with("    ")), "{rows:?}");
    }

    #[test]
    fn positions_survive_a_change_of_width() {
        let a = article();
        let narrow = Wrapped::new(0, &a, 14);
        let wide = Wrapped::new(0, &a, 60);
        let pos = Position::new(0, 0, 35, 35);
        let row = narrow.row_of(0, 35);
        let anchor = narrow.anchor(row);
        assert!(anchor.start <= 35);
        let wide_row = wide.row_of_position(anchor);
        assert_eq!(wide.rows[wide_row].block, Some(0));
        assert!(wide.rows[wide_row].start <= pos.start());
        assert_eq!(narrow.row_of_position(narrow.anchor(0)), 0);
        assert_eq!(narrow.row_of(99, 0), narrow.len() - 1);
    }

    #[test]
    fn the_cache_reuses_layouts() {
        let a = article();
        let cache = WrapCache::default();
        let one = cache.get(0, &a, 30);
        let two = cache.get(0, &a, 30);
        assert!(Arc::ptr_eq(&one, &two));
        for w in 0..200 {
            cache.get(0, &a, w);
        }
        assert!(cache.map.borrow().len() <= CACHE_LIMIT);
    }
}
