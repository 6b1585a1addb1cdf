//! `policynav export` over the bundled corpus: golden digests in every text format, the
//! CSV/HTML/DOCX/XLSX read back by real parsers (and the DOCX by pandoc when it is
//! installed), and writes that leave nothing behind, go through symbolic links and never
//! replace a device.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::Sandbox;
use policynav::export::{Format, Options};
use policynav::workspace::{Locations, Workspace};

/// The fixed "today" and status date of the golden digests.
const DAY: &str = "2025-03-01";

/// A sandbox over the bundled corpus, as of [`DAY`].
fn sandbox() -> Sandbox {
    Sandbox::new().today(DAY)
}

/// `policynav export` in a sandbox.
impl Sandbox {
    /// The path of `name` in the sandbox's output folder, which this creates.
    fn out(&self, name: &str) -> PathBuf {
        let d = self.root().join("out");
        std::fs::create_dir_all(&d).expect("out dir");
        d.join(name)
    }

    /// The standard output of `policynav export ARGS`, which must succeed.
    fn export(&self, args: &[&str]) -> Vec<u8> {
        self.ok(&export_args(args)).stdout
    }

    /// Runs an export that must fail; returns its stderr.
    fn fail(&self, args: &[&str]) -> String {
        self.fails(&export_args(args))
    }
}

/// `export ARGS`.
fn export_args<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["export"];
    all.extend_from_slice(args);
    all
}

/// The store of the bundled corpus, opened once in this process to find clauses by
/// content.
fn workspace() -> &'static Workspace {
    static WS: OnceLock<Workspace> = OnceLock::new();
    WS.get_or_init(|| {
        let tmp = std::env::temp_dir().join("policynav-cli-export-test");
        Workspace::open(Locations::bundled_in(&tmp)).expect("bundled corpus loads")
    })
}

/// The provision of `doc` whose text contains every needle.
fn provision(doc: &str, needles: &[&str]) -> String {
    let found: Vec<String> = provisions(doc)
        .into_iter()
        .filter(|c| needles.iter().all(|n| c.text.contains(n)))
        .map(|c| c.id)
        .collect();
    assert_eq!(found.len(), 1, "{doc} {needles:?}: {found:?}");
    found[0].clone()
}

/// The provisions of `doc`, in reading order.
fn provisions(doc: &str) -> Vec<policynav::model::Clause> {
    workspace()
        .store
        .clauses(doc)
        .expect("the store reads")
        .into_iter()
        .map(|r| r.clause)
        .filter(|c| c.kind == policynav::model::ClauseKind::Provision)
        .collect()
}

/// The fixed selection: the 300万 listing subsidy in Beijing 2021 (Traditional) and
/// 2024 (Simplified), and the 70% trade-fair support in Beijing 2021 and Zhejiang
/// (Traditional with pinyin noise removed).
fn selection() -> Vec<String> {
    vec![
        provision("beijing-2021", &["證券交易所上市", "300萬元"]),
        provision("beijing-2024", &["证券交易所上市", "300万元"]),
        provision("beijing-2021", &["國際性展會", "70%"]),
        provision("zhejiang-2023", &["展會", "70%"]),
    ]
}

fn golden(format: &str) -> String {
    let sb = sandbox();
    let ids = selection();
    let mut args: Vec<&str> = ids.iter().map(String::as_str).collect();
    args.extend(["--format", format, "--as-of", DAY]);
    String::from_utf8(sb.export(&args)).expect("utf-8")
}

#[test]
fn markdown_digest_matches_golden() {
    let md = golden("md");
    assert!(
        md.contains("支援企業在A股或境外主要證券交易所上市"),
        "Traditional text kept"
    );
    assert!(
        md.contains("支持企业在A股或境外主要证券交易所上市"),
        "Simplified text kept"
    );
    insta::assert_snapshot!("export_md", md);
}

#[test]
fn csv_digest_matches_golden_and_reads_back() {
    let csv_text = golden("csv");
    let body = csv_text
        .strip_prefix('\u{FEFF}')
        .expect("CSV starts with a UTF-8 byte-order mark");
    let mut rd = csv::Reader::from_reader(body.as_bytes());
    let headers = rd.headers().expect("header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 4, "one row per clause");
    let ids: Vec<&str> = rows.iter().map(|r| &r[col("id")]).collect();
    for id in selection() {
        assert!(ids.contains(&id.as_str()), "{id} missing from {ids:?}");
    }
    let b21 = rows
        .iter()
        .find(|r| r[col("id")].starts_with("beijing-2021") && r[col("text")].contains("上市"))
        .expect("Beijing 2021 listing row");
    assert!(
        b21[col("text")].contains("不超過300萬元的資金補貼"),
        "Chinese intact"
    );
    assert_eq!(&b21[col("jurisdiction_zh")], "北京市");
    assert_eq!(&b21[col("date")], "2021-12-23");
    assert_eq!(&b21[col("date_kind")], "发布");
    assert!(b21[col("support_figures")].contains("300万元"));
    assert_eq!(&b21[col("status")], "现行有效");
    assert_eq!(&b21[col("amount_max_yuan")], "3000000");
    assert_eq!(&b21[col("level")], "直辖市");
    let zj = rows
        .iter()
        .find(|r| r[col("id")].starts_with("zhejiang-2023"))
        .expect("Zhejiang row");
    assert!(
        zj[col("status")].starts_with("征求意见稿"),
        "{}",
        &zj[col("status")]
    );
    // the numeric columns sum to what the JSON digest's figures say
    let sum = |name: &str| -> f64 {
        rows.iter()
            .filter_map(|r| r[col(name)].parse::<f64>().ok())
            .sum()
    };
    let json: serde_json::Value = serde_json::from_str(&golden("json")).expect("json");
    let (max_yuan, ratio) = json_amounts(&json);
    assert_eq!(sum("amount_max_yuan"), max_yuan);
    assert_eq!(sum("ratio_percent"), ratio);
    assert!(
        max_yuan >= 6_000_000.0 && ratio >= 140.0,
        "{max_yuan} {ratio}"
    );
    insta::assert_snapshot!("export_csv", body);
}

#[test]
fn json_digest_matches_golden_with_schema_version() {
    let json = golden("json");
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(v["schema"], "policynav.digest");
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["lang"], "zh");
    assert_eq!(v["generated"], DAY);
    let entries: Vec<&serde_json::Value> = v["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .flat_map(|g| g["entries"].as_array().expect("entries"))
        .collect();
    assert_eq!(entries.len(), 4);
    for e in &entries {
        for key in ["id", "jurisdiction", "title", "article", "article_number"] {
            assert!(e["citation"][key].is_string(), "citation.{key} in {e}");
        }
        assert!(e["cited"].as_str().expect("cited").contains('《'), "{e}");
    }
    insta::assert_snapshot!("export_json", json);
}

#[test]
fn html_digest_matches_golden_is_self_contained_and_has_tables() {
    let html = golden("html");
    let doc = scraper::Html::parse_document(&html);
    let sel = |s: &str| scraper::Selector::parse(s).expect("selector");
    // the sources table and at least one comparison table (listing: two Beijing documents)
    assert_eq!(doc.select(&sel("table.sources")).count(), 1);
    let comparisons: Vec<_> = doc.select(&sel("table.comparison")).collect();
    assert!(!comparisons.is_empty(), "no comparison table");
    let first_rows = comparisons[0].select(&sel("tbody tr")).count();
    assert!(first_rows >= 2, "a comparison has at least two rows");
    assert_eq!(
        doc.select(&sel("article")).count(),
        4,
        "one article per clause"
    );
    let active: Vec<String> = doc
        .select(&sel("[src], [href], link, script, img, iframe"))
        .map(|el| format!("{:?}", el.value()))
        .collect();
    assert!(active.is_empty(), "external or active elements: {active:?}");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no URLs"
    );
    let style: String = doc.select(&sel("style")).flat_map(|s| s.text()).collect();
    assert!(style.contains("@media print"));
    assert!(style.contains("\"Noto Sans CJK SC\""));
    assert!(html.contains("<html lang=\"zh-CN\">"));
    // the Zhejiang draft is flagged where its clause is shown
    assert!(html.contains("<span class=\"flag\">征求意见稿</span>"));
    insta::assert_snapshot!("export_html", html);
}

/// The parts of a zip package (DOCX, XLSX) as text.
fn zip_part(path: &Path, name: &str) -> String {
    let file = std::fs::File::open(path).expect("written");
    let mut zip = zip::ZipArchive::new(file).expect("a zip package");
    let mut xml = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_string(&mut xml)
        .expect("read");
    xml
}

/// The DOCX of the fixed selection, written through `--out` (the format comes from the
/// file name).
fn golden_docx(sb: &Sandbox) -> PathBuf {
    let path = sb.out("digest.docx");
    let ids = selection();
    let mut args: Vec<&str> = ids.iter().map(String::as_str).collect();
    args.extend(["--out", path.to_str().expect("utf-8 path")]);
    sb.export(&args);
    path
}

#[test]
fn docx_holds_text_headings_and_tables_with_grids() {
    let sb = sandbox();
    let path = golden_docx(&sb);
    let xml = zip_part(&path, "word/document.xml");
    assert!(xml.contains("支援企業在A股或境外主要證券交易所上市"));
    assert!(xml.contains("支持企业在A股或境外主要证券交易所上市"));
    let tables = xml.matches("<w:tbl>").count();
    assert!(tables >= 3, "scope, sources and comparison tables");
    // every table has a grid whose columns fill the A4 text width
    assert_eq!(xml.matches("<w:tblGrid><w:gridCol").count(), tables);
    for grid in xml.split("<w:tblGrid>").skip(1) {
        let grid = &grid[..grid.find("</w:tblGrid>").expect("grid end")];
        let total: u32 = grid
            .split("w:w=\"")
            .skip(1)
            .map(|w| {
                w[..w.find('"').expect("quote")]
                    .parse::<u32>()
                    .expect("width")
            })
            .sum();
        assert_eq!(total, 9638, "{grid}");
    }
    assert!(xml.contains("<w:tblHeader/>"), "header rows repeat");
    assert!(xml.contains("w:val=\"Heading3\""));
    assert!(xml.contains(&selection()[0]), "citation id");
    assert!(xml.contains("第9条"), "Chinese citation");
    let styles = zip_part(&path, "word/styles.xml");
    assert!(styles.contains("w:eastAsia=\"zh-CN\""));
    assert!(styles.contains("w:eastAsia=\"SimSun\""));
    assert!(zip_part(&path, "word/footer1.xml").contains("PAGE"));
}

#[test]
fn docx_through_pandoc_shows_the_tables_with_their_text() {
    if std::process::Command::new("pandoc")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!(
            "pandoc is not installed: the DOCX is not read back through it (apt-get install pandoc)"
        );
        return;
    }
    let sb = sandbox();
    let path = golden_docx(&sb);
    let read = |to: &str| {
        let out = std::process::Command::new("pandoc")
            .args(["-f", "docx", "-t", to])
            .arg(&path)
            .output()
            .expect("pandoc runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let ast = read("json");
    assert!(
        ast.matches("\"t\":\"Table\"").count() >= 3,
        "pandoc sees the tables"
    );
    let text = read("plain");
    for needle in [
        "文件来源",
        "beijing-2021",
        "北京市促进中小企业发展工作领导小组办公室",
        "最高300万元",
        "征求意见稿",
        "支援企業在A股或境外主要證券交易所上市",
    ] {
        assert!(text.contains(needle), "pandoc text lacks {needle}:\n{text}");
    }
}

/// The cells of the first sheet of an XLSX: text and numbers by row, then column.
fn xlsx_rows(path: &Path) -> Vec<Vec<(String, Option<f64>)>> {
    let strings_xml = zip_part(path, "xl/sharedStrings.xml");
    let si = regex::Regex::new(r"(?s)<si>(.*?)</si>").expect("re");
    let t = regex::Regex::new(r"(?s)<t[^>]*>(.*?)</t>").expect("re");
    let unescape = |s: &str| {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&")
    };
    let strings: Vec<String> = si
        .captures_iter(&strings_xml)
        .map(|c| t.captures_iter(&c[1]).map(|t| unescape(&t[1])).collect())
        .collect();
    let sheet = zip_part(path, "xl/worksheets/sheet1.xml");
    let row_re = regex::Regex::new(r#"(?s)<row r="(\d+)"[^>]*>(.*?)</row>"#).expect("re");
    let cell_re = regex::Regex::new(r#"<c r="([A-Z]+)\d+"([^>]*?)(?:/>|>(?:<v>([^<]*)</v>)?</c>)"#)
        .expect("re");
    let column = |letters: &str| {
        letters
            .bytes()
            .fold(0usize, |n, b| n * 26 + usize::from(b - b'A') + 1)
            - 1
    };
    let mut rows = Vec::new();
    for row in row_re.captures_iter(&sheet) {
        let mut cells: Vec<(String, Option<f64>)> = Vec::new();
        for c in cell_re.captures_iter(&row[2]) {
            let i = column(&c[1]);
            if cells.len() <= i {
                cells.resize(i + 1, (String::new(), None));
            }
            let value = c.get(3).map_or("", |v| v.as_str());
            cells[i] = if c[2].contains("t=\"s\"") {
                let idx: usize = value.parse().expect("string index");
                (strings[idx].clone(), None)
            } else {
                (value.to_string(), value.parse().ok())
            };
        }
        rows.push(cells);
    }
    rows
}

/// The money a digest's clauses can pay at most and their ratios, summed from the JSON
/// figures (each clause's largest money figure and largest ratio).
fn json_amounts(v: &serde_json::Value) -> (f64, f64) {
    let mut yuan = 0.0;
    let mut ratio = 0.0;
    for e in v["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .flat_map(|g| g["entries"].as_array().expect("entries"))
    {
        let most = |f: &serde_json::Value| {
            f["value_max"]
                .as_f64()
                .unwrap_or_else(|| f["value"].as_f64().expect("value"))
        };
        let figures = e["figures"].as_array().expect("figures");
        let best = |unit: &str| {
            figures
                .iter()
                .filter(|f| f["unit"] == unit)
                .max_by(|a, b| most(a).total_cmp(&most(b)))
        };
        if let Some(f) = best("yuan")
            && f["qualifier"] != "floor"
        {
            yuan += most(f);
        }
        if let Some(f) = best("percent") {
            ratio += most(f);
        }
    }
    (yuan, ratio)
}

#[test]
fn xlsx_reads_back_with_typed_numbers_summing_like_the_json() {
    let sb = sandbox();
    let path = sb.out("digest.xlsx");
    let ids = selection();
    let mut args: Vec<&str> = ids.iter().map(String::as_str).collect();
    args.extend(["--out", path.to_str().expect("utf-8 path")]);
    sb.export(&args);
    let rows = xlsx_rows(&path);
    assert_eq!(rows.len(), 5, "a header and one row per clause");
    let header: Vec<&str> = rows[0].iter().map(|(s, _)| s.as_str()).collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let sum = |name: &str| -> f64 {
        rows[1..]
            .iter()
            .filter_map(|r| r.get(col(name)).and_then(|(_, n)| *n))
            .sum()
    };
    let json: serde_json::Value = serde_json::from_str(&golden("json")).expect("json");
    let (max_yuan, ratio) = json_amounts(&json);
    assert_eq!(sum("最高金额（元）"), max_yuan);
    assert_eq!(sum("比例（%）"), ratio);
    assert!(
        rows[1..]
            .iter()
            .any(|r| r[col("原文")].0.contains("不超過300萬元的資金補貼"))
    );
    let sheet = zip_part(&path, "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains("state=\"frozen\""),
        "the header row is frozen"
    );
    assert!(sheet.contains("<cols>"), "column widths");
    let book = zip_part(&path, "xl/workbook.xml");
    assert!(book.contains("支持额度明细") && book.contains("文件来源"));
}

#[test]
fn with_links_adds_equivalent_measures_with_their_figures() {
    let sb = sandbox();
    let ids = selection();
    let json = sb.export(&[&ids[0], "--with-links", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json).expect("json");
    assert_eq!(v["with_links"], true);
    let links = v["groups"][0]["entries"][0]["links"]
        .as_array()
        .expect("links");
    assert!(
        links.iter().all(|l| l["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .all(|r| !r.as_str().expect("reason").starts_with("same "))),
        "reasons are phrased in Chinese: {links:?}"
    );
    assert!(!links.is_empty() && links.len() <= 3, "{links:?}");
    // the 2024 Beijing listing subsidy is the same measure, with the same 300万 cap
    let same = links
        .iter()
        .find(|l| l["citation"]["id"] == ids[1].as_str())
        .expect("Beijing 2024 listing subsidy linked");
    assert!(
        same["figures"]
            .as_array()
            .expect("figures")
            .iter()
            .any(|f| f["value"] == 3_000_000.0),
        "{same}"
    );
    // every linked document is named among the sources
    let sources: Vec<&str> = v["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .filter_map(|s| s["doc"].as_str())
        .collect();
    for l in links {
        let doc = l["citation"]["doc"].as_str().expect("doc");
        assert!(sources.contains(&doc), "{doc} not in {sources:?}");
    }
    // and the comparison table shows the linked clause
    let md = String::from_utf8(sb.export(&[&ids[0], "--with-links"])).expect("utf-8");
    assert!(md.contains(&format!("`{}`（关联）", ids[1])), "{md}");
}

#[test]
fn simplified_option_converts_traditional_text() {
    let sb = sandbox();
    let id = selection()[0].clone();
    let md = String::from_utf8(sb.export(&[&id, "--simplified"])).expect("utf-8");
    assert!(md.contains("支援企业在A股或境外主要证券交易所上市"), "{md}");
    assert!(!md.contains("證券交易所"));
}

#[test]
fn article_id_exports_its_provisions() {
    let listing = selection()[0].clone();
    let clause = workspace()
        .store
        .clause(&listing)
        .expect("the store reads")
        .expect("clause")
        .clause;
    let article = clause.parent.clone().expect("parent article");
    let n = provisions(&clause.doc)
        .iter()
        .filter(|c| c.parent.as_deref() == Some(article.as_str()))
        .count();
    let sb = sandbox();
    let json = sb.export(&[&article, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json).expect("json");
    let entries: Vec<&serde_json::Value> = v["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .flat_map(|g| g["entries"].as_array().expect("entries"))
        .collect();
    assert_eq!(entries.len(), n);
    assert!(entries.iter().all(|e| e["citation"]["kind"] == "provision"));
    assert!(
        entries
            .iter()
            .any(|e| e["citation"]["id"] == listing.as_str())
    );
}

#[test]
fn topic_selection_exports_only_that_measure_type() {
    let sb = sandbox();
    let json = sb.export(&[
        "--topic",
        "listing",
        "--format",
        "json",
        "--group-by",
        "jurisdiction",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&json).expect("json");
    let groups = v["groups"].as_array().expect("groups");
    assert!(
        groups.len() >= 2,
        "listing support exists in several jurisdictions"
    );
    for e in groups
        .iter()
        .flat_map(|g| g["entries"].as_array().expect("entries"))
    {
        let types = e["measure_types"].as_array().expect("types");
        assert!(types.iter().any(|t| t["id"] == "listing"), "{e}");
    }
}

#[test]
fn query_selection_finds_the_listing_subsidy() {
    let sb = sandbox();
    let json = sb.export(&[
        "--query",
        "上市 300万元 资金补贴",
        "--format",
        "json",
        "--limit",
        "5",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&json).expect("json");
    let ids: Vec<&str> = v["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .flat_map(|g| g["entries"].as_array().expect("entries"))
        .filter_map(|e| e["citation"]["id"].as_str())
        .collect();
    for id in &selection()[..2] {
        assert!(ids.contains(&id.as_str()), "{id} not in {ids:?}");
    }
}

#[test]
fn digest_selection_exports_the_navigator_digest() {
    let sb = sandbox();
    let err = sb.fail(&["--digest"]);
    assert!(err.contains("empty"), "{err}");
    let ids = selection();
    policynav::export::Digest {
        ids: vec![ids[3].clone(), ids[0].clone()],
    }
    .save(&sb.data())
    .expect("save digest");
    let json = sb.export(&["--digest", "--format", "json", "--group-by", "document"]);
    let v: serde_json::Value = serde_json::from_slice(&json).expect("json");
    let first_group = &v["groups"][0];
    assert_eq!(
        first_group["key"], "zhejiang-2023",
        "the digest's order is kept"
    );

    // a clause whose document was removed is left out with one warning line; the rest
    // is exported
    policynav::export::Digest {
        ids: vec![
            ids[0].clone(),
            "removed-2020/3.1".to_string(),
            ids[2].clone(),
        ],
    }
    .save(&sb.data())
    .expect("save digest");
    let out = sb.ok(&export_args(&["--digest", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["left_out"], serde_json::json!(["removed-2020/3.1"]));
    let exported: Vec<&str> = v["groups"][0]["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["citation"]["id"].as_str())
        .collect();
    assert_eq!(exported, [ids[0].as_str(), ids[2].as_str()]);
    let err = String::from_utf8(out.stderr).expect("utf-8");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("policynav: warning:") && err.contains("removed-2020/3.1"),
        "{err}"
    );

    // when nothing of the digest is left, the export is refused
    policynav::export::Digest {
        ids: vec!["removed-2020/3.1".to_string()],
    }
    .save(&sb.data())
    .expect("save digest");
    let err = sb.fail(&["--digest"]);
    assert!(
        err.contains("digest.json") && err.contains("removed-2020/3.1"),
        "{err}"
    );
    // an id typed on the command line must exist
    let err = sb.fail(&[&ids[0], "beijing-2021/404"]);
    assert!(err.contains("'beijing-2021/404'"), "{err}");
}

#[test]
fn the_order_collected_is_kept_unless_grouped() {
    let sb = sandbox();
    let ids = selection();
    // Zhejiang (trade fair) first, then the two listing subsidies, then Beijing's trade fair
    let order = [&ids[3], &ids[0], &ids[1], &ids[2]];
    let mut args: Vec<&str> = order.iter().map(|s| s.as_str()).collect();
    args.extend(["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&sb.export(&args)).expect("json");
    assert_eq!(v["group_by"], "none");
    let groups = v["groups"].as_array().expect("groups");
    assert_eq!(groups.len(), 1);
    let got: Vec<&str> = groups[0]["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["citation"]["id"].as_str())
        .collect();
    assert_eq!(got, order.map(|s| s.as_str()));

    // by measure type: two groups, in the order their first clause was collected
    args.extend(["--group-by", "topic"]);
    let v: serde_json::Value = serde_json::from_slice(&sb.export(&args)).expect("json");
    let keys: Vec<&str> = v["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .filter_map(|g| g["key"].as_str())
        .collect();
    assert_eq!(keys, ["tradefair", "listing"], "{v}");
}

#[test]
fn english_labels_on_request() {
    let sb = sandbox();
    let ids = selection();
    let md = String::from_utf8(sb.export(&[&ids[3], "--lang", "en"])).expect("utf-8");
    assert!(md.starts_with("# Policy clause digest"), "{md}");
    assert!(
        md.contains("**Status**: **draft (for comment, not in force)**"),
        "{md}"
    );
    assert!(md.contains("art. 13"), "{md}");
    let zh = String::from_utf8(sb.export(&[&ids[3]])).expect("utf-8");
    assert!(zh.contains("**状态**：**征求意见稿（未生效）**"), "{zh}");
    assert!(
        !zh.contains("Support figures") && !zh.contains("score"),
        "{zh}"
    );
}

#[test]
fn a_query_that_matches_nothing_real_is_refused() {
    let sb = sandbox();
    let p = sb.out("nothing.md");
    // the search falls back to any word and finds provisions with 不 or 的
    let err = sb.fail(&[
        "--query",
        "不存在的词汇xyz",
        "--out",
        p.to_str().expect("utf-8"),
    ]);
    assert!(err.contains("nothing to export"), "{err}");
    assert!(!p.exists());
}

#[cfg(unix)]
#[test]
fn devices_are_written_directly_and_symbolic_links_through() {
    use std::os::unix::fs::symlink;
    let sb = sandbox();
    let id = selection()[0].clone();
    // /dev/null is written to, not replaced, with or without --force
    sb.export(&[&id, "--out", "/dev/null"]);
    sb.export(&[&id, "--out", "/dev/null", "--force", "--format", "docx"]);
    assert!(
        !std::fs::metadata("/dev/null")
            .expect("/dev/null")
            .file_type()
            .is_file()
    );
    // a link to a file: the file is replaced (with --force), the link kept
    let real = sb.out("real.md");
    std::fs::write(&real, "old").expect("write");
    let link = sb.out("link.md");
    symlink(&real, &link).expect("symlink");
    let err = sb.fail(&[&id, "--out", link.to_str().expect("utf-8")]);
    assert!(err.contains("already exists"), "{err}");
    sb.export(&[&id, "--out", link.to_str().expect("utf-8"), "--force"]);
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&real)
            .expect("real")
            .starts_with("# 政策条款摘编")
    );
    assert_eq!(
        files_in(real.parent().expect("dir")),
        ["link.md", "real.md"]
    );
}

#[test]
fn control_characters_in_a_clause_keep_the_docx_well_formed() {
    let sb = sandbox().with_corpus_copy();
    // a form feed (pdftotext's page break) and a vertical tab (Word's line break)
    // inside the listing-subsidy sentence
    let file = sb.corpus().join("beijing-2024.txt");
    let text = std::fs::read_to_string(&file).expect("corpus file");
    let damaged = text.replacen(
        "市级财政按规定给予每家总额",
        "市级财政\u{c}按规定\u{b}给予每家总额",
        1,
    );
    assert_ne!(text, damaged);
    std::fs::write(&file, damaged).expect("write corpus file");
    let path = sb.out("ctl.docx");
    sb.export(&["--topic", "listing", "--out", path.to_str().expect("utf-8")]);
    let xml = zip_part(&path, "word/document.xml");
    let bad: Vec<char> = xml
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    assert!(bad.is_empty(), "control characters in the XML: {bad:?}");
    assert!(xml.contains("按规定"));
}

#[test]
fn dash_means_standard_output() {
    let sb = sandbox();
    let ids = selection();
    let md = String::from_utf8(sb.export(&[&ids[0], "--out", "-"])).expect("utf-8");
    assert!(md.starts_with("# 政策条款摘编"));
}

#[test]
fn as_of_date_changes_the_status() {
    let sb = sandbox();
    let ids = selection();
    let md = String::from_utf8(sb.export(&[&ids[1], "--as-of", "2029-01-01"])).expect("utf-8");
    assert!(md.contains("已失效（2028年12月31日到期）"), "{md}");
}

#[test]
fn writes_a_file_and_refuses_to_overwrite_without_force() {
    let sb = sandbox();
    let path = sb.out("digest.md");
    let p = path.to_str().expect("utf-8 path");
    let id = selection()[0].clone();
    sb.export(&[&id, "--out", p]);
    let first = std::fs::read_to_string(&path).expect("written");
    assert!(first.starts_with("# 政策条款摘编"));

    std::fs::write(&path, "my notes").expect("overwrite by hand");
    let err = sb.fail(&[&id, "--out", p]);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).expect("kept"), "my notes");

    sb.export(&[&id, "--out", p, "--force"]);
    assert_eq!(std::fs::read_to_string(&path).expect("replaced"), first);
    assert_eq!(files_in(path.parent().expect("dir")), ["digest.md"]);
}

#[test]
fn failures_write_nothing() {
    let sb = sandbox();
    let id = selection()[0].clone();
    let out_dir = sb.out("x").parent().expect("dir").to_path_buf();

    // unknown id
    let p = out_dir.join("a.md");
    let err = sb.fail(&["beijing-2021/999", "--out", p.to_str().expect("utf-8")]);
    assert!(
        err.contains("unknown clause or document id 'beijing-2021/999'"),
        "{err}"
    );

    // a folder that cannot exist (its parent is a file)
    let blocker = out_dir.join("file");
    std::fs::write(&blocker, "x").expect("blocker");
    let p = blocker.join("b.md");
    let err = sb.fail(&[&id, "--out", p.to_str().expect("utf-8")]);
    assert!(err.contains("b.md"), "{err}");

    // empty selection: a search that finds nothing
    let p = out_dir.join("c.md");
    let err = sb.fail(&["--query", "qqxxzzyy", "--out", p.to_str().expect("utf-8")]);
    assert!(err.contains("nothing to export"), "{err}");

    // unknown measure type
    let err = sb.fail(&[
        "--topic",
        "no-such-type",
        "--out",
        p.to_str().expect("utf-8"),
    ]);
    assert!(err.contains("unknown measure type"), "{err}");

    assert_eq!(files_in(&out_dir), ["file"]);
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The library takes both dates from its caller: the digest says the day it was made
/// and the day its statuses refer to as given, whatever the clock or the environment
/// say, and it is built from the store alone (the selection's documents and the
/// documents its links lead to).
#[test]
fn the_library_export_takes_its_dates_and_reads_the_store() {
    let ws = workspace();
    let made_on = chrono::NaiveDate::from_ymd_opt(2031, 5, 6).expect("date");
    let as_of = chrono::NaiveDate::from_ymd_opt(2019, 1, 2).expect("date");
    let options = Options {
        with_links: true,
        as_of,
        made_on,
        ..Options::new(Format::Json, made_on)
    };
    let ids = vec![selection()[0].clone()];
    let report = policynav::export::model::build(&ws.store, ws.taxonomy(), &ids, &options)
        .expect("the digest builds");
    assert_eq!(report.generated, made_on);
    assert_eq!(report.as_of, as_of);
    let entry = report.entries().next().expect("one entry");
    assert!(
        !entry.links.is_empty(),
        "the listing subsidy has equivalents"
    );
    // every linked clause is cited with its own document listed among the sources
    for l in &entry.links {
        assert!(
            report.sources.iter().any(|s| s.doc == l.citation.doc),
            "{} is cited but its document is not a source",
            l.citation.id
        );
    }
    // a document issued after the as-of date is not yet in force on it
    let later = report
        .sources
        .iter()
        .find(|s| s.doc == "beijing-2021")
        .expect("the selection's own document is a source");
    assert_eq!(later.status, policynav::model::Validity::NotYetInForce);
}
