//! Stage 4 — cross-links: the same measure in every other jurisdiction.
//!
//! Two stages, as systems that find the same provision across jurisdictions' legislation
//! do:
//!
//! 1. **candidates** ([`candidates`]): one bounded query per provision, built from its
//!    most distinctive terms, its frame triggers and its support figures, returns the top
//!    k provisions of other documents from the store's inverted index;
//! 2. **score** ([`score`]): a plain function of both provisions' [`Features`] (terms,
//!    measure types, measure frames, support figures) ranks the candidates; a hubness
//!    correction estimated from each candidate's own candidates lowers provisions that
//!    resemble everything; calibrated [`Tier`]s say *same measure* or *related measure*,
//!    and below *related* nothing is shown.
//!
//! Nothing here holds all pairs: the cost per provision is its one lookup and k scores.
//! The store keeps what this computes (see `crate::pipeline`).

pub mod candidates;
pub mod features;
pub mod score;
pub mod settings;

pub use crate::model::link::{Link, Reason, StoredLink, Tier};
pub use candidates::CandidateQuery;
pub use features::{Features, document_features};
pub use score::{Evidence, MemoryStats, Prepared, Stats};
pub use settings::LinkSettings;

use crate::analysis::FrameRules;
use crate::topics::Taxonomy;

/// What the link engine reads its labels and rules from.
#[derive(Debug, Clone, Copy)]
pub struct Engine<'a> {
    /// Frame rules (trigger and instrument names, trigger families).
    pub frames: &'a FrameRules,
    /// Measure types (their names in reasons).
    pub taxonomy: &'a Taxonomy,
    /// Weights, tiers, candidates.
    pub settings: &'a LinkSettings,
}

/// One candidate with its own hubness.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    /// Its features, weighed.
    pub prepared: Prepared<'a>,
    /// Its hubness (mean of its best raw scores); 0 when unknown.
    pub hub: f32,
}

/// A candidate scored against the anchor.
#[derive(Debug, Clone)]
pub struct Scored {
    /// Index in the candidate list.
    pub index: usize,
    /// The evidence.
    pub evidence: Evidence,
}

impl<'a> Engine<'a> {
    /// Scores every candidate of another document against `anchor` (raw scores).
    pub fn score_all(&self, anchor: &Prepared, candidates: &[Candidate]) -> Vec<Scored> {
        candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| c.prepared.features.doc != anchor.features.doc)
            .map(|(index, c)| Scored {
                index,
                evidence: score::score(anchor, &c.prepared, self.frames, self.settings),
            })
            .collect()
    }

    /// The hubness of `anchor` from its scored candidates.
    pub fn hubness(&self, scored: &[Scored]) -> f32 {
        score::hubness(
            scored.iter().map(|s| s.evidence.score).collect(),
            self.settings.weights.hub_neighbours,
        )
    }

    /// The links of `anchor`: its scored candidates corrected for hubness, tiered,
    /// best first (ties by clause id), at most `max_links`.
    pub fn links(
        &self,
        candidates: &[Candidate],
        scored: Vec<Scored>,
        hub_mean: f32,
    ) -> Vec<StoredLink> {
        let s = self.settings;
        let mut out: Vec<(f32, Tier, usize, Evidence)> = scored
            .into_iter()
            .filter_map(|sc| {
                let c = &candidates[sc.index];
                let adjusted = score::corrected(sc.evidence.score, c.hub, hub_mean, s);
                let tier = self.tier(&sc.evidence, adjusted)?;
                Some((adjusted, tier, sc.index, sc.evidence))
            })
            .collect();
        out.sort_by(|x, y| {
            y.0.total_cmp(&x.0).then_with(|| {
                candidates[x.2]
                    .prepared
                    .features
                    .id
                    .cmp(&candidates[y.2].prepared.features.id)
            })
        });
        out.truncate(s.weights.max_links);
        out.into_iter()
            .map(|(score, tier, index, evidence)| {
                let f = candidates[index].prepared.features;
                StoredLink {
                    id: f.id.clone(),
                    doc: f.doc.clone(),
                    score: (score * 1000.0).round() / 1000.0,
                    tier,
                    reasons: self.reasons(&evidence),
                }
            })
            .collect()
    }

    /// The tier of a link with this evidence and corrected score, if it is shown at all.
    pub fn tier(&self, evidence: &Evidence, adjusted: f32) -> Option<Tier> {
        let t = &self.settings.tiers;
        let same_trigger = evidence.frame.as_ref().is_some_and(|f| f.same_trigger);
        if same_trigger && adjusted >= t.same {
            Some(Tier::Same)
        } else if adjusted >= t.related {
            Some(Tier::Related)
        } else {
            None
        }
    }

    /// The evidence in words a consultant can check.
    pub fn reasons(&self, e: &Evidence) -> Vec<Reason> {
        let mut out = Vec::new();
        if let Some(f) = e.frame.as_ref().filter(|f| f.same_trigger)
            && let Some(t) = self.frames.trigger(&f.trigger)
        {
            let instrument = f
                .instrument
                .as_deref()
                .and_then(|i| self.frames.instrument(i));
            let basis = f.basis.as_deref().and_then(|b| self.frames.basis(b));
            out.push(Reason::SameFrame {
                trigger_zh: t.zh.clone(),
                trigger_en: t.en.clone(),
                instrument_zh: instrument.map(|i| i.zh.clone()),
                instrument_en: instrument.map(|i| i.en.clone()),
                basis_zh: basis.map(|b| b.zh.clone()),
                basis_en: basis.map(|b| b.en.clone()),
            });
        }
        if let Some(fig) = &e.figure {
            out.push(Reason::SameFigure {
                figure: fig.display(),
            });
        }
        if !e.shared_types.is_empty() {
            let names: Vec<_> = e
                .shared_types
                .iter()
                .filter_map(|t| self.taxonomy.get(t))
                .collect();
            if !names.is_empty() {
                out.push(Reason::SameTypes {
                    zh: names.iter().map(|t| t.zh.clone()).collect(),
                    en: names.iter().map(|t| t.en.clone()).collect(),
                });
            }
        }
        if !e.shared_terms.is_empty() {
            out.push(Reason::SharedTerms {
                terms: e.shared_terms.clone(),
            });
        }
        out
    }
}

#[cfg(test)]
mod tests;
