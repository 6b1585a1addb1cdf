//! The runtime: the real terminal, the event loop, and the background threads that
//! report back as actions.
//!
//! * The first frame is drawn from the store as it is on disk (the catalog only);
//!   checking it against the corpus, updating or building it runs on the store thread,
//!   which afterwards watches for changes (a document added with `policynav add`, a
//!   store changed by another process) and opens the store again when there is one.
//! * Searches run on their own thread, latest query first; comparisons, exports and
//!   digest saves on a worker thread ([`work::perform`]).
//! * The terminal is restored on every way out: quit, Ctrl-C (a key in raw mode),
//!   SIGTERM/SIGINT/SIGHUP/SIGQUIT (a signal thread tells the loop), an error (a drop
//!   guard) and a panic (a hook that restores before the message is printed).

use std::io::{self, IsTerminal, Stdout, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Once, OnceLock};
use std::thread::{self, ThreadId};
use std::time::{Duration, SystemTime};

use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
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
use crate::pipeline::Domain;
use crate::search::BuildProgress;
use crate::store::{CURRENT, Store};
use crate::workspace::{Locations, Workspace};

use super::action::{Action, StoreHandle};
use super::data::{Library, Opened};
use super::state::{App, Effect};
use super::{render, update, work, wrap};

/// How long the search worker waits for more keystrokes before searching.
pub const DEBOUNCE: Duration = Duration::from_millis(40);
/// How often the store thread looks for a changed corpus, store or digest.
pub const WATCH: Duration = Duration::from_millis(1000);

/// The navigator was stopped by a signal (SIGTERM, SIGHUP, SIGINT, SIGQUIT). The digest
/// is saved on every change, so nothing is lost; the process exits with 128 + the
/// signal number, as shells expect.
#[derive(Debug, thiserror::Error)]
#[error("stopped by signal {signal}; the digest was saved")]
pub struct Stopped {
    /// The signal number.
    pub signal: i32,
}

/// What the event loop waits for: one channel, so the loop sleeps until something
/// happens and shows a result the moment it arrives.
enum Msg {
    /// A terminal event (key, paste, mouse, resize).
    Term(Event),
    /// A report from a background thread.
    Act(Action),
    /// A signal (its number).
    Signal(i32),
    /// The terminal can no longer be read.
    InputClosed(String),
}

/// Opens what the first frame needs: the domain rules and the store as it is on disk,
/// if its files passed their last check unchanged (else none: the store thread checks,
/// repairs or builds it first). Nothing here reads the corpus.
pub fn open_library(locations: &Locations) -> Result<Library> {
    let domain = Arc::new(Domain::load(locations)?);
    let current = locations.index_dir.join(CURRENT);
    let opened = Store::open_dir(&current)
        .ok()
        .filter(|store| crate::store::verify::is_verified(&current, store.head().info.generation))
        .map(|store| {
            let info = crate::pipeline::info_as_is(&store, &locations.index_dir);
            Opened::new(store, info, &domain)
        });
    Ok(Library::new(locations.clone(), domain, opened))
}

/// Runs the navigator until the user quits.
pub fn run(locations: Locations) -> Result<()> {
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        anyhow::bail!(
            "the navigator needs a terminal; for scripts use a subcommand (policynav --help)"
        );
    }
    let lib = open_library(&locations)?;
    let (digest, digest_note) = load_digest(&locations.data_dir);

    let (tx, rx) = mpsc::channel::<Msg>();
    let mut signals = Signals::new([SIGTERM, SIGINT, SIGHUP, SIGQUIT])
        .context("cannot install the signal handlers")?;
    let signal_tx = tx.clone();
    thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let _ = signal_tx.send(Msg::Signal(signal));
        }
    });

    let mut terminal = enter()?;
    let _guard = Guard;
    let size = terminal.size().context("cannot read the terminal size")?;
    let mut app = App::new(lib, digest, Workspace::today(), (size.width, size.height));
    if let Some(note) = digest_note {
        app.warn(note);
    }
    terminal
        .draw(|f| render::render(&app, f))
        .context("cannot draw")?;

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
    let t = tx.clone();
    thread::spawn(move || {
        if work::guarded("loading jieba", wrap::load_segmenter).is_ok() {
            let _ = t.send(Msg::Act(Action::SegmenterReady));
        }
    });
    let current = app.lib.opened.clone();
    let domain = Arc::clone(&app.lib.domain);
    let t = tx.clone();
    let data_dir = locations.data_dir.clone();
    thread::spawn(move || watch_store(locations, domain, current, data_dir, t));
    let searches = spawn_searches(tx.clone());
    let jobs = spawn_worker(tx);
    event_loop(&mut terminal, &mut app, &rx, &searches, &jobs)
}

fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    app: &mut App,
    rx: &Receiver<Msg>,
    searches: &Sender<Effect>,
    jobs: &Sender<Effect>,
) -> Result<()> {
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
                Msg::Signal(signal) => {
                    finish_saves(app, rx, jobs);
                    return Err(Stopped { signal }.into());
                }
                Msg::InputClosed(e) => anyhow::bail!("cannot read the terminal: {e}"),
            }
            for effect in app.take_effects() {
                match effect {
                    Effect::Copy(text) => osc52(terminal.backend_mut(), &text)?,
                    e @ Effect::Search { .. } => {
                        let _ = searches.send(e);
                    }
                    e => {
                        let _ = jobs.send(e);
                    }
                }
            }
            if app.quit {
                finish_saves(app, rx, jobs);
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

/// Waits (a few seconds at most) for the digest saves still on the worker thread, so
/// that quitting right after a mark loses nothing.
fn finish_saves(app: &mut App, rx: &Receiver<Msg>, jobs: &Sender<Effect>) {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        for effect in app.take_effects() {
            if let e @ Effect::SaveDigest { .. } = effect {
                let _ = jobs.send(e);
            }
        }
        if app.digest_sync.pending == 0 {
            return;
        }
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(Msg::Act(a @ Action::DigestSaved(_))) => update::update(app, a),
            Ok(_) => {}
            Err(_) => return,
        }
    }
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

/// Size and modification time of a file, if it exists.
fn stamp(path: &Path) -> Option<(u64, SystemTime)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

/// The store thread: checks the store against the corpus (updating or building it,
/// with progress), then watches the corpus manifest, the store and the digest, and
/// opens the store again whenever it changed.
fn watch_store(
    locations: Locations,
    domain: Arc<Domain>,
    mut current: Option<Opened>,
    data_dir: PathBuf,
    tx: Sender<Msg>,
) {
    let manifest = crate::store::sources::corpus_dir(&locations.corpus).join("manifest.toml");
    let digest_path = Digest::path(&data_dir);
    let mut manifest_seen = stamp(&manifest);
    let mut digest_seen = stamp(&digest_path);
    let mut check = true;
    loop {
        if check {
            let progress_tx = tx.clone();
            let opened = work::guarded("opening the store", || {
                crate::pipeline::open(&locations, false, &mut |p| {
                    let _ = progress_tx.send(Msg::Act(Action::IndexProgress(p)));
                })
            })
            .and_then(|r| r.map_err(|e| format!("{e:#}")));
            match opened {
                Ok((store, info)) => {
                    let same = current.as_ref().is_some_and(|c| {
                        c.store.head().info.generation == store.head().info.generation
                            && info.action == "none"
                    });
                    if !same {
                        let o = Opened::new(store, info, &domain);
                        current = Some(o.clone());
                        if tx
                            .send(Msg::Act(Action::StoreReady(StoreHandle(Box::new(o)))))
                            .is_err()
                        {
                            return;
                        }
                    }
                    let _ = tx.send(Msg::Act(Action::IndexProgress(BuildProgress::Ready)));
                }
                Err(e) => {
                    if tx.send(Msg::Act(Action::IndexFailed(e))).is_err() {
                        return;
                    }
                }
            }
            check = false;
        }
        thread::sleep(WATCH);
        let m = stamp(&manifest);
        if m != manifest_seen {
            manifest_seen = m;
            check = true;
        }
        if current.as_ref().is_some_and(|c| c.store.changed_on_disk()) {
            check = true;
        }
        let d = stamp(&digest_path);
        if d != digest_seen {
            digest_seen = d;
            if let Ok(on_disk) = Digest::load(&data_dir)
                && tx.send(Msg::Act(Action::DigestChanged(on_disk))).is_err()
            {
                return;
            }
        }
    }
}

/// The search thread: answers the latest query after a short pause for more typing;
/// older queries are skipped.
fn spawn_searches(tx: Sender<Msg>) -> Sender<Effect> {
    let (jobs_tx, jobs_rx) = mpsc::channel::<Effect>();
    thread::spawn(move || {
        while let Ok(mut job) = jobs_rx.recv() {
            loop {
                match jobs_rx.recv_timeout(DEBOUNCE) {
                    Ok(newer) => job = newer,
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            for a in work::perform(job) {
                if tx.send(Msg::Act(a)).is_err() {
                    return;
                }
            }
        }
    });
    jobs_tx
}

/// The worker thread: comparisons, exports and digest saves, in order.
fn spawn_worker(tx: Sender<Msg>) -> Sender<Effect> {
    let (jobs_tx, jobs_rx) = mpsc::channel::<Effect>();
    thread::spawn(move || {
        while let Ok(job) = jobs_rx.recv() {
            for a in work::perform(job) {
                if tx.send(Msg::Act(a)).is_err() {
                    return;
                }
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
