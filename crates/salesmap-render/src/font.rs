//! The bundled typeface and text measurement.
//!
//! Labels are measured with the real advance widths of NanumSquare (Regular and Bold, SIL Open
//! Font License 1.1, shipped unmodified in `fonts/`), the same faces the PNG is rendered with, so
//! a Korean syllable is measured as the full-width glyph it is and a Latin letter as the narrow
//! one it is. Characters the face lacks are measured by their East Asian width as a fallback.
//! [`wrap`] breaks a label into lines that fit a width: at spaces first, and inside a word only
//! when the word alone is too long (Hangul may break between any two syllables).

use std::sync::OnceLock;

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

/// NanumSquare Regular, unmodified (OFL-1.1, see `fonts/OFL.txt`).
pub static REGULAR_TTF: &[u8] = include_bytes!("../fonts/NanumSquareR.ttf");
/// NanumSquare Bold, unmodified (OFL-1.1, see `fonts/OFL.txt`).
pub static BOLD_TTF: &[u8] = include_bytes!("../fonts/NanumSquareB.ttf");

/// The family name the faces declare, used in SVG `font-family` and for PNG rendering.
pub const FAMILY: &str = "NanumSquare";

/// Font stack written into SVG: the bundled family first, then Korean-capable system faces.
pub const SVG_FONT_STACK: &str =
    "NanumSquare, 'Noto Sans KR', 'Apple SD Gothic Neo', 'Malgun Gothic', sans-serif";

/// Ascent and descent of the faces, in em (from `hhea`: 850 and 255 per 1000).
pub const ASCENT_EM: f32 = 0.85;
pub const DESCENT_EM: f32 = 0.255;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// Per-face advance table for the characters labels use, in em.
struct Advances {
    ascii: [f32; 128],
    face: FontRef<'static>,
}

impl Advances {
    fn load(bytes: &'static [u8]) -> Advances {
        // The bundled faces are part of the build; failing to read them is a packaging bug.
        let face = FontRef::new(bytes).expect("bundled font parses");
        let mut ascii = [0.5; 128];
        for (c, slot) in ascii.iter_mut().enumerate() {
            if let Some(w) = advance_of(&face, c as u8 as char) {
                *slot = w;
            }
        }
        Advances { ascii, face }
    }

    fn em(&self, c: char) -> f32 {
        if (c as u32) < 128 {
            return self.ascii[c as usize];
        }
        advance_of(&self.face, c).unwrap_or_else(|| fallback_em(c))
    }
}

fn advance_of(face: &FontRef<'static>, c: char) -> Option<f32> {
    let gid = face.charmap().map(c)?;
    // At a size of one pixel per em, advances come out in em.
    let metrics = face.glyph_metrics(Size::new(1.0), LocationRef::default());
    metrics.advance_width(gid)
}

/// Width of a character the face lacks: full-width for wide characters, else half.
fn fallback_em(c: char) -> f32 {
    if is_wide(c) { 1.0 } else { 0.55 }
}

/// East Asian wide characters (Hangul, CJK, full-width forms): they may break anywhere.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA960..=0xA97F | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6)
}

fn advances(weight: Weight) -> &'static Advances {
    static REGULAR: OnceLock<Advances> = OnceLock::new();
    static BOLD: OnceLock<Advances> = OnceLock::new();
    match weight {
        Weight::Regular => REGULAR.get_or_init(|| Advances::load(REGULAR_TTF)),
        Weight::Bold => BOLD.get_or_init(|| Advances::load(BOLD_TTF)),
    }
}

/// Width of `text` in pixels at font size `size`.
pub fn text_width(text: &str, size: f32, weight: Weight) -> f32 {
    let table = advances(weight);
    text.chars().map(|c| table.em(c)).sum::<f32>() * size
}

/// Breaks `text` into lines no wider than `max_width`, at spaces where possible. Never drops a
/// character; a single character wider than `max_width` gets a line of its own.
pub fn wrap(text: &str, max_width: f32, size: f32, weight: Weight) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        wrap_paragraph(paragraph, max_width, size, weight, &mut lines);
    }
    lines
}

fn wrap_paragraph(text: &str, max_width: f32, size: f32, weight: Weight, out: &mut Vec<String>) {
    let width = |s: &str| text_width(s, size, weight);
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate) <= max_width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        if width(word) <= max_width {
            line = word.to_string();
            continue;
        }
        // The word alone is too long: break it between characters.
        for c in word.chars() {
            let mut next = line.clone();
            next.push(c);
            if width(&next) > max_width && !line.is_empty() {
                out.push(std::mem::replace(&mut line, c.to_string()));
            } else {
                line = next;
            }
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hangul_is_measured_full_width_and_latin_narrower() {
        let hangul = text_width("영업", 10.0, Weight::Regular);
        let latin = text_width("ab", 10.0, Weight::Regular);
        assert!((hangul - 20.0).abs() < 2.5, "hangul {hangul}");
        assert!(latin < hangul * 0.75, "latin {latin} hangul {hangul}");
        assert!(text_width("Demo", 14.0, Weight::Bold) > text_width("Demo", 14.0, Weight::Regular));
    }

    #[test]
    fn wrap_prefers_spaces_and_breaks_long_words() {
        let lines = wrap("Discovery / needs analysis", 90.0, 14.0, Weight::Bold);
        assert_eq!(lines, ["Discovery /", "needs", "analysis"]);
        let lines = wrap("마케팅자격을갖춘리드입니다", 60.0, 14.0, Weight::Regular);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), "마케팅자격을갖춘리드입니다");
        for line in &lines {
            assert!(text_width(line, 14.0, Weight::Regular) <= 60.0);
        }
    }

    #[test]
    fn wrap_keeps_empty_text_as_one_empty_line() {
        assert_eq!(wrap("", 50.0, 12.0, Weight::Regular), [""]);
    }
}
