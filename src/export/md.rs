//! Markdown: a header with the sources, one comparison table per measure type found in
//! several documents, then the clauses under a heading per group.

use std::fmt::Write;

use super::model::{Citation, DigestEntry, DigestReport, FigureEntry, Source};

/// The digest as Markdown (CommonMark with GFM tables).
pub(super) fn render(r: &DigestReport) -> String {
    let mut out = String::new();
    let _ = write_report(&mut out, r);
    out
}

fn write_report(out: &mut String, r: &DigestReport) -> std::fmt::Result {
    writeln!(out, "# Clause digest · 政策条款摘编")?;
    writeln!(out)?;
    writeln!(
        out,
        "Made on {} · status as of {} · {}",
        r.generated,
        r.as_of,
        r.scope(),
    )?;
    writeln!(out)?;

    writeln!(out, "## Sources")?;
    writeln!(out)?;
    writeln!(
        out,
        "| Jurisdiction | Document | Issuer | Dates | Status on {} | Id |",
        r.as_of
    )?;
    writeln!(out, "|---|---|---|---|---|---|")?;
    for s in &r.sources {
        writeln!(
            out,
            "| {} | 《{}》 | {} | {} | {} | `{}` |",
            cell(&jurisdiction(s)),
            cell(&s.title),
            cell(&issuer(s)),
            cell(&dates(s)),
            cell(&s.status_label),
            s.doc
        )?;
    }
    writeln!(out)?;

    if !r.comparisons.is_empty() {
        writeln!(out, "## Comparison by measure type")?;
        writeln!(out)?;
        for t in &r.comparisons {
            writeln!(
                out,
                "### {} · {}",
                inline(&t.measure_type.zh),
                inline(&t.measure_type.en)
            )?;
            writeln!(out)?;
            writeln!(
                out,
                "| Jurisdiction | Document | Article | Support figures | Status | Id |"
            )?;
            writeln!(out, "|---|---|---|---|---|---|")?;
            for row in &t.rows {
                let id = if row.origin == "linked" {
                    format!("`{}` (linked)", row.id)
                } else {
                    format!("`{}`", row.id)
                };
                writeln!(
                    out,
                    "| {} | 《{}》 | {} | {} | {} | {} |",
                    cell(&row.jurisdiction),
                    cell(&row.title),
                    cell(&row.article),
                    cell(&or_dash(&row.figures.join("; "))),
                    cell(&row.status_label),
                    id
                )?;
            }
            writeln!(out)?;
        }
    }

    for g in &r.groups {
        writeln!(out, "## {}", inline(&g.title))?;
        writeln!(out)?;
        for e in &g.entries {
            write_entry(out, e)?;
        }
    }
    Ok(())
}

fn write_entry(out: &mut String, e: &DigestEntry) -> std::fmt::Result {
    let c = &e.citation;
    writeln!(
        out,
        "### {} · 《{}》 · {}",
        inline(&c.jurisdiction),
        inline(&c.title),
        inline(&c.article_label())
    )?;
    writeln!(out)?;
    quote(out, &e.text)?;
    writeln!(out)?;
    writeln!(out, "- **Source:** {}", citation(c))?;
    writeln!(out, "- **Status:** {}", inline(&e.status_label))?;
    writeln!(out, "- **Support figures:** {}", figures(&e.figures))?;
    writeln!(
        out,
        "- **Agencies:** {}",
        or_dash(
            &e.agencies
                .iter()
                .map(|a| inline(a))
                .collect::<Vec<_>>()
                .join("; ")
        )
    )?;
    writeln!(
        out,
        "- **Measure types:** {}",
        or_dash(
            &e.measure_types
                .iter()
                .map(|m| format!("{} ({})", inline(&m.zh), inline(&m.en)))
                .collect::<Vec<_>>()
                .join("; ")
        )
    )?;
    if !e.links.is_empty() {
        writeln!(out, "- **Equivalent measures elsewhere:**")?;
        for l in &e.links {
            writeln!(
                out,
                "  - {} · 《{}》 · {} · `{}` · {} · score {:.2}",
                inline(&l.citation.jurisdiction),
                inline(&l.citation.title),
                inline(&l.citation.article_label()),
                l.citation.id,
                inline(&l.status_label),
                l.score
            )?;
            writeln!(out, "    - Support figures: {}", figures(&l.figures))?;
            if !l.reasons.is_empty() {
                let reasons: Vec<String> = l.reasons.iter().map(|s| inline(s)).collect();
                writeln!(out, "    - Why: {}", reasons.join("; "))?;
            }
            let text = inline(&l.text.replace('\n', " "));
            writeln!(out, "    - Text: {text}")?;
        }
    }
    writeln!(out)?;
    Ok(())
}

fn citation(c: &Citation) -> String {
    let line = c.line();
    // the id (last part) is set as code so it can be copied into `policynav show`
    match line.rsplit_once(" · ") {
        Some((head, id)) => format!("{} · `{id}`", inline(head)),
        None => inline(&line),
    }
}

fn figures(f: &[FigureEntry]) -> String {
    if f.is_empty() {
        return "—".to_string();
    }
    f.iter()
        .map(|f| inline(&f.summary))
        .collect::<Vec<_>>()
        .join("; ")
}

pub(super) fn jurisdiction(s: &Source) -> String {
    match &s.jurisdiction_zh {
        Some(zh) => format!("{} {zh}", s.jurisdiction),
        None => s.jurisdiction.clone(),
    }
}

pub(super) fn issuer(s: &Source) -> String {
    let mut out = s
        .issuer
        .clone()
        .unwrap_or_else(|| "not printed".to_string());
    if let Some(p) = &s.publisher {
        out.push_str(&format!(" (published by {p})"));
    }
    out
}

pub(super) fn dates(s: &Source) -> String {
    let parts: Vec<String> = [
        ("written", s.written),
        ("published", s.published),
        ("effective", s.effective),
        ("expires", s.expires),
    ]
    .into_iter()
    .filter_map(|(k, d)| d.map(|d| format!("{k} {d}")))
    .collect();
    if parts.is_empty() {
        "no date printed".to_string()
    } else {
        parts.join(", ")
    }
}

fn or_dash(s: &str) -> String {
    if s.is_empty() {
        "—".to_string()
    } else {
        s.to_string()
    }
}

/// A blockquote, one `>` per line of the text.
fn quote(out: &mut String, text: &str) -> std::fmt::Result {
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            writeln!(out, ">")?;
        } else {
            writeln!(out, "> {}", inline(line))?;
        }
    }
    Ok(())
}

/// Escapes the characters Markdown would read as markup.
fn inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if matches!(
            ch,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// A table cell: escaped, on one line.
fn cell(s: &str) -> String {
    inline(&s.replace(['\r', '\n'], " "))
}

#[cfg(test)]
mod tests {
    use super::super::model::fixtures;
    use super::*;

    #[test]
    fn table_cells_escape_pipes_and_markup() {
        assert_eq!(cell("a | b\nc"), r"a \| b c");
        assert_eq!(inline("<b>*x*</b>"), r"\<b\>\*x\*\</b\>");
    }

    #[test]
    fn digest_has_comparison_table_quotes_and_links() {
        let md = render(&fixtures::report());
        assert!(md.starts_with("# Clause digest"));
        assert!(md.contains(
            "## Comparison by measure type\n\n### 上市挂牌 · Listing support\n\n| Jurisdiction |"
        ));
        // every table row has the same number of unescaped pipes as the header
        for line in md.lines().filter(|l| l.starts_with("| ")) {
            let pipes = line.replace(r"\|", "").matches('|').count();
            assert_eq!(pipes, 7, "{line}");
        }
        assert!(md.contains(
            "> 支援企業在A股上市，給予每家總額不超過300萬元的資金補貼 \\| \\<b\\>&\"引號\"\\</b\\>"
        ));
        assert!(md.contains("- **Support figures:** 最高300万元 补贴"));
        assert!(md.contains(
            "`zhejiang-2023/5.1` · draft for comment (征求意见稿), not in force · score 0.81"
        ));
        assert!(md.contains("    - Support figures: 最高70%"));
    }
}
