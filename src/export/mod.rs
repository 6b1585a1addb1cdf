//! Stage 5 — export: the clause digest in Markdown, CSV, JSON, HTML and DOCX.
