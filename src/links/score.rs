//! Stage two: scoring a candidate against a provision. A plain function of both
//! provisions' features and the corpus statistics (how many provisions use a term or a
//! measure type); no store, no workspace.

use std::collections::HashMap;

use super::features::{BIGRAM_MARK, Features};
use super::settings::LinkSettings;
use crate::analysis::{Frame, FrameRules};
use crate::facts::{self, Figure};

/// What the scorer needs to know about the corpus.
pub trait Stats {
    /// How many provisions there are.
    fn provisions(&self) -> u64;
    /// How many provisions use `term` (a features term).
    fn term_df(&self, term: &str) -> u64;
    /// How many provisions are of measure type `topic`.
    fn topic_df(&self, topic: &str) -> u64;
}

/// Statistics held in memory (tests, and the full build).
#[derive(Debug, Clone, Default)]
pub struct MemoryStats {
    /// Provisions.
    pub provisions: u64,
    /// Term → provisions using it.
    pub terms: HashMap<String, u64>,
    /// Topic → provisions of that type.
    pub topics: HashMap<String, u64>,
}

impl MemoryStats {
    /// The statistics of a set of provisions.
    pub fn of<'a>(features: impl IntoIterator<Item = &'a Features>) -> MemoryStats {
        let mut s = MemoryStats::default();
        for f in features {
            s.add(f);
        }
        s
    }

    /// Counts one more provision.
    pub fn add(&mut self, f: &Features) {
        self.provisions += 1;
        for (t, _) in &f.terms {
            *self.terms.entry(t.clone()).or_insert(0) += 1;
        }
        for t in &f.topics {
            *self.topics.entry(t.clone()).or_insert(0) += 1;
        }
    }
}

impl Stats for MemoryStats {
    fn provisions(&self) -> u64 {
        self.provisions
    }
    fn term_df(&self, term: &str) -> u64 {
        self.terms.get(term).copied().unwrap_or(0)
    }
    fn topic_df(&self, topic: &str) -> u64 {
        self.topics.get(topic).copied().unwrap_or(0)
    }
}

/// Rarity weight of something found in `df` of `n` items.
fn idf(n: u64, df: u64) -> f32 {
    ((n.max(1) as f32) / (df.max(1) as f32)).ln().max(0.0)
}

/// A provision's features weighed against the corpus: what scoring reads.
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    /// The features.
    pub features: &'a Features,
    /// tf-idf weights, L2-normalised, sorted by term (terms too common are left out).
    pub weights: Vec<(&'a str, f32)>,
    /// Measure types with their rarity weight.
    pub topics: Vec<(&'a str, f32)>,
    /// Norm of the topic weights.
    pub topic_norm: f32,
}

impl<'a> Prepared<'a> {
    /// Weighs `f` with `stats`.
    pub fn new(f: &'a Features, stats: &dyn Stats, s: &LinkSettings) -> Prepared<'a> {
        let n = stats.provisions();
        let max_df = (s.terms.max_share * n as f32).max(1.0);
        let mut weights: Vec<(&str, f32)> = f
            .terms
            .iter()
            .filter_map(|(t, tf)| {
                let df = stats.term_df(t);
                if df as f32 > max_df && n > 20 {
                    return None;
                }
                let tfw = if *tf >= 1.0 { 1.0 + tf.ln() } else { *tf };
                let x = tfw * idf(n, df);
                (x > 0.0).then_some((t.as_str(), x))
            })
            .collect();
        let norm = weights.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, x) in &mut weights {
                *x /= norm;
            }
        }
        let topics: Vec<(&str, f32)> = f
            .topics
            .iter()
            .map(|t| (t.as_str(), idf(n, stats.topic_df(t)).max(0.1)))
            .collect();
        let topic_norm = topics.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        Prepared {
            features: f,
            weights,
            topics,
            topic_norm,
        }
    }
}

/// How the frames of two provisions agree.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameMatch {
    /// The shared trigger (or the anchor's, for a family match).
    pub trigger: String,
    /// Both have this trigger (not only one of its family).
    pub same_trigger: bool,
    /// An instrument family both name.
    pub instrument: Option<String>,
    /// A basis both use.
    pub basis: Option<String>,
    /// The agreement, 0–1.
    pub strength: f32,
}

/// The evidence that two provisions are the same measure, and its score.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// The weighted sum of the evidence (before the hubness correction).
    pub score: f32,
    /// Frame agreement.
    pub frame: Option<FrameMatch>,
    /// Measure types both have, rarest first.
    pub shared_types: Vec<String>,
    /// Type similarity (0–1).
    pub types: f32,
    /// Cosine of the distinctive terms (0–1).
    pub lexical: f32,
    /// Words of both texts that contributed most, as printed.
    pub shared_terms: Vec<String>,
    /// A support figure both pay.
    pub figure: Option<Figure>,
}

fn frames_agree(a: &Frame, b: &Frame, rules: &FrameRules, s: &LinkSettings) -> FrameMatch {
    let w = &s.weights;
    let same_trigger = a.trigger == b.trigger;
    let instrument = a
        .instruments
        .iter()
        .find(|i| b.instruments.contains(i))
        .cloned();
    let basis = a.basis.iter().find(|x| b.basis.contains(x)).cloned();
    let strength = if same_trigger {
        if instrument.is_some() {
            1.0
        } else if a.instruments.is_empty() || b.instruments.is_empty() {
            w.missing_instrument
        } else {
            w.other_instrument
        }
    } else if rules.same_family(&a.trigger, &b.trigger) {
        w.same_family
    } else {
        0.0
    };
    FrameMatch {
        trigger: a.trigger.clone(),
        same_trigger,
        instrument,
        basis,
        strength,
    }
}

/// Two support figures agree: same amount, and instruments that do not contradict.
fn figures_agree(a: &Figure, b: &Figure) -> bool {
    if !a.same_amount(b) {
        return false;
    }
    match (&a.instrument, &b.instrument) {
        (Some(x), Some(y)) => {
            x == y || facts::is_generic_instrument(x) || facts::is_generic_instrument(y)
        }
        _ => true,
    }
}

/// Scores candidate `b` against provision `a`.
pub fn score(a: &Prepared, b: &Prepared, rules: &FrameRules, s: &LinkSettings) -> Evidence {
    let w = &s.weights;
    // frames: the best-agreeing pair
    let mut frame: Option<FrameMatch> = None;
    for fa in &a.features.frames {
        for fb in &b.features.frames {
            let m = frames_agree(fa, fb, rules, s);
            if m.strength > 0.0 && frame.as_ref().is_none_or(|f| m.strength > f.strength) {
                frame = Some(m);
            }
        }
    }
    // measure types
    let mut shared: Vec<(&str, f32)> = a
        .topics
        .iter()
        .filter(|(t, _)| b.topics.iter().any(|(u, _)| u == t))
        .copied()
        .collect();
    shared.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(y.0)));
    let types = if shared.is_empty() || a.topic_norm == 0.0 || b.topic_norm == 0.0 {
        0.0
    } else {
        shared.iter().map(|(_, w)| w * w).sum::<f32>() / (a.topic_norm * b.topic_norm)
    };
    // terms: merge the sorted weight lists
    let mut lexical = 0.0;
    let mut common: Vec<(f32, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.weights.len() && j < b.weights.len() {
        let (ta, xa) = a.weights[i];
        let (tb, xb) = b.weights[j];
        match ta.cmp(tb) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                lexical += xa * xb;
                common.push((xa * xb, ta));
                i += 1;
                j += 1;
            }
        }
    }
    let lexical = lexical.min(1.0);
    common.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| x.1.cmp(y.1)));
    let shown_b = &b.features.shown;
    let printed = |t: &str| -> Option<String> {
        if t.starts_with(BIGRAM_MARK) {
            return None;
        }
        let find = |list: &[String]| {
            list.iter()
                .find(|w| w.as_str() == t || w.to_lowercase() == t)
                .cloned()
        };
        let in_a = find(&a.features.shown)?;
        find(shown_b)?;
        Some(in_a)
    };
    let shared_terms: Vec<String> = common
        .iter()
        .filter(|(c, _)| *c >= 0.005)
        .filter_map(|(_, t)| printed(t))
        .take(4)
        .collect();
    // a shared figure counts only where the provisions already share a frame or type
    let figure = if frame.is_some() || !shared.is_empty() {
        a.features
            .support
            .iter()
            .find(|x| b.features.support.iter().any(|y| figures_agree(x, y)))
            .cloned()
    } else {
        None
    };
    let frame_strength = frame.as_ref().map_or(0.0, |f| f.strength);
    let basis = frame
        .as_ref()
        .is_some_and(|f| f.same_trigger && f.basis.is_some());
    // weights are relative: the score is their weighted mean, 0–1
    let total = (w.frame + w.types + w.terms + w.figure + w.basis).max(f32::EPSILON);
    let score = (w.frame * frame_strength
        + w.types * types
        + w.terms * lexical
        + if figure.is_some() { w.figure } else { 0.0 }
        + if basis { w.basis } else { 0.0 })
        / total;
    Evidence {
        score,
        frame,
        shared_types: shared.iter().map(|(t, _)| t.to_string()).collect(),
        types,
        lexical,
        shared_terms,
        figure,
    }
}

/// The mean of the `k` best raw scores: how close a provision is to everything.
pub fn hubness(mut scores: Vec<f32>, k: usize) -> f32 {
    scores.sort_by(|a, b| b.total_cmp(a));
    let k = scores.len().min(k);
    if k == 0 {
        0.0
    } else {
        scores[..k].iter().sum::<f32>() / k as f32
    }
}

/// The score after the hubness correction: a candidate close to everything ranks lower.
pub fn corrected(raw: f32, candidate_hub: f32, hub_mean: f32, s: &LinkSettings) -> f32 {
    (raw - s.weights.hub_penalty * (candidate_hub - hub_mean).max(0.0)).max(0.0)
}
