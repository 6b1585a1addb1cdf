//! The best matches of a query, in the order asked for (text score, amount or date),
//! with the number of all its matches, over the store's segments on one thread or
//! several.
//!
//! By text score, what only adds to a match's score (the words typed together as a
//! phrase, the words in the document title) is not sought for every match: its score
//! has an upper bound (BM25 of its terms at any frequency), and a match whose required
//! score plus that bound cannot reach the best matches kept so far is counted without
//! it. The best matches and their scores are the same as when it is sought for all.

use std::cmp::Ordering;

use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::{Bm25StatisticsProvider, Bm25Weight, EnableScoring, Query, Weight};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, Term};

use super::Sort;
use super::rank::{AMOUNT_FIELD, DATE_FIELD};

/// A search's query: what a match must (and must not) hold, and what adds to its score.
pub(crate) struct Scored {
    /// The words (or filters) every match holds, and the exclusions.
    pub required: Box<dyn Query>,
    /// What adds to a match's score without being needed for one.
    pub optional: Option<Box<dyn Query>>,
    /// What `optional` adds at most, as term lists (each scored as one BM25 over its
    /// terms) with the boost of each; `None` when something optional has no such bound.
    pub bounds: Option<Vec<(Score, Vec<Term>)>>,
}

impl Scored {
    /// Required and optional as one query (a match's score is their sum).
    fn whole(&self) -> Box<dyn Query> {
        use tantivy::query::{BooleanQuery, Occur};
        let mut clauses = vec![(Occur::Must, self.required.box_clone())];
        if let Some(o) = &self.optional {
            clauses.push((Occur::Should, o.box_clone()));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// The upper bound of what `optional` adds to a score (infinite without one).
    fn bound(&self, stats: &dyn Bm25StatisticsProvider) -> tantivy::Result<Score> {
        let Some(bounds) = &self.bounds else {
            return Ok(Score::INFINITY);
        };
        // BM25 of several terms weighs the sum of their idfs: bounded term by term, each
        // count read once, at any frequency in the shortest text (the frequency part
        // tends to 1 there, whatever the average length)
        let docs = stats.total_num_docs()?;
        let mut sum = 0.0;
        for (boost, terms) in bounds {
            let mut list = 0.0;
            for t in terms {
                let df = stats.doc_freq(t)?;
                if df == 0 {
                    // a term no entry holds: the list matches nothing (and that idf
                    // would be the largest there is)
                    list = 0.0;
                    break;
                }
                list += Bm25Weight::for_one_term_without_explain(df, docs, 1.0).score(0, u32::MAX);
            }
            sum += boost * list;
        }
        // a margin for the rounding of the sums a scorer makes in another order
        Ok(sum * 1.001 + 1e-4)
    }
}

/// At most this many threads search one query's segments.
pub(crate) const MAX_THREADS: usize = 4;

/// The threads a query that visits many entries searches on: the cores, at most
/// [`MAX_THREADS`]. Read once: the standard library reads the control group's quota
/// files each time it is asked.
pub(crate) fn search_threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS))
    })
}

/// Runs `query`: the best `window` hits in the order asked for (text score, amount or
/// date), with the number of all matches.
pub(crate) fn collect(
    searcher: &Searcher,
    stats: &dyn Bm25StatisticsProvider,
    query: &Scored,
    threads: usize,
    window: usize,
    sort: Sort,
) -> tantivy::Result<(Vec<(Score, DocAddress)>, usize)> {
    let scoring = || EnableScoring::enabled_from_statistics_provider(stats, searcher);
    match sort {
        Sort::Score => {
            let required = query.required.weight(scoring())?;
            let optional = match &query.optional {
                Some(o) => Some((o.weight(scoring())?, query.bound(stats)?)),
                None => None,
            };
            let optional = optional.as_ref().map(|(w, b)| (&**w, *b));
            // each thread keeps the best of all the segments it takes: a segment begins
            // with the least score the earlier ones kept, not with an empty window whose
            // first matches all seek what only adds to their score
            let kept = on_segments_of_thread(
                searcher,
                threads,
                || Kept::new(window),
                |kept, ord, reader| best_of_segment(&*required, optional, ord, reader, kept),
            )?;
            let mut total = 0;
            let mut best = Vec::new();
            for k in kept {
                total += k.count;
                best.extend(k.heap.into_iter().map(|Best(s, at)| (s, at)));
            }
            // the window's best of all the threads' (a thousand at 10,000 documents),
            // then only those in order
            if best.len() > window {
                best.select_nth_unstable_by(window, better);
                best.truncate(window);
            }
            best.sort_by(better);
            Ok((best, total))
        }
        Sort::Amount => {
            let by = TopDocs::with_limit(window).tweak_score(|segment: &SegmentReader| {
                let amounts = segment
                    .fast_fields()
                    .f64(AMOUNT_FIELD)
                    .ok()
                    .map(|c| c.first_or_default_col(f64::NEG_INFINITY));
                move |doc: DocId, score: Score| {
                    let amount = amounts
                        .as_ref()
                        .map_or(f64::NEG_INFINITY, |c| c.get_val(doc));
                    (amount, score)
                }
            });
            let (top, total) = run(searcher, &*query.whole(), &(by, Count), scoring(), threads)?;
            Ok((top.into_iter().map(|((_, s), at)| (s, at)).collect(), total))
        }
        Sort::Date => {
            let by = TopDocs::with_limit(window).tweak_score(|segment: &SegmentReader| {
                let dates = segment
                    .fast_fields()
                    .u64(DATE_FIELD)
                    .ok()
                    .map(|c| c.first_or_default_col(0));
                move |doc: DocId, score: Score| {
                    let date = dates.as_ref().map_or(0, |c| c.get_val(doc));
                    (date, score)
                }
            });
            let (top, total) = run(searcher, &*query.whole(), &(by, Count), scoring(), threads)?;
            Ok((top.into_iter().map(|((_, s), at)| (s, at)).collect(), total))
        }
    }
}

/// Higher score first, then the lower address (tantivy's order of equal scores).
fn better(a: &(Score, DocAddress), b: &(Score, DocAddress)) -> Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// A match kept among the best, the worst on top of the heap.
struct Best(Score, DocAddress);

impl PartialEq for Best {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Best {}
impl PartialOrd for Best {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Best {
    // the worse match is the greater: lower score, then higher address ([`better`])
    fn cmp(&self, other: &Self) -> Ordering {
        better(&(self.0, self.1), &(other.0, other.1))
    }
}

/// The best `window` matches a thread has seen in its segments, and how many it has seen.
struct Kept {
    heap: std::collections::BinaryHeap<Best>,
    window: usize,
    count: usize,
}

impl Kept {
    fn new(window: usize) -> Kept {
        Kept {
            heap: std::collections::BinaryHeap::with_capacity(window + 1),
            window,
            count: 0,
        }
    }

    /// The worst match kept, once the window is full (a match must beat it to be kept).
    fn least(&self) -> Option<&Best> {
        if self.heap.len() >= self.window {
            self.heap.peek()
        } else {
            None
        }
    }
}

/// The matches of one segment by score (required plus optional) into the best kept,
/// each counted. The optional clause is sought only for a match it could lift above the
/// worst kept: to its score, or to an equal score when the match's address is lower
/// (the worst may come from a segment of a higher number, taken before).
fn best_of_segment(
    required: &dyn Weight,
    optional: Option<(&dyn Weight, Score)>,
    ord: u32,
    reader: &SegmentReader,
    kept: &mut Kept,
) -> tantivy::Result<()> {
    let mut scorer = required.scorer(reader, 1.0)?;
    let mut optional = match optional {
        Some((w, bound)) => Some((w.scorer(reader, 1.0)?, bound)),
        None => None,
    };
    let alive = reader.alive_bitset();
    let mut doc = scorer.doc();
    while doc != TERMINATED {
        if alive.is_none_or(|a| a.is_alive(doc)) {
            kept.count += 1;
            let at = DocAddress::new(ord, doc);
            let mut score = scorer.score();
            let least = kept.least().map(|b| (b.0, b.1));
            if let Some((o, bound)) = optional.as_mut()
                && least.is_none_or(|least| score + *bound >= least.0)
            {
                let mut on = o.doc();
                if on < doc {
                    on = o.seek(doc);
                }
                if on == doc {
                    score += o.score();
                }
            }
            match least {
                None => kept.heap.push(Best(score, at)),
                Some(least) if better(&(score, at), &least) == Ordering::Less => {
                    kept.heap.pop();
                    kept.heap.push(Best(score, at));
                }
                Some(_) => {}
            }
        }
        doc = scorer.advance();
    }
    Ok(())
}

/// Runs a tantivy collector over the segments.
fn run<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
    scoring: EnableScoring<'_>,
    threads: usize,
) -> tantivy::Result<C::Fruit> {
    let weight = query.weight(scoring)?;
    let fruits = on_segments(searcher, threads, |ord, reader| {
        collector.collect_segment(&*weight, ord, reader)
    })?;
    collector.merge_fruits(fruits)
}

/// Runs `work` on each segment on `threads` threads: this one and `threads - 1` started
/// for the query, each taking the next segment, largest first, until none is left; the
/// answers in segment order. Threads of a pool would wait for the next query by
/// spinning on the cores the rest of this one (ranking, snippets) runs on; these end
/// with the search.
fn on_segments<T: Send>(
    searcher: &Searcher,
    threads: usize,
    work: impl Fn(u32, &SegmentReader) -> tantivy::Result<T> + Sync,
) -> tantivy::Result<Vec<T>> {
    let mut all: Vec<(usize, T)> =
        on_segments_of_thread(searcher, threads, Vec::new, |out, ord, reader| {
            out.push((ord as usize, work(ord, reader)?));
            Ok(())
        })?
        .into_iter()
        .flatten()
        .collect();
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, t)| t).collect())
}

/// Runs `work` on each segment as [`on_segments`] does, each thread with its own state
/// (made by `start`) for all the segments it takes; the states of the threads.
fn on_segments_of_thread<S: Send>(
    searcher: &Searcher,
    threads: usize,
    start: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, u32, &SegmentReader) -> tantivy::Result<()> + Sync,
) -> tantivy::Result<Vec<S>> {
    use std::sync::atomic::{AtomicUsize, Ordering};

    let readers = searcher.segment_readers();
    let mut order: Vec<usize> = (0..readers.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(readers[i].max_doc()));
    let next = AtomicUsize::new(0);
    let take = || -> tantivy::Result<S> {
        let mut state = start();
        while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            work(&mut state, i as u32, &readers[i])?;
        }
        Ok(state)
    };
    let threads = threads.clamp(1, readers.len().max(1));
    std::thread::scope(|scope| -> tantivy::Result<Vec<S>> {
        let started: Vec<_> = (1..threads).map(|_| scope.spawn(take)).collect();
        let mut all = vec![take()?];
        for t in started {
            all.push(t.join().unwrap_or_else(|p| std::panic::resume_unwind(p))?);
        }
        Ok(all)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, STRING, Schema, TEXT};

    /// An index of five segments of documents of the words `a`, `b`, `c` (repeated, for
    /// frequencies and many equal scores), tagged `x` or `y`.
    fn index() -> (
        tantivy::Index,
        tantivy::schema::Field,
        tantivy::schema::Field,
    ) {
        let mut b = Schema::builder();
        let text = b.add_text_field("text", TEXT);
        let tag = b.add_text_field("tag", STRING);
        let index = tantivy::Index::create_in_ram(b.build());
        let mut w = index.writer_with_num_threads(1, 15_000_000).unwrap();
        w.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        for segment in 0..5u32 {
            for i in 0..(50 + segment * 37) {
                let mut d = tantivy::TantivyDocument::default();
                let words: Vec<&str> = ["a", "b", "c", "a a", "b c", "c c c"]
                    .iter()
                    .cycle()
                    .skip(((i * 7 + segment) % 6) as usize)
                    .take(1 + (i % 4) as usize)
                    .copied()
                    .collect();
                d.add_text(text, words.join(" "));
                d.add_text(tag, if i % 2 == 0 { "x" } else { "y" });
                w.add_document(d).unwrap();
            }
            w.commit().unwrap();
        }
        (index, text, tag)
    }

    fn term(field: tantivy::schema::Field, w: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, w),
            IndexRecordOption::WithFreqs,
        ))
    }

    /// `a` required (beside tag `x`), `b` (boosted) and `c` optional, with or without
    /// the bound of what the optional words add.
    fn scored(text: tantivy::schema::Field, tag: tantivy::schema::Field, bounded: bool) -> Scored {
        Scored {
            required: Box::new(BooleanQuery::new(vec![
                (Occur::Must, term(tag, "x")),
                (Occur::Must, term(text, "a")),
            ])),
            optional: Some(super::super::union::UnionQuery::sum(vec![
                Box::new(BoostQuery::new(term(text, "b"), 2.0)),
                term(text, "c"),
            ])),
            bounds: bounded.then(|| {
                vec![
                    (2.0, vec![Term::from_field_text(text, "b")]),
                    (1.0, vec![Term::from_field_text(text, "c")]),
                ]
            }),
        }
    }

    /// The optional words sought only where they could lift a match into the best, on
    /// any number of threads, give the best matches, scores and count that seeking
    /// them everywhere gives, and that tantivy gives for the whole query.
    #[test]
    fn a_bounded_optional_clause_keeps_the_best_matches_and_the_count() {
        let (index, text, tag) = index();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 5);
        let everywhere = scored(text, tag, false);
        let bounded = scored(text, tag, true);
        for window in [1, 3, 10, 40, 1_000] {
            let theirs = searcher
                .search(
                    &*everywhere.whole(),
                    &(TopDocs::with_limit(window).order_by_score(), Count),
                )
                .unwrap();
            assert!(theirs.1 > 100, "{} matches", theirs.1);
            for threads in [1, 2, 3, 8] {
                let all = collect(
                    &searcher,
                    &searcher,
                    &everywhere,
                    threads,
                    window,
                    Sort::Score,
                )
                .unwrap();
                let some =
                    collect(&searcher, &searcher, &bounded, threads, window, Sort::Score).unwrap();
                assert_eq!(some, all, "window {window}, {threads} threads");
                assert_eq!(all.1, theirs.1);
                // the same matches as tantivy's, equal scores in the order of their
                // addresses (segments are searched largest first, not in that order)
                assert_eq!(all.0, theirs.0, "window {window}, {threads} threads");
            }
        }
    }

    /// By amount or date the whole query runs through tantivy's collectors, on any
    /// number of threads alike.
    #[test]
    fn segments_on_several_threads_give_the_same_answer() {
        let (index, text, tag) = index();
        let searcher = index.reader().unwrap().searcher();
        let q = scored(text, tag, true);
        let one = collect(&searcher, &searcher, &q, 1, 20, Sort::Date).unwrap();
        assert!(one.1 > 100, "{} matches", one.1);
        for threads in [2, 3, 8] {
            assert_eq!(
                collect(&searcher, &searcher, &q, threads, 20, Sort::Date).unwrap(),
                one,
                "{threads} threads"
            );
        }
    }
}
