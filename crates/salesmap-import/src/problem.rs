//! What went wrong, for the person who has to fix the export: [`Problem`]s are rows that could
//! not be read (or were read with a remark), [`ImportError`]s stop the whole import.
//!
//! A problem names the file, the line the row starts on, the column, the reason and how to
//! fix it; the valid rows around it are kept. [`render_problems`] prints them like a
//! compiler's diagnostics, grouping long runs of the same problem so a broken column does not
//! bury everything else.

use std::fmt;

/// What kind of problem a row has. Errors mean the row (or value) was not imported;
/// warnings mean it was imported with a remark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    /// A required field (deal, stage, timestamp) is empty: the row is skipped.
    MissingValue,
    /// A timestamp could not be read: the row is skipped.
    BadTimestamp,
    /// Some other value could not be read (an event kind, a malformed record).
    BadValue,
    /// Bytes that are not UTF-8.
    Encoding,
    /// The file is damaged or cut off; what came before was kept.
    Damaged,
    /// An identical event appeared before; this copy was dropped (or kept, for XES).
    Duplicate,
    /// A stage name the map does not know; events were kept under the source's name.
    UnknownStage,
    /// The column mapping contradicts the export's own data (a close date mapped to `Won` on
    /// a deal whose status says Lost); the row was read by the export's data.
    Contradiction,
    /// More problems of one kind than are listed one by one.
    More,
}

impl ProblemKind {
    pub fn is_warning(self) -> bool {
        matches!(
            self,
            ProblemKind::Duplicate | ProblemKind::UnknownStage | ProblemKind::Contradiction
        )
    }
}

/// One row-level problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    /// The file as the user named it.
    pub file: String,
    /// Line number (1-based) where the row or element starts; `None` for whole-file remarks.
    pub row: Option<u64>,
    /// The column (CSV header or XES attribute key) at fault.
    pub column: Option<String>,
    pub reason: String,
    pub help: Option<String>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = if self.kind.is_warning() {
            "warning"
        } else {
            "error"
        };
        write!(f, "{level}: {}", self.file)?;
        if let Some(row) = self.row {
            write!(f, ":{row}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ": column `{column}`")?;
        }
        write!(f, ": {}", self.reason)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Renders problems one per paragraph; in each run of problems with the same file, kind and
/// column, only the first `per_group` are printed, then a count of the rest.
pub fn render_problems(problems: &[Problem], per_group: usize) -> String {
    let mut out = String::new();
    let groups =
        problems.chunk_by(|a, b| a.file == b.file && a.kind == b.kind && a.column == b.column);
    for group in groups {
        for problem in group.iter().take(per_group.max(1)) {
            out.push_str(&problem.to_string());
            out.push('\n');
        }
        if group.len() > per_group.max(1) {
            let rest = group.len() - per_group.max(1);
            out.push_str(&format!(
                "  … and {rest} more like this in {}\n",
                group[0].file
            ));
        }
    }
    out
}

/// A failure that stops the import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// The file cannot be opened or read.
    Io { file: String, message: String },
    /// No reader recognises the file.
    UnknownFormat { file: String, headers: Vec<String> },
    /// The format was recognised (or given) but a column it needs is absent.
    MissingColumn {
        file: String,
        format: String,
        wanted: String,
        headers: Vec<String>,
    },
    /// Day/month order cannot be told from the values.
    AmbiguousDates {
        file: String,
        column: String,
        row: u64,
        sample: String,
    },
    /// The file is not UTF-8 (or UTF-8 with a BOM).
    Encoding { file: String, message: String },
    /// An option (time zone, date format, column mapping) is not valid.
    Option { message: String },
    /// `--strict` and a problem was found.
    Strict { count: usize, first: Box<Problem> },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Io { file, message } => write!(f, "cannot read {file}: {message}"),
            ImportError::UnknownFormat { file, headers } => write!(
                f,
                "{file}: cannot tell what kind of export this is (columns: {})\n  help: \
                 a history needs a deal, a stage and a timestamp column; name them with \
                 --deal-column, --stage-column and --time-column, or pick the format with --from",
                list_headers(headers)
            ),
            ImportError::MissingColumn {
                file,
                format,
                wanted,
                headers,
            } => write!(
                f,
                "{file}: read as {format}, but there is no {wanted} column (columns: {})\n  help: \
                 name the column with a column mapping (--deal-column, --stage-column, \
                 --time-column or --mapping FILE)",
                list_headers(headers)
            ),
            ImportError::AmbiguousDates {
                file,
                column,
                row,
                sample,
            } => write!(
                f,
                "{file}:{row}: column `{column}`: dates such as `{sample}` can be read day first \
                 or month first, and no value in the file settles which\n  help: give \
                 --date-format day-first (05/04/2023 is 5 April) or --date-format month-first \
                 (05/04/2023 is May 4)"
            ),
            ImportError::Encoding { file, message } => write!(f, "{file}: {message}"),
            ImportError::Option { message } => f.write_str(message),
            ImportError::Strict { count, first } => write!(
                f,
                "{count} problem(s) found and --strict is set; the first:\n{first}"
            ),
        }
    }
}

impl std::error::Error for ImportError {}

fn list_headers(headers: &[String]) -> String {
    const SHOWN: usize = 12;
    let mut text = headers
        .iter()
        .take(SHOWN)
        .map(|h| format!("`{h}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if headers.len() > SHOWN {
        text.push_str(&format!(", … {} more", headers.len() - SHOWN));
    }
    if headers.is_empty() {
        text.push_str("none");
    }
    text
}
