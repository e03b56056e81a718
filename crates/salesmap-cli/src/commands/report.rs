//! `salesmap report --map MAP HISTORY -o report.html`: the HTML report a manager can e-mail.
//!
//! Loads the map and the history as `analyze` does, lets `salesmap_report::build_report` measure
//! and write the page (English or Korean), writes it, and with `--assets DIR` also writes every
//! chart and the map drawing as SVG and PNG. Prints one line per file written, with its size.
//! The analysis instant defaults to the latest event in the history, so the same files give
//! the same report on any day.

use std::path::PathBuf;

use salesmap_core::calendar::{Period, parse_date};
use salesmap_report::{Images, Lang, ReportOptions, build_report};

use crate::inputs::{AgingArgs, Measured, load_measured};
use crate::output::{file_name, write_output};

#[derive(clap::Args)]
pub struct Args {
    /// The map file.
    #[arg(long)]
    map: PathBuf,
    /// The history: a normalized history, a CRM export, a generic CSV or an XES file.
    history: PathBuf,
    /// Where to write the report (`-` for standard output).
    #[arg(short, long, default_value = "report.html")]
    output: PathBuf,
    /// The report's language: `en` or `ko`.
    #[arg(long, default_value = "en", value_parser = Lang::NAMES)]
    lang: String,
    /// Also write every chart and the map drawing as SVG and PNG into this folder.
    #[arg(long, value_name = "DIR")]
    assets: Option<PathBuf>,
    /// How charts and drawings are put in the page: `svg` (sharp, printable; for browsers)
    /// or `png` (pictures inside the file, for mail programs that do not show SVG).
    #[arg(long, default_value = "svg", value_parser = ["svg", "png"])]
    images: String,
    /// The analysis date (`2024-06-30` or RFC 3339). Default: the latest event in the history.
    #[arg(long)]
    as_of: Option<String>,
    /// The quota the plan works back from. Default: the map's goal.
    #[arg(long)]
    quota: Option<f64>,
    /// The average won deal size to plan with. Default: measured from the history.
    #[arg(long)]
    deal_size: Option<f64>,
    /// First day of the plan (`2027-01-01`). Default: the first of the month after the
    /// analysis date.
    #[arg(long)]
    plan_start: Option<String>,
    /// Last day of the plan. Default: the goal's deadline, else a year after the start.
    #[arg(long)]
    plan_deadline: Option<String>,
    /// Planning period of the plan's columns.
    #[arg(long, default_value = "month", value_parser = ["week", "month", "quarter"])]
    period: String,
    #[command(flatten)]
    aging: AgingArgs,
}

fn fail(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    2
}

pub fn run(args: Args) -> u8 {
    let lang = Lang::from_name(&args.lang).unwrap_or(Lang::En);
    let Measured {
        map,
        history,
        problems,
        import_notes,
        as_of,
    } = match load_measured(&args.map, &args.history, args.as_of.as_deref()) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let day = |flag: &str, v: &Option<String>| match v {
        None => Ok(None),
        Some(s) => parse_date(s)
            .map(Some)
            .ok_or_else(|| format!("{flag} {s}: expected a date like 2027-01-01")),
    };
    let mut options = ReportOptions::new(
        lang,
        as_of,
        &file_name(&args.map),
        &file_name(&args.history),
    );
    options.import_notes = import_notes;
    options.quota = args.quota;
    options.images = if args.images == "png" {
        Images::Png
    } else {
        Images::Svg
    };
    options.deal_size = args.deal_size;
    options.plan_period = Period::from_name(&args.period).unwrap_or(Period::Month);
    options.aging = match args.aging.options() {
        Ok(a) => a,
        Err(e) => return fail(e),
    };
    match (
        day("--plan-start", &args.plan_start),
        day("--plan-deadline", &args.plan_deadline),
    ) {
        (Ok(s), Ok(d)) => {
            options.plan_start = s;
            options.plan_deadline = d;
        }
        (Err(e), _) | (_, Err(e)) => return fail(e),
    }
    for (flag, value) in [("--quota", args.quota), ("--deal-size", args.deal_size)] {
        if let Some(v) = value
            && !(v.is_finite() && v > 0.0)
        {
            return fail(format!(
                "{flag} {v}: must be a positive amount, e.g. {flag} 1200000"
            ));
        }
    }
    let report = match build_report(&map, &history, &options) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    if let Err(code) = write_output(&args.output, report.html.as_bytes()) {
        return code;
    }
    if args.output.as_os_str() != "-" {
        eprintln!(
            "wrote {} ({:.0} KB, {} charts, {})",
            args.output.display(),
            report.html.len() as f64 / 1024.0,
            report.charts.len(),
            lang.tag()
        );
    }
    if let Some(dir) = &args.assets {
        if let Err(e) = std::fs::create_dir_all(dir) {
            return fail(format!("cannot create {}: {e}", dir.display()));
        }
        for chart in &report.charts {
            let svg = dir.join(format!("{}.svg", chart.name));
            if let Err(code) = write_output(&svg, chart.svg.as_bytes()) {
                return code;
            }
            let png = match chart.png(2.0) {
                Ok(bytes) => bytes,
                Err(e) => return fail(e),
            };
            let png_path = dir.join(format!("{}.png", chart.name));
            if let Err(code) = write_output(&png_path, &png) {
                return code;
            }
            eprintln!(
                "wrote {} and {} ({}×{})",
                svg.display(),
                png_path.display(),
                chart.width,
                chart.height
            );
        }
    }
    problems
}
