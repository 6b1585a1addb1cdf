//! The navigator's state: plain data, changed only by [`update`](super::update::update)
//! and drawn by [`render`](super::render::render).
//!
//! Two kinds of fields: what the user chose (view, selections, query, filters, date) and
//! what is shown (lines laid out for the current size and script). The second kind is
//! derived from the first in one place, [`present::refresh`](super::present::refresh),
//! after every action; each derived part remembers what it was built from and is
//! rebuilt only when that changed.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::compare::Comparison;
use crate::corpus::{Level, Validity};
use crate::export::{Digest, Format, GroupBy};
use crate::model::Tier;
use crate::search::facets::FacetCounts;
use crate::search::{BuildProgress, SearchIndex, SearchRequest, SearchResults};

use super::data::Library;
use super::input::Input;

/// The four main views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    /// Documents, outline, detail.
    Browse,
    /// Query line and hits.
    Search,
    /// Jurisdictions side by side.
    Compare,
    /// The collected clauses.
    Digest,
}

/// The panes of the Browse view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Pane {
    /// The document list.
    #[default]
    Docs,
    /// Chapters, articles and provisions of the selected document.
    Outline,
    /// The selected clause.
    Detail,
}

/// Where the keys go in the Search view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SearchFocus {
    /// Typing a query.
    #[default]
    Query,
    /// Moving through the hits.
    Results,
}

/// Which form of the text is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Script {
    /// As printed (Traditional documents stay Traditional).
    Original,
    /// Converted to Simplified.
    Simplified,
}

/// How a piece of text is emphasised; render maps these to styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emph {
    /// Ordinary text.
    Plain,
    /// A support figure (the money or ratio given).
    Figure,
    /// Another figure (threshold, target).
    OtherFigure,
    /// A search match.
    Hit,
    /// A heading.
    Heading,
    /// Secondary information.
    Dim,
    /// A document's standing.
    Badge(Validity),
    /// No longer the text to rely on: superseded, or its term has ended.
    Stale,
    /// The "in the digest" mark.
    Marked,
    /// A warning or error.
    Warn,
    /// A key name in help and hints.
    Key,
}

/// A run of text with one emphasis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seg {
    /// The text.
    pub text: String,
    /// Its emphasis.
    pub emph: Emph,
}

/// One laid-out line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextLine {
    /// The runs, left to right.
    pub segs: Vec<Seg>,
    /// In the detail pane: the cross-link this line belongs to.
    pub link: Option<usize>,
}

impl TextLine {
    /// A line of one run.
    pub fn plain(text: impl Into<String>, emph: Emph) -> TextLine {
        TextLine {
            segs: vec![Seg {
                text: text.into(),
                emph,
            }],
            link: None,
        }
    }

    /// A line of several runs.
    pub fn of(segs: Vec<(String, Emph)>) -> TextLine {
        TextLine {
            segs: segs
                .into_iter()
                .map(|(text, emph)| Seg { text, emph })
                .collect(),
            link: None,
        }
    }

    /// The line's text without emphasis.
    pub fn text(&self) -> String {
        self.segs.iter().map(|s| s.text.as_str()).collect()
    }
}

/// A selection in a scrolled list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ListPos {
    /// Selected index.
    pub sel: usize,
    /// First visible index.
    pub offset: usize,
}

impl ListPos {
    /// Keeps `sel` inside `len` items and visible in `height` rows.
    pub fn fit(&mut self, len: usize, height: usize) {
        if len == 0 {
            *self = ListPos::default();
            return;
        }
        self.sel = self.sel.min(len - 1);
        let height = height.max(1);
        if self.sel < self.offset {
            self.offset = self.sel;
        } else if self.sel >= self.offset + height {
            self.offset = self.sel + 1 - height;
        }
        self.offset = self.offset.min(len.saturating_sub(height));
    }
}

/// A document's standing on the as-of date, as every badge shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// Draft, in force, expired, not yet in force.
    pub validity: Validity,
    /// The documents that replace it by that date (manifest `supersedes`).
    pub superseded_by: Vec<String>,
    /// The last day of its stated term, when that day has passed.
    pub ended: Option<NaiveDate>,
}

/// One row of the document list (only the visible rows are built).
#[derive(Debug, Clone, PartialEq)]
pub struct DocRow {
    /// Position in the catalog.
    pub index: usize,
    /// Document id.
    pub id: String,
    /// Jurisdiction (Chinese name when known).
    pub jurisdiction: String,
    /// Year of the text (written, published or effective), or "—".
    pub year: String,
    /// Administrative level.
    pub level: Level,
    /// Standing on the as-of date.
    pub standing: Standing,
    /// Title, in the script shown.
    pub title: String,
}

/// Kind of an outline row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// A chapter or section heading.
    Chapter,
    /// An article.
    Article,
    /// A provision inside an article.
    Provision,
}

/// One row of the outline.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlineRow {
    /// What it is.
    pub kind: RowKind,
    /// The text shown.
    pub text: String,
    /// The clause it opens.
    pub clause: Option<String>,
    /// In the digest.
    pub marked: bool,
}

/// The detail pane, laid out for the current width.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Detail {
    /// The clause shown, if any.
    pub clause: Option<String>,
    /// The pane title.
    pub title: String,
    /// The lines.
    pub lines: Vec<TextLine>,
    /// Clause ids of the cross-links, in order.
    pub links: Vec<String>,
    /// Index of each link's first line in `lines`.
    pub link_lines: Vec<usize>,
}

/// What a derived part was built from; it is rebuilt when this changes.
pub type Key = Option<u64>;

/// The Browse view.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BrowseState {
    /// Focused pane.
    pub focus: Pane,
    /// Document list position (an index into the catalog).
    pub docs: ListPos,
    /// The visible document rows.
    pub doc_rows: Vec<DocRow>,
    /// Id of the selected document.
    pub doc: Option<String>,
    /// The document the outline was built for.
    pub outline_doc: Option<String>,
    /// A clause to select once its document's outline is built.
    pub target: Option<String>,
    /// Outline of the selected document.
    pub outline_rows: Vec<OutlineRow>,
    /// Outline position.
    pub outline: ListPos,
    /// The detail pane.
    pub detail: Detail,
    /// First visible detail line.
    pub detail_scroll: usize,
    /// Selected cross-link.
    pub link_sel: usize,
    /// Built from (rows, outline, detail).
    pub keys: (Key, Key, Key),
}

/// The filters of the Search view: several values per facet.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FilterSet {
    /// Jurisdictions (English names, as the catalog has them).
    pub jurisdictions: Vec<String>,
    /// Administrative levels.
    pub levels: Vec<Level>,
    /// Standings on the as-of date.
    pub statuses: Vec<Validity>,
    /// Measure types (topic ids).
    pub topics: Vec<String>,
    /// Support-amount ranges (indices into [`AMOUNT_RANGES`](crate::search::facets::AMOUNT_RANGES)).
    pub amounts: Vec<usize>,
    /// Years of the document's date.
    pub years: Vec<i32>,
}

impl FilterSet {
    /// True when nothing is filtered.
    pub fn is_empty(&self) -> bool {
        *self == FilterSet::default()
    }

    /// How many values are chosen.
    pub fn count(&self) -> usize {
        self.jurisdictions.len()
            + self.levels.len()
            + self.statuses.len()
            + self.topics.len()
            + self.amounts.len()
            + self.years.len()
    }
}

/// The Search view.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchState {
    /// Query line or results.
    pub focus: SearchFocus,
    /// The query line.
    pub input: Input,
    /// The filters.
    pub filters: FilterSet,
    /// Generation of the latest request; older results are dropped.
    pub generation: u64,
    /// A request is out.
    pub pending: bool,
    /// The latest results.
    pub results: Option<SearchResults>,
    /// The latest error.
    pub error: Option<String>,
    /// Facet counts for the latest request (the filter panel's numbers).
    pub facets: Option<FacetCounts>,
    /// Each hit laid out (header and snippet lines).
    pub items: Vec<Vec<TextLine>>,
    /// Hit position.
    pub list: ListPos,
    /// The selected hit's full text, laid out (wide terminals).
    pub preview: Vec<TextLine>,
    /// The active filters as shown under the query line.
    pub filter_line: Vec<(String, Emph)>,
    /// Built from (items, preview).
    pub keys: (Key, Key),
}

/// What a comparison was asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CompareSource {
    /// A provision and its links.
    Clause(String),
    /// A measure type (topic id).
    Topic(String),
}

/// How the rows of a comparison are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RowOrder {
    /// As the comparison builds them (the origin's own order).
    #[default]
    Document,
    /// Largest support amount first.
    Amount,
}

/// One column of the comparison, laid out.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CompareColumn {
    /// Document id.
    pub doc: String,
    /// Header lines (jurisdiction, badge, title).
    pub header: Vec<TextLine>,
    /// Body lines (for the columns on screen only), padded so that row *n* starts on
    /// the same line in every column (see [`CompareState::row_starts`]); a gap is a
    /// dim "—".
    pub lines: Vec<TextLine>,
    /// The clause of each displayed row (None for a gap).
    pub cells: Vec<Option<String>>,
}

/// One line of the compact comparison: one cell (a document's provision for a row).
#[derive(Debug, Clone, PartialEq)]
pub struct CompactLine {
    /// The line.
    pub line: TextLine,
    /// The clause it stands for (None for a row label).
    pub clause: Option<String>,
}

/// What the worker found besides the comparison: each compared clause's heading and,
/// for a provision, each link's tier.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CompareExtra {
    /// Clause id → label and heading (`9. 支持企业上市`).
    pub headings: HashMap<String, String>,
    /// Clause id → how close it is to the compared provision.
    pub tiers: HashMap<String, Tier>,
}

/// The Compare view.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CompareState {
    /// What is compared.
    pub source: Option<CompareSource>,
    /// Chosen document ids (all when empty).
    pub docs: Vec<String>,
    /// The comparison.
    pub comparison: Option<Comparison>,
    /// Headings and tiers of the compared clauses.
    pub extra: CompareExtra,
    /// Why there is none.
    pub error: Option<String>,
    /// Generation of the latest request.
    pub generation: u64,
    /// A request is out.
    pub pending: bool,
    /// One line per cell instead of side-by-side columns.
    pub compact: bool,
    /// Row order.
    pub order: RowOrder,
    /// Title line.
    pub title: String,
    /// Width of one column in cells.
    pub col_width: u16,
    /// How many columns fit (the first, the origin, is always shown).
    pub visible_cols: usize,
    /// The columns with something to show, laid out; the origin first.
    pub columns: Vec<CompareColumn>,
    /// Documents with nothing comparable (jurisdiction names).
    pub empty: Vec<String>,
    /// Display order of the comparison's rows.
    pub row_order: Vec<usize>,
    /// The body line on which each displayed row starts, the same in every column.
    pub row_starts: Vec<usize>,
    /// Each displayed row's label line.
    pub row_labels: Vec<TextLine>,
    /// First scrolled column (after the pinned origin).
    pub col_offset: usize,
    /// First visible body line.
    pub scroll: usize,
    /// Selected cell: column (index into `columns`) and displayed row.
    pub cursor: (usize, usize),
    /// The compact lines.
    pub compact_lines: Vec<CompactLine>,
    /// Selected compact line.
    pub compact_sel: usize,
    /// Built from.
    pub key: Key,
    /// The cells on screen were wrapped for.
    pub cells_key: Key,
}

/// One row of the digest list.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestRow {
    /// Clause id.
    pub id: String,
    /// The text shown.
    pub text: String,
    /// The document's standing, when the clause is still in the corpus.
    pub standing: Option<Standing>,
}

/// The Digest view.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DigestView {
    /// Rows in digest order.
    pub rows: Vec<DigestRow>,
    /// Position.
    pub list: ListPos,
    /// The selected clause, laid out.
    pub preview: Vec<TextLine>,
    /// Built from (rows, preview).
    pub keys: (Key, Key),
}

/// What a choice list is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoosePurpose {
    /// Pick one measure type to compare.
    CompareTopic,
    /// Tick the documents to compare.
    CompareDocs,
}

/// One choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// Id (topic or document).
    pub key: String,
    /// Label.
    pub label: String,
    /// Ticked.
    pub ticked: bool,
}

/// A choice list popup.
#[derive(Debug, Clone, PartialEq)]
pub struct Chooser {
    /// What it is for.
    pub purpose: ChoosePurpose,
    /// Title.
    pub title: String,
    /// The choices.
    pub items: Vec<Choice>,
    /// Type-to-find: only choices whose label contains it are shown.
    pub find: Input,
    /// Indices of the shown choices.
    pub shown: Vec<usize>,
    /// Position in `shown`.
    pub list: ListPos,
}

/// A facet of the filter panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Facet {
    /// Where the document is from.
    Jurisdiction,
    /// Administrative level.
    Level,
    /// Standing on the as-of date.
    Status,
    /// Measure type.
    Topic,
    /// Support amount.
    Amount,
    /// Year of the document.
    Year,
}

impl Facet {
    /// Every facet, in panel order.
    pub const ALL: [Facet; 6] = [
        Facet::Jurisdiction,
        Facet::Level,
        Facet::Status,
        Facet::Topic,
        Facet::Amount,
        Facet::Year,
    ];

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Facet::Jurisdiction => "jurisdiction",
            Facet::Level => "level",
            Facet::Status => "status",
            Facet::Topic => "measure type",
            Facet::Amount => "amount",
            Facet::Year => "date",
        }
    }
}

/// One value of a facet in the filter panel.
#[derive(Debug, Clone, PartialEq)]
pub struct FacetValue {
    /// The facet.
    pub facet: Facet,
    /// The value as the filter holds it (a name, an id, an index, a year).
    pub key: String,
    /// What is shown.
    pub label: String,
    /// Hits with this value (the other facets' filters applied), if counted.
    pub count: Option<usize>,
    /// Chosen.
    pub ticked: bool,
}

/// The filter panel.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterPanel {
    /// The facet whose values are listed.
    pub facet: Facet,
    /// Type-to-find over the values.
    pub find: Input,
    /// The values of the facet, filtered by `find`.
    pub values: Vec<FacetValue>,
    /// Position in `values`.
    pub list: ListPos,
}

/// The export prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportPrompt {
    /// Output format.
    pub format: Format,
    /// Grouping.
    pub group_by: GroupBy,
    /// Target path.
    pub path: Input,
    /// Last error.
    pub error: Option<String>,
    /// An export is running.
    pub running: bool,
}

/// The as-of date prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct DatePrompt {
    /// The date typed.
    pub input: Input,
    /// Why it is not a date.
    pub error: Option<String>,
}

/// A popup over the view.
#[derive(Debug, Clone, PartialEq)]
pub enum Popup {
    /// Every key.
    Help {
        /// First visible line.
        scroll: usize,
        /// The lines.
        lines: Vec<TextLine>,
    },
    /// A choice list.
    Choose(Chooser),
    /// The search filters.
    Filters(FilterPanel),
    /// The as-of date.
    Date(DatePrompt),
    /// Where and how to export.
    Export(ExportPrompt),
    /// The export target exists.
    Overwrite(ExportPrompt),
}

/// State of the store.
#[derive(Debug, Clone, PartialEq)]
pub enum IndexState {
    /// Being opened, updated or built.
    Opening(Option<BuildProgress>),
    /// Ready.
    Ready,
    /// Unusable.
    Failed(String),
}

/// Work for the runtime: what update cannot do without blocking (reading many
/// records, writing files, searching). Each answers with an action.
#[derive(Clone)]
pub enum Effect {
    /// Run this search off the UI thread; answer with `SearchDone(generation, …)`,
    /// then `FacetsDone(generation, …)`.
    Search {
        /// Generation.
        generation: u64,
        /// The index to search.
        index: Arc<SearchIndex>,
        /// The request.
        request: SearchRequest,
        /// Count the hits of each filter value too (the filter panel is open).
        facets: bool,
    },
    /// Build a comparison; answer with `CompareDone(generation, …)`.
    Compare {
        /// Generation.
        generation: u64,
        /// What to read.
        library: Library,
        /// The request.
        request: crate::compare::CompareRequest,
    },
    /// Save the digest (merging with changes another navigator made); answer with
    /// `DigestSaved`.
    SaveDigest {
        /// The data folder.
        data_dir: std::path::PathBuf,
        /// The digest as last read from or written to disk.
        base: Digest,
        /// The digest now.
        digest: Digest,
    },
    /// Export the digest; answer with `ExportDone`.
    Export {
        /// What to read.
        library: Library,
        /// Clause ids.
        ids: Vec<String>,
        /// Settings.
        options: crate::export::Options,
        /// Target.
        path: std::path::PathBuf,
        /// Replace an existing file.
        force: bool,
    },
    /// Put this text on the clipboard (OSC 52).
    Copy(String),
}

impl std::fmt::Debug for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Effect::Search {
                generation,
                request,
                ..
            } => write!(f, "Search({generation}, {:?})", request.query),
            Effect::Compare {
                generation,
                request,
                ..
            } => write!(f, "Compare({generation}, {request:?})"),
            Effect::SaveDigest { digest, .. } => write!(f, "SaveDigest({:?})", digest.ids),
            Effect::Export { ids, path, .. } => write!(f, "Export({ids:?}, {})", path.display()),
            Effect::Copy(t) => write!(f, "Copy({t:?})"),
        }
    }
}

/// A place to come back to.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    /// The view.
    pub view: View,
    /// Selected document.
    pub doc: Option<String>,
    /// Selected clause.
    pub clause: Option<String>,
    /// Focused pane.
    pub pane: Pane,
}

/// The digest as last read from or written to disk, and saves in flight.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DigestSync {
    /// The digest as on disk after the last save or load.
    pub base: Digest,
    /// Saves sent and not yet answered.
    pub pending: usize,
}

/// The whole navigator state.
#[derive(Debug, Clone)]
pub struct App {
    /// What the navigator reads: the store, the domain rules, caches.
    pub lib: Library,
    /// The real date (exports are "made on" it).
    pub today: NaiveDate,
    /// The date every badge is computed for (`t` changes it).
    pub as_of: NaiveDate,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// The view.
    pub view: View,
    /// The popup, if any.
    pub popup: Option<Popup>,
    /// Browse view.
    pub browse: BrowseState,
    /// Search view.
    pub search: SearchState,
    /// Compare view.
    pub compare: CompareState,
    /// Digest view.
    pub digest_view: DigestView,
    /// The collected clauses (saved on every change).
    pub digest: Digest,
    /// The digest on disk.
    pub digest_sync: DigestSync,
    /// Original or Simplified.
    pub script: Script,
    /// Store state.
    pub index: IndexState,
    /// History behind.
    pub back: Vec<Location>,
    /// History ahead.
    pub forward: Vec<Location>,
    /// A message for the status bar (text, is a warning).
    pub message: Option<(String, bool)>,
    /// Status-bar key hints: (key, description).
    pub hints: Vec<(String, String)>,
    /// Status-bar counts for the current view.
    pub counts: String,
    /// Work for the runtime.
    pub effects: Vec<Effect>,
    /// The user asked to quit.
    pub quit: bool,
    /// Bumped when anything that every laid-out text depends on changes (size, script,
    /// as-of date, the store, word-boundary wrapping).
    pub layout_rev: u64,
    /// Bumped when the digest changes (marks).
    pub digest_rev: u64,
}
