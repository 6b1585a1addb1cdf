//! Compare: a provision or a measure type across jurisdictions. The cursor is on one
//! cell (one document's provision for one measure): `Enter` opens it, `Space` marks it,
//! `y` copies it, `c` re-centres the comparison on it. The comparison is built off the
//! UI thread.

use crate::compare::{CompareRequest, Comparison};

use super::super::action::Action;
use super::super::input::Input;
use super::super::present;
use super::super::state::*;
use super::{edit, goto_clause, history_step, location, step};

/// Starts comparing `source`, remembering where the user was.
pub fn start(app: &mut App, source: CompareSource) {
    if app.view != View::Compare || app.compare.source.as_ref() != Some(&source) {
        let here = location(app);
        app.back.push(here);
        app.forward.clear();
    }
    app.compare.source = Some(source);
    app.compare.col_offset = 0;
    app.compare.scroll = 0;
    app.compare.cursor = (0, 0);
    app.compare.compact_sel = 0;
    app.view = View::Compare;
    run(app);
}

/// Asks the worker for the comparison of the current source.
pub fn run(app: &mut App) {
    let Some(source) = app.compare.source.clone() else {
        return;
    };
    let (topic, clause) = match &source {
        CompareSource::Clause(id) => (None, Some(id.clone())),
        CompareSource::Topic(t) => (Some(t.clone()), None),
    };
    app.compare.title = match &source {
        CompareSource::Clause(id) => format!("Compare: the measure of {id} in every jurisdiction"),
        CompareSource::Topic(t) => match app.lib.domain.rules.taxonomy.get(t) {
            Some(topic) => format!("Compare: {} ({}) in every jurisdiction", topic.zh, topic.en),
            None => format!("Compare: {t}"),
        },
    };
    if app.lib.opened.is_none() {
        app.compare.error = Some("the store is still opening; the comparison follows".into());
        return;
    }
    app.compare.generation += 1;
    app.compare.pending = true;
    app.effects.push(Effect::Compare {
        generation: app.compare.generation,
        library: app.lib.clone(),
        request: CompareRequest {
            topic,
            clause,
            docs: app.compare.docs.clone(),
            as_of: app.as_of,
        },
    });
}

/// A comparison from the worker (older generations are dropped).
pub fn answer(app: &mut App, generation: u64, result: Result<(Comparison, CompareExtra), String>) {
    if generation != app.compare.generation {
        return;
    }
    let c = &mut app.compare;
    c.pending = false;
    match result {
        Ok((cmp, extra)) => {
            c.comparison = Some(cmp);
            c.extra = extra;
            c.error = None;
        }
        Err(e) => {
            c.comparison = None;
            c.error = Some(e);
        }
    }
}

/// Applies a Compare action: the cursor moves between cells, the view scrolls with it.
pub fn action(app: &mut App, action: Action) {
    use Action::*;
    let page = present::compare::body_height(app);
    let sel = present::compare::selected(app);
    let c = &mut app.compare;
    match action {
        ToggleCompact => {
            c.compact = !c.compact;
            c.scroll = 0;
            // keep the same clause under the cursor
            if let Some(id) = sel {
                if c.compact {
                    c.compact_sel = c
                        .compact_lines
                        .iter()
                        .position(|l| l.clause.as_deref() == Some(id.as_str()))
                        .unwrap_or(0);
                } else {
                    for (ci, col) in c.columns.iter().enumerate() {
                        if let Some(r) = col
                            .cells
                            .iter()
                            .position(|x| x.as_deref() == Some(id.as_str()))
                        {
                            c.cursor = (ci, r);
                        }
                    }
                }
            }
            app.say(if app.compare.compact {
                "one line per document and measure (v: columns)"
            } else {
                "documents side by side (v: one line each)"
            });
        }
        CycleOrder => {
            c.order = match c.order {
                RowOrder::Document => RowOrder::Amount,
                RowOrder::Amount => RowOrder::Document,
            };
            c.cursor.1 = 0;
            c.compact_sel = 0;
            c.scroll = 0;
            app.say(match app.compare.order {
                RowOrder::Amount => "rows by largest support first",
                RowOrder::Document => "rows in document order",
            });
        }
        Open => match sel {
            Some(id) => goto_clause(app, &id, true),
            None => app.say("no provision here: move to one with h/j/k/l"),
        },
        ChooseJurisdictions => choose_docs(app),
        Cancel => history_step(app, true),
        mv @ (Down | Up | PageDown | PageUp | Top | Bottom) if c.compact => {
            let n = c.compact_lines.len();
            let mut sel = step(c.compact_sel, n, &mv, page);
            // skip row labels in the direction of travel
            while c.compact_lines.get(sel).is_some_and(|l| l.clause.is_none()) {
                match mv {
                    Up | PageUp | Top if sel > 0 => sel -= 1,
                    _ if sel + 1 < n => sel += 1,
                    _ => break,
                }
            }
            if c.compact_lines.get(sel).is_some_and(|l| l.clause.is_some()) {
                c.compact_sel = sel;
            }
        }
        mv @ (Down | Up | PageDown | PageUp | Top | Bottom) => {
            let n = c.row_starts.len();
            c.cursor.1 = step(c.cursor.1, n, &mv, (page / 4).max(1));
        }
        ScrollRight if !c.compact => {
            c.cursor.0 = (c.cursor.0 + 1).min(c.columns.len().saturating_sub(1));
        }
        ScrollLeft if !c.compact => c.cursor.0 = c.cursor.0.saturating_sub(1),
        _ => {}
    }
}

/// The measure types to compare, as a choice list.
pub fn choose_topic(app: &mut App) {
    let current = match &app.compare.source {
        Some(CompareSource::Topic(t)) => Some(t.clone()),
        _ => None,
    };
    let items: Vec<Choice> = app
        .lib
        .domain
        .rules
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
        title: "Compare which measure type? (type to find, Enter)".into(),
        shown: (0..items.len()).collect(),
        items,
        find: Input::default(),
        list: ListPos { sel, offset: 0 },
    }));
}

fn choose_docs(app: &mut App) {
    let chosen = app.compare.docs.clone();
    let Some(store) = app.lib.store() else {
        return;
    };
    let items: Vec<Choice> = store
        .documents()
        .map(|d| Choice {
            key: d.id.clone(),
            label: format!(
                "{} {} · {}",
                d.jurisdiction_zh.as_deref().unwrap_or(&d.jurisdiction),
                d.id,
                d.title
            ),
            ticked: chosen.is_empty() || chosen.contains(&d.id),
        })
        .collect();
    app.popup = Some(Popup::Choose(Chooser {
        purpose: ChoosePurpose::CompareDocs,
        title: "Documents to compare (type to find, Space ticks, Enter applies)".into(),
        shown: (0..items.len()).collect(),
        items,
        find: Input::default(),
        list: ListPos::default(),
    }));
}

/// Applies an action to an open choice list.
pub fn choose_action(app: &mut App, action: Action) {
    use Action::*;
    let Some(Popup::Choose(ch)) = &mut app.popup else {
        return;
    };
    match action {
        Cancel => app.popup = None,
        mv @ (Down | Up | PageDown | PageUp | Top | Bottom) => {
            ch.list.sel = step(ch.list.sel, ch.shown.len(), &mv, 10);
        }
        Toggle => {
            if let Some(&i) = ch.shown.get(ch.list.sel)
                && let Some(item) = ch.items.get_mut(i)
            {
                item.ticked = !item.ticked;
            }
        }
        Confirm => {
            if let Some(Popup::Choose(ch)) = app.popup.take() {
                apply_choice(app, ch);
            }
        }
        other => {
            if edit(&mut ch.find, &other) {
                ch.list = ListPos::default();
            }
        }
    }
}

fn apply_choice(app: &mut App, ch: Chooser) {
    match ch.purpose {
        ChoosePurpose::CompareTopic => {
            if let Some(&i) = ch.shown.get(ch.list.sel)
                && let Some(item) = ch.items.get(i)
            {
                start(app, CompareSource::Topic(item.key.clone()));
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
                app.say("tick at least one document");
                app.popup = Some(Popup::Choose(ch));
                return;
            }
            app.compare.docs = if ticked.len() == ch.items.len() {
                Vec::new()
            } else {
                ticked
            };
            app.compare.col_offset = 0;
            app.compare.cursor = (0, 0);
            run(app);
        }
    }
}
