//! A disjunction of a few sub-queries that is cheap to seek: the word groups of a query
//! and their alternatives (a word's spellings, synonyms and instrument family, in the
//! text and in the heading, or by the measure it names).
//!
//! tantivy's unions (`BooleanQuery` of `Should` clauses, `DisjunctionMaxQuery`) buffer a
//! window of 4,096 documents: fast to walk through, but every seek beyond the window
//! clears the window's scores. A search intersects the groups, so the rarest group leads
//! and every other is sought to each of its documents: most seeks leave the window, and
//! at 10,000 documents clearing windows was a third of a query's time. This union keeps
//! its few children positioned and only compares their documents; the scores are the
//! same (the sum, or the best, of the children that match).

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

/// How the scores of the children that match a document make its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Combine {
    /// Their sum (a `BooleanQuery` of `Should` clauses).
    Sum,
    /// The best of them (a `DisjunctionMaxQuery` without tie breaker).
    Max,
}

/// Matches what any of its children matches.
#[derive(Debug)]
pub(crate) struct UnionQuery {
    children: Vec<Box<dyn Query>>,
    combine: Combine,
}

impl UnionQuery {
    /// The children's scores summed.
    pub(crate) fn sum(children: Vec<Box<dyn Query>>) -> Box<dyn Query> {
        Self::boxed(children, Combine::Sum)
    }

    /// The best child's score.
    pub(crate) fn max(children: Vec<Box<dyn Query>>) -> Box<dyn Query> {
        Self::boxed(children, Combine::Max)
    }

    fn boxed(mut children: Vec<Box<dyn Query>>, combine: Combine) -> Box<dyn Query> {
        if children.len() == 1 {
            return children.remove(0);
        }
        Box::new(UnionQuery { children, combine })
    }
}

impl Clone for UnionQuery {
    fn clone(&self) -> Self {
        UnionQuery {
            children: self.children.iter().map(|c| c.box_clone()).collect(),
            combine: self.combine,
        }
    }
}

impl Query for UnionQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let children = self
            .children
            .iter()
            .map(|c| c.weight(scoring))
            .collect::<tantivy::Result<_>>()?;
        Ok(Box::new(UnionWeight {
            children,
            combine: self.combine,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        for c in &self.children {
            c.query_terms(visitor);
        }
    }
}

struct UnionWeight {
    children: Vec<Box<dyn Weight>>,
    combine: Combine,
}

impl Weight for UnionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut children = Vec::with_capacity(self.children.len());
        for w in &self.children {
            let s = w.scorer(reader, boost)?;
            if s.doc() != TERMINATED {
                children.push(s);
            }
        }
        Ok(match children.len() {
            0 => Box::new(EmptyScorer),
            1 => children.remove(0),
            _ => Box::new(UnionScorer::new(children, self.combine)),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut matched = Vec::new();
        for w in &self.children {
            if let Ok(e) = w.explain(reader, doc) {
                matched.push(e);
            }
        }
        if matched.is_empty() {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        let value = combine(self.combine, matched.iter().map(Explanation::value));
        let mut out = Explanation::new(
            match self.combine {
                Combine::Sum => "sum of",
                Combine::Max => "max of",
            },
            value,
        );
        for e in matched {
            out.add_detail(e);
        }
        Ok(out)
    }
}

fn combine(how: Combine, scores: impl Iterator<Item = Score>) -> Score {
    match how {
        Combine::Sum => scores.sum(),
        Combine::Max => scores.fold(0.0, Score::max),
    }
}

/// The children, each on its current document; the union is on the least of them.
/// Their documents are kept beside them: asking a boxed scorer for its document is a
/// call and a load from its current block, and each step compares them all.
///
/// A seek stops at the first child that holds the target (the most frequent children
/// are asked first): the union is there whatever the others hold. Those not asked lag
/// behind until the document is scored or left, which an intersection does only for the
/// few documents every group holds.
struct UnionScorer {
    children: Vec<Box<dyn Scorer>>,
    docs: Vec<DocId>,
    combine: Combine,
    doc: DocId,
    /// Some children may be before `doc` (a seek stopped early).
    lagging: bool,
}

impl UnionScorer {
    fn new(mut children: Vec<Box<dyn Scorer>>, combine: Combine) -> UnionScorer {
        children.sort_by_key(|c| std::cmp::Reverse(c.size_hint()));
        let docs: Vec<DocId> = children.iter().map(|c| c.doc()).collect();
        let doc = docs.iter().copied().min().unwrap_or(TERMINATED);
        UnionScorer {
            children,
            docs,
            combine,
            doc,
            lagging: false,
        }
    }

    /// Brings the children a seek did not ask to the union's document.
    fn catch_up(&mut self) {
        if !self.lagging {
            return;
        }
        let doc = self.doc;
        for (c, d) in self.children.iter_mut().zip(&mut self.docs) {
            if *d < doc {
                *d = c.seek(doc);
            }
        }
        self.lagging = false;
    }
}

impl DocSet for UnionScorer {
    fn advance(&mut self) -> DocId {
        self.catch_up();
        let doc = self.doc;
        let mut least = TERMINATED;
        for (c, d) in self.children.iter_mut().zip(&mut self.docs) {
            if *d == doc {
                *d = c.advance();
            }
            least = least.min(*d);
        }
        self.doc = least;
        least
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let mut least = TERMINATED;
        for (c, d) in self.children.iter_mut().zip(&mut self.docs) {
            if *d < target {
                *d = c.seek(target);
            }
            if *d == target {
                self.doc = target;
                self.lagging = true;
                return target;
            }
            least = least.min(*d);
        }
        self.doc = least;
        self.lagging = false;
        least
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.children
            .iter()
            .map(|c| c.size_hint())
            .fold(0u32, u32::saturating_add)
    }

    fn cost(&self) -> u64 {
        self.children.iter().map(|c| c.cost()).sum()
    }
}

impl Scorer for UnionScorer {
    fn score(&mut self) -> Score {
        self.catch_up();
        let doc = self.doc;
        let how = self.combine;
        combine(
            how,
            self.children
                .iter_mut()
                .zip(&self.docs)
                .filter(|(_, d)| **d == doc)
                .map(|(c, _)| c.score()),
        )
    }
}

/// The matches of a union of term queries, found through one list that holds exactly
/// the documents any of them holds (the store's `family` list of an instrument family,
/// [`super::families`]), and scored by the union: the list is walked and sought, the
/// union's children only moved to a document that is scored.
///
/// A document of the list that none of the children holds scores 0; it matches only
/// because the list also stands for words the query seeks elsewhere (the word typed),
/// which is why the list must hold no document that neither holds.
#[derive(Debug)]
pub(crate) struct GatedQuery {
    gate: Box<dyn Query>,
    scored: Box<dyn Query>,
}

impl GatedQuery {
    /// The documents of `gate`, scored by `scored`.
    pub(crate) fn boxed(gate: Box<dyn Query>, scored: Box<dyn Query>) -> Box<dyn Query> {
        Box::new(GatedQuery { gate, scored })
    }
}

impl Clone for GatedQuery {
    fn clone(&self) -> Self {
        GatedQuery {
            gate: self.gate.box_clone(),
            scored: self.scored.box_clone(),
        }
    }
}

impl Query for GatedQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(GatedWeight {
            gate: self.gate.weight(scoring)?,
            scored: self.scored.weight(scoring)?,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        self.scored.query_terms(visitor);
    }
}

struct GatedWeight {
    gate: Box<dyn Weight>,
    scored: Box<dyn Weight>,
}

impl Weight for GatedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let gate = self.gate.scorer(reader, 1.0)?;
        if gate.doc() == TERMINATED {
            return Ok(Box::new(EmptyScorer));
        }
        Ok(Box::new(GatedScorer {
            gate,
            scored: self.scored.scorer(reader, boost)?,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.scored.explain(reader, doc)
    }
}

struct GatedScorer {
    gate: Box<dyn Scorer>,
    scored: Box<dyn Scorer>,
}

impl DocSet for GatedScorer {
    fn advance(&mut self) -> DocId {
        self.gate.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.gate.seek(target)
    }

    fn doc(&self) -> DocId {
        self.gate.doc()
    }

    fn size_hint(&self) -> u32 {
        self.gate.size_hint()
    }

    fn cost(&self) -> u64 {
        self.gate.cost()
    }
}

impl Scorer for GatedScorer {
    fn score(&mut self) -> Score {
        let doc = self.gate.doc();
        let mut at = self.scored.doc();
        if at < doc {
            at = self.scored.seek(doc);
        }
        if at == doc { self.scored.score() } else { 0.0 }
    }
}

/// A sub-query whose score is the same on every entry of one document (the document
/// title, which each of its searchable clauses carries): scored once per document, on
/// the first of its entries a search asks about, and answered for the others from a
/// fast column of document numbers (`key`), not by seeking and scoring the sub-query on
/// each. The title of a common word is in a large share of all clauses, and was a fifth
/// of such a query's time.
///
/// Entries without a number (or numbered 0) are sought in the sub-query itself, so the
/// matches are exactly the sub-query's wherever the entries with one number share what
/// it matches.
#[derive(Debug)]
pub(crate) struct PerDocumentQuery {
    inner: Box<dyn Query>,
    key: &'static str,
}

impl PerDocumentQuery {
    /// `inner`, scored once per value of the fast `u64` column `key`.
    pub(crate) fn boxed(inner: Box<dyn Query>, key: &'static str) -> Box<dyn Query> {
        Box::new(PerDocumentQuery { inner, key })
    }
}

impl Clone for PerDocumentQuery {
    fn clone(&self) -> Self {
        PerDocumentQuery {
            inner: self.inner.box_clone(),
            key: self.key,
        }
    }
}

impl Query for PerDocumentQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(PerDocumentWeight {
            inner: self.inner.weight(scoring)?,
            key: self.key,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct PerDocumentWeight {
    inner: Box<dyn Weight>,
    key: &'static str,
}

impl Weight for PerDocumentWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inner = self.inner.scorer(reader, boost)?;
        if inner.doc() == TERMINATED {
            return Ok(Box::new(EmptyScorer));
        }
        let Ok(keys) = reader.fast_fields().u64(self.key) else {
            return Ok(inner);
        };
        let doc = inner.doc();
        Ok(Box::new(PerDocumentScorer {
            inner,
            keys,
            max_doc: reader.max_doc(),
            doc,
            current: None,
            known: None,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }
}

struct PerDocumentScorer {
    inner: Box<dyn Scorer>,
    keys: tantivy::columnar::Column<u64>,
    /// The segment's number of entries (the column has no value past them).
    max_doc: DocId,
    /// The current document: the sub-query's, or one after it known from its number.
    doc: DocId,
    /// The score of `doc` when it was known from its number.
    current: Option<Score>,
    /// The last document number sought, with its score if the sub-query holds it.
    known: Option<(u64, Option<Score>)>,
}

impl PerDocumentScorer {
    /// The sub-query's next document from `target`.
    fn seek_inner(&mut self, target: DocId) -> DocId {
        let mut at = self.inner.doc();
        if at < target {
            at = self.inner.seek(target);
        }
        self.doc = at;
        self.current = None;
        at
    }
}

impl DocSet for PerDocumentScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.seek(self.doc + 1)
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        if target >= self.max_doc {
            return self.seek_inner(target);
        }
        let Some(key) = self.keys.first(target).filter(|k| *k != 0) else {
            return self.seek_inner(target);
        };
        match self.known {
            Some((k, Some(score))) if k == key => {
                self.doc = target;
                self.current = Some(score);
                target
            }
            Some((k, None)) if k == key => self.seek_inner(target),
            _ => {
                let at = self.seek_inner(target);
                // scored now: the sub-query moves on before another entry asks for it
                let score = (at == target).then(|| self.inner.score());
                self.known = Some((key, score));
                self.current = score;
                at
            }
        }
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for PerDocumentScorer {
    fn score(&mut self) -> Score {
        match self.current {
            Some(score) => score,
            None if self.inner.doc() == self.doc => self.inner.score(),
            None => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, STRING, Schema, TEXT};
    use tantivy::{DocAddress, Index, TantivyDocument, Term};

    /// The fields of a test index: the words, a tag (`x` on every third document) and
    /// a family list (`f` on the documents with a word of the family asked for).
    struct Fields {
        text: tantivy::schema::Field,
        tag: tantivy::schema::Field,
        fam: tantivy::schema::Field,
    }

    /// An index of documents made of words `a`–`f` (with repeats, for term frequencies).
    fn index(docs: &[Vec<u8>]) -> (Index, tantivy::schema::Field, tantivy::schema::Field) {
        let (index, f) = index_with_family(docs, &[]);
        (index, f.text, f.tag)
    }

    /// The same, listing in `fam` the documents with a word of `family`.
    fn index_with_family(docs: &[Vec<u8>], family: &[u8]) -> (Index, Fields) {
        let mut b = Schema::builder();
        let f = Fields {
            text: b.add_text_field("text", TEXT),
            tag: b.add_text_field("tag", STRING),
            fam: b.add_text_field("fam", STRING),
        };
        let index = Index::create_in_ram(b.build());
        let mut w = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (i, words) in docs.iter().enumerate() {
            let mut d = TantivyDocument::default();
            let t: Vec<String> = words.iter().map(|n| word(*n)).collect();
            d.add_text(f.text, t.join(" "));
            d.add_text(f.tag, if i % 3 == 0 { "x" } else { "y" });
            if words.iter().any(|n| family.contains(&(n % 6))) {
                d.add_text(f.fam, "f");
            }
            w.add_document(d).unwrap();
        }
        w.commit().unwrap();
        (index, f)
    }

    /// Word `n` of the test documents (`a`–`f`).
    fn word(n: u8) -> String {
        ((b'a' + n % 6) as char).to_string()
    }

    /// `q` required beside the tag `x`, so that it is sought rather than walked.
    fn within(tag: tantivy::schema::Field, q: Box<dyn Query>) -> Box<dyn Query> {
        Box::new(BooleanQuery::new(vec![
            (Occur::Must, q),
            (Occur::Must, term(tag, "x")),
        ]))
    }

    fn term(field: tantivy::schema::Field, w: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, w),
            IndexRecordOption::WithFreqs,
        ))
    }

    /// Every match with its score, in doc order.
    fn run(index: &Index, q: &dyn Query) -> Vec<(DocAddress, Score)> {
        let searcher = index.reader().unwrap().searcher();
        let mut top = searcher
            .search(q, &TopDocs::with_limit(10_000).order_by_score())
            .unwrap();
        top.sort_by_key(|(_, at)| *at);
        top.into_iter().map(|(s, at)| (at, s)).collect()
    }

    fn same(a: &[(DocAddress, Score)], b: &[(DocAddress, Score)]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| x.0 == y.0 && (x.1 - y.1).abs() <= 1e-4 * x.1.abs().max(1.0))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Alone and as a required clause next to another (so that it is sought, not
        /// walked), the union matches and scores exactly as tantivy's unions do.
        #[test]
        fn it_matches_and_scores_as_tantivys_unions(
            docs in prop::collection::vec(prop::collection::vec(0u8..6, 1..6), 1..300),
            words in prop::collection::vec(0u8..6, 1..4),
        ) {
            let (index, text, tag) = index(&docs);
            let children = || -> Vec<Box<dyn Query>> {
                words.iter().map(|w| term(text, &word(*w))).collect()
            };
            let theirs_sum: Box<dyn Query> = Box::new(BooleanQuery::new(
                children().into_iter().map(|c| (Occur::Should, c)).collect(),
            ));
            let theirs_max: Box<dyn Query> = Box::new(DisjunctionMaxQuery::new(children()));
            // nested as a word group is: the best of (the word in two fields, summed)
            // and (its measure, weighed down)
            let pair = || vec![term(text, &word(words[0])), term(tag, "x")];
            let ours_nested = UnionQuery::max(vec![
                UnionQuery::sum(pair()),
                Box::new(BoostQuery::new(UnionQuery::sum(children()), 0.5)),
            ]);
            let theirs_nested: Box<dyn Query> = Box::new(DisjunctionMaxQuery::new(vec![
                Box::new(BooleanQuery::union(pair())),
                Box::new(BoostQuery::new(
                    Box::new(BooleanQuery::union(children())),
                    0.5,
                )),
            ]));
            for (ours, theirs) in [
                (UnionQuery::sum(children()), theirs_sum),
                (UnionQuery::max(children()), theirs_max),
                (ours_nested, theirs_nested),
            ] {
                prop_assert!(same(&run(&index, &*ours), &run(&index, &*theirs)));
                let a = run(&index, &*within(tag, ours.box_clone()));
                let b = run(&index, &*within(tag, theirs.box_clone()));
                prop_assert!(same(&a, &b));
                let searcher = index.reader().unwrap().searcher();
                prop_assert_eq!(
                    searcher.search(&*within(tag, ours), &Count).unwrap(),
                    searcher.search(&*within(tag, theirs), &Count).unwrap()
                );
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// A word and the other words of its family through the family's list (one
        /// `fam` value on every document with a word of the family, as the store writes
        /// it) match and score as the word and each of the others would.
        #[test]
        fn a_family_through_its_list_matches_and_scores_as_its_words(
            docs in prop::collection::vec(prop::collection::vec(0u8..6, 1..6), 1..300),
            typed in 0u8..6,
            others in prop::collection::vec(0u8..6, 1..4),
        ) {
            let family: Vec<u8> = std::iter::once(typed).chain(others.iter().copied()).collect();
            let (index, f) = index_with_family(&docs, &family);
            let text = f.text;
            let members = || -> Vec<Box<dyn Query>> {
                others.iter().filter(|n| **n != typed).map(|n| term(text, &word(*n))).collect()
            };
            prop_assume!(!members().is_empty());
            let plain = UnionQuery::max(
                std::iter::once(term(text, &word(typed))).chain(members()).collect(),
            );
            let gated = UnionQuery::max(vec![
                term(text, &word(typed)),
                GatedQuery::boxed(term(f.fam, "f"), UnionQuery::max(members())),
            ]);
            prop_assert!(same(&run(&index, &*gated), &run(&index, &*plain)));
            let a = run(&index, &*within(f.tag, gated.box_clone()));
            let b = run(&index, &*within(f.tag, plain.box_clone()));
            prop_assert!(same(&a, &b));
        }
    }

    /// A test document: its title words, and its entries (words, and whether an entry
    /// without a title follows).
    type TestDocument = (Vec<u8>, Vec<(Vec<u8>, bool)>);

    /// Documents of several entries, each entry with words `a`–`f` in `text`; the entries
    /// of a document share its title words and number (`dnum`), and after every entry
    /// may come one without a title, numbered 0 or not at all (as the store's other
    /// entries are). The index is
    /// committed twice, so a document may be cut between two segments.
    fn index_of_documents(
        documents: &[TestDocument],
    ) -> (Index, tantivy::schema::Field, tantivy::schema::Field) {
        let mut b = Schema::builder();
        let text = b.add_text_field("text", TEXT);
        let title = b.add_text_field("title", TEXT);
        let dnum = b.add_u64_field("dnum", tantivy::schema::FAST);
        let index = Index::create_in_ram(b.build());
        let mut w = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let words = |w: &[u8]| w.iter().map(|n| word(*n)).collect::<Vec<_>>().join(" ");
        for (n, (title_words, entries)) in documents.iter().enumerate() {
            for (i, (entry, keyless_after)) in entries.iter().enumerate() {
                let mut d = TantivyDocument::default();
                d.add_text(text, words(entry));
                d.add_text(title, words(title_words));
                d.add_u64(dnum, 1_000 + n as u64);
                w.add_document(d).unwrap();
                if *keyless_after {
                    let mut d = TantivyDocument::default();
                    d.add_text(text, words(entry));
                    if n % 2 == 0 {
                        d.add_u64(dnum, 0);
                    }
                    w.add_document(d).unwrap();
                }
                if n == documents.len() / 2 && i == entries.len() / 2 {
                    w.commit().unwrap();
                }
            }
        }
        w.commit().unwrap();
        (index, text, title)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// A title query scored once per document matches and scores as the title query
        /// itself, alone (walked) and beside a required word (sought to its entries).
        #[test]
        fn a_per_document_score_is_the_score_of_each_entry(
            documents in prop::collection::vec(
                (
                    prop::collection::vec(0u8..6, 1..4),
                    prop::collection::vec((prop::collection::vec(0u8..6, 1..5), any::<bool>()), 1..12),
                ),
                1..40,
            ),
            sought in 0u8..6,
            in_title in prop::collection::vec(0u8..6, 1..3),
        ) {
            let (index, text, title) = index_of_documents(&documents);
            let titles = || UnionQuery::sum(in_title.iter().map(|n| term(title, &word(*n))).collect());
            let per_document = || PerDocumentQuery::boxed(titles(), "dnum");
            prop_assert!(same(&run(&index, &*per_document()), &run(&index, &*titles())));
            let beside = |optional: Box<dyn Query>| -> Box<dyn Query> {
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, term(text, &word(sought))),
                    (Occur::Should, optional),
                ]))
            };
            prop_assert!(same(
                &run(&index, &*beside(per_document())),
                &run(&index, &*beside(titles()))
            ));
        }
    }

    /// Walked alone, a per-document query whose last entry matches stops there (the
    /// column of numbers has nothing past the segment's entries).
    #[test]
    fn a_per_document_query_ends_with_its_segment() {
        let documents = vec![(vec![2u8], vec![(vec![0u8], false), (vec![0u8], false)])];
        let (index, _, title) = index_of_documents(&documents);
        let q = PerDocumentQuery::boxed(term(title, &word(2)), "dnum");
        assert_eq!(run(&index, &*q).len(), 2);
    }

    #[test]
    fn a_union_of_nothing_that_occurs_matches_nothing() {
        let (index, text, _) = index(&[vec![0, 1], vec![2]]);
        let q = UnionQuery::sum(vec![term(text, "zz"), term(text, "yy")]);
        assert!(run(&index, &*q).is_empty());
        let q = UnionQuery::max(vec![term(text, "a"), term(text, "yy")]);
        assert_eq!(run(&index, &*q).len(), 1);
    }
}
