//! The CSV table under every CSV reader: [`Table`] reads an export's header and then its rows
//! one record at a time, and holds what the readers share about columns.
//!
//! The delimiter is sniffed from the header line (`,`, `;` or tab, as localized Excel writes
//! them), records come from [`Records`] (fields are slices of one reused buffer), and headers
//! are matched case-insensitively ignoring spaces and punctuation (`Deal - ID` is `dealid`).
//! [`Format`] names the CSV export formats, and [`require`], [`missing`] and
//! [`required_time`] report a missing column or value the same way for every reader.

use std::io::{self, BufRead};

use crate::collect::{Collector, ENCODING_HELP};
use crate::mapping::MappingOption;
use crate::problem::{ImportError, ProblemKind};
use crate::timestamp::{TIME_HELP, TimeParser};

mod records;

pub(crate) use crate::mapping::fold;
pub(crate) use records::Records;

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

/// Why `[milestones]` does not apply to an export with one row per event.
pub(crate) const NO_MILESTONES: &str = "its rows are events with their own stage; `[milestones]` names the date columns of an export with one row per deal";
/// Why a kind column does not apply to an export of stage changes only.
const NO_KIND: &str = "it holds stage entries only, no touches";
const FIELD_CHANGES: &str = "it holds field changes, not deal columns";

impl Format {
    /// Why this format cannot use a column-mapping option, or `None` when its reader applies
    /// it (see docs/import.md, "Column mapping").
    pub(crate) fn refuses(self, option: MappingOption) -> Option<&'static str> {
        use MappingOption::*;
        match (self, option) {
            (Format::Normalized, Deal | Stage | Timestamp | Kind) => {
                Some("its columns are fixed: deal, stage, timestamp, kind")
            }
            (Format::Normalized, DealAttributes) => {
                Some("its deal attributes are the columns after `kind`, named already")
            }
            (Format::SalesforceFieldHistory, Stage) => {
                Some("its stage changes are the rows with `Field` = StageName")
            }
            (Format::SalesforceFieldHistory | Format::PipedriveFlow, DealAttributes) => {
                Some(FIELD_CHANGES)
            }
            (Format::HubSpot, Stage) => Some("every stage has its own `Date entered` column"),
            (Format::HubSpot, Timestamp) => {
                Some("each stage's `Date entered` column dates the entry into it")
            }
            (Format::PipedriveDeals, Timestamp) => Some(
                "its entries are dated by `Deal - Last stage change`, `Deal - Won time` and `Deal - Lost time`",
            ),
            (Format::PipedriveFlow, Stage) => Some("its stage changes are the `stage_id` rows"),
            (Format::Snapshot, Stage | Timestamp) => Some(
                "it has one row per deal, and its stage entries are its date columns: name them under `[milestones]`",
            ),
            (Format::Long, Kind) => None,
            (_, Kind) => Some(NO_KIND),
            (Format::Snapshot, Milestones) => None,
            (_, Milestones) => Some(NO_MILESTONES),
            _ => None,
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

/// `text` without `prefix` (ASCII, compared ignoring case), if it starts with it.
pub(crate) fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
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
    /// Reads the header line of `reader` (the file `name`), sniffing the delimiter from it.
    pub(crate) fn open(mut reader: Box<dyn BufRead>, name: &str) -> Result<Table, ImportError> {
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
                        message: format!(
                            "the header line is not UTF-8 text\n  help: {ENCODING_HELP}"
                        ),
                    });
                }
            }
        }
        Ok(Table {
            folded: headers.iter().map(|h| fold(h)).collect(),
            headers,
            records,
            rows: 0,
            empty_rows: 0,
        })
    }

    /// Rows skipped because every field was empty.
    pub(crate) fn empty_rows(&self) -> u64 {
        self.empty_rows
    }

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

    /// Takes the record reader out (for `sources::long_csv::blocks`), leaving one at
    /// the end.
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

    /// Counts rows read elsewhere (by `sources::long_csv::blocks`).
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
                    Some(TIME_HELP),
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
        // The mapping's `[deal_attributes]` name their columns first.
        let mapped: Vec<(usize, usize)> = collector
            .columns
            .deal_attributes
            .iter()
            .enumerate()
            .filter_map(|(entry, (_, column))| Some((self.find_name(column)?, entry)))
            .collect();
        for &(_, entry) in &mapped {
            collector.mapping_use.attribute_found(entry);
        }
        if !collector.keep_attributes() {
            return Vec::new();
        }
        let mut columns = Vec::new();
        for (i, header) in self.headers.iter().enumerate() {
            if used.contains(&i) || header.is_empty() {
                continue;
            }
            if let Some(&(_, entry)) = mapped.iter().find(|(column, _)| *column == i) {
                let name = collector.columns.deal_attributes[entry].0.clone();
                columns.push((i, collector.deal_column(&name)));
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

/// The first of `candidates` (folded names) that is a column, else the error naming the
/// column `format` needs.
pub(crate) fn require(
    table: &Table,
    collector: &Collector,
    format: Format,
    candidates: &[&str],
    wanted: &str,
) -> Result<usize, ImportError> {
    table
        .find(candidates)
        .ok_or_else(|| ImportError::MissingColumn {
            file: collector.file_name().to_string(),
            format: format.name().to_string(),
            wanted: format!("`{wanted}`"),
            headers: table.headers.clone(),
        })
}

/// The column a mapping `option` (deal, stage or timestamp) names, else the first of
/// `candidates`; the error names the column `format` needs.
pub(crate) fn require_mapped(
    table: &Table,
    collector: &Collector,
    format: Format,
    option: MappingOption,
    candidates: &[&str],
    wanted: &str,
) -> Result<usize, ImportError> {
    let names = match option {
        MappingOption::Deal => &collector.columns.deal,
        MappingOption::Stage => &collector.columns.stage,
        MappingOption::Timestamp => &collector.columns.timestamp,
        _ => return require(table, collector, format, candidates, wanted),
    };
    if names.is_empty() {
        return require(table, collector, format, candidates, wanted);
    }
    table
        .find_mapped(names, candidates)
        .ok_or_else(|| ImportError::MissingColumn {
            file: collector.file_name().to_string(),
            format: format.name().to_string(),
            wanted: format!("`{}` (from the column mapping)", names.join("` or `")),
            headers: table.headers.clone(),
        })
}

/// Reports a row skipped for want of `what` in `column`.
pub(crate) fn missing(table: &Table, collector: &mut Collector, column: usize, what: &str) {
    collector.problem(
        ProblemKind::MissingValue,
        Some(table.line()),
        Some(table.header(column)),
        format!("no {what}; the row is skipped"),
        None,
    );
}

/// The timestamp of a row that cannot be used without one.
pub(crate) fn required_time(
    table: &Table,
    column: usize,
    times: &mut TimeParser,
    collector: &mut Collector,
    slot: usize,
) -> Option<i64> {
    if table.field(column).is_empty() {
        missing(table, collector, column, "timestamp");
        return None;
    }
    table.timestamp(column, times, collector, slot, "the row is skipped")
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
