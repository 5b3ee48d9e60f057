//! The reader's state and the one function that changes it.
//!
//! [`update`] takes an [`Action`] and says whether anything visible changed; the event loop
//! redraws only then. It never touches the terminal, so every behaviour can be tested by
//! feeding actions and inspecting the state. Reading places are stable [`Position`]s (article,
//! block, byte offset); screen rows are derived from the wrap cache, so a resize, a change of
//! text width or a newer [`Library`] never loses the reader's place.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config as MatcherConfig, Matcher, Utf32Str};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::action::{Action, Mouse, MouseKind};
use super::keymap::{Context, Key, Keymap};
use super::view::{self, Panes, Theme, follow, panes_with};
use super::wrap::{WrapCache, Wrapped};
use crate::Library;
use crate::config::Layout;
use crate::entities::{EntityId, EntityKind};
use crate::model::{Position, reading_rank};

/// The panes that can have focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pane {
    Articles,
    Body,
    Sidebar,
}

impl Pane {
    fn next(self) -> Self {
        match self {
            Pane::Articles => Pane::Body,
            Pane::Body => Pane::Sidebar,
            Pane::Sidebar => Pane::Articles,
        }
    }

    fn prev(self) -> Self {
        self.next().next()
    }

    pub fn context(self) -> Context {
        match self {
            Pane::Articles => Context::Articles,
            Pane::Body => Context::Body,
            Pane::Sidebar => Context::Sidebar,
        }
    }
}

/// A layer drawn over the panes that receives keys first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help {
        scroll: usize,
    },
    /// The search prompt; the query itself lives in [`Search`] so highlights outlive it.
    Search,
    Picker(Picker),
    /// The bookmark list; `selected` indexes [`State::bookmarks`].
    Bookmarks {
        selected: usize,
    },
}

/// Something the event loop must do outside the state: `update` stays pure and testable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Open a checked web address in the browser.
    OpenUrl(String),
    /// Put text on the clipboard.
    Copy(String),
}

/// The fuzzy entity picker.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Picker {
    pub query: String,
    pub matches: Vec<EntityId>,
    pub selected: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Search {
    pub query: String,
    /// Every match in the issue, in reading order; shared, as a state is copied to draw a
    /// frame ahead ([`crate::tui::foresight`]) and a common word matches a large archive
    /// hundreds of thousands of times.
    pub hits: Arc<[Position]>,
    /// Index in `hits` of the match last jumped to.
    pub current: Option<usize>,
    /// Index in the recent searches while recalling with up/down.
    pub recall: Option<usize>,
}

/// The entity sidebar: a list of the article's entities, or one entity's detail.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sidebar {
    /// Index among the entity rows of the list.
    pub selected: usize,
    pub detail: Option<Detail>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detail {
    pub entity: EntityId,
    /// Index among the detail's items: its mentions, then its related entities.
    pub selected: usize,
}

/// A row of the sidebar's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SideRow {
    Kind(EntityKind, usize),
    Entity(EntityId),
}

/// One entry of the back/forward history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// The position at the top of the text pane.
    pub top: Position,
    /// The entity open in the sidebar, if any.
    pub entity: Option<EntityId>,
}

/// The text pane's scroll: a row at one wrap width, and the position it shows so the row can
/// be recomputed at any other width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Scroll {
    row: usize,
    width: u16,
    anchor: Position,
}

/// What is remembered between runs. Every field has a default, so files written by older or
/// newer versions still load.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Saved {
    /// Reading state per issue, keyed by the issue's source name: the [`SOURCES_LIMIT`] read
    /// most recently.
    pub sources: BTreeMap<String, Reading>,
    /// Most recent first.
    pub recent_searches: Vec<String>,
    /// Maximum text width chosen with `+`/`-`.
    pub measure: Option<u16>,
    /// Whether the focused pane was shown alone (`z`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub zoomed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Reading {
    /// Where the reader was when it last closed; its article is the last article read.
    pub current: Option<Position>,
    /// The place in each article read so far.
    pub positions: Vec<Position>,
    pub bookmarks: Vec<Position>,
    /// Which save last recorded this issue, counted up from the newest in the file; 0 in files
    /// from before saves were counted.
    pub saved_at: u64,
}

/// How many issues' reading state is kept. The state file is read before every first frame;
/// without a bound, every file ever opened would make each start slower (an archive's entry
/// holds a place per article read).
pub const SOURCES_LIMIT: usize = 100;

/// Keeps the reading state of the `limit` issues saved most recently; of equally old ones
/// (files from before saves were counted), those named first go first.
fn forget_least_recent(sources: &mut BTreeMap<String, Reading>, limit: usize) {
    let excess = sources.len().saturating_sub(limit);
    if excess == 0 {
        return;
    }
    let mut by_age: Vec<(u64, &String)> = sources.iter().map(|(n, r)| (r.saved_at, n)).collect();
    by_age.sort_unstable();
    let oldest: Vec<String> = by_age
        .into_iter()
        .take(excess)
        .map(|(_, n)| n.clone())
        .collect();
    for name in oldest {
        sources.remove(&name);
    }
}

/// File name of the saved reading state.
pub const STATE_FILE: &str = "state.json";
const RECENT_LIMIT: usize = 20;
const HISTORY_LIMIT: usize = 200;
pub const DEFAULT_MEASURE: u16 = 72;
const WHEEL_STEP: usize = 3;

/// Everything the reader shows.
#[derive(Debug, Clone)]
pub struct State {
    pub library: Arc<Library>,
    pub keymap: Keymap,
    pub theme: Theme,
    /// Terminal size, columns × rows.
    pub size: (u16, u16),
    pub focus: Pane,
    pub overlay: Option<Overlay>,
    /// The article in the text pane (index).
    pub article: usize,
    /// Selected row of the article list.
    pub list_selected: usize,
    scroll: Scroll,
    /// The remembered place in each article other than the current one.
    pub positions: HashMap<usize, Position>,
    pub search: Search,
    pub recent: Vec<String>,
    /// The mention cursor: an index in `library.entities.mentions()`.
    pub cursor: Option<usize>,
    pub sidebar: Sidebar,
    pub back: Vec<Place>,
    pub forward: Vec<Place>,
    pub message: Option<String>,
    /// Maximum width of the text column.
    pub measure: u16,
    /// Sidebar and default text width from the config file.
    pub layout: Layout,
    /// Whether the focused pane has the screen to itself.
    pub zoomed: bool,
    /// Bookmarked places in this issue, in the order they were set.
    pub bookmarks: Vec<Position>,
    /// Work for the event loop, drained after each update.
    pub effects: Vec<Effect>,
    pub quit: bool,
    pub wraps: WrapCache,
    /// Index of each article's first block among all blocks of the issue.
    block_base: Arc<[usize]>,
    /// Each entity's strip in the sidebar list. Every frame draws a dozen of them, and on a
    /// large archive finding the cells is a cache miss per step through the mentions, so they
    /// are found once per library.
    list_strips: Arc<[String]>,
    /// Saved places that did not fit the library yet (a large file still loading).
    pending: Option<Reading>,
    /// Counts changes of the library and of the configuration (keys, styles, layout): what
    /// every pane is drawn from besides the state it shows.
    look: u64,
    /// Counts the actions applied: a frame drawn ahead from this state is good only while
    /// it has not moved on.
    revision: u64,
}

impl State {
    pub fn new(library: Arc<Library>) -> Self {
        let block_base = block_base(&library);
        let mut state = Self {
            library,
            keymap: Keymap::default(),
            theme: Theme::default(),
            size: (80, 24),
            focus: Pane::Body,
            overlay: None,
            article: 0,
            list_selected: 0,
            scroll: Scroll {
                row: 0,
                width: 0,
                anchor: Position::new(0, 0, 0, 0),
            },
            positions: HashMap::new(),
            search: Search::default(),
            recent: Vec::new(),
            cursor: None,
            sidebar: Sidebar::default(),
            back: Vec::new(),
            forward: Vec::new(),
            message: None,
            measure: DEFAULT_MEASURE,
            layout: Layout::default(),
            zoomed: false,
            bookmarks: Vec::new(),
            effects: Vec::new(),
            quit: false,
            wraps: WrapCache::default(),
            block_base,
            list_strips: Arc::default(),
            pending: None,
            look: 0,
            revision: 0,
        };
        state.list_strips = list_strips(&state);
        state
    }

    /// Changes whenever the library or the configuration does, for [`PaneDrawing`] inputs.
    ///
    /// [`PaneDrawing`]: crate::tui::screen::PaneDrawing
    pub fn look(&self) -> u64 {
        self.look
    }

    /// Changes with every action applied, whether or not it changed anything.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The strip [`view::sidebar::strip`] draws for an entity in the sidebar list.
    pub fn list_strip(&self, id: EntityId) -> Option<&str> {
        self.list_strips.get(id).map(String::as_str)
    }

    /// Applies the configuration: keys, styles, sidebar and the starting text width.
    pub fn configure(&mut self, keymap: Keymap, theme: Theme, layout: Layout) {
        self.keymap = keymap;
        self.theme = theme;
        self.layout = layout;
        self.look += 1;
        self.measure = layout.max_width.clamp(MIN_MEASURE, MAX_MEASURE);
        self.reanchor();
    }

    /// The keymap contexts that see a key, innermost first.
    pub fn contexts(&self) -> &'static [Context] {
        match (&self.overlay, self.focus) {
            (Some(Overlay::Help { .. }), _) => &[Context::Help],
            (Some(Overlay::Search), _) => &[Context::Search],
            (Some(Overlay::Picker(_)), _) => &[Context::Picker],
            (Some(Overlay::Bookmarks { .. }), _) => &[Context::Bookmarks],
            (None, Pane::Articles) => &[Context::Articles, Context::Global],
            (None, Pane::Body) => &[Context::Body, Context::Global],
            (None, Pane::Sidebar) => &[Context::Sidebar, Context::Global],
        }
    }

    /// The action bound to a key in the current state.
    pub fn action_for(&self, key: Key) -> Option<Action> {
        self.keymap.lookup(self.contexts(), key)
    }

    fn screen(&self) -> ratatui::layout::Rect {
        ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1)
    }

    /// Where each pane goes on this screen with `focus`, as configured and zoomed now.
    pub fn panes_focused_on(&self, focus: Pane) -> Option<Panes> {
        panes_with(self.screen(), focus, &self.layout, self.zoomed)
    }

    /// The text pane's rectangle as it is (or would be, when another pane has the screen).
    fn body_rect(&self) -> Option<ratatui::layout::Rect> {
        self.panes_focused_on(Pane::Body).and_then(|p| p.body)
    }

    /// Columns the text is wrapped to: the pane inside its border and margins, capped at the
    /// reading measure.
    pub fn text_width(&self) -> u16 {
        let inner = self.body_rect().map_or(0, |r| r.width.saturating_sub(4));
        inner.min(self.measure).max(1)
    }

    /// Rows of text the text pane shows.
    pub fn body_height(&self) -> usize {
        self.body_rect()
            .map_or(1, |r| usize::from(r.height.saturating_sub(2)).max(1))
    }

    /// The current article laid out at the current width.
    pub fn wrapped(&self) -> Arc<Wrapped> {
        self.wrapped_at(self.article, self.text_width())
    }

    fn wrapped_at(&self, article: usize, width: u16) -> Arc<Wrapped> {
        match self.library.issue.articles.get(article) {
            Some(a) => self.wraps.get(article, a, width),
            None => Arc::new(Wrapped::new(article, &Default::default(), width)),
        }
    }

    /// The first row in view, in the given layout of the current article.
    pub fn top_row(&self, wrapped: &Wrapped) -> usize {
        let row =
            if self.scroll.width == wrapped.width && self.scroll.anchor.article() == self.article {
                self.scroll.row
            } else {
                wrapped.row_of_position(self.scroll.anchor)
            };
        row.min(max_top(wrapped.len(), self.body_height()))
    }

    /// The position at the top of the text pane.
    pub fn reading_position(&self) -> Position {
        let wrapped = self.wrapped();
        wrapped.anchor(self.top_row(&wrapped))
    }

    /// How far through the article the bottom of the screen is, in percent.
    pub fn percent(&self) -> usize {
        let wrapped = self.wrapped();
        let total = wrapped.len();
        if total == 0 {
            return 100;
        }
        let bottom = (self.top_row(&wrapped) + self.body_height()).min(total);
        bottom * 100 / total
    }

    fn set_top(&mut self, row: usize) -> bool {
        let wrapped = self.wrapped();
        let before = self.top_row(&wrapped);
        let row = row.min(max_top(wrapped.len(), self.body_height()));
        self.scroll = Scroll {
            row,
            width: wrapped.width,
            anchor: wrapped.anchor(row),
        };
        before != row
    }

    /// Re-derives the row after the width changed, keeping the same text at the top.
    fn reanchor(&mut self) {
        let wrapped = self.wrapped();
        let row = self.top_row(&wrapped);
        let anchor = self.scroll.anchor;
        self.scroll = Scroll {
            row,
            width: wrapped.width,
            anchor,
        };
    }

    fn place(&self) -> Place {
        Place {
            top: self.reading_position(),
            entity: self.sidebar.detail.map(|d| d.entity),
        }
    }

    /// Shows another article at its remembered place.
    fn switch_article(&mut self, article: usize) {
        if article == self.article {
            return;
        }
        let here = self.reading_position();
        self.positions.insert(self.article, here);
        self.article = article;
        self.list_selected = article;
        self.cursor = None;
        self.sidebar.selected = 0;
        let anchor = self
            .positions
            .get(&article)
            .copied()
            .unwrap_or(Position::saturating(article, 0, 0, 0));
        let wrapped = self.wrapped();
        let row = wrapped.row_of_position(anchor);
        self.scroll = Scroll {
            row: 0,
            width: 0,
            anchor: Position::saturating(article, 0, 0, 0),
        };
        self.set_top(row);
    }

    /// Records the current place before a jump.
    fn record(&mut self) {
        let place = self.place();
        if self.back.last() != Some(&place) {
            self.back.push(place);
        }
        if self.back.len() > HISTORY_LIMIT {
            self.back.remove(0);
        }
        self.forward.clear();
    }

    /// Shows `pos`, scrolling only if it is off screen; then it sits a third of the way down.
    fn reveal(&mut self, pos: Position) {
        let Some(article) = self.valid_article(pos.article()) else {
            return;
        };
        self.switch_article(article);
        let wrapped = self.wrapped();
        let row = wrapped.row_showing(pos);
        let top = self.top_row(&wrapped);
        let height = self.body_height();
        if row < top || row >= top + height {
            self.set_top(row.saturating_sub(height / 3));
        }
    }

    /// Restores a place from the history exactly.
    fn restore_place(&mut self, place: Place) {
        let Some(article) = self.valid_article(place.top.article()) else {
            return;
        };
        self.switch_article(article);
        let wrapped = self.wrapped();
        self.set_top(wrapped.row_of_position(place.top));
        self.sidebar.detail = place
            .entity
            .filter(|&e| self.library.entities.get(e).is_some())
            .map(|entity| Detail {
                entity,
                selected: 0,
            });
    }

    fn valid_article(&self, article: usize) -> Option<usize> {
        (article < self.library.issue.articles.len()).then_some(article)
    }

    /// The sidebar's list rows for the current article: entities grouped by kind.
    pub fn side_rows(&self) -> Vec<SideRow> {
        let entities = &self.library.entities;
        let ids = entities.in_article(self.article);
        let mut rows = Vec::new();
        for kind in EntityKind::ALL {
            let of_kind: Vec<EntityId> = ids
                .iter()
                .copied()
                .filter(|&id| entities.get(id).is_some_and(|e| e.kind == kind))
                .collect();
            if of_kind.is_empty() {
                continue;
            }
            rows.push(SideRow::Kind(kind, of_kind.len()));
            rows.extend(of_kind.into_iter().map(SideRow::Entity));
        }
        rows
    }

    /// The entity ids of the sidebar list in display order.
    pub fn side_entities(&self) -> Vec<EntityId> {
        self.side_rows()
            .into_iter()
            .filter_map(|r| match r {
                SideRow::Entity(id) => Some(id),
                SideRow::Kind(..) => None,
            })
            .collect()
    }

    /// The position's block counted from the start of the issue, for mention strips: with
    /// [`State::block_total`], where in the whole issue it lies. From the per-article bases, so
    /// it costs the same on a 3000-article archive as on one issue.
    pub fn block_ordinal(&self, pos: Position) -> usize {
        self.block_base.get(pos.article()).copied().unwrap_or(0) + pos.block()
    }

    /// Blocks in the whole issue (at least 1).
    pub fn block_total(&self) -> usize {
        let last = self
            .library
            .issue
            .articles
            .last()
            .map_or(0, |a| a.blocks.len());
        (self.block_base.last().copied().unwrap_or(0) + last).max(1)
    }

    /// Matches of the current search inside one block, or inside the title or standfirst
    /// (`block` being [`Position::TITLE`] or [`Position::STANDFIRST`]). Matches are in reading
    /// order, an article's header parts before its blocks.
    pub fn hits_in_block(&self, article: usize, block: usize) -> &[Position] {
        let hits = &self.search.hits;
        let rank = reading_rank(u32::try_from(block).unwrap_or(u32::MAX));
        let key = |p: &Position| (p.article(), reading_rank(p.block));
        let from = hits.partition_point(|p| key(p) < (article, rank));
        let to = hits.partition_point(|p| key(p) <= (article, rank));
        &hits[from..to]
    }

    /// Where the reading position is, in the order search matches are in: at an article's
    /// start, before its title, so that a match in the title on screen comes first.
    fn reading_key(&self) -> (u32, u32, u32, u32) {
        let here = self.reading_position();
        if here.block == 0 && here.start == 0 {
            (here.article, 0, 0, 0)
        } else {
            here.reading_key()
        }
    }

    /// The mention under the mention cursor.
    pub fn cursor_mention(&self) -> Option<(Position, EntityId)> {
        self.cursor.and_then(|i| self.library.entities.mention(i))
    }

    /// The state to remember, merged into what was saved before (other issues' entries kept).
    pub fn saved(&self, mut previous: Saved) -> Saved {
        let mut positions: BTreeMap<usize, Position> =
            self.positions.iter().map(|(&a, &p)| (a, p)).collect();
        let here = self.reading_position();
        positions.insert(self.article, here);
        let newest = previous.sources.values().map(|r| r.saved_at).max();
        let saved_at = newest.unwrap_or(0).saturating_add(1);
        let reading = previous
            .sources
            .entry(self.library.source_name.clone())
            .or_default();
        // Places in articles this session never loaded (a large file closed before it had
        // loaded completely) are kept.
        for p in &reading.positions {
            positions.entry(p.article()).or_insert(*p);
        }
        reading.current = Some(here);
        reading.positions = positions.into_values().collect();
        reading.bookmarks = self.bookmarks.clone();
        reading.saved_at = saved_at;
        forget_least_recent(&mut previous.sources, SOURCES_LIMIT);
        previous.recent_searches = self.recent.clone();
        previous.measure = (self.measure != self.layout.max_width).then_some(self.measure);
        previous.zoomed = self.zoomed;
        previous
    }

    /// Restores a saved state; places that do not fit this issue are ignored.
    pub fn restore(&mut self, saved: &Saved) {
        self.recent = saved.recent_searches.clone();
        self.recent.truncate(RECENT_LIMIT);
        if let Some(m) = saved.measure {
            self.measure = m.clamp(MIN_MEASURE, MAX_MEASURE);
        }
        self.zoomed = saved.zoomed;
        let Some(reading) = saved.sources.get(&self.library.source_name) else {
            return;
        };
        // Kept whole even if some do not fit yet: a large file may still be loading.
        self.bookmarks = reading.bookmarks.clone();
        if !self.apply_reading(reading, true) {
            self.pending = Some(reading.clone());
        }
    }

    /// Takes the places of a saved reading that fit this issue; with `go`, also returns to
    /// where the reader was. Says whether every place fitted: a large file opens on its first
    /// pages, and the rest of the places are applied when the whole file has loaded.
    fn apply_reading(&mut self, reading: &Reading, go: bool) -> bool {
        let articles = &self.library.issue.articles;
        let fits = |p: &Position| {
            articles
                .get(p.article())
                .is_some_and(|a| p.block() < a.blocks.len().max(1))
        };
        let all_fit =
            reading.positions.iter().all(fits) && reading.current.is_none_or(|p| fits(&p));
        for p in reading.positions.iter().filter(|p| fits(p)) {
            if p.article() != self.article {
                self.positions.entry(p.article()).or_insert(*p);
            }
        }
        if go && let Some(current) = reading.current.filter(fits) {
            self.positions.insert(current.article(), current);
            let first = self.article;
            self.switch_article(current.article());
            self.positions.remove(&first);
            if current.article() == first {
                let wrapped = self.wrapped();
                self.set_top(wrapped.row_of_position(current));
            }
        }
        all_fit
    }

    fn push_recent(&mut self, query: &str) {
        self.recent.retain(|q| q != query);
        self.recent.insert(0, query.to_string());
        self.recent.truncate(RECENT_LIMIT);
    }

    fn is_shown(&self, pane: Pane) -> bool {
        self.panes_focused_on(self.focus)
            .is_some_and(|p| p.get(pane).is_some())
    }
}

const MIN_MEASURE: u16 = 20;
const MAX_MEASURE: u16 = 240;

fn list_strips(state: &State) -> Arc<[String]> {
    state
        .library
        .entities
        .list
        .iter()
        .map(|e| view::sidebar::strip(state, e, view::sidebar::STRIP))
        .collect()
}

fn block_base(library: &Library) -> Arc<[usize]> {
    let mut base = Vec::with_capacity(library.issue.articles.len());
    let mut n = 0;
    for a in &library.issue.articles {
        base.push(n);
        n += a.blocks.len();
    }
    base.into()
}

fn max_top(rows: usize, height: usize) -> usize {
    rows.saturating_sub(height)
}

/// Applies one action; returns whether anything visible changed.
pub fn update(state: &mut State, action: Action) -> bool {
    state.revision = state.revision.wrapping_add(1);
    let from_user = !matches!(
        action,
        Action::Resize(..) | Action::Message(_) | Action::LibraryUpdated(_)
    );
    let had_message = from_user && state.message.take().is_some();
    let changed = match action {
        Action::Quit => {
            state.quit = true;
            true
        }
        Action::Resize(w, h) => {
            let changed = state.size != (w, h);
            state.size = (w, h);
            state.reanchor();
            changed
        }
        Action::Message(text) => {
            state.message = Some(text);
            true
        }
        Action::LibraryUpdated(handle) => library_updated(state, handle.0),
        Action::Mouse(mouse) => mouse_event(state, mouse),
        action => match state.overlay.clone() {
            Some(Overlay::Help { scroll }) => help_key(state, scroll, action),
            Some(Overlay::Search) => search_key(state, action),
            Some(Overlay::Picker(picker)) => picker_key(state, picker, action),
            Some(Overlay::Bookmarks { selected }) => bookmarks_key(state, selected, action),
            None => pane_key(state, action),
        },
    };
    changed || had_message
}

fn library_updated(state: &mut State, library: Arc<Library>) -> bool {
    let here = state.place();
    state.block_base = block_base(&library);
    state.library = library;
    state.look += 1;
    state.list_strips = list_strips(state);
    state.wraps.clear();
    state.cursor = None;
    let n = state.library.issue.articles.len();
    state.list_selected = state.list_selected.min(n.saturating_sub(1));
    state.search.hits = state.library.search(&state.search.query).into();
    state.search.current = None;
    state.sidebar = Sidebar::default();
    state.article = here.top.article().min(n.saturating_sub(1));
    let wrapped = state.wrapped();
    state.scroll = Scroll {
        row: 0,
        width: 0,
        anchor: Position::saturating(state.article, 0, 0, 0),
    };
    state.set_top(wrapped.row_of_position(here.top));
    if let Some(pending) = state.pending.take() {
        // Go back to the saved place only if the reader has not moved since starting.
        let untouched = state.back.is_empty() && here.top == Position::new(0, 0, 0, 0);
        if !state.apply_reading(&pending, untouched) {
            state.pending = Some(pending);
        }
    }
    true
}

fn help_key(state: &mut State, scroll: usize, action: Action) -> bool {
    let page = usize::from(state.size.1.saturating_sub(4)).max(1);
    let scroll = match action {
        Action::Down => scroll + 1,
        Action::Up => scroll.saturating_sub(1),
        Action::PageDown => scroll + page,
        Action::PageUp => scroll.saturating_sub(page),
        Action::Top => 0,
        Action::Bottom => usize::MAX,
        Action::Cancel | Action::Help => {
            state.overlay = None;
            return true;
        }
        _ => return false,
    };
    let max = view::overlay::help_lines(state).len().saturating_sub(page);
    let scroll = scroll.min(max);
    state.overlay = Some(Overlay::Help { scroll });
    true
}

fn search_key(state: &mut State, action: Action) -> bool {
    match action {
        Action::Insert(c) => {
            state.search.query.push(c);
            state.search.recall = None;
            refresh_hits(state);
        }
        Action::DeleteBack => {
            if state.search.query.pop().is_none() {
                state.overlay = None;
            }
            refresh_hits(state);
        }
        Action::RecallOlder | Action::RecallNewer => {
            if state.recent.is_empty() {
                return false;
            }
            let last = state.recent.len() - 1;
            let next = match (action, state.search.recall) {
                (Action::RecallOlder, None) => Some(0),
                (Action::RecallOlder, Some(i)) => Some((i + 1).min(last)),
                (_, Some(0)) | (_, None) => None,
                (_, Some(i)) => Some(i - 1),
            };
            state.search.recall = next;
            state.search.query = next
                .and_then(|i| state.recent.get(i).cloned())
                .unwrap_or_default();
            refresh_hits(state);
        }
        Action::Open => {
            state.overlay = None;
            let query = state.search.query.trim().to_string();
            if query.is_empty() {
                clear_search(state);
                return true;
            }
            state.push_recent(&query);
            refresh_hits(state);
            if state.search.hits.is_empty() {
                state.message = Some(format!("No match for “{query}”"));
                return true;
            }
            let here = state.reading_key();
            let at = state
                .search
                .hits
                .partition_point(|p| p.reading_key() < here);
            let index = if at < state.search.hits.len() {
                at
            } else {
                state.message = Some("Search wrapped to the start of the issue".into());
                0
            };
            jump_to_hit(state, index);
        }
        Action::Cancel => {
            state.overlay = None;
            clear_search(state);
        }
        Action::Quit => state.quit = true,
        _ => return false,
    }
    true
}

fn refresh_hits(state: &mut State) {
    state.search.hits = state.library.search(&state.search.query).into();
    state.search.current = None;
}

fn clear_search(state: &mut State) {
    state.search.query.clear();
    state.search.hits = Arc::default();
    state.search.current = None;
    state.search.recall = None;
}

fn jump_to_hit(state: &mut State, index: usize) {
    let Some(&hit) = state.search.hits.get(index) else {
        return;
    };
    state.record();
    state.search.current = Some(index);
    state.reveal(hit);
    state.focus = Pane::Body;
}

fn picker_key(state: &mut State, mut picker: Picker, action: Action) -> bool {
    match action {
        Action::Insert(c) => {
            picker.query.push(c);
            picker.matches = pick(state, &picker.query);
            picker.selected = 0;
        }
        Action::DeleteBack => {
            picker.query.pop();
            picker.matches = pick(state, &picker.query);
            picker.selected = 0;
        }
        Action::Down => {
            picker.selected = (picker.selected + 1).min(picker.matches.len().saturating_sub(1));
        }
        Action::Up => picker.selected = picker.selected.saturating_sub(1),
        Action::Open => {
            state.overlay = None;
            if let Some(&id) = picker.matches.get(picker.selected) {
                open_entity(state, id, true);
            }
            return true;
        }
        Action::Cancel => {
            state.overlay = None;
            return true;
        }
        Action::Quit => {
            state.quit = true;
            return true;
        }
        _ => return false,
    }
    state.overlay = Some(Overlay::Picker(picker));
    true
}

/// Entities whose name or an alias fuzzily matches `query`, best first (then most mentioned);
/// all of them when the query is empty. Scoring is nucleo's, the matcher helix and television
/// use, so the picker ranks the way users of those tools expect.
pub fn pick(state: &State, query: &str) -> Vec<EntityId> {
    let list = &state.library.entities.list;
    let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(MatcherConfig::DEFAULT);
    let mut buf = Vec::new();
    let mut scored: Vec<(u32, usize, EntityId)> = list
        .iter()
        .filter_map(|e| {
            let best = std::iter::once(&e.name)
                .chain(&e.aliases)
                .filter_map(|name| pattern.score(Utf32Str::new(name, &mut buf), &mut matcher))
                .max()?;
            Some((best, e.mentions.len(), e.id))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    scored.into_iter().map(|(_, _, id)| id).collect()
}

/// Opens an entity's detail in the sidebar; `jump` also goes to its first mention.
fn open_entity(state: &mut State, id: EntityId, jump: bool) {
    let Some(entity) = state.library.entities.get(id) else {
        return;
    };
    let first = entity.mentions.first().copied();
    state.record();
    state.sidebar.detail = Some(Detail {
        entity: id,
        selected: 0,
    });
    if jump && let Some(pos) = first {
        state.reveal(pos);
        state.cursor = mention_index(state, pos);
    }
    state.focus = Pane::Sidebar;
}

fn mention_index(state: &State, pos: Position) -> Option<usize> {
    state.library.entities.mention_at(pos)
}

fn pane_key(state: &mut State, action: Action) -> bool {
    match action {
        Action::FocusNext => {
            state.focus = state.focus.next();
            true
        }
        Action::FocusPrev => {
            state.focus = state.focus.prev();
            true
        }
        Action::Help => {
            state.overlay = Some(Overlay::Help { scroll: 0 });
            true
        }
        Action::Search => {
            clear_search(state);
            state.overlay = Some(Overlay::Search);
            true
        }
        Action::SearchNext | Action::SearchPrev => search_step(state, action == Action::SearchNext),
        Action::EntityPicker => {
            let matches = pick(state, "");
            state.overlay = Some(Overlay::Picker(Picker {
                query: String::new(),
                matches,
                selected: 0,
            }));
            true
        }
        Action::OpenLink => {
            match link_target(state) {
                Ok(url) => {
                    state.message = Some(format!("Opening {url}"));
                    state.effects.push(Effect::OpenUrl(url));
                }
                Err(why) => state.message = Some(why.into()),
            }
            true
        }
        Action::Copy => {
            match copy_target(state) {
                Some(text) => {
                    state.message = Some(format!("Copied “{}”", ellipsis(&text, 40)));
                    state.effects.push(Effect::Copy(text));
                }
                None => {
                    state.message =
                        Some("Nothing to copy: put the cursor on a mention with ]".into());
                }
            }
            true
        }
        Action::SetBookmark => {
            toggle_bookmark(state);
            true
        }
        Action::Bookmarks => {
            if state.bookmarks.is_empty() {
                state.message = Some("No bookmarks yet: m sets one".into());
            } else {
                state.overlay = Some(Overlay::Bookmarks { selected: 0 });
            }
            true
        }
        Action::Back => history_step(state, true),
        Action::Forward => history_step(state, false),
        Action::Cancel => cancel(state),
        Action::MentionNext | Action::MentionPrev => {
            mention_step(state, action == Action::MentionNext)
        }
        Action::WiderText | Action::NarrowerText => {
            let before = state.measure;
            let step: i32 = if action == Action::WiderText { 4 } else { -4 };
            let measure = (i32::from(state.measure) + step)
                .clamp(i32::from(MIN_MEASURE), i32::from(MAX_MEASURE));
            state.measure = u16::try_from(measure).unwrap_or(DEFAULT_MEASURE);
            state.reanchor();
            state.message = Some(if before == state.measure {
                format!("Text width is already {} columns", state.measure)
            } else {
                format!("Text width at most {} columns", state.measure)
            });
            true
        }
        Action::Zoom => {
            state.zoomed = !state.zoomed;
            // The text pane may be wider or narrower now.
            state.reanchor();
            let help = (state.keymap)
                .key_for(Context::Global, &Action::Zoom)
                .map(|key| format!(" · {key} shows every pane"))
                .unwrap_or_default();
            state.message = Some(if state.zoomed {
                format!("{} alone{help}", state.focus.context().title())
            } else {
                "Every pane that fits".to_string()
            });
            true
        }
        Action::Open => open(state),
        Action::Down
        | Action::Up
        | Action::PageDown
        | Action::PageUp
        | Action::HalfPageDown
        | Action::HalfPageUp
        | Action::Top
        | Action::Bottom => move_in(state, state.focus, &action),
        _ => false,
    }
}

fn cancel(state: &mut State) -> bool {
    if !state.search.hits.is_empty() || !state.search.query.is_empty() {
        clear_search(state);
        true
    } else if state.cursor.is_some() {
        state.cursor = None;
        true
    } else if state.focus == Pane::Sidebar && state.sidebar.detail.is_some() {
        state.sidebar.detail = None;
        true
    } else {
        false
    }
}

fn search_step(state: &mut State, forward: bool) -> bool {
    let n = state.search.hits.len();
    if n == 0 {
        state.message = Some(if state.search.query.is_empty() {
            "No search yet: press / to search".into()
        } else {
            format!("No match for “{}”", state.search.query)
        });
        return true;
    }
    let index = match state.search.current {
        Some(i) if forward => (i + 1) % n,
        Some(i) => (i + n - 1) % n,
        None => {
            let here = state.reading_key();
            let at = state
                .search
                .hits
                .partition_point(|p| p.reading_key() < here);
            if forward { at % n } else { (at + n - 1) % n }
        }
    };
    if forward && state.search.current.is_some_and(|i| index < i) {
        state.message = Some("Search wrapped to the start of the issue".into());
    } else if !forward && state.search.current.is_some_and(|i| index > i) {
        state.message = Some("Search wrapped to the end of the issue".into());
    }
    jump_to_hit(state, index);
    true
}

fn history_step(state: &mut State, back: bool) -> bool {
    let popped = if back {
        state.back.pop()
    } else {
        state.forward.pop()
    };
    let Some(place) = popped else {
        state.message = Some(if back {
            "Nothing to go back to".into()
        } else {
            "Nothing to go forward to".into()
        });
        return true;
    };
    let here = state.place();
    if back {
        state.forward.push(here);
    } else {
        state.back.push(here);
    }
    state.restore_place(place);
    if state.focus == Pane::Sidebar && place.entity.is_none() {
        state.focus = Pane::Body;
    }
    true
}

/// Moves the mention cursor to the next or previous mention in the current article.
fn mention_step(state: &mut State, forward: bool) -> bool {
    let mentions = &state.library.entities;
    let article = state.article;
    let key = |p: &Position| (p.article, p.block, p.start);
    let from = match state
        .cursor_mention()
        .filter(|(p, _)| p.article() == article)
    {
        Some((p, _)) => p,
        None => {
            let wrapped = state.wrapped();
            let top = state.top_row(&wrapped);
            let row = if forward {
                top
            } else {
                (top + state.body_height()).min(wrapped.len())
            };
            let mut p = wrapped.anchor(row);
            if p.block == u32::MAX || row >= wrapped.len() {
                p = Position::saturating(article, usize::MAX, 0, 0);
            }
            // Start just before the anchor so a mention at the top is found going forward.
            if forward {
                Position::new(p.article, p.block, p.start, p.start)
            } else {
                p
            }
        }
    };
    // Without a cursor in this article, a mention right at the starting point counts.
    let exact_first = state
        .cursor_mention()
        .is_none_or(|(p, _)| p.article() != article);
    let found = if forward {
        let i = if exact_first {
            mentions.mention_partition(|p| key(&p) < key(&from))
        } else {
            mentions.mention_partition(|p| key(&p) <= key(&from))
        };
        Some(i).filter(|&i| {
            mentions
                .mention(i)
                .is_some_and(|(p, _)| p.article() == article)
        })
    } else {
        let i = mentions.mention_partition(|p| key(&p) < key(&from));
        i.checked_sub(1).filter(|&i| {
            mentions
                .mention(i)
                .is_some_and(|(p, _)| p.article() == article)
        })
    };
    match found {
        Some(i) => {
            state.cursor = Some(i);
            if let Some((pos, _)) = state.cursor_mention() {
                state.reveal(pos);
            }
        }
        None => {
            state.message = Some(if forward {
                "No further entity mention in this article".into()
            } else {
                "No earlier entity mention in this article".into()
            });
        }
    }
    true
}

fn open(state: &mut State) -> bool {
    match state.focus {
        Pane::Articles => {
            let target = state.list_selected;
            if state.valid_article(target).is_none() {
                return false;
            }
            if target != state.article {
                state.record();
                state.switch_article(target);
            }
            state.focus = Pane::Body;
            true
        }
        Pane::Body => match state.cursor_mention() {
            Some((_, id)) => {
                open_entity(state, id, false);
                true
            }
            None => {
                state.message = Some("Press ] to put the cursor on an entity mention".into());
                true
            }
        },
        Pane::Sidebar => match state.sidebar.detail {
            None => {
                let ids = state.side_entities();
                match ids.get(state.sidebar.selected) {
                    Some(&id) => {
                        state.record();
                        state.sidebar.detail = Some(Detail {
                            entity: id,
                            selected: 0,
                        });
                        true
                    }
                    None => false,
                }
            }
            Some(detail) => open_detail_item(state, detail),
        },
    }
}

fn open_detail_item(state: &mut State, detail: Detail) -> bool {
    let Some(entity) = state.library.entities.get(detail.entity) else {
        return false;
    };
    let mentions = entity.mentions.len();
    if let Some(&pos) = entity.mentions.get(detail.selected) {
        state.record();
        state.reveal(pos);
        state.cursor = mention_index(state, pos);
        if !state.is_shown(Pane::Body) {
            state.focus = Pane::Body;
        }
        return true;
    }
    if let Some(&related) = detail
        .selected
        .checked_sub(mentions)
        .and_then(|i| entity.related.get(i))
        && state.library.entities.get(related).is_some()
    {
        state.record();
        state.sidebar.detail = Some(Detail {
            entity: related,
            selected: 0,
        });
        return true;
    }
    false
}

/// Number of selectable items in an entity's detail.
fn detail_items(state: &State, id: EntityId) -> usize {
    state
        .library
        .entities
        .get(id)
        .map_or(0, |e| e.mentions.len() + e.related.len())
}

fn step(current: usize, len: usize, action: &Action, page: usize) -> usize {
    let last = len.saturating_sub(1);
    let half = (page / 2).max(1);
    match action {
        Action::Down => current + 1,
        Action::Up => current.saturating_sub(1),
        Action::PageDown => current + page,
        Action::PageUp => current.saturating_sub(page),
        Action::HalfPageDown => current + half,
        Action::HalfPageUp => current.saturating_sub(half),
        Action::Top => 0,
        Action::Bottom => last,
        _ => current,
    }
    .min(last)
}

fn pane_height(state: &State, pane: Pane) -> usize {
    state
        .panes_focused_on(pane)
        .and_then(|p| p.get(pane))
        .map_or(1, |r| usize::from(r.height.saturating_sub(2)).max(1))
}

fn move_in(state: &mut State, pane: Pane, action: &Action) -> bool {
    match pane {
        Pane::Articles => {
            let n = state.library.issue.articles.len();
            let page = pane_height(state, pane);
            let before = state.list_selected;
            state.list_selected = step(before, n, action, page);
            before != state.list_selected
        }
        Pane::Body => {
            let wrapped = state.wrapped();
            let top = state.top_row(&wrapped);
            let height = state.body_height();
            let page = height.saturating_sub(2).max(1);
            let half = (height / 2).max(1);
            let row = match action {
                Action::Down => top + 1,
                Action::Up => top.saturating_sub(1),
                Action::PageDown => top + page,
                Action::PageUp => top.saturating_sub(page),
                Action::HalfPageDown => top + half,
                Action::HalfPageUp => top.saturating_sub(half),
                Action::Top => 0,
                Action::Bottom => usize::MAX,
                _ => top,
            };
            let at_end = top >= max_top(wrapped.len(), height);
            if *action == Action::PageDown && at_end {
                // Like turning a page: the next article follows the end of this one.
                let next = state.article + 1;
                if state.valid_article(next).is_some() {
                    state.switch_article(next);
                    state.set_top(0);
                    state.message = Some(format!(
                        "Article {} of {}",
                        next + 1,
                        state.library.issue.articles.len()
                    ));
                    return true;
                }
                state.message = Some("End of the issue".into());
                return true;
            }
            state.set_top(row)
        }
        Pane::Sidebar => {
            let page = pane_height(state, pane);
            match state.sidebar.detail {
                Some(mut detail) => {
                    let n = detail_items(state, detail.entity);
                    let before = detail.selected;
                    detail.selected = step(before, n, action, page);
                    state.sidebar.detail = Some(detail);
                    before != detail.selected
                }
                None => {
                    let n = state.side_entities().len();
                    let before = state.sidebar.selected;
                    state.sidebar.selected = step(before, n, action, page);
                    before != state.sidebar.selected
                }
            }
        }
    }
}

fn mouse_event(state: &mut State, mouse: Mouse) -> bool {
    let Some(layout) = state.panes_focused_on(state.focus) else {
        return false;
    };
    let Some(pane) = layout.at(mouse.column, mouse.row) else {
        return false;
    };
    let scroll = |state: &mut State, action: Action| {
        let mut changed = false;
        for _ in 0..WHEEL_STEP {
            changed |= move_in(state, pane, &action);
        }
        changed
    };
    match mouse.kind {
        MouseKind::ScrollDown => scroll(state, Action::Down),
        MouseKind::ScrollUp => scroll(state, Action::Up),
        MouseKind::Click => {
            let Some(rect) = layout.get(pane) else {
                return false;
            };
            let focus_changed = state.focus != pane;
            state.focus = pane;
            // Rows inside the border.
            let Some(line) = mouse.row.checked_sub(rect.y + 1) else {
                return focus_changed;
            };
            if line >= rect.height.saturating_sub(2) {
                return focus_changed;
            }
            let line = usize::from(line);
            let height = usize::from(rect.height.saturating_sub(2));
            match pane {
                Pane::Articles => {
                    let offset = follow(state.list_selected, height);
                    let target = offset + line;
                    if state.valid_article(target).is_some() {
                        state.list_selected = target;
                        open(state);
                    }
                    true
                }
                Pane::Body => {
                    let inner_x = rect.x + 1;
                    let inner_width = rect.width.saturating_sub(2);
                    let wrapped = state.wrapped();
                    let margin = inner_width.saturating_sub(wrapped.width) / 2;
                    let column = mouse.column.checked_sub(inner_x + margin);
                    let row = state.top_row(&wrapped) + line;
                    match column.and_then(|c| mention_at(state, &wrapped, row, c)) {
                        Some(index) => {
                            state.cursor = Some(index);
                            if let Some((_, id)) = state.cursor_mention() {
                                open_entity(state, id, false);
                            }
                            true
                        }
                        None => focus_changed,
                    }
                }
                Pane::Sidebar => {
                    sidebar_click(state, line, rect.width.saturating_sub(2), height);
                    true
                }
            }
        }
    }
}

/// The mention (index in the issue's mention list) drawn at `column` of screen row `row`.
fn mention_at(state: &State, wrapped: &Wrapped, row: usize, column: u16) -> Option<usize> {
    let row = wrapped.rows.get(row)?;
    let block = row.block?;
    let mut x = 0usize;
    let target = usize::from(column);
    let mut offset = None;
    'segments: for segment in &row.segments {
        for (i, c) in segment.text.char_indices() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if target < x + w.max(1) {
                offset = segment.offset.map(|o| o + i);
                break 'segments;
            }
            x += w;
        }
    }
    let offset = offset?;
    let entities = &state.library.entities;
    let (pos, _) = entities
        .in_block(state.article, block)
        .find(|(p, _)| p.range().contains(&offset))?;
    entities.mention_at(pos)
}

fn sidebar_click(state: &mut State, line: usize, width: u16, height: usize) {
    match state.sidebar.detail {
        None => {
            let rows = state.side_rows();
            let selected_row = selected_side_row(&rows, state.sidebar.selected);
            let offset = follow(selected_row, height);
            if let Some(SideRow::Entity(id)) = rows.get(offset + line)
                && let Some(i) = state.side_entities().iter().position(|e| e == id)
            {
                state.sidebar.selected = i;
                open(state);
            }
        }
        Some(detail) => {
            let Some(layout) = view::sidebar::detail_layout(state, detail.entity, width) else {
                return;
            };
            let selected_row = layout.item_row(detail.selected).unwrap_or(0);
            let offset = follow(selected_row, height);
            if let Some(i) = layout.item_at_row(offset + line) {
                state.sidebar.detail = Some(Detail {
                    selected: i,
                    ..detail
                });
                open(state);
            }
        }
    }
}

/// The row of the `selected`-th entity in the sidebar list.
pub fn selected_side_row(rows: &[SideRow], selected: usize) -> usize {
    rows.iter()
        .enumerate()
        .filter(|(_, r)| matches!(r, SideRow::Entity(_)))
        .nth(selected)
        .map_or(0, |(i, _)| i)
}

/// The web address the reader points at: a URL entity selected in the sidebar (its detail
/// or its row), else the URL mention under the cursor. The error says what to do instead.
pub fn link_target(state: &State) -> Result<String, &'static str> {
    let entities = &state.library.entities;
    let is_url = |id: EntityId| entities.get(id).filter(|e| e.kind == EntityKind::Url);
    if state.focus == Pane::Sidebar {
        let selected = match state.sidebar.detail {
            Some(d) => Some(d.entity),
            None => state.side_entities().get(state.sidebar.selected).copied(),
        };
        if let Some(e) = selected.and_then(is_url) {
            return crate::tui::link::web_address(&e.name).ok_or("That is not a web address");
        }
    }
    match state.cursor_mention() {
        Some((pos, id)) => {
            let Some(entity) = is_url(id) else {
                return Err("The mention under the cursor is not a web address");
            };
            // The words in the text first: they are what the reader sees.
            mention_text(state, pos)
                .and_then(crate::tui::link::web_address)
                .or_else(|| crate::tui::link::web_address(&entity.name))
                .ok_or("That is not a web address")
        }
        None => Err("No link here: put the cursor on a web address with ] or select one"),
    }
}

/// What `y` copies: the link if there is one, else the mention under the cursor, else the
/// entity selected in the sidebar.
pub fn copy_target(state: &State) -> Option<String> {
    if let Ok(url) = link_target(state) {
        return Some(url);
    }
    if let Some(text) = state
        .cursor_mention()
        .and_then(|(p, _)| mention_text(state, p))
    {
        return Some(text.to_string());
    }
    if state.focus == Pane::Sidebar {
        let id = match state.sidebar.detail {
            Some(d) => Some(d.entity),
            None => state.side_entities().get(state.sidebar.selected).copied(),
        };
        return id
            .and_then(|id| state.library.entities.get(id))
            .map(|e| e.name.clone());
    }
    None
}

fn mention_text(state: &State, pos: Position) -> Option<&str> {
    state.library.issue.text_at(pos)
}

fn ellipsis(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// Sets a bookmark at the reading position, or removes the one already there.
fn toggle_bookmark(state: &mut State) {
    let here = state.reading_position();
    let same =
        |p: &Position| (p.article, p.block, p.start) == (here.article, here.block, here.start);
    if let Some(i) = state.bookmarks.iter().position(same) {
        state.bookmarks.remove(i);
        state.message = Some("Bookmark removed".into());
        return;
    }
    state.bookmarks.push(here);
    state.message = Some(format!(
        "Bookmark {} set; ' lists them",
        state.bookmarks.len()
    ));
}

fn bookmarks_key(state: &mut State, selected: usize, action: Action) -> bool {
    let n = state.bookmarks.len();
    let selected = match action {
        Action::Down => (selected + 1).min(n.saturating_sub(1)),
        Action::Up => selected.saturating_sub(1),
        Action::Open => {
            state.overlay = None;
            let Some(&pos) = state.bookmarks.get(selected) else {
                return true;
            };
            if state.valid_article(pos.article()).is_none() {
                state.message = Some("That article has not loaded yet".into());
                return true;
            }
            state.record();
            state.restore_place(Place {
                top: pos,
                entity: None,
            });
            state.focus = Pane::Body;
            return true;
        }
        // `delete_back` as well, which the list was bound to before it had an action of its own.
        Action::RemoveBookmark | Action::DeleteBack => {
            if selected < n {
                state.bookmarks.remove(selected);
            }
            if state.bookmarks.is_empty() {
                state.overlay = None;
                state.message = Some("No bookmarks left".into());
                return true;
            }
            selected.min(state.bookmarks.len() - 1)
        }
        Action::Cancel | Action::Bookmarks => {
            state.overlay = None;
            return true;
        }
        Action::Quit => {
            state.quit = true;
            return true;
        }
        _ => return false,
    };
    state.overlay = Some(Overlay::Bookmarks { selected });
    true
}

/// How far through an article the reader has got, in percent: the bottom of the screen for
/// the open article, the remembered place for others; `None` if never opened.
pub fn progress(state: &State, article: usize) -> Option<usize> {
    if article == state.article {
        return Some(state.percent());
    }
    let pos = state.positions.get(&article)?;
    let blocks = &state.library.issue.articles.get(article)?.blocks;
    let total: usize = blocks.iter().map(|b| b.text.len()).sum();
    if total == 0 {
        return Some(100);
    }
    let before: usize = blocks.iter().take(pos.block()).map(|b| b.text.len()).sum();
    Some(((before + pos.start()) * 100 / total).min(100))
}
