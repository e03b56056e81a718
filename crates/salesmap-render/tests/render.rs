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
    expect![[r#"["Marketing", "Sales development", "Sales", "Sales engineering", "Implementation", "Customer success", "Outcomes"]"#]]
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

/// Label rectangles that Graphviz placed over a node, read from `dot -Tjson`.
fn labels_over_boxes(dot_source: &str, name: &str) -> Vec<String> {
    let path = scratch(name);
    std::fs::write(&path, dot_source).unwrap();
    let out = Command::new("dot")
        .arg("-Tjson")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pair = |v: &serde_json::Value| -> (f64, f64) {
        let (x, y) = v.as_str().unwrap().split_once(',').unwrap();
        (x.parse().unwrap(), y.parse().unwrap())
    };
    let inches = |v: Option<&serde_json::Value>| {
        v.and_then(|v| v.as_str()?.parse::<f64>().ok())
            .unwrap_or(0.0)
            * 72.0
    };
    let nodes: Vec<(String, [f64; 4])> = json["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o.get("pos").is_some() && o.get("width").is_some())
        .map(|o| {
            let (x, y) = pair(&o["pos"]);
            let (w, h) = (inches(o.get("width")), inches(o.get("height")));
            (
                o["name"].as_str().unwrap().to_string(),
                [x - w / 2.0, y - h / 2.0, x + w / 2.0, y + h / 2.0],
            )
        })
        .collect();
    let mut over = Vec::new();
    for e in json["edges"].as_array().unwrap() {
        let Some(lp) = e.get("lp") else { continue };
        let (x, y) = pair(lp);
        let (w, h) = (inches(e.get("lwidth")), inches(e.get("lheight")));
        for (node, [x0, y0, x1, y1]) in &nodes {
            if x + w / 2.0 > x0 + 1.0
                && x - w / 2.0 < x1 - 1.0
                && y + h / 2.0 > y0 + 1.0
                && y - h / 2.0 < y1 - 1.0
            {
                over.push(format!(
                    "edge {}→{} label over {node}",
                    e["tail"], e["head"]
                ));
            }
        }
    }
    over
}

#[test]
fn graphviz_places_no_label_over_a_box() {
    if Command::new("dot").arg("-V").output().is_err() {
        return absent("Graphviz dot");
    }
    for lang in ["en", "ko"] {
        let map = support::template(lang);
        let overlay = overlay_over_target(&map);
        for lanes in [Lanes::Phase, Lanes::Owner, Lanes::None] {
            for figures in [None, Some(&overlay)] {
                let dot = render_dot(&map, &options(lanes), figures);
                let name = format!("labels-{lang}-{lanes:?}-{}.dot", figures.is_some());
                assert_eq!(
                    labels_over_boxes(&dot, &name),
                    Vec::<String>::new(),
                    "{name}"
                );
            }
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

// ---------------------------------------------------------------- what the drawing says

/// The template's stages that decide something: a question, or a branch that is an answer.
const DECIDING: [&str; 7] = [
    "sales-interaction",
    "sql",
    "discovery",
    "demo",
    "proposal",
    "verbal-agreement",
    "existing-client",
];

#[test]
fn decisions_are_diamonds_with_yes_and_no() {
    let map = support::template("en");
    let layout = layout_map(&map, &options(Lanes::Phase), None);
    let diamonds: Vec<&salesmap_render::layout::NodeBox> = layout
        .nodes
        .iter()
        .filter(|b| b.kind == NodeKind::Decision)
        .collect();
    let ids: Vec<&str> = diamonds
        .iter()
        .map(|d| map.stage(d.stage.unwrap()).id.as_str())
        .collect();
    assert_eq!(ids, DECIDING);
    for d in &diamonds {
        let stage = box_of(&layout, d.stage.unwrap());
        assert_eq!(
            d.rect.cx(),
            stage.rect.cx(),
            "the diamond sits under its stage"
        );
        assert!(d.rect.y > stage.rect.bottom());
        let question = map.stage(d.stage.unwrap()).decision.as_ref().unwrap();
        let words: Vec<&str> = d.texts.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(words.join(" "), question.get("en", "en"));
        // The question is in the diamond, not on the stage's box.
        assert!(!stage.texts.iter().any(|t| t.text.contains('◆')));
    }
    // Every move out of a diamond says which answer it is.
    for e in layout
        .edges
        .iter()
        .filter(|e| layout.nodes[e.from].kind == NodeKind::Decision)
    {
        let first = &e.label.as_ref().expect("an answer").texts[0].text;
        assert!(first == "yes" || first == "no", "{first}");
    }
    let svg = render_svg(&map, &options(Lanes::Phase), None);
    assert_eq!(
        svg.matches("fill=\"#fff3c4\" stroke=\"#8d6e00\" stroke-width=\"1.6\"")
            .count(),
        7
    );
    let dot = render_dot(&map, &options(Lanes::Phase), None);
    assert_eq!(dot.matches("shape=diamond").count(), 7);
    let mermaid = render_mermaid(&map, &options(Lanes::Phase), None);
    assert_eq!(mermaid.matches("{\"<b>").count(), 7, "{mermaid}");
    assert!(mermaid.contains("classDef decision") && mermaid.contains(">yes</b>"));
}

/// Each node's group (phase band or cluster) as `stage id → group name`, read from DOT.
fn dot_groups(dot: &str) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    let mut group = None;
    for line in dot.lines().map(str::trim) {
        if line.starts_with("subgraph cluster_") {
            group = Some(String::new());
        } else if line.starts_with("label=<<b>") && group.as_deref() == Some("") {
            group = Some(line["label=<<b>".len()..line.find("</b>").unwrap()].to_string());
        } else if line == "}" {
            group = None;
        } else if let Some(g) = &group
            && let Some(id) = line.split(' ').next().filter(|id| id.starts_with('s'))
            && line.contains("[label=")
        {
            out.insert(id.to_string(), g.clone());
        }
    }
    out
}

/// The same, read from Mermaid.
fn mermaid_groups(mermaid: &str) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    let mut group = None;
    for line in mermaid.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("subgraph ") {
            let name = &rest[rest.find("[\"").unwrap() + 2..rest.rfind("\"]").unwrap()];
            group = Some(name.to_string());
        } else if line == "end" {
            group = None;
        } else if let Some(g) = &group
            && line.starts_with('s')
        {
            let id: String = line.chars().take_while(|c| c.is_alphanumeric()).collect();
            out.insert(id, g.clone());
        }
    }
    out
}

#[test]
fn every_format_puts_each_stage_in_its_own_phase() {
    for lang in ["en", "ko"] {
        let map = support::template(lang);
        let opts = options(Lanes::Phase);
        let layout = layout_map(&map, &opts, None);
        let phase_name = |ix: salesmap_core::map::StageIx| {
            let id = map.stage(ix).phase.as_ref()?;
            let p = map.phases.iter().find(|p| &p.id == id)?;
            Some(p.name.get(lang, &map.language).to_string())
        };
        let dot = dot_groups(&render_dot(&map, &opts, None));
        let mermaid = mermaid_groups(&render_mermaid(&map, &opts, None));
        for b in layout.nodes.iter().filter(|b| b.kind != NodeKind::Decision) {
            let ix = b.stage.unwrap();
            let Some(name) = phase_name(ix) else { continue };
            let band = layout
                .lanes
                .iter()
                .find(|l| l.rect.contains(&b.rect))
                .expect("a box sits in a band");
            assert_eq!(band.texts[0].text, name, "{lang} {}", map.stage(ix).id);
            let id = format!("s{}", ix.0);
            assert_eq!(dot.get(&id), Some(&name), "{lang} DOT {}", map.stage(ix).id);
            assert_eq!(
                mermaid.get(&id),
                Some(&name),
                "{lang} Mermaid {}",
                map.stage(ix).id
            );
        }
    }
}

/// The template's overlay with one stage over its target.
fn overlay_over_target(map: &Map) -> Overlay {
    let mut o = overlay_for(map);
    let mql = map.find("mql").unwrap();
    let f = o.stages.get_mut(&mql).unwrap();
    f.median_days = Some(9.0);
    f.open = 60;
    f.stale = 59;
    o
}

#[test]
fn the_overlay_draws_moves_not_in_the_map_volume_and_targets() {
    let map = support::template("en");
    let overlay = overlay_over_target(&map);
    let opts = options(Lanes::Phase);
    let layout = layout_map(&map, &opts, Some(&overlay));
    assert_eq!(violations(&map, &layout), Vec::<String>::new());
    let path = map.main_path();
    let off: Vec<&salesmap_render::layout::EdgePath> = layout
        .edges
        .iter()
        .filter(|e| e.style == salesmap_render::layout::EdgeStyle::NotInMap)
        .collect();
    assert_eq!(off.len(), 1);
    assert_eq!(
        (
            layout.nodes[off[0].from].stage,
            layout.nodes[off[0].to].stage
        ),
        (Some(path[0]), Some(path[2]))
    );
    let words: Vec<&str> = off[0]
        .label
        .as_ref()
        .unwrap()
        .texts
        .iter()
        .map(|t| t.text.as_str())
        .collect();
    assert_eq!(words, ["not in the map", "26% of 128"]);
    let svg = render_svg(&map, &opts, Some(&overlay));
    let dashed = svg
        .lines()
        .find(|l| l.starts_with("<path") && l.contains("stroke=\"#0e7490\""))
        .expect("the move not in the map is drawn");
    assert!(dashed.contains("stroke-dasharray=\"2 4\""), "{dashed}");
    // Volume: the busiest edge is drawn wider than the quietest.
    let widths: Vec<f32> = layout.edges.iter().filter_map(|e| e.weight).collect();
    let (lo, hi) = widths
        .iter()
        .fold((f32::MAX, 0.0f32), |(lo, hi), &w| (lo.min(w), hi.max(w)));
    assert!(hi - lo > 0.5, "weights from {lo} to {hi}");
    // The stage over its target: outlined in red, the median against the target, the deals
    // there now.
    let mql = box_of(&layout, map.find("mql").unwrap());
    assert!(mql.alert);
    let lines: Vec<&str> = mql.texts.iter().map(|t| t.text.as_str()).collect();
    assert!(lines.contains(&"n=402 · median 9.0 d"), "{lines:?}");
    assert!(lines.contains(&"▲ over target 2 d"), "{lines:?}");
    assert!(lines.contains(&"60 open · 59 stale"), "{lines:?}");
    let within = box_of(&layout, map.find("sql").unwrap());
    assert!(!within.alert);
    assert!(within.texts.iter().any(|t| t.text == "target 7 d"));
    // What was measured, in the header.
    assert!(
        layout
            .title
            .iter()
            .any(|t| t.text.ends_with("· as of Feb 5, 1971"))
    );
}

#[test]
fn a_korean_drawing_has_its_figures_in_korean() {
    let map = support::template("ko");
    let overlay = overlay_over_target(&map);
    let opts = RenderOptions {
        lang: Some("ko".into()),
        ..options(Lanes::Phase)
    };
    let svg = render_svg(&map, &opts, Some(&overlay));
    for word in [
        "중앙값",
        "100건 중 90%",
        "기준일 1971년 2월 5일",
        "목표 2일 초과",
        "진행 중 60 · 지연 59",
        "맵에 없는 이동",
        "예</text>",
        "아니오</text>",
    ] {
        assert!(svg.contains(word), "{word} missing");
    }
    for word in [
        "median", " of ", "deals", "as of", "open", "stale", ">yes<", ">no<",
    ] {
        assert!(
            !svg.contains(word),
            "English {word:?} in the Korean drawing"
        );
    }
}

#[test]
fn owner_lanes_are_compact_name_every_owner_and_barely_cross() {
    let map = support::template("en");
    for overlay in [None, Some(overlay_for(&map))] {
        let layout = layout_map(&map, &options(Lanes::Owner), overlay.as_ref());
        assert_eq!(violations(&map, &layout), Vec::<String>::new());
        for b in layout.nodes.iter().filter(|b| b.kind != NodeKind::Decision) {
            let stage = map.stage(b.stage.unwrap());
            let lane = layout
                .lanes
                .iter()
                .find(|l| l.rect.contains(&b.rect))
                .map(|l| l.texts[0].text.clone())
                .unwrap();
            let text: String = b.texts.iter().map(|t| format!("{} ", t.text)).collect();
            for owner in &stage.owners {
                assert!(
                    &lane == owner || text.contains(owner.as_str()),
                    "{}: owner {owner} not shown (lane {lane}, box {text})",
                    stage.id
                );
            }
        }
        // Three crossings and 3,110 × 1,913 before the drawing was made compact.
        assert!(layout.crossings() <= 1, "{} crossings", layout.crossings());
        if overlay.is_none() {
            assert!(
                layout.width <= 2_600.0 && layout.width * layout.height <= 5.0e6,
                "{} × {}",
                layout.width,
                layout.height
            );
        }
    }
}

// ---------------------------------------------------------------- robust SVG

/// A filled shape of an SVG, for finding what a text sits on.
struct Filled {
    bounds: Rect,
    fill: String,
    opacity: f64,
}

fn number(n: roxmltree::Node, name: &str) -> f32 {
    n.attribute(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

/// Every text's colour against the colour of the shape under it.
fn text_contrasts(svg: &str) -> Vec<(String, f64)> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let mut shapes: Vec<Filled> = Vec::new();
    let mut out = Vec::new();
    for n in doc.descendants().filter(|n| n.is_element()) {
        let fill = n.attribute("fill").unwrap_or("none");
        match n.tag_name().name() {
            "rect" if fill.starts_with('#') => {
                let w = n.attribute("width").unwrap_or("0");
                let full = w.ends_with('%');
                shapes.push(Filled {
                    bounds: if full {
                        Rect {
                            x: 0.0,
                            y: 0.0,
                            w: 1e6,
                            h: 1e6,
                        }
                    } else {
                        Rect {
                            x: number(n, "x"),
                            y: number(n, "y"),
                            w: number(n, "width"),
                            h: number(n, "height"),
                        }
                    },
                    fill: fill.to_string(),
                    opacity: n
                        .attribute("fill-opacity")
                        .and_then(|o| o.parse().ok())
                        .unwrap_or(1.0),
                });
            }
            "path" if fill.starts_with('#') && n.parent().is_some_and(|p| p.has_tag_name("g")) => {
                let xy: Vec<f32> = n
                    .attribute("d")
                    .unwrap()
                    .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
                    .filter_map(|v| v.parse().ok())
                    .collect();
                let (xs, ys): (Vec<f32>, Vec<f32>) = xy.chunks(2).map(|p| (p[0], p[1])).unzip();
                let x0 = xs.iter().copied().fold(f32::MAX, f32::min);
                let y0 = ys.iter().copied().fold(f32::MAX, f32::min);
                let x1 = xs.iter().copied().fold(f32::MIN, f32::max);
                let y1 = ys.iter().copied().fold(f32::MIN, f32::max);
                // The middle half of a diamond, where its text is.
                shapes.push(Filled {
                    bounds: Rect {
                        x: x0 + (x1 - x0) / 4.0,
                        y: y0 + (y1 - y0) / 4.0,
                        w: (x1 - x0) / 2.0,
                        h: (y1 - y0) / 2.0,
                    },
                    fill: fill.to_string(),
                    opacity: 1.0,
                });
            }
            "text" => {
                let size = number(n, "font-size");
                let at = Rect {
                    x: number(n, "x") - 0.5,
                    y: number(n, "y") - 0.35 * size - 0.5,
                    w: 1.0,
                    h: 1.0,
                };
                let under = shapes
                    .iter()
                    .rev()
                    .find(|s| s.bounds.contains(&at))
                    .expect("the page is white at least");
                // A translucent backing over white.
                let [r, g, b] = salesmap_render::palette::rgb(&under.fill);
                let mix = |c: u8| {
                    (c as f64 * under.opacity + 255.0 * (1.0 - under.opacity)).round() as u8
                };
                let bg = format!("#{:02x}{:02x}{:02x}", mix(r), mix(g), mix(b));
                let fg = n.attribute("fill").unwrap();
                out.push((
                    format!("{:?} {fg} on {bg}", n.text().unwrap_or("")),
                    salesmap_render::palette::contrast(fg, &bg),
                ));
            }
            _ => {}
        }
    }
    out
}

#[test]
fn every_text_reaches_aa_contrast_on_what_it_sits_on() {
    for lang in ["en", "ko"] {
        let map = support::template(lang);
        let overlay = overlay_over_target(&map);
        for lanes in [Lanes::Phase, Lanes::Owner, Lanes::None] {
            let svg = render_svg(&map, &options(lanes), Some(&overlay));
            let low: Vec<String> = text_contrasts(&svg)
                .into_iter()
                .filter(|(_, c)| *c < 4.5)
                .map(|(t, c)| format!("{t}: {c:.2}:1"))
                .collect();
            assert!(low.is_empty(), "{lang} {lanes:?}: {low:#?}");
        }
    }
}

#[test]
fn coordinates_and_sizes_are_rounded() {
    let map = support::template("en");
    let svg = render_svg(&map, &options(Lanes::Phase), Some(&overlay_for(&map)));
    let doc = roxmltree::Document::parse(&svg).unwrap();
    for n in doc.descendants().filter(|n| n.is_element()) {
        for a in n.attributes() {
            for v in a
                .value()
                .split(|c: char| c == ' ' || c == ',' || c.is_ascii_alphabetic())
            {
                if let Some((_, decimals)) = v.split_once('.')
                    && v.parse::<f64>().is_ok()
                {
                    assert!(decimals.len() <= 1, "{}={}", a.name(), a.value());
                }
            }
        }
    }
}

/// Widths of text in DejaVu Sans, the widest common fallback face, read from the system's
/// copy; `None` (a visible skip) where it is not installed.
fn dejavu() -> Option<(Vec<u8>, Vec<u8>)> {
    let dir = Path::new("/usr/share/fonts/truetype/dejavu");
    match (
        std::fs::read(dir.join("DejaVuSans.ttf")),
        std::fs::read(dir.join("DejaVuSans-Bold.ttf")),
    ) {
        (Ok(r), Ok(b)) => Some((r, b)),
        _ => {
            salesmap_testkit::skip("DejaVu Sans", "apt-get install fonts-dejavu-core");
            None
        }
    }
}

#[test]
fn text_fits_its_box_in_a_wider_fallback_face() {
    use skrifa::instance::{LocationRef, Size};
    use skrifa::{FontRef, MetadataProvider};
    let Some((regular, bold)) = dejavu() else {
        return;
    };
    let faces = [
        FontRef::new(&regular).unwrap(),
        FontRef::new(&bold).unwrap(),
    ];
    let width = |t: &salesmap_render::layout::TextRun| {
        let face = &faces[usize::from(t.weight == salesmap_render::font::Weight::Bold)];
        let metrics = face.glyph_metrics(Size::new(t.size), LocationRef::default());
        let charmap = face.charmap();
        t.text
            .chars()
            .map(|c| {
                charmap
                    .map(c)
                    .and_then(|g| metrics.advance_width(g))
                    // Hangul and other glyphs DejaVu lacks come from a CJK face: one em.
                    .unwrap_or(t.size)
            })
            .sum::<f32>()
    };
    for lang in ["en", "ko"] {
        let map = support::template(lang);
        for lanes in [Lanes::Phase, Lanes::Owner] {
            let layout = layout_map(&map, &options(lanes), Some(&overlay_for(&map)));
            for b in &layout.nodes {
                for t in &b.texts {
                    let w = width(t);
                    let centre = t.x + t.width / 2.0;
                    let ink = Rect {
                        x: centre - w / 2.0,
                        w,
                        ..t.bounds()
                    };
                    assert!(
                        b.rect.contains(&ink),
                        "{lang} {lanes:?}: {:?} is {w:.1} px wide in DejaVu Sans, its box {:.1}",
                        t.text,
                        b.rect.w
                    );
                }
            }
            for e in &layout.edges {
                let Some(label) = &e.label else { continue };
                for t in &label.texts {
                    assert!(width(t) <= label.rect.w + 0.5, "{lang}: label {:?}", t.text);
                }
            }
        }
    }
}

#[test]
fn text_formats_carry_decisions_loops_owners_and_outcomes() {
    let map = support::template("en");
    let overlay = overlay_over_target(&map);
    let opts = options(Lanes::Phase);
    let dot = render_dot(&map, &opts, Some(&overlay));
    let mermaid = render_mermaid(&map, &opts, Some(&overlay));
    let id = |stage: &str| format!("s{}", map.find(stage).unwrap().0);
    let (nurture, mql) = (id("nurture"), id("mql"));
    // Loops back are dashed: nurture → MQL, and the moves into nurture.
    let dot_edge = |a: &str, b: &str| {
        dot.lines()
            .find(|l| l.trim_start().starts_with(&format!("{a} -> {b} ")))
            .unwrap_or_else(|| panic!("no {a} -> {b} in {dot}"))
            .to_string()
    };
    // Written against the flow (dir=back), so MQL comes first.
    let back = dot_edge(&mql, &nurture);
    assert!(
        back.contains("style=dashed") && back.contains("dir=back"),
        "{back}"
    );
    let is_back = |l: &str| {
        let l = l.trim();
        l.starts_with(&format!("{nurture} -.->")) && l.ends_with(&format!(" {mql}"))
    };
    assert!(mermaid.lines().any(is_back), "{mermaid}");
    let index = mermaid
        .lines()
        .filter(|l| l.contains("-->") || l.contains("==>") || l.contains("-.->"))
        .position(is_back)
        .unwrap();
    assert!(
        mermaid.contains(&format!("linkStyle {index} stroke:#6a45b0")),
        "{mermaid}"
    );
    // Owners, co-owners included, on the stage.
    for text in [&dot, &mermaid] {
        assert!(text.contains("Sales · Legal"), "co-owners");
        assert!(text.contains("Sales engineering · Sales"));
    }
    // Outcomes in their colours; only the classes used are defined.
    assert!(dot.contains("fillcolor=\"#fdecec\""), "lost");
    assert!(mermaid.contains("classDef lost fill:#fdecec"));
    assert!(mermaid.contains("classDef churned fill:#fce4ec"));
    let defined = mermaid.matches("classDef ").count();
    let used = mermaid.matches("\n  class ").count();
    assert_eq!(defined, used, "{mermaid}");
    assert!(
        !mermaid.contains("classDef won "),
        "the template has no won outcome"
    );
    // The moves not in the map, dotted, and the stage over its target, outlined.
    assert!(dot.contains("style=dotted"));
    assert!(mermaid.contains("classDef over "));
}
