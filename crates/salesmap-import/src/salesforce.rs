//! Salesforce exports (reader in progress).
use crate::collect::Collector;
use crate::input::Table;
use crate::problem::ImportError;
use crate::timestamp::TimeParser;
pub(crate) fn read_history(
    t: &mut Table,
    c: &mut Collector,
    _: &mut TimeParser,
) -> Result<(), ImportError> {
    Err(unsupported(t, c))
}
pub(crate) fn read_field_history(
    t: &mut Table,
    c: &mut Collector,
    _: &mut TimeParser,
) -> Result<(), ImportError> {
    Err(unsupported(t, c))
}
pub(crate) fn unsupported(t: &Table, c: &Collector) -> ImportError {
    ImportError::UnknownFormat {
        file: c.file_name().into(),
        headers: t.headers.clone(),
    }
}
