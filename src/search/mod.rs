//! Stage 3 — search: a jieba-based tantivy index over the normalised Simplified text.
//!
//! API contract used by the CLI, the TUI and export (bodies being built).

use std::ops::Range;

use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;

use crate::corpus::{Level, Validity};
use crate::workspace::Workspace;

/// Restrictions on which provisions a search may return.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Only this document id.
    pub doc: Option<String>,
    /// Only this jurisdiction (English or Chinese name, case-insensitive).
    pub jurisdiction: Option<String>,
    /// Only this administrative level.
    pub level: Option<Level>,
    /// Only provisions of this measure type (topic id).
    pub topic: Option<String>,
    /// Only documents with this standing on `as_of`.
    pub status: Option<Validity>,
    /// The date for `status` (today when `None`).
    pub as_of: Option<NaiveDate>,
    /// Only provisions offering support of at least this many yuan.
    pub min_amount: Option<f64>,
}

/// A search as the user asked it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    /// The query text, in any script, with optional "phrases" and -exclusions.
    pub query: String,
    /// Restrictions.
    pub filters: Filters,
    /// At most this many hits.
    pub limit: usize,
}

/// A highlighted excerpt of a provision's original text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snippet {
    /// The excerpt, in the original script.
    pub text: String,
    /// Byte ranges of `text` that matched, sorted, non-overlapping, merged when touching.
    pub highlights: Vec<Range<usize>>,
}

/// One provision found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Clause id.
    pub id: String,
    /// Document id.
    pub doc: String,
    /// Jurisdiction.
    pub jurisdiction: String,
    /// Path within the document.
    pub path: String,
    /// Article heading.
    pub heading: Option<String>,
    /// The provision's full original text.
    pub text: String,
    /// Highlighted excerpt.
    pub snippet: Snippet,
    /// BM25 score with boosts.
    pub score: f32,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    /// Hits, best first.
    pub hits: Vec<Hit>,
    /// How many provisions matched in all (before `limit`).
    pub total: usize,
    /// Hints about the query (ignored syntax, OR fallback …).
    pub notes: Vec<String>,
}

/// Progress of opening or building the index, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildProgress {
    /// Checking the existing index.
    Checking,
    /// Indexing: `done` of `total` clauses.
    Indexing {
        /// Clauses indexed so far.
        done: usize,
        /// Clauses to index.
        total: usize,
    },
    /// Ready to search.
    Ready,
}

/// The on-disk index, opened for searching.
pub struct SearchIndex {}

impl SearchIndex {
    /// Opens the index in `ws.locations.index_dir`, building it first when missing,
    /// stale (corpus, dictionary or schema changed) or damaged.
    pub fn open_or_build(ws: &Workspace, progress: &mut dyn FnMut(BuildProgress)) -> Result<SearchIndex> {
        let _ = (ws, progress);
        todo!("search index")
    }

    /// Runs a search.
    pub fn search(&self, ws: &Workspace, request: &SearchRequest) -> Result<SearchResults> {
        let _ = (ws, request);
        todo!("search")
    }
}
