//! The index on disk: schema, fingerprint, building, and the lifecycle that keeps a
//! half-written or damaged index from ever being trusted.
//!
//! Layout of `index_dir`:
//! * `current/`: the tantivy index plus `policynav-index.json` (fingerprint, clause
//!   count, the size of every file), written last;
//! * `build.lock`: held (OS file lock) by the one process building;
//! * `tmp-*`: an index being built; renamed to `current/` only when complete.
//!
//! Opening checks `current/` without any lock; if it is missing, stale or damaged, the
//! process takes `build.lock` (waiting for another builder), checks again (the other
//! process may just have built it), and only then builds.

use std::collections::{BTreeMap, HashSet};
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use fs4::fs_std::FileExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions,
};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument};

use super::analyzer::{self, ANALYZER_VERSION, TOKENIZER_NAME};
use super::{BuildProgress, IndexInfo};
use crate::corpus::{Clause, ClauseKind, Document, DocumentMeta, Level};
use crate::facts::{Role, Unit};
use crate::workspace::Workspace;

/// Bump when the fields change.
const SCHEMA_VERSION: u32 = 1;
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
    pub clause_ord: Field,
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
        clause_ord: b.add_u64_field("clause_ord", STORED),
        jurisdiction: b.add_text_field("jurisdiction", STRING),
        level: b.add_text_field("level", STRING),
        topic: b.add_text_field("topic", STRING),
        amount: b.add_f64_field("amount", NumericOptions::default().set_indexed().set_fast()),
        body: b.add_text_field("body", text.clone()),
        heading: b.add_text_field("heading", text.clone()),
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
        clause_ord: get("clause_ord")?,
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
    let s = crate::zh::to_simplified(name.trim()).to_lowercase();
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

pub(crate) fn level_key(level: Level) -> &'static str {
    match level {
        Level::Province => "province",
        Level::Municipality => "municipality",
        Level::City => "city",
        Level::District => "district",
    }
}

/// The index opened for searching.
pub(crate) struct Opened {
    pub reader: IndexReader,
    pub fields: Fields,
    pub info: IndexInfo,
}

/// What `policynav-index.json` records.
#[derive(Debug, Serialize, Deserialize)]
struct Meta {
    fingerprint: String,
    clauses: usize,
    text_bytes: u64,
    files: BTreeMap<String, u64>,
}

/// One clause to index, with its ordinals in the corpus.
struct Entry<'a> {
    doc_ord: usize,
    clause_ord: usize,
    doc: &'a Document,
    clause: &'a Clause,
    topics: &'a [String],
    amount: Option<f64>,
}

/// Provisions, plus the articles that have no provisions (so no text is unsearchable).
fn units(ws: &Workspace) -> Vec<Entry<'_>> {
    let mut out = Vec::new();
    for (doc_ord, doc) in ws.corpus.documents.iter().enumerate() {
        let parents: HashSet<&str> = doc
            .clauses
            .iter()
            .filter_map(|c| c.parent.as_deref())
            .collect();
        for (clause_ord, clause) in doc.clauses.iter().enumerate() {
            if clause.kind == ClauseKind::Article && parents.contains(clause.id.as_str()) {
                continue;
            }
            let amount = ws
                .analysis
                .figures_of(&clause.id)
                .iter()
                .filter(|f| f.role == Role::Support && f.unit == Unit::Yuan)
                .map(|f| f.value_max.unwrap_or(f.value).max(f.value))
                .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
            out.push(Entry {
                doc_ord,
                clause_ord,
                doc,
                clause,
                topics: ws.analysis.topics_of(&clause.id),
                amount,
            });
        }
    }
    out
}

/// A hash of everything that determines the index contents.
fn fingerprint(units: &[Entry<'_>]) -> String {
    let mut h = Sha256::new();
    let mut put = |s: &str| {
        h.update((s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    put(&format!(
        "policynav index schema {SCHEMA_VERSION} analyzer {ANALYZER_VERSION}"
    ));
    put(crate::zh::BUNDLED_DICTIONARY);
    for u in units {
        let m = &u.doc.meta;
        put(&format!(
            "{}\u{1}{}\u{1}{}",
            u.doc_ord, u.clause_ord, u.clause.id
        ));
        put(&m.title);
        put(&m.jurisdiction);
        put(m.jurisdiction_zh.as_deref().unwrap_or(""));
        put(level_key(m.level));
        put(u.clause.heading.as_deref().unwrap_or(""));
        put(&u.clause.text);
        put(&u.topics.join("\u{1}"));
        put(&u.amount.map(|a| a.to_string()).unwrap_or_default());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Opens the index, building it when needed (or when `force`).
pub(crate) fn open_or_build(
    ws: &Workspace,
    force: bool,
    progress: &mut dyn FnMut(BuildProgress),
) -> Result<Opened> {
    progress(BuildProgress::Checking);
    let dir = ws.locations.index_dir.clone();
    let units = units(ws);
    let fp = fingerprint(&units);
    let current = dir.join(CURRENT);
    let mut reason = if force {
        "forced".to_string()
    } else {
        match try_open(&current, &fp) {
            Ok(mut opened) => {
                opened.info.dir = dir;
                progress(BuildProgress::Ready);
                return Ok(opened);
            }
            Err(why) => why,
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
        match try_open(&current, &fp) {
            Ok(mut opened) => {
                opened.info.dir = dir;
                progress(BuildProgress::Ready);
                return Ok(opened);
            }
            Err(why) => {
                if !force {
                    reason = why;
                }
            }
        }
    }
    let started = Instant::now();
    let tmp = build(&dir, &units, &fp, progress)?;
    swap_in(&dir, &tmp)?;
    let build_time = started.elapsed();
    let mut opened = try_open(&current, &fp).map_err(|why| {
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

/// Opens `current` if it is complete, undamaged and has fingerprint `fp`; else says why not.
fn try_open(current: &Path, fp: &str) -> std::result::Result<Opened, String> {
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
    let meta: Meta = serde_json::from_str(&text)
        .map_err(|e| format!("damaged: {}: {e}", meta_path.display()))?;
    if meta.fingerprint != fp {
        return Err("stale: the corpus, dictionary or analysis changed".into());
    }
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
            fingerprint: meta.fingerprint,
            built: false,
            reason: None,
            build_time: None,
        },
    })
}

/// Builds a complete index in a fresh `tmp-*` folder of `dir` and returns it.
fn build(
    dir: &Path,
    units: &[Entry<'_>],
    fp: &str,
    progress: &mut dyn FnMut(BuildProgress),
) -> Result<PathBuf> {
    clean_leftovers(dir);
    let tmp = dir.join(format!("tmp-{}-{}", std::process::id(), unique_suffix()));
    fs::create_dir_all(&tmp).with_context(|| format!("{}: cannot create", tmp.display()))?;
    let result = build_in(&tmp, units, fp, progress);
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result.map(|()| tmp)
}

fn build_in(
    tmp: &Path,
    units: &[Entry<'_>],
    fp: &str,
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
    let mut writer = index
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
    let total = units.len();
    let mut text_bytes = 0u64;
    progress(BuildProgress::Indexing { done: 0, total });
    for (i, u) in units.iter().enumerate() {
        let mut d = TantivyDocument::default();
        d.add_text(f.id, &u.clause.id);
        d.add_text(f.doc, &u.doc.meta.id);
        d.add_u64(f.doc_ord, u.doc_ord as u64);
        d.add_u64(f.clause_ord, u.clause_ord as u64);
        for k in jurisdiction_keys(&u.doc.meta) {
            d.add_text(f.jurisdiction, &k);
        }
        d.add_text(f.level, level_key(u.doc.meta.level));
        for t in u.topics {
            d.add_text(f.topic, t);
        }
        if let Some(a) = u.amount {
            d.add_f64(f.amount, a);
        }
        d.add_text(f.body, &u.clause.text);
        if let Some(h) = &u.clause.heading {
            d.add_text(f.heading, h);
        }
        d.add_text(f.title, &u.doc.meta.title);
        text_bytes += u.clause.text.len() as u64;
        writer
            .add_document(d)
            .context("adding a clause to the index")?;
        if (i + 1) % 256 == 0 {
            progress(BuildProgress::Indexing { done: i + 1, total });
        }
    }
    writer.commit().context("writing the index")?;
    writer
        .wait_merging_threads()
        .context("finishing the index")?;
    progress(BuildProgress::Indexing { done: total, total });

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
        fingerprint: fp.to_string(),
        clauses: total,
        text_bytes,
        files,
    };
    // The fingerprint file is written last, atomically: without it the folder is never trusted.
    let part = tmp.join(format!("{META_FILE}.part"));
    let mut out =
        File::create(&part).with_context(|| format!("{}: cannot write", part.display()))?;
    out.write_all(serde_json::to_string_pretty(&meta)?.as_bytes())?;
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
