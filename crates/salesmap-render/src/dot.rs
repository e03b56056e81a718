//! The Graphviz DOT writer: the map as a `digraph` for `dot -Tsvg` and other Graphviz tools.
//!
//! Phases (or owners) become `cluster` subgraphs, main-path edges get a high weight so Graphviz
//! keeps the spine straight, loops back are dashed and do not constrain ranking. Every string is
//! a quoted DOT string with `"` and `\` escaped, so no stage name can break the syntax. Node ids
//! are `s` plus the stage index.

use std::fmt::Write;

use salesmap_core::map::{Outcome, TransitionKind};
use salesmap_core::{map::Map, overlay::Overlay};

use crate::diagram::{Diagram, NodeKind};
use crate::font::FAMILY;
use crate::options::RenderOptions;

/// Renders `map` as a Graphviz digraph.
pub fn render_dot(map: &Map, options: &RenderOptions, overlay: Option<&Overlay>) -> String {
    let d = Diagram::build(map, options, overlay);
    let mut s = String::new();
    s.push_str("digraph map {\n");
    let _ = writeln!(s, "  label={};", quote(&d.title));
    s.push_str("  labelloc=t;\n  rankdir=TB;\n  newrank=true;\n  nodesep=0.5;\n  ranksep=0.45;\n");
    let _ = writeln!(s, "  fontname={};", quote(FAMILY));
    let _ = writeln!(
        s,
        "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=\"#90a4ae\", fontname={}, fontsize=12];",
        quote(FAMILY)
    );
    let _ = writeln!(
        s,
        "  edge [color=\"#37474f\", fontname={}, fontsize=10];",
        quote(FAMILY)
    );

    let node_line = |v: usize| -> String {
        let node = &d.nodes[v];
        let mut lines = Vec::new();
        if node.kind == NodeKind::WonMilestone {
            lines.push(format!("★ {}", node.title));
        } else {
            lines.push(node.title.clone());
        }
        if let Some(decision) = &node.decision {
            lines.push(format!("◆ {decision}"));
        }
        if let Some(detail) = &node.detail {
            lines.push(detail.clone());
        }
        for sub in &node.sub_stages {
            lines.push(format!("{}{}", "· ".repeat(sub.level as usize), sub.title));
        }
        if node.hidden_sub_stages > 0 {
            lines.push(d.wording.sub_stages(node.hidden_sub_stages));
        }
        if let Some(figure) = &node.figure {
            lines.push(figure.clone());
        }
        let style = match node.kind {
            NodeKind::Outcome(o) => {
                let (stroke, fill) = outcome_colors(o);
                format!(
                    ", shape=box, style=\"rounded,filled,bold\", color=\"{stroke}\", fillcolor=\"{fill}\""
                )
            }
            NodeKind::WonMilestone => ", color=\"#2e7d32\", penwidth=2.5".to_string(),
            NodeKind::Step if node.decision.is_some() => ", color=\"#b26a00\"".to_string(),
            NodeKind::Step => String::new(),
        };
        format!(
            "s{} [label={}{style}];",
            node.stage.0,
            quote(&lines.join("\n"))
        )
    };

    let mut grouped = vec![false; d.nodes.len()];
    for (g, (name, members)) in d.lane_groups().iter().enumerate() {
        let _ = writeln!(s, "  subgraph cluster_{g} {{");
        let _ = writeln!(s, "    label={};", quote(name));
        s.push_str(
            "    style=\"rounded,filled\";\n    color=\"#d5dde5\";\n    fillcolor=\"#f5f8fb\";\n",
        );
        for &v in members {
            let _ = writeln!(s, "    {}", node_line(v));
            grouped[v] = true;
        }
        s.push_str("  }\n");
    }
    for (v, &in_group) in grouped.iter().enumerate() {
        if !in_group {
            let _ = writeln!(s, "  {}", node_line(v));
        }
    }

    let spine_pos = |v: usize| d.spine.iter().position(|&x| x == v);
    for e in &d.edges {
        let back = match (spine_pos(e.from), spine_pos(e.to)) {
            (Some(a), Some(b)) => b <= a,
            (None, Some(_)) => true,
            _ => false,
        };
        let mut attrs = Vec::new();
        let mut text = Vec::new();
        if let Some(l) = &e.label {
            text.push(l.clone());
        }
        if let Some(f) = &e.figure {
            text.push(f.clone());
        }
        if !text.is_empty() {
            attrs.push(format!("label={}", quote(&text.join("\n"))));
        }
        if back {
            attrs.push("style=dashed, color=\"#7e57c2\", constraint=false".to_string());
        } else if e.kind == TransitionKind::Next {
            attrs.push("weight=10, penwidth=2".to_string());
        } else if let NodeKind::Outcome(o) = d.nodes[e.to].kind {
            attrs.push(format!("color=\"{}\"", outcome_colors(o).0));
        } else {
            attrs.push("color=\"#607d8b\"".to_string());
        }
        let _ = writeln!(
            s,
            "  s{} -> s{} [{}];",
            d.nodes[e.from].stage.0,
            d.nodes[e.to].stage.0,
            attrs.join(", ")
        );
    }
    s.push_str("}\n");
    s
}

fn outcome_colors(o: Outcome) -> (&'static str, &'static str) {
    match o {
        Outcome::Won => ("#2e7d32", "#e6f4e7"),
        Outcome::Lost => ("#c62828", "#fdecec"),
        Outcome::Disqualified => ("#616161", "#f1f1f1"),
        Outcome::Churned => ("#e65100", "#fff1e3"),
    }
}

/// A quoted DOT string; newlines become `\n` (centred lines).
fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quote_escapes_dot_syntax() {
        assert_eq!(quote("a \"b\" \\ c\nd"), r#""a \"b\" \\ c\nd""#);
    }
}
