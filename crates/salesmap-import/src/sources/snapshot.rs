//! Snapshot exports: one row per deal with a date column per milestone (`engage_date`,
//! `close_date`) and the deal's status (`deal_stage` = Won / Lost / Engaging), as CRM list
//! views and public sales datasets are shaped.
//!
//! Each non-empty milestone date is a stage entry. The mapping's `[milestones]` table says
//! which column marks which stage; without it every `…date` column is a milestone named after
//! the column (`engage_date` → `engage`). The close date is special: it is the entry into the
//! deal's outcome (the status, when it is won or lost); on an open deal it is only the
//! expected close date and stays a deal attribute. Every other column is a deal attribute.
//! Deals with no milestone date have no history; the summary counts them.

use salesmap_core::history::EventKind;

use crate::collect::Collector;
use crate::mapping::ColumnMapping;
use crate::problem::ImportError;
use crate::table::{DEAL_COLUMNS, Format, Table, fold};
use crate::timestamp::TimeParser;

const STATUS: &[&str] = &["dealstage", "status", "dealstatus", "stage", "outcome"];
const CLOSE: &[&str] = &["closedate", "closeddate", "dateclosed", "closedat"];

/// Milestone date columns: (column, stage name, whether it is the close date).
fn milestones(table: &Table, mapping: &ColumnMapping) -> Vec<(usize, String, bool)> {
    if !mapping.milestones.is_empty() {
        return mapping
            .milestones
            .iter()
            .filter_map(|(column, stage)| {
                table.find_name(column).map(|i| (i, stage.clone(), false))
            })
            .collect();
    }
    table
        .headers
        .iter()
        .enumerate()
        .filter_map(|(i, header)| {
            let name = milestone_name(header)?;
            Some((i, name, CLOSE.contains(&table.folded[i].as_str())))
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

fn deal_column(table: &Table, mapping: &ColumnMapping) -> Option<usize> {
    table
        .find_mapped(&mapping.deal, DEAL_COLUMNS)
        .or_else(|| table.find(&["id", "opportunityid", "dealname", "name"]))
}

/// Whether the headers look like a snapshot export: a deal id and milestone dates.
pub(crate) fn looks_like(table: &Table, mapping: &ColumnMapping) -> bool {
    deal_column(table, mapping).is_some() && !milestones(table, mapping).is_empty()
}

pub(crate) fn read(
    table: &mut Table,
    collector: &mut Collector,
    times: &mut TimeParser,
) -> Result<(), ImportError> {
    let mapping = collector.columns.clone();
    let missing = |wanted: &str| ImportError::MissingColumn {
        file: collector.file_name().to_string(),
        format: Format::Snapshot.name().to_string(),
        wanted: wanted.to_string(),
        headers: table.headers.clone(),
    };
    let id = deal_column(table, &mapping).ok_or_else(|| missing("deal id"))?;
    let milestones = milestones(table, &mapping);
    if milestones.is_empty() {
        return Err(missing(
            "milestone date (name them under [milestones] in a mapping file)",
        ));
    }
    let status = table.find(STATUS);
    let mut used: Vec<usize> = vec![id];
    used.extend(milestones.iter().filter(|m| !m.2).map(|m| m.0));
    let renamed: Vec<(&str, &str)> = mapping
        .deal_attributes
        .iter()
        .filter_map(|(name, column)| {
            table
                .find_name(column)
                .map(|i| (table.folded[i].as_str(), name.as_str()))
        })
        .collect();
    let attrs = table.attribute_columns(&used, &renamed, "", collector);
    let codes: Vec<u32> = milestones
        .iter()
        .map(|m| collector.activity_code(m.1.as_bytes()).unwrap_or(0))
        .collect();
    let mut undated = 0;
    while table.next(collector) {
        let status_text = status.map(|s| String::from_utf8_lossy(table.field(s)).into_owned());
        let outcome = status_text.as_deref().filter(|s| is_closed(s));
        let mut events = Vec::new();
        for (k, (column, stage, close)) in milestones.iter().enumerate() {
            if table.field(*column).is_empty() || (*close && status.is_some() && outcome.is_none())
            {
                continue;
            }
            let code = match (close, outcome) {
                (true, Some(outcome)) => collector
                    .activity_code(outcome.trim().as_bytes())
                    .unwrap_or(codes[k]),
                _ => codes[k],
            };
            events.push((*column, code, stage));
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
    if undated > 0 {
        collector.note(format!(
            "{undated} deal{} no milestone date and {} not in the history",
            if undated == 1 { " has" } else { "s have" },
            if undated == 1 { "is" } else { "are" }
        ));
    }
    Ok(())
}

/// Won or lost, in the words CRMs use.
fn is_closed(status: &str) -> bool {
    let folded = fold(status);
    folded.contains("won")
        || folded.contains("lost")
        || matches!(folded.as_str(), "성사" | "실패" | "수주" | "실주")
}
