//! The analyzer shared by indexing, querying, snippets and the links stage: Simplified
//! conversion, jieba segmentation with the domain dictionary, punctuation dropped,
//! figures as canonical tokens, offsets in the *original* text.
//!
//! Positions are character offsets in the Simplified text, except that a figure
//! (`300万元`, `3,000,000元`) counts as one character: then `"300万元的资金补贴"` and
//! `"3,000,000元的资金补贴"` are the same phrase.
//!
//! Two [`Segmenter`]s give the same terms: the shared jieba (indexing, batches) and one
//! built per text from the dictionary words in it (queries and snippets, so a search
//! process never loads the whole dictionary; see [`text::jieba_for`]).

use std::sync::Arc;

use jieba_rs::{Jieba, TokenizeMode};
use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, TextAnalyzer, Token, TokenStream, Tokenizer,
};

use super::figures::{self, FigureSpan};
use crate::text;

/// Name the analyzer is registered under in the index.
pub const TOKENIZER_NAME: &str = "policynav_zh";

/// Bump when anything here changes the tokens of a text: the index is then rebuilt.
pub const ANALYZER_VERSION: u32 = 4;

/// Longest token kept, in bytes (a guard against runs of Latin noise).
const MAX_TOKEN_BYTES: usize = 40;

/// Which tokens to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// For the index: jieba search mode (words and their dictionary sub-words), the
    /// pieces of each figure as well as its canonical token.
    Index,
    /// For queries and term lists: jieba default mode, each figure only as its
    /// canonical token.
    Query,
}

/// Which jieba segments the text. Both give the same terms; they differ in cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segmenter {
    /// The process-wide jieba with the whole dictionary ([`text::jieba`]): ~200 ms to
    /// load once, then the fastest per character. For indexing and other batches.
    Shared,
    /// A jieba holding only the dictionary words of the text ([`text::jieba_for`]):
    /// nothing to load, a little more work per text. For a query or a snippet.
    PerText,
}

/// One analysed term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The normalised term (Simplified, lower-case; `¥3000000` / `%70` for figures).
    pub text: String,
    /// Byte range in the original text.
    pub bytes: std::ops::Range<usize>,
    /// Token position (for phrases).
    pub position: usize,
    /// True for a canonical figure token.
    pub figure: bool,
}

/// Analyses `text` (any script) into terms, sorted by byte range, with the shared jieba.
pub fn analyze_terms(text: &str, mode: Mode) -> Vec<Term> {
    analyze_with(Segmenter::Shared, text, mode)
}

/// [`analyze_terms`] with a chosen segmenter (the terms are the same).
pub fn analyze_terms_with(text: &str, mode: Mode, segmenter: Segmenter) -> Vec<Term> {
    analyze_with(segmenter, text, mode)
}

/// The normalised terms of a text in reading order: Simplified, punctuation dropped,
/// the domain dictionary applied, each figure as one canonical token (`¥3000000`,
/// `%70`). For term weighting and similarity outside the index (links).
pub fn analyze(text: &str) -> Vec<String> {
    analyze_terms(text, Mode::Query)
        .into_iter()
        .map(|t| t.text)
        .collect()
}

fn analyze_with(segmenter: Segmenter, text: &str, mode: Mode) -> Vec<Term> {
    analyze_over(segmenter, None, text, mode)
}

/// [`analyze_with`], or with `given`, the segmenter made for texts that include this
/// one ([`ForTexts`]).
fn analyze_over(
    segmenter: Segmenter,
    given: Option<&ForTexts>,
    text: &str,
    mode: Mode,
) -> Vec<Term> {
    if text.is_empty() {
        return Vec::new();
    }
    if let Some(g) = given {
        let simplified = match g.simplified.get(text) {
            Some(s) => std::borrow::Cow::Borrowed(s.as_str()),
            None => std::borrow::Cow::Owned(text::to_simplified(text)),
        };
        return analyze_simplified(&g.jieba, text, &simplified, mode);
    }
    let simplified = text::to_simplified(text);
    let jieba = match segmenter {
        Segmenter::Shared => text::jieba(),
        Segmenter::PerText => text::jieba_for(&per_text_dictionary_text(&simplified)),
    };
    analyze_simplified(&jieba, text, &simplified, mode)
}

/// A segmenter made for a few texts known in advance (the hits of a search, tokenised
/// again for their snippets): one jieba holding the dictionary words of them all
/// ([`text::jieba_for`]), which segments each of them as the shared one does, and their
/// Simplified forms, converted once.
pub struct ForTexts {
    jieba: Arc<Jieba>,
    simplified: std::collections::HashMap<String, String>,
}

impl ForTexts {
    /// The segmenter for `texts`, each with its Simplified form when it differs (`None`:
    /// the text is Simplified already), as the store keeps them; any other text is still
    /// analysed correctly, with the words these texts share with it.
    pub fn new<'a>(texts: impl IntoIterator<Item = (&'a str, Option<&'a str>)>) -> Arc<ForTexts> {
        let mut all = String::new();
        let mut simplified = std::collections::HashMap::new();
        let full = text::jieba_loaded();
        for (t, s) in texts {
            let s = s.unwrap_or(t);
            if !full {
                all.push_str(&per_text_dictionary_text(s));
                all.push('\n');
            }
            simplified.insert(t.to_string(), s.to_string());
        }
        Arc::new(ForTexts {
            jieba: text::jieba_for(&all),
            simplified,
        })
    }
}

/// What a per-text jieba must hold the words of: the Simplified text, and its lower
/// case when that differs, because long words are looked up lower-cased (below).
fn per_text_dictionary_text(simplified: &str) -> std::borrow::Cow<'_, str> {
    if simplified.chars().any(char::is_uppercase) {
        format!("{simplified}\n{}", simplified.to_lowercase()).into()
    } else {
        simplified.into()
    }
}

/// `word` in lower case: copied as it is when none of its characters has a case (the
/// Chinese of nearly every word), which spares looking each up in the case tables.
fn lower_case(word: &str) -> String {
    let caseless = |c: char| (c.is_ascii() && !c.is_ascii_uppercase()) || text::script::is_han(c);
    if word.chars().all(caseless) {
        word.to_owned()
    } else {
        word.to_lowercase()
    }
}

/// Analyses `text` given its Simplified form, segmented by `jieba`.
fn analyze_simplified(jieba: &Jieba, text: &str, simplified: &str, mode: Mode) -> Vec<Term> {
    // Byte offset in the original of each char index (plus the end).
    let orig_bytes: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain([text.len()])
        .collect();
    let n_chars = orig_bytes.len() - 1;
    let byte_of = |c: usize| orig_bytes[c.min(n_chars)];
    // to_simplified keeps the char count; should it ever not, offsets are clamped.
    let figs = figures::scan(simplified);
    let positions = collapsed_positions(simplified, &figs);
    let pos_of = |c: usize| positions[c.min(positions.len() - 1)];
    let inside_figure = |start: usize, end: usize| {
        figs.iter()
            .any(|f| start >= f.start && end <= f.end && end > start)
    };

    let mode_j = match mode {
        Mode::Index => TokenizeMode::Search,
        Mode::Query => TokenizeMode::Default,
    };
    let mut terms: Vec<Term> = Vec::new();
    for tok in jieba.tokenize(simplified, mode_j, true) {
        if !tok.word.chars().any(char::is_alphanumeric) {
            continue;
        }
        if mode == Mode::Query && inside_figure(tok.start, tok.end) {
            continue;
        }
        terms.push(Term {
            text: lower_case(tok.word),
            bytes: byte_of(tok.start)..byte_of(tok.end),
            position: pos_of(tok.start),
            figure: false,
        });
    }
    if mode == Mode::Index {
        // A Chinese word jieba's HMM made up (in no dictionary) may join characters
        // across a word boundary (`第2批第1项` gives `批第`): its Chinese characters are
        // indexed too, each at its own position, so that a query segmented without that
        // context (`第2批`) still finds it, as a phrase.
        let made_up: Vec<(usize, usize)> = terms
            .iter()
            .filter(|t| {
                t.text.chars().count() > 1
                    && t.text.chars().any(crate::text::script::is_han)
                    && !jieba.has_word(&t.text)
            })
            .filter_map(|t| {
                let first = orig_bytes.iter().position(|b| *b == t.bytes.start)?;
                Some((first, t.text.chars().count()))
            })
            .collect();
        for (first, len) in made_up {
            for (i, c) in simplified.chars().skip(first).take(len).enumerate() {
                if crate::text::script::is_han(c) {
                    terms.push(Term {
                        text: c.to_string(),
                        bytes: byte_of(first + i)..byte_of(first + i + 1),
                        position: pos_of(first + i),
                        figure: false,
                    });
                }
            }
        }
        // jieba's search mode adds only 2- and 3-character dictionary words inside a
        // longer word; add the longer ones too, so 专精特新 is found inside 专精特新贷
        // and the domain dictionary can hold compounds without hiding their parts.
        let long: Vec<(usize, Vec<char>)> = terms
            .iter()
            .filter(|t| !t.figure)
            .filter_map(|t| {
                let chars: Vec<char> = t.text.chars().collect();
                (chars.len() >= 5).then_some((t.bytes.start, chars))
            })
            .collect();
        for (start_byte, chars) in long {
            let Some(first) = orig_bytes.iter().position(|b| *b == start_byte) else {
                continue;
            };
            for len in 4..chars.len() {
                for i in 0..=chars.len() - len {
                    let sub: String = chars[i..i + len].iter().collect();
                    if jieba.has_word(&sub) {
                        terms.push(Term {
                            text: sub,
                            bytes: byte_of(first + i)..byte_of(first + i + len),
                            position: pos_of(first + i),
                            figure: false,
                        });
                    }
                }
            }
        }
    }
    for f in &figs {
        for t in &f.tokens {
            terms.push(Term {
                text: t.clone(),
                bytes: byte_of(f.start)..byte_of(f.end),
                position: pos_of(f.start),
                figure: true,
            });
        }
    }
    terms.retain(|t| t.text.len() <= MAX_TOKEN_BYTES);
    // Sorted by offsets: tantivy's snippet generator needs it (it panics on
    // decreasing offsets), and phrases need positions to be consistent.
    terms.sort_by(|a, b| {
        (a.bytes.start, a.bytes.end, a.figure, &a.text).cmp(&(
            b.bytes.start,
            b.bytes.end,
            b.figure,
            &b.text,
        ))
    });
    terms.dedup_by(|a, b| a.text == b.text && a.position == b.position);
    terms
}

/// Position of each char index (and of the end): the char index, with every figure
/// counted as one char and quotation marks, brackets and spaces counted as none, so that
/// `专精特新板` is a phrase in `“专精特新”板` and `首台套` in `首台(套)`. Sentence punctuation
/// (，。；、) still separates phrases.
fn collapsed_positions(simplified: &str, figs: &[FigureSpan]) -> Vec<usize> {
    let chars: Vec<char> = simplified.chars().collect();
    let n = chars.len();
    let mut out = Vec::with_capacity(n + 1);
    let mut pos = 0usize;
    let mut fig = figs.iter().peekable();
    let mut c = 0usize;
    while c < n {
        while fig.peek().is_some_and(|f| f.start < c) {
            fig.next();
        }
        match fig.peek() {
            Some(f) if c == f.start && f.end > c => {
                for _ in c..f.end.min(n) {
                    out.push(pos);
                }
                pos += 1;
                c = f.end.min(n);
                fig.next();
            }
            _ => {
                out.push(pos);
                if !joins_words(chars[c]) {
                    pos += 1;
                }
                c += 1;
            }
        }
    }
    out.push(pos);
    out
}

/// Marks that may stand inside a term without breaking it: quotation marks, brackets,
/// book-title marks and spaces.
fn joins_words(c: char) -> bool {
    crate::text::script::is_quotation_mark(c)
        || matches!(c, '(' | ')' | '（' | '）' | '【' | '】' | '[' | ']')
        || c.is_whitespace()
}

/// The tantivy tokenizer (index mode).
#[derive(Clone)]
pub struct ZhTokenizer {
    segmenter: Segmenter,
    /// A segmenter made for the texts this tokenizer will see.
    given: Option<Arc<ForTexts>>,
    token: Token,
}

impl ZhTokenizer {
    /// A tokenizer over the process-wide jieba ([`text::jieba`]), loaded when the first
    /// text is tokenised (not when the tokenizer is made or registered).
    pub fn new() -> ZhTokenizer {
        ZhTokenizer::with(Segmenter::Shared)
    }

    /// A tokenizer using `segmenter`.
    pub fn with(segmenter: Segmenter) -> ZhTokenizer {
        ZhTokenizer {
            segmenter,
            given: None,
            token: Token::default(),
        }
    }

    /// A tokenizer over a segmenter made for the texts it will tokenise.
    pub fn over(texts: Arc<ForTexts>) -> ZhTokenizer {
        ZhTokenizer {
            segmenter: Segmenter::PerText,
            given: Some(texts),
            token: Token::default(),
        }
    }
}

impl Default for ZhTokenizer {
    fn default() -> Self {
        ZhTokenizer::new()
    }
}

/// The terms of one text, handed to tantivy one at a time.
pub struct ZhTokenStream<'a> {
    terms: std::vec::IntoIter<Term>,
    token: &'a mut Token,
}

impl Tokenizer for ZhTokenizer {
    type TokenStream<'a> = ZhTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ZhTokenStream<'a> {
        self.token.reset();
        ZhTokenStream {
            terms: analyze_over(self.segmenter, self.given.as_deref(), text, Mode::Index)
                .into_iter(),
            token: &mut self.token,
        }
    }
}

impl TokenStream for ZhTokenStream<'_> {
    fn advance(&mut self) -> bool {
        match self.terms.next() {
            Some(t) => {
                self.token.offset_from = t.bytes.start;
                self.token.offset_to = t.bytes.end;
                self.token.position = t.position;
                self.token.position_length = 1;
                self.token.text = t.text;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The full analyzer registered for the text fields (the shared jieba, for indexing).
pub fn text_analyzer() -> TextAnalyzer {
    text_analyzer_with(Segmenter::Shared)
}

/// The same analyzer over a chosen segmenter: [`Segmenter::PerText`] for the snippets of
/// a search, which re-tokenise each hit's text.
pub fn text_analyzer_with(segmenter: Segmenter) -> TextAnalyzer {
    analyzer_of(ZhTokenizer::with(segmenter))
}

/// The same analyzer over a segmenter made for the texts it will see: the snippets of
/// a search's hits.
pub fn text_analyzer_over(texts: Arc<ForTexts>) -> TextAnalyzer {
    analyzer_of(ZhTokenizer::over(texts))
}

fn analyzer_of(tokenizer: ZhTokenizer) -> TextAnalyzer {
    TextAnalyzer::builder(tokenizer)
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES + 1))
        .filter(LowerCaser)
        .build()
}

/// Registers the analyzer on an index (tokenizers are not persisted with it).
pub fn register(index: &tantivy::Index) {
    index.tokenizers().register(TOKENIZER_NAME, text_analyzer());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, mode: Mode) -> Vec<String> {
        analyze_terms(text, mode)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn words_are_lower_cased_whatever_their_script() {
        assert_eq!(lower_case("专精特新"), "专精特新");
        assert_eq!(lower_case("A股"), "a股");
        assert_eq!(
            lower_case("ＩＰＯ"),
            "ｉｐｏ",
            "full-width letters have a case"
        );
        assert_eq!(lower_case("ǅ"), "ǆ", "a title-case letter");
        assert_eq!(lower_case("5g"), "5g");
    }

    #[test]
    fn traditional_and_simplified_give_the_same_terms() {
        // beijing-2021 (Traditional) vs beijing-2024 (Simplified), the listing subsidy
        let t = "支援企業在A股或境外主要證券交易所上市,市級財政按規定給予每家總額不超過300萬元的資金補貼";
        let s = "支援企业在A股或境外主要证券交易所上市，市级财政按规定给予每家总额不超过300万元的资金补贴";
        assert_eq!(words(t, Mode::Index), words(s, Mode::Index));
        assert!(words(t, Mode::Query).contains(&"资金".to_string()));
        assert!(words(t, Mode::Query).contains(&"a股".to_string()));
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let t = "推動專精特新中小企業發展";
        for term in analyze_terms(t, Mode::Index) {
            let original = &t[term.bytes.clone()];
            assert_eq!(text::to_simplified(original), term.text, "{original}");
        }
        let terms = analyze_terms(t, Mode::Query);
        let zjtx = terms
            .iter()
            .find(|x| x.text == "专精特新")
            .expect("专精特新 is one term");
        assert_eq!(&t[zjtx.bytes.clone()], "專精特新");
    }

    #[test]
    fn punctuation_is_dropped_and_tokens_are_sorted() {
        let terms = analyze_terms("“专精特新”中小企业，(一)加强服务。", Mode::Index);
        assert!(
            terms
                .iter()
                .all(|t| t.text.chars().any(char::is_alphanumeric))
        );
        assert!(
            terms
                .windows(2)
                .all(|w| (w[0].bytes.start, w[0].bytes.end) <= (w[1].bytes.start, w[1].bytes.end))
        );
        // search mode adds the sub-words
        let w: Vec<_> = terms.iter().map(|t| t.text.as_str()).collect();
        assert!(w.contains(&"中小企业") && w.contains(&"企业"), "{w:?}");
    }

    #[test]
    fn figures_are_one_position_in_index_and_query() {
        let idx = analyze_terms("给予300万元的资金补贴", Mode::Index);
        let fig = idx
            .iter()
            .find(|t| t.text == "¥3000000")
            .expect("canonical token");
        let de = idx.iter().find(|t| t.text == "的").expect("的");
        assert_eq!(de.position, fig.position + 1);
        assert!(
            idx.iter().any(|t| t.text == "300"),
            "raw number kept in the index"
        );

        let q = analyze_terms("3,000,000元的资金补贴", Mode::Query);
        let texts: Vec<_> = q.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["¥3000000", "的", "资金", "补贴"]);
        assert_eq!(q[1].position, q[0].position + 1);
    }

    #[test]
    fn quotation_marks_and_brackets_take_no_position() {
        let terms = analyze_terms("浙江股權交易中心“專精特新”板,首台(套)", Mode::Index);
        let at = |w: &str| terms.iter().find(|t| t.text == w).map(|t| t.position);
        let srdi = at("专精特新").expect("专精特新");
        assert_eq!(at("板"), Some(srdi + 4), "{terms:?}");
        // a comma still separates
        let first = at("首台").expect("首台");
        assert_eq!(at("套"), Some(first + 2), "{terms:?}");
        assert!(first > srdi + 5, "{terms:?}");
    }

    #[test]
    fn long_domain_words_keep_their_parts() {
        let w = words("专精特新贷和中小微企业", Mode::Index);
        for part in ["专精特新贷", "专精特新", "中小微企业", "企业"] {
            assert!(w.contains(&part.to_string()), "{part} missing from {w:?}");
        }
    }

    #[test]
    fn per_text_and_shared_segmenters_give_the_same_terms() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut texts: Vec<String> = Vec::new();
        for e in std::fs::read_dir(dir).expect("corpus folder").flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".txt") && name != "dict.txt" {
                let doc = std::fs::read_to_string(e.path()).expect("corpus file");
                texts.extend(
                    doc.lines()
                        .filter(|l| !l.trim().is_empty())
                        .map(String::from),
                );
            }
        }
        assert!(texts.len() > 200, "{}", texts.len());
        // long words are looked up lower-cased: 江南Style is in jieba's dictionary twice
        texts.extend(
            [
                "韩国江南STYLE风格的宣传片",
                "江南Style",
                "IPO上市A股企业300萬元",
            ]
            .map(String::from),
        );
        let full = text::jieba();
        for t in &texts {
            let simplified = text::to_simplified(t);
            let small = text::small_jieba(&per_text_dictionary_text(&simplified));
            for mode in [Mode::Index, Mode::Query] {
                assert_eq!(
                    analyze_simplified(&full, t, &simplified, mode),
                    analyze_simplified(&small, t, &simplified, mode),
                    "{mode:?}: {t}"
                );
            }
        }
    }

    #[test]
    fn characters_of_a_made_up_word_are_found_alone() {
        let index = words("开展第2批第1项专项行动", Mode::Index);
        assert!(index.contains(&"批".to_string()), "{index:?}");
        assert!(index.contains(&"第".to_string()), "{index:?}");
        let query = words("第2批", Mode::Query);
        assert!(
            query.iter().all(|w| index.contains(w)),
            "{query:?} in {index:?}"
        );
    }

    #[test]
    fn analyze_gives_reading_order_terms() {
        assert_eq!(analyze("上市补贴300萬元"), ["上市", "补贴", "¥3000000"]);
    }

    #[test]
    fn tantivy_stream_matches_analyze_terms() {
        let mut analyzer = text_analyzer();
        let mut stream = analyzer.token_stream("首臺套 70%");
        let mut seen = Vec::new();
        while stream.advance() {
            seen.push(stream.token().text.clone());
        }
        assert!(seen.contains(&"首台套".to_string()), "{seen:?}");
        assert!(seen.contains(&"%70".to_string()), "{seen:?}");
    }
}
