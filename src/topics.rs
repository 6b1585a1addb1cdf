//! Stage 2b — measure types: the taxonomy in `corpus/topics.toml` and the rules that
//! assign clauses to it.

use anyhow::Result;
use serde::Serialize;

/// The bundled taxonomy file.
pub const BUNDLED_TOPICS: &str = include_str!("../corpus/topics.toml");

/// One measure type (listing support, trade fairs, IP-pledge finance …).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Topic {
    /// Stable id used on the command line (`listing`).
    pub id: String,
    /// Chinese name (上市挂牌).
    pub zh: String,
    /// English name.
    pub en: String,
}

/// The loaded taxonomy.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// Measure types in file order.
    pub topics: Vec<Topic>,
}

impl Taxonomy {
    /// Parses a taxonomy; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Taxonomy> {
        let _ = (text, origin);
        todo!("taxonomy")
    }

    /// The measure types whose rules match this normalised (Simplified) text.
    pub fn classify(&self, normalized: &str) -> Vec<String> {
        let _ = normalized;
        todo!("classify")
    }

    /// The topic with this id (or Chinese/English name).
    pub fn get(&self, key: &str) -> Option<&Topic> {
        self.topics
            .iter()
            .find(|t| t.id == key || t.zh == key || t.en.eq_ignore_ascii_case(key))
    }
}
