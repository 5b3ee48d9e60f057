//! Candidate mentions in one block: web addresses, dates, bylines, acronym definitions, titles
//! of publications, places and capitalised phrases, each with the kind its cues suggest.
//!
//! Rules follow Mikheev, Moens & Grover (1999): sure-fire cues first (a title before a name, an
//! organisation or document head word, a gazetteer hit), and capitalised words at the start of a
//! sentence only when the rest of the text shows them capitalised elsewhere.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use super::EntityKind;
use super::text::{
    Token, Tokens, gap, is_function_word, is_function_word_in_any_case, tokenize, with_lower,
};
use super::{acronyms, dates, gazetteer, urls};
use crate::lexicon;
use crate::model::BlockKind;

/// What the rules know about a candidate beyond its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    Plain,
    /// The long form of an acronym defined right after it.
    Definition {
        short: String,
    },
    /// The acronym in a definition; `long` is the long form's name.
    Short {
        long: String,
    },
    /// A bare all-capitals word such as `UN`.
    Acronym,
    /// A head word standing alone (`the Bank`, `the Group`) that may point back to a name.
    Anaphor,
    /// A person, with the title or byline form that was written (`President Bush`).
    Person {
        written: String,
    },
    /// A publication's full title and its main title before a subtitle.
    Title {
        short: Option<String>,
    },
}

/// One mention found in a block, not yet linked to an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub range: Range<usize>,
    /// The name as it should be shown: whitespace collapsed, titles and possessives removed.
    pub name: String,
    /// The kind when a cue settles it; `None` leaves it to linking.
    pub kind: Option<EntityKind>,
    pub role: Role,
    /// Canonical gazetteer name for places.
    pub place: Option<&'static str>,
    /// A weaker guess from the words around it (`in Diffa`, `an agency called Observa`), used
    /// when nothing else decides the kind.
    pub hint: Option<EntityKind>,
    /// A known word used before a noun (`Dutch media`, `Norwegian town`): an adjective unless
    /// it names something found elsewhere.
    pub modifier: bool,
}

/// Facts gathered from the whole issue before any block is read.
#[derive(Debug, Default)]
pub struct Evidence {
    /// Words seen capitalised in the middle of a sentence somewhere in the issue.
    pub capitalised: HashSet<String>,
}

impl Evidence {
    /// Adds what another part of the issue showed.
    pub fn union(&mut self, other: Evidence) {
        self.capitalised.extend(other.capitalised);
    }

    pub fn add_block(&mut self, text: &str, kind: BlockKind) {
        if is_heading(kind) {
            return;
        }
        for t in Tokens::new(text, false) {
            let word = t.text(text);
            if t.cap
                && !t.initial
                && !self.capitalised.contains(word)
                && !is_function_word_in_any_case(word)
            {
                self.capitalised.insert(word.to_string());
            }
        }
    }
}

fn is_heading(kind: BlockKind) -> bool {
    matches!(kind, BlockKind::Heading | BlockKind::Label)
}

const ORG_HEADS: &[&str] = &[
    "Academy",
    "Agency",
    "Alliance",
    "Assembly",
    "Association",
    "Authority",
    "Bank",
    "Board",
    "Bureau",
    "Cabinet",
    "Center",
    "Centre",
    "Coalition",
    "College",
    "Command",
    "Commission",
    "Community",
    "Committee",
    "Company",
    "Conference",
    "Congress",
    "Corporation",
    "Council",
    "Court",
    "Department",
    "Federation",
    "Force",
    "Forces",
    "Forum",
    "Foundation",
    "Fund",
    "Group",
    "Initiative",
    "Institute",
    "Institution",
    "League",
    "Ministry",
    "Movement",
    "Nations",
    "Network",
    "Office",
    "Organisation",
    "Organization",
    "Parliament",
    "Party",
    "Press",
    "Programme",
    "Secretariat",
    "School",
    "Senate",
    "Service",
    "Society",
    "Tribunal",
    "Trust",
    "Union",
    "University",
    // The same heads in the languages whose names English texts keep untranslated.
    "Agence",
    "Agencia",
    "Banco",
    "Banque",
    "Comité",
    "Fundación",
    "Gesellschaft",
    "Institut",
    "Instituto",
    "Universidad",
    "Universidade",
    "Universität",
    "Universiteit",
    "Université",
];

/// Words that make a phrase a place: `Lake Chad`, `Gulf of Guinea`, `Tana River`.
const PLACE_HEADS: &[&str] = &[
    "Bay",
    "Cape",
    "Delta",
    "Desert",
    "District",
    "Gulf",
    "Island",
    "Islands",
    "Lake",
    "Mount",
    "Mountains",
    "Ocean",
    "Peninsula",
    "Province",
    "Region",
    "River",
    "Sea",
    "Valley",
];

const DOCUMENT_HEADS: &[&str] = &[
    "Accord",
    "Arrangement",
    "Accords",
    "Act",
    "Agreement",
    "Charter",
    "Constitution",
    "Convention",
    "Covenant",
    "Declaration",
    "Directive",
    "Journal",
    "Memorandum",
    "Newsletter",
    "Pact",
    "Protocol",
    "Report",
    "Resolution",
    "Statute",
    "Treaty",
    "Yearbook",
];

/// Titles written before a person's name; two-word titles are joined by a space.
const PERSON_TITLES: &[&str] = &[
    "Ambassador",
    "Archbishop",
    "Bishop",
    "Brigadier",
    "Brigadier General",
    "Captain",
    "Cardinal",
    "Chancellor",
    "Colonel",
    "Commissioner",
    "Dr",
    "Foreign Minister",
    "General",
    "Governor",
    "Judge",
    "King",
    "Lord",
    "Mayor",
    "Minister",
    "Mr",
    "Mrs",
    "Ms",
    "Pope",
    "Premier",
    "President",
    "Prime Minister",
    "Prince",
    "Princess",
    "Prof",
    "Professor",
    "Queen",
    "Secretary General",
    "Secretary-General",
    "Senator",
    "Sheikh",
    "Sir",
    "Vice President",
    "Vice-President",
];

/// The word starts a person's title (`President`, `Prime` of `Prime Minister`,
/// `Secretary` of `Secretary-General`).
fn starts_title(word: &str) -> bool {
    // Asked of every sentence-initial capital: the first words are split off the titles once.
    static FIRST_WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    FIRST_WORDS
        .get_or_init(|| {
            PERSON_TITLES
                .iter()
                .filter_map(|title| title.split([' ', '-']).next())
                .collect()
        })
        .contains(&word)
}

/// `first second` (or `first` alone) is a person's title, without joining the words.
fn is_title(first: &str, second: Option<&str>) -> bool {
    match second {
        // A title of two words has one space, so `first second` equals it only when it splits
        // there into `first` and `second`.
        Some(second) => PERSON_TITLES
            .iter()
            .any(|title| title.split_once(' ') == Some((first, second))),
        None => PERSON_TITLES.contains(&first),
    }
}

/// Words after which a capitalised title names a publication.
const TITLE_CUES: &[&str] = &[
    "book",
    "bulletin",
    "entitled",
    "journal",
    "magazine",
    "newsletter",
    "published",
    "publishes",
    "report",
    "study",
    "titled",
];

/// The kind a head word gives a phrase. Asked of every word of every capitalised phrase, so
/// the heads are filed by their first letter (all are ASCII capitals) and only the few
/// starting with the word's letter are compared, in the order of the lists: organisations,
/// then documents, then places.
pub fn head_kind(word: &str) -> Option<EntityKind> {
    static BY_LETTER: OnceLock<[Vec<(&'static str, EntityKind)>; 26]> = OnceLock::new();
    let by_letter = BY_LETTER.get_or_init(|| {
        let mut table: [Vec<(&'static str, EntityKind)>; 26] = Default::default();
        let lists = [
            (ORG_HEADS, EntityKind::Organization),
            (DOCUMENT_HEADS, EntityKind::Document),
            (PLACE_HEADS, EntityKind::Place),
        ];
        for (list, kind) in lists {
            for &head in list {
                if let Some(slot) = letter_index(head).and_then(|i| table.get_mut(i)) {
                    slot.push((head, kind));
                }
            }
        }
        table
    });
    let slot = by_letter.get(letter_index(word)?)?;
    slot.iter()
        .find(|(head, _)| *head == word)
        .map(|&(_, kind)| kind)
}

/// `A` to `Z` as 0 to 25, from a word's first byte.
fn letter_index(word: &str) -> Option<usize> {
    let b = *word.as_bytes().first()?;
    b.is_ascii_uppercase().then(|| usize::from(b - b'A'))
}

fn last_word_of(name: &str) -> &str {
    name.rsplit(' ').next().unwrap_or(name)
}

/// `Hammerfest, Norway`: a name followed by a comma and a known place is a place in it.
fn before_place(after: &str) -> Option<EntityKind> {
    let rest = after.strip_prefix(", ")?;
    // Only the next few words matter; never scan the rest of the block.
    let mut cut = rest.len().min(64);
    while !rest.is_char_boundary(cut) {
        cut -= 1;
    }
    gazetteer::find(&rest[..cut])
        .first()
        .filter(|h| h.start == 0)
        .map(|_| EntityKind::Place)
}

/// An apposition naming a body: `X, a specialised agency of ...`, `X, an aid charity`.
fn before_body_apposition(after: &str) -> Option<EntityKind> {
    let rest = after.strip_prefix(", ")?;
    let mut words = rest
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty());
    if !matches!(words.next()?, "a" | "an") {
        return None;
    }
    words
        .take(3)
        .take_while(|w| w.starts_with(char::is_lowercase))
        .any(|w| BODY_NOUNS.contains(&singular(w).as_ref()))
        .then_some(EntityKind::Organization)
}

/// `the Global Findex database`: a name before a noun for a publication names one.
fn before_publication_noun(after: &str) -> Option<EntityKind> {
    let next = after
        .strip_prefix(' ')?
        .split(|c: char| !c.is_alphanumeric())
        .next()?;
    matches!(
        next,
        "database"
            | "dataset"
            | "index"
            | "journal"
            | "newsletter"
            | "report"
            | "survey"
            | "yearbook"
    )
    .then_some(EntityKind::Document)
}

/// Nouns for bodies that introduce a name: `an organisation called Observa`.
const BODY_NOUNS: &[&str] = &[
    "agency",
    "association",
    "bank",
    "body",
    "charity",
    "coalition",
    "company",
    "firm",
    "foundation",
    "group",
    "initiative",
    "institute",
    "insurer",
    "lender",
    "movement",
    "network",
    "organisation",
    "organization",
    "party",
    "programme",
    "union",
];

/// A hint from the words just before a phrase whose kind no cue settles.
fn context_hint(before: &str) -> Option<EntityKind> {
    let mut words = before
        .rsplit(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty());
    let prev = words.next()?;
    // Hearst's hyponym patterns: `an organisation called X`, `lenders such as X`.
    let body_before = |mut words: std::iter::Take<_>| {
        words
            .any(|w: &str| BODY_NOUNS.contains(&singular(w).as_ref()))
            .then_some(EntityKind::Organization)
    };
    match prev {
        "in" | "near" | "around" => Some(EntityKind::Place),
        "called" | "named" | "including" => body_before(words.take(3)),
        "as" if words.next() == Some("such") => body_before(words.take(3)),
        _ => None,
    }
}

fn singular(word: &str) -> std::borrow::Cow<'_, str> {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y").into()
    } else {
        word.strip_suffix('s').unwrap_or(word).into()
    }
}

/// Lower-case words that may sit inside a name between capitalised words.
fn connector(word: &str) -> bool {
    matches!(word, "of" | "on" | "for" | "and") || particle(word)
}

/// Particles of personal and foreign names (`van der`, `de la`, `du`).
fn particle(word: &str) -> bool {
    matches!(
        word,
        "de" | "del" | "van" | "von" | "der" | "den" | "du" | "la" | "los" | "las" | "da" | "do"
    )
}

/// One word or gazetteer name inside a block.
#[derive(Debug, Clone, Copy)]
struct Unit {
    start: usize,
    end: usize,
    cap: bool,
    acronym: bool,
    initial: bool,
    possessive: bool,
    numeric: bool,
    masked: bool,
    place: Option<&'static str>,
}

/// A piece of a capitalised phrase: a unit, or a connector between units.
#[derive(Debug, Clone, Copy)]
enum Piece {
    Word(usize),
    /// A lower-case connector word (unit index) or `&` (no unit).
    Link(Option<usize>),
}

struct Block<'a> {
    text: &'a str,
    units: Vec<Unit>,
}

impl Block<'_> {
    fn word(&self, i: usize) -> &str {
        &self.text[self.units[i].start..self.units[i].end]
    }

    fn link_word(&self, p: Piece) -> Option<&str> {
        match p {
            Piece::Link(Some(i)) => Some(self.word(i)),
            Piece::Link(None) => Some("&"),
            Piece::Word(_) => None,
        }
    }
}

/// Finds the candidate mentions of one block.
pub fn candidates(
    text: &str,
    kind: BlockKind,
    authors: &[String],
    evidence: &Evidence,
) -> Vec<Candidate> {
    let mut found: Vec<Candidate> = Vec::new();
    let mut masks: Vec<Range<usize>> = Vec::new();
    let free = |masks: &[Range<usize>], r: &Range<usize>| {
        !masks.iter().any(|m| m.start < r.end && r.start < m.end)
    };

    for r in urls::find(text) {
        found.push(Candidate {
            name: text[r.clone()].to_string(),
            range: r.clone(),
            kind: Some(EntityKind::Url),
            role: Role::Plain,
            place: None,
            hint: None,
            modifier: false,
        });
        masks.push(r);
    }
    for r in dates::find(text) {
        if free(&masks, &r) {
            found.push(Candidate {
                name: dates::normalize(&text[r.clone()]),
                range: r.clone(),
                kind: Some(EntityKind::Date),
                role: Role::Plain,
                place: None,
                hint: None,
                modifier: false,
            });
            masks.push(r);
        }
    }
    for author in authors.iter().filter(|a| a.split_whitespace().count() >= 2) {
        for (start, _) in text.match_indices(author.as_str()) {
            let r = start..start + author.len();
            if free(&masks, &r) && on_word_boundaries(text, &r) {
                found.push(Candidate {
                    name: author.clone(),
                    range: r.clone(),
                    kind: Some(EntityKind::Person),
                    role: Role::Person {
                        written: author.clone(),
                    },
                    place: None,
                    hint: None,
                    modifier: false,
                });
                masks.push(r);
            }
        }
    }
    if kind == BlockKind::Reference {
        for (r, name) in reference_authors(text) {
            if free(&masks, &r) {
                found.push(Candidate {
                    role: Role::Person {
                        written: collapse(&text[r.clone()]),
                    },
                    name,
                    range: r.clone(),
                    kind: Some(EntityKind::Person),
                    place: None,
                    hint: None,
                    modifier: false,
                });
                masks.push(r);
            }
        }
    }
    let tokens = tokenize(text, is_heading(kind));
    for mut d in acronyms::definitions(text) {
        if !free(&masks, &d.long) || !free(&masks, &d.short) {
            continue;
        }
        d.long.start = extend_long_form(text, &tokens, d.long.start);
        let long = collapse(&text[d.long.clone()]);
        let short = text[d.short.clone()].to_string();
        let after_short = text[d.short.end..]
            .split_once(')')
            .map_or("", |(_, after)| after);
        let long_kind = phrase_kind(&long).or_else(|| before_body_apposition(after_short));
        found.push(Candidate {
            name: long.clone(),
            range: d.long.clone(),
            kind: long_kind.or(Some(EntityKind::Topic)),
            role: Role::Definition {
                short: short.clone(),
            },
            place: gazetteer::lookup(&long),
            hint: None,
            modifier: false,
        });
        found.push(Candidate {
            name: short,
            range: d.short.clone(),
            kind: None,
            role: Role::Short { long },
            place: None,
            hint: None,
            modifier: false,
        });
        masks.push(d.long);
        masks.push(d.short);
    }

    for r in publication_titles(text, &tokens, kind) {
        if free(&masks, &r) {
            let name = collapse(&text[r.clone()]);
            let short = [" – ", " — ", ": ", " - "]
                .iter()
                .find_map(|sep| name.split_once(sep))
                .map(|(main, _)| main.trim().to_string());
            found.push(Candidate {
                name,
                range: r.clone(),
                kind: Some(EntityKind::Document),
                role: Role::Title { short },
                place: None,
                hint: None,
                modifier: false,
            });
            masks.push(r);
        }
    }

    let block = Block {
        text,
        units: units(text, &tokens, &masks),
    };
    for chunk in chunks(&block, evidence) {
        for piece in split(&block, &chunk) {
            if let Some(mut c) = classify(&block, &piece) {
                if c.kind.is_none() && c.role == Role::Plain {
                    let after = &text[c.range.end..];
                    let next: &str = after
                        .strip_prefix(' ')
                        .and_then(|a| a.split(|ch: char| !ch.is_alphabetic()).next())
                        .unwrap_or("");
                    // One or two words (`Dutch`, `South African`); a longer phrase is no
                    // adjective (`Pedro Maria Santos together`).
                    let adjective = c.name.split(' ').count() <= 2
                        && lexicon::is_word(last_word_of(&c.name))
                        && next.starts_with(char::is_lowercase)
                        && !is_function_word(next);
                    // A heading or page label alone is no evidence for a name of its own.
                    c.modifier = adjective || is_heading(kind);
                    c.hint = context_hint(&text[..c.range.start])
                        // `in Dutch media`: a known word before a noun is an adjective.
                        .filter(|k| *k != EntityKind::Place || !adjective)
                        .or_else(|| before_place(after))
                        .or_else(|| before_body_apposition(after))
                        .or_else(|| before_publication_noun(after))
                        .or(c.hint);
                }
                found.push(c);
            }
        }
    }
    found.sort_by_key(|c| c.range.start);
    found
}

/// Authors in a reference list, `Owusu, K. and Lindqvist, E. (2006)`: a capitalised surname,
/// a comma and initials. Returns the range and the name as `K. Owusu`.
fn reference_authors(text: &str) -> Vec<(Range<usize>, String)> {
    static PATTERN: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let Some(re) = PATTERN
        .get_or_init(|| regex::Regex::new(r"(\p{Lu}[\p{L}’'-]+), ((?:\p{Lu}\.[ -]?)+)").ok())
        .as_ref()
    else {
        return Vec::new();
    };
    re.captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            if text[..whole.start()]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
            {
                return None;
            }
            let initials = c.get(2)?.as_str().trim_end();
            let end = whole.start() + whole.as_str().trim_end().len();
            Some((
                whole.start()..end,
                format!("{initials} {}", c.get(1)?.as_str()),
            ))
        })
        .collect()
}

/// Schwartz & Hearst stop at the first word that matches the acronym's first letter; a name
/// may start earlier (`National Institute for Space Research (INPE)`). Extend over capitalised
/// words that are neither acronyms, places, possessives nor ordinary sentence-initial words.
fn extend_long_form(text: &str, tokens: &[Token], start: usize) -> usize {
    let Some(first) = tokens.iter().position(|t| t.start == start) else {
        return start;
    };
    let mut start_index = first;
    while start_index > 0 {
        let prev = &tokens[start_index - 1];
        let word = prev.text(text);
        let ok = prev.cap
            && !prev.acronym
            && !prev.possessive
            && !prev.numeric
            && text[prev.end..tokens[start_index].start] == *" "
            && !is_function_word_in_any_case(word)
            && gazetteer::lookup(word).is_none()
            && !(prev.initial && lexicon::is_common_word(word));
        if !ok {
            break;
        }
        start_index -= 1;
    }
    tokens[start_index].start
}

fn on_word_boundaries(text: &str, r: &Range<usize>) -> bool {
    let before = text[..r.start].chars().next_back();
    let after = text[r.end..].chars().next();
    before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The kind a whole phrase's head words give it (used for acronym long forms).
fn phrase_kind(phrase: &str) -> Option<EntityKind> {
    if gazetteer::lookup(phrase).is_some() {
        return Some(EntityKind::Place);
    }
    let words: Vec<&str> = phrase
        .split(|c: char| c.is_whitespace() || c == '-')
        .collect();
    let before_link = words
        .iter()
        .position(|w| connector(w))
        .unwrap_or(words.len());
    words[..before_link]
        .iter()
        .rev()
        .find_map(|w| head_kind(w))
        .or_else(|| words.iter().rev().find_map(|w| head_kind(w)))
}

/// Titles of publications: a capitalised run after a cue word (`published Assessing Aid`,
/// `newsletter, Peace Negotiations Watch`) or after the year in a reference
/// (`World Bank (1998) Assessing Aid – What Works`). The run may hold small words, dashes and
/// commas, and ends with the sentence.
fn publication_titles(text: &str, tokens: &[Token], kind: BlockKind) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    for i in 1..tokens.len() {
        // Only a capitalised word can start a title: the cues are looked for before those.
        if !tokens[i].cap || tokens[i].numeric {
            continue;
        }
        let prev = &tokens[i - 1];
        let between = gap(text, prev, &tokens[i]).trim();
        let cued = TITLE_CUES.contains(&prev.text(text)) && (between.is_empty() || between == ",");
        let after_year = kind == BlockKind::Reference
            && prev.numeric
            && prev.end - prev.start == 4
            && between == ")";
        if cued || after_year {
            let end = title_end(text, tokens, i);
            if let Some(last) = end {
                found.push(tokens[i].start..tokens[last].end);
            }
        }
    }
    found
}

fn title_end(text: &str, tokens: &[Token], first: usize) -> Option<usize> {
    let small = |t: &Token| {
        matches!(
            t.text(text),
            "a" | "an" | "and" | "or" | "of" | "the" | "in" | "on" | "for" | "to" | "with" | "at"
        )
    };
    let mut last = first;
    let mut j = first + 1;
    while j < tokens.len() {
        let g = gap(text, &tokens[j - 1], &tokens[j]);
        let g = g.trim();
        let joinable = matches!(g, "" | "–" | "—" | ":" | "," | "-");
        if !joinable || tokens[j - 1].possessive {
            break;
        }
        if tokens[j].cap {
            last = j;
        } else if !small(&tokens[j]) || g == ":" {
            break;
        }
        j += 1;
    }
    // A single capitalised word after `published` is as likely a name as a title.
    (last > first).then_some(last)
}

/// Units: tokens, with gazetteer names merged into one unit each.
fn units(text: &str, tokens: &[Token], masks: &[Range<usize>]) -> Vec<Unit> {
    let hits = gazetteer::find(text);
    let mut hit = hits.iter().peekable();
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    let masked = |s: usize, e: usize| masks.iter().any(|m| m.start < e && s < m.end);
    while i < tokens.len() {
        let t = tokens[i];
        while hit.peek().is_some_and(|h| h.start < t.start) {
            hit.next();
        }
        if let Some(h) = hit.peek().filter(|h| h.start == t.start)
            && let Some(last) = tokens[i..].iter().position(|u| u.end == h.end)
        {
            let last_token = tokens[i + last];
            out.push(Unit {
                start: t.start,
                end: h.end,
                cap: true,
                acronym: t.acronym && last == 0,
                initial: t.initial,
                possessive: last_token.possessive,
                numeric: false,
                masked: masked(t.start, h.end),
                place: Some(h.canonical),
            });
            hit.next();
            i += last + 1;
            continue;
        }
        out.push(Unit {
            start: t.start,
            end: t.end,
            cap: t.cap,
            acronym: t.acronym,
            initial: t.initial,
            possessive: t.possessive,
            numeric: t.numeric,
            masked: masked(t.start, t.end),
            place: None,
        });
        i += 1;
    }
    out
}

/// Whether a capitalised unit may be part of a name where it stands.
fn admissible(block: &Block<'_>, i: usize, evidence: &Evidence) -> bool {
    let u = &block.units[i];
    let word = block.word(i);
    if !u.cap || u.masked || u.numeric {
        return false;
    }
    if u.place.is_none() && is_function_word_in_any_case(word) {
        return false;
    }
    if !u.initial || u.acronym || starts_title(word) {
        return true;
    }
    // At a sentence start a capital proves nothing; ordinary words need to have been seen
    // capitalised mid-sentence elsewhere, or a place's name to be listed with another place.
    !lexicon::is_common_word(word)
        || evidence.capitalised.contains(word)
        || listed_with_a_place(block, i)
}

/// A place's name directly followed by another in a list: `Japan, Germany and Italy`,
/// `Turkey or Greece`. Read so, a name that is also an ordinary word (`japan`, `turkey`) is
/// the place even where its capital proves nothing.
fn listed_with_a_place(block: &Block<'_>, i: usize) -> bool {
    let units = &block.units;
    let gap = |a: usize, b: usize| block.text.get(units[a].end..units[b].start);
    if units[i].place.is_none() || i + 1 >= units.len() {
        return false;
    }
    let next = match gap(i, i + 1).map(str::trim) {
        Some(",") => i + 1,
        Some("") if matches!(block.word(i + 1), "and" | "or") && i + 2 < units.len() => {
            if gap(i + 1, i + 2).is_some_and(|g| !g.trim().is_empty()) {
                return false;
            }
            i + 2
        }
        _ => return false,
    };
    units[next].place.is_some() && units[next].cap
}

/// The gap between two units lets them belong to one name.
fn joined(block: &Block<'_>, a: usize, b: usize) -> Option<bool> {
    let (ua, ub) = (&block.units[a], &block.units[b]);
    if ua.possessive {
        return None;
    }
    let g = &block.text[ua.end..ub.start];
    if (g.chars().all(char::is_whitespace) && !g.is_empty()) || g == "-" {
        Some(false)
    } else if g.trim() == "&" {
        Some(true)
    } else {
        None
    }
}

/// Maximal capitalised phrases, with connectors, in reading order.
fn chunks(block: &Block<'_>, evidence: &Evidence) -> Vec<Vec<Piece>> {
    let n = block.units.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let u = &block.units[i];
        if !u.cap || u.masked || u.numeric {
            i += 1;
            continue;
        }
        let first_ok = admissible(block, i, evidence);
        let first_function = u.place.is_none() && is_function_word_in_any_case(block.word(i));
        if !first_ok && (first_function || u.masked) {
            i += 1;
            continue;
        }
        if !first_ok && i + 1 < n && joined(block, i, i + 1) == Some(false) {
            // `Economists Abhijit Banerjee`: the ordinary word is not part of the name that
            // follows it; `Peace Negotiations Watch` continues with ordinary words and may be.
            let next = &block.units[i + 1];
            if next.cap && (next.place.is_some() || !lexicon::is_common_word(block.word(i + 1))) {
                i += 1;
                continue;
            }
        }
        let (pieces, last) = extend(block, i, evidence);
        let words = pieces
            .iter()
            .filter(|p| matches!(p, Piece::Word(_)))
            .count();
        let has_kind = phrase_kind_of(block, &pieces).is_some();
        if first_ok || (words >= 2 && (has_kind || words >= 3)) {
            out.push(pieces);
            i = last + 1;
        } else {
            // The sentence-initial word is ordinary; the phrase may start after it.
            i += 1;
        }
    }
    out
}

fn extend(block: &Block<'_>, first: usize, evidence: &Evidence) -> (Vec<Piece>, usize) {
    let n = block.units.len();
    let mut pieces = vec![Piece::Word(first)];
    let mut last = first;
    loop {
        let next = last + 1;
        if next >= n {
            break;
        }
        let Some(amp) = joined(block, last, next) else {
            break;
        };
        let nu = &block.units[next];
        let word = block.word(next);
        // What the rules ask of the word lowered, lowered once.
        let (function, lower_the, lower_particle) = with_lower(word, |lower| {
            (is_function_word(lower), lower == "the", particle(lower))
        });
        let capital_next = nu.cap && !nu.masked && !nu.numeric;
        if capital_next && (nu.place.is_some() || !function) {
            if amp {
                pieces.push(Piece::Link(None));
            }
            pieces.push(Piece::Word(next));
            last = next;
            continue;
        }
        if amp || !connector(word) {
            break;
        }
        // A connector, perhaps `of the`, then a capitalised word.
        let mut links = vec![Piece::Link(Some(next))];
        let mut k = next + 1;
        if k < n
            && ((block.word(k) == "the" && !lower_the)
                || (lower_particle && particle(block.word(k))))
            && joined(block, next, k) == Some(false)
        {
            links.push(Piece::Link(Some(k)));
            k += 1;
        }
        let ok = k < n
            && joined(block, k - 1, k) == Some(false)
            && admissible_inside(block, k, evidence);
        if !ok {
            break;
        }
        pieces.extend(links);
        pieces.push(Piece::Word(k));
        last = k;
    }
    (pieces, last)
}

fn admissible_inside(block: &Block<'_>, i: usize, evidence: &Evidence) -> bool {
    let u = &block.units[i];
    u.cap
        && !u.masked
        && !u.numeric
        && (u.place.is_some() || !is_function_word_in_any_case(block.word(i)))
        && (!u.initial || admissible(block, i, evidence))
}

fn words_of(pieces: &[Piece]) -> impl DoubleEndedIterator<Item = usize> + '_ {
    pieces.iter().filter_map(|p| match p {
        Piece::Word(w) => Some(*w),
        Piece::Link(_) => None,
    })
}

fn has_head(block: &Block<'_>, pieces: &[Piece]) -> bool {
    words_of(pieces).any(|w| block.units[w].place.is_none() && head_kind(block.word(w)).is_some())
}

/// An organisation or document head: what can end `Food and Agriculture Organization`.
fn has_body_head(block: &Block<'_>, pieces: &[Piece]) -> bool {
    words_of(pieces).any(|w| {
        block.units[w].place.is_none()
            && matches!(
                head_kind(block.word(w)),
                Some(EntityKind::Organization | EntityKind::Document)
            )
    })
}

/// A head followed by its complement: `Treaty on Maritime Delimitation`.
fn head_with_complement(block: &Block<'_>, pieces: &[Piece]) -> bool {
    let Some(h) = pieces.iter().position(|p| {
        matches!(p, Piece::Word(w) if block.units[*w].place.is_none()
            && matches!(head_kind(block.word(*w)), Some(EntityKind::Organization | EntityKind::Document)))
    }) else {
        return false;
    };
    pieces[h..]
        .iter()
        .any(|p| matches!(block.link_word(*p), Some("of" | "on" | "for")))
}

fn ends_with_head(block: &Block<'_>, pieces: &[Piece]) -> bool {
    matches!(pieces.last(), Some(Piece::Word(w)) if head_kind(block.word(*w)).is_some())
}

/// Breaks a phrase where it joins several names: `Canada and Norway`, `Development Research
/// Group of the World Bank`, `US President George Bush`.
fn split(block: &Block<'_>, pieces: &[Piece]) -> Vec<Vec<Piece>> {
    // A person's title inside the phrase: what follows is the person.
    let words: Vec<usize> = words_of(pieces).collect();
    for (wi, &w) in words.iter().enumerate() {
        let two = words
            .get(wi + 1)
            .is_some_and(|&n| is_title(block.word(w), Some(block.word(n))));
        let title_len = if two {
            2
        } else if is_title(block.word(w), None) {
            1
        } else {
            continue;
        };
        let start = pieces
            .iter()
            .position(|p| matches!(p, Piece::Word(x) if *x == w))
            .unwrap_or(0);
        // The name runs over words and name particles (`de`, `van`), not `of`; a place's name
        // after its first word is a surname (`Dr Lucia Santos`, `Santos` a city too).
        let mut end = start + title_len;
        let mut name_end = None;
        while let Some(p) = pieces.get(end) {
            match p {
                Piece::Word(n)
                    if (block.units[*n].place.is_none() || name_end.is_some())
                        && head_kind(block.word(*n)).is_none() =>
                {
                    name_end = Some(end + 1);
                }
                Piece::Link(_) if block.link_word(*p).is_some_and(particle) => {}
                _ => break,
            }
            end += 1;
        }
        let Some(end) = name_end else {
            continue;
        };
        let mut out = split(block, trim_links(&pieces[..start]));
        out.push(pieces[start..end].to_vec());
        out.extend(split(block, trim_links(&pieces[end..])));
        return out;
    }

    let head = has_head(block, pieces);
    for (pi, p) in pieces.iter().enumerate() {
        let Some(link) = block.link_word(*p) else {
            continue;
        };
        let left = trim_links(&pieces[..pi]);
        let right = trim_links(&pieces[pi + 1..]);
        let followed_by_the =
            matches!(pieces.get(pi + 1), Some(q) if block.link_word(*q) == Some("the"));
        let cut = match link {
            // `Canada and Norway`, `the Bank of England and the Oslo Declaration` are two
            // names; `Food and Agriculture Organization`, `Treaty on Delimitation and
            // Cooperation` are one.
            "and" | "&" => {
                if has_body_head(block, right) {
                    has_body_head(block, left)
                } else {
                    !head_with_complement(block, left)
                }
            }
            "the" => false,
            l if particle(l) => false,
            // `Coalition for the International Criminal Court`, `Centre for the Study of
            // Conflict`: a body named for its purpose, one name.
            "for" => !head,
            // `Development Research Group of the World Bank`: two bodies, one inside the other.
            _ => {
                !head
                    || (has_body_head(block, left)
                        && has_body_head(block, right)
                        && (followed_by_the
                            || (words_of(left).count() >= 2 && ends_with_head(block, left))))
            }
        };
        if cut && !left.is_empty() && !right.is_empty() {
            let mut out = split(block, left);
            out.extend(split(block, right));
            return out;
        }
    }
    let trimmed = trim_links(pieces);
    if trimmed.is_empty() {
        Vec::new()
    } else {
        vec![trimmed.to_vec()]
    }
}

fn trim_links(mut pieces: &[Piece]) -> &[Piece] {
    while let [Piece::Link(_), rest @ ..] = pieces {
        pieces = rest;
    }
    while let [rest @ .., Piece::Link(_)] = pieces {
        pieces = rest;
    }
    pieces
}

/// Decides what a phrase is from its cues.
fn classify(block: &Block<'_>, pieces: &[Piece]) -> Option<Candidate> {
    let words: Vec<usize> = words_of(pieces).collect();
    let (&first, &last) = (words.first()?, words.last()?);
    let start = block.units[first].start;
    let end = block.units[last].end;
    let written = collapse(&block.text[start..end]);
    let candidate = |name: String, kind, role, place| Candidate {
        range: start..end,
        name,
        kind,
        role,
        place,
        hint: None,
        modifier: false,
    };

    // Title + name.
    for title_len in [2, 1] {
        if words.len() > title_len {
            let second = (title_len == 2).then(|| block.word(words[1]));
            if is_title(block.word(words[0]), second) {
                let name_start = block.units[words[title_len]].start;
                let name = collapse(&block.text[name_start..end]);
                return Some(candidate(
                    name,
                    Some(EntityKind::Person),
                    Role::Person { written },
                    None,
                ));
            }
        }
    }
    // A title alone (`the Secretary-General`, `Brigadier`) names an office, not an entity.
    if words.len() == pieces.len()
        && match words.as_slice() {
            [one] => is_title(block.word(*one), None),
            [one, two] => is_title(block.word(*one), Some(block.word(*two))),
            _ => false,
        }
    {
        return None;
    }
    if words.len() == 1 && pieces.len() == 1 {
        let u = &block.units[first];
        if let Some(place) = u.place {
            // An ordinary word that is also a town (`Nice`, `Reading`) needs a mid-sentence
            // capital, or another place listed with it.
            if u.initial
                && !written.contains(' ')
                && lexicon::is_common_word(&written)
                && !listed_with_a_place(block, first)
            {
                return None;
            }
            return Some(candidate(
                written,
                Some(EntityKind::Place),
                Role::Plain,
                Some(place),
            ));
        }
        // A month alone (`every October`) is not a date, nor a name.
        let month = dates::MONTHS.split('|').any(|m| m == written);
        if written.chars().count() < 2 || is_plural_acronym(&written) || month {
            return None;
        }
        if head_kind(&written).is_some() {
            return Some(candidate(written, None, Role::Anaphor, None));
        }
        if u.acronym {
            // A plural acronym (`NGOs`) is a common noun.
            return Some(candidate(written, None, Role::Acronym, None));
        }
        if u.initial && lexicon::is_common_word(&written) {
            return None;
        }
        return Some(candidate(written, None, Role::Plain, None));
    }
    if let Some(kind) = phrase_kind_of(block, pieces) {
        return Some(candidate(written, Some(kind), Role::Plain, None));
    }
    match looks_like_person(block, &words, pieces) {
        Some(true) => Some(candidate(
            written.clone(),
            Some(EntityKind::Person),
            Role::Person { written },
            None,
        )),
        Some(false) => {
            let mut c = candidate(written, None, Role::Plain, None);
            c.hint = Some(EntityKind::Person);
            Some(c)
        }
        None => Some(candidate(written, None, Role::Plain, None)),
    }
}

/// `NGOs`, `MPs`: a common noun written with capitals.
fn is_plural_acronym(word: &str) -> bool {
    word.strip_suffix('s').is_some_and(|stem| {
        stem.chars().count() >= 2 && stem.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
    })
}

fn phrase_kind_of(block: &Block<'_>, pieces: &[Piece]) -> Option<EntityKind> {
    let before_link = pieces
        .iter()
        .position(|p| matches!(p, Piece::Link(_)))
        .unwrap_or(pieces.len());
    let head = |p: &[Piece]| {
        words_of(p)
            .rev()
            .filter(|&w| block.units[w].place.is_none())
            .find_map(|w| head_kind(block.word(w)))
    };
    let last = words_of(pieces).next_back().map(|w| block.word(w));
    // `Amnesty International`, `HelpAge International`.
    let international = (last == Some("International") && words_of(pieces).count() >= 2)
        .then_some(EntityKind::Organization);
    head(&pieces[..before_link])
        .or_else(|| head(pieces))
        .or(international)
}

/// Two to four capitalised words, none of them ordinary vocabulary or places: `Some(true)`
/// when the first is a known name (`Fritz Scharpf`), `Some(false)` (a guess the context may
/// overrule) when the dictionary does not know the first (`Abhijit Banerjee`).
fn looks_like_person(block: &Block<'_>, words: &[usize], pieces: &[Piece]) -> Option<bool> {
    let particles_only = pieces
        .iter()
        .all(|p| block.link_word(*p).is_none_or(particle));
    let plain = (2..=4).contains(&words.len())
        && particles_only
        && words.iter().all(|&w| {
            let u = &block.units[w];
            let word = block.word(w);
            u.place.is_none() && !u.acronym && !lexicon::is_common_word(word)
        });
    plain
        .then(|| lexicon::is_name(block.word(words[0])))
        .filter(|&known| known || !lexicon::is_word(block.word(words[0])))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, Option<EntityKind>)> {
        let mut evidence = Evidence::default();
        evidence.add_block(text, BlockKind::Paragraph);
        candidates(text, BlockKind::Paragraph, &[], &evidence)
            .into_iter()
            .map(|c| (c.name, c.kind))
            .collect()
    }

    fn names(text: &str) -> Vec<String> {
        found(text).into_iter().map(|(n, _)| n).collect()
    }

    #[test]
    fn splits_lists_of_places_and_keeps_names_with_connectors() {
        assert_eq!(
            names(
                "Troops from Canada and Norway met the Bank of England and the Oslo Declaration on Cluster Munitions."
            ),
            [
                "Canada",
                "Norway",
                "Bank of England",
                "Oslo Declaration on Cluster Munitions"
            ]
        );
        assert_eq!(
            found("a study by the Development Research Group of the World Bank"),
            [
                (
                    "Development Research Group".to_string(),
                    Some(EntityKind::Organization)
                ),
                ("World Bank".to_string(), Some(EntityKind::Organization)),
            ]
        );
        // A body named for its purpose is one name, even when its purpose is another body.
        assert_eq!(
            names(
                "It joined the Coalition for the International Criminal Court and the Centre for Humanitarian Dialogue."
            ),
            [
                "Coalition for the International Criminal Court",
                "Centre for Humanitarian Dialogue"
            ]
        );
    }

    #[test]
    fn titles_make_people_and_drop_from_the_name() {
        let c = found("It was announced by President Bush and by US Prime Minister Jane Doe.");
        assert_eq!(c[0], ("Bush".to_string(), Some(EntityKind::Person)));
        assert_eq!(
            c[1].0,
            "United States".to_string().replace("United States", "US")
        );
        assert_eq!(c[2], ("Jane Doe".to_string(), Some(EntityKind::Person)));
        // A surname that is also a town's name (`Santos`) stays in the name.
        let c = found("It was Dr Lucia Maria Santos of the clinic.");
        assert_eq!(
            c,
            [("Lucia Maria Santos".to_string(), Some(EntityKind::Person))]
        );
        let c = found("The Secretary-General spoke. Brigadier General Rafiq Ahmed agreed.");
        assert_eq!(c, [("Rafiq Ahmed".to_string(), Some(EntityKind::Person))]);
        let c = found("Mayor Grace Otieno met Sheikh Omar Said and Colonel Tom Reyes.");
        let people: Vec<&str> = c.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(people, ["Grace Otieno", "Omar Said", "Tom Reyes"]);
        assert!(c.iter().all(|(_, kind)| *kind == Some(EntityKind::Person)));
    }

    #[test]
    fn a_place_that_is_also_a_word_counts_at_a_sentence_start_when_listed_with_places() {
        let c = found(
            "They pay. Japan, Germany and Italy pay a third. Turkey or Greece will host it. \
             Nice weather came. Turkey is served at dinner.",
        );
        let places: Vec<&str> = c
            .iter()
            .filter(|(_, kind)| *kind == Some(EntityKind::Place))
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(places, ["Japan", "Germany", "Italy", "Turkey", "Greece"]);
    }

    #[test]
    fn an_apposition_naming_a_body_makes_an_organisation() {
        assert_eq!(
            before_body_apposition(", a specialised agency of the union, paid"),
            Some(EntityKind::Organization)
        );
        assert_eq!(
            before_body_apposition(", an aid charity"),
            Some(EntityKind::Organization)
        );
        // Not an apposition, or not of a body.
        assert_eq!(before_body_apposition(" agency"), None);
        assert_eq!(before_body_apposition(", a small town"), None);
        assert_eq!(before_body_apposition(", the agency"), None);
        assert_eq!(
            before_body_apposition(", a Dutch Group"),
            None,
            "a capitalised word ends the apposition"
        );
        // A long form without a head of its own takes the kind its apposition gives it.
        let defined = found("paid by the Sahel Weather Cover (Swec), a regional agency, in May");
        assert!(
            defined.contains(&("Sahel Weather Cover".into(), Some(EntityKind::Organization))),
            "{defined:?}"
        );
        let topic = found("measured by the Sahel Weather Cover (Swec), a satellite index");
        assert!(
            topic.contains(&("Sahel Weather Cover".into(), Some(EntityKind::Topic))),
            "{topic:?}"
        );
    }

    #[test]
    fn a_programme_is_an_organisation() {
        let c = found("It was run by the UN Human Settlements Programme in Nairobi.");
        assert_eq!(
            c[0],
            (
                "UN Human Settlements Programme".to_string(),
                Some(EntityKind::Organization)
            )
        );
    }

    #[test]
    fn ordinary_words_at_sentence_start_are_not_names() {
        assert!(names("History repeats. Moreover, aid works. Money talks.").is_empty());
        assert_eq!(
            names("Norway led. Peace Talks Monitor appeared."),
            ["Norway", "Peace Talks Monitor"]
        );
    }

    #[test]
    fn publication_titles_run_to_the_end_of_the_sentence() {
        let text = "In 1998 the Bank published Assessing Aid – What Works, What Doesn’t, and Why. It sold.";
        assert!(found(text).contains(&(
            "Assessing Aid – What Works, What Doesn’t, and Why".to_string(),
            Some(EntityKind::Document)
        )));
        assert!(
            names("a weekly newsletter, Peace Negotiations Watch, which")
                .contains(&"Peace Negotiations Watch".to_string())
        );
    }

    #[test]
    fn head_words_are_found_as_by_searching_the_lists() {
        let plain = |word: &str| {
            if ORG_HEADS.contains(&word) {
                Some(EntityKind::Organization)
            } else if DOCUMENT_HEADS.contains(&word) {
                Some(EntityKind::Document)
            } else if PLACE_HEADS.contains(&word) {
                Some(EntityKind::Place)
            } else {
                None
            }
        };
        let others = [
            "", "B", "bank", "BANK", "Banks", "Zed", "Über", "Ünion", "Act ", "ébank",
        ];
        for word in ORG_HEADS
            .iter()
            .chain(DOCUMENT_HEADS)
            .chain(PLACE_HEADS)
            .chain(PERSON_TITLES)
            .chain(&others)
        {
            assert_eq!(head_kind(word), plain(word), "{word:?}");
        }
    }

    #[test]
    fn titles_are_told_as_by_joining_the_words() {
        let words = [
            "Prime",
            "Minister",
            "Foreign",
            "Secretary",
            "General",
            "Secretary-General",
            "Vice",
            "President",
            "Mr",
            "Dr",
            "Prime Minister",
            "",
            "Minister Jane",
            "Jane",
        ];
        for first in words {
            assert_eq!(is_title(first, None), PERSON_TITLES.contains(&first));
            for second in words {
                let joined = format!("{first} {second}");
                assert_eq!(
                    is_title(first, Some(second)),
                    PERSON_TITLES.contains(&joined.as_str()),
                    "{joined:?}"
                );
            }
        }
    }

    #[test]
    fn every_title_starts_a_title() {
        for t in PERSON_TITLES {
            let first = t.split([' ', '-']).next().unwrap_or(t);
            assert!(starts_title(first), "{t}");
        }
        for word in ["Bank", "Ministry", "Primeval", "Vice-", ""] {
            assert!(!starts_title(word), "{word}");
        }
    }

    #[test]
    fn possessives_and_compounds_end_the_name() {
        assert_eq!(
            names("several of PILPG’s clients and US-led coalitions"),
            ["PILPG", "US"]
        );
    }
}
