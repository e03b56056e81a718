//! `salesmap analyze --map MAP HISTORY`: the history measured against the designed map.
//!
//! Loads the map (`salesmap_mapfile::load`) and the history (any format `import` reads), runs
//! `salesmap_core::analysis::analyze` and prints either JSON (the whole `Analysis`) or a report
//! that opens with what to fix first, then the goal and KPIs, the funnel, times, outcomes,
//! conformance, fast vs slow, triggers and friction, and the forecast. Every figure says its
//! n. The analysis instant defaults to the latest event in the history, so a report on the
//! same files is the same on any day.

use std::fmt::Write as _;
use std::path::PathBuf;

use salesmap_core::analysis::{
    Analysis, AnalyzeOptions, GroupFigures, Period, analyze, days_label,
};
use salesmap_core::findings::Finding;
use salesmap_core::history::Micros;
use salesmap_core::map::{Map, Metric};
use salesmap_import::format_timestamp;

use salesmap_core::absent::Absent;
use salesmap_core::display::{decimals_against, percent};

use crate::inputs::{
    AgingArgs, Measured, load_history, load_measured, parse_instant, resolve_as_of,
};
use crate::output::{file_name, fit, grouped, write_output};

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
            let title = format!("{} against {}", args.history.display(), args.map.display());
            report(&map, &analysis, &title, as_of)
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

fn pct(v: Option<f64>) -> String {
    v.map_or("-".into(), percent)
}

fn days(v: Option<f64>) -> String {
    v.map_or("-".into(), |d| format!("{} d", days_label(d)))
}

fn metric_value(metric: Metric, v: Option<f64>) -> String {
    match v {
        Some(v) => metric_against(metric, v, None),
        None => "no data".into(),
    }
}

/// `v` in `metric`'s unit; next to a `target`, with as many decimals as it takes to sit on
/// the same side of it as the exact value does.
fn metric_against(metric: Metric, v: f64, target: Option<f64>) -> String {
    let against =
        |scale: f64, min: usize| target.map_or(min, |t| decimals_against(v, t, scale, min));
    match metric {
        Metric::WinRate | Metric::Conversion | Metric::ChurnRate | Metric::RetentionRate => {
            match target {
                Some(_) => format!("{:.*}%", against(100.0, 0), v * 100.0),
                None => percent(v),
            }
        }
        Metric::CycleDays => match target {
            Some(_) => format!("{:.*} d", against(1.0, usize::from(v < 10.0)), v),
            None => format!("{} d", days_label(v)),
        },
        Metric::FirstResponseHours | Metric::HandoffHours => {
            format!("{:.*} h", against(1.0, 1), v)
        }
        Metric::WonDeals | Metric::WonRevenue | Metric::AverageDealSize => match target {
            Some(t) if v.round() == t.round() && v != t => format!("{:.*}", against(1.0, 0), v),
            _ => grouped(v),
        },
        Metric::SalesVelocity => format!("{}/day", grouped(v)),
    }
}

/// A figure, or "no data (why)".
fn or_absent(shown: Option<String>, absent: Option<&Absent>) -> String {
    match (shown, absent) {
        (Some(s), _) => s,
        (None, Some(a)) => format!("no data ({})", a.english()),
        (None, None) => "-".into(),
    }
}

/// The readable report.
pub(crate) fn report(map: &Map, a: &Analysis, title: &str, as_of: Micros) -> String {
    let lang = &map.language;
    let mut o = String::new();
    let w = &mut o;
    let _ = writeln!(w, "{} — {}", map.name.get(lang, lang), title);
    let _ = writeln!(
        w,
        "As of {}: {} deals ({} stage entries, {} touches); {} won, {} lost, {} disqualified, {} open",
        &format_timestamp(as_of)[..10],
        a.deals,
        a.stage_entries,
        a.touches,
        a.win_rate.won,
        a.win_rate.lost,
        a.win_rate.disqualified,
        a.win_rate.open
    );
    notes(w, a);

    let _ = writeln!(w, "\nWhat to fix first");
    for (i, line) in findings(map, a).iter().enumerate() {
        let _ = writeln!(w, "  {}. {line}", i + 1);
    }

    if a.goal.is_some() || !a.kpis.is_empty() {
        let _ = writeln!(w, "\nGoal and KPIs");
    }
    if let Some(g) = &a.goal {
        let unit = g.unit.as_deref().unwrap_or("");
        let window = match (&g.window, &g.deadline) {
            (Some((first, last)), _) => format!(", won {first} to {last}"),
            (None, Some(d)) => format!(", deadline {d}"),
            (None, None) => String::new(),
        };
        let _ = match (g.measured, &g.absent) {
            (Some(m), _) => writeln!(
                w,
                "  goal: {} — {} {unit} of {} {unit} ({}, n={} deals){window}",
                g.description,
                metric_against(g.metric, m, None),
                grouped(g.target),
                pct(g.progress),
                g.n,
            ),
            (None, absent) => writeln!(
                w,
                "  goal: {} — {} {unit}: {}{window}",
                g.description,
                grouped(g.target),
                or_absent(None, absent.as_ref()),
            ),
        };
    }
    for k in &a.kpis {
        let status = match k.met {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "no data",
        };
        let dir = if k.higher_is_better { "≥" } else { "≤" };
        let target = metric_against(k.metric, k.target, None);
        let _ = match k.measured {
            Some(v) => writeln!(
                w,
                "  {:<7} {} {} (target {dir} {target}, n={})",
                status,
                fit(&k.name, 48),
                metric_against(k.metric, v, Some(k.target)),
                k.n
            ),
            None => writeln!(
                w,
                "  {:<7} {} — {} (target {dir} {target})",
                status,
                fit(&k.name, 48),
                k.absent
                    .as_ref()
                    .map_or("nothing to measure".into(), Absent::english),
            ),
        };
    }

    let _ = writeln!(
        w,
        "\nFunnel along the main path (strict: observed entries; implied: also stages passed on the way)\n  \
         conv: of the deals that reached a stage, the share that reached the next one (at any time);\n  \
         drop: deals that ended lost or disqualified with this as the furthest stage they reached;\n  \
         open now / stale: open deals (not won) in the stage now / past its target days"
    );
    let _ = writeln!(
        w,
        "  {:<22} {:>8} {:>8} {:>8} {:>7} {:>7} {:>8} {:>8} {:>9} {:>9} {:>6}",
        "stage",
        "reached",
        "implied",
        "convert",
        "drop",
        "open",
        "conv",
        "cum",
        "impl.conv",
        "open now",
        "stale"
    );
    for (s, i) in a.funnel_strict.stages.iter().zip(&a.funnel_implied.stages) {
        let _ = writeln!(
            w,
            "  {} {:>8} {:>8} {:>8} {:>7} {:>7} {:>8} {:>8} {:>9} {:>9} {:>6}",
            fit(&s.stage, 22),
            s.reached,
            i.reached,
            s.converted,
            s.dropped,
            s.open,
            pct(s.conversion),
            pct(s.cumulative),
            pct(i.conversion),
            s.open_now,
            s.stale
        );
    }
    let customers: Vec<String> = a
        .funnel_strict
        .stages
        .iter()
        .filter(|s| s.customers_now > 0)
        .map(|s| {
            let late = if s.customers_over_target > 0 {
                format!(", {} past target", s.customers_over_target)
            } else {
                String::new()
            };
            format!("{} {}{late}", s.stage, s.customers_now)
        })
        .collect();
    if !customers.is_empty() {
        let _ = writeln!(
            w,
            "  after the sale (won deals, not open pipeline), customers now: {}",
            customers.join("; ")
        );
    }

    let _ = writeln!(w, "\nTime in stage (completed stays; open stays apart)");
    let _ = writeln!(
        w,
        "  {:<22} {:>6} {:>9} {:>9} {:>9} {:>8} {:>11} {:>8}",
        "stage", "n", "median", "p75", "p90", "open", "open median", "target"
    );
    for t in a.stage_times.iter().filter(|t| t.deals > 0) {
        let d = t.days.as_ref();
        let _ = writeln!(
            w,
            "  {} {:>6} {:>9} {:>9} {:>9} {:>8} {:>11} {:>8}",
            fit(&t.stage, 22),
            d.map_or(0, |d| d.n),
            days(d.map(|d| d.median)),
            days(d.map(|d| d.p75)),
            days(d.map(|d| d.p90)),
            t.open,
            days(t.open_median_days),
            days(t.target_days)
        );
    }

    let _ = writeln!(w, "\nOutcomes");
    let c = &a.cycle;
    let unknown = if c.unknown_start > 0 {
        format!(
            "; {} won deals left out: no stage entry before the win, so their start is unknown",
            c.unknown_start
        )
    } else {
        String::new()
    };
    match &c.days {
        Some(d) => {
            let _ = writeln!(
                w,
                "  sales cycle (n={} won): median {}, p75 {}, p90 {}{unknown}",
                c.won,
                days(Some(d.median)),
                days(Some(d.p75)),
                days(Some(d.p90))
            );
        }
        None => {
            let _ = writeln!(w, "  sales cycle: {}", or_absent(None, c.absent.as_ref()));
        }
    }
    let wr = &a.win_rate;
    let _ = match wr.by_count {
        Some(_) => writeln!(
            w,
            "  win rate: {} by count (n={} closed: {} won, {} lost); {} by value (n={} with amount)",
            pct(wr.by_count),
            wr.won + wr.lost,
            wr.won,
            wr.lost,
            pct(wr.by_value),
            wr.won_with_amount + wr.lost_with_amount
        ),
        None => writeln!(w, "  win rate: {}", or_absent(None, wr.absent.as_ref())),
    };
    let v = &a.velocity;
    let _ = match v.per_day {
        Some(per_day) => writeln!(
            w,
            "  sales velocity: {} per day = {} live open × {} average won × {} win rate / {} median cycle",
            grouped(per_day),
            v.open_deals,
            v.average_won_amount.map_or("-".into(), grouped),
            pct(v.win_rate),
            days(v.median_cycle_days)
        ),
        None => writeln!(
            w,
            "  sales velocity: no data (it needs a win rate, an average won amount and a median cycle: {}, {}, {})",
            pct(v.win_rate),
            v.average_won_amount.map_or("-".into(), grouped),
            days(v.median_cycle_days)
        ),
    };
    match &a.first_response {
        Some(f) => {
            let h = f.hours.as_ref();
            let _ = writeln!(
                w,
                "  first response (n={} of {} deals; {} without a touch): median {}, p90 {}{}",
                h.map_or(0, |h| h.n),
                f.deals,
                f.no_touch,
                h.map_or("-".into(), |h| format!("{:.1} h", h.median)),
                h.map_or("-".into(), |h| format!("{:.1} h", h.p90)),
                match (f.sla_hours, f.within_sla) {
                    (Some(s), Some(share)) => format!(", {} within {s} h", pct(Some(share))),
                    _ => String::new(),
                }
            );
        }
        None => {
            let _ = writeln!(w, "  first response: the history has no touches");
        }
    }
    let ch = &a.churn;
    let _ = match ch.churn_rate {
        Some(_) => writeln!(
            w,
            "  churn: {} ({} of n={} customers); retention {}",
            pct(ch.churn_rate),
            ch.churned,
            ch.customers,
            pct(ch.retention_rate)
        ),
        None => writeln!(w, "  churn: {}", or_absent(None, ch.absent.as_ref())),
    };
    let hs = &a.handoffs;
    if !hs.pairs.is_empty() {
        let src = match &hs.source {
            salesmap_core::timing::OwnerSource::History(c) => {
                format!("owners from the history's `{c}`")
            }
            salesmap_core::timing::OwnerSource::Map => "owners from the map".to_string(),
        };
        let _ = writeln!(w, "  hand-offs ({src}):");
        for p in hs.pairs.iter().take(6) {
            let who = if p.from_owner.is_empty() {
                String::new()
            } else {
                format!(" ({} → {})", p.from_owner, p.to_owner)
            };
            let _ = writeln!(
                w,
                "    {} → {}{who}: median {:.1} h, p90 {:.1} h (n={})",
                p.from, p.to, p.hours.median, p.hours.p90, p.hours.n
            );
        }
    }

    let cf = &a.conformance;
    let _ = writeln!(
        w,
        "\nConformance: {} of n={} deals fit the map ({})",
        cf.fitting,
        cf.deals,
        pct(cf.fit_share)
    );
    for k in cf.by_kind.iter().filter(|k| k.deals > 0) {
        let _ = writeln!(w, "  {:<20} {} deals", k.kind.label(), k.deals);
    }
    if !cf.deviations.is_empty() {
        let _ = writeln!(w, "  most common deviations:");
    }
    for d in cf.deviations.iter().take(8) {
        let _ = writeln!(
            w,
            "    {} (n={} deals, e.g. {})",
            d.description,
            d.deals,
            d.examples.join(", ")
        );
    }
    let asis = &cf.as_is;
    if !asis.not_in_map.is_empty() {
        let _ = writeln!(w, "  moves the history makes that the map lacks:");
        for m in asis.not_in_map.iter().take(8) {
            let _ = writeln!(
                w,
                "    {} → {} (n={} deals, {} moves)",
                m.from, m.to, m.deals, m.moves
            );
        }
    }
    if !asis.unused.is_empty() {
        let list: Vec<String> = asis
            .unused
            .iter()
            .map(|(a, b)| format!("{a} → {b}"))
            .collect();
        let _ = writeln!(w, "  map transitions nobody used: {}", list.join(", "));
    }

    let fs = &a.fast_slow;
    let _ = writeln!(w, "\nFast vs slow won deals (n={} won)", fs.won);
    if fs.group == 0 {
        let _ = writeln!(w, "  too few won deals to compare quartiles (need 8)");
    } else {
        let _ = writeln!(
            w,
            "  fastest {} (cycle ≤ {}, median {}) vs slowest {} (cycle ≥ {}, median {})",
            fs.group,
            days(fs.fast_max_days),
            days(fs.fast_median_days),
            fs.group,
            days(fs.slow_min_days),
            days(fs.slow_median_days)
        );
        for d in fs.differences.iter().take(6) {
            let _ = writeln!(w, "  - {}", d.text);
        }
        let slower: Vec<String> = fs
            .stage_days
            .iter()
            .filter_map(|s| match (s.fast_median_days, s.slow_median_days) {
                (Some(f), Some(sl)) if sl > f => Some(format!(
                    "{} {} vs {} (n={}/{})",
                    s.stage,
                    days(Some(f)),
                    days(Some(sl)),
                    s.fast_n,
                    s.slow_n
                )),
                _ => None,
            })
            .collect();
        if !slower.is_empty() {
            let _ = writeln!(
                w,
                "  median days per stage, fast vs slow: {}",
                slower.join("; ")
            );
        }
        if let (Some(f), Some(s)) = (fs.fast_touches, fs.slow_touches) {
            let _ = writeln!(
                w,
                "  touches before the win: {f:.1} per fast deal vs {s:.1} per slow deal"
            );
        }
    }
    if !fs.outliers.is_empty() {
        let list: Vec<String> = fs
            .outliers
            .iter()
            .map(|o| format!("{} ({})", o.deal, days(Some(o.days))))
            .collect();
        let _ = writeln!(w, "  outliers (beyond 1.5 IQR): {}", list.join(", "));
    }

    let _ = writeln!(
        w,
        "\nTriggers: what raises the chance of advancing (lift = rate with it / stage rate)"
    );
    for t in &a.triggers {
        let best: Vec<String> = t
            .features
            .iter()
            .take(3)
            .map(|l| {
                format!(
                    "{} ×{:.2} ({}/{} advanced)",
                    l.feature, l.lift, l.advanced, l.n
                )
            })
            .collect();
        let _ = writeln!(
            w,
            "  {} {} advance (n={}): {}",
            fit(&t.stage, 22),
            pct(t.rate),
            t.decided,
            if best.is_empty() {
                "no lift found".into()
            } else {
                best.join("; ")
            }
        );
    }
    excluded(w, a);
    if !a.friction.is_empty() {
        let _ = writeln!(
            w,
            "\nFriction: where deals drop out (ended lost or disqualified; the furthest main-path stage they reached)"
        );
    }
    for f in a.friction.iter().take(6) {
        let reasons: Vec<String> = f
            .reasons
            .iter()
            .take(3)
            .map(|(r, n)| format!("{r} {n}"))
            .collect();
        let _ = writeln!(
            w,
            "  {} {} of n={} entered ({}); reasons: {}",
            fit(&f.stage, 22),
            f.dropped,
            f.entered,
            pct(f.drop_rate),
            reasons.join(", ")
        );
    }

    let fc = &a.forecast;
    let _ = writeln!(
        w,
        "\nForecast: measured chance of winning from each stage (closed deals), designed in brackets"
    );
    if let Some(why) = &fc.absent {
        let _ = writeln!(
            w,
            "  no chance is measured: {}; the map's designed probabilities stand in",
            why.english()
        );
    }
    for s in fc.stages.iter().filter(|s| s.closed > 0 || s.open > 0) {
        let aged = if s.aged > 0 {
            format!(" ({} aged)", s.aged)
        } else {
            String::new()
        };
        let _ = writeln!(
            w,
            "  {} {:>5} (n={} closed) [{}]  open now {}{aged} worth {}",
            fit(&s.stage, 22),
            pct(s.measured),
            s.closed,
            pct(s.designed),
            s.open,
            grouped(s.open_amount)
        );
    }
    let live = fc.open_deals - if fc.aged_credited { 0 } else { fc.aged_deals };
    let _ = writeln!(
        w,
        "  weighted open pipeline: {} of {} open (n={live} live deals; expected wins {:.1}; {} without amount, {} without probability)",
        grouped(fc.weighted_pipeline),
        grouped(fc.open_pipeline),
        fc.expected_wins,
        fc.without_amount,
        fc.unweighted_deals
    );
    aging(w, a);

    if let Some(b) = &a.breakdown {
        let _ = writeln!(w, "\nBy {}", b.attribute);
        group_header(w);
        for g in &b.groups {
            group_row(w, g);
        }
    }
    if let Some(p) = &a.period {
        let _ = writeln!(
            w,
            "\nPeriod {} against the one before (deals by the day they started)",
            p.current.label
        );
        group_header(w);
        group_row(w, &p.current_figures);
        group_row(w, &p.previous_figures);
    }
    o
}

/// The aged open deals, apart from the live pipeline.
fn aging(w: &mut String, a: &Analysis) {
    use salesmap_core::aging::LimitSource;
    let g = &a.aging;
    let limit = match (&g.source, g.limit_days) {
        (LimitSource::WonCycleP90 { n }, Some(d)) => {
            format!(
                "open longer than {} (the 90th percentile of n={n} won cycles)",
                days(Some(d))
            )
        }
        (LimitSource::LongestWonCycle { n }, Some(d)) => {
            format!(
                "open longer than {} (the longest of n={n} won cycles)",
                days(Some(d))
            )
        }
        (LimitSource::Given, Some(d)) => {
            format!("open longer than {} (--aging-days)", days(Some(d)))
        }
        _ => "no age limit (no won cycle to compare with, or --aging-days off)".to_string(),
    };
    if g.aged == 0 {
        let _ = writeln!(w, "  aged deals: none of n={} open ({limit})", g.open);
        return;
    }
    let stages: Vec<String> = g.by_stage.iter().map(|(s, n)| format!("{s} {n}")).collect();
    let credit = if g.credited {
        "still weighted (--credit-aged)"
    } else {
        "no forecast or plan credit; --credit-aged counts them"
    };
    let _ = writeln!(
        w,
        "  aged deals: {} of n={} open, worth {} (median age {}): {limit}{}; {credit}\n    by stage: {}; oldest: {}",
        g.aged,
        g.open,
        grouped(g.aged_amount),
        days(g.aged_median_days),
        if g.rotten > 0 {
            format!(", or past their stage's rotten_days ({})", g.rotten)
        } else {
            String::new()
        },
        stages.join(", "),
        g.examples.join(", ")
    );
}

/// Deal attributes left out of fast vs slow and triggers, and why.
fn excluded(w: &mut String, a: &Analysis) {
    use salesmap_core::attributes::Exclusion;
    if a.excluded_attributes.is_empty() {
        return;
    }
    let _ = writeln!(
        w,
        "  left out of fast vs slow and triggers (the outcome itself or written at the close):"
    );
    for e in &a.excluded_attributes {
        let why = match &e.reason {
            Exclusion::OutcomeName => "its name says it is the outcome".to_string(),
            Exclusion::DeterminesOutcome { values } => {
                let shown: Vec<String> = values
                    .iter()
                    .take(4)
                    .map(|(v, class, n)| format!("{v} → {class} ({n})"))
                    .collect();
                format!("each value goes with one outcome: {}", shown.join(", "))
            }
        };
        let _ = writeln!(w, "    {}: {why}", e.attribute);
    }
}

fn group_header(w: &mut String) {
    let _ = writeln!(
        w,
        "  {:<24} {:>7} {:>6} {:>6} {:>6} {:>9} {:>12} {:>12} {:>10}",
        "group", "deals", "won", "lost", "open", "win rate", "won value", "cycle", "start→won"
    );
}

fn group_row(w: &mut String, g: &GroupFigures) {
    let _ = writeln!(
        w,
        "  {} {:>7} {:>6} {:>6} {:>6} {:>9} {:>12} {:>12} {:>10}",
        fit(&g.group, 24),
        g.deals,
        g.won,
        g.lost,
        g.open,
        pct(g.win_rate),
        grouped(g.won_value),
        days(g.median_cycle_days),
        pct(g.start_to_won)
    );
}

fn notes(w: &mut String, a: &Analysis) {
    let n = &a.notes;
    if !n.unknown_stages.is_empty() {
        let list: Vec<String> = n
            .unknown_stages
            .iter()
            .take(8)
            .map(|(k, v)| format!("\"{k}\" ({v})"))
            .collect();
        let _ = writeln!(
            w,
            "  note: stage names the map does not know: {}; add them as `aliases` to the right stage",
            list.join(", ")
        );
    }
    if n.bad_amount_count > 0 {
        let ex: Vec<String> = n
            .bad_amounts
            .iter()
            .take(3)
            .map(|b| format!("{} `{}`", b.deal, b.value))
            .collect();
        let _ = writeln!(
            w,
            "  note: {} amounts are not numbers and are left out (e.g. {})",
            n.bad_amount_count,
            ex.join(", ")
        );
    }
    if n.after_as_of > 0 {
        let _ = writeln!(
            w,
            "  note: {} events after the analysis date are left out",
            n.after_as_of
        );
    }
}

/// The findings of `salesmap_core::findings`, worded for the terminal.
fn findings(map: &Map, a: &Analysis) -> Vec<String> {
    salesmap_core::findings::findings(a)
        .into_iter()
        .map(|f| match f {
            Finding::Friction(f) => {
                let reason = f.reasons.first().map_or(String::new(), |(r, n)| {
                    format!(", most often for \"{r}\" (n={n})")
                });
                format!(
                    "Deals drop out most at {}: {} of n={} that entered ({}) ended lost or disqualified{reason}.",
                    f.stage,
                    f.dropped,
                    f.entered,
                    pct(f.drop_rate)
                )
            }
            Finding::KpiMissed(k) => format!(
                "KPI missed: {} is {} against a target of {} (n={}).",
                k.name,
                k.measured.map_or("no data".into(), |v| metric_against(
                    k.metric,
                    v,
                    Some(k.target)
                )),
                metric_value(k.metric, Some(k.target)),
                k.n
            ),
            Finding::Stale {
                total,
                stage,
                stale,
                open_now,
            } => format!(
                "{total} open deals are past their stage's target days; most in {stage} ({stale} of {open_now} open there)."
            ),
            Finding::FastSlow(d) => format!("Fast deals differ most in this: {}.", d.text),
            Finding::Trigger {
                stage,
                stage_rate,
                lift,
            } => format!(
                "At {stage}, deals with {} advance {} of the time vs {} overall (×{:.2}, n={}).",
                lift.feature,
                pct(Some(lift.rate)),
                pct(stage_rate),
                lift.lift,
                lift.n
            ),
            Finding::Conformance {
                fit_share,
                deviation,
            } => format!(
                "Only {} of deals follow the map; the most common deviation is \"{}\" (n={}). Fix the process or the map.",
                pct(Some(fit_share)),
                deviation.description,
                deviation.deals
            ),
            Finding::NothingStandsOut { deals } => format!(
                "Nothing stands out yet on n={deals} deals of {}.",
                map.name.get(&map.language, &map.language)
            ),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
