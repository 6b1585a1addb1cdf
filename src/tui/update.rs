//! Applying actions to the state. Everything the views show is computed here (search
//! results laid out, text wrapped, comparisons built), so render only draws.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::compare::CompareRequest;
use crate::corpus::{Clause, ClauseKind, Document, Validity};
use crate::export::{self, Digest, Format, GroupBy};
use crate::facts::{Figure, Role};
use crate::model::labels::Labelled;
use crate::search::{BuildProgress, Filters, SearchRequest};
use crate::text;
use crate::workspace::Workspace;

use super::action::Action;
use super::input::Input;
use super::keymap::{CONTEXTS, Keymap, key_label};
use super::layout::{self, Areas, inner};
use super::state::*;
use super::wrap::{self, str_width};

/// Most hits asked of the index per query.
pub const SEARCH_LIMIT: usize = 100;
/// Lines of snippet shown per hit.
const SNIPPET_LINES: usize = 3;
/// Narrowest comparison column, in cells.
const MIN_COLUMN: u16 = 34;
const FORMATS: [Format; 5] = [
    Format::Md,
    Format::Csv,
    Format::Json,
    Format::Html,
    Format::Docx,
];
const GROUPS: [GroupBy; 3] = [GroupBy::Topic, GroupBy::Jurisdiction, GroupBy::Document];

impl App {
    /// The navigator state for a workspace, with a digest loaded from disk.
    pub fn new(ws: Arc<Workspace>, digest: Digest, today: NaiveDate, size: (u16, u16)) -> App {
        let docs: Vec<DocRow> = ws
            .corpus
            .documents
            .iter()
            .map(|d| DocRow {
                id: d.meta.id.clone(),
                jurisdiction: d
                    .meta
                    .jurisdiction_zh
                    .clone()
                    .unwrap_or_else(|| d.meta.jurisdiction.clone()),
                year: [d.meta.written, d.meta.published, d.meta.effective]
                    .into_iter()
                    .flatten()
                    .next()
                    .map(|d| d.year().to_string())
                    .unwrap_or_else(|| "—".into()),
                level: d.meta.level,
                validity: d.meta.validity_on(today),
                title: d.meta.title.clone(),
            })
            .collect();
        let provision_count = ws.corpus.provisions().count();
        let mut app = App {
            ws,
            today,
            size,
            view: View::Browse,
            popup: None,
            browse: BrowseState {
                focus: Pane::Docs,
                docs: ListPos::default(),
                outline_rows: Vec::new(),
                outline: ListPos::default(),
                detail: Detail::default(),
                detail_scroll: 0,
                link_sel: 0,
            },
            search: SearchState {
                focus: SearchFocus::Query,
                input: Input::default(),
                jurisdiction: None,
                status: None,
                topic: None,
                generation: 0,
                pending: false,
                results: None,
                error: None,
                items: Vec::new(),
                list: ListPos::default(),
                preview: Vec::new(),
            },
            compare: CompareState::default(),
            digest_view: DigestView::default(),
            digest,
            script: Script::Original,
            index: IndexState::Opening(None),
            links_ready: false,
            links_error: None,
            back: Vec::new(),
            forward: Vec::new(),
            message: None,
            hints: Vec::new(),
            counts: String::new(),
            effects: Vec::new(),
            quit: false,
            docs,
            provision_count,
        };
        rebuild_outline(&mut app);
        relayout(&mut app);
        finish(&mut app);
        app
    }

    /// The screen areas for the current size.
    pub fn areas(&self) -> Areas {
        layout::areas(self.size, self.docs.len())
    }

    /// The clause the user is looking at in the current view, if any.
    pub fn current_clause(&self) -> Option<String> {
        match self.view {
            View::Browse => match self.browse.focus {
                Pane::Docs => None,
                Pane::Outline | Pane::Detail => self.browse.detail.clause.clone(),
            },
            View::Search => self
                .search
                .results
                .as_ref()
                .and_then(|r| r.hits.get(self.search.list.sel))
                .map(|h| h.id.clone()),
            View::Compare => match &self.compare.source {
                Some(CompareSource::Clause(id)) => Some(id.clone()),
                _ => None,
            },
            View::Digest => self.digest.ids.get(self.digest_view.list.sel).cloned(),
        }
    }

    /// The keymap contexts active now, most specific first.
    pub fn contexts(&self) -> Vec<&'static str> {
        match &self.popup {
            Some(Popup::Help { .. }) => return vec!["help", "always"],
            Some(Popup::Choose(_)) => return vec!["choose", "always"],
            Some(Popup::Export(_)) => return vec!["export", "input", "always"],
            Some(Popup::Overwrite(_)) => return vec!["overwrite", "always"],
            None => {}
        }
        match self.view {
            View::Browse => vec!["browse", "views", "global", "always"],
            View::Search if self.search.focus == SearchFocus::Query => {
                vec!["search_input", "input", "always"]
            }
            View::Search => vec!["search_results", "views", "global", "always"],
            View::Compare => vec!["compare", "views", "global", "always"],
            View::Digest => vec!["digest", "views", "global", "always"],
        }
    }

    /// True when typed characters go into a text field.
    pub fn typing(&self) -> bool {
        matches!(self.popup, Some(Popup::Export(_)))
            || (self.popup.is_none()
                && self.view == View::Search
                && self.search.focus == SearchFocus::Query)
    }

    /// The action a key stands for here, if any.
    pub fn key_action(&self, key: &KeyEvent) -> Option<Action> {
        if let Some(a) = Keymap::get().lookup(&self.contexts(), key) {
            return Some(a);
        }
        if self.typing()
            && let KeyCode::Char(c) = key.code
            && !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return Some(Action::Insert(c));
        }
        None
    }

    /// Takes the pending work for the runtime.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    fn say(&mut self, text: impl Into<String>) {
        self.message = Some((text.into(), false));
    }

    fn warn(&mut self, text: impl Into<String>) {
        self.message = Some((text.into(), true));
    }
}

/// The view tabs of the top line: view, label, and starting column.
pub fn tabs(app: &App) -> Vec<(View, String, u16)> {
    let mut x = u16::try_from(str_width(" policynav ")).unwrap_or(0);
    let mut out = Vec::new();
    for (view, label) in [
        (View::Browse, " 1 Browse ".to_string()),
        (View::Search, " 2 Search ".to_string()),
        (View::Compare, " 3 Compare ".to_string()),
        (
            View::Digest,
            format!(" 4 Digest ({}) ", app.digest.ids.len()),
        ),
    ] {
        let w = u16::try_from(str_width(&label)).unwrap_or(0);
        out.push((view, label, x));
        x = x.saturating_add(w);
    }
    out
}

/// Applies one action.
pub fn update(app: &mut App, action: Action) {
    use Action::*;
    match action {
        Resize(w, h) => {
            app.size = (w, h);
            relayout(app);
        }
        SearchDone(generation, result) => {
            if generation == app.search.generation {
                app.search.pending = false;
                match result {
                    Ok(r) => {
                        app.search.results = Some(r);
                        app.search.error = None;
                    }
                    Err(e) => {
                        app.search.results = None;
                        app.search.error = Some(e);
                    }
                }
                app.search.list = ListPos::default();
                layout_search(app);
            }
        }
        IndexProgress(p) => {
            app.index = match p {
                BuildProgress::Ready => IndexState::Ready,
                other => IndexState::Opening(Some(other)),
            }
        }
        IndexFailed(e) => {
            app.index = IndexState::Failed(e);
            app.search.pending = false;
        }
        LinksReady => {
            app.links_ready = true;
            rebuild_detail(app);
            if app.compare.source.is_some() && app.compare.comparison.is_none() {
                run_compare(app);
            }
        }
        LinksFailed(e) => {
            app.warn(e.clone());
            app.links_error = Some(e);
            rebuild_detail(app);
        }
        SegmenterReady => relayout(app),
        Quit => app.quit = true,
        Help if !matches!(app.popup, Some(Popup::Help { .. })) => {
            app.message = None;
            open_help(app);
        }
        Click(x, y) => click(app, x, y),
        Wheel(x, y, down) => wheel(app, x, y, down),
        other => {
            app.message = None;
            if app.popup.is_some() {
                popup_action(app, other);
            } else {
                view_action(app, other);
            }
        }
    }
    finish(app);
}

fn finish(app: &mut App) {
    app.hints = Keymap::get().hints(&app.contexts());
    app.counts = match app.view {
        View::Browse => format!(
            "{} documents · {} provisions",
            app.docs.len(),
            app.provision_count
        ),
        View::Search => match (&app.index, app.search.pending, &app.search.results) {
            (IndexState::Opening(Some(BuildProgress::Indexing { done, total })), _, _) => {
                format!("building the index {done}/{total}")
            }
            (IndexState::Opening(_), _, _) => "opening the index…".into(),
            (IndexState::Failed(_), _, _) => "search unavailable".into(),
            (_, true, _) => "searching…".into(),
            (_, _, Some(r)) => format!("{} hits", r.total),
            _ => "type to search".into(),
        },
        View::Compare => match &app.compare.comparison {
            Some(c) => format!("{} jurisdictions", c.columns.len()),
            None => "nothing compared".into(),
        },
        View::Digest => format!("{} clauses in the digest", app.digest.ids.len()),
    };
}

// ---------------------------------------------------------------- actions

fn view_action(app: &mut App, action: Action) {
    use Action::*;
    match action {
        ViewBrowse => app.view = View::Browse,
        ViewSearch => {
            app.view = View::Search;
            app.search.focus = SearchFocus::Query;
        }
        ViewCompare => {
            app.view = View::Compare;
            if app.compare.source.is_none() {
                app.say("nothing compared yet: press c on a provision, or C for a measure type");
            }
        }
        ViewDigest => {
            app.view = View::Digest;
            layout_digest(app);
        }
        Back => history_step(app, true),
        Forward => history_step(app, false),
        ToggleScript => {
            app.script = match app.script {
                Script::Original => Script::Simplified,
                Script::Simplified => Script::Original,
            };
            relayout(app);
            app.say(match app.script {
                Script::Original => "showing the original script",
                Script::Simplified => "showing Simplified",
            });
        }
        Copy => copy(app),
        Mark => mark(app),
        Paste(text) => {
            app.view = View::Search;
            app.search.focus = SearchFocus::Query;
            search_action(app, Paste(text));
        }
        ChooseTopic => choose_topic(app),
        CompareClause => match app.current_clause() {
            Some(id) => start_compare(app, CompareSource::Clause(id)),
            None => app.say("select a provision first"),
        },
        other => match app.view {
            View::Browse => browse_action(app, other),
            View::Search => search_action(app, other),
            View::Compare => compare_action(app, other),
            View::Digest => digest_action(app, other),
        },
    }
}

fn browse_action(app: &mut App, action: Action) {
    use Action::*;
    let a = app.areas();
    match (action, app.browse.focus) {
        (FocusNext, f) => set_focus(
            app,
            match f {
                Pane::Docs => Pane::Outline,
                Pane::Outline => Pane::Detail,
                Pane::Detail => Pane::Docs,
            },
        ),
        (FocusPrev, f) => set_focus(
            app,
            match f {
                Pane::Docs => Pane::Detail,
                Pane::Outline => Pane::Docs,
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
        (Cancel, _) => set_focus(app, Pane::Docs),
        (mv, Pane::Docs) => {
            let n = app.docs.len();
            let before = app.browse.docs.sel;
            app.browse.docs.sel = step(before, n, &mv, usize::from(inner(a.docs).height));
            app.browse.docs.fit(n, usize::from(inner(a.docs).height));
            if app.browse.docs.sel != before {
                rebuild_outline(app);
                rebuild_detail(app);
            }
        }
        (mv, Pane::Outline) => {
            let n = app.browse.outline_rows.len();
            let h = usize::from(inner(a.outline).height);
            app.browse.outline.sel = step(app.browse.outline.sel, n, &mv, h);
            app.browse.outline.fit(n, h);
            rebuild_detail(app);
        }
        (mv, Pane::Detail) => detail_move(app, &mv),
    }
}

/// Moves within the detail pane: up/down walk the cross-links (scrolling with them),
/// pages scroll.
fn detail_move(app: &mut App, mv: &Action) {
    let h = usize::from(inner(app.areas().detail).height).max(1);
    let d = &app.browse.detail;
    let max_scroll = d.lines.len().saturating_sub(h);
    match mv {
        Action::Down | Action::Up if !d.links.is_empty() => {
            let n = d.links.len();
            let sel = app.browse.link_sel;
            app.browse.link_sel = if matches!(mv, Action::Down) {
                (sel + 1).min(n - 1)
            } else {
                sel.saturating_sub(1)
            };
            let first = d.link_lines[app.browse.link_sel];
            let last = d
                .link_lines
                .get(app.browse.link_sel + 1)
                .map(|l| l - 1)
                .unwrap_or(d.lines.len() - 1);
            if last >= app.browse.detail_scroll + h {
                app.browse.detail_scroll = (last + 1).saturating_sub(h).min(first);
            }
            if first < app.browse.detail_scroll {
                app.browse.detail_scroll = first;
            }
        }
        Action::Down => app.browse.detail_scroll = (app.browse.detail_scroll + 1).min(max_scroll),
        Action::Up => app.browse.detail_scroll = app.browse.detail_scroll.saturating_sub(1),
        Action::PageDown => {
            app.browse.detail_scroll = (app.browse.detail_scroll + h).min(max_scroll)
        }
        Action::PageUp => app.browse.detail_scroll = app.browse.detail_scroll.saturating_sub(h),
        Action::Top => {
            app.browse.detail_scroll = 0;
            app.browse.link_sel = 0;
        }
        Action::Bottom => {
            app.browse.detail_scroll = max_scroll;
            app.browse.link_sel = d.links.len().saturating_sub(1);
        }
        _ => {}
    }
}

/// A list selection after a movement action.
fn step(sel: usize, len: usize, mv: &Action, page: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let page = page.max(1);
    match mv {
        Action::Down => (sel + 1).min(len - 1),
        Action::Up => sel.saturating_sub(1),
        Action::PageDown => (sel + page).min(len - 1),
        Action::PageUp => sel.saturating_sub(page),
        Action::Top => 0,
        Action::Bottom => len - 1,
        _ => sel,
    }
}

fn set_focus(app: &mut App, pane: Pane) {
    let was = app.browse.focus;
    app.browse.focus = pane;
    if pane != Pane::Docs && app.browse.outline.sel == 0 {
        // land on the first clause rather than a chapter heading
        if let Some(i) = app
            .browse
            .outline_rows
            .iter()
            .position(|r| r.clause.is_some())
        {
            app.browse.outline.sel = i;
            app.browse.outline.fit(
                app.browse.outline_rows.len(),
                usize::from(inner(app.areas().outline).height),
            );
        }
    }
    if (was == Pane::Docs) != (pane == Pane::Docs) {
        rebuild_detail(app);
    }
}

fn search_action(app: &mut App, action: Action) {
    use Action::*;
    let typing = app.search.focus == SearchFocus::Query;
    let input = &mut app.search.input;
    let before = input.text().to_string();
    match action {
        Insert(c) if typing => input.insert(c),
        Paste(s) if typing => input.insert_str(&s),
        InputLeft => input.left(),
        InputRight => input.right(),
        InputHome => input.home(),
        InputEnd => input.end(),
        InputBackspace => input.backspace(),
        InputDelete => input.delete(),
        InputDeleteWord => input.delete_word(),
        InputClear => input.delete_to_start(),
        FocusResults => {
            app.search.focus = SearchFocus::Results;
            layout_search(app);
        }
        EditQuery => app.search.focus = SearchFocus::Query,
        Cancel if typing => {
            if app
                .search
                .results
                .as_ref()
                .is_some_and(|r| !r.hits.is_empty())
            {
                app.search.focus = SearchFocus::Results;
            } else {
                app.view = View::Browse;
            }
        }
        Cancel => app.view = View::Browse,
        CycleJurisdiction => {
            let mut names: Vec<String> = Vec::new();
            for d in &app.ws.corpus.documents {
                if !names.contains(&d.meta.jurisdiction) {
                    names.push(d.meta.jurisdiction.clone());
                }
            }
            app.search.jurisdiction = cycle(&names, app.search.jurisdiction.as_ref());
            request_search(app);
        }
        CycleStatus => {
            let all = [
                Validity::InForce,
                Validity::Draft,
                Validity::Expired,
                Validity::NotYetInForce,
            ];
            let present: Vec<Validity> = all
                .into_iter()
                .filter(|v| app.docs.iter().any(|d| d.validity == *v))
                .collect();
            app.search.status = cycle(&present, app.search.status.as_ref());
            request_search(app);
        }
        CycleTopic => {
            let ids: Vec<String> = app
                .ws
                .taxonomy
                .topics
                .iter()
                .map(|t| t.id.clone())
                .collect();
            app.search.topic = cycle(&ids, app.search.topic.as_ref());
            request_search(app);
        }
        Open => {
            if let Some(id) = app.current_clause() {
                goto_clause(app, &id, true);
            }
        }
        mv @ (Down | Up | PageDown | PageUp | Top | Bottom) => {
            let n = app.search.items.len();
            let h = usize::from(inner(app.areas().results).height);
            let page = h / (SNIPPET_LINES + 1);
            app.search.list.sel = step(app.search.list.sel, n, &mv, page);
            fit_results(app);
            layout_preview(app);
        }
        _ => {}
    }
    if app.search.input.text() != before {
        request_search(app);
    }
}

/// The next value of a filter: none → first → … → last → none.
fn cycle<T: Clone + PartialEq>(values: &[T], current: Option<&T>) -> Option<T> {
    match current.and_then(|c| values.iter().position(|v| v == c)) {
        None => values.first().cloned(),
        Some(i) => values.get(i + 1).cloned(),
    }
}

/// Sends the current query to the search worker.
fn request_search(app: &mut App) {
    app.search.generation += 1;
    let query = app.search.input.text().trim().to_string();
    if query.is_empty() {
        app.search.pending = false;
        app.search.results = None;
        app.search.error = None;
        app.search.list = ListPos::default();
        layout_search(app);
        return;
    }
    let request = SearchRequest {
        query,
        filters: Filters {
            jurisdiction: app.search.jurisdiction.clone().into_iter().collect(),
            status: app.search.status.into_iter().collect(),
            topic: app.search.topic.clone().into_iter().collect(),
            as_of: app.search.status.map(|_| app.today),
            ..Filters::default()
        },
        limit: SEARCH_LIMIT,
    };
    app.search.pending = !matches!(app.index, IndexState::Failed(_));
    app.effects.push(Effect::Search {
        generation: app.search.generation,
        request,
    });
}

fn compare_action(app: &mut App, action: Action) {
    use Action::*;
    let body_h = usize::from(app.areas().compare_body.height.saturating_sub(6)).max(1);
    let max_lines = app
        .compare
        .columns
        .iter()
        .map(|c| c.lines.len())
        .max()
        .unwrap_or(0);
    let max_scroll = max_lines.saturating_sub(body_h);
    let c = &mut app.compare;
    match action {
        ScrollRight => {
            let last_start = c.columns.len().saturating_sub(c.visible_cols.max(1));
            c.col_offset = (c.col_offset + 1).min(last_start);
        }
        ScrollLeft => c.col_offset = c.col_offset.saturating_sub(1),
        Down => c.scroll = (c.scroll + 1).min(max_scroll),
        Up => c.scroll = c.scroll.saturating_sub(1),
        PageDown => c.scroll = (c.scroll + body_h).min(max_scroll),
        PageUp => c.scroll = c.scroll.saturating_sub(body_h),
        Top => c.scroll = 0,
        Bottom => c.scroll = max_scroll,
        ChooseJurisdictions => choose_docs(app),
        Cancel => history_step(app, true),
        _ => {}
    }
}

fn digest_action(app: &mut App, action: Action) {
    use Action::*;
    let n = app.digest.ids.len();
    let h = usize::from(inner(app.areas().digest_list).height);
    let sel = app.digest_view.list.sel;
    match action {
        mv @ (Down | Up | PageDown | PageUp | Top | Bottom) => {
            app.digest_view.list.sel = step(sel, n, &mv, h);
        }
        MoveUp if sel > 0 && sel < n => {
            app.digest.ids.swap(sel, sel - 1);
            app.digest_view.list.sel -= 1;
            save_digest(app);
        }
        MoveDown if sel + 1 < n => {
            app.digest.ids.swap(sel, sel + 1);
            app.digest_view.list.sel += 1;
            save_digest(app);
        }
        Remove if sel < n => {
            let id = app.digest.ids.remove(sel);
            save_digest(app);
            app.say(format!("removed {id} from the digest"));
        }
        Open => {
            if let Some(id) = app.digest.ids.get(sel).cloned() {
                goto_clause(app, &id, true);
                return;
            }
        }
        Export => open_export(app),
        Cancel => app.view = View::Browse,
        _ => {}
    }
    layout_digest(app);
}

fn popup_action(app: &mut App, action: Action) {
    use Action::*;
    let Some(popup) = app.popup.take() else {
        return;
    };
    match popup {
        Popup::Help { mut scroll, lines } => {
            let h = usize::from(help_area(app.size).height.saturating_sub(2)).max(1);
            let max = lines.len().saturating_sub(h);
            match action {
                Cancel | Help => return,
                Down => scroll = (scroll + 1).min(max),
                Up => scroll = scroll.saturating_sub(1),
                PageDown => scroll = (scroll + h).min(max),
                PageUp => scroll = scroll.saturating_sub(h),
                _ => {}
            }
            app.popup = Some(Popup::Help { scroll, lines });
        }
        Popup::Choose(mut ch) => {
            let n = ch.items.len();
            match action {
                Cancel => return,
                mv @ (Down | Up | PageDown | PageUp | Top | Bottom) => {
                    ch.list.sel = step(ch.list.sel, n, &mv, 10);
                }
                Toggle => {
                    if let Some(item) = ch.items.get_mut(ch.list.sel) {
                        item.ticked = !item.ticked;
                    }
                }
                Confirm => {
                    apply_choice(app, ch);
                    return;
                }
                _ => {}
            }
            let h = usize::from(choose_area(app.size, n).height.saturating_sub(2));
            ch.list.fit(n, h);
            app.popup = Some(Popup::Choose(ch));
        }
        Popup::Export(mut p) => {
            match action {
                Cancel => return,
                Confirm => {
                    do_export(app, p, false);
                    return;
                }
                CycleFormat => {
                    let i = FORMATS.iter().position(|f| *f == p.format).unwrap_or(0);
                    let next = FORMATS[(i + 1) % FORMATS.len()];
                    let path = with_extension(p.path.text(), p.format, next);
                    p.path.set(&path);
                    p.format = next;
                }
                CycleGroup => {
                    let i = GROUPS.iter().position(|g| *g == p.group_by).unwrap_or(0);
                    p.group_by = GROUPS[(i + 1) % GROUPS.len()];
                }
                Insert(c) => p.path.insert(c),
                Paste(s) => p.path.insert_str(&s),
                InputLeft => p.path.left(),
                InputRight => p.path.right(),
                InputHome => p.path.home(),
                InputEnd => p.path.end(),
                InputBackspace => p.path.backspace(),
                InputDelete => p.path.delete(),
                InputDeleteWord => p.path.delete_word(),
                InputClear => p.path.delete_to_start(),
                _ => {}
            }
            app.popup = Some(Popup::Export(p));
        }
        Popup::Overwrite(p) => match action {
            Confirm => do_export(app, p, true),
            Cancel => app.popup = Some(Popup::Export(p)),
            _ => app.popup = Some(Popup::Overwrite(p)),
        },
    }
}

// ---------------------------------------------------------------- mouse

fn click(app: &mut App, x: u16, y: u16) {
    if layout::too_small(app.size) {
        return;
    }
    let pos = ratatui::layout::Position { x, y };
    if let Some(Popup::Choose(ch)) = &mut app.popup {
        let area = inner(choose_area(app.size, ch.items.len()));
        if area.contains(pos) {
            ch.list.sel =
                (ch.list.offset + usize::from(y - area.y)).min(ch.items.len().saturating_sub(1));
        }
        return;
    }
    if app.popup.is_some() {
        return;
    }
    let a = app.areas();
    if a.tabs.contains(pos) {
        for (view, label, start) in tabs(app) {
            let end = start.saturating_add(u16::try_from(str_width(&label)).unwrap_or(0));
            if (start..end).contains(&x) {
                let action = match view {
                    View::Browse => Action::ViewBrowse,
                    View::Search => Action::ViewSearch,
                    View::Compare => Action::ViewCompare,
                    View::Digest => Action::ViewDigest,
                };
                view_action(app, action);
            }
        }
        return;
    }
    match app.view {
        View::Browse => {
            if inner(a.docs).contains(pos) {
                let i = app.browse.docs.offset + usize::from(y - inner(a.docs).y);
                if i < app.docs.len() {
                    app.browse.focus = Pane::Docs;
                    if i != app.browse.docs.sel {
                        app.browse.docs.sel = i;
                        rebuild_outline(app);
                    }
                    rebuild_detail(app);
                }
            } else if inner(a.outline).contains(pos) {
                let i = app.browse.outline.offset + usize::from(y - inner(a.outline).y);
                if i < app.browse.outline_rows.len() {
                    app.browse.focus = Pane::Outline;
                    app.browse.outline.sel = i;
                    rebuild_detail(app);
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
                        fit_results(app);
                        layout_preview(app);
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
                    layout_digest(app);
                }
            }
        }
        View::Compare => {}
    }
}

fn wheel(app: &mut App, x: u16, y: u16, down: bool) {
    if layout::too_small(app.size) {
        return;
    }
    let mv = if down { Action::Down } else { Action::Up };
    let pos = ratatui::layout::Position { x, y };
    if app.popup.is_some() {
        for _ in 0..3 {
            popup_action(app, mv.clone());
        }
        return;
    }
    let a = app.areas();
    match app.view {
        View::Browse => {
            if a.docs.contains(pos) {
                app.browse.focus = Pane::Docs;
                browse_action(app, mv);
            } else if a.outline.contains(pos) {
                app.browse.focus = Pane::Outline;
                browse_action(app, mv);
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
                search_action(app, mv);
            }
        }
        View::Compare => {
            for _ in 0..3 {
                compare_action(app, mv.clone());
            }
        }
        View::Digest => digest_action(app, mv),
    }
}

// ---------------------------------------------------------------- navigation

fn location(app: &App) -> Location {
    Location {
        view: app.view,
        doc: app.browse.docs.sel,
        clause: app
            .browse
            .outline_rows
            .get(app.browse.outline.sel)
            .and_then(|r| r.clause.clone()),
        pane: app.browse.focus,
    }
}

fn restore(app: &mut App, loc: Location) {
    app.view = loc.view;
    if loc.doc != app.browse.docs.sel {
        app.browse.docs.sel = loc.doc.min(app.docs.len().saturating_sub(1));
        rebuild_outline(app);
    }
    if let Some(id) = &loc.clause {
        select_outline_clause(app, id);
    }
    app.browse.focus = loc.pane;
    let a = app.areas();
    app.browse
        .docs
        .fit(app.docs.len(), usize::from(inner(a.docs).height));
    rebuild_detail(app);
    if app.view == View::Digest {
        layout_digest(app);
    }
}

fn history_step(app: &mut App, back: bool) {
    let (from, to) = if back {
        (&mut app.back, &mut app.forward)
    } else {
        (&mut app.forward, &mut app.back)
    };
    match from.pop() {
        Some(loc) => {
            let here = location(app);
            if back {
                app.forward.push(here);
            } else {
                app.back.push(here);
            }
            restore(app, loc);
        }
        None => {
            let _ = to;
            app.say(if back {
                "nothing to go back to"
            } else {
                "nothing to go forward to"
            });
        }
    }
}

/// Shows a clause in Browse, remembering where the user was.
pub fn goto_clause(app: &mut App, id: &str, remember: bool) {
    let Some((doc, _)) = app.ws.corpus.clause(id) else {
        app.warn(format!("{id} is not in the corpus"));
        return;
    };
    let doc_id = doc.meta.id.clone();
    let Some(doc_idx) = app.docs.iter().position(|d| d.id == doc_id) else {
        return;
    };
    if remember {
        let here = location(app);
        app.back.push(here);
        app.forward.clear();
    }
    app.view = View::Browse;
    if app.browse.docs.sel != doc_idx {
        app.browse.docs.sel = doc_idx;
        rebuild_outline(app);
    }
    let a = app.areas();
    app.browse
        .docs
        .fit(app.docs.len(), usize::from(inner(a.docs).height));
    select_outline_clause(app, id);
    app.browse.focus = Pane::Detail;
    rebuild_detail(app);
}

fn select_outline_clause(app: &mut App, id: &str) {
    if let Some(i) = app
        .browse
        .outline_rows
        .iter()
        .position(|r| r.clause.as_deref() == Some(id))
    {
        app.browse.outline.sel = i;
        let h = usize::from(inner(app.areas().outline).height);
        app.browse.outline.fit(app.browse.outline_rows.len(), h);
    }
}

// ---------------------------------------------------------------- digest, copy

fn mark(app: &mut App) {
    let Some(id) = app.current_clause() else {
        app.say("select a clause first");
        return;
    };
    if let Some(i) = app.digest.ids.iter().position(|d| *d == id) {
        app.digest.ids.remove(i);
        app.say(format!("removed {id} from the digest"));
    } else {
        app.digest.ids.push(id.clone());
        app.say(format!(
            "added {id} to the digest ({} clauses)",
            app.digest.ids.len()
        ));
    }
    save_digest(app);
    refresh_marks(app);
    layout_digest(app);
}

fn save_digest(app: &mut App) {
    if let Err(e) = app.digest.save(&app.ws.locations.data_dir) {
        app.warn(format!("could not save the digest: {e:#}"));
    }
}

fn refresh_marks(app: &mut App) {
    for r in &mut app.browse.outline_rows {
        r.marked = r
            .clause
            .as_ref()
            .is_some_and(|c| app.digest.ids.contains(c));
    }
    if app.view == View::Search {
        layout_search(app);
    }
}

fn copy(app: &mut App) {
    let Some(id) = app.current_clause() else {
        app.say("select a clause first");
        return;
    };
    let Some((doc, clause)) = app.ws.corpus.clause(&id) else {
        return;
    };
    let text = match app.script {
        Script::Original => clause.text.clone(),
        Script::Simplified => clause.normalized.clone(),
    };
    let cite = crate::model::citation::Citation::of(doc, clause).line(crate::model::Lang::Zh);
    app.effects.push(Effect::Copy(format!("{text}\n—— {cite}")));
    app.say(format!("copied {id} with its citation"));
}

// ---------------------------------------------------------------- compare

fn start_compare(app: &mut App, source: CompareSource) {
    let here = location(app);
    app.back.push(here);
    app.forward.clear();
    app.compare.source = Some(source);
    app.compare.col_offset = 0;
    app.compare.scroll = 0;
    app.view = View::Compare;
    run_compare(app);
}

fn run_compare(app: &mut App) {
    let Some(source) = app.compare.source.clone() else {
        return;
    };
    let (topic, clause) = match &source {
        CompareSource::Clause(id) => (None, Some(id.clone())),
        CompareSource::Topic(t) => (Some(t.clone()), None),
    };
    app.compare.title = match &source {
        CompareSource::Clause(id) => format!("Compare: the measure of {id} in every jurisdiction"),
        CompareSource::Topic(t) => match app.ws.taxonomy.get(t) {
            Some(topic) => format!("Compare: {} ({}) in every jurisdiction", topic.zh, topic.en),
            None => format!("Compare: {t}"),
        },
    };
    if !app.links_ready {
        app.compare.comparison = None;
        app.compare.error =
            Some("finding equivalent measures… the comparison appears when ready".into());
        layout_compare(app);
        return;
    }
    let request = CompareRequest {
        topic,
        clause,
        docs: app.compare.docs.clone(),
        as_of: app.today,
    };
    match app.ws.compare(&request) {
        Ok(c) => {
            app.compare.comparison = Some(c);
            app.compare.error = None;
        }
        Err(e) => {
            app.compare.comparison = None;
            app.compare.error = Some(format!("{e:#}"));
        }
    }
    layout_compare(app);
}

fn choose_topic(app: &mut App) {
    let current = match &app.compare.source {
        Some(CompareSource::Topic(t)) => Some(t.clone()),
        _ => None,
    };
    let items: Vec<Choice> = app
        .ws
        .taxonomy
        .topics
        .iter()
        .map(|t| Choice {
            key: t.id.clone(),
            label: format!("{} {} ({})", t.zh, t.en, t.id),
            ticked: current.as_deref() == Some(t.id.as_str()),
        })
        .collect();
    if items.is_empty() {
        app.say("no measure types are defined (corpus/topics.toml)");
        return;
    }
    let sel = items.iter().position(|c| c.ticked).unwrap_or(0);
    app.popup = Some(Popup::Choose(Chooser {
        purpose: ChoosePurpose::CompareTopic,
        title: "Compare which measure type? (Enter)".into(),
        items,
        list: ListPos { sel, offset: 0 },
    }));
    fit_chooser(app);
}

fn choose_docs(app: &mut App) {
    let chosen = app.compare.docs.clone();
    let items: Vec<Choice> = app
        .docs
        .iter()
        .map(|d| Choice {
            key: d.id.clone(),
            label: format!("{} {} · {}", d.jurisdiction, d.year, d.title),
            ticked: chosen.is_empty() || chosen.contains(&d.id),
        })
        .collect();
    app.popup = Some(Popup::Choose(Chooser {
        purpose: ChoosePurpose::CompareDocs,
        title: "Jurisdictions to compare (Space ticks, Enter applies)".into(),
        items,
        list: ListPos::default(),
    }));
    fit_chooser(app);
}

fn fit_chooser(app: &mut App) {
    let size = app.size;
    if let Some(Popup::Choose(ch)) = &mut app.popup {
        let h = usize::from(choose_area(size, ch.items.len()).height.saturating_sub(2));
        ch.list.fit(ch.items.len(), h);
    }
}

fn apply_choice(app: &mut App, ch: Chooser) {
    match ch.purpose {
        ChoosePurpose::CompareTopic => {
            if let Some(item) = ch.items.get(ch.list.sel) {
                start_compare(app, CompareSource::Topic(item.key.clone()));
            }
        }
        ChoosePurpose::CompareDocs => {
            let ticked: Vec<String> = ch
                .items
                .iter()
                .filter(|c| c.ticked)
                .map(|c| c.key.clone())
                .collect();
            if ticked.is_empty() {
                app.say("tick at least one jurisdiction");
                app.popup = Some(Popup::Choose(ch));
                return;
            }
            app.compare.docs = if ticked.len() == ch.items.len() {
                Vec::new()
            } else {
                ticked
            };
            app.compare.col_offset = 0;
            run_compare(app);
        }
    }
}

// ---------------------------------------------------------------- export

fn open_export(app: &mut App) {
    if app.digest.ids.is_empty() {
        app.say("the digest is empty: mark clauses with Space first");
        return;
    }
    let path = default_export_path(app, Format::Md);
    app.popup = Some(Popup::Export(ExportPrompt {
        format: Format::Md,
        group_by: GroupBy::Topic,
        path: Input::with_text(&path.display().to_string()),
        error: None,
    }));
}

/// The file name extension of a format.
pub fn extension(f: Format) -> &'static str {
    f.extension()
}

/// The suggested export file: in the platform documents folder when there is one,
/// else in the data dir.
pub fn default_export_path(app: &App, format: Format) -> PathBuf {
    let dir = directories::UserDirs::new()
        .and_then(|u| u.document_dir().map(Path::to_path_buf))
        .filter(|d| d.is_dir())
        .unwrap_or_else(|| app.ws.locations.data_dir.clone());
    dir.join(format!(
        "policynav-digest-{}.{}",
        app.today,
        extension(format)
    ))
}

fn with_extension(path: &str, old: Format, new: Format) -> String {
    let old_ext = format!(".{}", extension(old));
    match path.strip_suffix(&old_ext) {
        Some(stem) => format!("{stem}.{}", extension(new)),
        None => path.to_string(),
    }
}

fn expand_home(path: &str) -> PathBuf {
    if let Some(rest) = path.strip_prefix("~/")
        && let Some(u) = directories::UserDirs::new()
    {
        return u.home_dir().join(rest);
    }
    PathBuf::from(path)
}

fn do_export(app: &mut App, mut prompt: ExportPrompt, force: bool) {
    let text = prompt.path.text().trim().to_string();
    if text.is_empty() {
        prompt.error = Some("type a file path".into());
        app.popup = Some(Popup::Export(prompt));
        return;
    }
    let path = expand_home(&text);
    if !force && path.exists() {
        app.popup = Some(Popup::Overwrite(prompt));
        return;
    }
    let options = export::Options {
        group_by: prompt.group_by,
        with_links: true,
        simplified: app.script == Script::Simplified,
        ..export::Options::new(prompt.format, app.today)
    };
    let result = export::render(&app.ws, &app.digest.ids, &options)
        .and_then(|bytes| export::write_file(&path, &bytes, force));
    match result {
        Ok(()) => app.say(format!(
            "exported {} clauses to {}",
            app.digest.ids.len(),
            path.display()
        )),
        Err(e) => {
            prompt.error = Some(format!("{e:#}"));
            app.popup = Some(Popup::Export(prompt));
        }
    }
}

// ---------------------------------------------------------------- help

/// Where the help popup goes.
pub fn help_area(size: (u16, u16)) -> ratatui::layout::Rect {
    layout::popup(ratatui::layout::Rect::new(0, 0, size.0, size.1), 76, 40)
}

/// Where a choice list goes.
pub fn choose_area(size: (u16, u16), items: usize) -> ratatui::layout::Rect {
    let h = u16::try_from(items + 2).unwrap_or(u16::MAX);
    layout::popup(ratatui::layout::Rect::new(0, 0, size.0, size.1), 70, h)
}

/// Where the export prompt goes.
pub fn export_area(size: (u16, u16)) -> ratatui::layout::Rect {
    layout::popup(ratatui::layout::Rect::new(0, 0, size.0, size.1), 76, 10)
}

fn open_help(app: &mut App) {
    let km = Keymap::get();
    let mut lines = Vec::new();
    for (ctx, title) in CONTEXTS {
        let bindings = km.bindings(ctx);
        if bindings.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(TextLine::default());
        }
        lines.push(TextLine::plain(*title, Emph::Heading));
        for b in bindings {
            let keys: Vec<String> = b.keys.iter().map(|k| key_label(k)).collect();
            let keys = keys.join(" ");
            let pad = 18usize.saturating_sub(str_width(&keys)).max(1);
            lines.push(TextLine {
                segs: vec![
                    Seg {
                        text: format!("  {keys}{}", " ".repeat(pad)),
                        emph: Emph::Figure,
                    },
                    Seg {
                        text: b.desc.clone(),
                        emph: Emph::Plain,
                    },
                ],
                link: None,
            });
        }
    }
    app.popup = Some(Popup::Help { scroll: 0, lines });
}

// ---------------------------------------------------------------- layout of text

/// Recomputes everything that depends on the terminal size or the script.
pub fn relayout(app: &mut App) {
    let a = app.areas();
    app.browse
        .docs
        .fit(app.docs.len(), usize::from(inner(a.docs).height));
    app.browse.outline.fit(
        app.browse.outline_rows.len(),
        usize::from(inner(a.outline).height),
    );
    rebuild_detail(app);
    layout_search(app);
    layout_compare(app);
    layout_digest(app);
    fit_chooser(app);
}

fn rebuild_outline(app: &mut App) {
    let ws = Arc::clone(&app.ws);
    let Some(doc) = ws.corpus.documents.get(app.browse.docs.sel) else {
        app.browse.outline_rows.clear();
        return;
    };
    let mut rows = Vec::new();
    let mut last_chapter: Option<&str> = None;
    for c in &doc.clauses {
        if c.chapter.as_deref() != last_chapter {
            last_chapter = c.chapter.as_deref();
            if let Some(ch) = doc
                .chapters
                .iter()
                .find(|ch| Some(ch.path.as_str()) == last_chapter)
            {
                rows.push(OutlineRow {
                    kind: RowKind::Chapter,
                    text: format!("{}{}", ch.label, ch.heading),
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
            text,
            clause: Some(c.id.clone()),
            marked: app.digest.ids.contains(&c.id),
        });
    }
    app.browse.outline_rows = rows;
    app.browse.outline = ListPos::default();
    app.browse.detail_scroll = 0;
    app.browse.link_sel = 0;
}

/// The first `n` characters of a text, on one line.
fn head(s: &str, n: usize) -> String {
    s.chars().filter(|c| *c != '\n').take(n).collect()
}

/// The text in the script shown, with byte ranges moved along.
fn in_script(
    app: &App,
    text: &str,
    marks: Vec<(Range<usize>, Emph)>,
) -> (String, Vec<(Range<usize>, Emph)>) {
    match app.script {
        Script::Original => (text.to_string(), marks),
        Script::Simplified => {
            let conv = text::to_simplified(text);
            let marks = marks
                .into_iter()
                .filter_map(|(r, e)| Some((remap(text, &conv, r)?, e)))
                .collect();
            (conv, marks)
        }
    }
}

/// Moves a byte range of `from` to the same characters of `to` (same char count).
fn remap(from: &str, to: &str, r: Range<usize>) -> Option<Range<usize>> {
    if !from.is_char_boundary(r.start) || !from.is_char_boundary(r.end) || r.end > from.len() {
        return None;
    }
    let cs = from[..r.start].chars().count();
    let ce = cs + from[r.clone()].chars().count();
    let byte_at = |ci: usize| {
        to.char_indices()
            .nth(ci)
            .map(|(b, _)| b)
            .unwrap_or(to.len())
    };
    Some(byte_at(cs)..byte_at(ce))
}

/// Where the figures are in `text`: their spans when they point at the surface, else
/// the first unused occurrence of the surface.
fn figure_marks(text: &str, figures: &[Figure]) -> Vec<(Range<usize>, Emph)> {
    let mut marks: Vec<(Range<usize>, Emph)> = Vec::new();
    for f in figures {
        let emph = if f.role == Role::Support {
            Emph::Figure
        } else {
            Emph::OtherFigure
        };
        let range = if text.get(f.span.clone()) == Some(f.surface.as_str()) {
            Some(f.span.clone())
        } else if f.surface.is_empty() {
            None
        } else {
            text.match_indices(f.surface.as_str())
                .map(|(b, s)| b..b + s.len())
                .find(|r| {
                    !marks
                        .iter()
                        .any(|(m, _)| m.start < r.end && r.start < m.end)
                })
        };
        if let Some(r) = range
            && !marks
                .iter()
                .any(|(m, _)| m.start < r.end && r.start < m.end)
        {
            marks.push((r, emph));
        }
    }
    marks.sort_by_key(|(r, _)| r.start);
    marks
}

/// Wraps `text` to `width` cells after an `indent`, emphasising `marks`.
fn text_lines(
    text: &str,
    marks: &[(Range<usize>, Emph)],
    width: usize,
    indent: usize,
    base: Emph,
) -> Vec<TextLine> {
    let keep: Vec<Range<usize>> = marks.iter().map(|(r, _)| r.clone()).collect();
    let width = width.saturating_sub(indent).max(1);
    wrap::wrap(text, width, &keep)
        .into_iter()
        .map(|line| {
            let mut segs = Vec::new();
            if indent > 0 {
                segs.push(Seg {
                    text: " ".repeat(indent),
                    emph: Emph::Plain,
                });
            }
            let mut pos = line.start;
            for (r, e) in marks {
                let (s, t) = (r.start.max(line.start), r.end.min(line.end));
                if s >= t {
                    continue;
                }
                if pos < s {
                    segs.push(Seg {
                        text: text[pos..s].to_string(),
                        emph: base,
                    });
                }
                segs.push(Seg {
                    text: text[s..t].to_string(),
                    emph: *e,
                });
                pos = t;
            }
            if pos < line.end {
                segs.push(Seg {
                    text: text[pos..line.end].to_string(),
                    emph: base,
                });
            }
            TextLine { segs, link: None }
        })
        .collect()
}

fn rebuild_detail(app: &mut App) {
    let width = usize::from(inner(app.areas().detail).width).max(1);
    let ws = Arc::clone(&app.ws);
    let old_clause = app.browse.detail.clause.clone();
    let detail = match app.browse.focus {
        Pane::Docs => ws
            .corpus
            .documents
            .get(app.browse.docs.sel)
            .map(|d| doc_detail(app, d, width))
            .unwrap_or_default(),
        _ => match app.browse.outline_rows.get(app.browse.outline.sel) {
            Some(OutlineRow {
                clause: Some(id), ..
            }) => match ws.corpus.clause(id) {
                Some((doc, clause)) => clause_detail(app, doc, clause, width),
                None => Detail::default(),
            },
            Some(row) => Detail {
                clause: None,
                title: "Chapter".into(),
                lines: text_lines(&row.text, &[], width, 0, Emph::Heading),
                links: Vec::new(),
                link_lines: Vec::new(),
            },
            None => Detail::default(),
        },
    };
    if detail.clause != old_clause {
        app.browse.detail_scroll = 0;
        app.browse.link_sel = 0;
    }
    let h = usize::from(inner(app.areas().detail).height);
    app.browse.detail_scroll = app
        .browse
        .detail_scroll
        .min(detail.lines.len().saturating_sub(h.max(1)));
    app.browse.link_sel = app
        .browse
        .link_sel
        .min(detail.links.len().saturating_sub(1));
    app.browse.detail = detail;
}

fn doc_detail(app: &App, d: &Document, width: usize) -> Detail {
    let m = &d.meta;
    let mut lines = Vec::new();
    let (title, _) = in_script(app, &m.title, Vec::new());
    lines.extend(text_lines(&title, &[], width, 0, Emph::Heading));
    lines.push(TextLine::default());
    let validity = m.validity_on(app.today);
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
            Seg {
                text: format!("[{}]", validity.en()),
                emph: Emph::Badge(validity),
            },
        ],
        link: None,
    });
    let field = |name: &str, value: Option<String>| value.map(|v| format!("{name}: {v}"));
    for line in [
        field("id", Some(m.id.clone())),
        field("issuer", m.issuer.clone()),
        field("publisher", m.publisher.clone()),
        field("written", m.written.map(|d| d.to_string())),
        field("published", m.published.map(|d| d.to_string())),
        field("effective", m.effective.map(|d| d.to_string())),
        field("expires", m.expires.map(|d| d.to_string())),
        field(
            "clauses",
            Some(format!(
                "{} articles, {} provisions",
                d.articles().count(),
                d.provisions().count()
            )),
        ),
        field("note", m.note.clone()),
    ]
    .into_iter()
    .flatten()
    {
        lines.extend(text_lines(&line, &[], width, 0, Emph::Plain));
    }
    if let Some(pre) = &d.preamble {
        lines.push(TextLine::default());
        let (pre, _) = in_script(app, pre, Vec::new());
        lines.extend(text_lines(&pre, &[], width, 0, Emph::Dim));
    }
    Detail {
        clause: None,
        title: format!(
            "{} {}",
            app.docs
                .get(app.browse.docs.sel)
                .map(|r| r.jurisdiction.as_str())
                .unwrap_or(""),
            m.id
        ),
        lines,
        links: Vec::new(),
        link_lines: Vec::new(),
    }
}

fn clause_detail(app: &App, doc: &Document, clause: &Clause, width: usize) -> Detail {
    let ws = &app.ws;
    let mut lines = Vec::new();
    let validity = doc.meta.validity_on(app.today);
    let jur = doc
        .meta
        .jurisdiction_zh
        .as_deref()
        .unwrap_or(&doc.meta.jurisdiction);
    lines.push(TextLine {
        segs: vec![
            Seg {
                text: format!("{jur} · {} ", clause.id),
                emph: Emph::Dim,
            },
            Seg {
                text: format!("[{}]", validity.en()),
                emph: Emph::Badge(validity),
            },
        ],
        link: None,
    });
    let heading = format!(
        "{} {}",
        clause.label,
        clause.heading.as_deref().unwrap_or("")
    );
    let (heading, _) = in_script(app, heading.trim(), Vec::new());
    lines.extend(text_lines(&heading, &[], width, 0, Emph::Heading));
    lines.push(TextLine::default());
    let figures = ws.analysis.figures_of(&clause.id);
    let marks = figure_marks(&clause.text, figures);
    let (text, marks) = in_script(app, &clause.text, marks);
    lines.extend(text_lines(&text, &marks, width, 0, Emph::Plain));
    lines.push(TextLine::default());
    if !clause.agencies.is_empty() {
        let (ag, _) = in_script(
            app,
            &format!("Agencies: {}", clause.agencies.join("、")),
            Vec::new(),
        );
        lines.extend(text_lines(&ag, &[], width, 0, Emph::Dim));
    }
    let topics: Vec<String> = ws
        .analysis
        .topics_of(&clause.id)
        .iter()
        .map(|t| match ws.taxonomy.get(t) {
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
    // The normalised form says what the figure is (最高300万元 补贴), not only how it is printed.
    let support: Vec<String> = figures
        .iter()
        .filter(|f| f.role == Role::Support)
        .map(|f| match &f.instrument {
            Some(instrument) => format!("{} {instrument}", f.display()),
            None => f.display(),
        })
        .collect();
    if !support.is_empty() {
        lines.extend(text_lines(
            &format!("Support figures: {}", support.join(" · ")),
            &[],
            width,
            0,
            Emph::Dim,
        ));
    }
    let mut link_ids = Vec::new();
    let mut link_lines = Vec::new();
    if clause.kind == ClauseKind::Provision {
        lines.push(TextLine::default());
        if !app.links_ready {
            lines.push(TextLine::plain(
                "The same measure elsewhere: finding equivalents…",
                Emph::Dim,
            ));
        } else {
            let links = ws.links(&clause.id);
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
            for (i, l) in links.iter().enumerate() {
                let start = lines.len();
                link_ids.push(l.id.clone());
                link_lines.push(start);
                let jur = app
                    .ws
                    .corpus
                    .document(&l.doc)
                    .and_then(|d| d.meta.jurisdiction_zh.clone())
                    .unwrap_or_else(|| l.jurisdiction.clone());
                let v = app.docs.iter().find(|d| d.id == l.doc).map(|d| d.validity);
                let mut head = vec![Seg {
                    text: format!("▸ {jur} {} · {} ", l.jurisdiction, l.id),
                    emph: Emph::Heading,
                }];
                if let Some(v) = v {
                    head.push(Seg {
                        text: format!("[{}]", v.en()),
                        emph: Emph::Badge(v),
                    });
                }
                head.push(Seg {
                    text: format!(" {:.2}", l.score),
                    emph: Emph::Dim,
                });
                lines.push(TextLine {
                    segs: head,
                    link: None,
                });
                if !l.reasons.is_empty() {
                    lines.extend(text_lines(
                        &format!("why: {}", l.why(crate::model::Lang::En)),
                        &[],
                        width,
                        2,
                        Emph::Dim,
                    ));
                }
                let support: Vec<&str> = l
                    .figures
                    .iter()
                    .filter(|f| f.role == Role::Support)
                    .map(|f| f.surface.as_str())
                    .collect();
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
    }
    Detail {
        clause: Some(clause.id.clone()),
        title: format!("{jur} {}", clause.id),
        lines,
        links: link_ids,
        link_lines,
    }
}

fn hit_header(app: &App, hit: &crate::search::Hit) -> TextLine {
    let v = app.docs.iter().find(|d| d.id == hit.doc);
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
            v.map(|d| d.jurisdiction.as_str())
                .unwrap_or(hit.jurisdiction.as_str()),
            hit.id,
            hit.heading.as_deref().unwrap_or("")
        ),
        emph: Emph::Heading,
    });
    if let Some(d) = v {
        segs.push(Seg {
            text: format!(" [{}]", d.validity.en()),
            emph: Emph::Badge(d.validity),
        });
    }
    TextLine { segs, link: None }
}

fn layout_search(app: &mut App) {
    let width = usize::from(inner(app.areas().results).width).max(1);
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
    fit_results(app);
    layout_preview(app);
}

fn fit_results(app: &mut App) {
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

fn layout_preview(app: &mut App) {
    let area = app.areas().preview;
    let width = usize::from(inner(area).width);
    if width == 0 {
        app.search.preview.clear();
        return;
    }
    let ws = Arc::clone(&app.ws);
    let preview = app
        .search
        .results
        .as_ref()
        .and_then(|r| r.hits.get(app.search.list.sel))
        .and_then(|h| ws.corpus.clause(&h.id))
        .map(|(doc, c)| preview_lines(app, doc, c, width))
        .unwrap_or_default();
    app.search.preview = preview;
}

fn preview_lines(app: &App, doc: &Document, c: &Clause, width: usize) -> Vec<TextLine> {
    let mut lines = Vec::new();
    let jur = doc
        .meta
        .jurisdiction_zh
        .as_deref()
        .unwrap_or(&doc.meta.jurisdiction);
    lines.extend(text_lines(
        &format!("{jur} {} · {}", doc.meta.jurisdiction, c.id),
        &[],
        width,
        0,
        Emph::Dim,
    ));
    let heading = format!("{} {}", c.label, c.heading.as_deref().unwrap_or(""));
    let (heading, _) = in_script(app, heading.trim(), Vec::new());
    lines.extend(text_lines(&heading, &[], width, 0, Emph::Heading));
    lines.push(TextLine::default());
    let marks = figure_marks(&c.text, app.ws.analysis.figures_of(&c.id));
    let (text, marks) = in_script(app, &c.text, marks);
    lines.extend(text_lines(&text, &marks, width, 0, Emph::Plain));
    lines
}

fn layout_compare(app: &mut App) {
    let body = app.areas().compare_body;
    let Some(cmp) = &app.compare.comparison else {
        app.compare.columns.clear();
        app.compare.row_starts.clear();
        return;
    };
    let n = cmp.columns.len().max(1);
    let fit = usize::from(body.width / MIN_COLUMN).clamp(1, n);
    let col_width = body.width / u16::try_from(fit).unwrap_or(1).max(1);
    let text_w = usize::from(col_width.saturating_sub(2)).max(1);
    let mut columns: Vec<CompareColumn> = Vec::new();
    let rows = cmp.rows.max(1);
    let mut cells: Vec<Vec<Vec<TextLine>>> = Vec::new();
    for col in &cmp.columns {
        let jur = app
            .ws
            .corpus
            .document(&col.doc)
            .and_then(|d| d.meta.jurisdiction_zh.clone())
            .unwrap_or_else(|| col.jurisdiction.clone());
        let mut header = vec![TextLine {
            segs: vec![
                Seg {
                    text: format!("{jur} {} ", col.jurisdiction),
                    emph: Emph::Heading,
                },
                Seg {
                    text: format!("[{}]", col.validity.en()),
                    emph: Emph::Badge(col.validity),
                },
            ],
            link: None,
        }];
        let (title, _) = in_script(app, &col.title, Vec::new());
        let mut t = text_lines(&title, &[], text_w, 0, Emph::Dim);
        t.truncate(2);
        header.extend(t);
        let mut col_cells = Vec::new();
        for r in 0..rows {
            let mut cell = Vec::new();
            match col.at_row(r) {
                Some(cc) => {
                    let label = app
                        .ws
                        .corpus
                        .clause(&cc.id)
                        .map(|(_, c)| format!("{} {}", cc.id, c.heading.as_deref().unwrap_or("")))
                        .unwrap_or_else(|| cc.id.clone());
                    cell.extend(text_lines(&label, &[], text_w, 0, Emph::Heading));
                    let marks = figure_marks(&cc.text, &cc.figures);
                    let (t, marks) = in_script(app, &cc.text, marks);
                    cell.extend(text_lines(&t, &marks, text_w, 0, Emph::Plain));
                }
                // a document with nothing at all says so once and leaves its other rows
                // blank; a gap in a document that has the measure elsewhere is a dash
                None if col.clauses.is_empty() => {
                    if r == 0 {
                        cell.push(TextLine::plain("none", Emph::Dim));
                    }
                }
                None => cell.push(TextLine::plain("—", Emph::Dim)),
            }
            col_cells.push(cell);
        }
        cells.push(col_cells);
        columns.push(CompareColumn {
            doc: col.doc.clone(),
            header,
            lines: Vec::new(),
        });
    }
    // align: row r starts on the same line in every column; a thin rule between rows
    let rule = TextLine::plain("┈".repeat(text_w), Emph::Dim);
    let mut row_starts = Vec::with_capacity(rows);
    let mut at = 0;
    for r in 0..rows {
        if r > 0 {
            for col in &mut columns {
                col.lines.push(rule.clone());
            }
            at += 1;
        }
        row_starts.push(at);
        let h = cells.iter().map(|c| c[r].len()).max().unwrap_or(0);
        for (ci, col) in columns.iter_mut().enumerate() {
            let cell = std::mem::take(&mut cells[ci][r]);
            let pad = h - cell.len();
            col.lines.extend(cell);
            col.lines
                .extend(std::iter::repeat_n(TextLine::default(), pad));
        }
        at += h;
    }
    let c = &mut app.compare;
    c.col_width = col_width;
    c.visible_cols = fit;
    c.col_offset = c.col_offset.min(columns.len().saturating_sub(fit));
    let max_lines = columns.iter().map(|c| c.lines.len()).max().unwrap_or(0);
    c.scroll = c.scroll.min(max_lines.saturating_sub(1));
    c.columns = columns;
    c.row_starts = row_starts;
}

fn layout_digest(app: &mut App) {
    let ws = Arc::clone(&app.ws);
    let rows: Vec<DigestRow> = app
        .digest
        .ids
        .iter()
        .map(|id| match ws.corpus.clause(id) {
            Some((doc, c)) => DigestRow {
                id: id.clone(),
                text: format!(
                    "{} {} {}",
                    doc.meta
                        .jurisdiction_zh
                        .as_deref()
                        .unwrap_or(&doc.meta.jurisdiction),
                    id,
                    c.heading.clone().unwrap_or_else(|| head(&c.measure, 30))
                ),
                found: true,
            },
            None => DigestRow {
                id: id.clone(),
                text: format!("{id} — no longer in the corpus"),
                found: false,
            },
        })
        .collect();
    let a = app.areas();
    app.digest_view.rows = rows;
    app.digest_view.list.fit(
        app.digest.ids.len(),
        usize::from(inner(a.digest_list).height),
    );
    let width = usize::from(inner(a.digest_preview).width).max(1);
    app.digest_view.preview = app
        .digest
        .ids
        .get(app.digest_view.list.sel)
        .and_then(|id| ws.corpus.clause(id))
        .map(|(doc, c)| preview_lines(app, doc, c, width))
        .unwrap_or_default();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remap_follows_characters_between_scripts() {
        let t = "給予最高300萬元補貼";
        let s = text::to_simplified(t);
        let start = t.find("最高").unwrap();
        let end = t.find("補").unwrap();
        let r = remap(t, &s, start..end).unwrap();
        assert_eq!(&s[r], "最高300万元");
        assert!(remap(t, &s, 1..2).is_none());
    }

    #[test]
    fn marks_split_lines_into_emphasised_runs() {
        let text = "给予最高300万元的资金补贴";
        let start = text.find("最高").unwrap();
        let end = text.find("的").unwrap();
        let lines = text_lines(text, &[(start..end, Emph::Figure)], 40, 2, Emph::Plain);
        assert_eq!(lines.len(), 1);
        let segs: Vec<(&str, Emph)> = lines[0]
            .segs
            .iter()
            .map(|s| (s.text.as_str(), s.emph))
            .collect();
        assert_eq!(
            segs,
            vec![
                ("  ", Emph::Plain),
                ("给予", Emph::Plain),
                ("最高300万元", Emph::Figure),
                ("的资金补贴", Emph::Plain)
            ]
        );
    }

    #[test]
    fn cycle_goes_round_through_none() {
        let v = vec![1, 2];
        assert_eq!(cycle(&v, None), Some(1));
        assert_eq!(cycle(&v, Some(&1)), Some(2));
        assert_eq!(cycle(&v, Some(&2)), None);
    }

    #[test]
    fn format_changes_follow_the_extension() {
        assert_eq!(
            with_extension("/tmp/a.md", Format::Md, Format::Csv),
            "/tmp/a.csv"
        );
        assert_eq!(
            with_extension("/tmp/a.txt", Format::Md, Format::Csv),
            "/tmp/a.txt"
        );
    }

    #[test]
    fn list_positions_stay_visible() {
        let mut p = ListPos { sel: 10, offset: 0 };
        p.fit(20, 5);
        assert_eq!(p.offset, 6);
        p.sel = 2;
        p.fit(20, 5);
        assert_eq!(p.offset, 2);
        p.fit(0, 5);
        assert_eq!(p, ListPos::default());
    }
}
