//! How cross-links are found and scored: `corpus/links.toml`, validated at start with
//! errors that name the file and line.

use anyhow::{Context, Result, anyhow};
use serde::Deserialize;

use crate::text;

/// The bundled settings (`corpus/links.toml`).
pub const BUNDLED_LINK_SETTINGS: &str = include_str!("../../corpus/links.toml");

/// How links are found and scored.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSettings {
    /// Candidate retrieval (stage one).
    pub candidates: CandidateSettings,
    /// Weights of the evidence (stage two).
    pub weights: Weights,
    /// Where the tiers begin.
    pub tiers: TierSettings,
    /// Term filtering.
    pub terms: TermSettings,
}

/// Stage one: one bounded query per provision against the store.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidateSettings {
    /// How many candidates the query returns (top K).
    pub k: usize,
    /// How many of the provision's most distinctive terms the query holds.
    pub query_terms: usize,
    /// Boost of a shared frame trigger in the query, relative to a term.
    pub trigger_boost: f32,
    /// Boost of a shared support figure in the query.
    pub figure_boost: f32,
    /// How many postings the query reads in full, rarest keys first; the keys left
    /// only check the best accumulators (see `store::candidates`). A settings file
    /// written before these existed gets the defaults.
    #[serde(default = "default_postings")]
    pub postings: usize,
    /// How many of the best partial candidates the keys left check.
    #[serde(default = "default_accumulators")]
    pub accumulators: usize,
}

fn default_postings() -> usize {
    8_192
}

fn default_accumulators() -> usize {
    256
}

/// Weights of the evidence.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    /// Weight of the measure frames' agreement (trigger, then instrument).
    pub frame: f32,
    /// Weight of shared measure types, each weighted by its rarity.
    pub types: f32,
    /// Weight of the tf-idf cosine of distinctive terms.
    pub terms: f32,
    /// Weight of a shared support figure (only with a shared frame or type).
    pub figure: f32,
    /// Weight of the basis agreeing (按比例 on both sides).
    pub basis: f32,
    /// Weight of article-heading terms relative to the provision's own terms.
    pub heading: f32,
    /// Weight of the terms of the provision just before in the same article.
    pub context: f32,
    /// Frame agreement when the triggers agree and the instruments differ.
    pub other_instrument: f32,
    /// Frame agreement when the triggers agree and one side names no instrument.
    pub missing_instrument: f32,
    /// Frame agreement when the triggers differ but are of one family.
    pub same_family: f32,
    /// Share of a candidate's hubness above the corpus mean taken off its score.
    pub hub_penalty: f32,
    /// How many nearest candidates define a provision's hubness.
    pub hub_neighbours: usize,
    /// At most this many links are kept per provision.
    pub max_links: usize,
}

/// Where the tiers begin.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierSettings {
    /// A link is *same measure* when both provisions support the same thing with the
    /// same kind of instrument and its score reaches this …
    pub same: f32,
    /// … or when they support the same thing, one of them naming no instrument, and
    /// its score reaches this (the words must then agree more).
    pub same_partial: f32,
    /// A link is *related measure* at this score or above; below it nothing is shown.
    pub related: f32,
    /// In a comparison by measure type, provisions share a row when the links between
    /// them (each way, summed) are at least this strong.
    pub row_min_strength: f32,
}

/// Which terms take part in lexical similarity.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermSettings {
    /// Terms removed before weighting (Simplified).
    pub stopwords: Vec<String>,
    /// Also count the dictionary sub-words of compounds (证券交易所 → 证券, 交易所).
    pub subwords: bool,
    /// Weight of overlapping two-character pieces of the Han text (0 leaves them out).
    pub bigrams: f32,
    /// Terms found in more than this share of provisions are left out.
    pub max_share: f32,
}

impl LinkSettings {
    /// Parses settings; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<LinkSettings> {
        let mut s: LinkSettings = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|sp| text[..sp.start.min(text.len())].matches('\n').count() + 1);
            match line {
                Some(l) => anyhow!("{origin}:{l}: {}", e.message().trim()),
                None => anyhow!("{origin}: {}", e.message().trim()),
            }
        })?;
        let w = &s.weights;
        for (name, v) in [
            ("weights.frame", w.frame),
            ("weights.types", w.types),
            ("weights.terms", w.terms),
            ("weights.figure", w.figure),
            ("weights.basis", w.basis),
            ("weights.heading", w.heading),
            ("weights.context", w.context),
            ("weights.other_instrument", w.other_instrument),
            ("weights.missing_instrument", w.missing_instrument),
            ("weights.same_family", w.same_family),
            ("weights.hub_penalty", w.hub_penalty),
            ("tiers.same", s.tiers.same),
            ("tiers.same_partial", s.tiers.same_partial),
            ("tiers.related", s.tiers.related),
            ("tiers.row_min_strength", s.tiers.row_min_strength),
            ("candidates.trigger_boost", s.candidates.trigger_boost),
            ("candidates.figure_boost", s.candidates.figure_boost),
            ("terms.bigrams", s.terms.bigrams),
            ("terms.max_share", s.terms.max_share),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(anyhow!("{origin}: {name} must be a number ≥ 0"));
            }
        }
        if s.tiers.related > s.tiers.same {
            return Err(anyhow!(
                "{origin}: tiers.related ({}) must not be above tiers.same ({})",
                s.tiers.related,
                s.tiers.same
            ));
        }
        if s.candidates.k == 0 || s.candidates.query_terms == 0 {
            return Err(anyhow!(
                "{origin}: candidates.k and candidates.query_terms must be at least 1"
            ));
        }
        if s.candidates.postings < s.candidates.k || s.candidates.accumulators < s.candidates.k {
            return Err(anyhow!(
                "{origin}: candidates.postings and candidates.accumulators must be at least candidates.k ({})",
                s.candidates.k
            ));
        }
        s.terms.stopwords = s
            .terms
            .stopwords
            .iter()
            .map(|w| text::to_simplified(w.trim()))
            .collect();
        Ok(s)
    }

    /// The settings of a `--corpus` folder's `links.toml` if it has one, else the
    /// bundled ones.
    pub fn load(dir: Option<&std::path::Path>) -> Result<LinkSettings> {
        match dir.map(|d| d.join("links.toml")).filter(|p| p.is_file()) {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("{}: cannot read", path.display()))?;
                LinkSettings::parse(&text, &path.display().to_string())
            }
            None => Ok(LinkSettings::bundled()),
        }
    }

    /// The bundled settings.
    pub fn bundled() -> LinkSettings {
        LinkSettings::parse(BUNDLED_LINK_SETTINGS, "corpus/links.toml (bundled)")
            .unwrap_or_else(|e| panic!("{e:#}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_settings_are_valid() {
        let s = LinkSettings::bundled();
        assert!(s.tiers.same >= s.tiers.related);
        assert!(s.candidates.k >= 5);
    }

    #[test]
    fn errors_name_file_and_line() {
        let text = BUNDLED_LINK_SETTINGS.replace("k = ", "k = \"x\" # ");
        let err = LinkSettings::parse(&text, "my/links.toml")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("my/links.toml:"), "{err}");
        let text = BUNDLED_LINK_SETTINGS.replace("related = ", "related = 9.0 # ");
        let err = LinkSettings::parse(&text, "my/links.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("tiers.related"), "{err}");
    }
}
