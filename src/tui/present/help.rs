//! The help popup: every key of every context, from the keymap itself.

use super::super::keymap::{CONTEXTS, Keymap, key_label};
use super::super::state::*;
use super::super::wrap::str_width;

/// The help lines.
pub fn lines() -> Vec<TextLine> {
    let km = Keymap::get();
    let mut lines = Vec::new();
    for (ctx, title) in CONTEXTS {
        let bindings = km.bindings(ctx);
        if bindings.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(TextLine::default());
        }
        lines.push(TextLine::plain(*title, Emph::Heading));
        for b in bindings {
            let keys: Vec<String> = b.keys.iter().map(|k| key_label(k)).collect();
            let keys = keys.join(" ");
            let pad = 18usize.saturating_sub(str_width(&keys)).max(1);
            lines.push(TextLine {
                segs: vec![
                    Seg {
                        text: format!("  {keys}{}", " ".repeat(pad)),
                        emph: Emph::Key,
                    },
                    Seg {
                        text: b.desc.clone(),
                        emph: Emph::Plain,
                    },
                ],
                link: None,
            });
        }
    }
    lines
}
