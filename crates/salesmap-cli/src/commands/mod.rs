//! One module per subcommand; each exposes `Args` (clap) and `run(Args) -> u8` (the exit code),
//! plus the file helpers they share.

use std::io::Write;
use std::path::Path;

use unicode_width::UnicodeWidthChar;

pub mod analyze;
pub mod check;
pub mod demo;
pub mod discover;
pub mod export;
pub mod fmt;
pub mod generate;
pub mod import;
pub mod init;
pub mod plan;
pub mod render;
pub mod report;
pub mod serve;
pub mod user;

/// A path's file name for captions and titles (the whole path when it has none).
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// What the commands that measure a history against a map start from.
pub struct Measured {
    pub map: salesmap_core::map::Map,
    pub history: salesmap_core::history::History,
    /// Exit code the history's import problems call for (0 or 1).
    pub problems: u8,
    /// The analysis instant (see [`discover::resolve_as_of`]).
    pub as_of: salesmap_core::history::Micros,
}

/// Loads the map and the history and resolves `--as-of`, printing each error; `Err` is the
/// exit code.
pub fn load_measured(map: &Path, history: &Path, as_of: Option<&str>) -> Result<Measured, u8> {
    let map = load_map(map)?;
    let (history, problems) = discover::load_history(history)?;
    let as_of = discover::resolve_as_of(as_of, &history)?;
    Ok(Measured {
        map,
        history,
        problems,
        as_of,
    })
}

/// Reads a map file, printing a clear error (exit code 2) when it cannot be read.
pub fn read_map_source(path: &Path) -> Result<String, u8> {
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|e| {
            eprintln!(
                "error: {} is not UTF-8 text (invalid byte at offset {})\n  = help: save the map as UTF-8",
                path.display(),
                e.utf8_error().valid_up_to()
            );
            2
        }),
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", path.display());
            Err(2)
        }
    }
}

/// Reads and checks a map file. On errors, prints the diagnostics compiler-style and returns
/// exit code 1 (2 when the file cannot be read); warnings are not printed here (`check` shows
/// them).
pub fn load_map(path: &Path) -> Result<salesmap_core::map::Map, u8> {
    let source = read_map_source(path)?;
    let shown = path.display().to_string();
    let checked = salesmap_mapfile::load(&source, &shown);
    match checked.map {
        Some(map) => Ok(map),
        None => {
            let errors: Vec<_> = checked
                .diagnostics
                .into_iter()
                .filter(|d| d.severity == salesmap_mapfile::Severity::Error)
                .collect();
            eprint!(
                "{}",
                salesmap_mapfile::diagnostic::render_human(&source, &shown, &errors)
            );
            eprintln!(
                "error: {shown} has {} error(s); fix them (see `salesmap check {shown}`) and run again",
                errors.len()
            );
            Err(1)
        }
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
