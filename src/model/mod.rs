//! The domain's plain data types, defined once and shared by every stage: a policy
//! [`Document`] with its [`DocumentMeta`], its chapters and its clauses (articles and
//! provisions, [`Clause`]), and the words a view shows for them ([`labels`]).

mod document;
pub mod labels;
pub mod link;

pub use document::*;
pub use labels::{Labelled, Lang};
pub use link::{Link, Reason, StoredLink, Tier};
