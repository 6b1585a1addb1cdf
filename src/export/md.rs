//! Markdown: a header with the sources, one comparison table per measure type found in
//! several documents, then the clauses (under a heading per group when grouped).

use std::fmt::Write;

use crate::model::Validity;

use super::model::{DigestEntry, DigestReport, FigureEntry};
use super::words::{
    self, clause_heading, dates, header_line, issuer, link_view, measure_type, place, words,
};

/// The digest as Markdown (CommonMark with GFM tables).
pub(super) fn render(r: &DigestReport) -> String {
    let mut out = String::new();
    let _ = write_report(&mut out, r);
    out
}

fn write_report(out: &mut String, r: &DigestReport) -> std::fmt::Result {
    let w = words(r.lang);
    writeln!(out, "# {}", w.title)?;
    writeln!(out)?;
    writeln!(out, "{}", inline(&header_line(r)))?;
    writeln!(out)?;

    writeln!(out, "## {}", w.sources)?;
    writeln!(out)?;
    let numbers = words::any_doc_number(r);
    let mut head = vec![w.jurisdiction.to_string(), w.document.to_string()];
    if numbers {
        head.push(w.doc_number.to_string());
    }
    head.extend([
        w.issuer.to_string(),
        w.dates.to_string(),
        match r.lang {
            crate::model::Lang::Zh => format!("{}（{}）", w.status, words::iso(r.as_of)),
            crate::model::Lang::En => format!("{} on {}", w.status, words::iso(r.as_of)),
        },
        w.id.to_string(),
    ]);
    writeln!(out, "| {} |", head.join(" | "))?;
    writeln!(out, "|{}", "---|".repeat(head.len()))?;
    for s in &r.sources {
        let mut row = vec![
            cell(&place(
                &s.jurisdiction,
                s.jurisdiction_zh.as_deref(),
                r.lang,
            )),
            format!("《{}》", cell(&s.title)),
        ];
        if numbers {
            row.push(cell(s.doc_number.as_deref().unwrap_or(w.none)));
        }
        row.extend([
            cell(&issuer(s, r.lang)),
            cell(&dates(s, r.lang).join(w.sep)),
            cell(&status(s.status, &s.status_label)),
            format!("`{}`", s.doc),
        ]);
        writeln!(out, "| {} |", row.join(" | "))?;
    }
    writeln!(out)?;

    if !r.comparisons.is_empty() {
        writeln!(out, "## {}", w.comparisons)?;
        writeln!(out)?;
        for t in &r.comparisons {
            writeln!(
                out,
                "### {}",
                inline(&measure_type(&t.measure_type, r.lang))
            )?;
            writeln!(out)?;
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                w.jurisdiction, w.document, w.article, w.figures, w.status, w.id
            )?;
            writeln!(out, "|---|---|---|---|---|---|")?;
            for row in &t.rows {
                let id = if row.origin == "linked" {
                    format!("`{}`{}", row.id, w.linked)
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
                    cell(&status(row.status, &row.status_label)),
                    id
                )?;
            }
            writeln!(out)?;
        }
    }

    for g in &r.groups {
        let title = if g.title.is_empty() {
            w.clauses
        } else {
            &g.title
        };
        writeln!(out, "## {}", inline(title))?;
        writeln!(out)?;
        for e in &g.entries {
            write_entry(out, r, e)?;
        }
    }
    Ok(())
}

fn write_entry(out: &mut String, r: &DigestReport, e: &DigestEntry) -> std::fmt::Result {
    let w = words(r.lang);
    let c = &e.citation;
    writeln!(
        out,
        "### {}{}",
        inline(&clause_heading(c, r.lang)),
        flag(e.status, r.lang),
    )?;
    writeln!(out)?;
    quote(out, &e.text)?;
    writeln!(out)?;
    writeln!(
        out,
        "- **{}**{}{} `{}`",
        w.source,
        w.colon,
        inline(&e.cited),
        c.id
    )?;
    writeln!(
        out,
        "- **{}**{}{}",
        w.status,
        w.colon,
        status(e.status, &inline(&e.status_label))
    )?;
    writeln!(out, "- **{}**{}{}", w.figures, w.colon, figures(&e.figures))?;
    writeln!(
        out,
        "- **{}**{}{}",
        w.agencies,
        w.colon,
        or_dash(
            &e.agencies
                .iter()
                .map(|a| inline(a))
                .collect::<Vec<_>>()
                .join(w.sep)
        )
    )?;
    writeln!(
        out,
        "- **{}**{}{}",
        w.measure_types,
        w.colon,
        or_dash(
            &e.measure_types
                .iter()
                .map(|m| inline(&measure_type(m, r.lang)))
                .collect::<Vec<_>>()
                .join(w.sep)
        )
    )?;
    if !e.links.is_empty() {
        writeln!(out, "- **{}**{}", w.elsewhere, w.colon.trim_end())?;
        for l in &e.links {
            let v = link_view(l, r.lang);
            writeln!(out, "  - {} `{}`", inline(&v.headline), l.citation.id)?;
            writeln!(out, "    - {}{}{}", w.figures, w.colon, figures(&l.figures))?;
            if !v.why.is_empty() {
                writeln!(out, "    - {}{}{}", w.why, w.colon, inline(&v.why))?;
            }
            let text = inline(&l.text.replace('\n', " "));
            writeln!(out, "    - {}{}{text}", w.text, w.colon)?;
        }
    }
    writeln!(out)?;
    Ok(())
}

/// A status in words, marked when the document is not in force.
fn status(v: Validity, label: &str) -> String {
    if v == Validity::InForce {
        label.to_string()
    } else {
        format!("**{label}**")
    }
}

/// `【征求意见稿】` after a heading when the document is not in force.
pub(super) fn flag(v: Validity, lang: crate::model::Lang) -> String {
    use crate::model::labels::Labelled;
    if v == Validity::InForce {
        String::new()
    } else {
        match lang {
            crate::model::Lang::Zh => format!(" 【{}】", v.zh()),
            crate::model::Lang::En => format!(" [{}]", v.en()),
        }
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

/// A table cell: escaped, on one line. Bold markers of [`status`] are kept.
fn cell(s: &str) -> String {
    let one_line = s.replace(['\r', '\n'], " ");
    match one_line
        .strip_prefix("**")
        .and_then(|t| t.strip_suffix("**"))
    {
        Some(inner) => format!("**{}**", inline(inner)),
        None => inline(&one_line),
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::fixtures;
    use super::*;
    use crate::model::Lang;

    #[test]
    fn table_cells_escape_pipes_and_markup() {
        assert_eq!(cell("a | b\nc"), r"a \| b c");
        assert_eq!(inline("<b>*x*</b>"), r"\<b\>\*x\*\</b\>");
        assert_eq!(cell("**征求意见稿**"), "**征求意见稿**");
    }

    #[test]
    fn digest_has_comparison_table_quotes_and_links() {
        let md = render(&fixtures::report());
        assert!(md.starts_with("# 政策条款摘编"));
        assert!(md.contains("## 各地措施对比\n\n### 上市挂牌\n\n| 地区 |"));
        // every table row has the same number of unescaped pipes as its header
        for line in md.lines().filter(|l| l.starts_with("| ")) {
            let pipes = line.replace(r"\|", "").matches('|').count();
            assert!(pipes == 7 || pipes == 8 || pipes == 6, "{line}");
        }
        assert!(md.contains(
            "> 支援企業在A股上市，給予每家總額不超過300萬元的資金補貼 \\| \\<b\\>&\"引號\"\\</b\\>"
        ));
        assert!(md.contains("- **支持额度**：最高300万元 补贴"));
        assert!(
            md.contains("第5条(1) · 征求意见稿 · 关联度 0.81 `zhejiang-2023/5.1`"),
            "{md}"
        );
        assert!(md.contains("    - 关联理由：支持额度相同:70%"), "{md}");
        assert!(md.contains("    - 支持额度：最高70%"));
        assert!(!md.contains("Support figures"));
    }

    #[test]
    fn english_labels_on_request() {
        let md = render(&fixtures::report_in(Lang::En));
        assert!(md.starts_with("# Policy clause digest"));
        assert!(
            md.contains("- **Support figures**: 最高300万元 补贴"),
            "{md}"
        );
        assert!(md.contains("score 0.81"));
    }
}
