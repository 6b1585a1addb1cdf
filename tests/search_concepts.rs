//! Search that understands a consultant's words (issue 14), over the bundled corpus and
//! in both scripts: measures named by their words, instrument families, ranking of
//! measures above passing mentions, punctuation and short forms inside terms, no
//! single-character fallback, and the CLI conventions (exit codes, colour, several
//! filter values, sorting, completions, man page).

mod common;

use common::Sandbox;
use serde_json::Value;

/// `search --json --explain --limit 50 ARGS`: exit status 0 with hits, 1 without.
fn search(env: &Sandbox, args: &[&str]) -> Value {
    let mut all = vec!["search", "--json", "--explain"];
    if !args.contains(&"--limit") {
        all.extend_from_slice(&["--limit", "50"]);
    }
    all.extend_from_slice(args);
    let out = env.run(&all);
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{all:?}: {}", String::from_utf8_lossy(&out.stderr)));
    let found = !hits(&v).is_empty();
    assert_eq!(
        out.status.code(),
        Some(if found { 0 } else { 1 }),
        "{all:?}: exit status"
    );
    v
}

fn hits(v: &Value) -> &Vec<Value> {
    v["hits"].as_array().expect("hits")
}

fn ids(v: &Value) -> Vec<String> {
    hits(v)
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

fn rank_of(v: &Value, id: &str) -> Option<usize> {
    ids(v).iter().position(|x| x == id)
}

fn notes(v: &Value) -> String {
    v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_measure_named_also_finds_provisions_that_do_not_print_the_words() {
    let env = Sandbox::new();
    for q in ["展位费补贴", "展位費補貼"] {
        let v = search(&env, &[q]);
        let found = ids(&v);
        // the Zhejiang clause prints 展位费 and 补助 (a word of the grant family)
        assert_eq!(
            found.first().map(String::as_str),
            Some("zhejiang-2023/13.4"),
            "{q}"
        );
        // the Beijing trade-fair measures say 参加…展会 and 资金支持: found by their frame
        for id in ["beijing-2021/11.5", "beijing-2024/9.3"] {
            let at = rank_of(&v, id).unwrap_or_else(|| panic!("{q}: {id} missing: {found:?}"));
            let r = &hits(&v)[at]["ranking"];
            assert_eq!(r["literal"], false, "{q} {id}");
            assert_eq!(r["frame"], "exact", "{q} {id}");
        }
        // literal matches first
        let literal: Vec<bool> = hits(&v)
            .iter()
            .map(|h| h["ranking"]["literal"].as_bool().unwrap())
            .collect();
        assert!(
            literal.windows(2).all(|w| w[0] || !w[1]),
            "{q}: literal matches rank above the others: {literal:?}"
        );
        // found by its measure, the snippet marks the words that show it
        let at = rank_of(&v, "beijing-2024/9.3").unwrap();
        assert!(
            !hits(&v)[at]["snippet"]["highlights"]
                .as_array()
                .unwrap()
                .is_empty(),
            "{q}"
        );
    }
}

#[test]
fn instrument_words_are_one_family_unless_quoted() {
    let env = Sandbox::new();
    for q in ["上市奖励", "上市獎勵"] {
        let found = ids(&search(&env, &[q]));
        // both 300万 listing subsidies say 补贴, not 奖励
        for id in ["beijing-2021/9.4", "beijing-2024/6.5"] {
            assert!(found.contains(&id.to_string()), "{q}: {id} in {found:?}");
        }
    }
    let quoted = ids(&search(&env, &["上市", "\"奖励\""]));
    assert!(
        !quoted.contains(&"beijing-2024/6.5".to_string()),
        "{quoted:?}"
    );
    assert!(!quoted.is_empty());
}

#[test]
fn a_longer_wording_of_the_family_counts_as_printing_the_word() {
    let env = Sandbox::new();
    // 资金支持 is a grant wording of two terms: the provision that prints it beside
    // 数字化转型 prints every word of the query, and ranks with those that say 补助
    for q in ["数字化转型补助", "數字化轉型補助"] {
        let v = search(&env, &[q]);
        let at = rank_of(&v, "beijing-2024/5.2").expect("数字化转型升级 … 资金支持");
        let ranking = &hits(&v)[at]["ranking"];
        assert_eq!(ranking["literal"], true, "{q}: {ranking}");
        assert_eq!(
            ranking["words"],
            serde_json::json!([3, 3]),
            "{q}: {ranking}"
        );
        let partial = hits(&v)
            .iter()
            .position(|h| h["ranking"]["literal"] == false)
            .expect("a hit without every word");
        assert!(at < partial, "{q}: {:?}", ids(&v));
        assert!(at < 3, "{q}: rank {at} in {:?}", ids(&v));
        // a wording without the query's other words is still a partial match
        let cloud = rank_of(&v, "beijing-2024/5.3").expect("上云上平台改造 … 资金支持");
        assert_eq!(hits(&v)[cloud]["ranking"]["literal"], false, "{q}");
    }
    // quoted, the word is only itself
    let quoted = ids(&search(&env, &["数字化转型", "\"补助\""]));
    assert!(
        !quoted.contains(&"beijing-2024/5.2".to_string()),
        "{quoted:?}"
    );
    assert_eq!(quoted.len(), 1, "{quoted:?}");
    let out = env.run(&["search", "数字化转型", "\"补助\""]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("1 provision matches "), "{text}");
}

#[test]
fn measures_rank_above_passing_mentions() {
    let env = Sandbox::new();
    for q in ["支持企业上市", "支援企業上市"] {
        let v = search(&env, &[q]);
        let subsidy = rank_of(&v, "beijing-2024/6.5").expect("the 2024 listing subsidy");
        // among the first four (the others are listing measures too)
        assert!(subsidy < 4, "{q}: rank {subsidy} in {:?}", ids(&v));
        for mention in ["baotou-2023/12.4", "haidian-2013/3.1.2.8"] {
            let at = rank_of(&v, mention).expect("the mention matches too");
            assert!(subsidy < at, "{q}: {mention} at {at}");
        }
    }
    for q in ["信用评级", "信用評級"] {
        let v = search(&env, &[q]);
        let pays = rank_of(&v, "haidian-2013/3.1.3.2").expect("the credit-rating subsidy");
        let mention = rank_of(&v, "haidian-2013/3.1.2.3").expect("二是開展中小微企業信用評級");
        assert!(pays < mention, "{q}: {:?}", ids(&v));
        assert_eq!(pays, 0, "{q}: {:?}", ids(&v));
    }
}

#[test]
fn explain_reports_the_ranking_features() {
    let env = Sandbox::new();
    let v = search(&env, &["信用评级"]);
    let first = &hits(&v)[0];
    let r = &first["ranking"];
    for key in [
        "bm25",
        "literal",
        "words",
        "frame",
        "measure",
        "support_figure",
        "instrument",
        "heading",
        "final",
    ] {
        assert!(r.get(key).is_some(), "{key} missing: {r}");
    }
    assert_eq!(r["support_figure"], true);
    assert_eq!(r["measure"].as_f64(), Some(1.0));
    assert_eq!(first["score"], r["final"]);
    // ordered by how many words they print, then by the final score
    let keys: Vec<(u64, f64)> = hits(&v)
        .iter()
        .map(|h| {
            let r = &h["ranking"];
            (
                r["words"][0].as_u64().unwrap(),
                r["final"].as_f64().unwrap(),
            )
        })
        .collect();
    assert!(
        keys.windows(2)
            .all(|w| w[0].0 > w[1].0 || (w[0].0 == w[1].0 && w[0].1 >= w[1].1)),
        "{keys:?}"
    );
    // a heading match is reported
    let v = search(&env, &["挂牌倍增"]);
    assert!(hits(&v).iter().any(|h| h["ranking"]["heading"] == true));
    // without --explain there is no ranking
    let plain: Value = env.json(&["search", "--json", "信用评级"]);
    assert!(hits(&plain)[0].get("ranking").is_none());
}

#[test]
fn punctuation_inside_a_term_and_short_forms_match() {
    let env = Sandbox::new();
    // 浙江股權交易中心“專精特新”板 and 北京股權交易中心“專精特新板”
    for q in ["專精特新板", "专精特新板", "“专精特新”板", "\"專精特新\"板"]
    {
        let found = ids(&search(&env, &[q]));
        for id in ["zhejiang-2023/15.3", "beijing-2021/8.3"] {
            assert!(found.contains(&id.to_string()), "{q}: {id} in {found:?}");
        }
    }
    // 专板 is the short form of 专精特新(专)板
    for q in ["专板", "專板"] {
        let found = ids(&search(&env, &[q]));
        for id in ["beijing-2024/6.1", "beijing-2021/8.3"] {
            assert!(found.contains(&id.to_string()), "{q}: {id} in {found:?}");
        }
    }
    // 北交所 = 北京证券交易所, both ways
    let found = ids(&search(&env, &["北京证券交易所"]));
    assert!(found.contains(&"beijing-2024/6.4".to_string()), "{found:?}");
    let found = ids(&search(&env, &["北交所"]));
    assert!(
        found.contains(&"zhejiang-2023/15.1".to_string()),
        "{found:?}"
    );
    // 新三板 = 全国中小企业股份转让系统
    let found = ids(&search(&env, &["新三板"]));
    assert!(found.contains(&"beijing-2024/6.3".to_string()), "{found:?}");
    let found = ids(&search(&env, &["全國中小企業股份轉讓系統"]));
    assert!(found.contains(&"beijing-2021/9.3".to_string()), "{found:?}");
}

#[test]
fn no_single_character_fallback_and_closest_words_when_nothing_matches() {
    let env = Sandbox::new();
    for q in ["元宇宙", "不存在的词汇xyz", "不存在的詞彙xyz"] {
        let v = search(&env, &[q]);
        assert!(hits(&v).is_empty(), "{q}: {:?}", ids(&v));
        assert_eq!(v["total"], 0, "{q}");
        assert!(
            notes(&v).contains("no provision contains"),
            "{q}: {}",
            notes(&v)
        );
    }
    // a typo: the closest word the index knows
    let v = search(&env, &["小巨仁"]);
    assert!(hits(&v).is_empty());
    assert!(notes(&v).contains("小巨人"), "{}", notes(&v));
    // human output says so too, with status 1 and nothing on stderr
    let out = env.run(&["search", "元宇宙"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("no provision matches 元宇宙"), "{text}");
    assert!(out.stderr.is_empty());
}

#[test]
fn exit_status_is_0_on_a_match_1_on_none_and_2_on_an_error() {
    let env = Sandbox::new();
    let code = |args: &[&str]| env.run(args).status.code();
    assert_eq!(code(&["search", "上市"]), Some(0));
    assert_eq!(code(&["search", "--json", "元宇宙"]), Some(1));
    assert_eq!(code(&["search", "上市", "--topic", "nope"]), Some(2));
    assert_eq!(code(&["links", "beijing-2024/6.5"]), Some(0));
    assert_eq!(code(&["links", "haidian-2013/1.1.0"]), Some(1));
    assert_eq!(code(&["links", "--json", "haidian-2013/1.1.0"]), Some(1));
    assert_eq!(code(&["links", "no-such/1"]), Some(2));
    assert_eq!(code(&["facts", "--clause", "beijing-2024/6.5"]), Some(0));
    assert_eq!(code(&["facts", "--clause", "beijing-2021/9.1"]), Some(1));
    assert_eq!(
        code(&["facts", "--json", "--clause", "beijing-2021/9.1"]),
        Some(1)
    );
    assert_eq!(code(&["facts", "--clause", "no-such/1"]), Some(2));
}

#[test]
fn colour_is_asked_for_or_automatic() {
    let env = Sandbox::new();
    let out = |args: &[&str]| String::from_utf8(env.run(args).stdout).unwrap();
    // the sandbox sets NO_COLOR and runs in a pipe: auto means no colour
    let auto = out(&["search", "上市", "--limit", "1"]);
    assert!(!auto.contains('\x1b') && auto.contains('【'), "{auto}");
    let never = out(&["search", "上市", "--limit", "1", "--color", "never"]);
    assert!(!never.contains('\x1b'));
    let always = out(&["search", "上市", "--limit", "1", "--color", "always"]);
    assert!(always.contains("\x1b[1;33m"), "{always}");
    assert!(!always.contains('【'));
    assert_eq!(
        env.run(&["search", "上市", "--color", "sometimes"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn filters_take_several_values_and_chinese_names() {
    let env = Sandbox::new();
    let jurisdictions = |v: &Value| -> Vec<String> {
        let mut j: Vec<String> = hits(v)
            .iter()
            .map(|h| h["jurisdiction"].as_str().unwrap().to_string())
            .collect();
        j.sort();
        j.dedup();
        j
    };
    let v = search(
        &env,
        &["奖励", "--jurisdiction", "Baotou,Beijing", "--limit", "200"],
    );
    assert_eq!(jurisdictions(&v), ["Baotou", "Beijing"]);
    let v = search(
        &env,
        &["奖励", "--jurisdiction", "包头，北京", "--limit", "200"],
    );
    assert_eq!(jurisdictions(&v), ["Baotou", "Beijing"]);
    let v = search(
        &env,
        &["奖励 jurisdiction:Baotou,Haidian", "--limit", "200"],
    );
    assert_eq!(jurisdictions(&v), ["Baotou", "Haidian"]);
    // a measure type by its id or its Chinese name
    let by_id = ids(&search(&env, &["奖励", "--topic", "recognition"]));
    let by_name = ids(&search(&env, &["奖励", "--topic", "认定奖励"]));
    assert!(!by_id.is_empty());
    assert_eq!(by_id, by_name);
    let two = search(
        &env,
        &["奖励", "--topic", "recognition,listing", "--limit", "200"],
    );
    assert!(
        two["total"].as_u64() > search(&env, &["奖励", "--topic", "listing"])["total"].as_u64()
    );
    let v = search(
        &env,
        &["上市", "--level", "municipality,district", "--limit", "200"],
    );
    assert!(!hits(&v).is_empty());
    assert!(
        env.fails(&["search", "上市", "--jurisdiction", "Beijing,Atlantis"])
            .contains("Atlantis")
    );
}

/// A filter narrows the hits without reordering them: each jurisdiction's hits are the
/// unfiltered hits of that jurisdiction, in the same order with the same scores, and a
/// filter that keeps every jurisdiction changes nothing. (A word searched alone is walked
/// through its lists; beside a filter it is sought to the filter's provisions.)
#[test]
fn a_filter_narrows_the_hits_without_reordering_them() {
    let env = Sandbox::new();
    let ranked = |v: &Value, only: Option<&str>| -> Vec<(String, String)> {
        hits(v)
            .iter()
            .filter(|h| only.is_none_or(|j| h["jurisdiction"] == j))
            .map(|h| {
                (
                    h["id"].as_str().unwrap().to_string(),
                    h["score"].to_string(),
                )
            })
            .collect()
    };
    for q in [
        "专精特新",
        "專精特新",
        "补贴",
        "上市",
        "300万",
        "展位费",
        "贷款贴息",
    ] {
        let alone = search(&env, &[q, "--limit", "1000"]);
        assert!(!hits(&alone).is_empty(), "{q}");
        let mut every: Vec<&str> = hits(&alone)
            .iter()
            .map(|h| h["jurisdiction"].as_str().unwrap())
            .collect();
        every.sort_unstable();
        every.dedup();
        for j in &every {
            let filtered = search(&env, &[q, "--jurisdiction", j, "--limit", "1000"]);
            assert_eq!(
                ranked(&filtered, None),
                ranked(&alone, Some(j)),
                "{q} in {j}"
            );
        }
        let all = search(
            &env,
            &[q, "--jurisdiction", &every.join(","), "--limit", "1000"],
        );
        assert_eq!(ranked(&all, None), ranked(&alone, None), "{q}");
        assert_eq!(all["total"], alone["total"], "{q}");
    }
}

#[test]
fn hits_can_be_sorted_by_amount_or_date() {
    let env = Sandbox::new();
    let v = search(&env, &["奖励", "--sort", "amount", "--limit", "30"]);
    let amounts: Vec<f64> = hits(&v)
        .iter()
        .map(|h| h["ranking"]["amount"].as_f64().unwrap_or(-1.0))
        .collect();
    assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{amounts:?}");
    assert!(amounts[0] >= 30_000_000.0, "{amounts:?}");
    let v = search(&env, &["奖励", "--sort", "date", "--limit", "100"]);
    let dates: Vec<String> = hits(&v)
        .iter()
        .map(|h| h["ranking"]["date"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    assert_ne!(dates.first(), dates.last());
}

#[test]
fn completions_and_man_page_come_from_the_command_definitions() {
    let env = Sandbox::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let text = env.text(&["completions", shell]);
        assert!(text.contains("policynav"), "{shell}");
        assert!(text.contains("jurisdiction"), "{shell}: the search options");
    }
    let man = env.text(&["man"]);
    assert!(man.contains(".TH policynav"), "{man}");
    assert!(man.contains("search"), "{man}");
    assert_eq!(env.run(&["completions", "cmd.exe"]).status.code(), Some(2));
}
