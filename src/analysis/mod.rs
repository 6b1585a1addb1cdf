//! Stage 2 — analysis: what each clause says, read once when the store is built.
//!
//! * figures (amounts and ratios with their roles): [`crate::facts`];
//! * measure types (the taxonomy of `corpus/topics.toml`): [`crate::topics`];
//! * measure frames (what is supported, with what, how, for whom): [`frames`].

pub mod frames;

use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::facts::{self, Figure, Role};
use crate::model::{Clause, ClauseKind};
use crate::topics::{self, Taxonomy};
pub use frames::{Frame, FrameRules};

/// What the analysis found in one clause.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClauseAnalysis {
    /// Every figure of its measure text, with its role.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub figures: Vec<Figure>,
    /// Measure-type ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<String>,
    /// Measure frames.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub frames: Vec<Frame>,
}

impl ClauseAnalysis {
    /// The support figures only (money or ratios the government gives).
    pub fn support(&self) -> impl Iterator<Item = &Figure> {
        self.figures.iter().filter(|f| f.role == Role::Support)
    }
}

/// The rules the analysis reads clauses with.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Measure types.
    pub taxonomy: Taxonomy,
    /// Measure frames.
    pub frames: FrameRules,
}

impl Rules {
    /// The rules of a `--corpus` folder (its `topics.toml` and `frames.toml` replace the
    /// bundled ones), else the bundled rules.
    pub fn load(dir: Option<&Path>) -> Result<Rules> {
        Ok(Rules {
            taxonomy: load_taxonomy(dir)?,
            frames: FrameRules::load(dir)?,
        })
    }

    /// Analyses one clause, from its measure text: the text without its agency list,
    /// since 市知识产权局 is no patent measure.
    pub fn analyze(&self, clause: &Clause) -> ClauseAnalysis {
        // One script conversion serves all (most measures are the whole clause text).
        let simplified = if clause.measure == clause.text {
            clause.normalized.clone()
        } else {
            crate::text::to_simplified(&clause.measure)
        };
        ClauseAnalysis {
            figures: facts::extract_converted(&clause.measure, &simplified),
            topics: self.taxonomy.classify(&simplified),
            frames: self.frames.frames(&simplified),
        }
    }
}

impl Rules {
    /// Analyses every clause of a document, in order. A provision whose own words name
    /// no measure frame takes the frames of its article's heading, else of the provision
    /// before it in the same article when it states support of its own (a specific
    /// instrument, a basis or a support figure): a sentence such as 投资规模特别大的项目，
    /// 可按核定投资额的10%获得支持 continues the measure its heading or its first
    /// sentence names (keeping its own instrument and basis where it states them), while
    /// 指导企业用好原产地规则 after a trade-fair subsidy is a measure of its own that no
    /// rule names, and is left without a frame.
    pub fn analyze_document(&self, clauses: &[Clause]) -> Vec<ClauseAnalysis> {
        let mut out: Vec<ClauseAnalysis> = clauses.iter().map(|c| self.analyze(c)).collect();
        let mut previous: Option<(Option<&str>, Vec<Frame>)> = None;
        for (clause, analysis) in clauses.iter().zip(out.iter_mut()) {
            if clause.kind != ClauseKind::Provision {
                continue;
            }
            if analysis.frames.is_empty() {
                let from_heading = clause
                    .heading
                    .as_deref()
                    .map(|h| self.frames.frames(&crate::text::to_simplified(h)))
                    .unwrap_or_default();
                let own = self.frames.frame_of_context(&clause.measure);
                let inherited = if !from_heading.is_empty() {
                    from_heading
                } else {
                    match &previous {
                        Some((parent, frames))
                            if *parent == clause.parent.as_deref()
                                && self.states_support(&own, analysis) =>
                        {
                            frames.clone()
                        }
                        _ => Vec::new(),
                    }
                };
                analysis.frames = inherited.into_iter().map(|f| own.complete(f)).collect();
            }
            previous = Some((clause.parent.as_deref(), analysis.frames.clone()));
        }
        out
    }

    /// Whether a provision states support of its own, so that without a trigger it
    /// continues the measure before it: a specific instrument (not 服务 or 优先), a basis
    /// or a support figure.
    fn states_support(&self, own: &frames::Context, analysis: &ClauseAnalysis) -> bool {
        !own.basis.is_empty()
            || own
                .instruments
                .iter()
                .any(|i| self.frames.instrument(i).is_some_and(|f| !f.general))
            || analysis.support().next().is_some()
    }
}

/// The taxonomy of a `--corpus` folder if it has one, else the bundled one.
pub fn load_taxonomy(dir: Option<&Path>) -> Result<Taxonomy> {
    if let Some(path) = dir.map(|d| d.join("topics.toml")).filter(|p| p.is_file()) {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        return Taxonomy::parse(&text, &path.display().to_string());
    }
    Taxonomy::parse(topics::BUNDLED_TOPICS, "corpus/topics.toml (bundled)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provision(path: &str, heading: &str, text: &str) -> Clause {
        let article = path.split('.').next().unwrap_or(path);
        Clause {
            id: format!("t/{path}"),
            doc: "t".into(),
            kind: ClauseKind::Provision,
            path: path.into(),
            label: format!("{article}."),
            heading: Some(heading.into()),
            chapter: None,
            parent: Some(format!("t/{article}")),
            text: text.into(),
            measure: text.into(),
            normalized: crate::text::to_simplified(text),
            agencies: Vec::new(),
            span: 0..0,
        }
    }

    fn triggers(analysis: &ClauseAnalysis) -> Vec<&str> {
        analysis.frames.iter().map(|f| f.trigger.as_str()).collect()
    }

    #[test]
    fn a_provision_without_a_trigger_continues_the_measure_before_it_only_when_it_states_support() {
        let rules = Rules::load(None).unwrap();
        for (heading, fair, cap, rate, unrelated, elsewhere) in [
            (
                "提升国际化发展能力",
                "支持企业参加国际性展会，按照不高于展位费的60%给予补助。",
                "单个企业每年补助总额最高不超过20万元。",
                "按实际发生费用的50%予以支持。",
                "引导企业用好原产地规则，深化与共建国家经贸合作。",
                "每家企业最高给予10万元补助。",
            ),
            (
                "提升國際化發展能力",
                "支持企業參加國際性展會，按照不高於展位費的60%給予補助。",
                "單個企業每年補助總額最高不超過20萬元。",
                "按實際發生費用的50%予以支持。",
                "引導企業用好原產地規則，深化與共建國家經貿合作。",
                "每家企業最高給予10萬元補助。",
            ),
        ] {
            let clauses = [
                provision("4.1", heading, fair),
                provision("4.2", heading, cap),
                provision("4.3", heading, unrelated),
                provision("4.4", heading, rate),
                provision("5.1", heading, elsewhere),
            ];
            let found = rules.analyze_document(&clauses);
            assert_eq!(triggers(&found[0]), ["tradefair"], "{fair}");
            // a cap or a rate with no trigger of its own continues the trade-fair measure
            assert_eq!(triggers(&found[1]), ["tradefair"], "{cap}");
            assert!(
                found[1].frames[0]
                    .instruments
                    .contains(&"grant".to_string())
            );
            // guidance that states no support is not a trade-fair subsidy
            assert!(
                found[2].frames.is_empty(),
                "{unrelated}: {:?}",
                found[2].frames
            );
            // and it ends the run: the rate after it has nothing to continue
            assert!(found[3].frames.is_empty(), "{rate}: {:?}", found[3].frames);
            // nor does a provision of another article
            assert!(
                found[4].frames.is_empty(),
                "{elsewhere}: {:?}",
                found[4].frames
            );
        }
    }
}
