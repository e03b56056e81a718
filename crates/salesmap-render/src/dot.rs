//! The Graphviz DOT writer: the map as a `digraph` for `dot -Tsvg` and other Graphviz tools,
//! carrying what the SVG drawing shows.
//!
//! Phases become `cluster` subgraphs in each phase's own colours (or owners become clusters,
//! with co-owners named on the box); stages are HTML-like labels with their owners,
//! sub-stages and figures in smaller type; a deciding stage is followed by a `diamond` holding
//! its question, the moves out of it labelled yes or no; outcomes are filled in their colours;
//! loops back are dashed and written against the flow with `dir=back`, so Graphviz ranks them
//! like any other edge and places their labels clear of the boxes (a `constraint=false` edge
//! gets its label wherever the ranks leave room, over a box as often as not); moves not in
//! the map are dotted. Main-path edges get a high weight so Graphviz keeps the spine straight.
//! Every string is escaped for HTML-like labels or quoted DOT strings, so no stage name can
//! break the syntax. Node ids are `s` plus the stage index (`d` for a decision, `t` for an
//! as-is map's start and end).

use std::fmt::Write;

use salesmap_core::{map::Map, overlay::Overlay};

use crate::diagram::{Diagram, EdgeKind, NodeKind, Tone};
use crate::font::FAMILY;
use crate::options::{Lanes, RenderOptions};
use crate::palette::{self, INK, MUTED};

/// Renders `map` as a Graphviz digraph.
pub fn render_dot(map: &Map, options: &RenderOptions, overlay: Option<&Overlay>) -> String {
    write_dot(&Diagram::build(map, options, overlay))
}

/// The DOT id of node `v`.
fn id(d: &Diagram, v: usize) -> String {
    let node = &d.nodes[v];
    match (node.kind, node.stage) {
        (NodeKind::Decision, Some(s)) => format!("d{}", s.0),
        (NodeKind::Start, _) => "t_start".to_string(),
        (NodeKind::End, _) => "t_end".to_string(),
        (_, Some(s)) => format!("s{}", s.0),
        (_, None) => format!("n{v}"),
    }
}

fn tone_colour(tone: Tone) -> &'static str {
    match tone {
        Tone::Figure => palette::FIGURE,
        Tone::Muted => MUTED,
        Tone::Alert => palette::ALERT,
    }
}

/// Writes a diagram as a Graphviz digraph.
pub fn write_dot(d: &Diagram) -> String {
    let mut s = String::new();
    s.push_str("digraph map {\n");
    let mut heading = format!("<b>{}</b>", html(&d.title));
    for line in &d.subtitle {
        let _ = write!(
            heading,
            "<br/><font point-size=\"10\" color=\"{MUTED}\">{}</font>",
            html(line)
        );
    }
    let _ = writeln!(s, "  label=<{heading}>;");
    s.push_str("  labelloc=t;\n  labeljust=l;\n  rankdir=TB;\n  newrank=true;\n  nodesep=0.5;\n  ranksep=0.45;\n");
    let _ = writeln!(s, "  fontname={};", quote(FAMILY));
    let _ = writeln!(
        s,
        "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=\"{}\", fontname={}, fontsize=12, fontcolor=\"{INK}\", margin=\"0.15,0.08\"];",
        palette::STAGE_STROKE,
        quote(FAMILY)
    );
    let _ = writeln!(
        s,
        "  edge [color=\"{}\", fontname={}, fontsize=10];",
        palette::MAIN_EDGE,
        quote(FAMILY)
    );

    let node_line = |v: usize| -> String {
        let node = &d.nodes[v];
        let mut label = String::new();
        if node.start {
            let _ = write!(
                label,
                "<font point-size=\"9\" color=\"{MUTED}\">{}</font><br/>",
                html(d.wording.start())
            );
        }
        if node.kind == NodeKind::WonMilestone {
            let _ = write!(
                label,
                "<font point-size=\"9\" color=\"{}\">{}</font><br/>",
                palette::MILESTONE,
                html(d.wording.won_milestone())
            );
        }
        let _ = write!(label, "<b>{}</b>", html(&node.title));
        let owners_shown = match d.lanes {
            Lanes::Owner => node.owners.len() > 1,
            _ => !node.owners.is_empty(),
        };
        if owners_shown && !matches!(node.kind, NodeKind::Decision | NodeKind::Outcome(_)) {
            let _ = write!(
                label,
                "<br/><font point-size=\"9\" color=\"{MUTED}\">{}</font>",
                html(&node.owners.join(" · "))
            );
        }
        if let Some(detail) = &node.detail {
            let _ = write!(
                label,
                "<br/><font point-size=\"9\" color=\"{MUTED}\">{}</font>",
                html(detail)
            );
        }
        for sub in &node.sub_stages {
            let _ = write!(
                label,
                "<br/><font point-size=\"9\" color=\"{}\">{}{}</font>",
                palette::CHIP_TEXT,
                "· ".repeat(sub.level as usize),
                html(&sub.title)
            );
        }
        if node.hidden_sub_stages > 0 {
            let _ = write!(
                label,
                "<br/><font point-size=\"9\" color=\"{MUTED}\">{}</font>",
                html(&d.wording.sub_stages(node.hidden_sub_stages))
            );
        }
        for f in &node.figures {
            let _ = write!(
                label,
                "<br/><font point-size=\"9\" color=\"{}\"><b>{}</b></font>",
                tone_colour(f.tone),
                html(&f.text)
            );
        }
        let style = match node.kind {
            NodeKind::Outcome(o) => {
                let c = palette::outcome(o);
                format!(
                    ", style=\"rounded,filled,bold\", color=\"{}\", fillcolor=\"{}\", fontcolor=\"{}\"",
                    c.stroke, c.fill, c.text
                )
            }
            NodeKind::WonMilestone => format!(", color=\"{}\", penwidth=2.5", palette::MILESTONE),
            NodeKind::Decision => format!(
                ", shape=diamond, style=filled, color=\"{}\", fillcolor=\"{}\", margin=\"0.05,0.03\"",
                palette::DECISION,
                palette::DECISION_FILL
            ),
            NodeKind::Start | NodeKind::End => format!(
                ", shape=box, style=\"rounded,filled\", color=\"{}\", fillcolor=\"{}\"",
                palette::TERMINAL,
                palette::TERMINAL_FILL
            ),
            NodeKind::Step if node.alert => format!(", color=\"{}\", penwidth=2", palette::ALERT),
            NodeKind::Step => String::new(),
        };
        if node.kind == NodeKind::Decision && node.title.trim().is_empty() {
            // A decision the map asks no question for: an empty diamond.
            return format!("{} [label=\"\", width=0.5, height=0.35{style}];", id(d, v));
        }
        format!("{} [label=<{label}>{style}];", id(d, v))
    };

    let mut grouped = vec![false; d.nodes.len()];
    for (g, (name, members)) in d.lane_groups().iter().enumerate() {
        let (line, fill, text) = match d.lanes {
            Lanes::Phase => {
                let p = d.phases.iter().position(|x| x == name);
                let c = palette::phase(p);
                (c.accent, c.tint, c.text)
            }
            _ => (palette::LANE_LINE, palette::LANE_TINTS[g % 2], INK),
        };
        let _ = writeln!(s, "  subgraph cluster_{g} {{");
        let _ = writeln!(s, "    label=<<b>{}</b>>;", html(name));
        let _ = writeln!(
            s,
            "    style=\"rounded,filled\";\n    color=\"{line}\";\n    fillcolor=\"{fill}\";\n    fontcolor=\"{text}\";"
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

    let loops = d.loop_backs();
    for (e_ix, e) in d.edges.iter().enumerate() {
        let back = loops[e_ix];
        let mut attrs = Vec::new();
        let mut label = Vec::new();
        if let Some(a) = &e.answer {
            label.push(format!("<b>{}</b>", html(a)));
        }
        if let Some(l) = &e.label {
            label.push(html(l));
        }
        for f in &e.figures {
            label.push(format!(
                "<font color=\"{}\"><b>{}</b></font>",
                tone_colour(f.tone),
                html(&f.text)
            ));
        }
        let colour = match (e.kind, d.nodes[e.to].kind) {
            (EdgeKind::NotInMap, _) => palette::NOT_IN_MAP,
            _ if back => palette::LOOP_EDGE,
            (_, NodeKind::Outcome(o)) => palette::outcome(o).stroke,
            (EdgeKind::Next | EdgeKind::IntoDecision, _) => palette::MAIN_EDGE,
            _ => palette::BRANCH_EDGE,
        };
        if !label.is_empty() {
            attrs.push(format!(
                "label=<{}>, fontcolor=\"{colour}\"",
                label.join("<br/>")
            ));
        }
        let width = palette::edge_width(1.0, e.weight);
        attrs.push(format!("color=\"{colour}\", penwidth={:.1}", width));
        if e.kind == EdgeKind::NotInMap {
            attrs.push("style=dotted".to_string());
        } else if back {
            attrs.push("style=dashed".to_string());
        } else if matches!(e.kind, EdgeKind::Next | EdgeKind::IntoDecision) {
            attrs.push("weight=10".to_string());
        }
        // A loop back is written against the flow and drawn with its arrow reversed, so
        // Graphviz ranks it downward and keeps its label clear of the boxes.
        let (a, b) = if back {
            attrs.push("dir=back".to_string());
            (e.to, e.from)
        } else {
            (e.from, e.to)
        };
        let _ = writeln!(s, "  {} -> {} [{}];", id(d, a), id(d, b), attrs.join(", "));
    }
    s.push_str("}\n");
    s
}

/// Text for an HTML-like label: markup characters as entities.
fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
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
    use super::{html, quote};

    #[test]
    fn quote_escapes_dot_syntax() {
        assert_eq!(quote("a \"b\" \\ c\nd"), r#""a \"b\" \\ c\nd""#);
    }

    #[test]
    fn html_labels_escape_markup() {
        assert_eq!(
            html("<b>R&D</b> \"x\" ]]>"),
            "&lt;b&gt;R&amp;D&lt;/b&gt; &quot;x&quot; ]]&gt;"
        );
    }
}
