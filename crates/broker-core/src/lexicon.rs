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
    common().is_some_and(|s| with_lowercase(word, |lower| s.contains(lower)))
}

/// True when the dictionary lists `word` (any case) as a name: `Norway`, `Rotterdam`.
pub fn is_name(word: &str) -> bool {
    names().is_some_and(|s| with_lowercase(word, |lower| s.contains(lower)))
}

/// Longest word lowered on the stack; no dictionary word is longer, and a longer one simply
/// takes the general path.
const STACK_WORD: usize = 48;

/// Calls `f` with the lower-case bytes of `word`. Look-ups come by the tens of thousands while
/// parsing and finding entities, nearly all of short ASCII words: lowering those in a stack
/// buffer saves an allocation each, and gives exactly what `to_lowercase` would.
pub(crate) fn with_lowercase<T>(word: &str, f: impl FnOnce(&[u8]) -> T) -> T {
    let bytes = word.as_bytes();
    if bytes.len() <= STACK_WORD && bytes.is_ascii() {
        let mut buffer = [0u8; STACK_WORD];
        let lower = &mut buffer[..bytes.len()];
        lower.copy_from_slice(bytes);
        lower.make_ascii_lowercase();
        return f(lower);
    }
    f(word.to_lowercase().as_bytes())
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
    fn lowering_on_the_stack_agrees_with_to_lowercase() {
        let long = "Abc".repeat(20);
        for word in [
            "",
            "Field",
            "ÉCOLE",
            "İstanbul",
            "ΣΟΦΙΑ",
            "MiXeD-Case's",
            long.as_str(),
        ] {
            with_lowercase(word, |lower| {
                assert_eq!(lower, word.to_lowercase().as_bytes())
            });
        }
    }

    proptest::proptest! {
        #[test]
        fn lowering_agrees_with_to_lowercase_on_any_text(word: String) {
            let expected = word.to_lowercase();
            let lowered = with_lowercase(&word, <[u8]>::to_vec);
            proptest::prop_assert_eq!(lowered, expected.into_bytes());
        }
    }

    #[test]
    fn tells_names_from_vocabulary() {
        assert!(is_name("Norway"));
        assert!(!is_common_word("norway"));
        assert!(!is_name("because"));
        assert!(is_word("Rotterdam"));
    }
}
