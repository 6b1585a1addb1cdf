//! DOCX: a Word document with the same content as the Markdown digest, written as
//! WordprocessingML by hand so that it carries what a client's Word (or LibreOffice, or
//! pandoc) needs to show it right:
//!
//! * tables with a real grid (`<w:tblGrid>`), column widths fitted to their content
//!   (a header word or a date is never broken), fixed layout, header rows repeated on
//!   every page and rows kept whole;
//! * the East-Asian language (`zh-CN`) on every run and in the settings, and a CJK font
//!   set: 宋体 (SimSun) for text and 黑体 (SimHei) for headings, with their font-table
//!   entries (Chinese charset, PANOSE) so that a machine without them substitutes a
//!   Chinese serif or sans-serif font;
//! * A4 pages with a running header (title and status date) and page numbers in the
//!   footer, a title block with the scope and the status date;
//! * drafts, expired and not-yet-in-force documents marked in red wherever they appear;
//! * clauses kept together on one page where they fit, headings kept with what follows;
//! * no control character ever reaches the XML (Word refuses such a file).

use std::fmt::Write as _;
use std::io::{Cursor, Write};

use anyhow::{Context, Result};

use crate::model::labels::Labelled;
use crate::model::{Lang, Validity};

use super::model::{DigestEntry, DigestReport, FigureEntry};
use super::words::{
    Words, any_doc_number, clause_heading, dates, header_line, iso, issuer, link_view,
    measure_type, place, words,
};

/// Width of the text on an A4 page with 2 cm side margins, in twentieths of a point.
const TEXT_WIDTH: u32 = 9638;
/// Table text is 9 pt: a CJK character is 9 pt wide, a Latin one about half.
const CJK_TWIPS: u32 = 180;
const LATIN_TWIPS: u32 = 100;
/// Left plus right cell margin.
const CELL_MARGINS: u32 = 2 * 100;
/// Dark red for anything not in force.
const ALERT: &str = "A01818";

/// The digest as the bytes of a .docx file.
pub(super) fn render(r: &DigestReport) -> Result<Vec<u8>> {
    let document = document(r);
    let stamp = format!("{}T00:00:00Z", r.generated);
    let w = words(r.lang);
    let lang = lang_tag(r.lang);
    let parts: [(&str, String); 11] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        (
            "docProps/core.xml",
            format!(
                "{XML_HEAD}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:creator>policynav</dc:creator><dc:language>{lang}</dc:language><dcterms:created xsi:type=\"dcterms:W3CDTF\">{stamp}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{stamp}</dcterms:modified></cp:coreProperties>",
                esc(w.title)
            ),
        ),
        ("docProps/app.xml", APP.to_string()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/document.xml", document),
        ("word/styles.xml", styles()),
        ("word/settings.xml", SETTINGS.to_string()),
        ("word/fontTable.xml", FONT_TABLE.to_string()),
        ("word/header1.xml", header(r)),
        ("word/footer1.xml", footer(r.lang)),
    ];
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, xml) in parts {
        zip.start_file(name, options)
            .context("docx: cannot assemble the document")?;
        zip.write_all(xml.as_bytes())
            .context("docx: cannot assemble the document")?;
    }
    Ok(zip
        .finish()
        .context("docx: cannot assemble the document")?
        .into_inner())
}

fn lang_tag(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en-US",
    }
}

/// The body: title block, sources, comparisons, clauses.
fn document(r: &DigestReport) -> String {
    let w = words(r.lang);
    let mut b = String::new();
    b.push_str(XML_HEAD);
    b.push_str("<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>");

    // title block
    b.push_str(&para("Title", &[], &[Run::plain(w.title)]));
    b.push_str(&para("Subtitle", &[], &[Run::plain(&header_line(r))]));
    let scope_rows = vec![
        vec![Run::bold(w.made_on), Run::plain(&iso(r.generated))],
        vec![Run::bold(w.as_of), Run::plain(&iso(r.as_of))],
        vec![Run::bold(w.scope), Run::plain(&r.scope())],
        vec![
            Run::bold(w.sources),
            Run::plain(&match r.lang {
                Lang::Zh => format!("{}份文件", r.sources.len()),
                Lang::En => format!("{} documents", r.sources.len()),
            }),
        ],
    ];
    b.push_str(&table(
        None,
        &scope_rows
            .into_iter()
            .map(|row| row.into_iter().map(|run| vec![run]).collect())
            .collect::<Vec<_>>(),
    ));
    let not_in_force = r
        .sources
        .iter()
        .filter(|s| s.status != Validity::InForce)
        .count();
    if not_in_force > 0 {
        let note = match r.lang {
            Lang::Zh => format!(
                "注：{not_in_force}份文件在状态基准日不在有效期内（征求意见稿、已失效或尚未施行），相关内容以红色标注。"
            ),
            Lang::En => format!(
                "Note: {not_in_force} of the documents are not in force on the status date (drafts, expired or not yet in force); they are marked in red."
            ),
        };
        b.push_str(&para("Note", &[], &[Run::alert(&note)]));
    }

    // sources
    b.push_str(&para("Heading1", &[], &[Run::plain(w.sources)]));
    let numbers = any_doc_number(r);
    let mut head = vec![w.jurisdiction, w.document];
    if numbers {
        head.push(w.doc_number);
    }
    head.extend([w.issuer, w.dates, w.status, w.id]);
    let mut rows = Vec::new();
    for s in &r.sources {
        let mut row = vec![
            vec![Run::whole(&place(
                &s.jurisdiction,
                s.jurisdiction_zh.as_deref(),
                r.lang,
            ))],
            vec![Run::plain(&format!("《{}》", s.title))],
        ];
        if numbers {
            row.push(vec![Run::plain(s.doc_number.as_deref().unwrap_or(w.none))]);
        }
        row.extend([
            vec![Run::plain(&issuer(s, r.lang))],
            vec![Run::whole(&dates(s, r.lang).join("\n"))],
            vec![status_run(s.status, &s.status_label)],
            vec![Run::code(&s.doc)],
        ]);
        rows.push(row);
    }
    b.push_str(&table(Some(&head), &rows));
    b.push_str(&spacer());

    // comparisons
    if !r.comparisons.is_empty() {
        b.push_str(&para("Heading1", &[], &[Run::plain(w.comparisons)]));
        for t in &r.comparisons {
            b.push_str(&para(
                "Heading2",
                &[],
                &[Run::plain(&measure_type(&t.measure_type, r.lang))],
            ));
            let head = [
                w.jurisdiction,
                w.document,
                w.article,
                w.figures,
                w.status,
                w.id,
            ];
            let rows: Vec<Vec<Vec<Run>>> = t
                .rows
                .iter()
                .map(|row| {
                    let mut id = vec![Run::code(&row.id)];
                    if row.origin == "linked" {
                        id.push(Run::plain(&format!("\n{}", w.linked.trim())));
                    }
                    vec![
                        vec![Run::whole(&row.jurisdiction)],
                        vec![Run::plain(&format!("《{}》", row.title))],
                        vec![Run::whole(&row.article)],
                        vec![Run::plain(&if row.figures.is_empty() {
                            w.none.to_string()
                        } else {
                            row.figures.join("; ")
                        })],
                        vec![status_run(row.status, &row.status_label)],
                        id,
                    ]
                })
                .collect();
            b.push_str(&table(Some(&head), &rows));
            b.push_str(&spacer());
        }
    }

    // clauses
    for g in &r.groups {
        let title = if g.title.is_empty() {
            w.clauses
        } else {
            g.title.as_str()
        };
        b.push_str(&para("Heading1", &[], &[Run::plain(title)]));
        for e in &g.entries {
            entry(&mut b, r, w, e);
        }
    }

    let _ = write!(
        b,
        "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId4\"/><w:footerReference w:type=\"default\" r:id=\"rId5\"/><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1304\" w:right=\"1134\" w:bottom=\"1304\" w:left=\"1134\" w:header=\"680\" w:footer=\"680\" w:gutter=\"0\"/><w:pgNumType w:start=\"1\"/><w:cols w:space=\"425\"/><w:docGrid w:type=\"lines\" w:linePitch=\"312\"/></w:sectPr></w:body></w:document>"
    );
    b
}

/// One clause: heading, text, fields and equivalent measures, kept together.
fn entry(b: &mut String, r: &DigestReport, w: &Words, e: &DigestEntry) {
    let c = &e.citation;
    let mut heading = vec![Run::plain(&clause_heading(c, r.lang))];
    if e.status != Validity::InForce {
        heading.push(Run::alert(&match r.lang {
            Lang::Zh => format!(" 【{}】", e.status.zh()),
            Lang::En => format!(" [{}]", e.status.en()),
        }));
    }
    b.push_str(&para("Heading3", &[], &heading));
    for line in e.text.lines().filter(|l| !l.trim().is_empty()) {
        b.push_str(&para(
            "Quote",
            &["<w:keepNext/>"],
            &[Run::plain(line.trim())],
        ));
    }
    let fields: Vec<Vec<Run>> = vec![
        field(
            w,
            w.source,
            vec![Run::plain(&e.cited), Run::plain(" "), Run::code(&c.id)],
        ),
        field(w, w.status, vec![status_run(e.status, &e.status_label)]),
        field(w, w.figures, vec![Run::plain(&figures(&e.figures))]),
        field(
            w,
            w.agencies,
            vec![Run::plain(&or_dash(e.agencies.join(w.sep)))],
        ),
        field(
            w,
            w.measure_types,
            vec![Run::plain(&or_dash(
                e.measure_types
                    .iter()
                    .map(|m| measure_type(m, r.lang))
                    .collect::<Vec<_>>()
                    .join(w.sep),
            ))],
        ),
    ];
    // the clause is kept on one page; its equivalent measures may follow on the next,
    // each kept whole
    let last = fields.len() - 1;
    for (i, f) in fields.iter().enumerate() {
        let keep: &[&str] = if i < last { &["<w:keepNext/>"] } else { &[] };
        b.push_str(&para("Field", keep, f));
    }
    if !e.links.is_empty() {
        b.push_str(&para(
            "Field",
            &["<w:keepNext/>"],
            &[Run::bold(w.elsewhere)],
        ));
    }
    let keep: &[&str] = &["<w:keepNext/>"];
    for l in &e.links {
        let v = link_view(l, r.lang);
        let headline = [
            Run::plain(&format!("{} ", v.headline)),
            Run::code(&l.citation.id),
        ];
        b.push_str(&para("LinkHead", keep, &headline));
        b.push_str(&para(
            "LinkField",
            keep,
            &field(w, w.figures, vec![Run::plain(&figures(&l.figures))]),
        ));
        if !v.why.is_empty() {
            b.push_str(&para(
                "LinkField",
                keep,
                &field(w, w.why, vec![Run::plain(&v.why)]),
            ));
        }
        b.push_str(&para("LinkText", &[], &[Run::plain(l.text.trim())]));
    }
}

fn field(w: &Words, name: &str, mut value: Vec<Run>) -> Vec<Run> {
    let mut runs = vec![Run::bold(&format!("{name}{}", w.colon))];
    runs.append(&mut value);
    runs
}

fn status_run(v: Validity, label: &str) -> Run {
    if v == Validity::InForce {
        Run::plain(label)
    } else {
        Run::alert(label)
    }
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

/// A run of text with its look.
#[derive(Debug, Clone)]
struct Run {
    text: String,
    bold: bool,
    color: Option<&'static str>,
    mono: bool,
    /// In a table, each line of it is kept on one line (a date, a place, an article).
    whole: bool,
}

impl Run {
    fn plain(text: &str) -> Run {
        Run {
            text: text.to_string(),
            bold: false,
            color: None,
            mono: false,
            whole: false,
        }
    }
    /// Text whose lines a table column is made wide enough for.
    fn whole(text: &str) -> Run {
        Run {
            whole: true,
            ..Run::plain(text)
        }
    }
    fn bold(text: &str) -> Run {
        Run {
            bold: true,
            ..Run::plain(text)
        }
    }
    fn alert(text: &str) -> Run {
        Run {
            bold: true,
            color: Some(ALERT),
            ..Run::plain(text)
        }
    }
    /// An id: a small Latin monospace font (its column is made wide enough for it).
    fn code(text: &str) -> Run {
        Run {
            mono: true,
            whole: true,
            ..Run::plain(text)
        }
    }

    fn xml(&self) -> String {
        // in the order the schema asks for (Word refuses another)
        let mut props = String::new();
        if self.mono {
            props.push_str(
                "<w:rFonts w:ascii=\"Consolas\" w:hAnsi=\"Consolas\" w:cs=\"Consolas\"/>",
            );
        }
        if self.bold {
            props.push_str("<w:b/><w:bCs/>");
        }
        if self.mono {
            props.push_str("<w:noProof/>");
        }
        if let Some(c) = self.color {
            let _ = write!(props, "<w:color w:val=\"{c}\"/>");
        }
        if self.mono {
            props.push_str("<w:sz w:val=\"16\"/><w:szCs w:val=\"16\"/>");
        }
        let rpr = if props.is_empty() {
            String::new()
        } else {
            format!("<w:rPr>{props}</w:rPr>")
        };
        let mut out = String::new();
        for (i, line) in self.text.split('\n').enumerate() {
            if i > 0 {
                let _ = write!(out, "<w:r>{rpr}<w:br/></w:r>");
            }
            for (j, piece) in line.split('\t').enumerate() {
                if j > 0 {
                    let _ = write!(out, "<w:r>{rpr}<w:tab/></w:r>");
                }
                if !piece.is_empty() {
                    let _ = write!(
                        out,
                        "<w:r>{rpr}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
                        esc(piece)
                    );
                }
            }
        }
        out
    }
}

/// A paragraph of `style` with extra paragraph properties (in schema order after the
/// style: keepNext, keepLines, …).
fn para(style: &str, extra: &[&str], runs: &[Run]) -> String {
    let mut out = format!("<w:p><w:pPr><w:pStyle w:val=\"{style}\"/>");
    for e in extra {
        out.push_str(e);
    }
    out.push_str("</w:pPr>");
    for r in runs {
        out.push_str(&r.xml());
    }
    out.push_str("</w:p>");
    out
}

/// A little space after a table (Word puts the next paragraph right against it).
fn spacer() -> String {
    "<w:p><w:pPr><w:pStyle w:val=\"Spacer\"/></w:pPr></w:p>".to_string()
}

/// A table with an optional header row (repeated on every page), columns fitted to the
/// content, rows never split across pages.
fn table(head: Option<&[&str]>, rows: &[Vec<Vec<Run>>]) -> String {
    let columns = head
        .map(<[&str]>::len)
        .or_else(|| rows.first().map(Vec::len))
        .unwrap_or(0);
    if columns == 0 {
        return String::new();
    }
    let widths = column_widths(head, rows, columns);
    let mut out = String::new();
    let _ = write!(
        out,
        "<w:tbl><w:tblPr><w:tblW w:w=\"{TEXT_WIDTH}\" w:type=\"dxa\"/><w:tblBorders>{}</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:top w:w=\"40\" w:type=\"dxa\"/><w:left w:w=\"100\" w:type=\"dxa\"/><w:bottom w:w=\"40\" w:type=\"dxa\"/><w:right w:w=\"100\" w:type=\"dxa\"/></w:tblCellMar><w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>",
        ["top", "left", "bottom", "right", "insideH", "insideV"]
            .iter()
            .map(|side| format!(
                "<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"A6A6A6\"/>"
            ))
            .collect::<String>()
    );
    for w in &widths {
        let _ = write!(out, "<w:gridCol w:w=\"{w}\"/>");
    }
    out.push_str("</w:tblGrid>");
    if let Some(head) = head {
        out.push_str("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
        for (h, w) in head.iter().zip(&widths) {
            let _ = write!(
                out,
                "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/><w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"E8EAED\"/></w:tcPr>{}</w:tc>",
                para("TableHeading", &[], &[Run::plain(h)])
            );
        }
        out.push_str("</w:tr>");
    }
    for row in rows {
        out.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for (i, w) in widths.iter().enumerate() {
            let runs = row.get(i).map(Vec::as_slice).unwrap_or(&[]);
            let _ = write!(
                out,
                "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/></w:tcPr>{}</w:tc>",
                para("TableText", &[], runs)
            );
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    out
}

/// Width of a piece of text in twips at table size.
fn text_twips(s: &str) -> u32 {
    s.chars()
        .map(|c| {
            if unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) >= 2 {
                CJK_TWIPS
            } else {
                LATIN_TWIPS
            }
        })
        .sum()
}

fn is_wide(c: char) -> bool {
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) >= 2
}

/// The widest piece of a line that should not be broken: a short line (a place, a
/// status, an article such as `第12条(4)`) whole; in a longer one, each run of Latin
/// letters, digits and punctuation (`2021-12-22`, `beijing-2021/9.4`) with the CJK
/// characters it binds to on either side (`（2015年`), since CJK text may break between
/// any two characters but a number stays with its unit.
fn unbreakable_twips(line: &str) -> u32 {
    let line = line.trim();
    if unicode_width::UnicodeWidthStr::width(line) <= SHORT_CELL {
        return text_twips(line);
    }
    let chars: Vec<char> = line.chars().collect();
    let mut widest = 2 * CJK_TWIPS;
    let mut i = 0;
    while i < chars.len() {
        if is_wide(chars[i]) || chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && !is_wide(chars[i]) && !chars[i].is_whitespace() {
            i += 1;
        }
        let mut w: u32 = chars[start..i].iter().map(|_| LATIN_TWIPS).sum();
        if start > 0 && is_wide(chars[start - 1]) {
            w += CJK_TWIPS;
        }
        if i < chars.len() && is_wide(chars[i]) {
            w += CJK_TWIPS;
        }
        widest = widest.max(w);
    }
    widest
}

/// A column of running text is at least this wide (six CJK characters).
const MIN_TEXT_TWIPS: u32 = 6 * CJK_TWIPS;

/// Lines at most this wide (in columns: a CJK character is two) are kept whole in a
/// table cell: `现行有效`, `第9条(4)`.
const SHORT_CELL: usize = 8;

/// Column widths that fill the text width: each column gets at least its widest
/// unbreakable piece (header words whole), and the room left is shared in proportion to
/// how much more each column's longest line needs.
fn column_widths(head: Option<&[&str]>, rows: &[Vec<Vec<Run>>], columns: usize) -> Vec<u32> {
    let mut min = vec![0u32; columns];
    let mut natural = vec![0u32; columns];
    // bold text (headings, statuses not in force) is about a tenth wider
    let bold = |t: u32| t * 11 / 10;
    if let Some(head) = head {
        for (i, h) in head.iter().enumerate() {
            // a heading is never broken inside a word (nor at all, in CJK)
            let whole = bold(text_twips(h)) + CELL_MARGINS;
            let words = bold(h.split_whitespace().map(text_twips).max().unwrap_or(0));
            let keep = if h.chars().any(|c| c.is_ascii_alphabetic()) {
                words + CELL_MARGINS
            } else {
                whole
            };
            min[i] = min[i].max(keep);
            natural[i] = natural[i].max(whole);
        }
    }
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            let text: String = cell.iter().map(|r| r.text.as_str()).collect();
            let mono = cell.iter().any(|r| r.mono);
            // ids are set at 8 pt in a monospace font whose glyphs are 0.6 em wide, about
            // as wide as the 100 twips allowed for a Latin character at 9 pt
            let scale = |t: u32| {
                if mono {
                    t
                } else if cell.iter().any(|r| r.bold) {
                    bold(t)
                } else {
                    t
                }
            };
            let longest = text.lines().map(text_twips).max().unwrap_or(0);
            natural[i] = natural[i].max(scale(longest) + CELL_MARGINS);
            let whole = cell.iter().any(|r| r.whole);
            let piece = text
                .lines()
                .map(|l| {
                    if whole {
                        text_twips(l.trim())
                    } else {
                        // long text gets a few characters per line at least
                        unbreakable_twips(l).max(text_twips(l).min(MIN_TEXT_TWIPS))
                    }
                })
                .max()
                .unwrap_or(0);
            min[i] = min[i].max(scale(piece) + CELL_MARGINS);
        }
    }
    for i in 0..columns {
        natural[i] = natural[i].max(min[i]);
    }
    let total_min: u32 = min.iter().sum();
    let total_natural: u32 = natural.iter().sum();
    let mut widths: Vec<u32> = if total_natural <= TEXT_WIDTH {
        let spare = TEXT_WIDTH - total_natural;
        natural
            .iter()
            .map(|n| n + share(spare, *n, total_natural))
            .collect()
    } else if total_min >= TEXT_WIDTH {
        min.iter()
            .map(|m| share(TEXT_WIDTH, *m, total_min))
            .collect()
    } else {
        let spare = TEXT_WIDTH - total_min;
        let wants: u32 = natural.iter().zip(&min).map(|(n, m)| n - m).sum();
        natural
            .iter()
            .zip(&min)
            .map(|(n, m)| m + share(spare, n - m, wants))
            .collect()
    };
    let sum: u32 = widths.iter().sum();
    if let Some(widest) = widths.iter_mut().max() {
        *widest = (*widest + TEXT_WIDTH).saturating_sub(sum);
    }
    widths
}

/// `total * part / whole`, rounded down (0 when `whole` is 0).
fn share(total: u32, part: u32, whole: u32) -> u32 {
    if whole == 0 {
        return 0;
    }
    u32::try_from(u64::from(total) * u64::from(part) / u64::from(whole)).unwrap_or(0)
}

/// Escapes text for XML content and attributes; characters XML 1.0 forbids (control
/// characters other than tab, line feed and carriage return, U+FFFE, U+FFFF) are
/// dropped, so a form feed from pdftotext can never make the file unreadable.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' => out.push(ch),
            '\u{FFFE}' | '\u{FFFF}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The page header: title and status date, right-aligned, small and grey.
fn header(r: &DigestReport) -> String {
    let w = words(r.lang);
    format!(
        "{XML_HEAD}<w:hdr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">{}</w:hdr>",
        para(
            "Header",
            &[],
            &[Run::plain(&format!(
                "{} · {} {}",
                w.title,
                w.as_of,
                iso(r.as_of)
            ))]
        )
    )
}

/// The page footer: `第 3 页，共 12 页` / `Page 3 of 12`, from Word's PAGE and
/// NUMPAGES fields.
fn footer(lang: Lang) -> String {
    let (a, b, c) = match lang {
        Lang::Zh => ("第 ", " 页，共 ", " 页"),
        Lang::En => ("Page ", " of ", ""),
    };
    let text = |t: &str| {
        if t.is_empty() {
            String::new()
        } else {
            format!("<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>", esc(t))
        }
    };
    format!(
        "{XML_HEAD}<w:ftr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr>{}<w:fldSimple w:instr=\" PAGE \"><w:r><w:t>1</w:t></w:r></w:fldSimple>{}<w:fldSimple w:instr=\" NUMPAGES \"><w:r><w:t>1</w:t></w:r></w:fldSimple>{}</w:p></w:ftr>",
        text(a),
        text(b),
        text(c)
    )
}

/// The style sheet: defaults (fonts, size, language), headings, the clause text, fields,
/// tables, header and footer.
///
/// Latin text is tagged `en-US` (so that it breaks between words, never inside an id)
/// and CJK text `zh-CN` (so that Chinese fonts and line breaking are used).
fn styles() -> String {
    let body = "<w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"SimSun\" w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\"/>";
    let sans =
        "<w:rFonts w:ascii=\"Arial\" w:eastAsia=\"SimHei\" w:hAnsi=\"Arial\" w:cs=\"Arial\"/>";
    let mut s = String::new();
    s.push_str(XML_HEAD);
    s.push_str(
        "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">",
    );
    let _ = write!(
        s,
        "<w:docDefaults><w:rPrDefault><w:rPr>{body}<w:kern w:val=\"2\"/><w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl/><w:spacing w:after=\"0\" w:line=\"300\" w:lineRule=\"auto\"/><w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>"
    );
    let style = |s: &mut String, id: &str, name: &str, ppr: &str, rpr: &str, extra: &str| {
        let _ = write!(
            s,
            "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/>{extra}<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
        );
    };
    style(&mut s, "Normal", "Normal", "", "", "<w:qFormat/>");
    let based = "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>";
    style(
        &mut s,
        "Title",
        "Title",
        "<w:keepNext/><w:spacing w:before=\"240\" w:after=\"120\"/><w:jc w:val=\"center\"/>",
        &format!("{sans}<w:b/><w:bCs/><w:sz w:val=\"44\"/><w:szCs w:val=\"44\"/>"),
        based,
    );
    style(
        &mut s,
        "Subtitle",
        "Subtitle",
        "<w:keepNext/><w:spacing w:after=\"240\"/><w:jc w:val=\"center\"/>",
        "<w:color w:val=\"595959\"/><w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/>",
        based,
    );
    for (level, size, before) in [(1u8, 32u8, 360u16), (2, 28, 240), (3, 24, 240)] {
        style(
            &mut s,
            &format!("Heading{level}"),
            &format!("heading {level}"),
            &format!(
                "<w:keepNext/><w:keepLines/><w:spacing w:before=\"{before}\" w:after=\"120\"/><w:jc w:val=\"left\"/><w:outlineLvl w:val=\"{}\"/>",
                level - 1
            ),
            &format!("{sans}<w:b/><w:bCs/><w:sz w:val=\"{size}\"/><w:szCs w:val=\"{size}\"/>"),
            based,
        );
    }
    style(
        &mut s,
        "Quote",
        "Quote",
        "<w:keepLines/><w:pBdr><w:left w:val=\"single\" w:sz=\"18\" w:space=\"8\" w:color=\"8A1C1C\"/></w:pBdr><w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"F4F5F7\"/><w:spacing w:before=\"60\" w:after=\"60\" w:line=\"320\" w:lineRule=\"auto\"/><w:ind w:left=\"284\" w:right=\"113\"/>",
        body,
        based,
    );
    style(
        &mut s,
        "Field",
        "Field",
        "<w:keepLines/><w:spacing w:before=\"20\" w:after=\"20\"/><w:ind w:left=\"284\"/><w:jc w:val=\"left\"/>",
        "<w:sz w:val=\"19\"/><w:szCs w:val=\"19\"/>",
        based,
    );
    style(
        &mut s,
        "LinkHead",
        "Link heading",
        "<w:keepLines/><w:spacing w:before=\"80\" w:after=\"0\"/><w:ind w:left=\"567\"/><w:jc w:val=\"left\"/>",
        "<w:b/><w:bCs/><w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/>",
        based,
    );
    style(
        &mut s,
        "LinkField",
        "Link field",
        "<w:keepLines/><w:ind w:left=\"567\"/><w:jc w:val=\"left\"/>",
        "<w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/>",
        based,
    );
    style(
        &mut s,
        "LinkText",
        "Link text",
        "<w:keepLines/><w:spacing w:after=\"60\"/><w:ind w:left=\"567\"/>",
        "<w:color w:val=\"404040\"/><w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/>",
        based,
    );
    style(
        &mut s,
        "Note",
        "Note",
        "<w:spacing w:before=\"120\" w:after=\"120\"/>",
        "<w:sz w:val=\"19\"/><w:szCs w:val=\"19\"/>",
        based,
    );
    style(
        &mut s,
        "TableText",
        "Table text",
        "<w:spacing w:line=\"260\" w:lineRule=\"auto\"/><w:jc w:val=\"left\"/>",
        "<w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/>",
        based,
    );
    style(
        &mut s,
        "TableHeading",
        "Table heading",
        "<w:keepNext/><w:spacing w:line=\"260\" w:lineRule=\"auto\"/><w:jc w:val=\"left\"/>",
        &format!("{sans}<w:b/><w:bCs/><w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/>"),
        based,
    );
    style(
        &mut s,
        "Spacer",
        "Table spacer",
        "<w:spacing w:after=\"120\" w:line=\"120\" w:lineRule=\"exact\"/>",
        "<w:sz w:val=\"8\"/><w:szCs w:val=\"8\"/>",
        based,
    );
    style(
        &mut s,
        "Header",
        "header",
        "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"1\" w:color=\"A6A6A6\"/></w:pBdr><w:jc w:val=\"right\"/>",
        "<w:color w:val=\"7F7F7F\"/><w:sz w:val=\"16\"/><w:szCs w:val=\"16\"/>",
        based,
    );
    style(
        &mut s,
        "Footer",
        "footer",
        "<w:jc w:val=\"center\"/>",
        "<w:color w:val=\"7F7F7F\"/><w:sz w:val=\"16\"/><w:szCs w:val=\"16\"/>",
        based,
    );
    s.push_str("</w:styles>");
    s
}

const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/><Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/><Override PartName=\"/word/fontTable.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/><Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/><Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/><Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/><Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/></Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/></Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable\" Target=\"fontTable.xml\"/><Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header1.xml\"/><Relationship Id=\"rId5\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/></Relationships>";

const APP: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>policynav</Application></Properties>";

const SETTINGS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:zoom w:percent=\"100\"/><w:defaultTabStop w:val=\"420\"/><w:characterSpacingControl w:val=\"compressPunctuation\"/><w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat><w:themeFontLang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:settings>";

/// The fonts used, with what Word needs to substitute them: the Chinese names, the GB2312
/// character set (86) and the PANOSE class (serif Song, sans-serif Hei).
const FONT_TABLE: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:fonts xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:font w:name=\"SimSun\"><w:altName w:val=\"宋体\"/><w:panose1 w:val=\"02010600030101010101\"/><w:charset w:val=\"86\"/><w:family w:val=\"auto\"/><w:pitch w:val=\"variable\"/></w:font><w:font w:name=\"SimHei\"><w:altName w:val=\"黑体\"/><w:panose1 w:val=\"02010609060101010101\"/><w:charset w:val=\"86\"/><w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font><w:font w:name=\"Times New Roman\"><w:panose1 w:val=\"02020603050405020304\"/><w:charset w:val=\"00\"/><w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font><w:font w:name=\"Arial\"><w:panose1 w:val=\"020B0604020202020204\"/><w:charset w:val=\"00\"/><w:family w:val=\"swiss\"/><w:pitch w:val=\"variable\"/></w:font><w:font w:name=\"Consolas\"><w:panose1 w:val=\"020B0609020204030204\"/><w:charset w:val=\"00\"/><w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font></w:fonts>";

#[cfg(test)]
mod tests {
    use super::super::model::fixtures;
    use super::*;
    use std::io::Read;

    fn part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn docx_holds_headings_tables_with_grids_and_escaped_text() {
        let bytes = render(&fixtures::report()).unwrap();
        let xml = part(&bytes, "word/document.xml");
        // scope block + sources + one comparison table
        assert_eq!(xml.matches("<w:tbl>").count(), 3, "{xml}");
        assert_eq!(xml.matches("<w:tblGrid><w:gridCol").count(), 3);
        assert_eq!(xml.matches("<w:tblHeader/>").count(), 2);
        assert!(xml.contains("w:val=\"Heading3\""));
        assert!(xml.contains("支援企業在A股上市"));
        assert!(
            xml.contains("&lt;b&gt;&amp;"),
            "markup in the text must be escaped"
        );
        assert!(xml.contains("最高300万元 补贴"));
        assert!(xml.contains("zhejiang-2023/5.1"));
        assert!(xml.contains("文件来源"));
        let styles = part(&bytes, "word/styles.xml");
        assert!(styles.contains("w:eastAsia=\"zh-CN\""));
        assert!(styles.contains("w:eastAsia=\"SimSun\""));
        assert!(part(&bytes, "word/footer1.xml").contains(" NUMPAGES "));
        assert!(part(&bytes, "word/fontTable.xml").contains("宋体"));
    }

    #[test]
    fn control_characters_never_reach_the_xml() {
        let mut r = fixtures::report();
        r.groups[0].entries[0].text = "第一页\u{c}第二页\u{b}换行\u{1}".into();
        r.groups[0].entries[0].agencies = vec!["市\u{7}局".into()];
        let bytes = render(&r).unwrap();
        let xml = part(&bytes, "word/document.xml");
        assert!(
            !xml.chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t')
        );
        assert!(xml.contains("第一页第二页换行"));
        assert!(xml.contains("市局"));
    }

    #[test]
    fn columns_fit_their_content_and_fill_the_page() {
        let head = ["地区", "文件", "日期", "编号"];
        let rows = vec![vec![
            vec![Run::plain("北京市")],
            vec![Run::plain(
                "《北京市关于促进“专精特新”中小企业高质量发展的若干措施》",
            )],
            vec![Run::plain("2021-12-22")],
            vec![Run::code("beijing-2021/9.4")],
        ]];
        let w = column_widths(Some(&head), &rows, 4);
        assert_eq!(w.iter().sum::<u32>(), TEXT_WIDTH);
        // the date and the id are never broken, the title takes the rest
        assert!(w[2] >= text_twips("2021-12-22") + CELL_MARGINS, "{w:?}");
        assert!(
            w[3] >= text_twips("beijing-2021/9.4") + CELL_MARGINS,
            "{w:?}"
        );
        assert!(w[1] > w[0] && w[1] > w[2], "{w:?}");
        // an English heading keeps its words whole
        let head = ["Jurisdiction", "Status"];
        let rows = vec![vec![vec![Run::plain("北京")], vec![Run::plain("在")]]];
        let w = column_widths(Some(&head), &rows, 2);
        assert!(w[0] >= text_twips("Jurisdiction") + CELL_MARGINS, "{w:?}");
    }

    #[test]
    fn same_digest_same_bytes() {
        assert_eq!(
            render(&fixtures::report()).unwrap(),
            render(&fixtures::report()).unwrap()
        );
    }
}
