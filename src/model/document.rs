//! The clause model: what a policy document is made of, as a consultant cites it.

use std::ops::Range;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Administrative level of the issuing jurisdiction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// 省 / 自治区: a province (Zhejiang).
    Province,
    /// 直辖市: a province-level city (Beijing).
    Municipality,
    /// 地级市: a prefecture-level city (Baotou).
    City,
    /// 区 / 县: a district or county (Haidian).
    District,
}

/// Whether the text is a draft or the issued version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// 征求意见稿: published for comment, not in force.
    Draft,
    /// The issued text.
    Final,
}

/// A document's legal standing on a given date (see [`DocumentMeta::validity_on`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Validity {
    /// A draft for comment: never in force as printed.
    Draft,
    /// Issued and in force on that date (or no dates say otherwise).
    InForce,
    /// Its stated period ended before that date.
    Expired,
    /// Issued but its effective date is after that date.
    NotYetInForce,
}

/// Everything the manifest (or `policynav add`) says about one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentMeta {
    /// Stable short id, the prefix of every clause id (`beijing-2021`).
    pub id: String,
    /// Source file name, relative to the corpus folder.
    pub file: String,
    /// The measures' title as printed.
    pub title: String,
    /// Jurisdiction in English (`Beijing`).
    pub jurisdiction: String,
    /// Jurisdiction in Chinese (`北京市`), where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jurisdiction_zh: Option<String>,
    /// Administrative level.
    pub level: Level,
    /// Issuing body, as printed; `None` when the text does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Publishing body when different from the issuer (a portal's 发文机构).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// 成文日期.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "date::deserialize"
    )]
    pub written: Option<NaiveDate>,
    /// 发布日期.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "date::deserialize"
    )]
    pub published: Option<NaiveDate>,
    /// First day in force.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "date::deserialize"
    )]
    pub effective: Option<NaiveDate>,
    /// Last day in force.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "date::deserialize"
    )]
    pub expires: Option<NaiveDate>,
    /// The notice's document number (文号) as printed, such as `京经信发〔2021〕110号`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_number: Option<String>,
    /// Ids of the documents this one replaces (a later version of the same measures).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supersedes: Vec<String>,
    /// Draft or final.
    pub status: Status,
    /// Free-text remark about the source copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Dates are written `2021-12-22` in JSON and either bare (`written = 2021-12-22`) or
/// quoted in a TOML manifest.
mod date {
    use chrono::NaiveDate;
    use serde::Deserialize;
    use serde::de::{Deserializer, Error, MapAccess, Visitor};

    /// A date written YYYY-MM-DD: a string (JSON, the catalog) or a TOML date (a
    /// manifest), read without buffering the value first (the catalog holds three per
    /// document and every command reads it).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        d.deserialize_option(DateVisitor)
    }

    fn parse<E: Error>(text: &str) -> Result<Option<NaiveDate>, E> {
        if text.is_empty() {
            return Ok(None);
        }
        text.parse::<NaiveDate>()
            .ok()
            .filter(|_| text.len() == 10)
            .map(Some)
            .ok_or_else(|| E::custom(format!("bad date {text:?}; write YYYY-MM-DD")))
    }

    struct DateVisitor;

    impl<'de> Visitor<'de> for DateVisitor {
        type Value = Option<NaiveDate>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a date YYYY-MM-DD")
        }

        fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(DateVisitor)
        }

        fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
            parse(v)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            let t = toml::value::Datetime::deserialize(
                serde::de::value::MapAccessDeserializer::new(map),
            )?;
            parse(&t.to_string())
        }
    }
}

/// Whether a clause is a whole article or one provision inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClauseKind {
    /// A numbered article (条 / 1. / 一、 action) with its heading.
    Article,
    /// One citable support measure inside an article.
    Provision,
    /// The unnumbered text of a chapter or section (its own paragraph: statistics,
    /// targets, eligibility conditions), citable as `chapter.0` (`haidian-2013/1.1.0`), one
    /// clause per paragraph (`chapter.0.1`, `chapter.0.2`) when it has several.
    Text,
}

/// A chapter (一、) or section ((一)) heading that groups articles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chapter {
    /// Path within the document (`2`, or `2.1` for a section).
    pub path: String,
    /// The heading as printed, without its numeral (`加大金融支持力度`).
    pub heading: String,
    /// The numeral as printed (`二、`, `(一)`).
    pub label: String,
    /// Unnumbered text under this heading that is not part of any article (a section's own
    /// paragraph, such as Baotou's 保障措施 or Haidian's 总体思路).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// An article or a provision: the unit a consultant cites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clause {
    /// `doc/path`, stable across re-indexing (`beijing-2021/9.3`).
    pub id: String,
    /// Document id.
    pub doc: String,
    /// Article or provision.
    pub kind: ClauseKind,
    /// Path unique within the document (`9`, `9.3`, Haidian `3.2.1`).
    pub path: String,
    /// The article number as printed (`9.`, `一、`, `第九条`).
    pub label: String,
    /// The article's heading (for a provision, its article's heading).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    /// Path of the chapter/section this clause sits in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chapter: Option<String>,
    /// Id of the enclosing article (provisions only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The original text as printed (noise such as pinyin removed), agencies included.
    pub text: String,
    /// The measure itself: `text` without the responsible-agency parenthesis.
    pub measure: String,
    /// Simplified form of `text`: same `char` count, so offsets map back.
    pub normalized: String,
    /// Responsible agencies parsed from the parenthesised list.
    pub agencies: Vec<String>,
    /// Byte range of this clause in the decoded source text.
    pub span: Range<usize>,
}

/// One policy document: its metadata and its clauses in reading order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// What the manifest says.
    pub meta: DocumentMeta,
    /// The cover letter (印发通知 / 征求意见的函), kept apart from the measures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter: Option<String>,
    /// The preamble before the first article.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preamble: Option<String>,
    /// The closing provisions after the last article (commencement, validity:
    /// `本政策自印发之日起施行`), kept apart from the measures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closing: Option<String>,
    /// Chapters and sections, in order.
    pub chapters: Vec<Chapter>,
    /// Articles followed by their provisions, in reading order.
    pub clauses: Vec<Clause>,
    /// The decoded source text (before cleaning; for a saved HTML page, the page's text
    /// with one line per block element); clause spans point into it.
    #[serde(skip)]
    pub source: String,
}

impl DocumentMeta {
    /// The document's standing on `date`.
    pub fn validity_on(&self, date: NaiveDate) -> Validity {
        if self.status == Status::Draft {
            return Validity::Draft;
        }
        if self.effective.is_some_and(|d| date < d) {
            return Validity::NotYetInForce;
        }
        if self.expires.is_some_and(|d| date > d) {
            return Validity::Expired;
        }
        Validity::InForce
    }
}

impl Document {
    /// The articles only.
    pub fn articles(&self) -> impl Iterator<Item = &Clause> {
        self.clauses
            .iter()
            .filter(|c| c.kind == ClauseKind::Article)
    }

    /// The unnumbered texts of chapters and sections only.
    pub fn texts(&self) -> impl Iterator<Item = &Clause> {
        self.clauses.iter().filter(|c| c.kind == ClauseKind::Text)
    }

    /// The provisions only.
    pub fn provisions(&self) -> impl Iterator<Item = &Clause> {
        self.clauses
            .iter()
            .filter(|c| c.kind == ClauseKind::Provision)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(status: Status, effective: Option<&str>, expires: Option<&str>) -> DocumentMeta {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        DocumentMeta {
            id: "x".into(),
            file: "x.txt".into(),
            title: "t".into(),
            jurisdiction: "J".into(),
            jurisdiction_zh: None,
            level: Level::City,
            issuer: None,
            publisher: None,
            written: None,
            published: None,
            effective: effective.map(d),
            expires: expires.map(d),
            doc_number: None,
            supersedes: Vec::new(),
            status,
            note: None,
        }
    }

    #[test]
    fn dates_read_from_json_and_toml_alike() {
        #[derive(serde::Deserialize)]
        struct D {
            #[serde(default, deserialize_with = "super::date::deserialize")]
            on: Option<NaiveDate>,
        }
        let day = NaiveDate::from_ymd_opt(2021, 12, 22);
        let json = |t: &str| serde_json::from_str::<D>(t).map(|d| d.on);
        assert_eq!(json(r#"{"on":"2021-12-22"}"#).unwrap(), day);
        assert_eq!(json(r#"{"on":null}"#).unwrap(), None);
        assert_eq!(json(r#"{"on":""}"#).unwrap(), None);
        assert_eq!(json("{}").unwrap(), None);
        let toml = |t: &str| toml::from_str::<D>(t).map(|d| d.on);
        assert_eq!(toml("on = 2021-12-22").unwrap(), day);
        assert_eq!(toml(r#"on = "2021-12-22""#).unwrap(), day);
        for bad in [
            r#"on = "2021-1-5""#,
            r#"on = "22/12/2021""#,
            "on = 2021-12-22T10:00:00",
        ] {
            let e = toml(bad).unwrap_err().to_string();
            assert!(e.contains("write YYYY-MM-DD"), "{bad}: {e}");
        }
    }

    #[test]
    fn validity_follows_status_and_dates() {
        let day = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
        assert_eq!(
            meta(Status::Draft, None, None).validity_on(day),
            Validity::Draft
        );
        assert_eq!(
            meta(Status::Final, Some("2013-12-08"), Some("2015-12-31")).validity_on(day),
            Validity::Expired
        );
        assert_eq!(
            meta(Status::Final, Some("2025-01-01"), None).validity_on(day),
            Validity::NotYetInForce
        );
        assert_eq!(
            meta(Status::Final, None, Some("2028-12-31")).validity_on(day),
            Validity::InForce
        );
        // the last day is still in force
        let last = NaiveDate::from_ymd_opt(2015, 12, 31).unwrap();
        assert_eq!(
            meta(Status::Final, None, Some("2015-12-31")).validity_on(last),
            Validity::InForce
        );
    }
}
