//! One deal: read it with its checklist and timeline, edit its fields, move it through the
//! map, tick and untick exit checklist items, log touches. Every change goes through the
//! store's domain operations, which check roles, ownership, the map's rules and the version.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use salesmap_store::{
    Deal, DealDetail, DealPatch, MoveRequest, NewTouch, Tick, TickRequest, Touch,
};
use serde::{Deserialize, Deserializer};

use crate::auth::Authed;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::problem::{ApiError, CommonErrors, ConflictError};
use crate::state::AppState;

/// `null` (clear) told apart from an absent field (keep).
fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Changes to a deal: absent fields stay, `null` clears an optional field.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct DealChange {
    /// The version you read: a stale one is refused with the current deal (409).
    pub version: i64,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub company: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<f64>)]
    pub amount: Option<Option<f64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub currency: Option<Option<String>>,
    /// A new owner (managers and admins).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub owner_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub source: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub segment: Option<Option<String>>,
    /// Replaces all free attributes.
    pub attributes: Option<BTreeMap<String, String>>,
}

/// A move to another stage.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct MoveInput {
    /// The stage to enter.
    pub to: String,
    /// The version you read.
    pub version: i64,
    /// Why the buyer said no (required for lost, disqualified, churned and "no" branches).
    pub reason: Option<String>,
    /// Managers and admins: why the move goes ahead with unticked exit items (audited).
    pub override_reason: Option<String>,
}

/// A tick of an exit checklist item.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct TickInput {
    /// The stage whose checklist holds the item (default: the deal's stage).
    pub stage: Option<String>,
    /// The item's position in that checklist (0-based).
    pub item: usize,
    pub note: Option<String>,
    /// An http(s) link to the evidence.
    pub evidence_url: Option<String>,
    /// When given, refused if the deal changed since.
    pub version: Option<i64>,
}

/// A touch to log.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct TouchInput {
    /// `call`, `email`, `meeting` or `note` (or another lowercase word).
    pub kind: String,
    /// When it happened (RFC 3339; default now).
    pub at: Option<String>,
    pub note: Option<String>,
}

/// The version for an untick.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UntickQuery {
    /// When given, refused if the deal changed since.
    pub version: Option<i64>,
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/deals/{id}", get(get_one).patch(update))
        .route("/deals/{id}/moves", post(move_deal))
        .route("/deals/{id}/ticks", post(tick))
        .route("/deals/{id}/ticks/{stage}/{item}", delete(untick))
        .route("/deals/{id}/touches", post(touch))
}

/// A deal with its checklist, stage entries, touches, ticks and allowed moves.
#[utoipa::path(get, path = "/api/v1/deals/{id}", tag = "deals",
    params(("id" = i64, Path, description = "Deal id")),
    responses((status = 200, body = DealDetail), CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn get_one(
    State(state): State<AppState>,
    user: Authed,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DealDetail>, ApiError> {
    Ok(Json(state.store.deal_detail(&user.actor, id).await?))
}

/// Edits a deal's fields.
#[utoipa::path(patch, path = "/api/v1/deals/{id}", tag = "deals", request_body = DealChange,
    params(("id" = i64, Path, description = "Deal id")),
    responses((status = 200, body = Deal), ConflictError, CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn update(
    State(state): State<AppState>,
    user: Authed,
    ApiPath(id): ApiPath<i64>,
    ApiJson(change): ApiJson<DealChange>,
) -> Result<Json<Deal>, ApiError> {
    let patch = DealPatch {
        name: change.name,
        company: change.company,
        amount: change.amount,
        currency: change.currency,
        owner_id: change.owner_id,
        source: change.source,
        segment: change.segment,
        attributes: change.attributes,
    };
    Ok(Json(
        state
            .store
            .update_deal(&user.actor, id, change.version, patch)
            .await?,
    ))
}

/// Moves a deal along a transition of the map. Refused (422) when the map has no such move,
/// when exit checklist items are unticked (listed in `missing`), or when a "no" move has no
/// reason; refused (409) when the version is stale.
#[utoipa::path(post, path = "/api/v1/deals/{id}/moves", tag = "deals", request_body = MoveInput,
    params(("id" = i64, Path, description = "Deal id")),
    responses((status = 200, body = Deal), ConflictError, CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn move_deal(
    State(state): State<AppState>,
    user: Authed,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<MoveInput>,
) -> Result<Json<Deal>, ApiError> {
    let request = MoveRequest {
        to: input.to,
        version: input.version,
        reason: input.reason,
        override_reason: input.override_reason,
    };
    Ok(Json(state.store.move_deal(&user.actor, id, request).await?))
}

/// Ticks an exit checklist item (who and when are recorded, with an optional note and link).
#[utoipa::path(post, path = "/api/v1/deals/{id}/ticks", tag = "deals", request_body = TickInput,
    params(("id" = i64, Path, description = "Deal id")),
    responses((status = 201, body = Tick), ConflictError, CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn tick(
    State(state): State<AppState>,
    user: Authed,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<TickInput>,
) -> Result<(StatusCode, Json<Tick>), ApiError> {
    let request = TickRequest {
        stage: input.stage,
        item: input.item,
        note: input.note,
        evidence_url: input.evidence_url,
        version: input.version,
    };
    Ok((
        StatusCode::CREATED,
        Json(state.store.tick_item(&user.actor, id, request).await?),
    ))
}

/// Removes a tick.
#[utoipa::path(delete, path = "/api/v1/deals/{id}/ticks/{stage}/{item}", tag = "deals",
    params(("id" = i64, Path, description = "Deal id"), ("stage" = String, Path, description = "Stage id"),
           ("item" = usize, Path, description = "Item position (0-based)"), UntickQuery),
    responses((status = 200, body = Deal), ConflictError, CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn untick(
    State(state): State<AppState>,
    user: Authed,
    ApiPath((id, stage, item)): ApiPath<(i64, String, usize)>,
    ApiQuery(query): ApiQuery<UntickQuery>,
) -> Result<Json<Deal>, ApiError> {
    Ok(Json(
        state
            .store
            .untick_item(&user.actor, id, &stage, item, query.version)
            .await?,
    ))
}

/// Logs a touch (call, email, meeting, note).
#[utoipa::path(post, path = "/api/v1/deals/{id}/touches", tag = "deals", request_body = TouchInput,
    params(("id" = i64, Path, description = "Deal id")),
    responses((status = 201, body = Touch), CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn touch(
    State(state): State<AppState>,
    user: Authed,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<TouchInput>,
) -> Result<(StatusCode, Json<Touch>), ApiError> {
    let at = input
        .at
        .as_deref()
        .map(|t| {
            t.parse::<jiff::Timestamp>()
                .map(|t| t.as_microsecond())
                .map_err(|_| {
                    ApiError::invalid("at", "not an RFC 3339 time such as 2026-03-01T09:30:00Z")
                })
        })
        .transpose()?;
    let touch = NewTouch {
        kind: input.kind,
        at,
        note: input.note,
    };
    Ok((
        StatusCode::CREATED,
        Json(state.store.log_touch(&user.actor, id, touch).await?),
    ))
}
