//! Ranking: the hits the text score put first are ranked again by what a consultant looks
//! for, read from each clause's fast fields and the query.
//!
//! * **literal**: the provision prints every word of the query (or a word the query
//!   widens it to: Taiwan spelling, synonym, instrument family). Provisions found only
//!   because they are the measure a word names (展位费 → a trade-fair measure that says
//!   参展) rank below all that print the words.
//! * **measure**: a provision that is a measure (it offers a support figure, a specific
//!   instrument such as a grant or an interest subsidy, and has a frame trigger) ranks
//!   above one that merely mentions the words.
//! * **frame**: its frame is the one the query names, or of the same family.
//! * **heading**: a match in the article heading (already weighed in the text score).
//!
//! `final = bm25 × (1 + MEASURE_WEIGHT × measure) × (1 + FRAME_WEIGHT × frame)`; hits are
//! ordered by the number of query words they print (all of them first), then by `final`.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context, Result};
use serde::Serialize;
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::{DocAddress, DocId, Searcher, TERMINATED};

use crate::analysis::FrameRules;
use crate::store::schema;

/// How much being a measure multiplies the text score (at most).
const MEASURE_WEIGHT: f32 = 2.0;
/// How much having the frame the query names multiplies it (a same-family frame: half).
const FRAME_WEIGHT: f32 = 0.3;
/// Parts of `measure`: a support figure, a specific instrument, a frame trigger.
const MEASURE_SUPPORT: f32 = 0.5;
const MEASURE_INSTRUMENT: f32 = 0.3;
const MEASURE_TRIGGER: f32 = 0.2;

/// Why a hit ranks where it does (`search --json --explain`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranking {
    /// The text score: BM25 of the query's words and their alternatives in the provision,
    /// its article heading and document title, with the boosts (README, "Searching").
    pub bm25: f32,
    /// The provision prints every word of the query (or an accepted alternative).
    pub literal: bool,
    /// How many of the query's words it prints, of how many.
    pub words: [usize; 2],
    /// `exact` when its frame trigger is one the query names, `family` when it is of the
    /// same family, absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame: Option<&'static str>,
    /// Its frame triggers (read only when the rankings are shown, [`Probes::shown`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<String>,
    /// How much it is a measure, 0 to 1: support figure 0.5, specific instrument 0.3,
    /// frame trigger 0.2.
    pub measure: f32,
    /// It offers a support figure (amount or ratio).
    pub support_figure: bool,
    /// It names a specific instrument (grant, interest subsidy, voucher …).
    pub instrument: bool,
    /// A query word is in its article heading.
    pub heading: bool,
    /// Its largest support amount in yuan (what `--sort amount` orders by; read only
    /// when the rankings are shown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    /// The date of its document (what `--sort date` orders by; read only when the
    /// rankings are shown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<chrono::NaiveDate>,
    /// The score hits are ordered by (after the number of words printed).
    #[serde(rename = "final")]
    pub final_score: f32,
}

/// The queries whose matches decide `literal`, `words` and `heading`.
pub(crate) struct Probes {
    /// One query per required word, matching it in the text or heading (no concepts).
    /// Empty when every match of the search is literal anyway.
    pub words: Vec<Box<dyn Query>>,
    /// For each of `words`, its instrument family's longer wordings (资金支持), sought
    /// only in the hits that print none of the word's terms.
    pub wordings: Vec<Option<Box<dyn Query>>>,
    /// How many required words the query has.
    pub of: usize,
    /// The query's words in article headings (None when the rankings are not shown:
    /// `heading` is then false).
    pub heading: Option<Box<dyn Query>>,
    /// The rankings are shown (`--explain`): what only they show (the triggers' names,
    /// the amount and date) is read too. Without it, `triggers` is empty and `amount`
    /// and `date` are absent: each was one more column read for each of the hundred
    /// hits ranked, from memory a previous search has most likely left.
    pub shown: bool,
}

/// The columns ranking reads of one segment: concepts, amount, date, clause id and
/// document number.
struct SegmentColumns {
    concept: Option<tantivy::columnar::StrColumn>,
    /// What each value of `concept` stands for, by ordinal ([`SegmentColumns::kinds`]).
    kinds: std::sync::OnceLock<Vec<Concept>>,
    amount: Option<tantivy::columnar::Column<f64>>,
    date: Option<tantivy::columnar::Column<u64>>,
    id: Option<tantivy::columnar::StrColumn>,
    /// The number of each clause's document ([`schema::document_number`]).
    dnum: Option<tantivy::columnar::Column<u64>>,
}

impl SegmentColumns {
    /// What each value of the concept column stands for, by ordinal: its dictionary (a
    /// few hundred values: triggers, instruments, support) read once per segment, the
    /// first time a search ranks hits in it, and not again for each search's hits.
    fn kinds(&self, frames: &FrameRules) -> Result<&[Concept]> {
        if let Some(kinds) = self.kinds.get() {
            return Ok(kinds);
        }
        let Some(col) = &self.concept else {
            return Ok(&[]);
        };
        let dictionary = col.dictionary();
        let mut kinds = Vec::with_capacity(dictionary.num_terms());
        let mut values = dictionary.stream().context("reading the ranking fields")?;
        while values.advance() {
            kinds.push(
                std::str::from_utf8(values.key())
                    .map_or(Concept::Other, |value| Concept::of(value, frames)),
            );
        }
        Ok(self.kinds.get_or_init(|| kinds))
    }
}

/// The ranking columns of each segment a search has ranked hits in, opened once: a
/// segment never changes, and opening four columns in each of a large store's segments
/// was a tenth of a query.
#[derive(Default)]
pub(crate) struct Columns {
    opened: std::sync::Mutex<Vec<(tantivy::index::SegmentId, std::sync::Arc<SegmentColumns>)>>,
    /// The id of the document of each document number, made the first time tied hits
    /// are ordered (`None` if two documents share a number: ids are read then).
    documents: std::sync::OnceLock<Option<HashMap<u64, String>>>,
}

/// Calls its argument with the id of every document of the store.
pub(crate) type DocumentIds<'a> = &'a dyn Fn(&mut dyn FnMut(&str));

impl Columns {
    fn documents(&self, ids: DocumentIds<'_>) -> Option<&HashMap<u64, String>> {
        self.documents
            .get_or_init(|| {
                let mut map = HashMap::new();
                let mut shared = false;
                ids(&mut |id| {
                    shared |= map
                        .insert(schema::document_number(id), id.to_string())
                        .is_some();
                });
                (!shared).then_some(map)
            })
            .as_ref()
    }

    fn of(&self, reader: &tantivy::SegmentReader) -> Result<std::sync::Arc<SegmentColumns>> {
        let key = reader.segment_id();
        let mut opened = self.opened.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, c)) = opened.iter().find(|(id, _)| *id == key) {
            return Ok(std::sync::Arc::clone(c));
        }
        let fast = reader.fast_fields();
        let columns = std::sync::Arc::new(SegmentColumns {
            concept: fast
                .str(CONCEPT_FIELD)
                .context("reading the ranking fields")?,
            kinds: std::sync::OnceLock::new(),
            amount: fast.f64(AMOUNT_FIELD).ok(),
            date: fast.u64(DATE_FIELD).ok(),
            id: fast.str(ID_FIELD).context("reading the hits' ids")?,
            dnum: fast.u64(schema::DNUM_FIELD).ok(),
        });
        opened.push((key, std::sync::Arc::clone(&columns)));
        Ok(columns)
    }
}

/// Ranks `top` (text score, address), keeping at most `limit`. With `reorder_by_id` the
/// hits are ordered by rank, equal ranks by clause id; without, the given order is kept
/// (a `--sort` other than score). `columns` keeps the segments' columns between searches.
#[allow(clippy::too_many_arguments)]
pub(crate) fn rank(
    searcher: &Searcher,
    columns: &Columns,
    documents: DocumentIds<'_>,
    frames: &FrameRules,
    query_triggers: &[String],
    probes: &Probes,
    top: Vec<(f32, DocAddress)>,
    limit: usize,
    reorder_by_id: bool,
) -> Result<Vec<(DocAddress, Ranking)>> {
    let weight = |q: &dyn Query| -> Result<Box<dyn Weight>> {
        q.weight(EnableScoring::disabled_from_searcher(searcher))
            .context("ranking the hits")
    };
    let word_weights: Vec<Box<dyn Weight>> = probes
        .words
        .iter()
        .map(|q| weight(q.as_ref()))
        .collect::<Result<_>>()?;
    let wording_weights: Vec<Option<Box<dyn Weight>>> = probes
        .wordings
        .iter()
        .map(|q| q.as_ref().map(|q| weight(q.as_ref())).transpose())
        .collect::<Result<_>>()?;
    let heading_weight = probes
        .heading
        .as_ref()
        .map(|q| weight(q.as_ref()))
        .transpose()?;
    let families: Vec<&str> = query_triggers
        .iter()
        .filter_map(|t| frames.trigger(t))
        .map(|t| t.family.as_str())
        .collect();

    // per segment, in doc order (scorers only move forward)
    let mut by_segment: BTreeMap<u32, Vec<(DocId, usize)>> = BTreeMap::new();
    for (i, (_, at)) in top.iter().enumerate() {
        by_segment
            .entry(at.segment_ord)
            .or_default()
            .push((at.doc_id, i));
    }
    let mut rankings: Vec<Option<Ranking>> = vec![None; top.len()];
    for (segment, mut docs) in by_segment {
        docs.sort_unstable();
        let reader = searcher.segment_reader(segment);
        let mut word_scorers = word_weights
            .iter()
            .map(|w| w.scorer(reader, 1.0))
            .collect::<tantivy::Result<Vec<_>>>()
            .context("ranking the hits")?;
        // opened the first time a hit of the segment prints none of a word's terms
        let mut wording_scorers: Vec<Option<Box<dyn tantivy::query::Scorer>>> =
            wording_weights.iter().map(|_| None).collect();
        let mut heading_scorer = heading_weight
            .as_ref()
            .map(|w| w.scorer(reader, 1.0))
            .transpose()
            .context("ranking the hits")?;
        let cols = columns.of(reader)?;
        let (concepts, amounts, dates) = (&cols.concept, &cols.amount, &cols.date);
        let kinds = cols.kinds(frames)?;
        for (doc, i) in docs {
            let words = if word_scorers.is_empty() {
                probes.of
            } else {
                let mut n = 0;
                for (w, s) in word_scorers.iter_mut().enumerate() {
                    let printed = matches(s.as_mut(), doc)
                        || match wording_weights.get(w) {
                            Some(Some(weight)) => {
                                let scorer = match &mut wording_scorers[w] {
                                    Some(scorer) => scorer,
                                    empty => empty.insert(
                                        weight.scorer(reader, 1.0).context("ranking the hits")?,
                                    ),
                                };
                                matches(scorer.as_mut(), doc)
                            }
                            _ => false,
                        };
                    n += usize::from(printed);
                }
                n
            };
            let heading = heading_scorer
                .as_mut()
                .is_some_and(|s| matches(s.as_mut(), doc));
            let mut triggers: Vec<&str> = Vec::new();
            let (mut support_figure, mut instrument) = (false, false);
            if let Some(col) = concepts {
                for ord in col.term_ords(doc) {
                    let kind = usize::try_from(ord).ok().and_then(|o| kinds.get(o));
                    match kind.unwrap_or(&Concept::Other) {
                        Concept::Trigger(t) => triggers.push(t),
                        Concept::Instrument { specific } => instrument |= *specific,
                        Concept::Support => support_figure = true,
                        Concept::Other => {}
                    }
                }
            }
            let frame = if triggers
                .iter()
                .any(|t| query_triggers.iter().any(|q| q == t))
            {
                Some("exact")
            } else if triggers
                .iter()
                .filter_map(|t| frames.trigger(t))
                .any(|t| families.contains(&t.family.as_str()))
            {
                Some("family")
            } else {
                None
            };
            let measure = f32::from(u8::from(support_figure)) * MEASURE_SUPPORT
                + f32::from(u8::from(instrument)) * MEASURE_INSTRUMENT
                + f32::from(u8::from(!triggers.is_empty())) * MEASURE_TRIGGER;
            let frame_factor = match frame {
                Some("exact") => 1.0,
                Some(_) => 0.5,
                None => 0.0,
            };
            let bm25 = top[i].0;
            rankings[i] = Some(Ranking {
                bm25,
                literal: words == probes.of,
                words: [words, probes.of],
                frame,
                triggers: if probes.shown {
                    triggers.iter().map(|t| t.to_string()).collect()
                } else {
                    Vec::new()
                },
                measure,
                support_figure,
                instrument,
                heading,
                amount: amounts
                    .as_ref()
                    .filter(|_| probes.shown)
                    .and_then(|c| c.first(doc)),
                date: dates
                    .as_ref()
                    .filter(|_| probes.shown)
                    .and_then(|c| c.first(doc))
                    .and_then(|d| i32::try_from(d).ok())
                    .and_then(chrono::NaiveDate::from_num_days_from_ce_opt),
                final_score: bm25
                    * (1.0 + MEASURE_WEIGHT * measure)
                    * (1.0 + FRAME_WEIGHT * frame_factor),
            });
        }
    }
    let mut out: Vec<(DocAddress, Ranking)> = top
        .into_iter()
        .zip(rankings)
        .filter_map(|((_, at), r)| r.map(|r| (at, r)))
        .collect();
    if reorder_by_id {
        out.sort_by(|a, b| {
            b.1.words[0]
                .cmp(&a.1.words[0])
                .then(b.1.final_score.total_cmp(&a.1.final_score))
                .then(a.0.cmp(&b.0))
        });
        break_ties(searcher, columns, documents, &mut out, limit, |r| {
            (r.words[0], r.final_score.to_bits())
        })?;
    }
    out.truncate(limit);
    Ok(out)
}

/// Orders the hits of equal rank by provision id, so that the same store content gives
/// the same order whatever segments a build or an update left (a `--limit` then picks
/// the same provisions every time). Only groups of tied hits that reach into the first
/// `limit` are ordered, and only as far as the page: within a segment the id column's
/// ordinals are in id order, so the segments' hits are merged by their documents' ids,
/// known in memory from each clause's document number ([`merge_by_document`]), not by
/// reading every tied hit's id (a figure shared by hundreds of near copies ties them
/// all; each id read was a block of the id column decoded, a tenth of such a query).
fn break_ties<K: PartialEq>(
    searcher: &Searcher,
    columns: &Columns,
    documents: DocumentIds<'_>,
    out: &mut [(DocAddress, Ranking)],
    limit: usize,
    key: impl Fn(&Ranking) -> K,
) -> Result<()> {
    let mut start = 0;
    while start < out.len().min(limit) {
        let mut end = start + 1;
        while end < out.len() && key(&out[end].1) == key(&out[start].1) {
            end += 1;
        }
        if end - start > 1 {
            let need = end.min(limit) - start;
            let order = merge_by_id(searcher, columns, documents, &out[start..end], need)?;
            // the group in its new order, each hit moved once (positions only)
            let mut place = vec![0; order.len()];
            for (to, from) in order.into_iter().enumerate() {
                place[from] = to;
            }
            let group = &mut out[start..end];
            for i in 0..group.len() {
                while place[i] != i {
                    let j = place[i];
                    group.swap(i, j);
                    place.swap(i, j);
                }
            }
        }
        start = end;
    }
    Ok(())
}

/// A segment's columns and hits (id ordinal, position in the group).
type Run = (std::sync::Arc<SegmentColumns>, Vec<(u64, usize)>);

/// The positions of `group` with the `need` smallest ids first, in id order (the rest
/// after them, in segment and id order). Without the documents' numbers, by reading
/// one id per hit placed and one per segment.
fn merge_by_id(
    searcher: &Searcher,
    columns: &Columns,
    documents: DocumentIds<'_>,
    group: &[(DocAddress, Ranking)],
    need: usize,
) -> Result<Vec<usize>> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    // per segment, its id column and the hits in id order (ordinal order)
    let mut runs: BTreeMap<u32, Run> = BTreeMap::new();
    for (i, (at, _)) in group.iter().enumerate() {
        let run = match runs.entry(at.segment_ord) {
            std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::btree_map::Entry::Vacant(v) => v.insert((
                columns.of(searcher.segment_reader(at.segment_ord))?,
                Vec::new(),
            )),
        };
        let ord = run
            .0
            .id
            .as_ref()
            .and_then(|c| c.term_ords(at.doc_id).next())
            .unwrap_or(u64::MAX);
        run.1.push((ord, i));
    }
    let mut runs: Vec<Run> = runs.into_values().collect();
    for (_, run) in &mut runs {
        run.sort_unstable();
    }
    if let Some(docs) = columns.documents(documents)
        && let Some(order) = merge_by_document(&runs, docs, group, need)?
    {
        return Ok(order);
    }
    // (id, run, place in run): the head of each run
    let mut heads = BinaryHeap::new();
    for (r, (cols, run)) in runs.iter().enumerate() {
        heads.push(Reverse((id_of(cols, run[0].0)?, r, 0usize)));
    }
    let mut order = Vec::with_capacity(group.len());
    let mut taken = vec![0usize; runs.len()];
    while order.len() < need {
        let Some(Reverse((_, r, k))) = heads.pop() else {
            break;
        };
        let (cols, run) = &runs[r];
        order.push(run[k].1);
        taken[r] = k + 1;
        if let Some(next) = run.get(k + 1) {
            heads.push(Reverse((id_of(cols, next.0)?, r, k + 1)));
        }
    }
    for (r, (_, run)) in runs.iter().enumerate() {
        order.extend(run[taken[r]..].iter().map(|(_, i)| *i));
    }
    Ok(order)
}

/// A clause's id, read from its segment's id column (empty if it has none).
fn id_of(cols: &SegmentColumns, ord: u64) -> Result<String> {
    let mut id = String::new();
    if let Some(col) = &cols.id
        && ord != u64::MAX
    {
        col.ord_to_str(ord, &mut id).context("reading a hit's id")?;
    }
    Ok(id)
}

/// A document id as the ids of its clauses begin (`doc/`): documents in this order are
/// in the order of their clauses' ids.
#[derive(PartialEq, Eq)]
struct DocKey<'a>(&'a str);

impl Ord for DocKey<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        a.iter().chain(b"/").cmp(b.iter().chain(b"/"))
    }
}

impl PartialOrd for DocKey<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// [`merge_by_id`] without reading ids from the segments: the runs merged by their
/// documents' ids, known from each clause's document number, and within a document by
/// ordinal (a run is in id order). Only a document whose tied clauses lie in several
/// segments has their ids read. `None` when a clause's document is not known by its
/// number (no number column, or a store that changed): the ids are read instead.
fn merge_by_document(
    runs: &[Run],
    docs: &HashMap<u64, String>,
    group: &[(DocAddress, Ranking)],
    need: usize,
) -> Result<Option<Vec<usize>>> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    let doc_of = |r: usize, k: usize| -> Option<DocKey<'_>> {
        let (cols, run) = &runs[r];
        let at = group[run[k].1].0.doc_id;
        let number = cols.dnum.as_ref()?.first(at)?;
        docs.get(&number).map(|d| DocKey(d.as_str()))
    };
    let mut heads = BinaryHeap::new();
    for r in 0..runs.len() {
        let Some(doc) = doc_of(r, 0) else {
            return Ok(None);
        };
        heads.push(Reverse((doc, r, 0usize)));
    }
    let mut order = Vec::with_capacity(group.len());
    let mut taken = vec![0usize; runs.len()];
    while order.len() < need {
        let Some(Reverse((doc, r, k))) = heads.pop() else {
            break;
        };
        // every tied clause of this document: the next of its run, and the heads of
        // other runs holding it
        let mut clauses = vec![(r, k)];
        let mut last = (r, k);
        loop {
            let (r, k) = last;
            if k + 1 < runs[r].1.len() {
                let Some(next) = doc_of(r, k + 1) else {
                    return Ok(None);
                };
                heads.push(Reverse((next, r, k + 1)));
            }
            match heads.peek() {
                Some(Reverse((next, _, _))) if *next == doc => {
                    let Some(Reverse((_, r, k))) = heads.pop() else {
                        break;
                    };
                    clauses.push((r, k));
                    last = (r, k);
                }
                _ => break,
            }
        }
        if clauses.iter().any(|(r, _)| *r != clauses[0].0) {
            let mut ids = Vec::with_capacity(clauses.len());
            for (r, k) in clauses {
                ids.push((id_of(&runs[r].0, runs[r].1[k].0)?, r, k));
            }
            ids.sort();
            clauses = ids.into_iter().map(|(_, r, k)| (r, k)).collect();
        }
        for (r, k) in clauses {
            order.push(runs[r].1[k].1);
            taken[r] = taken[r].max(k + 1);
        }
    }
    for (r, (_, run)) in runs.iter().enumerate() {
        order.extend(run[taken[r]..].iter().map(|(_, i)| *i));
    }
    Ok(Some(order))
}

/// What a value of the concept field says of a provision.
enum Concept {
    /// A frame trigger (its id).
    Trigger(String),
    /// An instrument, and whether it is a specific one (not a general word of support).
    Instrument { specific: bool },
    /// It offers a support figure.
    Support,
    /// Anything else the field holds.
    Other,
}

impl Concept {
    fn of(value: &str, frames: &FrameRules) -> Concept {
        if let Some(t) = value.strip_prefix(schema::CONCEPT_TRIGGER) {
            Concept::Trigger(t.to_string())
        } else if let Some(i) = value.strip_prefix(schema::CONCEPT_INSTRUMENT) {
            Concept::Instrument {
                specific: frames.instrument(i).is_some_and(|f| !f.general),
            }
        } else if value == schema::SUPPORT {
            Concept::Support
        } else {
            Concept::Other
        }
    }
}

/// Names of the fast fields read (a test keeps them in step with the schema).
const CONCEPT_FIELD: &str = "concept";
const ID_FIELD: &str = "id";
pub(crate) const AMOUNT_FIELD: &str = "amount";
pub(crate) const DATE_FIELD: &str = "date";

/// Whether `scorer` (moving forward only) matches `doc`.
fn matches(scorer: &mut dyn tantivy::query::Scorer, doc: DocId) -> bool {
    let mut at = scorer.doc();
    if at < doc && at != TERMINATED {
        at = scorer.seek(doc);
    }
    at == doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::Field;

    fn ranking(score: f32) -> Ranking {
        Ranking {
            bm25: score,
            literal: true,
            words: [1, 1],
            frame: None,
            triggers: Vec::new(),
            measure: 0.0,
            support_figure: false,
            instrument: false,
            heading: false,
            amount: None,
            date: None,
            final_score: score,
        }
    }

    /// Hits with ids spread over several segments, ids not in address order.
    fn tied_hits(ids: &[&str], per_segment: usize) -> (tantivy::Index, Field) {
        let mut b = tantivy::schema::Schema::builder();
        let id = b.add_text_field("id", tantivy::schema::STRING | tantivy::schema::FAST);
        let dnum = b.add_u64_field(schema::DNUM_FIELD, tantivy::schema::FAST);
        let index = tantivy::Index::create_in_ram(b.build());
        let mut w: tantivy::IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for chunk in ids.chunks(per_segment) {
            for i in chunk {
                let doc = i.split_once('/').map_or(*i, |(d, _)| d);
                w.add_document(tantivy::doc!(id => *i, dnum => schema::document_number(doc)))
                    .unwrap();
            }
            w.commit().unwrap();
        }
        (index, id)
    }

    #[test]
    fn equal_ranks_reach_the_page_in_id_order_whatever_the_segments() {
        // a document whose tied clauses lie in several segments (a, b), and documents
        // whose ids begin with another's (a, a-1): `a-1/…` sorts before `a/…`
        let ids = [
            "d/9.1", "a/2.3", "k/1.1", "b/7.2", "a/1.1", "z/3.3", "c/4.4", "a/1.10", "m/2.2",
            "b/1.1", "q/5.5", "e/6.6", "a/0.9", "y/8.8", "a-1/1.1", "a-1/0.1",
        ];
        let documents = ["d", "a", "k", "b", "z", "c", "m", "q", "e", "y", "a-1"];
        // the documents known by their numbers (ids of tied documents read only where
        // a document spans segments), and not known (every id read)
        let known: DocumentIds<'_> = &|visit| documents.iter().for_each(|d| visit(d));
        let unknown: DocumentIds<'_> = &|_| {};
        let (index, _) = tied_hits(&ids, 4);
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 2);
        let mut all: Vec<DocAddress> = Vec::new();
        for (s, r) in searcher.segment_readers().iter().enumerate() {
            for d in 0..r.max_doc() {
                all.push(DocAddress::new(s as u32, d));
            }
        }
        let id_of = |at: &DocAddress| -> String {
            let col = searcher
                .segment_reader(at.segment_ord)
                .fast_fields()
                .str("id")
                .unwrap()
                .unwrap();
            let mut s = String::new();
            col.ord_to_str(col.term_ords(at.doc_id).next().unwrap(), &mut s)
                .unwrap();
            s
        };
        let mut expected: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        expected.sort();
        // one better hit first, then the ties; pages of every length
        for (limit, documents) in (1..=ids.len() + 1).flat_map(|l| [(l, known), (l, unknown)]) {
            let mut out: Vec<(DocAddress, Ranking)> = vec![(all[5], ranking(2.0))];
            out.extend(
                all.iter()
                    .filter(|a| **a != all[5])
                    .map(|a| (*a, ranking(1.0))),
            );
            break_ties(
                &searcher,
                &Columns::default(),
                documents,
                &mut out,
                limit,
                |r| r.final_score.to_bits(),
            )
            .unwrap();
            let got: Vec<String> = out.iter().take(limit).map(|(a, _)| id_of(a)).collect();
            let best = id_of(&all[5]);
            let mut want = vec![best.clone()];
            want.extend(expected.iter().filter(|i| **i != best).cloned());
            want.truncate(limit);
            assert_eq!(got, want, "limit {limit}");
            // every hit is still there once
            let mut seen: Vec<DocAddress> = out.iter().map(|(a, _)| *a).collect();
            seen.sort();
            assert_eq!(seen, all);
        }
    }

    #[test]
    fn fast_field_names_are_the_schemas() {
        let (schema, f) = schema::schema();
        assert_eq!(schema.get_field_name(f.concept), CONCEPT_FIELD);
        assert_eq!(schema.get_field_name(f.id), ID_FIELD);
        assert_eq!(schema.get_field_name(f.amount), AMOUNT_FIELD);
        assert_eq!(schema.get_field_name(f.date), DATE_FIELD);
    }
}
