//! Stage 5 — export: the clause digest in Markdown, CSV, JSON, HTML and DOCX.
//!
//! [`render`] turns a selection of clause ids into a [`model::DigestReport`] (citations,
//! texts, support figures, agencies, measure types, statuses, optional equivalent
//! measures) and then into bytes in the chosen [`Format`]. [`write_file`] puts those
//! bytes on disk atomically. The TUI keeps the user's collected clauses in a
//! [`Digest`].

mod csv;
mod docx;
mod html;
mod md;
pub mod model;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::workspace::Workspace;

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
/// The "made on" date is [`Workspace::today`].
pub fn render(ws: &Workspace, ids: &[String], options: &Options) -> Result<Vec<u8>> {
    let report = model::build(ws, ids, options)?;
    render_report(&report, options.format)
}

/// Renders an already built digest.
pub fn render_report(report: &DigestReport, format: Format) -> Result<Vec<u8>> {
    Ok(match format {
        Format::Md => md::render(report).into_bytes(),
        Format::Csv => csv::render(report)?,
        Format::Json => {
            let mut bytes = serde_json::to_vec_pretty(report)?;
            bytes.push(b'\n');
            bytes
        }
        Format::Html => html::render(report).into_bytes(),
        Format::Docx => docx::render(report)?,
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
        }
    }

    /// True for formats that are not text (must not be written to a terminal).
    pub fn is_binary(self) -> bool {
        self == Format::Docx
    }
}

/// Writes `bytes` to `path` atomically (temporary file, then rename). An existing file
/// is only replaced with `force`; on any error nothing is left behind.
pub fn write_file(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    if path.is_dir() {
        bail!("{}: is a folder, not a file", path.display());
    }
    if !force && std::fs::symlink_metadata(path).is_ok() {
        bail!(
            "{}: already exists; not overwritten (use --force to replace it)",
            path.display()
        );
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        bail!(
            "{}: folder {} does not exist",
            path.display(),
            dir.display()
        );
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".policynav-")
        .suffix(".part")
        .tempfile_in(dir)
        .with_context(|| format!("{}: cannot write in {}", path.display(), dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("{}: cannot write", path.display()))?;
    set_readable_permissions(tmp.as_file(), path);
    // The temporary file is removed when `persist` fails, so nothing is left behind.
    if force {
        tmp.persist(path)
            .map_err(|e| e.error)
            .with_context(|| format!("{}: cannot write", path.display()))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                anyhow::anyhow!(
                    "{}: already exists; not overwritten (use --force to replace it)",
                    path.display()
                )
            } else {
                anyhow::Error::new(e.error).context(format!("{}: cannot write", path.display()))
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
