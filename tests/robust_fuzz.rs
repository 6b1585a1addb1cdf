//! Property tests of everything that reads text from outside: decoding and HTML import,
//! cleaning, structuring, figure extraction, the query parser and a search over a real
//! index. For every generated input: no panic, and an answer within two seconds.
//!
//! The inputs are built from fragments of what policy pages hold (headings, numbered
//! items, figures, HTML, entities, pinyin noise, control characters, escape sequences)
//! mixed with arbitrary text, so that the properties reach the interesting paths. The
//! case counts are bounded so that the suite stays fast; `PROPTEST_CASES` raises them
//! for a longer run.

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use policynav::corpus::{clean, import, rules::Rules, structure};
use policynav::facts;
use policynav::search::query::Expander;
use policynav::search::{Filters, SearchIndex, SearchRequest};
use policynav::text::Vocabulary;
use policynav::workspace::Locations;
use proptest::prelude::*;

/// The longest any one input may take.
const PER_INPUT: Duration = Duration::from_secs(2);

/// Cases per property unless `PROPTEST_CASES` says otherwise.
fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Runs `f` and fails if it took longer than [`PER_INPUT`].
fn timed<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, TestCaseError> {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    prop_assert!(took < PER_INPUT, "{what} took {took:?}");
    Ok(out)
}

const POLICY: &[&str] = &[
    "一、",
    "二、",
    "十一、",
    "(一)",
    "（二）",
    "(十)",
    "1.",
    "2．",
    "3、",
    "12.",
    "999.",
    "1000.",
    "1500、",
    "第一条",
    "第十二条",
    "第一百条",
    "第一千零一条",
    "第一章",
    "第二节",
    "第一一一一一一一一一一一一条",
    "一是",
    "二是",
    "支持企业",
    "在A股上市",
    "给予",
    "每家",
    "不超过",
    "最高",
    "300万元",
    "300萬元",
    "1.5亿元",
    "70%",
    "40%-60%",
    "100—2000万元",
    "三百万",
    "5000元",
    "资金补贴",
    "專精特新",
    "专精特新",
    "中小企业",
    "小巨人",
    "服务券",
    "(市经济和信息化局、市财政局)",
    "（责任单位：市科委）",
    "按职责分工负责。",
    "，",
    "。",
    "；",
    "：",
    "、",
    "“",
    "”",
    "《",
    "》",
    "(",
    ")",
    "（",
    "）",
    "\n",
    "\n\n",
    "\r\n",
    " ",
    "\u{a0}",
    "\u{3000}",
    "\t",
    "業(yè)",
    "發(fā)",
    "[发文机构]",
    "[成文日期]2021年12月22日",
    "发布日期：2023-11-16",
    "自印发之日起施行。",
    "有效期至2025年12月31日。",
    "执行期至2028年底",
    "(征求意见稿)",
    "关于",
    "若干措施",
    "北京市",
    "浙江省",
    "包头市",
    "海淀区",
    "通知",
    "首页 > 政策文件",
    "分享到：",
    "【打印】【关闭】",
    "\u{1b}[31m",
    "\u{1b}]0;x\u{7}",
    "\u{c}",
    "\u{b}",
    "\u{0}",
    "\u{feff}",
    "\u{fffd}",
    "\u{202e}",
    "300",
    "万",
    "亿",
    "元",
    "%",
    "—",
    "~",
    "至",
    "-",
    "1",
    "0",
    "9",
    "零",
    "〇",
    "两",
];

const HTML: &[&str] = &[
    "<div>",
    "</div>",
    "<p>",
    "</p>",
    "<br>",
    "<br/>",
    "</br>",
    "<b>",
    "<i>",
    "<span class=\"x\">",
    "</span>",
    "<table><tr><td>",
    "</td></tr></table>",
    "<li>",
    "<ul>",
    "</ul>",
    "<pre>",
    "</pre>",
    "<title>",
    "</title>",
    "<script>",
    "</script>",
    "<style>",
    "</style>",
    "<!--",
    "-->",
    "<!DOCTYPE html>",
    "<html>",
    "<head>",
    "<body>",
    "</body>",
    "<meta charset=\"gbk\">",
    "&nbsp;",
    "&amp;",
    "&lt;",
    "&#x4E0A;",
    "&#19978;",
    "&#0;",
    "&#x110000;",
    "&#99999999999;",
    "&ldquo;",
    "&notit;",
    "&",
    "<",
    ">",
    "\"",
    "'",
    "<a href='x>y'>",
    "</a>",
    "<svg>",
    "</svg>",
    "<textarea>",
    "<plaintext>",
    "<select>",
    "<button>",
    "</",
    "<!",
    "<?xml",
    "<![CDATA[",
    "<noscript>",
    "</noscript>",
    "<iframe src=x>",
    "<xmp>",
    "<div",
    "=\"",
];

/// Text made of policy fragments, HTML fragments and arbitrary strings.
fn text_from(fragments: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            6 => prop::sample::select(fragments).prop_map(str::to_string),
            2 => prop::sample::select(POLICY).prop_map(str::to_string),
            1 => any::<String>(),
            1 => "[\\PC]{0,12}",
        ],
        0..max,
    )
    .prop_map(|parts| parts.concat())
}

/// A fragment repeated up to `max` times: the shapes that trip up quadratic or
/// recursive code.
fn repeated(fragments: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    (
        prop::sample::select(fragments),
        prop::sample::select(fragments),
        1usize..max,
    )
        .prop_map(|(a, b, n)| format!("{}{}", a.repeat(n), b.repeat(n / 2)))
}

static RULES: LazyLock<&'static Rules> = LazyLock::new(|| Rules::bundled().expect("bundled rules"));

static EXPANDER: LazyLock<Expander> = LazyLock::new(|| {
    Expander::new(
        Vocabulary::bundled(),
        policynav::analysis::FrameRules::bundled(),
    )
});

/// Cleans, structures and extracts figures from `text`, as loading a document does.
fn pipeline(text: &str) -> Result<(), TestCaseError> {
    let cleaned = timed("clean", || clean::clean(text, &RULES))?;
    let s = timed("structure", || {
        structure::structure("fuzz", &cleaned, &RULES)
    })?;
    for c in &s.clauses {
        prop_assert!(c.id.starts_with("fuzz/"), "{}", c.id);
        prop_assert_eq!(c.normalized.chars().count(), c.text.chars().count());
        timed("facts", || facts::extract(&c.measure))?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(cases(64))]

    #[test]
    fn decoding_any_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let _ = timed("decode", || import::decode(&bytes, std::path::Path::new("fuzz.bin")))?;
    }

    #[test]
    fn utf16_of_any_text_decodes_to_that_text_or_is_refused(text in text_from(POLICY, 120), be in any::<bool>()) {
        let bytes: Vec<u8> = text
            .encode_utf16()
            .flat_map(|u| if be { u.to_be_bytes() } else { u.to_le_bytes() })
            .collect();
        if let Ok(d) = timed("decode", || import::decode(&bytes, std::path::Path::new("fuzz.txt")))? {
            // what is accepted as UTF-16 is read right (a leading U+FEFF is its byte
            // order mark); what reads as another encoding is another (valid) reading
            if d.encoding.starts_with("UTF-16") && !d.html {
                prop_assert_eq!(d.text.as_str(), text.strip_prefix('\u{feff}').unwrap_or(&text));
            }
        }
    }

    #[test]
    fn html_import_never_panics_and_stays_linear(page in text_from(HTML, 300)) {
        let (text, title) = timed("html_to_text", || import::html_to_text(&page))?;
        prop_assert!(!text.contains("\n\n\n"));
        if let Some(t) = title {
            prop_assert_eq!(t.trim(), t.as_str());
        }
        let _ = timed("decode", || import::decode(page.as_bytes(), std::path::Path::new("fuzz.html")))?;
    }

    #[test]
    fn deep_and_repeated_markup_is_read_in_time(page in repeated(HTML, 50_000)) {
        let page = format!("<html><body>{page}<p>1.支持企业上市。</p></body></html>");
        timed("html_to_text", || import::html_to_text(&page))?;
    }

    #[test]
    fn cleaning_structuring_and_figures_never_panic(text in text_from(POLICY, 150)) {
        pipeline(&text)?;
    }

    #[test]
    fn long_runs_of_one_fragment_are_structured_in_time(text in repeated(POLICY, 400)) {
        pipeline(&text)?;
    }

    #[test]
    fn figure_extraction_never_panics(text in text_from(POLICY, 60)) {
        let figures = timed("facts", || facts::extract(&text))?;
        for f in figures {
            prop_assert!(f.span.start <= f.span.end && f.span.end <= text.len());
        }
    }

    #[test]
    fn the_query_parser_never_panics(query in text_from(QUERY, 30)) {
        timed("parse", || EXPANDER.parse(&query))?;
    }
}

const QUERY: &[&str] = &[
    "上市",
    "补贴",
    "\"",
    "\"资金补贴\"",
    "-",
    "-补贴",
    "OR",
    "or",
    "AND",
    "NOT",
    "(",
    ")",
    "*",
    ":",
    "doc:",
    "jurisdiction:北京",
    "level:city",
    "topic:listing",
    "status:draft",
    "as-of:2024-01-01",
    "as-of:x",
    "min-amount:100万",
    "min-amount:-5",
    "min-amount:",
    "j:",
    "300万",
    "1.5亿",
    "70%",
    "專精特新",
    "支援",
    " ",
    "　",
    "^2",
    "~",
    "\\",
    "title:foo",
    "上市补贴",
    "展会70%",
    "\u{0}",
    "\u{1b}[2J",
];

/// One index over the bundled corpus, built once for the search property.
static INDEX: LazyLock<(tempfile::TempDir, SearchIndex)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("temp dir");
    let index = SearchIndex::open_or_build_at(&Locations::bundled_in(dir.path()), &mut |_| {})
        .expect("index of the bundled corpus");
    (dir, index)
});

proptest! {
    #![proptest_config(cases(48))]

    #[test]
    fn any_query_is_answered_without_panic(query in text_from(QUERY, 12), limit in 0usize..30) {
        let request = SearchRequest { query, filters: Filters::default(), limit };
        let index = &INDEX.1; // built once, outside the timing
        let results = timed("search", || index.search(&request))?;
        if let Ok(r) = results {
            prop_assert!(r.hits.len() <= limit.max(1));
            prop_assert!(r.hits.len() <= r.total);
            for hit in &r.hits {
                for h in &hit.snippet.highlights {
                    prop_assert!(h.start <= h.end && h.end <= hit.snippet.text.len());
                    prop_assert!(hit.snippet.text.is_char_boundary(h.start));
                    prop_assert!(hit.snippet.text.is_char_boundary(h.end));
                }
            }
        }
    }
}
