//! `digest.json` shared by several navigators on one data folder: every change is a
//! read-merge-write under an OS file lock (`digest.lock`), so two navigators never
//! silently overwrite each other. A change made elsewhere since this navigator last
//! read the file is merged in (its additions kept, its removals honoured) and reported.

use std::fs::File;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::export::Digest;

use super::action::DigestSaved;

/// The lock file next to the digest.
pub const LOCK_FILE: &str = "digest.lock";
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// Holds the digest lock of a data folder until dropped.
pub struct DigestLock(#[allow(dead_code)] File);

/// Takes the digest lock of `data_dir`, waiting a little for another navigator.
pub fn lock(data_dir: &Path) -> Result<DigestLock> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("{}: cannot create the data folder", data_dir.display()))?;
    let file = crate::lockfile::wait_exclusive(
        &data_dir.join(LOCK_FILE),
        LOCK_WAIT,
        Duration::from_millis(20),
        || {
            format!(
                "another navigator has held the digest for {} s",
                LOCK_WAIT.as_secs()
            )
        },
    )?;
    Ok(DigestLock(file))
}

/// Merges this navigator's change (from `base` to `mine`) into what is on disk now:
/// the clauses it added are appended unless already there, the ones it removed are
/// taken out, the order is this navigator's where it has the same clauses.
pub fn merge(base: &Digest, mine: &Digest, disk: &Digest) -> Digest {
    if disk == base {
        return mine.clone();
    }
    let removed: Vec<&String> = base.ids.iter().filter(|i| !mine.ids.contains(i)).collect();
    let added: Vec<&String> = mine.ids.iter().filter(|i| !base.ids.contains(i)).collect();
    let mut ids: Vec<String> = disk
        .ids
        .iter()
        .filter(|i| !removed.contains(i))
        .cloned()
        .collect();
    for a in added {
        if !ids.contains(a) {
            ids.push(a.clone());
        }
    }
    Digest { ids }
}

/// Saves `mine` (changed from `base`), merging with what another navigator wrote
/// meanwhile; returns what is on disk now.
pub fn save(data_dir: &Path, base: &Digest, mine: &Digest) -> Result<DigestSaved> {
    let _lock = lock(data_dir)?;
    let disk = match Digest::load(data_dir) {
        Ok(d) => d,
        // an unreadable file is moved aside at start; here keep ours rather than fail
        Err(_) => base.clone(),
    };
    let merged = merge(base, mine, &disk);
    let note = (disk != *base).then(|| {
        let theirs: usize = disk.ids.iter().filter(|i| !base.ids.contains(i)).count();
        let gone: usize = base.ids.iter().filter(|i| !disk.ids.contains(i)).count();
        format!(
            "digest.json was changed by another navigator ({theirs} added, {gone} removed there); merged: {} clauses",
            merged.ids.len()
        )
    });
    if merged != disk {
        merged.save(data_dir)?;
    }
    Ok(DigestSaved {
        digest: merged,
        merged: note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(ids: &[&str]) -> Digest {
        Digest {
            ids: ids.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn both_navigators_changes_survive() {
        let base = d(&["a", "b"]);
        // here: c added, a removed; there: d added
        let merged = merge(&base, &d(&["b", "c"]), &d(&["a", "b", "d"]));
        assert_eq!(merged, d(&["b", "d", "c"]));
        // nothing changed there: ours as is, order included
        assert_eq!(merge(&base, &d(&["b", "a"]), &base), d(&["b", "a"]));
        // both added the same clause: once
        assert_eq!(
            merge(&base, &d(&["a", "b", "x"]), &d(&["a", "b", "x"])),
            d(&["a", "b", "x"])
        );
    }

    #[test]
    fn a_save_merges_what_another_navigator_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let base = d(&["a"]);
        base.save(dir.path()).unwrap();
        // the other navigator adds b
        d(&["a", "b"]).save(dir.path()).unwrap();
        let r = save(dir.path(), &base, &d(&["a", "c"])).unwrap();
        assert_eq!(r.digest, d(&["a", "b", "c"]));
        assert!(r.merged.is_some());
        assert_eq!(Digest::load(dir.path()).unwrap(), d(&["a", "b", "c"]));
        // a save with nothing changed there says nothing
        let r = save(dir.path(), &r.digest, &d(&["a", "b"])).unwrap();
        assert!(r.merged.is_none());
        assert_eq!(Digest::load(dir.path()).unwrap(), d(&["a", "b"]));
    }
}
