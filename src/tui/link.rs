//! Leaving the reader on purpose: opening a web address in a browser and copying text to the
//! clipboard through the terminal (OSC 52).
//!
//! Both take text from the document, so both are careful. Only something that looks like a
//! web address is opened, and it goes to the browser as one argument of a process started
//! directly, never through a shell; nothing else from the document reaches the command line.
//! The browser is started detached with no access to the reader's terminal. Copied text is
//! cleaned of control characters and travels base64-encoded, so it cannot end the escape
//! sequence early or inject one of its own.

use std::io::{self, Write};
use std::process::{Command, Stdio};

use base64::Engine as _;

/// Longest address the reader will open, and the most it will copy in one go; terminals
/// drop larger OSC 52 payloads anyway.
const MAX_URL: usize = 2048;
pub const MAX_COPY: usize = 64 * 1024;

/// A web address made safe to hand to a browser: `http(s)://...` as is, `www....` with
/// `https://` in front. `None` for anything else, or for text with spaces, controls or
/// non-ASCII characters in it (which a real address would have percent-encoded).
pub fn web_address(text: &str) -> Option<String> {
    // A sentence's full stop or a closing bracket often follows an address in running text.
    let text = text
        .trim()
        .trim_end_matches(['.', ',', ';', ':', ')', ']', '>', '"', '\'']);
    if text.is_empty() || text.len() > MAX_URL {
        return None;
    }
    if !text.chars().all(|c| c.is_ascii_graphic()) {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let url = if let Some(rest) = ["https://", "http://"]
        .iter()
        .find_map(|scheme| lower.strip_prefix(scheme))
    {
        // A host must follow the scheme.
        if rest.is_empty() || rest.starts_with(['/', '.', '-', '@', ':']) {
            return None;
        }
        text.to_string()
    } else if lower.starts_with("www.") && lower.len() > 4 {
        format!("https://{text}")
    } else {
        return None;
    };
    Some(url)
}

/// The program and arguments that open `url`: `$BROWSER` when set (its first entry if it is a
/// colon-separated list; a `%s` argument is replaced by the address, otherwise the address is
/// appended), else the platform's opener. The address is always exactly one argument.
pub fn opener(url: &str, browser: Option<&str>) -> (String, Vec<String>) {
    let configured = browser
        .and_then(|b| b.split(':').map(str::trim).find(|entry| !entry.is_empty()))
        .map(|entry| {
            entry
                .split_whitespace()
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .filter(|words| !words.is_empty());
    match configured {
        Some(mut words) => {
            let program = words.remove(0);
            let mut placed = false;
            for word in &mut words {
                if word == "%s" {
                    *word = url.to_string();
                    placed = true;
                }
            }
            if !placed {
                words.push(url.to_string());
            }
            (program, words)
        }
        None => (platform_opener().to_string(), vec![url.to_string()]),
    }
}

fn platform_opener() -> &'static str {
    if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    }
}

/// The process that opens `url`, ready to spawn: no stdin, stdout or stderr, so it cannot read
/// keys meant for the reader or draw over its screen; on Unix in a process group of its own,
/// so Ctrl-C in the terminal does not reach it.
pub fn open_command(url: &str, browser: Option<&str>) -> Command {
    let (program, args) = opener(url, browser);
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    command
}

/// Starts the browser without waiting for it; a thread reaps it when it exits.
pub fn open(url: &str, browser: Option<&str>) -> io::Result<()> {
    let mut child = open_command(url, browser).spawn()?;
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

/// The OSC 52 sequence that puts `text` on the system clipboard: controls removed, at most
/// [`MAX_COPY`] bytes (cut at a character boundary), base64-encoded.
pub fn osc52(text: &str) -> String {
    let clean: String = crate::source::sanitize(text)
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect();
    let mut end = clean.len().min(MAX_COPY);
    while !clean.is_char_boundary(end) {
        end -= 1;
    }
    let payload = base64::engine::general_purpose::STANDARD.encode(&clean[..end]);
    format!("\x1b]52;c;{payload}\x07")
}

/// `sequence` wrapped for tmux to pass on to the terminal it runs in (a DCS `tmux;` string,
/// each escape inside doubled). tmux lets it through only with `allow-passthrough` on, and
/// takes a bare OSC 52 itself only with `set-clipboard on`; the reader sends both, so that
/// either setting works (with both on, the same text is copied twice).
pub fn tmux_passthrough(sequence: &str) -> String {
    format!("\x1bPtmux;{}\x1b\\", sequence.replace('\x1b', "\x1b\x1b"))
}

/// What puts `text` on the clipboard: OSC 52, and inside tmux (`in_tmux`, from `$TMUX`) the
/// same again passed through to the outer terminal.
pub fn clipboard_sequences(text: &str, in_tmux: bool) -> String {
    let sequence = osc52(text);
    if in_tmux {
        let wrapped = tmux_passthrough(&sequence);
        sequence + &wrapped
    } else {
        sequence
    }
}

/// Writes the clipboard sequences straight to the terminal, outside ratatui's buffer (they
/// occupy no cell).
pub fn copy(out: &mut impl Write, text: &str, in_tmux: bool) -> io::Result<()> {
    out.write_all(clipboard_sequences(text, in_tmux).as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_addresses_are_opened() {
        assert_eq!(
            web_address("http://example.org/a?b=c"),
            Some("http://example.org/a?b=c".into())
        );
        assert_eq!(
            web_address("www.example.org/peace."),
            Some("https://www.example.org/peace".into())
        );
        assert_eq!(
            web_address("HTTPS://Example.org"),
            Some("HTTPS://Example.org".into())
        );
        for bad in [
            "",
            "example.org",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "-www.x.org",
            "http://",
            "https:///x",
            "http://-oops",
            "www.",
            "http://a b.org",
            "http://a.org/\x1b]0;title\x07",
            "http://exämple.org",
            "ftp://example.org",
        ] {
            assert_eq!(web_address(bad), None, "{bad:?}");
        }
        assert_eq!(
            web_address(&format!("http://a.org/{}", "x".repeat(MAX_URL))),
            None
        );
    }

    #[test]
    fn browser_gets_the_address_as_one_argument() {
        let url = "https://example.org/a;b&c=$(rm -rf ~)|x";
        assert_eq!(
            opener(url, Some("fakebrowser")),
            ("fakebrowser".to_string(), vec![url.to_string()])
        );
        assert_eq!(
            opener(url, Some("fakebrowser --new-tab")),
            (
                "fakebrowser".to_string(),
                vec!["--new-tab".to_string(), url.to_string()]
            )
        );
        assert_eq!(
            opener(url, Some("w3m %s -o x:lynx")),
            (
                "w3m".to_string(),
                vec![url.to_string(), "-o".to_string(), "x".to_string()]
            )
        );
        let (program, args) = opener(url, None);
        assert_eq!(program, platform_opener());
        assert_eq!(args, vec![url.to_string()]);
        // An empty or blank BROWSER means none.
        assert_eq!(opener(url, Some(" : ")).0, platform_opener());
        let command = open_command(url, Some("fakebrowser"));
        assert_eq!(command.get_program(), "fakebrowser");
        assert_eq!(command.get_args().collect::<Vec<_>>(), vec![url]);
    }

    #[cfg(unix)]
    #[test]
    fn a_fake_browser_receives_exactly_the_address() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let record = dir.path().join("args");
        let script = dir.path().join("browser");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$#\" \"$@\" > '{}'\n",
                record.display()
            ),
        )
        .expect("write script");
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let url = "https://example.org/x?q=a b'c\"$(touch pwned)";
        let status = open_command(url, script.to_str())
            .status()
            .expect("runs the fake browser");
        assert!(status.success());
        let args = std::fs::read_to_string(&record).expect("recorded");
        assert_eq!(args, format!("1\n{url}\n"));
        assert!(!dir.path().join("pwned").exists());
    }

    #[test]
    fn osc52_payload_is_base64_of_clean_text() {
        let seq = osc52("héllo\x1b[31m world\u{202e}");
        let payload = seq
            .strip_prefix("\x1b]52;c;")
            .and_then(|s| s.strip_suffix('\x07'))
            .expect("OSC 52 framing");
        assert!(
            payload
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
        );
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(payload)
            .expect("valid base64");
        assert_eq!(String::from_utf8(decoded).expect("UTF-8"), "héllo world");
        assert_eq!(osc52(""), "\x1b]52;c;\x07");
        assert_eq!(osc52("ab"), "\x1b]52;c;YWI=\x07");
        let long = "é".repeat(MAX_COPY);
        let seq = osc52(&long);
        assert!(seq.len() < MAX_COPY * 4 / 3 + 16);
    }

    #[test]
    fn inside_tmux_the_copy_is_also_passed_through() {
        let text = "Oslo\x1b]0;x\x07 Declaration";
        assert_eq!(clipboard_sequences(text, false), osc52(text));
        let both = clipboard_sequences(text, true);
        let wrapped = both
            .strip_prefix(&osc52(text))
            .expect("the bare sequence first");
        let inner = wrapped
            .strip_prefix("\x1bPtmux;")
            .and_then(|s| s.strip_suffix("\x1b\\"))
            .expect("DCS tmux framing");
        // Every escape inside is doubled, so none ends the DCS string early.
        assert_eq!(inner, osc52(text).replace('\x1b', "\x1b\x1b"));
        assert_eq!(inner.matches('\x1b').count(), 2);
    }
}
