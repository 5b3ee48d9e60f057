//! A small issue written for the reader's tests (not the embedded one): three articles on
//! another subject, every block kind, long paragraphs, and entities built by hand.

#![allow(dead_code)]

use std::sync::Arc;

use broker_reader::Library;
use broker_reader::entities::{Entities, Entity, EntityKind};
use broker_reader::model::{Article, Block, BlockKind, Issue, Position};
use broker_reader::tui::action::Action;
use broker_reader::tui::app::{State, update};
use broker_reader::tui::keymap::Key;

fn para(text: &str) -> Block {
    Block::new(BlockKind::Paragraph, text)
}

pub fn issue() -> Issue {
    let long = "Upstream dams change how much water reaches the farms downstream, and when. \
        The Mekong River Commission (MRC) was set up to share data between the riparian states, \
        but its members disagree about what the data mean. In Laos the government sees \
        hydropower as the way out of poverty; in the delta, farmers see salt water creeping \
        further inland every dry season. Negotiators have tried for years to agree on rules \
        for releasing water in drought, and each attempt has ended with a communiqué that \
        promises more studies.";
    let long2 = "The Helsinki Rules offered a vocabulary of equitable and reasonable use, yet few \
        basins adopted them word for word. What matters more, say the engineers at the MRC, \
        is that every state can see the same gauges at the same time. A shared dashboard, \
        updated hourly, has done more for trust than any treaty text. Laos now publishes its \
        reservoir levels, something unthinkable a decade ago.";
    let articles = vec![
        Article {
            id: 1,
            page: 7,
            section: "water".into(),
            title: "Rivers without borders".into(),
            standfirst: Some(
                "Shared rivers can start wars or end them. The difference lies in the data \
                 the riparian states agree to share"
                    .into(),
            ),
            authors: vec!["Mara Okafor".into()],
            blocks: vec![
                para(long),
                para(long2),
                Block::new(BlockKind::Heading, "Shared basins"),
                para(
                    "On 12 March 2006 the ministers met in Vientiane and agreed to a joint \
                     drought protocol. It has been invoked twice since. Each time the MRC \
                     secretariat published release schedules a week ahead, and each time the \
                     delta provinces planted on time.",
                ),
                Block::new(
                    BlockKind::Caption,
                    "Fishermen on the river near Vientiane at the end of the dry season",
                ),
                para(&long.replace("Upstream", "Downstream")),
                Block::new(
                    BlockKind::Bio,
                    "Mara Okafor is a hydrologist who writes about shared rivers.",
                ),
                Block::new(
                    BlockKind::Reference,
                    "Basin data portal: http://example.org/basins",
                ),
            ],
        },
        Article {
            id: 2,
            page: 8,
            section: "research".into(),
            title: "Open questions".into(),
            standfirst: None,
            authors: vec![],
            blocks: vec![
                para("The programme sets itself these questions:"),
                Block::new(
                    BlockKind::ListItem,
                    "Who decides how much water a dam may hold back in a drought year?",
                ),
                Block::new(
                    BlockKind::ListItem,
                    "Can shared data replace a binding treaty between riparian states?",
                ),
                Block::new(
                    BlockKind::ListItem,
                    "What do farmers in the delta know that the models miss?",
                ),
                Block::new(BlockKind::Label, "Water governance"),
            ],
        },
        Article {
            id: 3,
            page: 8,
            section: "Developments".into(),
            title: "Gauges go public".into(),
            standfirst: None,
            authors: vec![],
            blocks: vec![
                para(
                    "Laos began publishing hourly reservoir levels in 2006. The MRC calls it \
                     the most useful step towards trust in a decade.",
                ),
                Block::new(BlockKind::Reference, "See http://example.org/basins"),
            ],
        },
    ];
    Issue {
        magazine: "The Ledger".into(),
        issue: Some(3),
        date: Some("May 2006".into()),
        pages: vec![7, 8],
        articles,
    }
}

/// Entities found by plain string search, as an extractor would report them.
pub fn entities(issue: &Issue) -> Entities {
    let specs: &[(&str, EntityKind, &[&str], &str)] = &[
        (
            "Mekong River Commission",
            EntityKind::Organization,
            &["MRC"],
            "A body set up to share data between the riparian states.",
        ),
        (
            "Laos",
            EntityKind::Place,
            &[],
            "Sees hydropower as the way out of poverty.",
        ),
        ("Vientiane", EntityKind::Place, &[], ""),
        (
            "Mara Okafor",
            EntityKind::Person,
            &[],
            "A hydrologist who writes about shared rivers.",
        ),
        ("12 March 2006", EntityKind::Date, &[], ""),
        ("Helsinki Rules", EntityKind::Document, &[], ""),
        ("http://example.org/basins", EntityKind::Url, &[], ""),
    ];
    let mut list = Vec::new();
    for (id, (name, kind, aliases, description)) in specs.iter().enumerate() {
        let mut mentions = Vec::new();
        for (a, article) in issue.articles.iter().enumerate() {
            for (b, block) in article.blocks.iter().enumerate() {
                let mut found: Vec<(usize, usize)> = Vec::new();
                for form in std::iter::once(name).chain(aliases.iter()) {
                    for (start, m) in block.text.match_indices(form) {
                        let end = start + m.len();
                        if !found.iter().any(|&(s, e)| s < end && start < e) {
                            found.push((start, end));
                        }
                    }
                }
                mentions.extend(found.into_iter().map(|(s, e)| {
                    Position::try_new(a, b, s, e).expect("test fixtures are far under 4 GiB")
                }));
            }
        }
        mentions.sort();
        list.push(Entity {
            id,
            name: name.to_string(),
            kind: *kind,
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            description: description.to_string(),
            mentions,
            related: Vec::new(),
        });
    }
    let n = list.len();
    for i in 0..n {
        let articles: Vec<usize> = list[i].mentions.iter().map(|p| p.article()).collect();
        list[i].related = (0..n)
            .filter(|&j| {
                j != i
                    && list[j]
                        .mentions
                        .iter()
                        .any(|p| articles.contains(&p.article()))
            })
            .collect();
    }
    let by_article = (0..issue.articles.len())
        .map(|a| {
            let mut ids: Vec<(usize, usize)> = list
                .iter()
                .map(|e| (e.mentions.iter().filter(|p| p.article() == a).count(), e.id))
                .filter(|&(n, _)| n > 0)
                .collect();
            ids.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
            ids.into_iter().map(|(_, id)| id).collect()
        })
        .collect();
    Entities::new(list, by_article)
}

pub fn library() -> Arc<Library> {
    let issue = issue();
    let mut library = Library::from_issue("test-issue.txt", issue);
    library.entities = entities(&library.issue);
    Arc::new(library)
}

/// A reader on [`library`] with a screen of `w`×`h`.
pub fn state(w: u16, h: u16) -> State {
    let mut s = State::new(library());
    update(&mut s, Action::Resize(w, h));
    s
}

/// Types `text` into the open prompt (search, picker), a key per character.
pub fn type_text(s: &mut State, text: &str) {
    for c in text.chars() {
        let action = s
            .action_for(Key::plain(broker_reader::tui::keymap::KeyCode::Char(c)))
            .expect("the prompt takes text");
        update(s, action);
    }
}

/// Searches for `query` as a reader does: `/`, the query, Enter.
pub fn search_for(s: &mut State, query: &str) {
    keys(s, "/");
    type_text(s, query);
    keys(s, "enter");
}

/// Presses keys given as space-separated names (`"/ M R C enter"`).
pub fn keys(s: &mut State, names: &str) {
    for name in names.split(' ').filter(|n| !n.is_empty()) {
        let key: Key = name.parse().expect("valid key name");
        if let Some(action) = s.action_for(key) {
            update(s, action);
        }
    }
}

/// `text` with its page headers written in capitals, as some layouts print them
/// (`21THE BROKER  ISSUE 3  OCTOBER 2007`).
pub fn with_headers_in_capitals(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| match broker_reader::parse::header(line.trim_end()) {
            Some(_) => line.to_uppercase(),
            None => line.to_string(),
        })
        .collect()
}
