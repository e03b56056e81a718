//! Benchmark workloads: the files `bench/compare.py` times salesmap, DuckDB and PM4Py on.
//!
//! Two kinds of workload. A *replicated* log is one of the shared public event logs copied N
//! times with renamed cases ([`replicate`]): deal `d` of copy `k` becomes `d#k`, copies are
//! written one after the other and every timestamp is kept, so every count (events, deals,
//! edge counts, variant counts, activity counts) is exactly N times the original while every
//! per-edge mean, median, minimum and maximum is unchanged and the variants are the same
//! sequences. It stands in for the "BPI Challenge 2012 ×8" workload of published benchmarks,
//! which is not among the shared logs. A *generated* history comes from
//! `salesmap_core::generate` on the bundled 14-stage B2B map, written as the normalized history
//! CSV `salesmap generate` writes (with deal and event attributes), sized by event count.
//!
//! [`Workload::make`] writes one workload file and [`write_manifest`] lists what was written
//! in `workloads.tsv` (name, file, events, deals, and the case/activity/timestamp columns the
//! peers read), which is what the comparison script reads.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use salesmap_core::generate::{GenerateOptions, generate};
use salesmap_core::history::{History, MICROS_PER_DAY};
use salesmap_core::map::Map;
use salesmap_import::{
    Attributes, ImportOptions, format_timestamp, import_files, write_csv, write_xes,
};

/// The shared data directory (`../shared/data` beside the workspace).
pub fn shared_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data")
}

/// `copies` copies of `history`, deals renamed `<deal>#<k>` (k from 1), copies one after the
/// other, every event's activity, time, kind and attributes kept.
pub fn replicate(history: &History, copies: usize) -> History {
    let mut out = History::default();
    let width = copies.to_string().len();
    for k in 1..=copies {
        let names: Vec<String> = history
            .deals
            .names()
            .iter()
            .map(|d| format!("{d}#{k:0width$}"))
            .collect();
        let first_row = out.len();
        for row in 0..history.len() {
            out.push(
                &names[history.deal[row] as usize],
                history.activities.name(history.activity[row]),
                history.time[row],
                history.kind[row],
            );
        }
        for column in &history.event_attrs {
            for row in 0..history.len() {
                if let Some(value) = column.get(row) {
                    out.set_event_attr(first_row + row, &column.name, value);
                }
            }
        }
        for column in &history.deal_attrs {
            for (deal, name) in names.iter().enumerate() {
                if let Some(value) = column.get(deal) {
                    out.set_deal_attr(name, &column.name, value);
                }
            }
        }
    }
    out
}

/// Writes the plain event log CSV every tool reads: `case_id,activity,timestamp`, timestamps
/// RFC 3339 in UTC, rows in history order.
pub fn write_event_csv(history: &History, out: impl Write) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, out);
    out.write_all(b"case_id,activity,timestamp\n")?;
    for row in 0..history.len() {
        let deal = history.deals.name(history.deal[row]);
        let activity = history.activities.name(history.activity[row]);
        write_field(&mut out, deal)?;
        out.write_all(b",")?;
        write_field(&mut out, activity)?;
        writeln!(out, ",{}", format_timestamp(history.time[row]))?;
    }
    out.flush()
}

fn write_field(out: &mut impl Write, text: &str) -> io::Result<()> {
    if text.contains([',', '"', '\n', '\r']) {
        write!(out, "\"{}\"", text.replace('"', "\"\""))
    } else {
        out.write_all(text.as_bytes())
    }
}

/// A generated history of about `events` events on `map` (seed 1, one year from 2026-01-01):
/// the deal count is scaled from a pilot run of 2,000 deals.
pub fn generate_events(map: &Map, events: usize) -> History {
    let options = |deals: usize| GenerateOptions {
        deals,
        seed: 1,
        start: 20_454 * MICROS_PER_DAY, // 2026-01-01
        days: 365,
    };
    let pilot = generate(map, &options(2000));
    let per_deal = pilot.len() as f64 / 2000.0;
    let deals = ((events as f64 / per_deal).round() as usize).max(1);
    generate(map, &options(deals))
}

/// The bundled English B2B map (14 stages).
pub fn b2b_map() -> Map {
    let source = salesmap_mapfile::templates::b2b("en");
    salesmap_mapfile::load(source, "b2b.toml")
        .map
        .expect("the bundled template has no errors")
}

/// How a workload is made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recipe {
    /// A shared log (file name under `logs/`) copied `copies` times.
    Replicate { log: &'static str, copies: usize },
    /// A history generated on the B2B map with about this many events.
    Generate { events: usize },
}

/// One benchmark input file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workload {
    /// File name: `.csv` or `.xes.gz`.
    pub name: String,
    pub recipe: Recipe,
}

/// What [`Workload::make`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Made {
    pub name: String,
    pub path: PathBuf,
    pub events: usize,
    pub deals: usize,
    pub activities: usize,
    pub bytes: u64,
    /// Columns holding the case, the activity and the timestamp (empty for XES).
    pub columns: [&'static str; 3],
    pub description: String,
}

impl Workload {
    fn new(name: &str, recipe: Recipe) -> Workload {
        Workload {
            name: name.to_string(),
            recipe,
        }
    }

    /// The full set: BPIC 2013 incidents ×16, ×32, ×64 and ×153 (1.0 to 10.0 M events) as
    /// CSV, ×4 (262 k events, BPIC 2012's size, with BPIC 2012's event attributes
    /// `org:resource` and `lifecycle:transition`) as `.xes.gz`, and generated histories of
    /// 1 M, 2 M and 10 M events.
    pub fn full_set() -> Vec<Workload> {
        let inc = "bpic2013_incidents.xes.gz";
        let rep = |copies| Recipe::Replicate { log: inc, copies };
        vec![
            Workload::new("incidents-x4.xes.gz", rep(4)),
            Workload::new("incidents-x16.csv", rep(16)),
            Workload::new("incidents-x32.csv", rep(32)),
            Workload::new("incidents-x64.csv", rep(64)),
            Workload::new("incidents-x153.csv", rep(153)),
            Workload::new("generated-1m.csv", Recipe::Generate { events: 1_000_000 }),
            Workload::new("generated-2m.csv", Recipe::Generate { events: 2_000_000 }),
            Workload::new("generated-10m.csv", Recipe::Generate { events: 10_000_000 }),
        ]
    }

    /// The same kinds of file at a size that takes a moment: what the smoke test and
    /// `compare.py --smoke` run.
    pub fn smoke_set() -> Vec<Workload> {
        let rep = |copies| Recipe::Replicate {
            log: "running-example.xes",
            copies,
        };
        vec![
            Workload::new("running-example-x3.xes.gz", rep(3)),
            Workload::new("running-example-x40.csv", rep(40)),
            Workload::new("generated-20k.csv", Recipe::Generate { events: 20_000 }),
        ]
    }

    /// Writes the workload into `dir`, reading shared logs from `shared` (the shared data
    /// directory). Fails when the log cannot be read or the file cannot be written.
    pub fn make(&self, dir: &Path, shared: &Path) -> Result<Made, String> {
        let path = dir.join(&self.name);
        let (history, description, columns) = match &self.recipe {
            Recipe::Replicate { log, copies } => {
                let source = shared.join("logs").join(log);
                // The CSV has three columns: attributes would only cost time and memory.
                let attributes = if self.name.contains(".xes") {
                    Attributes::All
                } else {
                    Attributes::None
                };
                let options = ImportOptions {
                    attributes,
                    ..ImportOptions::default()
                };
                let mut imported = import_files(&[source], &options).map_err(|e| e.to_string())?;
                // BPI Challenge 2012's events carry these two attributes besides name and
                // time: keep the XES file's weight per event like it.
                imported.history.event_attrs.retain(|c| {
                    ["org:resource", "lifecycle:transition"].contains(&c.name.as_str())
                });
                let description = format!(
                    "{log} ({} events, {} cases) copied {copies} times, cases renamed",
                    imported.history.len(),
                    imported.history.deals.len()
                );
                (
                    replicate(&imported.history, *copies),
                    description,
                    ["case_id", "activity", "timestamp"],
                )
            }
            Recipe::Generate { events } => {
                let history = generate_events(&b2b_map(), *events);
                let description = format!(
                    "salesmap generate on the B2B template (14 stages), seed 1, {} deals, with attributes",
                    history.deals.len()
                );
                (history, description, ["deal", "stage", "timestamp"])
            }
        };
        let file = File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let written = if self.name.ends_with(".xes.gz") {
            let gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
            write_xes(&history, gz)
        } else if self.name.ends_with(".xes") {
            write_xes(&history, file)
        } else if matches!(self.recipe, Recipe::Generate { .. }) {
            write_csv(&history, BufWriter::with_capacity(1 << 20, file))
        } else {
            write_event_csv(&history, file)
        };
        written.map_err(|e| format!("{}: {e}", path.display()))?;
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let xes = self.name.contains(".xes");
        Ok(Made {
            name: self.name.clone(),
            path,
            events: history.len(),
            deals: history.deals.len(),
            activities: history.activities.len(),
            bytes,
            columns: if xes { ["", "", ""] } else { columns },
            description,
        })
    }
}

/// Writes `workloads.tsv`: one line per file with its size and the columns the peers read.
pub fn write_manifest(dir: &Path, made: &[Made]) -> io::Result<()> {
    let mut out = BufWriter::new(File::create(dir.join("workloads.tsv"))?);
    writeln!(
        out,
        "name\tevents\tdeals\tactivities\tbytes\tcase\tactivity\ttimestamp\tdescription"
    )?;
    for m in made {
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            m.name,
            m.events,
            m.deals,
            m.activities,
            m.bytes,
            m.columns[0],
            m.columns[1],
            m.columns[2],
            m.description
        )?;
    }
    out.flush()
}
