//! Drawing the state. Nothing here changes or computes state: text arrives laid out,
//! lists arrive with their scroll positions; render maps emphasis to styles and puts
//! things where [`layout`](super::layout) says.
//!
//! Colours: the terminal's own foreground and background, modifiers (bold, underline,
//! reverse) and a few named colours, so it reads the same on dark and light themes.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Gauge, Paragraph, Widget, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::corpus::Validity;
use crate::export::{Format, GroupBy};
use crate::model::labels::Labelled;
use crate::search::BuildProgress;

use super::layout::{
    self, Areas, MIN_SIZE, choose_area, date_area, export_area, filter_area, help_area, inner,
};
use super::present::{self, badge_emph, badge_text};
use super::state::*;
use super::update::tabs;

/// Draws the whole screen.
pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let size = (area.width, area.height);
    if layout::too_small(size) {
        too_small(frame, area);
        return;
    }
    // Lay out from the frame itself so nothing is ever drawn outside the buffer, even
    // before a resize has reached update.
    let a = layout::areas(size, app.listed());
    draw_tabs(app, frame.buffer_mut(), a.tabs);
    match app.view {
        View::Browse => draw_browse(app, frame.buffer_mut(), &a),
        View::Search => draw_search(app, frame, &a),
        View::Compare => draw_compare(app, frame.buffer_mut(), &a),
        View::Digest => draw_digest(app, frame.buffer_mut(), &a),
    }
    draw_status(app, frame.buffer_mut(), a.status);
    match &app.popup {
        Some(Popup::Help { scroll, lines }) => {
            draw_help(frame.buffer_mut(), help_area(size), *scroll, lines)
        }
        Some(Popup::Choose(ch)) => draw_choose(frame, choose_area(size, ch.items.len()), ch),
        Some(Popup::Filters(p)) => draw_filters(app, frame, p),
        Some(Popup::Date(p)) => draw_date(app, frame, date_area(size), p),
        Some(Popup::Export(p)) => draw_export(app, frame, export_area(size), p, false),
        Some(Popup::Overwrite(p)) => draw_export(app, frame, export_area(size), p, true),
        None => {}
    }
}

/// The style of an emphasis.
pub fn style(e: Emph) -> Style {
    let s = Style::new();
    match e {
        Emph::Plain => s,
        Emph::Figure => s.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        Emph::OtherFigure => s.add_modifier(Modifier::UNDERLINED),
        Emph::Hit => s.fg(Color::Magenta).add_modifier(Modifier::BOLD),
        Emph::Heading => s.add_modifier(Modifier::BOLD),
        Emph::Dim => s.add_modifier(Modifier::DIM),
        Emph::Badge(v) => s.fg(badge_color(v)),
        Emph::Stale => s.fg(Color::Red).add_modifier(Modifier::BOLD),
        Emph::Marked => s.fg(Color::Green).add_modifier(Modifier::BOLD),
        Emph::Warn => s.fg(Color::Red).add_modifier(Modifier::BOLD),
        Emph::Key => s.add_modifier(Modifier::BOLD),
    }
}

fn badge_color(v: Validity) -> Color {
    match v {
        Validity::InForce => Color::Green,
        Validity::Draft => Color::Cyan,
        Validity::Expired => Color::Red,
        Validity::NotYetInForce => Color::Blue,
    }
}

fn line(tl: &TextLine) -> Line<'_> {
    Line::from(
        tl.segs
            .iter()
            .map(|s| Span::styled(s.text.as_str(), style(s.emph)))
            .collect::<Vec<_>>(),
    )
}

fn pane(title: &str, focused: bool) -> Block<'_> {
    let b = Block::bordered().title(Span::styled(
        format!(" {title} "),
        Style::new().add_modifier(Modifier::BOLD),
    ));
    if focused {
        b.border_style(Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD))
    } else {
        b.border_style(Style::new().add_modifier(Modifier::DIM))
    }
}

fn selected(focused: bool) -> Style {
    if focused {
        Style::new().add_modifier(Modifier::REVERSED)
    } else {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
}

/// A level in four letters, so a document row fits a narrow pane.
fn level_short(l: crate::corpus::Level) -> &'static str {
    &l.en()[..4]
}

fn too_small(frame: &mut Frame, area: Rect) {
    let msg = format!(
        "Terminal too small: {}×{}. policynav needs at least {}×{}. Enlarge the window, or press q to quit.",
        area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
    );
    Paragraph::new(msg)
        .style(Style::new().add_modifier(Modifier::BOLD))
        .wrap(Wrap { trim: true })
        .render(area, frame.buffer_mut());
}

fn draw_tabs(app: &App, buf: &mut Buffer, area: Rect) {
    let mut spans = vec![Span::styled(
        " policynav ",
        Style::new().add_modifier(Modifier::BOLD),
    )];
    for (view, label, _) in tabs(app) {
        let st = if view == app.view {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::new()
        };
        spans.push(Span::styled(label, st));
    }
    let store = match &app.index {
        IndexState::Ready => String::new(),
        IndexState::Opening(Some(BuildProgress::Indexing { done, total })) => {
            format!("indexing {done}/{total} · ")
        }
        IndexState::Opening(Some(BuildProgress::Linking { done, total })) => {
            format!("linking {done}/{total} · ")
        }
        IndexState::Opening(_) if app.lib.opened.is_none() => "opening · ".to_string(),
        IndexState::Opening(_) => "checking · ".to_string(),
        IndexState::Failed(_) => "no store · ".to_string(),
    };
    let script = match app.script {
        Script::Original => "原文",
        Script::Simplified => "简体",
    };
    // the date every badge is computed for, always in sight
    let date = if app.as_of == app.today {
        format!("as of {} ", app.as_of)
    } else {
        format!("AS OF {} ", app.as_of)
    };
    let right_w = store.width() + script.width() + 3 + date.width();
    let used: u16 = tabs(app)
        .last()
        .map(|(_, l, x)| x + u16::try_from(l.width()).unwrap_or(0))
        .unwrap_or(0);
    Paragraph::new(Line::from(spans)).render(area, buf);
    let w = u16::try_from(right_w).unwrap_or(u16::MAX);
    let (store, date_w) = if area.width > used + w {
        (store, w)
    } else {
        (String::new(), u16::try_from(date.width()).unwrap_or(0))
    };
    if area.width > used + date_w {
        let mut right = vec![Span::styled(
            store,
            Style::new().add_modifier(Modifier::DIM),
        )];
        if area.width > used + w {
            right.push(Span::styled(
                format!("{script} · "),
                Style::new().add_modifier(Modifier::DIM),
            ));
        }
        right.push(Span::styled(
            date,
            if app.as_of == app.today {
                Style::new().add_modifier(Modifier::BOLD)
            } else {
                Style::new()
                    .fg(Color::Yellow)
                    .add_modifier(Modifier::BOLD | Modifier::REVERSED)
            },
        ));
        let line = Line::from(right);
        let lw = u16::try_from(line.width())
            .unwrap_or(u16::MAX)
            .min(area.width);
        let r = Rect::new(area.right() - lw, area.y, lw, 1);
        Paragraph::new(line).render(r, buf);
    }
}

fn draw_status(app: &App, buf: &mut Buffer, area: Rect) {
    let mode = match (&app.popup, app.view) {
        (Some(Popup::Help { .. }), _) => " HELP ",
        (Some(Popup::Choose(_)), _) => " CHOOSE ",
        (Some(Popup::Filters(_)), _) => " FILTERS ",
        (Some(Popup::Date(_)), _) => " DATE ",
        (Some(Popup::Export(_) | Popup::Overwrite(_)), _) => " EXPORT ",
        (None, View::Browse) => " BROWSE ",
        (None, View::Search) => " SEARCH ",
        (None, View::Compare) => " COMPARE ",
        (None, View::Digest) => " DIGEST ",
    };
    let mut spans = vec![
        Span::styled(
            mode,
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        ),
        Span::raw(" "),
        Span::styled(
            app.counts.as_str(),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw(" │ "),
    ];
    match &app.message {
        Some((m, warn)) => spans.push(Span::styled(
            m.as_str(),
            style(if *warn { Emph::Warn } else { Emph::Plain }),
        )),
        None => {
            for (i, (k, d)) in app.hints.iter().enumerate() {
                if i > 0 {
                    spans.push(Span::styled(
                        " · ",
                        Style::new().add_modifier(Modifier::DIM),
                    ));
                }
                spans.push(Span::styled(
                    super::keymap::key_label(k),
                    Style::new().add_modifier(Modifier::BOLD),
                ));
                spans.push(Span::raw(" "));
                spans.push(Span::raw(d.as_str()));
            }
        }
    }
    Paragraph::new(Line::from(spans)).render(area, buf);
}

fn draw_browse(app: &App, buf: &mut Buffer, a: &Areas) {
    let b = &app.browse;
    // documents
    let focused = b.focus == Pane::Docs;
    let docs_title = if app.lib.len() > usize::from(inner(a.docs).height) {
        format!("Documents {}/{}", b.docs.sel + 1, app.lib.len())
    } else {
        "Documents".to_string()
    };
    let block = pane(&docs_title, focused);
    let area = block.inner(a.docs);
    block.render(a.docs, buf);
    let rows: Vec<Line> = b
        .doc_rows
        .iter()
        .take(usize::from(area.height))
        .map(|d| {
            let mut l = Line::from(vec![
                Span::styled(
                    format!("{} {} ", d.jurisdiction, d.year),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::styled(format!("{} ", level_short(d.level)), style(Emph::Dim)),
                Span::styled(
                    format!("{} ", badge_text(&d.standing)),
                    style(badge_emph(&d.standing)),
                ),
                Span::raw(d.title.as_str()),
            ]);
            if d.index == b.docs.sel {
                l = l.patch_style(selected(focused));
            }
            l
        })
        .collect();
    if app.lib.opened.is_none() {
        let text = match &app.index {
            IndexState::Failed(e) => format!("The store cannot be opened: {e}"),
            _ => format!(
                "First start: building the store of the corpus ({}). Everything appears here when it is ready.",
                app.counts
            ),
        };
        Paragraph::new(text)
            .style(style(Emph::Dim))
            .wrap(Wrap { trim: true })
            .render(area, buf);
    } else {
        Paragraph::new(rows).render(area, buf);
    }

    // outline
    let focused = b.focus == Pane::Outline;
    let title = b.doc.as_deref().unwrap_or("Outline");
    let block = pane(title, focused);
    let area = block.inner(a.outline);
    block.render(a.outline, buf);
    let rows: Vec<Line> = b
        .outline_rows
        .iter()
        .enumerate()
        .skip(b.outline.offset)
        .take(usize::from(area.height))
        .map(|(i, r)| {
            let st = match r.kind {
                RowKind::Chapter => Style::new().add_modifier(Modifier::BOLD),
                RowKind::Article => Style::new(),
                RowKind::Provision => Style::new(),
            };
            let mark = if r.marked {
                Span::styled("●", style(Emph::Marked))
            } else {
                Span::raw(" ")
            };
            let mut l = Line::from(vec![mark, Span::styled(r.text.as_str(), st)]);
            if i == b.outline.sel && b.focus != Pane::Docs {
                l = l.patch_style(selected(focused));
            }
            l
        })
        .collect();
    Paragraph::new(rows).render(area, buf);

    // detail
    let focused = b.focus == Pane::Detail;
    let d = &b.detail;
    let mut block = pane(
        if d.title.is_empty() {
            "Detail"
        } else {
            &d.title
        },
        focused,
    );
    let area = inner(a.detail);
    if d.lines.len() > usize::from(area.height) {
        block = block.title_bottom(
            Line::from(format!(
                " {}–{}/{} ",
                b.detail_scroll + 1,
                (b.detail_scroll + usize::from(area.height)).min(d.lines.len()),
                d.lines.len()
            ))
            .right_aligned(),
        );
    }
    block.render(a.detail, buf);
    let sel_line = d.link_lines.get(b.link_sel).copied();
    let rows: Vec<Line> = d
        .lines
        .iter()
        .enumerate()
        .skip(b.detail_scroll)
        .take(usize::from(area.height))
        .map(|(i, tl)| {
            let l = line(tl);
            if focused && Some(i) == sel_line {
                l.patch_style(Style::new().add_modifier(Modifier::REVERSED))
            } else {
                l
            }
        })
        .collect();
    Paragraph::new(rows).render(area, buf);
}

fn draw_search(app: &App, frame: &mut Frame, a: &Areas) {
    let s = &app.search;
    let typing = s.focus == SearchFocus::Query && app.popup.is_none();
    let block = pane(
        if typing {
            "Search (any script; \"phrase\", -exclude) · Esc leaves the line"
        } else {
            "Search (/ or i to type)"
        },
        typing,
    );
    let field = block.inner(a.query);
    block.render(a.query, frame.buffer_mut());
    let view = s.input.view(field.width);
    Paragraph::new(view.visible.as_str()).render(field, frame.buffer_mut());
    if typing && field.width > 0 && field.height > 0 {
        frame.set_cursor_position(Position::new(field.x + view.caret_col, field.y));
    }

    // the active filters, always in sight
    let spans: Vec<Span> = s
        .filter_line
        .iter()
        .map(|(t, e)| Span::styled(t.as_str(), style(*e)))
        .collect();
    Paragraph::new(Line::from(spans)).render(a.filters, frame.buffer_mut());

    // results
    let buf = frame.buffer_mut();
    let focused = s.focus == SearchFocus::Results;
    let title = match &s.results {
        Some(r) if r.hits.len() < r.total => format!("Hits: {} of {}", r.hits.len(), r.total),
        Some(r) => format!("Hits: {}", r.total),
        None => "Hits".into(),
    };
    let block = pane(&title, focused);
    let area = block.inner(a.results);
    block.render(a.results, buf);
    let mut rows: Vec<Line> = Vec::new();
    match (&app.index, &s.error, &s.results) {
        (IndexState::Failed(e), _, _) if app.lib.opened.is_none() => {
            rows.push(Line::styled("Search is unavailable:", style(Emph::Warn)));
            rows.push(Line::raw(e.as_str()));
        }
        (IndexState::Opening(p), _, _) if app.lib.opened.is_none() => {
            let (ratio, label) = match p {
                Some(BuildProgress::Indexing { done, total }) if *total > 0 => (
                    (*done as f64 / *total as f64).clamp(0.0, 1.0),
                    format!("building the store: {done}/{total} documents"),
                ),
                Some(BuildProgress::Linking { done, total }) if *total > 0 => (
                    (*done as f64 / *total as f64).clamp(0.0, 1.0),
                    format!("linking provisions: {done}/{total}"),
                ),
                _ => (0.0, "opening the store…".to_string()),
            };
            if area.height >= 2 {
                Paragraph::new(Line::raw(label.clone())).render(Rect { height: 1, ..area }, buf);
                Gauge::default()
                    .ratio(ratio)
                    .gauge_style(Style::new().fg(Color::Cyan))
                    .render(
                        Rect {
                            y: area.y + 1,
                            height: 1,
                            ..area
                        },
                        buf,
                    );
            }
        }
        (_, Some(e), _) => {
            rows.push(Line::styled("The search failed:", style(Emph::Warn)));
            rows.push(Line::raw(e.as_str()));
        }
        (_, None, Some(r)) if r.hits.is_empty() => {
            rows.push(Line::raw("No provision matches."));
            if !s.filters.is_empty() {
                rows.push(Line::styled(
                    format!(
                        "Filters are on ({} values): f shows them, Ctrl-x clears them.",
                        s.filters.count()
                    ),
                    style(Emph::Warn),
                ));
            }
            for n in &r.notes {
                rows.push(Line::styled(n.as_str(), style(Emph::Dim)));
            }
        }
        (_, None, Some(r)) => {
            for n in &r.notes {
                rows.push(Line::styled(n.as_str(), style(Emph::Dim)));
            }
            'items: for (i, item) in s.items.iter().enumerate().skip(s.list.offset) {
                for (j, tl) in item.iter().enumerate() {
                    if rows.len() >= usize::from(area.height) {
                        break 'items;
                    }
                    let mut l = line(tl);
                    if j == 0 && i == s.list.sel {
                        l = l.patch_style(selected(focused));
                    }
                    rows.push(l);
                }
            }
        }
        (_, None, None) => {
            rows.push(Line::styled(
                if typing {
                    "Type a query: words in Simplified or Traditional (上市 补贴), a figure (300万, 70%), a \"phrase\"."
                } else {
                    "Press / or i to type a query; f chooses filters."
                },
                style(Emph::Dim),
            ));
        }
    }
    if !rows.is_empty() {
        Paragraph::new(rows).render(area, buf);
    }

    if a.preview.width > 0 {
        preview_pane("Provision", a.preview, &s.preview, buf);
    }
}

fn draw_compare(app: &App, buf: &mut Buffer, a: &Areas) {
    let c = &app.compare;
    let title = if c.title.is_empty() {
        "Compare: press c on a provision, or C to choose a measure type".to_string()
    } else {
        let mut t = c.title.clone();
        if !c.empty.is_empty() {
            let names = if c.empty.len() <= 4 {
                c.empty.join(", ")
            } else {
                format!("{}, … {} more", c.empty[..3].join(", "), c.empty.len() - 3)
            };
            t.push_str(&format!(" · nothing comparable in {names}"));
        }
        t
    };
    let mut title_spans = vec![Span::styled(
        format!(" {title}"),
        Style::new().add_modifier(Modifier::BOLD),
    )];
    if c.order == RowOrder::Amount {
        title_spans.push(Span::styled(
            " · largest support first",
            style(Emph::Figure),
        ));
    }
    Paragraph::new(Line::from(title_spans)).render(a.compare_title, buf);
    let body = a.compare_body;
    if c.pending && c.comparison.is_none() {
        Paragraph::new("comparing…")
            .style(style(Emph::Dim))
            .render(inner(body), buf);
        return;
    }
    if let Some(e) = &c.error {
        Paragraph::new(e.as_str())
            .style(style(Emph::Dim))
            .wrap(Wrap { trim: true })
            .render(inner(body), buf);
        return;
    }
    if c.columns.is_empty() {
        if c.comparison.is_some() {
            Paragraph::new("No document has this measure.")
                .style(style(Emph::Dim))
                .render(inner(body), buf);
        }
        return;
    }
    if c.compact {
        let h = usize::from(body.height);
        let rows: Vec<Line> = c
            .compact_lines
            .iter()
            .enumerate()
            .skip(c.scroll)
            .take(h)
            .map(|(i, l)| {
                let mut line = self::line(&l.line);
                if i == c.compact_sel {
                    line = line.patch_style(selected(true));
                }
                line
            })
            .collect();
        Paragraph::new(rows).render(body, buf);
        return;
    }
    let visible = present::compare::visible_columns(c);
    let n = c.columns.len();
    let header_h = present::compare::HEADER_LINES;
    let body_h = usize::from(body.height).saturating_sub(header_h + 1);
    let mut x = body.x;
    for (slot, &ci) in visible.iter().enumerate() {
        let col = &c.columns[ci];
        let w = c.col_width.min(body.right().saturating_sub(x));
        if w < 3 {
            break;
        }
        let rect = Rect::new(x, body.y, w, body.height);
        let mut block = Block::new()
            .borders(Borders::LEFT | Borders::RIGHT | Borders::TOP)
            .border_style(if ci == c.cursor.0 {
                Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
            } else {
                style(Emph::Dim)
            });
        if slot == 1 && c.col_offset > 0 {
            block = block.title(Span::styled(
                format!("◀ {} more", c.col_offset),
                style(Emph::Dim),
            ));
        }
        if slot + 1 == visible.len() && ci + 1 < n {
            block = block.title(
                Line::styled(format!("{} more ▶", n - ci - 1), style(Emph::Dim)).right_aligned(),
            );
        }
        if slot == 0 && present::compare::origin(app).as_deref() == Some(col.doc.as_str()) {
            block = block.title(Span::styled("origin", style(Emph::Marked)));
        }
        let area = block.inner(rect);
        block.render(rect, buf);
        let mut rows: Vec<Line> = col.header.iter().map(line).collect();
        while rows.len() < header_h - 1 {
            rows.push(Line::raw(""));
        }
        rows.push(Line::styled(
            "─".repeat(usize::from(area.width)),
            style(Emph::Dim),
        ));
        let start = c.row_starts.get(c.cursor.1).copied();
        for (i, tl) in col.lines.iter().enumerate().skip(c.scroll).take(body_h) {
            let mut l = line(tl);
            if ci == c.cursor.0 && Some(i) == start.map(|s| s + 1) {
                l = l.patch_style(selected(true));
            }
            rows.push(l);
        }
        Paragraph::new(rows).render(area, buf);
        x = x.saturating_add(w);
    }
    // row labels span every column, on the line each row starts with
    let top = body.y + 1 + u16::try_from(header_h).unwrap_or(0);
    for (r, &start) in c.row_starts.iter().enumerate() {
        if start < c.scroll || start >= c.scroll + body_h {
            continue;
        }
        let y = top + u16::try_from(start - c.scroll).unwrap_or(0);
        if y >= body.bottom() {
            continue;
        }
        let width = usize::from(x.saturating_sub(body.x)).saturating_sub(2);
        if let Some(label) = c.row_labels.get(r) {
            let mut l = line_owned(&present::fit_line(label, width));
            if r == c.cursor.1 {
                l = l.patch_style(Style::new().add_modifier(Modifier::UNDERLINED));
            }
            let r = Rect::new(body.x + 1, y, x.saturating_sub(body.x + 2), 1);
            Clear.render(r, buf);
            Paragraph::new(l).render(r, buf);
        }
    }
}

fn line_owned(tl: &TextLine) -> Line<'static> {
    Line::from(
        tl.segs
            .iter()
            .map(|s| Span::styled(s.text.clone(), style(s.emph)))
            .collect::<Vec<_>>(),
    )
}

fn draw_digest(app: &App, buf: &mut Buffer, a: &Areas) {
    let d = &app.digest_view;
    let block = pane("Digest (export order)", true);
    let area = block.inner(a.digest_list);
    block.render(a.digest_list, buf);
    if d.rows.is_empty() {
        Paragraph::new("Empty. Press Space on a clause in Browse or Search to add it.")
            .style(style(Emph::Dim))
            .wrap(Wrap { trim: true })
            .render(area, buf);
    } else {
        let rows: Vec<Line> = d
            .rows
            .iter()
            .enumerate()
            .skip(d.list.offset)
            .take(usize::from(area.height))
            .map(|(i, r)| {
                let st = if r.standing.is_some() {
                    Style::new()
                } else {
                    style(Emph::Warn)
                };
                let mut spans = vec![
                    Span::styled(format!("{:>2}. ", i + 1), style(Emph::Dim)),
                    Span::styled(r.text.as_str(), st),
                ];
                if let Some(sd) = &r.standing {
                    spans.push(Span::raw(" "));
                    spans.push(Span::styled(badge_text(sd), style(badge_emph(sd))));
                }
                let mut l = Line::from(spans);
                if i == d.list.sel {
                    l = l.patch_style(selected(true));
                }
                l
            })
            .collect();
        Paragraph::new(rows).render(area, buf);
    }
    preview_pane("Clause", a.digest_preview, &d.preview, buf);
}

/// A titled pane showing already laid-out lines, cut to its height.
fn preview_pane(title: &str, rect: Rect, lines: &[TextLine], buf: &mut Buffer) {
    let block = pane(title, false);
    let area = block.inner(rect);
    block.render(rect, buf);
    let rows: Vec<Line> = lines
        .iter()
        .take(usize::from(area.height))
        .map(line)
        .collect();
    Paragraph::new(rows).render(area, buf);
}

/// Clears a popup's area, and blanks a double-width character that the popup's left
/// edge would otherwise cut in half.
fn open_popup(buf: &mut Buffer, area: Rect) {
    let area = area.intersection(buf.area);
    Clear.render(area, buf);
    if area.x > buf.area.x {
        for y in area.top()..area.bottom() {
            let cell = &mut buf[(area.x - 1, y)];
            if cell.symbol().width() > 1 {
                cell.set_symbol(" ");
            }
        }
    }
}

fn draw_help(buf: &mut Buffer, area: Rect, scroll: usize, lines: &[TextLine]) {
    open_popup(buf, area);
    let block = pane("Keys (Esc closes, j/k scroll)", true);
    let inner_area = block.inner(area);
    block.render(area, buf);
    let rows: Vec<Line> = lines
        .iter()
        .skip(scroll)
        .take(usize::from(inner_area.height))
        .map(line)
        .collect();
    Paragraph::new(rows).render(inner_area, buf);
}

fn draw_choose(frame: &mut Frame, area: Rect, ch: &Chooser) {
    let buf = frame.buffer_mut();
    open_popup(buf, area);
    let block = pane(&ch.title, true);
    let inner_area = block.inner(area);
    block.render(area, buf);
    if inner_area.height == 0 {
        return;
    }
    let find = Rect {
        height: 1,
        ..inner_area
    };
    let view = ch.find.view(find.width.saturating_sub(6));
    Paragraph::new(Line::from(vec![
        Span::styled("find: ", style(Emph::Dim)),
        Span::raw(view.visible.clone()),
    ]))
    .render(find, buf);
    let list = Rect {
        y: inner_area.y + 1,
        height: inner_area.height.saturating_sub(1),
        ..inner_area
    };
    let multi = ch.purpose == ChoosePurpose::CompareDocs;
    let rows: Vec<Line> = ch
        .shown
        .iter()
        .enumerate()
        .skip(ch.list.offset)
        .take(usize::from(list.height))
        .filter_map(|(i, &item)| {
            let c = ch.items.get(item)?;
            let mark = match (multi, c.ticked) {
                (true, true) => "[x] ",
                (true, false) => "[ ] ",
                (false, true) => "(•) ",
                (false, false) => "( ) ",
            };
            let mut l = Line::from(vec![Span::raw(mark), Span::raw(c.label.as_str())]);
            if i == ch.list.sel {
                l = l.patch_style(selected(true));
            }
            Some(l)
        })
        .collect();
    Paragraph::new(rows).render(list, buf);
    frame.set_cursor_position(Position::new(find.x + 6 + view.caret_col, find.y));
}

fn draw_filters(app: &App, frame: &mut Frame, p: &FilterPanel) {
    let area = filter_area(app.size);
    let buf = frame.buffer_mut();
    open_popup(buf, area);
    let total = match &app.search.facets {
        Some(f) if !app.search.input.text().trim().is_empty() => {
            format!("{} hits with these filters", f.total)
        }
        Some(f) => format!("{} provisions with these filters", f.total),
        None => "counting…".into(),
    };
    let title = format!("Filters · {total}");
    let block = pane(&title, true);
    block.render(area, buf);
    let (left, right) = layout::filter_parts(app.size);
    let f = &app.search.filters;
    let chosen = |facet: Facet| match facet {
        Facet::Jurisdiction => f.jurisdictions.len(),
        Facet::Level => f.levels.len(),
        Facet::Status => f.statuses.len(),
        Facet::Topic => f.topics.len(),
        Facet::Amount => f.amounts.len(),
        Facet::Year => f.years.len(),
    };
    let facets: Vec<Line> = Facet::ALL
        .iter()
        .map(|x| {
            let n = chosen(*x);
            let mut l = Line::from(vec![
                Span::raw(format!(" {}", x.name())),
                Span::styled(
                    if n > 0 {
                        format!(" ({n})")
                    } else {
                        String::new()
                    },
                    style(Emph::Hit),
                ),
            ]);
            if *x == p.facet {
                l = l.patch_style(selected(true));
            }
            l
        })
        .collect();
    Paragraph::new(facets).render(left, buf);
    if right.height == 0 {
        return;
    }
    let find = Rect { height: 1, ..right };
    let view = p.find.view(find.width.saturating_sub(8));
    Paragraph::new(Line::from(vec![
        Span::styled(" find: ", style(Emph::Dim)),
        Span::raw(view.visible.clone()),
    ]))
    .render(find, buf);
    let list = Rect {
        y: right.y + 1,
        height: right.height.saturating_sub(1),
        ..right
    };
    let width = usize::from(list.width);
    let rows: Vec<Line> = p
        .values
        .iter()
        .enumerate()
        .skip(p.list.offset)
        .take(usize::from(list.height))
        .map(|(i, v)| {
            let count = match v.count {
                Some(n) => format!("{n:>6}"),
                None => "     …".into(),
            };
            let mark = if v.ticked { "[x] " } else { "[ ] " };
            let label_w = width.saturating_sub(count.width() + mark.width() + 2);
            let label = super::wrap::fit_prefix(&v.label, label_w);
            let pad = label_w.saturating_sub(label.width());
            let dim = v.count == Some(0) && !v.ticked;
            let mut l = Line::from(vec![
                Span::raw(format!(" {mark}")),
                Span::styled(
                    format!("{label}{}", " ".repeat(pad)),
                    if dim { style(Emph::Dim) } else { Style::new() },
                ),
                Span::styled(count, style(if dim { Emph::Dim } else { Emph::Heading })),
            ]);
            if v.ticked {
                l = l.patch_style(Style::new().fg(Color::Magenta));
            }
            if i == p.list.sel {
                l = l.patch_style(selected(true));
            }
            l
        })
        .collect();
    if rows.is_empty() {
        Paragraph::new(Line::styled(" no value matches", style(Emph::Dim))).render(list, buf);
    } else {
        Paragraph::new(rows).render(list, buf);
    }
    frame.set_cursor_position(Position::new(find.x + 7 + view.caret_col, find.y));
}

fn draw_date(app: &App, frame: &mut Frame, area: Rect, p: &DatePrompt) {
    let buf = frame.buffer_mut();
    open_popup(buf, area);
    let block = pane("Status badges as of which day?", true);
    let inner_area = block.inner(area);
    block.render(area, buf);
    let rows = vec![
        Line::raw(format!(
            "Every badge (documents, hits, comparisons, digest) follows it. Today is {}.",
            app.today
        )),
        Line::raw(""),
        Line::raw(""),
        match &p.error {
            Some(e) => Line::styled(e.as_str(), style(Emph::Warn)),
            None => Line::styled(
                "YYYY-MM-DD · empty for today · Enter applies · Esc keeps",
                style(Emph::Dim),
            ),
        },
    ];
    Paragraph::new(rows)
        .wrap(Wrap { trim: true })
        .render(inner_area, buf);
    let field = Rect::new(
        inner_area.x + 1,
        inner_area.y + 2,
        inner_area.width.saturating_sub(2),
        1,
    );
    if field.y < inner_area.bottom() {
        let view = p.input.view(field.width);
        Paragraph::new(Span::styled(
            view.visible.clone(),
            Style::new().add_modifier(Modifier::UNDERLINED),
        ))
        .render(field, buf);
        frame.set_cursor_position(Position::new(field.x + view.caret_col, field.y));
    }
}

fn draw_export(app: &App, frame: &mut Frame, area: Rect, p: &ExportPrompt, overwrite: bool) {
    let buf = frame.buffer_mut();
    open_popup(buf, area);
    let block = pane(
        if overwrite {
            "Replace the file?"
        } else {
            "Export the digest"
        },
        true,
    );
    let inner_area = block.inner(area);
    block.render(area, buf);
    let mut rows = vec![Line::raw(format!(
        "{} clauses, with their equivalents elsewhere.",
        app.digest.ids.len()
    ))];
    let mut fmt = vec![Span::raw("Format:   ")];
    for f in [
        Format::Md,
        Format::Csv,
        Format::Json,
        Format::Html,
        Format::Docx,
    ] {
        let st = if f == p.format {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::new()
        };
        fmt.push(Span::styled(
            format!(" {} ", super::update::export::extension(f)),
            st,
        ));
    }
    fmt.push(Span::styled("  Tab", style(Emph::Dim)));
    rows.push(Line::from(fmt));
    let mut grp = vec![Span::raw("Group by: ")];
    for (g, name) in [
        (GroupBy::Topic, "measure type"),
        (GroupBy::Jurisdiction, "jurisdiction"),
        (GroupBy::Document, "document"),
    ] {
        let st = if g == p.group_by {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::new()
        };
        grp.push(Span::styled(format!(" {name} "), st));
    }
    grp.push(Span::styled("  Shift-Tab", style(Emph::Dim)));
    rows.push(Line::from(grp));
    rows.push(Line::raw("Path:"));
    let path_y = inner_area.y + u16::try_from(rows.len()).unwrap_or(0);
    rows.push(Line::raw(""));
    if overwrite {
        rows.push(Line::styled(
            "This file exists. Replace it? y replaces, n keeps it.",
            style(Emph::Warn),
        ));
    } else if let Some(e) = &p.error {
        rows.push(Line::styled(e.as_str(), style(Emph::Warn)));
    } else if p.running {
        rows.push(Line::styled("exporting…", style(Emph::Dim)));
    } else {
        rows.push(Line::styled(
            "Enter exports · Esc cancels",
            style(Emph::Dim),
        ));
    }
    Paragraph::new(rows).render(inner_area, buf);
    if path_y < inner_area.bottom() {
        let field = Rect::new(
            inner_area.x + 1,
            path_y,
            inner_area.width.saturating_sub(2),
            1,
        );
        let view = p.path.view(field.width);
        Paragraph::new(Span::styled(
            view.visible.clone(),
            Style::new().add_modifier(Modifier::UNDERLINED),
        ))
        .render(field, buf);
        if !overwrite && field.width > 0 {
            frame.set_cursor_position(Position::new(field.x + view.caret_col, field.y));
        }
    }
}
