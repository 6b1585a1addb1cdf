//! The forgiving query language: bare words in any script (segmented like the text),
//! `"quoted phrases"` (also “…” and 「…」), `-word` / `NOT word` to exclude, `a OR b`,
//! and field filters (`doc:beijing-2021`, `level:city`, `min-amount:100万` …).
//!
//! Nothing here fails: malformed input (an unbalanced quote, a lone operator, an
//! unknown field) is searched as well as it can be and explained in `notes`.

use std::collections::HashMap;

use super::analyzer::{self, Mode, Segmenter};
use crate::text::{self, Vocabulary};

/// One way of matching a group: a single term or a phrase (terms with relative positions).
#[derive(Debug, Clone, PartialEq)]
pub struct Alternative {
    /// `(relative position, term)`, at least one.
    pub terms: Vec<(usize, String)>,
    /// 1.0 for what the user typed (or its Taiwan/Mainland equivalent), lower for synonyms.
    pub weight: f32,
}

/// Something that must (or must not) match: any one of its alternatives.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// What the user typed for it (for notes).
    pub label: String,
    /// Ways to match it.
    pub alternatives: Vec<Alternative>,
}

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedQuery {
    /// Groups that must all match (AND; OR when nothing has them all).
    pub required: Vec<Group>,
    /// Groups that must not match.
    pub excluded: Vec<Group>,
    /// Phrases of several words typed together, used to rank exact matches higher.
    pub phrases: Vec<Vec<(usize, String)>>,
    /// `field:value` filters written in the query, in order.
    pub fields: Vec<(String, String)>,
    /// `*`: every provision.
    pub match_all: bool,
    /// What was ignored or reinterpreted.
    pub notes: Vec<String>,
}

/// Query fields understood inside the query text, with their aliases.
pub const FIELDS: &[(&str, &[&str])] = &[
    ("doc", &["doc", "document"]),
    ("jurisdiction", &["jurisdiction", "j", "where"]),
    ("level", &["level"]),
    ("topic", &["topic", "type"]),
    ("status", &["status"]),
    ("as-of", &["as-of", "asof", "as_of", "date"]),
    ("min-amount", &["min-amount", "min_amount", "amount"]),
];

/// Weight of a synonym alternative relative to the word typed.
const SYNONYM_WEIGHT: f32 = 0.7;
/// At most this many spellings of one phrase.
const MAX_PHRASE_VARIANTS: usize = 8;
/// Longest run of terms looked up in the vocabulary.
const MAX_SPAN: usize = 4;

/// The vocabulary prepared for lookups.
#[derive(Debug, Clone, Default)]
pub struct Expander {
    vocabulary: Vocabulary,
    /// word → (is_equivalence, group index)
    index: HashMap<String, Vec<(bool, usize)>>,
}

impl Expander {
    /// Prepares `vocabulary` for query expansion.
    pub fn new(vocabulary: Vocabulary) -> Expander {
        let mut index: HashMap<String, Vec<(bool, usize)>> = HashMap::new();
        for (i, g) in vocabulary.equivalences.iter().enumerate() {
            for w in g {
                index.entry(w.clone()).or_default().push((true, i));
            }
        }
        for (i, g) in vocabulary.synonyms.iter().enumerate() {
            for w in g {
                index.entry(w.clone()).or_default().push((false, i));
            }
        }
        Expander { vocabulary, index }
    }

    /// The vocabulary in use.
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// Parses and normalises a query.
    pub fn parse(&self, query: &str) -> ParsedQuery {
        let mut out = ParsedQuery::default();
        let items = lex(query, &mut out.notes);
        let mut pending_or = false;
        let mut negate_next = false;
        for item in items {
            match item {
                Item::Or => {
                    if out.required.is_empty() {
                        out.notes
                            .push("OR without a word before it was ignored".into());
                    } else {
                        pending_or = true;
                    }
                }
                Item::Not => negate_next = true,
                Item::Field(name, value) => out.fields.push((name, value)),
                Item::All => out.match_all = true,
                Item::Word { text, exclude } => {
                    if exclude || negate_next {
                        negate_next = false;
                        if let Some(g) = self.phrase_group(&text) {
                            out.excluded.push(g);
                        }
                        continue;
                    }
                    let (groups, phrase) = self.word_groups(&text);
                    if groups.is_empty() {
                        continue;
                    }
                    if let Some(p) = phrase {
                        out.phrases.push(p);
                    }
                    push_groups(&mut out.required, groups, &mut pending_or);
                }
                Item::Phrase { text, exclude } => {
                    let Some(g) = self.phrase_group(&text) else {
                        continue;
                    };
                    if exclude || negate_next {
                        negate_next = false;
                        out.excluded.push(g);
                        continue;
                    }
                    push_groups(&mut out.required, vec![g], &mut pending_or);
                }
            }
        }
        if pending_or {
            out.notes
                .push("OR without a word after it was ignored".into());
        }
        if negate_next {
            out.notes
                .push("NOT without a word after it was ignored".into());
        }
        out
    }

    /// Bare words typed together: each term one group (with equivalents and
    /// synonyms), plus the whole run as a phrase for ranking.
    fn word_groups(&self, text: &str) -> (Vec<Group>, Option<Vec<(usize, String)>>) {
        let terms = analyzer::analyze_terms_with(text, Mode::Query, Segmenter::PerText);
        let phrase = (terms.len() > 1).then(|| relative(&terms));
        let mut groups = Vec::new();
        let mut i = 0;
        while i < terms.len() {
            // longest run of contiguous terms that is a vocabulary word
            let mut matched = None;
            for j in (i + 1..=(i + MAX_SPAN).min(terms.len())).rev() {
                let run = &terms[i..j];
                if run.iter().any(|t| t.figure)
                    || run.windows(2).any(|w| w[0].bytes.end != w[1].bytes.start)
                {
                    continue;
                }
                let word: String = run.iter().map(|t| t.text.as_str()).collect();
                if let Some(entries) = self.index.get(&word) {
                    matched = Some((j, word, entries));
                    break;
                }
            }
            if let Some((j, word, entries)) = matched {
                let label = text[terms[i].bytes.start..terms[j - 1].bytes.end].to_string();
                let mut alternatives = vec![alternative(&word, 1.0)];
                for &(equivalence, g) in entries {
                    let (words, weight) = if equivalence {
                        (&self.vocabulary.equivalences[g], 1.0)
                    } else {
                        (&self.vocabulary.synonyms[g], SYNONYM_WEIGHT)
                    };
                    for w in words {
                        if !alternatives
                            .iter()
                            .any(|a| a.terms == alternative(w, 1.0).terms)
                        {
                            alternatives.push(alternative(w, weight));
                        }
                    }
                }
                alternatives.retain(|a| !a.terms.is_empty());
                groups.push(Group {
                    label,
                    alternatives,
                });
                i = j;
            } else {
                // A word with a Taiwan/Mainland spelling inside it (网络安全 vs
                // 網路安全, which the dictionary segments differently) gets the
                // other spellings as alternatives too.
                let t = &terms[i];
                let label = text[t.bytes.clone()].to_string();
                let mut alternatives = vec![Alternative {
                    terms: vec![(0, t.text.clone())],
                    weight: 1.0,
                }];
                if !t.figure
                    && let Some(g) = self.phrase_group(&t.text)
                {
                    for a in g.alternatives {
                        if !alternatives.iter().any(|x| x.terms == a.terms) {
                            alternatives.push(a);
                        }
                    }
                }
                groups.push(Group {
                    label,
                    alternatives,
                });
                i += 1;
            }
        }
        (groups, phrase)
    }

    /// A quoted phrase: matched exactly, in each Mainland/Taiwan spelling.
    fn phrase_group(&self, text: &str) -> Option<Group> {
        let simplified = text::to_simplified(text);
        let mut variants = vec![simplified.clone()];
        for group in &self.vocabulary.equivalences {
            for w in group {
                if !simplified.contains(w.as_str()) {
                    continue;
                }
                let mut more = Vec::new();
                for v in &variants {
                    for other in group.iter().filter(|o| *o != w) {
                        more.push(v.replace(w.as_str(), other));
                    }
                }
                for m in more {
                    if variants.len() < MAX_PHRASE_VARIANTS && !variants.contains(&m) {
                        variants.push(m);
                    }
                }
            }
        }
        let mut alternatives: Vec<Alternative> = Vec::new();
        for v in &variants {
            let a = alternative(v, 1.0);
            if !a.terms.is_empty() && !alternatives.iter().any(|x| x.terms == a.terms) {
                alternatives.push(a);
            }
        }
        (!alternatives.is_empty()).then(|| Group {
            label: text.to_string(),
            alternatives,
        })
    }
}

fn push_groups(required: &mut Vec<Group>, mut groups: Vec<Group>, pending_or: &mut bool) {
    if *pending_or && let Some(prev) = required.last_mut() {
        let first = groups.remove(0);
        prev.label = format!("{} OR {}", prev.label, first.label);
        prev.alternatives.extend(first.alternatives);
    }
    *pending_or = false;
    required.extend(groups);
}

/// A word or phrase as an alternative (its query terms with relative positions).
fn alternative(text: &str, weight: f32) -> Alternative {
    Alternative {
        terms: relative(&analyzer::analyze_terms_with(
            text,
            Mode::Query,
            Segmenter::PerText,
        )),
        weight,
    }
}

fn relative(terms: &[analyzer::Term]) -> Vec<(usize, String)> {
    let base = terms.first().map(|t| t.position).unwrap_or(0);
    terms
        .iter()
        .map(|t| (t.position - base, t.text.clone()))
        .collect()
}

/// A lexical item of the query.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    Word { text: String, exclude: bool },
    Phrase { text: String, exclude: bool },
    Field(String, String),
    Or,
    Not,
    All,
}

fn closing_quote(open: char) -> Option<char> {
    match open {
        '"' => Some('"'),
        '“' => Some('”'),
        '「' => Some('」'),
        '『' => Some('』'),
        '＂' => Some('＂'),
        _ => None,
    }
}

fn lex(query: &str, notes: &mut Vec<String>) -> Vec<Item> {
    let mut items = Vec::new();
    let chars: Vec<char> = query.chars().collect();
    let mut i = 0;
    let mut noted_parens = false;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || c == '\u{3000}' {
            i += 1;
            continue;
        }
        // an exclusion sign directly before a word or quote
        let exclude =
            (c == '-' || c == '－') && chars.get(i + 1).is_some_and(|n| !n.is_whitespace());
        let start = if exclude { i + 1 } else { i };
        if let Some(close) = chars.get(start).and_then(|&q| closing_quote(q)) {
            let body_start = start + 1;
            match chars[body_start..].iter().position(|&x| x == close) {
                Some(len) => {
                    let text: String = chars[body_start..body_start + len].iter().collect();
                    items.push(Item::Phrase { text, exclude });
                    i = body_start + len + 1;
                }
                None => {
                    notes.push(format!(
                        "unbalanced quote {}: the rest was searched as words",
                        chars[start]
                    ));
                    i = body_start;
                }
            }
            continue;
        }
        // a whitespace-delimited chunk (stopping at an opening quote)
        let mut end = start;
        while end < chars.len()
            && !chars[end].is_whitespace()
            && chars[end] != '\u{3000}'
            && (end == start || closing_quote(chars[end]).is_none())
        {
            end += 1;
        }
        let chunk: String = chars[start..end].iter().collect();
        i = end.max(start + 1);
        let mut chunk = chunk.as_str();
        if chunk.contains(['(', ')']) && !noted_parens {
            notes.push("parentheses are not needed and were ignored".into());
            noted_parens = true;
        }
        if let Some((base, boost)) = chunk.rsplit_once('^')
            && !boost.is_empty()
            && boost.chars().all(|c| c.is_ascii_digit() || c == '.')
        {
            notes.push(format!("boost ^{boost} was ignored"));
            chunk = base;
        }
        let bare = chunk.trim_matches(['(', ')']);
        match bare {
            "" => continue,
            "AND" | "&&" | "+" => continue,
            "OR" | "||" | "|" => {
                items.push(Item::Or);
                continue;
            }
            "NOT" | "!" => {
                items.push(Item::Not);
                continue;
            }
            "*" => {
                items.push(Item::All);
                continue;
            }
            _ => {}
        }
        let bare = bare.strip_prefix('+').unwrap_or(bare);
        if let Some((name, value)) = bare.split_once([':', '：'])
            && !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphabetic() || c == '-' || c == '_')
        {
            let lower = name.to_ascii_lowercase();
            match FIELDS
                .iter()
                .find(|(_, aliases)| aliases.contains(&lower.as_str()))
            {
                Some((field, _)) if !value.is_empty() => {
                    items.push(Item::Field((*field).to_string(), value.to_string()));
                }
                Some(_) => notes.push(format!("{name}: has no value and was ignored")),
                None => {
                    let known: Vec<&str> = FIELDS.iter().map(|(f, _)| *f).collect();
                    notes.push(format!(
                        "{name}: is not a field (fields: {}); searched for {value}",
                        known.join(", ")
                    ));
                    if !value.is_empty() {
                        items.push(Item::Word {
                            text: value.to_string(),
                            exclude,
                        });
                    }
                }
            }
            continue;
        }
        items.push(Item::Word {
            text: bare.to_string(),
            exclude,
        });
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expander() -> Expander {
        Expander::new(Vocabulary::bundled())
    }

    fn labels(groups: &[Group]) -> Vec<&str> {
        groups.iter().map(|g| g.label.as_str()).collect()
    }

    fn alt_words(g: &Group) -> Vec<String> {
        g.alternatives
            .iter()
            .map(|a| a.terms.iter().map(|(_, t)| t.as_str()).collect::<String>())
            .collect()
    }

    #[test]
    fn unspaced_chinese_is_segmented_like_the_text() {
        let q = expander().parse("上市补贴");
        assert_eq!(labels(&q.required), ["上市", "补贴"]);
        assert_eq!(q.phrases.len(), 1, "the whole run also ranks as a phrase");
    }

    #[test]
    fn taiwan_vocabulary_and_synonyms_become_alternatives() {
        let q = expander().parse("網路安全");
        assert_eq!(alt_words(&q.required[0]), ["网路", "网络"]);
        let q = expander().parse("展会");
        let words = alt_words(&q.required[0]);
        assert!(words.contains(&"博览会".to_string()), "{words:?}");
        assert!(q.required[0].alternatives[1].weight < 1.0);
        // a Taiwan spelling inside a longer word
        let q = expander().parse("网络安全");
        assert!(
            alt_words(&q.required[0]).contains(&"网路安全".to_string()),
            "{:?}",
            q.required
        );
        // a multi-term Taiwan word is matched as a run of terms
        let q = expander().parse("網際網路");
        assert!(alt_words(&q.required[0]).contains(&"互联网".to_string()));
    }

    #[test]
    fn phrases_get_equivalents_but_not_synonyms() {
        let q = expander().parse("\"支援企业上市\"");
        assert_eq!(q.required.len(), 1);
        let words = alt_words(&q.required[0]);
        assert!(words.contains(&"支援企业上市".to_string()));
        assert!(words.contains(&"支持企业上市".to_string()));
        assert!(!words.iter().any(|w| w.contains("挂牌")), "{words:?}");
    }

    #[test]
    fn figures_in_queries_are_canonical() {
        for q in ["300万", "300萬元", "3,000,000元", "三百万"] {
            let p = expander().parse(q);
            assert_eq!(alt_words(&p.required[0]), ["¥3000000"], "{q}");
            assert_eq!(p.required.len(), 1, "{q}");
        }
        let p = expander().parse("展会70%");
        assert_eq!(labels(&p.required), ["展会", "70%"]);
    }

    #[test]
    fn exclusions_operators_and_fields() {
        let q = expander().parse("上市 -补贴 NOT 贴息 doc:beijing-2021 level：city");
        assert_eq!(labels(&q.required), ["上市"]);
        assert_eq!(labels(&q.excluded), ["补贴", "贴息"]);
        assert_eq!(
            q.fields,
            [
                ("doc".to_string(), "beijing-2021".to_string()),
                ("level".to_string(), "city".to_string())
            ]
        );
        let q = expander().parse("上市 OR 挂牌 补贴");
        assert_eq!(labels(&q.required), ["上市 OR 挂牌", "补贴"]);
    }

    #[test]
    fn malformed_input_still_gives_words() {
        let q = expander().parse("\"unbalanced 上市");
        assert_eq!(labels(&q.required), ["unbalanced", "上市"]);
        assert!(!q.notes.is_empty());
        let q = expander().parse("AND");
        assert!(q.required.is_empty());
        let q = expander().parse("OR 上市 OR");
        assert_eq!(labels(&q.required), ["上市"]);
        assert_eq!(q.notes.len(), 2);
        let q = expander().parse("(上市");
        assert_eq!(labels(&q.required), ["上市"]);
        let q = expander().parse("title:补贴");
        assert_eq!(labels(&q.required), ["补贴"]);
        assert!(q.notes[0].contains("not a field"));
        let q = expander().parse("上市 时间:2023");
        assert!(labels(&q.required).contains(&"上市"));
        assert!(expander().parse("*").match_all);
        let q = expander().parse("“专精特新”");
        assert_eq!(labels(&q.required), ["专精特新"]);
    }
}
