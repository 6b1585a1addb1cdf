//! Shared helpers for the navigator tests: the bundled corpus in a workspace with
//! temporary folders, key presses through the real keymap, synchronous search, and
//! screens rendered into ratatui's TestBackend.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

use chrono::NaiveDate;
use policynav::export::Digest;
use policynav::search::SearchIndex;
use policynav::tui::keymap::parse_key;
use policynav::tui::state::{App, Effect, Popup};
use policynav::tui::{Action, render, update};
use policynav::workspace::{Locations, Workspace};
use ratatui::Terminal;
use ratatui::backend::{Backend, TestBackend};
use ratatui::crossterm::event::{KeyEvent, KeyModifiers};
use unicode_width::UnicodeWidthStr;

/// The date every test runs "as of", so status badges do not change with the calendar.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

struct Shared {
    ws: Arc<Workspace>,
    index: SearchIndex,
    _dir: tempfile::TempDir,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(Locations::bundled_in(dir.path())).unwrap();
    let index = SearchIndex::open_or_build(&ws, &mut |_| {}).unwrap();
    Shared {
        ws: Arc::new(ws),
        index,
        _dir: dir,
    }
});

/// The bundled corpus, analysed, with links computed (shared by the tests of a binary).
pub fn workspace() -> Arc<Workspace> {
    Arc::clone(&SHARED.ws)
}

/// The same workspace with its own data folder (for digest persistence).
pub fn workspace_with_data(data: PathBuf) -> Arc<Workspace> {
    let mut ws = (*SHARED.ws).clone();
    ws.locations.data_dir = data;
    Arc::new(ws)
}

/// A navigator of `size` over the bundled corpus, index and links ready.
pub fn app(size: (u16, u16)) -> App {
    let dir = tempfile::tempdir().unwrap().keep();
    app_in(workspace_with_data(dir), Digest::default(), size)
}

/// A navigator over `ws` with `digest`.
pub fn app_in(ws: Arc<Workspace>, digest: Digest, size: (u16, u16)) -> App {
    policynav::tui::wrap::load_segmenter();
    let mut app = App::new(ws, digest, today(), size);
    update(&mut app, Action::LinksReady);
    update(
        &mut app,
        Action::IndexProgress(policynav::search::BuildProgress::Ready),
    );
    app
}

/// Runs the app's pending searches synchronously, as the worker would.
pub fn run_effects(app: &mut App) -> Vec<Effect> {
    let mut other = Vec::new();
    for e in app.take_effects() {
        match e {
            Effect::Search {
                generation,
                request,
            } => {
                let r = SHARED.index.search(&request).map_err(|e| format!("{e:#}"));
                update(app, Action::SearchDone(generation, r));
            }
            e => other.push(e),
        }
    }
    other
}

/// Presses keys written as in keys.toml, separated by spaces (`j j enter`, `ctrl-w`).
pub fn press(app: &mut App, keys: &str) {
    for k in keys.split(' ').filter(|k| !k.is_empty()) {
        let spec = parse_key(k).unwrap_or_else(|e| panic!("{k}: {e}"));
        let mut mods = KeyModifiers::NONE;
        if spec.ctrl {
            mods |= KeyModifiers::CONTROL;
        }
        if spec.alt {
            mods |= KeyModifiers::ALT;
        }
        if let ratatui::crossterm::event::KeyCode::Char(c) = spec.code
            && c.is_uppercase()
        {
            mods |= KeyModifiers::SHIFT;
        }
        let ev = KeyEvent::new(spec.code, mods);
        if let Some(a) = app.key_action(&ev) {
            update(app, a);
        }
        run_effects(app);
    }
}

/// Opens the comparison of measure type `key` the way a user does: `C`, down the list
/// to it, Enter.
pub fn compare_topic(app: &mut App, key: &str) {
    press(app, "C");
    let Some(Popup::Choose(ch)) = &app.popup else {
        panic!("C opens no measure-type list")
    };
    let at = ch
        .items
        .iter()
        .position(|c| c.key == key)
        .unwrap_or_else(|| panic!("no measure type {key}"));
    for _ in 0..at {
        press(app, "j");
    }
    press(app, "enter");
}

/// Types text into the focused field, one character at a time (as an input method delivers it).
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, Action::Insert(c));
    }
    run_effects(app);
}

/// The screen as the terminal shows it: one string per row, wide characters taking
/// their two cells; and the cursor when it is shown.
pub fn screen(app: &App) -> String {
    let (w, h) = app.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let frame = term.draw(|f| render(app, f)).unwrap();
    let buf = frame.buffer.clone();
    let mut out = String::new();
    for y in 0..h {
        let mut x = 0;
        let mut row = String::new();
        while x < w {
            let sym = buf[(x, y)].symbol();
            let sw = sym.width().max(1) as u16;
            assert!(
                x + sw <= w,
                "row {y}: {sym:?} at column {x} runs past the edge"
            );
            row.push_str(sym);
            x += sw;
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    let cursor = term.backend_mut().get_cursor_position().ok();
    let shown = term.backend().cursor_visible();
    if shown && let Some(p) = cursor {
        out.push_str(&format!("[cursor at column {}, row {}]\n", p.x, p.y));
    }
    out
}

/// The rendered buffer, for style checks.
pub fn buffer(app: &App) -> ratatui::buffer::Buffer {
    let (w, h) = app.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| render(app, f)).unwrap().buffer.clone()
}
