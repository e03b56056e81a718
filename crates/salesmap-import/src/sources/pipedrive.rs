//! Pipedrive exports: the deal export (`Deal - ID`, `Deal - Stage`, `Deal - Status`, …) and
//! the deal flow / changelog (`field_key`, `old_value`, `new_value`, `log_time`).
//!
//! The deal export holds each deal's current state only: the current stage, entered at
//! `Deal - Last stage change` (or at `Deal - Deal created` when it never moved), and the
//! outcome, `Won` at `Deal - Won time` or `Lost` at `Deal - Lost time`. The other `Deal - …`
//! columns are deal attributes (value, currency, owner, pipeline, lost reason…). The summary
//! says that earlier stages need the deal flow.
//!
//! The deal flow has one row per field change: `stage_id` rows are stage entries (the
//! `new_value_formatted` stage name when the export has it, else the stage id), `status` rows
//! to `won` or `lost` are outcome entries, and an `add_time` row dates the entry into the
//! first stage. Read together with the deal export (two files), the histories join on the
//! deal id and the entries both files have are kept once.

use salesmap_core::history::EventKind;

use crate::collect::Collector;
use crate::mapping::MappingOption;
use crate::problem::ImportError;
use crate::sources::changes::{ChangeLog, note_changes};
use crate::summary::plural;
use crate::table::{Format, Table, fold, missing, require, require_mapped, required_time};
use crate::timestamp::TimeParser;

const RENAME: &[(&str, &str)] = &[
    ("dealtitle", "name"),
    ("dealvalue", "amount"),
    ("dealcurrency", "currency"),
    ("dealcurrencyofvalue", "currency"),
    ("dealowner", "owner"),
    ("dealpipeline", "pipeline"),
    ("deallostreason", "lost_reason"),
    ("dealstatus", "status"),
    ("dealdealcreated", "created"),
    ("dealsource", "source"),
    ("dealsourcechannel", "source"),
    ("dealexpectedclosedate", "expected_close_date"),
];

pub(crate) fn read_deals(
    table: &mut Table,
    collector: &mut Collector,
    times: &mut TimeParser,
) -> Result<(), ImportError> {
    let format = Format::PipedriveDeals;
    let id = require_mapped(
        table,
        collector,
        format,
        MappingOption::Deal,
        &["dealid", "id"],
        "Deal - ID",
    )?;
    let stage = require_mapped(
        table,
        collector,
        format,
        MappingOption::Stage,
        &["dealstage", "stage"],
        "Deal - Stage",
    )?;
    let created = table.find(&["dealdealcreated", "dealcreated", "dealaddtime"]);
    let last_change = table.find(&["deallaststagechange", "laststagechange"]);
    let status = table.find(&["dealstatus", "status"]);
    let won_time = table.find(&["dealwontime", "wontime"]);
    let lost_time = table.find(&["deallosttime", "losttime"]);
    let used: Vec<usize> = [Some(id), Some(stage), last_change, won_time, lost_time]
        .into_iter()
        .flatten()
        .collect();
    let attrs = table.attribute_columns(&used, RENAME, "deal - ", collector);
    let won = collector.activity_code(b"Won").unwrap_or(0);
    let lost = collector.activity_code(b"Lost").unwrap_or(0);
    let mut deleted = 0;
    while table.next(collector) {
        let status_text = status.map(|s| fold(&String::from_utf8_lossy(table.field(s))));
        if status_text.as_deref() == Some("deleted") {
            deleted += 1;
            continue;
        }
        let Some(deal) = table.deal(id, collector) else {
            continue;
        };
        let stage_text = table.field(stage);
        let entered = last_change
            .filter(|&c| !table.field(c).is_empty())
            .or(created.filter(|&c| !table.field(c).is_empty()));
        if !stage_text.is_empty()
            && let Some(entered) = entered
        {
            let slot = collector.len();
            let consequence = "the entry into the current stage is left out";
            if let Some(time) = table.timestamp(entered, times, collector, slot, consequence) {
                match collector.activity_code(stage_text) {
                    Ok(code) => {
                        collector.push(deal, code, time, EventKind::StageEntry, table.line())
                    }
                    Err(_) => collector.encoding_problem(table.line(), table.header(stage)),
                }
            }
        }
        for (column, outcome) in [(won_time, won), (lost_time, lost)] {
            let Some(column) = column else { continue };
            let slot = collector.len();
            let name = if outcome == won { "Won" } else { "Lost" };
            let consequence = format!("the `{name}` entry is left out");
            if let Some(time) = table.timestamp(column, times, collector, slot, &consequence) {
                collector.push(deal, outcome, time, EventKind::StageEntry, table.line());
            }
        }
        table.set_deal_attrs(&attrs, deal, collector);
    }
    let patches = times.finish(collector.file_name())?;
    collector.patch_times(&patches);
    collector.note(
        "a Pipedrive deal export holds only each deal's current stage and outcome; add the deal flow (changelog) export for the stages before".into(),
    );
    if deleted > 0 {
        collector.note(format!("{deleted} deleted deal{} skipped", plural(deleted)));
    }
    Ok(())
}

pub(crate) fn read_flow(
    table: &mut Table,
    collector: &mut Collector,
    times: &mut TimeParser,
) -> Result<(), ImportError> {
    let format = Format::PipedriveFlow;
    let id = require_mapped(
        table,
        collector,
        format,
        MappingOption::Deal,
        &["itemid", "dealid", "deal"],
        "item_id (the deal id)",
    )?;
    let field = require(table, collector, format, &["fieldkey"], "field_key")?;
    let old = require(table, collector, format, &["oldvalue"], "old_value")?;
    let new = require(table, collector, format, &["newvalue"], "new_value")?;
    let log_time = require_mapped(
        table,
        collector,
        format,
        MappingOption::Timestamp,
        &["logtime"],
        "log_time",
    )?;
    let old_named = table.find(&["additionaldataoldvalueformatted", "oldvalueformatted"]);
    let new_named = table.find(&["additionaldatanewvalueformatted", "newvalueformatted"]);
    let user = table.find(&["userid", "user"]);
    let won = collector.activity_code(b"Won").unwrap_or(0);
    let lost = collector.activity_code(b"Lost").unwrap_or(0);
    let mut log = ChangeLog::default();
    let mut other_rows = 0;
    while table.next(collector) {
        let key = fold(&String::from_utf8_lossy(table.field(field)));
        if !matches!(key.as_str(), "stageid" | "status" | "addtime") {
            other_rows += 1;
            continue;
        }
        let Some(deal) = table.deal(id, collector) else {
            continue;
        };
        let by = user.map(|u| table.field(u)).unwrap_or(&[]);
        match key.as_str() {
            "addtime" => {
                // The new value is the creation time; log_time when it is empty.
                let column = if table.field(new).is_empty() {
                    log_time
                } else {
                    new
                };
                if let Some(time) = required_time(table, column, times, collector, log.next_slot())
                {
                    log.created(deal, time, table.line());
                }
            }
            "status" => {
                let outcome = match fold(&String::from_utf8_lossy(table.field(new))).as_str() {
                    "won" => won,
                    "lost" => lost,
                    _ => {
                        other_rows += 1;
                        continue;
                    }
                };
                if let Some(time) =
                    required_time(table, log_time, times, collector, log.next_slot())
                {
                    log.change(deal, outcome, None, time, table.line(), by);
                }
            }
            _ => {
                let named = |plain: usize, named: Option<usize>| {
                    named
                        .map(|n| table.field(n))
                        .filter(|v| !v.is_empty())
                        .unwrap_or(table.field(plain))
                };
                let new_text = named(new, new_named);
                if new_text.is_empty() {
                    missing(table, collector, new, "new stage");
                    continue;
                }
                let Ok(stage) = collector.activity_code(new_text) else {
                    collector.encoding_problem(table.line(), table.header(new));
                    continue;
                };
                let old_text = named(old, old_named);
                let previous = if old_text.is_empty() {
                    None
                } else {
                    collector.activity_code(old_text).ok()
                };
                if let Some(time) =
                    required_time(table, log_time, times, collector, log.next_slot())
                {
                    log.change(deal, stage, previous, time, table.line(), by);
                }
            }
        }
    }
    let patches = times.finish(collector.file_name())?;
    let counts = log.emit(&patches, collector);
    note_changes(collector, &counts, "`add_time` row");
    if other_rows > 0 {
        collector.note(format!(
            "{other_rows} row{} about other fields (not stage changes) skipped",
            plural(other_rows)
        ));
    }
    Ok(())
}
