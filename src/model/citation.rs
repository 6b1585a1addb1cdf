//! How a clause is cited, once for every view (`show`, the navigator's copy, every
//! export): the form Chinese consultants write,
//!
//! ```text
//! 北京市《关于…的若干措施》（京经信发〔2021〕110号，2021年12月23日发布）第9条(4) [beijing-2021/9.4]
//! ```
//!
//! with the stable id beside it so that `policynav show` finds the clause again.
//!
//! The scheme, the same for every document:
//! * **Article** (`第X条`): the number as printed, in its own numerals and without its
//!   punctuation: `9.` → 第9条, `六、` → 第六条, `第九条` → 第九条, `(三)` → 第三条.
//!   Where article numbers restart in every chapter (a district plan numbering `1.` anew
//!   under each `(一)`), the chapter labels as printed come first: `三、(一)第2条`.
//! * **Provision**, one citable measure inside an article:
//!   - with its own printed label (`一是`, `(1)`), that label: `第3条第一项`, and
//!     where policynav split that printed item into several sentences, the sentence's
//!     place in it: `第2条第三项(4)`;
//!   - otherwise, since provisions are policynav's own split of an article into its
//!     sentences, its place in the article in half-width parentheses: `第9条(4)` is the
//!     fourth measure of article 9. An article with a single provision is cited as the
//!     article alone.
//! * **Text** of a chapter or section that is no article (its own unnumbered paragraph):
//!   the chapter labels as printed, `四、(一)`, and `第2段` for its second paragraph.
//! * **Document**: the jurisdiction (when the title does not name it), 《title》, then in
//!   parentheses the document number (文号) when printed and the date, preferring the
//!   publication date (发布), else the date written (成文), else the first day in force
//!   (施行). A document without a date says so (未注明日期).
//!
//! In English (`--lang en`): `Beijing: 《…》 (京经信发〔2021〕110号, published 2021-12-23),
//! art. 9(4) [beijing-2021/9.4]`; titles stay in Chinese, as a reader must find them.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::labels::Lang;
use super::{Clause, ClauseKind, Document};

/// Which of its dates a document is cited by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DateKind {
    /// 发布日期: the day it was published.
    Published,
    /// 成文日期: the day it was written (signed).
    Written,
    /// The first day in force (施行).
    Effective,
}

impl DateKind {
    /// The word after a date (`发布`, `published`).
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (DateKind::Published, Lang::Zh) => "发布",
            (DateKind::Written, Lang::Zh) => "成文",
            (DateKind::Effective, Lang::Zh) => "施行",
            (DateKind::Published, Lang::En) => "published",
            (DateKind::Written, Lang::En) => "written",
            (DateKind::Effective, Lang::En) => "in force from",
        }
    }
}

/// A provision's place inside its article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// 1 for the first provision of the article.
    pub ordinal: usize,
    /// How many provisions the article has.
    pub of: usize,
    /// The provision's own printed label, as a bare numeral (`一` for `一是`), when it
    /// has one.
    pub printed: Option<String>,
    /// Its place among the provisions sharing that printed label, when policynav split
    /// the printed item into several (1 for the first).
    pub within: Option<usize>,
}

/// Everything needed to cite one clause, in any language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Citation {
    /// Clause id (`beijing-2021/9.4`), stable across re-indexing.
    pub id: String,
    /// Article or provision.
    pub kind: ClauseKind,
    /// Document id.
    pub doc: String,
    /// Jurisdiction (English).
    pub jurisdiction: String,
    /// Jurisdiction (Chinese), where known.
    pub jurisdiction_zh: Option<String>,
    /// Document title as printed.
    pub title: String,
    /// Document number (文号), when printed.
    pub doc_number: Option<String>,
    /// Issuing body, when printed.
    pub issuer: Option<String>,
    /// The date the document is cited by (see [`DateKind`]).
    pub date: Option<NaiveDate>,
    /// Which date `date` is.
    pub date_kind: Option<DateKind>,
    /// The chapter labels as printed (`三、(一)`), only where article numbers restart in
    /// every chapter.
    pub chapter: Option<String>,
    /// The article's label as printed (`9.`, `六、`, `第九条`).
    pub article: String,
    /// The article's number as cited (`9`, `六`, `九`).
    pub article_number: String,
    /// For a provision, its place in the article.
    pub item: Option<Item>,
    /// The article's heading.
    pub heading: Option<String>,
}

impl Citation {
    /// The citation of `clause`, a clause of `doc`.
    pub fn of(doc: &Document, clause: &Clause) -> Citation {
        let meta = &doc.meta;
        let (date, date_kind) = [
            (meta.published, DateKind::Published),
            (meta.written, DateKind::Written),
            (meta.effective, DateKind::Effective),
        ]
        .into_iter()
        .find_map(|(d, k)| d.map(|d| (Some(d), Some(k))))
        .unwrap_or((None, None));
        let article = match (&clause.kind, &clause.parent) {
            (ClauseKind::Provision, Some(parent)) => doc
                .clauses
                .iter()
                .find(|c| &c.id == parent)
                .unwrap_or(clause),
            _ => clause,
        };
        let item = match clause.kind {
            ClauseKind::Provision => Some(item_of(doc, article, clause)),
            ClauseKind::Text => paragraph_of(doc, clause),
            ClauseKind::Article => None,
        };
        let mut seen = std::collections::HashSet::new();
        let restarts = doc.articles().any(|a| !seen.insert(a.label.trim()));
        let chapter = if restarts || clause.kind == ClauseKind::Text {
            chapter_labels(doc, article.chapter.as_deref())
        } else {
            None
        };
        Citation {
            id: clause.id.clone(),
            kind: clause.kind,
            doc: meta.id.clone(),
            jurisdiction: meta.jurisdiction.clone(),
            jurisdiction_zh: meta.jurisdiction_zh.clone(),
            title: meta.title.clone(),
            doc_number: meta.doc_number.clone().filter(|n| !n.trim().is_empty()),
            issuer: meta.issuer.clone(),
            date,
            date_kind,
            chapter,
            article: if clause.kind == ClauseKind::Text {
                String::new()
            } else {
                article.label.trim().to_string()
            },
            article_number: if clause.kind == ClauseKind::Text {
                String::new()
            } else {
                numeral(&article.label)
            },
            item,
            heading: clause.heading.clone(),
        }
    }

    /// Where in the document: `第9条(4)`, `第3条第一项`, `三、(一)第2条`; in English
    /// `art. 9(4)`, `art. 3, item 一`, `三、(一) art. 2`.
    pub fn locator(&self, lang: Lang) -> String {
        if self.kind == ClauseKind::Text {
            let part = self.chapter.clone().unwrap_or_default();
            let para = self.item.as_ref().filter(|i| i.of > 1).map(|i| i.ordinal);
            return match (lang, para) {
                (Lang::Zh, Some(n)) => format!("{part}第{n}段"),
                (Lang::Zh, None) => part,
                (Lang::En, Some(n)) => format!("part {part}, para. {n}"),
                (Lang::En, None) => format!("part {part}"),
            };
        }
        let mut s = String::new();
        if let Some(ch) = &self.chapter {
            s.push_str(ch);
            if lang == Lang::En {
                s.push(' ');
            }
        }
        match lang {
            Lang::Zh => s.push_str(&format!("第{}条", self.article_number)),
            Lang::En => s.push_str(&format!("art. {}", self.article_number)),
        }
        if let Some(item) = &self.item {
            match (&item.printed, lang) {
                (Some(p), Lang::Zh) => s.push_str(&format!("第{p}项")),
                (Some(p), Lang::En) => s.push_str(&format!(", item {p}")),
                (None, _) if item.of > 1 => s.push_str(&format!("({})", item.ordinal)),
                (None, _) => {}
            }
            if let (Some(_), Some(n)) = (&item.printed, item.within) {
                s.push_str(&format!("({n})"));
            }
        }
        s
    }

    /// The document part: `北京市《…》（京经信发〔2021〕110号，2021年12月23日发布）`.
    pub fn document(&self, lang: Lang) -> String {
        let date = self.date.map(|d| {
            let kind = self.date_kind.unwrap_or(DateKind::Published).label(lang);
            match lang {
                Lang::Zh => format!("{}{kind}", format_date(d, lang)),
                Lang::En => format!("{kind} {}", format_date(d, lang)),
            }
        });
        let number = self.doc_number.clone();
        match lang {
            Lang::Zh => {
                let parts: Vec<String> = [number, date].into_iter().flatten().collect();
                let inside = if parts.is_empty() {
                    "未注明日期".to_string()
                } else {
                    parts.join("，")
                };
                format!("{}《{}》（{inside}）", self.zh_prefix(), self.title)
            }
            Lang::En => {
                let parts: Vec<String> = [number, date].into_iter().flatten().collect();
                let inside = if parts.is_empty() {
                    "undated".to_string()
                } else {
                    parts.join(", ")
                };
                format!("{}: 《{}》 ({inside})", self.jurisdiction, self.title)
            }
        }
    }

    /// The citation without the id: document, then locator.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("{}{}", self.document(lang), self.locator(lang)),
            Lang::En => format!("{}, {}", self.document(lang), self.locator(lang)),
        }
    }

    /// The full citation with the id beside it: `… 第9条(4) [beijing-2021/9.4]`.
    pub fn line(&self, lang: Lang) -> String {
        format!("{} [{}]", self.text(lang), self.id)
    }

    /// The jurisdiction in Chinese, unless the title already names it.
    fn zh_prefix(&self) -> String {
        let Some(zh) = self.jurisdiction_zh.as_deref() else {
            return String::new();
        };
        let stem = ["自治区", "省", "市", "区", "县"]
            .iter()
            .find_map(|s| zh.strip_suffix(s))
            .filter(|s| s.chars().count() >= 2)
            .unwrap_or(zh);
        if self.title.contains(stem) {
            String::new()
        } else {
            zh.to_string()
        }
    }
}

/// A date as a reader of `lang` writes it: `2021年12月23日`, `2021-12-23`.
pub fn format_date(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::En => d.to_string(),
    }
}

/// The provision's place among its article's provisions.
fn item_of(doc: &Document, article: &Clause, clause: &Clause) -> Item {
    let siblings: Vec<&Clause> = doc
        .provisions()
        .filter(|p| p.parent.as_deref() == Some(article.id.as_str()))
        .collect();
    let ordinal = siblings
        .iter()
        .position(|p| p.id == clause.id)
        .map_or(1, |i| i + 1);
    let label = clause.label.trim();
    let own = !label.is_empty() && label != article.label.trim();
    let printed = own.then(|| numeral(label)).filter(|n| !n.is_empty());
    let same: Vec<&&Clause> = siblings
        .iter()
        .filter(|p| p.label.trim() == label)
        .collect();
    let within = (printed.is_some() && same.len() > 1)
        .then(|| same.iter().position(|p| p.id == clause.id).map(|i| i + 1))
        .flatten();
    Item {
        ordinal,
        of: siblings.len().max(1),
        printed,
        within,
    }
}

/// The place of a chapter's text among that chapter's paragraphs of text.
fn paragraph_of(doc: &Document, clause: &Clause) -> Option<Item> {
    let texts: Vec<&Clause> = doc
        .texts()
        .filter(|t| t.chapter == clause.chapter)
        .collect();
    let ordinal = texts.iter().position(|t| t.id == clause.id)? + 1;
    Some(Item {
        ordinal,
        of: texts.len(),
        printed: None,
        within: None,
    })
}

/// The numeral of a printed label: `9.` → `9`, `六、` → `六`, `第九条` → `九`,
/// `(一)` → `一`, `一是` → `一`.
fn numeral(label: &str) -> String {
    let t = label.trim();
    let t = t.strip_prefix('第').unwrap_or(t);
    let t = t
        .strip_suffix('条')
        .or_else(|| t.strip_suffix('是'))
        .unwrap_or(t);
    t.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '.' | '．' | '、' | '(' | ')' | '（' | '）' | ',' | '，')
    })
    .to_string()
}

/// The printed labels of a chapter path and its parents (`三、(一)` for `3.1`).
fn chapter_labels(doc: &Document, chapter: Option<&str>) -> Option<String> {
    let chapter = chapter?;
    let mut prefix = String::new();
    let mut out = String::new();
    for part in chapter.split('.') {
        if !prefix.is_empty() {
            prefix.push('.');
        }
        prefix.push_str(part);
        let c = doc.chapters.iter().find(|c| c.path == prefix)?;
        out.push_str(c.label.trim());
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::super::{Chapter, DocumentMeta, Level, Status};
    use super::*;

    fn clause(id: &str, kind: ClauseKind, label: &str, chapter: Option<&str>) -> Clause {
        let (doc, path) = id.split_once('/').unwrap();
        let parent = (kind == ClauseKind::Provision)
            .then(|| format!("{doc}/{}", path.rsplit_once('.').unwrap().0));
        Clause {
            id: id.into(),
            doc: doc.into(),
            kind,
            path: path.into(),
            label: label.into(),
            heading: Some("标题".into()),
            chapter: chapter.map(str::to_string),
            parent,
            text: "文本".into(),
            measure: "文本".into(),
            normalized: "文本".into(),
            agencies: vec![],
            span: 0..0,
        }
    }

    fn document(title: &str, clauses: Vec<Clause>, chapters: Vec<Chapter>) -> Document {
        Document {
            meta: DocumentMeta {
                id: "d".into(),
                file: "d.txt".into(),
                title: title.into(),
                jurisdiction: "Beijing".into(),
                jurisdiction_zh: Some("北京市".into()),
                level: Level::Municipality,
                issuer: None,
                publisher: None,
                written: NaiveDate::from_ymd_opt(2021, 12, 22),
                published: NaiveDate::from_ymd_opt(2021, 12, 23),
                effective: None,
                expires: None,
                doc_number: Some("京经信发〔2021〕110号".into()),
                supersedes: vec![],
                status: Status::Final,
                note: None,
            },
            letter: None,
            preamble: None,
            closing: None,
            chapters,
            clauses,
            source: String::new(),
        }
    }

    fn find<'a>(doc: &'a Document, id: &str) -> &'a Clause {
        doc.clauses.iter().find(|c| c.id == id).unwrap()
    }

    #[test]
    fn provision_split_by_policynav_is_cited_by_its_place() {
        let doc = document(
            "北京市关于促进中小企业发展的若干措施",
            vec![
                clause("d/9", ClauseKind::Article, "9.", None),
                clause("d/9.1", ClauseKind::Provision, "9.", None),
                clause("d/9.2", ClauseKind::Provision, "9.", None),
                clause("d/10", ClauseKind::Article, "10.", None),
                clause("d/10.1", ClauseKind::Provision, "10.", None),
            ],
            vec![],
        );
        let c = Citation::of(&doc, find(&doc, "d/9.2"));
        assert_eq!(
            c.line(Lang::Zh),
            "《北京市关于促进中小企业发展的若干措施》（京经信发〔2021〕110号，2021年12月23日发布）第9条(2) [d/9.2]"
        );
        assert_eq!(
            c.line(Lang::En),
            "Beijing: 《北京市关于促进中小企业发展的若干措施》 (京经信发〔2021〕110号, published 2021-12-23), art. 9(2) [d/9.2]"
        );
        // the only provision of an article is cited as the article
        let single = Citation::of(&doc, find(&doc, "d/10.1"));
        assert_eq!(single.locator(Lang::Zh), "第10条");
        let article = Citation::of(&doc, find(&doc, "d/9"));
        assert_eq!(article.locator(Lang::Zh), "第9条");
        assert_eq!(article.item, None);
    }

    #[test]
    fn printed_items_chinese_numerals_and_restarting_numbers() {
        let mut doc = document(
            "核心区中小微企业助力计划",
            vec![
                clause("d/3.1.1", ClauseKind::Article, "1.", Some("3.1")),
                clause("d/3.1.1.1", ClauseKind::Provision, "一是", Some("3.1")),
                clause("d/3.1.1.2", ClauseKind::Provision, "二是", Some("3.1")),
                clause("d/3.1.1.3", ClauseKind::Provision, "三是", Some("3.1")),
                clause("d/3.1.1.4", ClauseKind::Provision, "三是", Some("3.1")),
                clause("d/3.2.1", ClauseKind::Article, "1.", Some("3.2")),
            ],
            vec![
                Chapter {
                    path: "3".into(),
                    heading: "重点任务".into(),
                    label: "三、".into(),
                    text: None,
                },
                Chapter {
                    path: "3.1".into(),
                    heading: "融资".into(),
                    label: "(一)".into(),
                    text: None,
                },
            ],
        );
        doc.meta.doc_number = None;
        doc.meta.published = None;
        doc.meta.jurisdiction_zh = Some("海淀区".into());
        let c = Citation::of(&doc, find(&doc, "d/3.1.1.2"));
        assert_eq!(
            c.text(Lang::Zh),
            "海淀区《核心区中小微企业助力计划》（2021年12月22日成文）三、(一)第1条第二项"
        );
        assert_eq!(c.locator(Lang::En), "三、(一) art. 1, item 二");
        // a printed item split into two sentences: the second of item 三
        let split = Citation::of(&doc, find(&doc, "d/3.1.1.4"));
        assert_eq!(split.locator(Lang::Zh), "三、(一)第1条第三项(2)");
        assert_eq!(split.locator(Lang::En), "三、(一) art. 1, item 三(2)");
        let mut plain = document(
            "关于实施十大强企行动的若干措施",
            vec![
                clause("d/6", ClauseKind::Article, "六、", None),
                clause("d/6.1", ClauseKind::Provision, "六、", None),
                clause("d/6.2", ClauseKind::Provision, "六、", None),
            ],
            vec![],
        );
        plain.meta.doc_number = None;
        plain.meta.published = None;
        plain.meta.written = None;
        let c = Citation::of(&plain, find(&plain, "d/6.2"));
        assert_eq!(
            c.line(Lang::Zh),
            "北京市《关于实施十大强企行动的若干措施》（未注明日期）第六条(2) [d/6.2]"
        );
        assert_eq!(c.chapter, None);
    }

    #[test]
    fn text_of_a_chapter_is_cited_by_its_labels_and_paragraph() {
        let mut one = clause("d/4.1.0", ClauseKind::Text, "(一)", Some("4.1"));
        one.parent = None;
        let mut first = clause("d/5.0.1", ClauseKind::Text, "五、", Some("5"));
        first.parent = None;
        let mut second = clause("d/5.0.2", ClauseKind::Text, "五、", Some("5"));
        second.parent = None;
        let chapter = |path: &str, label: &str| Chapter {
            path: path.into(),
            heading: "保障措施".into(),
            label: label.into(),
            text: None,
        };
        let doc = document(
            "北京市若干措施",
            vec![one, first, second],
            vec![
                chapter("4", "四、"),
                chapter("4.1", "(一)"),
                chapter("5", "五、"),
            ],
        );
        let c = Citation::of(&doc, find(&doc, "d/4.1.0"));
        assert_eq!(c.locator(Lang::Zh), "四、(一)");
        assert_eq!(c.locator(Lang::En), "part 四、(一)");
        let c = Citation::of(&doc, find(&doc, "d/5.0.2"));
        assert_eq!(c.locator(Lang::Zh), "五、第2段");
        assert_eq!(c.locator(Lang::En), "part 五、, para. 2");
    }

    #[test]
    fn numerals_lose_their_punctuation() {
        for (label, n) in [
            ("9.", "9"),
            ("六、", "六"),
            ("第九条", "九"),
            ("(三)", "三"),
            ("（三）", "三"),
            ("一是", "一"),
            ("12．", "12"),
        ] {
            assert_eq!(numeral(label), n, "{label}");
        }
    }
}
