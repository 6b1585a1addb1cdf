//! Applying actions to the state, one concern per file: [`browse`], [`search`] (with the
//! filter panel), [`compare`], [`digest`], [`export`], [`mouse`]. Nothing here lays text
//! out: after every action [`present::refresh`](super::present::refresh) brings what is
//! shown up to date. Work that would block (searching, comparing, writing files) leaves
//! as an [`Effect`] and comes back as an action.

pub mod browse;
pub mod compare;
pub mod digest;
pub mod export;
pub mod mouse;
pub mod search;

use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::export::Digest;

use super::action::Action;
use super::data::Library;
use super::input::Input;
use super::keymap::Keymap;
use super::layout::{self, Areas};
use super::present;
use super::state::*;
use super::wrap::str_width;

impl App {
    /// The navigator over `lib` (its store may still be opening), with a digest
    /// loaded from disk and badges as of `today`.
    pub fn new(lib: Library, digest: Digest, today: NaiveDate, size: (u16, u16)) -> App {
        let index = if lib.opened.is_some() {
            IndexState::Ready
        } else {
            IndexState::Opening(None)
        };
        let mut app = App {
            lib,
            today,
            as_of: today,
            size,
            view: View::Browse,
            popup: None,
            browse: BrowseState::default(),
            search: SearchState::default(),
            compare: CompareState::default(),
            digest_view: DigestView::default(),
            digest_sync: DigestSync {
                base: digest.clone(),
                pending: 0,
            },
            digest,
            script: Script::Original,
            index,
            back: Vec::new(),
            forward: Vec::new(),
            message: None,
            hints: Vec::new(),
            counts: String::new(),
            effects: Vec::new(),
            quit: false,
            layout_rev: 0,
            digest_rev: 0,
        };
        present::refresh(&mut app);
        app
    }

    /// The screen areas for the current size.
    pub fn areas(&self) -> Areas {
        layout::areas(self.size, self.listed())
    }

    /// The rows the document list asks for (room for a note while the store is built).
    pub fn listed(&self) -> usize {
        if self.lib.opened.is_none() {
            4
        } else {
            self.lib.len()
        }
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
            View::Compare => present::compare::selected(self),
            View::Digest => self.digest.ids.get(self.digest_view.list.sel).cloned(),
        }
    }

    /// The keymap contexts active now, most specific first.
    pub fn contexts(&self) -> Vec<&'static str> {
        match &self.popup {
            Some(Popup::Help { .. }) => return vec!["help", "always"],
            Some(Popup::Choose(_)) => return vec!["choose", "find", "always"],
            Some(Popup::Filters(_)) => return vec!["filters", "find", "always"],
            Some(Popup::Date(_)) => return vec!["date", "input", "always"],
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
        match &self.popup {
            Some(Popup::Export(_) | Popup::Date(_) | Popup::Choose(_) | Popup::Filters(_)) => true,
            Some(_) => false,
            None => self.view == View::Search && self.search.focus == SearchFocus::Query,
        }
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

    /// A message in the status bar.
    pub fn say(&mut self, text: impl Into<String>) {
        self.message = Some((text.into(), false));
    }

    /// A warning in the status bar.
    pub fn warn(&mut self, text: impl Into<String>) {
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

/// Applies one action, then brings what is shown up to date.
pub fn update(app: &mut App, action: Action) {
    apply(app, action);
    present::refresh(app);
}

fn apply(app: &mut App, action: Action) {
    use Action::*;
    match action {
        Resize(w, h) => {
            app.size = (w, h);
            app.layout_rev += 1;
        }
        SearchDone(..) | FacetsDone(..) => search::answer(app, action),
        CompareDone(generation, result) => compare::answer(app, generation, result),
        DigestSaved(result) => digest::saved(app, result),
        DigestChanged(on_disk) => digest::changed_on_disk(app, on_disk),
        ExportDone(result) => export::done(app, result),
        IndexProgress(p) => {
            if app.lib.opened.is_none() || p != crate::search::BuildProgress::Ready {
                app.index = match p {
                    crate::search::BuildProgress::Ready => IndexState::Ready,
                    other => IndexState::Opening(Some(other)),
                };
            }
        }
        StoreReady(handle) => store_ready(app, *handle.0),
        IndexFailed(e) => {
            app.warn(format!("the store cannot be opened: {e}"));
            app.index = IndexState::Failed(e);
            app.search.pending = false;
        }
        SegmenterReady => app.layout_rev += 1,
        Quit => app.quit = true,
        Help if !matches!(app.popup, Some(Popup::Help { .. })) => {
            app.message = None;
            app.popup = Some(Popup::Help {
                scroll: 0,
                lines: present::help::lines(),
            });
        }
        Click(x, y) => mouse::click(app, x, y),
        Wheel(x, y, down) => mouse::wheel(app, x, y, down),
        other => {
            app.message = None;
            match &app.popup {
                None => view_action(app, other),
                Some(Popup::Help { .. }) => help_action(app, other),
                Some(Popup::Choose(_)) => compare::choose_action(app, other),
                Some(Popup::Filters(_)) => search::panel_action(app, other),
                Some(Popup::Date(_)) => date_action(app, other),
                Some(Popup::Export(_) | Popup::Overwrite(_)) => export::prompt_action(app, other),
            }
        }
    }
}

/// A store opened (at start, or again after another process changed it): keep the
/// user's place, redo what depends on the documents.
fn store_ready(app: &mut App, opened: super::data::Opened) {
    let first = app.lib.opened.is_none();
    let before = app.lib.len();
    let doc = app.browse.doc.clone();
    let updated = opened.info.updated.clone();
    app.lib = app.lib.with(opened);
    app.index = IndexState::Ready;
    app.layout_rev += 1;
    app.digest_rev += 1;
    // the same document stays selected if it is still there
    if let Some(d) = doc
        && let Some(i) = app.lib.position(&d)
    {
        app.browse.docs.sel = i;
    }
    app.browse.keys = Default::default();
    if !first {
        let after = app.lib.len();
        let what = if updated.is_empty() {
            format!("{after} documents")
        } else {
            updated.join(", ")
        };
        app.say(if after == before {
            format!("the corpus changed: {what}")
        } else {
            format!("the corpus changed: {what} (now {after} documents)")
        });
    }
    // searches and comparisons are answered again from the new store
    if !app.search.input.text().trim().is_empty() || matches!(app.popup, Some(Popup::Filters(_))) {
        search::request(app);
    }
    if app.compare.source.is_some() {
        compare::run(app);
    }
}

fn view_action(app: &mut App, action: Action) {
    use Action::*;
    match action {
        ViewBrowse => app.view = View::Browse,
        ViewSearch => {
            app.view = View::Search;
            app.search.focus = SearchFocus::Query;
        }
        ViewResults => {
            app.view = View::Search;
            app.search.focus = SearchFocus::Results;
        }
        ViewCompare => {
            app.view = View::Compare;
            if app.compare.source.is_none() {
                app.say("nothing compared yet: press c on a provision, or C for a measure type");
            }
        }
        ViewDigest => app.view = View::Digest,
        Back => history_step(app, true),
        Forward => history_step(app, false),
        ToggleScript => {
            app.script = match app.script {
                Script::Original => Script::Simplified,
                Script::Simplified => Script::Original,
            };
            app.layout_rev += 1;
            app.say(match app.script {
                Script::Original => "showing the original script",
                Script::Simplified => "showing Simplified",
            });
        }
        SetDate => {
            app.popup = Some(Popup::Date(DatePrompt {
                input: Input::with_text(&app.as_of.to_string()),
                error: None,
            }));
        }
        Copy => copy(app),
        Mark => digest::mark(app),
        Filters => search::open_panel(app),
        ClearFilters => search::clear_filters(app),
        Paste(text) => {
            app.view = View::Search;
            app.search.focus = SearchFocus::Query;
            search::action(app, Paste(text));
        }
        ChooseTopic => compare::choose_topic(app),
        CompareClause => match app.current_clause() {
            Some(id) => compare::start(app, CompareSource::Clause(id)),
            None => app.say("select a provision first"),
        },
        other => match app.view {
            View::Browse => browse::action(app, other),
            View::Search => search::action(app, other),
            View::Compare => compare::action(app, other),
            View::Digest => digest::action(app, other),
        },
    }
}

fn help_action(app: &mut App, action: Action) {
    let h = usize::from(layout::help_area(app.size).height.saturating_sub(2)).max(1);
    let Some(Popup::Help { scroll, lines }) = &mut app.popup else {
        return;
    };
    let max = lines.len().saturating_sub(h);
    match action {
        Action::Cancel | Action::Help => app.popup = None,
        Action::Down => *scroll = (*scroll + 1).min(max),
        Action::Up => *scroll = scroll.saturating_sub(1),
        Action::PageDown => *scroll = (*scroll + h).min(max),
        Action::PageUp => *scroll = scroll.saturating_sub(h),
        _ => {}
    }
}

/// The as-of date prompt: every badge (lists, hits, comparisons, digest) follows it.
fn date_action(app: &mut App, action: Action) {
    let Some(Popup::Date(p)) = &mut app.popup else {
        return;
    };
    match action {
        Action::Cancel => app.popup = None,
        Action::Confirm => {
            let text = p.input.text().trim().to_string();
            let date = if text.is_empty() || text == "today" {
                Ok(app.today)
            } else {
                crate::search::parse_date(&text)
            };
            match date {
                Ok(d) => {
                    app.popup = None;
                    set_as_of(app, d);
                }
                Err(e) => p.error = Some(format!("{e:#}")),
            }
        }
        other => {
            if edit(&mut p.input, &other) {
                p.error = None;
            }
        }
    }
}

/// Sets the as-of date of every badge; a status filter is applied on that date.
pub fn set_as_of(app: &mut App, date: NaiveDate) {
    app.as_of = date;
    app.layout_rev += 1;
    app.say(if date == app.today {
        format!("badges as of today, {date}")
    } else {
        format!("badges as of {date} (t changes it; today is {})", app.today)
    });
    if !app.search.filters.statuses.is_empty() || app.search.results.is_some() {
        search::request(app);
    }
    if app.compare.source.is_some() {
        compare::run(app);
    }
}

/// Applies a text-editing action to a field; false when it was not one.
pub fn edit(input: &mut Input, action: &Action) -> bool {
    use Action::*;
    match action {
        Insert(c) => input.insert(*c),
        Paste(s) => input.insert_str(s),
        InputLeft => input.left(),
        InputRight => input.right(),
        InputHome => input.home(),
        InputEnd => input.end(),
        InputBackspace => input.backspace(),
        InputDelete => input.delete(),
        InputDeleteWord => input.delete_word(),
        InputClear => input.delete_to_start(),
        _ => return false,
    }
    true
}

/// A list selection after a movement action.
pub fn step(sel: usize, len: usize, mv: &Action, page: usize) -> usize {
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

// ---------------------------------------------------------------- navigation

fn location(app: &App) -> Location {
    Location {
        view: app.view,
        doc: app.browse.doc.clone(),
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
    if let Some(doc) = &loc.doc
        && let Some(i) = app.lib.position(doc)
    {
        app.browse.docs.sel = i;
    }
    app.browse.target = loc.clause;
    app.browse.focus = loc.pane;
}

fn history_step(app: &mut App, back: bool) {
    let from = if back {
        app.back.pop()
    } else {
        app.forward.pop()
    };
    match from {
        Some(loc) => {
            let here = location(app);
            if back {
                app.forward.push(here);
            } else {
                app.back.push(here);
            }
            restore(app, loc);
        }
        None => app.say(if back {
            "nothing to go back to"
        } else {
            "nothing to go forward to"
        }),
    }
}

/// Shows a clause in Browse, remembering where the user was.
pub fn goto_clause(app: &mut App, id: &str, remember: bool) {
    let doc = id.split_once('/').map_or(id, |(d, _)| d);
    let Some(i) = app.lib.position(doc) else {
        app.warn(format!("{id} is not in the corpus"));
        return;
    };
    if remember {
        let here = location(app);
        app.back.push(here);
        app.forward.clear();
    }
    app.view = View::Browse;
    app.browse.docs.sel = i;
    app.browse.target = Some(id.to_string());
    app.browse.focus = Pane::Detail;
}

fn copy(app: &mut App) {
    let Some(id) = app.current_clause() else {
        app.say("select a clause first");
        return;
    };
    let doc = id.split_once('/').map_or(id.as_str(), |(d, _)| d);
    let (Ok(Some(r)), Some(meta)) = (app.lib.clause(&id), app.lib.meta(doc)) else {
        return;
    };
    let clause = &r.clause;
    let text = match app.script {
        Script::Original => clause.text.clone(),
        Script::Simplified => clause.normalized.clone(),
    };
    let cite = citation(meta, clause);
    app.effects.push(Effect::Copy(format!("{text}\n—— {cite}")));
    app.say(format!("copied {id} with its citation"));
}

/// How a clause is cited: 北京市《title》(date) 第9条 … [beijing-2021/9.3].
pub fn citation(meta: &crate::model::DocumentMeta, clause: &crate::model::Clause) -> String {
    let jur = meta
        .jurisdiction_zh
        .as_deref()
        .unwrap_or(&meta.jurisdiction);
    let date = meta
        .published
        .or(meta.written)
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    let heading = clause.heading.as_deref().unwrap_or("");
    format!(
        "{jur}《{}》{date} {}{heading} [{}]",
        meta.title, clause.label, clause.id
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn steps_stop_at_the_ends() {
        assert_eq!(step(0, 3, &Action::Up, 1), 0);
        assert_eq!(step(2, 3, &Action::Down, 1), 2);
        assert_eq!(step(0, 10, &Action::PageDown, 4), 4);
        assert_eq!(step(5, 0, &Action::Down, 4), 0);
    }
}
