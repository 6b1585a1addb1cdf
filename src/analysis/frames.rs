//! Measure frames: what a provision rewards or supports (the *trigger*: 上市, 参展,
//! 认定为小巨人 …), with what (the *instrument* family: 奖励/补贴, 贴息, 股权投资 …),
//! how the amount is set (the *basis*: 按费用比例, 每家, 一次性 …) and for whom (the
//! *beneficiary*). Read from the text by the rules in `corpus/frames.toml`, so a
//! consultant can extend them without touching code.
//!
//! Cross-links rest mainly on frames: two provisions with the same trigger and the same
//! instrument family are the same measure, whatever their wording.

use anyhow::{Result, anyhow};
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::topics::{TopicRule, blank_out, compact_all, compact_simplified, line_of};

/// The bundled frame rules.
pub const BUNDLED_FRAMES: &str = include_str!("../../corpus/frames.toml");

/// What one provision supports, read from its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    /// Trigger id (`listing`).
    pub trigger: String,
    /// The word that showed it (上市).
    pub evidence: String,
    /// Instrument family ids found in the provision (`grant`), in rule order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instruments: Vec<String>,
    /// Basis ids (`ratio`, `per-firm`), in rule order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub basis: Vec<String>,
    /// Beneficiary id, if one is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beneficiary: Option<String>,
}

/// What a provision states of its own measure besides the trigger.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    /// Instrument family ids.
    pub instruments: Vec<String>,
    /// Basis ids.
    pub basis: Vec<String>,
    /// Beneficiary id.
    pub beneficiary: Option<String>,
}

impl Context {
    /// An inherited frame with what the provision states itself in place of its
    /// context's.
    pub fn complete(&self, mut frame: Frame) -> Frame {
        if !self.instruments.is_empty() {
            frame.instruments = self.instruments.clone();
        }
        if !self.basis.is_empty() {
            frame.basis = self.basis.clone();
        }
        if self.beneficiary.is_some() {
            frame.beneficiary = self.beneficiary.clone();
        }
        frame
    }
}

/// What a query word names (see [`FrameRules::named_in_query`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedKind {
    /// A trigger: what is supported.
    Trigger,
    /// An instrument family: with what.
    Instrument,
}

/// A measure word found in a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// Trigger or instrument.
    pub kind: NamedKind,
    /// Trigger or instrument family id.
    pub id: String,
    /// The rule's word found.
    pub word: String,
    /// Where, in characters of the text given.
    pub chars: std::ops::Range<usize>,
}

/// A trigger rule.
#[derive(Debug, Clone)]
pub struct Trigger {
    /// Stable id.
    pub id: String,
    /// What is supported, in Chinese.
    pub zh: String,
    /// The same, in English.
    pub en: String,
    /// Triggers of one family are related measures.
    pub family: String,
    /// The words.
    pub rule: TopicRule,
    /// More general triggers this one replaces.
    pub over: Vec<String>,
}

/// A named family of words (instrument, beneficiary).
#[derive(Debug, Clone)]
pub struct WordFamily {
    /// Stable id.
    pub id: String,
    /// Chinese label.
    pub zh: String,
    /// English label.
    pub en: String,
    /// The words (Simplified, compact).
    pub words: Vec<String>,
    /// Words too general to stand for one another in a query or to make a provision a
    /// measure on their own (服务, 优先).
    pub general: bool,
}

/// A basis rule.
#[derive(Debug, Clone)]
pub struct Basis {
    /// Stable id.
    pub id: String,
    /// Chinese label.
    pub zh: String,
    /// English label.
    pub en: String,
    patterns: Vec<Regex>,
}

/// The loaded rules of `frames.toml`.
#[derive(Debug, Clone)]
pub struct FrameRules {
    /// Triggers in file order.
    pub triggers: Vec<Trigger>,
    /// Instrument families.
    pub instruments: Vec<WordFamily>,
    /// Bases.
    pub bases: Vec<Basis>,
    /// Beneficiaries, most specific first.
    pub beneficiaries: Vec<WordFamily>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FramesFile {
    #[serde(default)]
    trigger: Vec<TriggerEntry>,
    #[serde(default)]
    instrument: Vec<FamilyEntry>,
    #[serde(default)]
    basis: Vec<BasisEntry>,
    #[serde(default)]
    beneficiary: Vec<FamilyEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TriggerEntry {
    id: toml::Spanned<String>,
    zh: String,
    en: String,
    family: String,
    any: Vec<String>,
    #[serde(default)]
    also: Vec<String>,
    #[serde(default)]
    not: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    over: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FamilyEntry {
    id: toml::Spanned<String>,
    zh: String,
    en: String,
    words: Vec<String>,
    #[serde(default)]
    general: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BasisEntry {
    id: toml::Spanned<String>,
    zh: String,
    en: String,
    patterns: Vec<String>,
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

impl FrameRules {
    /// Parses `frames.toml`; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<FrameRules> {
        let file: FramesFile = toml::from_str(text).map_err(|e| match e.span() {
            Some(span) => anyhow!(
                "{origin}:{}: {}",
                line_of(text, span.start),
                e.message().trim()
            ),
            None => anyhow!("{origin}: {}", e.message().trim()),
        })?;
        let check_id = |id: &toml::Spanned<String>, what: &str, seen: &[&str]| -> Result<()> {
            let line = line_of(text, id.span().start);
            let name = id.get_ref();
            if !valid_id(name) {
                return Err(anyhow!(
                    "{origin}:{line}: {what} id {name:?} must be lowercase letters, digits, '-' or '_'"
                ));
            }
            if seen.contains(&name.as_str()) {
                return Err(anyhow!("{origin}:{line}: {what} id {name:?} is used twice"));
            }
            Ok(())
        };
        let mut triggers: Vec<Trigger> = Vec::new();
        for e in file.trigger {
            let seen: Vec<&str> = triggers.iter().map(|t| t.id.as_str()).collect();
            check_id(&e.id, "trigger", &seen)?;
            let line = line_of(text, e.id.span().start);
            let rule = TopicRule {
                any: compact_all(&e.any),
                also: compact_all(&e.also),
                not: compact_all(&e.not),
                ignore: compact_all(&e.ignore),
            };
            if rule.any.is_empty() {
                return Err(anyhow!(
                    "{origin}:{line}: trigger {:?} has no `any` words",
                    e.id.get_ref()
                ));
            }
            if e.zh.trim().is_empty() || e.en.trim().is_empty() || e.family.trim().is_empty() {
                return Err(anyhow!(
                    "{origin}:{line}: trigger {:?} needs zh, en and family",
                    e.id.get_ref()
                ));
            }
            triggers.push(Trigger {
                id: e.id.into_inner(),
                zh: e.zh,
                en: e.en,
                family: e.family,
                rule,
                over: e.over,
            });
        }
        if triggers.is_empty() {
            return Err(anyhow!("{origin}: no [[trigger]] tables"));
        }
        for t in &triggers {
            for o in &t.over {
                if !triggers.iter().any(|x| &x.id == o) {
                    return Err(anyhow!(
                        "{origin}: trigger {:?}: `over` names no trigger {o:?}",
                        t.id
                    ));
                }
            }
        }
        let families = |entries: Vec<FamilyEntry>, what: &str| -> Result<Vec<WordFamily>> {
            let mut out: Vec<WordFamily> = Vec::new();
            for e in entries {
                let seen: Vec<&str> = out.iter().map(|f| f.id.as_str()).collect();
                check_id(&e.id, what, &seen)?;
                let words = compact_all(&e.words);
                if words.is_empty() {
                    return Err(anyhow!(
                        "{origin}:{}: {what} {:?} has no words",
                        line_of(text, e.id.span().start),
                        e.id.get_ref()
                    ));
                }
                out.push(WordFamily {
                    id: e.id.into_inner(),
                    zh: e.zh,
                    en: e.en,
                    words,
                    general: e.general,
                });
            }
            Ok(out)
        };
        let instruments = families(file.instrument, "instrument")?;
        let beneficiaries = families(file.beneficiary, "beneficiary")?;
        let mut bases: Vec<Basis> = Vec::new();
        for e in file.basis {
            let seen: Vec<&str> = bases.iter().map(|b| b.id.as_str()).collect();
            check_id(&e.id, "basis", &seen)?;
            let line = line_of(text, e.id.span().start);
            let mut patterns = Vec::new();
            for p in &e.patterns {
                patterns.push(Regex::new(p).map_err(|err| {
                    anyhow!(
                        "{origin}:{line}: basis {:?}: pattern {p:?}: {err}",
                        e.id.get_ref()
                    )
                })?);
            }
            bases.push(Basis {
                id: e.id.into_inner(),
                zh: e.zh,
                en: e.en,
                patterns,
            });
        }
        Ok(FrameRules {
            triggers,
            instruments,
            bases,
            beneficiaries,
        })
    }

    /// The bundled rules.
    pub fn bundled() -> FrameRules {
        FrameRules::parse(BUNDLED_FRAMES, "corpus/frames.toml (bundled)")
            .unwrap_or_else(|e| panic!("{e:#}"))
    }

    /// The rules of a `--corpus` folder's `frames.toml` if it has one, else the bundled.
    pub fn load(dir: Option<&std::path::Path>) -> Result<FrameRules> {
        match dir.map(|d| d.join("frames.toml")).filter(|p| p.is_file()) {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| anyhow!("{}: cannot read: {e}", path.display()))?;
                FrameRules::parse(&text, &path.display().to_string())
            }
            None => Ok(FrameRules::bundled()),
        }
    }

    /// The trigger with this id.
    pub fn trigger(&self, id: &str) -> Option<&Trigger> {
        self.triggers.iter().find(|t| t.id == id)
    }

    /// The instrument family with this id.
    pub fn instrument(&self, id: &str) -> Option<&WordFamily> {
        self.instruments.iter().find(|t| t.id == id)
    }

    /// The basis with this id.
    pub fn basis(&self, id: &str) -> Option<&Basis> {
        self.bases.iter().find(|t| t.id == id)
    }

    /// The frames of a measure text already in Simplified script (a provision's
    /// `measure` converted; see [`crate::text::to_simplified`]).
    pub fn frames(&self, simplified: &str) -> Vec<Frame> {
        let text = compact_simplified(simplified);
        let mut found: Vec<(usize, String)> = Vec::new();
        for (i, t) in self.triggers.iter().enumerate() {
            if let Some(word) = t.rule.first_match(&text) {
                found.push((i, word.to_string()));
            }
        }
        let dropped: Vec<&str> = found
            .iter()
            .flat_map(|(i, _)| self.triggers[*i].over.iter().map(String::as_str))
            .collect();
        found.retain(|(i, _)| !dropped.contains(&self.triggers[*i].id.as_str()));
        if found.is_empty() {
            return Vec::new();
        }
        let instruments: Vec<String> = self
            .instruments
            .iter()
            .filter(|f| f.words.iter().any(|w| text.contains(w.as_str())))
            .map(|f| f.id.clone())
            .collect();
        let basis: Vec<String> = self
            .bases
            .iter()
            .filter(|b| b.patterns.iter().any(|p| p.is_match(&text)))
            .map(|b| b.id.clone())
            .collect();
        let beneficiary = self
            .beneficiaries
            .iter()
            .find(|f| f.words.iter().any(|w| text.contains(w.as_str())))
            .map(|f| f.id.clone());
        found
            .into_iter()
            .map(|(i, evidence)| Frame {
                trigger: self.triggers[i].id.clone(),
                evidence,
                instruments: instruments.clone(),
                basis: basis.clone(),
                beneficiary: beneficiary.clone(),
            })
            .collect()
    }

    /// The instruments, basis and beneficiary a provision states itself, for a frame
    /// whose trigger it takes from its context.
    pub fn frame_of_context(&self, measure: &str) -> Context {
        let text = compact_simplified(&crate::text::to_simplified(measure));
        Context {
            instruments: self
                .instruments
                .iter()
                .filter(|f| f.words.iter().any(|w| text.contains(w.as_str())))
                .map(|f| f.id.clone())
                .collect(),
            basis: self
                .bases
                .iter()
                .filter(|b| b.patterns.iter().any(|p| p.is_match(&text)))
                .map(|b| b.id.clone())
                .collect(),
            beneficiary: self
                .beneficiaries
                .iter()
                .find(|f| f.words.iter().any(|w| text.contains(w.as_str())))
                .map(|f| f.id.clone()),
        }
    }

    /// Whether two triggers are of one family (related measures).
    pub fn same_family(&self, a: &str, b: &str) -> bool {
        match (self.trigger(a), self.trigger(b)) {
            (Some(x), Some(y)) => x.family == y.family,
            _ => false,
        }
    }

    /// What a query names, read with the same words as provisions: every occurrence of a
    /// trigger's `any` words (its `also` context is not required, since a query names a
    /// measure rather than describing it; `not` words and `ignore` phrases apply as for a
    /// provision) and of an instrument family's words. `simplified` is one query word
    /// run in Simplified script; ranges are in its characters (quotation marks inside it
    /// are skipped, as the provision matcher does).
    pub fn named_in_query(&self, simplified: &str) -> Vec<Named> {
        // the compact text, with the original char index of each of its chars
        let mut compact = String::new();
        let mut origin: Vec<usize> = Vec::new();
        for (i, c) in simplified.chars().enumerate() {
            let kept = compact_simplified(c.encode_utf8(&mut [0; 4]));
            if !kept.is_empty() {
                compact.push(c);
                origin.push(i);
            }
        }
        origin.push(simplified.chars().count());
        let chars_of = |bytes: std::ops::Range<usize>| {
            let start = compact[..bytes.start].chars().count();
            let end = start + compact[bytes].chars().count();
            origin[start]..origin[end - 1] + 1
        };
        // a query is a few characters and the rules hold hundreds of words: most words
        // are ruled out by their first character before any substring search
        let mut starts: Vec<char> = compact.chars().collect();
        starts.sort_unstable();
        starts.dedup();
        let occurrences = |word: &str| -> Vec<std::ops::Range<usize>> {
            if let Some(c) = word.chars().next()
                && starts.binary_search(&c).is_err()
            {
                return Vec::new();
            }
            compact
                .match_indices(word)
                .map(|(b, w)| b..b + w.len())
                .collect()
        };
        let mut out = Vec::new();
        for t in &self.triggers {
            let rule = &t.rule;
            if rule.not.iter().any(|w| compact.contains(w.as_str())) {
                continue;
            }
            let ignored: Vec<std::ops::Range<usize>> =
                rule.ignore.iter().flat_map(|p| occurrences(p)).collect();
            for w in &rule.any {
                for r in occurrences(w) {
                    if ignored.iter().any(|i| i.start < r.end && r.start < i.end) {
                        continue;
                    }
                    out.push(Named {
                        kind: NamedKind::Trigger,
                        id: t.id.clone(),
                        word: w.clone(),
                        chars: chars_of(r),
                    });
                }
            }
        }
        for f in &self.instruments {
            for w in &f.words {
                for r in occurrences(w) {
                    out.push(Named {
                        kind: NamedKind::Instrument,
                        id: f.id.clone(),
                        word: w.clone(),
                        chars: chars_of(r),
                    });
                }
            }
        }
        out
    }

    /// The triggers a provision may carry for a query that names `id`: the trigger itself
    /// and the more specific ones that replace it (`over`), since a provision with those
    /// no longer carries the general one (新三板 for 上市).
    pub fn with_specifics(&self, id: &str) -> Vec<&str> {
        let mut out = vec![];
        if let Some(t) = self.trigger(id) {
            out.push(t.id.as_str());
        }
        for t in &self.triggers {
            if t.over.iter().any(|o| o == id) && !out.contains(&t.id.as_str()) {
                out.push(t.id.as_str());
            }
        }
        out
    }

    /// Removes phrases from a compact text (shared with the topics matcher).
    pub fn blank(text: &str, phrases: &[String]) -> String {
        blank_out(text, phrases)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::to_simplified;

    fn frames(text: &str) -> Vec<Frame> {
        FrameRules::bundled().frames(&to_simplified(text))
    }

    fn triggers(text: &str) -> Vec<String> {
        frames(text).into_iter().map(|f| f.trigger).collect()
    }

    #[test]
    fn the_bundled_rules_load() {
        let r = FrameRules::bundled();
        assert!(r.triggers.len() > 30);
        assert!(r.instrument("grant").is_some());
    }

    #[test]
    fn a_listing_reward_is_read_in_either_script_and_wording() {
        for text in [
            "对在境内外证券交易所首发上市的企业,给予一次性奖励200万元。",
            "支援企業在A股或境外主要證券交易所上市,市級財政給予每家總額不超過300萬元的資金補貼。",
        ] {
            let f = frames(text);
            assert_eq!(f.len(), 1, "{text}: {f:?}");
            assert_eq!(f[0].trigger, "listing");
            assert_eq!(f[0].instruments, vec!["grant".to_string()]);
        }
    }

    #[test]
    fn specific_triggers_replace_general_ones() {
        assert_eq!(
            triggers("对新认定的国家级专精特新“小巨人”企业,给予一次性奖励50万元"),
            vec!["little-giant"]
        );
        assert_eq!(triggers("支持企业在新三板挂牌并给予资金补贴"), vec!["neeq"]);
        // digital upgrading is digital, not plain equipment upgrading
        let t = triggers("对企业实施数字化技术改造项目给予补助");
        assert!(t.contains(&"digital".to_string()), "{t:?}");
        assert!(!t.contains(&"tech-upgrade".to_string()), "{t:?}");
    }

    #[test]
    fn basis_and_beneficiary_are_read() {
        let f = frames("按照实际发生费用给予最高70%的资金支持,支持专精特新中小企业参加展会");
        assert_eq!(f[0].trigger, "tradefair");
        assert!(f[0].basis.contains(&"ratio".to_string()), "{f:?}");
        assert_eq!(f[0].beneficiary.as_deref(), Some("srdi"));
    }

    #[test]
    fn queries_name_triggers_and_instruments_with_the_same_words() {
        let r = FrameRules::bundled();
        let named = r.named_in_query("展位费补贴");
        let trigger = named.iter().find(|n| n.kind == NamedKind::Trigger).unwrap();
        assert_eq!(
            (trigger.id.as_str(), trigger.chars.clone()),
            ("tradefair", 0..2)
        );
        let instrument = named
            .iter()
            .find(|n| n.kind == NamedKind::Instrument)
            .unwrap();
        assert_eq!(
            (instrument.id.as_str(), instrument.chars.clone()),
            ("grant", 3..5)
        );
        // quotation marks inside a word are skipped, ranges stay in the text given
        let named = r.named_in_query("“专精特新”板");
        assert!(
            named
                .iter()
                .any(|n| n.id == "equity-board" && n.chars == (1..7)),
            "{named:?}"
        );
        // `ignore` phrases and `not` words apply as for a provision
        assert!(
            !r.named_in_query("上市公司")
                .iter()
                .any(|n| n.id == "listing")
        );
        assert!(!r.named_in_query("非上市").iter().any(|n| n.id == "listing"));
        // a general trigger stands for its specific forms
        let listing = r.with_specifics("listing");
        assert!(listing.contains(&"listing") && listing.contains(&"neeq"));
    }

    #[test]
    fn text_without_a_measure_has_no_frame() {
        assert!(frames("坚持以习近平新时代中国特色社会主义思想为指导。").is_empty());
    }

    #[test]
    fn errors_name_file_and_line() {
        let bad =
            "[[trigger]]\nid = \"Bad Id\"\nzh = \"x\"\nen = \"x\"\nfamily = \"f\"\nany = [\"x\"]\n";
        let err = FrameRules::parse(bad, "my/frames.toml")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("my/frames.toml:2:"), "{err}");
        let over = "[[trigger]]\nid = \"a\"\nzh = \"x\"\nen = \"x\"\nfamily = \"f\"\nany = [\"x\"]\nover = [\"zz\"]\n";
        let err = FrameRules::parse(over, "f.toml").unwrap_err().to_string();
        assert!(err.contains("zz"), "{err}");
    }
}
