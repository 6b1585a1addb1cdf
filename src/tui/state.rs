//! The navigator's state: plain data, built and changed only by
//! [`update`](super::update::update), drawn by [`render`](super::render::render).

use std::sync::Arc;

use chrono::NaiveDate;

use crate::compare::Comparison;
use crate::corpus::{Level, Validity};
use crate::export::{Digest, Format, GroupBy};
use crate::search::{BuildProgress, SearchRequest, SearchResults};
use crate::workspace::Workspace;

use super::input::Input;

/// The four main views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// The document list.
    Docs,
    /// Chapters, articles and provisions of the selected document.
    Outline,
    /// The selected clause.
    Detail,
}

/// Where the keys go in the Search view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchFocus {
    /// Typing a query.
    Query,
    /// Moving through the hits.
    Results,
}

/// Which form of the text is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// The "in the digest" mark.
    Marked,
    /// A warning or error.
    Warn,
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

/// One row of the document list.
#[derive(Debug, Clone, PartialEq)]
pub struct DocRow {
    /// Document id.
    pub id: String,
    /// Jurisdiction (Chinese name when known).
    pub jurisdiction: String,
    /// Year of the text (written, published or effective), or "—".
    pub year: String,
    /// Administrative level.
    pub level: Level,
    /// Standing today.
    pub validity: Validity,
    /// Title as printed.
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

/// The Browse view.
#[derive(Debug, Clone, PartialEq)]
pub struct BrowseState {
    /// Focused pane.
    pub focus: Pane,
    /// Document list position.
    pub docs: ListPos,
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
}

/// The Search view.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchState {
    /// Query line or results.
    pub focus: SearchFocus,
    /// The query line.
    pub input: Input,
    /// Jurisdiction filter.
    pub jurisdiction: Option<String>,
    /// Status filter.
    pub status: Option<Validity>,
    /// Measure-type filter (topic id).
    pub topic: Option<String>,
    /// Generation of the latest request; older results are dropped.
    pub generation: u64,
    /// A request is out.
    pub pending: bool,
    /// The latest results.
    pub results: Option<SearchResults>,
    /// The latest error.
    pub error: Option<String>,
    /// Each hit laid out (header and snippet lines).
    pub items: Vec<Vec<TextLine>>,
    /// Hit position.
    pub list: ListPos,
    /// The selected hit's full text, laid out (wide terminals).
    pub preview: Vec<TextLine>,
}

/// What a comparison was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompareSource {
    /// A provision and its links.
    Clause(String),
    /// A measure type (topic id).
    Topic(String),
}

/// One column of the comparison, laid out.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CompareColumn {
    /// Document id.
    pub doc: String,
    /// Header lines (jurisdiction, badge, title).
    pub header: Vec<TextLine>,
    /// Body lines, padded so that row *n* starts on the same line in every column
    /// (see [`CompareState::row_starts`]); a gap is a dim "—", and a dim rule
    /// separates rows.
    pub lines: Vec<TextLine>,
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
    /// Why there is none.
    pub error: Option<String>,
    /// Title line.
    pub title: String,
    /// Width of one column in cells.
    pub col_width: u16,
    /// How many columns fit.
    pub visible_cols: usize,
    /// The columns, laid out.
    pub columns: Vec<CompareColumn>,
    /// The body line on which each comparison row starts, the same in every column.
    pub row_starts: Vec<usize>,
    /// First visible column.
    pub col_offset: usize,
    /// First visible body line.
    pub scroll: usize,
}

/// One row of the digest list.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestRow {
    /// Clause id.
    pub id: String,
    /// The text shown.
    pub text: String,
    /// False when the clause is no longer in the corpus.
    pub found: bool,
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
    /// Position.
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
    /// Where and how to export.
    Export(ExportPrompt),
    /// The export target exists.
    Overwrite(ExportPrompt),
}

/// State of the search index.
#[derive(Debug, Clone, PartialEq)]
pub enum IndexState {
    /// Being opened or built.
    Opening(Option<BuildProgress>),
    /// Ready.
    Ready,
    /// Unusable; search is off.
    Failed(String),
}

/// Work for the runtime: things update cannot do itself without blocking.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Run this search off the UI thread; answer with `SearchDone(generation, …)`.
    Search {
        /// Generation.
        generation: u64,
        /// The request.
        request: SearchRequest,
    },
    /// Put this text on the clipboard (OSC 52).
    Copy(String),
}

/// A place to come back to.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    /// The view.
    pub view: View,
    /// Selected document.
    pub doc: usize,
    /// Selected clause.
    pub clause: Option<String>,
    /// Focused pane.
    pub pane: Pane,
}

/// The whole navigator state.
#[derive(Debug, Clone)]
pub struct App {
    /// The corpus and its analysis.
    pub ws: Arc<Workspace>,
    /// The date for status badges.
    pub today: NaiveDate,
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
    /// Original or Simplified.
    pub script: Script,
    /// Search index state.
    pub index: IndexState,
    /// The cross-links are computed.
    pub links_ready: bool,
    /// Why the cross-links are unavailable.
    pub links_error: Option<String>,
    /// History behind.
    pub back: Vec<Location>,
    /// History ahead.
    pub forward: Vec<Location>,
    /// A message for the status bar.
    pub message: Option<(String, bool)>,
    /// Status-bar key hints: (key, description).
    pub hints: Vec<(String, String)>,
    /// Status-bar counts for the current view.
    pub counts: String,
    /// Work for the runtime.
    pub effects: Vec<Effect>,
    /// The user asked to quit.
    pub quit: bool,
    /// Document rows.
    pub docs: Vec<DocRow>,
    /// Number of provisions in the corpus.
    pub provision_count: usize,
}
