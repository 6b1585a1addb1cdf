//! The digest as plain data: what every output format renders, and what `--format
//! json` writes as is. Built once from the store by [`build`], so the writers
//! cannot disagree about a citation, a figure or a status. Every label in it is in the
//! digest's language ([`DigestReport::lang`]).

use std::collections::{HashMap, HashSet};

use anyhow::{Result, bail};
use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use crate::analysis::ClauseAnalysis;
use crate::corpus::Corpus;
use crate::facts::{Figure, Qualifier, Role, Unit};
use crate::links::Link;
use crate::model::citation::{Citation, format_date};
use crate::model::labels::Labelled;
use crate::model::{ClauseKind, Document, DocumentMeta, Lang, Level, Validity};
use crate::store::Store;
use crate::topics::Taxonomy;

use super::{GroupBy, Options};

/// Name of the JSON document type, written in every digest.
pub const SCHEMA_NAME: &str = "policynav.digest";
/// Version of the JSON shape; bumped when a field changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 2;
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
    /// The language of every label (`zh` or `en`).
    #[serde(serialize_with = "lang_id")]
    pub lang: Lang,
    /// How the entries are grouped.
    pub group_by: GroupBy,
    /// `original` (as printed) or `simplified`.
    pub text_form: TextForm,
    /// Whether equivalent measures were looked up.
    pub with_links: bool,
    /// Every document cited (selected or linked), in corpus order.
    pub sources: Vec<Source>,
    /// The clauses, grouped (one group without a title when not grouped).
    pub groups: Vec<Group>,
    /// One table per measure type found in two or more documents.
    pub comparisons: Vec<ComparisonTable>,
    /// Ids of the selection that are no longer in the corpus (a removed document), left
    /// out of the digest.
    pub left_out: Vec<String>,
}

fn lang_id<S: Serializer>(lang: &Lang, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(lang.id())
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
    /// Document number (文号), when printed.
    pub doc_number: Option<String>,
    /// Jurisdiction (English).
    pub jurisdiction: String,
    /// Jurisdiction (Chinese), where known.
    pub jurisdiction_zh: Option<String>,
    /// Administrative level.
    pub level: Level,
    /// `level` in words.
    pub level_label: String,
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
    /// Measure-type id, jurisdiction or document id (`other` for clauses without a
    /// type, `all` when not grouped).
    pub key: String,
    /// The heading shown (empty when not grouped).
    pub title: String,
    /// The clauses, in the order they were selected.
    pub entries: Vec<DigestEntry>,
}

/// One exported clause.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DigestEntry {
    /// Where it comes from.
    pub citation: Citation,
    /// The citation in the digest's language, without the id.
    pub cited: String,
    /// Its text (original or Simplified, see [`DigestReport::text_form`]).
    pub text: String,
    /// Its support figures (money or ratios the government gives).
    pub figures: Vec<FigureEntry>,
    /// Responsible agencies.
    pub agencies: Vec<String>,
    /// Measure types, the one it is grouped under first.
    pub measure_types: Vec<MeasureType>,
    /// Its document's administrative level.
    pub level: Level,
    /// Its document's standing on `as_of`.
    pub status: Validity,
    /// `status` in words.
    pub status_label: String,
    /// Equivalent measures in other documents (only with `--with-links`).
    pub links: Vec<LinkedMeasure>,
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
    /// The citation in the digest's language, without the id.
    pub cited: String,
    /// Its text (same script choice as the entry).
    pub text: String,
    /// How likely it is the same measure.
    pub score: f32,
    /// How close it is (同一措施 / 相关措施), in words.
    pub tier: Option<String>,
    /// Why it was linked, in the digest's language.
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
    /// Jurisdiction, in the digest's language.
    pub jurisdiction: String,
    /// Document title.
    pub title: String,
    /// Where in the document (`第9条(4)`).
    pub article: String,
    /// Summaries of its support figures.
    pub figures: Vec<String>,
    /// Its document's standing.
    pub status: Validity,
    /// `status` in words.
    pub status_label: String,
    /// `selected`, or `linked` when it entered the digest as an equivalent measure.
    pub origin: String,
}

/// The numbers of a clause a spreadsheet can sort and sum: its largest money figure and
/// its largest ratio.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Amounts {
    /// The money figure as stated, in yuan: the cap, the floor, the amount, or the lower
    /// end of a range.
    pub amount_yuan: Option<f64>,
    /// The most that figure can pay, in yuan (the cap, the amount, the upper end of a
    /// range); `None` for an open-ended floor.
    pub amount_max_yuan: Option<f64>,
    /// The largest ratio, in percent (70 for 最高70%).
    pub ratio_percent: Option<f64>,
    /// The instrument of the money figure (else of the ratio): 补贴, 奖励, 贴息 …
    pub instrument: Option<String>,
}

impl DigestEntry {
    /// The figures a spreadsheet sums (see [`Amounts`]).
    pub fn amounts(&self) -> Amounts {
        amounts(self.figures.iter().map(|f| &f.figure))
    }
}

/// See [`Amounts`]: the money figure that can pay the most (ties: the first printed).
pub fn amounts<'a>(figures: impl IntoIterator<Item = &'a Figure>) -> Amounts {
    let mut money: Option<&Figure> = None;
    let mut ratio: Option<&Figure> = None;
    let most = |f: &Figure| f.value_max.unwrap_or(f.value);
    for f in figures.into_iter().filter(|f| f.role == Role::Support) {
        let slot = match f.unit {
            Unit::Yuan => &mut money,
            Unit::Percent => &mut ratio,
        };
        if slot.is_none_or(|best| most(f) > most(best)) {
            *slot = Some(f);
        }
    }
    Amounts {
        amount_yuan: money.map(|f| f.value),
        amount_max_yuan: money.and_then(|f| match f.qualifier {
            Qualifier::Floor => None,
            _ => Some(most(f)),
        }),
        ratio_percent: ratio.map(most),
        instrument: money
            .or(ratio)
            .and_then(|f| f.instrument.clone())
            .filter(|i| !i.is_empty()),
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
    /// `共4条 · 按收集顺序 · 原文 · 附其他文件中的同类措施`.
    pub fn scope(&self) -> String {
        let n = self.len();
        let grouped = match (self.lang, self.group_by) {
            (Lang::Zh, GroupBy::None) => "按收集顺序",
            (Lang::Zh, GroupBy::Topic) => "按措施类型分组",
            (Lang::Zh, GroupBy::Jurisdiction) => "按地区分组",
            (Lang::Zh, GroupBy::Document) => "按文件分组",
            (Lang::En, GroupBy::None) => "in the order collected",
            (Lang::En, GroupBy::Topic) => "grouped by measure type",
            (Lang::En, GroupBy::Jurisdiction) => "grouped by jurisdiction",
            (Lang::En, GroupBy::Document) => "grouped by document",
        };
        match self.lang {
            Lang::Zh => format!(
                "共{n}条 · {grouped} · {}{}",
                match self.text_form {
                    TextForm::Original => "原文",
                    TextForm::Simplified => "简体文本",
                },
                if self.with_links {
                    " · 附其他文件中的同类措施"
                } else {
                    ""
                },
            ),
            Lang::En => format!(
                "{n} clause{} · {grouped} · {} text{}",
                if n == 1 { "" } else { "s" },
                match self.text_form {
                    TextForm::Original => "original",
                    TextForm::Simplified => "Simplified",
                },
                if self.with_links {
                    " · with equivalent measures"
                } else {
                    ""
                },
            ),
        }
    }
}

/// The standing of a document on `as_of`, in words a client understands:
/// `现行有效（有效期至2028年12月31日）`, `征求意见稿（未生效）`.
pub fn status_label(meta: &DocumentMeta, as_of: NaiveDate, lang: Lang) -> String {
    let v = meta.validity_on(as_of);
    let name = v.label(lang);
    let detail = match (v, lang) {
        (Validity::Draft, Lang::Zh) => Some("未生效".to_string()),
        (Validity::Draft, Lang::En) => Some("for comment, not in force".to_string()),
        (Validity::InForce, _) => meta.expires.map(|d| match lang {
            Lang::Zh => format!("有效期至{}", format_date(d, lang)),
            Lang::En => format!("until {d}"),
        }),
        (Validity::Expired, _) => meta.expires.map(|d| match lang {
            Lang::Zh => format!("{}到期", format_date(d, lang)),
            Lang::En => format!("ended {d}"),
        }),
        (Validity::NotYetInForce, _) => meta.effective.map(|d| match lang {
            Lang::Zh => format!("{}起施行", format_date(d, lang)),
            Lang::En => format!("from {d}"),
        }),
    };
    match (detail, lang) {
        (Some(d), Lang::Zh) => format!("{name}（{d}）"),
        (Some(d), Lang::En) => format!("{name} ({d})"),
        (None, _) => name.to_string(),
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
pub fn resolve_ids(store: &Store, ids: &[String]) -> Result<Vec<String>> {
    let material = Material::gather(store, ids, false)?;
    let (out, missing) = material.resolve(ids);
    if let Some(raw) = missing.first() {
        bail!("unknown clause or document id '{raw}' (see `policynav clauses`)");
    }
    Ok(out)
}

/// What a digest is made from, read from the store: the documents of the selected
/// clauses and of the clauses they link to, each clause's analysis, and the links of
/// the selected clauses. Nothing else of the corpus is read, so a digest of three
/// clauses costs the same in a corpus of five documents or of ten thousand.
struct Material {
    /// The documents read, in corpus order.
    corpus: Corpus,
    /// Figures, measure types and frames per clause id.
    analysis: HashMap<String, ClauseAnalysis>,
    /// The links of each selected clause, as the store keeps them.
    links: HashMap<String, Vec<Link>>,
}

impl Material {
    /// Reads the documents `ids` name (a clause id names its document) and, with
    /// `with_links`, the links of the clauses selected and the documents they lead to.
    fn gather(store: &Store, ids: &[String], with_links: bool) -> Result<Material> {
        let mut material = Material {
            corpus: Corpus {
                documents: Vec::new(),
                warnings: Vec::new(),
            },
            analysis: HashMap::new(),
            links: HashMap::new(),
        };
        for raw in ids {
            let id = raw.trim().trim_end_matches('/');
            let doc = id.split_once('/').map_or(id, |(d, _)| d);
            material.read(store, doc)?;
        }
        if with_links {
            let (selected, _) = material.resolve(ids);
            for id in selected {
                let links = store.links(&id)?;
                for l in &links {
                    material.read(store, &l.doc)?;
                }
                material.links.insert(id, links);
            }
        }
        material
            .corpus
            .documents
            .sort_by_key(|d| store.position(&d.meta.id).unwrap_or(usize::MAX));
        Ok(material)
    }

    /// Reads one document from the store, once; an id the store does not know is left
    /// for [`Material::resolve`] to report.
    fn read(&mut self, store: &Store, doc: &str) -> Result<()> {
        if store.meta(doc).is_none() || self.corpus.document(doc).is_some() {
            return Ok(());
        }
        if let Some((document, analyses)) = store.load_analysed(doc)? {
            for (clause, analysis) in document.clauses.iter().zip(analyses) {
                self.analysis.insert(clause.id.clone(), analysis);
            }
            self.corpus.documents.push(document);
        }
        Ok(())
    }

    fn figures_of(&self, id: &str) -> &[Figure] {
        self.analysis.get(id).map_or(&[], |a| a.figures.as_slice())
    }

    fn topics_of(&self, id: &str) -> &[String] {
        self.analysis.get(id).map_or(&[], |a| a.topics.as_slice())
    }

    /// The selection expanded (see [`resolve_ids`]), and the ids that name nothing.
    fn resolve(&self, ids: &[String]) -> (Vec<String>, Vec<String>) {
        let mut out = Vec::new();
        let mut missing = Vec::new();
        let mut seen = HashSet::new();
        let mut push = |id: &str, out: &mut Vec<String>| {
            if seen.insert(id.to_string()) {
                out.push(id.to_string());
            }
        };
        for raw in ids {
            let id = raw.trim().trim_end_matches('/');
            if let Some((doc, clause)) = self.corpus.clause(id) {
                match clause.kind {
                    ClauseKind::Provision | ClauseKind::Text => push(&clause.id, &mut out),
                    ClauseKind::Article => {
                        for c in article_units(doc, &clause.id) {
                            push(c, &mut out);
                        }
                    }
                }
            } else if let Some(doc) = self.corpus.document(id) {
                for article in doc.articles() {
                    for c in article_units(doc, &article.id) {
                        push(c, &mut out);
                    }
                }
            } else if !missing.contains(raw) {
                missing.push(raw.clone());
            }
        }
        (out, missing)
    }
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

/// Builds the digest of `ids` (see [`resolve_ids`] for what an id may be) from the
/// store; measure types are named from `taxonomy`.
///
/// Errors when an id is unknown (unless [`Options::skip_missing`], which leaves it out
/// and lists it in [`DigestReport::left_out`]) or when the selection is empty.
pub fn build(
    store: &Store,
    taxonomy: &Taxonomy,
    ids: &[String],
    options: &Options,
) -> Result<DigestReport> {
    let m = Material::gather(store, ids, options.with_links)?;
    let (ids, left_out) = m.resolve(ids);
    if let Some(raw) = left_out.first()
        && !options.skip_missing
    {
        bail!("unknown clause or document id '{raw}' (see `policynav clauses`)");
    }
    if ids.is_empty() {
        if left_out.is_empty() {
            bail!("nothing to export: the selection is empty");
        }
        bail!(
            "nothing to export: none of the selected clauses is in the corpus any more ({})",
            left_out.join(", ")
        );
    }
    let as_of = options.as_of;
    let mut entries = Vec::with_capacity(ids.len());
    let mut cited_docs: HashSet<String> = HashSet::new();
    for id in &ids {
        let entry = entry(&m, taxonomy, id, options)?;
        cited_docs.insert(entry.citation.doc.clone());
        for l in &entry.links {
            cited_docs.insert(l.citation.doc.clone());
        }
        entries.push(entry);
    }
    let sources = m
        .corpus
        .documents
        .iter()
        .filter(|d| cited_docs.contains(&d.meta.id))
        .map(|d| source(&d.meta, as_of, options.lang))
        .collect();
    let comparisons = comparisons(&m, &entries, options.lang);
    let groups = group(entries, options.group_by, options.lang);
    Ok(DigestReport {
        schema: SCHEMA_NAME.to_string(),
        schema_version: SCHEMA_VERSION,
        generated: options.made_on,
        as_of,
        lang: options.lang,
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
        left_out,
    })
}

fn source(meta: &DocumentMeta, as_of: NaiveDate, lang: Lang) -> Source {
    Source {
        doc: meta.id.clone(),
        title: meta.title.clone(),
        doc_number: meta.doc_number.clone(),
        jurisdiction: meta.jurisdiction.clone(),
        jurisdiction_zh: meta.jurisdiction_zh.clone(),
        level: meta.level,
        level_label: meta.level.label(lang).to_string(),
        issuer: meta.issuer.clone(),
        publisher: meta.publisher.clone(),
        written: meta.written,
        published: meta.published,
        effective: meta.effective,
        expires: meta.expires,
        status: meta.validity_on(as_of),
        status_label: status_label(meta, as_of, lang),
        note: meta.note.clone(),
    }
}

fn citation(m: &Material, id: &str) -> Result<Citation> {
    let Some((doc, clause)) = m.corpus.clause(id) else {
        bail!("unknown clause id '{id}' (see `policynav clauses`)");
    };
    Ok(Citation::of(doc, clause))
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

fn measure_types(m: &Material, taxonomy: &Taxonomy, id: &str) -> Vec<MeasureType> {
    m.topics_of(id)
        .iter()
        .map(|t| match taxonomy.get(t) {
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

/// Text safe for every format: a form feed (a page break from pdftotext) or a vertical
/// tab (Word's manual line break) becomes a line break, and other control characters
/// are dropped.
pub fn clean_text(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\u{c}' | '\u{b}' | '\u{2028}' | '\u{2029}' => Some('\n'),
            '\t' | '\n' => Some(c),
            '\r' => None,
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

fn entry(m: &Material, taxonomy: &Taxonomy, id: &str, options: &Options) -> Result<DigestEntry> {
    let citation = citation(m, id)?;
    let Some((doc, clause)) = m.corpus.clause(id) else {
        bail!("unknown clause id '{id}'");
    };
    let text = if options.simplified {
        &clause.normalized
    } else {
        &clause.text
    };
    let links = if options.with_links {
        let mut links: Vec<&Link> = m.links.get(id).map_or(Vec::new(), |l| l.iter().collect());
        // equal scores in a stable order
        links.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        links
            .into_iter()
            .take(LINKS_PER_CLAUSE)
            .map(|l| linked(m, l, options))
            .collect::<Result<Vec<_>>>()?
    } else {
        Vec::new()
    };
    Ok(DigestEntry {
        cited: citation.text(options.lang),
        citation,
        text: clean_text(text),
        figures: support_figures(m.figures_of(id)),
        agencies: clause.agencies.iter().map(|a| clean_text(a)).collect(),
        measure_types: measure_types(m, taxonomy, id),
        level: doc.meta.level,
        status: doc.meta.validity_on(options.as_of),
        status_label: status_label(&doc.meta, options.as_of, options.lang),
        links,
    })
}

fn linked(m: &Material, link: &Link, options: &Options) -> Result<LinkedMeasure> {
    let citation = citation(m, &link.id)?;
    let (doc, clause) = m
        .corpus
        .clause(&link.id)
        .ok_or_else(|| anyhow::anyhow!("linked clause '{}' is not in the corpus", link.id))?;
    let text = if options.simplified {
        &clause.normalized
    } else {
        &link.text
    };
    Ok(LinkedMeasure {
        cited: citation.text(options.lang),
        citation,
        text: clean_text(text),
        score: link.score,
        tier: Some(link.tier.label(options.lang).to_string()),
        reasons: link.reasons.iter().map(|r| r.text(options.lang)).collect(),
        figures: support_figures(&link.figures),
        status: doc.meta.validity_on(options.as_of),
        status_label: status_label(&doc.meta, options.as_of, options.lang),
    })
}

/// One table per measure type whose clauses (selected, plus linked ones with the same
/// type) come from two or more documents; tables in the order their types first occur
/// in the digest, rows in corpus order.
fn comparisons(m: &Material, entries: &[DigestEntry], lang: Lang) -> Vec<ComparisonTable> {
    let order: HashMap<&str, usize> = m
        .corpus
        .clauses()
        .enumerate()
        .map(|(i, (_, c))| (c.id.as_str(), i))
        .collect();
    let mut types: Vec<&MeasureType> = Vec::new();
    for m in entries.iter().flat_map(|e| &e.measure_types) {
        if !types.iter().any(|t| t.id == m.id) {
            types.push(m);
        }
    }
    let mut tables = Vec::new();
    for topic in types {
        let mut rows: Vec<(usize, ComparisonRow)> = Vec::new();
        let mut seen = HashSet::new();
        let mut add = |citation: &Citation,
                       figures: &[FigureEntry],
                       status: Validity,
                       label: &str,
                       origin: &str| {
            if seen.insert(citation.id.clone()) {
                rows.push((
                    order
                        .get(citation.id.as_str())
                        .copied()
                        .unwrap_or(usize::MAX),
                    ComparisonRow {
                        id: citation.id.clone(),
                        jurisdiction: super::words::place(
                            &citation.jurisdiction,
                            citation.jurisdiction_zh.as_deref(),
                            lang,
                        ),
                        title: citation.title.clone(),
                        article: citation.locator(lang),
                        figures: figures.iter().map(|f| f.summary.clone()).collect(),
                        status,
                        status_label: label.to_string(),
                        origin: origin.to_string(),
                    },
                ));
            }
        };
        for e in entries {
            if e.measure_types.iter().any(|m| m.id == topic.id) {
                add(
                    &e.citation,
                    &e.figures,
                    e.status,
                    &e.status_label,
                    "selected",
                );
            }
        }
        for e in entries {
            for l in &e.links {
                if m.topics_of(&l.citation.id).contains(&topic.id) {
                    add(&l.citation, &l.figures, l.status, &l.status_label, "linked");
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
        rows.sort_by(|(i, a), (j, b)| i.cmp(j).then_with(|| a.id.cmp(&b.id)));
        tables.push(ComparisonTable {
            measure_type: topic.clone(),
            rows: rows.into_iter().map(|(_, r)| r).collect(),
        });
    }
    tables
}

/// Groups entries, keeping the selection's order inside each group and ordering the
/// groups by their first entry.
///
/// By measure type, a clause with several types sits under the one it shares with the
/// most clauses of the digest (its first type when it shares none), so a digest of
/// five recognition rewards is one group, not four; its types are listed with that one
/// first.
fn group(mut entries: Vec<DigestEntry>, by: GroupBy, lang: Lang) -> Vec<Group> {
    if by == GroupBy::None {
        return vec![Group {
            key: "all".to_string(),
            title: String::new(),
            entries,
        }];
    }
    if by == GroupBy::Topic {
        assign_types(&mut entries);
    }
    let mut groups: Vec<Group> = Vec::new();
    for e in entries {
        let (key, title) = match by {
            GroupBy::Topic | GroupBy::None => match e.measure_types.first() {
                Some(m) => (m.id.clone(), super::words::measure_type(m, lang)),
                None => (
                    "other".to_string(),
                    super::words::words(lang).other_measures.to_string(),
                ),
            },
            GroupBy::Jurisdiction => (
                e.citation.jurisdiction.clone(),
                super::words::place(
                    &e.citation.jurisdiction,
                    e.citation.jurisdiction_zh.as_deref(),
                    lang,
                ),
            ),
            GroupBy::Document => (
                e.citation.doc.clone(),
                format!(
                    "{} 《{}》",
                    super::words::place(
                        &e.citation.jurisdiction,
                        e.citation.jurisdiction_zh.as_deref(),
                        lang
                    ),
                    e.citation.title
                ),
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
    groups
}

/// Puts first, in each entry's measure types, the type it is grouped under: greedily,
/// the type held by the most entries not yet placed (ties: the type that occurs first
/// in the digest), until every entry with a type is placed.
fn assign_types(entries: &mut [DigestEntry]) {
    let mut placed = vec![false; entries.len()];
    loop {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for (e, _) in entries.iter().zip(&placed).filter(|(_, p)| !**p) {
            for m in &e.measure_types {
                match counts.iter_mut().find(|(id, _)| *id == m.id) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((m.id.clone(), 1)),
                }
            }
        }
        // max_by_key keeps the last of equal counts: search from the end for the first
        let Some((best, _)) = counts.iter().rev().max_by_key(|(_, n)| *n).cloned() else {
            return;
        };
        for (e, p) in entries.iter_mut().zip(placed.iter_mut()) {
            if !*p && let Some(i) = e.measure_types.iter().position(|m| m.id == best) {
                let m = e.measure_types.remove(i);
                e.measure_types.insert(0, m);
                *p = true;
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! A small hand-built digest for the writers' unit tests.
    use super::*;
    use crate::model::citation::{DateKind, Item};

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

    fn cite(id: &str, jur: &str, zh: &str, title: &str, article: &str, ordinal: usize) -> Citation {
        let b21 = id.starts_with("beijing-2021");
        Citation {
            id: id.to_string(),
            kind: ClauseKind::Provision,
            doc: id.split('/').next().unwrap_or("").to_string(),
            jurisdiction: jur.to_string(),
            jurisdiction_zh: Some(zh.to_string()),
            title: title.to_string(),
            doc_number: b21.then(|| "京经信发〔2021〕110号".to_string()),
            issuer: b21.then(|| "北京市促进中小企业发展工作领导小组办公室".to_string()),
            date: if b21 {
                NaiveDate::from_ymd_opt(2021, 12, 23)
            } else {
                None
            },
            date_kind: b21.then_some(DateKind::Published),
            chapter: None,
            article: article.to_string(),
            article_number: article.trim_end_matches(['.', '、']).to_string(),
            item: Some(Item {
                ordinal,
                of: 5,
                printed: None,
                within: None,
            }),
            heading: Some("支援企業上市 | 融資".to_string()),
        }
    }

    /// Two Beijing provisions (Traditional and Simplified) on listing support, one
    /// with a link to Zhejiang, plus text full of characters every format must escape.
    pub(crate) fn report() -> DigestReport {
        report_in(Lang::Zh)
    }

    /// [`report`] with labels in `lang`.
    pub(crate) fn report_in(lang: Lang) -> DigestReport {
        let listing = MeasureType {
            id: "listing".to_string(),
            zh: "上市挂牌".to_string(),
            en: "Listing support".to_string(),
        };
        let day = NaiveDate::from_ymd_opt(2025, 3, 1).expect("date");
        let t2021 = "北京市关于促进“专精特新”中小企业高质量发展的若干措施";
        let t2024 = "关于实施十大强企行动激发专精特新企业活力的若干措施";
        let draft = Validity::Draft;
        let zj = cite(
            "zhejiang-2023/5.1",
            "Zhejiang",
            "浙江省",
            "关于进一步促进专精特新中小企业高质量发展的若干措施(征求意见稿)",
            "5.",
            1,
        );
        let c21 = cite("beijing-2021/9.4", "Beijing", "北京市", t2021, "9.", 4);
        let c24 = cite("beijing-2024/6.5", "Beijing", "北京市", t2024, "六、", 5);
        let a = DigestEntry {
            cited: c21.text(lang),
            citation: c21,
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
            level: Level::Municipality,
            status: Validity::InForce,
            status_label: Validity::InForce.label(lang).to_string(),
            links: vec![LinkedMeasure {
                cited: zj.text(lang),
                citation: zj,
                text: "對參加境外展會的企業給予最高70%的補助".to_string(),
                score: 0.8125,
                tier: None,
                reasons: vec![match lang {
                    Lang::Zh => "支持额度相同:70%".to_string(),
                    Lang::En => "same figure: 70%".to_string(),
                }],
                figures: vec![fig("最高70%", 70.0, Unit::Percent, Qualifier::Cap, None)],
                status: draft,
                status_label: draft.label(lang).to_string(),
            }],
        };
        let b = DigestEntry {
            cited: c24.text(lang),
            citation: c24,
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
            level: Level::Municipality,
            status: Validity::InForce,
            status_label: Validity::InForce.label(lang).to_string(),
            links: vec![],
        };
        DigestReport {
            schema: SCHEMA_NAME.to_string(),
            schema_version: SCHEMA_VERSION,
            generated: day,
            as_of: day,
            lang,
            group_by: GroupBy::Topic,
            text_form: TextForm::Original,
            with_links: true,
            sources: vec![],
            groups: vec![Group {
                key: "listing".to_string(),
                title: super::super::words::measure_type(&listing, lang),
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
                        article: e.citation.locator(lang),
                        figures: e.figures.iter().map(|f| f.summary.clone()).collect(),
                        status: e.status,
                        status_label: e.status_label.clone(),
                        origin: "selected".to_string(),
                    })
                    .collect(),
            }],
            left_out: vec![],
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
    fn amounts_take_the_largest_money_figure_and_ratio() {
        let mut small = figure(1_000_000.0, None, Unit::Yuan, Qualifier::Cap);
        small.instrument = Some("补助".into());
        let mut range = figure(
            1_000_000.0,
            Some(20_000_000.0),
            Unit::Yuan,
            Qualifier::Range,
        );
        range.instrument = Some("贴息".into());
        let ratio = figure(70.0, None, Unit::Percent, Qualifier::Cap);
        let mut threshold = figure(1e9, None, Unit::Yuan, Qualifier::Floor);
        threshold.role = Role::Threshold;
        let a = amounts([&small, &range, &ratio, &threshold]);
        assert_eq!(a.amount_yuan, Some(1_000_000.0));
        assert_eq!(a.amount_max_yuan, Some(20_000_000.0));
        assert_eq!(a.ratio_percent, Some(70.0));
        assert_eq!(a.instrument.as_deref(), Some("贴息"));
        let floor = figure(500_000.0, None, Unit::Yuan, Qualifier::Floor);
        let a = amounts([&floor]);
        assert_eq!((a.amount_yuan, a.amount_max_yuan), (Some(500_000.0), None));
        assert_eq!(amounts([]), Amounts::default());
    }

    #[test]
    fn control_characters_become_breaks_or_go() {
        assert_eq!(
            clean_text("甲\u{c}乙\u{b}丙\u{7}丁\r\n戊\t己"),
            "甲\n乙\n丙丁\n戊\t己"
        );
    }

    fn entry_with(id: &str, types: &[&str]) -> DigestEntry {
        let mut e = fixtures::report().groups[0].entries[1].clone();
        e.citation.id = id.to_string();
        e.measure_types = types
            .iter()
            .map(|t| MeasureType {
                id: t.to_string(),
                zh: t.to_string(),
                en: t.to_string(),
            })
            .collect();
        e
    }

    #[test]
    fn clauses_gather_under_the_type_they_share() {
        // five recognition rewards whose first types all differ
        let entries = vec![
            entry_with("a/1", &["talent", "award"]),
            entry_with("a/2", &["rnd", "award"]),
            entry_with("a/3", &["award"]),
            entry_with("a/4", &["digital", "award", "rnd"]),
            entry_with("a/5", &["listing"]),
            entry_with("a/6", &[]),
        ];
        let groups = group(entries.clone(), GroupBy::Topic, Lang::Zh);
        let keys: Vec<(&str, usize)> = groups
            .iter()
            .map(|g| (g.key.as_str(), g.entries.len()))
            .collect();
        assert_eq!(keys, [("award", 4), ("listing", 1), ("other", 1)]);
        let ids: Vec<&str> = groups[0]
            .entries
            .iter()
            .map(|e| e.citation.id.as_str())
            .collect();
        assert_eq!(ids, ["a/1", "a/2", "a/3", "a/4"], "selection order kept");
        assert_eq!(groups[0].entries[0].measure_types[1].id, "talent");

        let flat = group(entries, GroupBy::None, Lang::Zh);
        assert_eq!(flat.len(), 1);
        assert_eq!(flat[0].entries.len(), 6);
        assert_eq!(flat[0].entries[4].citation.id, "a/5");
    }

    #[test]
    fn status_labels_in_both_languages() {
        let day = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        let mut meta = DocumentMeta {
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
            effective: None,
            expires: NaiveDate::from_ymd_opt(2028, 12, 31),
            doc_number: None,
            supersedes: Vec::new(),
            status: crate::model::Status::Final,
            note: None,
        };
        assert_eq!(
            status_label(&meta, day, Lang::Zh),
            "现行有效（有效期至2028年12月31日）"
        );
        assert_eq!(
            status_label(&meta, day, Lang::En),
            "in force (until 2028-12-31)"
        );
        meta.expires = NaiveDate::from_ymd_opt(2015, 12, 31);
        assert_eq!(
            status_label(&meta, day, Lang::Zh),
            "已失效（2015年12月31日到期）"
        );
        meta.status = crate::model::Status::Draft;
        assert_eq!(status_label(&meta, day, Lang::Zh), "征求意见稿（未生效）");
    }
}
