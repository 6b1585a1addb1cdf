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
}

impl Corpus {
    /// Loads, cleans and structures every document of `source`.
    ///
    /// Errors name the file (and line, for the manifest) that could not be used.
    pub fn load(source: &CorpusSource) -> Result<Corpus> {
        let mut documents = Vec::new();
        Corpus::for_each(source, &mut |doc| {
            documents.push(doc);
            Ok(())
        })?;
        Ok(Corpus { documents })
    }

    /// Loads the documents of `source` in [`Corpus::load`]'s order and hands each to
    /// `visit`: indexing a large corpus never holds more than a few documents in memory.
    pub fn for_each(
        source: &CorpusSource,
        visit: &mut dyn FnMut(Document) -> Result<()>,
    ) -> Result<()> {
        Corpus::for_each_mapped(source, &|doc| doc, visit)
    }

    /// Like [`Corpus::for_each`], with `map` applied to each document on the loading
    /// threads (the analysis of its clauses, say) before `visit` sees it, in order.
    ///
    /// Documents are read, cleaned and structured on up to four threads, at most a few
    /// documents ahead of `visit`. The first error, in manifest order, is returned.
    pub fn for_each_mapped<T: Send>(
        source: &CorpusSource,
        map: &(dyn Fn(Document) -> T + Sync),
        visit: &mut dyn FnMut(T) -> Result<()>,
    ) -> Result<()> {
        Corpus::for_each_selected(source, &|_| true, map, visit)
    }

    /// Like [`Corpus::for_each_mapped`], for the documents whose manifest entry `keep`
    /// accepts only (an incremental update of the store).
    pub fn for_each_selected<T: Send>(
        source: &CorpusSource,
        keep: &dyn Fn(&DocumentMeta) -> bool,
        map: &(dyn Fn(Document) -> T + Sync),
        visit: &mut dyn FnMut(T) -> Result<()>,
    ) -> Result<()> {
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
        let mut jobs = plan(source)?;
        jobs.retain(|j| keep(&j.meta));
        let load = |job: &Job| -> Result<T> { job.load(rules).map(map) };
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(MAX_LOADERS)
            .min(jobs.len());
        if threads <= 1 {
            for job in &jobs {
                visit(load(job)?)?;
            }
            return Ok(());
        }
        in_parallel(&jobs, threads, &load, visit)
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
    fn load(&self, rules: &Rules) -> Result<Document> {
        match &self.text {
            JobText::Bundled(text) => build_document(self.meta.clone(), text.to_string(), rules),
            JobText::File { path, manifest } => {
                let bytes = std::fs::read(path).with_context(|| {
                    format!(
                        "{}: cannot read (listed in {})",
                        path.display(),
                        manifest.display()
                    )
                })?;
                let decoded = import::decode(&bytes, path)?;
                build_document(self.meta.clone(), decoded.text, rules)
                    .with_context(|| format!("{}", path.display()))
            }
        }
    }
}

/// The documents of `source`, in order, from the manifests alone.
fn plan(source: &CorpusSource) -> Result<Vec<Job>> {
    let mut jobs = Vec::new();
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
            folder(user_dir, true, &mut jobs)?;
            for job in &jobs[bundled..] {
                if jobs[..bundled].iter().any(|b| b.meta.id == job.meta.id) {
                    bail!(
                        "{}: document id {:?} is already used by a bundled document",
                        user_dir.join("manifest.toml").display(),
                        job.meta.id
                    );
                }
            }
        }
        CorpusSource::Folder(dir) => folder(dir, false, &mut jobs)?,
    }
    Ok(jobs)
}

/// Runs `load` over `jobs` on `threads` threads and hands the results to `visit` in
/// order, letting the loaders run at most a few jobs ahead of it.
fn in_parallel<T: Send>(
    jobs: &[Job],
    threads: usize,
    load: &(dyn Fn(&Job) -> Result<T> + Sync),
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
        let (tx, rx) = mpsc::channel::<(usize, Result<T>)>();
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, stop, taken) = (&next, &stop, &taken);
            scope.spawn(move || {
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
        }
        drop(tx);
        let mut pending = std::collections::BTreeMap::new();
        let mut want = 0;
        let result = (|| {
            for (i, result) in &rx {
                pending.insert(i, result);
                while let Some(result) = pending.remove(&want) {
                    visit(result?)?;
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
    fn documents_arrive_in_manifest_order_with_the_first_error_in_that_order() {
        let (dir, ids) = folder_of_copies(12);
        let source = CorpusSource::Folder(dir.path().to_path_buf());
        let mut seen = Vec::new();
        Corpus::for_each_mapped(
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
        let loaded = Corpus::load(&source).unwrap();
        assert_eq!(
            loaded
                .documents
                .iter()
                .map(|d| &d.meta.id)
                .collect::<Vec<_>>(),
            ids.iter().collect::<Vec<_>>()
        );

        // two unreadable documents: the error names the earlier one, and nothing after
        // it reaches the visitor
        std::fs::write(
            dir.path().join(format!("{}.txt", ids[9])),
            [0u8, 159, 146, 150],
        )
        .unwrap();
        std::fs::remove_file(dir.path().join(format!("{}.txt", ids[4]))).unwrap();
        let mut visited = 0;
        let err = Corpus::for_each(&source, &mut |_| {
            visited += 1;
            Ok(())
        })
        .unwrap_err();
        assert!(
            format!("{err:#}").contains(&format!("{}.txt", ids[4])),
            "{err:#}"
        );
        assert_eq!(visited, 4);
    }
}
