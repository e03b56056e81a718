//! The report as a reader gets it, on the bundled template and a generated history.
//!
//! Index:
//! - `outline_*`: snapshots of the page's structure (sections, headings, tables with their
//!   columns and row counts, charts), English and Korean.
//! - `user_text_is_escaped`: markup in stage names, the map name, KPI names, unknown CRM stage
//!   names and lost reasons stays text, in the page and in every chart.
//! - `same_inputs_same_bytes`, `size_fits_an_email`, `assets_*`: determinism, size, exports.
//! - `opens_in_chromium_*`: the page in headless Chromium: no console errors, no network
//!   requests, every chart drawn, the layout within bounds, and a screenshot whose key
//!   regions are painted. They print a line and pass when `chromium` is not installed
//!   (`.ci/report-deps.sh` installs it).

use std::path::{Path, PathBuf};
use std::process::Command;

use expect_test::{Expect, expect};
use salesmap_core::calendar::days_from_civil;
use salesmap_core::generate::{GenerateOptions, generate};
use salesmap_core::history::{EventKind, History, MICROS_PER_DAY};
use salesmap_core::map::Map;
use salesmap_report::{Lang, Report, ReportOptions, build_report};

fn template(lang: &str) -> Map {
    load(salesmap_mapfile::templates::b2b(lang))
}

fn load(source: &str) -> Map {
    let checked = salesmap_mapfile::load(source, "sales.map.toml");
    match checked.map {
        Some(map) => map,
        None => panic!("the map has errors: {:?}", checked.diagnostics),
    }
}

fn history(map: &Map, deals: usize) -> History {
    generate(
        map,
        &GenerateOptions {
            deals,
            seed: 7,
            start: days_from_civil(2026, 1, 1) * MICROS_PER_DAY,
            days: 365,
        },
    )
}

fn report_of(map: &Map, history: &History, lang: Lang, quota: Option<f64>) -> Report {
    let as_of = history.time.iter().copied().max().unwrap_or(0);
    let mut options = ReportOptions::new(lang, as_of, "sales.map.toml", "history.csv");
    options.quota = quota;
    build_report(map, history, &options).expect("the report is written")
}

fn demo(lang: Lang, deals: usize) -> Report {
    let map = template(lang.tag());
    let h = history(&map, deals);
    report_of(&map, &h, lang, Some(6_000_000.0))
}

/// The text between `open` (its end) and the next `close`, from `at`.
fn between<'a>(s: &'a str, at: usize, open: &str, close: &str) -> Option<(&'a str, usize)> {
    let start = s[at..].find(open)? + at + open.len();
    let end = s[start..].find(close)? + start;
    Some((&s[start..end], end + close.len()))
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in s.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// The page's structure, one line per section, heading, table, chart and tile group.
fn outline(html: &str) -> String {
    let mut out = String::new();
    let mut at = 0;
    let markers = [
        "<section id=\"",
        "<h2>",
        "<h3>",
        "<table",
        "class=\"chart\"",
        "<div class=\"tiles\">",
        "<ol>",
    ];
    loop {
        let next = markers
            .iter()
            .filter_map(|m| html[at..].find(m).map(|i| (i + at, *m)))
            .min();
        let Some((pos, marker)) = next else { break };
        at = pos + marker.len();
        match marker {
            "<section id=\"" => {
                let id = &html[at..at + html[at..].find('"').unwrap()];
                out += &format!("section #{id}\n");
            }
            "<h2>" | "<h3>" => {
                let (text, _) = between(html, pos, marker, "</h").unwrap();
                out += &format!("  {} {}\n", &marker[1..3], strip_tags(text));
            }
            "<table" => {
                let (table, end) = between(html, pos, ">", "</table>").unwrap();
                let (thead, _) = between(table, 0, "<thead>", "</thead>").unwrap();
                let mut heads: Vec<String> = thead.split("</th>").map(strip_tags).collect();
                heads.pop();
                let rows = table.matches("<tr>").count() - 1;
                out += &format!("    table [{}] × {rows}\n", heads.join(" | "));
                at = end;
            }
            "class=\"chart\"" => {
                let (label, _) = between(html, pos, "aria-label=\"", "\"").unwrap();
                out += &format!("    chart: {label}\n");
            }
            "<div class=\"tiles\">" => {
                let (tiles, _) = between(html, pos, marker, "</div>\n").unwrap();
                let labels: Vec<String> = tiles
                    .split("<div class=\"label\">")
                    .skip(1)
                    .map(|t| strip_tags(&t[..t.find("</div>").unwrap()]))
                    .collect();
                out += &format!("    tiles: {}\n", labels.join(" · "));
            }
            "<ol>" => {
                let (list, _) = between(html, pos, marker, "</ol>").unwrap();
                out += &format!("    findings: {}\n", list.matches("<li>").count());
            }
            _ => unreachable!(),
        }
    }
    out
}

fn check_outline(lang: Lang, expect: Expect) {
    expect.assert_eq(&outline(&demo(lang, 400).html));
}

#[test]
fn outline_english() {
    check_outline(Lang::En, expect![[r#"
        section #glance
          h2 At a glance
            tiles: Won revenue · Win rate · Median sales cycle · Sales velocity · Open deals · Deals that follow the map
          h3 What to fix first
            findings: 5
        section #map
          h2 The process map, measured
            chart: B2B sales process
        section #kpis
          h2 Goal and KPIs
            table [KPI | Measured | Target | n | Status] × 6
          h3 Hand-offs between owners
            table [Transition |  | Median | p90 | n] × 6
        section #funnel
          h2 Funnel and drop-off
            chart: Deals reaching each stage of the main path
            table [Stage | Reached | Moved on | Dropped | Still open | To next | From start | Open now | Stale] × 14
        section #times
          h2 Time in stage
            chart: Days in each stage, completed stays
            table [Stage | n | Median | p75 | p90 | Target | Over target | Open stays] × 15
          h3 Sales cycle
            chart: Sales cycle of won deals: median 63 d, p75 75 d, p90 109 d (n=66)
        section #trends
          h2 Win rate and velocity over time
            chart: Win rate by month of close
            chart: Sales velocity by month (amount per day)
        section #as-is
          h2 As-is beside the designed map
          h3 Designed transitions
            table [Transition | Deals | Moves | To next] × 23
          h3 Moves not in the map
            table [Transition | Deals | Moves] × 1
          h3 Transitions nobody used
        section #conformance
          h2 Conformance and deviations
            table [Deviation | Kind | Deals | Examples] × 11
        section #fast-slow
          h2 Fast vs slow won deals
            table [Feature | Fast | Slow | ×] × 8
          h3 Median days per stage
            table [Stage | Fast | Slow] × 9
        section #triggers
          h2 Triggers and friction
            table [Stage | Advance | Strongest lifts] × 9
          h3 Friction
            table [Stage | Dropped | Reached | Drop rate | Top reasons] × 5
        section #plan
          h2 Reverse-funnel plan
            table [Stage | Rate to next | To won | Days to won | Needed | Already late | Touches] × 10
          h3 Entries needed per period
            table [Stage | Jan &#39;27 | Feb &#39;27 | Mar &#39;27 | Apr &#39;27 | May &#39;27 | Jun &#39;27 | Jul &#39;27 | Aug &#39;27 | Sep &#39;27 | Oct &#39;27 | Nov &#39;27 | Dec &#39;27] × 10
          h2 How to read this report
    "#]]);
}

#[test]
fn outline_korean() {
    check_outline(Lang::Ko, expect![[r#"
        section #glance
          h2 한눈에 보기
            tiles: 수주 매출 · 승률 · 영업 주기 중앙값 · 영업 속도 · 진행 중 거래 · 맵을 따르는 거래
          h3 먼저 고칠 점
            findings: 5
        section #map
          h2 측정값을 얹은 프로세스 맵
            chart: B2B 영업 프로세스
        section #kpis
          h2 목표와 KPI
            table [KPI | 측정값 | 목표 | n | 상태] × 6
          h3 담당자 간 인계
            table [전환 |  | 중앙값 | p90 | n] × 6
        section #funnel
          h2 퍼널과 이탈
            chart: 주 경로 단계별 도달 거래
            table [단계 | 도달 | 다음 단계로 | 이탈 | 진행 중 | 다음 단계 전환율 | 시작 대비 | 현재 진행 | 지연] × 14
        section #times
          h2 단계별 체류 시간
            chart: 단계별 체류 일수(끝난 체류)
            table [단계 | n | 중앙값 | p75 | p90 | 목표 | 목표 초과 | 진행 중 체류] × 15
          h3 영업 주기
            chart: 수주 거래의 영업 주기: 중앙값 63일, p75 75일, p90 109일 (n=66)
        section #trends
          h2 월별 승률과 영업 속도
            chart: 종결 월별 승률
            chart: 월별 영업 속도(하루당 금액)
        section #as-is
          h2 실제 흐름과 설계된 맵
          h3 설계된 전환
            table [전환 | 거래 수 | 이동 수 | 다음 단계 전환율] × 23
          h3 맵에 없는 이동
            table [전환 | 거래 수 | 이동 수] × 1
          h3 아무도 쓰지 않은 전환
        section #conformance
          h2 적합도와 편차
            table [편차 | 유형 | 거래 수 | 예시] × 11
        section #fast-slow
          h2 빠른 수주와 느린 수주
            table [특징 | 빠른 거래 | 느린 거래 | ×] × 8
          h3 단계별 체류 일수 중앙값
            table [단계 | 빠른 거래 | 느린 거래] × 9
        section #triggers
          h2 촉진 요인과 마찰
            table [단계 | 진행률 | 가장 큰 향상] × 9
          h3 마찰
            table [단계 | 이탈 | 도달 | 이탈률 | 주요 사유] × 5
        section #plan
          h2 역산 퍼널 계획
            table [단계 | 다음 단계 전환율 | 수주까지 | 수주까지 일수 | 필요 | 이미 늦음 | 접점] × 10
          h3 기간별 필요 진입 건수
            table [단계 | 27.1월 | 27.2월 | 27.3월 | 27.4월 | 27.5월 | 27.6월 | 27.7월 | 27.8월 | 27.9월 | 27.10월 | 27.11월 | 27.12월] × 10
          h2 보고서 읽는 법
    "#]]);
}
