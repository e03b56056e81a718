//! The reverse-funnel planner (R15): from a quota back to the deals, leads and touches needed
//! at each stage of the main path, and when they must enter.
//!
//! The plan is computed from [`PlanInputs`]: one conversion rate per main-path step, the
//! average won deal size, each stage's time to won, open deals now, touches per deal. Every input
//! is a [`Figure`] that says where it came from: measured from history (with its n), assumed
//! from the map (stage probabilities, target days), or given on the command line.
//! [`measure_inputs`] fills them from history, falling back to the map where history is thin;
//! [`what_if`] changes them; [`plan`] turns them into needs per stage and period.
//!
//! Arithmetic: wins needed = quota / deal size; expected wins already in the pipeline =
//! Σ open deals at a stage × that stage's cumulative conversion to won; the remaining wins are
//! spread over the plan's days evenly; the entries a stage needs are the wins of a day divided
//! by the stage's cumulative conversion, moved earlier by the stage's time to won. Entries that
//! would have had to happen before the plan starts are reported apart (the plan is already
//! late by that much). Counts are kept fractional so that applying the rates forward gives back
//! the quota exactly; tables round them up.

use serde::Serialize;

use crate::calendar::{Day, DayRange, Period, day_of, periods};
use crate::funnel::Funnel;
use crate::journey::{Journeys, Status};
use crate::kpi::WinRate;
use crate::map::{MainPath, Map, Metric, StageIx};
use crate::stats::Summary;

/// Where an input number came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Source {
    /// Measured from history, over `n` deals.
    Measured { n: u64 },
    /// Taken from the map (`from` says which fields).
    Assumed { from: String },
    /// Given on the command line.
    Given,
    /// Changed by a what-if from the baseline value.
    WhatIf { baseline: f64 },
}

/// A number and its source.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figure {
    pub value: f64,
    pub source: Source,
}

impl Figure {
    pub fn measured(value: f64, n: u64) -> Figure {
        Figure {
            value,
            source: Source::Measured { n },
        }
    }

    pub fn assumed(value: f64, from: &str) -> Figure {
        Figure {
            value,
            source: Source::Assumed {
                from: from.to_string(),
            },
        }
    }

    pub fn given(value: f64) -> Figure {
        Figure {
            value,
            source: Source::Given,
        }
    }
}

/// Everything the plan is computed from. Vectors are indexed by position on `path`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanInputs {
    /// The main path from the start stage up to and including the won stage.
    pub path: Vec<StageIx>,
    /// Conversion from `path[i]` to `path[i + 1]` (one fewer than `path`).
    pub rates: Vec<Figure>,
    /// Average won deal size (in the quota's unit); `None` when nothing gives one (a quota
    /// in deals needs none).
    pub deal_size: Option<Figure>,
    /// Days from entering `path[i]` to the win (0 at the won stage).
    pub days_to_won: Vec<Figure>,
    /// Touches per deal while in `path[i]`, where history has touches.
    pub touches_per_deal: Vec<Option<Figure>>,
    /// Live open deals in `path[i]` now: the ones the plan expects wins from (aged deals
    /// are left out unless credited).
    pub open_now: Vec<u64>,
    /// Aged open deals in `path[i]` now, given no credit (0 when credited).
    pub aged_now: Vec<u64>,
    /// The stage where the opportunity win rate is counted from: the first main-path stage
    /// with a branch to a `lost` outcome (else the stage before won).
    pub win_rate_from: usize,
}

/// What the plan must reach, and over which days.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanRequest {
    /// The quota: revenue, or a number of wins when `quota_in_deals`.
    pub quota: f64,
    pub quota_in_deals: bool,
    /// The days the wins must fall in.
    pub range: DayRange,
    pub period: Period,
}

/// Why a plan cannot be made.
#[derive(Clone, Debug, PartialEq)]
pub enum PlanError {
    QuotaNotPositive(f64),
    NoPathToWon,
    NoDealSize,
    DealSizeNotPositive(f64),
    MissingRate {
        from: String,
        to: String,
    },
    ZeroConversion {
        from: String,
        to: String,
    },
    RateAboveOne {
        from: String,
        to: String,
        rate: f64,
    },
    EmptyRange,
    UnknownStage(String),
    BadWhatIf(String),
    /// `--win-rate` outside (0, 1].
    WinRateOutOfRange(f64),
    /// A what-if would take the win rate outside (0, 1].
    WhatIfWinRate {
        change: String,
        rate: f64,
    },
    /// A what-if shortens a cycle that has no days to take from.
    WhatIfNoCycle(String),
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlanError::QuotaNotPositive(q) => write!(
                f,
                "the quota must be a positive amount, got {q}; pass --quota 1200000 or set a [goal] target"
            ),
            PlanError::NoPathToWon => write!(
                f,
                "the map's main path never reaches a won stage, so no plan can lead to a win; mark the won stage with milestone = \"won\" and link it with `next`"
            ),
            PlanError::NoDealSize => write!(
                f,
                "no average deal size: it is measured from won deals with an amount in --history, and none were found; pass --deal-size 24000"
            ),
            PlanError::DealSizeNotPositive(v) => {
                write!(f, "the average deal size must be positive, got {v}")
            }
            PlanError::MissingRate { from, to } => write!(
                f,
                "no conversion rate from `{from}` to `{to}`: history is too thin and the map gives no probabilities for both; pass --rate {from}=0.4"
            ),
            PlanError::ZeroConversion { from, to } => write!(
                f,
                "the conversion from `{from}` to `{to}` is 0, so no number of deals reaches the quota; pass --rate {from}=0.3 if history understates it"
            ),
            PlanError::RateAboveOne { from, to, rate } => write!(
                f,
                "the conversion from `{from}` to `{to}` would be {rate}, above 100%; use a rate between 0 and 1"
            ),
            PlanError::EmptyRange => write!(
                f,
                "the plan's deadline is not after its start; pass --start before the goal's deadline"
            ),
            PlanError::UnknownStage(s) => write!(f, "`{s}` is not a stage on the map's main path"),
            PlanError::BadWhatIf(s) => write!(
                f,
                "cannot read what-if `{s}`: use win-rate=+5pp, win-rate=+10%, win-rate=0.3, cycle=-10d, deal-size=+10%, rate:STAGE=0.4"
            ),
            PlanError::WinRateOutOfRange(r) => write!(
                f,
                "--win-rate {r}: a win rate must be above 0 and at most 1 (0.25 is 25 %); with a win rate of 0 no number of deals reaches the quota"
            ),
            PlanError::WhatIfWinRate { change, rate } => write!(
                f,
                "what-if `{change}` would make the win rate {:.1} %; it must stay above 0 % and at most 100 %",
                rate * 100.0
            ),
            PlanError::WhatIfNoCycle(change) => write!(
                f,
                "what-if `{change}` cannot shorten the cycle: the plan's days to won are already 0 (no won deal and no target_days to measure them from)"
            ),
        }
    }
}

/// The plan for one stage of the main path.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanStage {
    pub stage: String,
    /// Conversion to the next stage on the path (`None` at the won stage).
    pub rate: Option<Figure>,
    /// Product of the rates from here to won.
    pub to_won: f64,
    pub days_to_won: Figure,
    /// Entries needed over the whole plan (including those already late).
    pub needed: f64,
    /// Entries that would have had to happen before the plan starts.
    pub needed_before_start: f64,
    /// Entries needed in each period (aligned with [`Plan::periods`]).
    pub per_period: Vec<f64>,
    /// The same in whole deals, as tables show them: `needed` rounded up, and the late
    /// entries and each period's rounded so that they add up to it (largest remainder).
    pub needed_whole: u64,
    pub before_start_whole: u64,
    pub per_period_whole: Vec<u64>,
    /// Touches needed (entries × touches per deal), where history has touches.
    pub touches: Option<f64>,
    pub open_now: u64,
}

/// A reverse-funnel plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plan {
    pub quota: f64,
    pub deal_size: Figure,
    /// Wins the quota takes.
    pub wins_needed: f64,
    /// Wins expected from deals already open.
    pub wins_from_pipeline: f64,
    /// Opportunity win rate: product of the rates from `win_rate_from` to won.
    pub win_rate: f64,
    pub win_rate_from: String,
    pub periods: Vec<String>,
    pub stages: Vec<PlanStage>,
}

/// Why a plan covers the days it does.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum WindowSource {
    /// `--deadline` (or the report's `--plan-deadline`).
    Given,
    /// The goal's deadline.
    GoalDeadline,
    /// The goal's deadline is before the plan's start: the year from the start is planned.
    GoalPassed { deadline: String },
    /// No deadline anywhere: the year from the start.
    OneYear,
}

/// The days a plan covers and why: `plan` and the report decide them the same way.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanWindow {
    pub range: DayRange,
    pub source: WindowSource,
}

/// The plan's days from its first day, a deadline given by the user, and the goal's
/// deadline: the given deadline, else the goal's when it is not before the start, else the
/// year from the start (saying so). A given deadline before the start is an error.
pub fn plan_window(
    start: Day,
    given: Option<Day>,
    goal_deadline: Option<Day>,
) -> Result<PlanWindow, PlanError> {
    let year = || {
        let (y, m, d) = crate::calendar::civil_from_days(start);
        crate::calendar::days_from_civil(y + 1, m, d)
    };
    let (end, source) = match (given, goal_deadline) {
        (Some(d), _) if d < start => return Err(PlanError::EmptyRange),
        (Some(d), _) => (d + 1, WindowSource::Given),
        (None, Some(g)) if g >= start => (g + 1, WindowSource::GoalDeadline),
        (None, Some(g)) => (
            year(),
            WindowSource::GoalPassed {
                deadline: crate::calendar::format_date(g),
            },
        ),
        (None, None) => (year(), WindowSource::OneYear),
    };
    Ok(PlanWindow {
        range: DayRange { start, end },
        source,
    })
}

/// The quota the map's goal sets, when the goal is won revenue or a number of won deals:
/// `(quota, quota_in_deals)`. This is the quota a plan defaults to (R1).
pub fn goal_quota(map: &Map) -> Option<(f64, bool)> {
    let goal = map.goal.as_ref()?;
    match goal.metric {
        Metric::WonRevenue => Some((goal.target, false)),
        Metric::WonDeals => Some((goal.target, true)),
        _ => None,
    }
}

/// Computes the plan.
pub fn plan(map: &Map, inputs: &PlanInputs, request: &PlanRequest) -> Result<Plan, PlanError> {
    if !(request.quota > 0.0 && request.quota.is_finite()) {
        return Err(PlanError::QuotaNotPositive(request.quota));
    }
    if request.range.is_empty() {
        return Err(PlanError::EmptyRange);
    }
    let n = inputs.path.len();
    let id = |i: usize| map.stage(inputs.path[i]).id.clone();
    for (i, r) in inputs.rates.iter().enumerate() {
        if r.value <= 0.0 {
            return Err(PlanError::ZeroConversion {
                from: id(i),
                to: id(i + 1),
            });
        }
        if r.value > 1.0 {
            return Err(PlanError::RateAboveOne {
                from: id(i),
                to: id(i + 1),
                rate: r.value,
            });
        }
    }
    let deal_size = if request.quota_in_deals {
        Figure::assumed(1.0, "quota given in deals")
    } else {
        let Some(size) = &inputs.deal_size else {
            return Err(PlanError::NoDealSize);
        };
        if size.value.is_nan() || size.value <= 0.0 {
            return Err(PlanError::DealSizeNotPositive(size.value));
        }
        size.clone()
    };
    let to_won = cumulative(&inputs.rates);
    let wins_needed = request.quota / deal_size.value;
    let wins_from_pipeline: f64 = (0..n).map(|i| inputs.open_now[i] as f64 * to_won[i]).sum();
    let wins_new = (wins_needed - wins_from_pipeline).max(0.0);
    let buckets = periods(request.range, request.period);
    let total_days = request.range.len() as f64;
    let stages = (0..n)
        .map(|i| {
            let shift = inputs.days_to_won[i].value.round() as Day;
            let needed = wins_new / to_won[i];
            // Wins are spread evenly over the plan's days; the entries for a win on day d happen
            // on day d - shift. Count each period's share by its overlap with the shifted range.
            let entry_range = DayRange {
                start: request.range.start - shift,
                end: request.range.end - shift,
            };
            let per_period: Vec<f64> = buckets
                .iter()
                .map(|(_, r)| needed * r.overlap(entry_range) as f64 / total_days)
                .collect();
            let before = DayRange {
                start: entry_range.start,
                end: request.range.start,
            };
            let needed_before_start = needed * entry_range.overlap(before) as f64 / total_days;
            // Rounded up a hair under the next whole, so float noise (38.000000001) does not
            // ask for one more deal.
            let needed_whole = (needed - 1e-9).ceil().max(0.0) as u64;
            let cells: Vec<f64> = std::iter::once(needed_before_start)
                .chain(per_period.iter().copied())
                .collect();
            let whole = crate::display::round_preserving_total(&cells, needed_whole);
            PlanStage {
                needed_whole,
                before_start_whole: whole[0],
                per_period_whole: whole[1..].to_vec(),
                stage: id(i),
                rate: inputs.rates.get(i).cloned(),
                to_won: to_won[i],
                days_to_won: inputs.days_to_won[i].clone(),
                needed,
                needed_before_start,
                per_period,
                touches: inputs.touches_per_deal[i]
                    .as_ref()
                    .map(|t| t.value * needed),
                open_now: inputs.open_now[i],
            }
        })
        .collect();
    Ok(Plan {
        quota: request.quota,
        deal_size,
        wins_needed,
        wins_from_pipeline,
        win_rate: to_won[inputs.win_rate_from.min(n - 1)],
        win_rate_from: id(inputs.win_rate_from.min(n - 1)),
        periods: buckets.into_iter().map(|(l, _)| l).collect(),
        stages,
    })
}

/// Cumulative conversion from each position to the end of the path.
fn cumulative(rates: &[Figure]) -> Vec<f64> {
    let mut out = vec![1.0; rates.len() + 1];
    for i in (0..rates.len()).rev() {
        out[i] = out[i + 1] * rates[i].value;
    }
    out
}

/// A change to apply for a what-if plan.
#[derive(Clone, Debug, PartialEq)]
pub enum WhatIf {
    /// Opportunity win rate.
    WinRate(Change),
    /// One stage's conversion to the next.
    Rate(String, Change),
    /// Days added to (or, negative, taken from) the whole cycle.
    Cycle(f64),
    DealSize(Change),
}

/// How a value changes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Change {
    /// Becomes this value.
    To(f64),
    /// Grows by this fraction (`+10%` is 0.1).
    Relative(f64),
    /// Grows by this many percentage points (`+5pp` is 0.05).
    Points(f64),
}

impl Change {
    /// How the change was written: `=0.3`, `+10%`, `+5pp`.
    fn describe(self) -> String {
        match self {
            Change::To(x) => format!("={x}"),
            Change::Relative(f) => format!("{:+}%", f * 100.0),
            Change::Points(p) => format!("{:+}pp", p * 100.0),
        }
    }

    fn apply(self, v: f64) -> f64 {
        match self {
            Change::To(x) => x,
            Change::Relative(f) => v * (1.0 + f),
            Change::Points(p) => v + p,
        }
    }
}

/// Parses `win-rate=+5pp`, `win-rate=+10%`, `win-rate=0.3`, `cycle=-10d`, `deal-size=+10%`,
/// `rate:sql=0.4`.
pub fn parse_what_if(s: &str) -> Result<WhatIf, PlanError> {
    let bad = || PlanError::BadWhatIf(s.to_string());
    let (key, value) = s.split_once('=').ok_or_else(bad)?;
    let value = value.trim();
    let change = |v: &str| -> Result<Change, PlanError> {
        if let Some(p) = v.strip_suffix("pp") {
            p.parse::<f64>()
                .map(|x| Change::Points(x / 100.0))
                .map_err(|_| bad())
        } else if let Some(p) = v.strip_suffix('%') {
            p.parse::<f64>()
                .map(|x| Change::Relative(x / 100.0))
                .map_err(|_| bad())
        } else {
            v.parse::<f64>().map(Change::To).map_err(|_| bad())
        }
    };
    match key.trim() {
        "win-rate" => Ok(WhatIf::WinRate(change(value)?)),
        "deal-size" => Ok(WhatIf::DealSize(change(value)?)),
        "cycle" => value
            .strip_suffix('d')
            .and_then(|d| d.parse::<f64>().ok())
            .map(WhatIf::Cycle)
            .ok_or_else(bad),
        k => match k.strip_prefix("rate:") {
            Some(stage) => Ok(WhatIf::Rate(stage.to_string(), change(value)?)),
            None => Err(bad()),
        },
    }
}

/// Applies a change to the inputs, marking each changed figure with its baseline.
pub fn what_if(map: &Map, inputs: &PlanInputs, change: &WhatIf) -> Result<PlanInputs, PlanError> {
    let mut out = inputs.clone();
    let mark = |f: &Figure, value: f64| Figure {
        value,
        source: Source::WhatIf { baseline: f.value },
    };
    match change {
        WhatIf::WinRate(c) => {
            let from = inputs.win_rate_from.min(inputs.rates.len());
            let span = &inputs.rates[from..];
            let current: f64 = span.iter().map(|r| r.value).product();
            let target = c.apply(current);
            if !(target > 0.0 && target <= 1.0) {
                return Err(match c {
                    Change::To(r) => PlanError::WinRateOutOfRange(*r),
                    _ => PlanError::WhatIfWinRate {
                        change: format!("win-rate {}", c.describe()),
                        rate: target,
                    },
                });
            }
            // Scale every rate of the span by the same power so their product is the target
            // and none exceeds 1: r' = r^k with k = ln(target) / ln(current).
            if current >= 1.0 || span.is_empty() {
                let last = out.rates.len() - 1;
                out.rates[last] = mark(&inputs.rates[last], target);
            } else {
                let k = target.ln() / current.ln();
                for (i, r) in span.iter().enumerate() {
                    out.rates[from + i] = mark(r, r.value.powf(k));
                }
            }
        }
        WhatIf::Rate(stage, c) => {
            let i = inputs
                .path
                .iter()
                .position(|&ix| map.stage(ix).id == *stage)
                .filter(|&i| i < inputs.rates.len())
                .ok_or_else(|| PlanError::UnknownStage(stage.clone()))?;
            let v = c.apply(inputs.rates[i].value);
            out.rates[i] = mark(&inputs.rates[i], v);
        }
        WhatIf::DealSize(c) => {
            let Some(size) = &inputs.deal_size else {
                return Err(PlanError::NoDealSize);
            };
            out.deal_size = Some(mark(size, c.apply(size.value)));
        }
        WhatIf::Cycle(delta) => {
            // Spread the change along the path in proportion to each stage's time to won, so
            // the whole cycle (from the start stage) changes by `delta` days. A cycle of 0
            // days (nothing measured, no target days) cannot shrink; it grows evenly over
            // the stages before won.
            let total = inputs.days_to_won[0].value;
            let n = inputs.days_to_won.len();
            if total <= 0.0 && *delta < 0.0 {
                return Err(PlanError::WhatIfNoCycle(format!("cycle={delta}d")));
            }
            for (i, d) in inputs.days_to_won.iter().enumerate() {
                let share = if total > 0.0 {
                    d.value / total
                } else if n > 1 {
                    (n - 1 - i) as f64 / (n - 1) as f64
                } else {
                    0.0
                };
                out.days_to_won[i] = mark(d, (d.value + delta * share).max(0.0));
            }
        }
    }
    Ok(out)
}

/// Overrides given on the command line, applied on top of measured or assumed inputs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Overrides {
    /// `--rate STAGE=R`: conversion from STAGE to the next main-path stage.
    pub rates: Vec<(String, f64)>,
    /// `--win-rate R`: the opportunity win rate.
    pub win_rate: Option<f64>,
    /// `--deal-size V`.
    pub deal_size: Option<f64>,
    /// Fewest deals a measured rate must rest on; thinner rates fall back to the map.
    pub min_n: u64,
    /// Give aged open deals pipeline credit like the others.
    pub credit_aged: bool,
}

/// Fills [`PlanInputs`] from measured history where it is thick enough, else from the map,
/// then applies the overrides.
pub fn measure_inputs(
    map: &Map,
    journeys: Option<(&Journeys, &Funnel, &WinRate)>,
    overrides: &Overrides,
) -> Result<PlanInputs, PlanError> {
    let main_path = MainPath::of(map);
    let end = main_path.won_position().ok_or(PlanError::NoPathToWon)?;
    let path: Vec<StageIx> = main_path.stages[..=end].to_vec();
    let n = path.len();
    let id = |i: usize| map.stage(path[i]).id.clone();

    let mut rates = Vec::with_capacity(n - 1);
    for i in 0..n - 1 {
        let measured = journeys.and_then(|(_, funnel, _)| {
            let s = funnel.stages.get(i)?;
            let rate = s.conversion?;
            (s.reached >= overrides.min_n.max(1)).then(|| Figure::measured(rate, s.reached))
        });
        let assumed = || {
            let p = |ix: StageIx| map.stage(ix).probability;
            match (p(path[i]), p(path[i + 1])) {
                (Some(a), Some(b)) if b > 0.0 => {
                    Some(Figure::assumed((a / b).min(1.0), "map probabilities"))
                }
                _ => None,
            }
        };
        let rate = measured
            .or_else(assumed)
            .ok_or_else(|| PlanError::MissingRate {
                from: id(i),
                to: id(i + 1),
            })?;
        rates.push(rate);
    }

    let deal_size = match (overrides.deal_size, journeys) {
        (Some(v), _) => Some(Figure::given(v)),
        (None, Some((_, _, win))) if win.won_with_amount > 0 => Some(Figure::measured(
            win.won_value / win.won_with_amount as f64,
            win.won_with_amount,
        )),
        _ => None,
    };

    // Time to won: measured medians over won deals, else the map's target days summed.
    let mut days_to_won = Vec::with_capacity(n);
    for i in 0..n {
        let mut days: Vec<f64> = journeys
            .map(|(j, _, _)| {
                j.deals
                    .iter()
                    .filter_map(|d| {
                        let won_at = d.won_at?;
                        let entry = d.entries.iter().find(|e| e.stage == Some(path[i]))?;
                        (entry.time <= won_at).then(|| (won_at - entry.time) as f64 / 86_400e6)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let figure = match Summary::of_values(&mut days) {
            Some(s) if s.n >= overrides.min_n.max(1) => Figure::measured(s.median, s.n),
            _ => Figure::assumed(
                path[i..n - 1]
                    .iter()
                    .map(|&s| map.stage(s).target_days.unwrap_or(0.0))
                    .sum(),
                "map target_days",
            ),
        };
        days_to_won.push(figure);
    }
    if n > 0 {
        days_to_won[n - 1] = Figure::assumed(0.0, "the won stage");
    }

    let mut touches_per_deal = vec![None; n];
    let mut open_now = vec![0u64; n];
    let mut aged_now = vec![0u64; n];
    if let Some((j, _, _)) = journeys {
        let pos = |s: StageIx| path.iter().position(|&p| p == s);
        let mut touch_sum = vec![0u64; n];
        let mut reached = vec![0u64; n];
        for d in &j.deals {
            if d.status == Status::Open
                && let Some(p) = d.current().and_then(|e| e.stage).and_then(pos)
            {
                if d.aged && !overrides.credit_aged {
                    aged_now[p] += 1;
                } else {
                    open_now[p] += 1;
                }
            }
            for (k, e) in d.entries.iter().enumerate() {
                let Some(p) = e.stage.and_then(pos) else {
                    continue;
                };
                let until = d.entries.get(k + 1).map_or(i64::MAX, |x| x.time);
                reached[p] += 1;
                touch_sum[p] += d
                    .touches
                    .iter()
                    .filter(|t| t.1 >= e.time && t.1 < until)
                    .count() as u64;
            }
        }
        if j.has_touches {
            for p in 0..n {
                if reached[p] > 0 {
                    touches_per_deal[p] = Some(Figure::measured(
                        touch_sum[p] as f64 / reached[p] as f64,
                        reached[p],
                    ));
                }
            }
        }
    }

    let win_rate_from = (0..n.saturating_sub(1))
        .find(|&i| {
            map.outgoing(path[i])
                .any(|t| map.outcome(t.to) == Some(crate::map::Outcome::Lost))
        })
        .unwrap_or(n.saturating_sub(2));

    let mut inputs = PlanInputs {
        path,
        rates,
        deal_size,
        days_to_won,
        touches_per_deal,
        open_now,
        aged_now,
        win_rate_from,
    };
    for (stage, rate) in &overrides.rates {
        let i = inputs
            .path
            .iter()
            .position(|&ix| map.stage(ix).id == *stage)
            .filter(|&i| i + 1 < n)
            .ok_or_else(|| PlanError::UnknownStage(stage.clone()))?;
        inputs.rates[i] = Figure::given(*rate);
    }
    if let Some(w) = overrides.win_rate {
        if !(w > 0.0 && w <= 1.0) {
            return Err(PlanError::WinRateOutOfRange(w));
        }
        inputs = what_if(map, &inputs, &WhatIf::WinRate(Change::To(w)))?;
        for r in &mut inputs.rates[win_rate_from..] {
            if matches!(r.source, Source::WhatIf { .. }) {
                r.source = Source::Given;
            }
        }
    }
    Ok(inputs)
}

/// Stage entries that actually happened per stage and period, for plan-vs-actual.
pub fn actual_entries(
    journeys: &Journeys,
    path: &[StageIx],
    range: DayRange,
    period: Period,
) -> Vec<Vec<u64>> {
    let buckets = periods(range, period);
    let mut out = vec![vec![0u64; buckets.len()]; path.len()];
    for d in &journeys.deals {
        for (p, &stage) in path.iter().enumerate() {
            if let Some(e) = d.entries.iter().find(|e| e.stage == Some(stage)) {
                let day = day_of(e.time);
                if let Some(b) = buckets
                    .iter()
                    .position(|(_, r)| r.start <= day && day < r.end)
                {
                    out[p][b] += 1;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::parse_date;
    use crate::map::{Stage, StageKind, Transition, TransitionKind};
    use crate::text::Text;

    fn stage(id: &str, kind: StageKind, p: Option<f64>, days: Option<f64>) -> Stage {
        Stage {
            target_days: days,
            probability: p,
            ..Stage::new(id, Text::new("en", id), kind)
        }
    }

    /// lead (p .1, 10 d) → sql (p .25, 20 d) → won (milestone); sql may be lost.
    fn small_map() -> Map {
        let next = |a: u32, b: u32, kind| Transition {
            from: StageIx(a),
            to: StageIx(b),
            kind,
            when: None,
            answer: None,
        };
        Map {
            name: Text::new("en", "t"),
            language: "en".into(),
            version: None,
            description: None,
            start: StageIx(0),
            goal: None,
            kpis: vec![],
            phases: vec![],
            stages: vec![
                stage("lead", StageKind::Step, Some(0.1), Some(10.0)),
                stage("sql", StageKind::Step, Some(0.25), Some(20.0)),
                stage("won", StageKind::WonMilestone, Some(1.0), None),
                stage(
                    "lost",
                    StageKind::Outcome(crate::map::Outcome::Lost),
                    None,
                    None,
                ),
            ],
            transitions: vec![
                next(0, 1, TransitionKind::Next),
                next(1, 2, TransitionKind::Next),
                next(1, 3, TransitionKind::Branch),
            ],
        }
    }

    #[test]
    fn windows_agree_and_say_why() {
        let day = |s: &str| parse_date(s).unwrap();
        let start = day("2027-01-01");
        let w = plan_window(start, None, Some(day("2027-12-31"))).unwrap();
        assert_eq!(
            (w.range.end, w.source),
            (day("2028-01-01"), WindowSource::GoalDeadline)
        );
        // A goal whose deadline has passed: the year from the start, and the plan says so.
        let w = plan_window(start, None, Some(day("2026-12-31"))).unwrap();
        assert_eq!(
            (w.range.end, w.source),
            (
                day("2028-01-01"),
                WindowSource::GoalPassed {
                    deadline: "2026-12-31".into()
                }
            )
        );
        assert_eq!(
            plan_window(start, Some(day("2026-06-30")), None),
            Err(PlanError::EmptyRange)
        );
        let w = plan_window(start, Some(day("2027-06-30")), None).unwrap();
        assert_eq!(
            (w.range.end, w.source),
            (day("2027-07-01"), WindowSource::Given)
        );
    }

    #[test]
    fn whole_cells_add_up_to_the_rounded_need() {
        let p = plan(
            &small_map(),
            &assumed_inputs(25_000.0),
            &request(1_000_000.0),
        )
        .unwrap();
        for s in &p.stages {
            let cells: u64 = s.before_start_whole + s.per_period_whole.iter().sum::<u64>();
            assert_eq!(cells, s.needed_whole, "{}", s.stage);
            assert_eq!(s.needed_whole as f64, (s.needed - 1e-9).ceil());
        }
    }

    #[test]
    fn a_shorter_cycle_moves_entries_later_and_a_zero_cycle_cannot_shrink() {
        let map = small_map();
        let inputs = assumed_inputs(25_000.0);
        let shorter = what_if(&map, &inputs, &WhatIf::Cycle(-30.0)).unwrap();
        assert_eq!(shorter.days_to_won[0].value, 0.0);
        assert_eq!(shorter.days_to_won[1].value, 0.0);
        let base = plan(&map, &inputs, &request(1_000_000.0)).unwrap();
        let after = plan(&map, &shorter, &request(1_000_000.0)).unwrap();
        assert!(after.stages[0].needed_before_start < base.stages[0].needed_before_start);
        let mut flat = inputs.clone();
        for d in &mut flat.days_to_won {
            d.value = 0.0;
        }
        assert_eq!(
            what_if(&map, &flat, &WhatIf::Cycle(-30.0)),
            Err(PlanError::WhatIfNoCycle("cycle=-30d".into()))
        );
        let longer = what_if(&map, &flat, &WhatIf::Cycle(30.0)).unwrap();
        let days: Vec<f64> = longer.days_to_won.iter().map(|d| d.value).collect();
        assert_eq!(days, [30.0, 15.0, 0.0]);
    }

    fn request(quota: f64) -> PlanRequest {
        PlanRequest {
            quota,
            quota_in_deals: false,
            range: DayRange {
                start: parse_date("2027-01-01").unwrap(),
                end: parse_date("2028-01-01").unwrap(),
            },
            period: Period::Quarter,
        }
    }

    fn assumed_inputs(deal_size: f64) -> PlanInputs {
        let overrides = Overrides {
            deal_size: Some(deal_size),
            ..Overrides::default()
        };
        measure_inputs(&small_map(), None, &overrides).unwrap()
    }

    #[test]
    fn hand_computed_plan_from_map_assumptions() {
        // Rates: lead→sql = .1/.25 = .4, sql→won = .25/1 = .25. Quota 1,000,000 at 25,000 a deal
        // = 40 wins; sql needs 40 / .25 = 160 entries, lead 160 / .4 = 400.
        let p = plan(
            &small_map(),
            &assumed_inputs(25_000.0),
            &request(1_000_000.0),
        )
        .unwrap();
        assert_eq!(p.wins_needed, 40.0);
        let needed: Vec<f64> = p.stages.iter().map(|s| s.needed).collect();
        assert_eq!(needed, [400.0, 160.0, 40.0]);
        assert_eq!(p.win_rate_from, "sql");
        assert!((p.win_rate - 0.25).abs() < 1e-12);
        assert_eq!(p.periods, ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]);
        // Leads enter 30 days before their win (10 + 20 target days): 400 × 30/365 are late.
        let lead = &p.stages[0];
        assert!((lead.needed_before_start - 400.0 * 30.0 / 365.0).abs() < 1e-9);
        let in_periods: f64 = lead.per_period.iter().sum();
        assert!((in_periods + lead.needed_before_start - 400.0).abs() < 1e-9);
    }

    #[test]
    fn forward_check_reproduces_the_quota() {
        let map = small_map();
        let inputs = assumed_inputs(18_500.0);
        let p = plan(&map, &inputs, &request(1_234_567.0)).unwrap();
        let forward: f64 =
            p.stages[0].needed * inputs.rates.iter().map(|r| r.value).product::<f64>() * 18_500.0;
        assert!((forward - 1_234_567.0).abs() < 1e-6, "{forward}");
    }

    #[test]
    fn pipeline_reduces_what_is_needed() {
        let mut inputs = assumed_inputs(25_000.0);
        inputs.open_now = vec![0, 40, 0]; // 40 at sql × .25 = 10 expected wins
        let p = plan(&small_map(), &inputs, &request(1_000_000.0)).unwrap();
        assert_eq!(p.wins_from_pipeline, 10.0);
        assert_eq!(p.stages[2].needed, 30.0);
    }

    #[test]
    fn what_ifs() {
        let map = small_map();
        let inputs = assumed_inputs(25_000.0);
        let better = what_if(&map, &inputs, &parse_what_if("win-rate=+5pp").unwrap()).unwrap();
        assert!((better.rates[1].value - 0.30).abs() < 1e-12);
        assert_eq!(
            better.rates[0], inputs.rates[0],
            "outside the win-rate span"
        );
        let faster = what_if(&map, &inputs, &parse_what_if("cycle=-10d").unwrap()).unwrap();
        assert_eq!(faster.days_to_won[0].value, 20.0);
        assert!((faster.days_to_won[1].value - (20.0 - 10.0 * 20.0 / 30.0)).abs() < 1e-12);
        let bigger = what_if(&map, &inputs, &parse_what_if("deal-size=+10%").unwrap()).unwrap();
        assert!((bigger.deal_size.unwrap().value - 27_500.0).abs() < 1e-9);
        assert!(parse_what_if("win-rate=lots").is_err());
        assert_eq!(
            what_if(&map, &inputs, &parse_what_if("rate:demo=0.5").unwrap()),
            Err(PlanError::UnknownStage("demo".into()))
        );
    }

    #[test]
    fn impossible_inputs_are_errors() {
        let map = small_map();
        let inputs = assumed_inputs(25_000.0);
        assert_eq!(
            plan(&map, &inputs, &request(0.0)),
            Err(PlanError::QuotaNotPositive(0.0))
        );
        let mut zero = inputs.clone();
        zero.rates[0] = Figure::given(0.0);
        assert_eq!(
            plan(&map, &zero, &request(1.0)),
            Err(PlanError::ZeroConversion {
                from: "lead".into(),
                to: "sql".into()
            })
        );
        // No deal size: a revenue quota cannot be planned, a quota in deals can.
        let sizeless = measure_inputs(&map, None, &Overrides::default()).unwrap();
        assert_eq!(sizeless.deal_size, None);
        assert_eq!(
            plan(&map, &sizeless, &request(1_000_000.0)),
            Err(PlanError::NoDealSize)
        );
        let in_deals = PlanRequest {
            quota_in_deals: true,
            ..request(40.0)
        };
        let p = plan(&map, &sizeless, &in_deals).unwrap();
        assert!((p.wins_needed - 40.0).abs() < 1e-9);
        // A win rate of 0 is refused with what a win rate must be.
        let zero_rate = Overrides {
            win_rate: Some(0.0),
            deal_size: Some(1.0),
            ..Overrides::default()
        };
        assert_eq!(
            measure_inputs(&map, None, &zero_rate),
            Err(PlanError::WinRateOutOfRange(0.0))
        );
        let mut no_win = small_map();
        no_win.stages[2].kind = StageKind::Step;
        assert_eq!(
            measure_inputs(
                &no_win,
                None,
                &Overrides {
                    deal_size: Some(1.0),
                    ..Overrides::default()
                }
            ),
            Err(PlanError::NoPathToWon)
        );
    }
}
