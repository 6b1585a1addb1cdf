//! Stage one: the bounded query that retrieves a provision's candidates from the store.

use super::score::Prepared;
use super::settings::LinkSettings;

/// What to ask the store for: provisions of other documents sharing the most distinctive
/// terms, the frame triggers or the support figures of a provision, best `k`.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateQuery {
    /// The provision asking (never its own candidate).
    pub id: String,
    /// Its document (whose provisions are never candidates).
    pub doc: String,
    /// Its most distinctive terms with their weights, best first.
    pub terms: Vec<(String, f32)>,
    /// Its frame trigger ids.
    pub triggers: Vec<String>,
    /// The canonical keys of its support figures.
    pub figures: Vec<String>,
    /// Boost of a trigger relative to a term of weight 1.
    pub trigger_boost: f32,
    /// Boost of a figure.
    pub figure_boost: f32,
    /// How many candidates.
    pub k: usize,
}

impl CandidateQuery {
    /// The query for a weighed provision.
    pub fn for_provision(p: &Prepared, s: &LinkSettings) -> CandidateQuery {
        let mut terms: Vec<(String, f32)> =
            p.weights.iter().map(|(t, w)| (t.to_string(), *w)).collect();
        terms.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        terms.truncate(s.candidates.query_terms);
        CandidateQuery {
            id: p.features.id.clone(),
            doc: p.features.doc.clone(),
            terms,
            triggers: p
                .features
                .triggers()
                .iter()
                .map(|t| t.to_string())
                .collect(),
            figures: p.features.figure_keys(),
            trigger_boost: s.candidates.trigger_boost,
            figure_boost: s.candidates.figure_boost,
            k: s.candidates.k,
        }
    }

    /// True when there is nothing to look for.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.triggers.is_empty() && self.figures.is_empty()
    }
}

/// Candidate retrieval over a few provisions held in memory (those added in one
/// incremental update, which the store cannot search before they are committed), by the
/// same query as the store answers: summed weights of the shared terms, triggers and
/// figures.
#[derive(Debug, Default)]
pub struct MemoryIndex<'a> {
    features: Vec<&'a super::Features>,
    terms: std::collections::HashMap<&'a str, Vec<usize>>,
    triggers: std::collections::HashMap<&'a str, Vec<usize>>,
    figures: std::collections::HashMap<String, Vec<usize>>,
}

impl<'a> MemoryIndex<'a> {
    /// An index over `features`.
    pub fn new(features: impl IntoIterator<Item = &'a super::Features>) -> MemoryIndex<'a> {
        let mut m = MemoryIndex::default();
        for f in features {
            let i = m.features.len();
            m.features.push(f);
            for (t, _) in &f.terms {
                m.terms.entry(t.as_str()).or_default().push(i);
            }
            for t in f.triggers() {
                m.triggers.entry(t).or_default().push(i);
            }
            for k in f.figure_keys() {
                m.figures.entry(k).or_default().push(i);
            }
        }
        m
    }

    /// The best `q.k` provisions of other documents, as indexes into the features given.
    pub fn top(&self, q: &CandidateQuery) -> Vec<usize> {
        let mut score: std::collections::HashMap<usize, f32> = Default::default();
        let mut add = |list: Option<&Vec<usize>>, w: f32| {
            for i in list.into_iter().flatten() {
                *score.entry(*i).or_insert(0.0) += w;
            }
        };
        for (t, w) in &q.terms {
            add(self.terms.get(t.as_str()), *w);
        }
        for t in &q.triggers {
            add(self.triggers.get(t.as_str()), q.trigger_boost);
        }
        for k in &q.figures {
            add(self.figures.get(k), q.figure_boost);
        }
        let mut found: Vec<(f32, usize)> = score
            .into_iter()
            .filter(|(i, _)| self.features[*i].doc != q.doc)
            .map(|(i, s)| (s, i))
            .collect();
        found.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| self.features[a.1].id.cmp(&self.features[b.1].id))
        });
        found.truncate(q.k);
        found.into_iter().map(|(_, i)| i).collect()
    }
}
