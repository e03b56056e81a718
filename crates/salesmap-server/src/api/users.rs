//! Users: everyone signed in may list them (to show owners); admins add users, change roles,
//! disable accounts and reset passwords (a one-time password, returned once).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use salesmap_store::{NewUser, Role, User, UserPatch};
use serde::{Deserialize, Serialize};

use crate::auth::Authed;
use crate::extract::{ApiJson, ApiPath};
use crate::problem::{ApiError, CommonErrors, ConflictError};
use crate::state::AppState;

/// A user to add.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct UserInput {
    /// 1 to 64 characters: a-z, digits, `.`, `_`, `@`, `-`.
    #[schema(pattern = "^[A-Za-z0-9._@-]{1,64}$")]
    pub login: String,
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub display_name: String,
    pub role: Role,
    /// The user's password (at least 10 characters); when absent a one-time password is
    /// generated and returned.
    #[schema(min_length = 10, max_length = 200)]
    pub password: Option<String>,
}

/// An added user and, when generated, the one-time password (shown once).
#[derive(Serialize, utoipa::ToSchema)]
pub struct AddedUser {
    pub user: User,
    pub one_time_password: Option<String>,
}

/// Changes to a user.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct UserChange {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
}

/// A new one-time password.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PasswordReset {
    pub one_time_password: String,
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list).post(create))
        .route("/users/{id}", get(get_one).patch(update))
        .route("/users/{id}/password-reset", post(reset_password))
}

/// Every user, by login.
#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    responses((status = 200, body = Vec<User>), CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn list(
    State(state): State<AppState>,
    user: Authed,
) -> Result<Json<Vec<User>>, ApiError> {
    Ok(Json(state.store.list_users(&user.actor).await?))
}

/// Adds a user (admins).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserInput,
    responses((status = 201, body = AddedUser), ConflictError, CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn create(
    State(state): State<AppState>,
    user: Authed,
    ApiJson(input): ApiJson<UserInput>,
) -> Result<(StatusCode, Json<AddedUser>), ApiError> {
    let (added, one_time_password) = state
        .store
        .add_user(
            &user.actor,
            NewUser {
                login: input.login,
                display_name: input.display_name,
                role: input.role,
                password: input.password,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AddedUser {
            user: added,
            one_time_password,
        }),
    ))
}

/// One user.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, body = User), CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn get_one(
    State(state): State<AppState>,
    user: Authed,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<User>, ApiError> {
    Ok(Json(state.store.user(&user.actor, id).await?))
}

/// Changes a user's display name, role or disabled flag (admins).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", request_body = UserChange,
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, body = User), CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn update(
    State(state): State<AppState>,
    user: Authed,
    ApiPath(id): ApiPath<i64>,
    ApiJson(change): ApiJson<UserChange>,
) -> Result<Json<User>, ApiError> {
    let patch = UserPatch {
        display_name: change.display_name,
        role: change.role,
        disabled: change.disabled,
    };
    Ok(Json(state.store.update_user(&user.actor, id, patch).await?))
}

/// Gives a user a new one-time password and signs them out everywhere (admins).
#[utoipa::path(post, path = "/api/v1/users/{id}/password-reset", tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, body = PasswordReset), CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn reset_password(
    State(state): State<AppState>,
    user: Authed,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PasswordReset>, ApiError> {
    let one_time_password = state.store.reset_password(&user.actor, id).await?;
    Ok(Json(PasswordReset { one_time_password }))
}
