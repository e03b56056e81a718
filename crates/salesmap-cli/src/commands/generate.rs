//! `salesmap generate --map MAP --deals N --seed S -o history.csv`: a synthetic history for a
//! map, deterministic for a seed, written as a normalized history CSV (or XES when the output
//! ends in `.xes`). The planted effects that `analyze` should find are printed to stderr; they
//! are described in `salesmap_core::generate` and docs/metrics.md.

use std::path::PathBuf;

use salesmap_core::generate::{GenerateOptions, generate};
use salesmap_import::{write_csv, write_xes};

use crate::inputs::{load_map, parse_instant};
use crate::output::write_output;

#[derive(clap::Args)]
pub struct Args {
    /// The map file to generate deals for.
    #[arg(long)]
    map: PathBuf,
    /// Number of deals.
    #[arg(long, default_value_t = 1000)]
    deals: usize,
    /// Random seed: the same seed gives the same history.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// First day deals may start (`2026-01-01`).
    #[arg(long, default_value = "2026-01-01")]
    start: String,
    /// Length of the history in days.
    #[arg(long, default_value_t = 365)]
    days: u32,
    /// Output file (`.csv` normalized history, `.xes` XES, `-` for standard output).
    #[arg(short, long)]
    output: PathBuf,
}

pub fn run(args: Args) -> u8 {
    let map = match load_map(&args.map) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let start = match parse_instant(&args.start) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: --start {}: {e}", args.start);
            return 2;
        }
    };
    if args.days == 0 {
        eprintln!("error: --days must be at least 1");
        return 2;
    }
    let options = GenerateOptions {
        deals: args.deals,
        seed: args.seed,
        start,
        days: args.days,
    };
    let history = generate(&map, &options);
    let mut bytes = Vec::new();
    let xes = args
        .output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xes"));
    let written = if xes {
        write_xes(&history, &mut bytes)
    } else {
        write_csv(&history, &mut bytes)
    };
    if let Err(e) = written {
        eprintln!("error: cannot encode the history: {e}");
        return 2;
    }
    if let Err(code) = write_output(&args.output, &bytes) {
        return code;
    }
    eprintln!(
        "wrote {}: {} deals, {} events (seed {}, {} days from {})",
        args.output.display(),
        history.deals.len(),
        history.len(),
        args.seed,
        args.days,
        args.start
    );
    eprintln!("planted effects `salesmap analyze` should find:");
    eprintln!("  1. segment = smb deals spend half as long in every stage (fast vs slow)");
    eprintln!("  2. a case-study touch during a stay lifts the chance to advance (triggers)");
    eprintln!(
        "  3. source = referral deals skip one early main-path stage far more often (conformance, fast vs slow)"
    );
    0
}
