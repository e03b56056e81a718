//! Signing in and out. `POST /api/v1/session` takes a login and password as JSON or as an HTML
//! form, sets the session cookie and returns the user with the session's CSRF token;
//! `GET` says who is signed in (and gives the CSRF token again), `DELETE` signs out, and
//! `POST /api/v1/session/password` replaces the password (required after a one-time one).

use axum::extract::{FromRequest, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use salesmap_store::User;
use serde::{Deserialize, Serialize};

use crate::auth::{
    Credential, SignedIn, client_address, csrf_token, refuse_cross_site, secure,
    session_clear_cookie, session_set_cookie,
};
use crate::extract::ApiJson;
use crate::problem::{ApiError, CommonErrors, Problem};
use crate::state::AppState;

/// A sign-in.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct Credentials {
    pub login: String,
    pub password: String,
}

/// The signed-in user and the session's CSRF token (absent for API tokens).
#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionInfo {
    pub user: User,
    /// Send it as `X-CSRF-Token` with every change made with the session cookie.
    pub csrf_token: Option<String>,
    /// The user must set a new password (POST /api/v1/session/password) before anything else.
    pub must_change_password: bool,
}

/// A password change.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    /// At least 10 characters.
    #[schema(min_length = 10, max_length = 200)]
    pub new_password: String,
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/session", post(sign_in).get(whoami).delete(sign_out))
        .route("/session/password", post(change_password))
}

/// Signs in with a login and password (JSON or an HTML form) and sets the session cookie.
#[utoipa::path(post, path = "/api/v1/session", tag = "session",
    request_body(content = Credentials, content_type = "application/json"),
    responses(
        (status = 200, body = SessionInfo, description = "Signed in; the cookie is set"),
        (status = 401, body = Problem, content_type = "application/problem+json", description = "Wrong login or password"),
        (status = 429, body = Problem, content_type = "application/problem+json", description = "Too many failed sign-ins"),
        CommonErrors,
    ))]
pub async fn sign_in(State(state): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let (parts, body) = req.into_parts();
    refuse_cross_site(&parts.headers)?;
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let req = Request::from_parts(parts.clone(), body);
    let credentials: Credentials = if content_type.starts_with("application/x-www-form-urlencoded")
    {
        let bytes = axum::body::to_bytes(req.into_body(), state.config.body_limit)
            .await
            .map_err(|_| ApiError::PayloadTooLarge(state.config.body_limit as u64))?;
        serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| ApiError::invalid("body", format!("form: {e}")))?
    } else {
        ApiJson::<Credentials>::from_request(req, &state).await?.0
    };
    let remote = client_address(&parts, &state);
    let signed = state
        .store
        .sign_in(&credentials.login, &credentials.password, &remote)
        .await?;
    let info = SessionInfo {
        csrf_token: Some(csrf_token(&signed.token)),
        must_change_password: signed.user.must_change_password,
        user: signed.user,
    };
    let mut response = Json(info).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session_set_cookie(&signed.token, secure(&parts, &state)),
    );
    Ok(response)
}

/// Who is signed in, with the session's CSRF token.
#[utoipa::path(get, path = "/api/v1/session", tag = "session",
    responses((status = 200, body = SessionInfo), CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn whoami(user: SignedIn) -> Json<SessionInfo> {
    let csrf = match &user.credential {
        Credential::Session { token, .. } => Some(csrf_token(token)),
        Credential::Token => None,
    };
    Json(SessionInfo {
        must_change_password: user.user.must_change_password,
        user: user.user,
        csrf_token: csrf,
    })
}

/// Signs out: ends the session and clears the cookie.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses((status = 204, description = "Signed out"), CommonErrors),
    security(("session" = [])))]
pub async fn sign_out(State(state): State<AppState>, user: SignedIn) -> Result<Response, ApiError> {
    let Credential::Session { digest, .. } = &user.credential else {
        return Err(ApiError::invalid(
            "credential",
            "an API token has no session to end; revoke it with DELETE /api/v1/tokens/{id}",
        ));
    };
    state.store.sign_out(&user.actor, digest).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session_clear_cookie(state.config.secure_cookies),
    );
    Ok(response)
}

/// Replaces the signed-in user's password; other sessions of the user end.
#[utoipa::path(post, path = "/api/v1/session/password", tag = "session",
    request_body = PasswordChange,
    responses((status = 204, description = "Changed"), CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn change_password(
    State(state): State<AppState>,
    user: SignedIn,
    ApiJson(change): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let keep = match &user.credential {
        Credential::Session { digest, .. } => Some(digest.as_str()),
        Credential::Token => None,
    };
    state
        .store
        .change_password(
            &user.actor,
            &change.current_password,
            &change.new_password,
            keep,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
