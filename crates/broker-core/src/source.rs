//! Bytes to clean text: the only place raw input is looked at.
//!
//! Everything downstream (parser, entities, search, the terminal) may assume the text is valid
//! UTF-8 with `\n` line endings, no tabs, and no character a terminal would act on: escape
//! sequences are removed whole, not just their ESC byte, because a stray `[31m` or a smuggled
//! OSC 52 clipboard write is worse than a missing character. Doing this once, at load time,
//! keeps the per-frame path free of sanitising and makes `show`/`export` output safe too.

use std::borrow::Cow;
use std::fs;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Inputs larger than this are refused with a clear error instead of exhausting memory.
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

const TAB_STOP: usize = 8;

/// Reads a file and returns its raw bytes, with errors that name the file.
pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let size = check_file(path)?;
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let capacity = usize::try_from(size).unwrap_or(0);
    prepare_heap_for(capacity);
    // Devices and pipes report a length of 0 whatever they hold (`/dev/zero` never ends), so
    // the limit is enforced on what is actually read, not only on what metadata says.
    let mut bytes = Vec::with_capacity(capacity);
    std::fs::File::open(path)
        .map_err(io)?
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            size: bytes.len() as u64,
            limit: MAX_INPUT_BYTES,
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(bytes)
}

/// Files from this size on are read into memory taken from the allocator's heap.
const HEAP_READ_FROM: usize = 1 << 20;

/// The most glibc raises its threshold for mapping an allocation on its own to (32 MiB on
/// 64-bit systems); above it, [`prepare_heap_for`] could change nothing.
const ADAPTIVE_THRESHOLD_LIMIT: usize = 32 << 20;

/// Makes a buffer of `size` bytes, allocated next, come from the allocator's heap.
///
/// glibc maps a large allocation on its own and hands its pages back to the system as it
/// shrinks. Parsing shrinks the text page by page while it allocates the text, so each
/// page of that would be faulted in afresh: about 2 µs a page here, a third of the time it took
/// to open a 9 MB file. glibc raises that threshold to the size of the largest mapped block
/// freed, so freeing one a little larger than the file first puts the file's buffer on the
/// heap, where what parsing gives back is reused for the issue. The block is never written to,
/// so it costs no page; other allocators simply allocate and free it.
fn prepare_heap_for(size: usize) {
    if (HEAP_READ_FROM..ADAPTIVE_THRESHOLD_LIMIT).contains(&size) {
        // `black_box`, or the allocation and its freeing could be optimised away together.
        drop(std::hint::black_box(Vec::<u8>::with_capacity(size + 4096)));
    }
}

/// What tells a file apart from itself at another time: its size, times and identity, as far
/// as the platform reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub len: u64,
    /// Modification time, nanoseconds since the epoch.
    pub modified: i128,
    /// Inode change time, nanoseconds since the epoch (Unix).
    pub changed: Option<i128>,
    /// Device and inode (Unix).
    pub file_id: Option<(u64, u64)>,
}

impl Stamp {
    pub fn of(meta: &fs::Metadata) -> Option<Stamp> {
        let modified = nanos(meta.modified().ok()?)?;
        #[cfg(unix)]
        let (changed, file_id) = {
            use std::os::unix::fs::MetadataExt;
            let changed = i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec());
            (Some(changed), Some((meta.dev(), meta.ino())))
        };
        #[cfg(not(unix))]
        let (changed, file_id) = (None, None);
        Some(Stamp {
            len: meta.len(),
            modified,
            changed,
            file_id,
        })
    }
}

/// Nanoseconds since the epoch, negative before it.
pub fn nanos(time: SystemTime) -> Option<i128> {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i128::try_from(after.as_nanos()).ok(),
        Err(before) => i128::try_from(before.duration().as_nanos())
            .ok()
            .map(|n| -n),
    }
}

/// Whether bytes read from a file are a JSON export rather than extracted text: the first
/// character that is not white space opens an object.
pub fn looks_like_json(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{')
}

/// Checks that a path is a file small enough to read, and returns its size.
pub fn check_file(path: &Path) -> Result<u64> {
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
    Ok(meta.len())
}

/// Decodes bytes to text that is safe to parse and to print.
///
/// Valid UTF-8 is taken as it is (a leading BOM dropped); bytes that are not UTF-8 are read as
/// Windows-1252, the usual encoding of older extractions. Line endings become `\n`, form feeds
/// become a blank line (they mark page breaks), tabs are expanded, and terminal controls are
/// removed (see [`sanitize`]).
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => sanitize(text).into_owned(),
        Err(_) => decode_windows_1252(bytes),
    }
}

/// [`decode`] for bytes the caller no longer needs: clean UTF-8, the common case for a large
/// file, becomes the returned `String` in place, without a copy, so a 9 MB file never exists
/// twice in memory.
pub fn decode_owned(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        // A BOM is one of the characters sanitising removes, so it needs no case of its own.
        Ok(text) => match first_to_clean(&text) {
            None => text,
            Some(first) => clean_from(&text, first),
        },
        Err(err) => {
            let bytes = err.into_bytes();
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
            decode_windows_1252(bytes)
        }
    }
}

/// Bytes that are not valid UTF-8: the valid UTF-8 runs are kept and every other byte is read
/// as Windows-1252. A Windows-1252 file decodes exactly as before (its accented letters and
/// curly quotes are lone high bytes, which are never valid UTF-8), while a UTF-8 file with one
/// stray byte no longer turns every curly quote in it into mojibake (`â€™`).
fn decode_windows_1252(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 2);
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        let (invalid, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(chunk.invalid());
        text.push_str(&invalid);
    }
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
    match first_to_clean(text) {
        None => Cow::Borrowed(text),
        Some(first) => Cow::Owned(clean_from(text, first)),
    }
}

/// Whether `text` is already what [`sanitize`] makes of it: nothing a terminal would
/// interpret, no bidi override, no tab or carriage return. Parsed text always is, so text
/// that is not did not come from the parser (a forged cache entry).
pub fn is_clean(text: &str) -> bool {
    first_to_clean(text).is_none()
}

/// Bytes that may start a character [`sanitize`] changes: C0 controls but `\n`, DEL, and the
/// lead bytes of the two- and three-byte forms of the C1 controls, soft hyphen, bidi marks,
/// BOM and ligatures. Everything else, including the lead byte of most non-ASCII letters, is
/// skipped with one table look-up per byte; decoding characters (`chars()`) costs several
/// times more on text full of typographic quotes.
const MAY_NEED_WORK: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = may_need_work(b as u8) != 0;
        b += 1;
    }
    table
};

/// The rule behind [`MAY_NEED_WORK`], 1 or 0, written without branches so that
/// [`first_to_clean`] can apply it to 32 bytes at once as vector compares; the table and that
/// test cannot drift apart.
const fn may_need_work(b: u8) -> u8 {
    let control = (b < 0x20) as u8 & (b != b'\n') as u8;
    let delete = (b == 0x7F) as u8;
    let lead = (b == 0xC2) as u8 // U+0080–U+00BF: C1 controls, soft hyphen
        | (b == 0xD8) as u8 // U+0600–U+063F: Arabic letter mark
        | (b == 0xE2) as u8 // U+2000–U+2FFF: bidi marks, overrides and isolates
        | (b == 0xEF) as u8; // U+F000–U+FFFF: ligatures, BOM
    control | delete | lead
}

/// Byte offset of the first character [`sanitize`] would change, if any. Always a character
/// boundary: the bytes it stops at are ASCII or lead bytes.
///
/// Extracted text is mostly printable ASCII, so 32 bytes at a time are first tested for any
/// byte [`MAY_NEED_WORK`] marks, a test written without an early exit so that it compiles to
/// vector compares; only a block that has one goes through the table byte by byte.
fn first_to_clean(text: &str) -> Option<usize> {
    const BLOCK: usize = 32;
    let bytes = text.as_bytes();
    let mut offset = 0;
    let (blocks, _) = bytes.as_chunks::<BLOCK>();
    for block in blocks {
        let marked = block
            .iter()
            .fold(0u8, |marked, &b| marked | may_need_work(b));
        if marked != 0
            && let Some(i) = first_to_clean_in(bytes, offset, offset + BLOCK)
        {
            return Some(i);
        }
        offset += BLOCK;
    }
    first_to_clean_in(bytes, offset, bytes.len())
}

/// [`first_to_clean`] for the characters starting in `bytes[from..to]`; a character may end
/// after `to`.
fn first_to_clean_in(bytes: &[u8], from: usize, to: usize) -> Option<usize> {
    let mut i = from;
    while let Some(skip) = bytes[i..to]
        .iter()
        .position(|&b| MAY_NEED_WORK[usize::from(b)])
    {
        i += skip;
        let next = |k: usize| bytes.get(i + k).copied().unwrap_or(0);
        let needs_work = match bytes[i] {
            0xC2 => matches!(next(1), 0x80..=0x9F | 0xAD),
            0xD8 => next(1) == 0x9C,
            0xE2 => matches!(
                (next(1), next(2)),
                (0x80, 0x8E | 0x8F | 0xAA..=0xAE) | (0x81, 0xA6..=0xA9)
            ),
            0xEF => matches!((next(1), next(2)), (0xBB, 0xBF) | (0xAC, 0x80..=0x86)),
            _ => true,
        };
        if needs_work {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Rewrites `text` from `first`, the first byte that needs it; the prefix is copied as is.
fn clean_from(text: &str, first: usize) -> String {
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
    out
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
    fn a_stray_byte_in_utf8_spoils_nothing_else() {
        let mut bytes = "\u{2018}quoted\u{2019} caf\u{e9} ".as_bytes().to_vec();
        bytes.extend(b"\x93x\x94 \x9b31m\xe9");
        assert_eq!(
            decode(&bytes),
            "\u{2018}quoted\u{2019} caf\u{e9} \u{201C}x\u{201D} \u{203A}31m\u{e9}"
        );
        assert_eq!(decode_owned(bytes.clone()), decode(&bytes));
    }

    #[test]
    fn bom_is_dropped() {
        assert_eq!(decode(b"\xEF\xBB\xBFtext"), "text");
    }

    /// The byte scan must stop at exactly the characters the character rules change.
    #[test]
    fn byte_scan_agrees_with_the_character_rules() {
        let changed = |c: char| {
            (c.is_control() && c != '\n') || is_removed(c) || ('\u{FB00}'..='\u{FB06}').contains(&c)
        };
        for c in (0u32..0x3_0000).filter_map(char::from_u32) {
            let text = format!("ab{c}cd");
            let expected = changed(c).then_some(2);
            assert_eq!(first_to_clean(&text), expected, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn byte_scan_finds_work_at_every_offset() {
        for c in [
            '\t', '\u{0}', '\u{7F}', '\u{9B}', '\u{AD}', '\u{202E}', '\u{FB01}', '\u{FEFF}',
        ] {
            for before in 0..70 {
                let text = format!("{}‘{c}’ and more text after it", "x".repeat(before));
                let at = before + '‘'.len_utf8();
                assert_eq!(first_to_clean(&text), Some(at), "{c:?} after {before}");
            }
        }
        let clean = "Plain text, ‘quoted’ – é\nover lines ".repeat(9);
        for end in 0..clean.len() {
            if clean.is_char_boundary(end) {
                assert_eq!(first_to_clean(&clean[..end]), None);
            }
        }
    }

    #[test]
    fn clean_utf8_is_not_copied() {
        let bytes = "‘clean’ text – with quotes\n".as_bytes().to_vec();
        let address = bytes.as_ptr();
        let text = decode_owned(bytes);
        assert_eq!(text.as_ptr(), address);
        assert_eq!(text, "‘clean’ text – with quotes\n");
    }

    #[test]
    fn owned_and_borrowed_decoding_agree() {
        for bytes in [
            &b"\xEF\xBB\xBFtext\r\nmore"[..],
            b"\xEF\xBB\xBF\x93quoted\x94",
            b"caf\xe9\tx",
            b"a\x1b[1mb\x0c",
            "o\u{FB03}ce \u{202E}x".as_bytes(),
        ] {
            assert_eq!(decode_owned(bytes.to_vec()), decode(bytes), "{bytes:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn decode_owned_matches_decode(bytes: Vec<u8>) {
            proptest::prop_assert_eq!(decode_owned(bytes.clone()), decode(&bytes));
        }

        #[test]
        fn sanitized_text_is_clean(text: String) {
            let clean = sanitize(&text);
            proptest::prop_assert_eq!(first_to_clean(&clean), None);
        }

        /// Clean text is exactly what sanitising leaves as it is.
        #[test]
        fn is_clean_means_sanitize_changes_nothing(
            text in "[a-z \n\t\r\x00-\x1f\x7f\u{80}-\u{9f}\u{ad}\u{61c}\u{200e}\u{202a}-\u{202e}\u{2066}-\u{2069}\u{feff}\u{fb00}-\u{fb06}é’]{0,24}"
        ) {
            proptest::prop_assert_eq!(is_clean(&text), sanitize(&text) == text.as_str());
        }
    }

    #[test]
    fn output_never_has_controls() {
        let nasty: String = (0u32..0x300).filter_map(char::from_u32).collect();
        let clean = sanitize(&nasty);
        assert!(!clean.chars().any(|c| c.is_control() && c != '\n'));
    }
}
