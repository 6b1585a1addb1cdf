//! # policynav
//!
//! Offline navigation of Chinese government SME-support policies (专精特新 measures and
//! the like): search clauses across jurisdictions and scripts, see the equivalent
//! measure in every other city or province, compare jurisdictions side by side, and
//! export a clause digest.
//!
//! The library is a one-way pipeline of plain data; each stage can be used without
//! the ones after it:
//!
//! | stage | module | produces |
//! |---|---|---|
//! | load, clean, structure | [`corpus`] | [`corpus::Document`], [`corpus::Clause`] |
//! | figures | [`facts`] | [`facts::Figure`] |
//! | measure types | [`topics`] | [`topics::Topic`] |
//! | full-text index | [`search`] | search hits |
//! | equivalent measures | [`links`] | cross-links |
//! | digest | [`export`] | md / csv / json / html / docx |
//!
//! The store ([`store`], built by [`pipeline`]) is one tantivy index holding every
//! stage's output; the views, [`cli`] and [`tui`], read it and never the corpus.
//! Chinese text handling shared by all stages lives in [`text`]; the domain types and
//! their labels in [`model`].
//!
//! ## The library in one program
//!
//! Open (here: build) the store of the bundled corpus, search it, follow a hit's
//! cross-links, export the hit with its equivalents (the same program is
//! `examples/tour.rs`):
//!
//! ```
//! use policynav::export::{self, Format, Options};
//! use policynav::search::{SearchIndex, SearchRequest};
//! use policynav::workspace::{Locations, Workspace};
//!
//! # fn main() -> anyhow::Result<()> {
//! let dir = tempfile::tempdir()?;
//! let locations = Locations::bundled_in(dir.path());
//! let index = SearchIndex::open_or_build_at(&locations, &mut |_| {})?;
//! let results = index.search(&SearchRequest {
//!     query: "上市补贴".into(),
//!     limit: 3,
//!     ..SearchRequest::default()
//! })?;
//! let hit = &results.hits[0];
//! let links = index.store().links(&hit.id)?;
//! assert!(links.iter().all(|l| l.doc != hit.doc), "equivalents are in other documents");
//!
//! let ws = Workspace::open(locations)?;
//! let mut ids = vec![hit.id.clone()];
//! ids.extend(links.iter().map(|l| l.id.clone()));
//! let options = Options { with_links: true, ..Options::new(Format::Md, Workspace::today()) };
//! let digest = String::from_utf8(export::render(&ws.store, ws.taxonomy(), &ids, &options)?)?;
//! assert!(digest.contains(&hit.id));
//! # Ok(())
//! # }
//! ```

pub mod analysis;
pub mod cli;
pub mod compare;
pub mod corpus;
pub mod export;
pub mod facts;
pub mod links;
pub mod lockfile;
pub mod model;
pub mod pipeline;
pub mod search;
pub mod store;
pub mod text;
pub mod topics;
pub mod tui;
pub mod workspace;
