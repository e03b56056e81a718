//! [`Measurements`]: everything the report shows, measured once from a history and a map under
//! [`ReportOptions`]: the analysis (broken down by owner when the history names owners), the
//! stage-time spreads, the cycle lengths, the month-of-close trends, this quarter against the
//! last, the as-is process map, and the reverse-funnel plan ([`PlannedQuota`]) or why none
//! could be made.

use salesmap_core::aging::AgingOptions;
use salesmap_core::analysis::{Analysis, AnalyzeError, AnalyzeOptions, analyze_journeys, journeys};
use salesmap_core::as_is::{Follows, ProcessMap, ProcessMapOptions, process_map};
use salesmap_core::calendar::{Day, Period, day_of};
use salesmap_core::history::{History, Micros};
use salesmap_core::journey::Journeys;
use salesmap_core::map::Map;
use salesmap_core::plan::{
    Overrides, Plan, PlanInputs, PlanRequest, PlanWindow, goal_quota, measure_inputs, plan,
    plan_window,
};
use salesmap_core::spread::{StageSpread, cycle_days, stage_spreads};
use salesmap_core::trend::{MonthFigures, SpanFigures, by_close_month, quarter_against_previous};

use crate::locale::Lang;

/// Fewest deals a measured plan rate must rest on (as `salesmap plan`'s default); thinner
/// rates fall back to the map's probabilities.
pub const PLAN_MIN_N: u64 = 20;

/// What to report and how.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportOptions {
    pub lang: Lang,
    /// The analysis instant: later events are ignored, open deals are aged up to it.
    pub as_of: Micros,
    /// What the footer calls the map (its file name).
    pub map_label: String,
    /// What the header calls the history (its file name).
    pub history_label: String,
    /// The quota to plan for; `None` uses the map's goal.
    pub quota: Option<f64>,
    /// The average won deal size to plan with; `None` measures it from the history.
    pub deal_size: Option<f64>,
    /// First day of the plan; `None` is the first day of the month after `as_of`.
    pub plan_start: Option<Day>,
    /// Last day of the plan; `None` is the goal's deadline when it falls after the start,
    /// else the day before the start's anniversary (the page says which):
    /// [`salesmap_core::plan::plan_window`], as `salesmap plan` decides it.
    pub plan_deadline: Option<Day>,
    pub plan_period: Period,
    /// Which open deals are aged, and whether they still count.
    pub aging: AgingOptions,
    /// What importing the history said (its notes and problems, one per entry, as `salesmap
    /// import` prints them); the page shows them in a section of their own when there are any.
    pub import_notes: Vec<String>,
    /// How the charts and drawings are put in the page.
    pub images: Images,
}

/// How the report carries its charts and drawings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Images {
    /// Inline SVG: sharp at any size, printable across pages; for browsers.
    Svg,
    /// PNG pictures inlined as `data:` URLs, for mail programs that do not show inline SVG.
    Png,
}

/// The attribute the report breaks the figures down by, when the history has it.
pub const OWNER_ATTRIBUTE: &str = "owner";

impl ReportOptions {
    pub fn new(lang: Lang, as_of: Micros, map_label: &str, history_label: &str) -> ReportOptions {
        ReportOptions {
            lang,
            as_of,
            map_label: map_label.to_string(),
            history_label: history_label.to_string(),
            quota: None,
            deal_size: None,
            plan_start: None,
            plan_deadline: None,
            plan_period: Period::Month,
            aging: AgingOptions::default(),
            import_notes: Vec::new(),
            images: Images::Svg,
        }
    }
}

/// A made plan with what it was made from.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedQuota {
    pub window: PlanWindow,
    pub request: PlanRequest,
    pub inputs: PlanInputs,
    pub plan: Plan,
}

/// Everything the report shows, measured once.
#[derive(Clone, Debug, PartialEq)]
pub struct Measurements {
    pub analysis: Analysis,
    pub spreads: Vec<StageSpread>,
    pub cycle_days: Vec<f64>,
    pub months: Vec<MonthFigures>,
    /// This quarter so far, and the same days of the last one.
    pub quarters: (SpanFigures, SpanFigures),
    /// The as-is process map of the history read through the map, with the default sliders.
    pub as_is: Option<ProcessMap>,
    /// The plan, or why none could be made (shown in its section).
    pub plan: Result<PlannedQuota, String>,
}

impl Measurements {
    pub fn measure(
        map: &Map,
        history: &History,
        options: &ReportOptions,
    ) -> Result<Measurements, AnalyzeError> {
        let has_owners = history.deal_attr(OWNER_ATTRIBUTE).is_some()
            || history.event_attr(OWNER_ATTRIBUTE).is_some();
        let analyze_options = AnalyzeOptions {
            aging: options.aging,
            by: has_owners.then(|| OWNER_ATTRIBUTE.to_string()),
            ..AnalyzeOptions::as_of(options.as_of)
        };
        // The journeys are built once: the analysis and the report's own figures read them.
        let (journeys, aging) = journeys(map, history, &analyze_options);
        let analysis = analyze_journeys(map, history, &journeys, aging, &analyze_options)?;
        let plan = plan_quota(map, &journeys, &analysis, options);
        let follows = Follows::of_journeys(map, &journeys, options.lang.tag(), None);
        let sliders = ProcessMapOptions::default();
        let as_is = process_map(&follows, follows.activities.len(), sliders.paths);
        Ok(Measurements {
            spreads: stage_spreads(map, &journeys),
            cycle_days: cycle_days(map, &journeys),
            months: by_close_month(map, &journeys),
            quarters: quarter_against_previous(map, &journeys),
            as_is,
            analysis,
            plan,
        })
    }
}

fn plan_quota(
    map: &Map,
    journeys: &Journeys,
    analysis: &Analysis,
    options: &ReportOptions,
) -> Result<PlannedQuota, String> {
    let (quota, quota_in_deals) = options
        .quota
        .map(|q| (q, false))
        .or_else(|| goal_quota(map))
        .ok_or_else(|| match options.lang {
            Lang::En => "the map's goal is not won revenue or won deals, and no quota was given; pass --quota 1200000".to_string(),
            Lang::Ko => "맵의 목표가 수주 매출이나 수주 건수가 아니고 할당량도 주어지지 않았습니다. --quota 1200000 처럼 지정하세요".to_string(),
        })?;
    let overrides = Overrides {
        min_n: PLAN_MIN_N,
        deal_size: options.deal_size,
        credit_aged: options.aging.credit_aged,
        ..Overrides::default()
    };
    let inputs = measure_inputs(
        map,
        Some((journeys, &analysis.funnel_implied, &analysis.win_rate)),
        &overrides,
    )
    .map_err(|e| e.to_string())?;
    let start = options
        .plan_start
        .unwrap_or_else(|| Period::Month.next(Period::Month.start(day_of(options.as_of))));
    let goal_deadline = map
        .goal
        .as_ref()
        .and_then(|g| g.deadline.as_deref())
        .and_then(salesmap_core::calendar::parse_date);
    let window =
        plan_window(start, options.plan_deadline, goal_deadline).map_err(|e| e.to_string())?;
    let request = PlanRequest {
        quota,
        quota_in_deals,
        range: window.range,
        period: options.plan_period,
    };
    let plan = plan(map, &inputs, &request).map_err(|e| e.to_string())?;
    Ok(PlannedQuota {
        window,
        request,
        inputs,
        plan,
    })
}
