//! The forecast: each stage's measured probability of reaching won, and the open pipeline
//! weighted by it.
//!
//! P(won | reached stage) is measured on closed deals only: of the deals that entered the
//! stage and are now won, lost or disqualified, the share that was won. Open deals are then
//! weighted by the probability of their current stage; where a stage has no closed deals
//! yet, the map's designed probability stands in, and the report says so. Over a history
//! that records no lost or disqualified deal at all, every measured probability would be
//! 100 %: none is measured, the designed ones stand in, and [`Forecast::absent`] says why.
//! Aged deals ([`crate::aging`]) are counted apart and get no weight unless credited.

use serde::Serialize;

use crate::absent::Absent;
use crate::journey::{Journeys, Status};
use crate::map::{Map, StageIx};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Forecast {
    pub stages: Vec<StageForecast>,
    /// Open deals, aged ones included.
    pub open_deals: u64,
    /// Open deals that are aged, and their amounts summed.
    pub aged_deals: u64,
    pub aged_amount: f64,
    /// Whether aged deals are weighted like the others.
    pub aged_credited: bool,
    /// Why no probability is measured, when none is.
    pub absent: Option<Absent>,
    /// Sum over live open deals of P(won | current stage): the expected number of wins.
    pub expected_wins: f64,
    /// Sum over live open deals with an amount of amount × P(won | current stage).
    pub weighted_pipeline: f64,
    /// Sum of the live open deals' amounts, unweighted (aged deals apart, in `aged_amount`,
    /// unless credited).
    pub open_pipeline: f64,
    /// Live open deals left out of the weighting: no probability for their stage.
    pub unweighted_deals: u64,
    /// Live open deals with no amount.
    pub without_amount: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageForecast {
    pub stage: String,
    /// Closed deals that entered the stage.
    pub closed: u64,
    /// Of those, won.
    pub won: u64,
    /// `won / closed`.
    pub measured: Option<f64>,
    /// The map's probability for the stage.
    pub designed: Option<f64>,
    /// Open deals now in the stage (aged ones included).
    pub open: u64,
    /// Their amounts, summed.
    pub open_amount: f64,
    /// Of the open deals, aged.
    pub aged: u64,
    /// The live open deals' amounts weighted by the stage's probability (measured, else
    /// designed); 0 when the stage has no probability. The stages' weighted amounts add up
    /// to [`Forecast::weighted_pipeline`].
    pub weighted_amount: f64,
}

/// The forecast over the map's non-outcome top-level stages that come before a win (stages
/// after the won milestone on the main path are post-sale and left out).
/// Aged deals get no weight unless `credit_aged`.
pub fn forecast(map: &Map, journeys: &Journeys, credit_aged: bool) -> Forecast {
    let n = map.stages.len();
    let mut closed = vec![0u64; n];
    let mut won = vec![0u64; n];
    let mut open = vec![0u64; n];
    let mut aged = vec![0u64; n];
    let mut open_amount = vec![0.0f64; n];
    let mut seen = vec![usize::MAX; n];
    let mut open_deals = Vec::new();
    let mut lost_any = false;
    for (d, j) in journeys.deals.iter().enumerate() {
        if j.status == Status::Open {
            if let Some(s) = j.current().and_then(|e| e.stage) {
                open[s.index()] += 1;
                aged[s.index()] += j.aged as u64;
                open_amount[s.index()] += j.amount.unwrap_or(0.0);
                open_deals.push((s, j.amount, j.aged));
            }
            continue;
        }
        lost_any |= j.status != Status::Won;
        for e in &j.entries {
            let Some(s) = e.stage else { continue };
            if j.won_at.is_some_and(|w| e.time > w) {
                break;
            }
            if std::mem::replace(&mut seen[s.index()], d) != d {
                closed[s.index()] += 1;
                won[s.index()] += (j.status == Status::Won) as u64;
            }
        }
    }
    let won_total = journeys
        .deals
        .iter()
        .filter(|j| j.status == Status::Won)
        .count() as u64;
    let absent =
        (!lost_any && won_total > 0).then_some(Absent::NoLossesRecorded { won: won_total });
    let measurable = absent.is_none();
    let measured =
        |i: usize| (closed[i] > 0 && measurable).then(|| won[i] as f64 / closed[i] as f64);
    let pos = &journeys.main_path.position;
    let won_pos = journeys.main_path.won_position();
    let after_win = |s: StageIx| matches!((pos[s.index()], won_pos), (Some(p), Some(w)) if p > w);
    let mut f = Forecast {
        stages: Vec::new(),
        open_deals: open_deals.len() as u64,
        aged_deals: 0,
        aged_amount: 0.0,
        aged_credited: credit_aged,
        absent,
        expected_wins: 0.0,
        weighted_pipeline: 0.0,
        open_pipeline: 0.0,
        unweighted_deals: 0,
        without_amount: 0,
    };
    let mut weighted = vec![0.0f64; n];
    for (s, amount, is_aged) in open_deals {
        if is_aged {
            f.aged_deals += 1;
            f.aged_amount += amount.unwrap_or(0.0);
            if !credit_aged {
                continue;
            }
        }
        let p = measured(s.index()).or(map.stage(s).probability);
        match amount {
            Some(a) => f.open_pipeline += a,
            None => f.without_amount += 1,
        }
        match p {
            Some(p) => {
                f.expected_wins += p;
                f.weighted_pipeline += p * amount.unwrap_or(0.0);
                weighted[s.index()] += p * amount.unwrap_or(0.0);
            }
            None => f.unweighted_deals += 1,
        }
    }
    f.stages = map
        .top_level()
        .filter(|&s| map.outcome(s).is_none() && !map.marks_won(s) && !after_win(s))
        .map(|s| StageForecast {
            stage: map.stage(s).id.clone(),
            closed: closed[s.index()],
            won: won[s.index()],
            measured: measured(s.index()),
            designed: map.stage(s).probability,
            open: open[s.index()],
            open_amount: open_amount[s.index()],
            aged: aged[s.index()],
            weighted_amount: weighted[s.index()],
        })
        .collect();
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::tests::{day, history, test_map};

    #[test]
    fn measured_probabilities_weight_open_deals() {
        let map = test_map();
        let h = history(
            "a lead 0; a qualify 1; a proposal 2; a won 3; a onboard 4; \
             b lead 0; b qualify 1; b lost 2; \
             c lead 0; c qualify 1; c proposal 2; c lost 3; \
             d lead 0 amount=1000; d qualify 1; \
             e lead 0 amount=500; e proposal 1; \
             f lead 0; f demo 1",
        );
        let js = Journeys::build(&map, &h, day(10.0));
        let f = forecast(&map, &js, false);
        let got: Vec<String> = f
            .stages
            .iter()
            .map(|s| {
                format!(
                    "{} {}/{} {:?} designed={:?} open={} {}",
                    s.stage, s.won, s.closed, s.measured, s.designed, s.open, s.open_amount
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "lead 1/3 Some(0.3333333333333333) designed=None open=0 0",
                "qualify 1/3 Some(0.3333333333333333) designed=None open=1 1000",
                "demo 0/0 None designed=None open=1 0",
                "proposal 1/2 Some(0.5) designed=Some(0.5) open=1 500",
                "nurture 0/0 None designed=None open=0 0",
            ]
        );
        // d: 1/3 × 1000; e: 0.5 × 500; f: no probability for demo.
        assert_eq!(
            (f.open_deals, f.unweighted_deals, f.without_amount),
            (3, 1, 1)
        );
        assert!((f.expected_wins - (1.0 / 3.0 + 0.5)).abs() < 1e-12);
        assert!((f.weighted_pipeline - (1000.0 / 3.0 + 250.0)).abs() < 1e-9);
        assert_eq!(f.open_pipeline, 1500.0);
        // Per stage: the same weights, adding up to the weighted pipeline.
        let weighted: Vec<(&str, f64)> = f
            .stages
            .iter()
            .map(|s| (s.stage.as_str(), s.weighted_amount))
            .collect();
        assert_eq!(weighted[1], ("qualify", 1000.0 / 3.0));
        assert_eq!(weighted[3], ("proposal", 250.0));
        let sum: f64 = weighted.iter().map(|w| w.1).sum();
        assert!((sum - f.weighted_pipeline).abs() < 1e-9);
    }
}
