//! The one grammar of amounts of money and percentages, used by the figures stage
//! ([`crate::facts`]), the search index ([`crate::search::figures`]) and the structure
//! stage alike: a figure is searchable exactly when it is a [`crate::facts::Figure`].
//!
//! It reads Simplified text (convert with [`super::to_simplified`] first, which keeps the
//! character count; 萬, 億, 兩 and 點 become 万, 亿, 两 and 点), and its words come from the
//! `[amount]` section of `corpus/figures.toml`. Forms:
//!
//! * a number: Arabic (`300`, `7.5`, `3,000,000`, full-width `３００`) or Chinese
//!   (`三百`, `一千五百`, `十`, `一点五`);
//! * a magnitude after it: `万`, `亿`, `万亿`, and after Arabic digits also `千`, `百万`,
//!   `千万` (`5千万元` is 5×1000×10000);
//! * a unit: a currency word (`元`, `港元` …) makes money in yuan; `%` a percentage;
//!   `百分之七十` and `二分之一` are percentages too; a number with `万` or `亿` and no
//!   currency word (`补贴300万`) is money unless a counter follows (`14万家`), and in
//!   Chinese numerals only at the end of a phrase (`三百万`, not `千亿畅融`);
//! * a range: two such figures joined by a separator (`100—2000万元`, `40%-60%`,
//!   `20亿元至25亿元`, `5～20万元`), the first taking the second's unit (and magnitude)
//!   when it has none; a second end below the first is no range.
//!
//! A number glued to a Latin letter, a digit or `.` before it (`5G`, codes) or written after
//! a vague word (`数十万元`) is none.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// The bundled figure rules (`corpus/figures.toml`): this grammar's `[amount]` words and
/// the figures stage's reading rules.
pub const BUNDLED_FIGURES: &str = include_str!("../../corpus/figures.toml");

/// What an amount is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// Money, normalised to yuan (万 and 亿 resolved).
    Yuan,
    /// A ratio, as a number of percent (70 for 70%).
    Percent,
}

/// One amount found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Amount {
    /// Byte range in the scanned text, from the first digit to the unit.
    pub bytes: Range<usize>,
    /// The value in `unit` (the lower end of a range).
    pub value: f64,
    /// The upper end of a range.
    pub value_max: Option<f64>,
    /// Yuan or percent.
    pub unit: Unit,
}

/// The `[amount]` section of `figures.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmountWords {
    digits: HashMap<String, u32>,
    scales: HashMap<String, f64>,
    magnitudes: HashMap<String, f64>,
    decimal_point: String,
    currencies: Vec<String>,
    percent_signs: Vec<String>,
    fraction: String,
    counters: Vec<String>,
    approximate: Vec<String>,
    not_after: Vec<String>,
    range_separators: Vec<String>,
}

/// The compiled grammar.
#[derive(Debug)]
pub struct Grammar {
    digits: HashMap<char, f64>,
    scales: HashMap<char, f64>,
    magnitudes: HashMap<char, f64>,
    decimal_point: char,
    /// Longest first, so 港元 is tried before 元.
    currencies: Vec<String>,
    percent_signs: Vec<String>,
    fraction: String,
    counters: Vec<String>,
    approximate: Vec<String>,
    not_after: Vec<String>,
    separators: Vec<String>,
}

static BUNDLED: LazyLock<Grammar> = LazyLock::new(|| {
    Grammar::parse(BUNDLED_FIGURES, "corpus/figures.toml (bundled)")
        .unwrap_or_else(|e| panic!("{e:#}"))
});

/// The grammar of the bundled `corpus/figures.toml`.
pub fn grammar() -> &'static Grammar {
    &BUNDLED
}

/// Every amount in `simplified` (text converted with [`super::to_simplified`]), in order.
pub fn scan(simplified: &str) -> Vec<Amount> {
    BUNDLED.scan(simplified)
}

/// An amount of money as a user types it (`100万`, `1.5亿元`, `3,000,000`, `三百万`,
/// `5000`, in either script), in yuan.
pub fn parse_money(text: &str) -> Option<f64> {
    BUNDLED.parse_money(text)
}

/// One number, magnitude and unit, before ranges are joined. Offsets are char indexes.
#[derive(Debug, Clone, Copy)]
struct Part {
    /// After the number (and magnitude): where a unit or separator may follow.
    number_end: usize,
    /// After the unit, when there is one.
    end: usize,
    /// The number times its magnitude.
    value: f64,
    /// The magnitude (1 without one).
    factor: f64,
    has_magnitude: bool,
    /// `None`: no unit written.
    unit: Option<Unit>,
    /// The number is followed by a counter (14万家): not money, whatever else follows.
    counted: bool,
}

impl Grammar {
    /// Reads the `[amount]` section of a `figures.toml`; `origin` names it in errors.
    pub fn parse(toml_text: &str, origin: &str) -> Result<Grammar> {
        #[derive(Deserialize)]
        struct File {
            amount: AmountWords,
        }
        let file: File =
            toml::from_str(toml_text).map_err(|e| anyhow::anyhow!("{origin}: {}", e.message()))?;
        Grammar::new(&file.amount).with_context(|| format!("{origin}: [amount]"))
    }

    /// Compiles the words of an `[amount]` section.
    pub fn new(words: &AmountWords) -> Result<Grammar> {
        fn chars<T: Copy + Into<f64>>(
            map: &HashMap<String, T>,
            what: &str,
        ) -> Result<HashMap<char, f64>> {
            map.iter()
                .map(|(k, v)| {
                    let mut cs = k.chars();
                    match (cs.next(), cs.next()) {
                        (Some(c), None) => Ok((c, (*v).into())),
                        _ => anyhow::bail!("{what}: {k:?} is not one character"),
                    }
                })
                .collect()
        }
        let one_char = |s: &str, what: &str| -> Result<char> {
            let mut cs = s.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) => Ok(c),
                _ => anyhow::bail!("{what}: {s:?} is not one character"),
            }
        };
        let words_of = |list: &[String]| -> Vec<String> {
            let mut v: Vec<String> = list.iter().filter(|w| !w.is_empty()).cloned().collect();
            v.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
            v
        };
        let g = Grammar {
            digits: chars(&words.digits, "digits")?,
            scales: chars(&words.scales, "scales")?,
            magnitudes: chars(&words.magnitudes, "magnitudes")?,
            decimal_point: one_char(&words.decimal_point, "decimal_point")?,
            currencies: words_of(&words.currencies),
            percent_signs: words_of(&words.percent_signs),
            fraction: words.fraction.clone(),
            counters: words_of(&words.counters),
            approximate: words_of(&words.approximate),
            not_after: words_of(&words.not_after),
            separators: words_of(&words.range_separators),
        };
        anyhow::ensure!(!g.currencies.is_empty(), "currencies is empty");
        anyhow::ensure!(!g.separators.is_empty(), "range_separators is empty");
        anyhow::ensure!(!g.fraction.is_empty(), "fraction is empty");
        Ok(g)
    }

    /// Every amount in `simplified`, in order.
    pub fn scan(&self, simplified: &str) -> Vec<Amount> {
        let cs: Vec<char> = simplified.chars().collect();
        let mut byte_of: Vec<usize> = simplified.char_indices().map(|(b, _)| b).collect();
        byte_of.push(simplified.len());
        let mut out = Vec::new();
        let mut i = 0;
        while i < cs.len() {
            if !self.may_start(cs[i]) {
                i += 1;
                continue;
            }
            match self.figure_at(&cs, i) {
                Scanned::Figure(start, end, value, value_max, unit) => {
                    out.push(Amount {
                        bytes: byte_of[start]..byte_of[end],
                        value,
                        value_max,
                        unit,
                    });
                    i = end;
                }
                // not a figure: skip the whole number, so that its tail is not read
                // as another one (十二万 is not 二万)
                Scanned::Skip(next) => i = next.max(i + 1),
            }
        }
        out
    }

    /// An amount of money as a user types it, in yuan: a plain number, or one amount of
    /// money making up the whole text.
    pub fn parse_money(&self, text: &str) -> Option<f64> {
        let simplified = super::to_simplified(text.trim());
        let cs: Vec<char> = simplified.trim().chars().collect();
        if cs.is_empty() {
            return None;
        }
        if let Some((v, end)) = self.number(&cs, 0)
            && end == cs.len()
        {
            return Some(v);
        }
        match self.figure_at(&cs, 0) {
            Scanned::Figure(0, end, value, None, Unit::Yuan) if end == cs.len() => Some(value),
            _ => None,
        }
    }

    fn may_start(&self, c: char) -> bool {
        is_arabic_digit(c) || self.digits.contains_key(&c) || self.scales.contains_key(&c)
    }

    fn starts_with(cs: &[char], at: usize, word: &str) -> bool {
        (at..).zip(word.chars()).all(|(k, w)| cs.get(k) == Some(&w))
    }

    /// The first of `words` at `at`, as its length in chars.
    fn word_at(cs: &[char], at: usize, words: &[String]) -> Option<usize> {
        words
            .iter()
            .find(|w| Self::starts_with(cs, at, w))
            .map(|w| w.chars().count())
    }

    fn skip_space(cs: &[char], mut at: usize) -> usize {
        while cs
            .get(at)
            .is_some_and(|c| matches!(c, ' ' | '\t' | '\u{a0}' | '\u{3000}'))
        {
            at += 1;
        }
        at
    }

    /// A number (Arabic or Chinese) at `at`: its value and end.
    fn number(&self, cs: &[char], at: usize) -> Option<(f64, usize)> {
        let c = *cs.get(at)?;
        if is_arabic_digit(c) {
            return arabic(cs, at);
        }
        // Chinese: digits and scales, then an optional decimal part (一点五)
        let mut end = at;
        while cs
            .get(end)
            .is_some_and(|c| self.digits.contains_key(c) || self.scales.contains_key(c))
        {
            end += 1;
        }
        if end == at {
            return None;
        }
        let mut value = self.chinese(&cs[at..end])?;
        if cs.get(end) == Some(&self.decimal_point)
            && cs.get(end + 1).is_some_and(|c| self.digits.contains_key(c))
        {
            let mut k = end + 1;
            let mut scale = 0.1;
            while let Some(d) = cs.get(k).and_then(|c| self.digits.get(c)) {
                value += d * scale;
                scale /= 10.0;
                k += 1;
            }
            end = k;
        }
        Some((value, end))
    }

    /// 三百 → 300, 一千五百 → 1500, 十二 → 12, 两千零五 → 2005, 二〇二三 → 2023.
    fn chinese(&self, cs: &[char]) -> Option<f64> {
        let mut total = 0.0;
        let mut digit: Option<f64> = None;
        for c in cs {
            if let Some(d) = self.digits.get(c) {
                digit = Some(digit.map_or(*d, |prev| prev * 10.0 + d));
            } else {
                let scale = self.scales.get(c)?;
                total += digit.unwrap_or(1.0) * scale;
                digit = None;
            }
        }
        Some(total + digit.unwrap_or(0.0))
    }

    /// A number at `at` with its magnitude and unit, when it may be part of an amount.
    fn part(&self, cs: &[char], at: usize) -> Option<Part> {
        let arabic_number = is_arabic_digit(cs[at]);
        let (value, mut end) = self.number(cs, at)?;
        let mut k = Self::skip_space(cs, end);
        // magnitude: after Arabic digits one scale word may come first (5千万, 3百万)
        let mut factor = 1.0;
        let mut has_magnitude = false;
        if arabic_number && let Some(s) = cs.get(k).and_then(|c| self.scales.get(c)) {
            factor *= s;
            k += 1;
            has_magnitude = true;
        }
        let mut big = false;
        while let Some(m) = cs.get(k).and_then(|c| self.magnitudes.get(c)) {
            factor *= m;
            k += 1;
            big = true;
        }
        has_magnitude |= big;
        if has_magnitude {
            end = k;
        }
        let mut part = Part {
            number_end: end,
            end,
            value: value * factor,
            factor,
            has_magnitude,
            unit: None,
            counted: false,
        };
        let u = Self::skip_space(cs, end);
        if let Some(n) = Self::word_at(cs, u, &self.currencies) {
            part.unit = Some(Unit::Yuan);
            part.end = u + n;
        } else if !has_magnitude && let Some(n) = Self::word_at(cs, u, &self.percent_signs) {
            part.unit = Some(Unit::Percent);
            part.end = u + n;
        } else if big {
            // 补贴300万: money, unless what follows counts something (14万家, 14万余家).
            // Written in Chinese numerals, only at the end of a phrase (a query's 三百万),
            // not inside a name (千亿畅融行动).
            let mut c = u;
            if let Some(n) = Self::word_at(cs, c, &self.approximate) {
                c += n;
            }
            if Self::word_at(cs, c, &self.counters).is_some() {
                part.counted = true;
            } else if arabic_number || !cs.get(c).is_some_and(|c| super::is_han(*c)) {
                part.unit = Some(Unit::Yuan);
            }
        }
        Some(part)
    }

    /// `百分之七十`, `二分之一`: the denominator, the percentage and the end.
    fn fraction(&self, cs: &[char], at: usize) -> Option<(f64, f64, usize)> {
        let (denominator, end) = self.number(cs, at)?;
        if !Self::starts_with(cs, end, &self.fraction) {
            return None;
        }
        let (numerator, end) = self.number(cs, end + self.fraction.chars().count())?;
        (denominator > 0.0).then(|| (denominator, numerator / denominator * 100.0, end))
    }

    fn figure_at(&self, cs: &[char], at: usize) -> Scanned {
        let glued = at > 0 && {
            let prev = cs[at - 1];
            prev.is_ascii_alphanumeric() || prev == '.' || is_arabic_digit(prev)
        };
        let vague = self
            .not_after
            .iter()
            .any(|w| at >= w.chars().count() && Self::starts_with(cs, at - w.chars().count(), w));
        let Some((_, number_end)) = self.number(cs, at) else {
            return Scanned::Skip(at + 1);
        };
        if glued || vague {
            return Scanned::Skip(number_end);
        }
        if let Some((denominator, value, end)) = self.fraction(cs, at) {
            // 百分之四十至百分之六十, 百分之四十至六十
            let s = Self::skip_space(cs, end);
            if let Some(n) = Self::word_at(cs, s, &self.separators) {
                let b = Self::skip_space(cs, s + n);
                let second = match self.fraction(cs, b) {
                    Some((_, max, e)) => Some((max, e)),
                    None if cs.get(b).is_some_and(|c| self.may_start(*c)) => self
                        .part(cs, b)
                        .filter(|p| p.unit.is_none() && !p.has_magnitude && !p.counted)
                        .map(|p| (p.value / denominator * 100.0, p.number_end)),
                    None => None,
                };
                if let Some((max, e)) = second
                    && max >= value
                {
                    return Scanned::Figure(at, e, value, Some(max), Unit::Percent);
                }
            }
            return Scanned::Figure(at, end, value, None, Unit::Percent);
        }
        let Some(first) = self.part(cs, at) else {
            return Scanned::Skip(number_end);
        };
        if first.counted {
            return Scanned::Skip(first.number_end);
        }
        // a range: first [unit] separator second unit
        let s = Self::skip_space(cs, first.end);
        let range = Self::word_at(cs, s, &self.separators).and_then(|n| {
            let mut b = s + n;
            // a doubled dash (100——200万元)
            if let Some(m) = Self::word_at(cs, b, &self.separators)
                && cs[s] == cs[b]
            {
                b += m;
            }
            let b = Self::skip_space(cs, b);
            if !cs.get(b).is_some_and(|c| self.may_start(*c)) {
                return None;
            }
            self.part(cs, b)
        });
        if let Some(second) = range {
            if second.counted {
                // 1万—2万家: both ends count something
                return Scanned::Skip(second.number_end);
            }
            if let Some(unit) = second.unit {
                let compatible = first.unit.is_none_or(|u| u == unit);
                let low = if first.unit.is_none() && !first.has_magnitude {
                    // 100—2000万元: the first end takes the second's magnitude
                    first.value * second.factor
                } else {
                    first.value
                };
                if compatible && second.value >= low {
                    return Scanned::Figure(at, second.end, low, Some(second.value), unit);
                }
            }
        }
        match first.unit {
            Some(unit) => Scanned::Figure(at, first.end, first.value, None, unit),
            None => Scanned::Skip(first.number_end),
        }
    }
}

/// What a scan found at a position.
enum Scanned {
    /// A figure: start, end (chars), value, upper end, unit.
    Figure(usize, usize, f64, Option<f64>, Unit),
    /// No figure; go on scanning from this char.
    Skip(usize),
}

fn is_arabic_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn arabic_value(c: char) -> u32 {
    match c {
        '０'..='９' => c as u32 - '０' as u32,
        c => c as u32 - '0' as u32,
    }
}

/// An Arabic number at `at`: digits, `,` thousands groups (exactly three digits each),
/// a decimal part after `.` or `．`.
fn arabic(cs: &[char], at: usize) -> Option<(f64, usize)> {
    let digits_from = |k: usize| {
        let mut e = k;
        while cs.get(e).is_some_and(|c| is_arabic_digit(*c)) {
            e += 1;
        }
        e
    };
    let mut end = digits_from(at);
    if end == at {
        return None;
    }
    let mut text: String = cs[at..end]
        .iter()
        .map(|c| char::from_digit(arabic_value(*c), 10).unwrap_or('0'))
        .collect();
    // thousands groups: 3,000,000 (a group of another length ends the number: 20,50)
    while cs.get(end) == Some(&',') {
        let e = digits_from(end + 1);
        if e - (end + 1) != 3 {
            break;
        }
        text.extend(
            cs[end + 1..e]
                .iter()
                .map(|c| char::from_digit(arabic_value(*c), 10).unwrap_or('0')),
        );
        end = e;
    }
    if matches!(cs.get(end), Some('.' | '．')) {
        let e = digits_from(end + 1);
        if e > end + 1 {
            text.push('.');
            text.extend(
                cs[end + 1..e]
                    .iter()
                    .map(|c| char::from_digit(arabic_value(*c), 10).unwrap_or('0')),
            );
            end = e;
        }
    }
    text.parse().ok().map(|v| (v, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (surface, value, value_max, unit) of every amount in `text` (either script).
    fn amounts(text: &str) -> Vec<(String, f64, Option<f64>, Unit)> {
        let simplified = super::super::to_simplified(text);
        scan(&simplified)
            .into_iter()
            .map(|a| {
                (
                    text[a.bytes.clone()].to_string(),
                    a.value,
                    a.value_max,
                    a.unit,
                )
            })
            .collect()
    }

    use Unit::{Percent as P, Yuan as Y};

    #[test]
    fn every_form_in_both_scripts() {
        // (text, [(surface, value, max, unit)])
        #[allow(clippy::type_complexity)]
        let table: &[(&str, &[(&str, f64, Option<f64>, Unit)])] = &[
            // units, 万 / 亿 / 千, decimals
            ("给予300万元补贴", &[("300万元", 3e6, None, Y)]),
            ("給予300萬元補貼", &[("300萬元", 3e6, None, Y)]),
            ("上限为1.5亿元", &[("1.5亿元", 1.5e8, None, Y)]),
            ("上限為1.5億元", &[("1.5億元", 1.5e8, None, Y)]),
            ("最高补贴5000元", &[("5000元", 5000.0, None, Y)]),
            ("补贴上限为7.5万元", &[("7.5万元", 75_000.0, None, Y)]),
            ("奖励5千元", &[("5千元", 5000.0, None, Y)]),
            ("規模5千萬元", &[("5千萬元", 5e7, None, Y)]),
            ("规模3百万元", &[("3百万元", 3e6, None, Y)]),
            ("总额1.2万亿元", &[("1.2万亿元", 1.2e12, None, Y)]),
            ("给予 300 万元", &[("300 万元", 3e6, None, Y)]),
            ("给予３００万元", &[("３００万元", 3e6, None, Y)]),
            // thousands separators
            ("奖励3,000,000元", &[("3,000,000元", 3e6, None, Y)]),
            ("獎勵3,000,000元", &[("3,000,000元", 3e6, None, Y)]),
            ("分别给予20,50万元", &[("50万元", 5e5, None, Y)]),
            // Chinese numerals
            ("最高三百万元", &[("三百万元", 3e6, None, Y)]),
            ("每家最高新臺幣十萬元", &[("十萬元", 1e5, None, Y)]),
            ("最高新台币三十万元", &[("三十万元", 3e5, None, Y)]),
            ("每案最高新臺幣五百萬元", &[("五百萬元", 5e6, None, Y)]),
            ("一百萬元", &[("一百萬元", 1e6, None, Y)]),
            ("百万", &[("百万", 1e6, None, Y)]),
            ("三百万，", &[("三百万", 3e6, None, Y)]),
            ("实施“千亿畅融”行动", &[]),
            ("百万人才计划", &[]),
            ("补贴两千元", &[("两千元", 2000.0, None, Y)]),
            ("補貼兩千元", &[("兩千元", 2000.0, None, Y)]),
            ("奖励一千五百万元", &[("一千五百万元", 1.5e7, None, Y)]),
            // bare 万 / 亿 is money, unless it counts something
            ("最高奖励300万", &[("300万", 3e6, None, Y)]),
            ("最高獎勵300萬", &[("300萬", 3e6, None, Y)]),
            ("资助上限为100萬港元", &[("100萬港元", 1e6, None, Y)]),
            ("我区共有中小微企业14万家", &[]),
            ("我區共有中小微企業14萬家", &[]),
            ("近1萬家的科技型中小企業", &[]),
            ("匯集我區14萬企業的工商基礎征信數據", &[]),
            ("企业14万余家", &[]),
            ("培育2.5万家、市级", &[]),
            ("1万—2万家", &[]),
            // percentages
            ("给予最高70%的资金支持", &[("70%", 70.0, None, P)]),
            ("贴息比例为0.75％", &[("0.75％", 0.75, None, P)]),
            ("補助其查證費用百分之七十", &[("百分之七十", 70.0, None, P)]),
            ("补贴年息百分之一点五", &[("百分之一点五", 1.5, None, P)]),
            ("補貼年息百分之一點五", &[("百分之一點五", 1.5, None, P)]),
            ("補助其實際支出之二分之一", &[("二分之一", 50.0, None, P)]),
            ("千分之五", &[("千分之五", 0.5, None, P)]),
            // ranges, every separator
            ("给予100—2000万元", &[("100—2000万元", 1e6, Some(2e7), Y)]),
            ("给予100——2000万元", &[("100——2000万元", 1e6, Some(2e7), Y)]),
            ("给予100-2000万元", &[("100-2000万元", 1e6, Some(2e7), Y)]),
            ("给予100～2000万元", &[("100～2000万元", 1e6, Some(2e7), Y)]),
            ("给予100~2000万元", &[("100~2000万元", 1e6, Some(2e7), Y)]),
            ("给予100–2000万元", &[("100–2000万元", 1e6, Some(2e7), Y)]),
            ("给予100－2000万元", &[("100－2000万元", 1e6, Some(2e7), Y)]),
            ("給予5至20萬元", &[("5至20萬元", 5e4, Some(2e5), Y)]),
            ("给予5到20万元", &[("5到20万元", 5e4, Some(2e5), Y)]),
            (
                "在20亿元至25亿元之间",
                &[("20亿元至25亿元", 2e9, Some(2.5e9), Y)],
            ),
            (
                "在20億元至25億元之間",
                &[("20億元至25億元", 2e9, Some(2.5e9), Y)],
            ),
            ("100万—2000万", &[("100万—2000万", 1e6, Some(2e7), Y)]),
            ("100元—2000万元", &[("100元—2000万元", 100.0, Some(2e7), Y)]),
            ("费用40%-60%的资金", &[("40%-60%", 40.0, Some(60.0), P)]),
            ("費用40-60%的資金", &[("40-60%", 40.0, Some(60.0), P)]),
            (
                "百分之四十至百分之六十",
                &[("百分之四十至百分之六十", 40.0, Some(60.0), P)],
            ),
            (
                "百分之四十至六十",
                &[("百分之四十至六十", 40.0, Some(60.0), P)],
            ),
            ("五至十万元", &[("五至十万元", 5e4, Some(1e5), Y)]),
            // a falling "range" is two figures, or one
            (
                "20万元—5万元",
                &[("20万元", 2e5, None, Y), ("5万元", 5e4, None, Y)],
            ),
            (
                "30%—50万元",
                &[("30%", 30.0, None, P), ("50万元", 5e5, None, Y)],
            ),
            // lists
            (
                "分别给予20万元、50万元、100万元",
                &[
                    ("20万元", 2e5, None, Y),
                    ("50万元", 5e5, None, Y),
                    ("100万元", 1e6, None, Y),
                ],
            ),
            (
                "贴息50%、10%",
                &[("50%", 50.0, None, P), ("10%", 10.0, None, P)],
            ),
            // not amounts
            ("核心區中小微企業助力計劃(2013-2015年)", &[]),
            ("联系电话:0472—5618435，5G+工业互联网", &[]),
            ("容积率可提升至 2.0 以上", &[]),
            ("第一条 一是加强 十大强企行动 三年 十四五", &[]),
            ("给予数十万元支持", &[]),
            ("最多6個項目", &[]),
            ("以1:1配對形式", &[]),
            ("btjxwcjc@163.com", &[]),
            ("A300万元", &[]),
        ];
        for (text, expected) in table {
            let got = amounts(text);
            let want: Vec<(String, f64, Option<f64>, Unit)> = expected
                .iter()
                .map(|(s, v, m, u)| (s.to_string(), *v, *m, *u))
                .collect();
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn money_parses_as_typed() {
        assert_eq!(parse_money("100万"), Some(1e6));
        assert_eq!(parse_money("100萬元"), Some(1e6));
        assert_eq!(parse_money("1.5亿"), Some(1.5e8));
        assert_eq!(parse_money("1.5億元"), Some(1.5e8));
        assert_eq!(parse_money("3,000,000"), Some(3e6));
        assert_eq!(parse_money("5000"), Some(5000.0));
        assert_eq!(parse_money("三百万"), Some(3e6));
        assert_eq!(parse_money(" 500元 "), Some(500.0));
        assert_eq!(parse_money("70%"), None);
        assert_eq!(parse_money("100—200万元"), None);
        assert_eq!(parse_money("lots"), None);
        assert_eq!(parse_money(""), None);
    }

    #[test]
    fn bad_words_are_reported() {
        let bad = BUNDLED_FIGURES.replace("decimal_point = \"点\"", "decimal_point = \"点点\"");
        let err = Grammar::parse(&bad, "my/figures.toml").unwrap_err();
        assert!(format!("{err:#}").contains("my/figures.toml"), "{err:#}");
        assert!(format!("{err:#}").contains("decimal_point"), "{err:#}");
    }
}
