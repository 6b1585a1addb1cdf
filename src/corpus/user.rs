//! The user's own documents: `policynav add` and `policynav remove`.
//!
//! `add` decodes the file (any supported encoding, or a saved HTML page), checks that it
//! has recognisable measures, infers what metadata it can from the text (title, dates from
//! the portal fields, the signature or the closing provisions, draft status from
//! 征求意见稿, jurisdiction from the title or issuer), then copies the file verbatim into
//! the corpus folder and records it in that folder's `manifest.toml`, written atomically.
//! On any error nothing is changed.
//!
//! The change itself (choosing the id, copying the file, editing the manifest; for
//! `remove`, editing the manifest and deleting the file) is made under the folder's
//! [`ManifestLock`](manifest::ManifestLock), so `add` and `remove` run by several
//! processes at once all land.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use anyhow::{Context, Result, bail};
use chrono::{Datelike, NaiveDate};
use regex::Regex;
use serde::Serialize;

use super::clean::{self, Cleaned, chinese_number};
use super::import::{self, Decoded};
use super::rules::Rules;
use super::structure::{self, Structured};
use super::{DocumentMeta, Level, Status, manifest};
use crate::text;

pub use super::places::Place;
use super::places::Places;

/// What the user passed on the command line; `None` means "infer".
#[derive(Debug, Clone, Default)]
pub struct AddOptions {
    /// `--id`.
    pub id: Option<String>,
    /// `--title`.
    pub title: Option<String>,
    /// `--jurisdiction`.
    pub jurisdiction: Option<String>,
    /// `--jurisdiction-zh`.
    pub jurisdiction_zh: Option<String>,
    /// `--level`.
    pub level: Option<Level>,
    /// `--issuer`.
    pub issuer: Option<String>,
    /// `--date` (written).
    pub written: Option<NaiveDate>,
    /// `--published`.
    pub published: Option<NaiveDate>,
    /// `--effective`.
    pub effective: Option<NaiveDate>,
    /// `--expires`.
    pub expires: Option<NaiveDate>,
    /// `--status`.
    pub status: Option<Status>,
    /// `--note`.
    pub note: Option<String>,
    /// `--max-size`: the largest file accepted, in bytes (default
    /// [`import::DEFAULT_MAX_SIZE`], at most [`import::MAX_SIZE_LIMIT`]).
    pub max_size: Option<u64>,
}

/// The result of a successful `add`.
#[derive(Debug, Clone, Serialize)]
pub struct Added {
    /// The metadata recorded in the manifest.
    #[serde(flatten)]
    pub meta: DocumentMeta,
    /// Where the copy was stored.
    pub path: PathBuf,
    /// Detected encoding.
    pub encoding: &'static str,
    /// True for a saved HTML page.
    pub html: bool,
    /// Number of articles found.
    pub articles: usize,
    /// Number of provisions found.
    pub provisions: usize,
    /// The document already in the corpus with the same measures (nine in ten of its
    /// clause texts alike, in Simplified): the same policy in another encoding, script
    /// or web copy. Added anyway; the user is told.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
}

/// Metadata found in a document's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Inferred {
    /// The measures' title (Simplified).
    pub title: Option<String>,
    /// The signer of the cover letter, or the portal's 发文机构.
    pub issuer: Option<String>,
    /// The portal's 发文机构 when it differs from the signer.
    pub publisher: Option<String>,
    /// 成文日期 or the signature date.
    pub written: Option<NaiveDate>,
    /// 发布日期.
    pub published: Option<NaiveDate>,
    /// 实施日期 or the commencement rule of the closing provisions.
    pub effective: Option<NaiveDate>,
    /// 废止日期, 有效期至…, 执行期至…年底, or the end of a plan period in the title.
    pub expires: Option<NaiveDate>,
    /// Draft if the title or text says 征求意见稿.
    pub status: Status,
    /// The most specific known place named in the title, issuer, letter, preamble or
    /// closing (so 我市 resolves through a printed issuer).
    pub place: Option<Place>,
    /// The 文号 as printed (in Simplified): a portal field, a line of its own or the end of
    /// the page heading; never a number cited in a sentence.
    pub doc_number: Option<String>,
}

impl Default for Inferred {
    fn default() -> Self {
        Inferred {
            title: None,
            issuer: None,
            publisher: None,
            written: None,
            published: None,
            effective: None,
            expires: None,
            status: Status::Final,
            place: None,
            doc_number: None,
        }
    }
}

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?")
        .expect("static regex")
});
static SIGNATURE_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$").expect("static regex"));
static UNTIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:有效期|执行期|实施期|期限)(?:为[^。]*?)?(?:至|到|截至)(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日)?|底)")
        .expect("static regex")
});
static FROM_ISSUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"自(印发|发布|公布|颁布)之日起(?:([一二三四五六七八九十百\d]+)日后)?(?:施行|实施|执行|生效)")
        .expect("static regex")
});
static FROM_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"自(\d{4})年(\d{1,2})月(\d{1,2})日起(?:施行|实施|执行|生效)").expect("static regex")
});
static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[(（](\d{4})\s*[-—–~～至]\s*(\d{4})年?[)）]").expect("static regex")
});

/// A date written `2021-12-22`, `2021年12月22日` or `2021/12/22`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let c = DATE.captures(s)?;
    let n = |i| c.get(i)?.as_str().parse::<u32>().ok();
    NaiveDate::from_ymd_opt(n(1)? as i32, n(2)?, n(3)?)
}

fn last_day(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

/// Infers metadata from a decoded, cleaned and structured document.
pub fn infer(decoded: &Decoded, cleaned: &Cleaned, s: &Structured, rules: &Rules) -> Inferred {
    let mut out = Inferred::default();
    let field = |names: &[String]| {
        cleaned
            .fields
            .iter()
            .find(|(k, v)| names.iter().any(|n| n == k) && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
    };
    let names = &rules.meta_names;
    out.title = s
        .title
        .clone()
        .or_else(|| decoded.html_title.clone())
        .or_else(|| page_heading(s, rules))
        .map(|t| without_inner_spaces(&text::to_simplified(t.trim())));

    // Signature of the cover letter (else of the closing): a date line, the signer just
    // above it.
    let (signer, signed) = signature(s.letter.as_deref().unwrap_or(""), rules)
        .or_else(|| signature(s.closing.as_deref().unwrap_or(""), rules))
        .unwrap_or((None, None));
    let portal_issuer = field(&names.issuer).map(|v| text::to_simplified(&v));
    out.issuer = signer.clone().or_else(|| portal_issuer.clone());
    if signer.is_some() && portal_issuer.is_some() && portal_issuer != signer {
        out.publisher = portal_issuer;
    }
    out.written = field(&names.written)
        .as_deref()
        .and_then(parse_date)
        .or(signed);
    out.published = field(&names.published).as_deref().and_then(parse_date);
    out.effective = field(&names.effective).as_deref().and_then(parse_date);
    out.expires = field(&names.expires).as_deref().and_then(parse_date);

    out.doc_number = field(&rules.doc_number_fields).map(|v| {
        text::to_simplified(&v)
            .split_whitespace()
            .collect::<String>()
    });

    // Closing provisions: commencement and validity (in a 第X条 document, its last
    // articles).
    let last_articles: Vec<&str> = s
        .clauses
        .iter()
        .rev()
        .filter(|c| c.kind == super::ClauseKind::Article)
        .take(2)
        .map(|c| c.text.as_str())
        .collect();
    let closing = text::to_simplified(&format!(
        "{}\n{}",
        s.closing.as_deref().unwrap_or(""),
        last_articles.join("\n")
    ));
    if out.expires.is_none()
        && let Some(c) = UNTIL.captures(&closing)
    {
        let n = |k| c.get(k).and_then(|m| m.as_str().parse::<u32>().ok());
        out.expires = match (n(1), n(2), n(3)) {
            (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d),
            (Some(y), Some(m), None) => last_day(y as i32, m),
            (Some(y), None, _) => NaiveDate::from_ymd_opt(y as i32, 12, 31),
            _ => None,
        };
    }
    if out.effective.is_none() {
        if let Some(c) = FROM_DATE.captures(&closing) {
            let n = |k| c.get(k).and_then(|m| m.as_str().parse::<u32>().ok());
            out.effective = n(1)
                .zip(n(2))
                .zip(n(3))
                .and_then(|((y, m), d)| NaiveDate::from_ymd_opt(y as i32, m, d));
        } else if let Some(c) = FROM_ISSUE.captures(&closing) {
            // 印发/发布 of a government document is its issue date (成文日期 or the
            // signature); a portal's posting date is only the fallback.
            let base = out.written.or(out.published);
            let days = c
                .get(2)
                .and_then(|m| {
                    m.as_str()
                        .parse::<u32>()
                        .ok()
                        .or_else(|| chinese_number(m.as_str()))
                })
                .unwrap_or(0);
            out.effective =
                base.and_then(|d| d.checked_add_days(chrono::Days::new(u64::from(days))));
        }
    }
    if out.expires.is_none()
        && let Some(c) = out.title.as_deref().and_then(|t| PERIOD.captures(t))
        && let Some(end) = c.get(2).and_then(|m| m.as_str().parse::<i32>().ok())
    {
        out.expires = NaiveDate::from_ymd_opt(end, 12, 31);
    }

    let all = format!(
        "{}\n{}",
        out.title.as_deref().unwrap_or(""),
        s.preamble.as_deref().unwrap_or("")
    );
    out.status = if text::to_simplified(&all).contains("征求意见稿") {
        Status::Draft
    } else {
        Status::Final
    };

    // Jurisdiction: the most specific place, looking in the title, then the issuer, then
    // the letter, the preamble and the closing (a signer printed there); a title or issuer
    // that opens with a city's name without 市 (漳州招商局…) comes last.
    if let Ok(places) = Places::bundled() {
        let sources = [
            out.title.clone().unwrap_or_default(),
            out.issuer.clone().unwrap_or_default(),
            text::to_simplified(s.letter.as_deref().unwrap_or("")),
            text::to_simplified(s.preamble.as_deref().unwrap_or("")),
            text::to_simplified(s.closing.as_deref().unwrap_or("")),
        ];
        let context = sources.join("\n");
        out.place = sources
            .iter()
            .find_map(|t| places.most_specific(t, &context))
            .or_else(|| {
                sources[..2]
                    .iter()
                    .find_map(|t| places.opening_short_name(t))
            })
            .cloned();
    }
    out
}

/// The signer and date of a signature in `part`: the last line that is a date, with the
/// agency name just above it.
fn signature(part: &str, rules: &Rules) -> Option<(Option<String>, Option<NaiveDate>)> {
    let lines: Vec<&str> = part.lines().collect();
    for (i, line) in lines.iter().enumerate().rev() {
        if let Some(c) = SIGNATURE_DATE.captures(line.trim()) {
            let n = |k| c.get(k).and_then(|m| m.as_str().parse::<u32>().ok());
            let signed = n(1)
                .zip(n(2))
                .zip(n(3))
                .and_then(|((y, m), d)| NaiveDate::from_ymd_opt(y as i32, m, d));
            let signer = i
                .checked_sub(1)
                .map(|j| lines[j].trim())
                .filter(|l| is_agency_name(l, rules))
                .map(text::to_simplified);
            return Some((signer, signed));
        }
    }
    None
}

/// A title without the spaces a copy left between its Chinese characters
/// (`关于 进一步发挥…`).
fn without_inner_spaces(title: &str) -> String {
    let chars: Vec<char> = title.chars().collect();
    let cjk = |c: char| text::is_han(c) || "“”《》（）()".contains(c);
    chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            !(c.is_whitespace()
                && i > 0
                && cjk(chars[i - 1])
                && chars[i + 1..]
                    .iter()
                    .find(|c| !c.is_whitespace())
                    .is_some_and(|&n| cjk(n)))
        })
        .map(|(_, &c)| c)
        .collect()
}

/// The page heading: the first short line without a full stop before the measures, that
/// is no date, signer, addressee or document number.
fn page_heading(s: &Structured, rules: &Rules) -> Option<String> {
    let first = s
        .letter
        .as_deref()
        .or(s.preamble.as_deref())?
        .lines()
        .next()?
        .trim();
    let simplified = text::to_simplified(first);
    let n = simplified.chars().count();
    ((4..=60).contains(&n)
        && !simplified.contains(['。', '：', ':', '，', ','])
        && parse_date(&simplified).is_none()
        && !is_agency_name(&simplified, rules))
    .then(|| first.to_string())
}

fn is_agency_name(line: &str, rules: &Rules) -> bool {
    let s = text::to_simplified(line);
    !s.is_empty()
        && s.chars().count() <= 40
        && !s.contains(['。', '，', ',', ':', '：'])
        && rules
            .agencies
            .suffixes
            .iter()
            .any(|x| s.ends_with(x.as_str()))
}

/// The id of the document of `existing` whose clause texts are, nine in ten, those of
/// `clauses` (compared in Simplified, without blanks), if any. A document of `existing`
/// that cannot be loaded is left out of the comparison (other commands report it).
fn duplicate_of(clauses: &[super::Clause], existing: &super::CorpusSource) -> Option<String> {
    fn texts(clauses: &[super::Clause]) -> HashSet<String> {
        clauses
            .iter()
            .map(|c| {
                c.normalized
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect()
            })
            .collect()
    }
    let new = texts(clauses);
    let mut found = None;
    let _ = super::Corpus::for_each(existing, &mut |doc| {
        if found.is_none() {
            let old = texts(&doc.clauses);
            let shared = new.intersection(&old).count();
            if shared * 10 >= new.len().max(old.len()) * 9 {
                found = Some(doc.meta.id);
            }
        }
        Ok(())
    });
    found
}

/// Adds `file` to the corpus folder `dir` (created if needed). `taken` lists ids already
/// used elsewhere (the bundled documents); `existing` is the corpus it joins, checked for
/// a document with the same measures.
pub fn add(
    file: &Path,
    dir: &Path,
    taken: &[String],
    existing: &super::CorpusSource,
    opts: AddOptions,
) -> Result<Added> {
    let name = file.display();
    let max_size = opts
        .max_size
        .unwrap_or(import::DEFAULT_MAX_SIZE)
        .min(import::MAX_SIZE_LIMIT);
    let hint = if max_size < import::MAX_SIZE_LIMIT {
        "; --max-size raises it"
    } else {
        ""
    };
    let bytes = import::read_bounded(file, max_size, hint)?;
    let decoded = import::decode(&bytes, file)?;
    let rules = Rules::bundled()?;
    let cleaned = clean::clean(&decoded.text, rules);
    let structured = structure::structure("new", &cleaned, rules);
    let articles = structured
        .clauses
        .iter()
        .filter(|c| c.kind == super::ClauseKind::Article)
        .count();
    if articles == 0 {
        bail!("{name}: no recognisable measures (no numbered articles such as 1. / 一、 / 第一条)");
    }
    let provisions = structured.clauses.len() - articles;
    let inferred = infer(&decoded, &cleaned, &structured, rules);
    let duplicate_of = duplicate_of(&structured.clauses, existing);

    let place = inferred.place.clone();
    let jurisdiction = opts
        .jurisdiction
        .clone()
        .or_else(|| place.as_ref().map(|p| p.en.clone()))
        .with_context(|| format!("{name}: cannot tell the jurisdiction from the text; pass --jurisdiction and --level"))?;
    let jurisdiction_zh = opts.jurisdiction_zh.clone().or_else(|| {
        place
            .as_ref()
            .filter(|p| opts.jurisdiction.as_deref().is_none_or(|j| j == p.en))
            .map(|p| p.zh.clone())
    });
    let level = opts
        .level
        .or_else(|| {
            place
                .as_ref()
                .filter(|p| opts.jurisdiction.as_deref().is_none_or(|j| j == p.en))
                .map(|p| p.level)
        })
        .with_context(|| format!("{name}: cannot tell the administrative level; pass --level"))?;
    let title = opts
        .title
        .clone()
        .or(inferred.title.clone())
        .or_else(|| file.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let written = opts.written.or(inferred.written);
    let published = opts.published.or(inferred.published);

    let ext = file
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .filter(|e| !e.is_empty() && e.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or_else(|| {
            if decoded.html {
                "html".into()
            } else {
                "txt".into()
            }
        });
    if let Some(id) = &opts.id
        && !manifest::valid_id(id)
    {
        bail!("--id {id:?}: use lowercase letters, digits and '-'");
    }

    // From here on the folder is locked: the id is chosen, the file copied and the
    // manifest edited as one change, which no other add or remove can come between.
    let _lock = manifest::ManifestLock::acquire(dir)?;
    let manifest_path = dir.join("manifest.toml");
    let metas = manifest::read(&manifest_path, true)?;
    let listed = |id: &str| taken.iter().any(|t| t == id) || metas.iter().any(|m| m.id == id);
    let id = match &opts.id {
        Some(id) => {
            if listed(id) {
                bail!("--id {id:?}: a document with this id already exists");
            }
            id.clone()
        }
        None => {
            let stem: String = jurisdiction
                .to_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect::<String>()
                .split('-')
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("-");
            // a place known only by its Chinese name: the file's own name, else "doc"
            let from_file = || -> String {
                let s: String = file
                    .file_stem()
                    .map(|s| s.to_string_lossy().to_lowercase())
                    .unwrap_or_default()
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                    .collect();
                s.split('-')
                    .filter(|p| !p.is_empty())
                    .take(4)
                    .collect::<Vec<_>>()
                    .join("-")
            };
            let stem = if !stem.is_empty() {
                stem
            } else if !from_file().is_empty() {
                from_file()
            } else {
                "doc".to_string()
            };
            let year = written
                .or(published)
                .map(|d| d.year().to_string())
                .unwrap_or_else(|| "undated".into());
            let base = format!("{stem}-{year}");
            // A file of that name that the manifest does not list (left by a process
            // killed between the copy and the manifest) is not overwritten: the id is
            // taken.
            let used = |id: &str| listed(id) || dir.join(format!("{id}.{ext}")).exists();
            let mut id = base.clone();
            let mut n = 2;
            while used(&id) {
                id = format!("{base}-{n}");
                n += 1;
            }
            id
        }
    };

    let file_name = format!("{id}.{ext}");
    let meta = DocumentMeta {
        id: id.clone(),
        file: file_name.clone(),
        title,
        jurisdiction,
        jurisdiction_zh,
        level,
        issuer: opts.issuer.clone().or(inferred.issuer.clone()),
        publisher: inferred.publisher.clone(),
        written,
        published,
        effective: opts.effective.or(inferred.effective),
        expires: opts.expires.or(inferred.expires),
        doc_number: inferred.doc_number.clone(),
        supersedes: Vec::new(),
        status: opts.status.unwrap_or(inferred.status),
        note: opts.note.clone(),
    };

    // Copy verbatim (temp file + rename, never over an existing file), then the manifest.
    let dest = dir.join(&file_name);
    if dest.exists() {
        bail!(
            "{}: already exists; remove it or choose another --id",
            dest.display()
        );
    }
    let mut tmp = manifest::temp_file_in(dir)?;
    {
        use std::io::Write;
        tmp.write_all(&bytes)
            .and_then(|_| tmp.as_file().sync_all())
            .with_context(|| format!("{}: cannot write", dest.display()))?;
    }
    tmp.persist_noclobber(&dest)
        .map_err(|e| e.error)
        .with_context(|| format!("{}: cannot create", dest.display()))?;
    if let Err(e) = manifest::append(&manifest_path, &meta) {
        let _ = std::fs::remove_file(&dest);
        return Err(e);
    }
    Ok(Added {
        meta,
        path: dest,
        encoding: decoded.encoding,
        html: decoded.html,
        articles,
        provisions,
        duplicate_of,
    })
}

/// Removes document `id` from the corpus folder `dir`: its manifest entry (edited in
/// place, written atomically) and then its file, under the folder's lock.
pub fn remove(id: &str, dir: &Path) -> Result<DocumentMeta> {
    let missing = || {
        anyhow::anyhow!(
            "no document {id:?} among your documents in {}",
            dir.display()
        )
    };
    if !dir.join("manifest.toml").is_file() {
        return Err(missing());
    }
    let _lock = manifest::ManifestLock::acquire(dir)?;
    let Some(meta) = manifest::remove_entry(&dir.join("manifest.toml"), id)? else {
        return Err(missing());
    };
    let path = dir.join(&meta.file);
    if let Err(e) = std::fs::remove_file(&path)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        return Err(e).with_context(|| {
            format!(
                "{}: removed from the manifest but cannot delete the file",
                path.display()
            )
        });
    }
    Ok(meta)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::BUNDLED_FILES;

    fn infer_bundled(file: &str) -> Inferred {
        let text = BUNDLED_FILES.iter().find(|(f, _)| *f == file).unwrap().1;
        let decoded = Decoded {
            text: text.to_string(),
            encoding: "UTF-8",
            html: false,
            html_title: None,
        };
        let rules = Rules::bundled().unwrap();
        let cleaned = clean::clean(text, rules);
        let s = structure::structure("x", &cleaned, rules);
        infer(&decoded, &cleaned, &s, rules)
    }

    fn d(s: &str) -> Option<NaiveDate> {
        parse_date(s)
    }

    #[test]
    fn metadata_is_inferred_like_the_manifest_says() {
        let b = infer_bundled("beijing-2021.txt");
        assert_eq!(
            b.title.as_deref(),
            Some("北京市关于促进“专精特新”中小企业高品质发展的若干措施")
        );
        assert_eq!(
            b.issuer.as_deref(),
            Some("北京市促进中小企业发展工作领导小组办公室")
        );
        assert_eq!(b.publisher.as_deref(), Some("北京市经济和信息化局"));
        assert_eq!(
            (b.written, b.published, b.effective),
            (d("2021-12-22"), d("2021-12-23"), d("2021-12-22"))
        );
        assert_eq!(b.status, Status::Final);
        assert_eq!(b.place.unwrap().en, "Beijing");

        let t = infer_bundled("baotou-2023.txt");
        assert_eq!(t.status, Status::Draft);
        assert_eq!(t.written, d("2023-03-30"));
        assert_eq!(t.expires, d("2025-12-31"));
        assert_eq!(t.issuer.as_deref(), Some("包头市工业和信息化局"));
        assert_eq!(t.place.unwrap().level, Level::City);

        let h = infer_bundled("haidian-2013.txt");
        assert_eq!((h.written, h.published), (d("2013-11-08"), d("2013-11-30")));
        assert_eq!(h.effective, d("2013-12-08"), "30 days after issue");
        assert_eq!(h.expires, d("2015-12-31"));
        assert_eq!(h.place.unwrap().en, "Haidian");

        let n = infer_bundled("beijing-2024.txt");
        assert_eq!(n.expires, d("2028-12-31"));
        assert_eq!(n.place.unwrap().en, "Beijing");
        assert_eq!(n.written, None);

        let z = infer_bundled("zhejiang-2023.txt");
        assert_eq!(z.status, Status::Draft);
        assert_eq!(z.published, d("2023-11-16"));
        assert_eq!(z.place, None, "the draft names no province, only 我省");
    }

    #[test]
    fn dates_in_several_spellings() {
        assert_eq!(
            parse_date("2021年12月2日"),
            NaiveDate::from_ymd_opt(2021, 12, 2)
        );
        assert_eq!(parse_date("2021/1/02"), NaiveDate::from_ymd_opt(2021, 1, 2));
        assert_eq!(parse_date("2021-13-02"), None);
    }
}
