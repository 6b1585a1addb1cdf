//! Shared helpers for the navigator tests: the bundled corpus in a workspace with
//! temporary folders, key presses through the real keymap, synchronous search, and
//! screens rendered into ratatui's TestBackend.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::LazyLock;

use chrono::NaiveDate;
use policynav::export::Digest;
use policynav::tui::data::Library;
use policynav::tui::keymap::parse_key;
use policynav::tui::state::{App, Effect, Popup};
use policynav::tui::{Action, render, update, work};
use policynav::workspace::Locations;
use ratatui::Terminal;
use ratatui::backend::{Backend, TestBackend};
use ratatui::crossterm::event::{KeyEvent, KeyModifiers};
use unicode_width::UnicodeWidthStr;

/// The date every test runs "as of", so status badges do not change with the calendar.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

struct Shared {
    lib: Library,
    _dir: tempfile::TempDir,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let locations = Locations::bundled_in(dir.path());
    policynav::pipeline::open(&locations, false, &mut |_| {}).unwrap();
    let lib = policynav::tui::terminal::open_library(&locations).unwrap();
    assert!(lib.opened.is_some(), "the store was built");
    Shared { lib, _dir: dir }
});

/// The bundled corpus's store, opened as the navigator opens it (shared by the tests of
/// a binary).
pub fn library() -> Library {
    SHARED.lib.clone()
}

/// The same library with its own data folder (for digest persistence).
pub fn library_with_data(data: PathBuf) -> Library {
    let shared = &SHARED.lib;
    let mut locations = shared.locations.clone();
    locations.data_dir = data;
    Library::new(
        locations,
        std::sync::Arc::clone(&shared.domain),
        shared.opened.clone(),
    )
}

/// A navigator of `size` over the bundled corpus, store ready.
pub fn app(size: (u16, u16)) -> App {
    let dir = tempfile::tempdir().unwrap().keep();
    app_in(library_with_data(dir), Digest::default(), size)
}

/// A navigator over `lib` with `digest`.
pub fn app_in(lib: Library, digest: Digest, size: (u16, u16)) -> App {
    policynav::tui::wrap::load_segmenter();
    App::new(lib, digest, today(), size)
}

/// Runs the app's pending work synchronously, as the worker threads would, until none
/// is left; returns what only a terminal can do (copying).
pub fn run_effects(app: &mut App) -> Vec<Effect> {
    let mut other = Vec::new();
    loop {
        let effects = app.take_effects();
        if effects.is_empty() {
            return other;
        }
        for e in effects {
            if let Effect::Copy(_) = e {
                other.push(e);
                continue;
            }
            for a in work::perform(e) {
                update(app, a);
            }
        }
    }
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
    press(app, "home");
    for _ in 0..at {
        press(app, "down");
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
