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
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    bound(deserialize = "S: Deserialize<'de>")
)]
pub enum Reason<S = String> {
    /// Both support the same thing (the trigger of their measure frames), perhaps with
    /// the same kind of instrument.
    SameFrame {
        /// What is rewarded or supported, in Chinese (上市).
        trigger_zh: S,
        /// The same, in English (stock-exchange listing).
        trigger_en: S,
        /// The instrument family both use, in Chinese (奖励/补贴), if they agree.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        instrument_zh: Option<S>,
        /// The same, in English (grant).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        instrument_en: Option<S>,
        /// How the amount is set, when both set it the same way (按比例, 每家).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        basis_zh: Option<S>,
        /// The same, in English.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        basis_en: Option<S>,
    },
    /// Both pay the same support figure.
    SameFigure {
        /// The figure as shown (最高300万元).
        figure: S,
    },
    /// Both are of these measure types.
    SameTypes {
        /// Chinese names of the measure types.
        zh: Vec<S>,
        /// English names.
        en: Vec<S>,
    },
    /// Distinctive words both use.
    SharedTerms {
        /// The words, as printed.
        terms: Vec<S>,
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
/// (its text, jurisdiction and figures are read from the store when shown). Its
/// strings are owned (`String`, as read back) or borrowed (`&str`, as a build writes
/// them without copying the names of triggers, types and terms into every link).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "S: Deserialize<'de>"))]
pub struct StoredLink<S = String> {
    /// Clause id of the linked provision.
    pub id: S,
    /// Its document id.
    pub doc: S,
    /// Score after the hubness correction (0–1).
    pub score: f32,
    /// Same measure or related measure.
    pub tier: Tier,
    /// Why.
    pub reasons: Vec<Reason<S>>,
}

impl<S: AsRef<str>> Reason<S> {
    /// The same reason with owned strings.
    pub fn owned(&self) -> Reason {
        let own = |s: &S| s.as_ref().to_string();
        let all = |v: &[S]| v.iter().map(own).collect();
        match self {
            Reason::SameFrame {
                trigger_zh,
                trigger_en,
                instrument_zh,
                instrument_en,
                basis_zh,
                basis_en,
            } => Reason::SameFrame {
                trigger_zh: own(trigger_zh),
                trigger_en: own(trigger_en),
                instrument_zh: instrument_zh.as_ref().map(own),
                instrument_en: instrument_en.as_ref().map(own),
                basis_zh: basis_zh.as_ref().map(own),
                basis_en: basis_en.as_ref().map(own),
            },
            Reason::SameFigure { figure } => Reason::SameFigure {
                figure: own(figure),
            },
            Reason::SameTypes { zh, en } => Reason::SameTypes {
                zh: all(zh),
                en: all(en),
            },
            Reason::SharedTerms { terms } => Reason::SharedTerms { terms: all(terms) },
        }
    }
}

impl<S: AsRef<str>> StoredLink<S> {
    /// The same link with owned strings.
    pub fn owned(&self) -> StoredLink {
        StoredLink {
            id: self.id.as_ref().to_string(),
            doc: self.doc.as_ref().to_string(),
            score: self.score,
            tier: self.tier,
            reasons: self.reasons.iter().map(Reason::owned).collect(),
        }
    }
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

    /// A build writes links with borrowed strings; what is read back is the same link
    /// with owned ones, every reason intact.
    #[test]
    fn borrowed_links_are_stored_as_owned_ones_read_back() {
        let borrowed = StoredLink {
            id: "b/2.1",
            doc: "b",
            score: 0.8,
            tier: Tier::Same,
            reasons: vec![
                Reason::SameFrame {
                    trigger_zh: "上市",
                    trigger_en: "stock-exchange listing",
                    instrument_zh: Some("奖励/补贴"),
                    instrument_en: Some("grant"),
                    basis_zh: None,
                    basis_en: None,
                },
                Reason::SameFigure {
                    figure: "最高300万元",
                },
                Reason::SameTypes {
                    zh: vec!["上市挂牌"],
                    en: vec!["listing"],
                },
                Reason::SharedTerms {
                    terms: vec!["上市", "辅导"],
                },
            ],
        };
        let json = serde_json::to_string(&borrowed).expect("serialises");
        let read: StoredLink = serde_json::from_str(&json).expect("reads back");
        assert_eq!(read, borrowed.owned());
        assert_eq!(json, serde_json::to_string(&read).expect("serialises"));
        assert_eq!(
            read.reasons[0].text(Lang::Zh),
            "均支持上市,均以奖励/补贴方式"
        );
    }
}
