//! Corpus commands: `docs`, `clauses`, `show`, `add`, `remove`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Result, bail};
use chrono::NaiveDate;
use clap::Args;
use serde::Serialize;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::corpus::{
    self, Clause, ClauseKind, Document, DocumentMeta, Level, Status, Validity, user,
};
use crate::model::citation::Citation;
use crate::model::labels::Labelled;
use crate::workspace::{Locations, Workspace};

/// Arguments of `policynav docs`.
#[derive(Debug, Args)]
pub struct DocsArgs {
    /// Report each document's status on this date (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `policynav clauses`.
#[derive(Debug, Args)]
pub struct ClausesArgs {
    /// Only the clauses of this document.
    #[arg(long, value_name = "ID")]
    pub doc: Option<String>,
    /// Only articles (`article`), provisions (`provision`) or the unnumbered texts of
    /// chapters and sections (`text`).
    #[arg(long, value_name = "KIND", value_parser = ["article", "provision", "text"])]
    pub kind: Option<String>,
    /// Print JSON instead of a list.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `policynav show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A document id (`beijing-2021`) or a clause id (`beijing-2021/9`, `beijing-2021/9.3`).
    pub id: String,
    /// Report the document's status on this date (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Language of the citation: zh (default) or en.
    #[arg(long, value_name = "LANG", default_value = "zh", value_parser = super::export_cmd::parse_lang)]
    pub lang: crate::model::Lang,
}

/// Arguments of `policynav add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// The documents: text files (UTF-8, UTF-16, GB18030/GBK …) or saved HTML pages, or
    /// folders of them (every file directly inside, in name order).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Document id (lowercase letters, digits, '-'; one file only); default: jurisdiction and year.
    #[arg(long)]
    pub id: Option<String>,
    /// Title; default: the title printed in the text.
    #[arg(long)]
    pub title: Option<String>,
    /// Jurisdiction in English (`Shanghai`); default: inferred from the title or issuer.
    #[arg(long)]
    pub jurisdiction: Option<String>,
    /// Jurisdiction in Chinese (`上海市`); default: inferred.
    #[arg(long, value_name = "NAME")]
    pub jurisdiction_zh: Option<String>,
    /// province | municipality | city | district; default: inferred.
    #[arg(long, value_parser = parse_level)]
    pub level: Option<Level>,
    /// Issuing body; default: the portal's 发文机构 or the letter's signature.
    #[arg(long)]
    pub issuer: Option<String>,
    /// Date written (成文日期), YYYY-MM-DD; default: from the portal fields or the signature.
    #[arg(long, value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// Date published, YYYY-MM-DD.
    #[arg(long, value_parser = parse_date)]
    pub published: Option<NaiveDate>,
    /// First day in force, YYYY-MM-DD.
    #[arg(long, value_parser = parse_date)]
    pub effective: Option<NaiveDate>,
    /// Last day in force, YYYY-MM-DD.
    #[arg(long, value_parser = parse_date)]
    pub expires: Option<NaiveDate>,
    /// draft | final; default: draft if the title says 征求意见稿.
    #[arg(long, value_parser = parse_status)]
    pub status: Option<Status>,
    /// A remark about the source copy.
    #[arg(long)]
    pub note: Option<String>,
    /// The largest file accepted (20MB by default; 500KB, 50MB, 1GB …; at most 512MB).
    #[arg(long, value_name = "SIZE", value_parser = parse_max_size)]
    pub max_size: Option<u64>,
    /// Print the added document's metadata as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `policynav remove`.
#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The id of a document you added.
    pub id: String,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date like 2024-06-01"))
}

fn parse_max_size(s: &str) -> Result<u64, String> {
    use crate::corpus::import::{MAX_SIZE_LIMIT, human_size, parse_size};
    match parse_size(s) {
        None => Err(format!("{s:?} is not a size like 20MB or 500KB")),
        Some(0) => Err(format!("{s:?}: the size must be more than 0")),
        Some(n) if n > MAX_SIZE_LIMIT => Err(format!(
            "{s:?}: at most {} (policynav reads no larger file)",
            human_size(MAX_SIZE_LIMIT)
        )),
        Some(n) => Ok(n),
    }
}

fn parse_level(s: &str) -> Result<Level, String> {
    Level::parse(s).ok_or_else(|| format!("{s:?}: use one of {}", Level::known()))
}

fn parse_status(s: &str) -> Result<Status, String> {
    Status::parse(s).ok_or_else(|| format!("{s:?}: use one of {}", Status::known()))
}

/// Display width of a string (CJK counts 2).
fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` cut to at most `max` cells, with `…` when cut.
fn fit(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// `s` padded with spaces to `cells` cells.
fn pad(s: &str, cells: usize) -> String {
    let w = width(s);
    format!("{s}{}", " ".repeat(cells.saturating_sub(w)))
}

/// Columns available for a line, or `None` when output is not a terminal.
fn terminal_width() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    ratatui::crossterm::terminal::size()
        .ok()
        .map(|(w, _)| w as usize)
}

/// Prints aligned rows; the last column is cut to the terminal width.
fn print_table(rows: &[Vec<String>]) -> Result<()> {
    let Some(cols) = rows.iter().map(Vec::len).max() else {
        return Ok(());
    };
    let mut widths = vec![0; cols];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(width(cell));
        }
    }
    let term = terminal_width();
    // in blocks: standard output is line-buffered, one system call a line, which was a
    // large part of a 10,000-row `docs`; flushed below, so that an error is reported
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, super::human_out());
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                let used = width(&line);
                match term {
                    Some(t) if t > used + 8 => line.push_str(&fit(cell, t - used - 1)),
                    _ => line.push_str(cell),
                }
            } else {
                line.push_str(&pad(cell, widths[i]));
                line.push_str("  ");
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    out.flush()?;
    Ok(())
}

/// One document in `docs --json`.
#[derive(Serialize)]
struct DocRow<'a> {
    #[serde(flatten)]
    meta: &'a DocumentMeta,
    validity: Validity,
    as_of: NaiveDate,
    origin: &'static str,
    chapters: usize,
    articles: usize,
    provisions: usize,
}

fn origin_of(ctx: &Workspace, id: &str, bundled: &[String]) -> &'static str {
    match ctx.locations.corpus {
        corpus::CorpusSource::Folder(_) => "folder",
        corpus::CorpusSource::Bundled { .. } if bundled.iter().any(|b| b == id) => "bundled",
        corpus::CorpusSource::Bundled { .. } => "user",
    }
}

pub(crate) fn docs(args: DocsArgs, ctx: &Workspace) -> Result<()> {
    let as_of = args.as_of.unwrap_or_else(Workspace::today);
    let bundled = corpus::bundled_ids()?;
    let entries = ctx.store.entries()?;
    if args.json {
        let rows: Vec<DocRow> = entries
            .iter()
            .map(|d| DocRow {
                meta: &d.meta,
                validity: d.meta.validity_on(as_of),
                as_of,
                origin: origin_of(ctx, &d.meta.id, &bundled),
                chapters: d.chapters as usize,
                articles: d.articles as usize,
                provisions: d.provisions as usize,
            })
            .collect();
        return super::print_json(&rows);
    }
    let mut rows = vec![vec![
        "ID".to_string(),
        format!("STATUS {as_of}"),
        "LEVEL".into(),
        "JURISDICTION".into(),
        "DATE".into(),
        "ART".into(),
        "TITLE".into(),
    ]];
    for d in entries {
        let m = &d.meta;
        let date = m
            .written
            .or(m.published)
            .map(|d| d.to_string())
            .unwrap_or_else(|| "-".into());
        let place = match &m.jurisdiction_zh {
            Some(zh) => format!("{} {zh}", m.jurisdiction),
            None => m.jurisdiction.clone(),
        };
        let origin = origin_of(ctx, &m.id, &bundled);
        let title = if origin == "user" {
            format!("{} [added]", m.title)
        } else {
            m.title.clone()
        };
        rows.push(vec![
            m.id.clone(),
            m.validity_on(as_of).en().to_string(),
            m.level.en().to_string(),
            place,
            date,
            d.articles.to_string(),
            title,
        ]);
    }
    print_table(&rows)
}

pub(crate) fn clauses(args: ClausesArgs, ctx: &Workspace) -> Result<()> {
    if let Some(id) = &args.doc
        && ctx.store.meta(id).is_none()
    {
        bail!("no document {id:?} (see `policynav docs`)");
    }
    let kind = args.kind.as_deref().and_then(ClauseKind::parse);
    let docs: Vec<String> = match &args.doc {
        Some(d) => vec![d.clone()],
        None => ctx.store.ids().map(str::to_string).collect(),
    };
    let mut owned: Vec<Clause> = Vec::new();
    for d in &docs {
        owned.extend(
            ctx.store
                .clauses(d)?
                .into_iter()
                .map(|r| r.clause)
                .filter(|c| kind.is_none_or(|k| c.kind == k)),
        );
    }
    let selected: Vec<&Clause> = owned.iter().collect();
    if args.json {
        return super::print_json(&selected);
    }
    let rows: Vec<Vec<String>> = selected
        .iter()
        .map(|c| {
            let indent = if c.kind == ClauseKind::Provision {
                "  "
            } else {
                ""
            };
            let body = match (&c.kind, &c.heading) {
                (ClauseKind::Article, Some(h)) => format!("【{h}】"),
                _ => c.measure.clone(),
            };
            let agencies = if c.agencies.is_empty() || c.kind == ClauseKind::Article {
                String::new()
            } else {
                format!(" ⟨{}⟩", c.agencies.join("、"))
            };
            vec![format!("{indent}{}", c.id), format!("{body}{agencies}")]
        })
        .collect();
    print_table(&rows)
}

#[derive(Serialize)]
struct ShownClause<'a> {
    #[serde(flatten)]
    clause: &'a Clause,
    citation: String,
    title: &'a str,
    validity: Validity,
    as_of: NaiveDate,
    provisions: Vec<&'a Clause>,
}

#[derive(Serialize)]
struct ShownDocument<'a> {
    #[serde(flatten)]
    meta: &'a DocumentMeta,
    validity: Validity,
    as_of: NaiveDate,
    letter: &'a Option<String>,
    preamble: &'a Option<String>,
    closing: &'a Option<String>,
    chapters: &'a [corpus::Chapter],
    articles: Vec<OutlineArticle<'a>>,
}

#[derive(Serialize)]
struct OutlineArticle<'a> {
    id: &'a str,
    path: &'a str,
    label: &'a str,
    heading: &'a Option<String>,
    chapter: &'a Option<String>,
    provisions: usize,
    agencies: &'a [String],
}

pub(crate) fn show(args: ShowArgs, ctx: &Workspace) -> Result<()> {
    let as_of = args.as_of.unwrap_or_else(Workspace::today);
    if let Some(doc) = ctx.store.load_document(&args.id)? {
        return show_document(&doc, as_of, args.json);
    }
    let doc_id = args.id.split('/').next().unwrap_or("");
    let found = match ctx.store.load_document(doc_id)? {
        Some(doc) => doc
            .clauses
            .iter()
            .position(|c| c.id == args.id)
            .map(|i| (doc, i)),
        None => None,
    };
    let Some((doc, at)) = found else {
        bail!(
            "no document or clause {:?} (see `policynav docs` and `policynav clauses`)",
            args.id
        );
    };
    let (doc, clause) = (&doc, &doc.clauses[at]);
    let provisions: Vec<&Clause> = doc
        .clauses
        .iter()
        .filter(|c| c.parent.as_deref() == Some(clause.id.as_str()))
        .collect();
    if args.json {
        return super::print_json(&ShownClause {
            clause,
            citation: Citation::of(doc, clause).line(args.lang),
            title: &doc.meta.title,
            validity: doc.meta.validity_on(as_of),
            as_of,
            provisions,
        });
    }
    let mut out = super::human_out();
    writeln!(out, "{}", Citation::of(doc, clause).line(args.lang))?;
    writeln!(
        out,
        "status on {as_of}: {}",
        doc.meta.validity_on(as_of).en()
    )?;
    if let Some(ch) = clause
        .chapter
        .as_ref()
        .and_then(|p| doc.chapters.iter().find(|c| &c.path == p))
    {
        writeln!(out, "chapter {} {}{}", ch.path, ch.label, ch.heading)?;
    }
    writeln!(out)?;
    writeln!(out, "{}", clause.text)?;
    if !clause.agencies.is_empty() {
        writeln!(out, "\nagencies: {}", clause.agencies.join("、"))?;
    }
    if !provisions.is_empty() {
        writeln!(out)?;
        for p in provisions {
            writeln!(out, "{}  {}", p.id, p.measure)?;
        }
    }
    Ok(())
}

fn show_document(doc: &Document, as_of: NaiveDate, json: bool) -> Result<()> {
    let m = &doc.meta;
    let articles: Vec<OutlineArticle> = doc
        .articles()
        .map(|a| OutlineArticle {
            id: &a.id,
            path: &a.path,
            label: &a.label,
            heading: &a.heading,
            chapter: &a.chapter,
            provisions: doc
                .provisions()
                .filter(|p| p.parent.as_deref() == Some(a.id.as_str()))
                .count(),
            agencies: &a.agencies,
        })
        .collect();
    if json {
        return super::print_json(&ShownDocument {
            meta: m,
            validity: m.validity_on(as_of),
            as_of,
            letter: &doc.letter,
            preamble: &doc.preamble,
            closing: &doc.closing,
            chapters: &doc.chapters,
            articles,
        });
    }
    let mut out = super::human_out();
    writeln!(out, "{}  {}", m.id, m.title)?;
    let mut facts: Vec<(&str, String)> = vec![
        (
            "status",
            format!(
                "{} on {as_of} ({})",
                m.validity_on(as_of).en(),
                if m.status == Status::Draft {
                    "draft for comment"
                } else {
                    "final"
                }
            ),
        ),
        (
            "jurisdiction",
            format!(
                "{}{} ({})",
                m.jurisdiction,
                m.jurisdiction_zh
                    .as_deref()
                    .map(|z| format!(" {z}"))
                    .unwrap_or_default(),
                m.level.en()
            ),
        ),
    ];
    let opt = |label: &'static str, v: &Option<String>| v.as_ref().map(|v| (label, v.clone()));
    facts.extend(opt("issuer", &m.issuer));
    facts.extend(opt("publisher", &m.publisher));
    for (label, d) in [
        ("written", m.written),
        ("published", m.published),
        ("effective", m.effective),
        ("expires", m.expires),
    ] {
        if let Some(d) = d {
            facts.push((label, d.to_string()));
        }
    }
    facts.push(("file", m.file.clone()));
    facts.extend(opt("note", &m.note));
    for (k, v) in facts {
        writeln!(out, "  {}{v}", pad(&format!("{k}:"), 14))?;
    }
    writeln!(out)?;
    // Outline: articles outside any chapter, then every chapter and section in order with
    // its articles (a section without articles shows that it holds text only).
    let id_width = articles.iter().map(|a| width(a.id)).max().unwrap_or(0);
    let article_line = |a: &OutlineArticle, indent: &str| {
        let heading = a.heading.as_deref().unwrap_or("");
        let n = a.provisions;
        format!(
            "{indent}{}  {}{heading}  ({n} provision{})",
            pad(a.id, id_width),
            a.label,
            if n == 1 { "" } else { "s" }
        )
    };
    for a in articles.iter().filter(|a| a.chapter.is_none()) {
        writeln!(out, "{}", article_line(a, ""))?;
    }
    for ch in &doc.chapters {
        let depth = ch.path.matches('.').count();
        let indent = "  ".repeat(depth);
        let inside: Vec<&OutlineArticle> = articles
            .iter()
            .filter(|a| a.chapter.as_deref() == Some(ch.path.as_str()))
            .collect();
        let has_sections = doc
            .chapters
            .iter()
            .any(|c| c.path.starts_with(&format!("{}.", ch.path)));
        let note = if inside.is_empty() && !has_sections && ch.text.is_some() {
            "  (text only)"
        } else {
            ""
        };
        writeln!(out, "{indent}{}{}{note}", ch.label, ch.heading)?;
        for a in inside {
            writeln!(out, "{}", article_line(a, &format!("{indent}  ")))?;
        }
    }
    Ok(())
}

/// The folder `add` and `remove` work on: the user's corpus folder, or the `--corpus` one.
fn own_folder(locations: &Locations) -> (&std::path::Path, Vec<String>) {
    match &locations.corpus {
        corpus::CorpusSource::Bundled { user_dir } => {
            (user_dir, corpus::bundled_ids().unwrap_or_default())
        }
        corpus::CorpusSource::Folder(dir) => (dir, Vec::new()),
    }
}

/// The files `add` is given: each file, and the files directly inside each folder (hidden
/// files and a manifest.toml left out), in name order.
fn files_to_add(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| anyhow::anyhow!("{}: cannot read folder ({e})", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file())
                .filter(|f| {
                    let name = f.file_name().map(|n| n.to_string_lossy().to_string());
                    name.is_some_and(|n| !n.starts_with('.') && n != "manifest.toml")
                })
                .collect();
            inside.sort();
            out.extend(inside);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// What `add` could not tell from a document's text (left empty in the manifest).
fn not_inferred(m: &DocumentMeta) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if m.issuer.is_none() {
        missing.push("issuer");
    }
    if m.written.is_none() && m.published.is_none() {
        missing.push("date");
    }
    if m.doc_number.is_none() {
        missing.push("文号");
    }
    if m.effective.is_none() && m.expires.is_none() {
        missing.push("period in force");
    }
    missing
}

pub(crate) fn add(args: AddArgs, locations: &Locations) -> Result<()> {
    let (dir, bundled) = own_folder(locations);
    let files = files_to_add(&args.files)?;
    if files.is_empty() {
        bail!("no files to add in {}", args.files[0].display());
    }
    if files.len() > 1 && args.id.is_some() {
        bail!("--id names one document; give one file, or leave --id out");
    }
    let opts = user::AddOptions {
        id: args.id,
        title: args.title,
        jurisdiction: args.jurisdiction,
        jurisdiction_zh: args.jurisdiction_zh,
        level: args.level,
        issuer: args.issuer,
        written: args.date,
        published: args.published,
        effective: args.effective,
        expires: args.expires,
        status: args.status,
        note: args.note,
        max_size: args.max_size,
    };
    // One file: its refusal is the command's error. Several: each refusal is one line on
    // stderr naming its file, the others are added, and the command fails at the end.
    if files.len() == 1 {
        let added = user::add(&files[0], dir, &bundled, &locations.corpus, opts)?;
        return report_added(&added, args.json).map(|_| ());
    }
    let mut json = Vec::new();
    let mut refused = 0;
    for file in &files {
        match user::add(file, dir, &bundled, &locations.corpus, opts.clone()) {
            Ok(added) => {
                if args.json {
                    json.push(serde_json::to_value(&added)?);
                } else {
                    report_added(&added, false)?;
                }
            }
            Err(e) => {
                refused += 1;
                let msg = format!("{e:#}").replace('\n', " ");
                let name = file.display().to_string();
                let line = if msg.contains(&name) {
                    msg
                } else {
                    format!("{name}: {msg}")
                };
                writeln!(std::io::stderr(), "policynav: {line}")?;
            }
        }
    }
    if args.json {
        super::print_json(&json)?;
    }
    if refused > 0 {
        bail!(
            "{refused} of {} files refused (see above); the others were added",
            files.len()
        );
    }
    Ok(())
}

/// Prints what `add` stored for one document: what it inferred and what it could not.
fn report_added(added: &user::Added, json: bool) -> Result<()> {
    if let Some(other) = &added.duplicate_of {
        writeln!(
            std::io::stderr(),
            "policynav: note: {} has the same measures as {other}, already in the corpus; \
             `policynav remove {}` undoes the addition",
            added.meta.id,
            added.meta.id
        )?;
    }
    if json {
        return super::print_json(added);
    }
    let m = &added.meta;
    let mut out = super::human_out();
    writeln!(
        out,
        "added {}: {} ({} articles, {} provisions; {}{})",
        m.id,
        m.title,
        added.articles,
        added.provisions,
        added.encoding,
        if added.html { ", HTML page" } else { "" }
    )?;
    let when = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
    writeln!(
        out,
        "  {} {} ({}), {}, written {}, published {}, effective {}, expires {}",
        m.jurisdiction,
        m.jurisdiction_zh.as_deref().unwrap_or(""),
        m.level.en(),
        if m.status == Status::Draft {
            "draft"
        } else {
            "final"
        },
        when(m.written),
        when(m.published),
        when(m.effective),
        when(m.expires)
    )?;
    if let Some(n) = &m.doc_number {
        writeln!(out, "  文号 {n}")?;
    }
    let missing = not_inferred(m);
    if !missing.is_empty() {
        writeln!(out, "  not in the text: {}", missing.join(", "))?;
    }
    writeln!(out, "  stored as {}", added.path.display())?;
    Ok(())
}

pub(crate) fn remove(args: RemoveArgs, locations: &Locations) -> Result<()> {
    let (dir, bundled) = own_folder(locations);
    if bundled.iter().any(|b| b == &args.id) {
        bail!(
            "{} is a bundled document and cannot be removed (use --corpus DIR to work with a folder of your own)",
            args.id
        );
    }
    let meta = user::remove(&args.id, dir)?;
    writeln!(super::human_out(), "removed {}: {}", meta.id, meta.title)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_and_pad_count_cjk_as_two_cells() {
        assert_eq!(fit("专精特新企业", 7), "专精特…");
        assert_eq!(width(&fit("专精特新企业", 7)), 7);
        assert_eq!(fit("abc", 7), "abc");
        assert_eq!(pad("专精", 6), "专精  ");
    }

    #[test]
    fn dates_levels_statuses_parse() {
        assert!(parse_date("2024-06-01").is_ok());
        assert!(parse_date("2024/06/01").is_err());
        assert_eq!(parse_level("district"), Ok(Level::District));
        assert_eq!(parse_status("draft"), Ok(Status::Draft));
    }
}
