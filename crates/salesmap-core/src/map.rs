//! The designed process: a [`Map`] of [`Stage`]s joined by [`Transition`]s.
//!
//! This is the resolved, validated form of a map file: every stage reference is an index
//! ([`StageIx`]) into [`Map::stages`], and the file's syntax (spans, comments) is gone. The
//! map-language crate builds it after checking; the renderer, analytics and planner read it.
//! Stages are kept in file order, sub-stages right after their parent, so every listing that
//! walks `stages` is deterministic.

use serde::Serialize;

use crate::text::Text;

/// Index of a stage in [`Map::stages`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct StageIx(pub u32);

impl StageIx {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What the map implies for measuring deals along it, worked out once per analysis (the
/// [`Journeys`](crate::journey::Journeys) every analysis reads hold it): the main path, each
/// stage's position on it, and the won stage.
#[derive(Clone, Debug, PartialEq)]
pub struct MainPath {
    /// The main path's stages, the start stage first ([`Map::main_path`]).
    pub stages: Vec<StageIx>,
    /// Each stage's position on the main path, indexed by stage; `None` off the path.
    pub position: Vec<Option<usize>>,
    /// The stage that marks a sale as won ([`Map::won_stage`]).
    pub won: Option<StageIx>,
}

impl MainPath {
    pub fn of(map: &Map) -> MainPath {
        let stages = map.main_path();
        let mut position = vec![None; map.stages.len()];
        for (i, s) in stages.iter().enumerate() {
            position[s.index()] = Some(i);
        }
        let won = map.won_stage_on(&stages);
        MainPath {
            stages,
            position,
            won,
        }
    }

    /// The won stage's position on the main path, when it is on it.
    pub fn won_position(&self) -> Option<usize> {
        self.won.and_then(|w| self.position[w.index()])
    }
}

/// A designed sales process.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Map {
    /// The map's title.
    pub name: Text,
    /// Language of plain (untagged) text in the file, e.g. `en` or `ko`.
    pub language: String,
    /// Free-form version label, e.g. `2027.1`.
    pub version: Option<String>,
    pub description: Option<Text>,
    /// Where the process starts (R6): top of funnel or first sales interaction.
    pub start: StageIx,
    /// The measurable goal the process serves (R1).
    pub goal: Option<Goal>,
    /// KPIs with targets (R11).
    pub kpis: Vec<Kpi>,
    /// Buyer-journey phases in display order (R4).
    pub phases: Vec<Phase>,
    /// All stages, top-level and sub-stages, in file order.
    pub stages: Vec<Stage>,
    /// All allowed moves between top-level stages, in file order.
    pub transitions: Vec<Transition>,
}

/// A buyer-journey phase (R4): awareness, consideration, decision, ….
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Phase {
    pub id: String,
    pub name: Text,
}

/// The map's goal (R1): a metric, a target and a deadline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Goal {
    pub description: Text,
    pub metric: Metric,
    pub target: f64,
    /// Currency or unit of the target (`USD`, `KRW`, `deals`).
    pub unit: Option<String>,
    /// Deadline as an ISO date (`2027-12-31`).
    pub deadline: Option<String>,
}

/// A key performance indicator with its target (R11).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Kpi {
    pub metric: Metric,
    pub name: Option<Text>,
    pub target: f64,
    /// For stage-pair metrics: the stages measured (e.g. conversion from `sql` to `won`).
    pub from: Option<StageIx>,
    pub to: Option<StageIx>,
    /// Whether a measured value is good when at least (`true`) or at most (`false`) the target.
    pub higher_is_better: bool,
}

/// The metrics salesmap knows how to measure (docs/metrics.md defines each).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Metric {
    WonRevenue,
    WonDeals,
    WinRate,
    Conversion,
    CycleDays,
    FirstResponseHours,
    HandoffHours,
    ChurnRate,
    RetentionRate,
    SalesVelocity,
    AverageDealSize,
}

impl Metric {
    pub const ALL: [Metric; 11] = [
        Metric::WonRevenue,
        Metric::WonDeals,
        Metric::WinRate,
        Metric::Conversion,
        Metric::CycleDays,
        Metric::FirstResponseHours,
        Metric::HandoffHours,
        Metric::ChurnRate,
        Metric::RetentionRate,
        Metric::SalesVelocity,
        Metric::AverageDealSize,
    ];

    /// The name used in map files.
    pub fn name(self) -> &'static str {
        match self {
            Metric::WonRevenue => "won-revenue",
            Metric::WonDeals => "won-deals",
            Metric::WinRate => "win-rate",
            Metric::Conversion => "conversion",
            Metric::CycleDays => "cycle-days",
            Metric::FirstResponseHours => "first-response-hours",
            Metric::HandoffHours => "handoff-hours",
            Metric::ChurnRate => "churn-rate",
            Metric::RetentionRate => "retention-rate",
            Metric::SalesVelocity => "sales-velocity",
            Metric::AverageDealSize => "average-deal-size",
        }
    }

    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Whether more is better, the default direction of a KPI on this metric.
    pub fn higher_is_better(self) -> bool {
        !matches!(
            self,
            Metric::CycleDays
                | Metric::FirstResponseHours
                | Metric::HandoffHours
                | Metric::ChurnRate
        )
    }
}

/// A step of the process (R5), or a terminal outcome.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stage {
    /// Stable identifier used in files, history and URLs (`sql`, `demo`).
    pub id: String,
    pub name: Text,
    pub kind: StageKind,
    /// The stage that holds this one (R8); `None` for a top-level stage.
    pub parent: Option<StageIx>,
    /// Buyer-journey phase id (R4).
    pub phase: Option<String>,
    /// Teams or roles that own the stage (R2).
    pub owners: Vec<String>,
    /// Entry definition: what admits a deal to this stage (R5).
    pub entry: Option<Text>,
    /// What happens in the stage (R5).
    pub what_happens: Vec<Text>,
    /// Exit checklist: what must be true before the deal moves on (R5).
    pub exit_checklist: Vec<Text>,
    /// What the buyer gets from this stage (R12, customer first).
    pub customer_value: Option<Text>,
    /// Expected days in the stage; a deal longer than this is stale.
    pub target_days: Option<f64>,
    /// Days in the stage after which an open deal is no longer live pipeline (aged): it is
    /// shown apart and gets no forecast credit.
    pub rotten_days: Option<f64>,
    /// Designed probability that a deal in this stage is eventually won (0..=1).
    pub probability: Option<f64>,
    /// Other names the CRM uses for this stage.
    pub aliases: Vec<String>,
    /// The question decided in this stage, when it is a decision point (R13).
    pub decision: Option<Text>,
    /// Actions fired when a deal enters or leaves the stage (R16).
    pub triggers: Vec<Trigger>,
}

impl Stage {
    /// A stage with only an id, a name and a kind; every other field empty.
    pub fn new(id: &str, name: Text, kind: StageKind) -> Stage {
        Stage {
            id: id.to_string(),
            name,
            kind,
            parent: None,
            phase: None,
            owners: Vec::new(),
            entry: None,
            what_happens: Vec::new(),
            exit_checklist: Vec::new(),
            customer_value: None,
            target_days: None,
            rotten_days: None,
            probability: None,
            aliases: Vec::new(),
            decision: None,
            triggers: Vec::new(),
        }
    }
}

/// What kind of node a stage is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StageKind {
    /// A working stage of the process.
    Step,
    /// A step that marks the sale as won (cycle length ends here); post-sale stages may follow.
    WonMilestone,
    /// A terminal outcome.
    Outcome(Outcome),
}

/// Terminal outcomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Won,
    Lost,
    Disqualified,
    Churned,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Won,
        Outcome::Lost,
        Outcome::Disqualified,
        Outcome::Churned,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Outcome::Won => "won",
            Outcome::Lost => "lost",
            Outcome::Disqualified => "disqualified",
            Outcome::Churned => "churned",
        }
    }

    pub fn from_name(name: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.name() == name)
    }
}

/// A stage-entry or stage-exit action (R16): commission, quota relief, a webhook, a notice.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trigger {
    pub on: TriggerEvent,
    pub action: String,
    /// Who or what receives it: a URL, a channel, a role.
    pub target: Option<String>,
    pub description: Option<Text>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TriggerEvent {
    Enter,
    Exit,
}

/// An allowed move between two stages.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Transition {
    pub from: StageIx,
    pub to: StageIx,
    /// `Next` is the main path; `Branch` is taken on a decision.
    pub kind: TransitionKind,
    /// The condition label on a branch (`no budget`).
    pub when: Option<Text>,
    /// The buyer's answer this branch stands for, when it is a yes/no decision.
    pub answer: Option<Answer>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TransitionKind {
    Next,
    Branch,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Answer {
    Yes,
    No,
}

impl Map {
    pub fn stage(&self, ix: StageIx) -> &Stage {
        &self.stages[ix.index()]
    }

    /// All stage indices in file order.
    pub fn stage_ixs(&self) -> impl Iterator<Item = StageIx> + '_ {
        (0..self.stages.len() as u32).map(StageIx)
    }

    /// Finds a stage by id.
    pub fn find(&self, id: &str) -> Option<StageIx> {
        self.stages
            .iter()
            .position(|s| s.id == id)
            .map(|i| StageIx(i as u32))
    }

    /// Finds a stage by id, name (in any language) or alias, ignoring case and surrounding
    /// whitespace. This is how CRM stage names are mapped onto the map.
    pub fn resolve_name(&self, name: &str) -> Option<StageIx> {
        let wanted = fold_name(name);
        let matches = |s: &Stage| {
            fold_name(&s.id) == wanted
                || s.name.all().any(|n| fold_name(n) == wanted)
                || s.aliases.iter().any(|a| fold_name(a) == wanted)
        };
        self.stages
            .iter()
            .position(matches)
            .map(|i| StageIx(i as u32))
    }

    /// Top-level stages (no parent), in file order.
    pub fn top_level(&self) -> impl Iterator<Item = StageIx> + '_ {
        self.stage_ixs()
            .filter(|&ix| self.stage(ix).parent.is_none())
    }

    /// Direct sub-stages of `parent`, in file order.
    pub fn children(&self, parent: StageIx) -> impl Iterator<Item = StageIx> + '_ {
        self.stage_ixs()
            .filter(move |&ix| self.stage(ix).parent == Some(parent))
    }

    /// The top-level stage that holds `ix` (itself when top-level).
    pub fn top_ancestor(&self, mut ix: StageIx) -> StageIx {
        while let Some(p) = self.stage(ix).parent {
            ix = p;
        }
        ix
    }

    /// Transitions leaving `from`, in file order.
    pub fn outgoing(&self, from: StageIx) -> impl Iterator<Item = &Transition> + '_ {
        self.transitions.iter().filter(move |t| t.from == from)
    }

    /// Whether the map allows a direct move `from → to`.
    pub fn allows(&self, from: StageIx, to: StageIx) -> bool {
        self.transitions
            .iter()
            .any(|t| t.from == from && t.to == to)
    }

    /// The main path: from the start stage, follow `next` transitions until a stage has none
    /// or a stage repeats. This is the path funnels, cumulative conversion and the planner walk.
    pub fn main_path(&self) -> Vec<StageIx> {
        let mut path = vec![self.start];
        let mut at = self.start;
        while let Some(t) = self.outgoing(at).find(|t| t.kind == TransitionKind::Next) {
            if path.contains(&t.to) {
                break;
            }
            path.push(t.to);
            at = t.to;
        }
        path
    }

    /// The stage that marks a sale as won: the first won milestone on the main path, else the
    /// first `won` outcome of the map.
    pub fn won_stage(&self) -> Option<StageIx> {
        self.won_stage_on(&self.main_path())
    }

    /// [`Map::won_stage`], given the main path.
    fn won_stage_on(&self, main_path: &[StageIx]) -> Option<StageIx> {
        main_path
            .iter()
            .copied()
            .find(|&ix| self.stage(ix).kind == StageKind::WonMilestone)
            .or_else(|| {
                self.stage_ixs()
                    .find(|&ix| self.stage(ix).kind == StageKind::WonMilestone)
            })
            .or_else(|| {
                self.stage_ixs()
                    .find(|&ix| self.stage(ix).kind == StageKind::Outcome(Outcome::Won))
            })
    }

    /// Whether entering `ix` means the deal was won.
    pub fn marks_won(&self, ix: StageIx) -> bool {
        matches!(
            self.stage(ix).kind,
            StageKind::WonMilestone | StageKind::Outcome(Outcome::Won)
        )
    }

    /// The outcome a stage ends in, if it is terminal.
    pub fn outcome(&self, ix: StageIx) -> Option<Outcome> {
        match self.stage(ix).kind {
            StageKind::Outcome(o) => Some(o),
            _ => None,
        }
    }

    /// Stages reachable from the start stage (sub-stages count as reachable with their parent).
    pub fn reachable(&self) -> Vec<bool> {
        let mut seen = vec![false; self.stages.len()];
        let mut stack = vec![self.start];
        while let Some(ix) = stack.pop() {
            if std::mem::replace(&mut seen[ix.index()], true) {
                continue;
            }
            stack.extend(self.children(ix));
            stack.extend(self.outgoing(ix).map(|t| t.to));
        }
        seen
    }
}

/// Case- and space-insensitive form of a stage name, for matching CRM names.
pub fn fold_name(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
