//! Stage 5 — export: the clause digest in Markdown, CSV, JSON, HTML and DOCX.
//! API contract used by the CLI and the TUI (bodies being built).

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::workspace::Workspace;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Markdown.
    Md,
    /// CSV (UTF-8 with BOM).
    Csv,
    /// JSON.
    Json,
    /// Self-contained HTML.
    Html,
    /// Word document.
    Docx,
}

/// How clauses are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// By measure type.
    Topic,
    /// By jurisdiction.
    Jurisdiction,
    /// By document.
    Document,
}

/// Export settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Output format.
    pub format: Format,
    /// Grouping.
    pub group_by: GroupBy,
    /// Include each clause's equivalent measures elsewhere.
    pub with_links: bool,
    /// Show Simplified text instead of the original.
    pub simplified: bool,
    /// Date for document status.
    pub as_of: NaiveDate,
}

/// The user's collected clauses (the TUI's digest), persisted in the data dir.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Digest {
    /// Clause ids in the user's order.
    pub ids: Vec<String>,
}

impl Digest {
    /// Where the digest is stored for this data dir.
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join("digest.json")
    }

    /// Loads the digest (empty when none was saved).
    pub fn load(data_dir: &Path) -> Result<Digest> {
        let _ = data_dir;
        todo!("digest load")
    }

    /// Saves the digest atomically.
    pub fn save(&self, data_dir: &Path) -> Result<()> {
        let _ = data_dir;
        todo!("digest save")
    }
}

/// Renders the clauses `ids` (in that order) as a digest.
pub fn render(ws: &Workspace, ids: &[String], options: &Options) -> Result<Vec<u8>> {
    let _ = (ws, ids, options);
    todo!("export render")
}

/// Writes `bytes` to `path` atomically (temporary file, then rename). An existing file
/// is only replaced with `force`; on any error nothing is left behind.
pub fn write_file(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    let _ = (path, bytes, force);
    todo!("atomic write")
}
