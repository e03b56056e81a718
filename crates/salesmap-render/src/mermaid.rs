//! The Mermaid writer: the map as a `flowchart TB` for tools and wikis that render Mermaid,
//! carrying what the SVG drawing shows.
//!
//! Phases (or owners) become subgraphs; a deciding stage is followed by a rhombus holding its
//! question (Mermaid's decision shape), the moves out of it labelled yes or no; outcomes get
//! the stadium shape and their colours, the won milestone a double-bordered box; owners and
//! figures are lines in the stage's label. Loops back are dashed (`-.->`) in the loop colour,
//! moves not in the map dashed in their own colour, exits in their outcome's colour (by
//! `linkStyle`, in edge order). Only the classes that are used are defined. Labels are quoted
//! and every character Mermaid treats specially is written as a numeric entity code (`#34;`,
//! `#60;`…), so no stage name can break the syntax. Node ids are `s` plus the stage index
//! (`d` for a decision), which no map can make collide with a Mermaid keyword.

use std::fmt::Write;

use salesmap_core::map::Map;
use salesmap_core::overlay::Overlay;

use crate::diagram::{Diagram, EdgeKind, NodeKind};
use crate::options::{Lanes, RenderOptions};
use crate::palette::{self, INK};

/// Renders `map` as a Mermaid flowchart.
pub fn render_mermaid(map: &Map, options: &RenderOptions, overlay: Option<&Overlay>) -> String {
    write_mermaid(&Diagram::build(map, options, overlay))
}

fn id(d: &Diagram, v: usize) -> String {
    let node = &d.nodes[v];
    match (node.kind, node.stage) {
        (NodeKind::Decision, Some(s)) => format!("d{}", s.0),
        (NodeKind::Start, _) => "tstart".to_string(),
        (NodeKind::End, _) => "tend".to_string(),
        (_, Some(s)) => format!("s{}", s.0),
        (_, None) => format!("n{v}"),
    }
}

/// The class a node is drawn with.
fn class(kind: NodeKind, alert: bool) -> &'static str {
    match kind {
        NodeKind::Step if alert => "over",
        NodeKind::Step => "step",
        NodeKind::WonMilestone => "milestone",
        NodeKind::Decision => "decision",
        NodeKind::Start | NodeKind::End => "terminal",
        NodeKind::Outcome(o) => o.name(),
    }
}

/// Writes a diagram as a Mermaid flowchart.
pub fn write_mermaid(d: &Diagram) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "---\ntitle: \"{}\"\n---", label(&d.title));
    s.push_str("flowchart TB\n");
    let node_line = |v: usize| -> String {
        let node = &d.nodes[v];
        let mut text = String::new();
        if node.kind == NodeKind::WonMilestone {
            text.push_str("★ ");
        }
        text.push_str(&format!("<b>{}</b>", label(&node.title)));
        let owners_shown = match d.lanes {
            Lanes::Owner => node.owners.len() > 1,
            _ => !node.owners.is_empty(),
        };
        if owners_shown && !matches!(node.kind, NodeKind::Decision | NodeKind::Outcome(_)) {
            text.push_str(&format!("<br/><i>{}</i>", label(&node.owners.join(" · "))));
        }
        if let Some(detail) = &node.detail {
            text.push_str(&format!("<br/>{}", label(detail)));
        }
        if !node.sub_stages.is_empty() {
            let subs: Vec<String> = node.sub_stages.iter().map(|s| label(&s.title)).collect();
            text.push_str(&format!("<br/><small>{}</small>", subs.join(", ")));
        }
        if node.hidden_sub_stages > 0 {
            text.push_str(&format!(
                "<br/>{}",
                label(&d.wording.sub_stages(node.hidden_sub_stages))
            ));
        }
        for f in &node.figures {
            text.push_str(&format!("<br/>{}", label(&f.text)));
        }
        let (open, close) = match node.kind {
            NodeKind::Outcome(_) | NodeKind::Start | NodeKind::End => ("([\"", "\"])"),
            NodeKind::WonMilestone => ("[[\"", "\"]]"),
            NodeKind::Decision => ("{\"", "\"}"),
            NodeKind::Step => ("[\"", "\"]"),
        };
        if node.kind == NodeKind::Decision && node.title.trim().is_empty() {
            return format!("{}{{\"?\"}}", id(d, v));
        }
        format!("{}{open}{text}{close}", id(d, v))
    };

    let groups = d.lane_groups();
    let mut grouped = vec![false; d.nodes.len()];
    for (g, (name, members)) in groups.iter().enumerate() {
        let _ = writeln!(s, "  subgraph lane{g}[\"{}\"]", label(name));
        for &v in members {
            let _ = writeln!(s, "    {}", node_line(v));
            grouped[v] = true;
        }
        s.push_str("  end\n");
    }
    for (v, &in_group) in grouped.iter().enumerate() {
        if !in_group {
            let _ = writeln!(s, "  {}", node_line(v));
        }
    }

    let loops = d.loop_backs();
    let mut link_styles: Vec<(usize, String)> = Vec::new();
    for (k, e) in d.edges.iter().enumerate() {
        let back = loops[k];
        let arrow = if back || e.kind == EdgeKind::NotInMap {
            "-.->"
        } else if matches!(e.kind, EdgeKind::Next | EdgeKind::IntoDecision) {
            "==>"
        } else {
            "-->"
        };
        let colour = match (e.kind, d.nodes[e.to].kind) {
            (EdgeKind::NotInMap, _) => Some(palette::NOT_IN_MAP),
            _ if back => Some(palette::LOOP_EDGE),
            (_, NodeKind::Outcome(o)) => Some(palette::outcome(o).stroke),
            _ => None,
        };
        if let Some(c) = colour {
            link_styles.push((k, format!("stroke:{c},color:{c}")));
        }
        let mut text = Vec::new();
        if let Some(a) = &e.answer {
            text.push(format!("<b>{}</b>", label(a)));
        }
        if let Some(l) = &e.label {
            text.push(label(l));
        }
        for f in &e.figures {
            text.push(label(&f.text));
        }
        let (a, b) = (id(d, e.from), id(d, e.to));
        if text.is_empty() {
            let _ = writeln!(s, "  {a} {arrow} {b}");
        } else {
            let _ = writeln!(s, "  {a} {arrow}|\"{}\"| {b}", text.join("<br/>"));
        }
    }

    let mut classes: Vec<(&'static str, Vec<String>)> = Vec::new();
    for (v, node) in d.nodes.iter().enumerate() {
        let c = class(node.kind, node.alert);
        match classes.iter_mut().find(|(k, _)| *k == c) {
            Some((_, ids)) => ids.push(id(d, v)),
            None => classes.push((c, vec![id(d, v)])),
        }
    }
    for (c, ids) in &classes {
        let style = match *c {
            "step" => format!("fill:#ffffff,stroke:{},color:{INK}", palette::STAGE_STROKE),
            "over" => format!(
                "fill:#ffffff,stroke:{},stroke-width:2px,color:{INK}",
                palette::ALERT
            ),
            "milestone" => format!(
                "fill:#ffffff,stroke:{},stroke-width:3px,color:{INK}",
                palette::MILESTONE
            ),
            "decision" => format!(
                "fill:{},stroke:{},stroke-width:2px,color:{INK}",
                palette::DECISION_FILL,
                palette::DECISION
            ),
            "terminal" => format!(
                "fill:{},stroke:{},color:{INK}",
                palette::TERMINAL_FILL,
                palette::TERMINAL
            ),
            outcome => {
                let o = salesmap_core::map::Outcome::from_name(outcome)
                    .expect("the other classes are outcomes");
                let c = palette::outcome(o);
                format!(
                    "fill:{},stroke:{},stroke-width:2px,color:{}",
                    c.fill, c.stroke, c.text
                )
            }
        };
        let _ = writeln!(s, "  classDef {c} {style}");
        let _ = writeln!(s, "  class {} {c}", ids.join(","));
    }
    for (k, style) in link_styles {
        let _ = writeln!(s, "  linkStyle {k} {style}");
    }
    s
}

/// Text for inside a quoted Mermaid label: entity codes for what Mermaid would read as syntax.
fn label(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#34;"),
            '<' => out.push_str("#60;"),
            '>' => out.push_str("#62;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#38;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            '\\' => out.push_str("#92;"),
            '{' => out.push_str("#123;"),
            '}' => out.push_str("#125;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn labels_escape_mermaid_syntax() {
        assert_eq!(
            label(r#"<script> "x" | #1 & `y` {z}"#),
            "#60;script#62; #34;x#34; #124; #35;1 #38; #96;y#96; #123;z#125;"
        );
    }
}
