//! Chinese text normalisation shared by every stage: script conversion and the one
//! process-wide jieba segmenter.
//!
//! Matching always happens on a *normalised Simplified* form; display always shows the
//! original. [`to_simplified`] converts Taiwan-standard Traditional to Simplified one
//! character at a time (OpenCC `tw2s`), so the result has exactly as many `char`s as
//! the input and a character offset in one is the same character in the other.
//! Phrase-level conversion is deliberately not used: it rewrites valid Mainland words
//! (核心区 → 内核区). Taiwan *vocabulary* (支援/支持, 網路/网络 …) is handled by the
//! curated equivalence list in `corpus/synonyms.toml`, not here.

use std::path::Path;
use std::sync::{Arc, LazyLock, OnceLock};

use anyhow::Context;

use ferrous_opencc::{OpenCC, config::BuiltinConfig};
use jieba_rs::Jieba;

static CONVERTER: LazyLock<Option<OpenCC>> =
    LazyLock::new(|| OpenCC::from_config(BuiltinConfig::Tw2s).ok());

/// The Simplified form of `text`, with the same number of `char`s.
///
/// Simplified input is returned unchanged. If the converter ever produced a different
/// character count for a string, the conversion is redone character by character so
/// that offsets still line up.
pub fn to_simplified(text: &str) -> String {
    let Some(cc) = CONVERTER.as_ref() else {
        return text.to_string();
    };
    let converted = cc.convert(text);
    if converted.chars().count() == text.chars().count() {
        return keep_zhu(text, converted);
    }
    let mut out = String::with_capacity(text.len());
    let mut buf = [0u8; 4];
    for ch in text.chars() {
        let one = cc.convert(ch.encode_utf8(&mut buf));
        let mut it = one.chars();
        match (it.next(), it.next()) {
            (Some(c), None) => out.push(c),
            _ => out.push(ch),
        }
    }
    out
}

/// Words in which 著 stays 著 in Simplified (OpenCC only knows them in Traditional,
/// e.g. 顯著, so an already-Simplified 显著 would otherwise become 显着).
const ZHU_WORDS: &[&str] = &[
    "显著", "著名", "著作", "名著", "卓著", "昭著", "著称", "著述", "土著", "编著", "原著", "巨著",
    "论著", "专著", "遗著", "合著", "著者", "著录", "撰著",
];

/// Puts back 著 where tw2s turned it into 着 inside one of [`ZHU_WORDS`].
fn keep_zhu(original: &str, converted: String) -> String {
    if !original.contains('著') {
        return converted;
    }
    let orig: Vec<char> = original.chars().collect();
    let mut conv: Vec<char> = converted.chars().collect();
    for i in 0..conv.len() {
        if orig[i] != '著' || conv[i] != '着' {
            continue;
        }
        let word_at = |a: usize, b: usize| -> String {
            let mut w: String = conv[a..b].iter().collect();
            w = w.replace('着', "著");
            w
        };
        let before = i > 0 && ZHU_WORDS.contains(&word_at(i - 1, i + 1).as_str());
        let after = i + 1 < conv.len() && ZHU_WORDS.contains(&word_at(i, i + 2).as_str());
        if before || after {
            conv[i] = '著';
        }
    }
    conv.into_iter().collect()
}

/// The bundled jieba user dictionary (`corpus/dict.txt`): domain terms such as 专精特新.
pub const BUNDLED_DICTIONARY: &str = include_str!("../corpus/dict.txt");

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

/// The bundled query vocabulary (`corpus/synonyms.toml`).
pub const BUNDLED_SYNONYMS: &str = include_str!("../corpus/synonyms.toml");

/// Word groups used to widen a query, from `synonyms.toml`. Every word is stored in
/// Simplified.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vocabulary {
    /// The same word in Mainland and Taiwan vocabulary (支持 / 支援): applied to bare
    /// words and inside quoted phrases. The first word of a group is the Mainland form.
    pub equivalences: Vec<Vec<String>>,
    /// Different words accepted for one another (展会 / 博览会): bare words only.
    pub synonyms: Vec<Vec<String>>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct VocabularyFile {
    #[serde(default)]
    equivalence: Vec<WordGroup>,
    #[serde(default)]
    synonym: Vec<WordGroup>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct WordGroup {
    words: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

impl Vocabulary {
    /// Parses a `synonyms.toml`; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> anyhow::Result<Vocabulary> {
        let file: VocabularyFile =
            toml::from_str(text).map_err(|e| anyhow::anyhow!("{origin}: {e}"))?;
        let groups = |kind: &str, groups: Vec<WordGroup>| -> anyhow::Result<Vec<Vec<String>>> {
            groups
                .into_iter()
                .enumerate()
                .map(|(i, g)| {
                    let mut words: Vec<String> = Vec::new();
                    for w in g.words {
                        let w = to_simplified(w.trim()).to_lowercase();
                        if !w.is_empty() && !words.contains(&w) {
                            words.push(w);
                        }
                    }
                    if words.len() < 2 {
                        anyhow::bail!(
                            "{origin}: [[{kind}]] number {} needs at least two different words",
                            i + 1
                        );
                    }
                    Ok(words)
                })
                .collect()
        };
        Ok(Vocabulary {
            equivalences: groups("equivalence", file.equivalence)?,
            synonyms: groups("synonym", file.synonym)?,
        })
    }

    /// The bundled vocabulary.
    pub fn bundled() -> Vocabulary {
        Vocabulary::parse(BUNDLED_SYNONYMS, "corpus/synonyms.toml (bundled)")
            .expect("the bundled synonyms.toml is valid (checked by a test)")
    }

    /// `dir/synonyms.toml` when `dir` is given and has one, else the bundled vocabulary.
    pub fn load(dir: Option<&std::path::Path>) -> anyhow::Result<Vocabulary> {
        if let Some(path) = dir.map(|d| d.join("synonyms.toml")).filter(|p| p.is_file()) {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", path.display()))?;
            return Vocabulary::parse(&text, &path.display().to_string());
        }
        Ok(Vocabulary::bundled())
    }

    /// The Mainland form of a (Simplified) word if it is Taiwan vocabulary
    /// (支援 → 支持), else the word itself.
    pub fn mainland<'a>(&'a self, word: &'a str) -> &'a str {
        self.equivalences
            .iter()
            .find(|g| g.iter().any(|w| w == word))
            .map(|g| g[0].as_str())
            .unwrap_or(word)
    }
}

/// True for a CJK ideograph (the characters jieba segments as Chinese words).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2EBEF | 0x30000..=0x3134F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_becomes_simplified_with_same_length() {
        let t = "支持專精特新中小企業著力發展,産品創新";
        let s = to_simplified(t);
        assert_eq!(s, "支持专精特新中小企业着力发展,产品创新");
        assert_eq!(s.chars().count(), t.chars().count());
    }

    #[test]
    fn simplified_and_mainland_words_are_untouched() {
        for s in ["核心区中小微企业", "显著提升", "建立智慧城市"] {
            assert_eq!(to_simplified(s), s);
        }
        // the same 著 words in either script end up the same; 著力 becomes 着力
        assert_eq!(to_simplified("顯著提升"), to_simplified("显著提升"));
        assert_eq!(to_simplified("著力推動"), "着力推动");
    }

    #[test]
    fn bundled_vocabulary_keeps_equivalences_and_synonyms_apart() {
        let v = Vocabulary::bundled();
        assert!(
            v.equivalences
                .iter()
                .any(|g| g.contains(&"支援".to_string()))
        );
        assert!(
            v.equivalences
                .iter()
                .any(|g| g.contains(&"网际网路".to_string()))
        );
        assert!(v.synonyms.iter().any(|g| g.contains(&"博览会".to_string())));
        assert!(
            !v.equivalences
                .iter()
                .any(|g| g.contains(&"博览会".to_string()))
        );
        assert_eq!(v.mainland("支援"), "支持");
        assert_eq!(v.mainland("补贴"), "补贴");
    }

    #[test]
    fn vocabulary_errors_name_the_file() {
        let err =
            Vocabulary::parse("[[synonym]]\nwords = [\"展会\"]\n", "my/synonyms.toml").unwrap_err();
        assert!(err.to_string().contains("my/synonyms.toml"), "{err}");
    }

    #[test]
    fn domain_terms_are_single_words() {
        let j = jieba();
        for w in ["专精特新", "小巨人", "揭榜挂帅", "首台套", "服务券"] {
            let words: Vec<_> = j.cut(w, true).into_iter().map(|t| t.word).collect();
            assert_eq!(words, vec![w], "{w} was split");
        }
    }
}
