//! Figures, measure types, cross-links and comparison through the real binary, over the
//! bundled corpus. Clauses are found by their content (the provision that mentions 上市
//! and 300万), never by a hard-coded path.

mod common;

use common::Sandbox;

/// The date every command runs as of.
const TODAY: &str = "2024-06-01";

/// A sandbox over the bundled corpus, as of [`TODAY`].
fn sandbox() -> Sandbox {
    Sandbox::new().today(TODAY)
}

/// Look-ups through the binary, by content.
impl Sandbox {
    /// Provision ids whose Simplified text contains every one of `words`.
    fn provisions_with(&self, words: &[&str]) -> Vec<String> {
        let all = self.json(&["clauses", "--json"]);
        all.as_array()
            .unwrap()
            .iter()
            .filter(|c| c["kind"] == "provision")
            .filter(|c| {
                let t = c["normalized"].as_str().unwrap_or("");
                words.iter().all(|w| t.contains(w))
            })
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    }

    /// The ids of the first ten links of `id`, best first.
    fn link_ids(&self, id: &str) -> Vec<String> {
        self.json(&["links", id, "--json", "--limit", "10"])
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["id"].as_str().unwrap().to_string())
            .collect()
    }
}

fn doc_of(id: &str) -> &str {
    id.split('/').next().unwrap()
}

#[test]
fn the_two_beijing_listing_subsidies_link_to_each_other_first() {
    let env = sandbox();
    let listing = env.provisions_with(&["上市", "300万元"]);
    assert_eq!(listing.len(), 2, "{listing:?}");
    assert_ne!(doc_of(&listing[0]), doc_of(&listing[1]));
    for (me, other) in [(&listing[0], &listing[1]), (&listing[1], &listing[0])] {
        let links = env.json(&["links", me, "--json"]);
        let first = &links[0];
        assert_eq!(
            first["id"].as_str(),
            Some(other.as_str()),
            "from {me}: {links:#}"
        );
        assert_eq!(first["tier"], "same", "{first:#}");
        let reasons = first["reasons"].as_array().unwrap();
        let of_kind = |k: &str| reasons.iter().find(|r| r["kind"] == k);
        assert_eq!(
            of_kind("same-figure").map(|r| &r["figure"]),
            Some(&serde_json::json!("最高300万元")),
            "{reasons:?}"
        );
        assert_eq!(
            of_kind("same-frame").map(|r| &r["trigger_zh"]),
            Some(&serde_json::json!("上市")),
            "{reasons:?}"
        );
        assert!(
            of_kind("same-types").is_some_and(|r| r["zh"].to_string().contains("上市")),
            "{reasons:?}"
        );
        assert!(of_kind("shared-terms").is_some(), "{reasons:?}");
        for key in [
            "id",
            "doc",
            "jurisdiction",
            "text",
            "score",
            "tier",
            "reasons",
        ] {
            assert!(!first[key].is_null(), "link has no {key}");
        }
    }
}

#[test]
fn the_three_seventy_percent_trade_fair_provisions_find_each_other() {
    let env = sandbox();
    let fairs = env.provisions_with(&["展", "70%"]);
    assert_eq!(fairs.len(), 3, "{fairs:?}");
    for me in &fairs {
        let top3: Vec<String> = env.link_ids(me).into_iter().take(3).collect();
        for other in fairs.iter().filter(|o| *o != me) {
            assert!(
                top3.contains(other),
                "{other} not in the first three links of {me}: {top3:?}"
            );
        }
    }
}

#[test]
fn a_shared_figure_alone_is_no_equivalence() {
    let env = sandbox();
    // the provisions paying up to 300万 for something other than listing
    let other_300: Vec<String> = env
        .provisions_with(&["300万元"])
        .into_iter()
        .filter(|id| !env.provisions_with(&["上市", "300万元"]).contains(id))
        .collect();
    assert!(
        !other_300.is_empty(),
        "the corpus has a 300万 cap for another purpose"
    );
    for listing in env.provisions_with(&["上市", "300万元"]) {
        let links = env.json(&["links", &listing, "--json", "--limit", "25"]);
        for l in links.as_array().unwrap() {
            let id = l["id"].as_str().unwrap();
            let reasons = l["reasons"].to_string();
            if other_300.iter().any(|o| o == id) {
                assert!(
                    !reasons.contains("same figure"),
                    "{id} offered for its figure: {reasons}"
                );
            }
            if reasons.contains("same figure") {
                let text = l["text"].as_str().unwrap();
                assert!(
                    text.contains("上市") || text.contains("掛牌") || text.contains("挂牌"),
                    "{id}"
                );
            }
        }
        let top5: Vec<String> = env.link_ids(&listing).into_iter().take(5).collect();
        for o in &other_300 {
            assert!(
                !top5.contains(o),
                "{o} (another 300万 cap) ranked among the listing links"
            );
        }
    }
}

#[test]
fn facts_read_amounts_ranges_and_roles() {
    let env = sandbox();
    let all = env.json(&["facts", "--json"]);
    let rows = all.as_array().unwrap();
    let find = |surface: &str| {
        rows.iter()
            .find(|r| r["surface"].as_str() == Some(surface))
            .unwrap_or_else(|| panic!("no figure {surface}"))
    };
    let range = find("100—2000万元");
    assert_eq!(range["value"].as_f64(), Some(1_000_000.0));
    assert_eq!(range["value_max"].as_f64(), Some(20_000_000.0));
    assert_eq!(range["qualifier"], "range");
    assert_eq!(range["unit"], "yuan");
    assert_eq!(range["role"], "support");
    let tiers = find("20亿元至25亿元");
    assert_eq!(tiers["role"], "threshold");
    let target = find("500億元");
    assert_eq!(target["role"], "target");
    assert_eq!(target["value"].as_f64(), Some(5e10));
    for key in [
        "clause",
        "surface",
        "value",
        "value_max",
        "unit",
        "qualifier",
        "instrument",
        "period",
        "role",
    ] {
        assert!(rows[0].get(key).is_some(), "facts rows have {key}");
    }

    let support = env.json(&["facts", "--role", "support", "--json"]);
    let support = support.as_array().unwrap();
    assert!(!support.is_empty());
    assert!(support.iter().all(|r| r["role"] == "support"));
    assert!(
        !support
            .iter()
            .any(|r| r["surface"] == "500億元" || r["surface"] == "20亿元至25亿元")
    );

    let one_doc = env.json(&["facts", "--doc", "baotou-2023", "--json"]);
    assert!(
        one_doc
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["doc"] == "baotou-2023")
    );

    assert!(
        env.fails(&["facts", "--role", "bonus"])
            .contains("support, threshold, target or statistic")
    );
    assert!(
        env.fails(&["facts", "--doc", "nowhere"])
            .contains("nowhere")
    );
}

#[test]
fn trade_fair_comparison_shows_baotou_and_marks_status() {
    let env = sandbox();
    let topics = env.json(&["topics", "--json"]);
    let fair = topics
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["zh"].as_str().is_some_and(|z| z.contains("展会")))
        .expect("a trade-fair measure type");
    let id = fair["id"].as_str().unwrap();
    assert!(fair["by_document"]["baotou-2023"].as_u64().unwrap() >= 1);

    let cmp = env.json(&["compare", "--topic", id, "--as-of", "2024-06-01", "--json"]);
    let cols = cmp["columns"].as_array().unwrap();
    assert_eq!(cols.len(), 5, "one column per document");
    let col = |doc: &str| cols.iter().find(|c| c["doc"] == doc).unwrap();
    let baotou = col("baotou-2023");
    assert!(
        baotou["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["text"].as_str().unwrap().contains("展会")),
        "Baotou's encouragement to attend expos is in the comparison"
    );
    assert_eq!(baotou["validity"], "draft");
    assert_eq!(col("haidian-2013")["validity"], "expired");
    assert_eq!(col("beijing-2024")["validity"], "in-force");
    // Haidian has no trade-fair measure: an explicit empty column
    assert!(
        col("haidian-2013")["clauses"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // only support figures are shown
    for c in cols {
        for cl in c["clauses"].as_array().unwrap() {
            for f in cl["figures"].as_array().unwrap() {
                assert_eq!(f["role"], "support");
            }
        }
    }

    let human = env.text(&["compare", "--topic", id, "--as-of", "2024-06-01"]);
    assert!(human.contains("nothing found"));
    assert!(human.contains("[draft]") && human.contains("[expired]"));
    assert!(human.contains("最高70%"));

    let md = env.text(&[
        "compare",
        "--topic",
        id,
        "--docs",
        "beijing-2024,haidian-2013",
        "--md",
    ]);
    let table: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(table.len(), 3, "{md}");
    assert_eq!(
        table[0].matches(" | ").count(),
        2,
        "a label column and two documents: {}",
        table[0]
    );
    assert!(table[2].contains("*nothing found*"));
}

/// Checks the row model of a measure-type comparison and returns each provision's row.
fn rows_of_topic_comparison(env: &Sandbox, topic: &str) -> std::collections::HashMap<String, u64> {
    let cmp = env.json(&["compare", "--topic", topic, "--json"]);
    let rows = cmp["rows"].as_u64().expect("a row count");
    let mut row_of = std::collections::HashMap::new();
    for col in cmp["columns"].as_array().unwrap() {
        let mut seen_rows: Vec<u64> = Vec::new();
        for c in col["clauses"].as_array().unwrap() {
            let row = c["row"].as_u64().expect("every clause has a row");
            assert!(row < rows, "{topic}: row {row} of {rows}");
            assert!(
                !seen_rows.contains(&row),
                "{topic}: two provisions of {} on row {row}",
                col["doc"]
            );
            assert!(
                seen_rows.last().is_none_or(|r| *r < row),
                "{topic}: {} not in row order",
                col["doc"]
            );
            seen_rows.push(row);
            let id = c["id"].as_str().unwrap().to_string();
            assert!(row_of.insert(id.clone(), row).is_none(), "{id} twice");
        }
    }
    // every row holds something, and every provision of the type is there exactly once
    for r in 0..rows {
        assert!(
            row_of.values().any(|x| *x == r),
            "{topic}: row {r} is empty"
        );
    }
    let listed = env.json(&["topics", topic, "--json"]);
    let mut expected: Vec<String> = listed[0]["provisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    expected.sort();
    let mut shown: Vec<String> = row_of.keys().cloned().collect();
    shown.sort();
    assert_eq!(shown, expected, "{topic}: every provision exactly once");
    row_of
}

#[test]
fn measure_type_comparison_puts_the_same_measure_on_one_row() {
    let env = sandbox();
    // the three 70% trade-fair subsidies link to each other (see above): one row
    let fairs = env.provisions_with(&["展", "70%"]);
    assert_eq!(fairs.len(), 3, "{fairs:?}");
    let rows = rows_of_topic_comparison(&env, "tradefair");
    let fair_row = rows[&fairs[0]];
    for f in &fairs {
        assert_eq!(
            rows[f], fair_row,
            "{f} not on the row of {}: {rows:?}",
            fairs[0]
        );
    }
    // Baotou's encouragement to attend large expos is still shown
    assert!(
        rows.keys().any(|id| id.starts_with("baotou-2023/")),
        "{rows:?}"
    );
    // the two Beijing 300万 listing subsidies share a row of the listing comparison
    let listing = env.provisions_with(&["上市", "300万元"]);
    let rows = rows_of_topic_comparison(&env, "listing");
    assert_eq!(rows[&listing[0]], rows[&listing[1]], "{rows:?}");

    // readers see the rows and the gaps
    let human = env.text(&["compare", "--topic", "tradefair"]);
    assert!(human.contains("── row 1 of "), "{human}");
    let row_1 = human.split("── row ").nth(1).expect("a first row");
    for f in &fairs {
        assert!(
            row_1.contains(f.as_str()),
            "{f} not in the first row:\n{row_1}"
        );
    }
    assert!(
        human
            .lines()
            .any(|l| l.starts_with('□') && l.ends_with('—')),
        "{human}"
    );
    let md = env.text(&["compare", "--topic", "tradefair", "--md"]);
    let table: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    let n_rows = env.json(&["compare", "--topic", "tradefair", "--json"])["rows"]
        .as_u64()
        .unwrap() as usize;
    assert_eq!(table.len(), 2 + n_rows, "{md}");
    let fair_line = table
        .iter()
        .find(|l| l.contains(fairs[0].as_str()))
        .unwrap();
    for f in &fairs {
        assert!(
            fair_line.contains(f.as_str()),
            "{f} not on the line of {}",
            fairs[0]
        );
    }
    assert!(table[2..].iter().any(|l| l.contains("| — |")), "{md}");
}

#[test]
fn targets_and_thresholds_never_appear_as_support() {
    let env = sandbox();
    let mut not_support: Vec<(String, String)> = Vec::new();
    for role in ["target", "threshold", "statistic"] {
        // exit status 1 when a role has no figure (like grep): the JSON is still printed
        let out = env.run(&["facts", "--role", role, "--json"]);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "facts --role {role}"
        );
        let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        for r in rows.as_array().unwrap() {
            not_support.push((
                r["clause"].as_str().unwrap().into(),
                r["surface"].as_str().unwrap().into(),
            ));
        }
    }
    assert!(
        not_support.len() >= 5,
        "the corpus has targets and thresholds: {not_support:?}"
    );
    // one clause per role is enough to show the rule; each call rebuilds the links
    let mut clauses: Vec<String> = Vec::new();
    for role in ["target", "threshold"] {
        let rows = env.json(&["facts", "--role", role, "--json"]);
        if let Some(c) = rows[0]["clause"].as_str() {
            clauses.push(c.to_string());
        }
    }
    for clause in clauses.iter().map(String::as_str) {
        // the clause compared with its equivalents shows support figures only
        let cmp = env.json(&["compare", clause, "--json"]);
        for col in cmp["columns"].as_array().unwrap() {
            for c in col["clauses"].as_array().unwrap() {
                for f in c["figures"].as_array().unwrap() {
                    assert_eq!(f["role"], "support", "{clause}: {f}");
                    let key = (
                        c["id"].as_str().unwrap().to_string(),
                        f["surface"].as_str().unwrap().to_string(),
                    );
                    assert!(!not_support.contains(&key), "{key:?} shown as support");
                }
            }
        }
        // and its links never cite a target or threshold as a shared figure
        let own: Vec<&str> = not_support
            .iter()
            .filter(|(c, _)| c == clause)
            .map(|(_, s)| s.as_str())
            .collect();
        for l in env
            .json(&["links", clause, "--json", "--limit", "25"])
            .as_array()
            .unwrap()
        {
            for f in l["figures"].as_array().unwrap() {
                assert_eq!(f["role"], "support");
            }
            for reason in l["reasons"].as_array().unwrap() {
                if let Some(fig) = reason["figure"].as_str() {
                    assert!(!own.iter().any(|s| fig.contains(s)), "{clause}: {reason}");
                }
            }
        }
    }
}

#[test]
fn provision_comparison_has_the_provision_and_its_equivalents() {
    let env = sandbox();
    let listing = env.provisions_with(&["上市", "300万元"]);
    let cmp = env.json(&["compare", &listing[0], "--json"]);
    assert_eq!(cmp["clause"].as_str(), Some(listing[0].as_str()));
    let cols = cmp["columns"].as_array().unwrap();
    let own = cols
        .iter()
        .find(|c| c["doc"] == doc_of(&listing[0]))
        .unwrap();
    assert_eq!(own["clauses"][0]["id"].as_str(), Some(listing[0].as_str()));
    assert_eq!(own["clauses"][0]["row"].as_u64(), Some(0));
    let other = cols
        .iter()
        .find(|c| c["doc"] == doc_of(&listing[1]))
        .unwrap();
    assert_eq!(
        other["clauses"][0]["id"].as_str(),
        Some(listing[1].as_str())
    );
    assert_eq!(
        other["clauses"][0]["figures"][0]["value"].as_f64(),
        Some(3_000_000.0)
    );
    // row 0 is the provision and the best equivalent in each document; the n-th link
    // into a document is on row n
    let rows = cmp["rows"].as_u64().unwrap();
    assert!(rows >= 1);
    for col in cols {
        for (n, c) in col["clauses"].as_array().unwrap().iter().enumerate() {
            assert_eq!(c["row"].as_u64(), Some(n as u64), "{c}");
            assert!((n as u64) < rows);
        }
    }
}

#[test]
fn topics_table_and_errors() {
    let env = sandbox();
    let table = env.text(&["topics"]);
    assert!(table.contains("listing") && table.contains("上市挂牌"));
    for doc in [
        "beijing-2021",
        "baotou-2023",
        "haidian-2013",
        "beijing-2024",
        "zhejiang-2023",
    ] {
        assert!(
            table.lines().next().unwrap().contains(doc),
            "header names {doc}"
        );
    }
    let one = env.json(&["topics", "listing", "--json"]);
    let provisions = one[0]["provisions"].as_array().unwrap();
    assert!(
        provisions
            .iter()
            .any(|p| p["text"].as_str().unwrap().contains("300"))
    );

    assert!(env.fails(&["topics", "nonsense"]).contains("nonsense"));
    assert!(
        env.fails(&["compare", "--topic", "nonsense"])
            .contains("listing")
    );
    assert!(
        env.fails(&["links", "beijing-2021/999.9"])
            .contains("beijing-2021/999.9")
    );
    assert!(
        env.fails(&["compare", "--topic", "listing", "--docs", "atlantis"])
            .contains("atlantis")
    );
    assert!(
        env.fails(&["compare", "--topic", "listing", "--as-of", "yesterday"])
            .contains("--as-of")
    );
}

#[test]
fn a_corpus_folders_links_toml_changes_the_scoring_and_a_bad_one_is_named() {
    let env = sandbox().with_corpus_copy();
    let listing = env.provisions_with(&["上市", "300万元"]);
    assert!(env.link_ids(&listing[0]).len() > 1);
    // the consultant keeps only the best link of each provision
    let settings = env.corpus().join("links.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    assert!(text.contains("max_links = 20"));
    std::fs::write(&settings, text.replace("max_links = 20", "max_links = 1")).unwrap();
    assert_eq!(env.link_ids(&listing[0]), [listing[1].clone()]);
    // a typo is an error naming the file and line, not silently the bundled settings
    std::fs::write(
        &settings,
        text.replace("max_links = 20", "max_links = many"),
    )
    .unwrap();
    let err = env.fails(&["links", &listing[0]]);
    assert!(err.contains("links.toml:"), "{err}");
}
