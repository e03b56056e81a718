//! [`ImportOptions`]: everything that changes how files are read, given once for a whole
//! import: which reader ([`Source`]), the map whose names and aliases stage names are mapped
//! through, dates, time zone, duplicates, attributes and the progress bar.

use std::sync::Arc;

use salesmap_core::map::Map;

use crate::mapping::ColumnMapping;
use crate::timestamp::DateFormat;

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
