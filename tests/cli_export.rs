//! `policynav export` over the bundled corpus: golden digests in every text format, the
//! CSV/HTML/DOCX read back by real parsers, and failed writes that leave nothing behind.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::Sandbox;
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

/// The bundled corpus, loaded once in this process to find clauses by content.
fn workspace() -> &'static Workspace {
    static WS: OnceLock<Workspace> = OnceLock::new();
    WS.get_or_init(|| {
        let tmp = std::env::temp_dir().join("policynav-cli-export-test");
        Workspace::open(Locations::bundled_in(&tmp)).expect("bundled corpus loads")
    })
}

/// The provision of `doc` whose text contains every needle.
fn provision(doc: &str, needles: &[&str]) -> String {
    let found: Vec<String> = workspace()
        .corpus
        .provisions()
        .filter(|(d, c)| d.meta.id == doc && needles.iter().all(|n| c.text.contains(n)))
        .map(|(_, c)| c.id.clone())
        .collect();
    assert_eq!(found.len(), 1, "{doc} {needles:?}: {found:?}");
    found[0].clone()
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
    assert_eq!(&b21[col("date")], "2021-12-22");
    assert!(b21[col("support_figures")].contains("300万元"));
    assert_eq!(&b21[col("status")], "in force");
    let zj = rows
        .iter()
        .find(|r| r[col("id")].starts_with("zhejiang-2023"))
        .expect("Zhejiang row");
    assert!(
        zj[col("status")].starts_with("draft"),
        "{}",
        &zj[col("status")]
    );
    insta::assert_snapshot!("export_csv", body);
}

#[test]
fn json_digest_matches_golden_with_schema_version() {
    let json = golden("json");
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(v["schema"], "policynav.digest");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["generated"], DAY);
    let entries: Vec<&serde_json::Value> = v["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .flat_map(|g| g["entries"].as_array().expect("entries"))
        .collect();
    assert_eq!(entries.len(), 4);
    for e in &entries {
        for key in ["id", "jurisdiction", "title", "article"] {
            assert!(e["citation"][key].is_string(), "citation.{key} in {e}");
        }
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
    insta::assert_snapshot!("export_html", html);
}

#[test]
fn docx_holds_text_headings_and_tables() {
    let sb = sandbox();
    let path = sb.out("digest.docx");
    let ids = selection();
    let mut args: Vec<&str> = ids.iter().map(String::as_str).collect();
    let p = path.to_str().expect("utf-8 path");
    // the format comes from the file name
    args.extend(["--out", p]);
    sb.export(&args);
    let file = std::fs::File::open(&path).expect("docx written");
    let mut zip = zip::ZipArchive::new(file).expect("docx is a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .expect("read");
    assert!(xml.contains("支援企業在A股或境外主要證券交易所上市"));
    assert!(xml.contains("支持企业在A股或境外主要证券交易所上市"));
    assert!(
        xml.matches("<w:tbl>").count() >= 2,
        "sources + comparison tables"
    );
    assert!(xml.contains("w:val=\"Heading2\""));
    assert!(xml.contains(&selection()[0]), "citation id");
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
    assert!(md.contains(&format!("`{}` (linked)", ids[1])), "{md}");
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
    let ws = workspace();
    let listing = selection()[0].clone();
    let (_, clause) = ws.corpus.clause(&listing).expect("clause");
    let article = clause.parent.clone().expect("parent article");
    let n = ws
        .corpus
        .provisions()
        .filter(|(_, c)| c.parent.as_deref() == Some(article.as_str()))
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

    // a clause that no longer exists (the corpus changed) is named, with the digest file
    policynav::export::Digest {
        ids: vec![ids[0].clone(), "beijing-2021/404".to_string()],
    }
    .save(&sb.data())
    .expect("save digest");
    let err = sb.fail(&["--digest"]);
    assert!(
        err.contains("digest.json") && err.contains("'beijing-2021/404'"),
        "{err}"
    );
}

#[test]
fn dash_means_standard_output() {
    let sb = sandbox();
    let ids = selection();
    let md = String::from_utf8(sb.export(&[&ids[0], "--out", "-"])).expect("utf-8");
    assert!(md.starts_with("# Clause digest"));
}

#[test]
fn as_of_date_changes_the_status() {
    let sb = sandbox();
    let ids = selection();
    let md = String::from_utf8(sb.export(&[&ids[1], "--as-of", "2029-01-01"])).expect("utf-8");
    assert!(md.contains("expired (ended 2028-12-31)"), "{md}");
}

#[test]
fn writes_a_file_and_refuses_to_overwrite_without_force() {
    let sb = sandbox();
    let path = sb.out("digest.md");
    let p = path.to_str().expect("utf-8 path");
    let id = selection()[0].clone();
    sb.export(&[&id, "--out", p]);
    let first = std::fs::read_to_string(&path).expect("written");
    assert!(first.starts_with("# Clause digest"));

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
