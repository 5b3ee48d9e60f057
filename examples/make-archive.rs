//! Writes the benchmark archive (the embedded page repeated with page numbers 19, 20, 21, ...)
//! to a file, so the reader, `less` and `grep` can be measured on the same bytes.
//!
//! `cargo run --release --example make-archive -- /tmp/archive.txt [pages]`

#[path = "../benches/common/mod.rs"]
mod common;

use anyhow::Context;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args_os().skip(1);
    let path = args.next().context("usage: make-archive OUTPUT [PAGES]")?;
    let pages = match args.next() {
        Some(n) => n
            .to_str()
            .and_then(|n| n.parse().ok())
            .context("PAGES must be a number")?,
        None => common::ARCHIVE_PAGES,
    };
    let text = if pages == common::ARCHIVE_PAGES {
        common::archive()
    } else {
        common::archive_from(broker_reader::EMBEDDED_ISSUE, pages)
    };
    std::fs::write(&path, text.as_bytes())
        .with_context(|| format!("writing {}", std::path::Path::new(&path).display()))?;
    Ok(())
}
