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

use std::sync::{Arc, LazyLock};

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
        return converted;
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

/// The bundled jieba user dictionary (`corpus/dict.txt`): domain terms such as 专精特新.
pub const BUNDLED_DICTIONARY: &str = include_str!("../corpus/dict.txt");

static JIEBA: LazyLock<Arc<Jieba>> = LazyLock::new(|| {
    let mut jieba = Jieba::new();
    load_user_dictionary(&mut jieba, BUNDLED_DICTIONARY);
    Arc::new(jieba)
});

/// The process-wide segmenter: jieba's dictionary plus the bundled domain dictionary.
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
