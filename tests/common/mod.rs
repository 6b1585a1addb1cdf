//! The one harness of the CLI suites (`cli_analysis`, `cli_corpus`, `cli_export`,
//! `cli_search`): the real binary, run as a user would, in a private sandbox per test.
//! Each suite uses a subset of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use tempfile::TempDir;

/// The `policynav` binary Cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_policynav");

/// The bundled corpus folder of this checkout (`corpus/`).
pub fn bundled_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// One test's private temporary folder: its data dir (`data/`: added documents, the
/// digest), its index (`index/`) and, optionally, its own copy of the bundled corpus
/// folder (`corpus/`). Every command runs inside it, with `--index`, the data dir,
/// no `$POLICYNAV_INDEX` and `NO_COLOR`.
pub struct Sandbox {
    dir: TempDir,
    corpus: Option<PathBuf>,
    today: Option<String>,
}

impl Sandbox {
    /// A sandbox over the bundled corpus (plus whatever is added to its data dir),
    /// on the real date.
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
            corpus: None,
            today: None,
        }
    }

    /// Fixes "today" (`$POLICYNAV_TODAY`, `YYYY-MM-DD`) for every command, so that
    /// statuses and dates in the output do not move with the calendar.
    pub fn today(self, day: &str) -> Sandbox {
        Sandbox {
            today: Some(day.to_string()),
            ..self
        }
    }

    /// Runs every command with `--corpus` on the sandbox's own copy of the files of
    /// the bundled corpus folder, which the test may edit (see [`Sandbox::corpus`]).
    pub fn with_corpus_copy(self) -> Sandbox {
        let copy = self.root().join("corpus");
        std::fs::create_dir_all(&copy).expect("corpus copy dir");
        for entry in std::fs::read_dir(bundled_corpus()).expect("bundled corpus") {
            let entry = entry.expect("corpus entry");
            if entry.file_type().expect("file type").is_file() {
                std::fs::copy(entry.path(), copy.join(entry.file_name())).expect("copy");
            }
        }
        Sandbox {
            corpus: Some(copy),
            ..self
        }
    }

    /// The sandbox folder itself, also the working directory of every command.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The data dir (`$POLICYNAV_DATA_DIR`): added documents under `corpus/`, the digest.
    pub fn data(&self) -> PathBuf {
        self.root().join("data")
    }

    /// The index folder given as `--index`.
    pub fn index_dir(&self) -> PathBuf {
        self.root().join("index")
    }

    /// The corpus copy given as `--corpus`; panics without [`Sandbox::with_corpus_copy`].
    pub fn corpus(&self) -> &Path {
        self.corpus.as_deref().expect("a sandbox with_corpus_copy")
    }

    /// `policynav` with the sandbox's environment and global options, ready for
    /// arguments.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(BIN);
        c.env("POLICYNAV_DATA_DIR", self.data())
            .env_remove("POLICYNAV_INDEX")
            .env("NO_COLOR", "1")
            .arg("--index")
            .arg(self.index_dir())
            .current_dir(self.root());
        if let Some(day) = &self.today {
            c.env("POLICYNAV_TODAY", day);
        }
        if let Some(corpus) = &self.corpus {
            c.arg("--corpus").arg(corpus);
        }
        c
    }

    /// Runs `policynav ARGS` to the end, whatever its exit status.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("policynav runs")
    }

    /// Runs `policynav ARGS`, which must succeed.
    pub fn ok(&self, args: &[&str]) -> Output {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// The standard output, UTF-8, of `policynav ARGS`, which must succeed.
    pub fn text(&self, args: &[&str]) -> String {
        String::from_utf8(self.ok(args).stdout).expect("UTF-8 output")
    }

    /// The standard output of `policynav ARGS`, which must succeed, as JSON.
    pub fn json(&self, args: &[&str]) -> Value {
        serde_json::from_slice(&self.ok(args).stdout).expect("JSON output")
    }

    /// Runs `policynav ARGS`, which must fail with one line on standard error that
    /// starts with `policynav: `; returns that error.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "{args:?} should fail");
        let err = String::from_utf8(out.stderr).expect("UTF-8 error");
        assert!(err.starts_with("policynav: "), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "not one line: {err}");
        err
    }
}
