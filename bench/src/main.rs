//! `salesmap-bench`: writes the benchmark workloads (see the library's docs and
//! bench/README.md).
//!
//! - `salesmap-bench workloads [--dir DIR] [--smoke] [NAME...]` writes the full set (or the
//!   smoke set, or the named files) and `DIR/workloads.tsv`; files already there are kept.
//! - `salesmap-bench phases FILE [--attributes]` times the phases of `salesmap discover` on
//!   FILE (import without attributes, or with them as `analyze` reads, then discovery on
//!   every core) and prints them to stderr: the profile to read before and after a change on
//!   the hot path.
//! - `salesmap-bench cores` times one CPU-bound loop alone and then on every core at once,
//!   and prints how many cores' worth of work the machine really gives (shared or SMT
//!   cores give less than their count): what any parallel speed-up here is bounded by.
//! - `salesmap-bench replicate LOG COPIES OUT` copies any event log salesmap reads `COPIES`
//!   times with renamed cases, as a `case_id,activity,timestamp` CSV (or XES for `.xes` and
//!   `.xes.gz`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use salesmap_bench::{Made, Workload, replicate, shared_data, write_event_csv, write_manifest};

const USAGE: &str = "usage:
  salesmap-bench workloads [--dir DIR] [--smoke] [NAME...]
  salesmap-bench phases FILE [--attributes]
  salesmap-bench replicate LOG COPIES OUT
  salesmap-bench cores";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("workloads") => workloads(&args[1..]),
        Some("replicate") => replicate_file(&args[1..]),
        Some("phases") => phases(&args[1..]),
        Some("cores") => {
            cores();
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn workloads(args: &[String]) -> Result<(), String> {
    let mut dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut set = Workload::full_set();
    let mut names = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--dir" => dir = PathBuf::from(it.next().ok_or("--dir needs a directory")?),
            "--smoke" => set = Workload::smoke_set(),
            name if !name.starts_with('-') => names.push(name.to_string()),
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    if !names.is_empty() {
        let all: Vec<Workload> = Workload::full_set()
            .into_iter()
            .chain(Workload::smoke_set())
            .collect();
        set = names
            .iter()
            .map(|n| {
                all.iter()
                    .find(|w| &w.name == n)
                    .cloned()
                    .ok_or_else(|| format!("no workload named {n}"))
            })
            .collect::<Result<_, _>>()?;
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let shared = shared_data();
    let mut made: Vec<Made> = read_manifest(&dir);
    for workload in &set {
        if made
            .iter()
            .any(|m| m.name == workload.name && m.path.exists())
        {
            eprintln!("{}: already there", workload.name);
            continue;
        }
        let start = std::time::Instant::now();
        let m = workload.make(&dir, &shared)?;
        eprintln!(
            "{}: {} events, {} deals, {:.1} MB ({:.1} s)",
            m.name,
            m.events,
            m.deals,
            m.bytes as f64 / 1e6,
            start.elapsed().as_secs_f64()
        );
        made.retain(|x| x.name != m.name);
        made.push(m);
    }
    write_manifest(&dir, &made).map_err(|e| format!("{}: {e}", dir.display()))
}

/// The manifest lines already in `dir`, so that adding a workload keeps the others listed.
fn read_manifest(dir: &Path) -> Vec<Made> {
    let Ok(text) = std::fs::read_to_string(dir.join("workloads.tsv")) else {
        return Vec::new();
    };
    let column = |name: &str| -> &'static str {
        ["case_id", "activity", "timestamp", "deal", "stage"]
            .into_iter()
            .find(|c| *c == name)
            .unwrap_or("")
    };
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            (f.len() == 9).then(|| Made {
                name: f[0].to_string(),
                path: dir.join(f[0]),
                events: f[1].parse().unwrap_or(0),
                deals: f[2].parse().unwrap_or(0),
                activities: f[3].parse().unwrap_or(0),
                bytes: f[4].parse().unwrap_or(0),
                columns: [column(f[5]), column(f[6]), column(f[7])],
                description: f[8].to_string(),
            })
        })
        .collect()
}

fn replicate_file(args: &[String]) -> Result<(), String> {
    let [log, copies, out] = args else {
        return Err(USAGE.to_string());
    };
    let copies: usize = copies
        .parse()
        .ok()
        .filter(|&c| c > 0)
        .ok_or_else(|| format!("COPIES must be a positive number, not `{copies}`"))?;
    let imported = salesmap_import::read_history(Path::new(log)).map_err(|e| e.to_string())?;
    let history = replicate(&imported.history, copies);
    let file = std::fs::File::create(out).map_err(|e| format!("{out}: {e}"))?;
    let written = if out.ends_with(".xes.gz") {
        let gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
        salesmap_import::write_xes(&history, gz)
    } else if out.ends_with(".xes") {
        salesmap_import::write_xes(&history, file)
    } else {
        write_event_csv(&history, file)
    };
    written.map_err(|e| format!("{out}: {e}"))?;
    eprintln!(
        "wrote {out}: {} events, {} deals ({copies} copies of {log})",
        history.len(),
        history.deals.len()
    );
    Ok(())
}

fn phases(args: &[String]) -> Result<(), String> {
    let (file, attributes) = match args {
        [file] => (file, salesmap_import::Attributes::None),
        [file, all] if all == "--attributes" => (file, salesmap_import::Attributes::All),
        _ => return Err(USAGE.to_string()),
    };
    let start = std::time::Instant::now();
    let options = salesmap_import::ImportOptions {
        attributes,
        ..Default::default()
    };
    let imported = salesmap_import::import_files(&[PathBuf::from(file)], &options)
        .map_err(|e| e.to_string())?;
    let read = start.elapsed();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let options = salesmap_core::discovery::DiscoverOptions {
        threads,
        ..Default::default()
    };
    let d = salesmap_core::discovery::discover(&imported.history, &options)
        .map_err(|e| e.to_string())?;
    let discovered = start.elapsed();
    eprintln!(
        "{file}: {} events, {} deals, {} edges, {} variants; import {:.3} s, discover {:.3} s",
        d.events,
        d.cases,
        d.dfg.len(),
        d.variant_count,
        read.as_secs_f64(),
        (discovered - read).as_secs_f64()
    );
    Ok(())
}

/// A fixed amount of integer work that stays in registers (no memory traffic).
fn spin() -> u64 {
    let mut x = std::hint::black_box(1u64);
    for i in 0..400_000_000u64 {
        x = x.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(i) ^ (x >> 29);
    }
    x
}

fn cores() {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let best = |parallel: usize| {
        (0..3)
            .map(|_| {
                let start = std::time::Instant::now();
                std::thread::scope(|scope| {
                    let handles: Vec<_> = (0..parallel).map(|_| scope.spawn(spin)).collect();
                    for h in handles {
                        std::hint::black_box(h.join().expect("a spin thread panicked"));
                    }
                });
                start.elapsed().as_secs_f64()
            })
            .fold(f64::MAX, f64::min)
    };
    let one = best(1);
    let all = best(threads);
    eprintln!(
        "one loop alone: {one:.3} s; {threads} at once: {all:.3} s; \
         effective cores: {:.2} of {threads}",
        threads as f64 * one / all
    );
}
