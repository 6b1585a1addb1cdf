//! Stage 4 — cross-links: the same measure in every other jurisdiction, and the
//! side-by-side comparison of jurisdictions.
//!
//! A provision is linked to provisions of *other* documents by three kinds of evidence,
//! weighted in `corpus/links.toml`:
//!
//! * shared measure types ([`crate::topics`]), each weighted by how rare the type is;
//! * lexical similarity of distinctive terms: the cosine of tf-idf vectors, where the
//!   idf is computed over all provisions, so 专精特新 or 企业 weigh almost nothing and
//!   证券交易所 a lot (the article heading adds its terms at a lower weight);
//! * a support figure of the same amount and instrument on both sides — counted only
//!   when the provisions already share a type or enough terms, because a 300万 cap paid
//!   for something else is no equivalent.
//!
//! Each [`Link`] carries readable reasons so a consultant can check the match.

use std::collections::{HashMap, HashSet};

use anyhow::{Context, Result, anyhow};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::corpus::{ClauseKind, Validity};
use crate::facts::{self, Figure, Role};
use crate::search::analyzer::{Mode, analyze_terms};
use crate::text::{self, Vocabulary};
use crate::workspace::Workspace;

/// The bundled scoring settings (`corpus/links.toml`).
pub const BUNDLED_LINK_SETTINGS: &str = include_str!("../corpus/links.toml");

/// A provision of another document that is probably the same measure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    /// Clause id of the linked provision.
    pub id: String,
    /// Its document id.
    pub doc: String,
    /// Its jurisdiction.
    pub jurisdiction: String,
    /// Its original text.
    pub text: String,
    /// How likely it is the same measure (higher is more likely).
    pub score: f32,
    /// Why, in words a consultant can check ("same figure: 最高300万元").
    pub reasons: Vec<String>,
    /// Its support figures.
    pub figures: Vec<Figure>,
}

/// Links for every provision, computed once per workspace.
#[derive(Debug, Clone, Default)]
pub struct LinkGraph {
    links: HashMap<String, Vec<Link>>,
    /// `weights.row_min_strength` of the settings the graph was built with.
    row_min_strength: f32,
}

/// How links are scored (`corpus/links.toml`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSettings {
    /// Weights and cut-offs.
    pub weights: Weights,
    /// Term filtering.
    pub terms: TermSettings,
}

/// Weights of the evidence and cut-offs of the link list.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    /// Weight of shared measure types.
    pub types: f32,
    /// Weight of the tf-idf cosine of terms.
    pub terms: f32,
    /// Weight of a shared support figure.
    pub figure: f32,
    /// Weight of article-heading terms relative to the provision's own terms.
    pub heading: f32,
    /// Weight of the terms of the provision just before (same article), which often
    /// names what a short provision is about (一是支持技术转移。 → 按…给予20%的资助).
    #[serde(default)]
    pub context: f32,
    /// Links below this score are dropped.
    pub min_score: f32,
    /// At most this many links are kept per provision.
    pub max_links: usize,
    /// Term similarity that lets a shared figure count without a shared type.
    pub figure_needs_terms: f32,
    /// How much of a candidate's mean score to its nearest neighbours is taken off its
    /// score (0 for none): generic provisions similar to everything rank lower.
    #[serde(default)]
    pub hub_penalty: f32,
    /// In a measure-type comparison, two provisions start a row only when their link
    /// strength (the link score each way, summed; a missing direction counts 0) is above
    /// this, and a provision joins a row only when its mean strength to the row's
    /// provisions is.
    #[serde(default = "default_row_min_strength")]
    pub row_min_strength: f32,
}

/// Chosen against `corpus/judgments.toml`: with no cut-off half of the judged provisions
/// put side by side were not judged equivalent, at 0.3 less than a third, with nearly as
/// many judged equivalents on one row; higher values split them.
fn default_row_min_strength() -> f32 {
    0.3
}

/// Which terms take part in lexical similarity.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermSettings {
    /// Terms removed before weighting (Simplified).
    pub stopwords: Vec<String>,
    /// Also count the dictionary sub-words of compounds (证券交易所 → 证券, 交易所), so
    /// that 服务站 meets 服务站点 (jieba search mode).
    #[serde(default)]
    pub subwords: bool,
    /// Weight of overlapping two-character pieces of the Han text, which catch
    /// near-identical wording whatever the segmentation (0 to leave them out).
    #[serde(default)]
    pub bigrams: f32,
    /// Terms found in more than this share of all provisions say nothing about which
    /// measure a provision is and are left out (which also keeps scoring fast).
    #[serde(default = "default_max_share")]
    pub max_share: f32,
}

fn default_max_share() -> f32 {
    1.0
}

/// How many nearest neighbours define a provision's "hubness".
const HUB_NEIGHBOURS: usize = 5;

/// Prefix that marks a character-bigram feature (never shown as a shared term).
const BIGRAM_MARK: char = '\u{1}';

impl LinkSettings {
    /// Parses settings; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<LinkSettings> {
        let mut s: LinkSettings = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|sp| text[..sp.start.min(text.len())].matches('\n').count() + 1);
            match line {
                Some(l) => anyhow!("{origin}:{l}: {}", e.message().trim()),
                None => anyhow!("{origin}: {}", e.message().trim()),
            }
        })?;
        let w = &s.weights;
        for (name, v) in [
            ("types", w.types),
            ("terms", w.terms),
            ("figure", w.figure),
            ("heading", w.heading),
            ("min_score", w.min_score),
            ("figure_needs_terms", w.figure_needs_terms),
            ("row_min_strength", w.row_min_strength),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(anyhow!("{origin}: [weights] {name} must be a number ≥ 0"));
            }
        }
        s.terms.stopwords = s
            .terms
            .stopwords
            .iter()
            .map(|w| text::to_simplified(w.trim()))
            .collect();
        Ok(s)
    }

    /// The settings of a `--corpus` folder's `links.toml` if it has one, else the
    /// bundled ones.
    pub fn load(dir: Option<&std::path::Path>) -> Result<LinkSettings> {
        match dir.map(|d| d.join("links.toml")).filter(|p| p.is_file()) {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("{}: cannot read", path.display()))?;
                LinkSettings::parse(&text, &path.display().to_string())
            }
            None => Ok(LinkSettings::bundled()),
        }
    }

    /// The bundled settings.
    pub fn bundled() -> LinkSettings {
        LinkSettings::parse(BUNDLED_LINK_SETTINGS, "corpus/links.toml (bundled)")
            .unwrap_or_else(|e| panic!("{e:#}"))
    }
}

/// What the scorer knows about one provision.
struct Features {
    id: String,
    doc: usize,
    /// (term id, tf-idf weight), sorted by term id; L2-normalised.
    terms: Vec<(usize, f32)>,
    /// Topic indexes into the taxonomy.
    topics: Vec<usize>,
    /// Support figures.
    support: Vec<Figure>,
    /// Whole words of its own text (term ids), the ones shown as shared terms.
    shown: HashSet<usize>,
}

/// Counts of the terms of a text after filtering, in Mainland vocabulary.
fn term_counts(
    text: &str,
    vocab: &Vocabulary,
    terms: &TermSettings,
    factor: f32,
    into: &mut HashMap<String, f32>,
    whole_words: &mut std::collections::HashSet<String>,
) {
    let stop = &terms.stopwords;
    let mode = if terms.subwords {
        Mode::Index
    } else {
        Mode::Query
    };
    let analysed = analyze_terms(text, mode);
    for (k, term) in analysed.iter().enumerate() {
        // a sub-word (交易所 inside 证券交易所) weighs in but is not shown as a reason
        let inside_longer = analysed.iter().enumerate().any(|(o, other)| {
            o != k
                && other.bytes.start <= term.bytes.start
                && other.bytes.end >= term.bytes.end
                && other.bytes.len() > term.bytes.len()
        });
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
        if stop.contains(&word) {
            continue;
        }
        if !inside_longer && word.chars().count() >= 2 {
            whole_words.insert(word.clone());
        }
        *into.entry(word).or_insert(0.0) += factor;
    }
    if terms.bigrams > 0.0 {
        let simple: Vec<char> = text::to_simplified(text).chars().collect();
        for pair in simple.windows(2) {
            if pair.iter().all(|c| text::is_han(*c)) {
                let key: String = [BIGRAM_MARK, pair[0], pair[1]].iter().collect();
                *into.entry(key).or_insert(0.0) += factor * terms.bigrams;
            }
        }
    }
}

/// Rarity weight of something found in `df` of `n` items.
fn idf(n: usize, df: usize) -> f32 {
    ((n as f32) / (df.max(1) as f32)).ln().max(0.0)
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

impl LinkGraph {
    /// Computes the links of every provision of the workspace with its settings
    /// (`links.toml` of a `--corpus` folder, else the bundled one).
    pub fn build(ws: &Workspace) -> LinkGraph {
        LinkGraph::build_with(ws, &ws.link_settings)
    }

    /// Computes the links of every provision of the workspace with `settings`.
    pub fn build_with(ws: &Workspace, settings: &LinkSettings) -> LinkGraph {
        let vocab =
            Vocabulary::load(ws.locations.domain_dir()).unwrap_or_else(|_| Vocabulary::bundled());
        let w = &settings.weights;
        let topic_index: HashMap<&str, usize> = ws
            .taxonomy
            .topics
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.as_str(), i))
            .collect();

        // 1. raw term counts, topics, support figures and whole words per provision
        let mut raw: Vec<(HashMap<String, f32>, HashSet<String>, Features)> = Vec::new();
        let mut heading_cache: HashMap<String, HashMap<String, f32>> = HashMap::new();
        for (doc_idx, doc) in ws.corpus.documents.iter().enumerate() {
            // each text is analysed once: a provision's own terms also serve as the
            // context of the next one, and a heading is shared by its article
            let mut previous: Option<(&crate::corpus::Clause, HashMap<String, f32>)> = None;
            for clause in doc
                .clauses
                .iter()
                .filter(|c| c.kind == ClauseKind::Provision)
            {
                let t = &settings.terms;
                let mut own = HashMap::new();
                let mut shown = HashSet::new();
                term_counts(&clause.measure, &vocab, t, 1.0, &mut own, &mut shown);
                let mut counts = own.clone();
                if let Some(h) = &clause.heading {
                    let heading_counts = heading_cache.entry(h.clone()).or_insert_with(|| {
                        let mut hc = HashMap::new();
                        term_counts(h, &vocab, t, 1.0, &mut hc, &mut HashSet::new());
                        hc
                    });
                    for (word, c) in heading_counts.iter() {
                        *counts.entry(word.clone()).or_insert(0.0) += c * w.heading;
                    }
                }
                if let Some((_, prev_counts)) = previous
                    .as_ref()
                    .filter(|(p, _)| w.context > 0.0 && p.parent == clause.parent)
                {
                    for (word, c) in prev_counts {
                        *counts.entry(word.clone()).or_insert(0.0) += c * w.context;
                    }
                }
                previous = Some((clause, own));
                let topics = ws
                    .analysis
                    .topics_of(&clause.id)
                    .iter()
                    .filter_map(|t| topic_index.get(t.as_str()).copied())
                    .collect();
                let support = ws
                    .analysis
                    .figures_of(&clause.id)
                    .iter()
                    .filter(|f| f.role == Role::Support)
                    .cloned()
                    .collect();
                raw.push((
                    counts,
                    shown,
                    Features {
                        id: clause.id.clone(),
                        doc: doc_idx,
                        terms: Vec::new(),
                        topics,
                        support,
                        shown: HashSet::new(),
                    },
                ));
            }
        }
        let n = raw.len();

        // 2. document frequencies → term ids and idf; topic idf
        let mut term_ids: HashMap<String, usize> = HashMap::new();
        let mut df: Vec<usize> = Vec::new();
        for (counts, _, _) in &raw {
            for word in counts.keys() {
                let id = *term_ids.entry(word.clone()).or_insert_with(|| {
                    df.push(0);
                    df.len() - 1
                });
                df[id] += 1;
            }
        }
        let mut names: Vec<&str> = vec![""; term_ids.len()];
        for (word, id) in &term_ids {
            names[*id] = word.as_str();
        }
        let printed = printed_forms(&names, ws);
        let mut topic_df = vec![0usize; ws.taxonomy.topics.len()];
        for (_, _, f) in &raw {
            for t in &f.topics {
                topic_df[*t] += 1;
            }
        }
        let topic_w: Vec<f32> = topic_df.iter().map(|d| idf(n, *d).max(0.1)).collect();

        // 3. weighted, normalised term vectors
        let mut feats: Vec<Features> = Vec::with_capacity(n);
        for (counts, shown, mut f) in raw {
            f.shown = shown
                .iter()
                .filter_map(|w| term_ids.get(w).copied())
                .collect();
            let mut v: Vec<(usize, f32)> = counts
                .iter()
                .map(|(word, tf)| {
                    let id = term_ids[word];
                    let tfw = if *tf >= 1.0 { 1.0 + tf.ln() } else { *tf };
                    (id, tfw * idf(n, df[id]))
                })
                .filter(|(id, x)| {
                    *x > 0.0 && (df[*id] as f32) <= settings.terms.max_share * n as f32
                })
                .collect();
            let norm = v.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
            if norm > 0.0 {
                for (_, x) in &mut v {
                    *x /= norm;
                }
            }
            v.sort_by_key(|(id, _)| *id);
            f.terms = v;
            feats.push(f);
        }

        // 4. inverted index for the dot products
        let mut postings: Vec<Vec<(usize, f32)>> = vec![Vec::new(); names.len()];
        for (i, f) in feats.iter().enumerate() {
            for (t, x) in &f.terms {
                postings[*t].push((i, *x));
            }
        }
        let mut by_topic: Vec<Vec<usize>> = vec![Vec::new(); ws.taxonomy.topics.len()];
        for (i, f) in feats.iter().enumerate() {
            for t in &f.topics {
                by_topic[*t].push(i);
            }
        }
        let topic_norm: Vec<f32> = feats
            .iter()
            .map(|f| {
                f.topics
                    .iter()
                    .map(|t| topic_w[*t] * topic_w[*t])
                    .sum::<f32>()
                    .sqrt()
            })
            .collect();

        let docs = &ws.corpus.documents;
        let texts: HashMap<&str, &str> = ws
            .corpus
            .provisions()
            .map(|(_, c)| (c.id.as_str(), c.text.as_str()))
            .collect();
        let mut links: HashMap<String, Vec<Link>> = HashMap::with_capacity(n);
        let mut dot = vec![0f32; n];
        let mut touched: Vec<usize> = Vec::new();
        type Scored<'f> = Vec<(f32, usize, Vec<usize>, Option<&'f Figure>)>;
        let mut all_scored: Vec<Scored> = Vec::with_capacity(n);
        for (i, p) in feats.iter().enumerate() {
            for (t, x) in &p.terms {
                for (j, y) in &postings[*t] {
                    if dot[*j] == 0.0 {
                        touched.push(*j);
                    }
                    dot[*j] += x * y;
                }
            }
            for t in &p.topics {
                for j in &by_topic[*t] {
                    if dot[*j] == 0.0 {
                        touched.push(*j);
                        dot[*j] = f32::MIN_POSITIVE;
                    }
                }
            }
            // score every candidate; build reasons only for the ones kept
            let mut scored: Vec<(f32, usize, Vec<usize>, Option<&Figure>)> = Vec::new();
            for &j in &touched {
                let q = &feats[j];
                let cos = dot[j].min(1.0);
                dot[j] = 0.0;
                if q.doc == p.doc {
                    continue;
                }
                let shared: Vec<usize> = p
                    .topics
                    .iter()
                    .copied()
                    .filter(|t| q.topics.contains(t))
                    .collect();
                let type_sim = if shared.is_empty() || topic_norm[i] == 0.0 || topic_norm[j] == 0.0
                {
                    0.0
                } else {
                    shared
                        .iter()
                        .map(|t| topic_w[*t] * topic_w[*t])
                        .sum::<f32>()
                        / (topic_norm[i] * topic_norm[j])
                };
                let figure_ok = !shared.is_empty() || cos >= w.figure_needs_terms;
                let same_figure = if figure_ok {
                    p.support
                        .iter()
                        .find(|a| q.support.iter().any(|b| figures_agree(a, b)))
                } else {
                    None
                };
                let score = w.types * type_sim
                    + w.terms * cos
                    + if same_figure.is_some() { w.figure } else { 0.0 };
                if score >= w.min_score {
                    scored.push((score, j, shared, same_figure));
                }
            }
            touched.clear();
            all_scored.push(scored);
        }

        // A provision close to everything (a generic one) is a poor equivalent of any
        // particular one: rank by the score minus a share of the candidate's own mean
        // score to its nearest neighbours (hubness correction, as in CSLS).
        let hub: Vec<f32> = all_scored
            .iter()
            .map(|scored| {
                let mut best: Vec<f32> = scored.iter().map(|s| s.0).collect();
                best.sort_by(|a, b| b.total_cmp(a));
                let k = best.len().min(HUB_NEIGHBOURS);
                if k == 0 {
                    0.0
                } else {
                    best[..k].iter().sum::<f32>() / k as f32
                }
            })
            .collect();
        let hub_mean = hub.iter().sum::<f32>() / hub.len().max(1) as f32;
        for (p, mut scored) in feats.iter().zip(all_scored) {
            for s in &mut scored {
                s.0 = (s.0 - w.hub_penalty * (hub[s.1] - hub_mean)).max(0.0);
            }
            scored.sort_by(|x, y| {
                y.0.total_cmp(&x.0)
                    .then_with(|| feats[x.1].id.cmp(&feats[y.1].id))
            });
            scored.truncate(w.max_links);
            let mut found: Vec<Link> = Vec::with_capacity(scored.len());
            for (score, j, mut shared, same_figure) in scored {
                let q = &feats[j];
                let mut reasons = Vec::new();
                if !shared.is_empty() {
                    shared.sort_by(|a, b| topic_w[*b].total_cmp(&topic_w[*a]));
                    let names: Vec<&str> = shared
                        .iter()
                        .map(|t| ws.taxonomy.topics[*t].zh.as_str())
                        .collect();
                    reasons.push(format!("same measure type: {}", names.join(", ")));
                }
                if let Some(f) = same_figure {
                    reasons.push(format!("same figure: {}", f.display()));
                }
                let mut common: Vec<(f32, usize)> = Vec::new();
                let (mut a, mut b) = (p.terms.iter().peekable(), q.terms.iter().peekable());
                while let (Some((ta, xa)), Some((tb, xb))) = (a.peek(), b.peek()) {
                    match ta.cmp(tb) {
                        std::cmp::Ordering::Less => {
                            a.next();
                        }
                        std::cmp::Ordering::Greater => {
                            b.next();
                        }
                        std::cmp::Ordering::Equal => {
                            common.push((xa * xb, *ta));
                            a.next();
                            b.next();
                        }
                    }
                }
                // ties broken by the word itself, so the reasons are the same on every run
                common.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| names[x.1].cmp(names[y.1])));
                let terms: Vec<&str> = common
                    .iter()
                    .filter(|(c, t)| *c >= 0.005 && p.shown.contains(t) && q.shown.contains(t))
                    .take(4)
                    .map(|(_, t)| printed[*t].as_str())
                    .collect();
                if !terms.is_empty() {
                    reasons.push(format!("shared terms: {}", terms.join(", ")));
                }
                let doc = &docs[q.doc];
                found.push(Link {
                    id: q.id.clone(),
                    doc: doc.meta.id.clone(),
                    jurisdiction: doc.meta.jurisdiction.clone(),
                    text: texts
                        .get(q.id.as_str())
                        .map(|t| t.to_string())
                        .unwrap_or_default(),
                    score: (score * 1000.0).round() / 1000.0,
                    reasons,
                    figures: q.support.clone(),
                });
            }
            links.insert(p.id.clone(), found);
        }
        LinkGraph {
            links,
            row_min_strength: w.row_min_strength,
        }
    }

    /// The links of a provision, best first (empty for unknown ids).
    pub fn links(&self, id: &str) -> &[Link] {
        self.links.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Number of provisions with links computed (including those with none).
    pub fn len(&self) -> usize {
        self.links.len()
    }

    /// True when no provision was linked (an empty corpus).
    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
    }
}

/// What to compare.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareRequest {
    /// A measure type id …
    pub topic: Option<String>,
    /// … or a provision, compared with its links.
    pub clause: Option<String>,
    /// Only these document ids (all when empty).
    pub docs: Vec<String>,
    /// Date for the status badges.
    pub as_of: NaiveDate,
}

/// One provision in a comparison column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComparedClause {
    /// Clause id.
    pub id: String,
    /// Original text.
    pub text: String,
    /// Its support figures.
    pub figures: Vec<Figure>,
    /// The comparison row it sits on (from 0): provisions of different columns on the
    /// same row are the same measure. A column holds at most one provision per row.
    pub row: usize,
}

/// One jurisdiction's document in a comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    /// Document id.
    pub doc: String,
    /// Jurisdiction.
    pub jurisdiction: String,
    /// Document title.
    pub title: String,
    /// Standing on the comparison date.
    pub validity: Validity,
    /// Its provisions for the measure, by row; empty means "nothing found". A row
    /// with no provision of this column is a gap: this document has no equivalent.
    pub clauses: Vec<ComparedClause>,
}

impl Column {
    /// Its provision on row `row`, if any (none is a gap).
    pub fn at_row(&self, row: usize) -> Option<&ComparedClause> {
        self.clauses.iter().find(|c| c.row == row)
    }
}

/// Jurisdictions side by side, in rows: row *r* of every column holds that
/// document's provision for one and the same measure, or nothing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The measure type compared, if any.
    pub topic: Option<String>,
    /// The provision compared, if any.
    pub clause: Option<String>,
    /// Number of rows (0 when no column holds anything).
    pub rows: usize,
    /// One column per document.
    pub columns: Vec<Column>,
}

/// How many links of one document a provision comparison shows.
const LINKS_PER_DOCUMENT: usize = 3;

/// Builds a comparison.
///
/// For a measure type, each column holds the provisions of that type, in rows by
/// measure: provisions strongly linked to each other share a row, and rows are in the
/// order of their first provision (columns left to right, each in document order).
/// For a provision, row 0 holds the provision in its own document's column and its
/// best link in each other document; rows 1 and 2 hold further links in that document.
/// Only support figures are shown.
pub fn compare(ws: &Workspace, request: &CompareRequest) -> Result<Comparison> {
    for d in &request.docs {
        if ws.corpus.document(d).is_none() {
            let known: Vec<&str> = ws
                .corpus
                .documents
                .iter()
                .map(|d| d.meta.id.as_str())
                .collect();
            return Err(anyhow!(
                "--docs: no document {d:?} (known: {})",
                known.join(", ")
            ));
        }
    }
    let wanted = |id: &str| request.docs.is_empty() || request.docs.iter().any(|d| d == id);
    let support_of = |id: &str| -> Vec<Figure> {
        ws.analysis
            .figures_of(id)
            .iter()
            .filter(|f| f.role == Role::Support)
            .cloned()
            .collect()
    };
    let entry = |id: &str, text: &str, row: usize| ComparedClause {
        id: id.to_string(),
        text: text.to_string(),
        figures: support_of(id),
        row,
    };

    let (topic, clause, picks): (
        Option<String>,
        Option<String>,
        HashMap<String, Vec<ComparedClause>>,
    ) = match (&request.topic, &request.clause) {
        (Some(t), None) => {
            let topic = ws.taxonomy.get(t).ok_or_else(|| {
                let ids: Vec<&str> = ws.taxonomy.topics.iter().map(|t| t.id.as_str()).collect();
                anyhow!("--topic: no measure type {t:?} (known: {})", ids.join(", "))
            })?;
            // the provisions of the type, columns left to right, each in document order
            let mut found: Vec<(usize, &crate::corpus::Document, &crate::corpus::Clause)> =
                Vec::new();
            for (col, doc) in ws
                .corpus
                .documents
                .iter()
                .filter(|d| wanted(&d.meta.id))
                .enumerate()
            {
                for c in doc.provisions() {
                    if ws.analysis.topics_of(&c.id).contains(&topic.id) {
                        found.push((col, doc, c));
                    }
                }
            }
            let index: HashMap<&str, usize> = found
                .iter()
                .enumerate()
                .map(|(i, (_, _, c))| (c.id.as_str(), i))
                .collect();
            let mut strength: HashMap<(usize, usize), f32> = HashMap::new();
            for (i, (_, _, c)) in found.iter().enumerate() {
                for link in ws.links().links(&c.id) {
                    if let Some(&j) = index.get(link.id.as_str()) {
                        *strength.entry((i.min(j), i.max(j))).or_insert(0.0) += link.score;
                    }
                }
            }
            let columns: Vec<usize> = found.iter().map(|(col, _, _)| *col).collect();
            let rows = align_rows(&columns, &strength, ws.links().row_min_strength);
            let mut picks: HashMap<String, Vec<ComparedClause>> = HashMap::new();
            for ((_, doc, c), row) in found.iter().zip(rows) {
                picks
                    .entry(doc.meta.id.clone())
                    .or_default()
                    .push(entry(&c.id, &c.text, row));
            }
            for col in picks.values_mut() {
                col.sort_by_key(|c| c.row);
            }
            (Some(topic.id.clone()), None, picks)
        }
        (None, Some(id)) => {
            let (doc, c) = ws
                .corpus
                .clause(id)
                .with_context(|| format!("no clause {id:?} (see `policynav clauses`)"))?;
            if c.kind != ClauseKind::Provision {
                return Err(anyhow!(
                    "{id} is an article; compare one of its provisions ({id}.1, …)"
                ));
            }
            let mut picks: HashMap<String, Vec<ComparedClause>> = HashMap::new();
            picks.insert(doc.meta.id.clone(), vec![entry(&c.id, &c.text, 0)]);
            // links come best first: the n-th link into a document goes on row n
            for link in ws.links().links(id) {
                let col = picks.entry(link.doc.clone()).or_default();
                if col.len() < LINKS_PER_DOCUMENT {
                    let row = col.len();
                    col.push(entry(&link.id, &link.text, row));
                }
            }
            (None, Some(c.id.clone()), picks)
        }
        _ => {
            return Err(anyhow!(
                "compare needs either a measure type (--topic) or one provision id"
            ));
        }
    };
    let mut picks = picks;
    let columns: Vec<Column> = ws
        .corpus
        .documents
        .iter()
        .filter(|d| wanted(&d.meta.id))
        .map(|d| Column {
            doc: d.meta.id.clone(),
            jurisdiction: d.meta.jurisdiction.clone(),
            title: d.meta.title.clone(),
            validity: d.meta.validity_on(request.as_of),
            clauses: picks.remove(&d.meta.id).unwrap_or_default(),
        })
        .collect();
    let rows = columns
        .iter()
        .flat_map(|c| c.clauses.iter().map(|cc| cc.row + 1))
        .max()
        .unwrap_or(0);
    Ok(Comparison {
        topic,
        clause,
        rows,
        columns,
    })
}

/// Puts provisions of several columns into rows so that the same measure shares a row.
///
/// `columns[i]` is the column of provision `i`; `strength` holds the link strength of
/// linked pairs `(i, j)`, `i < j` (see [`Weights::row_min_strength`]). Returns each provision's
/// row. Rows are grown greedily from the strongest pair not yet placed: the pair starts
/// a row, then the provision of an unused column with the highest mean strength to the
/// row's provisions joins it, while that mean is above `min_strength`. A
/// provision never placed that way has a row of its own. Rows are numbered in the
/// order of their lowest provision index, so with provisions listed column by column,
/// the first column reads in its own order. Ties go to the lower index, so the result
/// is the same on every run.
fn align_rows(
    columns: &[usize],
    strength: &HashMap<(usize, usize), f32>,
    min_strength: f32,
) -> Vec<usize> {
    let n = columns.len();
    let mut neighbours: Vec<Vec<(usize, f32)>> = vec![Vec::new(); n];
    let mut seeds: Vec<(f32, usize, usize)> = Vec::new();
    for (&(i, j), &s) in strength {
        if i >= n || j >= n || i == j || columns[i] == columns[j] {
            continue;
        }
        neighbours[i].push((j, s));
        neighbours[j].push((i, s));
        if s > min_strength {
            seeds.push((s, i.min(j), i.max(j)));
        }
    }
    for list in &mut neighbours {
        list.sort_by_key(|(k, _)| *k);
    }
    seeds.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.1.cmp(&b.1))
            .then_with(|| a.2.cmp(&b.2))
    });

    let mut group_of: Vec<Option<usize>> = vec![None; n];
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (_, i, j) in seeds {
        if group_of[i].is_some() || group_of[j].is_some() {
            continue;
        }
        let g = groups.len();
        let mut members = vec![i, j];
        group_of[i] = Some(g);
        group_of[j] = Some(g);
        loop {
            // summed strength to the row of every unplaced provision linked to it
            let mut sums: HashMap<usize, f32> = HashMap::new();
            for &m in &members {
                for &(k, s) in &neighbours[m] {
                    if group_of[k].is_none() && !members.iter().any(|&x| columns[x] == columns[k]) {
                        *sums.entry(k).or_insert(0.0) += s;
                    }
                }
            }
            let best = sums
                .into_iter()
                .map(|(k, sum)| (sum / members.len() as f32, k))
                .filter(|(mean, _)| *mean > min_strength)
                .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(&a.1)));
            match best {
                Some((_, k)) => {
                    group_of[k] = Some(g);
                    members.push(k);
                }
                None => break,
            }
        }
        groups.push(members);
    }
    for (i, g) in group_of.iter_mut().enumerate() {
        if g.is_none() {
            *g = Some(groups.len());
            groups.push(vec![i]);
        }
    }
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|&g| groups[g].iter().min().copied().unwrap_or(usize::MAX));
    let mut row_of_group = vec![0; groups.len()];
    for (row, &g) in order.iter().enumerate() {
        row_of_group[g] = row;
    }
    group_of
        .iter()
        .map(|g| g.map_or(0, |g| row_of_group[g]))
        .collect()
}

/// The terms as a reader sees them in the texts: the analyzer lowercases (a股), the
/// documents print A股. Terms without ASCII letters are returned unchanged.
fn printed_forms(names: &[&str], ws: &Workspace) -> Vec<String> {
    let text: String = ws
        .corpus
        .clauses()
        .map(|(_, c)| c.normalized.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let lower = text.to_ascii_lowercase();
    names
        .iter()
        .map(|name| {
            if !name.bytes().any(|b| b.is_ascii_alphabetic()) {
                return (*name).to_string();
            }
            // to_ascii_lowercase keeps byte offsets, so a hit in `lower` is the same bytes in `text`
            match lower.find(name) {
                Some(at) => text[at..at + name.len()].to_string(),
                None => (*name).to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strengths(pairs: &[(usize, usize, f32)]) -> HashMap<(usize, usize), f32> {
        pairs.iter().map(|&(i, j, s)| ((i, j), s)).collect()
    }

    #[test]
    fn rows_hold_the_same_measure_and_one_provision_per_column() {
        // column 0: a fair subsidy (0) and an expo visit (1); column 1: the expo visit
        // (2); column 2: the fair subsidy (3) and something unrelated (4)
        let columns = [0, 0, 1, 2, 2];
        let s = strengths(&[
            (0, 3, 0.9),
            (1, 2, 0.5),
            (0, 2, 0.35),
            (2, 3, 0.1),
            (3, 4, 0.05),
        ]);
        let rows = align_rows(&columns, &s, 0.3);
        assert_eq!(rows[0], rows[3], "the two fair subsidies");
        assert_eq!(rows[1], rows[2], "the two expo visits");
        assert_ne!(rows[0], rows[1]);
        // too weak a link makes no row: 4 stands alone
        assert!(rows[..4].iter().all(|r| *r != rows[4]));
        // rows follow the first column's order, then the rest
        assert_eq!(&rows, &[0, 1, 1, 0, 2]);
    }

    #[test]
    fn a_provision_joins_a_row_only_when_linked_to_it_as_a_whole() {
        // 0 and 1 are strongly linked; 2 is linked to 0 only, weakly: its mean strength
        // to the row (0.4 + 0) / 2 is below the cut-off
        let columns = [0, 1, 2];
        let rows = align_rows(&columns, &strengths(&[(0, 1, 1.0), (0, 2, 0.4)]), 0.3);
        assert_eq!(rows[0], rows[1]);
        assert_ne!(rows[0], rows[2]);
        // linked to both, it joins
        let rows = align_rows(
            &columns,
            &strengths(&[(0, 1, 1.0), (0, 2, 0.4), (1, 2, 0.4)]),
            0.3,
        );
        assert_eq!(rows, vec![0, 0, 0]);
    }

    #[test]
    fn no_links_means_one_row_each_in_order() {
        assert_eq!(align_rows(&[0, 0, 1], &HashMap::new(), 0.3), vec![0, 1, 2]);
        assert!(align_rows(&[], &HashMap::new(), 0.3).is_empty());
    }
}
