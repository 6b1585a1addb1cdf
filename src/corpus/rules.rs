//! The cleaning rules (`corpus/cleaning.toml`): page chrome, portal metadata fields, title
//! endings and responsible-agency lists, as data a consultant can extend.

use std::sync::LazyLock;

use anyhow::{Context, Result};
use regex::Regex;
use serde::Deserialize;

/// The bundled `corpus/cleaning.toml`.
pub const BUNDLED_CLEANING: &str = include_str!("../../corpus/cleaning.toml");

static BUNDLED: LazyLock<std::result::Result<Rules, String>> = LazyLock::new(|| {
    Rules::parse(BUNDLED_CLEANING, "corpus/cleaning.toml (bundled)").map_err(|e| format!("{e:#}"))
});

/// Compiled cleaning rules.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Whole-line chrome patterns.
    pub chrome: Vec<Regex>,
    /// Portal field line (`[发文机构] …`).
    pub meta_field: Regex,
    /// Inline `来源:… 日期:…` fields.
    pub meta_inline: Regex,
    /// Field names per metadata item.
    pub meta_names: MetaNames,
    /// Field names that make a line metadata when alone on it.
    pub meta_alone: Vec<String>,
    /// A line opening with a date and then fields.
    pub meta_dated: Regex,
    /// Document numbers (文号).
    pub doc_number: Vec<Regex>,
    /// Field names that carry the 文号.
    pub doc_number_fields: Vec<String>,
    /// Words a title ends with.
    pub title_endings: Vec<String>,
    /// Words that mark a closing paragraph.
    pub closing_markers: Vec<String>,
    /// Minimum length of a line cut by a page break.
    pub page_break_min_chars: usize,
    /// Agency-list rules.
    pub agencies: AgencyRules,
    /// Connectives that may open a second instrument in one sentence.
    pub connectives: Vec<String>,
    /// Instrument words (补助, 奖励 …).
    pub instruments: Vec<String>,
    /// Copying noise: login walls, SEO spam, segmenter debris, entities, stray spaces.
    pub noise: NoiseRules,
}

/// Copying noise (`[noise]`): lines and pieces of lines that are not the document's text.
#[derive(Debug, Clone)]
pub struct NoiseRules {
    /// Login-wall and paywall lines.
    pub login_lines: Vec<Regex>,
    /// SEO spam lines.
    pub seo_lines: Vec<Regex>,
    /// Pieces removed inside a line (segmenter markers, tag remnants).
    pub inline: Vec<Regex>,
    /// HTML entities (`&ldquo;`, `?rdquo;`, `ldquo;`) and the character each stands for.
    pub entities: Regex,
    /// Entity name → character.
    pub entity_chars: std::collections::HashMap<String, String>,
    /// Stray spaces inside Chinese text: how many make a document's pattern.
    pub spaces_min_count: usize,
    /// … and at least one per this many Han characters.
    pub spaces_per_han_chars: usize,
    /// Shortest run of `?` removed as indentation.
    pub placeholder_min_run: usize,
}

impl NoiseRules {
    /// True if the (Simplified, trimmed) line is a login wall or SEO spam.
    pub fn is_noise_line(&self, simplified: &str) -> bool {
        self.login_lines
            .iter()
            .chain(&self.seo_lines)
            .any(|r| r.is_match(simplified))
    }
}

/// Field names (Simplified) that carry each metadata item.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MetaNames {
    /// 发文机构.
    #[serde(default)]
    pub issuer: Vec<String>,
    /// 成文日期.
    #[serde(default)]
    pub written: Vec<String>,
    /// 发布日期.
    #[serde(default)]
    pub published: Vec<String>,
    /// 实施日期.
    #[serde(default)]
    pub effective: Vec<String>,
    /// 废止日期.
    #[serde(default)]
    pub expires: Vec<String>,
}

/// How responsible-agency parentheses are recognised and split.
#[derive(Debug, Clone)]
pub struct AgencyRules {
    /// Lead-ins such as `责任单位:`.
    pub lead_ins: Vec<Regex>,
    /// Notes removed from names (`按职责分工负责`).
    pub notes: Vec<Regex>,
    /// Name endings of an agency.
    pub suffixes: Vec<String>,
    /// Separators between names.
    pub separators: Vec<String>,
    /// Names that contain a separator (Simplified).
    pub keep_together: Vec<String>,
    /// Group labels inside a list (`配合单位:`), removed from the name after them.
    pub inner_labels: Vec<Regex>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    chrome: RawChrome,
    metadata: RawMeta,
    structure: RawStructure,
    provisions: RawProvisions,
    agencies: RawAgencies,
    noise: RawNoise,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNoise {
    login_lines: Vec<String>,
    seo_lines: Vec<String>,
    inline: Vec<String>,
    entities: std::collections::BTreeMap<String, String>,
    spaces: RawSpaces,
    placeholders: RawPlaceholders,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpaces {
    min_count: usize,
    per_han_chars: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlaceholders {
    min_run: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvisions {
    connectives: Vec<String>,
    instruments: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChrome {
    lines: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    field: String,
    inline: String,
    alone: Vec<String>,
    dated: String,
    doc_number: Vec<String>,
    doc_number_fields: Vec<String>,
    #[serde(flatten)]
    names: MetaNames,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStructure {
    title_endings: Vec<String>,
    closing_markers: Vec<String>,
    page_break_min_chars: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAgencies {
    lead_ins: Vec<String>,
    notes: Vec<String>,
    suffixes: Vec<String>,
    separators: Vec<String>,
    #[serde(default)]
    keep_together: Vec<String>,
    #[serde(default)]
    inner_labels: Vec<String>,
}

impl Rules {
    /// The bundled rules.
    pub fn bundled() -> Result<&'static Rules> {
        BUNDLED.as_ref().map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// Parses and compiles a cleaning.toml; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Rules> {
        let raw: RawRules =
            toml::from_str(text).with_context(|| format!("{origin}: invalid cleaning rules"))?;
        let compile = |pattern: &str, what: &str| -> Result<Regex> {
            Regex::new(pattern).with_context(|| {
                format!(
                    "{origin}, line {}: bad {what} pattern {pattern:?}",
                    line_of(text, pattern)
                )
            })
        };
        let chrome = raw
            .chrome
            .lines
            .iter()
            .map(|p| compile(p, "chrome"))
            .collect::<Result<Vec<_>>>()?;
        let agencies = AgencyRules {
            lead_ins: raw
                .agencies
                .lead_ins
                .iter()
                .map(|p| compile(p, "agency lead-in"))
                .collect::<Result<_>>()?,
            notes: raw
                .agencies
                .notes
                .iter()
                .map(|p| compile(p, "agency note"))
                .collect::<Result<_>>()?,
            suffixes: raw.agencies.suffixes,
            separators: raw.agencies.separators,
            keep_together: raw.agencies.keep_together,
            inner_labels: raw
                .agencies
                .inner_labels
                .iter()
                .map(|p| compile(p, "agency inner label"))
                .collect::<Result<_>>()?,
        };
        let many = |patterns: &[String], what: &str| -> Result<Vec<Regex>> {
            patterns.iter().map(|p| compile(p, what)).collect()
        };
        let names: Vec<String> = raw
            .noise
            .entities
            .keys()
            .map(|k| regex::escape(k))
            .collect();
        let entities = Regex::new(&format!("[&?]?#?({});", names.join("|")))
            .with_context(|| format!("{origin}: bad [noise.entities] names"))?;
        let noise = NoiseRules {
            login_lines: many(&raw.noise.login_lines, "login line")?,
            seo_lines: many(&raw.noise.seo_lines, "SEO line")?,
            inline: many(&raw.noise.inline, "inline noise")?,
            entities,
            entity_chars: raw.noise.entities.into_iter().collect(),
            spaces_min_count: raw.noise.spaces.min_count,
            spaces_per_han_chars: raw.noise.spaces.per_han_chars.max(1),
            placeholder_min_run: raw.noise.placeholders.min_run.max(1),
        };
        Ok(Rules {
            chrome,
            meta_field: compile(&raw.metadata.field, "metadata field")?,
            meta_inline: compile(&raw.metadata.inline, "metadata inline")?,
            meta_names: raw.metadata.names,
            meta_alone: raw.metadata.alone,
            meta_dated: compile(&raw.metadata.dated, "dated metadata")?,
            doc_number: many(&raw.metadata.doc_number, "document number")?,
            doc_number_fields: raw.metadata.doc_number_fields,
            title_endings: raw.structure.title_endings,
            closing_markers: raw.structure.closing_markers,
            page_break_min_chars: raw.structure.page_break_min_chars,
            agencies,
            connectives: raw.provisions.connectives,
            instruments: raw.provisions.instruments,
            noise,
        })
    }

    /// True if the (Simplified, trimmed) line is page chrome.
    pub fn is_chrome(&self, simplified: &str) -> bool {
        self.chrome.iter().any(|r| r.is_match(simplified))
    }
}

/// 1-based line of the first occurrence of `needle` in `text` (0 if absent).
pub(crate) fn line_of(text: &str, needle: &str) -> usize {
    text.find(needle)
        .map(|i| text[..i].matches('\n').count() + 1)
        .unwrap_or(0)
}

/// The length in characters of the longest of `words` (0 for none): how much of a text
/// must be converted to compare its start or end with them.
pub(crate) fn longest_chars(words: &[String]) -> usize {
    words.iter().map(|w| w.chars().count()).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_rules_compile_and_know_chrome() {
        let r = Rules::bundled().unwrap();
        for line in [
            "政务公开 > 政策公开 > 政策文件",
            "当前位置:主页 > 新闻中心 > 园区规划 >",
            "- 政策解读",
            "[字体: ]",
            "免责声明:",
            "TOP",
            "京ICP证05038935号",
            "分享:",
            "主办单位：北京市人民政府办公厅",
            "京公网安备 11010502030143号",
            "【打印】",
            "上一篇：",
        ] {
            assert!(r.is_chrome(line), "{line} not chrome");
        }
        for line in [
            "一、提升技术创新能力",
            "1.支持基础研究和成果转化。支持企业积极申报颠覆性技术",
            "各有关单位:",
            "本政策适用于国家和市级“专精特新”中小企业",
        ] {
            assert!(!r.is_chrome(line), "{line} taken for chrome");
        }
    }

    #[test]
    fn bad_pattern_names_file_and_line() {
        let text = BUNDLED_CLEANING.replace("'^(TOP|", "'^((TOP|");
        let err = Rules::parse(&text, "x/cleaning.toml").unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.contains("x/cleaning.toml, line "), "{msg}");
    }
}
