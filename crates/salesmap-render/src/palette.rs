//! The drawing's colours, one set for every writer (SVG, DOT, Mermaid), so a phase, an
//! outcome or a decision looks the same in each.
//!
//! Every colour that text is written in reaches WCAG AA (4.5:1) against the fill it sits on:
//! a phase has an accent (its band's edge and the tab on its stages), a light tint (the band)
//! and a darker text shade (its band's name); an outcome has a stroke, a fill and a text
//! colour. Decisions are yellow diamonds with a dark gold outline, apart in hue from every
//! outcome (churned is raspberry, not orange). The tests check every pair.

/// A phase's colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhaseColours {
    /// The band's edge and the tab on its stages.
    pub accent: &'static str,
    /// The band's fill.
    pub tint: &'static str,
    /// The band's name.
    pub text: &'static str,
}

const fn phase_colours(
    accent: &'static str,
    tint: &'static str,
    text: &'static str,
) -> PhaseColours {
    PhaseColours { accent, tint, text }
}

pub const PHASES: [PhaseColours; 8] = [
    phase_colours("#1e88e5", "#eef5fd", "#1565c0"),
    phase_colours("#00897b", "#ebf6f5", "#00695c"),
    phase_colours("#8e24aa", "#f6edf8", "#6a1b9a"),
    phase_colours("#f4a100", "#fdf6e7", "#8a5a00"),
    phase_colours("#3949ab", "#eef0f9", "#283593"),
    phase_colours("#d81b60", "#fcedf3", "#ad1457"),
    phase_colours("#43a047", "#eef7ef", "#2e7d32"),
    phase_colours("#6d4c41", "#f4efed", "#5d4037"),
];
pub const NO_PHASE: PhaseColours = phase_colours("#78909c", "#f4f6f7", "#455a64");

/// The colours of phase `p` (by its index in the map's phase list).
pub fn phase(p: Option<usize>) -> PhaseColours {
    match p {
        Some(p) if p != usize::MAX => PHASES[p % PHASES.len()],
        _ => NO_PHASE,
    }
}

/// An outcome's colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutcomeColours {
    pub stroke: &'static str,
    pub fill: &'static str,
    pub text: &'static str,
}

pub fn outcome(o: salesmap_core::map::Outcome) -> OutcomeColours {
    use salesmap_core::map::Outcome;
    let (stroke, fill, text) = match o {
        Outcome::Won => ("#2e7d32", "#e6f4e7", "#1b5e20"),
        Outcome::Lost => ("#c62828", "#fdecec", "#b71c1c"),
        Outcome::Disqualified => ("#616161", "#f1f1f1", "#424242"),
        Outcome::Churned => ("#ad1457", "#fce4ec", "#880e4f"),
    };
    OutcomeColours { stroke, fill, text }
}

/// Body text.
pub const INK: &str = "#263238";
/// Secondary text: owners, details, subtitles, muted figures.
pub const MUTED: &str = "#546e7a";
/// A stage's outline.
pub const STAGE_STROKE: &str = "#90a4ae";
/// Measured figures.
pub const FIGURE: &str = "#1565c0";
/// Figures to act on, and the outline of a stage over its target.
pub const ALERT: &str = "#c62828";
/// The won milestone's outline and badge.
pub const MILESTONE: &str = "#2e7d32";
/// A decision diamond's outline and fill.
pub const DECISION: &str = "#8d6e00";
pub const DECISION_FILL: &str = "#fff3c4";
/// Edges.
pub const MAIN_EDGE: &str = "#37474f";
pub const BRANCH_EDGE: &str = "#546e7a";
pub const LOOP_EDGE: &str = "#6a45b0";
pub const NOT_IN_MAP: &str = "#0e7490";
/// An as-is map's start and end.
pub const TERMINAL: &str = "#455a64";
pub const TERMINAL_FILL: &str = "#eceff1";
/// Owner swimlanes, alternating, and their headers.
pub const LANE_TINTS: [&str; 2] = ["#f3f6fa", "#fbfcfd"];
pub const LANE_HEADER: &str = "#e3e9ef";
pub const LANE_LINE: &str = "#d5dde5";
/// Sub-stage chips.
pub const CHIP_FILL: &str = "#f5f7f9";
pub const CHIP_STROKE: &str = "#cfd8dc";
pub const CHIP_TEXT: &str = "#37474f";

/// The colour of an edge that took `heat` (0 fastest … 1 slowest) of the slowest drawn
/// time: from slate through amber to red, each stop dark enough to read as a line on white.
pub fn heat(heat: f32) -> String {
    const STOPS: [(f32, [u8; 3]); 4] = [
        (0.0, [0x78, 0x90, 0x9c]),
        (0.45, [0xc7, 0x8a, 0x00]),
        (0.75, [0xe6, 0x51, 0x00]),
        (1.0, [0xb7, 0x1c, 0x1c]),
    ];
    let h = heat.clamp(0.0, 1.0);
    let k = STOPS
        .iter()
        .position(|s| s.0 >= h)
        .unwrap_or(STOPS.len() - 1)
        .max(1);
    let ((a, ca), (b, cb)) = (STOPS[k - 1], STOPS[k]);
    let t = if b > a { (h - a) / (b - a) } else { 0.0 };
    let mix = |i: usize| (ca[i] as f32 + (cb[i] as f32 - ca[i] as f32) * t).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(0), mix(1), mix(2))
}

/// The stroke width of an edge carrying `weight` of the busiest drawn edge's volume.
pub fn edge_width(base: f32, weight: Option<f32>) -> f32 {
    match weight {
        Some(w) => base + 5.0 * w.clamp(0.0, 1.0),
        None => base,
    }
}

/// WCAG 2 contrast ratio between two `#rrggbb` colours (1 to 21).
pub fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// The relative luminance of a `#rrggbb` colour.
pub fn luminance(hex: &str) -> f64 {
    let [r, g, b] = rgb(hex);
    let channel = |c: u8| {
        let c = c as f64 / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

/// The channels of a `#rrggbb` colour (black when it is not one).
pub fn rgb(hex: &str) -> [u8; 3] {
    let h = hex.trim_start_matches('#');
    let at = |i: usize| {
        h.get(i..i + 2)
            .and_then(|s| u8::from_str_radix(s, 16).ok())
            .unwrap_or(0)
    };
    if h.len() == 6 {
        [at(0), at(2), at(4)]
    } else {
        [0, 0, 0]
    }
}

/// Whether two `#rrggbb` colours are told apart at a glance: their hues are at least 30°
/// apart (when both are colourful), or one is grey and the other colourful, or one is much
/// lighter. (CIE76's distance calls two oranges 33 apart; by hue they are 19° apart, and a
/// reader sees one orange.)
pub fn told_apart(a: &str, b: &str) -> bool {
    let (x, y) = (lch(a), lch(b));
    let hue = {
        let d = (x[2] - y[2]).abs();
        d.min(360.0 - d)
    };
    let colourful = x[1] >= 20.0 && y[1] >= 20.0;
    let grey_and_colour = x[1].min(y[1]) < 10.0 && x[1].max(y[1]) >= 25.0;
    (colourful && hue >= 30.0) || grey_and_colour || (x[0] - y[0]).abs() >= 25.0
}

/// Lightness, chroma and hue (degrees) of a `#rrggbb` colour.
fn lch(hex: &str) -> [f64; 3] {
    let [l, a, b] = lab(hex);
    [l, a.hypot(b), b.atan2(a).to_degrees().rem_euclid(360.0)]
}

fn lab(hex: &str) -> [f64; 3] {
    let lin = |c: u8| {
        let c = c as f64 / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let [r, g, b] = rgb(hex).map(lin);
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f64| {
        if t > 0.008856 {
            t.cbrt()
        } else {
            7.787 * t + 16.0 / 116.0
        }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use salesmap_core::map::Outcome;

    #[test]
    fn every_text_colour_reaches_aa_on_its_fill() {
        let mut pairs: Vec<(&str, &str, &str)> = vec![
            ("ink", INK, "#ffffff"),
            ("muted", MUTED, "#ffffff"),
            ("figure", FIGURE, "#ffffff"),
            ("alert", ALERT, "#ffffff"),
            ("milestone", MILESTONE, "#ffffff"),
            ("decision text", INK, DECISION_FILL),
            ("loop label", LOOP_EDGE, "#ffffff"),
            ("not in map label", NOT_IN_MAP, "#ffffff"),
            ("branch label", BRANCH_EDGE, "#ffffff"),
            ("chip", CHIP_TEXT, CHIP_FILL),
            ("lane header", INK, LANE_HEADER),
            ("terminal", INK, TERMINAL_FILL),
        ];
        for p in PHASES.iter().chain([&NO_PHASE]) {
            pairs.push(("phase name", p.text, p.tint));
            pairs.push(("muted on band", MUTED, p.tint));
            pairs.push(("figure on band", FIGURE, p.tint));
            pairs.push(("ink on band", INK, p.tint));
        }
        for o in Outcome::ALL {
            let c = outcome(o);
            pairs.push(("outcome", c.text, c.fill));
            pairs.push(("exit label", c.stroke, "#ffffff"));
        }
        for (what, fg, bg) in pairs {
            let ratio = contrast(fg, bg);
            assert!(ratio >= 4.5, "{what}: {fg} on {bg} is {ratio:.2}:1");
        }
    }

    #[test]
    fn decisions_and_outcomes_are_told_apart_by_colour() {
        let strokes: Vec<(&str, &str)> = Outcome::ALL
            .iter()
            .map(|&o| (o.name(), outcome(o).stroke))
            .chain([
                ("decision", DECISION),
                ("loop", LOOP_EDGE),
                ("not in map", NOT_IN_MAP),
            ])
            .collect();
        for (i, (a, ca)) in strokes.iter().enumerate() {
            for (b, cb) in &strokes[i + 1..] {
                assert!(told_apart(ca, cb), "{a} {ca} and {b} {cb} look alike");
            }
        }
        // The old decision orange and churned's orange (contrast 1.12:1) look alike.
        assert!(!told_apart("#b26a00", "#e65100"));
    }

    #[test]
    fn heat_runs_from_slate_to_red() {
        assert_eq!(heat(0.0), "#78909c");
        assert_eq!(heat(1.0), "#b71c1c");
        assert!(contrast(&heat(0.6), "#ffffff") >= 2.0);
        assert_eq!(contrast("#000000", "#ffffff").round(), 21.0);
    }
}
