//! Every view rendered into ratatui's TestBackend at 80×24 and 160×48, with the bundled
//! Chinese documents. The screen helper walks the cells as a terminal shows them and
//! fails if a double-width character would run past the right edge; insta keeps the
//! screens for review.

mod tui_common;

use policynav::export::Digest;
use policynav::tui::state::Popup;
use policynav::tui::{Action, App, update};
use ratatui::style::Modifier;
use tui_common::*;

const LISTING_2024: &str = "beijing-2024/6.5";
const LISTING_2021: &str = "beijing-2021/9.4";
const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn snap(name: &str, app: &App) {
    let (w, h) = app.size;
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_suffix(format!("{w}x{h}"));
    settings.bind(|| insta::assert_snapshot!(name, screen(app)));
}

fn open_listing(app: &mut App) {
    press(app, "/");
    type_text(app, "上市");
    let pos = app
        .search
        .results
        .as_ref()
        .unwrap()
        .hits
        .iter()
        .position(|h| h.id == LISTING_2024)
        .expect("listing clause among the hits");
    press(app, "enter g");
    for _ in 0..pos {
        press(app, "j");
    }
}

#[test]
fn browse_documents() {
    for size in SIZES {
        let app = app(size);
        snap("browse_documents", &app);
    }
}

#[test]
fn browse_outline_and_detail() {
    for size in SIZES {
        let mut app = app(size);
        press(&mut app, "j j j l j j");
        snap("browse_outline", &app);
    }
}

#[test]
fn search_results() {
    for size in SIZES {
        let mut app = app(size);
        press(&mut app, "/");
        type_text(&mut app, "上市补贴");
        snap("search_typing", &app);
        press(&mut app, "enter");
        snap("search_results", &app);
    }
}

#[test]
fn detail_with_links() {
    for size in SIZES {
        let mut app = app(size);
        open_listing(&mut app);
        press(&mut app, "enter");
        snap("detail_with_links", &app);
    }
}

#[test]
fn compare_view() {
    for size in SIZES {
        let mut app = app(size);
        open_listing(&mut app);
        press(&mut app, "c");
        snap("compare", &app);
        press(&mut app, "l");
        snap("compare_scrolled", &app);
    }
}

#[test]
fn compare_measure_type_view() {
    for size in SIZES {
        let mut app = app(size);
        compare_topic(&mut app, "tradefair");
        snap("compare_topic", &app);
    }
}

#[test]
fn digest_and_export_prompt() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let ws = library_with_data(dir.path().to_path_buf());
        let mut app = tui_common::app_in(
            ws,
            Digest {
                ids: vec![
                    LISTING_2024.into(),
                    LISTING_2021.into(),
                    "zhejiang-2023/3".into(),
                ],
            },
            size,
        );
        press(&mut app, "4");
        snap("digest", &app);
        press(&mut app, "e ctrl-u");
        update(&mut app, Action::Paste("/导出/政策摘要.md".into()));
        snap("export_prompt", &app);
    }
}

#[test]
fn help_popup() {
    for size in SIZES {
        let mut app = app(size);
        press(&mut app, "j l");
        press(&mut app, "?");
        snap("help", &app);
    }
}

#[test]
fn choose_popup_over_chinese_text() {
    for size in SIZES {
        let mut app = app(size);
        press(&mut app, "l C");
        snap("choose_topic", &app);
    }
}

#[test]
fn too_small() {
    for size in [(1, 1), (10, 3), (20, 5), (59, 24), (80, 15)] {
        let app = app(size);
        let s = screen(&app);
        if size.0 >= 20 {
            assert!(
                s.contains("Terminal too small") || s.contains("small"),
                "{s}"
            );
        }
        if size == (59, 24) {
            snap("too_small", &app);
        }
    }
}

#[test]
fn support_figures_are_emphasised() {
    let mut app = app((80, 24));
    open_listing(&mut app);
    press(&mut app, "enter");
    let buf = buffer(&app);
    let a = app.areas();
    // find "300" in the detail pane and check its style
    // the clause text comes before the cross-links: its first 300 is the figure
    let mut first = None;
    'rows: for y in a.detail.y..a.detail.bottom() {
        for x in a.detail.x..a.detail.right().saturating_sub(2) {
            if buf[(x, y)].symbol() == "3"
                && buf[(x + 1, y)].symbol() == "0"
                && buf[(x + 2, y)].symbol() == "0"
            {
                first = Some((x, y));
                break 'rows;
            }
        }
    }
    let (x, y) = first.unwrap_or_else(|| panic!("no 300 in the detail pane:\n{}", screen(&app)));
    let m = buf[(x, y)].modifier;
    assert!(
        m.contains(Modifier::BOLD) && m.contains(Modifier::UNDERLINED),
        "300 is not emphasised: {m:?}"
    );
    // plain text next to it is not
    assert!(
        !buf[(a.detail.x + 1, a.detail.y + 4)]
            .modifier
            .contains(Modifier::UNDERLINED)
    );
}

#[test]
fn a_popup_never_leaves_half_a_double_width_character() {
    let mut app = app((80, 24));
    press(&mut app, "j l ?");
    let buf = buffer(&app);
    let area = policynav::tui::layout::help_area(app.size);
    assert!(matches!(app.popup, Some(Popup::Help { .. })));
    for y in area.top()..area.bottom() {
        let left = &buf[(area.x - 1, y)];
        assert!(
            unicode_width::UnicodeWidthStr::width(left.symbol()) <= 1,
            "row {y}: {:?} crosses the popup edge",
            left.symbol()
        );
    }
}

#[test]
fn the_caret_sits_after_double_width_characters() {
    let mut app = app((80, 24));
    press(&mut app, "/");
    type_text(&mut app, "上市");
    let s = screen(&app);
    let a = app.areas();
    // box border + 2 characters of 2 cells
    let expect = format!(
        "[cursor at column {}, row {}]",
        a.query.x + 1 + 4,
        a.query.y + 1
    );
    assert!(s.contains(&expect), "{s}");
    press(&mut app, "left");
    let s = screen(&app);
    let expect = format!(
        "[cursor at column {}, row {}]",
        a.query.x + 1 + 2,
        a.query.y + 1
    );
    assert!(s.contains(&expect), "{s}");
}

#[test]
fn filter_panel() {
    for size in SIZES {
        let mut app = app(size);
        press(&mut app, "/");
        type_text(&mut app, "上市");
        press(&mut app, "enter f");
        type_text(&mut app, "北京");
        press(&mut app, "space tab tab tab space");
        snap("filter_panel", &app);
        press(&mut app, "esc");
        snap("filters_on", &app);
    }
}

#[test]
fn compare_compact_and_by_amount() {
    for size in SIZES {
        let mut app = app(size);
        compare_topic(&mut app, "listing");
        press(&mut app, "v");
        snap("compare_compact", &app);
        press(&mut app, "o");
        snap("compare_compact_by_amount", &app);
    }
}

#[test]
fn as_of_date() {
    for size in SIZES {
        let mut app = app(size);
        press(&mut app, "t ctrl-u");
        type_text(&mut app, "2014-06-01");
        snap("date_prompt", &app);
        press(&mut app, "enter");
        snap("browse_as_of_2014", &app);
    }
}
