//! Aging: open deals that have been open so long that they are no longer live pipeline.
//!
//! An export often keeps deals "open" long after anyone worked them: leads never closed,
//! opportunities nobody marked lost. Counting them as likely wins inflates the forecast and
//! tells the planner no new deals are needed. An open deal is *aged* when
//! - it has been open (from its clock start to the analysis instant) longer than the aging
//!   limit: by default the 90th percentile of the won deals' cycle lengths (at least
//!   [`MIN_WON_FOR_P90`] of them; with fewer, the longest won cycle), or a number of days
//!   given with `--aging-days`; or
//! - it has sat in its current stage longer than the stage's `rotten_days`.
//!
//! Aged deals are shown apart (count, amount, stage) and get no forecast or plan credit
//! unless asked (`--credit-aged`). [`mark`] sets [`Journey::aged`] and returns the summary.

use serde::Serialize;

use crate::history::{MICROS_PER_DAY, Micros};
use crate::journey::{Journeys, Status};
use crate::map::Map;
use crate::stats::quantile_sorted;
use crate::timing::{clock_start, cycle_micros};

/// Fewest measured won cycles the 90th percentile is taken over; with fewer, the longest.
pub const MIN_WON_FOR_P90: usize = 10;
/// Most example deal ids listed.
pub const MAX_EXAMPLES: usize = 5;

/// How the aging limit is set.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum AgingLimit {
    /// The 90th percentile of won cycle lengths (the default).
    WonCycles,
    /// A number of days given by the user.
    Days { days: f64 },
    /// No age limit (stages' `rotten_days` still apply).
    Off,
}

/// What to age and whether aged deals still count.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AgingOptions {
    pub limit: AgingLimit,
    /// Give aged deals forecast and plan credit anyway.
    pub credit_aged: bool,
}

impl Default for AgingOptions {
    fn default() -> AgingOptions {
        AgingOptions {
            limit: AgingLimit::WonCycles,
            credit_aged: false,
        }
    }
}

/// Where the limit came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum LimitSource {
    /// The 90th percentile of `n` won cycles.
    WonCycleP90 {
        n: u64,
    },
    /// The longest of `n` won cycles (too few for a percentile).
    LongestWonCycle {
        n: u64,
    },
    Given,
    /// No limit: turned off, or no won cycle to take it from.
    None,
}

/// The aged deals of an analysis.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Aging {
    /// Open deals older than this many days are aged.
    pub limit_days: Option<f64>,
    pub source: LimitSource,
    /// Whether aged deals still get forecast and plan credit.
    pub credited: bool,
    /// Open deals.
    pub open: u64,
    /// Of those, aged.
    pub aged: u64,
    /// Aged by their age, and by their stage's `rotten_days` (a deal may be both).
    pub past_limit: u64,
    pub rotten: u64,
    /// The aged deals' amounts, summed.
    pub aged_amount: f64,
    /// Median age of the aged deals, in days.
    pub aged_median_days: Option<f64>,
    /// Aged deals per current stage (stage id, count), in map order.
    pub by_stage: Vec<(String, u64)>,
    /// Up to [`MAX_EXAMPLES`] aged deal ids, oldest first.
    pub examples: Vec<String>,
}

/// Marks the aged open deals of `journeys` and summarizes them. `deal_name` gives a deal
/// code's id (for the examples).
pub fn mark<'a>(
    map: &Map,
    journeys: &mut Journeys,
    options: &AgingOptions,
    deal_name: impl Fn(u32) -> &'a str,
) -> Aging {
    let (limit_days, source) = limit(map, journeys, options.limit);
    let limit = limit_days.map(|d| (d * MICROS_PER_DAY as f64) as Micros);
    let as_of = journeys.as_of;
    let mut aging = Aging {
        limit_days,
        source,
        credited: options.credit_aged,
        open: 0,
        aged: 0,
        past_limit: 0,
        rotten: 0,
        aged_amount: 0.0,
        aged_median_days: None,
        by_stage: Vec::new(),
        examples: Vec::new(),
    };
    let mut per_stage = vec![0u64; map.stages.len()];
    let mut ages: Vec<(Micros, u32)> = Vec::new();
    for j in &mut journeys.deals {
        j.aged = false;
        if j.status != Status::Open {
            continue;
        }
        aging.open += 1;
        let age = clock_start(map, j).map(|t| as_of - t);
        let past_limit = matches!((age, limit), (Some(a), Some(l)) if a > l);
        let current = j.current().and_then(|e| e.stage.map(|s| (s, e.time)));
        let rotten = current.is_some_and(|(s, since)| {
            map.stage(s)
                .rotten_days
                .is_some_and(|r| (as_of - since) as f64 > r * MICROS_PER_DAY as f64)
        });
        if !(past_limit || rotten) {
            continue;
        }
        j.aged = true;
        aging.aged += 1;
        aging.past_limit += past_limit as u64;
        aging.rotten += rotten as u64;
        aging.aged_amount += j.amount.unwrap_or(0.0);
        if let Some((s, _)) = current {
            per_stage[s.index()] += 1;
        }
        ages.push((age.unwrap_or(0), j.deal));
    }
    let mut days: Vec<f64> = ages
        .iter()
        .map(|&(a, _)| a as f64 / MICROS_PER_DAY as f64)
        .collect();
    days.sort_by(f64::total_cmp);
    aging.aged_median_days = quantile_sorted(&days, 0.5);
    ages.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| deal_name(a.1).cmp(deal_name(b.1)))
    });
    aging.examples = ages
        .iter()
        .take(MAX_EXAMPLES)
        .map(|&(_, d)| deal_name(d).to_string())
        .collect();
    aging.by_stage = map
        .stage_ixs()
        .filter(|s| per_stage[s.index()] > 0)
        .map(|s| (map.stage(s).id.clone(), per_stage[s.index()]))
        .collect();
    aging
}

/// The aging limit in days and where it came from.
fn limit(map: &Map, journeys: &Journeys, limit: AgingLimit) -> (Option<f64>, LimitSource) {
    match limit {
        AgingLimit::Off => (None, LimitSource::None),
        AgingLimit::Days { days } => (Some(days), LimitSource::Given),
        AgingLimit::WonCycles => {
            let mut cycles: Vec<f64> = journeys
                .deals
                .iter()
                .filter_map(|j| cycle_micros(map, j))
                .map(|c| c as f64 / MICROS_PER_DAY as f64)
                .collect();
            cycles.sort_by(f64::total_cmp);
            let n = cycles.len() as u64;
            match cycles.len() {
                0 => (None, LimitSource::None),
                k if k < MIN_WON_FOR_P90 => {
                    (cycles.last().copied(), LimitSource::LongestWonCycle { n })
                }
                _ => (
                    quantile_sorted(&cycles, 0.9),
                    LimitSource::WonCycleP90 { n },
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::tests::{day, history, test_map};

    fn aged(events: &str, as_of: f64, options: AgingOptions) -> (Aging, Vec<bool>) {
        let map = test_map();
        let h = history(events);
        let mut js = Journeys::build(&map, &h, day(as_of));
        let a = mark(&map, &mut js, &options, |d| h.deals.name(d));
        (a, js.deals.iter().map(|j| j.aged).collect())
    }

    // Two won cycles of 5 and 12 days: too few for a percentile, the limit is 12 days.
    const DEALS: &str = "a lead 0; a qualify 1; a won 5; \
                         b lead 0; b qualify 2; b won 12; \
                         c lead 0 amount=700; c qualify 1; \
                         d lead 25 amount=50; d qualify 26; \
                         e lead 0; e lost 3";

    #[test]
    fn open_longer_than_any_win_is_aged() {
        let (a, flags) = aged(DEALS, 30.0, AgingOptions::default());
        assert_eq!(flags, [false, false, true, false, false]);
        assert_eq!(
            (a.limit_days, &a.source, a.open, a.aged, a.aged_amount),
            (
                Some(12.0),
                &LimitSource::LongestWonCycle { n: 2 },
                2,
                1,
                700.0
            )
        );
        assert_eq!(a.by_stage, [("qualify".to_string(), 1)]);
        assert_eq!(a.examples, ["c"]);
        assert_eq!(a.aged_median_days, Some(30.0));
    }

    #[test]
    fn a_given_limit_and_off() {
        let given = AgingOptions {
            limit: AgingLimit::Days { days: 2.0 },
            credit_aged: false,
        };
        let (a, flags) = aged(DEALS, 30.0, given);
        assert_eq!(flags, [false, false, true, true, false]);
        assert_eq!((a.aged, a.source), (2, LimitSource::Given));
        let off = AgingOptions {
            limit: AgingLimit::Off,
            credit_aged: false,
        };
        let (a, _) = aged(DEALS, 30.0, off);
        assert_eq!((a.aged, a.limit_days), (0, None));
    }

    #[test]
    fn rotten_days_of_the_current_stage() {
        let mut map = test_map();
        map.stages[1].rotten_days = Some(3.0);
        let h = history("d lead 25; d qualify 26");
        let mut js = Journeys::build(&map, &h, day(30.0));
        let off = AgingOptions {
            limit: AgingLimit::Off,
            credit_aged: false,
        };
        let a = mark(&map, &mut js, &off, |d| h.deals.name(d));
        assert_eq!((a.aged, a.rotten, a.past_limit), (1, 1, 0));
    }

    #[test]
    fn no_won_cycle_no_limit() {
        let (a, flags) = aged("c lead 0; c qualify 1", 300.0, AgingOptions::default());
        assert_eq!(
            (a.limit_days, a.source, a.aged),
            (None, LimitSource::None, 0)
        );
        assert_eq!(flags, [false]);
    }
}
