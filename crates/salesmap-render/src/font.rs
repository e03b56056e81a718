//! The bundled typeface and text measurement.
//!
//! Labels are measured with the real advance widths of NanumSquare (Regular and Bold, SIL Open
//! Font License 1.1, shipped unmodified in `fonts/`), the same faces the PNG is rendered with, so
//! a Korean syllable is measured as the full-width glyph it is and a Latin letter as the narrow
//! one it is. An SVG is also opened where NanumSquare is not installed, and a viewer then draws
//! it in a fallback face; so every character is measured at the widest a likely fallback draws
//! it: Latin in DejaVu Sans (about a fifth wider than NanumSquare, and as wide as any common
//! sans-serif; its advance widths are in [`DEJAVU_REGULAR`] and [`DEJAVU_BOLD`]), Hangul and
//! other wide characters at a full em. Text then fits its box in any of them, and stays centred.
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

    /// The advance of `c` in NanumSquare.
    fn nanum_em(&self, c: char) -> f32 {
        if (c as u32) < 128 {
            return self.ascii[c as usize];
        }
        advance_of(&self.face, c).unwrap_or_else(|| fallback_em(c))
    }

    /// The advance of `c` at the widest a likely face draws it (see the module docs).
    fn em(&self, c: char, weight: Weight) -> f32 {
        let nanum = self.nanum_em(c);
        let widest = match dejavu_em(c, weight) {
            Some(d) => d,
            None if is_wide(c) => 1.0,
            None => 0.95,
        };
        nanum.max(widest)
    }
}

/// The advance of `c` in DejaVu Sans, for Latin (U+0020–U+007E, U+00A0–U+00FF).
fn dejavu_em(c: char, weight: Weight) -> Option<f32> {
    let table = match weight {
        Weight::Regular => &DEJAVU_REGULAR,
        Weight::Bold => &DEJAVU_BOLD,
    };
    let at = match c as u32 {
        32..=126 => c as usize - 32,
        160..=255 => c as usize - 160 + 95,
        _ => return None,
    };
    Some(table[at] as f32 / 1000.0)
}

/// DejaVu Sans Book and Bold advance widths in thousandths of an em (the faces' metrics,
/// read with skrifa from Debian's `fonts-dejavu-core`), for U+0020–U+007E then U+00A0–U+00FF.
pub const DEJAVU_REGULAR: [u16; 191] = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632,
    575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685,
    611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579,
    278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
    318, 401, 636, 636, 636, 636, 337, 500, 500, 1000, 471, 612, 838, 361, 1000, 500, 500, 838,
    401, 401, 500, 636, 636, 318, 500, 401, 471, 612, 969, 969, 969, 531, 684, 684, 684, 684, 684,
    684, 974, 698, 632, 632, 632, 632, 295, 295, 295, 295, 775, 748, 787, 787, 787, 787, 787, 838,
    787, 732, 732, 732, 732, 611, 605, 630, 613, 613, 613, 613, 613, 613, 982, 550, 615, 615, 615,
    615, 278, 278, 278, 278, 612, 634, 612, 612, 612, 612, 612, 838, 612, 634, 634, 634, 634, 592,
    635, 592,
];
pub const DEJAVU_BOLD: [u16; 191] = [
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696,
    696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683,
    683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771,
    724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665,
    343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
    348, 456, 696, 696, 636, 696, 365, 500, 500, 1000, 564, 646, 838, 415, 1000, 500, 500, 838,
    438, 438, 500, 736, 636, 380, 500, 438, 564, 646, 1035, 1035, 1035, 580, 774, 774, 774, 774,
    774, 774, 1085, 734, 683, 683, 683, 683, 372, 372, 372, 372, 838, 837, 850, 850, 850, 850, 850,
    838, 850, 812, 812, 812, 812, 724, 738, 719, 675, 675, 675, 675, 675, 675, 1048, 593, 678, 678,
    678, 678, 343, 343, 343, 343, 687, 712, 687, 687, 687, 687, 687, 838, 687, 712, 712, 712, 712,
    652, 716, 652,
];

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
    text.chars().map(|c| table.em(c, weight)).sum::<f32>() * size
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
