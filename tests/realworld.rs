//! Real-world shapes: web copies of SME-support policies with every layout and kind of
//! noise found on real pages (`tests/fixtures/realworld/`, see its SOURCES.md).
//!
//! Each fixture `NAME.txt` has a sidecar `NAME.toml` naming the page it models and what a
//! consultant expects: place and level, title, dates, 文号, the number of articles, noise
//! that must be gone, and where some articles are. Every fixture is added with the real
//! binary (`policynav add`) into a private data dir, then read back with `clauses --json`;
//! a library-level check structures it again and verifies that every paragraph of the
//! body sits in some clause.
//!
//! The fixtures in `heldout/` were written before the rules and are not used to develop
//! them: `heldout_fixtures` measures how the rules generalise.

mod common;

use std::path::{Path, PathBuf};

use common::Sandbox;
use policynav::text::to_simplified;
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sidecar {
    source: String,
    models: String,
    #[serde(default)]
    mirror_of: Option<String>,
    expect: Expect,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// The add is refused with an error containing this.
    refused: Option<String>,
    title: Option<String>,
    place: Option<String>,
    level: Option<String>,
    issuer: Option<String>,
    written: Option<String>,
    published: Option<String>,
    effective: Option<String>,
    expires: Option<String>,
    /// `""` means: no 文号 may be inferred.
    doc_number: Option<String>,
    status: Option<String>,
    articles: Option<usize>,
    #[serde(default)]
    noise: Vec<String>,
    #[serde(default)]
    clause: Vec<ExpectClause>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectClause {
    path: String,
    kind: Option<String>,
    chapter: Option<String>,
    heading: Option<String>,
    contains: Option<String>,
    agencies: Option<Vec<String>>,
}

fn fixtures(dir: &Path) -> Vec<(PathBuf, Sidecar)> {
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("fixture folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    entries.sort();
    for toml_path in entries {
        let sidecar: Sidecar =
            toml::from_str(&std::fs::read_to_string(&toml_path).expect("sidecar readable"))
                .unwrap_or_else(|e| panic!("{}: {e}", toml_path.display()));
        assert!(
            !sidecar.source.is_empty() && !sidecar.models.is_empty(),
            "{}: say which page it models",
            toml_path.display()
        );
        let text = ["txt", "html"]
            .iter()
            .map(|e| toml_path.with_extension(e))
            .find(|p| p.is_file())
            .unwrap_or_else(|| panic!("{}: no .txt or .html beside it", toml_path.display()));
        out.push((text, sidecar));
    }
    out
}

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/realworld")
        .join(name)
}

fn str_of(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// Checks one fixture with the real binary; returns what went wrong.
fn check(env: &Sandbox, file: &Path, sidecar: &Sidecar) -> Vec<String> {
    let mut problems = Vec::new();
    let e = &sidecar.expect;
    let name = file.file_stem().unwrap().to_string_lossy().to_string();
    let id = format!("rw-{name}");
    let out = env.run(&["add", file.to_str().unwrap(), "--id", &id, "--json"]);
    if let Some(refusal) = &e.refused {
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        if out.status.success() {
            problems.push(format!("should be refused ({refusal}) but was added"));
        } else if !err.contains(refusal) || err.trim_end().lines().count() != 1 {
            problems.push(format!(
                "refusal should be one line with {refusal:?}: {err}"
            ));
        } else if !err.contains(&*file.file_name().unwrap().to_string_lossy()) {
            problems.push(format!("refusal does not name the file: {err}"));
        }
        return problems;
    }
    if !out.status.success() {
        problems.push(format!(
            "not added: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
        return problems;
    }
    let added: Value = serde_json::from_slice(&out.stdout).expect("add --json");
    let mut field = |key: &str, want: &Option<String>, simplify: bool| {
        if let Some(want) = want {
            let got = str_of(&added, key).map(|g| if simplify { to_simplified(&g) } else { g });
            let ok = if want.is_empty() {
                got.is_none()
            } else {
                got.as_deref() == Some(want.as_str())
            };
            if !ok {
                problems.push(format!("{key}: want {want:?}, got {got:?}"));
            }
        }
    };
    field("title", &e.title, true);
    field("jurisdiction_zh", &e.place, true);
    field("level", &e.level, false);
    field("issuer", &e.issuer, true);
    field("written", &e.written, false);
    field("published", &e.published, false);
    field("effective", &e.effective, false);
    field("expires", &e.expires, false);
    field("doc_number", &e.doc_number, true);
    field("status", &e.status, false);

    let clauses = env.json(&["clauses", "--doc", &id, "--json"]);
    let clauses = clauses.as_array().expect("clauses array");
    let articles = clauses.iter().filter(|c| c["kind"] == "article").count();
    if let Some(want) = e.articles
        && articles != want
    {
        let ids: Vec<String> = clauses
            .iter()
            .filter(|c| c["kind"] == "article")
            .filter_map(|c| str_of(c, "path"))
            .collect();
        problems.push(format!("articles: want {want}, got {articles} {ids:?}"));
    }
    let title = str_of(&added, "title").unwrap_or_default();
    for noise in &e.noise {
        let noise_s = to_simplified(noise);
        if to_simplified(&title).contains(&noise_s) {
            problems.push(format!("noise {noise:?} left in the title {title:?}"));
        }
        for c in clauses {
            // `text` is the clause as printed (agency lists and their labels included);
            // noise must be gone from it
            let text = str_of(c, "text").unwrap_or_default();
            let heading = str_of(c, "heading").unwrap_or_default();
            if to_simplified(&text).contains(&noise_s) || to_simplified(&heading).contains(&noise_s)
            {
                problems.push(format!(
                    "noise {noise:?} left in {}: {text:?}",
                    str_of(c, "id").unwrap_or_default()
                ));
                break;
            }
        }
    }
    // Group labels (牵头单位:, 配合单位:) are no agency names.
    for c in clauses {
        for a in c["agencies"].as_array().into_iter().flatten() {
            let a = to_simplified(a.as_str().unwrap_or(""));
            if a.contains("单位:") || a.contains("单位：") {
                problems.push(format!(
                    "{}: agency {a:?}",
                    str_of(c, "id").unwrap_or_default()
                ));
            }
        }
    }
    for want in &e.clause {
        let Some(c) = clauses
            .iter()
            .find(|c| str_of(c, "path").as_deref() == Some(want.path.as_str()))
        else {
            problems.push(format!("no clause {}", want.path));
            continue;
        };
        let kind = want.kind.as_deref().unwrap_or("article");
        if c["kind"] != kind {
            problems.push(format!("{}: kind {} (want {kind})", want.path, c["kind"]));
        }
        if let Some(ch) = &want.chapter
            && str_of(c, "chapter").as_deref() != Some(ch.as_str())
        {
            problems.push(format!(
                "{}: chapter {:?} (want {ch})",
                want.path,
                str_of(c, "chapter")
            ));
        }
        if let Some(h) = &want.heading {
            let got = str_of(c, "heading").map(|g| to_simplified(&g));
            if got.as_deref() != Some(h.as_str()) {
                problems.push(format!("{}: heading {got:?} (want {h})", want.path));
            }
        }
        if let Some(s) = &want.contains {
            let normalized = str_of(c, "normalized").unwrap_or_default();
            if !normalized.contains(s.as_str()) {
                problems.push(format!("{}: {normalized:?} lacks {s:?}", want.path));
            }
        }
        if let Some(a) = &want.agencies {
            let got: Vec<String> = c["agencies"]
                .as_array()
                .map(|v| {
                    v.iter()
                        .filter_map(|x| x.as_str().map(to_simplified))
                        .collect()
                })
                .unwrap_or_default();
            if &got != a {
                problems.push(format!("{}: agencies {got:?} (want {a:?})", want.path));
            }
        }
    }
    problems
}

/// Runs every fixture of `folder` and returns (passed, total, report).
fn run_folder(folder: &str) -> (usize, usize, String) {
    let env = Sandbox::new().today("2025-01-01");
    let all = fixtures(&dir(folder));
    let mut report = String::new();
    let mut passed = 0;
    for (file, sidecar) in &all {
        let problems = check(&env, file, sidecar);
        if problems.is_empty() {
            passed += 1;
        } else {
            report.push_str(&format!(
                "\n{} ({}):\n  {}",
                file.display(),
                sidecar.source,
                problems.join("\n  ")
            ));
        }
    }
    eprintln!("realworld {folder}: {passed}/{} fixtures pass", all.len());
    (passed, all.len(), report)
}

#[test]
fn dev_fixtures() {
    let (passed, total, report) = run_folder("");
    assert!(total >= 14, "{total} dev fixtures");
    assert_eq!(passed, total, "{report}");
}

#[test]
fn heldout_fixtures() {
    let (passed, total, report) = run_folder("heldout");
    assert!(total >= 7, "{total} held-out fixtures");
    assert_eq!(passed, total, "{report}");
}

/// A mirror (the same policy in another script, with other noise) gives the same
/// clause paths and, in Simplified, the same measures.
#[test]
fn mirrors_come_out_alike() {
    let env = Sandbox::new();
    for (file, sidecar) in fixtures(&dir("")) {
        let Some(original) = &sidecar.mirror_of else {
            continue;
        };
        let orig = dir("").join(format!("{original}.txt"));
        let read = |f: &Path, id: &str| {
            env.ok(&["add", f.to_str().unwrap(), "--id", id]);
            let v = env.json(&["clauses", "--doc", id, "--kind", "provision", "--json"]);
            v.as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    (
                        str_of(c, "path").unwrap(),
                        to_simplified(&str_of(c, "measure").unwrap()),
                    )
                })
                .collect::<Vec<_>>()
        };
        let a = read(&orig, "mirror-a");
        let b = read(&file, "mirror-b");
        assert_eq!(a.len(), b.len(), "{a:#?}\n{b:#?}");
        let same_path = a.iter().zip(&b).filter(|(x, y)| x.0 == y.0).count();
        assert_eq!(same_path, a.len(), "paths differ: {a:#?}\n{b:#?}");
        let same_text = a.iter().zip(&b).filter(|(x, y)| x.1 == y.1).count();
        // the Traditional mirror lost a character of 小巨人 to a broken entity
        assert!(same_text + 1 >= a.len(), "{a:#?}\n{b:#?}");
        env.ok(&["remove", "mirror-a"]);
        env.ok(&["remove", "mirror-b"]);
    }
}

/// Nothing invisible: every paragraph of each fixture's body (the title, the cover letter,
/// the preamble and the closing, which a document keeps apart, aside) is inside some
/// clause, at library level.
#[test]
fn every_body_paragraph_is_in_a_clause() {
    use policynav::corpus::{clean, rules::Rules, structure};
    let rules = Rules::bundled().unwrap();
    for folder in ["", "heldout"] {
        for (file, sidecar) in fixtures(&dir(folder)) {
            if sidecar.expect.refused.is_some() {
                continue;
            }
            let bytes = std::fs::read(&file).unwrap();
            let decoded = policynav::corpus::import::decode(&bytes, &file).unwrap();
            let cleaned = clean::clean(&decoded.text, rules);
            let s = structure::structure("x", &cleaned, rules);
            let covered: String = s.clauses.iter().map(|c| c.text.as_str()).collect();
            let apart = [&s.title, &s.letter, &s.preamble, &s.closing]
                .iter()
                .filter_map(|x| x.as_deref())
                .collect::<Vec<_>>()
                .join("\n");
            for p in &cleaned.paras {
                let t = p.text.trim();
                if apart.contains(t) {
                    continue;
                }
                // a clause's text starts after its label (第一条, (一), 1.)
                let body = match clean::label(&to_simplified(t)) {
                    Some(l) => t[l.len..].trim(),
                    None => t,
                };
                let ok = covered.contains(body)
                    || s.chapters.iter().any(|c| {
                        body == c.heading
                            || body.strip_prefix(c.heading.as_str()).is_some_and(|own| {
                                covered.contains(own.trim_start_matches('。').trim())
                            })
                    });
                assert!(ok, "{}: paragraph in no clause: {t:?}", file.display());
            }
        }
    }
}

/// `add` takes several files or a folder: each file is reported, a refusal is one line
/// naming its file and what is missing, and a refused file changes nothing.
#[test]
fn add_takes_a_folder_and_reports_per_file() {
    let env = Sandbox::new();
    let folder = env.root().join("mine");
    std::fs::create_dir_all(&folder).unwrap();
    for name in ["gz-measures.txt", "hainan-news.txt", "jiaxing-woshi.txt"] {
        std::fs::copy(dir("").join(name), folder.join(name)).unwrap();
    }
    let out = env.run(&["add", folder.to_str().unwrap()]);
    assert!(
        !out.status.success(),
        "a refused file makes the command fail"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stdout.matches("added ").count(), 2, "{stdout}");
    assert!(stdout.contains("文号 穗府办规〔2025〕13号"), "{stdout}");
    assert!(stdout.contains("not in the text: 文号"), "{stdout}");
    let refusals: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("hainan-news.txt"))
        .collect();
    assert_eq!(refusals.len(), 1, "{stderr}");
    assert!(refusals[0].contains("no recognisable measures"), "{stderr}");
    let docs = env.json(&["docs", "--json"]);
    let ids: Vec<String> = docs
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["origin"] == "user")
        .filter_map(|d| str_of(d, "id"))
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    // (manifest.lock: the lock add and remove take on the folder)
    let stored = std::fs::read_dir(env.data().join("corpus"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name() != "manifest.lock")
        .count();
    assert_eq!(
        stored, 3,
        "two copies and the manifest, nothing of the refused file"
    );
    // --id names one document
    let err = env.fails(&["add", folder.to_str().unwrap(), "--id", "x"]);
    assert!(err.contains("--id"), "{err}");
}
