//! `policynav export`: write a clause digest in Markdown, CSV, JSON, HTML or DOCX.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use chrono::NaiveDate;
use clap::{ArgGroup, Args};

use crate::export::{self, Digest, Format, GroupBy, Options};
use crate::search::{Filters, SearchIndex, SearchRequest};
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
    /// Export the provisions a search finds (best first).
    #[arg(long, short = 'q', value_name = "QUERY")]
    pub query: Option<String>,
    /// Export every provision of a measure type (id, Chinese or English name).
    #[arg(long, value_name = "TOPIC")]
    pub topic: Option<String>,
    /// Export the digest collected in the navigator.
    #[arg(long)]
    pub digest: bool,
    /// Output format [default: from the --out file's extension, else md].
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,
    /// Write to this file ("-" for standard output, the default for text formats).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Group the clauses by measure type, jurisdiction or document.
    #[arg(long, value_enum, default_value = "topic")]
    pub group_by: GroupBy,
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
    /// With --query: export at most this many provisions (1 or more).
    #[arg(long, default_value_t = 20, value_name = "N", value_parser = at_least_one)]
    pub limit: usize,
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
    match out {
        Some(path) => {
            if !args.force && std::fs::symlink_metadata(path).is_ok() {
                bail!(
                    "{}: already exists; not overwritten (use --force to replace it)",
                    path.display()
                );
            }
        }
        None => {
            if format.is_binary() && std::io::stdout().is_terminal() {
                bail!(
                    "--format {} is binary: give --out FILE (or redirect the output)",
                    format.extension()
                );
            }
        }
    }
    let ids = select(&args, ws)?;
    let options = Options {
        format,
        group_by: args.group_by,
        with_links: args.with_links,
        simplified: args.simplified,
        as_of: args.as_of.unwrap_or_else(Workspace::today),
    };
    let report = export::model::build(ws, &ids, &options).map_err(|e| {
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
    let bytes = export::render_report(&report, format)?;
    match out {
        Some(path) => {
            export::write_file(path, &bytes, args.force)?;
            let n = report.len();
            let _ = writeln!(
                std::io::stderr(),
                "policynav: wrote {n} clause{} ({}) to {}",
                if n == 1 { "" } else { "s" },
                format.extension(),
                path.display()
            );
        }
        None => {
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
        let index = SearchIndex::open_or_build(ws, &mut |_| {})?;
        let results = index.search(&SearchRequest {
            query: query.clone(),
            filters: Filters::default(),
            limit: args.limit,
        })?;
        if results.hits.is_empty() {
            bail!("nothing to export: the search '{query}' found no provisions");
        }
        return Ok(results.hits.into_iter().map(|h| h.id).collect());
    }
    if let Some(key) = &args.topic {
        let Some(topic) = ws.taxonomy.get(key) else {
            bail!("unknown measure type '{key}' (see `policynav topics`)");
        };
        let ids: Vec<String> = ws
            .corpus
            .provisions()
            .filter(|(_, c)| ws.analysis.topics_of(&c.id).contains(&topic.id))
            .map(|(_, c)| c.id.clone())
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
