//! Figures as search terms: every way of writing an amount or a percentage becomes one
//! canonical token, so `300万`, `300萬元`, `3,000,000元` and `三百万` all find the
//! same clauses while `300万` never matches 3000万.
//!
//! What is a figure is the one grammar of [`crate::text::amount`], which the figures stage
//! ([`crate::facts`]) uses too: a figure is searchable exactly when it is a `Figure`.
//!
//! Canonical tokens:
//! * money, in yuan: `¥3000000` (万 and 亿 resolved; a bare `万`/`亿` without 元 counts
//!   as money too, which is how figures are written in these documents, unless it
//!   counts something: `14万家`);
//! * percentages: `%70`.
//!
//! A range (`100—2000万元`, `40%-60%`, `5万元至10万元`) yields both ends; the unit
//! written after the second number applies to the first when the first has none.

use crate::text::amount::{self, Unit};

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

/// Every figure in `simplified` (already converted with [`crate::text::to_simplified`]).
pub fn scan(simplified: &str) -> Vec<FigureSpan> {
    let mut out = Vec::new();
    // byte offset -> char index, counting as we go
    let mut chars_before = 0usize;
    let mut last_byte = 0usize;
    for a in amount::scan(simplified) {
        chars_before += simplified[last_byte..a.bytes.start].chars().count();
        let start = chars_before;
        let end = start + simplified[a.bytes.clone()].chars().count();
        chars_before = end;
        last_byte = a.bytes.end;
        let mut tokens = vec![token(a.value, a.unit)];
        if let Some(max) = a.value_max {
            let second = token(max, a.unit);
            if second != tokens[0] {
                tokens.push(second);
            }
        }
        out.push(FigureSpan { start, end, tokens });
    }
    out
}

/// The canonical token of an amount: `¥3000000`, `%70`.
pub fn token(value: f64, unit: Unit) -> String {
    let sign = match unit {
        Unit::Yuan => '¥',
        Unit::Percent => '%',
    };
    format!("{sign}{}", format_number(value))
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
    amount::parse_money(text)
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
    fn a_figure_is_searchable_iff_it_is_a_figure() {
        // every line of the bundled corpus and of the links test documents, both scripts
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut lines = Vec::new();
        for dir in ["corpus", "tests/links/corpus"] {
            for e in std::fs::read_dir(root.join(dir)).expect("folder").flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.ends_with(".txt") && name != "dict.txt" {
                    let text = std::fs::read_to_string(e.path()).expect("document");
                    lines.extend(text.lines().map(String::from));
                }
            }
        }
        let mut seen = 0;
        for line in &lines {
            let simplified = crate::text::to_simplified(line);
            let char_of = |byte: usize| line[..byte].chars().count();
            let from_facts: Vec<(usize, usize, Vec<String>)> = crate::facts::extract(line)
                .into_iter()
                .map(|f| {
                    let mut t = vec![token(f.value, f.unit)];
                    if let Some(max) = f.value_max.map(|m| token(m, f.unit))
                        && max != t[0]
                    {
                        t.push(max);
                    }
                    (char_of(f.span.start), char_of(f.span.end), t)
                })
                .collect();
            let from_search: Vec<(usize, usize, Vec<String>)> = scan(&simplified)
                .into_iter()
                .map(|f| (f.start, f.end, f.tokens))
                .collect();
            assert_eq!(from_facts, from_search, "{line}");
            seen += from_search.len();
        }
        assert!(seen > 250, "{seen} figures");
    }

    #[test]
    fn counted_things_are_no_money() {
        assert!(tokens("2012年底我区共有中小微企业14万家").is_empty());
        assert_eq!(tokens("最高奖励300万"), vec!["¥3000000"]);
        assert_eq!(tokens("補助其查證費用百分之七十"), vec!["%70"]);
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
