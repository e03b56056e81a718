//! The as-is process map (R3: "map what happens"): the process found in history, simplified
//! the way process-mining tools simplify it, for the renderer to draw like a designed map.
//!
//! It starts from a directly-follows graph, [`Follows`]: activities with their counts, how
//! many deals start and end at each, and the moves between them with their times. That graph
//! comes from a [`Discovery`] (any event log, PM4Py's semantics) or from [`Journeys`] (a
//! history read through a map: stages by their names, sub-stages rolled up). Two sliders then
//! simplify it, as in Disco:
//! - activities ([`activities_kept`]): the most frequent share of the activities stays; the
//!   caller measures the graph again over the activities kept, so a move `a → x → b` with
//!   `x` hidden counts as `a → b` (a projection, never a lost deal);
//! - paths ([`process_map`]): the most frequent share of the moves stays, the moves from the
//!   start and to the end included; then the fewest most frequent moves are added back so
//!   that every activity shown lies on a path from the start to the end. The map is always
//!   connected, whatever the sliders say.
//!
//! The main path starts at the start and follows, from each activity, its most frequent kept
//! move to an activity not yet on the path, and stops where more deals end than go on; the
//! renderer draws it as the spine.

use crate::discovery::Discovery;
use crate::history::Micros;
use crate::journey::Journeys;
use crate::map::Map;

/// The sliders: shares between 0 and 1, most frequent first.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ProcessMapOptions {
    /// Share of the activities shown.
    pub activities: f64,
    /// Share of the moves shown (from the start, between activities, to the end).
    pub paths: f64,
}

/// The default paths slider: about a third of the moves, which keeps the main flows and the
/// biggest side roads of the shared event logs legible on one screen.
pub const DEFAULT_PATHS: f64 = 0.3;

impl Default for ProcessMapOptions {
    fn default() -> ProcessMapOptions {
        ProcessMapOptions {
            activities: 1.0,
            paths: DEFAULT_PATHS,
        }
    }
}

/// What an activity's count counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountUnit {
    /// Events (a deal that does the activity twice counts twice): discovery's count.
    Events,
    /// Deals that entered the stage: the count a designed map's overlay shows.
    Deals,
}

/// One activity (a stage) of a directly-follows graph.
#[derive(Clone, Debug, PartialEq)]
pub struct FollowsActivity {
    pub name: String,
    pub count: u64,
    /// Deals whose first event is this activity, and deals whose last event is.
    pub starts: u64,
    pub ends: u64,
}

/// Moves `from → to` between activities (indices into [`Follows::activities`]), with the
/// time they took in seconds.
#[derive(Clone, Debug, PartialEq)]
pub struct FollowsMove {
    pub from: usize,
    pub to: usize,
    pub count: u64,
    pub median_seconds: f64,
    pub mean_seconds: f64,
}

/// A directly-follows graph: what a process map is simplified from.
#[derive(Clone, Debug, PartialEq)]
pub struct Follows {
    pub cases: u64,
    pub unit: CountUnit,
    pub activities: Vec<FollowsActivity>,
    pub moves: Vec<FollowsMove>,
    pub first_event: Option<Micros>,
    pub last_event: Option<Micros>,
}

impl Follows {
    /// The graph of a discovery: events per activity, every directly-follows edge.
    pub fn of_discovery(d: &Discovery) -> Follows {
        let names: Vec<&String> = d.activity_counts.keys().collect();
        let at = |name: &str| names.iter().position(|n| n.as_str() == name);
        let activities = d
            .activity_counts
            .iter()
            .map(|(name, &count)| FollowsActivity {
                name: name.clone(),
                count,
                starts: d.start_activities.get(name).copied().unwrap_or(0),
                ends: d.end_activities.get(name).copied().unwrap_or(0),
            })
            .collect();
        let moves = d
            .dfg
            .iter()
            .filter_map(|e| {
                Some(FollowsMove {
                    from: at(&e.from)?,
                    to: at(&e.to)?,
                    count: e.count,
                    median_seconds: e.median,
                    mean_seconds: e.mean,
                })
            })
            .collect();
        Follows {
            cases: d.cases,
            unit: CountUnit::Events,
            activities,
            moves,
            first_event: d.first_event,
            last_event: d.last_event,
        }
    }

    /// The graph of deals read through a map: one activity per top-level stage that a deal
    /// entered (named in `lang`), counted in deals; every direct move between known stages,
    /// re-entries included (the as-is table's "moves"). Stages whose `keep` entry is `false`
    /// (indexed like [`Map::stages`]) are left out and the moves around them joined.
    pub fn of_journeys(
        map: &Map,
        journeys: &Journeys,
        lang: &str,
        keep: Option<&[bool]>,
    ) -> Follows {
        let kept = |s: usize| keep.is_none_or(|k| k.get(s).copied().unwrap_or(false));
        let n = map.stages.len();
        let mut deals = vec![0u64; n];
        let mut starts = vec![0u64; n];
        let mut ends = vec![0u64; n];
        let mut seen = vec![usize::MAX; n];
        let mut times: std::collections::BTreeMap<(usize, usize), Vec<Micros>> = Default::default();
        let mut cases = 0;
        let (mut first, mut last): (Option<Micros>, Option<Micros>) = (None, None);
        let mut path: Vec<(usize, Micros)> = Vec::new();
        for (d, j) in journeys.deals.iter().enumerate() {
            path.clear();
            for e in &j.entries {
                match e.stage {
                    Some(s) if kept(s.index()) => path.push((s.index(), e.time)),
                    // An unknown stage breaks the chain, as in the as-is table.
                    None => path.push((usize::MAX, e.time)),
                    Some(_) => {}
                }
            }
            let known: Vec<&(usize, Micros)> = path.iter().filter(|p| p.0 != usize::MAX).collect();
            let (Some(&&(head, t0)), Some(&&(tail, t1))) = (known.first(), known.last()) else {
                continue;
            };
            cases += 1;
            starts[head] += 1;
            ends[tail] += 1;
            first = Some(first.map_or(t0, |f| f.min(t0)));
            last = Some(last.map_or(t1, |l| l.max(t1)));
            for &&(s, _) in &known {
                if std::mem::replace(&mut seen[s], d) != d {
                    deals[s] += 1;
                }
            }
            for w in path.windows(2) {
                let ((a, ta), (b, tb)) = (w[0], w[1]);
                if a != usize::MAX && b != usize::MAX && a != b {
                    times.entry((a, b)).or_default().push(tb - ta);
                }
            }
        }
        let shown: Vec<usize> = map
            .top_level()
            .map(|s| s.index())
            .filter(|&s| deals[s] > 0)
            .collect();
        let index = |s: usize| shown.iter().position(|&x| x == s);
        let activities = shown
            .iter()
            .map(|&s| FollowsActivity {
                name: map
                    .stage(crate::map::StageIx(s as u32))
                    .name
                    .get(lang, &map.language)
                    .to_string(),
                count: deals[s],
                starts: starts[s],
                ends: ends[s],
            })
            .collect();
        let moves = times
            .into_iter()
            .filter_map(|((a, b), mut t)| {
                let summary = crate::stats::Summary::of_micros_in_days(&mut t)?;
                Some(FollowsMove {
                    from: index(a)?,
                    to: index(b)?,
                    count: summary.n,
                    median_seconds: summary.median * 86_400.0,
                    mean_seconds: summary.mean * 86_400.0,
                })
            })
            .collect();
        Follows {
            cases,
            unit: CountUnit::Deals,
            activities,
            moves,
            first_event: first,
            last_event: last,
        }
    }
}

/// Which activities the activities slider keeps: the most frequent `share` of them (at least
/// one), ties broken by name; indexed like [`Follows::activities`].
pub fn activities_kept(f: &Follows, share: f64) -> Vec<bool> {
    let total = f.activities.len();
    let mut order: Vec<usize> = (0..total).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&f.activities[a], &f.activities[b]);
        y.count.cmp(&x.count).then_with(|| x.name.cmp(&y.name))
    });
    let k = slider_count(share, total).max(1.min(total));
    let mut keep = vec![false; total];
    for &a in order.iter().take(k) {
        keep[a] = true;
    }
    keep
}

/// How many of `total` items a slider at `share` keeps: rounded up, so any share above 0
/// keeps at least one.
fn slider_count(share: f64, total: usize) -> usize {
    let share = if share.is_finite() {
        share.clamp(0.0, 1.0)
    } else {
        1.0
    };
    // A hair below the next whole number still rounds down (0.3 × 10 is 3.0000000000000004).
    ((share * total as f64) - 1e-9).ceil().max(0.0) as usize
}

/// One end of a move on the process map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Endpoint {
    /// Where every deal comes from.
    Start,
    /// An activity, by index into [`ProcessMap::activities`].
    Activity(usize),
    /// Where every deal goes at its last event.
    End,
}

/// A move drawn on the process map.
#[derive(Clone, Debug, PartialEq)]
pub struct ProcessEdge {
    pub from: Endpoint,
    pub to: Endpoint,
    /// Times the move was made (deals, for moves from the start and to the end).
    pub count: u64,
    /// Time the move took, in seconds; `None` for moves from the start and to the end.
    pub median_seconds: Option<f64>,
    pub mean_seconds: Option<f64>,
    /// Part of the main path.
    pub main: bool,
}

/// The simplified as-is process.
#[derive(Clone, Debug, PartialEq)]
pub struct ProcessMap {
    pub cases: u64,
    pub unit: CountUnit,
    /// The activities shown, main path first, then the others most frequent first.
    pub activities: Vec<FollowsActivity>,
    pub edges: Vec<ProcessEdge>,
    /// Activity indices along the main path, from the start.
    pub main_path: Vec<usize>,
    /// Activities shown and activities in the history.
    pub activities_shown: usize,
    pub activities_total: usize,
    /// Moves shown and moves in the graph the map was drawn from (start and end moves
    /// included).
    pub paths_shown: usize,
    pub paths_total: usize,
    pub first_event: Option<Micros>,
    pub last_event: Option<Micros>,
}

impl ProcessMap {
    /// The largest count on any edge: edges are weighted against it.
    pub fn max_count(&self) -> u64 {
        self.edges.iter().map(|e| e.count).max().unwrap_or(0)
    }
}

/// Simplifies `f` with the paths slider (see the module docs). `activities_total` is the
/// number of activities before the activities slider, for the caption. `None` when the graph
/// has no activity.
pub fn process_map(f: &Follows, activities_total: usize, paths: f64) -> Option<ProcessMap> {
    let n = f.activities.len();
    if n == 0 {
        return None;
    }
    // Every move of the graph, the start and end moves included, most frequent first.
    let mut all: Vec<ProcessEdge> = Vec::new();
    for (a, act) in f.activities.iter().enumerate() {
        if act.starts > 0 {
            all.push(terminal(Endpoint::Start, Endpoint::Activity(a), act.starts));
        }
        if act.ends > 0 {
            all.push(terminal(Endpoint::Activity(a), Endpoint::End, act.ends));
        }
    }
    for m in &f.moves {
        all.push(ProcessEdge {
            from: Endpoint::Activity(m.from),
            to: Endpoint::Activity(m.to),
            count: m.count,
            median_seconds: Some(m.median_seconds),
            mean_seconds: Some(m.mean_seconds),
            main: false,
        });
    }
    all.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| (a.from, a.to).cmp(&(b.from, b.to)))
    });
    let total = all.len();
    let mut kept = vec![false; total];
    for k in kept.iter_mut().take(slider_count(paths, total)) {
        *k = true;
    }
    // Connect: every activity reached from the start, then every activity reaching the end,
    // each time by the most frequent move across the cut (the list is sorted, so the first
    // crossing move found is the most frequent one).
    for forward in [true, false] {
        loop {
            let reached = reach(n, &all, &kept, forward);
            let crossing = all.iter().enumerate().position(|(i, e)| {
                let (near, far) = if forward {
                    (e.from, e.to)
                } else {
                    (e.to, e.from)
                };
                !kept[i] && is_reached(&reached, near) && !is_reached(&reached, far)
            });
            match crossing {
                Some(i) => kept[i] = true,
                None => break,
            }
        }
    }
    let mut edges: Vec<ProcessEdge> = all
        .into_iter()
        .zip(&kept)
        .filter(|(_, k)| **k)
        .map(|(e, _)| e)
        .collect();

    // The main path: from the start, the most frequent kept move to an activity not on it,
    // until the most frequent move is to the end (most deals stop there).
    let mut main_path: Vec<usize> = Vec::new();
    let mut at = Endpoint::Start;
    loop {
        let next = edges
            .iter()
            .filter(|e| e.from == at)
            .filter_map(|e| match e.to {
                Endpoint::Activity(b) if !main_path.contains(&b) => Some((e.count, b)),
                _ => None,
            })
            .max_by(|x, y| x.0.cmp(&y.0).then(y.1.cmp(&x.1)));
        let Some((count, b)) = next else { break };
        let to_end = edges
            .iter()
            .find(|e| e.from == at && e.to == Endpoint::End)
            .map_or(0, |e| e.count);
        if at != Endpoint::Start && to_end > count {
            break;
        }
        main_path.push(b);
        at = Endpoint::Activity(b);
    }

    // Activities in display order: the main path, then the others most frequent first.
    let mut order = main_path.clone();
    let mut rest: Vec<usize> = (0..n).filter(|a| !main_path.contains(a)).collect();
    rest.sort_by(|&a, &b| {
        let (x, y) = (&f.activities[a], &f.activities[b]);
        y.count.cmp(&x.count).then_with(|| x.name.cmp(&y.name))
    });
    order.extend(rest);
    let new_index = |a: usize| {
        order
            .iter()
            .position(|&x| x == a)
            .expect("every activity is ordered")
    };
    let renumber = |p: Endpoint| match p {
        Endpoint::Activity(a) => Endpoint::Activity(new_index(a)),
        other => other,
    };
    let main_path: Vec<usize> = main_path.iter().map(|&a| new_index(a)).collect();
    for e in &mut edges {
        e.from = renumber(e.from);
        e.to = renumber(e.to);
    }
    let on_main = |from: Endpoint, to: Endpoint| match (from, to) {
        (Endpoint::Start, Endpoint::Activity(b)) => main_path.first() == Some(&b),
        (Endpoint::Activity(a), Endpoint::Activity(b)) => {
            main_path.windows(2).any(|w| w[0] == a && w[1] == b)
        }
        (Endpoint::Activity(a), Endpoint::End) => main_path.last() == Some(&a),
        _ => false,
    };
    for e in &mut edges {
        e.main = on_main(e.from, e.to);
    }
    edges.sort_by(|a, b| {
        b.main
            .cmp(&a.main)
            .then(b.count.cmp(&a.count))
            .then_with(|| (a.from, a.to).cmp(&(b.from, b.to)))
    });
    Some(ProcessMap {
        cases: f.cases,
        unit: f.unit,
        activities: order.iter().map(|&a| f.activities[a].clone()).collect(),
        paths_shown: edges.len(),
        edges,
        main_path,
        activities_shown: n,
        activities_total: activities_total.max(n),
        paths_total: total,
        first_event: f.first_event,
        last_event: f.last_event,
    })
}

fn terminal(from: Endpoint, to: Endpoint, count: u64) -> ProcessEdge {
    ProcessEdge {
        from,
        to,
        count,
        median_seconds: None,
        mean_seconds: None,
        main: false,
    }
}

/// Which activities the kept moves reach from the start (`forward`) or reach the end from.
/// Index `n` stands for the start or the end itself.
fn reach(n: usize, edges: &[ProcessEdge], kept: &[bool], forward: bool) -> Vec<bool> {
    let mut reached = vec![false; n + 1];
    reached[n] = true;
    loop {
        let mut changed = false;
        for (e, _) in edges.iter().zip(kept).filter(|(_, k)| **k) {
            let (near, far) = if forward {
                (e.from, e.to)
            } else {
                (e.to, e.from)
            };
            if is_reached(&reached, near)
                && let Endpoint::Activity(b) = far
                && !reached[b]
            {
                reached[b] = true;
                changed = true;
            }
        }
        if !changed {
            return reached;
        }
    }
}

fn is_reached(reached: &[bool], p: Endpoint) -> bool {
    match p {
        Endpoint::Activity(a) => reached[a],
        Endpoint::Start | Endpoint::End => reached[reached.len() - 1],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::{DiscoverOptions, discover};
    use crate::history::{EventKind, History, MICROS_PER_SECOND};

    fn graph(deals: &[&[&str]]) -> Follows {
        let mut h = History::default();
        for (d, acts) in deals.iter().enumerate() {
            for (i, a) in acts.iter().enumerate() {
                h.push(
                    &format!("{d:03}"),
                    a,
                    i as i64 * 3_600 * MICROS_PER_SECOND,
                    EventKind::StageEntry,
                );
            }
        }
        Follows::of_discovery(&discover(&h, &DiscoverOptions::default()).unwrap())
    }

    fn show(m: &ProcessMap) -> Vec<String> {
        let name = |p: Endpoint| match p {
            Endpoint::Start => "▶".to_string(),
            Endpoint::End => "■".to_string(),
            Endpoint::Activity(a) => m.activities[a].name.clone(),
        };
        m.edges
            .iter()
            .map(|e| {
                format!(
                    "{}→{} {}{}",
                    name(e.from),
                    name(e.to),
                    e.count,
                    if e.main { " main" } else { "" }
                )
            })
            .collect()
    }

    #[test]
    fn all_paths_draw_every_move_and_the_main_path_follows_the_most_frequent() {
        let f = graph(&[
            &["a", "b", "c"],
            &["a", "b", "c"],
            &["a", "c"],
            &["a", "b", "a", "b", "c"],
        ]);
        let m = process_map(&f, 3, 1.0).unwrap();
        let path: Vec<&str> = m
            .main_path
            .iter()
            .map(|&a| m.activities[a].name.as_str())
            .collect();
        assert_eq!(path, ["a", "b", "c"]);
        assert_eq!(
            show(&m),
            [
                "▶→a 4 main",
                "a→b 4 main",
                "c→■ 4 main",
                "b→c 3 main",
                "a→c 1",
                "b→a 1"
            ]
        );
        assert_eq!((m.paths_shown, m.paths_total), (6, 6));
        let ab = &m.edges[1];
        assert_eq!(ab.median_seconds, Some(3_600.0));
    }

    #[test]
    fn the_paths_slider_keeps_the_map_connected() {
        // At 0 % only the moves that connect every activity to the start and the end stay.
        let f = graph(&[&["a", "b", "d"], &["a", "b", "d"], &["a", "c", "d"], &["e"]]);
        let m = process_map(&f, 5, 0.0).unwrap();
        assert_eq!(
            show(&m),
            [
                "▶→a 3 main",
                "d→■ 3 main",
                "a→b 2 main",
                "b→d 2 main",
                "▶→e 1",
                "a→c 1",
                "c→d 1",
                "e→■ 1"
            ]
        );
        // Every activity is reached from the start and reaches the end.
        let all = vec![true; m.edges.len()];
        assert!(
            reach(m.activities.len(), &m.edges, &all, true)
                .iter()
                .all(|&r| r)
        );
        assert!(
            reach(m.activities.len(), &m.edges, &all, false)
                .iter()
                .all(|&r| r)
        );
    }

    #[test]
    fn the_activities_slider_keeps_the_most_frequent() {
        let f = graph(&[&["a", "b", "c"], &["a", "b"], &["a"]]);
        assert_eq!(activities_kept(&f, 0.5), [true, true, false]);
        assert_eq!(activities_kept(&f, 0.0), [true, false, false]);
        assert_eq!(activities_kept(&f, 1.0), [true, true, true]);
        assert_eq!(slider_count(0.3, 10), 3);
        assert_eq!(slider_count(0.31, 10), 4);
    }
}
