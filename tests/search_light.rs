//! A search over an up-to-date index never loads jieba's whole dictionary (~200 ms,
//! ~35 MB): queries and snippets are segmented by a jieba built for each text. This
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
    for q in queries {
        let results = index
            .search(&SearchRequest {
                query: q.to_string(),
                filters: Filters::default(),
                limit: 10,
            })
            .expect("search");
        assert!(!results.hits.is_empty(), "{q}: no hit");
        assert!(
            results
                .hits
                .iter()
                .any(|h| !h.snippet.highlights.is_empty()),
            "{q}: nothing highlighted"
        );
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
    assert!(
        !policynav::text::jieba_loaded(),
        "a search loaded the whole jieba dictionary"
    );
}
