//! The mouse: a click selects what is under the pointer (a tab, a document, an outline
//! row, an equivalent, a hit, a compared cell, a digest row, a choice); a click on what
//! is already selected opens it; the wheel scrolls the pane under the pointer.

use ratatui::layout::Position;

use super::super::action::Action;
use super::super::layout::{self, inner};
use super::super::present;
use super::super::state::*;
use super::super::wrap::str_width;
use super::{goto_clause, tabs, view_action};

/// A left click at (x, y).
pub fn click(app: &mut App, x: u16, y: u16) {
    if layout::too_small(app.size) {
        return;
    }
    let pos = Position { x, y };
    match &mut app.popup {
        Some(Popup::Choose(ch)) => {
            let area = inner(layout::choose_area(app.size, ch.items.len()));
            if area.contains(pos) && y > area.y {
                ch.list.sel = (ch.list.offset + usize::from(y - area.y - 1))
                    .min(ch.shown.len().saturating_sub(1));
            }
            return;
        }
        Some(Popup::Filters(p)) => {
            let (left, right) = layout::filter_parts(app.size);
            if left.contains(pos) {
                let i = usize::from(y - left.y);
                if let Some(f) = Facet::ALL.get(i) {
                    p.facet = *f;
                    p.list = ListPos::default();
                }
            } else if right.contains(pos) && y > right.y {
                p.list.sel = (p.list.offset + usize::from(y - right.y - 1))
                    .min(p.values.len().saturating_sub(1));
            }
            return;
        }
        Some(_) => return,
        None => {}
    }
    let a = app.areas();
    if a.tabs.contains(pos) {
        for (view, label, start) in tabs(app) {
            let end = start.saturating_add(u16::try_from(str_width(&label)).unwrap_or(0));
            if (start..end).contains(&x) {
                view_action(
                    app,
                    match view {
                        View::Browse => Action::ViewBrowse,
                        View::Search => Action::ViewResults,
                        View::Compare => Action::ViewCompare,
                        View::Digest => Action::ViewDigest,
                    },
                );
            }
        }
        return;
    }
    match app.view {
        View::Browse => {
            if inner(a.docs).contains(pos) {
                let i = app.browse.docs.offset + usize::from(y - inner(a.docs).y);
                if i < app.lib.len() {
                    app.browse.focus = Pane::Docs;
                    app.browse.docs.sel = i;
                }
            } else if inner(a.outline).contains(pos) {
                let i = app.browse.outline.offset + usize::from(y - inner(a.outline).y);
                if i < app.browse.outline_rows.len() {
                    app.browse.focus = Pane::Outline;
                    app.browse.outline.sel = i;
                }
            } else if inner(a.detail).contains(pos) {
                let was_focused = app.browse.focus == Pane::Detail;
                app.browse.focus = Pane::Detail;
                let line = app.browse.detail_scroll + usize::from(y - inner(a.detail).y);
                if let Some(l) = app.browse.detail.lines.get(line).and_then(|l| l.link) {
                    // a click on the selected equivalent follows it
                    if l == app.browse.link_sel && was_focused {
                        if let Some(id) = app.browse.detail.links.get(l).cloned() {
                            goto_clause(app, &id, true);
                        }
                    } else {
                        app.browse.link_sel = l;
                    }
                }
            }
        }
        View::Search => {
            if a.query.contains(pos) {
                app.search.focus = SearchFocus::Query;
            } else if inner(a.results).contains(pos) {
                app.search.focus = SearchFocus::Results;
                let mut top = inner(a.results).y;
                for (i, item) in app
                    .search
                    .items
                    .iter()
                    .enumerate()
                    .skip(app.search.list.offset)
                {
                    let h = u16::try_from(item.len()).unwrap_or(u16::MAX);
                    if y >= top && y < top.saturating_add(h) {
                        app.search.list.sel = i;
                        break;
                    }
                    top = top.saturating_add(h);
                }
            }
        }
        View::Digest => {
            let area = inner(a.digest_list);
            if area.contains(pos) {
                let i = app.digest_view.list.offset + usize::from(y - area.y);
                if i < app.digest.ids.len() {
                    app.digest_view.list.sel = i;
                }
            }
        }
        View::Compare => compare_click(app, x, y),
    }
}

/// A click in the comparison selects the cell (or compact line) under it.
fn compare_click(app: &mut App, x: u16, y: u16) {
    let body = app.areas().compare_body;
    if !body.contains(Position { x, y }) {
        return;
    }
    let c = &mut app.compare;
    if c.compact {
        let line = c.scroll + usize::from(y - body.y);
        if c.compact_lines
            .get(line)
            .is_some_and(|l| l.clause.is_some())
        {
            c.compact_sel = line;
        }
        return;
    }
    let visible = present::compare::visible_columns(c);
    let col = usize::from((x - body.x) / c.col_width.max(1));
    let Some(&ci) = visible.get(col) else {
        return;
    };
    let top = body.y + u16::try_from(present::compare::HEADER_LINES + 1).unwrap_or(0);
    if y < top {
        c.cursor.0 = ci;
        return;
    }
    let line = c.scroll + usize::from(y - top);
    let row = c.row_starts.iter().rposition(|s| *s <= line).unwrap_or(0);
    c.cursor = (ci, row);
}

/// The wheel at (x, y).
pub fn wheel(app: &mut App, x: u16, y: u16, down: bool) {
    if layout::too_small(app.size) {
        return;
    }
    let mv = if down { Action::Down } else { Action::Up };
    let pos = Position { x, y };
    if app.popup.is_some() {
        for _ in 0..3 {
            super::apply(app, mv.clone());
        }
        return;
    }
    let a = app.areas();
    match app.view {
        View::Browse => {
            if a.docs.contains(pos) {
                app.browse.focus = Pane::Docs;
                super::browse::action(app, mv);
            } else if a.outline.contains(pos) {
                app.browse.focus = Pane::Outline;
                super::browse::action(app, mv);
            } else if a.detail.contains(pos) {
                let h = usize::from(inner(a.detail).height).max(1);
                let max = app.browse.detail.lines.len().saturating_sub(h);
                app.browse.detail_scroll = if down {
                    (app.browse.detail_scroll + 3).min(max)
                } else {
                    app.browse.detail_scroll.saturating_sub(3)
                };
            }
        }
        View::Search => {
            if a.results.contains(pos) {
                app.search.focus = SearchFocus::Results;
                super::search::action(app, mv);
            }
        }
        // the cursor moves and the view follows it
        View::Compare => super::compare::action(app, mv),
        View::Digest => super::digest::action(app, mv),
    }
}
