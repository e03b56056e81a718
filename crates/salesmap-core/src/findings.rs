//! [`findings`]: the few things a sales manager should look at first, picked from an
//! [`Analysis`] and ranked, as data.
//!
//! Each [`Finding`] carries the figures it rests on (with their n), not a sentence: the CLI's
//! `analyze` report words them in English, the HTML report in English or Korean. The ranking
//! is fixed: the stage that loses the most deals, then missed KPIs, stale deals, what fast
//! deals share, the strongest trigger (on at least 30 deals), and poor conformance (under 80%
//! of deals fit the map); at most five, most important first.

use serde::Serialize;

use crate::analysis::Analysis;
use crate::conformance::Deviation;
use crate::fastslow::Difference;
use crate::kpi::KpiResult;
use crate::triggers::{Friction, Lift};

/// Most findings returned.
pub const MAX_FINDINGS: usize = 5;
/// Fewest deals a trigger must rest on to be a finding.
pub const MIN_TRIGGER_N: u64 = 30;
/// Below this share of fitting deals, conformance is a finding.
pub const FIT_SHARE_FLOOR: f64 = 0.8;

/// One thing to look at, with the figures behind it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Finding {
    /// The stage where the most deals end lost or disqualified.
    Friction(Friction),
    /// A KPI measured on the wrong side of its target.
    KpiMissed(KpiResult),
    /// Open deals past their stage's target days, and the stage with the most of them.
    Stale {
        total: u64,
        stage: String,
        stale: u64,
        open_now: u64,
    },
    /// What the fastest won deals share most distinctly.
    FastSlow(Difference),
    /// The feature that lifts advancing the most, at one stage.
    Trigger {
        stage: String,
        stage_rate: Option<f64>,
        lift: Lift,
    },
    /// Few deals follow the map; its most common deviation.
    Conformance {
        fit_share: f64,
        deviation: Deviation,
    },
    /// Nothing above applies.
    NothingStandsOut { deals: u64 },
}

/// The findings of `a`, most important first.
pub fn findings(a: &Analysis) -> Vec<Finding> {
    let mut out: Vec<(f64, Finding)> = Vec::new();
    if let Some(f) = a.friction.first() {
        out.push((
            3.0 + f.drop_rate.unwrap_or(0.0),
            Finding::Friction(f.clone()),
        ));
    }
    for k in a.kpis.iter().filter(|k| k.met == Some(false)) {
        out.push((2.5, Finding::KpiMissed(k.clone())));
    }
    let stale: u64 = a.funnel_strict.stages.iter().map(|s| s.stale).sum();
    if stale > 0
        && let Some(worst) = a.funnel_strict.stages.iter().max_by_key(|s| s.stale)
    {
        out.push((
            2.0,
            Finding::Stale {
                total: stale,
                stage: worst.stage.clone(),
                stale: worst.stale,
                open_now: worst.open_now,
            },
        ));
    }
    if let Some(d) = a.fast_slow.differences.first() {
        out.push((1.8, Finding::FastSlow(d.clone())));
    }
    let best = a
        .triggers
        .iter()
        .flat_map(|t| {
            t.features
                .iter()
                .filter(|l| l.n >= MIN_TRIGGER_N)
                .map(move |l| (t, l))
        })
        .max_by(|x, y| x.1.lift.total_cmp(&y.1.lift));
    if let Some((t, l)) = best {
        out.push((
            1.6,
            Finding::Trigger {
                stage: t.stage.clone(),
                stage_rate: t.rate,
                lift: l.clone(),
            },
        ));
    }
    if let Some(share) = a.conformance.fit_share
        && share < FIT_SHARE_FLOOR
        && let Some(d) = a.conformance.deviations.first()
    {
        out.push((
            1.5,
            Finding::Conformance {
                fit_share: share,
                deviation: d.clone(),
            },
        ));
    }
    if out.is_empty() {
        out.push((0.0, Finding::NothingStandsOut { deals: a.deals }));
    }
    // A stable sort keeps equal ranks (several missed KPIs) in map order.
    out.sort_by(|x, y| y.0.total_cmp(&x.0));
    out.into_iter().take(MAX_FINDINGS).map(|(_, f)| f).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{AnalyzeOptions, analyze};
    use crate::journey::tests::{day, history, test_map};

    fn kinds(events: &str) -> Vec<String> {
        let a = analyze(
            &test_map(),
            &history(events),
            &AnalyzeOptions::as_of(day(60.0)),
        )
        .unwrap();
        findings(&a)
            .iter()
            .map(|f| match f {
                Finding::Friction(f) => format!("friction {} {}/{}", f.stage, f.dropped, f.entered),
                Finding::KpiMissed(k) => format!("kpi {}", k.name),
                Finding::Stale { total, stage, .. } => format!("stale {total} {stage}"),
                Finding::FastSlow(d) => format!("fast {}", d.feature),
                Finding::Trigger { stage, lift, .. } => format!("trigger {stage} {}", lift.feature),
                Finding::Conformance { fit_share, .. } => format!("conformance {fit_share}"),
                Finding::NothingStandsOut { deals } => format!("nothing {deals}"),
            })
            .collect()
    }

    #[test]
    fn ranked_with_friction_first() {
        assert_eq!(
            kinds("a lead 0; a qualify 1; a won 5; b lead 0; b qualify 2; b lost 3; c lead 50"),
            // a skipped demo and proposal, c is stuck in lead: one deal of three fits.
            [
                "friction qualify 1/2",
                "stale 1 lead",
                "conformance 0.3333333333333333"
            ]
        );
    }

    #[test]
    fn nothing_stands_out_on_a_clean_history() {
        assert_eq!(
            kinds("a lead 0; a qualify 1; a demo 2; a proposal 3; a won 5"),
            ["nothing 1"]
        );
    }
}
