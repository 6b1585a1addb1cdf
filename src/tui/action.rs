//! Everything that can happen to the navigator, as plain data. Keys become actions
//! through the keymap; background work (opening the store, search, comparisons, saving
//! and exporting) reports back as actions too. [`update`](super::update::update) is the
//! only place they are applied.

use crate::compare::Comparison;
use crate::export::Digest;
use crate::search::facets::FacetCounts;
use crate::search::{BuildProgress, SearchResults};

use super::data::Opened;
use super::state::CompareExtra;

/// A store opened in the background, handed to the UI thread.
#[derive(Clone)]
pub struct StoreHandle(pub Box<Opened>);

impl std::fmt::Debug for StoreHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Store(generation {})",
            self.0.store.head().info.generation
        )
    }
}

impl PartialEq for StoreHandle {
    fn eq(&self, other: &StoreHandle) -> bool {
        self.0.store.head().info.generation == other.0.store.head().info.generation
            && self.0.store.dir() == other.0.store.dir()
    }
}

/// What saving the digest did.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestSaved {
    /// The digest now on disk.
    pub digest: Digest,
    /// Clauses another navigator had added or removed meanwhile, merged in.
    pub merged: Option<String>,
}

/// One thing to apply to the state.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Leave the navigator.
    Quit,
    /// Show the key help.
    Help,
    /// Switch to the Browse view.
    ViewBrowse,
    /// Switch to the Search view, and type a query.
    ViewSearch,
    /// Switch to the Search view (its results, not the query line).
    ViewResults,
    /// Switch to the Compare view.
    ViewCompare,
    /// Switch to the Digest view.
    ViewDigest,
    /// Go back in the history.
    Back,
    /// Go forward in the history.
    Forward,
    /// Show the original script or the Simplified form.
    ToggleScript,
    /// Copy the current clause and its citation to the clipboard.
    Copy,
    /// Add the current clause to the digest, or remove it, and move to the next.
    Mark,
    /// Next item / scroll down.
    Down,
    /// Previous item / scroll up.
    Up,
    /// A page down.
    PageDown,
    /// A page up.
    PageUp,
    /// First item.
    Top,
    /// Last item.
    Bottom,
    /// Next pane.
    FocusNext,
    /// Previous pane.
    FocusPrev,
    /// Open the selection (a document, a clause, a link, a hit, a compared clause).
    Open,
    /// Close a popup, leave a field, go back a view.
    Cancel,
    /// Accept a popup.
    Confirm,
    /// Tick or untick a choice.
    Toggle,
    /// Compare the current provision across jurisdictions (in Compare: re-centre on it).
    CompareClause,
    /// Choose a measure type to compare.
    ChooseTopic,
    /// Choose the jurisdictions in the comparison.
    ChooseJurisdictions,
    /// Compare: the cell to the left.
    ScrollLeft,
    /// Compare: the cell to the right.
    ScrollRight,
    /// Compare: one line per cell, or columns side by side.
    ToggleCompact,
    /// Compare: rows in document order, or largest support first.
    CycleOrder,
    /// Search: go to the result list.
    FocusResults,
    /// Search: go to the query line.
    EditQuery,
    /// Open the filter panel.
    Filters,
    /// Clear every filter.
    ClearFilters,
    /// Filter panel: the next facet.
    NextFacet,
    /// Filter panel: the previous facet.
    PrevFacet,
    /// Set the as-of date of the badges.
    SetDate,
    /// Digest: move the clause up.
    MoveUp,
    /// Digest: move the clause down.
    MoveDown,
    /// Digest: remove the clause.
    Remove,
    /// Digest: open the export prompt.
    Export,
    /// Export prompt: next format.
    CycleFormat,
    /// Export prompt: next grouping.
    CycleGroup,
    /// Text field: caret left.
    InputLeft,
    /// Text field: caret right.
    InputRight,
    /// Text field: caret to start.
    InputHome,
    /// Text field: caret to end.
    InputEnd,
    /// Text field: delete before the caret.
    InputBackspace,
    /// Text field: delete under the caret.
    InputDelete,
    /// Text field: delete the word before the caret.
    InputDeleteWord,
    /// Text field: delete to the start.
    InputClear,
    /// Text field: a typed character.
    Insert(char),
    /// Text field: pasted text, as one edit.
    Paste(String),
    /// The terminal has a new size (columns, rows).
    Resize(u16, u16),
    /// A mouse click at (column, row).
    Click(u16, u16),
    /// The mouse wheel at (column, row); `true` scrolls down.
    Wheel(u16, u16, bool),
    /// Search results for the query of this generation.
    SearchDone(u64, Result<SearchResults, String>),
    /// Facet counts for the query of this generation.
    FacetsDone(u64, Result<FacetCounts, String>),
    /// A comparison of this generation.
    CompareDone(u64, Result<(Comparison, CompareExtra), String>),
    /// The digest was saved.
    DigestSaved(Result<DigestSaved, String>),
    /// Another navigator changed the digest on disk.
    DigestChanged(Digest),
    /// An export finished (the message to show).
    ExportDone(Result<String, String>),
    /// The store is being checked, updated or built.
    IndexProgress(BuildProgress),
    /// The store is open (first, or again after another process changed it).
    StoreReady(StoreHandle),
    /// The store could not be opened or built.
    IndexFailed(String),
    /// jieba is loaded: rewrap text at word boundaries.
    SegmenterReady,
}

impl Action {
    /// The action a keymap command name stands for.
    pub fn from_command(name: &str) -> Option<Action> {
        use Action::*;
        Some(match name {
            "quit" => Quit,
            "help" => Help,
            "view_browse" => ViewBrowse,
            "view_search" => ViewSearch,
            "view_results" => ViewResults,
            "view_compare" => ViewCompare,
            "view_digest" => ViewDigest,
            "back" => Back,
            "forward" => Forward,
            "toggle_script" => ToggleScript,
            "copy" => Copy,
            "mark" => Mark,
            "down" => Down,
            "up" => Up,
            "page_down" => PageDown,
            "page_up" => PageUp,
            "top" => Top,
            "bottom" => Bottom,
            "focus_next" => FocusNext,
            "focus_prev" => FocusPrev,
            "open" => Open,
            "cancel" => Cancel,
            "confirm" => Confirm,
            "toggle" => Toggle,
            "compare_clause" => CompareClause,
            "choose_topic" => ChooseTopic,
            "choose_jurisdictions" => ChooseJurisdictions,
            "scroll_left" => ScrollLeft,
            "scroll_right" => ScrollRight,
            "toggle_compact" => ToggleCompact,
            "cycle_order" => CycleOrder,
            "focus_results" => FocusResults,
            "edit_query" => EditQuery,
            "filters" => Filters,
            "clear_filters" => ClearFilters,
            "next_facet" => NextFacet,
            "prev_facet" => PrevFacet,
            "set_date" => SetDate,
            "move_up" => MoveUp,
            "move_down" => MoveDown,
            "remove" => Remove,
            "export" => Export,
            "cycle_format" => CycleFormat,
            "cycle_group" => CycleGroup,
            "input_left" => InputLeft,
            "input_right" => InputRight,
            "input_home" => InputHome,
            "input_end" => InputEnd,
            "input_backspace" => InputBackspace,
            "input_delete" => InputDelete,
            "input_delete_word" => InputDeleteWord,
            "input_clear" => InputClear,
            _ => return None,
        })
    }
}
