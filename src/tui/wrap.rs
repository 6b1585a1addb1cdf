//! Line breaking for Chinese text, measured in terminal cells.
//!
//! ratatui's own wrapping breaks only at spaces, and Chinese has none. This wrapper
//! breaks between jieba words (segmented on the Simplified form, which has the same
//! characters one for one), keeps a figure such as 300万元 or 70% whole, never starts a
//! line with closing punctuation, and breaks inside a word only when the word alone is
//! wider than the line. The punctuation rules are data (`kinsoku.toml`).

use std::ops::Range;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Deserialize;
use unicode_width::UnicodeWidthChar;

use crate::text;

/// The line-breaking rules (禁则) loaded from `kinsoku.toml`.
#[derive(Debug, Clone, Deserialize)]
pub struct Kinsoku {
    /// Characters that may never start a line.
    pub no_line_start: String,
    /// Characters that may never end a line.
    pub no_line_end: String,
    /// Words kept attached to a number before them (万元, %).
    pub number_units: Vec<String>,
    /// Characters that join two numbers into a range (—, 至).
    pub range_joiners: String,
}

/// The bundled rules.
pub const BUNDLED_KINSOKU: &str = include_str!("kinsoku.toml");

static KINSOKU: LazyLock<Kinsoku> = LazyLock::new(|| {
    Kinsoku::parse(BUNDLED_KINSOKU).unwrap_or_else(|_| Kinsoku {
        no_line_start: "，。；：、！？）」』】》”’".into(),
        no_line_end: "（「『【《“‘".into(),
        number_units: vec!["万元".into(), "%".into()],
        range_joiners: "—-".into(),
    })
});

impl Kinsoku {
    /// Parses a rules file.
    pub fn parse(text: &str) -> anyhow::Result<Kinsoku> {
        toml::from_str(text).map_err(|e| anyhow::anyhow!("kinsoku.toml: {e}"))
    }

    /// The rules in use.
    pub fn get() -> &'static Kinsoku {
        &KINSOKU
    }

    fn no_start(&self, c: char) -> bool {
        self.no_line_start.contains(c)
    }

    fn no_end(&self, c: char) -> bool {
        self.no_line_end.contains(c)
    }
}

static WORDS_READY: AtomicBool = AtomicBool::new(false);

/// Loads jieba (120–500 ms) so that later wrapping breaks between words. Until it has
/// run, [`wrap`] breaks between characters (still keeping figures and punctuation
/// right), so the first frame never waits for the dictionary.
pub fn load_segmenter() {
    let _ = text::jieba();
    WORDS_READY.store(true, Ordering::Release);
}

/// True once [`load_segmenter`] has finished.
pub fn segmenter_ready() -> bool {
    WORDS_READY.load(Ordering::Acquire)
}

/// Display width of a character in terminal cells (control characters count 0).
pub fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Display width of a string in terminal cells.
pub fn str_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// The longest prefix of `s` that fits in `width` cells, never cutting a character.
pub fn fit_prefix(s: &str, width: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        let w = char_width(c);
        if used + w > width {
            return &s[..i];
        }
        used += w;
    }
    s
}

/// Splits `text` into lines of at most `width` cells and returns their byte ranges
/// (without the line feeds). `keep_whole` lists byte ranges (figures) that must not be
/// split unless they alone are wider than the line. A line feed in the text always
/// ends a line; an empty text gives one empty line.
pub fn wrap(text: &str, width: usize, keep_whole: &[Range<usize>]) -> Vec<Range<usize>> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut start = 0;
    for para in text.split('\n') {
        let end = start + para.len();
        let units = units(text, start..end, keep_whole);
        fill(text, &units, width, start..end, &mut lines);
        start = end + 1;
    }
    lines
}

/// The unbreakable units of one paragraph, as byte ranges of `text`.
fn units(text: &str, para: Range<usize>, keep_whole: &[Range<usize>]) -> Vec<Range<usize>> {
    let k = Kinsoku::get();
    let p = &text[para.clone()];
    let mut words = segment(p);
    for w in &mut words {
        w.start += para.start;
        w.end += para.start;
    }
    // number + unit, and number–number ranges
    let is_numberish = |r: &Range<usize>| {
        let s = &text[r.clone()];
        s.chars()
            .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
            && s.chars().all(|c| {
                c.is_ascii_digit()
                    || ('０'..='９').contains(&c)
                    || ".,．%％".contains(c)
                    || k.range_joiners.contains(c)
            })
    };
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let mut cur = words[i].clone();
        i += 1;
        if is_numberish(&cur) {
            loop {
                // a range: 100 — 2000
                if i + 1 < words.len()
                    && text[words[i].clone()]
                        .chars()
                        .all(|c| k.range_joiners.contains(c))
                    && is_numberish(&words[i + 1])
                {
                    cur.end = words[i + 1].end;
                    i += 2;
                    continue;
                }
                break;
            }
            if i < words.len() {
                let next = &text[words[i].clone()];
                if k.number_units.iter().any(|u| next.starts_with(u.as_str())) {
                    cur.end = words[i].end;
                    i += 1;
                }
            }
        }
        merged.push(cur);
    }
    // figures and other spans that must stay whole
    let mut out: Vec<Range<usize>> = Vec::with_capacity(merged.len());
    for u in merged {
        if let Some(last) = out.last_mut()
            && keep_whole.iter().any(|kw| {
                kw.start < last.end && kw.end > last.start && kw.start < u.end && kw.end > u.start
            })
        {
            last.end = u.end;
            continue;
        }
        out.push(u);
    }
    // kinsoku: closing punctuation joins the unit before, opening punctuation the unit after
    glue(text, out)
}

/// Word boundaries of `p` as byte ranges of `p`: jieba words once the segmenter is
/// loaded, else single characters with ASCII runs kept together.
fn segment(p: &str) -> Vec<Range<usize>> {
    if p.is_empty() {
        return Vec::new();
    }
    if segmenter_ready() {
        let simplified = text::to_simplified(p);
        let bytes: Vec<usize> = p.char_indices().map(|(b, _)| b).chain([p.len()]).collect();
        if simplified.chars().count() + 1 == bytes.len() {
            let words: Vec<Range<usize>> = text::jieba()
                .cut(&simplified, true)
                .into_iter()
                .map(|t| bytes[t.start]..bytes[t.end])
                .collect();
            if words.last().map(|w| w.end) == Some(p.len()) {
                return words;
            }
        }
    }
    let mut words: Vec<Range<usize>> = Vec::new();
    let mut prev_ascii = false;
    for (b, c) in p.char_indices() {
        let ascii = c.is_ascii_alphanumeric() || (prev_ascii && ".%".contains(c));
        match words.last_mut() {
            Some(w) if ascii && prev_ascii => w.end = b + c.len_utf8(),
            _ => words.push(b..b + c.len_utf8()),
        }
        prev_ascii = ascii;
    }
    words
}

/// Greedy fill of one paragraph's units into lines.
fn fill(
    text: &str,
    units: &[Range<usize>],
    width: usize,
    para: Range<usize>,
    lines: &mut Vec<Range<usize>>,
) {
    let mut cur = para.start..para.start;
    let mut cur_w = 0usize;
    fill_units(text, units, width, &mut cur, &mut cur_w, lines, true);
    lines.push(cur);
}

fn fill_units(
    text: &str,
    units: &[Range<usize>],
    width: usize,
    cur: &mut Range<usize>,
    cur_w: &mut usize,
    lines: &mut Vec<Range<usize>>,
    may_split_words: bool,
) {
    for u in units {
        let s = &text[u.clone()];
        let w = str_width(s);
        if *cur_w + w <= width {
            cur.end = u.end;
            *cur_w += w;
        } else if s.chars().all(char::is_whitespace) {
            // spaces at a break are dropped
            lines.push(cur.clone());
            *cur = u.end..u.end;
            *cur_w = 0;
        } else if w <= width {
            if *cur_w > 0 {
                lines.push(cur.clone());
            }
            *cur = u.clone();
            *cur_w = w;
        } else if may_split_words {
            // wider than a line: break between its characters, still keeping
            // punctuation with its neighbour
            let chars = glue(
                text,
                s.char_indices()
                    .map(|(o, c)| u.start + o..u.start + o + c.len_utf8()),
            );
            fill_units(text, &chars, width, cur, cur_w, lines, false);
        } else {
            // a character with its punctuation is wider than the line: cut anywhere
            for (o, c) in s.char_indices() {
                let cw = char_width(c);
                let b = u.start + o;
                if *cur_w + cw > width && *cur_w > 0 {
                    lines.push(cur.clone());
                    *cur = b..b;
                    *cur_w = 0;
                }
                cur.end = b + c.len_utf8();
                *cur_w += cw;
            }
        }
    }
}

/// Joins closing punctuation to the unit before it and opening punctuation to the unit
/// after it.
fn glue(text: &str, units: impl IntoIterator<Item = Range<usize>>) -> Vec<Range<usize>> {
    let k = Kinsoku::get();
    let mut res: Vec<Range<usize>> = Vec::new();
    let mut glue_next = false;
    for u in units {
        let s = &text[u.clone()];
        let first = s.chars().next();
        let last = s.chars().next_back();
        match res.last_mut() {
            Some(prev) if glue_next || first.is_some_and(|c| k.no_start(c)) => prev.end = u.end,
            _ => res.push(u),
        }
        glue_next = last.is_some_and(|c| k.no_end(c));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str, width: usize, keep: &[Range<usize>]) -> Vec<String> {
        wrap(text, width, keep)
            .into_iter()
            .map(|r| text[r].to_string())
            .collect()
    }

    fn check_widths(ls: &[String], width: usize) {
        for l in ls {
            assert!(str_width(l) <= width, "line {l:?} is wider than {width}");
        }
    }

    const LISTING: &str = "支持企业在A股或境外主要证券交易所上市，市级财政按规定给予每家总额不超过300万元的资金补贴。";

    #[test]
    fn every_character_is_kept_in_order() {
        load_segmenter();
        for width in [1, 2, 3, 7, 10, 13, 20, 40, 200] {
            let ls = lines(LISTING, width, &[]);
            assert_eq!(ls.concat(), LISTING, "width {width}");
        }
    }

    #[test]
    fn lines_fit_and_figures_stay_whole() {
        load_segmenter();
        for width in 8..40 {
            let ls = lines(LISTING, width, &[]);
            check_widths(&ls, width);
            assert!(
                ls.iter().any(|l| l.contains("300万元")),
                "width {width}: {ls:?}"
            );
        }
        let text = "按照实际发生费用给予最高70%的资金支持";
        for width in 6..30 {
            let ls = lines(text, width, &[]);
            assert!(
                ls.iter().any(|l| l.contains("70%")),
                "width {width}: {ls:?}"
            );
        }
    }

    #[test]
    fn explicit_figure_spans_are_kept_whole() {
        load_segmenter();
        let text = "给予单个企业最高不超过一百万元支持";
        let start = text.find("最高").unwrap();
        let end = text.find("支持").unwrap();
        // 最高不超过一百万元 is 18 cells wide
        let figure = std::ops::Range { start, end };
        for width in 18..40 {
            let ls = lines(text, width, std::slice::from_ref(&figure));
            assert!(
                ls.iter().any(|l| l.contains("最高不超过一百万元")),
                "width {width}: {ls:?}"
            );
        }
    }

    #[test]
    fn no_line_starts_with_closing_punctuation() {
        load_segmenter();
        let text = "对认定的“专精特新”中小企业，给予奖励；对“小巨人”企业（含国家级），再给予支持。其他事项另行规定、具体办法见附件」。";
        let k = Kinsoku::get();
        // from 6 cells on, a character and its punctuation (级），) always fit together
        for width in 6..60 {
            let ls = lines(text, width, &[]);
            assert_eq!(ls.concat(), text);
            for l in &ls[1..] {
                let c = l.chars().next().unwrap();
                assert!(
                    !k.no_line_start.contains(c),
                    "width {width}: line starts with {c}: {ls:?}"
                );
            }
            for l in &ls[..ls.len() - 1] {
                let c = l.chars().next_back().unwrap();
                assert!(
                    !k.no_line_end.contains(c),
                    "width {width}: line ends with {c}: {ls:?}"
                );
            }
        }
    }

    #[test]
    fn breaks_fall_between_words() {
        load_segmenter();
        // 中小企业 and 专精特新 are one word each; at width 10 neither may be split
        let text = "促进中小企业专精特新发展";
        let ls = lines(text, 10, &[]);
        check_widths(&ls, 10);
        assert!(ls.iter().any(|l| l.contains("中小企业")), "{ls:?}");
        assert!(ls.iter().any(|l| l.contains("专精特新")), "{ls:?}");
    }

    #[test]
    fn traditional_text_breaks_at_simplified_word_boundaries() {
        load_segmenter();
        let text = "促進中小企業專精特新發展";
        let ls = lines(text, 10, &[]);
        assert_eq!(ls.concat(), text);
        assert!(ls.iter().any(|l| l.contains("中小企業")), "{ls:?}");
        assert!(ls.iter().any(|l| l.contains("專精特新")), "{ls:?}");
    }

    #[test]
    fn ranges_are_kept_whole() {
        load_segmenter();
        let text = "按照项目总投资给予100—2000万元的贷款贴息";
        for width in 16..30 {
            let ls = lines(text, width, &[]);
            assert!(
                ls.iter().any(|l| l.contains("100—2000万元")),
                "width {width}: {ls:?}"
            );
        }
    }

    #[test]
    fn a_word_wider_than_the_line_is_broken() {
        let ls = lines("专精特新", 4, &[]);
        assert_eq!(ls, vec!["专精", "特新"]);
        // a double-width character never goes past the edge, even at width 1
        let ls = lines("专精", 1, &[]);
        assert_eq!(ls.concat(), "专精");
    }

    #[test]
    fn line_feeds_end_lines_and_empty_text_is_one_line() {
        assert_eq!(lines("", 10, &[]), vec![""]);
        assert_eq!(lines("一\n\n二", 10, &[]), vec!["一", "", "二"]);
    }

    #[test]
    fn mixed_ascii_counts_one_cell() {
        let text = "A股 and 北交所 listing";
        let ls = lines(text, 9, &[]);
        check_widths(&ls, 9);
    }

    #[test]
    fn fit_prefix_never_cuts_a_character() {
        assert_eq!(fit_prefix("中文abc", 3), "中");
        assert_eq!(fit_prefix("中文abc", 4), "中文");
        assert_eq!(fit_prefix("中文abc", 0), "");
        assert_eq!(fit_prefix("ab", 10), "ab");
    }

    #[test]
    fn bundled_rules_parse() {
        let k = Kinsoku::parse(BUNDLED_KINSOKU).unwrap();
        assert!(k.no_line_start.contains('，'));
        assert!(k.number_units.iter().any(|u| u == "万元"));
    }
}
