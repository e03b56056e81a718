//! Draws a bundled template or a map file to every format, for looking at the result:
//! `cargo run -p salesmap-render --example draw -- <en|ko|path> <out-dir> [phase|owner|none]`.

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
    for (format, ext) in [
        (Format::Svg, "svg"),
        (Format::Png, "png"),
        (Format::Mermaid, "mmd"),
        (Format::Dot, "dot"),
    ] {
        let bytes = render(&map, &options, None, format).expect("renders");
        std::fs::write(format!("{out}/map.{ext}"), bytes).expect("writable");
    }
}
