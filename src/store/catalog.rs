//! The catalog: what one generation of the store holds (the documents' metadata in corpus
//! order, the stamps of the inputs, counts).
//!
//! It is kept as two files, because every process opens the store and few need every
//! document's metadata:
//! * the head (`catalog-<generation>.json`, a [`CatalogHead`]): build, stamps of the
//!   fixed inputs, counts, what was left out, and per document only its id, the size and
//!   time of its file, and where its entry is in the other file. This is what opening an
//!   unchanged store reads (at 10,000 documents about a tenth of the whole);
//! * the entries (`documents-<generation>.jsonl`): one [`CatalogEntry`] per line, in
//!   corpus order, read one at a time by [`Entries`] when a view asks for a document.
//!
//! Both are written once, under names of their own, before the tantivy commit whose
//! payload names the head: the commit is the one atomic step that makes a generation
//! current, so a process killed at any moment leaves the previous generation intact. The
//! head records the SHA-256 of the entries, which the full check (`index --check`, and
//! once after every change) verifies along with every entry.

use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use sha2::{Digest, Sha256};

use super::sources::Stamp;
use crate::model::DocumentMeta;

/// Bump when the catalog's fields change.
pub const CATALOG_FORMAT: u32 = 2;

/// One document of the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogEntry {
    /// What the manifest says.
    pub meta: DocumentMeta,
    /// The stamp of its file when it was analysed (`None` for a bundled document).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<Stamp>,
    /// Chapters and sections.
    pub chapters: u32,
    /// Articles.
    pub articles: u32,
    /// Articles, provisions and section texts.
    pub clauses: u32,
    /// Provisions.
    pub provisions: u32,
    /// Clauses a search can return.
    pub searchable: u32,
    /// Bytes of searchable clause text.
    pub text_bytes: u64,
}

/// A document of the manifest (or the user's manifest itself) that could not be read
/// and is not in the store, with the one-line reason. It is tried again when its
/// manifest entry or its file changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeftOut {
    /// The document's id; `None` for the user's manifest itself.
    pub id: Option<String>,
    /// What the manifest says of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<DocumentMeta>,
    /// The stamp of its file when it was tried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<Stamp>,
    /// Why, naming the file.
    pub message: String,
}

/// What a generation of the store is, apart from its documents: kept in the head, so
/// read by every process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerationInfo {
    /// [`CATALOG_FORMAT`].
    pub format: u32,
    /// Counts up with every change.
    pub generation: u64,
    /// The program build, schema and analyzer that made it.
    pub build: String,
    /// Stamps of the inputs that are not documents (manifest, domain files).
    pub fixed: Vec<Stamp>,
    /// The measure-type ids clauses were classified into.
    pub topics: Vec<String>,
    /// Mean "hubness" of the provisions (see the links stage).
    pub hub_mean: f32,
    /// When the full build that started this line of generations was made.
    pub built_at: String,
    /// What the corpus lists but could not be read, in corpus order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<LeftOut>,
}

impl GenerationInfo {
    /// The documents left out, as the warnings every command shows.
    pub fn warnings(&self) -> Vec<crate::corpus::LoadWarning> {
        self.left_out
            .iter()
            .map(|l| crate::corpus::LoadWarning {
                id: l.id.clone(),
                message: l.message.clone(),
            })
            .collect()
    }
}

/// What one generation of the store holds, whole: what a build or an update writes.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    /// The generation.
    pub info: GenerationInfo,
    /// The documents, in corpus order.
    pub documents: Vec<CatalogEntry>,
}

impl Catalog {
    /// Clauses a search can return.
    pub fn searchable(&self) -> u64 {
        self.documents.iter().map(|d| d.searchable as u64).sum()
    }

    /// Provisions.
    pub fn provisions(&self) -> u64 {
        self.documents.iter().map(|d| d.provisions as u64).sum()
    }

    /// Bytes of searchable text.
    pub fn text_bytes(&self) -> u64 {
        self.documents.iter().map(|d| d.text_bytes).sum()
    }

    /// The file name of this generation's catalog head.
    pub fn file_name(generation: u64) -> String {
        format!("catalog-{generation}.json")
    }

    /// The file name of this generation's catalog entries.
    pub fn entries_file_name(generation: u64) -> String {
        format!("documents-{generation}.jsonl")
    }

    /// Reads a whole catalog (head and every entry), checking the entries against the
    /// head: what the full check of a store does.
    pub fn read(dir: &Path, head_file: &str) -> std::result::Result<Catalog, String> {
        let head = CatalogHead::read(&dir.join(head_file))?;
        let path = dir.join(&head.entries_file);
        let bytes = fs::read(&path).map_err(|e| format!("damaged: {}: {e}", path.display()))?;
        if sha256_hex(&bytes) != head.entries_sha256 {
            return Err(format!("damaged: {}: fails its checksum", path.display()));
        }
        let mut documents = Vec::with_capacity(head.documents.len());
        for r in &head.documents {
            let entry = r.parse(&bytes, &path)?;
            documents.push(entry);
        }
        Ok(Catalog {
            info: head.info,
            documents,
        })
    }

    /// Writes this catalog into `dir` under its generation's names, durably (temporary
    /// files, sync, rename): the entries, then the head. Returns the head's path.
    pub fn write(&self, dir: &Path) -> Result<PathBuf> {
        let entries_file = Catalog::entries_file_name(self.info.generation);
        let mut lines: Vec<u8> = Vec::new();
        let mut refs = Vec::with_capacity(self.documents.len());
        for d in &self.documents {
            let at = lines.len() as u64;
            serde_json::to_writer(&mut lines, d)?;
            refs.push(DocumentRef {
                id: d.meta.id.clone(),
                file: d.stamp.as_ref().map(|_| d.meta.file.clone()),
                size: d.stamp.as_ref().and_then(|s| s.size),
                modified_ns: d.stamp.as_ref().and_then(|s| s.modified_ns),
                at,
                len: lines.len() as u64 - at,
            });
            lines.push(b'\n');
        }
        let head = CatalogHead {
            info: self.info.clone(),
            searchable: self.searchable(),
            provisions: self.provisions(),
            text_bytes: self.text_bytes(),
            entries_sha256: sha256_hex(&lines),
            entries_file: entries_file.clone(),
            documents: refs,
        };
        write_durably(&dir.join(&entries_file), &lines)?;
        let path = dir.join(Catalog::file_name(self.info.generation));
        write_durably(&path, &serde_json::to_vec(&head)?)?;
        Ok(path)
    }

    /// Removes the catalog files of `dir` other than the `keep` newest generations up
    /// to `current` (older readers may still be reading the generation before).
    pub fn remove_old(dir: &Path, current: u64, keep: u64) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(generation) = name
                .strip_prefix("catalog-")
                .or_else(|| name.strip_prefix("documents-"))
                .and_then(|r| r.strip_suffix(".part").unwrap_or(r).split_once('.'))
                .and_then(|(g, ext)| matches!(ext, "json" | "jsonl").then_some(g))
                .and_then(|g| g.parse::<u64>().ok())
            else {
                continue;
            };
            if generation + keep <= current || generation > current {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

/// SHA-256 of `bytes`, hex.
fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes `bytes` to `path` through a temporary file, synced, then renamed.
fn write_durably(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut part = path.as_os_str().to_owned();
    part.push(".part");
    let part = PathBuf::from(part);
    let cannot = || format!("{}: cannot write", part.display());
    let mut out = File::create(&part).with_context(cannot)?;
    out.write_all(bytes).with_context(cannot)?;
    out.sync_all().with_context(cannot)?;
    fs::rename(&part, path).with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(())
}

/// Where one document's entry is, and what opening needs of it without reading it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentRef {
    /// The document's id.
    #[serde(rename = "i")]
    pub id: String,
    /// Its file, relative to the corpus folder, when it has a stamp (not bundled).
    #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The size of its file when stamped.
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// The modification time of its file when stamped, in nanoseconds since 1970.
    #[serde(rename = "m", default, skip_serializing_if = "Option::is_none")]
    pub modified_ns: Option<u64>,
    /// Offset of its entry in the entries file.
    #[serde(rename = "o")]
    pub at: u64,
    /// Length of its entry.
    #[serde(rename = "n")]
    pub len: u64,
}

impl DocumentRef {
    /// Its entry, from the bytes of the whole entries file.
    fn parse(&self, bytes: &[u8], path: &Path) -> std::result::Result<CatalogEntry, String> {
        let range = usize::try_from(self.at).ok().and_then(|at| {
            let end = at.checked_add(usize::try_from(self.len).ok()?)?;
            bytes.get(at..end)
        });
        let Some(range) = range else {
            return Err(format!("damaged: {}: too short", path.display()));
        };
        self.decode(range, path)
    }

    fn decode(&self, bytes: &[u8], path: &Path) -> std::result::Result<CatalogEntry, String> {
        let entry: CatalogEntry = serde_json::from_slice(bytes)
            .map_err(|e| format!("damaged: {}: {e}", path.display()))?;
        if entry.meta.id != self.id {
            return Err(format!(
                "damaged: {}: entry of {:?} where {:?} belongs",
                path.display(),
                entry.meta.id,
                self.id
            ));
        }
        Ok(entry)
    }
}

/// The part of a catalog every process reads when it opens the store (see the module).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogHead {
    /// The generation.
    pub info: GenerationInfo,
    /// Clauses a search can return.
    pub searchable: u64,
    /// Provisions.
    pub provisions: u64,
    /// Bytes of searchable text.
    pub text_bytes: u64,
    /// The file of the entries, in the same folder.
    pub entries_file: String,
    /// SHA-256 of the entries file, hex.
    pub entries_sha256: String,
    /// The documents, in corpus order.
    pub documents: Vec<DocumentRef>,
}

impl CatalogHead {
    /// Reads a catalog head.
    pub fn read(path: &Path) -> std::result::Result<CatalogHead, String> {
        let text = fs::read(path).map_err(|e| format!("damaged: {}: {e}", path.display()))?;
        // straight into the head, no intermediate JSON tree; only when that fails is the
        // format read alone, to tell a catalog of another version from a damaged one
        #[derive(Deserialize)]
        struct Format {
            format: Option<u64>,
        }
        #[derive(Deserialize)]
        struct Head {
            // where the format is now, and where format 1 (no head) had it
            info: Option<Format>,
            format: Option<u64>,
        }
        let stale = || "stale: made by another version of policynav".to_string();
        let ours = Some(u64::from(CATALOG_FORMAT));
        match serde_json::from_slice::<CatalogHead>(&text) {
            Ok(c) if c.info.format == CATALOG_FORMAT => Ok(c),
            Ok(_) => Err(stale()),
            Err(e) => match serde_json::from_slice::<Head>(&text) {
                Ok(Head {
                    info: Some(Format { format }),
                    ..
                }) if format.is_some() && format != ours => Err(stale()),
                Ok(Head {
                    format: Some(old), ..
                }) if Some(old) != ours => Err(stale()),
                _ => Err(format!("damaged: {}: {e}", path.display())),
            },
        }
    }
}

/// The entries of a catalog, each read from its file the first time it is asked for
/// (a search reads the few of its hits; listing the documents reads them all at once).
#[derive(Debug)]
pub struct Entries {
    path: PathBuf,
    file: Mutex<Option<File>>,
    cells: Vec<OnceLock<CatalogEntry>>,
}

impl Entries {
    /// The entries of `head`, whose entries file is in `dir`; nothing is read yet.
    pub fn new(dir: &Path, head: &CatalogHead) -> Entries {
        Entries {
            path: dir.join(&head.entries_file),
            file: Mutex::new(None),
            cells: (0..head.documents.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The entry at position `i` of `head` (the head these entries were made for).
    /// `Err` says why it cannot be read: the entries file went missing or changed since
    /// the store was checked.
    pub fn get(&self, head: &CatalogHead, i: usize) -> std::result::Result<&CatalogEntry, String> {
        let (Some(cell), Some(r)) = (self.cells.get(i), head.documents.get(i)) else {
            return Err(format!("no document at position {i}"));
        };
        if let Some(e) = cell.get() {
            return Ok(e);
        }
        let mut bytes = vec![0; usize::try_from(r.len).unwrap_or(0)];
        {
            let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
            if file.is_none() {
                *file = Some(
                    File::open(&self.path)
                        .map_err(|e| format!("damaged: {}: {e}", self.path.display()))?,
                );
            }
            let f = file.as_mut().expect("opened above");
            f.seek(SeekFrom::Start(r.at))
                .and_then(|_| f.read_exact(&mut bytes))
                .map_err(|e| format!("damaged: {}: {e}", self.path.display()))?;
        }
        let entry = r.decode(&bytes, &self.path)?;
        Ok(cell.get_or_init(|| entry))
    }

    /// Reads every entry not read yet, with one read of the file.
    pub fn load_all(&self, head: &CatalogHead) -> std::result::Result<(), String> {
        if self.cells.iter().all(|c| c.get().is_some()) {
            return Ok(());
        }
        let bytes =
            fs::read(&self.path).map_err(|e| format!("damaged: {}: {e}", self.path.display()))?;
        let parse = |cells: &[OnceLock<CatalogEntry>], refs: &[DocumentRef]| {
            for (cell, r) in cells.iter().zip(refs) {
                if cell.get().is_none() {
                    let entry = r.parse(&bytes, &self.path)?;
                    let _ = cell.set(entry);
                }
            }
            Ok(())
        };
        // parsing is most of listing 10,000 documents: on every core, in corpus order
        const PER_THREAD: usize = 1024;
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(self.cells.len().div_ceil(PER_THREAD))
            .max(1);
        if threads == 1 {
            return parse(&self.cells, &head.documents);
        }
        let chunk = self.cells.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let parts: Vec<_> = self
                .cells
                .chunks(chunk)
                .zip(head.documents.chunks(chunk))
                .map(|(cells, refs)| scope.spawn(move || parse(cells, refs)))
                .collect();
            parts.into_iter().try_for_each(|p| {
                p.join()
                    .unwrap_or_else(|_| Err("a catalog reader failed".into()))
            })
        })
    }

    /// How many documents.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// True when there is no document.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
}

/// The payload of a tantivy commit: which catalog goes with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payload {
    /// The generation.
    pub generation: u64,
    /// The catalog file of that generation, in the index folder.
    pub catalog: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocumentMeta, Level, Status};

    fn entry(id: &str, title: &str, stamped: bool) -> CatalogEntry {
        CatalogEntry {
            meta: DocumentMeta {
                id: id.into(),
                file: format!("{id}.txt"),
                title: title.into(),
                jurisdiction: "Beijing".into(),
                jurisdiction_zh: Some("北京市".into()),
                level: Level::City,
                issuer: None,
                publisher: None,
                written: None,
                published: None,
                effective: None,
                expires: None,
                doc_number: None,
                supersedes: Vec::new(),
                status: Status::Final,
                note: None,
            },
            stamp: stamped.then(|| Stamp {
                path: PathBuf::from(format!("/corpus/{id}.txt")),
                size: Some(42),
                modified_ns: Some(7),
                sha256: Some("ab".repeat(32)),
            }),
            chapters: 1,
            articles: 2,
            clauses: 5,
            provisions: 3,
            searchable: 4,
            text_bytes: 100,
        }
    }

    fn catalog(generation: u64) -> Catalog {
        Catalog {
            info: GenerationInfo {
                format: CATALOG_FORMAT,
                generation,
                build: "test".into(),
                fixed: Vec::new(),
                topics: vec!["listing".into()],
                hub_mean: 0.5,
                built_at: "2026-12-02 10:00:00".into(),
                left_out: Vec::new(),
            },
            documents: vec![
                entry("a", "支持企业上市的若干措施\n(第二行)", true),
                entry("b", "专精特新“小巨人”", false),
                entry("c", "c", true),
            ],
        }
    }

    #[test]
    fn the_head_and_the_entries_read_back_what_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let written = catalog(3);
        written.write(dir.path()).unwrap();
        let head = CatalogHead::read(&dir.path().join(Catalog::file_name(3))).unwrap();
        assert_eq!(
            (head.searchable, head.provisions, head.text_bytes),
            (12, 9, 300)
        );
        let ids: Vec<&str> = head.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        // what opening checks without reading an entry: the file, its size and time
        assert_eq!(head.documents[0].file.as_deref(), Some("a.txt"));
        assert_eq!(
            (head.documents[0].size, head.documents[0].modified_ns),
            (Some(42), Some(7))
        );
        assert_eq!(
            head.documents[1].file, None,
            "a bundled document has no file to check"
        );

        // one entry at a time, in any order, or all at once: the same entries
        let entries = Entries::new(dir.path(), &head);
        assert_eq!(entries.get(&head, 1).unwrap(), &written.documents[1]);
        assert_eq!(entries.get(&head, 0).unwrap(), &written.documents[0]);
        assert!(entries.get(&head, 3).is_err());
        entries.load_all(&head).unwrap();
        assert_eq!(entries.get(&head, 2).unwrap(), &written.documents[2]);
        assert_eq!(
            Catalog::read(dir.path(), &Catalog::file_name(3)).unwrap(),
            written
        );
    }

    #[test]
    fn a_large_catalog_read_at_once_keeps_corpus_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut written = catalog(2);
        written.documents = (0..2500)
            .map(|i| entry(&format!("d{i}"), &format!("措施{i}"), i % 3 == 0))
            .collect();
        written.write(dir.path()).unwrap();
        let head = CatalogHead::read(&dir.path().join(Catalog::file_name(2))).unwrap();
        let entries = Entries::new(dir.path(), &head);
        // one read first, as a search does, then all (on several threads where there are)
        assert_eq!(entries.get(&head, 1700).unwrap(), &written.documents[1700]);
        entries.load_all(&head).unwrap();
        for (i, want) in written.documents.iter().enumerate() {
            assert_eq!(entries.get(&head, i).unwrap(), want);
        }
    }

    #[test]
    fn a_changed_entries_file_is_damage_not_a_wrong_answer() {
        let dir = tempfile::tempdir().unwrap();
        catalog(1).write(dir.path()).unwrap();
        let path = dir.path().join(Catalog::entries_file_name(1));
        let text = fs::read_to_string(&path).unwrap();
        // same length, another document's title: the checksum of the full check sees it
        fs::write(&path, text.replacen("上市", "挂牌", 1)).unwrap();
        let err = Catalog::read(dir.path(), &Catalog::file_name(1)).unwrap_err();
        assert!(
            err.starts_with("damaged:") && err.contains("checksum"),
            "{err}"
        );
        // entries swapped: an entry read alone is checked against the id it belongs to
        let lines: Vec<&str> = text.lines().collect();
        let swapped = format!("{}\n{}\n{}\n", lines[1], lines[0], lines[2]);
        fs::write(&path, swapped).unwrap();
        let head = CatalogHead::read(&dir.path().join(Catalog::file_name(1))).unwrap();
        let entries = Entries::new(dir.path(), &head);
        assert!(entries.get(&head, 2).is_ok());
        assert!(entries.get(&head, 0).unwrap_err().starts_with("damaged:"));
        // gone: said, not a panic
        fs::remove_file(&path).unwrap();
        let entries = Entries::new(dir.path(), &head);
        assert!(
            entries
                .get(&head, 0)
                .unwrap_err()
                .contains("documents-1.jsonl")
        );
        assert!(entries.load_all(&head).is_err());
    }

    #[test]
    fn a_catalog_of_another_format_is_stale() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(Catalog::file_name(1));
        fs::write(&path, r#"{"format":1,"generation":1,"documents":[]}"#).unwrap();
        assert!(CatalogHead::read(&path).unwrap_err().starts_with("stale:"));
        fs::write(&path, r#"{"info":{"format":1},"documents":[]}"#).unwrap();
        assert!(CatalogHead::read(&path).unwrap_err().starts_with("stale:"));
        fs::write(&path, r#"{"info":{"format":2,"generation":"#).unwrap();
        assert!(
            CatalogHead::read(&path)
                .unwrap_err()
                .starts_with("damaged:")
        );
    }

    #[test]
    fn old_generations_go_both_files_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        for g in 1..=4 {
            catalog(g).write(dir.path()).unwrap();
        }
        fs::write(dir.path().join("documents-9.jsonl.part"), "x").unwrap();
        fs::write(dir.path().join("notes.json"), "{}").unwrap();
        Catalog::remove_old(dir.path(), 4, 2);
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "catalog-3.json",
                "catalog-4.json",
                "documents-3.jsonl",
                "documents-4.jsonl",
                "notes.json"
            ]
        );
    }
}
