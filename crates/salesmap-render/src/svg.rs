//! The SVG writer: paints a [`Layout`] as one self-contained SVG document.
//!
//! No scripts, no external references, every user string escaped. The document has a
//! `viewBox` and a size in points-equivalent pixels, so it scales cleanly to any print size.
//! Coordinates are written with at most one decimal, so output is byte-stable.

use std::fmt::Write;

use salesmap_core::map::{Map, Outcome};
use salesmap_core::overlay::Overlay;
pub(crate) use salesmap_core::text::escape_markup as escape;

use crate::diagram::NodeKind;
use crate::font::{SVG_FONT_STACK, Weight};
use crate::layout::{
    EdgeStyle, EdgeStyleSample, Layout, Point, Rect, Swatch, TextRole, TextRun, layout_map,
};
use crate::options::RenderOptions;

/// Renders `map` as an SVG document.
pub fn render_svg(map: &Map, options: &RenderOptions, overlay: Option<&Overlay>) -> String {
    write_svg(&layout_map(map, options, overlay))
}

/// Phase colours: (stroke / accent, band tint).
const PHASE_COLORS: [(&str, &str); 8] = [
    ("#1e88e5", "#eef5fd"),
    ("#00897b", "#ebf6f5"),
    ("#8e24aa", "#f6edf8"),
    ("#f4a100", "#fdf6e7"),
    ("#3949ab", "#eef0f9"),
    ("#d81b60", "#fcedf3"),
    ("#43a047", "#eef7ef"),
    ("#6d4c41", "#f4efed"),
];
const NO_PHASE: (&str, &str) = ("#78909c", "#f4f6f7");
const LANE_TINTS: [&str; 2] = ["#f3f6fa", "#fbfcfd"];

fn phase_color(phase: Option<usize>) -> (&'static str, &'static str) {
    match phase {
        Some(p) if p != usize::MAX => PHASE_COLORS[p % PHASE_COLORS.len()],
        _ => NO_PHASE,
    }
}

/// Outcome colours: (stroke, fill, text).
fn outcome_color(outcome: Outcome) -> (&'static str, &'static str, &'static str) {
    match outcome {
        Outcome::Won => ("#2e7d32", "#e6f4e7", "#1b5e20"),
        Outcome::Lost => ("#c62828", "#fdecec", "#b71c1c"),
        Outcome::Disqualified => ("#616161", "#f1f1f1", "#424242"),
        Outcome::Churned => ("#e65100", "#fff1e3", "#bf360c"),
    }
}

const INK: &str = "#263238";
const MAIN_EDGE: &str = "#37474f";
const BRANCH_EDGE: &str = "#607d8b";
const LOOP_EDGE: &str = "#7e57c2";
const FIGURE: &str = "#1565c0";
const MILESTONE: &str = "#2e7d32";
const DECISION: &str = "#b26a00";

/// Arrowhead markers: (id, colour), one per edge colour.
const ARROWS: [(&str, &str); 7] = [
    ("main", MAIN_EDGE),
    ("branch", BRANCH_EDGE),
    ("loop", LOOP_EDGE),
    ("won", "#2e7d32"),
    ("lost", "#c62828"),
    ("disqualified", "#616161"),
    ("churned", "#e65100"),
];

fn arrow_id(style: EdgeStyle) -> &'static str {
    match style {
        EdgeStyle::Main => "main",
        EdgeStyle::Branch => "branch",
        EdgeStyle::Loop => "loop",
        EdgeStyle::Exit(o) => o.name(),
    }
}

fn edge_color(style: EdgeStyle) -> &'static str {
    match style {
        EdgeStyle::Main => MAIN_EDGE,
        EdgeStyle::Branch => BRANCH_EDGE,
        EdgeStyle::Exit(o) => outcome_color(o).0,
        EdgeStyle::Loop => LOOP_EDGE,
    }
}

/// A number with at most one decimal, without a trailing `.0`.
fn num(v: f32) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// Writes the layout as SVG.
pub fn write_svg(layout: &Layout) -> String {
    let mut s = String::new();
    let (w, h) = (num(layout.width), num(layout.height));
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{}">"#,
        escape(SVG_FONT_STACK)
    );
    let title = layout
        .title
        .iter()
        .find(|t| t.role == TextRole::MapTitle)
        .map(|t| t.text.clone())
        .unwrap_or_default();
    let _ = writeln!(s, "<title>{}</title>", escape(&title));
    // One arrowhead per edge colour: `context-stroke` is not understood by every viewer.
    s.push_str("<defs>\n");
    for (id, color) in ARROWS {
        let _ = writeln!(
            s,
            r#"<marker id="arrow-{id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto" markerUnits="userSpaceOnUse"><path d="M0,0 L10,5 L0,10 z" fill="{color}"/></marker>"#
        );
    }
    s.push_str("</defs>\n");
    let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);

    for lane in &layout.lanes {
        let fill = if lane.is_phase {
            phase_color(Some(lane.tint)).1
        } else {
            LANE_TINTS[lane.tint % 2]
        };
        rect(&mut s, lane.rect, 0.0, fill, "#d5dde5", 1.0, None);
        if lane.is_phase {
            let accent = phase_color(Some(lane.tint)).0;
            rect(
                &mut s,
                Rect {
                    w: 4.0,
                    ..lane.header
                },
                0.0,
                accent,
                "none",
                0.0,
                None,
            );
        } else {
            rect(&mut s, lane.header, 0.0, "#e3e9ef", "#d5dde5", 1.0, None);
        }
        for t in &lane.texts {
            let color = if lane.is_phase {
                phase_color(Some(lane.tint)).0
            } else {
                INK
            };
            text(&mut s, t, color, false);
        }
    }

    for t in &layout.title {
        let color = if t.role == TextRole::MapTitle {
            INK
        } else {
            "#546e7a"
        };
        text(&mut s, t, color, false);
    }

    // Edges under boxes, so arrowheads meet the outline cleanly.
    for e in &layout.edges {
        let color = edge_color(e.style);
        let (width, dash) = match e.style {
            EdgeStyle::Main => (2.2, None),
            EdgeStyle::Loop => (1.6, Some("6 4")),
            _ => (1.6, None),
        };
        let _ = write!(s, r#"<path d=""#);
        for (i, p) in e.points.iter().enumerate() {
            let _ = write!(
                s,
                "{}{},{}",
                if i == 0 { "M" } else { " L" },
                num(p.x),
                num(p.y)
            );
        }
        let _ = write!(
            s,
            r#"" fill="none" stroke="{color}" stroke-width="{}" stroke-linejoin="round""#,
            num(width)
        );
        if let Some(d) = dash {
            let _ = write!(s, r#" stroke-dasharray="{d}""#);
        }
        let _ = writeln!(s, r#" marker-end="url(#arrow-{})"/>"#, arrow_id(e.style));
    }

    for b in &layout.nodes {
        let r = b.rect;
        match b.kind {
            NodeKind::Outcome(o) => {
                let (stroke, fill, _) = outcome_color(o);
                rect(&mut s, r, r.h.min(28.0) / 2.0, fill, stroke, 2.0, None);
            }
            NodeKind::WonMilestone => {
                rect(&mut s, r, 8.0, "#ffffff", MILESTONE, 2.6, None);
                accent_bar(&mut s, r, phase_color(b.phase).0);
            }
            NodeKind::Step => {
                let stroke = if b.decision { DECISION } else { "#90a4ae" };
                rect(&mut s, r, 8.0, "#ffffff", stroke, 1.3, None);
                accent_bar(&mut s, r, phase_color(b.phase).0);
            }
        }
        for (chip, level) in &b.chips {
            let fill = if *level == 1 { "#f5f7f9" } else { "#fafbfc" };
            rect(&mut s, *chip, 5.0, fill, "#cfd8dc", 1.0, None);
        }
        for t in &b.texts {
            let color = match t.role {
                TextRole::OutcomeName => match b.kind {
                    NodeKind::Outcome(o) => outcome_color(o).2,
                    _ => INK,
                },
                TextRole::Badge | TextRole::Owners | TextRole::Detail => "#607d8b",
                TextRole::MilestoneBadge => MILESTONE,
                TextRole::Decision => DECISION,
                TextRole::Figure => FIGURE,
                TextRole::SubStage => "#37474f",
                _ => INK,
            };
            text(&mut s, t, color, true);
        }
    }

    for e in &layout.edges {
        if let Some(label) = &e.label {
            rect(&mut s, label.rect, 3.0, "#ffffff", "none", 0.0, Some(0.92));
            for t in &label.texts {
                let color = if t.role == TextRole::Figure {
                    FIGURE
                } else {
                    edge_color(e.style)
                };
                text(&mut s, t, color, true);
            }
        }
    }

    if let Some(legend) = &layout.legend {
        rect(&mut s, legend.rect, 6.0, "#ffffff", "#b0bec5", 1.0, None);
        text(&mut s, &legend.title, INK, false);
        for entry in &legend.entries {
            swatch(&mut s, entry.swatch, entry.swatch_rect);
            text(&mut s, &entry.text, INK, false);
        }
    }
    s.push_str("</svg>\n");
    s
}

/// The phase colour as a tab along the top edge of a stage box.
fn accent_bar(s: &mut String, r: Rect, color: &str) {
    let tab = Rect {
        x: r.x + 10.0,
        y: r.y - 2.0,
        w: r.w - 20.0,
        h: 4.0,
    };
    rect(s, tab, 2.0, color, "none", 0.0, None);
}

fn rect(
    s: &mut String,
    r: Rect,
    radius: f32,
    fill: &str,
    stroke: &str,
    stroke_width: f32,
    opacity: Option<f32>,
) {
    let _ = write!(
        s,
        r#"<rect x="{}" y="{}" width="{}" height="{}""#,
        num(r.x),
        num(r.y),
        num(r.w),
        num(r.h)
    );
    if radius > 0.0 {
        let _ = write!(s, r#" rx="{}""#, num(radius));
    }
    let _ = write!(s, r#" fill="{fill}""#);
    if let Some(o) = opacity {
        let _ = write!(s, r#" fill-opacity="{}""#, num(o));
    }
    if stroke != "none" && stroke_width > 0.0 {
        let _ = write!(
            s,
            r#" stroke="{stroke}" stroke-width="{}""#,
            num(stroke_width)
        );
    }
    s.push_str("/>\n");
}

fn text(s: &mut String, t: &TextRun, color: &str, centred: bool) {
    let (x, anchor) = if centred {
        (t.x + t.width / 2.0, r#" text-anchor="middle""#)
    } else {
        (t.x, "")
    };
    let weight = if t.weight == Weight::Bold {
        r#" font-weight="700""#
    } else {
        ""
    };
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" font-size="{}"{weight}{anchor} fill="{color}">{}</text>"#,
        num(x),
        num(t.baseline),
        num(t.size),
        escape(&t.text)
    );
}

fn line(
    s: &mut String,
    a: Point,
    b: Point,
    color: &str,
    width: f32,
    dash: Option<&str>,
    arrow: &str,
) {
    let _ = write!(
        s,
        r#"<path d="M{},{} L{},{}" stroke="{color}" stroke-width="{}" fill="none""#,
        num(a.x),
        num(a.y),
        num(b.x),
        num(b.y),
        num(width)
    );
    if let Some(d) = dash {
        let _ = write!(s, r#" stroke-dasharray="{d}""#);
    }
    let _ = write!(s, r#" marker-end="url(#arrow-{arrow})""#);
    s.push_str("/>\n");
}

fn swatch(s: &mut String, kind: Swatch, r: Rect) {
    let mid = Point { x: r.x, y: r.cy() };
    let end = Point {
        x: r.right(),
        y: r.cy(),
    };
    match kind {
        Swatch::Stage => {
            rect(s, r, 4.0, "#ffffff", "#90a4ae", 1.3, None);
            accent_bar_small(s, r, phase_color(Some(0)).0);
        }
        Swatch::Decision => rect(s, r, 4.0, "#ffffff", DECISION, 1.3, None),
        Swatch::WonMilestone => rect(s, r, 4.0, "#ffffff", MILESTONE, 2.6, None),
        Swatch::Outcome(o) => {
            let (stroke, fill, _) = outcome_color(o);
            rect(s, r, r.h / 2.0, fill, stroke, 2.0, None);
        }
        Swatch::Edge(EdgeStyleSample::Main) => line(s, mid, end, MAIN_EDGE, 2.2, None, "main"),
        Swatch::Edge(EdgeStyleSample::Branch) => {
            line(s, mid, end, BRANCH_EDGE, 1.6, None, "branch")
        }
        Swatch::Edge(EdgeStyleSample::Loop) => {
            line(s, mid, end, LOOP_EDGE, 1.6, Some("6 4"), "loop")
        }
        Swatch::Phase(p) => rect(
            s,
            r,
            3.0,
            phase_color(Some(p)).1,
            phase_color(Some(p)).0,
            1.5,
            None,
        ),
        Swatch::Figure => {
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{}" font-size="11" font-weight="700" text-anchor="middle" fill="{FIGURE}">42%</text>"#,
                num(r.cx()),
                num(r.cy() + 4.0)
            );
        }
    }
}

fn accent_bar_small(s: &mut String, r: Rect, color: &str) {
    rect(
        s,
        Rect {
            x: r.x + 2.0,
            y: r.y + 2.0,
            w: r.w - 4.0,
            h: 3.0,
        },
        0.0,
        color,
        "none",
        0.0,
        None,
    );
}
