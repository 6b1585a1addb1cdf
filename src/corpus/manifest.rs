//! `manifest.toml`: the list of documents in a corpus folder and their metadata.
//!
//! Errors name the file and the line. The user's manifest is written atomically
//! (temporary file + rename), so an interrupted `policynav add` never leaves it broken.

use std::collections::HashSet;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::DocumentMeta;

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestFile {
    #[serde(default, rename = "document")]
    documents: Vec<DocumentMeta>,
}

/// Header written at the top of a user manifest.
const USER_HEADER: &str = "# policynav: documents you added with `policynav add` (one [[document]] per file).\n\
# Edit with care; `policynav remove ID` takes a document out again.\n\n";

/// Parses a manifest; `origin` names the file in errors.
pub fn parse(text: &str, origin: &str) -> Result<Vec<DocumentMeta>> {
    let file: ManifestFile = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
            .unwrap_or(0);
        let msg = e.message().trim().replace('\n', " ");
        anyhow::anyhow!("{origin}, line {line}: {msg}")
    })?;
    let mut seen = HashSet::new();
    for meta in &file.documents {
        // found only for an error: searching for every id would be quadratic
        let line = || id_line(text, &meta.id);
        if !valid_id(&meta.id) {
            bail!(
                "{origin}, line {}: document id {:?} must be lowercase letters, digits and '-'",
                line(),
                meta.id
            );
        }
        if !seen.insert(meta.id.clone()) {
            bail!(
                "{origin}, line {}: duplicate document id {:?}",
                line(),
                meta.id
            );
        }
        if meta.file.is_empty() || meta.file.contains(['/', '\\']) || meta.file.starts_with('.') {
            bail!(
                "{origin}, line {}: file {:?} must be a plain file name in the same folder",
                line(),
                meta.file
            );
        }
        if meta.title.trim().is_empty() {
            bail!(
                "{origin}, line {}: document {:?} has an empty title",
                line(),
                meta.id
            );
        }
    }
    Ok(file.documents)
}

/// Reads and parses `dir/manifest.toml`; a missing file is an empty manifest when
/// `missing_ok`.
pub fn read(path: &Path, missing_ok: bool) -> Result<Vec<DocumentMeta>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if missing_ok && e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("{}: cannot read", path.display())),
    };
    parse(&text, &path.display().to_string())
}

/// Writes a manifest atomically (temporary file in the same folder, then rename).
pub fn write(path: &Path, documents: &[DocumentMeta]) -> Result<()> {
    let body = toml::to_string(&ManifestFile {
        documents: documents.to_vec(),
    })
    .context("cannot serialise the manifest")?;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create folder", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("{}: cannot create a temporary file", dir.display()))?;
    use std::io::Write;
    tmp.write_all(USER_HEADER.as_bytes())
        .and_then(|_| tmp.write_all(body.as_bytes()))
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("{}: cannot write", path.display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("{}: cannot replace", path.display()))?;
    Ok(())
}

/// True for ids made of lowercase ASCII letters, digits and inner hyphens.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// The line of `id = "…"` for this id (0 if not found).
fn id_line(text: &str, id: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim();
            l.starts_with("id") && l.contains(&format!("\"{id}\""))
        })
        .map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{Level, Status};

    #[test]
    fn bundled_manifest_parses_with_dates() {
        let docs = parse(crate::corpus::BUNDLED_MANIFEST, "corpus/manifest.toml").unwrap();
        assert_eq!(docs.len(), 5);
        let b = &docs[0];
        assert_eq!(b.id, "beijing-2021");
        assert_eq!(b.level, Level::Municipality);
        assert_eq!(b.status, Status::Final);
        assert_eq!(b.written.unwrap().to_string(), "2021-12-22");
    }

    #[test]
    fn errors_name_file_and_line() {
        let text = "[[document]]\nid = \"a\"\nfile = \"a.txt\"\ntitle = \"t\"\njurisdiction = \"X\"\nlevel = \"planet\"\nstatus = \"final\"\n";
        let err = parse(text, "m.toml").unwrap_err().to_string();
        assert!(err.starts_with("m.toml, line "), "{err}");
        assert!(!err.contains('\n'));
        let dup = format!(
            "{}{}",
            text.replace("planet", "city"),
            text.replace("planet", "city")
        );
        let err = parse(&dup, "m.toml").unwrap_err().to_string();
        assert!(
            err.contains("duplicate document id") && err.contains("line 2"),
            "{err}"
        );
        let typo = text.replace("planet", "city").replace("status", "statsu");
        assert!(parse(&typo, "m.toml").is_err());
    }

    #[test]
    fn write_then_read_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.toml");
        let docs = parse(crate::corpus::BUNDLED_MANIFEST, "m").unwrap();
        write(&path, &docs).unwrap();
        assert_eq!(read(&path, false).unwrap(), docs);
        assert!(
            read(&dir.path().join("none.toml"), true)
                .unwrap()
                .is_empty()
        );
    }
}
