//! [`analyze`]: every measurement of a history against a map, in one [`Analysis`].
//!
//! It builds the deals' journeys once ([`Journeys::build`]) and hands them to each figure's
//! own module (funnel, timing, kpi, conformance, fast vs slow, triggers, forecast), then adds
//! the breakdown by an attribute (`--by`) and the comparison of a period with the one before
//! it (`--period`). The result is plain data with serde derives; the CLI renders it as a
//! table or JSON, and [`overlay`] turns it into figures to draw on the map.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::aging::{Aging, AgingOptions, mark};
use crate::attributes::{Excluded, comparable, values_by_deal};
use crate::conformance::{Conformance, conformance};
use crate::fastslow::{FastSlow, fast_slow};
use crate::forecast::{Forecast, forecast};
use crate::funnel::{Funnel, FunnelMode, StageNow, funnel, now_by_stage};
use crate::history::{History, Micros};
use crate::journey::{BadValue, Journeys, Status};
use crate::kpi::{
    Churn, Figures, GoalProgress, KpiResult, Velocity, WinRate, churn, goal, kpis, velocity,
    win_rate,
};
use crate::map::{Map, Metric};
use crate::overlay::{Measured, OffMapMove, Overlay, StageFigures, TransitionFigures};
use crate::timing::{
    Cycle, FirstResponse, Handoffs, StageTime, clock_start, cycle, first_response, handoffs,
    stage_times,
};
use crate::triggers::{Friction, StageTriggers, friction, triggers};

/// A named span of time, `[start, end)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Period {
    pub label: String,
    pub start: Micros,
    pub end: Micros,
}

/// What to analyze and how.
#[derive(Clone, Debug, PartialEq)]
pub struct AnalyzeOptions {
    /// The analysis instant: later events are ignored, open deals are aged up to it.
    pub as_of: Micros,
    /// Conversion window for the funnel, in days.
    pub window_days: Option<f64>,
    /// Attribute to break the figures down by (`owner`, `source`, …).
    pub by: Option<String>,
    /// Period to compare with the one before it (same length), by the deals' start.
    pub period: Option<Period>,
    /// Which open deals are aged, and whether they still count.
    pub aging: AgingOptions,
}

impl AnalyzeOptions {
    pub fn as_of(as_of: Micros) -> AnalyzeOptions {
        AnalyzeOptions {
            as_of,
            window_days: None,
            by: None,
            period: None,
            aging: AgingOptions::default(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnalyzeError {
    /// `--by` names an attribute the history does not have.
    UnknownAttribute {
        name: String,
        available: Vec<String>,
    },
    /// The period is empty.
    EmptyPeriod(String),
}

impl fmt::Display for AnalyzeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnalyzeError::UnknownAttribute { name, available } => {
                write!(f, "the history has no attribute `{name}` to break down by")?;
                if available.is_empty() {
                    write!(f, "; it has no attributes at all")
                } else {
                    write!(f, "; it has: {}", available.join(", "))
                }
            }
            AnalyzeError::EmptyPeriod(label) => {
                write!(
                    f,
                    "the period `{label}` is empty: its start must be before its end"
                )
            }
        }
    }
}

impl std::error::Error for AnalyzeError {}

/// Everything measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Analysis {
    /// Deals with at least one event up to the analysis instant.
    pub deals: u64,
    /// The analysis instant.
    pub as_of: Micros,
    /// The first and the last event measured (stage entries and touches up to the analysis
    /// instant); `None` for an empty history.
    pub first_event: Option<Micros>,
    pub last_event: Option<Micros>,
    pub stage_entries: u64,
    pub touches: u64,
    pub notes: DataNotes,
    pub funnel_strict: Funnel,
    pub funnel_implied: Funnel,
    /// Open deals and customers in each stage now, on the main path or off it.
    pub now: Vec<StageNow>,
    /// Deals that entered each stage (all stages, map order).
    pub reached: Vec<(String, u64)>,
    pub stage_times: Vec<StageTime>,
    pub cycle: Cycle,
    pub win_rate: WinRate,
    pub velocity: Velocity,
    pub first_response: Option<FirstResponse>,
    pub handoffs: Handoffs,
    pub churn: Churn,
    pub goal: Option<GoalProgress>,
    pub kpis: Vec<KpiResult>,
    pub conformance: Conformance,
    pub fast_slow: FastSlow,
    pub triggers: Vec<StageTriggers>,
    /// Deal attributes left out of fast vs slow and triggers: the outcome itself or written
    /// at the close.
    pub excluded_attributes: Vec<Excluded>,
    pub friction: Vec<Friction>,
    pub forecast: Forecast,
    /// Open deals so old that they are no longer live pipeline.
    pub aging: Aging,
    pub breakdown: Option<Breakdown>,
    pub period: Option<PeriodComparison>,
}

/// What in the history did not fit the map or could not be read.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DataNotes {
    pub unknown_stages: BTreeMap<String, u64>,
    /// Entries into the stage a deal was already in (not counted as moves).
    pub repeated_entries: u64,
    /// Events after the analysis instant, left out.
    pub after_as_of: u64,
    /// Amounts that are not numbers (first ten) and how many there are.
    pub bad_amounts: Vec<BadValue>,
    pub bad_amount_count: u64,
}

/// Key figures for a group of deals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupFigures {
    /// The attribute value or period label (`(none)` for deals without a value).
    pub group: String,
    pub deals: u64,
    pub won: u64,
    pub lost: u64,
    pub open: u64,
    pub win_rate: Option<f64>,
    pub won_value: f64,
    pub median_cycle_days: Option<f64>,
    /// Cohort conversion from the start stage to won.
    pub start_to_won: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Breakdown {
    pub attribute: String,
    /// Groups, most deals first.
    pub groups: Vec<GroupFigures>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PeriodComparison {
    pub current: Period,
    pub previous: Period,
    /// Deals whose clock started in each period.
    pub current_figures: GroupFigures,
    pub previous_figures: GroupFigures,
}

/// The deals' journeys as every analysis reads them: built as of the analysis instant, with
/// the aged open deals marked.
pub fn journeys(map: &Map, history: &History, options: &AnalyzeOptions) -> (Journeys, Aging) {
    let mut journeys = Journeys::build(map, history, options.as_of);
    let aging = mark(map, &mut journeys, &options.aging, |d| {
        history.deals.name(d)
    });
    (journeys, aging)
}

/// Measures `history` against `map`.
pub fn analyze(
    map: &Map,
    history: &History,
    options: &AnalyzeOptions,
) -> Result<Analysis, AnalyzeError> {
    let (journeys, aging) = journeys(map, history, options);
    analyze_journeys(map, history, &journeys, aging, options)
}

/// [`analyze`] on journeys already built with [`journeys`] (for callers that read them
/// too, like the report).
pub fn analyze_journeys(
    map: &Map,
    history: &History,
    journeys: &Journeys,
    aging: Aging,
    options: &AnalyzeOptions,
) -> Result<Analysis, AnalyzeError> {
    if let Some(p) = &options.period
        && p.start >= p.end
    {
        return Err(AnalyzeError::EmptyPeriod(p.label.clone()));
    }
    let features = comparable(history, journeys);
    // The figures below only read the journeys: the three heaviest run on a second thread
    // while this one computes the rest.
    let mut analysis = std::thread::scope(|scope| {
        let side = scope.spawn(|| {
            (
                conformance(map, history, journeys),
                fast_slow(map, history, journeys, &features.columns),
                triggers(map, history, journeys, &features.columns),
            )
        });
        figures(map, history, options, journeys, aging, || {
            side.join().expect("an analysis thread panicked")
        })
    })?;
    analysis.excluded_attributes = features.excluded;
    Ok(analysis)
}

/// Computed apart from the other figures: conformance, fast vs slow and triggers.
type SideFigures = (Conformance, FastSlow, Vec<StageTriggers>);

/// Computes every figure but the side ones, then takes those from `side` and assembles the
/// analysis.
fn figures(
    map: &Map,
    history: &History,
    options: &AnalyzeOptions,
    journeys: &Journeys,
    aging: Aging,
    side: impl FnOnce() -> SideFigures,
) -> Result<Analysis, AnalyzeError> {
    let breakdown = match &options.by {
        Some(name) => Some(breakdown(map, history, journeys, name)?),
        None => None,
    };
    let win = win_rate(journeys);
    let cyc = cycle(map, journeys);
    let live_open = journeys
        .deals
        .iter()
        .filter(|j| j.status == Status::Open && (options.aging.credit_aged || !j.aged))
        .count() as u64;
    let vel = velocity(&win, &cyc, live_open);
    let sla = map
        .kpis
        .iter()
        .find(|k| k.metric == Metric::FirstResponseHours)
        .map(|k| k.target);
    let fr = first_response(map, journeys, sla);
    let hand = handoffs(map, history, journeys);
    let ch = churn(map, journeys);
    let figures = Figures {
        map,
        journeys,
        win: &win,
        cycle: &cyc,
        velocity: &vel,
        churn: &ch,
        first_response: fr.as_ref(),
        handoffs: &hand,
    };
    let kpi_results = kpis(&figures);
    let goal_progress = goal(&figures);
    let mut reached = vec![0u64; map.stages.len()];
    for j in &journeys.deals {
        let mut stages: Vec<usize> = j
            .entries
            .iter()
            .filter_map(|e| e.stage.map(|s| s.index()))
            .collect();
        stages.sort_unstable();
        stages.dedup();
        for s in stages {
            reached[s] += 1;
        }
    }
    let period = options
        .period
        .as_ref()
        .map(|p| period_comparison(map, journeys, p));
    let funnel_strict = funnel(map, journeys, FunnelMode::Strict, options.window_days);
    let funnel_implied = funnel(map, journeys, FunnelMode::Implied, options.window_days);
    let stage_times = stage_times(map, journeys);
    let friction = friction(map, history, journeys);
    let forecast = forecast(map, journeys, options.aging.credit_aged);
    let (conformance, fast_slow, triggers) = side();
    let times = journeys.deals.iter().flat_map(|j| {
        j.entries
            .iter()
            .map(|e| e.time)
            .chain(j.touches.iter().map(|t| t.1))
    });
    let (first_event, last_event) = times.fold((None, None), |(lo, hi), t| {
        (
            Some(lo.map_or(t, |lo: Micros| lo.min(t))),
            Some(hi.map_or(t, |hi: Micros| hi.max(t))),
        )
    });
    Ok(Analysis {
        deals: journeys.deals.len() as u64,
        as_of: options.as_of,
        first_event,
        last_event,
        now: now_by_stage(map, journeys),
        stage_entries: journeys.deals.iter().map(|j| j.entries.len() as u64).sum(),
        touches: journeys.deals.iter().map(|j| j.touches.len() as u64).sum(),
        notes: DataNotes {
            unknown_stages: journeys.unknown_stages.clone(),
            repeated_entries: journeys.repeated_entries,
            after_as_of: journeys.after_as_of,
            bad_amounts: journeys.bad_amounts.iter().take(10).cloned().collect(),
            bad_amount_count: journeys.bad_amounts.len() as u64,
        },
        funnel_strict,
        funnel_implied,
        reached: map
            .top_level()
            .map(|s| (map.stage(s).id.clone(), reached[s.index()]))
            .collect(),
        stage_times,
        cycle: cyc.clone(),
        win_rate: win.clone(),
        velocity: vel.clone(),
        first_response: fr.clone(),
        handoffs: hand.clone(),
        churn: ch.clone(),
        goal: goal_progress,
        kpis: kpi_results,
        friction,
        forecast,
        aging,
        breakdown,
        period,
        conformance,
        fast_slow,
        triggers,
        excluded_attributes: Vec::new(),
    })
}

/// Key figures for the deals of `journeys` selected by `keep`.
fn group_figures(
    map: &Map,
    journeys: &Journeys,
    group: String,
    keep: impl Fn(usize) -> bool,
) -> GroupFigures {
    let subset = Journeys {
        deals: journeys
            .deals
            .iter()
            .enumerate()
            .filter(|&(i, _)| keep(i))
            .map(|(_, j)| j.clone())
            .collect(),
        ..journeys.clone()
    };
    let win = win_rate(&subset);
    let cyc = cycle(map, &subset);
    let started = subset
        .deals
        .iter()
        .filter(|j| j.entries.iter().any(|e| e.stage == Some(map.start)))
        .count();
    let started_won = subset
        .deals
        .iter()
        .filter(|j| j.won_at.is_some() && j.entries.iter().any(|e| e.stage == Some(map.start)))
        .count();
    GroupFigures {
        group,
        deals: subset.deals.len() as u64,
        won: win.won,
        lost: win.lost,
        open: win.open,
        win_rate: win.by_count,
        won_value: win.won_value,
        median_cycle_days: cyc.days.map(|d| d.median),
        start_to_won: (started > 0).then(|| started_won as f64 / started as f64),
    }
}

fn breakdown(
    map: &Map,
    history: &History,
    journeys: &Journeys,
    name: &str,
) -> Result<Breakdown, AnalyzeError> {
    let Some(values) = values_by_deal(history, journeys, name) else {
        let mut available: Vec<String> = history
            .deal_attrs
            .iter()
            .chain(&history.event_attrs)
            .map(|c| c.name.clone())
            .collect();
        available.sort();
        available.dedup();
        return Err(AnalyzeError::UnknownAttribute {
            name: name.to_string(),
            available,
        });
    };
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, v) in values.iter().enumerate() {
        groups
            .entry(v.clone().unwrap_or_else(|| "(none)".into()))
            .or_default()
            .push(i);
    }
    let mut rows: Vec<GroupFigures> = groups
        .into_iter()
        .map(|(value, members)| {
            let mut keep = vec![false; journeys.deals.len()];
            for m in members {
                keep[m] = true;
            }
            group_figures(map, journeys, value, |i| keep[i])
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.deals));
    Ok(Breakdown {
        attribute: name.to_string(),
        groups: rows,
    })
}

fn period_comparison(map: &Map, journeys: &Journeys, p: &Period) -> PeriodComparison {
    let len = p.end - p.start;
    let previous = Period {
        label: format!("the {} days before", len / crate::history::MICROS_PER_DAY),
        start: p.start - len,
        end: p.start,
    };
    let starts: Vec<Option<Micros>> = journeys.deals.iter().map(|j| clock_start(map, j)).collect();
    let within = |q: &Period| {
        let starts = &starts;
        let (s, e) = (q.start, q.end);
        move |i: usize| starts[i].is_some_and(|t| t >= s && t < e)
    };
    PeriodComparison {
        current_figures: group_figures(map, journeys, p.label.clone(), within(p)),
        previous_figures: group_figures(map, journeys, previous.label.clone(), within(&previous)),
        current: p.clone(),
        previous,
    }
}

/// Moves not in the map are drawn when at least this share of the deals that reached their
/// source made them first ([`OFF_MAP_MIN_DEALS`] deals at least): enough to change how the
/// stage reads, few enough to keep the drawing the map's.
pub const OFF_MAP_MIN_SHARE: f64 = 0.05;
/// The fewest deals a drawn move not in the map rests on.
pub const OFF_MAP_MIN_DEALS: u64 = 3;

/// Measured figures to draw on the map: per stage, deals, median days against the target and
/// the deals there now; per transition, the first-move share; the moves not in the map that
/// pass [`OFF_MAP_MIN_SHARE`]; and what was measured (`source`, deals, date range, as-of).
pub fn overlay(map: &Map, analysis: &Analysis, source: &str) -> Overlay {
    let mut o = Overlay {
        measured: Measured {
            source: source.to_string(),
            deals: analysis.deals,
            first_event: analysis.first_event,
            last_event: analysis.last_event,
            as_of: Some(analysis.as_of),
        },
        ..Overlay::default()
    };
    for (id, n) in &analysis.reached {
        let Some(s) = map.find(id) else { continue };
        let median = analysis
            .stage_times
            .iter()
            .find(|t| &t.stage == id)
            .and_then(|t| t.days.as_ref())
            .map(|d| d.median);
        let now = analysis.now.iter().find(|x| &x.stage == id);
        o.stages.insert(
            s,
            StageFigures {
                reached: Some(*n),
                median_days: median,
                target_days: map.stage(s).target_days,
                open: now.map_or(0, |x| x.open),
                stale: now.map_or(0, |x| x.stale),
                customers: now.map_or(0, |x| x.customers),
                customers_over_target: now.map_or(0, |x| x.customers_over_target),
            },
        );
    }
    let figures = |u: &crate::conformance::MoveUse| TransitionFigures {
        count: u.first_exits,
        reached_from: u.reached_from,
        share: u.share,
    };
    // Every edge shows where the deals that reached its stage went first, so the shares out
    // of a stage add up to at most 100 % (the funnel's cohort conversion, which also counts
    // deals that got there later or another way, is labelled apart).
    for (t, u) in map
        .transitions
        .iter()
        .zip(&analysis.conformance.as_is.designed)
    {
        o.transitions.insert((t.from, t.to), figures(u));
    }
    for u in &analysis.conformance.as_is.not_in_map {
        let (Some(from), Some(to)) = (map.find(&u.from), map.find(&u.to)) else {
            continue;
        };
        let shown =
            u.first_exits >= OFF_MAP_MIN_DEALS && u.share.is_some_and(|s| s >= OFF_MAP_MIN_SHARE);
        if shown && from != to && !o.transitions.contains_key(&(from, to)) {
            o.off_map.push(OffMapMove {
                from,
                to,
                figures: figures(u),
            });
        }
    }
    o.off_map.sort_by(|a, b| {
        b.figures
            .count
            .cmp(&a.figures.count)
            .then((a.from, a.to).cmp(&(b.from, b.to)))
    });
    o
}

/// Days with one decimal below 10, whole days above.
pub fn days_label(d: f64) -> String {
    if d < 10.0 {
        format!("{d:.1}")
    } else {
        format!("{d:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::tests::{day, history, test_map};

    const DEALS: &str = "a lead 0 owner=kim source=web amount=100; a qualify 1; a won 5; \
                         b lead 0 source=referral amount=300; b qualify 2 owner=lee; b won 12; \
                         c lead 40 source=web amount=200; c lost 43; \
                         d lead 41; d qualify 42";

    #[test]
    fn breakdown_by_deal_and_event_attributes() {
        let map = test_map();
        let h = history(DEALS);
        let mut o = AnalyzeOptions::as_of(day(60.0));
        o.by = Some("source".into());
        let a = analyze(&map, &h, &o).unwrap();
        let rows: Vec<String> = a
            .breakdown
            .unwrap()
            .groups
            .iter()
            .map(|g| {
                format!(
                    "{} deals={} won={} rate={:?} value={} cycle={:?}",
                    g.group, g.deals, g.won, g.win_rate, g.won_value, g.median_cycle_days
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                "web deals=2 won=1 rate=Some(0.5) value=100 cycle=Some(5.0)",
                "(none) deals=1 won=0 rate=None value=0 cycle=None",
                "referral deals=1 won=1 rate=Some(1.0) value=300 cycle=Some(12.0)",
            ]
        );
        o.by = Some("owner".into());
        let a = analyze(&map, &h, &o).unwrap();
        let rows: Vec<String> = a
            .breakdown
            .unwrap()
            .groups
            .iter()
            .map(|g| format!("{}={}", g.group, g.deals))
            .collect();
        assert_eq!(rows, ["(none)=2", "kim=1", "lee=1"]);
        o.by = Some("region".into());
        let err = analyze(&map, &h, &o).unwrap_err().to_string();
        assert_eq!(
            err,
            "the history has no attribute `region` to break down by; it has: amount, owner, source"
        );
    }

    #[test]
    fn period_compares_with_the_one_before() {
        let map = test_map();
        let mut o = AnalyzeOptions::as_of(day(60.0));
        o.period = Some(Period {
            label: "P".into(),
            start: day(30.0),
            end: day(60.0),
        });
        let a = analyze(&map, &history(DEALS), &o).unwrap();
        let p = a.period.unwrap();
        let show = |g: &GroupFigures| {
            format!(
                "{} deals={} won={} lost={} open={}",
                g.group, g.deals, g.won, g.lost, g.open
            )
        };
        assert_eq!(show(&p.current_figures), "P deals=2 won=0 lost=1 open=1");
        assert_eq!(
            show(&p.previous_figures),
            "the 30 days before deals=2 won=2 lost=0 open=0"
        );
        assert_eq!(p.previous.start, 0);
        o.period = Some(Period {
            label: "E".into(),
            start: day(3.0),
            end: day(3.0),
        });
        assert_eq!(
            analyze(&map, &history(DEALS), &o),
            Err(AnalyzeError::EmptyPeriod("E".into()))
        );
    }

    #[test]
    fn overlay_labels() {
        let map = test_map();
        let a = analyze(&map, &history(DEALS), &AnalyzeOptions::as_of(day(60.0))).unwrap();
        let o = overlay(&map, &a, "test");
        let lead = &o.stages[&map.find("lead").unwrap()];
        assert_eq!((lead.reached, lead.median_days), (Some(4), Some(1.5)));
        let t = &o.transitions[&(map.find("lead").unwrap(), map.find("qualify").unwrap())];
        assert_eq!((t.count, t.reached_from, t.share), (3, 4, Some(0.75)));
        assert_eq!(a.deals, 4);
        assert_eq!(
            (
                o.measured.deals,
                o.measured.first_event,
                o.measured.last_event
            ),
            (4, Some(day(0.0)), Some(day(43.0)))
        );
        // d sits in qualify, open, since day 42: past qualify's target days?
        let qualify = &o.stages[&map.find("qualify").unwrap()];
        assert_eq!((qualify.open, qualify.stale, qualify.customers), (1, 1, 0));
        assert!(o.off_map.is_empty());
    }

    #[test]
    fn overlay_draws_moves_not_in_the_map_that_enough_deals_make() {
        // Four deals go lead → demo (not in the map), one lead → proposal (too few to draw).
        let map = test_map();
        let h = history(
            "a lead 0; a demo 1; b lead 0; b demo 2; c lead 0; c demo 3; d lead 0; d demo 1; \
             e lead 0; e proposal 4",
        );
        let a = analyze(&map, &h, &AnalyzeOptions::as_of(day(10.0))).unwrap();
        let o = overlay(&map, &a, "");
        let drawn: Vec<(String, String, u64, u64)> = o
            .off_map
            .iter()
            .map(|m| {
                (
                    map.stage(m.from).id.clone(),
                    map.stage(m.to).id.clone(),
                    m.figures.count,
                    m.figures.reached_from,
                )
            })
            .collect();
        assert_eq!(drawn, [("lead".into(), "demo".into(), 4, 5)]);
        assert_eq!(o.max_count(), 4);
    }

    #[test]
    fn overlay_branches_count_direct_moves_only() {
        // `e` is lost from demo, after qualify: the qualify → lost branch was not taken by
        // anyone, though every deal that reached qualify and then lost did reach `lost`.
        let map = test_map();
        let h =
            history("e lead 0; e qualify 1; e demo 2; e lost 3; f lead 0; f qualify 1; f lost 2");
        let a = analyze(&map, &h, &AnalyzeOptions::as_of(day(10.0))).unwrap();
        let o = overlay(&map, &a, "");
        let label = |from: &str, to: &str| {
            let f = &o.transitions[&(map.find(from).unwrap(), map.find(to).unwrap())];
            (f.count, f.reached_from)
        };
        assert_eq!(label("qualify", "lost"), (1, 2));
        assert_eq!(label("demo", "lost"), (1, 1));
        assert_eq!(label("qualify", "demo"), (1, 2));
    }
}
