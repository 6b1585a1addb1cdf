//! The real binary in a pseudo-terminal, read back through a vt100 screen parser:
//! the consultant's whole errand (search, open, follow the equivalent, compare, collect,
//! export, quit); acting on a comparison, the filter panel and the as-of date; a
//! document added from another terminal appearing; two navigators sharing one digest;
//! and the terminal given back as it was found, also on SIGTERM and SIGQUIT.
//!
//! Every wait polls the screen with a generous deadline (the machine may be busy);
//! nothing here is a timing assertion.

#![cfg(unix)]

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const ROWS: u16 = 40;
const COLS: u16 = 140;
const SLOW: Duration = Duration::from_secs(240);
const STEP: Duration = Duration::from_secs(60);

struct Session {
    parser: vt100::Parser,
    rx: Receiver<Vec<u8>>,
    raw: Vec<u8>,
    writer: Box<dyn Write + Send>,
    master: Box<dyn MasterPty + Send>,
    child: Box<dyn Child + Send + Sync>,
}

/// A failed assertion must not leave the navigator running on a dead terminal.
impl Drop for Session {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Session {
    fn start(dir: &Path) -> Session {
        Session::start_in(dir, &dir.join("data"))
    }

    fn start_in(dir: &Path, data: &Path) -> Session {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_policynav"));
        cmd.arg("--index");
        cmd.arg(dir.join("index"));
        cmd.env("POLICYNAV_DATA_DIR", data);
        cmd.env("POLICYNAV_TODAY", "2026-06-01");
        cmd.env("HOME", dir.join("home"));
        cmd.env("TERM", "xterm-256color");
        cmd.cwd(dir);
        let child = pair.slave.spawn_command(cmd).expect("policynav starts");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => {
                        if tx.send(buf[..n].to_vec()).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        Session {
            parser: vt100::Parser::new(
                NonZeroU16::new(ROWS).unwrap(),
                NonZeroU16::new(COLS).unwrap(),
                0,
            ),
            rx,
            raw: Vec::new(),
            writer,
            master: pair.master,
            child,
        }
    }

    fn feed(&mut self, bytes: Vec<u8>) {
        self.parser.process(&bytes);
        self.raw.extend(bytes);
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Polls until `pred` holds for the screen, or fails showing the screen.
    fn wait(&mut self, what: &str, timeout: Duration, pred: impl Fn(&Session) -> bool) {
        let deadline = Instant::now() + timeout;
        loop {
            if pred(self) {
                return;
            }
            match self.rx.recv_timeout(Duration::from_millis(50)) {
                Ok(b) => self.feed(b),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    if pred(self) {
                        return;
                    }
                    panic!(
                        "policynav ended while waiting for {what}; screen:\n{}",
                        self.screen()
                    );
                }
            }
            while let Ok(b) = self.rx.try_recv() {
                self.feed(b);
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{}", self.screen());
            }
        }
    }

    /// Waits until the document list is drawn and the store is ready.
    fn wait_ready(&mut self) {
        self.wait("the document list", SLOW, |s| {
            s.screen().contains("Documents") && s.screen().contains("documents ·")
        });
    }

    fn wait_text(&mut self, text: &str, timeout: Duration) {
        let t = text.to_string();
        self.wait(text, timeout, move |s| s.screen().contains(&t));
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// The text of the screen cells drawn in reverse video (the selection).
    fn selected(&self) -> String {
        let screen = self.parser.screen();
        let mut out = String::new();
        for row in 0..ROWS {
            for col in 0..COLS {
                if let Some(cell) = screen.cell(row, col)
                    && cell.inverse()
                {
                    out.push_str(cell.contents());
                }
            }
            out.push('\n');
        }
        out
    }

    /// Reads until the program has been quiet for a moment, so that a frame that
    /// arrived in several reads is seen whole.
    fn settle(&mut self) {
        while let Ok(b) = self.rx.recv_timeout(Duration::from_millis(150)) {
            self.feed(b);
        }
    }

    /// Presses `key` until the selection shows `text`.
    fn select(&mut self, key: &str, text: &str) {
        self.settle();
        for _ in 0..60 {
            if self.selected().contains(text) {
                return;
            }
            let before = self.selected();
            self.send(key);
            let b = before.clone();
            self.wait(
                &format!("the selection to move towards {text}"),
                STEP,
                move |s| s.selected() != b,
            );
            self.settle();
        }
        panic!("{text} never got selected; screen:\n{}", self.screen());
    }

    /// The terminal's line discipline flags (ICANON, ECHO …) as the program left them.
    fn lflag(&self) -> Option<libc::tcflag_t> {
        let fd = self.master.as_raw_fd()?;
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: fd is the open master of the pty pair; t is a valid termios to fill.
        (unsafe { libc::tcgetattr(fd, &mut t) } == 0).then_some(t.c_lflag)
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + STEP;
        loop {
            while let Ok(b) = self.rx.try_recv() {
                self.feed(b);
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                // collect what was written last
                while let Ok(b) = self.rx.recv_timeout(Duration::from_millis(300)) {
                    self.feed(b);
                }
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("policynav did not exit; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Asserts the terminal is back to normal: main screen, cursor shown, mouse and
    /// bracketed paste off, canonical mode and echo on.
    fn assert_restored(&self) {
        let screen = self.parser.screen();
        assert!(!screen.alternate_screen(), "still on the alternate screen");
        assert!(!screen.hide_cursor(), "cursor left hidden");
        let raw = String::from_utf8_lossy(&self.raw);
        let last_enter = raw
            .rfind("\x1b[?1049h")
            .expect("the alternate screen was used");
        let tail = &raw[last_enter..];
        for (seq, what) in [
            ("\x1b[?1049l", "leave the alternate screen"),
            ("\x1b[?2004l", "bracketed paste off"),
            ("\x1b[?1000l", "mouse reporting off"),
            ("\x1b[?25h", "show the cursor"),
        ] {
            assert!(tail.contains(seq), "missing at exit: {what}");
        }
        #[cfg(target_os = "linux")]
        assert!(
            self.lflag().is_some(),
            "the pty's line discipline can be read after exit"
        );
        if let Some(l) = self.lflag() {
            assert!(l & libc::ICANON != 0, "raw mode left on (no ICANON)");
            assert!(l & libc::ECHO != 0, "raw mode left on (no ECHO)");
        }
    }
}

#[test]
fn search_open_follow_compare_collect_export_quit() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("home")).unwrap();
    let mut s = Session::start(dir.path());

    // first start builds the index, with progress shown rather than a frozen screen
    s.wait("the document list", SLOW, |s| {
        s.screen().contains("Documents")
    });
    #[cfg(target_os = "linux")]
    assert!(s.lflag().is_some(), "the pty's line discipline can be read");
    if let Some(l) = s.lflag() {
        assert_eq!(l & libc::ICANON, 0, "the navigator runs in raw mode");
    }
    s.wait_ready();

    // search for 上市 and open the Beijing 300万 listing clause
    s.send("/");
    s.wait_text("Search (any script", STEP);
    s.send("上市");
    // the answer to the last keystroke is in (not "searching…")
    s.wait("the hits for 上市", STEP, |s| {
        let screen = s.screen();
        screen.contains("hits │")
            && !screen.contains("searching")
            && screen.contains("beijing-2021/9.4")
    });
    s.send("\r");
    s.select("j", "beijing-2024/6.5");
    s.wait_text("300万元", STEP);
    s.send("\r");
    s.wait_text("The same measure elsewhere", STEP);
    // the other Beijing clause is among its equivalents
    s.wait_text("beijing-2021/9.4", STEP);

    // the comparison
    s.send("c");
    s.wait_text("Compare: the measure of beijing-2024/6.5", STEP);
    s.wait_text("Baotou", STEP);

    // back to the clause; mark it and the equivalent
    s.send("H");
    s.wait_text("BROWSE", STEP);
    s.send(" ");
    s.wait_text("Digest (1)", STEP);
    s.select("j", "beijing-2021/9.4");
    s.send("\r");
    s.wait_text("北京市 beijing-2021/9.4", STEP);
    s.send(" ");
    s.wait_text("Digest (2)", STEP);

    // export a Markdown digest to a path typed by the user
    let out = dir.path().join("摘要.md");
    s.send("4");
    s.wait_text("DIGEST", STEP);
    s.send("e");
    s.wait_text("Export the digest", STEP);
    s.send("\x15");
    s.send(&out.display().to_string());
    s.send("\r");
    s.wait_text("exported 2 clauses", STEP);

    s.send("q");
    let status = s.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    s.assert_restored();

    let md = std::fs::read_to_string(&out).expect("the digest file");
    assert!(md.contains("beijing-2024") || md.contains("6.5"), "{md}");
    assert!(md.contains("300"), "{md}");
    // the digest was saved for the next start
    let saved = std::fs::read_to_string(dir.path().join("data/digest.json")).unwrap();
    assert!(
        saved.contains("beijing-2024/6.5") && saved.contains("beijing-2021/9.4"),
        "{saved}"
    );
}

#[test]
fn sigterm_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("home")).unwrap();
    let mut s = Session::start(dir.path());
    s.wait("the document list", SLOW, |s| {
        s.screen().contains("Documents")
    });
    let pid = s.child.process_id().expect("a pid");
    // SAFETY: signalling our own child process.
    unsafe {
        libc::kill(pid as libc::pid_t, libc::SIGTERM);
    }
    let status = s.wait_exit();
    // 128 + 15, as a shell reports a process stopped by SIGTERM
    assert_eq!(status.exit_code(), 143, "{status:?}");
    s.assert_restored();
}

#[test]
fn compare_open_mark_filters_and_the_date() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("home")).unwrap();
    let mut s = Session::start(dir.path());
    s.wait_ready();
    s.wait_text("as of 2026-06-01", STEP);

    // the as-of date: Baotou's draft term ended 2025-12-31; on 2025-01-01 it had not
    s.wait_text("term ended", STEP);
    s.send("t");
    s.wait_text("Status badges as of which day?", STEP);
    s.send("\x15");
    s.send("2025-01-01\r");
    s.wait_text("AS OF 2025-01-01", STEP);
    s.wait("the badges of 2025-01-01", STEP, |s| {
        !s.screen().contains("term ended")
    });
    s.send("t");
    s.wait_text("Status badges as of which day?", STEP);
    s.send("\x15\r");
    s.wait_text("as of 2026-06-01", STEP);

    // the filter panel: counts for the query, type-to-find, a value chosen, kept on Esc
    s.send("/");
    s.wait_text("Search (any script", STEP);
    s.send("上市");
    s.wait("the hits for 上市", STEP, |s| {
        s.screen().contains("hits │") && s.screen().contains("beijing-2021/9.4")
    });
    s.send("\r");
    s.send("f");
    s.wait_text("Filters ·", STEP);
    s.wait_text("hits with these filters", STEP);
    s.send("北京");
    s.wait_text("[ ] 北京市 Beijing", STEP);
    s.send(" ");
    s.wait_text("[x] 北京市 Beijing", STEP);
    s.send("\x1b");
    s.wait_text("filters: 北京市", STEP);
    s.wait("only Beijing hits", STEP, |s| {
        let screen = s.screen();
        !screen.contains("haidian-2013/") && screen.contains("北京市 beijing-")
    });

    // compare a hit, then act on the comparison: compact, mark, open
    s.select("j", "beijing-2024/6.5");
    s.send("c");
    s.wait_text("Compare: the measure of beijing-2024/6.5", STEP);
    s.wait_text("origin", STEP);
    s.send("v");
    s.wait_text("本条 origin", STEP);
    s.send(" ");
    s.wait_text("Digest (1)", STEP);
    // the mark moved the cursor to the next provision; Enter opens it in Browse
    s.settle();
    let next = s.selected();
    let id = next
        .split_whitespace()
        .find(|w| w.contains('/') && w.contains('-'))
        .unwrap_or_else(|| panic!("no clause id selected: {next}"))
        .to_string();
    s.send("\r");
    s.wait_text("BROWSE", STEP);
    s.wait_text(&format!(" {id} "), STEP);
    s.send(" ");
    s.wait_text("Digest (2)", STEP);

    s.send("q");
    let status = s.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    s.assert_restored();
    let saved = std::fs::read_to_string(dir.path().join("data/digest.json")).unwrap();
    assert!(
        saved.contains("beijing-2024/6.5") && saved.contains(&id),
        "{saved}"
    );
}

#[test]
fn a_document_added_from_another_terminal_appears() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("home")).unwrap();
    let mut s = Session::start(dir.path());
    s.wait_ready();
    s.wait_text("5 documents", STEP);
    let file = dir.path().join("added.txt");
    std::fs::write(
        &file,
        "测试市支持中小企业发展的若干措施\n\n一、支持企业上市\n1.对在境内外证券交易所上市的企业，市财政给予一次性奖励200万元。\n2.对在新三板挂牌的企业，给予奖励50万元。\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_policynav"))
        .args(["--index"])
        .arg(dir.path().join("index"))
        .arg("add")
        .arg(&file)
        .args([
            "--id",
            "testville-2026",
            "--jurisdiction",
            "Testville",
            "--jurisdiction-zh",
            "测试市",
            "--level",
            "city",
        ])
        .env("POLICYNAV_DATA_DIR", dir.path().join("data"))
        .env("HOME", dir.path().join("home"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // no restart: the navigator notices and reads the store again
    s.wait_text("6 documents", SLOW);
    s.wait_text("测试市", STEP);
    s.send("q");
    assert!(s.wait_exit().success());
    s.assert_restored();
}

#[test]
fn two_navigators_share_one_digest() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("home")).unwrap();
    let data = dir.path().join("data");
    let mut a = Session::start_in(dir.path(), &data);
    a.wait_ready();
    let mut b = Session::start_in(dir.path(), &data);
    b.wait_ready();
    // A marks the first clause of the first document
    a.send("l");
    a.settle();
    a.send(" ");
    a.wait_text("Digest (1)", STEP);
    // B sees it without a restart, then marks another: both are kept
    b.wait_text("Digest (1)", STEP);
    b.send("j");
    b.send("l");
    b.settle();
    b.send(" ");
    b.wait_text("Digest (2)", STEP);
    a.wait_text("Digest (2)", STEP);
    a.send("q");
    b.send("q");
    assert!(a.wait_exit().success());
    assert!(b.wait_exit().success());
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data.join("digest.json")).unwrap()).unwrap();
    assert_eq!(saved["ids"].as_array().unwrap().len(), 2, "{saved}");
}

#[test]
fn sigquit_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("home")).unwrap();
    let mut s = Session::start(dir.path());
    s.wait("the document list", SLOW, |s| {
        s.screen().contains("Documents")
    });
    let pid = s.child.process_id().expect("a pid");
    // SAFETY: signalling our own child process.
    unsafe {
        libc::kill(pid as libc::pid_t, libc::SIGQUIT);
    }
    let status = s.wait_exit();
    // 128 + 3, as a shell reports a process stopped by SIGQUIT
    assert_eq!(status.exit_code(), 131, "{status:?}");
    s.assert_restored();
}
