//! The Digest view: the collected clauses with their documents' standing, and the
//! selected one's text.

use super::super::layout::inner;
use super::super::state::*;
use super::search::clause_preview;
use super::{head, key, shown};

/// Brings the digest list and its preview up to date.
pub fn refresh(app: &mut App) {
    let a = app.areas();
    let k = key((app.digest_rev, app.layout_rev, &app.digest.ids));
    if k != app.digest_view.keys.0 {
        let ids: Vec<&str> = app.digest.ids.iter().map(String::as_str).collect();
        let found = app.lib.clauses(&ids).unwrap_or_default();
        let rows = app
            .digest
            .ids
            .iter()
            .map(|id| match found.iter().find(|r| r.clause.id == *id) {
                Some(r) => {
                    let c = &r.clause;
                    DigestRow {
                        id: id.clone(),
                        text: format!(
                            "{} {} {}",
                            app.lib.place(&c.doc),
                            id,
                            shown(
                                app,
                                &c.heading.clone().unwrap_or_else(|| head(&c.measure, 30))
                            )
                        ),
                        standing: app.lib.standing_of(&c.doc, app.as_of),
                    }
                }
                None => DigestRow {
                    id: id.clone(),
                    text: format!("{id} — no longer in the corpus"),
                    standing: None,
                },
            })
            .collect();
        app.digest_view.rows = rows;
        app.digest_view.keys.0 = k;
    }
    app.digest_view.list.fit(
        app.digest.ids.len(),
        usize::from(inner(a.digest_list).height),
    );
    let width = usize::from(inner(a.digest_preview).width).max(1);
    let sel = app.digest.ids.get(app.digest_view.list.sel).cloned();
    let k = key((&sel, width, app.layout_rev, app.digest_rev));
    if k != app.digest_view.keys.1 {
        app.digest_view.preview = match &sel {
            Some(id) => clause_preview(app, id, width),
            None => Vec::new(),
        };
        app.digest_view.keys.1 = k;
    }
}
