//! Win rate, won value and sales velocity over time: the deals closed in each calendar month
//! (UTC), for the report's trend charts; and one span of days against the one before it
//! ([`quarter_against_previous`]: this quarter so far against the same days of the last one).
//!
//! A deal closes when it is first won (its won milestone or `won` outcome) or, never won, when
//! it enters its `lost` or `disqualified` outcome. Each month's figures use the same
//! definitions as the whole-history ones ([`win_rate`], [`cycle`], [`velocity`]) applied to the
//! deals closed in that month, except that velocity's open deals are those open at the
//! month's end: started by then and not yet closed. Months run from the first close to the
//! month of the analysis instant, with empty months kept so a chart's axis has no gaps.

use serde::Serialize;

use crate::calendar::{Day, Period, day_of, start_of};
use crate::history::Micros;
use crate::journey::{Journey, Journeys, Status};
use crate::kpi::{velocity, win_rate};
use crate::map::Map;
use crate::timing::{clock_start, cycle};

/// Figures of the deals closed in one month.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MonthFigures {
    /// `2027-01`.
    pub month: String,
    /// First day of the month.
    pub start: Day,
    pub won: u64,
    pub lost: u64,
    pub disqualified: u64,
    /// `won / (won + lost)` of the month's closes.
    pub win_rate: Option<f64>,
    pub won_value: f64,
    /// Median sales cycle of the deals won in the month.
    pub median_cycle_days: Option<f64>,
    /// Deals open at the end of the month.
    pub open_at_end: u64,
    /// Open at the end × average won amount × win rate / median cycle, per day.
    pub velocity_per_day: Option<f64>,
}

/// When a deal closed, if it has.
pub fn closed_at(j: &Journey) -> Option<Micros> {
    match j.status {
        Status::Won => j.won_at,
        Status::Lost | Status::Disqualified => j.current().map(|e| e.time),
        Status::Open => None,
    }
}

/// The figures of each month from the first close to the analysis instant's month.
pub fn by_close_month(map: &Map, journeys: &Journeys) -> Vec<MonthFigures> {
    let closes: Vec<Option<Micros>> = journeys.deals.iter().map(closed_at).collect();
    let starts: Vec<Option<Micros>> = journeys.deals.iter().map(|j| clock_start(map, j)).collect();
    let Some(first) = closes.iter().flatten().min() else {
        return Vec::new();
    };
    let last_month = Period::Month.start(day_of(journeys.as_of));
    let mut out = Vec::new();
    let mut month = Period::Month.start(day_of(*first));
    while month <= last_month {
        let next = Period::Month.next(month);
        let (from, to) = (start_of(month), start_of(next));
        let subset = Journeys {
            deals: journeys
                .deals
                .iter()
                .zip(&closes)
                .filter(|(_, c)| c.is_some_and(|t| t >= from && t < to))
                .map(|(j, _)| j.clone())
                .collect(),
            main_path: journeys.main_path.clone(),
            activity_stage: Vec::new(),
            unknown_stages: Default::default(),
            bad_amounts: Vec::new(),
            ..*journeys
        };
        let mut win = win_rate(&subset);
        let cyc = cycle(map, &subset);
        win.open = starts
            .iter()
            .zip(&closes)
            .filter(|(s, c)| s.is_some_and(|s| s < to) && c.is_none_or(|c| c >= to))
            .count() as u64;
        let vel = velocity(&win, &cyc, win.open);
        out.push(MonthFigures {
            month: Period::Month.label(month),
            start: month,
            won: win.won,
            lost: win.lost,
            disqualified: win.disqualified,
            win_rate: win.by_count,
            won_value: win.won_value,
            median_cycle_days: vel.median_cycle_days,
            open_at_end: win.open,
            velocity_per_day: vel.per_day,
        });
        month = next;
    }
    out
}

/// What happened in a span of days `[from, to)`: deals that started, deals won and lost (by
/// the day they closed), the win rate of those closes, and the median cycle of those wins.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpanFigures {
    /// The quarter the span lies in: `2027-Q2`.
    pub label: String,
    pub from: Day,
    /// The day after the span.
    pub to: Day,
    /// Deals whose clock started in the span.
    pub started: u64,
    pub won: u64,
    pub lost: u64,
    pub disqualified: u64,
    /// `won / (won + lost)` of the span's closes.
    pub win_rate: Option<f64>,
    pub won_value: f64,
    pub median_cycle_days: Option<f64>,
}

/// The figures of the deals in `journeys` for the days `[from, to)`.
pub fn span_figures(
    map: &Map,
    journeys: &Journeys,
    label: &str,
    from: Day,
    to: Day,
) -> SpanFigures {
    let (start, end) = (start_of(from), start_of(to));
    let within = |t: Micros| t >= start && t < end;
    let closed = Journeys {
        deals: journeys
            .deals
            .iter()
            .filter(|j| closed_at(j).is_some_and(within))
            .cloned()
            .collect(),
        main_path: journeys.main_path.clone(),
        activity_stage: Vec::new(),
        unknown_stages: Default::default(),
        bad_amounts: Vec::new(),
        ..*journeys
    };
    let win = win_rate(&closed);
    let cyc = cycle(map, &closed);
    SpanFigures {
        label: label.to_string(),
        from,
        to,
        started: journeys
            .deals
            .iter()
            .filter(|j| clock_start(map, j).is_some_and(within))
            .count() as u64,
        won: win.won,
        lost: win.lost,
        disqualified: win.disqualified,
        win_rate: win.by_count,
        won_value: win.won_value,
        median_cycle_days: cyc.days.map(|d| d.median),
    }
}

/// This quarter so far (its first day to the analysis instant's day, included) against the
/// same number of days from the start of the quarter before: like against like, whatever day
/// of the quarter the report is made on.
pub fn quarter_against_previous(map: &Map, journeys: &Journeys) -> (SpanFigures, SpanFigures) {
    let today = day_of(journeys.as_of);
    let this = Period::Quarter.start(today);
    let days = today + 1 - this;
    let last = Period::Quarter.start(this - 1);
    let last_to = (last + days).min(this);
    (
        span_figures(map, journeys, &Period::Quarter.label(this), this, today + 1),
        span_figures(map, journeys, &Period::Quarter.label(last), last, last_to),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::tests::{day, history, test_map};

    #[test]
    fn months_of_close() {
        let map = test_map();
        // Day 0 is 1970-01-01: a and b close in January, c in February, d stays open.
        let h = history(
            "a lead 0 amount=100; a qualify 1; a won 5; \
             b lead 0 amount=300; b qualify 3; b won 12; \
             c lead 20; c lost 40; \
             d lead 41; d qualify 42",
        );
        let j = Journeys::build(&map, &h, day(75.0));
        let rows: Vec<String> = by_close_month(&map, &j)
            .iter()
            .map(|m| {
                format!(
                    "{} won={} lost={} rate={:?} value={} cycle={:?} open={} velocity={:?}",
                    m.month,
                    m.won,
                    m.lost,
                    m.win_rate,
                    m.won_value,
                    m.median_cycle_days,
                    m.open_at_end,
                    m.velocity_per_day
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                // Open at the end of January: c (started day 20). 1 × 200 × 1.0 / 8.5.
                "1970-01 won=2 lost=0 rate=Some(1.0) value=400 cycle=Some(8.5) open=1 velocity=Some(23.529411764705884)",
                "1970-02 won=0 lost=1 rate=Some(0.0) value=0 cycle=None open=1 velocity=None",
                "1970-03 won=0 lost=0 rate=None value=0 cycle=None open=1 velocity=None",
            ]
        );
    }

    #[test]
    fn this_quarter_so_far_against_the_same_days_of_the_last() {
        let map = test_map();
        // Day 0 is Jan 1: b wins on day 95 (Apr 6), in Q2; a wins on day 5 (Q1, within the
        // first 20 days); c is lost on day 40 (Q1, but after its first 20 days).
        let h = history(
            "a lead 0 amount=100; a won 5; b lead 91 amount=300; b won 95; c lead 2; c lost 40",
        );
        let j = Journeys::build(&map, &h, day(109.0));
        let (this, last) = quarter_against_previous(&map, &j);
        let show = |s: &SpanFigures| {
            format!(
                "{} {}..{} started={} won={} lost={} rate={:?} value={}",
                s.label, s.from, s.to, s.started, s.won, s.lost, s.win_rate, s.won_value
            )
        };
        assert_eq!(
            show(&this),
            "1970-Q2 90..110 started=1 won=1 lost=0 rate=Some(1.0) value=300"
        );
        assert_eq!(
            show(&last),
            "1970-Q1 0..20 started=2 won=1 lost=0 rate=Some(1.0) value=100"
        );
    }

    #[test]
    fn no_closes_no_months() {
        let map = test_map();
        let j = Journeys::build(&map, &history("d lead 41; d qualify 42"), day(75.0));
        assert!(by_close_month(&map, &j).is_empty());
    }
}
