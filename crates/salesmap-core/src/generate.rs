//! [`generate`]: a realistic synthetic history for a map, deterministic for a seed, with a
//! few planted effects that `analyze` must find.
//!
//! Each deal starts at the map's start stage on a day spread over the window and walks the
//! map: from each stage it takes the main-path `next` transition with a stage-dependent
//! chance, else a branch (to a `lost` or `disqualified` outcome with a lost reason, or to a
//! non-outcome stage such as nurture, which loops back and re-enters the funnel). Won deals
//! carry on through the post-sale stages and may churn. Stays last a multiple of the stage's
//! target days; touches (`email`, `call`, `meeting`, `case-study`) fall inside stays; owners
//! come from the map's stage owners; deals have an amount (by segment), a segment, a source
//! and a time zone, and their events fall in that zone's working hours. Events after the
//! window's end are not written, so recent deals are open.
//!
//! Planted effects (docs/metrics.md lists them with the figures that show them):
//! 1. **A faster segment**: `segment = smb` deals spend half as long in every stage.
//! 2. **A trigger that lifts conversion**: a `case-study` touch during a stay raises the
//!    chance of taking the `next` transition from that stage by 0.25.
//! 3. **Referrals skip a stage**: `source = referral` deals skip the main-path stage two
//!    after the first stage with a branch (`discovery` in the B2B template) 60 % of the
//!    time, other deals 5 %.
//!
//! The random source is a SplitMix64 stream and every draw uses integer or basic float
//! arithmetic only, so a seed gives the same history on every platform.

use crate::history::{EventKind, History, MICROS_PER_DAY, Micros};
use crate::map::{MainPath, Map, Outcome, StageIx, StageKind, TransitionKind};

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct GenerateOptions {
    pub deals: usize,
    pub seed: u64,
    /// First day deals may start.
    pub start: Micros,
    /// Length of the window in days; deals start uniformly over its first 85 %.
    pub days: u32,
}

/// The chance increase a `case-study` touch gives (planted effect 2).
pub const CASE_STUDY_LIFT: f64 = 0.25;
/// Stay-length factor of `smb` deals (planted effect 1).
pub const SMB_SPEED: f64 = 0.5;
/// Chance that a referral deal skips the planted stage (planted effect 3), and other deals.
pub const REFERRAL_SKIP: f64 = 0.6;
pub const OTHER_SKIP: f64 = 0.05;
/// Chance that a customer in a last stage with a churn branch churns.
pub const CHURN: f64 = 0.12;

const SEGMENTS: [(&str, f64, f64, u32); 3] = [
    // name, amount low, amount high, weight
    ("smb", 3_000.0, 10_000.0, 5),
    ("mid-market", 10_000.0, 30_000.0, 3),
    ("enterprise", 30_000.0, 90_000.0, 2),
];
const SOURCES: [(&str, u32); 4] = [("web", 4), ("outbound", 3), ("referral", 2), ("event", 1)];
/// Time zone name and its UTC offset in hours (standard time).
const ZONES: [(&str, i64); 3] = [
    ("Asia/Seoul", 9),
    ("Europe/Berlin", 1),
    ("America/New_York", -5),
];
const LOST_REASONS: [&str; 5] = ["price", "timing", "competitor", "no decision", "no budget"];
const PEOPLE: [&str; 8] = [
    "Kim", "Lee", "Park", "Choi", "Garcia", "Smith", "Novak", "Ito",
];
const TOUCHES: [&str; 3] = ["email", "call", "meeting"];

/// SplitMix64: tiny, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn weighted<'a, T>(&mut self, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
        let total: u32 = items.iter().map(&weight).sum();
        let mut pick = self.below(total as u64) as u32;
        for item in items {
            let w = weight(item);
            if pick < w {
                return item;
            }
            pick -= w;
        }
        &items[items.len() - 1]
    }

    /// A positive factor with median about 1 and a long right tail.
    fn spread(&mut self) -> f64 {
        let base = 0.25 + 1.5 * (self.unit() + self.unit() + self.unit()) / 3.0;
        if self.chance(0.06) { base * 4.0 } else { base }
    }
}

/// How the generator reads the map.
struct Plan {
    next: Vec<Option<StageIx>>,
    /// Branches to `lost`/`disqualified` outcomes and to other stages, per stage.
    lose: Vec<Vec<StageIx>>,
    recycle: Vec<Vec<StageIx>>,
    churn: Vec<Option<StageIx>>,
    /// Chance of taking `next` from each stage.
    advance: Vec<f64>,
    /// The stage referrals tend to skip, and the stage before it.
    skippable: Option<(StageIx, StageIx)>,
}

fn plan(map: &Map) -> Plan {
    let n = map.stages.len();
    let mut p = Plan {
        next: vec![None; n],
        lose: vec![Vec::new(); n],
        recycle: vec![Vec::new(); n],
        churn: vec![None; n],
        advance: vec![0.7; n],
        skippable: None,
    };
    for t in &map.transitions {
        let (from, to) = (t.from.index(), t.to);
        match (t.kind, map.outcome(to)) {
            (TransitionKind::Next, None) if p.next[from].is_none() => p.next[from] = Some(to),
            (_, Some(Outcome::Lost | Outcome::Disqualified)) => p.lose[from].push(to),
            (_, Some(Outcome::Churned)) => p.churn[from] = Some(to),
            (_, Some(Outcome::Won)) if p.next[from].is_none() => p.next[from] = Some(to),
            (_, None) => p.recycle[from].push(to),
            _ => {}
        }
    }
    let main_path = MainPath::of(map);
    let path = &main_path.stages;
    let won_pos = main_path.won_position().unwrap_or(path.len());
    for (i, &s) in path.iter().enumerate() {
        let here = map.stage(s).probability;
        let next = path.get(i + 1).and_then(|&n| map.stage(n).probability);
        p.advance[s.index()] = if i >= won_pos {
            0.97
        } else {
            match (here, next) {
                (Some(a), Some(b)) if b > 0.0 => (a / b).clamp(0.35, 0.9),
                _ => 0.65,
            }
        };
    }
    // A stage with no branch has nowhere to lose a deal to: most deals move on, the rest go
    // quiet there (open, and soon stale).
    for s in map.stage_ixs() {
        if p.lose[s.index()].is_empty()
            && p.recycle[s.index()].is_empty()
            && p.churn[s.index()].is_none()
        {
            p.advance[s.index()] = p.advance[s.index()].max(0.9);
        }
    }
    // Two main-path stages after the first one with a branch: discovery in the B2B template.
    if let Some(i) = path
        .iter()
        .position(|&s| map.outgoing(s).any(|t| t.kind == TransitionKind::Branch))
        && i + 3 <= won_pos
        && i + 3 < path.len()
    {
        p.skippable = Some((path[i + 2], path[i + 3]));
    }
    p
}

/// Generates a history of `options.deals` deals for `map`.
pub fn generate(map: &Map, options: &GenerateOptions) -> History {
    let plan = plan(map);
    let mut rng = Rng(options.seed ^ 0x5A1E_53A9_0000_0001);
    let mut h = History::default();
    let end = options.start + options.days as i64 * MICROS_PER_DAY;
    let width = (options.deals.max(1)).to_string().len().max(5);
    for d in 0..options.deals {
        let deal = format!("D-{:0width$}", d + 1);
        let segment = rng.weighted(&SEGMENTS, |s| s.3);
        let source = rng.weighted(&SOURCES, |s| s.1).0;
        let zone = ZONES[rng.below(ZONES.len() as u64) as usize];
        let amount = segment.1 + (segment.2 - segment.1) * rng.unit();
        let speed = if segment.0 == "smb" { SMB_SPEED } else { 1.0 };
        let people: Vec<&str> = (0..4)
            .map(|_| PEOPLE[rng.below(PEOPLE.len() as u64) as usize])
            .collect();
        let started = options.start
            + (rng.unit() * 0.85 * options.days as f64 * MICROS_PER_DAY as f64) as Micros;
        let mut walk = Walk {
            map,
            plan: &plan,
            h: &mut h,
            rng: &mut rng,
            deal: &deal,
            end,
            zone_offset: zone.1,
            people: &people,
            speed,
            referral: source == "referral",
            recycled: 0,
        };
        let lost = walk.run(started);
        h.set_deal_attr(
            &deal,
            "amount",
            &format!("{:.0}", (amount / 100.0).round() * 100.0),
        );
        h.set_deal_attr(&deal, "currency", "USD");
        h.set_deal_attr(&deal, "segment", segment.0);
        h.set_deal_attr(&deal, "source", source);
        h.set_deal_attr(&deal, "timezone", zone.0);
        if lost {
            let reason = LOST_REASONS[rng.below(LOST_REASONS.len() as u64) as usize];
            h.set_deal_attr(&deal, "lost_reason", reason);
        }
    }
    h
}

struct Walk<'a> {
    map: &'a Map,
    plan: &'a Plan,
    h: &'a mut History,
    rng: &'a mut Rng,
    deal: &'a str,
    end: Micros,
    zone_offset: i64,
    people: &'a [&'a str],
    speed: f64,
    referral: bool,
    recycled: u32,
}

impl Walk<'_> {
    /// Walks the deal from the start stage; returns whether it ended lost or disqualified.
    fn run(&mut self, started: Micros) -> bool {
        let mut at = self.map.start;
        let mut time = self.working_hours(started);
        for _ in 0..40 {
            if time > self.end {
                return false;
            }
            self.enter(at, time);
            if self.map.outcome(at).is_some() {
                return matches!(
                    self.map.outcome(at),
                    Some(Outcome::Lost | Outcome::Disqualified)
                );
            }
            let stage = self.map.stage(at);
            let target = stage.target_days.unwrap_or(7.0);
            let stay =
                (target * 0.6 * self.speed * self.rng.spread() * MICROS_PER_DAY as f64) as Micros;
            let leave = self.working_hours(time + stay.max(3_600_000_000));
            let case_study = self.touches(at, time, leave);
            let mut chance = self.plan.advance[at.index()];
            if case_study {
                chance = (chance + CASE_STUDY_LIFT).min(0.97);
            }
            let next = if self.plan.next[at.index()].is_none() {
                // A last stage: a customer may churn after it, or simply stay.
                self.plan.churn[at.index()].filter(|_| self.rng.chance(CHURN))
            } else if self.rng.chance(chance) {
                self.plan.next[at.index()]
            } else if let Some(churn) = self.plan.churn[at.index()] {
                self.rng.chance(0.3).then_some(churn)
            } else {
                self.branch(at)
            };
            let Some(mut next) = next else { return false };
            if let Some((skip, after)) = self.plan.skippable
                && next == skip
            {
                let p = if self.referral {
                    REFERRAL_SKIP
                } else {
                    OTHER_SKIP
                };
                if self.rng.chance(p) {
                    next = after;
                }
            }
            at = next;
            time = leave;
        }
        false
    }

    /// Picks a branch out of a stage when the deal does not advance.
    fn branch(&mut self, at: StageIx) -> Option<StageIx> {
        let lose = &self.plan.lose[at.index()];
        let recycle = &self.plan.recycle[at.index()];
        let can_recycle = !recycle.is_empty() && self.recycled < 2;
        if can_recycle && (lose.is_empty() || self.rng.chance(0.3)) {
            self.recycled += 1;
            return Some(recycle[self.rng.below(recycle.len() as u64) as usize]);
        }
        if lose.is_empty() {
            return None;
        }
        Some(lose[self.rng.below(lose.len() as u64) as usize])
    }

    /// Records a stage entry, sometimes as one of the stage's sub-stages.
    fn enter(&mut self, at: StageIx, time: Micros) {
        let children: Vec<StageIx> = self.map.children(at).collect();
        let name = if !children.is_empty() && self.rng.chance(0.3) {
            &self
                .map
                .stage(children[self.rng.below(children.len() as u64) as usize])
                .id
        } else {
            &self.map.stage(at).id
        };
        let row = self.h.push(self.deal, name, time, EventKind::StageEntry);
        let team = self
            .map
            .stage(at)
            .owners
            .first()
            .map(String::as_str)
            .unwrap_or("Sales");
        let slot = team.bytes().map(|b| b as usize).sum::<usize>() % self.people.len();
        self.h
            .set_event_attr(row, "owner", &format!("{} ({team})", self.people[slot]));
    }

    /// Writes touches during a stay; returns whether a case study was sent.
    fn touches(&mut self, at: StageIx, from: Micros, until: Micros) -> bool {
        if self.map.stage(at).kind == StageKind::WonMilestone || until <= from {
            return false;
        }
        let mut case_study = false;
        let n = self.rng.below(3) + u64::from(at == self.map.start);
        for i in 0..n {
            // The first touch after the start stage entry is the first response: hours later.
            let t = if i == 0 && at == self.map.start {
                from + (self.rng.unit() * 12.0 * 3_600_000_000.0) as Micros
            } else {
                from + (self.rng.unit() * (until - from) as f64) as Micros
            };
            if t >= until || t > self.end {
                continue;
            }
            let kind = TOUCHES[self.rng.below(TOUCHES.len() as u64) as usize];
            self.h.push(self.deal, kind, t, EventKind::Touch);
        }
        if self.rng.chance(0.3) {
            let t = from + (self.rng.unit() * 0.5 * (until - from) as f64) as Micros;
            if t <= self.end {
                self.h.push(self.deal, "case-study", t, EventKind::Touch);
                case_study = true;
            }
        }
        case_study
    }

    /// Moves an instant into the deal's local working hours (09:00-18:00, weekdays ignored).
    fn working_hours(&mut self, t: Micros) -> Micros {
        let hour = 3_600_000_000i64;
        let local = t + self.zone_offset * hour;
        let day_start = local.div_euclid(MICROS_PER_DAY) * MICROS_PER_DAY;
        let minute = self.rng.below(9 * 60) as i64;
        let in_hours = day_start + 9 * hour + minute * 60_000_000;
        let in_hours = if in_hours < local {
            in_hours + MICROS_PER_DAY
        } else {
            in_hours
        };
        in_hours - self.zone_offset * hour
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{AnalyzeOptions, analyze};
    use crate::journey::tests::test_map;

    fn options(deals: usize, seed: u64) -> GenerateOptions {
        GenerateOptions {
            deals,
            seed,
            start: 0,
            days: 365,
        }
    }

    #[test]
    fn same_seed_same_history_other_seed_other_history() {
        let map = test_map();
        let a = generate(&map, &options(50, 7));
        assert_eq!(a, generate(&map, &options(50, 7)));
        assert_ne!(a, generate(&map, &options(50, 8)));
        assert_eq!(a.deals.len(), 50);
    }

    #[test]
    fn planted_effects_are_found_by_analyze() {
        let map = test_map();
        let h = generate(&map, &options(3000, 42));
        let a = analyze(&map, &h, &AnalyzeOptions::as_of(365 * MICROS_PER_DAY)).unwrap();
        // 1. smb deals are over-represented among the fastest won deals.
        let smb = a
            .fast_slow
            .differences
            .iter()
            .find(|d| d.feature == "segment = smb")
            .expect("segment = smb among the differences");
        assert!(smb.fast_share > 2.0 * smb.slow_share, "{}", smb.text);
        // 2. a case-study touch lifts advancing in the stages before the win.
        let lifted = a
            .triggers
            .iter()
            .filter(|t| {
                t.features
                    .iter()
                    .any(|l| l.feature == "touch: case-study" && l.lift > 1.15 && l.n >= 30)
            })
            .count();
        assert!(lifted >= 3, "case-study lifts {lifted} stages");
        // 3. referral deals skip `demo` (the stage after qualify) far more often.
        let demo = a
            .fast_slow
            .differences
            .iter()
            .find(|d| d.feature == "went through demo")
            .expect("demo among the differences");
        assert!(demo.slow_share > demo.fast_share, "{}", demo.text);
        let skipped = a
            .conformance
            .deviations
            .iter()
            .find(|d| d.description == "skipped demo (qualify → proposal)")
            .expect("skipped demo deviation");
        assert!(skipped.deals > 100, "{}", skipped.deals);
    }
}
