//! The queries the search benchmark times, in one file: `benches/search.rs` and
//! `examples/query_latency.rs` (which `scripts/search-side-by-side.sh` also builds at an
//! earlier commit, with this file beside it) include it by path.

/// Queries a consultant types, in both scripts, with figures, phrases and exclusions.
pub const QUERIES: &[&str] = &[
    "上市补贴",
    "300万",
    "展会70%",
    "專精特新",
    "知识产权质押融资",
    "\"资金补贴\"",
    "首台套 奖励",
    "網路安全",
    "贷款贴息 -担保",
    "小巨人 培育",
    "人才 住房",
    "数字化转型",
];
