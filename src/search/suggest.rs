//! When nothing matches: which words no provision contains, and the closest words the
//! index does know (from its term dictionary, by edit distance in characters).

use anyhow::{Context, Result};
use tantivy::Searcher;
use tantivy::schema::Field;

use super::query::{Group, ParsedQuery};
use crate::store::Fields;

/// At most this many suggestions.
const MAX_SUGGESTIONS: usize = 5;
/// The whole query is looked up as one word when it is at most this long.
const MAX_WHOLE: usize = 8;

/// Notes for a query nothing matched.
pub(super) fn no_match(
    searcher: &Searcher,
    f: &Fields,
    parsed: &ParsedQuery,
) -> Result<Vec<String>> {
    let unknown = unknown(searcher, f, parsed)?;
    let weak: Vec<&Group> = parsed.required.iter().filter(|g| g.is_weak()).collect();
    if unknown.is_empty() && weak.len() < parsed.required.len() {
        let all: Vec<&Group> = parsed.required.iter().collect();
        return Ok(vec![format!(
            "no provision has the words {} together",
            label(&all)
        )]);
    }
    let mut note = if unknown.is_empty() {
        format!("no provision has the words {} together", label(&weak))
    } else {
        format!("no provision contains {}", label(&unknown))
    };
    if !weak.is_empty() && !unknown.is_empty() {
        note.push_str(&format!(
            " (a single character such as {} is never searched alone)",
            label(&weak)
        ));
    }
    let mut notes = vec![note];
    notes.extend(closest_note(searcher, f, parsed, &unknown)?);
    Ok(notes)
}

/// Notes for a query whose hits lack some of its words: those no provision contains,
/// and the closest known words (nothing when every word occurs somewhere).
pub(super) fn partial_match(
    searcher: &Searcher,
    f: &Fields,
    parsed: &ParsedQuery,
) -> Result<Vec<String>> {
    let unknown = unknown(searcher, f, parsed)?;
    if unknown.is_empty() {
        return Ok(Vec::new());
    }
    let mut notes = vec![format!("no provision contains {}", label(&unknown))];
    notes.extend(closest_note(searcher, f, parsed, &unknown)?);
    Ok(notes)
}

/// The words (not single characters) that no provision contains.
fn unknown<'a>(searcher: &Searcher, f: &Fields, parsed: &'a ParsedQuery) -> Result<Vec<&'a Group>> {
    let mut out = Vec::new();
    for g in &parsed.required {
        if !g.is_weak() && !known(searcher, f, g)? {
            out.push(g);
        }
    }
    Ok(out)
}

fn label(groups: &[&Group]) -> String {
    groups
        .iter()
        .map(|g| g.label.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The closest known words to the unknown ones (and to the whole query, which the
/// dictionary may have split: 小巨仁, 专精特心).
fn closest_note(
    searcher: &Searcher,
    f: &Fields,
    parsed: &ParsedQuery,
    unknown: &[&Group],
) -> Result<Option<String>> {
    let mut words: Vec<String> = unknown.iter().filter_map(|g| normal_form(g)).collect();
    if parsed.required.len() > 1 {
        let whole: String = parsed.required.iter().filter_map(normal_form).collect();
        if whole.chars().count() <= MAX_WHOLE && !words.contains(&whole) {
            words.push(whole);
        }
    }
    let close = closest(searcher, &[f.body, f.heading], &words)?;
    Ok(if !close.is_empty() {
        Some(format!("closest known words: {}", close.join(", ")))
    } else if !unknown.is_empty() {
        Some(format!(
            "the index knows no word close to {}",
            label(unknown)
        ))
    } else {
        None
    })
}

/// Whether any provision has one of the group's alternatives' terms (or its measures).
pub(super) fn known(searcher: &Searcher, f: &Fields, group: &Group) -> Result<bool> {
    let df = |field: Field, text: &str| -> Result<u64> {
        searcher
            .doc_freq(&tantivy::Term::from_field_text(field, text))
            .context("reading the index")
    };
    for alt in &group.alternatives {
        let mut all = true;
        for (_, t) in &alt.terms {
            if df(f.body, t)? == 0 && df(f.heading, t)? == 0 {
                all = false;
                break;
            }
        }
        if all && !alt.terms.is_empty() {
            return Ok(true);
        }
    }
    for c in &group.concepts {
        if df(f.concept, c)? > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The word as the index spells it (Simplified, lower case), from its first alternative.
fn normal_form(group: &Group) -> Option<String> {
    let alt = group.alternatives.first()?;
    let word: String = alt.terms.iter().map(|(_, t)| t.as_str()).collect();
    (!word.is_empty()).then_some(word)
}

/// The index's words closest to `words`: within one edit (two for words of four
/// characters or more), sharing a character, most frequent first.
fn closest(searcher: &Searcher, fields: &[Field], words: &[String]) -> Result<Vec<String>> {
    let targets: Vec<Vec<char>> = words
        .iter()
        .map(|w| w.chars().collect::<Vec<char>>())
        .filter(|w| w.len() >= 2)
        .collect();
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    // term -> (distance, documents)
    let mut found: std::collections::HashMap<String, (usize, u64)> =
        std::collections::HashMap::new();
    for segment in searcher.segment_readers() {
        for &field in fields {
            let index = segment.inverted_index(field).context("reading the index")?;
            let mut stream = index.terms().stream().context("reading the index")?;
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if term.starts_with(['¥', '%']) || !term.chars().any(char::is_alphabetic) {
                    continue;
                }
                let chars: Vec<char> = term.chars().collect();
                for target in &targets {
                    let max = if target.len() >= 4 { 2 } else { 1 };
                    if chars.len().abs_diff(target.len()) > max
                        || !chars.iter().any(|c| target.contains(c))
                        || chars == *target
                    {
                        continue;
                    }
                    let d = distance(target, &chars);
                    if d <= max {
                        let e = found.entry(term.to_string()).or_insert((d, 0));
                        e.0 = e.0.min(d);
                        e.1 += u64::from(stream.value().doc_freq);
                    }
                }
            }
        }
    }
    let mut ranked: Vec<(String, (usize, u64))> = found.into_iter().collect();
    ranked.sort_by(|a, b| {
        a.1.0
            .cmp(&b.1.0)
            .then(b.1.1.cmp(&a.1.1))
            .then(a.0.cmp(&b.0))
    });
    Ok(ranked
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(t, _)| t)
        .collect())
}

/// Levenshtein distance in characters.
fn distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_characters() {
        let c = |s: &str| s.chars().collect::<Vec<char>>();
        assert_eq!(distance(&c("专精特新"), &c("专精特心")), 1);
        assert_eq!(distance(&c("展位费"), &c("展位")), 1);
        assert_eq!(distance(&c("元宇宙"), &c("宇宙")), 1);
        assert_eq!(distance(&c("abc"), &c("abc")), 0);
    }
}
