//! `GET /api/v1/audit`: the append-only audit log, newest first, a page at a time (managers
//! and admins), optionally for one deal.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use salesmap_store::AuditEntry;
use serde::{Deserialize, Serialize};

use crate::auth::Authed;
use crate::extract::ApiQuery;
use crate::problem::{ApiError, CommonErrors};
use crate::state::AppState;

/// Which audit rows to list.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only rows about this deal.
    pub deal: Option<i64>,
    /// Rows older than this id (the previous page's `next_before`).
    pub before: Option<i64>,
    /// Page size, 1 to 500 (default 100).
    pub limit: Option<u32>,
}

/// A page of the audit log.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` for the next page; absent on the last page.
    pub next_before: Option<i64>,
}

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(list))
}

/// The audit log, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = AuditPage), CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn list(
    State(state): State<AppState>,
    user: Authed,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let limit = query.limit.unwrap_or(100);
    let entries = state
        .store
        .audit_log(&user.actor, query.deal, query.before, limit)
        .await?;
    let next_before = (entries.len() == limit as usize)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    Ok(Json(AuditPage {
        entries,
        next_before,
    }))
}
