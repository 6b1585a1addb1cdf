//! What an index was built from, so that an up-to-date index is recognised without
//! reading the corpus: a stamp (size, modification time, SHA-256) of every input file,
//! plus the build of the program.
//!
//! The inputs of a corpus are its `manifest.toml`, the domain files of a `--corpus`
//! folder (`cleaning.toml`, `topics.toml`, `dict.txt`) and every document the manifest
//! lists. The bundled documents and domain files are part of the program, covered by
//! [`build_id`]. A file whose size and modification time are those recorded keeps its
//! recorded hash; any other file is hashed again, so touching a file costs a hash, not
//! a rebuild, and editing one always causes a rebuild.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::corpus::{CorpusSource, manifest};

/// The stamps of every input of an index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Sources {
    /// The program build, schema and analyzer that made the index ([`build_id`]).
    pub build: String,
    /// One stamp per input file: the fixed inputs first, then the documents.
    pub files: Vec<Stamp>,
}

/// One input file as it was when stamped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamp {
    /// The file.
    pub path: PathBuf,
    /// Its length; `None` when the file did not exist (an optional domain file).
    pub size: Option<u64>,
    /// Its modification time, in nanoseconds since 1970.
    pub modified_ns: Option<u64>,
    /// SHA-256 of its bytes, hex.
    pub sha256: Option<String>,
}

impl Stamp {
    fn same_content(&self, other: &Stamp) -> bool {
        self.path == other.path && self.size == other.size && self.sha256 == other.sha256
    }
}

impl Sources {
    /// Whether `self` and `other` describe the same inputs (times may differ).
    pub fn same_content(&self, other: &Sources) -> bool {
        self.build == other.build
            && self.files.len() == other.files.len()
            && self
                .files
                .iter()
                .zip(&other.files)
                .all(|(a, b)| a.same_content(b))
    }

    /// How many documents the corpus has, by these stamps (bundled ones included).
    pub fn documents(&self, source: &CorpusSource) -> Result<usize> {
        let listed = self.files.len().saturating_sub(fixed_inputs(source).len());
        Ok(match source {
            CorpusSource::Bundled { .. } => crate::corpus::bundled_ids()?.len() + listed,
            CorpusSource::Folder(_) => listed,
        })
    }

    /// One hex digest of the inputs, for display (`policynav index --json`).
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        let mut put = |s: &str| {
            h.update((s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        };
        put(&self.build);
        for f in &self.files {
            put(&f.path.to_string_lossy());
            put(f.sha256.as_deref().unwrap_or("absent"));
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The program build, index schema and analyzer version, as one string.
pub(crate) fn build_id(schema_version: u32, analyzer_version: u32) -> String {
    format!(
        "pipeline {} schema {schema_version} analyzer {analyzer_version}",
        env!("POLICYNAV_PIPELINE_HASH")
    )
}

/// The inputs every corpus of this source has, whether or not the files exist.
fn fixed_inputs(source: &CorpusSource) -> Vec<PathBuf> {
    match source {
        CorpusSource::Bundled { user_dir } => vec![user_dir.join("manifest.toml")],
        CorpusSource::Folder(dir) => ["manifest.toml", "cleaning.toml", "topics.toml", "dict.txt"]
            .iter()
            .map(|f| dir.join(f))
            .collect(),
    }
}

fn corpus_dir(source: &CorpusSource) -> &Path {
    match source {
        CorpusSource::Bundled { user_dir } => user_dir,
        CorpusSource::Folder(dir) => dir,
    }
}

/// Stamps the inputs of `source` as they are now, reusing the hashes in `previous` for
/// files whose size and modification time have not changed.
pub(crate) fn stamp(
    source: &CorpusSource,
    build: String,
    previous: Option<&Sources>,
) -> Result<Sources> {
    let known: HashMap<&Path, &Stamp> = previous
        .map(|p| p.files.iter().map(|s| (s.path.as_path(), s)).collect())
        .unwrap_or_default();
    let fixed = fixed_inputs(source);
    let mut files = Vec::with_capacity(fixed.len());
    for path in &fixed {
        files.push(stamp_file(path, &known)?);
    }
    // The documents are the ones recorded when the manifest is unchanged; else the
    // manifest says (it is read only then).
    let unchanged = previous
        .is_some_and(|p| p.files.len() >= fixed.len() && p.files[..fixed.len()] == files[..]);
    let documents: Vec<PathBuf> = match previous {
        Some(p) if unchanged => p.files[fixed.len()..]
            .iter()
            .map(|s| s.path.clone())
            .collect(),
        _ => {
            let dir = corpus_dir(source);
            let missing_ok = matches!(source, CorpusSource::Bundled { .. });
            manifest::read(&fixed[0], missing_ok)?
                .into_iter()
                .map(|m| dir.join(m.file))
                .collect()
        }
    };
    for path in &documents {
        files.push(stamp_file(path, &known)?);
    }
    Ok(Sources { build, files })
}

fn stamp_file(path: &Path, known: &HashMap<&Path, &Stamp>) -> Result<Stamp> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Stamp {
                path: path.to_path_buf(),
                size: None,
                modified_ns: None,
                sha256: None,
            });
        }
        Err(e) => return Err(e).with_context(|| format!("{}: cannot read", path.display())),
    };
    let size = meta.len();
    let modified_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .and_then(|d| u64::try_from(d.as_nanos()).ok());
    if let Some(old) = known.get(path)
        && old.size == Some(size)
        && old.modified_ns.is_some()
        && old.modified_ns == modified_ns
        && old.sha256.is_some()
    {
        return Ok((*old).clone());
    }
    Ok(Stamp {
        path: path.to_path_buf(),
        size: Some(size),
        modified_ns,
        sha256: Some(hash_file(path)?),
    })
}

fn hash_file(path: &Path) -> Result<String> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file
            .read(&mut buf)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> (tempfile::TempDir, CorpusSource) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("manifest.toml"),
            "[[document]]\nid = \"a\"\nfile = \"a.txt\"\ntitle = \"A\"\njurisdiction = \"Beijing\"\nlevel = \"municipality\"\nstatus = \"final\"\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("a.txt"), "一、支持企业上市。").unwrap();
        let source = CorpusSource::Folder(dir.path().to_path_buf());
        (dir, source)
    }

    #[test]
    fn unchanged_inputs_are_recognised_and_an_edit_is_not() {
        let (dir, source) = folder();
        let first = stamp(&source, "b".into(), None).unwrap();
        assert_eq!(
            first.files.len(),
            5,
            "manifest, three domain files, one document"
        );
        assert!(first.files[4].sha256.is_some());
        assert!(first.files[2].size.is_none(), "topics.toml is absent");
        let again = stamp(&source, "b".into(), Some(&first)).unwrap();
        assert!(again.same_content(&first));
        assert!(
            !stamp(&source, "other build".into(), Some(&first))
                .unwrap()
                .same_content(&first)
        );

        // same size, new content: the new modification time forces a re-hash
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.path().join("a.txt"), "一、支持企业挂牌。").unwrap();
        let edited = stamp(&source, "b".into(), Some(&first)).unwrap();
        assert!(!edited.same_content(&first));
        assert_ne!(edited.fingerprint(), first.fingerprint());

        // a domain dictionary appearing changes the inputs too
        std::fs::write(dir.path().join("dict.txt"), "专精特新 100\n").unwrap();
        let with_dict = stamp(&source, "b".into(), Some(&edited)).unwrap();
        assert!(!with_dict.same_content(&edited));
    }

    #[test]
    fn a_document_listed_but_missing_is_an_input_that_changed() {
        let (dir, source) = folder();
        let first = stamp(&source, "b".into(), None).unwrap();
        std::fs::remove_file(dir.path().join("a.txt")).unwrap();
        let now = stamp(&source, "b".into(), Some(&first)).unwrap();
        assert!(!now.same_content(&first));
    }
}
