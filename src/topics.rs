//! Stage 2b — measure types: the taxonomy in `corpus/topics.toml` and the rules that
//! assign clauses to it.
//!
//! A measure type ([`Topic`]) is matched by plain word lists on the normalised
//! (Simplified) text, so a consultant can extend the taxonomy without touching code:
//! `any` words make a match, `also` words must accompany them, `not` words veto it, and
//! `ignore` phrases are blanked out first. A clause may carry several types.

use anyhow::{Result, anyhow};
use serde::{Deserialize, Serialize};

use crate::text;

/// The bundled taxonomy file.
pub const BUNDLED_TOPICS: &str = include_str!("../corpus/topics.toml");

/// One measure type (listing support, trade fairs, IP-pledge finance …).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Topic {
    /// Stable id used on the command line (`listing`).
    pub id: String,
    /// Chinese name (上市挂牌).
    pub zh: String,
    /// English name.
    pub en: String,
    /// The matching rule, as written in the taxonomy file.
    pub rule: TopicRule,
}

/// How a [`Topic`] is recognised in a clause (words in Simplified script).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TopicRule {
    /// The clause matches when it contains any of these …
    pub any: Vec<String>,
    /// … and, when not empty, also one of these …
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
    /// … and none of these.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not: Vec<String>,
    /// Phrases removed before matching (信贷绿色通道 for the green type).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<String>,
}

/// The loaded taxonomy.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// Measure types in file order.
    pub topics: Vec<Topic>,
    /// Phrases removed before any topic is matched (高质量发展 …).
    pub ignore: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicsFile {
    #[serde(default)]
    settings: Settings,
    #[serde(default)]
    topic: Vec<TopicEntry>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    #[serde(default)]
    ignore: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicEntry {
    id: toml::Spanned<String>,
    zh: String,
    en: String,
    any: Vec<String>,
    #[serde(default)]
    also: Vec<String>,
    #[serde(default)]
    not: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
}

/// 1-based line of byte offset `at` in `text`.
pub(crate) fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Marks that never carry meaning for matching: quotation marks, title brackets and
/// spaces (“专精特新”板 → 专精特新板).
fn is_dropped(c: char) -> bool {
    crate::text::script::is_quotation_mark(c) || c.is_whitespace()
}

/// The form words and texts are compared in: Simplified, without quotation marks.
fn compact(text: &str) -> String {
    compact_simplified(&text::to_simplified(text))
}

/// [`compact`] of a text already in Simplified (the script conversion is the costly part).
pub(crate) fn compact_simplified(normalized: &str) -> String {
    normalized.chars().filter(|c| !is_dropped(*c)).collect()
}

pub(crate) fn compact_all(words: &[String]) -> Vec<String> {
    words
        .iter()
        .map(|w| compact(w))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Replaces every occurrence of the phrases with a placeholder so that the text around
/// them cannot join into a new word.
pub(crate) fn blank_out(text: &str, phrases: &[String]) -> String {
    let mut out = text.to_string();
    for p in phrases {
        if out.contains(p.as_str()) {
            out = out.replace(p.as_str(), "□");
        }
    }
    out
}

impl Taxonomy {
    /// Parses a taxonomy; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Taxonomy> {
        let file: TopicsFile = toml::from_str(text).map_err(|e| match e.span() {
            Some(span) => anyhow!(
                "{origin}:{}: {}",
                line_of(text, span.start),
                e.message().trim()
            ),
            None => anyhow!("{origin}: {}", e.message().trim()),
        })?;
        let mut topics: Vec<Topic> = Vec::with_capacity(file.topic.len());
        for entry in file.topic {
            let line = line_of(text, entry.id.span().start);
            let id = entry.id.into_inner();
            let valid_id = !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
            if !valid_id {
                return Err(anyhow!(
                    "{origin}:{line}: topic id {id:?} must be lowercase letters, digits, '-' or '_'"
                ));
            }
            if topics.iter().any(|t| t.id == id) {
                return Err(anyhow!("{origin}:{line}: topic id {id:?} is used twice"));
            }
            if entry.zh.trim().is_empty() || entry.en.trim().is_empty() {
                return Err(anyhow!(
                    "{origin}:{line}: topic {id:?} needs both zh and en names"
                ));
            }
            let rule = TopicRule {
                any: compact_all(&entry.any),
                also: compact_all(&entry.also),
                not: compact_all(&entry.not),
                ignore: compact_all(&entry.ignore),
            };
            if rule.any.is_empty() {
                return Err(anyhow!("{origin}:{line}: topic {id:?} has no `any` words"));
            }
            topics.push(Topic {
                id,
                zh: entry.zh,
                en: entry.en,
                rule,
            });
        }
        if topics.is_empty() {
            return Err(anyhow!("{origin}: no [[topic]] tables"));
        }
        Ok(Taxonomy {
            topics,
            ignore: compact_all(&file.settings.ignore),
        })
    }

    /// The measure types whose rules match this normalised (Simplified) text, such as
    /// [`Clause::normalized`](crate::corpus::Clause::normalized).
    pub fn classify(&self, normalized: &str) -> Vec<String> {
        let text = blank_out(&compact_simplified(normalized), &self.ignore);
        self.topics
            .iter()
            .filter(|t| t.matches_compact(&text))
            .map(|t| t.id.clone())
            .collect()
    }

    /// The topic with this id (or Chinese/English name).
    pub fn get(&self, key: &str) -> Option<&Topic> {
        self.topics
            .iter()
            .find(|t| t.id == key || t.zh == key || t.en.eq_ignore_ascii_case(key))
    }
}

impl Topic {
    /// The words of this topic's rule found in `normalized` (what made it match).
    pub fn evidence(&self, normalized: &str) -> Vec<String> {
        let text = blank_out(&compact_simplified(normalized), &self.rule.ignore);
        self.rule
            .any
            .iter()
            .filter(|w| text.contains(w.as_str()))
            .cloned()
            .collect()
    }

    fn matches_compact(&self, text: &str) -> bool {
        self.rule.first_match(text).is_some()
    }
}

impl TopicRule {
    /// The first `any` word that makes the rule match a compact Simplified text (see
    /// [`compact_simplified`]), if it matches.
    pub fn first_match(&self, text: &str) -> Option<&str> {
        let owned;
        let text = if self.ignore.is_empty() {
            text
        } else {
            owned = blank_out(text, &self.ignore);
            &owned
        };
        let has = |words: &[String]| words.iter().any(|w| text.contains(w.as_str()));
        if (!self.also.is_empty() && !has(&self.also)) || has(&self.not) {
            return None;
        }
        self.any
            .iter()
            .find(|w| text.contains(w.as_str()))
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> Taxonomy {
        Taxonomy::parse(BUNDLED_TOPICS, "topics.toml").unwrap()
    }

    #[test]
    fn bundled_taxonomy_covers_the_required_types() {
        let tx = bundled();
        for id in [
            "listing",
            "equity-board",
            "tradefair",
            "first-use",
            "rnd",
            "challenge",
            "supply-chain",
            "scenario",
            "digital",
            "green",
            "patent",
            "ip-pledge",
            "loans",
            "guarantee",
            "bonds",
            "equity-fund",
            "recognition",
            "relocation",
            "talent",
            "training",
            "land",
            "park",
            "brand",
            "quality",
            "overseas",
            "service-voucher",
            "tax-fee",
            "special-fund",
            "procurement",
            "matchmaking",
            "env-energy",
            "legal",
            "cultivation-pool",
        ] {
            let t = tx.get(id).unwrap_or_else(|| panic!("missing topic {id}"));
            assert!(!t.zh.is_empty() && !t.en.is_empty());
        }
        assert_eq!(tx.get("上市挂牌").map(|t| t.id.as_str()), Some("listing"));
    }

    #[test]
    fn classifies_both_scripts_alike() {
        let tx = bundled();
        let s = "支持企业在A股或境外主要证券交易所上市，市级财政按规定给予每家总额不超过300万元的资金补贴";
        let t = "支援企業在A股或境外主要證券交易所上市,市級財政按規定給予每家總額不超過300萬元的資金補貼";
        let a = tx.classify(&text::to_simplified(s));
        let b = tx.classify(&text::to_simplified(t));
        assert_eq!(a, b);
        assert!(a.contains(&"listing".to_string()));
        // 境外主要证券交易所 is about where to list, not about going abroad
        assert!(!a.contains(&"overseas".to_string()), "{a:?}");
    }

    #[test]
    fn quotes_do_not_split_words_and_ignored_phrases_do_not_count() {
        let tx = bundled();
        let topics = tx.classify("高质量建设浙江股权交易中心“专精特新”板");
        assert!(topics.contains(&"equity-board".to_string()));
        assert!(!topics.contains(&"quality".to_string()), "{topics:?}");
        let topics = tx.classify("推进辖内商业银行为企业开辟信贷绿色通道");
        assert!(topics.contains(&"loans".to_string()));
        assert!(!topics.contains(&"green".to_string()), "{topics:?}");
    }

    #[test]
    fn trade_fairs_in_three_phrasings() {
        let tx = bundled();
        for text in [
            "支持开展外贸业务的企业参加国际性展会、线上外贸展会等活动，按照实际发生费用给予最高70%的资金支持",
            "支持专精特新中小企业参加国际性展会，对参加省级商务重点展会的，按照不高于展位费70%比例进行补助",
            "鼓励“专精特新”中小企业参加进博会、智博会、中博会、APEC中小企业技展会等大型展会",
        ] {
            assert!(
                tx.classify(text).contains(&"tradefair".to_string()),
                "{text}"
            );
        }
        // an expo used to attract investment is a relocation measure, not trade-fair support
        let t = tx.classify("强化重大展会和系列活动招商，承接重大展会溢出效应");
        assert!(!t.contains(&"tradefair".to_string()));
        assert!(t.contains(&"relocation".to_string()));
    }

    #[test]
    fn also_and_not_lists_apply() {
        let tx = bundled();
        let rec = "recognition".to_string();
        assert!(
            tx.classify("对新认定的专精特新中小企业给予50万元一次性奖励")
                .contains(&rec)
        );
        assert!(!tx.classify("经认定的企业可申报").contains(&rec));
    }

    #[test]
    fn errors_name_file_and_line() {
        let dup = "[[topic]]\nid = \"a\"\nzh = \"甲\"\nen = \"A\"\nany = [\"甲\"]\n\n[[topic]]\nid = \"a\"\nzh = \"乙\"\nen = \"B\"\nany = [\"乙\"]\n";
        let err = Taxonomy::parse(dup, "my/topics.toml")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("my/topics.toml:8:"), "{err}");
        let missing = "[[topic]]\nid = \"a\"\nzh = \"甲\"\nen = \"A\"\n";
        let err = Taxonomy::parse(missing, "t.toml").unwrap_err().to_string();
        assert!(err.starts_with("t.toml:1:") && err.contains("any"), "{err}");
        let empty = "[[topic]]\nid = \"a\"\nzh = \"甲\"\nen = \"A\"\nany = []\n";
        let err = Taxonomy::parse(empty, "t.toml").unwrap_err().to_string();
        assert!(err.starts_with("t.toml:2:"), "{err}");
        let bad_id =
            "[[topic]]\nid = \"Listing Support\"\nzh = \"甲\"\nen = \"A\"\nany = [\"x\"]\n";
        assert!(Taxonomy::parse(bad_id, "t.toml").is_err());
        let syntax = "[[topic]]\nid = \"a\"\nzh = 甲\n";
        let err = Taxonomy::parse(syntax, "t.toml").unwrap_err().to_string();
        assert!(err.starts_with("t.toml:3:"), "{err}");
    }
}
