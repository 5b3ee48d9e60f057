//! Named entities of an issue: who, what, where and when, with every mention, aliases merged,
//! a description from the text and the entities each one appears alongside.

mod acronyms;
mod dates;
mod gazetteer;
mod link;
mod names;
mod text;
mod urls;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::model::{Issue, Position};

use names::Evidence;

/// How many related entities each entity lists.
const MAX_RELATED: usize = 10;

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
///
/// Serialisable so the reader's build can ship the embedded issue's entities ready made, and
/// the cache of parsed files can keep a file's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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

/// Finds, links and relates the entities of an issue. Linear in the length of the text.
pub fn extract(issue: &Issue) -> Entities {
    let mut evidence = Evidence::default();
    for block in issue.articles.iter().flat_map(|a| &a.blocks) {
        evidence.add_block(&block.text, block.kind);
    }
    let mut linking = link::Linking::default();
    for (a, article) in issue.articles.iter().enumerate() {
        for (b, block) in article.blocks.iter().enumerate() {
            for c in names::candidates(&block.text, block.kind, &article.authors, &evidence) {
                linking.add(a, b, c);
            }
        }
    }
    let mut drafts = linking.finish();
    for d in &mut drafts {
        d.mentions.sort_unstable();
        d.mentions.dedup();
        // The mentions move into the entity for good: drop the slack pushing left.
        d.mentions.shrink_to_fit();
    }
    drafts.sort_by_key(|d| d.mentions.first().copied());

    let mut list: Vec<Entity> = drafts
        .into_iter()
        .enumerate()
        .map(|(id, mut d)| Entity {
            id,
            name: d.name(),
            kind: d.kind(),
            aliases: d.aliases(),
            description: describe(issue, &d),
            // Moved, not cloned: the drafts' mentions are not needed again.
            mentions: std::mem::take(&mut d.mentions),
            related: Vec::new(),
        })
        .collect();

    // Sized up front: collecting from `flat_map` would grow by doubling, up to twice the size.
    let mut mentions: Vec<(Position, EntityId)> =
        Vec::with_capacity(list.iter().map(|e| e.mentions.len()).sum());
    mentions.extend(
        list.iter()
            .flat_map(|e| e.mentions.iter().map(move |&m| (m, e.id))),
    );
    mentions.sort_unstable();

    relate(&mut list, &mentions);
    let by_article = rank_by_article(issue.articles.len(), &mentions);
    Entities {
        list,
        by_article,
        mentions,
    }
}

/// The acronym's defining sentence, or the first sentence that mentions the entity.
fn describe(issue: &Issue, d: &link::Draft) -> String {
    let Some(at) = d.definition.or_else(|| d.mentions.first().copied()) else {
        return String::new();
    };
    let Some(text) = issue
        .articles
        .get(at.article)
        .and_then(|a| a.blocks.get(at.block))
        .map(|b| b.text.as_str())
    else {
        return String::new();
    };
    sentence_around(text, at.start, at.end)
}

/// The sentence holding `start..end`, whitespace collapsed and cut to a readable length.
fn sentence_around(text: &str, start: usize, end: usize) -> String {
    const MAX_CHARS: usize = 300;
    let is_end = |s: &str| s.ends_with(['.', '?', '!']);
    let mut from = 0;
    for (i, _) in text[..start].match_indices(char::is_whitespace) {
        if is_end(&text[..i]) && !text[..i].ends_with(" e.g.") {
            from = i;
        }
    }
    let mut to = text.len();
    for (i, _) in text[end..].match_indices(char::is_whitespace) {
        if is_end(&text[..end + i]) {
            to = end + i;
            break;
        }
    }
    let sentence: Vec<&str> = text[from..to].split_whitespace().collect();
    let sentence = sentence.join(" ");
    if sentence.chars().count() > MAX_CHARS {
        let cut: String = sentence.chars().take(MAX_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        sentence
    }
}

/// Ranks, for each entity, the others by the number of blocks they share.
fn relate(list: &mut [Entity], mentions: &[(Position, EntityId)]) {
    let mut shared: HashMap<(EntityId, EntityId), u32> = HashMap::new();
    let mut in_block: Vec<EntityId> = Vec::new();
    let mut flush = |ids: &mut Vec<EntityId>| {
        ids.sort_unstable();
        ids.dedup();
        for (i, &a) in ids.iter().enumerate() {
            for &b in &ids[i + 1..] {
                *shared.entry((a, b)).or_default() += 1;
            }
        }
        ids.clear();
    };
    let mut current = None;
    for (pos, id) in mentions {
        if current != Some((pos.article, pos.block)) {
            flush(&mut in_block);
            current = Some((pos.article, pos.block));
        }
        in_block.push(*id);
    }
    flush(&mut in_block);

    let mut ranked: Vec<Vec<(u32, EntityId)>> = vec![Vec::new(); list.len()];
    for (&(a, b), &n) in &shared {
        ranked[a].push((n, b));
        ranked[b].push((n, a));
    }
    for (entity, mut r) in list.iter_mut().zip(ranked) {
        r.sort_unstable_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
        entity.related = r.into_iter().take(MAX_RELATED).map(|(_, id)| id).collect();
    }
}

/// For each article, its entities, most mentioned first, ties in order of first mention.
fn rank_by_article(articles: usize, mentions: &[(Position, EntityId)]) -> Vec<Vec<EntityId>> {
    // `mentions` is sorted by position, so each article's mentions are one run: counting them
    // in one reused buffer holds no map per article (a megabyte and more on a large archive,
    // alive at extraction's peak).
    let mut ranked = Vec::with_capacity(articles);
    let mut ids: Vec<EntityId> = Vec::new();
    let mut counted: Vec<(usize, EntityId)> = Vec::new();
    let mut rest = mentions;
    for article in 0..articles {
        let end = rest.partition_point(|(p, _)| p.article <= article);
        let (here, after) = rest.split_at(end);
        rest = after;
        ids.clear();
        ids.extend(
            here.iter()
                .filter(|(p, _)| p.article == article)
                .map(|&(_, id)| id),
        );
        ids.sort_unstable();
        counted.clear();
        for &id in &ids {
            match counted.last_mut() {
                Some((n, last)) if *last == id => *n += 1,
                _ => counted.push((1, id)),
            }
        }
        counted.sort_unstable_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
        ranked.push(counted.iter().map(|&(_, id)| id).collect());
    }
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue(articles: &[&[&str]]) -> Issue {
        Issue::of_paragraphs(articles)
    }

    fn named<'a>(e: &'a Entities, name: &str) -> &'a Entity {
        e.list.iter().find(|x| x.name == name).unwrap_or_else(|| {
            panic!(
                "no {name:?} in {:?}",
                e.list.iter().map(|x| &x.name).collect::<Vec<_>>()
            )
        })
    }

    #[test]
    fn people_merge_by_title_and_surname() {
        let e = extract(&issue(&[&[
            "Talks were led by Prime Minister Helen Clark of New Zealand.",
            "Clark said the deal would hold. Minister Clark left early.",
        ]]));
        let clark = named(&e, "Helen Clark");
        assert_eq!(clark.kind, EntityKind::Person);
        assert_eq!(clark.mentions.len(), 3);
        assert!(
            clark
                .aliases
                .contains(&"Prime Minister Helen Clark".to_string())
        );
        assert_eq!(named(&e, "New Zealand").kind, EntityKind::Place);
    }

    #[test]
    fn acronyms_hold_across_articles_and_initials_link_undefined_ones() {
        let e = extract(&issue(&[
            &["The Global Fund for Women (GFW) gave grants with the African Union."],
            &["Later the GFW and the AU met in Nairobi."],
        ]));
        let gfw = named(&e, "Global Fund for Women");
        assert_eq!(gfw.kind, EntityKind::Organization);
        assert_eq!(gfw.mentions.len(), 3);
        assert!(gfw.description.contains("(GFW)"));
        let au = named(&e, "African Union");
        assert!(au.aliases.contains(&"AU".to_string()));
        assert_eq!(e.in_article(1).len(), 3);
    }

    #[test]
    fn a_lone_head_word_links_only_when_one_name_fits() {
        let one = extract(&issue(&[&[
            "The Asian Development Bank lent more. The Bank’s staff agreed.",
        ]]));
        assert_eq!(named(&one, "Asian Development Bank").mentions.len(), 2);
        let two = extract(&issue(&[&[
            "The Asian Development Bank and the World Bank lent more. The Bank’s staff agreed.",
        ]]));
        assert_eq!(named(&two, "Asian Development Bank").mentions.len(), 1);
        assert_eq!(named(&two, "World Bank").mentions.len(), 1);
        assert!(two.list.iter().all(|x| x.name != "Bank"));
    }

    #[test]
    fn related_entities_share_paragraphs_most_first() {
        let e = extract(&issue(&[&[
            "Kenya and Uganda signed. Kenya and Uganda met again.",
            "Kenya and Tanzania talked.",
            "Uganda and Kenya agreed.",
        ]]));
        let kenya = named(&e, "Kenya");
        let uganda = named(&e, "Uganda").id;
        let tanzania = named(&e, "Tanzania").id;
        assert_eq!(kenya.related, vec![uganda, tanzania]);
        assert_eq!(e.by_article[0][0], kenya.id);
        assert_eq!(e.in_block(0, 1).len(), 2);
    }

    #[test]
    fn adjectives_and_months_alone_are_not_entities() {
        let e = extract(&issue(&[&[
            "Every October the Dutch fleet sails. It met a Kenyan minister in Nairobi.",
        ]]));
        let names: Vec<&str> = e.list.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, ["Nairobi"]);
    }

    #[test]
    fn articles_rank_their_entities_by_mentions_then_first_mention() {
        let text = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/other-pages.txt"
        ));
        let issue = crate::parse::parse(text).expect("the fixture parses");
        let e = extract(&issue);
        assert!(e.by_article.iter().any(|ids| ids.len() > 3));
        assert_eq!(e.by_article.len(), issue.articles.len());
        for (article, ids) in e.by_article.iter().enumerate() {
            let mut counts: HashMap<EntityId, usize> = HashMap::new();
            for (p, id) in &e.mentions {
                if p.article == article {
                    *counts.entry(*id).or_default() += 1;
                }
            }
            let mut expected: Vec<(usize, EntityId)> =
                counts.into_iter().map(|(id, n)| (n, id)).collect();
            expected.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
            let expected: Vec<EntityId> = expected.into_iter().map(|(_, id)| id).collect();
            assert_eq!(ids, &expected, "article {article}");
        }
    }

    #[test]
    fn nothing_breaks_on_odd_text() {
        for text in [
            "",
            "(",
            "()",
            "(AB",
            "A (B) C (DE)",
            "’s",
            "-",
            "The. The. The.",
            "ÉÉ (É)",
        ] {
            let e = extract(&issue(&[&[text]]));
            for x in &e.list {
                assert!(!x.mentions.is_empty());
            }
        }
    }
}
