//! Stage 1 — the corpus: load documents, clean the web-copy noise, and structure each
//! text into chapters, articles and provisions ([`Clause`]).
//!
//! Data flows one way: files + `manifest.toml` → [`Corpus`] → facts/topics → search
//! index → links → views. Nothing here knows about the later stages.

mod model;

pub use model::*;

use std::path::PathBuf;

use anyhow::Result;

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
        let _ = source;
        todo!("corpus loading")
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

    /// Every provision of every document.
    pub fn provisions(&self) -> impl Iterator<Item = (&Document, &Clause)> {
        self.clauses().filter(|(_, c)| c.kind == ClauseKind::Provision)
    }
}
