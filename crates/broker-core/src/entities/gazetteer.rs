//! Place names from `assets/gazetteer/places.tsv` (countries, capitals, large cities, regions;
//! see its README for source and licence), found in one pass with a single Aho-Corasick
//! automaton built on first use.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

static PLACES: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../assets/gazetteer/places.tsv"
));

/// A place name found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    /// The name the place is known by (`United States` for `US`).
    pub canonical: &'static str,
}

struct Gazetteer {
    automaton: Option<AhoCorasick>,
    canonical: Vec<&'static str>,
}

fn gazetteer() -> &'static Gazetteer {
    static CELL: OnceLock<Gazetteer> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut aliases = Vec::new();
        let mut canonical = Vec::new();
        for line in PLACES.lines().filter(|l| !l.starts_with('#')) {
            let mut fields = line.split('\t');
            if let (Some(alias), Some(name)) = (fields.next(), fields.next())
                && !alias.is_empty()
            {
                aliases.push(alias);
                canonical.push(name);
            }
        }
        // Leftmost-longest so `New York City` wins over `New York` and `York`.
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&aliases)
            .ok();
        Gazetteer {
            automaton,
            canonical,
        }
    })
}

fn boundary(c: Option<char>) -> bool {
    c.is_none_or(|c| !c.is_alphanumeric())
}

/// Every place name in `text` that stands as whole words, case as written in the gazetteer.
pub fn find(text: &str) -> Vec<Hit> {
    let g = gazetteer();
    let Some(automaton) = &g.automaton else {
        return Vec::new();
    };
    automaton
        .find_iter(text)
        .filter(|m| {
            boundary(text[..m.start()].chars().next_back())
                && boundary(text[m.end()..].chars().next())
        })
        .filter_map(|m| {
            Some(Hit {
                start: m.start(),
                end: m.end(),
                canonical: g.canonical.get(m.pattern().as_usize())?,
            })
        })
        .collect()
}

/// The canonical name when the whole of `name` is a place name.
pub fn lookup(name: &str) -> Option<&'static str> {
    find(name)
        .first()
        .filter(|h| h.start == 0 && h.end == name.len())
        .map(|h| h.canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
