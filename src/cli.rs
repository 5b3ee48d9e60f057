//! The command line: `list`, `show`, `search`, `entities` and `export` for scripts and pipes,
//! and the terminal reader when no command is given.
//!
//! Every command writes through one buffered stdout; a closed pipe (`| head`) ends the command
//! quietly instead of as an error.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;

use crate::cache::{self, Cache};
use crate::config::{self, Config};
use crate::entities::{Entity, EntityKind};
use crate::model::{Article, BlockKind, Part, Position};
use crate::tui::keymap::Keymap;
use crate::{Library, search};

/// Read The Broker, issue 1 (April 2007), in the terminal: articles, entities and search.
#[derive(Debug, Parser)]
#[command(name = "broker-reader", version, about, long_about = None)]
pub struct Cli {
    /// Open this file instead of the embedded issue: extracted text, or a JSON export.
    #[arg(long, short = 'f', global = true, value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// When to use colour and bold: auto (on a terminal, unless NO_COLOR is set), always or
    /// never.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t = ColorChoice::Auto,
        value_name = "WHEN"
    )]
    pub color: ColorChoice,

    /// Read this config file instead of the standard one (also: $BROKER_READER_CONFIG).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Neither use nor write the cache of parsed files (also: BROKER_READER_NO_CACHE=1).
    #[arg(long, global = true)]
    pub no_cache: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// This process's arguments. With none at all, the usual way to open the reader, clap is
    /// not consulted: it builds its whole command tree, help text included, before looking at
    /// the arguments, a noticeable share of the time before the reader's first frame with
    /// nothing to parse.
    pub fn from_env() -> Self {
        if std::env::args_os().len() <= 1 {
            return Self::without_arguments();
        }
        Self::parse()
    }

    /// What clap makes of no arguments (a test holds the two together).
    fn without_arguments() -> Self {
        Cli {
            file: None,
            color: ColorChoice::Auto,
            config: None,
            no_cache: false,
            command: None,
        }
    }
}

/// The `--color` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to style output going to a terminal (`tty`) or not, given `NO_COLOR`'s value.
    /// Like other tools, an empty `NO_COLOR` does not count.
    pub fn resolve(self, tty: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && no_color.is_none_or(|v| v.is_empty()),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the articles: number, section, title, authors, words.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print one article, reflowed.
    Show {
        /// The article's number from `list`, or part of its title (any case).
        article: String,
        /// Wrap to this many columns (default: the terminal's width, or 80 in a pipe).
        #[arg(long, short = 'w')]
        width: Option<usize>,
    },
    /// Find a word or phrase in every article: title, standfirst and text (smart case: a capital
    /// makes it exact).
    Search {
        /// The word or phrase to find.
        query: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Print only how many matches each article has, and the total (like `grep -c`).
        #[arg(long, short = 'c')]
        count: bool,
    },
    /// List the people, organisations, places, dates, documents and URLs.
    Entities {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Only entities of this kind.
        #[arg(long, value_parser = entity_kind())]
        kind: Option<EntityKind>,
    },
    /// Write the whole issue as JSON, Markdown or plain text.
    Export {
        /// The output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
    /// Print the effective configuration as TOML: a valid config file to start from.
    Config {
        /// Print only where the config file is (or would be) read from.
        #[arg(long)]
        path: bool,
    },
    /// Print a shell completion script: `broker-reader completions bash > ...`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `broker-reader man | man -l -`.
    Man,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Markdown,
    Text,
}

/// `--kind`: the names entities' kinds have everywhere else ([`EntityKind::as_str`]), offered in
/// help and completions. The domain crate knows nothing of clap, so its enum cannot derive
/// `ValueEnum`.
fn entity_kind() -> impl TypedValueParser<Value = EntityKind> {
    PossibleValuesParser::new(EntityKind::ALL.map(EntityKind::as_str)).try_map(|name| {
        EntityKind::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
            .ok_or("not a kind of entity")
    })
}

/// How a command ended when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// A search that found nothing: exit status 1, like grep.
    NothingFound,
    /// The reader was stopped by this signal, after saving its place and restoring the
    /// terminal: exit status 128 + the signal's number, as a shell reports a process the
    /// signal ended, so that scripts can tell it from a quit.
    Stopped(i32),
}

pub fn run(cli: Cli) -> Result<Outcome> {
    let no_color = std::env::var_os("NO_COLOR");
    // Only the commands that read the configuration look for it.
    let locate = || {
        config::locate(
            cli.config.as_deref(),
            std::env::var_os(config::CONFIG_ENV).as_deref(),
        )
    };
    let stdout = io::stdout();
    let tty = stdout.is_terminal();
    // Large enough that a search printing thousands of hits makes few write calls.
    let mut out = io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    // These need neither the issue nor the reader.
    match &cli.command {
        Some(Command::Config { path }) => {
            let (config_path, required) = locate();
            if *path {
                if let Some(p) = &config_path {
                    writeln!(out, "{}", p.display())?;
                }
            } else {
                let loaded = config::load(config_path.as_deref(), required);
                if let Some(warning) = &loaded.warning {
                    eprintln!("broker-reader: {warning}");
                }
                out.write_all(loaded.config.to_toml().as_bytes())?;
            }
            out.flush()?;
            return Ok(Outcome::Success);
        }
        Some(Command::Completions { shell }) => {
            completions(*shell, &mut out)?;
            out.flush()?;
            return Ok(Outcome::Success);
        }
        Some(Command::Man) => {
            man(&mut out, &Keymap::default())?;
            out.flush()?;
            return Ok(Outcome::Success);
        }
        _ => {}
    }
    let Some(command) = cli.command else {
        drop(out);
        let screen = crate::tui::FirstScreen::start();
        let (config_path, required) = locate();
        let loaded = config::load(config_path.as_deref(), required);
        // The reader draws on the terminal itself, so only NO_COLOR and the flag count.
        let colour = cli.color.resolve(true, no_color.as_deref());
        if colour {
            // crossterm drops colours on its own when NO_COLOR is set; `always` overrides.
            crossterm::style::Colored::set_ansi_color_disabled(false);
        }
        let colorfgbg = std::env::var("COLORFGBG").ok();
        let settings = crate::tui::Settings {
            keymap: loaded.config.keymap(),
            theme: loaded.config.theme(colour, colorfgbg.as_deref()),
            layout: loaded.config.layout,
            warnings: loaded.warning.into_iter().collect(),
            cache: Cache::standard(cli.no_cache),
        };
        let ended = match cli.file.as_deref() {
            Some(path) => crate::tui::run_file_configured(path, settings, screen),
            None => crate::tui::run_embedded(settings, screen),
        }?;
        return Ok(match ended {
            crate::tui::Ended::Quit => Outcome::Success,
            crate::tui::Ended::Signal(signal) => Outcome::Stopped(signal),
        });
    };
    // In a file, finding entities costs more than parsing (most of it building the
    // gazetteer's automaton), so commands that never show them skip it. The embedded issue
    // comes with its entities found at build time.
    let needs_entities = matches!(
        command,
        Command::Entities { .. }
            | Command::Export {
                format: Format::Json,
                ..
            }
    );
    let cache = Cache::standard(cli.no_cache);
    // Stamped once, before anything reads the file.
    let key = cli.file.as_deref().and_then(|path| cache.key(path));
    if let (
        Some(path),
        &Command::Search {
            ref query,
            json,
            count,
        },
    ) = (cli.file.as_deref(), &command)
    {
        if let Some(key) = &key
            && let Some(mut text) = cache.text(key)
        {
            let mut hits = Hits::new(json, count);
            // Counting needs no snippet, so no text around the hits.
            let context = Some(if count { 0 } else { SNIPPET_CONTEXT });
            let searched = text.search(query, search::CaseMode::smart(query), context, |hit| {
                hits.add(hit.position, hit.title, hit.kind, &hit.text, hit.text_start);
            });
            // A damaged entry is found out by the end of the search; then the file is parsed.
            if searched.is_some() {
                let outcome = hits.finish(&mut out)?;
                out.flush()?;
                return Ok(outcome);
            }
        }
        // The second search of a file without an entry parses it whole and writes one.
        if key.as_ref().is_none_or(|key| cache.first_search(key)) {
            let mut hits = Hits::new(json, count);
            if search_unparsed(path, query, &mut hits, count, &mut out)? {
                let outcome = hits.finish(&mut out)?;
                out.flush()?;
                return Ok(outcome);
            }
        }
    }
    let library = match cli.file.as_deref() {
        Some(path) => cache::open_library(&cache, path, key, needs_entities)?,
        None => Library::embedded()?,
    };
    let styled = cli.color.resolve(tty, no_color.as_deref());
    let outcome = execute_styled(&library, command, &mut out, styled)?;
    out.flush()?;
    Ok(outcome)
}

/// Runs one command against a library, writing plain text to `out`.
pub fn execute(library: &Library, command: Command, out: &mut dyn Write) -> Result<Outcome> {
    execute_styled(library, command, out, false)
}

/// Runs one command; `styled` lets `show` mark titles and headings with bold and underline
/// (never colour: the text must read the same on any background).
pub fn execute_styled(
    library: &Library,
    command: Command,
    out: &mut dyn Write,
    styled: bool,
) -> Result<Outcome> {
    match command {
        Command::List { json } => list(library, json, out)?,
        Command::Show { article, width } => {
            let index = find_article(library, &article)?;
            let width = width.unwrap_or_else(default_width);
            let article = &library.issue.articles[index];
            let text = if styled {
                render_article_styled(article, width)
            } else {
                render_article(article, width)
            };
            out.write_all(text.as_bytes())?;
        }
        Command::Config { .. } => out.write_all(Config::default().to_toml().as_bytes())?,
        Command::Completions { shell } => completions(shell, out)?,
        Command::Man => man(out, &Keymap::default())?,
        Command::Search { query, json, count } => {
            return search(library, &query, Hits::new(json, count), out);
        }
        Command::Entities { json, kind } => entities(library, json, kind, out)?,
        Command::Export { format } => export(library, format, out)?,
    }
    Ok(Outcome::Success)
}

/// True when the error is a closed pipe, which is how `| head` says it has read enough.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        let kind = match cause.downcast_ref::<io::Error>() {
            Some(e) => Some(e.kind()),
            // JSON output wraps the write error in its own type.
            None => cause
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind),
        };
        kind == Some(io::ErrorKind::BrokenPipe)
    })
}

/// The error and its causes on one line, without repeating a cause already in the message.
pub fn error_chain(err: &anyhow::Error) -> String {
    let mut line = err.to_string();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
    }
    crate::source::sanitize(&line).replace('\n', " ")
}

fn default_width() -> usize {
    if io::stdout().is_terminal() {
        crossterm::terminal::size().map_or(80, |(w, _)| usize::from(w).max(20))
    } else {
        80
    }
}

/// Resolves `show`'s argument: an article number, or a case-insensitive part of a title.
pub fn find_article(library: &Library, wanted: &str) -> Result<usize> {
    let articles = &library.issue.articles;
    let wanted = wanted.trim();
    if articles.is_empty() {
        anyhow::bail!("{} has no articles", library.source_name);
    }
    if wanted.is_empty() {
        anyhow::bail!(
            "give an article number (1 to {}) or part of a title",
            articles.len()
        );
    }
    let needle = wanted.to_lowercase();
    let by_title = || {
        articles
            .iter()
            .position(|a| a.title.to_lowercase().contains(&needle))
    };
    if let Ok(number) = wanted.parse::<usize>() {
        if (1..=articles.len()).contains(&number) {
            return Ok(number - 1);
        }
        // A number out of range may still be part of a title (`2007 in review`).
        return by_title().with_context(|| {
            format!(
                "no article {number}: {} has articles 1 to {}",
                library.source_name,
                articles.len()
            )
        });
    }
    by_title().with_context(|| format!("no article title contains {wanted:?}"))
}

#[derive(Serialize)]
struct ListRow<'a> {
    id: usize,
    section: &'a str,
    title: &'a str,
    authors: &'a [String],
    page: u32,
    words: usize,
}

fn list(library: &Library, json: bool, out: &mut dyn Write) -> Result<()> {
    let rows: Vec<ListRow<'_>> = library
        .issue
        .articles
        .iter()
        .map(|a| ListRow {
            id: a.id,
            section: &a.section,
            title: &a.title,
            authors: &a.authors,
            page: a.page,
            words: a.word_count(),
        })
        .collect();
    if json {
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        writeln!(out)?;
        return Ok(());
    }
    let section_width = rows
        .iter()
        .map(|r| display_width(r.section))
        .max()
        .unwrap_or(0)
        .max("SECTION".len());
    let title_width = rows
        .iter()
        .map(|r| display_width(r.title))
        .max()
        .unwrap_or(0)
        .max("TITLE".len());
    writeln!(
        out,
        "{:>3}  {}  {}  {:>5}  AUTHORS",
        "#",
        pad("SECTION", section_width),
        pad("TITLE", title_width),
        "WORDS"
    )?;
    for r in &rows {
        writeln!(
            out,
            "{:>3}  {}  {}  {:>5}  {}",
            r.id,
            pad(r.section, section_width),
            pad(r.title, title_width),
            r.words,
            r.authors.join(", ")
        )?;
    }
    Ok(())
}

fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

fn pad(s: &str, width: usize) -> String {
    let mut padded = s.to_string();
    padded.extend(std::iter::repeat_n(
        ' ',
        width.saturating_sub(display_width(s)),
    ));
    padded
}

/// [`pad`] for a column with a cap: a longer text is cut to end in `…`, so that the columns
/// after it stay aligned (the JSON output keeps it whole).
fn fit(s: &str, width: usize) -> String {
    if display_width(s) <= width {
        return pad(s, width);
    }
    let mut cut = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        cut.push(c);
        used += w;
    }
    cut.push('…');
    pad(&cut, width)
}

/// Lays an article out as plain text wrapped to `width` columns.
pub fn render_article(article: &Article, width: usize) -> String {
    render_article_with(article, width, false)
}

/// [`render_article`] with the title and headings in bold for a terminal (SGR escapes).
pub fn render_article_styled(article: &Article, width: usize) -> String {
    render_article_with(article, width, true)
}

const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

fn render_article_with(article: &Article, width: usize, styled: bool) -> String {
    let width = width.max(20);
    let mut out = String::new();
    let wrap_styled = |out: &mut String, text: &str, first: &str, rest: &str, bold: bool| {
        let options = textwrap::Options::new(width)
            .initial_indent(first)
            .subsequent_indent(rest)
            .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit);
        for line in textwrap::wrap(text, options) {
            if bold && styled {
                out.push_str(BOLD);
                out.push_str(line.trim_end());
                out.push_str(RESET);
            } else {
                out.push_str(line.trim_end());
            }
            out.push('\n');
        }
    };
    let push_wrapped = |out: &mut String, text: &str, first: &str, rest: &str| {
        wrap_styled(out, text, first, rest, false);
    };
    if !article.section.is_empty() {
        out.push_str(&article.section.to_uppercase());
        out.push_str("\n\n");
    }
    wrap_styled(&mut out, &article.title, "", "", true);
    let rule_len = display_width(&article.title).min(width);
    out.push_str(&"=".repeat(rule_len));
    out.push('\n');
    if let Some(standfirst) = &article.standfirst {
        out.push('\n');
        push_wrapped(&mut out, standfirst, "", "");
    }
    if !article.authors.is_empty() {
        out.push('\n');
        push_wrapped(
            &mut out,
            &format!("By {}", article.authors.join(" and ")),
            "",
            "",
        );
    }
    let mut item = 0;
    for block in &article.blocks {
        out.push('\n');
        match block.kind {
            BlockKind::Paragraph => push_wrapped(&mut out, &block.text, "", ""),
            BlockKind::Heading => {
                wrap_styled(&mut out, &block.text, "", "", true);
                out.push_str(&"-".repeat(block.text.chars().count().min(width)));
                out.push('\n');
            }
            BlockKind::ListItem => {
                item += 1;
                let marker = format!("{item:>2}. ");
                push_wrapped(&mut out, &block.text, &marker, "    ");
            }
            BlockKind::Caption => push_wrapped(&mut out, &block.text, "  [Photo] ", "          "),
            BlockKind::Bio => push_wrapped(&mut out, &block.text, "  — ", "    "),
            BlockKind::Reference => push_wrapped(&mut out, &block.text, "  * ", "    "),
            BlockKind::Label => push_wrapped(&mut out, &format!("[{}]", block.text), "  ", "  "),
        }
    }
    out
}

/// How wide `search`'s snippets are, in characters.
const SNIPPET_WIDTH: usize = 70;

/// Bytes of a block's text needed each side of a hit for its snippet: half the width, plus
/// one character to know whether to print `…`, of up to four bytes each.
const SNIPPET_CONTEXT: usize = 4 * (SNIPPET_WIDTH / 2 + 1);

#[derive(Serialize)]
struct SearchHit {
    /// The article's number, as in `list`.
    article: u64,
    /// The block's index in the article; `null` for a match in the title or standfirst.
    block: Option<u32>,
    start: u32,
    end: u32,
    title: String,
    kind: Part,
    snippet: String,
}

fn search(library: &Library, query: &str, mut hits: Hits, out: &mut dyn Write) -> Result<Outcome> {
    for position in library.search(query) {
        if let Some(article) = library.issue.articles.get(position.article())
            && let Some(part) = article.part_of(position.block)
            && let Some(text) = article.text_of(position.block)
        {
            hits.add(position, &article.title, part, text, 0);
        }
    }
    hits.finish(out)
}

/// `search` in a file no cache entry holds: every page is searched on the thread that read
/// it, as soon as it is read, and nothing of it is kept but its hits, their snippets made
/// there too, so the issue is never built whole. Plain lines go to `out` page by page; the
/// rest is left to [`Hits::finish`]. `false` for a JSON export, which is searched as a
/// [`Library`].
fn search_unparsed(
    path: &std::path::Path,
    query: &str,
    hits: &mut Hits,
    count: bool,
    out: &mut dyn Write,
) -> Result<bool> {
    let matcher = search::Matcher::for_query(query, search::CaseMode::smart(query));
    // Counting prints no snippet.
    let keep = |_, articles| PageHits::find(matcher.as_ref(), articles, !count);
    let Some((_, pages)) = crate::each_page_of_file(path, keep)? else {
        return Ok(false);
    };
    let mut before = 0;
    for page in pages {
        for hit in &page.hits {
            let title = page
                .titles
                .binary_search_by_key(&hit.article, |(article, _)| *article)
                .map_or("", |i| page.titles[i].1.as_str());
            // Left out as `Index::search_with` leaves it out: past the input cap only.
            if let Some(position) =
                Position::try_in(before + hit.article, hit.block, hit.start, hit.end)
            {
                hits.add_with(position, title, hit.kind, |out| {
                    out.extend_from_slice(
                        page.snippets.get(hit.snippet.clone()).unwrap_or_default(),
                    )
                });
            }
        }
        before += page.articles;
        // Lines leave page by page, so the buffer stays small and whoever reads them can start.
        hits.pass_on(out)?;
    }
    Ok(true)
}

/// What `search` keeps of one page: how many articles it has, the titles of those with hits,
/// and each hit with its snippet.
struct PageHits {
    articles: usize,
    /// `(article, title)`, articles numbered within the page, in order.
    titles: Vec<(usize, String)>,
    hits: Vec<PageHit>,
    /// The hits' snippets, one after another: one buffer for the page, not one for each hit.
    snippets: Vec<u8>,
}

/// A match in a page's article, with its snippet as `search` prints it (see [`push_excerpt`]).
struct PageHit {
    article: usize,
    /// A position's `block` value: a block's index, or the title's or standfirst's.
    block: u32,
    start: usize,
    end: usize,
    kind: Part,
    /// Where its snippet lies in the page's [`PageHits::snippets`].
    snippet: std::ops::Range<usize>,
}

impl PageHits {
    fn find(matcher: Option<&search::Matcher>, articles: Vec<Article>, snippets: bool) -> Self {
        let mut page = PageHits {
            articles: articles.len(),
            titles: Vec::new(),
            hits: Vec::new(),
            snippets: Vec::new(),
        };
        let Some(matcher) = matcher else {
            return page;
        };
        for (a, article) in articles.into_iter().enumerate() {
            let before = page.hits.len();
            let headers = search::header_texts(&article)
                .filter_map(|(block, text)| Some((block, article.part_of(block)?, text)));
            // A block whose index does not fit a position (only past the input cap) is left
            // out, as `Index::search_with` leaves out its matches.
            let blocks = article.blocks.iter().enumerate().filter_map(|(b, block)| {
                let index = u32::try_from(b).ok()?;
                Some((index, Part::Block(block.kind), block.text.as_str()))
            });
            for (block, kind, text) in headers.chain(blocks) {
                matcher.find_in_block(text, &mut |start, end| {
                    let from = page.snippets.len();
                    if snippets {
                        let e = search::Excerpt::new(text, start, end, SNIPPET_WIDTH);
                        push_excerpt(&mut page.snippets, &e);
                    }
                    let snippet = from..page.snippets.len();
                    page.hits.push(PageHit {
                        article: a,
                        block,
                        start,
                        end,
                        kind,
                        snippet,
                    });
                });
            }
            if page.hits.len() > before {
                page.titles.push((a, article.title));
            }
        }
        page
    }
}

/// What `search` prints, gathered hit by hit, whether the hits come from a parsed issue or
/// from the cache (which must print exactly the same, and holds its output back until the
/// entry has proved sound). Text lines go straight into one buffer: a search of a large
/// archive prints thousands. A first search, which has nothing to hold back, empties it page
/// by page ([`Hits::pass_on`]).
struct Hits {
    json: bool,
    rows: Vec<SearchHit>,
    text: Vec<u8>,
    count: usize,
    /// With `--count`: matches per article, in reading order; no rows or lines are built.
    per_article: Option<Vec<ArticleCount>>,
}

/// A line of `search --count`.
#[derive(Serialize)]
struct ArticleCount {
    /// The article's number, as in `list`.
    article: usize,
    title: String,
    matches: usize,
}

/// What `search --count --json` prints.
#[derive(Serialize)]
struct Counts<'a> {
    total: usize,
    articles: &'a [ArticleCount],
}

impl Hits {
    fn new(json: bool, count: bool) -> Self {
        Hits {
            json,
            rows: Vec::new(),
            text: Vec::with_capacity(if json || count { 0 } else { 64 * 1024 }),
            count: 0,
            per_article: count.then(Vec::new),
        }
    }

    /// A hit at `position` in a block of kind `kind`, whose text from byte `from` on is
    /// `text` (at least [`SNIPPET_CONTEXT`] bytes each side of the hit, where it has them).
    fn add(&mut self, position: Position, title: &str, kind: Part, text: &str, from: usize) {
        let (start, end) = (position.start() - from, position.end() - from);
        self.add_with(position, title, kind, |out| {
            push_excerpt(out, &search::Excerpt::new(text, start, end, SNIPPET_WIDTH));
        });
    }

    /// A hit whose snippet `snippet` writes (only when it is printed).
    fn add_with(
        &mut self,
        position: Position,
        title: &str,
        kind: Part,
        snippet: impl FnOnce(&mut Vec<u8>),
    ) {
        self.count += 1;
        if let Some(counts) = &mut self.per_article {
            // Hits come in reading order, so an article's are all together.
            match counts.last_mut() {
                Some(last) if last.article == position.article() + 1 => last.matches += 1,
                _ => counts.push(ArticleCount {
                    article: position.article() + 1,
                    title: title.to_string(),
                    matches: 1,
                }),
            }
            return;
        }
        if self.json {
            let mut bytes = Vec::new();
            snippet(&mut bytes);
            self.rows.push(SearchHit {
                article: u64::from(position.article) + 1,
                block: position.header().is_none().then_some(position.block),
                start: position.start,
                end: position.end,
                title: title.to_string(),
                kind,
                // Only whole strings went in.
                snippet: String::from_utf8_lossy(&bytes).into_owned(),
            });
            return;
        }
        let line = &mut self.text;
        push_number(line, position.article() + 1);
        line.push(b':');
        match position.header() {
            Some(part) => line.extend_from_slice(part.as_str().as_bytes()),
            None => push_number(line, position.block()),
        }
        line.push(b':');
        push_number(line, position.start());
        line.push(b'-');
        push_number(line, position.end());
        line.extend_from_slice(b"  ");
        line.extend_from_slice(title.as_bytes());
        line.extend_from_slice(b"  ");
        snippet(line);
        line.push(b'\n');
    }

    /// Writes the lines of plain output made so far. (JSON and counts are made whole, at the
    /// end.)
    fn pass_on(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&self.text)?;
        self.text.clear();
        Ok(())
    }

    /// Prints the hits; a search with none is [`Outcome::NothingFound`].
    fn finish(self, out: &mut dyn Write) -> Result<Outcome> {
        if let Some(counts) = &self.per_article {
            if self.json {
                let counts = Counts {
                    total: self.count,
                    articles: counts,
                };
                serde_json::to_writer_pretty(&mut *out, &counts)?;
                writeln!(out)?;
            } else {
                for c in counts {
                    writeln!(out, "{}  {}  {}", c.article, c.matches, c.title)?;
                }
                writeln!(out, "total  {}", self.count)?;
            }
        } else if self.json {
            serde_json::to_writer_pretty(&mut *out, &self.rows)?;
            writeln!(out)?;
        } else {
            out.write_all(&self.text)?;
        }
        Ok(if self.count == 0 {
            Outcome::NothingFound
        } else {
            Outcome::Success
        })
    }
}

/// The excerpt as `search` shows it: `…before[hit]after…`.
fn push_excerpt(line: &mut Vec<u8>, e: &search::Excerpt<'_>) {
    const ELLIPSIS: &[u8] = "…".as_bytes();
    if e.cut_before {
        line.extend_from_slice(ELLIPSIS);
    }
    line.extend_from_slice(e.before.as_bytes());
    line.push(b'[');
    line.extend_from_slice(e.hit.as_bytes());
    line.push(b']');
    line.extend_from_slice(e.after.as_bytes());
    if e.cut_after {
        line.extend_from_slice(ELLIPSIS);
    }
}

/// `n` in decimal; `write!` costs more than the rest of a hit's line together.
fn push_number(line: &mut Vec<u8>, n: usize) {
    line.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

#[derive(Serialize)]
struct EntityRow<'a> {
    #[serde(flatten)]
    entity: &'a Entity,
}

fn entities(
    library: &Library,
    json: bool,
    kind: Option<EntityKind>,
    out: &mut dyn Write,
) -> Result<()> {
    let selected: Vec<&Entity> = library
        .entities
        .list
        .iter()
        .filter(|e| kind.is_none_or(|k| e.kind == k))
        .collect();
    if json {
        let rows: Vec<EntityRow<'_>> = selected.iter().map(|e| EntityRow { entity: e }).collect();
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        writeln!(out)?;
        return Ok(());
    }
    let name_width = selected
        .iter()
        .map(|e| display_width(&e.name))
        .max()
        .unwrap_or(0)
        .clamp(4, 48);
    writeln!(
        out,
        "{}  {:<12}  {:>8}  ARTICLES",
        pad("NAME", name_width),
        "KIND",
        "MENTIONS"
    )?;
    for e in selected {
        let mut articles: Vec<usize> = e.mentions.iter().map(|m| m.article() + 1).collect();
        articles.dedup();
        let articles: Vec<String> = articles.iter().map(usize::to_string).collect();
        writeln!(
            out,
            "{}  {:<12}  {:>8}  {}",
            fit(&e.name, name_width),
            e.kind.as_str(),
            e.mentions.len(),
            articles.join(",")
        )?;
    }
    Ok(())
}

fn export(library: &Library, format: Format, out: &mut dyn Write) -> Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &library.export())?;
            writeln!(out)?;
        }
        Format::Text => {
            for (i, article) in library.issue.articles.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                out.write_all(render_article(article, 80).as_bytes())?;
            }
        }
        Format::Markdown => out.write_all(markdown(library).as_bytes())?,
    }
    Ok(())
}

/// Text that Markdown would read as the start of a heading, quote, list or rule gets a
/// backslash, so a paragraph printed as `1998. A year...` or `- and yet` stays a paragraph.
fn markdown_text(text: &str) -> String {
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let numbered = digits > 0 && text[digits..].starts_with(['.', ')']);
    if numbered || text.starts_with(['#', '>', '-', '+', '*', '=', '|', '<']) {
        if numbered {
            format!("{}\\{}", &text[..digits], &text[digits..])
        } else {
            format!("\\{text}")
        }
    } else {
        text.to_string()
    }
}

fn markdown(library: &Library) -> String {
    let issue = &library.issue;
    let mut md = format!("# {}", issue.magazine);
    if let Some(n) = issue.issue {
        md.push_str(&format!(", issue {n}"));
    }
    if let Some(date) = &issue.date {
        md.push_str(&format!(" ({date})"));
    }
    md.push('\n');
    for article in &issue.articles {
        md.push_str(&format!("\n## {}\n\n", article.title));
        if !article.section.is_empty() {
            md.push_str(&format!("*{}*\n\n", article.section));
        }
        if let Some(s) = &article.standfirst {
            md.push_str(&format!("**{s}**\n\n"));
        }
        if !article.authors.is_empty() {
            md.push_str(&format!("By {}\n\n", article.authors.join(" and ")));
        }
        for block in &article.blocks {
            let text = &markdown_text(&block.text);
            let line = match block.kind {
                BlockKind::Paragraph => text.clone(),
                BlockKind::Heading => format!("### {text}"),
                BlockKind::ListItem => format!("1. {text}"),
                BlockKind::Caption => format!("*{text}*"),
                BlockKind::Bio => format!("> {text}"),
                BlockKind::Reference => format!("- {text}"),
                BlockKind::Label => format!("<!-- label: {} -->", block.text.replace("--", "- -")),
            };
            md.push_str(&line);
            md.push_str("\n\n");
        }
    }
    md
}

/// Writes the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> io::Result<()> {
    let mut command = <Cli as clap::CommandFactory>::command();
    // clap_complete panics on a failed write (`| head`); generate in memory, then write.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "broker-reader", &mut script);
    out.write_all(&script)
}

/// Writes the manual page: clap's sections for commands and options, then the keys from the
/// key table (so the page cannot drift from what the keys do), files and environment.
pub fn man(out: &mut dyn Write, keymap: &Keymap) -> io::Result<()> {
    let command = <Cli as clap::CommandFactory>::command();
    let page = clap_mangen::Man::new(command.clone());
    page.render_title(out)?;
    page.render_name_section(out)?;
    page.render_synopsis_section(out)?;
    page.render_description_section(out)?;
    page.render_options_section(out)?;
    // One page for everything: clap_mangen's own section points at a page per command.
    writeln!(out, ".SH COMMANDS")?;
    writeln!(
        out,
        "Without a command the reader opens in the terminal (see \\fBKEYS\\fR)."
    )?;
    for sub in command.get_subcommands() {
        let mut usage = format!("\\fB{}\\fR", roff(sub.get_name()));
        let mut options = Vec::new();
        for arg in sub.get_arguments() {
            if arg.is_global_set() || matches!(arg.get_id().as_str(), "help" | "version") {
                continue;
            }
            let value = arg
                .get_value_names()
                .and_then(|v| v.first())
                .map_or_else(|| arg.get_id().as_str().to_uppercase(), |v| v.to_string());
            let name = match (arg.get_long(), arg.get_short()) {
                (Some(long), Some(short)) => {
                    format!("\\fB\\-{short}\\fR, \\fB\\-\\-{}\\fR", roff(long))
                }
                (Some(long), None) => format!("\\fB\\-\\-{}\\fR", roff(long)),
                _ => {
                    usage.push_str(&format!(" \\fI{}\\fR", roff(&value)));
                    format!("\\fI{}\\fR", roff(&value))
                }
            };
            let takes_value = arg.get_action().takes_values() && arg.get_long().is_some();
            let name = if takes_value {
                format!("{name} \\fI{}\\fR", roff(&value))
            } else {
                name
            };
            let mut help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            let possible: Vec<String> = arg
                .get_possible_values()
                .iter()
                .map(|v| v.get_name().to_string())
                .collect();
            if !possible.is_empty() && takes_value {
                help.push_str(&format!(" ({})", possible.join(", ")));
            }
            options.push((name, help));
        }
        if !options.is_empty() && options.iter().any(|(n, _)| n.contains("\\-\\-")) {
            usage.push_str(" [options]");
        }
        writeln!(out, ".TP\n{usage}")?;
        if let Some(about) = sub.get_about() {
            writeln!(out, "{}", roff(&about.to_string()))?;
        }
        for (name, help) in options {
            writeln!(out, ".RS\n.TP\n{name}\n{}\n.RE", roff(&help))?;
        }
    }
    writeln!(out, ".SH KEYS")?;
    writeln!(
        out,
        "Defaults; every key can be changed in the config file (see \\fBCONFIGURATION\\fR)."
    )?;
    for (context, rows) in keymap.help() {
        writeln!(out, ".SS {}", roff(context.title()))?;
        for (keys, description) in rows {
            writeln!(out, ".TP\n\\fB{}\\fR\n{}", roff(&keys), roff(description))?;
        }
    }
    writeln!(out, ".SH CONFIGURATION")?;
    writeln!(
        out,
        "The reader reads \\fIconfig.toml\\fR from the configuration directory \\
         (\\fI$XDG_CONFIG_HOME/broker-reader/\\fR on Linux), or the file named by \\fB--config\\fR \\
         or \\fB{}\\fR. \\fBbroker-reader config\\fR prints the effective configuration, \\
         every key binding included, as a file to start from. A broken file is reported with \\
         its line and the reader starts with the defaults.",
        roff(config::CONFIG_ENV)
    )?;
    writeln!(out, ".SH ENVIRONMENT")?;
    for (name, what) in [
        (
            "NO_COLOR",
            "when set and not empty, no colour (as --color never on a terminal).",
        ),
        (
            "COLORFGBG",
            "with theme auto, a light background selects the light theme.",
        ),
        (
            "BROWSER",
            "the program the o key opens links with (else xdg-open or open).",
        ),
        (
            config::CONFIG_ENV,
            "a config file to read instead of the standard one.",
        ),
        (
            cache::DISABLE_ENV,
            "when set and not empty, the cache of parsed files is neither used nor written \
             (as --no-cache).",
        ),
    ] {
        writeln!(out, ".TP\n\\fB{}\\fR\n{}", roff(name), roff(what))?;
    }
    page.render_version_section(out)?;
    Ok(())
}

/// Text made safe for a roff line: backslashes and hyphens escaped, no line starting with a
/// control character.
fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    let escaped = escaped.replace('\n', " ");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::markdown_text;

    #[test]
    fn no_arguments_mean_what_clap_says_they_mean() {
        use clap::Parser;
        let parsed = super::Cli::try_parse_from(["broker-reader"]).expect("no arguments parse");
        assert_eq!(
            format!("{:?}", super::Cli::without_arguments()),
            format!("{parsed:?}")
        );
    }

    #[test]
    fn markdown_block_markers_are_escaped() {
        assert_eq!(markdown_text("# not a heading"), "\\# not a heading");
        assert_eq!(markdown_text("1998. A year"), "1998\\. A year");
        assert_eq!(markdown_text("- and yet"), "\\- and yet");
        assert_eq!(markdown_text("1998 was a year"), "1998 was a year");
        assert_eq!(
            markdown_text("Plain text – with a dash"),
            "Plain text – with a dash"
        );
        assert_eq!(markdown_text(""), "");
    }

    #[test]
    fn a_capped_column_cuts_by_display_width_and_stays_aligned() {
        use super::{display_width, fit};
        assert_eq!(fit("Oslo", 8), "Oslo    ");
        assert_eq!(fit("Exactly8", 8), "Exactly8");
        assert_eq!(fit("Nine wide", 8), "Nine wi…");
        // Two columns a character: the cut may leave one column of padding, never overflow.
        assert_eq!(fit("東京都庁舎", 6), "東京… ");
        for s in ["", "a", "Nine wide", "東京都庁舎", "e\u{301}tude longue"] {
            for width in 1..12 {
                assert_eq!(display_width(&fit(s, width)), width, "{s:?} in {width}");
            }
        }
    }
}
