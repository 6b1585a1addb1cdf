//! Checking the store's files: every file the current commit needs is there and its
//! checksum (tantivy writes one at the end of each file) is right, the catalog reads,
//! and the index holds as many searchable clauses as the catalog says.
//!
//! A full check reads every file, so it is done once per change: `verified.json` records
//! the size and modification time of the files that passed, and a store whose files
//! still look the same is not checked again. Any write to a file (a same-size corruption
//! included) changes its modification time and brings the check back.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;

use super::{Catalog, schema};

const MARKER: &str = "verified.json";

/// What the files looked like when they were last checked.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Marker {
    generation: u64,
    files: BTreeMap<String, (u64, u64)>,
}

fn snapshot(dir: &Path, generation: u64) -> Option<Marker> {
    let mut files = BTreeMap::new();
    for e in fs::read_dir(dir).ok()?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name == MARKER || name.ends_with(".lock") || name.ends_with(".part") {
            continue;
        }
        let m = e.metadata().ok()?;
        if !m.is_file() {
            continue;
        }
        let modified = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        files.insert(name, (m.len(), modified));
    }
    Some(Marker { generation, files })
}

/// Whether the files of `dir` are as they were when generation `generation` passed a
/// full check.
pub fn is_verified(dir: &Path, generation: u64) -> bool {
    let Ok(text) = fs::read(dir.join(MARKER)) else {
        return false;
    };
    let Ok(marker) = serde_json::from_slice::<Marker>(&text) else {
        return false;
    };
    snapshot(dir, generation).is_some_and(|now| now == marker)
}

/// Records that the files of `dir` passed a full check (best effort: a read-only
/// folder only means the check is made again next time).
pub fn mark_verified(dir: &Path, generation: u64) {
    let Some(marker) = snapshot(dir, generation) else {
        return;
    };
    let Ok(bytes) = serde_json::to_vec(&marker) else {
        return;
    };
    let part = dir.join(format!("{MARKER}.{}.part", std::process::id()));
    if fs::write(&part, bytes).is_ok() && fs::rename(&part, dir.join(MARKER)).is_err() {
        let _ = fs::remove_file(&part);
    }
}

/// Checks every file of the current generation in `dir`; says what is wrong.
pub fn check(dir: &Path) -> Result<u64, String> {
    let index = super::open_index(dir)?;
    let payload = super::read_payload(&index)?;
    let catalog = Catalog::read(dir, &payload.catalog)?;
    // a missing file stops the reader below; a changed one fails its checksum here
    let bad = index
        .validate_checksum()
        .map_err(|e| format!("damaged: {e}"))?;
    if let Some(file) = bad.iter().next() {
        return Err(format!(
            "damaged: {} fails its checksum{}",
            file.display(),
            if bad.len() > 1 {
                format!(" (and {} more files)", bad.len() - 1)
            } else {
                String::new()
            }
        ));
    }
    let fields = schema::fields_of(&index.schema()).map_err(|e| format!("stale: {e}"))?;
    let reader = index.reader().map_err(|e| format!("damaged: {e}"))?;
    let searcher = reader.searcher();
    let searchable = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        searcher.search(
            &TermQuery::new(
                tantivy::Term::from_field_text(fields.searchable, schema::SEARCHABLE),
                IndexRecordOption::Basic,
            ),
            &Count,
        )
    }))
    .map_err(|_| "damaged: reading the index failed".to_string())?
    .map_err(|e| format!("damaged: {e}"))?;
    if searchable as u64 != catalog.searchable() {
        return Err(format!(
            "damaged: {searchable} searchable clauses instead of {}",
            catalog.searchable()
        ));
    }
    Ok(payload.generation)
}
