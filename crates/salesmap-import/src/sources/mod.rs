//! The source readers, one per kind of export, each turning a file's rows or events into
//! stage entries and touches in the [`Collector`](crate::collect::Collector). Every reader
//! depends only on the layers below it (the [`table`](crate::table) of a CSV export, the
//! collector, timestamps), never on another reader; what several of them share lives beside
//! them: [`changes`] turns change records into stage entries for Salesforce and Pipedrive.
//!
//! - [`long_csv`]: one row per event (PM4Py's CSV logs, the normalized history CSV), read on
//!   every core where it can be;
//! - [`salesforce`], [`hubspot`], [`pipedrive`]: the CRM exports;
//! - [`snapshot`]: one row per deal with a date per milestone;
//! - [`xes`]: the process-mining standard, read and written.

pub(crate) mod changes;
pub(crate) mod hubspot;
pub(crate) mod long_csv;
pub(crate) mod pipedrive;
pub(crate) mod salesforce;
pub(crate) mod snapshot;
pub(crate) mod xes;
