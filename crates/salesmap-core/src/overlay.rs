//! [`Overlay`]: measured figures drawn on top of a map: deals, median days against the target
//! and the deals sitting there now on each stage; the first-move share on each transition; the
//! moves the history makes that the map lacks; and what the figures were measured on (the
//! history, its date range, the analysis instant). Analytics fills it from history; the
//! renderer words and draws it in the drawing's language. It holds raw values only, so the
//! renderer never computes metrics and analytics never formats drawings.

use std::collections::BTreeMap;

use crate::history::Micros;
use crate::map::StageIx;

/// Figures for one stage.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StageFigures {
    /// Deals that entered the stage.
    pub reached: Option<u64>,
    /// Median days of the completed stays in the stage.
    pub median_days: Option<f64>,
    /// The stage's target days, from the map.
    pub target_days: Option<f64>,
    /// Open deals whose current stage this is, and of those the stale ones (in the stage
    /// longer than its target days).
    pub open: u64,
    pub stale: u64,
    /// Won deals (customers) whose current stage this is, and of those the ones in the stage
    /// longer than its target days.
    pub customers: u64,
    pub customers_over_target: u64,
}

impl StageFigures {
    /// Whether the median stay is longer than the target.
    pub fn over_target(&self) -> bool {
        matches!((self.median_days, self.target_days), (Some(m), Some(t)) if m > t)
    }
}

/// Figures for one move `from → to`, in the map or not.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TransitionFigures {
    /// Deals whose first move out of `from` was this one.
    pub count: u64,
    /// Deals that reached `from`.
    pub reached_from: u64,
    /// `count / reached_from` (0..=1): the shares out of one stage, in the map or not, add up
    /// to at most 1. `None` when no deal reached `from`.
    pub share: Option<f64>,
}

/// A move the history makes that the map does not have, drawn as a dashed edge.
#[derive(Clone, Debug, PartialEq)]
pub struct OffMapMove {
    pub from: StageIx,
    pub to: StageIx,
    pub figures: TransitionFigures,
}

/// What the figures were measured on, for the drawing's header.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Measured {
    /// The history's name (its file name).
    pub source: String,
    /// Deals measured.
    pub deals: u64,
    /// The first and last event measured.
    pub first_event: Option<Micros>,
    pub last_event: Option<Micros>,
    /// The analysis instant.
    pub as_of: Option<Micros>,
}

/// Measured figures keyed by stage and by transition.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Overlay {
    pub stages: BTreeMap<StageIx, StageFigures>,
    pub transitions: BTreeMap<(StageIx, StageIx), TransitionFigures>,
    /// Moves not in the map that enough deals made to be drawn (see
    /// [`crate::analysis::OFF_MAP_MIN_SHARE`]), most deals first.
    pub off_map: Vec<OffMapMove>,
    pub measured: Measured,
}

impl Overlay {
    /// The largest first-move count on any drawn edge: edges are weighted against it.
    pub fn max_count(&self) -> u64 {
        self.transitions
            .values()
            .map(|f| f.count)
            .chain(self.off_map.iter().map(|m| m.figures.count))
            .max()
            .unwrap_or(0)
    }
}
