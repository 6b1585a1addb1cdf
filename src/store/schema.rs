//! The tantivy schema of the store: one index holds three kinds of entries.
//!
//! * **clause** entries, one per article, provision and section text: the stored record
//!   (the clause, its figures, measure types, frames and link features), and, for the
//!   clauses a search can return, the searchable text fields;
//! * **document** entries, one per document: its metadata, letter, preamble, closing and
//!   chapters;
//! * **links** entries, one per provision: the links the link engine computed for it.
//!
//! Each kind has its own key field, so that replacing the links of a provision never
//! touches the provision itself.

use anyhow::{Context, Result};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, NumericOptions, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use crate::search::analyzer::TOKENIZER_NAME;

/// Bump when the fields or what the records hold change: the store is then rebuilt.
// 6: string-column dictionaries written without zstd (see Cargo.toml)
// 7: the `family` field
// 8: the `dnum` field
pub const SCHEMA_VERSION: u32 = 8;

/// Name of the [`Fields::dnum`] column.
pub const DNUM_FIELD: &str = "dnum";

/// [`Fields::dnum`] of an entry that is not a searchable clause.
pub const NO_DOCUMENT_NUMBER: u64 = 0;

/// The number [`Fields::dnum`] holds for a document: the first eight bytes of the
/// SHA-256 of its id, the same in every build and segment (two of a store's documents
/// sharing one is as likely as guessing a 64-bit key), never [`NO_DOCUMENT_NUMBER`].
pub fn document_number(id: &str) -> u64 {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(first).max(1)
}

/// `kind` of a clause entry.
pub const KIND_CLAUSE: &str = "clause";
/// `kind` of a document entry.
pub const KIND_DOCUMENT: &str = "document";
/// `kind` of a links entry.
pub const KIND_LINKS: &str = "links";
/// `searchable` value of the clauses a search returns.
pub const SEARCHABLE: &str = "y";
/// `concept` value of a clause with a support figure.
pub const SUPPORT: &str = "support";
/// `concept` prefix of a frame trigger id.
pub const CONCEPT_TRIGGER: &str = "t:";
/// `concept` prefix of an instrument family id.
pub const CONCEPT_INSTRUMENT: &str = "i:";

/// The fields of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Entry kind (`clause`, `document`, `links`).
    pub kind: Field,
    /// Clause id (clause entries).
    pub id: Field,
    /// Document id (every entry: deleting a document's term deletes all it owns).
    pub doc: Field,
    /// Document id (document entries only).
    pub dkey: Field,
    /// Provision id (links entries only).
    pub lkey: Field,
    /// Documents a provision links to (links entries only).
    pub ltarget: Field,
    /// Position of a clause in its document.
    pub seq: Field,
    /// [`SEARCHABLE`] for the clauses a search returns.
    pub searchable: Field,
    /// Jurisdiction keys of the clause's document.
    pub jurisdiction: Field,
    /// Level id of the clause's document.
    pub level: Field,
    /// Measure-type ids.
    pub topic: Field,
    /// Frame trigger ids.
    pub trigger: Field,
    /// Largest support amount in yuan.
    pub amount: Field,
    /// Provision text (searchable clauses).
    pub body: Field,
    /// The Simplified form of `body` where it differs (stored only): the hits' snippets
    /// are segmented in Simplified, and a search need not convert them again.
    pub simplified: Field,
    /// Article heading (searchable clauses).
    pub heading: Field,
    /// Document title (searchable clauses).
    pub title: Field,
    /// The instrument families one of whose single search terms the provision text is
    /// indexed with (searchable clauses; [`crate::search::families`]): a query widened
    /// to a family walks this one list instead of one per word.
    pub family: Field,
    /// The distinctive terms the link engine retrieves candidates by (provisions).
    pub lterm: Field,
    /// Canonical keys of the provision's support figures.
    pub figure: Field,
    /// The stored record (JSON).
    pub record: Field,
    /// What search ranks a searchable clause by (a fast field): `t:` + each frame trigger
    /// id, `i:` + each instrument family id, and [`SUPPORT`] when it has a support figure.
    pub concept: Field,
    /// Date of the clause's document (published, else effective, else written) in days
    /// from the Common Era, 0 when unknown (a fast field: `search --sort date`).
    pub date: Field,
    /// Ordinal of a provision in the full build that made the store (a fast field the
    /// build's link pass maps candidates back to its features by).
    pub pord: Field,
    /// The number of a searchable clause's document ([`document_number`]; a fast field),
    /// [`NO_DOCUMENT_NUMBER`] on every other entry (a value on each keeps the column
    /// dense, read without an index): what the clauses of one document share, such as
    /// their title, is scored once per document by a search (its title clause).
    pub dnum: Field,
}

/// The schema and its fields.
pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER_NAME)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        kind: b.add_text_field("kind", STRING),
        id: b.add_text_field("id", STRING | STORED | FAST),
        doc: b.add_text_field("doc", STRING | STORED),
        dkey: b.add_text_field("dkey", STRING),
        lkey: b.add_text_field("lkey", STRING | STORED),
        ltarget: b.add_text_field("ltarget", STRING),
        seq: b.add_u64_field("seq", INDEXED | STORED | FAST),
        searchable: b.add_text_field("searchable", STRING),
        jurisdiction: b.add_text_field("jurisdiction", STRING),
        level: b.add_text_field("level", STRING),
        topic: b.add_text_field("topic", STRING),
        trigger: b.add_text_field("trigger", STRING),
        amount: b.add_f64_field("amount", NumericOptions::default().set_indexed().set_fast()),
        body: b.add_text_field("body", text.clone() | STORED),
        simplified: b.add_text_field("simplified", STORED),
        heading: b.add_text_field("heading", text.clone() | STORED),
        title: b.add_text_field("title", text),
        family: b.add_text_field("family", STRING),
        lterm: b.add_text_field("lterm", STRING),
        figure: b.add_text_field("figure", STRING),
        record: b.add_bytes_field("record", STORED),
        pord: b.add_u64_field("pord", FAST),
        concept: b.add_text_field("concept", STRING | FAST),
        date: b.add_u64_field("date", FAST),
        dnum: b.add_u64_field(DNUM_FIELD, FAST),
    };
    (b.build(), fields)
}

/// The fields of an opened index's schema.
pub fn fields_of(schema: &Schema) -> Result<Fields> {
    let get = |name: &str| {
        schema
            .get_field(name)
            .with_context(|| format!("the index has no field {name}"))
    };
    Ok(Fields {
        kind: get("kind")?,
        id: get("id")?,
        doc: get("doc")?,
        dkey: get("dkey")?,
        lkey: get("lkey")?,
        ltarget: get("ltarget")?,
        seq: get("seq")?,
        searchable: get("searchable")?,
        jurisdiction: get("jurisdiction")?,
        level: get("level")?,
        topic: get("topic")?,
        trigger: get("trigger")?,
        amount: get("amount")?,
        body: get("body")?,
        simplified: get("simplified")?,
        heading: get("heading")?,
        dnum: get(DNUM_FIELD)?,
        title: get("title")?,
        family: get("family")?,
        lterm: get("lterm")?,
        figure: get("figure")?,
        record: get("record")?,
        pord: get("pord")?,
        concept: get("concept")?,
        date: get("date")?,
    })
}
