//! Query vocabulary: Taiwan/Mainland word equivalences and query synonyms
//! (`corpus/synonyms.toml`).

use super::script::to_simplified;

/// The bundled query vocabulary (`corpus/synonyms.toml`).
pub const BUNDLED_SYNONYMS: &str = include_str!("../../corpus/synonyms.toml");

/// Word groups used to widen a query, from `synonyms.toml`. Every word is stored in
/// Simplified.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vocabulary {
    /// The same word in Mainland and Taiwan vocabulary (支持 / 支援): applied to bare
    /// words and inside quoted phrases. The first word of a group is the Mainland form.
    pub equivalences: Vec<Vec<String>>,
    /// Different words accepted for one another (展会 / 博览会): bare words only.
    pub synonyms: Vec<Vec<String>>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct VocabularyFile {
    #[serde(default)]
    equivalence: Vec<WordGroup>,
    #[serde(default)]
    synonym: Vec<WordGroup>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct WordGroup {
    words: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

impl Vocabulary {
    /// Parses a `synonyms.toml`; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> anyhow::Result<Vocabulary> {
        let file: VocabularyFile =
            toml::from_str(text).map_err(|e| anyhow::anyhow!("{origin}: {e}"))?;
        let groups = |kind: &str, groups: Vec<WordGroup>| -> anyhow::Result<Vec<Vec<String>>> {
            groups
                .into_iter()
                .enumerate()
                .map(|(i, g)| {
                    let mut words: Vec<String> = Vec::new();
                    for w in g.words {
                        let w = to_simplified(w.trim()).to_lowercase();
                        if !w.is_empty() && !words.contains(&w) {
                            words.push(w);
                        }
                    }
                    if words.len() < 2 {
                        anyhow::bail!(
                            "{origin}: [[{kind}]] number {} needs at least two different words",
                            i + 1
                        );
                    }
                    Ok(words)
                })
                .collect()
        };
        Ok(Vocabulary {
            equivalences: groups("equivalence", file.equivalence)?,
            synonyms: groups("synonym", file.synonym)?,
        })
    }

    /// The bundled vocabulary.
    pub fn bundled() -> Vocabulary {
        Vocabulary::parse(BUNDLED_SYNONYMS, "corpus/synonyms.toml (bundled)")
            .expect("the bundled synonyms.toml is valid (checked by a test)")
    }

    /// `dir/synonyms.toml` when `dir` is given and has one, else the bundled vocabulary.
    pub fn load(dir: Option<&std::path::Path>) -> anyhow::Result<Vocabulary> {
        if let Some(path) = dir.map(|d| d.join("synonyms.toml")).filter(|p| p.is_file()) {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", path.display()))?;
            return Vocabulary::parse(&text, &path.display().to_string());
        }
        Ok(Vocabulary::bundled())
    }

    /// The Mainland form of a (Simplified) word if it is Taiwan vocabulary
    /// (支援 → 支持), else the word itself.
    pub fn mainland<'a>(&'a self, word: &'a str) -> &'a str {
        self.equivalences
            .iter()
            .find(|g| g.iter().any(|w| w == word))
            .map(|g| g[0].as_str())
            .unwrap_or(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_vocabulary_keeps_equivalences_and_synonyms_apart() {
        let v = Vocabulary::bundled();
        assert!(
            v.equivalences
                .iter()
                .any(|g| g.contains(&"支援".to_string()))
        );
        assert!(
            v.equivalences
                .iter()
                .any(|g| g.contains(&"网际网路".to_string()))
        );
        assert!(v.synonyms.iter().any(|g| g.contains(&"博览会".to_string())));
        assert!(
            !v.equivalences
                .iter()
                .any(|g| g.contains(&"博览会".to_string()))
        );
        assert_eq!(v.mainland("支援"), "支持");
        assert_eq!(v.mainland("补贴"), "补贴");
    }

    #[test]
    fn vocabulary_errors_name_the_file() {
        let err =
            Vocabulary::parse("[[synonym]]\nwords = [\"展会\"]\n", "my/synonyms.toml").unwrap_err();
        assert!(err.to_string().contains("my/synonyms.toml"), "{err}");
    }
}
