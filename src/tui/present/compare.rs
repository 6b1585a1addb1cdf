//! The Compare view: the columns with something to show (the origin first), rows in the
//! chosen order with their labels, or one line per cell in the compact mode.

use crate::compare::Comparison;
use crate::model::Tier;
use crate::model::labels::Labelled;

use super::super::state::*;
use super::browse::tier_seg;
use super::{
    badge, figure_marks, fit_line, in_script, key, shown, support_amount, text_lines, yuan,
};

/// Narrowest comparison column, in cells.
pub const MIN_COLUMN: u16 = 34;
/// Lines above the body of a column: header lines and the rule.
pub const HEADER_LINES: usize = 4;

/// Each row's provisions: (index of the comparison's column, index in its clauses).
fn members(cmp: &Comparison) -> Vec<Vec<(usize, usize)>> {
    let mut rows: Vec<Vec<(usize, usize)>> = vec![Vec::new(); cmp.rows];
    for (ci, col) in cmp.columns.iter().enumerate() {
        for (k, cc) in col.clauses.iter().enumerate() {
            if let Some(r) = rows.get_mut(cc.row) {
                r.push((ci, k));
            }
        }
    }
    rows
}

/// The largest support amount of each row.
fn row_amounts(cmp: &Comparison, members: &[Vec<(usize, usize)>]) -> Vec<Option<f64>> {
    members
        .iter()
        .map(|m| {
            m.iter()
                .filter_map(|(ci, k)| support_amount(&cmp.columns[*ci].clauses[*k].figures))
                .fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.max(v))))
        })
        .collect()
}

/// The order of the comparison's rows for display.
pub fn row_order(cmp: &Comparison, order: RowOrder) -> Vec<usize> {
    let mut rows: Vec<usize> = (0..cmp.rows).collect();
    if order == RowOrder::Amount {
        let amounts = row_amounts(cmp, &members(cmp));
        rows.sort_by(|a, b| {
            amounts[*b]
                .unwrap_or(-1.0)
                .total_cmp(&amounts[*a].unwrap_or(-1.0))
                .then(a.cmp(b))
        });
    }
    rows
}

/// The document a comparison starts from (the compared provision's), if any.
pub fn origin(app: &App) -> Option<String> {
    match &app.compare.source {
        Some(CompareSource::Clause(id)) => id.split_once('/').map(|(d, _)| d.to_string()),
        _ => None,
    }
}

/// Lays the comparison out for the current size (both modes). The cells of the
/// columns on screen only are wrapped, whatever the number of documents.
pub fn layout(app: &mut App) {
    let body = app.areas().compare_body;
    let c = &app.compare;
    let k = key((
        c.generation,
        c.pending,
        c.comparison.as_ref().map(|c| c.rows),
        c.compact,
        c.order,
        body.width,
        app.layout_rev,
        app.digest_rev,
    ));
    if k != c.key {
        skeleton(app, body.width);
        app.compare.key = k;
        app.compare.cells_key = None;
    }
    fit_columns(app);
    let c = &app.compare;
    let k = key((c.key, c.col_offset));
    if !c.compact && k != c.cells_key {
        lay_cells(app);
        app.compare.cells_key = k;
    }
    fit(app);
}

/// What does not depend on which columns are on screen: the columns with something
/// to show (the origin first) and the clause of each of their rows, the row order and
/// labels, the compact lines.
fn skeleton(app: &mut App, width: u16) {
    let Some(cmp) = app.compare.comparison.clone() else {
        let c = &mut app.compare;
        c.columns.clear();
        c.row_starts.clear();
        c.row_labels.clear();
        c.row_order.clear();
        c.compact_lines.clear();
        c.empty.clear();
        return;
    };
    let origin = origin(app);
    let mut order: Vec<usize> = (0..cmp.columns.len())
        .filter(|i| !cmp.columns[*i].clauses.is_empty())
        .collect();
    order.sort_by_key(|i| Some(&cmp.columns[*i].doc) != origin.as_ref());
    let empty: Vec<String> = cmp
        .columns
        .iter()
        .filter(|c| c.clauses.is_empty())
        .map(|c| app.lib.place(&c.doc))
        .collect();
    let members = members(&cmp);
    let amounts = row_amounts(&cmp, &members);
    let rows = row_order(&cmp, app.compare.order);
    let labels: Vec<TextLine> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| row_label(app, &cmp, &members[*r], amounts[*r], *r, i, rows.len()))
        .collect();
    let n = order.len().max(1);
    let fit = usize::from(width / MIN_COLUMN).clamp(1, n);
    let col_width = width / u16::try_from(fit).unwrap_or(1).max(1);
    let columns: Vec<CompareColumn> = order
        .iter()
        .map(|&ci| {
            let col = &cmp.columns[ci];
            CompareColumn {
                doc: col.doc.clone(),
                header: Vec::new(),
                lines: Vec::new(),
                cells: rows
                    .iter()
                    .map(|r| col.at_row(*r).map(|cc| cc.id.clone()))
                    .collect(),
            }
        })
        .collect();

    // compact: one line per cell
    let position: std::collections::HashMap<usize, usize> =
        order.iter().enumerate().map(|(p, ci)| (*ci, p)).collect();
    let mut compact = Vec::new();
    let line_w = usize::from(width).max(20);
    for (i, &r) in rows.iter().enumerate() {
        compact.push(CompactLine {
            line: labels[i].clone(),
            clause: None,
        });
        let mut cells: Vec<&(usize, usize)> = members[r].iter().collect();
        cells.sort_by_key(|(ci, _)| position.get(ci).copied().unwrap_or(usize::MAX));
        if app.compare.order == RowOrder::Amount {
            cells.sort_by(|a, b| {
                let amount = |x: &(usize, usize)| {
                    support_amount(&cmp.columns[x.0].clauses[x.1].figures).unwrap_or(-1.0)
                };
                amount(b).total_cmp(&amount(a))
            });
        }
        for &&(ci, k) in &cells {
            let col = &cmp.columns[ci];
            let cc = &col.clauses[k];
            compact.push(CompactLine {
                line: compact_line(app, &col.doc, cc, origin.as_deref(), line_w),
                clause: Some(cc.id.clone()),
            });
        }
    }

    let c = &mut app.compare;
    c.col_width = col_width;
    c.visible_cols = fit;
    c.columns = columns;
    c.empty = empty;
    c.row_order = rows;
    c.row_labels = labels;
    c.compact_lines = compact;
}

fn compact_line(
    app: &App,
    doc: &str,
    cc: &crate::compare::ComparedClause,
    origin: Option<&str>,
    width: usize,
) -> TextLine {
    let is_origin = origin == Some(doc);
    let place = app.lib.place(doc);
    let pad = 12usize.saturating_sub(super::super::wrap::str_width(&place));
    let mut segs = vec![
        Seg {
            text: if app.digest.ids.contains(&cc.id) {
                "● "
            } else {
                "  "
            }
            .into(),
            emph: Emph::Marked,
        },
        Seg {
            text: format!("{place}{} ", " ".repeat(pad)),
            emph: Emph::Heading,
        },
    ];
    // a short tier in a column of its own
    let tier = if is_origin {
        Seg {
            text: "本条 origin".into(),
            emph: Emph::Marked,
        }
    } else {
        match app.compare.extra.tiers.get(&cc.id) {
            Some(t) => Seg {
                text: format!(
                    "{} {}",
                    t.zh().chars().take(2).collect::<String>(),
                    t.en().split(' ').next().unwrap_or("")
                ),
                emph: tier_seg(*t).emph,
            },
            None => Seg {
                text: String::new(),
                emph: Emph::Dim,
            },
        }
    };
    if !app.compare.extra.tiers.is_empty() || is_origin {
        let pad = 13usize.saturating_sub(super::super::wrap::str_width(&tier.text));
        segs.push(Seg {
            text: format!("{}{}", tier.text, " ".repeat(pad)),
            emph: tier.emph,
        });
    }
    let figs: Vec<String> = cc.figures.iter().map(|f| f.display()).collect();
    if figs.is_empty() {
        segs.push(Seg {
            text: "no figure".into(),
            emph: Emph::Dim,
        });
    } else {
        segs.push(Seg {
            text: shown(app, &figs.join(" · ")),
            emph: Emph::Figure,
        });
    }
    segs.push(Seg {
        text: format!("  {}", cc.id),
        emph: Emph::Dim,
    });
    fit_line(&TextLine { segs, link: None }, width)
}

/// Keeps the cursor's column on screen (the origin column is pinned; the others
/// scroll).
fn fit_columns(app: &mut App) {
    let c = &mut app.compare;
    let ncols = c.columns.len();
    c.cursor.0 = c.cursor.0.min(ncols.saturating_sub(1));
    let scrolling = c.visible_cols.saturating_sub(1);
    let last_start = ncols.saturating_sub(1).saturating_sub(scrolling);
    c.col_offset = c.col_offset.min(last_start);
    if c.cursor.0 > 0 && scrolling > 0 {
        let i = c.cursor.0 - 1;
        if i < c.col_offset {
            c.col_offset = i;
        } else if i >= c.col_offset + scrolling {
            c.col_offset = i + 1 - scrolling;
        }
    }
}

/// Wraps the cells of the columns on screen and lines their rows up: row r starts on
/// the same line in every column, under its label line.
fn lay_cells(app: &mut App) {
    let Some(cmp) = app.compare.comparison.clone() else {
        return;
    };
    let origin = origin(app);
    let text_w = usize::from(app.compare.col_width.saturating_sub(2)).max(1);
    let visible = visible_columns(&app.compare);
    let rows = app.compare.row_order.clone();
    let mut laid: Vec<(usize, Vec<TextLine>, Vec<Vec<TextLine>>)> = Vec::new();
    for &p in &visible {
        let doc = app.compare.columns[p].doc.clone();
        let Some(col) = cmp.columns.iter().find(|c| c.doc == doc) else {
            continue;
        };
        let mut header = vec![TextLine {
            segs: vec![
                Seg {
                    text: format!("{} {} ", app.lib.place(&col.doc), col.jurisdiction),
                    emph: Emph::Heading,
                },
                match app.lib.standing_of(&col.doc, app.as_of) {
                    Some(s) => badge(&s),
                    None => Seg {
                        text: format!("[{}]", col.validity.en()),
                        emph: Emph::Badge(col.validity),
                    },
                },
            ],
            link: None,
        }];
        let mut t = text_lines(&shown(app, &col.title), &[], text_w, 0, Emph::Dim);
        t.truncate(2);
        header.extend(t);
        header.truncate(HEADER_LINES - 1);
        let is_origin = Some(&col.doc) == origin.as_ref();
        let cells: Vec<Vec<TextLine>> = rows
            .iter()
            .map(|&r| match col.at_row(r) {
                Some(cc) => {
                    let mut cell = vec![cell_heading(app, cc.id.as_str(), text_w, is_origin)];
                    let marks = figure_marks(&cc.text, &cc.figures);
                    let (t, marks) = in_script(app, &cc.text, marks);
                    cell.extend(text_lines(&t, &marks, text_w, 0, Emph::Plain));
                    cell
                }
                None => vec![TextLine::plain("—", Emph::Dim)],
            })
            .collect();
        laid.push((p, header, cells));
    }
    let mut row_starts = Vec::with_capacity(rows.len());
    let mut lines: Vec<Vec<TextLine>> = vec![Vec::new(); laid.len()];
    let mut at = 0;
    for i in 0..rows.len() {
        row_starts.push(at);
        let h = laid.iter().map(|(_, _, c)| c[i].len()).max().unwrap_or(0);
        for (li, (_, _, cells)) in laid.iter_mut().enumerate() {
            let cell = std::mem::take(&mut cells[i]);
            let pad = h - cell.len();
            lines[li].push(TextLine::default());
            lines[li].extend(cell);
            lines[li].extend(std::iter::repeat_n(TextLine::default(), pad));
        }
        at += 1 + h;
    }
    let c = &mut app.compare;
    for col in &mut c.columns {
        col.header.clear();
        col.lines.clear();
    }
    for ((p, header, _), body) in laid.into_iter().zip(lines) {
        c.columns[p].header = header;
        c.columns[p].lines = body;
    }
    c.row_starts = row_starts;
}

/// The tier of a compared clause, or "origin" for the compared provision's own column.
fn tier_or_origin(app: &App, id: &str, is_origin: bool) -> Seg {
    if is_origin {
        return Seg {
            text: "本条 origin".into(),
            emph: Emph::Marked,
        };
    }
    match app.compare.extra.tiers.get(id) {
        Some(t) => tier_seg(*t),
        None => Seg {
            text: String::new(),
            emph: Emph::Dim,
        },
    }
}

fn cell_heading(app: &App, id: &str, width: usize, is_origin: bool) -> TextLine {
    let heading = app
        .compare
        .extra
        .headings
        .get(id)
        .map(|h| shown(app, h))
        .unwrap_or_default();
    let mut segs = Vec::new();
    if app.digest.ids.contains(&id.to_string()) {
        segs.push(Seg {
            text: "● ".into(),
            emph: Emph::Marked,
        });
    }
    segs.push(Seg {
        text: format!("{id} "),
        emph: Emph::Heading,
    });
    let tier = tier_or_origin(app, id, is_origin);
    if !tier.text.is_empty() {
        segs.push(Seg {
            text: match app.compare.extra.tiers.get(id) {
                Some(Tier::Same) => "同一 ".into(),
                Some(Tier::Related) => "相关 ".into(),
                None => "本条 ".into(),
            },
            emph: tier.emph,
        });
    }
    segs.push(Seg {
        text: heading,
        emph: Emph::Heading,
    });
    fit_line(&TextLine { segs, link: None }, width)
}

fn row_label(
    app: &App,
    cmp: &Comparison,
    members: &[(usize, usize)],
    amount: Option<f64>,
    r: usize,
    i: usize,
    n: usize,
) -> TextLine {
    let label = cmp.row_labels.get(r);
    let words = match label {
        Some(l) if !l.zh.is_empty() => format!("{} · {}", l.zh, l.en),
        _ => "(no common measure frame)".into(),
    };
    let mut segs = vec![
        Seg {
            text: format!("▍{}/{} ", i + 1, n),
            emph: Emph::Dim,
        },
        Seg {
            text: words,
            emph: Emph::Heading,
        },
    ];
    // the largest support in the row, and where
    if let Some(amount) = amount {
        let doc = members
            .iter()
            .find(|(ci, k)| support_amount(&cmp.columns[*ci].clauses[*k].figures) == Some(amount))
            .map(|(ci, _)| cmp.columns[*ci].doc.as_str())
            .unwrap_or("");
        segs.push(Seg {
            text: format!(" · most: {} ({})", yuan(amount), app.lib.place(doc)),
            emph: Emph::Figure,
        });
    }
    let count = members.len();
    segs.push(Seg {
        text: format!(" · {count} document{}", if count == 1 { "" } else { "s" }),
        emph: Emph::Dim,
    });
    TextLine { segs, link: None }
}

/// Keeps the cursor on a cell and in view.
pub fn fit(app: &mut App) {
    let body_h = body_height(app);
    let c = &mut app.compare;
    if c.compact {
        let n = c.compact_lines.len();
        c.compact_sel = c.compact_sel.min(n.saturating_sub(1));
        // never rest on a label when a cell follows
        if c.compact_lines
            .get(c.compact_sel)
            .is_some_and(|l| l.clause.is_none())
            && c.compact_sel + 1 < n
        {
            c.compact_sel += 1;
        }
        if c.compact_sel < c.scroll {
            c.scroll = c.compact_sel.saturating_sub(1);
        } else if c.compact_sel >= c.scroll + body_h {
            c.scroll = c.compact_sel + 1 - body_h;
        }
        c.scroll = c.scroll.min(n.saturating_sub(body_h));
        return;
    }
    let nrows = c.row_starts.len();
    c.cursor.1 = c.cursor.1.min(nrows.saturating_sub(1));
    let lines = c.columns.first().map(|c| c.lines.len()).unwrap_or(0);
    if let Some(&start) = c.row_starts.get(c.cursor.1) {
        let end = c.row_starts.get(c.cursor.1 + 1).copied().unwrap_or(lines);
        if start < c.scroll {
            c.scroll = start;
        } else if end > c.scroll + body_h {
            c.scroll = end.saturating_sub(body_h).min(start);
        }
    }
    c.scroll = c.scroll.min(lines.saturating_sub(1));
}

/// Lines of the comparison body that fit under the column headers.
pub fn body_height(app: &App) -> usize {
    let body = app.areas().compare_body;
    let h = usize::from(body.height);
    if app.compare.compact {
        h.saturating_sub(1).max(1)
    } else {
        h.saturating_sub(HEADER_LINES + 1).max(1)
    }
}

/// The clause under the cursor.
pub fn selected(app: &App) -> Option<String> {
    let c = &app.compare;
    if c.compact {
        return c.compact_lines.get(c.compact_sel)?.clause.clone();
    }
    c.columns.get(c.cursor.0)?.cells.get(c.cursor.1)?.clone()
}

/// The columns on screen: the origin, then the scrolled ones.
pub fn visible_columns(c: &CompareState) -> Vec<usize> {
    if c.columns.is_empty() {
        return Vec::new();
    }
    let mut v = vec![0];
    let scrolling = c.visible_cols.saturating_sub(1);
    v.extend((1 + c.col_offset..c.columns.len()).take(scrolling));
    v
}
