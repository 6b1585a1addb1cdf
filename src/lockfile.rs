//! An exclusive lock on a file, waited for: what every writer of shared data takes (the
//! store's writers, the user manifest, the digest), so that two processes never
//! read-modify-write the same thing at once.

use std::fs::File;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fs4::fs_std::FileExt;

/// Opens (creating it) the lock file `path` and takes its exclusive lock, trying again
/// every `poll` for at most `wait`; then fails with `busy()` (which names who holds it).
/// The lock is held until the returned file is dropped (or the process ends).
pub fn wait_exclusive(
    path: &Path,
    wait: Duration,
    poll: Duration,
    busy: impl Fn() -> String,
) -> Result<File> {
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .with_context(|| format!("{}: cannot create the lock file", path.display()))?;
    let start = Instant::now();
    loop {
        match file.try_lock_exclusive() {
            Ok(true) => return Ok(file),
            Ok(false) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e).with_context(|| format!("{}: cannot lock", path.display())),
        }
        if start.elapsed() > wait {
            bail!("{}: {}", path.display(), busy());
        }
        std::thread::sleep(poll);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_makes_the_second_taker_wait_then_say_who_holds_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        let first = wait_exclusive(&path, Duration::ZERO, Duration::ZERO, String::new).unwrap();
        let err = wait_exclusive(
            &path,
            Duration::from_millis(30),
            Duration::from_millis(5),
            || "held by the first".into(),
        )
        .unwrap_err();
        assert!(
            err.to_string().ends_with("lock: held by the first"),
            "{err}"
        );
        drop(first);
        wait_exclusive(&path, Duration::ZERO, Duration::ZERO, String::new).unwrap();
    }
}
