//! Stage 3 — search: a jieba-based tantivy index over the normalised Simplified text.
//!
//! * [`analyzer`]: the one tokenizer for the index, the queries and the links stage
//!   ([`analyze`]): Traditional → Simplified, jieba with the domain dictionary,
//!   punctuation dropped, figures as canonical tokens, offsets in the original text.
//! * [`figures`]: `300万`, `300萬元`, `3,000,000元`, `三百万` → one token `¥3000000`.
//! * [`query`]: the forgiving query language (phrases, `-exclusions`, `OR`, `field:value`),
//!   widened by what the words name: instrument families and measure frames
//!   (`corpus/frames.toml`), Taiwan spellings, short forms and synonyms
//!   (`corpus/synonyms.toml`).
//! * `top`: the best matches and the number of all of them, over the segments on one
//!   thread or several, seeking what only adds to a score (phrases, the title) only for
//!   matches it could lift into the best.
//! * [`rank`]: the hits ranked by what a consultant looks for (literal matches first,
//!   measures above passing mentions), with the features behind each rank.
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
pub mod families;
pub mod figures;
pub mod query;
pub mod rank;
mod snippet;
mod suggest;
mod top;
mod union;

use std::ops::{Bound, Range};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use serde::Serialize;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery, TermSetQuery,
};
use tantivy::schema::IndexRecordOption;

pub use analyzer::{analyze, analyze_terms};
use snippet::Highlighter;

use crate::corpus::{DocumentMeta, Level, Validity};
use crate::model::labels::Labelled;
pub use crate::pipeline::{Progress as BuildProgress, StoreInfo as IndexInfo};
use crate::store::write::{jurisdiction_key, jurisdiction_keys};
use crate::store::{Fields, Store, schema};
use crate::workspace::{Locations, Workspace};
use query::{Alternative, Expander, Group, ParsedQuery};
pub use rank::Ranking;
pub(crate) use top::MAX_THREADS as MAX_SEARCH_THREADS;
use union::{GatedQuery, PerDocumentQuery, UnionQuery};

/// Restrictions on which provisions a search may return. Each facet takes several
/// values (any of them); an empty facet does not restrict.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Only these document ids.
    pub doc: Vec<String>,
    /// Only these jurisdictions (English or Chinese name, case-insensitive).
    pub jurisdiction: Vec<String>,
    /// Only these administrative levels.
    pub level: Vec<Level>,
    /// Only provisions of these measure types (topic id, Chinese or English name).
    pub topic: Vec<String>,
    /// Only documents with one of these standings on `as_of`.
    pub status: Vec<Validity>,
    /// The date `status` and the status facet are judged on, as the user gave it.
    pub as_of: Option<NaiveDate>,
    /// Today, for `status` and the status facet when `as_of` is not given. The library
    /// never reads the date itself: its caller does, once, at its edge
    /// ([`Workspace::today`]); a `status` filter with neither date is refused.
    pub today: Option<NaiveDate>,
    /// Only provisions offering support of at least this many yuan.
    pub min_amount: Option<f64>,
    /// Support (the largest support amount, in yuan) in any of these ranges; a range
    /// includes its start and excludes its end, an open end is `None`.
    pub amounts: Vec<(Option<f64>, Option<f64>)>,
    /// Documents dated (published, else written, else effective) in any of these
    /// ranges, both ends included.
    pub dated: Vec<(NaiveDate, NaiveDate)>,
}

impl Filters {
    /// True when nothing is restricted (today's date restricts nothing).
    pub fn is_empty(&self) -> bool {
        Filters {
            today: None,
            ..self.clone()
        } == Filters::default()
    }
}

/// The date a document is known by: published, else written, else effective.
pub fn document_date(meta: &DocumentMeta) -> Option<NaiveDate> {
    meta.published.or(meta.written).or(meta.effective)
}

/// How hits are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best match first (see [`rank`]).
    #[default]
    Score,
    /// Largest support amount first (provisions without one last), then best match.
    Amount,
    /// Newest document first (published, else effective, else written), then best match.
    Date,
}

impl Sort {
    /// Parses `score`, `amount` or `date`.
    pub fn parse(text: &str) -> Result<Sort> {
        match text.trim().to_ascii_lowercase().as_str() {
            "score" | "relevance" => Ok(Sort::Score),
            "amount" => Ok(Sort::Amount),
            "date" => Ok(Sort::Date),
            _ => anyhow::bail!("sort {text:?}: use score, amount or date"),
        }
    }
}

/// A search as the user asked it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchRequest {
    /// The query text, in any script, with optional "phrases" and -exclusions.
    pub query: String,
    /// Restrictions.
    pub filters: Filters,
    /// At most this many hits.
    pub limit: usize,
}

/// How to present the hits of a [`SearchRequest`] ([`SearchIndex::search_with`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SearchOptions {
    /// The order of the hits.
    pub sort: Sort,
    /// Fill in [`Hit::ranking`] (why each hit ranks where it does).
    pub explain: bool,
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
    /// The ranking score (BM25 with boosts, weighed by measure and frame; see [`rank`]).
    /// Only the order is meaningful.
    pub score: f32,
    /// Why it ranks where it does (with [`SearchRequest::explain`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ranking: Option<Ranking>,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    /// Hits, best first.
    pub hits: Vec<Hit>,
    /// How many provisions matched in all (before `limit`).
    pub total: usize,
    /// Hints about the query (ignored syntax, OR fallback, no match and the closest
    /// known words …).
    pub notes: Vec<String>,
}

/// The store, opened for searching.
pub struct SearchIndex {
    store: Store,
    info: IndexInfo,
    expander: Expander,
    taxonomy: crate::topics::Taxonomy,
    /// Searches run so far: from the second, the full segmenter is loaded in the
    /// background ([`crate::text::preload_jieba`]).
    searches: std::sync::atomic::AtomicUsize,
    /// The ranking columns of the store's segments, opened by the first search that
    /// ranks hits in them.
    columns: rank::Columns,
}

/// Boost of a match in the article heading, relative to the provision text: it counts,
/// but every provision of the article shares it, so the provision's own words weigh more.
const HEADING_BOOST: f32 = 0.5;
/// Boost of a match in the document title (ranking only, never enough to match).
const TITLE_BOOST: f32 = 0.3;
/// Boost of the words typed together found as one exact phrase.
const PHRASE_BOOST: f32 = 2.0;
/// Weight of a provision matching a word by the measure it names (its frame trigger)
/// instead of printing it.
const CONCEPT_WEIGHT: f32 = 0.5;
/// How many of the best hits by text score are ranked again ([`rank`]).
const RESCORE_WINDOW: usize = 100;

/// BM25 statistics of the searchable clauses only: the store also holds articles with
/// provisions, documents and links, which must not change how a match is weighed.
struct SearchableStats<'a> {
    searcher: &'a tantivy::Searcher,
    searchable: u64,
    /// The counts read so far by this search: a term is weighed by each query it is in
    /// (its group, the title clause, the title's bound, a fallback to any word), and each
    /// count is a lookup in every segment's dictionary.
    counts: std::sync::Mutex<std::collections::HashMap<tantivy::Term, u64>>,
}

impl<'a> SearchableStats<'a> {
    fn new(searcher: &'a tantivy::Searcher, searchable: u64) -> Self {
        SearchableStats {
            searcher,
            searchable,
            counts: Default::default(),
        }
    }
}

impl tantivy::query::Bm25StatisticsProvider for SearchableStats<'_> {
    fn total_num_tokens(&self, field: tantivy::schema::Field) -> tantivy::Result<u64> {
        self.searcher.total_num_tokens(field)
    }
    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.searchable.max(1))
    }
    fn doc_freq(&self, term: &tantivy::Term) -> tantivy::Result<u64> {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = counts.get(term) {
            return Ok(*n);
        }
        // deleted entries count until segments merge: never above the document count
        let n = self.searcher.doc_freq(term)?.min(self.searchable.max(1));
        counts.insert(term.clone(), n);
        Ok(n)
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
        let vocabulary = crate::text::Vocabulary::load(domain)?;
        let rules = crate::analysis::Rules::load(domain)?;
        let (store, info) = crate::pipeline::open(locations, force, progress)?;
        Ok(SearchIndex::over_with(store, info, vocabulary, rules))
    }

    /// A search over an opened store with the bundled analysis rules (measure types,
    /// frames); [`SearchIndex::over_with`] for a corpus folder with its own.
    pub fn over(store: Store, info: IndexInfo, vocabulary: crate::text::Vocabulary) -> SearchIndex {
        let rules = crate::analysis::Rules {
            taxonomy: crate::analysis::load_taxonomy(None)
                .unwrap_or_else(|e| panic!("the bundled topics.toml is valid: {e:#}")),
            frames: crate::analysis::FrameRules::bundled(),
        };
        SearchIndex::over_with(store, info, vocabulary, rules)
    }

    /// A search over an opened store, with the query vocabulary and the analysis rules
    /// (measure types, frames) the store was built with.
    pub fn over_with(
        store: Store,
        info: IndexInfo,
        vocabulary: crate::text::Vocabulary,
        rules: crate::analysis::Rules,
    ) -> SearchIndex {
        SearchIndex {
            store,
            info,
            expander: Expander::new(vocabulary, rules.frames),
            taxonomy: rules.taxonomy,
            searches: std::sync::atomic::AtomicUsize::new(0),
            columns: rank::Columns::default(),
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

    /// Runs a search, best hits first.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        self.search_with(request, &SearchOptions::default())
    }

    /// Runs a search in the order asked for, with the ranking features if asked.
    pub fn search_with(
        &self,
        request: &SearchRequest,
        options: &SearchOptions,
    ) -> Result<SearchResults> {
        // one search segments a query and ten hits with segmenters made for them; a
        // process that searches again will likely go on (the navigator, a script)
        if self
            .searches
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            == 1
        {
            crate::text::preload_jieba();
        }
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
        let stats = SearchableStats::new(&searcher, self.store.head().searchable);
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

        // only the clauses a search returns (the store holds other entries too); a word
        // the query requires is matched in fields only those clauses have, so the
        // filter is needed only without one (`*`, exclusions, filters alone), where it
        // would otherwise be one more list to intersect and score on every match
        let mut filter_queries = filter_queries;
        if parsed.required.is_empty() {
            filter_queries.push(term_query(f.searchable, schema::SEARCHABLE));
        }
        let window = match options.sort {
            Sort::Score => limit.max(RESCORE_WINDOW),
            _ => limit,
        };
        let mut wanted = Wanted::All;
        let threads = if visits_many(&searcher, f, &parsed)? {
            top::search_threads()
        } else {
            1
        };
        let collect = |query: &top::Scored| {
            top::collect(&searcher, &stats, query, threads, window, options.sort)
                .context("searching the index")
        };
        let mut query = build_query(f, &parsed, &filter_queries, wanted);
        let (mut top, mut total) = collect(&query)?;
        if total == 0 && parsed.required.len() > 1 && any_word_fallback(&searcher, f, &parsed)? {
            wanted = Wanted::Any;
            query = build_query(f, &parsed, &filter_queries, wanted);
            (top, total) = collect(&query)?;
            if total > 0 {
                let words: Vec<&str> = parsed.required.iter().map(|g| g.label.as_str()).collect();
                notes.push(format!(
                    "no provision has all of {}; showing provisions with any of them",
                    words.join(" ")
                ));
                notes.extend(suggest::partial_match(&searcher, f, &parsed)?);
            }
        }
        if total == 0 && !parsed.required.is_empty() {
            notes.extend(suggest::no_match(&searcher, f, &parsed)?);
        }

        let probes = probes(f, &parsed, wanted, options.explain);
        let ranked = rank::rank(
            &searcher,
            &self.columns,
            &|visit| self.store.ids().for_each(&mut *visit),
            self.expander.frames(),
            &parsed.triggers,
            &probes,
            top,
            limit,
            options.sort == Sort::Score,
        )?;
        let mut stored = Vec::with_capacity(ranked.len());
        for (address, ranking) in ranked {
            let texts = Store::texts(&searcher, address, &[f.id, f.doc, f.body])
                .context("reading a hit from the index")?;
            stored.push((texts, ranking));
        }
        let jieba = analyzer::ForTexts::new(
            stored
                .iter()
                .filter_map(|(t, _)| Some((t.get(f.body)?, t.get(f.simplified)))),
        );
        let generator = Highlighter::for_query(&stats, &parsed, f.body, false, &jieba)
            .context("preparing snippets")?;
        let by_measure = if stored.iter().any(|(_, r)| !r.literal) && !parsed.highlight.is_empty() {
            Some(
                Highlighter::for_query(&stats, &parsed, f.body, true, &jieba)
                    .context("preparing snippets")?,
            )
        } else {
            None
        };
        let mut hits = Vec::with_capacity(stored.len());
        for (doc, ranking) in stored {
            let generator = match &by_measure {
                Some(g) if !ranking.literal => g,
                _ => &generator,
            };
            if let Some(mut hit) = self.hit(&doc, ranking.final_score, generator) {
                if options.explain {
                    hit.ranking = Some(ranking);
                }
                hits.push(hit);
            }
        }
        Ok(SearchResults { hits, total, notes })
    }

    /// A hit, from its stored fields.
    fn hit(
        &self,
        stored: &crate::store::TextFields,
        score: f32,
        generator: &Highlighter,
    ) -> Option<Hit> {
        let f = self.store.fields();
        let text_of = |field| stored.get(field);
        let (Some(id), Some(doc), Some(text)) = (text_of(f.id), text_of(f.doc), text_of(f.body))
        else {
            return None;
        };
        let meta = self.store.meta(doc)?;
        let path = id.split_once('/').map_or(id, |(_, p)| p);
        Some(Hit {
            id: id.to_string(),
            doc: meta.id.clone(),
            jurisdiction: meta.jurisdiction.clone(),
            path: path.to_string(),
            heading: text_of(f.heading).map(str::to_string),
            text: text.to_string(),
            snippet: generator.snippet(text),
            score,
            ranking: None,
        })
    }

    /// The filters as tantivy queries, or `None` when they exclude everything.
    fn filter_queries(
        &self,
        filters: &Filters,
        notes: &mut Vec<String>,
    ) -> Result<Option<Vec<Box<dyn Query>>>> {
        let f = self.store.fields();
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        let any_of = |field, values: Vec<String>| -> Box<dyn Query> {
            Box::new(TermSetQuery::new(
                values
                    .iter()
                    .map(|v| tantivy::Term::from_field_text(field, v)),
            ))
        };
        if !filters.doc.is_empty() {
            for id in &filters.doc {
                if self.store.position(id).is_none() {
                    let known: Vec<&str> = self.store.ids().take(20).collect();
                    anyhow::bail!("--doc {id}: no such document (known: {})", known.join(", "));
                }
            }
            out.push(any_of(f.doc, filters.doc.clone()));
        }
        if !filters.jurisdiction.is_empty() {
            let docs: Vec<&DocumentMeta> = self.store.documents().collect();
            let mut keys = Vec::new();
            for j in &filters.jurisdiction {
                let key = jurisdiction_key(j);
                if !docs.iter().any(|d| jurisdiction_keys(d).contains(&key)) {
                    let mut names: Vec<&str> =
                        docs.iter().map(|d| d.jurisdiction.as_str()).collect();
                    names.sort_unstable();
                    names.dedup();
                    anyhow::bail!(
                        "--jurisdiction {j}: no document from there (known: {})",
                        names.join(", ")
                    );
                }
                keys.push(key);
            }
            out.push(any_of(f.jurisdiction, keys));
        }
        if !filters.level.is_empty() {
            let ids = filters.level.iter().map(|l| l.id().to_string()).collect();
            out.push(any_of(f.level, ids));
        }
        if !filters.topic.is_empty() {
            let mut ids = Vec::new();
            for topic in &filters.topic {
                let known = &self.store.head().info.topics;
                let id = self
                    .taxonomy
                    .get(topic.trim())
                    .map(|t| t.id.clone())
                    .filter(|id| known.contains(id));
                let Some(id) = id else {
                    let names: Vec<String> = self
                        .taxonomy
                        .topics
                        .iter()
                        .map(|t| format!("{} {}", t.id, t.zh))
                        .collect();
                    anyhow::bail!(
                        "--topic {topic}: no such measure type (known: {})",
                        names.join(", ")
                    );
                };
                ids.push(id);
            }
            out.push(any_of(f.topic, ids));
        }
        if !filters.status.is_empty() {
            let Some(date) = filters.as_of.or(filters.today) else {
                anyhow::bail!(
                    "a status filter needs the date it is judged on (Filters::as_of or today)"
                );
            };
            let allowed: Vec<tantivy::Term> = self
                .store
                .documents()
                .filter(|d| filters.status.contains(&d.validity_on(date)))
                .map(|d| tantivy::Term::from_field_text(f.doc, &d.id))
                .collect();
            if allowed.is_empty() {
                let ids: Vec<&str> = filters.status.iter().map(|s| s.id()).collect();
                notes.push(format!(
                    "no document has status {} on {date}",
                    ids.join(" or ")
                ));
                return Ok(None);
            }
            out.push(Box::new(TermSetQuery::new(allowed)));
        } else if filters.as_of.is_some() {
            notes.push("--as-of only matters with --status; it was ignored".into());
        }
        if let Some(min) = filters.min_amount {
            out.push(Box::new(RangeQuery::new(
                Bound::Included(tantivy::Term::from_field_f64(f.amount, min)),
                Bound::Unbounded,
            )));
        }
        if !filters.dated.is_empty() {
            let allowed: Vec<tantivy::Term> = self
                .store
                .documents()
                .filter(|d| {
                    document_date(d).is_some_and(|day| {
                        filters.dated.iter().any(|(a, b)| *a <= day && day <= *b)
                    })
                })
                .map(|d| tantivy::Term::from_field_text(f.doc, &d.id))
                .collect();
            if allowed.is_empty() {
                notes.push("no document is dated in the chosen years".into());
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

/// Filters from the flags, completed by `field:value` written in the query (several
/// values separated by commas, like the flags).
fn merge_filters(
    flags: &Filters,
    fields: &[(String, String)],
    notes: &mut Vec<String>,
) -> Result<Filters> {
    let mut out = flags.clone();
    for (name, value) in fields {
        let value = value.trim();
        macro_rules! set_one {
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
        macro_rules! set_many {
            ($slot:expr, $parse:expr) => {{
                let parsed = split_values(value)
                    .into_iter()
                    .map($parse)
                    .collect::<Result<Vec<_>>>()?;
                if !$slot.is_empty() && $slot != parsed {
                    notes.push(format!(
                        "{name}:{value} in the query was overridden by the --{name} option"
                    ));
                } else {
                    $slot = parsed;
                }
            }};
        }
        match name.as_str() {
            "doc" => set_many!(out.doc, |v: &str| Ok(v.to_string())),
            "jurisdiction" => set_many!(out.jurisdiction, |v: &str| Ok(v.to_string())),
            "level" => set_many!(out.level, parse_level),
            "topic" => set_many!(out.topic, |v: &str| Ok(v.to_string())),
            "status" => set_many!(out.status, parse_validity),
            "as-of" => set_one!(out.as_of, parse_date(value)?),
            "min-amount" => set_one!(
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

/// Several filter values written `a,b` (also with `，`, `、` or `;`).
pub fn split_values(text: &str) -> Vec<&str> {
    text.split([',', '，', '、', ';', '；'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect()
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

/// One alternative in the provision text, or its article heading for the words as
/// typed (and their other spellings).
fn in_text(f: &Fields, alt: &Alternative, walk: Walk) -> Box<dyn Query> {
    if alt.weight < 1.0 {
        return alternative_query(f.body, alt, 1.0);
    }
    walk.sum(vec![
        alternative_query(f.body, alt, 1.0),
        alternative_query(f.heading, alt, HEADING_BOOST),
    ])
}

/// A group matches in the provision text or its article heading (the best of its
/// alternatives counts), or, for a word that names a measure, by the provision's frame.
fn group_query(f: &Fields, group: &Group, walk: Walk) -> Box<dyn Query> {
    let mut best: Vec<Box<dyn Query>> = group
        .alternatives
        .iter()
        .filter(|a| a.family.is_none())
        .map(|a| in_text(f, a, walk))
        .collect();
    // the words of an instrument family through its list: it holds every provision with
    // a single term of the family, and those of the family that are not among the
    // members here are the group's other alternatives (the word typed)
    let mut families: Vec<&str> = group
        .alternatives
        .iter()
        .filter_map(|a| a.family.as_deref())
        .collect();
    families.sort_unstable();
    families.dedup();
    for family in families {
        let members: Vec<Box<dyn Query>> = group
            .alternatives
            .iter()
            .filter(|a| a.family.as_deref() == Some(family))
            .map(|a| in_text(f, a, Walk::Sought))
            .collect();
        best.push(GatedQuery::boxed(
            Box::new(TermQuery::new(
                tantivy::Term::from_field_text(f.family, family),
                IndexRecordOption::Basic,
            )),
            UnionQuery::max(members),
        ));
    }
    if !group.concepts.is_empty() {
        let concepts: Vec<Box<dyn Query>> = group
            .concepts
            .iter()
            .map(|c| {
                Box::new(TermQuery::new(
                    tantivy::Term::from_field_text(f.concept, c),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>
            })
            .collect();
        best.push(Box::new(BoostQuery::new(
            walk.sum(concepts),
            CONCEPT_WEIGHT,
        )));
    }
    walk.max(best)
}

/// A group in the text only (no concepts): whether a provision prints it.
fn literal_group_query(f: &Fields, group: &Group) -> Box<dyn Query> {
    UnionQuery::sum(
        group
            .alternatives
            .iter()
            .map(|a| in_text(f, a, Walk::Sought))
            .collect(),
    )
}

/// The probes [`rank`] reads literal and heading matches with; heading matches only
/// for `explain` (they are already in the text score, and shown only there).
fn probes(f: &Fields, parsed: &ParsedQuery, wanted: Wanted, explain: bool) -> rank::Probes {
    let concepts = parsed.required.iter().any(|g| !g.concepts.is_empty());
    let (words, wordings) = if concepts || wanted != Wanted::All {
        parsed
            .required
            .iter()
            .map(|g| {
                let wordings = (!g.wordings.is_empty()).then(|| {
                    UnionQuery::sum(
                        g.wordings
                            .iter()
                            .map(|a| alternative_query(f.body, a, 1.0))
                            .collect(),
                    )
                });
                (literal_group_query(f, g), wordings)
            })
            .unzip()
    } else {
        (Vec::new(), Vec::new())
    };
    let headings: Vec<(Occur, Box<dyn Query>)> = parsed
        .required
        .iter()
        .flat_map(|g| &g.alternatives)
        .filter(|a| explain && a.weight >= 1.0)
        .map(|a| (Occur::Should, alternative_query(f.heading, a, 1.0)))
        .collect();
    rank::Probes {
        words,
        wordings,
        of: parsed.required.len(),
        heading: (!headings.is_empty())
            .then(|| Box::new(BooleanQuery::new(headings)) as Box<dyn Query>),
        shown: explain,
    }
}

/// Entries a query is estimated to visit, from which it searches its segments on threads
/// started for it ([`search_segments`]): below it, starting them costs more than they
/// save.
const PARALLEL_VISITS: u64 = 5_000;

/// Whether a query visits at least [`PARALLEL_VISITS`] entries: whether each of its
/// required groups does (the least frequent is the one an intersection walks), counting
/// its concepts and each alternative's rarest term in the text and the heading, or, with
/// no word required, the store does. Read from the term dictionary of the largest
/// segment, scaled to the store (an estimate, one lookup per term instead of one per
/// segment), without running the query; a group stops counting once it has enough, and
/// the first that has too few answers, so a query of common words reads few counts.
fn visits_many(searcher: &tantivy::Searcher, f: &Fields, parsed: &ParsedQuery) -> Result<bool> {
    if parsed.required.is_empty() {
        return Ok(searcher.num_docs() >= PARALLEL_VISITS);
    }
    let readers = searcher.segment_readers();
    let Some(largest) = readers.iter().max_by_key(|r| r.max_doc()) else {
        return Ok(false);
    };
    let all: u64 = readers.iter().map(|r| u64::from(r.max_doc())).sum();
    let scale = all as f64 / f64::from(largest.max_doc().max(1));
    let list = |field| {
        largest
            .inverted_index(field)
            .map(|index| (field, index))
            .context("reading the index")
    };
    let (body, heading, concept) = (list(f.body)?, list(f.heading)?, list(f.concept)?);
    let df = |(field, index): &(
        tantivy::schema::Field,
        std::sync::Arc<tantivy::InvertedIndexReader>,
    ),
              text: &str|
     -> Result<u64> {
        let n = index
            .doc_freq(&tantivy::Term::from_field_text(*field, text))
            .context("reading the index")?;
        Ok((f64::from(n) * scale) as u64)
    };
    for g in &parsed.required {
        let mut visits = 0u64;
        for c in &g.concepts {
            visits = visits.saturating_add(df(&concept, c)?);
        }
        for alt in &g.alternatives {
            if visits >= PARALLEL_VISITS {
                break;
            }
            let mut rarest = u64::MAX;
            for (_, t) in &alt.terms {
                rarest = rarest.min(df(&body, t)?.saturating_add(df(&heading, t)?));
            }
            if rarest != u64::MAX {
                visits = visits.saturating_add(rarest);
            }
        }
        if visits < PARALLEL_VISITS {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether a query none of whose provisions has every word may fall back to any of
/// its words: never a lone character (元 of 元宇宙), and only when most of the words
/// occur somewhere, so that a query about something the corpus does not cover
/// (不存在的词汇xyz) finds nothing rather than an incidental word.
fn any_word_fallback(
    searcher: &tantivy::Searcher,
    f: &Fields,
    parsed: &ParsedQuery,
) -> Result<bool> {
    let mut strong = 0;
    let mut known = 0;
    for g in parsed.required.iter().filter(|g| !g.is_weak()) {
        strong += 1;
        known += usize::from(suggest::known(searcher, f, g)?);
    }
    Ok(known > 0 && 2 * known >= strong)
}

/// How a word group's unions are walked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Walk {
    /// Sought to the documents of other groups or filters (an intersection):
    /// [`UnionQuery`], cheap to seek.
    Sought,
    /// Walked from document to document (the query's only list): tantivy's unions,
    /// which fill a window of documents and scores from each child in turn.
    Walked,
}

impl Walk {
    fn sum(self, mut children: Vec<Box<dyn Query>>) -> Box<dyn Query> {
        match self {
            Walk::Sought => UnionQuery::sum(children),
            Walk::Walked if children.len() == 1 => children.remove(0),
            Walk::Walked => Box::new(BooleanQuery::union(children)),
        }
    }

    fn max(self, mut children: Vec<Box<dyn Query>>) -> Box<dyn Query> {
        match self {
            Walk::Sought => UnionQuery::max(children),
            Walk::Walked if children.len() == 1 => children.remove(0),
            Walk::Walked => Box::new(tantivy::query::DisjunctionMaxQuery::new(children)),
        }
    }
}

/// Which of the required groups a provision must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wanted {
    /// Every one.
    All,
    /// At least one of those that are not a lone character.
    Any,
}

/// The query of a search: its required words (all of them, or any for `Wanted::Any`),
/// exclusions and filters; and what adds to a match's score (phrases, the title) with
/// the bound of what it adds.
fn build_query(
    f: &Fields,
    parsed: &ParsedQuery,
    filters: &[Box<dyn Query>],
    wanted: Wanted,
) -> top::Scored {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    // what adds to the score of a match without being needed for one, as one clause,
    // with its terms' lists and boosts (a word that is weak alone has no such bound)
    let mut optional: Vec<Box<dyn Query>> = Vec::new();
    let mut bounds = Some(Vec::new());
    let terms = |field: tantivy::schema::Field, alt: &Alternative| -> Vec<tantivy::Term> {
        alt.terms
            .iter()
            .map(|(_, t)| tantivy::Term::from_field_text(field, t))
            .collect()
    };
    match wanted {
        _ if parsed.required.is_empty() => {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        Wanted::All => {
            // a lone word with no filter is walked through its lists from end to end
            // (exclusions and what only adds to the score are sought to its matches):
            // tantivy's unions walk a word common to most provisions in two thirds of
            // the time [`UnionQuery`] takes, and score the same
            let walk = if parsed.required.len() == 1 && filters.is_empty() {
                Walk::Walked
            } else {
                Walk::Sought
            };
            for g in &parsed.required {
                clauses.push((Occur::Must, group_query(f, g, walk)));
            }
        }
        Wanted::Any => {
            let strong: Vec<Box<dyn Query>> = parsed
                .required
                .iter()
                .filter(|g| !g.is_weak())
                .map(|g| group_query(f, g, Walk::Sought))
                .collect();
            clauses.push((Occur::Must, UnionQuery::sum(strong)));
            for g in parsed.required.iter().filter(|g| g.is_weak()) {
                optional.push(group_query(f, g, Walk::Sought));
                bounds = None;
            }
        }
    }
    for g in &parsed.excluded {
        clauses.push((
            Occur::MustNot,
            Box::new(forward_only::ForwardOnly(literal_group_query(f, g))),
        ));
    }
    for phrase in &parsed.phrases {
        let alt = Alternative {
            terms: phrase.clone(),
            weight: 1.0,
            family: None,
        };
        optional.push(alternative_query(f.body, &alt, PHRASE_BOOST));
        if let Some(b) = bounds.as_mut() {
            b.push((PHRASE_BOOST * alt.weight, terms(f.body, &alt)));
        }
    }
    // the words as typed and their other spellings, as in the heading ([`in_text`]): a
    // title that prints another word of the family or a synonym adds nothing (and each
    // of those words was one more list sought on every match); every clause of a
    // document has its title, scored once per document
    let mut titles: Vec<Box<dyn Query>> = Vec::new();
    for alt in parsed
        .required
        .iter()
        .flat_map(|g| g.alternatives.iter().filter(|a| a.weight >= 1.0))
    {
        titles.push(alternative_query(f.title, alt, TITLE_BOOST));
        if let Some(b) = bounds.as_mut() {
            b.push((TITLE_BOOST * alt.weight, terms(f.title, alt)));
        }
    }
    if !titles.is_empty() {
        optional.push(PerDocumentQuery::boxed(
            UnionQuery::sum(titles),
            schema::DNUM_FIELD,
        ));
    }
    // a filter decides which provisions match, not how they rank: a constant it added
    // to every score would be multiplied by a match's measure and frame weights
    // ([`rank`]) and reorder hits that a search without the filter orders otherwise
    for q in filters {
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(q.box_clone(), 0.0)),
        ));
    }
    top::Scored {
        required: Box::new(BooleanQuery::new(clauses)),
        optional: (!optional.is_empty()).then(|| UnionQuery::sum(optional)),
        bounds,
    }
}

/// A query whose documents are only ever sought forwards, with plain `seek`.
///
/// tantivy 0.27 excludes documents with `seek_danger`, which may leave a phrase scorer
/// positioned past the next target; the phrase scorer then fails its own debug assertion
/// (`target should be greater than or equal to doc`) on a query such as `-上市补贴`.
/// Wrapped, an excluded phrase answers "not here" for a target it has passed, which is
/// exact: it only passed documents that were not in it.
mod forward_only {
    use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
    use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

    #[derive(Debug)]
    pub(super) struct ForwardOnly(pub(super) Box<dyn Query>);

    impl Clone for ForwardOnly {
        fn clone(&self) -> Self {
            ForwardOnly(self.0.box_clone())
        }
    }

    impl Query for ForwardOnly {
        fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
            Ok(Box::new(ForwardWeight(self.0.weight(scoring)?)))
        }

        fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
            self.0.query_terms(visitor);
        }
    }

    struct ForwardWeight(Box<dyn Weight>);

    impl Weight for ForwardWeight {
        fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
            Ok(Box::new(ForwardScorer(self.0.scorer(reader, boost)?)))
        }

        fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
            self.0.explain(reader, doc)
        }
    }

    /// Seeks forwards only; `seek_danger` is tantivy's default, which goes through
    /// `seek` and never leaves the scorer ahead of its answer.
    struct ForwardScorer(Box<dyn Scorer>);

    impl DocSet for ForwardScorer {
        fn advance(&mut self) -> DocId {
            self.0.advance()
        }

        fn seek(&mut self, target: DocId) -> DocId {
            let doc = self.0.doc();
            if doc >= target || doc == TERMINATED {
                doc
            } else {
                self.0.seek(target)
            }
        }

        fn doc(&self) -> DocId {
            self.0.doc()
        }

        fn size_hint(&self) -> u32 {
            self.0.size_hint()
        }
    }

    impl Scorer for ForwardScorer {
        fn score(&mut self) -> Score {
            self.0.score()
        }
    }
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
            doc: vec!["a".into()],
            ..Filters::default()
        };
        let fields = vec![
            ("doc".to_string(), "b".to_string()),
            ("min-amount".to_string(), "100万".to_string()),
            ("jurisdiction".to_string(), "北京,Baotou".to_string()),
        ];
        let f = merge_filters(&flags, &fields, &mut notes).unwrap();
        assert_eq!(f.doc, ["a"]);
        assert_eq!(f.jurisdiction, ["北京", "Baotou"]);
        assert_eq!(f.min_amount, Some(1_000_000.0));
        assert_eq!(notes.len(), 1, "{notes:?}");
    }
}
