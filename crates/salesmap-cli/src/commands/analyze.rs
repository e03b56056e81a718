//! `salesmap analyze --map MAP HISTORY`: the history measured against the designed map.
//!
//! Loads the map (`salesmap_mapfile::load`) and the history (any format `import` reads), runs
//! `salesmap_core::analysis::analyze` and prints either JSON (the whole `Analysis`) or the
//! text of [`super::analysis_text`] in English or Korean (`--lang`): what to fix first, then
//! the goal and KPIs, the funnel, times, outcomes, conformance, fast vs slow, triggers and
//! friction, and the forecast. Every figure says its n. The analysis instant defaults to the
//! latest event in the history, so a report on the same files is the same on any day.

use std::path::PathBuf;

use salesmap_core::analysis::{AnalyzeOptions, Period, analyze};
use salesmap_core::map::Map;
use salesmap_import::format_timestamp;
use salesmap_report::Lang;

use crate::inputs::{
    AgingArgs, Measured, load_history, load_measured, parse_instant, resolve_as_of,
};
use crate::output::{file_name, write_output};

#[derive(clap::Args)]
pub struct Args {
    /// The map file.
    #[arg(long)]
    map: PathBuf,
    /// The history: a normalized history, a CRM export, a generic CSV or an XES file.
    history: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Where to write the result (`-` for standard output).
    #[arg(short, long, default_value = "-")]
    output: PathBuf,
    /// The analysis date (`2024-06-30` or RFC 3339): later events are ignored and open deals
    /// are aged up to it. Default: the latest event in the history.
    #[arg(long)]
    as_of: Option<String>,
    /// The text's language: `en` or `ko`.
    #[arg(long, default_value = "en", value_parser = Lang::NAMES)]
    lang: String,
    /// Break the key figures down by a deal or event attribute (`owner`, `source`, …).
    #[arg(long)]
    by: Option<String>,
    /// Compare a period with the one before it: `2024`, `2024-Q1`, `2024-H2`, `2024-03`, or
    /// `2024-01-01..2024-04-01`.
    #[arg(long)]
    period: Option<String>,
    /// Count a move to the next stage as converted only within this many days.
    #[arg(long, value_name = "DAYS")]
    window: Option<f64>,
    #[command(flatten)]
    aging: AgingArgs,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
}

pub fn run(args: Args) -> u8 {
    let Measured {
        map,
        history,
        problems,
        as_of,
        ..
    } = match load_measured(&args.map, &args.history, args.as_of.as_deref()) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let period = match args.period.as_deref().map(parse_period).transpose() {
        Ok(p) => p,
        Err(e) => {
            eprintln!(
                "error: --period {}: {e}",
                args.period.as_deref().unwrap_or("")
            );
            return 2;
        }
    };
    let aging = match args.aging.options() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let options = AnalyzeOptions {
        as_of,
        window_days: args.window,
        by: args.by.clone(),
        period,
        aging,
    };
    let analysis = match analyze(&map, &history, &options) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let out = match args.format {
        Format::Json => {
            let mut v = serde_json::to_value(&analysis).expect("analysis serializes");
            let obj = v.as_object_mut().expect("an object");
            obj.insert("map".into(), args.map.display().to_string().into());
            obj.insert("history".into(), args.history.display().to_string().into());
            obj.insert("as_of".into(), format_timestamp(as_of).into());
            format!("{}\n", serde_json::to_string_pretty(&v).expect("json"))
        }
        Format::Table => {
            let lang = Lang::from_name(&args.lang).unwrap_or(Lang::En);
            let title = match lang {
                Lang::En => format!("{} against {}", args.history.display(), args.map.display()),
                Lang::Ko => format!(
                    "{}를 {}에 비춰 본 결과",
                    args.history.display(),
                    args.map.display()
                ),
            };
            super::analysis_text::write(&map, &analysis, &title, as_of, lang)
        }
    };
    if let Err(code) = write_output(&args.output, out.as_bytes()) {
        return code;
    }
    problems
}

/// The measured overlay for drawing `map` (`salesmap render --history`): per stage deals,
/// median days against the target and the deals there now; per transition the first-move
/// share; the moves not in the map; as of the latest event in the history.
/// Returns the exit code to use when the history cannot be read.
pub(crate) fn measured_overlay(
    map: &Map,
    history_path: &std::path::Path,
) -> Result<salesmap_core::overlay::Overlay, u8> {
    let (history, _) = load_history(history_path)?;
    let as_of = resolve_as_of(None, &history)?;
    let analysis = analyze(map, &history, &AnalyzeOptions::as_of(as_of)).map_err(|e| {
        eprintln!("error: {e}");
        2u8
    })?;
    Ok(salesmap_core::analysis::overlay(
        map,
        &analysis,
        &file_name(history_path),
    ))
}

/// Parses `2024`, `2024-Q1`, `2024-H2`, `2024-03` or `FROM..TO` (dates or RFC 3339 instants)
/// into a period.
pub(crate) fn parse_period(s: &str) -> Result<Period, String> {
    if let Some((a, b)) = s.split_once("..") {
        let (start, end) = (parse_instant(a)?, parse_instant(b)?);
        return Ok(Period {
            label: s.to_string(),
            start,
            end,
        });
    }
    let range = salesmap_core::calendar::parse_period(s).ok_or_else(|| {
        format!("expected 2024, 2024-Q1, 2024-H2, 2024-03 or 2024-01-01..2024-04-01, got `{s}`")
    })?;
    Ok(Period {
        label: s.to_string(),
        start: salesmap_core::calendar::start_of(range.start),
        end: salesmap_core::calendar::start_of(range.end),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::grouped;

    #[test]
    fn periods() {
        let show = |s: &str| match parse_period(s) {
            Ok(p) => format!("{}..{}", format_timestamp(p.start), format_timestamp(p.end)),
            Err(e) => e,
        };
        assert_eq!(
            show("2024-Q1"),
            "2024-01-01T00:00:00Z..2024-04-01T00:00:00Z"
        );
        assert_eq!(
            show("2024-Q4"),
            "2024-10-01T00:00:00Z..2025-01-01T00:00:00Z"
        );
        assert_eq!(
            show("2024-H2"),
            "2024-07-01T00:00:00Z..2025-01-01T00:00:00Z"
        );
        assert_eq!(
            show("2024-12"),
            "2024-12-01T00:00:00Z..2025-01-01T00:00:00Z"
        );
        assert_eq!(show("2024"), "2024-01-01T00:00:00Z..2025-01-01T00:00:00Z");
        assert_eq!(
            show("2024-02-01..2024-02-15"),
            "2024-02-01T00:00:00Z..2024-02-15T00:00:00Z"
        );
        assert!(show("2024-Q5").starts_with("expected 2024"));
        assert!(show("spring").starts_with("expected 2024"));
    }

    #[test]
    fn overlay_from_a_history_file() {
        let source = salesmap_mapfile::templates::b2b("en");
        let map = salesmap_mapfile::load(source, "sales.map.toml")
            .map
            .unwrap();
        let history = salesmap_core::generate::generate(
            &map,
            &salesmap_core::generate::GenerateOptions {
                deals: 300,
                seed: 5,
                start: 0,
                days: 365,
            },
        );
        let path =
            std::env::temp_dir().join(format!("salesmap-overlay-{}.csv", std::process::id()));
        let mut bytes = Vec::new();
        salesmap_import::write_csv(&history, &mut bytes).unwrap();
        std::fs::write(&path, bytes).unwrap();
        let overlay = measured_overlay(&map, &path).unwrap();
        let start = map.find("brand-awareness").unwrap();
        assert_eq!(overlay.measured.deals, 300);
        assert!(overlay.measured.source.starts_with("salesmap-overlay-"));
        assert_eq!(overlay.stages[&start].reached, Some(300));
        assert!(overlay.stages[&start].median_days.is_some());
        let next = map.find("brand-engagement").unwrap();
        assert_eq!(overlay.transitions[&(start, next)].reached_from, 300);
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn numbers() {
        assert_eq!(
            (grouped(1234567.4), grouped(-999.0), grouped(12.0)),
            ("1,234,567".into(), "-999".into(), "12".into())
        );
    }
}
