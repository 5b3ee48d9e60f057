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

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }
}

/// The character at byte `i` (a char boundary) and its length; a space past the end. Plain
/// ASCII, most of any text, is read without decoding.
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

/// Splits a block into word tokens. Linear in the block length.
pub fn tokenize(text: &str, heading: bool) -> Vec<Token> {
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
        // A word runs over letters and digits, and over an apostrophe between letters.
        while i < text.len() {
            let (c, len) = char_at(text, i);
            if is_word_char(c) || (is_apostrophe(c) && is_word_char(char_at(text, i + len).0)) {
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
        if prev_end > 0 && ends_abbreviation(&text[..prev_end], gap) {
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
        tokens.push(Token {
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
