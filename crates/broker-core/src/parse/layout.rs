//! One page's lines to articles, read from the magazine's layout.
//!
//! A page holds a feature (title, standfirst, byline, lower-case rubric, body with
//! subheadings, photo caption, author bio, page label) and then, after an indented section
//! rubric such as ` Developments`, short items that are articles of their own. Blank lines
//! separate paragraphs in the feature but also mark column breaks, often in mid-sentence; the
//! column width (measured per region) and the case of the next fragment tell the two apart.

use std::borrow::Cow;

use crate::model::{Article, Block, BlockKind};

use super::repair::{self, Evidence, Lines, char_count, trim};

/// A fragment this much of the column wide (or more) ran to the column's edge.
const FULL_WIDTH: f64 = 0.75;

/// A subheading is at most this share of the column wide.
const HEADING_WIDTH: f64 = 0.6;

/// A run of consecutive non-blank lines: `lines[start..end]`.
#[derive(Debug, Clone, Copy)]
struct Chunk {
    start: usize,
    end: usize,
}

impl Chunk {
    fn len(self) -> usize {
        self.end - self.start
    }
}

fn is_blank(line: &str) -> bool {
    trim(line).is_empty()
}

fn is_indented(line: &str) -> bool {
    line.starts_with(char::is_whitespace) && !is_blank(line)
}

fn chars(line: &str) -> usize {
    char_count(trim(line))
}

fn chunks(lines: &[&str]) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, line) in lines.iter().enumerate() {
        match (is_blank(line), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                out.push(Chunk { start: s, end: i });
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(Chunk {
            start: s,
            end: lines.len(),
        });
    }
    out
}

/// The column width of a region: the 90th percentile of its line lengths, so that one long
/// line (a URL, a bio set across columns) does not stretch it.
fn column_width(lines: &[&str]) -> usize {
    let mut lengths: Vec<usize> = Vec::with_capacity(lines.len());
    lengths.extend(
        lines
            .iter()
            .filter_map(|line| Some(trim(line)).filter(|t| !t.is_empty()).map(char_count)),
    );
    if lengths.is_empty() {
        return 1;
    }
    let k = lengths.len() * 9 / 10;
    let k = k.min(lengths.len() - 1);
    let (_, nth, _) = lengths.select_nth_unstable(k);
    (*nth).max(1)
}

fn share(len: usize, width: usize, factor: f64) -> bool {
    len as f64 >= width as f64 * factor
}

/// An indented short line of capitalised words alone before a blank line: ` Developments`.
fn is_section_rubric(line: &str, next: Option<&&str>) -> bool {
    // What follows is a blank line or an item's heading, never an indented continuation.
    if !is_indented(line) || next.is_some_and(|n| is_indented(n)) {
        return false;
    }
    let text = trim(line);
    let words = text.split_whitespace().count();
    (1..=3).contains(&words)
        && text.chars().count() <= 30
        && text.chars().next().is_some_and(char::is_uppercase)
        && text
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '&' || c == '-')
}

/// A lower-case rubric naming a feature's section: `governance`, `human rights`.
fn is_feature_rubric(line: &str) -> bool {
    let text = trim(line);
    let words = text.split_whitespace().count();
    (1..=3).contains(&words)
        && text.chars().next().is_some_and(char::is_lowercase)
        && text
            .chars()
            .all(|c| c.is_lowercase() || c == ' ' || c == '-' || c == '&')
}

fn byline(line: &str) -> Option<Vec<String>> {
    let names = trim(line).strip_prefix("By ")?;
    let names = repair::normalize_whitespace(names);
    let mut authors = Vec::new();
    for part in names.split(", ") {
        for name in part.split(" and ").flat_map(|n| n.split(" & ")) {
            let name = trim(name);
            if !name.is_empty() {
                authors.push(name.to_string());
            }
        }
    }
    // `By contrast, ...` opens a sentence, not a byline: every name must look like one.
    let names_only = authors.iter().all(|name| {
        name.chars().next().is_some_and(char::is_uppercase)
            && name.split_whitespace().count() <= 5
            && !name.ends_with([',', ';', ':', '.', '?', '!'])
    });
    (!authors.is_empty() && names_only).then_some(authors)
}

/// A block being assembled from printed lines.
#[derive(Debug, Clone)]
struct Draft {
    kind: BlockKind,
    lines: Lines,
}

impl Draft {
    fn new(kind: BlockKind, line: &str) -> Self {
        Self {
            kind,
            lines: Lines::new(line),
        }
    }

    /// Whether a fragment after a blank line continues this block: a column break in
    /// mid-sentence. A lower-case start always continues (no paragraph starts in lower case);
    /// a capitalised one only when this block stopped at the column's edge without ending its
    /// sentence.
    fn continued_by(&self, line: &str, width: usize) -> bool {
        let text = self.lines.text();
        if repair::starts_lowercase(line) {
            return true;
        }
        !repair::ends_terminal(text)
            && !repair::ends_with_url(text)
            && share(self.lines.last_len(), width, FULL_WIDTH)
    }
}

/// Everything the layout says about one page, ready to become articles.
pub(crate) fn page_articles(lines: &[&str], page: u32, evidence: &Evidence) -> Vec<Article> {
    let mut articles = Vec::new();
    let rubric_lines: Vec<usize> = (0..lines.len())
        .filter(|&i| is_section_rubric(lines[i], lines.get(i + 1)))
        .collect();
    let feature_end = rubric_lines.first().copied().unwrap_or(lines.len());
    if let Some(article) = feature(&lines[..feature_end], page, evidence) {
        articles.push(article);
    }
    for (n, &at) in rubric_lines.iter().enumerate() {
        let end = rubric_lines.get(n + 1).copied().unwrap_or(lines.len());
        let section = trim(lines[at]);
        articles.extend(items(&lines[at + 1..end], section, page, evidence));
    }
    articles
}

fn finish_text(text: &str, evidence: &Evidence) -> String {
    repair_ligatures(repair::normalize_whitespace(text), evidence)
}

/// Ligature splits repaired in text whose whitespace is already collapsed; the text is kept,
/// not copied, when there is none.
fn repair_ligatures(text: String, evidence: &Evidence) -> String {
    match repair::repair_ligatures(&text, evidence) {
        Cow::Borrowed(_) => text,
        Cow::Owned(repaired) => repaired,
    }
}

/// The finished text of printed lines: whitespace collapsed as they were joined, ligatures
/// repaired, in a buffer of its own size: blocks are kept for as long as the issue is.
///
/// A copy, not `shrink_to_fit`. Shrinking reallocates, which locks the allocator's arena the
/// buffer came from, and with two threads that is often the other thread's: glibc passes
/// freed blocks between threads through its per-thread caches. A first search of a 9 MB
/// archive, which frees each page's blocks as soon as it has searched them, waited on that
/// lock over a thousand times, and with both threads started together spent most of its
/// second pass waiting; a new buffer comes from this thread's own arena.
fn finish_lines(lines: Lines, evidence: &Evidence) -> String {
    let text = repair_ligatures(lines.into_text(), evidence);
    if text.capacity() > text.len() {
        return text.as_str().to_owned();
    }
    text
}

/// Turns drafts into blocks: whitespace, ligatures and drop caps repaired, bare URLs after a
/// paragraph's last sentence split off as references, empty blocks dropped.
fn finish_blocks(drafts: Vec<Draft>, evidence: &Evidence) -> Vec<Block> {
    let mut blocks = Vec::with_capacity(drafts.len());
    for draft in drafts {
        let mut text = finish_lines(draft.lines, evidence);
        if matches!(draft.kind, BlockKind::Paragraph | BlockKind::ListItem)
            && let Cow::Owned(repaired) = repair::repair_drop_cap(&text)
        {
            text = repaired;
        }
        if text.is_empty() {
            continue;
        }
        if draft.kind == BlockKind::Paragraph
            && let Some((body, url)) = repair::split_trailing_url(&text)
        {
            blocks.push(Block::new(BlockKind::Paragraph, body));
            blocks.push(Block::new(BlockKind::Reference, url));
            continue;
        }
        blocks.push(Block::new(draft.kind, text));
    }
    blocks
}

fn joined(lines: &[&str], evidence: &Evidence) -> String {
    let mut text = Lines::default();
    text.extend(lines);
    finish_lines(text, evidence)
}

/// The feature at the top of a page.
fn feature(lines: &[&str], page: u32, evidence: &Evidence) -> Option<Article> {
    let chunks = chunks(lines);
    let head = *chunks.first()?;
    let mut standfirst_lines = &lines[head.start + 1..head.end];
    let mut authors = Vec::new();
    if let Some((last, rest)) = standfirst_lines.split_last()
        && let Some(names) = byline(last)
    {
        authors = names;
        standfirst_lines = rest;
    }
    let title = match title_continuation(standfirst_lines) {
        0 => finish_text(lines[head.start], evidence),
        more => {
            standfirst_lines = &standfirst_lines[more..];
            joined(&lines[head.start..=head.start + more], evidence)
        }
    };
    let standfirst = Some(joined(standfirst_lines, evidence)).filter(|s| !s.is_empty());

    let mut section = String::new();
    let mut next = 1;
    while let Some(&chunk) = chunks.get(next) {
        let line = lines[chunk.start];
        if chunk.len() != 1 {
            break;
        }
        if let (true, Some(names)) = (authors.is_empty(), byline(line)) {
            authors = names;
        } else if section.is_empty() && is_feature_rubric(line) {
            section = repair::normalize_whitespace(line);
        } else {
            break;
        }
        next += 1;
    }

    let body = &chunks[next..];
    let blocks = feature_blocks(lines, body, evidence);
    Some(Article {
        id: 0,
        page,
        section,
        title,
        standfirst,
        authors,
        blocks,
    })
}

/// Lines a title set on more than one may take after its first.
const MORE_TITLE_LINES: usize = 2;

/// Whether `line`, under a title's first line and above longer lines of text `width` wide,
/// is more of the title. The text's lines run to the column's edge but for a paragraph's
/// last, and a ragged edge leaves some a quarter short; a line opening a paragraph also
/// opens a sentence. So the title's is a line as short as a heading, or one starting in
/// lower case (a title in sentence case) that stops short of the edge.
fn continues_title(line: &str, width: usize) -> bool {
    let len = chars(line);
    !is_blank(line)
        && (!share(len, width, HEADING_WIDTH)
            || (repair::starts_lowercase(line) && !share(len, width, FULL_WIDTH)))
}

/// How many of `rest`, the lines under a feature's first title line, continue the title:
/// the standfirst under them is one paragraph, whose widest line gives the width.
fn title_continuation(rest: &[&str]) -> usize {
    let mut more = 0;
    while more < MORE_TITLE_LINES {
        let Some((line, under)) = rest[more..].split_first() else {
            break;
        };
        let widest = under.iter().map(|l| chars(l)).max().unwrap_or(0);
        if !continues_title(line, widest) {
            break;
        }
        more += 1;
    }
    more
}

/// Whether `line`, under an item's title, continues it: it reads as more of a title, and
/// what follows it without an indent (the first paragraph's next lines, or more of the title)
/// shows it is not a one-line paragraph.
fn continues_item_title(line: &str, next: Option<&&str>, width: usize) -> bool {
    continues_title(line, width)
        && !repair::ends_terminal(line)
        && next.is_some_and(|next| !is_indented(next) && !is_blank(next))
}

/// The body of a feature, then its caption, bio and page labels.
fn feature_blocks(lines: &[&str], body: &[Chunk], evidence: &Evidence) -> Vec<Block> {
    // Only blank lines lie between the chunks, and the width is measured on the others.
    let body_lines = match (body.first(), body.last()) {
        (Some(first), Some(last)) => &lines[first.start..last.end],
        _ => &[],
    };
    let width = column_width(body_lines);
    let bio_at = body.iter().enumerate().find_map(|(n, c)| {
        (c.start..c.end)
            .find(|&i| is_indented(lines[i]))
            .map(|i| (n, i))
    });

    let mut text_chunks = body;
    let mut caption: Option<String> = None;
    let mut bios: Vec<String> = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    match bio_at {
        Some((n, at)) => {
            let chunk = body[n];
            text_chunks = &body[..n];
            if at > chunk.start {
                caption = Some(joined(&lines[chunk.start..at], evidence));
            } else if let Some((last, rest)) = text_chunks.split_last()
                && is_caption(lines, *last, width)
            {
                caption = Some(joined(&lines[last.start..last.end], evidence));
                text_chunks = rest;
            }
            // Each indented line starts a bio: one per author when they are printed apart.
            let mut start = at;
            for i in at + 1..=chunk.end {
                if i == chunk.end || is_indented(lines[i]) {
                    bios.push(joined(&lines[start..i], evidence));
                    start = i;
                }
            }
            labels = body[n + 1..]
                .iter()
                .map(|c| joined(&lines[c.start..c.end], evidence))
                .collect();
        }
        None => {
            // Without a bio, only short unpunctuated single lines at the very end are labels.
            while let Some((last, rest)) = text_chunks.split_last() {
                let line = lines[last.start];
                let is_label = last.len() == 1
                    && !repair::ends_terminal(line)
                    && !repair::starts_lowercase(line)
                    && !share(chars(line), width, HEADING_WIDTH);
                if !is_label {
                    break;
                }
                labels.push(joined(&[line], evidence));
                text_chunks = rest;
            }
            labels.reverse();
        }
    }

    let mut drafts: Vec<Draft> = Vec::new();
    for (k, chunk) in text_chunks.iter().enumerate() {
        let first = lines[chunk.start];
        if let Some(open) = drafts.last_mut()
            && open.kind == BlockKind::Paragraph
            && open.continued_by(first, width)
        {
            open.lines.extend(&lines[chunk.start..chunk.end]);
            continue;
        }
        // A subheading sits on the first line of its paragraph, or alone above it when a
        // blank line (a column break) comes between them.
        let above_a_paragraph = chunk.len() == 1
            && text_chunks
                .get(k + 1)
                .is_some_and(|next| !repair::starts_lowercase(lines[next.start]));
        let mut rest = chunk.start;
        if (chunk.len() >= 2 || above_a_paragraph) && is_heading(first, width) {
            drafts.push(Draft::new(BlockKind::Heading, first));
            rest += 1;
        }
        if rest < chunk.end {
            let mut paragraph = Draft::new(BlockKind::Paragraph, lines[rest]);
            paragraph.lines.extend(&lines[rest + 1..chunk.end]);
            drafts.push(paragraph);
        }
    }
    let mut blocks = finish_blocks(drafts, evidence);
    let extra = caption
        .into_iter()
        .map(|c| (BlockKind::Caption, c))
        .chain(bios.into_iter().map(|b| (BlockKind::Bio, b)));
    for (kind, text) in extra {
        if !text.is_empty() {
            blocks.push(Block::new(kind, text));
        }
    }
    for label in labels.into_iter().filter(|l| !l.is_empty()) {
        blocks.push(Block::new(BlockKind::Label, label));
    }
    blocks
}

/// A subheading: short, capitalised, not ending a sentence, with body text right under it.
fn is_heading(line: &str, width: usize) -> bool {
    let text = trim(line);
    text.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        && !text.ends_with(['.', ',', ';', ':'])
        && !share(chars(text), width, HEADING_WIDTH)
}

/// A photo caption on its own: one short line ending in a full stop.
fn is_caption(lines: &[&str], chunk: Chunk, width: usize) -> bool {
    let line = lines[chunk.start];
    chunk.len() == 1 && trim(line).ends_with('.') && !share(chars(line), width, FULL_WIDTH)
}

/// How the indented lines of an item are read at the moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Body,
    /// After a paragraph ending in `:`, indented paragraphs are the items of a list.
    List,
    /// After a blank line, indented bibliographic entries to the end of the item.
    References,
}

struct Item {
    title: Lines,
    /// Lines the title took after its first.
    more_title_lines: usize,
    drafts: Vec<Draft>,
}

impl Item {
    fn titled(title: &str) -> Self {
        Item {
            title: Lines::new(title),
            more_title_lines: 0,
            drafts: Vec::new(),
        }
    }
}

/// A list's items are printed as indented paragraphs, like the paragraphs after the list;
/// only their form tells them apart, and where it does, the list ends there and what follows
/// is paragraphs again:
/// - items that open with questions (`three questions:`), two in a row at least: the list
///   ends before the first that does not;
/// - items that end with a semicolon (`three conditions:` `a;` `b;` `c.`): the list ends
///   with the first that ends a sentence.
fn end_lists(drafts: &mut [Draft]) {
    let mut i = 0;
    while i < drafts.len() {
        if drafts[i].kind != BlockKind::ListItem {
            i += 1;
            continue;
        }
        let run_end = (i..drafts.len())
            .find(|&j| drafts[j].kind != BlockKind::ListItem)
            .unwrap_or(drafts.len());
        let run = &drafts[i..run_end];
        let questions = run
            .iter()
            .take_while(|d| opens_with_question(d.lines.text()))
            .count();
        let continued = run
            .iter()
            .take_while(|d| ends_list_item(d.lines.text()))
            .count();
        let list_len = if questions >= 2 {
            questions
        } else if continued >= 1
            && run
                .get(continued)
                .is_some_and(|last| repair::ends_terminal(last.lines.text()))
        {
            continued + 1
        } else {
            run.len()
        };
        for draft in &mut drafts[i + list_len..run_end] {
            draft.kind = BlockKind::Paragraph;
        }
        i = run_end;
    }
}

/// True when a list item ends as one followed by another does: `;`, `; and`, `; or`.
fn ends_list_item(text: &str) -> bool {
    let text = text.trim_end();
    text.ends_with(';') || text.ends_with("; and") || text.ends_with("; or")
}

/// True when the first sentence of `text` ends in a question mark.
fn opens_with_question(text: &str) -> bool {
    text.find(['.', '?', '!'])
        .is_some_and(|at| text[at..].starts_with('?'))
}

/// The items of a section such as `Developments`: each a heading line followed directly by
/// text whose paragraphs start with an indent.
fn items(lines: &[&str], section: &str, page: u32, evidence: &Evidence) -> Vec<Article> {
    let width = column_width(lines);
    let mut items: Vec<Item> = Vec::new();
    let mut mode = Mode::Body;
    for chunk in chunks(lines) {
        for i in chunk.start..chunk.end {
            let line = lines[i];
            let first_in_chunk = i == chunk.start;
            if is_indented(line) {
                if items.is_empty() {
                    items.push(Item::titled(section));
                }
                let Some(item) = items.last_mut() else {
                    continue;
                };
                // References start after a blank line, with an entry (this line and the
                // unindented lines under it) that reads like a citation.
                let starts_references = first_in_chunk && !item.drafts.is_empty() && {
                    let entry_end = (i + 1..chunk.end)
                        .find(|&j| is_indented(lines[j]))
                        .unwrap_or(chunk.end);
                    repair::looks_like_citation(lines[i..entry_end].join(" ").trim())
                };
                let after_list_intro = item.drafts.last().is_some_and(|d| {
                    d.kind == BlockKind::Paragraph && d.lines.text().trim_end().ends_with(':')
                });
                mode = if mode == Mode::References || starts_references {
                    Mode::References
                } else if mode == Mode::List || after_list_intro {
                    Mode::List
                } else {
                    Mode::Body
                };
                let kind = match mode {
                    Mode::Body => BlockKind::Paragraph,
                    Mode::List => BlockKind::ListItem,
                    Mode::References => BlockKind::Reference,
                };
                item.drafts.push(Draft::new(kind, line));
                continue;
            }
            let Some(item) = items.last_mut() else {
                items.push(Item::titled(line));
                continue;
            };
            match item.drafts.last_mut() {
                Some(open) if !first_in_chunk || open.continued_by(line, width) => {
                    open.lines.push(line);
                }
                None if !first_in_chunk
                    && item.more_title_lines < MORE_TITLE_LINES
                    && continues_item_title(line, lines[..chunk.end].get(i + 1), width) =>
                {
                    item.title.push(line);
                    item.more_title_lines += 1;
                }
                None => {
                    item.drafts.push(Draft::new(BlockKind::Paragraph, line));
                }
                _ => {
                    items.push(Item::titled(line));
                    mode = Mode::Body;
                }
            }
        }
    }
    for item in &mut items {
        end_lists(&mut item.drafts);
    }
    items
        .into_iter()
        .map(|item| Article {
            id: 0,
            page,
            section: section.to_string(),
            title: finish_lines(item.title, evidence),
            standfirst: None,
            authors: Vec::new(),
            blocks: finish_blocks(item.drafts, evidence),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<&str> {
        text.split('\n').collect()
    }

    #[test]
    fn finds_section_rubrics_before_a_blank_or_a_heading() {
        assert!(is_section_rubric(" Developments", Some(&"")));
        assert!(is_section_rubric(" Developments", None));
        assert!(is_section_rubric(" Developments", Some(&"An item heading")));
        assert!(!is_section_rubric(" Developments", Some(&" indented text")));
        assert!(!is_section_rubric("Developments", None));
        assert!(!is_section_rubric(" Ko Colijn is special professor", None));
        assert!(!is_section_rubric(" Why?", None));
    }

    #[test]
    fn reads_bylines() {
        assert_eq!(byline("By Ko Colijn "), Some(vec!["Ko Colijn".to_string()]));
        assert_eq!(
            byline("By Ann Lee, Bo Chan and Cy Dee"),
            Some(vec!["Ann Lee".into(), "Bo Chan".into(), "Cy Dee".into()])
        );
        assert_eq!(byline("Bypass"), None);
        assert_eq!(byline("By contrast, the councils need money"), None);
        assert_eq!(byline("By the end of the year"), None);
        assert_eq!(
            byline("By Ko Colijn and J. R. Smith"),
            Some(vec!["Ko Colijn".into(), "J. R. Smith".into()])
        );
        assert_eq!(byline("By "), None);
    }

    #[test]
    fn column_break_joins_depend_on_case_and_width() {
        let mut d = Draft::new(
            BlockKind::Paragraph,
            "a line that runs to the edge of the column but there are",
        );
        assert!(d.continued_by("‘good’ coalitions", 60));
        assert!(d.continued_by("Works, What", 60));
        assert!(!d.continued_by("Works, What", 200));
        d.lines.push("done.");
        assert!(!d.continued_by("Next paragraph", 10));
        assert!(d.continued_by("next fragment", 10));
    }

    #[test]
    fn an_item_section_without_headings_still_gives_articles() {
        let text = lines(" first paragraph\n\n second paragraph.");
        let articles = items(&text, "Developments", 3, &Evidence::default());
        assert_eq!(articles.len(), 1);
        assert_eq!(articles[0].title, "Developments");
        assert_eq!(articles[0].blocks.len(), 2);
    }

    fn feature_of(text: &str) -> Article {
        feature(&lines(text), 1, &Evidence::default()).expect("a feature")
    }

    const STANDFIRST: &str = "Across the region, governments are rewriting the rules on who
may sell seed. Breeders welcome the change, but farmers who swap
seed among themselves fear they will be left out";

    #[test]
    fn a_title_set_on_several_lines_is_one_title() {
        let article = feature_of(&format!(
            "Seeds of discord:\nthe fight over seed laws\n{STANDFIRST}\n\nBy Ann Lee\n\nBody text."
        ));
        assert_eq!(article.title, "Seeds of discord: the fight over seed laws");
        let standfirst = article.standfirst.expect("a standfirst");
        assert!(standfirst.starts_with("Across the region"), "{standfirst}");
        assert_eq!(article.authors, ["Ann Lee"]);

        let article = feature_of(&format!(
            "Water, oil\nand the long road\nto Basra\n{STANDFIRST}\n\nBody text."
        ));
        assert_eq!(article.title, "Water, oil and the long road to Basra");

        // A hyphen at the break is read as at any line end.
        let article = feature_of(&format!("Bottom-\nup arms control\n{STANDFIRST}\n\nBody."));
        assert_eq!(article.title, "Bottom-up arms control");

        // A lower-case one may run longer: here 0.7 of the widest line under it.
        let article = feature_of(&format!(
            "Seeds of discord:\nthe fight over who may sell the seed they sow\n{STANDFIRST}\n\nBody."
        ));
        assert_eq!(
            article.title,
            "Seeds of discord: the fight over who may sell the seed they sow"
        );

        // A capitalised second line counts only when it is as short as a heading.
        let article = feature_of(&format!(
            "Rivers of Asia:\nThe Mekong\n{STANDFIRST}\n\nBody."
        ));
        assert_eq!(article.title, "Rivers of Asia: The Mekong");
    }

    #[test]
    fn a_subheading_parted_from_its_paragraph_by_a_blank_line_is_a_heading() {
        use BlockKind::{Heading, Label, Paragraph};
        let body = "A long first paragraph that runs the whole width of the column.\nIt ends here.";
        let kinds = |text: &str| -> Vec<BlockKind> {
            feature_of(text).blocks.iter().map(|b| b.kind).collect()
        };
        assert_eq!(
            kinds(&format!(
                "Title\n{STANDFIRST}\n\n{body}\n\nMarkets and middlemen\n\nThe study followed the fish from the beach to the plate in\nGhana.\n\nShort label"
            )),
            [Paragraph, Heading, Paragraph, Label]
        );
        // A short line above text that goes on in lower case is a fragment the text continues,
        // not a heading.
        let article = feature_of(&format!(
            "Title\n{STANDFIRST}\n\n{body}\n\nMarkets and middlemen\n\nwho set the price for the fish on the beach and in the towns of\nGhana."
        ));
        let kinds: Vec<BlockKind> = article.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(kinds, [Paragraph, Paragraph]);
        assert!(
            article.blocks[1]
                .text
                .starts_with("Markets and middlemen who set")
        );
    }

    #[test]
    fn a_standfirst_line_short_of_a_ragged_edge_stays_in_the_standfirst() {
        // The first line is 0.7 of the widest: a ragged edge, and it opens a sentence.
        let text = format!(
            "Seeds of discord\nAcross the region, governments are now keen\n{}\n\nBody.",
            "a line of text that runs to the very edge of its column here"
        );
        let article = feature_of(&text);
        assert_eq!(article.title, "Seeds of discord");
        let standfirst = article.standfirst.expect("a standfirst");
        assert!(standfirst.starts_with("Across the region"), "{standfirst}");
    }

    #[test]
    fn a_standfirst_starting_under_a_one_line_title_stays_whole() {
        let article = feature_of(&format!("Seeds of discord\n{STANDFIRST}\n\nBody text."));
        assert_eq!(article.title, "Seeds of discord");
        let standfirst = article.standfirst.expect("a standfirst");
        assert!(standfirst.starts_with("Across the region"), "{standfirst}");
        assert!(standfirst.ends_with("left out"), "{standfirst}");

        // A one-line standfirst cannot be told from a title's second line: it stays what it
        // is read as on any page, a standfirst.
        let article = feature_of("Seeds of discord\nWho may sell seed?\n\nBody text.");
        assert_eq!(article.title, "Seeds of discord");
        assert_eq!(article.standfirst.as_deref(), Some("Who may sell seed?"));

        // A byline in the head is never part of the title.
        let article = feature_of("Seeds of discord\nBy Ann Lee\n\nBody text.");
        assert_eq!(article.title, "Seeds of discord");
        assert_eq!(article.authors, ["Ann Lee"]);
        assert_eq!(article.standfirst, None);
    }

    #[test]
    fn an_item_title_set_on_two_lines_is_one_title() {
        let text = lines(
            "A treaty for the\nhigh seas\nTuna stocks in the western and central\nPacific are under growing pressure from\ndistant-water fleets of many nations.\n The next paragraph starts with an indent\nand runs on to the column edge here.\n\nAnother item\nShort first paragraph.\n A second, indented paragraph that runs\non to the edge of the column as well.",
        );
        let articles = items(&text, "Developments", 3, &Evidence::default());
        let titles: Vec<&str> = articles.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(titles, ["A treaty for the high seas", "Another item"]);
        assert!(articles[0].blocks[0].text.starts_with("Tuna stocks"));
        assert_eq!(articles[0].blocks.len(), 2);
        // A paragraph of one short line under the title is not taken for more of it.
        assert_eq!(articles[1].blocks[0].text, "Short first paragraph.");
        assert_eq!(articles[1].blocks.len(), 2);

        // Nor is a short first line that ends a sentence.
        let text = lines(
            "Water talks\nThe talks failed.\nNeither side would move on the question of\nwho owns the water in the dry season.",
        );
        let articles = items(&text, "Developments", 3, &Evidence::default());
        assert_eq!(articles[0].title, "Water talks");
        assert!(
            articles[0].blocks[0]
                .text
                .starts_with("The talks failed. Neither")
        );

        // Nor is a first line short of a ragged edge (two thirds of the column).
        let text = lines(
            "Old-age pensions\nPensions paid in cash are\nspreading across southern Africa, and\nthe evidence of their effect is good.",
        );
        let articles = items(&text, "Developments", 3, &Evidence::default());
        assert_eq!(articles[0].title, "Old-age pensions");
        assert!(articles[0].blocks[0].text.starts_with("Pensions paid"));
    }

    /// The kinds of the blocks of the first item read from `text`, a section's lines.
    fn first_item_kinds(text: &str) -> Vec<BlockKind> {
        let articles = items(&lines(text), "Developments", 3, &Evidence::default());
        articles[0].blocks.iter().map(|b| b.kind).collect()
    }

    #[test]
    fn a_paragraph_after_a_list_of_questions_is_a_paragraph() {
        let text = "Three questions\nThe programme starts from three\nquestions:\n Does aid depend on the policies of\nthe countries that receive it? The\nfirst study looks at that.\n Does aid help reform? If pressure\nworks, what makes the difference?\n Who decides how aid is spent?\n The results are due in 2009, when\nthe programme ends.\n A second paragraph follows it.";
        use BlockKind::{ListItem, Paragraph};
        assert_eq!(
            first_item_kinds(text),
            [
                Paragraph, ListItem, ListItem, ListItem, Paragraph, Paragraph
            ]
        );
    }

    #[test]
    fn a_paragraph_after_a_list_of_clauses_ended_by_semicolons_is_a_paragraph() {
        use BlockKind::{ListItem, Paragraph, Reference};
        let text = "An item\nIt lists three conditions:\n brokers must register where they live;\n each deal needs a licence; and\n records are kept for ten years.\n Amnesty International welcomed the\ndraft.\n\n European Union (2008) Draft Common\nPosition. Brussels: EU.";
        assert_eq!(
            first_item_kinds(text),
            [
                Paragraph, ListItem, ListItem, ListItem, Paragraph, Reference
            ]
        );
    }

    #[test]
    fn lists_of_other_items_and_mixed_lists_are_kept_whole() {
        use BlockKind::{ListItem, Paragraph};
        let kinds = first_item_kinds;
        // Statements: nothing tells the last item from a paragraph after the list.
        assert_eq!(
            kinds(
                "An item\nIt has three aims:\n To count the wells.\n To map the rivers.\n To train the staff."
            ),
            [Paragraph, ListItem, ListItem, ListItem]
        );
        // One question first is not yet a list of questions.
        assert_eq!(
            kinds("An item\nIt asks:\n Who pays? The donors.\n The states pay the rest."),
            [Paragraph, ListItem, ListItem]
        );
    }

    #[test]
    fn a_feature_without_bio_keeps_its_trailing_label() {
        let text = lines(
            "Title\nStandfirst\n\nBy A Writer\n\nwater\n\nA long first paragraph that fills the whole column width.\nAnd more text to follow here ok.\n\nShort label",
        );
        let article = feature(&text, 1, &Evidence::default()).expect("a feature");
        let kinds: Vec<BlockKind> = article.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(kinds, [BlockKind::Paragraph, BlockKind::Label]);
        assert_eq!(article.section, "water");
        assert_eq!(article.authors, ["A Writer"]);
    }
}
