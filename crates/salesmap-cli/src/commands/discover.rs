//! `salesmap discover HISTORY`: the as-is process from a history alone, no map needed.
//!
//! Reads anything `import` reads (format detected), runs `salesmap_core::discovery::discover`
//! and prints a table (every figure with its n) or JSON (`cases`, `events`, `activities`,
//! `start_activities`, `end_activities`, `dfg`, `variants`, `case_duration`, …, durations in
//! seconds), or draws the as-is process map (`--format svg` or `png`): stage entries only
//! unless `--touches`, simplified by the `--activities` and `--paths` sliders (always
//! connected from start to end), in the `--view frequency` or `performance`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use salesmap_core::discovery::{DiscoverOptions, Discovery, discover};
use salesmap_core::history::Micros;
use salesmap_import::{Attributes, format_timestamp};

use salesmap_core::as_is::{DEFAULT_PATHS, Follows, activities_kept, process_map};
use salesmap_core::history::EventKind;
use salesmap_render::{Format as Drawing, RenderOptions, View, render_process_map};

use crate::inputs::{load_history_with, parse_instant};
use crate::output::{duration, file_name, fit, truncate, write_output};

#[derive(clap::Args)]
pub struct Args {
    /// The history: a normalized history, a CRM export, a generic CSV or an XES file.
    history: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Keep only events with these lifecycle transitions (e.g. `complete`), comma-separated.
    #[arg(long, value_delimiter = ',')]
    lifecycle: Vec<String>,
    /// Keep only events at or after this date (`2024-01-01` or RFC 3339, UTC).
    #[arg(long)]
    from: Option<String>,
    /// Keep only events before this date (`2024-07-01` or RFC 3339, UTC).
    #[arg(long)]
    until: Option<String>,
    /// Keep only the deals whose variant is one of the K most frequent.
    #[arg(long, value_name = "K")]
    top_variants: Option<usize>,
    /// Rows of edges and variants in the table.
    #[arg(long, default_value_t = 20)]
    rows: usize,
    /// The activities slider of the drawing: the most frequent share of the stages shown
    /// (`80%`).
    #[arg(long, default_value = "100%", value_name = "PERCENT", value_parser = percent_arg)]
    activities: f64,
    /// The paths slider of the drawing: the most frequent share of the moves shown (`50%`);
    /// the moves that keep every stage connected from start to end are always shown.
    #[arg(long, default_value_t = DEFAULT_PATHS, value_name = "PERCENT", value_parser = percent_arg)]
    paths: f64,
    /// Draw touches (calls, e-mails, meetings) too; the drawing shows stage entries only
    /// without it.
    #[arg(long)]
    touches: bool,
    /// What the drawing's moves show: how often (`frequency`) or how long (`performance`,
    /// median and mean, coloured by the median).
    #[arg(long, value_enum, default_value = "frequency")]
    view: ViewArg,
    /// Language of the drawing's own words: `en` or `ko`.
    #[arg(long, default_value = "en", value_parser = ["en", "ko"])]
    lang: String,
    /// Where to write the result (`-` for standard output).
    #[arg(short, long, default_value = "-")]
    output: PathBuf,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
    /// The as-is process drawn as a flowchart (the renderer's SVG).
    Svg,
    /// The same drawing as a PNG (needs `-o FILE`).
    Png,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ViewArg {
    Frequency,
    Performance,
}

/// `80%` or `80` (percent, 0 to 100) as a share between 0 and 1.
fn percent_arg(s: &str) -> Result<f64, String> {
    let number = s.trim().trim_end_matches('%').trim();
    match number.parse::<f64>() {
        Ok(v) if (0.0..=100.0).contains(&v) => Ok(v / 100.0),
        _ => Err(format!(
            "expected a percentage from 0% to 100%, like 80%, got `{s}`"
        )),
    }
}

pub fn run(args: Args) -> u8 {
    // Discovery reads deals, activities and times only; attributes are read just for the
    // lifecycle filter.
    let attributes = if args.lifecycle.is_empty() {
        Attributes::None
    } else {
        Attributes::All
    };
    let (history, problems) = match load_history_with(&args.history, attributes) {
        Ok(h) => h,
        Err(code) => return code,
    };
    let parse = |what: &str, v: &Option<String>| match v {
        Some(s) => parse_instant(s).map(Some).map_err(|e| {
            eprintln!("error: --{what} {s}: {e}");
            2u8
        }),
        None => Ok(None),
    };
    let (from, until) = match (parse("from", &args.from), parse("until", &args.until)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(c), _) | (_, Err(c)) => return c,
    };
    let options = DiscoverOptions {
        lifecycle: args.lifecycle.clone(),
        from,
        until,
        top_variants: args.top_variants,
        threads: threads(),
        activities: None,
    };
    if let Format::Svg | Format::Png = args.format {
        if matches!(args.format, Format::Png) && args.output.as_os_str() == "-" {
            eprintln!("error: a PNG needs an output file\n  = help: add `-o asis.png`");
            return 2;
        }
        let code = draw(&args, &history, options);
        std::mem::forget(history);
        return code.max(problems);
    }
    let d = match discover(&history, &options) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let out = match args.format {
        Format::Json => to_json(&d, &args.history),
        Format::Table => table(&d, &args.history, args.rows),
        Format::Svg | Format::Png => unreachable!("drawings are made above"),
    };
    if let Err(code) = write_output(&args.output, out.as_bytes()) {
        return code;
    }
    // The process ends next: leave the history and the result (millions of small strings on
    // a large log) to the operating system instead of freeing them one by one.
    std::mem::forget((history, d));
    problems
}

/// Draws the as-is process map: stage entries (and touches with `--touches`), the activities
/// slider applied by measuring again over the activities kept, then the paths slider.
fn draw(args: &Args, history: &salesmap_core::history::History, base: DiscoverOptions) -> u8 {
    // An activity is a touch when every one of its events is.
    let mut stage_entry = vec![false; history.activities.len()];
    for (&a, &k) in history.activity.iter().zip(&history.kind) {
        if k == EventKind::StageEntry {
            stage_entry[a as usize] = true;
        }
    }
    let drawn: Vec<bool> = if args.touches {
        vec![true; history.activities.len()]
    } else {
        stage_entry.clone()
    };
    let touches_left_out = drawn.iter().filter(|d| !**d).count();
    let measure = |keep: Vec<bool>| {
        let options = DiscoverOptions {
            activities: Some(keep),
            ..base.clone()
        };
        discover(history, &options).map(|d| Follows::of_discovery(&d))
    };
    let all = match measure(drawn.clone()) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    if all.activities.is_empty() {
        let help = if touches_left_out > 0 {
            "the history has touches only; add --touches to draw them"
        } else {
            "check the date range and lifecycle filters"
        };
        eprintln!(
            "error: no stage entries to draw in {}\n  = help: {help}",
            args.history.display()
        );
        return 1;
    }
    let kept = activities_kept(&all, args.activities);
    let follows = if kept.iter().all(|&k| k) {
        all.clone()
    } else {
        let mut keep = vec![false; history.activities.len()];
        for (act, _) in all.activities.iter().zip(&kept).filter(|(_, k)| **k) {
            if let Some(code) = history.activities.get(&act.name) {
                keep[code as usize] = true;
            }
        }
        match measure(keep) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        }
    };
    let Some(pm) = process_map(&follows, all.activities.len(), args.paths) else {
        eprintln!("error: no events to draw in {}", args.history.display());
        return 1;
    };
    let options = RenderOptions {
        lang: Some(args.lang.clone()),
        view: match args.view {
            ViewArg::Frequency => View::Frequency,
            ViewArg::Performance => View::Performance,
        },
        ..RenderOptions::default()
    };
    let format = match args.format {
        Format::Png => Drawing::Png,
        _ => Drawing::Svg,
    };
    let bytes = match render_process_map(&pm, &file_name(&args.history), &options, format) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    if let Err(code) = write_output(&args.output, &bytes) {
        return code;
    }
    let touches = if touches_left_out > 0 {
        format!("; {touches_left_out} touch activities left out (--touches to draw them)")
    } else {
        String::new()
    };
    eprintln!(
        "drew {} of {} stages and {} of {} paths (--activities, --paths to change){touches}",
        pm.activities_shown, pm.activities_total, pm.paths_shown, pm.paths_total
    );
    0
}

/// Worker threads: the machine's parallelism.
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn to_json(d: &Discovery, path: &Path) -> String {
    let mut v = serde_json::to_value(d).expect("discovery serializes");
    let obj = v.as_object_mut().expect("an object");
    obj.insert("history".into(), path.display().to_string().into());
    obj.insert(
        "first_event".into(),
        d.first_event.map(format_timestamp).into(),
    );
    obj.insert(
        "last_event".into(),
        d.last_event.map(format_timestamp).into(),
    );
    let mut s = serde_json::to_string_pretty(&v).expect("json");
    s.push('\n');
    s
}

fn table(d: &Discovery, path: &Path, rows: usize) -> String {
    let mut o = String::new();
    let date = |t: Option<Micros>| t.map_or("-".into(), |t| format_timestamp(t)[..10].to_string());
    let _ = writeln!(
        o,
        "History {}: {} deals, {} events, {} activities, {} to {}",
        path.display(),
        d.cases,
        d.events,
        d.activities,
        date(d.first_event),
        date(d.last_event)
    );
    if let Some(c) = &d.case_duration {
        let _ = writeln!(
            o,
            "Deal duration (n={}): median {}, mean {}, min {}, max {}",
            c.n,
            duration(c.median),
            duration(c.mean),
            duration(c.min),
            duration(c.max)
        );
    }
    let list = |m: &std::collections::BTreeMap<String, u64>| {
        let mut v: Vec<(&String, &u64)> = m.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        v.iter()
            .map(|(k, n)| format!("{k} ({n})"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        o,
        "Start activities (n={} deals): {}",
        d.cases,
        list(&d.start_activities)
    );
    let _ = writeln!(
        o,
        "End activities (n={} deals): {}",
        d.cases,
        list(&d.end_activities)
    );
    let _ = writeln!(o, "\nActivities (n={} events)", d.events);
    let mut acts: Vec<(&String, &u64)> = d.activity_counts.iter().collect();
    acts.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    for (name, n) in acts.iter().take(rows) {
        let rework = d.rework.get(*name).copied().unwrap_or(0);
        let next = &d.time_to_next[*name];
        let to_next = next.median.map_or("-".into(), duration);
        let _ = writeln!(
            o,
            "  {name:<34} n={n:<7} repeated in {rework} deals; median to next event {to_next} (n={})",
            next.n_with_next
        );
    }
    more(&mut o, acts.len(), rows);

    let moves: u64 = d.dfg.iter().map(|e| e.count).sum();
    let _ = writeln!(
        o,
        "\nDirectly-follows edges ({} edges, n={moves} moves), most frequent first",
        d.dfg.len()
    );
    let _ = writeln!(
        o,
        "  {:<52} {:>7} {:>10} {:>10} {:>10} {:>10}",
        "from → to", "n", "median", "mean", "min", "max"
    );
    let mut edges: Vec<_> = d.dfg.iter().collect();
    edges.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| (&a.from, &a.to).cmp(&(&b.from, &b.to)))
    });
    for e in edges.iter().take(rows) {
        let name = format!("{} → {}", e.from, e.to);
        let _ = writeln!(
            o,
            "  {} {:>7} {:>10} {:>10} {:>10} {:>10}",
            fit(&name, 52),
            e.count,
            duration(e.median),
            duration(e.mean),
            duration(e.min),
            duration(e.max)
        );
    }
    more(&mut o, edges.len(), rows);

    let _ = writeln!(
        o,
        "\nVariants ({} distinct, n={} deals), most frequent first",
        d.variant_count, d.cases
    );
    for (i, v) in d.variants.iter().take(rows).enumerate() {
        let share = v.count as f64 / d.cases.max(1) as f64 * 100.0;
        let _ = writeln!(
            o,
            "  {:>3}. n={} ({share:.1}%), {} steps: {}",
            i + 1,
            v.count,
            v.len(),
            truncate(&v.join(" → "), 160)
        );
    }
    more(&mut o, d.variants.len(), rows);
    o
}

fn more(o: &mut String, total: usize, shown: usize) {
    if total > shown {
        let _ = writeln!(
            o,
            "  … {} more (--rows to show more, --format json lists all)",
            total - shown
        );
    }
}
