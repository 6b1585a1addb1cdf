//! The workspace ties the stages together for the views (CLI and TUI): where things
//! live, the loaded corpus, and the per-clause analysis (figures, measure types).
//!
//! Both front ends open a [`Workspace`] and call the same library functions on it, so
//! neither has logic the other lacks.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context, Result};
use directories::ProjectDirs;

use crate::corpus::{Clause, Corpus, CorpusSource};
use crate::facts::{self, Figure};
use crate::links::{LinkGraph, LinkSettings};
use crate::topics::{self, Taxonomy};

/// Environment variable that overrides the platform data dir (user corpus, digest).
pub const DATA_DIR_ENV: &str = "POLICYNAV_DATA_DIR";
/// Environment variable that overrides the index location.
pub const INDEX_DIR_ENV: &str = "POLICYNAV_INDEX";
/// Environment variable that fixes "today" (`YYYY-MM-DD`), see [`Workspace::today`].
pub const TODAY_ENV: &str = "POLICYNAV_TODAY";

/// Where the corpus, the index and the user's data live. See the README's
/// "Where things live".
#[derive(Debug, Clone)]
pub struct Locations {
    /// The documents.
    pub corpus: CorpusSource,
    /// The search index folder.
    pub index_dir: PathBuf,
    /// Per-user data: added documents (`corpus/`), the TUI digest, exports.
    pub data_dir: PathBuf,
}

impl Locations {
    /// Resolves the locations from the global options and the environment.
    ///
    /// * corpus: `--corpus DIR`, else the bundled corpus plus `DATA/corpus`.
    /// * index: `--index DIR`, else `$POLICYNAV_INDEX`, else `DIR/../index` next to a
    ///   `--corpus DIR`, else `./index` when run from a policynav checkout, else the
    ///   platform cache dir.
    /// * data: `$POLICYNAV_DATA_DIR`, else the platform data dir.
    pub fn resolve(corpus: Option<&Path>, index: Option<&Path>) -> Result<Locations> {
        let dirs = ProjectDirs::from("", "", "policynav");
        let data_dir = match std::env::var_os(DATA_DIR_ENV) {
            Some(d) if !d.is_empty() => PathBuf::from(d),
            _ => dirs
                .as_ref()
                .map(|d| d.data_dir().to_path_buf())
                .context("cannot find a home directory for user data; set POLICYNAV_DATA_DIR")?,
        };
        let corpus_source = match corpus {
            Some(dir) => {
                if !dir.join("manifest.toml").is_file() {
                    anyhow::bail!(
                        "--corpus {}: no manifest.toml in that folder",
                        dir.display()
                    );
                }
                CorpusSource::Folder(dir.to_path_buf())
            }
            None => CorpusSource::Bundled {
                user_dir: data_dir.join("corpus"),
            },
        };
        let index_dir = if let Some(i) = index {
            i.to_path_buf()
        } else if let Some(i) = std::env::var_os(INDEX_DIR_ENV).filter(|v| !v.is_empty()) {
            PathBuf::from(i)
        } else if let Some(dir) = corpus {
            dir.join("index")
        } else if Path::new("corpus/manifest.toml").is_file() && Path::new("Cargo.toml").is_file() {
            PathBuf::from("index")
        } else {
            dirs.as_ref()
                .map(|d| d.cache_dir().join("index"))
                .unwrap_or_else(|| data_dir.join("index"))
        };
        Ok(Locations {
            corpus: corpus_source,
            index_dir,
            data_dir,
        })
    }

    /// The bundled corpus with everything else in `dir`: user data (and added documents,
    /// in `dir/data/corpus`) in `dir/data`, the index in `dir/index`. What a fresh user
    /// gets, kept apart from the real data dir: for tests, benchmarks and scripts.
    pub fn bundled_in(dir: &Path) -> Locations {
        let data_dir = dir.join("data");
        Locations {
            corpus: CorpusSource::Bundled {
                user_dir: data_dir.join("corpus"),
            },
            index_dir: dir.join("index"),
            data_dir,
        }
    }

    /// The folder whose domain files (`topics.toml`, `synonyms.toml`, `dict.txt`,
    /// `links.toml`, `cleaning.toml`) override the bundled ones, if any.
    pub fn domain_dir(&self) -> Option<&Path> {
        match &self.corpus {
            CorpusSource::Folder(d) => Some(d),
            CorpusSource::Bundled { .. } => None,
        }
    }
}

/// Figures and measure types of every clause, computed once when the workspace opens.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Figures per clause id.
    pub figures: HashMap<String, Vec<Figure>>,
    /// Measure-type ids per clause id.
    pub topics: HashMap<String, Vec<String>>,
}

impl Analysis {
    /// The figures and measure types of one clause, read from its measure text: the
    /// text without its agency list, since 市知识产权局 is no patent measure.
    pub fn of_clause(clause: &Clause, taxonomy: &Taxonomy) -> (Vec<Figure>, Vec<String>) {
        // One script conversion serves both (most measures are the whole clause text).
        let simplified = if clause.measure == clause.text {
            clause.normalized.clone()
        } else {
            crate::text::to_simplified(&clause.measure)
        };
        (
            facts::extract_converted(&clause.measure, &simplified),
            taxonomy.classify(&simplified),
        )
    }

    /// The figures of a clause (empty if none).
    pub fn figures_of(&self, id: &str) -> &[Figure] {
        self.figures.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The measure types of a clause (empty if none).
    pub fn topics_of(&self, id: &str) -> &[String] {
        self.topics.get(id).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// A loaded corpus with its analysis: what every view works from.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// Where things live.
    pub locations: Locations,
    /// The documents.
    pub corpus: Corpus,
    /// The measure-type taxonomy in use.
    pub taxonomy: Taxonomy,
    /// Figures and measure types per clause.
    pub analysis: Analysis,
    /// How cross-links are scored (`links.toml`).
    pub link_settings: LinkSettings,
    links: OnceLock<LinkGraph>,
}

impl Workspace {
    /// Loads the corpus and analyses it.
    pub fn open(locations: Locations) -> Result<Workspace> {
        crate::text::use_dictionary_of(locations.domain_dir())?;
        let taxonomy = load_taxonomy(locations.domain_dir())?;
        let link_settings = LinkSettings::load(locations.domain_dir())?;
        // each document is analysed on the thread that loaded it
        let mut documents = Vec::new();
        let mut analysis = Analysis::default();
        let warnings = Corpus::for_each_mapped(
            &locations.corpus,
            &|doc| {
                let of: Vec<_> = doc
                    .clauses
                    .iter()
                    .map(|c| Analysis::of_clause(c, &taxonomy))
                    .collect();
                (doc, of)
            },
            &mut |(doc, of)| {
                for (clause, (figures, topics)) in doc.clauses.iter().zip(of) {
                    analysis.figures.insert(clause.id.clone(), figures);
                    analysis.topics.insert(clause.id.clone(), topics);
                }
                documents.push(doc);
                Ok(())
            },
        )?;
        let corpus = Corpus {
            documents,
            warnings,
        };
        Ok(Workspace {
            locations,
            corpus,
            taxonomy,
            analysis,
            link_settings,
            links: OnceLock::new(),
        })
    }

    /// The cross-links of every provision, computed on first use and then kept.
    pub fn links(&self) -> &LinkGraph {
        self.links.get_or_init(|| LinkGraph::build(self))
    }

    /// Today's date, the default for every "as of" question and the "made on" date
    /// of a digest. `$POLICYNAV_TODAY` (`YYYY-MM-DD`) overrides it, so that output
    /// can be reproduced (golden tests, re-issuing a digest as of a given day).
    pub fn today() -> chrono::NaiveDate {
        std::env::var(TODAY_ENV)
            .ok()
            .and_then(|v| chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok())
            .unwrap_or_else(|| chrono::Local::now().date_naive())
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
