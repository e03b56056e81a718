//! Draws a salesmap [`Map`] as a flowchart a sales team can pin on the wall.
//!
//! Three steps, each a pure function of the one before:
//! - [`diagram::Diagram`]: what to draw. Stages become boxes with their words (in the language
//!   asked for), transitions become edges with their labels, measured [`Overlay`] figures are
//!   attached, sub-stages are nested or collapsed to `--depth`.
//! - [`layout::Layout`]: where to draw it. A layered flowchart: the main path is a straight
//!   spine top to bottom, outcomes sit to its right, loops back into the process to its left,
//!   phases are horizontal bands or owners are vertical swimlanes; edges are routed orthogonally
//!   around every box. Plain geometry, checked by tests.
//! - the writers: [`render_svg`] paints the layout, [`render_png`] rasterizes that SVG with the
//!   bundled Korean-capable font, [`render_mermaid`] and [`render_dot`] write the map as text
//!   for tools that lay it out themselves.
//!
//! Every writer is deterministic: the same map and options give byte-identical output.

pub mod diagram;
mod dot;
pub mod font;
pub mod layout;
mod mermaid;
mod png;
mod route;
mod svg;
mod wording;

use std::fmt;

use salesmap_core::map::Map;
use salesmap_core::overlay::Overlay;

pub use dot::render_dot;
pub use mermaid::render_mermaid;
pub use png::{rasterize, render_png};
pub use svg::render_svg;

/// How stages are grouped on the drawing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lanes {
    /// Buyer-journey phases (R4) as horizontal bands along the flow.
    Phase,
    /// Owners (R2) as vertical swimlanes, so hand-offs cross lane lines.
    Owner,
    /// No grouping.
    None,
}

impl Lanes {
    pub const NAMES: [&'static str; 3] = ["phase", "owner", "none"];

    pub fn from_name(name: &str) -> Option<Lanes> {
        match name {
            "phase" => Some(Lanes::Phase),
            "owner" => Some(Lanes::Owner),
            "none" => Some(Lanes::None),
            _ => None,
        }
    }
}

/// What to draw and how.
#[derive(Clone, Debug, PartialEq)]
pub struct RenderOptions {
    pub lanes: Lanes,
    /// Sub-stage levels drawn inside their parent: 0 collapses them to a count.
    pub depth: u32,
    /// Show each stage's exit checklist count and target days.
    pub detail: bool,
    /// Label language (`en`, `ko`); `None` uses the map's own language.
    pub lang: Option<String>,
    /// Draw a legend explaining shapes, lines and colours.
    pub legend: bool,
    /// PNG pixels per SVG unit (2 gives a sharp print).
    pub scale: f32,
}

impl Default for RenderOptions {
    fn default() -> RenderOptions {
        RenderOptions {
            lanes: Lanes::Phase,
            depth: 1,
            detail: false,
            lang: None,
            legend: true,
            scale: 2.0,
        }
    }
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Svg,
    Png,
    Mermaid,
    Dot,
}

impl Format {
    pub const NAMES: [&'static str; 4] = ["svg", "png", "mermaid", "dot"];

    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "svg" => Some(Format::Svg),
            "png" => Some(Format::Png),
            "mermaid" | "mmd" => Some(Format::Mermaid),
            "dot" | "gv" => Some(Format::Dot),
            _ => None,
        }
    }

    /// The format a file name's extension implies (`map.svg`, `map.mmd`, `map.gv`).
    pub fn from_path(path: &str) -> Option<Format> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        Format::from_name(&ext)
    }
}

/// A drawing that could not be produced.
#[derive(Debug, Clone, PartialEq)]
pub enum RenderError {
    /// The image would be larger than a PNG can hold or memory allows.
    ImageTooLarge { width: u32, height: u32 },
    /// The rasterizer rejected the drawing (a bug in the SVG writer).
    Rasterize(String),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::ImageTooLarge { width, height } => write!(
                f,
                "the PNG would be {width}×{height} pixels, too large; lower --scale or use SVG"
            ),
            RenderError::Rasterize(msg) => write!(f, "could not rasterize the drawing: {msg}"),
        }
    }
}

impl std::error::Error for RenderError {}

/// Renders `map` in `format`: UTF-8 text for SVG, Mermaid and DOT, PNG bytes for PNG.
pub fn render(
    map: &Map,
    options: &RenderOptions,
    overlay: Option<&Overlay>,
    format: Format,
) -> Result<Vec<u8>, RenderError> {
    Ok(match format {
        Format::Svg => render_svg(map, options, overlay).into_bytes(),
        Format::Png => render_png(map, options, overlay)?,
        Format::Mermaid => render_mermaid(map, options, overlay).into_bytes(),
        Format::Dot => render_dot(map, options, overlay).into_bytes(),
    })
}
