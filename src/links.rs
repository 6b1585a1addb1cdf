//! Stage 4 — cross-links: the same measure in every other jurisdiction, and the
//! side-by-side comparison of jurisdictions. API contract (bodies being built).

use std::collections::HashMap;

use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;

use crate::corpus::Validity;
use crate::facts::Figure;
use crate::workspace::Workspace;

/// A provision of another document that is probably the same measure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    /// Clause id of the linked provision.
    pub id: String,
    /// Its document id.
    pub doc: String,
    /// Its jurisdiction.
    pub jurisdiction: String,
    /// Its original text.
    pub text: String,
    /// How likely it is the same measure (higher is more likely).
    pub score: f32,
    /// Why, in words a consultant can check ("same figure: 最高300万元").
    pub reasons: Vec<String>,
    /// Its support figures.
    pub figures: Vec<Figure>,
}

/// Links for every provision, computed once per workspace.
#[derive(Debug, Clone, Default)]
pub struct LinkGraph {
    links: HashMap<String, Vec<Link>>,
}

impl LinkGraph {
    /// Computes the links of every provision of the workspace.
    pub fn build(ws: &Workspace) -> LinkGraph {
        let _ = ws;
        todo!("links")
    }

    /// The links of a provision, best first (empty for unknown ids).
    pub fn links(&self, id: &str) -> &[Link] {
        self.links.get(id).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// What to compare.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareRequest {
    /// A measure type id …
    pub topic: Option<String>,
    /// … or a provision, compared with its links.
    pub clause: Option<String>,
    /// Only these document ids (all when empty).
    pub docs: Vec<String>,
    /// Date for the status badges.
    pub as_of: NaiveDate,
}

/// One provision in a comparison column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComparedClause {
    /// Clause id.
    pub id: String,
    /// Original text.
    pub text: String,
    /// Its support figures.
    pub figures: Vec<Figure>,
}

/// One jurisdiction's document in a comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    /// Document id.
    pub doc: String,
    /// Jurisdiction.
    pub jurisdiction: String,
    /// Document title.
    pub title: String,
    /// Standing on the comparison date.
    pub validity: Validity,
    /// Its provisions for the measure; empty means "nothing found".
    pub clauses: Vec<ComparedClause>,
}

/// Jurisdictions side by side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The measure type compared, if any.
    pub topic: Option<String>,
    /// The provision compared, if any.
    pub clause: Option<String>,
    /// One column per document.
    pub columns: Vec<Column>,
}

/// Builds a comparison.
pub fn compare(ws: &Workspace, request: &CompareRequest) -> Result<Comparison> {
    let _ = (ws, request);
    todo!("compare")
}
