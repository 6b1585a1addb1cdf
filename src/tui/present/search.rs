//! The Search view: each hit laid out (heading and highlighted snippet), the selected
//! hit's full text, and the line of active filters under the query.

use std::ops::Range;

use crate::model::labels::Labelled;
use crate::search::Hit;
use crate::search::facets::AMOUNT_RANGES;

use super::super::layout::inner;
use super::super::state::*;
use super::{badge, figure_marks, in_script, key, shown, text_lines, yuan};

/// Lines of snippet shown per hit.
pub const SNIPPET_LINES: usize = 3;

/// Brings the hit list and the preview up to date.
pub fn refresh(app: &mut App) {
    let width = usize::from(inner(app.areas().results).width).max(1);
    let k = key((
        app.search.generation,
        app.search.results.as_ref().map(|r| r.hits.len()),
        width,
        app.layout_rev,
        app.digest_rev,
    ));
    if k != app.search.keys.0 {
        let mut items = Vec::new();
        if let Some(results) = &app.search.results {
            for hit in &results.hits {
                let mut item = vec![hit_header(app, hit)];
                let marks: Vec<(Range<usize>, Emph)> = hit
                    .snippet
                    .highlights
                    .iter()
                    .filter(|r| hit.snippet.text.get((*r).clone()).is_some())
                    .map(|r| (r.clone(), Emph::Hit))
                    .collect();
                let (text, marks) = in_script(app, &hit.snippet.text, marks);
                let mut body = text_lines(&text, &marks, width, 2, Emph::Plain);
                body.truncate(SNIPPET_LINES);
                item.extend(body);
                items.push(item);
            }
        }
        app.search.items = items;
        app.search.keys.0 = k;
    }
    fit_results(app);
    preview(app);
}

fn hit_header(app: &App, hit: &Hit) -> TextLine {
    let mut segs = Vec::new();
    if app.digest.ids.contains(&hit.id) {
        segs.push(Seg {
            text: "● ".into(),
            emph: Emph::Marked,
        });
    }
    segs.push(Seg {
        text: format!(
            "{} {} {}",
            app.lib.place(&hit.doc),
            hit.id,
            shown(app, hit.heading.as_deref().unwrap_or(""))
        ),
        emph: Emph::Heading,
    });
    if let Some(s) = app.lib.standing_of(&hit.doc, app.as_of) {
        segs.push(Seg {
            text: " ".into(),
            emph: Emph::Plain,
        });
        segs.push(badge(&s));
    }
    TextLine { segs, link: None }
}

/// Keeps the selected hit visible (hits are several lines each).
pub fn fit_results(app: &mut App) {
    let h = usize::from(inner(app.areas().results).height).max(1);
    let s = &mut app.search;
    let n = s.items.len();
    if n == 0 {
        s.list = ListPos::default();
        return;
    }
    s.list.sel = s.list.sel.min(n - 1);
    if s.list.sel < s.list.offset {
        s.list.offset = s.list.sel;
    }
    while s.list.offset < s.list.sel
        && s.items[s.list.offset..=s.list.sel]
            .iter()
            .map(Vec::len)
            .sum::<usize>()
            > h
    {
        s.list.offset += 1;
    }
}

fn preview(app: &mut App) {
    let area = app.areas().preview;
    let width = usize::from(inner(area).width);
    let id = app
        .search
        .results
        .as_ref()
        .and_then(|r| r.hits.get(app.search.list.sel))
        .map(|h| h.id.clone());
    let k = key((&id, width, app.layout_rev));
    if k == app.search.keys.1 {
        return;
    }
    app.search.keys.1 = k;
    app.search.preview = match (id, width) {
        (_, 0) | (None, _) => Vec::new(),
        (Some(id), w) => clause_preview(app, &id, w),
    };
}

/// A clause's full text with its heading, for the preview panes.
pub fn clause_preview(app: &App, id: &str, width: usize) -> Vec<TextLine> {
    let Ok(Some(r)) = app.lib.clause(id) else {
        return vec![TextLine::plain(
            format!("{id} is no longer in the corpus"),
            Emph::Warn,
        )];
    };
    let c = &r.clause;
    let mut lines = Vec::new();
    let mut top = vec![Seg {
        text: format!("{} · {} ", app.lib.place(&c.doc), c.id),
        emph: Emph::Dim,
    }];
    if let Some(s) = app.lib.standing_of(&c.doc, app.as_of) {
        top.push(badge(&s));
    }
    lines.push(TextLine {
        segs: top,
        link: None,
    });
    let heading = format!("{} {}", c.label, c.heading.as_deref().unwrap_or(""));
    lines.extend(text_lines(
        &shown(app, heading.trim()),
        &[],
        width,
        0,
        Emph::Heading,
    ));
    lines.push(TextLine::default());
    let marks = figure_marks(&c.text, &r.analysis.figures);
    let (text, marks) = in_script(app, &c.text, marks);
    lines.extend(text_lines(&text, &marks, width, 0, Emph::Plain));
    lines
}

/// The label of an amount range.
pub fn amount_label(i: usize) -> String {
    match AMOUNT_RANGES.get(i) {
        Some((None, Some(to))) => format!("under {}", yuan(*to)),
        Some((Some(from), None)) => format!("{} or more", yuan(*from)),
        Some((Some(from), Some(to))) => format!("{}–{}", yuan(*from), yuan(*to)),
        _ => "any amount".into(),
    }
}

/// The active filters as the query line shows them.
pub fn filter_line(app: &mut App) {
    let f = &app.search.filters;
    let mut out: Vec<(String, Emph)> = Vec::new();
    if f.is_empty() {
        out.push((" no filters ".into(), Emph::Dim));
        out.push(("f".into(), Emph::Key));
        out.push((" choose filters".into(), Emph::Dim));
        app.search.filter_line = out;
        return;
    }
    out.push((" filters: ".into(), Emph::Plain));
    let taxonomy = &app.lib.domain.rules.taxonomy;
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    let place = |j: &String| {
        app.lib
            .store()
            .and_then(|s| s.documents().find(|m| &m.jurisdiction == j))
            .and_then(|m| m.jurisdiction_zh.clone())
            .unwrap_or_else(|| j.clone())
    };
    if !f.jurisdictions.is_empty() {
        groups.push(("", f.jurisdictions.iter().map(place).collect()));
    }
    if !f.levels.is_empty() {
        groups.push(("", f.levels.iter().map(|l| l.en().to_string()).collect()));
    }
    if !f.statuses.is_empty() {
        groups.push((
            "",
            f.statuses
                .iter()
                .map(|v| format!("{} on {}", v.en(), app.as_of))
                .collect(),
        ));
    }
    if !f.topics.is_empty() {
        groups.push((
            "",
            f.topics
                .iter()
                .map(|t| taxonomy.get(t).map(|x| x.zh.clone()).unwrap_or(t.clone()))
                .collect(),
        ));
    }
    if !f.amounts.is_empty() {
        groups.push(("", f.amounts.iter().map(|i| amount_label(*i)).collect()));
    }
    if !f.years.is_empty() {
        groups.push(("", f.years.iter().map(|y| y.to_string()).collect()));
    }
    for (i, (_, values)) in groups.iter().enumerate() {
        if i > 0 {
            out.push((" · ".into(), Emph::Dim));
        }
        out.push((values.join(" or "), Emph::Hit));
    }
    out.push(("  ".into(), Emph::Plain));
    out.push(("f".into(), Emph::Key));
    out.push((" edit · ".into(), Emph::Dim));
    out.push(("Ctrl-x".into(), Emph::Key));
    out.push((" clear".into(), Emph::Dim));
    app.search.filter_line = out;
}
