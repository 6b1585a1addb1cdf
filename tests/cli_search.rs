//! `policynav search` and `policynav index` over the bundled corpus, run as a user would.

mod common;

use std::process::Output;

use common::Sandbox;
use serde_json::Value;

/// `search` and `index` in a sandbox, as JSON.
impl Sandbox {
    /// `search --json --limit 500 ARGS`, which must exit 0 with hits, 1 without.
    fn search(&self, args: &[&str]) -> Value {
        let mut all = vec!["search", "--json"];
        if !args.contains(&"--limit") {
            all.extend_from_slice(&["--limit", "500"]);
        }
        all.extend_from_slice(args);
        let out = self.run(&all);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
            panic!("{all:?}: no JSON: {}", String::from_utf8_lossy(&out.stderr))
        });
        let found = !v["hits"].as_array().expect("hits array").is_empty();
        assert_eq!(
            out.status.code(),
            Some(if found { 0 } else { 1 }),
            "{all:?}: exit status with{} hits",
            if found { "" } else { "out" }
        );
        v
    }

    /// The ids of the hits of [`Sandbox::search`], best first.
    fn ids(&self, args: &[&str]) -> Vec<String> {
        ids(&self.search(args))
    }

    /// `index --json ARGS`, which must succeed.
    fn index_json(&self, args: &[&str]) -> Value {
        let mut all = vec!["index", "--json"];
        all.extend_from_slice(args);
        self.json(&all)
    }
}

fn ids(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .expect("hits array")
        .iter()
        .map(|h| h["id"].as_str().expect("id").to_string())
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn traditional_and_simplified_queries_find_the_same_clauses() {
    let env = Sandbox::new();
    for (a, b) in [
        ("專精特新板", "专精特新板"),
        ("網路安全", "网络安全"),
        ("軟體", "软件"),
        ("資訊", "信息"),
    ] {
        let (ha, hb) = (env.ids(&[a]), env.ids(&[b]));
        assert!(!ha.is_empty(), "{a} finds nothing");
        assert_eq!(sorted(ha), sorted(hb), "{a} vs {b}");
    }
    // beijing-2021 prints 網路安全 and 軟體 in Taiwan vocabulary
    assert!(
        env.ids(&["网络安全"])
            .iter()
            .any(|id| id.starts_with("beijing-2021/"))
    );
    assert!(
        env.ids(&["软件"])
            .iter()
            .any(|id| id.starts_with("beijing-2021/"))
    );
}

#[test]
fn the_listing_subsidy_is_found_in_both_scripts_and_wordings() {
    let env = Sandbox::new();
    // beijing-2021 says 支援 (Traditional, Taiwan vocabulary), beijing-2024 says 支持
    let hits = env.ids(&["\"支持企业在A股或境外主要证券交易所上市\""]);
    assert_eq!(sorted(hits), ["beijing-2021/9.4", "beijing-2024/6.5"]);
    let hits = env.ids(&["上市补贴"]);
    assert!(
        hits.contains(&"beijing-2021/9.4".to_string())
            && hits.contains(&"beijing-2024/6.5".to_string()),
        "{hits:?}"
    );
}

#[test]
fn every_way_of_writing_a_figure_finds_it() {
    let env = Sandbox::new();
    let expected = env.ids(&["300万"]);
    assert!(
        expected.contains(&"beijing-2021/9.4".to_string()),
        "{expected:?}"
    );
    assert!(
        expected.contains(&"beijing-2024/6.5".to_string()),
        "{expected:?}"
    );
    for form in ["300萬元", "300万元", "3,000,000元", "三百万"] {
        assert_eq!(sorted(env.ids(&[form])), sorted(expected.clone()), "{form}");
    }
    // 300万 is not 3000万
    let big = env.ids(&["3000万"]);
    assert!(!big.is_empty());
    assert!(
        big.iter().all(|id| !expected.contains(id)),
        "{big:?} vs {expected:?}"
    );
    // the 70% trade-fair support in both Beijing documents and Zhejiang
    let seventy = env.ids(&["70%"]);
    for doc in ["beijing-2021/", "beijing-2024/", "zhejiang-2023/"] {
        assert!(
            seventy.iter().any(|id| id.starts_with(doc)),
            "{doc} missing from {seventy:?}"
        );
    }
    // the highlight covers the figure as printed
    let v = env.search(&["300萬元", "--doc", "beijing-2021"]);
    let snippet = &v["hits"][0]["snippet"];
    let text = snippet["text"].as_str().unwrap();
    let h = &snippet["highlights"][0];
    let (s, e) = (
        h["start"].as_u64().unwrap() as usize,
        h["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[s..e], "300萬元");
}

#[test]
fn filters_restrict_the_hits() {
    let env = Sandbox::new();
    let all = env.ids(&["企业"]);
    let check = |args: &[&str], ok: &dyn Fn(&str) -> bool| {
        let mut a = vec!["企业"];
        a.extend_from_slice(args);
        let hits = env.ids(&a);
        assert!(!hits.is_empty(), "{args:?} finds nothing");
        assert!(hits.len() < all.len(), "{args:?} filters nothing");
        assert!(hits.iter().all(|id| ok(id)), "{args:?}: {hits:?}");
    };
    check(&["--doc", "baotou-2023"], &|id| {
        id.starts_with("baotou-2023/")
    });
    check(&["--jurisdiction", "Beijing"], &|id| {
        id.starts_with("beijing-")
    });
    check(&["--jurisdiction", "北京"], &|id| {
        id.starts_with("beijing-")
    });
    check(&["--jurisdiction", "浙江省"], &|id| {
        id.starts_with("zhejiang-")
    });
    check(&["--level", "district"], &|id| id.starts_with("haidian-"));
    check(&["--status", "in-force", "--as-of", "2024-06-01"], &|id| {
        id.starts_with("beijing-")
    });
    check(&["--status", "expired", "--as-of", "2024-06-01"], &|id| {
        id.starts_with("haidian-")
    });
    check(&["--status", "draft"], &|id| {
        id.starts_with("baotou-") || id.starts_with("zhejiang-")
    });
    // a date without a status filter changes nothing, and says so
    let out = env.text(&["search", "上市补贴", "--as-of", "2024-06-01"]);
    assert!(
        out.contains("note: --as-of only matters with --status"),
        "{out}"
    );
    // a status named in the query uses the date
    let out = env.text(&[
        "search",
        "上市补贴 status:in-force",
        "--as-of",
        "2024-06-01",
    ]);
    assert!(!out.contains("only matters"), "{out}");
    // in-query filter, same as the flag
    assert_eq!(
        env.ids(&["企业 doc:baotou-2023"]),
        env.ids(&["企业", "--doc", "baotou-2023"])
    );

    // measure type: the trade-fair provisions
    let fairs = env.ids(&["支持", "--topic", "tradefair"]);
    assert!(fairs.contains(&"beijing-2024/9.3".to_string()), "{fairs:?}");
    assert!(
        !fairs.contains(&"beijing-2024/6.5".to_string()),
        "{fairs:?}"
    );

    // support of at least 2000万: the 3000万 awards, not the 300万 listing subsidy
    let big = env.ids(&["奖励", "--min-amount", "2000万"]);
    assert!(big.contains(&"beijing-2021/4.1".to_string()), "{big:?}");
    let listing = env.ids(&["上市", "--min-amount", "2000万"]);
    assert!(
        !listing.contains(&"beijing-2024/6.5".to_string()),
        "{listing:?}"
    );
    let listing = env.ids(&["上市", "--min-amount", "300万"]);
    assert!(
        listing.contains(&"beijing-2024/6.5".to_string()),
        "{listing:?}"
    );
}

#[test]
fn unknown_filter_values_are_errors_that_name_the_option() {
    let env = Sandbox::new();
    for (args, needle) in [
        (&["上市", "--doc", "nowhere-1999"][..], "--doc nowhere-1999"),
        (
            &["上市", "--jurisdiction", "Atlantis"][..],
            "--jurisdiction Atlantis",
        ),
        (&["上市", "--level", "galaxy"][..], "level"),
        (&["上市", "--topic", "nope"][..], "--topic nope"),
        (&["上市", "--min-amount", "lots"][..], "--min-amount lots"),
        (&["上市", "--as-of", "yesterday"][..], "--as-of"),
    ] {
        let mut a = vec!["search"];
        a.extend_from_slice(args);
        let err = env.fails(&a);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn phrases_match_exactly() {
    let env = Sandbox::new();
    let phrase = env.ids(&["\"300万元的资金补贴\""]);
    assert_eq!(sorted(phrase), ["beijing-2021/9.4", "beijing-2024/6.5"]);
    // “…” quotes work like "…"; a phrase finds no more than its words
    let words = env.ids(&["资金补贴"]);
    let quoted = env.ids(&["“资金补贴”"]);
    assert!(
        !quoted.is_empty() && quoted.len() <= words.len(),
        "{quoted:?} {words:?}"
    );
    // words typed without spaces rank the exact sequence first
    let ranked = env.ids(&["境外主要证券交易所"]);
    assert!(
        ["beijing-2021/9.4", "beijing-2024/6.5"].contains(&ranked[0].as_str()),
        "{ranked:?}"
    );
}

#[test]
fn excluded_words_remove_hits() {
    let env = Sandbox::new();
    let with = env.ids(&["上市"]);
    let without = env.search(&["上市 -补贴"]);
    let without_ids = ids(&without);
    assert!(with.contains(&"beijing-2024/6.5".to_string()));
    assert!(!without_ids.is_empty() && without_ids.len() < with.len());
    assert!(!without_ids.contains(&"beijing-2024/6.5".to_string()));
    for hit in without["hits"].as_array().unwrap() {
        let text = hit["text"].as_str().unwrap();
        assert!(
            !text.contains("补贴") && !text.contains("補貼"),
            "{}",
            hit["id"]
        );
    }
    assert_eq!(env.ids(&["上市 NOT 补贴"]), without_ids);
}

#[test]
fn malformed_queries_still_search() {
    let env = Sandbox::new();
    for q in [
        "\"unbalanced 上市",
        "上市 AND",
        "OR 上市",
        "(上市",
        "上市)",
        "title:上市",
        "上市^2",
        "上市 时间:2023",
    ] {
        let v = env.search(&[q]);
        assert!(v["total"].as_u64().unwrap() > 0, "{q} finds nothing");
    }
    let v = env.search(&["\"unbalanced 上市"]);
    assert!(
        v["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("unbalanced"))
    );
    // a query with nothing searchable answers with a note, not an error
    for q in ["AND", "(", "\"\"", "，。"] {
        let v = env.search(&[q]);
        assert_eq!(v["total"], 0, "{q}");
        assert!(!v["notes"].as_array().unwrap().is_empty(), "{q}");
    }
}

#[test]
fn and_falls_back_to_or_and_says_so() {
    let env = Sandbox::new();
    let v = env.search(&["上市 紫微星"]);
    assert!(v["total"].as_u64().unwrap() > 0);
    let notes: Vec<&str> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(notes.iter().any(|n| n.contains("any of them")), "{notes:?}");
}

#[test]
fn json_output_has_the_documented_shape() {
    let env = Sandbox::new();
    let v = env.search(&["上市补贴", "--limit", "3"]);
    assert_eq!(v["query"], "上市补贴");
    assert!(v["total"].as_u64().unwrap() >= 3);
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 3);
    for h in hits {
        for key in [
            "id",
            "doc",
            "jurisdiction",
            "path",
            "text",
            "snippet",
            "score",
        ] {
            assert!(!h[key].is_null(), "{key} missing in {h}");
        }
        assert!(
            h["id"]
                .as_str()
                .unwrap()
                .starts_with(h["doc"].as_str().unwrap())
        );
        let snippet = h["snippet"]["text"].as_str().unwrap();
        let text = h["text"].as_str().unwrap();
        assert!(
            text.contains(snippet.trim_matches('…')),
            "snippet not from the text"
        );
        let mut last = 0;
        for r in h["snippet"]["highlights"].as_array().unwrap() {
            let (s, e) = (
                r["start"].as_u64().unwrap() as usize,
                r["end"].as_u64().unwrap() as usize,
            );
            assert!(s >= last && s < e, "highlights sorted and apart");
            assert!(snippet.is_char_boundary(s) && snippet.is_char_boundary(e));
            last = e;
        }
    }
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
}

#[test]
fn human_output_marks_highlights_without_a_terminal() {
    let env = Sandbox::new();
    let out = env.run(&["search", "上市补贴", "--limit", "2"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("【上市】") || text.contains("【補貼】") || text.contains("【补贴】"),
        "{text}"
    );
    assert!(text.contains("best 2 shown"), "{text}");
    assert!(!text.contains('\x1b'), "no colour codes in a pipe");
}

#[test]
fn index_is_built_once_and_then_reused() {
    let env = Sandbox::new();
    let first = env.index_json(&[]);
    assert_eq!(first["action"], "built");
    assert_eq!(first["reason"], "missing");
    assert!(first["clauses"].as_u64().unwrap() > 300);
    let second = env.index_json(&[]);
    assert_eq!(second["action"], "none");
    assert_eq!(second["fingerprint"], first["fingerprint"]);
    let forced = env.index_json(&["--rebuild"]);
    assert_eq!(forced["action"], "built");
    assert_eq!(forced["reason"], "forced");
    let human = env.run(&["index"]);
    assert!(String::from_utf8_lossy(&human.stdout).starts_with("index up to date:"));
}

#[test]
fn a_corpus_change_rebuilds_the_index_automatically() {
    let env = Sandbox::new().with_corpus_copy();
    assert!(env.ids(&["紫微星"]).is_empty());
    let before = env.index_json(&[]);
    let file = env.corpus().join("beijing-2024.txt");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("首流片"));
    std::fs::write(&file, text.replacen("首流片", "首流片与紫微星", 1)).unwrap();
    // search notices by itself
    let hits = env.ids(&["紫微星"]);
    assert_eq!(hits, ["beijing-2024/1.2"]);
    let after = env.index_json(&[]);
    assert_eq!(after["action"], "none", "search already rebuilt it");
    assert_ne!(after["generation"], before["generation"]);
}

#[test]
fn a_damaged_index_is_rebuilt() {
    let env = Sandbox::new();
    env.index_json(&[]);
    let current = env.index_dir().join("current");
    // truncate the biggest segment file
    let biggest = std::fs::read_dir(&current)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "json" && e != "lock"))
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap();
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&biggest)
        .unwrap();
    f.set_len(std::fs::metadata(&biggest).unwrap().len() / 2)
        .unwrap();
    drop(f);
    let v = env.index_json(&[]);
    assert_eq!(v["action"], "built");
    assert!(v["reason"].as_str().unwrap().starts_with("damaged"), "{v}");
    assert!(!env.ids(&["上市"]).is_empty());

    // a deleted segment file, and a missing fingerprint file
    let victim = std::fs::read_dir(&current)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "idx"))
        .unwrap();
    std::fs::remove_file(victim).unwrap();
    assert!(!env.ids(&["上市"]).is_empty());
    std::fs::remove_file(current.join("meta.json")).unwrap();
    let v = env.index_json(&[]);
    assert_eq!(v["reason"], "damaged: no meta.json");
}

#[test]
fn concurrent_processes_share_one_index() {
    let env = Sandbox::new();
    let spawn = |args: &[&str]| {
        env.cmd()
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let a = spawn(&["index", "--json"]);
    let b = spawn(&["index", "--json"]);
    let c = spawn(&["search", "--json", "上市"]);
    let outs: Vec<Output> = [a, b, c]
        .into_iter()
        .map(|p| p.wait_with_output().unwrap())
        .collect();
    for o in &outs {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let built: Vec<bool> = outs[..2]
        .iter()
        .map(|o| serde_json::from_slice::<Value>(&o.stdout).unwrap()["action"] == "built")
        .collect();
    let search: Value = serde_json::from_slice(&outs[2].stdout).unwrap();
    assert!(search["total"].as_u64().unwrap() > 0);
    assert!(
        built.iter().filter(|b| **b).count() <= 1,
        "built twice: {built:?}"
    );

    // searching while another process rebuilds
    let r = spawn(&["index", "--rebuild", "--json"]);
    let s = spawn(&["search", "--json", "上市"]);
    let (r, s) = (r.wait_with_output().unwrap(), s.wait_with_output().unwrap());
    assert!(
        r.status.success() && s.status.success(),
        "{}",
        String::from_utf8_lossy(&s.stderr)
    );
    let v = env.index_json(&[]);
    assert_eq!(v["action"], "none", "the index left behind is complete");
    let leftovers: Vec<_> = std::fs::read_dir(env.index_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("tmp-") || n.starts_with("old-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_corpus_folders_dictionary_decides_the_words_and_its_edits_rebuild_the_index() {
    let env = Sandbox::new().with_corpus_copy();
    // 专精特新 is one word in the domain dictionary: its fragment 特新 is not a word
    assert_eq!(env.search(&["特新"])["total"], 0);
    assert!(env.search(&["专精特新"])["total"].as_u64().unwrap() > 100);
    let before = env.index_json(&[]);
    assert_eq!(before["action"], "none");

    // the consultant removes the entries from the folder's own dict.txt
    let dict = env.corpus().join("dict.txt");
    let text = std::fs::read_to_string(&dict).unwrap();
    let kept: String = text
        .lines()
        .filter(|l| !l.starts_with("专精特新"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(kept.len(), text.len());
    std::fs::write(&dict, kept).unwrap();
    let after = env.index_json(&[]);
    assert_eq!(after["action"], "built", "{after}");
    assert!(
        after["reason"].as_str().unwrap().starts_with("stale"),
        "{after}"
    );
    // jieba now splits 专精|特新, so the fragment is found
    assert!(env.search(&["特新"])["total"].as_u64().unwrap() > 100);
}

#[test]
fn touching_a_file_does_not_rebuild_but_a_new_document_is_indexed() {
    let env = Sandbox::new().with_corpus_copy();
    let first = env.index_json(&[]);
    assert_eq!(first["action"], "built");
    // Touching a document (same bytes, new time) costs a hash, not a rebuild.
    let file = env.corpus().join("beijing-2021.txt");
    let bytes = std::fs::read(&file).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&file, &bytes).unwrap();
    let touched = env.index_json(&[]);
    assert_eq!(touched["action"], "none", "{touched}");
    assert_eq!(touched["generation"], first["generation"]);
    // A new document in the manifest is noticed.
    let manifest = env.corpus().join("manifest.toml");
    let mut m = std::fs::read_to_string(&manifest).unwrap();
    std::fs::copy(&file, env.corpus().join("copy.txt")).unwrap();
    m.push_str(
        "\n[[document]]\nid = \"copy\"\nfile = \"copy.txt\"\ntitle = \"副本\"\njurisdiction = \"Beijing\"\nlevel = \"municipality\"\nstatus = \"final\"\n",
    );
    std::fs::write(&manifest, m).unwrap();
    let added = env.index_json(&[]);
    assert_eq!(
        added["action"], "updated",
        "changed in place, not rebuilt: {added}"
    );
    assert_eq!(added["updated"], serde_json::json!(["copy"]), "{added}");
    let hits = env.ids(&["300萬元", "--doc", "copy"]);
    assert!(hits.iter().any(|h| h == "copy/9.4"), "{hits:?}");
}

#[test]
fn an_edited_document_is_updated_and_a_relative_path_reuses_the_store() {
    let env = Sandbox::new().with_corpus_copy();
    let first = env.index_json(&[]);
    assert_eq!(first["action"], "built");
    // The same corpus named by a relative path from its parent folder: the same store,
    // nothing rebuilt (the store's stamps name files, not the way they were reached).
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_policynav"))
        .env("POLICYNAV_DATA_DIR", env.data())
        .env_remove("POLICYNAV_INDEX")
        .args(["--corpus", "corpus", "--index"])
        .arg(env.index_dir())
        .args(["index", "--json"])
        .current_dir(env.corpus().parent().expect("parent"))
        .output()
        .expect("policynav runs");
    let relative: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(relative["action"], "none", "{relative}");
    // Editing a document's text in place (same manifest) is noticed, and only that
    // document is analysed again.
    let file = env.corpus().join("baotou-2023.txt");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\n附加：对新认定的示范企业给予一次性奖励。\n");
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&file, text).unwrap();
    let edited = env.index_json(&[]);
    assert_eq!(edited["action"], "updated", "{edited}");
    assert_eq!(
        edited["updated"],
        serde_json::json!(["baotou-2023"]),
        "{edited}"
    );
}

#[test]
fn a_word_finds_provisions_never_the_articles_or_documents_that_hold_them() {
    // The store also holds each article with provisions (its whole text), each document
    // and each provision's links. A word of an article's lead-in, of a heading, or of a
    // document title finds provisions (and clauses without any), never those entries.
    let env = Sandbox::new();
    for q in ["支援企業掛牌上市", "专精特新", "措施", "企业"] {
        let v = env.search(&[q, "--limit", "5000"]);
        let hits = ids(&v);
        assert_eq!(v["total"].as_u64(), Some(hits.len() as u64), "{q}");
        // a provision's path is its article's and its own number (9.4)
        for id in hits
            .iter()
            .filter(|id| !id.rsplit('/').next().unwrap().contains('.'))
        {
            let shown = env.json(&["show", id, "--json"]);
            let provisions = shown["provisions"].as_array().map_or(0, Vec::len);
            assert_eq!(provisions, 0, "{q}: {id} has provisions of its own");
        }
    }
}
