//! The parsed issue: plain data shared by every front end.
//!
//! Nothing here knows about terminals or files. Every position in the text is expressed as a
//! [`Position`] (article index, block index, byte range in the block's text) so that search hits,
//! entity mentions, bookmarks and history entries all point at the same kind of thing and stay
//! valid whatever the screen width.

use std::ops::Range;

use serde::{Deserialize, Serialize};

/// One magazine issue (or any number of pages of it) as recovered from extracted text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Issue {
    /// Name of the magazine, taken from the page headers (`The Broker`).
    pub magazine: String,
    /// Issue number from the page headers, when they carry one.
    pub issue: Option<u32>,
    /// Publication date as printed (`April 2007`).
    pub date: Option<String>,
    /// Page numbers in the order the pages appear.
    pub pages: Vec<u32>,
    pub articles: Vec<Article>,
}

/// One article: a feature with title, standfirst and byline, or one item of a section such as
/// `Developments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Article {
    /// The number users type (`show 2`): 1-based and equal to the index plus one.
    pub id: usize,
    /// The page the article starts on.
    #[serde(default)]
    pub page: u32,
    /// Section rubric (`governance`, `Developments`); empty when the page has none.
    #[serde(default)]
    pub section: String,
    pub title: String,
    #[serde(default)]
    pub standfirst: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub blocks: Vec<Block>,
}

impl Article {
    /// Words in the title, standfirst and blocks, counted the way a reader would.
    pub fn word_count(&self) -> usize {
        let count = |s: &str| s.split_whitespace().count();
        count(&self.title)
            + self.standfirst.as_deref().map_or(0, count)
            + self.blocks.iter().map(|b| count(&b.text)).sum::<usize>()
    }
}

/// A run of text with one role on the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub kind: BlockKind,
    pub text: String,
}

impl Block {
    pub fn new(kind: BlockKind, text: impl Into<String>) -> Self {
        Self {
            kind,
            text: text.into(),
        }
    }
}

/// The role of a block; decides how it is laid out and styled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    Paragraph,
    /// A subheading inside an article.
    Heading,
    /// An item of a list, such as the questions a research programme sets itself.
    ListItem,
    /// A photo caption.
    Caption,
    /// The author's biography.
    Bio,
    /// A bibliographic reference or a pointer to a web resource.
    Reference,
    /// A running page label such as a pull-out title printed in the margin.
    Label,
}

impl BlockKind {
    pub const ALL: [BlockKind; 7] = [
        BlockKind::Paragraph,
        BlockKind::Heading,
        BlockKind::ListItem,
        BlockKind::Caption,
        BlockKind::Bio,
        BlockKind::Reference,
        BlockKind::Label,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BlockKind::Paragraph => "paragraph",
            BlockKind::Heading => "heading",
            BlockKind::ListItem => "list_item",
            BlockKind::Caption => "caption",
            BlockKind::Bio => "bio",
            BlockKind::Reference => "reference",
            BlockKind::Label => "label",
        }
    }
}

/// A byte range inside one block of one article. `article` and `block` are 0-based indices.
///
/// The fields are `u32` rather than `usize` because every entity mention is one of these and a
/// large archive holds tens of thousands of them: at 16 bytes instead of 32 they halve the
/// memory mentions take. Inputs are capped at [`crate::source::MAX_INPUT_BYTES`] (256 MiB), so
/// every index and byte offset fits; builders that start from `usize` go through
/// [`Position::try_new`] and the accessors hand `usize` back for indexing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Position {
    /// Serialised as the 1-based article number users see in `list`.
    #[serde(with = "one_based")]
    pub article: u32,
    pub block: u32,
    pub start: u32,
    pub end: u32,
}

impl Position {
    pub fn new(article: u32, block: u32, start: u32, end: u32) -> Self {
        Self {
            article,
            block,
            start,
            end,
        }
    }

    /// A position from in-memory indices, or `None` when one of them does not fit in `u32`
    /// (only possible past the input cap, so callers drop such a position rather than wrap it).
    pub fn try_new(article: usize, block: usize, start: usize, end: usize) -> Option<Self> {
        Self::try_in(article, u32::try_from(block).ok()?, start, end)
    }

    /// [`Position::try_new`] for a `block` value already a position's: a block's index, or
    /// [`Position::TITLE`] or [`Position::STANDFIRST`].
    pub fn try_in(article: usize, block: u32, start: usize, end: usize) -> Option<Self> {
        Some(Self {
            article: u32::try_from(article).ok()?,
            block,
            start: u32::try_from(start).ok()?,
            end: u32::try_from(end).ok()?,
        })
    }

    /// A position from in-memory indices, each saturating at `u32::MAX`. For places rather
    /// than text: no article, block or offset under the input cap reaches `u32::MAX`, so a
    /// clamped value points past anything real (no article, past a block's end), never at
    /// other text as a wrapped one would.
    pub fn saturating(article: usize, block: usize, start: usize, end: usize) -> Self {
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Self::new(narrow(article), narrow(block), narrow(start), narrow(end))
    }

    /// The 0-based article index, ready for indexing `Issue::articles`.
    pub fn article(&self) -> usize {
        widen(self.article)
    }

    /// The 0-based block index, ready for indexing `Article::blocks`.
    pub fn block(&self) -> usize {
        widen(self.block)
    }

    /// Byte offset where the range starts in the block's text.
    pub fn start(&self) -> usize {
        widen(self.start)
    }

    /// Byte offset where the range ends in the block's text.
    pub fn end(&self) -> usize {
        widen(self.end)
    }

    /// The byte range in the block's text, ready for slicing.
    pub fn range(&self) -> Range<usize> {
        self.start()..self.end()
    }

    /// `block` of a place in the article's title: a value no block index reaches (inputs are
    /// capped far below it), so a search match in the title needs no other field.
    pub const TITLE: u32 = u32::MAX - 2;
    /// `block` of a place in the article's standfirst.
    pub const STANDFIRST: u32 = u32::MAX - 1;

    /// The header part the position lies in, if it is not in a block.
    pub fn header(&self) -> Option<HeaderPart> {
        match self.block {
            Self::TITLE => Some(HeaderPart::Title),
            Self::STANDFIRST => Some(HeaderPart::Standfirst),
            _ => None,
        }
    }

    /// Orders positions as they are read: an article's title, then its standfirst, then its
    /// blocks. (The derived order puts the header parts last, as their `block` values are.)
    pub fn reading_key(&self) -> (u32, u32, u32, u32) {
        (self.article, reading_rank(self.block), self.start, self.end)
    }
}

/// Where a `block` value comes in reading order within its article.
pub fn reading_rank(block: u32) -> u32 {
    match block {
        Position::TITLE => 0,
        Position::STANDFIRST => 1,
        // Past any block: `u32::MAX` stands for "after the article's last block".
        b => b.saturating_add(2),
    }
}

/// The parts of an article above its blocks that a search looks in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderPart {
    Title,
    Standfirst,
}

impl HeaderPart {
    pub fn as_str(self) -> &'static str {
        match self {
            HeaderPart::Title => "title",
            HeaderPart::Standfirst => "standfirst",
        }
    }
}

/// What a position's text is: a block of some kind, or one of the article's header parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Block(BlockKind),
    Header(HeaderPart),
}

impl Part {
    /// `paragraph`, `heading`, ... or `title`, `standfirst`.
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Block(kind) => kind.as_str(),
            Part::Header(part) => part.as_str(),
        }
    }
}

impl Serialize for Part {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Article {
    /// What a position's `block` value addresses in this article, if anything.
    pub fn part_of(&self, block: u32) -> Option<Part> {
        match block {
            Position::TITLE => Some(Part::Header(HeaderPart::Title)),
            Position::STANDFIRST => self
                .standfirst
                .as_ref()
                .map(|_| Part::Header(HeaderPart::Standfirst)),
            b => self
                .blocks
                .get(widen(b))
                .map(|block| Part::Block(block.kind)),
        }
    }

    /// The text a position's `block` value addresses: a block, the title or the standfirst.
    pub fn text_of(&self, block: u32) -> Option<&str> {
        match block {
            Position::TITLE => Some(&self.title),
            Position::STANDFIRST => self.standfirst.as_deref(),
            b => self.blocks.get(widen(b)).map(|block| block.text.as_str()),
        }
    }
}

/// `u32` always fits in `usize` on the 32- and 64-bit targets we build for; saturating keeps a
/// hypothetical 16-bit target from panicking (an out-of-range index then simply misses).
fn widen(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

impl Issue {
    /// The text a position points at, or `None` when it does not fit this issue.
    pub fn text_at(&self, pos: Position) -> Option<&str> {
        self.articles
            .get(pos.article())?
            .text_of(pos.block)?
            .get(pos.range())
    }

    /// Total number of blocks; used to lay out "where in the issue" strips.
    pub fn block_count(&self) -> usize {
        self.articles.iter().map(|a| a.blocks.len()).sum()
    }
}

#[cfg(test)]
impl Issue {
    /// An issue of plain paragraphs, one slice of texts per article, for unit tests.
    pub(crate) fn of_paragraphs(articles: &[&[&str]]) -> Self {
        Issue {
            articles: articles
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
}

/// Article indices are 0-based in memory and 1-based wherever users or scripts see them.
mod one_based {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    // Widened to u64 so the +1 cannot overflow, and serialised as u64 as before so JSON and
    // postcard bytes stay what they were when the index was a usize.
    pub fn serialize<S: Serializer>(index: &u32, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::from(*index) + 1)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        let number = u32::deserialize(d)?;
        number
            .checked_sub(1)
            .ok_or_else(|| D::Error::custom("article numbers start at 1"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_is_sixteen_bytes() {
        // Every entity mention is a `Position`, and a large archive holds tens of thousands of
        // them alongside the text: at 32 bytes they alone took megabytes of the reader's peak
        // memory. Widening a field back to `usize` would silently double that.
        assert_eq!(std::mem::size_of::<Position>(), 16);
    }

    #[test]
    fn indices_past_u32_are_refused_or_saturated_never_wrapped() {
        let big = usize::try_from(u64::from(u32::MAX) + 1).unwrap_or(usize::MAX);
        assert_eq!(
            Position::try_new(1, 2, 3, 4),
            Some(Position::new(1, 2, 3, 4))
        );
        assert_eq!(Position::try_new(big, 0, 0, 0), None);
        assert_eq!(Position::try_new(0, 0, 0, big), None);
        let p = Position::saturating(3, big, 5, usize::MAX);
        assert_eq!(p, Position::new(3, u32::MAX, 5, u32::MAX));
        assert_eq!((p.article(), p.start()), (3, 5));
        assert_eq!(p.range(), 5..widen(u32::MAX));
    }
}
