//! Search: the query line, the hits, and the filter panel (several values per facet,
//! counts for the current query, type-to-find, one key to clear them all).

use std::sync::Arc;

use crate::model::labels::Labelled;
use crate::search::facets::{AMOUNT_RANGES, year_range};
use crate::search::{Filters, SearchRequest};

use super::super::action::Action;
use super::super::input::Input;
use super::super::layout::inner;
use super::super::present;
use super::super::state::*;
use super::{edit, goto_clause, step};

/// Most hits asked of the index per query.
pub const SEARCH_LIMIT: usize = 100;

/// Applies a Search action.
pub fn action(app: &mut App, action: Action) {
    use Action::*;
    let typing = app.search.focus == SearchFocus::Query;
    let before = app.search.input.text().to_string();
    match action {
        FocusResults => app.search.focus = SearchFocus::Results,
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
        Open => {
            if let Some(id) = app.current_clause() {
                goto_clause(app, &id, true);
            }
        }
        mv @ (Down | Up | PageDown | PageUp | Top | Bottom) if !typing => {
            let n = app.search.items.len();
            let h = usize::from(inner(app.areas().results).height);
            let page = h / (present::search::SNIPPET_LINES + 1);
            app.search.list.sel = step(app.search.list.sel, n, &mv, page);
        }
        other if typing => {
            edit(&mut app.search.input, &other);
        }
        Paste(s) => {
            app.search.focus = SearchFocus::Query;
            app.search.input.insert_str(&s);
        }
        _ => {}
    }
    if app.search.input.text() != before {
        request(app);
    }
}

/// The filters of the view as the search takes them.
pub fn filters_of(app: &App) -> Filters {
    let f = &app.search.filters;
    Filters {
        jurisdiction: f.jurisdictions.clone(),
        level: f.levels.clone(),
        status: f.statuses.clone(),
        topic: f.topics.clone(),
        amounts: f
            .amounts
            .iter()
            .filter_map(|i| AMOUNT_RANGES.get(*i).copied())
            .collect(),
        dated: f.years.iter().filter_map(|y| year_range(*y)).collect(),
        as_of: (!f.statuses.is_empty()).then_some(app.as_of),
        today: Some(app.as_of),
        ..Filters::default()
    }
}

/// Sends the current query (and, when the filter panel is open, its facet counts) to
/// the search worker.
pub fn request(app: &mut App) {
    app.search.generation += 1;
    let query = app.search.input.text().trim().to_string();
    let panel = matches!(app.popup, Some(Popup::Filters(_)));
    if query.is_empty() {
        app.search.pending = false;
        app.search.results = None;
        app.search.error = None;
        app.search.list = ListPos::default();
    }
    if query.is_empty() && !panel {
        app.search.facets = None;
        return;
    }
    let Some(opened) = &app.lib.opened else {
        app.search.pending = false;
        return;
    };
    let request = SearchRequest {
        query: query.clone(),
        filters: filters_of(app),
        limit: SEARCH_LIMIT,
    };
    app.search.pending = !query.is_empty();
    app.effects.push(Effect::Search {
        generation: app.search.generation,
        index: Arc::clone(&opened.search),
        request,
        facets: panel,
    });
}

/// Search results or facet counts from the worker; older generations are dropped.
pub fn answer(app: &mut App, action: Action) {
    match action {
        Action::SearchDone(generation, result) if generation == app.search.generation => {
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
        }
        Action::FacetsDone(generation, result) if generation == app.search.generation => {
            match result {
                Ok(c) => app.search.facets = Some(c),
                Err(e) => app.warn(format!("cannot count the filter values: {e}")),
            }
        }
        _ => {}
    }
}

/// Opens the filter panel on the first facet (or the first with a choice).
pub fn open_panel(app: &mut App) {
    if app.lib.opened.is_none() {
        app.say("the store is still opening");
        return;
    }
    let f = &app.search.filters;
    let facet = Facet::ALL
        .into_iter()
        .find(|x| match x {
            Facet::Jurisdiction => !f.jurisdictions.is_empty(),
            Facet::Level => !f.levels.is_empty(),
            Facet::Status => !f.statuses.is_empty(),
            Facet::Topic => !f.topics.is_empty(),
            Facet::Amount => !f.amounts.is_empty(),
            Facet::Year => !f.years.is_empty(),
        })
        .unwrap_or(Facet::Jurisdiction);
    app.popup = Some(Popup::Filters(FilterPanel {
        facet,
        find: Input::default(),
        values: Vec::new(),
        list: ListPos::default(),
    }));
    request(app);
}

/// Clears every filter.
pub fn clear_filters(app: &mut App) {
    if app.search.filters.is_empty() {
        app.say("no filter is on");
        return;
    }
    app.search.filters = FilterSet::default();
    app.say("every filter cleared");
    request(app);
}

/// Applies an action to the open filter panel. Typed text finds values; Space ticks;
/// Tab and the arrows change facet; Enter or Esc close it, keeping the choice.
pub fn panel_action(app: &mut App, action: Action) {
    use Action::*;
    let rows = present::filters::value_rows(app);
    let Some(Popup::Filters(p)) = &mut app.popup else {
        return;
    };
    match action {
        Cancel | Confirm => {
            app.popup = None;
            let n = app.search.filters.count();
            app.say(if n == 0 {
                "no filters".to_string()
            } else {
                format!(
                    "filtered by {n} value{} (Ctrl-x clears)",
                    if n == 1 { "" } else { "s" }
                )
            });
        }
        NextFacet | PrevFacet => {
            let i = Facet::ALL.iter().position(|f| *f == p.facet).unwrap_or(0);
            let n = Facet::ALL.len();
            p.facet = Facet::ALL[if action == NextFacet {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            }];
            p.find = Input::default();
            p.list = ListPos::default();
        }
        mv @ (Down | Up | PageDown | PageUp | Top | Bottom) => {
            p.list.sel = step(p.list.sel, p.values.len(), &mv, rows);
        }
        Toggle => {
            if let Some(v) = p.values.get(p.list.sel).cloned() {
                toggle(app, &v);
                request(app);
            }
        }
        ClearFilters => {
            app.search.filters = FilterSet::default();
            request(app);
        }
        other => {
            if edit(&mut p.find, &other) {
                p.list = ListPos::default();
            }
        }
    }
}

fn toggle(app: &mut App, v: &FacetValue) {
    fn flip<T: PartialEq>(list: &mut Vec<T>, value: T) {
        match list.iter().position(|x| *x == value) {
            Some(i) => {
                list.remove(i);
            }
            None => list.push(value),
        }
    }
    let f = &mut app.search.filters;
    match v.facet {
        Facet::Jurisdiction => flip(&mut f.jurisdictions, v.key.clone()),
        Facet::Level => {
            if let Some(l) = crate::corpus::Level::parse(&v.key) {
                flip(&mut f.levels, l);
            }
        }
        Facet::Status => {
            if let Some(s) = crate::corpus::Validity::parse(&v.key) {
                flip(&mut f.statuses, s);
            }
        }
        Facet::Topic => flip(&mut f.topics, v.key.clone()),
        Facet::Amount => {
            if let Ok(i) = v.key.parse() {
                flip(&mut f.amounts, i);
            }
        }
        Facet::Year => {
            if let Ok(y) = v.key.parse() {
                flip(&mut f.years, y);
            }
        }
    }
}
