//! Navigator latency and footprint, on the bundled corpus and on generated ones.
//!
//! * keystroke to frame: `update` + `render` into a TestBackend for a scripted session
//!   (browse, search typing and results, the filter panel, links, compare in both modes
//!   and by amount, the as-of date, digest), at 80×24 and 160×48, on the bundled corpus
//!   and on 1,000 generated documents; target p99 < 16 ms. Work that runs on the worker
//!   threads in the real program (search, facet counts, comparisons, saving the digest)
//!   is timed apart; applying its result is a frame.
//! * first frame and memory at 10,000 generated documents (store already built): the
//!   steps before the first frame in process, and the real binary in a pseudo-terminal
//!   until the document list is on screen, with its resident memory then and after a
//!   session of keys; targets < 150 ms and < 300 MB.
//!
//! Run: `cargo bench --bench tui` (prints a Markdown section for BENCHMARKS.md).
//! `POLICYNAV_BENCH_DIR=DIR` keeps the generated corpora and their stores in DIR between
//! runs; `POLICYNAV_BENCH_DOCS=N` changes the large corpus (default 10000).

#[path = "common/mod.rs"]
mod common;

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use policynav::corpus::CorpusSource;
use policynav::export::Digest;
use policynav::tui::data::Library;
use policynav::tui::keymap::parse_key;
use policynav::tui::state::{App, Effect};
use policynav::tui::{Action, render, update, work};
use policynav::workspace::{Locations, Workspace};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyEvent, KeyModifiers};

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

#[derive(Default)]
struct Timings {
    frames: Vec<Duration>,
    worst: (Duration, String),
    background: Vec<Duration>,
}

/// The scripted session, as keys (`TYPE:` types text one character at a time).
fn script() -> Vec<String> {
    let mut s: Vec<String> = Vec::new();
    let push = |s: &mut Vec<String>, keys: &str| s.extend(keys.split(' ').map(str::to_string));
    // walk the document list (each step reads another document from the store), and
    // every document's outline, opening clauses (the detail re-lays out with its links)
    for _ in 0..5 {
        push(&mut s, "j j j l");
        for _ in 0..25 {
            push(&mut s, "j");
        }
        push(&mut s, "l j j j k h h");
    }
    push(&mut s, "G g pagedown pagedown");
    push(&mut s, "s s");
    // search as you type, walk the hits, open one, follow a link, compare, back
    push(&mut s, "/ TYPE:上市补贴 enter j j j j k enter");
    push(&mut s, "l j j enter H c l l h j j H space");
    // the filter panel: counts, type-to-find, several values, clear
    push(
        &mut s,
        "/ ctrl-u TYPE:专精特新服务券 enter f TYPE:北京 space tab tab tab space down space esc j space ctrl-x",
    );
    // compare a hit, act on it: compact, by amount, mark, re-centre, open
    push(
        &mut s,
        "/ ctrl-u TYPE:上市 enter c v j o j space o v l c enter",
    );
    // the as-of date
    push(&mut s, "t ctrl-u TYPE:2020-01-01 enter t ctrl-u enter");
    push(&mut s, "4 K J ? j j esc 1");
    s
}

fn frame(app: &mut App, term: &mut Terminal<TestBackend>, label: &str, a: Action, t: &mut Timings) {
    let start = Instant::now();
    update(app, a);
    term.draw(|f| render(app, f)).expect("draw");
    let d = start.elapsed();
    if d > t.worst.0 {
        t.worst = (d, format!("{label} at {}x{}", app.size.0, app.size.1));
    }
    t.frames.push(d);
}

/// One scripted session; every key is timed from the action to the finished frame.
fn session(lib: &Library, size: (u16, u16), t: &mut Timings) {
    let mut app = App::new(lib.clone(), Digest::default(), Workspace::today(), size);
    let mut term = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
    term.draw(|f| render(&app, f)).expect("draw");
    for step in script() {
        let actions: Vec<(String, Action)> = match step.strip_prefix("TYPE:") {
            Some(text) => text
                .chars()
                .map(|c| ("typing".to_string(), Action::Insert(c)))
                .collect(),
            None => app
                .key_action(&key_event(&step))
                .map(|a| vec![(step.clone(), a)])
                .unwrap_or_default(),
        };
        for (label, a) in actions {
            frame(&mut app, &mut term, &label, a, t);
            // background work, then its answer as one more frame
            loop {
                let effects: Vec<Effect> = app.take_effects();
                if effects.is_empty() {
                    break;
                }
                for e in effects {
                    let s = Instant::now();
                    let answers = work::perform(e);
                    t.background.push(s.elapsed());
                    for a in answers {
                        frame(&mut app, &mut term, "a background answer", a, t);
                    }
                }
            }
        }
    }
    for (w, h) in [(120, 40), (60, 16), (200, 60), (size.0, size.1)] {
        frame(&mut app, &mut term, "resize", Action::Resize(w, h), t);
    }
}

/// A generated corpus of `n` documents with its store built, kept in `root`.
fn generated(root: &Path, n: usize) -> Locations {
    let dir = root.join(format!("generated-{n}"));
    let corpus = dir.join("corpus");
    if !corpus.join("manifest.toml").is_file() {
        let t = Instant::now();
        common::generate(&corpus, n);
        eprintln!(
            "generated {n} documents in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let locations = Locations {
        corpus: CorpusSource::Folder(corpus),
        index_dir: dir.join("index"),
        data_dir: dir.join("data"),
    };
    let t = Instant::now();
    let (_, info) = policynav::pipeline::open(&locations, false, &mut |_| {}).expect("store");
    if info.action != "none" {
        eprintln!(
            "store of {n} documents {} in {:.1} s",
            info.action,
            t.elapsed().as_secs_f64()
        );
    }
    locations
}

fn proc_kb(pid: u32, field: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse::<f64>()
        .ok()
}

/// The real binary in a pty over `locations`: time from spawn until the document list
/// is drawn; its resident memory then, and after `keys` (and a pause for the
/// background threads).
struct BinaryRun {
    first_frame: Duration,
    rss_first: f64,
    rss_after: f64,
    hwm_after: f64,
}

fn binary_run(locations: &Locations, keys: &[&str]) -> Option<BinaryRun> {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    let exe = PathBuf::from(option_env!("CARGO_BIN_EXE_policynav")?);
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 140,
            pixel_width: 0,
            pixel_height: 0,
        })
        .ok()?;
    let mut cmd = CommandBuilder::new(exe);
    if let CorpusSource::Folder(dir) = &locations.corpus {
        cmd.arg("--corpus");
        cmd.arg(dir);
    }
    cmd.arg("--index");
    cmd.arg(&locations.index_dir);
    cmd.env("POLICYNAV_DATA_DIR", &locations.data_dir);
    cmd.env("TERM", "xterm-256color");
    let start = Instant::now();
    let mut child = pair.slave.spawn_command(cmd).ok()?;
    drop(pair.slave);
    let pid = child.process_id()?;
    let mut reader = pair.master.try_clone_reader().ok()?;
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 16384];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                return;
            }
        }
    });
    let mut parser = vt100::Parser::new(NonZeroU16::new(40)?, NonZeroU16::new(140)?, 0);
    let mut first = None;
    while start.elapsed() < Duration::from_secs(60) {
        if let Ok(b) = rx.recv_timeout(Duration::from_millis(5)) {
            parser.process(&b);
            if parser.screen().contents().contains("Documents") {
                first = Some(start.elapsed());
                break;
            }
        }
    }
    let rss_first = proc_kb(pid, "VmRSS:").unwrap_or(0.0) / 1024.0;
    let mut w = pair.master.take_writer().ok()?;
    // let the store thread check the corpus before the session
    std::thread::sleep(Duration::from_secs(3));
    for k in keys {
        let _ = w.write_all(k.as_bytes());
        let _ = w.flush();
        std::thread::sleep(Duration::from_millis(60));
        while rx.try_recv().is_ok() {}
    }
    std::thread::sleep(Duration::from_secs(2));
    while rx.try_recv().is_ok() {}
    let rss_after = proc_kb(pid, "VmRSS:").unwrap_or(0.0) / 1024.0;
    let hwm_after = proc_kb(pid, "VmHWM:").unwrap_or(0.0) / 1024.0;
    let _ = w.write_all(b"q");
    let _ = w.flush();
    let _ = child.wait();
    Some(BinaryRun {
        first_frame: first?,
        rss_first,
        rss_after,
        hwm_after,
    })
}

/// Sorted frame times per terminal size.
type PerSize = Vec<((u16, u16), Vec<Duration>)>;

fn frame_table(title: &str, per_size: &PerSize, t: &Timings) {
    println!("{title}\n");
    println!("| terminal | frames | p50 ms | p95 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|---|");
    for ((w, h), f) in per_size {
        println!(
            "| {w}×{h} | {} | {} | {} | {} | {} |",
            f.len(),
            ms(percentile(f, 0.5)),
            ms(percentile(f, 0.95)),
            ms(percentile(f, 0.99)),
            ms(*f.last().unwrap_or(&Duration::ZERO))
        );
    }
    let mut bg = t.background.clone();
    bg.sort();
    println!(
        "\nSlowest frame: {} ms ({}). Background work (search, facet counts, comparisons, digest saves; not in the frames): {} jobs, p50 {} ms, p99 {} ms, max {} ms.\n",
        ms(t.worst.0),
        t.worst.1,
        bg.len(),
        ms(percentile(&bg, 0.5)),
        ms(percentile(&bg, 0.99)),
        ms(*bg.last().unwrap_or(&Duration::ZERO))
    );
}

fn frames_on(lib: &Library, rounds: usize) -> (PerSize, Timings) {
    let mut t = Timings::default();
    let mut per_size = Vec::new();
    for size in [(80, 24), (160, 48)] {
        let before = t.frames.len();
        for _ in 0..rounds {
            session(lib, size, &mut t);
        }
        let mut f = t.frames[before..].to_vec();
        f.sort();
        per_size.push((size, f));
    }
    (per_size, t)
}

fn main() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = std::env::var_os("POLICYNAV_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_path_buf());
    let large: usize = std::env::var("POLICYNAV_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    policynav::tui::wrap::load_segmenter();

    // the bundled corpus
    let bundled = Locations::bundled_in(&root.join("bundled"));
    policynav::pipeline::open(&bundled, false, &mut |_| {}).expect("bundled store");
    let lib = policynav::tui::terminal::open_library(&bundled).expect("library");
    let (bundled_frames, bundled_t) = frames_on(&lib, 3);

    // 1,000 generated documents
    let thousand = generated(&root, 1000);
    let lib = policynav::tui::terminal::open_library(&thousand).expect("library");
    let (k_frames, k_t) = frames_on(&lib, 2);

    // the large corpus: first frame, memory, and keystrokes
    let big = generated(&root, large);
    let start = Instant::now();
    let lib = policynav::tui::terminal::open_library(&big).expect("library");
    let t_open = start.elapsed();
    let digest = Digest::load(&big.data_dir).unwrap_or_default();
    let app = App::new(lib.clone(), digest, Workspace::today(), (140, 40));
    let t_app = start.elapsed();
    let mut term = Terminal::new(TestBackend::new(140, 40)).expect("terminal");
    term.draw(|f| render(&app, f)).expect("draw");
    let t_frame = start.elapsed();
    let (big_frames, big_t) = frames_on(&lib, 1);
    let keys = [
        "j", "j", "j", "l", "j", "j", "l", "j", "/", "上", "市", "补", "贴", "\r", "j", "\r", "c",
        "v", "o", "4", "1", "G", "g",
    ];
    let runs: Vec<BinaryRun> = (0..3).filter_map(|_| binary_run(&big, &keys)).collect();

    println!("## TUI\n");
    println!(
        "`cargo bench --bench tui` (release), {}.\n",
        common::machine()
    );
    println!(
        "A scripted session: walk the document list and every outline (each step reads from the store and re-lays out the detail pane with its links), toggle the script, type 上市补贴 and 专精特新服务券 character by character, walk and open hits, follow a link, open the filter panel (counts, type-to-find, several values, clear), compare a hit and act on it (compact mode, sort by amount, mark, re-centre, open), change the as-of date, reorder the digest, help, resize. Each key is timed from the action to the finished frame (update + render into a TestBackend).\n"
    );
    frame_table(
        "### Keystroke to frame, bundled corpus (5 documents), 3 sessions per size",
        &bundled_frames,
        &bundled_t,
    );
    frame_table(
        "### Keystroke to frame, 1,000 generated documents, 2 sessions per size",
        &k_frames,
        &k_t,
    );
    frame_table(
        &format!("### Keystroke to frame, {large} generated documents, 1 session per size"),
        &big_frames,
        &big_t,
    );
    println!("### First frame and memory, {large} generated documents, store built\n");
    println!("| step | ms |");
    println!("|---|---|");
    println!(
        "| open the library: domain rules, the store's catalog ({} documents) | {} |",
        lib.len(),
        ms(t_open)
    );
    println!(
        "| + `App::new` (visible rows, outline, detail) | {} |",
        ms(t_app)
    );
    println!("| + first frame drawn (in process) | {} |", ms(t_frame));
    for (i, r) in runs.iter().enumerate() {
        println!(
            "| real binary in a pty, spawn → document list on screen, run {} | {} |",
            i + 1,
            ms(r.first_frame)
        );
    }
    println!("\n| real binary, resident memory | MB |");
    println!("|---|---|");
    for (i, r) in runs.iter().enumerate() {
        println!(
            "| run {}: at the first frame / after a session of keys / high-water mark | {:.0} / {:.0} / {:.0} |",
            i + 1,
            r.rss_first,
            r.rss_after,
            r.hwm_after
        );
    }
    println!("\nTargets: first frame < 150 ms, resident memory < 300 MB, keystroke p99 < 16 ms.");
}
