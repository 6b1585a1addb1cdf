//! Where everything goes on screen, as a pure function of the terminal size. Update
//! uses it to lay text out and to hit-test the mouse; render uses it to draw, so the
//! two always agree.

use ratatui::layout::{Constraint, Direction, Layout, Rect};

/// The smallest terminal the navigator draws in; below it a message says so.
pub const MIN_SIZE: (u16, u16) = (60, 16);

/// Every area of the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Areas {
    /// The whole screen.
    pub screen: Rect,
    /// The top line with the view tabs.
    pub tabs: Rect,
    /// Between tabs and status bar.
    pub body: Rect,
    /// The bottom line.
    pub status: Rect,
    /// Browse: document list (with border).
    pub docs: Rect,
    /// Browse: outline (with border).
    pub outline: Rect,
    /// Browse: detail (with border).
    pub detail: Rect,
    /// Search: query box (with border).
    pub query: Rect,
    /// Search: filter line.
    pub filters: Rect,
    /// Search: hit list (with border).
    pub results: Rect,
    /// Search: preview of the selected hit (with border); empty when narrow.
    pub preview: Rect,
    /// Compare: title line.
    pub compare_title: Rect,
    /// Compare: the columns.
    pub compare_body: Rect,
    /// Digest: list (with border).
    pub digest_list: Rect,
    /// Digest: preview (with border).
    pub digest_preview: Rect,
}

/// True when the terminal is too small to draw the views.
pub fn too_small(size: (u16, u16)) -> bool {
    size.0 < MIN_SIZE.0 || size.1 < MIN_SIZE.1
}

/// The inside of a bordered area.
pub fn inner(r: Rect) -> Rect {
    Rect {
        x: r.x.saturating_add(1),
        y: r.y.saturating_add(1),
        width: r.width.saturating_sub(2),
        height: r.height.saturating_sub(2),
    }
}

/// Lays out a screen of `size` with `doc_count` documents in the list.
pub fn areas(size: (u16, u16), doc_count: usize) -> Areas {
    let screen = Rect::new(0, 0, size.0, size.1);
    let [tabs, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(screen);

    let left_w = (body.width * 2 / 5).clamp(20.min(body.width), 64);
    let [left, detail] =
        Layout::horizontal([Constraint::Length(left_w), Constraint::Min(0)]).areas(body);
    let docs_h = u16::try_from(doc_count + 2)
        .unwrap_or(u16::MAX)
        .min(left.height / 2)
        .max(3.min(left.height));
    let [docs, outline] =
        Layout::vertical([Constraint::Length(docs_h), Constraint::Min(0)]).areas(left);

    let [query, filters, lower] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(body);
    let (results, preview) = if body.width >= 110 {
        let [r, p] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(lower);
        (r, p)
    } else {
        (lower, Rect::new(lower.x, lower.y, 0, 0))
    };

    let [compare_title, compare_body] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(body);

    let split = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Percentage(45), Constraint::Percentage(55)])
        .split(body);

    Areas {
        screen,
        tabs,
        body,
        status,
        docs,
        outline,
        detail,
        query,
        filters,
        results,
        preview,
        compare_title,
        compare_body,
        digest_list: split[0],
        digest_preview: split[1],
    }
}

/// Where the help popup goes.
pub fn help_area(size: (u16, u16)) -> Rect {
    popup(Rect::new(0, 0, size.0, size.1), 76, 40)
}

/// Where a choice list goes (a line for type-to-find under its items).
pub fn choose_area(size: (u16, u16), items: usize) -> Rect {
    let h = u16::try_from(items + 3).unwrap_or(u16::MAX);
    popup(Rect::new(0, 0, size.0, size.1), 70, h)
}

/// Where the export prompt goes.
pub fn export_area(size: (u16, u16)) -> Rect {
    popup(Rect::new(0, 0, size.0, size.1), 76, 10)
}

/// Where the filter panel goes.
pub fn filter_area(size: (u16, u16)) -> Rect {
    popup(Rect::new(0, 0, size.0, size.1), 96, 30)
}

/// The filter panel's facet list (left) and values (right), inside its frame.
pub fn filter_parts(size: (u16, u16)) -> (Rect, Rect) {
    let inner_area = inner(filter_area(size));
    let left_w = 22.min(inner_area.width / 3);
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_w), Constraint::Min(0)]).areas(inner_area);
    (left, right)
}

/// Where the as-of date prompt goes.
pub fn date_area(size: (u16, u16)) -> Rect {
    popup(Rect::new(0, 0, size.0, size.1), 60, 7)
}

/// A centred popup of at most `w`×`h`, inside `screen`.
pub fn popup(screen: Rect, w: u16, h: u16) -> Rect {
    let w = w
        .min(screen.width.saturating_sub(2))
        .max(1.min(screen.width));
    let h = h
        .min(screen.height.saturating_sub(2))
        .max(1.min(screen.height));
    Rect {
        x: screen.x + (screen.width.saturating_sub(w)) / 2,
        y: screen.y + (screen.height.saturating_sub(h)) / 2,
        width: w,
        height: h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_stay_on_screen_at_any_size() {
        for w in [0u16, 1, 10, 20, 59, 60, 80, 120, 160, 400] {
            for h in [0u16, 1, 3, 5, 15, 16, 24, 48] {
                let a = areas((w, h), 5);
                for r in [
                    a.tabs, a.body, a.status, a.docs, a.outline, a.detail, a.query, a.results,
                    a.preview,
                ] {
                    assert!(r.right() <= w && r.bottom() <= h, "{w}x{h}: {r:?}");
                }
            }
        }
    }

    #[test]
    fn browse_panes_split_the_body() {
        let a = areas((80, 24), 5);
        assert_eq!(a.docs.height, 7);
        assert_eq!(a.docs.width + a.detail.width, 80);
        assert_eq!(a.outline.bottom(), a.status.y);
        assert_eq!(a.preview.width, 0);
        let wide = areas((160, 48), 5);
        assert!(wide.preview.width > 70);
    }
}
