//! The words shown for the domain's enumerations, defined once: the stable id used on
//! the command line and in JSON, the Chinese label a consultant writes, and an English
//! label. Every view (CLI, navigator, export) takes its words from here.

use super::{ClauseKind, Level, Status, Validity};

/// The language of labels in a view or an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Chinese (the default of deliverables).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Parses `zh` / `en` (also `中文`, `english`).
    pub fn parse(text: &str) -> Option<Lang> {
        match text.trim().to_ascii_lowercase().as_str() {
            "zh" | "cn" | "zh-cn" | "chinese" | "中文" => Some(Lang::Zh),
            "en" | "english" => Some(Lang::En),
            _ => None,
        }
    }

    /// `zh` or `en`.
    pub fn id(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

/// Something with an id, a Chinese and an English label.
pub trait Labelled: Sized + Copy + 'static {
    /// Every value, in display order.
    const ALL: &'static [Self];
    /// The stable id (command line, JSON, CSS classes).
    fn id(self) -> &'static str;
    /// The Chinese label.
    fn zh(self) -> &'static str;
    /// The English label.
    fn en(self) -> &'static str;
    /// Other words a user may type for it.
    fn aliases(self) -> &'static [&'static str] {
        &[]
    }

    /// The label in `lang`.
    fn label(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh(),
            Lang::En => self.en(),
        }
    }

    /// The value whose id, label or alias is `text` (case-insensitive; Traditional
    /// Chinese accepted).
    fn parse(text: &str) -> Option<Self> {
        let t = crate::text::to_simplified(text.trim())
            .to_lowercase()
            .replace('_', "-");
        Self::ALL.iter().copied().find(|v| {
            v.id() == t
                || v.zh() == t
                || v.en().to_lowercase() == t
                || v.aliases().contains(&t.as_str())
        })
    }

    /// The ids of every value, comma separated (for error messages).
    fn known() -> String {
        Self::ALL
            .iter()
            .map(|v| format!("{} ({})", v.id(), v.zh()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Labelled for Validity {
    const ALL: &'static [Self] = &[
        Validity::InForce,
        Validity::Draft,
        Validity::NotYetInForce,
        Validity::Expired,
    ];
    fn id(self) -> &'static str {
        match self {
            Validity::Draft => "draft",
            Validity::InForce => "in-force",
            Validity::Expired => "expired",
            Validity::NotYetInForce => "not-yet-in-force",
        }
    }
    fn zh(self) -> &'static str {
        match self {
            Validity::Draft => "征求意见稿",
            Validity::InForce => "现行有效",
            Validity::Expired => "已失效",
            Validity::NotYetInForce => "尚未施行",
        }
    }
    fn en(self) -> &'static str {
        match self {
            Validity::Draft => "draft",
            Validity::InForce => "in force",
            Validity::Expired => "expired",
            Validity::NotYetInForce => "not yet in force",
        }
    }
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Validity::Draft => &["草案", "draft for comment"],
            Validity::InForce => &["inforce", "current", "valid", "现行", "有效"],
            Validity::Expired => &["失效", "过期"],
            Validity::NotYetInForce => &["future", "pending", "未生效", "未施行"],
        }
    }
}

impl Labelled for Level {
    const ALL: &'static [Self] = &[
        Level::Province,
        Level::Municipality,
        Level::City,
        Level::District,
    ];
    fn id(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::Municipality => "municipality",
            Level::City => "city",
            Level::District => "district",
        }
    }
    fn zh(self) -> &'static str {
        match self {
            Level::Province => "省级",
            Level::Municipality => "直辖市",
            Level::City => "地级市",
            Level::District => "区县",
        }
    }
    fn en(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::Municipality => "municipality",
            Level::City => "city",
            Level::District => "district",
        }
    }
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Level::Province => &["provincial", "省", "自治区"],
            Level::Municipality => &["municipal"],
            Level::City => &["prefecture", "市"],
            Level::District => &["county", "区", "县", "区级", "县级"],
        }
    }
}

impl Labelled for Status {
    const ALL: &'static [Self] = &[Status::Final, Status::Draft];
    fn id(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Final => "final",
        }
    }
    fn zh(self) -> &'static str {
        match self {
            Status::Draft => "征求意见稿",
            Status::Final => "正式文件",
        }
    }
    fn en(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Final => "final",
        }
    }
}

impl Labelled for ClauseKind {
    const ALL: &'static [Self] = &[ClauseKind::Article, ClauseKind::Provision, ClauseKind::Text];
    fn id(self) -> &'static str {
        match self {
            ClauseKind::Article => "article",
            ClauseKind::Provision => "provision",
            ClauseKind::Text => "text",
        }
    }
    fn zh(self) -> &'static str {
        match self {
            ClauseKind::Article => "条",
            ClauseKind::Provision => "项",
            ClauseKind::Text => "段",
        }
    }
    fn en(self) -> &'static str {
        match self {
            ClauseKind::Article => "article",
            ClauseKind::Provision => "provision",
            ClauseKind::Text => "text",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: Labelled + PartialEq + std::fmt::Debug>() {
        for v in T::ALL {
            assert_eq!(T::parse(v.id()), Some(*v), "{}", v.id());
            assert_eq!(T::parse(v.zh()), Some(*v), "{}", v.zh());
            assert_eq!(T::parse(v.en()), Some(*v), "{}", v.en());
        }
    }

    #[test]
    fn every_label_parses_back() {
        round_trip::<Validity>();
        round_trip::<Level>();
        round_trip::<Status>();
        round_trip::<ClauseKind>();
    }

    #[test]
    fn consultants_words_and_traditional_are_understood() {
        assert_eq!(Validity::parse("現行有效"), Some(Validity::InForce));
        assert_eq!(Validity::parse("已失效"), Some(Validity::Expired));
        assert_eq!(Level::parse("縣"), Some(Level::District));
        assert_eq!(Level::parse("Planet"), None);
        assert_eq!(Validity::InForce.label(Lang::Zh), "现行有效");
        assert_eq!(Validity::InForce.label(Lang::En), "in force");
    }
}
