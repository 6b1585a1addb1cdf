//! Computes `POLICYNAV_PIPELINE_HASH`: a hash of the code and bundled data that decide
//! what goes into the search index (the corpus, cleaning, structure, facts, topics and
//! analysis stages, and every file in `corpus/`). The index stores it, so an index built
//! by another version of the program is rebuilt instead of trusted. The views (`tui`,
//! `cli`, `export`, `compare`) and the parts of search that only read the index (query
//! parsing and evaluation, ranking, facets, suggestions) do not change what is written
//! and are left out, so that a new version of them keeps the store.
//!
//! It also compiles jieba's dictionary (`data/jieba/dict.txt`) into a finite-state
//! transducer, word → frequency, that `src/text/dictionary.rs` embeds.

use std::fs;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// jieba's default dictionary, vendored unchanged from jieba-rs (see `data/jieba/LICENSE`).
const JIEBA_DICTIONARY: &str = "data/jieba/dict.txt";

/// Source folders and files that do not affect the index contents.
const NOT_INDEX_INPUTS: &[&str] = &[
    "src/tui",
    "src/cli",
    "src/export",
    "src/main.rs",
    "src/compare.rs",
    "src/search/mod.rs",
    "src/search/query.rs",
    "src/search/rank.rs",
    "src/search/facets.rs",
    "src/search/snippet.rs",
    "src/search/suggest.rs",
    "src/search/top.rs",
    "src/search/union.rs",
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
    files.push(PathBuf::from(JIEBA_DICTIONARY));
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
    jieba_dictionary();
}

/// Writes `OUT_DIR/jieba_dict.fst` (the dictionary as an FST map, word → frequency) and
/// `OUT_DIR/jieba_dict.rs` (its word count and total frequency). Building takes a while
/// in an unoptimised build script, so it is redone only when the dictionary (or this
/// script) changed.
fn jieba_dictionary() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let bytes = fs::read(JIEBA_DICTIONARY).unwrap_or_else(|e| panic!("{JIEBA_DICTIONARY}: {e}"));
    // the outputs depend on the dictionary and on this script
    let mut h = Sha256::new();
    h.update(&bytes);
    h.update(fs::read("build.rs").unwrap_or_default());
    let digest: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let fst_path = out.join("jieba_dict.fst");
    let rs_path = out.join("jieba_dict.rs");
    let stamp = out.join("jieba_dict.sha256");
    if fs::read_to_string(&stamp).is_ok_and(|s| s == digest)
        && fst_path.is_file()
        && rs_path.is_file()
    {
        return;
    }
    let text = std::str::from_utf8(&bytes)
        .unwrap_or_else(|e| panic!("{JIEBA_DICTIONARY}: not UTF-8: {e}"));
    let file =
        fs::File::create(&fst_path).unwrap_or_else(|e| panic!("{}: {e}", fst_path.display()));
    let mut map = fst::MapBuilder::new(BufWriter::new(file)).expect("FST builder");
    let (mut words, mut total) = (0u64, 0u64);
    // Read as jieba-rs reads it: `word [freq [tag]]` split on ASCII whitespace, a
    // missing frequency is 0.
    for (n, line) in text.lines().enumerate() {
        let mut parts = line.split_ascii_whitespace();
        let Some(word) = parts.next() else { continue };
        let freq: u64 = parts.next().map_or(0, |f| {
            f.parse()
                .unwrap_or_else(|e| panic!("{JIEBA_DICTIONARY}:{}: frequency {f}: {e}", n + 1))
        });
        map.insert(word, freq).unwrap_or_else(|e| {
            panic!(
                "{JIEBA_DICTIONARY}:{}: {word}: {e} (words must be unique and in byte order)",
                n + 1
            )
        });
        words += 1;
        total += freq;
    }
    map.finish().expect("writing the dictionary FST");
    let consts = format!(
        "/// Words in jieba's dictionary.\n\
         #[allow(dead_code)]\n\
         pub(crate) const WORDS: usize = {words};\n\
         /// Sum of the frequencies of jieba's dictionary (jieba's `total`).\n\
         pub(crate) const TOTAL: usize = {total};\n"
    );
    fs::write(&rs_path, consts).unwrap_or_else(|e| panic!("{}: {e}", rs_path.display()));
    fs::write(&stamp, digest).unwrap_or_else(|e| panic!("{}: {e}", stamp.display()));
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
