//! Linking: one entity per real-world thing. Candidates with a sure kind found entities first;
//! then acronyms join their long forms, lone surnames join the person, lone head words (`the
//! Bank`) join the one name in the article they end, and what is left becomes its own entity.

use std::collections::HashMap;

use super::EntityKind;
use super::names::{Candidate, Role};
use super::text::{all_capitals, with_lower};
use crate::model::Position;

/// A candidate without a sure kind, kept until every sure one is linked. Only what steps 3
/// and 4 read is kept, and the name is interned: a large archive has a hundred thousand of
/// these but few distinct names, and they are the biggest thing extraction holds.
#[derive(Debug, Clone, Copy)]
struct Weak {
    at: Position,
    name: u32,
    role: WeakRole,
    hint: Option<EntityKind>,
    modifier: bool,
}

/// The roles steps 3 and 4 tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WeakRole {
    Acronym,
    Anaphor,
    Other,
}

/// One copy of each distinct name, looked up by number.
#[derive(Debug, Default)]
struct Names {
    list: Vec<String>,
    index: HashMap<String, u32>,
}

impl Names {
    /// The name's number, or `None` past `u32::MAX` distinct names.
    fn intern(&mut self, name: String) -> Option<u32> {
        if let Some(&n) = self.index.get(&name) {
            return Some(n);
        }
        let n = u32::try_from(self.list.len()).ok()?;
        self.list.push(name.clone());
        self.index.insert(name, n);
        Some(n)
    }

    fn get(&self, n: u32) -> &str {
        self.list.get(n as usize).map_or("", String::as_str)
    }
}

/// An entity under construction.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// Forms written in the text, first seen first.
    pub forms: Vec<String>,
    /// Forms that include a person's title (`President Bush`), kept as aliases only.
    pub titled: Vec<String>,
    pub mentions: Vec<Position>,
    votes: [u32; 7],
    pub place: Option<&'static str>,
    /// Where the acronym was defined, for the description.
    pub definition: Option<Position>,
    pub acronym: Option<String>,
}

impl Draft {
    fn vote(&mut self, kind: EntityKind) {
        self.votes[kind as usize] += 1;
    }

    fn add_form(&mut self, form: &str) {
        if !form.is_empty() && !self.forms.iter().any(|f| f == form) {
            self.forms.push(form.to_string());
        }
    }

    pub fn kind(&self) -> EntityKind {
        // Ties go to the more specific kinds, listed first.
        let order = [
            EntityKind::Url,
            EntityKind::Date,
            EntityKind::Person,
            EntityKind::Place,
            EntityKind::Document,
            EntityKind::Organization,
            EntityKind::Topic,
        ];
        let mut best = EntityKind::Topic;
        let mut best_votes = 0;
        for k in order {
            if self.votes[k as usize] > best_votes {
                best = k;
                best_votes = self.votes[k as usize];
            }
        }
        best
    }

    /// The fullest form: for places the gazetteer's name, otherwise the longest form that is
    /// not a bare acronym.
    pub fn name(&self) -> String {
        if let Some(place) = self.place {
            // The gazetteer's name, unless the text spells it with its accents (`Poznań` for
            // `Poznan`): the reader sees the spelling of the page.
            let accented = self
                .forms
                .iter()
                .find(|f| *f != place && accents_of(f, place));
            return accented.map_or_else(|| place.to_string(), Clone::clone);
        }
        let spelled = self.forms.iter().filter(|f| !all_capitals(f));
        spelled
            .max_by_key(|f| f.chars().count())
            .or_else(|| self.forms.first())
            .cloned()
            .unwrap_or_default()
    }

    pub fn aliases(&self) -> Vec<String> {
        let name = self.name();
        let mut out: Vec<String> = Vec::new();
        for f in self.forms.iter().chain(&self.titled) {
            if *f != name && !out.contains(f) {
                out.push(f.clone());
            }
        }
        out
    }
}

/// True when `form` is `plain` with accents: the same characters but for letters outside
/// ASCII where `plain` has ASCII letters (`São Paulo`, `Sao Paulo`).
fn accents_of(form: &str, plain: &str) -> bool {
    form.chars().count() == plain.chars().count()
        && form
            .chars()
            .zip(plain.chars())
            .all(|(a, b)| a == b || (!a.is_ascii() && a.is_alphabetic() && b.is_ascii_alphabetic()))
}

/// Initials of the capitalised words of a name: `United Nations` → `UN`.
fn initials(name: &str) -> Option<String> {
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .collect();
    (words.len() >= 2).then(|| words.iter().filter_map(|w| w.chars().next()).collect())
}

fn last_word(name: &str) -> &str {
    name.rsplit(' ').next().unwrap_or(name)
}

#[derive(Default)]
struct Linker {
    drafts: Vec<Draft>,
    by_key: HashMap<String, usize>,
    /// Drafts merged into another point at it.
    merged: Vec<Option<usize>>,
}

impl Linker {
    fn resolve(&self, mut id: usize) -> usize {
        while let Some(Some(next)) = self.merged.get(id) {
            id = *next;
        }
        id
    }

    fn find(&self, form: &str) -> Option<usize> {
        // Every candidate is looked up: its key is lowered on the stack, not allocated.
        with_lower(form, |key| self.by_key.get(key).copied()).map(|id| self.resolve(id))
    }

    fn create(&mut self) -> usize {
        self.drafts.push(Draft::default());
        self.merged.push(None);
        self.drafts.len() - 1
    }

    fn register(&mut self, form: &str, id: usize) {
        // Most forms are registered already: only a new key is allocated.
        with_lower(form, |key| {
            if !self.by_key.contains_key(key) {
                self.by_key.insert(key.to_string(), id);
            }
        });
    }

    fn find_or_create(&mut self, forms: &[&str]) -> usize {
        let id = forms
            .iter()
            .find_map(|f| self.find(f))
            .unwrap_or_else(|| self.create());
        for f in forms {
            self.register(f, id);
        }
        id
    }

    fn attach(&mut self, id: usize, at: Position, kind: Option<EntityKind>, form: Option<&str>) {
        let id = self.resolve(id);
        let d = &mut self.drafts[id];
        d.mentions.push(at);
        if let Some(k) = kind {
            d.vote(k);
        }
        if let Some(f) = form {
            d.add_form(f);
        }
    }

    /// A weak candidate that matched nothing known: an entity of its own (a topic unless it
    /// has a hint) when it has a hint or stands alone, not when it only modifies a noun.
    fn attach_unlinked(&mut self, w: &Weak, name: &str) {
        if w.hint.is_some() || !w.modifier {
            let id = self.find_or_create(&[name]);
            let kind = w.hint.unwrap_or(EntityKind::Topic);
            self.attach(id, w.at, Some(kind), Some(name));
        }
    }

    fn merge(&mut self, from: usize, into: usize) {
        let (from, into) = (self.resolve(from), self.resolve(into));
        if from == into {
            return;
        }
        let source = std::mem::take(&mut self.drafts[from]);
        let target = &mut self.drafts[into];
        target.mentions.extend(source.mentions);
        for f in &source.forms {
            target.add_form(f);
        }
        target.titled.extend(source.titled);
        for (t, s) in target.votes.iter_mut().zip(source.votes) {
            *t += s;
        }
        target.definition = target.definition.or(source.definition);
        target.acronym = target.acronym.take().or(source.acronym);
        target.place = target.place.or(source.place);
        self.merged[from] = Some(into);
    }

    fn live(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.drafts.len()).filter(|&i| self.merged[i].is_none())
    }
}

/// Links candidates, fed in reading order, into entity drafts.
///
/// Candidates with a sure kind are linked as they come, so only the weak ones are held until
/// [`Linking::finish`]: the result is the same as linking the whole list at once.
#[derive(Default)]
pub struct Linking {
    l: Linker,
    weak: Vec<Weak>,
    names: Names,
}

impl Linking {
    /// Step 1 for a candidate with a sure kind; the others wait for [`Linking::finish`].
    pub fn add(&mut self, article: usize, block: usize, c: Candidate) {
        // Only text past the input cap could overflow a position; such a candidate is dropped
        // rather than given a wrapped position pointing at other text.
        let Some(at) = Position::try_new(article, block, c.range.start, c.range.end) else {
            return;
        };
        let l = &mut self.l;
        match (&c.role, c.kind) {
            (Role::Definition { short }, kind) => {
                let id = l.find_or_create(&[&c.name, short]);
                l.attach(id, at, kind, Some(&c.name));
                let d = &mut l.drafts[id];
                d.add_form(short);
                d.acronym.get_or_insert_with(|| short.clone());
                d.definition.get_or_insert(at);
                d.place = d.place.or(c.place);
            }
            (Role::Short { long }, _) => {
                let id = l.find_or_create(&[long, &c.name]);
                l.attach(id, at, None, Some(&c.name));
            }
            (role, Some(kind)) => {
                let id = match c.place {
                    Some(place) => l.find_or_create(&[place, &c.name]),
                    None => l.find_or_create(&[&c.name]),
                };
                l.attach(id, at, Some(kind), Some(&c.name));
                let d = &mut l.drafts[id];
                d.place = d.place.or(c.place);
                match role {
                    Role::Person { written }
                        if *written != c.name && !d.titled.contains(written) =>
                    {
                        d.titled.push(written.clone());
                    }
                    Role::Title { short: Some(short) } => {
                        d.add_form(short);
                        l.register(short, id);
                    }
                    _ => {}
                }
            }
            (role, None) => {
                let role = match role {
                    Role::Acronym => WeakRole::Acronym,
                    Role::Anaphor => WeakRole::Anaphor,
                    _ => WeakRole::Other,
                };
                // Past four billion distinct names the rest are dropped rather than mislinked.
                if let Some(name) = self.names.intern(c.name) {
                    self.weak.push(Weak {
                        at,
                        name,
                        role,
                        hint: c.hint,
                        modifier: c.modifier,
                    });
                }
            }
        }
    }

    /// Steps 2 to 4, once every candidate has been added.
    pub fn finish(self) -> Vec<Draft> {
        let Linking { mut l, weak, names } = self;

        // 2. A person named by surname alone (`President Bush`) is the one full name ending so.
        merge_surnames(&mut l);

        // 3. Phrases without a sure kind: known forms, then people by first name, else topics.
        // Two passes over the one list rather than a partition into two more: the undecided
        // candidates are what linking holds most of.
        let is_phrase = |w: &&Weak| names.get(w.name).contains(' ');
        for w in weak.iter().filter(is_phrase) {
            let name = names.get(w.name);
            if let Some(id) = l.find(name) {
                let hint = w.hint.filter(|_| l.drafts[id].kind() == EntityKind::Topic);
                l.attach(id, w.at, hint, Some(name));
            } else {
                l.attach_unlinked(w, name);
            }
        }
        merge_surnames(&mut l);

        // 4. Single words: known forms, acronyms by initials, surnames, head words in the
        // article.
        let initials_index = index_initials(&l);
        let surnames = index_surnames(&l);
        let mut per_article: HashMap<u32, Vec<usize>> = HashMap::new();
        for id in l.live() {
            for m in &l.drafts[id].mentions {
                let ids = per_article.entry(m.article).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        for w in weak.iter().filter(|w| !is_phrase(w)) {
            let name = names.get(w.name);
            if let Some(id) = l.find(name) {
                let hint = w.hint.filter(|_| l.drafts[id].kind() == EntityKind::Topic);
                l.attach(id, w.at, hint, Some(name));
                continue;
            }
            match w.role {
                WeakRole::Acronym => {
                    if let Some(&Some(id)) = initials_index.get(name) {
                        let id = l.resolve(id);
                        l.register(name, id);
                        l.attach(id, w.at, None, Some(name));
                    } else {
                        // Undefined acronyms are as often terms (`GDP`, `HIV`) as bodies.
                        let id = l.find_or_create(&[name]);
                        l.attach(id, w.at, Some(EntityKind::Topic), Some(name));
                    }
                }
                WeakRole::Anaphor => {
                    let in_article = per_article
                        .get(&w.at.article)
                        .map_or(&[][..], Vec::as_slice);
                    let mut matching = in_article.iter().map(|&id| l.resolve(id)).filter(|&id| {
                        let full = l.drafts[id].name();
                        full.contains(' ') && last_word(&full) == name
                    });
                    if let (Some(id), None) = (matching.next(), matching.next()) {
                        l.attach(id, w.at, None, None);
                    }
                }
                WeakRole::Other => {
                    if let Some(&Some(id)) = surnames.get(name) {
                        l.attach(id, w.at, None, None);
                    } else {
                        l.attach_unlinked(w, name);
                    }
                }
            }
        }

        let live: Vec<usize> = l.live().collect();
        let mut drafts = l.drafts;
        live.into_iter()
            .map(|id| std::mem::take(&mut drafts[id]))
            .filter(|d| !d.mentions.is_empty())
            .collect()
    }
}

/// Maps initials to the one multi-word name that has them (`None` when several do).
fn index_initials(l: &Linker) -> HashMap<String, Option<usize>> {
    let mut index: HashMap<String, Option<usize>> = HashMap::new();
    for id in l.live() {
        let d = &l.drafts[id];
        if matches!(
            d.kind(),
            EntityKind::Date | EntityKind::Url | EntityKind::Person
        ) {
            continue;
        }
        for form in d.forms.iter().map(String::as_str).chain(d.place) {
            if let Some(i) = initials(form) {
                index
                    .entry(i)
                    .and_modify(|e| {
                        if *e != Some(id) {
                            *e = None;
                        }
                    })
                    .or_insert(Some(id));
            }
        }
    }
    index
}

/// Maps surnames to the one person who has them.
fn index_surnames(l: &Linker) -> HashMap<String, Option<usize>> {
    let mut index: HashMap<String, Option<usize>> = HashMap::new();
    for id in l.live() {
        let d = &l.drafts[id];
        if d.kind() != EntityKind::Person {
            continue;
        }
        let name = d.name();
        index
            .entry(last_word(&name).to_string())
            .and_modify(|e| {
                if *e != Some(id) {
                    *e = None;
                }
            })
            .or_insert(Some(id));
    }
    index
}

fn merge_surnames(l: &mut Linker) {
    // Full names by each of their ends (`Sirleaf`, `Johnson Sirleaf` of `Ellen Johnson
    // Sirleaf`): a surname, or a surname of several words; `None` when two people share it.
    let mut full: HashMap<String, Option<usize>> = HashMap::new();
    let mut people = Vec::new();
    for id in l.live() {
        let d = &l.drafts[id];
        if d.kind() != EntityKind::Person {
            continue;
        }
        let name = d.name();
        for (at, _) in name.match_indices(' ') {
            full.entry(name[at + 1..].to_string())
                .and_modify(|e| *e = None)
                .or_insert(Some(id));
        }
        people.push((id, name));
    }
    for (id, name) in people {
        if let Some(&Some(target)) = full.get(&name) {
            l.merge(id, target);
        }
    }
}
