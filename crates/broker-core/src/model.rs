//! The parsed issue: plain data shared by every front end.
//!
//! Nothing here knows about terminals or files. Every position in the text is expressed as a
//! [`Position`] (article index, block index, byte range in the block's text) so that search hits,
//! entity mentions, bookmarks and history entries all point at the same kind of thing and stay
//! valid whatever the screen width.

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Position {
    /// Serialised as the 1-based article number users see in `list`.
    #[serde(with = "one_based")]
    pub article: usize,
    pub block: usize,
    pub start: usize,
    pub end: usize,
}

impl Position {
    pub fn new(article: usize, block: usize, start: usize, end: usize) -> Self {
        Self {
            article,
            block,
            start,
            end,
        }
    }
}

impl Issue {
    /// The text a position points at, or `None` when it does not fit this issue.
    pub fn text_at(&self, pos: Position) -> Option<&str> {
        self.articles
            .get(pos.article)?
            .blocks
            .get(pos.block)?
            .text
            .get(pos.start..pos.end)
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

    pub fn serialize<S: Serializer>(index: &usize, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(*index as u64 + 1)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
        let number = usize::deserialize(d)?;
        number
            .checked_sub(1)
            .ok_or_else(|| D::Error::custom("article numbers start at 1"))
    }
}
