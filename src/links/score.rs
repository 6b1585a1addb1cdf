//! Stage two: scoring a candidate against a provision. A plain function of both
//! provisions' prepared features; no store, no workspace.
//!
//! Features are prepared once per provision ([`Prepared`]): every string (term, trigger,
//! instrument, figure) becomes a number of a [`Lexicon`], and the term counts become
//! tf-idf weights once the corpus statistics are known. A build holds the prepared
//! features of every provision of the corpus, so they are kept small.

use std::collections::HashMap;
use std::sync::Arc;

use super::features::{Features, figure_key};
use super::settings::LinkSettings;
use crate::analysis::FrameRules;
use crate::facts;

/// Numbers for the strings of features, so that prepared features are compact and
/// compared as integers.
#[derive(Debug, Default, Clone)]
pub struct Lexicon {
    ids: HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Lexicon {
    /// The number of `s`, given a new one if unseen.
    pub fn id(&mut self, s: &str) -> u32 {
        if let Some(id) = self.ids.get(s) {
            return *id;
        }
        let id = self.names.len() as u32;
        self.names.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }

    /// The number of `s`, if seen.
    pub fn get(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }

    /// The string of a number.
    pub fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", |s| s)
    }

    /// How many strings it holds.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when it holds none.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// What the scorer needs to know about the corpus, by the strings of features.
pub trait Stats {
    /// How many provisions there are.
    fn provisions(&self) -> u64;
    /// How many provisions use `term` (a features term).
    fn term_df(&self, term: &str) -> u64;
    /// How many provisions are of measure type `topic`.
    fn topic_df(&self, topic: &str) -> u64;
}

/// Corpus statistics counted while preparing features, by lexicon number.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    /// Provisions counted.
    pub provisions: u64,
    /// Provisions using each term or measure type, by lexicon number.
    pub df: Vec<u32>,
}

impl Counts {
    fn add(&mut self, id: u32) {
        let i = id as usize;
        if self.df.len() <= i {
            self.df.resize(i + 1, 0);
        }
        self.df[i] += 1;
    }

    /// How many provisions use the string numbered `id`.
    pub fn df(&self, id: u32) -> u64 {
        self.df.get(id as usize).copied().unwrap_or(0) as u64
    }
}

/// Rarity weight of something found in `df` of `n` items.
fn idf(n: u64, df: u64) -> f32 {
    ((n.max(1) as f32) / (df.max(1) as f32)).ln().max(0.0)
}

/// A measure frame, by lexicon numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedFrame {
    /// Trigger.
    pub trigger: u32,
    /// The trigger's family.
    pub family: u32,
    /// Instrument families, sorted.
    pub instruments: Vec<u32>,
    /// Bases, sorted.
    pub basis: Vec<u32>,
}

/// A support figure, by lexicon numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedFigure {
    /// The amount as [`figure_key`] writes it.
    pub key: u32,
    /// The instrument paid, if named, and whether it is a generic one (资金支持).
    pub instrument: Option<(u32, bool)>,
    /// How it is shown (最高300万元).
    pub display: u32,
}

/// A provision's terms with their weights, sorted by term, six bytes each (a full build
/// holds every provision's: at 10,000 documents they were most of its memory). The
/// values are fixed point: counts until [`Prepared::weigh`], then tf-idf weights (0–1).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TermWeights {
    items: Box<[Packed]>,
    /// What a stored value is multiplied by.
    scale: f32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C, packed(2))]
struct Packed {
    term: u32,
    value: u16,
}

impl TermWeights {
    /// Scale of counts (up to 255, in steps of 1/256).
    const COUNTS: f32 = 256.0;
    /// Scale of weights (0 to 1, in steps of 1/65,535).
    const WEIGHTS: f32 = 65_535.0;

    fn new(mut items: Vec<(u32, f32)>, scale: f32) -> TermWeights {
        items.sort_by_key(|(t, _)| *t);
        TermWeights {
            items: items
                .into_iter()
                .map(|(term, v)| Packed {
                    term,
                    value: (v * scale).round().clamp(0.0, f32::from(u16::MAX)) as u16,
                })
                .collect(),
            scale,
        }
    }

    /// Term weights (0–1; a larger value is kept at 1) by term number.
    pub fn weights(items: Vec<(u32, f32)>) -> TermWeights {
        TermWeights::new(items, TermWeights::WEIGHTS)
    }

    /// How many terms.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The term and value at `i`.
    pub fn get(&self, i: usize) -> (u32, f32) {
        let Packed { term, value } = self.items[i];
        (term, f32::from(value) / self.scale)
    }

    /// Terms and values, by term.
    pub fn iter(&self) -> impl Iterator<Item = (u32, f32)> + '_ {
        (0..self.items.len()).map(|i| self.get(i))
    }
}

/// A provision's features ready for scoring.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Clause id.
    pub id: Arc<str>,
    /// Document id.
    pub doc: Arc<str>,
    /// Term weights by lexicon number, sorted: counts until [`Prepared::weigh`], then
    /// tf-idf, L2-normalised (terms too common left out).
    pub weights: TermWeights,
    /// Measure types with their rarity weights (1 until weighed).
    pub topics: Vec<(u32, f32)>,
    /// Norm of the topic weights.
    pub topic_norm: f32,
    /// Measure frames.
    pub frames: Vec<PreparedFrame>,
    /// Support figures.
    pub support: Vec<PreparedFigure>,
    /// Whole words that may be shown as shared: (term, as printed), sorted by term.
    pub shown: Vec<(u32, u32)>,
}

impl Prepared {
    /// Numbers the strings of `f` in `lex` (and counts them in `counts`, when given);
    /// the term weights are still counts: see [`Prepared::weigh`].
    pub fn new(
        f: &Features,
        doc: Arc<str>,
        lex: &mut Lexicon,
        rules: &FrameRules,
        counts: Option<&mut Counts>,
    ) -> Prepared {
        let weights = TermWeights::new(
            f.terms.iter().map(|(t, tf)| (lex.id(t), *tf)).collect(),
            TermWeights::COUNTS,
        );
        let mut topics: Vec<(u32, f32)> = f
            .topics
            .iter()
            .map(|t| (lex.id(&format!("\u{2}{t}")), 1.0))
            .collect();
        topics.sort_by_key(|(t, _)| *t);
        if let Some(c) = counts {
            c.provisions += 1;
            for (t, _) in weights.iter().chain(topics.iter().copied()) {
                c.add(t);
            }
        }
        let mut frames: Vec<PreparedFrame> = f
            .frames
            .iter()
            .map(|fr| {
                let family = rules
                    .trigger(&fr.trigger)
                    .map_or(fr.trigger.as_str(), |t| t.family.as_str());
                let mut instruments: Vec<u32> = fr.instruments.iter().map(|i| lex.id(i)).collect();
                instruments.sort_unstable();
                let mut basis: Vec<u32> = fr.basis.iter().map(|b| lex.id(b)).collect();
                basis.sort_unstable();
                PreparedFrame {
                    trigger: lex.id(&fr.trigger),
                    family: lex.id(&format!("\u{3}{family}")),
                    instruments,
                    basis,
                }
            })
            .collect();
        frames.dedup();
        let support = f
            .support
            .iter()
            .map(|fig| PreparedFigure {
                key: lex.id(&figure_key(fig)),
                instrument: fig
                    .instrument
                    .as_ref()
                    .map(|i| (lex.id(i), facts::is_generic_instrument(i))),
                display: lex.id(&fig.display()),
            })
            .collect();
        let mut shown: Vec<(u32, u32)> = f
            .shown
            .iter()
            .map(|w| (lex.id(&w.to_lowercase()), lex.id(w)))
            .collect();
        shown.sort_unstable();
        shown.dedup_by_key(|(t, _)| *t);
        Prepared {
            id: Arc::from(f.id.as_str()),
            doc,
            weights,
            topics,
            topic_norm: 0.0,
            frames,
            support,
            shown,
        }
    }

    /// Turns the term counts into tf-idf weights and weighs the measure types, with the
    /// number of provisions `n` and the provisions using each string (`df`).
    pub fn weigh(&mut self, n: u64, df: &dyn Fn(u32) -> u64, s: &LinkSettings) {
        let max_df = (s.terms.max_share * n as f32).max(1.0);
        let mut weights: Vec<(u32, f32)> = self
            .weights
            .iter()
            .filter_map(|(t, tf)| {
                let d = df(t);
                if d as f32 > max_df && n > 20 {
                    return None;
                }
                let tfw = if tf >= 1.0 { 1.0 + tf.ln() } else { tf };
                let w = tfw * idf(n, d);
                (w > 0.0).then_some((t, w))
            })
            .collect();
        let norm = weights.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, x) in &mut weights {
                *x /= norm;
            }
        }
        self.weights = TermWeights::weights(weights);
        for (t, w) in &mut self.topics {
            *w = idf(n, df(*t)).max(0.1);
        }
        self.topic_norm = self.topics.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    }

    /// Prepares and weighs a provision's features against statistics by string (the
    /// store's, for an incremental update or a reader).
    pub fn weighed(
        f: &Features,
        lex: &mut Lexicon,
        rules: &FrameRules,
        stats: &dyn Stats,
        s: &LinkSettings,
    ) -> Prepared {
        let doc: Arc<str> = Arc::from(f.doc.as_str());
        let mut p = Prepared::new(f, doc, lex, rules, None);
        let lex: &Lexicon = lex;
        p.weigh(
            stats.provisions(),
            &|id| {
                let name = lex.name(id);
                match name.strip_prefix('\u{2}') {
                    Some(topic) => stats.topic_df(topic),
                    None => stats.term_df(name),
                }
            },
            s,
        );
        p
    }

    /// The trigger numbers of the frames.
    pub fn triggers(&self) -> Vec<u32> {
        let mut t: Vec<u32> = self.frames.iter().map(|f| f.trigger).collect();
        t.sort_unstable();
        t.dedup();
        t
    }
}

/// How the frames of two provisions agree.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameMatch {
    /// The shared trigger (or the anchor's, for a family match).
    pub trigger: u32,
    /// Both have this trigger (not only one of its family).
    pub same_trigger: bool,
    /// An instrument family both name.
    pub instrument: Option<u32>,
    /// A basis both use.
    pub basis: Option<u32>,
    /// The agreement, 0–1.
    pub strength: f32,
}

/// The evidence that two provisions are the same measure, and its score.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// The weighted mean of the evidence (before the hubness correction), 0–1.
    pub score: f32,
    /// Frame agreement.
    pub frame: Option<FrameMatch>,
    /// Measure types both have, rarest first.
    pub shared_types: Vec<u32>,
    /// Type similarity (0–1).
    pub types: f32,
    /// Cosine of the distinctive terms (0–1).
    pub lexical: f32,
    /// Words of both texts that contributed most, as printed.
    pub shared_terms: Vec<u32>,
    /// A support figure both pay (its display).
    pub figure: Option<u32>,
}

fn first_common(a: &[u32], b: &[u32]) -> Option<u32> {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return Some(a[i]),
        }
    }
    None
}

fn frames_agree(a: &PreparedFrame, b: &PreparedFrame, s: &LinkSettings) -> FrameMatch {
    let w = &s.weights;
    let same_trigger = a.trigger == b.trigger;
    let instrument = first_common(&a.instruments, &b.instruments);
    let basis = first_common(&a.basis, &b.basis);
    let strength = if same_trigger {
        if instrument.is_some() {
            1.0
        } else if a.instruments.is_empty() || b.instruments.is_empty() {
            w.missing_instrument
        } else {
            w.other_instrument
        }
    } else if a.family == b.family {
        w.same_family
    } else {
        0.0
    };
    FrameMatch {
        trigger: a.trigger,
        same_trigger,
        instrument,
        basis,
        strength,
    }
}

/// Two support figures agree: same amount, and instruments that do not contradict.
fn figures_agree(a: &PreparedFigure, b: &PreparedFigure) -> bool {
    a.key == b.key
        && match (a.instrument, b.instrument) {
            (Some((x, gx)), Some((y, gy))) => x == y || gx || gy,
            _ => true,
        }
}

/// The least a shared term must add to the cosine to be named in a reason.
const SHARED_TERM_MIN: f32 = 0.005;

/// Scores candidate `b` against provision `a`: the score only, without the details a
/// reason needs (the fast path of a build's first pass).
pub fn raw_score(a: &Prepared, b: &Prepared, s: &LinkSettings) -> f32 {
    evidence(a, b, s, false).score
}

/// Scores candidate `b` against provision `a`: the evidence without the shared measure
/// types and terms a reason names (the score, frame, figure and similarities are those
/// of [`score`]).
pub fn summary(a: &Prepared, b: &Prepared, s: &LinkSettings) -> Evidence {
    evidence(a, b, s, false)
}

/// Scores candidate `b` against provision `a`, with the evidence.
pub fn score(a: &Prepared, b: &Prepared, s: &LinkSettings) -> Evidence {
    evidence(a, b, s, true)
}

fn evidence(a: &Prepared, b: &Prepared, s: &LinkSettings, details: bool) -> Evidence {
    let w = &s.weights;
    // frames: the best-agreeing pair
    let mut frame: Option<FrameMatch> = None;
    for fa in &a.frames {
        for fb in &b.frames {
            let m = frames_agree(fa, fb, s);
            if m.strength > 0.0 && frame.as_ref().is_none_or(|f| m.strength > f.strength) {
                frame = Some(m);
            }
        }
    }
    // measure types (both sorted by number)
    let mut shared: Vec<(u32, f32)> = Vec::new();
    let mut any_shared = false;
    let mut type_sum = 0.0;
    let (mut i, mut j) = (0, 0);
    while i < a.topics.len() && j < b.topics.len() {
        match a.topics[i].0.cmp(&b.topics[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                type_sum += a.topics[i].1 * a.topics[i].1;
                any_shared = true;
                if details {
                    shared.push(a.topics[i]);
                }
                i += 1;
                j += 1;
            }
        }
    }
    let types = if !any_shared || a.topic_norm == 0.0 || b.topic_norm == 0.0 {
        0.0
    } else {
        type_sum / (a.topic_norm * b.topic_norm)
    };
    // terms: merge the sorted weight lists
    let mut lexical = 0.0;
    let mut common: Vec<(f32, u32)> = if details {
        Vec::with_capacity(a.weights.len().min(b.weights.len()))
    } else {
        Vec::new()
    };
    let (mut i, mut j) = (0, 0);
    while i < a.weights.len() && j < b.weights.len() {
        let (ta, xa) = a.weights.get(i);
        let (tb, xb) = b.weights.get(j);
        match ta.cmp(&tb) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                lexical += xa * xb;
                // only a term that adds enough can be named in a reason
                if details && xa * xb >= SHARED_TERM_MIN {
                    common.push((xa * xb, ta));
                }
                i += 1;
                j += 1;
            }
        }
    }
    let lexical = lexical.min(1.0);
    // a shared figure counts only where the provisions already share a frame or type
    let figure = if frame.is_some() || any_shared {
        a.support
            .iter()
            .find(|x| b.support.iter().any(|y| figures_agree(x, y)))
            .map(|x| x.display)
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
    let (shared_types, shared_terms) = if details {
        shared.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
        common.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| x.1.cmp(&y.1)));
        let printed = |t: u32| -> Option<u32> {
            let at = a.shown.binary_search_by_key(&t, |(k, _)| *k).ok()?;
            b.shown.binary_search_by_key(&t, |(k, _)| *k).ok()?;
            Some(a.shown[at].1)
        };
        (
            shared.iter().map(|(t, _)| *t).collect(),
            common
                .iter()
                .filter_map(|(_, t)| printed(*t))
                .take(4)
                .collect(),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Evidence {
        score,
        frame,
        shared_types,
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
