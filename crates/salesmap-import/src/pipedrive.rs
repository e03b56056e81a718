//! Pipedrive exports (reader in progress).
use crate::collect::Collector;
use crate::input::Table;
use crate::problem::ImportError;
use crate::timestamp::TimeParser;
pub(crate) fn read_deals(
    t: &mut Table,
    c: &mut Collector,
    _: &mut TimeParser,
) -> Result<(), ImportError> {
    Err(crate::salesforce::unsupported(t, c))
}
pub(crate) fn read_flow(
    t: &mut Table,
    c: &mut Collector,
    _: &mut TimeParser,
) -> Result<(), ImportError> {
    Err(crate::salesforce::unsupported(t, c))
}
