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
use crate::search::BuildProgress;

use super::layout::{self, Areas, MIN_SIZE, inner};
use super::state::*;
use super::update::{choose_area, export_area, help_area, tabs};
use crate::model::labels::Labelled;

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
    let a = layout::areas(size, app.docs.len());
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
        Some(Popup::Choose(ch)) => {
            draw_choose(frame.buffer_mut(), choose_area(size, ch.items.len()), ch)
        }
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
        Emph::Marked => s.fg(Color::Green).add_modifier(Modifier::BOLD),
        Emph::Warn => s.fg(Color::Red).add_modifier(Modifier::BOLD),
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
    let right = format!(
        "{} · {} ",
        match &app.index {
            IndexState::Ready => "index ready".to_string(),
            IndexState::Opening(Some(BuildProgress::Indexing { done, total })) =>
                format!("indexing {done}/{total}"),
            IndexState::Opening(_) => "opening index".to_string(),
            IndexState::Failed(_) => "no index".to_string(),
        },
        match app.script {
            Script::Original => "原文 original",
            Script::Simplified => "简体 simplified",
        }
    );
    Paragraph::new(Line::from(spans)).render(area, buf);
    let w = u16::try_from(right.width()).unwrap_or(u16::MAX);
    let used: u16 = tabs(app)
        .last()
        .map(|(_, l, x)| x + u16::try_from(l.width()).unwrap_or(0))
        .unwrap_or(0);
    if area.width > used + w {
        let r = Rect::new(area.right() - w, area.y, w, 1);
        Paragraph::new(Span::styled(
            right,
            Style::new().add_modifier(Modifier::DIM),
        ))
        .render(r, buf);
    }
}

fn draw_status(app: &App, buf: &mut Buffer, area: Rect) {
    let mode = match (&app.popup, app.view) {
        (Some(Popup::Help { .. }), _) => " HELP ",
        (Some(Popup::Choose(_)), _) => " CHOOSE ",
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
    let block = pane("Documents", focused);
    let area = block.inner(a.docs);
    block.render(a.docs, buf);
    let rows: Vec<Line> = app
        .docs
        .iter()
        .enumerate()
        .skip(b.docs.offset)
        .take(usize::from(area.height))
        .map(|(i, d)| {
            let mut l = Line::from(vec![
                Span::styled(
                    format!("{} {} ", d.jurisdiction, d.year),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::styled(format!("{} ", level_short(d.level)), style(Emph::Dim)),
                Span::styled(
                    format!("[{}] ", d.validity.en()),
                    style(Emph::Badge(d.validity)),
                ),
                Span::raw(d.title.as_str()),
            ]);
            if i == b.docs.sel {
                l = l.patch_style(selected(focused));
            }
            l
        })
        .collect();
    Paragraph::new(rows).render(area, buf);

    // outline
    let focused = b.focus == Pane::Outline;
    let title = app
        .docs
        .get(b.docs.sel)
        .map(|d| d.id.as_str())
        .unwrap_or("Outline");
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
    let block = pane("Search (any script; \"phrase\", -exclude)", typing);
    let field = block.inner(a.query);
    block.render(a.query, frame.buffer_mut());
    let view = s.input.view(field.width);
    Paragraph::new(view.visible.as_str()).render(field, frame.buffer_mut());
    if typing && field.width > 0 && field.height > 0 {
        frame.set_cursor_position(Position::new(field.x + view.caret_col, field.y));
    }

    // filters
    let filter = |name: &'static str, value: Option<String>, key: &'static str| {
        let active = value.is_some();
        vec![
            Span::raw(format!("{name} ")),
            Span::styled(
                format!("[{}]", value.unwrap_or_else(|| "all".into())),
                if active {
                    style(Emph::Hit)
                } else {
                    Style::new().add_modifier(Modifier::BOLD)
                },
            ),
            Span::styled(format!(" {key}  "), style(Emph::Dim)),
        ]
    };
    let mut spans = vec![Span::raw(" ")];
    spans.extend(filter("jurisdiction", s.jurisdiction.clone(), "Alt-j"));
    spans.extend(filter(
        "status",
        s.status.map(|v| v.en().to_string()),
        "Alt-s",
    ));
    spans.extend(filter("measure type", s.topic.clone(), "Alt-m"));
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
        (IndexState::Failed(e), _, _) => {
            rows.push(Line::styled("Search is unavailable:", style(Emph::Warn)));
            rows.push(Line::raw(e.as_str()));
        }
        (IndexState::Opening(p), _, _) => {
            let (ratio, label) = match p {
                Some(BuildProgress::Indexing { done, total }) if *total > 0 => (
                    (*done as f64 / *total as f64).clamp(0.0, 1.0),
                    format!("building the search index: {done}/{total} documents"),
                ),
                _ => (0.0, "opening the search index…".to_string()),
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
                "Type a query: words in Simplified or Traditional (上市 补贴), a figure (300万, 70%), a \"phrase\".",
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
        "Compare: press c on a provision, or C to choose a measure type"
    } else {
        c.title.as_str()
    };
    Paragraph::new(Line::styled(
        format!(" {title}"),
        Style::new().add_modifier(Modifier::BOLD),
    ))
    .render(a.compare_title, buf);
    let body = a.compare_body;
    if let Some(e) = &c.error {
        Paragraph::new(e.as_str())
            .style(style(Emph::Dim))
            .wrap(Wrap { trim: true })
            .render(inner(body), buf);
        return;
    }
    let n = c.columns.len();
    if n == 0 {
        return;
    }
    let header_h = c
        .columns
        .iter()
        .skip(c.col_offset)
        .take(c.visible_cols)
        .map(|col| col.header.len())
        .max()
        .unwrap_or(1);
    let mut x = body.x;
    for (i, col) in c
        .columns
        .iter()
        .enumerate()
        .skip(c.col_offset)
        .take(c.visible_cols.max(1))
    {
        let w = c.col_width.min(body.right().saturating_sub(x));
        if w < 3 {
            break;
        }
        let rect = Rect::new(x, body.y, w, body.height);
        let mut block = Block::new()
            .borders(Borders::ALL)
            .border_style(style(Emph::Dim));
        if i == c.col_offset && c.col_offset > 0 {
            block = block.title(Span::styled(
                format!("◀ {} more", c.col_offset),
                style(Emph::Dim),
            ));
        }
        let last_visible = i + 1 == (c.col_offset + c.visible_cols).min(n);
        if last_visible && i + 1 < n {
            block = block.title(
                Line::styled(format!("{} more ▶", n - i - 1), style(Emph::Dim)).right_aligned(),
            );
        }
        let area = block.inner(rect);
        block.render(rect, buf);
        let mut rows: Vec<Line> = col.header.iter().map(line).collect();
        while rows.len() < header_h {
            rows.push(Line::raw(""));
        }
        rows.push(Line::styled(
            "─".repeat(usize::from(area.width)),
            style(Emph::Dim),
        ));
        let room = usize::from(area.height).saturating_sub(rows.len());
        rows.extend(col.lines.iter().skip(c.scroll).take(room).map(line));
        Paragraph::new(rows).render(area, buf);
        x = x.saturating_add(w);
    }
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
                let st = if r.found {
                    Style::new()
                } else {
                    style(Emph::Warn)
                };
                let mut l = Line::from(vec![
                    Span::styled(format!("{:>2}. ", i + 1), style(Emph::Dim)),
                    Span::styled(r.text.as_str(), st),
                ]);
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

fn draw_choose(buf: &mut Buffer, area: Rect, ch: &Chooser) {
    open_popup(buf, area);
    let block = pane(&ch.title, true);
    let inner_area = block.inner(area);
    block.render(area, buf);
    let multi = ch.purpose == ChoosePurpose::CompareDocs;
    let rows: Vec<Line> = ch
        .items
        .iter()
        .enumerate()
        .skip(ch.list.offset)
        .take(usize::from(inner_area.height))
        .map(|(i, c)| {
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
            l
        })
        .collect();
    Paragraph::new(rows).render(inner_area, buf);
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
            format!(" {} ", super::update::extension(f)),
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
