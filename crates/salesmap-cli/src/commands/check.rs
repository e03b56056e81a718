//! `salesmap check`: reports every problem in a map, compiler-style or as JSON.

use std::path::PathBuf;

use salesmap_mapfile::diagnostic::{render_human, summary, to_json};
use salesmap_mapfile::{Severity, load};

use crate::inputs::read_map_source;

#[derive(clap::Args)]
pub struct Args {
    /// The map file to check.
    map: PathBuf,
    /// Output: `human` (compiler-style) or `json`.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Treat warnings as errors: `--deny warnings`.
    #[arg(long, value_name = "LEVEL")]
    deny: Option<DenyLevel>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum DenyLevel {
    Warnings,
}

pub fn run(args: Args) -> u8 {
    let source = match read_map_source(&args.map) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let path = args.map.display().to_string();
    let checked = load(&source, &path);
    match args.format {
        Format::Human => {
            print!("{}", render_human(&source, &path, &checked.diagnostics));
            eprintln!("{path}: {}", summary(&checked.diagnostics));
        }
        Format::Json => {
            let json = to_json(&source, &path, &checked.diagnostics);
            println!(
                "{}",
                serde_json::to_string_pretty(&json).expect("diagnostics serialize")
            );
        }
    }
    let failing = checked.diagnostics.iter().any(|d| {
        d.severity == Severity::Error || (d.severity == Severity::Warning && args.deny.is_some())
    });
    u8::from(failing)
}
