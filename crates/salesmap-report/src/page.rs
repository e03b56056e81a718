//! The page: the measurements laid out as one HTML document, section by section, in the order a
//! manager reads them: a one-screen summary (tiles, this quarter against the last, what to fix
//! first), the measured map, pipeline and forecast with the owners, goal and KPIs, funnel,
//! times, trends, as-is beside designed (two drawings, then the tables), conformance, fast vs
//! slow, triggers and friction, the plan, and how to read it all.
//!
//! Sections write into one `String`; every text passes through [`escape`] or a [`Table`] cell.
//! Charts are drawn by [`crate::charts`] and inlined with their fixed size dropped so they
//! scale to the column (or, for mail, as PNG pictures); a chart that cannot be drawn leaves a
//! note in its place rather than failing the report. For paper, the stylesheet's print rules
//! put the map on pages of its own: the page holds the map once and shows it, on paper, as
//! slices cut between its rows (`<use>` of the one drawing, so nothing is repeated). On a
//! phone the map keeps its size and scrolls sideways. The page and its charts are the
//! [`Report`].

use std::fmt::Write as _;

use salesmap_core::analysis::overlay;
use salesmap_core::findings::findings;
use salesmap_core::history::MICROS_PER_DAY;
use salesmap_core::map::{Map, Metric};
use salesmap_core::plan::{Figure, Source, WindowSource};
use salesmap_core::trend::SpanFigures;
use salesmap_render::layout::{Layout, layout_map};
use salesmap_render::{Format, RenderOptions, render_process_map, write_svg};

use crate::charts::{self, Axes, BoxRow, Chart, FunnelBar, Mark, Marker, MonthPoint};
use crate::html::{Cell, Table, base64, escape};
use crate::locale::{Lang, Words};
use crate::measure::{Images, Measurements, ReportOptions};
use crate::sentences::Namer;

/// The written report.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub html: String,
    /// The map drawing and every chart, in page order.
    pub charts: Vec<Chart>,
}

const STYLE: &str = include_str!("report.css");

/// Fewest closed deals a month needs for its win rate and velocity to be drawn.
const MIN_CLOSED: u64 = 5;

struct Page<'a> {
    map: &'a Map,
    m: &'a Measurements,
    lang: Lang,
    w: &'static Words,
    names: Namer<'a>,
    unit: Option<String>,
    /// What the header calls the history (its file name).
    history_label: String,
    images: Images,
    out: String,
    charts: Vec<Chart>,
}

pub fn write(map: &Map, m: &Measurements, options: &ReportOptions) -> Report {
    let lang = options.lang;
    let mut p = Page {
        map,
        m,
        lang,
        w: lang.words(),
        names: Namer { map, lang },
        unit: map.goal.as_ref().and_then(|g| g.unit.clone()),
        history_label: options.history_label.clone(),
        images: options.images,
        out: String::with_capacity(256 * 1024),
        charts: Vec::new(),
    };
    p.head(options);
    p.glance();
    p.import_notes(&options.import_notes);
    p.map_drawing();
    p.pipeline();
    p.kpis();
    p.funnel();
    p.times();
    p.trends();
    p.as_is();
    p.conformance();
    p.fast_slow();
    p.triggers();
    p.plan();
    p.foot(options);
    Report {
        html: p.out,
        charts: p.charts,
    }
}

/// The sections, with their anchors, in page order.
fn sections(w: &Words) -> [(&'static str, &'static str); 12] {
    [
        ("glance", w.glance),
        ("map", w.map_title),
        ("pipeline", w.pipeline_title),
        ("kpis", w.kpis_title),
        ("funnel", w.funnel_title),
        ("times", w.times_title),
        ("trends", w.trend_title),
        ("as-is", w.asis_title),
        ("conformance", w.conformance_title),
        ("fast-slow", w.fastslow_title),
        ("triggers", w.triggers_title),
        ("plan", w.plan_title),
    ]
}

/// `<svg width=… height=…>` → `<svg class="chart" role="img" aria-label=…>`: the page sizes
/// charts by their `viewBox`.
fn inline_svg(svg: &str, title: &str) -> String {
    let Some(end) = svg.find('>') else {
        return String::new();
    };
    let mut tag = svg[..end].to_string();
    for attr in [" width=\"", " height=\""] {
        if let Some(at) = tag.find(attr)
            && let Some(close) = tag[at + attr.len()..].find('"')
        {
            tag.replace_range(at..at + attr.len() + close + 1, "");
        }
    }
    format!(
        "{tag} class=\"chart\" role=\"img\" aria-label=\"{}\"{}",
        escape(title),
        &svg[end..]
    )
}

impl Page<'_> {
    fn h2(&mut self, id: &str, title: &str, note: Option<&str>) {
        let _ = write!(self.out, "<section id=\"{id}\"><h2>{}</h2>", escape(title));
        if let Some(n) = note {
            let _ = write!(self.out, "<p class=\"note\">{}</p>", escape(n));
        }
    }

    fn end_section(&mut self) {
        self.out.push_str("</section>\n");
    }

    fn p(&mut self, class: &str, text: &str) {
        let _ = write!(self.out, "<p class=\"{class}\">{}</p>", escape(text));
    }

    fn chart(&mut self, drawn: Result<Chart, String>, legend: &[(&str, &str)]) {
        match drawn {
            Ok(c) => {
                self.out.push_str("<figure class=\"plot\">");
                if !legend.is_empty() {
                    self.out.push_str("<div class=\"legend\">");
                    for (colour, label) in legend {
                        let _ = write!(
                            self.out,
                            "<span><i style=\"background:{colour}\"></i>{}</span>",
                            escape(label)
                        );
                    }
                    self.out.push_str("</div>");
                }
                self.out
                    .push_str(&self.picture(&c.svg, &c.title, c.width, c.height));
                let _ = writeln!(
                    self.out,
                    "<figcaption>{}</figcaption></figure>",
                    escape(&c.title)
                );
                self.charts.push(c);
            }
            Err(e) => self.p("empty", &e),
        }
    }

    /// A drawing or chart as the page carries it: inline SVG, or for mail a PNG picture.
    fn picture(&self, svg: &str, title: &str, width: u32, height: u32) -> String {
        match self.images {
            Images::Svg => inline_svg(svg, title),
            Images::Png => match salesmap_render::rasterize(svg, 1.5) {
                Ok(png) => format!(
                    "<img class=\"chart\" src=\"data:image/png;base64,{}\" width=\"{width}\" height=\"{height}\" alt=\"{}\">",
                    base64(&png),
                    escape(title)
                ),
                Err(e) => format!("<p class=\"empty\">{}</p>", escape(&e.to_string())),
            },
        }
    }

    fn head(&mut self, o: &ReportOptions) {
        let (map, w, l) = (self.map, self.w, self.lang);
        let name = map.name.get(l.tag(), &map.language).to_string();
        let _ = write!(
            self.out,
            "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{} — {}</title><style>{STYLE}</style></head>\n<body class=\"lang-{}\">\n",
            l.tag(),
            escape(&name),
            escape(w.kicker),
            l.tag()
        );
        let a = &self.m.analysis;
        let mut meta = vec![
            o.history_label.clone(),
            format!("{} {}", l.int(a.deals), w.deals),
        ];
        if l == Lang::Ko {
            meta[1] = format!("거래 {}건", l.int(a.deals));
        }
        if let (Some(first), Some(last)) = (a.first_event, a.last_event) {
            meta.push(format!(
                "{} – {}",
                l.date(first.div_euclid(MICROS_PER_DAY)),
                l.date(last.div_euclid(MICROS_PER_DAY))
            ));
        }
        meta.push(format!(
            "{} {}",
            w.as_of,
            l.date(o.as_of.div_euclid(MICROS_PER_DAY))
        ));
        if let Some(v) = &map.version {
            meta.push(format!("{} {v}", w.map_version));
        }
        let _ = writeln!(
            self.out,
            "<header class=\"hero\"><div class=\"wrap\"><p class=\"kicker\">{}</p><h1>{}</h1>\
             <p class=\"meta\">{}</p></div></header>",
            escape(w.kicker),
            escape(&name),
            escape(&meta.join(" · "))
        );
        self.out.push_str("<nav class=\"toc wrap\" aria-label=\"");
        self.out.push_str(&escape(w.contents));
        self.out.push_str("\">");
        for (id, title) in sections(w) {
            let _ = write!(self.out, "<a href=\"#{id}\">{}</a>", escape(title));
            if id == "glance" && !o.import_notes.is_empty() {
                let title = escape(w.import_notes_title);
                let _ = write!(self.out, "<a href=\"#import-notes\">{title}</a>");
            }
        }
        self.out.push_str("</nav>\n<main class=\"wrap\">\n");
    }

    fn tile(&mut self, label: &str, value: &str, sub: &str, status: Option<(bool, String)>) {
        let _ = write!(
            self.out,
            "<div class=\"tile\"><div class=\"label\">{}</div><div class=\"value\">{}</div>\
             <div class=\"sub\">{}</div>",
            escape(label),
            escape(value),
            escape(sub)
        );
        if let Some((ok, text)) = status {
            let _ = write!(
                self.out,
                "<div class=\"pill {}\">{}</div>",
                if ok { "ok" } else { "bad" },
                escape(&text)
            );
        }
        self.out.push_str("</div>");
    }

    /// The KPI of `metric` on the map, as `(met, "target ≥ 25%")`.
    fn kpi_status(&self, metric: Metric) -> Option<(bool, String)> {
        let k = self.m.analysis.kpis.iter().find(|k| k.metric == metric)?;
        let met = k.met?;
        let dir = if k.higher_is_better { "≥" } else { "≤" };
        Some((
            met,
            format!(
                "{} {dir} {}",
                self.w.target,
                self.names
                    .metric_value(k.metric, Some(k.target), self.unit.as_deref())
            ),
        ))
    }

    fn glance(&mut self) {
        let (w, l) = (self.w, self.lang);
        let a = &self.m.analysis;
        let unit = self.unit.clone();
        self.h2("glance", w.glance, Some(w.summary_note));
        self.out.push_str("<div class=\"tiles\">");
        let won = l.money_short(a.win_rate.won_value, unit.as_deref());
        match &a.goal {
            Some(g) if g.metric == Metric::WonRevenue => {
                let target = l.money_short(g.target, unit.as_deref());
                // The tile shows all won revenue; the goal counts only its own window.
                let sub = match (l, goal_window(l, g)) {
                    (Lang::En, Some(win)) => {
                        format!("{} of the {target} goal won {win}", l.pct(g.progress))
                    }
                    (Lang::Ko, Some(win)) => {
                        format!("목표 기간({win}) 목표 {target}의 {}", l.pct(g.progress))
                    }
                    (Lang::En, None) => format!("{} of the {target} goal", l.pct(g.progress)),
                    (Lang::Ko, None) => format!("목표 {target}의 {}", l.pct(g.progress)),
                };
                self.tile(w.won_revenue, &won, &sub, None);
            }
            _ => {
                let sub = format!("n={}", l.int(a.win_rate.won_with_amount));
                self.tile(w.won_revenue, &won, &sub, None);
            }
        }
        let closed = a.win_rate.won + a.win_rate.lost;
        let sub = match l {
            Lang::En => format!("{} won of {} closed", l.int(a.win_rate.won), l.int(closed)),
            Lang::Ko => format!(
                "종결 {}건 중 수주 {}건",
                l.int(closed),
                l.int(a.win_rate.won)
            ),
        };
        let status = self.kpi_status(Metric::WinRate);
        match (a.win_rate.by_count, &a.win_rate.absent) {
            (None, Some(why)) => {
                self.tile(w.win_rate, w.no_data, &self.names.absent(why), None);
            }
            (rate, _) => self.tile(w.win_rate, &l.pct(rate), &sub, status),
        }
        let cycle = a.cycle.days.as_ref();
        let status = self.kpi_status(Metric::CycleDays);
        match (cycle, &a.cycle.absent) {
            (None, Some(why)) => {
                self.tile(w.median_cycle, w.no_data, &self.names.absent(why), None);
            }
            _ => {
                let sub = format!(
                    "p90 {} · n={}",
                    l.days(cycle.map(|d| d.p90)),
                    l.int(a.cycle.won)
                );
                self.tile(
                    w.median_cycle,
                    &l.days(cycle.map(|d| d.median)),
                    &sub,
                    status,
                );
            }
        }
        let v = &a.velocity;
        let value = v.per_day.map_or(crate::locale::DASH.to_string(), |d| {
            l.money_short(d, unit.as_deref())
        });
        let sub = match l {
            Lang::En => format!("per day · {} open deals", l.int(v.open_deals)),
            Lang::Ko => format!("하루당 · 진행 중 {}건", l.int(v.open_deals)),
        };
        self.tile(w.velocity, &value, &sub, None);
        let aged = if a.aging.aged > 0 && !a.aging.credited {
            format!(
                " · {} {} {}",
                l.int(a.aging.aged),
                w.aged_deals,
                l.money_short(a.aging.aged_amount, unit.as_deref())
            )
        } else {
            String::new()
        };
        let sub = format!(
            "{} {} {}{aged}",
            w.live_open,
            l.money_short(a.forecast.open_pipeline, unit.as_deref()),
            w.open_pipeline
        );
        self.tile(w.open_deals, &l.int(a.win_rate.open), &sub, None);
        let c = &a.conformance;
        let sub = match l {
            Lang::En => format!("{} of {} deals", l.int(c.fitting), l.int(c.deals)),
            Lang::Ko => format!("{}건 중 {}건", l.int(c.deals), l.int(c.fitting)),
        };
        self.tile(w.fit_map, &l.pct(c.fit_share), &sub, None);
        let f = &a.forecast;
        let sub = w
            .weighted_sub
            .replace("{open}", &l.money_short(f.open_pipeline, unit.as_deref()));
        self.tile(
            w.weighted_forecast,
            &l.money_short(f.weighted_pipeline, unit.as_deref()),
            &sub,
            None,
        );
        let (this, last) = &self.m.quarters;
        let sub = match l {
            Lang::En => format!(
                "won {}; {} in the same days of {} ({})",
                quarter_span(l, this),
                l.money_short(last.won_value, unit.as_deref()),
                quarter_name(l, &last.label),
                change(l, this.won_value, last.won_value)
            ),
            Lang::Ko => format!(
                "{} 수주; {} 같은 기간 {} ({})",
                quarter_span(l, this),
                quarter_name(l, &last.label),
                l.money_short(last.won_value, unit.as_deref()),
                change(l, this.won_value, last.won_value)
            ),
        };
        self.tile(
            w.this_quarter,
            &l.money_short(this.won_value, unit.as_deref()),
            &sub,
            None,
        );
        self.out.push_str("</div>\n");

        let found = findings(a);
        let _ = write!(
            self.out,
            "<div class=\"card findings\"><h3>{}</h3><ol>",
            escape(w.fix_first)
        );
        for f in &found {
            let _ = write!(
                self.out,
                "<li>{}</li>",
                escape(&self.names.finding(f, unit.as_deref()))
            );
        }
        self.out.push_str("</ol></div>\n");
        self.end_section();
    }

    fn map_drawing(&mut self) {
        let (w, l) = (self.w, self.lang);
        let a = &self.m.analysis;
        self.h2("map", w.map_title, Some(w.map_note));
        let o = overlay(self.map, a, &self.history_label);
        let options = RenderOptions {
            lang: Some(l.tag().to_string()),
            ..RenderOptions::default()
        };
        let layout = layout_map(self.map, &options, Some(&o));
        let svg = write_svg(&layout);
        let title = self.map.name.get(l.tag(), &self.map.language).to_string();
        let (width, height) = svg_size(&svg);
        let chart = Chart {
            name: "map",
            title: title.clone(),
            svg,
            width,
            height,
        };
        match self.images {
            Images::Svg => {
                // On screen the map once, at its own size on a phone (it scrolls sideways);
                // on paper the same drawing in slices cut between its rows, one page each.
                let drawing = with_id(&inline_svg(&chart.svg, &title), "map-drawing");
                let _ = writeln!(
                    self.out,
                    "<figure class=\"drawing screen\"><div class=\"pan\" style=\"--natural:{width}px\">{drawing}</div><p class=\"hint\">{}</p></figure>",
                    escape(w.scroll_hint)
                );
                self.out.push_str("<div class=\"map-pages\">");
                for (k, (y0, y1)) in page_slices(&layout).into_iter().enumerate() {
                    if k > 0 {
                        let _ = write!(
                            self.out,
                            "<p class=\"continued\">{}</p>",
                            escape(w.map_continued)
                        );
                    }
                    let _ = write!(
                        self.out,
                        "<figure class=\"map-part\"><svg class=\"chart\" viewBox=\"0 {} {} {}\" role=\"img\" aria-label=\"{}\"><use href=\"#map-drawing\"/></svg></figure>",
                        y0.floor(),
                        layout.width.ceil(),
                        (y1 - y0).ceil(),
                        escape(&title)
                    );
                }
                self.out.push_str("</div>\n");
            }
            Images::Png => {
                let picture = self.picture(&chart.svg, &title, width, height);
                let _ = writeln!(self.out, "<figure class=\"drawing\">{picture}</figure>");
            }
        }
        self.charts.push(chart);
        self.end_section();
    }

    /// Open deals and the weighted forecast by stage, the figures by owner, and this quarter
    /// against the last.
    fn pipeline(&mut self) {
        let (w, l) = (self.w, self.lang);
        let a = &self.m.analysis;
        let unit = self.unit.clone();
        let money = |v: f64| l.money(v, unit.as_deref());
        self.h2("pipeline", w.pipeline_title, Some(w.pipeline_note));
        let f = &a.forecast;
        let mut t = Table::new(&[
            (w.stage, false),
            (w.open_deals, true),
            (w.open_amount, true),
            (w.chance, true),
            (w.weighted, true),
        ])
        .class("pipeline");
        for s in f.stages.iter().filter(|s| s.open > 0) {
            let chance = match (s.measured, s.designed) {
                (Some(p), _) => format!("{} ({})", l.pct(Some(p)), w.measured_short),
                (None, Some(p)) => format!("{} ({})", l.pct(Some(p)), w.designed_short),
                (None, None) => crate::locale::DASH.to_string(),
            };
            let aged = if s.aged > 0 && !f.aged_credited {
                format!(" · {} {}", l.int(s.aged), w.aged_deals)
            } else {
                String::new()
            };
            t.row(vec![
                Cell::text(self.names.stage(&s.stage)),
                Cell::num(format!("{}{aged}", l.int(s.open))),
                Cell::num(money(s.open_amount)),
                Cell::num(chance),
                Cell::num(money(s.weighted_amount)),
            ]);
        }
        t.row(vec![
            Cell::Html(format!("<b>{}</b>", escape(w.total))),
            Cell::num(l.int(f.open_deals)),
            Cell::num(money(
                f.open_pipeline + f.aged_amount * f64::from(!f.aged_credited),
            )),
            Cell::num(String::new()),
            Cell::Html(format!(
                "<strong class=\"n\">{}</strong>",
                escape(&money(f.weighted_pipeline))
            )),
        ]);
        t.write(&mut self.out);

        let _ = write!(self.out, "<h3>{}</h3>", escape(w.by_owner));
        match &a.breakdown {
            Some(b) => {
                self.p("note", w.by_owner_note);
                let mut t = Table::new(&[
                    (w.owner, false),
                    (w.deals_col, true),
                    (w.won_col, true),
                    (w.lost_col, true),
                    (w.open_col, true),
                    (w.win_rate, true),
                    (w.won_value_col, true),
                    (w.median_cycle, true),
                ])
                .class("owners");
                for g in &b.groups {
                    t.row(vec![
                        Cell::text(g.group.clone()),
                        Cell::num(l.int(g.deals)),
                        Cell::num(l.int(g.won)),
                        Cell::num(l.int(g.lost)),
                        Cell::num(l.int(g.open)),
                        Cell::num(l.pct(g.win_rate)),
                        Cell::num(money(g.won_value)),
                        Cell::num(l.days(g.median_cycle_days)),
                    ]);
                }
                t.write(&mut self.out);
            }
            None => self.p("empty", w.no_owner),
        }

        let _ = write!(self.out, "<h3>{}</h3>", escape(w.quarter_title));
        self.p("note", w.quarter_note);
        let (this, last) = &self.m.quarters;
        let this_head = format!(
            "{} ({})",
            quarter_name(l, &this.label),
            quarter_span(l, this)
        );
        let last_head = format!(
            "{} ({})",
            quarter_name(l, &last.label),
            quarter_span(l, last)
        );
        let mut t = Table::new(&[
            ("", false),
            (&this_head, true),
            (&last_head, true),
            (w.change, true),
        ])
        .class("quarters");
        let rows: [(&str, String, String, String); 6] = [
            (
                w.started,
                l.int(this.started),
                l.int(last.started),
                change(l, this.started as f64, last.started as f64),
            ),
            (
                w.won_col,
                l.int(this.won),
                l.int(last.won),
                change(l, this.won as f64, last.won as f64),
            ),
            (
                w.won_value_col,
                money(this.won_value),
                money(last.won_value),
                change(l, this.won_value, last.won_value),
            ),
            (
                w.lost_col,
                l.int(this.lost + this.disqualified),
                l.int(last.lost + last.disqualified),
                change(
                    l,
                    (this.lost + this.disqualified) as f64,
                    (last.lost + last.disqualified) as f64,
                ),
            ),
            (
                w.win_rate,
                l.pct(this.win_rate),
                l.pct(last.win_rate),
                match (this.win_rate, last.win_rate) {
                    (Some(a), Some(b)) => points(l, a - b),
                    _ => crate::locale::DASH.to_string(),
                },
            ),
            (
                w.median_cycle,
                l.days(this.median_cycle_days),
                l.days(last.median_cycle_days),
                match (this.median_cycle_days, last.median_cycle_days) {
                    (Some(a), Some(b)) => change(l, a, b),
                    _ => crate::locale::DASH.to_string(),
                },
            ),
        ];
        for (label, a, b, c) in rows {
            t.row(vec![
                Cell::text(label),
                Cell::num(a),
                Cell::num(b),
                Cell::num(c),
            ]);
        }
        t.write(&mut self.out);
        self.end_section();
    }

    fn kpis(&mut self) {
        let (w, l) = (self.w, self.lang);
        let a = &self.m.analysis;
        let unit = self.unit.clone();
        self.h2("kpis", w.kpis_title, None);
        match &a.goal {
            Some(g) => {
                let description = self
                    .map
                    .goal
                    .as_ref()
                    .map_or(g.description.clone(), |goal| {
                        goal.description
                            .get(l.tag(), &self.map.language)
                            .to_string()
                    });
                let measured = match (&g.measured, &g.absent) {
                    (None, Some(why)) => format!("{} ({})", w.no_data, self.names.absent(why)),
                    _ => self
                        .names
                        .metric_value(g.metric, g.measured, unit.as_deref()),
                };
                let target = self
                    .names
                    .metric_value(g.metric, Some(g.target), unit.as_deref());
                let progress = g.progress.unwrap_or(0.0).clamp(0.0, 1.0) * 100.0;
                let deadline = match goal_window(l, g) {
                    Some(win) => format!(" · {win}"),
                    None => g
                        .deadline
                        .as_deref()
                        .and_then(salesmap_core::calendar::parse_date)
                        .map_or(String::new(), |d| {
                            format!(" · {} {}", w.deadline, l.date(d))
                        }),
                };
                let _ = writeln!(
                    self.out,
                    "<div class=\"card goal\"><div class=\"label\">{}</div><div class=\"goal-text\">{}</div>\
                     <div class=\"progress\"><span style=\"width:{progress:.1}%\"></span></div>\
                     <div class=\"sub\">{}{} · n={}</div></div>",
                    escape(w.goal),
                    escape(&description),
                    escape(&match l {
                        Lang::En => format!("{measured} of {target} ({})", l.pct(g.progress)),
                        Lang::Ko => format!("{target} 중 {measured} ({})", l.pct(g.progress)),
                    }),
                    escape(&deadline),
                    escape(&l.int(g.n))
                );
            }
            None => self.p("empty", w.no_goal),
        }
        if a.kpis.is_empty() {
            self.p("empty", w.no_kpis);
        } else {
            let mut t = Table::new(&[
                (w.kpi, false),
                (w.measured, true),
                (w.target_col, true),
                ("n", true),
                (w.status, false),
            ]);
            for (i, k) in a.kpis.iter().enumerate() {
                let dir = if k.higher_is_better { "≥ " } else { "≤ " };
                let (class, label) = match k.met {
                    Some(true) => ("ok", w.met),
                    Some(false) => ("bad", w.missed),
                    None => ("none", w.no_data),
                };
                let measured = match (k.measured, &k.absent) {
                    (Some(v), _) => {
                        Cell::num(
                            self.names
                                .metric_against(k.metric, v, k.target, unit.as_deref()),
                        )
                    }
                    (None, Some(why)) => Cell::Html(format!(
                        "{}<small>{}</small>",
                        escape(w.no_data),
                        escape(&self.names.absent(why))
                    )),
                    (None, None) => Cell::num(w.no_data.to_string()),
                };
                t.row(vec![
                    Cell::text(self.names.kpi(i, k)),
                    measured,
                    Cell::num(format!(
                        "{dir}{}",
                        self.names
                            .metric_value(k.metric, Some(k.target), unit.as_deref())
                    )),
                    Cell::num(l.int(k.n)),
                    Cell::Html(format!(
                        "<span class=\"pill {class}\">{}</span>",
                        escape(label)
                    )),
                ]);
            }
            t.write(&mut self.out);
        }
        // The measures behind the KPIs: first response, churn, hand-offs.
        let mut facts = Vec::new();
        if let Some(f) = &a.first_response
            && let Some(h) = &f.hours
        {
            let mut s = format!(
                "{}: {} {} · p90 {} · n={}",
                w.first_response,
                w.median.to_lowercase(),
                l.hours(Some(h.median)),
                l.hours(Some(h.p90)),
                l.int(h.n)
            );
            if let (Some(sla), Some(share)) = (f.sla_hours, f.within_sla) {
                let (share, sla) = (l.pct(Some(share)), l.hours(Some(sla)));
                let _ = match l {
                    Lang::En => write!(s, " · {share} within {sla}"),
                    Lang::Ko => write!(s, " · {sla} 이내 {share}"),
                };
            }
            facts.push(s);
        }
        facts.push(match (&a.churn.churn_rate, &a.churn.absent) {
            (None, Some(why)) => format!("{}: {} ({})", w.churn, w.no_data, self.names.absent(why)),
            _ => format!(
                "{}: {} ({} / n={})",
                w.churn,
                l.pct(a.churn.churn_rate),
                l.int(a.churn.churned),
                l.int(a.churn.customers)
            ),
        });
        self.out.push_str("<ul class=\"facts\">");
        for f in &facts {
            let _ = write!(self.out, "<li>{}</li>", escape(f));
        }
        self.out.push_str("</ul>");
        if !a.handoffs.pairs.is_empty() {
            let _ = write!(self.out, "<h3>{}</h3>", escape(w.handoffs));
            let mut t = Table::new(&[
                (w.transition, false),
                ("", false),
                (w.median, true),
                ("p90", true),
                ("n", true),
            ])
            .class("compact");
            for h in a.handoffs.pairs.iter().take(6) {
                let owners = if h.from_owner.is_empty() {
                    String::new()
                } else {
                    format!("{} → {}", h.from_owner, h.to_owner)
                };
                t.row(vec![
                    Cell::text(self.names.transition(&h.from, &h.to)),
                    Cell::text(owners),
                    Cell::num(l.hours(Some(h.hours.median))),
                    Cell::num(l.hours(Some(h.hours.p90))),
                    Cell::num(l.int(h.hours.n)),
                ]);
            }
            t.write(&mut self.out);
        }
        self.end_section();
    }

    fn funnel(&mut self) {
        let (w, l) = (self.w, self.lang);
        let a = &self.m.analysis;
        self.h2("funnel", w.funnel_title, Some(w.funnel_note));
        let won = self.map.won_stage().map(|s| self.map.stage(s).id.clone());
        let bars: Vec<FunnelBar> = a
            .funnel_strict
            .stages
            .iter()
            .map(|s| FunnelBar {
                label: self.names.stage(&s.stage),
                reached: s.reached,
                moved_on: s.converted,
                dropped: s.dropped,
                open: s.open + s.skipped,
                note: match s.conversion {
                    Some(c) => w
                        .reached_note
                        .replace("{n}", &l.int(s.reached))
                        .replace("{pct}", &l.pct(Some(c))),
                    None => l.int(s.reached),
                },
                won: won.as_deref() == Some(s.stage.as_str()),
            })
            .collect();
        let title = match l {
            Lang::En => "Deals reaching each stage of the main path",
            Lang::Ko => "주 경로 단계별 도달 거래",
        };
        let axes = Axes {
            legend: vec![
                (Mark::Box(charts::BLUE), w.moved_on.to_string()),
                (Mark::Box(charts::GREEN), w.won_marker.to_string()),
                (Mark::Box(charts::RED), w.dropped.to_string()),
                (Mark::Box(charts::GREY), w.still_open.to_string()),
            ],
            x: w.deals_axis.to_string(),
            y: String::new(),
        };
        self.chart(charts::funnel(title, &bars, &axes), &[]);
        let mut t = Table::new(&[
            (w.stage, false),
            (w.reached, true),
            (w.moved_on, true),
            (w.went_on, true),
            (w.dropped, true),
            (w.still_open, true),
            (w.conversion, true),
            (w.cumulative, true),
            (w.open_now, true),
            (w.stale, true),
            (w.customers_now, true),
        ]);
        for s in &a.funnel_strict.stages {
            t.row(vec![
                Cell::text(self.names.stage(&s.stage)),
                Cell::num(l.int(s.reached)),
                Cell::num(l.int(s.converted)),
                Cell::num(l.int(s.skipped)),
                Cell::num(l.int(s.dropped)),
                Cell::num(l.int(s.open)),
                Cell::num(l.pct(s.conversion)),
                Cell::num(l.pct(s.cumulative)),
                Cell::num(l.int(s.open_now)),
                Cell::num(l.int(s.stale)),
                Cell::num(l.int(s.customers_now)),
            ]);
        }
        t.write(&mut self.out);
        self.end_section();
    }

    fn times(&mut self) {
        let (w, l) = (self.w, self.lang);
        let a = &self.m.analysis;
        self.h2("times", w.times_title, Some(w.times_note));
        let rows: Vec<BoxRow> = self
            .m
            .spreads
            .iter()
            .filter_map(|s| {
                Some(BoxRow {
                    label: self.names.stage(&s.stage),
                    days: s.days.clone()?,
                    target_days: s.target_days,
                })
            })
            .collect();
        if rows.is_empty() {
            self.p("empty", w.no_won);
        } else {
            let title = match l {
                Lang::En => "Days in each stage, completed stays",
                Lang::Ko => "단계별 체류 일수(끝난 체류)",
            };
            let axes = Axes {
                legend: vec![
                    (Mark::Box(charts::LIGHT_BLUE), w.stays_box.to_string()),
                    (Mark::Line(charts::BLUE), w.median.to_string()),
                    (Mark::Line(charts::MUTED), w.stays_whiskers.to_string()),
                    (Mark::Line(charts::RED), w.target.to_string()),
                ],
                x: w.stage_days_axis.to_string(),
                y: String::new(),
            };
            self.chart(charts::stage_boxes(title, &rows, &axes), &[]);
        }
        let mut t = Table::new(&[
            (w.stage, false),
            ("n", true),
            (w.median, true),
            ("p75", true),
            ("p90", true),
            (w.target_col, true),
            (w.over_target, true),
            (w.open_stays, true),
        ]);
        for s in a.stage_times.iter().filter(|s| s.deals > 0) {
            let d = s.days.as_ref();
            t.row(vec![
                Cell::text(self.names.stage(&s.stage)),
                Cell::num(l.int(d.map_or(0, |d| d.n))),
                Cell::num(l.days(d.map(|d| d.median))),
                Cell::num(l.days(d.map(|d| d.p75))),
                Cell::num(l.days(d.map(|d| d.p90))),
                Cell::num(l.days(s.target_days)),
                Cell::num(l.int(s.over_target)),
                Cell::num(l.int(s.open)),
            ]);
        }
        t.write(&mut self.out);

        let _ = write!(self.out, "<h3>{}</h3>", escape(w.cycle_title));
        self.p("note", w.cycle_note);
        match &a.cycle.days {
            None => self.p("empty", w.no_won),
            Some(d) => {
                let mut markers = vec![
                    Marker {
                        at: d.median,
                        label: format!("{} {}", w.median, l.days(Some(d.median))),
                        target: false,
                    },
                    Marker {
                        at: d.p90,
                        label: format!("p90 {}", l.days(Some(d.p90))),
                        target: false,
                    },
                ];
                if let Some(k) = a.kpis.iter().find(|k| k.metric == Metric::CycleDays) {
                    markers.push(Marker {
                        at: k.target,
                        label: format!("{} {}", w.target, l.days(Some(k.target))),
                        target: true,
                    });
                }
                let title = match l {
                    Lang::En => format!(
                        "Sales cycle of won deals: median {}, p75 {}, p90 {} (n={})",
                        l.days(Some(d.median)),
                        l.days(Some(d.p75)),
                        l.days(Some(d.p90)),
                        l.int(d.n)
                    ),
                    Lang::Ko => format!(
                        "수주 거래의 영업 주기: 중앙값 {}, p75 {}, p90 {} (n={})",
                        l.days(Some(d.median)),
                        l.days(Some(d.p75)),
                        l.days(Some(d.p90)),
                        l.int(d.n)
                    ),
                };
                self.chart(
                    charts::cycle_histogram(
                        &title,
                        &self.m.cycle_days,
                        &markers,
                        &Axes {
                            legend: vec![
                                (Mark::Box(charts::BLUE), w.won_deals_bar.to_string()),
                                (Mark::Line(charts::INK), format!("{} · p90", w.median)),
                                (Mark::Line(charts::RED), w.target.to_string()),
                            ],
                            x: w.cycle_days_axis.to_string(),
                            y: w.won_deals_axis.to_string(),
                        },
                    ),
                    &[],
                );
            }
        }
        self.end_section();
    }

    fn trends(&mut self) {
        let (w, l) = (self.w, self.lang);
        self.h2("trends", w.trend_title, Some(w.trend_note));
        let months = &self.m.months;
        if months.is_empty() {
            self.p("empty", w.no_closes);
            self.end_section();
            return;
        }
        let label = |d| l.month_short(d);
        let rates: Vec<MonthPoint> = months
            .iter()
            .map(|m| MonthPoint {
                label: label(m.start),
                value: m.win_rate.filter(|_| m.won + m.lost >= MIN_CLOSED),
                n: m.won + m.lost,
            })
            .collect();
        let target = self
            .m
            .analysis
            .kpis
            .iter()
            .find(|k| k.metric == Metric::WinRate)
            .map(|k| (k.target, format!("{} {}", w.target, l.pct(Some(k.target)))));
        let pct = move |v: f64| l.pct(Some(v));
        let mut legend = vec![(Mark::Line(charts::BLUE), w.win_rate_line.to_string())];
        if target.is_some() {
            legend.push((Mark::Dashed(charts::RED), w.target.to_string()));
        }
        self.p("note", w.month_n_note);
        self.chart(
            charts::monthly_line(
                "win-rate",
                w.win_rate_by_month,
                &rates,
                Some(1.0),
                target,
                &pct,
                &Axes {
                    legend,
                    x: String::new(),
                    y: w.win_rate_axis.to_string(),
                },
            ),
            &[],
        );
        let velocity: Vec<MonthPoint> = months
            .iter()
            .map(|m| MonthPoint {
                label: label(m.start),
                value: m.velocity_per_day.filter(|_| m.won + m.lost >= MIN_CLOSED),
                n: m.won + m.lost,
            })
            .collect();
        let unit = self.unit.clone();
        let axis = w
            .velocity_axis
            .replace("{unit}", unit.as_deref().unwrap_or(""))
            .replace("  ", " ");
        let short = move |v: f64| l.short(v);
        self.chart(
            charts::monthly_line(
                "velocity",
                w.velocity_by_month,
                &velocity,
                None,
                None,
                &short,
                &Axes {
                    legend: vec![(Mark::Line(charts::BLUE), w.velocity_line.to_string())],
                    x: String::new(),
                    y: axis.trim().to_string(),
                },
            ),
            &[],
        );
        self.end_section();
    }

    fn as_is(&mut self) {
        let (w, l) = (self.w, self.lang);
        let asis = &self.m.analysis.conformance.as_is;
        self.h2("as-is", w.asis_title, Some(w.asis_note));
        self.drawing_pair();
        self.out.push_str("<div class=\"columns\"><div>");
        let _ = write!(self.out, "<h3>{}</h3>", escape(w.designed));
        let mut t = Table::new(&[
            (w.transition, false),
            (w.first_move, true),
            (w.deals_col, true),
            (w.moves, true),
        ])
        .class("compact");
        for u in &asis.designed {
            let class = if u.deals == 0 { "unused" } else { "" };
            t.row(vec![
                Cell::Html(format!(
                    "<span class=\"{class}\">{}</span>",
                    escape(&self.names.transition(&u.from, &u.to))
                )),
                Cell::num(self.share_of(u)),
                Cell::num(l.int(u.deals)),
                Cell::num(l.int(u.moves)),
            ]);
        }
        t.write(&mut self.out);
        self.out.push_str("</div><div>");
        let _ = write!(self.out, "<h3>{}</h3>", escape(w.not_in_map));
        if asis.not_in_map.is_empty() {
            self.p("empty", w.none);
        } else {
            let mut t = Table::new(&[
                (w.transition, false),
                (w.first_move, true),
                (w.deals_col, true),
                (w.moves, true),
            ])
            .class("compact");
            for u in asis.not_in_map.iter().take(15) {
                t.row(vec![
                    Cell::text(self.names.transition(&u.from, &u.to)),
                    Cell::num(self.share_of(u)),
                    Cell::num(l.int(u.deals)),
                    Cell::num(l.int(u.moves)),
                ]);
            }
            t.write(&mut self.out);
        }
        let _ = write!(self.out, "<h3>{}</h3>", escape(w.unused));
        if asis.unused.is_empty() {
            self.p("empty", w.none);
        } else {
            self.out.push_str("<ul class=\"facts\">");
            for (a, b) in &asis.unused {
                let _ = write!(
                    self.out,
                    "<li>{}</li>",
                    escape(&self.names.transition(a, b))
                );
            }
            self.out.push_str("</ul>");
        }
        if !asis.unknown_stages.is_empty() {
            let list: Vec<String> = asis
                .unknown_stages
                .iter()
                .map(|(k, v)| format!("\"{k}\" ({})", l.int(*v)))
                .collect();
            let label = match l {
                Lang::En => "Stage names the map does not know (add them as aliases)",
                Lang::Ko => "맵이 모르는 단계 이름(별칭으로 추가하세요)",
            };
            let _ = write!(self.out, "<h3>{}</h3>", escape(label));
            self.p("facts", &list.join(", "));
        }
        self.out.push_str("</div></div>");
        self.end_section();
    }

    /// The designed map and the as-is process map side by side, drawn alike (sub-stages
    /// folded, so the two compare stage for stage).
    fn drawing_pair(&mut self) {
        let (w, l) = (self.w, self.lang);
        let options = RenderOptions {
            lang: Some(l.tag().to_string()),
            depth: 0,
            ..RenderOptions::default()
        };
        let designed = salesmap_render::render_svg(self.map, &options, None);
        let as_is = self.m.as_is.as_ref().and_then(|pm| {
            render_process_map(pm, &self.history_label, &options, Format::Svg)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
        });
        self.out.push_str("<div class=\"pair\">");
        for (name, svg, caption, note) in [
            ("designed", Some(designed), w.designed_drawing, None),
            ("as-is", as_is, w.as_is_drawing, Some(w.as_is_drawing_note)),
        ] {
            let Some(svg) = svg else { continue };
            let (width, height) = svg_size(&svg);
            let picture = self.picture(&svg, caption, width, height);
            let _ = write!(
                self.out,
                "<figure class=\"plot\"><div class=\"pan\" style=\"--natural:{width}px\">{picture}</div><figcaption><b>{}</b>{}</figcaption></figure>",
                escape(caption),
                note.map_or(String::new(), |n| format!(" · {}", escape(n)))
            );
            self.charts.push(Chart {
                name,
                title: caption.to_string(),
                svg,
                width,
                height,
            });
        }
        self.out.push_str("</div>\n");
    }

    /// A move's first-move share as the map's edges show it: `35% of 316`.
    fn share_of(&self, u: &salesmap_core::conformance::MoveUse) -> String {
        let l = self.lang;
        match (u.share, l) {
            (Some(share), Lang::En) => {
                format!("{} of {}", l.pct(Some(share)), l.int(u.reached_from))
            }
            (Some(share), Lang::Ko) => {
                format!("{}건 중 {}", l.int(u.reached_from), l.pct(Some(share)))
            }
            (None, _) => crate::locale::DASH.to_string(),
        }
    }

    fn conformance(&mut self) {
        let (w, l) = (self.w, self.lang);
        let c = &self.m.analysis.conformance;
        self.h2("conformance", w.conformance_title, None);
        let share = c.fit_share.unwrap_or(0.0).clamp(0.0, 1.0) * 100.0;
        let _ = write!(
            self.out,
            "<div class=\"card\"><div class=\"label\">{}</div><div class=\"value\">{}</div>\
             <div class=\"progress\"><span style=\"width:{share:.1}%\"></span></div><div class=\"sub\">{}</div>",
            escape(w.fit_map),
            escape(&l.pct(c.fit_share)),
            escape(&format!(
                "{} / {} {}",
                l.int(c.fitting),
                l.int(c.deals),
                w.deals_fit
            ))
        );
        self.out.push_str("<div class=\"chips\">");
        for k in c.by_kind.iter().filter(|k| k.deals > 0) {
            let _ = write!(
                self.out,
                "<span class=\"chip\">{} <b>{}</b></span>",
                escape(self.names.deviation_kind(k.kind)),
                escape(&l.int(k.deals))
            );
        }
        self.out.push_str("</div></div>\n");
        if c.deviations.is_empty() {
            self.p("empty", w.no_deviations);
        } else {
            let mut t = Table::new(&[
                (w.deviation, false),
                (w.kind, false),
                (w.deals_col, true),
                (w.examples, false),
            ]);
            for d in c.deviations.iter().take(12) {
                t.row(vec![
                    Cell::text(self.names.deviation(&d.description)),
                    Cell::text(self.names.deviation_kind(d.kind)),
                    Cell::num(l.int(d.deals)),
                    Cell::Html(format!(
                        "<span class=\"ids\">{}</span>",
                        escape(&d.examples.join(", "))
                    )),
                ]);
            }
            t.write(&mut self.out);
        }
        self.end_section();
    }

    fn fast_slow(&mut self) {
        let (w, l) = (self.w, self.lang);
        let fs = &self.m.analysis.fast_slow;
        self.h2("fast-slow", w.fastslow_title, Some(w.fastslow_note));
        if fs.group == 0 {
            self.p("empty", w.too_few_won);
            self.end_section();
            return;
        }
        let summary = match l {
            Lang::En => format!(
                "The fastest {} won deals (cycle ≤ {}, median {}) against the slowest {} (cycle ≥ {}, median {}), of n={} won.",
                l.int(fs.group),
                l.days(fs.fast_max_days),
                l.days(fs.fast_median_days),
                l.int(fs.group),
                l.days(fs.slow_min_days),
                l.days(fs.slow_median_days),
                l.int(fs.won)
            ),
            Lang::Ko => format!(
                "수주 n={}건 중 가장 빠른 {}건(주기 {} 이하, 중앙값 {})과 가장 느린 {}건(주기 {} 이상, 중앙값 {}) 비교.",
                l.int(fs.won),
                l.int(fs.group),
                l.days(fs.fast_max_days),
                l.days(fs.fast_median_days),
                l.int(fs.group),
                l.days(fs.slow_min_days),
                l.days(fs.slow_median_days)
            ),
        };
        self.p("lead", &summary);
        self.out.push_str("<div class=\"columns\"><div>");
        let mut t = Table::new(&[
            (w.feature, false),
            (w.fast, true),
            (w.slow, true),
            ("×", true),
        ])
        .class("compact");
        for d in fs.differences.iter().take(8) {
            t.row(vec![
                Cell::text(self.names.feature(&d.feature)),
                Cell::num(format!("{} ({})", l.pct(Some(d.fast_share)), l.int(d.fast))),
                Cell::num(format!("{} ({})", l.pct(Some(d.slow_share)), l.int(d.slow))),
                Cell::num(
                    d.ratio
                        .map_or(crate::locale::DASH.to_string(), |r| l.num(r, 1)),
                ),
            ]);
        }
        t.write(&mut self.out);
        self.out.push_str("</div><div>");
        let _ = write!(self.out, "<h3>{}</h3>", escape(w.stage_medians));
        let mut t =
            Table::new(&[(w.stage, false), (w.fast, true), (w.slow, true)]).class("compact");
        for s in &fs.stage_days {
            if s.fast_n == 0 && s.slow_n == 0 {
                continue;
            }
            t.row(vec![
                Cell::text(self.names.stage(&s.stage)),
                Cell::num(l.days(s.fast_median_days)),
                Cell::num(l.days(s.slow_median_days)),
            ]);
        }
        t.write(&mut self.out);
        self.out.push_str("</div></div>");
        let mut facts = Vec::new();
        if let (Some(f), Some(s)) = (fs.fast_touches, fs.slow_touches) {
            facts.push(format!(
                "{}: {} {} · {} {}",
                w.touches_before_win,
                w.fast,
                l.num(f, 1),
                w.slow,
                l.num(s, 1)
            ));
        }
        if !fs.outliers.is_empty() {
            let list: Vec<String> = fs
                .outliers
                .iter()
                .map(|o| format!("{} ({})", o.deal, l.days(Some(o.days))))
                .collect();
            facts.push(format!("{}: {}", w.outliers, list.join(", ")));
        }
        self.out.push_str("<ul class=\"facts\">");
        for f in &facts {
            let _ = write!(self.out, "<li>{}</li>", escape(f));
        }
        self.out.push_str("</ul>");
        self.end_section();
    }

    /// The attributes left out of fast vs slow and triggers, one line each.
    fn excluded(&self) -> Vec<String> {
        use salesmap_core::attributes::Exclusion;
        let w = self.w;
        self.m
            .analysis
            .excluded_attributes
            .iter()
            .map(|e| {
                let why = match &e.reason {
                    Exclusion::OutcomeName => w.outcome_name.to_string(),
                    Exclusion::DeterminesOutcome { values } => {
                        let shown: Vec<String> = values
                            .iter()
                            .take(4)
                            .map(|(v, class, n)| format!("{v} → {class} ({})", self.lang.int(*n)))
                            .collect();
                        format!("{}: {}", w.outcome_values, shown.join(", "))
                    }
                };
                format!("{}: {} ({why})", w.excluded_title, e.attribute)
            })
            .collect()
    }

    fn triggers(&mut self) {
        let (w, l) = (self.w, self.lang);
        let a = &self.m.analysis;
        self.h2("triggers", w.triggers_title, Some(w.triggers_note));
        let mut t = Table::new(&[(w.stage, false), (w.advance, true), (w.lifts, false)]);
        for s in a.triggers.iter().filter(|s| s.decided > 0) {
            let lifts: Vec<String> = s
                .features
                .iter()
                .take(3)
                .map(|f| {
                    format!(
                        "{} ×{} ({}/{})",
                        self.names.feature(&f.feature),
                        l.num(f.lift, 2),
                        l.int(f.advanced),
                        l.int(f.n)
                    )
                })
                .collect();
            t.row(vec![
                Cell::text(self.names.stage(&s.stage)),
                Cell::num(format!("{} (n={})", l.pct(s.rate), l.int(s.decided))),
                Cell::text(if lifts.is_empty() {
                    w.no_lift.to_string()
                } else {
                    lifts.join("; ")
                }),
            ]);
        }
        t.write(&mut self.out);
        // Shown here, where every report has it, for fast vs slow as well.
        let excluded = self.excluded();
        if !excluded.is_empty() {
            self.out.push_str("<ul class=\"facts\">");
            for e in &excluded {
                let _ = write!(self.out, "<li>{}</li>", escape(e));
            }
            self.out.push_str("</ul>");
        }
        let _ = write!(self.out, "<h3>{}</h3>", escape(w.friction));
        if a.friction.is_empty() {
            self.p("empty", w.none);
        } else {
            let mut t = Table::new(&[
                (w.stage, false),
                (w.dropped, true),
                (w.reached, true),
                (w.drop_rate, true),
                (w.reasons, false),
            ]);
            for f in &a.friction {
                let reasons: Vec<String> = f
                    .reasons
                    .iter()
                    .take(3)
                    .map(|(r, n)| format!("{r} ({})", l.int(*n)))
                    .collect();
                t.row(vec![
                    Cell::text(self.names.stage(&f.stage)),
                    Cell::num(l.int(f.dropped)),
                    Cell::num(l.int(f.entered)),
                    Cell::num(l.pct(f.drop_rate)),
                    Cell::text(reasons.join(", ")),
                ]);
            }
            t.write(&mut self.out);
        }
        self.end_section();
    }

    fn source(&self, f: &Figure) -> String {
        let w = self.w;
        match &f.source {
            Source::Measured { n } => format!("{} n={}", w.source_measured, self.lang.int(*n)),
            Source::Assumed { .. } => w.source_map.to_string(),
            Source::Given => w.source_given.to_string(),
            Source::WhatIf { .. } => w.source_what_if.to_string(),
        }
    }

    fn plan(&mut self) {
        let (w, l) = (self.w, self.lang);
        self.h2("plan", w.plan_title, Some(w.plan_note));
        let planned = match &self.m.plan {
            Ok(p) => p,
            Err(e) => {
                let text = format!("{}: {e}", w.no_plan);
                self.p("empty", &text);
                self.end_section();
                return;
            }
        };
        let (p, r) = (&planned.plan, &planned.request);
        let unit = self.unit.clone();
        let quota = if r.quota_in_deals {
            l.num(r.quota, 0)
        } else {
            l.money(p.quota, unit.as_deref())
        };
        let from = l.date(r.range.start);
        let to = l.date(r.range.end - 1);
        let new_wins = (p.wins_needed - p.wins_from_pipeline).max(0.0);
        let deal_size = format!(
            "{} ({})",
            l.money(p.deal_size.value, unit.as_deref()),
            self.source(&p.deal_size)
        );
        let win_from = self.names.stage(&p.win_rate_from);
        let aged: u64 = planned.inputs.aged_now.iter().sum();
        let closed = &self.m.analysis.win_rate;
        let mut lines = match l {
            Lang::En => vec![
                format!("Quota: {quota} won from {from} to {to}."),
                format!(
                    "Average won deal {deal_size} → {} wins needed; {} expected from deals already open → {} new wins.",
                    l.num(p.wins_needed, 1),
                    l.num(p.wins_from_pipeline, 1),
                    l.num(new_wins, 1)
                ),
                format!(
                    "Opportunity win rate from {win_from} to won: {}.",
                    l.pct(Some(p.win_rate))
                ),
            ],
            Lang::Ko => vec![
                format!("할당량: {from}부터 {to}까지 수주 {quota}."),
                format!(
                    "평균 수주 금액 {deal_size} → 필요한 수주 {}건, 진행 중인 거래에서 예상되는 수주 {}건 → 새로 필요한 수주 {}건.",
                    l.num(p.wins_needed, 1),
                    l.num(p.wins_from_pipeline, 1),
                    l.num(new_wins, 1)
                ),
                format!(
                    "{win_from}부터 수주까지의 기회 승률: {}.",
                    l.pct(Some(p.win_rate))
                ),
            ],
        };
        // Why the plan covers these days, when it is not the goal's deadline.
        match (&planned.window.source, l) {
            (WindowSource::GoalPassed { deadline }, Lang::En) => lines.insert(
                1,
                format!("The goal's deadline {deadline} is before the plan's start, so the year from the start is planned."),
            ),
            (WindowSource::GoalPassed { deadline }, Lang::Ko) => lines.insert(
                1,
                format!("목표 기한 {deadline}이 계획 시작 전이므로 시작일부터 1년을 계획합니다."),
            ),
            (WindowSource::OneYear, Lang::En) => lines.insert(
                1,
                "The goal has no deadline, so the year from the start is planned.".to_string(),
            ),
            (WindowSource::OneYear, Lang::Ko) => {
                lines.insert(1, "목표에 기한이 없어 시작일부터 1년을 계획합니다.".to_string())
            }
            _ => {}
        }
        if aged > 0 {
            lines.push(match l {
                Lang::En => format!(
                    "{} aged open deals on the path (open longer than the aging limit) are not counted as pipeline.",
                    l.int(aged)
                ),
                Lang::Ko => format!(
                    "경로상의 노후 거래 {}건(노후 기준보다 오래 열린 거래)은 파이프라인으로 세지 않습니다.",
                    l.int(aged)
                ),
            });
        }
        // The plan's win rate is a product of path conversions; the glance tile's is won /
        // closed. Both are on the page, so say why they differ.
        if let Some(r) = closed.by_count {
            lines.push(match l {
                Lang::En => format!(
                    "The win rate at the top of the page, {}, counts closed deals only (won / (won + lost)); the plan's counts deals still open as not yet won.",
                    l.pct(Some(r))
                ),
                Lang::Ko => format!(
                    "페이지 위쪽의 승률 {}은 종결된 거래만 셉니다(수주 / (수주 + 실주)). 계획의 승률은 아직 진행 중인 거래를 수주 전으로 셉니다.",
                    l.pct(Some(r))
                ),
            });
        }
        self.out.push_str("<div class=\"card plan-summary\">");
        for line in &lines {
            self.p("", line);
        }
        self.out.push_str("</div>");
        if new_wins <= 0.0 {
            self.p("lead", w.plan_covered);
        }
        let mut t = Table::new(&[
            (w.stage, false),
            (w.rate_next, true),
            (w.to_won, true),
            (w.days_to_won, true),
            (w.needed, true),
            (w.late, true),
            (w.touches, true),
        ]);
        for s in &p.stages {
            let row = vec![
                Cell::text(self.names.stage(&s.stage)),
                Cell::Html(match &s.rate {
                    Some(f) => format!(
                        "{}<small>{}</small>",
                        escape(&l.pct(Some(f.value))),
                        escape(&self.source(f))
                    ),
                    None => format!("<small>{}</small>", escape(w.won_marker)),
                }),
                Cell::num(l.pct(Some(s.to_won))),
                Cell::Html(format!(
                    "{}<small>{}</small>",
                    escape(&l.num(s.days_to_won.value, 0)),
                    escape(&self.source(&s.days_to_won))
                )),
                Cell::num(l.int(s.needed_whole)),
                Cell::num(l.int(s.before_start_whole)),
                Cell::num(
                    s.touches
                        .map_or(crate::locale::DASH.to_string(), |t| l.num(t.ceil(), 0)),
                ),
            ];
            t.row(row);
        }
        t.write(&mut self.out);
        let _ = write!(self.out, "<h3>{}</h3>", escape(w.plan_by_period));
        let mut header: Vec<(String, bool)> = vec![(w.stage.to_string(), false)];
        for label in &p.periods {
            header.push((l.period_short(label), true));
        }
        let header: Vec<(&str, bool)> = header.iter().map(|(h, n)| (h.as_str(), *n)).collect();
        let mut t = Table::new(&header).class("plan");
        for s in &p.stages {
            let mut row = vec![Cell::text(self.names.stage(&s.stage))];
            for v in &s.per_period_whole {
                row.push(Cell::num(l.int(*v)));
            }
            t.row(row);
        }
        t.write(&mut self.out);
        self.end_section();
    }

    /// What the import of the history left out or assumed, when it said anything: each note
    /// and problem as the import printed it, escaped line by line.
    fn import_notes(&mut self, notes: &[String]) {
        if notes.is_empty() {
            return;
        }
        let w = self.w;
        self.h2(
            "import-notes",
            w.import_notes_title,
            Some(w.import_notes_intro),
        );
        self.out.push_str("<ul class=\"import-notes\">");
        for note in notes {
            let lines: Vec<String> = note.lines().map(escape).collect();
            let _ = write!(self.out, "<li>{}</li>", lines.join("<br>"));
        }
        self.out.push_str("</ul>");
        self.end_section();
    }

    fn foot(&mut self, o: &ReportOptions) {
        let w = self.w;
        self.out.push_str("</main>\n<footer class=\"wrap\">");
        let _ = write!(self.out, "<h2>{}</h2><ul>", escape(w.definitions));
        for line in w.definition_lines {
            let _ = write!(self.out, "<li>{}</li>", escape(line));
        }
        let _ = write!(
            self.out,
            "</ul><p class=\"generated\">{} {} · {}</p></footer>\n</body></html>\n",
            escape(w.generated),
            escape(&o.map_label),
            escape(&o.history_label)
        );
    }
}

/// Puts `id` on the drawing's content, so print slices can show it with `<use>`: the root
/// element's children are wrapped in `<g id=…>`.
fn with_id(svg: &str, id: &str) -> String {
    let Some(open) = svg.find('>') else {
        return svg.to_string();
    };
    let Some(close) = svg.rfind("</svg>") else {
        return svg.to_string();
    };
    format!(
        "{}<g id=\"{id}\">{}</g>{}",
        &svg[..=open],
        &svg[open + 1..close],
        &svg[close..]
    )
}

/// Where the map is cut for paper: `(top, bottom)` slices in drawing units, as few as A4 pages
/// hold at the drawing's width (the first page a little less, under the section's heading),
/// of about equal height, cut only between rows, where no box and no label is.
fn page_slices(layout: &Layout) -> Vec<(f32, f32)> {
    // A4 with 12 mm margins holds 186 × 273 mm: 1.47 times as tall as wide.
    const FIRST: f32 = 1.30;
    const NEXT: f32 = 1.42;
    let blocked: Vec<(f32, f32)> = layout
        .nodes
        .iter()
        .map(|b| (b.rect.y - 4.0, b.rect.bottom() + 4.0))
        .chain(layout.edges.iter().filter_map(|e| {
            let r = e.label.as_ref()?.rect;
            Some((r.y - 2.0, r.bottom() + 2.0))
        }))
        .chain(layout.legend.as_ref().map(|l| (0.0, l.rect.bottom() + 4.0)))
        .collect();
    let free = |y: f32| !blocked.iter().any(|&(a, b)| y > a && y < b);
    let (first, next) = (layout.width * FIRST, layout.width * NEXT);
    let pages = if layout.height <= first {
        1
    } else {
        1 + ((layout.height - first) / next).ceil() as usize
    };
    let even = layout.height / pages as f32;
    let mut slices = Vec::new();
    let mut top = 0.0f32;
    for page in 0..pages {
        if page + 1 == pages {
            slices.push((top, layout.height));
            break;
        }
        let limit = top + if page == 0 { first } else { next };
        // The free line nearest to an even share, never past what the page holds.
        let target = (top + even).min(limit);
        let mut cut = None;
        for step in 0..((limit - top) / 2.0) as usize {
            for y in [target - 2.0 * step as f32, target + 2.0 * step as f32] {
                if y > top + 40.0 && y <= limit && free(y) {
                    cut = Some(y);
                    break;
                }
            }
            if cut.is_some() {
                break;
            }
        }
        let cut = cut.unwrap_or(limit);
        slices.push((top, cut));
        top = cut;
    }
    slices
}

/// `Q2 2027` / `2027년 2분기`, from a quarter label (`2027-Q2`).
fn quarter_name(l: Lang, label: &str) -> String {
    l.period(label)
}

/// The days a span covers: `Apr 1 – Jun 30`.
fn quarter_span(l: Lang, s: &SpanFigures) -> String {
    format!("{} – {}", l.date(s.from), l.date(s.to - 1))
}

/// The change from `before` to `now` in percent (`+12%`), or `–` when there is no base.
fn change(l: Lang, now: f64, before: f64) -> String {
    if before.abs() < f64::EPSILON {
        return crate::locale::DASH.to_string();
    }
    let c = (now - before) / before;
    let sign = if c > 0.0 { "+" } else { "" };
    format!("{sign}{}", l.pct(Some(c)))
}

/// A difference of two shares in percentage points: `+3 pp` / `+3%p`.
fn points(l: Lang, d: f64) -> String {
    let sign = if d > 0.0 { "+" } else { "" };
    let n = l.num(d * 100.0, 0);
    match l {
        Lang::En => format!("{sign}{n} pp"),
        Lang::Ko => format!("{sign}{n}%p"),
    }
}

/// The `width` and `height` of an SVG document's root, rounded up to pixels.
fn svg_size(svg: &str) -> (u32, u32) {
    let root = &svg[..svg.find('>').unwrap_or(0)];
    let attr = |name: &str| -> u32 {
        let key = format!(" {name}=\"");
        root.find(&key)
            .and_then(|at| {
                let rest = &root[at + key.len()..];
                rest[..rest.find('"')?].parse::<f64>().ok()
            })
            .map_or(0, |v| v.ceil() as u32)
    };
    (attr("width"), attr("height"))
}

/// The days a revenue or deal-count goal counts wins in, as `Jan 1, 2027 – Dec 31, 2027`.
fn goal_window(l: Lang, g: &salesmap_core::kpi::GoalProgress) -> Option<String> {
    let (first, last) = g.window.as_ref()?;
    let parse = salesmap_core::calendar::parse_date;
    Some(format!(
        "{} – {}",
        l.date(parse(first)?),
        l.date(parse(last)?)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_svg_drops_the_fixed_size() {
        assert_eq!(
            inline_svg(
                "<svg width=\"960\" height=\"300\" viewBox=\"0 0 960 300\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/></svg>",
                "A <b> title"
            ),
            "<svg viewBox=\"0 0 960 300\" xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-label=\"A &lt;b&gt; title\">\n<rect/></svg>"
        );
        assert_eq!(
            svg_size("<svg xmlns=\"x\" width=\"1283.1\" height=\"2274.8\">"),
            (1284, 2275)
        );
    }
}
