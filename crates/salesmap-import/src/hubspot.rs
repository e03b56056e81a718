//! HubSpot deal exports (reader in progress).
use crate::collect::Collector;
use crate::input::Table;
use crate::problem::ImportError;
use crate::timestamp::TimeParser;
pub(crate) fn read(
    t: &mut Table,
    c: &mut Collector,
    _: &mut TimeParser,
) -> Result<(), ImportError> {
    Err(crate::salesforce::unsupported(t, c))
}
