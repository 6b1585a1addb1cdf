//! Reading users' own copies: encoding detection (UTF-8, UTF-8 with BOM, UTF-16 with BOM,
//! GB18030/GBK and other legacy encodings, detected not assumed) and saved HTML pages.

use std::path::Path;

use std::borrow::Cow;
use std::io::Read;

use anyhow::{Context, Result, bail};
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

/// The largest file `policynav add` accepts unless `--max-size` says otherwise (20 MB).
pub const DEFAULT_MAX_SIZE: u64 = 20 * MB;

/// The largest file policynav reads at all (512 MB). `--max-size` cannot go past it,
/// so that every document that was added loads again.
pub const MAX_SIZE_LIMIT: u64 = 512 * MB;

const MB: u64 = 1024 * 1024;

/// A size in bytes as people read it: `512 bytes`, `20 MB`, `50.3 MB`, `1.5 GB`.
pub fn human_size(bytes: u64) -> String {
    let mb = bytes as f64 / MB as f64;
    if bytes < 1024 * 10 {
        format!("{bytes} bytes")
    } else if mb < 1.0 {
        format!("{} KB", bytes / 1024)
    } else if mb < 1024.0 {
        let s = format!("{mb:.1}");
        format!("{} MB", s.trim_end_matches(".0"))
    } else {
        format!("{:.1} GB", mb / 1024.0)
    }
}

/// A size as given on the command line: `20MB`, `20M`, `500KB`, `1GB`, `1.5g` or plain
/// bytes (`1048576`). Units are powers of 1024.
pub fn parse_size(s: &str) -> Option<u64> {
    let t = s.trim().to_ascii_lowercase();
    let digits = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let factor = match unit.trim() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => MB as f64,
        "g" | "gb" | "gib" => (MB * 1024) as f64,
        _ => return None,
    };
    let value: f64 = number.parse().ok()?;
    let bytes = value * factor;
    (bytes.is_finite() && bytes >= 0.0 && bytes < u64::MAX as f64).then_some(bytes as u64)
}

/// Reads a whole file, but never more than `max` bytes: a larger file (or an endless
/// one such as `/dev/zero`) is refused with an error naming it, after reading at most
/// `max + 1` bytes. `hint` ends that error (what the user can do about it).
pub fn read_bounded(path: &Path, max: u64, hint: &str) -> Result<Vec<u8>> {
    let name = path.display();
    let too_large = |size: Option<u64>| {
        let size = size.map_or_else(
            || "more than".to_string(),
            |s| format!("{},", human_size(s)),
        );
        anyhow::anyhow!(
            "{name}: the file is too large ({size} the limit is {}){hint}",
            human_size(max)
        )
    };
    let file = std::fs::File::open(path).with_context(|| format!("{name}: cannot read"))?;
    let meta = file
        .metadata()
        .with_context(|| format!("{name}: cannot read"))?;
    if meta.is_dir() {
        bail!("{name}: is a folder, not a file");
    }
    if meta.is_file() && meta.len() > max {
        return Err(too_large(Some(meta.len())));
    }
    let expected = if meta.is_file() { meta.len() } else { 0 };
    let mut bytes = Vec::with_capacity(usize::try_from(expected.min(max)).unwrap_or(0));
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .with_context(|| format!("{name}: cannot read"))?;
    if bytes.len() as u64 > max {
        return Err(too_large(None));
    }
    Ok(bytes)
}

/// A decoded file: its text (for HTML, the text extracted from the page) and how it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The text the clauses' spans point into.
    pub text: String,
    /// The encoding that was detected (`UTF-8`, `GBK`, `UTF-16LE` …).
    pub encoding: &'static str,
    /// True if the file was an HTML page.
    pub html: bool,
    /// The page's `<title>`, for HTML.
    pub html_title: Option<String>,
}

/// Decodes a file's bytes; `path` names it in errors.
///
/// Rejects empty files and binary files (NUL or other control bytes that no text
/// encoding explains) with a one-line error naming the file.
pub fn decode(bytes: &[u8], path: &Path) -> Result<Decoded> {
    let name = path.display();
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        bail!("{name}: the file is empty");
    }
    let (text, encoding) = decode_text(bytes)
        .ok_or_else(|| anyhow::anyhow!("{name}: not a text file (binary data)"))?;
    if text.trim().is_empty() {
        bail!("{name}: the file is empty");
    }
    if looks_binary(&text) {
        bail!("{name}: not a text file (binary data)");
    }
    if is_html(&text) {
        let (body, title) = html_to_text(&text);
        if body.trim().is_empty() {
            bail!("{name}: the HTML page has no text");
        }
        return Ok(Decoded {
            text: body,
            encoding,
            html: true,
            html_title: title,
        });
    }
    Ok(Decoded {
        text,
        encoding,
        html: false,
        html_title: None,
    })
}

/// Decodes with BOM → declared HTML charset → valid UTF-8 → detected legacy encoding.
fn decode_text(bytes: &[u8]) -> Option<(String, &'static str)> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return None;
        }
        return Some((text.into_owned(), enc.name()));
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        return (!had_errors).then(|| (text.into_owned(), enc.name()));
    }
    if bytes.contains(&0) {
        return None;
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some((text.to_string(), UTF_8.name()));
    }
    let declared = declared_charset(bytes).filter(|e| *e != UTF_8);
    let enc = declared.unwrap_or_else(|| {
        let mut det = chardetng::EncodingDetector::new();
        det.feed(bytes, true);
        det.guess(None, false)
    });
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors && declared.is_none() {
        // A guess that cannot decode the bytes is no decoding at all.
        let bad = text.chars().filter(|&c| c == '\u{fffd}').count();
        if bad * 100 > text.chars().count() {
            return None;
        }
    }
    Some((text.into_owned(), enc.name()))
}

/// UTF-16 without a BOM. Text in UTF-16 has NULs where its ASCII characters (line
/// breaks, digits, punctuation) put a zero high byte, and Chinese text has more on the
/// other side (一 is U+4E00, 人 U+4EBA …), so the NULs' sides alone cannot tell. Each
/// byte order that gives ASCII characters is tried: it must decode without error to text
/// that reads as Chinese, or to mostly ASCII text (three pairs in ten with a NUL on the
/// ASCII side and none on the other).
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let pairs = bytes.len() / 2;
    let even_nul = bytes.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = bytes.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    // (encoding, NULs on its ASCII side, NULs on the other side)
    let candidates = [(UTF_16LE, odd_nul, even_nul), (UTF_16BE, even_nul, odd_nul)];
    let mut best: Option<(&'static Encoding, usize)> = None;
    for (enc, ascii_side, other_side) in candidates {
        if ascii_side == 0 || best.is_some_and(|(_, n)| n >= ascii_side) {
            continue;
        }
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        if had_errors {
            continue;
        }
        let mostly_ascii = other_side == 0 && ascii_side * 10 >= pairs * 3;
        if (mostly_ascii && plausible_text(&text)) || reads_as_chinese_text(&text) {
            best = Some((enc, ascii_side));
        }
    }
    best.map(|(enc, _)| enc)
}

/// Nineteen in twenty characters are printable text or blanks (see
/// [`reads_as_chinese_text`]).
fn plausible_text(text: &str) -> bool {
    let (all, _, plausible) = census(text);
    all > 0 && plausible * 20 >= all * 19
}

/// Characters in all, Han characters, and plausible characters of a policy text.
fn census(text: &str) -> (usize, usize, usize) {
    let mut all = 0usize;
    let mut han = 0usize;
    let mut plausible = 0usize;
    for c in text.chars() {
        all += 1;
        if crate::text::is_han(c) {
            han += 1;
            plausible += 1;
        } else if c.is_ascii_graphic()
            || c.is_whitespace()
            || ('\u{3000}'..='\u{303F}').contains(&c)
            || ('\u{FF00}'..='\u{FFEF}').contains(&c)
            || ('\u{2010}'..='\u{206F}').contains(&c)
        {
            plausible += 1;
        }
    }
    (all, han, plausible)
}

/// A quarter of the characters are Han, and nineteen in twenty are Han, CJK or
/// full-width punctuation, or printable ASCII and blanks: what a policy text decoded with
/// the right encoding looks like, and binary data decoded as UTF-16 does not.
fn reads_as_chinese_text(text: &str) -> bool {
    let (all, han, plausible) = census(text);
    all > 0 && han * 4 >= all && plausible * 20 >= all * 19
}

/// `<meta charset=…>` or `charset=` in the first 2 KB of an HTML page.
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(2048)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let at = lower.windows(8).position(|w| w == b"charset=")? + 8;
    let rest = &head[at..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| matches!(b, b'"' | b'\'' | b';' | b'>' | b' ' | b'/'))
        .unwrap_or(rest.len());
    Encoding::for_label(&rest[..end])
}

/// Control characters other than whitespace, or replacement characters, in bulk.
fn looks_binary(text: &str) -> bool {
    let total = text.chars().count().max(1);
    let odd = text
        .chars()
        .filter(|&c| {
            (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')) || c == '\u{fffd}'
        })
        .count();
    odd * 100 > total
}

fn is_html(text: &str) -> bool {
    let head: String = text
        .trim_start()
        .chars()
        .take(2048)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.contains("<html")
        || (head.starts_with('<')
            && (head.contains("<body") || head.contains("<head") || head.contains("<p>")))
}

/// Elements after which the text continues on a new line.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Block elements followed by a blank line.
const PARAGRAPHS: &[&str] = &[
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
];

/// Elements whose content is never text of the document (besides `<head>`'s own
/// elements: its text is in `<title>`, `<script>` and `<style>`, handled as such).
const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "iframe", "select", "button", "title",
];

/// Elements whose content is raw text up to their end tag: `(name, entities decoded)`.
const RAW: &[(&str, bool)] = &[
    ("script", false),
    ("style", false),
    ("xmp", false),
    ("iframe", false),
    ("noembed", false),
    ("noframes", false),
    ("noscript", false),
    ("title", true),
    ("textarea", true),
];

/// The visible text of an HTML page, one line per block element, and its `<title>`.
///
/// The page is read in one pass by a small scanner that follows the HTML tokenizer's
/// rules for what text is (tags, comments, raw-text elements such as `<script>`,
/// character references) and keeps no element stack: no nesting depth (20,000 nested
/// `<div>`, unclosed inline tags) can exhaust a stack or make reading slower than
/// linear in the page's size.
pub fn html_to_text(html: &str) -> (String, Option<String>) {
    let mut sink = TextSink::default();
    let mut at = 0;
    while at < html.len() {
        let Some(lt) = html[at..].find('<').map(|i| at + i) else {
            sink.text(&decode_entities(&html[at..]));
            break;
        };
        if lt > at {
            sink.text(&decode_entities(&html[at..lt]));
        }
        at = read_markup(html, lt, &mut sink);
    }
    let title = sink
        .title
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    // Normalise: trim each line, drop runs of blank lines to one.
    let mut text = String::new();
    let mut blank = false;
    for line in sink.out.lines() {
        let line = line.trim_matches(|c: char| c == ' ' || c == '\t');
        if line.is_empty() {
            if !blank && !text.is_empty() {
                text.push('\n');
            }
            blank = true;
            continue;
        }
        blank = false;
        text.push_str(line);
        text.push('\n');
    }
    (text, title)
}

/// Reads the markup at `lt` (a `<`) and returns where the text after it starts.
fn read_markup(html: &str, lt: usize, sink: &mut TextSink) -> usize {
    let rest = &html[lt..];
    let bytes = rest.as_bytes();
    let after = |needle: &str, from: usize| {
        rest[from.min(rest.len())..]
            .find(needle)
            .map_or(html.len(), |i| lt + from + i + needle.len())
    };
    if rest.starts_with("<!--") {
        return after("-->", 4);
    }
    if rest.starts_with("<!") || rest.starts_with("<?") {
        // doctype, CDATA and processing instructions: bogus comments up to `>`
        return after(">", 2);
    }
    let end_tag = bytes.get(1) == Some(&b'/');
    let name_at = if end_tag { 2 } else { 1 };
    if !bytes.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
        if end_tag {
            // `</>` and `</ …>` are dropped, like the tokenizer does
            return after(">", 2);
        }
        sink.text("<");
        return lt + 1;
    }
    let name_len = bytes[name_at..]
        .iter()
        .position(|b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>'))
        .unwrap_or(bytes.len() - name_at);
    let name = rest[name_at..name_at + name_len].to_ascii_lowercase();
    // Attributes: up to the `>` outside quotes.
    let mut i = name_at + name_len;
    let mut quote = None;
    let mut close = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => {
                // a quote opens a value only after `=`
                let before = rest[..i].trim_end();
                if before.ends_with('=') {
                    quote = Some(b);
                }
            }
            None if b == b'>' => {
                close = Some(i);
                break;
            }
            None => {}
        }
        i += 1;
    }
    let Some(close) = close else {
        // a tag cut off by the end of the page
        return html.len();
    };
    let self_closing = close > 0 && bytes[close - 1] == b'/';
    let next = lt + close + 1;
    if end_tag {
        sink.end_tag(&name);
        return next;
    }
    sink.start_tag(&name, self_closing);
    if name == "plaintext" {
        sink.text(&html[next..]);
        return html.len();
    }
    if self_closing {
        return next;
    }
    let Some(&(_, entities)) = RAW.iter().find(|(n, _)| *n == name) else {
        return next;
    };
    // Raw text: everything up to `</name` followed by a blank, `/` or `>`.
    let mut from = next;
    let (content_end, resume) = loop {
        let Some(i) = html[from..].find("</").map(|i| from + i) else {
            break (html.len(), html.len());
        };
        let candidate = &html.as_bytes()[i + 2..];
        let matches = candidate.len() >= name.len()
            && candidate[..name.len()].eq_ignore_ascii_case(name.as_bytes())
            && candidate
                .get(name.len())
                .is_none_or(|b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>'));
        if matches {
            let gt = html[i..].find('>').map_or(html.len(), |g| i + g + 1);
            break (i, gt);
        }
        from = i + 2;
    };
    let content = &html[next..content_end];
    if entities {
        sink.text(&decode_entities(content));
    } else {
        sink.text(content);
    }
    sink.end_tag(&name);
    resume
}

/// `text` with its character references (`&amp;`, `&nbsp;`, `&#x4E0A;`, `&#19978;`)
/// replaced by their characters, as the HTML tokenizer does; anything else stays.
fn decode_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp + 1..];
        match character_reference(tail) {
            Some((decoded, used)) => {
                out.push_str(&decoded);
                rest = &tail[used..];
            }
            None => {
                out.push('&');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The characters of the reference at the start of `tail` (after its `&`) and the
/// bytes it takes.
fn character_reference(tail: &str) -> Option<(String, usize)> {
    if let Some(num) = tail.strip_prefix('#') {
        let (digits, radix, skip) = match num.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 2),
            None => (num, 10, 1),
        };
        let len = digits
            .bytes()
            .take_while(|b| (*b as char).is_digit(radix))
            .count();
        if len == 0 {
            return None;
        }
        let value = u32::from_str_radix(&digits[..len.min(8)], radix).unwrap_or(u32::MAX);
        let value = if len > 8 { u32::MAX } else { value };
        let c = match value {
            0x80..=0x9F => {
                html5ever::data::C1_REPLACEMENTS[(value - 0x80) as usize].or(char::from_u32(value))
            }
            0 => None,
            v => char::from_u32(v),
        }
        .unwrap_or('\u{fffd}');
        let semicolon = usize::from(digits[len..].starts_with(';'));
        return Some((c.to_string(), skip + len + semicolon));
    }
    let len = tail
        .bytes()
        .take(40)
        .take_while(u8::is_ascii_alphanumeric)
        .count();
    if len == 0 {
        return None;
    }
    let entity = |key: &str| {
        html5ever::data::NAMED_ENTITIES.get(key).map(|&(a, b)| {
            [a, b]
                .into_iter()
                .filter(|&c| c != 0)
                .filter_map(char::from_u32)
                .collect::<String>()
        })
    };
    if tail[len..].starts_with(';')
        && let Some(s) = entity(&tail[..=len])
    {
        return Some((s, len + 1));
    }
    // Legacy references without `;` (`&nbsp`, `&copy2024`): the longest one that fits.
    (2..=len.min(8))
        .rev()
        .find_map(|n| entity(&tail[..n]).map(|s| (s, n)))
}

/// Collects the text of a page from its tags and text.
#[derive(Default)]
struct TextSink {
    out: String,
    /// The first `<title>`'s text, once it starts.
    title: Option<String>,
    /// Open elements of [`SKIP`] (counted, not stacked: there is no depth to keep).
    skipping: u32,
    /// Open `<pre>` elements, whose white space is kept.
    pre: u32,
    /// Reading the first `<title>`.
    in_title: bool,
}

impl TextSink {
    fn newline(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    fn text(&mut self, t: &str) {
        if self.in_title {
            if let Some(title) = self.title.as_mut() {
                title.push_str(t);
            }
            return;
        }
        if self.skipping > 0 {
            return;
        }
        if self.pre > 0 {
            self.out.push_str(t);
            return;
        }
        // HTML whitespace collapses; newlines inside a text run are not line breaks.
        let mut last_space = self.out.ends_with([' ', '\n']) || self.out.is_empty();
        for c in t.chars() {
            if matches!(c, ' ' | '\n' | '\r' | '\t' | '\u{c}') {
                if !last_space {
                    self.out.push(' ');
                    last_space = true;
                }
            } else {
                self.out.push(c);
                last_space = false;
            }
        }
    }

    fn start_tag(&mut self, name: &str, self_closing: bool) {
        if SKIP.contains(&name) {
            if !self_closing {
                self.skipping = self.skipping.saturating_add(1);
                if name == "title" && self.title.is_none() {
                    self.title = Some(String::new());
                    self.in_title = true;
                }
            }
        } else if BLOCKS.contains(&name) {
            if self.skipping == 0 {
                self.newline();
            }
            if name == "pre" && !self_closing {
                self.pre = self.pre.saturating_add(1);
            }
        }
    }

    fn end_tag(&mut self, name: &str) {
        if SKIP.contains(&name) {
            self.skipping = self.skipping.saturating_sub(1);
            self.in_title = false;
        } else if BLOCKS.contains(&name) {
            if self.skipping == 0 {
                self.newline();
                if PARAGRAPHS.contains(&name) {
                    self.out.push('\n');
                }
            }
            if name == "pre" {
                self.pre = self.pre.saturating_sub(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("x.txt")
    }

    #[test]
    fn encodings_are_detected() {
        let s = "关于实施十大强企行动激发专精特新企业活力的若干措施。支持企业在A股上市，给予每家不超过300万元的资金补贴。";
        let (gbk, _, _) = encoding_rs::GBK.encode(s);
        let d = decode(&gbk, p()).unwrap();
        assert_eq!(d.text, s);
        assert_eq!(d.encoding, "GBK");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(s.as_bytes());
        assert_eq!(decode(&bom, p()).unwrap().text, s);
        let mut le = vec![0xFF, 0xFE];
        le.extend(s.encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(decode(&le, p()).unwrap().text, s);
        let mut be = vec![0xFE, 0xFF];
        be.extend(s.encode_utf16().flat_map(|u| u.to_be_bytes()));
        assert_eq!(decode(&be, p()).unwrap().text, s);
        // UTF-16 without a BOM: Chinese text has few NULs (line breaks, digits, ASCII)
        let lines = format!("{s}\n第二条\n");
        let le: Vec<u8> = lines.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let d = decode(&le, p()).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (lines.as_str(), "UTF-16LE"));
        let be: Vec<u8> = lines.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        let d = decode(&be, p()).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (lines.as_str(), "UTF-16BE"));
        let trad = "支援企業在A股或境外主要證券交易所上市,市級財政按規定給予每家總額不超過300萬元的資金補貼。";
        let (big5, _, _) = encoding_rs::BIG5.encode(trad);
        assert_eq!(decode(&big5, p()).unwrap().text, trad);
    }

    #[test]
    fn binary_and_empty_are_rejected() {
        let err = decode(b"", p()).unwrap_err().to_string();
        assert_eq!(err, "x.txt: the file is empty");
        let err = decode(b"  \n\n", p()).unwrap_err().to_string();
        assert!(err.contains("empty"));
        let png = [
            0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R',
            0, 0, 1, 0,
        ];
        let err = decode(&png, p()).unwrap_err().to_string();
        assert!(err.contains("not a text file"), "{err}");
        // NULs on one side only, but the UTF-16 reading is no Chinese text
        // (Hangul syllables between line breaks: valid UTF-16LE, but not a Chinese text)
        let odd: Vec<u8> = (0u16..200)
            .flat_map(|i| if i % 10 == 0 { 0x0A } else { 0xAC00 + i }.to_le_bytes())
            .collect();
        let err = decode(&odd, p()).unwrap_err().to_string();
        assert!(err.contains("not a text file"), "{err}");
    }

    #[test]
    fn html_blocks_become_lines() {
        let html = "<!DOCTYPE html><html><head><title>措施</title><style>p{}</style></head><body>\
            <div class=nav><a href=#>首页</a></div><p>一、实施\n“创新领航”行动。</p><p>二、实施<b>融通</b>行动。<br>第二行</p>\
            <script>var x=1;</script></body></html>";
        let (text, title) = html_to_text(html);
        assert_eq!(title.as_deref(), Some("措施"));
        assert_eq!(
            text,
            "首页\n\n一、实施 “创新领航”行动。\n\n二、实施融通行动。\n第二行\n\n"
        );
    }

    /// A page of `depth` nested `open` tags (closed by `close`, if any) around three
    /// numbered measures.
    fn nested(open: &str, close: &str, depth: usize) -> String {
        let body: String = (1..=3)
            .map(|i| format!("<p>{i}.支持企业开展第{i}项行动，给予不超过{i}万元的补贴。</p>"))
            .collect();
        format!(
            "<html><head><title>某市若干措施</title></head><body>{}{body}{}</body></html>",
            open.repeat(depth),
            close.repeat(depth)
        )
    }

    fn decode_on_small_stack(page: String) -> (Decoded, std::time::Duration) {
        // 256 KB of stack: far less than any thread policynav runs on
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let start = std::time::Instant::now();
                let d = decode(page.as_bytes(), Path::new("deep.html")).unwrap();
                (d, start.elapsed())
            })
            .unwrap()
            .join()
            .unwrap()
    }

    #[test]
    fn deeply_nested_pages_decode_on_a_small_stack_in_linear_time() {
        for (open, close, depth) in [
            ("<div>", "</div>", 20_000),
            ("<b><i><span>", "", 20_000),
            ("<table><tr><td>", "", 5_000),
            ("<div>", "</div>", 200_000),
        ] {
            let (d, took) = decode_on_small_stack(nested(open, close, depth));
            assert!(d.html);
            assert_eq!(d.html_title.as_deref(), Some("某市若干措施"));
            for i in 1..=3 {
                assert!(
                    d.text.contains(&format!("{i}.支持企业开展第{i}项行动")),
                    "{open} × {depth}: {:?}",
                    &d.text[..d.text.len().min(200)]
                );
            }
            assert!(
                took < std::time::Duration::from_secs(2),
                "{open} × {depth}: {took:?}"
            );
        }
    }

    #[test]
    fn raw_text_elements_and_entities_are_read_as_html_says() {
        let html = "<html><head><title>措施 &amp; 办法</title><script>if (a<b) { x = '</p>'; }</script>\
            <style>p::before{content:'<div>'}</style></head><body><p>一、支持&nbsp;企业&#x4E0A;市</p>\
            <textarea>不算</textarea><pre>1.  保留\n   空白</pre><select><option>选项</option></select>\
            <noscript>请启用</noscript><p>二、完</p></body></html>";
        let (text, title) = html_to_text(html);
        assert_eq!(title.as_deref(), Some("措施 & 办法"));
        assert!(text.contains("一、支持\u{a0}企业上市"), "{text:?}");
        assert!(text.contains("1.  保留\n空白"), "{text:?}");
        for absent in ["if (a", "content", "选项", "请启用", "措施 &"] {
            assert!(!text.contains(absent), "{absent} in {text:?}");
        }
        assert!(text.contains("二、完"), "{text:?}");
    }

    #[test]
    fn utf16_without_a_bom_is_recognised_for_every_bundled_text() {
        for (file, text) in crate::corpus::BUNDLED_FILES {
            let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
            let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
            // characters such as 一 (U+4E00) put NULs on both sides
            assert!(le.iter().step_by(2).any(|&b| b == 0), "{file}");
            for (bytes, enc) in [(le, "UTF-16LE"), (be, "UTF-16BE")] {
                let d = decode(&bytes, Path::new(file))
                    .unwrap_or_else(|e| panic!("{file} as {enc}: {e}"));
                assert_eq!(d.encoding, enc, "{file}");
                assert_eq!(d.text, *text, "{file} as {enc}");
            }
        }
    }

    #[test]
    fn reading_is_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.txt");
        std::fs::write(&big, vec![b'a'; 3000]).unwrap();
        let err = read_bounded(&big, 2048, "; --max-size raises it")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(&format!("{}: the file is too large", big.display())),
            "{err}"
        );
        assert!(
            err.ends_with("--max-size raises it") && !err.contains('\n'),
            "{err}"
        );
        assert_eq!(read_bounded(&big, 3000, "").unwrap().len(), 3000);
        let err = read_bounded(dir.path(), 3000, "").unwrap_err().to_string();
        assert!(err.contains("is a folder"), "{err}");
        #[cfg(unix)]
        {
            // an endless file is cut at the limit, not read until memory runs out
            let err = read_bounded(Path::new("/dev/zero"), 1 << 20, "")
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with("/dev/zero: the file is too large (more than"),
                "{err}"
            );
        }
    }

    #[test]
    fn sizes_parse_and_print() {
        assert_eq!(parse_size("20MB"), Some(20 * MB));
        assert_eq!(parse_size("1.5g"), Some(3 * 512 * MB));
        assert_eq!(parse_size("500 KB"), Some(500 * 1024));
        assert_eq!(parse_size("1048576"), Some(MB));
        assert_eq!(parse_size("-1MB"), None);
        assert_eq!(parse_size("20 parsecs"), None);
        assert_eq!(human_size(20 * MB), "20 MB");
        assert_eq!(human_size(52_690_000), "50.2 MB");
        assert_eq!(human_size(512), "512 bytes");
    }
}
