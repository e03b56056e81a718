//! Salesforce exports: `OpportunityHistory` and `OpportunityFieldHistory`, as Data Loader,
//! Workbench or a report export writes them (API names such as `OpportunityId` or labels
//! such as `Opportunity ID`; headers are matched ignoring case and punctuation).
//!
//! OpportunityHistory has one row per change of an opportunity (a snapshot after any edit of
//! stage, amount, close date or probability): rows are ordered per opportunity by
//! `CreatedDate`, and a row is a stage entry when its `StageName` differs from the previous
//! row's. The latest row's amount, expected revenue, close date, probability and forecast
//! category become deal attributes. OpportunityFieldHistory has one row per field change:
//! `Field = StageName` rows are stage entries into `NewValue`, and the `created` row dates
//! the entry into the first stage (the `OldValue` of the first stage change).
//! Soft-deleted rows (`IsDeleted` true) are skipped and counted.

use std::collections::HashMap;

use crate::collect::Collector;
use crate::dictionary::FastHash;
use crate::mapping::MappingOption;
use crate::problem::ImportError;
use crate::sources::changes::{ChangeLog, note_changes};
use crate::summary::plural;
use crate::table::{Format, Table, fold, missing, require, require_mapped, required_time};
use crate::timestamp::TimeParser;

const OPPORTUNITY: &[&str] = &["opportunityid", "opportunity", "opportunityname"];
const CREATED: &[&str] = &["createddate", "editdate", "lastmodifieddate", "createdat"];
const CHANGED_BY: &[&str] = &["createdbyid", "createdby", "editedby", "lastmodifiedbyid"];

pub(crate) fn read_history(
    table: &mut Table,
    collector: &mut Collector,
    times: &mut TimeParser,
) -> Result<(), ImportError> {
    let format = Format::SalesforceHistory;
    let opportunity = require_mapped(
        table,
        collector,
        format,
        MappingOption::Deal,
        OPPORTUNITY,
        "OpportunityId",
    )?;
    let stage = require_mapped(
        table,
        collector,
        format,
        MappingOption::Stage,
        &["stagename", "stage"],
        "StageName",
    )?;
    let created = require_mapped(
        table,
        collector,
        format,
        MappingOption::Timestamp,
        CREATED,
        "CreatedDate",
    )?;
    let changed_by = table.find(CHANGED_BY);
    let deleted = table.find(&["isdeleted", "deleted"]);
    let attrs = table.attribute_columns(
        &[
            opportunity,
            stage,
            created,
            changed_by.unwrap_or(usize::MAX),
            deleted.unwrap_or(usize::MAX),
        ],
        &[
            ("amount", "amount"),
            ("expectedrevenue", "expected_revenue"),
            ("closedate", "close_date"),
            ("probability", "probability"),
            ("forecastcategory", "forecast_category"),
            ("forecastcategoryname", "forecast_category"),
        ],
        "",
        collector,
    );
    // Deal attributes come from each deal's latest row.
    let attrs: Vec<(usize, usize)> = attrs
        .into_iter()
        .filter(|&(i, _)| {
            !matches!(
                table.folded[i].as_str(),
                "id" | "systemmodstamp" | "prevamount" | "prevclosedate" | "prevforecastcategory"
            )
        })
        .collect();
    let mut latest: HashMap<u32, i64, FastHash> = HashMap::default();
    let mut log = ChangeLog::default();
    let mut deleted_rows = 0;
    while table.next(collector) {
        if deleted.is_some_and(|d| is_true(table.field(d))) {
            deleted_rows += 1;
            continue;
        }
        let Some(deal) = table.deal(opportunity, collector) else {
            continue;
        };
        let stage_text = table.field(stage);
        if stage_text.is_empty() {
            missing(table, collector, stage, "stage");
            continue;
        }
        let Some(time) = required_time(table, created, times, collector, log.next_slot()) else {
            continue;
        };
        let Ok(stage_code) = collector.activity_code(stage_text) else {
            collector.encoding_problem(table.line(), table.header(stage));
            continue;
        };
        let newest = latest.entry(deal).or_insert(i64::MIN);
        if time >= *newest {
            *newest = time;
            table.set_deal_attrs(&attrs, deal, collector);
        }
        let by = changed_by.map(|c| table.field(c)).unwrap_or(&[]);
        log.change(deal, stage_code, None, time, table.line(), by);
    }
    let patches = times.finish(collector.file_name())?;
    let counts = log.emit(&patches, collector);
    if counts.unchanged > 0 {
        collector.note(format!(
            "{} row{} without a stage change (amount, close date or probability edits) gave deal attributes only",
            counts.unchanged,
            plural(counts.unchanged)
        ));
    }
    note_deleted(collector, deleted_rows);
    Ok(())
}

pub(crate) fn read_field_history(
    table: &mut Table,
    collector: &mut Collector,
    times: &mut TimeParser,
) -> Result<(), ImportError> {
    let format = Format::SalesforceFieldHistory;
    let opportunity = require_mapped(
        table,
        collector,
        format,
        MappingOption::Deal,
        OPPORTUNITY,
        "OpportunityId",
    )?;
    let field = require(table, collector, format, &["field", "fieldevent"], "Field")?;
    let old = require(table, collector, format, &["oldvalue"], "OldValue")?;
    let new = require(table, collector, format, &["newvalue"], "NewValue")?;
    let created = require_mapped(
        table,
        collector,
        format,
        MappingOption::Timestamp,
        CREATED,
        "CreatedDate",
    )?;
    let changed_by = table.find(CHANGED_BY);
    let deleted = table.find(&["isdeleted", "deleted"]);
    let amount = collector
        .keep_attributes()
        .then(|| collector.deal_column("amount"));
    let mut amount_time: HashMap<u32, i64, FastHash> = HashMap::default();
    let mut log = ChangeLog::default();
    let mut other_fields = 0;
    let mut deleted_rows = 0;
    while table.next(collector) {
        if deleted.is_some_and(|d| is_true(table.field(d))) {
            deleted_rows += 1;
            continue;
        }
        let field_name = fold(&String::from_utf8_lossy(table.field(field)));
        let role = match field_name.as_str() {
            "stagename" | "stage" => Role::Stage,
            "created" | "opportunitycreated" | "createdopportunity" => Role::Created,
            "amount" => Role::Amount,
            _ => {
                other_fields += 1;
                continue;
            }
        };
        let Some(deal) = table.deal(opportunity, collector) else {
            continue;
        };
        let Some(time) = required_time(table, created, times, collector, log.next_slot()) else {
            continue;
        };
        match role {
            Role::Created => log.created(deal, time, table.line()),
            Role::Amount => {
                let newest = amount_time.entry(deal).or_insert(i64::MIN);
                if let Some(amount) = amount
                    && time >= *newest
                {
                    *newest = time;
                    table.set_deal_attrs(&[(new, amount)], deal, collector);
                }
            }
            Role::Stage => {
                let new_text = table.field(new);
                if new_text.is_empty() {
                    missing(table, collector, new, "new stage");
                    continue;
                }
                let Ok(stage) = collector.activity_code(new_text) else {
                    collector.encoding_problem(table.line(), table.header(new));
                    continue;
                };
                let old_text = table.field(old);
                let previous = if old_text.is_empty() {
                    None
                } else {
                    collector.activity_code(old_text).ok()
                };
                let by = changed_by.map(|c| table.field(c)).unwrap_or(&[]);
                log.change(deal, stage, previous, time, table.line(), by);
            }
        }
    }
    let patches = times.finish(collector.file_name())?;
    let counts = log.emit(&patches, collector);
    note_changes(collector, &counts, "`created` row");
    if other_fields > 0 {
        collector.note(format!(
            "{other_fields} row{} about other fields (not stage changes) skipped",
            plural(other_fields)
        ));
    }
    note_deleted(collector, deleted_rows);
    Ok(())
}

#[derive(Clone, Copy)]
enum Role {
    Stage,
    Created,
    Amount,
}

fn note_deleted(collector: &mut Collector, deleted_rows: usize) {
    if deleted_rows > 0 {
        collector.note(format!(
            "{deleted_rows} deleted row{} (IsDeleted) skipped",
            plural(deleted_rows)
        ));
    }
}

fn is_true(value: &[u8]) -> bool {
    matches!(
        fold(&String::from_utf8_lossy(value)).as_str(),
        "true" | "1" | "yes"
    )
}
