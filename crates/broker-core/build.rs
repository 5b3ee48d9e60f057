//! Builds the embedded word sets from `assets/words/english.txt` (see its README) and the
//! gazetteer's map from `assets/gazetteer/places.tsv`, so neither costs anything to set up at
//! run time.

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(env::var("OUT_DIR")?);
    words(&out)?;
    places(&out)?;
    Ok(())
}

fn words(out: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let source = "../../assets/words/english.txt";
    println!("cargo:rerun-if-changed={source}");
    let text = fs::read_to_string(source)?;
    let mut common: Vec<String> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for word in text.lines().map(str::trim).filter(|w| !w.is_empty()) {
        if word.chars().any(char::is_uppercase) {
            names.push(word.to_lowercase());
        } else {
            common.push(word.to_string());
        }
    }
    for (name, mut words) in [("common.fst", common), ("names.fst", names)] {
        words.sort_unstable();
        words.dedup();
        let set = fst::Set::from_iter(words)?;
        fs::write(out.join(name), set.as_fst().as_bytes())?;
    }
    Ok(())
}

/// `places.fst` maps each alias, as written, to an index among the distinct canonical names,
/// written to `places.rs` as one string of the names and where each ends.
fn places(out: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let source = "../../assets/gazetteer/places.tsv";
    println!("cargo:rerun-if-changed={source}");
    let text = fs::read_to_string(source)?;
    let mut canonical: Vec<&str> = Vec::new();
    let mut index: HashMap<&str, u64> = HashMap::new();
    let mut aliases: BTreeMap<&str, u64> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let mut fields = line.split('\t');
        let (Some(alias), Some(name)) = (fields.next(), fields.next()) else {
            continue;
        };
        if alias.is_empty() {
            continue;
        }
        let next = u64::try_from(canonical.len())?;
        let i = *index.entry(name).or_insert_with(|| {
            canonical.push(name);
            next
        });
        // The first line for an alias wins, as a reader of the list would expect.
        aliases.entry(alias).or_insert(i);
    }
    let map = fst::Map::from_iter(aliases)?;
    fs::write(out.join("places.fst"), map.as_fst().as_bytes())?;
    // One string and the end of each name in it, rather than a slice of `&str`: a table of
    // pointers needs a relocation per name when the program starts, thousands of them.
    let mut ends = Vec::with_capacity(canonical.len());
    let mut joined = String::new();
    for name in &canonical {
        joined.push_str(name);
        ends.push(u32::try_from(joined.len())?);
    }
    // `Debug` writes a valid Rust string literal, escapes included.
    let mut table = format!("static CANONICAL_NAMES: &str = {joined:?};\n");
    table.push_str("static CANONICAL_ENDS: &[u32] = &[\n");
    for end in &ends {
        writeln!(table, "    {end},")?;
    }
    table.push_str("];\n");
    fs::write(out.join("places.rs"), table)?;
    Ok(())
}
