//! One module per subcommand; each exposes `Args` (clap) and `run(Args) -> u8` (the exit code),
//! plus the file helpers they share.

use std::io::Write;
use std::path::Path;

pub mod analyze;
pub mod check;
pub mod demo;
pub mod discover;
pub mod fmt;
pub mod generate;
pub mod import;
pub mod init;
pub mod plan;
pub mod render;
pub mod report;

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
