//! The Browse view: the visible rows of the document list, the outline of the selected
//! document and the detail pane (a document's metadata, or a clause with its links).

use chrono::Datelike;

use crate::model::labels::{Labelled, Lang};
use crate::model::{ClauseKind, Tier};
use crate::store::ClauseRecord;

use super::super::data::DocData;
use super::super::layout::inner;
use super::super::state::*;
use super::{badge, figure_marks, head, in_script, key, shown, standing_words, text_lines};

/// The visible rows of the document list (only those are built, whatever the corpus size).
pub fn doc_rows(app: &mut App) {
    let n = app.lib.len();
    let h = usize::from(inner(app.areas().docs).height);
    app.browse.docs.fit(n, h);
    app.browse.doc = app.lib.meta_at(app.browse.docs.sel).map(|m| m.id.clone());
    let k = key((app.layout_rev, app.browse.docs.offset, h, n));
    if k == app.browse.keys.0 {
        return;
    }
    let mut rows = Vec::with_capacity(h);
    for i in app.browse.docs.offset..(app.browse.docs.offset + h).min(n) {
        let Some(m) = app.lib.meta_at(i) else {
            break;
        };
        rows.push(DocRow {
            index: i,
            id: m.id.clone(),
            jurisdiction: m
                .jurisdiction_zh
                .clone()
                .unwrap_or_else(|| m.jurisdiction.clone()),
            year: [m.written, m.published, m.effective]
                .into_iter()
                .flatten()
                .next()
                .map(|d| d.year().to_string())
                .unwrap_or_else(|| "—".into()),
            level: m.level,
            standing: app.lib.standing(m, app.as_of),
            title: shown(app, &m.title),
        });
    }
    app.browse.doc_rows = rows;
    app.browse.keys.0 = k;
}

/// The outline of the selected document.
pub fn outline(app: &mut App) {
    let doc = app.browse.doc.clone();
    let k = key((&doc, app.layout_rev, app.digest_rev));
    if k != app.browse.keys.1 {
        let data = match &doc {
            Some(id) => app.lib.doc(id).unwrap_or_else(|e| {
                app.message = Some((format!("{e:#}"), true));
                None
            }),
            None => None,
        };
        let rows = match &data {
            Some(d) => outline_rows(app, d),
            None => Vec::new(),
        };
        if app.browse.outline_doc != doc {
            app.browse.outline = ListPos::default();
            app.browse.detail_scroll = 0;
            app.browse.link_sel = 0;
            app.browse.outline_doc = doc;
        }
        app.browse.outline_rows = rows;
        app.browse.keys.1 = k;
    }
    if let Some(target) = app.browse.target.take()
        && let Some(i) = app
            .browse
            .outline_rows
            .iter()
            .position(|r| r.clause.as_deref() == Some(target.as_str()))
    {
        app.browse.outline.sel = i;
    }
    let h = usize::from(inner(app.areas().outline).height);
    app.browse.outline.fit(app.browse.outline_rows.len(), h);
}

fn outline_rows(app: &App, doc: &DocData) -> Vec<OutlineRow> {
    let mut rows = Vec::new();
    let mut last_chapter: Option<&str> = None;
    for r in &doc.clauses {
        let c = &r.clause;
        if c.chapter.as_deref() != last_chapter {
            last_chapter = c.chapter.as_deref();
            if let Some(ch) = doc
                .record
                .chapters
                .iter()
                .find(|ch| Some(ch.path.as_str()) == last_chapter)
            {
                rows.push(OutlineRow {
                    kind: RowKind::Chapter,
                    text: shown(app, &format!("{}{}", ch.label, ch.heading)),
                    clause: None,
                    marked: false,
                });
            }
        }
        let (kind, text) = match c.kind {
            ClauseKind::Article | ClauseKind::Text => (
                RowKind::Article,
                format!(
                    "{} {}",
                    c.label,
                    c.heading.clone().unwrap_or_else(|| head(&c.measure, 40))
                ),
            ),
            ClauseKind::Provision => (
                RowKind::Provision,
                format!("  {} {}", c.path, head(&c.measure, 60)),
            ),
        };
        rows.push(OutlineRow {
            kind,
            text: shown(app, &text),
            clause: Some(c.id.clone()),
            marked: app.digest.ids.contains(&c.id),
        });
    }
    rows
}

/// The detail pane: the selected document's metadata, or the selected clause.
pub fn detail(app: &mut App) {
    let area = inner(app.areas().detail);
    let width = usize::from(area.width).max(1);
    let on_docs = app.browse.focus == Pane::Docs;
    let row = if on_docs {
        None
    } else {
        app.browse.outline_rows.get(app.browse.outline.sel).cloned()
    };
    let k = key((
        on_docs,
        &app.browse.doc,
        row.as_ref().map(|r| (&r.clause, &r.text)),
        width,
        app.layout_rev,
    ));
    if k != app.browse.keys.2 {
        let old = app.browse.detail.clause.clone();
        let detail = match (&app.browse.doc, on_docs, &row) {
            (Some(doc), true, _) => match app.lib.doc(doc) {
                Ok(Some(d)) => doc_detail(app, &d, width),
                _ => Detail::default(),
            },
            (
                Some(_),
                false,
                Some(OutlineRow {
                    clause: Some(id), ..
                }),
            ) => match app.lib.clause(id) {
                Ok(Some(c)) => clause_detail(app, &c, width),
                _ => Detail::default(),
            },
            (_, false, Some(r)) => Detail {
                clause: None,
                title: "Chapter".into(),
                lines: text_lines(&r.text, &[], width, 0, Emph::Heading),
                links: Vec::new(),
                link_lines: Vec::new(),
            },
            _ => Detail::default(),
        };
        if detail.clause != old || on_docs {
            app.browse.detail_scroll = 0;
            app.browse.link_sel = 0;
        }
        app.browse.detail = detail;
        app.browse.keys.2 = k;
    }
    let h = usize::from(area.height).max(1);
    let d = &app.browse.detail;
    app.browse.detail_scroll = app
        .browse
        .detail_scroll
        .min(d.lines.len().saturating_sub(h));
    app.browse.link_sel = app.browse.link_sel.min(d.links.len().saturating_sub(1));
}

fn doc_detail(app: &App, d: &DocData, width: usize) -> Detail {
    let m = &d.record.meta;
    let mut lines = Vec::new();
    lines.extend(text_lines(
        &shown(app, &m.title),
        &[],
        width,
        0,
        Emph::Heading,
    ));
    lines.push(TextLine::default());
    let standing = app.lib.standing(m, app.as_of);
    lines.push(TextLine {
        segs: vec![
            Seg {
                text: format!(
                    "{} {} · {} · ",
                    m.jurisdiction_zh.as_deref().unwrap_or(""),
                    m.jurisdiction,
                    m.level.en()
                ),
                emph: Emph::Plain,
            },
            badge(&standing),
        ],
        link: None,
    });
    lines.extend(text_lines(
        &format!("status: {}", standing_words(app, &standing)),
        &[],
        width,
        0,
        if standing.superseded_by.is_empty() && standing.ended.is_none() {
            Emph::Plain
        } else {
            Emph::Stale
        },
    ));
    let field = |name: &str, value: Option<String>| value.map(|v| format!("{name}: {v}"));
    for line in [
        field("id", Some(m.id.clone())),
        field("number", m.doc_number.clone()),
        field("issuer", m.issuer.clone()),
        field("publisher", m.publisher.clone()),
        field("written", m.written.map(|d| d.to_string())),
        field("published", m.published.map(|d| d.to_string())),
        field("effective", m.effective.map(|d| d.to_string())),
        field("expires", m.expires.map(|d| d.to_string())),
        field(
            "replaces",
            (!m.supersedes.is_empty()).then(|| m.supersedes.join(", ")),
        ),
        field(
            "clauses",
            Some(format!(
                "{} articles, {} provisions",
                d.articles(),
                d.provisions()
            )),
        ),
        field("note", m.note.clone()),
    ]
    .into_iter()
    .flatten()
    {
        lines.extend(text_lines(&shown(app, &line), &[], width, 0, Emph::Plain));
    }
    if let Some(pre) = &d.record.preamble {
        lines.push(TextLine::default());
        lines.extend(text_lines(&shown(app, pre), &[], width, 0, Emph::Dim));
    }
    Detail {
        clause: None,
        title: format!("{} {}", app.lib.place(&m.id), m.id),
        lines,
        links: Vec::new(),
        link_lines: Vec::new(),
    }
}

/// The tier of a link as a short run.
pub fn tier_seg(tier: Tier) -> Seg {
    Seg {
        text: format!("{} {}", tier.zh(), tier.en()),
        emph: match tier {
            Tier::Same => Emph::Heading,
            Tier::Related => Emph::Dim,
        },
    }
}

fn clause_detail(app: &App, r: &ClauseRecord, width: usize) -> Detail {
    let clause = &r.clause;
    let mut lines = Vec::new();
    let jur = app.lib.place(&clause.doc);
    let mut head_line = vec![Seg {
        text: format!("{jur} · {} ", clause.id),
        emph: Emph::Dim,
    }];
    if let Some(s) = app.lib.standing_of(&clause.doc, app.as_of) {
        head_line.push(badge(&s));
    }
    if app.digest.ids.contains(&clause.id) {
        head_line.push(Seg {
            text: " ● in the digest".into(),
            emph: Emph::Marked,
        });
    }
    lines.push(TextLine {
        segs: head_line,
        link: None,
    });
    let heading = format!(
        "{} {}",
        clause.label,
        clause.heading.as_deref().unwrap_or("")
    );
    lines.extend(text_lines(
        &shown(app, heading.trim()),
        &[],
        width,
        0,
        Emph::Heading,
    ));
    lines.push(TextLine::default());
    let figures = &r.analysis.figures;
    let marks = figure_marks(&clause.text, figures);
    let (text, marks) = in_script(app, &clause.text, marks);
    lines.extend(text_lines(&text, &marks, width, 0, Emph::Plain));
    lines.push(TextLine::default());
    if !clause.agencies.is_empty() {
        let ag = shown(app, &format!("Agencies: {}", clause.agencies.join("、")));
        lines.extend(text_lines(&ag, &[], width, 0, Emph::Dim));
    }
    let taxonomy = &app.lib.domain.rules.taxonomy;
    let topics: Vec<String> = r
        .analysis
        .topics
        .iter()
        .map(|t| match taxonomy.get(t) {
            Some(topic) => format!("{} ({})", topic.zh, topic.en),
            None => t.clone(),
        })
        .collect();
    if !topics.is_empty() {
        lines.extend(text_lines(
            &format!("Measure types: {}", topics.join(", ")),
            &[],
            width,
            0,
            Emph::Dim,
        ));
    }
    // the normalised form says what the figure is (最高300万元 补贴), not only how it is printed
    let support: Vec<String> = r
        .analysis
        .support()
        .map(|f| match &f.instrument {
            Some(instrument) => format!("{} {instrument}", f.display()),
            None => f.display(),
        })
        .collect();
    if !support.is_empty() {
        lines.extend(text_lines(
            &shown(app, &format!("Support figures: {}", support.join(" · "))),
            &[],
            width,
            0,
            Emph::Dim,
        ));
    }
    let mut link_ids = Vec::new();
    let mut link_lines = Vec::new();
    // an article's measures are its provisions: their links are shown on each of them
    if clause.kind == ClauseKind::Provision {
        let links = app.lib.links(&clause.id).unwrap_or_default();
        {
            lines.push(TextLine::default());
            if links.is_empty() {
                lines.push(TextLine::plain(
                    "The same measure elsewhere: none found in the other documents",
                    Emph::Dim,
                ));
            } else {
                lines.push(TextLine::plain(
                    format!("The same measure elsewhere ({}):", links.len()),
                    Emph::Heading,
                ));
            }
        }
        for (i, l) in links.iter().enumerate() {
            let start = lines.len();
            link_ids.push(l.id.clone());
            link_lines.push(start);
            let mut head = vec![Seg {
                text: format!("▸ {} {} · {} ", app.lib.place(&l.doc), l.jurisdiction, l.id),
                emph: Emph::Heading,
            }];
            if let Some(s) = app.lib.standing_of(&l.doc, app.as_of) {
                head.push(badge(&s));
            }
            head.push(Seg {
                text: " ".into(),
                emph: Emph::Plain,
            });
            head.push(tier_seg(l.tier));
            head.push(Seg {
                text: format!(" {:.2}", l.score),
                emph: Emph::Dim,
            });
            if app.digest.ids.contains(&l.id) {
                head.push(Seg {
                    text: " ●".into(),
                    emph: Emph::Marked,
                });
            }
            lines.push(TextLine {
                segs: head,
                link: None,
            });
            if !l.reasons.is_empty() {
                lines.extend(text_lines(
                    &shown(app, &format!("why: {}", l.why(Lang::En))),
                    &[],
                    width,
                    2,
                    Emph::Dim,
                ));
            }
            let support: Vec<&str> = l.figures.iter().map(|f| f.surface.as_str()).collect();
            if !support.is_empty() {
                let text = format!("support: {}", support.join(" · "));
                let marks = vec![("support: ".len()..text.len(), Emph::Figure)];
                let (text, marks) = in_script(app, &text, marks);
                lines.extend(text_lines(&text, &marks, width, 2, Emph::Dim));
            }
            let marks = figure_marks(&l.text, &l.figures);
            let (mut t, marks) = in_script(app, &l.text, marks);
            // only three lines are shown: lay out no more text than can fill them
            if let Some((cut, _)) = t.char_indices().nth(4 * width) {
                t.truncate(cut);
            }
            let mut body = text_lines(&t, &marks, width, 2, Emph::Plain);
            if body.len() > 3 {
                body.truncate(3);
                if let Some(last) = body.last_mut() {
                    last.segs.push(Seg {
                        text: "…".into(),
                        emph: Emph::Dim,
                    });
                }
            }
            lines.extend(body);
            for line in &mut lines[start..] {
                line.link = Some(i);
            }
        }
    }
    Detail {
        clause: Some(clause.id.clone()),
        title: format!("{jur} {}", clause.id),
        lines,
        links: link_ids,
        link_lines,
    }
}
