//! The report's charts, drawn with plotters' SVG backend: the funnel with drop-off, time in
//! stage as box plots, the sales-cycle histogram, and win rate and velocity by month.
//!
//! Each chart is a function from plain figures (already localized labels) to a [`Chart`]: a
//! standalone SVG document with a fixed pixel size, which the page inlines and `--assets`
//! writes out (and rasterizes). A chart file stands alone: it carries its title, its legend
//! (what each colour and mark means), its axes' units and, on monthly points, the number of
//! deals each point rests on; every number in it is rounded (no `13.000000000000002`). plotters supplies the coordinate systems, axes, grid lines and
//! the escaping of every text; a few things are drawn from its primitives instead of its
//! ready-made elements: box plots (plotters' `Boxplot` puts whiskers at the 1.5-IQR fences,
//! which can fall below zero days and beyond the data; ours are the p10 and p90 the tables
//! show), and stage labels beside bars (placed at row centres, which its axis labels cannot
//! be). Text uses a font stack that ends in generic `sans-serif`, so the page shows the
//! reader's system face and the PNG the renderer's bundled one; no font is embedded.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use salesmap_core::spread::Spread;

/// A drawn chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// File stem for `--assets` (`funnel`, `stage-times`, …).
    pub name: &'static str,
    /// What the chart shows, for its caption and accessible name.
    pub title: String,
    /// A standalone SVG document.
    pub svg: String,
    pub width: u32,
    pub height: u32,
}

/// Fonts for chart text: system faces first (Latin and Korean), then the bundled face the PNG
/// writer loads, then the generic family.
pub const FONT_STACK: &str = "system-ui, -apple-system, Segoe UI, Roboto, Apple SD Gothic Neo, \
                              Malgun Gothic, Noto Sans KR, NanumGothic, NanumSquare, sans-serif";

/// Chart colours, shared with the page's stylesheet.
pub const INK: RGBColor = RGBColor(31, 41, 55);
pub const MUTED: RGBColor = RGBColor(107, 114, 128);
pub const GRID: RGBColor = RGBColor(229, 231, 235);
pub const BLUE: RGBColor = RGBColor(37, 99, 167);
pub const LIGHT_BLUE: RGBColor = RGBColor(191, 215, 240);
pub const RED: RGBColor = RGBColor(200, 75, 49);
pub const GREY: RGBColor = RGBColor(196, 201, 209);
pub const GREEN: RGBColor = RGBColor(22, 128, 90);

const WIDTH: u32 = 960;

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

fn font(px: f64) -> TextStyle<'static> {
    // plotters writes `font-size` as the given size / 1.24.
    TextStyle::from((FONT_STACK, px * 1.24).into_font()).color(&INK)
}

fn muted(px: f64) -> TextStyle<'static> {
    font(px).color(&MUTED)
}

fn anchored(style: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    style.pos(Pos::new(h, v))
}

fn fail(e: impl std::fmt::Display) -> String {
    format!("the chart could not be drawn: {e}")
}

/// What a legend entry shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mark {
    /// A filled box.
    Box(RGBColor),
    /// A line.
    Line(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
}

/// What a chart says about itself besides its data: the legend and the axes' titles with
/// their units (empty where an axis needs none).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Axes {
    pub legend: Vec<(Mark, String)>,
    pub x: String,
    pub y: String,
}

/// Height of the band above the plot holding the title and the legend.
const HEADER: u32 = 52;

/// Runs `draw` on a fresh white canvas under a band with the chart's title and legend, and
/// wraps the SVG it leaves. `draw` gets the whole canvas (for text placed at absolute
/// positions) and the plot's part of it.
fn canvas(
    name: &'static str,
    title: &str,
    legend: &[(Mark, String)],
    plot_height: u32,
    draw: impl FnOnce(&Area, &Area) -> Result<(), String>,
) -> Result<Chart, String> {
    let height = plot_height + HEADER;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(fail)?;
        root.draw(&Text::new(
            title.to_string(),
            (12, 8),
            anchored(font(14.0), HPos::Left, VPos::Top).color(&INK),
        ))
        .map_err(fail)?;
        let mut x = 12;
        for (mark, label) in legend {
            let y = 38;
            match *mark {
                Mark::Box(c) => root
                    .draw(&Rectangle::new([(x, y - 6), (x + 12, y + 6)], c.filled()))
                    .map_err(fail)?,
                Mark::Line(c) => root
                    .draw(&PathElement::new(
                        vec![(x, y), (x + 16, y)],
                        c.stroke_width(2),
                    ))
                    .map_err(fail)?,
                Mark::Dashed(c) => {
                    for k in 0..3 {
                        root.draw(&PathElement::new(
                            vec![(x + 6 * k, y), (x + 6 * k + 4, y)],
                            c.stroke_width(2),
                        ))
                        .map_err(fail)?;
                    }
                }
            }
            root.draw(&Text::new(
                label.clone(),
                (x + 22, y),
                anchored(muted(12.0), HPos::Left, VPos::Center),
            ))
            .map_err(fail)?;
            // Labels are measured roughly (the reader's font decides), with room to spare.
            x += 22 + (label.chars().map(char_width).sum::<f64>() * 12.0) as i32 + 22;
        }
        let plot = root.margin(HEADER, 0, 0, 0);
        draw(&root, &plot)?;
        root.present().map_err(fail)?;
    }
    Ok(Chart {
        name,
        title: title.to_string(),
        svg: round_numbers(&svg),
        width: WIDTH,
        height,
    })
}

/// The width of a character in em, about: full for Hangul, 0.6 for Latin.
fn char_width(c: char) -> f64 {
    if salesmap_render::font::is_wide(c) {
        1.0
    } else {
        0.6
    }
}

/// Writes every decimal number in an SVG with at most one decimal: plotters writes sizes as
/// computed (`13.000000000000002`).
pub fn round_numbers(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let bytes = svg.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let starts_number = c.is_ascii_digit()
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'#'));
        if !starts_number {
            out.push(c as char);
            if c >= 0x80 {
                // Copy the rest of a multibyte character as it is.
                let len = svg[i..].chars().next().map_or(1, char::len_utf8);
                out.pop();
                out.push_str(&svg[i..i + len]);
                i += len;
                continue;
            }
            i += 1;
            continue;
        }
        let mut j = i;
        while j < bytes.len() && (bytes[j].is_ascii_digit() || bytes[j] == b'.') {
            j += 1;
        }
        let token = &svg[i..j];
        match (token.split_once('.'), token.parse::<f64>()) {
            (Some((_, decimals)), Ok(v)) if decimals.len() > 1 && !token.ends_with('.') => {
                let r = (v * 10.0).round() / 10.0;
                if r.fract() == 0.0 {
                    out.push_str(&format!("{}", r as i64));
                } else {
                    out.push_str(&format!("{r:.1}"));
                }
            }
            _ => out.push_str(token),
        }
        i = j;
    }
    out
}

/// A light vertical grid line with its label under the plot, at value `x`.
fn x_tick<X, Y>(
    root: &Area,
    chart: &ChartContext<SVGBackend, Cartesian2d<X, Y>>,
    x: X::ValueType,
    y_range: (Y::ValueType, Y::ValueType),
    label: &str,
) -> Result<(), String>
where
    X: Ranged,
    Y: Ranged,
    X::ValueType: Clone,
{
    let top = chart
        .plotting_area()
        .map_coordinate(&(x.clone(), y_range.1));
    let bottom = chart.plotting_area().map_coordinate(&(x, y_range.0));
    root.draw(&PathElement::new(vec![top, bottom], GRID.stroke_width(1)))
        .map_err(fail)?;
    root.draw(&Text::new(
        label.to_string(),
        (bottom.0, bottom.1 + 6),
        anchored(muted(12.0), HPos::Center, VPos::Top),
    ))
    .map_err(fail)
}

/// One main-path stage of the funnel chart.
#[derive(Clone, Debug, PartialEq)]
pub struct FunnelBar {
    pub label: String,
    pub reached: u64,
    pub moved_on: u64,
    pub dropped: u64,
    pub open: u64,
    /// The text at the bar's end (`2,000 · 92%`).
    pub note: String,
    /// The won milestone: drawn in green.
    pub won: bool,
}

/// Horizontal stacked bars: deals that moved on, dropped out and are still open, per stage.
pub fn funnel(title: &str, bars: &[FunnelBar], axes: &Axes) -> Result<Chart, String> {
    let n = bars.len().max(1);
    let row = 30u32;
    let height = 24 + row * n as u32 + 52;
    let max = bars.iter().map(|b| b.reached).max().unwrap_or(0).max(1) as f64;
    canvas("funnel", title, &axes.legend, height, |root, plot| {
        let mut chart = ChartBuilder::on(plot)
            .margin_top(12)
            .margin_right(16)
            .margin_bottom(8)
            .margin_left(8)
            .y_label_area_size(200)
            .x_label_area_size(44)
            .build_cartesian_2d(0f64..max * 1.35, 0f64..n as f64)
            .map_err(fail)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .disable_y_axis()
            .y_labels(0)
            .x_labels(6)
            .x_label_formatter(&|v| format_count(*v))
            .label_style(muted(12.0))
            .axis_style(GRID)
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .x_desc(axes.x.as_str())
            .axis_desc_style(muted(12.0))
            .draw()
            .map_err(fail)?;
        for (i, b) in bars.iter().enumerate() {
            let y0 = (n - i - 1) as f64 + 0.18;
            let y1 = (n - i) as f64 - 0.18;
            let segments = [
                (0.0, b.moved_on as f64, if b.won { GREEN } else { BLUE }),
                (b.moved_on as f64, (b.moved_on + b.dropped) as f64, RED),
                (
                    (b.moved_on + b.dropped) as f64,
                    (b.moved_on + b.dropped + b.open) as f64,
                    GREY,
                ),
            ];
            for (from, to, colour) in segments {
                if to > from {
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(from, y0), (to, y1)],
                            colour.filled(),
                        )))
                        .map_err(fail)?;
                }
            }
            let centre = (n - i) as f64 - 0.5;
            let end = chart
                .plotting_area()
                .map_coordinate(&(b.reached as f64, centre));
            root.draw(&Text::new(
                b.note.clone(),
                (end.0 + 8, end.1),
                anchored(font(12.5), HPos::Left, VPos::Center),
            ))
            .map_err(fail)?;
            let start = chart.plotting_area().map_coordinate(&(0.0, centre));
            root.draw(&Text::new(
                b.label.clone(),
                (start.0 - 10, start.1),
                anchored(font(13.0), HPos::Right, VPos::Center),
            ))
            .map_err(fail)?;
        }
        Ok(())
    })
}

/// One stage's row of the box plot.
#[derive(Clone, Debug, PartialEq)]
pub struct BoxRow {
    pub label: String,
    pub days: Spread,
    pub target_days: Option<f64>,
}

/// Horizontal box plots on a log scale of days: p10–p90 whiskers, p25–p75 box, median line,
/// and a red tick at the stage's target days.
pub fn stage_boxes(title: &str, rows: &[BoxRow], axes: &Axes) -> Result<Chart, String> {
    let n = rows.len().max(1);
    let row = 34u32;
    let height = 20 + row * n as u32 + 48;
    let positive = |v: f64| v.max(0.05);
    let lo = rows
        .iter()
        .map(|r| positive(r.days.p10))
        .fold(f64::INFINITY, f64::min);
    let hi = rows
        .iter()
        .map(|r| r.days.p90.max(r.target_days.unwrap_or(0.0)))
        .fold(0.0, f64::max);
    let (lo, hi) = if rows.is_empty() {
        (0.5, 10.0)
    } else {
        ((lo * 0.7).max(0.05), (hi * 1.4).max(lo * 10.0))
    };
    canvas("stage-times", title, &axes.legend, height, |root, plot| {
        let mut chart = ChartBuilder::on(plot)
            .margin_top(12)
            .margin_right(24)
            .margin_bottom(8)
            .margin_left(8)
            .y_label_area_size(200)
            .x_label_area_size(40)
            .build_cartesian_2d((lo..hi).log_scale(), 0f64..n as f64)
            .map_err(fail)?;
        // Ticks at 1-2-5 steps are drawn below; plotters' own log labels are powers of ten.
        chart
            .configure_mesh()
            .disable_mesh()
            .disable_y_axis()
            .x_labels(0)
            .y_labels(0)
            .x_label_formatter(&|_| String::new())
            .set_all_tick_mark_size(0)
            .axis_style(GRID)
            .draw()
            .map_err(fail)?;
        for tick in LOG_TICKS.iter().copied().filter(|t| *t >= lo && *t <= hi) {
            let label = if tick < 1.0 {
                format!("{tick}")
            } else {
                format!("{tick:.0}")
            };
            x_tick(root, &chart, tick, (0.0, n as f64), &label)?;
        }
        let axis_end = chart.plotting_area().map_coordinate(&(hi, 0.0));
        root.draw(&Text::new(
            axes.x.clone(),
            (axis_end.0, axis_end.1 + 24),
            anchored(muted(12.0), HPos::Right, VPos::Top),
        ))
        .map_err(fail)?;
        for (i, r) in rows.iter().enumerate() {
            let centre = (n - i) as f64 - 0.5;
            let (y0, y1) = (centre - 0.28, centre + 0.28);
            let d = &r.days;
            let area = chart.plotting_area();
            area.draw(&PathElement::new(
                vec![(positive(d.p10), centre), (positive(d.p90), centre)],
                MUTED.stroke_width(1),
            ))
            .map_err(fail)?;
            for w in [d.p10, d.p90] {
                area.draw(&PathElement::new(
                    vec![(positive(w), centre - 0.14), (positive(w), centre + 0.14)],
                    MUTED.stroke_width(1),
                ))
                .map_err(fail)?;
            }
            area.draw(&Rectangle::new(
                [(positive(d.p25), y0), (positive(d.p75), y1)],
                LIGHT_BLUE.filled(),
            ))
            .map_err(fail)?;
            area.draw(&Rectangle::new(
                [(positive(d.p25), y0), (positive(d.p75), y1)],
                BLUE.stroke_width(1),
            ))
            .map_err(fail)?;
            area.draw(&PathElement::new(
                vec![(positive(d.median), y0), (positive(d.median), y1)],
                BLUE.stroke_width(3),
            ))
            .map_err(fail)?;
            if let Some(t) = r.target_days.filter(|t| *t > 0.0) {
                area.draw(&PathElement::new(
                    vec![(t, centre - 0.36), (t, centre + 0.36)],
                    RED.stroke_width(2),
                ))
                .map_err(fail)?;
            }
            let start = area.map_coordinate(&(lo, centre));
            root.draw(&Text::new(
                r.label.clone(),
                (start.0 - 10, start.1),
                anchored(font(13.0), HPos::Right, VPos::Center),
            ))
            .map_err(fail)?;
        }
        Ok(())
    })
}

const LOG_TICKS: [f64; 13] = [
    0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0,
];

/// A vertical marker on the histogram.
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    pub at: f64,
    pub label: String,
    pub target: bool,
}

/// Won deals by sales-cycle length, with markers (median, p90, target).
pub fn cycle_histogram(
    title: &str,
    days: &[f64],
    markers: &[Marker],
    axes: &Axes,
) -> Result<Chart, String> {
    let max = days.iter().copied().fold(0.0, f64::max).max(1.0);
    let width = bin_width(max);
    let bins = (max / width).floor() as usize + 1;
    let mut counts = vec![0u64; bins];
    for &d in days {
        let b = ((d.max(0.0) / width).floor() as usize).min(bins - 1);
        counts[b] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64 * 1.18;
    let x_max = bins as f64 * width;
    canvas("cycle", title, &axes.legend, 340, |root, plot| {
        let mut chart = ChartBuilder::on(plot)
            .margin_top(16)
            .margin_right(24)
            .margin_bottom(8)
            .margin_left(8)
            .y_label_area_size(56)
            .x_label_area_size(44)
            .build_cartesian_2d(0f64..x_max, 0f64..top)
            .map_err(fail)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(10)
            .y_labels(5)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format_count(*v))
            .label_style(muted(12.0))
            .axis_style(GRID)
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .x_desc(axes.x.as_str())
            .y_desc(axes.y.as_str())
            .axis_desc_style(muted(12.0))
            .draw()
            .map_err(fail)?;
        chart
            .draw_series(
                counts
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| **c > 0)
                    .map(|(i, &c)| {
                        let mut r = Rectangle::new(
                            [(i as f64 * width, 0.0), ((i + 1) as f64 * width, c as f64)],
                            BLUE.mix(0.85).filled(),
                        );
                        r.set_margin(0, 0, 1, 1);
                        r
                    }),
            )
            .map_err(fail)?;
        for (k, m) in markers.iter().enumerate() {
            if !(0.0..=x_max).contains(&m.at) {
                continue;
            }
            let colour = if m.target { RED } else { INK };
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(m.at, 0.0), (m.at, top)],
                    colour.stroke_width(if m.target { 2 } else { 1 }),
                )))
                .map_err(fail)?;
            // The first marker (the median) is labelled left of its line, the others right,
            // so labels of close markers do not run into each other.
            let at = chart.plotting_area().map_coordinate(&(m.at, top));
            let (x, h) = if k == 0 {
                (at.0 - 5, HPos::Right)
            } else {
                (at.0 + 5, HPos::Left)
            };
            root.draw(&Text::new(
                m.label.clone(),
                (x, at.1 + 4 + 16 * (k as i32 / 2)),
                anchored(
                    if m.target {
                        font(12.0).color(&RED)
                    } else {
                        font(12.0).color(&INK)
                    },
                    h,
                    VPos::Top,
                ),
            ))
            .map_err(fail)?;
        }
        Ok(())
    })
}

/// A bin width of 1, 2, 5, 7, 10, 14, 15, 20, 30, … days giving at most about 30 bins.
fn bin_width(max: f64) -> f64 {
    const NICE: [f64; 12] = [
        1.0, 2.0, 5.0, 7.0, 10.0, 14.0, 15.0, 20.0, 30.0, 60.0, 90.0, 180.0,
    ];
    NICE.iter()
        .copied()
        .find(|w| max / w <= 30.0)
        .unwrap_or_else(|| (max / 30.0).ceil())
}

/// One month on a trend chart.
#[derive(Clone, Debug, PartialEq)]
pub struct MonthPoint {
    pub label: String,
    pub value: Option<f64>,
    /// The deals the value rests on (closed in the month), written under the month.
    pub n: u64,
}

/// A line over months (gaps where a month has no value), with an optional dashed target.
pub fn monthly_line(
    name: &'static str,
    title: &str,
    points: &[MonthPoint],
    y_max: Option<f64>,
    target: Option<(f64, String)>,
    y_format: &dyn Fn(f64) -> String,
    axes: &Axes,
) -> Result<Chart, String> {
    let m = points.len().max(1);
    let top_value = points
        .iter()
        .filter_map(|p| p.value)
        .chain(target.as_ref().map(|t| t.0))
        .fold(0.0, f64::max);
    let top = y_max.unwrap_or((top_value * 1.15).max(1e-9));
    canvas(name, title, &axes.legend, 320, |root, plot| {
        let mut chart = ChartBuilder::on(plot)
            .margin_top(16)
            .margin_right(24)
            .margin_bottom(8)
            .margin_left(8)
            .y_label_area_size(80)
            .x_label_area_size(52)
            .build_cartesian_2d(0f64..m as f64, 0f64..top)
            .map_err(fail)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(5)
            .y_label_formatter(&|v| y_format(*v))
            .label_style(muted(12.0))
            .axis_style(GRID)
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .y_desc(axes.y.as_str())
            .axis_desc_style(muted(12.0))
            .draw()
            .map_err(fail)?;
        let every = m.div_ceil(12);
        for (i, p) in points.iter().enumerate() {
            if i % every == 0 {
                let at = chart.plotting_area().map_coordinate(&(i as f64 + 0.5, 0.0));
                root.draw(&Text::new(
                    p.label.clone(),
                    (at.0, at.1 + 8),
                    anchored(muted(12.0), HPos::Center, VPos::Top),
                ))
                .map_err(fail)?;
                // The deals the point rests on.
                root.draw(&Text::new(
                    format!("n={}", format_count(p.n as f64)),
                    (at.0, at.1 + 26),
                    anchored(muted(11.0), HPos::Center, VPos::Top),
                ))
                .map_err(fail)?;
            }
        }
        if let Some((t, label)) = &target {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(0.0, *t), (m as f64, *t)],
                    6,
                    4,
                    RED.stroke_width(1),
                ))
                .map_err(fail)?;
            let at = chart.plotting_area().map_coordinate(&(m as f64, *t));
            root.draw(&Text::new(
                label.clone(),
                (at.0 - 4, at.1 - 4),
                anchored(font(12.0).color(&RED), HPos::Right, VPos::Bottom),
            ))
            .map_err(fail)?;
        }
        // Runs of consecutive months with a value, each drawn as one line.
        let mut run: Vec<(f64, f64)> = Vec::new();
        let mut runs = Vec::new();
        for (i, p) in points.iter().enumerate() {
            match p.value {
                Some(v) => run.push((i as f64 + 0.5, v)),
                None => runs.push(std::mem::take(&mut run)),
            }
        }
        runs.push(run);
        for r in runs.into_iter().filter(|r| !r.is_empty()) {
            chart
                .draw_series(LineSeries::new(r.clone(), BLUE.stroke_width(2)))
                .map_err(fail)?;
            chart
                .draw_series(r.into_iter().map(|p| Circle::new(p, 3, BLUE.filled())))
                .map_err(fail)?;
        }
        Ok(())
    })
}

/// `1,234` for axis labels (counts are whole).
fn format_count(v: f64) -> String {
    crate::locale::Lang::En.num(v, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bin_widths() {
        assert_eq!(bin_width(25.0), 1.0);
        assert_eq!(bin_width(285.0), 10.0);
        assert_eq!(bin_width(800.0), 30.0);
        assert_eq!(bin_width(100_000.0), 3334.0);
    }

    #[test]
    fn labels_are_escaped_by_the_backend() {
        let chart = funnel(
            "t",
            &[FunnelBar {
                label: "<img src=x onerror=alert(1)>".into(),
                reached: 10,
                moved_on: 6,
                dropped: 3,
                open: 1,
                note: "10 · 60%".into(),
                won: false,
            }],
            &Axes::default(),
        )
        .unwrap();
        assert!(chart.svg.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(!chart.svg.contains("<img"));
        // Three segments: moved on, dropped, open.
        assert_eq!(chart.svg.matches("<rect").count(), 1 + 3, "{}", chart.svg);
    }

    #[test]
    fn numbers_are_written_with_one_decimal_at_most() {
        assert_eq!(
            round_numbers(
                r##"<text font-size="13.000000000000002" fill="#2563a7">9.67741935483871 · 데모 1.5</text>"##
            ),
            r##"<text font-size="13" fill="#2563a7">9.7 · 데모 1.5</text>"##
        );
    }
}
