//! Stage 3 — search: a jieba-based tantivy index over the normalised Simplified text.
