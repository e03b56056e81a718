//! [`Diagram`]: what the drawing shows, before any geometry.
//!
//! A designed map ([`Diagram::build`], from a [`Map`], the [`RenderOptions`] and an optional
//! [`Overlay`]) gives one [`Node`] per top-level stage (sub-stages are drawn inside their
//! parent down to `depth` levels, deeper ones are counted) and one [`Edge`] per transition. A
//! stage that decides something (it has a question, or a branch out of it stands for a yes or
//! a no) is followed by a decision diamond holding the question: the moves out of the stage
//! leave from the diamond, labelled with their answer. An overlay adds the measured figures,
//! worded in the drawing's language, edge weights by volume, and the moves the history makes
//! that the map lacks, as dashed edges.
//!
//! An as-is process map ([`Diagram::of_process_map`]) gives one node per activity plus a start
//! and an end, and one edge per move kept by the sliders, weighted by volume and, in the
//! performance view, tinted by time.
//!
//! Layout and the text writers (Mermaid, DOT) all read this one description, so they agree on
//! what is drawn.

use salesmap_core::as_is::{CountUnit, Endpoint, ProcessMap};
use salesmap_core::map::{Answer, Map, Outcome, StageIx, StageKind, TransitionKind};
use salesmap_core::overlay::{Overlay, TransitionFigures};

use crate::options::{Lanes, RenderOptions, View};
use crate::wording::{Wording, group_thousands};

/// The drawing's content.
#[derive(Clone, Debug)]
pub struct Diagram {
    /// The map's title.
    pub title: String,
    /// Lines under the title: version, goal, what the figures were measured on.
    pub subtitle: Vec<String>,
    /// The label language.
    pub lang: String,
    pub wording: Wording,
    pub lanes: Lanes,
    /// Designed stages, or measured activities.
    pub source: Source,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Node indices along the main path, from the start stage.
    pub spine: Vec<usize>,
    /// Phase names in display order; [`Node::phase`] indexes this.
    pub phases: Vec<String>,
    /// Whether any edge or node carries a measured figure.
    pub has_figures: bool,
}

/// What a diagram draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A designed map (with measured figures, when an overlay is given).
    Designed,
    /// An as-is process map, in the frequency or the performance view.
    AsIs(View),
}

/// What a node is, which decides its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Step,
    WonMilestone,
    Outcome(Outcome),
    /// The diamond after a deciding stage, holding its question.
    Decision,
    /// Where an as-is map's deals start.
    Start,
    /// Where an as-is map's deals end.
    End,
}

/// How a figure line reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// A measured figure.
    Figure,
    /// Context for a figure (a target met, a count of zero late).
    Muted,
    /// Something to act on: a stage over its target, stale deals.
    Alert,
}

/// One line of measured figures.
#[derive(Clone, Debug, PartialEq)]
pub struct FigureLine {
    pub text: String,
    pub tone: Tone,
}

impl FigureLine {
    fn new(text: String, tone: Tone) -> FigureLine {
        FigureLine { text, tone }
    }
}

/// A node and what its box says.
#[derive(Clone, Debug)]
pub struct Node {
    /// The stage drawn (for a decision diamond, the stage deciding); `None` for an as-is
    /// map's start and end.
    pub stage: Option<StageIx>,
    pub id: String,
    pub kind: NodeKind,
    /// The map's start stage.
    pub start: bool,
    /// The stage's name; a decision's question (empty when the map gives none).
    pub title: String,
    pub owners: Vec<String>,
    /// Index into [`Diagram::phases`].
    pub phase: Option<usize>,
    /// Exit checklist count and target days, when `--detail` asks for them.
    pub detail: Option<String>,
    /// Sub-stages drawn inside the box, depth first, with their nesting level (1 = child).
    pub sub_stages: Vec<SubStage>,
    /// Sub-stages below the drawn depth, shown as a count.
    pub hidden_sub_stages: usize,
    /// Measured figures for the stage, one per line.
    pub figures: Vec<FigureLine>,
    /// The median stay is over the stage's target: the box is outlined as an alert.
    pub alert: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SubStage {
    pub stage: StageIx,
    pub title: String,
    pub level: u32,
}

/// What an edge stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    /// A `next` transition (the main path, or its continuation elsewhere).
    Next,
    /// A branch.
    Branch,
    /// A move deals make that the map does not have.
    NotInMap,
    /// From a deciding stage into its decision diamond.
    IntoDecision,
}

/// A move between two nodes.
#[derive(Clone, Debug)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
    /// The decision's answer this move stands for (`yes`, `no`).
    pub answer: Option<String>,
    /// The branch condition (`no budget`).
    pub label: Option<String>,
    /// Measured figures for the move, one per line.
    pub figures: Vec<FigureLine>,
    /// Volume against the busiest drawn move (0..=1): the line's width.
    pub weight: Option<f32>,
    /// Median time against the slowest drawn move (0..=1): the line's colour in the
    /// performance view.
    pub heat: Option<f32>,
    /// The map transition drawn, as an index into [`Map::transitions`].
    pub transition: Option<usize>,
}

impl Edge {
    fn plain(from: usize, to: usize, kind: EdgeKind) -> Edge {
        Edge {
            from,
            to,
            kind,
            answer: None,
            label: None,
            figures: Vec::new(),
            weight: None,
            heat: None,
            transition: None,
        }
    }
}

impl Diagram {
    /// Lanes as groups for the text formats (DOT clusters, Mermaid subgraphs): (lane name,
    /// member nodes), in display order. With phases, each node's own phase (a decision takes
    /// its stage's); with owners, each owner's stages (a stage with several owners joins its
    /// first owner's group); outcomes stay outside owner lanes.
    pub fn lane_groups(&self) -> Vec<(String, Vec<usize>)> {
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        let mut order: Vec<usize> = self.spine.clone();
        order.extend((0..self.nodes.len()).filter(|v| !self.spine.contains(v)));
        for v in order {
            let node = &self.nodes[v];
            let key = match self.lanes {
                Lanes::Phase => node.phase.map(|p| self.phases[p].clone()),
                Lanes::Owner if !matches!(node.kind, NodeKind::Outcome(_)) => {
                    node.owners.first().cloned()
                }
                _ => None,
            };
            let Some(key) = key else { continue };
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, members)) => members.push(v),
                None => groups.push((key, vec![v])),
            }
        }
        for (_, members) in &mut groups {
            members.sort_unstable();
        }
        groups
    }

    /// For each edge, whether it loops back (nurture, recycle, rework): to an earlier stage of
    /// the main path, out of a stage that leads back into it, or into such a stage from
    /// elsewhere. Every writer draws these dashed.
    pub fn loop_backs(&self) -> Vec<bool> {
        let mut spine_pos = vec![None; self.nodes.len()];
        for (i, &v) in self.spine.iter().enumerate() {
            spine_pos[v] = Some(i);
        }
        let returning = self.returning();
        self.edges
            .iter()
            .map(|edge| match (spine_pos[edge.from], spine_pos[edge.to]) {
                (Some(a), Some(b)) => b <= a,
                (None, Some(_)) => returning[edge.from],
                (_, None) => returning[edge.to] && !returning[edge.from],
            })
            .collect()
    }

    /// Nodes off the main path that lead back into it (a nurture stage), not outcomes.
    fn returning(&self) -> Vec<bool> {
        let n = self.nodes.len();
        let mut reaches = vec![false; n];
        let mut stack: Vec<usize> = self.spine.clone();
        while let Some(v) = stack.pop() {
            for e in self
                .edges
                .iter()
                .filter(|e| e.to == v && e.kind != EdgeKind::NotInMap)
            {
                if !reaches[e.from] {
                    reaches[e.from] = true;
                    stack.push(e.from);
                }
            }
        }
        (0..n)
            .map(|v| {
                reaches[v]
                    && !self.spine.contains(&v)
                    && !matches!(self.nodes[v].kind, NodeKind::Outcome(_) | NodeKind::End)
            })
            .collect()
    }

    /// Describes `map` for drawing.
    pub fn build(map: &Map, options: &RenderOptions, overlay: Option<&Overlay>) -> Diagram {
        let lang = options.lang.clone().unwrap_or_else(|| map.language.clone());
        let fallback = map.language.as_str();
        let wording = Wording::for_lang(&lang);
        let text = |t: &salesmap_core::text::Text| t.get(&lang, fallback).trim().to_string();

        let mut phases: Vec<String> = map.phases.iter().map(|p| text(&p.name)).collect();
        let mut phase_ids: Vec<String> = map.phases.iter().map(|p| p.id.clone()).collect();

        let top: Vec<StageIx> = map.top_level().collect();
        let mut node_of = vec![usize::MAX; map.stages.len()];
        for (n, &ix) in top.iter().enumerate() {
            node_of[ix.index()] = n;
        }
        let node_index = |ix: StageIx| node_of[map.top_ancestor(ix).index()];

        let mut nodes = Vec::with_capacity(top.len());
        for &ix in &top {
            let stage = map.stage(ix);
            let kind = match stage.kind {
                StageKind::Step => NodeKind::Step,
                StageKind::WonMilestone => NodeKind::WonMilestone,
                StageKind::Outcome(o) => NodeKind::Outcome(o),
            };
            let phase = stage.phase.as_ref().map(|id| {
                phase_ids.iter().position(|p| p == id).unwrap_or_else(|| {
                    // A phase the map does not list still gets its own band, named by its id.
                    phase_ids.push(id.clone());
                    phases.push(id.clone());
                    phases.len() - 1
                })
            });
            let detail = options.detail.then(|| {
                let mut parts = Vec::new();
                if !stage.exit_checklist.is_empty() {
                    parts.push(wording.checklist(stage.exit_checklist.len()));
                }
                if let Some(days) = stage.target_days {
                    parts.push(wording.target_days(days));
                }
                parts.join(" · ")
            });
            let mut sub_stages = Vec::new();
            let mut hidden_sub_stages = 0;
            collect_sub_stages(
                map,
                ix,
                1,
                options.depth,
                &text,
                &mut sub_stages,
                &mut hidden_sub_stages,
            );
            let (figures, alert) = match overlay.and_then(|o| o.stages.get(&ix)) {
                Some(f) => stage_figures(wording, f),
                None => (Vec::new(), false),
            };
            let mut title = text(&stage.name);
            if title.is_empty() {
                title = stage.id.clone();
            }
            nodes.push(Node {
                stage: Some(ix),
                id: stage.id.clone(),
                kind,
                start: ix == map.start,
                title,
                owners: stage.owners.clone(),
                phase,
                detail: detail.filter(|d| !d.is_empty()),
                sub_stages,
                hidden_sub_stages,
                figures,
                alert,
            });
        }

        let max_count = overlay.map_or(0, Overlay::max_count);
        let weight = |count: u64| (max_count > 0).then(|| count as f32 / max_count as f32);

        // A stage decides when it asks a question or a branch out of it is an answer.
        let deciding: Vec<bool> =
            top.iter()
                .map(|&ix| {
                    map.stage(ix).decision.is_some()
                        || map.transitions.iter().any(|t| {
                            node_index(t.from) == node_of[ix.index()] && t.answer.is_some()
                        })
                })
                .collect();
        let mut diamond_of = vec![None; nodes.len()];
        for (v, &ix) in top.iter().enumerate() {
            if !deciding[v] || map.outcome(ix).is_some() {
                continue;
            }
            let stage = map.stage(ix);
            diamond_of[v] = Some(nodes.len());
            nodes.push(Node {
                stage: Some(ix),
                id: format!("{}?", stage.id),
                kind: NodeKind::Decision,
                start: false,
                title: stage.decision.as_ref().map(&text).unwrap_or_default(),
                owners: stage.owners.clone(),
                phase: nodes[v].phase,
                detail: None,
                sub_stages: Vec::new(),
                hidden_sub_stages: 0,
                figures: Vec::new(),
                alert: false,
            });
        }

        let mut edges: Vec<Edge> = Vec::new();
        // Into each decision first: the spine reads stage, question, answer.
        for (v, d) in diamond_of.iter().enumerate() {
            if let Some(d) = *d {
                let weight = overlay.and_then(|o| {
                    let reached = o.stages.get(&top[v])?.reached?;
                    weight(reached)
                });
                edges.push(Edge {
                    weight: weight.map(|w| w.min(1.0)),
                    ..Edge::plain(v, d, EdgeKind::IntoDecision)
                });
            }
        }
        for (t_ix, t) in map.transitions.iter().enumerate() {
            let from = node_index(t.from);
            let answer = t.answer.or_else(|| {
                // A decision's `next` is the answer its branches are not.
                diamond_of[from]?;
                (t.kind == TransitionKind::Next).then(|| {
                    let branch_answers: Vec<Answer> = map
                        .transitions
                        .iter()
                        .filter(|b| node_index(b.from) == from && b.kind == TransitionKind::Branch)
                        .filter_map(|b| b.answer)
                        .collect();
                    if !branch_answers.is_empty()
                        && branch_answers.iter().all(|&a| a == Answer::Yes)
                    {
                        Answer::No
                    } else {
                        Answer::Yes
                    }
                })
            });
            let figures_of = overlay.and_then(|o| o.transitions.get(&(t.from, t.to)));
            edges.push(Edge {
                from: diamond_of[from].unwrap_or(from),
                to: node_index(t.to),
                kind: match t.kind {
                    TransitionKind::Next => EdgeKind::Next,
                    TransitionKind::Branch => EdgeKind::Branch,
                },
                answer: answer.map(|a| {
                    match a {
                        Answer::Yes => wording.yes(),
                        Answer::No => wording.no(),
                    }
                    .to_string()
                }),
                label: t.when.as_ref().map(&text).filter(|w| !w.is_empty()),
                figures: figures_of
                    .map(|f| vec![share_line(wording, f)])
                    .unwrap_or_default(),
                weight: figures_of.and_then(|f| weight(f.count)),
                heat: None,
                transition: Some(t_ix),
            });
        }
        if let Some(o) = overlay {
            for m in &o.off_map {
                let from = node_index(m.from);
                edges.push(Edge {
                    label: Some(wording.not_in_map().to_string()),
                    figures: vec![share_line(wording, &m.figures)],
                    weight: weight(m.figures.count),
                    ..Edge::plain(from, node_index(m.to), EdgeKind::NotInMap)
                });
            }
        }

        let mut spine: Vec<usize> = Vec::new();
        for ix in map.main_path() {
            let n = node_index(ix);
            if !spine.contains(&n) {
                spine.push(n);
                if let Some(d) = diamond_of[n] {
                    spine.push(d);
                }
            }
        }

        let mut subtitle = Vec::new();
        let mut first = Vec::new();
        if let Some(version) = &map.version {
            first.push(version.clone());
        }
        if let Some(description) = map.description.as_ref().map(&text)
            && !description.is_empty()
        {
            first.push(description);
        }
        if !first.is_empty() {
            subtitle.push(first.join(" · "));
        }
        if let Some(goal) = &map.goal {
            let mut line = format!("{}: {}", wording.goal(), text(&goal.description));
            let mut target = group_thousands(goal.target);
            if let Some(unit) = &goal.unit {
                target = format!("{target} {unit}");
            }
            line.push_str(&format!(" ({target}"));
            if let Some(deadline) = &goal.deadline {
                line.push_str(&format!(", {deadline}"));
            }
            line.push(')');
            subtitle.push(line);
        }
        if let Some(o) = overlay {
            let m = &o.measured;
            let span = m.first_event.zip(m.last_event);
            subtitle.push(wording.measured(&m.source, m.deals, span, m.as_of));
        }

        let has_figures = edges.iter().any(|e| !e.figures.is_empty())
            || nodes.iter().any(|n| !n.figures.is_empty());
        let mut title = text(&map.name);
        if title.is_empty() {
            title = "Sales process map".to_string();
        }
        Diagram {
            title,
            subtitle,
            lang,
            wording,
            lanes: options.lanes,
            source: Source::Designed,
            nodes,
            edges,
            spine,
            phases,
            has_figures,
        }
    }

    /// Describes an as-is process map for drawing: `source` names the history in the title.
    pub fn of_process_map(pm: &ProcessMap, source: &str, options: &RenderOptions) -> Diagram {
        let lang = options.lang.clone().unwrap_or_else(|| "en".to_string());
        let wording = Wording::for_lang(&lang);
        let view = options.view;
        let n = pm.activities.len();
        let mut nodes: Vec<Node> = pm
            .activities
            .iter()
            .enumerate()
            .map(|(a, act)| Node {
                stage: Some(StageIx(a as u32)),
                id: format!("a{a}"),
                kind: NodeKind::Step,
                start: false,
                title: act.name.clone(),
                owners: Vec::new(),
                phase: None,
                detail: None,
                sub_stages: Vec::new(),
                hidden_sub_stages: 0,
                figures: vec![FigureLine::new(
                    match pm.unit {
                        CountUnit::Events => wording.events(act.count),
                        CountUnit::Deals => wording.deals(act.count),
                    },
                    Tone::Figure,
                )],
                alert: false,
            })
            .collect();
        let terminal = |kind: NodeKind, title: &str, id: &str| Node {
            stage: None,
            id: id.to_string(),
            kind,
            start: false,
            title: title.to_string(),
            owners: Vec::new(),
            phase: None,
            detail: None,
            sub_stages: Vec::new(),
            hidden_sub_stages: 0,
            figures: Vec::new(),
            alert: false,
        };
        nodes.push(terminal(NodeKind::Start, wording.start(), "start"));
        nodes.push(terminal(NodeKind::End, wording.end(), "end"));
        let (start, end) = (n, n + 1);
        let node = |p: Endpoint| match p {
            Endpoint::Start => start,
            Endpoint::Activity(a) => a,
            Endpoint::End => end,
        };
        let max_count = pm.max_count().max(1) as f32;
        // Heat runs over the log of the times drawn, fastest to slowest, so a minute and a
        // day are told apart as well as a day and a month.
        let logs = pm
            .edges
            .iter()
            .filter_map(|e| e.median_seconds)
            .map(f64::ln_1p);
        let (fastest, slowest) = logs.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        let edges = pm
            .edges
            .iter()
            .map(|e| {
                let mut figures = Vec::new();
                match (view, e.median_seconds, e.mean_seconds) {
                    (View::Performance, Some(median), Some(mean)) => {
                        figures.push(FigureLine::new(wording.median_time(median), Tone::Figure));
                        figures.push(FigureLine::new(wording.mean_time(mean), Tone::Muted));
                    }
                    (View::Performance, _, _) => {}
                    (View::Frequency, _, _) => match pm.unit {
                        CountUnit::Events => {
                            figures.push(FigureLine::new(wording.times(e.count), Tone::Figure))
                        }
                        CountUnit::Deals => figures.push(FigureLine::new(
                            group_thousands(e.count as f64),
                            Tone::Figure,
                        )),
                    },
                }
                let heat = match (view, e.median_seconds) {
                    (View::Performance, Some(m)) if slowest > fastest => {
                        Some(((m.ln_1p() - fastest) / (slowest - fastest)) as f32)
                    }
                    (View::Performance, Some(_)) => Some(0.0),
                    _ => None,
                };
                Edge {
                    figures,
                    weight: Some(e.count as f32 / max_count),
                    heat,
                    ..Edge::plain(
                        node(e.from),
                        node(e.to),
                        if e.main {
                            EdgeKind::Next
                        } else {
                            EdgeKind::Branch
                        },
                    )
                }
            })
            .collect::<Vec<Edge>>();
        let mut spine = vec![start];
        spine.extend(pm.main_path.iter().copied());
        let ends_main = pm.main_path.last().is_some_and(|&a| {
            pm.edges
                .iter()
                .any(|e| e.from == Endpoint::Activity(a) && e.to == Endpoint::End)
        });
        if ends_main {
            spine.push(end);
        }
        let mut subtitle = Vec::new();
        let span = pm.first_event.zip(pm.last_event);
        subtitle.push(wording.measured("", pm.cases, span, None));
        subtitle.push(wording.sliders(
            (pm.activities_shown, pm.activities_total),
            (pm.paths_shown, pm.paths_total),
        ));
        Diagram {
            title: wording.as_is_title(source),
            subtitle,
            lang,
            wording,
            lanes: Lanes::None,
            source: Source::AsIs(view),
            nodes,
            edges,
            spine,
            phases: Vec::new(),
            has_figures: true,
        }
    }
}

/// A stage's figure lines: deals and median, the median against the target, the deals there
/// now; and whether the median is over the target.
fn stage_figures(
    wording: Wording,
    f: &salesmap_core::overlay::StageFigures,
) -> (Vec<FigureLine>, bool) {
    let mut lines = Vec::new();
    if let Some(n) = f.reached {
        lines.push(FigureLine::new(
            wording.reached_and_median(n, f.median_days),
            Tone::Figure,
        ));
    }
    let over = f.over_target();
    if let Some(t) = f.target_days
        && f.median_days.is_some()
    {
        lines.push(if over {
            FigureLine::new(wording.over_target(t), Tone::Alert)
        } else {
            FigureLine::new(wording.target_days(t), Tone::Muted)
        });
    }
    if f.open > 0 {
        let tone = if f.stale > 0 {
            Tone::Alert
        } else {
            Tone::Muted
        };
        lines.push(FigureLine::new(wording.open_now(f.open, f.stale), tone));
    }
    if f.customers > 0 {
        let tone = if f.customers_over_target > 0 {
            Tone::Alert
        } else {
            Tone::Muted
        };
        lines.push(FigureLine::new(
            wording.customers_now(f.customers, f.customers_over_target),
            tone,
        ));
    }
    (lines, over)
}

fn share_line(wording: Wording, f: &TransitionFigures) -> FigureLine {
    FigureLine::new(wording.share_of(f.share, f.reached_from), Tone::Figure)
}

fn collect_sub_stages(
    map: &Map,
    parent: StageIx,
    level: u32,
    depth: u32,
    text: &dyn Fn(&salesmap_core::text::Text) -> String,
    out: &mut Vec<SubStage>,
    hidden: &mut usize,
) {
    for child in map.children(parent) {
        if level > depth {
            *hidden += 1 + count_descendants(map, child);
            continue;
        }
        let mut title = text(&map.stage(child).name);
        if title.is_empty() {
            title = map.stage(child).id.clone();
        }
        out.push(SubStage {
            stage: child,
            title,
            level,
        });
        collect_sub_stages(map, child, level + 1, depth, text, out, hidden);
    }
}

fn count_descendants(map: &Map, parent: StageIx) -> usize {
    map.children(parent)
        .map(|c| 1 + count_descendants(map, c))
        .sum()
}
