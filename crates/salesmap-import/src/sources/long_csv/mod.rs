//! Long CSV: one row per event, the shape of PM4Py's CSV logs and of the normalized history
//! this crate writes.
//!
//! Columns are found by the mapping, else by common names (`case:concept:name`, `case_id`,
//! `deal_id`…; `concept:name`, `activity`, `stage`…; `time:timestamp`, `timestamp`…). Other
//! columns become attributes: `case:`-prefixed ones (PM4Py's convention), the mapping's deal
//! attributes and well-known CRM deal fields (amount, owner, source, segment…) are deal
//! attributes, the rest event attributes. In the normalized format the plain columns after
//! `kind` are deal attributes and `event:`-prefixed ones event attributes. As in PM4Py, a row
//! with an empty deal, stage or timestamp is not imported; here it is also reported.

use salesmap_core::history::EventKind;

use crate::collect::{Collector, ENCODING_HELP, Target};
use crate::problem::{ImportError, ProblemKind};
use crate::table::{DEAL_COLUMNS, Format, STAGE_COLUMNS, TIME_COLUMNS, Table, strip_prefix_ci};
use crate::timestamp::{TIME_HELP, TimeParser, shorten};

mod blocks;
mod columns;

use columns::{Columns, parse_kind};

/// Column names (folded) read as deal attributes in a generic long CSV.
const DEAL_FIELDS: &[&str] = &[
    "amount",
    "value",
    "currency",
    "owner",
    "dealowner",
    "source",
    "leadsource",
    "segment",
    "lostreason",
    "region",
    "industry",
    "pipeline",
    "company",
    "account",
];

pub(crate) fn read(
    table: &mut Table,
    collector: &mut Collector,
    times: &mut TimeParser,
    format: Format,
) -> Result<(), ImportError> {
    let mapping = collector.columns.clone();
    let normalized = format == Format::Normalized;
    let missing = |wanted: &str, table: &Table| ImportError::MissingColumn {
        file: collector.file_name().to_string(),
        format: format.name().to_string(),
        wanted: wanted.to_string(),
        headers: table.headers.clone(),
    };
    let (deal, stage, time) = if normalized {
        (0, 1, 2)
    } else {
        (
            table
                .find_mapped(&mapping.deal, DEAL_COLUMNS)
                .ok_or_else(|| missing("deal", table))?,
            table
                .find_mapped(&mapping.stage, STAGE_COLUMNS)
                .ok_or_else(|| missing("stage (activity)", table))?,
            table
                .find_mapped(&mapping.timestamp, TIME_COLUMNS)
                .ok_or_else(|| missing("timestamp", table))?,
        )
    };
    let kind = match &mapping.kind {
        Some(name) if !normalized => {
            Some(table.find_name(name).ok_or_else(|| missing(name, table))?)
        }
        _ => table.find(&["kind", "eventkind"]),
    };
    for (entry, (_, column)) in mapping.deal_attributes.iter().enumerate() {
        if !normalized && table.find_name(column).is_some() {
            collector.mapping_use.attribute_found(entry);
        }
    }

    let mut targets: Vec<(usize, Target)> = Vec::new();
    if collector.keep_attributes() {
        for (i, header) in table.headers.iter().enumerate() {
            if [deal, stage, time].contains(&i) || Some(i) == kind || header.is_empty() {
                continue;
            }
            let target = if normalized {
                match header.strip_prefix("event:") {
                    Some(name) => Target::Event(collector.event_column(name)),
                    None => Target::Deal(collector.deal_column(header)),
                }
            } else if let Some((name, _)) = mapping
                .deal_attributes
                .iter()
                .find(|(_, column)| table.find_name(column) == Some(i))
            {
                Target::Deal(collector.deal_column(name))
            } else if let Some(name) = strip_prefix_ci(header, "case:").filter(|n| !n.is_empty()) {
                Target::Deal(collector.deal_column(name))
            } else if DEAL_FIELDS.contains(&table.folded[i].as_str()) {
                Target::Deal(collector.deal_column(header))
            } else {
                Target::Event(collector.event_column(header))
            };
            targets.push((i, target));
        }
    }

    // Plain rows are read on every core; the rest of the file (or all of it) row by row.
    if let Some(blocks) = collector.blocks {
        let columns = Columns {
            deal,
            stage,
            time,
            kind,
            targets: &targets,
        };
        if blocks::read(table, collector, times, columns, blocks) {
            let patches = times.finish(collector.file_name())?;
            collector.patch_times(&patches);
            return Ok(());
        }
    }

    let deal_header = table.header(deal).to_string();
    let stage_header = table.header(stage).to_string();
    let time_header = table.header(time).to_string();
    while table.next(collector) {
        let line = table.line();
        let deal_text = table.field(deal);
        let stage_text = table.field(stage);
        let time_text = table.field(time);
        if deal_text.is_empty() || stage_text.is_empty() || time_text.is_empty() {
            let (column, what) = if deal_text.is_empty() {
                (&deal_header, "deal id")
            } else if stage_text.is_empty() {
                (&stage_header, "stage")
            } else {
                (&time_header, "timestamp")
            };
            collector.problem(
                ProblemKind::MissingValue,
                Some(line),
                Some(column),
                format!("no {what}; the row is skipped"),
                None,
            );
            continue;
        }
        let event_kind = match kind {
            None => None,
            Some(k) => match parse_kind(table.field(k)) {
                Some(kind) => kind,
                None => {
                    let header = table.header(k).to_string();
                    let value = shorten(table.field(k));
                    collector.problem(
                        ProblemKind::BadValue,
                        Some(line),
                        Some(&header),
                        format!("`{value}` is not an event kind; the row is skipped"),
                        Some("write `stage` for a stage entry or `touch` for a call, email or meeting"),
                    );
                    continue;
                }
            },
        };
        let Ok(deal_code) = collector.deal_code(deal_text) else {
            collector.encoding_problem(line, &deal_header);
            continue;
        };
        let Ok(activity) = collector.activity_code(stage_text) else {
            collector.encoding_problem(line, &stage_header);
            continue;
        };
        let slot = collector.len();
        let micros = match times.parse(time_text, &time_header, line, slot) {
            Ok(micros) => micros,
            Err(reason) => {
                collector.problem(
                    ProblemKind::BadTimestamp,
                    Some(line),
                    Some(&time_header),
                    format!("{reason}; the row is skipped"),
                    Some(TIME_HELP),
                );
                continue;
            }
        };
        // Touches named in the mapping are made touches when the import finishes.
        let event_kind = event_kind.unwrap_or(EventKind::StageEntry);
        collector.push(deal_code, activity, micros, event_kind, line);
        for &(column, target) in &targets {
            let value = table.field(column);
            if value.is_empty() {
                continue;
            }
            let result = match target {
                Target::Event(c) => collector.set_event_attr(c, slot, value),
                Target::Deal(c) => collector.set_deal_attr(c, deal_code, value),
            };
            if result.is_err() {
                let header = table.header(column).to_string();
                collector.problem(
                    ProblemKind::Encoding,
                    Some(line),
                    Some(&header),
                    "the value is not UTF-8 text; it is left out (the event is kept)".into(),
                    Some(ENCODING_HELP),
                );
            }
        }
    }
    let patches = times.finish(collector.file_name())?;
    collector.patch_times(&patches);
    Ok(())
}
