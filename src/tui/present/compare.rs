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

/// The order of the comparison's rows for display.
pub fn row_order(cmp: &Comparison, order: RowOrder) -> Vec<usize> {
    let mut rows: Vec<usize> = (0..cmp.rows).collect();
    if order == RowOrder::Amount {
        let amount = |r: usize| {
            cmp.columns
                .iter()
                .filter_map(|c| c.at_row(r))
                .filter_map(|c| support_amount(&c.figures))
                .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))
        };
        let amounts: Vec<Option<f64>> = rows.iter().map(|r| amount(*r)).collect();
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

/// Lays the comparison out for the current size (both modes).
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
        build(app, body.width);
        app.compare.key = k;
    }
    fit(app);
}

fn build(app: &mut App, width: u16) {
    let Some(cmp) = app.compare.comparison.clone() else {
        let c = &mut app.compare;
        c.columns.clear();
        c.row_starts.clear();
        c.row_labels.clear();
        c.compact_lines.clear();
        c.empty.clear();
        return;
    };
    let origin = origin(app);
    // the columns with something to show, the origin first
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
    let rows = row_order(&cmp, app.compare.order);
    let labels: Vec<TextLine> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| row_label(app, &cmp, *r, i, rows.len()))
        .collect();

    let n = order.len().max(1);
    let fit = usize::from(width / MIN_COLUMN).clamp(1, n);
    let col_width = width / u16::try_from(fit).unwrap_or(1).max(1);
    let text_w = usize::from(col_width.saturating_sub(2)).max(1);
    let mut columns: Vec<CompareColumn> = Vec::new();
    let mut cells: Vec<Vec<Vec<TextLine>>> = Vec::new();
    for &ci in &order {
        let col = &cmp.columns[ci];
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
        let mut col_cells = Vec::new();
        let mut ids = Vec::new();
        for &r in &rows {
            let mut cell = Vec::new();
            match col.at_row(r) {
                Some(cc) => {
                    cell.push(cell_heading(
                        app,
                        cc.id.as_str(),
                        text_w,
                        Some(&col.doc) == origin.as_ref(),
                    ));
                    let marks = figure_marks(&cc.text, &cc.figures);
                    let (t, marks) = in_script(app, &cc.text, marks);
                    cell.extend(text_lines(&t, &marks, text_w, 0, Emph::Plain));
                    ids.push(Some(cc.id.clone()));
                }
                None => {
                    cell.push(TextLine::plain("—", Emph::Dim));
                    ids.push(None);
                }
            }
            col_cells.push(cell);
        }
        cells.push(col_cells);
        columns.push(CompareColumn {
            doc: col.doc.clone(),
            header,
            lines: Vec::new(),
            cells: ids,
        });
    }
    // align: row r starts on the same line in every column, under its label line
    let mut row_starts = Vec::with_capacity(rows.len());
    let mut at = 0;
    for (i, _) in rows.iter().enumerate() {
        row_starts.push(at);
        for col in &mut columns {
            col.lines.push(TextLine::default());
        }
        at += 1;
        let h = cells.iter().map(|c| c[i].len()).max().unwrap_or(0);
        for (ci, col) in columns.iter_mut().enumerate() {
            let cell = std::mem::take(&mut cells[ci][i]);
            let pad = h - cell.len();
            col.lines.extend(cell);
            col.lines
                .extend(std::iter::repeat_n(TextLine::default(), pad));
        }
        at += h;
    }

    // compact: one line per cell
    let mut compact = Vec::new();
    let line_w = usize::from(width).max(20);
    for (i, &r) in rows.iter().enumerate() {
        compact.push(CompactLine {
            line: labels[i].clone(),
            clause: None,
        });
        let mut members: Vec<(usize, &crate::compare::ComparedClause)> = order
            .iter()
            .filter_map(|&ci| cmp.columns[ci].at_row(r).map(|cc| (ci, cc)))
            .collect();
        if app.compare.order == RowOrder::Amount {
            members.sort_by(|a, b| {
                support_amount(&b.1.figures)
                    .unwrap_or(-1.0)
                    .total_cmp(&support_amount(&a.1.figures).unwrap_or(-1.0))
            });
        }
        for (ci, cc) in members {
            let col = &cmp.columns[ci];
            let is_origin = Some(&col.doc) == origin.as_ref();
            let place = app.lib.place(&col.doc);
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
            segs.push(tier_or_origin(app, &cc.id, is_origin));
            let figs: Vec<String> = cc.figures.iter().map(|f| f.display()).collect();
            segs.push(Seg {
                text: " ".into(),
                emph: Emph::Plain,
            });
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
            compact.push(CompactLine {
                line: fit_line(&TextLine { segs, link: None }, line_w),
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
    c.row_starts = row_starts;
    c.row_labels = labels;
    c.compact_lines = compact;
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

fn row_label(app: &App, cmp: &Comparison, r: usize, i: usize, n: usize) -> TextLine {
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
    let best = cmp
        .columns
        .iter()
        .filter_map(|c| c.at_row(r).map(|cc| (c, cc)))
        .filter_map(|(c, cc)| support_amount(&cc.figures).map(|a| (a, c)))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((amount, col)) = best {
        segs.push(Seg {
            text: format!(" · most: {} ({})", yuan(amount), app.lib.place(&col.doc)),
            emph: Emph::Figure,
        });
    }
    let count = cmp.columns.iter().filter(|c| c.at_row(r).is_some()).count();
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
    let ncols = c.columns.len();
    let nrows = c.row_starts.len();
    c.cursor.0 = c.cursor.0.min(ncols.saturating_sub(1));
    c.cursor.1 = c.cursor.1.min(nrows.saturating_sub(1));
    // the origin column is pinned; the others scroll
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
