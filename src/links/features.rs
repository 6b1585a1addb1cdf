//! What the link engine knows about one provision: its distinctive terms (with its
//! article heading and the provision just before as context), measure types, measure
//! frames and support figures. Plain data, computed once when the store is built and
//! kept there, so a provision added later can be scored against it without reading
//! the corpus again.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::settings::LinkSettings;
use crate::analysis::{ClauseAnalysis, Frame};
use crate::facts::{Figure, Qualifier, Role, Unit};
use crate::model::{Clause, ClauseKind};
use crate::search::analyzer::{Mode, analyze_terms};
use crate::text::{self, Vocabulary};

/// Prefix of a character-bigram feature (never shown as a shared term).
pub const BIGRAM_MARK: char = '\u{1}';

/// The features of one provision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Features {
    /// Clause id.
    pub id: String,
    /// Document id.
    pub doc: String,
    /// Terms (Simplified, Mainland vocabulary) with their weighted counts, sorted by term.
    pub terms: Vec<(String, f32)>,
    /// Whole words of the provision's own text that may be shown as shared terms, in
    /// their printed case (A股), sorted.
    pub shown: Vec<String>,
    /// Measure-type ids.
    pub topics: Vec<String>,
    /// Measure frames.
    pub frames: Vec<Frame>,
    /// Support figures.
    pub support: Vec<Figure>,
}

impl Features {
    /// The canonical keys of the support figures (one per distinct amount).
    pub fn figure_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.support.iter().map(figure_key).collect();
        keys.sort();
        keys.dedup();
        keys
    }

    /// Trigger ids of the frames.
    pub fn triggers(&self) -> Vec<&str> {
        let mut t: Vec<&str> = self.frames.iter().map(|f| f.trigger.as_str()).collect();
        t.sort_unstable();
        t.dedup();
        t
    }
}

/// One key per amount as [`Figure::same_amount`] compares them.
pub fn figure_key(f: &Figure) -> String {
    let unit = match f.unit {
        Unit::Yuan => '¥',
        Unit::Percent => '%',
    };
    let q = match f.qualifier {
        Qualifier::Cap => "cap",
        Qualifier::Floor => "floor",
        Qualifier::Exact => "exact",
        Qualifier::Range => "range",
    };
    match f.value_max {
        Some(max) => format!("{unit}{}-{}:{q}", f.value, max),
        None => format!("{unit}{}:{q}", f.value),
    }
}

/// Adds the filtered terms of `text` to `into` (weighted by `factor`) and its whole words
/// to `whole`.
fn term_counts(
    text: &str,
    vocab: &Vocabulary,
    settings: &LinkSettings,
    factor: f32,
    into: &mut HashMap<String, f32>,
    mut whole: Option<&mut BTreeSet<String>>,
) {
    let t = &settings.terms;
    let mode = if t.subwords { Mode::Index } else { Mode::Query };
    let analysed = analyze_terms(text, mode);
    for (k, term) in analysed.iter().enumerate() {
        if term.figure
            || term
                .text
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_punctuation())
        {
            continue;
        }
        let word = vocab.mainland(&term.text).to_string();
        if !word
            .chars()
            .any(|c| text::is_han(c) || c.is_ascii_alphabetic())
        {
            continue;
        }
        if t.stopwords.contains(&word) {
            continue;
        }
        if let Some(whole) = whole.as_deref_mut() {
            // a sub-word (交易所 inside 证券交易所) weighs in but is not shown
            let inside_longer = analysed.iter().enumerate().any(|(o, other)| {
                o != k
                    && other.bytes.start <= term.bytes.start
                    && other.bytes.end >= term.bytes.end
                    && other.bytes.len() > term.bytes.len()
            });
            if !inside_longer && word.chars().count() >= 2 {
                let printed = if word.bytes().any(|b| b.is_ascii_alphabetic()) {
                    let original = text.get(term.bytes.clone()).unwrap_or(&word);
                    vocab.mainland(&text::to_simplified(original)).to_string()
                } else {
                    word.clone()
                };
                whole.insert(printed);
            }
        }
        *into.entry(word).or_insert(0.0) += factor;
    }
    if t.bigrams > 0.0 {
        let simple: Vec<char> = text::to_simplified(text).chars().collect();
        for pair in simple.windows(2) {
            if pair.iter().all(|c| text::is_han(*c)) {
                let key: String = [BIGRAM_MARK, pair[0], pair[1]].iter().collect();
                *into.entry(key).or_insert(0.0) += factor * t.bigrams;
            }
        }
    }
}

/// The features of every provision of one document, in reading order. `clauses` are
/// the document's clauses and `analyses` their analysis, index for index.
pub fn document_features(
    clauses: &[Clause],
    analyses: &[ClauseAnalysis],
    vocab: &Vocabulary,
    settings: &LinkSettings,
) -> Vec<Features> {
    let w = &settings.weights;
    let mut heading_cache: HashMap<String, HashMap<String, f32>> = HashMap::new();
    let mut previous: Option<(&Clause, HashMap<String, f32>)> = None;
    let mut out = Vec::new();
    for (clause, analysis) in clauses.iter().zip(analyses) {
        if clause.kind != ClauseKind::Provision {
            continue;
        }
        let mut own = HashMap::new();
        let mut shown = BTreeSet::new();
        term_counts(
            &clause.measure,
            vocab,
            settings,
            1.0,
            &mut own,
            Some(&mut shown),
        );
        let mut counts = own.clone();
        if let Some(h) = &clause.heading {
            let heading = heading_cache.entry(h.clone()).or_insert_with(|| {
                let mut hc = HashMap::new();
                term_counts(h, vocab, settings, 1.0, &mut hc, None);
                hc
            });
            for (word, c) in heading.iter() {
                *counts.entry(word.clone()).or_insert(0.0) += c * w.heading;
            }
        }
        if let Some((_, prev)) = previous
            .as_ref()
            .filter(|(p, _)| w.context > 0.0 && p.parent == clause.parent)
        {
            for (word, c) in prev {
                *counts.entry(word.clone()).or_insert(0.0) += c * w.context;
            }
        }
        previous = Some((clause, own));
        let terms: BTreeMap<String, f32> = counts.into_iter().collect();
        out.push(Features {
            id: clause.id.clone(),
            doc: clause.doc.clone(),
            terms: terms.into_iter().collect(),
            shown: shown.into_iter().collect(),
            topics: analysis.topics.clone(),
            frames: analysis.frames.clone(),
            support: analysis
                .figures
                .iter()
                .filter(|f| f.role == Role::Support)
                .cloned()
                .collect(),
        });
    }
    out
}
