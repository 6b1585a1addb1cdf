//! The terminal navigator (the default when run with no arguments).
//!
//! One state/update/render loop: [`state::App`] is plain data, [`action::Action`] says
//! what happened, [`update::update`] applies it and [`present::refresh`] brings what is
//! shown up to date; [`render::render`] only draws. Keys become actions through the
//! keymap in `keys.toml`, which also feeds the `?` help and the status-bar hints.
//!
//! The navigator reads the store page by page ([`data::Library`]): the document list
//! from the catalog, a document's clauses when it is looked at, links per clause; it
//! never holds the whole corpus. Work that would block (opening or updating the store,
//! searching, comparing, saving, exporting) runs on background threads ([`work`],
//! [`terminal`]) and reports back as actions.

pub mod action;
pub mod data;
pub mod digest_file;
pub mod input;
pub mod keymap;
pub mod layout;
pub mod present;
pub mod render;
pub mod state;
pub mod terminal;
pub mod update;
pub mod work;
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
