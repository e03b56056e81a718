//! Opening a file and handing it to the right reader, the top of the import: gzip is
//! recognised from its magic bytes and decompressed as a stream, XES from its first tag, and
//! CSV exports from their headers ([`detect`]), and the file goes to its reader in
//! [`crate::sources`]. Bytes read are reported to the progress bar as they are read, so memory
//! is bounded by the history being built, not by the file.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

use flate2::read::MultiGzDecoder;

use crate::collect::{Collector, ENCODING_HELP};
use crate::mapping::ColumnMapping;
use crate::options::{ImportOptions, Source};
use crate::problem::ImportError;
use crate::sources::{hubspot, long_csv, pipedrive, salesforce, snapshot, xes};
use crate::stream::Counting;
use crate::table::{DEAL_COLUMNS, Format, STAGE_COLUMNS, TIME_COLUMNS, Table};
use crate::timestamp::TimeParser;

const BUFFER: usize = 256 * 1024;

/// Reads one file into the collector.
pub(crate) fn read_file(
    path: &Path,
    options: &ImportOptions,
    collector: &mut Collector,
) -> Result<(), ImportError> {
    let name = path.display().to_string();
    let io_error = |e: io::Error| ImportError::Io {
        file: name.clone(),
        message: e.to_string(),
    };
    let file = File::open(path).map_err(io_error)?;
    let size = file.metadata().ok().map(|m| m.len());
    if let Some(progress) = &options.progress {
        progress.start(&name, size);
    }
    let counted = Counting::new(file, options.progress.clone());
    let mut raw = BufReader::with_capacity(BUFFER, counted);
    let compressed = raw.fill_buf().map_err(io_error)?.starts_with(&[0x1f, 0x8b]);
    collector.file_bytes = if compressed { None } else { size };
    let mut reader: Box<dyn BufRead> = if compressed {
        Box::new(BufReader::with_capacity(BUFFER, MultiGzDecoder::new(raw)))
    } else {
        Box::new(raw)
    };
    let head = match reader.fill_buf() {
        Ok(head) => head,
        Err(e) => {
            return Err(ImportError::Io {
                file: name,
                message: format!("cannot decompress: {e}"),
            });
        }
    };
    if head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]) {
        return Err(ImportError::Encoding {
            file: name,
            message: "the file is UTF-16 text".into(),
        })
        .map_err(|e| with_help(e, ENCODING_HELP));
    }
    if head.starts_with(&[0xef, 0xbb, 0xbf]) {
        reader.consume(3);
    }
    let head = reader.fill_buf().map_err(io_error)?;
    let looks_xml = head
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'<');
    let result = match options.source {
        Source::Xes => xes::read(reader, &name, collector),
        Source::Auto if looks_xml => xes::read(reader, &name, collector),
        source => read_table(reader, &name, source, collector),
    };
    if let Some(progress) = &options.progress {
        progress.finish();
    }
    result
}

fn with_help(error: ImportError, help: &str) -> ImportError {
    match error {
        ImportError::Encoding { file, message } => ImportError::Encoding {
            file,
            message: format!("{message}\n  help: {help}"),
        },
        other => other,
    }
}

fn read_table(
    reader: Box<dyn BufRead>,
    name: &str,
    source: Source,
    collector: &mut Collector,
) -> Result<(), ImportError> {
    let mut table = Table::open(reader, name)?;
    let format = detect(&table, &collector.columns, source, name)?;
    // The normalized CSV is a faithful dump of a history: it keeps every event, like XES.
    collector.begin_file(name, format.name(), format == Format::Normalized);
    collector
        .mapping_use
        .file(name, format.name(), |option| format.refuses(option));
    let mut times = TimeParser::new(collector.date_format.as_ref(), collector.zone.as_ref());
    match format {
        Format::Normalized | Format::Long => {
            long_csv::read(&mut table, collector, &mut times, format)?
        }
        Format::SalesforceHistory => salesforce::read_history(&mut table, collector, &mut times)?,
        Format::SalesforceFieldHistory => {
            salesforce::read_field_history(&mut table, collector, &mut times)?
        }
        Format::HubSpot => hubspot::read(&mut table, collector, &mut times)?,
        Format::PipedriveDeals => pipedrive::read_deals(&mut table, collector, &mut times)?,
        Format::PipedriveFlow => pipedrive::read_flow(&mut table, collector, &mut times)?,
        Format::Snapshot => snapshot::read(&mut table, collector, &mut times)?,
    }
    if let Some(note) = times.zone_note() {
        collector.note(note);
    }
    let empty_rows = table.empty_rows();
    if empty_rows > 0 {
        collector.note(format!(
            "{} empty row{} skipped",
            empty_rows,
            if empty_rows == 1 { "" } else { "s" }
        ));
    }
    collector.end_file(table.rows);
    Ok(())
}

/// Recognises the export format from the headers.
fn detect(
    table: &Table,
    mapping: &ColumnMapping,
    source: Source,
    file: &str,
) -> Result<Format, ImportError> {
    let has = |name: &str| table.folded.iter().any(|f| f == name);
    let raw_starts = |prefix: &str| {
        table
            .headers
            .iter()
            .any(|h| h.to_lowercase().starts_with(prefix))
    };
    let normalized = table.folded.len() >= 3 && table.folded[..3] == ["deal", "stage", "timestamp"];
    let field_changes = (has("field") || has("fieldevent")) && has("newvalue");
    let sf_field = has("opportunityid") && field_changes;
    let sf_history = has("opportunityid") && has("stagename");
    let hubspot = raw_starts("date entered ")
        || raw_starts("hs_v2_date_entered_")
        || raw_starts("hs_date_entered_");
    let pd_flow = has("fieldkey") && has("newvalue");
    let pd_deals = raw_starts("deal - ");
    let mapped_long =
        !mapping.deal.is_empty() || !mapping.stage.is_empty() || !mapping.timestamp.is_empty();
    let long = table.find_mapped(&mapping.deal, DEAL_COLUMNS).is_some()
        && table.find_mapped(&mapping.stage, STAGE_COLUMNS).is_some()
        && table
            .find_mapped(&mapping.timestamp, TIME_COLUMNS)
            .is_some();
    let snapshot = snapshot::looks_like(table, mapping);
    let found = match source {
        Source::Csv if normalized => Some(Format::Normalized),
        Source::Csv => Some(Format::Long),
        Source::Salesforce if field_changes => Some(Format::SalesforceFieldHistory),
        Source::Salesforce => Some(Format::SalesforceHistory),
        Source::HubSpot => Some(Format::HubSpot),
        Source::Pipedrive if pd_flow => Some(Format::PipedriveFlow),
        Source::Pipedrive => Some(Format::PipedriveDeals),
        Source::Snapshot => Some(Format::Snapshot),
        Source::Xes => None,
        Source::Auto => {
            if normalized {
                Some(Format::Normalized)
            } else if !mapping.milestones.is_empty() && snapshot {
                Some(Format::Snapshot)
            } else if mapped_long && long {
                Some(Format::Long)
            } else if sf_field {
                Some(Format::SalesforceFieldHistory)
            } else if sf_history {
                Some(Format::SalesforceHistory)
            } else if hubspot {
                Some(Format::HubSpot)
            } else if pd_flow {
                Some(Format::PipedriveFlow)
            } else if pd_deals {
                Some(Format::PipedriveDeals)
            } else if long {
                Some(Format::Long)
            } else if snapshot
                || (!mapping.milestones.is_empty() && snapshot::has_deal_column(table, mapping))
            {
                Some(Format::Snapshot)
            } else {
                None
            }
        }
    };
    found.ok_or_else(|| ImportError::UnknownFormat {
        file: file.to_string(),
        headers: table.headers.clone(),
    })
}
