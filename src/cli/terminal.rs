//! Document text on a terminal: the documents are web pages and files of unknown origin,
//! so what reaches a terminal from them is stripped of control characters and terminal
//! escape sequences (colour, cursor movement, window titles, OSC 52 clipboard writes,
//! hyperlinks …). Line breaks and tabs stay. JSON output is not filtered: JSON escapes
//! control characters itself, so it stays exact.

use std::borrow::Cow;
use std::io::{self, Write};

/// `text` without control characters and escape sequences, except `\n` and `\t`.
///
/// Removed: ESC and the sequence it starts (CSI `ESC [ … final`, OSC `ESC ] … BEL/ST`,
/// DCS/SOS/PM/APC strings, two-character escapes), the C1 controls (U+0080–U+009F,
/// with the sequences that CSI U+009B and OSC U+009D start), and every other C0
/// control and DEL. A string sequence left open ends at the next line break, so that an
/// unterminated one cannot swallow the rest of the output.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_care) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut filter = Filter::default();
    for c in text.chars() {
        filter.push(c, &mut out);
    }
    Cow::Owned(out)
}

fn needs_care(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// Where the filter is within an escape sequence.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum State {
    #[default]
    Text,
    /// After ESC.
    Escape,
    /// After ESC and intermediate bytes (`ESC ( B`).
    Intermediate,
    /// In a control sequence (`ESC [` or CSI), until its final byte.
    Control,
    /// In a string (OSC, DCS, SOS, PM, APC), until BEL or ST.
    Str,
    /// ESC inside a string: `\` ends it (ST).
    StrEscape,
}

/// The character filter behind [`terminal_safe`], kept between writes by [`SafeWriter`].
#[derive(Debug, Default, Clone)]
struct Filter {
    state: State,
}

impl Filter {
    fn push(&mut self, c: char, out: &mut String) {
        let code = c as u32;
        match self.state {
            State::Text => match c {
                '\n' | '\t' => out.push(c),
                '\u{1b}' => self.state = State::Escape,
                '\u{9b}' => self.state = State::Control,
                '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => self.state = State::Str,
                c if c.is_control() => {}
                c => out.push(c),
            },
            State::Escape => match code {
                0x5B => self.state = State::Control,                         // [
                0x5D | 0x50 | 0x58 | 0x5E | 0x5F => self.state = State::Str, // ] P X ^ _
                0x1B => {}
                0x20..=0x2F => self.state = State::Intermediate,
                0x30..=0x7E => self.state = State::Text,
                _ => self.reprocess(c, out),
            },
            State::Intermediate => match code {
                0x20..=0x2F => {}
                0x30..=0x7E => self.state = State::Text,
                _ => self.reprocess(c, out),
            },
            State::Control => match code {
                0x20..=0x3F => {}
                0x40..=0x7E => self.state = State::Text,
                _ => self.reprocess(c, out),
            },
            State::Str => match c {
                '\u{7}' | '\u{9c}' => self.state = State::Text,
                '\u{1b}' => self.state = State::StrEscape,
                '\n' => self.reprocess(c, out),
                _ => {}
            },
            State::StrEscape => {
                if c == '\\' {
                    self.state = State::Text;
                } else {
                    // ESC inside a string ends it and starts a new sequence
                    self.state = State::Escape;
                    self.push(c, out);
                }
            }
        }
    }

    /// Ends a broken sequence and treats `c` as text (a sequence cut short must not eat
    /// the document's characters).
    fn reprocess(&mut self, c: char, out: &mut String) {
        self.state = State::Text;
        self.push(c, out);
    }
}

/// A writer that passes UTF-8 text through [`terminal_safe`]'s filter, keeping its state
/// (and an incomplete UTF-8 character) between writes.
#[derive(Debug)]
pub struct SafeWriter<W: Write> {
    inner: W,
    filter: Filter,
    pending: Vec<u8>,
}

impl<W: Write> SafeWriter<W> {
    /// Filters what is written to `inner`.
    pub fn new(inner: W) -> SafeWriter<W> {
        SafeWriter {
            inner,
            filter: Filter::default(),
            pending: Vec::new(),
        }
    }
}

impl<W: Write> Write for SafeWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // plain text (the common case) passes through as it is
        if self.pending.is_empty()
            && self.filter.state == State::Text
            && let Ok(text) = std::str::from_utf8(buf)
            && !text.chars().any(needs_care)
        {
            self.inner.write_all(buf)?;
            return Ok(buf.len());
        }
        self.pending.extend_from_slice(buf);
        let mut out = String::with_capacity(self.pending.len());
        let mut at = 0;
        while at < self.pending.len() {
            match std::str::from_utf8(&self.pending[at..]) {
                Ok(s) => {
                    s.chars().for_each(|c| self.filter.push(c, &mut out));
                    at = self.pending.len();
                }
                Err(e) => {
                    let valid = &self.pending[at..at + e.valid_up_to()];
                    // valid_up_to bytes are UTF-8 by the error's own account
                    if let Ok(s) = std::str::from_utf8(valid) {
                        s.chars().for_each(|c| self.filter.push(c, &mut out));
                    }
                    at += e.valid_up_to();
                    match e.error_len() {
                        // an invalid byte: never text, dropped
                        Some(n) => at += n,
                        // an incomplete character at the end: wait for the rest
                        None => break,
                    }
                }
            }
        }
        self.pending.drain(..at);
        self.inner.write_all(out.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_controls_are_removed_text_stays() {
        let cases = [
            ("支持\u{1b}[31m企业\u{1b}[0m上市", "支持企业上市"),
            ("a\u{1b}]0;owned\u{7}b", "ab"),
            ("a\u{1b}]52;c;ZXZpbA==\u{1b}\\b", "ab"),
            (
                "a\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\b",
                "alinkb",
            ),
            ("a\u{1b}Pq#0\u{1b}\\b", "ab"),
            ("a\u{1b}(Bb\u{1b}7c", "abc"),
            ("a\u{9b}2Jb\u{9d}0;t\u{9c}c\u{85}d", "abcd"),
            (
                "一\r二\u{8}三\u{7f}四\u{c}五\u{b}六\u{0}七",
                "一二三四五六七",
            ),
            ("行一\n\t行二", "行一\n\t行二"),
            // a sequence cut short does not eat the text after it
            ("a\u{1b}[12;支持", "a支持"),
            ("a\u{1b}支持", "a支持"),
            // an unterminated string ends at the line break
            ("a\u{1b}]0;title\n第二行", "a\n第二行"),
        ];
        for (input, want) in cases {
            assert_eq!(terminal_safe(input), want, "{input:?}");
        }
        assert!(matches!(terminal_safe("纯文本\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_writer_filters_across_writes_and_split_characters() {
        let mut w = SafeWriter::new(Vec::new());
        let text = "支持\u{1b}[1;31m企业\u{1b}]0;x\u{7}上市\n";
        for chunk in text.as_bytes().chunks(2) {
            w.write_all(chunk).unwrap();
        }
        w.flush().unwrap();
        assert_eq!(String::from_utf8(w.inner).unwrap(), "支持企业上市\n");
    }

    #[test]
    fn plain_writes_pass_through_and_a_sequence_still_spans_them() {
        let mut w = SafeWriter::new(Vec::new());
        // plain text, then a sequence cut across writes, then plain text that is still
        // inside the sequence, then a C1 control
        for part in [
            "第一条 支持企业上市。\n",
            "a\u{1b}[",
            "31",
            "m红",
            "b\u{85}c\n",
        ] {
            w.write_all(part.as_bytes()).unwrap();
        }
        assert_eq!(
            String::from_utf8(w.inner).unwrap(),
            "第一条 支持企业上市。\na红bc\n"
        );
    }
}
