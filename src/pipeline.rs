//! The pipeline that keeps the store up to date: the only code that reads the corpus.
//!
//! `corpus → analysis → store → links → store`. Opening the store ([`open`]) checks it
//! against its inputs without reading the corpus (the stamps of the manifest, the
//! domain files and every document file); then
//! * nothing changed: the store is used as it is;
//! * documents were added, removed or edited: only those are read, analysed and stored,
//!   and the links they gain or take away from other provisions are updated, in one
//!   commit ([`sync`]);
//! * the program, the dictionary or a rule file changed, or the store is missing or
//!   damaged: everything is built again in a temporary folder that replaces the old one
//!   only when complete ([`build`]).
//!
//! Every change is made under `build.lock`; a process that finds another one changing
//! the store waits for it and then checks again.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use serde::Serialize;

use crate::analysis::{self, ClauseAnalysis};
use crate::corpus::{self, Corpus, CorpusSource, Document};
use crate::links::candidates::MemoryIndex;
use crate::links::{
    Candidate, CandidateQuery, Counts, Engine, Features, Lexicon, LinkSettings, Prepared, Scored,
    StoredLink,
};
use crate::search::families::FamilyTerms;
use crate::store::catalog::{CATALOG_FORMAT, Catalog, CatalogEntry, GenerationInfo, LeftOut};
use crate::store::sources::{self, Stamp};
use crate::store::write::StoreWriter;
use crate::store::{self, CURRENT, LOCK_FILE, LinksRecord, Store};
use crate::text::Vocabulary;
use crate::workspace::Locations;

/// How long to wait for another process changing the store.
const LOCK_WAIT: Duration = Duration::from_secs(600);

/// Above this many changed documents (and this share of the corpus) a full build is
/// faster than changing the store in place.
const SYNC_MAX_DOCUMENTS: usize = 64;

/// Progress of opening, updating or building the store, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Checking the store against its inputs.
    Checking,
    /// Reading, analysing and storing documents: `done` of `total`.
    Indexing {
        /// Documents stored so far.
        done: usize,
        /// Documents to store.
        total: usize,
    },
    /// Linking provisions: `done` of `total`.
    Linking {
        /// Provisions linked so far.
        done: usize,
        /// Provisions to link.
        total: usize,
    },
    /// Ready.
    Ready,
}

/// What opening the store found or did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoreInfo {
    /// The index folder.
    pub dir: PathBuf,
    /// The generation now current.
    pub generation: u64,
    /// Documents.
    pub documents: usize,
    /// Clauses a search can return.
    pub clauses: u64,
    /// Provisions.
    pub provisions: u64,
    /// Bytes of searchable clause text.
    pub text_bytes: u64,
    /// Size of the store's files.
    pub size_bytes: u64,
    /// What this process did: `none`, `updated` (in place) or `built` (from scratch).
    pub action: String,
    /// Why it updated or built (`missing`, `stale: …`, `damaged: …`, `forced`, or the
    /// documents added, changed and removed).
    pub reason: Option<String>,
    /// Documents added, changed or removed by an update.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub updated: Vec<String>,
    /// How long the update or build took, in milliseconds.
    pub took_ms: Option<u64>,
    /// Of that, how long linking the provisions took (the rest is reading, analysing
    /// and indexing the documents).
    pub link_ms: Option<u64>,
    /// What a full check of the files found (`policynav index --check`): `ok`, or what
    /// was damaged (the store was then built again).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
}

/// The domain rules the pipeline reads documents with, loaded once.
#[derive(Debug, Clone)]
pub struct Domain {
    /// Measure types and frames.
    pub rules: analysis::Rules,
    /// Taiwan/Mainland vocabulary (for link terms).
    pub vocabulary: Vocabulary,
    /// Link settings.
    pub links: LinkSettings,
    /// The instrument families' search terms (the store's `family` list).
    pub families: FamilyTerms,
}

impl Domain {
    /// The rules of `locations` (a `--corpus` folder's files replace the bundled ones).
    pub fn load(locations: &Locations) -> Result<Domain> {
        let dir = locations.domain_dir();
        crate::text::use_dictionary_of(dir)?;
        let rules = analysis::Rules::load(dir)?;
        Ok(Domain {
            families: FamilyTerms::new(&rules.frames),
            rules,
            vocabulary: Vocabulary::load(dir)?,
            links: LinkSettings::load(dir)?,
        })
    }

    /// The link engine over these rules.
    pub fn engine(&self) -> Engine<'_> {
        Engine {
            frames: &self.rules.frames,
            taxonomy: &self.rules.taxonomy,
            settings: &self.links,
        }
    }

    fn analyse(&self, doc: Document) -> Analysed {
        let analyses: Vec<ClauseAnalysis> = self.rules.analyze_document(&doc.clauses);
        let features =
            crate::links::document_features(&doc.clauses, &analyses, &self.vocabulary, &self.links);
        let mut analyzer = crate::search::analyzer::text_analyzer();
        let families = doc
            .clauses
            .iter()
            .map(|c| self.families.printed(&mut analyzer, &c.text))
            .collect();
        Analysed {
            doc,
            analyses,
            features,
            families,
        }
    }
}

/// A document read for the store: its clauses' analyses, its provisions' link features
/// and the instrument families each clause's text is indexed with.
struct Analysed {
    doc: Document,
    analyses: Vec<ClauseAnalysis>,
    features: Vec<Features>,
    families: Vec<Vec<String>>,
}

/// The program build, schema and analyzer, as one string.
pub fn build_id() -> String {
    sources::build_id(
        store::schema::SCHEMA_VERSION,
        crate::search::analyzer::ANALYZER_VERSION,
    )
}

/// What differs between the store and its inputs.
#[derive(Debug, Clone, PartialEq)]
enum Verdict {
    /// Nothing.
    Fresh,
    /// Only documents: these ids, in the order of the corpus now.
    Documents {
        added: Vec<String>,
        changed: Vec<String>,
        removed: Vec<String>,
        entries: Vec<(corpus::Entry, Option<Stamp>)>,
        fixed: Vec<Stamp>,
    },
    /// Something else: build everything.
    Rebuild { why: String },
}

fn same_stamp(a: &Option<Stamp>, b: &Option<Stamp>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.same_content(b),
        (None, None) => true,
        _ => false,
    }
}

/// Compares the store's catalog with the inputs as they are now. An unchanged store is
/// recognised from the catalog head alone; only when something changed are the
/// documents' entries read.
fn verdict(source: &CorpusSource, store: &Store) -> Result<Verdict> {
    let head = store.head();
    if head.info.build != build_id() {
        return Ok(Verdict::Rebuild {
            why: "stale: made by another version of policynav".into(),
        });
    }
    let fixed_known: HashMap<&Path, &Stamp> = head
        .info
        .fixed
        .iter()
        .map(|s| (s.path.as_path(), s))
        .collect();
    let fixed = sources::stamp_fixed(source, &fixed_known)?;
    if fixed.len() != head.info.fixed.len()
        || fixed
            .iter()
            .zip(&head.info.fixed)
            .skip(1)
            .any(|(a, b)| !a.same_content(b))
    {
        return Ok(Verdict::Rebuild {
            why: "stale: a domain file (dictionary, measure types, frames, links, cleaning rules) changed".into(),
        });
    }
    // The documents: from the catalog while the manifest is unchanged (and lists nothing
    // that was left out, which the catalog does not place among the others), else from it.
    let manifest_same = fixed[0].same_content(&head.info.fixed[0]);
    if manifest_same && head.info.left_out.is_empty() && fixed[0] == head.info.fixed[0] {
        // the common case, a store opened again: every file as it was stamped
        let stamps: Vec<(&str, Option<u64>, Option<u64>)> = head
            .documents
            .iter()
            .filter_map(|d| Some((d.file.as_deref()?, d.size, d.modified_ns)))
            .collect();
        if sources::all_unchanged(sources::corpus_dir(source), &stamps) {
            return Ok(Verdict::Fresh);
        }
    }
    // a damaged entries file is found here when a document changed, before the full
    // check would find it: rebuilt, as the check would have it
    let documents = match store.entries() {
        Ok(documents) => documents,
        Err(e) => return Ok(Verdict::Rebuild { why: e.to_string() }),
    };
    let known: HashMap<&Path, &Stamp> = head
        .info
        .fixed
        .iter()
        .chain(documents.iter().filter_map(|d| d.stamp.as_ref()))
        .chain(head.info.left_out.iter().filter_map(|l| l.stamp.as_ref()))
        .map(|s| (s.path.as_path(), s))
        .collect();
    let listed: Vec<corpus::Entry> = if manifest_same && head.info.left_out.is_empty() {
        let dir = sources::corpus_dir(source);
        documents
            .iter()
            .map(|d| corpus::Entry {
                meta: d.meta.clone(),
                file: d.stamp.as_ref().map(|_| dir.join(&d.meta.file)),
            })
            .collect()
    } else {
        corpus::entries(source)?
    };
    let before: HashMap<&str, &CatalogEntry> =
        documents.iter().map(|d| (d.meta.id.as_str(), *d)).collect();
    let left_out: HashMap<&str, &LeftOut> = head
        .info
        .left_out
        .iter()
        .filter_map(|l| l.id.as_deref().map(|id| (id, l)))
        .collect();
    let (mut added, mut changed) = (Vec::new(), Vec::new());
    let mut entries = Vec::with_capacity(listed.len());
    for e in listed {
        let stamp = match &e.file {
            Some(path) => Some(sources::stamp_file(path, &known)?),
            None => None,
        };
        match before.get(e.meta.id.as_str()) {
            // left out before, and neither its entry nor its file changed since: it
            // stays left out without being read again
            None if left_out.get(e.meta.id.as_str()).is_some_and(|l| {
                l.meta.as_ref() == Some(&e.meta) && same_stamp(&l.stamp, &stamp)
            }) => {}
            None => added.push(e.meta.id.clone()),
            Some(old) => {
                if old.meta != e.meta || !same_stamp(&old.stamp, &stamp) {
                    changed.push(e.meta.id.clone());
                }
            }
        }
        entries.push((e, stamp));
    }
    let now: HashSet<&str> = entries.iter().map(|(e, _)| e.meta.id.as_str()).collect();
    let removed: Vec<String> = documents
        .iter()
        .filter(|d| !now.contains(d.meta.id.as_str()))
        .map(|d| d.meta.id.clone())
        .collect();
    if added.is_empty() && changed.is_empty() && removed.is_empty() {
        if !manifest_same {
            // only the manifest's bytes changed (a comment): record the new stamp
            return Ok(Verdict::Documents {
                added,
                changed,
                removed,
                entries,
                fixed,
            });
        }
        return Ok(Verdict::Fresh);
    }
    let n = added.len() + changed.len() + removed.len();
    if n > SYNC_MAX_DOCUMENTS && n * 4 > documents.len() {
        return Ok(Verdict::Rebuild {
            why: format!("{n} documents changed"),
        });
    }
    Ok(Verdict::Documents {
        added,
        changed,
        removed,
        entries,
        fixed,
    })
}

/// Opens the store of `locations`, updating or building it first when its inputs
/// changed (or when `force`, a full build).
pub fn open(
    locations: &Locations,
    force: bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Store, StoreInfo)> {
    progress(Progress::Checking);
    let dir = &locations.index_dir;
    let current = dir.join(CURRENT);
    if !force
        && let Ok(store) = Store::open_dir(&current)
        && verdict(&locations.corpus, &store)? == Verdict::Fresh
        && verified(&current, store.head().info.generation).is_ok()
    {
        let info = info_as_is(&store, dir);
        progress(Progress::Ready);
        return Ok((store, info));
    }
    fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create the index folder", dir.display()))?;
    let lock = take_lock(dir)?;
    let domain = Domain::load(locations)?;
    let started = Instant::now();
    // under the lock: check again (another process may have done the work)
    let opened = Store::open_dir(&current).and_then(|store| {
        verified(&current, store.head().info.generation)?;
        Ok(store)
    });
    let mut linking = None;
    let (action, reason, updated) = match (&opened, force) {
        (_, true) => {
            linking = Some(build(locations, &domain, progress)?);
            ("built", Some("forced".to_string()), Vec::new())
        }
        (Err(why), false) => {
            let why = why.clone();
            linking = Some(build(locations, &domain, progress)?);
            ("built", Some(why), Vec::new())
        }
        (Ok(store), false) => match verdict(&locations.corpus, store)? {
            Verdict::Fresh => ("none", None, Vec::new()),
            Verdict::Rebuild { why } => {
                linking = Some(build(locations, &domain, progress)?);
                ("built", Some(why), Vec::new())
            }
            Verdict::Documents {
                added,
                changed,
                removed,
                entries,
                fixed,
            } => {
                let mut updated: Vec<String> = Vec::new();
                let mut parts = Vec::new();
                for (word, ids) in [
                    ("added", &added),
                    ("changed", &changed),
                    ("removed", &removed),
                ] {
                    if !ids.is_empty() {
                        parts.push(format!("{word} {}", ids.join(", ")));
                        updated.extend(ids.iter().cloned());
                    }
                }
                let reason = if parts.is_empty() {
                    "the manifest's text changed".to_string()
                } else {
                    parts.join("; ")
                };
                sync(
                    locations,
                    &domain,
                    store,
                    Changes {
                        added,
                        changed,
                        removed,
                        entries,
                        fixed,
                    },
                    progress,
                )?;
                ("updated", Some(reason), updated)
            }
        },
    };
    drop(opened);
    if action != "none" {
        // just written: its files are what the next check compares against
        let generation = Store::open_dir(&current)
            .map(|s| s.head().info.generation)
            .unwrap_or(0);
        crate::store::verify::mark_verified(&current, generation);
    }
    let store = Store::open_dir(&current).map_err(|why| {
        anyhow!(
            "{}: the store just written cannot be opened: {why}",
            current.display()
        )
    })?;
    drop(lock);
    let took = (action != "none").then(|| started.elapsed().as_millis() as u64);
    let mut info = info_of(&store, dir, action, reason, updated, took);
    info.link_ms = linking.map(|d| d.as_millis() as u64);
    progress(Progress::Ready);
    Ok((store, info))
}

/// Ok when the files of generation `generation` in `dir` are known good, or pass a
/// full check now (which is then recorded); else what is wrong.
fn verified(dir: &Path, generation: u64) -> std::result::Result<(), String> {
    if crate::store::verify::is_verified(dir, generation) {
        return Ok(());
    }
    let checked = crate::store::verify::check(dir)?;
    crate::store::verify::mark_verified(dir, checked);
    Ok(())
}

/// Checks every file of the store now (`policynav index --check`), whatever the last
/// check found; a damaged store is built again. Returns what the check found (`None`
/// when all was well) and the store.
pub fn check(
    locations: &Locations,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Option<String>, Store, StoreInfo)> {
    let current = locations.index_dir.join(CURRENT);
    let found = crate::store::verify::check(&current).err();
    if found.is_none() {
        let generation = Store::open_dir(&current)
            .map(|s| s.head().info.generation)
            .unwrap_or(0);
        crate::store::verify::mark_verified(&current, generation);
    } else {
        // forget the last good check, so that opening sees the damage
        let _ = fs::remove_file(current.join("verified.json"));
    }
    let (store, mut info) = open(locations, false, progress)?;
    info.check = Some(found.clone().unwrap_or_else(|| "ok".into()));
    Ok((found, store, info))
}

/// What a store opened as it is says about itself (the navigator's status line).
pub fn info_as_is(store: &Store, dir: &Path) -> StoreInfo {
    info_of(store, dir, "none", None, Vec::new(), None)
}

fn info_of(
    store: &Store,
    dir: &Path,
    action: &str,
    reason: Option<String>,
    updated: Vec<String>,
    took_ms: Option<u64>,
) -> StoreInfo {
    let c = store.head();
    let size_bytes = fs::read_dir(store.dir())
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0);
    StoreInfo {
        dir: dir.to_path_buf(),
        generation: c.info.generation,
        documents: c.documents.len(),
        clauses: c.searchable,
        provisions: c.provisions,
        text_bytes: c.text_bytes,
        size_bytes,
        action: action.to_string(),
        reason,
        updated,
        took_ms,
        link_ms: None,
        check: None,
    }
}

/// Takes the writers' lock, waiting for another writer.
fn take_lock(dir: &Path) -> Result<File> {
    crate::lockfile::wait_exclusive(
        &dir.join(LOCK_FILE),
        LOCK_WAIT,
        Duration::from_millis(50),
        || {
            format!(
                "another policynav process has been changing the index for {} minutes; \
                 if none is running, delete this file",
                LOCK_WAIT.as_secs() / 60
            )
        },
    )
}

fn threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4)
}

fn now_text() -> String {
    chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Builds the whole store in a temporary folder and puts it in place of `current/`.
pub fn build(
    locations: &Locations,
    domain: &Domain,
    progress: &mut dyn FnMut(Progress),
) -> Result<Duration> {
    let dir = &locations.index_dir;
    clean_leftovers(dir);
    let tmp = dir.join(format!("tmp-{}-{}", std::process::id(), unique_suffix()));
    fs::create_dir_all(&tmp).with_context(|| format!("{}: cannot create", tmp.display()))?;
    match build_in(&tmp, locations, domain, progress) {
        Ok(linking) => {
            swap_in(dir, &tmp)?;
            Ok(linking)
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}

fn build_in(
    tmp: &Path,
    locations: &Locations,
    domain: &Domain,
    progress: &mut dyn FnMut(Progress),
) -> Result<Duration> {
    let source = &locations.corpus;
    let listed = corpus::entries(source)?;
    let total = listed.len();
    let files: HashMap<String, PathBuf> = listed
        .iter()
        .filter_map(|e| e.file.clone().map(|f| (e.meta.id.clone(), f)))
        .collect();
    let none = HashMap::new();
    let fixed = sources::stamp_fixed(source, &none)?;
    let mut writer = StoreWriter::create(tmp, threads())?;
    progress(Progress::Indexing { done: 0, total });
    let mut entries: Vec<CatalogEntry> = Vec::with_capacity(total);
    // every provision's features, prepared (compact) for the link pass
    let mut lex = Lexicon::default();
    let mut counts = Counts::default();
    let mut prepared: Vec<Prepared> = Vec::new();
    let warnings = Corpus::for_each_mapped(source, &|doc| domain.analyse(doc), &mut |a| {
        let Analysed {
            doc,
            analyses,
            features: feats,
            families,
        } = a;
        let stamp = match files.get(&doc.meta.id) {
            Some(path) => Some(sources::stamp_file(path, &none)?),
            None => None,
        };
        let first = prepared.len() as u64;
        let doc_id: Arc<str> = Arc::from(doc.meta.id.as_str());
        for f in &feats {
            prepared.push(Prepared::new(
                f,
                Arc::clone(&doc_id),
                &mut lex,
                &domain.rules.frames,
                Some(&mut counts),
            ));
        }
        entries.push(writer.add_document(&doc, &analyses, &families, feats, stamp, Some(first))?);
        progress(Progress::Indexing {
            done: entries.len(),
            total,
        });
        Ok(())
    })?;
    writer.flush()?;

    // The link pass: every provision's candidates from the index just written.
    let linking = Instant::now();
    let hub_mean = link_all(&writer, prepared, &lex, &counts, domain, progress)?;
    let linking = linking.elapsed();
    let catalog = Catalog {
        info: GenerationInfo {
            format: CATALOG_FORMAT,
            generation: 1,
            build: build_id(),
            fixed,
            topics: domain
                .rules
                .taxonomy
                .topics
                .iter()
                .map(|t| t.id.clone())
                .collect(),
            hub_mean,
            built_at: now_text(),
            left_out: left_out(&warnings, &listed, &none)?,
        },
        documents: entries,
    };
    writer.commit(&catalog, tmp)?;
    Ok(linking)
}

/// What a full build left out: the loading's warnings with the manifest entry and
/// stamp of each document, so that it is tried again only when one of them changes.
fn left_out(
    warnings: &[corpus::LoadWarning],
    listed: &[corpus::Entry],
    known: &HashMap<&Path, &Stamp>,
) -> Result<Vec<LeftOut>> {
    let mut out = Vec::with_capacity(warnings.len());
    for w in warnings {
        let entry = listed
            .iter()
            .find(|e| Some(e.meta.id.as_str()) == w.id.as_deref());
        let stamp = match entry.and_then(|e| e.file.as_ref()) {
            Some(path) => Some(sources::stamp_file(path, known)?),
            None => None,
        };
        out.push(LeftOut {
            id: w.id.clone(),
            meta: entry.map(|e| e.meta.clone()),
            stamp,
            message: w.message.clone(),
        });
    }
    Ok(out)
}

/// Links every provision of a full build; returns the mean hubness.
///
/// Pass one runs each provision's candidate query against the index just written and
/// scores the candidates (the fast raw score), which gives every provision its hubness;
/// when the hubness correction is on, pass two corrects and tiers the candidates that
/// can still reach a tier. Only the candidates of one provision at a time are scored:
/// nothing holds all pairs.
fn link_all(
    writer: &StoreWriter,
    mut prepared: Vec<Prepared>,
    lex: &Lexicon,
    counts: &Counts,
    domain: &Domain,
    progress: &mut dyn FnMut(Progress),
) -> Result<f32> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let engine = domain.engine();
    let s = &domain.links;
    let total = prepared.len();
    progress(Progress::Linking { done: 0, total });
    for p in &mut prepared {
        p.weigh(counts.provisions, &|id| counts.df(id), s);
    }
    let prepared = prepared;
    let reader = writer
        .index()
        .reader()
        .context("reading the store just written")?;
    let searcher = reader.searcher();
    let fields = *writer.fields();
    // per segment, the fast column mapping a tantivy doc to its provision ordinal
    let columns: Vec<_> = searcher
        .segment_readers()
        .iter()
        .map(|r| r.fast_fields().u64("pord"))
        .collect::<std::result::Result<_, _>>()
        .context("reading the store just written")?;
    let lookup = store::candidates::CandidateSearch::new(&searcher, &fields)?;
    let scratch: Mutex<Vec<store::candidates::Scratch>> = Mutex::new(Vec::new());
    let candidates_of = |i: usize| -> Result<Vec<usize>> {
        let q = CandidateQuery::for_provision(&prepared[i], lex, s);
        let mut mine = scratch
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .unwrap_or_default();
        let top = lookup.top(&q, q.k + 16, &mut mine);
        scratch.lock().unwrap_or_else(|e| e.into_inner()).push(mine);
        let top = top?;
        Ok(top
            .into_iter()
            .filter_map(|(_, at)| columns[at.segment_ord as usize].first(at.doc_id))
            .map(|p| p as usize)
            .filter(|j| *j < total && prepared[*j].doc != prepared[i].doc)
            .take(q.k)
            .collect())
    };
    let hub_on = s.weights.hub_penalty > 0.0;
    let write = |i: usize, list: &[Candidate], scored: Vec<Scored>, hub: f32, hub_mean: f32| {
        let links = engine.links(list, scored, hub_mean, lex);
        writer.add_links(
            &prepared[i].id,
            &prepared[i].doc,
            &LinksRecord { hub, links },
        )
    };

    let threads = threads();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    let run = |pass: &(dyn Fn(usize) -> Result<()> + Sync), progress: &mut dyn FnMut(Progress)| {
        next.store(0, Ordering::Relaxed);
        done.store(0, Ordering::Relaxed);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= total {
                            return;
                        }
                        if let Err(e) = pass(i) {
                            let mut f = failure.lock().unwrap_or_else(|e| e.into_inner());
                            f.get_or_insert(e);
                            next.store(total, Ordering::Relaxed);
                            return;
                        }
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                });
            }
            let mut last = Instant::now();
            while done.load(Ordering::Relaxed) < total && next.load(Ordering::Relaxed) < total {
                std::thread::sleep(Duration::from_millis(20));
                if last.elapsed() > Duration::from_millis(200) {
                    progress(Progress::Linking {
                        done: done.load(Ordering::Relaxed).min(total),
                        total,
                    });
                    last = Instant::now();
                }
            }
        });
    };
    let failed = || failure.lock().unwrap_or_else(|e| e.into_inner()).take();

    // pass 1: candidates, raw scores, hubness (and, without the correction, the links)
    let hub: Vec<Mutex<f32>> = (0..total).map(|_| Mutex::new(0.0)).collect();
    let kept: Vec<Mutex<Vec<u32>>> = (0..total).map(|_| Mutex::new(Vec::new())).collect();
    let floor = s.tiers.related;
    run(
        &|i| {
            let cands = candidates_of(i)?;
            let list: Vec<Candidate> = cands
                .iter()
                .map(|j| Candidate {
                    prepared: &prepared[*j],
                    hub: 0.0,
                })
                .collect();
            let mut raw = engine.summaries(&prepared[i], &list);
            let h = engine.hubness(raw.iter().map(|r| r.evidence.score));
            *hub[i].lock().unwrap_or_else(|e| e.into_inner()) = h;
            // the correction only lowers a score: what is below the floor stays there
            raw.retain(|r| r.evidence.score >= floor);
            if hub_on {
                *kept[i].lock().unwrap_or_else(|e| e.into_inner()) =
                    raw.iter().map(|r| cands[r.index] as u32).collect();
                return Ok(());
            }
            // reasons are worked out only for the links kept
            let links = engine.links_of(&prepared[i], &list, raw, 0.0, lex);
            writer.add_links(
                &prepared[i].id,
                &prepared[i].doc,
                &LinksRecord { hub: h, links },
            )
        },
        progress,
    );
    if let Some(e) = failed() {
        return Err(e);
    }
    let hubs: Vec<f32> = hub
        .into_iter()
        .map(|h| h.into_inner().unwrap_or_else(|e| e.into_inner()))
        .collect();
    let hub_mean = hubs.iter().sum::<f32>() / hubs.len().max(1) as f32;

    // pass 2: corrected scores, tiers and reasons of the candidates that can make it
    if hub_on {
        run(
            &|i| {
                let ids = std::mem::take(&mut *kept[i].lock().unwrap_or_else(|e| e.into_inner()));
                let list: Vec<Candidate> = ids
                    .iter()
                    .map(|j| Candidate {
                        prepared: &prepared[*j as usize],
                        hub: hubs[*j as usize],
                    })
                    .collect();
                let scored = engine.score_all(&prepared[i], &list);
                write(i, &list, scored, hubs[i], hub_mean)
            },
            progress,
        );
        if let Some(e) = failed() {
            return Err(e);
        }
    }
    progress(Progress::Linking { done: total, total });
    Ok(hub_mean)
}

/// The documents an update changes.
struct Changes {
    added: Vec<String>,
    changed: Vec<String>,
    removed: Vec<String>,
    entries: Vec<(corpus::Entry, Option<Stamp>)>,
    fixed: Vec<Stamp>,
}

/// Changes the store in place for the documents that changed, in one commit.
///
/// The new documents' provisions find their candidates in the store and among each
/// other; an old provision that one of them now beats gains the link; links into a
/// document that went are dropped from the provisions that had them.
fn sync(
    locations: &Locations,
    domain: &Domain,
    store: &Store,
    changes: Changes,
    progress: &mut dyn FnMut(Progress),
) -> Result<()> {
    let engine = domain.engine();
    let s = &domain.links;
    let frames = &domain.rules.frames;
    let dir = store.dir().to_path_buf();
    let mut writer = StoreWriter::open(&dir)?;
    // everything of the old versions goes
    let gone: Vec<String> = changes
        .changed
        .iter()
        .chain(&changes.removed)
        .cloned()
        .collect();
    for id in &gone {
        writer.delete_document(id);
    }
    // the new versions are read and analysed
    let wanted: HashSet<&str> = changes
        .added
        .iter()
        .chain(&changes.changed)
        .map(String::as_str)
        .collect();
    let total = wanted.len();
    progress(Progress::Indexing { done: 0, total });
    let stamps: HashMap<&str, Option<Stamp>> = changes
        .entries
        .iter()
        .map(|(e, s)| (e.meta.id.as_str(), s.clone()))
        .collect();
    let mut new_entries: HashMap<String, CatalogEntry> = HashMap::new();
    let mut new_features: Vec<Features> = Vec::new();
    let warnings = Corpus::for_each_selected(
        &locations.corpus,
        &|m| wanted.contains(m.id.as_str()),
        &|doc| domain.analyse(doc),
        &mut |a: Analysed| {
            let stamp = stamps.get(a.doc.meta.id.as_str()).cloned().flatten();
            new_features.extend(a.features.iter().cloned());
            let entry =
                writer.add_document(&a.doc, &a.analyses, &a.families, a.features, stamp, None)?;
            new_entries.insert(a.doc.meta.id.clone(), entry);
            progress(Progress::Indexing {
                done: new_entries.len(),
                total,
            });
            Ok(())
        },
    )?;

    // links, weighed by the store's statistics, numbered in one lexicon
    let stats = crate::store::StoreStats::new(store);
    let hub_mean = store.head().info.hub_mean;
    let mut lex = Lexicon::default();
    let new_prepared: Vec<Prepared> = new_features
        .iter()
        .map(|f| Prepared::weighed(f, &mut lex, frames, &stats, s))
        .collect();
    let batch = MemoryIndex::new(new_prepared.iter());
    // each new provision's candidates in the store (minus the documents going), prepared
    let queries: Vec<CandidateQuery> = new_prepared
        .iter()
        .map(|p| CandidateQuery::for_provision(p, &lex, s))
        .collect();
    let mut old: Vec<Vec<(Prepared, f32)>> = Vec::with_capacity(new_prepared.len());
    for found in store.candidates(&queries, &gone)? {
        old.push(
            found
                .iter()
                .map(|c| {
                    (
                        Prepared::weighed(&c.features, &mut lex, frames, &stats, s),
                        c.hub,
                    )
                })
                .collect(),
        );
    }
    let lex = lex;
    let total_links = new_prepared.len();
    progress(Progress::Linking {
        done: 0,
        total: total_links,
    });
    let candidates_of = |i: usize, new_hub: &[f32]| -> Vec<Candidate<'_>> {
        let mut list: Vec<Candidate> = old[i]
            .iter()
            .map(|(p, hub)| Candidate {
                prepared: p,
                hub: *hub,
            })
            .collect();
        list.extend(
            batch
                .top(&new_prepared[i], s)
                .into_iter()
                .map(|j| Candidate {
                    prepared: &new_prepared[j],
                    hub: new_hub.get(j).copied().unwrap_or(0.0),
                }),
        );
        list
    };
    // pass 1 over the new provisions: their hubness
    let new_hub: Vec<f32> = (0..new_prepared.len())
        .map(|i| {
            let list = candidates_of(i, &[]);
            engine.hubness(
                engine
                    .raw_scores(&new_prepared[i], &list)
                    .into_iter()
                    .map(|(_, r)| r),
            )
        })
        .collect();
    // pass 2: links of the new provisions; old provisions that gain one
    let mut gained: HashMap<String, (String, Vec<StoredLink>)> = HashMap::new();
    for (i, p) in new_prepared.iter().enumerate() {
        let list = candidates_of(i, &new_hub);
        let scored = engine.score_all(p, &list);
        // the other side: an old provision may now list this one
        let me = [Candidate {
            prepared: p,
            hub: new_hub[i],
        }];
        for (q, _) in &old[i] {
            let back = engine.score_all(q, &me);
            if let Some(link) = engine.links(&me, back, hub_mean, &lex).into_iter().next() {
                gained
                    .entry(q.id.to_string())
                    .or_insert_with(|| (q.doc.to_string(), Vec::new()))
                    .1
                    .push(link);
            }
        }
        let links = engine.links(&list, scored, hub_mean, &lex);
        writer.put_links(
            &p.id,
            &p.doc,
            &LinksRecord {
                hub: new_hub[i],
                links,
            },
        )?;
        progress(Progress::Linking {
            done: i + 1,
            total: total_links,
        });
    }
    // old provisions: links into documents that went are dropped, links gained merged
    let mut touched: HashMap<String, (String, Vec<StoredLink>)> = gained;
    for id in &gone {
        for p in store.provisions_linking_to(id)? {
            if gone.iter().any(|g| p.starts_with(&format!("{g}/"))) {
                continue;
            }
            let doc = p.split('/').next().unwrap_or("").to_string();
            touched.entry(p).or_insert_with(|| (doc, Vec::new()));
        }
    }
    for (id, (doc, new_links)) in touched {
        if wanted.contains(doc.as_str()) {
            continue;
        }
        let mut record = store.links_record(&id)?.unwrap_or_default();
        record
            .links
            .retain(|l| !gone.contains(&l.doc) && !wanted.contains(l.doc.as_str()));
        record.links.extend(new_links);
        record
            .links
            .sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        record.links.truncate(s.weights.max_links);
        writer.put_links(&id, &doc, &record)?;
    }

    // the new catalog, in the order of the corpus now
    let old = store.head();
    let mut documents = Vec::with_capacity(changes.entries.len());
    // the user's manifest itself, if it cannot be read
    let mut left_out: Vec<LeftOut> = warnings
        .iter()
        .filter(|w| w.id.is_none())
        .map(|w| LeftOut {
            id: None,
            meta: None,
            stamp: None,
            message: w.message.clone(),
        })
        .collect();
    let mut manifest_moved = false;
    for (e, stamp) in &changes.entries {
        let id = Some(e.meta.id.as_str());
        if let Some(entry) = new_entries.remove(&e.meta.id) {
            documents.push(entry);
        } else if let Some(w) = warnings.iter().find(|w| w.id.as_deref() == id) {
            left_out.push(LeftOut {
                id: w.id.clone(),
                meta: Some(e.meta.clone()),
                stamp: stamp.clone(),
                message: w.message.clone(),
            });
        } else if let Some(entry) = store
            .entry(&e.meta.id)
            .filter(|_| !wanted.contains(e.meta.id.as_str()))
        {
            let mut entry = entry.clone();
            entry.stamp = stamp.clone();
            documents.push(entry);
        } else if wanted.contains(e.meta.id.as_str()) {
            // listed when the update began, no longer in the manifest when its documents
            // were read (another process removed it meanwhile): not in this generation
            manifest_moved = true;
        } else if let Some(l) = old.info.left_out.iter().find(|l| l.id.as_deref() == id) {
            left_out.push(l.clone());
        } else {
            return Err(anyhow!(
                "document {:?} could not be read for the index",
                e.meta.id
            ));
        }
    }
    let mut fixed = changes.fixed;
    if manifest_moved && let Some(manifest) = fixed.first_mut() {
        // not the manifest these documents were read from: the next open reads it again
        manifest.size = None;
        manifest.sha256 = None;
    }
    let catalog = Catalog {
        info: GenerationInfo {
            generation: old.info.generation + 1,
            fixed,
            hub_mean,
            left_out,
            ..old.info.clone()
        },
        documents,
    };
    writer.commit(&catalog, &dir)
}

/// Replaces `dir/current` by the finished `tmp` folder.
fn swap_in(dir: &Path, tmp: &Path) -> Result<()> {
    let current = dir.join(CURRENT);
    let old = dir.join(format!("old-{}-{}", std::process::id(), unique_suffix()));
    if current.exists() {
        fs::rename(&current, &old)
            .with_context(|| format!("{}: cannot move the old index aside", current.display()))?;
    }
    fs::rename(tmp, &current)
        .with_context(|| format!("{}: cannot put the new index in place", current.display()))?;
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

/// Removes folders left by a builder that was killed (only called under the lock).
fn clean_leftovers(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if (name.starts_with("tmp-") || name.starts_with("old-")) && e.path().is_dir() {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

fn unique_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}
