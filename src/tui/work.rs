//! The work the navigator does off the UI thread: searching (and counting facets),
//! building comparisons, saving the digest, exporting. Each [`Effect`] becomes the
//! actions that report it; the runtime runs this on its worker threads, the tests
//! call it directly.

use std::collections::HashMap;

use crate::compare::{self, CompareRequest};

use super::action::Action;
use super::data::Library;
use super::digest_file;
use super::state::{CompareExtra, Effect};

/// Does the work of an effect and says what came of it (the terminal's own effects,
/// such as copying, give nothing here).
pub fn perform(effect: Effect) -> Vec<Action> {
    match effect {
        Effect::Search {
            generation,
            index,
            request,
            facets,
        } => {
            let mut out = Vec::new();
            if !request.query.trim().is_empty() {
                let r = guarded("the search", || index.search(&request))
                    .and_then(|r| r.map_err(|e| format!("{e:#}")));
                out.push(Action::SearchDone(generation, r));
            }
            if facets {
                let c = guarded("counting the filter values", || {
                    index.facet_counts(&request)
                })
                .and_then(|r| r.map_err(|e| format!("{e:#}")));
                out.push(Action::FacetsDone(generation, c));
            }
            out
        }
        Effect::Compare {
            generation,
            library,
            request,
        } => {
            let r = guarded("the comparison", || comparison(&library, &request))
                .and_then(|r| r.map_err(|e| format!("{e:#}")));
            vec![Action::CompareDone(generation, r)]
        }
        Effect::SaveDigest {
            data_dir,
            base,
            digest,
        } => {
            let r = guarded("saving the digest", || {
                digest_file::save(&data_dir, &base, &digest)
            })
            .and_then(|r| r.map_err(|e| format!("{e:#}")));
            vec![Action::DigestSaved(r)]
        }
        Effect::Export {
            library,
            ids,
            options,
            path,
            force,
        } => {
            let r = guarded("the export", || -> anyhow::Result<String> {
                let (bytes, clauses) = library.export(&ids, &options)?;
                crate::export::write_file(&path, &bytes, force)?;
                Ok(format!(
                    "exported {clauses} clause{} to {}",
                    if clauses == 1 { "" } else { "s" },
                    path.display()
                ))
            })
            .and_then(|r| r.map_err(|e| format!("{e:#}")));
            vec![Action::ExportDone(r)]
        }
        Effect::Copy(_) => Vec::new(),
    }
}

/// A comparison, with the headings of its clauses and, for a provision, the tier of
/// each link.
fn comparison(
    lib: &Library,
    request: &CompareRequest,
) -> anyhow::Result<(compare::Comparison, CompareExtra)> {
    let Some(store) = lib.store() else {
        anyhow::bail!("the store is not open yet");
    };
    let rules = compare::Rules {
        taxonomy: &lib.domain.rules.taxonomy,
        frames: &lib.domain.rules.frames,
        links: &lib.domain.links,
    };
    let cmp = compare::compare(store, rules, request)?;
    let ids: Vec<&str> = cmp
        .columns
        .iter()
        .flat_map(|c| c.clauses.iter().map(|cc| cc.id.as_str()))
        .collect();
    let mut headings = HashMap::new();
    for r in store.clauses_by_id(&ids)? {
        let c = &r.clause;
        headings.insert(
            c.id.clone(),
            format!("{} {}", c.label, c.heading.as_deref().unwrap_or(""))
                .trim()
                .to_string(),
        );
    }
    let mut tiers = HashMap::new();
    if let Some(origin) = &request.clause
        && let Some(record) = store.links_record(origin)?
    {
        for l in record.links {
            tiers.insert(l.id, l.tier);
        }
    }
    Ok((cmp, CompareExtra { headings, tiers }))
}

/// Runs background work, turning a panic into an error message.
pub fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| {
        let msg = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown error".into());
        format!("{what} failed: {msg}")
    })
}
