//! The digest: marking clauses (from any view), reordering and removing them, and
//! keeping `digest.json` in step with other navigators on the same data folder (every
//! save is a locked read-merge-write; a change made elsewhere is taken in).

use crate::export::Digest;

use super::super::action::{Action, DigestSaved};
use super::super::state::*;
use super::{goto_clause, step};

/// Applies a Digest action.
pub fn action(app: &mut App, action: Action) {
    use Action::*;
    let n = app.digest.ids.len();
    let h = usize::from(super::super::layout::inner(app.areas().digest_list).height);
    let sel = app.digest_view.list.sel;
    match action {
        mv @ (Down | Up | PageDown | PageUp | Top | Bottom) => {
            app.digest_view.list.sel = step(sel, n, &mv, h);
        }
        MoveUp if sel > 0 && sel < n => {
            app.digest.ids.swap(sel, sel - 1);
            app.digest_view.list.sel -= 1;
            changed(app);
        }
        MoveDown if sel + 1 < n => {
            app.digest.ids.swap(sel, sel + 1);
            app.digest_view.list.sel += 1;
            changed(app);
        }
        Remove if sel < n => {
            let id = app.digest.ids.remove(sel);
            changed(app);
            app.say(format!("removed {id} from the digest"));
        }
        Open => {
            if let Some(id) = app.digest.ids.get(sel).cloned() {
                goto_clause(app, &id, true);
            }
        }
        Export => super::export::open(app),
        Cancel => app.view = View::Browse,
        _ => {}
    }
}

/// Adds the current clause to the digest, or takes it out; then moves to the next
/// clause of the list it was marked in.
pub fn mark(app: &mut App) {
    let Some(id) = app.current_clause() else {
        app.say(match app.view {
            View::Browse => "select a clause first: l or Enter opens the outline",
            View::Compare => "no provision here: move to one with h/j/k/l",
            _ => "select a clause first",
        });
        return;
    };
    if let Some(i) = app.digest.ids.iter().position(|d| *d == id) {
        app.digest.ids.remove(i);
        app.say(format!("removed {id} from the digest"));
    } else {
        app.digest.ids.push(id.clone());
        app.say(format!(
            "added {id} to the digest ({} clauses)",
            app.digest.ids.len()
        ));
    }
    changed(app);
    match app.view {
        View::Browse => super::browse::next_row(app),
        View::Search => {
            let n = app.search.items.len();
            app.search.list.sel = (app.search.list.sel + 1).min(n.saturating_sub(1));
        }
        View::Compare => super::compare::action(app, Action::Down),
        View::Digest => {}
    }
}

/// The digest changed here: show it and save it.
fn changed(app: &mut App) {
    app.digest_rev += 1;
    app.digest_sync.pending += 1;
    app.effects.push(Effect::SaveDigest {
        data_dir: app.lib.locations.data_dir.clone(),
        base: app.digest_sync.base.clone(),
        digest: app.digest.clone(),
    });
}

/// A save finished: what is on disk now (with another navigator's changes merged in).
pub fn saved(app: &mut App, result: Result<DigestSaved, String>) {
    app.digest_sync.pending = app.digest_sync.pending.saturating_sub(1);
    match result {
        Ok(s) => {
            app.digest_sync.base = s.digest.clone();
            if app.digest_sync.pending == 0 && s.digest != app.digest {
                app.digest = s.digest;
                app.digest_rev += 1;
            }
            if let Some(note) = s.merged {
                app.warn(note);
            }
        }
        Err(e) => app.warn(format!("could not save the digest: {e}")),
    }
}

/// Another navigator (or a hand edit) changed `digest.json`: take it in.
pub fn changed_on_disk(app: &mut App, on_disk: Digest) {
    if on_disk == app.digest_sync.base || app.digest_sync.pending > 0 {
        return;
    }
    let before = app.digest.ids.len();
    if app.digest == app.digest_sync.base {
        app.digest = on_disk.clone();
        app.digest_sync.base = on_disk;
        app.digest_rev += 1;
        app.warn(format!(
            "the digest was changed by another navigator: {} clauses (were {before})",
            app.digest.ids.len()
        ));
    } else {
        // unsaved changes here: saving merges both
        changed(app);
    }
}
