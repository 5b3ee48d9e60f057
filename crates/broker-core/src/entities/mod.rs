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
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::model::{Issue, Position};
use crate::two_threads;

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
    /// Every mention of every entity in reading order (ties by entity), as the entity's index
    /// in `list` and the mention's index in its `mentions`. The positions themselves are kept
    /// once, in the entities: a list of `(Position, EntityId)` would copy every one again, at
    /// 40 bytes a mention the largest part of the entities of a large archive.
    order: Vec<(u32, u32)>,
}

impl Entities {
    /// Entities with their mentions indexed in reading order.
    pub fn new(list: Vec<Entity>, by_article: Vec<Vec<EntityId>>) -> Self {
        let order = mention_order(&list);
        Self {
            list,
            by_article,
            order,
        }
    }

    pub fn get(&self, id: EntityId) -> Option<&Entity> {
        self.list.get(id)
    }

    /// Entities mentioned in an article, most mentioned first.
    pub fn in_article(&self, article: usize) -> &[EntityId] {
        self.by_article.get(article).map_or(&[], Vec::as_slice)
    }

    /// How many mentions there are, of all entities.
    pub fn mention_count(&self) -> usize {
        self.order.len()
    }

    /// The `i`-th mention in reading order: where it is and whose it is.
    pub fn mention(&self, i: usize) -> Option<(Position, EntityId)> {
        self.resolve(self.order.get(i)?)
    }

    /// Every mention of every entity in reading order.
    pub fn mentions(&self) -> impl DoubleEndedIterator<Item = (Position, EntityId)> + '_ {
        self.order.iter().filter_map(|r| self.resolve(r))
    }

    /// The index of the first mention whose position fails `pred`, which must hold for every
    /// mention before those it fails for (as [`slice::partition_point`]).
    pub fn mention_partition(&self, mut pred: impl FnMut(Position) -> bool) -> usize {
        self.order
            .partition_point(|r| self.resolve(r).is_some_and(|(p, _)| pred(p)))
    }

    /// The index of the mention exactly at `pos`.
    pub fn mention_at(&self, pos: Position) -> Option<usize> {
        let i = self.mention_partition(|p| p < pos);
        self.mention(i).filter(|(p, _)| *p == pos).map(|_| i)
    }

    /// Mentions inside one block, sorted by start offset.
    pub fn in_block(
        &self,
        article: usize,
        block: usize,
    ) -> impl DoubleEndedIterator<Item = (Position, EntityId)> + '_ {
        self.in_blocks(article, block..=block)
    }

    /// Mentions inside a run of blocks of one article, in reading order: what a screen of
    /// text shows, found with two binary searches rather than two per block.
    pub fn in_blocks(
        &self,
        article: usize,
        blocks: std::ops::RangeInclusive<usize>,
    ) -> impl DoubleEndedIterator<Item = (Position, EntityId)> + '_ {
        let (first, last) = (*blocks.start(), *blocks.end());
        let from = self.mention_partition(|p| (p.article(), p.block()) < (article, first));
        let to = self.mention_partition(|p| (p.article(), p.block()) <= (article, last));
        self.order
            .get(from..to)
            .unwrap_or_default()
            .iter()
            .filter_map(|r| self.resolve(r))
    }

    /// True when the reading-order index lists every mention of every entity once, in order:
    /// what a deserialised copy (a cache entry, perhaps damaged) must hold to be used.
    pub fn mentions_indexed(&self) -> bool {
        let total: usize = self.list.iter().map(|e| e.mentions.len()).sum();
        // Strictly increasing, so no mention is listed twice; with the count, none is missing.
        self.order.len() == total
            && self.order.iter().all(|r| self.resolve(r).is_some())
            && self
                .mentions()
                .zip(self.mentions().skip(1))
                .all(|(a, b)| a < b)
    }

    fn resolve(&self, &(entity, index): &(u32, u32)) -> Option<(Position, EntityId)> {
        let entity = self.list.get(usize::try_from(entity).ok()?)?;
        let pos = entity.mentions.get(usize::try_from(index).ok()?)?;
        Some((*pos, entity.id))
    }
}

/// Every mention of `list` as `(entity index, mention index)`, sorted by position then entity.
///
/// The mentions are first dealt out by article (a counting sort) and then each article's
/// sorted on its own: the key is looked up through two lists, and a large archive has tens of
/// thousands of mentions in thousands of articles, so this takes a fraction of the comparisons
/// of one sort of them all.
fn mention_order(list: &[Entity]) -> Vec<(u32, u32)> {
    // Past four billion entities or mentions of one (far beyond any memory) the rest are left
    // out of the order rather than numbered wrongly.
    let mentions = || {
        (0..u32::MAX).zip(list).flat_map(|(e, entity)| {
            (0..u32::MAX)
                .zip(&entity.mentions)
                .map(move |(i, pos)| ((e, i), pos.article()))
        })
    };
    let key = |&(e, i): &(u32, u32)| {
        let entity = usize::try_from(e).ok().and_then(|e| list.get(e));
        let pos = usize::try_from(i)
            .ok()
            .and_then(|i| entity?.mentions.get(i).copied());
        (pos, entity.map(|x| x.id))
    };
    let total = mentions().count();
    let articles = mentions()
        .map(|(_, article)| article)
        .max()
        .map_or(0, |a| a.saturating_add(1));
    if articles > total {
        // Article numbers far apart (only in made-up or damaged entities): one sort.
        let mut order: Vec<(u32, u32)> = mentions().map(|(r, _)| r).collect();
        order.sort_unstable_by_key(key);
        return order;
    }
    // Mentions are dealt straight into their article's run, then each run is sorted: one
    // buffer of the final size, where collecting them first and then dealing took two.
    let mut starts = vec![0usize; articles + 1];
    for (_, article) in mentions() {
        starts[article + 1] += 1;
    }
    for a in 1..starts.len() {
        starts[a] += starts[a - 1];
    }
    let mut next = starts.clone();
    let mut order = vec![(0, 0); total];
    for (r, article) in mentions() {
        let slot = &mut next[article];
        order[*slot] = r;
        *slot += 1;
    }
    for run in starts.windows(2) {
        order[run[0]..run[1]].sort_unstable_by_key(key);
    }
    order
}

/// Finds, links and relates the entities of an issue. Linear in the length of the text.
pub fn extract(issue: &Issue) -> Entities {
    let bytes: usize = blocks(issue, 0..issue.articles.len())
        .map(|b| b.text.len())
        .sum();
    let split = bytes >= two_threads::FROM_BYTES && two_threads::available();
    extract_with(issue, split.then_some(CHUNK_BYTES))
}

/// [`extract`], on two threads taking runs of about `chunk_bytes` of text in turn, or on one.
fn extract_with(issue: &Issue, chunk_bytes: Option<usize>) -> Entities {
    let linking = if let Some(chunk_bytes) = chunk_bytes {
        link_on_two_threads(issue, chunk_bytes)
    } else {
        let evidence = evidence_of(issue, 0..issue.articles.len());
        let mut linking = link::Linking::default();
        for (a, b, found) in candidates_in(issue, 0..issue.articles.len(), &evidence) {
            for c in found {
                linking.add(a, b, c);
            }
        }
        linking
    };
    let mut drafts = linking.finish();
    for d in &mut drafts {
        d.mentions.sort_unstable();
        d.mentions.dedup();
        // The mentions move into the entity for good: drop the slack pushing left.
        d.mentions.shrink_to_fit();
    }
    drafts.sort_by_key(|d| d.mentions.first().copied());

    let list: Vec<Entity> = drafts
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

    let mut entities = Entities::new(list, Vec::new());
    entities.by_article = rank_by_article(issue.articles.len(), entities.mentions());
    let related = relate(entities.list.len(), entities.mentions());
    for (entity, related) in entities.list.iter_mut().zip(related) {
        entity.related = related;
    }
    entities
}

/// About how much text each turn of the two threads finds candidates in: small enough that
/// the candidates waiting to be linked take little memory, large enough that handing them
/// over costs nothing that shows.
const CHUNK_BYTES: usize = 64 << 10;

/// The blocks of a run of articles, in reading order.
fn blocks(issue: &Issue, articles: Range<usize>) -> impl Iterator<Item = &crate::model::Block> {
    issue
        .articles
        .get(articles)
        .unwrap_or_default()
        .iter()
        .flat_map(|a| &a.blocks)
}

fn evidence_of(issue: &Issue, articles: Range<usize>) -> Evidence {
    let mut evidence = Evidence::default();
    for block in blocks(issue, articles) {
        evidence.add_block(&block.text, block.kind);
    }
    evidence
}

/// The candidates of each block of a run of articles, as `(article, block, candidates)`.
/// Blocks are read independently: only the evidence is shared.
fn candidates_in<'a>(
    issue: &'a Issue,
    articles: Range<usize>,
    evidence: &'a Evidence,
) -> impl Iterator<Item = (usize, usize, Vec<names::Candidate>)> + 'a {
    let first = articles.start;
    issue
        .articles
        .get(articles)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .flat_map(move |(i, article)| {
            article.blocks.iter().enumerate().map(move |(b, block)| {
                let found = names::candidates(&block.text, block.kind, &article.authors, evidence);
                (first + i, b, found)
            })
        })
}

/// Runs of articles of about `chunk_bytes` of text each, in order.
fn chunks(issue: &Issue, chunk_bytes: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (a, article) in issue.articles.iter().enumerate() {
        bytes += article.blocks.iter().map(|b| b.text.len()).sum::<usize>();
        if bytes >= chunk_bytes {
            out.push(start..a + 1);
            (start, bytes) = (a + 1, 0);
        }
    }
    if start < issue.articles.len() {
        out.push(start..issue.articles.len());
    }
    out
}

/// Evidence and candidates found on two threads, linked in reading order on this one.
///
/// Each half of the articles is searched for evidence at once, and the two sets joined: the
/// evidence is a set of words, the same however it is gathered. Then the articles are taken
/// in runs; the other thread finds the candidates of every second run and hands them over,
/// at most one run ahead, while this thread finds those of the runs between and links every
/// run in order. Candidates depend only on their block and the evidence, and linking sees
/// them in the same order, so the result is the one a single thread gives; the candidates
/// waiting are never more than two runs' worth.
fn link_on_two_threads(issue: &Issue, chunk_bytes: usize) -> link::Linking {
    let n = issue.articles.len();
    let middle = n / 2;
    let (tail, mut evidence) = two_threads::both(
        || evidence_of(issue, middle..n),
        || evidence_of(issue, 0..middle),
    );
    evidence.union(tail);
    let evidence = &evidence;
    let chunks = chunks(issue, chunk_bytes);
    let mut linking = link::Linking::default();
    let mut link = |found: &mut dyn Iterator<Item = (usize, usize, Vec<names::Candidate>)>| {
        for (a, b, candidates) in found {
            for c in candidates {
                linking.add(a, b, c);
            }
        }
    };
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel(1);
        let odd = chunks.iter().skip(1).step_by(2).cloned();
        let other = two_threads::spawn_scoped(scope, move || {
            for run in odd {
                let found: Vec<_> = candidates_in(issue, run, evidence).collect();
                if sender.send(found).is_err() {
                    break;
                }
            }
        });
        let helped = other.is_ok();
        for (k, run) in chunks.iter().enumerate() {
            let handed = (helped && k % 2 == 1)
                .then(|| receiver.recv().ok())
                .flatten();
            match handed {
                Some(found) => link(&mut found.into_iter()),
                // Ours, or the other thread could not be started.
                None => link(&mut candidates_in(issue, run.clone(), evidence)),
            }
        }
    });
    linking
}

/// The acronym's defining sentence, or the first sentence that mentions the entity.
fn describe(issue: &Issue, d: &link::Draft) -> String {
    let Some(at) = d.definition.or_else(|| d.mentions.first().copied()) else {
        return String::new();
    };
    let Some(text) = issue
        .articles
        .get(at.article())
        .and_then(|a| a.blocks.get(at.block()))
        .map(|b| b.text.as_str())
    else {
        return String::new();
    };
    sentence_around(text, at.start(), at.end())
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
fn relate(
    entities: usize,
    mentions: impl Iterator<Item = (Position, EntityId)>,
) -> Vec<Vec<EntityId>> {
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
        in_block.push(id);
    }
    flush(&mut in_block);

    let mut ranked: Vec<Vec<(u32, EntityId)>> = vec![Vec::new(); entities];
    for (&(a, b), &n) in &shared {
        if let Some(r) = ranked.get_mut(a) {
            r.push((n, b));
        }
        if let Some(r) = ranked.get_mut(b) {
            r.push((n, a));
        }
    }
    ranked
        .into_iter()
        .map(|mut r| {
            r.sort_unstable_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
            r.into_iter().take(MAX_RELATED).map(|(_, id)| id).collect()
        })
        .collect()
}

/// For each article, its entities, most mentioned first, ties in order of first mention.
/// `mentions` come in reading order.
fn rank_by_article(
    articles: usize,
    mentions: impl Iterator<Item = (Position, EntityId)>,
) -> Vec<Vec<EntityId>> {
    // Each article's mentions are one run, counted in one reused buffer: no map per article
    // (a megabyte and more on a large archive, alive at extraction's peak).
    let mut ranked: Vec<Vec<EntityId>> = vec![Vec::new(); articles];
    let mut ids: Vec<EntityId> = Vec::new();
    let mut current = None;
    for (pos, id) in mentions {
        if current != Some(pos.article()) {
            rank_run(&mut ranked, current, &mut ids);
            current = Some(pos.article());
        }
        ids.push(id);
    }
    rank_run(&mut ranked, current, &mut ids);
    ranked
}

/// Ranks the entities of one article's mentions (`ids`, emptied) into `ranked[article]`.
fn rank_run(ranked: &mut [Vec<EntityId>], article: Option<usize>, ids: &mut Vec<EntityId>) {
    ids.sort_unstable();
    let mut counted: Vec<(usize, EntityId)> = Vec::new();
    for &id in ids.iter() {
        match counted.last_mut() {
            Some((n, last)) if *last == id => *n += 1,
            _ => counted.push((1, id)),
        }
    }
    ids.clear();
    counted.sort_unstable_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    if let Some(slot) = article.and_then(|a| ranked.get_mut(a)) {
        *slot = counted.into_iter().map(|(_, id)| id).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue(articles: &[&[&str]]) -> Issue {
        Issue::of_paragraphs(articles)
    }

    /// The names of the entities found in one paragraph, in order.
    fn names_in(paragraph: &str) -> Vec<String> {
        extract(&issue(&[&[paragraph]]))
            .list
            .into_iter()
            .map(|x| x.name)
            .collect()
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
    fn places_keep_the_accents_the_page_prints() {
        let e = extract(&issue(&[&[
            "The talks began in Poznań. Delegates from São Paulo, Sao Paulo and the US came.",
        ]]));
        assert_eq!(named(&e, "Poznań").kind, EntityKind::Place);
        assert_eq!(named(&e, "São Paulo").mentions.len(), 2);
        // An alias that is no spelling of the name still gives way to the gazetteer's name.
        assert!(
            named(&e, "United States")
                .aliases
                .contains(&"US".to_string())
        );
    }

    #[test]
    fn only_short_names_before_a_noun_are_read_as_adjectives() {
        assert_eq!(
            names_in(
                "In South African media and Dutch papers, Pedro Maria Santos together with aides spoke."
            ),
            ["Pedro Maria Santos"]
        );
    }

    #[test]
    fn a_surname_of_several_words_joins_the_full_name() {
        let e = extract(&issue(&[&[
            "President Ellen Johnson Sirleaf of Liberia spoke first.",
            "Johnson Sirleaf warned her ministers. Later Sirleaf left.",
        ]]));
        let sirleaf = named(&e, "Ellen Johnson Sirleaf");
        assert_eq!(sirleaf.mentions.len(), 3);
        let people = e
            .list
            .iter()
            .filter(|x| x.kind == EntityKind::Person)
            .count();
        assert_eq!(
            people,
            1,
            "{:?}",
            e.list.iter().map(|x| &x.name).collect::<Vec<_>>()
        );
        // Two people who share the ending: it names neither.
        let e = extract(&issue(&[&[
            "Dr Rosa Wanjiru Otieno met Dr Paulo Wanjiru Otieno. Wanjiru Otieno spoke.",
        ]]));
        assert_eq!(named(&e, "Rosa Wanjiru Otieno").mentions.len(), 1);
        assert_eq!(named(&e, "Paulo Wanjiru Otieno").mentions.len(), 1);
        assert_eq!(named(&e, "Wanjiru Otieno").mentions.len(), 1);
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
        assert_eq!(e.in_block(0, 1).count(), 2);
        let run: Vec<_> = e.in_blocks(0, 0..=1).collect();
        let one_by_one: Vec<_> = (0..=1).flat_map(|b| e.in_block(0, b)).collect();
        assert_eq!(run, one_by_one);
        assert!(run.len() >= 2);
    }

    #[test]
    fn adjectives_and_months_alone_are_not_entities() {
        assert_eq!(
            names_in("Every October the Dutch fleet sails. It met a Kenyan minister in Nairobi."),
            ["Nairobi"]
        );
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
            for (p, id) in e.mentions() {
                if p.article() == article {
                    *counts.entry(id).or_default() += 1;
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
    fn mentions_are_listed_once_in_reading_order_and_damage_is_seen() {
        let mut e = extract(&issue(&[
            &["Kenya and Uganda signed in Nairobi. Kenya agreed."],
            &["Uganda and Kenya met."],
        ]));
        let all: Vec<(Position, EntityId)> = e.mentions().collect();
        assert_eq!(all.len(), 6);
        assert_eq!(e.mention_count(), 6);
        assert!(all.windows(2).all(|w| w[0].0 < w[1].0));
        for (i, &(pos, id)) in all.iter().enumerate() {
            assert_eq!(e.mention(i), Some((pos, id)));
            assert_eq!(e.mention_at(pos), Some(i));
            assert!(e.list[id].mentions.contains(&pos));
        }
        assert_eq!(e.in_block(1, 0).count(), 2);
        assert!(e.mentions_indexed());
        e.order.swap(0, 1);
        assert!(!e.mentions_indexed());
        e.order.swap(0, 1);
        e.order.pop();
        assert!(!e.mentions_indexed());
        e.order.push((99, 0));
        assert!(!e.mentions_indexed());
    }

    fn fixture_issue(name: &str) -> Issue {
        let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).expect("the fixture is readable");
        crate::parse::parse(&text).expect("the fixture parses")
    }

    #[test]
    fn two_threads_find_what_one_finds_however_the_articles_are_cut() {
        for name in ["other-pages.txt", "entity-pages.txt", "more-pages.txt"] {
            let issue = fixture_issue(name);
            let one = extract_with(&issue, None);
            assert!(!one.list.is_empty());
            for chunk_bytes in [0, 1, 500, 2000, 5000, usize::MAX] {
                assert_eq!(
                    extract_with(&issue, Some(chunk_bytes)),
                    one,
                    "{name}, runs of {chunk_bytes} bytes"
                );
            }
        }
    }

    #[test]
    fn a_large_issue_is_read_on_two_threads_with_the_same_entities() {
        // Articles of several fixtures, repeated past the size that takes two threads.
        let parts = ["other-pages.txt", "entity-pages.txt", "more-pages.txt"].map(fixture_issue);
        let mut issue = parts[0].clone();
        issue.articles.clear();
        let mut bytes = 0;
        while bytes <= two_threads::FROM_BYTES {
            for part in &parts {
                for article in &part.articles {
                    bytes += article.blocks.iter().map(|b| b.text.len()).sum::<usize>();
                    issue.articles.push(article.clone());
                }
            }
        }
        let one = extract_with(&issue, None);
        assert_eq!(extract_with(&issue, Some(CHUNK_BYTES)), one);
        assert_eq!(extract(&issue), one);
    }

    proptest::proptest! {
        #[test]
        fn mentions_dealt_by_article_are_in_the_order_one_sort_gives(
            mentions in proptest::collection::vec(
                proptest::collection::btree_set((0u32..6, 0u32..3, 0u32..40), 0..12),
                0..8,
            ),
            far in proptest::bool::ANY,
        ) {
            let list: Vec<Entity> = mentions
                .iter()
                .enumerate()
                .map(|(id, set)| Entity {
                    id,
                    name: String::new(),
                    kind: EntityKind::Topic,
                    aliases: Vec::new(),
                    description: String::new(),
                    mentions: set
                        .iter()
                        .map(|&(a, b, s)| {
                            let a = if far { a * 1000 } else { a };
                            Position::new(a, b, s, s + 1)
                        })
                        .collect(),
                    related: Vec::new(),
                })
                .collect();
            let mut expected: Vec<(u32, u32)> = Vec::new();
            for (e, entity) in list.iter().enumerate() {
                for i in 0..entity.mentions.len() {
                    expected.push((e as u32, i as u32));
                }
            }
            expected.sort_unstable_by_key(|&(e, i)| (list[e as usize].mentions[i as usize], e));
            proptest::prop_assert_eq!(mention_order(&list), expected);
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
