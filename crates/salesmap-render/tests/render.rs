//! The renderer's tests, one binary. Index:
//! - golden files: SVG, Mermaid and DOT of both templates (`test_data/`; refresh with
//!   `UPDATE_EXPECT=1 cargo test -p salesmap-render`);
//! - geometry: every layout of the templates and of generated maps up to 60 stages has no
//!   overlapping boxes, routes that start and end on their boxes and pass through no other box,
//!   text inside its box, and labels clear of boxes and of each other;
//! - PNG: decodes, has the layout's size times the scale, and shows Korean glyphs;
//! - options: `--lang`, `--depth`, `--detail`, lanes, overlay figures;
//! - safety: hostile names are escaped in every format, output is byte-for-byte repeatable;
//! - external parsers: Graphviz `dot` and Mermaid's own parser accept the text outputs (run where
//!   the tools are installed; required when `CI` is set, see `.ci/render-deps.sh`).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use expect_test::{expect, expect_file};
use salesmap_core::history::MICROS_PER_DAY;
use salesmap_core::map::Map;
use salesmap_core::overlay::{Measured, OffMapMove, Overlay, StageFigures, TransitionFigures};
use salesmap_render::diagram::NodeKind;
use salesmap_render::layout::{Layout, Rect, layout_map};
use salesmap_render::{
    Format, Lanes, RenderOptions, render, render_dot, render_mermaid, render_png, render_svg,
};

fn options(lanes: Lanes) -> RenderOptions {
    RenderOptions {
        lanes,
        ..RenderOptions::default()
    }
}

// ---------------------------------------------------------------- golden files

/// The SVG, Mermaid and DOT of a template, against their golden files (`b2b.<lang>.*`).
fn check_golden(lang: &str) {
    let map = support::template(lang);
    let opts = RenderOptions {
        detail: true,
        ..options(Lanes::Phase)
    };
    let svg = render_svg(&map, &opts, None);
    roxmltree::Document::parse(&svg).expect("well-formed XML");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data");
    expect_file![dir.join(format!("b2b.{lang}.svg"))].assert_eq(&svg);
    expect_file![dir.join(format!("b2b.{lang}.mmd"))].assert_eq(&render_mermaid(&map, &opts, None));
    expect_file![dir.join(format!("b2b.{lang}.dot"))].assert_eq(&render_dot(&map, &opts, None));
}

#[test]
fn golden_template_en() {
    check_golden("en");
    let owners = options(Lanes::Owner);
    let map = support::template("en");
    expect_file!["../test_data/b2b.en.owners.svg"].assert_eq(&render_svg(&map, &owners, None));
}

#[test]
fn golden_template_ko() {
    check_golden("ko");
}

// ---------------------------------------------------------------- geometry

/// Checks the layout invariants; returns a description of every violation.
fn violations(map: &Map, layout: &Layout) -> Vec<String> {
    let mut problems = Vec::new();
    let top_level = map.top_level().count();
    let boxes = layout
        .nodes
        .iter()
        .filter(|b| b.kind != NodeKind::Decision)
        .count();
    if boxes != top_level {
        problems.push(format!("{boxes} boxes for {top_level} stages"));
    }
    let name = |i: usize| {
        let b = &layout.nodes[i];
        let id = b.stage.map_or("?".to_string(), |s| map.stage(s).id.clone());
        if b.kind == NodeKind::Decision {
            format!("{id}?")
        } else {
            id
        }
    };
    for (i, a) in layout.nodes.iter().enumerate() {
        for (j, b) in layout.nodes.iter().enumerate().skip(i + 1) {
            if a.rect.overlaps(&b.rect) {
                problems.push(format!("boxes {} and {} overlap", name(i), name(j)));
            }
        }
        for t in &a.texts {
            if !a.rect.contains(&t.bounds()) {
                problems.push(format!("text {:?} spills out of box {}", t.text, name(i)));
            }
        }
        for (chip, _) in &a.chips {
            if !a.rect.contains(chip) {
                problems.push(format!("a sub-stage chip spills out of box {}", name(i)));
            }
        }
        let canvas = Rect {
            x: 0.0,
            y: 0.0,
            w: layout.width,
            h: layout.height,
        };
        if !canvas.contains(&a.rect) {
            problems.push(format!("box {} is off the canvas", name(i)));
        }
    }
    for e in &layout.edges {
        let from = layout.nodes[e.from].rect;
        let to = layout.nodes[e.to].rect;
        let (Some(first), Some(last)) = (e.points.first(), e.points.last()) else {
            problems.push(format!("edge {} has no points", e.edge));
            continue;
        };
        if !from.on_border(*first) {
            problems.push(format!(
                "edge {} does not start on {}",
                e.edge,
                name(e.from)
            ));
        }
        if !to.on_border(*last) {
            problems.push(format!("edge {} does not end on {}", e.edge, name(e.to)));
        }
        for seg in e.points.windows(2) {
            let (a, b) = (seg[0], seg[1]);
            if (a.x - b.x).abs() > 0.01 && (a.y - b.y).abs() > 0.01 {
                problems.push(format!("edge {} has a diagonal segment", e.edge));
            }
            let span = Rect {
                x: a.x.min(b.x),
                y: a.y.min(b.y),
                w: (a.x - b.x).abs(),
                h: (a.y - b.y).abs(),
            };
            for (k, other) in layout.nodes.iter().enumerate() {
                if other.rect.grown(-0.5).overlaps(&span.grown(0.01)) {
                    problems.push(format!("edge {} runs through box {}", e.edge, name(k)));
                }
            }
        }
        if let Some(label) = &e.label {
            for t in &label.texts {
                if !label.rect.contains(&t.bounds()) {
                    problems.push(format!("label text {:?} spills out of its box", t.text));
                }
            }
            for (k, b) in layout.nodes.iter().enumerate() {
                if label.rect.overlaps(&b.rect) {
                    problems.push(format!("label of edge {} covers box {}", e.edge, name(k)));
                }
            }
            for other in layout.edges.iter().filter(|o| o.edge > e.edge) {
                if let Some(o) = &other.label
                    && o.rect.overlaps(&label.rect)
                {
                    problems.push(format!(
                        "labels of edges {} and {} overlap",
                        e.edge, other.edge
                    ));
                }
            }
        }
    }
    for t in &layout.title {
        if t.x + t.width > layout.width {
            problems.push(format!("title line {:?} runs off the canvas", t.text));
        }
    }
    for lane in &layout.lanes {
        for t in &lane.texts {
            if !lane.header.contains(&t.bounds()) {
                problems.push(format!("lane name {:?} spills out of its header", t.text));
            }
        }
    }
    if let Some(legend) = &layout.legend {
        for (k, b) in layout.nodes.iter().enumerate() {
            if legend.rect.overlaps(&b.rect) {
                problems.push(format!("the legend covers box {}", name(k)));
            }
        }
    }
    problems
}

fn all_option_sets() -> Vec<RenderOptions> {
    let mut sets = Vec::new();
    for lanes in [Lanes::Phase, Lanes::Owner, Lanes::None] {
        for (depth, detail) in [(0, false), (1, true), (2, true)] {
            sets.push(RenderOptions {
                lanes,
                depth,
                detail,
                ..RenderOptions::default()
            });
        }
    }
    sets
}

#[test]
fn template_layouts_hold_the_invariants() {
    for lang in ["en", "ko"] {
        let map = support::template(lang);
        let overlay = overlay_for(&map);
        for opts in all_option_sets() {
            for overlay in [None, Some(&overlay)] {
                let layout = layout_map(&map, &opts, overlay);
                let problems = violations(&map, &layout);
                assert!(problems.is_empty(), "{lang} {opts:?}: {problems:#?}");
            }
        }
    }
}

#[test]
fn generated_layouts_up_to_60_stages_hold_the_invariants() {
    for (stages, seed) in [(5, 1), (12, 2), (20, 3), (33, 4), (45, 5), (60, 6), (60, 7)] {
        let map = support::generated(stages, seed);
        for lanes in [Lanes::Phase, Lanes::Owner] {
            let opts = RenderOptions {
                lanes,
                detail: true,
                ..RenderOptions::default()
            };
            let layout = layout_map(&map, &opts, None);
            let problems = violations(&map, &layout);
            assert!(
                problems.is_empty(),
                "{stages}/{seed} {lanes:?}: {problems:#?}"
            );
        }
    }
}

/// Places where two different edges cross (segments meeting at a point inside both).
fn crossings(layout: &Layout) -> usize {
    let segments: Vec<(usize, [f32; 4])> = layout
        .edges
        .iter()
        .flat_map(|e| {
            e.points
                .windows(2)
                .map(move |s| (e.edge, [s[0].x, s[0].y, s[1].x, s[1].y]))
        })
        .collect();
    let mut count = 0;
    for (i, (ea, a)) in segments.iter().enumerate() {
        for (eb, b) in &segments[i + 1..] {
            if ea == eb {
                continue;
            }
            let (a_vertical, b_vertical) = ((a[0] - a[2]).abs() < 0.01, (b[0] - b[2]).abs() < 0.01);
            if a_vertical == b_vertical {
                continue;
            }
            let (v, h) = if a_vertical { (a, b) } else { (b, a) };
            let strictly = |x: f32, p: f32, q: f32| x > p.min(q) + 0.01 && x < p.max(q) - 0.01;
            if strictly(v[0], h[0], h[2]) && strictly(h[1], v[1], v[3]) {
                count += 1;
            }
        }
    }
    count
}

#[test]
fn template_edges_do_not_cross_in_phase_and_plain_drawings() {
    for lang in ["en", "ko"] {
        let map = support::template(lang);
        for lanes in [Lanes::Phase, Lanes::None] {
            for depth in [0, 1] {
                let opts = RenderOptions {
                    lanes,
                    depth,
                    ..RenderOptions::default()
                };
                let layout = layout_map(&map, &opts, None);
                assert_eq!(crossings(&layout), 0, "{lang} {lanes:?} depth {depth}");
            }
        }
    }
}

proptest::proptest! {
    // A fixed seed: the same 40 maps on every run, so a failure is reproducible and CI does
    // not depend on luck; new cases are explored by changing the seed or `cases` locally
    // (600 cases with other seeds pass).
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 40,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x5a1e_5a4d),
        ..Default::default()
    })]
    #[test]
    fn any_generated_map_holds_the_invariants(
        stages in 2usize..=60,
        seed in proptest::prelude::any::<u64>(),
        lanes in proptest::sample::select(vec![Lanes::Phase, Lanes::Owner, Lanes::None]),
        depth in 0u32..=1,
    ) {
        let map = support::generated(stages, seed);
        let opts = RenderOptions { lanes, depth, detail: seed % 2 == 0, ..RenderOptions::default() };
        let layout = layout_map(&map, &opts, None);
        let problems = violations(&map, &layout);
        proptest::prop_assert!(problems.is_empty(), "{stages}/{seed} {opts:?}: {problems:#?}");
    }
}

#[test]
fn the_main_path_is_a_straight_spine_in_flow_order() {
    let map = support::template("en");
    let layout = layout_map(&map, &options(Lanes::Phase), None);
    let spine: Vec<&Rect> = map
        .main_path()
        .iter()
        .map(|&ix| &box_of(&layout, ix).rect)
        .collect();
    assert_eq!(spine.len(), 14);
    for pair in spine.windows(2) {
        assert_eq!(pair[0].cx(), pair[1].cx(), "one column");
        assert!(pair[0].bottom() < pair[1].y, "top to bottom in flow order");
    }
    // Main-path edges are single straight segments.
    for e in &layout.edges {
        let on_spine = |n: usize| {
            layout.nodes[n]
                .stage
                .is_some_and(|s| map.main_path().contains(&s))
        };
        let next = e.style == salesmap_render::layout::EdgeStyle::Main;
        if next
            && on_spine(e.from)
            && on_spine(e.to)
            && layout.nodes[e.to].row > layout.nodes[e.from].row
        {
            assert_eq!(e.points.len(), 2, "edge {} is straight", e.edge);
        }
    }
    // Outcomes sit right of the spine, the nurture loop to its left.
    let x_of = |id: &str| box_of(&layout, map.find(id).unwrap()).rect.cx();
    let spine_x = spine[0].cx();
    for outcome in ["lost", "disqualified", "churned"] {
        assert!(x_of(outcome) > spine_x, "{outcome} right of the spine");
    }
    assert!(x_of("nurture") < spine_x, "nurture left of the spine");
}

#[test]
fn odd_maps_still_draw_cleanly() {
    // Shapes the map language may warn about but the model allows: a stage that loops on
    // itself, a stage nothing reaches, a very long unbroken name, many sub-stages.
    let mut map = support::bilingual();
    let lead = map.find("lead").unwrap();
    let deal = map.find("deal").unwrap();
    map.transitions.push(salesmap_core::map::Transition {
        from: lead,
        to: lead,
        kind: salesmap_core::map::TransitionKind::Branch,
        when: Some(salesmap_core::text::Text::new("en", "call again")),
        answer: None,
    });
    let mut island = map.stage(deal).clone();
    island.id = "island".into();
    island.name = salesmap_core::text::Text::new("en", "Verylongunbrokenname".repeat(8));
    island.kind = salesmap_core::map::StageKind::Step;
    map.stages.push(island);
    let island = map.find("island").unwrap();
    map.transitions.push(salesmap_core::map::Transition {
        from: island,
        to: deal,
        kind: salesmap_core::map::TransitionKind::Next,
        when: None,
        answer: None,
    });
    for k in 0..12 {
        let mut sub = map.stage(deal).clone();
        sub.id = format!("deal-{k}");
        sub.name = salesmap_core::text::Text::new("en", format!("계약 검토 단계 {k}"));
        sub.parent = Some(deal);
        map.stages.push(sub);
    }
    for opts in all_option_sets() {
        let layout = layout_map(&map, &opts, None);
        let problems = violations(&map, &layout);
        assert!(problems.is_empty(), "{opts:?}: {problems:#?}");
        for format in [Format::Svg, Format::Mermaid, Format::Dot] {
            assert!(render(&map, &opts, None, format).is_ok());
        }
    }
    let opts = RenderOptions {
        scale: 1.0,
        ..RenderOptions::default()
    };
    assert!(render_png(&map, &opts, None).is_ok());
}

// ---------------------------------------------------------------- PNG

#[test]
fn png_decodes_at_the_expected_size_with_korean_glyphs() {
    let map = support::template("ko");
    let opts = RenderOptions {
        scale: 1.0,
        ..options(Lanes::Phase)
    };
    let layout = layout_map(&map, &opts, None);
    let png = render_png(&map, &opts, None).expect("renders");
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&png).expect("a valid PNG");
    assert_eq!(
        (pixmap.width(), pixmap.height()),
        (layout.width.ceil() as u32, layout.height.ceil() as u32)
    );
    // The map title (Korean) is drawn: its box has dark pixels, i.e. glyphs, not empty space.
    let title = &layout.title[0];
    let b = title.bounds();
    let mut ink = 0;
    for y in b.y as u32..b.bottom() as u32 {
        for x in b.x as u32..b.right() as u32 {
            let p = pixmap.pixel(x, y).unwrap();
            if p.red() < 128 && p.green() < 128 && p.blue() < 128 {
                ink += 1;
            }
        }
    }
    assert!(title.text.contains("영업"), "{}", title.text);
    assert!(ink > 200, "only {ink} dark pixels where the title is");

    let doubled = RenderOptions { scale: 2.0, ..opts };
    let png = render_png(&map, &doubled, None).unwrap();
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&png).unwrap();
    assert_eq!(pixmap.width(), (layout.width * 2.0).ceil() as u32);
}

#[test]
fn png_too_large_is_an_error_not_a_panic() {
    let map = support::template("en");
    let opts = RenderOptions {
        scale: 50.0,
        ..options(Lanes::Phase)
    };
    let err = render_png(&map, &opts, None).unwrap_err();
    assert!(
        err.to_string().contains("too large; lower --scale"),
        "{err}"
    );
}

// ---------------------------------------------------------------- options

#[test]
fn lang_picks_the_label_language() {
    let map = support::bilingual();
    let en = render_mermaid(&map, &RenderOptions::default(), None);
    let ko = render_mermaid(
        &map,
        &RenderOptions {
            lang: Some("ko".into()),
            ..RenderOptions::default()
        },
        None,
    );
    expect![[r#"
        ---
        title: "Inbound"
        ---
        flowchart TB
          subgraph lane0["Awareness"]
            s0["<b>Lead</b><br/><i>Marketing</i><br/><small>Call back</small><br/>+ 1 sub-stage"]
            d0{"<b>Is there a need?</b>"}
          end
          subgraph lane1["Decision"]
            s2[["★ <b>Deal</b><br/><i>Sales</i>"]]
          end
          s3(["<b>Won</b>"])
          s4(["<b>Lost</b>"])
          s0 ==> d0
          d0 ==>|"<b>yes</b>"| s2
          d0 -->|"<b>no</b><br/>No need"| s4
          s2 ==> s3
          classDef step fill:#ffffff,stroke:#90a4ae,color:#263238
          class s0 step
          classDef milestone fill:#ffffff,stroke:#2e7d32,stroke-width:3px,color:#263238
          class s2 milestone
          classDef won fill:#e6f4e7,stroke:#2e7d32,stroke-width:2px,color:#1b5e20
          class s3 won
          classDef lost fill:#fdecec,stroke:#c62828,stroke-width:2px,color:#b71c1c
          class s4 lost
          classDef decision fill:#fff3c4,stroke:#8d6e00,stroke-width:2px,color:#263238
          class d0 decision
          linkStyle 2 stroke:#c62828,color:#c62828
          linkStyle 3 stroke:#2e7d32,color:#2e7d32
    "#]]
    .assert_eq(&en);
    assert!(ko.contains("title: \"인바운드\""), "{ko}");
    assert!(
        ko.contains("s0[\"<b>리드</b><br/><i>Marketing</i><br/><small>회신 전화</small><br/>+ 하위 단계 1개\"]"),
        "{ko}"
    );
    assert!(ko.contains("d0{\"<b>필요가 있는가?</b>\"}"), "{ko}");
    assert!(
        ko.contains("d0 -->|\"<b>아니오</b><br/>필요 없음\"| s4"),
        "{ko}"
    );
}

#[test]
fn depth_collapses_sub_stages_and_detail_adds_checklist_and_days() {
    let map = support::bilingual();
    let dot = |depth, detail| {
        let opts = RenderOptions {
            depth,
            detail,
            ..RenderOptions::default()
        };
        let text = render_dot(&map, &opts, None);
        text.lines()
            .find(|l| l.trim_start().starts_with("s0 ["))
            .unwrap()
            .trim()
            .to_string()
    };
    expect![[r##"s0 [label=<<font point-size="9" color="#546e7a">▶ start</font><br/><b>Lead</b><br/><font point-size="9" color="#546e7a">Marketing</font><br/><font point-size="9" color="#546e7a">+ 2 sub-stages</font>>];"##]]
        .assert_eq(&dot(0, false));
    expect![[r##"s0 [label=<<font point-size="9" color="#546e7a">▶ start</font><br/><b>Lead</b><br/><font point-size="9" color="#546e7a">Marketing</font><br/><font point-size="9" color="#37474f">· Call back</font><br/><font point-size="9" color="#546e7a">+ 1 sub-stage</font>>];"##]]
    .assert_eq(&dot(1, false));
    expect![[r##"s0 [label=<<font point-size="9" color="#546e7a">▶ start</font><br/><b>Lead</b><br/><font point-size="9" color="#546e7a">Marketing</font><br/><font point-size="9" color="#546e7a">checklist 2 · target 2 d</font><br/><font point-size="9" color="#37474f">· Call back</font><br/><font point-size="9" color="#37474f">· · Voicemail</font>>];"##]]
        .assert_eq(&dot(2, true));
}

fn overlay_for(map: &Map) -> Overlay {
    let mut overlay = Overlay {
        measured: Measured {
            source: "history.csv".into(),
            deals: 1_200,
            first_event: Some(0),
            last_event: Some(400 * MICROS_PER_DAY),
            as_of: Some(400 * MICROS_PER_DAY),
        },
        ..Overlay::default()
    };
    for (k, t) in map.transitions.iter().enumerate() {
        let share = 0.9 - (k % 7) as f64 * 0.1;
        overlay.transitions.insert(
            (t.from, t.to),
            TransitionFigures {
                count: (share * 100.0).round() as u64,
                reached_from: 100 + k as u64,
                share: Some(share),
            },
        );
    }
    for ix in map.top_level() {
        overlay.stages.insert(
            ix,
            StageFigures {
                reached: Some(400 + ix.0 as u64),
                median_days: Some(6.5),
                target_days: map.stage(ix).target_days,
                open: ix.0 as u64 % 3,
                stale: ix.0 as u64 % 2,
                ..StageFigures::default()
            },
        );
    }
    // Deals that skip the second stage of the main path, a move the map does not have.
    let path = map.main_path();
    if path.len() > 2 {
        overlay.off_map.push(OffMapMove {
            from: path[0],
            to: path[2],
            figures: TransitionFigures {
                count: 33,
                reached_from: 128,
                share: Some(33.0 / 128.0),
            },
        });
    }
    overlay
}

/// The box of a stage (not its decision diamond).
fn box_of(layout: &Layout, ix: salesmap_core::map::StageIx) -> &salesmap_render::layout::NodeBox {
    layout
        .nodes
        .iter()
        .find(|b| b.stage == Some(ix) && b.kind != NodeKind::Decision)
        .expect("a box for the stage")
}

#[test]
fn overlay_figures_are_drawn_on_stages_and_edges() {
    let map = support::bilingual();
    let overlay = overlay_for(&map);
    let svg = render_svg(&map, &RenderOptions::default(), Some(&overlay));
    assert!(svg.contains(">n=400 · median 6.5 d</text>"), "{svg}");
    assert!(svg.contains(">90% of 100</text>"), "{svg}");
    assert!(
        svg.contains(
            ">history.csv · 1,200 deals · Jan 1, 1970 – Feb 5, 1971 · as of Feb 5, 1971</text>"
        ),
        "{svg}"
    );
    let layout = layout_map(&map, &RenderOptions::default(), Some(&overlay));
    assert_eq!(violations(&map, &layout), Vec::<String>::new());
}

/// Each lane's heading, top to bottom.
fn lane_names(layout: &Layout) -> Vec<&str> {
    layout
        .lanes
        .iter()
        .map(|l| l.texts[0].text.as_str())
        .collect()
}

#[test]
fn owner_lanes_follow_the_first_owner_along_the_flow() {
    let map = support::template("en");
    let layout = layout_map(&map, &options(Lanes::Owner), None);
    let names = lane_names(&layout);
    expect![[r#"["Marketing", "Sales development", "Sales", "Sales engineering", "Implementation", "Customer success"]"#]]
        .assert_eq(&format!("{names:?}"));
    for b in &layout.nodes {
        let lanes_holding: Vec<_> = layout
            .lanes
            .iter()
            .filter(|l| l.rect.contains(&b.rect))
            .collect();
        assert_eq!(lanes_holding.len(), 1, "{:?} sits in one lane", b.stage);
    }
}

#[test]
fn a_long_owner_name_widens_its_lane_instead_of_being_cut() {
    let mut map = support::bilingual();
    let lead = map.find("lead").unwrap();
    map.stages[lead.index()].owners =
        vec!["Marketing operations and demand generation (EMEA, APAC)".into()];
    let layout = layout_map(&map, &options(Lanes::Owner), None);
    let names = lane_names(&layout);
    assert_eq!(
        names,
        [
            "Marketing operations and demand generation (EMEA, APAC)",
            "Sales"
        ]
    );
    assert_eq!(violations(&map, &layout), Vec::<String>::new());
}

// ---------------------------------------------------------------- safety

#[test]
fn hostile_names_are_text_in_every_format() {
    let map = support::hostile();
    let svg = render_svg(&map, &RenderOptions::default(), None);
    assert!(!svg.contains("<script"), "{svg}");
    assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    assert!(texts.contains(&"<script>alert(1)</script>"), "{texts:?}");
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("script"))
            .count(),
        0
    );

    let mermaid = render_mermaid(&map, &RenderOptions::default(), None);
    assert!(
        mermaid.contains(
            "s0[\"<b>#60;script#62;alert(1)#60;/script#62;</b><br/><i>R#38;D #60;team#62;</i>\"]"
        ),
        "{mermaid}"
    );
    assert!(
        mermaid.contains("d0{\"<b>Is #34;this#34; #124; that #35; end?</b>\"}"),
        "{mermaid}"
    );
    let dot = render_dot(&map, &RenderOptions::default(), None);
    assert!(
        dot.contains("label=<<b>no</b><br/>a -&gt; b; }] \\ `tick`>"),
        "{dot}"
    );
    assert!(
        dot.contains("<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>"),
        "{dot}"
    );
    let png = render_png(
        &map,
        &RenderOptions {
            scale: 1.0,
            ..RenderOptions::default()
        },
        None,
    );
    assert!(png.is_ok());
}

#[test]
fn output_is_byte_for_byte_repeatable() {
    let map = support::generated(40, 11);
    let opts = options(Lanes::Owner);
    for format in [Format::Svg, Format::Png, Format::Mermaid, Format::Dot] {
        let a = render(&map, &opts, None, format).unwrap();
        let b = render(&map, &opts, None, format).unwrap();
        assert!(a == b, "{format:?} differs between runs");
    }
}

#[test]
fn format_is_inferred_from_the_file_name() {
    let found: Vec<_> = [
        "map.svg",
        "map.PNG",
        "map.mmd",
        "map.mermaid",
        "map.dot",
        "map.gv",
        "map.pdf",
        "map",
    ]
    .iter()
    .map(|p| Format::from_path(p))
    .collect();
    expect![[
        r#"[Some(Svg), Some(Png), Some(Mermaid), Some(Mermaid), Some(Dot), Some(Dot), None, None]"#
    ]]
    .assert_eq(&format!("{found:?}"));
}

// ---------------------------------------------------------------- external parsers

/// Says that an external tool is absent: a visible skip, a failure under CI.
fn absent(tool: &str) {
    salesmap_testkit::skip(tool, "run .ci/render-deps.sh to install it");
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("render-external");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn sample_maps() -> Vec<(String, Map)> {
    vec![
        ("en".into(), support::template("en")),
        ("ko".into(), support::template("ko")),
        ("bilingual".into(), support::bilingual()),
        ("hostile".into(), support::hostile()),
        ("generated".into(), support::generated(60, 6)),
    ]
}

#[test]
fn graphviz_dot_accepts_the_dot_output() {
    if Command::new("dot").arg("-V").output().is_err() {
        return absent("Graphviz dot");
    }
    for (name, map) in sample_maps() {
        for lanes in [Lanes::Phase, Lanes::Owner, Lanes::None] {
            let path = scratch(&format!("{name}-{lanes:?}.dot"));
            std::fs::write(&path, render_dot(&map, &options(lanes), None)).unwrap();
            let out = Command::new("dot")
                .arg("-Tsvg")
                .arg(&path)
                .output()
                .unwrap();
            // Warnings (a font the machine lacks) are fine; a syntax error is not.
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() && !stderr.contains("rror"),
                "{}: {}",
                path.display(),
                stderr
            );
        }
    }
}

#[test]
fn mermaid_parser_accepts_the_mermaid_output() {
    let checker = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mermaid");
    if !checker.join("node_modules/mermaid").exists()
        || Command::new("node").arg("--version").output().is_err()
    {
        return absent("Mermaid's parser (node + tests/mermaid/node_modules)");
    }
    let mut paths = Vec::new();
    for (name, map) in sample_maps() {
        for lanes in [Lanes::Phase, Lanes::Owner, Lanes::None] {
            let path = scratch(&format!("{name}-{lanes:?}.mmd"));
            std::fs::write(&path, render_mermaid(&map, &options(lanes), None)).unwrap();
            paths.push(path);
        }
    }
    let out = Command::new("node")
        .arg(checker.join("check.mjs"))
        .args(&paths)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("ok ")).count(),
        paths.len(),
        "{stdout}"
    );
}

#[test]
fn a_port_beside_another_grid_line_keeps_a_straight_stub() {
    // A random map in which a port's line lay 0.49 px from a box outline: the two lines were
    // merged and the route ended in a slanted stub.
    let map = support::generated(53, 418160847282364042);
    let opts = RenderOptions {
        lanes: Lanes::Phase,
        detail: true,
        ..RenderOptions::default()
    };
    let layout = layout_map(&map, &opts, None);
    assert_eq!(violations(&map, &layout), Vec::<String>::new());
}
