//! The normalized history CSV: salesmap's own interchange format (docs/import.md).
//!
//! Columns: `deal,stage,timestamp,kind`, then one column per deal attribute (its plain name,
//! repeated on every row of the deal), then one per event attribute (`event:<name>`). Rows
//! are the history's events in order; timestamps are RFC 3339 UTC with microseconds when not
//! zero; `kind` is `stage` or `touch`. Reading this file back ([`crate::read_history`])
//! recognises it by its first three headers and gives an identical history.

use std::io::{self, Write};

use salesmap_core::history::{EventKind, History};

use crate::timestamp::format_timestamp;

const RESERVED: [&str; 4] = ["deal", "stage", "timestamp", "kind"];

/// Writes the normalized history CSV.
pub fn write_csv(history: &History, out: impl Write) -> io::Result<()> {
    let mut writer = csv::WriterBuilder::new().from_writer(out);
    let deal_attrs: Vec<_> = history
        .deal_attrs
        .iter()
        .filter(|c| !RESERVED.contains(&c.name.as_str()) && !c.name.starts_with("event:"))
        .collect();
    let mut header: Vec<String> = RESERVED.iter().map(|s| s.to_string()).collect();
    header.extend(deal_attrs.iter().map(|c| c.name.clone()));
    header.extend(
        history
            .event_attrs
            .iter()
            .map(|c| format!("event:{}", c.name)),
    );
    writer.write_record(&header).map_err(into_io)?;
    let mut record: Vec<String> = Vec::with_capacity(header.len());
    for row in 0..history.len() {
        record.clear();
        let deal = history.deal[row];
        record.push(history.deals.name(deal).to_string());
        record.push(history.activities.name(history.activity[row]).to_string());
        record.push(format_timestamp(history.time[row]));
        record.push(
            match history.kind[row] {
                EventKind::StageEntry => "stage",
                EventKind::Touch => "touch",
            }
            .to_string(),
        );
        for column in &deal_attrs {
            record.push(column.get(deal as usize).unwrap_or("").to_string());
        }
        for column in &history.event_attrs {
            record.push(column.get(row).unwrap_or("").to_string());
        }
        writer.write_record(&record).map_err(into_io)?;
    }
    writer.flush()
}

fn into_io(error: csv::Error) -> io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}
