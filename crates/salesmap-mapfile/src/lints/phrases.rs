//! Finding words in a stage's text, for the rules that read what a stage says: filler words
//! that stand in for a definition ([`find_filler`]), any list of phrases ([`find_phrase`]), and
//! the source span of a phrase inside a string value ([`inner_span`]).

use crate::diagnostic::Span;

/// Words and phrases that stand in for a definition rather than give one (R12: vague stages).
pub const FILLER: [&str; 21] = [
    "etc",
    "and so on",
    "as needed",
    "as appropriate",
    "as required",
    "tbd",
    "tba",
    "todo",
    "n/a",
    "misc",
    "various",
    "stuff",
    "things",
    "whatever",
    "기타",
    "필요시",
    "필요 시",
    "등등",
    "미정",
    "적절히",
    "알아서",
];

/// Finds a filler word or phrase in `text`; see [`find_phrase`].
pub fn find_filler(text: &str) -> Option<(usize, usize)> {
    find_phrase(text, &FILLER)
}

/// Finds the first of `phrases` in `text` (case-insensitive; on word boundaries for Latin
/// script, anywhere for Hangul, which attaches particles to words), returning its byte range.
pub fn find_phrase(text: &str, phrases: &[&str]) -> Option<(usize, usize)> {
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        // Lower-casing changed byte lengths (rare scripts); search without offsets.
        return phrases
            .iter()
            .any(|f| lower.contains(f))
            .then_some((0, text.len()));
    }
    for f in phrases {
        let mut from = 0;
        while let Some(pos) = lower[from..].find(f) {
            let start = from + pos;
            let end = start + f.len();
            let ascii = f.is_ascii();
            let before_ok = !ascii
                || start == 0
                || !lower[..start]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric);
            let after_ok = !ascii
                || end == lower.len()
                || !lower[end..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric);
            if before_ok && after_ok {
                return Some((start, end));
            }
            from = end;
        }
    }
    None
}

/// The source span of a sub-range of a string value: `span` covers the quoted literal, so the
/// text starts one byte in. Escapes would shift offsets; then the whole value is used.
pub fn inner_span(source_span: &Span, text: &str, range: (usize, usize)) -> Span {
    let literal_len = source_span.end - source_span.start;
    if literal_len == text.len() + 2 {
        source_span.start + 1 + range.0..source_span.start + 1 + range.1
    } else {
        source_span.clone()
    }
}
