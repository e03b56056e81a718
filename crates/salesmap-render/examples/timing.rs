//! Times layout, SVG and PNG for the templates in this build profile:
//! `cargo run -p salesmap-render --example timing -- <map file>...`.

use std::time::Instant;

use salesmap_render::layout::layout_map;
use salesmap_render::{Lanes, RenderOptions, render_png};

fn main() {
    for path in std::env::args().skip(1) {
        let source = std::fs::read_to_string(&path).expect("readable map");
        let map = salesmap_mapfile::load(&source, &path)
            .map
            .expect("a map without errors");
        for lanes in [Lanes::Phase, Lanes::Owner] {
            let options = RenderOptions {
                lanes,
                scale: 1.0,
                ..RenderOptions::default()
            };
            let t = Instant::now();
            let layout = layout_map(&map, &options, None);
            let layout_time = t.elapsed();
            let t = Instant::now();
            let png = render_png(&map, &options, None).expect("renders");
            println!(
                "{path} {lanes:?}: {} stages, {} edges, {:.0}×{:.0}: layout {:?}, png {:?} ({} bytes)",
                layout.nodes.len(),
                layout.edges.len(),
                layout.width,
                layout.height,
                layout_time,
                t.elapsed(),
                png.len()
            );
        }
    }
}
