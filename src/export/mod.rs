//! Stage 5 — export: the clause digest in Markdown, CSV, Excel, JSON, HTML and Word.
//!
//! [`render`] turns a selection of clause ids into a [`model::DigestReport`] (citations,
//! texts, support figures, agencies, measure types, statuses, optional equivalent
//! measures, every label in the chosen language) and then into bytes in the chosen
//! [`Format`]. [`write_file`] puts those bytes on disk atomically. The TUI keeps the
//! user's collected clauses in a [`Digest`].

mod csv;
mod docx;
mod html;
mod md;
pub mod model;
mod words;
mod xlsx;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::Lang;
use crate::store::Store;
use crate::topics::Taxonomy;

pub use model::{DigestReport, resolve_ids};

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
    /// Self-contained HTML (prints to PDF from a browser).
    Html,
    /// Word document.
    Docx,
    /// Excel workbook.
    Xlsx,
}

/// How clauses are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// Not grouped: the clauses in the order collected.
    #[value(alias = "collected")]
    None,
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
    /// The day the digest is made, printed on it ([`DigestReport::generated`]).
    pub made_on: NaiveDate,
    /// Language of every label (Chinese by default).
    pub lang: Lang,
    /// CSV: keep cells exactly as printed, even those a spreadsheet would read as a
    /// formula (`=`, `+`, `-`, `@`); by default such cells get a leading `'`.
    pub csv_raw: bool,
    /// Leave out ids that are no longer in the corpus (listed in
    /// [`DigestReport::left_out`]) instead of failing.
    pub skip_missing: bool,
}

impl Options {
    /// The defaults for a digest made on `today`, with statuses as of that day: in
    /// Chinese, in the order collected, original text, no links, ids no longer in the
    /// corpus left out. (The library never reads the date itself: the CLI and the
    /// navigator pass [`Workspace::today`](crate::workspace::Workspace::today).)
    pub fn new(format: Format, today: NaiveDate) -> Options {
        Options {
            format,
            group_by: GroupBy::None,
            with_links: false,
            simplified: false,
            as_of: today,
            made_on: today,
            lang: Lang::Zh,
            csv_raw: false,
            skip_missing: true,
        }
    }
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
        let path = Digest::path(data_dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Digest::default()),
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("{}: cannot read the digest", path.display()));
            }
        };
        serde_json::from_str(&text)
            .with_context(|| format!("{}: not a policynav digest file", path.display()))
    }

    /// Saves the digest atomically (the data dir is created if needed).
    pub fn save(&self, data_dir: &Path) -> Result<()> {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("{}: cannot create the data folder", data_dir.display()))?;
        let mut bytes = serde_json::to_vec_pretty(self)?;
        bytes.push(b'\n');
        write_file(&Digest::path(data_dir), &bytes, true)
    }
}

/// Renders the clauses `ids` (in that order) as a digest.
///
/// An article id stands for its provisions and a document id for all of its
/// provisions (see [`resolve_ids`]). Unknown ids and an empty selection are errors.
/// Only the documents of those clauses (and of their links) are read from the store.
pub fn render(
    store: &Store,
    taxonomy: &Taxonomy,
    ids: &[String],
    options: &Options,
) -> Result<Vec<u8>> {
    let report = model::build(store, taxonomy, ids, options)?;
    render_report(&report, options)
}

/// Renders an already built digest in `options.format`.
pub fn render_report(report: &DigestReport, options: &Options) -> Result<Vec<u8>> {
    Ok(match options.format {
        Format::Md => md::render(report).into_bytes(),
        Format::Csv => csv::render(report, options.csv_raw)?,
        Format::Json => {
            let mut bytes = serde_json::to_vec_pretty(report)?;
            bytes.push(b'\n');
            bytes
        }
        Format::Html => html::render(report).into_bytes(),
        Format::Docx => docx::render(report)?,
        Format::Xlsx => xlsx::render(report)?,
    })
}

impl Format {
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
        }
    }

    /// True for formats that are not text (must not be written to a terminal).
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Docx | Format::Xlsx)
    }
}

/// How an export reaches its path (see [`target`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A regular file (new, or replaced with `force`): written to a temporary file
    /// beside it, then renamed into place. For a symbolic link this is the file it
    /// points to, so the link is kept.
    Atomic {
        /// The file to create or replace.
        path: PathBuf,
        /// Whether it exists (and may only be replaced with `force`).
        exists: bool,
    },
    /// A pipe or a character device (`/dev/null`, a terminal, a fifo): written
    /// directly, never replaced.
    Direct(PathBuf),
}

/// Where writing to `path` goes, refusing what must not be written: a folder, a block
/// device, a socket, or an existing file without `force`.
pub fn target(path: &Path, force: bool) -> Result<Target> {
    match std::fs::metadata(path) {
        Ok(meta) => {
            let kind = meta.file_type();
            if kind.is_dir() {
                bail!("{}: is a folder, not a file", path.display());
            }
            if kind.is_file() {
                if !force {
                    bail!(
                        "{}: already exists; not overwritten (use --force to replace it)",
                        path.display()
                    );
                }
                let resolved = std::fs::canonicalize(path)
                    .with_context(|| format!("{}: cannot resolve", path.display()))?;
                return Ok(Target::Atomic {
                    path: resolved,
                    exists: true,
                });
            }
            special_target(path, &kind)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Target::Atomic {
            path: dangling_target(path),
            exists: false,
        }),
        Err(e) => Err(e).with_context(|| format!("{}: cannot write", path.display())),
    }
}

#[cfg(unix)]
fn special_target(path: &Path, kind: &std::fs::FileType) -> Result<Target> {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() || kind.is_char_device() {
        return Ok(Target::Direct(path.to_path_buf()));
    }
    if kind.is_block_device() {
        bail!("{}: is a block device; not written", path.display());
    }
    bail!("{}: is not a regular file; not written", path.display())
}

#[cfg(not(unix))]
fn special_target(path: &Path, _kind: &std::fs::FileType) -> Result<Target> {
    bail!("{}: is not a regular file; not written", path.display())
}

/// The file a path names when it does not exist: the end of its chain of symbolic
/// links when it is a dangling link (so the link is kept), else the path itself.
fn dangling_target(path: &Path) -> PathBuf {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::read_link(&current) {
            Ok(next) => {
                current = match current.parent() {
                    Some(dir) if next.is_relative() => dir.join(next),
                    _ => next,
                };
            }
            Err(_) => break,
        }
    }
    current
}

/// Writes `bytes` to `path`: atomically for a regular file (temporary file, then
/// rename; through a symbolic link, the file it points to), directly to a pipe or a
/// character device. An existing file is only replaced with `force`; on any error
/// nothing is left behind.
pub fn write_file(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    let t = target(path, force)?;
    write_to(&t, path, bytes)
}

/// Writes `bytes` where [`target`] said (`shown` is the path named in errors).
pub fn write_to(target: &Target, shown: &Path, bytes: &[u8]) -> Result<()> {
    let (path, exists) = match target {
        Target::Direct(p) => {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(p)
                .with_context(|| format!("{}: cannot write", shown.display()))?;
            return f
                .write_all(bytes)
                .and_then(|()| f.flush())
                .with_context(|| format!("{}: cannot write", shown.display()));
        }
        Target::Atomic { path, exists } => (path.as_path(), *exists),
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        bail!(
            "{}: folder {} does not exist",
            shown.display(),
            dir.display()
        );
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".policynav-")
        .suffix(".part")
        .tempfile_in(dir)
        .with_context(|| format!("{}: cannot write in {}", shown.display(), dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("{}: cannot write", shown.display()))?;
    set_readable_permissions(tmp.as_file(), path);
    // The temporary file is removed when `persist` fails, so nothing is left behind.
    if exists {
        tmp.persist(path)
            .map_err(|e| e.error)
            .with_context(|| format!("{}: cannot write", shown.display()))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                anyhow::anyhow!(
                    "{}: already exists; not overwritten (use --force to replace it)",
                    shown.display()
                )
            } else {
                anyhow::Error::new(e.error).context(format!("{}: cannot write", shown.display()))
            }
        })?;
    }
    Ok(())
}

/// Temporary files are private (0600); a written report gets the usual 0644, or the
/// mode of the file it replaces.
#[cfg(unix)]
fn set_readable_permissions(file: &std::fs::File, target: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(target)
        .map(|m| m.permissions().mode() & 0o7777)
        .unwrap_or(0o644);
    let _ = file.set_permissions(std::fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
fn set_readable_permissions(_file: &std::fs::File, _target: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn write_refuses_to_overwrite_without_force_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("digest.md");
        write_file(&path, "一".as_bytes(), false).unwrap();
        let err = write_file(&path, "二".as_bytes(), false).unwrap_err();
        assert!(err.to_string().contains("already exists"), "{err:#}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "一");
        write_file(&path, "三".as_bytes(), true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "三");
        assert_eq!(entries(dir.path()), ["digest.md"]);
    }

    #[test]
    fn write_into_a_missing_folder_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_file(&dir.path().join("no/such/x.md"), b"x", false).unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err:#}");
        assert!(entries(dir.path()).is_empty());
        let err = write_file(dir.path(), b"x", true).unwrap_err();
        assert!(err.to_string().contains("is a folder"), "{err:#}");
    }

    #[cfg(unix)]
    #[test]
    fn written_files_are_readable_by_others() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.html");
        write_file(&path, b"<p>", false).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_pipes_are_written_directly_and_symlinks_through() {
        use std::os::unix::fs::symlink;
        // /dev/null: written, not replaced, with or without --force
        write_file(Path::new("/dev/null"), b"x", false).unwrap();
        write_file(Path::new("/dev/null"), b"x", true).unwrap();
        assert!(
            std::fs::metadata("/dev/null")
                .map(|m| !m.file_type().is_file())
                .unwrap()
        );

        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.md");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.md");
        symlink("real.md", &link).unwrap();
        let err = write_file(&link, b"new", false).unwrap_err();
        assert!(err.to_string().contains("already exists"), "{err:#}");
        write_file(&link, b"new", true).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");

        // a dangling link creates its target
        let dangling = dir.path().join("dangling.md");
        symlink("made.md", &dangling).unwrap();
        write_file(&dangling, b"made", false).unwrap();
        assert!(
            std::fs::symlink_metadata(&dangling)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("made.md")).unwrap(),
            "made"
        );
        assert_eq!(
            entries(dir.path()),
            ["dangling.md", "link.md", "made.md", "real.md"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_gets_a_direct_write() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo with a valid NUL-terminated path
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(&fifo).unwrap())
        };
        write_file(&fifo, "摘编".as_bytes(), false).unwrap();
        assert_eq!(reader.join().unwrap(), "摘编".as_bytes());
        assert_eq!(target(&fifo, false).unwrap(), Target::Direct(fifo.clone()));
        assert_eq!(entries(dir.path()), ["pipe"]);
    }

    #[test]
    fn digest_round_trips_and_starts_empty() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        assert_eq!(Digest::load(&data).unwrap(), Digest::default());
        let d = Digest {
            ids: vec!["beijing-2021/9.4".into(), "zhejiang-2023/5.1".into()],
        };
        d.save(&data).unwrap();
        assert_eq!(Digest::load(&data).unwrap(), d);
        std::fs::write(Digest::path(&data), "{not json").unwrap();
        let err = Digest::load(&data).unwrap_err();
        assert!(
            format!("{err:#}").contains("digest.json: not a policynav digest file"),
            "{err:#}"
        );
    }
}
