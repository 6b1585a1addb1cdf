//! `policynav index` and `policynav search`.

use std::io::{IsTerminal, Write};

use anyhow::{Context, Result};
use clap::Args;
use serde::Serialize;

use super::terminal::terminal_safe;
use crate::search::{
    self, BuildProgress, Filters, Hit, IndexInfo, SearchIndex, SearchOptions, SearchRequest,
    SearchResults, Sort,
};
use crate::workspace::{Locations, Workspace};

/// Arguments of `policynav index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Rebuild even if the index is up to date.
    #[arg(long, conflicts_with = "check")]
    pub rebuild: bool,
    /// Check every file of the index (checksums, counts) now; a damaged index is rebuilt.
    #[arg(long)]
    pub check: bool,
    /// Print what was done as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn index(args: IndexArgs, locations: &Locations) -> Result<()> {
    let mut progress = progress_printer(!args.json);
    let index = if args.rebuild {
        SearchIndex::rebuild_at(locations, &mut progress)?
    } else if args.check {
        let (_, store, info) = crate::pipeline::check(locations, &mut progress)?;
        let vocabulary = crate::text::Vocabulary::load(locations.domain_dir())?;
        SearchIndex::over(store, info, vocabulary)
    } else {
        SearchIndex::open_or_build_at(locations, &mut progress)?
    };
    super::print_warnings(&index.store().head().info.warnings());
    let info = index.info();
    if args.json {
        return super::print_json(info);
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", describe(info))?;
    Ok(())
}

/// One line saying what `policynav index` did.
fn describe(info: &IndexInfo) -> String {
    let size = format!("{:.1} MB", info.size_bytes as f64 / 1_048_576.0);
    let what = format!(
        "{} clauses, {:.1} MB of text, index {size} in {}",
        info.clauses,
        info.text_bytes as f64 / 1_048_576.0,
        info.dir.display()
    );
    let secs = info.took_ms.unwrap_or(0) as f64 / 1000.0;
    let line = match info.action.as_str() {
        "built" => format!(
            "indexed {what} ({:.2} s, {:.1} MB/s; reason: {})",
            secs.max(1e-3),
            info.text_bytes as f64 / 1_048_576.0 / secs.max(1e-3),
            info.reason.as_deref().unwrap_or("forced")
        ),
        "updated" => format!(
            "updated the index in place ({:.2} s; {}): {what}",
            secs,
            info.reason.as_deref().unwrap_or("")
        ),
        _ => format!("index up to date: {what}"),
    };
    match &info.check {
        Some(c) if c == "ok" => format!("every file checked: ok; {line}"),
        Some(c) => format!("the index was {c}; {line}"),
        None => line,
    }
}

/// Reports building progress on stderr when it is a terminal (never in --json mode).
fn progress_printer(enabled: bool) -> impl FnMut(BuildProgress) {
    let enabled = enabled && std::io::stderr().is_terminal();
    let mut shown = false;
    move |p| {
        if !enabled {
            return;
        }
        let mut err = std::io::stderr().lock();
        match p {
            BuildProgress::Indexing { done, total } => {
                shown = true;
                let _ = write!(err, "\rindexing {done}/{total} documents…");
            }
            BuildProgress::Ready if shown => {
                let _ = writeln!(err);
            }
            _ => {}
        }
    }
}

/// Arguments of `policynav search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to look for, in any script: words, "exact phrases", -excluded words,
    /// a OR b, and field:value filters (doc:, jurisdiction:, level:, topic:, status:,
    /// as-of:, min-amount:).
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    pub query: Vec<String>,
    /// Only these documents (ids as listed by `policynav docs`; several: a,b).
    #[arg(long, value_name = "ID,...")]
    pub doc: Option<String>,
    /// Only these jurisdictions (Beijing, 北京, 浙江省 …; several: Baotou,Beijing).
    #[arg(long, value_name = "J,...")]
    pub jurisdiction: Option<String>,
    /// Only these levels: province, municipality, city, district (or 省, 直辖市, 市, 区).
    #[arg(long, value_name = "L,...")]
    pub level: Option<String>,
    /// Only these measure types (id, Chinese or English name, as listed by `policynav
    /// topics`: listing, 认定奖励 …).
    #[arg(long, value_name = "T,...")]
    pub topic: Option<String>,
    /// Only documents with this standing: in-force, draft, expired, not-yet-in-force
    /// (or 现行有效, 征求意见稿 …).
    #[arg(long, value_name = "S,...")]
    pub status: Option<String>,
    /// The date for --status (default today), YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Only provisions offering support of at least this amount (100万, 1.5亿, 500000).
    #[arg(long, value_name = "AMOUNT")]
    pub min_amount: Option<String>,
    /// Order of the hits: score (best match), amount (largest support first) or date
    /// (newest document first).
    #[arg(long, default_value = "score", value_name = "ORDER", value_parser = ["score", "amount", "date"])]
    pub sort: String,
    /// Show at most this many hits (0: none, only how many match).
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Print the results as JSON (shape: README.md, "Searching").
    #[arg(long)]
    pub json: bool,
    /// With --json: why each hit ranks where it does (text score, literal or by its
    /// measure, frame, measure-ness, heading, final score).
    #[arg(long)]
    pub explain: bool,
    /// Colour the highlights: auto (in a terminal, unless NO_COLOR is set), always or
    /// never. Without colour, highlights are marked 【like this】.
    #[arg(long, default_value = "auto", value_name = "WHEN", value_parser = ["auto", "always", "never"])]
    pub color: String,
}

/// The `--json` output of `policynav search`.
#[derive(Debug, Serialize)]
struct SearchOutput<'a> {
    query: &'a str,
    #[serde(flatten)]
    results: &'a SearchResults,
}

/// Every value of a filter option (`a,b`), each parsed.
fn values<T>(
    option: &str,
    text: Option<&str>,
    parse: impl Fn(&str) -> Result<T>,
) -> Result<Vec<T>> {
    text.map(search::split_values)
        .unwrap_or_default()
        .into_iter()
        .map(|v| parse(v).with_context(|| format!("--{option}")))
        .collect()
}

pub(crate) fn search(args: SearchArgs, locations: &Locations) -> Result<()> {
    let text = |v: &str| -> Result<String> { Ok(v.to_string()) };
    let filters = Filters {
        doc: values("doc", args.doc.as_deref(), text)?,
        jurisdiction: values("jurisdiction", args.jurisdiction.as_deref(), text)?,
        level: values("level", args.level.as_deref(), search::parse_level)?,
        topic: values("topic", args.topic.as_deref(), text)?,
        status: values("status", args.status.as_deref(), search::parse_validity)?,
        as_of: args
            .as_of
            .as_deref()
            .map(search::parse_date)
            .transpose()
            .context("--as-of")?,
        min_amount: match args.min_amount.as_deref() {
            Some(a) => {
                let amount = search::figures::parse_amount(a).with_context(|| {
                    format!("--min-amount {a}: not an amount (try 100万 or 1000000)")
                })?;
                if !amount.is_finite() || amount < 0.0 {
                    anyhow::bail!("--min-amount {a}: an amount cannot be negative");
                }
                Some(amount)
            }
            None => None,
        },
        ..Filters::default()
    };
    let options = SearchOptions {
        sort: Sort::parse(&args.sort)?,
        explain: args.explain,
    };
    let query = args.query.join(" ");
    // statuses are judged on --as-of, else on today, read here once
    let filters = Filters {
        today: Some(Workspace::today()),
        ..filters
    };
    let index = SearchIndex::open_or_build_at(locations, &mut progress_printer(!args.json))?;
    super::print_warnings(&index.store().head().info.warnings());
    let request = SearchRequest {
        query: query.clone(),
        filters,
        limit: args.limit.max(1),
    };
    let mut results = index.search_with(&request, &options)?;
    // --limit 0 asks how many match, like `rg --max-count 0` shows no line
    let any = !results.hits.is_empty();
    results.hits.truncate(args.limit);
    if args.json {
        super::print_json(&SearchOutput {
            query: &query,
            results: &results,
        })?;
    } else {
        let colour = match args.color.as_str() {
            "always" => true,
            "never" => false,
            _ => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        };
        let mut out = std::io::stdout().lock();
        print_human(&mut out, &query, &results, colour)?;
    }
    // the process ends here: its maps and catalog go back to the system at once
    std::mem::forget(index);
    super::found(any)
}

fn print_human(
    out: &mut impl Write,
    query: &str,
    results: &SearchResults,
    colour: bool,
) -> Result<()> {
    let query = terminal_safe(query);
    for note in &results.notes {
        writeln!(out, "note: {}", terminal_safe(note))?;
    }
    if results.total == 0 {
        writeln!(out, "no provision matches {query}")?;
        return Ok(());
    }
    let shown = results.hits.len();
    let matched = match results.total {
        1 => "1 provision matches".to_string(),
        n => format!("{n} provisions match"),
    };
    if shown == 0 {
        writeln!(out, "{matched} {query} (none shown)")?;
    } else if shown < results.total {
        writeln!(out, "{matched} {query} (best {shown} shown):")?;
    } else {
        writeln!(out, "{matched} {query}:")?;
    }
    for (n, hit) in results.hits.iter().enumerate() {
        writeln!(out)?;
        write_hit(out, n + 1, hit, colour)?;
    }
    Ok(())
}

fn write_hit(out: &mut impl Write, n: usize, hit: &Hit, colour: bool) -> Result<()> {
    let heading = match hit.heading.as_deref().map(str::trim) {
        Some(h) if !h.is_empty() => format!(" · {}", terminal_safe(h)),
        _ => String::new(),
    };
    let (bold, reset) = if colour {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    writeln!(
        out,
        "{n:>2}. {bold}{}{reset}  {}{heading}  ({:.2})",
        terminal_safe(&hit.id),
        terminal_safe(&hit.jurisdiction),
        hit.score
    )?;
    writeln!(out, "    {}", highlighted(&hit.snippet, colour))?;
    Ok(())
}

/// The snippet with its highlights as ANSI colour, or between 【】 when not a terminal.
/// The document's own control characters and escape sequences are dropped.
fn highlighted(snippet: &search::Snippet, colour: bool) -> String {
    let (open, close) = if colour {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("【", "】")
    };
    let text = &snippet.text;
    let mut s = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for r in &snippet.highlights {
        if r.start < at
            || r.end > text.len()
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
        {
            continue;
        }
        s.push_str(&terminal_safe(&text[at..r.start]));
        s.push_str(open);
        s.push_str(&terminal_safe(&text[r.clone()]));
        s.push_str(close);
        at = r.end;
    }
    s.push_str(&terminal_safe(&text[at..]));
    s.replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_become_markers_without_a_terminal() {
        let snippet = search::Snippet {
            text: "…支持企业上市，给予补贴".into(),
            highlights: vec![15..21, 30..36],
        };
        assert_eq!(
            highlighted(&snippet, false),
            "…支持企业【上市】，给予【补贴】"
        );
        assert_eq!(
            highlighted(&snippet, true),
            "…支持企业\x1b[1;33m上市\x1b[0m，给予\x1b[1;33m补贴\x1b[0m"
        );
        // the document's own escapes never reach the terminal, ours do
        let hostile = search::Snippet {
            text: "支持\x1b]0;x\x07企业\x1b[2J上市".into(),
            highlights: vec![12..18, 22..28],
        };
        assert_eq!(
            highlighted(&hostile, true),
            "支持\x1b[1;33m企业\x1b[0m\x1b[1;33m上市\x1b[0m"
        );
    }
}
