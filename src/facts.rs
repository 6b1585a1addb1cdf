//! Stage 2a — figures: every amount of money and every percentage in a clause, with
//! what it means (a cap paid as a subsidy, an eligibility threshold, a target …).
//!
//! Matching happens on the Simplified form of the text ([`text::to_simplified`] keeps the
//! character count), and spans are mapped back to the original text, so a figure found
//! in 最高支援200萬元 points at the Traditional characters. What is an amount is the one
//! grammar of [`text::amount`] (the search index reads figures with it too); how a figure
//! is read — cap and floor words, instruments, periods and the cues for its role — is
//! data, in `corpus/figures.toml`.

use std::fmt::Write as _;
use std::ops::Range;
use std::sync::LazyLock;

use anyhow::{Context, Result};
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::text;
use crate::text::amount::{AmountWords, Grammar};

/// What a figure is measured in (yuan or percent).
pub use crate::text::amount::Unit;

/// How the figure bounds the amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Qualifier {
    /// 最高 / 不超过 / 不高于 / 上限.
    Cap,
    /// 不低于 / 以上.
    Floor,
    /// A plain amount.
    Exact,
    /// 100—2000万元: `value` to `value_max`.
    Range,
}

/// What the figure does in the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Money or a ratio the government gives.
    Support,
    /// An eligibility condition (revenue ≥ 3000万).
    Threshold,
    /// A policy goal (500 firms, 20% of the region).
    Target,
    /// A description of the economy.
    Statistic,
}

impl Role {
    /// The lowercase name used on the command line and in JSON (`support`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Support => "support",
            Role::Threshold => "threshold",
            Role::Target => "target",
            Role::Statistic => "statistic",
        }
    }

    /// Parses a role name as written on the command line.
    pub fn parse(name: &str) -> Option<Role> {
        match name.trim().to_ascii_lowercase().as_str() {
            "support" => Some(Role::Support),
            "threshold" => Some(Role::Threshold),
            "target" => Some(Role::Target),
            "statistic" => Some(Role::Statistic),
            _ => None,
        }
    }
}

/// One figure found in a clause's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// The figure as printed (`最高300万元`).
    pub surface: String,
    /// Byte range of `surface` in the clause text.
    pub span: Range<usize>,
    /// Value in `unit` (yuan, or percent).
    pub value: f64,
    /// Upper end of a range.
    pub value_max: Option<f64>,
    /// Yuan or percent.
    pub unit: Unit,
    /// Cap, floor, exact or range.
    pub qualifier: Qualifier,
    /// The instrument paid (奖励, 补贴, 贴息 …), Simplified.
    pub instrument: Option<String>,
    /// The period (一次性, 每年, 三年 …), Simplified.
    pub period: Option<String>,
    /// Support, threshold, target or statistic.
    pub role: Role,
}

impl Figure {
    /// A short human form for views: `最高300万元`, `70%`, `100—2000万元`, `不低于1亿元`.
    pub fn display(&self) -> String {
        let amount = match (self.qualifier, self.value_max) {
            (Qualifier::Range, Some(max)) => format_range(self.value, max, self.unit),
            _ => format_amount(self.value, self.unit),
        };
        match self.qualifier {
            Qualifier::Cap => format!("最高{amount}"),
            Qualifier::Floor => format!("不低于{amount}"),
            Qualifier::Exact | Qualifier::Range => amount,
        }
    }

    /// True when both figures state the same amount the same way (value, range end,
    /// unit and qualifier), whatever the script or wording.
    pub fn same_amount(&self, other: &Figure) -> bool {
        fn close(a: f64, b: f64) -> bool {
            (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
        }
        self.unit == other.unit
            && self.qualifier == other.qualifier
            && close(self.value, other.value)
            && match (self.value_max, other.value_max) {
                (Some(a), Some(b)) => close(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

/// Writes a number without a trailing `.0` and with at most two decimals.
fn format_number(v: f64) -> String {
    let rounded = (v * 100.0).round() / 100.0;
    let mut s = format!("{rounded:.2}");
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    s
}

/// The magnitude word and divisor that print `v` yuan most naturally.
fn magnitude(v: f64) -> (&'static str, f64) {
    if v >= 1e8 {
        ("亿元", 1e8)
    } else if v >= 1e4 {
        ("万元", 1e4)
    } else {
        ("元", 1.0)
    }
}

fn format_amount(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Percent => format!("{}%", format_number(v)),
        Unit::Yuan => {
            let (word, div) = magnitude(v);
            format!("{}{word}", format_number(v / div))
        }
    }
}

fn format_range(min: f64, max: f64, unit: Unit) -> String {
    match unit {
        Unit::Percent => format!("{}%—{}%", format_number(min), format_number(max)),
        Unit::Yuan => {
            let (word, div) = magnitude(max);
            let (min_word, min_div) = magnitude(min);
            if min_div == div {
                format!(
                    "{}—{}{word}",
                    format_number(min / div),
                    format_number(max / div)
                )
            } else {
                format!(
                    "{}{min_word}—{}{word}",
                    format_number(min / min_div),
                    format_number(max / div)
                )
            }
        }
    }
}

/// The bundled figure rules (`corpus/figures.toml`).
pub const BUNDLED_FIGURES: &str = text::amount::BUNDLED_FIGURES;

static RULES: LazyLock<FigureRules> = LazyLock::new(|| {
    FigureRules::parse(BUNDLED_FIGURES, "corpus/figures.toml (bundled)")
        .unwrap_or_else(|e| panic!("{e:#}"))
});

/// Every figure in `text` (original script), in order of appearance.
pub fn extract(text: &str) -> Vec<Figure> {
    RULES.extract(text)
}

/// [`extract`] when the caller already has `simplified`, the
/// [`text::to_simplified`] form of `text` (the conversion is the costly part).
pub fn extract_converted(text: &str, simplified: &str) -> Vec<Figure> {
    RULES.extract_converted(text, simplified)
}

/// True for an instrument name that says only "money" (资金支持), which agrees with
/// any more specific instrument when two figures are compared.
pub fn is_generic_instrument(name: &str) -> bool {
    RULES.is_generic_instrument(name)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    qualifier: QualifierWords,
    amount: AmountWords,
    instrument: Vec<InstrumentEntry>,
    period: PeriodWords,
    role: RoleWords,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QualifierWords {
    cap_before: Vec<String>,
    cap_after: Vec<String>,
    floor_before: Vec<String>,
    floor_after: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InstrumentEntry {
    name: String,
    forms: Vec<String>,
    #[serde(default)]
    generic: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodWords {
    patterns: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleWords {
    statistic_sentence: Vec<String>,
    support_verbs: Vec<String>,
    threshold_after: Vec<String>,
    support_after: Vec<String>,
    target_before: Vec<String>,
    target_sentence_start: Vec<String>,
    threshold_before: Vec<String>,
    support_before: Vec<String>,
}

/// The compiled rules for reading figures (see `corpus/figures.toml`).
#[derive(Debug)]
pub struct FigureRules {
    words: RulesFile,
    grammar: Grammar,
    periods: Vec<Regex>,
}

/// A number+unit match before its meaning is worked out. Offsets are bytes of the
/// Simplified text.
struct Raw {
    start: usize,
    end: usize,
    value: f64,
    value_max: Option<f64>,
    unit: Unit,
}

/// Characters that end a clause segment (the stretch a qualifier or cue word can reach).
fn is_segment_break(c: char) -> bool {
    matches!(
        c,
        '，' | ',' | '；' | ';' | '。' | '：' | ':' | '！' | '!' | '？' | '?' | '\n'
    )
}

/// Characters that end a sentence.
fn is_sentence_break(c: char) -> bool {
    matches!(c, '；' | ';' | '。' | '！' | '!' | '？' | '?' | '\n')
}

impl FigureRules {
    /// Parses and compiles figure rules; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<FigureRules> {
        let words: RulesFile = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
            match line {
                Some(l) => anyhow::anyhow!("{origin}:{l}: {}", e.message()),
                None => anyhow::anyhow!("{origin}: {}", e.message()),
            }
        })?;
        let grammar = Grammar::new(&words.amount).with_context(|| format!("{origin}: [amount]"))?;
        let periods = words
            .period
            .patterns
            .iter()
            .map(|p| Regex::new(p).with_context(|| format!("{origin}: bad [period] pattern {p:?}")))
            .collect::<Result<Vec<_>>>()?;
        Ok(FigureRules {
            words,
            grammar,
            periods,
        })
    }

    /// True for an instrument marked `generic` in the rules (资金支持).
    pub fn is_generic_instrument(&self, name: &str) -> bool {
        self.words
            .instrument
            .iter()
            .any(|i| i.generic && i.name == name)
    }

    /// Every figure in `text` (original script), in order of appearance.
    pub fn extract(&self, text: &str) -> Vec<Figure> {
        self.extract_converted(text, &text::to_simplified(text))
    }

    /// [`FigureRules::extract`] with the [`text::to_simplified`] form of `text` given.
    pub fn extract_converted(&self, text: &str, simplified: &str) -> Vec<Figure> {
        if simplified.chars().count() != text.chars().count() {
            // not the caller's conversion of `text`: convert (which keeps the count)
            return self.extract_converted(text, &text::to_simplified(text));
        }
        let simple = simplified;
        let raws = self.find_raw(simple);
        if raws.is_empty() {
            return Vec::new();
        }
        let map = OffsetMap::new(text, simple);
        let groups = group_enumerations(simple, &raws);
        let mut figures: Vec<Figure> = Vec::with_capacity(raws.len());
        for group in groups {
            let first = &raws[group.start];
            let last = &raws[group.end - 1];
            let before = context_before(simple, &raws, group.start);
            let after = context_after(simple, &raws, group.end - 1);
            let sentence_start = sentence_start(simple, first.start);
            let sentence = &simple[sentence_start..sentence_end(simple, last.end)];
            let prefix = &simple[sentence_start..first.start];
            let role = self.role(before, after, sentence, prefix);
            let mut instrument = self.instrument(before, after);
            if instrument.is_none() {
                // 按30%资助，单个项目不超过1000万元: a cap on the figure just paid.
                instrument = figures
                    .iter()
                    .rev()
                    .take_while(|f| map.to_simple(f.span.start) >= sentence_start)
                    .find(|f| f.role == Role::Support && role == Role::Support)
                    .and_then(|f| f.instrument.clone());
            }
            let period = self.period(before, after);
            let mut group_qualifier = None;
            for (k, raw) in raws[group.clone()].iter().enumerate() {
                let own_before = if k == 0 {
                    before
                } else {
                    context_before(simple, &raws, group.start + k)
                };
                let own_after = if group.start + k + 1 == group.end {
                    after
                } else {
                    context_after(simple, &raws, group.start + k)
                };
                let mut qualifier = if raw.value_max.is_some() {
                    Qualifier::Range
                } else {
                    self.qualifier(own_before, own_after)
                };
                if k == 0 {
                    group_qualifier = Some(qualifier);
                } else if qualifier == Qualifier::Exact && raw.value_max.is_none() {
                    qualifier = group_qualifier
                        .filter(|q| *q != Qualifier::Range)
                        .unwrap_or(Qualifier::Exact);
                }
                let span = map.to_original(raw.start)..map.to_original(raw.end);
                figures.push(Figure {
                    surface: text[span.clone()].to_string(),
                    span,
                    value: raw.value,
                    value_max: raw.value_max,
                    unit: raw.unit,
                    qualifier,
                    instrument: instrument.clone(),
                    period: period.clone(),
                    role,
                });
            }
        }
        // 按照合同额的20%给予最高100万元的资金支持: a ratio paid as the instrument
        // named for the cap that follows it in the same sentence.
        for i in 0..figures.len() {
            if figures[i].role != Role::Support || figures[i].instrument.is_some() {
                continue;
            }
            let sentence_end = sentence_end(simple, map.to_simple(figures[i].span.end));
            let next = figures[i + 1..]
                .iter()
                .take_while(|f| map.to_simple(f.span.start) < sentence_end)
                .find(|f| f.role == Role::Support && f.instrument.is_some())
                .and_then(|f| f.instrument.clone());
            figures[i].instrument = next;
        }
        figures
    }

    fn find_raw(&self, simple: &str) -> Vec<Raw> {
        self.grammar
            .scan(simple)
            .into_iter()
            .map(|a| Raw {
                start: a.bytes.start,
                end: a.bytes.end,
                value: a.value,
                value_max: a.value_max,
                unit: a.unit,
            })
            .collect()
    }

    fn qualifier(&self, before: &str, after: &str) -> Qualifier {
        let q = &self.words.qualifier;
        let cap = last_match_end(before, &q.cap_before);
        let floor = last_match_end(before, &q.floor_before);
        match (cap, floor) {
            (Some(c), Some(f)) => {
                return if c >= f {
                    Qualifier::Cap
                } else {
                    Qualifier::Floor
                };
            }
            (Some(_), None) => return Qualifier::Cap,
            (None, Some(_)) => return Qualifier::Floor,
            (None, None) => {}
        }
        let tail = after
            .trim_start()
            .trim_start_matches("(含)")
            .trim_start_matches("（含）")
            .trim_start();
        if q.cap_after
            .iter()
            .any(|w| !w.is_empty() && tail.starts_with(w.as_str()))
        {
            Qualifier::Cap
        } else if q
            .floor_after
            .iter()
            .any(|w| !w.is_empty() && tail.starts_with(w.as_str()))
        {
            Qualifier::Floor
        } else {
            Qualifier::Exact
        }
    }

    fn role(&self, before: &str, after: &str, sentence: &str, prefix: &str) -> Role {
        let r = &self.words.role;
        let has = |text: &str, words: &[String]| {
            words
                .iter()
                .any(|w| !w.is_empty() && text.contains(w.as_str()))
        };
        let instrument_in = |text: &str| self.words.instrument.iter().any(|i| has(text, &i.forms));
        if has(sentence, &r.statistic_sentence) && !has(sentence, &r.support_verbs) {
            return Role::Statistic;
        }
        if has(after, &r.threshold_after) {
            return Role::Threshold;
        }
        if has(after, &r.support_after) || instrument_in(after) {
            return Role::Support;
        }
        if has(before, &r.target_before)
            || r.target_sentence_start
                .iter()
                .any(|w| !w.is_empty() && prefix.trim_start().starts_with(w.as_str()))
        {
            return Role::Target;
        }
        if has(before, &r.threshold_before) {
            return Role::Threshold;
        }
        if has(before, &r.support_before)
            || instrument_in(before)
            || has(before, &self.words.qualifier.cap_before)
            || has(sentence, &r.support_verbs)
        {
            return Role::Support;
        }
        Role::Statistic
    }

    fn instrument(&self, before: &str, after: &str) -> Option<String> {
        // 每年最高500万元支援和投资性补助最高100万元: what follows 和 belongs to the
        // next figure.
        let after = after
            .find(['和', '及', '、'])
            .map_or(after, |cut| &after[..cut]);
        for generic in [false, true] {
            let entries = || {
                self.words
                    .instrument
                    .iter()
                    .filter(move |i| i.generic == generic)
            };
            // nearest after the figure: smallest start, then longest form
            let found_after = entries()
                .flat_map(|i| i.forms.iter().map(move |f| (i, f)))
                .filter(|(_, f)| !f.is_empty())
                .filter_map(|(i, f)| {
                    after
                        .find(f.as_str())
                        .map(|pos| (pos, std::cmp::Reverse(f.len()), i))
                })
                .min_by_key(|(pos, len, _)| (*pos, *len));
            if let Some((_, _, i)) = found_after {
                return Some(i.name.clone());
            }
            // nearest before it: largest end, then longest form
            let found_before = entries()
                .flat_map(|i| i.forms.iter().map(move |f| (i, f)))
                .filter(|(_, f)| !f.is_empty())
                .filter_map(|(i, f)| {
                    before
                        .rfind(f.as_str())
                        .map(|pos| (pos + f.len(), f.len(), i))
                })
                .max_by_key(|(end, len, _)| (*end, *len));
            if let Some((_, _, i)) = found_before {
                return Some(i.name.clone());
            }
        }
        None
    }

    fn period(&self, before: &str, after: &str) -> Option<String> {
        let found_after = self
            .periods
            .iter()
            .filter_map(|re| re.find(after))
            .min_by_key(|m| (m.start(), std::cmp::Reverse(m.len())));
        if let Some(m) = found_after {
            return Some(m.as_str().to_string());
        }
        self.periods
            .iter()
            .filter_map(|re| re.find_iter(before).last())
            .max_by_key(|m| (m.end(), m.len()))
            .map(|m| m.as_str().to_string())
    }
}

/// End (in bytes) of the last occurrence of any of `words` in `text`.
fn last_match_end(text: &str, words: &[String]) -> Option<usize> {
    words
        .iter()
        .filter(|w| !w.is_empty())
        .filter_map(|w| text.rfind(w.as_str()).map(|p| p + w.len()))
        .max()
}

/// Start of the segment (after the last break) that ends at `pos`.
fn segment_start(s: &str, pos: usize) -> usize {
    s[..pos]
        .char_indices()
        .rev()
        .find(|(_, c)| is_segment_break(*c))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0)
}

fn segment_end(s: &str, pos: usize) -> usize {
    s[pos..]
        .char_indices()
        .find(|(_, c)| is_segment_break(*c))
        .map(|(i, _)| pos + i)
        .unwrap_or(s.len())
}

fn sentence_start(s: &str, pos: usize) -> usize {
    s[..pos]
        .char_indices()
        .rev()
        .find(|(_, c)| is_sentence_break(*c))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0)
}

fn sentence_end(s: &str, pos: usize) -> usize {
    s[pos..]
        .char_indices()
        .find(|(_, c)| is_sentence_break(*c))
        .map(|(i, _)| pos + i)
        .unwrap_or(s.len())
}

/// The text between the previous figure (or segment break) and figure `i`.
fn context_before<'a>(s: &'a str, raws: &[Raw], i: usize) -> &'a str {
    let mut start = segment_start(s, raws[i].start);
    if i > 0 && raws[i - 1].end > start {
        start = raws[i - 1].end;
    }
    &s[start..raws[i].start]
}

/// The text between figure `i` and the next figure (or segment break).
fn context_after<'a>(s: &'a str, raws: &[Raw], i: usize) -> &'a str {
    let mut end = segment_end(s, raws[i].end);
    if let Some(next) = raws.get(i + 1) {
        end = end.min(next.start);
    }
    &s[raws[i].end..end]
}

/// Runs of figures of one unit listed together (20万元、50万元、100万元;
/// 200万元和50万元), as index ranges into `raws`.
fn group_enumerations(s: &str, raws: &[Raw]) -> Vec<Range<usize>> {
    let mut groups: Vec<Range<usize>> = Vec::new();
    for i in 0..raws.len() {
        let joined = groups.last().is_some_and(|g| {
            let prev = &raws[g.end - 1];
            prev.unit == raws[i].unit
                && matches!(
                    s[prev.end..raws[i].start].trim(),
                    "、" | "和" | "或" | "及" | "与" | "/"
                )
        });
        match groups.last_mut() {
            Some(g) if joined => g.end = i + 1,
            _ => groups.push(i..i + 1),
        }
    }
    groups
}

/// Maps byte offsets of the Simplified text to the original, character for character.
struct OffsetMap {
    simple_starts: Vec<usize>,
    original_starts: Vec<usize>,
}

impl OffsetMap {
    fn new(original: &str, simple: &str) -> OffsetMap {
        let starts = |s: &str| {
            s.char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(s.len()))
                .collect::<Vec<_>>()
        };
        OffsetMap {
            simple_starts: starts(simple),
            original_starts: starts(original),
        }
    }

    fn to_original(&self, simple_byte: usize) -> usize {
        let idx = self
            .simple_starts
            .binary_search(&simple_byte)
            .unwrap_or_else(|i| i);
        // to_simplified keeps the char count; clamp in case a caller's text did not.
        self.original_starts[idx.min(self.original_starts.len() - 1)]
    }

    fn to_simple(&self, original_byte: usize) -> usize {
        let idx = self
            .original_starts
            .binary_search(&original_byte)
            .unwrap_or_else(|i| i);
        self.simple_starts[idx.min(self.simple_starts.len() - 1)]
    }
}

/// A compact one-line description used by `policynav facts`: display form plus role,
/// instrument and period (`最高300万元 support 补贴`).
pub fn describe(figure: &Figure) -> String {
    let mut s = figure.display();
    let _ = write!(s, " {}", figure.role.as_str());
    if let Some(i) = &figure.instrument {
        let _ = write!(s, " {i}");
    }
    if let Some(p) = &figure.period {
        let _ = write!(s, " {p}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str, needle: &str) -> Figure {
        extract(text)
            .into_iter()
            .find(|f| f.surface.contains(needle))
            .unwrap_or_else(|| panic!("no figure {needle} in {text}: {:?}", extract(text)))
    }

    #[test]
    fn bundled_rules_parse() {
        FigureRules::parse(BUNDLED_FIGURES, "figures.toml").unwrap();
    }

    #[test]
    fn rule_errors_name_file_and_line() {
        let bad = "[qualifier]\ncap_before = [\"最高\"]\ncap_after = 3\n";
        let err = FigureRules::parse(bad, "my/figures.toml")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("my/figures.toml:3:"), "{err}");
    }

    #[test]
    fn listing_subsidy_cap_in_both_scripts() {
        let s = "支持企业在A股或境外主要证券交易所上市，市级财政按规定给予每家总额不超过300万元的资金补贴，区级财政资金补贴不低于市级标准。";
        let t = "支援企業在A股或境外主要證券交易所上市,市級財政按規定給予每家總額不超過300萬元的資金補貼,區級財政資金補貼不低於市級標準。";
        for text in [s, t] {
            let figs = extract(text);
            assert_eq!(figs.len(), 1, "{figs:?}");
            let f = &figs[0];
            assert_eq!(f.value, 3_000_000.0);
            assert_eq!(f.unit, Unit::Yuan);
            assert_eq!(f.qualifier, Qualifier::Cap);
            assert_eq!(f.role, Role::Support);
            assert_eq!(f.instrument.as_deref(), Some("补贴"));
            assert_eq!(&text[f.span.clone()], f.surface);
            assert!(
                f.surface == "300万元" || f.surface == "300萬元",
                "{}",
                f.surface
            );
            assert_eq!(f.display(), "最高300万元");
        }
    }

    #[test]
    fn percentages_caps_and_floors() {
        let f = one("按照实际发生费用给予最高70%的资金支持", "70");
        assert_eq!(
            (f.value, f.unit, f.qualifier, f.role),
            (70.0, Unit::Percent, Qualifier::Cap, Role::Support)
        );
        assert_eq!(f.display(), "最高70%");
        let f = one(
            "對參加省級商務重點展會的,按照不高於展位費70%比例進行補助",
            "70",
        );
        assert_eq!((f.qualifier, f.role), (Qualifier::Cap, Role::Support));
        assert_eq!(f.instrument.as_deref(), Some("补助"));
        let f = one(
            "非建筑业企业以上年度主营业务收入作为申报条件的可放宽至不少于1亿元",
            "1亿",
        );
        assert_eq!(
            (f.value, f.qualifier, f.role),
            (1e8, Qualifier::Floor, Role::Threshold)
        );
        assert_eq!(f.display(), "不低于1亿元");
    }

    #[test]
    fn ranges_with_any_dash_and_both_scripts() {
        let f = one("经评审认定，给予100—2000万元资金支持", "2000");
        assert_eq!(
            (f.value, f.value_max, f.qualifier),
            (1e6, Some(2e7), Qualifier::Range)
        );
        assert_eq!(f.display(), "100—2000万元");
        assert_eq!(f.role, Role::Support);
        for text in [
            "給予5—20萬元資金支援",
            "给予5-20万元资金支持",
            "给予5～20万元资金支持",
            "给予5–20万元资金支持",
        ] {
            let f = one(text, "20");
            assert_eq!((f.value, f.value_max), (5e4, Some(2e5)), "{text}");
            assert_eq!(f.display(), "5—20万元");
        }
        let f = one(
            "對BB級(含)以上的企業給予購買信用評級服務費用40%-60%的資金補貼,最高補貼5000元",
            "60",
        );
        assert_eq!(
            (f.value, f.value_max, f.unit),
            (40.0, Some(60.0), Unit::Percent)
        );
        assert_eq!(f.instrument.as_deref(), Some("补贴"));
        assert_eq!(f.role, Role::Support);
        let cap = one(
            "對BB級(含)以上的企業給予購買信用評級服務費用40%-60%的資金補貼,最高補貼5000元",
            "5000",
        );
        assert_eq!((cap.value, cap.qualifier), (5000.0, Qualifier::Cap));
        let f = one(
            "对年度累计直接融资额在20亿元至25亿元(含)区间部分按照融资额的2%给予奖励",
            "20亿",
        );
        assert_eq!((f.value, f.value_max), (2e9, Some(2.5e9)));
        assert_eq!(f.role, Role::Threshold);
        assert_eq!(f.display(), "20—25亿元");
        let f = one(
            "对年度累计直接融资额在20亿元至25亿元(含)区间部分按照融资额的2%给予奖励",
            "2%",
        );
        assert_eq!((f.value, f.role), (2.0, Role::Support));
        assert_eq!(f.instrument.as_deref(), Some("奖励"));
    }

    #[test]
    fn range_of_yi_and_cap_after_the_figure_in_both_scripts() {
        for t in [
            "對年度累計直接融資額在20億元至25億元(含)區間部分按照融資額的2%給予獎勵",
            "对年度累计直接融资额在20亿元至25亿元(含)区间部分按照融资额的2%给予奖励",
        ] {
            let f = one(t, "25");
            assert_eq!(
                (f.value, f.value_max, f.qualifier),
                (2e9, Some(2.5e9), Qualifier::Range)
            );
        }
        for t in ["每家企業補助50萬元以內", "每家企业补助50万元以内"] {
            let f = one(t, "50");
            assert_eq!(
                (f.value, f.qualifier, f.role),
                (5e5, Qualifier::Cap, Role::Support)
            );
            assert_eq!(f.instrument.as_deref(), Some("补助"));
        }
        let f = one("連續補貼三年,每年給予不超過10萬元補貼", "10");
        assert_eq!(f.period.as_deref(), Some("每年"));
        let f = one("给予贷款贴息，连续补贴三年，贴息比例为50%", "50");
        assert_eq!(f.role, Role::Support);
    }

    #[test]
    fn wan_and_yi_resolve_in_both_scripts() {
        assert_eq!(one("補貼上限為7.5萬元", "7.5").value, 75_000.0);
        assert_eq!(one("补贴上限为7.5万元", "7.5").value, 75_000.0);
        assert_eq!(one("上年度總收入不超過1.5億元", "1.5").value, 1.5e8);
        assert_eq!(one("最高补贴5000元", "5000").value, 5000.0);
    }

    #[test]
    fn instruments_and_periods() {
        let t = "貸款貼息給予不超過3年、每年最高500萬元支援和投資性補助最高100萬元一次性支援";
        let a = one(t, "500");
        assert_eq!(a.instrument.as_deref(), Some("贴息"));
        assert_eq!(a.period.as_deref(), Some("每年"));
        assert_eq!(a.qualifier, Qualifier::Cap);
        let b = one(t, "100");
        assert_eq!(b.instrument.as_deref(), Some("补助"));
        assert_eq!(b.period.as_deref(), Some("一次性"));
        let t = "對項目設備購置、房租、研發投入等分檔予以支援,第一年最高支援200萬元,第二至三年支援金額最高不超過500萬元";
        assert_eq!(one(t, "200").period.as_deref(), Some("第一年"));
        assert_eq!(one(t, "500").period.as_deref(), Some("第二至三年"));
        let f = one(
            "对市外高新技术企业在有效期内整体迁入我市的，一次性给予30万元后补助资金支持",
            "30",
        );
        assert_eq!(f.instrument.as_deref(), Some("后补助"));
        assert_eq!(f.period.as_deref(), Some("一次性"));
        let f = one(
            "在重点孵化器和入选企业试点,政府补贴服务费用20%,连续补贴三年。",
            "20%",
        );
        assert_eq!(f.instrument.as_deref(), Some("补贴"));
        let f = one(
            "支持企业通过融资租赁方式购置设备，每年给予最高1000万元补贴",
            "1000",
        );
        assert_eq!(f.period.as_deref(), Some("每年"));
        let f = one(
            "充分利用各级政府投资基金，给予最高500万元股权投资支持",
            "500",
        );
        assert_eq!(f.instrument.as_deref(), Some("股权投资"));
        let f = one("按照合同额的20%给予最高100万元的资金支持。", "20%");
        assert_eq!(f.instrument.as_deref(), Some("资金支持"));
        let f = one("按照上一年年末贷款余额的0.5%给予风险拨备补贴", "0.5");
        assert_eq!(f.period, None, "上一年 is no period");
        let f = one("按照贷款余额增量的2%给予激励资金", "2%");
        assert_eq!(f.instrument.as_deref(), Some("激励资金"));
    }

    #[test]
    fn listed_figures_share_their_reading() {
        let figs = extract(
            "对新认定的自治区创新型中小企业、“专精特新”中小企业和国家专精特新“小巨人”企业，分别给予20万元、50万元、100万元一次性奖励。",
        );
        assert_eq!(figs.len(), 3);
        for f in &figs {
            assert_eq!(f.role, Role::Support);
            assert_eq!(f.instrument.as_deref(), Some("奖励"));
            assert_eq!(f.period.as_deref(), Some("一次性"));
        }
        let figs = extract("分別給予貸款基準利率50%、10%的貼息補助");
        assert_eq!(figs.len(), 2);
        assert!(figs.iter().all(|f| f.instrument.as_deref() == Some("贴息")));
    }

    #[test]
    fn a_cap_after_a_paid_ratio_inherits_its_instrument() {
        let figs = extract(
            "按发榜方与揭榜方签定协议的30%资助，单个项目不超过1000万元，特殊项目“一事一议”。",
        );
        assert_eq!(figs.len(), 2);
        assert_eq!(figs[1].qualifier, Qualifier::Cap);
        assert_eq!(figs[1].role, Role::Support);
        assert_eq!(figs[1].instrument.as_deref(), Some("资助"));
    }

    #[test]
    fn thresholds_in_both_scripts() {
        for t in [
            "上年度總收入≥3000萬元,近兩年總收入平均增速≥20%的科技型中小微企業",
            "上年度总收入≥3000万元，近两年总收入平均增速≥20%的科技型中小微企业",
        ] {
            let figs = extract(t);
            assert_eq!(figs.len(), 2, "{figs:?}");
            assert!(
                figs.iter()
                    .all(|f| f.role == Role::Threshold && f.qualifier == Qualifier::Floor),
                "{figs:?}"
            );
        }
        let figs = extract(
            "對研發費用占營業收入比重3%以上且研發費用年增長20%以上的企業,按上年度研發費用的一定比例給予財政獎勵",
        );
        assert_eq!(figs.len(), 2);
        assert!(
            figs.iter()
                .all(|f| f.role == Role::Threshold && f.qualifier == Qualifier::Floor),
            "{figs:?}"
        );
        let figs = extract(
            "對於技術先進、市場需求度高且實際貨幣收入在500萬元以上的發明專利和實用新型專利項目,根據其專利交易成本、經濟效益等給予資助,最高資助金額50萬元",
        );
        assert_eq!(figs[0].role, Role::Threshold);
        assert_eq!(figs[1].role, Role::Support);
        assert_eq!(figs[1].qualifier, Qualifier::Cap);
    }

    #[test]
    fn targets_in_both_scripts() {
        let t = "每年新增專精特新板知識產權示範和優勢企業各100家、知識產權質押融資500億元、專利密集型產品及銷售收入分別達1000項、1000億元。";
        let figs = extract(t);
        assert_eq!(figs.len(), 2, "{figs:?}");
        assert!(figs.iter().all(|f| f.role == Role::Target), "{figs:?}");
        let f = one(
            "用三年时间推动工业数字化示范标杆企业占全区比例达到20%以上。",
            "20%",
        );
        assert_eq!((f.role, f.qualifier), (Role::Target, Qualifier::Floor));
        let f = one(
            "設立總規模不低於100億元的“專精特新”母基金,帶動社會資本“投早投小投創新”",
            "100",
        );
        assert_eq!(f.role, Role::Target);
        let f = one("到2025年，全市规上工业企业研发投入强度达到2.5%。", "2.5");
        assert_eq!(f.role, Role::Target);
    }

    #[test]
    fn statistics_in_both_scripts() {
        for t in [
            "2012年底我區共有中小微企業14萬家,占企業總數的99%,貢獻了全區企業57%的營業收入、68%的利潤、62%的稅收和73%的就業崗位。",
            "2012年底我区共有中小微企业14万家，占企业总数的99%，贡献了全区企业57%的营业收入、68%的利润、62%的税收和73%的就业岗位。",
        ] {
            let figs = extract(t);
            assert_eq!(figs.len(), 5, "{figs:?}");
            assert!(figs.iter().all(|f| f.role == Role::Statistic), "{figs:?}");
        }
    }

    #[test]
    fn things_that_are_not_figures() {
        assert!(extract("核心區中小微企業助力計劃(2013-2015年)").is_empty());
        assert!(extract("联系电话:0472—5618435，5G+工业互联网").is_empty());
        assert!(extract("重点技术改造项目容积率可提升至 2.0 以上").is_empty());
    }

    #[test]
    fn spans_point_into_traditional_text() {
        let t = "支持專精特新中小企業參加國際性展會,對參加省級商務重點展會的,按照不高於展位費70%比例進行補助。";
        let f = one(t, "70");
        assert_eq!(&t[f.span.clone()], "70%");
    }
}
