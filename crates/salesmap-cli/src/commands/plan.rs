//! `salesmap plan`: the reverse funnel from the quota (R15). Reads the map (and optionally a
//! history), fills the plan's inputs (measured where history is thick enough, else assumed
//! from the map or given by flags), and prints the needs per stage and period as a table or
//! JSON, with what-if plans side by side and plan-vs-actual where history covers the plan. The
//! table is in English or Korean (`--lang`).

use std::fmt::Write as _;
use std::path::PathBuf;

use salesmap_core::analysis::{AnalyzeOptions, journeys};
use salesmap_core::calendar::{Period, day_of, format_date, parse_date};
use salesmap_core::funnel::{FunnelMode, funnel};
use salesmap_core::kpi::{WinRate, win_rate};
use salesmap_core::map::Map;
use salesmap_core::plan::{
    Figure, Overrides, Plan, PlanInputs, PlanRequest, PlanWindow, Source, WindowSource,
    actual_entries, goal_quota, measure_inputs, parse_what_if, plan, plan_window, what_if,
};

use crate::inputs::{AgingArgs, load_history, load_map, resolve_as_of};
use crate::output::{fit, grouped, say, write_output};

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
    #[command(flatten)]
    aging: AgingArgs,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Where to write the plan (`-` for standard output).
    #[arg(short, long, default_value = "-")]
    output: PathBuf,
    /// The table's language: `en` or `ko`.
    #[arg(long, default_value = "en", value_parser = ["en", "ko"])]
    lang: String,
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
    let aging = match args.aging.options() {
        Ok(a) => a,
        Err(e) => return fail(e),
    };
    let mut overrides = Overrides {
        win_rate: args.win_rate,
        deal_size: args.deal_size,
        min_n: args.min_n,
        credit_aged: aging.credit_aged,
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
        let options = AnalyzeOptions {
            aging,
            ..AnalyzeOptions::as_of(as_of)
        };
        measured = Some(journeys(&map, &history, &options).0);
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
    let given = match args.deadline.as_deref() {
        Some(s) => match parse_date(s) {
            Some(d) => Some(d),
            None => return fail(format!("--deadline {s}: expected a date like 2027-12-31")),
        },
        None => None,
    };
    let goal_deadline = map
        .goal
        .as_ref()
        .and_then(|g| g.deadline.as_deref())
        .and_then(parse_date);
    let window = match plan_window(start, given, goal_deadline) {
        Ok(w) => w,
        Err(e) => return fail(e),
    };
    let period = match args.period {
        PeriodArg::Week => Period::Week,
        PeriodArg::Month => Period::Month,
        PeriodArg::Quarter => Period::Quarter,
    };
    let request = PlanRequest {
        quota,
        quota_in_deals,
        range: window.range,
        period,
    };

    let analysis = measured
        .as_ref()
        .map(|j| (j, funnel(&map, j, FunnelMode::Implied, None), win_rate(j)));
    let closed = analysis.as_ref().map(|(_, _, w)| w.clone());
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

    let cx = Context {
        window: &window,
        inputs: &inputs,
        closed: closed.as_ref(),
    };
    let out = match args.format {
        Format::Json => json(
            &map,
            &request,
            &cx,
            &baseline,
            &alternatives,
            actual.as_deref(),
        ),
        Format::Table => table(
            &map,
            &request,
            &cx,
            &baseline,
            &alternatives,
            actual.as_deref(),
            args.lang == "ko",
        ),
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
fn source(f: &Figure, ko: bool) -> String {
    match (&f.source, ko) {
        (Source::Measured { n }, _) => format!("n={n}"),
        (Source::Assumed { .. }, false) => "map".to_string(),
        (Source::Assumed { .. }, true) => "맵".to_string(),
        (Source::Given, false) => "given".to_string(),
        (Source::Given, true) => "지정".to_string(),
        (Source::WhatIf { baseline }, false) => format!("was {}", short(*baseline)),
        (Source::WhatIf { baseline }, true) => format!("원래 {}", short(*baseline)),
    }
}

fn short(v: f64) -> String {
    if v.abs() < 1.0 {
        format!("{:.1}%", v * 100.0)
    } else {
        grouped(v.round())
    }
}

/// What the table says about the plan besides the plan itself.
struct Context<'a> {
    window: &'a PlanWindow,
    inputs: &'a PlanInputs,
    /// The history's win rate over closed deals, as `analyze` reports it.
    closed: Option<&'a WinRate>,
}

/// Why the plan covers its days, as a sentence (empty when it is the goal's deadline).
fn window_note(w: &PlanWindow, ko: bool) -> String {
    let mut out = String::new();
    match &w.source {
        WindowSource::Given | WindowSource::GoalDeadline => {}
        WindowSource::GoalPassed { deadline } => say!(
            out,
            ko,
            "  the goal's deadline {} is before the plan's start: planning the year from the start instead (--deadline sets another)",
            "  목표 기한 {}이 계획 시작 전이므로 시작일부터 1년을 계획합니다 (--deadline으로 바꿀 수 있음)",
            deadline
        ),
        WindowSource::OneYear => say!(
            out,
            ko,
            "  no deadline in the map's goal: planning the year from the start (--deadline sets another)",
            "  맵의 목표에 기한이 없어 시작일부터 1년을 계획합니다 (--deadline으로 바꿀 수 있음)"
        ),
    }
    out
}

/// The plan's win rate beside `analyze`'s, and why they differ.
fn win_rates(p: &Plan, closed: Option<&WinRate>, ko: bool) -> String {
    let mut out = String::new();
    say!(
        out,
        ko,
        "  win rate in the plan: {:.1}% from `{}` to won (the product of the path's conversions; deals still open count as not yet won)",
        "  계획의 승률: `{1}`부터 수주까지 {0:.1}% (경로 전환율의 곱; 진행 중인 거래는 아직 수주 전으로 셈)",
        p.win_rate * 100.0,
        p.win_rate_from
    );
    match closed.map(|w| (w.by_count, w)) {
        Some((Some(r), w)) => say!(
            out,
            ko,
            "  win rate in `analyze`: {:.1}% (won / (won + lost), n={} closed deals); the two differ because `analyze` counts closed deals only",
            "  `analyze`의 승률: {:.1}% (수주 / (수주 + 실주), 종결 거래 n={}); `analyze`는 종결된 거래만 세므로 둘이 다릅니다",
            r * 100.0,
            w.won + w.lost
        ),
        Some((None, w)) => say!(
            out,
            ko,
            "  win rate in `analyze`: no data ({})",
            "  `analyze`의 승률: 데이터 없음 ({})",
            w.absent.as_ref().map_or("-".into(), |a| a.english())
        ),
        None => {}
    }
    out
}

fn table(
    map: &Map,
    request: &PlanRequest,
    cx: &Context<'_>,
    p: &Plan,
    alternatives: &[(String, Plan)],
    actual: Option<&[Vec<u64>]>,
    ko: bool,
) -> String {
    let lang = if ko { "ko" } else { map.language.as_str() };
    let name = |id: &str| {
        map.find(id)
            .map(|ix| map.stage(ix).name.get(lang, &map.language).to_string())
            .unwrap_or_else(|| id.to_string())
    };
    let mut out = String::new();
    let unit = map
        .goal
        .as_ref()
        .and_then(|g| g.unit.clone())
        .unwrap_or_default();
    let per = match (request.period, ko) {
        (Period::Week, false) => "week",
        (Period::Month, false) => "month",
        (Period::Quarter, false) => "quarter",
        (Period::Week, true) => "주",
        (Period::Month, true) => "월",
        (Period::Quarter, true) => "분기",
    };
    say!(
        out,
        ko,
        "Reverse-funnel plan: {} {} won from {} to {} (per {})",
        "역산 퍼널 계획: {2}부터 {3}까지 {0} {1} 수주 ({4}별)",
        grouped(p.quota),
        unit,
        format_date(request.range.start),
        format_date(request.range.end - 1),
        per
    );
    out.push_str(&window_note(cx.window, ko));
    let size = match (request.quota_in_deals, ko) {
        (true, false) => "quota in deals".to_string(),
        (true, true) => "할당량은 거래 수".to_string(),
        (false, false) => format!(
            "deal size {} {unit} ({})",
            grouped(p.deal_size.value),
            source(&p.deal_size, ko)
        ),
        (false, true) => format!(
            "거래 규모 {} {unit} ({})",
            grouped(p.deal_size.value),
            source(&p.deal_size, ko)
        ),
    };
    say!(
        out,
        ko,
        "  {} → {:.1} wins needed; {:.1} expected from live open deals → {:.1} new wins",
        "  {} → 필요한 수주 {:.1}건; 진행 중인 거래에서 예상 {:.1}건 → 새로 필요한 수주 {:.1}건",
        size,
        p.wins_needed,
        p.wins_from_pipeline,
        (p.wins_needed - p.wins_from_pipeline).max(0.0)
    );
    let aged: u64 = cx.inputs.aged_now.iter().sum();
    if aged > 0 {
        say!(
            out,
            ko,
            "  {} aged open deals on the path get no credit (open longer than the aging limit; --credit-aged counts them)",
            "  경로상의 노후 거래 {}건은 넣지 않습니다 (노후 기준보다 오래 진행 중; --credit-aged로 포함)",
            aged
        );
    }
    out.push_str(&win_rates(p, cx.closed, ko));
    out.push('\n');
    let words = |en: &'static str, kr: &'static str| if ko { kr } else { en };
    let mut header = format!(
        "{} {:>7} {:<8} {:>7} {:>5} {:<8} {:>8} {:>7}",
        fit(words("stage", "단계"), 30),
        words("rate", "전환율"),
        words("(source)", "(출처)"),
        words("to won", "수주까지"),
        words("days", "일수"),
        words("(source)", "(출처)"),
        words("needed", "필요"),
        words("late", "늦음")
    );
    for label in &p.periods {
        let _ = write!(header, " {label:>8}");
    }
    header.push_str(words("  touches", "  접점"));
    let _ = writeln!(out, "{header}");
    for s in &p.stages {
        let (rate, rate_source) = match &s.rate {
            Some(r) => (format!("{:.1}%", r.value * 100.0), source(r, ko)),
            None => (words("won", "수주").to_string(), String::new()),
        };
        let mut line = format!(
            "{} {:>7} {:<8} {:>6.1}% {:>5.0} {:<8} {:>8} {:>7}",
            fit(&name(&s.stage), 30),
            rate,
            rate_source,
            s.to_won * 100.0,
            s.days_to_won.value,
            source(&s.days_to_won, ko),
            grouped(s.needed_whole as f64),
            grouped(s.before_start_whole as f64),
        );
        for v in &s.per_period_whole {
            let _ = write!(line, " {:>8}", grouped(*v as f64));
        }
        match s.touches {
            Some(t) => {
                let _ = write!(line, "  {}", grouped(t.ceil()));
            }
            None => line.push_str("  -"),
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out.push_str(words(
        "\nrate: conversion to the next stage; days: days from entering the stage to the win.\n\
         source: n=… measured from history over n deals; map: the map's probabilities and target days;\n\
         given: a flag. needed: entries over the plan (rounded up); late: entries that had to\n\
         happen before the plan starts; late and the periods add up to needed.\n",
        "\n전환율: 다음 단계로의 전환; 일수: 단계에 들어온 날부터 수주까지의 일수.\n\
         출처: n=… 히스토리의 거래 n건으로 측정; 맵: 맵의 확률과 목표 일수; 지정: 옵션으로 지정.\n\
         필요: 계획 기간의 진입 수(올림); 늦음: 계획 시작 전에 있었어야 할 진입;\n\
         늦음과 기간별 값을 더하면 필요가 됩니다.\n",
    ));
    for (label, alt) in alternatives {
        say!(out, ko, "\nWhat if {}:", "\n가정 변경 {}:", label);
        say!(
            out,
            ko,
            "  {:.1} new wins needed ({:+.1}); win rate {:.1}% (was {:.1}%); deal size {} (was {}); days to won from the first stage {:.0} (was {:.0})",
            "  새로 필요한 수주 {:.1}건 ({:+.1}); 승률 {:.1}% (원래 {:.1}%); 거래 규모 {} (원래 {}); 첫 단계부터 수주까지 {:.0}일 (원래 {:.0}일)",
            alt.wins_needed - alt.wins_from_pipeline,
            (alt.wins_needed - alt.wins_from_pipeline) - (p.wins_needed - p.wins_from_pipeline),
            alt.win_rate * 100.0,
            p.win_rate * 100.0,
            grouped(alt.deal_size.value),
            grouped(p.deal_size.value),
            alt.stages.first().map_or(0.0, |s| s.days_to_won.value),
            p.stages.first().map_or(0.0, |s| s.days_to_won.value),
        );
        let _ = writeln!(
            out,
            "  {} {:>9} {:>9} {:>8} {:>9} {:>9}",
            fit(words("stage", "단계"), 30),
            words("needed", "필요"),
            words("what-if", "가정"),
            words("change", "변화"),
            words("late", "늦음"),
            words("what-if", "가정")
        );
        for (b, a) in p.stages.iter().zip(&alt.stages) {
            let _ = writeln!(
                out,
                "  {} {:>9} {:>9} {:>8} {:>9} {:>9}",
                fit(&name(&b.stage), 30),
                grouped(b.needed_whole as f64),
                grouped(a.needed_whole as f64),
                format!("{:+}", a.needed_whole as i64 - b.needed_whole as i64),
                grouped(b.before_start_whole as f64),
                grouped(a.before_start_whole as f64),
            );
        }
        let mut periods = format!(
            "  {}",
            fit(words("per period (what-if)", "기간별 (가정)"), 30)
        );
        for (i, label) in alt.periods.iter().enumerate() {
            let (was, now): (u64, u64) = p
                .stages
                .iter()
                .zip(&alt.stages)
                .map(|(b, a)| (b.per_period_whole[i], a.per_period_whole[i]))
                .fold((0, 0), |(x, y), (b, a)| (x + b, y + a));
            let _ = write!(periods, " {label} {was}→{now}");
        }
        let _ = writeln!(
            out,
            "{periods}  {}",
            words("(entries summed over the stages)", "(단계별 진입의 합)")
        );
    }
    if let Some(actual) = actual {
        say!(
            out,
            ko,
            "\nPlan vs actual (entries per period; planned / actual):",
            "\n계획 대 실적 (기간별 진입; 계획 / 실적):"
        );
        for (s, row) in p.stages.iter().zip(actual) {
            let mut line = format!("  {}", fit(&name(&s.stage), 30));
            for (planned, got) in s.per_period_whole.iter().zip(row) {
                let _ = write!(
                    line,
                    " {:>13}",
                    format!("{} / {}", grouped(*planned as f64), grouped(*got as f64))
                );
            }
            let _ = writeln!(out, "{line}");
        }
    }
    out
}

fn json(
    map: &Map,
    request: &PlanRequest,
    cx: &Context<'_>,
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
                "needed_rounded": s.needed_whole,
                "needed_before_start": s.needed_before_start,
                "needed_before_start_rounded": s.before_start_whole,
                "per_period": s.per_period,
                "per_period_rounded": s.per_period_whole,
                "aged_open_now": cx.inputs.aged_now[i],
                "rate": s.rate,
                "to_won": s.to_won,
                "days_to_won": s.days_to_won,
                "touches": s.touches,
                "touches_per_deal": cx.inputs.touches_per_deal[i],
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
        "window": cx.window.source,
        "period": request.period,
        "periods": p.periods,
        "deal_size": p.deal_size,
        "wins_needed": p.wins_needed,
        "wins_from_pipeline": p.wins_from_pipeline,
        "win_rate": p.win_rate,
        "win_rate_from": p.win_rate_from,
        "closed_win_rate": cx.closed.map(|w| serde_json::json!({"by_count": w.by_count, "closed": w.won + w.lost, "absent": w.absent})),
        "stages": stages,
        "what_if": alternatives.iter().map(|(label, alt)| serde_json::json!({"change": label, "plan": alt})).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&value).expect("plan serializes");
    s.push('\n');
    s
}
