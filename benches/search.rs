//! Search benchmarks: index build and end-to-end query latency (top 10 with snippets)
//! on the bundled corpus and on a generated corpus of 10,000 documents, the same
//! queries timed with ripgrep, and the peak memory of the search process.
//!
//! `cargo bench --bench search` (about 10 minutes on 2 cores). `POLICYNAV_BENCH_DOCS`
//! changes the size of the generated corpus (default 10000). A summary in Markdown is
//! printed at the end and written to `target/search-bench-summary.md`.
//!
//! Under `cargo test --benches` (no `--bench` flag) it only runs a quick smoke pass
//! over the bundled corpus.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::Criterion;

mod common;
#[path = "common/queries.rs"]
mod queries;
use common::{generate, machine, mb, ms};
use policynav::search::{Filters, SearchIndex, SearchRequest};
use policynav::workspace::{Locations, Workspace};
use queries::QUERIES;

/// Queries that name a measure in a consultant's words (concept matching, instrument
/// families, re-ranking), timed separately so the figures above stay comparable.
const CONCEPT_QUERIES: &[&str] = &[
    "展位费补贴",
    "上市奖励",
    "支持企业上市",
    "信用評級",
    "技改补助",
    "專精特新板",
];

/// For ripgrep: the literal each query would be grepped for.
const RG_PATTERNS: &[&str] = &[
    "上市",
    "300万",
    "70%",
    "专精特新",
    "知识产权质押",
    "资金补贴",
    "首台套",
    "网络安全",
    "贴息",
    "小巨人",
    "人才",
    "数字化",
];

struct Measured {
    lines: Vec<String>,
}

impl Measured {
    fn add(&mut self, line: String) {
        println!("{line}");
        self.lines.push(line);
    }
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let tmp = tempfile::tempdir().expect("temp dir");
    // SAFETY: set before any thread is started by this process.
    unsafe { std::env::set_var("POLICYNAV_DATA_DIR", tmp.path().join("data")) };
    let mut criterion = Criterion::default()
        .configure_from_args()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    let mut out = Measured { lines: Vec::new() };
    out.add(format!("# search benchmark, {}", machine()));

    // ---- bundled corpus
    let bundled_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let idx = tmp.path().join("index-bundled");
    let ws =
        Workspace::open(Locations::resolve(Some(&bundled_dir), Some(&idx)).expect("locations"))
            .expect("bundled corpus opens");
    let start = Instant::now();
    let index = SearchIndex::rebuild(&ws, &mut |_| {}).expect("index builds");
    let first_build = start.elapsed();
    let info = index.info().clone();
    out.add(format!(
        "bundled: {} clauses, {:.2} MB text, first build {:.0} ms ({:.1} MB/s), index {:.2} MB",
        info.clauses,
        mb(info.text_bytes),
        ms(first_build),
        mb(info.text_bytes) / first_build.as_secs_f64(),
        mb(info.size_bytes)
    ));
    if !full {
        // smoke pass for `cargo test --benches`
        for q in QUERIES.iter().chain(CONCEPT_QUERIES) {
            let r = index.search(&request(q)).expect("query runs");
            assert!(r.total > 0, "{q} finds nothing");
        }
        return;
    }
    criterion.bench_function("build/bundled", |b| {
        b.iter(|| SearchIndex::rebuild(&ws, &mut |_| {}).expect("index builds"))
    });
    let index = SearchIndex::open_or_build(&ws, &mut |_| {}).expect("index opens");
    {
        let mut group = criterion.benchmark_group("query/bundled");
        for q in QUERIES {
            group.bench_function(*q, |b| {
                b.iter(|| index.search(&request(q)).expect("query runs"))
            });
        }
        group.finish();
    }
    let (p50, p99) = latency(&index, QUERIES, 200);
    let rg = rg_time(&bundled_dir, 20);
    out.add(format!(
        "bundled query, top 10 with snippets: p50 {:.2} ms, p99 {:.2} ms (12 queries x 200); {}",
        ms(p50),
        ms(p99),
        versus_rg(rg, |rg| format!(
            "rg over the same files: median {:.2} ms per query (process)",
            ms(rg)
        ))
    ));
    let cli = cli_time(&bundled_dir, &idx, 10);
    out.add(format!(
        "bundled CLI end to end (`policynav search`, process start to exit): median {:.0} ms; {}",
        ms(cli),
        versus_rg(rg, |rg| format!(
            "ratio to rg {:.0}x",
            cli.as_secs_f64() / rg.as_secs_f64()
        ))
    ));
    out.add(format!(
        "bundled CLI peak RSS: {:.0} MB",
        peak_rss_mb(&bundled_dir, &idx)
    ));
    drop(index);

    // ---- generated corpus
    let n: usize = std::env::var("POLICYNAV_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    // POLICYNAV_BENCH_STORE=DIR: a generated corpus in DIR/corpus whose store is built in
    // DIR/index already (the navigator benchmark's layout): the queries are measured on
    // it, nothing is generated or built
    let reuse = std::env::var_os("POLICYNAV_BENCH_STORE").map(std::path::PathBuf::from);
    let (gen_dir, gen_idx) = match &reuse {
        Some(dir) => (dir.join("corpus"), dir.join("index")),
        None => (
            tmp.path().join("generated"),
            tmp.path().join("index-generated"),
        ),
    };
    drop(ws);
    let gen_locations = Locations::resolve(Some(&gen_dir), Some(&gen_idx)).expect("locations");
    if reuse.is_none() {
        let start = Instant::now();
        let bytes = generate(&gen_dir, n);
        out.add(format!(
            "generated {n} documents, {:.0} MB, in {:.1} s",
            mb(bytes),
            start.elapsed().as_secs_f64()
        ));

        // What `policynav index --rebuild` does: read, clean, structure and analyse each
        // document in turn and index it, never holding the corpus.
        let hwm_before = vm_hwm_mb();
        let start = Instant::now();
        let index = SearchIndex::rebuild_at(&gen_locations, &mut |_| {}).expect("index builds");
        let build = start.elapsed();
        let info = index.info().clone();
        out.add(format!(
            "generated: {} clauses, {:.0} MB clause text ({:.0} MB source), build from the files (load, clean, structure, analyse, index) {:.1} s = {:.1} MB/s of clause text, {:.1} MB/s of source, index {:.0} MB",
            info.clauses,
            mb(info.text_bytes),
            mb(bytes),
            build.as_secs_f64(),
            mb(info.text_bytes) / build.as_secs_f64(),
            mb(bytes) / build.as_secs_f64(),
            mb(info.size_bytes)
        ));
        out.add(format!(
            "generated: RSS high-water mark of this bench process after the streaming build {:.0} MB (before: {hwm_before:.0} MB)",
            vm_hwm_mb()
        ));
        drop(index);
    }
    let start = Instant::now();
    let index = SearchIndex::open_or_build_at(&gen_locations, &mut |_| {}).expect("index opens");
    out.add(format!(
        "generated: reopening the built index (stat every input, check the index files) {:.1} ms",
        ms(start.elapsed())
    ));
    assert_eq!(index.info().action, "none", "the index was up to date");
    {
        let mut group = criterion.benchmark_group("query/generated");
        for q in QUERIES {
            group.bench_function(*q, |b| {
                b.iter(|| index.search(&request(q)).expect("query runs"))
            });
        }
        group.finish();
    }
    let (p50, p99) = latency(&index, QUERIES, 100);
    let (c50, c99) = latency(&index, CONCEPT_QUERIES, 100);
    out.add(format!(
        "generated concept queries (a measure named in other words, families, re-ranking), top 10 with snippets: p50 {:.2} ms, p99 {:.2} ms ({} queries x 100)",
        ms(c50),
        ms(c99),
        CONCEPT_QUERIES.len()
    ));
    let rg = rg_time(&gen_dir, 3);
    out.add(format!(
        "generated query, top 10 with snippets: p50 {:.2} ms, p99 {:.2} ms (12 queries x 100); {}",
        ms(p50),
        ms(p99),
        versus_rg(rg, |rg| format!(
            "rg over the same files: median {:.0} ms per query; rg / policynav p50 = {:.0}x",
            ms(rg),
            rg.as_secs_f64() / p50.as_secs_f64()
        ))
    ));
    drop(index);
    let cli = cli_time(&gen_dir, &gen_idx, 3);
    out.add(format!(
        "generated CLI end to end (`policynav search`, process start to exit, index built): median {:.0} ms; {}",
        ms(cli),
        versus_rg(rg, |rg| format!("rg / CLI = {:.1}x", rg.as_secs_f64() / cli.as_secs_f64()))
    ));
    out.add(format!(
        "generated CLI peak RSS (`policynav search`, index already built): {:.0} MB",
        peak_rss_mb(&gen_dir, &gen_idx)
    ));

    // Opening the workspace, then rebuilding its store from scratch.
    if reuse.is_some() {
        let summary = out.lines.join("\n") + "\n";
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/search-bench-summary.md");
        let _ = std::fs::write(path, summary);
        criterion.final_summary();
        return;
    }
    let start = Instant::now();
    let ws = Workspace::open(gen_locations.clone()).expect("generated corpus opens");
    out.add(format!(
        "generated: Workspace::open (opens the store built above: every read command's start) {:.3} s",
        start.elapsed().as_secs_f64()
    ));
    let start = Instant::now();
    let index = SearchIndex::rebuild(&ws, &mut |_| {}).expect("index builds");
    let build = start.elapsed();
    out.add(format!(
        "generated: rebuilding the store (read, analyse, index, link) {:.1} s = {:.1} MB/s of clause text",
        build.as_secs_f64(),
        mb(index.info().text_bytes) / build.as_secs_f64()
    ));
    out.add(format!(
        "generated: RSS high-water mark of this bench process after the rebuild {:.0} MB",
        vm_hwm_mb()
    ));
    drop(index);
    drop(ws);
    let summary = out.lines.join("\n") + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/search-bench-summary.md");
    let _ = std::fs::write(path, summary);
    criterion.final_summary();
}

fn request(q: &str) -> SearchRequest {
    SearchRequest {
        query: q.to_string(),
        filters: Filters::default(),
        limit: 10,
    }
}

/// p50 and p99 of end-to-end queries (parse, search, count, 10 snippets).
fn latency(index: &SearchIndex, queries: &[&str], rounds: usize) -> (Duration, Duration) {
    let mut times = Vec::with_capacity(rounds * queries.len());
    for _ in 0..rounds {
        for q in queries {
            let t = Instant::now();
            let r = index.search(&request(q)).expect("query runs");
            times.push(t.elapsed());
            std::hint::black_box(r);
        }
    }
    times.sort();
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    (at(0.50), at(0.99))
}

/// A comparison with ripgrep, or why there is none.
fn versus_rg(rg: Option<Duration>, say: impl Fn(Duration) -> String) -> String {
    match rg {
        Some(rg) => say(rg),
        None => "no comparison with rg: not installed (apt-get install ripgrep)".into(),
    }
}

/// Median time of `rg --count-matches PATTERN DIR` over the patterns, None (with a
/// message) when ripgrep is not installed.
fn rg_time(dir: &Path, rounds: usize) -> Option<Duration> {
    let mut times = Vec::new();
    for _ in 0..rounds {
        for p in RG_PATTERNS {
            let t = Instant::now();
            let status = Command::new("rg")
                .args([
                    "--count-matches",
                    "--fixed-strings",
                    "--no-messages",
                    "--glob",
                    "*.txt",
                    p,
                ])
                .arg(dir)
                .stdout(std::process::Stdio::null())
                .status();
            let Ok(status) = status else {
                eprintln!(
                    "search bench: rg not found (apt-get install ripgrep): no comparison with it"
                );
                return None;
            };
            times.push(t.elapsed());
            assert!(status.code().is_some());
        }
    }
    times.sort();
    times.get(times.len() / 2).copied()
}

/// Median wall time of the `policynav search` process.
fn cli_time(corpus: &Path, index: &Path, rounds: usize) -> Duration {
    let mut times = Vec::new();
    for _ in 0..rounds {
        for q in QUERIES.iter().take(4) {
            let t = Instant::now();
            let out = Command::new(env!("CARGO_BIN_EXE_policynav"))
                .arg("--corpus")
                .arg(corpus)
                .arg("--index")
                .arg(index)
                .args(["search", "--json", q])
                .output()
                .expect("policynav runs");
            times.push(t.elapsed());
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    times.sort();
    times[times.len() / 2]
}

/// Peak RSS of one `policynav search` process, from GNU time.
fn peak_rss_mb(corpus: &Path, index: &Path) -> f64 {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(env!("CARGO_BIN_EXE_policynav"))
        .arg("--corpus")
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .args(["search", "--json", "上市补贴 300万"])
        .output()
        .expect("/usr/bin/time runs");
    let err = String::from_utf8_lossy(&out.stderr);
    err.lines()
        .last()
        .and_then(|l| l.trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn vm_hwm_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<f64>().ok())
            })
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}
