//! `policynav facts | topics | links | compare`: the analysis stages as commands.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::{Context, Result, anyhow};
use clap::Args;
use serde::Serialize;
use unicode_width::UnicodeWidthChar;

use super::print_json;
use crate::compare::{CompareRequest, ComparedClause, Comparison};
use crate::facts::{Figure, Qualifier, Role, Unit};
use crate::model::labels::{Labelled, Lang};
use crate::model::{ClauseKind, Validity};
use crate::store::ClauseRecord;
use crate::workspace::Workspace;

/// Display columns of the excerpts in human output.
const EXCERPT_COLUMNS: usize = 72;

/// The first `columns` display cells of `text` on one line, with `…` when cut.
/// CJK characters take two cells; no character is split.
fn excerpt(text: &str, columns: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let flat = flat.trim();
    let mut out = String::new();
    let mut used = 0;
    for c in flat.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > columns.saturating_sub(1) {
            out.push('…');
            return out;
        }
        used += w;
        out.push(c);
    }
    out
}

/// Wraps `text` into lines of at most `columns` display cells, each prefixed by `indent`.
/// Numbers and Latin words (300, 70%, A股's "A") are never split, and a closing
/// punctuation mark stays on the line of the character before it.
fn wrap(text: &str, columns: usize, indent: &str) -> String {
    let glued = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '%' | '-');
    let closing = |c: char| "，。、；：！？）」』”’,.;:!?)》".contains(c);
    // units: runs of glued ASCII, or single characters
    let mut units: Vec<String> = Vec::new();
    for c in text.chars().filter(|c| *c != '\n' && *c != '\r') {
        match units.last_mut() {
            Some(u) if glued(c) && u.chars().last().is_some_and(glued) => u.push(c),
            _ => units.push(c.to_string()),
        }
    }
    let width = |u: &str| u.chars().map(|c| c.width().unwrap_or(0)).sum::<usize>();
    let mut out = String::new();
    let mut line = String::new();
    let mut used = 0;
    for u in units {
        let w = width(&u);
        let is_closing = u.chars().count() == 1 && u.chars().all(closing);
        if used + w > columns && !line.is_empty() && !is_closing {
            let _ = writeln!(out, "{indent}{}", line.trim_end());
            line.clear();
            used = 0;
        }
        line.push_str(&u);
        used += w;
    }
    if !line.trim().is_empty() {
        let _ = writeln!(out, "{indent}{}", line.trim_end());
    }
    out
}

fn figures_line(figures: &[Figure]) -> String {
    figures
        .iter()
        .map(|f| {
            let mut s = f.display();
            if let Some(p) = &f.period {
                s = format!("{p} {s}");
            }
            if let Some(i) = &f.instrument {
                let _ = write!(s, " {i}");
            }
            s
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

// ---------------------------------------------------------------- facts

/// Arguments of `policynav facts`.
#[derive(Debug, Args)]
pub struct FactsArgs {
    /// Only this document.
    #[arg(long, value_name = "ID")]
    pub doc: Option<String>,
    /// Only this clause (article or provision) id.
    #[arg(long, value_name = "ID")]
    pub clause: Option<String>,
    /// Only figures with this role: support, threshold, target or statistic.
    #[arg(long, value_name = "ROLE")]
    pub role: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// One figure as `policynav facts --json` prints it.
#[derive(Debug, Serialize)]
struct FactRow<'a> {
    clause: &'a str,
    doc: &'a str,
    surface: &'a str,
    display: String,
    value: f64,
    value_max: Option<f64>,
    unit: Unit,
    qualifier: Qualifier,
    instrument: Option<&'a str>,
    period: Option<&'a str>,
    role: Role,
    span: [usize; 2],
}

pub(crate) fn facts(args: FactsArgs, ctx: &Workspace) -> Result<()> {
    let role =
        match &args.role {
            Some(r) => Some(Role::parse(r).ok_or_else(|| {
                anyhow!("--role {r:?}: use support, threshold, target or statistic")
            })?),
            None => None,
        };
    if let Some(d) = &args.doc {
        ctx.store
            .meta(d)
            .with_context(|| format!("--doc: no document {d:?} (see `policynav docs`)"))?;
    }
    if let Some(c) = &args.clause {
        ctx.store
            .clause(c)?
            .with_context(|| format!("--clause: no clause {c:?} (see `policynav clauses`)"))?;
    }
    // the documents to read: one, the clause's, or all
    let docs: Vec<String> = match (&args.doc, &args.clause) {
        (Some(d), _) => vec![d.clone()],
        (None, Some(c)) => vec![c.split('/').next().unwrap_or("").to_string()],
        (None, None) => ctx.store.ids().map(str::to_string).collect(),
    };
    let mut records: Vec<ClauseRecord> = Vec::new();
    for d in &docs {
        records.extend(
            ctx.store
                .clauses(d)?
                .into_iter()
                .filter(|r| r.clause.kind == ClauseKind::Provision),
        );
    }
    let mut rows: Vec<FactRow> = Vec::new();
    for r in &records {
        let clause = &r.clause;
        // a clause filter on an article shows its provisions' figures
        if let Some(c) = &args.clause
            && clause.id != *c
            && clause.parent.as_deref() != Some(c.as_str())
        {
            continue;
        }
        for f in &r.analysis.figures {
            if role.is_some_and(|r| r != f.role) {
                continue;
            }
            rows.push(FactRow {
                clause: &clause.id,
                doc: &clause.doc,
                surface: &f.surface,
                display: f.display(),
                value: f.value,
                value_max: f.value_max,
                unit: f.unit,
                qualifier: f.qualifier,
                instrument: f.instrument.as_deref(),
                period: f.period.as_deref(),
                role: f.role,
                span: [f.span.start, f.span.end],
            });
        }
    }
    if args.json {
        print_json(&rows)?;
        return super::found(!rows.is_empty());
    }
    let mut out = super::human_out();
    if rows.is_empty() {
        writeln!(out, "no figures found")?;
        return super::found(false);
    }
    for r in &rows {
        let mut extra = String::new();
        if let Some(i) = r.instrument {
            let _ = write!(extra, " {i}");
        }
        if let Some(p) = r.period {
            let _ = write!(extra, " {p}");
        }
        writeln!(
            out,
            "{:<24} {:<10} {}{}   [{}]",
            r.clause,
            r.role.as_str(),
            r.display,
            extra,
            r.surface
        )?;
    }
    writeln!(out, "{} figures", rows.len())?;
    Ok(())
}

// ---------------------------------------------------------------- topics

/// Arguments of `policynav topics`.
#[derive(Debug, Args)]
pub struct TopicsArgs {
    /// Show the provisions of this measure type (id, Chinese or English name).
    #[arg(value_name = "TOPIC")]
    pub topic: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
struct TopicRow<'a> {
    id: &'a str,
    zh: &'a str,
    en: &'a str,
    total: usize,
    /// Provisions per document id.
    by_document: BTreeMap<&'a str, usize>,
    /// Provisions per jurisdiction.
    by_jurisdiction: BTreeMap<&'a str, usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provisions: Option<Vec<TopicProvision<'a>>>,
}

#[derive(Debug, Serialize)]
struct TopicProvision<'a> {
    id: &'a str,
    doc: &'a str,
    jurisdiction: &'a str,
    text: &'a str,
    figures: Vec<&'a Figure>,
}

pub(crate) fn topics(args: TopicsArgs, ctx: &Workspace) -> Result<()> {
    let taxonomy = &ctx.domain.rules.taxonomy;
    let only = match &args.topic {
        Some(t) => Some(taxonomy.get(t).ok_or_else(|| {
            anyhow!("no measure type {t:?} (see `policynav topics` for the list)")
        })?),
        None => None,
    };
    let documents: Vec<&crate::model::DocumentMeta> = ctx.store.documents().collect();
    let mut found: Vec<Vec<ClauseRecord>> = Vec::new();
    for topic in &taxonomy.topics {
        if only.is_some_and(|o| o.id != topic.id) {
            found.push(Vec::new());
            continue;
        }
        found.push(
            ctx.store
                .with_topic(&topic.id)?
                .into_iter()
                .filter(|r| r.clause.kind == ClauseKind::Provision)
                .collect(),
        );
    }
    let mut rows: Vec<TopicRow> = Vec::new();
    for (topic, records) in taxonomy.topics.iter().zip(&found) {
        if only.is_some_and(|o| o.id != topic.id) {
            continue;
        }
        let mut row = TopicRow {
            id: &topic.id,
            zh: &topic.zh,
            en: &topic.en,
            total: 0,
            by_document: documents.iter().map(|d| (d.id.as_str(), 0)).collect(),
            by_jurisdiction: documents
                .iter()
                .map(|d| (d.jurisdiction.as_str(), 0))
                .collect(),
            provisions: only.map(|_| Vec::new()),
        };
        for r in records {
            let Some(meta) = ctx.store.meta(&r.clause.doc) else {
                continue;
            };
            row.total += 1;
            *row.by_document.entry(&meta.id).or_insert(0) += 1;
            *row.by_jurisdiction.entry(&meta.jurisdiction).or_insert(0) += 1;
            if let Some(list) = &mut row.provisions {
                list.push(TopicProvision {
                    id: &r.clause.id,
                    doc: &meta.id,
                    jurisdiction: &meta.jurisdiction,
                    text: &r.clause.text,
                    figures: r.analysis.support().collect(),
                });
            }
        }
        rows.push(row);
    }
    if args.json {
        return print_json(&rows);
    }
    let mut out = super::human_out();
    if let Some(row) = rows.first().filter(|_| only.is_some()) {
        writeln!(
            out,
            "{} {} ({}) — {} provisions",
            row.id, row.zh, row.en, row.total
        )?;
        for p in row.provisions.iter().flatten() {
            let figs: Vec<Figure> = p.figures.iter().map(|f| (*f).clone()).collect();
            let figs = figures_line(&figs);
            writeln!(out, "  {:<24} {}", p.id, excerpt(p.text, EXCERPT_COLUMNS))?;
            if !figs.is_empty() {
                writeln!(out, "  {:<24} {figs}", "")?;
            }
        }
        return Ok(());
    }
    let docs: Vec<&str> = documents.iter().map(|d| d.id.as_str()).collect();
    let mut header = format!("{:<18} {:<6}", "type", "total");
    for d in &docs {
        let _ = write!(header, " {:>14}", d);
    }
    writeln!(out, "{header}  name")?;
    for r in &rows {
        let mut line = format!("{:<18} {:<6}", r.id, r.total);
        for d in &docs {
            let n = r.by_document.get(d).copied().unwrap_or(0);
            let _ = write!(
                line,
                " {:>14}",
                if n == 0 {
                    "·".to_string()
                } else {
                    n.to_string()
                }
            );
        }
        writeln!(out, "{line}  {} / {}", r.zh, r.en)?;
    }
    Ok(())
}

// ---------------------------------------------------------------- links

/// Arguments of `policynav links`.
#[derive(Debug, Args)]
pub struct LinksArgs {
    /// The provision id (`beijing-2024/6.5`).
    #[arg(value_name = "ID")]
    pub id: String,
    /// Show at most this many links.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn links(args: LinksArgs, ctx: &Workspace) -> Result<()> {
    let record = ctx
        .store
        .clause(&args.id)?
        .with_context(|| format!("no clause {:?} (see `policynav clauses`)", args.id))?;
    let clause = &record.clause;
    let all = ctx.store.links(&clause.id)?;
    let shown = &all[..all.len().min(args.limit)];
    if args.json {
        print_json(shown)?;
        // like `search --limit 0`: links exist though none is shown
        return super::found(!all.is_empty());
    }
    let jurisdiction = ctx
        .store
        .meta(&clause.doc)
        .map(|m| m.jurisdiction.clone())
        .unwrap_or_default();
    let lang = Lang::En;
    let mut out = super::human_out();
    writeln!(out, "{} ({jurisdiction})", clause.id)?;
    write!(out, "{}", wrap(&clause.text, EXCERPT_COLUMNS, "  "))?;
    if all.is_empty() {
        let others = ctx.store.len().saturating_sub(1);
        writeln!(
            out,
            "\nno equivalent measure in the other {others} documents"
        )?;
        return super::found(false);
    }
    for (rank, link) in shown.iter().enumerate() {
        writeln!(
            out,
            "\n{:>2}. {}  {}  {} · score {:.2}",
            rank + 1,
            link.id,
            link.jurisdiction,
            link.tier.label(lang),
            link.score
        )?;
        writeln!(out, "    {}", excerpt(&link.text, EXCERPT_COLUMNS))?;
        for r in &link.reasons {
            writeln!(out, "    · {}", r.text(lang))?;
        }
    }
    if shown.len() < all.len() {
        writeln!(out, "\n{} more (--limit)", all.len() - shown.len())?;
    }
    Ok(())
}

// ---------------------------------------------------------------- compare

/// Arguments of `policynav compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// A provision to compare with its equivalents (instead of --topic).
    #[arg(
        value_name = "ID",
        conflicts_with = "topic",
        required_unless_present = "topic"
    )]
    pub id: Option<String>,
    /// A measure type (id, Chinese or English name; see `policynav topics`).
    #[arg(long, value_name = "TOPIC")]
    pub topic: Option<String>,
    /// Only these documents, comma-separated.
    #[arg(long, value_name = "ID,…", value_delimiter = ',')]
    pub docs: Vec<String>,
    /// Status badges as of this date (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Print JSON.
    #[arg(long, conflicts_with = "md")]
    pub json: bool,
    /// Print a Markdown table.
    #[arg(long)]
    pub md: bool,
}

pub(crate) fn compare(args: CompareArgs, ctx: &Workspace) -> Result<()> {
    let as_of = match &args.as_of {
        Some(d) => crate::search::parse_date(d).context("--as-of")?,
        None => Workspace::today(),
    };
    let request = CompareRequest {
        topic: args.topic.clone(),
        clause: args.id.clone(),
        docs: args
            .docs
            .iter()
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())
            .collect(),
        as_of,
    };
    let cmp = crate::compare::compare(&ctx.store, ctx.compare_rules(), &request)?;
    if args.json {
        return print_json(&cmp);
    }
    let text = if args.md {
        comparison_markdown(ctx, &cmp, as_of)
    } else {
        comparison_text(ctx, &cmp, as_of)
    };
    super::human_out().write_all(text.as_bytes())?;
    Ok(())
}

fn comparison_title(ctx: &Workspace, cmp: &Comparison) -> String {
    match (&cmp.topic, &cmp.clause) {
        (Some(t), _) => match ctx.domain.rules.taxonomy.get(t) {
            Some(topic) => format!("{} {} ({})", topic.id, topic.zh, topic.en),
            None => t.clone(),
        },
        (None, Some(c)) => format!("equivalents of {c}"),
        (None, None) => String::new(),
    }
}

fn badge(v: Validity) -> String {
    format!("[{}]", v.en())
}

/// What the rows of a comparison mean, in one line.
fn rows_note(cmp: &Comparison) -> &'static str {
    if cmp.clause.is_some() {
        "row 1: the provision and its best equivalent in each document; further rows: the next candidates"
    } else {
        "one measure per row; — where a document has no equivalent"
    }
}

/// One clause's first line: where it is from, its id and its support figures.
fn clause_line(jurisdiction: &str, c: &ComparedClause) -> String {
    let figs = figures_line(&c.figures);
    if figs.is_empty() {
        format!("■ {jurisdiction} · {}", c.id)
    } else {
        format!("■ {jurisdiction} · {}   {figs}", c.id)
    }
}

/// Readable rows: the documents once, then row by row each document's provision or a
/// gap. A document with nothing at all is said so once, not on every row.
fn comparison_text(ctx: &Workspace, cmp: &Comparison, as_of: chrono::NaiveDate) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{} — as of {as_of}", comparison_title(ctx, cmp));
    let _ = writeln!(s, "{}\n", rows_note(cmp));
    let id_w = cmp.columns.iter().map(|c| c.doc.len()).max().unwrap_or(0);
    let jur_w = cmp
        .columns
        .iter()
        .map(|c| c.jurisdiction.chars().count() + badge(c.validity).len() + 1)
        .max()
        .unwrap_or(0);
    for col in &cmp.columns {
        let standing = format!("{} {}", col.jurisdiction, badge(col.validity));
        let title = excerpt(&col.title, EXCERPT_COLUMNS.saturating_sub(id_w + jur_w));
        let _ = writeln!(
            s,
            "  {:<id_w$}  {standing:<jur_w$}  {title}{}",
            col.doc,
            if col.clauses.is_empty() {
                " — nothing found"
            } else {
                ""
            }
        );
    }
    for row in 0..cmp.rows {
        let label = cmp
            .row_labels
            .get(row)
            .map(|l| l.en.as_str())
            .filter(|l| !l.is_empty())
            .map(|l| format!("{l} "))
            .unwrap_or_default();
        let rule = format!("── row {} of {} {label}", row + 1, cmp.rows);
        let fill = EXCERPT_COLUMNS.saturating_sub(rule.chars().count());
        let _ = writeln!(s, "\n{rule}{}", "─".repeat(fill));
        for col in cmp.columns.iter().filter(|c| !c.clauses.is_empty()) {
            match col.at_row(row) {
                Some(c) => {
                    let _ = writeln!(s, "{}", clause_line(&col.jurisdiction, c));
                    s.push_str(&wrap(&c.text, EXCERPT_COLUMNS, "    "));
                }
                None => {
                    let _ = writeln!(s, "□ {} · {}   —", col.jurisdiction, col.doc);
                }
            }
        }
    }
    s
}

fn md_cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// A Markdown table with one column per document and one row per measure; `—` marks
/// a gap, and a document with nothing at all says so on the first row.
fn comparison_markdown(ctx: &Workspace, cmp: &Comparison, as_of: chrono::NaiveDate) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "### {} — as of {as_of}\n\n{}\n",
        md_cell(&comparison_title(ctx, cmp)),
        rows_note(cmp)
    );
    let heads: Vec<String> = cmp
        .columns
        .iter()
        .map(|c| {
            md_cell(&format!(
                "{} ({}) {}",
                c.jurisdiction,
                c.doc,
                badge(c.validity)
            ))
        })
        .collect();
    let _ = writeln!(s, "| measure | {} |", heads.join(" | "));
    let _ = writeln!(s, "|{}", " --- |".repeat(heads.len() + 1));
    for row in 0..cmp.rows.max(1) {
        let label = cmp
            .row_labels
            .get(row)
            .map(|l| md_cell(&l.en))
            .unwrap_or_default();
        let cells: Vec<String> = cmp
            .columns
            .iter()
            .map(|col| match col.at_row(row) {
                Some(c) => {
                    let figs = figures_line(&c.figures);
                    let figs = if figs.is_empty() {
                        String::new()
                    } else {
                        format!(" **{}**", md_cell(&figs))
                    };
                    format!("`{}`{figs}<br>{}", c.id, md_cell(&c.text))
                }
                None if col.clauses.is_empty() && row == 0 => "*nothing found*".to_string(),
                None => "—".to_string(),
            })
            .collect();
        let _ = writeln!(s, "| {label} | {} |", cells.join(" | "));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_counts_cjk_as_two_cells_and_never_splits() {
        let e = excerpt("支持企业在A股上市", 8);
        assert_eq!(e, "支持企…");
        assert_eq!(excerpt("短", 8), "短");
    }

    #[test]
    fn wrap_keeps_lines_within_width() {
        let w = wrap("一二三四五六七八九十", 8, "");
        for line in w.lines() {
            let cells: usize = line.chars().map(|c| c.width().unwrap_or(0)).sum();
            assert!(cells <= 8, "{line}");
        }
        assert_eq!(w.lines().collect::<String>(), "一二三四五六七八九十");
        let w = wrap("每家总额不超过300万元", 16, "");
        assert!(w.lines().any(|l| l.contains("300")), "{w}");
        let w = wrap("一二三四五六七八，九十", 16, "");
        assert!(w.lines().next().is_some_and(|l| l.ends_with('，')), "{w}");
    }

    #[test]
    fn markdown_cells_escape_pipes() {
        assert_eq!(md_cell("a|b\nc"), "a\\|b c");
    }
}
