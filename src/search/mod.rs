//! Stage 3 — search: a jieba-based tantivy index over the normalised Simplified text.
//!
//! * [`analyzer`]: the one tokenizer for the index, the queries and the links stage
//!   ([`analyze`]): Traditional → Simplified, jieba with the domain dictionary,
//!   punctuation dropped, figures as canonical tokens, offsets in the original text.
//! * [`figures`]: `300万`, `300萬元`, `3,000,000元`, `三百万` → one token `¥3000000`.
//! * [`query`]: the forgiving query language (phrases, `-exclusions`, `OR`, `field:value`).
//! * the index itself ([`SearchIndex`]): one tantivy document per provision, kept in
//!   `locations.index_dir`, built on first use and rebuilt when its inputs (corpus files,
//!   domain files, program version) change or when it is damaged. It stores every field
//!   a [`Hit`] shows and the documents' metadata, so searching reads nothing else: a
//!   search process never loads the corpus, whatever its size.
//!
//! ```no_run
//! # use policynav::{search::*, workspace::*};
//! # fn main() -> anyhow::Result<()> {
//! let index = SearchIndex::open_or_build_at(&Locations::resolve(None, None)?, &mut |_| {})?;
//! let request = SearchRequest { query: "上市补贴 300万".into(), filters: Filters::default(), limit: 10 };
//! for hit in index.search(&request)?.hits {
//!     println!("{} {}", hit.id, hit.snippet.text);
//! }
//! # Ok(()) }
//! ```

pub mod analyzer;
pub mod facets;
pub mod figures;
pub mod query;

use std::ops::{Bound, Range};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
    TermSetQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, TantivyDocument};

pub use analyzer::{analyze, analyze_terms};

use crate::corpus::{DocumentMeta, Level, Validity};
use crate::model::labels::Labelled;
pub use crate::pipeline::{Progress as BuildProgress, StoreInfo as IndexInfo};
use crate::store::write::{jurisdiction_key, jurisdiction_keys};
use crate::store::{Fields, Store, schema};
use crate::workspace::{Locations, Workspace};
use query::{Alternative, Expander, Group, ParsedQuery};

/// Restrictions on which provisions a search may return.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Only this document id.
    pub doc: Option<String>,
    /// Only this jurisdiction (English or Chinese name, case-insensitive).
    pub jurisdiction: Option<String>,
    /// Only this administrative level.
    pub level: Option<Level>,
    /// Only provisions of this measure type (topic id).
    pub topic: Option<String>,
    /// Only documents with this standing on `as_of`.
    pub status: Option<Validity>,
    /// The date for `status` (today when `None`).
    pub as_of: Option<NaiveDate>,
    /// Only provisions offering support of at least this many yuan.
    pub min_amount: Option<f64>,
    /// Several values at once (the navigator's filter panel): a provision passes when
    /// it matches one of the values of each list that is not empty, and the single
    /// values above. Jurisdictions, English or Chinese names.
    pub jurisdictions: Vec<String>,
    /// Any of these administrative levels.
    pub levels: Vec<Level>,
    /// Any of these standings on `as_of`.
    pub statuses: Vec<Validity>,
    /// Any of these measure types (topic ids).
    pub topics: Vec<String>,
    /// Support (the largest support amount, in yuan) in any of these ranges; a range
    /// includes its start and excludes its end, an open end is `None`.
    pub amounts: Vec<(Option<f64>, Option<f64>)>,
    /// Documents dated (published, else written, else effective) in any of these
    /// ranges, both ends included.
    pub dated: Vec<(NaiveDate, NaiveDate)>,
}

impl Filters {
    /// True when nothing is restricted.
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }
}

/// The date a document is known by: published, else written, else effective.
pub fn document_date(meta: &DocumentMeta) -> Option<NaiveDate> {
    meta.published.or(meta.written).or(meta.effective)
}

/// A search as the user asked it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    /// The query text, in any script, with optional "phrases" and -exclusions.
    pub query: String,
    /// Restrictions.
    pub filters: Filters,
    /// At most this many hits.
    pub limit: usize,
}

/// A highlighted excerpt of a provision's original text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snippet {
    /// The excerpt, in the original script; starts/ends with `…` where the provision
    /// text was cut.
    pub text: String,
    /// Byte ranges of `text` that matched, sorted, non-overlapping, merged when touching.
    pub highlights: Vec<Range<usize>>,
}

/// One provision found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Clause id.
    pub id: String,
    /// Document id.
    pub doc: String,
    /// Jurisdiction.
    pub jurisdiction: String,
    /// Path within the document.
    pub path: String,
    /// Article heading.
    pub heading: Option<String>,
    /// The provision's full original text.
    pub text: String,
    /// Highlighted excerpt.
    pub snippet: Snippet,
    /// BM25 score with boosts.
    pub score: f32,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    /// Hits, best first.
    pub hits: Vec<Hit>,
    /// How many provisions matched in all (before `limit`).
    pub total: usize,
    /// Hints about the query (ignored syntax, OR fallback …).
    pub notes: Vec<String>,
}

/// The store, opened for searching.
pub struct SearchIndex {
    store: Store,
    info: IndexInfo,
    expander: Expander,
}

/// Highlight length of a snippet, in characters.
const SNIPPET_CHARS: usize = 90;
/// Boost of a match in the article heading, relative to the provision text.
const HEADING_BOOST: f32 = 1.5;
/// Boost of a match in the document title (ranking only, never enough to match).
const TITLE_BOOST: f32 = 0.3;
/// Boost of the words typed together found as one exact phrase.
const PHRASE_BOOST: f32 = 2.0;

/// BM25 statistics of the searchable clauses only: the store also holds articles with
/// provisions, documents and links, which must not change how a match is weighed.
struct SearchableStats<'a> {
    searcher: &'a tantivy::Searcher,
    searchable: u64,
}

impl tantivy::query::Bm25StatisticsProvider for SearchableStats<'_> {
    fn total_num_tokens(&self, field: tantivy::schema::Field) -> tantivy::Result<u64> {
        self.searcher.total_num_tokens(field)
    }
    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.searchable.max(1))
    }
    fn doc_freq(&self, term: &tantivy::Term) -> tantivy::Result<u64> {
        // deleted entries count until segments merge: never above the document count
        Ok(self.searcher.doc_freq(term)?.min(self.searchable.max(1)))
    }
}

impl SearchIndex {
    /// Opens the store of the workspace's corpus, updating or building it first when
    /// its inputs changed or it is damaged.
    pub fn open_or_build(
        ws: &Workspace,
        progress: &mut dyn FnMut(BuildProgress),
    ) -> Result<SearchIndex> {
        Self::open_inner(&ws.locations, false, progress)
    }

    /// Builds the store from scratch even if it is up to date.
    pub fn rebuild(ws: &Workspace, progress: &mut dyn FnMut(BuildProgress)) -> Result<SearchIndex> {
        Self::open_inner(&ws.locations, true, progress)
    }

    /// Opens the store of the corpus at `locations`; only if it must be updated or
    /// built are documents read.
    pub fn open_or_build_at(
        locations: &Locations,
        progress: &mut dyn FnMut(BuildProgress),
    ) -> Result<SearchIndex> {
        Self::open_inner(locations, false, progress)
    }

    /// Builds the store of the corpus at `locations` from scratch
    /// (`policynav index --rebuild`).
    pub fn rebuild_at(
        locations: &Locations,
        progress: &mut dyn FnMut(BuildProgress),
    ) -> Result<SearchIndex> {
        Self::open_inner(locations, true, progress)
    }

    fn open_inner(
        locations: &Locations,
        force: bool,
        progress: &mut dyn FnMut(BuildProgress),
    ) -> Result<SearchIndex> {
        let domain = locations.domain_dir();
        crate::text::use_dictionary_of(domain)?;
        let expander = Expander::new(crate::text::Vocabulary::load(domain)?);
        let (store, info) = crate::pipeline::open(locations, force, progress)?;
        Ok(SearchIndex {
            store,
            info,
            expander,
        })
    }

    /// A search over an opened store.
    pub fn over(store: Store, info: IndexInfo, vocabulary: crate::text::Vocabulary) -> SearchIndex {
        SearchIndex {
            store,
            info,
            expander: Expander::new(vocabulary),
        }
    }

    /// What opening found or did.
    pub fn info(&self) -> &IndexInfo {
        &self.info
    }

    /// The store searched.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The metadata of the indexed documents, in corpus order.
    pub fn documents(&self) -> Vec<&DocumentMeta> {
        self.store.documents().collect()
    }

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let mut parsed = self.expander.parse(&request.query);
        let mut notes = std::mem::take(&mut parsed.notes);
        let filters = merge_filters(&request.filters, &parsed.fields, &mut notes)?;
        let f = self.store.fields();
        let filter_queries = self.filter_queries(&filters, &mut notes)?;
        let Some(filter_queries) = filter_queries else {
            return Ok(SearchResults {
                hits: Vec::new(),
                total: 0,
                notes,
            });
        };
        let searcher = self.store.searcher();
        let stats = SearchableStats {
            searcher: &searcher,
            searchable: self.store.catalog().searchable(),
        };
        let limit = request.limit.max(1);

        let nothing_to_match = parsed.required.is_empty() && !parsed.match_all;
        if nothing_to_match && parsed.excluded.is_empty() && filter_queries.is_empty() {
            notes.push("the query has no words to search for".into());
            return Ok(SearchResults {
                hits: Vec::new(),
                total: 0,
                notes,
            });
        }

        // only the clauses a search returns (the store holds other entries too)
        let mut filter_queries = filter_queries;
        filter_queries.push(term_query(f.searchable, schema::SEARCHABLE));
        let build =
            |or_mode: bool| -> Box<dyn Query> { build_query(f, &parsed, &filter_queries, or_mode) };
        let mut query = build(false);
        let collector = (TopDocs::with_limit(limit).order_by_score(), Count);
        let (mut top, mut total) = searcher
            .search_with_statistics_provider(&*query, &collector, &stats)
            .context("searching the index")?;
        if total == 0 && parsed.required.len() > 1 {
            query = build(true);
            (top, total) = searcher
                .search_with_statistics_provider(&*query, &collector, &stats)
                .context("searching the index")?;
            if total > 0 {
                let words: Vec<&str> = parsed.required.iter().map(|g| g.label.as_str()).collect();
                notes.push(format!(
                    "no provision has all of {}; showing provisions with any of them",
                    words.join(" ")
                ));
            }
        }

        let generator =
            snippet_generator(&searcher, &*query, f.body).context("preparing snippets")?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            if let Some(hit) = self.hit(&searcher, address, score, &generator)? {
                hits.push(hit);
            }
        }
        Ok(SearchResults { hits, total, notes })
    }

    /// A hit, read from the stored fields.
    fn hit(
        &self,
        searcher: &tantivy::Searcher,
        address: DocAddress,
        score: f32,
        generator: &SnippetGenerator,
    ) -> Result<Option<Hit>> {
        let f = self.store.fields();
        let stored: TantivyDocument = searcher
            .doc(address)
            .context("reading a hit from the index")?;
        let text_of = |field| stored.get_first(field).and_then(|v| v.as_str());
        let (Some(id), Some(doc), Some(text)) = (text_of(f.id), text_of(f.doc), text_of(f.body))
        else {
            return Ok(None);
        };
        let Some(meta) = self.store.meta(doc) else {
            return Ok(None);
        };
        let path = id.split_once('/').map_or(id, |(_, p)| p);
        Ok(Some(Hit {
            id: id.to_string(),
            doc: meta.id.clone(),
            jurisdiction: meta.jurisdiction.clone(),
            path: path.to_string(),
            heading: text_of(f.heading).map(str::to_string),
            text: text.to_string(),
            snippet: make_snippet(text, generator),
            score,
        }))
    }

    /// The filters as tantivy queries, or `None` when they exclude everything.
    fn filter_queries(
        &self,
        filters: &Filters,
        notes: &mut Vec<String>,
    ) -> Result<Option<Vec<Box<dyn Query>>>> {
        let f = self.store.fields();
        let docs: Vec<&DocumentMeta> = self.store.documents().collect();
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        if let Some(id) = &filters.doc {
            if !docs.iter().any(|d| &d.id == id) {
                let known: Vec<&str> = docs.iter().map(|d| d.id.as_str()).take(20).collect();
                anyhow::bail!("--doc {id}: no such document (known: {})", known.join(", "));
            }
            out.push(term_query(f.doc, id));
        }
        if let Some(j) = &filters.jurisdiction {
            let key = jurisdiction_key(j);
            if !docs.iter().any(|d| jurisdiction_keys(d).contains(&key)) {
                let mut names: Vec<&str> = docs.iter().map(|d| d.jurisdiction.as_str()).collect();
                names.sort_unstable();
                names.dedup();
                anyhow::bail!(
                    "--jurisdiction {j}: no document from there (known: {})",
                    names.join(", ")
                );
            }
            out.push(term_query(f.jurisdiction, &key));
        }
        if let Some(level) = filters.level {
            out.push(term_query(f.level, level.id()));
        }
        if let Some(topic) = &filters.topic {
            let topics = &self.store.catalog().topics;
            if !topics.iter().any(|t| t == topic) {
                anyhow::bail!(
                    "--topic {topic}: no such measure type (known: {})",
                    topics.join(", ")
                );
            }
            out.push(term_query(f.topic, topic));
        }
        if let Some(status) = filters.status {
            let date = filters.as_of.unwrap_or_else(Workspace::today);
            let allowed: Vec<tantivy::Term> = docs
                .iter()
                .filter(|d| d.validity_on(date) == status)
                .map(|d| tantivy::Term::from_field_text(f.doc, &d.id))
                .collect();
            if allowed.is_empty() {
                notes.push(format!("no document has status {} on {date}", status.id()));
                return Ok(None);
            }
            out.push(Box::new(TermSetQuery::new(allowed)));
        } else if filters.as_of.is_some() && filters.statuses.is_empty() {
            notes.push("--as-of only matters with --status; it was ignored".into());
        }
        if let Some(min) = filters.min_amount {
            out.push(Box::new(RangeQuery::new(
                Bound::Included(tantivy::Term::from_field_f64(f.amount, min)),
                Bound::Unbounded,
            )));
        }
        // several values of one facet: any of them
        if !filters.jurisdictions.is_empty() {
            let keys: Vec<tantivy::Term> = filters
                .jurisdictions
                .iter()
                .map(|j| tantivy::Term::from_field_text(f.jurisdiction, &jurisdiction_key(j)))
                .collect();
            out.push(Box::new(TermSetQuery::new(keys)));
        }
        if !filters.levels.is_empty() {
            let keys: Vec<tantivy::Term> = filters
                .levels
                .iter()
                .map(|l| tantivy::Term::from_field_text(f.level, l.id()))
                .collect();
            out.push(Box::new(TermSetQuery::new(keys)));
        }
        if !filters.topics.is_empty() {
            let keys: Vec<tantivy::Term> = filters
                .topics
                .iter()
                .map(|t| tantivy::Term::from_field_text(f.topic, t))
                .collect();
            out.push(Box::new(TermSetQuery::new(keys)));
        }
        if !filters.statuses.is_empty() || !filters.dated.is_empty() {
            let date = filters.as_of.unwrap_or_else(Workspace::today);
            let allowed: Vec<tantivy::Term> = docs
                .iter()
                .filter(|d| {
                    filters.statuses.is_empty() || filters.statuses.contains(&d.validity_on(date))
                })
                .filter(|d| {
                    filters.dated.is_empty()
                        || document_date(d).is_some_and(|day| {
                            filters.dated.iter().any(|(a, b)| *a <= day && day <= *b)
                        })
                })
                .map(|d| tantivy::Term::from_field_text(f.doc, &d.id))
                .collect();
            if allowed.is_empty() {
                notes.push("no document has the chosen status or date".into());
                return Ok(None);
            }
            out.push(Box::new(TermSetQuery::new(allowed)));
        }
        if !filters.amounts.is_empty() {
            let any: Vec<(Occur, Box<dyn Query>)> = filters
                .amounts
                .iter()
                .map(|(from, to)| {
                    let lower = match from {
                        Some(v) => Bound::Included(tantivy::Term::from_field_f64(f.amount, *v)),
                        None => Bound::Unbounded,
                    };
                    let upper = match to {
                        Some(v) => Bound::Excluded(tantivy::Term::from_field_f64(f.amount, *v)),
                        None => Bound::Unbounded,
                    };
                    (
                        Occur::Should,
                        Box::new(RangeQuery::new(lower, upper)) as Box<dyn Query>,
                    )
                })
                .collect();
            out.push(Box::new(BooleanQuery::new(any)));
        }
        Ok(Some(out))
    }
}

/// tantivy's `SnippetGenerator::create` (the query's terms on `field` that occur in the
/// index, weighted by rarity), but re-tokenising each hit with a per-text jieba instead
/// of the analyzer registered for indexing, so a search never loads the whole dictionary.
fn snippet_generator(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    field: tantivy::schema::Field,
) -> tantivy::Result<SnippetGenerator> {
    let mut terms = std::collections::BTreeSet::new();
    query.query_terms(&mut |term, _| {
        if term.field() == field {
            terms.insert(term.clone());
        }
    });
    let mut weights = std::collections::BTreeMap::new();
    for term in terms {
        let value = term.value();
        let Some(text) = value.as_str() else {
            continue;
        };
        let doc_freq = searcher.doc_freq(&term)?;
        if doc_freq > 0 {
            weights.insert(text.to_string(), 1.0 / (1.0 + doc_freq as tantivy::Score));
        }
    }
    Ok(SnippetGenerator::new(
        weights,
        analyzer::text_analyzer_with(analyzer::Segmenter::PerText),
        field,
        SNIPPET_CHARS * 3,
    ))
}

/// Cuts and highlights a provision; never panics, whatever the text.
fn make_snippet(text: &str, generator: &SnippetGenerator) -> Snippet {
    let snip = generator.snippet(text);
    let fragment = snip.fragment();
    let range = snip.fragment_range();
    let valid = range.start <= range.end
        && range.end <= text.len()
        && text.is_char_boundary(range.start)
        && text.is_char_boundary(range.end);
    if !valid || fragment.is_empty() || snip.highlighted().is_empty() {
        // nothing highlighted in the text (a heading match): the beginning
        let end = text
            .char_indices()
            .nth(SNIPPET_CHARS)
            .map(|(b, _)| b)
            .unwrap_or(text.len());
        let mut out = text[..end].to_string();
        if end < text.len() {
            out.push('…');
        }
        return Snippet {
            text: out,
            highlights: Vec::new(),
        };
    }
    // Widen the fragment to the whole text when it is short, and over leading or
    // trailing punctuation, so `…` only marks text that was really left out.
    let short = text.chars().count() <= SNIPPET_CHARS + SNIPPET_CHARS / 4;
    let no_words = |s: &str| !s.chars().any(char::is_alphanumeric);
    let start = if short || no_words(&text[..range.start]) {
        0
    } else {
        range.start
    };
    let end = if short || no_words(&text[range.end..]) {
        text.len()
    } else {
        range.end
    };
    let prefix = if start > 0 { "…" } else { "" };
    let suffix = if end < text.len() { "…" } else { "" };
    let shift = prefix.len() + (range.start - start);
    let mut ranges: Vec<Range<usize>> = snip
        .highlighted()
        .iter()
        .filter(|r| r.start < r.end && r.end <= fragment.len())
        .filter(|r| fragment.is_char_boundary(r.start) && fragment.is_char_boundary(r.end))
        .cloned()
        .collect();
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    Snippet {
        text: format!("{prefix}{}{suffix}", &text[start..end]),
        highlights: merged
            .into_iter()
            .map(|r| r.start + shift..r.end + shift)
            .collect(),
    }
}

/// Filters from the flags, completed by `field:value` written in the query.
fn merge_filters(
    flags: &Filters,
    fields: &[(String, String)],
    notes: &mut Vec<String>,
) -> Result<Filters> {
    let mut out = flags.clone();
    for (name, value) in fields {
        let value = value.trim();
        macro_rules! set {
            ($slot:expr, $parsed:expr) => {{
                let parsed = $parsed;
                if $slot.is_some() && $slot.as_ref() != Some(&parsed) {
                    notes.push(format!(
                        "{name}:{value} in the query was overridden by the --{name} option"
                    ));
                } else {
                    $slot = Some(parsed);
                }
            }};
        }
        match name.as_str() {
            "doc" => set!(out.doc, value.to_string()),
            "jurisdiction" => set!(out.jurisdiction, value.to_string()),
            "level" => set!(out.level, parse_level(value)?),
            "topic" => set!(out.topic, value.to_string()),
            "status" => set!(out.status, parse_validity(value)?),
            "as-of" => set!(out.as_of, parse_date(value)?),
            "min-amount" => set!(
                out.min_amount,
                figures::parse_amount(value).with_context(|| format!(
                    "min-amount:{value}: not an amount (try 100万 or 1000000)"
                ))?
            ),
            _ => {}
        }
    }
    Ok(out)
}

/// Parses an administrative level: its id, Chinese or English label (`city`, 地级市, 市).
pub fn parse_level(text: &str) -> Result<Level> {
    Level::parse(text).with_context(|| format!("level {text:?}: use one of {}", Level::known()))
}

/// Parses a document standing: its id, Chinese or English label (`in-force`, 现行有效).
pub fn parse_validity(text: &str) -> Result<Validity> {
    Validity::parse(text)
        .with_context(|| format!("status {text:?}: use one of {}", Validity::known()))
}

/// Parses a date written `2024-06-01` (or `2024/6/1`, `2024.6.1`).
pub fn parse_date(text: &str) -> Result<NaiveDate> {
    let t = text.trim().replace(['/', '.'], "-");
    NaiveDate::parse_from_str(&t, "%Y-%m-%d")
        .with_context(|| format!("date {text:?}: write it as YYYY-MM-DD"))
}

fn term_query(field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        tantivy::Term::from_field_text(field, text),
        IndexRecordOption::Basic,
    ))
}

/// One alternative (a term or a phrase) on one field.
fn alternative_query(
    field: tantivy::schema::Field,
    alt: &Alternative,
    boost: f32,
) -> Box<dyn Query> {
    let terms: Vec<(usize, tantivy::Term)> = alt
        .terms
        .iter()
        .map(|(p, t)| (*p, tantivy::Term::from_field_text(field, t)))
        .collect();
    let mut positions: Vec<usize> = terms.iter().map(|(p, _)| *p).collect();
    positions.dedup();
    let q: Box<dyn Query> = if terms.len() == 1 {
        Box::new(TermQuery::new(
            terms[0].1.clone(),
            IndexRecordOption::WithFreqs,
        ))
    } else if positions.len() == terms.len() {
        Box::new(PhraseQuery::new_with_offset(terms))
    } else {
        // two tokens at one position (both ends of a range): require both
        Box::new(BooleanQuery::new(
            terms
                .into_iter()
                .map(|(_, t)| {
                    (
                        Occur::Must,
                        Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)) as Box<dyn Query>,
                    )
                })
                .collect(),
        ))
    };
    let weight = alt.weight * boost;
    if (weight - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, weight))
    }
}

/// A group matches in the provision text or its article heading.
fn group_query(f: &Fields, group: &Group) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for alt in &group.alternatives {
        clauses.push((Occur::Should, alternative_query(f.body, alt, 1.0)));
        clauses.push((
            Occur::Should,
            alternative_query(f.heading, alt, HEADING_BOOST),
        ));
    }
    Box::new(BooleanQuery::new(clauses))
}

fn build_query(
    f: &Fields,
    parsed: &ParsedQuery,
    filters: &[Box<dyn Query>],
    or_mode: bool,
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if parsed.required.is_empty() {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    } else if or_mode {
        let any: Vec<(Occur, Box<dyn Query>)> = parsed
            .required
            .iter()
            .map(|g| (Occur::Should, group_query(f, g)))
            .collect();
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
    } else {
        for g in &parsed.required {
            clauses.push((Occur::Must, group_query(f, g)));
        }
    }
    for g in &parsed.excluded {
        clauses.push((Occur::MustNot, group_query(f, g)));
    }
    for phrase in &parsed.phrases {
        let alt = Alternative {
            terms: phrase.clone(),
            weight: 1.0,
        };
        clauses.push((Occur::Should, alternative_query(f.body, &alt, PHRASE_BOOST)));
    }
    for g in &parsed.required {
        for alt in &g.alternatives {
            clauses.push((Occur::Should, alternative_query(f.title, alt, TITLE_BOOST)));
        }
    }
    for q in filters {
        clauses.push((Occur::Must, q.box_clone()));
    }
    Box::new(BooleanQuery::new(clauses))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_statuses_parse_in_both_languages() {
        assert_eq!(parse_level("City").unwrap(), Level::City);
        assert_eq!(parse_level("区").unwrap(), Level::District);
        assert!(parse_level("planet").is_err());
        assert_eq!(parse_validity("in-force").unwrap(), Validity::InForce);
        assert_eq!(parse_validity("征求意见稿").unwrap(), Validity::Draft);
        assert!(parse_validity("maybe").is_err());
        assert_eq!(
            parse_date("2024/6/1").unwrap(),
            NaiveDate::from_ymd_opt(2024, 6, 1).unwrap()
        );
    }

    fn generator(terms: &[&str], max_chars: usize) -> SnippetGenerator {
        let terms = terms.iter().map(|t| (t.to_string(), 1.0)).collect();
        SnippetGenerator::new(
            terms,
            analyzer::text_analyzer(),
            tantivy::schema::Field::from_field_id(0),
            max_chars,
        )
    }

    #[test]
    fn snippets_never_panic_and_highlight_whole_characters() {
        // beijing-2021 (Traditional, overlapping search-mode tokens) and beijing-2024
        let texts = [
            "支援中小企業在A股或境外主要證券交易所上市,市級財政按規定給予每家總額不超過300萬元的資金補貼,區級財政資金補貼不低於市級標準(市金融監管局,北京證監局,市財政局,各區)。",
            "支持专精特新中小企业参加展会，按照实际发生费用给予最高70%的资金支持。",
        ];
        let terms = [
            "中小",
            "中小企业",
            "企业",
            "上市",
            "补贴",
            "¥3000000",
            "%70",
            "资金",
        ];
        for text in texts {
            for max in 1..400 {
                let snip = make_snippet(text, &generator(&terms, max));
                let body = snip.text.trim_start_matches('…').trim_end_matches('…');
                assert!(text.contains(body), "{max}: {}", snip.text);
                let mut last = 0;
                for r in &snip.highlights {
                    assert!(
                        r.start >= last && r.start < r.end,
                        "{max}: {:?}",
                        snip.highlights
                    );
                    assert!(
                        snip.text.is_char_boundary(r.start) && snip.text.is_char_boundary(r.end)
                    );
                    last = r.end;
                }
            }
        }
        let snip = make_snippet(texts[0], &generator(&terms, 600));
        let marked: Vec<&str> = snip
            .highlights
            .iter()
            .map(|r| &snip.text[r.clone()])
            .collect();
        assert!(marked.contains(&"300萬元"), "{marked:?}");
        assert!(
            marked.contains(&"中小企業"),
            "touching ranges merged: {marked:?}"
        );
        assert!(
            !snip.text.ends_with('…'),
            "only punctuation was left out: {}",
            snip.text
        );
    }

    #[test]
    fn the_index_can_move_to_a_background_thread() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<SearchIndex>();
        send_sync::<SearchResults>();
    }

    #[test]
    fn query_fields_fill_in_missing_flags() {
        let mut notes = Vec::new();
        let flags = Filters {
            doc: Some("a".into()),
            ..Filters::default()
        };
        let fields = vec![
            ("doc".to_string(), "b".to_string()),
            ("min-amount".to_string(), "100万".to_string()),
        ];
        let f = merge_filters(&flags, &fields, &mut notes).unwrap();
        assert_eq!(f.doc.as_deref(), Some("a"));
        assert_eq!(f.min_amount, Some(1_000_000.0));
        assert_eq!(notes.len(), 1, "{notes:?}");
    }
}
