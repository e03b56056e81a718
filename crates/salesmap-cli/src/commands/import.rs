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
    ImportError, ImportOptions, Progress, import_files, render_problems, write_csv, write_xes,
};

use crate::inputs::{ReadArgs, load_map};

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
    /// How the export is read (source, dates, zone, column mapping, touches).
    #[command(flatten)]
    read: ReadArgs,
    /// Fail on the first problem instead of skipping the row.
    #[arg(long)]
    strict: bool,
    /// Problems listed per file and kind before the rest are counted.
    #[arg(long, default_value_t = 20, value_name = "N")]
    max_problems: usize,
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
    let mut options = args.read.options()?;
    if let Some(path) = &args.map {
        options.map = Some(load_map(path)?);
    }
    options.strict = args.strict;
    let large = args
        .files
        .iter()
        .any(|f| std::fs::metadata(f).is_ok_and(|m| m.len() > 16 << 20));
    options.progress = (large && std::io::stderr().is_terminal())
        .then(|| Arc::new(Bar::default()) as Arc<dyn Progress>);
    Ok(options)
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
