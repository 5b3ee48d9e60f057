//! Word tokens of a block with the facts the entity rules need: byte range, capitalisation,
//! sentence starts, possessives, and the gap of punctuation before each word.

/// One word of a block. Hyphenated compounds are separate tokens joined by a `-` gap, so
/// `US-led` yields `US` and `led`; a possessive `’s` is cut off and remembered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    /// Begins with an upper-case letter.
    pub cap: bool,
    /// Two or more letters, all upper case (`UN`, `PILPG`); digits allowed after the first.
    pub acronym: bool,
    /// The first word of a sentence (or of a heading), where capitals prove nothing.
    pub initial: bool,
    /// Followed by `’s` / `'s`, which is excluded from the range.
    pub possessive: bool,
    /// Starts with a digit.
    pub numeric: bool,
}

impl Token {
    pub fn text<'a>(&self, block: &'a str) -> &'a str {
        &block[self.start..self.end]
    }
}

/// Words that never start a name on their own, whatever their case.
pub fn is_function_word(lower: &str) -> bool {
    matches!(
        lower,
        "a" | "an"
            | "the"
            | "and"
            | "or"
            | "but"
            | "nor"
            | "of"
            | "on"
            | "in"
            | "at"
            | "to"
            | "for"
            | "by"
            | "from"
            | "with"
            | "as"
            | "is"
            | "it"
            | "its"
            | "this"
            | "that"
            | "these"
            | "those"
            | "there"
            | "they"
            | "their"
            | "we"
            | "our"
            | "he"
            | "she"
            | "his"
            | "her"
            | "i"
            | "you"
            | "what"
            | "which"
            | "who"
            | "whom"
            | "whose"
            | "when"
            | "where"
            | "why"
            | "how"
            | "if"
            | "so"
            | "not"
            | "no"
            | "yes"
            | "all"
            | "some"
            | "any"
            | "each"
            | "both"
            | "one"
            | "after"
            | "before"
            | "since"
            | "while"
            | "although"
            | "because"
            | "however"
            | "yet"
            | "also"
            | "than"
            | "then"
            | "here"
            | "do"
            | "does"
            | "did"
            | "can"
            | "will"
            | "would"
            | "may"
            | "might"
            | "must"
            | "should"
            | "could"
    )
}

/// Calls `f` with `word` lowered as `to_lowercase` would, on the stack for an ASCII word:
/// the entity rules lower words by the hundred thousand on a large archive.
pub fn with_lower<T>(word: &str, f: impl FnOnce(&str) -> T) -> T {
    crate::lexicon::with_lowercase(word, |lower| {
        // Lowered text is the bytes of a `str`; the empty word stands in for the impossible.
        f(std::str::from_utf8(lower).unwrap_or_default())
    })
}

/// `is_function_word(&word.to_lowercase())`, without allocating.
pub fn is_function_word_in_any_case(word: &str) -> bool {
    with_lower(word, is_function_word)
}

/// ASCII letters and digits, the word bytes of plain text, looked up in one table.
const ASCII_WORD: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

/// The character at byte `i` (a char boundary) is a letter or digit, and its length; a
/// non-word character past the end. Plain ASCII, most of any text, is read without decoding.
#[inline]
fn word_char_at(text: &str, i: usize) -> (bool, usize) {
    match text.as_bytes().get(i) {
        None => (false, 1),
        Some(&b) if b < 0x80 => (ASCII_WORD[usize::from(b)], 1),
        Some(_) => text
            .get(i..)
            .and_then(|rest| rest.chars().next())
            .map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8())),
    }
}

/// Length of the apostrophe (`'` or `’`) at byte `i`, or 0.
#[inline]
fn apostrophe_at(bytes: &[u8], i: usize) -> usize {
    match bytes.get(i) {
        Some(b'\'') => 1,
        Some(0xE2) if bytes.get(i + 1..i + 3) == Some(&[0x80, 0x99]) => 3,
        _ => 0,
    }
}

/// The first character of a non-empty word is upper case, without decoding an ASCII one.
fn starts_upper(word: &str) -> bool {
    match word.as_bytes().first() {
        Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
        _ => word.chars().next().is_some_and(char::is_uppercase),
    }
}

/// Two or more letters and no lower-case one: an acronym's spelling.
pub(super) fn all_capitals(word: &str) -> bool {
    if word.is_ascii() {
        let bytes = word.as_bytes();
        !bytes.iter().any(u8::is_ascii_lowercase)
            && bytes.iter().filter(|b| b.is_ascii_alphabetic()).count() >= 2
    } else {
        word.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && word.chars().all(|c| !c.is_lowercase())
    }
}

/// Splits a block into word tokens. Linear in the block length.
pub fn tokenize(text: &str, heading: bool) -> Vec<Token> {
    // About one word in six bytes of prose; one allocation for most blocks.
    let mut tokens = Vec::with_capacity(text.len() / 6 + 1);
    tokens.extend(Tokens::new(text, heading));
    tokens
}

/// The tokens of a block one by one, for a reader that needs no list of them.
///
/// Every block is read twice (for evidence, then for names), so the scan works on bytes:
/// ASCII letters and digits from a table, only non-ASCII characters decoded, the gap before
/// a word searched for sentence ends as bytes (they are all ASCII), and capitals told from
/// bytes for ASCII words. `reference::tokenize` in the tests is the plain version it must
/// agree with.
pub struct Tokens<'a> {
    text: &'a str,
    heading: bool,
    sentence_start: bool,
    prev_end: usize,
    i: usize,
}

impl<'a> Tokens<'a> {
    pub fn new(text: &'a str, heading: bool) -> Self {
        Self {
            text,
            heading,
            sentence_start: true,
            prev_end: 0,
            i: 0,
        }
    }
}

impl Iterator for Tokens<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut i = self.i;
        while i < bytes.len() {
            let (is_word, len) = word_char_at(text, i);
            if is_word {
                break;
            }
            i += len;
        }
        if i >= bytes.len() {
            self.i = i;
            return None;
        }
        let start = i;
        i += word_char_at(text, i).1;
        // A word runs over letters and digits, and over an apostrophe between letters.
        loop {
            let (is_word, len) = word_char_at(text, i);
            if is_word {
                i += len;
                continue;
            }
            let apostrophe = apostrophe_at(bytes, i);
            if apostrophe > 0 && word_char_at(text, i + apostrophe).0 {
                i += apostrophe;
                continue;
            }
            break;
        }
        self.i = i;
        let mut end = i;
        let full_end = end;
        let prev_end = self.prev_end;
        let gap = &bytes[prev_end..start];
        if gap
            .iter()
            .any(|b| matches!(b, b'.' | b'?' | b'!' | b':' | b';'))
        {
            self.sentence_start = true;
            // Only a gap holding a full stop can follow an abbreviation.
            if prev_end > 0
                && gap.contains(&b'.')
                && ends_abbreviation(&text[..prev_end], &text[prev_end..start])
            {
                self.sentence_start = false;
            }
        }
        let mut word = &text[start..end];
        let mut possessive = false;
        let suffix = if word.ends_with("’s") {
            "’s".len()
        } else if word.ends_with("'s") {
            2
        } else {
            0
        };
        if suffix > 0 {
            // The suffix starts with an ASCII byte or a lead byte: a character boundary.
            let stem = &text[start..end - suffix];
            if starts_upper(stem) {
                word = stem;
                end -= suffix;
                possessive = true;
            }
        }
        let cap = starts_upper(word);
        let token = Token {
            start,
            end,
            cap,
            acronym: cap && all_capitals(word),
            initial: self.sentence_start || self.heading,
            possessive,
            numeric: word.as_bytes().first().is_some_and(u8::is_ascii_digit),
        };
        self.sentence_start = false;
        self.prev_end = full_end;
        Some(token)
    }
}

fn suffix_len(rest: &str) -> usize {
    if rest.starts_with("’s") {
        "’s".len()
    } else if rest.starts_with("'s") {
        2
    } else {
        0
    }
}

/// A full stop after a title or an initial does not end the sentence (`Dr. Smith`, `J. Smith`).
fn ends_abbreviation(before: &str, gap: &str) -> bool {
    if !gap.trim_end().ends_with('.') || gap.trim() != "." {
        return false;
    }
    let word = before
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    let single_capital = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    single_capital
        || matches!(
            word,
            "Dr" | "Mr" | "Mrs" | "Ms" | "Prof" | "St" | "Gen" | "Sen" | "Rev" | "Mt" | "Jr"
        )
}

/// The text between two tokens.
pub fn gap<'a>(text: &'a str, left: &Token, right: &Token) -> &'a str {
    let from = if left.possessive {
        left.end + suffix_len(&text[left.end..])
    } else {
        left.end
    };
    text.get(from..right.start).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    /// The plain versions the byte-level ones replace, to test them against.
    mod reference {
        fn is_word_char(c: char) -> bool {
            if c.is_ascii() {
                c.is_ascii_alphanumeric()
            } else {
                c.is_alphanumeric()
            }
        }

        fn char_at(text: &str, i: usize) -> (char, usize) {
            match text.as_bytes().get(i) {
                None => (' ', 1),
                Some(&b) if b.is_ascii() => (b as char, 1),
                Some(_) => text
                    .get(i..)
                    .and_then(|rest| rest.chars().next())
                    .map_or((' ', 1), |c| (c, c.len_utf8())),
            }
        }

        fn is_apostrophe(c: char) -> bool {
            c == '\'' || c == '’'
        }

        pub fn tokenize(text: &str, heading: bool) -> Vec<super::Token> {
            let mut tokens = Vec::new();
            let mut sentence_start = true;
            let mut prev_end = 0;
            let mut i = 0;
            while i < text.len() {
                let (c, len) = char_at(text, i);
                if !is_word_char(c) {
                    i += len;
                    continue;
                }
                let start = i;
                i += len;
                while i < text.len() {
                    let (c, len) = char_at(text, i);
                    if is_word_char(c)
                        || (is_apostrophe(c) && is_word_char(char_at(text, i + len).0))
                    {
                        i += len;
                    } else {
                        break;
                    }
                }
                let mut end = i;
                let full_end = end;
                let gap = &text[prev_end..start];
                if gap.contains(['.', '?', '!', ':', ';']) {
                    sentence_start = true;
                }
                if prev_end > 0 && super::ends_abbreviation(&text[..prev_end], gap) {
                    sentence_start = false;
                }
                let mut word = &text[start..end];
                let mut possessive = false;
                for suffix in ["’s", "'s"] {
                    if let Some(stem) = word.strip_suffix(suffix) {
                        if stem.chars().next().is_some_and(char::is_uppercase) {
                            word = stem;
                            end = start + stem.len();
                            possessive = true;
                        }
                        break;
                    }
                }
                let first = word.chars().next().unwrap_or(' ');
                let letters = word.chars().filter(|c| c.is_alphabetic()).count();
                let acronym =
                    first.is_uppercase() && letters >= 2 && word.chars().all(|c| !c.is_lowercase());
                tokens.push(super::Token {
                    start,
                    end,
                    cap: first.is_uppercase(),
                    acronym,
                    initial: sentence_start || heading,
                    possessive,
                    numeric: first.is_ascii_digit(),
                });
                sentence_start = false;
                prev_end = full_end;
            }
            tokens
        }

        pub fn is_function_word_in_any_case(word: &str) -> bool {
            super::is_function_word(&word.to_lowercase())
        }
    }

    /// Text made of the pieces tokenizing tells apart: words in every case, apostrophes,
    /// possessives, sentence ends, abbreviations, digits and non-ASCII letters and spaces.
    fn tricky_text() -> impl proptest::strategy::Strategy<Value = String> {
        let pieces = proptest::sample::select(vec![
            " ", "  ", "\n", "\t", "\u{a0}", ".", ". ", "?", "!", ":", ";", ",", "-", "(", ")",
            "'", "’", "'s", "’s", "s", "S", "Dr", "Mr", "St", "J", "A", "a", "I", "UN", "PILPG",
            "Bank", "bank", "The", "the", "THE", "Of", "ÉCOLE", "École", "école", "ß", "İ", "Σ",
            "\u{212a}", "ǅ", "Ⅳ", "2007", "1990s", "G8", "x2", "é", "’’", "e\u{301}", "日本", "ⅷ",
        ]);
        proptest::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
    }

    #[test]
    fn agrees_with_the_plain_tokenizer_on_examples() {
        for text in [
            "",
            "’s",
            "A’s B's c’s",
            "Take the PSI. Then Dr. Smith came. In 2005, UN staff",
            "O’Neil’s Mr. Bean. J. R. R. Tolkien; É. Zola",
            "US-led PILPG’s clients",
            "ÉCOLE École ΣΟΦΙΑ ǅemal İstanbul \u{212a}elvin",
        ] {
            for heading in [false, true] {
                assert_eq!(
                    tokenize(text, heading),
                    reference::tokenize(text, heading),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn agrees_with_the_plain_tokenizer_on_the_embedded_issue() {
        let text = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../assets/the-broker-issue-1.txt"
        ));
        for block in text.split("\n\n") {
            assert_eq!(tokenize(block, false), reference::tokenize(block, false));
        }
    }

    #[test]
    fn function_words_are_told_in_any_case_as_by_lowering() {
        for word in [
            "The",
            "THE",
            "the",
            "Although",
            "although",
            "Thé",
            "\u{212a}",
            "İ",
            "I",
            "",
            "However",
            "Howevers",
            "ΣΟΦΙΑ",
        ] {
            assert_eq!(
                is_function_word_in_any_case(word),
                reference::is_function_word_in_any_case(word),
                "{word:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn tokenizing_agrees_with_the_plain_version(text in tricky_text(), heading: bool) {
            proptest::prop_assert_eq!(tokenize(&text, heading), reference::tokenize(&text, heading));
        }

        #[test]
        fn tokenizing_agrees_with_the_plain_version_on_any_text(text: String) {
            proptest::prop_assert_eq!(tokenize(&text, false), reference::tokenize(&text, false));
        }

        #[test]
        fn function_words_agree_with_lowering(word in tricky_text()) {
            proptest::prop_assert_eq!(
                is_function_word_in_any_case(&word),
                reference::is_function_word_in_any_case(&word)
            );
        }
    }

    fn words(text: &str) -> Vec<&str> {
        tokenize(text, false).iter().map(|t| t.text(text)).collect()
    }

    #[test]
    fn splits_words_compounds_and_possessives() {
        assert_eq!(
            words("US-led PILPG’s clients"),
            ["US", "led", "PILPG", "clients"]
        );
        assert_eq!(
            words("What Doesn’t, and Why."),
            ["What", "Doesn’t", "and", "Why"]
        );
        let t = tokenize("the Bank’s plan", false);
        assert!(t[1].possessive && t[1].cap);
    }

    #[test]
    fn marks_sentence_starts_and_acronyms() {
        let text = "Take the PSI. Then Dr. Smith came. In 2005, UN staff";
        let t = tokenize(text, false);
        let initial: Vec<&str> = t
            .iter()
            .filter(|t| t.initial)
            .map(|t| t.text(text))
            .collect();
        assert_eq!(initial, ["Take", "Then", "In"]);
        assert!(t[2].acronym && !t[0].acronym);
        assert!(t.iter().any(|t| t.numeric));
    }
}
