//! Inputs for the benches and measurements: the embedded issue, and an archive made of its page
//! repeated with consecutive page numbers, the size of a year of extracted issues.
//!
//! Shared by `benches/pipeline.rs` and `examples/make-archive.rs` (which writes the archive to a
//! file so that the binary, `less` and `grep` can be timed on the same bytes).

/// Pages in the standard archive: about 9 MB and 3000 articles.
pub const ARCHIVE_PAGES: usize = 1000;

/// `page` repeated `pages` times; the first copy keeps its page number, each next copy gets the
/// next number, so the parser sees a long run of distinct pages rather than one page many times.
///
/// The page number is the run of digits that starts the first non-blank line (the running header
/// of extracted pages, as in `19The Broker  issue 1  April 2007`); a page without one is
/// numbered from 1.
pub fn archive_from(page: &str, pages: usize) -> String {
    let header_start = page
        .char_indices()
        .find(|&(_, c)| !c.is_whitespace())
        .map_or(page.len(), |(i, _)| {
            page[..i].rfind('\n').map_or(0, |nl| nl + 1)
        });
    let (before, header) = page.split_at(header_start);
    let header = header.trim_start_matches([' ', '\t']);
    let digits = header.len()
        - header
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    let first: usize = header[..digits].parse().unwrap_or(1);
    let rest = &header[digits..];

    let mut out = String::with_capacity((page.len() + 8) * pages);
    for i in 0..pages {
        out.push_str(before);
        out.push_str(&(first + i).to_string());
        out.push_str(rest);
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// The standard archive built from the embedded issue.
pub fn archive() -> String {
    archive_from(broker_reader::EMBEDDED_ISSUE, ARCHIVE_PAGES)
}
