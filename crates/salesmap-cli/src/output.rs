//! What the commands write: a file or standard output ([`write_output`]), and the text helpers
//! their tables and captions share: file names, thousands separators, durations, cutting or
//! padding to a width in display columns (Hangul counts two), and `say!`, a line in English or
//! Korean.

use std::io::Write;
use std::path::Path;

use unicode_width::UnicodeWidthChar;

/// A path's file name for captions and titles (the whole path when it has none).
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// A duration in seconds, in the largest unit that keeps it readable.
pub fn duration(seconds: f64) -> String {
    let a = seconds.abs();
    if a < 120.0 {
        format!("{seconds:.0} s")
    } else if a < 7200.0 {
        format!("{:.1} min", seconds / 60.0)
    } else if a < 2.0 * 86_400.0 {
        format!("{:.1} h", seconds / 3600.0)
    } else {
        format!("{:.1} d", seconds / 86_400.0)
    }
}

/// A number rounded to a whole and written with thousands separators: `1,234,567`.
pub fn grouped(v: f64) -> String {
    let rounded = v.round() as i64;
    let digits = rounded.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if rounded < 0 { format!("-{out}") } else { out }
}

/// `s` cut to at most `width` display columns (Hangul counts two), ending in `…` when cut.
pub fn truncate(s: &str, width: usize) -> String {
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `s` cut or padded to exactly `width` display columns, for table cells.
pub fn fit(s: &str, width: usize) -> String {
    let cut = truncate(s, width);
    let used: usize = cut.chars().map(|c| c.width().unwrap_or(0)).sum();
    format!("{cut}{}", " ".repeat(width.saturating_sub(used)))
}

/// Writes `bytes` to `path`, or to standard output when `path` is `-`.
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<(), u8> {
    let result = if path.as_os_str() == "-" {
        std::io::stdout().write_all(bytes)
    } else {
        std::fs::write(path, bytes)
    };
    result.map_err(|e| {
        eprintln!("error: cannot write {}: {e}", path.display());
        2
    })
}

/// Writes one line of text in English or Korean (`ko`): the English format string, then the
/// Korean one, then the arguments both use (by position, or captured by name), so a line's two
/// wordings sit side by side.
macro_rules! say {
    ($w:expr, $ko:expr, $en:literal, $kr:literal $(, $arg:expr)* $(,)?) => {{
        let _ = if $ko {
            writeln!($w, $kr $(, $arg)*)
        } else {
            writeln!($w, $en $(, $arg)*)
        };
    }};
}
pub(crate) use say;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        let got: Vec<String> = [5.0, 600.0, 7200.0, 3.0 * 86_400.0, -90.0]
            .iter()
            .map(|&s| duration(s))
            .collect();
        assert_eq!(got, ["5 s", "10.0 min", "2.0 h", "3.0 d", "-90 s"]);
    }
}
