//! Figures as search terms: every way of writing an amount or a percentage becomes one
//! canonical token, so `300万`, `300萬元`, `3,000,000元` and `三百万` all find the
//! same clauses while `300万` never matches 3000万.
//!
//! Canonical tokens:
//! * money, in yuan: `¥3000000` (万 and 亿 resolved; a bare `万`/`亿` without 元 counts
//!   as money too, which is how figures are written in these documents);
//! * percentages: `%70`.
//!
//! A range (`100—2000万元`, `40%-60%`, `5万元至10万元`) yields both ends; the unit
//! written after the second number applies to the first when the first has none.

use std::sync::LazyLock;

use regex::Regex;

/// One figure found in Simplified text.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureSpan {
    /// First character (char index, not bytes) of the figure.
    pub start: usize,
    /// One past the last character (char index).
    pub end: usize,
    /// Canonical tokens (`¥3000000`, `%70`), one per end of a range.
    pub tokens: Vec<String>,
}

const NUM: &str =
    r"(?:[0-9０-９]+(?:,[0-9０-９]{3})*(?:[.．][0-9０-９]+)?|[零〇一二两三四五六七八九十百千]+)";
const UNIT: &str = r"(?:[%％]|[万亿]+元?|元)";
const DASH: &str = r"(?:—{1,2}|–|－|-|～|~|〜|至|到)";

static FIGURE: LazyLock<Regex> = LazyLock::new(|| {
    // num1 [unit1] [dash num2] unit2 — the final unit is required.
    let pattern = format!(
        r"(?P<n1>{NUM})[ \t]*(?:(?P<u1>{UNIT})[ \t]*)?(?:{DASH}[ \t]*(?P<n2>{NUM})[ \t]*)?(?P<u2>{UNIT})?"
    );
    Regex::new(&pattern).expect("figure pattern is valid")
});

/// Every figure in `simplified` (already converted with [`crate::text::to_simplified`]).
pub fn scan(simplified: &str) -> Vec<FigureSpan> {
    let mut out = Vec::new();
    // byte offset -> char index, computed lazily by counting as we go
    let mut char_at_byte = 0usize;
    let mut last_byte = 0usize;
    for caps in FIGURE.captures_iter(simplified) {
        let whole = caps.get(0).expect("group 0 always matches");
        let (n1, u1, n2, u2) = (
            caps.name("n1").map(|m| m.as_str()),
            caps.name("u1").map(|m| m.as_str()),
            caps.name("n2").map(|m| m.as_str()),
            caps.name("u2").map(|m| m.as_str()),
        );
        let Some(n1) = n1 else { continue };
        // Work out which parts form a figure.
        let (first, second, end_byte) = match (u1, n2, u2) {
            // 100—2000万元, 40%-60%
            (_, Some(n2), Some(u2)) => {
                let a = value(n1, u1.unwrap_or(u2));
                let b = value(n2, u2);
                (a, b, whole.end())
            }
            // 300万元 followed by something that is not a second figure
            (Some(u1), _, _) => {
                let end = caps.name("u1").map(|m| m.end()).unwrap_or(whole.end());
                (value(n1, u1), None, end)
            }
            (None, None, Some(u2)) => (value(n1, u2), None, whole.end()),
            _ => (None, None, whole.end()),
        };
        let Some(first) = first else { continue };
        // A Chinese numeral is a figure only with 万/亿/元 after it, which the pattern
        // guarantees; an Arabic number followed by nothing was rejected above.
        let start_byte = whole.start();
        char_at_byte += simplified[last_byte..start_byte].chars().count();
        let start = char_at_byte;
        let end = start + simplified[start_byte..end_byte].chars().count();
        char_at_byte = end;
        last_byte = end_byte;
        let mut tokens = vec![first];
        if let Some(second) = second
            && second != tokens[0]
        {
            tokens.push(second);
        }
        out.push(FigureSpan { start, end, tokens });
    }
    out
}

/// The canonical token of a number with its unit, or `None` when it is not a figure.
fn value(number: &str, unit: &str) -> Option<String> {
    let mut amount = parse_number(number)?;
    let percent = unit.starts_with(['%', '％']);
    if !percent {
        for c in unit.chars() {
            match c {
                '万' => amount *= 1e4,
                '亿' => amount *= 1e8,
                _ => {}
            }
        }
    }
    if !amount.is_finite() || amount < 0.0 {
        return None;
    }
    Some(format!(
        "{}{}",
        if percent { '%' } else { '¥' },
        format_number(amount)
    ))
}

/// Parses Arabic (with full-width digits and thousands separators) or Chinese numerals.
fn parse_number(text: &str) -> Option<f64> {
    if text
        .chars()
        .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    {
        let ascii: String = text
            .chars()
            .filter(|c| *c != ',')
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                '．' => '.',
                c => c,
            })
            .collect();
        return ascii.parse().ok();
    }
    parse_chinese(text)
}

/// 三百 → 300, 一千五百 → 1500, 十二 → 12, 两千零五 → 2005 (万/亿 are units, handled by the caller).
fn parse_chinese(text: &str) -> Option<f64> {
    let mut total = 0.0;
    let mut digit: Option<f64> = None;
    for c in text.chars() {
        let d = match c {
            '零' | '〇' => Some(0.0),
            '一' => Some(1.0),
            '二' | '两' => Some(2.0),
            '三' => Some(3.0),
            '四' => Some(4.0),
            '五' => Some(5.0),
            '六' => Some(6.0),
            '七' => Some(7.0),
            '八' => Some(8.0),
            '九' => Some(9.0),
            _ => None,
        };
        if let Some(d) = d {
            // 二〇二三 style digit strings: shift
            digit = Some(digit.map_or(d, |prev| prev * 10.0 + d));
            continue;
        }
        let scale = match c {
            '十' => 10.0,
            '百' => 100.0,
            '千' => 1000.0,
            _ => return None,
        };
        total += digit.unwrap_or(1.0) * scale;
        digit = None;
    }
    Some(total + digit.unwrap_or(0.0))
}

/// `3000000`, `0.75`, `7.5` — no exponent, no trailing zeros.
fn format_number(v: f64) -> String {
    let rounded = v.round();
    if (v - rounded).abs() < 1e-6 {
        return format!("{rounded:.0}");
    }
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Parses an amount of money as a user writes it (`100万`, `1.5亿元`, `3,000,000`,
/// `三百万`, `5000`), in yuan.
pub fn parse_amount(text: &str) -> Option<f64> {
    let simplified = crate::text::to_simplified(text.trim());
    let trimmed = simplified.trim();
    if let Some(v) = parse_number(trimmed) {
        return Some(v);
    }
    let figures = scan(trimmed);
    match figures.as_slice() {
        [f] if f.start == 0 && f.end == trimmed.chars().count() => f
            .tokens
            .first()
            .and_then(|t| t.strip_prefix('¥'))
            .and_then(|v| v.parse().ok()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        scan(text).into_iter().flat_map(|f| f.tokens).collect()
    }

    #[test]
    fn every_spelling_of_three_million_is_one_token() {
        for q in [
            "300万",
            "300万元",
            "3,000,000元",
            "三百万",
            "三百万元",
            "300 万元",
            "３００万元",
        ] {
            assert_eq!(tokens(q), vec!["¥3000000"], "{q}");
        }
        assert_eq!(tokens("3000万元"), vec!["¥30000000"]);
        assert_ne!(tokens("300万"), tokens("3000万"));
    }

    #[test]
    fn figures_in_seed_sentences() {
        // beijing-2024 (Simplified) and beijing-2021 (after tw2s conversion)
        let s = "市级财政按规定给予每家总额不超过300万元的资金补贴";
        let f = scan(s);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].tokens, vec!["¥3000000"]);
        let surface: String = s
            .chars()
            .skip(f[0].start)
            .take(f[0].end - f[0].start)
            .collect();
        assert_eq!(surface, "300万元");
        assert_eq!(tokens("按照实际发生费用给予最高70%的资金支持"), vec!["%70"]);
        assert_eq!(tokens("贷款贴息比例为0.75%"), vec!["%0.75"]);
        assert_eq!(tokens("1.5亿元"), vec!["¥150000000"]);
        assert_eq!(tokens("7.5万元"), vec!["¥75000"]);
    }

    #[test]
    fn ranges_index_both_ends_with_any_dash() {
        for q in [
            "100—2000万元",
            "100-2000万元",
            "100～2000万元",
            "100至2000万元",
            "100万元—2000万元",
            "100－2000万元",
        ] {
            assert_eq!(tokens(q), vec!["¥1000000", "¥20000000"], "{q}");
        }
        assert_eq!(tokens("40%-60%"), vec!["%40", "%60"]);
        assert_eq!(tokens("给予5—20万元奖励"), vec!["¥50000", "¥200000"]);
    }

    #[test]
    fn plain_numbers_and_years_are_not_figures() {
        assert!(tokens("2013-2015年").is_empty());
        assert!(tokens("第一条 一是加强 十大强企行动 三年").is_empty());
        assert!(tokens("支持企业上市").is_empty());
    }

    #[test]
    fn amounts_parse_as_typed() {
        assert_eq!(parse_amount("100万"), Some(1_000_000.0));
        assert_eq!(parse_amount("100萬元"), Some(1_000_000.0));
        assert_eq!(parse_amount("1.5亿"), Some(150_000_000.0));
        assert_eq!(parse_amount("3,000,000"), Some(3_000_000.0));
        assert_eq!(parse_amount("5000"), Some(5000.0));
        assert_eq!(parse_amount("三百万"), Some(3_000_000.0));
        assert_eq!(parse_amount("lots"), None);
    }
}
