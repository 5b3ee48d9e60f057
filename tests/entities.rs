//! Entity extraction measured against gold lists read by hand (`tests/fixtures/*.gold.tsv`):
//! precision and recall per page and per kind, acronyms merged with their long forms, and the
//! invariants the front ends rely on.
//!
//! `cargo test --test entities scores -- --nocapture` prints the table reported in the README.

use std::collections::BTreeMap;
use std::path::Path;

use broker_reader::Library;
use broker_reader::entities::{Entities, Entity, EntityKind};
use broker_reader::model::Issue;

const MIN_PRECISION: f64 = 0.90;
const MIN_RECALL: f64 = 0.95;

/// Every text with a gold list: (text file, gold file). Fixture pages are read from disk.
const CORPORA: &[(&str, &str)] = &[
    ("embedded", "tests/fixtures/the-broker-issue-1.gold.tsv"),
    (
        "tests/fixtures/other-pages.txt",
        "tests/fixtures/other-pages.gold.tsv",
    ),
    (
        "tests/fixtures/entity-pages.txt",
        "tests/fixtures/entity-pages.gold.tsv",
    ),
    (
        "tests/fixtures/more-pages.txt",
        "tests/fixtures/more-pages.gold.tsv",
    ),
    (
        "tests/fixtures/acronym-pages.txt",
        "tests/fixtures/acronym-pages.gold.tsv",
    ),
];

struct Gold {
    /// page → (kind, name)
    entities: BTreeMap<u32, Vec<(EntityKind, String)>>,
    /// (short form, long form)
    acronyms: Vec<(String, String)>,
}

fn kind_from(s: &str) -> EntityKind {
    EntityKind::ALL
        .into_iter()
        .find(|k| k.as_str() == s)
        .unwrap_or_else(|| panic!("unknown kind {s:?} in a gold file"))
}

fn read_gold(path: &str) -> Gold {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut gold = Gold {
        entities: BTreeMap::new(),
        acronyms: Vec::new(),
    };
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let fields: Vec<&str> = line.split('\t').collect();
        let page: u32 = fields[0].parse().expect("page number");
        match fields[1] {
            "acronym" => gold
                .acronyms
                .push((fields[2].to_string(), fields[3].to_string())),
            kind => gold
                .entities
                .entry(page)
                .or_default()
                .push((kind_from(kind), fields[2].to_string())),
        }
    }
    gold
}

fn library(source: &str) -> Option<Library> {
    if source == "embedded" {
        return Some(Library::embedded().expect("the embedded issue parses"));
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(source);
    path.exists()
        .then(|| Library::open(&path).expect("fixture pages parse"))
}

fn same(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

fn answers(e: &Entity, kind: EntityKind, name: &str) -> bool {
    e.kind == kind && (same(&e.name, name) || e.aliases.iter().any(|a| same(a, name)))
}

/// Entities (topics excluded) with a mention on each page.
fn by_page<'a>(issue: &Issue, entities: &'a Entities) -> BTreeMap<u32, Vec<&'a Entity>> {
    let mut pages: BTreeMap<u32, Vec<&Entity>> = BTreeMap::new();
    for e in entities.list.iter().filter(|e| e.kind != EntityKind::Topic) {
        let mut seen: Vec<u32> = e
            .mentions
            .iter()
            .map(|m| issue.articles[m.article()].page)
            .collect();
        seen.sort_unstable();
        seen.dedup();
        for page in seen {
            pages.entry(page).or_default().push(e);
        }
    }
    pages
}

#[derive(Default, Clone, Copy)]
struct Score {
    /// Extracted entities that are in the gold list, and all extracted.
    correct: usize,
    extracted: usize,
    /// Gold entities that were found, and all gold.
    found: usize,
    gold: usize,
}

impl Score {
    fn precision(&self) -> f64 {
        if self.extracted == 0 {
            1.0
        } else {
            self.correct as f64 / self.extracted as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.gold == 0 {
            1.0
        } else {
            self.found as f64 / self.gold as f64
        }
    }
    fn add(&mut self, o: Score) {
        self.correct += o.correct;
        self.extracted += o.extracted;
        self.found += o.found;
        self.gold += o.gold;
    }
}

struct PageReport {
    corpus: &'static str,
    page: u32,
    total: Score,
    per_kind: BTreeMap<EntityKind, Score>,
    false_positives: Vec<String>,
    misses: Vec<String>,
}

fn evaluate() -> Vec<PageReport> {
    let mut reports = Vec::new();
    for &(source, gold_path) in CORPORA {
        let Some(lib) = library(source) else {
            continue;
        };
        let gold = read_gold(gold_path);
        let pages = by_page(&lib.issue, &lib.entities);
        let all_pages: Vec<u32> = gold
            .entities
            .keys()
            .chain(pages.keys())
            .copied()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        for page in all_pages {
            let expected = gold.entities.get(&page).map_or(&[][..], Vec::as_slice);
            let got = pages.get(&page).map_or(&[][..], Vec::as_slice);
            let mut report = PageReport {
                corpus: source,
                page,
                total: Score::default(),
                per_kind: BTreeMap::new(),
                false_positives: Vec::new(),
                misses: Vec::new(),
            };
            for e in got {
                let ok = expected.iter().any(|(k, n)| answers(e, *k, n));
                let s = report.per_kind.entry(e.kind).or_default();
                s.extracted += 1;
                s.correct += usize::from(ok);
                if !ok {
                    report
                        .false_positives
                        .push(format!("{} ({})", e.name, e.kind.as_str()));
                }
            }
            for (k, n) in expected {
                let ok = got.iter().any(|e| answers(e, *k, n));
                let s = report.per_kind.entry(*k).or_default();
                s.gold += 1;
                s.found += usize::from(ok);
                if !ok {
                    report.misses.push(format!("{n} ({})", k.as_str()));
                }
            }
            for s in report.per_kind.values() {
                report.total.add(*s);
            }
            reports.push(report);
        }
    }
    reports
}

fn print_table(reports: &[PageReport]) {
    println!(
        "{:<34} {:>5} {:>9} {:>7}  false positives / misses",
        "text", "page", "precision", "recall"
    );
    for r in reports {
        println!(
            "{:<34} {:>5} {:>9.3} {:>7.3}  {:?} / {:?}",
            r.corpus,
            r.page,
            r.total.precision(),
            r.total.recall(),
            r.false_positives,
            r.misses
        );
    }
    let mut kinds: BTreeMap<EntityKind, Score> = BTreeMap::new();
    for r in reports {
        for (k, s) in &r.per_kind {
            kinds.entry(*k).or_default().add(*s);
        }
    }
    println!(
        "\n{:<14} {:>5} {:>9} {:>9} {:>7}",
        "kind", "gold", "extracted", "precision", "recall"
    );
    let mut all = Score::default();
    for (k, s) in &kinds {
        all.add(*s);
        println!(
            "{:<14} {:>5} {:>9} {:>9.3} {:>7.3}",
            k.as_str(),
            s.gold,
            s.extracted,
            s.precision(),
            s.recall()
        );
    }
    println!(
        "{:<14} {:>5} {:>9} {:>9.3} {:>7.3}",
        "all",
        all.gold,
        all.extracted,
        all.precision(),
        all.recall()
    );
}

#[test]
fn scores_meet_the_bar_on_every_page() {
    let reports = evaluate();
    print_table(&reports);
    assert!(
        reports.len() >= 4,
        "the embedded page and at least three other pages"
    );
    for r in &reports {
        assert!(
            r.total.precision() >= MIN_PRECISION && r.total.recall() >= MIN_RECALL,
            "{} page {}: precision {:.3}, recall {:.3}; false positives {:?}, misses {:?}",
            r.corpus,
            r.page,
            r.total.precision(),
            r.total.recall(),
            r.false_positives,
            r.misses
        );
    }
}

#[test]
fn every_defined_acronym_merges_with_its_long_form() {
    for &(source, gold_path) in CORPORA {
        let Some(lib) = library(source) else {
            continue;
        };
        let gold = read_gold(gold_path);
        for (short, long) in &gold.acronyms {
            let entity = lib
                .entities
                .list
                .iter()
                .find(|e| same(&e.name, long))
                .unwrap_or_else(|| panic!("{source}: no entity named {long:?}"));
            assert!(
                entity.aliases.contains(short),
                "{source}: {long:?} lacks the alias {short:?}: {:?}",
                entity.aliases
            );
            // Every bare use of the acronym is a mention of the same entity.
            for (pos, id) in lib.entities.mentions() {
                if lib.issue.text_at(pos) == Some(short.as_str()) {
                    assert_eq!(id, entity.id, "{source}: {short} at {pos:?}");
                }
            }
            let uses = lib
                .issue
                .articles
                .iter()
                .flat_map(|a| &a.blocks)
                .map(|b| count_words(&b.text, short))
                .sum::<usize>();
            let linked = entity
                .mentions
                .iter()
                .filter(|&&m| lib.issue.text_at(m) == Some(short.as_str()))
                .count();
            assert_eq!(linked, uses, "{source}: uses of {short} not all linked");
        }
    }
}

fn count_words(text: &str, word: &str) -> usize {
    text.match_indices(word)
        .filter(|(i, _)| {
            let before = text[..*i].chars().next_back();
            let after = text[i + word.len()..].chars().next();
            before.is_none_or(|c| !c.is_alphanumeric())
                && after.is_none_or(|c| !c.is_alphanumeric())
        })
        .count()
}

fn entity<'a>(lib: &'a Library, name: &str) -> &'a Entity {
    lib.entities
        .list
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("no entity {name:?}"))
}

fn mentioned_as(lib: &Library, e: &Entity) -> Vec<String> {
    e.mentions
        .iter()
        .filter_map(|&m| lib.issue.text_at(m).map(str::to_string))
        .collect()
}

#[test]
fn forms_of_one_thing_are_one_entity() {
    let lib = library("embedded").expect("embedded");
    let us = entity(&lib, "United States");
    assert_eq!(us.kind, EntityKind::Place);
    assert!(mentioned_as(&lib, us).contains(&"US".to_string()), "US-led");
    let un = entity(&lib, "United Nations");
    assert!(mentioned_as(&lib, un).contains(&"UN".to_string()));
    let pilpg = entity(&lib, "Public International Law & Policy Group");
    assert_eq!(pilpg.kind, EntityKind::Organization);
    assert!(
        pilpg.description.contains("(PILPG"),
        "{}",
        pilpg.description
    );
    let bush = lib
        .entities
        .list
        .iter()
        .find(|e| e.kind == EntityKind::Person && e.name.ends_with("Bush"))
        .expect("Bush");
    let forms = mentioned_as(&lib, bush);
    assert!(forms.contains(&"President Bush".to_string()), "{forms:?}");
    assert!(forms.contains(&"Bush".to_string()), "{forms:?}");
    let world_bank = entity(&lib, "World Bank");
    // `The Bank’s new research programme` refers back to the only bank of the article.
    assert!(mentioned_as(&lib, world_bank).contains(&"Bank".to_string()));
}

#[test]
fn mentions_related_and_rankings_are_consistent() {
    for &(source, _) in CORPORA {
        let Some(lib) = library(source) else {
            continue;
        };
        let e = &lib.entities;
        let mut total = 0;
        for entity in &e.list {
            assert!(!entity.mentions.is_empty());
            assert!(!entity.description.is_empty(), "{}", entity.name);
            assert!(!entity.related.contains(&entity.id));
            assert!(entity.mentions.windows(2).all(|w| w[0] < w[1]));
            for &m in &entity.mentions {
                let block = &lib.issue.articles[m.article()].blocks[m.block()].text;
                assert!(m.start() < m.end() && m.end() <= block.len());
                assert!(block.is_char_boundary(m.start()) && block.is_char_boundary(m.end()));
            }
            total += entity.mentions.len();
        }
        let all: Vec<_> = e.mentions().collect();
        assert_eq!(total, all.len());
        assert_eq!(total, e.mention_count());
        assert!(all.windows(2).all(|w| w[0].0 <= w[1].0));
        assert_eq!(e.by_article.len(), lib.issue.articles.len());
        for (a, ids) in e.by_article.iter().enumerate() {
            let count = |id: usize| {
                e.list[id]
                    .mentions
                    .iter()
                    .filter(|m| m.article() == a)
                    .count()
            };
            assert!(ids.windows(2).all(|w| count(w[0]) >= count(w[1])));
            assert!(ids.iter().all(|&id| count(id) > 0));
        }
    }
}

#[test]
fn json_has_the_documented_shape() {
    let lib = library("embedded").expect("embedded");
    let value = serde_json::to_value(&lib.entities.list).expect("serialises");
    let first = &value[0];
    for key in [
        "id",
        "name",
        "kind",
        "aliases",
        "description",
        "mentions",
        "related",
    ] {
        assert!(first.get(key).is_some(), "missing {key}");
    }
    let m = &first["mentions"][0];
    assert!(m["article"].as_u64() >= Some(1), "articles are 1-based");
    for key in ["block", "start", "end"] {
        assert!(m.get(key).is_some());
    }
}
