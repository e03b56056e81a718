//! [`Journeys`]: each deal's path through a [`Map`], read from a [`History`] as of an instant.
//!
//! This is the one place where history meets the map; every map-based analysis (funnel,
//! timing, conformance, fast vs slow, triggers, forecast) reads journeys, never raw rows.
//! A stage entry's activity is resolved with [`Map::resolve_name`] (id, name or alias) once
//! per distinct activity and rolled up to its top-level stage (sub-stages count for their
//! parent, R8). An entry into the stage the deal is already in is not a move and is dropped
//! from the path (its row is still counted in [`Journeys::repeated_entries`]). Entries whose
//! name the map does not know stay in the path as unknown, so conformance can report them.
//! Events after `as_of` are ignored: the analysis sees the history as it stood then. The
//! journeys also carry the map's [`MainPath`] (the main path, each stage's position on it, the
//! won stage), worked out once here so the analyses that measure along it do not each redo it.
//!
//! Deals are listed in deal-id order (the PM4Py order), so every output is deterministic.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::history::{Column, EventKind, History, Micros};
use crate::map::{MainPath, Map, Outcome, StageIx, StageKind};

/// Deal attribute names read as the deal's amount, in order of preference.
pub const AMOUNT_ATTRS: [&str; 3] = ["amount", "value", "deal value"];
/// Deal attribute names read as the reason a deal was lost.
pub const LOST_REASON_ATTRS: [&str; 3] = ["lost_reason", "lost reason", "lostreason"];
/// Event attribute names read as the owner of a stage entry.
pub const OWNER_ATTRS: [&str; 3] = ["owner", "org:resource", "user"];

/// Where a deal stands as of the analysis instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Not won and not in a terminal outcome.
    Open,
    /// Entered a stage that marks the sale as won (a won milestone or a `won` outcome).
    Won,
    /// Its last stage entry is a `lost` outcome and it was never won.
    Lost,
    /// Its last stage entry is a `disqualified` outcome and it was never won.
    Disqualified,
}

/// One entry on a deal's path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The top-level stage entered, `None` when the map does not know the activity.
    pub stage: Option<StageIx>,
    /// The activity code in the history (the name as written there).
    pub activity: u32,
    pub time: Micros,
    /// The event row in the history.
    pub row: u32,
}

/// A deal's path through the map.
#[derive(Clone, Debug, PartialEq)]
pub struct Journey {
    /// Deal code in [`History::deals`].
    pub deal: u32,
    /// Stage entries in time order, moves only (see the module docs).
    pub entries: Vec<Entry>,
    /// Touches as (activity code, time), in time order.
    pub touches: Vec<(u32, Micros)>,
    pub status: Status,
    /// First entry into a stage that marks the sale as won.
    pub won_at: Option<Micros>,
    /// When the deal entered a `churned` outcome after being won.
    pub churned_at: Option<Micros>,
    /// The deal's amount, when it has a readable one.
    pub amount: Option<f64>,
    /// Open so long that it is no longer live pipeline ([`crate::aging`]); set by
    /// [`crate::aging::mark`], `false` until then.
    pub aged: bool,
}

impl Journey {
    /// The deal's first stage entry into a known stage: where its clock starts. This is the
    /// entry into the map's start stage when there is one, else the first known entry (a
    /// deal recorded from mid-funnel on).
    pub fn start(&self, map: &Map) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.stage == Some(map.start))
            .or_else(|| self.entries.iter().find(|e| e.stage.is_some()))
    }

    /// The stage the deal is in now: its last entry (`None` when that entry is unknown or
    /// there is none).
    pub fn current(&self) -> Option<&Entry> {
        self.entries.last()
    }

    /// Whether the deal is closed (won, lost or disqualified).
    pub fn is_closed(&self) -> bool {
        self.status != Status::Open
    }
}

/// A deal attribute value that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BadValue {
    pub deal: String,
    pub attribute: String,
    pub value: String,
}

/// Every deal's journey, plus what did not fit, and the map's main path they are measured
/// along.
#[derive(Clone, Debug, PartialEq)]
pub struct Journeys {
    pub deals: Vec<Journey>,
    /// The map's main path and won stage, worked out once for every analysis of these journeys.
    pub main_path: MainPath,
    /// The analysis instant.
    pub as_of: Micros,
    /// For each history activity code: the top-level stage it resolves to.
    pub activity_stage: Vec<Option<StageIx>>,
    /// Stage-entry names the map does not know, with their entry counts.
    pub unknown_stages: BTreeMap<String, u64>,
    /// Stage entries into the stage the deal was already in (not moves).
    pub repeated_entries: u64,
    /// Events after `as_of`, left out.
    pub after_as_of: u64,
    /// Amounts that are not numbers.
    pub bad_amounts: Vec<BadValue>,
    /// Whether the history has touches at all.
    pub has_touches: bool,
    /// Whether any deal entered a `lost` outcome: without one, the export does not record
    /// losses and a win rate cannot be measured.
    pub lost_recorded: bool,
    /// Whether any deal entered a `churned` outcome: without one, churn is not recorded.
    pub churn_recorded: bool,
}

impl Journeys {
    /// Reads every deal's journey through `map` from `history`, as of `as_of`.
    ///
    /// Deals are read in two halves on two threads (the halves are joined in order, so the
    /// result is the same as reading them one by one); each distinct amount is parsed once.
    pub fn build(map: &Map, history: &History, as_of: Micros) -> Journeys {
        Journeys::build_split(map, history, as_of, 10_000)
    }

    /// [`Journeys::build`], splitting the deals in two from `split_from` deals on.
    fn build_split(map: &Map, history: &History, as_of: Micros, split_from: usize) -> Journeys {
        let activity_stage: Vec<Option<StageIx>> = history
            .activities
            .names()
            .iter()
            .map(|name| map.resolve_name(name).map(|ix| map.top_ancestor(ix)))
            .collect();
        let amount_col = AMOUNT_ATTRS.iter().find_map(|n| history.deal_attr(n));
        let amounts: Vec<Option<f64>> = amount_col.map_or_else(Vec::new, |col| {
            col.dict.names().iter().map(|v| parse_amount(v)).collect()
        });
        let reader = DealReader {
            map,
            history,
            as_of,
            activity_stage: &activity_stage,
            amount_col,
            amounts: &amounts,
        };
        let order = history.deal_order();
        let cases = history.cases(&order);
        let half = if cases.len() >= split_from.max(2) {
            cases.len() / 2
        } else {
            cases.len()
        };
        let (first, second) = cases.split_at(half);
        let (mut read, rest) = std::thread::scope(|scope| {
            let other = (!second.is_empty()).then(|| scope.spawn(|| reader.read(second)));
            let read = reader.read(first);
            (
                read,
                other.map(|h| h.join().expect("a journey thread panicked")),
            )
        });
        if let Some(rest) = rest {
            read.append(rest);
        }
        let mut journeys = Journeys {
            deals: read.deals,
            main_path: MainPath::of(map),
            as_of,
            activity_stage,
            unknown_stages: BTreeMap::new(),
            repeated_entries: read.repeated_entries,
            after_as_of: read.after_as_of,
            bad_amounts: read.bad_amounts,
            has_touches: history.kind.contains(&EventKind::Touch),
            lost_recorded: false,
            churn_recorded: false,
        };
        let entered = |outcome: Outcome| {
            journeys.deals.iter().any(|j| {
                j.entries
                    .iter()
                    .any(|e| e.stage.and_then(|s| map.outcome(s)) == Some(outcome))
            })
        };
        journeys.lost_recorded = entered(Outcome::Lost);
        journeys.churn_recorded = entered(Outcome::Churned);
        for (code, &n) in read.unknown_counts.iter().enumerate() {
            if n > 0 {
                let name = history.activities.name(code as u32).to_string();
                journeys.unknown_stages.insert(name, n);
            }
        }
        journeys
    }
}

/// What reading a run of deals gives; runs read apart are appended in order.
struct DealsRead {
    deals: Vec<Journey>,
    unknown_counts: Vec<u64>,
    repeated_entries: u64,
    after_as_of: u64,
    bad_amounts: Vec<BadValue>,
}

impl DealsRead {
    fn append(&mut self, other: DealsRead) {
        self.deals.extend(other.deals);
        for (a, b) in self.unknown_counts.iter_mut().zip(other.unknown_counts) {
            *a += b;
        }
        self.repeated_entries += other.repeated_entries;
        self.after_as_of += other.after_as_of;
        self.bad_amounts.extend(other.bad_amounts);
    }
}

/// Reads deals' journeys; shared by the threads of [`Journeys::build`].
struct DealReader<'a> {
    map: &'a Map,
    history: &'a History,
    as_of: Micros,
    activity_stage: &'a [Option<StageIx>],
    amount_col: Option<&'a Column>,
    /// Each amount value's reading, by dictionary code.
    amounts: &'a [Option<f64>],
}

impl DealReader<'_> {
    fn read(&self, cases: &[&[u32]]) -> DealsRead {
        let history = self.history;
        let mut out = DealsRead {
            deals: Vec::with_capacity(cases.len()),
            unknown_counts: vec![0; history.activities.len()],
            repeated_entries: 0,
            after_as_of: 0,
            bad_amounts: Vec::new(),
        };
        for rows in cases {
            let deal = history.deal[rows[0] as usize];
            let mut j = Journey {
                deal,
                entries: Vec::new(),
                touches: Vec::new(),
                status: Status::Open,
                won_at: None,
                churned_at: None,
                amount: None,
                aged: false,
            };
            for &row in *rows {
                let r = row as usize;
                let time = history.time[r];
                if time > self.as_of {
                    out.after_as_of += 1;
                    continue;
                }
                let activity = history.activity[r];
                if history.kind[r] == EventKind::Touch {
                    j.touches.push((activity, time));
                    continue;
                }
                let stage = self.activity_stage[activity as usize];
                if stage.is_none() {
                    out.unknown_counts[activity as usize] += 1;
                }
                if stage.is_some() && j.entries.last().is_some_and(|e| e.stage == stage) {
                    out.repeated_entries += 1;
                    continue;
                }
                j.entries.push(Entry {
                    stage,
                    activity,
                    time,
                    row,
                });
            }
            if j.entries.is_empty() && j.touches.is_empty() {
                continue;
            }
            classify(self.map, &mut j);
            if let Some(col) = self.amount_col {
                match col.codes.get(deal as usize).copied().unwrap_or(0) {
                    0 => {}
                    code => match self.amounts[code as usize - 1] {
                        Some(a) => j.amount = Some(a),
                        None => out.bad_amounts.push(BadValue {
                            deal: history.deals.name(deal).to_string(),
                            attribute: col.name.clone(),
                            value: col.dict.name(code - 1).to_string(),
                        }),
                    },
                }
            }
            out.deals.push(j);
        }
        out
    }
}

/// Sets status, won and churn times from the path.
fn classify(map: &Map, j: &mut Journey) {
    for e in &j.entries {
        let Some(stage) = e.stage else { continue };
        if j.won_at.is_none() && map.marks_won(stage) {
            j.won_at = Some(e.time);
        }
        if j.won_at.is_some()
            && j.churned_at.is_none()
            && map.stage(stage).kind == StageKind::Outcome(Outcome::Churned)
        {
            j.churned_at = Some(e.time);
        }
    }
    j.status = if j.won_at.is_some() {
        Status::Won
    } else {
        match j
            .current()
            .and_then(|e| e.stage)
            .and_then(|s| map.outcome(s))
        {
            Some(Outcome::Lost) => Status::Lost,
            Some(Outcome::Disqualified) => Status::Disqualified,
            _ => Status::Open,
        }
    };
}

/// Reads an amount such as `12000`, `12,000.50` or `₩ 3 000 000`: digits with an optional
/// sign and decimal point; thousands separators (`,`, `_`, spaces) and a currency symbol or
/// code around the number are ignored.
pub fn parse_amount(raw: &str) -> Option<f64> {
    let cleaned: String = raw
        .trim()
        .trim_matches(|c: char| c.is_alphabetic() || "$€£¥₩ ".contains(c))
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' ' | '\u{a0}'))
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::history::MICROS_PER_DAY;
    use crate::map::{Transition, TransitionKind};
    use crate::text::Text;

    #[test]
    fn reading_deals_in_two_halves_gives_what_one_pass_gives() {
        let map = test_map();
        let options = crate::generate::GenerateOptions {
            deals: 300,
            seed: 3,
            start: 0,
            days: 365,
        };
        let history = crate::generate::generate(&map, &options);
        let as_of = 200 * MICROS_PER_DAY; // some events after it, some deals open
        let whole = Journeys::build_split(&map, &history, as_of, usize::MAX);
        let halves = Journeys::build_split(&map, &history, as_of, 2);
        assert!(whole.after_as_of > 0 && whole.deals.len() > 100);
        assert_eq!(halves, whole);
    }

    /// A small map used by the analysis tests:
    /// lead → qualify → demo → proposal → won(milestone) → onboard, with
    /// qualify → nurture → qualify, qualify/demo/proposal → lost, lead → disqualified,
    /// onboard → churned. `demo` has a sub-stage `demo-call`.
    pub(crate) fn test_map() -> Map {
        let stage =
            |id: &str, kind: StageKind, target: Option<f64>, owner: &str| crate::map::Stage {
                target_days: target,
                owners: vec![owner.into()],
                ..crate::map::Stage::new(id, Text::new("en", id.to_uppercase()), kind)
            };
        let mut stages = vec![
            stage("lead", StageKind::Step, Some(2.0), "marketing"),
            stage("qualify", StageKind::Step, Some(5.0), "sales"),
            stage("demo", StageKind::Step, Some(10.0), "sales"),
            stage("proposal", StageKind::Step, Some(10.0), "sales"),
            stage("won", StageKind::WonMilestone, None, "sales"),
            stage("onboard", StageKind::Step, Some(30.0), "cs"),
            stage("nurture", StageKind::Step, None, "marketing"),
            stage("lost", StageKind::Outcome(Outcome::Lost), None, "sales"),
            stage(
                "disqualified",
                StageKind::Outcome(Outcome::Disqualified),
                None,
                "sales",
            ),
            stage("churned", StageKind::Outcome(Outcome::Churned), None, "cs"),
            stage("demo-call", StageKind::Step, None, "sales"),
        ];
        stages[10].parent = Some(StageIx(2));
        stages[3].aliases = vec!["Proposal Sent".into()];
        stages[3].probability = Some(0.5);
        let t = |from: u32, to: u32, kind| Transition {
            from: StageIx(from),
            to: StageIx(to),
            kind,
            when: None,
            answer: None,
        };
        use TransitionKind::{Branch, Next};
        Map {
            name: Text::new("en", "Test"),
            language: "en".into(),
            version: None,
            description: None,
            start: StageIx(0),
            goal: None,
            kpis: vec![],
            phases: vec![],
            stages,
            transitions: vec![
                t(0, 1, Next),
                t(1, 2, Next),
                t(2, 3, Next),
                t(3, 4, Next),
                t(4, 5, Next),
                t(1, 6, Branch),
                t(6, 1, Branch),
                t(1, 7, Branch),
                t(2, 7, Branch),
                t(3, 7, Branch),
                t(0, 8, Branch),
                t(5, 9, Branch),
            ],
        }
    }

    /// Builds a history from `deal stage day` stage entries (`+type` for a touch), separated
    /// by `;`. Deal attributes follow the day as `key=value`.
    pub(crate) fn history(events: &str) -> History {
        let mut h = History::default();
        for event in events.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let parts: Vec<&str> = event.split_whitespace().collect();
            let days: f64 = parts[2].parse().unwrap();
            let time = (days * MICROS_PER_DAY as f64) as i64;
            let (kind, name) = match parts[1].strip_prefix('+') {
                Some(touch) => (EventKind::Touch, touch),
                None => (EventKind::StageEntry, parts[1]),
            };
            let row = h.push(parts[0], name, time, kind);
            for kv in &parts[3..] {
                let (k, v) = kv.split_once('=').unwrap();
                if k == "owner" {
                    h.set_event_attr(row, k, v);
                } else {
                    h.set_deal_attr(parts[0], k, v);
                }
            }
        }
        h
    }

    pub(crate) fn day(d: f64) -> Micros {
        (d * MICROS_PER_DAY as f64) as i64
    }

    fn render(map: &Map, h: &History, js: &Journeys) -> String {
        let mut out = String::new();
        for j in &js.deals {
            let path: Vec<String> = j
                .entries
                .iter()
                .map(|e| match e.stage {
                    Some(s) => map.stage(s).id.clone(),
                    None => format!("?{}", h.activities.name(e.activity)),
                })
                .collect();
            out += &format!(
                "{} {:?} [{}] touches={} won={:?} churned={:?} amount={:?}\n",
                h.deals.name(j.deal),
                j.status,
                path.join(" "),
                j.touches.len(),
                j.won_at.map(|t| t / MICROS_PER_DAY),
                j.churned_at.map(|t| t / MICROS_PER_DAY),
                j.amount
            );
        }
        out += &format!(
            "unknown {:?} repeated={} after_as_of={} bad_amounts={:?}",
            js.unknown_stages, js.repeated_entries, js.after_as_of, js.bad_amounts
        );
        out
    }

    fn check(events: &str, as_of: f64, expect: expect_test::Expect) {
        let map = test_map();
        let h = history(events);
        let js = Journeys::build(&map, &h, day(as_of));
        expect.assert_eq(&render(&map, &h, &js));
    }

    use expect_test::expect;

    #[test]
    fn statuses_sub_stages_aliases_and_unknown_names() {
        check(
            "a lead 0 amount=1,200; a qualify 1; a demo-call 2; a Proposal_Sent 3; \
             b lead 0 amount=n/a; b QUALIFY 2; b lost 4; \
             c lead 0; c disqualified 1; \
             d lead 0; d qualify 1; d won 5; d onboard 6; d churned 40; \
             e lead 0; e Pricing 1; e +call 1.5; e lead 2; e lead 3",
            100.0,
            expect![[r#"
                a Open [lead qualify demo ?Proposal_Sent] touches=0 won=None churned=None amount=Some(1200.0)
                b Lost [lead qualify lost] touches=0 won=None churned=None amount=None
                c Disqualified [lead disqualified] touches=0 won=None churned=None amount=None
                d Won [lead qualify won onboard churned] touches=0 won=Some(5) churned=Some(40) amount=None
                e Open [lead ?Pricing lead] touches=1 won=None churned=None amount=None
                unknown {"Pricing": 1, "Proposal_Sent": 1} repeated=1 after_as_of=0 bad_amounts=[BadValue { deal: "b", attribute: "amount", value: "n/a" }]"#]],
        );
    }

    #[test]
    fn as_of_hides_later_events() {
        check(
            "a lead 0; a qualify 1; a lost 9",
            5.0,
            expect![[r#"
                a Open [lead qualify] touches=0 won=None churned=None amount=None
                unknown {} repeated=0 after_as_of=1 bad_amounts=[]"#]],
        );
    }

    #[test]
    fn amounts() {
        let cases = [
            ("12000", Some(12000.0)),
            ("12,000.50", Some(12000.5)),
            ("₩ 3 000 000", Some(3_000_000.0)),
            ("USD 40", Some(40.0)),
            ("-5", Some(-5.0)),
            ("", None),
            ("abc", None),
            ("1.2.3", None),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_amount(raw), want, "{raw}");
        }
    }
}
