//! Import: CRM exports, CSV and XES files become one normalized
//! [`History`](salesmap_core::history::History), plus the row-level [`Problem`]s found on the
//! way and a [`Summary`] of what was read.
//!
//! - [`import_files`] reads one or more files with [`ImportOptions`]: the source format is
//!   recognised from the file's headers (or given), each reader turns rows into stage entries
//!   and touches, and a single collector interns deals, stages and attributes, maps stage names
//!   onto the map's stages, reports duplicates and builds the history.
//! - [`read_history`] is the one-file, default-options shortcut used by discovery and tests.
//! - [`write_csv`] and [`write_xes`] write a history back out: the normalized history CSV
//!   (docs/import.md) reads back into an identical history, and XES is the process-mining
//!   standard that PM4Py, ProM and Disco read.
//!
//! Bad input is data, not failure: a row that cannot be read becomes a [`Problem`] with file,
//! row, column, reason and help, and the valid rows are kept. Only what stops a whole file
//! (it cannot be opened, its format is unknown, its dates are ambiguous) is an
//! [`ImportError`]. Nothing here panics on any input bytes.

use std::path::{Path, PathBuf};

// The layers, from the bottom: the vocabulary (problems, timestamps, the column mapping,
// options, the summary, dictionaries), the collector every reader writes into, the byte
// stream and the CSV table, the source readers, and on top the input step that opens a file
// and hands it to its reader.
mod collect;
mod dictionary;
mod input;
mod mapping;
mod normalized;
mod options;
mod problem;
mod sources;
mod stage_names;
mod stream;
mod summary;
mod table;
mod timestamp;

pub use collect::Imported;
pub use mapping::ColumnMapping;
pub use normalized::write_csv;
pub use options::{Attributes, Duplicates, ImportOptions, Progress, Source};
pub use problem::{ImportError, Problem, ProblemKind, render_problems};
pub use sources::xes::write_xes;
pub use summary::{FileSummary, StageCount, Summary, UnknownStage};
pub use timestamp::{DateFormat, format_timestamp};

/// Reads one or more files (format detected from extension/headers unless options say
/// otherwise) into one history; files are joined on the deal id.
pub fn import_files(paths: &[PathBuf], options: &ImportOptions) -> Result<Imported, ImportError> {
    let mut collector = collect::Collector::new(options)?;
    for path in paths {
        input::read_file(path, options, &mut collector)?;
    }
    collector.finish()
}

/// Convenience: one file, default options (auto-detect, keep every event).
pub fn read_history(path: &Path) -> Result<Imported, ImportError> {
    import_files(&[path.to_path_buf()], &ImportOptions::default())
}
