//! View models: what each view shows, laid out for the current size and script, built
//! from the state the user chose and from the store. [`refresh`] is the one place that
//! brings every derived part up to date after an action; a part is rebuilt only when
//! what it was built from (its key) changed.
//!
//! The text helpers here (wrapping with emphasis, script conversion, figure marks,
//! badges) are shared by every view.

pub mod browse;
pub mod compare;
pub mod digest;
pub mod filters;
pub mod help;
pub mod search;

use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;

use crate::facts::{Figure, Role};
use crate::model::labels::Labelled;
use crate::text;

use super::keymap::Keymap;
use super::state::*;
use super::wrap;

/// The key of a derived part: a hash of what it is built from.
pub fn key(parts: impl Hash) -> Key {
    let mut h = DefaultHasher::new();
    parts.hash(&mut h);
    Some(h.finish())
}

/// Brings everything the current view shows up to date.
pub fn refresh(app: &mut App) {
    browse::doc_rows(app);
    match app.view {
        View::Browse => {
            browse::outline(app);
            browse::detail(app);
        }
        View::Search => search::refresh(app),
        View::Compare => compare::layout(app),
        View::Digest => digest::refresh(app),
    }
    match &app.popup {
        Some(Popup::Filters(_)) => filters::refresh(app),
        Some(Popup::Choose(_)) => filters::refresh_chooser(app),
        _ => {}
    }
    search::filter_line(app);
    status(app);
}

/// The status bar: hints for the active keys, and counts for the view.
fn status(app: &mut App) {
    app.hints = Keymap::get().hints(&app.contexts());
    let index = match &app.index {
        IndexState::Opening(Some(crate::search::BuildProgress::Indexing { done, total })) => {
            Some(format!("reading documents {done}/{total}"))
        }
        IndexState::Opening(Some(crate::search::BuildProgress::Linking { done, total })) => {
            Some(format!("linking provisions {done}/{total}"))
        }
        IndexState::Opening(_) if app.lib.opened.is_none() => Some("opening the store…".into()),
        IndexState::Failed(_) if app.lib.opened.is_none() => Some("no store".into()),
        _ => None,
    };
    app.counts = match (app.view, index) {
        (View::Browse, Some(i)) => i,
        (View::Browse, None) => format!(
            "{} documents · {} provisions",
            app.lib.len(),
            app.lib.provisions()
        ),
        (View::Search, Some(i)) => i,
        (View::Search, None) => match (&app.index, app.search.pending, &app.search.results) {
            (IndexState::Failed(_), _, _) if app.lib.opened.is_none() => {
                "search unavailable".into()
            }
            (_, true, _) => "searching…".into(),
            (_, _, Some(r)) => format!("{} hits", r.total),
            _ => "type to search".into(),
        },
        (View::Compare, _) => match (&app.compare.comparison, app.compare.pending) {
            (_, true) => "comparing…".into(),
            (Some(c), _) => format!(
                "{} documents · {} {}",
                app.compare.columns.len(),
                c.rows,
                if c.rows == 1 { "row" } else { "rows" }
            ),
            (None, _) => "nothing compared".into(),
        },
        (View::Digest, _) => format!("{} clauses in the digest", app.digest.ids.len()),
    };
}

/// The first `n` characters of a text, on one line.
pub fn head(s: &str, n: usize) -> String {
    let mut out: String = s.chars().filter(|c| *c != '\n').take(n).collect();
    if s.chars().filter(|c| *c != '\n').nth(n).is_some() {
        out.push('…');
    }
    out
}

/// The text in the script shown.
pub fn shown(app: &App, text: &str) -> String {
    match app.script {
        Script::Original => text.to_string(),
        Script::Simplified => text::to_simplified(text),
    }
}

/// The text in the script shown, with byte ranges moved along.
pub fn in_script(
    app: &App,
    text: &str,
    marks: Vec<(Range<usize>, Emph)>,
) -> (String, Vec<(Range<usize>, Emph)>) {
    match app.script {
        Script::Original => (text.to_string(), marks),
        Script::Simplified => {
            let conv = text::to_simplified(text);
            let marks = marks
                .into_iter()
                .filter_map(|(r, e)| Some((remap(text, &conv, r)?, e)))
                .collect();
            (conv, marks)
        }
    }
}

/// Moves a byte range of `from` to the same characters of `to` (same char count).
pub fn remap(from: &str, to: &str, r: Range<usize>) -> Option<Range<usize>> {
    if !from.is_char_boundary(r.start) || !from.is_char_boundary(r.end) || r.end > from.len() {
        return None;
    }
    let cs = from[..r.start].chars().count();
    let ce = cs + from[r.clone()].chars().count();
    let byte_at = |ci: usize| {
        to.char_indices()
            .nth(ci)
            .map(|(b, _)| b)
            .unwrap_or(to.len())
    };
    Some(byte_at(cs)..byte_at(ce))
}

/// Where the figures are in `text`: their spans when they point at the surface, else
/// the first unused occurrence of the surface.
pub fn figure_marks(text: &str, figures: &[Figure]) -> Vec<(Range<usize>, Emph)> {
    let mut marks: Vec<(Range<usize>, Emph)> = Vec::new();
    for f in figures {
        let emph = if f.role == Role::Support {
            Emph::Figure
        } else {
            Emph::OtherFigure
        };
        let range = if text.get(f.span.clone()) == Some(f.surface.as_str()) {
            Some(f.span.clone())
        } else if f.surface.is_empty() {
            None
        } else {
            text.match_indices(f.surface.as_str())
                .map(|(b, s)| b..b + s.len())
                .find(|r| {
                    !marks
                        .iter()
                        .any(|(m, _)| m.start < r.end && r.start < m.end)
                })
        };
        if let Some(r) = range
            && !marks
                .iter()
                .any(|(m, _)| m.start < r.end && r.start < m.end)
        {
            marks.push((r, emph));
        }
    }
    marks.sort_by_key(|(r, _)| r.start);
    marks
}

/// Wraps `text` to `width` cells after an `indent`, emphasising `marks`.
pub fn text_lines(
    text: &str,
    marks: &[(Range<usize>, Emph)],
    width: usize,
    indent: usize,
    base: Emph,
) -> Vec<TextLine> {
    let keep: Vec<Range<usize>> = marks.iter().map(|(r, _)| r.clone()).collect();
    let width = width.saturating_sub(indent).max(1);
    wrap::wrap(text, width, &keep)
        .into_iter()
        .map(|line| {
            let mut segs = Vec::new();
            if indent > 0 {
                segs.push(Seg {
                    text: " ".repeat(indent),
                    emph: Emph::Plain,
                });
            }
            let mut pos = line.start;
            for (r, e) in marks {
                let (s, t) = (r.start.max(line.start), r.end.min(line.end));
                if s >= t {
                    continue;
                }
                if pos < s {
                    segs.push(Seg {
                        text: text[pos..s].to_string(),
                        emph: base,
                    });
                }
                segs.push(Seg {
                    text: text[s..t].to_string(),
                    emph: *e,
                });
                pos = t;
            }
            if pos < line.end {
                segs.push(Seg {
                    text: text[pos..line.end].to_string(),
                    emph: base,
                });
            }
            TextLine { segs, link: None }
        })
        .collect()
}

/// A line cut to `width` cells, with `…` when something was left out.
pub fn fit_line(line: &TextLine, width: usize) -> TextLine {
    let mut out = TextLine {
        segs: Vec::new(),
        link: line.link,
    };
    let mut used = 0;
    for s in &line.segs {
        let w = wrap::str_width(&s.text);
        if used + w <= width {
            out.segs.push(s.clone());
            used += w;
            continue;
        }
        let room = width.saturating_sub(used + 1);
        let part = wrap::fit_prefix(&s.text, room);
        out.segs.push(Seg {
            text: format!("{part}…"),
            emph: s.emph,
        });
        break;
    }
    out
}

/// The short badge of a standing: `[in force]`, `[draft · term ended]`, `[superseded]`.
pub fn badge_text(s: &Standing) -> String {
    let mut t = s.validity.en().to_string();
    if !s.superseded_by.is_empty() {
        t.push_str(" · superseded");
    }
    if s.ended.is_some() && s.validity != crate::corpus::Validity::Expired {
        t.push_str(" · term ended");
    }
    format!("[{t}]")
}

/// The emphasis of a standing's badge.
pub fn badge_emph(s: &Standing) -> Emph {
    if !s.superseded_by.is_empty()
        || (s.ended.is_some() && s.validity != crate::corpus::Validity::Expired)
    {
        Emph::Stale
    } else {
        Emph::Badge(s.validity)
    }
}

/// The badge as a run.
pub fn badge(s: &Standing) -> Seg {
    Seg {
        text: badge_text(s),
        emph: badge_emph(s),
    }
}

/// The standing in words, for the detail pane: `draft (征求意见稿) on 2026-06-01; its
/// term ended 2025-12-31`.
pub fn standing_words(app: &App, s: &Standing) -> String {
    let mut t = format!("{} ({}) on {}", s.validity.en(), s.validity.zh(), app.as_of);
    if let Some(end) = s.ended {
        t.push_str(&format!("; its term ended {end}"));
    }
    if !s.superseded_by.is_empty() {
        t.push_str(&format!("; superseded by {}", s.superseded_by.join(", ")));
    }
    t
}

/// An amount of yuan in a short form: `300万元`, `1.5亿元`, `8000元`.
pub fn yuan(v: f64) -> String {
    let num = |x: f64| {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    if v >= 1e8 {
        format!("{}亿元", num(v / 1e8))
    } else if v >= 1e4 {
        format!("{}万元", num(v / 1e4))
    } else {
        format!("{}元", num(v))
    }
}

/// The largest support amount of some figures, in yuan.
pub fn support_amount(figures: &[Figure]) -> Option<f64> {
    figures
        .iter()
        .filter(|f| f.role == Role::Support && f.unit == crate::facts::Unit::Yuan)
        .map(|f| f.value_max.unwrap_or(f.value))
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remap_follows_characters_between_scripts() {
        let t = "給予最高300萬元補貼";
        let s = text::to_simplified(t);
        let start = t.find("最高").unwrap();
        let end = t.find("補").unwrap();
        let r = remap(t, &s, start..end).unwrap();
        assert_eq!(&s[r], "最高300万元");
        assert!(remap(t, &s, 1..2).is_none());
    }

    #[test]
    fn marks_split_lines_into_emphasised_runs() {
        let text = "给予最高300万元的资金补贴";
        let start = text.find("最高").unwrap();
        let end = text.find("的").unwrap();
        let lines = text_lines(text, &[(start..end, Emph::Figure)], 40, 2, Emph::Plain);
        assert_eq!(lines.len(), 1);
        let segs: Vec<(&str, Emph)> = lines[0]
            .segs
            .iter()
            .map(|s| (s.text.as_str(), s.emph))
            .collect();
        assert_eq!(
            segs,
            vec![
                ("  ", Emph::Plain),
                ("给予", Emph::Plain),
                ("最高300万元", Emph::Figure),
                ("的资金补贴", Emph::Plain)
            ]
        );
    }

    #[test]
    fn amounts_read_as_a_consultant_writes_them() {
        assert_eq!(yuan(3_000_000.0), "300万元");
        assert_eq!(yuan(150_000_000.0), "1.5亿元");
        assert_eq!(yuan(8000.0), "8000元");
    }

    #[test]
    fn a_long_line_is_cut_with_an_ellipsis() {
        let l = TextLine::of(vec![
            ("北京市 ".into(), Emph::Heading),
            ("最高300万元".into(), Emph::Figure),
        ]);
        let cut = fit_line(&l, 10);
        assert!(wrap::str_width(&cut.text()) <= 10, "{}", cut.text());
        assert!(cut.text().ends_with('…'));
        assert_eq!(fit_line(&l, 40), l);
    }
}
