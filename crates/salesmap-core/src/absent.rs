//! [`Absent`]: why a figure is not shown, as data.
//!
//! A figure whose inputs are missing from the history is absent, never 0 % or "met": a win
//! rate over an export that records no losses would read 100 %, a churn rate over a history
//! that never records churn 0 %, a cycle over deals whose start was never recorded 0 days.
//! Each such figure carries an `Absent` that says what is missing; the command line and the
//! report word it in English or Korean, and the JSON output keeps it as a tagged value.

use serde::Serialize;

/// What is missing for a figure to be measured.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Absent {
    /// No deal is won or lost yet.
    NoClosedDeals,
    /// Deals are won but none is recorded lost: the export does not record losses, so a
    /// win rate would read 100 %.
    NoLossesRecorded { won: u64 },
    /// No deal is won.
    NoWonDeals,
    /// Won deals exist, but none has a stage entry before its win (the export records only
    /// the close), so no cycle can be measured.
    NoCycleStart { won: u64 },
    /// The map has no `churned` outcome.
    NoChurnOutcome,
    /// Customers exist, but no deal in the history ever entered the `churned` outcome.
    NoChurnRecorded { customers: u64 },
    /// No deal reached the won milestone, so there are no customers to churn.
    NoCustomers,
    /// The history never entered this stage.
    StageNotInHistory { stage: String },
    /// The history has no touches.
    NoTouches,
    /// No consecutive stage entries changed owner.
    NoHandoffs,
    /// No won deal has an amount.
    NoAmounts,
    /// No deal is open.
    NoOpenDeals,
}

impl Absent {
    /// The reason in English, for the command line and the English report.
    pub fn english(&self) -> String {
        match self {
            Absent::NoClosedDeals => "no deal is won or lost yet".into(),
            Absent::NoLossesRecorded { won } => format!(
                "the history records {won} won deals and no lost ones: losses are not in the export, so a win rate would read 100 %"
            ),
            Absent::NoWonDeals => "no deal is won".into(),
            Absent::NoCycleStart { won } => format!(
                "none of the {won} won deals has a stage entry before its win (only the close is recorded)"
            ),
            Absent::NoChurnOutcome => "the map has no churned outcome".into(),
            Absent::NoChurnRecorded { customers } => format!(
                "no deal in the history entered the churned outcome ({customers} customers): churn is not recorded"
            ),
            Absent::NoCustomers => "no deal reached the won milestone".into(),
            Absent::StageNotInHistory { stage } => {
                format!("the history never entered `{stage}`")
            }
            Absent::NoTouches => "the history has no touches".into(),
            Absent::NoHandoffs => "no deal changed owner between stages".into(),
            Absent::NoAmounts => "no won deal has an amount".into(),
            Absent::NoOpenDeals => "no deal is open".into(),
        }
    }
}
