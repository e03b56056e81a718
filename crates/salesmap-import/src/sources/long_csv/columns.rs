//! What a long CSV's columns hold, for both of its readers (row by row in [`super`], in
//! parallel blocks in [`super::blocks`]): the [`Columns`] found in the header, and the event
//! kind a `kind` value names ([`parse_kind`]).

use salesmap_core::history::EventKind;

use crate::collect::Target;
use crate::table::fold;

/// The columns a part reads.
#[derive(Clone, Copy)]
pub(crate) struct Columns<'a> {
    pub(crate) deal: usize,
    pub(crate) stage: usize,
    pub(crate) time: usize,
    pub(crate) kind: Option<usize>,
    /// Attribute columns and where their values go.
    pub(crate) targets: &'a [(usize, Target)],
}

/// `Some(None)` for an empty kind (read as a stage entry unless the activity is a touch).
pub(crate) fn parse_kind(text: &[u8]) -> Option<Option<EventKind>> {
    // The normalized history writes `stage` and `touch` on every row: no allocation for them.
    if text.eq_ignore_ascii_case(b"stage") {
        return Some(Some(EventKind::StageEntry));
    }
    if text.eq_ignore_ascii_case(b"touch") {
        return Some(Some(EventKind::Touch));
    }
    let text = String::from_utf8_lossy(text).to_lowercase();
    match fold(&text).as_str() {
        "" => Some(None),
        "stage" | "stageentry" | "단계" => Some(Some(EventKind::StageEntry)),
        "touch" | "활동" => Some(Some(EventKind::Touch)),
        _ => None,
    }
}
