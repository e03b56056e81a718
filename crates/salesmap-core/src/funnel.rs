//! The funnel along the map's main path: per stage, how many deals reached it, converted to
//! the next stage, dropped, are still open, and how many sit there now (and for too long).
//!
//! Two modes ([`FunnelMode`]): `strict` counts only observed stage entries; `implied` also
//! counts a stage as passed when the deal reached a later stage of the main path (CRMs often
//! skip the bookkeeping of early stages). Conversion is cohort based: of the deals that
//! reached a stage, the share that went on to the next one (optionally within a window), so
//! it can never exceed 100 %. For every stage `reached = converted + dropped + open + skipped`:
//! a deal that did not convert either went further along the path anyway (skipped: it
//! bypassed the next stage, or reached it only after the window), or this is the furthest
//! main-path stage it reached and it ended lost, disqualified or churned (dropped), or it is
//! still in play (open). So each deal that ended drops out at exactly one stage, its
//! furthest, in both modes: the friction ranking and the findings read the same counts. Deals
//! that reach a `won` outcome ending the main path count as converted there: nothing is open
//! in an outcome.
//! [`now_by_stage`] counts the deals sitting in every stage now, off the main path too, by the
//! same rule as the funnel's `open_now` and `stale`.

use serde::Serialize;

use crate::history::{MICROS_PER_DAY, Micros};
use crate::journey::{Journey, Journeys, Status};
use crate::map::{MainPath, Map, Outcome, StageIx};

/// How stage entries count towards reaching a stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FunnelMode {
    /// Only observed entries.
    Strict,
    /// Observed entries, and every main-path stage before the furthest one reached.
    Implied,
}

/// The funnel in one mode.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Funnel {
    pub mode: FunnelMode,
    /// Conversion window in days, when one was set.
    pub window_days: Option<f64>,
    pub stages: Vec<FunnelStage>,
}

/// One main-path stage of the funnel.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FunnelStage {
    pub stage: String,
    pub name: String,
    /// Deals that reached the stage.
    pub reached: u64,
    /// Of those, deals that reached the next main-path stage afterwards (within the window).
    pub converted: u64,
    /// Deals for which this is the furthest main-path stage reached and that ended in a
    /// lost, disqualified or churned outcome: the drop-outs of this stage.
    pub dropped: u64,
    /// Deals that did not convert, went no further and are still in play.
    pub open: u64,
    /// Deals that did not convert but went further along the path anyway: they bypassed the
    /// next stage (strict mode) or reached it only after the window.
    pub skipped: u64,
    /// `converted / reached`; `None` for the last stage or when nobody reached it.
    pub conversion: Option<f64>,
    /// Share of the deals that reached the start stage that also reached this one.
    pub cumulative: Option<f64>,
    /// Open deals (not won, lost or disqualified) whose current stage this is: the live
    /// pipeline. Won deals in post-sale stages are customers, counted apart.
    pub open_now: u64,
    /// Of those, deals in the stage for longer than its target days.
    pub stale: u64,
    /// Won deals (customers) whose current stage this is: the post-sale view.
    pub customers_now: u64,
    /// Of those, customers in the stage for longer than its target days.
    pub customers_over_target: u64,
    pub target_days: Option<f64>,
}

/// Per deal and main-path position: first and last entry time.
struct Reach {
    first: Vec<Option<Micros>>,
    last: Vec<Option<Micros>>,
}

impl Reach {
    fn new(len: usize) -> Reach {
        Reach {
            first: vec![None; len],
            last: vec![None; len],
        }
    }

    /// Refills the times from deal `j` (the buffers are reused from deal to deal).
    fn read(&mut self, path_pos: &[Option<usize>], j: &Journey) {
        self.first.fill(None);
        self.last.fill(None);
        for e in &j.entries {
            if let Some(p) = e.stage.and_then(|s| path_pos[s.index()]) {
                self.first[p].get_or_insert(e.time);
                self.last[p] = Some(e.time);
            }
        }
    }
}

/// Whether the deal ended in a lost, disqualified or churned outcome.
fn ended(map: &Map, j: &Journey) -> bool {
    j.current()
        .and_then(|e| e.stage)
        .and_then(|s| map.outcome(s))
        .is_some_and(|o| o != Outcome::Won)
}

/// Where a deal that is still in play is now: its current stage, whether it is a customer
/// (won, in a post-sale stage) rather than an open deal, and whether it has been there longer
/// than the stage's target days. `None` for deals that ended (lost, disqualified, churned) or
/// whose current stage is unknown. One rule for the funnel's `open_now`/`stale` and for
/// [`now_by_stage`].
fn now_in(map: &Map, j: &Journey, as_of: Micros) -> Option<(StageIx, bool, bool)> {
    if ended(map, j) || !matches!(j.status, Status::Open | Status::Won) {
        return None;
    }
    let cur = j.current()?;
    let stage = cur.stage?;
    let over = map
        .stage(stage)
        .target_days
        .is_some_and(|t| (as_of - cur.time) as f64 > t * MICROS_PER_DAY as f64);
    Some((stage, j.status == Status::Won, over))
}

/// Deals in one stage now, whether or not the stage is on the main path.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageNow {
    pub stage: String,
    /// Open deals whose current stage this is.
    pub open: u64,
    /// Of those, deals in the stage for longer than its target days.
    pub stale: u64,
    /// Won deals (customers) whose current stage this is.
    pub customers: u64,
    /// Of those, customers in the stage for longer than its target days.
    pub customers_over_target: u64,
}

/// Open deals and customers now in each top-level stage that is not an outcome, in map order:
/// the funnel's `open_now`, `stale`, `customers_now` and `customers_over_target` for every
/// stage, on the main path or off it (a nurture stage holds open deals too).
pub fn now_by_stage(map: &Map, journeys: &Journeys) -> Vec<StageNow> {
    let n = map.stages.len();
    let mut counts = vec![[0u64; 4]; n];
    for j in &journeys.deals {
        if let Some((stage, customer, over)) = now_in(map, j, journeys.as_of) {
            let c = &mut counts[stage.index()];
            let k = if customer { 2 } else { 0 };
            c[k] += 1;
            c[k + 1] += over as u64;
        }
    }
    map.top_level()
        .filter(|&s| map.outcome(s).is_none())
        .map(|s| {
            let [open, stale, customers, customers_over_target] = counts[s.index()];
            StageNow {
                stage: map.stage(s).id.clone(),
                open,
                stale,
                customers,
                customers_over_target,
            }
        })
        .collect()
}

/// The funnel of `journeys` along the map's main path.
pub fn funnel(
    map: &Map,
    journeys: &Journeys,
    mode: FunnelMode,
    window_days: Option<f64>,
) -> Funnel {
    let MainPath {
        stages: path,
        position: pos,
        ..
    } = &journeys.main_path;
    let n = path.len();
    let won_pos = journeys.main_path.won_position().unwrap_or(n);
    let window = window_days.map(|d| (d * MICROS_PER_DAY as f64) as Micros);
    let mut reached = vec![0u64; n];
    let mut converted = vec![0u64; n];
    let mut dropped = vec![0u64; n];
    let mut open = vec![0u64; n];
    let mut skipped = vec![0u64; n];
    let mut from_start = vec![0u64; n];
    let mut open_now = vec![0u64; n];
    let mut stale = vec![0u64; n];
    let mut customers_now = vec![0u64; n];
    let mut customers_over = vec![0u64; n];

    let terminal_won: Vec<bool> = path
        .iter()
        .map(|&s| map.outcome(s) == Some(Outcome::Won))
        .collect();
    let mut r = Reach::new(n);
    // For implied mode: the earliest entry at or after each position.
    let mut later_first: Vec<Option<Micros>> = vec![None; n + 1];
    for j in &journeys.deals {
        r.read(pos, j);
        for i in (0..n).rev() {
            later_first[i] = match (r.first[i], later_first[i + 1]) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        let mut furthest = r.first.iter().rposition(Option::is_some);
        if mode == FunnelMode::Implied && j.status == Status::Won && won_pos < n {
            furthest = furthest.max(Some(won_pos));
        }
        let ended = ended(map, j);
        for i in 0..n {
            let entered_at = match mode {
                FunnelMode::Strict => r.first[i],
                FunnelMode::Implied => {
                    if furthest.is_none_or(|f| f < i) {
                        None
                    } else {
                        // The earliest entry that proves the stage was passed (a won deal
                        // with no entry on the path up to here counts from its win).
                        later_first[i].or(j.won_at)
                    }
                }
            };
            let Some(entered_at) = entered_at else {
                continue;
            };
            reached[i] += 1;
            let start_ok = match mode {
                FunnelMode::Strict => r.first[0].is_some_and(|s| s <= entered_at),
                FunnelMode::Implied => true,
            };
            if start_ok {
                from_start[i] += 1;
            }
            let next_at = match mode {
                // The last stage has no next one: its deals are open or dropped.
                _ if i + 1 == n => None,
                FunnelMode::Strict => r.last[i + 1].filter(|&t| t >= entered_at),
                FunnelMode::Implied => {
                    if furthest.is_some_and(|f| f > i) {
                        Some(
                            later_first[i + 1]
                                .or(j.won_at)
                                .unwrap_or(entered_at)
                                .max(entered_at),
                        )
                    } else {
                        None
                    }
                }
            };
            let in_window = |t: Micros| window.is_none_or(|w| t - entered_at <= w);
            // A `won` outcome that ends the main path is where deals arrive, not where they
            // wait: nobody there is open.
            if next_at.is_some_and(in_window) || terminal_won[i] {
                converted[i] += 1;
            } else if furthest.is_some_and(|f| f > i) {
                skipped[i] += 1;
            } else if ended {
                dropped[i] += 1;
            } else {
                open[i] += 1;
            }
        }
        if let Some((stage, customer, over)) = now_in(map, j, journeys.as_of)
            && let Some(p) = pos[stage.index()]
        {
            let (now, late) = if customer {
                (&mut customers_now, &mut customers_over)
            } else {
                (&mut open_now, &mut stale)
            };
            now[p] += 1;
            late[p] += over as u64;
        }
    }
    let ratio = |a: u64, b: u64| (b > 0).then(|| a as f64 / b as f64);
    let stages = (0..n)
        .map(|i| {
            let stage = map.stage(path[i]);
            FunnelStage {
                stage: stage.id.clone(),
                name: stage.name.get(&map.language, &map.language).to_string(),
                reached: reached[i],
                converted: converted[i],
                dropped: dropped[i],
                open: open[i],
                skipped: skipped[i],
                conversion: if i + 1 < n {
                    ratio(converted[i], reached[i])
                } else {
                    None
                },
                cumulative: ratio(from_start[i], reached[0]),
                open_now: open_now[i],
                stale: stale[i],
                customers_now: customers_now[i],
                customers_over_target: customers_over[i],
                target_days: stage.target_days,
            }
        })
        .collect();
    Funnel {
        mode,
        window_days,
        stages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::tests::{day, history, test_map};
    use expect_test::expect;

    fn check(events: &str, mode: FunnelMode, window: Option<f64>, expect: expect_test::Expect) {
        let map = test_map();
        let js = Journeys::build(&map, &history(events), day(100.0));
        let f = funnel(&map, &js, mode, window);
        let pct = |v: Option<f64>| v.map_or("-".into(), |v| format!("{:.0}%", v * 100.0));
        let lines: Vec<String> = f
            .stages
            .iter()
            .map(|s| {
                format!(
                    "{} reached={} converted={} dropped={} open={} skipped={} conv={} cum={} now={} stale={} customers={}/{}",
                    s.stage,
                    s.reached,
                    s.converted,
                    s.dropped,
                    s.open,
                    s.skipped,
                    pct(s.conversion),
                    pct(s.cumulative),
                    s.open_now,
                    s.stale,
                    s.customers_now,
                    s.customers_over_target
                )
            })
            .collect();
        expect.assert_eq(&lines.join("\n"));
    }

    // a: full path to onboard; b: lost after qualify; c: skipped demo, won; d: open in demo
    // since day 3 (stale: target 10 days); e: entered at proposal (mid-funnel), still open.
    const DEALS: &str = "a lead 0; a qualify 1; a demo 2; a proposal 3; a won 4; a onboard 5; \
                         b lead 0; b qualify 2; b lost 3; \
                         c lead 0; c qualify 1; c proposal 4; c won 9; \
                         d lead 0; d qualify 1; d demo 3; \
                         e proposal 99";

    #[test]
    fn strict() {
        check(
            DEALS,
            FunnelMode::Strict,
            None,
            expect![[r#"
                lead reached=4 converted=4 dropped=0 open=0 skipped=0 conv=100% cum=100% now=0 stale=0 customers=0/0
                qualify reached=4 converted=2 dropped=1 open=0 skipped=1 conv=50% cum=100% now=0 stale=0 customers=0/0
                demo reached=2 converted=1 dropped=0 open=1 skipped=0 conv=50% cum=50% now=1 stale=1 customers=0/0
                proposal reached=3 converted=2 dropped=0 open=1 skipped=0 conv=67% cum=50% now=1 stale=0 customers=0/0
                won reached=2 converted=1 dropped=0 open=1 skipped=0 conv=50% cum=50% now=0 stale=0 customers=1/0
                onboard reached=1 converted=0 dropped=0 open=1 skipped=0 conv=- cum=25% now=0 stale=0 customers=1/1"#]],
        );
    }

    #[test]
    fn implied_counts_earlier_stages_as_passed() {
        check(
            DEALS,
            FunnelMode::Implied,
            None,
            expect![[r#"
                lead reached=5 converted=5 dropped=0 open=0 skipped=0 conv=100% cum=100% now=0 stale=0 customers=0/0
                qualify reached=5 converted=4 dropped=1 open=0 skipped=0 conv=80% cum=100% now=0 stale=0 customers=0/0
                demo reached=4 converted=3 dropped=0 open=1 skipped=0 conv=75% cum=80% now=1 stale=1 customers=0/0
                proposal reached=3 converted=2 dropped=0 open=1 skipped=0 conv=67% cum=60% now=1 stale=0 customers=0/0
                won reached=2 converted=1 dropped=0 open=1 skipped=0 conv=50% cum=40% now=0 stale=0 customers=1/0
                onboard reached=1 converted=0 dropped=0 open=1 skipped=0 conv=- cum=20% now=0 stale=0 customers=1/1"#]],
        );
    }

    #[test]
    fn conversion_window_counts_late_moves_as_not_converted() {
        check(
            "a lead 0; a qualify 1; b lead 0; b qualify 5",
            FunnelMode::Strict,
            Some(2.0),
            expect![[r#"
                lead reached=2 converted=1 dropped=0 open=0 skipped=1 conv=50% cum=100% now=0 stale=0 customers=0/0
                qualify reached=2 converted=0 dropped=0 open=2 skipped=0 conv=0% cum=100% now=2 stale=2 customers=0/0
                demo reached=0 converted=0 dropped=0 open=0 skipped=0 conv=- cum=0% now=0 stale=0 customers=0/0
                proposal reached=0 converted=0 dropped=0 open=0 skipped=0 conv=- cum=0% now=0 stale=0 customers=0/0
                won reached=0 converted=0 dropped=0 open=0 skipped=0 conv=- cum=0% now=0 stale=0 customers=0/0
                onboard reached=0 converted=0 dropped=0 open=0 skipped=0 conv=- cum=0% now=0 stale=0 customers=0/0"#]],
        );
    }

    #[test]
    fn backward_move_then_forward_again_converts_once() {
        check(
            "a lead 0; a qualify 1; a lead 2; a qualify 3; a lost 4",
            FunnelMode::Strict,
            None,
            expect![[r#"
                lead reached=1 converted=1 dropped=0 open=0 skipped=0 conv=100% cum=100% now=0 stale=0 customers=0/0
                qualify reached=1 converted=0 dropped=1 open=0 skipped=0 conv=0% cum=100% now=0 stale=0 customers=0/0
                demo reached=0 converted=0 dropped=0 open=0 skipped=0 conv=- cum=0% now=0 stale=0 customers=0/0
                proposal reached=0 converted=0 dropped=0 open=0 skipped=0 conv=- cum=0% now=0 stale=0 customers=0/0
                won reached=0 converted=0 dropped=0 open=0 skipped=0 conv=- cum=0% now=0 stale=0 customers=0/0
                onboard reached=0 converted=0 dropped=0 open=0 skipped=0 conv=- cum=0% now=0 stale=0 customers=0/0"#]],
        );
    }
}
