//! Snapshot exports: one row per deal with a date column per milestone (`engage_date`,
//! `close_date`) and the deal's status (`deal_stage` = Won / Lost / Engaging), as CRM list
//! views and public sales datasets are shaped.
//!
//! Each non-empty milestone date is a stage entry. The mapping's `[milestones]` table says
//! which column marks which stage; without it every `…date` column is a milestone named after
//! the column (`engage_date` → `engage`).
//!
//! The close date is the deal's outcome, and the export's own status column decides which:
//! on a deal whose status says won or lost (`crm_names::outcome_named`), the close date is
//! the entry into that outcome, named as the status writes it (`Won`, `Lost`), or as the
//! mapping names the close date when that name says the same outcome (`close_date = "Closed
//! Won"` names the won deals' entries); on an open deal it is only the expected close date
//! and stays a deal attribute. A close date is a column named like one (`close_date`,
//! `Closed At`) or a milestone the mapping names after an outcome. So a mapping can rename
//! outcomes but never turn a lost deal won: where it contradicts the status, the row is
//! read by its status and reported (a warning per row, and a note with the counts). A close
//! date that `[milestones]` leaves out is still read as the outcome (and a note says so);
//! other date columns it leaves out stay deal attributes, and a note counts their dates.
//! Every other column is a deal attribute. Deals with no milestone date have no history; the
//! summary counts them.

use salesmap_core::crm_names::outcome_named;
use salesmap_core::history::EventKind;
use salesmap_core::map::Outcome;

use crate::collect::Collector;
use crate::mapping::ColumnMapping;
use crate::problem::{ImportError, ProblemKind};
use crate::summary::plural;
use crate::table::{DEAL_COLUMNS, Format, Table};
use crate::timestamp::TimeParser;

const STATUS: &[&str] = &["dealstage", "status", "dealstatus", "stage", "outcome"];
const CLOSE: &[&str] = &["closedate", "closeddate", "dateclosed", "closedat"];

/// A date column read as stage entries.
struct Milestone {
    column: usize,
    /// The stage its dates enter (on a close date: the name for deals of `outcome`).
    stage: String,
    /// A close date: its entries are the deal's outcome, by the status column.
    close: bool,
    /// The outcome the stage's name says, if any.
    outcome: Option<Outcome>,
    /// Whether `[milestones]` names it.
    mapped: bool,
}

/// Milestone date columns: the mapping's, or every `…date` column.
fn milestones(table: &Table, mapping: &ColumnMapping) -> Vec<Milestone> {
    let close_header = |i: usize| CLOSE.contains(&table.folded[i].as_str());
    if !mapping.milestones.is_empty() {
        return mapping
            .milestones
            .iter()
            .filter_map(|(column, stage)| {
                let i = table.find_name(column)?;
                let outcome = outcome_named(stage);
                Some(Milestone {
                    column: i,
                    stage: stage.clone(),
                    close: close_header(i) || outcome.is_some(),
                    outcome,
                    mapped: true,
                })
            })
            .collect();
    }
    table
        .headers
        .iter()
        .enumerate()
        .filter_map(|(i, header)| {
            let stage = milestone_name(header)?;
            Some(Milestone {
                column: i,
                close: close_header(i),
                outcome: outcome_named(&stage),
                stage,
                mapped: false,
            })
        })
        .collect()
}

/// `engage_date` → `engage`, `Created Date` → `Created`, `closeDate` → `close`; `None` for
/// a column that is not a date by its name (`Update` is not).
fn milestone_name(header: &str) -> Option<String> {
    let trimmed = header.trim();
    let lower = trimmed.to_ascii_lowercase();
    if !lower.ends_with("date") {
        return None;
    }
    let base = &trimmed[..trimmed.len() - 4];
    let marked = trimmed[base.len()..].starts_with('D')
        || base.chars().last().is_some_and(|c| !c.is_alphanumeric());
    let name = base.trim_end_matches(|c: char| !c.is_alphanumeric());
    (marked && !name.is_empty()).then(|| name.to_string())
}

/// The deal id column: the mapping's, else a usual name, else the first column when its name
/// ends in `id` (`mql_id`), as exports put their key first.
fn deal_column(table: &Table, mapping: &ColumnMapping) -> Option<usize> {
    if !mapping.deal.is_empty() {
        return table.find_mapped(&mapping.deal, DEAL_COLUMNS);
    }
    table
        .find(DEAL_COLUMNS)
        .or_else(|| table.find(&["id", "opportunityid", "dealname", "name"]))
        .or_else(|| {
            let first = table.folded.first()?;
            (first.len() > 2 && first.ends_with("id")).then_some(0)
        })
}

/// Whether the headers look like a snapshot export: a deal id and milestone dates.
pub(crate) fn looks_like(table: &Table, mapping: &ColumnMapping) -> bool {
    deal_column(table, mapping).is_some() && !milestones(table, mapping).is_empty()
}

/// Whether the export has a deal id column for a snapshot (it may lack the milestones the
/// mapping names, which the reader then reports).
pub(crate) fn has_deal_column(table: &Table, mapping: &ColumnMapping) -> bool {
    deal_column(table, mapping).is_some()
}

/// What the close dates of a file came to, for its notes.
#[derive(Default)]
struct CloseCounts {
    /// Per outcome (won, lost): entries read.
    read: [usize; 2],
    /// Rows whose status contradicts the mapping's name for the close date.
    contradicted: usize,
    /// Open deals (by status) with a close date the mapping names after an outcome.
    open_mapped: usize,
    /// Closed deals whose close date `[milestones]` does not name.
    unmapped: usize,
    /// Closed deals whose close date the mapping names after no outcome (`Closed`).
    neutral: usize,
    /// Deals whose status is won or lost but whose close date is empty.
    closed_undated: usize,
}

pub(crate) fn read(
    table: &mut Table,
    collector: &mut Collector,
    times: &mut TimeParser,
) -> Result<(), ImportError> {
    let mapping = collector.columns.clone();
    let file = collector.file_name().to_string();
    let missing = |wanted: &str| ImportError::MissingColumn {
        file: file.clone(),
        format: Format::Snapshot.name().to_string(),
        wanted: wanted.to_string(),
        headers: table.headers.clone(),
    };
    let id = deal_column(table, &mapping).ok_or_else(|| {
        if mapping.deal.is_empty() {
            missing("deal id")
        } else {
            missing(&format!(
                "`{}` (from the column mapping)",
                mapping.deal.join("` or `")
            ))
        }
    })?;
    for (entry, (column, _)) in mapping.milestones.iter().enumerate() {
        if table.find_name(column).is_some() {
            collector.mapping_use.milestone_found(entry);
        }
    }
    let mut milestones = milestones(table, &mapping);
    let status = table.find(STATUS);
    // Date columns `[milestones]` leaves out: a close date is still the outcome (with a
    // status to say which); the others stay attributes, their dates counted.
    let mut left_out: Vec<(usize, usize)> = Vec::new();
    if !mapping.milestones.is_empty() {
        for (i, header) in table.headers.iter().enumerate() {
            if milestones.iter().any(|m| m.column == i) || Some(i) == status {
                continue;
            }
            let Some(stage) = milestone_name(header) else {
                continue;
            };
            if status.is_some() && CLOSE.contains(&table.folded[i].as_str()) {
                milestones.push(Milestone {
                    column: i,
                    outcome: outcome_named(&stage),
                    stage,
                    close: true,
                    mapped: false,
                });
            } else {
                left_out.push((i, 0));
            }
        }
    }
    if milestones.is_empty() {
        return Err(if mapping.milestones.is_empty() {
            missing("milestone date (name them under [milestones] in a mapping file)")
        } else {
            let named: Vec<&str> = mapping.milestones.iter().map(|m| m.0.as_str()).collect();
            missing(&format!(
                "`{}` (named under [milestones])",
                named.join("` or `")
            ))
        });
    }
    // Close dates stay deal attributes too (an open deal's is its expected close date).
    let mut used: Vec<usize> = vec![id];
    used.extend(milestones.iter().filter(|m| !m.close).map(|m| m.column));
    let attrs = table.attribute_columns(&used, &[], "", collector);
    let codes: Vec<u32> = milestones
        .iter()
        .map(|m| collector.activity_code(m.stage.as_bytes()).unwrap_or(0))
        .collect();
    let status_header = status.map(|s| table.header(s).to_string());
    let mut counts = CloseCounts::default();
    let mut undated = 0;
    while table.next(collector) {
        for (column, dates) in &mut left_out {
            *dates += usize::from(!table.field(*column).is_empty());
        }
        let status_text =
            status.map(|s| String::from_utf8_lossy(table.field(s)).trim().to_string());
        let outcome = status_text
            .as_deref()
            .and_then(outcome_named)
            .filter(|o| matches!(o, Outcome::Won | Outcome::Lost));
        let mut events = Vec::new();
        let close_dated = milestones
            .iter()
            .any(|m| m.close && !table.field(m.column).is_empty());
        counts.closed_undated += usize::from(outcome.is_some() && !close_dated);
        for (k, m) in milestones.iter().enumerate() {
            if table.field(m.column).is_empty() {
                continue;
            }
            let (Some(status_text), true) = (&status_text, m.close) else {
                events.push((m.column, codes[k], m.stage.clone()));
                continue;
            };
            let Some(outcome) = outcome else {
                // An open deal's close date is the date it is expected to close.
                counts.open_mapped += usize::from(m.mapped && m.outcome.is_some());
                continue;
            };
            counts.read[usize::from(outcome == Outcome::Lost)] += 1;
            counts.unmapped += usize::from(!m.mapped && !mapping.milestones.is_empty());
            counts.neutral += usize::from(m.mapped && m.outcome.is_none());
            if m.mapped && m.outcome == Some(outcome) {
                events.push((m.column, codes[k], m.stage.clone()));
                continue;
            }
            if m.mapped && m.outcome.is_some() {
                counts.contradicted += 1;
                collector.problem(
                    ProblemKind::Contradiction,
                    Some(table.line()),
                    Some(table.header(m.column)),
                    format!(
                        "the mapping marks `{}` as `{}`, but `{}` says `{status_text}`: the date is read as the entry into `{status_text}`",
                        table.header(m.column),
                        m.stage,
                        status_header.as_deref().unwrap_or_default(),
                    ),
                    Some(
                        "a close date is the entry into the outcome the deal's status names; map it to that outcome's name, or leave it out of [milestones]",
                    ),
                );
            }
            match collector.activity_code(status_text.as_bytes()) {
                Ok(code) => events.push((m.column, code, status_text.clone())),
                Err(_) => collector.encoding_problem(table.line(), table.header(m.column)),
            }
        }
        if events.is_empty() {
            undated += 1;
            continue;
        }
        let Some(deal) = table.deal(id, collector) else {
            continue;
        };
        for (column, code, stage) in events {
            let slot = collector.len();
            let consequence = format!("the entry into `{stage}` is left out");
            if let Some(time) = table.timestamp(column, times, collector, slot, &consequence) {
                collector.push(deal, code, time, EventKind::StageEntry, table.line());
            }
        }
        table.set_deal_attrs(&attrs, deal, collector);
    }
    let patches = times.finish(collector.file_name())?;
    collector.patch_times(&patches);
    note_close_dates(
        collector,
        table,
        &milestones,
        &counts,
        status_header.as_deref(),
    );
    for (column, dates) in left_out {
        if dates > 0 {
            collector.note(format!(
                "`{}` is not under [milestones]: its {dates} date{} are kept as a deal attribute, not as stage entries",
                table.header(column),
                plural(dates)
            ));
        }
    }
    if undated > 0 {
        collector.note(format!(
            "{undated} deal{} no milestone date and {} not in the history",
            if undated == 1 { " has" } else { "s have" },
            if undated == 1 { "is" } else { "are" }
        ));
    }
    Ok(())
}

/// The notes on close dates the mapping does not read as the default would, with counts.
fn note_close_dates(
    collector: &mut Collector,
    table: &Table,
    milestones: &[Milestone],
    counts: &CloseCounts,
    status: Option<&str>,
) {
    let Some(status) = status else {
        if let Some(m) = milestones.iter().find(|m| m.close && m.outcome.is_none()) {
            collector.note(format!(
                "there is no status column, so the dates in `{}` are entries into `{}`, which says neither won nor lost",
                table.header(m.column),
                m.stage
            ));
        }
        return;
    };
    let Some(close) = milestones.iter().find(|m| m.close) else {
        return;
    };
    let header = table.header(close.column);
    let outcomes = format!("{} won, {} lost", counts.read[0], counts.read[1]);
    if counts.contradicted > 0 {
        collector.note(format!(
            "{} deal{} whose `{status}` contradicts the mapping's `{header}` = `{}` {} read by their status ({outcomes}); see the warnings",
            counts.contradicted,
            plural(counts.contradicted),
            close.stage,
            if counts.contradicted == 1 { "was" } else { "were" },
        ));
    }
    if counts.unmapped > 0 {
        collector.note(format!(
            "`{header}` is not under [milestones]; it is still read as the entry into each closed deal's outcome by `{status}` ({outcomes})"
        ));
    }
    if counts.neutral > 0 {
        collector.note(format!(
            "the mapping's `{header}` = `{}` names no outcome: each closed deal's date is read as the entry into its outcome by `{status}` ({outcomes})",
            close.stage
        ));
    }
    if counts.closed_undated > 0 {
        collector.note(format!(
            "{} deal{} won or lost by `{status}` {} no `{header}`, so {} outcome is not in the history",
            counts.closed_undated,
            plural(counts.closed_undated),
            if counts.closed_undated == 1 { "has" } else { "have" },
            if counts.closed_undated == 1 { "its" } else { "their" },
        ));
    }
    if counts.open_mapped > 0 {
        collector.note(format!(
            "{} open deal{} (by `{status}`) {} a `{header}`: an expected close date, kept as a deal attribute, not an entry into `{}`",
            counts.open_mapped,
            plural(counts.open_mapped),
            if counts.open_mapped == 1 { "has" } else { "have" },
            close.stage
        ));
    }
}
