//! What an index was built from, so that an up-to-date index is recognised without
//! reading the corpus: a stamp (size, modification time, SHA-256) of every input file,
//! plus the build of the program.
//!
//! The inputs of a corpus are its `manifest.toml`, the domain files of a `--corpus`
//! folder (`cleaning.toml`, `topics.toml`, `dict.txt`, `frames.toml`, `links.toml`) and
//! every document the manifest lists. The bundled documents and domain files are part of the program, covered by
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

use crate::corpus::CorpusSource;

/// One input file as it was when stamped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
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
    /// The same bytes (times may differ; so may the path by which the file was reached:
    /// the caller pairs stamps by role or document).
    pub fn same_content(&self, other: &Stamp) -> bool {
        self.size == other.size && self.sha256 == other.sha256
    }
}

/// The program build, index schema and analyzer version, as one string.
pub(crate) fn build_id(schema_version: u32, analyzer_version: u32) -> String {
    format!(
        "pipeline {} schema {schema_version} analyzer {analyzer_version}",
        env!("POLICYNAV_PIPELINE_HASH")
    )
}

/// The inputs every corpus of this source has, whether or not the files exist: the
/// manifest first, then the domain files of a `--corpus` folder.
fn fixed_inputs(source: &CorpusSource) -> Vec<PathBuf> {
    match source {
        CorpusSource::Bundled { user_dir } => vec![user_dir.join("manifest.toml")],
        CorpusSource::Folder(dir) => [
            "manifest.toml",
            "cleaning.toml",
            "topics.toml",
            "dict.txt",
            "frames.toml",
            "links.toml",
        ]
        .iter()
        .map(|f| dir.join(f))
        .collect(),
    }
}

/// Stamps the fixed inputs of `source` (manifest first), reusing the hashes in `known`
/// for files whose size and modification time have not changed.
pub(crate) fn stamp_fixed(
    source: &CorpusSource,
    known: &HashMap<&Path, &Stamp>,
) -> Result<Vec<Stamp>> {
    fixed_inputs(source)
        .iter()
        .map(|p| stamp_file(p, known))
        .collect()
}

/// True when every file of `stamps` (under `dir`: file, size, modification time) still
/// has the size and modification time stamped: what a process opening an unchanged store
/// checks, so it only asks the file system (on several threads for a large corpus) and
/// hashes nothing.
pub(crate) fn all_unchanged(dir: &Path, stamps: &[(&str, Option<u64>, Option<u64>)]) -> bool {
    let folder = Folder::open(dir);
    let same = |(file, size, modified): &(&str, Option<u64>, Option<u64>)| {
        folder.size_and_time(file).is_some_and(|(len, time)| {
            *size == Some(len) && modified.is_some() && *modified == time
        })
    };
    const PER_THREAD: usize = 1024;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(stamps.len().div_ceil(PER_THREAD))
        .max(1);
    if threads == 1 {
        return stamps.iter().all(same);
    }
    let chunk = stamps.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = stamps
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().all(same)))
            .collect();
        handles.into_iter().all(|h| h.join().unwrap_or(false))
    })
}

/// A folder whose files are looked up by name. On Unix the folder is opened once and
/// each file is asked for relative to it (`fstatat`), so the kernel walks one name per
/// file instead of the whole path: at 10,000 documents that walk was most of the check.
struct Folder<'a> {
    path: &'a Path,
    #[cfg(unix)]
    fd: Option<rustix::fd::OwnedFd>,
}

impl<'a> Folder<'a> {
    fn open(path: &'a Path) -> Folder<'a> {
        Folder {
            path,
            #[cfg(unix)]
            fd: {
                use rustix::fs::{Mode, OFlags};
                rustix::fs::open(
                    path,
                    OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                    Mode::empty(),
                )
                .ok()
            },
        }
    }

    /// The size and modification time (nanoseconds since 1970) of `file` in this folder,
    /// following symbolic links; `None` when it cannot be read.
    fn size_and_time(&self, file: &str) -> Option<(u64, Option<u64>)> {
        #[cfg(unix)]
        if let Some(fd) = &self.fd {
            let st = rustix::fs::statat(fd, file, rustix::fs::AtFlags::empty()).ok()?;
            let time = u64::try_from(st.st_mtime).ok().and_then(|secs| {
                // the field's type differs between platforms (u64 here, i64 on others)
                #[allow(clippy::useless_conversion)]
                let nanos = u64::try_from(st.st_mtime_nsec).ok()?;
                secs.checked_mul(1_000_000_000)?.checked_add(nanos)
            });
            return Some((u64::try_from(st.st_size).ok()?, time));
        }
        let meta = std::fs::metadata(self.path.join(file)).ok()?;
        let time = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .and_then(|d| u64::try_from(d.as_nanos()).ok());
        Some((meta.len(), time))
    }
}

/// The folder the manifest's file names are relative to.
pub(crate) fn corpus_dir(source: &CorpusSource) -> &Path {
    match source {
        CorpusSource::Bundled { user_dir } => user_dir,
        CorpusSource::Folder(dir) => dir,
    }
}

pub(crate) fn stamp_file(path: &Path, known: &HashMap<&Path, &Stamp>) -> Result<Stamp> {
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

    fn known(stamps: &[Stamp]) -> HashMap<&Path, &Stamp> {
        stamps.iter().map(|s| (s.path.as_path(), s)).collect()
    }

    #[test]
    fn unchanged_inputs_are_recognised_and_an_edit_is_not() {
        let (dir, source) = folder();
        let none = HashMap::new();
        let first = stamp_fixed(&source, &none).unwrap();
        assert_eq!(first.len(), 6, "manifest and five domain files");
        assert!(first[0].sha256.is_some());
        assert!(first[2].size.is_none(), "topics.toml is absent");
        let again = stamp_fixed(&source, &known(&first)).unwrap();
        assert!(again.iter().zip(&first).all(|(a, b)| a.same_content(b)));

        let doc = dir.path().join("a.txt");
        let before = stamp_file(&doc, &none).unwrap();
        // same size, new content: the new modification time forces a re-hash
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&doc, "一、支持企业挂牌。").unwrap();
        let after = stamp_file(&doc, &known(std::slice::from_ref(&before))).unwrap();
        assert!(!after.same_content(&before));

        // a domain dictionary appearing changes the fixed inputs
        std::fs::write(dir.path().join("dict.txt"), "专精特新 100\n").unwrap();
        let with_dict = stamp_fixed(&source, &known(&first)).unwrap();
        assert!(!with_dict[3].same_content(&first[3]));
    }

    #[test]
    fn an_unchanged_file_is_recognised_by_the_folder_check_and_an_edit_is_not() {
        let (dir, _) = folder();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/b.txt"), "二、支持企业挂牌。").unwrap();
        let none = HashMap::new();
        let stamps: Vec<(String, Stamp)> = ["a.txt", "sub/b.txt"]
            .iter()
            .map(|f| {
                (
                    f.to_string(),
                    stamp_file(&dir.path().join(f), &none).unwrap(),
                )
            })
            .collect();
        let as_checked = |stamps: &[(String, Stamp)]| -> Vec<(String, Option<u64>, Option<u64>)> {
            stamps
                .iter()
                .map(|(f, s)| (f.clone(), s.size, s.modified_ns))
                .collect()
        };
        let check = |list: &[(String, Option<u64>, Option<u64>)]| {
            let refs: Vec<(&str, Option<u64>, Option<u64>)> =
                list.iter().map(|(f, s, m)| (f.as_str(), *s, *m)).collect();
            all_unchanged(dir.path(), &refs)
        };
        assert!(
            check(&as_checked(&stamps)),
            "the times and sizes std reports"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.path().join("sub/b.txt"), "二、支持企业上市。").unwrap();
        assert!(!check(&as_checked(&stamps)), "same size, new time");
        let mut gone = as_checked(&stamps);
        gone.push(("missing.txt".into(), Some(1), Some(1)));
        assert!(!check(&gone));
    }

    #[test]
    fn a_missing_file_has_an_empty_stamp() {
        let (dir, _) = folder();
        let path = dir.path().join("a.txt");
        let none = HashMap::new();
        let first = stamp_file(&path, &none).unwrap();
        std::fs::remove_file(&path).unwrap();
        let now = stamp_file(&path, &none).unwrap();
        assert!(now.size.is_none() && !now.same_content(&first));
    }
}
