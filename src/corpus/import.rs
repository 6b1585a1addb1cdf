//! Reading users' own copies: encoding detection (UTF-8, UTF-8 with BOM, UTF-16 with BOM,
//! GB18030/GBK and other legacy encodings, detected not assumed) and saved HTML pages.

use std::path::Path;

use anyhow::{Result, bail};
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};
use scraper::{Html, Node};

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

/// UTF-16 without a BOM: NUL in every other byte of ASCII-heavy text.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || bytes.len() % 2 != 0 {
        return None;
    }
    let pairs = bytes.len() / 2;
    let even_nul = bytes.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = bytes.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let all_nul = bytes.iter().filter(|&&b| b == 0).count();
    // Only when the NULs all fall on one side, as text in UTF-16 does: many of them
    // (mostly ASCII text), or a few (Chinese text, whose only NULs are in its line
    // breaks, digits and ASCII punctuation) when the result reads as Chinese text.
    let reads_as = |enc: &'static Encoding| {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        !had_errors && reads_as_chinese_text(&text)
    };
    if even_nul == 0 && odd_nul > 0 && all_nul == odd_nul {
        (odd_nul * 10 >= pairs * 3 || reads_as(UTF_16LE)).then_some(UTF_16LE)
    } else if odd_nul == 0 && even_nul > 0 && all_nul == even_nul {
        (even_nul * 10 >= pairs * 3 || reads_as(UTF_16BE)).then_some(UTF_16BE)
    } else {
        None
    }
}

/// Nineteen in twenty characters are Han, CJK or full-width punctuation, or printable
/// ASCII and blanks: what a policy text decoded with the right encoding looks like, and
/// binary data decoded as UTF-16 does not.
fn reads_as_chinese_text(text: &str) -> bool {
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

/// Elements whose content is never text of the document.
const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "head", "svg", "iframe", "select", "button",
];

/// The visible text of an HTML page, one line per block element, and its `<title>`.
pub fn html_to_text(html: &str) -> (String, Option<String>) {
    let doc = Html::parse_document(html);
    let title = doc
        .root_element()
        .descendants()
        .filter_map(|n| n.value().as_element().map(|e| (n, e)))
        .find(|(_, e)| e.name() == "title")
        .map(|(n, _)| {
            n.descendants()
                .filter_map(|d| d.value().as_text().map(|t| t.to_string()))
                .collect::<String>()
                .trim()
                .to_string()
        })
        .filter(|t| !t.is_empty());
    let mut out = String::new();
    walk(*doc.root_element(), &mut out);
    // Normalise: trim each line, drop runs of blank lines to one.
    let mut text = String::new();
    let mut blank = false;
    for line in out.lines() {
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

fn walk(node: ego_tree::NodeRef<'_, Node>, out: &mut String) {
    match node.value() {
        Node::Text(t) => {
            // HTML whitespace collapses; newlines inside a text run are not line breaks.
            let mut last_space = out.ends_with([' ', '\n']) || out.is_empty();
            for c in t.chars() {
                if matches!(c, ' ' | '\n' | '\r' | '\t' | '\u{c}') {
                    if !last_space {
                        out.push(' ');
                        last_space = true;
                    }
                } else {
                    out.push(c);
                    last_space = false;
                }
            }
        }
        Node::Element(e) => {
            let name = e.name();
            if SKIP.contains(&name) {
                return;
            }
            let block = BLOCKS.contains(&name);
            if block && !out.ends_with('\n') && !out.is_empty() {
                out.push('\n');
            }
            if name == "pre" {
                for d in node.descendants() {
                    if let Some(t) = d.value().as_text() {
                        out.push_str(t);
                    }
                }
            } else {
                for child in node.children() {
                    walk(child, out);
                }
            }
            if block && !out.ends_with('\n') {
                out.push('\n');
            }
            if matches!(
                name,
                "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "table" | "ul" | "ol"
            ) {
                out.push('\n');
            }
        }
        _ => {
            for child in node.children() {
                walk(child, out);
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
}
