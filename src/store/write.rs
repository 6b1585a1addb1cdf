//! Writing the store: documents added or deleted, links replaced, and the one commit that
//! publishes a generation with its catalog.

use std::path::Path;

use anyhow::{Context, Result, anyhow};
use tantivy::{Index, IndexWriter, TantivyDocument, Term};

use super::catalog::{Catalog, CatalogEntry, Payload};
use super::schema::{self, Fields};
use super::sources::Stamp;
use super::{ClauseRecord, DocumentRecord, LinksRecord};
use crate::analysis::ClauseAnalysis;
use crate::links::Features;
use crate::model::{Clause, ClauseKind, Document, DocumentMeta, Labelled};

/// Memory for the index writer, all threads together.
const WRITER_MEMORY: usize = 96 * 1024 * 1024;

/// A full build leaves its store in at most this many segments, of similar size: as
/// many as a search spreads over threads at most, so that each thread takes a similar
/// share, and few, since a search opens each of its terms' lists in every segment (the
/// writer's merge policy left 11 at 10,000 documents, from 39,226 to 581,154 entries;
/// merged into four, a query of several words spent a tenth less on one core).
const BUILT_SEGMENTS: usize = crate::search::MAX_SEARCH_THREADS;

/// The normalised form of a jurisdiction name as typed (`Beijing`, `北京`, `北京市`).
pub fn jurisdiction_key(name: &str) -> String {
    let s = crate::text::to_simplified(name.trim()).to_lowercase();
    let stripped = s
        .strip_suffix(['市', '省', '区', '县'])
        .filter(|r| r.chars().count() >= 2)
        .unwrap_or(&s);
    stripped.to_string()
}

/// Every key a document's jurisdiction answers to.
pub fn jurisdiction_keys(meta: &DocumentMeta) -> Vec<String> {
    let mut keys = vec![jurisdiction_key(&meta.jurisdiction)];
    if let Some(zh) = &meta.jurisdiction_zh {
        keys.push(jurisdiction_key(zh));
    }
    keys.dedup();
    keys
}

/// The clauses of a document a search returns: its provisions, plus the clauses that
/// have no provisions (so no text is unsearchable).
pub fn searchable(doc: &Document) -> Vec<bool> {
    let parents: std::collections::HashSet<&str> = doc
        .clauses
        .iter()
        .filter_map(|c| c.parent.as_deref())
        .collect();
    doc.clauses
        .iter()
        .map(|c| !(c.kind == ClauseKind::Article && parents.contains(c.id.as_str())))
        .collect()
}

/// The largest support amount in yuan (the `--min-amount` field).
fn support_amount(analysis: &ClauseAnalysis) -> Option<f64> {
    analysis
        .support()
        .filter(|f| f.unit == crate::facts::Unit::Yuan)
        .map(|f| f.value_max.unwrap_or(f.value).max(f.value))
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))
}

/// The `concept` values of a searchable clause: its frame triggers and instrument
/// families, and whether it offers a support figure (what search ranks measures by).
fn concepts(analysis: &ClauseAnalysis) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for frame in &analysis.frames {
        out.push(format!("{}{}", schema::CONCEPT_TRIGGER, frame.trigger));
        for i in &frame.instruments {
            out.push(format!("{}{i}", schema::CONCEPT_INSTRUMENT));
        }
    }
    if analysis.support().next().is_some() {
        out.push(schema::SUPPORT.to_string());
    }
    out.sort();
    out.dedup();
    out
}

/// Writes to one store folder.
pub struct StoreWriter {
    index: Index,
    writer: IndexWriter<TantivyDocument>,
    fields: Fields,
    /// A full build (its segments are merged when it is committed).
    full: bool,
}

impl StoreWriter {
    /// A new, empty store in `dir` (a full build).
    pub fn create(dir: &Path, threads: usize) -> Result<StoreWriter> {
        let (schema, fields) = schema::schema();
        let index = Index::create_in_dir(dir, schema)
            .with_context(|| format!("{}: cannot create the index", dir.display()))?;
        crate::search::analyzer::register(&index);
        let writer = writer_of(&index, threads, dir)?;
        Ok(StoreWriter {
            index,
            writer,
            fields,
            full: true,
        })
    }

    /// The store in `dir`, to change in place (an incremental update).
    pub fn open(dir: &Path) -> Result<StoreWriter> {
        let index = super::open_index(dir).map_err(|why| anyhow!("{}: {why}", dir.display()))?;
        let fields = schema::fields_of(&index.schema())?;
        let writer = writer_of(&index, 1, dir)?;
        Ok(StoreWriter {
            index,
            writer,
            fields,
            full: false,
        })
    }

    /// The tantivy index written to.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The fields of the schema.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// Adds a document with its clauses' analysis, the instrument families each clause's
    /// text is indexed with ([`crate::search::families::FamilyTerms::printed`]), and its
    /// provisions' features (in reading order, as [`crate::links::document_features`]
    /// makes them). Returns its catalog entry.
    pub fn add_document(
        &mut self,
        doc: &Document,
        analyses: &[ClauseAnalysis],
        families: &[Vec<String>],
        features: Vec<Features>,
        stamp: Option<Stamp>,
        first_pord: Option<u64>,
    ) -> Result<CatalogEntry> {
        let f = self.fields;
        let meta = &doc.meta;
        let record = DocumentRecord {
            meta: meta.clone(),
            letter: doc.letter.clone(),
            preamble: doc.preamble.clone(),
            closing: doc.closing.clone(),
            chapters: doc.chapters.clone(),
        };
        let mut d = TantivyDocument::default();
        d.add_text(f.kind, schema::KIND_DOCUMENT);
        d.add_text(f.doc, &meta.id);
        d.add_text(f.dkey, &meta.id);
        d.add_bytes(f.record, &serde_json::to_vec(&record)?);
        d.add_u64(f.dnum, schema::NO_DOCUMENT_NUMBER);
        self.writer.add_document(d).context("writing the store")?;

        let keys = jurisdiction_keys(meta);
        let searchable = searchable(doc);
        let mut features = features.into_iter().peekable();
        let mut entry = CatalogEntry {
            meta: meta.clone(),
            stamp,
            chapters: doc.chapters.len() as u32,
            articles: 0,
            clauses: 0,
            provisions: 0,
            searchable: 0,
            text_bytes: 0,
        };
        for (seq, (((clause, analysis), families), searchable)) in doc
            .clauses
            .iter()
            .zip(analyses)
            .zip(
                families
                    .iter()
                    .map(Vec::as_slice)
                    .chain(std::iter::repeat(&[][..])),
            )
            .zip(searchable)
            .enumerate()
        {
            let own = match features.peek() {
                Some(x) if x.id == clause.id => features.next(),
                _ => None,
            };
            let pord = match (&own, first_pord) {
                (Some(_), Some(first)) => Some(first + entry.provisions as u64),
                _ => None,
            };
            self.add_clause(
                meta, &keys, seq as u64, clause, analysis, families, searchable, own, pord,
            )?;
            entry.clauses += 1;
            match clause.kind {
                ClauseKind::Provision => entry.provisions += 1,
                ClauseKind::Article => entry.articles += 1,
                ClauseKind::Text => {}
            }
            if searchable {
                entry.searchable += 1;
                entry.text_bytes += clause.text.len() as u64;
            }
        }
        Ok(entry)
    }

    #[allow(clippy::too_many_arguments)]
    fn add_clause(
        &mut self,
        meta: &DocumentMeta,
        keys: &[String],
        seq: u64,
        clause: &Clause,
        analysis: &ClauseAnalysis,
        families: &[String],
        searchable: bool,
        features: Option<Features>,
        pord: Option<u64>,
    ) -> Result<()> {
        let f = self.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.kind, schema::KIND_CLAUSE);
        d.add_text(f.id, &clause.id);
        d.add_text(f.doc, &meta.id);
        // the stored text values first, then the others: a search reads a hit's texts
        // and stops at the first value that is not one ([`super::TextFields`])
        if searchable {
            d.add_text(f.body, &clause.text);
            if clause.normalized != clause.text {
                d.add_text(f.simplified, &clause.normalized);
            }
            if let Some(h) = &clause.heading {
                d.add_text(f.heading, h);
            }
        }
        d.add_u64(f.seq, seq);
        d.add_u64(
            f.dnum,
            if searchable {
                schema::document_number(&meta.id)
            } else {
                schema::NO_DOCUMENT_NUMBER
            },
        );
        if searchable {
            d.add_text(f.searchable, schema::SEARCHABLE);
            for k in keys {
                d.add_text(f.jurisdiction, k);
            }
            d.add_text(f.level, meta.level.id());
            for t in &analysis.topics {
                d.add_text(f.topic, t);
            }
            if let Some(a) = support_amount(analysis) {
                d.add_f64(f.amount, a);
            }
            d.add_text(f.title, &meta.title);
            for family in families {
                d.add_text(f.family, family);
            }
            for c in concepts(analysis) {
                d.add_text(f.concept, &c);
            }
            if let Some(date) = meta.published.or(meta.effective).or(meta.written) {
                d.add_u64(
                    f.date,
                    chrono::Datelike::num_days_from_ce(&date).max(0) as u64,
                );
            }
        }
        if let Some(p) = pord {
            d.add_u64(f.pord, p);
        }
        if let Some(feat) = &features {
            for (t, _) in &feat.terms {
                d.add_text(f.lterm, t);
            }
            for t in feat.triggers() {
                d.add_text(f.trigger, t);
            }
            for k in feat.figure_keys() {
                d.add_text(f.figure, &k);
            }
        }
        let record = ClauseRecord {
            clause: clause.clone(),
            analysis: analysis.clone(),
            searchable,
            features,
        };
        d.add_bytes(f.record, &serde_json::to_vec(&record)?);
        self.writer.add_document(d).context("writing the store")?;
        Ok(())
    }

    /// Deletes a document with everything it owns (its clauses and their links).
    pub fn delete_document(&self, id: &str) {
        self.writer
            .delete_term(Term::from_field_text(self.fields.doc, id));
    }

    /// Replaces the links of a provision of document `doc`.
    pub fn put_links(&self, provision: &str, doc: &str, record: &LinksRecord) -> Result<()> {
        self.writer
            .delete_term(Term::from_field_text(self.fields.lkey, provision));
        self.add_links(provision, doc, record)
    }

    /// Adds the links of a provision that has none in the store yet (a full build: no
    /// delete is queued, which would hold a query per provision until the commit).
    pub fn add_links<S: AsRef<str> + serde::Serialize>(
        &self,
        provision: &str,
        doc: &str,
        record: &LinksRecord<S>,
    ) -> Result<()> {
        let f = self.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.kind, schema::KIND_LINKS);
        d.add_text(f.doc, doc);
        d.add_text(f.lkey, provision);
        let mut targets: Vec<&str> = record.links.iter().map(|l| l.doc.as_ref()).collect();
        targets.sort_unstable();
        targets.dedup();
        for t in targets {
            d.add_text(f.ltarget, t);
        }
        d.add_bytes(f.record, &serde_json::to_vec(record)?);
        d.add_u64(f.dnum, schema::NO_DOCUMENT_NUMBER);
        self.writer.add_document(d).context("writing the store")?;
        Ok(())
    }

    /// Makes everything added so far searchable inside this folder without publishing a
    /// generation (a full build's first phase, in its own temporary folder).
    pub fn flush(&mut self) -> Result<()> {
        self.writer.commit().context("writing the store")?;
        Ok(())
    }

    /// Publishes a generation: writes its catalog, then commits with a payload naming it.
    pub fn commit(mut self, catalog: &Catalog, dir: &Path) -> Result<()> {
        catalog.write(dir)?;
        let payload = Payload {
            generation: catalog.info.generation,
            catalog: Catalog::file_name(catalog.info.generation),
        };
        let mut prepared = self.writer.prepare_commit().context("writing the store")?;
        prepared.set_payload(&serde_json::to_string(&payload)?);
        prepared.commit().context("writing the store")?;
        self.writer
            .wait_merging_threads()
            .context("finishing the store")?;
        if self.full {
            merge_segments(&self.index, BUILT_SEGMENTS, dir)?;
        }
        Catalog::remove_old(dir, catalog.info.generation, 3);
        Ok(())
    }
}

/// Merges the committed segments of `index` into at most `at_most` of similar size
/// (largest first, each into the group with the fewest entries so far). Each merge
/// replaces its segments in one step and keeps the last commit's payload: a store
/// interrupted here is the store committed, in more segments.
fn merge_segments(index: &Index, at_most: usize, dir: &Path) -> Result<()> {
    let mut segments = index
        .searchable_segment_metas()
        .context("finishing the store")?;
    if segments.len() <= at_most.max(1) {
        return Ok(());
    }
    segments.sort_by_key(|s| std::cmp::Reverse(s.num_docs()));
    let mut groups: Vec<(u64, Vec<tantivy::index::SegmentId>)> =
        vec![(0, Vec::new()); at_most.max(1)];
    for s in &segments {
        if let Some(group) = groups.iter_mut().min_by_key(|g| g.0) {
            group.0 += u64::from(s.num_docs());
            group.1.push(s.id());
        }
    }
    let mut writer = writer_of(index, 1, dir)?;
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    let merges: Vec<_> = groups
        .iter()
        .filter(|(_, ids)| ids.len() > 1)
        .map(|(_, ids)| writer.merge(ids))
        .collect();
    for merge in merges {
        merge.wait().context("merging the store's segments")?;
    }
    writer
        .wait_merging_threads()
        .context("finishing the store")?;
    Ok(())
}

fn writer_of(index: &Index, threads: usize, dir: &Path) -> Result<IndexWriter<TantivyDocument>> {
    let threads = threads.clamp(1, 4);
    index
        .writer_with_num_threads::<TantivyDocument>(
            threads,
            WRITER_MEMORY.max(threads * 20_000_000),
        )
        .map_err(|e| match e {
            tantivy::TantivyError::LockFailure(..) => {
                anyhow!("{}: another process is writing this index", dir.display())
            }
            e => anyhow::Error::new(e).context("cannot start the index writer"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_built_store_is_merged_into_few_segments_of_similar_size_and_loses_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (schema, fields) = schema::schema();
        let index = Index::create_in_dir(dir.path(), schema).unwrap();
        crate::search::analyzer::register(&index);
        let mut writer = writer_of(&index, 1, dir.path()).unwrap();
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        // nine commits of 1 to 9 entries: nine segments, 45 entries
        let mut n = 0u64;
        for size in 1..=9 {
            for _ in 0..size {
                let mut d = TantivyDocument::default();
                d.add_text(fields.id, format!("c{n}"));
                d.add_u64(fields.seq, n);
                writer.add_document(d).unwrap();
                n += 1;
            }
            writer.commit().unwrap();
        }
        let mut prepared = writer.prepare_commit().unwrap();
        prepared.set_payload("generation 1");
        prepared.commit().unwrap();
        writer.wait_merging_threads().unwrap();
        assert_eq!(index.searchable_segment_metas().unwrap().len(), 9);

        merge_segments(&index, 4, dir.path()).unwrap();

        let index = super::super::open_index(dir.path()).unwrap();
        let mut sizes: Vec<u32> = index
            .searchable_segment_metas()
            .unwrap()
            .iter()
            .map(|s| s.num_docs())
            .collect();
        sizes.sort_unstable();
        // 9+2+1, 8+3, 7+4, 6+5: four groups within one largest segment of each other
        assert_eq!(sizes.len(), 4, "{sizes:?}");
        assert_eq!(sizes.iter().sum::<u32>(), 45);
        assert!(sizes[3] - sizes[0] <= 9, "{sizes:?}");
        // the last commit's payload (the generation the catalog names) is kept
        assert_eq!(
            index.load_metas().unwrap().payload.as_deref(),
            Some("generation 1")
        );
        let searcher = index.reader().unwrap().searcher();
        for i in [0, 17, 44] {
            let id = Term::from_field_text(fields.id, &format!("c{i}"));
            assert_eq!(searcher.doc_freq(&id).unwrap(), 1, "entry c{i}");
        }
        // already few: left as they are
        merge_segments(&index, 4, dir.path()).unwrap();
        assert_eq!(
            Index::open_in_dir(dir.path())
                .unwrap()
                .searchable_segment_metas()
                .unwrap()
                .len(),
            4
        );
    }
}
