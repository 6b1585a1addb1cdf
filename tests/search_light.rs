//! A search over an up-to-date index does not load jieba's whole dictionary (~200 ms,
//! ~35 MB): queries and snippets are segmented by a jieba built for each text. A process
//! that goes on searching loads it once, in the background, and answers the same. This
//! suite holds one test, so nothing else in its process loads the dictionary.

mod common;

use common::Sandbox;
use policynav::search::{Filters, SearchIndex, SearchRequest};
use policynav::workspace::Locations;

#[test]
fn searching_an_up_to_date_index_leaves_the_full_dictionary_unloaded() {
    let sandbox = Sandbox::new();
    // building loads the full dictionary: another process does it
    sandbox.ok(&["index"]);
    let locations = Locations::bundled_in(sandbox.root());
    let index = SearchIndex::open_or_build_at(&locations, &mut |_| {}).expect("index opens");
    assert_eq!(index.info().action, "none", "the CLI built the same index");
    let queries = [
        "上市补贴",
        "專精特新 300万",
        "\"资金补贴\"",
        "展会70% -贷款",
        "首臺套 OR 小巨人",
        "支援企業掛牌上市",
        "知识产权质押融资",
    ];
    let request = |q: &str| SearchRequest {
        query: q.to_string(),
        filters: Filters::default(),
        limit: 10,
    };
    // one search, as `policynav search` runs it
    let first = index.search(&request(queries[0])).expect("search");
    assert!(
        !policynav::text::jieba_loaded(),
        "a single search loaded the whole jieba dictionary"
    );
    let mut before = vec![first];
    for q in &queries[1..] {
        before.push(index.search(&request(q)).expect("search"));
    }
    for (q, results) in queries.iter().zip(&before) {
        assert!(!results.hits.is_empty(), "{q}: no hit");
        assert!(
            results
                .hits
                .iter()
                .any(|h| !h.snippet.highlights.is_empty()),
            "{q}: nothing highlighted"
        );
    }
    // searching again, the process loads the full dictionary in the background; what it
    // finds and highlights is the same
    let waited = std::time::Instant::now();
    while !policynav::text::jieba_loaded() {
        assert!(
            waited.elapsed() < std::time::Duration::from_secs(60),
            "the full dictionary was never loaded"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    for (q, results) in queries.iter().zip(&before) {
        let again = index.search(&request(q)).expect("search");
        let view = |r: &policynav::search::SearchResults| {
            r.hits
                .iter()
                .map(|h| (h.id.clone(), h.snippet.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(view(&again), view(results), "{q}: another answer");
    }
    // the library never reads today's date: a status filter needs the date it holds on
    let status = |as_of| SearchRequest {
        query: "上市补贴".into(),
        filters: Filters {
            status: vec![policynav::model::Validity::InForce],
            as_of,
            ..Filters::default()
        },
        limit: 10,
    };
    let err = index.search(&status(None)).unwrap_err().to_string();
    assert!(err.contains("as_of"), "{err}");
    let day = chrono::NaiveDate::from_ymd_opt(2024, 6, 1);
    let hits = index.search(&status(day)).expect("search").hits;
    assert!(!hits.is_empty() && hits.iter().all(|h| h.doc.starts_with("beijing-")));
}
