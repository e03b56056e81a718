//! What every state change writes besides the change itself, in the same transaction: an
//! append-only audit row (who did what, when, with the details) and, for changes that other
//! systems may react to, an outbox event (kind, deal, the map version in force, a JSON payload
//! and an idempotency key) that a delivery worker reads later. Because both are written in the
//! change's transaction, neither can be lost or exist without the change.

use serde_json::Value;
use sqlx::Any;

use crate::actor::Actor;
use crate::db::now;
use crate::error::StoreError;
use crate::secret::random_hex;

/// Appends an audit row.
pub(crate) async fn audit(
    tx: &mut sqlx::Transaction<'static, Any>,
    actor: &Actor,
    action: &str,
    pipeline_id: Option<i64>,
    deal_id: Option<i64>,
    detail: Value,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit (at, actor_id, actor, action, pipeline_id, deal_id, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now())
    .bind(actor.user_id)
    .bind(&actor.label)
    .bind(action)
    .bind(pipeline_id)
    .bind(deal_id)
    .bind(detail.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An event for the outbox.
pub(crate) struct Event<'a> {
    pub kind: &'a str,
    pub pipeline_id: i64,
    pub deal_id: Option<i64>,
    pub map_version_id: Option<i64>,
    pub payload: Value,
}

/// Appends an outbox event with a fresh idempotency key.
pub(crate) async fn emit(
    tx: &mut sqlx::Transaction<'static, Any>,
    event: Event<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO outbox (created_at, kind, pipeline_id, deal_id, map_version_id, \
         idempotency_key, payload) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now())
    .bind(event.kind)
    .bind(event.pipeline_id)
    .bind(event.deal_id)
    .bind(event.map_version_id)
    .bind(random_hex(16)?)
    .bind(event.payload.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
