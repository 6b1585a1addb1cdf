//! The digest as plain data: what every output format renders, and what `--format
//! json` writes as is. Built once from the workspace by [`build`], so the five
//! writers cannot disagree about a citation, a figure or a status.

use std::collections::{HashMap, HashSet};

use anyhow::{Result, bail};
use chrono::NaiveDate;
use serde::Serialize;

use crate::corpus::{ClauseKind, Document, DocumentMeta, Level, Validity};
use crate::facts::{Figure, Role};
#[cfg(test)]
use crate::facts::{Qualifier, Unit};
use crate::workspace::Workspace;

use super::{GroupBy, Options};

/// Name of the JSON document type, written in every digest.
pub const SCHEMA_NAME: &str = "policynav.digest";
/// Version of the JSON shape; bumped when a field changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 1;
/// How many equivalent measures are shown per clause with `--with-links`.
pub const LINKS_PER_CLAUSE: usize = 3;

/// A whole clause digest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DigestReport {
    /// Always [`SCHEMA_NAME`].
    pub schema: String,
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The day the digest was made.
    pub generated: NaiveDate,
    /// The day every status refers to.
    pub as_of: NaiveDate,
    /// How the entries are grouped.
    pub group_by: GroupBy,
    /// `original` (as printed) or `simplified`.
    pub text_form: TextForm,
    /// Whether equivalent measures were looked up.
    pub with_links: bool,
    /// Every document cited (selected or linked), in corpus order.
    pub sources: Vec<Source>,
    /// The clauses, grouped.
    pub groups: Vec<Group>,
    /// One table per measure type found in two or more documents.
    pub comparisons: Vec<ComparisonTable>,
}

/// Which script the clause texts are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TextForm {
    /// As printed in the source (Traditional stays Traditional).
    Original,
    /// Converted to Simplified characters.
    Simplified,
}

/// A cited document, with what a reader needs to find and judge it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    /// Document id (`beijing-2021`).
    pub doc: String,
    /// Title as printed.
    pub title: String,
    /// Jurisdiction (English).
    pub jurisdiction: String,
    /// Jurisdiction (Chinese), where known.
    pub jurisdiction_zh: Option<String>,
    /// Administrative level.
    pub level: Level,
    /// Issuing body; `None` when the text does not print one.
    pub issuer: Option<String>,
    /// Publishing body when different from the issuer.
    pub publisher: Option<String>,
    /// 成文日期.
    pub written: Option<NaiveDate>,
    /// 发布日期.
    pub published: Option<NaiveDate>,
    /// First day in force.
    pub effective: Option<NaiveDate>,
    /// Last day in force.
    pub expires: Option<NaiveDate>,
    /// Standing on the digest's `as_of` date.
    pub status: Validity,
    /// `status` in words.
    pub status_label: String,
    /// Remark about the source copy.
    pub note: Option<String>,
}

/// A heading and the entries under it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// Measure-type id, jurisdiction or document id (`other` for clauses without a type).
    pub key: String,
    /// The heading shown.
    pub title: String,
    /// The clauses, in the order they were selected.
    pub entries: Vec<DigestEntry>,
}

/// One exported clause.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DigestEntry {
    /// Where it comes from.
    pub citation: Citation,
    /// Its text (original or Simplified, see [`DigestReport::text_form`]).
    pub text: String,
    /// Its support figures (money or ratios the government gives).
    pub figures: Vec<FigureEntry>,
    /// Responsible agencies.
    pub agencies: Vec<String>,
    /// Measure types.
    pub measure_types: Vec<MeasureType>,
    /// Its document's standing on `as_of`.
    pub status: Validity,
    /// `status` in words.
    pub status_label: String,
    /// Equivalent measures in other documents (only with `--with-links`).
    pub links: Vec<LinkedMeasure>,
}

/// A citation a reader can check against the source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Citation {
    /// Clause id (`beijing-2021/9.3`).
    pub id: String,
    /// Article or provision.
    pub kind: ClauseKind,
    /// Document id.
    pub doc: String,
    /// Jurisdiction (English).
    pub jurisdiction: String,
    /// Jurisdiction (Chinese).
    pub jurisdiction_zh: Option<String>,
    /// Document title.
    pub title: String,
    /// Issuing body, if printed.
    pub issuer: Option<String>,
    /// The document's date: written, else published, else effective.
    pub date: Option<NaiveDate>,
    /// Which date `date` is (`written`, `published`, `effective`).
    pub date_kind: Option<String>,
    /// The article number as printed (`9.`, `一、`).
    pub article: String,
    /// The provision's label within its article, for a provision.
    pub provision: Option<String>,
    /// The article heading.
    pub heading: Option<String>,
}

/// A figure with a normalised summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureEntry {
    /// The figure as extracted.
    #[serde(flatten)]
    pub figure: Figure,
    /// `最高300万元 补贴 一次性`: value, bound, instrument and period in one string.
    pub summary: String,
}

/// A measure type, with both names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasureType {
    /// Stable id (`listing`).
    pub id: String,
    /// Chinese name.
    pub zh: String,
    /// English name.
    pub en: String,
}

/// An equivalent measure in another document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkedMeasure {
    /// Where it comes from.
    pub citation: Citation,
    /// Its text (same script choice as the entry).
    pub text: String,
    /// How likely it is the same measure.
    pub score: f32,
    /// Why it was linked.
    pub reasons: Vec<String>,
    /// Its support figures.
    pub figures: Vec<FigureEntry>,
    /// Its document's standing on `as_of`.
    pub status: Validity,
    /// `status` in words.
    pub status_label: String,
}

/// Documents side by side for one measure type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComparisonTable {
    /// The measure type.
    pub measure_type: MeasureType,
    /// One row per clause, in corpus order.
    pub rows: Vec<ComparisonRow>,
}

/// One clause in a comparison table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComparisonRow {
    /// Clause id.
    pub id: String,
    /// Jurisdiction.
    pub jurisdiction: String,
    /// Document title.
    pub title: String,
    /// Article (and provision) label.
    pub article: String,
    /// Summaries of its support figures.
    pub figures: Vec<String>,
    /// Its document's status in words.
    pub status_label: String,
    /// `selected`, or `linked` when it entered the digest as an equivalent measure.
    pub origin: String,
}

impl Citation {
    /// `9. (3)`: article and provision labels as printed.
    pub fn article_label(&self) -> String {
        match &self.provision {
            Some(p) if !p.is_empty() && *p != self.article => format!("{} {}", self.article, p),
            _ => self.article.clone(),
        }
    }

    /// One line a reader can check: jurisdiction, 《title》, issuer, date, article, id.
    pub fn line(&self) -> String {
        let mut parts = vec![match &self.jurisdiction_zh {
            Some(zh) => format!("{} ({zh})", self.jurisdiction),
            None => self.jurisdiction.clone(),
        }];
        parts.push(format!("《{}》", self.title));
        parts.push(
            self.issuer
                .clone()
                .unwrap_or_else(|| "issuer not printed".to_string()),
        );
        parts.push(match (&self.date, &self.date_kind) {
            (Some(d), Some(k)) => format!("{k} {d}"),
            (Some(d), None) => d.to_string(),
            _ => "undated".to_string(),
        });
        let label = self.article_label();
        if !label.is_empty() {
            parts.push(format!("art. {label}"));
        }
        parts.push(self.id.clone());
        parts.join(" · ")
    }
}

impl DigestReport {
    /// Every entry, in output order.
    pub fn entries(&self) -> impl Iterator<Item = &DigestEntry> {
        self.groups.iter().flat_map(|g| g.entries.iter())
    }

    /// The number of clauses exported.
    pub fn len(&self) -> usize {
        self.groups.iter().map(|g| g.entries.len()).sum()
    }

    /// True when nothing is exported.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What the digest holds, for its header in every format:
    /// `2 clauses · grouped by measure type · original text · with equivalent measures`.
    pub fn scope(&self) -> String {
        let n = self.len();
        format!(
            "{n} clause{} · grouped by {} · {} text{}",
            if n == 1 { "" } else { "s" },
            match self.group_by {
                super::GroupBy::Topic => "measure type",
                super::GroupBy::Jurisdiction => "jurisdiction",
                super::GroupBy::Document => "document",
            },
            match self.text_form {
                TextForm::Original => "original",
                TextForm::Simplified => "Simplified",
            },
            if self.with_links {
                " · with equivalent measures"
            } else {
                ""
            },
        )
    }
}

/// The standing of a document on `as_of`, in words a client understands.
pub fn status_label(meta: &DocumentMeta, as_of: NaiveDate) -> String {
    match meta.validity_on(as_of) {
        Validity::Draft => "draft for comment (征求意见稿), not in force".to_string(),
        Validity::InForce => match meta.expires {
            Some(d) => format!("in force (until {d})"),
            None => "in force".to_string(),
        },
        Validity::Expired => match meta.expires {
            Some(d) => format!("expired (ended {d})"),
            None => "expired".to_string(),
        },
        Validity::NotYetInForce => match meta.effective {
            Some(d) => format!("not yet in force (from {d})"),
            None => "not yet in force".to_string(),
        },
    }
}

/// `最高300万元 补贴 一次性`: the figure as [`Figure::display`] shows it, then its
/// instrument and period.
pub fn figure_summary(f: &Figure) -> String {
    let mut s = f.display();
    for extra in [&f.instrument, &f.period].into_iter().flatten() {
        if !extra.is_empty() {
            s.push(' ');
            s.push_str(extra);
        }
    }
    s
}

/// The clause ids that `ids` stand for, de-duplicated in first-seen order.
///
/// * a provision id is itself;
/// * an article id stands for its provisions (the citable measures), or for the
///   article itself when it has none;
/// * a document id stands for every provision of the document (articles without
///   provisions count as their own provision).
///
/// An id that names nothing is an error naming that id.
pub fn resolve_ids(ws: &Workspace, ids: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut push = |id: &str, out: &mut Vec<String>| {
        if seen.insert(id.to_string()) {
            out.push(id.to_string());
        }
    };
    for raw in ids {
        let id = raw.trim().trim_end_matches('/');
        if let Some((doc, clause)) = ws.corpus.clause(id) {
            match clause.kind {
                ClauseKind::Provision | ClauseKind::Text => push(&clause.id, &mut out),
                ClauseKind::Article => {
                    for c in article_units(doc, &clause.id) {
                        push(c, &mut out);
                    }
                }
            }
        } else if let Some(doc) = ws.corpus.document(id) {
            for article in doc.articles() {
                for c in article_units(doc, &article.id) {
                    push(c, &mut out);
                }
            }
        } else {
            bail!("unknown clause or document id '{raw}' (see `policynav clauses`)");
        }
    }
    Ok(out)
}

/// The provisions of an article, or the article itself when it has none.
fn article_units<'a>(doc: &'a Document, article: &'a str) -> Vec<&'a str> {
    let provisions: Vec<&str> = doc
        .provisions()
        .filter(|p| p.parent.as_deref() == Some(article))
        .map(|p| p.id.as_str())
        .collect();
    if provisions.is_empty() {
        vec![article]
    } else {
        provisions
    }
}

/// Builds the digest of `ids` (see [`resolve_ids`] for what an id may be).
///
/// Errors when an id is unknown or when the selection is empty.
pub fn build(ws: &Workspace, ids: &[String], options: &Options) -> Result<DigestReport> {
    build_on(ws, ids, options, Workspace::today())
}

/// [`build`] with an explicit "made on" date.
pub fn build_on(
    ws: &Workspace,
    ids: &[String],
    options: &Options,
    generated: NaiveDate,
) -> Result<DigestReport> {
    let ids = resolve_ids(ws, ids)?;
    if ids.is_empty() {
        bail!("nothing to export: the selection is empty");
    }
    let as_of = options.as_of;
    let mut entries = Vec::with_capacity(ids.len());
    let mut cited_docs: HashSet<String> = HashSet::new();
    for id in &ids {
        let entry = entry(ws, id, options)?;
        cited_docs.insert(entry.citation.doc.clone());
        for l in &entry.links {
            cited_docs.insert(l.citation.doc.clone());
        }
        entries.push(entry);
    }
    let sources = ws
        .corpus
        .documents
        .iter()
        .filter(|d| cited_docs.contains(&d.meta.id))
        .map(|d| source(&d.meta, as_of))
        .collect();
    let comparisons = comparisons(ws, &entries);
    let groups = group(ws, entries, options.group_by);
    Ok(DigestReport {
        schema: SCHEMA_NAME.to_string(),
        schema_version: SCHEMA_VERSION,
        generated,
        as_of,
        group_by: options.group_by,
        text_form: if options.simplified {
            TextForm::Simplified
        } else {
            TextForm::Original
        },
        with_links: options.with_links,
        sources,
        groups,
        comparisons,
    })
}

fn source(meta: &DocumentMeta, as_of: NaiveDate) -> Source {
    Source {
        doc: meta.id.clone(),
        title: meta.title.clone(),
        jurisdiction: meta.jurisdiction.clone(),
        jurisdiction_zh: meta.jurisdiction_zh.clone(),
        level: meta.level,
        issuer: meta.issuer.clone(),
        publisher: meta.publisher.clone(),
        written: meta.written,
        published: meta.published,
        effective: meta.effective,
        expires: meta.expires,
        status: meta.validity_on(as_of),
        status_label: status_label(meta, as_of),
        note: meta.note.clone(),
    }
}

fn citation(ws: &Workspace, id: &str) -> Result<Citation> {
    let Some((doc, clause)) = ws.corpus.clause(id) else {
        bail!("unknown clause id '{id}' (see `policynav clauses`)");
    };
    let meta = &doc.meta;
    let (date, date_kind) = [
        (meta.written, "written"),
        (meta.published, "published"),
        (meta.effective, "effective"),
    ]
    .into_iter()
    .find_map(|(d, k)| d.map(|d| (Some(d), Some(k.to_string()))))
    .unwrap_or((None, None));
    let (article, provision) = match clause.kind {
        ClauseKind::Article | ClauseKind::Text => (clause.label.clone(), None),
        ClauseKind::Provision => {
            let article = clause
                .parent
                .as_deref()
                .and_then(|p| ws.corpus.clause(p))
                .map(|(_, a)| a.label.clone())
                .unwrap_or_default();
            (
                article.clone(),
                Some(provision_label(&clause.label, &article, &clause.path)),
            )
        }
    };
    // Article numbers that restart in every chapter (Haidian: 三、(一) 1.) are only
    // citable with their chapter labels.
    let mut labels = HashSet::new();
    let restarts = doc.articles().any(|a| !labels.insert(a.label.as_str()));
    let article = match (restarts, chapter_labels(doc, clause.chapter.as_deref())) {
        (true, Some(chapter)) => format!("{chapter} {article}"),
        _ => article,
    };
    Ok(Citation {
        id: clause.id.clone(),
        kind: clause.kind,
        doc: meta.id.clone(),
        jurisdiction: meta.jurisdiction.clone(),
        jurisdiction_zh: meta.jurisdiction_zh.clone(),
        title: meta.title.clone(),
        issuer: meta.issuer.clone(),
        date,
        date_kind,
        article,
        provision,
        heading: clause.heading.clone(),
    })
}

/// `item 4` for the fourth provision of an article, with its own label when it has
/// one (`一是 (item 1)`).
fn provision_label(label: &str, article_label: &str, path: &str) -> String {
    let n = path.rsplit('.').next().unwrap_or(path);
    let label = label.trim();
    if label.is_empty() || label == article_label.trim() {
        format!("item {n}")
    } else {
        format!("{label} (item {n})")
    }
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

fn support_figures<'a>(figures: impl IntoIterator<Item = &'a Figure>) -> Vec<FigureEntry> {
    figures
        .into_iter()
        .filter(|f| f.role == Role::Support)
        .map(|f| FigureEntry {
            figure: f.clone(),
            summary: figure_summary(f),
        })
        .collect()
}

fn measure_types(ws: &Workspace, id: &str) -> Vec<MeasureType> {
    ws.analysis
        .topics_of(id)
        .iter()
        .map(|t| match ws.taxonomy.get(t) {
            Some(topic) => MeasureType {
                id: topic.id.clone(),
                zh: topic.zh.clone(),
                en: topic.en.clone(),
            },
            None => MeasureType {
                id: t.clone(),
                zh: t.clone(),
                en: t.clone(),
            },
        })
        .collect()
}

fn entry(ws: &Workspace, id: &str, options: &Options) -> Result<DigestEntry> {
    let citation = citation(ws, id)?;
    let Some((doc, clause)) = ws.corpus.clause(id) else {
        bail!("unknown clause id '{id}'");
    };
    let text = if options.simplified {
        clause.normalized.clone()
    } else {
        clause.text.clone()
    };
    let links = if options.with_links {
        ws.links(id)
            .iter()
            .take(LINKS_PER_CLAUSE)
            .map(|l| linked(ws, l, options))
            .collect::<Result<Vec<_>>>()?
    } else {
        Vec::new()
    };
    Ok(DigestEntry {
        citation,
        text,
        figures: support_figures(ws.analysis.figures_of(id)),
        agencies: clause.agencies.clone(),
        measure_types: measure_types(ws, id),
        status: doc.meta.validity_on(options.as_of),
        status_label: status_label(&doc.meta, options.as_of),
        links,
    })
}

fn linked(ws: &Workspace, link: &crate::links::Link, options: &Options) -> Result<LinkedMeasure> {
    let citation = citation(ws, &link.id)?;
    let (doc, clause) = ws
        .corpus
        .clause(&link.id)
        .ok_or_else(|| anyhow::anyhow!("linked clause '{}' is not in the corpus", link.id))?;
    let text = if options.simplified {
        clause.normalized.clone()
    } else {
        link.text.clone()
    };
    Ok(LinkedMeasure {
        citation,
        text,
        score: link.score,
        reasons: link
            .reasons
            .iter()
            .map(|r| r.text(crate::model::Lang::En))
            .collect(),
        figures: support_figures(&link.figures),
        status: doc.meta.validity_on(options.as_of),
        status_label: status_label(&doc.meta, options.as_of),
    })
}

/// One table per measure type whose clauses (selected, plus linked ones with the same
/// type) come from two or more documents.
fn comparisons(ws: &Workspace, entries: &[DigestEntry]) -> Vec<ComparisonTable> {
    let order: HashMap<&str, usize> = ws
        .corpus
        .clauses()
        .enumerate()
        .map(|(i, (_, c))| (c.id.as_str(), i))
        .collect();
    let mut tables = Vec::new();
    for topic in &ws.taxonomy.topics {
        let mut rows: Vec<(usize, ComparisonRow)> = Vec::new();
        let mut seen = HashSet::new();
        let mut add = |citation: &Citation, figures: &[FigureEntry], status: &str, origin: &str| {
            if seen.insert(citation.id.clone()) {
                rows.push((
                    order
                        .get(citation.id.as_str())
                        .copied()
                        .unwrap_or(usize::MAX),
                    ComparisonRow {
                        id: citation.id.clone(),
                        jurisdiction: citation.jurisdiction.clone(),
                        title: citation.title.clone(),
                        article: citation.article_label(),
                        figures: figures.iter().map(|f| f.summary.clone()).collect(),
                        status_label: status.to_string(),
                        origin: origin.to_string(),
                    },
                ));
            }
        };
        for e in entries {
            if e.measure_types.iter().any(|m| m.id == topic.id) {
                add(&e.citation, &e.figures, &e.status_label, "selected");
            }
        }
        for e in entries {
            for l in &e.links {
                if ws.analysis.topics_of(&l.citation.id).contains(&topic.id) {
                    add(&l.citation, &l.figures, &l.status_label, "linked");
                }
            }
        }
        let docs: HashSet<&str> = rows
            .iter()
            .map(|(_, r)| r.id.split('/').next().unwrap_or(""))
            .collect();
        if docs.len() < 2 {
            continue;
        }
        rows.sort_by_key(|(i, _)| *i);
        tables.push(ComparisonTable {
            measure_type: MeasureType {
                id: topic.id.clone(),
                zh: topic.zh.clone(),
                en: topic.en.clone(),
            },
            rows: rows.into_iter().map(|(_, r)| r).collect(),
        });
    }
    tables
}

/// Groups entries: by their first measure type (taxonomy order, untyped last), or by
/// jurisdiction or document in order of first appearance.
fn group(ws: &Workspace, entries: Vec<DigestEntry>, by: GroupBy) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for e in entries {
        let (key, title) = match by {
            GroupBy::Topic => match e.measure_types.first() {
                Some(m) => (m.id.clone(), format!("{} · {}", m.zh, m.en)),
                None => ("other".to_string(), "其他 · Other measures".to_string()),
            },
            GroupBy::Jurisdiction => (
                e.citation.jurisdiction.clone(),
                match &e.citation.jurisdiction_zh {
                    Some(zh) => format!("{} · {zh}", e.citation.jurisdiction),
                    None => e.citation.jurisdiction.clone(),
                },
            ),
            GroupBy::Document => (
                e.citation.doc.clone(),
                format!("{} · 《{}》", e.citation.jurisdiction, e.citation.title),
            ),
        };
        match groups.iter_mut().find(|g| g.key == key) {
            Some(g) => g.entries.push(e),
            None => groups.push(Group {
                key,
                title,
                entries: vec![e],
            }),
        }
    }
    if by == GroupBy::Topic {
        let rank = |key: &str| {
            ws.taxonomy
                .topics
                .iter()
                .position(|t| t.id == key)
                .unwrap_or(usize::MAX)
        };
        groups.sort_by_key(|g| rank(&g.key));
    }
    groups
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! A small hand-built digest for the writers' unit tests.
    use super::*;

    fn fig(
        surface: &str,
        value: f64,
        unit: Unit,
        q: Qualifier,
        instrument: Option<&str>,
    ) -> FigureEntry {
        let figure = Figure {
            surface: surface.to_string(),
            span: 0..surface.len(),
            value,
            value_max: None,
            unit,
            qualifier: q,
            instrument: instrument.map(str::to_string),
            period: None,
            role: Role::Support,
        };
        FigureEntry {
            summary: figure_summary(&figure),
            figure,
        }
    }

    fn cite(
        id: &str,
        jur: &str,
        zh: &str,
        title: &str,
        article: &str,
        provision: &str,
    ) -> Citation {
        Citation {
            id: id.to_string(),
            kind: ClauseKind::Provision,
            doc: id.split('/').next().unwrap_or("").to_string(),
            jurisdiction: jur.to_string(),
            jurisdiction_zh: Some(zh.to_string()),
            title: title.to_string(),
            issuer: if id.starts_with("beijing-2021") {
                Some("北京市促进中小企业发展工作领导小组办公室".to_string())
            } else {
                None
            },
            date: if id.starts_with("beijing-2021") {
                NaiveDate::from_ymd_opt(2021, 12, 22)
            } else {
                None
            },
            date_kind: id
                .starts_with("beijing-2021")
                .then(|| "written".to_string()),
            article: article.to_string(),
            provision: Some(provision.to_string()),
            heading: Some("支援企業上市 | 融資".to_string()),
        }
    }

    /// Two Beijing provisions (Traditional and Simplified) on listing support, one
    /// with a link to Zhejiang, plus text full of characters every format must escape.
    pub(crate) fn report() -> DigestReport {
        let listing = MeasureType {
            id: "listing".to_string(),
            zh: "上市挂牌".to_string(),
            en: "Listing support".to_string(),
        };
        let day = NaiveDate::from_ymd_opt(2025, 3, 1).expect("date");
        let t2021 = "北京市关于促进“专精特新”中小企业高质量发展的若干措施";
        let t2024 = "关于实施十大强企行动激发专精特新企业活力的若干措施";
        let a = DigestEntry {
            citation: cite(
                "beijing-2021/9.4",
                "Beijing",
                "北京市",
                t2021,
                "9.",
                "item 4",
            ),
            text: "支援企業在A股上市，給予每家總額不超過300萬元的資金補貼 | <b>&\"引號\"</b>"
                .to_string(),
            figures: vec![fig(
                "不超過300萬元",
                3_000_000.0,
                Unit::Yuan,
                Qualifier::Cap,
                Some("补贴"),
            )],
            agencies: vec!["市經濟和資訊化局".to_string(), "市金融監管局".to_string()],
            measure_types: vec![listing.clone()],
            status: Validity::InForce,
            status_label: "in force".to_string(),
            links: vec![LinkedMeasure {
                citation: cite(
                    "zhejiang-2023/5.1",
                    "Zhejiang",
                    "浙江省",
                    "关于进一步促进专精特新中小企业高质量发展的若干措施(征求意见稿)",
                    "5.",
                    "item 1",
                ),
                text: "對參加境外展會的企業給予最高70%的補助".to_string(),
                score: 0.8125,
                reasons: vec!["same figure: 70%".to_string()],
                figures: vec![fig("最高70%", 70.0, Unit::Percent, Qualifier::Cap, None)],
                status: Validity::Draft,
                status_label: "draft for comment (征求意见稿), not in force".to_string(),
            }],
        };
        let b = DigestEntry {
            citation: cite(
                "beijing-2024/6.5",
                "Beijing",
                "北京市",
                t2024,
                "六、",
                "item 5",
            ),
            text: "市级财政按规定给予每家总额不超过300万元的资金补贴。".to_string(),
            figures: vec![fig(
                "不超过300万元",
                3_000_000.0,
                Unit::Yuan,
                Qualifier::Cap,
                Some("补贴"),
            )],
            agencies: vec![],
            measure_types: vec![listing.clone()],
            status: Validity::InForce,
            status_label: "in force (until 2028-12-31)".to_string(),
            links: vec![],
        };
        DigestReport {
            schema: SCHEMA_NAME.to_string(),
            schema_version: SCHEMA_VERSION,
            generated: day,
            as_of: day,
            group_by: GroupBy::Topic,
            text_form: TextForm::Original,
            with_links: true,
            sources: vec![],
            groups: vec![Group {
                key: "listing".to_string(),
                title: "上市挂牌 · Listing support".to_string(),
                entries: vec![a.clone(), b.clone()],
            }],
            comparisons: vec![ComparisonTable {
                measure_type: listing,
                rows: [&a, &b]
                    .iter()
                    .map(|e| ComparisonRow {
                        id: e.citation.id.clone(),
                        jurisdiction: e.citation.jurisdiction.clone(),
                        title: e.citation.title.clone(),
                        article: e.citation.article_label(),
                        figures: e.figures.iter().map(|f| f.summary.clone()).collect(),
                        status_label: e.status_label.clone(),
                        origin: "selected".to_string(),
                    })
                    .collect(),
            }],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(value: f64, value_max: Option<f64>, unit: Unit, qualifier: Qualifier) -> Figure {
        Figure {
            surface: String::new(),
            span: 0..0,
            value,
            value_max,
            unit,
            qualifier,
            instrument: None,
            period: None,
            role: Role::Support,
        }
    }

    #[test]
    fn figure_summaries_add_instrument_and_period() {
        let mut f = figure(3_000_000.0, None, Unit::Yuan, Qualifier::Cap);
        assert_eq!(figure_summary(&f), "最高300万元");
        f.instrument = Some("补贴".into());
        f.period = Some("一次性".into());
        assert_eq!(figure_summary(&f), "最高300万元 补贴 一次性");
        let r = figure(
            1_000_000.0,
            Some(20_000_000.0),
            Unit::Yuan,
            Qualifier::Range,
        );
        assert_eq!(figure_summary(&r), r.display());
    }

    #[test]
    fn citation_line_names_every_part() {
        let r = fixtures::report();
        let c = &r.groups[0].entries[0].citation;
        assert_eq!(
            c.line(),
            "Beijing (北京市) · 《北京市关于促进“专精特新”中小企业高质量发展的若干措施》 · \
             北京市促进中小企业发展工作领导小组办公室 · written 2021-12-22 · art. 9. item 4 · beijing-2021/9.4"
        );
        let undated = &r.groups[0].entries[1].citation;
        assert!(
            undated.line().contains("issuer not printed · undated"),
            "{}",
            undated.line()
        );
    }
}
