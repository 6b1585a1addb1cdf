//! Script handling: Taiwan-standard Traditional → Simplified, one character at a time.
//!
//! Matching always happens on a *normalised Simplified* form; display always shows the
//! original. [`to_simplified`] converts Taiwan-standard Traditional to Simplified one
//! character at a time (OpenCC `tw2s`), so the result has exactly as many `char`s as
//! the input and a character offset in one is the same character in the other.
//! Phrase-level conversion is deliberately not used: it rewrites valid Mainland words
//! (核心区 → 内核区). Taiwan *vocabulary* (支援/支持, 網路/网络 …) is handled by the
//! curated equivalence list in `corpus/synonyms.toml` ([`super::Vocabulary`]), not here.

use std::sync::LazyLock;

use ferrous_opencc::{OpenCC, config::BuiltinConfig};

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

/// Quotation marks and book-title brackets, in both scripts' styles: they set a term
/// off (“专精特新”板, 《办法》) without being part of it.
pub fn is_quotation_mark(c: char) -> bool {
    matches!(
        c,
        '“' | '”'
            | '‘'
            | '’'
            | '"'
            | '\''
            | '「'
            | '」'
            | '『'
            | '』'
            | '《'
            | '》'
            | '〈'
            | '〉'
    )
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
}
