//! Running deals through the map: moves, checklist ticks and touches.
//!
//! A move follows only a transition the published map allows (next, branches, outcomes; or
//! into a sub-stage of the stage the deal is in). Leaving a stage needs its exit checklist
//! ticked (the stage's own and, from a sub-stage, the parent's); a move that is the buyer
//! saying no (to lost, disqualified or churned, or along a branch marked `answer = "no"`,
//! such as nurture) needs a reason instead. A manager or admin may override unticked items
//! with a written reason, which is audited. Every move checks the deal's version, records the
//! stage entry with the actor and the map version in force, and writes the audit row and the
//! outbox event in the same transaction.

use salesmap_core::history::Micros;
use salesmap_core::map::{Answer, Map, Outcome, StageIx};
use serde_json::json;

use crate::actor::Actor;
use crate::db::{Store, now};
use crate::deals::{allowed_targets, closes, optional_text};
use crate::error::{MissingItem, Refusal, StoreError};
use crate::journal::{Event, audit, emit};
use crate::model::{Deal, Role, Tick, Touch};
use crate::users::check_text;

/// A move request.
#[derive(Clone, Debug, Default)]
pub struct MoveRequest {
    /// The stage to enter (a stage id of the published map).
    pub to: String,
    /// The deal version the caller read.
    pub version: i64,
    /// Why the buyer said no (required for "no" moves).
    pub reason: Option<String>,
    /// A manager's or admin's reason to move despite unticked exit items.
    pub override_reason: Option<String>,
}

/// A tick request.
#[derive(Clone, Debug, Default)]
pub struct TickRequest {
    /// The stage whose exit checklist holds the item (default: the deal's stage).
    pub stage: Option<String>,
    /// The item's position in that checklist (0-based).
    pub item: usize,
    pub note: Option<String>,
    /// A link to the evidence (http or https).
    pub evidence_url: Option<String>,
    /// When given, the tick is refused if the deal has changed since.
    pub version: Option<i64>,
}

/// A touch to log.
#[derive(Clone, Debug, Default)]
pub struct NewTouch {
    /// `call`, `email`, `meeting`, `note`, or another lowercase word.
    pub kind: String,
    /// When it happened (default: now); at most a day in the future.
    pub at: Option<Micros>,
    pub note: Option<String>,
}

/// Whether moving from `from` to `to` is the buyer saying no.
fn is_no_move(map: &Map, from: StageIx, to: StageIx) -> bool {
    let top_to = map.top_ancestor(to);
    let negative_outcome = matches!(
        map.outcome(top_to),
        Some(Outcome::Lost | Outcome::Disqualified | Outcome::Churned)
    );
    let no_branch = map
        .outgoing(map.top_ancestor(from))
        .any(|t| t.to == top_to && t.answer == Some(Answer::No));
    negative_outcome || no_branch
}

/// The exit checklist items that must be ticked to move from `at` to `to`: the items of the
/// stage left and, when the move leaves a top-level stage from inside one of its sub-stages,
/// the parent's too.
fn gate_items(map: &Map, at: StageIx, to: StageIx) -> Vec<(StageIx, usize, String)> {
    let top = map.top_ancestor(at);
    let mut stages = vec![at];
    if top != at && map.top_ancestor(to) != top {
        stages.push(top);
    }
    let mut items = Vec::new();
    for ix in stages {
        for (i, item) in map.stage(ix).exit_checklist.iter().enumerate() {
            items.push((ix, i, item.get(&map.language, &map.language).to_string()));
        }
    }
    items
}

fn check_url(url: Option<&str>) -> Result<Option<String>, StoreError> {
    match url.map(str::trim) {
        None | Some("") => Ok(None),
        Some(u)
            if (u.starts_with("https://") || u.starts_with("http://"))
                && u.len() <= 2000
                && !u.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Ok(Some(u.to_string()))
        }
        Some(_) => Err(StoreError::invalid(
            "evidence_url",
            "must be an http:// or https:// link of at most 2000 characters",
        )),
    }
}

fn check_touch_kind(kind: &str) -> Result<String, StoreError> {
    let kind = kind.trim();
    let ok = !kind.is_empty()
        && kind.len() <= 40
        && kind
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(kind.to_string())
    } else {
        Err(StoreError::invalid(
            "kind",
            "a touch kind is a lowercase word such as call, email, meeting or note",
        ))
    }
}

impl Store {
    /// Moves a deal to another stage (see the module docs for the rules).
    pub async fn move_deal(
        &self,
        actor: &Actor,
        id: i64,
        request: MoveRequest,
    ) -> Result<Deal, StoreError> {
        let reason = optional_text("reason", request.reason.as_deref(), 2000)?;
        let override_reason =
            optional_text("override_reason", request.override_reason.as_deref(), 2000)?;
        if override_reason.is_some() && !actor.role.manages() {
            return Err(StoreError::forbidden(
                "only managers and admins may override an exit checklist",
            ));
        }
        // Read and check first, outside the write transaction; the write then updates the deal
        // only if its version is still the one read. Anything that changed in between (a tick,
        // an untick, another move, a new owner) changed the version too, so the write refuses
        // instead of acting on stale checks, and SQLite's one writer is held only for writes.
        let (deal, pipeline_id, published) = self.deal_for_change(id).await?;
        actor.require_deal_rights(&deal, "moving a deal")?;
        if deal.version != request.version {
            return Err(StoreError::StaleVersion(Box::new(deal)));
        }
        let map = &published.map;
        let to = map.find(&request.to).ok_or_else(|| {
            StoreError::invalid("to", &format!("the map has no stage `{}`", request.to))
        })?;
        if request.to == deal.stage {
            return Err(StoreError::invalid(
                "to",
                &format!("the deal is already in `{}`", deal.stage),
            ));
        }
        if closes(map, &deal.stage) {
            return Err(StoreError::Refused(Refusal::Closed {
                stage: deal.stage.clone(),
            }));
        }
        let allowed = allowed_targets(map, &deal.stage);
        if !allowed.contains(&request.to) {
            let top_level: Vec<String> = allowed
                .iter()
                .filter(|s| map.find(s).is_some_and(|ix| map.stage(ix).parent.is_none()))
                .cloned()
                .collect();
            return Err(StoreError::Refused(Refusal::TransitionNotAllowed {
                from: deal.stage.clone(),
                to: request.to.clone(),
                allowed: top_level,
            }));
        }
        let from = map.find(&deal.stage);
        let no_move = from.is_some_and(|f| is_no_move(map, f, to));
        if no_move && reason.is_none() {
            return Err(StoreError::Refused(Refusal::ReasonRequired {
                to: request.to.clone(),
            }));
        }
        let mut overridden = Vec::new();
        if let Some(from) = from.filter(|_| !no_move) {
            let ticks = self.ticks_of(id).await?;
            let missing: Vec<MissingItem> = gate_items(map, from, to)
                .into_iter()
                .filter(|(ix, _, text)| {
                    !ticks
                        .iter()
                        .any(|(s, i)| s == &map.stage(*ix).id && i == text)
                })
                .map(|(ix, index, item)| MissingItem {
                    stage: map.stage(ix).id.clone(),
                    index,
                    item,
                })
                .collect();
            if !missing.is_empty() {
                if override_reason.is_none() {
                    return Err(StoreError::Refused(Refusal::ExitChecklist { missing }));
                }
                overridden = missing;
            }
        }
        let t = now();
        let open = map.outcome(map.top_ancestor(to)).is_none();
        let mut attributes = deal.attributes.clone();
        if let (Some(r), Some(Outcome::Lost | Outcome::Disqualified | Outcome::Churned)) =
            (&reason, map.outcome(map.top_ancestor(to)))
        {
            attributes.insert("lost_reason".into(), r.clone());
        }
        let mut w = self.write().await?;
        let done = sqlx::query(
            "UPDATE deals SET stage = $1, stage_entered_at = $2, is_open = $3, attributes = $4, \
             version = version + 1, updated_at = $2 WHERE id = $5 AND version = $6",
        )
        .bind(&request.to)
        .bind(t)
        .bind(i64::from(open))
        .bind(serde_json::to_string(&attributes).expect("string map"))
        .bind(id)
        .bind(deal.version)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            let current = self.deal_in(&mut w, id).await?;
            return Err(StoreError::StaleVersion(Box::new(current)));
        }
        let override_used = (!overridden.is_empty())
            .then(|| override_reason.clone())
            .flatten();
        sqlx::query(
            "INSERT INTO stage_entries (deal_id, stage, entered_at, from_stage, actor_id, \
             map_version_id, owner, reason, override_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, \
             $8, $9)",
        )
        .bind(id)
        .bind(&request.to)
        .bind(t)
        .bind(&deal.stage)
        .bind(actor.user_id)
        .bind(published.version_id)
        .bind(&deal.owner_name)
        .bind(&reason)
        .bind(&override_used)
        .execute(&mut *w.tx)
        .await?;
        let detail = json!({
            "from": deal.stage, "to": request.to, "reason": reason,
            "map_version": published.number, "version": deal.version,
        });
        audit(
            &mut w.tx,
            actor,
            "deal.moved",
            Some(pipeline_id),
            Some(id),
            detail,
        )
        .await?;
        if !overridden.is_empty() {
            audit(
                &mut w.tx,
                actor,
                "deal.gate_overridden",
                Some(pipeline_id),
                Some(id),
                json!({
                    "from": deal.stage, "to": request.to, "override_reason": override_used,
                    "missing": overridden,
                }),
            )
            .await?;
        }
        emit(
            &mut w.tx,
            Event {
                kind: "deal.moved",
                pipeline_id,
                deal_id: Some(id),
                map_version_id: Some(published.version_id),
                payload: json!({
                    "deal": id, "key": deal.key, "pipeline": deal.pipeline, "from": deal.stage,
                    "to": request.to, "actor": actor.label, "at": salesmap_import::format_timestamp(t),
                    "map_version": published.number, "reason": reason,
                    "override_reason": override_used, "amount": deal.amount,
                    "currency": deal.currency, "owner_id": deal.owner_id,
                }),
            },
        )
        .await?;
        w.commit().await?;
        Ok(Deal {
            stage: request.to,
            stage_entered_at: t,
            open,
            attributes,
            version: deal.version + 1,
            updated_at: t,
            ..deal
        })
    }

    async fn ticks_of(&self, id: i64) -> Result<Vec<(String, String)>, StoreError> {
        use sqlx::Row;
        let rows = sqlx::query("SELECT stage, item FROM ticks WHERE deal_id = $1")
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("stage")?, r.try_get("item")?)))
            .collect()
    }

    /// Ticks an exit checklist item, recording who, when, and the optional note and evidence
    /// link. Ticking an item already ticked keeps the first tick.
    pub async fn tick_item(
        &self,
        actor: &Actor,
        id: i64,
        request: TickRequest,
    ) -> Result<Tick, StoreError> {
        let before = self.deal(actor, id).await?;
        actor.require_deal_rights(&before, "ticking a checklist item")?;
        let note = optional_text("note", request.note.as_deref(), 2000)?;
        let evidence_url = check_url(request.evidence_url.as_deref())?;
        let pipeline = self.pipeline(actor, &before.pipeline).await?;
        let published = self.published_map(&pipeline).await?;
        let map = &published.map;
        let stage_id = request.stage.clone().unwrap_or(before.stage.clone());
        let stage = map.find(&stage_id).map(|ix| map.stage(ix)).ok_or_else(|| {
            StoreError::invalid("stage", &format!("the map has no stage `{stage_id}`"))
        })?;
        let item = stage
            .exit_checklist
            .get(request.item)
            .ok_or_else(|| {
                StoreError::invalid(
                    "item",
                    &format!(
                        "stage `{stage_id}` has {} exit checklist item(s); item {} does not exist",
                        stage.exit_checklist.len(),
                        request.item
                    ),
                )
            })?
            .get(&map.language, &map.language)
            .to_string();
        let mut w = self.write().await?;
        self.claim_version(&mut w, id, request.version).await?;
        let deal = self.deal_in(&mut w, id).await?;
        actor.require_deal_rights(&deal, "ticking a checklist item")?;
        let exists =
            sqlx::query("SELECT id FROM ticks WHERE deal_id = $1 AND stage = $2 AND item = $3")
                .bind(id)
                .bind(&stage_id)
                .bind(&item)
                .fetch_optional(&mut *w.tx)
                .await?;
        if exists.is_none() {
            sqlx::query(
                "INSERT INTO ticks (deal_id, stage, item, ticked_by, ticked_at, note, evidence_url) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(&stage_id)
            .bind(&item)
            .bind(actor.user_id)
            .bind(now())
            .bind(&note)
            .bind(&evidence_url)
            .execute(&mut *w.tx)
            .await?;
            audit(
                &mut w.tx,
                actor,
                "deal.ticked",
                Some(pipeline.id),
                Some(id),
                json!({"stage": stage_id, "item": item, "note": note, "evidence_url": evidence_url}),
            )
            .await?;
        }
        w.commit().await?;
        self.ticks(actor, id)
            .await?
            .into_iter()
            .find(|t| t.stage == stage_id && t.item == item)
            .ok_or_else(|| StoreError::Internal("a tick just written is missing".into()))
    }

    /// Removes a tick (audited). Removing a tick that is not there is not an error.
    pub async fn untick_item(
        &self,
        actor: &Actor,
        id: i64,
        stage_id: &str,
        item: usize,
        version: Option<i64>,
    ) -> Result<Deal, StoreError> {
        let before = self.deal(actor, id).await?;
        actor.require_deal_rights(&before, "unticking a checklist item")?;
        let pipeline = self.pipeline(actor, &before.pipeline).await?;
        let published = self.published_map(&pipeline).await?;
        let map = &published.map;
        let stage = map.find(stage_id).map(|ix| map.stage(ix)).ok_or_else(|| {
            StoreError::invalid("stage", &format!("the map has no stage `{stage_id}`"))
        })?;
        let text = stage
            .exit_checklist
            .get(item)
            .ok_or_else(|| {
                StoreError::invalid("item", &format!("stage `{stage_id}` has no item {item}"))
            })?
            .get(&map.language, &map.language)
            .to_string();
        let mut w = self.write().await?;
        self.claim_version(&mut w, id, version).await?;
        let deal = self.deal_in(&mut w, id).await?;
        actor.require_deal_rights(&deal, "unticking a checklist item")?;
        let done = sqlx::query("DELETE FROM ticks WHERE deal_id = $1 AND stage = $2 AND item = $3")
            .bind(id)
            .bind(stage_id)
            .bind(&text)
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() > 0 {
            audit(
                &mut w.tx,
                actor,
                "deal.unticked",
                Some(pipeline.id),
                Some(id),
                json!({"stage": stage_id, "item": text}),
            )
            .await?;
        }
        w.commit().await?;
        self.deal(actor, id).await
    }

    /// Logs a touch on a deal. Touches add to the timeline and change nothing else, so they do
    /// not need the deal's version.
    pub async fn log_touch(
        &self,
        actor: &Actor,
        id: i64,
        touch: NewTouch,
    ) -> Result<Touch, StoreError> {
        let deal = self.deal(actor, id).await?;
        actor.require_deal_rights(&deal, "logging a touch")?;
        let kind = check_touch_kind(&touch.kind)?;
        let note = touch
            .note
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .map(|n| check_text("note", n, 10_000))
            .transpose()?;
        let t = now();
        let at = touch.at.unwrap_or(t);
        if at > t + salesmap_core::history::MICROS_PER_DAY {
            return Err(StoreError::invalid(
                "at",
                "a touch cannot be more than a day in the future",
            ));
        }
        let pipeline = self.pipeline(actor, &deal.pipeline).await?;
        let mut w = self.write().await?;
        use sqlx::Row;
        let touch_id: i64 = sqlx::query(
            "INSERT INTO touches (deal_id, kind, at, author_id, note, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(id)
        .bind(&kind)
        .bind(at)
        .bind(actor.user_id)
        .bind(&note)
        .bind(t)
        .fetch_one(&mut *w.tx)
        .await?
        .try_get("id")?;
        audit(
            &mut w.tx,
            actor,
            "deal.touched",
            Some(pipeline.id),
            Some(id),
            json!({"touch_id": touch_id, "kind": kind}),
        )
        .await?;
        w.commit().await?;
        self.touches(actor, id)
            .await?
            .into_iter()
            .find(|t| t.id == touch_id)
            .ok_or_else(|| StoreError::Internal("a touch just written is missing".into()))
    }

    /// The audit log, newest first, a page at a time (admins and managers).
    pub async fn audit_log(
        &self,
        actor: &Actor,
        deal_id: Option<i64>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<crate::model::AuditEntry>, StoreError> {
        actor.require(Role::Manager, "reading the audit log")?;
        if !(1..=500).contains(&limit) {
            return Err(StoreError::invalid("limit", "must be between 1 and 500"));
        }
        let rows = sqlx::query(&format!(
            "SELECT {} FROM audit WHERE id < $1 AND ($2 < 0 OR deal_id = $2) ORDER BY id DESC LIMIT $3",
            crate::model::AuditEntry::COLUMNS
        ))
        .bind(before.unwrap_or(i64::MAX))
        .bind(deal_id.unwrap_or(-1))
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(crate::model::AuditEntry::from_row)
            .collect::<Result<_, _>>()
            .map_err(StoreError::from)
    }
}
