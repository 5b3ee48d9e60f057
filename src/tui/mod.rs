//! The terminal reader.

use crate::Library;

/// Runs the reader until the user quits.
pub fn run(library: Library) -> anyhow::Result<()> {
    let _ = library;
    anyhow::bail!("the terminal reader is not available in this build")
}
