//! salesmap's live pipeline: storage and the domain operations on it, with no HTTP.
//!
//! [`Store`] opens a SQLite file or a PostgreSQL database by URL, migrates it and offers every
//! state change as a domain operation (`create_deal`, `move_deal`, `tick_item`, `log_touch`,
//! `add_user`, `publish_map_version`, …) that takes an [`Actor`], checks roles and ownership,
//! the map's rules and the deal's version, and writes the change, an audit row and (where other
//! systems may react) an outbox event in one transaction. Authorization lives here so that no
//! entry point (the API, web pages, the command line) can bypass it.
//!
//! Module order (each uses only those before it): `model` (records) → `error` → `actor` (roles
//! and ownership checks), `secret`, `migrate` → `db` → `journal` (audit and outbox writes),
//! `relocation` (where a new map version's stranded deals go) → `users` → `sessions`,
//! `pipelines` → `deals` → `moves` → `history` (the live history as the core's `History`,
//! imports, first start); `testing` sits beside them for tests.

mod actor;
mod db;
mod deals;
mod error;
mod history;
mod journal;
mod migrate;
mod model;
mod moves;
mod pipelines;
mod relocation;
mod secret;
mod sessions;
mod users;

#[cfg(feature = "testing")]
pub mod testing;

pub use actor::Actor;
pub use db::{Backend, Store, StoreOptions, now};
pub use deals::{
    Board, BoardColumn, Card, ChecklistItem, DealDetail, DealFilter, DealPage, DealPatch, NewDeal,
};
pub use error::{MissingItem, Refusal, StoreError};
pub use history::{FirstStart, ImportReport, ImportedProblem};
pub use migrate::SCHEMA_VERSION;
pub use model::{
    ApiToken, AuditEntry, Deal, MapVersion, Pipeline, Role, StageEntry, Tick, Touch, User,
    VersionStatus, rfc3339, rfc3339_opt,
};
pub use moves::{MoveRequest, NewTouch, TickRequest};
pub use pipelines::{PublishedMap, check_map};
pub use relocation::{Relocation, RelocationCause, plan_relocations, relocation_targets};
pub use sessions::{
    Authenticated, FAILURE_WINDOW, MAX_FAILURES_PER_LOGIN, MAX_FAILURES_PER_REMOTE, SignedIn,
};
pub use users::{NewUser, UserPatch, normalize_login};
