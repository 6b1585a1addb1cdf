//! Stage 2a — figures: every amount of money and every percentage in a clause, with
//! what it means (a cap paid as a subsidy, an eligibility threshold, a target …).

use std::ops::Range;

use serde::{Deserialize, Serialize};

/// What a figure is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// Money, normalised to yuan (万 and 亿 resolved).
    Yuan,
    /// A ratio, as a number of percent (70 for 70%).
    Percent,
}

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

/// Every figure in `text` (original script), in order of appearance.
pub fn extract(text: &str) -> Vec<Figure> {
    let _ = text;
    todo!("figure extraction")
}
