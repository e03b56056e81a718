//! Opening a file and handing it to the right reader: gzip is recognised from its magic bytes
//! and decompressed as a stream, XES from its first tag, and CSV exports from their headers
//! ([`detect`]). Bytes read are reported to the progress bar as they are read, so memory is
//! bounded by the history being built, not by the file.
//!
//! [`Table`] is the CSV side: the delimiter is sniffed from the header line (`,`, `;` or tab,
//! as localized Excel writes them), records come from [`Records`] (fields are slices of one
//! reused buffer), and headers are matched case-insensitively ignoring spaces and
//! punctuation (`Deal - ID` is `dealid`).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use flate2::read::MultiGzDecoder;

use crate::collect::{Collector, ENCODING_HELP};
use crate::problem::{ImportError, ProblemKind};
use crate::records::Records;
use crate::timestamp::TimeParser;
use crate::{
    ImportOptions, Progress, Source, hubspot, long_csv, pipedrive, salesforce, snapshot, xes,
};

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
    let counted = Counting {
        inner: file,
        read: 0,
        reported: 0,
        progress: options.progress.clone(),
    };
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
    mut reader: Box<dyn BufRead>,
    name: &str,
    source: Source,
    collector: &mut Collector,
) -> Result<(), ImportError> {
    let delimiter = sniff_delimiter(reader.fill_buf().unwrap_or(&[]));
    let mut records = Records::new(Box::new(reader), delimiter);
    let has_header = records.next_record().map_err(|e| ImportError::Io {
        file: name.to_string(),
        message: e.to_string(),
    })?;
    if !has_header {
        return Err(ImportError::UnknownFormat {
            file: name.to_string(),
            headers: Vec::new(),
        });
    }
    let header: Vec<&[u8]> = records.iter().collect();
    let mut headers = Vec::with_capacity(header.len());
    for field in header {
        match std::str::from_utf8(field) {
            Ok(text) => headers.push(text.trim().to_string()),
            Err(_) => {
                return Err(ImportError::Encoding {
                    file: name.to_string(),
                    message: format!("the header line is not UTF-8 text\n  help: {ENCODING_HELP}"),
                });
            }
        }
    }
    let mut table = Table {
        folded: headers.iter().map(|h| fold(h)).collect(),
        headers,
        records,
        rows: 0,
        empty_rows: 0,
    };
    let format = detect(&table, &collector.columns, source, name)?;
    // The normalized CSV is a faithful dump of a history: it keeps every event, like XES.
    collector.begin_file(name, format.name(), format == Format::Normalized);
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
    if table.empty_rows > 0 {
        collector.note(format!(
            "{} empty row{} skipped",
            table.empty_rows,
            if table.empty_rows == 1 { "" } else { "s" }
        ));
    }
    collector.end_file(table.rows);
    Ok(())
}

/// The CSV export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Normalized,
    Long,
    SalesforceHistory,
    SalesforceFieldHistory,
    HubSpot,
    PipedriveDeals,
    PipedriveFlow,
    Snapshot,
}

impl Format {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Format::Normalized => "normalized history CSV",
            Format::Long => "event log CSV",
            Format::SalesforceHistory => "Salesforce OpportunityHistory",
            Format::SalesforceFieldHistory => "Salesforce OpportunityFieldHistory",
            Format::HubSpot => "HubSpot deal export",
            Format::PipedriveDeals => "Pipedrive deal export",
            Format::PipedriveFlow => "Pipedrive deal flow",
            Format::Snapshot => "snapshot export",
        }
    }
}

pub(crate) const DEAL_COLUMNS: &[&str] = &[
    "caseconceptname",
    "caseid",
    "dealid",
    "deal",
    "opportunityid",
    "case",
    "leadid",
    "recordid",
];
pub(crate) const STAGE_COLUMNS: &[&str] = &[
    "conceptname",
    "activity",
    "stage",
    "stagename",
    "activityname",
    "event",
];
pub(crate) const TIME_COLUMNS: &[&str] = &[
    "timetimestamp",
    "timestamp",
    "time",
    "datetime",
    "eventtime",
    "date",
    "changedat",
    "changeddate",
];

/// Recognises the export format from the headers.
fn detect(
    table: &Table,
    mapping: &crate::ColumnMapping,
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
    let sf_field = has("opportunityid") && (has("field") || has("fieldevent")) && has("newvalue");
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
        Source::Salesforce if sf_field => Some(Format::SalesforceFieldHistory),
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
            } else if snapshot {
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

/// Appends up to `limit` bytes from `source` to `buffer`, read straight into its spare room
/// (reserved first, so the buffer is neither zeroed nor grown mid-read); returns how many were
/// read, fewer than `limit` only when the input ended. On an error the bytes read before it
/// stay in `buffer`.
pub(crate) fn read_up_to(
    source: &mut dyn Read,
    buffer: &mut Vec<u8>,
    limit: usize,
) -> io::Result<usize> {
    buffer.reserve(limit);
    source.take(limit as u64).read_to_end(buffer)
}

/// `text` without `prefix` (ASCII, compared ignoring case), if it starts with it.
pub(crate) fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Lowercase letters and digits only: `Deal - ID` → `dealid`, `case:concept:name` →
/// `caseconceptname`.
pub(crate) fn fold(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn sniff_delimiter(head: &[u8]) -> u8 {
    let line_end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let line = &head[..line_end];
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in line {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3)
        .max_by_key(|&i| (counts[i], usize::from(i == 0)))
        .unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// A CSV export being read: headers, the current record, and where it is.
pub(crate) struct Table {
    pub(crate) headers: Vec<String>,
    pub(crate) folded: Vec<String>,
    records: Records,
    pub(crate) rows: u64,
    empty_rows: u64,
}

impl Table {
    /// The first of `candidates` (folded names) that is a column.
    pub(crate) fn find(&self, candidates: &[&str]) -> Option<usize> {
        candidates
            .iter()
            .find_map(|c| self.folded.iter().position(|f| f == c))
    }

    /// The first of the user's `names` that is a column, else the first of `candidates`.
    pub(crate) fn find_mapped(&self, names: &[String], candidates: &[&str]) -> Option<usize> {
        if names.is_empty() {
            return self.find(candidates);
        }
        names.iter().find_map(|n| self.find_name(n))
    }

    /// A column by the user's name: exact (ignoring case), else folded.
    pub(crate) fn find_name(&self, name: &str) -> Option<usize> {
        let name = name.trim();
        self.headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name) || h.to_lowercase() == name.to_lowercase())
            .or_else(|| {
                let folded = fold(name);
                self.folded
                    .iter()
                    .position(|f| !folded.is_empty() && *f == folded)
            })
    }

    /// Takes the record reader out (for [`crate::blocks`]), leaving one at the end.
    pub(crate) fn take_records(&mut self) -> Records {
        let delimiter = self.records.delimiter();
        std::mem::replace(
            &mut self.records,
            Records::new(Box::new(io::empty()), delimiter),
        )
    }

    /// Puts a record reader back, to read the rest of the file row by row.
    pub(crate) fn put_records(&mut self, records: Records) {
        self.records = records;
    }

    /// Counts rows read elsewhere (by [`crate::blocks`]).
    pub(crate) fn count_rows(&mut self, rows: u64, empty_rows: u64) {
        self.rows += rows;
        self.empty_rows += empty_rows;
    }

    /// Moves to the next record; `false` at the end, or when the file is damaged (reported).
    pub(crate) fn next(&mut self, collector: &mut Collector) -> bool {
        loop {
            match self.records.next_record() {
                Ok(false) => return false,
                Ok(true) => {
                    let record = &self.records;
                    if record.iter().all(|f| f.trim_ascii().is_empty()) {
                        self.empty_rows += 1;
                        continue;
                    }
                    self.rows += 1;
                    if record.len() > self.headers.len()
                        && record
                            .iter()
                            .skip(self.headers.len())
                            .any(|f| !f.trim_ascii().is_empty())
                    {
                        let values = record.len();
                        collector.problem(
                            ProblemKind::BadValue,
                            Some(self.line()),
                            None,
                            format!(
                                "the row has {values} values but the header has {} columns; the extra values are ignored",
                                self.headers.len()
                            ),
                            Some("a value that contains the delimiter must be in double quotes"),
                        );
                    }
                    return true;
                }
                Err(e) => {
                    collector.problem(
                        ProblemKind::Damaged,
                        Some(self.records.unread_line()),
                        None,
                        format!("the file cannot be read past this point: {e}"),
                        Some("the rows before were kept; export the file again if it was cut off"),
                    );
                    return false;
                }
            }
        }
    }

    /// The field of the current record, trimmed; empty when the row is short.
    pub(crate) fn field(&self, column: usize) -> &[u8] {
        self.records.get(column).unwrap_or(&[]).trim_ascii()
    }

    /// Line where the current record starts (the header is line 1).
    pub(crate) fn line(&self) -> u64 {
        self.records.line()
    }

    /// The header of `column`.
    pub(crate) fn header(&self, column: usize) -> &str {
        &self.headers[column]
    }

    /// Reads the timestamp in `column` for event `slot`: `None` when empty, or when it cannot
    /// be read (reported, with `consequence` saying what is lost).
    pub(crate) fn timestamp(
        &self,
        column: usize,
        times: &mut TimeParser,
        collector: &mut Collector,
        slot: usize,
        consequence: &str,
    ) -> Option<i64> {
        let text = self.field(column);
        if text.is_empty() {
            return None;
        }
        match times.parse(text, self.header(column), self.line(), slot) {
            Ok(micros) => Some(micros),
            Err(reason) => {
                collector.problem(
                    ProblemKind::BadTimestamp,
                    Some(self.line()),
                    Some(self.header(column)),
                    format!("{reason}; {consequence}"),
                    Some(crate::long_csv::TIME_HELP),
                );
                None
            }
        }
    }

    /// The deal code of the id in `column`; `None` (reported) when empty or not UTF-8.
    pub(crate) fn deal(&self, column: usize, collector: &mut Collector) -> Option<u32> {
        let text = self.field(column);
        if text.is_empty() {
            collector.problem(
                ProblemKind::MissingValue,
                Some(self.line()),
                Some(self.header(column)),
                "no deal id; the row is skipped".into(),
                None,
            );
            return None;
        }
        match collector.deal_code(text) {
            Ok(code) => Some(code),
            Err(_) => {
                collector.encoding_problem(self.line(), self.header(column));
                None
            }
        }
    }

    /// Copies `(column, deal attribute)` values of the current row onto `deal`.
    pub(crate) fn set_deal_attrs(
        &self,
        columns: &[(usize, usize)],
        deal: u32,
        collector: &mut Collector,
    ) {
        for &(column, attr) in columns {
            let value = self.field(column);
            if !value.is_empty() && collector.set_deal_attr(attr, deal, value).is_err() {
                collector.problem(
                    ProblemKind::Encoding,
                    Some(self.line()),
                    Some(self.header(column)),
                    "the value is not UTF-8 text; it is left out (the row is kept)".into(),
                    Some(ENCODING_HELP),
                );
            }
        }
    }

    /// Deal attribute columns: every column not in `used`, named by `rename` (folded header →
    /// attribute name) or else by the header with `strip` removed from its start.
    pub(crate) fn attribute_columns(
        &self,
        used: &[usize],
        rename: &[(&str, &str)],
        strip: &str,
        collector: &mut Collector,
    ) -> Vec<(usize, usize)> {
        if !collector.keep_attributes() {
            return Vec::new();
        }
        let mut columns = Vec::new();
        for (i, header) in self.headers.iter().enumerate() {
            if used.contains(&i) || header.is_empty() {
                continue;
            }
            let name = match rename.iter().find(|(folded, _)| *folded == self.folded[i]) {
                Some((_, name)) => name.to_string(),
                None => match strip_prefix_ci(header, strip) {
                    Some(rest) if !strip.is_empty() => rest.trim().to_string(),
                    _ => header.clone(),
                },
            };
            columns.push((i, collector.deal_column(&name)));
        }
        columns
    }
}

/// Counts bytes read from disk for the progress bar.
struct Counting {
    inner: File,
    read: u64,
    reported: u64,
    progress: Option<Arc<dyn Progress>>,
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if let Some(progress) = &self.progress
            && self.read - self.reported >= 1 << 20
        {
            self.reported = self.read;
            progress.advance(self.read);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_headers_and_sniffs_delimiters() {
        assert_eq!(fold("Deal - ID"), "dealid");
        assert_eq!(fold("case:concept:name"), "caseconceptname");
        assert_eq!(fold("거래 단계"), "거래단계");
        assert_eq!(sniff_delimiter(b"a;b;\"c,d\"\n1;2;3"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter(b"single"), b',');
    }
}
