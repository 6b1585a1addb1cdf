//! Computes `POLICYNAV_PIPELINE_HASH`: a hash of the code and bundled data that decide
//! what goes into the search index (the corpus, cleaning, structure, facts, topics and
//! analysis stages, and every file in `corpus/`). The index stores it, so an index built
//! by another version of the program is rebuilt instead of trusted. The views (`tui`,
//! `cli`, `export`) and the links stage do not change the index and are left out.

use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Source folders and files that do not affect the index contents.
const NOT_INDEX_INPUTS: &[&str] = &[
    "src/tui",
    "src/cli",
    "src/export",
    "src/links.rs",
    "src/main.rs",
];

fn main() {
    let mut files = Vec::new();
    collect(Path::new("src"), &mut files);
    files.retain(|p| !NOT_INDEX_INPUTS.iter().any(|skip| p.starts_with(skip)));
    // Only the top level of corpus/: a `--corpus corpus` run keeps its index in corpus/index.
    if let Ok(entries) = fs::read_dir("corpus") {
        for e in entries.flatten() {
            if e.path().is_file() {
                files.push(e.path());
            }
        }
    }
    files.sort();
    let mut h = Sha256::new();
    for path in &files {
        let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.to_string_lossy().replace('\\', "/");
        h.update((name.len() as u64).to_le_bytes());
        h.update(name.as_bytes());
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
        println!("cargo:rerun-if-changed={}", path.display());
    }
    println!("cargo:rerun-if-changed=src");
    let hex: String = h
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    println!("cargo:rustc-env=POLICYNAV_PIPELINE_HASH={hex}");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path
            .extension()
            .is_some_and(|x| x == "rs" || x == "toml" || x == "txt")
        {
            out.push(path);
        }
    }
}
