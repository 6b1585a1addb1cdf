//! Stage 1 — the corpus: load documents, clean the web-copy noise, and structure each
//! text into chapters, articles and provisions ([`Clause`]).
//!
//! Data flows one way: files + `manifest.toml` → [`Corpus`] → facts/topics → search
//! index → links → views. Nothing here knows about the later stages.

pub mod agencies;
pub mod clean;
pub mod import;
pub mod manifest;
pub mod places;

pub mod rules;
pub mod structure;
pub mod user;

pub use crate::model::*;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use rules::Rules;

/// The bundled `corpus/manifest.toml`.
pub const BUNDLED_MANIFEST: &str = include_str!("../../corpus/manifest.toml");

/// The bundled documents, by file name, embedded in the binary.
pub const BUNDLED_FILES: &[(&str, &str)] = &[
    (
        "beijing-2021.txt",
        include_str!("../../corpus/beijing-2021.txt"),
    ),
    (
        "baotou-2023.txt",
        include_str!("../../corpus/baotou-2023.txt"),
    ),
    (
        "haidian-2013.txt",
        include_str!("../../corpus/haidian-2013.txt"),
    ),
    (
        "beijing-2024.txt",
        include_str!("../../corpus/beijing-2024.txt"),
    ),
    (
        "zhejiang-2023.txt",
        include_str!("../../corpus/zhejiang-2023.txt"),
    ),
];

/// The ids of the bundled documents, in manifest order.
pub fn bundled_ids() -> Result<Vec<String>> {
    Ok(
        manifest::parse(BUNDLED_MANIFEST, "corpus/manifest.toml (bundled)")?
            .into_iter()
            .map(|m| m.id)
            .collect(),
    )
}

/// Where the documents come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorpusSource {
    /// The five documents embedded in the binary, plus the user's own additions
    /// (`policynav add`) in this folder.
    Bundled {
        /// The user's corpus folder (platform data dir); may not exist yet.
        user_dir: PathBuf,
    },
    /// A folder with a `manifest.toml` and the files it names (`--corpus DIR`), used
    /// instead of the bundled corpus and user additions.
    Folder(PathBuf),
}

/// All loaded documents, in manifest order (bundled first, then the user's).
#[derive(Debug, Clone)]
pub struct Corpus {
    /// The documents.
    pub documents: Vec<Document>,
    /// The documents that could not be loaded and were left out, in manifest order.
    pub warnings: Vec<LoadWarning>,
}

/// A document (or the user's whole manifest) left out of the corpus because it could
/// not be loaded; the rest of the corpus is loaded without it. Shown as one line naming
/// the file and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LoadWarning {
    /// The document's id, or `None` when the user's manifest itself cannot be read.
    pub id: Option<String>,
    /// What could not be loaded and why, naming the file.
    pub message: String,
}

impl std::fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.id {
            Some(id) => write!(f, "document {id} left out: {}", self.message),
            None => write!(f, "your documents are left out: {}", self.message),
        }
    }
}

impl Corpus {
    /// Loads, cleans and structures every document of `source`.
    ///
    /// A document that cannot be loaded is left out, with a [`LoadWarning`] in
    /// [`Corpus::warnings`]; errors (naming the file and line) are for what leaves
    /// nothing to load: an unreadable manifest of a `--corpus` folder, bad cleaning rules.
    pub fn load(source: &CorpusSource) -> Result<Corpus> {
        let mut documents = Vec::new();
        let warnings = Corpus::for_each(source, &mut |doc| {
            documents.push(doc);
            Ok(())
        })?;
        Ok(Corpus {
            documents,
            warnings,
        })
    }

    /// Loads the documents of `source` in [`Corpus::load`]'s order and hands each to
    /// `visit`: indexing a large corpus never holds more than a few documents in memory.
    /// Returns the documents left out (see [`Corpus::load`]).
    pub fn for_each(
        source: &CorpusSource,
        visit: &mut dyn FnMut(Document) -> Result<()>,
    ) -> Result<Vec<LoadWarning>> {
        Corpus::for_each_mapped(source, &|doc| doc, visit)
    }

    /// Like [`Corpus::for_each`], with `map` applied to each document on the loading
    /// threads (the analysis of its clauses, say) before `visit` sees it, in order.
    ///
    /// Documents are read, cleaned and structured on up to four threads, at most a few
    /// documents ahead of `visit`. A document that cannot be read, decoded or
    /// structured (or whose loading panics) is left out and reported in the returned
    /// warnings, in manifest order; the first error of `visit` stops the loading and is
    /// returned.
    pub fn for_each_mapped<T: Send>(
        source: &CorpusSource,
        map: &(dyn Fn(Document) -> T + Sync),
        visit: &mut dyn FnMut(T) -> Result<()>,
    ) -> Result<Vec<LoadWarning>> {
        Corpus::for_each_selected(source, &|_| true, map, visit)
    }

    /// Like [`Corpus::for_each_mapped`], for the documents whose manifest entry `keep`
    /// accepts only (an incremental update of the store).
    pub fn for_each_selected<T: Send>(
        source: &CorpusSource,
        keep: &dyn Fn(&DocumentMeta) -> bool,
        map: &(dyn Fn(Document) -> T + Sync),
        visit: &mut dyn FnMut(T) -> Result<()>,
    ) -> Result<Vec<LoadWarning>> {
        let owned;
        let rules = match source {
            CorpusSource::Folder(dir) if dir.join("cleaning.toml").is_file() => {
                let own = dir.join("cleaning.toml");
                let text = std::fs::read_to_string(&own)
                    .with_context(|| format!("{}: cannot read", own.display()))?;
                owned = Rules::parse(&text, &own.display().to_string())?;
                &owned
            }
            _ => Rules::bundled()?,
        };
        let (mut jobs, mut warnings) = plan(source)?;
        jobs.retain(|j| keep(&j.meta));
        warnings.retain(|w| {
            w.id.is_none()
                || w.id
                    .as_deref()
                    .is_some_and(|id| jobs.iter().any(|j| j.meta.id == id))
        });
        let load = |job: &Job| -> Result<T, LoadWarning> {
            // A panic in the cleaning or structuring of one hostile document costs
            // that document, not the corpus.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job.load(rules).map(map)))
                .unwrap_or_else(|_| {
                    Err(anyhow::anyhow!(
                        "{}: could not be structured (internal error)",
                        job.name()
                    ))
                })
                .map_err(|e| LoadWarning {
                    id: Some(job.meta.id.clone()),
                    message: format!("{e:#}"),
                })
        };
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(MAX_LOADERS)
            .min(jobs.len());
        let mut visit = |loaded: Result<T, LoadWarning>| match loaded {
            Ok(t) => visit(t),
            Err(w) => {
                warnings.push(w);
                Ok(())
            }
        };
        if threads <= 1 {
            for job in &jobs {
                visit(load(job))?;
            }
        } else {
            in_parallel(&jobs, threads, &load, &mut visit)?;
        }
        Ok(warnings)
    }

    /// The document with this id.
    pub fn document(&self, id: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.meta.id == id)
    }

    /// The clause (article or provision) with this id, and its document.
    pub fn clause(&self, id: &str) -> Option<(&Document, &Clause)> {
        let doc_id = id.split('/').next()?;
        let doc = self.document(doc_id)?;
        doc.clauses.iter().find(|c| c.id == id).map(|c| (doc, c))
    }

    /// Every clause of every document, in reading order.
    pub fn clauses(&self) -> impl Iterator<Item = (&Document, &Clause)> {
        self.documents
            .iter()
            .flat_map(|d| d.clauses.iter().map(move |c| (d, c)))
    }

    /// The articles of every document.
    pub fn articles(&self) -> impl Iterator<Item = (&Document, &Clause)> {
        self.clauses()
            .filter(|(_, c)| c.kind == ClauseKind::Article)
    }

    /// Every provision of every document.
    pub fn provisions(&self) -> impl Iterator<Item = (&Document, &Clause)> {
        self.clauses()
            .filter(|(_, c)| c.kind == ClauseKind::Provision)
    }
}

/// One document of a corpus as its manifest lists it, before loading.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// What the manifest says.
    pub meta: DocumentMeta,
    /// Its file; `None` for a document bundled in the program.
    pub file: Option<PathBuf>,
}

/// The documents of `source` in order, from the manifests alone.
pub fn entries(source: &CorpusSource) -> Result<Vec<Entry>> {
    Ok(plan(source)?
        .0
        .into_iter()
        .map(|j| Entry {
            file: match j.text {
                JobText::Bundled(_) => None,
                JobText::File { path, .. } => Some(path),
            },
            meta: j.meta,
        })
        .collect())
}

/// Loading threads at most (reading and cleaning is CPU work, one document per thread).
const MAX_LOADERS: usize = 4;

/// Stack of a loading thread: the main thread's size, not the 2 MB default, so that a
/// document that loads in `add` loads the same way here.
const LOADER_STACK: usize = 8 * 1024 * 1024;

/// One document to load: its manifest entry and where its text is.
struct Job {
    meta: DocumentMeta,
    text: JobText,
}

enum JobText {
    /// Embedded in the binary.
    Bundled(&'static str),
    /// A file listed in `manifest`.
    File { path: PathBuf, manifest: PathBuf },
}

impl Job {
    /// The file (or bundled file name) of the document, for messages.
    fn name(&self) -> String {
        match &self.text {
            JobText::Bundled(_) => format!("{} (bundled)", self.meta.file),
            JobText::File { path, .. } => path.display().to_string(),
        }
    }

    fn load(&self, rules: &Rules) -> Result<Document> {
        match &self.text {
            JobText::Bundled(text) => build_document(self.meta.clone(), text.to_string(), rules),
            JobText::File { path, manifest } => {
                if !path.exists() {
                    bail!(
                        "{}: missing (listed in {})",
                        path.display(),
                        manifest.display()
                    );
                }
                let bytes = import::read_bounded(path, import::MAX_SIZE_LIMIT, "")?;
                let decoded = import::decode(&bytes, path)?;
                build_document(self.meta.clone(), decoded.text, rules)
                    .with_context(|| format!("{}", path.display()))
            }
        }
    }
}

/// The documents of `source`, in order, from the manifests alone, and the documents
/// left out already: the user's manifest when it cannot be read (the bundled documents
/// are loaded without it), user documents whose id a bundled document has.
fn plan(source: &CorpusSource) -> Result<(Vec<Job>, Vec<LoadWarning>)> {
    let mut jobs = Vec::new();
    let mut warnings = Vec::new();
    let folder = |dir: &Path, missing_ok: bool, jobs: &mut Vec<Job>| -> Result<()> {
        let manifest_path = dir.join("manifest.toml");
        for meta in manifest::read(&manifest_path, missing_ok)? {
            let path = dir.join(&meta.file);
            jobs.push(Job {
                meta,
                text: JobText::File {
                    path,
                    manifest: manifest_path.clone(),
                },
            });
        }
        Ok(())
    };
    match source {
        CorpusSource::Bundled { user_dir } => {
            let origin = "corpus/manifest.toml (bundled)";
            for meta in manifest::parse(BUNDLED_MANIFEST, origin)? {
                let Some((_, text)) = BUNDLED_FILES.iter().find(|(f, _)| *f == meta.file) else {
                    bail!("{origin}: {} is not bundled", meta.file);
                };
                jobs.push(Job {
                    meta,
                    text: JobText::Bundled(text),
                });
            }
            let bundled = jobs.len();
            let mut own = Vec::new();
            if let Err(e) = folder(user_dir, true, &mut own) {
                warnings.push(LoadWarning {
                    id: None,
                    message: format!("{e:#}"),
                });
            }
            for job in own {
                if jobs[..bundled].iter().any(|b| b.meta.id == job.meta.id) {
                    warnings.push(LoadWarning {
                        id: Some(job.meta.id.clone()),
                        message: format!(
                            "{}: the id {:?} is already used by a bundled document",
                            user_dir.join("manifest.toml").display(),
                            job.meta.id
                        ),
                    });
                } else {
                    jobs.push(job);
                }
            }
        }
        CorpusSource::Folder(dir) => folder(dir, false, &mut jobs)?,
    }
    Ok((jobs, warnings))
}

/// Runs `load` over `jobs` on `threads` threads and hands the results to `visit` in
/// order, letting the loaders run at most a few jobs ahead of it.
fn in_parallel<T: Send>(
    jobs: &[Job],
    threads: usize,
    load: &(dyn Fn(&Job) -> T + Sync),
    visit: &mut dyn FnMut(T) -> Result<()>,
) -> Result<()> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Condvar, Mutex, mpsc};

    let window = threads * 2;
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    // how many results `visit` has taken, for the window
    let taken = (Mutex::new(0usize), Condvar::new());
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<(usize, T)>();
        let mut spawned = 0;
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, stop, taken) = (&next, &stop, &taken);
            let worker = std::thread::Builder::new()
                .name("policynav-loader".into())
                .stack_size(LOADER_STACK)
                .spawn_scoped(scope, move || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= jobs.len() {
                            return;
                        }
                        {
                            let (lock, wake) = taken;
                            let mut done = lock.lock().unwrap_or_else(|e| e.into_inner());
                            while i >= *done + window && !stop.load(Ordering::Relaxed) {
                                done = wake.wait(done).unwrap_or_else(|e| e.into_inner());
                            }
                        }
                        if stop.load(Ordering::Relaxed) || tx.send((i, load(&jobs[i]))).is_err() {
                            return;
                        }
                    }
                });
            spawned += usize::from(worker.is_ok());
        }
        drop(tx);
        if spawned == 0 {
            // No thread could be started: load here, one document after the other.
            for job in jobs {
                visit(load(job))?;
            }
            return Ok(());
        }
        let mut pending = std::collections::BTreeMap::new();
        let mut want = 0;
        let result = (|| {
            for (i, result) in &rx {
                pending.insert(i, result);
                while let Some(result) = pending.remove(&want) {
                    visit(result)?;
                    want += 1;
                    let (lock, wake) = &taken;
                    *lock.lock().unwrap_or_else(|e| e.into_inner()) = want;
                    wake.notify_all();
                }
            }
            Ok(())
        })();
        // on an error, let the loaders finish their current document and stop
        stop.store(true, Ordering::Relaxed);
        taken.1.notify_all();
        drop(rx);
        result
    })
}

/// Cleans and structures one decoded document.
///
/// Fails if no numbered article can be found in it.
pub fn build_document(meta: DocumentMeta, source: String, rules: &Rules) -> Result<Document> {
    let cleaned = clean::clean(&source, rules);
    let s = structure::structure(&meta.id, &cleaned, rules);
    if s.clauses.is_empty() {
        bail!(
            "no recognisable measures (no numbered articles such as 1. / 一、 / 第一条) in document {:?}",
            meta.id
        );
    }
    Ok(Document {
        meta,
        letter: s.letter,
        preamble: s.preamble,
        closing: s.closing,
        chapters: s.chapters,
        clauses: s.clauses,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> Corpus {
        let dir = tempfile::tempdir().unwrap();
        Corpus::load(&CorpusSource::Bundled {
            user_dir: dir.path().join("none"),
        })
        .unwrap()
    }

    #[test]
    fn article_and_chapter_counts_match_the_printed_documents() {
        let c = bundled();
        let count = |id: &str| c.document(id).unwrap().articles().count();
        let chapters_with_articles = |id: &str| {
            let d = c.document(id).unwrap();
            let mut set: Vec<&str> = d.articles().filter_map(|a| a.chapter.as_deref()).collect();
            set.dedup();
            set.len()
        };
        assert_eq!(count("beijing-2021"), 16);
        assert_eq!(chapters_with_articles("beijing-2021"), 6);
        assert_eq!(count("beijing-2024"), 10);
        assert_eq!(count("zhejiang-2023"), 20);
        assert_eq!(chapters_with_articles("zhejiang-2023"), 6);
        assert_eq!(count("baotou-2023"), 21);
        assert_eq!(chapters_with_articles("baotou-2023"), 7);
        // Haidian: numbered items restart per section, so paths carry the section.
        let h = c.document("haidian-2013").unwrap();
        assert!(h.articles().any(|a| a.id == "haidian-2013/3.2.1"));
        assert!(h.articles().any(|a| a.id == "haidian-2013/5.4"));
    }

    #[test]
    fn every_article_has_provisions_and_ids_are_unique_and_stable() {
        let c = bundled();
        let mut seen = std::collections::HashSet::new();
        for (d, cl) in c.clauses() {
            assert!(seen.insert(cl.id.clone()), "duplicate id {}", cl.id);
            assert_eq!(cl.id, format!("{}/{}", d.meta.id, cl.path));
            assert_eq!(
                cl.normalized.chars().count(),
                cl.text.chars().count(),
                "{}",
                cl.id
            );
            assert!(!cl.text.trim().is_empty(), "{} is empty", cl.id);
            if cl.kind == ClauseKind::Article {
                assert!(
                    d.provisions()
                        .any(|p| p.parent.as_deref() == Some(cl.id.as_str())),
                    "{} has no provision",
                    cl.id
                );
            }
        }
        let again = bundled();
        let ids = |c: &Corpus| {
            c.clauses()
                .map(|(_, cl)| (cl.id.clone(), cl.text.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&c), ids(&again));
    }

    #[test]
    fn spans_point_at_the_clause_text_in_the_source() {
        let c = bundled();
        for (d, cl) in c.clauses() {
            let src = &d.source[cl.span.clone()];
            // The source may still hold the noise (pinyin, NBSP) the clause text lost.
            let first = cl.text.chars().next().unwrap();
            let last = cl.text.chars().last().unwrap();
            assert!(
                src.starts_with(first),
                "{}: {src:?} vs {:?}",
                cl.id,
                cl.text
            );
            assert!(src.ends_with(last), "{}: {src:?} vs {:?}", cl.id, cl.text);
            assert!(src.len() >= cl.text.len(), "{}", cl.id);
        }
    }

    #[test]
    fn beijing_2021_nine_three_is_the_new_third_board_subsidy() {
        let c = bundled();
        let (_, p) = c.clause("beijing-2021/9.3").unwrap();
        assert!(p.normalized.contains("新三板"), "{}", p.text);
        assert_eq!(p.agencies, ["市科委", "中關村管委會"]);
        assert!(!p.measure.contains("市科委"));
        let (_, p4) = c.clause("beijing-2021/9.4").unwrap();
        assert!(p4.normalized.contains("300万元"));
        assert_eq!(p4.parent.as_deref(), Some("beijing-2021/9"));
        assert_eq!(p4.heading.as_deref(), Some("支援企業掛牌上市"));
        assert_eq!(p4.chapter.as_deref(), Some("4"));
    }

    /// A folder of `n` copies of the bundled documents, with their manifest.
    fn folder_of_copies(n: usize) -> (tempfile::TempDir, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let metas = manifest::parse(BUNDLED_MANIFEST, "bundled").unwrap();
        let mut toml = String::new();
        let mut ids = Vec::new();
        for i in 0..n {
            let m = &metas[i % metas.len()];
            let text = BUNDLED_FILES.iter().find(|(f, _)| *f == m.file).unwrap().1;
            let id = format!("{}-{i}", m.id);
            std::fs::write(dir.path().join(format!("{id}.txt")), text).unwrap();
            toml.push_str(&format!(
                "[[document]]\nid = \"{id}\"\nfile = \"{id}.txt\"\ntitle = \"t\"\njurisdiction = \"X\"\nlevel = \"city\"\nstatus = \"final\"\n\n"
            ));
            ids.push(id);
        }
        std::fs::write(dir.path().join("manifest.toml"), toml).unwrap();
        (dir, ids)
    }

    #[test]
    fn documents_arrive_in_manifest_order_and_unloadable_ones_are_left_out_with_a_warning() {
        let (dir, ids) = folder_of_copies(12);
        let source = CorpusSource::Folder(dir.path().to_path_buf());
        let mut seen = Vec::new();
        let warnings = Corpus::for_each_mapped(
            &source,
            &|doc| (doc.meta.id.clone(), doc.clauses.len()),
            &mut |(id, clauses)| {
                assert!(clauses > 0);
                seen.push(id);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(seen, ids);
        assert!(warnings.is_empty());
        let loaded = Corpus::load(&source).unwrap();
        assert_eq!(
            loaded
                .documents
                .iter()
                .map(|d| &d.meta.id)
                .collect::<Vec<_>>(),
            ids.iter().collect::<Vec<_>>()
        );

        // a binary file and a missing one: both left out, each with a one-line warning
        // naming its file, in manifest order; every other document still arrives in order
        std::fs::write(
            dir.path().join(format!("{}.txt", ids[9])),
            [0u8, 159, 146, 150],
        )
        .unwrap();
        std::fs::remove_file(dir.path().join(format!("{}.txt", ids[4]))).unwrap();
        let mut visited = Vec::new();
        let warnings = Corpus::for_each(&source, &mut |doc| {
            visited.push(doc.meta.id);
            Ok(())
        })
        .unwrap();
        let expected: Vec<&String> = ids
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 4 && *i != 9)
            .map(|(_, id)| id)
            .collect();
        assert_eq!(visited.iter().collect::<Vec<_>>(), expected);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        for (w, i) in warnings.iter().zip([4, 9]) {
            assert_eq!(w.id.as_deref(), Some(ids[i].as_str()));
            let line = w.to_string();
            assert!(line.contains(&format!("{}.txt", ids[i])), "{line}");
            assert!(!line.contains('\n'), "{line}");
        }

        // an error of the visitor still stops the loading
        let mut n = 0;
        let err = Corpus::for_each(&source, &mut |_| {
            n += 1;
            if n == 3 {
                anyhow::bail!("stop")
            } else {
                Ok(())
            }
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "stop");
    }

    #[test]
    fn a_broken_user_manifest_leaves_the_bundled_documents_working() {
        let dir = tempfile::tempdir().unwrap();
        let user_dir = dir.path().join("corpus");
        std::fs::create_dir_all(&user_dir).unwrap();
        std::fs::write(
            user_dir.join("manifest.toml"),
            "[[document]]\nid = \"x\"\nfile =",
        )
        .unwrap();
        let c = Corpus::load(&CorpusSource::Bundled { user_dir }).unwrap();
        assert_eq!(c.documents.len(), bundled_ids().unwrap().len());
        assert_eq!(c.warnings.len(), 1);
        assert!(c.warnings[0].id.is_none());
        assert!(c.warnings[0].to_string().contains("manifest.toml"));
    }
}
