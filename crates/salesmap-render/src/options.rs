//! [`RenderOptions`]: what to draw and how, for every writer: the grouping into [`Lanes`], how
//! deep sub-stages nest, detail, language, legend, PNG scale and, for as-is maps, the [`View`].

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

/// What an as-is process map's edges show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// How often each move was made; line width by volume.
    Frequency,
    /// How long each move took (median and mean); colour by the median, width by volume.
    Performance,
}

impl View {
    pub const NAMES: [&'static str; 2] = ["frequency", "performance"];

    pub fn from_name(name: &str) -> Option<View> {
        match name {
            "frequency" => Some(View::Frequency),
            "performance" => Some(View::Performance),
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
    /// What an as-is process map's edges show; designed maps ignore it.
    pub view: View,
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
            view: View::Frequency,
        }
    }
}
