//! Draws a salesmap [`Map`] as a flowchart a sales team can pin on the wall.
//!
//! Three steps, each a pure function of the one before:
//! - [`diagram::Diagram`]: what to draw. Stages become boxes with their words (in the language
//!   asked for), a deciding stage is followed by a decision diamond, transitions become edges
//!   with their yes/no answers and conditions, measured [`Overlay`] figures are attached (and
//!   moves not in the map added, dashed), sub-stages are nested or collapsed to `--depth`. An
//!   as-is [`ProcessMap`] becomes a diagram the same way, so it is drawn in the same style.
//! - [`layout::Layout`]: where to draw it. A layered flowchart: the main path is a straight
//!   spine top to bottom, outcomes sit to its right, loops back into the process to its left,
//!   phases are horizontal bands or owners are vertical swimlanes; edges are routed orthogonally
//!   around every box. Plain geometry, checked by tests.
//! - the writers: [`render_svg`] paints the layout, [`render_png`] rasterizes that SVG with the
//!   bundled Korean-capable font, [`render_mermaid`] and [`render_dot`] write the map as text
//!   for tools that lay it out themselves. [`palette`] holds the one set of colours they share.
//!
//! Every writer is deterministic: the same map and options give byte-identical output.

// From the bottom: options, geometry, fonts, colours and wording; the diagram; routing and
// the layout; the writers; and `render` on top.
pub mod diagram;
mod dot;
pub mod font;
mod geometry;
pub mod layout;
mod mermaid;
mod options;
pub mod palette;
mod png;
mod route;
mod svg;
pub mod wording;

use salesmap_core::as_is::ProcessMap;
use salesmap_core::map::Map;
use salesmap_core::overlay::Overlay;

use diagram::Diagram;

pub use dot::{render_dot, write_dot};
pub use mermaid::{render_mermaid, write_mermaid};
pub use options::{Lanes, RenderOptions, View};
pub use png::{RenderError, rasterize, render_png};
pub use svg::{render_svg, write_svg};

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

/// Renders an as-is process map in `format` (`source` names the history in the title): the
/// same renderer, layout and style as a designed map.
pub fn render_process_map(
    pm: &ProcessMap,
    source: &str,
    options: &RenderOptions,
    format: Format,
) -> Result<Vec<u8>, RenderError> {
    let diagram = Diagram::of_process_map(pm, source, options);
    Ok(match format {
        Format::Svg => write_svg(&layout::layout(&diagram, options.legend)).into_bytes(),
        Format::Png => rasterize(
            &write_svg(&layout::layout(&diagram, options.legend)),
            options.scale,
        )?,
        Format::Mermaid => write_mermaid(&diagram).into_bytes(),
        Format::Dot => write_dot(&diagram).into_bytes(),
    })
}
