//! Structure: cleaned paragraphs → cover letter, title, preamble, chapters and sections,
//! articles and provisions.
//!
//! What counts as an article:
//! * `第X条` articles when the document has them;
//! * otherwise numbered items `1.` (Beijing 2021, Zhejiang, Baotou, Haidian), with `一、`
//!   as chapters and `(一)` as sections;
//! * otherwise `一、` paragraphs that carry their own text (Beijing 2024's ten actions).
//!
//! When numbered items restart in every section (Haidian), an article's path is
//! `chapter.section.item` (`haidian-2013/3.2.1`, or `5.1` in a chapter without sections);
//! otherwise it is the item number (`beijing-2021/9`). Provisions add their ordinal
//! (`beijing-2021/9.3`). Haidian's selection criteria (四 (一)) and safeguards (五) are
//! numbered items too, so they are articles; unnumbered `(一)` paragraphs (Haidian 一,
//! Baotou's 保障措施) stay with their section as [`Chapter::text`].
//!
//! A provision is one citable measure: a sentence (split on 。；; outside quotes and
//! brackets), cut further after a mid-sentence agency list (`…力度(市财政局),支持…`) and
//! before an inline enumeration (`一是…二是…`). A list of agencies standing after an
//! article's last sentence governs every provision of that article that has none of its own.

use std::collections::HashSet;
use std::ops::Range;

use super::agencies;
use super::clean::{Cleaned, HeadingKind, Label, Mapped, label};
use super::rules::Rules;
use super::{Chapter, Clause, ClauseKind};
use crate::text;

/// A document's parts after structuring.
#[derive(Debug, Clone, Default)]
pub struct Structured {
    /// Text before the measures' title (the cover letter), if any.
    pub letter: Option<String>,
    /// The measures' title paragraph as printed, if one was found.
    pub title: Option<String>,
    /// Text between the title and the first heading.
    pub preamble: Option<String>,
    /// Closing provisions after the last article (commencement, validity).
    pub closing: Option<String>,
    /// Chapters and sections.
    pub chapters: Vec<Chapter>,
    /// Articles, each followed by its provisions.
    pub clauses: Vec<Clause>,
}

/// Structures the cleaned paragraphs of document `doc_id`.
pub fn structure(doc_id: &str, cleaned: &Cleaned, rules: &Rules) -> Structured {
    let paras = &cleaned.paras;
    let mut labels: Vec<Option<Label>> = paras.iter().map(|p| label(&p.text)).collect();
    // A digest's 【标签】 items count only when there are several of them.
    if labels
        .iter()
        .flatten()
        .filter(|l| l.kind == HeadingKind::Tag)
        .count()
        < 2
    {
        for l in labels.iter_mut() {
            if l.is_some_and(|l| l.kind == HeadingKind::Tag) {
                *l = None;
            }
        }
    }
    let mut out = Structured::default();
    let Some(first) = labels.iter().position(Option::is_some) else {
        out.preamble = join(paras.iter());
        return out;
    };

    // Title, letter, preamble. A title may be printed over two lines: its last part, with
    // a bracket such as (征求意见稿) or (试行) alone on the next line, or a first part that
    // is a short unpunctuated line of its own.
    let title_at = (0..first).rev().find(|&i| is_title(&paras[i].text, rules));
    match title_at {
        Some(t) => {
            let mut start = t;
            let mut end = t + 1;
            if end < first && is_bracket_only(&paras[end].text) {
                end += 1;
            }
            if t > 0 && is_title_head(&paras[t - 1].text, &paras[t].text, rules) {
                start = t - 1;
            }
            out.letter = join(paras[..start].iter());
            out.title = Some(
                paras[start..end]
                    .iter()
                    .map(|p| p.text.trim())
                    .collect::<String>(),
            );
            out.preamble = join(paras[end..first].iter());
        }
        None => out.preamble = join(paras[..first].iter()),
    }

    // Which label kind makes an article: 第X条; else numbered items 1.; else (一) items
    // that carry their own text ((一)标题。正文); else 一、 items; else (一); else 【标签】.
    let present: Vec<Label> = labels[first..].iter().flatten().copied().collect();
    let has = |k: HeadingKind| present.iter().any(|l| l.kind == k);
    let sections_carry_text = {
        let sections: Vec<usize> = (first..paras.len())
            .filter(|&i| labels[i].is_some_and(|l| l.kind == HeadingKind::Section))
            .collect();
        let with_text = sections
            .iter()
            .filter(|&&i| carries_text(&paras[i].text, labels[i].map_or(0, |l| l.len)))
            .count();
        !sections.is_empty() && with_text * 2 >= sections.len()
    };
    let article_kind = if has(HeadingKind::Article) {
        HeadingKind::Article
    } else if has(HeadingKind::Numbered) {
        HeadingKind::Numbered
    } else if has(HeadingKind::Section) && sections_carry_text {
        HeadingKind::Section
    } else if has(HeadingKind::Chapter) {
        HeadingKind::Chapter
    } else if has(HeadingKind::Section) {
        HeadingKind::Section
    } else {
        HeadingKind::Tag
    };
    // Digest items are numbered in order.
    if article_kind == HeadingKind::Tag {
        let mut n = 0;
        for l in labels.iter_mut().flatten() {
            if l.kind == HeadingKind::Tag {
                n += 1;
                l.number = n;
            }
        }
    }
    let numbers: Vec<u32> = labels[first..]
        .iter()
        .flatten()
        .filter(|l| l.kind == article_kind)
        .map(|l| l.number)
        .collect();
    let unique: HashSet<u32> = numbers.iter().copied().collect();
    let hierarchical = unique.len() != numbers.len();

    // Closing: the trailing unnumbered paragraphs that state commencement or validity.
    let mut end = paras.len();
    while end > first && labels[end - 1].is_none() && is_closing(&paras[end - 1].text, rules) {
        end -= 1;
    }
    out.closing = join(paras[end..].iter());

    // In a 第X条 document, 第X章/第X节 are chapters, and so is a short unpunctuated 一、
    // line standing right before a 第X条 (一、优化审批服务 / 第一条 …); other 一、 and (一)
    // are article text (the items of an article).
    let chapter_line: Vec<bool> = (0..paras.len())
        .map(|i| {
            let Some(l) = labels[i] else { return false };
            if article_kind != HeadingKind::Article || l.formal || l.kind != HeadingKind::Chapter {
                return l.formal;
            }
            let rest = paras[i].text[l.len.min(paras[i].text.len())..].trim();
            let next_formal = labels[i + 1..]
                .iter()
                .flatten()
                .next()
                .is_some_and(|n| n.formal && n.kind == HeadingKind::Article);
            next_formal
                && rest.chars().count() <= 30
                && !rest.contains(['。', '；', ';', '，', ','])
        })
        .collect();
    // Which labels end an article that runs over several paragraphs.
    let ends_article = |i: usize, l: &Label| match article_kind {
        HeadingKind::Article => l.formal || chapter_line[i],
        HeadingKind::Numbered | HeadingKind::Tag => true,
        HeadingKind::Chapter => l.kind == HeadingKind::Chapter,
        HeadingKind::Section => matches!(l.kind, HeadingKind::Chapter | HeadingKind::Section),
    };
    let is_heading = |i: usize, l: &Label, kind: HeadingKind| {
        l.kind == kind && (article_kind != HeadingKind::Article || chapter_line[i])
    };

    let mut chapter: Option<(u32, usize)> = None; // number, index in out.chapters
    let mut section: Option<(u32, usize)> = None;
    // The unnumbered text of each chapter: its paragraphs and where its clause goes.
    let mut texts: Vec<(usize, usize, Vec<Mapped>)> = Vec::new(); // chapter idx, clause idx, paras
    let mut i = first;
    while i < end {
        let para = &paras[i];
        let lab = labels[i];
        match lab {
            Some(l)
                if l.kind == article_kind && (article_kind != HeadingKind::Article || l.formal) =>
            {
                let mut path_parts = Vec::new();
                if hierarchical {
                    if let Some((n, _)) = chapter {
                        path_parts.push(n.to_string());
                    }
                    if let Some((n, _)) = section {
                        path_parts.push(n.to_string());
                    }
                }
                path_parts.push(l.number.to_string());
                let path = path_parts.join(".");
                let chapter_path = section
                    .or(chapter)
                    .map(|(_, idx)| out.chapters[idx].path.clone());
                // The article runs on until the next heading.
                let mut j = i + 1;
                while j < end && !labels[j].as_ref().is_some_and(|l| ends_article(j, l)) {
                    j += 1;
                }
                let merged = merge(&paras[i..j]);
                build_article(
                    doc_id,
                    &path,
                    chapter_path,
                    &merged,
                    l,
                    rules,
                    &mut out.clauses,
                );
                i = j;
                continue;
            }
            Some(l) if is_heading(i, &l, HeadingKind::Chapter) => {
                let path = l.number.to_string();
                let (ch, own) = heading_chapter(&path, para, l);
                out.chapters.push(ch);
                chapter = Some((l.number, out.chapters.len() - 1));
                section = None;
                if let Some(own) = own {
                    add_text(&mut texts, out.chapters.len() - 1, out.clauses.len(), own);
                }
            }
            Some(l) if is_heading(i, &l, HeadingKind::Section) => {
                let path = match chapter {
                    Some((n, _)) => format!("{n}.{}", l.number),
                    None => l.number.to_string(),
                };
                let (ch, own) = heading_chapter(&path, para, l);
                out.chapters.push(ch);
                section = Some((l.number, out.chapters.len() - 1));
                if let Some(own) = own {
                    add_text(&mut texts, out.chapters.len() - 1, out.clauses.len(), own);
                }
            }
            _ => {
                // Unnumbered text (or a numbered item that is not an article here): it
                // belongs to the innermost chapter or section.
                match section.or(chapter) {
                    Some((_, idx)) => {
                        let t = out.chapters[idx].text.get_or_insert_with(String::new);
                        if !t.is_empty() {
                            t.push('\n');
                        }
                        t.push_str(&para.text);
                        add_text(&mut texts, idx, out.clauses.len(), para.clone());
                    }
                    None => {
                        let t = out.preamble.get_or_insert_with(String::new);
                        if !t.is_empty() {
                            t.push('\n');
                        }
                        t.push_str(&para.text);
                    }
                }
            }
        }
        i += 1;
    }
    // Each chapter's own text is citable where it was read: `chapter.0`, or one clause per
    // paragraph, `chapter.0.1`, `chapter.0.2` …, when it has several.
    for (idx, at, parts) in texts.into_iter().rev() {
        let ch = &out.chapters[idx];
        let several = parts.len() > 1;
        let clauses: Vec<Clause> = parts
            .iter()
            .enumerate()
            .map(|(k, m)| {
                let path = if several {
                    format!("{}.0.{}", ch.path, k + 1)
                } else {
                    format!("{}.0", ch.path)
                };
                Clause {
                    id: format!("{doc_id}/{path}"),
                    doc: doc_id.to_string(),
                    kind: ClauseKind::Text,
                    path,
                    label: ch.label.clone(),
                    heading: (!ch.heading.is_empty()).then(|| ch.heading.clone()),
                    chapter: Some(ch.path.clone()),
                    parent: None,
                    normalized: text::to_simplified(&m.text),
                    measure: m.text.clone(),
                    text: m.text.clone(),
                    agencies: Vec::new(),
                    span: m.full_span(),
                }
            })
            .collect();
        out.clauses.splice(at..at, clauses);
    }
    out
}

/// Records a paragraph of chapter `idx`'s own text; its clause goes at `at` (the first
/// paragraph's place among the clauses).
fn add_text(texts: &mut Vec<(usize, usize, Vec<Mapped>)>, idx: usize, at: usize, para: Mapped) {
    match texts.iter_mut().find(|t| t.0 == idx) {
        Some(t) => t.2.push(para),
        None => texts.push((idx, at, vec![para])),
    }
}

/// True if a labelled paragraph carries text of its own after its heading
/// (`(一)完善培育体系。按照…`), not a heading alone.
fn carries_text(text: &str, label_len: usize) -> bool {
    let rest = text[label_len.min(text.len())..].trim();
    match rest.find('。') {
        Some(i) => !rest[i + '。'.len_utf8()..].trim().is_empty(),
        None => rest.chars().count() > 40,
    }
}

/// A line holding only a bracket, such as `(征求意见稿)` or `(试行)`: the end of the title
/// above it.
fn is_bracket_only(text: &str) -> bool {
    let t = text.trim();
    let n = t.chars().count();
    (3..=16).contains(&n)
        && t.starts_with(['(', '（'])
        && t.ends_with([')', '）'])
        && !t[1..].contains(['(', '（'])
}

/// True if `head` is the first part of a title printed over two lines ending with `tail`:
/// a short line without punctuation that is no title, date or signer itself.
fn is_title_head(head: &str, tail: &str, rules: &Rules) -> bool {
    let h = text::to_simplified(head.trim());
    let n = h.chars().count();
    n >= 4
        && n + tail.chars().count() <= 60
        && !h.contains(['。', '，', ',', '：', ':', '；', '《', '》', ' '])
        && !is_title(&h, rules)
        && !is_closing(&h, rules)
        && label(&h).is_none()
        && h.chars().all(|c| text::is_han(c) || c == '“' || c == '”')
}

/// Paragraphs joined with a line break (mapped onto the source gap between them).
fn merge(paras: &[Mapped]) -> Mapped {
    let mut m = paras[0].clone();
    for p in &paras[1..] {
        let gap = m.full_span().end..p.full_span().start;
        m.push('\n', gap);
        m.append(p);
    }
    m
}

/// A closing paragraph: commencement or validity, or a signature (issuer, date).
fn is_closing(text: &str, rules: &Rules) -> bool {
    let s = text::to_simplified(text);
    if rules.closing_markers.iter().any(|m| s.contains(m.as_str())) {
        return true;
    }
    let date_only = s
        .trim_end_matches(['日', ' '])
        .chars()
        .all(|c| c.is_ascii_digit() || "年月日 -/.".contains(c));
    let agency_only = s.chars().count() <= 40
        && !s.contains(['。', '，', ',', '；', ';', ':', '：'])
        && rules
            .agencies
            .suffixes
            .iter()
            .any(|x| s.ends_with(x.as_str()));
    date_only || agency_only
}

fn join<'a>(paras: impl Iterator<Item = &'a Mapped>) -> Option<String> {
    let s = paras
        .map(|p| p.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    (!s.is_empty()).then_some(s)
}

/// A title: no full stop, not too long, ends (before any trailing parenthesis such as
/// `(征求意见稿)`) with one of the title endings.
pub fn is_title(text: &str, rules: &Rules) -> bool {
    // the conversion keeps the character count: long paragraphs need no converting
    if text.chars().count() > 80 {
        return false;
    }
    let s = text::to_simplified(text);
    if s.contains('。') || label(&s).is_some() {
        return false;
    }
    let mut core = s.trim_end();
    while let Some(stripped) = core.strip_suffix([')', '）']) {
        match stripped.rfind(['(', '（']) {
            Some(open) => core = stripped[..open].trim_end(),
            None => break,
        }
    }
    core = core.trim_end_matches(['》', '”', '"']);
    rules
        .title_endings
        .iter()
        .any(|e| core.ends_with(e.as_str()))
}

/// The chapter a heading paragraph opens, and the text it carries after its heading
/// (`四、实施“海帆计划”。集成政策资源…`), if any.
fn heading_chapter(path: &str, para: &Mapped, l: Label) -> (Chapter, Option<Mapped>) {
    let rest_range = para.trimmed_range(l.len.min(para.text.len())..para.text.len());
    let rest = &para.text[rest_range.clone()];
    let label_text = para.text[..l.len].trim().to_string();
    let (heading, own) = match rest.find('。') {
        Some(i) => {
            let after = rest_range.start + i + '。'.len_utf8();
            let own = para.trimmed_range(after..para.text.len());
            (
                rest[..i].to_string(),
                (!own.is_empty()).then(|| para.slice(own)),
            )
        }
        None => (rest.to_string(), None),
    };
    (
        Chapter {
            path: path.to_string(),
            heading,
            label: label_text,
            text: own.as_ref().map(|m| m.text.clone()),
        },
        own,
    )
}

/// Brackets and quotes that hide sentence ends.
fn opener(c: char) -> Option<char> {
    Some(match c {
        '(' | '（' => ')',
        '《' => '》',
        '“' => '”',
        '‘' => '’',
        '「' => '」',
        '『' => '』',
        '〔' => '〕',
        '【' => '】',
        '[' => ']',
        _ => return None,
    })
}

fn closes(open_close: char, c: char) -> bool {
    c == open_close || (open_close == ')' && c == '）')
}

/// Sentence ends. ASCII `?`/`!` are left out: in these copies they are mojibake, not punctuation.
const TERMINATORS: &[char] = &['。', '；', ';', '！', '？', '\n'];
const SOFT: &[char] = &['，', ',', '、', '：', ':', ' '];
const ENUM: &str = "一二三四五六七八九十";

/// An agency parenthesis: its byte range (with the brackets) and names.
#[derive(Debug, Clone)]
struct AgencyParen {
    range: Range<usize>,
    names: Vec<String>,
}

/// Splits an article body into provision ranges and finds its agency parentheses.
fn split_body(body: &str, rules: &Rules) -> (Vec<Range<usize>>, Vec<AgencyParen>) {
    let mut cuts: Vec<Range<usize>> = Vec::new();
    let mut parens: Vec<AgencyParen> = Vec::new();
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = body.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (i, c) = chars[k];
        let next = chars.get(k + 1).map(|&(_, n)| n);
        let after = i + c.len_utf8();
        if let Some(close) = opener(c) {
            stack.push((close, i));
        } else if let Some(pos) = stack.iter().rposition(|&(close, _)| closes(close, c)) {
            let (close, open_at) = stack[pos];
            stack.truncate(pos);
            let at_end = next.is_none_or(|n| {
                TERMINATORS.contains(&n) || SOFT.contains(&n) || n == '(' || n == '（'
            });
            if stack.is_empty() && close == ')' && at_end {
                let open_len = body[open_at..].chars().next().map_or(1, char::len_utf8);
                let content = &body[open_at + open_len..i];
                if let Some(names) = agencies::parse_list(content, &rules.agencies) {
                    parens.push(AgencyParen {
                        range: open_at..after,
                        names,
                    });
                    // A list in mid-sentence closes one measure: "…力度(市财政局),支持…".
                    if let Some(n) = next
                        && matches!(n, '，' | ',' | '、')
                    {
                        cuts.push(start..after);
                        start = after + n.len_utf8();
                        k += 2;
                        continue;
                    }
                }
            }
        } else if c == '\n' {
            // A paragraph break always ends a provision, even inside an unclosed bracket.
            stack.clear();
            cuts.push(start..after);
            start = after;
        } else if stack.is_empty() && TERMINATORS.contains(&c) {
            cuts.push(start..after);
            start = after;
        } else if stack.is_empty()
            && ENUM.contains(c)
            && next == Some('是')
            && i > start
            && body[start..i].trim_end().ends_with(['，', ',', '：', ':'])
        {
            // "…:一是…,二是…": the enumeration item starts a new provision.
            cuts.push(start..i);
            start = i;
        }
        k += 1;
    }
    if start < body.len() {
        cuts.push(start..body.len());
    }
    (cuts, parens)
}

/// Trims whitespace and leading/trailing soft punctuation from a range.
fn tidy(body: &str, r: Range<usize>) -> Range<usize> {
    let s = &body[r.clone()];
    let t = s.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '，' | ',' | '、'));
    let lead = s.len() - t.len();
    let t2 = t.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '，' | ',' | '、'));
    r.start + lead..r.start + lead + t2.len()
}

/// `text` without the given byte ranges (agency parentheses), tidied.
fn without(text: &str, base: usize, remove: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in remove {
        let (a, b) = (r.start.saturating_sub(base), r.end.saturating_sub(base));
        if a >= at && b <= text.len() {
            out.push_str(&text[at..a]);
            at = b;
        }
    }
    out.push_str(&text[at..]);
    out.trim().to_string()
}

#[allow(clippy::too_many_arguments)]
fn build_article(
    doc_id: &str,
    path: &str,
    chapter: Option<String>,
    para: &Mapped,
    l: Label,
    rules: &Rules,
    clauses: &mut Vec<Clause>,
) {
    let label_text = para.text[..l.len].trim().to_string();
    let rest_range = para.trimmed_range(l.len..para.text.len());
    let rest = &para.text[rest_range.clone()];
    let (heading, body_off) = if l.kind == HeadingKind::Tag {
        let tag = label_text.trim_start_matches('【').trim_end_matches('】');
        (Some(tag.to_string()), 0)
    } else {
        article_heading(rest)
    };
    let body = &rest[body_off..];
    let (cuts, parens) = split_body(body, rules);

    // Provisions: tidy, drop empties, fold agency-only fragments.
    let mut provs: Vec<Range<usize>> = Vec::new();
    let mut article_list: Option<Vec<String>> = None;
    let is_only_agency = |r: &Range<usize>| -> bool {
        let mut rest = body[r.clone()].to_string();
        for p in parens
            .iter()
            .filter(|p| p.range.start >= r.start && p.range.end <= r.end)
        {
            rest = rest.replacen(&body[p.range.clone()], "", 1);
        }
        rest.chars()
            .all(|c| c.is_whitespace() || TERMINATORS.contains(&c) || SOFT.contains(&c))
    };
    let tidied: Vec<Range<usize>> = cuts
        .into_iter()
        .map(|r| tidy(body, r))
        .filter(|r| !r.is_empty() && !body[r.clone()].chars().all(|c| TERMINATORS.contains(&c)))
        .collect();
    let n = tidied.len();
    for (idx, r) in tidied.into_iter().enumerate() {
        if is_only_agency(&r) {
            let trailing = idx + 1 == n;
            if trailing || provs.is_empty() {
                let names: Vec<String> = parens
                    .iter()
                    .filter(|p| p.range.start >= r.start && p.range.end <= r.end)
                    .flat_map(|p| p.names.clone())
                    .collect();
                if trailing {
                    article_list = Some(names);
                    continue;
                }
            }
            if let Some(last) = provs.last_mut() {
                last.end = r.end;
                continue;
            }
        }
        provs.push(r);
    }
    if provs.is_empty() {
        provs.push(0..body.len());
    }
    // Cut sentences that grant two different instruments.
    let mut split: Vec<(Range<usize>, bool)> = Vec::new();
    for r in provs {
        let cuts = instrument_cuts(body, r.clone(), rules);
        let mut from = r.start;
        for (comma, resume) in cuts {
            split.push((from..comma, true));
            from = resume;
        }
        let continues = body[from..r.end].trim_end().ends_with(['；', ';']);
        split.push((from..r.end, continues));
    }

    let base = rest_range.start + body_off;
    let article_id = format!("{doc_id}/{path}");
    let all_paren_ranges: Vec<Range<usize>> = parens
        .iter()
        .map(|p| p.range.start + body_off..p.range.end + body_off)
        .collect();
    // Agencies: a provision's own list; else, inside one sentence cut in parts, the list
    // of the part that ends the sentence; else the article's trailing list.
    let own: Vec<Vec<&AgencyParen>> = split
        .iter()
        .map(|(r, _)| {
            parens
                .iter()
                .filter(|p| p.range.start >= r.start && p.range.end <= r.end)
                .collect()
        })
        .collect();
    let mut names: Vec<Vec<String>> = own
        .iter()
        .map(|o| o.iter().flat_map(|p| p.names.clone()).collect())
        .collect();
    for k in (0..split.len()).rev() {
        if names[k].is_empty() && split[k].1 && k + 1 < split.len() {
            names[k] = names[k + 1].clone();
        }
    }
    if let Some(list) = &article_list {
        for n in names.iter_mut().filter(|n| n.is_empty()) {
            *n = list.clone();
        }
    }
    let mut article_agencies: Vec<String> = Vec::new();
    let mut children = Vec::new();
    let mut current_enum: Option<String> = None;
    for (k, (r, _)) in split.iter().enumerate() {
        for n in &names[k] {
            if !article_agencies.contains(n) {
                article_agencies.push(n.clone());
            }
        }
        let text = body[r.clone()].to_string();
        let removes: Vec<Range<usize>> = own[k].iter().map(|p| p.range.clone()).collect();
        let measure = without(&text, r.start, &removes);
        let mut it = text.chars();
        if let (Some(a), Some('是')) = (it.next(), it.next())
            && ENUM.contains(a)
        {
            current_enum = Some(format!("{a}是"));
        }
        let span = para.span(base + r.start..base + r.end);
        children.push(Clause {
            id: format!("{article_id}.{}", k + 1),
            doc: doc_id.to_string(),
            kind: ClauseKind::Provision,
            path: format!("{path}.{}", k + 1),
            label: current_enum.clone().unwrap_or_else(|| label_text.clone()),
            heading: heading.clone(),
            chapter: chapter.clone(),
            parent: Some(article_id.clone()),
            normalized: text::to_simplified(&text),
            text,
            measure,
            agencies: names[k].clone(),
            span,
        });
    }
    if let Some(list) = &article_list {
        for n in list {
            if !article_agencies.contains(n) {
                article_agencies.push(n.clone());
            }
        }
    }
    let text = rest.to_string();
    let measure = without(&text, 0, &all_paren_ranges);
    clauses.push(Clause {
        id: article_id,
        doc: doc_id.to_string(),
        kind: ClauseKind::Article,
        path: path.to_string(),
        label: label_text,
        heading,
        chapter,
        parent: None,
        normalized: text::to_simplified(&text),
        text,
        measure,
        agencies: article_agencies,
        span: para.span(rest_range),
    });
    clauses.extend(children);
}

/// The instrument granted after the last figure ([`text::amount`]) of a (Simplified)
/// clause part.
fn instrument_after_figure<'r>(part: &str, rules: &'r Rules) -> Option<&'r str> {
    let last = text::amount::scan(part).pop()?;
    let tail = &part[last.bytes.end..];
    rules
        .instruments
        .iter()
        .filter_map(|w| tail.find(w.as_str()).map(|at| (at, w.as_str())))
        .min()
        .map(|(_, w)| w)
}

/// Commas inside `r` where a second, different instrument starts: (comma position,
/// position after the comma).
fn instrument_cuts(body: &str, r: Range<usize>, rules: &Rules) -> Vec<(usize, usize)> {
    let mut candidates = Vec::new();
    let mut depth = 0i32;
    let longest_connective = super::rules::longest_chars(&rules.connectives);
    for (i, c) in body[r.clone()].char_indices() {
        let i = r.start + i;
        match c {
            c if opener(c).is_some() => depth += 1,
            ')' | '）' | '》' | '”' | '’' | '」' | '』' | '〕' | '】' | ']' => depth -= 1,
            '，' | ',' if depth == 0 => {
                let after = i + c.len_utf8();
                // only the start is compared: convert that, not the whole rest
                let rest = &body[after..r.end];
                let cut = rest
                    .char_indices()
                    .nth(longest_connective + super::clean::CONVERSION_CONTEXT)
                    .map_or(rest.len(), |(b, _)| b);
                let next = text::to_simplified(&rest[..cut]);
                if rules
                    .connectives
                    .iter()
                    .any(|w| next.starts_with(w.as_str()))
                {
                    candidates.push((i, after));
                }
            }
            _ => {}
        }
    }
    let mut cuts = Vec::new();
    let mut from = r.start;
    for (n, &(comma, after)) in candidates.iter().enumerate() {
        let until = candidates.get(n + 1).map_or(r.end, |&(c, _)| c);
        let left = text::to_simplified(&body[from..comma]);
        let right = text::to_simplified(&body[after..until]);
        if let (Some(a), Some(b)) = (
            instrument_after_figure(&left, rules),
            instrument_after_figure(&right, rules),
        ) && a != b
        {
            cuts.push((comma, after));
            from = after;
        }
    }
    cuts
}

/// The article's heading (its short first sentence, or a `label:` lead) and the byte
/// offset where the body starts.
fn article_heading(rest: &str) -> (Option<String>, usize) {
    // A heading on a line of its own: `第一條 定義` above the article's text.
    if let Some(nl) = rest.find('\n') {
        let first = rest[..nl].trim();
        let n = first.chars().count();
        if (1..=15).contains(&n)
            && !first.contains(['。', '，', ',', '；', ';', '：', ':', '、'])
            && !rest[nl..].trim().is_empty()
        {
            return (Some(first.to_string()), nl + 1);
        }
    }
    let mut depth = 0i32;
    for (count, (i, c)) in rest.char_indices().enumerate() {
        match c {
            '“' | '(' | '（' | '《' | '‘' => depth += 1,
            '”' | ')' | '）' | '》' | '’' => depth -= 1,
            '，' | ',' | '；' | ';' if depth == 0 => return (None, 0),
            '。' if depth == 0 => {
                let after = i + c.len_utf8();
                if count <= 30 && !rest[after..].trim().is_empty() {
                    return (Some(rest[..i].to_string()), after);
                }
                return (None, 0);
            }
            '：' | ':' if depth == 0 => {
                let after = i + c.len_utf8();
                if count <= 12 && !rest[after..].trim().is_empty() {
                    return (Some(rest[..i].to_string()), after);
                }
                return (None, 0);
            }
            _ => {}
        }
    }
    (None, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> &'static Rules {
        Rules::bundled().unwrap()
    }

    #[test]
    fn mid_sentence_agency_list_splits_and_trailing_list_governs() {
        let body = "加大政府採購的支援力度(市財政局),支援企業申請註冊(市藥監局)。高品質建設研究型病房。(市衛生健康委)";
        let (cuts, parens) = split_body(body, rules());
        let texts: Vec<&str> = cuts.iter().map(|r| &body[r.clone()]).collect();
        assert_eq!(
            texts,
            [
                "加大政府採購的支援力度(市財政局)",
                "支援企業申請註冊(市藥監局)。",
                "高品質建設研究型病房。",
                "(市衛生健康委)"
            ]
        );
        assert_eq!(parens.len(), 3);
    }

    #[test]
    fn enumerations_and_quotes() {
        let body = "主要有:一是完善平臺,二是开展“评级。测试”工作;三是推进。";
        let (cuts, _) = split_body(body, rules());
        let texts: Vec<&str> = cuts
            .iter()
            .map(|r| body[tidy(body, r.clone())].trim())
            .collect();
        assert_eq!(
            texts,
            [
                "主要有:",
                "一是完善平臺",
                "二是开展“评级。测试”工作;",
                "三是推进。"
            ]
        );
    }

    #[test]
    fn formal_articles_keep_their_numbered_items_and_signature_is_closing() {
        let text = "某某市促进中小企业发展办法\n\n第一章 总则\n\n第一条 为支持中小企业发展，制定本办法。\n\n\
                    第二章 支持措施\n\n第二条 支持方式包括：\n（一）资金补助，最高50万元；\n（二）贷款贴息。\n\n\
                    第三条 本办法自2024年1月1日起施行。\n\n某某市工业和信息化局\n2024年1月1日\n";
        let cleaned = crate::corpus::clean::clean(text, rules());
        let s = structure("x", &cleaned, rules());
        let ids: Vec<&str> = s.clauses.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            ["x/1", "x/1.1", "x/2", "x/2.1", "x/2.2", "x/3", "x/3.1"]
        );
        assert_eq!(s.chapters.len(), 2);
        assert_eq!(s.chapters[1].heading, "支持措施");
        assert_eq!(s.clauses[2].chapter.as_deref(), Some("2"));
        // "支持方式包括：" is the article's lead, the enumerated items its provisions.
        assert_eq!(s.clauses[2].heading.as_deref(), Some("支持方式包括"));
        assert_eq!(s.clauses[3].text, "（一）资金补助，最高50万元；");
        assert_eq!(
            s.closing.as_deref(),
            Some("某某市工业和信息化局\n2024年1月1日")
        );
        assert_eq!(s.title.as_deref(), Some("某某市促进中小企业发展办法"));
        assert_eq!(
            &text[s.clauses[2].span.clone()],
            "支持方式包括：\n（一）资金补助，最高50万元；\n（二）贷款贴息。"
        );
    }

    #[test]
    fn headings() {
        assert_eq!(
            article_heading("支援企業掛牌上市。建立資源庫。")
                .0
                .as_deref(),
            Some("支援企業掛牌上市")
        );
        assert_eq!(
            article_heading("體系建設目的:以化解難題").0.as_deref(),
            Some("體系建設目的")
        );
        assert_eq!(article_heading("上年度總收入≥3000萬元,近兩年;").0, None);
        assert!(is_title("核心區中小微企業助力計劃(2013-2015年)", rules()));
        assert!(is_title(
            "于進一步促進專精特新中小企業高質量發展的若干措施(征求意見稿)",
            rules()
        ));
        assert!(!is_title("各有關單位:", rules()));
    }
}
