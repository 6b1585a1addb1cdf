//! What the navigator reads: the store, page by page, never the whole corpus.
//!
//! The document list comes from the store's catalog (metadata only); a document's
//! outline and clauses are read when it is looked at, and kept in small caches for the
//! few documents in view; links are read per clause. A [`Library`] is cheap to clone
//! (everything is shared), so background work gets its own copy.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::Result;
use chrono::NaiveDate;

use crate::links::Link;
use crate::model::DocumentMeta;
use crate::pipeline::{Domain, StoreInfo};
use crate::search::SearchIndex;
use crate::store::{ClauseRecord, DocumentRecord, Store};
use crate::workspace::Locations;

use super::state::Standing;

/// How many documents, clauses and link lists are kept in memory.
const DOCS_KEPT: usize = 12;
const CLAUSES_KEPT: usize = 256;
const LINKS_KEPT: usize = 64;

/// A document as the outline and the detail pane read it.
#[derive(Debug, Clone)]
pub struct DocData {
    /// Metadata, letter, preamble, closing, chapters.
    pub record: DocumentRecord,
    /// Its clauses in reading order, with their analysis.
    pub clauses: Vec<ClauseRecord>,
    index: HashMap<String, usize>,
}

impl DocData {
    /// One of its clauses.
    pub fn clause(&self, id: &str) -> Option<&ClauseRecord> {
        self.index.get(id).map(|i| &self.clauses[*i])
    }

    /// Articles.
    pub fn articles(&self) -> usize {
        self.clauses
            .iter()
            .filter(|c| c.clause.kind == crate::model::ClauseKind::Article)
            .count()
    }

    /// Provisions.
    pub fn provisions(&self) -> usize {
        self.clauses
            .iter()
            .filter(|c| c.clause.kind == crate::model::ClauseKind::Provision)
            .count()
    }
}

/// A small most-recently-used cache.
#[derive(Debug)]
struct Lru<T> {
    cap: usize,
    items: Vec<(String, Arc<T>)>,
}

impl<T> Lru<T> {
    fn new(cap: usize) -> Lru<T> {
        Lru {
            cap,
            items: Vec::new(),
        }
    }

    fn get(&mut self, key: &str) -> Option<Arc<T>> {
        let i = self.items.iter().position(|(k, _)| k == key)?;
        let item = self.items.remove(i);
        let value = Arc::clone(&item.1);
        self.items.insert(0, item);
        Some(value)
    }

    fn put(&mut self, key: String, value: Arc<T>) {
        self.items.retain(|(k, _)| *k != key);
        self.items.insert(0, (key, value));
        self.items.truncate(self.cap);
    }
}

#[derive(Debug)]
struct Caches {
    docs: Lru<DocData>,
    clauses: Lru<ClauseRecord>,
    links: Lru<Vec<Link>>,
}

impl Caches {
    fn new() -> Caches {
        Caches {
            docs: Lru::new(DOCS_KEPT),
            clauses: Lru::new(CLAUSES_KEPT),
            links: Lru::new(LINKS_KEPT),
        }
    }
}

/// Document id → the documents that list it in `supersedes`, with the day they take
/// over (effective, else published, else written; `None`: always).
type Supersessions = HashMap<String, Vec<(String, Option<NaiveDate>)>>;

/// An opened store, with what is derived from its catalog once.
#[derive(Clone)]
pub struct Opened {
    /// The store.
    pub store: Store,
    /// What opening found or did.
    pub info: StoreInfo,
    /// The store, for searching.
    pub search: Arc<SearchIndex>,
    /// Which documents replace which.
    supersessions: Arc<Supersessions>,
    /// Every jurisdiction (English, Chinese), by Chinese name.
    jurisdictions: Arc<Vec<(String, String)>>,
    /// Every year a document is dated, newest first.
    years: Arc<Vec<i32>>,
}

impl Opened {
    /// Wraps an opened store.
    pub fn new(store: Store, info: StoreInfo, domain: &Domain) -> Opened {
        let search = Arc::new(SearchIndex::over(
            store.clone(),
            info.clone(),
            domain.vocabulary.clone(),
        ));
        let mut supersessions: HashMap<String, Vec<(String, Option<NaiveDate>)>> = HashMap::new();
        for m in store.documents() {
            if m.status == crate::model::Status::Draft {
                continue;
            }
            for old in &m.supersedes {
                supersessions
                    .entry(old.clone())
                    .or_default()
                    .push((m.id.clone(), m.effective.or(m.published).or(m.written)));
            }
        }
        let mut jurisdictions: Vec<(String, String)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut years = std::collections::BTreeSet::new();
        for m in store.documents() {
            if seen.insert(m.jurisdiction.clone()) {
                jurisdictions.push((
                    m.jurisdiction.clone(),
                    m.jurisdiction_zh.clone().unwrap_or_default(),
                ));
            }
            if let Some(d) = crate::search::document_date(m) {
                years.insert(chrono::Datelike::year(&d));
            }
        }
        jurisdictions.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        Opened {
            store,
            info,
            search,
            supersessions: Arc::new(supersessions),
            jurisdictions: Arc::new(jurisdictions),
            years: Arc::new(years.into_iter().rev().collect()),
        }
    }
}

/// What the navigator reads: where things live, the domain rules, the opened store
/// (none while it is first built) and caches of what was read from it.
#[derive(Clone)]
pub struct Library {
    /// Where things live.
    pub locations: Locations,
    /// Measure types, frames, link settings, vocabulary.
    pub domain: Arc<Domain>,
    /// The store, once opened.
    pub opened: Option<Opened>,
    caches: Arc<Mutex<Caches>>,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library")
            .field("locations", &self.locations)
            .field("store", &self.opened.as_ref().map(|o| &o.store))
            .finish()
    }
}

impl Library {
    /// A library over `opened` (or none yet).
    pub fn new(locations: Locations, domain: Arc<Domain>, opened: Option<Opened>) -> Library {
        Library {
            locations,
            domain,
            opened,
            caches: Arc::new(Mutex::new(Caches::new())),
        }
    }

    /// The same library over another store (what was cached is dropped).
    pub fn with(&self, opened: Opened) -> Library {
        Library::new(
            self.locations.clone(),
            Arc::clone(&self.domain),
            Some(opened),
        )
    }

    /// The store, if opened.
    pub fn store(&self) -> Option<&Store> {
        self.opened.as_ref().map(|o| &o.store)
    }

    /// The generation of the store (0 before one is opened).
    pub fn generation(&self) -> u64 {
        self.store().map(|s| s.head().info.generation).unwrap_or(0)
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.store().map(|s| s.len()).unwrap_or(0)
    }

    /// True when there is no document.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The metadata of the document at catalog position `i`.
    pub fn meta_at(&self, i: usize) -> Option<&DocumentMeta> {
        self.store()?.entry_at(i).map(|d| &d.meta)
    }

    /// The metadata of a document.
    pub fn meta(&self, id: &str) -> Option<&DocumentMeta> {
        self.store()?.meta(id)
    }

    /// Catalog position of a document.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.store()?.position(id)
    }

    /// Provisions in the store.
    pub fn provisions(&self) -> u64 {
        self.store().map(|s| s.head().provisions).unwrap_or(0)
    }

    /// Every jurisdiction: (English, Chinese) names.
    pub fn jurisdictions(&self) -> Vec<(String, String)> {
        self.opened
            .as_ref()
            .map(|o| (*o.jurisdictions).clone())
            .unwrap_or_default()
    }

    /// Every year a document is dated, newest first.
    pub fn years(&self) -> Vec<i32> {
        self.opened
            .as_ref()
            .map(|o| (*o.years).clone())
            .unwrap_or_default()
    }

    /// The jurisdiction as shown: the Chinese name when known.
    pub fn place(&self, doc: &str) -> String {
        match self.meta(doc) {
            Some(m) => m
                .jurisdiction_zh
                .clone()
                .unwrap_or_else(|| m.jurisdiction.clone()),
            None => doc.to_string(),
        }
    }

    /// A document's standing on `date`.
    pub fn standing(&self, meta: &DocumentMeta, date: NaiveDate) -> Standing {
        let superseded_by = self
            .opened
            .as_ref()
            .and_then(|o| o.supersessions.get(&meta.id))
            .map(|v| {
                v.iter()
                    .filter(|(_, from)| from.is_none_or(|d| d <= date))
                    .map(|(id, _)| id.clone())
                    .collect()
            })
            .unwrap_or_default();
        Standing {
            validity: meta.validity_on(date),
            superseded_by,
            ended: meta.expires.filter(|d| *d < date),
        }
    }

    /// The standing of a document by id.
    pub fn standing_of(&self, doc: &str, date: NaiveDate) -> Option<Standing> {
        let meta = self.meta(doc)?;
        Some(self.standing(meta, date))
    }

    fn caches(&self) -> std::sync::MutexGuard<'_, Caches> {
        // a panic while holding the lock leaves only a cache behind: keep using it
        self.caches.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A document with its clauses (read once, then kept while in view).
    pub fn doc(&self, id: &str) -> Result<Option<Arc<DocData>>> {
        if let Some(d) = self.caches().docs.get(id) {
            return Ok(Some(d));
        }
        let Some(store) = self.store() else {
            return Ok(None);
        };
        let Some(record) = store.document(id)? else {
            return Ok(None);
        };
        let clauses = store.clauses(id)?;
        let index = clauses
            .iter()
            .enumerate()
            .map(|(i, c)| (c.clause.id.clone(), i))
            .collect();
        let data = Arc::new(DocData {
            record,
            clauses,
            index,
        });
        self.caches().docs.put(id.to_string(), Arc::clone(&data));
        Ok(Some(data))
    }

    /// One clause: from a document in view, else read alone.
    pub fn clause(&self, id: &str) -> Result<Option<Arc<ClauseRecord>>> {
        let doc = id.split_once('/').map_or(id, |(d, _)| d);
        if let Some(d) = self.caches().docs.get(doc)
            && let Some(c) = d.clause(id)
        {
            return Ok(Some(Arc::new(c.clone())));
        }
        if let Some(c) = self.caches().clauses.get(id) {
            return Ok(Some(c));
        }
        let Some(store) = self.store() else {
            return Ok(None);
        };
        let Some(record) = store.clause(id)? else {
            return Ok(None);
        };
        let record = Arc::new(record);
        self.caches()
            .clauses
            .put(id.to_string(), Arc::clone(&record));
        Ok(Some(record))
    }

    /// Several clauses, read in one query; unknown ids are left out.
    pub fn clauses(&self, ids: &[&str]) -> Result<Vec<Arc<ClauseRecord>>> {
        let mut out: HashMap<String, Arc<ClauseRecord>> = HashMap::new();
        let mut missing: Vec<&str> = Vec::new();
        {
            let mut c = self.caches();
            for id in ids {
                match c.clauses.get(id) {
                    Some(r) => {
                        out.insert(id.to_string(), r);
                    }
                    None => missing.push(id),
                }
            }
        }
        if let Some(store) = self.store()
            && !missing.is_empty()
        {
            let mut c = self.caches();
            for r in store.clauses_by_id(&missing)? {
                let r = Arc::new(r);
                c.clauses.put(r.clause.id.clone(), Arc::clone(&r));
                out.insert(r.clause.id.clone(), r);
            }
        }
        Ok(ids.iter().filter_map(|id| out.get(*id).cloned()).collect())
    }

    /// The links of a clause, best first.
    pub fn links(&self, id: &str) -> Result<Arc<Vec<Link>>> {
        if let Some(l) = self.caches().links.get(id) {
            return Ok(l);
        }
        let Some(store) = self.store() else {
            return Ok(Arc::new(Vec::new()));
        };
        let links = Arc::new(store.links(id)?);
        self.caches().links.put(id.to_string(), Arc::clone(&links));
        Ok(links)
    }

    /// The digest of `ids` rendered from the store (only the documents of those
    /// clauses and of their links are read), and how many clauses it holds (an article
    /// stands for its provisions).
    pub fn export(
        &self,
        ids: &[String],
        options: &crate::export::Options,
    ) -> Result<(Vec<u8>, usize)> {
        let Some(opened) = &self.opened else {
            anyhow::bail!("the store is not open yet");
        };
        let report =
            crate::export::model::build(&opened.store, &self.domain.rules.taxonomy, ids, options)?;
        Ok((
            crate::export::render_report(&report, options)?,
            report.len(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_keeps_the_most_recent() {
        let mut c: Lru<u32> = Lru::new(2);
        c.put("a".into(), Arc::new(1));
        c.put("b".into(), Arc::new(2));
        assert_eq!(c.get("a").as_deref(), Some(&1));
        c.put("c".into(), Arc::new(3));
        assert!(c.get("b").is_none(), "b was least recently used");
        assert!(c.get("a").is_some() && c.get("c").is_some());
    }
}
