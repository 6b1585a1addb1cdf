//! Everything that can happen to the navigator, as plain data. Keys become actions
//! through the keymap; background work (search, index build, links) reports back as
//! actions too. [`update`](super::update::update) is the only place they are applied.

use crate::search::{BuildProgress, SearchResults};

/// One thing to apply to the state.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Leave the navigator.
    Quit,
    /// Show the key help.
    Help,
    /// Switch to the Browse view.
    ViewBrowse,
    /// Switch to the Search view (and the query line).
    ViewSearch,
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
    /// Add the current clause to the digest, or remove it.
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
    /// Open the selection (a document, a clause, a link, a hit).
    Open,
    /// Close a popup, leave a field, go back a view.
    Cancel,
    /// Accept a popup.
    Confirm,
    /// Tick or untick a choice.
    Toggle,
    /// Compare the current provision across jurisdictions.
    CompareClause,
    /// Choose a measure type to compare.
    ChooseTopic,
    /// Choose the jurisdictions in the comparison.
    ChooseJurisdictions,
    /// Scroll the comparison one column left.
    ScrollLeft,
    /// Scroll the comparison one column right.
    ScrollRight,
    /// Search: go to the result list.
    FocusResults,
    /// Search: go to the query line.
    EditQuery,
    /// Search filter: next jurisdiction.
    CycleJurisdiction,
    /// Search filter: next document status.
    CycleStatus,
    /// Search filter: next measure type.
    CycleTopic,
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
    /// The index is being checked or built.
    IndexProgress(BuildProgress),
    /// The index could not be opened or built.
    IndexFailed(String),
    /// The cross-links have been computed.
    LinksReady,
    /// The cross-links could not be computed.
    LinksFailed(String),
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
            "focus_results" => FocusResults,
            "edit_query" => EditQuery,
            "cycle_jurisdiction" => CycleJurisdiction,
            "cycle_status" => CycleStatus,
            "cycle_topic" => CycleTopic,
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
