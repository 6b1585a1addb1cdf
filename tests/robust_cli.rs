//! Nothing lost, nothing crashes: what the command line prints and accepts. Document
//! text reaches a terminal without its escape sequences; bad arguments and environment
//! are errors that name them; a closed pipe ends a command quietly.

mod common;

use std::io::Read;
use std::process::Stdio;

use common::Sandbox;

/// A policy of our own whose measures carry terminal escape sequences and control
/// characters, as a hostile or broken web page might.
const HOSTILE: &str = "上海市关于支持中小企业发展的若干措施\n\
1.支持企业\u{1b}]0;pwned\u{7}开展数字化改造专项行动\u{1b}[2J，给予每家不超过100万元\u{1b}[31m的资金补贴\u{1b}[0m。\n\
2.支持企业开展\u{1b}]52;c;ZXZpbA==\u{1b}\\技术改造，对设备投资给予最高30%的补助\u{9b}1;1H。\n\
3.支持企业参加境内外展会\u{8}\u{8}，按照实际发生费用给予最高70%的资金支持\u{1b}]8;;http://example.invalid\u{1b}\\。\n\
4.支持企业在A股上市，给予每家不超过300万元的资金补贴。\n";

fn hostile_sandbox() -> Sandbox {
    let env = Sandbox::new().today("2025-06-01");
    let f = env.root().join("hostile.txt");
    // plain measures around the hostile ones: a page mostly of text, as the importer
    // requires of a text file
    let mut text = HOSTILE.to_string();
    for n in 5..=30 {
        text.push_str(&format!(
            "{n}.支持企业开展第{n}批质量提升行动，对通过认定的企业给予每家不超过{n}0万元的一次性奖励。\n"
        ));
    }
    std::fs::write(&f, text).unwrap();
    env.ok(&[
        "add",
        f.to_str().unwrap(),
        "--id",
        "hostile",
        "--jurisdiction",
        "Shanghai",
        "--level",
        "municipality",
    ]);
    env
}

/// No control character but line breaks and tabs.
fn assert_terminal_safe(args: &[&str], out: &str) {
    let bad: Vec<char> = out
        .chars()
        .filter(|c| c.is_control() && *c != '\n' && *c != '\t')
        .collect();
    assert!(bad.is_empty(), "{args:?} printed {bad:?}:\n{out}");
}

#[test]
fn document_text_reaches_the_terminal_without_escape_sequences() {
    let env = hostile_sandbox();
    let commands: Vec<Vec<&str>> = vec![
        vec!["show", "hostile/1"],
        vec!["show", "hostile"],
        vec!["clauses", "--doc", "hostile"],
        vec!["search", "专项行动"],
        vec!["search", "技术改造"],
        vec!["facts", "--doc", "hostile"],
        vec!["links", "hostile/4.1"],
        vec!["compare", "hostile/4.1"],
        vec!["topics", "listing"],
        vec!["docs"],
    ];
    for args in &commands {
        let out = env.text(args);
        assert_terminal_safe(args, &out);
    }
    // the text itself is all there
    let shown = env.text(&["show", "hostile/1"]);
    assert!(shown.contains("支持企业开展数字化改造专项行动"), "{shown}");
    assert!(shown.contains("的资金补贴"), "{shown}");
    // JSON is valid and holds the clause texts as stored, control characters escaped
    let json = env.json(&["clauses", "--doc", "hostile", "--json"]);
    let shown: serde_json::Value = env.json(&["show", "hostile/1", "--json"]);
    let first = json
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "hostile/1")
        .unwrap();
    assert_eq!(first["text"], shown["text"]);
    assert!(
        first["text"]
            .as_str()
            .unwrap()
            .contains("数字化改造专项行动"),
        "{first}"
    );
}

#[test]
fn an_invalid_policynav_today_is_an_error_naming_the_variable() {
    let env = Sandbox::new().today("2025-13-45");
    for args in [
        vec!["docs"],
        vec!["search", "上市"],
        vec!["show", "beijing-2021"],
    ] {
        let err = env.fails(&args);
        assert!(err.contains("POLICYNAV_TODAY"), "{args:?}: {err}");
        assert!(err.contains("2025-13-45"), "{err}");
    }
    let err = Sandbox::new().today("tomorrow").fails(&["docs"]);
    assert!(err.contains("POLICYNAV_TODAY"), "{err}");
    // a valid one, and an empty one (unset), work
    Sandbox::new().today("2025-01-01").ok(&["docs"]);
    Sandbox::new().today("").ok(&["docs"]);
}

#[test]
fn limit_zero_shows_no_hit_but_the_count_and_bad_amounts_are_refused() {
    let env = Sandbox::new();
    let json = env.json(&["search", "上市", "--limit", "0", "--json"]);
    assert_eq!(json["hits"].as_array().unwrap().len(), 0, "{json}");
    assert!(json["total"].as_u64().unwrap() > 0, "{json}");
    let text = env.text(&["search", "上市", "--limit", "0"]);
    assert!(
        text.contains("provisions match 上市 (none shown)"),
        "{text}"
    );
    assert!(!text.contains("beijing"), "{text}");
    let json = env.json(&["search", "上市", "--limit", "1", "--json"]);
    assert_eq!(json["hits"].as_array().unwrap().len(), 1);
    let json = env.json(&["links", "beijing-2024/6.5", "--limit", "0", "--json"]);
    assert_eq!(json, serde_json::json!([]));

    for amount in ["-5", "-500000", "-1.5亿"] {
        let out = env.run(&["search", "上市", &format!("--min-amount={amount}")]);
        assert!(!out.status.success(), "--min-amount={amount} accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--min-amount"), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
    env.ok(&["search", "上市", "--min-amount", "0"]);
    let out = env.run(&["export", "--query", "上市", "--limit", "0"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--limit"));
}

/// Runs `policynav ARGS` with its standard output closed from the start, as when the
/// reader (`head`) has gone away: the command must end quietly.
fn with_closed_stdout(env: &Sandbox, args: &[&str]) -> (Option<i32>, String) {
    let mut child = env
        .cmd()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (child.wait().unwrap().code(), err)
}

#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let env = Sandbox::new();
    env.ok(&["index"]);
    for args in [
        vec!["docs", "--json"],
        vec!["docs"],
        vec!["clauses", "--json"],
        vec!["clauses"],
        vec!["search", "上市", "--json"],
        vec!["search", "上市"],
        vec!["show", "beijing-2021", "--json"],
        vec!["show", "beijing-2021"],
        vec!["facts", "--json"],
        vec!["facts"],
        vec!["topics", "--json"],
        vec!["topics"],
        vec!["links", "beijing-2024/6.5", "--json"],
        vec!["links", "beijing-2024/6.5"],
        vec!["compare", "--topic", "listing"],
        vec!["compare", "--topic", "listing", "--json"],
        vec!["index", "--json"],
        vec!["export", "beijing-2021/9"],
    ] {
        let (code, err) = with_closed_stdout(&env, &args);
        assert_eq!(err, "", "{args:?}");
        assert_eq!(code, Some(0), "{args:?}");
    }
}

#[test]
fn an_excluded_phrase_is_answered_not_a_crash() {
    let env = Sandbox::new();
    // found by tests/robust_fuzz.rs: tantivy's phrase scorer failed an assertion when a
    // phrase was only excluded
    let all = env.json(&["search", "*", "--json"]);
    for query in [
        "-上市补贴",
        "-\"资金补贴\"",
        "上市 -\"资金补贴\"",
        "-上市 -补贴",
    ] {
        let out = env.run(&["search", "--json", "--", query]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{query}: {err}");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(json["total"].as_u64().unwrap() <= all["total"].as_u64().unwrap());
    }
    // an exclusion alone takes those provisions out of all of them
    let without = env.json(&["search", "--json", "--", "-上市"]);
    let with = env.json(&["search", "上市", "--json"]);
    let (without, with, all) = (
        without["total"].as_u64().unwrap(),
        with["total"].as_u64().unwrap(),
        all["total"].as_u64().unwrap(),
    );
    assert!(
        without < all && without + with >= all,
        "{without} {with} {all}"
    );
}
