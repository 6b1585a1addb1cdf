//! Exporting the digest: the prompt (format, grouping, path), asking before replacing a
//! file, and the export itself off the UI thread.

use std::path::{Path, PathBuf};

use crate::export::{self, Format, GroupBy};

use super::super::action::Action;
use super::super::input::Input;
use super::super::state::*;
use super::edit;

const FORMATS: [Format; 5] = [
    Format::Md,
    Format::Csv,
    Format::Json,
    Format::Html,
    Format::Docx,
];
const GROUPS: [GroupBy; 3] = [GroupBy::Topic, GroupBy::Jurisdiction, GroupBy::Document];

/// Opens the export prompt.
pub fn open(app: &mut App) {
    if app.digest.ids.is_empty() {
        app.say("the digest is empty: mark clauses with Space first");
        return;
    }
    let path = default_path(app, Format::Md);
    app.popup = Some(Popup::Export(ExportPrompt {
        format: Format::Md,
        group_by: GroupBy::Topic,
        path: Input::with_text(&path.display().to_string()),
        error: None,
        running: false,
    }));
}

/// The file name extension of a format.
pub fn extension(f: Format) -> &'static str {
    f.extension()
}

/// The suggested export file: in the platform documents folder when there is one,
/// else in the data dir.
pub fn default_path(app: &App, format: Format) -> PathBuf {
    let dir = directories::UserDirs::new()
        .and_then(|u| u.document_dir().map(Path::to_path_buf))
        .filter(|d| d.is_dir())
        .unwrap_or_else(|| app.lib.locations.data_dir.clone());
    dir.join(format!(
        "policynav-digest-{}.{}",
        app.today,
        extension(format)
    ))
}

fn with_extension(path: &str, old: Format, new: Format) -> String {
    let old_ext = format!(".{}", extension(old));
    match path.strip_suffix(&old_ext) {
        Some(stem) => format!("{stem}.{}", extension(new)),
        None => path.to_string(),
    }
}

fn expand_home(path: &str) -> PathBuf {
    if let Some(rest) = path.strip_prefix("~/")
        && let Some(u) = directories::UserDirs::new()
    {
        return u.home_dir().join(rest);
    }
    PathBuf::from(path)
}

/// Applies an action to the export prompt or the "replace?" question.
pub fn prompt_action(app: &mut App, action: Action) {
    use Action::*;
    match app.popup.take() {
        Some(Popup::Export(mut p)) => {
            match action {
                Cancel => return,
                Confirm if !p.running => {
                    start(app, p, false);
                    return;
                }
                CycleFormat => {
                    let i = FORMATS.iter().position(|f| *f == p.format).unwrap_or(0);
                    let next = FORMATS[(i + 1) % FORMATS.len()];
                    let path = with_extension(p.path.text(), p.format, next);
                    p.path.set(&path);
                    p.format = next;
                }
                CycleGroup => {
                    let i = GROUPS.iter().position(|g| *g == p.group_by).unwrap_or(0);
                    p.group_by = GROUPS[(i + 1) % GROUPS.len()];
                }
                other => {
                    edit(&mut p.path, &other);
                }
            }
            app.popup = Some(Popup::Export(p));
        }
        Some(Popup::Overwrite(p)) => match action {
            Confirm => start(app, p, true),
            Cancel => app.popup = Some(Popup::Export(p)),
            _ => app.popup = Some(Popup::Overwrite(p)),
        },
        other => app.popup = other,
    }
}

fn start(app: &mut App, mut prompt: ExportPrompt, force: bool) {
    let text = prompt.path.text().trim().to_string();
    if text.is_empty() {
        prompt.error = Some("type a file path".into());
        app.popup = Some(Popup::Export(prompt));
        return;
    }
    let path = expand_home(&text);
    if !force && path.exists() {
        app.popup = Some(Popup::Overwrite(prompt));
        return;
    }
    let options = export::Options {
        group_by: prompt.group_by,
        with_links: true,
        simplified: app.script == Script::Simplified,
        as_of: app.as_of,
        ..export::Options::new(prompt.format, app.today)
    };
    app.effects.push(Effect::Export {
        library: app.lib.clone(),
        ids: app.digest.ids.clone(),
        options,
        path,
        force,
    });
    prompt.running = true;
    prompt.error = None;
    app.popup = Some(Popup::Export(prompt));
    app.say("exporting…");
}

/// An export finished.
pub fn done(app: &mut App, result: Result<String, String>) {
    match result {
        Ok(msg) => {
            if matches!(app.popup, Some(Popup::Export(_))) {
                app.popup = None;
            }
            app.say(msg);
        }
        Err(e) => {
            if let Some(Popup::Export(p)) = &mut app.popup {
                p.running = false;
                p.error = Some(e.clone());
            }
            app.warn(format!("export failed: {e}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_changes_follow_the_extension() {
        assert_eq!(
            with_extension("/tmp/a.md", Format::Md, Format::Csv),
            "/tmp/a.csv"
        );
        assert_eq!(
            with_extension("/tmp/a.txt", Format::Md, Format::Csv),
            "/tmp/a.txt"
        );
    }
}
