//! API tokens: each user creates tokens for scripts and integrations (the secret is returned
//! once and stored hashed), lists and revokes their own; admins see and revoke anyone's.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use salesmap_store::ApiToken;
use serde::{Deserialize, Serialize};

use crate::auth::Authed;
use crate::extract::{ApiJson, ApiPath};
use crate::problem::{ApiError, CommonErrors};
use crate::state::AppState;

/// A token to create.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct TokenInput {
    /// What the token is for (`ci`, `zapier`).
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    pub name: String,
}

/// A new token and its secret (shown once: send it as `Authorization: Bearer <secret>`).
#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    pub token: ApiToken,
    pub secret: String,
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tokens", get(list).post(create))
        .route("/tokens/{id}", delete(revoke))
}

/// Your API tokens (admins: everyone's), newest first.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens",
    responses((status = 200, body = Vec<ApiToken>), CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn list(
    State(state): State<AppState>,
    user: Authed,
) -> Result<Json<Vec<ApiToken>>, ApiError> {
    Ok(Json(state.store.list_api_tokens(&user.actor).await?))
}

/// Creates an API token for yourself.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = TokenInput,
    responses((status = 201, body = CreatedToken), CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn create(
    State(state): State<AppState>,
    user: Authed,
    ApiJson(input): ApiJson<TokenInput>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let (token, secret) = state
        .store
        .create_api_token(&user.actor, &input.name)
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { token, secret })))
}

/// Revokes a token.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens",
    params(("id" = i64, Path, description = "Token id")),
    responses((status = 200, body = ApiToken), CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    user: Authed,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ApiToken>, ApiError> {
    Ok(Json(state.store.revoke_api_token(&user.actor, id).await?))
}
