//! DOCX: a Word document with the same content as the Markdown digest: headings, the
//! sources table, the comparison tables, and each clause with its citation.

use std::io::Cursor;

use anyhow::{Context, Result};
use docx_rs::{
    Docx, Paragraph, Run, RunFonts, Shading, Style, StyleType, Table, TableCell, TableRow,
    WidthType,
};

use super::md::{dates, issuer, jurisdiction};
use super::model::{DigestEntry, DigestReport, FigureEntry};

/// Fonts Word falls back on for Chinese and for Latin text.
const EAST_ASIA_FONT: &str = "Microsoft YaHei";
const LATIN_FONT: &str = "Calibri";
/// Half-points (Word's unit for font sizes).
const BODY_SIZE: usize = 21;

/// The digest as the bytes of a .docx file.
pub(super) fn render(r: &DigestReport) -> Result<Vec<u8>> {
    let stamp = format!("{}T00:00:00Z", r.generated);
    let mut doc = Docx::new()
        .default_fonts(
            RunFonts::new()
                .ascii(LATIN_FONT)
                .hi_ansi(LATIN_FONT)
                .east_asia(EAST_ASIA_FONT),
        )
        .default_size(BODY_SIZE)
        .created_at(&stamp)
        .updated_at(&stamp)
        .add_style(heading_style("Heading1", "heading 1", 0, 32))
        .add_style(heading_style("Heading2", "heading 2", 1, 28))
        .add_style(heading_style("Heading3", "heading 3", 2, 24))
        .add_style(
            Style::new("Quote", StyleType::Paragraph)
                .name("Quote")
                .indent(Some(420), None, Some(0), None),
        );

    doc = doc.add_paragraph(heading(1, "Clause digest · 政策条款摘编"));
    doc = doc.add_paragraph(text(&format!(
        "Made on {} · status as of {} · {}",
        r.generated,
        r.as_of,
        r.scope(),
    )));

    doc = doc.add_paragraph(heading(2, "Sources"));
    let mut rows = vec![header_row(&[
        "Jurisdiction",
        "Document",
        "Issuer",
        "Dates",
        &format!("Status on {}", r.as_of),
        "Id",
    ])];
    for s in &r.sources {
        rows.push(row(&[
            &jurisdiction(s),
            &format!("《{}》", s.title),
            &issuer(s),
            &dates(s),
            &s.status_label,
            &s.doc,
        ]));
    }
    doc = doc.add_table(table(rows));

    if !r.comparisons.is_empty() {
        doc = doc.add_paragraph(heading(2, "Comparison by measure type"));
        for t in &r.comparisons {
            doc = doc.add_paragraph(heading(
                3,
                &format!("{} · {}", t.measure_type.zh, t.measure_type.en),
            ));
            let mut rows = vec![header_row(&[
                "Jurisdiction",
                "Document",
                "Article",
                "Support figures",
                "Status",
                "Id",
            ])];
            for c in &t.rows {
                let id = if c.origin == "linked" {
                    format!("{} (linked)", c.id)
                } else {
                    c.id.clone()
                };
                let figures = if c.figures.is_empty() {
                    "—".to_string()
                } else {
                    c.figures.join("; ")
                };
                rows.push(row(&[
                    &c.jurisdiction,
                    &format!("《{}》", c.title),
                    &c.article,
                    &figures,
                    &c.status_label,
                    &id,
                ]));
            }
            doc = doc.add_table(table(rows));
        }
    }

    for g in &r.groups {
        doc = doc.add_paragraph(heading(2, &g.title));
        for e in &g.entries {
            doc = entry(doc, e);
        }
    }

    let mut buf = Cursor::new(Vec::new());
    doc.build()
        .pack(&mut buf)
        .context("docx: cannot assemble the document")?;
    deflate(&buf.into_inner())
}

/// Re-packs a zip archive with every part deflated: docx-rs stores them uncompressed,
/// which makes a digest of a few hundred clauses ten times larger than it need be.
fn deflate(stored: &[u8]) -> Result<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let mut input =
        zip::ZipArchive::new(Cursor::new(stored)).context("docx: re-reading the package")?;
    let mut output = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..input.len() {
        let mut part = input.by_index(i).context("docx: re-reading the package")?;
        let name = part.name().to_string();
        if part.is_dir() {
            output.add_directory(name, options)?;
        } else {
            output.start_file(name, options)?;
            std::io::copy(&mut part, &mut output).context("docx: compressing the package")?;
        }
    }
    Ok(output.finish()?.into_inner())
}

fn entry(mut doc: Docx, e: &DigestEntry) -> Docx {
    let c = &e.citation;
    doc = doc.add_paragraph(heading(
        3,
        &format!(
            "{} · 《{}》 · {}",
            c.jurisdiction,
            c.title,
            c.article_label()
        ),
    ));
    for line in e.text.lines().filter(|l| !l.trim().is_empty()) {
        doc = doc.add_paragraph(
            Paragraph::new()
                .style("Quote")
                .add_run(Run::new().add_text(line)),
        );
    }
    doc = doc
        .add_paragraph(field("Source", &c.line()))
        .add_paragraph(field("Status", &e.status_label))
        .add_paragraph(field("Support figures", &figures(&e.figures)))
        .add_paragraph(field("Agencies", &or_dash(e.agencies.join("; "))))
        .add_paragraph(field(
            "Measure types",
            &or_dash(
                e.measure_types
                    .iter()
                    .map(|m| format!("{} ({})", m.zh, m.en))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        ));
    if !e.links.is_empty() {
        doc = doc.add_paragraph(
            Paragraph::new().add_run(Run::new().add_text("Equivalent measures elsewhere").bold()),
        );
        for l in &e.links {
            doc = doc.add_paragraph(text(&format!(
                "• {} · 《{}》 · {} · {} · {} · score {:.2}",
                l.citation.jurisdiction,
                l.citation.title,
                l.citation.article_label(),
                l.citation.id,
                l.status_label,
                l.score
            )));
            doc = doc.add_paragraph(field("  Support figures", &figures(&l.figures)));
            if !l.reasons.is_empty() {
                doc = doc.add_paragraph(field("  Why", &l.reasons.join("; ")));
            }
            doc = doc.add_paragraph(
                Paragraph::new()
                    .style("Quote")
                    .add_run(Run::new().add_text(l.text.trim())),
            );
        }
    }
    doc
}

fn heading_style(id: &str, name: &str, level: usize, size: usize) -> Style {
    Style::new(id, StyleType::Paragraph)
        .name(name)
        .bold()
        .size(size)
        .outline_lvl(level)
}

fn heading(level: usize, s: &str) -> Paragraph {
    Paragraph::new()
        .style(&format!("Heading{level}"))
        .add_run(Run::new().add_text(s))
}

fn text(s: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(s))
}

fn field(label: &str, value: &str) -> Paragraph {
    Paragraph::new()
        .add_run(Run::new().add_text(format!("{label}: ")).bold())
        .add_run(Run::new().add_text(value))
}

fn figures(f: &[FigureEntry]) -> String {
    if f.is_empty() {
        return "—".to_string();
    }
    f.iter()
        .map(|f| f.summary.clone())
        .collect::<Vec<_>>()
        .join("; ")
}

fn or_dash(s: String) -> String {
    if s.is_empty() { "—".to_string() } else { s }
}

fn header_row(cells: &[&str]) -> TableRow {
    TableRow::new(
        cells
            .iter()
            .map(|c| {
                TableCell::new()
                    .shading(Shading::new().fill("EEEEEE"))
                    .add_paragraph(Paragraph::new().add_run(Run::new().add_text(*c).bold()))
            })
            .collect(),
    )
}

fn row(cells: &[&str]) -> TableRow {
    TableRow::new(
        cells
            .iter()
            .map(|c| TableCell::new().add_paragraph(text(c)))
            .collect(),
    )
}

fn table(rows: Vec<TableRow>) -> Table {
    Table::new(rows).width(5000, WidthType::Pct)
}

#[cfg(test)]
mod tests {
    use super::super::model::fixtures;
    use super::*;

    #[test]
    fn docx_holds_headings_tables_and_escaped_text() {
        use std::io::Read;
        let bytes = render(&fixtures::report()).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(
            zip.by_name("word/document.xml").unwrap().compression(),
            zip::CompressionMethod::Deflated
        );
        let mut xml = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        // sources + one comparison table
        assert_eq!(xml.matches("<w:tbl>").count(), 2, "{xml}");
        assert!(xml.contains("w:val=\"Heading3\""));
        assert!(xml.contains("支援企業在A股上市"));
        assert!(
            xml.contains("&lt;b&gt;&amp;"),
            "markup in the text must be escaped"
        );
        assert!(xml.contains("最高300万元 补贴"));
        assert!(xml.contains("zhejiang-2023/5.1"));
    }
}
