//! Parses the embedded issue at build time, so the reader ships it ready to show.
//!
//! It runs exactly the run-time pipeline (`source::sanitize` → `parse::parse` →
//! `entities::extract`, the code of the `broker-core` build-dependency) on
//! `assets/the-broker-issue-1.txt` and writes the issue and its entities with `postcard` to
//! `$OUT_DIR/embedded.postcard`, which `Library::embedded` reads back. Compiling regexes,
//! building the gazetteer's automaton and parsing otherwise cost the reader milliseconds and
//! megabytes before its first frame, for a result that never changes.
//!
//! The file is rebuilt when the asset changes (`rerun-if-changed`) and whenever `broker-core`
//! changes, since a changed build-dependency recompiles and reruns this script: the shipped
//! copy cannot lag behind the code. A test compares it with a fresh parse all the same.

use std::env;
use std::fs;
use std::path::PathBuf;

use broker_core::{entities, parse, source};

/// Must match `EMBEDDED_ISSUE` in src/lib.rs.
const ASSET: &str = "assets/the-broker-issue-1.txt";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed={ASSET}");
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?);
    let text = fs::read_to_string(manifest_dir.join(ASSET))?;
    let text = source::sanitize(&text);
    // A build whose embedded issue does not parse would ship a reader with nothing to show;
    // better to stop here with the reason.
    let issue = parse::parse(&text).map_err(|e| format!("{ASSET} does not parse: {e}"))?;
    let entities = entities::extract(&issue);
    // A tuple rather than a struct: both ends name the types, and the test comparing the
    // shipped copy with a fresh parse catches any mismatch between them.
    let bytes = postcard::to_allocvec(&(&issue, &entities))?;
    let out = PathBuf::from(env::var("OUT_DIR")?);
    fs::write(out.join("embedded.postcard"), bytes)?;
    Ok(())
}
