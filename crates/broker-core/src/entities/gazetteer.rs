//! Place names from `assets/gazetteer/places.tsv` (countries, capitals, large cities, regions;
//! see its README for source and licence), found by walking a finite-state map from each word
//! start. The map (alias → canonical name) is built by build.rs, so finding places costs no
//! set-up at run time: no automaton to build, nothing allocated but the hits.

use std::sync::OnceLock;

use fst::Map;
use fst::raw::Output;

static ALIASES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/places.fst"));

// `CANONICAL_NAMES`, the distinct canonical names end to end, and `CANONICAL_ENDS`, where each
// one ends in it; the map's values index them.
include!(concat!(env!("OUT_DIR"), "/places.rs"));

/// The canonical name the map's value `index` stands for.
fn canonical(index: u64) -> Option<&'static str> {
    let i = usize::try_from(index).ok()?;
    let start = match i.checked_sub(1) {
        Some(before) => *CANONICAL_ENDS.get(before)?,
        None => 0,
    };
    let end = *CANONICAL_ENDS.get(i)?;
    CANONICAL_NAMES.get(usize::try_from(start).ok()?..usize::try_from(end).ok()?)
}

/// A place name found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    /// The name the place is known by (`United States` for `US`).
    pub canonical: &'static str,
}

fn aliases() -> Option<&'static Map<&'static [u8]>> {
    static CELL: OnceLock<Option<Map<&'static [u8]>>> = OnceLock::new();
    // `Map::new` only checks the header: nothing is built or copied.
    CELL.get_or_init(|| Map::new(ALIASES).ok()).as_ref()
}

fn boundary(c: Option<char>) -> bool {
    c.is_none_or(|c| !c.is_alphanumeric())
}

/// The longest alias starting at `start` that ends on a word boundary, as `(end, canonical)`.
/// A longer alias cut mid-word (`United States of Americans`) leaves the shorter one (`United States`).
fn longest_at(map: &Map<&[u8]>, text: &str, start: usize) -> Option<(usize, &'static str)> {
    let fst = map.as_fst();
    let bytes = text.as_bytes().get(start..)?;
    let mut node = fst.root();
    let mut out = Output::zero();
    let mut best = None;
    for (i, &b) in bytes.iter().enumerate() {
        let Some(t) = node.find_input(b).map(|k| node.transition(k)) else {
            break;
        };
        out = out.cat(t.out);
        node = fst.node(t.addr);
        let end = start + i + 1;
        // Aliases are whole UTF-8 strings, so a final state is always on a char boundary;
        // `get` keeps that an assumption checked rather than a panic.
        if node.is_final()
            && text
                .get(end..)
                .is_some_and(|rest| boundary(rest.chars().next()))
        {
            let index = out.cat(node.final_output()).value();
            if let Some(canonical) = canonical(index) {
                best = Some((end, canonical));
            }
        }
    }
    best
}

/// Which bytes start some alias: the map's first transitions. Nearly every alias starts with a
/// capital, so most words of prose are passed over without walking the map.
fn first_bytes(map: &Map<&[u8]>) -> &'static [bool; 256] {
    static CELL: OnceLock<[bool; 256]> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut table = [false; 256];
        for t in map.as_fst().root().transitions() {
            table[usize::from(t.inp)] = true;
        }
        table
    })
}

/// Every place name in `text` that stands as whole words, case as written in the gazetteer:
/// from each word start the longest such name, and the search goes on after it.
///
/// Only bytes that start some alias are stopped at (a capital, nearly always), and only there
/// is the character before decoded to see whether a word starts: most of a text is passed over
/// a byte at a time with one table look-up. `reference::find` in the tests is the plain version
/// it must agree with.
pub fn find(text: &str) -> Vec<Hit> {
    let Some(map) = aliases() else {
        return Vec::new();
    };
    let first = first_bytes(map);
    let bytes = text.as_bytes();
    let mut hits = Vec::new();
    let mut i = 0;
    // Aliases start with a whole character, so a byte that starts one is never a UTF-8
    // continuation byte: every `i` stopped at is a character boundary.
    while let Some(skip) = bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(|&b| first[usize::from(b)]))
    {
        i += skip;
        let word_start = match i.checked_sub(1).map(|p| bytes[p]) {
            None => true,
            Some(b) if b.is_ascii() => !b.is_ascii_alphanumeric(),
            Some(_) => boundary(text.get(..i).and_then(|before| before.chars().next_back())),
        };
        if word_start && let Some((end, canonical)) = longest_at(map, text, i) {
            hits.push(Hit {
                start: i,
                end,
                canonical,
            });
            // The search goes on after the name; `end` is a character boundary.
            i = end;
        } else {
            i += 1;
        }
    }
    hits
}

/// The canonical name when the whole of `name` is a place name.
pub fn lookup(name: &str) -> Option<&'static str> {
    let index = aliases()?.get(name)?;
    canonical(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_index_names_one_place_and_none_beyond() {
        let count = CANONICAL_ENDS.len() as u64;
        assert!(count > 100);
        let names: Vec<&str> = (0..count).filter_map(canonical).collect();
        assert_eq!(names.len() as u64, count);
        assert!(names.iter().all(|n| !n.is_empty() && n.trim() == *n));
        let distinct: std::collections::HashSet<&str> = names.iter().copied().collect();
        assert_eq!(
            distinct.len(),
            names.len(),
            "names are the distinct canonical ones"
        );
        assert_eq!(canonical(count), None);
        assert_eq!(canonical(u64::MAX), None);
    }

    /// The plain version `find` replaces, to test it against.
    mod reference {
        use super::super::*;

        pub fn find(text: &str) -> Vec<Hit> {
            let Some(map) = aliases() else {
                return Vec::new();
            };
            let mut hits = Vec::new();
            let mut resume = 0;
            let mut prev: Option<char> = None;
            for (start, c) in text.char_indices() {
                let word_start = boundary(prev);
                prev = Some(c);
                if start < resume || !word_start {
                    continue;
                }
                if let Some((end, canonical)) = longest_at(map, text, start) {
                    hits.push(Hit {
                        start,
                        end,
                        canonical,
                    });
                    resume = end;
                }
            }
            hits
        }
    }

    /// Place names, parts of them, and what stands around names in prose.
    fn tricky_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::strategy::Strategy;
        let pieces = proptest::sample::select(vec![
            " ",
            "  ",
            "\n",
            ".",
            ",",
            "-",
            "(",
            ")",
            "'",
            "’",
            "s",
            "2",
            "é",
            "É",
            "x",
            "Ke",
            "Kenya",
            "Kenyan",
            "United",
            "United States",
            "United States of America",
            "of",
            "America",
            "Americans",
            "The Hague",
            "The",
            "US",
            "USA",
            "U.S.",
            "U.S",
            "'s-Hertogenbosch",
            "Herāt",
            "São Paulo",
            "Middle East",
            "Nairobi",
            "Netherlands",
            "日本",
            "\u{a0}",
        ]);
        proptest::collection::vec(pieces, 0..30).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #[test]
        fn finding_agrees_with_the_plain_version(text in tricky_text()) {
            proptest::prop_assert_eq!(find(&text), reference::find(&text));
        }

        #[test]
        fn finding_agrees_with_the_plain_version_on_any_text(text: String) {
            proptest::prop_assert_eq!(find(&text), reference::find(&text));
        }
    }

    #[test]
    fn finding_agrees_with_the_plain_version_on_the_embedded_issue() {
        let text = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../assets/the-broker-issue-1.txt"
        ));
        assert_eq!(find(text), reference::find(text));
    }

    fn names(text: &str) -> Vec<(&str, &str)> {
        find(text)
            .into_iter()
            .map(|h| (&text[h.start..h.end], h.canonical))
            .collect()
    }

    #[test]
    fn finds_countries_cities_and_regions_on_word_boundaries() {
        assert_eq!(
            names("US-led talks in The Hague and Nairobi, the Netherlands and the Middle East"),
            [
                ("US", "United States"),
                ("The Hague", "The Hague"),
                ("Nairobi", "Nairobi"),
                ("Netherlands", "The Netherlands"),
                ("Middle East", "Middle East"),
            ]
        );
        assert!(
            names("USA-style Chadian Omani")
                .iter()
                .all(|(s, _)| *s == "USA")
        );
        assert!(names("the united states").is_empty());
    }

    #[test]
    fn looks_up_whole_names_only() {
        assert_eq!(lookup("Herāt"), Some("Herat"));
        assert_eq!(lookup("Kenya"), Some("Kenya"));
        assert_eq!(lookup("Kenya Airways"), None);
        assert_eq!(lookup("Keny"), None);
        assert_eq!(lookup(""), None);
    }

    #[test]
    fn the_longest_name_at_a_word_start_wins() {
        assert_eq!(
            names("flights to the United States of America and United States"),
            [
                ("United States of America", "United States"),
                ("United States", "United States"),
            ]
        );
    }

    #[test]
    fn a_name_needs_a_word_boundary_on_both_sides() {
        assert!(names("Kenyan and Ukenya and Kenya2").is_empty());
        assert_eq!(names("(Kenya)"), [("Kenya", "Kenya")]);
    }

    #[test]
    fn a_shorter_name_is_found_when_the_longer_one_is_cut_mid_word() {
        // `United States of America` is an alias, but `Americans` is not a whole word of it.
        assert_eq!(
            names("the United States of Americans"),
            [("United States", "United States")]
        );
    }

    #[test]
    fn names_starting_or_ending_with_punctuation_are_found() {
        assert_eq!(names("the U.S. and"), [("U.S.", "United States")]);
        assert_eq!(
            names("in 's-Hertogenbosch"),
            [("'s-Hertogenbosch", "'s-Hertogenbosch")]
        );
    }
}
