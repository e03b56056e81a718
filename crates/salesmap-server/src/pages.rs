//! The web app's pages, rendered on the server from the store's domain operations (never SQL,
//! never a second copy of a rule), in English or Korean. Every page works with plain links
//! and forms; the scripts in `assets/` add drag and drop and keyboard moves on the board, live
//! filters, the live map editor and local times.
//!
//! The modules, each using only those listed before it: `markup` (escaping), `locale`
//! (language choice and labels), `assets` (embedded files under content-hashed paths),
//! `shell` (the frame every page sits in, notices and error pages), `context` (the signed-in
//! visitor and CSRF-checked forms), `figures` (the live history measured against the map,
//! shared by the pages that show figures); then one module per page: `account` (sign-in,
//! password, language), `pipelines` (start page), `board`, `deal`, `new_deal`, `map`, `stage`,
//! `editor`, `dashboard`, `import`, `users`, `tokens` and `audit`.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

pub mod account;
pub mod assets;
pub mod audit;
pub mod board;
pub mod context;
pub mod dashboard;
pub mod deal;
pub mod editor;
pub mod figures;
pub mod import;
pub mod locale;
pub mod map;
pub mod markup;
pub mod new_deal;
pub mod pipelines;
pub mod shell;
pub mod stage;
pub mod tokens;
pub mod users;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(pipelines::home))
        .route(
            "/pipelines",
            get(pipelines::pipelines).post(pipelines::create),
        )
        .route(
            "/sign-in",
            get(account::sign_in_page).post(account::sign_in),
        )
        .route("/sign-out", post(account::sign_out))
        .route(
            "/password",
            get(account::password_page).post(account::change_password),
        )
        .route("/language", post(account::switch_language))
        .route("/p/{key}/board", get(board::page))
        .route(
            "/p/{key}/deals/new",
            get(new_deal::page).post(new_deal::create),
        )
        .route("/p/{key}/dashboard", get(dashboard::page))
        .route("/p/{key}/report", get(dashboard::report))
        .route(
            "/p/{key}/import",
            get(import::page)
                .post(import::upload)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/p/{key}/map", get(map::page))
        .route("/p/{key}/editor", get(editor::page).post(editor::submit))
        .route("/p/{key}/stages/{stage}", get(stage::page))
        .route("/deals/{id}", get(deal::page))
        .route("/deals/{id}/move", post(deal::move_deal))
        .route("/deals/{id}/tick", post(deal::tick))
        .route("/deals/{id}/untick", post(deal::untick))
        .route("/deals/{id}/touch", post(deal::touch))
        .route("/deals/{id}/edit", post(deal::edit))
        .route("/admin/users", get(users::page).post(users::add))
        .route("/admin/users/{id}", post(users::change))
        .route("/admin/users/{id}/reset", post(users::reset))
        .route("/tokens", get(tokens::page).post(tokens::create))
        .route("/tokens/{id}/revoke", post(tokens::revoke))
        .route("/audit", get(audit::page))
        .route("/assets/{file}", get(assets::serve))
}
