//! A cross-link: a provision of another document that is the same measure (or a related
//! one), with the evidence a consultant can check.

use serde::{Deserialize, Serialize};

use super::labels::{Labelled, Lang};
use crate::facts::Figure;

/// How close a linked provision is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// 同一措施: the same thing is rewarded or supported, with the same kind of support.
    Same,
    /// 相关措施: the same area of support, but not the same measure.
    Related,
}

impl Labelled for Tier {
    const ALL: &'static [Self] = &[Tier::Same, Tier::Related];
    fn id(self) -> &'static str {
        match self {
            Tier::Same => "same",
            Tier::Related => "related",
        }
    }
    fn zh(self) -> &'static str {
        match self {
            Tier::Same => "同一措施",
            Tier::Related => "相关措施",
        }
    }
    fn en(self) -> &'static str {
        match self {
            Tier::Same => "same measure",
            Tier::Related => "related measure",
        }
    }
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Tier::Same => &["same-measure", "同一", "相同措施"],
            Tier::Related => &["related-measure", "相关"],
        }
    }
}

/// One piece of evidence that two provisions are the same measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Reason {
    /// Both support the same thing (the trigger of their measure frames), perhaps with
    /// the same kind of instrument.
    SameFrame {
        /// What is rewarded or supported, in Chinese (上市).
        trigger_zh: String,
        /// The same, in English (stock-exchange listing).
        trigger_en: String,
        /// The instrument family both use, in Chinese (奖励/补贴), if they agree.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        instrument_zh: Option<String>,
        /// The same, in English (grant).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        instrument_en: Option<String>,
        /// How the amount is set, when both set it the same way (按比例, 每家).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        basis_zh: Option<String>,
        /// The same, in English.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        basis_en: Option<String>,
    },
    /// Both pay the same support figure.
    SameFigure {
        /// The figure as shown (最高300万元).
        figure: String,
    },
    /// Both are of these measure types.
    SameTypes {
        /// Chinese names of the measure types.
        zh: Vec<String>,
        /// English names.
        en: Vec<String>,
    },
    /// Distinctive words both use.
    SharedTerms {
        /// The words, as printed.
        terms: Vec<String>,
    },
}

impl Reason {
    /// The reason in words, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (
                Reason::SameFrame {
                    trigger_zh,
                    instrument_zh,
                    basis_zh,
                    ..
                },
                Lang::Zh,
            ) => {
                let mut s = format!("均支持{trigger_zh}");
                if let Some(i) = instrument_zh {
                    s.push_str(&format!(",均以{i}方式"));
                }
                if let Some(b) = basis_zh {
                    s.push_str(&format!(",{b}"));
                }
                s
            }
            (
                Reason::SameFrame {
                    trigger_en,
                    instrument_en,
                    basis_en,
                    ..
                },
                Lang::En,
            ) => {
                let mut s = format!("both support {trigger_en}");
                if let Some(i) = instrument_en {
                    s.push_str(&format!(" with a {i}"));
                }
                if let Some(b) = basis_en {
                    s.push_str(&format!(", {b}"));
                }
                s
            }
            (Reason::SameFigure { figure }, Lang::Zh) => format!("支持额度相同:{figure}"),
            (Reason::SameFigure { figure }, Lang::En) => format!("same figure: {figure}"),
            (Reason::SameTypes { zh, .. }, Lang::Zh) => format!("同属措施类型:{}", zh.join("、")),
            (Reason::SameTypes { en, .. }, Lang::En) => {
                format!("same measure type: {}", en.join(", "))
            }
            (Reason::SharedTerms { terms }, Lang::Zh) => format!("共同用语:{}", terms.join("、")),
            (Reason::SharedTerms { terms }, Lang::En) => {
                format!("shared terms: {}", terms.join(", "))
            }
        }
    }
}

/// A link as the store keeps it: the linked provision's id, score, tier and reasons
/// (its text, jurisdiction and figures are read from the store when shown).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredLink {
    /// Clause id of the linked provision.
    pub id: String,
    /// Its document id.
    pub doc: String,
    /// Score after the hubness correction (0–1).
    pub score: f32,
    /// Same measure or related measure.
    pub tier: Tier,
    /// Why.
    pub reasons: Vec<Reason>,
}

/// A provision of another document that is the same (or a related) measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// Clause id of the linked provision.
    pub id: String,
    /// Its document id.
    pub doc: String,
    /// Its jurisdiction.
    pub jurisdiction: String,
    /// Its original text.
    pub text: String,
    /// How likely it is the same measure (higher is more likely; 0–1).
    pub score: f32,
    /// Same measure or related measure.
    pub tier: Tier,
    /// Why, as evidence a consultant can check.
    pub reasons: Vec<Reason>,
    /// Its support figures.
    pub figures: Vec<Figure>,
}

impl Link {
    /// The reasons in words, joined, in `lang`.
    pub fn why(&self, lang: Lang) -> String {
        let sep = match lang {
            Lang::Zh => ";",
            Lang::En => "; ",
        };
        self.reasons
            .iter()
            .map(|r| r.text(lang))
            .collect::<Vec<_>>()
            .join(sep)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_in_both_languages() {
        let r = Reason::SameFrame {
            trigger_zh: "上市".into(),
            trigger_en: "stock-exchange listing".into(),
            instrument_zh: Some("奖励/补贴".into()),
            instrument_en: Some("grant".into()),
            basis_zh: None,
            basis_en: None,
        };
        assert_eq!(r.text(Lang::Zh), "均支持上市,均以奖励/补贴方式");
        assert_eq!(
            r.text(Lang::En),
            "both support stock-exchange listing with a grant"
        );
        assert_eq!(Tier::parse("同一措施"), Some(Tier::Same));
    }
}
