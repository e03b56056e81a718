//! `GET /api/v1/pipelines/{key}/report`: the HTML report (`salesmap report`) of the
//! pipeline's live history measured against its published map, as a file to download, in
//! English or Korean. The dashboard links to it.

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use salesmap_report::{Lang, ReportOptions, build_report};
use serde::Deserialize;

use crate::auth::Authed;
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::{ApiError, CommonErrors};
use crate::state::AppState;

/// The report's options.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// `en` (default) or `ko`.
    pub lang: Option<String>,
}

pub fn router() -> Router<AppState> {
    Router::new().route("/pipelines/{key}/report", get(report))
}

/// The report of a pipeline as of now, as the file's bytes and its download name.
pub async fn report_file(
    state: &AppState,
    actor: &salesmap_store::Actor,
    key: &str,
    lang: Lang,
) -> Result<(Vec<u8>, String), ApiError> {
    let (history, published) = state.store.live_history(actor, key).await?;
    let as_of = salesmap_store::now();
    let map_label = format!("{key} v{}", published.number);
    let history_label = format!("pipeline {key}");
    let html = tokio::task::spawn_blocking(move || {
        let options = ReportOptions::new(lang, as_of, &map_label, &history_label);
        build_report(&published.map, &history, &options)
            .map(|r| r.html)
            .map_err(|e| ApiError::Internal(format!("report: {e}")))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("report task: {e}")))??;
    let day = salesmap_import::format_timestamp(as_of);
    let name = format!("{key}-report-{}-{}.html", &day[..10], lang.tag());
    Ok((html.into_bytes(), name))
}

/// The HTML report of the pipeline's live history against its published map, measured now:
/// one self-contained page (no script, no network) to save or e-mail.
#[utoipa::path(get, path = "/api/v1/pipelines/{key}/report", tag = "history",
    params(("key" = String, Path, description = "Pipeline key"), ReportQuery),
    responses(
        (status = 200, content_type = "text/html", body = String, description = "The report, as an attachment"),
        CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn report(
    State(state): State<AppState>,
    user: Authed,
    ApiPath(key): ApiPath<String>,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    let lang = match query.lang.as_deref() {
        None => Lang::En,
        Some(name) => Lang::from_name(name).ok_or_else(|| {
            ApiError::invalid(
                "lang",
                format!("`{name}` is not a report language: use en or ko"),
            )
        })?,
    };
    let (bytes, name) = report_file(&state, &user.actor, &key, lang).await?;
    Ok(attachment(bytes, "text/html; charset=utf-8", &name))
}

/// A file download: its bytes, type and name (the name must be plain ASCII).
pub fn attachment(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let mut response = Body::from(bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
