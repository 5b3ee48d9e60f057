//! Any query against any block texts: smart case, both explicit modes, and snippets around
//! every hit. Hits must lie inside their block on character boundaries and, when matched
//! exactly, be the query itself.

#![no_main]

use broker_reader::model::{Article, Block, BlockKind, Issue};
use broker_reader::search::{self, CaseMode, Index};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, Vec<Vec<&str>>)| {
    let (query, articles) = input;
    let issue = Issue {
        articles: articles
            .iter()
            .enumerate()
            .map(|(i, blocks)| Article {
                id: i + 1,
                blocks: blocks
                    .iter()
                    // Blocks are single lines of text, as the parser guarantees.
                    .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
                    .filter(|t| !t.is_empty())
                    .map(|t| Block::new(BlockKind::Paragraph, t))
                    .collect(),
                ..Article::default()
            })
            .collect(),
        ..Issue::default()
    };
    let index = Index::build(&issue);
    let wanted = query.split_whitespace().collect::<Vec<_>>().join(" ");
    let smart = index.search(&issue, query);
    for mode in [CaseMode::Sensitive, CaseMode::Insensitive] {
        let hits = index.search_with(&issue, query, mode);
        if mode == CaseMode::smart(query) {
            assert_eq!(hits, smart);
        }
        assert!(hits.windows(2).all(|w| w[0] <= w[1]), "hits out of order");
        for hit in hits {
            let text = &issue.articles[hit.article].blocks[hit.block].text;
            let found = issue.text_at(hit).expect("hit inside its block");
            assert!(!found.is_empty());
            if mode == CaseMode::Sensitive {
                assert_eq!(found, wanted);
            }
            let (_, shown, _) = search::snippet(text, hit.start, hit.end, 40);
            assert_eq!(shown, found);
        }
    }
});
