//! Import: CRM exports, CSV and XES files become one normalized [`History`], plus the
//! row-level [`Problem`]s found on the way and a [`Summary`] of what was read.
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
use std::sync::Arc;

use salesmap_core::history::History;
use salesmap_core::map::Map;

mod blocks;
mod changes;
mod collect;
mod dictionary;
mod hubspot;
mod input;
mod long_csv;
mod mapping;
mod normalized;
mod pipedrive;
mod problem;
mod records;
mod salesforce;
mod snapshot;
mod stage_names;
mod summary;
mod timestamp;
mod xes;

pub use mapping::ColumnMapping;
pub use normalized::write_csv;
pub use problem::{ImportError, Problem, ProblemKind, render_problems};
pub use summary::{FileSummary, StageCount, Summary, UnknownStage};
pub use timestamp::format_timestamp;
pub use xes::write_xes;

/// Which reader to use for a file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Source {
    /// Recognise the format from the file's extension and headers.
    #[default]
    Auto,
    /// A long CSV: one row per event (deal, stage, timestamp, attributes), including the
    /// normalized history CSV this crate writes.
    Csv,
    /// An XES event log, plain or gzip-compressed.
    Xes,
    /// Salesforce `OpportunityHistory` or `OpportunityFieldHistory`.
    Salesforce,
    /// HubSpot deal export with `Date entered "<Stage> (<Pipeline>)"` columns.
    HubSpot,
    /// Pipedrive deal export (`Deal - …` columns) or deal-flow / changelog data.
    Pipedrive,
    /// One row per deal with a date column per milestone.
    Snapshot,
}

impl Source {
    pub const ALL: [Source; 7] = [
        Source::Auto,
        Source::Csv,
        Source::Xes,
        Source::Salesforce,
        Source::HubSpot,
        Source::Pipedrive,
        Source::Snapshot,
    ];

    /// The name used on the command line (`--from`).
    pub fn name(self) -> &'static str {
        match self {
            Source::Auto => "auto",
            Source::Csv => "csv",
            Source::Xes => "xes",
            Source::Salesforce => "salesforce",
            Source::HubSpot => "hubspot",
            Source::Pipedrive => "pipedrive",
            Source::Snapshot => "snapshot",
        }
    }

    pub fn from_name(name: &str) -> Option<Source> {
        Source::ALL
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(name))
    }
}

/// How to read day/month dates and other layouts the automatic reader cannot settle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateFormat {
    /// `05/04/2023` is the 5th of April.
    DayFirst,
    /// `05/04/2023` is May 4th.
    MonthFirst,
    /// A strftime-style layout such as `%d.%m.%Y %H:%M` (jiff's `strtime`); values that do
    /// not fit it are still tried as ISO 8601 and epoch milliseconds.
    Pattern(String),
}

impl DateFormat {
    /// Parses the `--date-format` value: `day-first` (or `dmy`), `month-first` (or `mdy`), or
    /// a strftime pattern containing `%`.
    pub fn parse(text: &str) -> Result<DateFormat, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "day-first" | "dmy" | "dd/mm/yyyy" => Ok(DateFormat::DayFirst),
            "month-first" | "mdy" | "mm/dd/yyyy" => Ok(DateFormat::MonthFirst),
            _ if text.contains('%') => Ok(DateFormat::Pattern(text.to_string())),
            _ => Err(format!(
                "unknown date format `{text}`: use day-first, month-first or a pattern such as `%d.%m.%Y %H:%M`"
            )),
        }
    }
}

/// What to do with identical events (same deal, stage, timestamp, kind and event attributes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Duplicates {
    /// Keep every copy (PM4Py's behaviour; the default for XES logs).
    KeepAll,
    /// Keep the first copy and report the others (the default for CSV and CRM exports).
    KeepOnce,
}

/// Which attribute columns to carry into the history.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Attributes {
    /// Every attribute the source has.
    #[default]
    All,
    /// None: only deal, stage, timestamp and kind (fastest).
    None,
}

/// Receives reading progress, for a progress bar. Called from the reading thread.
pub trait Progress: Send + Sync {
    /// A file starts; `total_bytes` is its size on disk when known.
    fn start(&self, file: &str, total_bytes: Option<u64>);
    /// `bytes` of the file (as stored, compressed or not) have been read so far.
    fn advance(&self, bytes: u64);
    /// The file is done.
    fn finish(&self);
}

/// Everything that changes how files are read. `ImportOptions::default()` recognises the
/// format, keeps every event and maps nothing.
#[derive(Clone, Default)]
pub struct ImportOptions {
    pub source: Source,
    /// With a map, stage names are mapped to the map's stage ids through names and aliases.
    pub map: Option<Map>,
    pub date_format: Option<DateFormat>,
    /// IANA time zone (`Asia/Seoul`) for timestamps written without an offset; UTC if unset.
    pub timezone: Option<String>,
    /// Any problem fails the import.
    pub strict: bool,
    /// Keep only events whose `lifecycle:transition` is one of these (case-insensitive);
    /// `None` keeps every event.
    pub lifecycle: Option<Vec<String>>,
    /// `None`: by source (XES keeps all, others keep once).
    pub duplicates: Option<Duplicates>,
    pub columns: ColumnMapping,
    pub attributes: Attributes,
    pub progress: Option<Arc<dyn Progress>>,
}

/// The result of an import: the history, the problems found, and what was read.
#[derive(Clone, Debug)]
pub struct Imported {
    pub history: History,
    pub problems: Vec<Problem>,
    pub summary: Summary,
}

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
