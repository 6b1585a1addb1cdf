//! Places: every Chinese province, prefecture-level city and county-level division
//! (`corpus/places.tsv`, GB/T 2260 codes), plus the English names and extra places of
//! `corpus/jurisdictions.toml`, and how a document's place is found in its text.
//!
//! Names are matched on the Simplified text, so Traditional copies (`廣州市`) are found too.
//! The most specific division named wins (海淀区 over 北京市); a name shared by several
//! divisions (朝阳区 in Beijing and in Changchun) is settled by the parent named in the
//! same text, else by the entry of jurisdictions.toml. An autonomous prefecture or county is
//! also found by its short form (恩施土家族苗族自治州 as 恩施州).

use std::collections::HashMap;
use std::sync::LazyLock;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::Level;
use crate::model::labels::Labelled;

/// The bundled `corpus/places.tsv`.
pub const BUNDLED_PLACES: &str = include_str!("../../corpus/places.tsv");
/// The bundled `corpus/jurisdictions.toml`.
pub const BUNDLED_JURISDICTIONS: &str = include_str!("../../corpus/jurisdictions.toml");

/// One administrative division.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    /// GB/T 2260 code (`440114`); empty for an extra place of jurisdictions.toml.
    pub code: String,
    /// Chinese name, Simplified (`花都区`).
    pub zh: String,
    /// English name where known (`Guangzhou`), else the Chinese name.
    pub en: String,
    /// Administrative level.
    pub level: Level,
    /// Code of the division it belongs to (`440100`), if any.
    pub parent: Option<String>,
}

/// All known places, with lookups by name.
#[derive(Debug, Default)]
pub struct Places {
    /// Every place, in file order.
    pub all: Vec<Place>,
    by_code: HashMap<String, usize>,
    /// Name (full or short form) → indices of the places it names.
    by_name: HashMap<String, Vec<usize>>,
    /// Indices preferred when a name is shared (entries of jurisdictions.toml).
    preferred: Vec<usize>,
    longest: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Extra {
    zh: String,
    en: String,
    level: Level,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExtraFile {
    place: Vec<Extra>,
}

static BUNDLED: LazyLock<std::result::Result<Places, String>> = LazyLock::new(|| {
    Places::parse(
        BUNDLED_PLACES,
        "corpus/places.tsv (bundled)",
        BUNDLED_JURISDICTIONS,
        "corpus/jurisdictions.toml (bundled)",
    )
    .map_err(|e| format!("{e:#}"))
});

/// Shortest name matched in a text: two-character names (城区, 郊区) are common words.
const MIN_NAME_CHARS: usize = 3;

impl Places {
    /// The bundled places, parsed and validated once.
    pub fn bundled() -> Result<&'static Places> {
        BUNDLED.as_ref().map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// Parses places.tsv and jurisdictions.toml; errors name the file and the line.
    pub fn parse(tsv: &str, tsv_origin: &str, toml: &str, toml_origin: &str) -> Result<Places> {
        let mut p = Places::default();
        for (n, line) in tsv.lines().enumerate() {
            let line_no = n + 1;
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() != 4 {
                bail!(
                    "{tsv_origin}, line {line_no}: expected 4 tab-separated columns (code, name, level, parent), found {}",
                    cols.len()
                );
            }
            let (code, zh, level, parent) = (cols[0], cols[1].trim(), cols[2], cols[3]);
            if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
                bail!("{tsv_origin}, line {line_no}: code {code:?} is not six digits");
            }
            if zh.is_empty() {
                bail!("{tsv_origin}, line {line_no}: empty name");
            }
            let level = Level::parse(level).with_context(|| {
                format!(
                    "{tsv_origin}, line {line_no}: level {level:?}: use one of {}",
                    Level::known()
                )
            })?;
            let parent = (!parent.is_empty()).then(|| parent.to_string());
            if let Some(parent) = &parent
                && !p.by_code.contains_key(parent)
            {
                bail!(
                    "{tsv_origin}, line {line_no}: parent {parent:?} is not listed above this line"
                );
            }
            if p.by_code.contains_key(code) {
                bail!("{tsv_origin}, line {line_no}: duplicate code {code}");
            }
            p.by_code.insert(code.to_string(), p.all.len());
            p.all.push(Place {
                code: code.to_string(),
                zh: zh.to_string(),
                en: zh.to_string(),
                level,
                parent,
            });
        }
        let extra: ExtraFile = toml::from_str(toml).map_err(|e| {
            let line = e
                .span()
                .map(|s| toml[..s.start.min(toml.len())].matches('\n').count() + 1)
                .unwrap_or(0);
            anyhow::anyhow!(
                "{toml_origin}, line {line}: {}",
                e.message().trim().replace('\n', " ")
            )
        })?;
        for x in extra.place {
            // An English name for a listed division, or a place of its own.
            let found = p
                .all
                .iter()
                .position(|q| q.zh == x.zh && q.level == x.level)
                .or_else(|| p.all.iter().position(|q| q.zh == x.zh));
            let idx = match found {
                Some(i) => {
                    p.all[i].en = x.en;
                    i
                }
                None => {
                    p.all.push(Place {
                        code: String::new(),
                        zh: x.zh,
                        en: x.en,
                        level: x.level,
                        parent: None,
                    });
                    p.all.len() - 1
                }
            };
            p.preferred.push(idx);
        }
        for (i, place) in p.all.iter().enumerate() {
            for name in names_of(&place.zh) {
                if name.chars().count() >= MIN_NAME_CHARS {
                    p.longest = p.longest.max(name.len());
                    p.by_name.entry(name).or_default().push(i);
                }
            }
        }
        Ok(p)
    }

    /// The place with this code.
    pub fn by_code(&self, code: &str) -> Option<&Place> {
        self.by_code.get(code).map(|&i| &self.all[i])
    }

    /// The parent of a place.
    pub fn parent(&self, place: &Place) -> Option<&Place> {
        place.parent.as_deref().and_then(|c| self.by_code(c))
    }

    /// The places named in `simplified` (each with the byte offset of its first mention),
    /// longest name first at each position.
    pub fn named_in(&self, simplified: &str) -> Vec<(usize, usize)> {
        let mut found: Vec<(usize, usize)> = Vec::new();
        let bytes: Vec<usize> = simplified.char_indices().map(|(i, _)| i).collect();
        let mut k = 0;
        while k < bytes.len() {
            let at = bytes[k];
            let mut best: Option<(&str, &Vec<usize>)> = None;
            for end in bytes[k + 1..]
                .iter()
                .copied()
                .chain([simplified.len()])
                .take_while(|&e| e - at <= self.longest)
            {
                if let Some((name, idx)) = self.by_name.get_key_value(&simplified[at..end]) {
                    best = Some((name.as_str(), idx));
                }
            }
            match best {
                Some((name, idx)) => {
                    for &i in idx {
                        if !found.iter().any(|&(j, _)| j == i) {
                            found.push((i, at));
                        }
                    }
                    k += name.chars().count();
                }
                None => k += 1,
            }
        }
        found
    }

    /// The most specific place named in `simplified`, with `context` (the whole text)
    /// settling names that several divisions share.
    pub fn most_specific(&self, simplified: &str, context: &str) -> Option<&Place> {
        let found = self.named_in(simplified);
        let rank = |l: Level| match l {
            Level::District => 3,
            Level::City => 2,
            Level::Municipality | Level::Province => 1,
        };
        let best_rank = found.iter().map(|&(i, _)| rank(self.all[i].level)).max()?;
        let candidates: Vec<usize> = found
            .iter()
            .filter(|&&(i, _)| rank(self.all[i].level) == best_rank)
            .map(|&(i, _)| i)
            .collect();
        let named: Vec<&Place> = self
            .named_in(context)
            .iter()
            .map(|&(i, _)| &self.all[i])
            .collect();
        // a candidate whose ancestor is also named
        let with_ancestor = candidates.iter().copied().find(|&i| {
            let mut p = self.parent(&self.all[i]);
            while let Some(q) = p {
                if named.iter().any(|n| n.code == q.code) {
                    return true;
                }
                p = self.parent(q);
            }
            false
        });
        let i = with_ancestor
            .or_else(|| {
                candidates
                    .iter()
                    .copied()
                    .find(|i| self.preferred.contains(i))
            })
            .or_else(|| candidates.first().copied())?;
        Some(&self.all[i])
    }
}

impl Places {
    /// The city or province a text opens with, named without its 市 or 省
    /// (`漳州招商局经济技术开发区…` → 漳州市): the longest such stem of two or more characters.
    pub fn opening_short_name(&self, simplified: &str) -> Option<&Place> {
        self.all
            .iter()
            .filter(|p| matches!(p.level, Level::City | Level::Province | Level::Municipality))
            .filter_map(|p| {
                let stem =
                    p.zh.strip_suffix('市')
                        .or_else(|| p.zh.strip_suffix('省'))?;
                (stem.chars().count() >= 2 && simplified.starts_with(stem))
                    .then_some((stem.len(), p))
            })
            .max_by_key(|&(n, p)| (n, std::cmp::Reverse(p.level == Level::City)))
            .map(|(_, p)| p)
    }
}

/// The names a division is found by: its full name and, for an autonomous prefecture,
/// county or banner, the short form without its peoples (恩施土家族苗族自治州 → 恩施州).
fn names_of(zh: &str) -> Vec<String> {
    let mut out = vec![zh.to_string()];
    for (suffix, short) in [("自治州", "州"), ("自治县", "县"), ("自治旗", "旗")] {
        if let Some(stem) = zh.strip_suffix(suffix) {
            let mut place = stem;
            while let Some(rest) = strip_people(place) {
                place = rest;
            }
            if place != stem && place.chars().count() >= 2 {
                out.push(format!("{place}{short}"));
            }
        }
    }
    out
}

/// The 56 peoples of China, as named in the divisions' names (without 族).
const PEOPLES: &[&str] = &[
    "蒙古",
    "回",
    "藏",
    "维吾尔",
    "苗",
    "彝",
    "壮",
    "布依",
    "朝鲜",
    "满",
    "侗",
    "瑶",
    "白",
    "土家",
    "哈尼",
    "哈萨克",
    "傣",
    "黎",
    "傈僳",
    "佤",
    "畲",
    "高山",
    "拉祜",
    "水",
    "东乡",
    "纳西",
    "景颇",
    "柯尔克孜",
    "土",
    "达斡尔",
    "仫佬",
    "羌",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "塔吉克",
    "怒",
    "乌孜别克",
    "俄罗斯",
    "鄂温克",
    "德昂",
    "保安",
    "裕固",
    "京",
    "塔塔尔",
    "独龙",
    "鄂伦春",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
    "各",
];

/// `s` without the people (`苗族`) it ends with, the longest name first.
fn strip_people(s: &str) -> Option<&str> {
    let stem = s.strip_suffix('族')?;
    PEOPLES
        .iter()
        .filter(|p| stem.ends_with(*p))
        .max_by_key(|p| p.len())
        .map(|p| &stem[..stem.len() - p.len()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_places_load_with_every_level() {
        let p = Places::bundled().unwrap();
        assert!(p.all.len() > 3000, "{}", p.all.len());
        let get = |zh: &str| p.all.iter().find(|x| x.zh == zh).unwrap();
        assert_eq!(get("北京市").level, Level::Municipality);
        assert_eq!(get("北京市").en, "Beijing");
        assert_eq!(get("浙江省").level, Level::Province);
        assert_eq!(get("包头市").level, Level::City);
        assert_eq!(get("花都区").level, Level::District);
        assert_eq!(p.parent(get("花都区")).unwrap().zh, "广州市");
        assert_eq!(get("德清县").level, Level::District);
        assert_eq!(get("澳门特别行政区").level, Level::Province);
        assert_eq!(get("北京经济技术开发区").level, Level::District);
    }

    #[test]
    fn most_specific_place_and_shared_names() {
        let p = Places::bundled().unwrap();
        let find = |t: &str| p.most_specific(t, t).map(|x| x.zh.clone());
        assert_eq!(find("北京市海淀区人民政府").as_deref(), Some("海淀区"));
        assert_eq!(
            find("恩施州促进中小企业发展").as_deref(),
            Some("恩施土家族苗族自治州")
        );
        assert_eq!(find("长春市朝阳区").as_deref(), Some("朝阳区"));
        let changchun = p.most_specific("朝阳区关于…", "长春市朝阳区").unwrap();
        assert_eq!(p.parent(changchun).unwrap().zh, "长春市");
        let beijing = p.most_specific("朝阳区关于…", "朝阳区").unwrap();
        assert_eq!(p.parent(beijing).unwrap().zh, "北京市");
        assert_eq!(
            find("核心城区的郊区"),
            None,
            "two-character names are words"
        );
    }

    #[test]
    fn errors_name_file_and_line() {
        let bad = "# x\n110000\t北京市\tmunicipality\t\n110101\t东城区\tdistrict\t999999\n";
        let err = Places::parse(bad, "p.tsv", "place = []", "j.toml").unwrap_err();
        assert!(format!("{err:#}").contains("p.tsv, line 3"), "{err:#}");
        let bad = "110000\t北京市\tplanet\t\n";
        let err = Places::parse(bad, "p.tsv", "place = []", "j.toml").unwrap_err();
        assert!(format!("{err:#}").contains("p.tsv, line 1"), "{err:#}");
        let err = Places::parse("", "p.tsv", "place = [{ zh = 1 }]", "j.toml").unwrap_err();
        assert!(format!("{err:#}").starts_with("j.toml, line 1"), "{err:#}");
    }
}
