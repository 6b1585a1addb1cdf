//! The corpus as a reader sees it, through the real binary: documents, articles,
//! provisions, agencies, cleaning, and adding/removing one's own documents.

mod common;

use std::path::{Path, PathBuf};

use common::Sandbox;
use regex::Regex;
use serde_json::Value;

/// Files of this suite's sandboxes.
impl Sandbox {
    /// The manifest of the documents added to the data dir.
    fn user_manifest(&self) -> PathBuf {
        self.data().join("corpus").join("manifest.toml")
    }

    /// Writes `bytes` to the file `name` in the sandbox; returns its path.
    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.root().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

/// The text of a file of the bundled corpus.
fn seed(file: &str) -> String {
    std::fs::read_to_string(common::bundled_corpus().join(file)).unwrap()
}

fn clauses(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap()
}

fn articles_of(v: &Value, doc: &str) -> Vec<Value> {
    clauses(v)
        .iter()
        .filter(|c| c["doc"] == doc && c["kind"] == "article")
        .cloned()
        .collect()
}

fn find<'a>(v: &'a Value, id: &str) -> &'a Value {
    clauses(v)
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no clause {id}"))
}

#[test]
fn each_document_has_its_printed_number_of_articles_and_chapters() {
    let env = Sandbox::new();
    let all = env.json(&["clauses", "--json"]);
    let expect = [
        ("beijing-2021", 16, Some(6)),
        ("beijing-2024", 10, None),
        ("zhejiang-2023", 20, Some(6)),
        ("baotou-2023", 21, Some(7)),
    ];
    for (doc, n, chapters) in expect {
        let arts = articles_of(&all, doc);
        assert_eq!(arts.len(), n, "{doc} articles");
        let mut ch: Vec<&str> = arts.iter().filter_map(|a| a["chapter"].as_str()).collect();
        ch.dedup();
        match chapters {
            Some(c) => assert_eq!(ch.len(), c, "{doc} chapters holding articles"),
            None => assert!(ch.is_empty(), "{doc} has no chapters"),
        }
        // Articles are numbered 1..n in reading order.
        let paths: Vec<String> = arts
            .iter()
            .map(|a| a["path"].as_str().unwrap().to_string())
            .collect();
        let expected: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
        assert_eq!(paths, expected, "{doc}");
    }
    // Baotou's measures sit in the seven sections of 三、重点工作.
    let baotou = env.json(&["show", "baotou-2023", "--json"]);
    let sections: Vec<&str> = baotou["articles"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["chapter"].as_str())
        .collect();
    assert!(sections.iter().all(|s| s.starts_with("3.")), "{sections:?}");
    // Haidian numbers items afresh in each section: the path carries the section.
    let h = articles_of(&all, "haidian-2013");
    for id in [
        "haidian-2013/3.1.1",
        "haidian-2013/3.2.1",
        "haidian-2013/3.5.4",
        "haidian-2013/5.4",
    ] {
        assert!(h.iter().any(|a| a["id"] == id), "{id} missing");
    }
    assert_eq!(find(&all, "haidian-2013/3.2.1")["chapter"], "3.2");
}

#[test]
fn titles_and_statuses_as_of_a_date() {
    let env = Sandbox::new();
    let docs = env.json(&["docs", "--as-of", "2024-06-01", "--json"]);
    let get = |id: &str| {
        docs.as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
            .clone()
    };
    let expect = [
        (
            "beijing-2021",
            "北京市关于促进“专精特新”中小企业高质量发展的若干措施",
            "final",
            "in-force",
        ),
        (
            "baotou-2023",
            "包头市支持“专精特新”中小企业培育引进加快发展的若干措施(征求意见稿)",
            "draft",
            "draft",
        ),
        (
            "haidian-2013",
            "核心区中小微企业助力计划(2013-2015年)",
            "final",
            "expired",
        ),
        (
            "beijing-2024",
            "关于实施十大强企行动激发专精特新企业活力的若干措施",
            "final",
            "in-force",
        ),
        (
            "zhejiang-2023",
            "关于进一步促进专精特新中小企业高质量发展的若干措施(征求意见稿)",
            "draft",
            "draft",
        ),
    ];
    for (id, title, status, validity) in expect {
        let d = get(id);
        assert_eq!(d["title"], title);
        assert_eq!(d["status"], status, "{id}");
        assert_eq!(d["validity"], validity, "{id}");
        assert_eq!(d["origin"], "bundled");
    }
    let earlier = env.json(&["docs", "--as-of", "2014-06-01", "--json"]);
    let h = earlier
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "haidian-2013")
        .unwrap();
    assert_eq!(h["validity"], "in-force");
    let later = env.json(&["docs", "--as-of", "2029-01-01", "--json"]);
    let b = later
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "beijing-2024")
        .unwrap();
    assert_eq!(b["validity"], "expired");
    // The human table shows the same.
    let out = env.run(&["docs", "--as-of", "2014-06-01"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("haidian-2013"))
        .unwrap();
    assert!(line.contains("in force"), "{line}");
}

#[test]
fn no_chrome_or_pinyin_left_in_any_clause() {
    let env = Sandbox::new();
    let all = env.json(&["clauses", "--json"]);
    let pinyin = Regex::new(r"\p{Han}[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{1,7}[)）]").unwrap();
    let chrome = [
        "当前位置",
        "您的位置",
        "首页",
        "政务公开 >",
        " > ",
        "免责声明",
        "版权所有",
        "验证码",
        "字体:",
        "字号:",
        "原文链接",
        "首都之窗",
        "ICP证",
        "发文机构",
        "成文日期",
        "来源:",
        "点击:",
        "分享:",
        "客服",
        "关于我们",
        "联系人",
        "汉字以内",
        "智慧城市news",
        "Network",
        "\u{a0}",
        "\u{3000}",
        "\n",
    ];
    let top = Regex::new(r"\bTOP\b").unwrap();
    assert!(clauses(&all).len() > 300);
    for c in clauses(&all) {
        let id = c["id"].as_str().unwrap();
        for field in ["text", "normalized", "measure"] {
            let t = c[field].as_str().unwrap();
            assert!(!pinyin.is_match(t), "{id} {field} has pinyin: {t}");
            for m in chrome {
                assert!(
                    !c["normalized"].as_str().unwrap().contains(m),
                    "{id} has chrome {m:?}"
                );
            }
            assert!(!top.is_match(t), "{id} has TOP");
        }
        // Normalised text keeps the character count of the original.
        assert_eq!(
            c["text"].as_str().unwrap().chars().count(),
            c["normalized"].as_str().unwrap().chars().count(),
            "{id}"
        );
    }
}

#[test]
fn page_breaks_are_rejoined_without_gluing_titles() {
    let env = Sandbox::new();
    let all = env.json(&["clauses", "--doc", "beijing-2024", "--json"]);
    let three = find(&all, "beijing-2024/3");
    assert!(
        three["text"]
            .as_str()
            .unwrap()
            .contains("对专精特新企业参与创新技术突破类场景攻关")
    );
    let p = find(&all, "beijing-2024/3.1");
    assert!(p["text"].as_str().unwrap().contains("专精特新企业参与"));
    let eight = find(&all, "beijing-2024/8")["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(eight.contains("配租公共租赁住房"), "{eight}");
    // No title glued onto a body.
    let one = find(&all, "beijing-2024/1")["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(one.starts_with("实施“创新领航”行动。"), "{one}");
    for c in clauses(&all) {
        assert!(
            !c["text"].as_str().unwrap().contains("若干措施为进一步"),
            "{}",
            c["id"]
        );
    }
    let doc = env.json(&["show", "beijing-2024", "--json"]);
    assert!(
        doc["preamble"]
            .as_str()
            .unwrap()
            .starts_with("为进一步激发")
    );
    assert!(doc["closing"].as_str().unwrap().contains("从其规定"));
    // Beijing 2021: the cover letter and the measures are kept apart.
    let b = env.json(&["show", "beijing-2021", "--json"]);
    assert!(b["letter"].as_str().unwrap().contains("特此通知"));
    assert!(!b["preamble"].as_str().unwrap().contains("特此通知"));
    assert!(b["closing"].as_str().unwrap().contains("自印發之日起施行"));
}

#[test]
fn agencies_are_parsed_and_removed_from_the_measure() {
    let env = Sandbox::new();
    let all = env.json(&["clauses", "--json"]);
    let names = |id: &str| -> Vec<String> {
        find(&all, id)["agencies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect()
    };
    // Beijing 2021: a list after each sentence.
    assert_eq!(names("beijing-2021/1.1"), ["市科委", "中關村管委會"]);
    assert_eq!(
        names("beijing-2021/1.3"),
        ["市經濟和信息化局", "市發展改革委"]
    );
    let m = find(&all, "beijing-2021/1.1")["measure"].as_str().unwrap();
    assert!(m.ends_with("500萬元。") && !m.contains("市科委"), "{m}");
    assert!(
        find(&all, "beijing-2021/1.1")["text"]
            .as_str()
            .unwrap()
            .contains("(市科委、中關村管委會)")
    );
    // A list after the article's last sentence governs provisions without their own.
    assert_eq!(names("beijing-2021/4.6"), ["市經濟和信息化局"]);
    // Zhejiang: 責任單位 after each article, with a nested parenthesis and a note.
    let z = names("zhejiang-2023/1.2");
    assert_eq!(z[0], "省經信廳");
    assert!(z.contains(&"各市、縣(市、區)政府".to_string()), "{z:?}");
    assert!(
        !z.iter()
            .any(|a| a.contains("以下") || a.contains("責任單位")),
        "{z:?}"
    );
    let zm = find(&all, "zhejiang-2023/1")["measure"].as_str().unwrap();
    assert!(!zm.contains("責任單位"), "{zm}");
    // Baotou: "…按职责分工负责。"
    assert_eq!(
        names("baotou-2023/1.2"),
        ["市工信局", "各旗县区人民政府", "稀土高新区管委会"]
    );
    assert_eq!(
        names("baotou-2023/2.2"),
        [
            "市工信局",
            "市财政局",
            "各旗县区人民政府",
            "稀土高新区管委会"
        ]
    );
    // Ordinary parentheses stay in the measure and are no agencies.
    let six = find(&all, "beijing-2024/6.2");
    assert!(six["measure"].as_str().unwrap().contains("25亿元(含)"));
    assert!(six["agencies"].as_array().unwrap().is_empty());
    // Every Zhejiang and Baotou provision has agencies.
    for c in clauses(&all) {
        if (c["doc"] == "zhejiang-2023" || c["doc"] == "baotou-2023") && c["kind"] == "provision" {
            assert!(
                !c["agencies"].as_array().unwrap().is_empty(),
                "{} has no agency",
                c["id"]
            );
        }
    }
}

#[test]
fn provisions_split_sentences_enumerations_and_instruments() {
    let env = Sandbox::new();
    let all = env.json(&["clauses", "--json"]);
    let text = |id: &str| find(&all, id)["text"].as_str().unwrap().to_string();
    // The 300万 listing subsidy is its own provision in both Beijing documents.
    assert!(
        text("beijing-2021/9.4").contains("300萬元")
            && !text("beijing-2021/9.4").contains("新三板")
    );
    assert!(text("beijing-2024/6.5").contains("300万元"));
    // Two instruments with different figures in one sentence: 500万 补助 and 100万 奖励.
    assert!(text("beijing-2021/5.4").contains("500萬元資金補助"));
    assert!(text("beijing-2021/5.5").starts_with("並根據服務績效給予最高100萬元獎勵"));
    // Tiers of one reward stay together.
    assert!(text("beijing-2024/6.2").contains("2%") && text("beijing-2024/6.2").contains("3%"));
    // Haidian's inline enumeration.
    assert!(text("haidian-2013/3.1.3.1").starts_with("一是"));
    assert_eq!(find(&all, "haidian-2013/3.1.3.2")["label"], "一是");
    assert!(text("haidian-2013/3.1.3.4").starts_with("二是"));
    // Every article has at least one provision.
    for a in clauses(&all).iter().filter(|c| c["kind"] == "article") {
        let id = a["id"].as_str().unwrap();
        assert!(
            clauses(&all).iter().any(|p| p["parent"] == id),
            "{id} has no provision"
        );
    }
}

#[test]
fn show_clause_and_document_and_unknown_ids() {
    let env = Sandbox::new();
    let text = env.text(&["show", "beijing-2021/9.3"]);
    assert!(text.contains("新三板"), "{text}");
    assert!(text.contains("[beijing-2021/9.3]"), "{text}");
    assert!(
        text.contains("《北京市关于促进“专精特新”中小企业高质量发展的若干措施》"),
        "{text}"
    );
    let j = env.json(&["show", "beijing-2021/9", "--json"]);
    assert_eq!(j["kind"], "article");
    assert_eq!(j["provisions"].as_array().unwrap().len(), 5);
    let d = env.json(&["show", "zhejiang-2023", "--json"]);
    assert_eq!(d["articles"].as_array().unwrap().len(), 20);
    assert_eq!(d["status"], "draft");
    let out = env.run(&["show", "haidian-2013"]);
    let outline = String::from_utf8(out.stdout).unwrap();
    assert!(outline.contains("haidian-2013/3.2.1"), "{outline}");
    let err = env.fails(&["show", "beijing-2021/99"]);
    assert!(err.contains("beijing-2021/99"), "{err}");
    env.fails(&["clauses", "--doc", "nowhere"]);
}

/// The clauses of one document as (path, normalized) pairs.
fn shape(all: &Value, doc: &str) -> Vec<(String, String)> {
    clauses(all)
        .iter()
        .filter(|c| c["doc"] == doc)
        .map(|c| {
            (
                c["path"].as_str().unwrap().to_string(),
                c["normalized"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn added_gbk_utf16_and_html_copies_give_the_same_clauses() {
    let env = Sandbox::new();
    let bundled = env.json(&["clauses", "--json"]);

    // GBK copy of Beijing 2024.
    let b24 = seed("beijing-2024.txt");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&b24);
    assert!(!unmappable);
    let f = env.write("b24-gbk.txt", &gbk);
    let added = env.json(&["add", f.to_str().unwrap(), "--id", "b24-gbk", "--json"]);
    assert_eq!(added["encoding"], "GBK");
    assert_eq!(added["jurisdiction"], "Beijing");
    assert_eq!(added["expires"], "2028-12-31");
    // the user is told it repeats a document already there
    assert_eq!(added["duplicate_of"], "beijing-2024");

    // Saved HTML page of Zhejiang, itself GBK-encoded with a declared charset.
    let zj = seed("zhejiang-2023.txt");
    let mut html = String::from(
        "<!DOCTYPE html>\n<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\">\
         <title>关于进一步促进专精特新中小企业高质量发展的若干措施</title><script>var a = 1 < 2;</script></head><body>\n\
         <nav><ul><li><a href=\"/\">首页</a></li><li><a href=\"/zc\">政策文件</a></li></ul></nav>\n",
    );
    for line in zj.lines() {
        let esc = line
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        html.push_str(&format!("<p>{esc}</p>\n"));
    }
    html.push_str(
        "<div class=\"footer\"><ul><li><a href=\"/\">首页</a></li><li>联系我们</li></ul>\
         <p>主办单位：浙江省经济和信息化厅</p><p>浙公网安备 33010602009975号</p></div></body></html>\n",
    );
    let (zj_gbk, _, unmappable) = encoding_rs::GBK.encode(&html);
    assert!(!unmappable);
    let f = env.write("zhejiang.html", &zj_gbk);
    let added = env.json(&[
        "add",
        f.to_str().unwrap(),
        "--id",
        "zj-html",
        "--jurisdiction",
        "Zhejiang",
        "--level",
        "province",
        "--json",
    ]);
    assert_eq!(added["html"], true);
    assert_eq!(added["status"], "draft");

    // UTF-16 LE with BOM copy of Baotou.
    let mut u16 = vec![0xFF, 0xFE];
    u16.extend(
        seed("baotou-2023.txt")
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes()),
    );
    let f = env.write("baotou-utf16.txt", &u16);
    let added = env.json(&["add", f.to_str().unwrap(), "--json"]);
    assert_eq!(
        added["id"], "baotou-2023-2",
        "id from jurisdiction and year, made unique"
    );
    assert_eq!(added["written"], "2023-03-30");

    let after = env.json(&["clauses", "--json"]);
    assert_eq!(shape(&after, "b24-gbk"), shape(&bundled, "beijing-2024"));
    assert_eq!(shape(&after, "zj-html"), shape(&bundled, "zhejiang-2023"));
    assert_eq!(
        shape(&after, "baotou-2023-2"),
        shape(&bundled, "baotou-2023")
    );
    // The copies are stored verbatim.
    let stored = std::fs::read(env.data().join("corpus").join("zj-html.html")).unwrap();
    assert_eq!(stored, zj_gbk.as_ref());
    let docs = env.json(&["docs", "--json"]);
    let origin = docs
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "zj-html")
        .unwrap()["origin"]
        .clone();
    assert_eq!(origin, "user");

    // Duplicate ids are refused; removing works and bundled documents stay.
    let f = env.write("again.txt", &gbk);
    let err = env.fails(&["add", f.to_str().unwrap(), "--id", "b24-gbk"]);
    assert!(err.contains("already exists"), "{err}");
    let err = env.fails(&["add", f.to_str().unwrap(), "--id", "beijing-2024"]);
    assert!(err.contains("already exists"), "{err}");
    env.ok(&["remove", "b24-gbk"]);
    assert!(!env.data().join("corpus").join("b24-gbk.txt").exists());
    let docs = env.json(&["docs", "--json"]);
    assert!(
        !docs
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == "b24-gbk")
    );
    let err = env.fails(&["remove", "beijing-2021"]);
    assert!(err.contains("bundled"), "{err}");
    env.fails(&["remove", "b24-gbk"]);
}

#[test]
fn unusable_files_are_refused_and_change_nothing() {
    let env = Sandbox::new();
    // A first document, so that there is a manifest to keep intact.
    let f = env.write("b24.txt", seed("beijing-2024.txt").as_bytes());
    env.ok(&["add", f.to_str().unwrap(), "--id", "mine"]);
    let before = std::fs::read(env.user_manifest()).unwrap();
    let listing = |dir: &Path| {
        let mut v: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        v.sort();
        v
    };
    let files_before = listing(&env.data().join("corpus"));

    let mut png = vec![
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D,
    ];
    png.extend((0..2000u32).map(|i| (i * 37 % 256) as u8));
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("picture.png", png, "not a text file"),
        ("empty.txt", Vec::new(), "empty"),
        ("blank.txt", b" \n\n \n".to_vec(), "empty"),
        (
            "letter.txt",
            "各有关单位:\n现将有关事项通知如下,请认真贯彻执行。\n特此通知。\n"
                .as_bytes()
                .to_vec(),
            "no recognisable measures",
        ),
    ];
    for (name, bytes, why) in cases {
        let f = env.write(name, &bytes);
        let err = env.fails(&["add", f.to_str().unwrap()]);
        assert!(err.contains(name), "{err}");
        assert!(err.contains(why), "{err}");
        assert_eq!(
            std::fs::read(env.user_manifest()).unwrap(),
            before,
            "{name} changed the manifest"
        );
        assert_eq!(
            listing(&env.data().join("corpus")),
            files_before,
            "{name} left a file"
        );
    }
    env.fails(&["add", env.root().join("missing.txt").to_str().unwrap()]);
}

#[test]
fn a_corpus_folder_replaces_the_bundled_documents_and_reports_manifest_lines() {
    let env = Sandbox::new();
    let dir = env.root().join("mine");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        common::bundled_corpus().join("beijing-2024.txt"),
        dir.join("b.txt"),
    )
    .unwrap();
    let manifest = "[[document]]\nid = \"b\"\nfile = \"b.txt\"\ntitle = \"关于实施十大强企行动激发专精特新企业活力的若干措施\"\n\
                    jurisdiction = \"Beijing\"\nlevel = \"municipality\"\nexpires = 2028-12-31\nstatus = \"final\"\n";
    std::fs::write(dir.join("manifest.toml"), manifest).unwrap();
    let docs = env.json(&["--corpus", dir.to_str().unwrap(), "docs", "--json"]);
    let ids: Vec<&str> = docs
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["b"]);
    assert_eq!(docs[0]["articles"], 10);

    std::fs::write(
        dir.join("manifest.toml"),
        manifest.replace("municipality", "metropolis"),
    )
    .unwrap();
    let err = env.fails(&["--corpus", dir.to_str().unwrap(), "docs"]);
    assert!(err.contains("manifest.toml, line 6"), "{err}");

    // a listed file that is missing leaves that document out, with one warning naming it
    std::fs::write(
        dir.join("manifest.toml"),
        manifest.replace("b.txt", "gone.txt"),
    )
    .unwrap();
    let out = env.ok(&["--corpus", dir.to_str().unwrap(), "docs", "--json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("policynav: warning: document b left out: ") && err.contains("gone.txt"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let docs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(docs, serde_json::json!([]));
}

#[test]
fn a_document_that_shares_only_part_of_its_measures_is_no_duplicate() {
    let env = Sandbox::new();
    // the first half of Beijing 2024's text: a different (shorter) set of measures
    let b24 = seed("beijing-2024.txt");
    let half: String = b24
        .lines()
        .take(b24.lines().count() / 2)
        .collect::<Vec<_>>()
        .join("\n");
    let f = env.write("b24-half.txt", half.as_bytes());
    let added = env.json(&["add", f.to_str().unwrap(), "--id", "half", "--json"]);
    assert!(added.get("duplicate_of").is_none(), "{added}");
    // a whole copy is flagged, and the human output says so on stderr
    let f = env.write("b24-copy.txt", b24.as_bytes());
    let out = env.ok(&["add", f.to_str().unwrap(), "--id", "copy"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("same measures as beijing-2024"), "{err}");
}
