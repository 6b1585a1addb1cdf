//! The scriptable command line. Every subcommand is a thin view over the library:
//! parse flags, open the [`Workspace`](crate::workspace::Workspace), call a stage,
//! print (human text or `--json`).

mod analysis_cmd;
mod corpus_cmd;
mod export_cmd;
mod search_cmd;
pub mod terminal;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

use crate::workspace::{Locations, Workspace};

/// policynav: search, cross-link, compare and export Chinese SME-support policy clauses,
/// offline. Run with no command to open the terminal navigator.
#[derive(Debug, Parser)]
#[command(name = "policynav", version, about, long_about = None)]
pub struct Cli {
    /// Use this folder (with its manifest.toml) instead of the bundled corpus and user additions.
    #[arg(long, global = true, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// Keep the search index in this folder.
    #[arg(long, global = true, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// What to do; none opens the navigator.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the documents with their metadata and status.
    Docs(corpus_cmd::DocsArgs),
    /// List every article and provision.
    Clauses(corpus_cmd::ClausesArgs),
    /// Show one document, article or provision.
    Show(corpus_cmd::ShowArgs),
    /// Add a document of your own to your corpus.
    Add(corpus_cmd::AddArgs),
    /// Remove a document you added.
    Remove(corpus_cmd::RemoveArgs),
    /// Build (or rebuild) the search index.
    Index(search_cmd::IndexArgs),
    /// Search provisions across documents and scripts.
    Search(search_cmd::SearchArgs),
    /// List the figures (amounts, ratios) found in clauses.
    Facts(analysis_cmd::FactsArgs),
    /// List measure types with their provisions per jurisdiction.
    Topics(analysis_cmd::TopicsArgs),
    /// The same measure in other jurisdictions.
    Links(analysis_cmd::LinksArgs),
    /// Compare jurisdictions side by side for a measure type or a provision.
    Compare(analysis_cmd::CompareArgs),
    /// Export a clause digest (md, csv, json, html, docx).
    Export(export_cmd::ExportArgs),
    /// Open the terminal navigator (the default).
    Tui,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(DocsForShell),
    /// Print the man page (roff).
    Man,
}

/// Arguments of `policynav completions`.
#[derive(Debug, clap::Args)]
pub struct DocsForShell {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Writes what `policynav completions` and `policynav man` print, from the clap
/// definitions, so the help, the completions and the man page cannot disagree.
fn write_docs(command: &Command) -> Result<()> {
    use clap::CommandFactory;
    let mut cli = Cli::command();
    let mut out = std::io::stdout().lock();
    match command {
        Command::Completions(a) => {
            clap_complete::generate(a.shell, &mut cli, "policynav", &mut out);
        }
        _ => clap_mangen::Man::new(cli).render(&mut out)?,
    }
    out.flush()?;
    Ok(())
}

/// Runs the command line and returns the process exit code: 0 on success, 1 when
/// `search`, `links` or `facts` found nothing (like grep and rg), 2 on an error.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            if err.downcast_ref::<NothingFound>().is_some() {
                return ExitCode::from(1);
            }
            if let Some(stopped) = err.downcast_ref::<crate::tui::Stopped>() {
                let _ = writeln!(std::io::stderr(), "policynav: {stopped}");
                return ExitCode::from(128u8.saturating_add(stopped.signal.clamp(0, 127) as u8));
            }
            let message = format!("{err:#}");
            let _ = writeln!(
                std::io::stderr(),
                "policynav: {}",
                terminal::terminal_safe(&message)
            );
            ExitCode::from(2)
        }
    }
}

/// A command found nothing and has said so: the process exits with status 1.
#[derive(Debug)]
pub(crate) struct NothingFound;

impl std::fmt::Display for NothingFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("nothing found")
    }
}

impl std::error::Error for NothingFound {}

/// `Ok` when something was found, else [`NothingFound`].
pub(crate) fn found(any: bool) -> Result<()> {
    if any {
        Ok(())
    } else {
        Err(NothingFound.into())
    }
}

fn run(cli: Cli) -> Result<()> {
    check_today()?;
    if let Some(c @ (Command::Completions(_) | Command::Man)) = &cli.command {
        return write_docs(c);
    }
    let locations = Locations::resolve(cli.corpus.as_deref(), cli.index.as_deref())?;
    match cli.command {
        None | Some(Command::Tui) => crate::tui::run(locations),
        Some(Command::Add(args)) => corpus_cmd::add(args, &locations),
        Some(Command::Remove(args)) => corpus_cmd::remove(args, &locations),
        // Answered from the index alone: the corpus is read only if the index must be built.
        Some(Command::Index(args)) => search_cmd::index(args, &locations),
        Some(Command::Search(args)) => search_cmd::search(args, &locations),
        Some(command) => {
            let ctx = Workspace::open(locations)?;
            print_warnings(&ctx.store.head().info.warnings());
            let done = match command {
                Command::Export(a) => export_cmd::export(a, &ctx),
                Command::Docs(a) => corpus_cmd::docs(a, &ctx),
                Command::Clauses(a) => corpus_cmd::clauses(a, &ctx),
                Command::Show(a) => corpus_cmd::show(a, &ctx),
                Command::Facts(a) => analysis_cmd::facts(a, &ctx),
                Command::Topics(a) => analysis_cmd::topics(a, &ctx),
                Command::Links(a) => analysis_cmd::links(a, &ctx),
                Command::Compare(a) => analysis_cmd::compare(a, &ctx),
                Command::Add(_)
                | Command::Remove(_)
                | Command::Index(_)
                | Command::Search(_)
                | Command::Completions(_)
                | Command::Man
                | Command::Tui => {
                    unreachable!("handled above")
                }
            };
            // the process ends here: the operating system takes back the store's maps
            // and the catalog at once (freeing 10,000 entries one by one took milliseconds)
            std::mem::forget(ctx);
            done
        }
    }
}

/// An invalid `$POLICYNAV_TODAY` is an error, not the system date in disguise (an
/// empty one counts as unset).
fn check_today() -> Result<()> {
    let name = crate::workspace::TODAY_ENV;
    let Some(value) = std::env::var_os(name) else {
        return Ok(());
    };
    let text = value.to_string_lossy();
    if text.trim().is_empty() || chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").is_ok()
    {
        return Ok(());
    }
    anyhow::bail!("{name}={text:?} is not a date like 2024-06-01 (unset it to use today's date)")
}

/// Prints the documents left out of the corpus, one line each, on stderr.
pub(crate) fn print_warnings(warnings: &[crate::corpus::LoadWarning]) {
    let mut err = std::io::stderr().lock();
    for w in warnings {
        let line = w.to_string();
        let _ = writeln!(
            err,
            "policynav: warning: {}",
            terminal::terminal_safe(&line)
        );
    }
}

/// Writes JSON to stdout, pretty-printed, followed by a newline. Control characters in
/// the strings are escaped by JSON itself, so the output is exact and still safe.
pub(crate) fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value).map_err(|e| match e.io_error_kind() {
        // keep the I/O error itself, so that a closed pipe is recognised as one
        Some(kind) => anyhow::Error::new(std::io::Error::from(kind)),
        None => anyhow::Error::new(e),
    })?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// Standard output for text made of document text: control characters and terminal
/// escape sequences a document may hold are dropped ([`terminal::terminal_safe`]).
pub(crate) fn human_out() -> terminal::SafeWriter<std::io::StdoutLock<'static>> {
    terminal::SafeWriter::new(std::io::stdout().lock())
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
