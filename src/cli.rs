//! The command line: `list`, `show`, `search`, `entities` and `export` for scripts and pipes,
//! and the terminal reader when no command is given.
//!
//! Every command writes through one buffered stdout; a closed pipe (`| head`) ends the command
//! quietly instead of as an error.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;

use crate::entities::{Entity, EntityKind};
use crate::model::{Article, BlockKind, Position};
use crate::{Library, search};

/// Read The Broker, issue 1 (April 2007), in the terminal: articles, entities and search.
#[derive(Debug, Parser)]
#[command(name = "broker-reader", version, about, long_about = None)]
pub struct Cli {
    /// Open this file instead of the embedded issue: extracted text, or a JSON export.
    #[arg(long, short = 'f', global = true, value_name = "FILE")]
    pub file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
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
    /// Find a word or phrase in every article (smart case: a capital makes it exact).
    Search {
        query: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List the people, organisations, places, dates, documents and URLs.
    Entities {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Only entities of this kind.
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
    },
    /// Write the whole issue as JSON, Markdown or plain text.
    Export {
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Markdown,
    Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Person,
    Organization,
    Place,
    Date,
    Document,
    Url,
    Topic,
}

impl From<KindArg> for EntityKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Person => EntityKind::Person,
            KindArg::Organization => EntityKind::Organization,
            KindArg::Place => EntityKind::Place,
            KindArg::Date => EntityKind::Date,
            KindArg::Document => EntityKind::Document,
            KindArg::Url => EntityKind::Url,
            KindArg::Topic => EntityKind::Topic,
        }
    }
}

/// How a command ended when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// A search that found nothing: exit status 1, like grep.
    NothingFound,
}

/// Loads the library the arguments ask for.
pub fn load(file: Option<&std::path::Path>) -> crate::Result<Library> {
    match file {
        Some(path) => Library::open(path),
        None => Library::embedded(),
    }
}

pub fn run(cli: Cli) -> Result<Outcome> {
    let Some(command) = cli.command else {
        return match cli.file.as_deref() {
            Some(path) => crate::tui::run_file(path),
            None => crate::tui::run(Library::embedded()?),
        }
        .map(|()| Outcome::Success);
    };
    let library = load(cli.file.as_deref())?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let outcome = execute(&library, command, &mut out)?;
    out.flush()?;
    Ok(outcome)
}

/// Runs one command against a library, writing to `out`.
pub fn execute(library: &Library, command: Command, out: &mut dyn Write) -> Result<Outcome> {
    match command {
        Command::List { json } => list(library, json, out)?,
        Command::Show { article, width } => {
            let index = find_article(library, &article)?;
            let width = width.unwrap_or_else(default_width);
            out.write_all(render_article(&library.issue.articles[index], width).as_bytes())?;
        }
        Command::Search { query, json } => return search(library, &query, json, out),
        Command::Entities { json, kind } => entities(library, json, kind.map(Into::into), out)?,
        Command::Export { format } => export(library, format, out)?,
    }
    Ok(Outcome::Success)
}

/// True when the error is a closed pipe, which is how `| head` says it has read enough.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
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

/// Lays an article out as plain text wrapped to `width` columns.
pub fn render_article(article: &Article, width: usize) -> String {
    let width = width.max(20);
    let mut out = String::new();
    let push_wrapped = |out: &mut String, text: &str, first: &str, rest: &str| {
        let options = textwrap::Options::new(width)
            .initial_indent(first)
            .subsequent_indent(rest)
            .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit);
        for line in textwrap::wrap(text, options) {
            out.push_str(line.trim_end());
            out.push('\n');
        }
    };
    if !article.section.is_empty() {
        out.push_str(&article.section.to_uppercase());
        out.push_str("\n\n");
    }
    push_wrapped(&mut out, &article.title, "", "");
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
                push_wrapped(&mut out, &block.text, "", "");
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

#[derive(Serialize)]
struct SearchHit<'a> {
    #[serde(flatten)]
    position: Position,
    title: &'a str,
    kind: BlockKind,
    snippet: String,
}

fn search(library: &Library, query: &str, json: bool, out: &mut dyn Write) -> Result<Outcome> {
    let hits = library.index.search(query);
    let rows: Vec<SearchHit<'_>> = hits
        .iter()
        .filter_map(|&position| {
            let article = library.issue.articles.get(position.article)?;
            let block = article.blocks.get(position.block)?;
            let (before, hit, after) =
                search::snippet(&block.text, position.start, position.end, 70);
            Some(SearchHit {
                position,
                title: &article.title,
                kind: block.kind,
                snippet: format!("{before}[{hit}]{after}"),
            })
        })
        .collect();
    if json {
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        writeln!(out)?;
    } else {
        for row in &rows {
            writeln!(
                out,
                "{}:{}:{}-{}  {}  {}",
                row.position.article + 1,
                row.position.block,
                row.position.start,
                row.position.end,
                row.title,
                row.snippet
            )?;
        }
    }
    Ok(if rows.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Success
    })
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
        let mut articles: Vec<usize> = e.mentions.iter().map(|m| m.article + 1).collect();
        articles.dedup();
        let articles: Vec<String> = articles.iter().map(usize::to_string).collect();
        writeln!(
            out,
            "{}  {:<12}  {:>8}  {}",
            pad(&e.name, name_width),
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

#[cfg(test)]
mod tests {
    use super::markdown_text;

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
}
