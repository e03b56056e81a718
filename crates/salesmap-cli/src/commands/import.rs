//! `salesmap import`: reads CRM exports, CSV or XES files into one normalized history, prints
//! what was read and every problem found, and writes the history as CSV or XES.
//!
//! The work is `salesmap_import::import_files`; this module turns flags into
//! `ImportOptions`, draws a progress bar on a terminal for large files, and maps the outcome
//! to exit codes: 0 clean, 1 the input has problems (rows skipped, unknown stages, duplicates,
//! an unreadable export), 2 a file or option could not be used.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use salesmap_import::{
    ColumnMapping, DateFormat, Duplicates, ImportError, ImportOptions, Progress, Source,
    import_files, render_problems, write_csv, write_xes,
};

use crate::inputs::load_map;

#[derive(clap::Args)]
pub struct Args {
    /// Export files (CSV, XES, .xes.gz); several files are joined on the deal id.
    #[arg(required = true, value_name = "EXPORT")]
    files: Vec<PathBuf>,
    /// Map stage names onto this map's stages through ids, names and aliases.
    #[arg(long, value_name = "MAP")]
    map: Option<PathBuf>,
    /// Write the history: a `.xes` path writes XES, any other path the normalized CSV, `-`
    /// the CSV to standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The export's source; `auto` recognises it from the headers.
    #[arg(long, value_enum, default_value = "auto")]
    from: From,
    /// How to read dates: `day-first`, `month-first` or a pattern such as `%d.%m.%Y %H:%M`.
    #[arg(long, value_name = "FORMAT")]
    date_format: Option<String>,
    /// Time zone of timestamps written without an offset (IANA name; default UTC).
    #[arg(long, value_name = "ZONE")]
    timezone: Option<String>,
    /// Fail on the first problem instead of skipping the row.
    #[arg(long)]
    strict: bool,
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
    /// The deal id column (repeat for files with different names).
    #[arg(long, value_name = "COLUMN")]
    deal_column: Vec<String>,
    /// The stage (activity) column.
    #[arg(long, value_name = "COLUMN")]
    stage_column: Vec<String>,
    /// The timestamp column.
    #[arg(long, value_name = "COLUMN")]
    time_column: Vec<String>,
    /// The column saying `stage` or `touch` for each row.
    #[arg(long, value_name = "COLUMN")]
    kind_column: Option<String>,
    /// Activity names that are touches (calls, emails, meetings), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    touches: Vec<String>,
    /// Problems listed per file and kind before the rest are counted.
    #[arg(long, default_value_t = 20, value_name = "N")]
    max_problems: usize,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum From {
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

pub fn run(args: Args) -> u8 {
    let options = match options(&args) {
        Ok(options) => options,
        Err(code) => return code,
    };
    let imported = match import_files(&args.files, &options) {
        Ok(imported) => imported,
        Err(error) => {
            eprintln!("error: {error}");
            return match error {
                ImportError::Io { .. } | ImportError::Option { .. } => 2,
                _ => 1,
            };
        }
    };
    let to_stdout = args.output.as_ref().is_some_and(|o| o.as_os_str() == "-");
    let summary = imported.summary.to_string();
    if to_stdout {
        eprint!("{summary}");
    } else {
        print!("{summary}");
    }
    if !imported.problems.is_empty() {
        eprint!("{}", render_problems(&imported.problems, args.max_problems));
        let errors = imported
            .problems
            .iter()
            .filter(|p| !p.kind.is_warning())
            .count();
        let warnings = imported.problems.len() - errors;
        eprintln!("{errors} error(s), {warnings} warning(s)");
    }
    if let Some(output) = &args.output {
        let written = if to_stdout {
            let stdout = std::io::stdout();
            write_csv(&imported.history, stdout.lock())
        } else {
            std::fs::File::create(output).and_then(|file| {
                let is_xes = output
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("xes"));
                if is_xes {
                    write_xes(&imported.history, file)
                } else {
                    write_csv(&imported.history, std::io::BufWriter::new(file))
                }
            })
        };
        if let Err(e) = written {
            eprintln!("error: cannot write {}: {e}", output.display());
            return 2;
        }
        if !to_stdout {
            println!("wrote {}", output.display());
        }
    } else {
        println!("no history written: give -o history.csv (or .xes) to write it");
    }
    u8::from(!imported.problems.is_empty())
}

fn options(args: &Args) -> Result<ImportOptions, u8> {
    let map = match &args.map {
        Some(path) => Some(load_map(path)?),
        None => None,
    };
    let mut columns = match &args.mapping {
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
    if !args.deal_column.is_empty() {
        columns.deal = args.deal_column.clone();
    }
    if !args.stage_column.is_empty() {
        columns.stage = args.stage_column.clone();
    }
    if !args.time_column.is_empty() {
        columns.timestamp = args.time_column.clone();
    }
    if args.kind_column.is_some() {
        columns.kind = args.kind_column.clone();
    }
    if !args.touches.is_empty() {
        columns.touches = args.touches.clone();
    }
    let date_format = match &args.date_format {
        None => None,
        Some(text) => Some(DateFormat::parse(text).map_err(|e| {
            eprintln!("error: {e}");
            2u8
        })?),
    };
    let large = args
        .files
        .iter()
        .any(|f| std::fs::metadata(f).is_ok_and(|m| m.len() > 16 << 20));
    let progress: Option<Arc<dyn Progress>> = (large && std::io::stderr().is_terminal())
        .then(|| Arc::new(Bar::default()) as Arc<dyn Progress>);
    Ok(ImportOptions {
        source: match args.from {
            From::Auto => Source::Auto,
            From::Csv => Source::Csv,
            From::Xes => Source::Xes,
            From::Salesforce => Source::Salesforce,
            From::Hubspot => Source::HubSpot,
            From::Pipedrive => Source::Pipedrive,
            From::Snapshot => Source::Snapshot,
        },
        map,
        date_format,
        timezone: args.timezone.clone(),
        strict: args.strict,
        lifecycle: (!args.lifecycle.is_empty()).then(|| args.lifecycle.clone()),
        duplicates: args.duplicates.map(|d| match d {
            DuplicatesArg::Keep => Duplicates::KeepAll,
            DuplicatesArg::Once => Duplicates::KeepOnce,
        }),
        columns,
        attributes: salesmap_import::Attributes::All,
        progress,
    })
}

/// A one-line progress bar on standard error, redrawn at most ten times a second.
#[derive(Default)]
struct Bar {
    state: Mutex<BarState>,
}

#[derive(Default)]
struct BarState {
    file: String,
    total: Option<u64>,
    drawn: Option<Instant>,
}

impl Progress for Bar {
    fn start(&self, file: &str, total_bytes: Option<u64>) {
        if let Ok(mut state) = self.state.lock() {
            *state = BarState {
                file: file.to_string(),
                total: total_bytes,
                drawn: None,
            };
        }
    }

    fn advance(&self, bytes: u64) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if state
            .drawn
            .is_some_and(|at| at.elapsed() < Duration::from_millis(100))
        {
            return;
        }
        state.drawn = Some(Instant::now());
        let mb = |b: u64| b as f64 / (1 << 20) as f64;
        let line = match state.total {
            Some(total) if total > 0 => {
                let done = (bytes.min(total) * 30 / total) as usize;
                format!(
                    "{} [{}{}] {:.0}/{:.0} MB",
                    state.file,
                    "#".repeat(done),
                    "-".repeat(30 - done),
                    mb(bytes),
                    mb(total)
                )
            }
            _ => format!("{} {:.0} MB", state.file, mb(bytes)),
        };
        let mut stderr = std::io::stderr();
        let _ = write!(stderr, "\r\x1b[2K{line}");
        let _ = stderr.flush();
    }

    fn finish(&self) {
        let mut stderr = std::io::stderr();
        let _ = write!(stderr, "\r\x1b[2K");
        let _ = stderr.flush();
    }
}
