//! The distributions behind the summary figures, for charts: how time in each stage spreads
//! (box plots) and the sales cycle of every won deal (a histogram).
//!
//! [`timing`](crate::timing) reports medians and high percentiles; a chart also needs the
//! lower quartile and the tails, so [`Spread`] adds p10 and p25 by the same quantile rule as
//! [`Summary`](crate::stats::Summary) (linear between order statistics), over the same
//! completed stays. Open stays stay out, as everywhere.

use serde::Serialize;

use crate::history::{MICROS_PER_DAY, Micros};
use crate::journey::Journeys;
use crate::map::Map;
use crate::stats::quantile_sorted;
use crate::timing::{completed_stays, cycle_micros};

/// Five-number-plus spread of a set of durations, in days.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spread {
    pub n: u64,
    pub min: f64,
    pub p10: f64,
    pub p25: f64,
    pub median: f64,
    pub p75: f64,
    pub p90: f64,
    pub max: f64,
}

impl Spread {
    /// The spread of durations in days; `None` when there are none.
    pub fn of_days(values: &[f64]) -> Option<Spread> {
        let mut sorted = values.to_vec();
        sorted.sort_unstable_by(f64::total_cmp);
        let q = |p: f64| quantile_sorted(&sorted, p);
        Some(Spread {
            n: sorted.len() as u64,
            min: *sorted.first()?,
            p10: q(0.1)?,
            p25: q(0.25)?,
            median: q(0.5)?,
            p75: q(0.75)?,
            p90: q(0.9)?,
            max: *sorted.last()?,
        })
    }
}

/// Completed stays in one stage.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageSpread {
    pub stage: String,
    /// `None` when no stay in the stage has completed.
    pub days: Option<Spread>,
    pub target_days: Option<f64>,
}

fn days(micros: Micros) -> f64 {
    micros as f64 / MICROS_PER_DAY as f64
}

/// The spread of completed stays in each non-outcome top-level stage, in map order (the
/// stages of [`stage_times`](crate::timing::stage_times)).
pub fn stage_spreads(map: &Map, journeys: &Journeys) -> Vec<StageSpread> {
    let stays = completed_stays(map, journeys);
    map.top_level()
        .filter(|&s| map.outcome(s).is_none())
        .map(|s| {
            let values: Vec<f64> = stays[s.index()].iter().map(|&m| days(m)).collect();
            StageSpread {
                stage: map.stage(s).id.clone(),
                days: Spread::of_days(&values),
                target_days: map.stage(s).target_days,
            }
        })
        .collect()
}

/// The sales cycle of every won deal, in days, shortest first.
pub fn cycle_days(map: &Map, journeys: &Journeys) -> Vec<f64> {
    let mut out: Vec<f64> = journeys
        .deals
        .iter()
        .filter_map(|j| cycle_micros(map, j))
        .map(days)
        .collect();
    out.sort_unstable_by(f64::total_cmp);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::tests::{day, history, test_map};

    #[test]
    fn spread_uses_the_summary_quantile_rule() {
        let s = Spread::of_days(&[4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!(
            (s.n, s.min, s.p10, s.p25, s.median, s.p75, s.p90, s.max),
            (4, 1.0, 1.3, 1.75, 2.5, 3.25, 3.7, 4.0)
        );
        assert_eq!(Spread::of_days(&[]), None);
    }

    #[test]
    fn stage_spreads_and_cycles() {
        let map = test_map();
        let h = history(
            "a lead 0; a qualify 1; a won 5; \
             b lead 0; b qualify 3; b won 12; \
             c lead 40; c lost 43; \
             d lead 41; d qualify 42",
        );
        let j = Journeys::build(&map, &h, day(60.0));
        let spreads = stage_spreads(&map, &j);
        let show: Vec<String> = spreads
            .iter()
            .map(|s| match &s.days {
                Some(d) => format!("{} n={} median={} max={}", s.stage, d.n, d.median, d.max),
                None => format!("{} none", s.stage),
            })
            .collect();
        // d's qualify stay is open, so it is not in the spread; c's lead stay ends in lost.
        assert_eq!(
            show,
            [
                "lead n=4 median=2 max=3",
                "qualify n=2 median=6.5 max=9",
                "demo none",
                "proposal none",
                "won none",
                "onboard none",
                "nurture none",
            ]
        );
        assert_eq!(cycle_days(&map, &j), [5.0, 12.0]);
    }
}
