//! The salesmap HTML report: one self-contained file a sales manager can e-mail, with the map
//! drawn under its measured figures, the charts, the tables and the reverse-funnel plan, in
//! English or Korean.
//!
//! - [`build_report`]: measures a history against a map ([`Measurements`]: the analysis, the
//!   distributions behind it, the trend by month, the plan) and writes the [`Report`].
//! - [`Report`]: the HTML page and its [`Chart`]s. Every chart is a standalone SVG document that
//!   the page inlines; [`Chart::png`] rasterizes one with the renderer's bundled font, for
//!   `--assets`.
//! - [`locale::Lang`]: the edition; labels, numbers and dates follow it.
//!
//! Architecture invariants: the page needs no network and carries no script (styles and charts
//! are inline, no fonts or images are fetched); every user or data string is escaped
//! on its way in (`html::escape`, or plotters' own escaping inside charts); the same inputs
//! give byte-identical output (the analysis instant is an argument, nothing reads a clock).

pub mod charts;
pub mod html;
pub mod locale;
mod measure;
mod page;
pub mod sentences;

use std::fmt;

use salesmap_core::analysis::AnalyzeError;
use salesmap_core::history::History;
use salesmap_core::map::Map;

pub use charts::Chart;
pub use locale::Lang;
pub use measure::{Images, Measurements, OWNER_ATTRIBUTE, PLAN_MIN_N, PlannedQuota, ReportOptions};
pub use page::Report;

/// Why a report could not be made.
#[derive(Clone, Debug, PartialEq)]
pub enum ReportError {
    Analyze(AnalyzeError),
}

impl fmt::Display for ReportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReportError::Analyze(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ReportError {}

/// Measures `history` against `map` and writes the report.
pub fn build_report(
    map: &Map,
    history: &History,
    options: &ReportOptions,
) -> Result<Report, ReportError> {
    let m = Measurements::measure(map, history, options).map_err(ReportError::Analyze)?;
    Ok(write_report(map, &m, options))
}

/// Writes the report from measurements already made.
pub fn write_report(map: &Map, m: &Measurements, options: &ReportOptions) -> Report {
    page::write(map, m, options)
}

impl Chart {
    /// The chart as a PNG at `scale` pixels per SVG unit, drawn with the renderer's bundled
    /// NanumSquare faces (no system font is read, so Korean labels render anywhere).
    pub fn png(&self, scale: f32) -> Result<Vec<u8>, String> {
        salesmap_render::rasterize(&self.svg, scale).map_err(|e| format!("{}: {e}", self.name))
    }
}
