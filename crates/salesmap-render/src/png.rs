//! The PNG writer: rasterizes the SVG with resvg, using only the bundled NanumSquare faces (no
//! system fonts are read), so the image is the same on every machine and Korean text renders
//! without any font installed. Only rasterizing can fail, so [`RenderError`] lives here.

use std::fmt;
use std::sync::Arc;

use resvg::tiny_skia;
use resvg::usvg;
use salesmap_core::map::Map;
use salesmap_core::overlay::Overlay;

use crate::font::{BOLD_TTF, FAMILY, REGULAR_TTF};
use crate::layout::layout_map;
use crate::options::RenderOptions;
use crate::svg::write_svg;

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

/// Largest PNG side in pixels; beyond this the image is refused rather than allocated.
const MAX_SIDE: u32 = 20_000;

/// Renders `map` as PNG bytes at `options.scale` pixels per SVG unit.
pub fn render_png(
    map: &Map,
    options: &RenderOptions,
    overlay: Option<&Overlay>,
) -> Result<Vec<u8>, RenderError> {
    let svg = write_svg(&layout_map(map, options, overlay));
    rasterize(&svg, options.scale)
}

/// Rasterizes an SVG document (this crate's, or any chart drawn in the same font) at `scale`
/// pixels per SVG unit.
pub fn rasterize(svg: &str, scale: f32) -> Result<Vec<u8>, RenderError> {
    let mut opt = usvg::Options {
        font_family: FAMILY.to_string(),
        ..usvg::Options::default()
    };
    {
        let db = opt.fontdb_mut();
        db.load_font_source(usvg::fontdb::Source::Binary(Arc::new(REGULAR_TTF)));
        db.load_font_source(usvg::fontdb::Source::Binary(Arc::new(BOLD_TTF)));
        db.set_sans_serif_family(FAMILY);
    }
    let tree =
        usvg::Tree::from_str(svg, &opt).map_err(|e| RenderError::Rasterize(e.to_string()))?;
    let size = tree.size();
    let scale = if scale.is_finite() && scale > 0.0 {
        scale
    } else {
        1.0
    };
    let width = (size.width() * scale).ceil() as u32;
    let height = (size.height() * scale).ceil() as u32;
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(RenderError::ImageTooLarge { width, height });
    }
    let mut pixmap = tiny_skia::Pixmap::new(width.max(1), height.max(1))
        .ok_or(RenderError::ImageTooLarge { width, height })?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| RenderError::Rasterize(e.to_string()))
}
