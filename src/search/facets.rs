//! Facet counts: how many provisions a query finds for each value of each filter
//! (jurisdiction, level, standing, measure type, support amount, year), so that a filter
//! panel can show what every choice would leave.
//!
//! The count of a value is taken with the query and the filters of the *other* facets,
//! as faceted search usually does: ticking a second jurisdiction adds what its count
//! said. One pass over the matching clauses per facet; documents' values come from the
//! catalog, measure types from the index's terms, amounts from the fast field.

use std::collections::HashMap;

use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate};
use tantivy::collector::{Collector, Count, SegmentCollector};
use tantivy::query::Query;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{BitSet, DocId, DocSet, Score, SegmentOrdinal, SegmentReader, TERMINATED};

use super::{
    Filters, SearchIndex, SearchRequest, Wanted, build_query, document_date, merge_filters,
};
use crate::corpus::{Level, Validity};
use crate::store::schema;

/// The support-amount ranges a filter panel offers, in yuan: start included, end
/// excluded, `None` open.
pub const AMOUNT_RANGES: &[(Option<f64>, Option<f64>)] = &[
    (None, Some(100_000.0)),
    (Some(100_000.0), Some(500_000.0)),
    (Some(500_000.0), Some(1_000_000.0)),
    (Some(1_000_000.0), Some(5_000_000.0)),
    (Some(5_000_000.0), None),
];

/// The counts of one search, per facet value; values without a hit are left out
/// (except amount ranges, one count per [`AMOUNT_RANGES`] entry).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FacetCounts {
    /// Per jurisdiction (its English name, as the catalog has it).
    pub jurisdictions: Vec<(String, usize)>,
    /// Per administrative level.
    pub levels: Vec<(Level, usize)>,
    /// Per standing on the request's `as_of` date.
    pub statuses: Vec<(Validity, usize)>,
    /// Per measure type (topic id).
    pub topics: Vec<(String, usize)>,
    /// Per support-amount range.
    pub amounts: Vec<usize>,
    /// Per year of the document's date.
    pub years: Vec<(i32, usize)>,
    /// Provisions the query finds with every filter.
    pub total: usize,
}

/// A facet, for clearing its filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Facet {
    Jurisdiction,
    Level,
    Status,
    Topic,
    Amount,
    Year,
}

fn without(filters: &Filters, facet: Facet) -> Filters {
    let mut f = filters.clone();
    match facet {
        Facet::Jurisdiction => {
            f.jurisdiction.clear();
        }
        Facet::Level => {
            f.level.clear();
        }
        Facet::Status => {
            f.status.clear();
        }
        Facet::Topic => {
            f.topic.clear();
        }
        Facet::Amount => {
            f.min_amount = None;
            f.amounts.clear();
        }
        Facet::Year => f.dated.clear(),
    }
    f
}

/// The matching documents of one segment.
struct Matching {
    segment: SegmentOrdinal,
    docs: BitSet,
    amounts: Vec<usize>,
}

/// Collects the matching clauses of each segment as a bit set, and their support
/// amounts by range.
struct MatchingCollector {
    amount_field: String,
}

struct MatchingSegment {
    matching: Matching,
    amount: Option<tantivy::columnar::Column<f64>>,
}

impl Collector for MatchingCollector {
    type Fruit = Vec<Matching>;
    type Child = MatchingSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<MatchingSegment> {
        Ok(MatchingSegment {
            matching: Matching {
                segment,
                docs: BitSet::with_max_value(reader.max_doc()),
                amounts: vec![0; AMOUNT_RANGES.len()],
            },
            amount: reader.fast_fields().column_opt::<f64>(&self.amount_field)?,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Matching>) -> tantivy::Result<Vec<Matching>> {
        Ok(fruits)
    }
}

impl SegmentCollector for MatchingSegment {
    type Fruit = Matching;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.matching.docs.insert(doc);
        if let Some(a) = self.amount.as_ref().and_then(|c| c.first(doc)) {
            for (i, (from, to)) in AMOUNT_RANGES.iter().enumerate() {
                if from.is_none_or(|f| a >= f) && to.is_none_or(|t| a < t) {
                    self.matching.amounts[i] += 1;
                }
            }
        }
    }

    fn harvest(self) -> Matching {
        self.matching
    }
}

impl SearchIndex {
    /// How many provisions the request's query finds for each value of each facet
    /// (each counted with the filters of the other facets). A query without words
    /// counts every searchable provision.
    pub fn facet_counts(&self, request: &SearchRequest) -> Result<FacetCounts> {
        let mut parsed = self.expander.parse(&request.query);
        let mut notes = std::mem::take(&mut parsed.notes);
        let filters = merge_filters(&request.filters, &parsed.fields, &mut notes)?;
        let f = self.store.fields();
        let searcher = self.store.searcher();
        let Some(as_of) = filters.as_of.or(filters.today) else {
            anyhow::bail!("facet counts need the date statuses are judged on (Filters::today)");
        };

        // the query as the search runs it: every word, else (none found) any word
        let query_for = |filters: &Filters, wanted: Wanted| -> Result<Option<Box<dyn Query>>> {
            let Some(mut fq) = self.filter_queries(filters, &mut Vec::new())? else {
                return Ok(None);
            };
            fq.push(super::term_query(f.searchable, schema::SEARCHABLE));
            // the matches only: what adds to a score does not change them
            Ok(Some(build_query(f, &parsed, &fq, wanted).required))
        };
        let mut wanted = Wanted::All;
        let mut total = match query_for(&filters, wanted)? {
            Some(q) => searcher.search(&*q, &Count).context("counting")?,
            None => 0,
        };
        if total == 0
            && parsed.required.len() > 1
            && super::any_word_fallback(&searcher, f, &parsed)?
        {
            let any = match query_for(&filters, Wanted::Any)? {
                Some(q) => searcher.search(&*q, &Count).context("counting")?,
                None => 0,
            };
            if any > 0 {
                wanted = Wanted::Any;
                total = any;
            }
        }

        let matching = |facet: Facet| -> Result<Vec<Matching>> {
            match query_for(&without(&filters, facet), wanted)? {
                Some(q) => searcher
                    .search(
                        &*q,
                        &MatchingCollector {
                            amount_field: "amount".into(),
                        },
                    )
                    .context("counting by facet"),
                None => Ok(Vec::new()),
            }
        };
        // hits per document, for the facets that are properties of documents
        let per_document =
            |m: &[Matching]| -> Result<HashMap<String, usize>> { per_term(&searcher, f.doc, m) };
        let mut out = FacetCounts {
            total,
            ..FacetCounts::default()
        };
        let docs = per_document(&matching(Facet::Jurisdiction)?)?;
        let mut by_place: HashMap<String, usize> = HashMap::new();
        for (doc, n) in &docs {
            if let Some(meta) = self.store.meta(doc) {
                *by_place.entry(meta.jurisdiction.clone()).or_insert(0) += n;
            }
        }
        out.jurisdictions = sorted(by_place);
        let docs = per_document(&matching(Facet::Level)?)?;
        let mut by_level: HashMap<Level, usize> = HashMap::new();
        for (doc, n) in &docs {
            if let Some(meta) = self.store.meta(doc) {
                *by_level.entry(meta.level).or_insert(0) += n;
            }
        }
        out.levels = sorted(by_level);
        let docs = per_document(&matching(Facet::Status)?)?;
        let mut by_status: HashMap<Validity, usize> = HashMap::new();
        for (doc, n) in &docs {
            if let Some(meta) = self.store.meta(doc) {
                *by_status.entry(meta.validity_on(as_of)).or_insert(0) += n;
            }
        }
        out.statuses = sorted_by(by_status, |a, b| {
            use crate::model::labels::Labelled;
            a.id().cmp(b.id())
        });
        out.topics = sorted(per_term(&searcher, f.topic, &matching(Facet::Topic)?)?);
        out.amounts = vec![0; AMOUNT_RANGES.len()];
        for m in matching(Facet::Amount)? {
            for (i, n) in m.amounts.iter().enumerate() {
                out.amounts[i] += n;
            }
        }
        let docs = per_document(&matching(Facet::Year)?)?;
        let mut by_year: HashMap<i32, usize> = HashMap::new();
        for (doc, n) in &docs {
            if let Some(day) = self.store.meta(doc).and_then(document_date) {
                *by_year.entry(day.year()).or_insert(0) += n;
            }
        }
        let mut years: Vec<(i32, usize)> = by_year.into_iter().collect();
        years.sort_by_key(|y| std::cmp::Reverse(y.0));
        out.years = years;
        Ok(out)
    }
}

/// The first and last day of a year, for [`Filters::dated`].
pub fn year_range(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 1, 1)?,
        NaiveDate::from_ymd_opt(year, 12, 31)?,
    ))
}

/// Most hits first, then by value.
fn sorted<K: Ord>(counts: HashMap<K, usize>) -> Vec<(K, usize)> {
    sorted_by(counts, |a, b| a.cmp(b))
}

fn sorted_by<K>(
    counts: HashMap<K, usize>,
    order: impl Fn(&K, &K) -> std::cmp::Ordering,
) -> Vec<(K, usize)> {
    let mut v: Vec<(K, usize)> = counts.into_iter().filter(|(_, n)| *n > 0).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| order(&a.0, &b.0)));
    v
}

/// How many matching clauses carry each term of `field` (an untokenised field).
fn per_term(
    searcher: &tantivy::Searcher,
    field: Field,
    matching: &[Matching],
) -> Result<HashMap<String, usize>> {
    let mut out: HashMap<String, usize> = HashMap::new();
    for m in matching {
        if m.docs.len() == 0 {
            continue;
        }
        let reader = searcher.segment_reader(m.segment);
        let inverted = reader.inverted_index(field).context("reading the index")?;
        let mut terms = inverted.terms().stream().context("reading the index")?;
        while terms.advance() {
            let mut postings = inverted
                .read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)
                .context("reading the index")?;
            let mut n = 0;
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if m.docs.contains(doc) {
                    n += 1;
                }
                doc = postings.advance();
            }
            if n > 0 {
                let key = String::from_utf8_lossy(terms.key()).into_owned();
                *out.entry(key).or_insert(0) += n;
            }
        }
    }
    Ok(out)
}
