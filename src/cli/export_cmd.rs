//! CLI commands (being built).

use anyhow::Result;
use clap::Args;

use crate::workspace::Workspace;

/// Arguments of `policynav export`.
#[derive(Debug, Args)]
pub struct ExportArgs {}

pub(crate) fn export(args: ExportArgs, ws: &Workspace) -> Result<()> {
    let _ = (args, ws);
    anyhow::bail!("export: not implemented yet")
}

