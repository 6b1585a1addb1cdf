//! The navigator's state machine on the bundled corpus, without a terminal: keys go
//! through the real keymap into update, searches run synchronously.

mod tui_common;

use policynav::export::Digest;
use policynav::tui::state::{Effect, Facet, Pane, Popup, SearchFocus, View};
use policynav::tui::{Action, update};
use tui_common::*;

const LISTING_2024: &str = "beijing-2024/6.5";
const LISTING_2021: &str = "beijing-2021/9.4";

fn search_for(app: &mut policynav::tui::App, query: &str) {
    press(app, "/");
    type_text(app, query);
}

fn select_hit(app: &mut policynav::tui::App, id: &str) {
    let pos = app
        .search
        .results
        .as_ref()
        .expect("results")
        .hits
        .iter()
        .position(|h| h.id == id)
        .unwrap_or_else(|| panic!("{id} not among the hits"));
    if app.search.focus == SearchFocus::Query {
        press(app, "enter");
    }
    press(app, "g");
    for _ in 0..pos {
        press(app, "j");
    }
    assert_eq!(app.current_clause().as_deref(), Some(id));
}

#[test]
fn starts_on_the_document_list() {
    let app = app((80, 24));
    assert_eq!(app.view, View::Browse);
    assert_eq!(app.browse.focus, Pane::Docs);
    assert_eq!(app.lib.len(), 5);
    assert!(!app.browse.outline_rows.is_empty());
    // the document pane shows the first document's metadata
    let text: String = app.browse.detail.lines.iter().map(|l| l.text()).collect();
    assert!(text.contains("beijing-2021"), "{text}");
    assert!(!app.hints.is_empty());
}

#[test]
fn moving_through_documents_and_outline() {
    let mut app = app((80, 24));
    press(&mut app, "j");
    assert_eq!(app.browse.docs.sel, 1);
    let first_row = app.browse.outline_rows[0].clone();
    press(&mut app, "l");
    assert_eq!(app.browse.focus, Pane::Outline);
    let shown = app
        .browse
        .detail
        .clause
        .clone()
        .expect("a clause in the detail pane");
    assert!(
        shown.starts_with(&app.lib.meta_at(1).unwrap().id),
        "{shown}"
    );
    press(&mut app, "j j");
    assert_ne!(app.browse.detail.clause.as_deref(), Some(shown.as_str()));
    press(&mut app, "G");
    assert_eq!(app.browse.outline.sel, app.browse.outline_rows.len() - 1);
    press(&mut app, "g");
    assert!(app.browse.outline.sel <= 1, "{first_row:?}");
}

#[test]
fn typing_a_query_searches_and_drops_stale_results() {
    let mut app = app((80, 24));
    press(&mut app, "/");
    assert_eq!(app.view, View::Search);
    assert!(app.typing());
    update(&mut app, Action::Insert('上'));
    update(&mut app, Action::Insert('市'));
    let effects = app.take_effects();
    let gens: Vec<u64> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Search { generation, .. } => Some(*generation),
            _ => None,
        })
        .collect();
    assert_eq!(gens.len(), 2, "one request per edit");
    assert!(app.search.pending);
    // the answer to the first keystroke arrives late: it is ignored
    let stale = policynav::search::SearchResults {
        hits: Vec::new(),
        total: 0,
        notes: vec!["stale".into()],
    };
    update(&mut app, Action::SearchDone(gens[0], Ok(stale)));
    assert!(app.search.pending);
    assert!(app.search.results.is_none());
    // re-issue the latest and answer it for real
    update(&mut app, Action::InputBackspace);
    type_text(&mut app, "市");
    let r = app.search.results.as_ref().expect("results");
    assert!(
        r.total >= 3,
        "上市 finds the listing provisions: {}",
        r.total
    );
    assert!(r.hits.iter().any(|h| h.id == LISTING_2024));
    assert!(
        r.hits.iter().any(|h| h.id == LISTING_2021),
        "the Traditional Beijing copy is found too"
    );
    assert!(!app.search.pending);
    // every hit shows a highlighted snippet
    assert!(app.search.items.iter().all(|i| i.len() >= 2));
}

#[test]
fn query_editing_is_by_character_and_paste_is_one_edit() {
    let mut app = app((80, 24));
    press(&mut app, "/");
    update(&mut app, Action::Paste("上市补贴".into()));
    assert_eq!(app.search.input.text(), "上市补贴");
    assert_eq!(app.take_effects().len(), 1, "a paste is one search");
    press(&mut app, "left left");
    assert_eq!(app.search.input.caret_col(), 4);
    press(&mut app, "backspace");
    assert_eq!(app.search.input.text(), "上补贴");
    press(&mut app, "delete");
    assert_eq!(app.search.input.text(), "上贴");
    press(&mut app, "end ctrl-w");
    assert_eq!(app.search.input.text(), "");
    assert!(
        app.search.results.is_none(),
        "an empty query clears the hits"
    );
    // q is a letter in the query line, not quit
    press(&mut app, "q");
    assert!(!app.quit);
    assert_eq!(app.search.input.text(), "q");
}

#[test]
fn the_filter_panel_counts_finds_and_keeps_several_values() {
    let mut app = app((100, 30));
    search_for(&mut app, "上市");
    let all = app.search.results.as_ref().unwrap().total;
    // f is a letter in the query line: the panel opens from the hits (or with Alt-F)
    press(&mut app, "enter f");
    let Some(Popup::Filters(p)) = &app.popup else {
        panic!("f opens no filter panel")
    };
    assert_eq!(p.facet, Facet::Jurisdiction);
    // every jurisdiction with its count for this query
    let counts: usize = p.values.iter().filter_map(|v| v.count).sum();
    assert_eq!(counts, all, "{:?}", p.values);
    let beijing = p
        .values
        .iter()
        .find(|v| v.key == "Beijing")
        .expect("Beijing is a value");
    assert!(beijing.count.unwrap() > 0 && beijing.count.unwrap() < all);
    // type to find: 北京 leaves Beijing alone
    type_text(&mut app, "北京");
    let Some(Popup::Filters(p)) = &app.popup else {
        panic!()
    };
    assert_eq!(p.values.len(), 1, "{:?}", p.values);
    press(&mut app, "space");
    // a second facet: measure types, several at once
    press(&mut app, "tab tab tab");
    let Some(Popup::Filters(p)) = &app.popup else {
        panic!()
    };
    assert_eq!(p.facet, Facet::Topic);
    assert!(p.values[0].count.unwrap_or(0) > 0, "most hits first");
    press(&mut app, "space down space");
    assert_eq!(app.search.filters.topics.len(), 2);
    // Esc closes and keeps
    press(&mut app, "esc");
    assert!(app.popup.is_none());
    assert_eq!(
        app.search.filters.jurisdictions,
        vec!["Beijing".to_string()]
    );
    let r = app.search.results.as_ref().unwrap();
    assert!(r.total < all);
    assert!(r.hits.iter().all(|h| h.doc.starts_with("beijing")));
    // the query line says which filters are on
    let line: String = app
        .search
        .filter_line
        .iter()
        .map(|(t, _)| t.as_str())
        .collect();
    assert!(line.contains("北京市"), "{line}");
    assert!(screen(&app).contains("北京市"));
    // one key clears them all
    press(&mut app, "ctrl-x");
    assert!(app.search.filters.is_empty());
    assert_eq!(app.search.results.as_ref().unwrap().total, all);
}

#[test]
fn opening_a_hit_shows_it_and_back_returns() {
    let mut app = app((80, 24));
    search_for(&mut app, "上市");
    select_hit(&mut app, LISTING_2024);
    press(&mut app, "enter");
    assert_eq!(app.view, View::Browse);
    assert_eq!(app.browse.detail.clause.as_deref(), Some(LISTING_2024));
    assert_eq!(app.browse.focus, Pane::Detail);
    let text: String = app.browse.detail.lines.iter().map(|l| l.text()).collect();
    assert!(text.contains("300万元"), "{text}");
    press(&mut app, "H");
    assert_eq!(app.view, View::Search);
    press(&mut app, "L");
    assert_eq!(app.view, View::Browse);
    assert_eq!(app.browse.detail.clause.as_deref(), Some(LISTING_2024));
}

#[test]
fn the_other_beijing_clause_is_among_the_equivalents_and_enter_follows_it() {
    let mut app = app((100, 30));
    search_for(&mut app, "上市");
    select_hit(&mut app, LISTING_2024);
    press(&mut app, "enter");
    let links = app.browse.detail.links.clone();
    let pos = links
        .iter()
        .position(|l| l == LISTING_2021)
        .unwrap_or_else(|| panic!("{LISTING_2021} not linked: {links:?}"));
    for _ in 0..pos {
        press(&mut app, "j");
    }
    press(&mut app, "enter");
    assert_eq!(app.browse.detail.clause.as_deref(), Some(LISTING_2021));
    press(&mut app, "H");
    assert_eq!(app.browse.detail.clause.as_deref(), Some(LISTING_2024));
}

#[test]
fn compare_a_provision_and_choose_jurisdictions() {
    let mut app = app((80, 24));
    search_for(&mut app, "上市");
    select_hit(&mut app, LISTING_2024);
    press(&mut app, "c");
    assert_eq!(app.view, View::Compare);
    let cmp = app.compare.comparison.as_ref().expect("a comparison");
    assert!(cmp.columns.len() >= 2);
    // the origin is the first column and stays on screen
    assert_eq!(app.compare.columns[0].doc, "beijing-2024");
    assert!(
        app.compare.visible_cols >= 2 && app.compare.visible_cols < app.compare.columns.len(),
        "80 columns cannot show them all"
    );
    press(&mut app, "l");
    assert_eq!(app.compare.cursor.0, 1);
    assert_eq!(app.compare.col_offset, 0);
    press(&mut app, "l");
    assert_eq!(app.compare.cursor.0, 2);
    assert_eq!(
        app.compare.col_offset, 1,
        "the others scroll, the origin stays"
    );
    assert_eq!(
        policynav::tui::present::compare::visible_columns(&app.compare)[0],
        0
    );
    // untick the first jurisdiction
    press(&mut app, "J");
    assert!(matches!(app.popup, Some(Popup::Choose(_))));
    press(&mut app, "space enter");
    assert!(app.popup.is_none());
    let cmp = app.compare.comparison.as_ref().unwrap();
    assert!(
        !cmp.columns
            .iter()
            .any(|c| c.doc == app.lib.meta_at(0).unwrap().id)
    );
    // every column on screen lines up: all have the same number of body lines
    let visible = policynav::tui::present::compare::visible_columns(&app.compare);
    assert!(visible.len() > 1, "{visible:?}");
    let n = app.compare.columns[visible[0]].lines.len();
    assert!(n > 0);
    assert!(
        visible
            .iter()
            .all(|&p| app.compare.columns[p].lines.len() == n),
        "{:?}",
        visible
            .iter()
            .map(|&p| app.compare.columns[p].lines.len())
            .collect::<Vec<_>>()
    );
}

#[test]
fn compare_a_measure_type() {
    let mut app = app((160, 48));
    compare_topic(&mut app, "listing");
    assert_eq!(app.view, View::Compare);
    let cmp = app.compare.comparison.as_ref().expect("a comparison");
    assert_eq!(cmp.columns.len(), 5);
    // the documents without the measure are named, not given empty columns
    let with: usize = cmp.columns.iter().filter(|c| !c.clauses.is_empty()).count();
    assert_eq!(app.compare.columns.len(), with);
    assert_eq!(app.compare.empty.len(), 5 - with);
    // each row is labelled by the measure it stands for
    assert_eq!(app.compare.row_labels.len(), cmp.rows);
    let labels: Vec<String> = app.compare.row_labels.iter().map(|l| l.text()).collect();
    assert!(labels.iter().any(|l| l.contains("上市")), "{labels:?}");
}

#[test]
fn compare_rows_start_on_the_same_line_in_every_column() {
    let mut app = app((160, 48));
    compare_topic(&mut app, "tradefair");
    let cmp = app.compare.comparison.clone().expect("a comparison");
    let c = &app.compare;
    assert_eq!(c.row_starts.len(), cmp.rows);
    let n = c.columns[0].lines.len();
    assert!(c.columns.iter().all(|col| col.lines.len() == n));
    // the 70% trade-fair subsidies of Beijing 2021 and Zhejiang are one measure: the
    // same row, so they start on the same line (under the row's label)
    let fair_in = |doc: &str| {
        let col = cmp.columns.iter().find(|col| col.doc == doc).unwrap();
        let clause = col
            .clauses
            .iter()
            .find(|cl| cl.text.contains("70%"))
            .unwrap_or_else(|| panic!("no 70% provision in {doc}"));
        let laid = c.columns.iter().find(|col| col.doc == doc).unwrap();
        let line = laid
            .lines
            .iter()
            .position(|l| l.text().starts_with(&clause.id))
            .unwrap_or_else(|| panic!("{} not laid out", clause.id));
        (clause.row, line)
    };
    let (row_a, line_a) = fair_in("beijing-2021");
    let (row_b, line_b) = fair_in("zhejiang-2023");
    assert_eq!(row_a, row_b);
    assert_eq!(line_a, line_b);
    let shown = c.row_order.iter().position(|r| *r == row_a).unwrap();
    assert_eq!(line_a, c.row_starts[shown] + 1);
    // every row starts, in every column, with its provision or a gap
    for (i, &start) in c.row_starts.iter().enumerate() {
        let r = c.row_order[i];
        for laid in &c.columns {
            let col = cmp.columns.iter().find(|x| x.doc == laid.doc).unwrap();
            let first = laid.lines[start + 1].text();
            match col.at_row(r) {
                Some(cl) => assert!(first.starts_with(&cl.id), "row {r}: {first}"),
                None => assert_eq!(first, "—", "row {r} of {}", col.doc),
            }
        }
    }
}

#[test]
fn marking_saves_the_digest_and_it_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let ws = library_with_data(dir.path().to_path_buf());
    let mut app = app_in(ws.clone(), Digest::default(), (80, 24));
    search_for(&mut app, "上市");
    select_hit(&mut app, LISTING_2024);
    press(&mut app, "space");
    select_hit(&mut app, LISTING_2021);
    press(&mut app, "space");
    assert_eq!(
        app.digest.ids,
        vec![LISTING_2024.to_string(), LISTING_2021.to_string()]
    );
    // a new process finds the same digest
    let saved = Digest::load(dir.path()).unwrap();
    assert_eq!(saved.ids, app.digest.ids);
    let mut again = app_in(ws, saved, (80, 24));
    press(&mut again, "4");
    assert_eq!(again.digest_view.rows.len(), 2);
    // reorder and remove are saved too
    press(&mut again, "J");
    assert_eq!(Digest::load(dir.path()).unwrap().ids[0], LISTING_2021);
    press(&mut again, "d");
    assert_eq!(Digest::load(dir.path()).unwrap().ids.len(), 1);
    // space in the list marks and unmarks
    press(&mut again, "H");
}

#[test]
fn export_asks_before_replacing_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let ws = library_with_data(dir.path().to_path_buf());
    let mut app = app_in(
        ws,
        Digest {
            ids: vec![LISTING_2024.into(), LISTING_2021.into()],
        },
        (80, 24),
    );
    press(&mut app, "4 e");
    let Some(Popup::Export(p)) = &app.popup else {
        panic!("no export prompt")
    };
    assert!(p.path.text().ends_with(".md"), "{}", p.path.text());
    // Tab cycles the format and the extension follows
    press(&mut app, "tab");
    let Some(Popup::Export(p)) = &app.popup else {
        panic!()
    };
    assert!(p.path.text().ends_with(".csv"));
    press(&mut app, "tab tab tab tab");
    let target = dir.path().join("digest.md");
    press(&mut app, "ctrl-u");
    update(&mut app, Action::Paste(target.display().to_string()));
    press(&mut app, "enter");
    assert!(app.popup.is_none(), "{:?}", app.popup);
    let md = std::fs::read_to_string(&target).unwrap();
    assert!(md.contains("300"), "{md}");
    assert!(
        app.message
            .as_ref()
            .unwrap()
            .0
            .contains("exported 2 clauses")
    );
    // again: the file exists, so the user is asked
    press(&mut app, "e ctrl-u");
    update(&mut app, Action::Paste(target.display().to_string()));
    press(&mut app, "enter");
    assert!(matches!(app.popup, Some(Popup::Overwrite(_))));
    press(&mut app, "n");
    assert!(matches!(app.popup, Some(Popup::Export(_))));
    press(&mut app, "enter y");
    assert!(app.popup.is_none());
}

/// A digest that holds an article exports its provisions, and the message counts the
/// clauses the file holds, not the ids collected.
#[test]
fn export_message_counts_the_clauses_written() {
    let dir = tempfile::tempdir().unwrap();
    let ws = library_with_data(dir.path().to_path_buf());
    let article = LISTING_2021
        .rsplit_once('.')
        .expect("a provision id")
        .0
        .to_string();
    let mut app = app_in(
        ws,
        Digest {
            ids: vec![article, LISTING_2021.into()],
        },
        (80, 24),
    );
    press(&mut app, "4 e");
    // JSON, to count the entries written
    press(&mut app, "tab tab");
    let target = dir.path().join("digest.json");
    press(&mut app, "ctrl-u");
    update(&mut app, Action::Paste(target.display().to_string()));
    press(&mut app, "enter");
    assert!(app.popup.is_none(), "{:?}", app.popup);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    let written: usize = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["entries"].as_array().unwrap().len())
        .sum();
    assert!(written > 1, "the article has several provisions: {written}");
    let message = &app.message.as_ref().unwrap().0;
    assert!(
        message.contains(&format!("exported {written} clauses")),
        "{message}"
    );
}

#[test]
fn script_toggle_shows_simplified() {
    let mut app = app((80, 24));
    press(&mut app, "l");
    let original: String = app.browse.detail.lines.iter().map(|l| l.text()).collect();
    assert!(
        original.contains('業') || original.contains('術'),
        "beijing-2021 is Traditional: {original}"
    );
    press(&mut app, "s");
    let simplified: String = app.browse.detail.lines.iter().map(|l| l.text()).collect();
    assert!(!simplified.contains('業'), "{simplified}");
    assert!(simplified.contains('业'));
}

#[test]
fn copy_puts_the_clause_and_its_citation_on_the_clipboard() {
    let mut app = app((80, 24));
    search_for(&mut app, "上市");
    select_hit(&mut app, LISTING_2024);
    update(&mut app, Action::Copy);
    let effects = app.take_effects();
    let Some(Effect::Copy(text)) = effects.first() else {
        panic!("{effects:?}")
    };
    assert!(text.contains("300万元"));
    assert!(text.contains("《"));
    assert!(text.contains(LISTING_2024));
}

#[test]
fn help_lists_every_key_of_the_keymap() {
    let mut app = app((80, 24));
    press(&mut app, "?");
    let Some(Popup::Help { lines, .. }) = &app.popup else {
        panic!("no help")
    };
    let text: String = lines.iter().map(|l| l.text() + "\n").collect();
    let km = policynav::tui::keymap::Keymap::get();
    for (ctx, _) in policynav::tui::keymap::CONTEXTS {
        for b in km.bindings(ctx) {
            assert!(text.contains(&b.desc), "help misses {:?}", b.desc);
        }
    }
    press(&mut app, "esc");
    assert!(app.popup.is_none());
}

#[test]
fn ctrl_c_quits_from_anywhere_and_q_only_outside_fields() {
    let mut app = app((80, 24));
    press(&mut app, "/ ctrl-c");
    assert!(app.quit);
    let mut app = tui_common::app((80, 24));
    press(&mut app, "q");
    assert!(app.quit);
}

#[test]
fn resizing_to_any_size_never_panics() {
    let mut app = app((80, 24));
    search_for(&mut app, "上市");
    for (w, h) in [
        (1, 1),
        (10, 3),
        (20, 5),
        (59, 15),
        (60, 16),
        (80, 24),
        (161, 49),
        (0, 0),
        (300, 100),
    ] {
        update(&mut app, Action::Resize(w, h));
        if w > 0 && h > 0 {
            let _ = screen(&app);
        }
        for k in ["j", "k", "l", "enter", "esc"] {
            press(&mut app, k);
        }
        update(&mut app, Action::Click(w / 2, h / 2));
        update(&mut app, Action::Wheel(w / 2, h / 2, true));
    }
}

#[test]
fn mouse_selects_and_scrolls() {
    let mut app = app((80, 24));
    let a = app.areas();
    // click the third document
    update(&mut app, Action::Click(a.docs.x + 3, a.docs.y + 3));
    assert_eq!(app.browse.docs.sel, 2);
    // click a row of the outline
    update(&mut app, Action::Click(a.outline.x + 3, a.outline.y + 2));
    assert_eq!(app.browse.focus, Pane::Outline);
    // wheel over the outline moves the selection
    let before = app.browse.outline.sel;
    update(
        &mut app,
        Action::Wheel(a.outline.x + 3, a.outline.y + 2, true),
    );
    assert_eq!(app.browse.outline.sel, before + 1);
    // clicking a tab switches the view
    let tabs = policynav::tui::update::tabs(&app);
    let (_, _, x) = tabs.iter().find(|(v, _, _)| *v == View::Digest).unwrap();
    update(&mut app, Action::Click(*x + 2, 0));
    assert_eq!(app.view, View::Digest);
}

#[test]
fn back_from_the_comparison_returns_to_the_clause_and_its_links() {
    let mut app = app((140, 40));
    search_for(&mut app, "上市");
    select_hit(&mut app, LISTING_2024);
    press(&mut app, "enter c");
    assert_eq!(app.view, View::Compare);
    press(&mut app, "H");
    assert_eq!(app.view, View::Browse);
    assert_eq!(app.browse.focus, Pane::Detail);
    assert_eq!(app.browse.detail.clause.as_deref(), Some(LISTING_2024));
    press(&mut app, "space");
    assert_eq!(
        app.browse
            .detail
            .links
            .get(app.browse.link_sel)
            .map(String::as_str),
        Some(LISTING_2021),
        "{:?}",
        app.browse.detail.links
    );
    press(&mut app, "enter");
    assert_eq!(app.browse.detail.clause.as_deref(), Some(LISTING_2021));
}

#[test]
fn clicking_the_selected_equivalent_follows_it() {
    let mut app = app((140, 40));
    search_for(&mut app, "上市");
    select_hit(&mut app, LISTING_2024);
    press(&mut app, "enter");
    let a = app.areas();
    let target = app.browse.detail.links[1].clone();
    let row = app.browse.detail.link_lines[1] - app.browse.detail_scroll;
    let y = a.detail.y + 1 + u16::try_from(row).unwrap();
    update(&mut app, Action::Click(a.detail.x + 5, y));
    assert_eq!(app.browse.link_sel, 1);
    assert_eq!(app.browse.detail.clause.as_deref(), Some(LISTING_2024));
    update(&mut app, Action::Click(a.detail.x + 5, y));
    assert_eq!(app.browse.detail.clause.as_deref(), Some(target.as_str()));
}
