//! The SVG writer: paints a [`Layout`] as one self-contained SVG document.
//!
//! No scripts, no external references, every user string escaped. The document has a
//! `viewBox` and a size in points-equivalent pixels, so it scales cleanly to any print size.
//! Coordinates and sizes are written with at most one decimal, so output is byte-stable and
//! never reads `13.000000000000002`. Each box is one `<g class="node">` (its shape and its
//! text) and each edge label one `<g class="label">`, so a reader (or a test in a browser) can
//! tell which text belongs to which shape. Colours come from [`crate::palette`].

use std::fmt::Write;

use salesmap_core::map::Map;
use salesmap_core::overlay::Overlay;
pub(crate) use salesmap_core::text::escape_markup as escape;

use crate::diagram::NodeKind;
use crate::font::{SVG_FONT_STACK, Weight};
use crate::layout::{
    EdgeStyle, EdgeStyleSample, Layout, NodeBox, Point, Rect, Swatch, TextRole, TextRun, layout_map,
};
use crate::options::RenderOptions;
use crate::palette::{self, INK, MUTED};

/// Renders `map` as an SVG document.
pub fn render_svg(map: &Map, options: &RenderOptions, overlay: Option<&Overlay>) -> String {
    write_svg(&layout_map(map, options, overlay))
}

fn edge_color(style: EdgeStyle) -> &'static str {
    match style {
        EdgeStyle::Main => palette::MAIN_EDGE,
        EdgeStyle::Branch => palette::BRANCH_EDGE,
        EdgeStyle::Exit(o) => palette::outcome(o).stroke,
        EdgeStyle::Loop => palette::LOOP_EDGE,
        EdgeStyle::NotInMap => palette::NOT_IN_MAP,
    }
}

fn edge_base_width(style: EdgeStyle) -> f32 {
    match style {
        EdgeStyle::Main => 2.2,
        _ => 1.6,
    }
}

fn edge_dash(style: EdgeStyle) -> Option<&'static str> {
    match style {
        EdgeStyle::Loop => Some("6 4"),
        EdgeStyle::NotInMap => Some("2 4"),
        _ => None,
    }
}

/// A number with at most one decimal, without a trailing `.0`.
pub(crate) fn num(v: f32) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// An arrowhead marker: its colour and size.
#[derive(Clone, PartialEq)]
struct Arrow {
    color: String,
    size: f32,
}

impl Arrow {
    fn id(&self) -> String {
        format!(
            "arrow-{}-{}",
            self.color.trim_start_matches('#'),
            num(self.size).replace('.', "_")
        )
    }
}

/// The arrowhead of an edge of `width`: a little larger than the line, in half-pixel steps.
fn arrow_size(width: f32) -> f32 {
    ((7.0 + 1.4 * (width - 1.6).max(0.0)) * 2.0).round() / 2.0
}

struct EdgePaint {
    color: String,
    width: f32,
    dash: Option<&'static str>,
    arrow: Arrow,
}

fn edge_paint(style: EdgeStyle, weight: Option<f32>, heat: Option<f32>) -> EdgePaint {
    let color = match heat {
        Some(h) => palette::heat(h),
        None => edge_color(style).to_string(),
    };
    let width = palette::edge_width(edge_base_width(style), weight);
    EdgePaint {
        arrow: Arrow {
            color: color.clone(),
            size: arrow_size(width),
        },
        color,
        width,
        dash: edge_dash(style),
    }
}

/// Where a port on a diamond's bounding box meets the diamond's outline, moving inward.
fn diamond_outline(r: Rect, p: Point) -> Point {
    let (hw, hh) = (r.w / 2.0, r.h / 2.0);
    if (p.x - r.x).abs() < 0.01 || (p.x - r.right()).abs() < 0.01 {
        let reach = hw * (1.0 - ((p.y - r.cy()).abs() / hh).min(1.0));
        let x = if p.x < r.cx() {
            r.cx() - reach
        } else {
            r.cx() + reach
        };
        Point { x, y: p.y }
    } else {
        let reach = hh * (1.0 - ((p.x - r.cx()).abs() / hw).min(1.0));
        let y = if p.y < r.cy() {
            r.cy() - reach
        } else {
            r.cy() + reach
        };
        Point { x: p.x, y }
    }
}

/// The points an edge is painted through: its route, run on to a diamond's outline where it
/// leaves or enters one.
fn painted_points(layout: &Layout, from: usize, to: usize, points: &[Point]) -> Vec<Point> {
    let mut out = points.to_vec();
    let diamond = |v: usize| {
        let b = &layout.nodes[v];
        (b.kind == NodeKind::Decision).then_some(b.rect)
    };
    if let (Some(r), Some(&first)) = (diamond(from), points.first()) {
        let o = diamond_outline(r, first);
        if !o.close_to(first) {
            out.insert(0, o);
        }
    }
    if let (Some(r), Some(&last)) = (diamond(to), points.last()) {
        let o = diamond_outline(r, last);
        if !o.close_to(last) {
            out.push(o);
        }
    }
    out
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

    // One arrowhead per colour and size an edge (or a legend sample) uses: `context-stroke`
    // is not understood by every viewer.
    let mut arrows: Vec<Arrow> = Vec::new();
    let mut paints = Vec::new();
    for e in &layout.edges {
        let paint = edge_paint(e.style, e.weight, e.heat);
        if !arrows.contains(&paint.arrow) {
            arrows.push(paint.arrow.clone());
        }
        paints.push(paint);
    }
    if let Some(legend) = &layout.legend {
        for entry in &legend.entries {
            if let Some(paint) = swatch_paint(entry.swatch)
                && !arrows.contains(&paint.arrow)
            {
                arrows.push(paint.arrow);
            }
        }
    }
    s.push_str("<defs>\n");
    for a in &arrows {
        let _ = writeln!(
            s,
            r#"<marker id="{}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="{}" markerHeight="{}" orient="auto" markerUnits="userSpaceOnUse"><path d="M0,0 L10,5 L0,10 z" fill="{}"/></marker>"#,
            a.id(),
            num(a.size),
            num(a.size),
            a.color
        );
    }
    s.push_str("</defs>\n");
    let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);

    for lane in &layout.lanes {
        let colours = palette::phase(Some(lane.tint));
        let fill = if lane.is_phase {
            colours.tint
        } else {
            palette::LANE_TINTS[lane.tint % 2]
        };
        rect(&mut s, lane.rect, 0.0, fill, palette::LANE_LINE, 1.0, None);
        if lane.is_phase {
            rect(
                &mut s,
                Rect {
                    w: 4.0,
                    ..lane.header
                },
                0.0,
                colours.accent,
                "none",
                0.0,
                None,
            );
        } else {
            rect(
                &mut s,
                lane.header,
                0.0,
                palette::LANE_HEADER,
                palette::LANE_LINE,
                1.0,
                None,
            );
        }
        for t in &lane.texts {
            let color = if lane.is_phase { colours.text } else { INK };
            text(&mut s, t, color, false);
        }
    }

    for t in &layout.title {
        let color = if t.role == TextRole::MapTitle {
            INK
        } else {
            MUTED
        };
        text(&mut s, t, color, false);
    }

    // Edges under boxes, so arrowheads meet the outline cleanly.
    for (e, paint) in layout.edges.iter().zip(&paints) {
        let points = painted_points(layout, e.from, e.to, &e.points);
        let _ = write!(s, r#"<path d=""#);
        for (i, p) in points.iter().enumerate() {
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
            r#"" fill="none" stroke="{}" stroke-width="{}" stroke-linejoin="round""#,
            paint.color,
            num(paint.width)
        );
        if let Some(d) = paint.dash {
            let _ = write!(s, r#" stroke-dasharray="{d}""#);
        }
        let _ = writeln!(s, r#" marker-end="url(#{})"/>"#, paint.arrow.id());
    }

    for b in &layout.nodes {
        node(&mut s, b);
    }

    for e in &layout.edges {
        if let Some(label) = &e.label {
            s.push_str("<g class=\"label\">\n");
            rect(&mut s, label.rect, 3.0, "#ffffff", "none", 0.0, Some(0.92));
            for t in &label.texts {
                let color = match t.role {
                    TextRole::Figure => palette::FIGURE,
                    TextRole::FigureMuted => MUTED,
                    TextRole::FigureAlert => palette::ALERT,
                    // Heat tints lines only; words on a label stay readable.
                    _ if e.heat.is_some() => INK,
                    _ => edge_color(e.style),
                };
                text(&mut s, t, color, true);
            }
            s.push_str("</g>\n");
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

/// One box: its shape, sub-stage chips and text, as one group.
fn node(s: &mut String, b: &NodeBox) {
    let r = b.rect;
    let _ = writeln!(s, r#"<g class="node">"#);
    match b.kind {
        NodeKind::Outcome(o) => {
            let c = palette::outcome(o);
            rect(s, r, r.h.min(28.0) / 2.0, c.fill, c.stroke, 2.0, None);
        }
        NodeKind::WonMilestone => {
            let stroke = if b.alert {
                palette::ALERT
            } else {
                palette::MILESTONE
            };
            rect(s, r, 8.0, "#ffffff", stroke, 2.6, None);
            accent_bar(s, r, palette::phase(b.phase).accent);
        }
        NodeKind::Step => {
            let (stroke, width) = if b.alert {
                (palette::ALERT, 2.2)
            } else {
                (palette::STAGE_STROKE, 1.3)
            };
            rect(s, r, 8.0, "#ffffff", stroke, width, None);
            accent_bar(s, r, palette::phase(b.phase).accent);
        }
        NodeKind::Decision => {
            let _ = writeln!(
                s,
                r#"<path d="M{},{} L{},{} L{},{} L{},{} Z" fill="{}" stroke="{}" stroke-width="1.6" stroke-linejoin="round"/>"#,
                num(r.cx()),
                num(r.y),
                num(r.right()),
                num(r.cy()),
                num(r.cx()),
                num(r.bottom()),
                num(r.x),
                num(r.cy()),
                palette::DECISION_FILL,
                palette::DECISION
            );
        }
        NodeKind::Start | NodeKind::End => {
            rect(
                s,
                r,
                r.h / 2.0,
                palette::TERMINAL_FILL,
                palette::TERMINAL,
                1.6,
                None,
            );
        }
    }
    for (chip, level) in &b.chips {
        let fill = if *level == 1 {
            palette::CHIP_FILL
        } else {
            "#fafbfc"
        };
        rect(s, *chip, 5.0, fill, palette::CHIP_STROKE, 1.0, None);
    }
    for t in &b.texts {
        let color = match t.role {
            TextRole::OutcomeName => match b.kind {
                NodeKind::Outcome(o) => palette::outcome(o).text,
                _ => INK,
            },
            TextRole::Badge if matches!(b.kind, NodeKind::Start | NodeKind::End) => INK,
            TextRole::Badge | TextRole::Owners | TextRole::Detail | TextRole::FigureMuted => MUTED,
            TextRole::MilestoneBadge => palette::MILESTONE,
            TextRole::Figure => palette::FIGURE,
            TextRole::FigureAlert => palette::ALERT,
            TextRole::SubStage => palette::CHIP_TEXT,
            _ => INK,
        };
        text(s, t, color, true);
    }
    s.push_str("</g>\n");
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

fn line(s: &mut String, a: Point, b: Point, paint: &EdgePaint) {
    let _ = write!(
        s,
        r#"<path d="M{},{} L{},{}" stroke="{}" stroke-width="{}" fill="none""#,
        num(a.x),
        num(a.y),
        num(b.x),
        num(b.y),
        paint.color,
        num(paint.width)
    );
    if let Some(d) = paint.dash {
        let _ = write!(s, r#" stroke-dasharray="{d}""#);
    }
    let _ = write!(s, r#" marker-end="url(#{})""#, paint.arrow.id());
    s.push_str("/>\n");
}

/// How a legend's edge sample is painted, for the samples that are lines.
fn swatch_paint(kind: Swatch) -> Option<EdgePaint> {
    Some(match kind {
        Swatch::Edge(EdgeStyleSample::Main) => edge_paint(EdgeStyle::Main, None, None),
        Swatch::Edge(EdgeStyleSample::Branch) => edge_paint(EdgeStyle::Branch, None, None),
        Swatch::Edge(EdgeStyleSample::Loop) => edge_paint(EdgeStyle::Loop, None, None),
        Swatch::Edge(EdgeStyleSample::NotInMap) => edge_paint(EdgeStyle::NotInMap, None, None),
        Swatch::Width => edge_paint(EdgeStyle::Branch, Some(1.0), None),
        Swatch::Heat => edge_paint(EdgeStyle::Branch, None, Some(1.0)),
        _ => return None,
    })
}

fn swatch(s: &mut String, kind: Swatch, r: Rect) {
    let mid = Point { x: r.x, y: r.cy() };
    let end = Point {
        x: r.right(),
        y: r.cy(),
    };
    if let Some(paint) = swatch_paint(kind) {
        line(s, mid, end, &paint);
        return;
    }
    match kind {
        Swatch::Stage => {
            rect(s, r, 4.0, "#ffffff", palette::STAGE_STROKE, 1.3, None);
            accent_bar_small(s, r, palette::phase(Some(0)).accent);
        }
        Swatch::OverTarget => rect(s, r, 4.0, "#ffffff", palette::ALERT, 2.2, None),
        Swatch::Decision => {
            let _ = writeln!(
                s,
                r#"<path d="M{},{} L{},{} L{},{} L{},{} Z" fill="{}" stroke="{}" stroke-width="1.3"/>"#,
                num(r.cx()),
                num(r.y - 2.0),
                num(r.right()),
                num(r.cy()),
                num(r.cx()),
                num(r.bottom() + 2.0),
                num(r.x),
                num(r.cy()),
                palette::DECISION_FILL,
                palette::DECISION
            );
        }
        Swatch::WonMilestone => rect(s, r, 4.0, "#ffffff", palette::MILESTONE, 2.6, None),
        Swatch::Outcome(o) => {
            let c = palette::outcome(o);
            rect(s, r, r.h / 2.0, c.fill, c.stroke, 2.0, None);
        }
        Swatch::Terminal => rect(
            s,
            r,
            r.h / 2.0,
            palette::TERMINAL_FILL,
            palette::TERMINAL,
            1.6,
            None,
        ),
        Swatch::Phase(p) => rect(
            s,
            r,
            3.0,
            palette::phase(Some(p)).tint,
            palette::phase(Some(p)).accent,
            1.5,
            None,
        ),
        Swatch::Figure => {
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{}" font-size="12" font-weight="700" text-anchor="middle" fill="{}">n=42</text>"#,
                num(r.cx()),
                num(r.cy() + 4.0),
                palette::FIGURE
            );
        }
        Swatch::Edge(_) | Swatch::Width | Swatch::Heat => {}
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
