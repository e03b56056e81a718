//! The analysis as text, for the terminal and `analysis.txt`, in English or Korean: what to fix
//! first, then the goal and KPIs, the funnel, times, outcomes, conformance, fast vs slow,
//! triggers and friction, the forecast, and the breakdowns asked for. Every figure says its n.
//!
//! Each line is written in the text's language by `say!` (from [`crate::output`]), which holds
//! the English and the Korean wording of the line side by side; the findings in Korean are the report's own
//! sentences (`salesmap_report::sentences`), so the report and the text say the same.

use std::fmt::Write as _;

use salesmap_core::absent::Absent;
use salesmap_core::analysis::{Analysis, GroupFigures, days_label};
use salesmap_core::display::{decimals_against, percent};
use salesmap_core::findings::Finding;
use salesmap_core::history::Micros;
use salesmap_core::map::{Map, Metric};
use salesmap_import::format_timestamp;
use salesmap_report::Lang;
use salesmap_report::sentences::Namer;

use crate::output::{fit, grouped, say};

/// The text's language, and its ways of writing figures.
#[derive(Clone, Copy)]
struct Text {
    ko: bool,
}

impl Text {
    /// `en` or `ko`, as the text's language says.
    fn tr(self, en: &'static str, ko: &'static str) -> &'static str {
        if self.ko { ko } else { en }
    }

    fn pct(self, v: Option<f64>) -> String {
        v.map_or("-".into(), percent)
    }

    fn days(self, v: Option<f64>) -> String {
        v.map_or("-".into(), |d| self.day_unit(days_label(d)))
    }

    fn day_unit(self, n: String) -> String {
        if self.ko {
            format!("{n}일")
        } else {
            format!("{n} d")
        }
    }

    fn hours(self, v: f64) -> String {
        if v > 48.0 {
            return self.days(Some(v / 24.0));
        }
        if self.ko {
            format!("{v:.1}시간")
        } else {
            format!("{v:.1} h")
        }
    }

    fn no_data(self) -> &'static str {
        self.tr("no data", "데이터 없음")
    }

    fn metric_value(self, metric: Metric, v: Option<f64>) -> String {
        match v {
            Some(v) => self.metric_against(metric, v, None),
            None => self.no_data().into(),
        }
    }

    /// `v` in `metric`'s unit; next to a `target`, with as many decimals as it takes to sit
    /// on the same side of it as the exact value does.
    fn metric_against(self, metric: Metric, v: f64, target: Option<f64>) -> String {
        let against =
            |scale: f64, min: usize| target.map_or(min, |t| decimals_against(v, t, scale, min));
        match metric {
            Metric::WinRate | Metric::Conversion | Metric::ChurnRate | Metric::RetentionRate => {
                match target {
                    Some(_) => format!("{:.*}%", against(100.0, 0), v * 100.0),
                    None => percent(v),
                }
            }
            Metric::CycleDays => match target {
                Some(_) => self.day_unit(format!("{:.*}", against(1.0, usize::from(v < 10.0)), v)),
                None => self.day_unit(days_label(v)),
            },
            Metric::FirstResponseHours | Metric::HandoffHours => {
                let n = format!("{:.*}", against(1.0, 1), v);
                if self.ko {
                    format!("{n}시간")
                } else {
                    format!("{n} h")
                }
            }
            Metric::WonDeals | Metric::WonRevenue | Metric::AverageDealSize => match target {
                Some(t) if v.round() == t.round() && v != t => {
                    format!("{:.*}", against(1.0, 0), v)
                }
                _ => grouped(v),
            },
            Metric::SalesVelocity => {
                if self.ko {
                    format!("하루 {}", grouped(v))
                } else {
                    format!("{}/day", grouped(v))
                }
            }
        }
    }

    /// A figure, or "no data (why)".
    fn or_absent(self, shown: Option<String>, absent: Option<&Absent>, namer: &Namer) -> String {
        match (shown, absent) {
            (Some(s), _) => s,
            (None, Some(a)) => format!("{} ({})", self.no_data(), namer.absent(a)),
            (None, None) => "-".into(),
        }
    }
}

/// The analysis as text, in `lang`.
pub(crate) fn write(map: &Map, a: &Analysis, title: &str, as_of: Micros, lang: Lang) -> String {
    let t = Text {
        ko: lang == Lang::Ko,
    };
    let namer = Namer { map, lang };
    let name = map.name.get(lang.tag(), &map.language);
    let mut o = String::new();
    let w = &mut o;
    say!(w, t.ko, "{} — {}", "{} — {}", name, title);
    let date = &format_timestamp(as_of)[..10];
    let wr = &a.win_rate;
    say!(
        w,
        t.ko,
        "As of {}: {} deals ({} stage entries, {} touches); {} won, {} lost, {} disqualified, {} open",
        "기준일 {}: 거래 {}건 (단계 진입 {}건, 접점 {}건); 수주 {}, 실주 {}, 부적격 {}, 진행 중 {}",
        date,
        a.deals,
        a.stage_entries,
        a.touches,
        wr.won,
        wr.lost,
        wr.disqualified,
        wr.open
    );
    notes(w, t, a);

    say!(w, t.ko, "\n{}", "\n{}", heading_fix_first(lang));
    for (i, line) in findings(map, a, t, &namer).iter().enumerate() {
        say!(w, t.ko, "  {}. {}", "  {}. {}", i + 1, line);
    }

    if a.goal.is_some() || !a.kpis.is_empty() {
        say!(w, t.ko, "\n{}", "\n{}", heading_goal(lang));
    }
    if let Some(g) = &a.goal {
        let unit = g.unit.as_deref().unwrap_or("");
        let window = match (&g.window, &g.deadline) {
            (Some((first, last)), _) => {
                if t.ko {
                    format!(", {first}부터 {last}까지 수주")
                } else {
                    format!(", won {first} to {last}")
                }
            }
            (None, Some(d)) => {
                if t.ko {
                    format!(", 기한 {d}")
                } else {
                    format!(", deadline {d}")
                }
            }
            (None, None) => String::new(),
        };
        let description = map.goal.as_ref().map_or(g.description.clone(), |goal| {
            goal.description.get(lang.tag(), &map.language).to_string()
        });
        match (g.measured, &g.absent) {
            (Some(m), _) => say!(
                w,
                t.ko,
                "  goal: {0} — {1} {2} of {3} {2} ({4}, n={5} deals){6}",
                "  목표: {0} — {3} {2} 중 {1} {2} ({4}, n={5}건){6}",
                description,
                t.metric_against(g.metric, m, None),
                unit,
                grouped(g.target),
                t.pct(g.progress),
                g.n,
                window
            ),
            (None, absent) => say!(
                w,
                t.ko,
                "  goal: {} — {} {}: {}{}",
                "  목표: {} — {} {}: {}{}",
                description,
                grouped(g.target),
                unit,
                t.or_absent(None, absent.as_ref(), &namer),
                window
            ),
        }
    }
    for (i, k) in a.kpis.iter().enumerate() {
        let status = match k.met {
            Some(true) => t.tr("met", "달성"),
            Some(false) => t.tr("MISSED", "미달"),
            None => t.no_data(),
        };
        let dir = if k.higher_is_better { "≥" } else { "≤" };
        let target = t.metric_against(k.metric, k.target, None);
        let kpi = if t.ko {
            namer.kpi(i, k)
        } else {
            k.name.clone()
        };
        match k.measured {
            Some(v) => say!(
                w,
                t.ko,
                "  {:<7} {} {} (target {} {}, n={})",
                "  {:<7} {} {} (목표 {} {}, n={})",
                status,
                fit(&kpi, 48),
                t.metric_against(k.metric, v, Some(k.target)),
                dir,
                target,
                k.n
            ),
            None => say!(
                w,
                t.ko,
                "  {:<7} {} — {} (target {} {})",
                "  {:<7} {} — {} (목표 {} {})",
                status,
                fit(&kpi, 48),
                k.absent.as_ref().map_or(
                    t.tr("nothing to measure", "측정할 것이 없음").to_string(),
                    |a| namer.absent(a)
                ),
                dir,
                target
            ),
        }
    }

    say!(
        w,
        t.ko,
        "\nFunnel along the main path (strict: observed entries; implied: also stages passed on the way)\n  \
         conv: of the deals that reached a stage, the share that reached the next one (at any time);\n  \
         drop: deals that ended lost or disqualified with this as the furthest stage they reached;\n  \
         open now / stale: open deals (not won) in the stage now / past its target days",
        "\n주 경로 퍼널 (strict: 관측된 진입; implied: 지나간 것으로 보이는 단계 포함)\n  \
         conv: 단계에 도달한 거래 중 다음 단계에 (언제든) 도달한 비율;\n  \
         drop: 이 단계가 가장 멀리 간 단계이고 실주나 부적격으로 끝난 거래;\n  \
         open now / stale: 지금 이 단계에 있는 진행 중 거래 (수주 제외) / 그중 목표 일수를 넘긴 거래"
    );
    let header = (
        t.tr("stage", "단계"),
        t.tr("reached", "도달"),
        t.tr("implied", "추정"),
        t.tr("convert", "전환"),
        t.tr("drop", "이탈"),
        t.tr("open", "진행"),
        t.tr("conv", "전환율"),
        t.tr("cum", "누적"),
        t.tr("impl.conv", "추정전환율"),
        t.tr("open now", "현재 진행"),
        t.tr("stale", "지연"),
    );
    say!(
        w,
        t.ko,
        "  {:<22} {:>8} {:>8} {:>8} {:>7} {:>7} {:>8} {:>8} {:>9} {:>9} {:>6}",
        "  {:<22} {:>8} {:>8} {:>8} {:>7} {:>7} {:>8} {:>8} {:>9} {:>9} {:>6}",
        header.0,
        header.1,
        header.2,
        header.3,
        header.4,
        header.5,
        header.6,
        header.7,
        header.8,
        header.9,
        header.10
    );
    for (s, i) in a.funnel_strict.stages.iter().zip(&a.funnel_implied.stages) {
        say!(
            w,
            t.ko,
            "  {} {:>8} {:>8} {:>8} {:>7} {:>7} {:>8} {:>8} {:>9} {:>9} {:>6}",
            "  {} {:>8} {:>8} {:>8} {:>7} {:>7} {:>8} {:>8} {:>9} {:>9} {:>6}",
            fit(&s.stage, 22),
            s.reached,
            i.reached,
            s.converted,
            s.dropped,
            s.open,
            t.pct(s.conversion),
            t.pct(s.cumulative),
            t.pct(i.conversion),
            s.open_now,
            s.stale
        );
    }
    let customers: Vec<String> = a
        .funnel_strict
        .stages
        .iter()
        .filter(|s| s.customers_now > 0)
        .map(|s| {
            let late = match (s.customers_over_target > 0, t.ko) {
                (false, _) => String::new(),
                (true, false) => format!(", {} past target", s.customers_over_target),
                (true, true) => format!(", 목표 초과 {}", s.customers_over_target),
            };
            format!("{} {}{late}", s.stage, s.customers_now)
        })
        .collect();
    if !customers.is_empty() {
        say!(
            w,
            t.ko,
            "  after the sale (won deals, not open pipeline), customers now: {}",
            "  판매 후 (수주 거래, 진행 중 파이프라인 아님), 지금의 고객: {}",
            customers.join("; ")
        );
    }

    say!(
        w,
        t.ko,
        "\nTime in stage (completed stays; open stays apart)",
        "\n단계 체류 시간 (끝난 체류; 진행 중 체류는 따로)"
    );
    say!(
        w,
        t.ko,
        "  {:<22} {:>6} {:>9} {:>9} {:>9} {:>8} {:>11} {:>8}",
        "  {:<22} {:>6} {:>9} {:>9} {:>9} {:>8} {:>11} {:>8}",
        t.tr("stage", "단계"),
        "n",
        t.tr("median", "중앙값"),
        "p75",
        "p90",
        t.tr("open", "진행"),
        t.tr("open median", "진행 중앙값"),
        t.tr("target", "목표")
    );
    for st in a.stage_times.iter().filter(|st| st.deals > 0) {
        let d = st.days.as_ref();
        say!(
            w,
            t.ko,
            "  {} {:>6} {:>9} {:>9} {:>9} {:>8} {:>11} {:>8}",
            "  {} {:>6} {:>9} {:>9} {:>9} {:>8} {:>11} {:>8}",
            fit(&st.stage, 22),
            d.map_or(0, |d| d.n),
            t.days(d.map(|d| d.median)),
            t.days(d.map(|d| d.p75)),
            t.days(d.map(|d| d.p90)),
            st.open,
            t.days(st.open_median_days),
            t.days(st.target_days)
        );
    }

    say!(w, t.ko, "\nOutcomes", "\n결과");
    let c = &a.cycle;
    let unknown = match (c.unknown_start > 0, t.ko) {
        (false, _) => String::new(),
        (true, false) => format!(
            "; {} won deals left out: no stage entry before the win, so their start is unknown",
            c.unknown_start
        ),
        (true, true) => format!(
            "; 수주 거래 {}건 제외: 수주 전 단계 진입이 없어 시작 시점을 모름",
            c.unknown_start
        ),
    };
    match &c.days {
        Some(d) => say!(
            w,
            t.ko,
            "  sales cycle (n={} won): median {}, p75 {}, p90 {}{}",
            "  영업 주기 (수주 n={}): 중앙값 {}, p75 {}, p90 {}{}",
            c.won,
            t.days(Some(d.median)),
            t.days(Some(d.p75)),
            t.days(Some(d.p90)),
            unknown
        ),
        None => say!(
            w,
            t.ko,
            "  sales cycle: {}",
            "  영업 주기: {}",
            t.or_absent(None, c.absent.as_ref(), &namer)
        ),
    }
    match wr.by_count {
        Some(_) => say!(
            w,
            t.ko,
            "  win rate: {} by count (n={} closed: {} won, {} lost); {} by value (n={} with amount)",
            "  승률: 건수 기준 {} (종결 n={}: 수주 {}, 실주 {}); 금액 기준 {} (금액 있는 n={})",
            t.pct(wr.by_count),
            wr.won + wr.lost,
            wr.won,
            wr.lost,
            t.pct(wr.by_value),
            wr.won_with_amount + wr.lost_with_amount
        ),
        None => say!(
            w,
            t.ko,
            "  win rate: {}",
            "  승률: {}",
            t.or_absent(None, wr.absent.as_ref(), &namer)
        ),
    }
    let v = &a.velocity;
    match v.per_day {
        Some(per_day) => say!(
            w,
            t.ko,
            "  sales velocity: {} per day = {} live open × {} average won × {} win rate / {} median cycle",
            "  영업 속도: 하루 {} = 진행 중 {} × 평균 수주 {} × 승률 {} / 중앙 주기 {}",
            grouped(per_day),
            v.open_deals,
            v.average_won_amount.map_or("-".into(), grouped),
            t.pct(v.win_rate),
            t.days(v.median_cycle_days)
        ),
        None => say!(
            w,
            t.ko,
            "  sales velocity: no data (it needs a win rate, an average won amount and a median cycle: {}, {}, {})",
            "  영업 속도: 데이터 없음 (승률, 평균 수주 금액, 중앙 주기가 필요: {}, {}, {})",
            t.pct(v.win_rate),
            v.average_won_amount.map_or("-".into(), grouped),
            t.days(v.median_cycle_days)
        ),
    }
    match &a.first_response {
        Some(f) => {
            let h = f.hours.as_ref();
            let sla = match (f.sla_hours, f.within_sla) {
                (Some(s), Some(share)) => {
                    if t.ko {
                        format!(", {s}시간 이내 {}", t.pct(Some(share)))
                    } else {
                        format!(", {} within {s} h", t.pct(Some(share)))
                    }
                }
                _ => String::new(),
            };
            say!(
                w,
                t.ko,
                "  first response (n={} of {} deals; {} without a touch): median {}, p90 {}{}",
                "  첫 응답 (거래 {1}건 중 n={0}; 접점 없는 거래 {2}건): 중앙값 {3}, p90 {4}{5}",
                h.map_or(0, |h| h.n),
                f.deals,
                f.no_touch,
                h.map_or("-".into(), |h| t.hours(h.median)),
                h.map_or("-".into(), |h| t.hours(h.p90)),
                sla
            );
        }
        None => say!(
            w,
            t.ko,
            "  first response: the history has no touches",
            "  첫 응답: 히스토리에 접점이 없음"
        ),
    }
    let ch = &a.churn;
    match ch.churn_rate {
        Some(_) => say!(
            w,
            t.ko,
            "  churn: {} ({} of n={} customers); retention {}",
            "  이탈률: {} (고객 n={2} 중 {1}); 유지율 {3}",
            t.pct(ch.churn_rate),
            ch.churned,
            ch.customers,
            t.pct(ch.retention_rate)
        ),
        None => say!(
            w,
            t.ko,
            "  churn: {}",
            "  이탈률: {}",
            t.or_absent(None, ch.absent.as_ref(), &namer)
        ),
    }
    let hs = &a.handoffs;
    if !hs.pairs.is_empty() {
        let src = match (&hs.source, t.ko) {
            (salesmap_core::timing::OwnerSource::History(c), false) => {
                format!("owners from the history's `{c}`")
            }
            (salesmap_core::timing::OwnerSource::History(c), true) => {
                format!("담당자는 히스토리의 `{c}`")
            }
            (salesmap_core::timing::OwnerSource::Map, false) => "owners from the map".into(),
            (salesmap_core::timing::OwnerSource::Map, true) => "담당자는 맵에서".into(),
        };
        say!(w, t.ko, "  hand-offs ({}):", "  인계 ({}):", src);
        for p in hs.pairs.iter().take(6) {
            let who = if p.from_owner.is_empty() {
                String::new()
            } else {
                format!(" ({} → {})", p.from_owner, p.to_owner)
            };
            say!(
                w,
                t.ko,
                "    {} → {}{}: median {}, p90 {} (n={})",
                "    {} → {}{}: 중앙값 {}, p90 {} (n={})",
                p.from,
                p.to,
                who,
                t.hours(p.hours.median),
                t.hours(p.hours.p90),
                p.hours.n
            );
        }
    }

    let cf = &a.conformance;
    say!(
        w,
        t.ko,
        "\nConformance: {} of n={} deals fit the map ({})",
        "\n적합도: 거래 n={1}건 중 {0}건이 맵을 따름 ({2})",
        cf.fitting,
        cf.deals,
        t.pct(cf.fit_share)
    );
    for k in cf.by_kind.iter().filter(|k| k.deals > 0) {
        say!(
            w,
            t.ko,
            "  {:<20} {} deals",
            "  {:<20} {}건",
            namer.deviation_kind(k.kind),
            k.deals
        );
    }
    if !cf.deviations.is_empty() {
        say!(w, t.ko, "  most common deviations:", "  가장 흔한 편차:");
    }
    for d in cf.deviations.iter().take(8) {
        say!(
            w,
            t.ko,
            "    {} (n={} deals, e.g. {})",
            "    {} (n={}건, 예: {})",
            if t.ko {
                namer.deviation(&d.description)
            } else {
                d.description.clone()
            },
            d.deals,
            d.examples.join(", ")
        );
    }
    let asis = &cf.as_is;
    if !asis.not_in_map.is_empty() {
        say!(
            w,
            t.ko,
            "  moves the history makes that the map lacks:",
            "  맵에 없는 이동:"
        );
        for m in asis.not_in_map.iter().take(8) {
            say!(
                w,
                t.ko,
                "    {} → {} (n={} deals, {} moves)",
                "    {} → {} (거래 n={}, 이동 {}회)",
                m.from,
                m.to,
                m.deals,
                m.moves
            );
        }
    }
    if !asis.unused.is_empty() {
        let list: Vec<String> = asis
            .unused
            .iter()
            .map(|(a, b)| format!("{a} → {b}"))
            .collect();
        say!(
            w,
            t.ko,
            "  map transitions nobody used: {}",
            "  아무도 쓰지 않은 전환: {}",
            list.join(", ")
        );
    }

    let fs = &a.fast_slow;
    say!(
        w,
        t.ko,
        "\nFast vs slow won deals (n={} won)",
        "\n빠른 수주와 느린 수주 (수주 n={})",
        fs.won
    );
    if fs.group == 0 {
        say!(
            w,
            t.ko,
            "  too few won deals to compare quartiles (need 8)",
            "  사분위를 비교하기에 수주 거래가 너무 적음 (8건 필요)"
        );
    } else {
        say!(
            w,
            t.ko,
            "  fastest {} (cycle ≤ {}, median {}) vs slowest {} (cycle ≥ {}, median {})",
            "  가장 빠른 {}건 (주기 ≤ {}, 중앙값 {}) 대 가장 느린 {}건 (주기 ≥ {}, 중앙값 {})",
            fs.group,
            t.days(fs.fast_max_days),
            t.days(fs.fast_median_days),
            fs.group,
            t.days(fs.slow_min_days),
            t.days(fs.slow_median_days)
        );
        for d in fs.differences.iter().take(6) {
            let text = if t.ko {
                format!(
                    "{}: 빠른 거래의 {} (n={}) 대 느린 거래의 {} (n={})",
                    namer.feature(&d.feature),
                    t.pct(Some(d.fast_share)),
                    d.fast,
                    t.pct(Some(d.slow_share)),
                    d.slow
                )
            } else {
                d.text.clone()
            };
            say!(w, t.ko, "  - {}", "  - {}", text);
        }
        let slower: Vec<String> = fs
            .stage_days
            .iter()
            .filter_map(|s| match (s.fast_median_days, s.slow_median_days) {
                (Some(f), Some(sl)) if sl > f => Some(format!(
                    "{} {} {} {} (n={}/{})",
                    s.stage,
                    t.days(Some(f)),
                    t.tr("vs", "대"),
                    t.days(Some(sl)),
                    s.fast_n,
                    s.slow_n
                )),
                _ => None,
            })
            .collect();
        if !slower.is_empty() {
            say!(
                w,
                t.ko,
                "  median days per stage, fast vs slow: {}",
                "  단계별 체류 일수 중앙값, 빠른 거래 대 느린 거래: {}",
                slower.join("; ")
            );
        }
        if let (Some(f), Some(s)) = (fs.fast_touches, fs.slow_touches) {
            say!(
                w,
                t.ko,
                "  touches before the win: {:.1} per fast deal vs {:.1} per slow deal",
                "  수주 전 접점: 빠른 거래 {:.1}회 대 느린 거래 {:.1}회",
                f,
                s
            );
        }
    }
    if !fs.outliers.is_empty() {
        let list: Vec<String> = fs
            .outliers
            .iter()
            .map(|o| format!("{} ({})", o.deal, t.days(Some(o.days))))
            .collect();
        say!(
            w,
            t.ko,
            "  outliers (beyond 1.5 IQR): {}",
            "  이상치 (1.5 IQR 밖): {}",
            list.join(", ")
        );
    }

    say!(
        w,
        t.ko,
        "\nTriggers: what raises the chance of advancing (lift = rate with it / stage rate)",
        "\n촉진 요인: 다음 단계로 갈 확률을 높이는 것 (lift = 그것이 있을 때의 비율 / 단계 비율)"
    );
    for tr in &a.triggers {
        let best: Vec<String> = tr
            .features
            .iter()
            .take(3)
            .map(|l| {
                let feature = if t.ko {
                    namer.feature(&l.feature)
                } else {
                    l.feature.clone()
                };
                if t.ko {
                    format!("{feature} ×{:.2} ({}/{} 진행)", l.lift, l.advanced, l.n)
                } else {
                    format!("{feature} ×{:.2} ({}/{} advanced)", l.lift, l.advanced, l.n)
                }
            })
            .collect();
        say!(
            w,
            t.ko,
            "  {} {} advance (n={}): {}",
            "  {} {} 진행 (n={}): {}",
            fit(&tr.stage, 22),
            t.pct(tr.rate),
            tr.decided,
            if best.is_empty() {
                t.tr("no lift found", "향상 요인 없음").to_string()
            } else {
                best.join("; ")
            }
        );
    }
    excluded(w, t, a);
    if !a.friction.is_empty() {
        say!(
            w,
            t.ko,
            "\nFriction: where deals drop out (ended lost or disqualified; the furthest main-path stage they reached)",
            "\n마찰: 거래가 이탈하는 곳 (실주나 부적격으로 끝남; 주 경로에서 가장 멀리 간 단계)"
        );
    }
    for f in a.friction.iter().take(6) {
        let reasons: Vec<String> = f
            .reasons
            .iter()
            .take(3)
            .map(|(r, n)| format!("{r} {n}"))
            .collect();
        say!(
            w,
            t.ko,
            "  {} {} of n={} entered ({}); reasons: {}",
            "  {} 진입 n={2} 중 {1} ({3}); 사유: {4}",
            fit(&f.stage, 22),
            f.dropped,
            f.entered,
            t.pct(f.drop_rate),
            reasons.join(", ")
        );
    }

    let fc = &a.forecast;
    say!(
        w,
        t.ko,
        "\nForecast: measured chance of winning from each stage (closed deals), designed in brackets",
        "\n예측: 단계별로 측정한 수주 확률 (종결 거래), 괄호 안은 설계값"
    );
    if let Some(why) = &fc.absent {
        say!(
            w,
            t.ko,
            "  no chance is measured: {}; the map's designed probabilities stand in",
            "  측정된 확률이 없음: {}; 맵의 설계 확률로 대신함",
            namer.absent(why)
        );
    }
    for s in fc.stages.iter().filter(|s| s.closed > 0 || s.open > 0) {
        let aged = match (s.aged > 0, t.ko) {
            (false, _) => String::new(),
            (true, false) => format!(" ({} aged)", s.aged),
            (true, true) => format!(" (노후 {})", s.aged),
        };
        say!(
            w,
            t.ko,
            "  {} {:>5} (n={} closed) [{}]  open now {}{} worth {}",
            "  {} {:>5} (종결 n={}) [{}]  현재 진행 {}{} 금액 {}",
            fit(&s.stage, 22),
            t.pct(s.measured),
            s.closed,
            t.pct(s.designed),
            s.open,
            aged,
            grouped(s.open_amount)
        );
    }
    let live = fc.open_deals - if fc.aged_credited { 0 } else { fc.aged_deals };
    say!(
        w,
        t.ko,
        "  weighted open pipeline: {} of {} open (n={} live deals; expected wins {:.1}; {} without amount, {} without probability)",
        "  가중 진행 파이프라인: 진행 중 {1} 중 {0} (살아 있는 거래 n={2}; 예상 수주 {3:.1}; 금액 없음 {4}, 확률 없음 {5})",
        grouped(fc.weighted_pipeline),
        grouped(fc.open_pipeline),
        live,
        fc.expected_wins,
        fc.without_amount,
        fc.unweighted_deals
    );
    aging(w, t, a);

    if let Some(b) = &a.breakdown {
        say!(w, t.ko, "\nBy {}", "\n{}별", b.attribute);
        group_header(w, t);
        for g in &b.groups {
            group_row(w, t, g);
        }
    }
    if let Some(p) = &a.period {
        say!(
            w,
            t.ko,
            "\nPeriod {} against the one before (deals by the day they started)",
            "\n기간 {}과 그 직전 기간 (거래가 시작한 날 기준)",
            p.current.label
        );
        group_header(w, t);
        group_row(w, t, &p.current_figures);
        group_row(w, t, &p.previous_figures);
    }
    o
}

/// The heading the findings open with; the demo prints the text down to the next heading.
pub(crate) fn heading_fix_first(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "What to fix first",
        Lang::Ko => "먼저 고칠 것",
    }
}

/// The heading after the findings.
pub(crate) fn heading_goal(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Goal and KPIs",
        Lang::Ko => "목표와 KPI",
    }
}

/// The aged open deals, apart from the live pipeline.
fn aging(w: &mut String, t: Text, a: &Analysis) {
    use salesmap_core::aging::LimitSource;
    let g = &a.aging;
    let limit = match (&g.source, g.limit_days, t.ko) {
        (LimitSource::WonCycleP90 { n }, Some(d), false) => format!(
            "open longer than {} (the 90th percentile of n={n} won cycles)",
            t.days(Some(d))
        ),
        (LimitSource::WonCycleP90 { n }, Some(d), true) => format!(
            "{}보다 오래 진행 중 (수주 주기 n={n}의 90번째 백분위)",
            t.days(Some(d))
        ),
        (LimitSource::LongestWonCycle { n }, Some(d), false) => format!(
            "open longer than {} (the longest of n={n} won cycles)",
            t.days(Some(d))
        ),
        (LimitSource::LongestWonCycle { n }, Some(d), true) => format!(
            "{}보다 오래 진행 중 (수주 주기 n={n} 중 가장 긴 것)",
            t.days(Some(d))
        ),
        (LimitSource::Given, Some(d), false) => {
            format!("open longer than {} (--aging-days)", t.days(Some(d)))
        }
        (LimitSource::Given, Some(d), true) => {
            format!("{}보다 오래 진행 중 (--aging-days)", t.days(Some(d)))
        }
        (_, _, false) => {
            "no age limit (no won cycle to compare with, or --aging-days off)".to_string()
        }
        (_, _, true) => "나이 제한 없음 (비교할 수주 주기가 없거나 --aging-days off)".to_string(),
    };
    if g.aged == 0 {
        say!(
            w,
            t.ko,
            "  aged deals: none of n={} open ({})",
            "  노후 거래: 진행 중 n={} 중 없음 ({})",
            g.open,
            limit
        );
        return;
    }
    let stages: Vec<String> = g.by_stage.iter().map(|(s, n)| format!("{s} {n}")).collect();
    let credit = if g.credited {
        t.tr(
            "still weighted (--credit-aged)",
            "여전히 가중 (--credit-aged)",
        )
    } else {
        t.tr(
            "no forecast or plan credit; --credit-aged counts them",
            "예측과 계획에 넣지 않음; --credit-aged로 포함",
        )
    };
    let rotten = match (g.rotten > 0, t.ko) {
        (false, _) => String::new(),
        (true, false) => format!(", or past their stage's rotten_days ({})", g.rotten),
        (true, true) => format!(", 또는 단계의 rotten_days 초과 ({})", g.rotten),
    };
    say!(
        w,
        t.ko,
        "  aged deals: {} of n={} open, worth {} (median age {}): {}{}; {}\n    by stage: {}; oldest: {}",
        "  노후 거래: 진행 중 n={1} 중 {0}, 금액 {2} (나이 중앙값 {3}): {4}{5}; {6}\n    단계별: {7}; 가장 오래된 것: {8}",
        g.aged,
        g.open,
        grouped(g.aged_amount),
        t.days(g.aged_median_days),
        limit,
        rotten,
        credit,
        stages.join(", "),
        g.examples.join(", ")
    );
}

/// Deal attributes left out of fast vs slow and triggers, and why.
fn excluded(w: &mut String, t: Text, a: &Analysis) {
    use salesmap_core::attributes::Exclusion;
    if a.excluded_attributes.is_empty() {
        return;
    }
    say!(
        w,
        t.ko,
        "  left out of fast vs slow and triggers (the outcome itself or written at the close):",
        "  빠른/느린 비교와 촉진 요인에서 뺀 속성 (결과 자체이거나 종결 때 기록됨):"
    );
    for e in &a.excluded_attributes {
        let why = match &e.reason {
            Exclusion::OutcomeName => t
                .tr("its name says it is the outcome", "이름이 결과를 가리킴")
                .to_string(),
            Exclusion::DeterminesOutcome { values } => {
                let shown: Vec<String> = values
                    .iter()
                    .take(4)
                    .map(|(v, class, n)| format!("{v} → {class} ({n})"))
                    .collect();
                if t.ko {
                    format!("값마다 결과가 하나로 정해짐: {}", shown.join(", "))
                } else {
                    format!("each value goes with one outcome: {}", shown.join(", "))
                }
            }
        };
        say!(w, t.ko, "    {}: {}", "    {}: {}", e.attribute, why);
    }
}

fn group_header(w: &mut String, t: Text) {
    say!(
        w,
        t.ko,
        "  {:<24} {:>7} {:>6} {:>6} {:>6} {:>9} {:>12} {:>12} {:>10}",
        "  {:<24} {:>7} {:>6} {:>6} {:>6} {:>9} {:>12} {:>12} {:>10}",
        t.tr("group", "그룹"),
        t.tr("deals", "거래"),
        t.tr("won", "수주"),
        t.tr("lost", "실주"),
        t.tr("open", "진행"),
        t.tr("win rate", "승률"),
        t.tr("won value", "수주 금액"),
        t.tr("cycle", "주기"),
        t.tr("start→won", "시작→수주")
    );
}

fn group_row(w: &mut String, t: Text, g: &GroupFigures) {
    say!(
        w,
        t.ko,
        "  {} {:>7} {:>6} {:>6} {:>6} {:>9} {:>12} {:>12} {:>10}",
        "  {} {:>7} {:>6} {:>6} {:>6} {:>9} {:>12} {:>12} {:>10}",
        fit(&g.group, 24),
        g.deals,
        g.won,
        g.lost,
        g.open,
        t.pct(g.win_rate),
        grouped(g.won_value),
        t.days(g.median_cycle_days),
        t.pct(g.start_to_won)
    );
}

fn notes(w: &mut String, t: Text, a: &Analysis) {
    let n = &a.notes;
    if !n.unknown_stages.is_empty() {
        let list: Vec<String> = n
            .unknown_stages
            .iter()
            .take(8)
            .map(|(k, v)| format!("\"{k}\" ({v})"))
            .collect();
        say!(
            w,
            t.ko,
            "  note: stage names the map does not know: {}; add them as `aliases` to the right stage",
            "  참고: 맵이 모르는 단계 이름: {}; 알맞은 단계의 `aliases`에 추가하세요",
            list.join(", ")
        );
    }
    if n.bad_amount_count > 0 {
        let ex: Vec<String> = n
            .bad_amounts
            .iter()
            .take(3)
            .map(|b| format!("{} `{}`", b.deal, b.value))
            .collect();
        say!(
            w,
            t.ko,
            "  note: {} amounts are not numbers and are left out (e.g. {})",
            "  참고: 금액 {}건이 숫자가 아니어서 뺐습니다 (예: {})",
            n.bad_amount_count,
            ex.join(", ")
        );
    }
    if n.after_as_of > 0 {
        say!(
            w,
            t.ko,
            "  note: {} events after the analysis date are left out",
            "  참고: 분석 기준일 뒤의 이벤트 {}건을 뺐습니다",
            n.after_as_of
        );
    }
}

/// The findings of `salesmap_core::findings`, worded for the terminal; in Korean, the report's
/// sentences.
fn findings(map: &Map, a: &Analysis, t: Text, namer: &Namer) -> Vec<String> {
    let unit = map.goal.as_ref().and_then(|g| g.unit.clone());
    salesmap_core::findings::findings(a)
        .into_iter()
        .map(|f| {
            if t.ko {
                return namer.finding(&f, unit.as_deref());
            }
            match f {
                Finding::Friction(f) => {
                    // The most frequent reason given; `(none)` marks deals without one.
                    let reason = f
                        .reasons
                        .iter()
                        .find(|(r, _)| r != "(none)")
                        .map_or(" (no lost reason is recorded)".to_string(), |(r, n)| {
                            format!(", most often for \"{r}\" (n={n})")
                        });
                    format!(
                        "Deals drop out most at {}: {} of n={} that entered ({}) ended lost or disqualified{reason}.",
                        f.stage,
                        f.dropped,
                        f.entered,
                        t.pct(f.drop_rate)
                    )
                }
                Finding::KpiMissed(k) => format!(
                    "KPI missed: {} is {} against a target of {} (n={}).",
                    k.name,
                    k.measured.map_or(t.no_data().into(), |v| t.metric_against(
                        k.metric,
                        v,
                        Some(k.target)
                    )),
                    t.metric_value(k.metric, Some(k.target)),
                    k.n
                ),
                Finding::Stale {
                    total,
                    stage,
                    stale,
                    open_now,
                } => format!(
                    "{total} open deals are past their stage's target days; most in {stage} ({stale} of {open_now} open there)."
                ),
                Finding::FastSlow(d) => format!("Fast deals differ most in this: {}.", d.text),
                Finding::Trigger {
                    stage,
                    stage_rate,
                    lift,
                } => format!(
                    "At {stage}, deals with {} advance {} of the time vs {} overall (×{:.2}, n={}).",
                    lift.feature,
                    t.pct(Some(lift.rate)),
                    t.pct(stage_rate),
                    lift.lift,
                    lift.n
                ),
                Finding::Conformance {
                    fit_share,
                    deviation,
                } => format!(
                    "Only {} of deals follow the map; the most common deviation is \"{}\" (n={}). Fix the process or the map.",
                    t.pct(Some(fit_share)),
                    deviation.description,
                    deviation.deals
                ),
                Finding::NothingStandsOut { deals } => format!(
                    "Nothing stands out yet on n={deals} deals of {}.",
                    map.name.get(&map.language, &map.language)
                ),
            }
        })
        .collect()
}
