//! Comparison of jurisdictions side by side: one column per document, rows by measure,
//! built from the links the store keeps (see [`crate::links`]), each row labelled with the
//! measure frame it stands for.

use std::collections::HashMap;

use anyhow::{Context, Result, anyhow};
use chrono::NaiveDate;
use serde::Serialize;

use crate::analysis::FrameRules;
use crate::facts::Figure;
use crate::links::LinkSettings;
use crate::model::{ClauseKind, Validity};
use crate::store::{ClauseRecord, Store};
use crate::topics::Taxonomy;

/// What a comparison reads its rules from.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    /// Measure types (for `--topic`).
    pub taxonomy: &'a Taxonomy,
    /// Frame rules (row labels).
    pub frames: &'a FrameRules,
    /// Link settings (how strongly provisions must link to share a row).
    pub links: &'a LinkSettings,
}

/// What one row of a comparison stands for: the measure frame most of its provisions
/// share (上市 · 奖励/补贴).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowLabel {
    /// In Chinese.
    pub zh: String,
    /// In English.
    pub en: String,
}

/// What to compare.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareRequest {
    /// A measure type id …
    pub topic: Option<String>,
    /// … or a provision, compared with its links.
    pub clause: Option<String>,
    /// Only these document ids (all when empty).
    pub docs: Vec<String>,
    /// Date for the status badges.
    pub as_of: NaiveDate,
}

/// One provision in a comparison column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComparedClause {
    /// Clause id.
    pub id: String,
    /// Original text.
    pub text: String,
    /// Its support figures.
    pub figures: Vec<Figure>,
    /// The comparison row it sits on (from 0): provisions of different columns on the
    /// same row are the same measure. A column holds at most one provision per row.
    pub row: usize,
}

/// One jurisdiction's document in a comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    /// Document id.
    pub doc: String,
    /// Jurisdiction.
    pub jurisdiction: String,
    /// Document title.
    pub title: String,
    /// Standing on the comparison date.
    pub validity: Validity,
    /// Its provisions for the measure, by row; empty means "nothing found". A row
    /// with no provision of this column is a gap: this document has no equivalent.
    pub clauses: Vec<ComparedClause>,
}

impl Column {
    /// Its provision on row `row`, if any (none is a gap).
    pub fn at_row(&self, row: usize) -> Option<&ComparedClause> {
        self.clauses.iter().find(|c| c.row == row)
    }
}

/// Jurisdictions side by side, in rows: row *r* of every column holds that
/// document's provision for one and the same measure, or nothing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The measure type compared, if any.
    pub topic: Option<String>,
    /// The provision compared, if any.
    pub clause: Option<String>,
    /// Number of rows (0 when no column holds anything).
    pub rows: usize,
    /// What each row stands for (one label per row; empty text when its provisions have
    /// no frame).
    pub row_labels: Vec<RowLabel>,
    /// One column per document.
    pub columns: Vec<Column>,
}

/// How many links of one document a provision comparison shows.
const LINKS_PER_DOCUMENT: usize = 3;

/// Builds a comparison from the store.
///
/// For a measure type, each column holds the provisions of that type, in rows by
/// measure: provisions strongly linked to each other share a row, and rows are in the
/// order of their first provision (columns left to right, each in document order).
/// For a provision, row 0 holds the provision in its own document's column and its
/// best link in each other document; rows 1 and 2 hold further links in that document.
/// Only support figures are shown.
pub fn compare(store: &Store, rules: Rules, request: &CompareRequest) -> Result<Comparison> {
    for d in &request.docs {
        if store.meta(d).is_none() {
            let known: Vec<&str> = store.ids().take(30).collect();
            return Err(anyhow!(
                "--docs: no document {d:?} (known: {})",
                known.join(", ")
            ));
        }
    }
    let wanted = |id: &str| request.docs.is_empty() || request.docs.iter().any(|d| d == id);
    let entry = |r: &ClauseRecord, row: usize| ComparedClause {
        id: r.clause.id.clone(),
        text: r.clause.text.clone(),
        figures: r.analysis.support().cloned().collect::<Vec<Figure>>(),
        row,
    };
    let labels: Vec<RowLabel>;

    let (topic, clause, picks): (
        Option<String>,
        Option<String>,
        HashMap<String, Vec<ComparedClause>>,
    ) = match (&request.topic, &request.clause) {
        (Some(t), None) => {
            let topic = rules.taxonomy.get(t).ok_or_else(|| {
                let ids: Vec<String> = rules
                    .taxonomy
                    .topics
                    .iter()
                    .map(|t| format!("{} ({})", t.id, t.zh))
                    .collect();
                anyhow!("--topic: no measure type {t:?} (known: {})", ids.join(", "))
            })?;
            // the provisions of the type, columns left to right, each in document order
            let found: Vec<ClauseRecord> = store
                .with_topic(&topic.id)?
                .into_iter()
                .filter(|r| r.clause.kind == ClauseKind::Provision && wanted(&r.clause.doc))
                .collect();
            let order: Vec<&str> = store
                .documents()
                .map(|d| d.id.as_str())
                .filter(|d| wanted(d))
                .collect();
            let column_of = |doc: &str| order.iter().position(|d| *d == doc).unwrap_or(0);
            let index: HashMap<&str, usize> = found
                .iter()
                .enumerate()
                .map(|(i, r)| (r.clause.id.as_str(), i))
                .collect();
            let mut strength: HashMap<(usize, usize), f32> = HashMap::new();
            for (i, r) in found.iter().enumerate() {
                let stored = store.links_record(&r.clause.id)?.unwrap_or_default();
                for link in stored.links {
                    if let Some(&j) = index.get(link.id.as_str()) {
                        *strength.entry((i.min(j), i.max(j))).or_insert(0.0) += link.score;
                    }
                }
            }
            let columns: Vec<usize> = found.iter().map(|r| column_of(&r.clause.doc)).collect();
            let rows = align_rows(&columns, &strength, rules.links.tiers.row_min_strength);
            let n_rows = rows.iter().map(|r| r + 1).max().unwrap_or(0);
            let mut members: Vec<Vec<&ClauseRecord>> = vec![Vec::new(); n_rows];
            for (r, row) in found.iter().zip(&rows) {
                members[*row].push(r);
            }
            labels = members.iter().map(|m| row_label(m, rules.frames)).collect();
            let mut picks: HashMap<String, Vec<ComparedClause>> = HashMap::new();
            for (r, row) in found.iter().zip(rows) {
                picks
                    .entry(r.clause.doc.clone())
                    .or_default()
                    .push(entry(r, row));
            }
            for col in picks.values_mut() {
                col.sort_by_key(|c| c.row);
            }
            (Some(topic.id.clone()), None, picks)
        }
        (None, Some(id)) => {
            let r = store
                .clause(id)?
                .with_context(|| format!("no clause {id:?} (see `policynav clauses`)"))?;
            if r.clause.kind != ClauseKind::Provision {
                return Err(anyhow!(
                    "{id} is an article; compare one of its provisions ({id}.1, …)"
                ));
            }
            let mut picks: HashMap<String, Vec<ComparedClause>> = HashMap::new();
            picks.insert(r.clause.doc.clone(), vec![entry(&r, 0)]);
            let stored = store.links_record(id)?.unwrap_or_default().links;
            let ids: Vec<&str> = stored.iter().map(|l| l.id.as_str()).collect();
            let targets: HashMap<String, ClauseRecord> = store
                .clauses_by_id(&ids)?
                .into_iter()
                .map(|t| (t.clause.id.clone(), t))
                .collect();
            let mut rows_of: Vec<Vec<&ClauseRecord>> = vec![vec![&r]];
            // links come best first: the n-th link into a document goes on row n
            for link in &stored {
                if !wanted(&link.doc) {
                    continue;
                }
                let Some(t) = targets.get(&link.id) else {
                    continue;
                };
                let col = picks.entry(link.doc.clone()).or_default();
                if col.len() < LINKS_PER_DOCUMENT {
                    let row = col.len();
                    col.push(entry(t, row));
                    if rows_of.len() <= row {
                        rows_of.resize(row + 1, Vec::new());
                    }
                    rows_of[row].push(t);
                }
            }
            labels = rows_of.iter().map(|m| row_label(m, rules.frames)).collect();
            (None, Some(r.clause.id.clone()), picks)
        }
        _ => {
            return Err(anyhow!(
                "compare needs either a measure type (--topic) or one provision id"
            ));
        }
    };
    let mut picks = picks;
    let columns: Vec<Column> = store
        .documents()
        .filter(|d| wanted(&d.id))
        .map(|d| Column {
            doc: d.id.clone(),
            jurisdiction: d.jurisdiction.clone(),
            title: d.title.clone(),
            validity: d.validity_on(request.as_of),
            clauses: picks.remove(&d.id).unwrap_or_default(),
        })
        .collect();
    let rows = columns
        .iter()
        .flat_map(|c| c.clauses.iter().map(|cc| cc.row + 1))
        .max()
        .unwrap_or(0);
    let mut labels = labels;
    labels.resize(
        rows,
        RowLabel {
            zh: String::new(),
            en: String::new(),
        },
    );
    Ok(Comparison {
        topic,
        clause,
        rows,
        row_labels: labels,
        columns,
    })
}

/// The frame most provisions of a row share, in words.
fn row_label(members: &[&ClauseRecord], frames: &FrameRules) -> RowLabel {
    let mut triggers: HashMap<&str, usize> = HashMap::new();
    let mut instruments: HashMap<&str, usize> = HashMap::new();
    for m in members {
        let mut seen_t: Vec<&str> = Vec::new();
        let mut seen_i: Vec<&str> = Vec::new();
        for f in &m.analysis.frames {
            if !seen_t.contains(&f.trigger.as_str()) {
                seen_t.push(&f.trigger);
                *triggers.entry(&f.trigger).or_insert(0) += 1;
            }
            for i in &f.instruments {
                if !seen_i.contains(&i.as_str()) {
                    seen_i.push(i);
                    *instruments.entry(i).or_insert(0) += 1;
                }
            }
        }
    }
    let best = |m: HashMap<&str, usize>| {
        m.into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(k, n)| (k.to_string(), n))
    };
    let Some((trigger, _)) = best(triggers) else {
        return RowLabel {
            zh: String::new(),
            en: String::new(),
        };
    };
    let Some(t) = frames.trigger(&trigger) else {
        return RowLabel {
            zh: String::new(),
            en: String::new(),
        };
    };
    let instrument = best(instruments)
        .filter(|(_, n)| *n * 2 > members.len())
        .and_then(|(i, _)| frames.instrument(&i));
    match instrument {
        Some(i) => RowLabel {
            zh: format!("{} · {}", t.zh, i.zh),
            en: format!("{} · {}", t.en, i.en),
        },
        None => RowLabel {
            zh: t.zh.clone(),
            en: t.en.clone(),
        },
    }
}

/// Puts provisions of several columns into rows so that the same measure shares a row.
///
/// `columns[i]` is the column of provision `i`; `strength` holds the link strength of
/// linked pairs `(i, j)`, `i < j` (see [`Weights::row_min_strength`]). Returns each provision's
/// row. Rows are grown greedily from the strongest pair not yet placed: the pair starts
/// a row, then the provision of an unused column with the highest mean strength to the
/// row's provisions joins it, while that mean is above `min_strength`. A
/// provision never placed that way has a row of its own. Rows are numbered in the
/// order of their lowest provision index, so with provisions listed column by column,
/// the first column reads in its own order. Ties go to the lower index, so the result
/// is the same on every run.
fn align_rows(
    columns: &[usize],
    strength: &HashMap<(usize, usize), f32>,
    min_strength: f32,
) -> Vec<usize> {
    let n = columns.len();
    let mut neighbours: Vec<Vec<(usize, f32)>> = vec![Vec::new(); n];
    let mut seeds: Vec<(f32, usize, usize)> = Vec::new();
    for (&(i, j), &s) in strength {
        if i >= n || j >= n || i == j || columns[i] == columns[j] {
            continue;
        }
        neighbours[i].push((j, s));
        neighbours[j].push((i, s));
        if s > min_strength {
            seeds.push((s, i.min(j), i.max(j)));
        }
    }
    for list in &mut neighbours {
        list.sort_by_key(|(k, _)| *k);
    }
    seeds.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.1.cmp(&b.1))
            .then_with(|| a.2.cmp(&b.2))
    });

    let mut group_of: Vec<Option<usize>> = vec![None; n];
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (_, i, j) in seeds {
        if group_of[i].is_some() || group_of[j].is_some() {
            continue;
        }
        let g = groups.len();
        let mut members = vec![i, j];
        group_of[i] = Some(g);
        group_of[j] = Some(g);
        loop {
            // summed strength to the row of every unplaced provision linked to it
            let mut sums: HashMap<usize, f32> = HashMap::new();
            for &m in &members {
                for &(k, s) in &neighbours[m] {
                    if group_of[k].is_none() && !members.iter().any(|&x| columns[x] == columns[k]) {
                        *sums.entry(k).or_insert(0.0) += s;
                    }
                }
            }
            let best = sums
                .into_iter()
                .map(|(k, sum)| (sum / members.len() as f32, k))
                .filter(|(mean, _)| *mean > min_strength)
                .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(&a.1)));
            match best {
                Some((_, k)) => {
                    group_of[k] = Some(g);
                    members.push(k);
                }
                None => break,
            }
        }
        groups.push(members);
    }
    for (i, g) in group_of.iter_mut().enumerate() {
        if g.is_none() {
            *g = Some(groups.len());
            groups.push(vec![i]);
        }
    }
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|&g| groups[g].iter().min().copied().unwrap_or(usize::MAX));
    let mut row_of_group = vec![0; groups.len()];
    for (row, &g) in order.iter().enumerate() {
        row_of_group[g] = row;
    }
    group_of
        .iter()
        .map(|g| g.map_or(0, |g| row_of_group[g]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strengths(pairs: &[(usize, usize, f32)]) -> HashMap<(usize, usize), f32> {
        pairs.iter().map(|&(i, j, s)| ((i, j), s)).collect()
    }

    #[test]
    fn rows_hold_the_same_measure_and_one_provision_per_column() {
        // column 0: a fair subsidy (0) and an expo visit (1); column 1: the expo visit
        // (2); column 2: the fair subsidy (3) and something unrelated (4)
        let columns = [0, 0, 1, 2, 2];
        let s = strengths(&[
            (0, 3, 0.9),
            (1, 2, 0.5),
            (0, 2, 0.35),
            (2, 3, 0.1),
            (3, 4, 0.05),
        ]);
        let rows = align_rows(&columns, &s, 0.3);
        assert_eq!(rows[0], rows[3], "the two fair subsidies");
        assert_eq!(rows[1], rows[2], "the two expo visits");
        assert_ne!(rows[0], rows[1]);
        // too weak a link makes no row: 4 stands alone
        assert!(rows[..4].iter().all(|r| *r != rows[4]));
        // rows follow the first column's order, then the rest
        assert_eq!(&rows, &[0, 1, 1, 0, 2]);
    }

    #[test]
    fn a_provision_joins_a_row_only_when_linked_to_it_as_a_whole() {
        // 0 and 1 are strongly linked; 2 is linked to 0 only, weakly: its mean strength
        // to the row (0.4 + 0) / 2 is below the cut-off
        let columns = [0, 1, 2];
        let rows = align_rows(&columns, &strengths(&[(0, 1, 1.0), (0, 2, 0.4)]), 0.3);
        assert_eq!(rows[0], rows[1]);
        assert_ne!(rows[0], rows[2]);
        // linked to both, it joins
        let rows = align_rows(
            &columns,
            &strengths(&[(0, 1, 1.0), (0, 2, 0.4), (1, 2, 0.4)]),
            0.3,
        );
        assert_eq!(rows, vec![0, 0, 0]);
    }

    #[test]
    fn no_links_means_one_row_each_in_order() {
        assert_eq!(align_rows(&[0, 0, 1], &HashMap::new(), 0.3), vec![0, 1, 2]);
        assert!(align_rows(&[], &HashMap::new(), 0.3).is_empty());
    }
}
