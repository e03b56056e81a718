//! Deals: creating and editing them, reading one with its timeline, listing them with filters
//! and cursor pagination, and the board (one column per top-level stage of the published map,
//! with cards and totals).
//!
//! Reps create deals they own and edit only their own; managers and admins edit any deal and
//! assign owners; viewers read. Every edit is version-checked: the caller sends the version it
//! read, and a stale one is refused with the deal as it is now.

use std::collections::{BTreeMap, HashMap};

use salesmap_core::history::{MICROS_PER_DAY, Micros};
use salesmap_core::map::{Map, StageKind};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::actor::Actor;
use crate::db::{Store, Write, now};
use crate::error::StoreError;
use crate::journal::{Event, audit, emit};
use crate::model::{Deal, Role, StageEntry, Tick, Touch, User};
use crate::secret::random_hex;
use crate::users::check_text;

/// Most free attributes on a deal, and their longest name and value.
pub const MAX_ATTRIBUTES: usize = 50;
const MAX_ATTRIBUTE_NAME: usize = 100;
const MAX_ATTRIBUTE_VALUE: usize = 1000;

/// A deal to create.
#[derive(Clone, Debug, Default)]
pub struct NewDeal {
    /// The deal's id in the pipeline; generated when absent.
    pub key: Option<String>,
    pub name: String,
    pub company: Option<String>,
    pub amount: Option<f64>,
    pub currency: Option<String>,
    /// Reps may only name themselves (the default); managers anyone.
    pub owner_id: Option<i64>,
    pub source: Option<String>,
    pub segment: Option<String>,
    pub attributes: BTreeMap<String, String>,
    /// The stage the deal enters; the map's start stage when absent.
    pub stage: Option<String>,
}

/// Changes to a deal: `None` keeps a field, `Some(None)` clears an optional one.
#[derive(Clone, Debug, Default)]
pub struct DealPatch {
    pub name: Option<String>,
    pub company: Option<Option<String>>,
    pub amount: Option<Option<f64>>,
    pub currency: Option<Option<String>>,
    pub owner_id: Option<Option<i64>>,
    pub source: Option<Option<String>>,
    pub segment: Option<Option<String>>,
    /// Replaces all free attributes.
    pub attributes: Option<BTreeMap<String, String>>,
}

/// Which deals to list.
#[derive(Clone, Debug, Default)]
pub struct DealFilter {
    pub stage: Option<String>,
    pub owner_id: Option<i64>,
    pub segment: Option<String>,
    pub open: Option<bool>,
    /// Deals after this cursor (from the previous page).
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 100).
    pub limit: Option<u32>,
}

/// One page of deals.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DealPage {
    pub deals: Vec<Deal>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A deal with everything its page shows.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DealDetail {
    pub deal: Deal,
    /// The exit checklist of the stage the deal is in, with the ticks.
    pub checklist: Vec<ChecklistItem>,
    /// Stage entries, oldest first.
    pub entries: Vec<StageEntry>,
    /// Touches, oldest first.
    pub touches: Vec<Touch>,
    /// Every tick of the deal, on any stage.
    pub ticks: Vec<Tick>,
    /// The stages the map allows the deal to move to now.
    pub allowed_moves: Vec<String>,
}

/// One exit checklist item and its tick, if ticked.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ChecklistItem {
    pub stage: String,
    pub index: usize,
    pub item: String,
    pub tick: Option<Tick>,
}

/// The board of a pipeline: its open deals by stage.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Board {
    pub pipeline: String,
    pub map_version: i64,
    #[serde(serialize_with = "crate::model::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub as_of: Micros,
    /// One column per top-level stage of the map, in map order.
    pub columns: Vec<BoardColumn>,
    /// Open deals in stages the map does not have (imported under an unknown name).
    pub unplaced: Vec<Card>,
}

/// A column of the board.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BoardColumn {
    pub stage: String,
    pub name: String,
    /// `step`, `won-milestone` or `outcome`.
    pub kind: String,
    pub phase: Option<String>,
    pub target_days: Option<f64>,
    /// Days after which an open deal here is no longer live pipeline (the map's `rotten_days`).
    pub rotten_days: Option<f64>,
    pub probability: Option<f64>,
    pub checklist_items: usize,
    pub count: u64,
    /// Sum of the amounts (deals without one count as nothing).
    pub value: f64,
    /// Sum of amount × the stage's probability (absent when the stage has none).
    pub weighted_value: Option<f64>,
    pub deals: Vec<Card>,
}

/// A card on the board.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Card {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub company: Option<String>,
    pub amount: Option<f64>,
    pub currency: Option<String>,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub source: Option<String>,
    pub segment: Option<String>,
    /// The stage the deal is in (a sub-stage of the column's stage, or the stage itself).
    pub stage: String,
    pub days_in_stage: f64,
    /// Whether the deal has been in the stage longer than its target days.
    pub stale: bool,
    /// Exit checklist items ticked, of `checklist_items` in the column.
    pub ticked: usize,
    pub version: i64,
}

/// An amount as a query parameter: its shortest exact decimal text, cast to a double in SQL.
/// (sqlx's `Any` driver sends a NULL double to PostgreSQL as a 4-byte float, which poisons the
/// prepared statement for the 8-byte values that follow; text has one width.)
pub(crate) fn amount_param(amount: Option<f64>) -> Option<String> {
    amount.map(|a| format!("{a:?}"))
}

/// Checks an optional free text field (absent or blank is `None`).
pub(crate) fn optional_text(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, StoreError> {
    match value {
        Some(v) if !v.trim().is_empty() => check_text(field, v, max).map(Some),
        _ => Ok(None),
    }
}

fn check_amount(amount: Option<f64>) -> Result<Option<f64>, StoreError> {
    match amount {
        Some(a) if !a.is_finite() || a.abs() > 1e15 => Err(StoreError::invalid(
            "amount",
            "must be a number between -1e15 and 1e15",
        )),
        other => Ok(other),
    }
}

fn check_currency(currency: Option<&str>) -> Result<Option<String>, StoreError> {
    match currency.map(str::trim) {
        None | Some("") => Ok(None),
        Some(c) if c.len() == 3 && c.chars().all(|c| c.is_ascii_alphabetic()) => {
            Ok(Some(c.to_ascii_uppercase()))
        }
        Some(_) => Err(StoreError::invalid(
            "currency",
            "must be a three-letter ISO 4217 code such as USD, EUR or KRW",
        )),
    }
}

pub(crate) fn check_attributes(attributes: &BTreeMap<String, String>) -> Result<(), StoreError> {
    if attributes.len() > MAX_ATTRIBUTES {
        return Err(StoreError::invalid(
            "attributes",
            &format!("a deal may have at most {MAX_ATTRIBUTES} attributes"),
        ));
    }
    for (name, value) in attributes {
        check_text("attributes (name)", name, MAX_ATTRIBUTE_NAME)?;
        if value.chars().count() > MAX_ATTRIBUTE_VALUE {
            return Err(StoreError::invalid(
                &format!("attributes.{name}"),
                &format!("may have at most {MAX_ATTRIBUTE_VALUE} characters"),
            ));
        }
    }
    Ok(())
}

/// The stages a deal in `stage` may move to, in map order.
pub(crate) fn allowed_targets(map: &Map, stage: &str) -> Vec<String> {
    let Some(at) = map.find(stage) else {
        // A stage the map does not know: the deal may be put on any stage.
        return map.stage_ixs().map(|ix| map.stage(ix).id.clone()).collect();
    };
    if map.outcome(at).is_some() {
        return Vec::new();
    }
    let top = map.top_ancestor(at);
    let mut out: Vec<String> = Vec::new();
    for ix in map.stage_ixs() {
        if ix == at {
            continue;
        }
        let target_top = map.top_ancestor(ix);
        let ok = if target_top == top {
            true
        } else {
            map.allows(top, target_top)
        };
        if ok {
            out.push(map.stage(ix).id.clone());
        }
    }
    out
}

pub(crate) fn kind_name(kind: StageKind) -> &'static str {
    match kind {
        StageKind::Step => "step",
        StageKind::WonMilestone => "won-milestone",
        StageKind::Outcome(_) => "outcome",
    }
}

impl Store {
    /// Reads one deal.
    pub async fn deal(&self, _actor: &Actor, id: i64) -> Result<Deal, StoreError> {
        let row = sqlx::query(&format!("{} WHERE d.id = $1", Deal::SELECT))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::not_found(format!("deal {id}")))?;
        Ok(Deal::from_row(&row)?)
    }

    /// Reads one deal inside a write transaction.
    pub(crate) async fn deal_in(&self, w: &mut Write, id: i64) -> Result<Deal, StoreError> {
        let row = sqlx::query(&format!("{} WHERE d.id = $1", Deal::SELECT))
            .bind(id)
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or_else(|| StoreError::not_found(format!("deal {id}")))?;
        Ok(Deal::from_row(&row)?)
    }

    /// A deal with its pipeline's id and the map the pipeline runs on, in one query (parsed
    /// maps are cached by immutable version).
    pub(crate) async fn deal_for_change(
        &self,
        id: i64,
    ) -> Result<(Deal, i64, crate::pipelines::PublishedMap), StoreError> {
        let row = sqlx::query(&format!(
            "{} LEFT JOIN map_versions v ON v.id = p.published_version_id WHERE d.id = $1",
            Deal::SELECT.replace(
                " FROM deals d",
                ", p.published_version_id, v.number AS published_number FROM deals d"
            )
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::not_found(format!("deal {id}")))?;
        let deal = Deal::from_row(&row)?;
        let pipeline_id: i64 = row.try_get("pipeline_id")?;
        let version_id: Option<i64> = row.try_get("published_version_id")?;
        let number: Option<i64> = row.try_get("published_number")?;
        let (Some(version_id), Some(number)) = (version_id, number) else {
            return Err(StoreError::not_found(format!(
                "a published map for pipeline `{}`",
                deal.pipeline
            )));
        };
        let map = self.map_of_version(version_id).await?;
        Ok((
            deal,
            pipeline_id,
            crate::pipelines::PublishedMap {
                version_id,
                number,
                map,
            },
        ))
    }

    /// Bumps the deal's version if it is still `expected` (any version when `None`), taking
    /// the row's write lock; refuses with the current deal when it moved on.
    pub(crate) async fn claim_version(
        &self,
        w: &mut Write,
        id: i64,
        expected: Option<i64>,
    ) -> Result<(), StoreError> {
        let t = now();
        let done = match expected {
            Some(v) => {
                sqlx::query(
                    "UPDATE deals SET version = version + 1, updated_at = $1 \
                     WHERE id = $2 AND version = $3",
                )
                .bind(t)
                .bind(id)
                .bind(v)
                .execute(&mut *w.tx)
                .await?
            }
            None => {
                sqlx::query("UPDATE deals SET version = version + 1, updated_at = $1 WHERE id = $2")
                    .bind(t)
                    .bind(id)
                    .execute(&mut *w.tx)
                    .await?
            }
        };
        if done.rows_affected() == 0 {
            let current = self.deal_in(w, id).await?;
            return Err(StoreError::StaleVersion(Box::new(current)));
        }
        Ok(())
    }

    /// Checks that `owner_id` names an active user the actor may assign.
    async fn check_owner(
        &self,
        actor: &Actor,
        owner_id: Option<i64>,
    ) -> Result<Option<User>, StoreError> {
        let Some(owner_id) = owner_id else {
            return Ok(None);
        };
        if actor.role < Role::Manager && Some(owner_id) != actor.user_id {
            return Err(StoreError::forbidden(
                "only managers and admins may give a deal to someone else",
            ));
        }
        let user = self.user_by_id(owner_id).await.map_err(|_| {
            StoreError::invalid("owner_id", &format!("there is no user {owner_id}"))
        })?;
        if user.disabled {
            return Err(StoreError::invalid(
                "owner_id",
                &format!("user {} is disabled", user.login),
            ));
        }
        Ok(Some(user))
    }

    /// Creates a deal in a pipeline at its start stage (or the stage given).
    pub async fn create_deal(
        &self,
        actor: &Actor,
        pipeline_key: &str,
        new: NewDeal,
    ) -> Result<Deal, StoreError> {
        actor.require(Role::Rep, "creating a deal")?;
        let pipeline = self.pipeline(actor, pipeline_key).await?;
        let published = self.published_map(&pipeline).await?;
        let map = &published.map;
        let name = check_text("name", &new.name, 200)?;
        let company = optional_text("company", new.company.as_deref(), 200)?;
        let source = optional_text("source", new.source.as_deref(), 100)?;
        let segment = optional_text("segment", new.segment.as_deref(), 100)?;
        let amount = check_amount(new.amount)?;
        let currency = check_currency(new.currency.as_deref())?;
        check_attributes(&new.attributes)?;
        let key = match new.key.as_deref() {
            Some(k) => check_text("key", k, 100)?,
            None => format!("deal-{}", random_hex(5)?),
        };
        let owner_id = if actor.role < Role::Manager {
            new.owner_id.or(actor.user_id)
        } else {
            new.owner_id
        };
        let owner = self.check_owner(actor, owner_id).await?;
        let stage_ix = match new.stage.as_deref() {
            None => map.start,
            Some(s) => map.find(s).ok_or_else(|| {
                StoreError::invalid("stage", &format!("the map has no stage `{s}`"))
            })?,
        };
        if map.outcome(stage_ix).is_some() {
            return Err(StoreError::invalid(
                "stage",
                "a new deal cannot start in an outcome",
            ));
        }
        let stage = map.stage(stage_ix).id.clone();
        let t = now();
        let mut w = self.write().await?;
        if sqlx::query("SELECT id FROM deals WHERE pipeline_id = $1 AND key = $2")
            .bind(pipeline.id)
            .bind(&key)
            .fetch_optional(&mut *w.tx)
            .await?
            .is_some()
        {
            return Err(StoreError::Duplicate(format!(
                "a deal with key `{key}` in pipeline `{pipeline_key}`"
            )));
        }
        let id: i64 = sqlx::query(
            "INSERT INTO deals (pipeline_id, key, name, company, amount, currency, owner_id, \
             source, segment, attributes, stage, stage_entered_at, is_open, version, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, CAST($5 AS DOUBLE PRECISION), $6, $7, $8, $9, \
             $10, $11, $12, $13, 1, $12, $12) RETURNING id",
        )
        .bind(pipeline.id)
        .bind(&key)
        .bind(&name)
        .bind(&company)
        .bind(amount_param(amount))
        .bind(&currency)
        .bind(owner_id)
        .bind(&source)
        .bind(&segment)
        .bind(serde_json::to_string(&new.attributes).expect("string map"))
        .bind(&stage)
        .bind(t)
        .bind(1i64)
        .fetch_one(&mut *w.tx)
        .await?
        .try_get("id")?;
        sqlx::query(
            "INSERT INTO stage_entries (deal_id, stage, entered_at, actor_id, map_version_id, \
             owner) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(&stage)
        .bind(t)
        .bind(actor.user_id)
        .bind(published.version_id)
        .bind(owner.as_ref().map(|u| u.display_name.clone()))
        .execute(&mut *w.tx)
        .await?;
        audit(
            &mut w.tx,
            actor,
            "deal.created",
            Some(pipeline.id),
            Some(id),
            json!({"key": key, "name": name, "stage": stage, "owner_id": owner_id}),
        )
        .await?;
        emit(
            &mut w.tx,
            Event {
                kind: "deal.created",
                pipeline_id: pipeline.id,
                deal_id: Some(id),
                map_version_id: Some(published.version_id),
                payload: json!({
                    "deal": id, "key": key, "pipeline": pipeline.key, "from": null, "to": stage,
                    "actor": actor.label, "map_version": published.number,
                }),
            },
        )
        .await?;
        w.commit().await?;
        self.deal(actor, id).await
    }

    /// Changes a deal's fields. `version` must be the version the caller read.
    pub async fn update_deal(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        patch: DealPatch,
    ) -> Result<Deal, StoreError> {
        let before = self.deal(actor, id).await?;
        actor.require_deal_rights(&before, "editing a deal")?;
        let name = patch
            .name
            .as_deref()
            .map(|n| check_text("name", n, 200))
            .transpose()?;
        let company = patch
            .company
            .as_ref()
            .map(|c| optional_text("company", c.as_deref(), 200))
            .transpose()?;
        let source = patch
            .source
            .as_ref()
            .map(|c| optional_text("source", c.as_deref(), 100))
            .transpose()?;
        let segment = patch
            .segment
            .as_ref()
            .map(|c| optional_text("segment", c.as_deref(), 100))
            .transpose()?;
        let amount = patch.amount.map(check_amount).transpose()?;
        let currency = patch
            .currency
            .as_ref()
            .map(|c| check_currency(c.as_deref()))
            .transpose()?;
        if let Some(attributes) = &patch.attributes {
            check_attributes(attributes)?;
        }
        if let Some(owner) = patch.owner_id
            && owner != before.owner_id
        {
            actor.require(Role::Manager, "changing a deal's owner")?;
            self.check_owner(actor, owner).await?;
        }
        let mut w = self.write().await?;
        self.claim_version(&mut w, id, Some(version)).await?;
        let current = self.deal_in(&mut w, id).await?;
        // The owner may have changed between the check above and the claim.
        actor.require_deal_rights(&current, "editing a deal")?;
        let after = Deal {
            name: name.unwrap_or(current.name.clone()),
            company: company.unwrap_or(current.company.clone()),
            amount: amount.unwrap_or(current.amount),
            currency: currency.unwrap_or(current.currency.clone()),
            owner_id: patch.owner_id.unwrap_or(current.owner_id),
            source: source.unwrap_or(current.source.clone()),
            segment: segment.unwrap_or(current.segment.clone()),
            attributes: patch
                .attributes
                .clone()
                .unwrap_or(current.attributes.clone()),
            ..current.clone()
        };
        sqlx::query(
            "UPDATE deals SET name = $1, company = $2, amount = CAST($3 AS DOUBLE PRECISION), \
             currency = $4, owner_id = $5, \
             source = $6, segment = $7, attributes = $8 WHERE id = $9",
        )
        .bind(&after.name)
        .bind(&after.company)
        .bind(amount_param(after.amount))
        .bind(&after.currency)
        .bind(after.owner_id)
        .bind(&after.source)
        .bind(&after.segment)
        .bind(serde_json::to_string(&after.attributes).expect("string map"))
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        let mut changes = serde_json::Map::new();
        let mut note = |field: &str, a: serde_json::Value, b: serde_json::Value| {
            if a != b {
                changes.insert(field.into(), json!([a, b]));
            }
        };
        note("name", json!(current.name), json!(after.name));
        note("company", json!(current.company), json!(after.company));
        note("amount", json!(current.amount), json!(after.amount));
        note("currency", json!(current.currency), json!(after.currency));
        note("owner_id", json!(current.owner_id), json!(after.owner_id));
        note("source", json!(current.source), json!(after.source));
        note("segment", json!(current.segment), json!(after.segment));
        note(
            "attributes",
            json!(current.attributes),
            json!(after.attributes),
        );
        let pipeline_id = self.pipeline(actor, &current.pipeline).await?.id;
        audit(
            &mut w.tx,
            actor,
            "deal.changed",
            Some(pipeline_id),
            Some(id),
            serde_json::Value::Object(changes),
        )
        .await?;
        w.commit().await?;
        self.deal(actor, id).await
    }

    /// A deal with its checklist, timeline, ticks and allowed moves.
    pub async fn deal_detail(&self, actor: &Actor, id: i64) -> Result<DealDetail, StoreError> {
        let deal = self.deal(actor, id).await?;
        let pipeline = self.pipeline(actor, &deal.pipeline).await?;
        let published = self.published_map(&pipeline).await?;
        let map = &published.map;
        let entries = self.stage_entries(actor, id).await?;
        let touches = self.touches(actor, id).await?;
        let ticks = self.ticks(actor, id).await?;
        let mut checklist = Vec::new();
        if let Some(at) = map.find(&deal.stage) {
            let mut stages = vec![at];
            let top = map.top_ancestor(at);
            if top != at {
                stages.push(top);
            }
            for ix in stages {
                let stage = map.stage(ix);
                for (index, item) in stage.exit_checklist.iter().enumerate() {
                    let text = item.get(&map.language, &map.language).to_string();
                    let tick = ticks
                        .iter()
                        .find(|t| t.stage == stage.id && t.item == text)
                        .cloned();
                    checklist.push(ChecklistItem {
                        stage: stage.id.clone(),
                        index,
                        item: text,
                        tick,
                    });
                }
            }
        }
        let allowed_moves = allowed_targets(map, &deal.stage);
        Ok(DealDetail {
            deal,
            checklist,
            entries,
            touches,
            ticks,
            allowed_moves,
        })
    }

    /// A deal's stage entries, oldest first.
    pub async fn stage_entries(
        &self,
        _actor: &Actor,
        id: i64,
    ) -> Result<Vec<StageEntry>, StoreError> {
        let rows = sqlx::query(&format!(
            "{} WHERE e.deal_id = $1 ORDER BY e.entered_at, e.id",
            StageEntry::SELECT
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(StageEntry::from_row)
            .collect::<Result<_, _>>()
            .map_err(StoreError::from)
    }

    /// A deal's touches, oldest first.
    pub async fn touches(&self, _actor: &Actor, id: i64) -> Result<Vec<Touch>, StoreError> {
        let rows = sqlx::query(&format!(
            "{} WHERE t.deal_id = $1 ORDER BY t.at, t.id",
            Touch::SELECT
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(Touch::from_row)
            .collect::<Result<_, _>>()
            .map_err(StoreError::from)
    }

    /// A deal's ticks, by stage and time.
    pub async fn ticks(&self, _actor: &Actor, id: i64) -> Result<Vec<Tick>, StoreError> {
        let rows = sqlx::query(&format!(
            "{} WHERE t.deal_id = $1 ORDER BY t.stage, t.ticked_at, t.id",
            Tick::SELECT
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(Tick::from_row)
            .collect::<Result<_, _>>()
            .map_err(StoreError::from)
    }

    /// A page of a pipeline's deals, by id, with filters.
    pub async fn list_deals(
        &self,
        actor: &Actor,
        pipeline_key: &str,
        filter: &DealFilter,
    ) -> Result<DealPage, StoreError> {
        let pipeline = self.pipeline(actor, pipeline_key).await?;
        let limit = filter.limit.unwrap_or(100);
        if !(1..=500).contains(&limit) {
            return Err(StoreError::invalid("limit", "must be between 1 and 500"));
        }
        let after: i64 = match filter.cursor.as_deref() {
            None => 0,
            Some(c) => c.parse().ok().filter(|&n: &i64| n >= 0).ok_or_else(|| {
                StoreError::invalid("cursor", "not a cursor from a previous page")
            })?,
        };
        let mut sql = format!("{} WHERE d.pipeline_id = $1 AND d.id > $2", Deal::SELECT);
        let mut n = 2;
        let mut param = |sql: &mut String, clause: &str| {
            n += 1;
            sql.push_str(&clause.replace('?', &format!("${n}")));
        };
        if filter.stage.is_some() {
            param(&mut sql, " AND d.stage = ?");
        }
        if filter.owner_id.is_some() {
            param(&mut sql, " AND d.owner_id = ?");
        }
        if filter.segment.is_some() {
            param(&mut sql, " AND d.segment = ?");
        }
        if filter.open.is_some() {
            param(&mut sql, " AND d.is_open = ?");
        }
        sql.push_str(&format!(" ORDER BY d.id LIMIT {}", limit + 1));
        let mut query = sqlx::query(&sql).bind(pipeline.id).bind(after);
        if let Some(s) = &filter.stage {
            query = query.bind(s);
        }
        if let Some(o) = filter.owner_id {
            query = query.bind(o);
        }
        if let Some(s) = &filter.segment {
            query = query.bind(s);
        }
        if let Some(o) = filter.open {
            query = query.bind(i64::from(o));
        }
        let rows = query.fetch_all(&self.pool).await?;
        let mut deals: Vec<Deal> = rows.iter().map(Deal::from_row).collect::<Result<_, _>>()?;
        let next_cursor = if deals.len() > limit as usize {
            deals.truncate(limit as usize);
            deals.last().map(|d| d.id.to_string())
        } else {
            None
        };
        Ok(DealPage { deals, next_cursor })
    }

    /// The board: every open deal of the pipeline as a card in its top-level stage's column.
    pub async fn board(&self, actor: &Actor, pipeline_key: &str) -> Result<Board, StoreError> {
        let pipeline = self.pipeline(actor, pipeline_key).await?;
        let published = self.published_map(&pipeline).await?;
        let map = &published.map;
        let t = now();
        // One row holding every card (see `Store::json_rows`).
        let cards_sql = format!(
            "SELECT {} AS rows FROM deals d LEFT JOIN users u ON u.id = d.owner_id \
             WHERE d.pipeline_id = $1 AND d.is_open = $2",
            self.json_rows(
                "d.id, d.key, d.name, d.company, d.amount, d.currency, d.owner_id, \
                 u.display_name, d.stage, d.stage_entered_at, d.version, d.source, d.segment",
                "d.stage_entered_at, d.id"
            )
        );
        let cards_text: Option<String> = sqlx::query(&cards_sql)
            .bind(pipeline.id)
            .bind(1i64)
            .fetch_one(&self.pool)
            .await?
            .try_get("rows")?;
        type CardRow = (
            i64,
            String,
            String,
            Option<String>,
            Option<f64>,
            Option<String>,
            Option<i64>,
            Option<String>,
            String,
            i64,
            i64,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<CardRow> = serde_json::from_str(cards_text.as_deref().unwrap_or("[]"))
            .map_err(|e| StoreError::Internal(format!("reading the board: {e}")))?;
        let tick_rows = sqlx::query(
            "SELECT t.deal_id, t.stage, t.item FROM ticks t JOIN deals d ON d.id = t.deal_id \
             WHERE d.pipeline_id = $1 AND d.is_open = $2",
        )
        .bind(pipeline.id)
        .bind(1i64)
        .fetch_all(&self.pool)
        .await?;
        let mut ticked: HashMap<i64, Vec<(String, String)>> = HashMap::new();
        for row in &tick_rows {
            ticked
                .entry(row.try_get("deal_id")?)
                .or_default()
                .push((row.try_get("stage")?, row.try_get("item")?));
        }
        let tops: Vec<_> = map.top_level().collect();
        let mut columns: Vec<BoardColumn> = tops
            .iter()
            .map(|&ix| {
                let s = map.stage(ix);
                BoardColumn {
                    stage: s.id.clone(),
                    name: s.name.get(&map.language, &map.language).to_string(),
                    kind: kind_name(s.kind).into(),
                    phase: s.phase.clone(),
                    target_days: s.target_days,
                    rotten_days: s.rotten_days,
                    probability: s.probability,
                    checklist_items: s.exit_checklist.len(),
                    count: 0,
                    value: 0.0,
                    weighted_value: s.probability.map(|_| 0.0),
                    deals: Vec::new(),
                }
            })
            .collect();
        let column_of: HashMap<&str, usize> = map
            .stage_ixs()
            .filter_map(|ix| {
                let top = map.top_ancestor(ix);
                let col = tops.iter().position(|&t| t == top)?;
                Some((map.stage(ix).id.as_str(), col))
            })
            .collect();
        let mut unplaced = Vec::new();
        for (
            id,
            key,
            name,
            company,
            amount,
            currency,
            owner_id,
            owner_name,
            stage,
            entered,
            version,
            source,
            segment,
        ) in rows
        {
            let days = (t - entered).max(0) as f64 / MICROS_PER_DAY as f64;
            let mut card = Card {
                id,
                key,
                name,
                company,
                amount,
                currency,
                owner_id,
                owner_name,
                source,
                segment,
                stage,
                days_in_stage: (days * 10.0).round() / 10.0,
                stale: false,
                ticked: 0,
                version,
            };
            let Some(&col) = column_of.get(card.stage.as_str()) else {
                unplaced.push(card);
                continue;
            };
            let top = map.stage(tops[col]);
            card.stale = top.target_days.is_some_and(|target| days > target);
            if let Some(ticks) = ticked.get(&id) {
                card.ticked = top
                    .exit_checklist
                    .iter()
                    .filter(|item| {
                        let text = item.get(&map.language, &map.language);
                        ticks.iter().any(|(s, i)| s == &top.id && i == text)
                    })
                    .count();
            }
            let column = &mut columns[col];
            column.count += 1;
            let amount = card.amount.unwrap_or(0.0);
            column.value += amount;
            if let (Some(w), Some(p)) = (column.weighted_value.as_mut(), column.probability) {
                *w += amount * p;
            }
            column.deals.push(card);
        }
        Ok(Board {
            pipeline: pipeline.key,
            map_version: published.number,
            as_of: t,
            columns,
            unplaced,
        })
    }
}

/// Whether a stage's entry closes a deal (an outcome).
pub(crate) fn closes(map: &Map, stage: &str) -> bool {
    map.find(stage).is_some_and(|ix| map.outcome(ix).is_some())
}
