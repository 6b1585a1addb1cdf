//! The terminal navigator (the default when run with no arguments).

use anyhow::Result;

use crate::workspace::Locations;

/// Runs the navigator until the user quits; the terminal is always restored.
pub fn run(locations: Locations) -> Result<()> {
    let _ = locations;
    anyhow::bail!("the terminal navigator is not implemented yet")
}
