//! The report's two editions: every heading and label in English and Korean ([`Words`]), and
//! numbers, amounts, durations and dates written the way each language's readers expect
//! ([`Lang`]'s formatting methods).
//!
//! Both languages group thousands with commas (`1,234.5`). English dates read `Jan 5, 2027`
//! and months `Jan 2027` (`Jan '27` on an axis); Korean ones `2027년 1월 5일` and `2027년 1월`
//! (`27년 1월`). Durations are `12 d` / `12일` and `5.8 h` / `5.8시간`, hours past 48 as days. Short amounts use K/M/B in English and 만/억 in
//! Korean (`661만`). Every label lives in one [`Words`] value per language, so a heading cannot
//! exist in one edition and be missing from the other: the compiler checks both are complete.

use salesmap_core::calendar::{Day, civil_from_days, days_from_civil};

/// The edition a report is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Ko,
}

impl Lang {
    pub const NAMES: [&'static str; 2] = ["en", "ko"];

    pub fn from_name(name: &str) -> Option<Lang> {
        match name {
            "en" => Some(Lang::En),
            "ko" => Some(Lang::Ko),
            _ => None,
        }
    }

    /// The BCP 47 tag, for `<html lang>` and for picking map text.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    pub fn words(self) -> &'static Words {
        match self {
            Lang::En => &EN,
            Lang::Ko => &KO,
        }
    }

    /// A whole number with thousands separators.
    pub fn int(self, v: u64) -> String {
        group(&v.to_string())
    }

    /// A number with `decimals` places and thousands separators; `-0` is written `0`.
    pub fn num(self, v: f64, decimals: usize) -> String {
        if !v.is_finite() {
            return DASH.to_string();
        }
        let s = format!("{:.*}", decimals, v.abs());
        let (whole, frac) = match s.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (s.as_str(), None),
        };
        let mut out = group(whole);
        if let Some(f) = frac {
            out.push('.');
            out.push_str(f);
        }
        let zero = out.chars().all(|c| matches!(c, '0' | '.' | ','));
        if v < 0.0 && !zero {
            out.insert(0, '-');
        }
        out
    }

    /// A count that may be fractional (plan needs): whole above 10, one decimal below.
    pub fn count(self, v: f64) -> String {
        if v.abs() >= 10.0 || v == v.round() {
            self.num(v, 0)
        } else {
            self.num(v, 1)
        }
    }

    /// A share as a percentage: `41%`; decimals where whole percents would read 0 % or
    /// 100 % (`0.4%`, `99.8%`), as `salesmap_core::display::percent_decimals` says.
    pub fn pct(self, v: Option<f64>) -> String {
        match v {
            Some(v) if v.is_finite() => format!(
                "{}%",
                self.num(v * 100.0, salesmap_core::display::percent_decimals(v))
            ),
            _ => DASH.to_string(),
        }
    }

    /// Days: one decimal below ten, whole above.
    pub fn days(self, v: Option<f64>) -> String {
        let Some(v) = v.filter(|v| v.is_finite()) else {
            return DASH.to_string();
        };
        let n = if v.abs() < 10.0 {
            self.num(v, 1)
        } else {
            self.num(v, 0)
        };
        match self {
            Lang::En => format!("{n} d"),
            Lang::Ko => format!("{n}일"),
        }
    }

    /// Hours up to 48, days beyond (`5.8 h`, `2.1 d`): a two-day hand-off reads as days.
    pub fn hours(self, v: Option<f64>) -> String {
        let Some(v) = v.filter(|v| v.is_finite()) else {
            return DASH.to_string();
        };
        if v > 48.0 {
            return self.days(Some(v / 24.0));
        }
        match self {
            Lang::En => format!("{} h", self.num(v, 1)),
            Lang::Ko => format!("{}시간", self.num(v, 1)),
        }
    }

    /// An amount in full, with its unit: `1,200,000 USD`; Korean won as `1,200,000원`.
    pub fn money(self, v: f64, unit: Option<&str>) -> String {
        with_unit(self, self.num(v, 0), unit)
    }

    /// An amount in short: `6.6M USD`, `661만 USD`, `12억 원`.
    pub fn money_short(self, v: f64, unit: Option<&str>) -> String {
        with_unit(self, self.short(v), unit)
    }

    /// A number in short: K/M/B in English, 만/억/조 in Korean.
    pub fn short(self, v: f64) -> String {
        if !v.is_finite() {
            return DASH.to_string();
        }
        let a = v.abs();
        let steps: &[(f64, &str)] = match self {
            Lang::En => &[(1e9, "B"), (1e6, "M"), (1e3, "K")],
            Lang::Ko => &[(1e12, "조"), (1e8, "억"), (1e4, "만")],
        };
        for &(size, suffix) in steps {
            if a >= size {
                let scaled = v / size;
                let digits = if scaled.abs() < 10.0 { 1 } else { 0 };
                let mut n = self.num(scaled, digits);
                if n.ends_with(".0") {
                    n.truncate(n.len() - 2);
                }
                return format!("{n}{suffix}");
            }
        }
        self.num(v, if a < 10.0 && a != a.round() { 1 } else { 0 })
    }

    /// A calendar date: `Jan 5, 2027` / `2027년 1월 5일`.
    pub fn date(self, day: Day) -> String {
        let (y, m, d) = civil_from_days(day);
        match self {
            Lang::En => format!("{} {d}, {y}", MONTHS[m as usize - 1]),
            Lang::Ko => format!("{y}년 {m}월 {d}일"),
        }
    }

    /// A month: `Jan 2027` / `2027년 1월`.
    pub fn month(self, day: Day) -> String {
        let (y, m, _) = civil_from_days(day);
        match self {
            Lang::En => format!("{} {y}", MONTHS[m as usize - 1]),
            Lang::Ko => format!("{y}년 {m}월"),
        }
    }

    /// A month for a chart axis or a table column: `Jan '27` / `27년 1월`.
    pub fn month_short(self, day: Day) -> String {
        let (y, m, _) = civil_from_days(day);
        let yy = y.rem_euclid(100);
        match self {
            Lang::En => format!("{} '{yy:02}", MONTHS[m as usize - 1]),
            Lang::Ko => format!("{yy:02}년 {m}월"),
        }
    }

    /// A planning period label from the planner (`2027-01`, `2027-Q1`, `2027-01-04`).
    pub fn period(self, label: &str) -> String {
        let parts: Vec<&str> = label.split('-').collect();
        match (self, parts.as_slice()) {
            (Lang::En, [y, q]) if q.starts_with('Q') => format!("{q} {y}"),
            (Lang::Ko, [y, q]) if q.starts_with('Q') => format!("{y}년 {}분기", &q[1..]),
            (Lang::En, [y, m]) => match m.parse::<usize>() {
                Ok(m @ 1..=12) => format!("{} {y}", MONTHS[m - 1]),
                _ => label.to_string(),
            },
            (Lang::Ko, [y, m]) => match m.parse::<u32>() {
                Ok(m @ 1..=12) => format!("{y}년 {m}월"),
                _ => label.to_string(),
            },
            (_, [_, _, _]) => match salesmap_core::calendar::parse_date(label) {
                Some(d) => match self {
                    Lang::En => format!("wk {}", self.date(d)),
                    Lang::Ko => format!("{} 주", self.date(d)),
                },
                None => label.to_string(),
            },
            _ => label.to_string(),
        }
    }
}

impl Lang {
    /// A planning period label for a table column: `Jan '27`, `Q1 '27`, `27년 1월`, `27년 1분기`.
    pub fn period_short(self, label: &str) -> String {
        let parts: Vec<&str> = label.split('-').collect();
        if let [y, p] = parts.as_slice()
            && let Ok(y) = y.parse::<i64>()
        {
            let yy = y.rem_euclid(100);
            if let Some(q) = p.strip_prefix('Q') {
                return match self {
                    Lang::En => format!("Q{q} '{yy:02}"),
                    Lang::Ko => format!("{yy:02}년 {q}분기"),
                };
            }
            if let Ok(m @ 1..=12) = p.parse::<u32>() {
                return self.month_short(days_from_civil(y, m, 1));
            }
        }
        match salesmap_core::calendar::parse_date(label) {
            Some(d) => {
                let (_, m, day) = civil_from_days(d);
                match self {
                    Lang::En => format!("{} {day}", MONTHS[m as usize - 1]),
                    Lang::Ko => format!("{m}/{day}"),
                }
            }
            None => label.to_string(),
        }
    }
}

/// What a missing figure shows.
pub const DASH: &str = "–";

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn group(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn with_unit(lang: Lang, n: String, unit: Option<&str>) -> String {
    match (lang, unit.map(str::trim).filter(|u| !u.is_empty())) {
        (Lang::Ko, Some(u)) if u.eq_ignore_ascii_case("KRW") || u == "원" => format!("{n}원"),
        (_, Some(u)) => format!("{n} {u}"),
        (_, None) => n,
    }
}

/// Every fixed piece of text in the report, in one language.
#[derive(Debug)]
pub struct Words {
    pub kicker: &'static str,
    pub deals: &'static str,
    pub as_of: &'static str,
    pub map_version: &'static str,
    pub contents: &'static str,
    // At a glance.
    pub glance: &'static str,
    pub won_revenue: &'static str,
    pub of_goal: &'static str,
    pub win_rate: &'static str,
    pub won_of_closed: &'static str,
    pub median_cycle: &'static str,
    pub velocity: &'static str,
    pub per_day: &'static str,
    pub open_deals: &'static str,
    pub open_pipeline: &'static str,
    pub fit_map: &'static str,
    pub deals_fit: &'static str,
    pub target: &'static str,
    pub target_col: &'static str,
    pub fix_first: &'static str,
    // Map.
    pub map_title: &'static str,
    pub map_note: &'static str,
    // Goal and KPIs.
    pub kpis_title: &'static str,
    pub kpi: &'static str,
    pub measured: &'static str,
    pub status: &'static str,
    pub met: &'static str,
    pub missed: &'static str,
    pub no_data: &'static str,
    pub goal: &'static str,
    pub deadline: &'static str,
    pub no_goal: &'static str,
    pub no_kpis: &'static str,
    pub first_response: &'static str,
    pub churn: &'static str,
    pub handoffs: &'static str,
    // Funnel.
    pub funnel_title: &'static str,
    pub funnel_note: &'static str,
    pub stage: &'static str,
    pub reached: &'static str,
    pub moved_on: &'static str,
    pub dropped: &'static str,
    pub still_open: &'static str,
    pub conversion: &'static str,
    pub cumulative: &'static str,
    pub open_now: &'static str,
    pub stale: &'static str,
    pub went_on: &'static str,
    pub customers_now: &'static str,
    pub first_move: &'static str,
    pub aged_deals: &'static str,
    pub live_open: &'static str,
    pub excluded_title: &'static str,
    pub outcome_name: &'static str,
    pub outcome_values: &'static str,
    pub won_marker: &'static str,
    // Times.
    pub times_title: &'static str,
    pub times_note: &'static str,
    pub days_axis: &'static str,
    pub median: &'static str,
    pub over_target: &'static str,
    pub open_stays: &'static str,
    pub cycle_title: &'static str,
    pub cycle_note: &'static str,
    pub won_deals_axis: &'static str,
    pub no_won: &'static str,
    // Trends.
    pub trend_title: &'static str,
    pub trend_note: &'static str,
    pub win_rate_by_month: &'static str,
    pub velocity_by_month: &'static str,
    pub closed: &'static str,
    pub no_closes: &'static str,
    // As-is.
    pub asis_title: &'static str,
    pub asis_note: &'static str,
    pub designed: &'static str,
    pub as_is_moves: &'static str,
    pub transition: &'static str,
    pub moves: &'static str,
    pub deals_col: &'static str,
    pub not_in_map: &'static str,
    pub unused: &'static str,
    pub none: &'static str,
    // Conformance.
    pub conformance_title: &'static str,
    pub deviation: &'static str,
    pub kind: &'static str,
    pub examples: &'static str,
    pub no_deviations: &'static str,
    // Fast vs slow.
    pub fastslow_title: &'static str,
    pub fastslow_note: &'static str,
    pub feature: &'static str,
    pub fast: &'static str,
    pub slow: &'static str,
    pub fastest: &'static str,
    pub slowest: &'static str,
    pub too_few_won: &'static str,
    pub stage_medians: &'static str,
    pub touches_before_win: &'static str,
    pub outliers: &'static str,
    // Triggers and friction.
    pub triggers_title: &'static str,
    pub triggers_note: &'static str,
    pub advance: &'static str,
    pub lifts: &'static str,
    pub no_lift: &'static str,
    pub friction: &'static str,
    pub drop_rate: &'static str,
    pub reasons: &'static str,
    // Plan.
    pub plan_title: &'static str,
    pub plan_note: &'static str,
    pub rate_next: &'static str,
    pub to_won: &'static str,
    pub days_to_won: &'static str,
    pub needed: &'static str,
    pub late: &'static str,
    pub touches: &'static str,
    pub source_measured: &'static str,
    pub source_map: &'static str,
    pub source_given: &'static str,
    pub source_what_if: &'static str,
    pub no_plan: &'static str,
    pub plan_covered: &'static str,
    pub plan_by_period: &'static str,
    // Summary, pipeline, owners, quarters, drawings.
    pub summary_note: &'static str,
    pub weighted_forecast: &'static str,
    pub weighted_sub: &'static str,
    pub this_quarter: &'static str,
    pub pipeline_title: &'static str,
    pub pipeline_note: &'static str,
    pub open_amount: &'static str,
    pub chance: &'static str,
    pub weighted: &'static str,
    pub total: &'static str,
    pub measured_short: &'static str,
    pub designed_short: &'static str,
    pub by_owner: &'static str,
    pub by_owner_note: &'static str,
    pub no_owner: &'static str,
    pub owner: &'static str,
    pub won_col: &'static str,
    pub lost_col: &'static str,
    pub open_col: &'static str,
    pub won_value_col: &'static str,
    pub quarter_title: &'static str,
    pub quarter_note: &'static str,
    pub started: &'static str,
    pub change: &'static str,
    pub designed_drawing: &'static str,
    pub as_is_drawing: &'static str,
    pub as_is_drawing_note: &'static str,
    pub scroll_hint: &'static str,
    pub map_continued: &'static str,
    // Charts.
    pub deals_axis: &'static str,
    pub stage_days_axis: &'static str,
    pub cycle_days_axis: &'static str,
    pub stays_box: &'static str,
    pub stays_whiskers: &'static str,
    pub won_deals_bar: &'static str,
    pub win_rate_line: &'static str,
    pub win_rate_axis: &'static str,
    pub velocity_line: &'static str,
    pub velocity_axis: &'static str,
    pub month_n_note: &'static str,
    pub reached_note: &'static str,
    // Footer.
    pub definitions: &'static str,
    pub definition_lines: [&'static str; 6],
    pub generated: &'static str,
    // What the import of the history said.
    pub import_notes_title: &'static str,
    pub import_notes_intro: &'static str,
}

pub static EN: Words = Words {
    kicker: "Sales process report",
    deals: "deals",
    as_of: "as of",
    map_version: "map version",
    contents: "Contents",
    glance: "At a glance",
    won_revenue: "Won revenue",
    of_goal: "of the goal",
    win_rate: "Win rate",
    won_of_closed: "won of closed",
    median_cycle: "Median sales cycle",
    velocity: "Sales velocity",
    per_day: "per day",
    open_deals: "Open deals",
    open_pipeline: "in the open pipeline",
    fit_map: "Deals that follow the map",
    deals_fit: "deals fit",
    target: "target",
    target_col: "Target",
    fix_first: "What to fix first",
    map_title: "The process map, measured",
    map_note: "The designed map with what the history shows: deals that reached each stage with their median days there, and the share of deals that went on along each transition.",
    kpis_title: "Goal and KPIs",
    kpi: "KPI",
    measured: "Measured",
    status: "Status",
    met: "met",
    missed: "missed",
    no_data: "no data",
    goal: "Goal",
    deadline: "deadline",
    no_goal: "The map sets no goal.",
    no_kpis: "The map sets no KPIs.",
    first_response: "First response",
    churn: "Client churn",
    handoffs: "Hand-offs between owners",
    funnel_title: "Funnel and drop-off",
    funnel_note: "Deals that entered each stage of the main path, as recorded, split by what happened next: moved on to the next stage (at any time), went further another way (skipping the next stage), dropped out (lost or disqualified with this as the furthest stage reached) or still open. Won deals after the sale are customers, not open pipeline.",
    stage: "Stage",
    reached: "Reached",
    moved_on: "Moved on",
    dropped: "Dropped",
    still_open: "Still open",
    conversion: "To next",
    cumulative: "From start",
    open_now: "Open now",
    stale: "Stale",
    went_on: "Went on another way",
    customers_now: "Customers now",
    first_move: "Went there first",
    aged_deals: "aged",
    live_open: "live",
    excluded_title: "Left out of the comparison (the outcome itself or written at the close)",
    outcome_name: "its name says it is the outcome",
    outcome_values: "each value goes with one outcome",
    won_marker: "won milestone",
    times_title: "Time in stage",
    times_note: "Completed stays in each stage. Box: middle half of deals (25th to 75th percentile); line: median; whiskers: 10th to 90th percentile; red tick: the stage's target days. Log scale.",
    days_axis: "days",
    median: "Median",
    over_target: "Over target",
    open_stays: "Open stays",
    cycle_title: "Sales cycle",
    cycle_note: "Days from the start of the process to the won milestone, for every won deal.",
    won_deals_axis: "won deals",
    no_won: "No deal has been won yet, so there is no sales cycle to show.",
    trend_title: "Win rate and velocity over time",
    trend_note: "Deals by the month they closed; months with fewer than 5 closed deals are left out. Velocity: deals open at the month's end × average won amount × win rate / median cycle.",
    win_rate_by_month: "Win rate by month of close",
    velocity_by_month: "Sales velocity by month (amount per day)",
    closed: "closed",
    no_closes: "No deal has closed yet.",
    asis_title: "As-is beside the designed map",
    asis_note: "Where the deals that reached each stage went first (the shares out of one stage add up to at most 100 %; the map's edges show the same shares), how often each move was made, re-entries included, and the moves the history makes that the map lacks.",
    designed: "Designed transitions",
    as_is_moves: "What the history does instead",
    transition: "Transition",
    moves: "Moves",
    deals_col: "Deals",
    not_in_map: "Moves not in the map",
    unused: "Transitions nobody used",
    none: "none",
    conformance_title: "Conformance and deviations",
    deviation: "Deviation",
    kind: "Kind",
    examples: "Examples",
    no_deviations: "Every deal follows the map.",
    fastslow_title: "Fast vs slow won deals",
    fastslow_note: "The fastest quarter of won deals against the slowest quarter: what the fast ones share.",
    feature: "Feature",
    fast: "Fast",
    slow: "Slow",
    fastest: "fastest",
    slowest: "slowest",
    too_few_won: "Too few won deals to compare quartiles (at least 8 are needed).",
    stage_medians: "Median days per stage",
    touches_before_win: "Touches before the win",
    outliers: "Outliers (beyond 1.5 IQR)",
    triggers_title: "Triggers and friction",
    triggers_note: "Triggers: what raises the chance of advancing from a stage (lift = rate with it / the stage's rate). Friction: where deals end lost or disqualified, and why.",
    advance: "Advance",
    lifts: "Strongest lifts",
    no_lift: "no lift found",
    friction: "Friction",
    drop_rate: "Drop rate",
    reasons: "Top reasons",
    plan_title: "Reverse-funnel plan",
    plan_note: "Entries each stage needs to close the quota, from the measured rates (or the map's where history is thin), moved earlier by each stage's time to the win.",
    rate_next: "Rate to next",
    to_won: "To won",
    days_to_won: "Days to won",
    needed: "Needed",
    late: "Already late",
    touches: "Touches",
    source_measured: "measured",
    source_map: "map",
    source_given: "given",
    source_what_if: "what-if",
    no_plan: "No plan could be made",
    plan_covered: "Deals already open are expected to cover the quota: no new entries are needed.",
    plan_by_period: "Entries needed per period",
    summary_note: "The figures a manager reads first; the detail follows below.",
    weighted_forecast: "Weighted forecast",
    weighted_sub: "of {open} open pipeline, weighted by each stage's chance of winning",
    this_quarter: "This quarter",
    pipeline_title: "Pipeline, forecast and owners",
    pipeline_note: "Open deals by the stage they are in now with their amounts, and the forecast: each amount weighted by the stage's chance of ending won (measured on closed deals, else the map's probability). Aged deals are apart.",
    open_amount: "Open amount",
    chance: "Chance of winning",
    weighted: "Weighted",
    total: "Total",
    measured_short: "measured",
    designed_short: "map",
    by_owner: "By owner",
    by_owner_note: "Each deal under the owner it has now (the history's owner), with its figures.",
    no_owner: "The history names no owners, so there is no breakdown by owner.",
    owner: "Owner",
    won_col: "Won",
    lost_col: "Lost",
    open_col: "Open",
    won_value_col: "Won value",
    quarter_title: "This quarter against the last",
    quarter_note: "This quarter so far against the same days of the last one, by the day deals started, were won or were lost.",
    started: "Deals started",
    change: "Change",
    designed_drawing: "Designed: the map",
    as_is_drawing: "As-is: what the history shows",
    as_is_drawing_note: "Every stage deals entered, with the most frequent moves between them (the moves that connect every stage from start to end always shown); lines as wide as the moves are many.",
    scroll_hint: "The map keeps its size on a small screen: scroll sideways to see all of it.",
    map_continued: "The process map, continued",
    deals_axis: "deals (count)",
    stage_days_axis: "days in the stage (log scale)",
    cycle_days_axis: "days from the deal's start to won",
    stays_box: "middle half of stays (p25–p75)",
    stays_whiskers: "p10–p90",
    won_deals_bar: "won deals per bar",
    win_rate_line: "win rate of the deals closed in the month",
    win_rate_axis: "won / (won + lost), %",
    velocity_line: "open deals × average won deal × win rate ÷ median cycle",
    velocity_axis: "{unit} per day",
    month_n_note: "n under each month: the deals closed that month; months with fewer than 5 closes are left blank.",
    reached_note: "{n} reached · {pct} went on",
    definitions: "How to read this report",
    definition_lines: [
        "Conversion is cohort based: of the deals that reached a stage, the share that reached the next; it never exceeds 100%.",
        "Time in stage runs from a stage entry to the next; deals still in a stage are counted apart, never in the medians.",
        "Sales cycle: from the start stage to the won milestone, won deals only.",
        "Win rate: won / (won + lost) among closed deals; disqualified deals are not opportunities.",
        "Sales velocity: open deals × average won amount × win rate / median cycle length, per day.",
        "Every figure says the number of deals (n) it rests on.",
    ],
    generated: "Generated by salesmap from",
    import_notes_title: "What the import left out or assumed",
    import_notes_intro: "Reading the history said the following, as `salesmap import` says it. Rows it names are not in the figures of this report; check them before trusting a figure they touch.",
};

pub static KO: Words = Words {
    kicker: "영업 프로세스 보고서",
    deals: "건의 거래",
    as_of: "기준일",
    map_version: "맵 버전",
    contents: "목차",
    glance: "한눈에 보기",
    won_revenue: "수주 매출",
    of_goal: "목표 대비",
    win_rate: "승률",
    won_of_closed: "종결 거래 중 수주",
    median_cycle: "영업 주기 중앙값",
    velocity: "영업 속도",
    per_day: "하루당",
    open_deals: "진행 중 거래",
    open_pipeline: "진행 중 파이프라인",
    fit_map: "맵을 따르는 거래",
    deals_fit: "건 일치",
    target: "목표",
    target_col: "목표",
    fix_first: "먼저 고칠 점",
    map_title: "측정값을 얹은 프로세스 맵",
    map_note: "설계된 맵 위에 이력이 보여 주는 값을 얹었습니다: 각 단계에 도달한 거래 수와 그 단계의 체류 일수 중앙값, 각 전환을 따라 다음으로 넘어간 거래의 비율.",
    kpis_title: "목표와 KPI",
    kpi: "KPI",
    measured: "측정값",
    status: "상태",
    met: "달성",
    missed: "미달",
    no_data: "데이터 없음",
    goal: "목표",
    deadline: "마감",
    no_goal: "맵에 목표가 없습니다.",
    no_kpis: "맵에 KPI가 없습니다.",
    first_response: "첫 응답 시간",
    churn: "고객 이탈률",
    handoffs: "담당자 간 인계",
    funnel_title: "퍼널과 이탈",
    funnel_note: "주 경로의 각 단계에 기록상 진입한 거래 수와 그다음에 일어난 일: 다음 단계로 진행(시점 무관), 다음 단계를 건너뛰고 진행, 이탈(이 단계가 도달한 가장 먼 단계이고 실주나 부적격으로 종결), 진행 중. 수주 후 단계의 거래는 진행 중 파이프라인이 아니라 고객으로 셉니다.",
    stage: "단계",
    reached: "도달",
    moved_on: "다음 단계로",
    dropped: "이탈",
    still_open: "진행 중",
    conversion: "다음 단계 전환율",
    cumulative: "시작 대비",
    open_now: "현재 진행",
    stale: "지연",
    went_on: "다른 경로로 진행",
    customers_now: "현재 고객",
    first_move: "첫 이동 비율",
    aged_deals: "노후",
    live_open: "유효",
    excluded_title: "비교에서 제외한 속성(결과 자체이거나 종결 때 기록됨)",
    outcome_name: "이름이 결과를 뜻합니다",
    outcome_values: "값마다 결과가 하나로 정해집니다",
    won_marker: "수주 마일스톤",
    times_title: "단계별 체류 시간",
    times_note: "각 단계에서 끝난 체류 기간. 상자: 가운데 절반(25~75 백분위), 선: 중앙값, 수염: 10~90 백분위, 빨간 눈금: 단계 목표 일수. 로그 눈금.",
    days_axis: "일",
    median: "중앙값",
    over_target: "목표 초과",
    open_stays: "진행 중 체류",
    cycle_title: "영업 주기",
    cycle_note: "수주한 모든 거래에 대해, 프로세스 시작부터 수주 마일스톤까지 걸린 일수.",
    won_deals_axis: "수주 거래",
    no_won: "아직 수주한 거래가 없어 영업 주기를 보여 줄 수 없습니다.",
    trend_title: "월별 승률과 영업 속도",
    trend_note: "거래가 종결된 달 기준이며, 종결 거래가 5건 미만인 달은 뺐습니다. 영업 속도: 월말 진행 중 거래 × 평균 수주 금액 × 승률 / 영업 주기 중앙값.",
    win_rate_by_month: "종결 월별 승률",
    velocity_by_month: "월별 영업 속도(하루당 금액)",
    closed: "종결",
    no_closes: "아직 종결된 거래가 없습니다.",
    asis_title: "실제 흐름과 설계된 맵",
    asis_note: "각 단계에 도달한 거래가 처음 어디로 갔는지(한 단계에서 나가는 비율의 합은 100 % 이하이며 맵의 화살표와 같은 값), 재진입을 포함한 이동 횟수, 그리고 맵에 없는 이동.",
    designed: "설계된 전환",
    as_is_moves: "실제로 일어난 다른 이동",
    transition: "전환",
    moves: "이동 수",
    deals_col: "거래 수",
    not_in_map: "맵에 없는 이동",
    unused: "아무도 쓰지 않은 전환",
    none: "없음",
    conformance_title: "적합도와 편차",
    deviation: "편차",
    kind: "유형",
    examples: "예시",
    no_deviations: "모든 거래가 맵을 따릅니다.",
    fastslow_title: "빠른 수주와 느린 수주",
    fastslow_note: "수주 거래 중 가장 빠른 4분의 1과 가장 느린 4분의 1 비교: 빠른 거래의 공통점.",
    feature: "특징",
    fast: "빠른 거래",
    slow: "느린 거래",
    fastest: "가장 빠른",
    slowest: "가장 느린",
    too_few_won: "수주 거래가 너무 적어 사분위를 비교할 수 없습니다(8건 이상 필요).",
    stage_medians: "단계별 체류 일수 중앙값",
    touches_before_win: "수주 전 접점 수",
    outliers: "이상치(1.5 IQR 밖)",
    triggers_title: "촉진 요인과 마찰",
    triggers_note: "촉진 요인: 단계에서 다음으로 나아갈 가능성을 높이는 것(향상도 = 해당 요인이 있을 때의 비율 / 단계 전체 비율). 마찰: 거래가 실패나 부적격으로 끝나는 곳과 그 이유.",
    advance: "진행률",
    lifts: "가장 큰 향상",
    no_lift: "향상 요인 없음",
    friction: "마찰",
    drop_rate: "이탈률",
    reasons: "주요 사유",
    plan_title: "역산 퍼널 계획",
    plan_note: "할당량을 달성하려면 각 단계에 몇 건이 들어와야 하는지를 측정된 전환율(이력이 부족하면 맵의 값)로 계산하고, 단계별 수주까지 걸리는 기간만큼 앞당겨 배치했습니다.",
    rate_next: "다음 단계 전환율",
    to_won: "수주까지",
    days_to_won: "수주까지 일수",
    needed: "필요",
    late: "이미 늦음",
    touches: "접점",
    source_measured: "측정",
    source_map: "맵",
    source_given: "지정",
    source_what_if: "가정",
    no_plan: "계획을 세울 수 없습니다",
    plan_covered: "진행 중인 거래만으로 할당량을 채울 것으로 예상되어 새로 들어와야 할 거래가 없습니다.",
    plan_by_period: "기간별 필요 진입 건수",
    summary_note: "먼저 볼 수치입니다. 자세한 내용은 아래에 이어집니다.",
    weighted_forecast: "가중 예측",
    weighted_sub: "진행 중 파이프라인 {open}을 단계별 수주 확률로 가중",
    this_quarter: "이번 분기",
    pipeline_title: "파이프라인, 예측, 담당자",
    pipeline_note: "지금 있는 단계별 진행 중 거래와 금액, 그리고 예측: 각 금액에 단계의 수주 확률(종결된 거래로 측정, 없으면 맵의 확률)을 곱한 값입니다. 노후 거래는 따로 셉니다.",
    open_amount: "진행 중 금액",
    chance: "수주 확률",
    weighted: "가중 금액",
    total: "합계",
    measured_short: "측정",
    designed_short: "맵",
    by_owner: "담당자별",
    by_owner_note: "각 거래를 지금의 담당자(히스토리의 owner) 아래에 모은 수치입니다.",
    no_owner: "히스토리에 담당자가 없어 담당자별 수치가 없습니다.",
    owner: "담당자",
    won_col: "수주",
    lost_col: "실주",
    open_col: "진행 중",
    won_value_col: "수주 금액",
    quarter_title: "이번 분기와 지난 분기",
    quarter_note: "이번 분기의 지금까지를 지난 분기의 같은 날수와 비교합니다. 거래가 시작한 날, 수주한 날, 실주한 날 기준입니다.",
    started: "시작한 거래",
    change: "변화",
    designed_drawing: "설계: 맵",
    as_is_drawing: "실제: 히스토리가 보여 주는 흐름",
    as_is_drawing_note: "거래가 들어간 모든 단계와 그 사이의 가장 잦은 이동(시작부터 끝까지 모든 단계를 잇는 이동은 항상 표시). 선 굵기는 이동 수에 비례합니다.",
    scroll_hint: "작은 화면에서도 맵은 원래 크기로 보입니다. 옆으로 밀어 전체를 보세요.",
    map_continued: "프로세스 맵 (계속)",
    deals_axis: "거래 수",
    stage_days_axis: "단계 체류 일수(로그 눈금)",
    cycle_days_axis: "거래 시작부터 수주까지 일수",
    stays_box: "체류의 가운데 절반(p25–p75)",
    stays_whiskers: "p10–p90",
    won_deals_bar: "막대별 수주 거래",
    win_rate_line: "그 달에 종결된 거래의 승률",
    win_rate_axis: "수주 / (수주 + 실주), %",
    velocity_line: "진행 중 거래 × 평균 수주 금액 × 승률 ÷ 중앙 주기",
    velocity_axis: "하루당 {unit}",
    month_n_note: "각 달 아래의 n은 그 달에 종결된 거래 수입니다. 종결이 5건 미만인 달은 비워 둡니다.",
    reached_note: "도달 {n} · 다음 단계 {pct}",
    definitions: "보고서 읽는 법",
    definition_lines: [
        "전환율은 코호트 기준입니다: 한 단계에 도달한 거래 중 다음 단계에 도달한 비율이며 100%를 넘지 않습니다.",
        "단계 체류 시간은 단계 진입부터 다음 진입까지이며, 아직 그 단계에 있는 거래는 중앙값에 넣지 않고 따로 셉니다.",
        "영업 주기: 시작 단계부터 수주 마일스톤까지, 수주한 거래만.",
        "승률: 종결된 거래 중 수주 / (수주 + 실패). 부적격 거래는 영업 기회로 보지 않습니다.",
        "영업 속도: 진행 중 거래 × 평균 수주 금액 × 승률 / 영업 주기 중앙값, 하루당.",
        "모든 수치에는 그 수치가 근거한 거래 수(n)를 함께 적었습니다.",
    ],
    generated: "salesmap이 다음 파일로 만들었습니다:",
    import_notes_title: "가져오기에서 빠졌거나 가정한 것",
    import_notes_intro: "이력을 읽으며 나온 알림과 문제입니다(`salesmap import`가 출력하는 원문 그대로). 여기에 나온 행은 이 보고서의 수치에 들어 있지 않으니, 관련 수치를 믿기 전에 확인하세요.",
};

#[cfg(test)]
mod tests {
    use super::*;
    use salesmap_core::calendar::parse_date;

    #[test]
    fn numbers_in_both_languages() {
        for lang in [Lang::En, Lang::Ko] {
            assert_eq!(lang.num(1234.5, 1), "1,234.5");
            assert_eq!(lang.num(-1234567.0, 0), "-1,234,567");
            assert_eq!(lang.num(-0.04, 1), "0.0");
            assert_eq!(lang.int(1000), "1,000");
            assert_eq!(lang.pct(Some(0.4149)), "41%");
            assert_eq!(lang.pct(Some(0.004)), "0.4%");
            assert_eq!(lang.pct(None), "–");
            assert_eq!(lang.count(3.26), "3.3");
            assert_eq!(lang.count(12.6), "13");
        }
    }

    #[test]
    fn units_and_short_amounts() {
        let (en, ko) = (Lang::En, Lang::Ko);
        assert_eq!(en.days(Some(9.13)), "9.1 d");
        assert_eq!(ko.days(Some(69.4)), "69일");
        assert_eq!(ko.hours(Some(5.84)), "5.8시간");
        assert_eq!(Lang::En.hours(Some(49.3)), "2.1 d");
        assert_eq!(ko.hours(Some(48.0)), "48.0시간");
        assert_eq!(en.money(6_614_100.0, Some("USD")), "6,614,100 USD");
        assert_eq!(ko.money(1_200_000.0, Some("KRW")), "1,200,000원");
        assert_eq!(en.money_short(6_614_100.0, Some("USD")), "6.6M USD");
        assert_eq!(ko.money_short(6_614_100.0, Some("USD")), "661만 USD");
        assert_eq!(ko.money_short(1_200_000_000.0, Some("KRW")), "12억원");
        assert_eq!(en.short(87_631.0), "88K");
        assert_eq!(en.short(2_000_000.0), "2M");
        assert_eq!(en.short(950.0), "950");
    }

    #[test]
    fn dates_and_periods() {
        let d = parse_date("2027-01-05").unwrap();
        assert_eq!(Lang::En.date(d), "Jan 5, 2027");
        assert_eq!(Lang::Ko.date(d), "2027년 1월 5일");
        assert_eq!(Lang::En.month(d), "Jan 2027");
        assert_eq!(Lang::Ko.month(d), "2027년 1월");
        assert_eq!(Lang::En.month_short(d), "Jan '27");
        assert_eq!(Lang::Ko.month_short(d), "27년 1월");
        assert_eq!(Lang::En.period("2027-03"), "Mar 2027");
        assert_eq!(Lang::Ko.period("2027-03"), "2027년 3월");
        assert_eq!(Lang::En.period("2027-Q2"), "Q2 2027");
        assert_eq!(Lang::Ko.period("2027-Q2"), "2027년 2분기");
        assert_eq!(Lang::En.period("2027-01-04"), "wk Jan 4, 2027");
        assert_eq!(Lang::En.period_short("2027-03"), "Mar '27");
        assert_eq!(Lang::Ko.period_short("2027-03"), "27년 3월");
        assert_eq!(Lang::En.period_short("2027-Q2"), "Q2 '27");
        assert_eq!(Lang::Ko.period_short("2027-Q2"), "27년 2분기");
        assert_eq!(Lang::En.period_short("2027-01-04"), "Jan 4");
    }
}
