//! HubSpot deal exports: one row per deal, with a column per stage saying when the deal
//! entered it, either as the export's label (`Date entered "Appointment Scheduled (Sales
//! Pipeline)"`) or as the internal property (`hs_v2_date_entered_appointmentscheduled`, or
//! the older `hs_date_entered_<stage id>`, used when the v2 column is empty).
//!
//! Each non-empty stage date is a stage entry. The stage name is the label without the
//! pipeline when the export has one pipeline (`Appointment Scheduled`), the full label when it
//! has several, or the stage id for internal names. This format keeps only the latest entry
//! into each stage, which the summary says. `Date exited` and `Time in` columns are derived
//! from the entries and skipped; every other column is a deal attribute (amount, owner,
//! pipeline, close date, lost reason… under short names).

use crate::collect::Collector;
use crate::mapping::MappingOption;
use crate::problem::ImportError;
use crate::table::{Format, Table, require_mapped, strip_prefix_ci};
use crate::timestamp::TimeParser;

const DERIVED: &[&str] = &[
    "date exited ",
    "time in ",
    "cumulative time in ",
    "latest time in ",
    "hs_v2_date_exited_",
    "hs_date_exited_",
    "hs_time_in_",
    "hs_v2_time_in_",
    "hs_v2_cumulative_time_in_",
    "hs_v2_latest_time_in_",
];

const RENAME: &[(&str, &str)] = &[
    ("dealname", "name"),
    ("amount", "amount"),
    ("dealstage", "current_stage"),
    ("pipeline", "pipeline"),
    ("dealowner", "owner"),
    ("hubspotownerid", "owner"),
    ("createdate", "created"),
    ("closedate", "close_date"),
    ("dealtype", "type"),
    ("closedlostreason", "lost_reason"),
    ("currency", "currency"),
    ("dealcurrencycode", "currency"),
    ("originalsourcetype", "source"),
    ("hsanalyticssource", "source"),
];

/// A stage date column: its stage name and whether it is the legacy (v1) property.
struct StageColumn {
    column: usize,
    stage: String,
    legacy: bool,
}

pub(crate) fn read(
    table: &mut Table,
    collector: &mut Collector,
    times: &mut TimeParser,
) -> Result<(), ImportError> {
    let id = require_mapped(
        table,
        collector,
        Format::HubSpot,
        MappingOption::Deal,
        &["recordid", "dealid", "hsobjectid", "id"],
        "Record ID",
    )?;
    let mut labels: Vec<(usize, String, Option<String>)> = Vec::new();
    let mut stage_columns: Vec<StageColumn> = Vec::new();
    let mut used = vec![id];
    for (i, header) in table.headers.iter().enumerate() {
        if let Some(rest) = strip_prefix_ci(header, "date entered ") {
            let label = rest.trim().trim_matches('"').trim();
            let (stage, pipeline) = split_pipeline(label);
            labels.push((i, stage, pipeline));
            used.push(i);
        } else if let Some(stage) = strip_prefix_ci(header, "hs_v2_date_entered_") {
            stage_columns.push(StageColumn {
                column: i,
                stage: stage.to_string(),
                legacy: false,
            });
            used.push(i);
        } else if let Some(stage) = strip_prefix_ci(header, "hs_date_entered_") {
            stage_columns.push(StageColumn {
                column: i,
                stage: stage.to_string(),
                legacy: true,
            });
            used.push(i);
        } else if DERIVED.iter().any(|d| strip_prefix_ci(header, d).is_some()) {
            used.push(i);
        }
    }
    let mut pipelines: Vec<&str> = labels.iter().filter_map(|l| l.2.as_deref()).collect();
    pipelines.sort_unstable();
    pipelines.dedup();
    let one_pipeline = pipelines.len() <= 1;
    for (column, stage, pipeline) in &labels {
        let name = match pipeline {
            Some(p) if !one_pipeline => format!("{stage} ({p})"),
            _ => stage.clone(),
        };
        stage_columns.push(StageColumn {
            column: *column,
            stage: name,
            legacy: false,
        });
    }
    stage_columns.sort_by_key(|c| c.column);
    if stage_columns.is_empty() {
        return Err(ImportError::MissingColumn {
            file: collector.file_name().to_string(),
            format: Format::HubSpot.name().to_string(),
            wanted: "`Date entered \"<Stage> (<Pipeline>)\"`".into(),
            headers: table.headers.clone(),
        });
    }
    let mut stage_codes = Vec::with_capacity(stage_columns.len());
    for column in &stage_columns {
        stage_codes.push(
            collector
                .activity_code(column.stage.as_bytes())
                .unwrap_or(0),
        );
    }
    // A legacy column is read only when the v2 column of the same stage is empty.
    let v2_of: Vec<Option<usize>> = stage_columns
        .iter()
        .map(|c| {
            c.legacy
                .then(|| {
                    stage_columns
                        .iter()
                        .position(|o| !o.legacy && o.stage.eq_ignore_ascii_case(&c.stage))
                })
                .flatten()
        })
        .collect();
    let attrs = table.attribute_columns(&used, RENAME, "", collector);
    while table.next(collector) {
        let Some(deal) = table.deal(id, collector) else {
            continue;
        };
        for (k, column) in stage_columns.iter().enumerate() {
            if let Some(v2) = v2_of[k]
                && !table.field(stage_columns[v2].column).is_empty()
            {
                continue;
            }
            let slot = collector.len();
            let consequence = format!("the entry into `{}` is left out", column.stage);
            if let Some(time) = table.timestamp(column.column, times, collector, slot, &consequence)
            {
                collector.push(
                    deal,
                    stage_codes[k],
                    time,
                    salesmap_core::history::EventKind::StageEntry,
                    table.line(),
                );
            }
        }
        table.set_deal_attrs(&attrs, deal, collector);
    }
    let patches = times.finish(collector.file_name())?;
    collector.patch_times(&patches);
    collector.note(
        "a HubSpot deal export keeps only the latest entry into each stage: earlier visits and re-entries are not in the file".into(),
    );
    Ok(())
}

/// `Appointment Scheduled (Sales Pipeline)` → (`Appointment Scheduled`, `Sales Pipeline`).
fn split_pipeline(label: &str) -> (String, Option<String>) {
    if let Some(inner) = label.strip_suffix(')')
        && let Some(open) = inner.rfind(" (")
    {
        let stage = inner[..open].trim();
        let pipeline = inner[open + 2..].trim();
        if !stage.is_empty() && !pipeline.is_empty() {
            return (stage.to_string(), Some(pipeline.to_string()));
        }
    }
    (label.to_string(), None)
}
