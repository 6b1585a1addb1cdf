//! The store as a consultant meets it through the real binary: a document added or
//! removed changes the store in place (search, links and compare see it, and the links
//! other provisions gain or lose), a process killed while changing it leaves the store
//! as it was or as it became, and damaged files are found and rebuilt.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::Sandbox;
use serde_json::Value;

/// A copy of beijing-2024 with a word of its own, as a newly added document `id`.
fn add_copy(env: &Sandbox, id: &str, word: &str) {
    let text = std::fs::read_to_string(env.corpus().join("beijing-2024.txt")).unwrap();
    assert!(text.contains("首流片"));
    std::fs::write(
        env.corpus().join(format!("{id}.txt")),
        text.replacen("首流片", &format!("首流片与{word}"), 1),
    )
    .unwrap();
    let manifest = env.corpus().join("manifest.toml");
    let mut m = std::fs::read_to_string(&manifest).unwrap();
    m.push_str(&format!(
        "\n[[document]]\nid = \"{id}\"\nfile = \"{id}.txt\"\ntitle = \"副本\"\njurisdiction = \"Shanghai\"\njurisdiction_zh = \"上海市\"\nlevel = \"municipality\"\nstatus = \"final\"\n"
    ));
    std::fs::write(&manifest, m).unwrap();
}

fn link_ids(env: &Sandbox, id: &str) -> Vec<String> {
    env.json(&["links", id, "--json", "--limit", "50"])
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_document_added_and_removed_changes_the_store_in_place() {
    let env = Sandbox::new().with_corpus_copy();
    let first = env.json(&["index", "--json"]);
    assert_eq!(first["action"], "built");
    let before_links = link_ids(&env, "beijing-2021/9.4");

    add_copy(&env, "copy", "紫微星");
    let added = env.json(&["index", "--json"]);
    assert_eq!(added["action"], "updated", "{added}");
    assert_eq!(added["updated"], serde_json::json!(["copy"]));
    assert_eq!(added["documents"], first["documents"].as_u64().unwrap() + 1);

    // search, links, compare and docs see the new document
    let hits: Vec<String> = env.json(&["search", "紫微星", "--json"])["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(hits, ["copy/1.2"]);
    let links = env.json(&["links", "copy/6.5", "--json"]);
    let first_link = &links[0];
    assert_eq!(first_link["tier"], "same", "{links:#}");
    assert!(
        ["beijing-2024/6.5", "beijing-2021/9.4"].contains(&first_link["id"].as_str().unwrap()),
        "{links:#}"
    );
    // an old provision gains the new one among its links
    let after_links = link_ids(&env, "beijing-2021/9.4");
    assert!(
        after_links.iter().any(|l| l == "copy/6.5"),
        "{after_links:?}"
    );
    let cmp = env.json(&["compare", "--topic", "listing", "--json"]);
    assert!(
        cmp["columns"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["doc"] == "copy" && !c["clauses"].as_array().unwrap().is_empty()),
        "{cmp:#}"
    );
    assert!(env.text(&["docs"]).contains("copy"));

    // removed again: gone everywhere, and the links into it with it
    let manifest = env.corpus().join("manifest.toml");
    let m = std::fs::read_to_string(&manifest).unwrap();
    let cut = m.rfind("\n[[document]]\nid = \"copy\"").unwrap();
    std::fs::write(&manifest, &m[..cut]).unwrap();
    let removed = env.json(&["index", "--json"]);
    assert_eq!(removed["action"], "updated", "{removed}");
    assert_eq!(removed["documents"], first["documents"]);
    // nothing found: exit status 1, like grep
    let out = env.run(&["search", "紫微星", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let none: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(none["hits"].as_array().unwrap().is_empty());
    assert_eq!(link_ids(&env, "beijing-2021/9.4"), before_links);
    assert!(env.run(&["show", "copy"]).status.code() != Some(0));
}

/// The store's answer as it is on disk, without bringing it up to date first: its
/// documents and the ids of a search.
fn on_disk(env: &Sandbox) -> (Vec<String>, Vec<String>) {
    let store = policynav::store::Store::open_dir(&env.index_dir().join("current"))
        .expect("the store on disk opens");
    let docs = store.documents().map(|d| d.id.clone()).collect();
    let vocabulary = policynav::text::Vocabulary::bundled();
    let info = policynav::pipeline::StoreInfo {
        dir: env.index_dir(),
        generation: store.head().info.generation,
        documents: 0,
        clauses: 0,
        provisions: 0,
        text_bytes: 0,
        size_bytes: 0,
        action: "none".into(),
        reason: None,
        updated: Vec::new(),
        took_ms: None,
        link_ms: None,
        check: None,
    };
    let index = policynav::search::SearchIndex::over(store, info, vocabulary);
    let hits = index
        .search(&policynav::search::SearchRequest {
            query: "上市 OR 紫微星".into(),
            filters: Default::default(),
            limit: 50,
        })
        .expect("the store on disk answers")
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect();
    (docs, hits)
}

/// The ids of a search, the store's answer to compare states by.
fn answer(env: &Sandbox) -> Value {
    let mut v = env.json(&["search", "上市 OR 紫微星", "--json", "--limit", "50"]);
    for h in v["hits"].as_array_mut().unwrap() {
        h.as_object_mut().unwrap().retain(|k, _| k == "id");
    }
    v["notes"] = Value::Null;
    v
}

#[test]
fn a_process_killed_while_changing_the_store_leaves_it_as_before_or_after() {
    let env = Sandbox::new().with_corpus_copy();
    env.ok(&["index"]);
    let before = answer(&env);
    add_copy(&env, "copy", "紫微星");
    // how long an update takes here, to spread the kills over it
    let start = Instant::now();
    let out = env.run(&["index", "--json"]);
    assert!(out.status.success());
    let update = start.elapsed();
    assert_ne!(before, answer(&env), "the update is visible");

    for round in 0..4 {
        // back to the state before the document, then kill an update at a point of it
        let manifest = env.corpus().join("manifest.toml");
        let m = std::fs::read_to_string(&manifest).unwrap();
        let cut = m.rfind("\n[[document]]\nid = \"copy\"").unwrap();
        std::fs::write(&manifest, &m[..cut]).unwrap();
        env.ok(&["index"]);
        let before = on_disk(&env);
        std::fs::write(&manifest, &m).unwrap();
        let mut child = env
            .cmd()
            .args(["index"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(update.mul_f64(round as f64 / 3.0));
        let _ = child.kill();
        let _ = child.wait();
        // whatever the moment, the store on disk is exactly as before the update or
        // as after it, never something in between
        let now = on_disk(&env);
        env.ok(&["index"]);
        let after = on_disk(&env);
        assert!(
            after.0.iter().any(|d| d == "copy") && after.1.iter().any(|h| h == "copy/1.2"),
            "round {round}: the update completes: {after:?}"
        );
        assert!(
            now == before || now == after,
            "round {round}: neither before nor after: {now:?}"
        );
    }
}

/// Flips `n` bytes in the middle of the store's biggest file, keeping its size.
fn corrupt(env: &Sandbox, n: usize) {
    let current = env.index_dir().join("current");
    let biggest = std::fs::read_dir(&current)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "store" || x == "idx"))
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap();
    let mut bytes = std::fs::read(&biggest).unwrap();
    let at = bytes.len() / 3;
    for b in &mut bytes[at..at + n] {
        *b ^= 0x5a;
    }
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&biggest, &bytes).unwrap();
}

#[test]
fn a_same_size_corruption_is_found_and_the_store_rebuilt() {
    let env = Sandbox::new();
    env.ok(&["index"]);
    let good = answer(&env);
    corrupt(&env, 64);
    // every command still answers, and the answer is the right one
    assert_eq!(answer(&env), good);
    let v = env.json(&["index", "--json"]);
    assert_eq!(v["action"], "none", "the search above rebuilt it: {v}");

    // `index --check` reads every file again, and says what it found
    let v = env.json(&["index", "--check", "--json"]);
    assert_eq!(v["check"], "ok", "{v}");
    corrupt(&env, 1);
    let v = env.json(&["index", "--check", "--json"]);
    assert!(v["check"].as_str().unwrap().starts_with("damaged"), "{v}");
    assert_eq!(v["action"], "built", "{v}");
    assert_eq!(answer(&env), good);
}

#[test]
fn a_damaged_catalog_is_rebuilt_even_when_a_document_changed_too() {
    let env = Sandbox::new().with_corpus_copy();
    env.ok(&["index"]);
    let good = answer(&env);
    let current = env.index_dir().join("current");
    let entries = std::fs::read_dir(&current)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .expect("the catalog's entries file");
    let len = std::fs::metadata(&entries).unwrap().len() as usize;
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&entries, "x".repeat(len)).unwrap();
    // the same bytes written again: a new time, so opening reads the entries to compare
    let doc = env.corpus().join("beijing-2024.txt");
    let text = std::fs::read(&doc).unwrap();
    std::fs::write(&doc, &text).unwrap();
    assert_eq!(answer(&env), good);
    let v = env.json(&["index", "--check", "--json"]);
    assert_eq!(v["check"], "ok", "{v}");
}

/// A search reads its hits' texts without decoding their records (the texts come first
/// in every clause entry): what it reads is every text the entry holds, and a
/// provision's Simplified form is stored exactly when it differs from the text, so a
/// search never converts a hit again.
#[test]
fn a_hit_is_read_whole_from_its_texts_and_carries_its_simplified_form() {
    use policynav::search::SearchIndex;
    use policynav::store::{Store, schema};
    use tantivy::collector::DocSetCollector;
    use tantivy::query::TermQuery;
    use tantivy::schema::{IndexRecordOption, Value};

    let dir = tempfile::tempdir().unwrap();
    let locations = policynav::workspace::Locations::bundled_in(dir.path());
    let index = SearchIndex::open_or_build_at(&locations, &mut |_| {}).expect("store builds");
    let store = index.store();
    let f = store.fields();
    let searcher = store.searcher();
    let all = TermQuery::new(
        tantivy::Term::from_field_text(f.searchable, schema::SEARCHABLE),
        IndexRecordOption::Basic,
    );
    let entries = searcher.search(&all, &DocSetCollector).unwrap();
    assert!(entries.len() > 300, "{} searchable clauses", entries.len());
    let mut converted = 0;
    for at in entries {
        let texts = Store::texts(&searcher, at, &[f.id, f.doc, f.body]).unwrap();
        let whole: tantivy::TantivyDocument = searcher.doc(at).unwrap();
        for (field, value) in whole.field_values() {
            if let Some(text) = value.as_str() {
                assert_eq!(texts.get(field), Some(text), "{:?} of {at:?}", field);
            }
        }
        let body = texts.get(f.body).expect("a provision text");
        let simplified = policynav::text::to_simplified(body);
        if simplified == body {
            assert_eq!(texts.get(f.simplified), None, "{body}");
        } else {
            assert_eq!(texts.get(f.simplified), Some(simplified.as_str()));
            converted += 1;
        }
    }
    assert!(
        converted > 10,
        "the Traditional document's provisions: {converted}"
    );
}

/// A query widened to an instrument family walks the family's list instead of each
/// word's (`search::families`): over the bundled store, the list holds exactly the
/// searchable provisions whose text is indexed with one of the family's terms, or a
/// widened search would find more, or fewer, than its words do.
#[test]
fn a_familys_list_holds_exactly_the_provisions_with_its_words() {
    use std::collections::BTreeSet;

    use policynav::analysis::frames::FrameRules;
    use policynav::search::families::FamilyTerms;

    let (_dir, index) = bundled_store();
    let f = index.store().fields();
    let searcher = index.store().searcher();
    let docs = |field, text: &str| entries_with(&searcher, field, text);
    let frames = FrameRules::bundled();
    let families = FamilyTerms::new(&frames);
    let mut checked = 0;
    for family in &frames.instruments {
        let listed = docs(f.family, &family.id);
        let mut printed = BTreeSet::new();
        for t in families.terms(&family.id) {
            printed.extend(docs(f.body, t));
        }
        assert_eq!(listed, printed, "family {}", family.id);
        checked += usize::from(!listed.is_empty());
    }
    assert!(
        checked >= 3,
        "families found in the bundled corpus: {checked}"
    );
}

/// A search scores a document's title once for all its clauses, by the number each
/// searchable clause carries (`dnum`, `search::union::PerDocumentQuery`): over the bundled
/// store, the searchable clauses of one document share one number, those of two
/// documents never do, and every other entry has none (0), or a title match would be
/// credited to clauses of another document, or to entries without the title.
#[test]
fn the_clauses_of_a_document_and_only_they_share_its_number() {
    use std::collections::{BTreeMap, BTreeSet};

    use policynav::store::schema::{DNUM_FIELD, NO_DOCUMENT_NUMBER, SEARCHABLE};
    use tantivy::schema::Value;

    let (_dir, index) = bundled_store();
    let f = index.store().fields();
    let searcher = index.store().searcher();
    let searchable = entries_with(&searcher, f.searchable, SEARCHABLE);
    let mut numbers: BTreeMap<String, BTreeSet<u64>> = BTreeMap::new();
    let mut others = 0;
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let column = reader.fast_fields().u64(DNUM_FIELD).expect("dnum column");
        for doc in reader.doc_ids_alive() {
            let number = column.first(doc).expect("every entry has a number");
            let at = tantivy::DocAddress::new(ord as u32, doc);
            if searchable.contains(&at) {
                let entry: tantivy::TantivyDocument = searcher.doc(at).unwrap();
                let id = entry.get_first(f.doc).and_then(|v| v.as_str()).unwrap();
                numbers.entry(id.to_string()).or_default().insert(number);
            } else {
                assert_eq!(
                    number, NO_DOCUMENT_NUMBER,
                    "entry {at:?} is not a searchable clause"
                );
                others += 1;
            }
        }
    }
    assert_eq!(
        numbers.len(),
        5,
        "documents with searchable clauses: {numbers:?}"
    );
    assert!(others > 0);
    let mut seen = BTreeSet::new();
    for (doc, n) in &numbers {
        assert_eq!(n.len(), 1, "{doc}: {n:?}");
        assert!(seen.insert(*n.first().unwrap()), "{doc} shares its number");
        assert_ne!(*n.first().unwrap(), NO_DOCUMENT_NUMBER);
    }
}

/// The bundled corpus's store, built in a temporary folder (kept while it lives).
fn bundled_store() -> (tempfile::TempDir, policynav::search::SearchIndex) {
    let dir = tempfile::tempdir().unwrap();
    let locations = policynav::workspace::Locations::bundled_in(dir.path());
    let index = policynav::search::SearchIndex::open_or_build_at(&locations, &mut |_| {})
        .expect("store builds");
    (dir, index)
}

/// The store's entries holding `text` in `field`.
fn entries_with(
    searcher: &tantivy::Searcher,
    field: tantivy::schema::Field,
    text: &str,
) -> std::collections::BTreeSet<tantivy::DocAddress> {
    let q = tantivy::query::TermQuery::new(
        tantivy::Term::from_field_text(field, text),
        tantivy::schema::IndexRecordOption::Basic,
    );
    searcher
        .search(&q, &tantivy::collector::DocSetCollector)
        .unwrap()
        .into_iter()
        .collect()
}
