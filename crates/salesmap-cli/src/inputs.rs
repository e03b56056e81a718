//! Loading what the commands read, each step printing its own clear error and returning the
//! exit code to stop with: map files ([`load_map`], checked, with diagnostics printed
//! compiler-style), histories ([`load_history`]: an export or a normalized history, with the
//! import's notes and problems printed as `import` prints them, so no command drops a row
//! without a word), the analysis instant ([`resolve_as_of`]), and a map with a history for the
//! commands that measure one against the other ([`load_measured`]), with the options for aging
//! open deals ([`AgingArgs`]) and for reading an export ([`ReadArgs`], shared by `import` and
//! `init --from-history`).

use std::path::{Path, PathBuf};

use salesmap_core::history::{History, Micros};
use salesmap_import::{
    Attributes, ColumnMapping, DateFormat, Duplicates, ImportOptions, Imported, Source,
    import_files, render_problems,
};

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

/// Reads a history, printing the import's notes and problems to stderr. Returns the history
/// and the exit code its problems call for (0 or 1), or the exit code of a fatal failure.
pub fn load_history(path: &Path) -> Result<(History, u8), u8> {
    load_history_with(path, Attributes::All)
}

/// [`load_history`] keeping only the attributes asked for.
pub fn load_history_with(path: &Path, attributes: Attributes) -> Result<(History, u8), u8> {
    load_history_noted(path, attributes).map(|(history, code, _)| (history, code))
}

/// Problems listed one by one per file and kind, on the terminal and in the report (as
/// `import --max-problems` does by default).
const PROBLEMS_SHOWN: usize = 20;

/// [`load_history_with`], also returning what was printed: the import's notes and problems,
/// one entry each, for the report to show.
pub fn load_history_noted(
    path: &Path,
    attributes: Attributes,
) -> Result<(History, u8, Vec<String>), u8> {
    let options = ImportOptions {
        attributes,
        ..ImportOptions::default()
    };
    match import_files(&[path.to_path_buf()], &options) {
        Ok(imported) => {
            let errors = imported
                .problems
                .iter()
                .filter(|p| !p.kind.is_warning())
                .count();
            let notes = import_notes(&imported);
            for note in &notes {
                eprintln!("{note}");
            }
            Ok((imported.history, u8::from(errors > 0), notes))
        }
        Err(e) => {
            eprintln!("error: {e}");
            Err(2)
        }
    }
}

/// The import's remarks (`note: …`, each file's and the whole import's, in `import`'s words)
/// and its problems (grouped as `import` groups them), one entry per paragraph.
pub fn import_notes(imported: &Imported) -> Vec<String> {
    let mut notes: Vec<String> = imported
        .summary
        .remarks()
        .into_iter()
        .map(|r| format!("note: {r}"))
        .collect();
    let problems = render_problems(&imported.problems, PROBLEMS_SHOWN);
    let mut paragraph = String::new();
    for line in problems.lines() {
        if !paragraph.is_empty() && !line.starts_with("  ") {
            notes.push(std::mem::take(&mut paragraph));
        }
        if !paragraph.is_empty() {
            paragraph.push('\n');
        }
        paragraph.push_str(line);
    }
    if !paragraph.is_empty() {
        notes.push(paragraph);
    }
    notes
}

/// The analysis instant: `--as-of` when given (printing a clear error, exit code 2, when it
/// cannot be read), else the history's latest event, so the same files give the same result on
/// any day.
pub fn resolve_as_of(flag: Option<&str>, history: &History) -> Result<Micros, u8> {
    match flag {
        Some(s) => parse_instant(s).map_err(|e| {
            eprintln!("error: --as-of {s}: {e}");
            2
        }),
        None => Ok(history.time.iter().copied().max().unwrap_or(0)),
    }
}

/// Parses `YYYY-MM-DD` (midnight UTC) or an RFC 3339 timestamp.
pub fn parse_instant(s: &str) -> Result<Micros, String> {
    if s.len() == 10 && s.parse::<jiff::civil::Date>().is_ok() {
        let ts: jiff::Timestamp = format!("{s}T00:00:00Z")
            .parse()
            .map_err(|e: jiff::Error| e.to_string())?;
        return Ok(ts.as_microsecond());
    }
    s.parse::<jiff::Timestamp>()
        .map(|t| t.as_microsecond())
        .map_err(|_| {
            "expected a date like 2024-03-31 or a timestamp like 2024-03-31T12:00:00Z".into()
        })
}

/// What the commands that measure a history against a map start from.
pub struct Measured {
    pub map: salesmap_core::map::Map,
    pub history: salesmap_core::history::History,
    /// Exit code the history's import problems call for (0 or 1).
    pub problems: u8,
    /// The import's notes and problems as printed, one per entry (see [`import_notes`]).
    pub import_notes: Vec<String>,
    /// The analysis instant (see [`resolve_as_of`]).
    pub as_of: salesmap_core::history::Micros,
}

/// Loads the map and the history and resolves `--as-of`, printing each error; `Err` is the
/// exit code.
pub fn load_measured(map: &Path, history: &Path, as_of: Option<&str>) -> Result<Measured, u8> {
    let map = load_map(map)?;
    let (history, problems, import_notes) = load_history_noted(history, Attributes::All)?;
    let as_of = resolve_as_of(as_of, &history)?;
    Ok(Measured {
        map,
        history,
        problems,
        import_notes,
        as_of,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants() {
        assert_eq!(parse_instant("1970-01-02"), Ok(86_400_000_000));
        assert_eq!(parse_instant("1970-01-01T00:00:01Z"), Ok(1_000_000));
        assert!(
            parse_instant("02/01/1970")
                .unwrap_err()
                .contains("2024-03-31")
        );
    }
}

/// How open deals are aged (`analyze`, `report`, `plan`): see `salesmap_core::aging`.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct AgingArgs {
    /// Open deals older than this many days are aged: shown apart, with no forecast or plan
    /// credit. `off`: no age limit. Default: the 90th percentile of the won deals' cycle
    /// lengths (stages' `rotten_days` always apply).
    #[arg(long, value_name = "DAYS|off")]
    aging_days: Option<String>,
    /// Give aged deals forecast and plan credit like the others.
    #[arg(long)]
    credit_aged: bool,
}

impl AgingArgs {
    /// The aging options, or the error to print.
    pub fn options(&self) -> Result<salesmap_core::aging::AgingOptions, String> {
        use salesmap_core::aging::{AgingLimit, AgingOptions};
        let limit = match self.aging_days.as_deref().map(str::trim) {
            None => AgingLimit::WonCycles,
            Some("off") => AgingLimit::Off,
            Some(s) => match s.parse::<f64>() {
                Ok(days) if days.is_finite() && days > 0.0 => AgingLimit::Days { days },
                _ => {
                    return Err(format!(
                        "--aging-days {s}: expected a number of days above 0 (e.g. 180) or `off`"
                    ));
                }
            },
        };
        Ok(AgingOptions {
            limit,
            credit_aged: self.credit_aged,
        })
    }
}

/// How an export is read: the source, dates, zone and column mapping (`import` and `init
/// --from-history`).
#[derive(clap::Args)]
pub struct ReadArgs {
    /// The export's source; `auto` recognises it from the headers.
    #[arg(long, value_enum, default_value = "auto")]
    from: SourceArg,
    /// How to read dates: `day-first`, `month-first` or a pattern such as `%d.%m.%Y %H:%M`.
    #[arg(long, value_name = "FORMAT")]
    date_format: Option<String>,
    /// Time zone of timestamps written without an offset (IANA name; default UTC).
    #[arg(long, value_name = "ZONE")]
    timezone: Option<String>,
    /// Keep only events with these lifecycle transitions, e.g. `complete` (default: all).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    lifecycle: Vec<String>,
    /// Repeated events: `once` keeps the first copy, `keep` keeps all (default: XES and the
    /// normalized CSV keep all, CRM exports keep once).
    #[arg(long, value_enum)]
    duplicates: Option<DuplicatesArg>,
    /// A TOML column mapping file (see docs/import.md).
    #[arg(long, value_name = "FILE")]
    mapping: Option<PathBuf>,
    /// The deal id column (repeat for files with different names; XES: a trace key).
    #[arg(long, value_name = "COLUMN")]
    deal_column: Vec<String>,
    /// The stage (activity) column (XES: an event key).
    #[arg(long, value_name = "COLUMN")]
    stage_column: Vec<String>,
    /// The timestamp column (XES: an event key).
    #[arg(long, value_name = "COLUMN")]
    time_column: Vec<String>,
    /// The column saying `stage` or `touch` for each row (XES: an event key).
    #[arg(long, value_name = "COLUMN")]
    kind_column: Option<String>,
    /// Activity names that are touches (calls, emails, meetings), comma-separated; `W_*`
    /// names every activity starting with `W_`.
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    touches: Vec<String>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SourceArg {
    Auto,
    Csv,
    Xes,
    Salesforce,
    Hubspot,
    Pipedrive,
    Snapshot,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum DuplicatesArg {
    Keep,
    Once,
}

impl ReadArgs {
    /// Whether any of these flags was given (they mean nothing without an export to read).
    pub fn any_given(&self) -> bool {
        !matches!(self.from, SourceArg::Auto)
            || self.date_format.is_some()
            || self.timezone.is_some()
            || !self.lifecycle.is_empty()
            || self.duplicates.is_some()
            || self.mapping.is_some()
            || !self.deal_column.is_empty()
            || !self.stage_column.is_empty()
            || !self.time_column.is_empty()
            || self.kind_column.is_some()
            || !self.touches.is_empty()
    }

    /// The import options the flags and the mapping file give (no map, no progress bar),
    /// printing a clear error (exit code 2) when one cannot be used.
    pub fn options(&self) -> Result<ImportOptions, u8> {
        let mut columns = match &self.mapping {
            None => ColumnMapping::default(),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    eprintln!("error: cannot read {}: {e}", path.display());
                    2u8
                })?;
                ColumnMapping::from_toml(&text, &path.display().to_string()).map_err(|e| {
                    eprintln!("error: {e}");
                    2u8
                })?
            }
        };
        if !self.deal_column.is_empty() {
            columns.deal = self.deal_column.clone();
        }
        if !self.stage_column.is_empty() {
            columns.stage = self.stage_column.clone();
        }
        if !self.time_column.is_empty() {
            columns.timestamp = self.time_column.clone();
        }
        if self.kind_column.is_some() {
            columns.kind = self.kind_column.clone();
        }
        if !self.touches.is_empty() {
            columns.touches = self.touches.clone();
        }
        let date_format = match &self.date_format {
            None => None,
            Some(text) => Some(DateFormat::parse(text).map_err(|e| {
                eprintln!("error: {e}");
                2u8
            })?),
        };
        Ok(ImportOptions {
            source: match self.from {
                SourceArg::Auto => Source::Auto,
                SourceArg::Csv => Source::Csv,
                SourceArg::Xes => Source::Xes,
                SourceArg::Salesforce => Source::Salesforce,
                SourceArg::Hubspot => Source::HubSpot,
                SourceArg::Pipedrive => Source::Pipedrive,
                SourceArg::Snapshot => Source::Snapshot,
            },
            date_format,
            timezone: self.timezone.clone(),
            lifecycle: (!self.lifecycle.is_empty()).then(|| self.lifecycle.clone()),
            duplicates: self.duplicates.map(|d| match d {
                DuplicatesArg::Keep => Duplicates::KeepAll,
                DuplicatesArg::Once => Duplicates::KeepOnce,
            }),
            columns,
            attributes: Attributes::All,
            ..ImportOptions::default()
        })
    }
}
