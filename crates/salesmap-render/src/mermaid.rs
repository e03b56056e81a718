//! The Mermaid writer: the map as a `flowchart TB` for tools and wikis that render Mermaid.
//!
//! Phases (or owners) become subgraphs, outcomes get the stadium shape, the won milestone a
//! double-bordered box, loops back a dotted arrow. Labels are quoted and every character Mermaid
//! treats specially is written as a numeric entity code (`#34;`, `#60;`…), so no stage name can break
//! the syntax. Node ids are `s` plus the stage index, which no map can make collide with a
//! Mermaid keyword.

use std::fmt::Write;

use salesmap_core::map::{Map, Outcome, TransitionKind};
use salesmap_core::overlay::Overlay;

use crate::diagram::{Diagram, NodeKind};
use crate::options::RenderOptions;

/// Renders `map` as a Mermaid flowchart.
pub fn render_mermaid(map: &Map, options: &RenderOptions, overlay: Option<&Overlay>) -> String {
    let d = Diagram::build(map, options, overlay);
    let mut s = String::new();
    let _ = writeln!(s, "---\ntitle: \"{}\"\n---", label(&d.title));
    s.push_str("flowchart TB\n");
    let node_line = |v: usize| -> String {
        let node = &d.nodes[v];
        let mut text = String::new();
        if node.kind == NodeKind::WonMilestone {
            text.push_str("★ ");
        }
        text.push_str(&label(&node.title));
        if let Some(decision) = &node.decision {
            text.push_str(&format!("<br/>◆ {}", label(decision)));
        }
        if let Some(detail) = &node.detail {
            text.push_str(&format!("<br/>{}", label(detail)));
        }
        for sub in &node.sub_stages {
            let indent = "· ".repeat(sub.level as usize);
            text.push_str(&format!("<br/>{indent}{}", label(&sub.title)));
        }
        if node.hidden_sub_stages > 0 {
            text.push_str(&format!(
                "<br/>{}",
                label(&d.wording.sub_stages(node.hidden_sub_stages))
            ));
        }
        if let Some(figure) = &node.figure {
            text.push_str(&format!("<br/>{}", label(figure)));
        }
        let (open, close) = match node.kind {
            NodeKind::Outcome(_) => ("([\"", "\"])"),
            NodeKind::WonMilestone => ("[[\"", "\"]]"),
            NodeKind::Step if node.decision.is_some() => ("{{\"", "\"}}"),
            NodeKind::Step => ("[\"", "\"]"),
        };
        format!("s{}{open}{text}{close}", node.stage.0)
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

    let index_of = |v: usize| d.nodes[v].stage.0;
    let spine_pos = |v: usize| d.spine.iter().position(|&x| x == v);
    for e in &d.edges {
        let back = match (spine_pos(e.from), spine_pos(e.to)) {
            (Some(a), Some(b)) => b <= a,
            (None, Some(_)) => true,
            _ => false,
        };
        let arrow = if back {
            "-.->"
        } else if e.kind == TransitionKind::Next {
            "==>"
        } else {
            "-->"
        };
        let mut text = Vec::new();
        if let Some(l) = &e.label {
            text.push(label(l));
        }
        if let Some(f) = &e.figure {
            text.push(label(f));
        }
        if text.is_empty() {
            let _ = writeln!(s, "  s{} {arrow} s{}", index_of(e.from), index_of(e.to));
        } else {
            let _ = writeln!(
                s,
                "  s{} {arrow}|\"{}\"| s{}",
                index_of(e.from),
                text.join("<br/>"),
                index_of(e.to)
            );
        }
    }

    s.push_str("  classDef step fill:#ffffff,stroke:#90a4ae,color:#263238\n");
    s.push_str("  classDef milestone fill:#ffffff,stroke:#2e7d32,stroke-width:3px,color:#263238\n");
    for o in Outcome::ALL {
        let (stroke, fill) = match o {
            Outcome::Won => ("#2e7d32", "#e6f4e7"),
            Outcome::Lost => ("#c62828", "#fdecec"),
            Outcome::Disqualified => ("#616161", "#f1f1f1"),
            Outcome::Churned => ("#e65100", "#fff1e3"),
        };
        let _ = writeln!(
            s,
            "  classDef {} fill:{fill},stroke:{stroke},stroke-width:2px",
            o.name()
        );
    }
    let mut classes: Vec<(String, Vec<String>)> = Vec::new();
    for node in &d.nodes {
        let class = match node.kind {
            NodeKind::Step => "step".to_string(),
            NodeKind::WonMilestone => "milestone".to_string(),
            NodeKind::Outcome(o) => o.name().to_string(),
        };
        let id = format!("s{}", node.stage.0);
        match classes.iter_mut().find(|(c, _)| *c == class) {
            Some((_, ids)) => ids.push(id),
            None => classes.push((class, vec![id])),
        }
    }
    for (class, ids) in classes {
        let _ = writeln!(s, "  class {} {class}", ids.join(","));
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
            label(r#"<script> "x" | #1 & `y`"#),
            "#60;script#62; #34;x#34; #124; #35;1 #38; #96;y#96;"
        );
    }
}
