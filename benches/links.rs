//! Building the cross-link graph for every provision of the bundled corpus (what a
//! workspace does on first use of `links`, `compare ID` or the TUI's links pane), and
//! extracting the figures of every clause.

use criterion::{Criterion, criterion_group, criterion_main};
use policynav::links::LinkGraph;
use policynav::workspace::{Locations, Workspace};

fn links(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = Workspace::open(Locations::bundled_in(dir.path())).expect("bundled corpus opens");
    // load the segmenter once: its start-up is not the links' cost
    let _ = policynav::search::analyze("预热");
    c.bench_function("links_build_all_provisions", |b| {
        b.iter(|| LinkGraph::build(&ws))
    });
    let measures: Vec<&str> = ws
        .corpus
        .clauses()
        .map(|(_, c)| c.measure.as_str())
        .collect();
    c.bench_function("facts_extract_all_clauses", |b| {
        b.iter(|| {
            measures
                .iter()
                .map(|m| policynav::facts::extract(m).len())
                .sum::<usize>()
        })
    });
}

criterion_group!(benches, links);
criterion_main!(benches);
