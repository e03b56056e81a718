//! Times measured on journeys: time in stage, sales cycle length, first response time and
//! hand-off times between owners (R2, R3, R11, R17).
//!
//! A stay in a stage lasts from its entry to the deal's next stage entry. A deal still in a
//! stage at the analysis instant has an open (censored) stay: it is counted apart, with its
//! age so far, and never mixed into the medians of completed stays. Outcome stages have no
//! stays. Every figure carries its `n`.

use serde::Serialize;

use crate::absent::Absent;
use crate::history::{History, MICROS_PER_DAY, Micros};
use crate::journey::{Journey, Journeys, OWNER_ATTRS};
use crate::map::{Map, StageIx};
use crate::stats::Summary;

/// Time spent in one stage.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageTime {
    pub stage: String,
    pub name: String,
    /// Deals with at least one entry into the stage.
    pub deals: u64,
    /// Completed stays, in days.
    pub days: Option<Summary>,
    /// Stays still open at the analysis instant.
    pub open: u64,
    /// Median age of the open stays, in days.
    pub open_median_days: Option<f64>,
    pub target_days: Option<f64>,
    /// Completed stays longer than the target.
    pub over_target: u64,
}

/// Completed stays per stage (indexed like [`Map::stages`]), in microseconds: the samples
/// behind [`stage_times`], for charts that show the whole distribution.
pub fn completed_stays(map: &Map, journeys: &Journeys) -> Vec<Vec<Micros>> {
    stays(map, journeys).done
}

/// Completed and open stays per stage, and the deals that entered each stage.
struct Stays {
    done: Vec<Vec<Micros>>,
    open: Vec<Vec<Micros>>,
    deals: Vec<u64>,
}

fn stays(map: &Map, journeys: &Journeys) -> Stays {
    let n = map.stages.len();
    let mut done: Vec<Vec<Micros>> = vec![Vec::new(); n];
    let mut open: Vec<Vec<Micros>> = vec![Vec::new(); n];
    let mut deals = vec![0u64; n];
    let mut seen = vec![u32::MAX; n];
    for (d, j) in journeys.deals.iter().enumerate() {
        let closed_path = ends_in_outcome(map, j);
        for (k, e) in j.entries.iter().enumerate() {
            let Some(s) = e.stage else { continue };
            if std::mem::replace(&mut seen[s.index()], d as u32) != d as u32 {
                deals[s.index()] += 1;
            }
            if map.outcome(s).is_some() {
                continue;
            }
            match j.entries.get(k + 1) {
                Some(next) => done[s.index()].push(next.time - e.time),
                None if !closed_path => open[s.index()].push(journeys.as_of - e.time),
                None => {}
            }
        }
    }
    Stays { done, open, deals }
}

/// Time in each non-outcome top-level stage, in map order.
pub fn stage_times(map: &Map, journeys: &Journeys) -> Vec<StageTime> {
    let Stays {
        mut done,
        mut open,
        deals,
    } = stays(map, journeys);
    map.top_level()
        .filter(|&s| map.outcome(s).is_none())
        .map(|s| {
            let stage = map.stage(s);
            let i = s.index();
            let target = stage.target_days;
            let over_target = target.map_or(0, |t| {
                done[i]
                    .iter()
                    .filter(|&&d| d as f64 > t * MICROS_PER_DAY as f64)
                    .count() as u64
            });
            StageTime {
                stage: stage.id.clone(),
                name: stage.name.get(&map.language, &map.language).to_string(),
                deals: deals[i],
                days: Summary::of_micros_in_days(&mut done[i]),
                open: open[i].len() as u64,
                open_median_days: Summary::of_micros_in_days(&mut open[i]).map(|s| s.median),
                target_days: target,
                over_target,
            }
        })
        .collect()
}

fn ends_in_outcome(map: &Map, j: &Journey) -> bool {
    j.current()
        .and_then(|e| e.stage)
        .is_some_and(|s| map.outcome(s).is_some())
}

/// When a deal's sales clock starts: its first entry into the map's start stage, or its first
/// entry into any known stage when it has none (recorded from mid-funnel on).
pub fn clock_start(map: &Map, j: &Journey) -> Option<Micros> {
    j.start(map).map(|e| e.time)
}

/// The sales cycle of one won deal: from its clock start to its first win, in microseconds.
/// The start is the entry into the start stage, else the first known entry, among the
/// entries before the win: a deal whose first known entry is the win itself (an export that
/// records only the close) has no measurable cycle, and a re-entry into the start stage
/// after the win does not count, so a cycle is never negative.
pub fn cycle_micros(map: &Map, j: &Journey) -> Option<Micros> {
    let won = j.won_at?;
    let win = j
        .entries
        .iter()
        .position(|e| e.stage.is_some_and(|s| map.marks_won(s)))?;
    let before = &j.entries[..win];
    let start = before
        .iter()
        .find(|e| e.stage == Some(map.start))
        .or_else(|| before.iter().find(|e| e.stage.is_some()))?;
    Some(won - start.time)
}

/// Sales cycle length of won deals, in days.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cycle {
    /// Won deals with a measured cycle.
    pub won: u64,
    pub days: Option<Summary>,
    /// Won deals left out: no stage entry before the win, so their start is unknown.
    pub unknown_start: u64,
    /// Why there is no cycle, when there is none.
    pub absent: Option<Absent>,
}

pub fn cycle(map: &Map, journeys: &Journeys) -> Cycle {
    let mut unknown_start = 0;
    let mut cycles: Vec<Micros> = Vec::new();
    for j in journeys.deals.iter().filter(|j| j.won_at.is_some()) {
        match cycle_micros(map, j) {
            Some(c) => cycles.push(c),
            None => unknown_start += 1,
        }
    }
    let absent = match (cycles.is_empty(), unknown_start) {
        (false, _) => None,
        (true, 0) => Some(Absent::NoWonDeals),
        (true, won) => Some(Absent::NoCycleStart { won }),
    };
    Cycle {
        won: cycles.len() as u64,
        days: Summary::of_micros_in_days(&mut cycles),
        unknown_start,
        absent,
    }
}

/// First response time: from the deal's clock start to its first touch at or after it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FirstResponse {
    /// Deals with a clock start.
    pub deals: u64,
    /// Deals with no touch since their clock start.
    pub no_touch: u64,
    /// Response times in hours, of the deals with a touch.
    pub hours: Option<Summary>,
    /// The service-level target in hours (the map's first-response KPI), when set.
    pub sla_hours: Option<f64>,
    /// Share of responded deals that responded within the target.
    pub within_sla: Option<f64>,
}

/// First response times; `None` when the history has no touches at all.
pub fn first_response(
    map: &Map,
    journeys: &Journeys,
    sla_hours: Option<f64>,
) -> Option<FirstResponse> {
    if !journeys.has_touches {
        return None;
    }
    let mut deals = 0;
    let mut times = Vec::new();
    for j in &journeys.deals {
        let Some(start) = clock_start(map, j) else {
            continue;
        };
        deals += 1;
        if let Some(&(_, t)) = j.touches.iter().find(|&&(_, t)| t >= start) {
            times.push(t - start);
        }
    }
    let within = sla_hours.and_then(|h| {
        let limit = (h * 3_600_000_000.0) as Micros;
        (!times.is_empty())
            .then(|| times.iter().filter(|&&t| t <= limit).count() as f64 / times.len() as f64)
    });
    Some(FirstResponse {
        deals,
        no_touch: deals - times.len() as u64,
        hours: Summary::of_micros_in_hours(&mut times),
        sla_hours,
        within_sla: within,
    })
}

/// Where owners come from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OwnerSource {
    /// The history's per-event owner column (named here).
    History(String),
    /// The first owner the map names for each stage (teams).
    Map,
}

/// Hand-offs between owners.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Handoffs {
    pub source: OwnerSource,
    /// Stage pairs where the owner changed, most frequent first.
    pub pairs: Vec<Handoff>,
    /// All hand-off times together, in hours.
    pub hours: Option<Summary>,
}

/// Hand-offs across one stage pair: time from the entry into `from` (owned by one owner) to
/// the entry into `to` (owned by another).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Handoff {
    pub from: String,
    pub to: String,
    /// The owners on each side when they come from the map; empty for history owners.
    pub from_owner: String,
    pub to_owner: String,
    pub hours: Summary,
}

/// Hand-off times between consecutive stage entries that change owner. A move is a hand-off
/// when the map's owners of the two stages have no team in common (when both stages name
/// owners: a move between two stages that one team shares stays inside that team) and, when
/// the history has an owner column, when the person changes too (entries without an owner
/// are skipped). Moves into outcomes are not hand-offs.
pub fn handoffs(map: &Map, history: &History, journeys: &Journeys) -> Handoffs {
    let column = OWNER_ATTRS.iter().find_map(|n| history.event_attr(n));
    let teams_change = |a: StageIx, b: StageIx| {
        let (ta, tb) = (&map.stage(a).owners, &map.stage(b).owners);
        ta.is_empty() || tb.is_empty() || !ta.iter().any(|t| tb.contains(t))
    };
    let mut groups: std::collections::BTreeMap<(StageIx, StageIx), (String, String, Vec<Micros>)> =
        Default::default();
    let mut all = Vec::new();
    for j in &journeys.deals {
        for w in j.entries.windows(2) {
            let (Some(a), Some(b)) = (w[0].stage, w[1].stage) else {
                continue;
            };
            if map.outcome(b).is_some() || !teams_change(a, b) {
                continue;
            }
            let (oa, ob) = match column {
                Some(c) => {
                    let (Some(oa), Some(ob)) = (c.get(w[0].row as usize), c.get(w[1].row as usize))
                    else {
                        continue;
                    };
                    if oa == ob {
                        continue;
                    }
                    (String::new(), String::new())
                }
                None => {
                    let (Some(oa), Some(ob)) =
                        (map.stage(a).owners.first(), map.stage(b).owners.first())
                    else {
                        continue;
                    };
                    (oa.clone(), ob.clone())
                }
            };
            let d = w[1].time - w[0].time;
            groups
                .entry((a, b))
                .or_insert_with(|| (oa, ob, Vec::new()))
                .2
                .push(d);
            all.push(d);
        }
    }
    let mut pairs: Vec<Handoff> = groups
        .into_iter()
        .map(|((a, b), (oa, ob, mut v))| Handoff {
            from: map.stage(a).id.clone(),
            to: map.stage(b).id.clone(),
            from_owner: oa,
            to_owner: ob,
            hours: Summary::of_micros_in_hours(&mut v).expect("a group has a hand-off"),
        })
        .collect();
    pairs.sort_by_key(|p| std::cmp::Reverse(p.hours.n));
    Handoffs {
        source: match column {
            Some(c) => OwnerSource::History(c.name.clone()),
            None => OwnerSource::Map,
        },
        pairs,
        hours: Summary::of_micros_in_hours(&mut all),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::tests::{day, history, test_map};

    fn journeys(events: &str) -> (Map, History, Journeys) {
        let map = test_map();
        let h = history(events);
        let js = Journeys::build(&map, &h, day(20.0));
        (map, h, js)
    }

    fn check_stage_times(events: &str, expect: &str) {
        let (map, _, js) = journeys(events);
        let got: Vec<String> = stage_times(&map, &js)
            .iter()
            .filter(|t| t.deals > 0)
            .map(|t| {
                format!(
                    "{} deals={} n={} median={} p90={} open={} open_median={} over={}",
                    t.stage,
                    t.deals,
                    t.days.as_ref().map_or(0, |s| s.n),
                    t.days.as_ref().map_or(f64::NAN, |s| s.median),
                    t.days.as_ref().map_or(f64::NAN, |s| s.p90),
                    t.open,
                    t.open_median_days.unwrap_or(f64::NAN),
                    t.over_target
                )
            })
            .collect();
        assert_eq!(got.join("\n"), expect);
    }

    #[test]
    fn stays_are_entry_to_next_entry() {
        check_stage_times(
            "a lead 0; a qualify 1; a lost 4; b lead 0; b qualify 3",
            "lead deals=2 n=2 median=2 p90=2.8 open=0 open_median=NaN over=1\n\
             qualify deals=2 n=1 median=3 p90=3 open=1 open_median=17 over=0",
        );
    }
    #[test]
    fn re_entries_are_separate_stays_but_one_deal() {
        check_stage_times(
            "a lead 0; a qualify 1; a nurture 2; a qualify 8; a lost 9",
            "lead deals=1 n=1 median=1 p90=1 open=0 open_median=NaN over=0\n\
             qualify deals=1 n=2 median=1 p90=1 open=0 open_median=NaN over=0\n\
             nurture deals=1 n=1 median=6 p90=6 open=0 open_median=NaN over=0",
        );
    }
    #[test]
    fn won_customers_stay_open_in_their_stage() {
        check_stage_times(
            "a lead 0; a won 10",
            "lead deals=1 n=1 median=10 p90=10 open=0 open_median=NaN over=1\n\
             won deals=1 n=0 median=NaN p90=NaN open=1 open_median=10 over=0",
        );
    }

    fn check_cycle(events: &str, expect: &str) {
        let (map, _, js) = journeys(events);
        let c = cycle(&map, &js);
        let s = c.days.map_or("-".into(), |s| {
            format!("median={} p75={} p90={}", s.median, s.p75, s.p90)
        });
        assert_eq!(format!("won={} {s}", c.won), expect);
    }

    #[test]
    fn cycle_from_start_stage_to_first_win() {
        check_cycle(
            "a lead 0; a qualify 1; a won 4; a onboard 9; b lead 2; b won 12",
            "won=2 median=7 p75=8.5 p90=9.4",
        );
    }
    #[test]
    fn cycle_of_mid_funnel_deal_starts_at_first_known_entry() {
        check_cycle(
            "a Pricing 0; a proposal 3; a won 5",
            "won=1 median=2 p75=2 p90=2",
        );
    }
    #[test]
    fn cycle_ignores_start_reentry_after_win() {
        check_cycle(
            "a qualify 1; a won 4; a lead 6",
            "won=1 median=3 p75=3 p90=3",
        );
    }
    #[test]
    fn no_won_deals() {
        check_cycle("a lead 0; a lost 1", "won=0 -");
    }

    #[test]
    fn first_response_needs_touches_and_counts_deals_without_one() {
        let (map, _, js) = journeys("a lead 0; a qualify 1");
        assert_eq!(first_response(&map, &js, None), None);
        let (map, _, js) =
            journeys("a lead 0; a +call 0.25; b lead 1; b +email 0.5; c lead 2; c +call 3");
        let r = first_response(&map, &js, Some(12.0)).unwrap();
        let h = r.hours.unwrap();
        assert_eq!(
            (r.deals, r.no_touch, h.n, h.median, h.max),
            (3, 1, 2, 15.0, 24.0)
        );
        assert_eq!(r.within_sla, Some(0.5));
    }

    #[test]
    fn handoffs_from_map_owners() {
        let (map, h, js) = journeys(
            "a lead 0; a qualify 0.5; a demo 1; a won 3; a onboard 4; b lead 0; b qualify 1.5; b lost 2",
        );
        let hs = handoffs(&map, &h, &js);
        let got: Vec<String> = hs
            .pairs
            .iter()
            .map(|p| {
                format!(
                    "{}>{} {}>{} n={} median={}h",
                    p.from, p.to, p.from_owner, p.to_owner, p.hours.n, p.hours.median
                )
            })
            .collect();
        assert_eq!(hs.source, OwnerSource::Map);
        assert_eq!(
            got,
            [
                "lead>qualify marketing>sales n=2 median=24h",
                "won>onboard sales>cs n=1 median=24h"
            ]
        );
    }

    #[test]
    fn handoffs_from_history_owners() {
        // a: kim (lead, marketing) to lee (qualify, sales) is a hand-off; lee to kim between
        // qualify and demo stays inside the sales team. b: the same person on both sides.
        let (map, h, js) = journeys(
            "a lead 0 owner=kim; a qualify 0.5 owner=lee; a demo 1.5 owner=kim; b lead 0 owner=kim; b qualify 2 owner=kim",
        );
        let hs = handoffs(&map, &h, &js);
        assert_eq!(hs.source, OwnerSource::History("owner".into()));
        assert_eq!(hs.pairs.len(), 1);
        assert_eq!(
            (
                hs.pairs[0].from.as_str(),
                hs.pairs[0].to.as_str(),
                hs.pairs[0].hours.n,
                hs.pairs[0].hours.median
            ),
            ("lead", "qualify", 1, 12.0)
        );
    }
}
