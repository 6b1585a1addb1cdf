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
pub use score::{Counts, Evidence, Lexicon, Prepared, Stats};
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
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    /// Its prepared features.
    pub prepared: &'a Prepared,
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
    /// The raw scores of every candidate of another document (index, score): the fast
    /// path, without the evidence a reason needs.
    pub fn raw_scores(&self, anchor: &Prepared, candidates: &[Candidate]) -> Vec<(usize, f32)> {
        candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| c.prepared.doc != anchor.doc)
            .map(|(i, c)| (i, score::raw_score(anchor, c.prepared, self.settings)))
            .collect()
    }

    /// Scores every candidate of another document against `anchor`, with the evidence a
    /// tier needs but not the details a reason names (see [`Engine::links_of`]): the
    /// fast path of a full build, which keeps these for the candidates that can link.
    pub fn summaries(&self, anchor: &Prepared, candidates: &[Candidate]) -> Vec<Scored> {
        self.each(anchor, candidates, score::summary)
    }

    /// Scores every candidate of another document against `anchor`, with the evidence.
    pub fn score_all(&self, anchor: &Prepared, candidates: &[Candidate]) -> Vec<Scored> {
        self.each(anchor, candidates, score::score)
    }

    fn each(
        &self,
        anchor: &Prepared,
        candidates: &[Candidate],
        score: fn(&Prepared, &Prepared, &LinkSettings) -> Evidence,
    ) -> Vec<Scored> {
        candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| c.prepared.doc != anchor.doc)
            .map(|(index, c)| Scored {
                index,
                evidence: score(anchor, c.prepared, self.settings),
            })
            .collect()
    }

    /// The hubness of a provision from the raw scores of its candidates.
    pub fn hubness(&self, raw: impl IntoIterator<Item = f32>) -> f32 {
        score::hubness(
            raw.into_iter().collect(),
            self.settings.weights.hub_neighbours,
        )
    }

    /// The links of a provision: its scored candidates corrected for hubness, tiered,
    /// best first (ties by clause id), at most `max_links`.
    pub fn links(
        &self,
        candidates: &[Candidate],
        scored: Vec<Scored>,
        hub_mean: f32,
        lex: &Lexicon,
    ) -> Vec<StoredLink> {
        self.links_with(None, candidates, scored, hub_mean, lex)
            .iter()
            .map(StoredLink::owned)
            .collect()
    }

    /// [`Engine::links`] from [`Engine::summaries`] of `anchor`'s candidates: the details
    /// a reason names are worked out only for the links kept, and the links borrow their
    /// strings from the candidates, the lexicon and the rules (a build writes them as
    /// they are).
    pub fn links_of<'x>(
        &'x self,
        anchor: &Prepared,
        candidates: &[Candidate<'x>],
        summaries: Vec<Scored>,
        hub_mean: f32,
        lex: &'x Lexicon,
    ) -> Vec<StoredLink<&'x str>> {
        self.links_with(Some(anchor), candidates, summaries, hub_mean, lex)
    }

    fn links_with<'x>(
        &'x self,
        details_for: Option<&Prepared>,
        candidates: &[Candidate<'x>],
        scored: Vec<Scored>,
        hub_mean: f32,
        lex: &'x Lexicon,
    ) -> Vec<StoredLink<&'x str>> {
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
                    .id
                    .cmp(&candidates[y.2].prepared.id)
            })
        });
        out.truncate(s.weights.max_links);
        out.into_iter()
            .map(|(score, tier, index, evidence)| {
                let p: &'x Prepared = candidates[index].prepared;
                let evidence = match details_for {
                    Some(anchor) => score::score(anchor, p, s),
                    None => evidence,
                };
                StoredLink {
                    id: &*p.id,
                    doc: &*p.doc,
                    score: (score * 1000.0).round() / 1000.0,
                    tier,
                    reasons: self.reasons(&evidence, lex),
                }
            })
            .collect()
    }

    /// The tier of a link with this evidence and corrected score, if it is shown at all.
    pub fn tier(&self, evidence: &Evidence, adjusted: f32) -> Option<Tier> {
        let t = &self.settings.tiers;
        let w = &self.settings.weights;
        let (full, partial) = match &evidence.frame {
            Some(f) if f.same_trigger => (
                f.strength >= 1.0 - f32::EPSILON,
                f.strength >= w.missing_instrument - f32::EPSILON,
            ),
            _ => (false, false),
        };
        if (full && adjusted >= t.same) || (partial && adjusted >= t.same_partial) {
            Some(Tier::Same)
        } else if adjusted >= t.related {
            Some(Tier::Related)
        } else {
            None
        }
    }

    /// The evidence in words a consultant can check, borrowing the names of the rules
    /// and the lexicon.
    pub fn reasons<'x>(&'x self, e: &Evidence, lex: &'x Lexicon) -> Vec<Reason<&'x str>> {
        let mut out = Vec::new();
        if let Some(f) = e.frame.as_ref().filter(|f| f.same_trigger)
            && let Some(t) = self.frames.trigger(lex.name(f.trigger))
        {
            let instrument = f
                .instrument
                .and_then(|i| self.frames.instrument(lex.name(i)));
            let basis = f.basis.and_then(|b| self.frames.basis(lex.name(b)));
            out.push(Reason::SameFrame {
                trigger_zh: t.zh.as_str(),
                trigger_en: t.en.as_str(),
                instrument_zh: instrument.map(|i| i.zh.as_str()),
                instrument_en: instrument.map(|i| i.en.as_str()),
                basis_zh: basis.map(|b| b.zh.as_str()),
                basis_en: basis.map(|b| b.en.as_str()),
            });
        }
        if let Some(fig) = e.figure {
            out.push(Reason::SameFigure {
                figure: lex.name(fig),
            });
        }
        let names: Vec<_> = e
            .shared_types
            .iter()
            .filter_map(|t| self.taxonomy.get(lex.name(*t).trim_start_matches('\u{2}')))
            .collect();
        if !names.is_empty() {
            out.push(Reason::SameTypes {
                zh: names.iter().map(|t| t.zh.as_str()).collect(),
                en: names.iter().map(|t| t.en.as_str()).collect(),
            });
        }
        if !e.shared_terms.is_empty() {
            out.push(Reason::SharedTerms {
                terms: e.shared_terms.iter().map(|t| lex.name(*t)).collect(),
            });
        }
        out
    }
}

#[cfg(test)]
mod tests;
