//! Word segmentation: jieba with its dictionary ([`super::dictionary`]) and the domain
//! dictionary (`corpus/dict.txt`, or a `--corpus` folder's own).
//!
//! Two segmenters give the same words:
//!
//! * [`jieba()`]: the process-wide jieba holding the whole dictionary, for indexing and
//!   other batches. Loading it takes ~200 ms and ~35 MB.
//! * [`jieba_for`]: a jieba built for one text in well under a millisecond, holding only
//!   the dictionary words that occur in that text, for a query or a snippet.
//!
//! Why they agree: jieba segments a text from the dictionary words that are substrings
//! of it (the DAG of each block, the sub-words of search mode, the HMM fallback's "is
//! this run a word" check), their frequencies and the dictionary's total frequency;
//! nothing else of the dictionary is read. The small jieba therefore holds every such
//! word with the frequency the full one gives it, plus one entry that cannot occur in
//! the text whose frequency makes the totals equal. The domain dictionary is replayed the
//! way jieba's `add_word` applies it, in order, including the frequencies jieba suggests
//! for words listed without one (they depend on what was loaded before). The tests below
//! compare both on the whole corpus and on random text.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use anyhow::Context;
use jieba_rs::Jieba;

use super::dictionary;

/// The bundled jieba user dictionary (`corpus/dict.txt`): domain terms such as 专精特新.
pub const BUNDLED_DICTIONARY: &str = include_str!("../../corpus/dict.txt");

/// The domain dictionary this process segments with: where it came from, and its text.
static DICTIONARY: OnceLock<(String, String)> = OnceLock::new();

const BUNDLED_DICTIONARY_ORIGIN: &str = "corpus/dict.txt (bundled)";

/// The full segmenter, once loaded.
static JIEBA: OnceLock<Arc<Jieba>> = OnceLock::new();

/// What the full segmenter's dictionary would be, for building small ones.
static WORDS: OnceLock<Words> = OnceLock::new();

/// The domain dictionary in use (the bundled one unless [`use_dictionary_of`] chose another).
fn domain_text() -> &'static str {
    &DICTIONARY
        .get_or_init(|| {
            (
                BUNDLED_DICTIONARY_ORIGIN.to_string(),
                BUNDLED_DICTIONARY.to_string(),
            )
        })
        .1
}

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
/// Loading costs ~200 ms and ~35 MB, so it happens once and is shared. To segment one
/// short text (a query, a snippet), [`jieba_for`] is much cheaper and gives the same
/// words.
pub fn jieba() -> Arc<Jieba> {
    Arc::clone(JIEBA.get_or_init(|| Arc::new(full_jieba(domain_text()))))
}

/// Loads the full segmenter ([`jieba()`]) on a thread of its own, once per process, so
/// that a process that goes on segmenting (the navigator searching as the user types)
/// stops building a small one for every text ([`jieba_for`] returns the full one once it
/// is loaded). A process that segments once, such as `policynav search`, never calls it.
pub fn preload_jieba() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        if JIEBA.get().is_none() {
            let spawned = std::thread::Builder::new()
                .name("jieba-load".into())
                .spawn(|| drop(jieba()));
            // without a thread, texts are still segmented by small segmenters
            drop(spawned);
        }
    });
}

/// Whether this process has loaded the full segmenter ([`jieba()`]).
pub fn jieba_loaded() -> bool {
    JIEBA.get().is_some()
}

/// A segmenter for `text`: it segments `text` and any part of it exactly as [`jieba()`]
/// does (`cut`, `cut_for_search`, `tokenize`, `has_word`), but holds only the dictionary
/// words occurring in `text`, so it is built in microseconds instead of loaded in
/// ~200 ms. When the full segmenter is already loaded, that is returned instead.
///
/// `text` must be the text that will be segmented (after any conversion), or contain it.
pub fn jieba_for(text: &str) -> Arc<Jieba> {
    match JIEBA.get() {
        Some(full) => Arc::clone(full),
        None => Arc::new(small_jieba(text)),
    }
}

/// [`jieba_for`] without the shortcut: always the jieba holding only the dictionary
/// words of `text`.
pub fn small_jieba(text: &str) -> Jieba {
    WORDS
        .get_or_init(|| Words::new(domain_text()))
        .jieba_for(text)
}

/// The full segmenter for a domain dictionary: every word of jieba's dictionary, then
/// the domain dictionary through jieba's own `add_word`.
fn full_jieba(domain: &str) -> Jieba {
    let mut jieba = Jieba::empty();
    dictionary::for_each_word(|word, freq| {
        jieba.add_word(word, Some(freq), None);
    });
    for entry in user_entries(domain) {
        jieba.add_word(entry.word, entry.freq, entry.tag);
    }
    jieba
}

/// One line of a user dictionary: `word [freq] [tag]`.
struct UserEntry<'a> {
    word: &'a str,
    freq: Option<usize>,
    tag: Option<&'a str>,
}

/// The entries of a user dictionary, in order; `#` starts a comment. A second field
/// that is not a number is no frequency (and is not the tag either).
fn user_entries(text: &str) -> impl Iterator<Item = UserEntry<'_>> {
    text.lines().filter_map(|line| {
        let line = line.split('#').next().unwrap_or("").trim();
        let mut parts = line.split_whitespace();
        let word = parts.next()?;
        let freq = parts.next().and_then(|f| f.parse().ok());
        let tag = parts.next();
        Some(UserEntry { word, freq, tag })
    })
}

/// The full segmenter's dictionary as a change to jieba's: the domain words with the
/// frequencies they end up with, and the total frequency.
struct Words {
    /// Final frequency of each domain word (replacing jieba's own for a word it has).
    domain: HashMap<String, usize>,
    /// Sum of all frequencies (jieba's `total`).
    total: usize,
}

impl Words {
    /// Replays the domain dictionary as jieba's `add_word` applies it, line by line.
    fn new(domain_text: &str) -> Words {
        let mut words = Words {
            domain: HashMap::new(),
            total: dictionary::TOTAL,
        };
        for entry in user_entries(domain_text) {
            // jieba: `freq.unwrap_or_else(|| self.suggest_freq(word))`, computed on the
            // dictionary as it is at this line; suggest_freq only segments the word
            let freq = entry
                .freq
                .unwrap_or_else(|| words.jieba_for(entry.word).suggest_freq(entry.word));
            let old = words.frequency(entry.word).unwrap_or(0);
            words.total = words.total + freq - old;
            words.domain.insert(entry.word.to_string(), freq);
        }
        words
    }

    fn frequency(&self, word: &str) -> Option<usize> {
        self.domain
            .get(word)
            .copied()
            .or_else(|| dictionary::frequency(word))
    }

    /// A jieba holding every dictionary word that occurs in `text`, and a filler entry
    /// that cannot occur in it, so that the total frequency is the full one.
    fn jieba_for(&self, text: &str) -> Jieba {
        let mut found: HashMap<&str, usize> = HashMap::new();
        dictionary::for_each_word_in(text, |bytes, freq| {
            found.entry(&text[bytes]).or_insert(freq);
        });
        for (word, freq) in &self.domain {
            if text.contains(word.as_str()) {
                found.insert(word, *freq);
            }
        }
        let mut jieba = Jieba::empty();
        let mut sum = 0;
        for (word, freq) in found {
            jieba.add_word(word, Some(freq), None);
            sum += freq;
        }
        jieba.add_word(&filler(text), Some(self.total - sum), None);
        jieba
    }
}

/// A word that does not occur in `text` (a private-use character it does not contain),
/// so it can never be matched or looked up by segmenting `text`.
fn filler(text: &str) -> String {
    ('\u{E000}'..='\u{F8FF}')
        .chain('\u{F0000}'..='\u{FFFFD}')
        .find(|c| !text.contains(*c))
        .map(String::from)
        .unwrap_or_else(|| format!("{text}\u{E000}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jieba_rs::TokenizeMode;

    #[test]
    fn domain_terms_are_single_words() {
        let j = jieba();
        for w in ["专精特新", "小巨人", "揭榜挂帅", "首台套", "服务券"] {
            let words: Vec<_> = j.cut(w, true).into_iter().map(|t| t.word).collect();
            assert_eq!(words, vec![w], "{w} was split");
            let small: Vec<_> = Words::new(BUNDLED_DICTIONARY)
                .jieba_for(w)
                .cut(w, true)
                .into_iter()
                .map(|t| t.word)
                .collect();
            assert_eq!(small, vec![w], "{w} was split by the small segmenter");
        }
    }

    /// `full` and a small jieba built for `text` segment `text` identically and agree
    /// on `has_word` for its substrings (up to 12 characters).
    fn assert_same(full: &Jieba, words: &Words, text: &str) {
        let small = words.jieba_for(text);
        assert_eq!(
            total_of(&small),
            total_of(full),
            "total frequency for {text:?}"
        );
        for mode in [TokenizeMode::Default, TokenizeMode::Search] {
            assert_eq!(
                full.tokenize(text, mode, true),
                small.tokenize(text, mode, true),
                "{mode:?} differs on {text:?}"
            );
        }
        assert_eq!(full.cut(text, false), small.cut(text, false), "{text:?}");
        let chars: Vec<usize> = text
            .char_indices()
            .map(|(b, _)| b)
            .chain([text.len()])
            .collect();
        for i in 0..chars.len() {
            for j in i + 1..chars.len().min(i + 13) {
                let sub = &text[chars[i]..chars[j]];
                assert_eq!(full.has_word(sub), small.has_word(sub), "has_word({sub:?})");
            }
        }
    }

    /// jieba's total frequency, which only its `Debug` shows.
    fn total_of(jieba: &Jieba) -> String {
        let debug = format!("{jieba:?}");
        let at = debug.find("total_freq").expect("Debug shows total_freq");
        debug[at..].to_string()
    }

    fn corpus_texts() -> Vec<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .expect("corpus folder")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .filter(|p| p.file_name().is_some_and(|n| n != "dict.txt"))
            .collect();
        files.sort();
        assert_eq!(files.len(), 5, "{files:?}");
        files
            .iter()
            .map(|p| std::fs::read_to_string(p).expect("corpus file"))
            .collect()
    }

    /// Sentences of the corpus, original and converted to Simplified.
    fn corpus_sentences() -> Vec<String> {
        let mut out = Vec::new();
        for text in corpus_texts() {
            for t in [text.clone(), crate::text::to_simplified(&text)] {
                out.extend(
                    t.split(['。', '；', '！', '？', '\n'])
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string),
                );
            }
        }
        out
    }

    /// A small deterministic generator (xorshift), so failures reproduce.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Random substrings of the corpus and random mixtures of its characters with
    /// digits, Latin, punctuation, Traditional characters and private-use characters.
    fn random_texts(n: usize) -> Vec<String> {
        let corpus: Vec<char> = corpus_texts().concat().chars().collect();
        let extra: Vec<char> =
            "0123456789.%-—～~,，。、:：;（）()《》“”\" \tABCabcxyz+#&_/專精特新萬億資金補貼產業發展臺\u{E000}\u{E001}①"
                .chars()
                .collect();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut out = Vec::new();
        for k in 0..n {
            let len = 1 + rng.below(60);
            let text: String = if k % 2 == 0 {
                let start = rng.below(corpus.len() - len);
                corpus[start..start + len].iter().collect()
            } else {
                (0..len)
                    .map(|_| {
                        if rng.below(3) == 0 {
                            extra[rng.below(extra.len())]
                        } else {
                            corpus[rng.below(corpus.len())]
                        }
                    })
                    .collect()
            };
            out.push(text);
        }
        out
    }

    #[test]
    fn a_small_segmenter_segments_like_the_full_one() {
        let full = jieba();
        let words = Words::new(domain_text());
        let sentences = corpus_sentences();
        assert!(sentences.len() > 1000, "{}", sentences.len());
        for s in &sentences {
            assert_same(&full, &words, s);
        }
        for t in random_texts(400) {
            assert_same(&full, &words, &t);
        }
        // whole documents, in both scripts
        for text in corpus_texts() {
            let simplified = crate::text::to_simplified(&text);
            let small = words.jieba_for(&simplified);
            for mode in [TokenizeMode::Default, TokenizeMode::Search] {
                assert!(
                    full.tokenize(&simplified, mode, true)
                        == small.tokenize(&simplified, mode, true)
                );
            }
        }
    }

    #[test]
    fn another_domain_dictionary_is_replayed_like_jieba_loads_it() {
        // As a `--corpus` folder's dict.txt may be: words without a frequency (jieba
        // suggests one from what is loaded before them), words jieba already has, a
        // word listed twice, a word inside another, tags, comments, a bad frequency.
        let domain = "\
            # a folder's own dictionary\n\
            专精特新\n\
            中小企业 # already in jieba's dictionary\n\
            资金补贴 n\n\
            专精特新贷 3 n\n\
            特新\n\
            上市 5\n\
            挂牌上市 nz\n\
            专精特新 12\n\
            服务券 x y\n\
            新三板\n\
            A股上市\n";
        let full = full_jieba(domain);
        let words = Words::new(domain);
        assert_eq!(
            format!("{full:?}"),
            format!(
                "Jieba {{ records_len: {}, total_freq: {} }}",
                dictionary::WORDS
                    + words
                        .domain
                        .keys()
                        .filter(|w| dictionary::frequency(w).is_none())
                        .count(),
                words.total
            )
        );
        for s in corpus_sentences().iter().step_by(3) {
            assert_same(&full, &words, s);
        }
        for t in random_texts(200) {
            assert_same(&full, &words, &t);
        }
        for t in [
            "专精特新贷和专精特新企业在A股上市",
            "挂牌上市、资金补贴与服务券",
        ] {
            assert_same(&full, &words, t);
        }
    }
}
