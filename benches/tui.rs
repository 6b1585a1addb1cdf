//! Navigator latency on the bundled corpus.
//!
//! * keystroke to frame: `update` + `render` into a TestBackend for a scripted session
//!   (browse, search typing and results, links, compare, digest), at 80×24 and 160×48;
//!   target p99 < 16 ms. Search itself runs on a worker thread in the real program, so
//!   it is timed separately (the UI only applies its results, which is included).
//! * cold start to first frame with a built index: in-process breakdown, and the real
//!   binary in a pseudo-terminal until the document list is on screen; target < 150 ms.
//!
//! Run: `cargo bench --bench tui` (prints a Markdown table for BENCHMARKS.md).

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::Arc;
use std::time::{Duration, Instant};

use policynav::export::Digest;
use policynav::search::{BuildProgress, SearchIndex};
use policynav::tui::keymap::parse_key;
use policynav::tui::state::{App, Effect};
use policynav::tui::{Action, render, update};
use policynav::workspace::{Locations, Workspace};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyEvent, KeyModifiers};

fn locations(dir: &std::path::Path) -> Locations {
    Locations::bundled_in(dir)
}

fn key_event(k: &str) -> KeyEvent {
    let spec = parse_key(k).expect("key");
    let mut mods = KeyModifiers::NONE;
    if spec.ctrl {
        mods |= KeyModifiers::CONTROL;
    }
    if spec.alt {
        mods |= KeyModifiers::ALT;
    }
    KeyEvent::new(spec.code, mods)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

struct Timings {
    frames: Vec<Duration>,
    worst: (Duration, String),
    search: Vec<Duration>,
}

/// One scripted session; every key is timed from the action to the finished frame.
fn session(ws: &Arc<Workspace>, index: &SearchIndex, size: (u16, u16), t: &mut Timings) {
    let mut app = App::new(Arc::clone(ws), Digest::default(), Workspace::today(), size);
    update(&mut app, Action::LinksReady);
    update(&mut app, Action::IndexProgress(BuildProgress::Ready));
    let mut term = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
    term.draw(|f| render(&app, f)).expect("draw");

    let mut script: Vec<String> = Vec::new();
    let push = |s: &mut Vec<String>, keys: &str| s.extend(keys.split(' ').map(str::to_string));
    // browse every document's outline, opening clauses (detail with links rewraps each time)
    for _ in 0..5 {
        push(&mut script, "l");
        for _ in 0..25 {
            push(&mut script, "j");
        }
        push(&mut script, "l j j j k h h j");
    }
    push(&mut script, "s s");
    // search as you type, then walk the hits and open one
    push(&mut script, "/ TYPE:上市补贴 enter j j j j k enter");
    // follow links, compare, scroll, back
    push(&mut script, "j j enter H c l l h j j H space");
    push(
        &mut script,
        "/ ctrl-u TYPE:专精特新服务券 alt-j alt-s enter j space",
    );
    push(&mut script, "4 K J ? j j esc 1");

    let time = |app: &mut App,
                term: &mut Terminal<TestBackend>,
                label: &str,
                action: Action,
                t: &mut Timings| {
        let start = Instant::now();
        update(app, action);
        term.draw(|f| render(app, f)).expect("draw");
        let d = start.elapsed();
        if d > t.worst.0 {
            t.worst = (d, format!("{label} at {}x{}", size.0, size.1));
        }
        t.frames.push(d);
        // searches run off the UI thread; their results arrive as one more action
        for e in app.take_effects() {
            if let Effect::Search {
                generation,
                request,
            } = e
            {
                let s = Instant::now();
                let r = index.search(&request).map_err(|e| format!("{e:#}"));
                t.search.push(s.elapsed());
                let start = Instant::now();
                update(app, Action::SearchDone(generation, r));
                term.draw(|f| render(app, f)).expect("draw");
                let d = start.elapsed();
                if d > t.worst.0 {
                    t.worst = (d, format!("search results at {}x{}", size.0, size.1));
                }
                t.frames.push(d);
            }
        }
    };
    for step in &script {
        if let Some(text) = step.strip_prefix("TYPE:") {
            for c in text.chars() {
                time(&mut app, &mut term, "typing", Action::Insert(c), t);
            }
        } else if let Some(a) = app.key_action(&key_event(step)) {
            time(&mut app, &mut term, step, a, t);
        }
    }
    for (w, h) in [(120, 40), (60, 16), (200, 60), (size.0, size.1)] {
        time(&mut app, &mut term, "resize", Action::Resize(w, h), t);
    }
}

/// The real binary in a pty: time from spawn until the document list is drawn.
fn binary_first_frame(dir: &std::path::Path) -> Option<Duration> {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    let exe = std::path::PathBuf::from(option_env!("CARGO_BIN_EXE_policynav")?);
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 140,
            pixel_width: 0,
            pixel_height: 0,
        })
        .ok()?;
    let mut cmd = CommandBuilder::new(exe);
    cmd.arg("--index");
    cmd.arg(dir.join("index"));
    cmd.env("POLICYNAV_DATA_DIR", dir.join("data"));
    cmd.env("TERM", "xterm-256color");
    let start = Instant::now();
    let mut child = pair.slave.spawn_command(cmd).ok()?;
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().ok()?;
    let mut parser = vt100::Parser::new(NonZeroU16::new(40)?, NonZeroU16::new(140)?, 0);
    let mut buf = [0u8; 16384];
    let mut first = None;
    while start.elapsed() < Duration::from_secs(20) {
        let n = reader.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        parser.process(&buf[..n]);
        if parser.screen().contents().contains("Documents") {
            first = Some(start.elapsed());
            break;
        }
    }
    let mut w = pair.master.take_writer().ok()?;
    let _ = w.write_all(b"q");
    let _ = w.flush();
    let _ = child.wait();
    first
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    // build the index once (the "built index" of the cold-start target)
    {
        let ws = Workspace::open(locations(dir.path())).expect("workspace");
        SearchIndex::open_or_build(&ws, &mut |_| {}).expect("index");
    }

    // cold start, in process: the same steps as tui::run before its first frame
    let start = Instant::now();
    let ws = Arc::new(Workspace::open(locations(dir.path())).expect("workspace"));
    let t_open = start.elapsed();
    let digest = Digest::load(&ws.locations.data_dir).unwrap_or_default();
    let mut app = App::new(Arc::clone(&ws), digest, Workspace::today(), (160, 48));
    let t_app = start.elapsed();
    let mut term = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    term.draw(|f| render(&app, f)).expect("draw");
    let t_frame = start.elapsed();
    let s = Instant::now();
    policynav::tui::wrap::load_segmenter();
    let t_jieba = s.elapsed();
    let s = Instant::now();
    let index = SearchIndex::open_or_build(&ws, &mut |_| {}).expect("index");
    let t_index = s.elapsed();
    // the links are in the store the workspace was read from
    let t_links = Duration::ZERO;
    update(&mut app, Action::LinksReady);

    let binary: Vec<Duration> = (0..5)
        .filter_map(|_| binary_first_frame(dir.path()))
        .collect();

    let mut t = Timings {
        frames: Vec::new(),
        worst: (Duration::ZERO, String::new()),
        search: Vec::new(),
    };
    let mut per_size = Vec::new();
    for size in [(80, 24), (160, 48)] {
        let before = t.frames.len();
        for _ in 0..3 {
            session(&ws, &index, size, &mut t);
        }
        let mut f = t.frames[before..].to_vec();
        f.sort();
        per_size.push((size, f));
    }
    let mut all = t.frames.clone();
    all.sort();
    let mut search = t.search.clone();
    search.sort();

    println!("## TUI\n");
    println!(
        "`cargo bench --bench tui` (release), bundled corpus, {} cores.\n",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    println!("### Keystroke to frame (update + render into a TestBackend)\n");
    println!("| terminal | frames | p50 ms | p95 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|---|");
    for ((w, h), f) in &per_size {
        println!(
            "| {w}×{h} | {} | {} | {} | {} | {} |",
            f.len(),
            ms(percentile(f, 0.5)),
            ms(percentile(f, 0.95)),
            ms(percentile(f, 0.99)),
            ms(*f.last().unwrap_or(&Duration::ZERO))
        );
    }
    println!(
        "| all | {} | {} | {} | {} | {} |\n",
        all.len(),
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.95)),
        ms(percentile(&all, 0.99)),
        ms(*all.last().unwrap_or(&Duration::ZERO))
    );
    println!(
        "Slowest frame: {} ms ({}). Target p99 < 16 ms.\n",
        ms(t.worst.0),
        t.worst.1
    );
    println!(
        "Search on the worker thread (not in the frame times): {} queries, p50 {} ms, p99 {} ms.\n",
        search.len(),
        ms(percentile(&search, 0.5)),
        ms(percentile(&search, 0.99))
    );
    println!("### Cold start with a built index\n");
    println!("| step | ms |");
    println!("|---|---|");
    println!(
        "| Workspace::open (corpus, figures, measure types) | {} |",
        ms(t_open)
    );
    println!("| + App::new (outline, detail laid out) | {} |", ms(t_app));
    println!("| + first frame drawn | {} |", ms(t_frame));
    for (i, b) in binary.iter().enumerate() {
        println!(
            "| real binary in a pty, spawn to document list on screen, run {} | {} |",
            i + 1,
            ms(*b)
        );
    }
    println!(
        "| background: jieba load (word-boundary wrapping) | {} |",
        ms(t_jieba)
    );
    println!("| background: open the built index | {} |", ms(t_index));
    println!("| background: cross-links | {} |", ms(t_links));
    println!(
        "\nTarget: first frame < 150 ms. jieba, the index and the cross-links load on threads after the first frame; until jieba is in, text wraps between characters (figures and punctuation rules still hold) and is re-wrapped at word boundaries when it arrives."
    );
}
