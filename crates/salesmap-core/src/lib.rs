//! The vocabulary and the algorithms of salesmap, with no IO, no clock and no async.
//!
//! - [`map::Map`]: the designed process (stages, transitions, goal, KPIs), resolved and indexed.
//! - [`history::History`]: the event log of stage entries and touches, columnar and interned.
//! - [`discovery::discover`]: the as-is process from history alone (PM4Py semantics).
//! - [`as_is::as_is_map`]: a discovery as a map with measured figures, to draw it.
//! - [`journey::Journeys`]: each deal's path through a map, the input of every map-based analysis,
//!   with the map's [`map::MainPath`] worked out once.
//! - [`crm_names::outcome_named`]: the outcome a CRM stage name or status value names.
//! - [`absent::Absent`]: why a figure is not shown (what its data lacks).
//! - [`aging::mark`]: open deals so old they are no longer live pipeline.
//! - [`analysis::analyze`]: every measurement of a history against a map, in one result.
//! - [`funnel::funnel`]: reached, converted, dropped and open per main-path stage (strict/implied).
//! - [`timing`]: time in stage, sales cycle, first response and hand-off times.
//! - [`kpi`]: win rate, velocity, churn, and the map's KPIs and goal against their targets.
//! - [`conformance::conformance`]: deviations per deal and the as-is map beside the designed one.
//! - [`fastslow::fast_slow`]: what the fastest won deals share that the slowest lack.
//! - [`triggers`]: touches and attributes that lift advancing, and where deals drop out.
//! - [`findings::findings`]: what to look at first, ranked, with the figures behind it.
//! - [`forecast::forecast`]: measured probability of winning per stage, weighted pipeline.
//! - [`generate::generate`]: a deterministic synthetic history for a map, with planted effects.
//! - [`attributes`]: deal attributes as categories, and values per deal for breakdowns.
//! - [`starter::starter`]: the outline of a map read from a history alone (stages in the order
//!   deals took them, outcomes recognised, measured times).
//! - [`spread`]: the distributions behind the figures (stage-time spreads, cycle lengths).
//! - [`trend::by_close_month`]: win rate, won value and velocity of the deals closed each month.
//! - [`stats::Summary`]: exact count, mean, median, percentiles and n−1 deviation.
//! - [`plan::plan`]: the reverse funnel from a quota to the entries needed per stage and period.
//! - [`calendar`]: civil dates and planning periods as day numbers.
//! - [`display`]: decimals that keep a shown figure's reading, rounding that keeps totals.
//! - [`overlay::Overlay`]: measured figures to draw on a map.
//! - [`text::Text`]: user text in one or more languages.
//!
//! Everything here is a pure function of its inputs: "now" is always an argument, and output
//! order is always deterministic.

pub mod absent;
pub mod aging;
pub mod analysis;
pub mod as_is;
pub mod attributes;
pub mod calendar;
pub mod conformance;
pub mod crm_names;
pub mod discovery;
pub mod display;
pub mod fastslow;
pub mod findings;
pub mod forecast;
pub mod funnel;
pub mod generate;
pub mod history;
pub mod journey;
pub mod kpi;
pub mod map;
pub mod overlay;
pub mod plan;
#[cfg(test)]
mod properties;
pub mod spread;
pub mod starter;
pub mod stats;
pub mod text;
pub mod timing;
pub mod trend;
pub mod triggers;
