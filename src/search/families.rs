//! Instrument families as the terms they are searched by, for the query and the store
//! alike.
//!
//! A query word of an instrument family (奖励) also matches the family's other one-word
//! names (补贴, 资助 …), each a single query term. Seeking each of their lists on every
//! candidate made a widened query several times slower than its word alone, so the
//! store records, for each searchable provision, the families one of whose terms its
//! text is indexed with (the `family` field), and a widened query walks that one list
//! ([`super::union::GatedQuery`]): it holds exactly the provisions the family's terms do.

use std::collections::HashMap;

use tantivy::tokenizer::TextAnalyzer;

use crate::analysis::frames::FrameRules;
use crate::search::analyzer::{self, Mode, Segmenter};

/// Each instrument family's single search terms, and the families of each term.
#[derive(Debug, Clone, Default)]
pub struct FamilyTerms {
    /// Family id → the query terms of its words that are one term each, in rule order.
    of: HashMap<String, Vec<String>>,
    /// Term → the families it is a word of.
    by_term: HashMap<String, Vec<String>>,
}

impl FamilyTerms {
    /// The terms of the families of `frames`: each word analysed as a query word is (a
    /// word that analyses into several terms is searched as a phrase, never by the
    /// family's list).
    pub fn new(frames: &FrameRules) -> FamilyTerms {
        let mut out = FamilyTerms::default();
        for family in &frames.instruments {
            let mut terms: Vec<String> = Vec::new();
            for w in &family.words {
                let analysed = analyzer::analyze_terms_with(w, Mode::Query, Segmenter::PerText);
                if let [one] = analysed.as_slice()
                    && !terms.contains(&one.text)
                {
                    terms.push(one.text.clone());
                }
            }
            for t in &terms {
                let families = out.by_term.entry(t.clone()).or_default();
                if !families.contains(&family.id) {
                    families.push(family.id.clone());
                }
            }
            out.of.insert(family.id.clone(), terms);
        }
        out
    }

    /// The single terms of family `id` (none for an unknown family).
    pub fn terms(&self, id: &str) -> &[String] {
        self.of.get(id).map_or(&[], Vec::as_slice)
    }

    /// The families one of whose terms `analyzer` (the store's text analyzer) indexes
    /// `text` with, sorted.
    pub fn printed(&self, analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while let Some(token) = stream.next() {
            if let Some(families) = self.by_term.get(&token.text) {
                for f in families {
                    if !out.contains(f) {
                        out.push(f.clone());
                    }
                }
            }
        }
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_of_the_families_whose_words_it_is_indexed_with() {
        let frames = FrameRules::bundled();
        let families = FamilyTerms::new(&frames);
        let grant = frames
            .instruments
            .iter()
            .find(|f| f.words.iter().any(|w| w == "补贴"))
            .expect("a family has 补贴");
        assert!(families.terms(&grant.id).contains(&"补贴".to_string()));
        assert!(families.terms("no-such-family").is_empty());
        let mut analyzer = analyzer::text_analyzer();
        // in either script, inside a longer word too (search mode indexes its parts)
        for text in ["按规定给予资金补贴", "按規定給予資金補貼", "给予一次性奖励"]
        {
            let printed = families.printed(&mut analyzer, text);
            assert!(printed.contains(&grant.id), "{text}: {printed:?}");
        }
        assert!(
            families
                .printed(&mut analyzer, "推动中小企业数字化转型")
                .is_empty()
        );
    }
}
