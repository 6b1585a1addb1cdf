//! Issue 15, point by point, on the navigator's state machine: a comparison you can act
//! on, the as-of date and what it changes, superseded documents, the script applied to
//! everything shown, Space moving on, focus that never wraps, views by number, and the
//! store reloaded when the corpus changes.

mod tui_common;

use std::path::Path;

use policynav::corpus::CorpusSource;
use policynav::export::Digest;
use policynav::model::labels::Labelled;
use policynav::tui::action::StoreHandle;
use policynav::tui::data::{Library, Opened};
use policynav::tui::state::{Effect, Pane, Popup, RowOrder, SearchFocus, View};
use policynav::tui::{Action, App, update};
use policynav::workspace::Locations;
use tui_common::*;

const LISTING_2024: &str = "beijing-2024/6.5";

fn search_for(app: &mut App, query: &str) {
    press(app, "/");
    type_text(app, query);
}

fn open_hit(app: &mut App, id: &str) {
    let pos = app
        .search
        .results
        .as_ref()
        .expect("results")
        .hits
        .iter()
        .position(|h| h.id == id)
        .unwrap_or_else(|| panic!("{id} not among the hits"));
    press(app, "enter g");
    for _ in 0..pos {
        press(app, "j");
    }
    assert_eq!(app.current_clause().as_deref(), Some(id));
}

fn compare_listing(app: &mut App) {
    search_for(app, "上市");
    open_hit(app, LISTING_2024);
    press(app, "c");
    assert_eq!(app.view, View::Compare);
    assert!(app.compare.comparison.is_some(), "{:?}", app.compare.error);
}

fn has_traditional(s: &str) -> bool {
    s.chars().any(|c| "業術們發與對為區資產權據係".contains(c))
}

#[test]
fn a_comparison_opens_marks_copies_and_recentres_on_its_cells() {
    let mut app = app((160, 48));
    compare_listing(&mut app);
    // the cursor starts on the compared provision itself, in the first column
    assert_eq!(app.current_clause().as_deref(), Some(LISTING_2024));
    press(&mut app, "l");
    let other = app
        .current_clause()
        .expect("a provision in the second column");
    assert_ne!(other, LISTING_2024);
    // y copies it with its citation
    update(&mut app, Action::Copy);
    let copied = app.take_effects();
    assert!(
        matches!(copied.first(), Some(Effect::Copy(t)) if t.contains(&other)),
        "{copied:?}"
    );
    // Space marks it and moves to the next row
    let row = app.compare.cursor.1;
    press(&mut app, "space");
    assert!(app.digest.ids.contains(&other));
    assert!(
        app.compare.cursor.1 == row + 1 || app.compare.row_starts.len() == row + 1,
        "the cursor moves on"
    );
    press(&mut app, "k");
    assert_eq!(app.current_clause().as_deref(), Some(other.as_str()));
    // Enter opens it in Browse; back returns to the comparison
    press(&mut app, "enter");
    assert_eq!(app.view, View::Browse);
    assert_eq!(app.browse.detail.clause.as_deref(), Some(other.as_str()));
    press(&mut app, "H");
    assert_eq!(app.view, View::Compare);
    // c re-centres the comparison on it: it becomes the origin, first column
    press(&mut app, "c");
    let doc = other.split('/').next().unwrap();
    assert_eq!(app.compare.columns[0].doc, doc);
    assert_eq!(app.current_clause().as_deref(), Some(other.as_str()));
}

#[test]
fn the_compact_comparison_fits_every_document_at_80_columns() {
    let mut app = app((80, 24));
    compare_topic(&mut app, "tradefair");
    let with = app
        .compare
        .comparison
        .as_ref()
        .unwrap()
        .columns
        .iter()
        .filter(|c| !c.clauses.is_empty())
        .count();
    assert!(
        app.compare.visible_cols < with,
        "side by side, 80 columns show fewer"
    );
    press(&mut app, "v");
    assert!(app.compare.compact);
    // one line per cell: jurisdiction, tier, support figures
    let cells: Vec<&policynav::tui::state::CompactLine> = app
        .compare
        .compact_lines
        .iter()
        .filter(|l| l.clause.is_some())
        .collect();
    let docs: std::collections::HashSet<&str> = cells
        .iter()
        .map(|l| l.clause.as_deref().unwrap().split('/').next().unwrap())
        .collect();
    assert_eq!(
        docs.len(),
        with,
        "every document with the measure has a line"
    );
    let s = screen(&app);
    for place in ["北京市", "浙江省", "包头市"] {
        assert!(s.contains(place), "{place} on screen:\n{s}");
    }
    assert!(s.contains("70%"), "support figures on the lines:\n{s}");
    // Enter opens the provision of the selected line
    let id = app.current_clause().expect("a line selected");
    press(&mut app, "enter");
    assert_eq!(app.browse.detail.clause.as_deref(), Some(id.as_str()));
}

#[test]
fn rows_sort_by_the_largest_support_amount() {
    let mut app = app((160, 48));
    compare_topic(&mut app, "listing");
    press(&mut app, "o");
    assert_eq!(app.compare.order, RowOrder::Amount);
    let cmp = app.compare.comparison.as_ref().unwrap();
    let amounts: Vec<f64> = app
        .compare
        .row_order
        .iter()
        .map(|r| {
            cmp.columns
                .iter()
                .filter_map(|c| c.at_row(*r))
                .filter_map(|c| policynav::tui::present::support_amount(&c.figures))
                .fold(-1.0, f64::max)
        })
        .collect();
    assert!(
        amounts.windows(2).all(|w| w[0] >= w[1]),
        "largest first: {amounts:?}"
    );
    assert!(amounts[0] > 0.0);
    // the label says how much and where
    assert!(app.compare.row_labels[0].text().contains("most:"));
    press(&mut app, "o");
    assert_eq!(app.compare.order, RowOrder::Document);
}

#[test]
fn the_as_of_date_is_shown_set_and_applied_to_every_badge() {
    let mut app = app((160, 48));
    assert!(screen(&app).contains("as of 2026-06-01"));
    // Baotou's draft: its term ended 2025-12-31
    let baotou = app.lib.position("baotou-2023").unwrap();
    let row = |app: &App| {
        app.browse
            .doc_rows
            .iter()
            .find(|r| r.index == baotou)
            .unwrap()
            .standing
            .clone()
    };
    assert!(row(&app).ended.is_some());
    search_for(&mut app, "上市");
    press(&mut app, "enter t");
    assert!(matches!(app.popup, Some(Popup::Date(_))));
    press(&mut app, "ctrl-u");
    type_text(&mut app, "2014-06-01");
    press(&mut app, "enter");
    assert!(app.popup.is_none());
    assert_eq!(app.as_of.to_string(), "2014-06-01");
    let s = screen(&app);
    assert!(s.contains("AS OF 2014-06-01"), "{s}");
    // Haidian 2013 was in force in 2014; the hits say so
    let header = app
        .search
        .items
        .iter()
        .map(|i| i[0].text())
        .find(|t| t.contains("haidian-2013"))
        .expect("a Haidian hit");
    assert!(header.contains("[in force]"), "{header}");
    assert!(row(&app).ended.is_none());
    // the digest shows standings too
    press(&mut app, "space 4");
    assert!(app.digest_view.rows[0].standing.is_some());
    // a bad date is refused with the reason
    press(&mut app, "t ctrl-u");
    type_text(&mut app, "June");
    press(&mut app, "enter");
    let Some(Popup::Date(p)) = &app.popup else {
        panic!("the prompt stays")
    };
    assert!(p.error.as_deref().unwrap_or("").contains("YYYY-MM-DD"));
    // empty: back to today
    press(&mut app, "ctrl-u enter");
    assert_eq!(app.as_of, app.today);
}

/// A folder corpus of two versions of one measure, the later replacing the earlier.
fn versions(dir: &Path) -> Locations {
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(
        corpus.join("manifest.toml"),
        r#"[[document]]
id = "testville-2020"
file = "testville-2020.txt"
title = "测试市促进中小企业发展的若干措施"
jurisdiction = "Testville"
jurisdiction_zh = "测试市"
level = "city"
published = 2020-03-01
status = "final"

[[document]]
id = "testville-2024"
file = "testville-2024.txt"
title = "测试市促进中小企业发展的若干措施(修订)"
jurisdiction = "Testville"
jurisdiction_zh = "测试市"
level = "city"
published = 2024-03-01
effective = 2024-04-01
status = "final"
supersedes = ["testville-2020"]
"#,
    )
    .unwrap();
    std::fs::write(
        corpus.join("testville-2020.txt"),
        "测试市促进中小企业发展的若干措施\n\n一、支持企业上市\n1.对在境内外证券交易所上市的企业，市财政给予一次性奖励100万元。\n二、支持参加展会\n2.对参加国际性展会的企业，按照展位费的50%给予补助。\n",
    )
    .unwrap();
    std::fs::write(
        corpus.join("testville-2024.txt"),
        "测试市促进中小企业发展的若干措施(修订)\n\n一、支持企业上市\n1.对在境内外证券交易所上市的企业，市财政给予一次性奖励200万元。\n二、支持参加展会\n2.对参加国际性展会的企业，按照展位费的70%给予补助。\n",
    )
    .unwrap();
    Locations {
        corpus: CorpusSource::Folder(corpus),
        index_dir: dir.join("index"),
        data_dir: dir.join("data"),
    }
}

fn open(locations: &Locations) -> Library {
    policynav::pipeline::open(locations, false, &mut |_| {}).unwrap();
    policynav::tui::terminal::open_library(locations).unwrap()
}

#[test]
fn a_superseded_document_says_so_from_the_day_it_was_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let lib = open(&versions(dir.path()));
    let mut app = app_in(lib, Digest::default(), (160, 48));
    let old = &app.browse.doc_rows[0];
    assert_eq!(old.id, "testville-2020");
    assert_eq!(
        old.standing.superseded_by,
        vec!["testville-2024".to_string()]
    );
    let s = screen(&app);
    assert!(s.contains("superseded"), "{s}");
    let detail: String = app.browse.detail.lines.iter().map(|l| l.text()).collect();
    assert!(detail.contains("superseded by testville-2024"), "{detail}");
    // before the new version took over, the old one was simply in force
    press(&mut app, "t ctrl-u");
    type_text(&mut app, "2024-03-31");
    press(&mut app, "enter 1");
    let old = &app.browse.doc_rows[0];
    assert!(old.standing.superseded_by.is_empty(), "{:?}", old.standing);
    assert_eq!(old.standing.validity.id(), "in-force");
}

#[test]
fn the_corpus_changing_under_the_navigator_is_taken_in_without_losing_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let locations = versions(dir.path());
    let lib = open(&locations);
    let mut app = app_in(lib, Digest::default(), (100, 30));
    press(&mut app, "j");
    assert_eq!(app.browse.doc.as_deref(), Some("testville-2024"));
    // another process adds a document before it in the manifest
    let corpus = dir.path().join("corpus");
    let manifest = std::fs::read_to_string(corpus.join("manifest.toml")).unwrap();
    std::fs::write(
        corpus.join("manifest.toml"),
        format!(
            "[[document]]\nid = \"othertown-2025\"\nfile = \"othertown-2025.txt\"\ntitle = \"另一市支持中小企业的措施\"\njurisdiction = \"Othertown\"\njurisdiction_zh = \"另一市\"\nlevel = \"city\"\nstatus = \"final\"\n\n{manifest}"
        ),
    )
    .unwrap();
    std::fs::write(
        corpus.join("othertown-2025.txt"),
        "另一市支持中小企业的措施\n\n一、支持企业上市\n1.对上市企业给予奖励300万元。\n",
    )
    .unwrap();
    let (store, info) = policynav::pipeline::open(&locations, false, &mut |_| {}).unwrap();
    assert_eq!(info.action, "updated");
    let opened = Opened::new(store, info, &app.lib.domain);
    update(&mut app, Action::StoreReady(StoreHandle(Box::new(opened))));
    assert_eq!(app.lib.len(), 3);
    assert_eq!(
        app.browse.doc.as_deref(),
        Some("testville-2024"),
        "the same document stays selected"
    );
    assert!(
        app.message.as_ref().unwrap().0.contains("othertown-2025"),
        "{:?}",
        app.message
    );
    assert!(screen(&app).contains("另一市"));
}

#[test]
fn another_navigators_digest_change_is_taken_in() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_in(
        library_with_data(dir.path().to_path_buf()),
        Digest::default(),
        (80, 24),
    );
    let theirs = Digest {
        ids: vec![LISTING_2024.into()],
    };
    theirs.save(dir.path()).unwrap();
    update(&mut app, Action::DigestChanged(theirs.clone()));
    assert_eq!(app.digest, theirs);
    assert!(screen(&app).contains("Digest (1)"));
    // a mark here keeps theirs
    press(&mut app, "l space");
    assert_eq!(app.digest.ids.len(), 2);
    assert_eq!(Digest::load(dir.path()).unwrap().ids.len(), 2);
}

#[test]
fn s_converts_outline_rows_hit_headings_and_compare_headings() {
    let mut app = app((160, 48));
    // beijing-2021 is Traditional
    press(&mut app, "l");
    let rows: String = app
        .browse
        .outline_rows
        .iter()
        .map(|r| r.text.clone())
        .collect();
    assert!(has_traditional(&rows), "{rows}");
    press(&mut app, "s");
    let rows: String = app
        .browse
        .outline_rows
        .iter()
        .map(|r| r.text.clone())
        .collect();
    assert!(!has_traditional(&rows), "outline: {rows}");
    let title: String = app
        .browse
        .doc_rows
        .iter()
        .map(|r| r.title.clone())
        .collect();
    assert!(!has_traditional(&title));
    search_for(&mut app, "上市");
    let heads: String = app.search.items.iter().map(|i| i[0].text()).collect();
    assert!(heads.contains("beijing-2021"));
    assert!(!has_traditional(&heads), "hit headings: {heads}");
    press(&mut app, "enter c");
    let cells: String = app
        .compare
        .columns
        .iter()
        .flat_map(|c| c.header.iter().chain(c.lines.iter()))
        .map(|l| l.text())
        .collect();
    assert!(!has_traditional(&cells), "compare: {cells}");
    press(&mut app, "s");
    let cells: String = app
        .compare
        .columns
        .iter()
        .flat_map(|c| c.lines.iter())
        .map(|l| l.text())
        .collect();
    assert!(has_traditional(&cells), "back to the original");
}

#[test]
fn space_marks_and_moves_to_the_next_row() {
    let mut app = app((80, 24));
    press(&mut app, "l");
    let first = app.current_clause().unwrap();
    let sel = app.browse.outline.sel;
    press(&mut app, "space");
    assert!(app.digest.ids.contains(&first));
    assert_eq!(app.browse.outline.sel, sel + 1);
    search_for(&mut app, "上市");
    press(&mut app, "enter");
    let hit = app.current_clause().unwrap();
    press(&mut app, "space");
    assert!(app.digest.ids.contains(&hit));
    assert_eq!(app.search.list.sel, 1);
}

#[test]
fn pane_focus_never_wraps_and_links_stay() {
    let mut app = app((140, 40));
    search_for(&mut app, "上市");
    open_hit(&mut app, LISTING_2024);
    press(&mut app, "enter");
    assert_eq!(app.browse.focus, Pane::Detail);
    let links = app.browse.detail.links.clone();
    assert!(!links.is_empty());
    press(&mut app, "l l tab");
    assert_eq!(app.browse.focus, Pane::Detail, "no wrap to the documents");
    assert_eq!(app.browse.detail.links, links, "the links are still there");
    press(&mut app, "h h h h");
    assert_eq!(app.browse.focus, Pane::Docs);
    press(&mut app, "backtab");
    assert_eq!(app.browse.focus, Pane::Docs);
}

#[test]
fn views_switch_by_number_except_while_typing() {
    let mut app = app((80, 24));
    press(&mut app, "2 3");
    assert_eq!(app.view, View::Compare, "2 then 3 switches twice");
    press(&mut app, "4 1");
    assert_eq!(app.view, View::Browse);
    // in the query line a digit is text: Esc first, as the line says
    press(&mut app, "/ 3");
    assert_eq!(app.view, View::Search);
    assert_eq!(app.search.input.text(), "3");
    assert!(screen(&app).contains("Esc"));
    press(&mut app, "esc 3");
    assert_eq!(app.view, View::Compare);
    press(&mut app, "2");
    assert_eq!(app.search.focus, SearchFocus::Results);
}

#[test]
fn the_filter_panel_counts_amounts_and_years_before_any_query() {
    let mut app = app((100, 30));
    press(&mut app, "2 f");
    let Some(Popup::Filters(_)) = &app.popup else {
        panic!("the panel opens from the results")
    };
    let facets = app.search.facets.clone().expect("counts without a query");
    assert!(facets.total > 300, "every provision: {}", facets.total);
    // amounts
    press(&mut app, "tab tab tab tab");
    let Some(Popup::Filters(p)) = &app.popup else {
        panic!()
    };
    assert_eq!(p.values.len(), 5);
    assert!(p.values.iter().any(|v| v.count.unwrap_or(0) > 0));
    // years, then the choice restricts the search
    press(&mut app, "tab");
    let Some(Popup::Filters(p)) = &app.popup else {
        panic!()
    };
    let y2013 = p.values.iter().position(|v| v.key == "2013").expect("2013");
    for _ in 0..y2013 {
        press(&mut app, "down");
    }
    press(&mut app, "space enter");
    assert_eq!(app.search.filters.years, vec![2013]);
    search_for(&mut app, "企业");
    let r = app.search.results.as_ref().unwrap();
    assert!(r.total > 0);
    assert!(r.hits.iter().all(|h| h.doc == "haidian-2013"), "only 2013");
}
