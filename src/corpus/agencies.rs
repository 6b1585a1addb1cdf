//! Responsible agencies: the parenthesised lists after provisions and articles, such as
//! `(市科委、中关村管委会)`, `(責任單位:省經信廳、…)` or `(市科技局、市工信局…按职责分工负责。)`.
//!
//! A parenthesis is an agency list only when, after its lead-in (`责任单位:`) and notes
//! (`按职责分工负责`, `等相关单位`, `牵头`) are removed, it has a lead-in or every item ends
//! like an agency name (局, 委, 厅, 政府 … see `corpus/cleaning.toml`). Ordinary
//! parentheses such as `(含)`, `(2013-2015年)` or `(以下简称…)` are not.

use super::rules::AgencyRules;
use crate::text;

/// Longest plausible agency name, in characters.
const MAX_NAME_CHARS: usize = 40;

/// The agency names in a parenthesis's content (without the parentheses), as printed, or
/// `None` if the content is not an agency list.
pub fn parse_list(content: &str, rules: &AgencyRules) -> Option<Vec<String>> {
    let chars: Vec<char> = content.chars().collect();
    let simp: Vec<char> = text::to_simplified(content).chars().collect();
    if chars.len() != simp.len() || chars.is_empty() {
        return None;
    }
    let simp_str: String = simp.iter().collect();
    // Lead-in: "责任单位:".
    let mut start = 0;
    let mut had_lead_in = false;
    for re in &rules.lead_ins {
        if let Some(m) = re.find(&simp_str)
            && m.start() == 0
        {
            start = simp_str[..m.end()].chars().count();
            had_lead_in = true;
            break;
        }
    }
    // Names that contain a separator stay whole.
    let mut protected = vec![false; simp.len()];
    for keep in &rules.keep_together {
        let k: Vec<char> = keep.chars().collect();
        if k.is_empty() {
            continue;
        }
        let mut i = 0;
        while i + k.len() <= simp.len() {
            if simp[i..i + k.len()] == k[..] {
                protected[i..i + k.len()].iter_mut().for_each(|p| *p = true);
                i += k.len();
            } else {
                i += 1;
            }
        }
    }
    // Split at separators outside nested parentheses.
    let mut items: Vec<(usize, usize)> = Vec::new();
    let mut depth = 0i32;
    let mut item_start = start;
    for i in start..simp.len() {
        match simp[i] {
            '(' | '（' => depth += 1,
            ')' | '）' => depth -= 1,
            c if depth == 0
                && !protected[i]
                && rules
                    .separators
                    .iter()
                    .any(|s| s.chars().eq(std::iter::once(c))) =>
            {
                items.push((item_start, i));
                item_start = i + 1;
            }
            _ => {}
        }
    }
    items.push((item_start, simp.len()));
    let mut names = Vec::new();
    for (a, b) in items {
        let (mut a, mut b) = (a, b);
        trim_spaces(&simp, &mut a, &mut b);
        // "配合单位:各区政府": the label of a further group is no part of the name
        let item: String = simp[a..b].iter().collect();
        for re in &rules.inner_labels {
            if let Some(m) = re.find(&item)
                && m.start() == 0
            {
                a += item[..m.end()].chars().count();
                had_lead_in = true;
                break;
            }
        }
        // Strip notes from the end until none applies.
        loop {
            let s: String = simp[a..b].iter().collect();
            let mut changed = false;
            for re in &rules.notes {
                if let Some(m) = re.find(&s)
                    && m.end() == s.len()
                    && m.start() < m.end()
                {
                    b = a + s[..m.start()].chars().count();
                    trim_spaces(&simp, &mut a, &mut b);
                    changed = true;
                    break;
                }
            }
            if !changed || a >= b {
                break;
            }
        }
        if a >= b {
            continue;
        }
        let simplified_name: String = simp[a..b].iter().collect();
        let looks_like_agency = b - a <= MAX_NAME_CHARS
            && simp[a..b].iter().any(|&c| text::is_han(c))
            && !simp[a..b].iter().any(char::is_ascii_digit)
            && rules
                .suffixes
                .iter()
                .any(|s| simplified_name.ends_with(s.as_str()));
        if !looks_like_agency && !had_lead_in {
            return None;
        }
        names.push(chars[a..b].iter().collect::<String>());
    }
    if names.is_empty() {
        return None;
    }
    Some(names)
}

fn trim_spaces(s: &[char], a: &mut usize, b: &mut usize) {
    while *a < *b && s[*a].is_whitespace() {
        *a += 1;
    }
    while *b > *a && s[*b - 1].is_whitespace() {
        *b -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::rules::Rules;

    fn parse(s: &str) -> Option<Vec<String>> {
        parse_list(s, &Rules::bundled().unwrap().agencies)
    }

    #[test]
    fn beijing_lists() {
        assert_eq!(
            parse("市科委、中關村管委會,市教委").unwrap(),
            ["市科委", "中關村管委會", "市教委"]
        );
        assert_eq!(
            parse("北京證監局,市金融監管局,北京銀保監局等").unwrap(),
            ["北京證監局", "市金融監管局", "北京銀保監局"]
        );
        assert_eq!(
            parse("市科委、中關村管委會,市發展改革委等相關單位").unwrap(),
            ["市科委", "中關村管委會", "市發展改革委"]
        );
    }

    #[test]
    fn lead_ins_notes_and_nested_names() {
        assert_eq!(
            parse(
                "責任單位:省經信廳、省科技廳,各市、縣(市、區)政府,以下都需要地方落實不再重復列出"
            )
            .unwrap(),
            ["省經信廳", "省科技廳", "各市、縣(市、區)政府"]
        );
        assert_eq!(
            parse("市工信局、市财政局及各旗县区人民政府、稀土高新区管委会按职责分工负责。")
                .unwrap(),
            [
                "市工信局",
                "市财政局",
                "各旗县区人民政府",
                "稀土高新区管委会"
            ]
        );
        assert_eq!(
            parse("市科委牵头,市财政局配合").unwrap(),
            ["市科委", "市财政局"]
        );
    }

    #[test]
    fn ordinary_parentheses_are_not_agencies() {
        for s in [
            "含",
            "2013-2015年",
            "以下简称“协会”",
            "市、區",
            "線上、線下",
            "北京",
            "容量",
            "征求意见稿",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
    }
}
