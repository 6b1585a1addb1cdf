//! Excel (.xlsx, written with rust_xlsxwriter): the digest as three sheets a consultant
//! can sort, filter and sum. Every cell is typed (numbers are numbers, dates are dates,
//! text is text, never a formula), columns are as wide as their content, the header row
//! is frozen and filterable, and each sheet prints on A4 landscape, one page wide, with
//! the header row repeated.
//!
//! * the digest: one row per clause, with the amount columns of the CSV;
//! * the figures: one row per support figure (a clause may pay several);
//! * the sources: one row per cited document.

use anyhow::{Context, Result};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use unicode_width::UnicodeWidthStr;

use crate::facts::{Qualifier, Unit};
use crate::model::Lang;
use crate::model::citation::DateKind;

use super::model::{DigestReport, clean_text};
use super::words::{dates, issuer, link_view, measure_type, place, words};

/// A cell value.
enum Cell {
    Text(String),
    Number(Option<f64>, NumberKind),
    Date(Option<chrono::NaiveDate>),
}

#[derive(Clone, Copy)]
enum NumberKind {
    Yuan,
    Percent,
}

/// A column: its heading and whether its text wraps.
struct Column {
    heading: String,
    wrap: bool,
}

fn col(heading: &str, wrap: bool) -> Column {
    Column {
        heading: heading.to_string(),
        wrap,
    }
}

/// The digest as the bytes of an .xlsx file.
pub(super) fn render(r: &DigestReport) -> Result<Vec<u8>> {
    build(r).context("xlsx: cannot assemble the workbook")
}

fn build(r: &DigestReport) -> Result<Vec<u8>, XlsxError> {
    let w = words(r.lang);
    let zh = r.lang == Lang::Zh;
    let t = |zh_text: &'static str, en_text: &'static str| if zh { zh_text } else { en_text };
    let mut book = Workbook::new();
    let day = ExcelDateTime::from_ymd(
        u16::try_from(chrono::Datelike::year(&r.generated)).unwrap_or(1900),
        u8::try_from(chrono::Datelike::month(&r.generated)).unwrap_or(1),
        u8::try_from(chrono::Datelike::day(&r.generated)).unwrap_or(1),
    )?;
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("{} {}", w.title, r.generated))
            .set_author("policynav")
            .set_creation_datetime(&day),
    );

    // the digest, one row per clause
    let grouped = r.groups.iter().any(|g| !g.title.is_empty());
    let mut columns = Vec::new();
    if grouped {
        columns.push(col(t("分组", "Group"), false));
    }
    columns.extend([
        col(w.jurisdiction, false),
        col(t("级别", "Level"), false),
        col(w.document, true),
        col(w.doc_number, false),
        col(w.article, false),
        col(w.status, false),
        col(w.measure_types, true),
        col(w.figures, true),
        col(t("金额（元）", "Amount (yuan)"), false),
        col(t("最高金额（元）", "Amount max (yuan)"), false),
        col(t("比例（%）", "Ratio (%)"), false),
        col(t("支持方式", "Instrument"), false),
        col(w.agencies, true),
        col(w.text, true),
        col(w.source, true),
        col(w.id, false),
    ]);
    if r.with_links {
        columns.push(col(w.elsewhere, true));
    }
    let mut rows = Vec::new();
    for g in &r.groups {
        for e in &g.entries {
            let c = &e.citation;
            let a = e.amounts();
            let mut row = Vec::new();
            if grouped {
                row.push(Cell::Text(g.title.clone()));
            }
            row.extend([
                Cell::Text(place(&c.jurisdiction, c.jurisdiction_zh.as_deref(), r.lang)),
                Cell::Text(crate::model::labels::Labelled::label(e.level, r.lang).to_string()),
                Cell::Text(format!("《{}》", c.title)),
                Cell::Text(c.doc_number.clone().unwrap_or_default()),
                Cell::Text(c.locator(r.lang)),
                Cell::Text(e.status_label.clone()),
                Cell::Text(
                    e.measure_types
                        .iter()
                        .map(|m| measure_type(m, r.lang))
                        .collect::<Vec<_>>()
                        .join(w.sep),
                ),
                Cell::Text(
                    e.figures
                        .iter()
                        .map(|f| f.summary.clone())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                Cell::Number(a.amount_yuan, NumberKind::Yuan),
                Cell::Number(a.amount_max_yuan, NumberKind::Yuan),
                Cell::Number(a.ratio_percent, NumberKind::Percent),
                Cell::Text(a.instrument.unwrap_or_default()),
                Cell::Text(e.agencies.join(w.sep)),
                Cell::Text(e.text.clone()),
                Cell::Text(e.cited.clone()),
                Cell::Text(c.id.clone()),
            ]);
            if r.with_links {
                row.push(Cell::Text(
                    e.links
                        .iter()
                        .map(|l| format!("{} [{}]", link_view(l, r.lang).headline, l.citation.id))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ));
            }
            rows.push(row);
        }
    }
    sheet(
        book.add_worksheet(),
        t("条款摘编", "Digest"),
        &columns,
        &rows,
    )?;

    // the figures, one row per support figure
    let columns = [
        col(w.id, false),
        col(w.jurisdiction, false),
        col(w.article, false),
        col(w.figures, false),
        col(t("数额", "Value"), false),
        col(t("上限", "Upper end"), false),
        col(t("单位", "Unit"), false),
        col(t("限定", "Qualifier"), false),
        col(t("支持方式", "Instrument"), false),
        col(t("期限", "Period"), false),
        col(w.status, false),
    ];
    let mut rows = Vec::new();
    for e in r.entries() {
        let c = &e.citation;
        for f in &e.figures {
            let fig = &f.figure;
            let kind = match fig.unit {
                Unit::Yuan => NumberKind::Yuan,
                Unit::Percent => NumberKind::Percent,
            };
            rows.push(vec![
                Cell::Text(c.id.clone()),
                Cell::Text(place(&c.jurisdiction, c.jurisdiction_zh.as_deref(), r.lang)),
                Cell::Text(c.locator(r.lang)),
                Cell::Text(f.summary.clone()),
                Cell::Number(Some(fig.value), kind),
                Cell::Number(fig.value_max, kind),
                Cell::Text(
                    match (fig.unit, zh) {
                        (Unit::Yuan, true) => "元",
                        (Unit::Yuan, false) => "yuan",
                        (Unit::Percent, _) => "%",
                    }
                    .to_string(),
                ),
                Cell::Text(
                    match (fig.qualifier, zh) {
                        (Qualifier::Cap, true) => "最高",
                        (Qualifier::Floor, true) => "不低于",
                        (Qualifier::Exact, true) => "定额",
                        (Qualifier::Range, true) => "区间",
                        (Qualifier::Cap, false) => "cap",
                        (Qualifier::Floor, false) => "floor",
                        (Qualifier::Exact, false) => "exact",
                        (Qualifier::Range, false) => "range",
                    }
                    .to_string(),
                ),
                Cell::Text(fig.instrument.clone().unwrap_or_default()),
                Cell::Text(fig.period.clone().unwrap_or_default()),
                Cell::Text(e.status_label.clone()),
            ]);
        }
    }
    sheet(
        book.add_worksheet(),
        t("支持额度明细", "Figures"),
        &columns,
        &rows,
    )?;

    // the sources
    let columns = [
        col(w.jurisdiction, false),
        col(t("级别", "Level"), false),
        col(w.document, true),
        col(w.doc_number, false),
        col(w.issuer, true),
        col(DateKind::Written.label(r.lang), false),
        col(DateKind::Published.label(r.lang), false),
        col(t("施行", "Effective"), false),
        col(t("有效期至", "Expires"), false),
        col(w.status, false),
        col(w.dates, true),
        col(w.id, false),
    ];
    let rows: Vec<Vec<Cell>> = r
        .sources
        .iter()
        .map(|s| {
            vec![
                Cell::Text(place(&s.jurisdiction, s.jurisdiction_zh.as_deref(), r.lang)),
                Cell::Text(s.level_label.clone()),
                Cell::Text(format!("《{}》", s.title)),
                Cell::Text(s.doc_number.clone().unwrap_or_default()),
                Cell::Text(issuer(s, r.lang)),
                Cell::Date(s.written),
                Cell::Date(s.published),
                Cell::Date(s.effective),
                Cell::Date(s.expires),
                Cell::Text(s.status_label.clone()),
                Cell::Text(dates(s, r.lang).join("\n")),
                Cell::Text(s.doc.clone()),
            ]
        })
        .collect();
    sheet(book.add_worksheet(), w.sources, &columns, &rows)?;

    book.save_to_buffer()
}

/// Fills one sheet: the header row (bold, shaded, frozen, with a filter), the rows, and
/// column widths fitted to the content.
fn sheet(
    ws: &mut Worksheet,
    name: &str,
    columns: &[Column],
    rows: &[Vec<Cell>],
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let header = Format::new()
        .set_bold()
        .set_background_color("E8EAED")
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Top)
        .set_text_wrap();
    let text = Format::new().set_align(FormatAlign::Top);
    let wrapped = Format::new().set_align(FormatAlign::Top).set_text_wrap();
    let yuan = Format::new()
        .set_align(FormatAlign::Top)
        .set_num_format("#,##0");
    let percent = Format::new()
        .set_align(FormatAlign::Top)
        .set_num_format("0.##");
    let date = Format::new()
        .set_align(FormatAlign::Top)
        .set_num_format("yyyy-mm-dd");
    let mut widths: Vec<usize> = columns.iter().map(|c| display_width(&c.heading)).collect();
    for (i, c) in columns.iter().enumerate() {
        let i = u16::try_from(i).unwrap_or(u16::MAX);
        ws.write_string_with_format(0, i, &c.heading, &header)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (i, cell) in row.iter().enumerate() {
            let wrap = columns.get(i).is_some_and(|c| c.wrap);
            let ci = u16::try_from(i).unwrap_or(u16::MAX);
            let width = match cell {
                Cell::Text(s) => {
                    let s = clean_text(s);
                    if !s.is_empty() {
                        ws.write_string_with_format(
                            r,
                            ci,
                            &s,
                            if wrap { &wrapped } else { &text },
                        )?;
                    }
                    s.lines().map(display_width).max().unwrap_or(0)
                }
                Cell::Number(Some(v), kind) => {
                    let f = match kind {
                        NumberKind::Yuan => &yuan,
                        NumberKind::Percent => &percent,
                    };
                    ws.write_number_with_format(r, ci, *v, f)?;
                    // 3,000,000
                    let digits = format!("{v:.0}").len();
                    digits + digits / 3
                }
                Cell::Number(None, _) => 0,
                Cell::Date(Some(d)) => {
                    let x = ExcelDateTime::from_ymd(
                        u16::try_from(chrono::Datelike::year(d)).unwrap_or(1900),
                        u8::try_from(chrono::Datelike::month(d)).unwrap_or(1),
                        u8::try_from(chrono::Datelike::day(d)).unwrap_or(1),
                    )?;
                    ws.write_datetime_with_format(r, ci, &x, &date)?;
                    10
                }
                Cell::Date(None) => 0,
            };
            if let Some(slot) = widths.get_mut(i) {
                *slot = (*slot).max(width);
            }
        }
    }
    for (i, (c, w)) in columns.iter().zip(&widths).enumerate() {
        let cap = if c.wrap { 50 } else { 30 };
        let width = (*w).clamp(4, cap) + 2;
        let width = f64::from(u32::try_from(width).unwrap_or(50));
        ws.set_column_width(u16::try_from(i).unwrap_or(u16::MAX), width)?;
    }
    let last_col = u16::try_from(columns.len().saturating_sub(1)).unwrap_or(u16::MAX);
    let last_row = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, last_row, last_col)?;
    ws.set_paper_size(9); // A4
    ws.set_landscape();
    ws.set_repeat_rows(0, 0)?;
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// Width in Excel's units (one per Latin character, two per CJK character).
fn display_width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

#[cfg(test)]
mod tests {
    use super::super::model::fixtures;
    use super::*;
    use std::io::Read;

    fn part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn sheets_have_typed_numbers_a_frozen_header_and_widths() {
        let bytes = render(&fixtures::report()).unwrap();
        let book = part(&bytes, "xl/workbook.xml");
        for name in ["条款摘编", "支持额度明细", "文件来源"] {
            assert!(book.contains(name), "{book}");
        }
        let digest = part(&bytes, "xl/worksheets/sheet1.xml");
        assert!(digest.contains("state=\"frozen\""), "{digest}");
        assert!(digest.contains("<autoFilter"));
        assert!(digest.contains("<cols>"));
        // 3,000,000 twice, as numbers
        assert_eq!(digest.matches("<v>3000000</v>").count(), 4, "{digest}");
        let strings = part(&bytes, "xl/sharedStrings.xml");
        assert!(strings.contains("支援企業在A股上市"));
        assert!(strings.contains("&lt;b&gt;"));
        let figures = part(&bytes, "xl/worksheets/sheet2.xml");
        assert_eq!(figures.matches("<v>3000000</v>").count(), 2, "{figures}");
    }

    #[test]
    fn workbook_is_the_same_on_every_run() {
        let a = render(&fixtures::report()).unwrap();
        let b = render(&fixtures::report()).unwrap();
        assert_eq!(a, b);
    }
}
