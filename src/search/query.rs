//! The forgiving query language: bare words in any script (segmented like the text),
//! `"quoted phrases"` (also “…” and 「…」), `-word` / `NOT word` to exclude, `a OR b`,
//! and field filters (`doc:beijing-2021`, `level:city`, `min-amount:100万` …).
//!
//! Nothing here fails: malformed input (an unbalanced quote, a lone operator, an
//! unknown field) is searched as well as it can be and explained in `notes`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::analyzer::{self, Mode, Segmenter};
use super::families::FamilyTerms;
use crate::analysis::FrameRules;
use crate::analysis::frames::NamedKind;
use crate::text::{self, Vocabulary};

/// One way of matching a group: a single term or a phrase (terms with relative positions).
#[derive(Debug, Clone, PartialEq)]
pub struct Alternative {
    /// `(relative position, term)`, at least one.
    pub terms: Vec<(usize, String)>,
    /// 1.0 for what the user typed (or its Taiwan/Mainland equivalent), lower for synonyms.
    pub weight: f32,
    /// The instrument family it was added for, as one of the family's single terms
    /// ([`FamilyTerms`]): such alternatives are matched through the family's list.
    pub family: Option<String>,
}

/// Something that must (or must not) match: any one of its alternatives.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// What the user typed for it (for notes).
    pub label: String,
    /// Ways to match it in the text.
    pub alternatives: Vec<Alternative>,
    /// What else satisfies it, as values of the store's `concept` field: the frame
    /// triggers the word names (`t:tradefair` for 展位, with their specific forms) and
    /// its instrument family (`i:grant` for 补贴), so a provision of that measure matches
    /// even when it does not print the word (ranked below those that do).
    pub concepts: Vec<String>,
    /// The triggers the word itself names (without their specific forms).
    pub names: Vec<String>,
    /// The longer wordings of its instrument family, several terms each (资金支持, 给予
    /// 支持): not searched (a provision that prints one is found by its frame, which
    /// records the family), only sought in the hits that print none of `alternatives`,
    /// to tell whether they print the word's family all the same (`literal`).
    pub wordings: Vec<Alternative>,
}

impl Group {
    /// A single character that is not a figure (元, 的): never enough on its own when
    /// the query falls back to matching any of its words.
    pub fn is_weak(&self) -> bool {
        self.label.chars().filter(|c| c.is_alphanumeric()).count() <= 1
            && self.alternatives.len() <= 1
            && self.concepts.is_empty()
            && !self
                .alternatives
                .iter()
                .any(|a| a.terms.iter().any(|(_, t)| t.starts_with(['¥', '%'])))
    }
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
    /// Every frame trigger the query names: a provision with one of them is the measure
    /// asked for (one with a specific form of it, or another of its family, is related).
    pub triggers: Vec<String>,
    /// Words that show the measures named (the triggers' words), highlighted in the
    /// snippets of provisions found by their measure.
    pub highlight: Vec<String>,
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
/// Weight of another word of an instrument family (补贴 for 奖励).
const FAMILY_WEIGHT: f32 = 0.8;
/// `concept` values (see [`crate::store::schema`]).
const TRIGGER_PREFIX: &str = crate::store::schema::CONCEPT_TRIGGER;
const INSTRUMENT_PREFIX: &str = crate::store::schema::CONCEPT_INSTRUMENT;
/// A word this long (in characters) is also matched as its parts in a row, since a
/// quotation mark may split it in the text (专精特新板 in `“专精特新”板`).
const SPLIT_MIN_CHARS: usize = 4;
/// At most this many spellings of one phrase.
const MAX_PHRASE_VARIANTS: usize = 8;
/// Longest run of terms looked up in the vocabulary.
const MAX_SPAN: usize = 4;

/// The vocabulary prepared for lookups.
#[derive(Debug, Clone)]
pub struct Expander {
    vocabulary: Vocabulary,
    frames: FrameRules,
    /// The instrument families' single terms (a word widens to them).
    families: FamilyTerms,
    /// word → (is_equivalence, group index)
    index: HashMap<String, Vec<(bool, usize)>>,
    /// The terms of the words analysed so far (vocabulary, instrument families, frame
    /// triggers): the same words come back in every query, and each analysis builds a
    /// segmenter.
    analysed: Arc<Mutex<HashMap<String, Arc<Vec<analyzer::Term>>>>>,
}

/// At most this many analysed words are remembered (words typed in quotes are too).
const ANALYSED_MAX: usize = 4096;

impl Expander {
    /// Prepares `vocabulary` and the measure frames' words for query expansion.
    pub fn new(vocabulary: Vocabulary, frames: FrameRules) -> Expander {
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
        Expander {
            vocabulary,
            families: FamilyTerms::new(&frames),
            frames,
            index,
            analysed: Arc::default(),
        }
    }

    /// The vocabulary in use.
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// The measure frames in use.
    pub fn frames(&self) -> &FrameRules {
        &self.frames
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
        for g in &out.required {
            for t in &g.names {
                if !out.triggers.contains(t) {
                    out.triggers.push(t.clone());
                }
            }
        }
        for t in &out.triggers {
            let Some(rule) = self.frames.trigger(t) else {
                continue;
            };
            for w in &rule.rule.any {
                for term in self.terms_of(w).iter() {
                    if !out.highlight.contains(&term.text) {
                        out.highlight.push(term.text.clone());
                    }
                }
            }
        }
        out
    }

    /// Bare words typed together: each term one group (with equivalents and
    /// synonyms), plus the whole run as a phrase for ranking.
    fn word_groups(&self, text: &str) -> (Vec<Group>, Option<Vec<(usize, String)>>) {
        let terms = analyzer::analyze_terms_with(text, Mode::Query, Segmenter::PerText);
        let phrase = (terms.len() > 1).then(|| relative(&terms));
        let mut groups = Vec::new();
        let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
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
                let mut alternatives = vec![self.alternative(&word, 1.0)];
                for &(equivalence, g) in entries {
                    let (words, weight) = if equivalence {
                        (&self.vocabulary.equivalences[g], 1.0)
                    } else {
                        (&self.vocabulary.synonyms[g], SYNONYM_WEIGHT)
                    };
                    for w in words {
                        if !alternatives
                            .iter()
                            .any(|a| a.terms == self.alternative(w, 1.0).terms)
                        {
                            alternatives.push(self.alternative(w, weight));
                        }
                    }
                }
                alternatives.retain(|a| !a.terms.is_empty());
                groups.push(Group {
                    label,
                    alternatives,
                    concepts: Vec::new(),
                    names: Vec::new(),
                    wordings: Vec::new(),
                });
                ranges.push(terms[i].bytes.start..terms[j - 1].bytes.end);
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
                    family: None,
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
                    concepts: Vec::new(),
                    names: Vec::new(),
                    wordings: Vec::new(),
                });
                ranges.push(t.bytes.clone());
                i += 1;
            }
        }
        // a long word also as its parts in a row (专精特新 板 for `“专精特新”板`)
        for g in &mut groups {
            let parts: Vec<Alternative> = g
                .alternatives
                .iter()
                .filter(|a| a.terms.len() == 1 && a.weight >= 1.0)
                .filter_map(|a| split_word(&a.terms[0].1))
                .collect();
            for p in parts {
                if !g.alternatives.iter().any(|x| x.terms == p.terms) {
                    g.alternatives.push(p);
                }
            }
        }
        self.add_measures(text, &mut groups, &ranges);
        // a lone character written against a word that names a measure is part of it
        // (费 in 展位费, which the dictionary splits 展位 费)
        for i in 0..groups.len() {
            if !groups[i].concepts.is_empty() || !groups[i].is_weak() {
                continue;
            }
            let touching = |j: usize| {
                j < groups.len()
                    && !groups[j].names.is_empty()
                    && (ranges[j].end == ranges[i].start || ranges[i].end == ranges[j].start)
            };
            let from = [i.wrapping_sub(1), i + 1]
                .into_iter()
                .find(|&j| touching(j));
            if let Some(j) = from {
                groups[i].concepts = groups[j]
                    .concepts
                    .iter()
                    .filter(|c| c.starts_with(TRIGGER_PREFIX))
                    .cloned()
                    .collect();
                groups[i].names = groups[j].names.clone();
            }
        }
        (groups, phrase)
    }

    /// Widens the groups of a run of words typed together with what they name: an
    /// instrument word gets the other words of its family (奖励 → 补贴, 资金支持 …), a word
    /// naming a trigger gets the trigger as a concept (展位费 → `tradefair`).
    fn add_measures(&self, text: &str, groups: &mut [Group], ranges: &[std::ops::Range<usize>]) {
        let named = self.frames.named_in_query(&text::to_simplified(text));
        if named.is_empty() {
            return;
        }
        let chars = |b: usize| text[..b.min(text.len())].chars().count();
        for (g, bytes) in groups.iter_mut().zip(ranges) {
            let range = chars(bytes.start)..chars(bytes.end);
            let len = range.end - range.start;
            // instruments: the longest words inside the group (利息补贴, not its 补贴),
            // covering at least half of it
            let inside: Vec<_> = named
                .iter()
                .filter(|n| n.kind == NamedKind::Instrument)
                .filter(|n| n.chars.start >= range.start && n.chars.end <= range.end)
                .collect();
            for n in &inside {
                let n_len = n.chars.end - n.chars.start;
                let longer = inside.iter().any(|o| {
                    o.chars.start <= n.chars.start
                        && o.chars.end >= n.chars.end
                        && o.chars.end - o.chars.start > n_len
                });
                if longer || 2 * n_len < len {
                    continue;
                }
                let Some(family) = self.frames.instrument(&n.id).filter(|f| !f.general) else {
                    continue;
                };
                // the family's one-word names as words; its longer wordings (资金支持,
                // 给予支持) through the provision's frame, which records the family, and
                // sought in the hits only to tell whether they print the family
                for t in self.families.terms(&family.id) {
                    let terms = vec![(0, t.clone())];
                    if !g.alternatives.iter().any(|x| x.terms == terms) {
                        g.alternatives.push(Alternative {
                            terms,
                            weight: FAMILY_WEIGHT,
                            family: Some(family.id.clone()),
                        });
                    }
                }
                for w in &family.words {
                    let terms = relative(&self.terms_of(w));
                    if terms.len() > 1 && !g.wordings.iter().any(|x| x.terms == terms) {
                        g.wordings.push(Alternative {
                            terms,
                            weight: FAMILY_WEIGHT,
                            family: None,
                        });
                    }
                }
                let concept = format!("{INSTRUMENT_PREFIX}{}", family.id);
                if !g.concepts.contains(&concept) {
                    g.concepts.push(concept);
                }
            }
            // triggers named by a word inside the group, or by a word the group is part of
            for n in named.iter().filter(|n| n.kind == NamedKind::Trigger) {
                let within = n.chars.start >= range.start && n.chars.end <= range.end;
                let around = range.start >= n.chars.start && range.end <= n.chars.end;
                if !(within || around) {
                    continue;
                }
                if !g.names.contains(&n.id) {
                    g.names.push(n.id.clone());
                }
                for t in self.frames.with_specifics(&n.id) {
                    let concept = format!("{TRIGGER_PREFIX}{t}");
                    if !g.concepts.contains(&concept) {
                        g.concepts.push(concept);
                    }
                }
            }
        }
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
            let a = self.alternative(v, 1.0);
            if !a.terms.is_empty() && !alternatives.iter().any(|x| x.terms == a.terms) {
                alternatives.push(a);
            }
        }
        (!alternatives.is_empty()).then(|| Group {
            label: text.to_string(),
            alternatives,
            concepts: Vec::new(),
            names: Vec::new(),
            wordings: Vec::new(),
        })
    }
}

/// A long dictionary word as its parts in a row (专精特新板 → 专精特新 板): the longest
/// shorter dictionary word at each point, else one character. `None` when that adds
/// nothing to the word itself.
fn split_word(word: &str) -> Option<Alternative> {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < SPLIT_MIN_CHARS || !chars.iter().all(|c| text::is_han(*c)) {
        return None;
    }
    let jieba = text::jieba_for(word);
    let mut parts: Vec<(usize, String)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let longest = (i + 2..=chars.len())
            .rev()
            .filter(|&j| j - i < chars.len())
            .find(|&j| jieba.has_word(&chars[i..j].iter().collect::<String>()))
            .unwrap_or(i + 1);
        parts.push((i, chars[i..longest].iter().collect()));
        i = longest;
    }
    // Parts that are all dictionary words are indexed inside the word anyway (jieba's
    // search mode), so their phrase would find nothing more; only a lone character
    // (板 of 专精特新板) is not. Punctuation sets off a word from a character before or
    // after it, so a lone character within (特 of 专精 特 新) makes no such split: its
    // phrase would be one more list sought on every match of the word.
    let lone = |(_, p): &(usize, String)| p.chars().count() == 1;
    let inner = parts.len() > 2 && parts[1..parts.len() - 1].iter().any(lone);
    let long = parts.iter().any(|p| !lone(p));
    (parts.len() > 1 && parts.iter().any(lone) && long && !inner).then_some(Alternative {
        terms: parts,
        weight: 1.0,
        family: None,
    })
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

impl Expander {
    /// A word or phrase as an alternative (its query terms with relative positions).
    fn alternative(&self, text: &str, weight: f32) -> Alternative {
        Alternative {
            terms: relative(&self.terms_of(text)),
            weight,
            family: None,
        }
    }

    /// The query terms of a word of the vocabulary or the frames, analysed once.
    fn terms_of(&self, word: &str) -> Arc<Vec<analyzer::Term>> {
        let remembered = |m: &Mutex<HashMap<_, _>>| {
            m.lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(word)
                .map(Arc::clone)
        };
        if let Some(t) = remembered(&self.analysed) {
            return t;
        }
        let terms = Arc::new(analyzer::analyze_terms_with(
            word,
            Mode::Query,
            Segmenter::PerText,
        ));
        let mut m = self.analysed.lock().unwrap_or_else(|e| e.into_inner());
        if m.len() >= ANALYSED_MAX {
            m.clear();
        }
        m.insert(word.to_string(), Arc::clone(&terms));
        terms
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

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}'
}

fn lex(query: &str, notes: &mut Vec<String>) -> Vec<Item> {
    let mut items = Vec::new();
    let chars: Vec<char> = query.chars().collect();
    let mut i = 0;
    let mut noted_parens = false;
    while i < chars.len() {
        let c = chars[i];
        if is_space(c) {
            i += 1;
            continue;
        }
        // an exclusion sign directly before a word or quote
        let exclude =
            (c == '-' || c == '－') && chars.get(i + 1).is_some_and(|n| !n.is_whitespace());
        let start = if exclude { i + 1 } else { i };
        if let Some(close) = chars.get(start).and_then(|&q| closing_quote(q)) {
            let body_start = start + 1;
            let found = chars[body_start..].iter().position(|&x| x == close);
            // quotation marks inside a word (“专精特新”板) are part of the word
            let inside_word = found.is_some_and(|len| {
                let after = body_start + len + 1;
                chars.get(after).is_some_and(|c| !is_space(*c))
                    && !chars[body_start..body_start + len]
                        .iter()
                        .any(|c| is_space(*c))
            });
            match found.filter(|_| !inside_word) {
                Some(len) => {
                    let text: String = chars[body_start..body_start + len].iter().collect();
                    items.push(Item::Phrase { text, exclude });
                    i = body_start + len + 1;
                }
                None if inside_word => {}
                None => {
                    notes.push(format!(
                        "unbalanced quote {}: the rest was searched as words",
                        chars[start]
                    ));
                    i = body_start;
                    continue;
                }
            }
            if !inside_word {
                continue;
            }
        }
        // a whitespace-delimited chunk
        let mut end = start;
        while end < chars.len() && !is_space(chars[end]) {
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
        // quotation marks inside a word are not word boundaries (“专精特新”板)
        let word: String = bare.chars().filter(|c| !is_inner_quote(*c)).collect();
        if !word.is_empty() {
            items.push(Item::Word {
                text: word,
                exclude,
            });
        }
    }
    items
}

/// Quotation marks a word may be printed with.
fn is_inner_quote(c: char) -> bool {
    matches!(
        c,
        '“' | '”' | '‘' | '’' | '"' | '「' | '」' | '『' | '』' | '《' | '》' | '＂'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expander() -> Expander {
        Expander::new(Vocabulary::bundled(), FrameRules::bundled())
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
    fn instrument_words_widen_to_their_family_unless_quoted() {
        let q = expander().parse("上市奖励");
        let reward = &q.required[1];
        let words = alt_words(reward);
        for w in ["奖励", "补贴", "补助", "资助"] {
            assert!(words.contains(&w.to_string()), "{w}: {words:?}");
        }
        assert!(reward.concepts.contains(&"i:grant".to_string()));
        assert!(reward.alternatives[1..].iter().all(|a| a.weight < 1.0));
        // quoted: exactly the word
        let q = expander().parse("\"奖励\"");
        assert_eq!(alt_words(&q.required[0]), ["奖励"]);
        assert!(q.required[0].concepts.is_empty());
        // a general family does not widen
        let q = expander().parse("培训");
        assert_eq!(alt_words(&q.required[0]), ["培训"]);
    }

    #[test]
    fn words_that_name_a_measure_carry_its_trigger() {
        let q = expander().parse("展位费补贴");
        assert_eq!(labels(&q.required), ["展位", "费", "补贴"]);
        // 费 is written against 展位: it belongs to the same measure
        for g in &q.required[..2] {
            assert!(g.concepts.contains(&"t:tradefair".to_string()), "{g:?}");
        }
        assert_eq!(q.triggers, ["tradefair"]);
        assert!(q.highlight.contains(&"展会".to_string()));
        // a general trigger also stands for its specific forms
        let q = expander().parse("上市");
        assert!(q.required[0].concepts.contains(&"t:neeq".to_string()));
        assert_eq!(q.triggers, ["listing"]);
        // nothing named: no concepts
        let q = expander().parse("发展");
        assert!(q.required[0].concepts.is_empty() && q.triggers.is_empty());
    }

    #[test]
    fn quotation_marks_inside_a_word_keep_it_whole() {
        for text in ["“专精特新”板", "\"专精特新\"板", "專精特新板"] {
            let q = expander().parse(text);
            assert_eq!(q.required.len(), 1, "{text}: {:?}", labels(&q.required));
            let words = alt_words(&q.required[0]);
            assert!(
                words.contains(&"专精特新板".to_string()),
                "{text}: {words:?}"
            );
            // its parts in a row, for `“专精特新”板` in the text
            assert!(
                q.required[0]
                    .alternatives
                    .iter()
                    .any(|a| a.terms == [(0, "专精特新".to_string()), (4, "板".to_string())]),
                "{text}"
            );
        }
        // a word is not split around a character within it
        let q = expander().parse("专精特新");
        assert!(
            q.required[0]
                .alternatives
                .iter()
                .all(|a| a.terms.len() == 1),
            "{:?}",
            q.required[0].alternatives
        );
        // a phrase set off by spaces is still a phrase
        let q = expander().parse("\"资金补贴\" 上市");
        assert_eq!(labels(&q.required), ["资金补贴", "上市"]);
    }

    #[test]
    fn short_forms_match_their_full_names() {
        let words = alt_words(&expander().parse("北交所").required[0]);
        assert!(words.contains(&"北京证券交易所".to_string()), "{words:?}");
        let words = alt_words(&expander().parse("专板").required[0]);
        assert!(words.contains(&"专精特新专板".to_string()), "{words:?}");
    }

    #[test]
    fn single_characters_are_weak() {
        let q = expander().parse("元宇宙");
        assert_eq!(labels(&q.required), ["元", "宇宙"]);
        assert!(q.required[0].is_weak());
        assert!(!q.required[1].is_weak());
        assert!(!expander().parse("300万").required[0].is_weak());
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
