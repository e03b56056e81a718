//! The dashboard: what a sales manager reads every week, measured now from the live history
//! with the same measurements as the HTML report (`salesmap_report::Measurements`).
//!
//! From the top: tiles for the goal and every KPI on the map against its target (met,
//! missed, or "no data" with the reason, never 0 % or met: `salesmap_core::absent`); the
//! funnel along the main path; days in each stage against the targets; the stale deals to
//! act on; the goal's period month by month, won against the pace the goal needs, with the
//! reverse-funnel plan for the rest of it; what the fastest won deals did differently; and
//! the HTML report to download, in English or Korean.

use std::fmt::Write;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use salesmap_core::calendar::{civil_from_days, days_from_civil, parse_date};
use salesmap_core::kpi::GoalProgress;
use salesmap_core::map::{Map, Metric};
use salesmap_report::charts::{self, Axes, BoxRow, FunnelBar, Mark};
use salesmap_report::sentences::Namer;
use salesmap_report::{Measurements, ReportOptions};
use salesmap_store::Card;
use serde::Deserialize;

use crate::extract::ApiPath;
use crate::pages::context::Visit;
use crate::pages::figures;
use crate::pages::locale::{Lang, Say, day_of, time_html};
use crate::pages::markup::{Segment, esc};
use crate::pages::shell::{self, Body, OrPage, PageError, Section};
use crate::state::AppState;

/// `GET /p/{key}/dashboard`.
pub async fn page(
    State(state): State<AppState>,
    visit: Visit,
    ApiPath(key): ApiPath<String>,
) -> Result<Response, PageError> {
    let l = visit.lang;
    let pipeline = state.store.pipeline(&visit.actor, &key).await.or_page(l)?;
    let (map, m, options) = figures::measure_report(&state, &visit.actor, &key, l)
        .await
        .or_page(l)?;
    let board = state.store.board(&visit.actor, &key).await.or_page(l)?;
    let mut stale: Vec<(&Card, f64)> = board
        .columns
        .iter()
        .flat_map(|c| c.deals.iter().map(move |d| (d, c.target_days)))
        .filter(|(d, _)| d.stale)
        .map(|(d, t)| (d, t.unwrap_or(1.0)))
        .collect();
    stale.sort_by(|a, b| (b.0.days_in_stage / b.1).total_cmp(&(a.0.days_in_stage / a.1)));
    let html = write_page(&visit, &key, &map, &m, &options, &stale);
    Ok(shell::render(
        &visit.frame(Some(&key)),
        Body {
            title: format!("{} · {}", l.t("Dashboard", "대시보드"), pipeline.name),
            section: Some(Section::Dashboard),
            html,
            ..Body::default()
        },
    )
    .into_response())
}

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    #[serde(default)]
    lang: String,
}

/// `GET /p/{key}/report`: the HTML report to download.
pub async fn report(
    State(state): State<AppState>,
    visit: Visit,
    ApiPath(key): ApiPath<String>,
    Query(query): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let lang = Lang::from_name(&query.lang).unwrap_or(visit.lang);
    let (bytes, name) = crate::api::report::report_file(&state, &visit.actor, &key, lang)
        .await
        .or_page(visit.lang)?;
    Ok(crate::api::report::attachment(
        bytes,
        "text/html; charset=utf-8",
        &name,
    ))
}

fn unit_of(map: &Map) -> Option<String> {
    map.goal.as_ref().and_then(|g| g.unit.clone())
}

fn write_page(
    visit: &Visit,
    key: &str,
    map: &Map,
    m: &Measurements,
    options: &ReportOptions,
    stale: &[(&Card, f64)],
) -> String {
    let l = visit.lang;
    let names = Namer { map, lang: l };
    let a = &m.analysis;
    let unit = unit_of(map);
    let mut h = String::new();
    let _ = write!(
        h,
        "<div class=\"board-head\"><h1>{}</h1><p class=\"meta\">{} {} · {}</p>\
         <p><a class=\"button\" href=\"/p/{key}/report?lang={lang}\" download>{dl}</a> \
         <a class=\"button\" href=\"/p/{key}/report?lang={other}\" download hreflang=\"{other}\">{dl_other}</a></p></div>",
        l.t("Dashboard", "대시보드"),
        l.t("Measured", "측정 시각"),
        time_html(l, options.as_of),
        esc(&match l {
            Lang::En => format!("{} deals in the live history", l.int(a.deals)),
            Lang::Ko => format!("실시간 이력의 거래 {}건", l.int(a.deals)),
        }),
        key = Segment(key),
        lang = l.tag(),
        dl = l.t("Download the report", "보고서 내려받기"),
        other = if l == Lang::En { "ko" } else { "en" },
        dl_other = l.t("Korean report", "영어 보고서"),
    );
    write_tiles(&mut h, l, &names, m, unit.as_deref(), day_of(options.as_of));
    write_funnel(&mut h, l, &names, map, m);
    write_times(&mut h, l, &names, m);
    write_stale(&mut h, l, &names, key, stale);
    write_plan(&mut h, l, &names, m, options, unit.as_deref());
    write_fast_slow(&mut h, l, &names, m);
    h
}

/// One tile: a label, a value, a line under it, and a status (met, missed, no data).
fn tile(h: &mut String, label: &str, value: &str, sub: &str, status: Option<(&str, String)>) {
    let class = status.as_ref().map_or("", |(c, _)| c);
    let _ = write!(
        h,
        "<div class=\"tile {class}\"><p class=\"label\">{}</p><p class=\"value\">{}</p><p class=\"sub\">{}</p>",
        esc(label),
        esc(value),
        esc(sub)
    );
    if let Some((c, text)) = status {
        let _ = write!(h, "<p class=\"status {c}\">{}</p>", esc(&text));
    }
    h.push_str("</div>");
}

fn write_tiles(
    h: &mut String,
    l: Lang,
    names: &Namer<'_>,
    m: &Measurements,
    unit: Option<&str>,
    today: i64,
) {
    let a = &m.analysis;
    let no_data = l.t("no data", "데이터 없음");
    let _ = write!(
        h,
        "<section aria-labelledby=\"kpis\"><h2 id=\"kpis\">{}</h2><div class=\"grid\">",
        l.t(
            "Goal and KPIs against their targets",
            "목표와 KPI 대비 현황"
        )
    );
    if let Some(g) = &a.goal {
        write_goal_tile(h, l, names, g, unit, today);
    }
    for (i, k) in a.kpis.iter().enumerate() {
        let name = names.kpi(i, k);
        let dir = if k.higher_is_better { "≥" } else { "≤" };
        let target = format!(
            "{} {dir} {}",
            l.t("target", "목표"),
            names.metric_value(k.metric, Some(k.target), unit)
        );
        match (k.measured, &k.absent) {
            (Some(v), _) => {
                let value = names.metric_against(k.metric, v, k.target, unit);
                let sub = format!("{target} · n={}", l.int(k.n));
                let status = match k.met {
                    Some(true) => ("met", l.t("met", "달성").to_string()),
                    Some(false) => ("missed", l.t("missed", "미달").to_string()),
                    None => ("absent", no_data.to_string()),
                };
                tile(h, &name, &value, &sub, Some(status));
            }
            (None, why) => {
                let reason = why.as_ref().map_or_else(
                    || {
                        l.t("nothing to measure yet", "아직 측정할 것이 없음")
                            .to_string()
                    },
                    |w| names.absent(w),
                );
                tile(h, &name, no_data, &target, Some(("absent", reason)));
            }
        }
    }
    // What every manager asks, whether or not the map sets a KPI for it.
    if !a.kpis.iter().any(|k| k.metric == Metric::WinRate) {
        match (a.win_rate.by_count, &a.win_rate.absent) {
            (Some(r), _) => tile(
                h,
                &names.metric(Metric::WinRate),
                &l.pct(Some(r)),
                &match l {
                    Lang::En => format!(
                        "{} won of {} closed",
                        l.int(a.win_rate.won),
                        l.int(a.win_rate.won + a.win_rate.lost)
                    ),
                    Lang::Ko => format!(
                        "종결 {}건 중 수주 {}건",
                        l.int(a.win_rate.won + a.win_rate.lost),
                        l.int(a.win_rate.won)
                    ),
                },
                None,
            ),
            (None, why) => tile(
                h,
                &names.metric(Metric::WinRate),
                no_data,
                &why.as_ref().map_or(String::new(), |w| names.absent(w)),
                Some(("absent", no_data.to_string())),
            ),
        }
    }
    // Open deals before the sale, and which of them are still live pipeline: deals open past
    // the aging limit are shown apart and get no forecast credit (docs/metrics.md).
    let f = &a.forecast;
    let live = f
        .open_deals
        .saturating_sub(if f.aged_credited { 0 } else { f.aged_deals });
    let aged = if f.aged_deals > 0 && !f.aged_credited {
        match l {
            Lang::En => format!(" · {} aged, no longer counted", l.int(f.aged_deals)),
            Lang::Ko => format!(" · 노후 {}건 제외", l.int(f.aged_deals)),
        }
    } else {
        String::new()
    };
    tile(
        h,
        l.t("Live pipeline", "살아 있는 파이프라인"),
        &l.money_short(f.open_pipeline, unit),
        &match l {
            Lang::En => format!(
                "{} live open deals · {} weighted{aged}",
                l.int(live),
                l.money_short(f.weighted_pipeline, unit)
            ),
            Lang::Ko => format!(
                "진행 중 {}건 · 가중 {}{aged}",
                l.int(live),
                l.money_short(f.weighted_pipeline, unit)
            ),
        },
        None,
    );
    let v = &a.velocity;
    tile(
        h,
        &names.metric(Metric::SalesVelocity),
        &v.per_day.map_or(no_data.to_string(), |d| {
            names.metric_value(Metric::SalesVelocity, Some(d), unit)
        }),
        &match l {
            Lang::En => format!(
                "live open deals × average won × win rate ÷ median cycle, on {} deals",
                l.int(v.open_deals)
            ),
            Lang::Ko => format!(
                "진행 중 거래 × 평균 수주액 × 승률 ÷ 주기 중앙값, 거래 {}건 기준",
                l.int(v.open_deals)
            ),
        },
        None,
    );
    h.push_str("</div></section>");
}

fn write_goal_tile(
    h: &mut String,
    l: Lang,
    names: &Namer<'_>,
    g: &GoalProgress,
    unit: Option<&str>,
    today: i64,
) {
    let label = format!("{}: {}", l.t("Goal", "목표"), g.description);
    let target = names.metric_value(g.metric, Some(g.target), unit);
    let window = g.window.as_ref().map(|(from, to)| {
        let (from, to) = (parse_date(from), parse_date(to));
        match (from, to) {
            (Some(f), Some(t)) => format!("{} – {}", l.date(f), l.date(t)),
            _ => String::new(),
        }
    });
    match (g.measured, &g.absent) {
        (Some(v), _) => {
            let value = names.metric_value(g.metric, Some(v), unit);
            let sub = match (l, &window) {
                (Lang::En, Some(w)) => format!("{} of {target}, won {w}", l.pct(g.progress)),
                (Lang::Ko, Some(w)) => format!("목표 {target}의 {} ({w} 수주)", l.pct(g.progress)),
                (Lang::En, None) => format!("{} of {target}", l.pct(g.progress)),
                (Lang::Ko, None) => format!("목표 {target}의 {}", l.pct(g.progress)),
            };
            let met = g.progress.is_some_and(|p| p >= 1.0);
            let starts = g
                .window
                .as_ref()
                .and_then(|(from, _)| parse_date(from))
                .filter(|&from| from > today);
            let status = match (met, starts) {
                (true, _) => ("met", l.t("reached", "달성").to_string()),
                (false, Some(from)) => (
                    "",
                    match l {
                        Lang::En => format!("the period starts {}", l.date(from)),
                        Lang::Ko => format!("기간은 {}에 시작합니다", l.date(from)),
                    },
                ),
                (false, None) => ("", l.t("in progress", "진행 중").to_string()),
            };
            tile(h, &label, &value, &sub, Some(status));
        }
        (None, why) => tile(
            h,
            &label,
            l.t("no data", "데이터 없음"),
            &format!("{} {target}", l.t("target", "목표")),
            Some((
                "absent",
                why.as_ref().map_or(String::new(), |w| names.absent(w)),
            )),
        ),
    }
}

/// A chart's SVG inline, labelled for assistive technology, or the reason it is missing.
fn chart(h: &mut String, drawn: Result<salesmap_report::Chart, String>) {
    match drawn {
        Ok(c) => {
            let svg = c.svg.replacen(
                "<svg ",
                &format!("<svg role=\"img\" aria-label=\"{}\" ", esc(&c.title)),
                1,
            );
            let _ = write!(h, "<figure class=\"chart panel\">{svg}</figure>");
        }
        Err(e) => {
            let _ = write!(h, "<p class=\"meta\">{}</p>", esc(&e));
        }
    }
}

fn write_funnel(h: &mut String, l: Lang, names: &Namer<'_>, map: &Map, m: &Measurements) {
    let a = &m.analysis;
    let _ = write!(
        h,
        "<section aria-labelledby=\"funnel\"><h2 id=\"funnel\">{}</h2><p class=\"meta\">{}</p>",
        l.t("Funnel along the main path", "주 경로 퍼널"),
        l.t(
            "Of the deals that reached each stage: how many moved on to the next, dropped out here, or are still in play. Conversion counts cohorts, never above 100 %.",
            "각 단계에 도달한 거래 중 다음 단계로 간 거래, 여기서 이탈한 거래, 아직 진행 중인 거래. 전환율은 코호트 기준이며 100%를 넘지 않습니다.",
        )
    );
    let won = map.won_stage().map(|s| map.stage(s).id.clone());
    let bars: Vec<FunnelBar> = a
        .funnel_strict
        .stages
        .iter()
        .map(|s| FunnelBar {
            label: names.stage(&s.stage),
            reached: s.reached,
            moved_on: s.converted,
            dropped: s.dropped,
            open: s.open + s.skipped,
            note: match s.conversion {
                Some(c) => format!("{} · {} →", l.int(s.reached), l.pct(Some(c))),
                None => l.int(s.reached),
            },
            won: won.as_deref() == Some(s.stage.as_str()),
        })
        .collect();
    let w = l.words();
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
    chart(
        h,
        charts::funnel(
            l.t(
                "Deals reaching each stage of the main path",
                "주 경로 단계별 도달 거래",
            ),
            &bars,
            &axes,
        ),
    );
    let _ = write!(
        h,
        "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
        l.t("Stage", "단계"),
        l.t("Reached", "도달"),
        l.t("Moved on", "다음으로"),
        l.t("Dropped", "이탈"),
        l.t("Conversion", "전환율"),
        l.t("From the start", "시작부터 누적"),
        l.t("Open now", "현재 진행"),
    );
    for s in &a.funnel_strict.stages {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&names.stage(&s.stage)),
            l.int(s.reached),
            l.int(s.converted),
            l.int(s.dropped),
            l.pct(s.conversion),
            l.pct(s.cumulative),
            l.int(s.open_now),
        );
    }
    h.push_str("</tbody></table></div></section>");
}

fn write_times(h: &mut String, l: Lang, names: &Namer<'_>, m: &Measurements) {
    let a = &m.analysis;
    let _ = write!(
        h,
        "<section aria-labelledby=\"times\"><h2 id=\"times\">{}</h2>",
        l.t("Days in each stage", "단계별 체류 일수")
    );
    let rows: Vec<BoxRow> = m
        .spreads
        .iter()
        .filter_map(|s| {
            Some(BoxRow {
                label: names.stage(&s.stage),
                days: s.days.clone()?,
                target_days: s.target_days,
            })
        })
        .collect();
    if !rows.is_empty() {
        chart(
            h,
            charts::stage_boxes(
                l.t(
                    "Days in each stage, completed stays",
                    "단계별 체류 일수 (끝난 체류)",
                ),
                &rows,
                &Axes {
                    legend: vec![
                        (
                            Mark::Box(charts::LIGHT_BLUE),
                            l.words().stays_box.to_string(),
                        ),
                        (Mark::Line(charts::BLUE), l.words().median.to_string()),
                        (
                            Mark::Line(charts::MUTED),
                            l.words().stays_whiskers.to_string(),
                        ),
                        (Mark::Line(charts::RED), l.words().target.to_string()),
                    ],
                    x: l.words().stage_days_axis.to_string(),
                    y: String::new(),
                },
            ),
        );
    }
    let _ = write!(
        h,
        "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">n</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">p90</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
        l.t("Stage", "단계"),
        l.t("Median", "중앙값"),
        l.t("Target", "목표"),
        l.t("Over target", "목표 초과"),
        l.t("Open stays", "진행 중 체류"),
    );
    for s in a.stage_times.iter().filter(|s| s.deals > 0) {
        let d = s.days.as_ref();
        let over = d.is_some_and(|d| s.target_days.is_some_and(|t| d.median > t));
        let _ = write!(
            h,
            "<tr{}><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            if over { " class=\"missed\"" } else { "" },
            esc(&names.stage(&s.stage)),
            l.int(d.map_or(0, |d| d.n)),
            esc(&l.days(d.map(|d| d.median))),
            esc(&l.days(d.map(|d| d.p90))),
            esc(&l.days(s.target_days)),
            l.int(s.over_target),
            l.int(s.open),
        );
    }
    h.push_str("</tbody></table></div></section>");
}

fn write_stale(h: &mut String, l: Lang, names: &Namer<'_>, key: &str, stale: &[(&Card, f64)]) {
    let _ = write!(
        h,
        "<section aria-labelledby=\"stale\"><h2 id=\"stale\">{}</h2>",
        l.t(
            "Stale deals: longer in their stage than its target",
            "정체된 거래: 목표보다 오래 머문 거래"
        )
    );
    if stale.is_empty() {
        let _ = write!(
            h,
            "<p>{}</p>",
            l.t(
                "None: every open deal is within its stage's target.",
                "없음: 모든 진행 중 거래가 단계 목표 안에 있습니다."
            )
        );
    } else {
        let _ = write!(
            h,
            "<p class=\"meta\">{} <a href=\"/p/{}/board?stale=1\">{}</a></p><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
            esc(&match l {
                Lang::En => format!(
                    "{} stale deals, the most overdue first.",
                    l.int(stale.len() as u64)
                ),
                Lang::Ko => format!(
                    "정체된 거래 {}건, 가장 많이 넘긴 순.",
                    l.int(stale.len() as u64)
                ),
            }),
            Segment(key),
            l.t("See them on the board", "보드에서 보기"),
            l.t("Deal", "거래"),
            l.t("Stage", "단계"),
            l.t("Owner", "담당자"),
            l.t("Days", "일수"),
            l.t("Target", "목표"),
        );
        for (card, target) in stale.iter().take(25) {
            let _ = write!(
                h,
                "<tr><td><a href=\"/deals/{}\">{}</a></td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                card.id,
                esc(&card.name),
                esc(&names.stage(&card.stage)),
                esc(card
                    .owner_name
                    .as_deref()
                    .unwrap_or(l.t("no owner", "담당자 없음"))),
                esc(&l.days(Some(card.days_in_stage))),
                esc(&l.days(Some(*target))),
            );
        }
        h.push_str("</tbody></table></div>");
    }
    h.push_str("</section>");
}

/// The goal's period month by month: won in the month and so far, against the pace that
/// reaches the goal evenly by its deadline; then the plan for the rest.
fn write_plan(
    h: &mut String,
    l: Lang,
    names: &Namer<'_>,
    m: &Measurements,
    options: &ReportOptions,
    unit: Option<&str>,
) {
    let _ = write!(
        h,
        "<section aria-labelledby=\"plan\"><h2 id=\"plan\">{}</h2>",
        l.t(
            "Plan against actual for the goal's period",
            "목표 기간의 계획 대비 실적"
        )
    );
    let goal = m.analysis.goal.as_ref();
    let by_revenue = goal.is_some_and(|g| g.metric == Metric::WonRevenue);
    match goal.and_then(|g| g.window.as_ref().map(|w| (g, w))) {
        Some((g, (from, to))) if matches!(g.metric, Metric::WonRevenue | Metric::WonDeals) => {
            let (Some(start), Some(end)) = (parse_date(from), parse_date(to)) else {
                h.push_str("</section>");
                return;
            };
            let today = day_of(options.as_of);
            let total_days = (end - start + 1) as f64;
            let _ = write!(
                h,
                "<p class=\"meta\">{}</p><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
                esc(&match l {
                    Lang::En => format!(
                        "{}: {} won from {} to {}. The pace is the goal spread evenly over the period; months not yet over show no figure.",
                        g.description,
                        names.metric_value(g.metric, Some(g.target), unit),
                        l.date(start),
                        l.date(end)
                    ),
                    Lang::Ko => format!(
                        "{}: {}부터 {}까지 {} 수주. 목표를 기간에 고르게 나눈 것이 페이스이며, 아직 지나지 않은 달은 수치를 보이지 않습니다.",
                        g.description,
                        l.date(start),
                        l.date(end),
                        names.metric_value(g.metric, Some(g.target), unit)
                    ),
                }),
                l.t("Month", "월"),
                l.t("Won in the month", "월 수주"),
                l.t("Won so far", "누적 수주"),
                l.t("Pace to the goal", "목표 페이스"),
                l.t("Ahead (+) or behind (−)", "앞섬(+)/뒤짐(−)"),
            );
            let (mut y, mut mo, _) = civil_from_days(start);
            let mut so_far = 0.0;
            loop {
                let month_start = days_from_civil(y, mo, 1).max(start);
                if month_start > end {
                    break;
                }
                let (ny, nm) = if mo == 12 { (y + 1, 1) } else { (y, mo + 1) };
                let month_end = (days_from_civil(ny, nm, 1) - 1).min(end);
                let label = format!("{y:04}-{mo:02}");
                let won = m.months.iter().find(|f| f.month == label).map_or(0.0, |f| {
                    if by_revenue {
                        f.won_value
                    } else {
                        f.won as f64
                    }
                });
                let pace = g.target * ((month_end - start + 1) as f64 / total_days);
                let shown = |v: f64| {
                    if by_revenue {
                        l.money_short(v, unit)
                    } else {
                        l.num(v, 0)
                    }
                };
                if month_start > today {
                    let _ = write!(
                        h,
                        "<tr><td>{}</td><td class=\"num\">–</td><td class=\"num\">–</td><td class=\"num\">{}</td><td class=\"num\">–</td></tr>",
                        esc(&l.month(month_start)),
                        esc(&shown(pace)),
                    );
                } else {
                    so_far += won;
                    let gap = so_far - pace;
                    let _ = write!(
                        h,
                        "<tr{}><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}{}</td></tr>",
                        if gap < 0.0 { " class=\"missed\"" } else { "" },
                        esc(&l.month(month_start)),
                        esc(&shown(won)),
                        esc(&shown(so_far)),
                        esc(&shown(pace)),
                        if gap >= 0.0 { "+" } else { "−" },
                        esc(&shown(gap.abs())),
                    );
                }
                y = ny;
                mo = nm;
            }
            h.push_str("</tbody></table></div>");
        }
        _ => {
            let _ = write!(
                h,
                "<p>{}</p>",
                l.t(
                    "The map's goal is not won revenue or won deals with a deadline, so there is no period to track month by month.",
                    "맵의 목표가 기한이 있는 수주 매출이나 수주 건수가 아니어서 월별로 추적할 기간이 없습니다.",
                )
            );
        }
    }
    match &m.plan {
        Ok(p) => {
            let plan = &p.plan;
            let new_wins = (plan.wins_needed - plan.wins_from_pipeline).max(0.0);
            let _ = write!(
                h,
                "<h3>{}</h3><p>{}</p>",
                l.t("The plan for the rest of it", "남은 기간의 계획"),
                esc(&match l {
                    Lang::En => format!(
                        "From {} to {}: {} wins needed at an average won deal of {}; {} expected from deals already open, so {} new wins, at a win rate of {} from {}.",
                        l.date(p.request.range.start),
                        l.date(p.request.range.end - 1),
                        l.num(plan.wins_needed, 1),
                        l.money_short(plan.deal_size.value, unit),
                        l.num(plan.wins_from_pipeline, 1),
                        l.num(new_wins, 1),
                        l.pct(Some(plan.win_rate)),
                        names.stage(&plan.win_rate_from)
                    ),
                    Lang::Ko => format!(
                        "{}부터 {}까지: 평균 수주 금액 {} 기준 수주 {}건 필요, 진행 중 거래에서 {}건 예상, 새로 필요한 수주 {}건 ({}부터 승률 {}).",
                        l.date(p.request.range.start),
                        l.date(p.request.range.end - 1),
                        l.money_short(plan.deal_size.value, unit),
                        l.num(plan.wins_needed, 1),
                        l.num(plan.wins_from_pipeline, 1),
                        l.num(new_wins, 1),
                        names.stage(&plan.win_rate_from),
                        l.pct(Some(plan.win_rate))
                    ),
                })
            );
            let _ = write!(
                h,
                "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
                l.t("Stage", "단계"),
                l.t("Rate to next", "다음 전환율"),
                l.t("Entries needed", "필요한 진입"),
                l.t("Open now", "현재 진행"),
            );
            for s in &plan.stages {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                    esc(&names.stage(&s.stage)),
                    l.pct(s.rate.as_ref().map(|r| r.value)),
                    l.int(s.needed_whole),
                    l.int(s.open_now),
                );
            }
            h.push_str("</tbody></table></div>");
        }
        Err(why) => {
            let _ = write!(
                h,
                "<p class=\"meta\">{}: {}</p>",
                l.t("No plan", "계획 없음"),
                esc(why)
            );
        }
    }
    h.push_str("</section>");
}

fn write_fast_slow(h: &mut String, l: Lang, names: &Namer<'_>, m: &Measurements) {
    let fs = &m.analysis.fast_slow;
    let _ = write!(
        h,
        "<section aria-labelledby=\"fast-slow\"><h2 id=\"fast-slow\">{}</h2>",
        l.t("Fast against slow won deals", "빠른 수주와 느린 수주 비교")
    );
    if fs.group == 0 {
        let _ = write!(
            h,
            "<p>{}</p></section>",
            l.t(
                "Too few won deals to compare yet.",
                "아직 비교할 수주 거래가 너무 적습니다."
            )
        );
        return;
    }
    let _ = write!(
        h,
        "<p>{}</p>",
        esc(&match l {
            Lang::En => format!(
                "The fastest {} won deals (median cycle {}) against the slowest {} (median {}), of {} won.",
                l.int(fs.group),
                l.days(fs.fast_median_days),
                l.int(fs.group),
                l.days(fs.slow_median_days),
                l.int(fs.won)
            ),
            Lang::Ko => format!(
                "수주 {}건 중 가장 빠른 {}건(주기 중앙값 {})과 가장 느린 {}건(중앙값 {}).",
                l.int(fs.won),
                l.int(fs.group),
                l.days(fs.fast_median_days),
                l.int(fs.group),
                l.days(fs.slow_median_days)
            ),
        })
    );
    let _ = write!(
        h,
        "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
        l.t("What the deals share", "공통점"),
        l.t("Fast", "빠름"),
        l.t("Slow", "느림"),
    );
    for d in fs.differences.iter().take(8) {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"num\">{} ({})</td><td class=\"num\">{} ({})</td></tr>",
            esc(&names.feature(&d.feature)),
            l.pct(Some(d.fast_share)),
            l.int(d.fast),
            l.pct(Some(d.slow_share)),
            l.int(d.slow),
        );
    }
    h.push_str("</tbody></table></div></section>");
}
