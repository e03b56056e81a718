//! `GET /api/v1/health`: whether this server can reach its database (for load balancers and
//! monitoring; no sign-in). 200 when it can, 503 with the reason when it cannot.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// The server's health.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `ok` (an unhealthy server answers 503).
    pub status: String,
    /// `SQLite` or `PostgreSQL`.
    pub database: String,
    /// The schema version the server runs.
    pub schema: i64,
}

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

/// Whether the server and its database answer.
#[utoipa::path(get, path = "/api/v1/health", tag = "health",
    responses(
        (status = 200, body = Health),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.store.ping().await?;
    Ok(Json(Health {
        status: "ok".into(),
        database: state.store.backend().name().into(),
        schema: salesmap_store::SCHEMA_VERSION,
    }))
}
