//! The runtime: the real terminal, the event loop, and the background threads that
//! report back as actions (index build and search, cross-links, jieba).
//!
//! The terminal is restored on every way out: quit, Ctrl-C (a key in raw mode),
//! SIGTERM/SIGINT/SIGHUP (a signal thread tells the loop), an error (a drop guard) and
//! a panic (a hook that restores before the message is printed).

use std::io::{self, IsTerminal, Stdout, Write};
use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Once, OnceLock};
use std::thread::{self, ThreadId};
use std::time::Duration;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use anyhow::{Context, Result};
use base64::Engine;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event, KeyEventKind, MouseButton, MouseEventKind,
};
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::crossterm::{cursor, execute};

use crate::export::Digest;
use crate::search::{SearchIndex, SearchRequest};
use crate::workspace::{Locations, Workspace};

use super::action::Action;
use super::state::{App, Effect};
use super::{render, update, wrap};

/// How long the search worker waits for more keystrokes before searching.
pub const DEBOUNCE: Duration = Duration::from_millis(40);

/// The navigator was stopped by a signal (SIGTERM, SIGHUP, SIGINT). The digest is saved
/// on every change, so nothing is lost; the process exits with 128 + the signal number,
/// as shells expect.
#[derive(Debug, thiserror::Error)]
#[error("stopped by signal {signal}; the digest was saved")]
pub struct Stopped {
    /// The signal number.
    pub signal: i32,
}

/// What the event loop waits for: one channel, so the loop sleeps until something
/// happens and shows a search result the moment it arrives.
enum Msg {
    /// A terminal event (key, paste, mouse, resize).
    Term(Event),
    /// A report from a background thread.
    Act(Action),
    /// SIGTERM, SIGINT or SIGHUP (its number).
    Signal(i32),
    /// The terminal can no longer be read.
    InputClosed(String),
}

/// Runs the navigator until the user quits.
pub fn run(locations: Locations) -> Result<()> {
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        anyhow::bail!(
            "the navigator needs a terminal; for scripts use a subcommand (policynav --help)"
        );
    }
    let ws = Arc::new(Workspace::open(locations)?);
    let (digest, digest_note) = load_digest(&ws.locations.data_dir);

    let (tx, rx) = mpsc::channel::<Msg>();
    let mut signals =
        Signals::new([SIGTERM, SIGINT, SIGHUP]).context("cannot install the signal handlers")?;
    let signal_tx = tx.clone();
    thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let _ = signal_tx.send(Msg::Signal(signal));
        }
    });

    let mut terminal = enter()?;
    let _guard = Guard;
    let size = terminal.size().context("cannot read the terminal size")?;

    let input_tx = tx.clone();
    thread::spawn(move || {
        loop {
            let msg = match event::read() {
                Ok(ev) => Msg::Term(ev),
                Err(e) => Msg::InputClosed(e.to_string()),
            };
            let closed = matches!(msg, Msg::InputClosed(_));
            if input_tx.send(msg).is_err() || closed {
                return;
            }
        }
    });
    spawn_helpers(&ws, &tx);
    let jobs = spawn_search(&ws, tx);

    let mut app = App::new(
        Arc::clone(&ws),
        digest,
        Workspace::today(),
        (size.width, size.height),
    );
    if let Some(note) = digest_note {
        app.message = Some((note, true));
    }
    event_loop(&mut terminal, &mut app, &rx, &jobs)
}

fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    app: &mut App,
    rx: &Receiver<Msg>,
    jobs: &Sender<(u64, SearchRequest)>,
) -> Result<()> {
    terminal
        .draw(|f| render::render(app, f))
        .context("cannot draw")?;
    while let Ok(first) = rx.recv() {
        // apply everything that is already waiting, then draw once
        let mut next = Some(first);
        while let Some(msg) = next {
            match msg {
                Msg::Term(ev) => {
                    if let Some(action) = translate(app, ev) {
                        update::update(app, action);
                    }
                }
                Msg::Act(action) => update::update(app, action),
                // the terminal is restored as the error unwinds (the guard in `run`)
                Msg::Signal(signal) => return Err(Stopped { signal }.into()),
                Msg::InputClosed(e) => anyhow::bail!("cannot read the terminal: {e}"),
            }
            for effect in app.take_effects() {
                match effect {
                    Effect::Search {
                        generation,
                        request,
                    } => {
                        let _ = jobs.send((generation, request));
                    }
                    Effect::Copy(text) => osc52(terminal.backend_mut(), &text)?,
                }
            }
            if app.quit {
                return Ok(());
            }
            next = rx.try_recv().ok();
        }
        terminal
            .draw(|f| render::render(app, f))
            .context("cannot draw")?;
    }
    Ok(())
}

/// The action for a terminal event, if any.
pub fn translate(app: &App, ev: Event) -> Option<Action> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => app.key_action(&k),
        Event::Paste(s) => Some(Action::Paste(s)),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::Down(MouseButton::Left) => Some(Action::Click(m.column, m.row)),
            MouseEventKind::ScrollDown => Some(Action::Wheel(m.column, m.row, true)),
            MouseEventKind::ScrollUp => Some(Action::Wheel(m.column, m.row, false)),
            _ => None,
        },
        _ => None,
    }
}

/// Loads the saved digest. A damaged file is moved aside (never overwritten) and the
/// user is told where it went.
fn load_digest(data_dir: &Path) -> (Digest, Option<String>) {
    match Digest::load(data_dir) {
        Ok(d) => (d, None),
        Err(e) => {
            let path = Digest::path(data_dir);
            let aside = path.with_extension(format!(
                "json.unreadable-{}",
                chrono::Local::now().format("%Y%m%d-%H%M%S")
            ));
            let note = match std::fs::rename(&path, &aside) {
                Ok(()) => format!(
                    "{e:#}; it was kept as {} and a new digest started",
                    aside.display()
                ),
                Err(_) => format!("{e:#}; starting with an empty digest"),
            };
            (Digest::default(), Some(note))
        }
    }
}

/// Loads jieba and computes the cross-links in the background.
fn spawn_helpers(ws: &Arc<Workspace>, tx: &Sender<Msg>) {
    let t = tx.clone();
    thread::spawn(move || {
        if guarded("loading jieba", wrap::load_segmenter).is_ok() {
            let _ = t.send(Msg::Act(Action::SegmenterReady));
        }
    });
    // the links are in the store the workspace was read from
    let _ = ws;
    let _ = tx.send(Msg::Act(Action::LinksReady));
}

/// The search worker: opens (or builds) the index, reporting progress, then answers
/// the latest query after a short pause for more typing. Older queries are skipped.
fn spawn_search(ws: &Arc<Workspace>, tx: Sender<Msg>) -> Sender<(u64, SearchRequest)> {
    let (jobs_tx, jobs_rx) = mpsc::channel::<(u64, SearchRequest)>();
    let ws = Arc::clone(ws);
    thread::spawn(move || {
        let progress_tx = tx.clone();
        let index = guarded("opening the search index", || {
            SearchIndex::open_or_build(&ws, &mut |p| {
                let _ = progress_tx.send(Msg::Act(Action::IndexProgress(p)));
            })
        })
        .map_err(anyhow::Error::msg)
        .and_then(|r| r);
        let index = match index {
            Ok(i) => {
                let _ = tx.send(Msg::Act(Action::IndexProgress(
                    crate::search::BuildProgress::Ready,
                )));
                Some(i)
            }
            Err(e) => {
                let _ = tx.send(Msg::Act(Action::IndexFailed(format!("{e:#}"))));
                None
            }
        };
        while let Ok(mut job) = jobs_rx.recv() {
            // debounce: keep taking newer queries until the user pauses
            loop {
                match jobs_rx.recv_timeout(DEBOUNCE) {
                    Ok(newer) => job = newer,
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            let (generation, request) = job;
            let result = match &index {
                Some(i) => guarded("the search", || i.search(&request))
                    .and_then(|r| r.map_err(|e| format!("{e:#}"))),
                None => Err("the search index is unavailable".to_string()),
            };
            if tx
                .send(Msg::Act(Action::SearchDone(generation, result)))
                .is_err()
            {
                return;
            }
        }
    });
    jobs_tx
}

/// Puts `text` on the clipboard of the terminal (also over SSH) with OSC 52.
fn osc52(out: &mut CrosstermBackend<Stdout>, text: &str) -> Result<()> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    write!(out, "\x1b]52;c;{encoded}\x07").context("cannot write to the terminal")?;
    out.flush().context("cannot write to the terminal")
}

fn enter() -> Result<Terminal<CrosstermBackend<Stdout>>> {
    install_panic_hook();
    enable_raw_mode().context("cannot switch the terminal to raw mode")?;
    let mut out = io::stdout();
    if let Err(e) = execute!(
        out,
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    ) {
        restore();
        return Err(e).context("cannot set up the terminal");
    }
    Terminal::new(CrosstermBackend::new(out)).context("cannot set up the terminal")
}

/// Puts the terminal back as it was: normal screen, cursor shown, raw mode off.
pub fn restore() {
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
}

struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

static UI_THREAD: OnceLock<ThreadId> = OnceLock::new();

/// On the UI thread a panic restores the terminal before its message is printed. A
/// background thread's panic is caught where it was spawned and shown in the status
/// bar instead, so its message must not scribble over the screen.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    let _ = UI_THREAD.set(thread::current().id());
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if UI_THREAD.get() == Some(&thread::current().id()) {
                restore();
                previous(info);
            }
        }));
    });
}

/// Runs background work, turning a panic into an error message.
fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| {
        let msg = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown error".into());
        format!("{what} failed: {msg}")
    })
}
