//! The renderer's own words (legend entries, detail lines, badges, measured figures, dates and
//! durations) in English and Korean. Map text comes from the map; only these words are the
//! drawing's own, and every figure an overlay carries is worded here, so a drawing in Korean
//! has no English in it.

use salesmap_core::calendar::civil_from_days;
use salesmap_core::display::percent;
use salesmap_core::history::{MICROS_PER_DAY, Micros};
use salesmap_core::map::Outcome;

/// Words for one language; any language other than Korean gets English.
#[derive(Clone, Copy, Debug)]
pub struct Wording {
    korean: bool,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl Wording {
    /// The English words.
    pub const ENGLISH: Wording = Wording { korean: false };
    /// The Korean words.
    pub const KOREAN: Wording = Wording { korean: true };

    pub fn for_lang(lang: &str) -> Wording {
        Wording {
            korean: lang == "ko" || lang.starts_with("ko-"),
        }
    }

    pub fn is_korean(self) -> bool {
        self.korean
    }

    fn pick(self, en: &'static str, ko: &'static str) -> &'static str {
        if self.korean { ko } else { en }
    }

    pub fn start(self) -> &'static str {
        self.pick("▶ start", "▶ 시작")
    }

    pub fn end(self) -> &'static str {
        self.pick("■ end", "■ 끝")
    }

    pub fn won_milestone(self) -> &'static str {
        self.pick("★ won milestone", "★ 수주 시점")
    }

    pub fn checklist(self, count: usize) -> String {
        if self.korean {
            format!("체크리스트 {count}")
        } else {
            format!("checklist {count}")
        }
    }

    pub fn target_days(self, days: f64) -> String {
        let days = format_number(days);
        if self.korean {
            format!("목표 {days}일")
        } else {
            format!("target {days} d")
        }
    }

    pub fn sub_stages(self, count: usize) -> String {
        if self.korean {
            format!("+ 하위 단계 {count}개")
        } else if count == 1 {
            "+ 1 sub-stage".to_string()
        } else {
            format!("+ {count} sub-stages")
        }
    }

    pub fn outcome(self, outcome: Outcome) -> &'static str {
        match outcome {
            Outcome::Won => self.pick("won", "수주"),
            Outcome::Lost => self.pick("lost", "실주"),
            Outcome::Disqualified => self.pick("disqualified", "부적격"),
            Outcome::Churned => self.pick("churned", "이탈"),
        }
    }

    pub fn yes(self) -> &'static str {
        self.pick("yes", "예")
    }

    pub fn no(self) -> &'static str {
        self.pick("no", "아니오")
    }

    pub fn legend(self) -> &'static str {
        self.pick("Legend", "범례")
    }

    pub fn legend_stage(self) -> &'static str {
        self.pick("stage", "단계")
    }

    pub fn legend_decision(self) -> &'static str {
        self.pick("decision (yes / no)", "결정 (예 / 아니오)")
    }

    pub fn legend_main_path(self) -> &'static str {
        self.pick("main path", "주 경로")
    }

    pub fn legend_branch(self) -> &'static str {
        self.pick("branch", "분기")
    }

    pub fn legend_loop(self) -> &'static str {
        self.pick("loop back (nurture, recycle)", "되돌아감 (육성, 재활용)")
    }

    pub fn legend_rework(self) -> &'static str {
        self.pick("back to an earlier stage", "이전 단계로 되돌아감")
    }

    pub fn legend_other_moves(self) -> &'static str {
        self.pick("other moves", "그 밖의 이동")
    }

    pub fn legend_not_in_map(self) -> &'static str {
        self.pick("not in the map (observed)", "맵에 없는 이동 (관측)")
    }

    pub fn legend_figures(self) -> &'static str {
        self.pick("measured", "측정값")
    }

    pub fn legend_over_target(self) -> &'static str {
        self.pick("median over target", "중앙값이 목표 초과")
    }

    pub fn legend_width(self) -> &'static str {
        self.pick("line width: deals that moved", "선 굵기: 이동한 거래 수")
    }

    pub fn legend_width_moves(self) -> &'static str {
        self.pick("line width: times moved", "선 굵기: 이동 횟수")
    }

    pub fn legend_slow(self) -> &'static str {
        self.pick(
            "colour: median time (slow = red)",
            "색: 중앙 소요 시간 (느림 = 빨강)",
        )
    }

    pub fn legend_terminal(self) -> &'static str {
        self.pick("where deals start and end", "거래가 시작하고 끝나는 곳")
    }

    pub fn unassigned(self) -> &'static str {
        self.pick("(no owner)", "(담당 없음)")
    }

    pub fn outcomes(self) -> &'static str {
        self.pick("Outcomes", "결과")
    }

    pub fn no_phase(self) -> &'static str {
        self.pick("(no phase)", "(단계 없음)")
    }

    pub fn goal(self) -> &'static str {
        self.pick("Goal", "목표")
    }

    pub fn not_in_map(self) -> &'static str {
        self.pick("not in the map", "맵에 없는 이동")
    }

    /// `n=475`.
    pub fn reached(self, n: u64) -> String {
        format!("n={}", group_thousands(n as f64))
    }

    /// `n=475 · median 3.2 d`.
    pub fn reached_and_median(self, n: u64, median_days: Option<f64>) -> String {
        match median_days {
            Some(m) if self.korean => format!("{} · 중앙값 {}일", self.reached(n), days_label(m)),
            Some(m) => format!("{} · median {} d", self.reached(n), days_label(m)),
            None => self.reached(n),
        }
    }

    /// `▲ over target 7 d`.
    pub fn over_target(self, days: f64) -> String {
        let days = format_number(days);
        if self.korean {
            format!("▲ 목표 {days}일 초과")
        } else {
            format!("▲ over target {days} d")
        }
    }

    /// `12 open · 5 stale`.
    pub fn open_now(self, open: u64, stale: u64) -> String {
        let (o, s) = (group_thousands(open as f64), group_thousands(stale as f64));
        match (self.korean, stale > 0) {
            (false, true) => format!("{o} open · {s} stale"),
            (false, false) => format!("{o} open"),
            (true, true) => format!("진행 중 {o} · 지연 {s}"),
            (true, false) => format!("진행 중 {o}"),
        }
    }

    /// `8 customers · 2 over target`.
    pub fn customers_now(self, customers: u64, over: u64) -> String {
        let (c, o) = (
            group_thousands(customers as f64),
            group_thousands(over as f64),
        );
        match (self.korean, over > 0) {
            (false, true) => format!("{c} customers · {o} over target"),
            (false, false) => format!("{c} customers"),
            (true, true) => format!("고객 {c} · 목표 초과 {o}"),
            (true, false) => format!("고객 {c}"),
        }
    }

    /// `35% of 316`: the share of the deals that reached a stage whose first move out of it
    /// was this one; `n=316` when no deal reached it.
    pub fn share_of(self, share: Option<f64>, of: u64) -> String {
        let n = group_thousands(of as f64);
        match share {
            Some(s) if self.korean => format!("{n}건 중 {}", percent(s)),
            Some(s) => format!("{} of {n}", percent(s)),
            None => self.reached(of),
        }
    }

    /// `600 deals`.
    pub fn deals(self, n: u64) -> String {
        let n = group_thousands(n as f64);
        if self.korean {
            format!("거래 {n}건")
        } else if n == "1" {
            "1 deal".to_string()
        } else {
            format!("{n} deals")
        }
    }

    /// `1,434 events`.
    pub fn events(self, n: u64) -> String {
        let n = group_thousands(n as f64);
        if self.korean {
            format!("이벤트 {n}건")
        } else if n == "1" {
            "1 event".to_string()
        } else {
            format!("{n} events")
        }
    }

    /// A count of moves on an as-is edge: `1,079` (`1,079×` reads as "times").
    pub fn times(self, n: u64) -> String {
        let n = group_thousands(n as f64);
        if self.korean {
            format!("{n}회")
        } else {
            format!("{n}×")
        }
    }

    /// `median 2.3 d`.
    pub fn median_time(self, seconds: f64) -> String {
        let d = self.duration(seconds);
        if self.korean {
            format!("중앙값 {d}")
        } else {
            format!("median {d}")
        }
    }

    /// `mean 4.1 d`.
    pub fn mean_time(self, seconds: f64) -> String {
        let d = self.duration(seconds);
        if self.korean {
            format!("평균 {d}")
        } else {
            format!("mean {d}")
        }
    }

    /// A duration in the unit that reads best: seconds below 2 minutes, minutes below 2
    /// hours, hours up to 48 hours, days beyond (`45 s`, `12 min`, `5.5 h`, `3.2 d`).
    pub fn duration(self, seconds: f64) -> String {
        let (value, en, ko) = if seconds < 120.0 {
            (format!("{seconds:.0}"), "s", "초")
        } else if seconds < 7_200.0 {
            (format!("{:.0}", seconds / 60.0), "min", "분")
        } else if seconds <= 172_800.0 {
            (format_number(seconds / 3_600.0), "h", "시간")
        } else {
            (days_label(seconds / 86_400.0), "d", "일")
        };
        if self.korean {
            format!("{value}{ko}")
        } else {
            format!("{value} {en}")
        }
    }

    /// A calendar date: `Jan 5, 2027` / `2027년 1월 5일`.
    pub fn date(self, at: Micros) -> String {
        let (y, m, d) = civil_from_days(at.div_euclid(MICROS_PER_DAY));
        if self.korean {
            format!("{y}년 {m}월 {d}일")
        } else {
            format!("{} {d}, {y}", MONTHS[m as usize - 1])
        }
    }

    /// What the figures were measured on: `history.csv · 600 deals · Jan 1, 2026 – Jun 30,
    /// 2027 · as of Jun 30, 2027`.
    pub fn measured(
        self,
        source: &str,
        deals: u64,
        span: Option<(Micros, Micros)>,
        as_of: Option<Micros>,
    ) -> String {
        let mut parts = Vec::new();
        if !source.trim().is_empty() {
            parts.push(source.trim().to_string());
        }
        parts.push(self.deals(deals));
        if let Some((from, to)) = span {
            parts.push(format!("{} – {}", self.date(from), self.date(to)));
        }
        if let Some(at) = as_of {
            parts.push(if self.korean {
                format!("기준일 {}", self.date(at))
            } else {
                format!("as of {}", self.date(at))
            });
        }
        parts.join(" · ")
    }

    /// The as-is map's title.
    pub fn as_is_title(self, source: &str) -> String {
        if self.korean {
            format!("실제 프로세스: {source}")
        } else {
            format!("As-is process: {source}")
        }
    }

    /// `12 of 27 activities · 30 of 99 paths`.
    pub fn sliders(self, activities: (usize, usize), paths: (usize, usize)) -> String {
        if self.korean {
            format!(
                "활동 {}개 중 {}개 · 경로 {}개 중 {}개",
                activities.1, activities.0, paths.1, paths.0
            )
        } else {
            format!(
                "{} of {} activities · {} of {} paths",
                activities.0, activities.1, paths.0, paths.1
            )
        }
    }
}

/// A number as people write it: no trailing `.0`, at most one decimal.
pub fn format_number(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded:.1}")
    }
}

/// Days with one decimal below 10, whole days above (as the analysis prints them).
pub fn days_label(d: f64) -> String {
    salesmap_core::analysis::days_label(d)
}

/// An amount with thousands separators: `1,200,000`.
pub fn group_thousands(value: f64) -> String {
    let text = format_number(value);
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_in_both_languages() {
        let (en, ko) = (Wording::for_lang("en"), Wording::for_lang("ko"));
        assert_eq!(
            en.reached_and_median(1234, Some(13.2)),
            "n=1,234 · median 13 d"
        );
        assert_eq!(
            ko.reached_and_median(1234, Some(3.24)),
            "n=1,234 · 중앙값 3.2일"
        );
        assert_eq!(en.share_of(Some(0.35), 316), "35% of 316");
        assert_eq!(ko.share_of(Some(0.35), 316), "316건 중 35%");
        assert_eq!(en.open_now(37, 37), "37 open · 37 stale");
        assert_eq!(ko.open_now(37, 0), "진행 중 37");
        assert_eq!(en.over_target(7.0), "▲ over target 7 d");
        assert_eq!(ko.deals(600), "거래 600건");
        assert_eq!(en.date(0), "Jan 1, 1970");
        assert_eq!(ko.date(MICROS_PER_DAY * 365), "1971년 1월 1일");
    }

    #[test]
    fn durations_read_in_the_best_unit_and_days_past_48_hours() {
        let en = Wording::for_lang("en");
        let got: Vec<String> = [45.0, 720.0, 19_800.0, 172_800.0, 176_400.0, 1_000_000.0]
            .iter()
            .map(|&s| en.duration(s))
            .collect();
        assert_eq!(got, ["45 s", "12 min", "5.5 h", "48 h", "2.0 d", "12 d"]);
        assert_eq!(Wording::for_lang("ko").duration(19_800.0), "5.5시간");
    }

    #[test]
    fn goal_amounts_are_grouped() {
        assert_eq!(group_thousands(1_200_000.0), "1,200,000");
        assert_eq!(group_thousands(75.0), "75");
        assert_eq!(group_thousands(-1234.5), "-1,234.5");
    }
}
