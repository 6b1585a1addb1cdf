//! A one-line text field that edits correctly across double-width characters.
//!
//! The caret is a character index; its screen position is measured in cells, so the
//! real terminal cursor (and an input method's candidate window) lands right after a
//! Chinese character, not in the middle of it.

use super::wrap::{char_width, str_width};

/// An editable line of text with a caret.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Input {
    text: String,
    /// Caret position as a character index (0 ..= char count).
    caret: usize,
}

/// What part of an [`Input`] is visible in a field of a given width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputView {
    /// The visible text, never cut inside a character.
    pub visible: String,
    /// Caret column relative to the field's left edge.
    pub caret_col: u16,
}

impl Input {
    /// A field holding `text`, caret at the end.
    pub fn with_text(text: &str) -> Input {
        Input {
            text: text.to_string(),
            caret: text.chars().count(),
        }
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The caret as a character index.
    pub fn caret(&self) -> usize {
        self.caret
    }

    /// The caret's column: the display width of the text before it.
    pub fn caret_col(&self) -> usize {
        str_width(&self.text[..self.byte(self.caret)])
    }

    fn byte(&self, char_idx: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_idx)
            .map(|(b, _)| b)
            .unwrap_or(self.text.len())
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// Inserts one character at the caret.
    pub fn insert(&mut self, c: char) {
        if c.is_control() {
            return;
        }
        let b = self.byte(self.caret);
        self.text.insert(b, c);
        self.caret += 1;
    }

    /// Inserts a string at the caret as one edit (a paste); line breaks become spaces.
    pub fn insert_str(&mut self, s: &str) {
        let clean: String = s
            .chars()
            .map(|c| {
                if c == '\n' || c == '\r' || c == '\t' {
                    ' '
                } else {
                    c
                }
            })
            .filter(|c| !c.is_control())
            .collect();
        let b = self.byte(self.caret);
        self.text.insert_str(b, &clean);
        self.caret += clean.chars().count();
    }

    /// Deletes the character before the caret.
    pub fn backspace(&mut self) {
        if self.caret == 0 {
            return;
        }
        let b = self.byte(self.caret - 1);
        self.text.remove(b);
        self.caret -= 1;
    }

    /// Deletes the character under the caret.
    pub fn delete(&mut self) {
        if self.caret < self.len() {
            let b = self.byte(self.caret);
            self.text.remove(b);
        }
    }

    /// Moves the caret one character left.
    pub fn left(&mut self) {
        self.caret = self.caret.saturating_sub(1);
    }

    /// Moves the caret one character right.
    pub fn right(&mut self) {
        self.caret = (self.caret + 1).min(self.len());
    }

    /// Moves the caret to the start.
    pub fn home(&mut self) {
        self.caret = 0;
    }

    /// Moves the caret to the end.
    pub fn end(&mut self) {
        self.caret = self.len();
    }

    /// Deletes the word before the caret (Ctrl-W): trailing spaces, then a run of
    /// non-spaces. A run of Han characters counts as one word, like a shell would.
    pub fn delete_word(&mut self) {
        let chars: Vec<char> = self.text.chars().collect();
        let mut i = self.caret;
        while i > 0 && chars[i - 1].is_whitespace() {
            i -= 1;
        }
        while i > 0 && !chars[i - 1].is_whitespace() {
            i -= 1;
        }
        let (a, b) = (self.byte(i), self.byte(self.caret));
        self.text.replace_range(a..b, "");
        self.caret = i;
    }

    /// Deletes everything before the caret (Ctrl-U).
    pub fn delete_to_start(&mut self) {
        let b = self.byte(self.caret);
        self.text.replace_range(..b, "");
        self.caret = 0;
    }

    /// Replaces the whole text.
    pub fn set(&mut self, text: &str) {
        *self = Input::with_text(text);
    }

    /// The part to show in a field `width` cells wide, scrolled so the caret is
    /// visible, and the caret's column in it.
    pub fn view(&self, width: u16) -> InputView {
        let width = usize::from(width);
        if width == 0 {
            return InputView {
                visible: String::new(),
                caret_col: 0,
            };
        }
        // keep one cell for the caret after the last character
        let caret_col = self.caret_col();
        let mut skip_cols = 0usize;
        let mut start_byte = 0usize;
        if caret_col + 1 > width {
            let need = caret_col + 1 - width;
            for (b, c) in self.text.char_indices() {
                if skip_cols >= need {
                    start_byte = b;
                    break;
                }
                skip_cols += char_width(c);
                start_byte = b + c.len_utf8();
            }
        }
        let rest = &self.text[start_byte..];
        let visible = super::wrap::fit_prefix(rest, width).to_string();
        let col = caret_col
            .saturating_sub(skip_cols)
            .min(width.saturating_sub(1));
        InputView {
            visible,
            caret_col: u16::try_from(col).unwrap_or(u16::MAX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_moves_in_screen_columns_across_double_width() {
        let mut i = Input::default();
        for c in "上市a补贴".chars() {
            i.insert(c);
        }
        assert_eq!(i.text(), "上市a补贴");
        assert_eq!(i.caret_col(), 9);
        i.left();
        assert_eq!(i.caret_col(), 7);
        i.left();
        i.left();
        assert_eq!(i.caret_col(), 4);
        i.left();
        assert_eq!(i.caret_col(), 2);
        i.home();
        assert_eq!(i.caret_col(), 0);
        i.end();
        assert_eq!(i.caret_col(), 9);
    }

    #[test]
    fn backspace_and_delete_remove_whole_characters() {
        let mut i = Input::with_text("专精特新");
        i.backspace();
        assert_eq!(i.text(), "专精特");
        i.home();
        i.right();
        i.delete();
        assert_eq!(i.text(), "专特");
        assert_eq!(i.caret_col(), 2);
        i.home();
        i.backspace();
        assert_eq!(i.text(), "专特");
        i.end();
        i.delete();
        assert_eq!(i.text(), "专特");
    }

    #[test]
    fn insert_in_the_middle_of_chinese() {
        let mut i = Input::with_text("上补贴");
        i.home();
        i.right();
        i.insert('市');
        assert_eq!(i.text(), "上市补贴");
        assert_eq!(i.caret_col(), 4);
    }

    #[test]
    fn paste_is_one_edit_and_flattens_lines() {
        let mut i = Input::with_text("a");
        i.insert_str("上市\n补贴");
        assert_eq!(i.text(), "a上市 补贴");
        assert_eq!(i.caret(), 6);
    }

    #[test]
    fn ctrl_w_and_ctrl_u() {
        let mut i = Input::with_text("展会 70% 上市补贴");
        i.delete_word();
        assert_eq!(i.text(), "展会 70% ");
        i.delete_word();
        assert_eq!(i.text(), "展会 ");
        i.insert('x');
        i.left();
        i.delete_to_start();
        assert_eq!(i.text(), "x");
        assert_eq!(i.caret(), 0);
    }

    #[test]
    fn view_scrolls_to_keep_the_caret_visible() {
        let i = Input::with_text("中小企业专精特新");
        let v = i.view(7);
        // caret at column 16; 6 cells of text fit before the caret cell
        assert_eq!(v.visible, "精特新");
        assert_eq!(v.caret_col, 6);
        let mut j = i.clone();
        j.home();
        let v = j.view(7);
        assert_eq!(v.visible, "中小企");
        assert_eq!(v.caret_col, 0);
        // width zero and one never panic
        assert_eq!(i.view(0).visible, "");
        let v = i.view(1);
        assert_eq!(v.caret_col, 0);
    }
}
