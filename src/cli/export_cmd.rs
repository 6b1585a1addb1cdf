//! `policynav export`: write a clause digest in Markdown, CSV, Excel, JSON, HTML or Word.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use chrono::NaiveDate;
use clap::{ArgGroup, Args};

use crate::export::{self, Digest, Format, GroupBy, Options, Target};
use crate::model::{ClauseKind, Lang};
use crate::search::{Filters, Hit, SearchIndex, SearchRequest};
use crate::workspace::Workspace;

/// Arguments of `policynav export`.
#[derive(Debug, Args)]
#[command(group(
    ArgGroup::new("selection")
        .required(true)
        .args(["ids", "query", "topic", "digest"]),
))]
pub struct ExportArgs {
    /// Clause ids to export, in this order. A provision id is exported as is; an
    /// article id stands for its provisions (or itself when it has none); a document
    /// id stands for all of its provisions.
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,
    /// Export the provisions a search finds (best first; equal scores by clause id).
    #[arg(long, short = 'q', value_name = "QUERY")]
    pub query: Option<String>,
    /// Export every provision of a measure type (id, Chinese or English name).
    #[arg(long, value_name = "TOPIC")]
    pub topic: Option<String>,
    /// Export the digest collected in the navigator, in its order (clauses no longer in
    /// the corpus are left out with a warning).
    #[arg(long)]
    pub digest: bool,
    /// Output format [default: from the --out file's extension, else md].
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,
    /// Write to this file ("-" for standard output, the default for text formats).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Keep the clauses in the order collected (none), or group them by measure type,
    /// jurisdiction or document.
    #[arg(long, value_enum, default_value = "none")]
    pub group_by: GroupBy,
    /// Language of every label and heading: zh (default) or en.
    #[arg(long, value_name = "LANG", default_value = "zh", value_parser = parse_lang)]
    pub lang: Lang,
    /// Add each clause's equivalent measures in other documents (top 3) with their figures.
    #[arg(long)]
    pub with_links: bool,
    /// Show the texts in Simplified characters instead of as printed.
    #[arg(long)]
    pub simplified: bool,
    /// Date for the documents' status (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<NaiveDate>,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
    /// CSV: keep every cell exactly as printed, even one a spreadsheet would run as a
    /// formula (by default such cells get a leading ').
    #[arg(long)]
    pub csv_raw: bool,
    /// With --query: export at most this many provisions (1 or more).
    #[arg(long, default_value_t = 20, value_name = "N", value_parser = at_least_one)]
    pub limit: usize,
}

/// Parses `--lang`.
pub(crate) fn parse_lang(text: &str) -> Result<Lang, String> {
    Lang::parse(text).ok_or_else(|| format!("unknown language {text:?}: use zh or en"))
}

fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("an export of 0 provisions would be empty; give 1 or more".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{s:?} is not a number")),
    }
}

pub(crate) fn export(args: ExportArgs, ws: &Workspace) -> Result<()> {
    let out = args.out.as_deref().filter(|p| *p != Path::new("-"));
    let format = args
        .format
        .or_else(|| out.and_then(format_of))
        .unwrap_or(Format::Md);
    // Refuse early, before any work, when the output cannot be written.
    let target = match out {
        Some(path) => Some(export::target(path, args.force)?),
        None => {
            if format.is_binary() && std::io::stdout().is_terminal() {
                bail!(
                    "--format {} is binary: give --out FILE (or redirect the output)",
                    format.extension()
                );
            }
            None
        }
    };
    let ids = select(&args, ws)?;
    let options = Options {
        format,
        group_by: args.group_by,
        with_links: args.with_links,
        simplified: args.simplified,
        as_of: args.as_of.unwrap_or_else(Workspace::today),
        made_on: Workspace::today(),
        lang: args.lang,
        csv_raw: args.csv_raw,
        // ids typed on the command line must exist; the navigator's digest may name
        // clauses of a document removed since
        skip_missing: args.digest,
    };
    let report = export::model::build(&ws.store, ws.taxonomy(), &ids, &options).map_err(|e| {
        if args.digest {
            // the ids come from the navigator, not from the command line
            e.context(format!(
                "the navigator digest {}",
                Digest::path(&ws.locations.data_dir).display()
            ))
        } else {
            e
        }
    })?;
    if !report.left_out.is_empty() {
        let n = report.left_out.len();
        let _ = writeln!(
            std::io::stderr(),
            "policynav: warning: {n} clause{} of the digest {} no longer in the corpus and {} left out: {}",
            if n == 1 { "" } else { "s" },
            if n == 1 { "is" } else { "are" },
            if n == 1 { "was" } else { "were" },
            report.left_out.join(", ")
        );
    }
    let bytes = export::render_report(&report, &options)?;
    match (out, target) {
        (Some(path), Some(target)) => {
            export::write_to(&target, path, &bytes)?;
            if let Target::Atomic { .. } = target {
                let n = report.len();
                let _ = writeln!(
                    std::io::stderr(),
                    "policynav: wrote {n} clause{} ({}) to {}",
                    if n == 1 { "" } else { "s" },
                    format.extension(),
                    path.display()
                );
            }
        }
        _ => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&bytes)?;
            stdout.flush()?;
        }
    }
    Ok(())
}

/// The format a file name asks for (`digest.docx` → DOCX), if its extension is known.
fn format_of(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    [
        Format::Md,
        Format::Csv,
        Format::Json,
        Format::Html,
        Format::Docx,
        Format::Xlsx,
    ]
    .into_iter()
    .find(|f| {
        f.extension() == ext
            || (ext == "markdown" && *f == Format::Md)
            || (ext == "htm" && *f == Format::Html)
    })
}

/// The clause ids the arguments select, before article/document expansion.
fn select(args: &ExportArgs, ws: &Workspace) -> Result<Vec<String>> {
    if let Some(query) = &args.query {
        return query_ids(query, args.limit, ws);
    }
    if let Some(key) = &args.topic {
        let Some(topic) = ws.taxonomy().get(key) else {
            bail!("unknown measure type '{key}' (see `policynav topics`)");
        };
        let ids: Vec<String> = ws
            .store
            .with_topic(&topic.id)?
            .into_iter()
            .filter(|r| r.clause.kind == ClauseKind::Provision)
            .map(|r| r.clause.id)
            .collect();
        if ids.is_empty() {
            bail!(
                "nothing to export: no provision has the measure type '{}'",
                topic.id
            );
        }
        return Ok(ids);
    }
    if args.digest {
        let digest = Digest::load(&ws.locations.data_dir)?;
        if digest.ids.is_empty() {
            bail!(
                "nothing to export: the digest ({}) is empty; add clauses in the navigator first",
                Digest::path(&ws.locations.data_dir).display()
            );
        }
        return Ok(digest.ids);
    }
    if args.ids.is_empty() {
        bail!("nothing to export: give clause ids, --query, --topic or --digest");
    }
    Ok(args.ids.clone())
}

/// The provisions a search finds, best first, equal scores in clause-id order (so the
/// same `--limit` picks the same clauses on every run).
///
/// When no provision has every word of the query, the search falls back to provisions
/// with any of them. A digest is a deliverable: from that fallback it keeps only the
/// provisions that have at least half of the query's words of two characters or more,
/// and refuses when none does (`不存在的词汇xyz` must not become a digest of provisions
/// that merely contain 不, 的 or 存在).
fn query_ids(query: &str, limit: usize, ws: &Workspace) -> Result<Vec<String>> {
    if limit == 0 {
        bail!("--limit must be at least 1");
    }
    let index = SearchIndex::open_or_build(ws, &mut |_| {})?;
    let mut fetch = limit.saturating_mul(2).saturating_add(16);
    let (mut hits, notes) = loop {
        let results = index.search(&SearchRequest {
            query: query.to_string(),
            filters: Filters::default(),
            limit: fetch,
        })?;
        // more hits may tie with the last one kept: ask for more until they cannot
        let ties_beyond = results.hits.len() == fetch
            && results.hits.len() < results.total
            && results.hits.get(limit - 1).map(|h| h.score) == results.hits.last().map(|h| h.score);
        if !ties_beyond {
            break (results.hits, results.notes);
        }
        fetch = fetch.saturating_mul(2);
    };
    if hits.is_empty() {
        bail!("nothing to export: the search '{query}' found no provisions");
    }
    let any_word = notes.iter().any(|n| n.contains("any of them"));
    if any_word {
        let words = query_words(query);
        let need = words.len().div_ceil(2).max(1);
        let before = hits.len();
        hits.retain(|h| shared_words(h, &words) >= need);
        if hits.is_empty() {
            bail!(
                "nothing to export: no provision has the words of '{query}' (the closest share only single characters or fewer than half of its words)"
            );
        }
        let _ = writeln!(
            std::io::stderr(),
            "policynav: note: no provision has every word of '{query}'; exporting those with at least half of them ({} of {before} hits)",
            hits.len().min(limit)
        );
    }
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    hits.truncate(limit);
    Ok(hits.into_iter().map(|h| h.id).collect())
}

/// The query's distinct words of two characters or more, in Simplified script.
fn query_words(query: &str) -> Vec<String> {
    let simplified = crate::text::to_simplified(query);
    let mut words: Vec<String> = crate::text::jieba()
        .cut(&simplified, true)
        .into_iter()
        .map(|t| t.word.trim().to_lowercase())
        .filter(|w| w.chars().filter(|c| c.is_alphanumeric()).count() >= 2)
        .collect();
    words.sort();
    words.dedup();
    words
}

/// How many of `words` the hit's text has (in Simplified script).
fn shared_words(hit: &Hit, words: &[String]) -> usize {
    let text = crate::text::to_simplified(&hit.text).to_lowercase();
    words.iter().filter(|w| text.contains(w.as_str())).count()
}
