//! CLI commands (being built).

use anyhow::Result;
use clap::Args;

use crate::workspace::Workspace;

/// Arguments of `policynav index`.
#[derive(Debug, Args)]
pub struct IndexArgs {}

pub(crate) fn index(args: IndexArgs, ws: &Workspace) -> Result<()> {
    let _ = (args, ws);
    anyhow::bail!("index: not implemented yet")
}

/// Arguments of `policynav search`.
#[derive(Debug, Args)]
pub struct SearchArgs {}

pub(crate) fn search(args: SearchArgs, ws: &Workspace) -> Result<()> {
    let _ = (args, ws);
    anyhow::bail!("search: not implemented yet")
}

