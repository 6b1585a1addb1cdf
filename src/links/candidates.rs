//! Stage one: the bounded query that retrieves a provision's candidates from the store.

use std::collections::HashMap;

use super::score::{Lexicon, Prepared};
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
    /// Postings read in full, rarest keys first.
    pub postings: usize,
    /// Partial candidates the commoner keys check.
    pub accumulators: usize,
}

/// The most distinctive terms of a prepared provision (numbers), best first.
fn best_terms(p: &Prepared, n: usize) -> Vec<(u32, f32)> {
    let mut terms: Vec<(u32, f32)> = p.weights.iter().collect();
    // a total order (term numbers are unique): select the best n, then sort only those
    let order = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0));
    if n == 0 {
        return Vec::new();
    }
    if terms.len() > n {
        terms.select_nth_unstable_by(n - 1, order);
        terms.truncate(n);
    }
    terms.sort_unstable_by(order);
    terms
}

fn figure_keys(p: &Prepared) -> Vec<u32> {
    let mut keys: Vec<u32> = p.support.iter().map(|f| f.key).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

impl CandidateQuery {
    /// The query for a prepared (weighed) provision.
    pub fn for_provision(p: &Prepared, lex: &Lexicon, s: &LinkSettings) -> CandidateQuery {
        CandidateQuery {
            id: p.id.to_string(),
            doc: p.doc.to_string(),
            terms: best_terms(p, s.candidates.query_terms)
                .into_iter()
                .map(|(t, w)| (lex.name(t).to_string(), w))
                .collect(),
            triggers: p
                .triggers()
                .into_iter()
                .map(|t| lex.name(t).to_string())
                .collect(),
            figures: figure_keys(p)
                .into_iter()
                .map(|k| lex.name(k).to_string())
                .collect(),
            trigger_boost: s.candidates.trigger_boost,
            figure_boost: s.candidates.figure_boost,
            k: s.candidates.k,
            postings: s.candidates.postings,
            accumulators: s.candidates.accumulators,
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
    provisions: Vec<&'a Prepared>,
    postings: HashMap<u32, Vec<usize>>,
}

impl<'a> MemoryIndex<'a> {
    /// An index over `provisions` (prepared with one lexicon).
    pub fn new(provisions: impl IntoIterator<Item = &'a Prepared>) -> MemoryIndex<'a> {
        let mut m = MemoryIndex::default();
        for p in provisions {
            let i = m.provisions.len();
            m.provisions.push(p);
            let mut keys: Vec<u32> = p.weights.iter().map(|(t, _)| t).collect();
            keys.extend(p.triggers());
            keys.extend(figure_keys(p));
            keys.sort_unstable();
            keys.dedup();
            for k in keys {
                m.postings.entry(k).or_default().push(i);
            }
        }
        m
    }

    /// The best `k` provisions of other documents for `p` (prepared with the same
    /// lexicon), as indexes into the provisions given.
    pub fn top(&self, p: &Prepared, s: &LinkSettings) -> Vec<usize> {
        let mut score: HashMap<usize, f32> = HashMap::new();
        let mut add = |key: u32, w: f32| {
            for i in self.postings.get(&key).into_iter().flatten() {
                *score.entry(*i).or_insert(0.0) += w;
            }
        };
        for (t, w) in best_terms(p, s.candidates.query_terms) {
            add(t, w);
        }
        for t in p.triggers() {
            add(t, s.candidates.trigger_boost);
        }
        for k in figure_keys(p) {
            add(k, s.candidates.figure_boost);
        }
        let mut found: Vec<(f32, usize)> = score
            .into_iter()
            .filter(|(i, _)| self.provisions[*i].doc != p.doc)
            .map(|(i, s)| (s, i))
            .collect();
        found.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| self.provisions[a.1].id.cmp(&self.provisions[b.1].id))
        });
        found.truncate(s.candidates.k);
        found.into_iter().map(|(_, i)| i).collect()
    }
}
