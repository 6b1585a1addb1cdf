//! CLI commands (being built).

use anyhow::Result;
use clap::Args;

use crate::workspace::Workspace;

/// Arguments of `policynav facts`.
#[derive(Debug, Args)]
pub struct FactsArgs {}

pub(crate) fn facts(args: FactsArgs, ws: &Workspace) -> Result<()> {
    let _ = (args, ws);
    anyhow::bail!("facts: not implemented yet")
}

/// Arguments of `policynav topics`.
#[derive(Debug, Args)]
pub struct TopicsArgs {}

pub(crate) fn topics(args: TopicsArgs, ws: &Workspace) -> Result<()> {
    let _ = (args, ws);
    anyhow::bail!("topics: not implemented yet")
}

/// Arguments of `policynav links`.
#[derive(Debug, Args)]
pub struct LinksArgs {}

pub(crate) fn links(args: LinksArgs, ws: &Workspace) -> Result<()> {
    let _ = (args, ws);
    anyhow::bail!("links: not implemented yet")
}

/// Arguments of `policynav compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {}

pub(crate) fn compare(args: CompareArgs, ws: &Workspace) -> Result<()> {
    let _ = (args, ws);
    anyhow::bail!("compare: not implemented yet")
}

