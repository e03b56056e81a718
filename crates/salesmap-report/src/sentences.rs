//! Sentences and names built from figures, in the report's language: findings, deviations,
//! trigger and fast-vs-slow features, KPI and metric names, stage names.
//!
//! The analytics describe a deviation or a feature with a short English key (`skipped demo
//! (sql → proposal)`, `touch: case-study`, `went through discovery`, `segment = smb`). The
//! report reads those keys back into their parts and words them anew, with stage names in
//! place of ids; a key of an unknown shape is shown as it is, never dropped. Tests hold the
//! shapes the analytics write to the ones read here.

use salesmap_core::absent::Absent;
use salesmap_core::conformance::DeviationKind;
use salesmap_core::display::decimals_against;
use salesmap_core::findings::Finding;
use salesmap_core::kpi::KpiResult;
use salesmap_core::map::{Map, Metric};

use crate::locale::Lang;

/// Names things in one language.
pub struct Namer<'a> {
    pub map: &'a Map,
    pub lang: Lang,
}

impl Namer<'_> {
    /// A stage's name in the report's language (its id when the map does not know it).
    pub fn stage(&self, id: &str) -> String {
        match self.map.find(id) {
            Some(ix) => self
                .map
                .stage(ix)
                .name
                .get(self.lang.tag(), &self.map.language)
                .to_string(),
            None => id.to_string(),
        }
    }

    /// `A → B` with stage names.
    pub fn transition(&self, from: &str, to: &str) -> String {
        format!("{} → {}", self.stage(from), self.stage(to))
    }

    /// The KPI's name from the map in the report's language, else a metric name.
    pub fn kpi(&self, index: usize, k: &KpiResult) -> String {
        match self.map.kpis.get(index).and_then(|m| m.name.as_ref()) {
            Some(t) if self.map.kpis[index].metric == k.metric => {
                t.get(self.lang.tag(), &self.map.language).to_string()
            }
            _ => self.metric(k.metric),
        }
    }

    pub fn metric(&self, m: Metric) -> String {
        let (en, ko) = match m {
            Metric::WonRevenue => ("Won revenue", "수주 매출"),
            Metric::WonDeals => ("Won deals", "수주 거래 수"),
            Metric::WinRate => ("Win rate", "승률"),
            Metric::Conversion => ("Conversion", "전환율"),
            Metric::CycleDays => ("Sales cycle", "영업 주기"),
            Metric::FirstResponseHours => ("First response time", "첫 응답 시간"),
            Metric::HandoffHours => ("Hand-off time", "인계 시간"),
            Metric::ChurnRate => ("Churn rate", "이탈률"),
            Metric::RetentionRate => ("Retention rate", "유지율"),
            Metric::SalesVelocity => ("Sales velocity", "영업 속도"),
            Metric::AverageDealSize => ("Average deal size", "평균 거래 규모"),
        };
        match self.lang {
            Lang::En => en.to_string(),
            Lang::Ko => ko.to_string(),
        }
    }

    /// A metric's value in its unit.
    pub fn metric_value(&self, m: Metric, v: Option<f64>, unit: Option<&str>) -> String {
        let l = self.lang;
        let Some(v) = v else {
            return l.words().no_data.to_string();
        };
        match m {
            Metric::WinRate | Metric::Conversion | Metric::ChurnRate | Metric::RetentionRate => {
                l.pct(Some(v))
            }
            Metric::CycleDays => l.days(Some(v)),
            Metric::FirstResponseHours | Metric::HandoffHours => l.hours(Some(v)),
            Metric::WonDeals => l.num(v, 0),
            Metric::WonRevenue | Metric::AverageDealSize => l.money(v, unit),
            Metric::SalesVelocity => match l {
                Lang::En => format!("{} / day", l.money(v, unit)),
                Lang::Ko => format!("하루 {}", l.money(v, unit)),
            },
        }
    }

    /// A metric's value next to its target, with as many decimals as it takes to sit on the
    /// same side of the target as the exact value (14.4 days against ≤ 14, not 14).
    pub fn metric_against(&self, m: Metric, v: f64, target: f64, unit: Option<&str>) -> String {
        let l = self.lang;
        let d = |scale: f64, min: usize| decimals_against(v, target, scale, min);
        match m {
            Metric::WinRate | Metric::Conversion | Metric::ChurnRate | Metric::RetentionRate => {
                format!("{}%", l.num(v * 100.0, d(100.0, 0)))
            }
            Metric::CycleDays => {
                let n = l.num(v, d(1.0, usize::from(v.abs() < 10.0)));
                match l {
                    Lang::En => format!("{n} d"),
                    Lang::Ko => format!("{n}일"),
                }
            }
            Metric::FirstResponseHours | Metric::HandoffHours => {
                let n = l.num(v, d(1.0, 1));
                match l {
                    Lang::En => format!("{n} h"),
                    Lang::Ko => format!("{n}시간"),
                }
            }
            _ => self.metric_value(m, Some(v), unit),
        }
    }

    /// Why a figure is absent, in the report's language.
    pub fn absent(&self, a: &Absent) -> String {
        match self.lang {
            Lang::En => a.english(),
            Lang::Ko => match a {
                Absent::NoClosedDeals => "아직 수주나 실주로 종결된 거래가 없습니다".into(),
                Absent::NoLossesRecorded { won } => format!(
                    "이력에 수주 {won}건만 있고 실주가 하나도 없습니다. 실주가 내보내기에 없으므로 승률은 100 %로 잘못 보입니다"
                ),
                Absent::NoWonDeals => "수주한 거래가 없습니다".into(),
                Absent::NoCycleStart { won } => {
                    format!("수주 {won}건 모두 수주 전 단계 기록이 없습니다(종결만 기록됨)")
                }
                Absent::NoChurnOutcome => "맵에 이탈(churned) 결과가 없습니다".into(),
                Absent::NoChurnRecorded { customers } => format!(
                    "이력에 이탈 결과로 들어간 거래가 없습니다(고객 {customers}건): 이탈이 기록되지 않습니다"
                ),
                Absent::NoCustomers => "수주 마일스톤에 도달한 거래가 없습니다".into(),
                Absent::StageNotInHistory { stage } => {
                    format!("이력에 `{}` 단계 진입이 없습니다", self.stage(stage))
                }
                Absent::NoTouches => "이력에 활동(터치)이 없습니다".into(),
                Absent::NoHandoffs => "단계 사이에 담당자가 바뀐 거래가 없습니다".into(),
                Absent::NoAmounts => "금액이 있는 수주 거래가 없습니다".into(),
                Absent::NoOpenDeals => "진행 중인 거래가 없습니다".into(),
            },
        }
    }

    pub fn deviation_kind(&self, k: DeviationKind) -> &'static str {
        let (en, ko) = match k {
            DeviationKind::SkippedStage => ("skipped stage", "단계 건너뜀"),
            DeviationKind::BackwardMove => ("backward move", "역행"),
            DeviationKind::UnknownStage => ("unknown stage", "알 수 없는 단계"),
            DeviationKind::MoveNotInMap => ("move not in the map", "맵에 없는 이동"),
            DeviationKind::Stuck => ("stuck", "정체"),
        };
        match self.lang {
            Lang::En => en,
            Lang::Ko => ko,
        }
    }

    /// A deviation, reworded from the analytics' key with stage names.
    pub fn deviation(&self, description: &str) -> String {
        let ko = self.lang == Lang::Ko;
        let pair = |s: &str| -> Option<(String, String)> {
            let (a, b) = s.split_once(" → ")?;
            Some((self.stage(a.trim()), self.stage(b.trim())))
        };
        if let Some(name) = description
            .strip_prefix("unknown stage \"")
            .and_then(|r| r.strip_suffix('"'))
        {
            return if ko {
                format!("맵에 없는 단계 \"{name}\"")
            } else {
                format!("unknown stage \"{name}\"")
            };
        }
        if let Some((a, b)) = description
            .strip_prefix("started at ")
            .and_then(|r| r.split_once(", not at "))
        {
            let (a, b) = (self.stage(a), self.stage(b));
            return if ko {
                format!("{b} 대신 {a}에서 시작")
            } else {
                format!("started at {a}, not at {b}")
            };
        }
        if let Some(rest) = description.strip_prefix("skipped ")
            && let Some((what, moved)) = rest.rsplit_once(" (")
            && let Some((a, b)) = moved.strip_suffix(')').and_then(pair)
        {
            let skipped = if what == "stages" {
                (if ko { "단계" } else { "stages" }).to_string()
            } else {
                what.split(", ")
                    .map(|s| self.stage(s))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            return if ko {
                format!("{skipped} 건너뜀 ({a} → {b})")
            } else {
                format!("skipped {skipped} ({a} → {b})")
            };
        }
        if let Some((a, b)) = description.strip_prefix("backward move ").and_then(pair) {
            return if ko {
                format!("역행 {a} → {b}")
            } else {
                format!("backward move {a} → {b}")
            };
        }
        if let Some((a, b)) = description
            .strip_prefix("move not in the map ")
            .and_then(pair)
        {
            return if ko {
                format!("맵에 없는 이동 {a} → {b}")
            } else {
                format!("move not in the map {a} → {b}")
            };
        }
        if let Some((stage, days)) = description
            .strip_prefix("stuck in ")
            .and_then(|r| r.strip_suffix(" days)"))
            .and_then(|r| r.split_once(" (over "))
        {
            let stage = self.stage(stage);
            let days = days
                .parse::<f64>()
                .map_or(days.to_string(), |d| self.lang.days(Some(d)));
            return if ko {
                format!("{stage}에 정체 ({days} 초과)")
            } else {
                format!("stuck in {stage} (over {days})")
            };
        }
        description.to_string()
    }

    /// A trigger or fast-vs-slow feature, reworded with stage names.
    pub fn feature(&self, key: &str) -> String {
        let ko = self.lang == Lang::Ko;
        let touch = key
            .strip_prefix("touch: ")
            .or_else(|| {
                key.strip_prefix("had a ")
                    .and_then(|r| r.strip_suffix(" touch"))
            })
            .or_else(|| {
                key.strip_prefix("had an ")
                    .and_then(|r| r.strip_suffix(" touch"))
            });
        if let Some(t) = touch {
            let article = if t.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']) {
                "an"
            } else {
                "a"
            };
            return if ko {
                format!("'{t}' 접점")
            } else {
                format!("{article} '{t}' touch")
            };
        }
        if let Some(s) = key.strip_prefix("went through ") {
            let s = self.stage(s);
            return if ko {
                format!("{s} 단계를 거침")
            } else {
                format!("went through {s}")
            };
        }
        key.to_string()
    }

    /// One finding as a sentence.
    pub fn finding(&self, f: &Finding, unit: Option<&str>) -> String {
        let l = self.lang;
        let ko = l == Lang::Ko;
        match f {
            Finding::Friction(f) => {
                let stage = self.stage(&f.stage);
                // The most frequent reason given; `(none)` marks deals without one.
                let reason = f.reasons.iter().find(|(r, _)| r != "(none)");
                if ko {
                    let why = reason.map_or(
                        " 실주 사유는 기록되어 있지 않습니다.".to_string(),
                        |(r, n)| format!(" 가장 흔한 사유는 \"{r}\"입니다(n={}).", l.int(*n)),
                    );
                    format!(
                        "거래가 가장 많이 빠지는 곳은 {stage} 단계입니다: 진입한 n={} 중 {}건({})이 실패 또는 부적격으로 끝났습니다.{why}",
                        l.int(f.entered),
                        l.int(f.dropped),
                        l.pct(f.drop_rate)
                    )
                } else {
                    let why = reason
                        .map_or(" (no lost reason is recorded)".to_string(), |(r, n)| {
                            format!(", most often for \"{r}\" (n={})", l.int(*n))
                        });
                    format!(
                        "Deals drop out most at {stage}: {} of n={} that entered ({}) ended lost or disqualified{why}.",
                        l.int(f.dropped),
                        l.int(f.entered),
                        l.pct(f.drop_rate)
                    )
                }
            }
            Finding::KpiMissed(k) => {
                let index = self
                    .map
                    .kpis
                    .iter()
                    .position(|m| {
                        m.metric == k.metric
                            && m.target == k.target
                            && m.from.map(|s| self.map.stage(s).id.as_str()) == k.from.as_deref()
                    })
                    .unwrap_or(usize::MAX);
                let name = self.kpi(index, k);
                // The measure and its target in one unit (hours stay hours beside an hours
                // target), with the decimals that keep them on their sides.
                let measured = match k.measured {
                    Some(v) => self.metric_against(k.metric, v, k.target, unit),
                    None => self.metric_value(k.metric, None, unit),
                };
                let target = self.metric_against(k.metric, k.target, k.target, unit);
                if ko {
                    format!(
                        "KPI 미달: {name}{} {measured}, 목표 {target}에 못 미칩니다(n={}).",
                        subject(&name),
                        l.int(k.n)
                    )
                } else {
                    format!(
                        "KPI missed: {name} is {measured} against a target of {target} (n={}).",
                        l.int(k.n)
                    )
                }
            }
            Finding::Stale {
                total,
                stage,
                stale,
                open_now,
            } => {
                let stage = self.stage(stage);
                if ko {
                    format!(
                        "진행 중인 거래 {}건이 단계 목표 일수를 넘겼습니다. 가장 많은 곳은 {stage}입니다(진행 중 {}건 중 {}건).",
                        l.int(*total),
                        l.int(*open_now),
                        l.int(*stale)
                    )
                } else {
                    format!(
                        "{} open deals are past their stage's target days; most in {stage} ({} of {} open there).",
                        l.int(*total),
                        l.int(*stale),
                        l.int(*open_now)
                    )
                }
            }
            Finding::FastSlow(d) => {
                let feature = self.feature(&d.feature);
                if ko {
                    format!(
                        "빠른 수주 거래의 가장 뚜렷한 특징: {feature} — 빠른 거래의 {}(n={}), 느린 거래의 {}(n={}).",
                        l.pct(Some(d.fast_share)),
                        l.int(d.fast),
                        l.pct(Some(d.slow_share)),
                        l.int(d.slow)
                    )
                } else {
                    format!(
                        "Fast deals differ most in this: {feature} — {} of fast deals (n={}) vs {} of slow ones (n={}).",
                        l.pct(Some(d.fast_share)),
                        l.int(d.fast),
                        l.pct(Some(d.slow_share)),
                        l.int(d.slow)
                    )
                }
            }
            Finding::Trigger {
                stage,
                stage_rate,
                lift,
            } => {
                let stage = self.stage(stage);
                let feature = self.feature(&lift.feature);
                if ko {
                    format!(
                        "{stage} 단계에서 {feature}{} 있는 거래는 {}가 다음으로 나아갑니다. 전체는 {}입니다(×{}, n={}).",
                        subject(&feature),
                        l.pct(Some(lift.rate)),
                        l.pct(*stage_rate),
                        l.num(lift.lift, 2),
                        l.int(lift.n)
                    )
                } else {
                    format!(
                        "At {stage}, deals with {feature} advance {} of the time vs {} overall (×{}, n={}).",
                        l.pct(Some(lift.rate)),
                        l.pct(*stage_rate),
                        l.num(lift.lift, 2),
                        l.int(lift.n)
                    )
                }
            }
            Finding::Conformance {
                fit_share,
                deviation,
            } => {
                let d = self.deviation(&deviation.description);
                if ko {
                    format!(
                        "맵을 따르는 거래는 {}뿐입니다. 가장 흔한 편차는 \"{d}\"입니다(n={}). 프로세스나 맵을 고치세요.",
                        l.pct(Some(*fit_share)),
                        l.int(deviation.deals)
                    )
                } else {
                    format!(
                        "Only {} of deals follow the map; the most common deviation is \"{d}\" (n={}). Fix the process or the map.",
                        l.pct(Some(*fit_share)),
                        l.int(deviation.deals)
                    )
                }
            }
            Finding::NothingStandsOut { deals } => {
                if ko {
                    format!(
                        "거래 n={}건에서 아직 두드러진 문제가 없습니다.",
                        l.int(*deals)
                    )
                } else {
                    format!("Nothing stands out yet on n={} deals.", l.int(*deals))
                }
            }
        }
    }
}

/// The Korean subject particle for `word`: 이 after a final consonant, 가 after a vowel,
/// 이(가) when the word does not end in Hangul.
pub fn subject(word: &str) -> &'static str {
    match word.chars().last() {
        Some(c @ '\u{AC00}'..='\u{D7A3}') => {
            if (c as u32 - 0xAC00).is_multiple_of(28) {
                "가"
            } else {
                "이"
            }
        }
        _ => "이(가)",
    }
}
