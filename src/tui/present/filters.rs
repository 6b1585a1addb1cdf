//! The filter panel (every facet with counts for the current query, type-to-find,
//! several values at once) and the type-to-find of choice lists.

use crate::corpus::{Level, Validity};
use crate::model::labels::Labelled;
use crate::search::facets::AMOUNT_RANGES;

use super::super::state::*;
use super::search::amount_label;

/// Rows of the panel's value list (the panel's height less its frame and find line).
pub fn value_rows(app: &App) -> usize {
    let area = super::super::layout::filter_area(app.size);
    usize::from(area.height.saturating_sub(4)).max(1)
}

/// True when `label` matches what was typed: every word typed, case-insensitive, in
/// either script (what is typed is converted to Simplified; labels are names and
/// titles as the manifest gives them, in Simplified).
pub fn matches(label: &str, find: &str) -> bool {
    let find = find.trim();
    if find.is_empty() {
        return true;
    }
    let l = label.to_lowercase();
    let typed = crate::text::to_simplified(find).to_lowercase();
    typed
        .split_whitespace()
        .all(|w| l.contains(w) || label.contains(w))
}

/// Every value of a facet, with its count and whether it is chosen.
pub fn facet_values(app: &App, facet: Facet) -> Vec<FacetValue> {
    let f = &app.search.filters;
    let counts = app.search.facets.as_ref();
    let mut out = Vec::new();
    match facet {
        Facet::Jurisdiction => {
            let by_name: std::collections::HashMap<&str, usize> = counts
                .map(|c| {
                    c.jurisdictions
                        .iter()
                        .map(|(j, n)| (j.as_str(), *n))
                        .collect()
                })
                .unwrap_or_default();
            for (en, zh) in app.lib.jurisdictions() {
                let count = counts.map(|_| by_name.get(en.as_str()).copied().unwrap_or(0));
                out.push(FacetValue {
                    facet,
                    ticked: f.jurisdictions.contains(&en),
                    label: if zh.is_empty() || zh == en {
                        en.clone()
                    } else {
                        format!("{zh} {en}")
                    },
                    key: en,
                    count,
                });
            }
        }
        Facet::Level => {
            for l in Level::ALL {
                let count =
                    counts.map(|c| c.levels.iter().find(|(x, _)| x == l).map_or(0, |x| x.1));
                out.push(FacetValue {
                    facet,
                    key: l.id().into(),
                    label: format!("{} {}", l.zh(), l.en()),
                    count,
                    ticked: f.levels.contains(l),
                });
            }
        }
        Facet::Status => {
            for v in Validity::ALL {
                let count =
                    counts.map(|c| c.statuses.iter().find(|(x, _)| x == v).map_or(0, |x| x.1));
                out.push(FacetValue {
                    facet,
                    key: v.id().into(),
                    label: format!("{} {} (on {})", v.zh(), v.en(), app.as_of),
                    count,
                    ticked: f.statuses.contains(v),
                });
            }
        }
        Facet::Topic => {
            for t in &app.lib.domain.rules.taxonomy.topics {
                let count =
                    counts.map(|c| c.topics.iter().find(|(x, _)| *x == t.id).map_or(0, |x| x.1));
                out.push(FacetValue {
                    facet,
                    key: t.id.clone(),
                    label: format!("{} {}", t.zh, t.en),
                    count,
                    ticked: f.topics.contains(&t.id),
                });
            }
        }
        Facet::Amount => {
            for i in 0..AMOUNT_RANGES.len() {
                out.push(FacetValue {
                    facet,
                    key: i.to_string(),
                    label: format!("support {}", amount_label(i)),
                    count: counts.map(|c| c.amounts.get(i).copied().unwrap_or(0)),
                    ticked: f.amounts.contains(&i),
                });
            }
        }
        Facet::Year => {
            for y in app.lib.years() {
                let count =
                    counts.map(|c| c.years.iter().find(|(x, _)| *x == y).map_or(0, |x| x.1));
                out.push(FacetValue {
                    facet,
                    key: y.to_string(),
                    label: format!("dated {y}"),
                    count,
                    ticked: f.years.contains(&y),
                });
            }
        }
    }
    // values with hits first (most first), chosen ones always kept in view
    if counts.is_some() && facet != Facet::Amount && facet != Facet::Level && facet != Facet::Status
    {
        out.sort_by(|a, b| {
            b.ticked
                .cmp(&a.ticked)
                .then(b.count.unwrap_or(0).cmp(&a.count.unwrap_or(0)))
        });
    }
    out
}

/// Brings the open filter panel up to date.
pub fn refresh(app: &mut App) {
    let rows = value_rows(app);
    let Some(Popup::Filters(p)) = &app.popup else {
        return;
    };
    let (facet, find) = (p.facet, p.find.text().to_string());
    let values: Vec<FacetValue> = facet_values(app, facet)
        .into_iter()
        .filter(|v| matches(&v.label, &find))
        .collect();
    if let Some(Popup::Filters(p)) = &mut app.popup {
        p.values = values;
        p.list.fit(p.values.len(), rows);
    }
}

/// Brings an open choice list's type-to-find up to date.
pub fn refresh_chooser(app: &mut App) {
    let size = app.size;
    if let Some(Popup::Choose(ch)) = &mut app.popup {
        let find = ch.find.text().to_string();
        ch.shown = ch
            .items
            .iter()
            .enumerate()
            .filter(|(_, c)| matches(&c.label, &find))
            .map(|(i, _)| i)
            .collect();
        let area = super::super::layout::choose_area(size, ch.items.len());
        let h = usize::from(area.height.saturating_sub(3)).max(1);
        ch.list.fit(ch.shown.len(), h);
    }
}
