//! Query latency over a built store, for comparing two versions of policynav side by side
//! (`scripts/search-side-by-side.sh` builds this example at both and alternates them).
//!
//! `cargo run --release --example query_latency -- CORPUS INDEX [ROUNDS]`: opens (or
//! builds) the store of `CORPUS` in `INDEX`, runs the search benchmark's 12 queries
//! (`benches/common/queries.rs`) for two seconds to warm up, then `ROUNDS` times
//! (default 30), and prints one line: p50 and p99 of all the queries, then each query's
//! mean, in milliseconds. It uses only the library calls every version since the first
//! has (`SearchIndex::open_or_build_at`, `search`), so the same file builds against an
//! older commit.

use std::path::Path;
use std::time::{Duration, Instant};

use policynav::search::{Filters, SearchIndex, SearchRequest};
use policynav::workspace::Locations;

#[path = "../benches/common/queries.rs"]
mod queries;
use queries::QUERIES;

/// How long the queries run before the timed rounds.
const WARM_UP: Duration = Duration::from_secs(2);

fn request(query: &str) -> SearchRequest {
    SearchRequest {
        query: query.to_string(),
        filters: Filters::default(),
        limit: 10,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(corpus), Some(index)) = (args.first(), args.get(1)) else {
        eprintln!("usage: query_latency CORPUS INDEX [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = match args.get(2).map(|r| r.parse()) {
        None => 30,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("query_latency: ROUNDS must be a positive number");
            std::process::exit(2);
        }
    };
    let locations = Locations::resolve(Some(Path::new(corpus)), Some(Path::new(index)))
        .unwrap_or_else(|e| {
            eprintln!("query_latency: {e:#}");
            std::process::exit(2);
        });
    let index = SearchIndex::open_or_build_at(&locations, &mut |_| {}).unwrap_or_else(|e| {
        eprintln!("query_latency: {e:#}");
        std::process::exit(2);
    });
    let search = |q: &str| index.search(&request(q)).expect("query runs");
    // warmed up as criterion warms up a benchmark, for a while rather than once: a
    // version may start work of its own with its first searches (a background thread
    // loading the segmenter's dictionary), which would otherwise share the timed rounds'
    // cores and time; the rounds measure a process that searches on
    let warm = Instant::now();
    while warm.elapsed() < WARM_UP {
        for q in QUERIES {
            std::hint::black_box(search(q));
        }
    }
    let mut all = Vec::with_capacity(rounds * QUERIES.len());
    let mut per_query = vec![Duration::ZERO; QUERIES.len()];
    for _ in 0..rounds {
        for (i, q) in QUERIES.iter().enumerate() {
            let start = Instant::now();
            std::hint::black_box(search(q));
            let took = start.elapsed();
            all.push(took);
            per_query[i] += took;
        }
    }
    all.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let at = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    let mut line = format!("p50 {:.2} p99 {:.2} |", ms(at(0.50)), ms(at(0.99)));
    for (q, total) in QUERIES.iter().zip(per_query) {
        line.push_str(&format!(" {q}={:.2}", ms(total) / rounds as f64));
    }
    println!("{line}");
}
