//! [`Overlay`]: measured figures drawn on top of a map (conversion on each transition, median
//! time in each stage). Analytics fills it from history; the renderer draws it. It holds ready
//! labels plus the raw values, so the renderer never computes metrics and analytics never
//! formats drawings.

use std::collections::BTreeMap;

use crate::map::StageIx;

/// Figures for one stage.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StageFigures {
    /// Deals that entered the stage.
    pub reached: Option<u64>,
    /// Median days in the stage.
    pub median_days: Option<f64>,
    /// Short label to print on the stage box, e.g. `n=412 · median 6.5 d`.
    pub label: String,
}

/// Figures for one transition `from → to`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TransitionFigures {
    /// Deals that made the move.
    pub count: u64,
    /// Share of the deals that reached `from` whose first move out of it was this one
    /// (0..=1): the shares out of one stage add up to at most 1.
    pub share: Option<f64>,
    /// Short label to print on the edge, e.g. `42% of 173`.
    pub label: String,
}

/// Measured figures keyed by stage and by transition.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Overlay {
    pub stages: BTreeMap<StageIx, StageFigures>,
    pub transitions: BTreeMap<(StageIx, StageIx), TransitionFigures>,
    /// A caption saying what the figures are measured on, e.g. `history.csv · 1,200 deals`.
    pub caption: String,
}
