//! The records the store reads and writes: users and roles, pipelines and map versions, deals
//! with their stage entries, ticks and touches, and audit entries.
//!
//! Timestamps are UTC microseconds ([`Micros`]) in memory and in the database, and RFC 3339
//! strings when serialized (the API's form). Each record knows how to read itself from a row
//! of the query that selects it (`from_row`), so a column list and its reader sit together.
//! This module depends on no other of the crate: what may be done with the records is decided
//! in `actor` and the operations.

use std::collections::BTreeMap;

use salesmap_core::history::Micros;
use serde::{Deserialize, Serialize, Serializer};
use sqlx::Row;
use sqlx::any::AnyRow;

/// Serializes microseconds as RFC 3339 UTC (`2026-03-01T09:30:00Z`).
pub fn rfc3339<S: Serializer>(t: &Micros, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&salesmap_import::format_timestamp(*t))
}

/// [`rfc3339`] for optional instants (`null` when absent).
pub fn rfc3339_opt<S: Serializer>(t: &Option<Micros>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => rfc3339(t, s),
        None => s.serialize_none(),
    }
}

/// What a user may do (docs/server.md has the full table).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Read only.
    Viewer,
    /// Own deals: create, edit, move, tick, touch; read everything.
    Rep,
    /// All deals, gate overrides, map versions, imports.
    Manager,
    /// Everything, including users and pipelines.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Manager, Role::Rep, Role::Viewer];

    pub fn name(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Rep => "rep",
            Role::Viewer => "viewer",
        }
    }

    /// The role of this name (any case), if any.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.name().eq_ignore_ascii_case(name.trim()))
    }

    /// Managers and admins see and change every deal and may override gates.
    pub fn manages(self) -> bool {
        self >= Role::Manager
    }
}

/// A user account.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    /// Set for a new or reset account: the user must choose a password at first sign-in.
    pub must_change_password: bool,
    pub disabled: bool,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Micros,
}

impl User {
    pub(crate) const COLUMNS: &'static str =
        "id, login, display_name, role, must_change_password, disabled, created_at";

    pub(crate) fn from_row(row: &AnyRow) -> Result<User, sqlx::Error> {
        Ok(User {
            id: row.try_get("id")?,
            login: row.try_get("login")?,
            display_name: row.try_get("display_name")?,
            role: {
                let name: String = row.try_get("role")?;
                Role::from_name(&name).ok_or_else(|| decode(format!("unknown role `{name}`")))?
            },
            must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
            disabled: row.try_get::<i64, _>("disabled")? != 0,
            created_at: row.try_get("created_at")?,
        })
    }
}

/// An API token's record (the secret itself is shown once, at creation, and stored hashed).
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Micros,
    #[serde(serialize_with = "rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<Micros>,
    #[serde(serialize_with = "rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<Micros>,
}

impl ApiToken {
    pub(crate) const COLUMNS: &'static str =
        "id, user_id, name, created_at, last_used_at, revoked_at";

    pub(crate) fn from_row(row: &AnyRow) -> Result<ApiToken, sqlx::Error> {
        Ok(ApiToken {
            id: row.try_get("id")?,
            user_id: row.try_get("user_id")?,
            name: row.try_get("name")?,
            created_at: row.try_get("created_at")?,
            last_used_at: row.try_get("last_used_at")?,
            revoked_at: row.try_get("revoked_at")?,
        })
    }
}

/// A pipeline: one map and its deals.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Pipeline {
    pub id: i64,
    /// Short name used in URLs (`sales`).
    pub key: String,
    pub name: String,
    /// Number of the map version the pipeline runs on.
    pub published_version: Option<i64>,
    #[serde(skip)]
    pub published_version_id: Option<i64>,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Micros,
}

impl Pipeline {
    pub(crate) const SELECT: &'static str = "SELECT p.id, p.key, p.name, p.published_version_id, \
         v.number AS published_number, p.created_at FROM pipelines p \
         LEFT JOIN map_versions v ON v.id = p.published_version_id";

    pub(crate) fn from_row(row: &AnyRow) -> Result<Pipeline, sqlx::Error> {
        Ok(Pipeline {
            id: row.try_get("id")?,
            key: row.try_get("key")?,
            name: row.try_get("name")?,
            published_version: row.try_get("published_number")?,
            published_version_id: row.try_get("published_version_id")?,
            created_at: row.try_get("created_at")?,
        })
    }
}

/// The status of a map version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum VersionStatus {
    /// Proposed, waiting for a manager to publish or decline it.
    Proposed,
    /// The version the pipeline runs on.
    Published,
    /// Was published; a later version replaced it.
    Superseded,
    /// A proposal that was declined.
    Declined,
}

impl VersionStatus {
    pub fn name(self) -> &'static str {
        match self {
            VersionStatus::Proposed => "proposed",
            VersionStatus::Published => "published",
            VersionStatus::Superseded => "superseded",
            VersionStatus::Declined => "declined",
        }
    }

    fn parse(name: &str) -> Result<VersionStatus, sqlx::Error> {
        [
            VersionStatus::Proposed,
            VersionStatus::Published,
            VersionStatus::Superseded,
            VersionStatus::Declined,
        ]
        .into_iter()
        .find(|s| s.name() == name)
        .ok_or_else(|| decode(format!("unknown version status `{name}`")))
    }
}

/// An immutable map version.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MapVersion {
    pub id: i64,
    pub pipeline_id: i64,
    /// 1, 2, 3… within the pipeline.
    pub number: i64,
    pub author: String,
    pub message: String,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Micros,
    pub status: VersionStatus,
    /// The map file's text.
    pub source: String,
}

impl MapVersion {
    pub(crate) const COLUMNS: &'static str =
        "id, pipeline_id, number, author, message, created_at, status, source";

    pub(crate) fn from_row(row: &AnyRow) -> Result<MapVersion, sqlx::Error> {
        Ok(MapVersion {
            id: row.try_get("id")?,
            pipeline_id: row.try_get("pipeline_id")?,
            number: row.try_get("number")?,
            author: row.try_get("author")?,
            message: row.try_get("message")?,
            created_at: row.try_get("created_at")?,
            status: VersionStatus::parse(&row.try_get::<String, _>("status")?)?,
            source: row.try_get("source")?,
        })
    }
}

/// A deal as it is now.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Deal {
    pub id: i64,
    /// The pipeline's key.
    pub pipeline: String,
    /// The deal's id in its pipeline (the CRM's id for imported deals).
    pub key: String,
    pub name: String,
    pub company: Option<String>,
    pub amount: Option<f64>,
    pub currency: Option<String>,
    pub owner_id: Option<i64>,
    /// The owner's display name.
    pub owner_name: Option<String>,
    pub source: Option<String>,
    pub segment: Option<String>,
    /// Free attributes (name → value).
    pub attributes: BTreeMap<String, String>,
    /// The stage the deal is in (a stage id of the map).
    pub stage: String,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub stage_entered_at: Micros,
    /// Whether the deal is still open (not in an outcome).
    pub open: bool,
    /// Incremented by every change; a write must carry the version it read.
    pub version: i64,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Micros,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Micros,
}

impl Deal {
    pub(crate) const SELECT: &'static str = "SELECT d.id, p.key AS pipeline, d.key, d.name, \
         d.company, d.amount, d.currency, d.owner_id, u.display_name AS owner_name, d.source, \
         d.segment, d.attributes, d.stage, d.stage_entered_at, d.is_open, d.version, \
         d.created_at, d.updated_at, d.pipeline_id FROM deals d \
         JOIN pipelines p ON p.id = d.pipeline_id LEFT JOIN users u ON u.id = d.owner_id";

    pub(crate) fn from_row(row: &AnyRow) -> Result<Deal, sqlx::Error> {
        let attributes: String = row.try_get("attributes")?;
        Ok(Deal {
            id: row.try_get("id")?,
            pipeline: row.try_get("pipeline")?,
            key: row.try_get("key")?,
            name: row.try_get("name")?,
            company: row.try_get("company")?,
            amount: row.try_get("amount")?,
            currency: row.try_get("currency")?,
            owner_id: row.try_get("owner_id")?,
            owner_name: row.try_get("owner_name")?,
            source: row.try_get("source")?,
            segment: row.try_get("segment")?,
            attributes: parse_attributes(&attributes)?,
            stage: row.try_get("stage")?,
            stage_entered_at: row.try_get("stage_entered_at")?,
            open: row.try_get::<i64, _>("is_open")? != 0,
            version: row.try_get("version")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }
}

pub(crate) fn parse_attributes(text: &str) -> Result<BTreeMap<String, String>, sqlx::Error> {
    serde_json::from_str(text)
        .map_err(|e| decode(format!("attributes are not a JSON object of strings: {e}")))
}

/// A stored value this code cannot read (a bug or a hand-edited database).
fn decode(message: String) -> sqlx::Error {
    sqlx::Error::Decode(message.into())
}

/// A deal entering a stage.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StageEntry {
    pub id: i64,
    pub stage: String,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub entered_at: Micros,
    /// The stage the deal left (absent for its first entry and for imported entries).
    pub from_stage: Option<String>,
    /// The user who moved it (absent for imported entries).
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    /// The map version in force when the deal entered the stage.
    pub map_version: Option<i64>,
    /// The deal's owner at the time.
    pub owner: Option<String>,
    /// Why the buyer said no (moves to lost, disqualified, nurture…).
    pub reason: Option<String>,
    /// Set when a manager overrode the exit checklist: their written reason.
    pub override_reason: Option<String>,
}

impl StageEntry {
    pub(crate) const SELECT: &'static str = "SELECT e.id, e.stage, e.entered_at, e.from_stage, \
         e.actor_id, u.display_name AS actor_name, v.number AS map_version, e.owner, e.reason, \
         e.override_reason FROM stage_entries e LEFT JOIN users u ON u.id = e.actor_id \
         LEFT JOIN map_versions v ON v.id = e.map_version_id";

    pub(crate) fn from_row(row: &AnyRow) -> Result<StageEntry, sqlx::Error> {
        Ok(StageEntry {
            id: row.try_get("id")?,
            stage: row.try_get("stage")?,
            entered_at: row.try_get("entered_at")?,
            from_stage: row.try_get("from_stage")?,
            actor_id: row.try_get("actor_id")?,
            actor_name: row.try_get("actor_name")?,
            map_version: row.try_get("map_version")?,
            owner: row.try_get("owner")?,
            reason: row.try_get("reason")?,
            override_reason: row.try_get("override_reason")?,
        })
    }
}

/// A ticked exit checklist item.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Tick {
    pub stage: String,
    /// The item's text (in the map's language): ticks follow the item, not its position.
    pub item: String,
    pub ticked_by: Option<i64>,
    pub ticked_by_name: Option<String>,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub ticked_at: Micros,
    pub note: Option<String>,
    pub evidence_url: Option<String>,
}

impl Tick {
    pub(crate) const SELECT: &'static str = "SELECT t.stage, t.item, t.ticked_by, \
         u.display_name AS ticked_by_name, t.ticked_at, t.note, t.evidence_url FROM ticks t \
         LEFT JOIN users u ON u.id = t.ticked_by";

    pub(crate) fn from_row(row: &AnyRow) -> Result<Tick, sqlx::Error> {
        Ok(Tick {
            stage: row.try_get("stage")?,
            item: row.try_get("item")?,
            ticked_by: row.try_get("ticked_by")?,
            ticked_by_name: row.try_get("ticked_by_name")?,
            ticked_at: row.try_get("ticked_at")?,
            note: row.try_get("note")?,
            evidence_url: row.try_get("evidence_url")?,
        })
    }
}

/// A sales activity on a deal that is not a stage change.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Touch {
    pub id: i64,
    /// `call`, `email`, `meeting`, `note`, or an imported kind.
    pub kind: String,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: Micros,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub note: Option<String>,
}

impl Touch {
    pub(crate) const SELECT: &'static str = "SELECT t.id, t.kind, t.at, t.author_id, \
         u.display_name AS author_name, t.note FROM touches t \
         LEFT JOIN users u ON u.id = t.author_id";

    pub(crate) fn from_row(row: &AnyRow) -> Result<Touch, sqlx::Error> {
        Ok(Touch {
            id: row.try_get("id")?,
            kind: row.try_get("kind")?,
            at: row.try_get("at")?,
            author_id: row.try_get("author_id")?,
            author_name: row.try_get("author_name")?,
            note: row.try_get("note")?,
        })
    }
}

/// One row of the append-only audit log.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    #[serde(serialize_with = "rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: Micros,
    pub actor_id: Option<i64>,
    /// The actor's login, `console`, or the login tried for a failed sign-in.
    pub actor: String,
    /// What happened: `deal.moved`, `deal.gate_overridden`, `auth.signed_in`, ….
    pub action: String,
    pub pipeline_id: Option<i64>,
    pub deal_id: Option<i64>,
    /// The details, as recorded.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

impl AuditEntry {
    pub(crate) const COLUMNS: &'static str =
        "id, at, actor_id, actor, action, pipeline_id, deal_id, detail";

    pub(crate) fn from_row(row: &AnyRow) -> Result<AuditEntry, sqlx::Error> {
        let detail: String = row.try_get("detail")?;
        Ok(AuditEntry {
            id: row.try_get("id")?,
            at: row.try_get("at")?,
            actor_id: row.try_get("actor_id")?,
            actor: row.try_get("actor")?,
            action: row.try_get("action")?,
            pipeline_id: row.try_get("pipeline_id")?,
            deal_id: row.try_get("deal_id")?,
            detail: serde_json::from_str(&detail)
                .map_err(|e| decode(format!("audit detail: {e}")))?,
        })
    }
}
