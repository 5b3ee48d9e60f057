//! Builds the embedded word sets from `assets/words/english.txt` (see its README).

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
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
    let out = PathBuf::from(env::var("OUT_DIR")?);
    for (name, mut words) in [("common.fst", common), ("names.fst", names)] {
        words.sort_unstable();
        words.dedup();
        let set = fst::Set::from_iter(words)?;
        fs::write(out.join(name), set.as_fst().as_bytes())?;
    }
    Ok(())
}
