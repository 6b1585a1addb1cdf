//! The index on disk: schema, fingerprint, building, and the lifecycle that keeps a
//! half-written or damaged index from ever being trusted.
//!
//! Layout of `index_dir`:
//! * `current/`: the tantivy index plus `policynav-index.json` (the stamps of its
//!   inputs, see [`super::sources`]; the documents' metadata; the clause count; the
//!   size of every file), written last;
//! * `build.lock`: held (OS file lock) by the one process building;
//! * `tmp-*`: an index being built; renamed to `current/` only when complete.
//!
//! Opening checks `current/` without any lock and without reading the corpus; if it is
//! missing, stale or damaged, the process takes `build.lock` (waiting for another
//! builder), checks again (the other process may just have built it), and only then
//! builds. Every field a hit shows is stored in the index, so searching needs nothing
//! else.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use fs4::fs_std::FileExt;
use serde::{Deserialize, Serialize};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions,
};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument};

use super::analyzer::{self, ANALYZER_VERSION, TOKENIZER_NAME};
use super::sources::{self, Sources};
use super::{BuildProgress, IndexInfo};
use crate::corpus::{Clause, ClauseKind, Corpus, Document, DocumentMeta};
use crate::facts::{Figure, Role, Unit};
use crate::model::labels::Labelled;
use crate::workspace::{Analysis, Locations, Workspace};

/// Bump when the fields change.
const SCHEMA_VERSION: u32 = 2;
const META_FILE: &str = "policynav-index.json";
const CURRENT: &str = "current";
const LOCK_FILE: &str = "build.lock";
/// How long to wait for another process that is building the index.
const LOCK_WAIT: Duration = Duration::from_secs(600);
/// Memory for the index writer, all threads together.
const WRITER_MEMORY: usize = 96 * 1024 * 1024;

/// The fields of the schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub doc: Field,
    pub doc_ord: Field,
    pub path: Field,
    pub jurisdiction: Field,
    pub level: Field,
    pub topic: Field,
    pub amount: Field,
    pub body: Field,
    pub heading: Field,
    pub title: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER_NAME)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        doc: b.add_text_field("doc", STRING),
        doc_ord: b.add_u64_field("doc_ord", STORED),
        path: b.add_text_field("path", STORED),
        jurisdiction: b.add_text_field("jurisdiction", STRING),
        level: b.add_text_field("level", STRING),
        topic: b.add_text_field("topic", STRING),
        amount: b.add_f64_field("amount", NumericOptions::default().set_indexed().set_fast()),
        body: b.add_text_field("body", text.clone() | STORED),
        heading: b.add_text_field("heading", text.clone() | STORED),
        title: b.add_text_field("title", text),
    };
    (b.build(), fields)
}

fn fields_of(schema: &Schema) -> Result<Fields> {
    let get = |name: &str| {
        schema
            .get_field(name)
            .with_context(|| format!("index has no field {name}"))
    };
    Ok(Fields {
        id: get("id")?,
        doc: get("doc")?,
        doc_ord: get("doc_ord")?,
        path: get("path")?,
        jurisdiction: get("jurisdiction")?,
        level: get("level")?,
        topic: get("topic")?,
        amount: get("amount")?,
        body: get("body")?,
        heading: get("heading")?,
        title: get("title")?,
    })
}

/// The normalised form of a jurisdiction name as typed (`Beijing`, `北京`, `北京市`).
pub(crate) fn jurisdiction_key(name: &str) -> String {
    let s = crate::text::to_simplified(name.trim()).to_lowercase();
    let stripped = s
        .strip_suffix(['市', '省', '区', '县'])
        .filter(|r| r.chars().count() >= 2)
        .unwrap_or(&s);
    stripped.to_string()
}

/// Every key a document's jurisdiction answers to.
pub(crate) fn jurisdiction_keys(meta: &DocumentMeta) -> Vec<String> {
    let mut keys = vec![jurisdiction_key(&meta.jurisdiction)];
    if let Some(zh) = &meta.jurisdiction_zh {
        keys.push(jurisdiction_key(zh));
    }
    keys.dedup();
    keys
}

/// The index opened for searching.
pub(crate) struct Opened {
    pub reader: IndexReader,
    pub fields: Fields,
    pub info: IndexInfo,
    /// The indexed documents, in corpus order (`doc_ord`).
    pub documents: Vec<DocumentMeta>,
    /// The measure types the clauses were classified into.
    pub topics: Vec<String>,
}

/// What `policynav-index.json` records.
#[derive(Debug, Serialize, Deserialize)]
struct Meta {
    sources: Sources,
    clauses: usize,
    text_bytes: u64,
    files: BTreeMap<String, u64>,
    documents: Vec<DocumentMeta>,
    topics: Vec<String>,
}

/// Where the documents to index come from.
pub(crate) enum Input<'a> {
    /// A workspace already loaded (the navigator), with its analysis.
    Loaded(&'a Workspace),
    /// The corpus at these locations, read one document at a time only if the index
    /// must be built (the CLI): a search never holds the corpus in memory.
    Stream(&'a Locations),
}

impl Input<'_> {
    pub(crate) fn locations(&self) -> &Locations {
        match self {
            Input::Loaded(ws) => &ws.locations,
            Input::Stream(l) => l,
        }
    }
}

/// The largest support amount in yuan among `figures` (the `--min-amount` field).
fn support_amount(figures: &[Figure]) -> Option<f64> {
    figures
        .iter()
        .filter(|f| f.role == Role::Support && f.unit == Unit::Yuan)
        .map(|f| f.value_max.unwrap_or(f.value).max(f.value))
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))
}

/// The clauses of a document that are indexed: its provisions, plus the articles that
/// have no provisions (so no text is unsearchable).
fn indexed_clauses(doc: &Document) -> impl Iterator<Item = &Clause> {
    let parents: HashSet<&str> = doc
        .clauses
        .iter()
        .filter_map(|c| c.parent.as_deref())
        .collect();
    doc.clauses
        .iter()
        .filter(move |c| !(c.kind == ClauseKind::Article && parents.contains(c.id.as_str())))
}

/// Opens the index, building it when needed (or when `force`).
pub(crate) fn open_or_build(
    input: Input<'_>,
    force: bool,
    progress: &mut dyn FnMut(BuildProgress),
) -> Result<Opened> {
    progress(BuildProgress::Checking);
    let locations = input.locations();
    let dir = locations.index_dir.clone();
    let current = dir.join(CURRENT);
    let build_id = sources::build_id(SCHEMA_VERSION, ANALYZER_VERSION);
    let (mut reason, mut sources) = if force {
        let previous = read_meta(&current).ok();
        let sources = sources::stamp(
            &locations.corpus,
            build_id.clone(),
            previous.as_ref().map(|m| &m.sources),
        )?;
        ("forced".to_string(), sources)
    } else {
        match check(&current, &locations.corpus, &build_id, None)? {
            Checked::Fresh(mut opened) => {
                opened.info.dir = dir;
                progress(BuildProgress::Ready);
                return Ok(opened);
            }
            Checked::Not { why, sources } => (why, sources),
        }
    };

    fs::create_dir_all(&dir)
        .with_context(|| format!("{}: cannot create the index folder", dir.display()))?;
    let lock_path = dir.join(LOCK_FILE);
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("{}: cannot create the lock file", lock_path.display()))?;
    let waited = acquire(&lock, &lock_path)?;
    if !force || waited {
        // Another process may have built it while we waited.
        match check(&current, &locations.corpus, &build_id, Some(&sources))? {
            Checked::Fresh(mut opened) => {
                opened.info.dir = dir;
                progress(BuildProgress::Ready);
                return Ok(opened);
            }
            Checked::Not { why, sources: now } => {
                if !force {
                    reason = why;
                }
                sources = now;
            }
        }
    }
    let started = Instant::now();
    let tmp = build(&dir, &input, sources, progress)?;
    swap_in(&dir, &tmp)?;
    let build_time = started.elapsed();
    let meta = read_meta(&current).map_err(|why| {
        anyhow::anyhow!(
            "{}: the index just built cannot be opened: {why}",
            current.display()
        )
    })?;
    let mut opened = try_open(&current, meta).map_err(|why| {
        anyhow::anyhow!(
            "{}: the index just built cannot be opened: {why}",
            current.display()
        )
    })?;
    drop(lock);
    opened.info.dir = dir;
    opened.info.built = true;
    opened.info.reason = Some(reason);
    opened.info.build_time = Some(build_time);
    progress(BuildProgress::Ready);
    Ok(opened)
}

/// What checking `current/` found.
enum Checked {
    /// Up to date and undamaged.
    Fresh(Opened),
    /// Missing, stale or damaged (`why`); `sources` are the inputs as they are now.
    Not { why: String, sources: Sources },
}

/// Checks `current` against the corpus inputs as they are now. The hashes of `known`
/// stamps (taken a moment ago) are reused when the index has none.
fn check(
    current: &Path,
    corpus: &crate::corpus::CorpusSource,
    build_id: &str,
    known: Option<&Sources>,
) -> Result<Checked> {
    let meta = read_meta(current);
    let previous = meta.as_ref().ok().map(|m| &m.sources).or(known);
    let sources = sources::stamp(corpus, build_id.to_string(), previous)?;
    let why = match meta {
        Err(why) => why,
        Ok(meta) if !meta.sources.same_content(&sources) => {
            "stale: the corpus, its domain files or the program changed".to_string()
        }
        Ok(meta) => match try_open(current, meta) {
            Ok(opened) => return Ok(Checked::Fresh(opened)),
            Err(why) => why,
        },
    };
    Ok(Checked::Not { why, sources })
}

/// Takes the build lock, waiting for another builder; true if it had to wait.
fn acquire(lock: &File, path: &Path) -> Result<bool> {
    let start = Instant::now();
    let mut waited = false;
    loop {
        match lock.try_lock_exclusive() {
            Ok(true) => return Ok(waited),
            Ok(false) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e).with_context(|| format!("{}: cannot lock", path.display())),
        }
        if start.elapsed() > LOCK_WAIT {
            anyhow::bail!(
                "{}: another policynav process has been building the index for {} minutes; \
                 if none is running, delete this file",
                path.display(),
                LOCK_WAIT.as_secs() / 60
            );
        }
        waited = true;
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Reads `current/policynav-index.json`; else says why it cannot be used.
fn read_meta(current: &Path) -> std::result::Result<Meta, String> {
    let meta_path = current.join(META_FILE);
    let text = match fs::read_to_string(&meta_path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(if current.is_dir() {
                "damaged: no fingerprint file".into()
            } else {
                "missing".into()
            });
        }
        Err(e) => return Err(format!("damaged: {}: {e}", meta_path.display())),
    };
    // An index of an older schema has another record: it is stale, not damaged.
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("damaged: {}: {e}", meta_path.display()))?;
    if value.get("sources").is_none() {
        return Err("stale: made by an older version of policynav".into());
    }
    serde_json::from_value(value).map_err(|e| format!("damaged: {}: {e}", meta_path.display()))
}

/// Opens `current` if it is complete and undamaged; else says why not.
fn try_open(current: &Path, meta: Meta) -> std::result::Result<Opened, String> {
    let mut size = 0;
    for (name, expected) in &meta.files {
        let len = fs::metadata(current.join(name))
            .map(|m| m.len())
            .map_err(|_| format!("damaged: {name} is missing"))?;
        if len != *expected {
            return Err(format!(
                "damaged: {name} has {len} bytes, expected {expected}"
            ));
        }
        size += len;
    }
    let index = Index::open_in_dir(current).map_err(|e| format!("damaged: {e}"))?;
    index
        .tokenizers()
        .register(TOKENIZER_NAME, analyzer::text_analyzer());
    let fields = fields_of(&index.schema()).map_err(|e| format!("damaged: {e}"))?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(|e| format!("damaged: {e}"))?;
    let searcher = reader.searcher();
    if searcher.num_docs() as usize != meta.clauses {
        return Err(format!(
            "damaged: {} clauses instead of {}",
            searcher.num_docs(),
            meta.clauses
        ));
    }
    Ok(Opened {
        reader,
        fields,
        info: IndexInfo {
            dir: current.to_path_buf(),
            clauses: meta.clauses,
            text_bytes: meta.text_bytes,
            size_bytes: size,
            fingerprint: meta.sources.fingerprint(),
            built: false,
            reason: None,
            build_time: None,
        },
        documents: meta.documents,
        topics: meta.topics,
    })
}

/// Builds a complete index in a fresh `tmp-*` folder of `dir` and returns it.
fn build(
    dir: &Path,
    input: &Input<'_>,
    sources: Sources,
    progress: &mut dyn FnMut(BuildProgress),
) -> Result<PathBuf> {
    clean_leftovers(dir);
    let tmp = dir.join(format!("tmp-{}-{}", std::process::id(), unique_suffix()));
    fs::create_dir_all(&tmp).with_context(|| format!("{}: cannot create", tmp.display()))?;
    let result = build_in(&tmp, input, sources, progress);
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result.map(|()| tmp)
}

/// What the index keeps of a clause's analysis: its largest support amount in yuan and
/// its measure types.
type ClauseAnalysis = (Option<f64>, Vec<String>);

/// Adds documents to a tantivy writer, one at a time.
struct Builder<'a> {
    writer: tantivy::IndexWriter<TantivyDocument>,
    f: Fields,
    documents: Vec<DocumentMeta>,
    clauses: usize,
    text_bytes: u64,
    total: usize,
    progress: &'a mut dyn FnMut(BuildProgress),
}

impl Builder<'_> {
    /// Indexes the clauses of `doc`; `analysis` gives a clause's support amount and
    /// measure types.
    fn add(&mut self, doc: &Document, analysis: &dyn Fn(&Clause) -> ClauseAnalysis) -> Result<()> {
        let f = self.f;
        let doc_ord = self.documents.len() as u64;
        let keys = jurisdiction_keys(&doc.meta);
        for clause in indexed_clauses(doc) {
            let (amount, topics) = analysis(clause);
            let mut d = TantivyDocument::default();
            d.add_text(f.id, &clause.id);
            d.add_text(f.doc, &doc.meta.id);
            d.add_u64(f.doc_ord, doc_ord);
            d.add_text(f.path, &clause.path);
            for k in &keys {
                d.add_text(f.jurisdiction, k);
            }
            d.add_text(f.level, doc.meta.level.id());
            for t in &topics {
                d.add_text(f.topic, t);
            }
            if let Some(a) = amount {
                d.add_f64(f.amount, a);
            }
            d.add_text(f.body, &clause.text);
            if let Some(h) = &clause.heading {
                d.add_text(f.heading, h);
            }
            d.add_text(f.title, &doc.meta.title);
            self.text_bytes += clause.text.len() as u64;
            self.clauses += 1;
            self.writer
                .add_document(d)
                .context("adding a clause to the index")?;
        }
        self.documents.push(doc.meta.clone());
        (self.progress)(BuildProgress::Indexing {
            done: self.documents.len(),
            total: self.total,
        });
        Ok(())
    }
}

fn build_in(
    tmp: &Path,
    input: &Input<'_>,
    sources: Sources,
    progress: &mut dyn FnMut(BuildProgress),
) -> Result<()> {
    let (schema, f) = schema();
    let index = Index::create_in_dir(tmp, schema)
        .with_context(|| format!("{}: cannot create the index", tmp.display()))?;
    index
        .tokenizers()
        .register(TOKENIZER_NAME, analyzer::text_analyzer());
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4);
    let writer = index
        .writer_with_num_threads::<TantivyDocument>(
            threads,
            WRITER_MEMORY.max(threads * 20_000_000),
        )
        .map_err(|e| match e {
            tantivy::TantivyError::LockFailure(..) => {
                anyhow::anyhow!("{}: another process is writing this index", tmp.display())
            }
            e => anyhow::Error::new(e).context("cannot start the index writer"),
        })?;
    // Documents to index: counted from the stamps (manifest order) when streaming.
    let total = match input {
        Input::Loaded(ws) => ws.corpus.documents.len(),
        Input::Stream(l) => sources.documents(&l.corpus)?,
    };
    progress(BuildProgress::Indexing { done: 0, total });
    let mut b = Builder {
        writer,
        f,
        documents: Vec::new(),
        clauses: 0,
        text_bytes: 0,
        total,
        progress,
    };
    let topics: Vec<String> = match input {
        Input::Loaded(ws) => {
            for doc in &ws.corpus.documents {
                b.add(doc, &|c: &Clause| {
                    (
                        support_amount(ws.analysis.figures_of(&c.id)),
                        ws.analysis.topics_of(&c.id).to_vec(),
                    )
                })?;
            }
            ws.taxonomy.topics.iter().map(|t| t.id.clone()).collect()
        }
        Input::Stream(locations) => {
            let taxonomy = crate::workspace::load_taxonomy(locations.domain_dir())?;
            // documents are loaded and analysed on other threads, indexed here in order
            Corpus::for_each_mapped(
                &locations.corpus,
                &|doc| {
                    let of: HashMap<String, ClauseAnalysis> = indexed_clauses(&doc)
                        .map(|c| {
                            let (figures, topics) = Analysis::of_clause(c, &taxonomy);
                            (c.id.clone(), (support_amount(&figures), topics))
                        })
                        .collect();
                    (doc, of)
                },
                &mut |(doc, of)| {
                    b.add(&doc, &|c: &Clause| {
                        of.get(&c.id).cloned().unwrap_or_default()
                    })
                },
            )?;
            taxonomy.topics.iter().map(|t| t.id.clone()).collect()
        }
    };
    let Builder {
        mut writer,
        documents,
        clauses,
        text_bytes,
        progress,
        ..
    } = b;
    writer.commit().context("writing the index")?;
    writer
        .wait_merging_threads()
        .context("finishing the index")?;
    progress(BuildProgress::Indexing {
        done: documents.len(),
        total: documents.len(),
    });

    let mut files = BTreeMap::new();
    for entry in fs::read_dir(tmp).with_context(|| format!("{}: cannot list", tmp.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".lock") || name == META_FILE || !entry.file_type()?.is_file() {
            continue;
        }
        files.insert(name, entry.metadata()?.len());
    }
    let meta = Meta {
        sources,
        clauses,
        text_bytes,
        files,
        documents,
        topics,
    };
    // The fingerprint file is written last, atomically: without it the folder is never trusted.
    let part = tmp.join(format!("{META_FILE}.part"));
    let mut out =
        File::create(&part).with_context(|| format!("{}: cannot write", part.display()))?;
    out.write_all(serde_json::to_string(&meta)?.as_bytes())?;
    out.sync_all()?;
    fs::rename(&part, tmp.join(META_FILE))
        .with_context(|| format!("{}: cannot write", tmp.display()))?;
    Ok(())
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
