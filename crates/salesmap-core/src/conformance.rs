//! Conformance: how each deal's journey departs from the map, and the as-is map beside the
//! designed one (R3, R12: "map what happens, not what you think should happen").
//!
//! A deal fits when every move between consecutive known stages is a transition of the map,
//! it starts at the map's start stage, every stage is known, and it is not stuck. Otherwise it
//! carries one or more [`DeviationKind`]s. A move the map lacks is a *skipped stage* when the
//! target lies ahead (further down the main path, or reachable through the map), a *backward
//! move* when it lies behind, and a *move not in the map* otherwise. *Stuck* means an open
//! deal has been in its current stage longer than the stage's target days.

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::Serialize;

use crate::history::{History, MICROS_PER_DAY};
use crate::journey::{Journey, Journeys};
use crate::map::{Map, StageIx};

/// Ways a deal departs from the map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviationKind {
    SkippedStage,
    BackwardMove,
    UnknownStage,
    MoveNotInMap,
    Stuck,
}

impl DeviationKind {
    pub const ALL: [DeviationKind; 5] = [
        DeviationKind::SkippedStage,
        DeviationKind::BackwardMove,
        DeviationKind::UnknownStage,
        DeviationKind::MoveNotInMap,
        DeviationKind::Stuck,
    ];

    pub fn label(self) -> &'static str {
        match self {
            DeviationKind::SkippedStage => "skipped stage",
            DeviationKind::BackwardMove => "backward move",
            DeviationKind::UnknownStage => "unknown stage",
            DeviationKind::MoveNotInMap => "move not in the map",
            DeviationKind::Stuck => "stuck",
        }
    }
}

/// Conformance of all deals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Conformance {
    pub deals: u64,
    /// Deals with no deviation.
    pub fitting: u64,
    pub fit_share: Option<f64>,
    /// Deals with at least one deviation of each kind (a deal may count under several).
    pub by_kind: Vec<KindCount>,
    /// Distinct deviations, most deals first.
    pub deviations: Vec<Deviation>,
    /// The as-is map beside the designed one.
    pub as_is: AsIs,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KindCount {
    pub kind: DeviationKind,
    pub deals: u64,
}

/// One distinct deviation, e.g. "skipped demo (qualify → proposal)".
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Deviation {
    pub kind: DeviationKind,
    pub description: String,
    /// Deals showing it.
    pub deals: u64,
    /// Up to three example deal ids, in deal-id order.
    pub examples: Vec<String>,
}

/// Transitions as the history uses them, against the map's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AsIs {
    /// Every map transition with its use.
    pub designed: Vec<MoveUse>,
    /// Moves the history makes that the map lacks, most deals first.
    pub not_in_map: Vec<MoveUse>,
    /// Map transitions no deal used.
    pub unused: Vec<(String, String)>,
    /// Stage names the map does not know, with their entry counts.
    pub unknown_stages: BTreeMap<String, u64>,
}

/// How a move `from → to` is used.
///
/// Two figures answer different questions and are labelled apart wherever they are shown:
/// `share` is where deals went *first* after entering `from` (the shares of all moves out
/// of a stage, in the map or not, add up to at most 100 %; the rest are still there or left
/// the history), and `conversion` is the funnel's cohort conversion (reached `to` at any
/// time afterwards, directly or not), for main-path moves only. Moves made again after a
/// deal came back to `from` (re-entries) are in `moves`, not in `share`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MoveUse {
    pub from: String,
    pub to: String,
    /// Times the move was made directly, re-entries included.
    pub moves: u64,
    /// Deals that made it directly at least once.
    pub deals: u64,
    /// Deals that reached `from`.
    pub reached_from: u64,
    /// Deals whose first move after first entering `from` was this one.
    pub first_exits: u64,
    /// `first_exits / reached_from`: the share drawn on the map's edges.
    pub share: Option<f64>,
    /// For main-path moves: of the deals that reached `from`, the share that entered `to`
    /// afterwards (directly or not), the funnel's conversion. `None` for other moves.
    pub conversion: Option<f64>,
}

const EXAMPLES: usize = 3;

/// Classifies every deal against the map and builds the as-is map.
pub fn conformance(map: &Map, history: &History, journeys: &Journeys) -> Conformance {
    let n = map.stages.len();
    let mut catalog = Catalog::new(map, history, journeys);
    let mut kind_deals = [0u64; 5];
    let mut fitting = 0;
    // Per catalog entry: deals showing it and up to EXAMPLES of their ids.
    let mut shown: Vec<(u64, Vec<String>)> = Vec::new();
    // Per (from, to) stage pair: direct moves, deals making them, and deals that entered
    // `to` after first entering `from`; a pair's stamp is the last deal counted.
    let cell = |a: StageIx, b: StageIx| a.index() * n + b.index();
    let mut moves = vec![(0u64, 0u64); n * n];
    let mut move_stamp = vec![usize::MAX; n * n];
    let mut then_reached = vec![0u64; n * n];
    let mut reached = vec![0u64; n];
    let mut found: Vec<u32> = Vec::new();
    let mut first_at = vec![None; n];
    let mut last_at = vec![None; n];
    // Per (from, to): deals whose first move out of `from` went to `to` (sparse: most pairs
    // never occur).
    let mut first_exits: BTreeMap<(StageIx, StageIx), u64> = BTreeMap::new();
    let mut exited = vec![usize::MAX; n];

    for (d, j) in journeys.deals.iter().enumerate() {
        found.clear();
        catalog.deal_deviations(j, &mut found);
        found.sort_unstable();
        found.dedup();
        if found.is_empty() {
            fitting += 1;
        }
        let mut kinds = 0u8;
        for &f in &found {
            kinds |= 1 << catalog.entries[f as usize].0 as u8;
        }
        for k in DeviationKind::ALL {
            kind_deals[k as usize] += u64::from(kinds >> k as u8 & 1);
        }
        if shown.len() < catalog.entries.len() {
            shown.resize_with(catalog.entries.len(), Default::default);
        }
        for &f in &found {
            let entry = &mut shown[f as usize];
            entry.0 += 1;
            if entry.1.len() < EXAMPLES {
                entry.1.push(history.deals.name(j.deal).to_string());
            }
        }
        // As-is moves, first exits and cohort reach. Every entry but the first is a move
        // out of the stage before it; the first move out of each stage is its first exit.
        for w in j.entries.windows(2) {
            let Some(a) = w[0].stage else { continue };
            let first = std::mem::replace(&mut exited[a.index()], d) != d;
            if let Some(b) = w[1].stage {
                let c = cell(a, b);
                moves[c].0 += 1;
                if std::mem::replace(&mut move_stamp[c], d) != d {
                    moves[c].1 += 1;
                }
                if first {
                    *first_exits.entry((a, b)).or_default() += 1;
                }
            }
        }
        first_at.fill(None);
        last_at.fill(None);
        for e in &j.entries {
            if let Some(s) = e.stage {
                first_at[s.index()].get_or_insert(e.time);
                last_at[s.index()] = Some(e.time);
            }
        }
        for (i, f) in first_at.iter().enumerate() {
            if f.is_some() {
                reached[i] += 1;
            }
        }
        for t in &map.transitions {
            if let (Some(a), Some(b)) = (first_at[t.from.index()], last_at[t.to.index()])
                && b >= a
            {
                then_reached[cell(t.from, t.to)] += 1;
            }
        }
    }

    let id = |s: StageIx| map.stage(s).id.clone();
    let use_of = |a: StageIx, b: StageIx, conversion: bool| {
        let (m, d) = moves[cell(a, b)];
        let from = reached[a.index()];
        let first = first_exits.get(&(a, b)).copied().unwrap_or(0);
        MoveUse {
            from: id(a),
            to: id(b),
            moves: m,
            deals: d,
            reached_from: from,
            first_exits: first,
            share: (from > 0).then(|| first as f64 / from as f64),
            conversion: (conversion && from > 0)
                .then(|| then_reached[cell(a, b)] as f64 / from as f64),
        }
    };
    let designed: Vec<MoveUse> = map
        .transitions
        .iter()
        .map(|t| use_of(t.from, t.to, t.kind == crate::map::TransitionKind::Next))
        .collect();
    let unused = designed
        .iter()
        .filter(|u| u.moves == 0)
        .map(|u| (u.from.clone(), u.to.clone()))
        .collect();
    let mut not_in_map: Vec<MoveUse> = map
        .stage_ixs()
        .flat_map(|a| map.stage_ixs().map(move |b| (a, b)))
        .filter(|&(a, b)| moves[cell(a, b)].0 > 0 && !map.allows(a, b))
        .map(|(a, b)| use_of(a, b, false))
        .collect();
    not_in_map.sort_by_key(|m| std::cmp::Reverse(m.deals));
    // Distinct deviations in (kind, description) order, then most deals first.
    let mut deviations: Vec<Deviation> = catalog
        .entries
        .into_iter()
        .zip(shown)
        .filter(|(_, (deals, _))| *deals > 0)
        .map(|((kind, description), (deals, examples))| Deviation {
            kind,
            description,
            deals,
            examples,
        })
        .collect();
    deviations.sort_by(|a, b| (a.kind, &a.description).cmp(&(b.kind, &b.description)));
    deviations.sort_by_key(|d| std::cmp::Reverse(d.deals));
    let deals = journeys.deals.len() as u64;
    Conformance {
        deals,
        fitting,
        fit_share: (deals > 0).then(|| fitting as f64 / deals as f64),
        by_kind: DeviationKind::ALL
            .iter()
            .map(|&kind| KindCount {
                kind,
                deals: kind_deals[kind as usize],
            })
            .collect(),
        deviations,
        as_is: AsIs {
            designed,
            not_in_map,
            unused,
            unknown_stages: journeys.unknown_stages.clone(),
        },
    }
}

/// Every distinct deviation met so far, numbered, with what each stage pair, first stage,
/// unknown activity and stuck stage means worked out once rather than once per deal.
struct Catalog<'a> {
    map: &'a Map,
    history: &'a History,
    journeys: &'a Journeys,
    /// Each stage's main-path position.
    pos: &'a [Option<usize>],
    /// (kind, description) by number.
    entries: Vec<(DeviationKind, String)>,
    numbers: HashMap<(DeviationKind, String), u32>,
    /// Per (from, to) stage pair: `Some(None)` when the move is fine, `Some(Some(n))` when it
    /// is deviation `n`, `None` until first met.
    moves: Vec<Option<Option<u32>>>,
    /// Per stage: the deviation of starting there, as for moves.
    starts: Vec<Option<Option<u32>>>,
    /// Per activity code: the deviation of an entry into it when it is unknown.
    unknown: Vec<Option<u32>>,
    /// Per stage: the deviation of being stuck in it.
    stuck: Vec<Option<u32>>,
}

impl<'a> Catalog<'a> {
    fn new(map: &'a Map, history: &'a History, journeys: &'a Journeys) -> Catalog<'a> {
        let n = map.stages.len();
        Catalog {
            map,
            history,
            journeys,
            pos: &journeys.main_path.position,
            entries: Vec::new(),
            numbers: HashMap::new(),
            moves: vec![None; n * n],
            starts: vec![None; n],
            unknown: vec![None; history.activities.len()],
            stuck: vec![None; n],
        }
    }

    fn number(&mut self, kind: DeviationKind, description: String) -> u32 {
        let next = self.entries.len() as u32;
        let n = *self
            .numbers
            .entry((kind, description.clone()))
            .or_insert(next);
        if n == next {
            self.entries.push((kind, description));
        }
        n
    }

    /// Pushes the numbers of deal `j`'s deviations (repeats included) onto `found`.
    fn deal_deviations(&mut self, j: &Journey, found: &mut Vec<u32>) {
        let map = self.map;
        let id = |s: StageIx| map.stage(s).id.as_str();
        for e in &j.entries {
            if e.stage.is_none() {
                let f = match self.unknown[e.activity as usize] {
                    Some(f) => f,
                    None => {
                        let name = self.history.activities.name(e.activity);
                        let f = self.number(
                            DeviationKind::UnknownStage,
                            format!("unknown stage \"{name}\""),
                        );
                        self.unknown[e.activity as usize] = Some(f);
                        f
                    }
                };
                found.push(f);
            }
        }
        if let Some(first) = j.entries.iter().find_map(|e| e.stage) {
            let start = match self.starts[first.index()] {
                Some(start) => start,
                None => {
                    let start = (first != map.start
                        && shortest_path(map, map.start, first).is_some())
                    .then(|| {
                        self.number(
                            DeviationKind::SkippedStage,
                            format!("started at {}, not at {}", id(first), id(map.start)),
                        )
                    });
                    self.starts[first.index()] = Some(start);
                    start
                }
            };
            found.extend(start);
        }
        let n = map.stages.len();
        for w in j.entries.windows(2) {
            let (Some(a), Some(b)) = (w[0].stage, w[1].stage) else {
                continue;
            };
            let c = a.index() * n + b.index();
            let deviation = match self.moves[c] {
                Some(deviation) => deviation,
                None => {
                    let deviation = self
                        .describe_move(a, b)
                        .map(|(kind, description)| self.number(kind, description));
                    self.moves[c] = Some(deviation);
                    deviation
                }
            };
            found.extend(deviation);
        }
        if let Some(cur) = j.current()
            && let Some(s) = cur.stage
            && map.outcome(s).is_none()
            && let Some(target) = map.stage(s).target_days
            && (self.journeys.as_of - cur.time) as f64 > target * MICROS_PER_DAY as f64
        {
            let f = match self.stuck[s.index()] {
                Some(f) => f,
                None => {
                    let f = self.number(
                        DeviationKind::Stuck,
                        format!("stuck in {} (over {target} days)", id(s)),
                    );
                    self.stuck[s.index()] = Some(f);
                    f
                }
            };
            found.push(f);
        }
    }

    /// What the move `a → b` between known stages is, when the map does not allow it.
    fn describe_move(&self, a: StageIx, b: StageIx) -> Option<(DeviationKind, String)> {
        let map = self.map;
        if map.allows(a, b) {
            return None;
        }
        let id = |s: StageIx| map.stage(s).id.as_str();
        let ahead = match (self.pos[a.index()], self.pos[b.index()]) {
            (Some(pa), Some(pb)) => Some(pb > pa),
            _ if shortest_path(map, a, b).is_some() => Some(true),
            _ if shortest_path(map, b, a).is_some() => Some(false),
            _ => None,
        };
        Some(match ahead {
            Some(true) => {
                let between: Vec<&str> = match shortest_path(map, a, b) {
                    Some(path) => path[1..path.len() - 1].iter().map(|&s| id(s)).collect(),
                    None => Vec::new(),
                };
                let what = if between.is_empty() {
                    "stages".to_string()
                } else {
                    between.join(", ")
                };
                (
                    DeviationKind::SkippedStage,
                    format!("skipped {what} ({} → {})", id(a), id(b)),
                )
            }
            Some(false) => (
                DeviationKind::BackwardMove,
                format!("backward move {} → {}", id(a), id(b)),
            ),
            None => (
                DeviationKind::MoveNotInMap,
                format!("move not in the map {} → {}", id(a), id(b)),
            ),
        })
    }
}

/// The shortest chain of map transitions from `a` to `b` (both included, `a ≠ b`), by
/// breadth-first search in transition order so the answer is deterministic.
fn shortest_path(map: &Map, a: StageIx, b: StageIx) -> Option<Vec<StageIx>> {
    if a == b {
        return None;
    }
    let mut prev: Vec<Option<StageIx>> = vec![None; map.stages.len()];
    let mut queue = VecDeque::from([a]);
    while let Some(s) = queue.pop_front() {
        for t in map.outgoing(s) {
            if t.to != a && prev[t.to.index()].is_none() {
                prev[t.to.index()] = Some(s);
                queue.push_back(t.to);
            }
        }
    }
    prev[b.index()]?;
    let mut path = vec![b];
    let mut at = b;
    while let Some(p) = prev[at.index()] {
        path.push(p);
        if p == a {
            break;
        }
        at = p;
    }
    path.reverse();
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::tests::{day, history, test_map};
    use expect_test::expect;

    fn check(events: &str, expect: expect_test::Expect) {
        let map = test_map();
        let h = history(events);
        let js = Journeys::build(&map, &h, day(30.0));
        let c = conformance(&map, &h, &js);
        let mut out = format!(
            "deals={} fitting={} share={:?}\n",
            c.deals, c.fitting, c.fit_share
        );
        for k in c.by_kind.iter().filter(|k| k.deals > 0) {
            out += &format!("{}: {}\n", k.kind.label(), k.deals);
        }
        for d in &c.deviations {
            out += &format!(
                "  {} deals={} e.g. {}\n",
                d.description,
                d.deals,
                d.examples.join(",")
            );
        }
        for m in &c.as_is.not_in_map {
            out += &format!(
                "not in map {}>{} moves={} deals={} first={}\n",
                m.from, m.to, m.moves, m.deals, m.first_exits
            );
        }
        let used: Vec<String> = c
            .as_is
            .designed
            .iter()
            .filter(|m| m.moves > 0)
            .map(|m| {
                let conversion = m.conversion.map_or("-".into(), |c| format!("{c:.2}"));
                format!(
                    "{}>{} {}/{} first={} share={:.2} conv={conversion}",
                    m.from,
                    m.to,
                    m.deals,
                    m.reached_from,
                    m.first_exits,
                    m.share.unwrap_or(-1.0),
                )
            })
            .collect();
        out += &format!("used: {}\n", used.join("; "));
        out += &format!("unused: {}", c.as_is.unused.len());
        expect.assert_eq(&out);
    }

    #[test]
    fn fitting_deals() {
        check(
            "a lead 0; a qualify 1; a nurture 2; a qualify 3; a lost 4; b lead 0; b disqualified 1",
            expect![[r#"
                deals=2 fitting=2 share=Some(1.0)
                used: lead>qualify 1/2 first=1 share=0.50 conv=0.50; qualify>nurture 1/1 first=1 share=1.00 conv=-; nurture>qualify 1/1 first=1 share=1.00 conv=-; qualify>lost 1/1 first=0 share=0.00 conv=-; lead>disqualified 1/2 first=1 share=0.50 conv=-
                unused: 7"#]],
        );
    }

    #[test]
    fn every_kind_of_deviation() {
        check(
            "a lead 0; a qualify 1; a proposal 2; a won 3; \
             b lead 0; b qualify 1; b demo 2; b qualify 3; b lost 4; \
             c lead 0; c Pricing 1; c lost 2; \
             d lead 0; d disqualified 1; d demo 2; d lost 3; \
             e lead 0; e qualify 1; e demo 2; \
             f demo 29.5; f lost 29.9",
            expect![[r#"
                deals=6 fitting=0 share=Some(0.0)
                skipped stage: 2
                backward move: 1
                unknown stage: 1
                move not in the map: 1
                stuck: 1
                  skipped demo (qualify → proposal) deals=1 e.g. a
                  started at demo, not at lead deals=1 e.g. f
                  backward move demo → qualify deals=1 e.g. b
                  unknown stage "Pricing" deals=1 e.g. c
                  move not in the map disqualified → demo deals=1 e.g. d
                  stuck in demo (over 10 days) deals=1 e.g. e
                not in map qualify>proposal moves=1 deals=1 first=1
                not in map demo>qualify moves=1 deals=1 first=1
                not in map disqualified>demo moves=1 deals=1 first=1
                used: lead>qualify 3/5 first=3 share=0.60 conv=0.60; qualify>demo 2/3 first=2 share=0.67 conv=0.67; proposal>won 1/1 first=1 share=1.00 conv=1.00; qualify>lost 1/3 first=0 share=0.00 conv=-; demo>lost 2/4 first=2 share=0.50 conv=-; lead>disqualified 1/5 first=1 share=0.20 conv=-
                unused: 6"#]],
        );
    }
}
