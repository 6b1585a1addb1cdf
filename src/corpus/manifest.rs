//! `manifest.toml`: the list of documents in a corpus folder and their metadata.
//!
//! Errors name the file and the line. The user's manifest is written atomically
//! (temporary file + rename), so an interrupted `policynav add` never leaves it broken,
//! and edited in place ([`append`], [`remove_entry`]): its comments and layout stay.
//! Every change is made under the folder's [`ManifestLock`], held from reading the
//! manifest to writing it back, so that changes from several processes all land.

use std::collections::HashSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

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

/// Writes a manifest atomically (temporary file in the same folder, then rename), with
/// the user manifest's header. Comments of an existing file are lost: changes of one
/// document go through [`append`] and [`remove_entry`].
pub fn write(path: &Path, documents: &[DocumentMeta]) -> Result<()> {
    let body = toml::to_string(&ManifestFile {
        documents: documents.to_vec(),
    })
    .context("cannot serialise the manifest")?;
    write_text(path, &format!("{USER_HEADER}{body}"))
}

/// Adds `meta` at the end of the manifest at `path` (created with the user header if
/// missing), keeping everything else in the file as it is. The caller holds the lock.
pub fn append(path: &Path, meta: &DocumentMeta) -> Result<()> {
    let origin = path.display().to_string();
    let old = read_text(path)?.unwrap_or_default();
    let entry = toml::to_string(&ManifestFile {
        documents: vec![meta.clone()],
    })
    .context("cannot serialise the manifest entry")?;
    let text = match appended(&old, &entry) {
        Some(text) => text,
        // Not the usual `[[document]]` layout (an inline array, say): rewrite it whole.
        None => {
            let mut documents = parse(&old, &origin)?;
            documents.push(meta.clone());
            let body = toml::to_string(&ManifestFile { documents })
                .context("cannot serialise the manifest")?;
            format!("{USER_HEADER}{body}")
        }
    };
    check_and_write(path, &text, |docs| docs.iter().any(|d| d.id == meta.id))
}

/// Takes the entry of document `id` out of the manifest at `path`, keeping the rest of
/// the file as it is; comments directly above the entry (no blank line between) go
/// with it. Returns the entry, or `None` if the manifest has no such document. The
/// caller holds the lock.
pub fn remove_entry(path: &Path, id: &str) -> Result<Option<DocumentMeta>> {
    let origin = path.display().to_string();
    let Some(old) = read_text(path)? else {
        return Ok(None);
    };
    let documents = parse(&old, &origin)?;
    let Some(meta) = documents.iter().find(|d| d.id == id).cloned() else {
        return Ok(None);
    };
    let text = match without(&old, id) {
        Some(text) => text,
        None => {
            let rest: Vec<DocumentMeta> = documents.into_iter().filter(|d| d.id != id).collect();
            let body = toml::to_string(&ManifestFile { documents: rest })
                .context("cannot serialise the manifest")?;
            format!("{USER_HEADER}{body}")
        }
    };
    check_and_write(path, &text, |docs| docs.iter().all(|d| d.id != id))?;
    Ok(Some(meta))
}

/// `old` with the `[[document]]` table of `entry` added at the end, or `None` if
/// `old` is not laid out as an array of `[[document]]` tables.
fn appended(old: &str, entry: &str) -> Option<String> {
    let mut doc: toml_edit::DocumentMut = if old.trim().is_empty() {
        USER_HEADER.parse().ok()?
    } else {
        old.parse().ok()?
    };
    let new: toml_edit::DocumentMut = entry.parse().ok()?;
    let mut table = new.get("document")?.as_array_of_tables()?.get(0)?.clone();
    if doc.get("document").is_none() {
        // The file has no document yet: its comments (the header) stay on top.
        let trailing = doc.trailing().as_str().unwrap_or("").to_string();
        doc.set_trailing("");
        table.decor_mut().set_prefix(trailing);
        doc.insert(
            "document",
            toml_edit::Item::ArrayOfTables(toml_edit::ArrayOfTables::new()),
        );
    } else {
        table.decor_mut().set_prefix("\n");
    }
    let documents = doc.get_mut("document")?.as_array_of_tables_mut()?;
    let after = documents
        .iter()
        .filter_map(toml_edit::Table::position)
        .max()
        .unwrap_or(0);
    table.set_position(after + 1);
    documents.push(table);
    Some(doc.to_string())
}

/// `old` without the `[[document]]` table of `id`, or `None` if `old` is not laid out
/// as an array of `[[document]]` tables.
fn without(old: &str, id: &str) -> Option<String> {
    let mut doc: toml_edit::DocumentMut = old.parse().ok()?;
    let documents = doc.get_mut("document")?.as_array_of_tables_mut()?;
    let at = documents
        .iter()
        .position(|t| t.get("id").and_then(|v| v.as_str()) == Some(id))?;
    let removed = documents.remove(at);
    // The comments above the entry: a block separated from it by a blank line belongs
    // to what comes before (the file's header, say) and is kept.
    let prefix = removed
        .decor()
        .prefix()
        .and_then(|p| p.as_str())
        .unwrap_or("")
        .to_string();
    let kept = match prefix.trim_end_matches([' ', '\t']).rfind("\n\n") {
        Some(end) => &prefix[..end + 2],
        None => "",
    };
    if !kept.trim().is_empty() {
        match documents.get_mut(at) {
            Some(next) => {
                let next_prefix = next
                    .decor()
                    .prefix()
                    .and_then(|p| p.as_str())
                    .unwrap_or("")
                    .to_string();
                next.decor_mut()
                    .set_prefix(format!("{kept}{}", next_prefix.trim_start_matches('\n')));
            }
            None => {
                let trailing = doc.trailing().as_str().unwrap_or("").to_string();
                doc.set_trailing(format!("{kept}{trailing}"));
            }
        }
    }
    Some(doc.to_string())
}

/// Parses `text` as a manifest and checks `landed` on it before writing it: an edit
/// that would leave a manifest policynav cannot read is never written.
fn check_and_write(
    path: &Path,
    text: &str,
    landed: impl Fn(&[DocumentMeta]) -> bool,
) -> Result<()> {
    let docs = parse(text, &path.display().to_string()).with_context(|| {
        format!(
            "{}: the edited manifest would not read back",
            path.display()
        )
    })?;
    if !landed(&docs) {
        bail!("{}: the edit did not take effect", path.display());
    }
    write_text(path, text)
}

/// The manifest's text, or `None` if there is no manifest.
fn read_text(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("{}: cannot read", path.display())),
    }
}

/// Prefix of the temporary files policynav writes in a corpus folder.
pub const TEMP_PREFIX: &str = ".policynav-tmp-";

/// A temporary file in `dir`, renamed into place when complete; cleaned up by the next
/// [`ManifestLock`] if the process is killed before.
pub fn temp_file_in(dir: &Path) -> Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)
        .with_context(|| format!("{}: cannot create a temporary file", dir.display()))
}

/// Writes `text` to `path` atomically: temporary file in the same folder, synced, then
/// renamed over `path`.
fn write_text(path: &Path, text: &str) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create folder", dir.display()))?;
    let mut tmp = temp_file_in(dir)?;
    use std::io::Write;
    tmp.write_all(text.as_bytes())
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("{}: cannot write", path.display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("{}: cannot replace", path.display()))?;
    sync_dir(dir);
    Ok(())
}

/// Makes a rename in `dir` durable (best effort; not possible on every platform).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// The lock file of a corpus folder.
pub const LOCK_FILE: &str = "manifest.lock";

/// How long a change waits for another process's change before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(120);

/// An exclusive lock on a corpus folder (an OS file lock on `manifest.lock` in it),
/// held by `add` and `remove` from reading the manifest to writing it back. The OS
/// releases it when the process ends, however it ends, so no lock is ever stale.
#[derive(Debug)]
pub struct ManifestLock {
    _file: File,
    dir: PathBuf,
}

impl ManifestLock {
    /// Locks `dir` (created if needed), waiting for another process's change to finish,
    /// then removes the temporary files a killed process left there.
    pub fn acquire(dir: &Path) -> Result<ManifestLock> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create folder", dir.display()))?;
        let file = crate::lockfile::wait_exclusive(
            &dir.join(LOCK_FILE),
            LOCK_WAIT,
            Duration::from_millis(10),
            || {
                format!(
                    "another policynav process has been changing this folder for {} minutes",
                    LOCK_WAIT.as_secs() / 60
                )
            },
        )?;
        let lock = ManifestLock {
            _file: file,
            dir: dir.to_path_buf(),
        };
        lock.clean_leftovers();
        Ok(lock)
    }

    /// The locked folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Removes temporary files left by a process killed in the middle of a change: the
    /// ones this module names, and tempfile's default `.tmpXXXXXX` of older versions.
    fn clean_leftovers(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                continue;
            };
            let legacy = name.len() == 10
                && name.starts_with(".tmp")
                && name[4..].chars().all(|c| c.is_ascii_alphanumeric());
            if (name.starts_with(TEMP_PREFIX) || legacy)
                && entry.file_type().is_ok_and(|t| t.is_file())
            {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
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

    fn meta(id: &str) -> DocumentMeta {
        let mut m = parse(crate::corpus::BUNDLED_MANIFEST, "m").unwrap()[0].clone();
        m.id = id.to_string();
        m.file = format!("{id}.txt");
        m
    }

    #[test]
    fn append_and_remove_keep_the_comments_and_the_other_entries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.toml");
        append(&path, &meta("a")).unwrap();
        let fresh = std::fs::read_to_string(&path).unwrap();
        assert!(fresh.starts_with(USER_HEADER), "{fresh}");
        // the user comments the file by hand
        let edited = fresh.replace(
            "\n[[document]]\n",
            "\n# my note on a: from the portal, 2024\n[[document]]\n",
        ) + "# a note at the end\n";
        std::fs::write(&path, &edited).unwrap();
        append(&path, &meta("b")).unwrap();
        append(&path, &meta("c")).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with(&edited.replace("# a note at the end\n", "")),
            "{text}"
        );
        assert!(text.contains("# a note at the end"), "{text}");
        let ids = |p: &Path| {
            read(p, false)
                .unwrap()
                .into_iter()
                .map(|m| m.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&path), ["a", "b", "c"]);

        // removing b keeps a's comment, the header and c
        assert_eq!(remove_entry(&path, "b").unwrap().unwrap().id, "b");
        assert_eq!(ids(&path), ["a", "c"]);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(USER_HEADER), "{text}");
        assert!(text.contains("# my note on a"), "{text}");
        assert!(text.contains("# a note at the end"), "{text}");
        // removing a takes its own comment with it, but not the header above it
        remove_entry(&path, "a").unwrap().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("# my note on a"), "{text}");
        assert!(text.starts_with(USER_HEADER), "{text}");
        assert_eq!(ids(&path), ["c"]);
        assert!(remove_entry(&path, "a").unwrap().is_none());
        remove_entry(&path, "c").unwrap().unwrap();
        assert!(ids(&path).is_empty());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(USER_HEADER), "{text}");
        append(&path, &meta("d")).unwrap();
        assert_eq!(ids(&path), ["d"]);
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .starts_with(USER_HEADER)
        );
    }

    #[test]
    fn an_inline_array_manifest_is_rewritten_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.toml");
        std::fs::write(
            &path,
            "document = [{ id = \"a\", file = \"a.txt\", title = \"t\", jurisdiction = \"X\", level = \"city\", status = \"final\" }]\n",
        )
        .unwrap();
        append(&path, &meta("b")).unwrap();
        let ids: Vec<String> = read(&path, false)
            .unwrap()
            .into_iter()
            .map(|m| m.id)
            .collect();
        assert_eq!(ids, ["a", "b"]);
    }

    #[test]
    fn the_lock_cleans_leftover_temporary_files_only() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            ".policynav-tmp-abc123",
            ".tmpAbC123",
            "notes.txt",
            ".tmp-keep-me",
        ] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let lock = ManifestLock::acquire(dir.path()).unwrap();
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".tmp-keep-me", "manifest.lock", "notes.txt"]);
        assert_eq!(lock.dir(), dir.path());
    }
}
