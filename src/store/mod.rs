//! Stage 3 — the store: one tantivy index that holds everything the views read, built
//! once from the corpus and changed in place, one document at a time.
//!
//! * the searchable text of every clause a search can return (see [`crate::search`]);
//! * a stored record per clause: the clause, its figures, measure types and frames, and
//!   the features the link engine scores it by ([`ClauseRecord`]);
//! * a stored record per document: metadata, letter, preamble, closing, chapters
//!   ([`DocumentRecord`]);
//! * the links of every provision ([`LinksRecord`]), as the link engine computed them.
//!
//! A [`Catalog`] file per generation lists the documents in corpus order with the stamps
//! of their files; the tantivy commit that makes a generation current names it in its
//! payload, so one atomic step publishes a change: a process killed while changing the
//! store leaves the generation before intact. Readers take no lock; writers hold
//! `build.lock` (an OS file lock) for the whole change.
//!
//! Layout of the index folder:
//! * `current/`: the tantivy index and its catalog files (`catalog-<generation>.json`,
//!   the head every process reads, and `documents-<generation>.jsonl`, the entries);
//! * `build.lock`: held by the one process changing the store;
//! * `tmp-*`: a full build in progress, renamed to `current/` only when complete.
//!
//! Building and changing the store (reading the corpus, analysing, linking) is done by
//! [`crate::pipeline`]; this module only stores and answers.

pub mod candidates;
pub mod catalog;
pub mod schema;
pub(crate) mod sources;
pub mod verify;
pub mod write;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, anyhow};
use serde::{Deserialize, Serialize};
use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::document::DeserializeError;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term};

pub use catalog::{Catalog, CatalogEntry, CatalogHead, Entries, GenerationInfo, Payload};
pub use schema::Fields;

use crate::analysis::ClauseAnalysis;
use crate::links::{CandidateQuery, Features, Link, StoredLink};
use crate::model::{Chapter, Clause, ClauseKind, Document, DocumentMeta};

/// The folder of the current generation inside an index folder.
pub const CURRENT: &str = "current";
/// The writers' lock file inside an index folder.
pub const LOCK_FILE: &str = "build.lock";

/// What the store keeps of a clause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClauseRecord {
    /// The clause as structured.
    pub clause: Clause,
    /// Its figures, measure types and frames.
    pub analysis: ClauseAnalysis,
    /// Whether a search can return it (provisions, and articles without provisions).
    pub searchable: bool,
    /// What the link engine scores it by (provisions only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Features>,
}

/// What the store keeps of a document besides its clauses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentRecord {
    /// What the manifest says.
    pub meta: DocumentMeta,
    /// The cover letter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter: Option<String>,
    /// The preamble before the first article.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preamble: Option<String>,
    /// The closing provisions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closing: Option<String>,
    /// Chapters and sections, in order.
    pub chapters: Vec<Chapter>,
}

/// The links of one provision, as the link engine computed them (with owned strings as
/// read back, or borrowed as a build writes them).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "S: Deserialize<'de>"))]
pub struct LinksRecord<S = String> {
    /// How close the provision is to everything (mean of its best raw scores).
    pub hub: f32,
    /// Its links, best first.
    pub links: Vec<StoredLink<S>>,
}

/// A candidate the store returns for a [`CandidateQuery`].
#[derive(Debug, Clone)]
pub struct StoredCandidate {
    /// Its features.
    pub features: Features,
    /// Its hubness, when its links are stored.
    pub hub: f32,
}

/// The store, opened for reading (cheap to clone: the index and catalog are shared).
#[derive(Clone)]
pub struct Store {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    head: Arc<CatalogHead>,
    entries: Arc<Entries>,
    positions: Arc<HashMap<String, usize>>,
    payload: Payload,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("dir", &self.dir)
            .field("generation", &self.head.info.generation)
            .field("documents", &self.head.documents.len())
            .finish()
    }
}

/// Reads the payload of the last commit of the index in `dir`.
pub(crate) fn read_payload(index: &Index) -> std::result::Result<Payload, String> {
    let metas = index.load_metas().map_err(|e| format!("damaged: {e}"))?;
    let text = metas
        .payload
        .ok_or_else(|| "damaged: the index names no catalog".to_string())?;
    serde_json::from_str(&text).map_err(|e| format!("damaged: commit payload: {e}"))
}

/// Opens the tantivy index in `dir` with the analyzer registered.
pub(crate) fn open_index(dir: &Path) -> std::result::Result<Index, String> {
    if !dir.join("meta.json").is_file() {
        return Err(if dir.is_dir() {
            "damaged: no meta.json".into()
        } else {
            "missing".into()
        });
    }
    let index = Index::open_in_dir(dir).map_err(|e| format!("damaged: {e}"))?;
    crate::search::analyzer::register(&index);
    Ok(index)
}

/// Entries from which a store's segments are searched in parallel: below it, waking the
/// pool's threads costs more than a query (the bundled corpus holds about 1,500).
const PARALLEL_SEARCH_ENTRIES: u64 = 50_000;

/// Searches the segments of a large store on as many threads as there are cores (at
/// most four), for the queries other than a search's (facet counts, link lookups): a
/// search starts threads of its own when it visits many entries, which end with it
/// (`search::search_segments`), where a pool's would spin on the cores its ranking and
/// snippets need.
fn search_on_every_core(index: &mut Index) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let metas = index.searchable_segment_metas().unwrap_or_default();
    let entries: u64 = metas.iter().map(|m| u64::from(m.max_doc())).sum();
    if cores > 1 && metas.len() > 1 && entries >= PARALLEL_SEARCH_ENTRIES {
        // without the pool, searches run on the calling thread, as before
        let _ = index.set_multithread_executor(cores);
    }
}

/// The stored text values of an entry (id, document, provision text, its Simplified
/// form, heading), read without its record: a clause's writer stores them before any
/// other value ([`write`]), and reading stops at the first value that is not text, so a
/// search does not decode the records of its hits ([`Store::texts`] reads the whole
/// entry when a value it needs was not among them).
#[derive(Debug, Default)]
pub struct TextFields {
    values: Vec<(tantivy::schema::Field, String)>,
    /// Every value of the entry was read.
    complete: bool,
}

impl TextFields {
    /// The first value of `field`.
    pub fn get(&self, field: tantivy::schema::Field) -> Option<&str> {
        self.values
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v.as_str())
    }
}

/// A text value, or the first value of another type, left unread.
enum TextOrOther {
    Text(String),
    Other,
}

impl tantivy::schema::document::ValueDeserialize for TextOrOther {
    fn deserialize<'de, D>(deserializer: D) -> std::result::Result<Self, DeserializeError>
    where
        D: tantivy::schema::document::ValueDeserializer<'de>,
    {
        // a value of another type is refused before any of it is read
        match deserializer.deserialize_string() {
            Ok(text) => Ok(TextOrOther::Text(text)),
            Err(DeserializeError::TypeMismatch { .. }) => Ok(TextOrOther::Other),
            Err(e) => Err(e),
        }
    }
}

impl tantivy::schema::document::DocumentDeserialize for TextFields {
    fn deserialize<'de, D>(mut deserializer: D) -> std::result::Result<Self, DeserializeError>
    where
        D: tantivy::schema::document::DocumentDeserializer<'de>,
    {
        let mut out = TextFields::default();
        loop {
            match deserializer.next_field::<TextOrOther>()? {
                Some((field, TextOrOther::Text(text))) => out.values.push((field, text)),
                // the rest of the entry is not read: its values can no longer be told apart
                Some((_, TextOrOther::Other)) => return Ok(out),
                None => {
                    out.complete = true;
                    return Ok(out);
                }
            }
        }
    }
}

impl Store {
    /// Opens the current generation in `dir` (an index folder's `current/`) as it is,
    /// without checking it against the corpus; else says why it cannot be used
    /// (`missing`, `stale: …`, `damaged: …`).
    pub fn open_dir(dir: &Path) -> std::result::Result<Store, String> {
        let mut index = open_index(dir)?;
        search_on_every_core(&mut index);
        // the payload and the reader must be of one commit: read it again after
        for _ in 0..5 {
            let payload = read_payload(&index)?;
            let head = CatalogHead::read(&dir.join(&payload.catalog))?;
            let reader: IndexReader = index
                .reader_builder()
                .reload_policy(ReloadPolicy::Manual)
                .try_into()
                .map_err(|e| format!("damaged: {e}"))?;
            if read_payload(&index)? != payload {
                continue;
            }
            let fields = schema::fields_of(&index.schema()).map_err(|e| format!("stale: {e}"))?;
            let positions = Arc::new(
                head.documents
                    .iter()
                    .enumerate()
                    .map(|(i, d)| (d.id.clone(), i))
                    .collect(),
            );
            return Ok(Store {
                dir: dir.to_path_buf(),
                index,
                reader,
                fields,
                entries: Arc::new(Entries::new(dir, &head)),
                head: Arc::new(head),
                positions,
                payload,
            });
        }
        Err("busy: the index kept changing while it was opened".into())
    }

    /// The folder of this generation.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The catalog head of this generation: counts, stamps, what was left out, and the
    /// documents' ids in corpus order.
    pub fn head(&self) -> &CatalogHead {
        &self.head
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.head.documents.len()
    }

    /// True when the store holds no document.
    pub fn is_empty(&self) -> bool {
        self.head.documents.is_empty()
    }

    /// Every document's catalog entry, in corpus order, read at once; `Err` when the
    /// entries file changed on disk since the store was checked.
    pub fn entries(&self) -> Result<Vec<&CatalogEntry>> {
        self.entries.load_all(&self.head).map_err(|e| anyhow!(e))?;
        (0..self.len())
            .map(|i| self.entries.get(&self.head, i).map_err(|e| anyhow!(e)))
            .collect()
    }

    /// The documents' metadata, in corpus order (read at once, on first use). Opening
    /// checked the entries file; should it change on disk afterwards, the entries that
    /// can no longer be read are left out (see [`Store::entries`] to be told).
    pub fn documents(&self) -> impl Iterator<Item = &DocumentMeta> {
        let _ = self.entries.load_all(&self.head);
        (0..self.len()).filter_map(|i| self.entry_at(i).map(|e| &e.meta))
    }

    /// The documents' ids, in corpus order, without reading their entries.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.head.documents.iter().map(|d| d.id.as_str())
    }

    /// The catalog entry of the document at position `i`, read on first use (`None`
    /// past the end, or when the catalog changed on disk since the store was checked).
    pub fn entry_at(&self, i: usize) -> Option<&CatalogEntry> {
        self.entries.get(&self.head, i).ok()
    }

    /// The catalog entry of one document, read on first use.
    pub fn entry(&self, doc: &str) -> Option<&CatalogEntry> {
        self.entry_at(self.position(doc)?)
    }

    /// The metadata of one document, read on first use.
    pub fn meta(&self, doc: &str) -> Option<&DocumentMeta> {
        self.entry(doc).map(|e| &e.meta)
    }

    /// Position of a document in corpus order.
    pub fn position(&self, doc: &str) -> Option<usize> {
        self.positions.get(doc).copied()
    }

    /// Whether another process has published a newer generation since this one was opened.
    pub fn changed_on_disk(&self) -> bool {
        match Index::open_in_dir(&self.dir) {
            Ok(index) => read_payload(&index).is_ok_and(|p| p != self.payload),
            // the folder was replaced by a full rebuild
            Err(_) => true,
        }
    }

    /// The text values of the entry at `address` ([`TextFields`]), needing `wanted`
    /// among them: when a value of another type came before one of them, the whole
    /// entry is read.
    pub fn texts(
        searcher: &Searcher,
        address: DocAddress,
        wanted: &[tantivy::schema::Field],
    ) -> tantivy::Result<TextFields> {
        let quick: TextFields = searcher.doc(address)?;
        if quick.complete || wanted.iter().all(|f| quick.get(*f).is_some()) {
            return Ok(quick);
        }
        let doc: TantivyDocument = searcher.doc(address)?;
        let values = doc
            .field_values()
            .filter_map(|(f, v)| v.as_str().map(|t| (f, t.to_string())))
            .collect();
        Ok(TextFields {
            values,
            complete: true,
        })
    }

    /// A searcher over this generation.
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// The fields of the schema.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// The tantivy index.
    pub fn index(&self) -> &Index {
        &self.index
    }

    fn term(&self, field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::Basic,
        ))
    }

    fn all(&self, query: &dyn Query) -> Result<Vec<DocAddress>> {
        let searcher = self.searcher();
        let mut found: Vec<DocAddress> = searcher
            .search(query, &DocSetCollector)
            .context("reading the store")?
            .into_iter()
            .collect();
        found.sort();
        Ok(found)
    }

    fn record_bytes(&self, searcher: &Searcher, at: DocAddress) -> Result<Vec<u8>> {
        let doc: TantivyDocument = searcher.doc(at).context("reading the store")?;
        doc.get_first(self.fields.record)
            .and_then(|v| v.as_bytes())
            .map(<[u8]>::to_vec)
            .ok_or_else(|| anyhow!("damaged store: an entry has no record"))
    }

    fn decode<T: for<'de> Deserialize<'de>>(&self, bytes: &[u8]) -> Result<T> {
        serde_json::from_slice(bytes).context("damaged store: a record cannot be read")
    }

    /// The record of one document.
    pub fn document(&self, doc: &str) -> Result<Option<DocumentRecord>> {
        let q = self.term(self.fields.dkey, doc);
        let searcher = self.searcher();
        match self.all(&*q)?.first() {
            Some(at) => Ok(Some(self.decode(&self.record_bytes(&searcher, *at)?)?)),
            None => Ok(None),
        }
    }

    fn clause_records(&self, query: &dyn Query) -> Result<Vec<ClauseRecord>> {
        let searcher = self.searcher();
        let mut out = Vec::new();
        for at in self.all(query)? {
            out.push(self.decode::<ClauseRecord>(&self.record_bytes(&searcher, at)?)?);
        }
        Ok(out)
    }

    /// Every clause of a document, in reading order.
    pub fn clauses(&self, doc: &str) -> Result<Vec<ClauseRecord>> {
        let q = BooleanQuery::new(vec![
            (Occur::Must, self.term(self.fields.doc, doc)),
            (
                Occur::Must,
                self.term(self.fields.kind, schema::KIND_CLAUSE),
            ),
        ]);
        let searcher = self.searcher();
        let mut with_seq: Vec<(u64, ClauseRecord)> = Vec::new();
        for at in self.all(&q)? {
            let stored: TantivyDocument = searcher.doc(at).context("reading the store")?;
            let seq = stored
                .get_first(self.fields.seq)
                .and_then(|v| v.as_u64())
                .unwrap_or(u64::MAX);
            let bytes = stored
                .get_first(self.fields.record)
                .and_then(|v| v.as_bytes())
                .ok_or_else(|| anyhow!("damaged store: an entry has no record"))?;
            with_seq.push((seq, self.decode(bytes)?));
        }
        with_seq.sort_by_key(|(s, _)| *s);
        Ok(with_seq.into_iter().map(|(_, r)| r).collect())
    }

    /// A whole document read back: metadata, letter, preamble, closing, chapters and
    /// clauses (its source text is not kept).
    pub fn load_document(&self, doc: &str) -> Result<Option<Document>> {
        Ok(self.load_analysed(doc)?.map(|(document, _)| document))
    }

    /// [`Store::load_document`] with the analysis of each clause (in the order of
    /// [`Document::clauses`]).
    pub fn load_analysed(&self, doc: &str) -> Result<Option<(Document, Vec<ClauseAnalysis>)>> {
        let Some(record) = self.document(doc)? else {
            return Ok(None);
        };
        let (clauses, analyses) = self
            .clauses(doc)?
            .into_iter()
            .map(|r| (r.clause, r.analysis))
            .unzip();
        Ok(Some((
            Document {
                meta: record.meta,
                letter: record.letter,
                preamble: record.preamble,
                closing: record.closing,
                chapters: record.chapters,
                clauses,
                source: String::new(),
            },
            analyses,
        )))
    }

    /// One clause (article, provision or section text).
    pub fn clause(&self, id: &str) -> Result<Option<ClauseRecord>> {
        Ok(self
            .clause_records(&*self.term(self.fields.id, id))?
            .into_iter()
            .next())
    }

    /// Several clauses, in the order of `ids` (unknown ids are left out).
    pub fn clauses_by_id(&self, ids: &[&str]) -> Result<Vec<ClauseRecord>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let q = BooleanQuery::new(
            ids.iter()
                .map(|id| (Occur::Should, self.term(self.fields.id, id)))
                .collect(),
        );
        let mut found: HashMap<String, ClauseRecord> = self
            .clause_records(&q)?
            .into_iter()
            .map(|r| (r.clause.id.clone(), r))
            .collect();
        Ok(ids.iter().filter_map(|id| found.remove(*id)).collect())
    }

    /// The searchable clauses of a measure type, in corpus order.
    pub fn with_topic(&self, topic: &str) -> Result<Vec<ClauseRecord>> {
        let q = BooleanQuery::new(vec![
            (Occur::Must, self.term(self.fields.topic, topic)),
            (
                Occur::Must,
                self.term(self.fields.searchable, schema::SEARCHABLE),
            ),
        ]);
        let mut out = self.clause_records(&q)?;
        self.sort_in_corpus_order(&mut out);
        Ok(out)
    }

    /// The searchable provisions whose frames have this trigger, in corpus order.
    pub fn with_trigger(&self, trigger: &str) -> Result<Vec<ClauseRecord>> {
        let mut out = self.clause_records(&*self.term(self.fields.trigger, trigger))?;
        self.sort_in_corpus_order(&mut out);
        Ok(out)
    }

    /// Sorts clause records by document (corpus order), then reading order.
    pub fn sort_in_corpus_order(&self, records: &mut [ClauseRecord]) {
        records.sort_by_cached_key(|r| {
            (
                self.position(&r.clause.doc).unwrap_or(usize::MAX),
                r.clause.span.start,
                r.clause.id.clone(),
            )
        });
    }

    /// Every clause of the store, document by document, in reading order.
    pub fn every_clause(&self, visit: &mut dyn FnMut(&ClauseRecord) -> Result<()>) -> Result<()> {
        for d in &self.head.documents {
            for r in self.clauses(&d.id)? {
                visit(&r)?;
            }
        }
        Ok(())
    }

    /// The links record of a provision (`None` when it has none stored).
    pub fn links_record(&self, provision: &str) -> Result<Option<LinksRecord>> {
        let q = self.term(self.fields.lkey, provision);
        let searcher = self.searcher();
        match self.all(&*q)?.first() {
            Some(at) => Ok(Some(self.decode(&self.record_bytes(&searcher, *at)?)?)),
            None => Ok(None),
        }
    }

    /// The links of a provision, with the linked provisions' text, jurisdiction and
    /// support figures; for an article, the links of its provisions merged (best
    /// score per linked provision). Best first, ties by clause id.
    pub fn links(&self, id: &str) -> Result<Vec<Link>> {
        let Some(record) = self.clause(id)? else {
            return Err(anyhow!("no clause {id:?} (see `policynav clauses`)"));
        };
        let provisions: Vec<String> = match record.clause.kind {
            ClauseKind::Provision => vec![id.to_string()],
            _ => self
                .clauses(&record.clause.doc)?
                .into_iter()
                .filter(|c| c.clause.parent.as_deref() == Some(id))
                .map(|c| c.clause.id)
                .collect(),
        };
        let mut best: HashMap<String, StoredLink> = HashMap::new();
        for p in &provisions {
            for l in self.links_record(p)?.map(|r| r.links).unwrap_or_default() {
                match best.get(&l.id) {
                    Some(b) if b.score >= l.score => {}
                    _ => {
                        best.insert(l.id.clone(), l);
                    }
                }
            }
        }
        let mut stored: Vec<StoredLink> = best.into_values().collect();
        stored.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        self.resolve(stored)
    }

    /// Stored links with the linked provisions' text, jurisdiction and figures.
    pub fn resolve(&self, stored: Vec<StoredLink>) -> Result<Vec<Link>> {
        let ids: Vec<&str> = stored.iter().map(|l| l.id.as_str()).collect();
        let mut targets: HashMap<String, ClauseRecord> = self
            .clauses_by_id(&ids)?
            .into_iter()
            .map(|r| (r.clause.id.clone(), r))
            .collect();
        Ok(stored
            .into_iter()
            .filter_map(|l| {
                let target = targets.remove(&l.id)?;
                let jurisdiction = self
                    .meta(&l.doc)
                    .map(|m| m.jurisdiction.clone())
                    .unwrap_or_default();
                Some(Link {
                    figures: target.analysis.support().cloned().collect(),
                    text: target.clause.text,
                    id: l.id,
                    doc: l.doc,
                    jurisdiction,
                    score: l.score,
                    tier: l.tier,
                    reasons: l.reasons,
                })
            })
            .collect())
    }

    /// The provisions whose stored links point into document `doc`.
    pub fn provisions_linking_to(&self, doc: &str) -> Result<Vec<String>> {
        let searcher = self.searcher();
        let mut out = Vec::new();
        for at in self.all(&*self.term(self.fields.ltarget, doc))? {
            let stored: TantivyDocument = searcher.doc(at).context("reading the store")?;
            if let Some(id) = stored.get_first(self.fields.lkey).and_then(|v| v.as_str()) {
                out.push(id.to_string());
            }
        }
        Ok(out)
    }

    /// Stage one of the link engine, for each query: the provisions of other documents
    /// that share the most distinctive terms, the triggers or the support figures of the
    /// query, best `k` first, with their features and hubness. Documents in `excluded`
    /// are left out. One lookup (and its accumulators) serves every query.
    pub fn candidates(
        &self,
        queries: &[CandidateQuery],
        excluded: &[String],
    ) -> Result<Vec<Vec<StoredCandidate>>> {
        let searcher = self.searcher();
        let lookup = candidates::CandidateSearch::new(&searcher, &self.fields)?;
        let mut scratch = candidates::Scratch::default();
        let own = 8 + excluded.len() * 4;
        let mut all = Vec::with_capacity(queries.len());
        for q in queries {
            let mut out = Vec::with_capacity(q.k);
            for (_, at) in lookup.top(q, q.k + own, &mut scratch)? {
                // one read of the entry: its document, then its record
                let doc: TantivyDocument = searcher.doc(at).context("reading the store")?;
                let owner = doc
                    .get_first(self.fields.doc)
                    .and_then(|v| v.as_str())
                    .unwrap_or("");
                if owner == q.doc || excluded.iter().any(|e| e == owner) {
                    continue;
                }
                let bytes = doc
                    .get_first(self.fields.record)
                    .and_then(|v| v.as_bytes())
                    .ok_or_else(|| anyhow!("damaged store: an entry has no record"))?;
                let record: ClauseRecord = self.decode(bytes)?;
                let Some(features) = record.features else {
                    continue;
                };
                let hub = self
                    .links_record(&features.id)?
                    .map(|r| r.hub)
                    .unwrap_or(self.head.info.hub_mean);
                out.push(StoredCandidate { features, hub });
                if out.len() == q.k {
                    break;
                }
            }
            all.push(out);
        }
        Ok(all)
    }
}

/// Corpus statistics for the link scorer, read from the store's inverted index.
pub struct StoreStats<'a> {
    searcher: Searcher,
    fields: &'a Fields,
    provisions: u64,
    cache: std::sync::Mutex<HashMap<String, u64>>,
}

impl<'a> StoreStats<'a> {
    /// The statistics of a store.
    pub fn new(store: &'a Store) -> StoreStats<'a> {
        StoreStats {
            searcher: store.searcher(),
            fields: &store.fields,
            provisions: store.head.provisions,
            cache: Default::default(),
        }
    }

    fn df(&self, field: tantivy::schema::Field, key: &str) -> u64 {
        let cache_key = format!("{}\u{0}{key}", field.field_id());
        if let Some(v) = self
            .cache
            .lock()
            .ok()
            .and_then(|c| c.get(&cache_key).copied())
        {
            return v;
        }
        let v = self
            .searcher
            .doc_freq(&Term::from_field_text(field, key))
            .unwrap_or(0);
        if let Ok(mut c) = self.cache.lock() {
            c.insert(cache_key, v);
        }
        v
    }
}

impl crate::links::Stats for StoreStats<'_> {
    fn provisions(&self) -> u64 {
        self.provisions
    }
    fn term_df(&self, term: &str) -> u64 {
        self.df(self.fields.lterm, term)
    }
    fn topic_df(&self, topic: &str) -> u64 {
        self.df(self.fields.topic, topic)
    }
}
