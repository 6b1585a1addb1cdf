//! Quality of the cross-links against the project's own judgment set
//! (`corpus/judgments.toml`, written by reading the five documents).
//!
//! Run `cargo test --test links_eval -- --nocapture` to see the figures. The floors
//! asserted here are the values measured when the method was last tuned, minus a small
//! margin: a change that makes links worse fails.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::Instant;

use policynav::links::LinkGraph;
use policynav::workspace::{Locations, Workspace};
use serde::Deserialize;

#[derive(Deserialize)]
struct Judgments {
    group: Vec<Group>,
}

#[derive(Deserialize)]
struct Group {
    topic: String,
    note: String,
    members: Vec<Member>,
}

#[derive(Deserialize)]
struct Member {
    id: String,
    excerpt: String,
}

fn workspace() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = Workspace::open(Locations::bundled_in(dir.path())).expect("the bundled corpus opens");
    (dir, ws)
}

/// The provision a judgment member means: its id if the text there still contains the
/// excerpt, else the provision of the same document that does.
fn resolve(ws: &Workspace, m: &Member) -> Result<String, String> {
    if let Some((_, c)) = ws.corpus.clause(&m.id) {
        if c.text.contains(&m.excerpt) {
            return Ok(c.id.clone());
        }
    }
    let doc = m.id.split('/').next().unwrap_or("");
    let found: Vec<&str> = ws
        .corpus
        .provisions()
        .filter(|(d, c)| d.meta.id == doc && c.text.contains(&m.excerpt))
        .map(|(_, c)| c.id.as_str())
        .collect();
    match found.as_slice() {
        [one] => Ok(one.to_string()),
        [] => Err(format!("{}: no provision contains {:?}", m.id, m.excerpt)),
        _ => Err(format!("{}: excerpt {:?} is ambiguous", m.id, m.excerpt)),
    }
}

fn doc_of(id: &str) -> &str {
    id.split('/').next().unwrap_or("")
}

struct Metrics {
    judged: usize,
    hit1: f64,
    p3: f64,
    r3: f64,
    r5: f64,
    r10: f64,
    mrr: f64,
    pair_recall: f64,
    list_precision: f64,
    groups: usize,
    topics: usize,
}

fn evaluate(ws: &Workspace, graph: &LinkGraph, judgments: &Judgments) -> Metrics {
    let mut relevant: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut errors = Vec::new();
    for g in &judgments.group {
        let ids: Vec<String> = g
            .members
            .iter()
            .filter_map(|m| resolve(ws, m).map_err(|e| errors.push(e)).ok())
            .collect();
        for a in &ids {
            for b in &ids {
                if doc_of(a) != doc_of(b) {
                    relevant.entry(a.clone()).or_default().insert(b.clone());
                }
            }
        }
    }
    assert!(
        errors.is_empty(),
        "judgment set out of date:\n{}",
        errors.join("\n")
    );

    let n = relevant.len() as f64;
    let (mut hit1, mut p3, mut r3, mut r5, mut r10, mut mrr) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    let (mut pairs, mut pairs_found) = (0usize, 0usize);
    let (mut listed, mut listed_relevant) = (0usize, 0usize);
    for (p, rel) in &relevant {
        let links: Vec<&str> = graph.links(p).iter().map(|l| l.id.as_str()).collect();
        let found_in = |k: usize| links.iter().take(k).filter(|l| rel.contains(**l)).count() as f64;
        if links.first().is_some_and(|l| rel.contains(*l)) {
            hit1 += 1.0;
        }
        // of the first three links, the share that is right, out of as many as could be
        // right (a provision with one equivalent can score 1 with one link)
        let possible = links.len().min(3).min(rel.len()).max(1) as f64;
        p3 += found_in(3) / possible;
        r3 += found_in(3) / rel.len() as f64;
        r5 += found_in(5) / rel.len() as f64;
        r10 += found_in(10) / rel.len() as f64;
        if let Some(rank) = links.iter().position(|l| rel.contains(*l)) {
            mrr += 1.0 / (rank + 1) as f64;
        }
        pairs += rel.len();
        pairs_found += links.iter().filter(|l| rel.contains(**l)).count();
        // precision of the whole list, among links into documents the judged groups
        // cover for this provision
        let judged_docs: HashSet<&str> = rel.iter().map(|r| doc_of(r)).collect();
        for l in links
            .iter()
            .take(5)
            .filter(|l| judged_docs.contains(doc_of(l)))
        {
            listed += 1;
            if rel.contains(*l) {
                listed_relevant += 1;
            }
        }
    }
    let topics: HashSet<&str> = judgments.group.iter().map(|g| g.topic.as_str()).collect();
    Metrics {
        judged: relevant.len(),
        hit1: hit1 / n,
        p3: p3 / n,
        r3: r3 / n,
        r5: r5 / n,
        r10: r10 / n,
        mrr: mrr / n,
        pair_recall: pairs_found as f64 / pairs.max(1) as f64,
        list_precision: listed_relevant as f64 / listed.max(1) as f64,
        groups: judgments.group.len(),
        topics: topics.len(),
    }
}

#[test]
fn links_meet_the_judgment_set() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/judgments.toml"
    ))
    .expect("corpus/judgments.toml");
    let judgments: Judgments = toml::from_str(&text).expect("judgments.toml parses");
    for g in &judgments.group {
        let docs: HashSet<&str> = g.members.iter().map(|m| doc_of(&m.id)).collect();
        assert!(docs.len() >= 2, "group {:?} has one document only", g.note);
    }
    let (_dir, ws) = workspace();
    // load the segmenter first: its one-off start-up is not the links' cost
    let _ = policynav::search::analyze("预热");
    let started = Instant::now();
    let graph = LinkGraph::build(&ws);
    let build = started.elapsed();
    let m = evaluate(&ws, &graph, &judgments);
    println!(
        "links vs corpus/judgments.toml: {} groups over {} measure types, {} judged provisions",
        m.groups, m.topics, m.judged
    );
    println!(
        "  hit@1 {:.3}  P@3 {:.3}  R@3 {:.3}  R@5 {:.3}  R@10 {:.3}  MRR {:.3}",
        m.hit1, m.p3, m.r3, m.r5, m.r10, m.mrr
    );
    println!(
        "  pairs found anywhere in the link lists {:.3}; precision of the top 5 in judged documents {:.3}",
        m.pair_recall, m.list_precision
    );
    println!(
        "  link graph for {} provisions built in {:?} (unoptimised test build)",
        graph.len(),
        build
    );
    assert!(m.groups >= 20 && m.topics >= 15);
    // measured 2026-11-22: hit@1 0.706, R@5 0.742, MRR 0.788, top-5 precision 0.514
    assert!(m.hit1 >= 0.67, "hit@1 {:.3}", m.hit1);
    assert!(m.r5 >= 0.71, "R@5 {:.3}", m.r5);
    assert!(m.mrr >= 0.76, "MRR {:.3}", m.mrr);
    assert!(
        m.list_precision >= 0.47,
        "precision {:.3}",
        m.list_precision
    );
}
