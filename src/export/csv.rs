//! CSV: one row per clause, RFC 4180 quoting, UTF-8 with a byte-order mark so that
//! spreadsheet programs open the Chinese text correctly, CRLF line ends. The columns
//! are the same whatever the options, so scripts can rely on them; the numeric columns
//! (`amount_yuan`, `amount_max_yuan`, `ratio_percent`) hold plain numbers a spreadsheet
//! sorts and sums.
//!
//! The documents are untrusted web pages: a text cell that a spreadsheet would read as a
//! formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a
//! leading `'` unless `--csv-raw` asks for the exact text.

use anyhow::Result;

use crate::model::labels::Labelled;

use super::model::{DigestEntry, DigestReport, FigureEntry};
use super::words::{link_view, measure_type, words};

/// The byte-order mark that tells Excel the file is UTF-8.
pub(super) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Column names, in order.
pub(super) const COLUMNS: [&str; 27] = [
    "group",
    "id",
    "kind",
    "jurisdiction",
    "jurisdiction_zh",
    "level",
    "document",
    "doc_number",
    "issuer",
    "date",
    "date_kind",
    "article",
    "citation",
    "heading",
    "status",
    "status_as_of",
    "measure_types",
    "agencies",
    "support_figures",
    "amount_yuan",
    "amount_max_yuan",
    "ratio_percent",
    "instrument",
    "text",
    "equivalent_measures",
    "lang",
    "generated",
];

/// One row of the digest, as text cells (numbers written plainly, empty when absent).
pub(super) fn rows(r: &DigestReport) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for g in &r.groups {
        for e in &g.entries {
            out.push(row(r, &g.title, e));
        }
    }
    out
}

fn row(r: &DigestReport, group: &str, e: &DigestEntry) -> Vec<String> {
    let w = words(r.lang);
    let c = &e.citation;
    let a = e.amounts();
    let links: Vec<String> = e
        .links
        .iter()
        .map(|l| {
            let v = link_view(l, r.lang);
            let figures = figures(&l.figures);
            let mut s = format!("{} [{}]", v.headline, l.citation.id);
            if !figures.is_empty() {
                s.push_str(&format!(" {}{}{figures}", w.figures, w.colon));
            }
            s
        })
        .collect();
    vec![
        group.to_string(),
        c.id.clone(),
        c.kind.id().to_string(),
        c.jurisdiction.clone(),
        c.jurisdiction_zh.clone().unwrap_or_default(),
        e.level.label(r.lang).to_string(),
        c.title.clone(),
        c.doc_number.clone().unwrap_or_default(),
        c.issuer.clone().unwrap_or_default(),
        c.date.map(|d| d.to_string()).unwrap_or_default(),
        c.date_kind
            .map(|k| k.label(r.lang))
            .unwrap_or("")
            .to_string(),
        c.locator(r.lang),
        e.cited.clone(),
        c.heading.clone().unwrap_or_default(),
        e.status_label.clone(),
        r.as_of.to_string(),
        e.measure_types
            .iter()
            .map(|m| measure_type(m, r.lang))
            .collect::<Vec<_>>()
            .join(w.sep),
        e.agencies.join(w.sep),
        figures(&e.figures),
        number(a.amount_yuan),
        number(a.amount_max_yuan),
        number(a.ratio_percent),
        a.instrument.unwrap_or_default(),
        e.text.clone(),
        links.join("\n"),
        r.lang.id().to_string(),
        r.generated.to_string(),
    ]
}

/// Indexes of the numeric columns (never made inert: they hold numbers).
pub(super) fn is_numeric(column: usize) -> bool {
    matches!(
        COLUMNS[column],
        "amount_yuan" | "amount_max_yuan" | "ratio_percent"
    )
}

/// The digest as CSV bytes.
pub(super) fn render(r: &DigestReport, raw: bool) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    w.write_record(COLUMNS)?;
    for row in rows(r) {
        let cells: Vec<String> = row
            .into_iter()
            .enumerate()
            .map(|(i, cell)| {
                if raw || is_numeric(i) {
                    cell
                } else {
                    inert(cell)
                }
            })
            .collect();
        w.write_record(&cells)?;
    }
    w.flush()?;
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("csv: {}", e.error()))
}

/// A cell a spreadsheet will not run as a formula: a leading `'` when it starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return (the OWASP advice for CSV injection).
pub(super) fn inert(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// A number as a spreadsheet reads it: `3000000`, `0.5`, empty when absent.
fn number(v: Option<f64>) -> String {
    match v {
        Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{v:.0}"),
        Some(v) => v.to_string(),
        None => String::new(),
    }
}

fn figures(f: &[FigureEntry]) -> String {
    f.iter()
        .map(|f| f.summary.clone())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::super::model::fixtures;
    use super::*;

    fn column(name: &str) -> usize {
        COLUMNS.iter().position(|c| *c == name).unwrap()
    }

    #[test]
    fn rows_read_back_with_bom_quotes_numbers_and_chinese_intact() {
        let bytes = render(&fixtures::report(), false).unwrap();
        assert!(bytes.starts_with(BOM));
        let mut rd = csv::Reader::from_reader(&bytes[BOM.len()..]);
        let header: Vec<String> = rd.headers().unwrap().iter().map(str::to_string).collect();
        assert_eq!(header, COLUMNS);
        let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][1], "beijing-2021/9.4");
        // the text has a quote, a pipe and markup: it comes back unchanged
        assert_eq!(
            &rows[0][column("text")],
            "支援企業在A股上市，給予每家總額不超過300萬元的資金補貼 | <b>&\"引號\"</b>"
        );
        assert_eq!(&rows[0][column("support_figures")], "最高300万元 补贴");
        assert_eq!(&rows[0][column("status")], "现行有效");
        assert_eq!(&rows[0][column("article")], "第9条(4)");
        let sum: f64 = rows
            .iter()
            .map(|r| r[column("amount_max_yuan")].parse::<f64>().unwrap())
            .sum();
        assert_eq!(sum, 6_000_000.0);
        assert_eq!(&rows[0][column("instrument")], "补贴");
        assert!(
            rows[0][column("equivalent_measures")].starts_with("浙江省《"),
            "{}",
            &rows[0][column("equivalent_measures")]
        );
        assert_eq!(&rows[1][column("equivalent_measures")], "");
    }

    #[test]
    fn formula_like_cells_are_made_inert_unless_raw() {
        let mut r = fixtures::report();
        r.groups[0].entries[0].text = "=HYPERLINK(\"http://x\")".into();
        r.groups[0].entries[1].text = "-1+2".into();
        let read = |raw: bool| -> Vec<String> {
            let bytes = render(&r, raw).unwrap();
            csv::Reader::from_reader(&bytes[BOM.len()..])
                .records()
                .map(|row| row.unwrap()[column("text")].to_string())
                .collect()
        };
        assert_eq!(read(false), ["'=HYPERLINK(\"http://x\")", "'-1+2"]);
        assert_eq!(read(true), ["=HYPERLINK(\"http://x\")", "-1+2"]);
        for s in ["+1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(inert(s.to_string()).starts_with('\''), "{s:?}");
        }
        assert_eq!(inert("支持".to_string()), "支持");
        assert_eq!(number(Some(3_000_000.0)), "3000000");
        assert_eq!(number(Some(0.5)), "0.5");
    }
}
