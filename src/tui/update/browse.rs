//! Browse: moving through the documents, the outline and the detail pane. Focus moves
//! between the three panes and stops at the ends: it never wraps into another pane.

use super::super::action::Action;
use super::super::layout::inner;
use super::super::state::*;
use super::{goto_clause, step};

/// Applies a Browse action.
pub fn action(app: &mut App, action: Action) {
    use Action::*;
    let a = app.areas();
    match (action, app.browse.focus) {
        (FocusNext, f) => set_focus(
            app,
            match f {
                Pane::Docs => Pane::Outline,
                Pane::Outline | Pane::Detail => Pane::Detail,
            },
        ),
        (FocusPrev, f) => set_focus(
            app,
            match f {
                Pane::Docs | Pane::Outline => Pane::Docs,
                Pane::Detail => Pane::Outline,
            },
        ),
        (Open, Pane::Docs) => set_focus(app, Pane::Outline),
        (Open, Pane::Outline) => set_focus(app, Pane::Detail),
        (Open, Pane::Detail) => {
            if let Some(id) = app.browse.detail.links.get(app.browse.link_sel).cloned() {
                goto_clause(app, &id, true);
            }
        }
        (Cancel, Pane::Docs) => super::view_action(app, Back),
        (Cancel, _) => set_focus(app, Pane::Docs),
        (mv, Pane::Docs) => {
            let n = app.lib.len();
            let h = usize::from(inner(a.docs).height);
            app.browse.docs.sel = step(app.browse.docs.sel, n, &mv, h);
        }
        (mv, Pane::Outline) => {
            let n = app.browse.outline_rows.len();
            let h = usize::from(inner(a.outline).height);
            app.browse.outline.sel = step(app.browse.outline.sel, n, &mv, h);
        }
        (mv, Pane::Detail) => detail_move(app, &mv),
    }
}

/// Moves within the detail pane: up/down walk the cross-links (scrolling with them),
/// pages scroll.
fn detail_move(app: &mut App, mv: &Action) {
    let h = usize::from(inner(app.areas().detail).height).max(1);
    let b = &mut app.browse;
    let d = &b.detail;
    let max_scroll = d.lines.len().saturating_sub(h);
    match mv {
        Action::Down | Action::Up if !d.links.is_empty() => {
            let n = d.links.len();
            b.link_sel = if matches!(mv, Action::Down) {
                (b.link_sel + 1).min(n - 1)
            } else {
                b.link_sel.saturating_sub(1)
            };
            let first = d.link_lines[b.link_sel];
            let last = d
                .link_lines
                .get(b.link_sel + 1)
                .map(|l| l - 1)
                .unwrap_or(d.lines.len() - 1);
            if last >= b.detail_scroll + h {
                b.detail_scroll = (last + 1).saturating_sub(h).min(first);
            }
            if first < b.detail_scroll {
                b.detail_scroll = first;
            }
        }
        Action::Down => b.detail_scroll = (b.detail_scroll + 1).min(max_scroll),
        Action::Up => b.detail_scroll = b.detail_scroll.saturating_sub(1),
        Action::PageDown => b.detail_scroll = (b.detail_scroll + h).min(max_scroll),
        Action::PageUp => b.detail_scroll = b.detail_scroll.saturating_sub(h),
        Action::Top => {
            b.detail_scroll = 0;
            b.link_sel = 0;
        }
        Action::Bottom => {
            b.detail_scroll = max_scroll;
            b.link_sel = d.links.len().saturating_sub(1);
        }
        _ => {}
    }
}

/// Focuses a pane; entering the outline lands on the first clause rather than a
/// chapter heading.
pub fn set_focus(app: &mut App, pane: Pane) {
    app.browse.focus = pane;
    if pane != Pane::Docs && app.browse.outline.sel == 0 {
        super::super::present::browse::outline(app);
        if let Some(i) = app
            .browse
            .outline_rows
            .iter()
            .position(|r| r.clause.is_some())
        {
            app.browse.outline.sel = i;
        }
    }
}

/// After marking in the outline: the next row (in the detail pane the mark is the
/// clause shown, which stays).
pub fn next_row(app: &mut App) {
    if app.browse.focus == Pane::Outline {
        let n = app.browse.outline_rows.len();
        app.browse.outline.sel = (app.browse.outline.sel + 1).min(n.saturating_sub(1));
    }
}
