//! `salesmap plan`: the reverse funnel from the quota (R15). Reads the map (and optionally a
//! history), fills the plan's inputs (measured where history is thick enough, else assumed
//! from the map or given by flags), and prints the needs per stage and period as a table or
//! JSON, with what-if plans side by side and plan-vs-actual where history covers the plan.

use std::fmt::Write as _;
use std::path::PathBuf;

use salesmap_core::calendar::{DayRange, Period, day_of, format_date, parse_date};
use salesmap_core::funnel::{FunnelMode, funnel};
use salesmap_core::journey::Journeys;
use salesmap_core::kpi::win_rate;
use salesmap_core::map::Map;
use salesmap_core::plan::{
    Figure, Overrides, Plan, PlanInputs, PlanRequest, Source, actual_entries, goal_quota,
    measure_inputs, parse_what_if, plan, what_if,
};

use crate::inputs::{load_history, load_map, resolve_as_of};
use crate::output::{fit, grouped, write_output};

#[derive(clap::Args)]
pub struct Args {
    /// The map whose main path the plan walks.
    #[arg(long)]
    map: PathBuf,
    /// A history to measure rates, deal size, times and the open pipeline from.
    #[arg(long)]
    history: Option<PathBuf>,
    /// The quota (revenue). Default: the map's goal target.
    #[arg(long)]
    quota: Option<f64>,
    /// Planning period.
    #[arg(long, value_enum, default_value = "month")]
    period: PeriodArg,
    /// First day of the plan (`2027-01-01`). Default: the first of the month after the
    /// history's last event (or after today, without a history).
    #[arg(long)]
    start: Option<String>,
    /// Last day by which the quota must be won. Default: the goal's deadline, else a year on.
    #[arg(long)]
    deadline: Option<String>,
    /// Opportunity win rate to assume (0..1), replacing the measured or map one.
    #[arg(long)]
    win_rate: Option<f64>,
    /// Conversion from a stage to the next main-path stage: `--rate sql=0.4` (repeatable).
    #[arg(long, value_name = "STAGE=RATE")]
    rate: Vec<String>,
    /// Average won deal size to assume.
    #[arg(long)]
    deal_size: Option<f64>,
    /// A change to plan side by side with the baseline: `win-rate=+5pp`, `win-rate=+10%`,
    /// `cycle=-10d`, `deal-size=+10%`, `rate:sql=0.5` (repeatable).
    #[arg(long, value_name = "CHANGE")]
    what_if: Vec<String>,
    /// Fewest deals a measured figure must rest on; thinner ones fall back to the map.
    #[arg(long, default_value_t = 20)]
    min_n: u64,
    /// Measure history as of this date (default: the end of the history).
    #[arg(long)]
    as_of: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Where to write the plan (`-` for standard output).
    #[arg(short, long, default_value = "-")]
    output: PathBuf,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum PeriodArg {
    Week,
    Month,
    Quarter,
}

fn fail(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    2
}

pub fn run(args: Args) -> u8 {
    let map = match load_map(&args.map) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let mut overrides = Overrides {
        win_rate: args.win_rate,
        deal_size: args.deal_size,
        min_n: args.min_n,
        ..Overrides::default()
    };
    for r in &args.rate {
        match r
            .split_once('=')
            .map(|(s, v)| (s.trim(), v.trim().parse::<f64>()))
        {
            Some((stage, Ok(v))) => overrides.rates.push((stage.to_string(), v)),
            _ => {
                return fail(format!(
                    "--rate {r}: expected STAGE=RATE, e.g. --rate sql=0.4"
                ));
            }
        }
    }
    let mut changes = Vec::new();
    for w in &args.what_if {
        match parse_what_if(w) {
            Ok(c) => changes.push((w.clone(), c)),
            Err(e) => return fail(e),
        }
    }

    // The quota: the flag, else the goal (revenue or a number of deals).
    let (quota, quota_in_deals) = match args.quota.map(|q| (q, false)).or(goal_quota(&map)) {
        Some(q) => q,
        None => {
            return fail(
                "no quota: pass --quota 1200000, or give the map a [goal] with metric = \"won-revenue\"",
            );
        }
    };

    let mut history_code = 0;
    let mut measured = None;
    if let Some(path) = &args.history {
        let (history, code) = match load_history(path) {
            Ok(h) => h,
            Err(c) => return c,
        };
        history_code = code;
        let as_of = match resolve_as_of(args.as_of.as_deref(), &history) {
            Ok(t) => t,
            Err(code) => return code,
        };
        let journeys = Journeys::build(&map, &history, as_of);
        measured = Some(journeys);
    }

    let today = measured
        .as_ref()
        .map(|j| day_of(j.as_of))
        .unwrap_or_else(|| day_of(now_micros()));
    let start = match &args.start {
        Some(s) => match parse_date(s) {
            Some(d) => d,
            None => return fail(format!("--start {s}: expected a date like 2027-01-01")),
        },
        // As the report does: the first of the month after the analysis date (or today).
        None => Period::Month.next(Period::Month.start(today)),
    };
    let deadline = match args
        .deadline
        .as_deref()
        .or(map.goal.as_ref().and_then(|g| g.deadline.as_deref()))
    {
        Some(s) => match parse_date(s) {
            Some(d) => d + 1,
            None => return fail(format!("deadline {s}: expected a date like 2027-12-31")),
        },
        None => start + 365,
    };
    let period = match args.period {
        PeriodArg::Week => Period::Week,
        PeriodArg::Month => Period::Month,
        PeriodArg::Quarter => Period::Quarter,
    };
    let request = PlanRequest {
        quota,
        quota_in_deals,
        range: DayRange {
            start,
            end: deadline,
        },
        period,
    };

    let analysis = measured
        .as_ref()
        .map(|j| (j, funnel(&map, j, FunnelMode::Implied, None), win_rate(j)));
    let inputs = match measure_inputs(
        &map,
        analysis.as_ref().map(|(j, f, w)| (*j, f, w)),
        &overrides,
    ) {
        Ok(i) => i,
        Err(e) => return fail(e),
    };
    let baseline = match plan(&map, &inputs, &request) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let mut alternatives = Vec::new();
    for (label, change) in &changes {
        let result = what_if(&map, &inputs, change).and_then(|i| plan(&map, &i, &request));
        match result {
            Ok(p) => alternatives.push((label.clone(), p)),
            Err(e) => return fail(format!("--what-if {label}: {e}")),
        }
    }
    let actual = measured.as_ref().and_then(|j| {
        let covered = day_of(j.as_of) > request.range.start;
        covered.then(|| actual_entries(j, &inputs.path, request.range, period))
    });

    let out = match args.format {
        Format::Json => json(
            &map,
            &inputs,
            &request,
            &baseline,
            &alternatives,
            actual.as_deref(),
        ),
        Format::Table => table(&map, &request, &baseline, &alternatives, actual.as_deref()),
    };
    if let Err(code) = write_output(&args.output, out.as_bytes()) {
        return code;
    }
    history_code
}

fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64)
}

/// A short source label for table cells; JSON carries the full source.
fn source(f: &Figure) -> String {
    match &f.source {
        Source::Measured { n } => format!("n={n}"),
        Source::Assumed { .. } => "map".to_string(),
        Source::Given => "given".to_string(),
        Source::WhatIf { baseline } => format!("was {}", short(*baseline)),
    }
}

fn short(v: f64) -> String {
    if v.abs() < 1.0 {
        format!("{:.1}%", v * 100.0)
    } else {
        grouped(v.round())
    }
}

fn table(
    map: &Map,
    request: &PlanRequest,
    p: &Plan,
    alternatives: &[(String, Plan)],
    actual: Option<&[Vec<u64>]>,
) -> String {
    let lang = &map.language;
    let name = |id: &str| {
        map.find(id)
            .map(|ix| map.stage(ix).name.get(lang, lang).to_string())
            .unwrap_or_else(|| id.to_string())
    };
    let mut out = String::new();
    let unit = map
        .goal
        .as_ref()
        .and_then(|g| g.unit.clone())
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "Reverse-funnel plan: {} {unit} won from {} to {} (per {})",
        grouped(p.quota),
        format_date(request.range.start),
        format_date(request.range.end - 1),
        match request.period {
            Period::Week => "week",
            Period::Month => "month",
            Period::Quarter => "quarter",
        }
    );
    let _ = writeln!(
        out,
        "  deal size {} {unit} ({}) → {:.1} wins needed; {:.1} expected from deals already open → {:.1} new wins",
        grouped(p.deal_size.value),
        source(&p.deal_size),
        p.wins_needed,
        p.wins_from_pipeline,
        (p.wins_needed - p.wins_from_pipeline).max(0.0)
    );
    let _ = writeln!(
        out,
        "  opportunity win rate from `{}` to won: {:.1}%",
        p.win_rate_from,
        p.win_rate * 100.0
    );
    out.push('\n');
    let mut header = format!(
        "{} {:>7} {:<8} {:>7} {:>5} {:<8} {:>8} {:>7}",
        fit("stage", 30),
        "rate",
        "(source)",
        "to won",
        "days",
        "(source)",
        "needed",
        "late"
    );
    for label in &p.periods {
        let _ = write!(header, " {label:>8}");
    }
    header.push_str("  touches");
    let _ = writeln!(out, "{header}");
    for s in &p.stages {
        let (rate, rate_source) = match &s.rate {
            Some(r) => (format!("{:.1}%", r.value * 100.0), source(r)),
            None => ("won".to_string(), String::new()),
        };
        let mut line = format!(
            "{} {:>7} {:<8} {:>6.1}% {:>5.0} {:<8} {:>8} {:>7}",
            fit(&name(&s.stage), 30),
            rate,
            rate_source,
            s.to_won * 100.0,
            s.days_to_won.value,
            source(&s.days_to_won),
            grouped(s.needed.ceil()),
            grouped(s.needed_before_start.ceil()),
        );
        for v in &s.per_period {
            let _ = write!(line, " {:>8}", grouped(v.ceil()));
        }
        match s.touches {
            Some(t) => {
                let _ = write!(line, "  {}", grouped(t.ceil()));
            }
            None => line.push_str("  -"),
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out.push_str(
        "\nrate: conversion to the next stage; days: days from entering the stage to the win.\n\
         source: n=… measured from history over n deals; map: the map's probabilities and target days;\n\
         given: a flag. needed: entries over the plan (rounded up); late: entries that had to\n\
         happen before the plan starts.\n",
    );
    for (label, alt) in alternatives {
        let _ = writeln!(out, "\nWhat if {label}:");
        let _ = writeln!(
            out,
            "  {:.1} wins needed ({:+.1}); opportunity win rate {:.1}%",
            alt.wins_needed - alt.wins_from_pipeline,
            (alt.wins_needed - alt.wins_from_pipeline) - (p.wins_needed - p.wins_from_pipeline),
            alt.win_rate * 100.0
        );
        let _ = writeln!(
            out,
            "  {} {:>9} {:>9} {:>8} {:>9} {:>9}",
            fit("stage", 30),
            "needed",
            "what-if",
            "change",
            "late",
            "what-if"
        );
        for (b, a) in p.stages.iter().zip(&alt.stages) {
            let _ = writeln!(
                out,
                "  {} {:>9} {:>9} {:>8} {:>9} {:>9}",
                fit(&name(&b.stage), 30),
                grouped(b.needed.ceil()),
                grouped(a.needed.ceil()),
                format!("{:+}", a.needed.ceil() - b.needed.ceil()),
                grouped(b.needed_before_start.ceil()),
                grouped(a.needed_before_start.ceil()),
            );
        }
    }
    if let Some(actual) = actual {
        let _ = writeln!(
            out,
            "\nPlan vs actual (entries per period; planned / actual):"
        );
        for (s, row) in p.stages.iter().zip(actual) {
            let mut line = format!("  {}", fit(&name(&s.stage), 30));
            for (planned, got) in s.per_period.iter().zip(row) {
                let _ = write!(
                    line,
                    " {:>13}",
                    format!("{} / {}", grouped(planned.ceil()), grouped(*got as f64))
                );
            }
            let _ = writeln!(out, "{line}");
        }
    }
    out
}

fn json(
    map: &Map,
    inputs: &PlanInputs,
    request: &PlanRequest,
    p: &Plan,
    alternatives: &[(String, Plan)],
    actual: Option<&[Vec<u64>]>,
) -> String {
    let stages: Vec<serde_json::Value> = p
        .stages
        .iter()
        .enumerate()
        .map(|(i, s)| {
            serde_json::json!({
                "stage": s.stage,
                "name": map.find(&s.stage).map(|ix| map.stage(ix).name.get(&map.language, &map.language).to_string()),
                "needed": s.needed,
                "needed_rounded": s.needed.ceil(),
                "needed_before_start": s.needed_before_start,
                "per_period": s.per_period,
                "rate": s.rate,
                "to_won": s.to_won,
                "days_to_won": s.days_to_won,
                "touches": s.touches,
                "touches_per_deal": inputs.touches_per_deal[i],
                "open_now": s.open_now,
                "actual_per_period": actual.map(|a| a[i].clone()),
            })
        })
        .collect();
    let value = serde_json::json!({
        "quota": p.quota,
        "quota_in_deals": request.quota_in_deals,
        "start": format_date(request.range.start),
        "deadline": format_date(request.range.end - 1),
        "period": request.period,
        "periods": p.periods,
        "deal_size": p.deal_size,
        "wins_needed": p.wins_needed,
        "wins_from_pipeline": p.wins_from_pipeline,
        "win_rate": p.win_rate,
        "win_rate_from": p.win_rate_from,
        "stages": stages,
        "what_if": alternatives.iter().map(|(label, alt)| serde_json::json!({"change": label, "plan": alt})).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&value).expect("plan serializes");
    s.push('\n');
    s
}
