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
//! The views, [`cli`] and [`tui`], both work from one [`workspace::Workspace`].
//! Chinese text handling shared by all stages lives in [`text`]; the domain types and their labels in [`model`].

pub mod analysis;
pub mod cli;
pub mod compare;
pub mod corpus;
pub mod export;
pub mod facts;
pub mod links;
pub mod model;
pub mod pipeline;
pub mod search;
pub mod store;
pub mod text;
pub mod topics;
pub mod tui;
pub mod workspace;
