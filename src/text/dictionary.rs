//! jieba's default dictionary (`data/jieba/dict.txt`, vendored from jieba-rs, MIT), compiled
//! by `build.rs` into a finite-state transducer mapping each word to its frequency.
//!
//! The FST is embedded and used in place: nothing is parsed at start-up. It answers the
//! two questions segmentation needs: every word that occurs in a text (a prefix walk from
//! each character, see [`for_each_word_in`]), and the whole dictionary in order, to build
//! the full segmenter ([`for_each_word`]). Part-of-speech tags are not kept: nothing in
//! policynav uses them, and they do not change segmentation.

use std::ops::Range;
use std::sync::LazyLock;

use fst::Streamer;
use fst::raw::Output;

include!(concat!(env!("OUT_DIR"), "/jieba_dict.rs"));

static FST_BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/jieba_dict.fst"));

static MAP: LazyLock<fst::Map<&'static [u8]>> = LazyLock::new(|| {
    fst::Map::new(FST_BYTES).expect("the dictionary FST written by build.rs is valid")
});

/// The frequency of `word`, if it is in jieba's dictionary.
pub(crate) fn frequency(word: &str) -> Option<usize> {
    MAP.get(word).map(|f| f as usize)
}

/// Calls `found(bytes, frequency)` for every occurrence in `text` of a dictionary word:
/// for each character, the words starting there, shortest first.
pub(crate) fn for_each_word_in(text: &str, mut found: impl FnMut(Range<usize>, usize)) {
    let fst = MAP.as_fst();
    let bytes = text.as_bytes();
    for (start, _) in text.char_indices() {
        let mut node = fst.root();
        let mut out = Output::zero();
        for (i, b) in bytes[start..].iter().enumerate() {
            let Some(t) = node.find_input(*b) else { break };
            let t = node.transition(t);
            out = out.cat(t.out);
            node = fst.node(t.addr);
            // keys are UTF-8, so a final state is always at a character boundary
            if node.is_final() {
                let end = start + i + 1;
                found(start..end, out.cat(node.final_output()).value() as usize);
            }
        }
    }
}

/// Calls `each(word, frequency)` for every word of the dictionary, in byte order.
pub(crate) fn for_each_word(mut each: impl FnMut(&str, usize)) {
    let mut stream = MAP.stream();
    while let Some((word, freq)) = stream.next() {
        // keys come from a UTF-8 file (build.rs checks)
        if let Ok(word) = std::str::from_utf8(word) {
            each(word, freq as usize);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fst_holds_the_whole_dictionary() {
        assert_eq!(MAP.len(), WORDS);
        let (mut n, mut sum) = (0, 0);
        for_each_word(|_, f| {
            n += 1;
            sum += f;
        });
        assert_eq!((n, sum), (WORDS, TOTAL));
        assert!(n > 300_000, "{n}");
    }

    #[test]
    fn words_in_a_text_are_found_where_they_occur() {
        let text = "A股上市企业";
        let mut found = Vec::new();
        for_each_word_in(text, |r, f| found.push((&text[r], f)));
        for w in ["上市", "企业", "上", "市"] {
            let f = found.iter().find(|(x, _)| *x == w);
            assert_eq!(f.map(|x| x.1), frequency(w), "{w}: {found:?}");
            assert!(f.is_some(), "{w}: {found:?}");
        }
        assert!(found.iter().all(|(w, _)| frequency(w).is_some()));
        assert_eq!(frequency("上市企业上"), None);
    }
}
