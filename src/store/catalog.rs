//! The catalog: what one generation of the store holds, read by every process that opens
//! it (the documents' metadata in corpus order, the stamps of the inputs, counts).
//!
//! A catalog file is written once, under a name of its own (`catalog-<generation>.json`),
//! before the tantivy commit whose payload names it: the commit is the one atomic step
//! that makes a generation current, so a process killed at any moment leaves the
//! previous generation intact.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::sources::Stamp;
use crate::model::DocumentMeta;

/// Bump when the catalog's fields change.
pub const CATALOG_FORMAT: u32 = 1;

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

/// What one generation of the store holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    /// [`CATALOG_FORMAT`].
    pub format: u32,
    /// Counts up with every change.
    pub generation: u64,
    /// The program build, schema and analyzer that made it.
    pub build: String,
    /// Stamps of the inputs that are not documents (manifest, domain files).
    pub fixed: Vec<Stamp>,
    /// The documents, in corpus order.
    pub documents: Vec<CatalogEntry>,
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

    /// The document with this id.
    pub fn entry(&self, id: &str) -> Option<&CatalogEntry> {
        self.documents.iter().find(|d| d.meta.id == id)
    }

    /// The file name of this generation's catalog.
    pub fn file_name(generation: u64) -> String {
        format!("catalog-{generation}.json")
    }

    /// Reads a catalog file.
    pub fn read(path: &Path) -> std::result::Result<Catalog, String> {
        let text = fs::read(path).map_err(|e| format!("damaged: {}: {e}", path.display()))?;
        // straight into the catalog, no intermediate JSON tree (at 10,000 documents a
        // tree cost every command most of its start); only when that fails is the format
        // read alone, to tell a catalog of another version from a damaged one
        #[derive(Deserialize)]
        struct Head {
            format: Option<u64>,
        }
        let stale = || "stale: made by another version of policynav".to_string();
        match serde_json::from_slice::<Catalog>(&text) {
            Ok(c) if c.format == CATALOG_FORMAT => Ok(c),
            Ok(_) => Err(stale()),
            Err(e) => match serde_json::from_slice::<Head>(&text) {
                Ok(head) if head.format != Some(u64::from(CATALOG_FORMAT)) => Err(stale()),
                _ => Err(format!("damaged: {}: {e}", path.display())),
            },
        }
    }

    /// Writes this catalog into `dir` under its generation's name, durably (temporary
    /// file, sync, rename). Returns its path.
    pub fn write(&self, dir: &Path) -> Result<PathBuf> {
        let path = dir.join(Catalog::file_name(self.generation));
        let part = dir.join(format!("{}.part", Catalog::file_name(self.generation)));
        let mut out =
            File::create(&part).with_context(|| format!("{}: cannot write", part.display()))?;
        serde_json::to_writer(&mut out, self)
            .with_context(|| format!("{}: cannot write", part.display()))?;
        out.flush()?;
        out.sync_all()
            .with_context(|| format!("{}: cannot write", part.display()))?;
        fs::rename(&part, &path).with_context(|| format!("{}: cannot write", path.display()))?;
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
                .and_then(|r| {
                    r.strip_suffix(".json")
                        .or_else(|| r.strip_suffix(".json.part"))
                })
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

/// The payload of a tantivy commit: which catalog goes with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payload {
    /// The generation.
    pub generation: u64,
    /// The catalog file of that generation, in the index folder.
    pub catalog: String,
}
