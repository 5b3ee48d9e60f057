//! An English dictionary (SCOWL, see `assets/words/README.md`) compiled into finite-state sets
//! at build time, so a look-up costs microseconds and opening it costs nothing at start-up.

use std::sync::OnceLock;

use fst::Set;

static COMMON_BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/common.fst"));
static NAMES_BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/names.fst"));

fn set(
    bytes: &'static [u8],
    cell: &'static OnceLock<Option<Set<&'static [u8]>>>,
) -> Option<&'static Set<&'static [u8]>> {
    cell.get_or_init(|| Set::new(bytes).ok()).as_ref()
}

fn common() -> Option<&'static Set<&'static [u8]>> {
    static CELL: OnceLock<Option<Set<&'static [u8]>>> = OnceLock::new();
    set(COMMON_BYTES, &CELL)
}

fn names() -> Option<&'static Set<&'static [u8]>> {
    static CELL: OnceLock<Option<Set<&'static [u8]>>> = OnceLock::new();
    set(NAMES_BYTES, &CELL)
}

/// True when `word` (any case) is an ordinary lower-case English word: `field`, `history`.
pub fn is_common_word(word: &str) -> bool {
    let lower = word.to_lowercase();
    common().is_some_and(|s| s.contains(lower.as_bytes()))
}

/// True when the dictionary lists `word` (any case) as a name: `Norway`, `Rotterdam`.
pub fn is_name(word: &str) -> bool {
    let lower = word.to_lowercase();
    names().is_some_and(|s| s.contains(lower.as_bytes()))
}

/// True when the word is in the dictionary in any form.
pub fn is_word(word: &str) -> bool {
    is_common_word(word) || is_name(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_ordinary_words_in_any_case() {
        assert!(is_common_word("field"));
        assert!(is_common_word("Difficulties"));
        assert!(is_common_word("influential"));
        assert!(!is_common_word("fi"));
        assert!(!is_common_word("eld"));
    }

    #[test]
    fn tells_names_from_vocabulary() {
        assert!(is_name("Norway"));
        assert!(!is_common_word("norway"));
        assert!(!is_name("because"));
        assert!(is_word("Rotterdam"));
    }
}
