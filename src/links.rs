//! Stage 4 — cross-links: the same measure in every other jurisdiction.
