//! Cleaning: from a decoded web copy to clean paragraphs that remember where every
//! character came from in the source.
//!
//! Done on every document (bundled or the user's): page chrome and portal metadata lines
//! are dropped (the metadata is kept aside), pinyin annotations such as `業(yè)` are
//! removed, non-breaking and ideographic spaces become plain spaces, and paragraphs cut in
//! two by a page break are joined again, carefully (see [`clean`]).

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::rules::Rules;
use crate::text;

/// Text in which every byte knows the source byte range of the character it came from, so
/// that a slice of cleaned text maps back to a span of the original file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mapped {
    /// The cleaned text.
    pub text: String,
    starts: Vec<usize>,
    ends: Vec<usize>,
}

impl Mapped {
    /// Appends a character that came from `src` in the source.
    pub fn push(&mut self, c: char, src: Range<usize>) {
        self.text.push(c);
        for _ in 0..c.len_utf8() {
            self.starts.push(src.start);
            self.ends.push(src.end);
        }
    }

    /// Appends another mapped text.
    pub fn append(&mut self, other: &Mapped) {
        self.text.push_str(&other.text);
        self.starts.extend_from_slice(&other.starts);
        self.ends.extend_from_slice(&other.ends);
    }

    /// The source span of the cleaned byte range `r` (char boundaries).
    pub fn span(&self, r: Range<usize>) -> Range<usize> {
        if self.text.is_empty() {
            return 0..0;
        }
        if r.start >= r.end {
            let at = if r.start < self.starts.len() {
                self.starts[r.start]
            } else {
                self.ends[self.ends.len() - 1]
            };
            return at..at;
        }
        self.starts[r.start]..self.ends[r.end - 1]
    }

    /// The source span of the whole text.
    pub fn full_span(&self) -> Range<usize> {
        self.span(0..self.text.len())
    }

    /// A sub-range (char boundaries).
    pub fn slice(&self, r: Range<usize>) -> Mapped {
        Mapped {
            text: self.text[r.clone()].to_string(),
            starts: self.starts[r.clone()].to_vec(),
            ends: self.ends[r].to_vec(),
        }
    }

    /// The byte range left after trimming whitespace at both ends of `r`.
    pub fn trimmed_range(&self, r: Range<usize>) -> Range<usize> {
        let s = &self.text[r.clone()];
        let lead = s.len() - s.trim_start().len();
        let trail = s.len() - s.trim_end().len();
        if lead == s.len() {
            return r.start..r.start;
        }
        r.start + lead..r.end - trail
    }

    /// This text without surrounding whitespace.
    pub fn trim(&self) -> Mapped {
        self.slice(self.trimmed_range(0..self.text.len()))
    }
}

/// A cleaned document: its paragraphs and the portal metadata fields found in it.
#[derive(Debug, Clone, Default)]
pub struct Cleaned {
    /// Paragraphs in reading order (never empty strings).
    pub paras: Vec<Mapped>,
    /// Portal metadata fields (`发文机构` → value), field names in Simplified, values as
    /// printed, in order of appearance.
    pub fields: Vec<(String, String)>,
}

/// Pinyin after a Han character: `業(yè)`, `发(fa)`.
static PINYIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\p{Han}([(（])([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{1,7})([)）])").expect("static regex")
});

/// One toneless pinyin syllable (used to accept `(ye)` but not `(app)`).
static SYLLABLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ueng|iao|ian|uai|uan|ang|eng|ing|ong|ai|ei|ao|ou|an|en|er|ia|ie|iu|in|ua|uo|ui|un|ue|ve|üe|a|o|e|i|u|v|ü)$",
    )
    .expect("static regex")
});

const TONED: &str = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ";

fn is_pinyin(s: &str) -> bool {
    s.chars().any(|c| TONED.contains(c)) || SYLLABLE.is_match(s)
}

/// Spaces that become a plain space: NBSP, ideographic space, tabs, the other Unicode spaces.
fn is_odd_space(c: char) -> bool {
    matches!(
        c,
        '\u{a0}' | '\u{3000}' | '\t' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}'
    )
}

/// Invisible characters dropped outright.
fn is_invisible(c: char) -> bool {
    matches!(c, '\r' | '\u{feff}' | '\u{200b}'..='\u{200d}' | '\u{2060}')
}

/// Cleans one source line that starts at byte `base` of the source.
pub fn clean_line(line: &str, base: usize) -> Mapped {
    let mut drop: Vec<Range<usize>> = Vec::new();
    for caps in PINYIN.captures_iter(line) {
        let (open, py, close) = (caps.get(1), caps.get(2), caps.get(3));
        if let (Some(open), Some(py), Some(close)) = (open, py, close)
            && is_pinyin(py.as_str())
        {
            drop.push(open.start()..close.end());
        }
    }
    let mut out = Mapped::default();
    let mut d = drop.iter().peekable();
    for (i, c) in line.char_indices() {
        while d.peek().is_some_and(|r| r.end <= i) {
            d.next();
        }
        if d.peek().is_some_and(|r| r.contains(&i)) || is_invisible(c) {
            continue;
        }
        let c = if is_odd_space(c) { ' ' } else { c };
        out.push(
            c,
            base + i..base + i + line[i..].chars().next().map_or(1, char::len_utf8),
        );
    }
    out.trim()
}

/// The kind of numbered heading a paragraph starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadingKind {
    /// `第一章` / `一、`.
    Chapter,
    /// `第一节` / `(一)`.
    Section,
    /// `1.` / `1、`.
    Numbered,
    /// `第一条`.
    Article,
}

/// A numbered heading at the start of a paragraph: its kind, its number and the byte
/// length of the label (numeral and punctuation, plus following spaces).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    /// Which kind.
    pub kind: HeadingKind,
    /// The number (1-based).
    pub number: u32,
    /// Byte length of the label in the paragraph.
    pub len: usize,
    /// True for the formal `第X章` / `第X节` / `第X条` forms.
    pub formal: bool,
}

static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:",
        r"第(?P<art>[一二三四五六七八九十百千零〇两兩]+)[条條]",
        r"|第(?P<chap>[一二三四五六七八九十百千零〇两兩]+)章",
        r"|第(?P<sect>[一二三四五六七八九十百千零〇两兩]+)[节節]",
        r"|(?P<ch>[一二三四五六七八九十]+)、",
        r"|[(（](?P<sec>[一二三四五六七八九十]+)[)）]",
        r"|(?P<num>\d{1,4})(?:[、]|[.．](?:[^\d]|$))",
        r")\s*"
    ))
    .expect("static regex")
});

/// The numbered label a paragraph starts with, if any.
pub fn label(text: &str) -> Option<Label> {
    let caps = LABEL.captures(text)?;
    let whole = caps.get(0)?;
    let pick = |name: &str, kind: HeadingKind| caps.name(name).map(|m| (kind, m.as_str()));
    let (kind, num) = pick("art", HeadingKind::Article)
        .or_else(|| pick("chap", HeadingKind::Chapter))
        .or_else(|| pick("sect", HeadingKind::Section))
        .or_else(|| pick("ch", HeadingKind::Chapter))
        .or_else(|| pick("sec", HeadingKind::Section))
        .or_else(|| pick("num", HeadingKind::Numbered))?;
    let number = num.parse::<u32>().ok().or_else(|| chinese_number(num))?;
    // `1.x` consumed the character after the dot: give it back.
    let mut len = whole.end();
    if kind == HeadingKind::Numbered && !whole.as_str().trim_end().ends_with(['.', '．', '、']) {
        let body = whole.as_str().trim_end();
        let last = body.chars().next_back().map_or(0, char::len_utf8);
        len = body.len() - last;
        len += text[len..].len() - text[len..].trim_start().len();
    }
    let formal = whole.as_str().starts_with('第');
    Some(Label {
        kind,
        number,
        len,
        formal,
    })
}

/// Value of a Chinese numeral up to 9999 (`十二` → 12, `二十` → 20, `一千零五` → 1005);
/// `None` for what is no numeral or overflows.
pub fn chinese_number(s: &str) -> Option<u32> {
    let digit = |c: char| {
        "零一二三四五六七八九"
            .find(c)
            .map(|i| (i / 3) as u32)
            .or(match c {
                '〇' => Some(0),
                '两' | '兩' => Some(2),
                _ => None,
            })
    };
    let mut total: u32 = 0;
    let mut current: u32 = 0;
    let mut any = false;
    for c in s.chars() {
        any = true;
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            c => {
                current = current.checked_mul(10)?.checked_add(digit(c)?)?;
                continue;
            }
        };
        let part = if current == 0 {
            unit
        } else {
            current.checked_mul(unit)?
        };
        total = total.checked_add(part)?;
        current = 0;
    }
    if any {
        total.checked_add(current)
    } else {
        None
    }
}

/// Cleans a decoded source text.
///
/// Lines that are page chrome or portal metadata are dropped (the metadata goes to
/// [`Cleaned::fields`]). A paragraph is joined with the next one only when it was cut by a
/// page break: it is a long body line ending in a Han character (not punctuation) that does
/// not end like a title, and the next paragraph is not a numbered heading. (A naive join of
/// every Han–blank–Han pair glues titles and chrome onto bodies.) An unclosed 《 or ( at
/// the end of a line also carries over to the next line.
pub fn clean(source: &str, rules: &Rules) -> Cleaned {
    let mut out = Cleaned::default();
    let mut base = 0;
    let mut joinable = false;
    for raw in source.split_inclusive('\n') {
        let line_start = base;
        base += raw.len();
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        let m = clean_line(line, line_start);
        if m.text.is_empty() {
            continue;
        }
        let simplified = text::to_simplified(&m.text);
        if let Some(fields) = metadata_fields(&simplified, &m.text, rules) {
            out.fields.extend(fields);
            joinable = false;
            continue;
        }
        if rules.is_chrome(&simplified) {
            joinable = false;
            continue;
        }
        if joinable
            && let Some(prev) = out.paras.last_mut()
            && label(&simplified).is_none()
            && cut_by_break(&prev.text, rules)
        {
            prev.append(&m);
            continue;
        }
        out.paras.push(m);
        joinable = true;
    }
    out
}

/// Characters of context kept around a piece of text converted on its own, so that a
/// Traditional phrase crossing the cut converts as it does in place.
pub(crate) const CONVERSION_CONTEXT: usize = 4;

/// True if a paragraph ending like this continues on the next line.
fn cut_by_break(prev: &str, rules: &Rules) -> bool {
    let Some(last) = prev.chars().next_back() else {
        return false;
    };
    if !text::is_han(last) {
        return false;
    }
    // Brackets are the same in both scripts; only the ending needs converting, and only
    // its last few characters (a paragraph is checked again after every line joined).
    if unclosed_title_bracket(prev) {
        return true;
    }
    let longest = super::rules::longest_chars(&rules.title_endings);
    let tail_start = prev
        .char_indices()
        .rev()
        .nth(longest + CONVERSION_CONTEXT)
        .map_or(0, |(i, _)| i);
    let tail = text::to_simplified(&prev[tail_start..]);
    prev.chars().count() >= rules.page_break_min_chars
        && !rules
            .title_endings
            .iter()
            .any(|e| tail.ends_with(e.as_str()))
}

fn unclosed_title_bracket(s: &str) -> bool {
    let mut depth: i32 = 0;
    for c in s.chars() {
        match c {
            '《' | '（' | '(' => depth += 1,
            '》' | '）' | ')' => depth -= 1,
            _ => {}
        }
    }
    depth > 0 && s.contains('《')
}

/// The metadata fields of a portal metadata line, or `None` if it is not one.
fn metadata_fields(
    simplified: &str,
    original: &str,
    rules: &Rules,
) -> Option<Vec<(String, String)>> {
    if let Some(c) = rules.meta_field.captures(simplified) {
        let name = c.get(1)?.as_str().to_string();
        // The value as printed: same char offset in the original.
        let at = simplified[..c.get(2)?.start()].chars().count();
        let value: String = original.chars().skip(at).collect();
        return Some(vec![(name, value.trim().to_string())]);
    }
    let matches: Vec<_> = rules.meta_inline.captures_iter(simplified).collect();
    let starts_with_field = matches
        .first()
        .and_then(|c| c.get(0))
        .is_some_and(|m| m.start() == 0);
    if matches.len() >= 2 && starts_with_field && !simplified.contains('。') {
        let fields = matches
            .iter()
            .filter_map(|c| {
                let value = c.get(2)?;
                let at = simplified[..value.start()].chars().count();
                let len = value.as_str().chars().count();
                let v: String = original.chars().skip(at).take(len).collect();
                Some((c.get(1)?.as_str().to_string(), v))
            })
            .collect();
        return Some(fields);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> &'static Rules {
        Rules::bundled().unwrap()
    }

    #[test]
    fn pinyin_with_and_without_tones_is_removed_but_words_stay() {
        let m = clean_line("企業(yè)發(fā)展,中小企業(ye)與App(app)(含)", 0);
        assert_eq!(m.text, "企業發展,中小企業與App(app)(含)");
    }

    #[test]
    fn spans_point_back_into_the_source() {
        let src = "x\n\u{a0}企業(yè)發(fā)展\u{3000}好\n";
        let c = clean(src, rules());
        assert_eq!(c.paras.len(), 2);
        let p = &c.paras[1];
        assert_eq!(p.text, "企業發展 好");
        let span = p.full_span();
        assert_eq!(&src[span], "企業(yè)發(fā)展\u{3000}好");
        // "發展" inside it
        let i = p.text.find("發展").unwrap();
        assert_eq!(&src[p.span(i..i + "發展".len())], "發(fā)展");
    }

    #[test]
    fn page_break_join_is_careful() {
        let body = "三、实施“场景育新”行动。围绕机器人、信创、氢能等前沿新兴领域，推动企业参与智慧城市场景创新开放建设，对专精";
        let src = format!(
            "关于实施十大强企行动激发专精特新企业活力的若干措施\n\n为进一步激发活力\n\n{body}\n\n特新企业参与。\n\n四、实施行动。\n"
        );
        let c = clean(&src, rules());
        let texts: Vec<_> = c.paras.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts.len(), 4, "{texts:?}");
        assert!(texts[2].contains("对专精特新企业参与。"));
        assert!(texts[0].ends_with("若干措施"), "title glued: {texts:?}");
    }

    #[test]
    fn portal_fields_are_read_and_dropped() {
        let src = "  2. [發文機構] 北京市經濟和信息化局\n  8. [發佈日期] 2021-12-23\n日期:2013-11-30\u{a0} 來源:中關村園區管委會\n正文。\n";
        let c = clean(src, rules());
        assert_eq!(c.paras.len(), 1);
        assert!(
            c.fields
                .contains(&("发文机构".into(), "北京市經濟和信息化局".into()))
        );
        assert!(c.fields.contains(&("发布日期".into(), "2021-12-23".into())));
        assert!(c.fields.contains(&("日期".into(), "2013-11-30".into())));
    }

    #[test]
    fn labels() {
        let l = label("1.支援基礎研究").unwrap();
        assert_eq!((l.kind, l.number, l.len), (HeadingKind::Numbered, 1, 2));
        let l = label("十、实施“服务聚合”行动。").unwrap();
        assert_eq!((l.kind, l.number), (HeadingKind::Chapter, 10));
        let l = label("(三)助推数字化").unwrap();
        assert_eq!((l.kind, l.number), (HeadingKind::Section, 3));
        let l = label("第十二条 本办法").unwrap();
        assert_eq!(
            (l.kind, l.number, l.len),
            (HeadingKind::Article, 12, "第十二条 ".len())
        );
        assert!(label("2.0 以上").is_none());
        assert!(label("2021年12月22日").is_none());
        assert_eq!(chinese_number("二十一"), Some(21));
    }
}
