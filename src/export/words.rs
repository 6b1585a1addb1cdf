//! The fixed words of a digest in each language (headings, column names, field names),
//! and the few phrasings every writer shares: a document's dates, its issuer, a
//! jurisdiction, a measure type and, in one place, an equivalent measure.

use crate::model::Lang;

use super::model::{DigestReport, LinkedMeasure, MeasureType, Source};

/// The fixed words of one language.
pub(super) struct Words {
    pub title: &'static str,
    pub made_on: &'static str,
    pub as_of: &'static str,
    pub sources: &'static str,
    pub comparisons: &'static str,
    pub jurisdiction: &'static str,
    pub document: &'static str,
    pub doc_number: &'static str,
    pub issuer: &'static str,
    pub dates: &'static str,
    pub status: &'static str,
    pub id: &'static str,
    pub article: &'static str,
    pub figures: &'static str,
    pub source: &'static str,
    pub agencies: &'static str,
    pub measure_types: &'static str,
    pub elsewhere: &'static str,
    pub why: &'static str,
    pub text: &'static str,
    pub linked: &'static str,
    pub none: &'static str,
    pub not_printed: &'static str,
    pub other_measures: &'static str,
    pub clauses: &'static str,
    pub scope: &'static str,
    /// After a field name: `：` or `: `.
    pub colon: &'static str,
    /// Between list items: `；` or `; `.
    pub sep: &'static str,
}

const ZH: Words = Words {
    title: "政策条款摘编",
    made_on: "编制日期",
    as_of: "状态基准日",
    sources: "文件来源",
    comparisons: "各地措施对比",
    jurisdiction: "地区",
    document: "文件",
    doc_number: "文号",
    issuer: "发文机关",
    dates: "日期",
    status: "状态",
    id: "编号",
    article: "条款",
    figures: "支持额度",
    source: "出处",
    agencies: "责任单位",
    measure_types: "措施类型",
    elsewhere: "其他文件中的同类措施",
    why: "关联理由",
    text: "原文",
    linked: "（关联）",
    none: "—",
    not_printed: "未注明",
    other_measures: "其他措施",
    clauses: "条款",
    scope: "范围",
    colon: "：",
    sep: "；",
};

const EN: Words = Words {
    title: "Policy clause digest",
    made_on: "Made on",
    as_of: "Status as of",
    sources: "Sources",
    comparisons: "Comparison by measure type",
    jurisdiction: "Jurisdiction",
    document: "Document",
    doc_number: "Number",
    issuer: "Issuer",
    dates: "Dates",
    status: "Status",
    id: "Id",
    article: "Article",
    figures: "Support figures",
    source: "Source",
    agencies: "Agencies",
    measure_types: "Measure types",
    elsewhere: "Equivalent measures in other documents",
    why: "Why",
    text: "Text",
    linked: " (linked)",
    none: "—",
    not_printed: "not printed",
    other_measures: "Other measures",
    clauses: "Clauses",
    scope: "Scope",
    colon: ": ",
    sep: "; ",
};

/// The words of `lang`.
pub(super) fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// `2025-03-01`: dates in headers and tables stay in ISO form in both languages
/// (sortable, unambiguous); citations and statuses use the reader's form.
pub(super) fn iso(d: chrono::NaiveDate) -> String {
    d.to_string()
}

/// Whether any source prints a document number (the column is left out otherwise).
pub(super) fn any_doc_number(r: &DigestReport) -> bool {
    r.sources.iter().any(|s| s.doc_number.is_some())
}

/// The line under the title: when made, the status date and what it holds.
pub(super) fn header_line(r: &DigestReport) -> String {
    let w = words(r.lang);
    format!(
        "{} {} · {} {} · {}",
        w.made_on,
        iso(r.generated),
        w.as_of,
        iso(r.as_of),
        r.scope()
    )
}

/// A jurisdiction as a reader of `lang` names it.
pub(super) fn place(jurisdiction: &str, jurisdiction_zh: Option<&str>, lang: Lang) -> String {
    match (lang, jurisdiction_zh) {
        (Lang::Zh, Some(zh)) => zh.to_string(),
        (Lang::En, Some(zh)) => format!("{jurisdiction} ({zh})"),
        (_, None) => jurisdiction.to_string(),
    }
}

/// A clause's heading: `北京市 · 《…》第9条(4)`, `Beijing (北京市) · 《…》 art. 9(4)`.
pub(super) fn clause_heading(c: &crate::model::citation::Citation, lang: Lang) -> String {
    let gap = match lang {
        Lang::Zh => "",
        Lang::En => " ",
    };
    format!(
        "{} · 《{}》{gap}{}",
        place(&c.jurisdiction, c.jurisdiction_zh.as_deref(), lang),
        c.title,
        c.locator(lang)
    )
}

/// A measure type's name: `上市挂牌`, or `Listing support (上市挂牌)`.
pub(super) fn measure_type(m: &MeasureType, lang: Lang) -> String {
    match lang {
        Lang::Zh => m.zh.clone(),
        Lang::En => format!("{} ({})", m.en, m.zh),
    }
}

/// The issuer, with the publisher when different; "not printed" when neither is.
pub(super) fn issuer(s: &Source, lang: Lang) -> String {
    let mut out = s
        .issuer
        .clone()
        .unwrap_or_else(|| words(lang).not_printed.to_string());
    if let Some(p) = &s.publisher {
        match lang {
            Lang::Zh => out.push_str(&format!("（{p}发布）")),
            Lang::En => out.push_str(&format!(" (published by {p})")),
        }
    }
    out
}

/// The document's dates, one per line: `成文 2021-12-22`, `发布 2021-12-23` (ISO dates
/// keep table columns narrow and never break inside a date).
pub(super) fn dates(s: &Source, lang: Lang) -> Vec<String> {
    let names: [&str; 4] = match lang {
        Lang::Zh => ["成文", "发布", "施行", "有效期至"],
        Lang::En => ["written", "published", "effective", "expires"],
    };
    let parts: Vec<String> = names
        .into_iter()
        .zip([s.written, s.published, s.effective, s.expires])
        .filter_map(|(k, d)| d.map(|d| format!("{k} {}", iso(d))))
        .collect();
    if parts.is_empty() {
        vec![match lang {
            Lang::Zh => "未注明日期".to_string(),
            Lang::En => "no date printed".to_string(),
        }]
    } else {
        parts
    }
}

/// An equivalent measure in words: every writer shows a link through this one
/// function (its headline and its reasons), so a change in what a link carries (tiers,
/// structured reasons) is made here once.
pub(super) struct LinkView {
    /// `海淀区《…》（…）第3条(2) · 现行有效 · 关联度 0.81`.
    pub headline: String,
    /// `关联理由：支持额度相同：最高300万元；…`, empty when no reason is given.
    pub why: String,
}

/// See [`LinkView`].
pub(super) fn link_view(l: &LinkedMeasure, lang: Lang) -> LinkView {
    let strength = match (&l.tier, lang) {
        (Some(t), Lang::Zh) => format!("{t}（关联度 {:.2}）", l.score),
        (Some(t), Lang::En) => format!("{t} (score {:.2})", l.score),
        (None, Lang::Zh) => format!("关联度 {:.2}", l.score),
        (None, Lang::En) => format!("score {:.2}", l.score),
    };
    let headline = format!("{} · {} · {strength}", l.cited, l.status_label);
    let why = if l.reasons.is_empty() {
        String::new()
    } else {
        l.reasons.join(words(lang).sep)
    };
    LinkView { headline, why }
}
