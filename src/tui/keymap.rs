//! Key bindings as data (`keys.toml`): the same entries drive the keys, the `?` help
//! and the status-bar hints, so they cannot disagree.

use std::collections::HashMap;
use std::sync::LazyLock;

use anyhow::{Context, Result, bail};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

use super::action::Action;

/// The bundled key bindings.
pub const BUNDLED_KEYS: &str = include_str!("keys.toml");

/// The contexts, in the order the help lists them, with their titles.
pub const CONTEXTS: &[(&str, &str)] = &[
    ("global", "Everywhere (outside text fields)"),
    ("always", "Always"),
    ("views", "Views"),
    ("browse", "Browse: documents, outline, detail"),
    ("search_input", "Search: query line"),
    ("input", "Text fields"),
    ("search_results", "Search: results"),
    ("compare", "Compare"),
    ("digest", "Digest"),
    ("filters", "Filter panel (type to find values)"),
    ("find", "Type-to-find in lists"),
    ("date", "As-of date"),
    ("export", "Export prompt"),
    ("overwrite", "Replace an existing file?"),
    ("choose", "Choice lists"),
    ("help", "This help"),
];

/// One key as written in the keymap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeySpec {
    /// The key.
    pub code: KeyCode,
    /// With Ctrl.
    pub ctrl: bool,
    /// With Alt.
    pub alt: bool,
}

/// One command of a context.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// The keys as written (`j`, `down`, `ctrl-d`).
    pub keys: Vec<String>,
    /// The parsed keys.
    pub specs: Vec<KeySpec>,
    /// The command name.
    pub command: String,
    /// The action it runs.
    pub action: Action,
    /// What it does.
    pub desc: String,
    /// Shown in the status bar.
    pub hint: bool,
    /// A shorter description for the status bar.
    pub short: Option<String>,
}

/// All contexts and their bindings.
#[derive(Debug, Clone)]
pub struct Keymap {
    contexts: HashMap<String, Vec<Binding>>,
}

#[derive(Deserialize)]
struct RawBinding {
    on: Vec<String>,
    run: String,
    desc: String,
    #[serde(default)]
    hint: bool,
    #[serde(default)]
    short: Option<String>,
}

static KEYMAP: LazyLock<Keymap> = LazyLock::new(|| {
    // The bundled file is checked by a unit test; an empty keymap would still let
    // Ctrl-C quit through the fallback in `lookup`.
    Keymap::parse(BUNDLED_KEYS).unwrap_or(Keymap {
        contexts: HashMap::new(),
    })
});

impl Keymap {
    /// The bundled keymap.
    pub fn get() -> &'static Keymap {
        &KEYMAP
    }

    /// Parses a keymap file; errors name the context and the key or command.
    pub fn parse(text: &str) -> Result<Keymap> {
        let raw: HashMap<String, Vec<RawBinding>> = toml::from_str(text).context("keys.toml")?;
        let mut contexts = HashMap::new();
        for (ctx, list) in raw {
            if !CONTEXTS.iter().any(|(c, _)| *c == ctx) {
                bail!("keys.toml: unknown context [{ctx}]");
            }
            let mut bindings = Vec::new();
            for b in list {
                let action = Action::from_command(&b.run)
                    .with_context(|| format!("keys.toml [{ctx}]: unknown command {:?}", b.run))?;
                let specs = b
                    .on
                    .iter()
                    .map(|k| {
                        parse_key(k)
                            .with_context(|| format!("keys.toml [{ctx}] {}: bad key {k:?}", b.run))
                    })
                    .collect::<Result<Vec<_>>>()?;
                bindings.push(Binding {
                    keys: b.on,
                    specs,
                    command: b.run,
                    action,
                    desc: b.desc,
                    hint: b.hint,
                    short: b.short,
                });
            }
            contexts.insert(ctx, bindings);
        }
        Ok(Keymap { contexts })
    }

    /// The bindings of a context (empty if it has none).
    pub fn bindings(&self, context: &str) -> &[Binding] {
        self.contexts.get(context).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The action bound to `key` in the first of `contexts` that binds it.
    pub fn lookup(&self, contexts: &[&str], key: &KeyEvent) -> Option<Action> {
        let spec = spec_of(key);
        for ctx in contexts {
            for b in self.bindings(ctx) {
                if b.specs.contains(&spec) {
                    return Some(b.action.clone());
                }
            }
        }
        if spec.ctrl && spec.code == KeyCode::Char('c') {
            return Some(Action::Quit);
        }
        None
    }

    /// The status-bar hints of the active contexts: (first key, short description).
    pub fn hints(&self, contexts: &[&str]) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for ctx in contexts {
            for b in self.bindings(ctx).iter().filter(|b| b.hint) {
                let text = b.short.clone().unwrap_or_else(|| b.desc.clone());
                if out.iter().any(|(_, d)| *d == text) {
                    continue;
                }
                out.push((b.keys.first().cloned().unwrap_or_default(), text));
            }
        }
        out
    }
}

/// The key an event stands for (Shift is part of the character, or of BackTab).
pub fn spec_of(key: &KeyEvent) -> KeySpec {
    let code = match key.code {
        KeyCode::Char(c) if key.modifiers.contains(KeyModifiers::CONTROL) => {
            KeyCode::Char(c.to_ascii_lowercase())
        }
        other => other,
    };
    KeySpec {
        code,
        ctrl: key.modifiers.contains(KeyModifiers::CONTROL),
        alt: key.modifiers.contains(KeyModifiers::ALT),
    }
}

/// Parses `ctrl-d`, `alt-left`, `J`, `space`, `f1` …
pub fn parse_key(s: &str) -> Result<KeySpec> {
    let mut rest = s;
    let mut ctrl = false;
    let mut alt = false;
    loop {
        if let Some(r) = rest.strip_prefix("ctrl-").filter(|r| !r.is_empty()) {
            ctrl = true;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("alt-").filter(|r| !r.is_empty()) {
            alt = true;
            rest = r;
        } else {
            break;
        }
    }
    let code = match rest {
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "space" => KeyCode::Char(' '),
        "backspace" => KeyCode::Backspace,
        "delete" => KeyCode::Delete,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pageup" => KeyCode::PageUp,
        "pagedown" => KeyCode::PageDown,
        f if f.len() > 1
            && f.starts_with('f')
            && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
        {
            KeyCode::F(f[1..].parse().unwrap_or(1))
        }
        c if c.chars().count() == 1 => {
            let ch = c.chars().next().unwrap_or(' ');
            KeyCode::Char(if ctrl { ch.to_ascii_lowercase() } else { ch })
        }
        other => bail!("unknown key name {other:?}"),
    };
    Ok(KeySpec { code, ctrl, alt })
}

/// A key as the help shows it (`Ctrl-d`, `↓`, `Space`).
pub fn key_label(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    loop {
        if let Some(r) = rest.strip_prefix("ctrl-").filter(|r| !r.is_empty()) {
            out.push_str("Ctrl-");
            rest = r;
        } else if let Some(r) = rest.strip_prefix("alt-").filter(|r| !r.is_empty()) {
            out.push_str("Alt-");
            rest = r;
        } else {
            break;
        }
    }
    out.push_str(match rest {
        "up" => "↑",
        "down" => "↓",
        "left" => "←",
        "right" => "→",
        "enter" => "Enter",
        "esc" => "Esc",
        "tab" => "Tab",
        "backtab" => "Shift-Tab",
        "space" => "Space",
        "backspace" => "Backspace",
        "delete" => "Del",
        "home" => "Home",
        "end" => "End",
        "pageup" => "PgUp",
        "pagedown" => "PgDn",
        other => {
            if other.len() > 1 && other.starts_with('f') {
                return format!("{out}F{}", &other[1..]);
            }
            other
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_keymap_parses_and_every_context_has_bindings() {
        let k = Keymap::parse(BUNDLED_KEYS).unwrap();
        for (ctx, _) in CONTEXTS {
            assert!(!k.bindings(ctx).is_empty(), "context {ctx} has no bindings");
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        let k = Keymap::parse(BUNDLED_KEYS).unwrap();
        for (ctx, _) in CONTEXTS {
            let mut seen = std::collections::HashSet::new();
            for b in k.bindings(ctx) {
                for s in &b.specs {
                    assert!(seen.insert(*s), "{ctx}: {s:?} bound twice");
                }
            }
        }
    }

    #[test]
    fn lookup_respects_context_order_and_modifiers() {
        let k = Keymap::parse(BUNDLED_KEYS).unwrap();
        let key = |code, m| KeyEvent::new(code, m);
        assert_eq!(
            k.lookup(
                &["browse", "global"],
                &key(KeyCode::Char('j'), KeyModifiers::NONE)
            ),
            Some(Action::Down)
        );
        assert_eq!(
            k.lookup(
                &["search_results", "global"],
                &key(KeyCode::Char('i'), KeyModifiers::NONE)
            ),
            Some(Action::EditQuery)
        );
        assert_eq!(
            k.lookup(
                &["browse", "global"],
                &key(KeyCode::Char('/'), KeyModifiers::NONE)
            ),
            Some(Action::ViewSearch)
        );
        assert_eq!(
            k.lookup(&["digest"], &key(KeyCode::Char('K'), KeyModifiers::SHIFT)),
            Some(Action::MoveUp)
        );
        assert_eq!(
            k.lookup(
                &["search_input", "input"],
                &key(KeyCode::Char('w'), KeyModifiers::CONTROL)
            ),
            Some(Action::InputDeleteWord)
        );
        // a typed letter in a text field is not a command
        assert_eq!(
            k.lookup(
                &["search_input", "input", "always"],
                &key(KeyCode::Char('q'), KeyModifiers::NONE)
            ),
            None
        );
        assert_eq!(
            k.lookup(&["input"], &key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
    }

    #[test]
    fn bad_entries_are_reported_with_their_context() {
        let err = Keymap::parse("[[browse]]\non=[\"j\"]\nrun=\"fly\"\ndesc=\"x\"\n").unwrap_err();
        assert!(format!("{err:#}").contains("[browse]"), "{err:#}");
        let err =
            Keymap::parse("[[browse]]\non=[\"hyper-j\"]\nrun=\"down\"\ndesc=\"x\"\n").unwrap_err();
        assert!(format!("{err:#}").contains("bad key"), "{err:#}");
        assert!(Keymap::parse("[[nowhere]]\non=[\"j\"]\nrun=\"down\"\ndesc=\"x\"\n").is_err());
    }

    #[test]
    fn labels_are_readable() {
        assert_eq!(key_label("ctrl-d"), "Ctrl-d");
        assert_eq!(key_label("down"), "↓");
        assert_eq!(key_label("f1"), "F1");
        assert_eq!(key_label("J"), "J");
    }
}
