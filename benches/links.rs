//! The store and its links at scale, measured through the real binary as a consultant
//! runs it: `cargo bench --bench links` (sizes from `POLICYNAV_BENCH_SIZES`, default
//! `100,1000,10000`; writes `target/links-bench-summary.md`).
//!
//! For each size, on a corpus generated from the bundled documents (other places, scaled
//! figures; see `benches/common`):
//! * a full build (`policynav index --rebuild`): total time, the link pass, peak memory;
//! * every read command as a process, start to exit (median of 5), side by side with a
//!   `search` process and `rg` over the same files in the same run;
//! * one incremental `add` (a new document in the manifest) and one `remove`, each
//!   followed by the first command that sees it.
//!
//! Under `cargo test --benches` it only runs a smoke pass on 20 documents.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

mod common;
use common::{generate, machine, mb, ms};

const BIN: &str = env!("CARGO_BIN_EXE_policynav");

struct Run<'a> {
    corpus: &'a Path,
    index: &'a Path,
    data: &'a Path,
}

impl Run<'_> {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--corpus")
            .arg(self.corpus)
            .arg("--index")
            .arg(self.index)
            .args(args)
            .env("POLICYNAV_DATA_DIR", self.data)
            .env("POLICYNAV_TODAY", "2026-06-01");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = self.cmd(args).output().expect("policynav runs");
        assert!(
            out.status.success() || out.status.code() == Some(1),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_slice(&self.run(args).stdout).expect("json output")
    }

    /// Median wall time of a command as a process, over `rounds` runs.
    fn median(&self, args: &[&str], rounds: usize) -> Duration {
        let mut t: Vec<Duration> = (0..rounds)
            .map(|_| {
                let s = Instant::now();
                self.run(args);
                s.elapsed()
            })
            .collect();
        t.sort();
        t[t.len() / 2]
    }

    /// Peak resident memory of one run, in MB (GNU time).
    fn peak_mb(&self, args: &[&str]) -> Option<f64> {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-f")
            .arg("%M")
            .arg(BIN)
            .arg("--corpus")
            .arg(self.corpus)
            .arg("--index")
            .arg(self.index)
            .args(args)
            .env("POLICYNAV_DATA_DIR", self.data);
        let out = c.output().ok()?;
        let err = String::from_utf8_lossy(&out.stderr);
        err.lines()
            .last()
            .and_then(|l| l.trim().parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
    }
}

fn rg_median(dir: &Path, pattern: &str, rounds: usize) -> Option<Duration> {
    let mut t = Vec::new();
    for _ in 0..rounds {
        let s = Instant::now();
        let out = Command::new("rg")
            .args(["--count-matches", "--fixed-strings", pattern])
            .arg(dir)
            .output()
            .ok()?;
        if !(out.status.success() || out.status.code() == Some(1)) {
            return None;
        }
        t.push(s.elapsed());
    }
    t.sort();
    t.get(t.len() / 2).copied()
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let sizes: Vec<usize> = if full {
        std::env::var("POLICYNAV_BENCH_SIZES")
            .unwrap_or_else(|_| "100,1000,10000".into())
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect()
    } else {
        vec![20]
    };
    let rounds = if full { 5 } else { 1 };
    let mut lines = vec![format!("# links and store benchmark, {}", machine())];
    let mut say = |s: String| {
        println!("{s}");
        lines.push(s);
    };
    for n in sizes {
        let tmp = tempfile::tempdir().expect("temp dir");
        let corpus = tmp.path().join("corpus");
        let bytes = generate(&corpus, n);
        let run = Run {
            corpus: &corpus,
            index: &tmp.path().join("index"),
            data: &tmp.path().join("data"),
        };
        say(format!(
            "\n## {n} documents ({:.1} MB of text)\n",
            mb(bytes)
        ));

        // full build
        let s = Instant::now();
        let info = run.json(&["index", "--rebuild", "--json"]);
        let total = s.elapsed();
        let link_ms = info["link_ms"].as_u64().unwrap_or(0);
        let peak = if full {
            run.peak_mb(&["index", "--rebuild"])
        } else {
            None
        };
        say("| full build | value |\n|---|---|".into());
        say(format!(
            "| provisions / searchable clauses | {} / {} |",
            info["provisions"], info["clauses"]
        ));
        say(format!(
            "| `index --rebuild` process | {:.1} s |",
            total.as_secs_f64()
        ));
        say(format!(
            "| of which: read, clean, structure, analyse, index | {:.1} s |",
            (total.as_millis() as u64).saturating_sub(link_ms) as f64 / 1000.0
        ));
        say(format!(
            "| of which: linking every provision | {:.1} s ({:.0} µs per provision) |",
            link_ms as f64 / 1000.0,
            link_ms as f64 * 1000.0 / info["provisions"].as_f64().unwrap_or(1.0).max(1.0)
        ));
        if let Some(p) = peak {
            say(format!("| peak memory of the build process | {p:.0} MB |"));
        }
        say(format!(
            "| store size | {:.0} MB |",
            mb(info["size_bytes"].as_u64().unwrap_or(0))
        ));

        // read commands as processes, side by side
        let doc = format!("beijing-2024-{:05}", 3);
        let provision = format!("{doc}/6.5");
        say(format!(
            "\n| process, start to exit (median of {rounds}) | time |\n|---|---|"
        ));
        let search = run.median(&["search", "上市补贴", "--json"], rounds);
        let mut row = |what: &str, d: Duration| {
            say(format!(
                "| {what} | {:.0} ms ({:.2}× search) |",
                ms(d),
                d.as_secs_f64() / search.as_secs_f64()
            ))
        };
        row("`search 上市补贴 --json`", search);
        for (what, args) in [
            ("`links ID`", vec!["links", provision.as_str()]),
            (
                "`links ID --json`",
                vec!["links", provision.as_str(), "--json"],
            ),
            ("`show ID`", vec!["show", provision.as_str()]),
            ("`show DOC`", vec!["show", doc.as_str()]),
            ("`docs`", vec!["docs"]),
            ("`docs --json`", vec!["docs", "--json"]),
            ("`facts --doc DOC`", vec!["facts", "--doc", doc.as_str()]),
            ("`compare ID`", vec!["compare", provision.as_str()]),
        ] {
            row(what, run.median(&args, rounds));
        }
        if let Some(rg) = rg_median(&corpus, "上市", rounds) {
            row("`rg --count-matches 上市` over the same files", rg);
        } else {
            say("| rg | not installed |".into());
        }
        if full {
            for (what, args) in [
                ("search", vec!["search", "上市补贴"]),
                ("links", vec!["links", provision.as_str()]),
                ("docs", vec!["docs"]),
            ] {
                if let Some(p) = run.peak_mb(&args) {
                    say(format!("| peak memory of `{what}` | {p:.0} MB |"));
                }
            }
        }

        // one incremental add and remove
        let manifest = corpus.join("manifest.toml");
        let original = std::fs::read_to_string(&manifest).expect("manifest");
        let source = corpus.join(format!("{doc}.txt"));
        std::fs::copy(&source, corpus.join("added.txt")).expect("copy");
        std::fs::write(
            &manifest,
            format!(
                "{original}\n[[document]]\nid = \"added\"\nfile = \"added.txt\"\ntitle = \"新增文件\"\njurisdiction = \"Added\"\nlevel = \"city\"\nstatus = \"final\"\n"
            ),
        )
        .expect("manifest");
        let s = Instant::now();
        let add = run.json(&["index", "--json"]);
        let add_time = s.elapsed();
        assert_eq!(add["action"], "updated", "{add}");
        let hits = run.json(&["search", "上市补贴", "--doc", "added", "--json"]);
        assert!(
            hits["total"].as_u64().unwrap_or(0) > 0,
            "the added document is found"
        );
        std::fs::write(&manifest, &original).expect("manifest");
        let s = Instant::now();
        let remove = run.json(&["index", "--json"]);
        let remove_time = s.elapsed();
        assert_eq!(remove["action"], "updated", "{remove}");
        say("\n| incremental change | process time |\n|---|---|".into());
        say(format!(
            "| add one document (`index` after the manifest gained it) | {:.0} ms |",
            ms(add_time)
        ));
        say(format!("| remove it again | {:.0} ms |", ms(remove_time)));
    }
    let summary = lines.join("\n") + "\n";
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/links-bench-summary.md");
    let _ = std::fs::write(&out, summary);
}
