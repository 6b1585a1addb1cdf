//! CSV: one row per clause, RFC 4180 quoting, UTF-8 with a byte-order mark so that
//! spreadsheet programs open the Chinese text correctly. The columns are the same
//! whatever the options, so scripts can rely on them.

use anyhow::Result;

use super::model::{DigestReport, FigureEntry};

/// The byte-order mark that tells Excel the file is UTF-8.
pub(super) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Column names, in order.
pub(super) const COLUMNS: [&str; 19] = [
    "group",
    "id",
    "kind",
    "jurisdiction",
    "jurisdiction_zh",
    "document",
    "issuer",
    "date",
    "date_kind",
    "article",
    "heading",
    "status",
    "status_as_of",
    "measure_types",
    "agencies",
    "support_figures",
    "text",
    "equivalent_measures",
    "generated",
];

/// The digest as CSV bytes.
pub(super) fn render(r: &DigestReport) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    w.write_record(COLUMNS)?;
    for g in &r.groups {
        for e in &g.entries {
            let c = &e.citation;
            let links: Vec<String> = e
                .links
                .iter()
                .map(|l| {
                    let figures = figures(&l.figures);
                    if figures.is_empty() {
                        format!("{} ({})", l.citation.id, l.citation.jurisdiction)
                    } else {
                        format!("{} ({}): {figures}", l.citation.id, l.citation.jurisdiction)
                    }
                })
                .collect();
            w.write_record([
                g.title.as_str(),
                &c.id,
                match c.kind {
                    crate::corpus::ClauseKind::Article => "article",
                    crate::corpus::ClauseKind::Provision => "provision",
                    crate::corpus::ClauseKind::Text => "text",
                },
                &c.jurisdiction,
                c.jurisdiction_zh.as_deref().unwrap_or(""),
                &c.title,
                c.issuer.as_deref().unwrap_or(""),
                &c.date.map(|d| d.to_string()).unwrap_or_default(),
                c.date_kind.as_deref().unwrap_or(""),
                &c.article_label(),
                c.heading.as_deref().unwrap_or(""),
                &e.status_label,
                &r.as_of.to_string(),
                &e.measure_types
                    .iter()
                    .map(|m| format!("{} {}", m.zh, m.en))
                    .collect::<Vec<_>>()
                    .join("; "),
                &e.agencies.join("; "),
                &figures(&e.figures),
                &e.text,
                &links.join("\n"),
                &r.generated.to_string(),
            ])?;
        }
    }
    w.flush()?;
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("csv: {}", e.error()))
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

    #[test]
    fn rows_read_back_with_bom_quotes_and_chinese_intact() {
        let bytes = render(&fixtures::report()).unwrap();
        assert!(bytes.starts_with(BOM));
        let mut rd = csv::Reader::from_reader(&bytes[BOM.len()..]);
        let header: Vec<String> = rd.headers().unwrap().iter().map(str::to_string).collect();
        assert_eq!(header, COLUMNS);
        let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][1], "beijing-2021/9.4");
        // the text has a quote, a pipe and markup: it comes back unchanged
        assert_eq!(
            &rows[0][16],
            "支援企業在A股上市，給予每家總額不超過300萬元的資金補貼 | <b>&\"引號\"</b>"
        );
        assert_eq!(&rows[0][15], "最高300万元 补贴");
        assert_eq!(&rows[0][17], "zhejiang-2023/5.1 (Zhejiang): 最高70%");
        assert_eq!(&rows[1][17], "");
    }
}
