//! The live figures pages show: the pipeline's live history (its deals' stage entries and
//! touches, from the store) measured against its published map now, with the same analysis
//! `salesmap analyze` runs ([`Live`]), and the map's drawing overlaid with those figures in
//! the page's language ([`drawing`]). Measuring runs off the async threads.
//!
//! The board reads conversion and median days per stage from here, the map and stage pages
//! the drawing and the stage figures, the dashboard the report's measurements
//! ([`measure_report`]), so each figure is computed one way everywhere.

use std::fmt::Write;
use std::sync::Arc;

use salesmap_core::analysis::Analysis;
use salesmap_core::analysis::{AnalyzeOptions, analyze, overlay};
use salesmap_core::history::Micros;
use salesmap_core::map::Map;
use salesmap_core::overlay::Overlay;
use salesmap_render::RenderOptions;
use salesmap_report::{Measurements, ReportOptions};
use salesmap_store::Actor;

use crate::pages::locale::Lang;
use crate::pages::markup::esc;
use crate::problem::ApiError;
use crate::state::AppState;

/// A pipeline's live history measured against its published map.
#[derive(Debug)]
pub struct Live {
    pub map: Arc<Map>,
    /// The published map version's number.
    pub version: i64,
    pub as_of: Micros,
    pub analysis: Analysis,
}

impl Live {
    /// The cohort conversion from a main-path stage to the next (strict funnel).
    pub fn conversion(&self, stage: &str) -> Option<(f64, u64)> {
        self.analysis
            .funnel_strict
            .stages
            .iter()
            .find(|s| s.stage == stage)
            .and_then(|s| s.conversion.map(|c| (c, s.reached)))
    }

    /// The median of completed stays in a stage, in days.
    pub fn median_days(&self, stage: &str) -> Option<f64> {
        self.analysis
            .stage_times
            .iter()
            .find(|t| t.stage == stage)
            .and_then(|t| t.days.as_ref().map(|d| d.median))
    }

    /// Deals that ever entered a stage.
    pub fn reached(&self, stage: &str) -> u64 {
        self.analysis
            .reached
            .iter()
            .find(|(s, _)| s == stage)
            .map_or(0, |(_, n)| *n)
    }
}

/// Measures a pipeline now.
pub async fn measure(state: &AppState, actor: &Actor, key: &str) -> Result<Live, ApiError> {
    let (history, published) = state.store.live_history(actor, key).await?;
    let as_of = salesmap_store::now();
    tokio::task::spawn_blocking(move || {
        let analysis = analyze(&published.map, &history, &AnalyzeOptions::as_of(as_of))
            .map_err(|e| ApiError::Internal(format!("analysis: {e}")))?;
        Ok(Live {
            map: published.map,
            version: published.number,
            as_of,
            analysis,
        })
    })
    .await
    .map_err(|e| ApiError::Internal(format!("analysis task: {e}")))?
}

/// What the dashboard shows: the report's measurements (analysis, stage-time spreads, months,
/// the plan) of a pipeline now, in `lang`.
pub async fn measure_report(
    state: &AppState,
    actor: &Actor,
    key: &str,
    lang: Lang,
) -> Result<(Arc<Map>, Measurements, ReportOptions), ApiError> {
    let (history, published) = state.store.live_history(actor, key).await?;
    let as_of = salesmap_store::now();
    let map_label = format!("{key} v{}", published.number);
    let history_label = format!("pipeline {key}");
    tokio::task::spawn_blocking(move || {
        let options = ReportOptions::new(lang, as_of, &map_label, &history_label);
        let m = Measurements::measure(&published.map, &history, &options)
            .map_err(|e| ApiError::Internal(format!("measurements: {e}")))?;
        Ok((published.map, m, options))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("measurement task: {e}")))?
}

/// The measured figures to draw on the map: deals that reached each stage, their median days
/// against the target, the deals there now (and the stale ones), each transition's share; the
/// renderer words them in the drawing's language.
pub fn live_overlay(live: &Live, l: Lang) -> Overlay {
    overlay(
        &live.map,
        &live.analysis,
        match l {
            Lang::En => "the live history",
            Lang::Ko => "실시간 이력",
        },
    )
}

/// The map's drawing as SVG, with `overlay` when given and the drawing's words in `l`; with
/// `link` each stage box is also a link (`link(stage id)` gives its address) that reads the
/// stage's name to assistive technology. The page's style shrinks it to fit narrow screens.
pub fn drawing(
    map: &Map,
    l: Lang,
    lanes: salesmap_render::Lanes,
    overlay: Option<&Overlay>,
    link: Option<&dyn Fn(&str) -> String>,
) -> String {
    let options = RenderOptions {
        lang: Some(l.tag().to_string()),
        lanes,
        ..RenderOptions::default()
    };
    let layout = salesmap_render::layout::layout_map(map, &options, overlay);
    let mut svg = salesmap_render::write_svg(&layout);
    if let Some(link) = link {
        let mut links = String::new();
        for node in &layout.nodes {
            let Some(ix) = node.stage else { continue };
            let stage = map.stage(ix);
            let r = node.rect;
            let _ = writeln!(
                links,
                "<a href=\"{}\" class=\"stage-link\"><title>{}</title><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"8\" fill=\"transparent\"/></a>",
                esc(&link(&stage.id)),
                esc(stage.name.get(l.tag(), &map.language)),
                r.x,
                r.y,
                r.w,
                r.h
            );
        }
        if let Some(end) = svg.rfind("</svg>") {
            svg.insert_str(end, &links);
        }
    }
    svg
}
