//! CLI commands (being built).

use anyhow::Result;
use clap::Args;

use crate::workspace::Workspace;

/// Arguments of `policynav docs`.
#[derive(Debug, Args)]
pub struct DocsArgs {}

pub(crate) fn docs(args: DocsArgs, ws: &Workspace) -> Result<()> {
    let _ = (args, ws);
    anyhow::bail!("docs: not implemented yet")
}

/// Arguments of `policynav clauses`.
#[derive(Debug, Args)]
pub struct ClausesArgs {}

pub(crate) fn clauses(args: ClausesArgs, ws: &Workspace) -> Result<()> {
    let _ = (args, ws);
    anyhow::bail!("clauses: not implemented yet")
}

/// Arguments of `policynav show`.
#[derive(Debug, Args)]
pub struct ShowArgs {}

pub(crate) fn show(args: ShowArgs, ws: &Workspace) -> Result<()> {
    let _ = (args, ws);
    anyhow::bail!("show: not implemented yet")
}

/// Arguments of `policynav add`.
#[derive(Debug, Args)]
pub struct AddArgs {}

/// Arguments of `policynav remove`.
#[derive(Debug, Args)]
pub struct RemoveArgs {}

pub(crate) fn add(args: AddArgs, locations: &crate::workspace::Locations) -> Result<()> {
    let _ = (args, locations);
    anyhow::bail!("add: not implemented yet")
}

pub(crate) fn remove(args: RemoveArgs, locations: &crate::workspace::Locations) -> Result<()> {
    let _ = (args, locations);
    anyhow::bail!("remove: not implemented yet")
}
