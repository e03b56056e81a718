//! [`Layout`]: the geometry of the drawing, a pure function of a [`Diagram`].
//!
//! A layered flowchart read top to bottom:
//! 1. Rows. The main path is the spine: its stages take rows 0, 1, 2… in flow order. A stage
//!    that a branch leads to from the spine sits beside its source (same row); stages after it
//!    take the following rows. An outcome (a stage nothing leaves) sits in the row of its last
//!    source, so branches from earlier stages run down to it instead of back up.
//! 2. Columns. Within a lane (the whole drawing, or one owner's swimlane) the spine holds one
//!    column; stages that loop back into the process go to its left, outcomes and other
//!    branches to its right, so loops and exits never cross the spine.
//! 3. Sizes. Boxes are sized to their measured text; working stages in a column share its width
//!    so the spine reads as one straight line.
//! 4. Edges are routed orthogonally around all boxes ([`crate::route`]), and each edge label is
//!    placed beside its route where it overlaps no box and no other label.
//!
//! Invariants the tests check: no two boxes overlap; every route starts on its source box's
//! border and ends on its target box's border; every text run lies inside its box; no label
//! overlaps a box or another label.

use std::collections::VecDeque;

use salesmap_core::as_is::ProcessMap;
use salesmap_core::map::{Map, Outcome, StageIx};
use salesmap_core::overlay::Overlay;

use crate::diagram::{Diagram, EdgeKind, Node, NodeKind, Source, Tone};
use crate::font::{ASCENT_EM, DESCENT_EM, Weight, text_width, wrap};
use crate::options::{Lanes, RenderOptions};
use crate::route::{CLEARANCE, Port, Request, Side, route_all};

pub use crate::geometry::{Point, Rect};

/// What a piece of text is, which decides its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextRole {
    MapTitle,
    Subtitle,
    LaneName,
    Badge,
    MilestoneBadge,
    StageName,
    OutcomeName,
    Owners,
    Decision,
    Detail,
    SubStage,
    /// A measured figure.
    Figure,
    /// Context beside a figure (a target that is met).
    FigureMuted,
    /// A figure to act on (over target, stale deals).
    FigureAlert,
    /// A decision's question, inside its diamond.
    Question,
    /// The answer an edge stands for (`yes`, `no`).
    Answer,
    EdgeLabel,
    LegendTitle,
    LegendText,
}

/// One line of text, measured: `x` is its left edge, `baseline` its baseline. Writers centre it
/// on `x + width / 2` so a viewer with a different font still keeps it centred.
#[derive(Clone, Debug, PartialEq)]
pub struct TextRun {
    pub text: String,
    pub x: f32,
    pub baseline: f32,
    pub size: f32,
    pub weight: Weight,
    pub width: f32,
    pub role: TextRole,
}

impl TextRun {
    /// The ink box of the run (advance width × ascent + descent).
    pub fn bounds(&self) -> Rect {
        Rect {
            x: self.x,
            y: self.baseline - ASCENT_EM * self.size,
            w: self.width,
            h: (ASCENT_EM + DESCENT_EM) * self.size,
        }
    }
}

/// A stage box (or a decision diamond, or an as-is map's start or end, in its bounding box).
#[derive(Clone, Debug)]
pub struct NodeBox {
    /// Index into [`Diagram::nodes`].
    pub node: usize,
    pub stage: Option<StageIx>,
    pub kind: NodeKind,
    pub rect: Rect,
    pub phase: Option<usize>,
    /// The median stay is over the stage's target.
    pub alert: bool,
    pub texts: Vec<TextRun>,
    /// Sub-stage chips drawn inside the box, with their nesting level.
    pub chips: Vec<(Rect, u32)>,
    pub row: usize,
    pub column: usize,
}

/// How an edge is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeStyle {
    /// A `next` move along the flow.
    Main,
    /// A branch to a working stage further on.
    Branch,
    /// A branch to an outcome.
    Exit(Outcome),
    /// A move back to an earlier row (nurture, recycle, rework).
    Loop,
    /// A move deals make that the map does not have.
    NotInMap,
}

/// An edge label: its box (painted with a backing) and its lines.
#[derive(Clone, Debug)]
pub struct Label {
    pub rect: Rect,
    pub texts: Vec<TextRun>,
}

/// A routed edge.
#[derive(Clone, Debug)]
pub struct EdgePath {
    /// Index into [`Diagram::edges`].
    pub edge: usize,
    pub from: usize,
    pub to: usize,
    pub style: EdgeStyle,
    /// Orthogonal polyline from the source box's border to the target box's border.
    pub points: Vec<Point>,
    pub label: Option<Label>,
    /// Volume against the busiest drawn edge (0..=1), when measured.
    pub weight: Option<f32>,
    /// Median time against the slowest drawn edge (0..=1), in the performance view.
    pub heat: Option<f32>,
}

/// A phase band or an owner swimlane.
#[derive(Clone, Debug)]
pub struct LaneBox {
    pub rect: Rect,
    pub header: Rect,
    pub texts: Vec<TextRun>,
    /// Colour slot: the phase index for bands, the lane's position for swimlanes.
    pub tint: usize,
    pub is_phase: bool,
}

/// A legend sample: what the swatch shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Swatch {
    Stage,
    Decision,
    WonMilestone,
    Outcome(Outcome),
    Edge(EdgeStyleSample),
    Phase(usize),
    Figure,
    OverTarget,
    Terminal,
    Width,
    Heat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeStyleSample {
    Main,
    Branch,
    Loop,
    NotInMap,
}

#[derive(Clone, Debug)]
pub struct LegendEntry {
    pub swatch: Swatch,
    pub swatch_rect: Rect,
    pub text: TextRun,
}

#[derive(Clone, Debug)]
pub struct Legend {
    pub rect: Rect,
    pub title: TextRun,
    pub entries: Vec<LegendEntry>,
}

/// The whole drawing's geometry.
#[derive(Clone, Debug)]
pub struct Layout {
    pub width: f32,
    pub height: f32,
    pub title: Vec<TextRun>,
    pub lanes: Vec<LaneBox>,
    pub nodes: Vec<NodeBox>,
    pub edges: Vec<EdgePath>,
    pub legend: Option<Legend>,
}

const MARGIN: f32 = 24.0;
const COL_GAP: f32 = 64.0;
const ROW_GAP: f32 = 56.0;
/// Between a deciding stage and its diamond.
const DIAMOND_GAP: f32 = 22.0;
const PAD_X: f32 = 12.0;
const PAD_Y: f32 = 9.0;
const STEP_MIN_W: f32 = 150.0;
const STEP_MAX_W: f32 = 232.0;
/// An as-is map's boxes: narrower, so a row of side roads fits a screen.
const AS_IS_MIN_W: f32 = 110.0;
const AS_IS_MAX_W: f32 = 184.0;
/// An as-is map's gaps: its labels are short counts and times.
const AS_IS_COL_GAP: f32 = 40.0;
const AS_IS_ROW_GAP: f32 = 26.0;
const AS_IS_PAD_Y: f32 = 5.0;
/// An as-is map's smallest text.
const AS_IS_TEXT: f32 = 12.0;
const OUTCOME_MIN_W: f32 = 104.0;
const OUTCOME_MAX_W: f32 = 180.0;
const PHASE_HEADER_W: f32 = 124.0;
const OWNER_HEADER_H: f32 = 36.0;
const LABEL_MAX_W: f32 = 170.0;
/// Swimlanes: narrower boxes and labels, so six owners' lanes fit a slide.
const OWNER_STEP_MAX_W: f32 = 196.0;
const OWNER_LABEL_MAX_W: f32 = 128.0;
const LINE: f32 = 1.3;

/// Lays out `map` as drawn with `options`.
pub fn layout_map(map: &Map, options: &RenderOptions, overlay: Option<&Overlay>) -> Layout {
    layout(&Diagram::build(map, options, overlay), options.legend)
}

/// Lays out an as-is process map; `source` names the history in the title.
pub fn layout_process_map(pm: &ProcessMap, source: &str, options: &RenderOptions) -> Layout {
    layout(
        &Diagram::of_process_map(pm, source, options),
        options.legend,
    )
}

/// One line of a box before placement.
struct LineSpec {
    text: String,
    size: f32,
    weight: Weight,
    role: TextRole,
    width: f32,
}

impl LineSpec {
    fn new(text: String, size: f32, weight: Weight, role: TextRole) -> LineSpec {
        let width = text_width(&text, size, weight);
        LineSpec {
            text,
            size,
            weight,
            role,
            width,
        }
    }
    fn height(&self) -> f32 {
        self.size * LINE
    }
}

/// A box's content before placement: lines, then sub-stage chips, then trailing lines.
struct Content {
    head: Vec<LineSpec>,
    chips: Vec<(Vec<LineSpec>, u32)>,
    tail: Vec<LineSpec>,
    width: f32,
    height: f32,
}

const CHIP_PAD_X: f32 = 8.0;
const CHIP_PAD_Y: f32 = 4.0;
const CHIP_GAP: f32 = 4.0;
const CHIP_INDENT: f32 = 12.0;

fn wrapped(text: &str, max: f32, size: f32, weight: Weight, role: TextRole) -> Vec<LineSpec> {
    wrap(text, max, size, weight)
        .into_iter()
        .map(|l| LineSpec::new(l, size, weight, role))
        .collect()
}

/// The smallest text size anywhere on a drawing: legible at 11 px on a 1920 × 1080 screen.
pub const MIN_TEXT: f32 = 11.0;

fn measure_node(node: &Node, diagram: &Diagram) -> Content {
    match node.kind {
        NodeKind::Decision => {
            let widest = if diagram.lanes == Lanes::Owner {
                OWNER_STEP_MAX_W
            } else {
                STEP_MAX_W
            };
            return measure_diamond(node, widest);
        }
        NodeKind::Start | NodeKind::End => return measure_terminal(node),
        _ => {}
    }
    let words = diagram.wording;
    let outcome = matches!(node.kind, NodeKind::Outcome(_));
    let as_is = matches!(diagram.source, Source::AsIs(_));
    let (min_w, max_w) = if outcome {
        (OUTCOME_MIN_W, OUTCOME_MAX_W)
    } else if as_is {
        (AS_IS_MIN_W, AS_IS_MAX_W)
    } else if diagram.lanes == Lanes::Owner {
        (STEP_MIN_W, OWNER_STEP_MAX_W)
    } else {
        (STEP_MIN_W, STEP_MAX_W)
    };
    let text_max = max_w - 2.0 * PAD_X;
    let title_size = if as_is { 13.0 } else { 14.0 };
    let mut head = Vec::new();
    if node.start {
        head.push(LineSpec::new(
            words.start().to_string(),
            MIN_TEXT,
            Weight::Bold,
            TextRole::Badge,
        ));
    }
    if node.kind == NodeKind::WonMilestone {
        head.push(LineSpec::new(
            words.won_milestone().to_string(),
            MIN_TEXT,
            Weight::Bold,
            TextRole::MilestoneBadge,
        ));
    }
    let title_role = if outcome {
        TextRole::OutcomeName
    } else {
        TextRole::StageName
    };
    head.extend(wrapped(
        &node.title,
        text_max,
        title_size,
        Weight::Bold,
        title_role,
    ));
    // In owner swimlanes the lane names the first owner; co-owners are still named on the box.
    let owners_shown = match diagram.lanes {
        Lanes::Owner => node.owners.len() > 1 && !outcome,
        _ => !node.owners.is_empty(),
    };
    if owners_shown {
        let owners = node.owners.join(" · ");
        head.extend(wrapped(
            &owners,
            text_max,
            MIN_TEXT,
            Weight::Regular,
            TextRole::Owners,
        ));
    }
    if let Some(detail) = &node.detail {
        head.extend(wrapped(
            detail,
            text_max,
            MIN_TEXT,
            Weight::Regular,
            TextRole::Detail,
        ));
    }
    let mut chips = Vec::new();
    for sub in &node.sub_stages {
        let indent = CHIP_INDENT * (sub.level - 1) as f32;
        let max = text_max - 2.0 * CHIP_PAD_X - indent;
        let lines = wrapped(
            &sub.title,
            max,
            MIN_TEXT,
            Weight::Regular,
            TextRole::SubStage,
        );
        chips.push((lines, sub.level));
    }
    let mut tail = Vec::new();
    if node.hidden_sub_stages > 0 {
        let line = words.sub_stages(node.hidden_sub_stages);
        tail.extend(wrapped(
            &line,
            text_max,
            MIN_TEXT,
            Weight::Regular,
            TextRole::Detail,
        ));
    }
    // An as-is map is read on a screen, scaled to fit: its figures a point larger.
    let figure_size = if as_is { AS_IS_TEXT } else { MIN_TEXT };
    for figure in &node.figures {
        tail.extend(wrapped(
            &figure.text,
            text_max,
            figure_size,
            Weight::Bold,
            figure_role(figure.tone),
        ));
    }

    let mut width: f32 = 0.0;
    let pad_y = if as_is { AS_IS_PAD_Y } else { PAD_Y };
    let mut height = 2.0 * pad_y;
    for line in head.iter().chain(&tail) {
        width = width.max(line.width);
        height += line.height();
    }
    for (lines, level) in &chips {
        let indent = CHIP_INDENT * (level - 1) as f32;
        for line in lines {
            width = width.max(line.width + 2.0 * CHIP_PAD_X + indent);
        }
        height += chip_height(lines) + CHIP_GAP;
    }
    if !chips.is_empty() {
        height += CHIP_GAP;
    }
    Content {
        head,
        chips,
        tail,
        width: (width + 2.0 * PAD_X).clamp(min_w, max_w),
        height: height.ceil(),
    }
}

pub(crate) fn figure_role(tone: Tone) -> TextRole {
    match tone {
        Tone::Figure => TextRole::Figure,
        Tone::Muted => TextRole::FigureMuted,
        Tone::Alert => TextRole::FigureAlert,
    }
}

/// A decision diamond: its question wrapped so that the text block fits inside the rhombus
/// (a `w × h` block fits a `W × H` rhombus when `w / W + h / H ≤ 1`), at the width that gives
/// the lowest diamond.
fn measure_diamond(node: &Node, widest: f32) -> Content {
    let size = MIN_TEXT;
    if node.title.trim().is_empty() {
        return Content {
            head: Vec::new(),
            chips: Vec::new(),
            tail: Vec::new(),
            width: 56.0,
            height: 36.0,
        };
    }
    let mut best: Option<(f32, f32, Vec<LineSpec>)> = None;
    for wrap_at in [96.0, 112.0, 128.0, 144.0, 160.0] {
        let lines = wrapped(&node.title, wrap_at, size, Weight::Bold, TextRole::Question);
        let w = lines.iter().map(|l| l.width).fold(0.0f32, f32::max) + 4.0;
        let h: f32 = lines.iter().map(LineSpec::height).sum::<f32>() + 2.0;
        // No wider than a stage box, so the spine stays straight.
        let width = widest.min((2.0 * w).max(w + 60.0));
        if w >= width - 1.0 {
            continue;
        }
        let height = (h / (1.0 - w / width)).ceil() + 2.0;
        if best.as_ref().is_none_or(|b| height < b.1) {
            best = Some((width, height, lines));
        }
    }
    let (width, height, head) = best.unwrap_or_else(|| {
        // A single word longer than any wrap: give it a wide, flat diamond.
        let lines = wrapped(
            &node.title,
            widest / 2.0,
            size,
            Weight::Bold,
            TextRole::Question,
        );
        let w = lines.iter().map(|l| l.width).fold(0.0f32, f32::max) + 4.0;
        let h: f32 = lines.iter().map(LineSpec::height).sum::<f32>() + 2.0;
        (2.0 * w, 2.0 * h, lines)
    });
    Content {
        head,
        chips: Vec::new(),
        tail: Vec::new(),
        width: width.ceil(),
        height,
    }
}

/// An as-is map's start or end: a pill with its word.
fn measure_terminal(node: &Node) -> Content {
    let line = LineSpec::new(node.title.clone(), 12.0, Weight::Bold, TextRole::Badge);
    let width = (line.width + 28.0).ceil();
    Content {
        head: vec![line],
        chips: Vec::new(),
        tail: Vec::new(),
        width,
        height: 30.0,
    }
}

fn chip_height(lines: &[LineSpec]) -> f32 {
    lines.iter().map(LineSpec::height).sum::<f32>() + 2.0 * CHIP_PAD_Y
}

/// Places the content's lines and chips inside `rect`, centred.
fn place_content(content: &Content, rect: Rect) -> (Vec<TextRun>, Vec<(Rect, u32)>) {
    let mut texts = Vec::new();
    let mut chips = Vec::new();
    // The lines and chips, centred as one block (a diamond's or a pill's text in its middle).
    let mut inner: f32 = content
        .head
        .iter()
        .chain(&content.tail)
        .map(LineSpec::height)
        .sum();
    for (lines, _) in &content.chips {
        inner += chip_height(lines) + CHIP_GAP;
    }
    if !content.chips.is_empty() {
        inner += CHIP_GAP;
    }
    let mut y = rect.y + ((rect.h - inner) / 2.0).max(0.0);
    let put = |line: &LineSpec, cx: f32, y: &mut f32, texts: &mut Vec<TextRun>| {
        // Centre the ink (ascent + descent) in the line's box.
        let ink = (ASCENT_EM + DESCENT_EM) * line.size;
        let baseline = *y + (line.height() - ink) / 2.0 + ASCENT_EM * line.size;
        texts.push(TextRun {
            text: line.text.clone(),
            x: cx - line.width / 2.0,
            baseline,
            size: line.size,
            weight: line.weight,
            width: line.width,
            role: line.role,
        });
        *y += line.height();
    };
    for line in &content.head {
        put(line, rect.cx(), &mut y, &mut texts);
    }
    if !content.chips.is_empty() {
        y += CHIP_GAP;
    }
    for (lines, level) in &content.chips {
        let indent = CHIP_INDENT * (level - 1) as f32;
        let chip = Rect {
            x: rect.x + PAD_X + indent,
            y,
            w: rect.w - 2.0 * PAD_X - indent,
            h: chip_height(lines),
        };
        chips.push((chip, *level));
        let mut ly = y + CHIP_PAD_Y;
        for line in lines {
            put(line, chip.cx(), &mut ly, &mut texts);
        }
        y += chip.h + CHIP_GAP;
    }
    for line in &content.tail {
        put(line, rect.cx(), &mut y, &mut texts);
    }
    (texts, chips)
}

/// Where a node goes relative to the spine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Side3 {
    Left,
    Spine,
    Right,
}

/// How an owner-swimlane drawing is arranged; [`layout`] tries each and keeps the one with the
/// fewest crossings, then the smallest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Arrangement {
    /// A hand-off to another owner's lane stays in the row it came from (the arrow runs
    /// sideways), when that lane has nothing there yet.
    share_rows: bool,
    /// … even out of a decision diamond (whose other answers also leave by its sides).
    share_after_decisions: bool,
    /// Outcomes get a lane of their own at the right, instead of the lane of their source.
    outcome_lane: bool,
}

const PLAIN: Arrangement = Arrangement {
    share_rows: false,
    share_after_decisions: false,
    outcome_lane: false,
};

/// Row of every node (see the module docs, step 1).
fn assign_rows(diagram: &Diagram, arrangement: Arrangement) -> Vec<usize> {
    let n = diagram.nodes.len();
    let mut out_adj = vec![Vec::new(); n];
    let mut in_adj = vec![Vec::new(); n];
    // Moves not in the map are measured extras: the drawing's shape is the map's.
    for e in diagram
        .edges
        .iter()
        .filter(|e| e.kind != EdgeKind::NotInMap)
    {
        if e.from != e.to {
            out_adj[e.from].push(e.to);
            in_adj[e.to].push(e.from);
        }
    }
    let mut on_spine = vec![false; n];
    let mut row: Vec<Option<usize>> = vec![None; n];
    // In swimlanes, a hand-off may run sideways: the next stage takes the row it came from
    // when its own lane is free there.
    let share = arrangement.share_rows && diagram.lanes == Lanes::Owner;
    let mut taken: Vec<(Option<&String>, usize)> = Vec::new();
    let mut prev: Option<(Option<&String>, usize)> = None;
    let mut after_decision = false;
    for &v in &diagram.spine {
        let lane = diagram.nodes[v].owners.first().or(prev.and_then(|p| p.0));
        // Not beside a decision: its answers leave by its sides.
        let r = match prev {
            None => 0,
            Some((prev_lane, r))
                if share
                    && (arrangement.share_after_decisions || !after_decision)
                    && lane != prev_lane
                    && !taken.contains(&(lane, r)) =>
            {
                r
            }
            Some((_, r)) => r + 1,
        };
        after_decision = diagram.nodes[v].kind == NodeKind::Decision;
        taken.push((lane, r));
        prev = Some((lane, r));
        row[v] = Some(r);
        on_spine[v] = true;
    }
    let sink = |v: usize| out_adj[v].is_empty();
    let mut queue: VecDeque<usize> = diagram.spine.iter().copied().collect();
    while let Some(u) = queue.pop_front() {
        let Some(ru) = row[u] else { continue };
        for &w in &out_adj[u] {
            if row[w].is_some() || sink(w) {
                continue;
            }
            row[w] = Some(if on_spine[u] { ru } else { ru + 1 });
            queue.push_back(w);
        }
    }
    // Outcomes and other sinks: the row of their last source.
    for v in 0..n {
        if row[v].is_none() && sink(v) {
            row[v] = in_adj[v].iter().filter_map(|&p| row[p]).max();
        }
    }
    // Stages the start does not reach: next to what they lead to, or after what leads to them.
    loop {
        let mut changed = false;
        for v in 0..n {
            if row[v].is_some() {
                continue;
            }
            let by_succ = out_adj[v].iter().filter_map(|&w| row[w]).min();
            let by_pred = in_adj[v]
                .iter()
                .filter_map(|&p| row[p])
                .max()
                .map(|r| r + 1);
            if let Some(r) = by_pred.or(by_succ) {
                row[v] = Some(r);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut row: Vec<usize> = row.into_iter().map(|r| r.unwrap_or(0)).collect();
    // With phase bands, a stage off the spine sits in a row of its own phase's band (the
    // nearest), so the band it is drawn in is the phase the map gives it, as in DOT and
    // Mermaid.
    if diagram.lanes == Lanes::Phase {
        for v in 0..n {
            let Some(p) = diagram.nodes[v].phase else {
                continue;
            };
            if on_spine[v] {
                continue;
            }
            let band: Vec<usize> = diagram
                .spine
                .iter()
                .filter(|&&u| diagram.nodes[u].phase == Some(p))
                .map(|&u| row[u])
                .collect();
            if band.is_empty() || band.contains(&row[v]) {
                continue;
            }
            let here = row[v];
            row[v] = *band
                .iter()
                .min_by_key(|&&r| (r.abs_diff(here), r))
                .expect("the band has rows");
        }
    }
    row
}

/// Which side of the spine each node goes: left when it leads back into the spine (a loop),
/// right otherwise; on an as-is map, right and left in turn.
fn assign_sides(diagram: &Diagram, rows: &[usize]) -> Vec<Side3> {
    let n = diagram.nodes.len();
    if matches!(diagram.source, Source::AsIs(_)) {
        // An as-is map has no designed loops: its side roads go right and left in turn, the
        // most frequent (listed first) nearest the spine on the right, so the drawing stays
        // about as wide as it is tall.
        let mut next_right = vec![true; rows.iter().max().map_or(0, |r| r + 1)];
        return (0..n)
            .map(|v| {
                if diagram.spine.contains(&v) {
                    return Side3::Spine;
                }
                let right = &mut next_right[rows[v]];
                let side = if *right { Side3::Right } else { Side3::Left };
                *right = !*right;
                side
            })
            .collect();
    }
    let mut in_adj = vec![Vec::new(); n];
    for e in diagram
        .edges
        .iter()
        .filter(|e| e.kind != EdgeKind::NotInMap)
    {
        in_adj[e.to].push(e.from);
    }
    // Nodes that reach the spine: walk edges backwards from the spine.
    let mut reaches = vec![false; n];
    let mut stack: Vec<usize> = diagram.spine.clone();
    while let Some(v) = stack.pop() {
        for &p in &in_adj[v] {
            if !reaches[p] {
                reaches[p] = true;
                stack.push(p);
            }
        }
    }
    (0..n)
        .map(|v| {
            if diagram.spine.contains(&v) {
                Side3::Spine
            } else if reaches[v]
                && !matches!(diagram.nodes[v].kind, NodeKind::Outcome(_) | NodeKind::End)
            {
                Side3::Left
            } else {
                Side3::Right
            }
        })
        .collect()
}

/// Lane of every node and the lanes' names. One unnamed lane unless lanes are owners.
fn assign_lanes(
    diagram: &Diagram,
    rows: &[usize],
    arrangement: Arrangement,
) -> (Vec<usize>, Vec<String>) {
    let n = diagram.nodes.len();
    if diagram.lanes != Lanes::Owner {
        return (vec![0; n], vec![String::new()]);
    }
    let mut names: Vec<String> = Vec::new();
    let mut order: Vec<usize> = diagram.spine.clone();
    order.extend((0..n).filter(|v| !diagram.spine.contains(v)));
    for &v in &order {
        if let Some(owner) = diagram.nodes[v].owners.first()
            && !names.contains(owner)
        {
            names.push(owner.clone());
        }
    }
    let mut lane: Vec<Option<usize>> = (0..n)
        .map(|v| {
            let node = &diagram.nodes[v];
            if matches!(node.kind, NodeKind::Outcome(_)) {
                return None;
            }
            node.owners
                .first()
                .and_then(|o| names.iter().position(|x| x == o))
        })
        .collect();
    // Outcomes in a lane of their own, at the right.
    let is_outcome = |v: usize| matches!(diagram.nodes[v].kind, NodeKind::Outcome(_));
    if arrangement.outcome_lane && (0..n).any(is_outcome) {
        names.push(diagram.wording.outcomes().to_string());
        let last = names.len() - 1;
        for v in (0..n).filter(|&v| is_outcome(v)) {
            lane[v] = Some(last);
        }
    }
    // Ownerless stages and outcomes join the lane of the source they sit beside.
    let mut unassigned = None;
    for _ in 0..n {
        let mut changed = false;
        for v in 0..n {
            if lane[v].is_some() {
                continue;
            }
            let source = diagram
                .edges
                .iter()
                .filter(|e| {
                    e.to == v
                        && e.from != v
                        && lane[e.from].is_some()
                        && e.kind != EdgeKind::NotInMap
                })
                .max_by_key(|e| (rows[e.from] <= rows[v], rows[e.from]))
                .map(|e| e.from);
            if let Some(s) = source {
                lane[v] = lane[s];
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let lanes = lane
        .into_iter()
        .map(|l| {
            l.unwrap_or_else(|| {
                *unassigned.get_or_insert_with(|| {
                    names.push(diagram.wording.unassigned().to_string());
                    names.len() - 1
                })
            })
        })
        .collect();
    (lanes, names)
}

/// Global column of every node, and the lane each column belongs to.
fn assign_columns(
    diagram: &Diagram,
    rows: &[usize],
    sides: &[Side3],
    lanes: &[usize],
    lane_count: usize,
) -> (Vec<usize>, Vec<usize>) {
    let n = diagram.nodes.len();
    let row_count = rows.iter().max().map_or(0, |r| r + 1);
    let mut column = vec![0; n];
    let mut column_lane = Vec::new();
    for lane in 0..lane_count {
        let members: Vec<usize> = (0..n).filter(|&v| lanes[v] == lane).collect();
        let has_spine = members.iter().any(|&v| sides[v] == Side3::Spine);
        // Position of each member within its row and side, counted outward from the spine.
        let mut left_of = vec![0usize; row_count];
        let mut right_of = vec![0usize; row_count];
        let mut slot = vec![0usize; n];
        for &v in &members {
            let r = rows[v];
            match sides[v] {
                Side3::Left => {
                    left_of[r] += 1;
                    slot[v] = left_of[r];
                }
                Side3::Right => {
                    right_of[r] += 1;
                    slot[v] = right_of[r];
                }
                Side3::Spine => {}
            }
        }
        // Two spine stages in one lane and row cannot happen: the spine has one per row.
        let lefts = left_of.iter().copied().max().unwrap_or(0);
        let rights = right_of.iter().copied().max().unwrap_or(0);
        let centre = usize::from(has_spine);
        let base = column_lane.len();
        for &v in &members {
            column[v] = base
                + match sides[v] {
                    Side3::Left => lefts - slot[v],
                    Side3::Spine => lefts,
                    Side3::Right => lefts + centre + slot[v] - 1,
                };
        }
        column_lane.extend(std::iter::repeat_n(lane, lefts + centre + rights));
    }
    (column, column_lane)
}

/// Which sides of its boxes an edge leaves and enters by. The top and bottom of a spine stage
/// belong to the main path, so edges that leave or enter the spine sideways use its sides.
fn edge_sides(
    from: (usize, usize),
    to: (usize, usize),
    spine: (bool, bool),
    kind: EdgeKind,
    column_clear: bool,
) -> (Side, Side) {
    let ((ra, ca), (rb, cb)) = (from, to);
    let (from_spine, to_spine) = spine;
    let toward = |right: bool| if right { Side::Right } else { Side::Left };
    if rb > ra {
        if cb == ca {
            if column_clear {
                (Side::Bottom, Side::Top)
            } else {
                (Side::Right, Side::Right)
            }
        } else if matches!(kind, EdgeKind::Next | EdgeKind::IntoDecision) && from_spine && to_spine
        {
            (Side::Bottom, Side::Top)
        } else {
            let source = if from_spine {
                toward(cb > ca)
            } else {
                Side::Bottom
            };
            let target = if to_spine { toward(ca > cb) } else { Side::Top };
            (source, target)
        }
    } else if rb == ra {
        if cb == ca {
            (Side::Right, Side::Right)
        } else {
            (toward(cb > ca), toward(ca > cb))
        }
    } else if cb == ca {
        (Side::Left, Side::Left)
    } else {
        // Back up and across.
        let source = if from_spine {
            toward(cb > ca)
        } else {
            Side::Top
        };
        let target = if to_spine {
            toward(ca > cb)
        } else {
            Side::Bottom
        };
        (source, target)
    }
}

/// Lays out a diagram.
pub fn layout(diagram: &Diagram, with_legend: bool) -> Layout {
    // Owner swimlanes can be arranged several ways; the one with the fewest crossings wins,
    // then the smallest. Large maps take the first, to keep layout time linear in the tries.
    if diagram.lanes != Lanes::Owner || diagram.nodes.len() > 80 {
        return layout_arranged(diagram, with_legend, PLAIN);
    }
    let mut best: Option<(usize, f32, Layout)> = None;
    for (share_rows, share_after_decisions) in [(true, true), (true, false), (false, false)] {
        for outcome_lane in [true, false] {
            let arrangement = Arrangement {
                share_rows,
                share_after_decisions,
                outcome_lane,
            };
            let l = layout_arranged(diagram, with_legend, arrangement);
            let key = (l.crossings(), l.width * l.height);
            if best
                .as_ref()
                .is_none_or(|b| key.0 < b.0 || (key.0 == b.0 && key.1 < b.1 - 0.5))
            {
                best = Some((key.0, key.1, l));
            }
        }
    }
    best.expect("at least one arrangement").2
}

impl Layout {
    /// Places where two different edges cross (segments meeting at a point inside both).
    pub fn crossings(&self) -> usize {
        let segments: Vec<(usize, [f32; 4])> = self
            .edges
            .iter()
            .flat_map(|e| {
                e.points
                    .windows(2)
                    .map(move |s| (e.edge, [s[0].x, s[0].y, s[1].x, s[1].y]))
            })
            .collect();
        let mut count = 0;
        for (i, (ea, a)) in segments.iter().enumerate() {
            for (eb, b) in &segments[i + 1..] {
                if ea == eb {
                    continue;
                }
                let (a_vertical, b_vertical) =
                    ((a[0] - a[2]).abs() < 0.01, (b[0] - b[2]).abs() < 0.01);
                if a_vertical == b_vertical {
                    continue;
                }
                let (v, h) = if a_vertical { (a, b) } else { (b, a) };
                let strictly = |x: f32, p: f32, q: f32| x > p.min(q) + 0.01 && x < p.max(q) - 0.01;
                if strictly(v[0], h[0], h[2]) && strictly(h[1], v[1], v[3]) {
                    count += 1;
                }
            }
        }
        count
    }
}

fn layout_arranged(diagram: &Diagram, with_legend: bool, arrangement: Arrangement) -> Layout {
    let n = diagram.nodes.len();
    let rows = assign_rows(diagram, arrangement);
    let sides = assign_sides(diagram, &rows);
    let (lanes, lane_names) = assign_lanes(diagram, &rows, arrangement);
    let (columns, column_lane) = assign_columns(diagram, &rows, &sides, &lanes, lane_names.len());
    let row_count = rows.iter().max().map_or(0, |r| r + 1);
    let col_count = column_lane.len();

    let contents: Vec<Content> = diagram
        .nodes
        .iter()
        .map(|node| measure_node(node, diagram))
        .collect();
    let mut col_w = vec![0.0f32; col_count];
    let mut row_h = vec![0.0f32; row_count];
    for v in 0..n {
        col_w[columns[v]] = col_w[columns[v]].max(contents[v].width);
    }
    if diagram.lanes == Lanes::Owner {
        // A swimlane is at least as wide as its name, so the name is never cut.
        for (lane, name) in lane_names.iter().enumerate() {
            let cols: Vec<usize> = (0..col_count).filter(|&c| column_lane[c] == lane).collect();
            let inner = cols.iter().map(|&c| col_w[c]).sum::<f32>()
                + COL_GAP * cols.len().saturating_sub(1) as f32;
            let needed = text_width(name, 13.0, Weight::Bold) + 24.0 - COL_GAP;
            if needed > inner && !cols.is_empty() {
                let extra = (needed - inner) / cols.len() as f32;
                for &c in &cols {
                    col_w[c] += extra;
                }
            }
        }
    }
    let mut widths: Vec<f32> = contents.iter().map(|c| c.width).collect();
    for v in 0..n {
        // Working stages share their column's width, so the spine reads as one straight line;
        // outcomes, diamonds and an as-is map's start and end keep their own.
        if matches!(
            diagram.nodes[v].kind,
            NodeKind::Step | NodeKind::WonMilestone
        ) {
            widths[v] = col_w[columns[v]];
        }
    }
    for v in 0..n {
        row_h[rows[v]] = row_h[rows[v]].max(contents[v].height);
    }

    // Edge labels, measured up front: the column gaps must hold the widest one.
    let as_is = matches!(diagram.source, Source::AsIs(_));
    let label_max_w = if diagram.lanes == Lanes::Owner {
        OWNER_LABEL_MAX_W
    } else {
        LABEL_MAX_W
    };
    let labels: Vec<Vec<LineSpec>> = diagram
        .edges
        .iter()
        .map(|e| {
            let mut lines = Vec::new();
            if let Some(answer) = &e.answer {
                lines.extend(wrapped(
                    answer,
                    label_max_w,
                    MIN_TEXT,
                    Weight::Bold,
                    TextRole::Answer,
                ));
            }
            if let Some(label) = &e.label {
                lines.extend(wrapped(
                    label,
                    label_max_w,
                    MIN_TEXT,
                    Weight::Regular,
                    TextRole::EdgeLabel,
                ));
            }
            for figure in &e.figures {
                lines.extend(wrapped(
                    &figure.text,
                    label_max_w,
                    if as_is { AS_IS_TEXT } else { MIN_TEXT },
                    Weight::Bold,
                    figure_role(figure.tone),
                ));
            }
            lines
        })
        .collect();
    // A labelled edge between columns widens the gap next to its source, towards its target,
    // so the label has a horizontal run to sit on.
    let (col_gap, row_gap) = if as_is {
        (AS_IS_COL_GAP, AS_IS_ROW_GAP)
    } else {
        (COL_GAP, ROW_GAP)
    };
    let mut gaps = vec![col_gap; col_count.saturating_sub(1)];
    for (e, lines) in diagram.edges.iter().zip(&labels) {
        let (a, b) = (columns[e.from], columns[e.to]);
        // Across swimlanes a label finds room on the edge's run down the (mostly empty)
        // lanes; widening the gaps would widen every lane.
        let across_lanes = column_lane[a] != column_lane[b];
        if a == b || lines.is_empty() || across_lanes {
            continue;
        }
        let gap = if b > a { a } else { a - 1 };
        let widest = lines.iter().map(|l| l.width).fold(0.0f32, f32::max);
        gaps[gap] = gaps[gap].max(widest + 2.0 * CLEARANCE + 16.0);
    }

    // Which edges go around the outside on the left or right: they need room there.
    let mut left_loops = 0;
    let mut right_loops = 0;
    let column_clear = |from: usize, to: usize| {
        let (lo, hi) = (rows[from].min(rows[to]), rows[from].max(rows[to]));
        !(0..n).any(|v| columns[v] == columns[from] && rows[v] > lo && rows[v] < hi)
    };
    let sides_of: Vec<(Side, Side)> = diagram
        .edges
        .iter()
        .map(|e| {
            let s = edge_sides(
                (rows[e.from], columns[e.from]),
                (rows[e.to], columns[e.to]),
                (sides[e.from] == Side3::Spine, sides[e.to] == Side3::Spine),
                e.kind,
                column_clear(e.from, e.to),
            );
            match s {
                (Side::Left, Side::Left) => left_loops += 1,
                (Side::Right, Side::Right) => right_loops += 1,
                _ => {}
            }
            s
        })
        .collect();

    // Title block.
    let mut title = Vec::new();
    let mut y = MARGIN;
    for line in wrap(&diagram.title, 900.0, 22.0, Weight::Bold) {
        let width = text_width(&line, 22.0, Weight::Bold);
        title.push(TextRun {
            text: line,
            x: MARGIN,
            baseline: y + ASCENT_EM * 22.0,
            size: 22.0,
            weight: Weight::Bold,
            width,
            role: TextRole::MapTitle,
        });
        y += 22.0 * LINE;
    }
    for line in diagram
        .subtitle
        .iter()
        .flat_map(|s| wrap(s, 900.0, 12.0, Weight::Regular))
    {
        let width = text_width(&line, 12.0, Weight::Regular);
        title.push(TextRun {
            text: line,
            x: MARGIN,
            baseline: y + ASCENT_EM * 12.0 + 2.0,
            size: 12.0,
            weight: Weight::Regular,
            width,
            role: TextRole::Subtitle,
        });
        y += 12.0 * LINE + 2.0;
    }
    let title_bottom = y + 12.0;

    // Grid coordinates.
    let phase_bands =
        diagram.lanes == Lanes::Phase && diagram.nodes.iter().any(|n| n.phase.is_some());
    let owner_lanes = diagram.lanes == Lanes::Owner;
    let left_channel = 28.0 + 12.0 * left_loops as f32;
    let right_channel = 28.0 + 12.0 * right_loops as f32;
    let header_w = if phase_bands { PHASE_HEADER_W } else { 0.0 };
    let mut col_x = Vec::with_capacity(col_count);
    let mut x = MARGIN + header_w + left_channel;
    for c in 0..col_count {
        if c > 0 {
            x += gaps[c - 1];
        }
        col_x.push(x);
        x += col_w[c];
    }
    let content_right = x + right_channel;
    let top = title_bottom + if owner_lanes { OWNER_HEADER_H } else { 0.0 } + 28.0;
    // A decision diamond sits close under its stage: the short move into it has no label.
    let gap_before: Vec<f32> = (0..row_count)
        .map(|r| {
            let diamond_row = diagram
                .spine
                .iter()
                .any(|&v| rows[v] == r && diagram.nodes[v].kind == NodeKind::Decision);
            if diamond_row { DIAMOND_GAP } else { row_gap }
        })
        .collect();
    let mut row_y = Vec::with_capacity(row_count);
    let mut y = top;
    for (r, &h) in row_h.iter().enumerate() {
        if r > 0 {
            y += gap_before[r];
        }
        row_y.push(y);
        y += h;
    }
    let content_bottom = y + 28.0;

    let mut nodes: Vec<NodeBox> = (0..n)
        .map(|v| {
            let (c, r) = (columns[v], rows[v]);
            let h = contents[v].height;
            let rect = Rect {
                x: col_x[c] + (col_w[c] - widths[v]) / 2.0,
                y: row_y[r] + (row_h[r] - h) / 2.0,
                w: widths[v],
                h,
            };
            let (texts, chips) = place_content(&contents[v], rect);
            let node = &diagram.nodes[v];
            NodeBox {
                node: v,
                stage: node.stage,
                kind: node.kind,
                rect,
                phase: node.phase,
                alert: node.alert,
                texts,
                chips,
                row: r,
                column: c,
            }
        })
        .collect();

    // Lanes.
    let mut lane_boxes = Vec::new();
    if phase_bands {
        let mut row_phase: Vec<Option<usize>> = (0..row_count)
            .map(|r| match diagram.spine.iter().find(|&&v| rows[v] == r) {
                Some(&v) => diagram.nodes[v].phase,
                None => (0..n)
                    .filter(|&v| rows[v] == r)
                    .find_map(|v| diagram.nodes[v].phase),
            })
            .collect();
        // A row without a phase (an outcome closing the spine) joins the band before it.
        for r in 1..row_count {
            if row_phase[r].is_none() {
                row_phase[r] = row_phase[r - 1];
            }
        }
        for r in (0..row_count.saturating_sub(1)).rev() {
            if row_phase[r].is_none() {
                row_phase[r] = row_phase[r + 1];
            }
        }
        let mut r = 0;
        while r < row_count {
            let phase = row_phase[r];
            let mut end = r;
            while end + 1 < row_count && row_phase[end + 1] == phase {
                end += 1;
            }
            let y0 = if r == 0 {
                top - 22.0
            } else {
                row_y[r] - gap_before[r] / 2.0
            };
            let y1 = if end + 1 == row_count {
                row_y[end] + row_h[end] + 22.0
            } else {
                row_y[end] + row_h[end] + gap_before[end + 1] / 2.0
            };
            let rect = Rect {
                x: MARGIN,
                y: y0,
                w: content_right - MARGIN,
                h: y1 - y0,
            };
            let header = Rect {
                x: MARGIN,
                y: y0,
                w: header_w,
                h: y1 - y0,
            };
            let name = match phase {
                Some(p) => diagram.phases[p].clone(),
                None => diagram.wording.no_phase().to_string(),
            };
            let lines = wrapped(
                &name,
                header_w - 20.0,
                13.0,
                Weight::Bold,
                TextRole::LaneName,
            );
            let mut ly = y0 + 14.0;
            let mut texts = Vec::new();
            for line in lines {
                texts.push(TextRun {
                    x: MARGIN + 12.0,
                    baseline: ly + ASCENT_EM * line.size,
                    text: line.text,
                    size: line.size,
                    weight: line.weight,
                    width: line.width,
                    role: line.role,
                });
                ly += 13.0 * LINE;
            }
            lane_boxes.push(LaneBox {
                rect,
                header,
                texts,
                tint: phase.unwrap_or(usize::MAX),
                is_phase: true,
            });
            r = end + 1;
        }
    } else if owner_lanes {
        let lane_top = title_bottom;
        for (lane, name) in lane_names.iter().enumerate() {
            let cols: Vec<usize> = (0..col_count).filter(|&c| column_lane[c] == lane).collect();
            let (Some(&first), Some(&last)) = (cols.first(), cols.last()) else {
                continue;
            };
            let x0 = if first == 0 {
                MARGIN
            } else {
                col_x[first] - gaps[first - 1] / 2.0
            };
            let x1 = if last + 1 == col_count {
                content_right
            } else {
                col_x[last] + col_w[last] + gaps[last] / 2.0
            };
            let rect = Rect {
                x: x0,
                y: lane_top,
                w: x1 - x0,
                h: content_bottom - lane_top,
            };
            let header = Rect {
                x: x0,
                y: lane_top,
                w: x1 - x0,
                h: OWNER_HEADER_H,
            };
            let line = LineSpec::new(name.clone(), 13.0, Weight::Bold, TextRole::LaneName);
            let texts = [line]
                .into_iter()
                .map(|line| TextRun {
                    x: rect.cx() - line.width / 2.0,
                    baseline: lane_top + OWNER_HEADER_H / 2.0 + 4.5,
                    text: line.text,
                    size: line.size,
                    weight: line.weight,
                    width: line.width,
                    role: line.role,
                })
                .collect();
            lane_boxes.push(LaneBox {
                rect,
                header,
                texts,
                tint: lane,
                is_phase: false,
            });
        }
    }

    // Ports: spread the edges on each side of a box along that side.
    let m = diagram.edges.len();
    let mut ports: Vec<(Option<Port>, Option<Port>)> = vec![(None, None); m];
    let mut by_side: Vec<Vec<(usize, bool)>> = vec![Vec::new(); n * 4];
    let side_ix = |s: Side| match s {
        Side::Top => 0,
        Side::Bottom => 1,
        Side::Left => 2,
        Side::Right => 3,
    };
    for (e, edge) in diagram.edges.iter().enumerate() {
        let (a, b) = sides_of[e];
        by_side[edge.from * 4 + side_ix(a)].push((e, true));
        by_side[edge.to * 4 + side_ix(b)].push((e, false));
    }
    for v in 0..n {
        for (s, side) in [Side::Top, Side::Bottom, Side::Left, Side::Right]
            .into_iter()
            .enumerate()
        {
            let list = &mut by_side[v * 4 + s];
            if list.is_empty() {
                continue;
            }
            let rect = nodes[v].rect;
            let horizontal_side = matches!(side, Side::Top | Side::Bottom);
            // Order ports along the side by where the other end is, so routes fan out without
            // crossing: first by position along the side; among ends level with each other,
            // the farther end takes the outer port (the one away from where the ends lie).
            let other = |&(e, outgoing): &(usize, bool)| {
                let edge = &diagram.edges[e];
                let o = if outgoing { edge.to } else { edge.from };
                let r = nodes[o].rect;
                let (along, across, mid) = if horizontal_side {
                    (r.cx(), r.cy(), rect.cx())
                } else {
                    (r.cy(), r.cx(), rect.cy())
                };
                let depth = (across
                    - if horizontal_side {
                        rect.cy()
                    } else {
                        rect.cx()
                    })
                .abs();
                let outer_first = if along > mid { -depth } else { depth };
                (along, outer_first, e)
            };
            list.sort_by(|a, b| {
                let (ka, kb) = (other(a), other(b));
                ka.0.total_cmp(&kb.0)
                    .then(ka.1.total_cmp(&kb.1))
                    .then(ka.2.cmp(&kb.2))
                    .then(a.1.cmp(&b.1))
            });
            let k = list.len() as f32;
            for (i, &(e, outgoing)) in list.iter().enumerate() {
                let t = (i as f32 + 1.0) / (k + 1.0);
                let at = match side {
                    Side::Top => Point {
                        x: rect.x + rect.w * t,
                        y: rect.y,
                    },
                    Side::Bottom => Point {
                        x: rect.x + rect.w * t,
                        y: rect.bottom(),
                    },
                    Side::Left => Point {
                        x: rect.x,
                        y: rect.y + rect.h * t,
                    },
                    Side::Right => Point {
                        x: rect.right(),
                        y: rect.y + rect.h * t,
                    },
                };
                let port = Port {
                    at: Point {
                        x: at.x.round(),
                        y: at.y.round(),
                    }
                    .snap_to(rect, side),
                    side,
                };
                if outgoing {
                    ports[e].0 = Some(port);
                } else {
                    ports[e].1 = Some(port);
                }
            }
        }
    }

    // Route main-path edges first so they take the straightest lines, then the rest in order.
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by_key(|&e| {
        let edge = &diagram.edges[e];
        let main = matches!(edge.kind, EdgeKind::Next | EdgeKind::IntoDecision)
            && rows[edge.to] > rows[edge.from];
        (!main, e)
    });
    let width = content_right + MARGIN;
    let height = content_bottom + MARGIN;
    let mut obstacles: Vec<Rect> = nodes.iter().map(|b| b.rect).collect();
    let title_rect = title
        .iter()
        .map(TextRun::bounds)
        .reduce(|a, b| a.union(&b))
        .unwrap_or(Rect {
            x: MARGIN,
            y: MARGIN,
            w: 1.0,
            h: 1.0,
        });
    obstacles.push(title_rect);
    let header_rects: Vec<Rect> = lane_boxes.iter().map(|l| l.header).collect();
    obstacles.extend(header_rects.iter().copied());
    let requests: Vec<Request> = order
        .iter()
        .map(|&e| {
            let (from, to) = ports[e];
            Request {
                from: from.expect("every edge has a source port"),
                to: to.expect("every edge has a target port"),
            }
        })
        .collect();
    let routes = route_all(&obstacles, &requests, width, height);
    let mut routed: Vec<Vec<Point>> = vec![Vec::new(); m];
    for (k, &e) in order.iter().enumerate() {
        routed[e] = routes[k].clone();
    }

    // Labels, in edge order, each where it hits no box and no earlier label.
    let mut taken: Vec<Rect> = obstacles.clone();
    let mut edges = Vec::with_capacity(m);
    // An as-is map loops back where it goes up a row; a designed map where the map says so.
    let loop_backs = if as_is {
        vec![false; m]
    } else {
        diagram.loop_backs()
    };
    for (e, edge) in diagram.edges.iter().enumerate() {
        let style = match diagram.nodes[edge.to].kind {
            _ if edge.kind == EdgeKind::NotInMap => EdgeStyle::NotInMap,
            _ if loop_backs[e]
                || rows[edge.to] < rows[edge.from]
                || (rows[edge.to] == rows[edge.from] && edge.from == edge.to) =>
            {
                EdgeStyle::Loop
            }
            _ if !as_is && sides[edge.to] == Side3::Left && sides[edge.from] != Side3::Left => {
                EdgeStyle::Loop
            }
            NodeKind::Outcome(o) => EdgeStyle::Exit(o),
            _ if matches!(edge.kind, EdgeKind::Next | EdgeKind::IntoDecision) => EdgeStyle::Main,
            _ => EdgeStyle::Branch,
        };
        let label = (!labels[e].is_empty()).then(|| {
            let label = place_label(&labels[e], &routed[e], &taken, &routed, e, width);
            taken.push(label.rect.grown(2.0));
            label
        });
        edges.push(EdgePath {
            edge: e,
            from: edge.from,
            to: edge.to,
            style,
            points: routed[e].clone(),
            label,
            weight: edge.weight,
            heat: edge.heat,
        });
    }

    // The title block may be wider than a small map, and a crowded label may sit past the
    // last column.
    let title_right = title.iter().map(|t| t.x + t.width).fold(0.0f32, f32::max);
    let labels_right = edges
        .iter()
        .filter_map(|e: &EdgePath| e.label.as_ref().map(|l| l.rect.right()))
        .fold(0.0f32, f32::max);
    let width = width.max(labels_right + MARGIN);
    let mut layout = Layout {
        width: width.max(title_right + MARGIN),
        height,
        title,
        lanes: lane_boxes,
        nodes: Vec::new(),
        edges,
        legend: None,
    };
    nodes.sort_by_key(|b| b.node);
    layout.nodes = nodes;
    if with_legend && (as_is || owner_lanes) {
        // An as-is map's legend (and a swimlane drawing's) runs in three columns at the top
        // right, beside the title, so the drawing keeps to a screen.
        let probe = build_legend(diagram, &layout, 0.0, 0.0, 3);
        let x = (layout.width - MARGIN - probe.rect.w).max(title_right + 24.0);
        let legend = build_legend(diagram, &layout, x, MARGIN, 3);
        // Below the legend: the lane headers (swimlanes) or the first row.
        let first = if owner_lanes {
            title_bottom
        } else {
            top - 28.0
        };
        let below = legend.rect.bottom() + 12.0 - first;
        if below > 0.0 {
            layout.shift_content(below);
        }
        layout.width = layout.width.max(legend.rect.right() + MARGIN);
        layout.legend = Some(legend);
    } else if with_legend {
        // A designed map's legend runs across the top, under the title, in as many columns as
        // the drawing is wide: a tall map stays as narrow as its flow, for a page or a phone.
        let mut columns = 6;
        let legend = loop {
            let probe = build_legend(diagram, &layout, MARGIN, title_bottom, columns);
            if columns == 1 || probe.rect.right() <= layout.width - MARGIN {
                break probe;
            }
            columns -= 1;
        };
        layout.shift_content(legend.rect.h + 12.0);
        layout.width = layout.width.max(legend.rect.right() + MARGIN);
        layout.legend = Some(legend);
    }
    layout
}

impl Layout {
    /// Moves everything below the title down by `dy`.
    fn shift_content(&mut self, dy: f32) {
        let down = |r: &mut Rect| r.y += dy;
        for lane in &mut self.lanes {
            down(&mut lane.rect);
            down(&mut lane.header);
            for t in &mut lane.texts {
                t.baseline += dy;
            }
        }
        for b in &mut self.nodes {
            down(&mut b.rect);
            for t in &mut b.texts {
                t.baseline += dy;
            }
            for (chip, _) in &mut b.chips {
                down(chip);
            }
        }
        for e in &mut self.edges {
            for p in &mut e.points {
                p.y += dy;
            }
            if let Some(label) = &mut e.label {
                down(&mut label.rect);
                for t in &mut label.texts {
                    t.baseline += dy;
                }
            }
        }
        self.height += dy;
    }
}

impl Point {
    /// Keeps a rounded port exactly on its side of the box.
    fn snap_to(self, rect: Rect, side: Side) -> Point {
        match side {
            Side::Top => Point {
                x: self.x,
                y: rect.y,
            },
            Side::Bottom => Point {
                x: self.x,
                y: rect.bottom(),
            },
            Side::Left => Point {
                x: rect.x,
                y: self.y,
            },
            Side::Right => Point {
                x: rect.right(),
                y: self.y,
            },
        }
    }
}

/// Finds a place for an edge label beside its route: near the source for branches, mid-way for
/// main-path figures; never over a box or another label; preferably over no other edge.
fn place_label(
    lines: &[LineSpec],
    route: &[Point],
    taken: &[Rect],
    routes: &[Vec<Point>],
    own: usize,
    canvas_width: f32,
) -> Label {
    let w = lines.iter().map(|l| l.width).fold(0.0f32, f32::max) + 6.0;
    let h = lines.iter().map(LineSpec::height).sum::<f32>() + 2.0;
    let mut best: Option<(f32, Rect)> = None;
    let mut travelled = 0.0;
    for (s, seg) in route.windows(2).enumerate() {
        let (a, b) = (seg[0], seg[1]);
        let length = (b.x - a.x).abs() + (b.y - a.y).abs();
        let horizontal = (a.y - b.y).abs() < 0.01;
        for step in 0..=8 {
            let t = step as f32 / 8.0;
            let p = Point {
                x: a.x + (b.x - a.x) * t,
                y: a.y + (b.y - a.y) * t,
            };
            let at = |x: f32, y: f32| Rect { x, y, w, h };
            let mut candidates = if horizontal {
                vec![
                    at(p.x - w / 2.0, p.y - h - 3.0),
                    at(p.x - w / 2.0, p.y + 3.0),
                    at(p.x + 4.0, p.y - h - 3.0),
                    at(p.x - w - 4.0, p.y - h - 3.0),
                ]
            } else {
                vec![
                    at(p.x + 5.0, p.y - h / 2.0),
                    at(p.x - w - 5.0, p.y - h / 2.0),
                    at(p.x + 5.0, p.y + 4.0),
                    at(p.x - w - 5.0, p.y + 4.0),
                ]
            };
            if !horizontal {
                // A short run between two boxes: beside the boxes, a little further out.
                for shift in [40.0, 80.0, 120.0] {
                    candidates.push(at(p.x + 5.0 + shift, p.y - h / 2.0));
                    candidates.push(at(p.x - w - 5.0 - shift, p.y - h / 2.0));
                }
            }
            for (k, rect) in candidates.into_iter().enumerate() {
                if rect.x < 0.0 || rect.y < 0.0 || rect.right() > canvas_width {
                    continue;
                }
                if taken.iter().any(|t| t.overlaps(&rect.grown(2.0))) {
                    continue;
                }
                let crossings = routes
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != own)
                    .filter(|(_, r)| polyline_hits(r, &rect))
                    .count();
                let own_hit = polyline_hits(route, &rect.grown(-1.0));
                let along = travelled + length * t;
                let score = along * 0.05
                    + crossings as f32 * 40.0
                    + if own_hit { 200.0 } else { 0.0 }
                    + if k < 4 {
                        k as f32 * 2.0
                    } else {
                        10.0 + (k - 4) as f32 * 6.0
                    }
                    + s as f32;
                if best.is_none_or(|(b, _)| score < b) {
                    best = Some((score, rect));
                }
            }
        }
        travelled += length;
    }
    // With no free place beside the route (a crowded drawing), the nearest free place around
    // it, on the canvas or past its right edge (the canvas then grows); the first segment only
    // when even that fails.
    if best.is_none() {
        let near = |p: Point| {
            let mut found: Option<(f32, Rect)> = None;
            for dy in (-12..=12).map(|k| k as f32 * 16.0) {
                for dx in (-12..=12).map(|k| k as f32 * 16.0) {
                    let rect = Rect {
                        x: p.x + dx - w / 2.0,
                        y: p.y + dy - h / 2.0,
                        w,
                        h,
                    };
                    if rect.x < 0.0 || rect.y < 0.0 {
                        continue;
                    }
                    if taken.iter().any(|t| t.overlaps(&rect.grown(2.0))) {
                        continue;
                    }
                    let off_canvas = if rect.right() > canvas_width {
                        400.0
                    } else {
                        0.0
                    };
                    let score = dx.abs() + dy.abs() + off_canvas;
                    if found.is_none_or(|(b, _)| score < b) {
                        found = Some((score, rect));
                    }
                }
            }
            found
        };
        for &p in route {
            if let Some((score, rect)) = near(p)
                && best.is_none_or(|(b, _)| score < b)
            {
                best = Some((score, rect));
            }
        }
    }
    let rect = best.map(|(_, r)| r).unwrap_or_else(|| {
        let a = route.first().copied().unwrap_or(Point { x: 0.0, y: 0.0 });
        Rect {
            x: a.x + 5.0,
            y: a.y + 5.0,
            w,
            h,
        }
    });
    let mut texts = Vec::new();
    let mut y = rect.y + 1.0;
    for line in lines {
        let ink = (ASCENT_EM + DESCENT_EM) * line.size;
        texts.push(TextRun {
            text: line.text.clone(),
            x: rect.cx() - line.width / 2.0,
            baseline: y + (line.height() - ink) / 2.0 + ASCENT_EM * line.size,
            size: line.size,
            weight: line.weight,
            width: line.width,
            role: line.role,
        });
        y += line.height();
    }
    Label { rect, texts }
}

/// Whether an orthogonal polyline passes through the rectangle's interior.
fn polyline_hits(points: &[Point], rect: &Rect) -> bool {
    points.windows(2).any(|s| {
        let (a, b) = (s[0], s[1]);
        let seg = Rect {
            x: a.x.min(b.x),
            y: a.y.min(b.y),
            w: (a.x - b.x).abs().max(0.02),
            h: (a.y - b.y).abs().max(0.02),
        };
        seg.overlaps(rect)
    })
}

fn build_legend(diagram: &Diagram, layout: &Layout, x: f32, y: f32, columns: usize) -> Legend {
    let words = diagram.wording;
    let as_is = matches!(diagram.source, Source::AsIs(_));
    let mut items: Vec<(Swatch, String)> = Vec::new();
    let has = |k: NodeKind| layout.nodes.iter().any(|b| b.kind == k);
    items.push((Swatch::Stage, words.legend_stage().to_string()));
    if has(NodeKind::Decision) {
        items.push((Swatch::Decision, words.legend_decision().to_string()));
    }
    if has(NodeKind::WonMilestone) {
        items.push((Swatch::WonMilestone, words.won_milestone().to_string()));
    }
    for o in Outcome::ALL {
        if has(NodeKind::Outcome(o)) {
            items.push((Swatch::Outcome(o), words.outcome(o).to_string()));
        }
    }
    if has(NodeKind::Start) || has(NodeKind::End) {
        items.push((Swatch::Terminal, words.legend_terminal().to_string()));
    }
    if layout.nodes.iter().any(|b| b.alert) {
        items.push((Swatch::OverTarget, words.legend_over_target().to_string()));
    }
    let style_used = |f: &dyn Fn(EdgeStyle) -> bool| layout.edges.iter().any(|e| f(e.style));
    if style_used(&|s| s == EdgeStyle::Main) {
        items.push((
            Swatch::Edge(EdgeStyleSample::Main),
            words.legend_main_path().to_string(),
        ));
    }
    if style_used(&|s| matches!(s, EdgeStyle::Branch | EdgeStyle::Exit(_))) {
        let word = if as_is {
            words.legend_other_moves()
        } else {
            words.legend_branch()
        };
        items.push((Swatch::Edge(EdgeStyleSample::Branch), word.to_string()));
    }
    if style_used(&|s| s == EdgeStyle::Loop) {
        let word = if as_is {
            words.legend_rework()
        } else {
            words.legend_loop()
        };
        items.push((Swatch::Edge(EdgeStyleSample::Loop), word.to_string()));
    }
    if style_used(&|s| s == EdgeStyle::NotInMap) {
        items.push((
            Swatch::Edge(EdgeStyleSample::NotInMap),
            words.legend_not_in_map().to_string(),
        ));
    }
    if layout.edges.iter().any(|e| e.weight.is_some()) {
        let word = if as_is {
            words.legend_width_moves()
        } else {
            words.legend_width()
        };
        items.push((Swatch::Width, word.to_string()));
    }
    if layout.edges.iter().any(|e| e.heat.is_some()) {
        items.push((Swatch::Heat, words.legend_slow().to_string()));
    }
    if diagram.has_figures {
        items.push((Swatch::Figure, words.legend_figures().to_string()));
    }
    if diagram.lanes != Lanes::Phase {
        for (p, name) in diagram.phases.iter().enumerate() {
            if layout.nodes.iter().any(|b| b.phase == Some(p)) {
                items.push((Swatch::Phase(p), name.clone()));
            }
        }
    }
    legend_in_columns(words.legend(), items, x, y, columns)
}

/// Lays legend entries out in `columns` columns (filled top to bottom, then left to right)
/// under the legend's title, from the top-left corner `(x, y)`.
fn legend_in_columns(
    heading: &str,
    items: Vec<(Swatch, String)>,
    x: f32,
    y: f32,
    columns: usize,
) -> Legend {
    const SIZE: f32 = 12.0;
    const ROW: f32 = 22.0;
    let title_width = text_width(heading, 13.0, Weight::Bold);
    let title = TextRun {
        text: heading.to_string(),
        x: x + 12.0,
        baseline: y + 12.0 + ASCENT_EM * 13.0,
        size: 13.0,
        weight: Weight::Bold,
        width: title_width,
        role: TextRole::LegendTitle,
    };
    let per_column = items.len().div_ceil(columns.max(1)).max(1);
    let mut entries = Vec::new();
    let mut column_x = x + 12.0;
    let mut right = x + 12.0 + title_width;
    for column in items.chunks(per_column) {
        let widest = column
            .iter()
            .map(|(_, t)| text_width(t, SIZE, Weight::Regular))
            .fold(0.0f32, f32::max);
        for (k, (swatch, text)) in column.iter().enumerate() {
            let row_y = y + 36.0 + k as f32 * ROW;
            let width = text_width(text, SIZE, Weight::Regular);
            entries.push(LegendEntry {
                swatch: *swatch,
                swatch_rect: Rect {
                    x: column_x,
                    y: row_y + 2.0,
                    w: 30.0,
                    h: 16.0,
                },
                text: TextRun {
                    text: text.clone(),
                    x: column_x + 40.0,
                    baseline: row_y + 10.0 + 0.3 * SIZE,
                    size: SIZE,
                    weight: Weight::Regular,
                    width,
                    role: TextRole::LegendText,
                },
            });
        }
        right = right.max(column_x + 40.0 + widest);
        column_x += 40.0 + widest + 24.0;
    }
    Legend {
        rect: Rect {
            x,
            y,
            w: right - x + 12.0,
            h: 36.0 + per_column as f32 * ROW + 10.0,
        },
        title,
        entries,
    }
}
