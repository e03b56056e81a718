//! One module per subcommand; each exposes `Args` (clap) and `run(Args) -> u8` (the exit code),
//! plus the file helpers they share.

use std::io::Write;
use std::path::Path;

pub mod check;
pub mod demo;
pub mod fmt;
pub mod init;

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
