//! Draws a bundled template or a map file to every format, for looking at the result:
//! `cargo run -p salesmap-render --example draw -- <en|ko|path> <out-dir> [phase|owner|none]
//! [figures]`; `figures` overlays made-up measured figures to show where they go.

use salesmap_core::overlay::{Measured, Overlay, StageFigures, TransitionFigures};
use salesmap_render::{Format, Lanes, RenderOptions, render};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (which, out) = (&args[1], &args[2]);
    let source = match which.as_str() {
        "en" | "ko" => salesmap_mapfile::templates::b2b(which).to_string(),
        path => std::fs::read_to_string(path).expect("readable map"),
    };
    let checked = salesmap_mapfile::load(&source, which);
    let map = checked.map.expect("a map without errors");
    let lanes = args
        .get(3)
        .and_then(|l| Lanes::from_name(l))
        .unwrap_or(Lanes::Phase);
    let options = RenderOptions {
        lanes,
        detail: true,
        ..RenderOptions::default()
    };
    let mut overlay = Overlay {
        measured: Measured {
            source: "sample figures, not measured".into(),
            deals: 400,
            ..Measured::default()
        },
        ..Overlay::default()
    };
    for (k, t) in map.transitions.iter().enumerate() {
        let share = 0.9 - (k % 7) as f64 * 0.1;
        let figures = TransitionFigures {
            count: (share * 100.0) as u64,
            reached_from: 100 + k as u64,
            share: Some(share),
        };
        overlay.transitions.insert((t.from, t.to), figures);
    }
    for ix in map.top_level() {
        let figures = StageFigures {
            reached: Some(400),
            median_days: Some(6.5),
            target_days: map.stage(ix).target_days,
            open: 12,
            stale: 3,
            ..StageFigures::default()
        };
        overlay.stages.insert(ix, figures);
    }
    let overlay = (args.get(4).map(String::as_str) == Some("figures")).then_some(&overlay);
    for (format, ext) in [
        (Format::Svg, "svg"),
        (Format::Png, "png"),
        (Format::Mermaid, "mmd"),
        (Format::Dot, "dot"),
    ] {
        let bytes = render(&map, &options, overlay, format).expect("renders");
        std::fs::write(format!("{out}/map.{ext}"), bytes).expect("writable");
    }
}
