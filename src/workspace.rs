//! Where things live ([`Locations`]), and the [`Workspace`] every view works from: those
//! places, the opened store and the domain rules.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use directories::ProjectDirs;

use crate::corpus::CorpusSource;
use crate::pipeline::{Domain, StoreInfo};
use crate::store::Store;
use crate::topics::Taxonomy;

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
        // absolute, so that the store's stamps name the same files from any folder
        let absolute = |p: PathBuf| std::path::absolute(&p).unwrap_or(p);
        Ok(Locations {
            corpus: match corpus_source {
                CorpusSource::Folder(d) => CorpusSource::Folder(absolute(d)),
                CorpusSource::Bundled { user_dir } => CorpusSource::Bundled {
                    user_dir: absolute(user_dir),
                },
            },
            index_dir: absolute(index_dir),
            data_dir: absolute(data_dir),
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

/// What every view works from: where things live, the store (updated first if the
/// corpus changed) and the domain rules. Paths and wiring only: nothing here reads or
/// analyses the corpus, and nothing is read from the store until a view asks.
#[derive(Clone)]
pub struct Workspace {
    /// Where things live.
    pub locations: Locations,
    /// Measure types, frame rules and link settings.
    pub domain: Domain,
    /// The store.
    pub store: Store,
    /// What opening the store found or did.
    pub store_info: StoreInfo,
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace")
            .field("locations", &self.locations)
            .field("documents", &self.store.len())
            .finish()
    }
}

impl Workspace {
    /// Opens the store, building or updating it first when the corpus changed (see
    /// [`crate::pipeline`]).
    pub fn open(locations: Locations) -> Result<Workspace> {
        let (store, store_info) = crate::pipeline::open(&locations, false, &mut |_| {})?;
        Workspace::over(locations, store, store_info)
    }

    /// A workspace over a store already opened.
    pub fn over(locations: Locations, store: Store, store_info: StoreInfo) -> Result<Workspace> {
        let domain = Domain::load(&locations)?;
        Ok(Workspace {
            locations,
            domain,
            store,
            store_info,
        })
    }

    /// The measure-type taxonomy in use.
    pub fn taxonomy(&self) -> &Taxonomy {
        &self.domain.rules.taxonomy
    }

    /// The rules a comparison reads.
    pub fn compare_rules(&self) -> crate::compare::Rules<'_> {
        crate::compare::Rules {
            taxonomy: &self.domain.rules.taxonomy,
            frames: &self.domain.rules.frames,
            links: &self.domain.links,
        }
    }

    /// Today's date, the default for every "as of" question and the "made on" date
    /// of a digest. `$POLICYNAV_TODAY` (`YYYY-MM-DD`) overrides it, so that output
    /// can be reproduced (golden tests, re-issuing a digest as of a given day). Read
    /// by the CLI and the navigator at their edge; the stages take the date as input.
    pub fn today() -> chrono::NaiveDate {
        std::env::var(TODAY_ENV)
            .ok()
            .and_then(|v| chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok())
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }
}

pub use crate::analysis::load_taxonomy;
