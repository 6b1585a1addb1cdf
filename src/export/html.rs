//! HTML: one self-contained file that reads on screen and prints on A4. The style sheet
//! is inline (print rules, CJK font fallbacks), there are no scripts, images or links
//! to other sites, and every piece of text is escaped. Print it to PDF from a browser
//! (Chromium: `chromium --headless --print-to-pdf=digest.pdf digest.html`).

use std::fmt::Write;

use crate::model::labels::Labelled;
use crate::model::{Lang, Validity};

use super::model::{DigestEntry, DigestReport, FigureEntry};
use super::words::{
    any_doc_number, clause_heading, dates, header_line, iso, issuer, link_view, measure_type,
    place, words,
};

const STYLE: &str = r#"
:root { --ink: #1d1d1f; --muted: #5f6368; --rule: #c9ced6; --accent: #8a1c1c; --band: #f4f5f7; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 2rem auto; max-width: 60rem; padding: 0 1.5rem; color: var(--ink); line-height: 1.7;
  font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", SimSun, "宋体",
    "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", serif;
  text-align: justify; }
h1, h2, h3, th, .meta, code { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
  "Microsoft YaHei", SimHei, "黑体", sans-serif; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; border-bottom: 2px solid var(--accent); padding-bottom: .3rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.02rem; margin: 1.2rem 0 .4rem; }
.meta { color: var(--muted); margin: .2rem 0 1rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1.4rem; font-size: .88rem; line-height: 1.5; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 1px solid var(--rule); padding: .3rem .45rem; text-align: left; vertical-align: top; }
th { background: var(--band); white-space: nowrap; }
td.nowrap, td.id { white-space: nowrap; }
code, .id { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .82em; white-space: nowrap; }
blockquote { margin: .4rem 0; padding: .45rem .8rem; border-left: 4px solid var(--accent); background: var(--band);
  white-space: pre-wrap; }
article { margin-bottom: 1.2rem; }
.clause, ul.links li { break-inside: avoid; page-break-inside: avoid; }
article.not-in-force blockquote { border-left-style: dashed; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem; margin: .35rem 0; font-size: .94rem; }
dt { color: var(--muted); }
dd { margin: 0; }
.flag { display: inline-block; margin-left: .4rem; padding: 0 .35rem; border: 1px solid var(--accent);
  color: var(--accent); font-size: .8em; font-weight: 600; white-space: nowrap; }
.status-draft, .status-expired, .status-not-yet-in-force { color: var(--accent); font-weight: 600; }
ul.links { margin: .3rem 0; padding-left: 1.2rem; font-size: .92rem; }
ul.links li { margin-bottom: .45rem; }
@page { size: A4; margin: 16mm 15mm 18mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10.5pt; line-height: 1.6; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  h2 + table, h3 + table { break-before: avoid; page-break-before: avoid; }
  p.links-head { break-after: avoid; page-break-after: avoid; }
  table { font-size: 9pt; }
  blockquote, th { background: none; }
  blockquote { border-left-width: 3px; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// The digest as an HTML document.
pub(super) fn render(r: &DigestReport) -> String {
    let mut out = String::new();
    let _ = write_report(&mut out, r);
    out
}

fn write_report(out: &mut String, r: &DigestReport) -> std::fmt::Result {
    let w = words(r.lang);
    let lang = match r.lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    };
    writeln!(out, "<!DOCTYPE html>")?;
    writeln!(out, "<html lang=\"{lang}\">")?;
    writeln!(out, "<head>")?;
    writeln!(out, "<meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(out, "<meta name=\"generator\" content=\"policynav\">")?;
    writeln!(out, "<title>{} · {}</title>", w.title, iso(r.generated))?;
    writeln!(out, "<style>{STYLE}</style>")?;
    writeln!(out, "</head>")?;
    writeln!(out, "<body>")?;
    writeln!(out, "<header>")?;
    writeln!(out, "<h1>{}</h1>", w.title)?;
    writeln!(out, "<p class=\"meta\">{}</p>", esc(&header_line(r)))?;
    writeln!(out, "</header>")?;

    writeln!(out, "<section id=\"sources\">")?;
    writeln!(out, "<h2>{}</h2>", w.sources)?;
    writeln!(out, "<table class=\"sources\">")?;
    let numbers = any_doc_number(r);
    write!(
        out,
        "<thead><tr><th>{}</th><th>{}</th>",
        w.jurisdiction, w.document
    )?;
    if numbers {
        write!(out, "<th>{}</th>", w.doc_number)?;
    }
    writeln!(
        out,
        "<th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>",
        w.issuer, w.dates, w.status, w.id
    )?;
    writeln!(out, "<tbody>")?;
    for s in &r.sources {
        write!(
            out,
            "<tr><td class=\"nowrap\">{}</td><td>《{}》</td>",
            esc(&place(
                &s.jurisdiction,
                s.jurisdiction_zh.as_deref(),
                r.lang
            )),
            esc(&s.title),
        )?;
        if numbers {
            write!(
                out,
                "<td>{}</td>",
                esc(s.doc_number.as_deref().unwrap_or(w.none))
            )?;
        }
        writeln!(
            out,
            "<td>{}</td><td class=\"nowrap\">{}</td><td class=\"status-{}\">{}</td><td class=\"id\">{}</td></tr>",
            esc(&issuer(s, r.lang)),
            dates(s, r.lang)
                .iter()
                .map(|d| esc(d))
                .collect::<Vec<_>>()
                .join("<br>"),
            s.status.id(),
            esc(&s.status_label),
            esc(&s.doc)
        )?;
    }
    writeln!(out, "</tbody>")?;
    writeln!(out, "</table>")?;
    writeln!(out, "</section>")?;

    if !r.comparisons.is_empty() {
        writeln!(out, "<section id=\"comparisons\">")?;
        writeln!(out, "<h2>{}</h2>", w.comparisons)?;
        for t in &r.comparisons {
            writeln!(
                out,
                "<h3>{}</h3>",
                esc(&measure_type(&t.measure_type, r.lang))
            )?;
            writeln!(out, "<table class=\"comparison\">")?;
            writeln!(
                out,
                "<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>",
                w.jurisdiction, w.document, w.article, w.figures, w.status, w.id
            )?;
            writeln!(out, "<tbody>")?;
            for row in &t.rows {
                writeln!(
                    out,
                    "<tr><td class=\"nowrap\">{}</td><td>《{}》</td><td class=\"nowrap\">{}</td><td>{}</td><td class=\"status-{}\">{}</td><td class=\"id\">{}{}</td></tr>",
                    esc(&row.jurisdiction),
                    esc(&row.title),
                    esc(&row.article),
                    if row.figures.is_empty() {
                        w.none.to_string()
                    } else {
                        esc(&row.figures.join("; "))
                    },
                    row.status.id(),
                    esc(&row.status_label),
                    esc(&row.id),
                    if row.origin == "linked" { w.linked } else { "" }
                )?;
            }
            writeln!(out, "</tbody>")?;
            writeln!(out, "</table>")?;
        }
        writeln!(out, "</section>")?;
    }

    for g in &r.groups {
        writeln!(out, "<section class=\"group\">")?;
        let title = if g.title.is_empty() {
            w.clauses
        } else {
            &g.title
        };
        writeln!(out, "<h2>{}</h2>", esc(title))?;
        for e in &g.entries {
            write_entry(out, r, e)?;
        }
        writeln!(out, "</section>")?;
    }
    writeln!(out, "</body>")?;
    writeln!(out, "</html>")?;
    Ok(())
}

fn write_entry(out: &mut String, r: &DigestReport, e: &DigestEntry) -> std::fmt::Result {
    let w = words(r.lang);
    let c = &e.citation;
    let class = if e.status == Validity::InForce {
        ""
    } else {
        " class=\"not-in-force\""
    };
    writeln!(out, "<article id=\"{}\"{class}>", esc(&anchor(&c.id)))?;
    writeln!(out, "<div class=\"clause\">")?;
    writeln!(
        out,
        "<h3>{}{}</h3>",
        esc(&clause_heading(c, r.lang)),
        flag(e.status, r.lang)
    )?;
    writeln!(out, "<blockquote>{}</blockquote>", esc(e.text.trim_end()))?;
    writeln!(out, "<dl>")?;
    writeln!(
        out,
        "<dt>{}</dt><dd>{} <code>{}</code></dd>",
        w.source,
        esc(&e.cited),
        esc(&c.id)
    )?;
    writeln!(
        out,
        "<dt>{}</dt><dd class=\"status-{}\">{}</dd>",
        w.status,
        e.status.id(),
        esc(&e.status_label)
    )?;
    writeln!(
        out,
        "<dt>{}</dt><dd>{}</dd>",
        w.figures,
        figures(&e.figures)
    )?;
    writeln!(
        out,
        "<dt>{}</dt><dd>{}</dd>",
        w.agencies,
        or_dash(&esc(&e.agencies.join(w.sep)))
    )?;
    let types: Vec<String> = e
        .measure_types
        .iter()
        .map(|m| measure_type(m, r.lang))
        .collect();
    writeln!(
        out,
        "<dt>{}</dt><dd>{}</dd>",
        w.measure_types,
        or_dash(&esc(&types.join(w.sep)))
    )?;
    writeln!(out, "</dl>")?;
    writeln!(out, "</div>")?;
    if !e.links.is_empty() {
        writeln!(
            out,
            "<p class=\"links-head\"><strong>{}</strong></p>",
            w.elsewhere
        )?;
        writeln!(out, "<ul class=\"links\">")?;
        for l in &e.links {
            let v = link_view(l, r.lang);
            writeln!(
                out,
                "<li>{} <code>{}</code><br>{}{}{}{}<br>{}</li>",
                esc(&v.headline),
                esc(&l.citation.id),
                w.figures,
                w.colon,
                figures(&l.figures),
                if v.why.is_empty() {
                    String::new()
                } else {
                    format!("<br>{}{}{}", w.why, w.colon, esc(&v.why))
                },
                esc(&l.text)
            )?;
        }
        writeln!(out, "</ul>")?;
    }
    writeln!(out, "</article>")?;
    Ok(())
}

/// A visible mark for a document that is not in force.
fn flag(v: Validity, lang: Lang) -> String {
    if v == Validity::InForce {
        String::new()
    } else {
        format!("<span class=\"flag\">{}</span>", v.label(lang))
    }
}

fn figures(f: &[FigureEntry]) -> String {
    if f.is_empty() {
        return "—".to_string();
    }
    f.iter()
        .map(|f| esc(&f.summary))
        .collect::<Vec<_>>()
        .join("; ")
}

fn or_dash(s: &str) -> String {
    if s.is_empty() {
        "—".to_string()
    } else {
        s.to_string()
    }
}

/// An element id from a clause id (`beijing-2021/9.3` → `c-beijing-2021-9-3`).
fn anchor(id: &str) -> String {
    let mut out = String::from("c-");
    out.extend(id.chars().map(|c| {
        if c.is_ascii_alphanumeric() || c == '-' {
            c
        } else {
            '-'
        }
    }));
    out
}

/// Escapes text for HTML element content and quoted attribute values; control
/// characters (which HTML forbids) are dropped.
pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(ch),
            c if c.is_control() => {}
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::model::fixtures;
    use super::*;

    #[test]
    fn text_is_escaped_and_nothing_is_fetched() {
        let html = render(&fixtures::report());
        assert!(html.contains("資金補貼 | &lt;b&gt;&amp;&quot;引號&quot;&lt;/b&gt;"));
        assert!(!html.contains("<b>"));
        for needle in [
            "http:", "https:", "src=", "href=", "@import", "url(", "<script",
        ] {
            assert!(!html.contains(needle), "found {needle}");
        }
        assert!(html.contains("@media print"));
        assert!(html.contains("\"Noto Sans CJK SC\""));
        assert_eq!(html.matches("<table").count(), 2);
        assert!(html.contains("<html lang=\"zh-CN\">"));
        assert!(html.contains("<h2>文件来源</h2>"));
    }

    #[test]
    fn print_rules_keep_clauses_whole_and_headings_with_what_follows() {
        for rule in [
            ".clause, ul.links li { break-inside: avoid;",
            "h1, h2, h3 { break-after: avoid;",
            "thead { display: table-header-group; }",
            "@page { size: A4;",
            "white-space: nowrap",
        ] {
            assert!(STYLE.contains(rule), "{rule}");
        }
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(esc("甲\u{c}乙\u{1b}[31m丙\n"), "甲乙[31m丙\n");
    }

    #[test]
    fn anchors_are_safe_ids() {
        assert_eq!(anchor("beijing-2021/9.3"), "c-beijing-2021-9-3");
    }
}
