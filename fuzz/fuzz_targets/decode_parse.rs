//! Any bytes through the whole load path: decode, parse, entities, search index. Beyond "no
//! panic", it checks what the front ends rely on: clean one-line texts, ids 1..n, non-empty
//! blocks, and every position inside its block on character boundaries.

#![no_main]

use broker_reader::Library;
use broker_reader::model::{Issue, Position};
use broker_reader::source;
use libfuzzer_sys::fuzz_target;

fn clean(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
}

fn inside(issue: &Issue, p: Position) -> bool {
    issue
        .articles
        .get(p.article)
        .and_then(|a| a.blocks.get(p.block))
        .is_some_and(|b| {
            p.start <= p.end
                && p.end <= b.text.len()
                && b.text.is_char_boundary(p.start)
                && b.text.is_char_boundary(p.end)
        })
}

fuzz_target!(|data: &[u8]| {
    let text = source::decode(data);
    assert!(
        text.split('\n').all(clean),
        "decode left a control character"
    );
    let Ok(library) = Library::from_text("fuzz.txt", &text) else {
        return;
    };
    let issue = &library.issue;
    for (i, article) in issue.articles.iter().enumerate() {
        assert_eq!(article.id, i + 1);
        assert!(clean(&article.title) && clean(&article.section));
        assert!(article.standfirst.as_deref().is_none_or(clean));
        assert!(article.authors.iter().all(|a| clean(a)));
        for block in &article.blocks {
            assert!(!block.text.trim().is_empty(), "empty block");
            assert!(clean(&block.text), "control character in {:?}", block.text);
        }
    }
    for entity in &library.entities.list {
        assert!(clean(&entity.name));
        assert!(entity.mentions.iter().all(|&m| inside(issue, m)));
    }
    // The last word of the text must be found where it is.
    if let Some(word) = issue
        .articles
        .iter()
        .flat_map(|a| &a.blocks)
        .last()
        .and_then(|b| b.text.split_whitespace().last())
    {
        let hits = library.search(word);
        assert!(!hits.is_empty(), "{word:?} not found");
        assert!(hits.iter().all(|&h| inside(issue, h)));
    }
});
