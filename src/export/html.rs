//! HTML: one self-contained, printable file. The style sheet is inline (with print
//! rules and CJK font fallbacks), there are no scripts, images or links to other
//! sites, and every piece of text is escaped.

use crate::model::labels::Labelled;
use std::fmt::Write;

use super::md::{dates, issuer, jurisdiction};
use super::model::{DigestEntry, DigestReport, FigureEntry};

const STYLE: &str = r#"
:root { --ink: #1d1d1f; --muted: #5f6368; --rule: #d0d4d9; --accent: #8a1c1c; --band: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 2rem auto; max-width: 60rem; padding: 0 1.5rem; color: var(--ink); line-height: 1.65;
  font-family: "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
    "WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 1.6rem; border-bottom: 2px solid var(--accent); padding-bottom: .3rem; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
.meta { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1.2rem; font-size: .92rem; }
th, td { border: 1px solid var(--rule); padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--band); }
blockquote { margin: .5rem 0; padding: .5rem .9rem; border-left: 4px solid var(--accent); background: var(--band);
  white-space: pre-wrap; }
article { page-break-inside: avoid; break-inside: avoid; margin-bottom: 1.4rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .9rem; margin: .4rem 0; }
dt { color: var(--muted); }
dd { margin: 0; }
code { font-family: "SFMono-Regular", Menlo, Consolas, monospace; font-size: .9em; }
.status-draft, .status-expired, .status-not-yet-in-force { color: var(--accent); font-weight: 600; }
ul.links { margin: .3rem 0; padding-left: 1.2rem; }
ul.links li { margin-bottom: .5rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  h2 { page-break-after: avoid; break-after: avoid; }
  table, blockquote { page-break-inside: avoid; break-inside: avoid; }
  blockquote, th { background: none; }
  @page { size: A4; margin: 18mm 16mm; }
}
"#;

/// The digest as an HTML document.
pub(super) fn render(r: &DigestReport) -> String {
    let mut out = String::new();
    let _ = write_report(&mut out, r);
    out
}

fn write_report(out: &mut String, r: &DigestReport) -> std::fmt::Result {
    let lang = "zh-CN";
    writeln!(out, "<!DOCTYPE html>")?;
    writeln!(out, "<html lang=\"{lang}\">")?;
    writeln!(out, "<head>")?;
    writeln!(out, "<meta charset=\"utf-8\">")?;
    writeln!(out, "<meta name=\"generator\" content=\"policynav\">")?;
    writeln!(
        out,
        "<title>Clause digest · 政策条款摘编 · {}</title>",
        r.generated
    )?;
    writeln!(out, "<style>{STYLE}</style>")?;
    writeln!(out, "</head>")?;
    writeln!(out, "<body>")?;
    writeln!(out, "<header>")?;
    writeln!(out, "<h1>Clause digest · 政策条款摘编</h1>")?;
    writeln!(
        out,
        "<p class=\"meta\">Made on <time>{}</time> · status as of <time>{}</time> · {}</p>",
        r.generated,
        r.as_of,
        r.scope(),
    )?;
    writeln!(out, "</header>")?;

    writeln!(out, "<section id=\"sources\">")?;
    writeln!(out, "<h2>Sources</h2>")?;
    writeln!(out, "<table class=\"sources\">")?;
    writeln!(
        out,
        "<thead><tr><th>Jurisdiction</th><th>Document</th><th>Issuer</th><th>Dates</th><th>Status on {}</th><th>Id</th></tr></thead>",
        r.as_of
    )?;
    writeln!(out, "<tbody>")?;
    for s in &r.sources {
        writeln!(
            out,
            "<tr><td>{}</td><td>《{}》</td><td>{}</td><td>{}</td><td class=\"status-{}\">{}</td><td><code>{}</code></td></tr>",
            esc(&jurisdiction(s)),
            esc(&s.title),
            esc(&issuer(s)),
            esc(&dates(s)),
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
        writeln!(out, "<h2>Comparison by measure type</h2>")?;
        for t in &r.comparisons {
            writeln!(
                out,
                "<h3>{} · {}</h3>",
                esc(&t.measure_type.zh),
                esc(&t.measure_type.en)
            )?;
            writeln!(out, "<table class=\"comparison\">")?;
            writeln!(
                out,
                "<thead><tr><th>Jurisdiction</th><th>Document</th><th>Article</th><th>Support figures</th><th>Status</th><th>Id</th></tr></thead>"
            )?;
            writeln!(out, "<tbody>")?;
            for row in &t.rows {
                writeln!(
                    out,
                    "<tr><td>{}</td><td>《{}》</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code>{}</td></tr>",
                    esc(&row.jurisdiction),
                    esc(&row.title),
                    esc(&row.article),
                    if row.figures.is_empty() {
                        "—".to_string()
                    } else {
                        esc(&row.figures.join("; "))
                    },
                    esc(&row.status_label),
                    esc(&row.id),
                    if row.origin == "linked" {
                        " (linked)"
                    } else {
                        ""
                    }
                )?;
            }
            writeln!(out, "</tbody>")?;
            writeln!(out, "</table>")?;
        }
        writeln!(out, "</section>")?;
    }

    for g in &r.groups {
        writeln!(out, "<section class=\"group\">")?;
        writeln!(out, "<h2>{}</h2>", esc(&g.title))?;
        for e in &g.entries {
            write_entry(out, e)?;
        }
        writeln!(out, "</section>")?;
    }
    writeln!(out, "</body>")?;
    writeln!(out, "</html>")?;
    Ok(())
}

fn write_entry(out: &mut String, e: &DigestEntry) -> std::fmt::Result {
    let c = &e.citation;
    writeln!(out, "<article id=\"{}\">", esc(&anchor(&c.id)))?;
    writeln!(
        out,
        "<h3>{} · 《{}》 · {}</h3>",
        esc(&c.jurisdiction),
        esc(&c.title),
        esc(&c.article_label())
    )?;
    writeln!(out, "<blockquote>{}</blockquote>", esc(e.text.trim_end()))?;
    writeln!(out, "<dl>")?;
    writeln!(out, "<dt>Source</dt><dd>{}</dd>", esc(&c.line()))?;
    writeln!(
        out,
        "<dt>Status</dt><dd class=\"status-{}\">{}</dd>",
        e.status.id(),
        esc(&e.status_label)
    )?;
    writeln!(
        out,
        "<dt>Support figures</dt><dd>{}</dd>",
        figures(&e.figures)
    )?;
    writeln!(
        out,
        "<dt>Agencies</dt><dd>{}</dd>",
        or_dash(&esc(&e.agencies.join("; ")))
    )?;
    let types: Vec<String> = e
        .measure_types
        .iter()
        .map(|m| format!("{} ({})", m.zh, m.en))
        .collect();
    writeln!(
        out,
        "<dt>Measure types</dt><dd>{}</dd>",
        or_dash(&esc(&types.join("; ")))
    )?;
    writeln!(out, "</dl>")?;
    if !e.links.is_empty() {
        writeln!(out, "<p><strong>Equivalent measures elsewhere</strong></p>")?;
        writeln!(out, "<ul class=\"links\">")?;
        for l in &e.links {
            writeln!(
                out,
                "<li>{} · 《{}》 · {} · <code>{}</code> · <span class=\"status-{}\">{}</span> · score {:.2}<br>Support figures: {}{}<br>{}</li>",
                esc(&l.citation.jurisdiction),
                esc(&l.citation.title),
                esc(&l.citation.article_label()),
                esc(&l.citation.id),
                l.status.id(),
                esc(&l.status_label),
                l.score,
                figures(&l.figures),
                if l.reasons.is_empty() {
                    String::new()
                } else {
                    format!("<br>Why: {}", esc(&l.reasons.join("; ")))
                },
                esc(&l.text)
            )?;
        }
        writeln!(out, "</ul>")?;
    }
    writeln!(out, "</article>")?;
    Ok(())
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

/// Escapes text for HTML element content and quoted attribute values.
pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
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
    }

    #[test]
    fn anchors_are_safe_ids() {
        assert_eq!(anchor("beijing-2021/9.3"), "c-beijing-2021-9-3");
    }
}
