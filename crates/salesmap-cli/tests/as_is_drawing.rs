//! The as-is process map (`salesmap discover --format svg|png`), read back from the drawing:
//! stages only unless `--touches`; the activities and paths sliders, the map always connected
//! from start to end; the frequency and performance views; Korean words; and on every shared
//! event log, with the default sliders, a drawing that fits a 1920 × 1080 screen at 11 px text
//! or more.
//!
//! Index: `stages_only_unless_touches_are_asked_for`, `sliders_keep_the_map_connected`,
//! `performance_view_shows_times_coloured_by_duration`, `korean_words`,
//! `bad_slider_values_are_usage_errors`, `every_shared_log_fits_a_screen_connected`.

mod support;

use std::path::{Path, PathBuf};

use support::{salesmap, temp_dir};

/// A folder with the bundled template and a generated history (with touches).
fn demo(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    let (code, _, err) = salesmap(&dir, &["init", "-o", "sales.map.toml"]);
    assert_eq!(code, 0, "{err}");
    let args = [
        "generate",
        "--map",
        "sales.map.toml",
        "--deals",
        "150",
        "--seed",
        "4",
        "-o",
        "history.csv",
    ];
    let (code, _, err) = salesmap(&dir, &args);
    assert_eq!(code, 0, "{err}");
    dir
}

/// What the drawing shows, read from its SVG.
struct Drawing {
    width: f64,
    height: f64,
    /// Box outlines (x, y, w, h) and the text in each box.
    boxes: Vec<([f64; 4], Vec<String>)>,
    /// Each edge's first and last point, and its stroke colour.
    edges: Vec<([f64; 2], [f64; 2], String)>,
    /// Every font size used.
    font_sizes: Vec<f64>,
    /// Every text, in document order.
    texts: Vec<String>,
}

fn attr(n: roxmltree::Node, name: &str) -> f64 {
    n.attribute(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{name} on {n:?}"))
}

fn read(svg: &str) -> Drawing {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    let root = doc.root_element();
    let mut d = Drawing {
        width: attr(root, "width"),
        height: attr(root, "height"),
        boxes: Vec::new(),
        edges: Vec::new(),
        font_sizes: Vec::new(),
        texts: Vec::new(),
    };
    for n in root.descendants() {
        if n.has_tag_name("text") {
            d.font_sizes.push(attr(n, "font-size"));
            d.texts.push(n.text().unwrap_or("").to_string());
        }
        if n.has_tag_name("g") && n.attribute("class") == Some("node") {
            let shape = n
                .children()
                .find(|c| c.has_tag_name("rect"))
                .expect("an as-is box is a rect");
            let r = [
                attr(shape, "x"),
                attr(shape, "y"),
                attr(shape, "width"),
                attr(shape, "height"),
            ];
            let texts = n
                .children()
                .filter(|c| c.has_tag_name("text"))
                .map(|c| c.text().unwrap_or("").to_string())
                .collect();
            d.boxes.push((r, texts));
        }
        if n.has_tag_name("path")
            && n.attribute("marker-end").is_some()
            && n.parent()
                .is_some_and(|p| p.is_root() || p.has_tag_name("svg"))
        {
            let points: Vec<[f64; 2]> = n
                .attribute("d")
                .unwrap()
                .split(['M', 'L'])
                .filter(|p| !p.trim().is_empty())
                .map(|p| {
                    let (x, y) = p.trim().split_once(',').unwrap();
                    [x.parse().unwrap(), y.parse().unwrap()]
                })
                .collect();
            let stroke = n.attribute("stroke").unwrap_or("").to_string();
            d.edges.push((points[0], *points.last().unwrap(), stroke));
        }
    }
    d
}

/// Whether `p` lies on the outline of `r` (coordinates are written to 0.1 px).
fn on_outline(r: &[f64; 4], p: [f64; 2]) -> bool {
    let [x, y, w, h] = *r;
    let near = |a: f64, b: f64| (a - b).abs() < 0.6;
    let within = |v: f64, lo: f64, hi: f64| v > lo - 0.6 && v < hi + 0.6;
    ((near(p[0], x) || near(p[0], x + w)) && within(p[1], y, y + h))
        || ((near(p[1], y) || near(p[1], y + h)) && within(p[0], x, x + w))
}

impl Drawing {
    /// Boxes that no edge starts or ends on.
    fn unconnected(&self) -> Vec<String> {
        self.boxes
            .iter()
            .filter(|(r, _)| {
                !self
                    .edges
                    .iter()
                    .any(|(a, b, _)| on_outline(r, *a) || on_outline(r, *b))
            })
            .map(|(_, t)| t.join(" "))
            .collect()
    }

    /// Whether the drawing, scaled to fit a 1920 × 1080 screen, keeps its smallest text at
    /// 11 px or more; returns the smallest text size on screen.
    fn smallest_text_on_a_screen(&self) -> f64 {
        let scale = (1920.0 / self.width).min(1080.0 / self.height).min(1.0);
        let smallest = self
            .font_sizes
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min);
        smallest * scale
    }

    fn has_text(&self, needle: &str) -> bool {
        self.texts.iter().any(|t| t.contains(needle))
    }
}

fn draw(dir: &Path, args: &[&str]) -> (Drawing, String) {
    let mut all = vec!["discover"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "svg"]);
    let (code, out, err) = salesmap(dir, &all);
    assert_eq!(code, 0, "{err}");
    (read(&out), err)
}

#[test]
fn stages_only_unless_touches_are_asked_for() {
    let dir = demo("asis-touches");
    let (stages, err) = draw(&dir, &["history.csv"]);
    for touch in ["email", "call", "meeting"] {
        assert!(
            !stages.boxes.iter().any(|(_, t)| t[0] == touch),
            "touch {touch} drawn without --touches"
        );
    }
    assert!(stages.has_text("brand-awareness") && stages.has_text("mql"));
    assert!(
        err.contains("touch activities left out (--touches to draw them)"),
        "{err}"
    );
    assert_eq!(stages.unconnected(), Vec::<String>::new());
    let (touches, _) = draw(&dir, &["history.csv", "--touches"]);
    assert!(
        touches.boxes.iter().any(|(_, t)| t[0] == "email"),
        "touches drawn with --touches"
    );
    assert_eq!(touches.unconnected(), Vec::<String>::new());
}

#[test]
fn sliders_keep_the_map_connected() {
    let dir = demo("asis-sliders");
    let count = |d: &Drawing| d.boxes.len();
    let (all, _) = draw(&dir, &["history.csv", "--paths", "100%"]);
    let (few, err) = draw(
        &dir,
        &["history.csv", "--activities", "40%", "--paths", "0%"],
    );
    assert!(
        count(&few) < count(&all),
        "{} vs {}",
        count(&few),
        count(&all)
    );
    assert!(few.edges.len() < all.edges.len());
    for d in [&all, &few] {
        assert_eq!(d.unconnected(), Vec::<String>::new());
        assert!(d.has_text("▶ start") && d.has_text("■ end"));
    }
    // The caption says what the sliders left.
    let caption = few
        .texts
        .iter()
        .find(|t| t.contains(" activities · "))
        .expect("a slider caption");
    assert!(caption.contains(" of "), "{caption}");
    assert!(err.contains(" of "), "{err}");
    // Edge widths follow volume: the busiest edge is the widest.
    let svg = salesmap(&dir, &["discover", "history.csv", "--format", "svg"]).1;
    let widths: Vec<f64> = svg
        .split("stroke-width=\"")
        .skip(1)
        .filter_map(|s| s[..s.find('"').unwrap()].parse().ok())
        .collect();
    let (lo, hi) = widths
        .iter()
        .fold((f64::MAX, 0.0f64), |(lo, hi), &w| (lo.min(w), hi.max(w)));
    assert!(hi >= lo + 3.0, "edge widths from {lo} to {hi}");
}

#[test]
fn performance_view_shows_times_coloured_by_duration() {
    let dir = demo("asis-performance");
    let (d, _) = draw(&dir, &["history.csv", "--view", "performance"]);
    assert!(d.has_text("median ") && d.has_text("mean "));
    let colours: std::collections::BTreeSet<&str> =
        d.edges.iter().map(|(_, _, c)| c.as_str()).collect();
    assert!(
        colours.len() >= 3,
        "edges coloured by duration: {colours:?}"
    );
    let (f, _) = draw(&dir, &["history.csv", "--view", "frequency"]);
    assert!(!f.has_text("median "));
    assert!(f.texts.iter().any(|t| t.ends_with('×')), "counts on edges");
}

#[test]
fn korean_words() {
    let dir = demo("asis-ko");
    let (d, _) = draw(&dir, &["history.csv", "--lang", "ko"]);
    assert!(d.has_text("실제 프로세스: history.csv"));
    assert!(d.has_text("▶ 시작") && d.has_text("범례"));
    assert!(
        !d.has_text("events") && !d.has_text("deals"),
        "{:?}",
        d.texts
    );
}

#[test]
fn bad_slider_values_are_usage_errors() {
    let dir = demo("asis-bad");
    let (code, _, err) = salesmap(
        &dir,
        &[
            "discover",
            "history.csv",
            "--format",
            "svg",
            "--paths",
            "150%",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("expected a percentage from 0% to 100%"),
        "{err}"
    );
    let (code, _, err) = salesmap(&dir, &["discover", "history.csv", "--format", "png"]);
    assert_eq!(code, 2);
    assert!(err.contains("a PNG needs an output file"), "{err}");
}

#[test]
fn every_shared_log_fits_a_screen_connected() {
    let Some(shared) = salesmap_testkit::shared_data() else {
        return;
    };
    let dir = temp_dir("asis-shared");
    let mut figures = Vec::new();
    for log in [
        "running-example.csv",
        "running-example.xes",
        "receipt.csv",
        "helpdesk.xes.gz",
        "sepsis.xes.gz",
        "bpic2013_incidents.xes.gz",
        "bpic2013_closed_problems.xes.gz",
        "interval_event_log.csv",
    ] {
        let path = shared.join("logs").join(log);
        let (d, _) = draw(&dir, &[path.to_str().unwrap()]);
        let stages = d.boxes.len() - 2;
        assert!(stages <= 30, "{log}: {stages} stages");
        assert_eq!(d.unconnected(), Vec::<String>::new(), "{log}");
        let smallest = d.smallest_text_on_a_screen();
        figures.push(format!(
            "{log}: {stages} stages, {}×{} px, smallest text {smallest:.1} px on 1920×1080",
            d.width, d.height
        ));
        assert!(smallest >= 11.0, "{}", figures.last().unwrap());
    }
    eprintln!("{}", figures.join("\n"));
}
