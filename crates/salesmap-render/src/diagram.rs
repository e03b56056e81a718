//! [`Diagram`]: what the drawing shows, before any geometry.
//!
//! Built from a [`Map`], the [`RenderOptions`] and an optional [`Overlay`]: one [`Node`] per
//! top-level stage (transitions join top-level stages; sub-stages are drawn inside their
//! parent down to `depth` levels, deeper ones are counted), one [`Edge`] per transition, every
//! label already in the language asked for. Layout and the text writers (Mermaid, DOT) all read
//! this one description, so they agree on what is drawn.

use salesmap_core::map::{Answer, Map, Outcome, StageIx, StageKind, TransitionKind};
use salesmap_core::overlay::Overlay;

use crate::options::{Lanes, RenderOptions};
use crate::wording::{Wording, format_number};

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
    /// One per top-level stage, in file order.
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Node indices along the main path, from the start stage.
    pub spine: Vec<usize>,
    /// Phase names in display order; [`Node::phase`] indexes this.
    pub phases: Vec<String>,
    /// Whether any edge carries a measured figure.
    pub has_figures: bool,
}

/// What a node is, which decides its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Step,
    WonMilestone,
    Outcome(Outcome),
}

/// A top-level stage and what its box says.
#[derive(Clone, Debug)]
pub struct Node {
    pub stage: StageIx,
    pub id: String,
    pub kind: NodeKind,
    /// The map's start stage.
    pub start: bool,
    pub title: String,
    pub owners: Vec<String>,
    /// Index into [`Diagram::phases`].
    pub phase: Option<usize>,
    /// The question decided in the stage.
    pub decision: Option<String>,
    /// Exit checklist count and target days, when `--detail` asks for them.
    pub detail: Option<String>,
    /// Sub-stages drawn inside the box, depth first, with their nesting level (1 = child).
    pub sub_stages: Vec<SubStage>,
    /// Sub-stages below the drawn depth, shown as a count.
    pub hidden_sub_stages: usize,
    /// Measured figures for the stage.
    pub figure: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SubStage {
    pub stage: StageIx,
    pub title: String,
    pub level: u32,
}

/// A transition between two nodes.
#[derive(Clone, Debug)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: TransitionKind,
    /// The branch condition (`no budget`), or the decision answer when no condition is given.
    pub label: Option<String>,
    /// Measured figures for the move.
    pub figure: Option<String>,
}

impl Diagram {
    /// Lanes as groups for the text formats (DOT clusters, Mermaid subgraphs): (lane name,
    /// member nodes), in display order; outcomes stay outside owner lanes.
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
            let figure = overlay
                .and_then(|o| o.stages.get(&ix))
                .map(|f| f.label.trim().to_string())
                .filter(|l| !l.is_empty());
            let mut title = text(&stage.name);
            if title.is_empty() {
                title = stage.id.clone();
            }
            nodes.push(Node {
                stage: ix,
                id: stage.id.clone(),
                kind,
                start: ix == map.start,
                title,
                owners: stage.owners.clone(),
                phase,
                decision: stage.decision.as_ref().map(&text).filter(|d| !d.is_empty()),
                detail: detail.filter(|d| !d.is_empty()),
                sub_stages,
                hidden_sub_stages,
                figure,
            });
        }

        let edges: Vec<Edge> = map
            .transitions
            .iter()
            .map(|t| {
                let label = t
                    .when
                    .as_ref()
                    .map(&text)
                    .filter(|w| !w.is_empty())
                    .or_else(|| {
                        t.answer.map(|a| match a {
                            Answer::Yes => wording.yes().to_string(),
                            Answer::No => wording.no().to_string(),
                        })
                    });
                let figure = overlay
                    .and_then(|o| o.transitions.get(&(t.from, t.to)))
                    .map(|f| f.label.trim().to_string())
                    .filter(|l| !l.is_empty());
                Edge {
                    from: node_index(t.from),
                    to: node_index(t.to),
                    kind: t.kind,
                    label,
                    figure,
                }
            })
            .collect();

        let mut spine: Vec<usize> = Vec::new();
        for ix in map.main_path() {
            let n = node_index(ix);
            if !spine.contains(&n) {
                spine.push(n);
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
        if let Some(caption) = overlay.map(|o| o.caption.trim()).filter(|c| !c.is_empty()) {
            subtitle.push(caption.to_string());
        }

        let has_figures =
            edges.iter().any(|e| e.figure.is_some()) || nodes.iter().any(|n| n.figure.is_some());
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
            nodes,
            edges,
            spine,
            phases,
            has_figures,
        }
    }
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

/// A goal amount with thousands separators: `1,200,000`.
fn group_thousands(value: f64) -> String {
    let text = format_number(value);
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::group_thousands;

    #[test]
    fn goal_amounts_are_grouped() {
        assert_eq!(group_thousands(1_200_000.0), "1,200,000");
        assert_eq!(group_thousands(75.0), "75");
        assert_eq!(group_thousands(-1234.5), "-1,234.5");
    }
}
