//! Word segmentation: the one process-wide jieba segmenter, with the domain dictionary
//! (`corpus/dict.txt`, or a `--corpus` folder's own).

use std::path::Path;
use std::sync::{Arc, LazyLock, OnceLock};

use anyhow::Context;
use jieba_rs::Jieba;

/// The bundled jieba user dictionary (`corpus/dict.txt`): domain terms such as 专精特新.
pub const BUNDLED_DICTIONARY: &str = include_str!("../../corpus/dict.txt");

/// The domain dictionary this process segments with: where it came from, and its text.
static DICTIONARY: OnceLock<(String, String)> = OnceLock::new();

const BUNDLED_DICTIONARY_ORIGIN: &str = "corpus/dict.txt (bundled)";

static JIEBA: LazyLock<Arc<Jieba>> = LazyLock::new(|| {
    let mut jieba = Jieba::new();
    let (_, text) = DICTIONARY.get_or_init(|| {
        (
            BUNDLED_DICTIONARY_ORIGIN.to_string(),
            BUNDLED_DICTIONARY.to_string(),
        )
    });
    load_user_dictionary(&mut jieba, text);
    Arc::new(jieba)
});

/// Chooses the domain dictionary: `dir/dict.txt` when a `--corpus` folder has one (it
/// replaces the bundled one, like its `topics.toml`), else the bundled dictionary.
///
/// The segmenter is loaded once per process, so this must be called before the first
/// segmentation; calling it again with the same dictionary is harmless, with another
/// one is an error.
pub fn use_dictionary_of(dir: Option<&Path>) -> anyhow::Result<()> {
    let (origin, text) = match dir.map(|d| d.join("dict.txt")).filter(|p| p.is_file()) {
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("{}: cannot read the dictionary", path.display()))?;
            (path.display().to_string(), text)
        }
        None => (
            BUNDLED_DICTIONARY_ORIGIN.to_string(),
            BUNDLED_DICTIONARY.to_string(),
        ),
    };
    let (used, used_text) = DICTIONARY.get_or_init(|| (origin.clone(), text.clone()));
    if *used_text != text {
        anyhow::bail!(
            "{origin}: this process already segments with {used}; use one corpus per run"
        );
    }
    Ok(())
}

/// The process-wide segmenter: jieba's dictionary plus the domain dictionary (see
/// [`use_dictionary_of`]).
///
/// Loading costs 120–160 ms and ~33 MB, so it happens once and is shared.
pub fn jieba() -> Arc<Jieba> {
    Arc::clone(&JIEBA)
}

/// Adds every `word [freq] [tag]` line of a user dictionary; `#` starts a comment.
fn load_user_dictionary(jieba: &mut Jieba, text: &str) {
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        let mut parts = line.split_whitespace();
        let Some(word) = parts.next() else { continue };
        let freq = parts.next().and_then(|f| f.parse().ok());
        let tag = parts.next();
        jieba.add_word(word, freq, tag);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_terms_are_single_words() {
        let j = jieba();
        for w in ["专精特新", "小巨人", "揭榜挂帅", "首台套", "服务券"] {
            let words: Vec<_> = j.cut(w, true).into_iter().map(|t| t.word).collect();
            assert_eq!(words, vec![w], "{w} was split");
        }
    }
}
