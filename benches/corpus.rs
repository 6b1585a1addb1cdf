//! Loading the corpus: decode, clean and structure the five bundled documents.
// criterion_group! generates a public function without documentation
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use policynav::corpus::{Corpus, CorpusSource};

fn load(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = CorpusSource::Bundled {
        user_dir: dir.path().join("none"),
    };
    // Warm the converter once so the bench measures loading, not OpenCC start-up.
    Corpus::load(&source).expect("bundled corpus loads");
    c.bench_function("corpus_load_bundled", |b| {
        b.iter(|| Corpus::load(&source).expect("bundled corpus loads"))
    });
}

criterion_group!(benches, load);
criterion_main!(benches);
