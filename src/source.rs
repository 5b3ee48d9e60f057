//! Bytes to clean text: the only place raw input is looked at.
//!
//! Everything downstream (parser, entities, search, the terminal) may assume the text is valid
//! UTF-8 with `\n` line endings, no tabs, and no character a terminal would act on: escape
//! sequences are removed whole, not just their ESC byte, because a stray `[31m` or a smuggled
//! OSC 52 clipboard write is worse than a missing character. Doing this once, at load time,
//! keeps the per-frame path free of sanitising and makes `show`/`export` output safe too.

use std::borrow::Cow;
use std::path::Path;

use crate::error::{Error, Result};

/// Inputs larger than this are refused with a clear error instead of exhausting memory.
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

const TAB_STOP: usize = 8;

/// Reads a file and returns its raw bytes, with errors that name the file.
pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(Error::IsDirectory {
            path: path.to_path_buf(),
        });
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            size: meta.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(bytes)
}

/// Decodes bytes to text that is safe to parse and to print.
///
/// Valid UTF-8 is taken as it is (a leading BOM dropped); anything else is read as
/// Windows-1252, the usual encoding of older extractions. Line endings become `\n`, form feeds
/// become a blank line (they mark page breaks), tabs are expanded, and terminal controls are
/// removed (see [`sanitize`]).
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text: Cow<'_, str> = match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    };
    sanitize(&text).into_owned()
}

/// Removes whatever a terminal would interpret and normalises line structure.
///
/// - whole escape sequences: CSI (`ESC [` and 8-bit U+009B), OSC (`ESC ]`, U+009D), DCS, SOS,
///   PM and APC strings (terminated by BEL or ST, or at the end of the line so that one
///   unterminated sequence cannot swallow the document), and two-byte `ESC x` sequences;
/// - remaining C0 and C1 controls and DEL (NUL inside a word simply disappears);
/// - bidirectional overrides and isolates, which can make text display differently from what
///   it says, and invisible soft hyphens and BOMs;
/// - CRLF and CR become LF, form feed a blank line, tabs spaces to the next 8-column stop;
/// - presentation-form ligatures (U+FB00–FB06) become their letters.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    let Some(first) = text.find(needs_work) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..first]);
    let mut column = out.len() - out.rfind('\n').map_or(0, |i| i + 1);
    let mut chars = text[first..].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => {
                out.push('\n');
                column = 0;
            }
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
                column = 0;
            }
            '\u{0C}' => {
                out.push_str("\n\n");
                column = 0;
            }
            '\t' => {
                let spaces = TAB_STOP - column % TAB_STOP;
                out.extend(std::iter::repeat_n(' ', spaces));
                column += spaces;
            }
            '\u{1B}' => skip_escape(&mut chars),
            '\u{9B}' => skip_csi(&mut chars),
            '\u{90}' | '\u{98}' | '\u{9D}' | '\u{9E}' | '\u{9F}' => skip_string(&mut chars),
            '\u{FB00}'..='\u{FB06}' => {
                let letters = ligature_letters(c);
                out.push_str(letters);
                column += letters.len();
            }
            c if is_removed(c) => {}
            c => {
                out.push(c);
                column += 1;
            }
        }
    }
    Cow::Owned(out)
}

fn needs_work(c: char) -> bool {
    (c.is_control() && c != '\n') || is_removed(c) || ('\u{FB00}'..='\u{FB06}').contains(&c)
}

/// Characters dropped without trace.
fn is_removed(c: char) -> bool {
    matches!(c,
        '\u{00}'..='\u{08}' | '\u{0B}' | '\u{0E}'..='\u{1F}' | '\u{7F}'..='\u{9F}'
        | '\u{00AD}' | '\u{061C}' | '\u{200E}' | '\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

fn ligature_letters(c: char) -> &'static str {
    match c {
        '\u{FB00}' => "ff",
        '\u{FB01}' => "fi",
        '\u{FB02}' => "fl",
        '\u{FB03}' => "ffi",
        '\u{FB04}' => "ffl",
        _ => "st",
    }
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// Called after ESC: consumes the rest of the sequence.
fn skip_escape(chars: &mut Chars<'_>) {
    match chars.peek().copied() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']' | 'P' | 'X' | '^' | '_') => {
            chars.next();
            skip_string(chars);
        }
        Some(c @ '\u{20}'..='\u{2F}') => {
            // nF sequences: intermediates then one final byte.
            let _ = c;
            while matches!(chars.peek(), Some('\u{20}'..='\u{2F}')) {
                chars.next();
            }
            if matches!(chars.peek(), Some('\u{30}'..='\u{7E}')) {
                chars.next();
            }
        }
        Some('\u{30}'..='\u{7E}') => {
            chars.next();
        }
        _ => {}
    }
}

/// Parameters and intermediates, then one final byte; stops early at a newline.
fn skip_csi(chars: &mut Chars<'_>) {
    while let Some(&c) = chars.peek() {
        match c {
            '\u{20}'..='\u{3F}' => {
                chars.next();
            }
            '\u{40}'..='\u{7E}' => {
                chars.next();
                return;
            }
            _ => return,
        }
    }
}

/// A control string runs to BEL or ST (`ESC \` or U+009C); an unterminated one ends at the
/// end of its line so it cannot hide the rest of the document.
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(&c) = chars.peek() {
        match c {
            '\u{07}' | '\u{9C}' => {
                chars.next();
                return;
            }
            '\u{1B}' => {
                chars.next();
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            '\n' | '\r' => return,
            _ => {
                chars.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(
            sanitize("plain ‘quoted’ – text\n"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn line_endings_become_lf() {
        assert_eq!(sanitize("a\r\nb\rc\n"), "a\nb\nc\n");
    }

    #[test]
    fn form_feed_is_a_blank_line() {
        assert_eq!(sanitize("end\u{0C}19The Broker"), "end\n\n19The Broker");
    }

    #[test]
    fn tabs_expand_to_stops() {
        assert_eq!(sanitize("ab\tc\n\td"), "ab      c\n        d");
    }

    #[test]
    fn csi_and_osc_are_removed_whole() {
        assert_eq!(sanitize("a\x1b[31mred\x1b[0m b"), "ared b");
        assert_eq!(sanitize("x\x1b]0;pwned\x07y"), "xy");
        assert_eq!(sanitize("x\x1b]52;c;aGk=\x1b\\y"), "xy");
        assert_eq!(
            sanitize("\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\"),
            "link"
        );
        assert_eq!(sanitize("a\x1bPq#0;2;0;0;0\x1b\\b"), "ab");
        assert_eq!(sanitize("a\u{9b}31mb"), "ab");
        assert_eq!(sanitize("a\u{9d}2;title\u{9c}b"), "ab");
        assert_eq!(sanitize("a\x1b(Bb\x1bcc"), "abc");
    }

    #[test]
    fn unterminated_string_stops_at_line_end() {
        assert_eq!(sanitize("a\x1b]0;title\nnext line"), "a\nnext line");
    }

    #[test]
    fn controls_and_bidi_are_dropped() {
        assert_eq!(
            sanitize("wo\0rd\x7f \u{202E}txt\u{2066}x\u{2069}"),
            "word txtx"
        );
        assert_eq!(sanitize("co\u{00AD}operate"), "cooperate");
    }

    #[test]
    fn ligature_glyphs_become_letters() {
        assert_eq!(
            sanitize("\u{FB01}eld \u{FB02}ow o\u{FB03}ce"),
            "field flow office"
        );
    }

    #[test]
    fn windows_1252_is_decoded() {
        let bytes = b"\x93quoted\x94 caf\xe9 \x96 dash";
        assert_eq!(
            decode(bytes),
            "\u{201C}quoted\u{201D} caf\u{e9} \u{2013} dash"
        );
    }

    #[test]
    fn bom_is_dropped() {
        assert_eq!(decode(b"\xEF\xBB\xBFtext"), "text");
    }

    #[test]
    fn output_never_has_controls() {
        let nasty: String = (0u32..0x300).filter_map(char::from_u32).collect();
        let clean = sanitize(&nasty);
        assert!(!clean.chars().any(|c| c.is_control() && c != '\n'));
    }
}
