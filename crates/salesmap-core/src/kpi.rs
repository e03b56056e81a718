//! Outcome figures and the map's targets (R1, R11): win rate by count and by value, sales
//! velocity, churn and retention, each KPI measured against its target and the goal against
//! its number.
//!
//! Win rate counts closed deals only: won / (won + lost); disqualified deals were never real
//! opportunities and are reported apart. A deal is won once it enters a stage that marks the
//! sale as won, whatever follows. Churn is measured on customers (won deals): the share that
//! later entered a `churned` outcome; retention is its complement. Rates are fractions
//! (0.25 = 25 %), as KPI targets in map files are written.

use serde::Serialize;

use crate::absent::Absent;
use crate::calendar::{civil_from_days, days_from_civil, format_date, parse_date, start_of};
use crate::journey::{Journeys, Status};
use crate::map::{Map, Metric, Outcome, StageIx, StageKind};
use crate::timing::{Cycle, FirstResponse, Handoffs};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WinRate {
    pub won: u64,
    pub lost: u64,
    pub disqualified: u64,
    pub open: u64,
    /// `won / (won + lost)`.
    pub by_count: Option<f64>,
    /// Summed amounts of won and lost deals that have one, and how many have one.
    pub won_value: f64,
    pub lost_value: f64,
    pub won_with_amount: u64,
    pub lost_with_amount: u64,
    /// `won_value / (won_value + lost_value)`.
    pub by_value: Option<f64>,
    /// Why the rates are absent, when they are.
    pub absent: Option<Absent>,
}

pub fn win_rate(journeys: &Journeys) -> WinRate {
    let mut w = WinRate {
        won: 0,
        lost: 0,
        disqualified: 0,
        open: 0,
        by_count: None,
        won_value: 0.0,
        lost_value: 0.0,
        won_with_amount: 0,
        lost_with_amount: 0,
        by_value: None,
        absent: None,
    };
    for j in &journeys.deals {
        match j.status {
            Status::Won => {
                w.won += 1;
                if let Some(a) = j.amount {
                    w.won_value += a;
                    w.won_with_amount += 1;
                }
            }
            Status::Lost => {
                w.lost += 1;
                if let Some(a) = j.amount {
                    w.lost_value += a;
                    w.lost_with_amount += 1;
                }
            }
            Status::Disqualified => w.disqualified += 1,
            Status::Open => w.open += 1,
        }
    }
    // Over a history that records no loss at all, every closed deal is won: the rate would
    // read 100 % whatever the team's real rate is.
    w.absent = if !journeys.lost_recorded && w.won > 0 {
        Some(Absent::NoLossesRecorded { won: w.won })
    } else if w.won + w.lost == 0 {
        Some(Absent::NoClosedDeals)
    } else {
        None
    };
    if w.absent.is_none() {
        w.by_count = ratio(w.won as f64, (w.won + w.lost) as f64);
        w.by_value = ratio(w.won_value, w.won_value + w.lost_value);
    }
    w
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

/// Sales velocity: live open deals × average won amount × win rate / median cycle days, in
/// amount per day. `None` parts say which input is missing.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Velocity {
    /// Live open deals: aged ones are left out unless credited ([`crate::aging`]).
    pub open_deals: u64,
    pub average_won_amount: Option<f64>,
    pub win_rate: Option<f64>,
    pub median_cycle_days: Option<f64>,
    pub per_day: Option<f64>,
}

/// Velocity over `open` live open deals.
pub fn velocity(win: &WinRate, cycle: &Cycle, open: u64) -> Velocity {
    let average = ratio(win.won_value, win.won_with_amount as f64);
    let median = cycle.days.as_ref().map(|d| d.median);
    let per_day = match (average, win.by_count, median) {
        (Some(a), Some(r), Some(m)) if m > 0.0 => Some(open as f64 * a * r / m),
        _ => None,
    };
    Velocity {
        open_deals: open,
        average_won_amount: average,
        win_rate: win.by_count,
        median_cycle_days: median,
        per_day,
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Churn {
    /// Won deals.
    pub customers: u64,
    /// Of those, deals that entered a `churned` outcome after the win.
    pub churned: u64,
    pub churn_rate: Option<f64>,
    pub retention_rate: Option<f64>,
    /// Why the rates are absent, when they are.
    pub absent: Option<Absent>,
}

/// Churn among won deals. Absent when the map has no `churned` outcome, when nothing is won,
/// or when no deal in the history ever entered `churned` (churn is then not recorded, and
/// 0 % would be a guess).
pub fn churn(map: &Map, journeys: &Journeys) -> Churn {
    let customers = journeys.deals.iter().filter(|j| j.won_at.is_some()).count() as u64;
    let churned = journeys
        .deals
        .iter()
        .filter(|j| j.churned_at.is_some())
        .count() as u64;
    let has_outcome = map
        .stages
        .iter()
        .any(|s| s.kind == StageKind::Outcome(Outcome::Churned));
    let absent = if !has_outcome {
        Some(Absent::NoChurnOutcome)
    } else if customers == 0 {
        Some(Absent::NoCustomers)
    } else if !journeys.churn_recorded {
        Some(Absent::NoChurnRecorded { customers })
    } else {
        None
    };
    let rate = absent
        .is_none()
        .then(|| ratio(churned as f64, customers as f64))
        .flatten();
    Churn {
        customers,
        churned,
        churn_rate: rate,
        retention_rate: rate.map(|r| 1.0 - r),
        absent,
    }
}

/// Cohort conversion from `from` to `to` (top-level stages): of the deals that entered
/// `from`, the share that entered `to` at or after their first entry into `from`.
pub fn conversion_between(journeys: &Journeys, from: StageIx, to: StageIx) -> (Option<f64>, u64) {
    let mut reached = 0u64;
    let mut converted = 0u64;
    for j in &journeys.deals {
        let Some(start) = j.entries.iter().find(|e| e.stage == Some(from)) else {
            continue;
        };
        reached += 1;
        if j.entries
            .iter()
            .any(|e| e.stage == Some(to) && e.time >= start.time)
        {
            converted += 1;
        }
    }
    (ratio(converted as f64, reached as f64), reached)
}

/// The figures KPIs are read from, computed once.
pub struct Figures<'a> {
    pub map: &'a Map,
    pub journeys: &'a Journeys,
    pub win: &'a WinRate,
    pub cycle: &'a Cycle,
    pub velocity: &'a Velocity,
    pub churn: &'a Churn,
    pub first_response: Option<&'a FirstResponse>,
    pub handoffs: &'a Handoffs,
}

/// A measured value with the number of deals (or events) it rests on, or why it is absent.
#[derive(Clone, Debug, PartialEq)]
pub struct Measure {
    pub value: Option<f64>,
    pub n: u64,
    pub absent: Option<Absent>,
}

impl Measure {
    fn of(value: f64, n: u64) -> Measure {
        Measure {
            value: Some(value),
            n,
            absent: None,
        }
    }

    fn absent(absent: Absent, n: u64) -> Measure {
        Measure {
            value: None,
            n,
            absent: Some(absent),
        }
    }

    /// `value` when present, else absent for `why`.
    fn or_absent(value: Option<f64>, n: u64, why: impl FnOnce() -> Absent) -> Measure {
        match value {
            Some(v) => Measure::of(v, n),
            None => Measure::absent(why(), n),
        }
    }
}

impl Figures<'_> {
    /// Whether any deal entered top-level stage `s`.
    fn entered(&self, s: StageIx) -> bool {
        self.journeys
            .deals
            .iter()
            .any(|j| j.entries.iter().any(|e| e.stage == Some(s)))
    }

    /// The first of `stages` the history never entered, as an absence.
    fn never_entered(&self, stages: &[StageIx]) -> Option<Absent> {
        stages
            .iter()
            .find(|&&s| !self.entered(s))
            .map(|&s| Absent::StageNotInHistory {
                stage: self.map.stage(s).id.clone(),
            })
    }

    /// Why won-deal amounts are missing.
    fn no_amounts(&self) -> Absent {
        if self.win.won == 0 {
            Absent::NoWonDeals
        } else {
            Absent::NoAmounts
        }
    }

    /// The measured value of `metric` (with its stage pair where it takes one) and the number
    /// of deals or events it is measured on, or why it cannot be measured.
    pub fn measure(&self, metric: Metric, from: Option<StageIx>, to: Option<StageIx>) -> Measure {
        let win = self.win;
        match metric {
            Metric::WonRevenue => {
                if win.won > 0 && win.won_with_amount == 0 {
                    Measure::absent(Absent::NoAmounts, 0)
                } else {
                    Measure::of(win.won_value, win.won_with_amount)
                }
            }
            Metric::WonDeals => Measure::of(win.won as f64, win.won),
            Metric::WinRate => Measure::or_absent(win.by_count, win.won + win.lost, || {
                win.absent.clone().unwrap_or(Absent::NoClosedDeals)
            }),
            Metric::Conversion => {
                let from = self.map.top_ancestor(from.unwrap_or(self.map.start));
                let Some(to) = to.or(self.journeys.main_path.won) else {
                    return Measure::absent(Absent::NoWonDeals, 0);
                };
                let to = self.map.top_ancestor(to);
                if let Some(why) = self.never_entered(&[from, to]) {
                    let (_, n) = conversion_between(self.journeys, from, to);
                    return Measure::absent(why, n);
                }
                let (rate, n) = conversion_between(self.journeys, from, to);
                Measure::or_absent(rate, n, || Absent::StageNotInHistory {
                    stage: self.map.stage(from).id.clone(),
                })
            }
            Metric::CycleDays => Measure::or_absent(
                self.cycle.days.as_ref().map(|d| d.median),
                self.cycle.won,
                || {
                    self.cycle
                        .absent
                        .clone()
                        .unwrap_or(Absent::NoCycleStart { won: win.won })
                },
            ),
            Metric::FirstResponseHours => {
                match self.first_response.and_then(|f| f.hours.as_ref()) {
                    Some(h) => Measure::of(h.median, h.n),
                    None => Measure::absent(Absent::NoTouches, 0),
                }
            }
            Metric::HandoffHours => {
                let pair = match (from, to) {
                    (Some(a), Some(b)) => {
                        let (a, b) = (self.map.top_ancestor(a), self.map.top_ancestor(b));
                        if let Some(why) = self.never_entered(&[a, b]) {
                            return Measure::absent(why, 0);
                        }
                        let (a, b) = (&self.map.stage(a).id, &self.map.stage(b).id);
                        self.handoffs
                            .pairs
                            .iter()
                            .find(|p| &p.from == a && &p.to == b)
                            .map(|p| &p.hours)
                    }
                    _ => self.handoffs.hours.as_ref(),
                };
                match pair {
                    Some(h) => Measure::of(h.median, h.n),
                    None => Measure::absent(Absent::NoHandoffs, 0),
                }
            }
            Metric::ChurnRate => {
                Measure::or_absent(self.churn.churn_rate, self.churn.customers, || {
                    self.churn.absent.clone().unwrap_or(Absent::NoCustomers)
                })
            }
            Metric::RetentionRate => {
                Measure::or_absent(self.churn.retention_rate, self.churn.customers, || {
                    self.churn.absent.clone().unwrap_or(Absent::NoCustomers)
                })
            }
            Metric::SalesVelocity => {
                let v = self.velocity;
                Measure::or_absent(v.per_day, v.open_deals, || {
                    if v.win_rate.is_none() {
                        win.absent.clone().unwrap_or(Absent::NoClosedDeals)
                    } else if v.average_won_amount.is_none() {
                        self.no_amounts()
                    } else {
                        self.cycle.absent.clone().unwrap_or(Absent::NoWonDeals)
                    }
                })
            }
            Metric::AverageDealSize => Measure::or_absent(
                self.velocity.average_won_amount,
                win.won_with_amount,
                || self.no_amounts(),
            ),
        }
    }
}

/// A KPI of the map against its target.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KpiResult {
    pub metric: Metric,
    pub name: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub target: f64,
    pub measured: Option<f64>,
    /// Deals (or hand-offs) the value is measured on.
    pub n: u64,
    pub higher_is_better: bool,
    /// Whether the target is met; `None` when nothing could be measured.
    pub met: Option<bool>,
    /// Why nothing could be measured: the KPI shows "no data", never met or missed.
    pub absent: Option<Absent>,
}

pub fn kpis(figures: &Figures<'_>) -> Vec<KpiResult> {
    let map = figures.map;
    map.kpis
        .iter()
        .map(|k| {
            let m = figures.measure(k.metric, k.from, k.to);
            KpiResult {
                metric: k.metric,
                name: k.name.as_ref().map_or_else(
                    || k.metric.name().to_string(),
                    |t| t.get(&map.language, &map.language).to_string(),
                ),
                from: k.from.map(|s| map.stage(s).id.clone()),
                to: k.to.map(|s| map.stage(s).id.clone()),
                target: k.target,
                measured: m.value,
                n: m.n,
                higher_is_better: k.higher_is_better,
                met: m.value.map(|v| meets(v, k.target, k.higher_is_better)),
                absent: m.absent,
            }
        })
        .collect()
}

/// Whether `value` meets `target`, compared on the exact values. Displays show as many
/// decimals as it takes for the shown value to sit on the same side of the target
/// ([`crate::display::against`]), so a reader never sees "14 d — missed ≤ 14 d".
pub fn meets(value: f64, target: f64, higher_is_better: bool) -> bool {
    if higher_is_better {
        value >= target
    } else {
        value <= target
    }
}

/// The map's goal against what the history shows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GoalProgress {
    pub description: String,
    pub metric: Metric,
    pub target: f64,
    pub unit: Option<String>,
    pub deadline: Option<String>,
    /// For `won-revenue` and `won-deals` goals with a deadline: the year up to the deadline
    /// (`YYYY-MM-DD`, both days included) whose wins count toward the goal.
    pub window: Option<(String, String)>,
    pub measured: Option<f64>,
    pub n: u64,
    /// `measured / target`.
    pub progress: Option<f64>,
    /// Why nothing could be measured.
    pub absent: Option<Absent>,
}

pub fn goal(figures: &Figures<'_>) -> Option<GoalProgress> {
    let map = figures.map;
    let g = map.goal.as_ref()?;
    // Revenue and deal-count goals count the wins of the year that ends on the deadline;
    // rate goals are measured over the whole analysis like the KPIs.
    let window = match g.metric {
        Metric::WonRevenue | Metric::WonDeals => {
            g.deadline.as_deref().and_then(parse_date).map(|end| {
                let (y, m, d) = civil_from_days(end);
                (days_from_civil(y - 1, m, d) + 1, end + 1)
            })
        }
        _ => None,
    };
    let (measured, n, absent) = match window {
        Some((first, after)) => {
            let range = start_of(first)..start_of(after);
            let won = figures
                .journeys
                .deals
                .iter()
                .filter(|j| j.won_at.is_some_and(|t| range.contains(&t)));
            if g.metric == Metric::WonDeals {
                let n = won.count() as u64;
                (Some(n as f64), n, None)
            } else {
                let won: Vec<Option<f64>> = won.map(|j| j.amount).collect();
                let amounts: Vec<f64> = won.iter().flatten().copied().collect();
                if !won.is_empty() && amounts.is_empty() {
                    (None, 0, Some(Absent::NoAmounts))
                } else {
                    // `+ 0.0` turns the empty sum's -0.0 into 0.
                    (
                        Some(amounts.iter().sum::<f64>() + 0.0),
                        amounts.len() as u64,
                        None,
                    )
                }
            }
        }
        None => {
            let m = figures.measure(g.metric, None, None);
            (m.value, m.n, m.absent)
        }
    };
    Some(GoalProgress {
        description: g.description.get(&map.language, &map.language).to_string(),
        metric: g.metric,
        target: g.target,
        unit: g.unit.clone(),
        deadline: g.deadline.clone(),
        window: window.map(|(first, after)| (format_date(first), format_date(after - 1))),
        measured,
        n,
        progress: measured.and_then(|m| ratio(m, g.target)),
        absent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::tests::{day, history, test_map};
    use crate::map::{Goal, Kpi};
    use crate::text::Text;
    use crate::timing::{cycle, first_response, handoffs};

    const DEALS: &str = "a lead 0 amount=100; a qualify 1; a won 5; a onboard 6; a churned 20; \
                         b lead 0 amount=300; b qualify 2; b won 12; \
                         c lead 0 amount=200; c lost 3; \
                         d lead 0; d disqualified 1; \
                         e lead 0 amount=50; e qualify 1";

    #[test]
    fn win_rate_velocity_churn() {
        let map = test_map();
        let js = Journeys::build(&map, &history(DEALS), day(30.0));
        let w = win_rate(&js);
        assert_eq!((w.won, w.lost, w.disqualified, w.open), (2, 1, 1, 1));
        assert_eq!(w.by_count, Some(2.0 / 3.0));
        assert_eq!(
            (w.won_value, w.lost_value, w.by_value),
            (400.0, 200.0, Some(400.0 / 600.0))
        );
        let c = cycle(&map, &js);
        let v = velocity(&w, &c, w.open);
        // 1 open × 200 average × 2/3 / 8.5 median days.
        assert_eq!(v.per_day, Some(1.0 * 200.0 * (2.0 / 3.0) / 8.5));
        let ch = churn(&map, &js);
        assert_eq!(
            (ch.customers, ch.churned, ch.churn_rate, ch.retention_rate),
            (2, 1, Some(0.5), Some(0.5))
        );
    }

    #[test]
    fn kpis_and_goal_against_targets() {
        let mut map = test_map();
        let kpi = |metric: Metric, target: f64, from: Option<u32>, to: Option<u32>| Kpi {
            metric,
            name: None,
            target,
            from: from.map(StageIx),
            to: to.map(StageIx),
            higher_is_better: metric.higher_is_better(),
        };
        map.kpis = vec![
            kpi(Metric::WinRate, 0.5, None, None),
            kpi(Metric::CycleDays, 8.0, None, None),
            kpi(Metric::Conversion, 0.5, Some(1), Some(4)),
            kpi(Metric::ChurnRate, 0.1, None, None),
            kpi(Metric::FirstResponseHours, 4.0, None, None),
            kpi(Metric::HandoffHours, 30.0, Some(0), Some(1)),
        ];
        map.goal = Some(Goal {
            description: Text::new("en", "Win 1000"),
            metric: Metric::WonRevenue,
            target: 1000.0,
            unit: Some("USD".into()),
            deadline: None,
        });
        let h = history(DEALS);
        let js = Journeys::build(&map, &h, day(30.0));
        let (w, c, ch) = (win_rate(&js), cycle(&map, &js), churn(&map, &js));
        let v = velocity(&w, &c, w.open);
        let fr = first_response(&map, &js, None);
        let ho = handoffs(&map, &h, &js);
        let figures = Figures {
            map: &map,
            journeys: &js,
            win: &w,
            cycle: &c,
            velocity: &v,
            churn: &ch,
            first_response: fr.as_ref(),
            handoffs: &ho,
        };
        let got: Vec<String> = kpis(&figures)
            .iter()
            .map(|k| format!("{} {:?} n={} met={:?}", k.name, k.measured, k.n, k.met))
            .collect();
        assert_eq!(
            got,
            [
                "win-rate Some(0.6666666666666666) n=3 met=Some(true)",
                "cycle-days Some(8.5) n=2 met=Some(false)",
                "conversion Some(0.6666666666666666) n=3 met=Some(true)",
                "churn-rate Some(0.5) n=2 met=Some(false)",
                "first-response-hours None n=0 met=None",
                "handoff-hours Some(24.0) n=3 met=Some(true)",
            ]
        );
        let g = goal(&figures).unwrap();
        assert_eq!((g.measured, g.n, g.progress), (Some(400.0), 2, Some(0.4)));

        // With a deadline, only the wins of the year ending on it count: `a` (won on day 5,
        // 100) is inside a year ending 1970-01-10; `b` (day 12) is after it.
        let mut dated = map.clone();
        dated.goal.as_mut().unwrap().deadline = Some("1970-01-10".into());
        let g = goal(&Figures {
            map: &dated,
            ..figures
        })
        .unwrap();
        assert_eq!((g.measured, g.n), (Some(100.0), 1));
        assert_eq!(g.window, Some(("1969-01-11".into(), "1970-01-10".into())));
        dated.goal.as_mut().unwrap().deadline = Some("1969-06-30".into());
        let g = goal(&Figures {
            map: &dated,
            ..figures
        })
        .unwrap();
        assert_eq!((g.measured, g.n, g.progress), (Some(0.0), 0, Some(0.0)));
    }

    /// The figures of `events` with the map's KPIs set to `kpis`, as (name, measured, met,
    /// absent) lines.
    fn kpi_lines(map: &Map, events: &str) -> Vec<String> {
        let h = history(events);
        let js = Journeys::build(map, &h, day(400.0));
        let (w, c, ch) = (win_rate(&js), cycle(map, &js), churn(map, &js));
        let v = velocity(&w, &c, w.open);
        let fr = first_response(map, &js, None);
        let ho = handoffs(map, &h, &js);
        let figures = Figures {
            map,
            journeys: &js,
            win: &w,
            cycle: &c,
            velocity: &v,
            churn: &ch,
            first_response: fr.as_ref(),
            handoffs: &ho,
        };
        kpis(&figures)
            .iter()
            .map(|k| {
                format!(
                    "{} {:?} met={:?} absent={:?}",
                    k.name,
                    k.measured,
                    k.met,
                    k.absent.as_ref().map(Absent::english)
                )
            })
            .collect()
    }

    fn all_kpis() -> Map {
        let mut map = test_map();
        let kpi = |metric: Metric, target: f64, from: Option<u32>, to: Option<u32>| Kpi {
            metric,
            name: None,
            target,
            from: from.map(StageIx),
            to: to.map(StageIx),
            higher_is_better: metric.higher_is_better(),
        };
        map.kpis = vec![
            kpi(Metric::WinRate, 0.25, None, None),
            kpi(Metric::CycleDays, 75.0, None, None),
            kpi(Metric::ChurnRate, 0.08, None, None),
            kpi(Metric::Conversion, 0.3, Some(1), Some(3)),
            kpi(Metric::FirstResponseHours, 4.0, None, None),
            kpi(Metric::HandoffHours, 24.0, Some(0), Some(1)),
            kpi(Metric::AverageDealSize, 1000.0, None, None),
        ];
        map
    }

    #[test]
    fn kpis_on_data_that_is_not_there_are_absent_never_met() {
        // A close-only export: won deals whose only entry is the win, open leads, no loss,
        // no churn, no proposal stage, no touches, no amounts.
        let lines = kpi_lines(
            &all_kpis(),
            "a won 10; b won 20; c lead 0; c qualify 5; d lead 3",
        );
        expect_test::expect![[r#"
            win-rate None met=None absent=Some("the history records 2 won deals and no lost ones: losses are not in the export, so a win rate would read 100 %")
            cycle-days None met=None absent=Some("none of the 2 won deals has a stage entry before its win (only the close is recorded)")
            churn-rate None met=None absent=Some("no deal in the history entered the churned outcome (2 customers): churn is not recorded")
            conversion None met=None absent=Some("the history never entered `proposal`")
            first-response-hours None met=None absent=Some("the history has no touches")
            handoff-hours Some(120.0) met=Some(false) absent=None
            average-deal-size None met=None absent=Some("no won deal has an amount")"#]]
        .assert_eq(&lines.join("\n"));
    }

    #[test]
    fn kpis_measured_when_the_data_is_there() {
        let lines = kpi_lines(
            &all_kpis(),
            "a lead 0 amount=900; a +call 0.1; a qualify 1; a proposal 3; a won 5; a onboard 6; a churned 90; \
             b lead 0 amount=1200; b qualify 2; b won 12; \
             c lead 0; c qualify 1; c lost 3",
        );
        expect_test::expect![[r#"
            win-rate Some(0.6666666666666666) met=Some(true) absent=None
            cycle-days Some(8.5) met=Some(true) absent=None
            churn-rate Some(0.5) met=Some(false) absent=None
            conversion Some(0.3333333333333333) met=Some(true) absent=None
            first-response-hours Some(2.4) met=Some(true) absent=None
            handoff-hours Some(24.0) met=Some(true) absent=None
            average-deal-size Some(1050.0) met=Some(true) absent=None"#]]
        .assert_eq(&lines.join("\n"));
    }

    #[test]
    fn churn_without_a_churned_outcome_is_absent() {
        let mut map = test_map();
        map.stages[9].kind = crate::map::StageKind::Outcome(Outcome::Lost);
        let js = Journeys::build(&map, &history("a lead 0; a won 5"), day(30.0));
        assert_eq!(churn(&map, &js).absent, Some(Absent::NoChurnOutcome));
    }
}
