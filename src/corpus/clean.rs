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

/// Terminal escape sequences a page or a terminal capture may hold (CSI `ESC [ … m`, OSC
/// `ESC ] … BEL`, DCS/SOS/PM/APC strings, two-character escapes and their C1 forms): they
/// go whole, not just their ESC, so that no `[31m` or `]0;title` is left in the text.
static ESCAPES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?:\x1b\[|\x{9b})[0-?]*[ -/]*[@-~]",
        r"|(?:\x1b[\]PX^_]|[\x{90}\x{98}\x{9d}\x{9e}\x{9f}])[^\x07\x1b\x{9c}\n]*(?:\x07|\x1b\\|\x{9c})?",
        r"|\x1b[ -/]*[0-~]",
    ))
    .expect("static regex")
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

/// Invisible characters dropped outright: carriage returns, byte-order marks, zero-width
/// characters, and every other control character but the line feed and the tab (form feeds
/// from pdftotext, vertical tabs from Word, C1 controls from a mis-decoded page).
fn is_invisible(c: char) -> bool {
    matches!(c, '\r' | '\u{feff}' | '\u{200b}'..='\u{200d}' | '\u{2060}')
        || (c.is_control() && c != '\n' && c != '\t')
}

/// Cleans one source line that starts at byte `base` of the source: pinyin annotations,
/// invisible characters and odd spaces only (see [`scrub_line`] for the rules-driven noise).
pub fn clean_line(line: &str, base: usize) -> Mapped {
    scrub_line(line, base, None)
}

/// One edit of a line: drop `range`, putting `with` (mapped onto the dropped range) instead.
struct Edit {
    range: Range<usize>,
    with: Option<String>,
}

/// Cleans one source line: pinyin annotations, invisible characters, odd spaces and, given
/// the rules, segmenter debris and tag remnants, HTML entities (also with a lost `&`) and
/// runs of `?` used as indentation.
pub fn scrub_line(line: &str, base: usize, rules: Option<&Rules>) -> Mapped {
    let mut edits: Vec<Edit> = Vec::new();
    if line.contains([
        '\u{1b}', '\u{90}', '\u{98}', '\u{9b}', '\u{9d}', '\u{9e}', '\u{9f}',
    ]) {
        edits.extend(ESCAPES.find_iter(line).map(|m| Edit {
            range: m.range(),
            with: None,
        }));
    }
    for caps in PINYIN.captures_iter(line) {
        let (open, py, close) = (caps.get(1), caps.get(2), caps.get(3));
        if let (Some(open), Some(py), Some(close)) = (open, py, close)
            && is_pinyin(py.as_str())
        {
            edits.push(Edit {
                range: open.start()..close.end(),
                with: None,
            });
        }
    }
    if let Some(rules) = rules {
        let noise = &rules.noise;
        for re in &noise.inline {
            for m in re.find_iter(line) {
                edits.push(Edit {
                    range: m.range(),
                    with: None,
                });
            }
        }
        for caps in noise.entities.captures_iter(line) {
            if let (Some(m), Some(name)) = (caps.get(0), caps.get(1)) {
                edits.push(Edit {
                    range: m.range(),
                    with: noise.entity_chars.get(name.as_str()).cloned(),
                });
            }
        }
        // "?" used as indentation, or a line made only of them
        let lead = line.len() - line.trim_start().len();
        let run = line[lead..].chars().take_while(|&c| c == '?').count();
        let only = line.trim().chars().all(|c| c == '?');
        if run > 0 && (run >= noise.placeholder_min_run || only) {
            edits.push(Edit {
                range: lead..lead + run,
                with: None,
            });
        }
    }
    edits.sort_by_key(|e| (e.range.start, std::cmp::Reverse(e.range.end)));
    let mut out = Mapped::default();
    let mut at = 0;
    let mut e = edits.iter().peekable();
    for (i, c) in line.char_indices() {
        if i < at {
            continue;
        }
        while e.peek().is_some_and(|x| x.range.start < i) {
            e.next();
        }
        if let Some(edit) = e.peek()
            && edit.range.start == i
            && !edit.range.is_empty()
        {
            let src = base + edit.range.start..base + edit.range.end;
            if let Some(with) = &edit.with {
                for r in with.chars() {
                    out.push(if is_odd_space(r) { ' ' } else { r }, src.clone());
                }
            }
            at = edit.range.end;
            e.next();
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        let c = if is_odd_space(c) { ' ' } else { c };
        out.push(c, base + i..base + i + c.len_utf8().max(1));
    }
    out.trim()
}

/// `m` without the spaces that stand between a Han character and a Han character or
/// Chinese punctuation (left where toneless pinyin was stripped: `專 精特新`, `企業 ,`).
fn without_stray_spaces(m: &Mapped) -> Mapped {
    let chars: Vec<(usize, char)> = m.text.char_indices().collect();
    let mut out = Mapped::default();
    let mut k = 0;
    while k < chars.len() {
        let (i, c) = chars[k];
        let end = chars.get(k + 1).map_or(m.text.len(), |&(j, _)| j);
        if c == ' ' && k > 0 && text::is_han(chars[k - 1].1) {
            let mut j = k;
            while j < chars.len() && chars[j].1 == ' ' {
                j += 1;
            }
            if chars.get(j).is_some_and(|&(_, n)| is_han_or_cjk_punct(n))
                && !beside_formal_label(&m.text[..i], &m.text[chars[j].0..])
            {
                k = j;
                continue;
            }
        }
        out.append(&m.slice(i..end));
        k += 1;
    }
    out
}

fn is_han_or_cjk_punct(c: char) -> bool {
    text::is_han(c) || "，,。；;：:、）)”“《》".contains(c)
}

/// Formal labels end or start here: the space after `第一条` or before `第二章` is a
/// printed one.
static FORMAL_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"第[一二三四五六七八九十百零〇两兩\d]+[条章节條節]$").expect("static regex")
});
static FORMAL_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^第[一二三四五六七八九十百零〇两兩\d]+[条章节條節]").expect("static regex")
});

fn beside_formal_label(before: &str, after: &str) -> bool {
    FORMAL_END.is_match(before.trim_end()) || FORMAL_START.is_match(after)
}

/// How many stray spaces (Han, spaces, Han or Chinese punctuation) `s` has, and how many
/// Han characters.
fn stray_spaces(s: &str) -> (usize, usize) {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let han = chars.iter().filter(|&&(_, c)| text::is_han(c)).count();
    let mut n = 0;
    for k in 1..chars.len().saturating_sub(1) {
        if chars[k].1 == ' '
            && text::is_han(chars[k - 1].1)
            && is_han_or_cjk_punct(chars[k + 1].1)
            && !beside_formal_label(&s[..chars[k].0], &s[chars[k + 1].0..])
        {
            n += 1;
        }
    }
    (n, han)
}

/// The width (in characters) at which the text was hard-wrapped, if it was: a length that
/// at least four lines share, one line in three of the longer ones, ending in mid-sentence.
fn wrap_width(lines: &[Mapped]) -> Option<usize> {
    let mut counts = std::collections::HashMap::new();
    let mut long = 0;
    for l in lines {
        let n = l.text.chars().count();
        if n >= 16 {
            long += 1;
            if !l.text.ends_with(SENTENCE_END) {
                *counts.entry(n).or_insert(0usize) += 1;
            }
        }
    }
    let (&width, &count) = counts.iter().max_by_key(|&(w, c)| (*c, *w))?;
    (count >= 4 && count * 3 >= long).then_some(width)
}

const SENTENCE_END: &[char] = &['。', '；', ';', '！', '？', '：', ':'];
/// Punctuation that continues the line before it (a copy that breaks before every comma).
const CONTINUATION: &[char] = &[
    '，', ',', '、', '。', '；', ';', '：', ':', '）', ')', '”', '》',
];

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
    /// `【标签】` opening an item of a digest (numbered in order by the structure).
    Tag,
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
        r"|[(（]?(?P<sec>[一二三四五六七八九十]+)[)）]",
        r"|【(?P<tag>[^】\s]{1,20})】",
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
        .or_else(|| pick("num", HeadingKind::Numbered))
        .or_else(|| pick("tag", HeadingKind::Tag))?;
    let number = if kind == HeadingKind::Tag {
        0
    } else {
        num.parse::<u32>().ok().or_else(|| chinese_number(num))?
    };
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
/// Lines that are page chrome, login walls, SEO spam or portal metadata are dropped (the
/// metadata goes to [`Cleaned::fields`], a line holding only a 文号 too). Inside lines,
/// pinyin, segmenter debris, tag remnants and entities go (see [`scrub_line`]); when a
/// document shows the pattern of stripped toneless pinyin, the spaces it left go too.
/// Lines are joined when a copy broke them: before a comma or other continuing punctuation,
/// at a fixed wrap width (PDF text), or at a page break, carefully: a long body line ending
/// in a Han character (not punctuation) that does not end like a title, followed by a line
/// that is not a numbered heading. (A naive join of every Han–blank–Han pair glues titles
/// and chrome onto bodies.) An unclosed 《 or ( at the end of a line also carries over.
/// Finally a paragraph in which several 第X条 run on is cut before each of them.
pub fn clean(source: &str, rules: &Rules) -> Cleaned {
    let mut out = Cleaned::default();
    // Pass 1: every line scrubbed on its own.
    let mut lines: Vec<Mapped> = Vec::new();
    let mut base = 0;
    for raw in source.split_inclusive('\n') {
        let line_start = base;
        base += raw.len();
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        lines.push(scrub_line(line, line_start, Some(rules)));
    }
    let (stray, han) = lines
        .iter()
        .map(|l| stray_spaces(&l.text))
        .fold((0, 0), |(a, b), (x, y)| (a + x, b + y));
    if stray >= rules.noise.spaces_min_count && stray * rules.noise.spaces_per_han_chars >= han {
        for l in &mut lines {
            *l = without_stray_spaces(l);
        }
    }
    let width = wrap_width(&lines);

    // Pass 2: drop what is not text, join what a copy broke.
    let mut joinable = false;
    let mut wrapped = false;
    for m in lines {
        if m.text.is_empty() {
            continue;
        }
        let simplified = text::to_simplified(&m.text);
        if let Some(fields) = metadata_fields(&simplified, &m.text, rules) {
            out.fields.extend(fields);
            joinable = false;
            wrapped = false;
            continue;
        }
        if let Some(number) = doc_number_line(&simplified, rules) {
            let whole = number.chars().count() == simplified.chars().count();
            out.fields.push(("文号".into(), number));
            if whole {
                joinable = false;
                wrapped = false;
                continue;
            }
        }
        if rules.is_chrome(&simplified) || rules.noise.is_noise_line(&simplified) {
            joinable = false;
            wrapped = false;
            continue;
        }
        let first = m.text.chars().next().unwrap_or(' ');
        let only_punct = m
            .text
            .chars()
            .all(|c| !c.is_alphanumeric() && !text::is_han(c));
        if only_punct && !(joinable && CONTINUATION.contains(&first)) {
            continue;
        }
        let is_label = label(&simplified).is_some();
        let this_len = m.text.chars().count();
        let this_ends = m.text.ends_with(SENTENCE_END);
        if let Some(prev) = out.paras.last_mut()
            && ((joinable && CONTINUATION.contains(&first))
                || (wrapped && !is_label)
                || (joinable && !is_label && cut_by_break(&prev.text, rules)))
        {
            prev.append(&m);
        } else {
            out.paras.push(m);
        }
        joinable = true;
        wrapped = width.is_some_and(|w| this_len + 1 >= w && this_len <= w + 1) && !this_ends;
    }
    out.paras = out.paras.into_iter().flat_map(split_run_on).collect();
    out
}

/// Formal labels (第X条/章/节) standing in mid-paragraph after a full stop, a space or a
/// closing bracket: where a run-on copy lost its line breaks.
static RUN_ON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[。\s)）]\s*(第[一二三四五六七八九十百零〇两兩]+[条章节條節])(\s|\p{Han})")
        .expect("static regex")
});

/// Cuts a paragraph in which two or more 第X条 run on, before each of them.
fn split_run_on(p: Mapped) -> Vec<Mapped> {
    let simplified = text::to_simplified(&p.text);
    let starts: Vec<usize> = RUN_ON
        .captures_iter(&simplified)
        .filter_map(|c| c.get(1))
        .filter(|m| {
            let after = &simplified[m.end()..];
            !["规定", "的", "所称", "中的", "之", "第", "款", "项"]
                .iter()
                .any(|w| after.trim_start().starts_with(w))
        })
        .map(|m| simplified[..m.start()].chars().count())
        .collect();
    if starts.len() < 2 {
        return vec![p];
    }
    let byte_of: Vec<usize> = p
        .text
        .char_indices()
        .map(|(i, _)| i)
        .chain([p.text.len()])
        .collect();
    let mut cuts: Vec<usize> = starts.iter().map(|&c| byte_of[c]).collect();
    cuts.push(p.text.len());
    let mut out = Vec::new();
    let mut from = 0;
    for cut in cuts {
        let piece = p.slice(from..cut).trim();
        if !piece.text.is_empty() {
            out.push(piece);
        }
        from = cut;
    }
    out
}

/// The 文号 of a line that is only a 文号, or a short heading ending with one (not a
/// sentence that cites another document's number).
fn doc_number_line(simplified: &str, rules: &Rules) -> Option<String> {
    let s = simplified.trim();
    if s.contains(['。', '《', '，', ',', '；']) || s.chars().count() > 80 {
        return None;
    }
    rules.doc_number.iter().find_map(|re| {
        re.find_iter(s)
            .last()
            .filter(|m| s[m.end()..].trim().is_empty())
            .map(|m| m.as_str().split_whitespace().collect::<String>())
    })
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
    let value_of = |m: regex::Match| -> String {
        let at = simplified[..m.start()].chars().count();
        let len = m.as_str().chars().count();
        original.chars().skip(at).take(len).collect()
    };
    if let Some(c) = rules.meta_dated.captures(simplified)
        && !simplified.contains('。')
        && let Some(date) = c.get(1)
    {
        let mut fields = vec![("发布日期".to_string(), value_of(date))];
        for c in rules.meta_inline.captures_iter(simplified) {
            if let (Some(k), Some(v)) = (c.get(1), c.get(2)) {
                fields.push((k.as_str().to_string(), value_of(v)));
            }
        }
        return Some(fields);
    }
    let matches: Vec<_> = rules.meta_inline.captures_iter(simplified).collect();
    let starts_with_field = matches
        .first()
        .and_then(|c| c.get(0))
        .is_some_and(|m| m.start() == 0);
    let alone = matches.len() == 1
        && matches[0]
            .get(1)
            .is_some_and(|k| rules.meta_alone.iter().any(|a| a == k.as_str()));
    if (matches.len() >= 2 || alone)
        && starts_with_field
        && !simplified.contains('。')
        && simplified.chars().count() <= 120
    {
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
