//! Stage one of the link engine against the store: a provision's candidates from the
//! inverted index, at a cost that does not grow with the corpus.
//!
//! The score of a candidate is what a disjunction of the query's keys would give it in
//! tantivy (the sum of each shared key's BM25 weight times its boost), but the postings
//! are not all read. Query evaluation with limited accumulators, after Moffat and Zobel
//! ("Self-indexing inverted files for fast text retrieval", 1996), as MaxScore refines it:
//!
//! 1. **rare keys first**: keys are taken from the rarest; each one's postings are read in
//!    full and every provision met gains an accumulator, while the postings read stay
//!    within a budget (`candidates.postings`; the rarest key alone is cut at the budget);
//! 2. **the rest only checks**: the keys left can still add at most their summed maximum
//!    weight, so an accumulator that cannot reach the k-th best even with all of it is
//!    dropped, and of the others at most `candidates.accumulators` (the best so far) are
//!    kept; each remaining key then only seeks those few provisions in its postings.
//!
//! While the keys' postings fit the budget (the evaluation corpus: every provision) nothing
//! is cut and the result is exactly the full disjunction's. Where keys are shared by
//! thousands of provisions (a library of near copies, or a very large one), the cost per
//! provision is bounded by the budget and the accumulators, at the price of candidates
//! that share only common keys with the provision.

use anyhow::{Context, Result};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::InvertedIndexReader;
use tantivy::postings::TermInfo;
use tantivy::query::{Bm25StatisticsProvider, Bm25Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, TERMINATED, Term};

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::schema::Fields;
use crate::links::CandidateQuery;

/// The candidate lookup over one searcher (one view of the store).
pub struct CandidateSearch<'s> {
    searcher: &'s Searcher,
    /// Per segment: max doc and, per key field, its inverted index and field norms.
    segments: Vec<SegmentKeys>,
    fields: [Field; 3],
    num_docs: u64,
    average_norm: [Score; 3],
    /// Per key field, the keys held by at least [`REMEMBERED_DF`] entries, located once:
    /// the keys a link pass asks for again and again (a rarer key is asked for by at most
    /// as many provisions as hold it, so remembering it would save little and hold much).
    located: [Mutex<HashMap<Box<str>, Arc<Located>>>; 3],
    /// Per segment, each entry's provision ordinal (its place in the corpus): what
    /// orders equal scores, so that the candidates do not depend on how the writer's
    /// threads happened to split the entries into segments (`u32::MAX`: none). Read
    /// once into memory: in a corpus of near copies ties are common, and a column read
    /// per comparison cost a tenth of a link pass.
    ordinals: Vec<Vec<u32>>,
}

/// How many entries must hold a key for its location to be remembered.
const REMEMBERED_DF: u64 = 256;

/// Where a key's postings are, per segment, and how many entries hold it.
struct Located {
    infos: Vec<Option<TermInfo>>,
    df: u64,
}

struct SegmentKeys {
    inverted: [Arc<InvertedIndexReader>; 3],
    norms: [FieldNormReader; 3],
}

/// Reusable accumulators (one per thread): per segment, the entries met so far with
/// their scores, in address order. A key read in full is merged into them (both are in
/// address order), so adding a posting reads and writes memory in sequence: a dense
/// score array indexed by address cost a cache miss per posting once the store
/// outgrew the cache (a fifth of a link pass at 10,000 documents).
#[derive(Default)]
pub struct Scratch {
    accumulators: Vec<Vec<(DocId, Score)>>,
    spare: Vec<(DocId, Score)>,
    scores: Vec<Score>,
}

struct Key<'q> {
    field: usize,
    text: &'q str,
    /// Where its postings are, per segment, and how many entries hold it.
    at: Arc<Located>,
    weight: Bm25Weight,
}

impl Key<'_> {
    /// What sharing it can add at most (the shortest field, one occurrence).
    fn max(&self) -> Score {
        self.weight.score(0, 1)
    }
}

impl<'s> CandidateSearch<'s> {
    /// The lookup over `searcher`, whose keys are the link fields of `fields`.
    pub fn new(searcher: &'s Searcher, fields: &Fields) -> Result<CandidateSearch<'s>> {
        let keys = [fields.lterm, fields.trigger, fields.figure];
        let num_docs = searcher.total_num_docs().context("reading the store")?;
        let mut average_norm = [0.0; 3];
        for (i, f) in keys.iter().enumerate() {
            let tokens = searcher.total_num_tokens(*f).context("reading the store")?;
            average_norm[i] = tokens as Score / num_docs.max(1) as Score;
        }
        let mut segments = Vec::new();
        let mut ordinals = Vec::new();
        for r in searcher.segment_readers() {
            let column = r.fast_fields().u64("pord").context("reading the store")?;
            ordinals.push(
                (0..r.max_doc())
                    .map(|doc| {
                        column
                            .first(doc)
                            .map_or(u32::MAX, |o| o.min(u32::MAX as u64) as u32)
                    })
                    .collect(),
            );
            let inverted = [
                r.inverted_index(keys[0])?,
                r.inverted_index(keys[1])?,
                r.inverted_index(keys[2])?,
            ];
            let norm = |f: Field| -> Result<FieldNormReader> {
                Ok(r.fieldnorms_readers()
                    .get_field(f)?
                    .unwrap_or_else(|| FieldNormReader::constant(r.max_doc(), 1)))
            };
            segments.push(SegmentKeys {
                inverted,
                norms: [norm(keys[0])?, norm(keys[1])?, norm(keys[2])?],
            });
        }
        Ok(CandidateSearch {
            searcher,
            segments,
            fields: keys,
            num_docs,
            average_norm,
            located: Default::default(),
            ordinals,
        })
    }

    /// Where the postings of `text` in key field `field` are.
    fn locate(&self, field: usize, text: &str) -> Result<Arc<Located>> {
        let remembered = self.located[field]
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(text)
            .cloned();
        if let Some(at) = remembered {
            return Ok(at);
        }
        let term = Term::from_field_text(self.fields[field], text);
        let infos = self
            .segments
            .iter()
            .map(|s| s.inverted[field].get_term_info(&term))
            .collect::<std::io::Result<Vec<_>>>()
            .context("reading the store")?;
        let df: u64 = infos.iter().flatten().map(|i| u64::from(i.doc_freq)).sum();
        let at = Arc::new(Located { infos, df });
        if df >= REMEMBERED_DF {
            self.located[field]
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(text.into(), Arc::clone(&at));
        }
        Ok(at)
    }

    fn keys<'q>(&self, q: &'q CandidateQuery) -> Result<Vec<Key<'q>>> {
        let mut wanted: Vec<(usize, &str, Score)> = Vec::new();
        for (t, w) in &q.terms {
            wanted.push((0, t, w.max(0.05)));
        }
        for t in &q.triggers {
            wanted.push((1, t, q.trigger_boost));
        }
        for x in &q.figures {
            wanted.push((2, x, q.figure_boost));
        }
        let mut keys = Vec::with_capacity(wanted.len());
        for (field, text, boost) in wanted {
            if boost <= 0.0 {
                continue;
            }
            let at = self.locate(field, text)?;
            if at.df == 0 {
                continue;
            }
            let weight = Bm25Weight::for_one_term_without_explain(
                at.df,
                self.num_docs,
                self.average_norm[field],
            )
            .boost_by(boost);
            keys.push(Key {
                field,
                text,
                at,
                weight,
            });
        }
        // rarest first; among equally rare, the heavier
        keys.sort_by(|a, b| {
            a.at.df
                .cmp(&b.at.df)
                .then_with(|| b.max().total_cmp(&a.max()))
                .then_with(|| (a.field, a.text).cmp(&(b.field, b.text)))
        });
        Ok(keys)
    }

    /// The best `limit` entries for the query (score, address), best first, equal
    /// scores in corpus order (then address order, for entries without an ordinal). Every entry holding a key is a candidate (the caller drops the
    /// asking provision's own document).
    pub fn top(
        &self,
        q: &CandidateQuery,
        limit: usize,
        scratch: &mut Scratch,
    ) -> Result<Vec<(Score, DocAddress)>> {
        if q.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let keys = self.keys(q)?;
        if scratch.accumulators.len() < self.segments.len() {
            scratch
                .accumulators
                .resize_with(self.segments.len(), Vec::new);
        }
        let result = self.evaluate(&keys, q, limit, scratch);
        // leave no accumulator for the next query
        for a in &mut scratch.accumulators {
            a.clear();
        }
        result
    }

    fn evaluate(
        &self,
        keys: &[Key],
        q: &CandidateQuery,
        limit: usize,
        scratch: &mut Scratch,
    ) -> Result<Vec<(Score, DocAddress)>> {
        // 1. rare keys: postings read in full while within the budget
        let budget = q.postings.max(1);
        let mut read = 0usize;
        let mut split = keys.len();
        for (i, key) in keys.iter().enumerate() {
            if i > 0 && read + key.at.df as usize > budget {
                split = i;
                break;
            }
            read += self.accumulate(key, budget - read, scratch)?;
        }

        // of the entries met, only those that can still be among the best need their
        // ordinal (which orders equal scores, and is a cache miss to read): an entry below
        // the `keep`-th best score is not among the best `keep`, and one that cannot reach
        // the k-th best even with every key left can never be among the best k
        let rest = &keys[split..];
        let headroom: Score = rest.iter().map(Key::max).sum();
        let keep = if rest.is_empty() {
            limit
        } else {
            q.accumulators.max(limit)
        };
        let (kept, kth) = nth_best_scores(&scratch.accumulators, &mut scratch.scores, keep, limit);
        let mut found: Vec<Found> = Vec::new();
        for (seg, met) in scratch.accumulators.iter().enumerate() {
            let ordinals = &self.ordinals[seg];
            found.extend(
                met.iter()
                    .filter(|(_, score)| *score >= kept && *score + headroom >= kth)
                    .map(|&(doc, score)| Found {
                        score,
                        ordinal: ordinals[doc as usize],
                        at: DocAddress::new(seg as u32, doc),
                    }),
            );
        }
        if !rest.is_empty() {
            // 2. the rest only checks the best `accumulators` of those (what could not
            //    reach the k-th best is already dropped, by score above)
            keep_best(&mut found, keep);
            found.sort_unstable_by_key(|f| f.at);
            for key in rest {
                self.check(key, &mut found)?;
            }
        }
        keep_best(&mut found, limit);
        found.sort_unstable_by(best_first);
        Ok(found.into_iter().map(|f| (f.score, f.at)).collect())
    }

    /// Adds `key` to the accumulators of the entries holding it (an entry met for the
    /// first time gains one), reading at most `cap` postings; returns how many were read.
    fn accumulate(&self, key: &Key, cap: usize, scratch: &mut Scratch) -> Result<usize> {
        let mut read = 0;
        for (seg, s) in self.segments.iter().enumerate() {
            if read >= cap {
                break;
            }
            let Some(info) = &key.at.infos[seg] else {
                continue;
            };
            let mut block = s.inverted[key.field]
                .read_block_postings_from_terminfo(info, IndexRecordOption::Basic)?;
            let alive = self.searcher.segment_reader(seg as u32).alive_bitset();
            let norms = &s.norms[key.field];
            // merge the postings (in address order) into the accumulators (the same)
            let met = std::mem::take(&mut scratch.accumulators[seg]);
            let mut merged = std::mem::take(&mut scratch.spare);
            merged.clear();
            merged.reserve(met.len() + (info.doc_freq as usize).min(cap - read));
            let mut i = 0;
            // a block's norms are loaded before it is merged: independent loads the
            // processor overlaps (in a large store each is a cache miss), where the
            // merge's branches would take them one at a time
            let mut held = [0u8; 128];
            loop {
                let docs = block.docs();
                if docs.is_empty() || read >= cap {
                    break;
                }
                let docs = &docs[..docs.len().min(cap - read).min(held.len())];
                for (h, &doc) in held.iter_mut().zip(docs) {
                    *h = norms.fieldnorm_id(doc);
                }
                for (&doc, &norm) in docs.iter().zip(&held) {
                    if alive.is_some_and(|a| !a.is_alive(doc)) {
                        continue;
                    }
                    let before = met[i..].iter().take_while(|(d, _)| *d < doc).count();
                    merged.extend_from_slice(&met[i..i + before]);
                    i += before;
                    let mut score = key.weight.score(norm, 1);
                    if met.get(i).is_some_and(|(d, _)| *d == doc) {
                        score += met[i].1;
                        i += 1;
                    }
                    merged.push((doc, score));
                }
                read += docs.len();
                block.advance();
            }
            merged.extend_from_slice(&met[i..]);
            scratch.accumulators[seg] = merged;
            scratch.spare = met;
        }
        Ok(read)
    }

    /// Adds `key` to those of `found` (in address order) that hold it.
    fn check(&self, key: &Key, found: &mut [Found]) -> Result<()> {
        let mut i = 0;
        while i < found.len() {
            let seg = found[i].at.segment_ord;
            let end = i + found[i..]
                .iter()
                .take_while(|f| f.at.segment_ord == seg)
                .count();
            let s = &self.segments[seg as usize];
            if let Some(info) = &key.at.infos[seg as usize] {
                let mut postings = s.inverted[key.field]
                    .read_postings_from_terminfo(info, IndexRecordOption::Basic)?;
                for entry in &mut found[i..end] {
                    let doc = entry.at.doc_id;
                    if postings.doc() > doc {
                        continue;
                    }
                    let at = postings.seek(doc);
                    if at == TERMINATED {
                        break;
                    }
                    if at == doc {
                        entry.score += key.weight.score(s.norms[key.field].fieldnorm_id(doc), 1);
                    }
                }
            }
            i = end;
        }
        Ok(())
    }
}

/// An entry met by the lookup: its score so far, its provision ordinal, its address.
struct Found {
    score: Score,
    ordinal: u32,
    at: DocAddress,
}

/// Higher scores first; equal scores in corpus order (the provision ordinal), then in
/// address order.
fn best_first(a: &Found, b: &Found) -> std::cmp::Ordering {
    b.score
        .total_cmp(&a.score)
        .then_with(|| (a.ordinal, a.at).cmp(&(b.ordinal, b.at)))
}

/// The `keep`-th and the `limit`-th best scores of the entries met (minus infinity
/// when fewer were met): an entry scoring below the first is not among the best `keep`
/// whatever its ordinal, nor one that cannot reach the second with the keys left.
fn nth_best_scores(
    met: &[Vec<(DocId, Score)>],
    scores: &mut Vec<Score>,
    keep: usize,
    limit: usize,
) -> (Score, Score) {
    scores.clear();
    scores.extend(met.iter().flatten().map(|(_, s)| *s));
    let mut nth = |n: usize| {
        if n == 0 || scores.len() < n {
            Score::NEG_INFINITY
        } else {
            *scores
                .select_nth_unstable_by(n - 1, |a, b| b.total_cmp(a))
                .1
        }
    };
    (nth(keep), nth(limit))
}

/// Keeps the best `n` of `found` (in no order).
fn keep_best(found: &mut Vec<Found>, n: usize) {
    if found.len() > n {
        found.select_nth_unstable_by(n - 1, best_first);
        found.truncate(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::schema;
    use proptest::prelude::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
    use tantivy::{Index, TantivyDocument};

    /// An index of provisions, each a set of keys (term `k{n}`, trigger `t{n}`).
    fn index(provisions: &[Vec<u8>]) -> (Index, Fields) {
        let (schema, fields) = schema::schema();
        let index = Index::create_in_ram(schema);
        crate::search::analyzer::register(&index);
        let mut w = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        for keys in provisions {
            let mut d = TantivyDocument::default();
            for k in keys {
                if k % 7 == 0 {
                    d.add_text(fields.trigger, format!("t{k}"));
                } else {
                    d.add_text(fields.lterm, format!("k{k}"));
                }
            }
            w.add_document(d).expect("add");
        }
        w.commit().expect("commit");
        (index, fields)
    }

    fn query(keys: &[(u8, f32)], postings: usize, accumulators: usize, k: usize) -> CandidateQuery {
        CandidateQuery {
            id: "q".into(),
            doc: "q".into(),
            terms: keys
                .iter()
                .filter(|(k, _)| k % 7 != 0)
                .map(|(k, w)| (format!("k{k}"), *w))
                .collect(),
            triggers: keys
                .iter()
                .filter(|(k, _)| k % 7 == 0)
                .map(|(k, _)| format!("t{k}"))
                .collect(),
            figures: Vec::new(),
            trigger_boost: 0.5,
            figure_boost: 0.5,
            k,
            postings,
            accumulators,
        }
    }

    /// What tantivy's full disjunction answers (the lookup before the bound).
    fn full(
        searcher: &Searcher,
        f: &Fields,
        q: &CandidateQuery,
        limit: usize,
    ) -> Vec<(f32, DocAddress)> {
        let term = |field, text: &str, boost: f32| -> (Occur, Box<dyn Query>) {
            let t: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(field, text),
                IndexRecordOption::Basic,
            ));
            (Occur::Should, Box::new(BoostQuery::new(t, boost)))
        };
        let mut clauses = Vec::new();
        for (t, w) in &q.terms {
            clauses.push(term(f.lterm, t, w.max(0.05)));
        }
        for t in &q.triggers {
            clauses.push(term(f.trigger, t, q.trigger_boost));
        }
        searcher
            .search(
                &BooleanQuery::new(clauses),
                &TopDocs::with_limit(limit).order_by_score(),
            )
            .expect("search")
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// Within the budget, the bounded lookup ranks exactly as the full disjunction
        /// (same scores, the same entries up to ties).
        #[test]
        fn within_the_budget_it_is_the_full_query(
            provisions in prop::collection::vec(prop::collection::vec(0u8..40, 1..8), 1..60),
            keys in prop::collection::vec((0u8..40, 0.1f32..1.0), 1..8),
        ) {
            let (index, f) = index(&provisions);
            let searcher = index.reader().expect("reader").searcher();
            let q = query(&keys, 1 << 20, 1 << 20, 10);
            let lookup = CandidateSearch::new(&searcher, &f).expect("lookup");
            let ours = lookup.top(&q, 10, &mut Scratch::default()).expect("top");
            let theirs = full(&searcher, &f, &q, 10);
            prop_assert_eq!(ours.len(), theirs.len());
            for (a, b) in ours.iter().zip(&theirs) {
                prop_assert!((a.0 - b.0).abs() < 1e-4, "{:?} vs {:?}", ours, theirs);
            }
        }

        /// Over the budget, with room for every accumulator, the result is exactly the
        /// best of the entries the rare keys met, by their full score: dropping what can
        /// no longer reach the k-th best before the common keys are checked loses nothing.
        #[test]
        fn over_the_budget_the_pruning_loses_nothing(
            provisions in prop::collection::vec(prop::collection::vec(0u8..30, 1..10), 20..80),
            keys in prop::collection::vec((0u8..30, 0.1f32..1.0), 2..10),
            budget in 1usize..40,
            limit in 1usize..6,
        ) {
            let (index, f) = index(&provisions);
            let searcher = index.reader().expect("reader").searcher();
            let q = query(&keys, budget, 1 << 20, limit);
            let lookup = CandidateSearch::new(&searcher, &f).expect("lookup");
            let ordered = lookup.keys(&q).expect("keys");
            prop_assume!(!ordered.is_empty() && ordered[0].at.df as usize <= budget);
            // the keys read in full, as the lookup takes them
            let mut read = 0;
            let mut rare: Vec<String> = Vec::new();
            for (i, k) in ordered.iter().enumerate() {
                if i > 0 && read + k.at.df as usize > budget {
                    break;
                }
                read += k.at.df as usize;
                let prefix = if k.field == 1 { "t" } else { "k" };
                rare.push(k.text.trim_start_matches(prefix).to_string());
            }
            let met = |doc: u32| {
                provisions[doc as usize]
                    .iter()
                    .any(|key| rare.contains(&key.to_string()))
            };
            let mut expected: Vec<f32> = full(&searcher, &f, &q, 1000)
                .into_iter()
                .filter(|(_, at)| met(at.doc_id))
                .map(|(s, _)| s)
                .collect();
            expected.truncate(limit);
            let ours: Vec<f32> = lookup
                .top(&q, limit, &mut Scratch::default())
                .expect("top")
                .into_iter()
                .map(|(s, _)| s)
                .collect();
            prop_assert_eq!(ours.len(), expected.len(), "{:?} vs {:?}", ours, expected);
            for (a, b) in ours.iter().zip(&expected) {
                prop_assert!((a - b).abs() < 1e-4, "{:?} vs {:?}", ours, expected);
            }
        }
    }

    /// Equal scores come back in corpus order (the provision ordinal), not in the order
    /// the writer's threads put the entries into segments: a rebuild gives the same
    /// candidates, so the same links.
    #[test]
    fn equal_scores_come_in_corpus_order_whatever_the_segments() {
        let (schema, f) = schema::schema();
        let index = Index::create_in_ram(schema);
        crate::search::analyzer::register(&index);
        let mut w = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        // two segments: the later-written one holds the earlier provisions
        for batch in [[5u64, 4, 3], [2, 1, 0]] {
            for ordinal in batch {
                let mut d = TantivyDocument::default();
                d.add_text(f.lterm, "k1");
                d.add_u64(f.pord, ordinal);
                w.add_document(d).expect("add");
            }
            w.commit().expect("commit");
        }
        let searcher = index.reader().expect("reader").searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        let lookup = CandidateSearch::new(&searcher, &f).expect("lookup");
        let ordinal = |at: DocAddress| {
            searcher.segment_readers()[at.segment_ord as usize]
                .fast_fields()
                .u64("pord")
                .expect("column")
                .first(at.doc_id)
                .expect("an ordinal")
        };
        for limit in [2, 4, 6] {
            let top = lookup
                .top(
                    &query(&[(1, 0.5)], 1 << 20, 1 << 20, limit),
                    limit,
                    &mut Scratch::default(),
                )
                .expect("top");
            let got: Vec<u64> = top.iter().map(|(_, at)| ordinal(*at)).collect();
            assert_eq!(got, (0..limit as u64).collect::<Vec<_>>(), "limit {limit}");
        }
    }

    /// Over budget (every key common), the provision sharing the most keys is still
    /// found first, and reusing the scratch leaves no score behind.
    #[test]
    fn over_the_budget_the_best_match_still_leads() {
        let mut provisions: Vec<Vec<u8>> =
            (0..400).map(|i| vec![1, 2, 3, 4 + (i % 5) as u8]).collect();
        provisions.push(vec![1, 2, 3, 4, 5, 6, 8, 9]);
        let (index, f) = index(&provisions);
        let searcher = index.reader().expect("reader").searcher();
        let keys: Vec<(u8, f32)> = [1, 2, 3, 4, 5, 6, 8, 9].iter().map(|k| (*k, 0.5)).collect();
        let q = query(&keys, 64, 16, 5);
        let lookup = CandidateSearch::new(&searcher, &f).expect("lookup");
        let mut scratch = Scratch::default();
        let first = lookup.top(&q, 5, &mut scratch).expect("top");
        assert_eq!(first[0].1.doc_id, 400, "{first:?}");
        let again = lookup.top(&q, 5, &mut scratch).expect("top");
        assert_eq!(first, again, "the accumulators were left at zero");
        assert!(scratch.accumulators.iter().all(Vec::is_empty));
    }
}
