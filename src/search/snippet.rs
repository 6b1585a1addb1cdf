//! Snippets: the part of a provision that shows best why it matched, with the words of
//! the query highlighted.
//!
//! The part is chosen as tantivy's `SnippetGenerator` chooses it (the same fragments,
//! the same best one, the same highlights: a test compares the two on generated texts),
//! from the tokens of the analyzer that indexed the text, over a segmenter made for the
//! hits ([`ForTexts`]), read as its tokenizer gives them: they are lower-case and short
//! enough already, and tantivy's generator passed each through its filters and
//! lower-cased it twice more (a tenth of a short query's time).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use tantivy::Score;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::tokenizer::{TokenStream, Tokenizer};

use super::Snippet;
use super::analyzer::{ForTexts, ZhTokenizer};
use super::query::ParsedQuery;

/// Highlight length of a snippet, in characters.
const SNIPPET_CHARS: usize = 90;

/// The words a search highlights, weighted, and the segmenter for its hits.
pub(crate) struct Highlighter {
    weights: HashMap<String, Score>,
    texts: Arc<ForTexts>,
    /// The longest fragment, in bytes.
    max_bytes: usize,
}

/// The best part of a text: its byte range and the ranges of the words in it.
#[derive(Debug, Clone, PartialEq)]
struct Fragment {
    score: Score,
    range: Range<usize>,
    highlighted: Vec<Range<usize>>,
}

impl Highlighter {
    /// Highlights the words of the query (as typed, in other spellings, synonyms and
    /// single words of their instrument family; not the parts of a family's longer
    /// words, such as 给予 of 给予支持), weighted by rarity like tantivy's
    /// `SnippetGenerator::create`, and, with `measures`, the words that show a measure
    /// the query names (for hits found by their measure). The hits are tokenised with
    /// `texts`, a segmenter made for them, instead of the analyzer registered for
    /// indexing, so a search never loads the whole dictionary. The words' counts come
    /// from `counts`, the search's own (read once for its scoring and both highlighters).
    pub(crate) fn for_query(
        counts: &dyn Bm25StatisticsProvider,
        parsed: &ParsedQuery,
        field: tantivy::schema::Field,
        measures: bool,
        texts: &Arc<ForTexts>,
    ) -> tantivy::Result<Highlighter> {
        let mut weights = HashMap::new();
        let words = parsed
            .required
            .iter()
            .flat_map(|g| &g.alternatives)
            .filter(|a| a.terms.len() == 1 || a.weight >= 1.0)
            .flat_map(|a| a.terms.iter().map(|(_, t)| (t, 1.0)));
        let measure_words = parsed
            .highlight
            .iter()
            .filter(|_| measures)
            .map(|t| (t, 0.5));
        for (word, weight) in words.chain(measure_words) {
            if weights.contains_key(word) {
                continue;
            }
            let doc_freq = counts.doc_freq(&tantivy::Term::from_field_text(field, word))?;
            if doc_freq > 0 {
                weights.insert(word.clone(), weight / (1.0 + doc_freq as Score));
            }
        }
        Ok(Highlighter::new(
            weights,
            Arc::clone(texts),
            SNIPPET_CHARS * 3,
        ))
    }

    fn new(weights: HashMap<String, Score>, texts: Arc<ForTexts>, max_bytes: usize) -> Self {
        Highlighter {
            weights,
            texts,
            max_bytes,
        }
    }

    /// The fragment with the highest sum of its words' weights, the first of equals
    /// (tantivy's `search_fragments` and `select_best_fragment_combination`): a
    /// fragment runs from a token to the last token ending within `max_bytes` of it,
    /// and the next starts at the token after.
    fn best_fragment(&self, text: &str) -> Option<Fragment> {
        let mut best: Option<Fragment> = None;
        let mut consider = |f: Fragment| {
            // a later fragment replaces the best only with a higher score
            if f.score > 0.0 && best.as_ref().is_none_or(|b| f.score > b.score) {
                best = Some(f);
            }
        };
        let mut current = Fragment {
            score: 0.0,
            range: 0..0,
            highlighted: Vec::new(),
        };
        let mut tokenizer = ZhTokenizer::over(Arc::clone(&self.texts));
        let mut terms = tokenizer.token_stream(text);
        while terms.advance() {
            let term = terms.token();
            if term.offset_to - current.range.start > self.max_bytes {
                let start = term.offset_from;
                consider(std::mem::replace(
                    &mut current,
                    Fragment {
                        score: 0.0,
                        range: start..start,
                        highlighted: Vec::new(),
                    },
                ));
            }
            current.range.end = term.offset_to;
            if let Some(weight) = self.weights.get(&term.text) {
                current.score += weight;
                current.highlighted.push(term.offset_from..term.offset_to);
            }
        }
        consider(current);
        best
    }

    /// Cuts and highlights a provision; never panics, whatever the text.
    pub(crate) fn snippet(&self, text: &str) -> Snippet {
        let found = self.best_fragment(text).filter(|f| {
            f.range.start <= f.range.end
                && f.range.end <= text.len()
                && text.is_char_boundary(f.range.start)
                && text.is_char_boundary(f.range.end)
                && !f.range.is_empty()
        });
        let Some(Fragment {
            range, highlighted, ..
        }) = found
        else {
            return beginning(text);
        };
        // Widen the fragment to the whole text when it is short, and over leading or
        // trailing punctuation, so `…` only marks text that was really left out.
        let short = text.chars().count() <= SNIPPET_CHARS + SNIPPET_CHARS / 4;
        let no_words = |s: &str| !s.chars().any(char::is_alphanumeric);
        let start = if short || no_words(&text[..range.start]) {
            0
        } else {
            range.start
        };
        let end = if short || no_words(&text[range.end..]) {
            text.len()
        } else {
            range.end
        };
        let prefix = if start > 0 { "…" } else { "" };
        let suffix = if end < text.len() { "…" } else { "" };
        let mut ranges: Vec<Range<usize>> = highlighted
            .into_iter()
            .filter(|r| r.start < r.end && range.start <= r.start && r.end <= range.end)
            .filter(|r| text.is_char_boundary(r.start) && text.is_char_boundary(r.end))
            .collect();
        ranges.sort_by_key(|r| (r.start, r.end));
        let mut merged: Vec<Range<usize>> = Vec::new();
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        // from the text's offsets to the snippet's
        let shift = |at: usize| at - start + prefix.len();
        Snippet {
            text: format!("{prefix}{}{suffix}", &text[start..end]),
            highlights: merged
                .into_iter()
                .map(|r| shift(r.start)..shift(r.end))
                .collect(),
        }
    }
}

/// The beginning of a text, for a hit with no word of the query in it (a heading or
/// title match).
fn beginning(text: &str) -> Snippet {
    let end = text
        .char_indices()
        .nth(SNIPPET_CHARS)
        .map(|(b, _)| b)
        .unwrap_or(text.len());
    let mut out = text[..end].to_string();
    if end < text.len() {
        out.push('…');
    }
    Snippet {
        text: out,
        highlights: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tantivy::snippet::SnippetGenerator;

    fn highlighter(terms: &[&str], max_bytes: usize, texts: &[&str]) -> Highlighter {
        let weights = terms
            .iter()
            .enumerate()
            .map(|(i, t)| (t.to_string(), 1.0 / (1.0 + i as Score)))
            .collect();
        // as the store gives them: with their Simplified form
        let simplified: Vec<String> = texts
            .iter()
            .map(|t| crate::text::to_simplified(t))
            .collect();
        let segmenter = ForTexts::new(
            texts
                .iter()
                .zip(&simplified)
                .map(|(t, s)| (*t, Some(s.as_str()))),
        );
        Highlighter::new(weights, segmenter, max_bytes)
    }

    /// What tantivy's generator finds in `text` with the same words and segmenter.
    fn tantivy_fragment(h: &Highlighter, text: &str) -> Option<(Range<usize>, Vec<Range<usize>>)> {
        let generator = SnippetGenerator::new(
            h.weights.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            crate::search::analyzer::text_analyzer_over(Arc::clone(&h.texts)),
            tantivy::schema::Field::from_field_id(0),
            h.max_bytes,
        );
        let snip = generator.snippet(text);
        let range = snip.fragment_range();
        (!snip.fragment().is_empty()).then(|| {
            let highlighted = snip
                .highlighted()
                .iter()
                .map(|r| r.start + range.start..r.end + range.start)
                .collect();
            (range, highlighted)
        })
    }

    fn ours(h: &Highlighter, text: &str) -> Option<(Range<usize>, Vec<Range<usize>>)> {
        h.best_fragment(text).map(|f| (f.range, f.highlighted))
    }

    const WORDS: &[&str] = &[
        "专精特新",
        "中小企业",
        "企業",
        "给予",
        "最高",
        "不超过",
        "300萬元",
        "50万元",
        "70%",
        "资金补贴",
        "獎勵",
        "上市",
        "展会",
        "，",
        "。",
        "；",
        "（",
        "）",
        "“",
        "”",
        "A股",
        "Ｂ",
        " ",
        "\n",
        "第一条",
        "小巨人",
        "贷款贴息",
        "1,000万元",
        "百分之五十",
    ];
    const TERMS: &[&str] = &[
        "专精特新",
        "中小企业",
        "企业",
        "中小",
        "给予",
        "上市",
        "补贴",
        "资金",
        "奖励",
        "¥3000000",
        "%70",
        "小巨人",
        "a股",
        "贴息",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn the_same_fragment_and_words_as_tantivys_generator(
            words in proptest::collection::vec(proptest::sample::select(WORDS), 0..60),
            terms in proptest::sample::subsequence(TERMS, 0..TERMS.len()),
            max_bytes in 1usize..400,
        ) {
            let text: String = words.concat();
            let h = highlighter(&terms, max_bytes, &[&text]);
            prop_assert_eq!(ours(&h, &text), tantivy_fragment(&h, &text));
        }
    }

    #[test]
    fn snippets_never_panic_and_highlight_whole_characters() {
        // beijing-2021 (Traditional, overlapping search-mode tokens) and beijing-2024
        let texts = [
            "支援中小企業在A股或境外主要證券交易所上市,市級財政按規定給予每家總額不超過300萬元的資金補貼,區級財政資金補貼不低於市級標準(市金融監管局,北京證監局,市財政局,各區)。",
            "支持专精特新中小企业参加展会，按照实际发生费用给予最高70%的资金支持。",
        ];
        let terms = [
            "中小",
            "中小企业",
            "企业",
            "上市",
            "补贴",
            "¥3000000",
            "%70",
            "资金",
        ];
        for text in texts {
            for max in 1..400 {
                let snip = highlighter(&terms, max, &texts).snippet(text);
                let body = snip.text.trim_start_matches('…').trim_end_matches('…');
                assert!(text.contains(body), "{max}: {}", snip.text);
                let mut last = 0;
                for r in &snip.highlights {
                    assert!(
                        r.start >= last && r.start < r.end,
                        "{max}: {:?}",
                        snip.highlights
                    );
                    assert!(
                        snip.text.is_char_boundary(r.start) && snip.text.is_char_boundary(r.end)
                    );
                    last = r.end;
                }
            }
        }
        let snip = highlighter(&terms, 600, &texts).snippet(texts[0]);
        let marked: Vec<&str> = snip
            .highlights
            .iter()
            .map(|r| &snip.text[r.clone()])
            .collect();
        assert!(marked.contains(&"300萬元"), "{marked:?}");
        assert!(
            marked.contains(&"中小企業"),
            "touching ranges merged: {marked:?}"
        );
        assert!(
            !snip.text.ends_with('…'),
            "only punctuation was left out: {}",
            snip.text
        );
    }

    #[test]
    fn a_text_without_the_words_shows_its_beginning() {
        let text = "第一条 为促进中小企业发展，制定本办法。".repeat(10);
        let snip = highlighter(&["元宇宙"], 270, &[&text]).snippet(&text);
        assert!(snip.highlights.is_empty());
        assert!(text.starts_with(snip.text.trim_end_matches('…')));
        assert_eq!(
            snip.text.chars().count(),
            SNIPPET_CHARS + 1,
            "{}",
            snip.text
        );
    }
}
