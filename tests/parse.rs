//! The parser against whole pages: the embedded issue's complete structure, pages written for
//! these tests on other subjects (which must come out exactly as written down by hand), and
//! the invariants every parsed issue keeps.

use broker_reader::model::{Article, BlockKind, Issue};
use broker_reader::parse::{self, ParseError};
use broker_reader::{EMBEDDED_ISSUE, source};

mod common;

const FIXTURE: &str = include_str!("fixtures/other-pages.txt");
const FIXTURE_EXPECTED: &str = include_str!("fixtures/other-pages.expected.json");

fn embedded() -> Issue {
    parse::parse(EMBEDDED_ISSUE).expect("the embedded issue parses")
}

fn first_word(text: &str) -> &str {
    text.split_whitespace().next().unwrap_or("")
}

fn last_word(text: &str) -> &str {
    text.split_whitespace().last().unwrap_or("")
}

/// (kind, first word, last word) of every block.
fn shape(article: &Article) -> Vec<(BlockKind, &str, &str)> {
    article
        .blocks
        .iter()
        .map(|b| (b.kind, first_word(&b.text), last_word(&b.text)))
        .collect()
}

#[test]
fn embedded_issue_header() {
    let issue = embedded();
    assert_eq!(issue.magazine, "The Broker");
    assert_eq!(issue.issue, Some(1));
    assert_eq!(issue.date.as_deref(), Some("April 2007"));
    assert_eq!(issue.pages, [19]);
    assert_eq!(issue.articles.len(), 3);
    for (i, article) in issue.articles.iter().enumerate() {
        assert_eq!(article.id, i + 1);
        assert_eq!(article.page, 19);
    }
}

#[test]
fn embedded_feature() {
    use BlockKind::*;
    let issue = embedded();
    let a = &issue.articles[0];
    assert_eq!(a.title, "Bottom-up arms control");
    assert_eq!(a.section, "governance");
    assert_eq!(a.authors, ["Ko Colijn"]);
    let standfirst = a.standfirst.as_deref().expect("a standfirst");
    assert!(standfirst.starts_with("Coalitions of the willing have been accused"));
    assert!(standfirst.ends_with("most recently, cluster munitions"));
    assert_eq!(
        shape(a),
        [
            (Paragraph, "The", "accompli."),
            (Paragraph, "History", "declaration."),
            (Heading, "Ad", "coalitions"),
            (Paragraph, "Both", "defensive."),
            (Paragraph, "One", "willing."),
            (Paragraph, "It", "recruitment."),
            (Caption, "Cluster", "Afghanistan."),
            (Bio, "Ko", "policy."),
            (Label, "Coalitions", "willing"),
        ]
    );
    let text = |i: usize| a.blocks[i].text.as_str();
    // The drop cap, and the column break in mid-sentence before a quoted word.
    assert!(text(0).starts_with("The Bush administration has been criticized"));
    assert!(text(0).contains("But there are ‘good’ coalitions too."));
    assert!(
        text(0).contains("landmines. What began"),
        "double space collapsed"
    );
    assert_eq!(text(2), "Ad hoc coalitions");
    assert!(text(3).contains("there are now 150+ signatories"));
    assert!(text(3).contains("in the field of international relations"));
    assert!(text(3).contains("justified their optimism"));
    assert!(text(3).contains("a goal – through"), "dashes kept");
    assert!(text(4).contains("The difficulties in gaining support"));
    assert_eq!(text(6), "Cluster bombs in Herat, Afghanistan.");
    assert!(text(7).starts_with("Ko Colijn is special professor"));
    assert!(text(7).ends_with("war and peace and foreign policy."));
    assert_eq!(text(8), "Coalitions of the willing");
}

#[test]
fn embedded_developments() {
    use BlockKind::*;
    let issue = embedded();
    let law = &issue.articles[1];
    assert_eq!(law.title, "A global pro bono law firm");
    assert_eq!(law.section, "Developments");
    assert!(law.authors.is_empty());
    assert_eq!(law.standfirst, None);
    assert_eq!(
        shape(law),
        [
            (Paragraph, "For", "processes."),
            (Paragraph, "Describing", "Sudan."),
            (Paragraph, "Because", "value."),
            (
                Reference,
                "www.publicinternationallaw.org/peace",
                "www.publicinternationallaw.org/peace"
            ),
        ]
    );
    assert!(
        law.blocks[0]
            .text
            .contains("with conflict and reconstruction")
    );
    assert!(law.blocks[1].text.contains("as well as major law firms."));

    let aid = &issue.articles[2];
    assert_eq!(aid.title, "Assessing Aid assessed");
    assert_eq!(aid.section, "Developments");
    assert_eq!(
        shape(aid),
        [
            (Paragraph, "The", "ago."),
            (Paragraph, "In", "persist."),
            (Paragraph, "The", "questions:"),
            (ListItem, "Does", "data."),
            (ListItem, "Does", "not?"),
            (ListItem, "How", "priorities."),
            (Reference, "World", "http://econ.worldbank.org/programs"),
            (Reference, "World", "http://econ.worldbank.org/prr"),
        ]
    );
    assert!(aid.blocks[1].text.starts_with(
        "In 1998 the Development Research Group of the World Bank published Assessing Aid – What Works,"
    ));
    assert!(aid.blocks[4].text.contains("what makes the difference?"));
    assert!(aid.blocks[4].text.contains("that (financial) aid"));
    assert_eq!(
        aid.blocks[6].text,
        "World Bank: Aid Effectiveness, Human Development & Public Services programme: http://econ.worldbank.org/programs"
    );
    assert_eq!(
        aid.blocks[7].text,
        "World Bank (1998) Assessing Aid – What Works, What Doesn’t, and Why. New York: Oxford University Press. http://econ.worldbank.org/prr"
    );
}

#[test]
fn embedded_text_keeps_no_extraction_damage() {
    let issue = embedded();
    for article in &issue.articles {
        for block in &article.blocks {
            let text = &block.text;
            for damage in [" fi ", " fl ", "ffi ", "  ", "fi rm", "confl ict", "T he"] {
                assert!(!text.contains(damage), "{damage:?} left in {text:?}");
            }
        }
    }
}

#[test]
fn other_pages_parse_exactly_as_expected() {
    assert_parses_to(FIXTURE, FIXTURE_EXPECTED);
}

/// Two authors' bios printed apart, hyphens at line ends, a question as subheading, a page
/// without Developments, and one that starts with them.
#[test]
fn more_pages_parse_exactly_as_expected() {
    assert_parses_to(
        include_str!("fixtures/more-pages.txt"),
        include_str!("fixtures/more-pages.expected.json"),
    );
}

/// Compares field by field first, so that a failure names the article and the block.
fn assert_parses_to(text: &str, expected_json: &str) {
    let expected: Issue = serde_json::from_str(expected_json).expect("expected JSON is valid");
    let parsed = parse::parse(text).expect("the pages parse");
    assert_eq!(parsed.magazine, expected.magazine);
    assert_eq!(parsed.issue, expected.issue);
    assert_eq!(parsed.date, expected.date);
    assert_eq!(parsed.pages, expected.pages);
    assert_eq!(parsed.articles.len(), expected.articles.len());
    for (got, want) in parsed.articles.iter().zip(&expected.articles) {
        assert_eq!(got.title, want.title);
        assert_eq!(got.id, want.id, "{}", want.title);
        assert_eq!(got.page, want.page, "{}", want.title);
        assert_eq!(got.section, want.section, "{}", want.title);
        assert_eq!(got.standfirst, want.standfirst, "{}", want.title);
        assert_eq!(got.authors, want.authors, "{}", want.title);
        let kinds = |a: &Article| a.blocks.iter().map(|b| b.kind).collect::<Vec<_>>();
        assert_eq!(kinds(got), kinds(want), "{}", want.title);
        for (g, w) in got.blocks.iter().zip(&want.blocks) {
            assert_eq!(g.text, w.text, "{}", want.title);
        }
    }
    assert_eq!(parsed, expected);
}

#[test]
fn crlf_and_lf_give_the_same_structure() {
    for text in [EMBEDDED_ISSUE, FIXTURE] {
        let crlf = text.replace('\n', "\r\n");
        assert_eq!(parse::parse(&crlf), parse::parse(text));
        let decoded = source::decode(crlf.as_bytes());
        assert_eq!(parse::parse(&decoded), parse::parse(text));
    }
}

#[test]
fn pages_are_independent() {
    // The same pages in another order give the same articles per page.
    let pages: Vec<&str> = FIXTURE.split("\n\n2").collect();
    assert_eq!(pages.len(), 3);
    let reordered = format!("{}\n\n2{}\n\n2{}", pages[0], pages[2], pages[1]);
    let issue = parse::parse(&reordered).expect("parses");
    assert_eq!(issue.pages, [21, 23, 22]);
    let titles: Vec<&str> = issue.articles.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(titles[2], "When prices run ahead");
    assert_eq!(titles[5], "Watching the watchers");
}

#[test]
fn many_pages_in_one_file() {
    let mut text = String::new();
    for _ in 0..50 {
        text.push_str(EMBEDDED_ISSUE);
        text.push('\n');
    }
    let issue = parse::parse(&text).expect("parses");
    assert_eq!(issue.pages.len(), 50);
    assert_eq!(issue.articles.len(), 150);
    assert_eq!(issue.articles[149].id, 150);
    assert_eq!(
        issue.articles[3],
        Article {
            id: 4,
            ..embedded().articles[0].clone()
        }
    );
}

#[test]
fn no_paragraph_or_list_item_starts_in_lower_case() {
    for text in [EMBEDDED_ISSUE, FIXTURE] {
        for article in parse::parse(text).expect("parses").articles {
            for block in &article.blocks {
                if matches!(block.kind, BlockKind::Paragraph | BlockKind::ListItem) {
                    let first = block.text.chars().next().expect("blocks are never empty");
                    assert!(!first.is_lowercase(), "{:?}", block.text);
                }
            }
        }
    }
}

#[test]
fn text_without_a_header_is_refused() {
    assert_eq!(parse::parse(""), Err(ParseError::NoPages));
    assert_eq!(
        parse::parse("Bottom-up arms control\nBy Ko Colijn\n"),
        Err(ParseError::NoPages)
    );
}

#[test]
fn odd_inputs_never_panic_and_never_give_empty_blocks() {
    let header = "1The Broker  issue 1  April 2007\n";
    let bodies = [
        "",
        "\n\n\n",
        " Developments",
        " Developments\n\n",
        " Developments\n\nTitle only",
        " Developments\n\n indented only\n\n http://x.\n",
        "Title\n\nBy \n\ngovernance\n\n \n",
        "Title\n\nT he\n\n A\n\nLabel\n Developments\n\nItem\n text:\n one\n\n (1999)\n\nlower",
        "fi\nfl ood\n\n fi\n\n‘\n\n’ ’\n\n(\n\nwww.\n\nhttp://\n.",
        "é\u{301}\n\n İ ß\n\n\u{a0}\n",
        "A\n\nI\n\nT\n\n \n T\n",
    ];
    for body in bodies {
        let issue = parse::parse(&format!("{header}{body}")).expect("a header is enough");
        for article in &issue.articles {
            for block in &article.blocks {
                assert!(!block.text.trim().is_empty(), "empty block from {body:?}");
            }
        }
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Lines in the magazine's layout with its kinds of damage, in any order.
    fn line() -> impl Strategy<Value = String> {
        let word = prop::sample::select(vec![
            "the",
            "fi",
            "eld",
            "effi",
            "cient",
            "T",
            "he",
            "A",
            "fter",
            "I",
            "Lake",
            "council",
            "(fi",
            "scal)",
            "http://data.",
            "example.org/x",
            "www.x.org/",
            "peace",
            "questions:",
            "(1998)",
            "2007.",
            "‘quoted’",
            "–",
            "self-",
            "Why?",
            "é",
            "",
            "By",
        ]);
        let words = prop::collection::vec(word, 0..10).prop_map(|w| w.join(" "));
        prop_oneof![
            4 => words.clone(),
            2 => words.clone().prop_map(|w| format!(" {w}")),
            2 => Just(String::new()),
            1 => (1u32..100).prop_map(|n| format!("{n}The Broker  issue 2  May 2008")),
            1 => prop::sample::select(vec![" Developments", "governance", "By Ann Lee and Bo Chan"])
                .prop_map(String::from),
            1 => any::<String>().prop_map(|s| s.replace(['\r', '\n'], " ")),
        ]
    }

    fn page_text() -> impl Strategy<Value = String> {
        prop::collection::vec(line(), 0..80)
            .prop_map(|lines| format!("\n5The Broker  issue 2  May 2008\n\n{}", lines.join("\n")))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn layout_like_text_keeps_the_invariants(text in page_text()) {
            let issue = parse::parse(&text).expect("the first line is a header");
            prop_assert_eq!(issue.pages[0], 5);
            for (i, article) in issue.articles.iter().enumerate() {
                prop_assert_eq!(article.id, i + 1);
                prop_assert!(issue.pages.contains(&article.page));
                prop_assert!(!article.title.trim().is_empty());
                for block in &article.blocks {
                    prop_assert!(!block.text.trim().is_empty());
                    prop_assert_eq!(block.text.trim(), block.text.as_str());
                    prop_assert!(!block.text.contains("  "));
                    prop_assert!(!block.text.contains('\n'));
                }
            }
            let crlf = text.replace('\n', "\r\n");
            prop_assert_eq!(parse::parse(&crlf), Ok(issue));
        }

        #[test]
        fn arbitrary_text_never_panics(text in any::<String>()) {
            let _ = parse::parse(&text);
            let _ = parse::parse(&format!("1The Broker  issue 1  April 2007\n{text}"));
        }
    }
}

#[test]
fn headers_in_capitals_give_the_same_pages_and_articles() {
    let capitals = common::with_headers_in_capitals(FIXTURE);
    assert_ne!(capitals, FIXTURE);
    assert!(capitals.contains("THE BROKER  ISSUE 3"), "{capitals:.200}");
    let issue = parse::parse(&capitals).expect("pages found");
    let expected = parse::parse(FIXTURE).expect("pages found");
    assert_eq!(issue.magazine, "THE BROKER");
    assert_eq!(issue.date, expected.date.map(|d| d.to_uppercase()));
    assert_eq!(
        (&issue.pages, issue.issue),
        (&expected.pages, expected.issue)
    );
    assert_eq!(issue.articles, expected.articles);
}
