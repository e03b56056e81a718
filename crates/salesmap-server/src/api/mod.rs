//! The JSON REST API under `/api/v1`. Each module owns its routes ([`router`] nests them) and
//! documents them for the OpenAPI 3.1 document served at `/api/v1/openapi.json`, which is
//! generated from these handlers and types ([`ApiDoc`]).
//!
//! - `health`: liveness and database reachability (no sign-in).
//! - `session`: sign in and out, who am I, change password.
//! - `users`, `tokens`: accounts, roles and API tokens.
//! - `pipelines`: pipelines, map versions, the board and the deal list.
//! - `deals`: one deal, its edits, moves, ticks and touches.
//! - `history`: the analysis, export and import of a pipeline's history.
//! - `audit`: the audit log.

use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::state::AppState;

pub mod audit;
pub mod deals;
pub mod health;
pub mod history;
pub mod pipelines;
pub mod session;
pub mod tokens;
pub mod users;

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "salesmap",
        description = "The live sales pipeline of salesmap: deals run through the map's stages, \
                       gates and branches. Errors are RFC 9457 problem documents. Sign in with \
                       POST /api/v1/session (cookie + CSRF token) or send an API token as \
                       `Authorization: Bearer`."
    ),
    paths(
        health::health,
        session::sign_in, session::whoami, session::sign_out, session::change_password,
        users::list, users::create, users::get_one, users::update, users::reset_password,
        tokens::list, tokens::create, tokens::revoke,
        pipelines::list, pipelines::create, pipelines::get_one, pipelines::versions,
        pipelines::version, pipelines::publish, pipelines::board, pipelines::deals,
        pipelines::create_deal,
        deals::get_one, deals::update, deals::move_deal, deals::tick, deals::untick,
        deals::touch,
        history::analysis, history::export, history::import,
        audit::list,
    ),
    modifiers(&Security),
    tags(
        (name = "session", description = "Signing in and out"),
        (name = "users", description = "Accounts and roles (admins)"),
        (name = "tokens", description = "API tokens"),
        (name = "pipelines", description = "Pipelines, map versions, the board"),
        (name = "deals", description = "Deals, moves, ticks, touches"),
        (name = "history", description = "Analysis, export and import"),
        (name = "audit", description = "The audit log"),
        (name = "health", description = "Health check"),
    )
)]
pub struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API's routes, to be nested under `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .merge(health::router())
        .merge(session::router())
        .merge(users::router())
        .merge(tokens::router())
        .merge(pipelines::router())
        .merge(deals::router())
        .merge(history::router())
        .merge(audit::router())
}

async fn openapi() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}
