//! The terminal navigator (the default when run with no arguments).
//!
//! One state/update/render loop: [`state::App`] is plain data, [`action::Action`] says
//! what happened, [`update::update`] applies it and [`render::render`] draws the state.
//! Keys become actions through the keymap in `keys.toml`, which also feeds the `?` help
//! and the status-bar hints. Search, index building, cross-links and jieba loading run
//! on background threads and report back as actions ([`terminal`]).

pub mod action;
pub mod input;
pub mod keymap;
pub mod layout;
pub mod render;
pub mod state;
pub mod terminal;
pub mod update;
pub mod wrap;

pub use action::Action;
pub use render::render;
pub use state::App;
pub use terminal::Stopped;
pub use update::update;

use anyhow::Result;

use crate::workspace::Locations;

/// Runs the navigator until the user quits; the terminal is always restored.
pub fn run(locations: Locations) -> Result<()> {
    terminal::run(locations)
}
