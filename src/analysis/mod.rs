//! Stage 2 — analysis: what each clause says, read once when the store is built.
//!
//! * figures (amounts and ratios with their roles): [`crate::facts`];
//! * measure types (the taxonomy of `corpus/topics.toml`): [`crate::topics`];
//! * measure frames (what is supported, with what, how, for whom): [`frames`].

pub mod frames;

use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::facts::{self, Figure, Role};
use crate::model::Clause;
use crate::topics::{self, Taxonomy};
pub use frames::{Frame, FrameRules};

/// What the analysis found in one clause.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClauseAnalysis {
    /// Every figure of its measure text, with its role.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub figures: Vec<Figure>,
    /// Measure-type ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<String>,
    /// Measure frames.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub frames: Vec<Frame>,
}

impl ClauseAnalysis {
    /// The support figures only (money or ratios the government gives).
    pub fn support(&self) -> impl Iterator<Item = &Figure> {
        self.figures.iter().filter(|f| f.role == Role::Support)
    }
}

/// The rules the analysis reads clauses with.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Measure types.
    pub taxonomy: Taxonomy,
    /// Measure frames.
    pub frames: FrameRules,
}

impl Rules {
    /// The rules of a `--corpus` folder (its `topics.toml` and `frames.toml` replace the
    /// bundled ones), else the bundled rules.
    pub fn load(dir: Option<&Path>) -> Result<Rules> {
        Ok(Rules {
            taxonomy: load_taxonomy(dir)?,
            frames: FrameRules::load(dir)?,
        })
    }

    /// Analyses one clause, from its measure text: the text without its agency list,
    /// since 市知识产权局 is no patent measure.
    pub fn analyze(&self, clause: &Clause) -> ClauseAnalysis {
        // One script conversion serves all (most measures are the whole clause text).
        let simplified = if clause.measure == clause.text {
            clause.normalized.clone()
        } else {
            crate::text::to_simplified(&clause.measure)
        };
        ClauseAnalysis {
            figures: facts::extract_converted(&clause.measure, &simplified),
            topics: self.taxonomy.classify(&simplified),
            frames: self.frames.frames(&simplified),
        }
    }
}

/// The taxonomy of a `--corpus` folder if it has one, else the bundled one.
pub fn load_taxonomy(dir: Option<&Path>) -> Result<Taxonomy> {
    if let Some(path) = dir.map(|d| d.join("topics.toml")).filter(|p| p.is_file()) {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        return Taxonomy::parse(&text, &path.display().to_string());
    }
    Taxonomy::parse(topics::BUNDLED_TOPICS, "corpus/topics.toml (bundled)")
}
