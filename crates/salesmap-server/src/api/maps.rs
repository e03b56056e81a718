//! Checking a map before it is saved: `POST /api/v1/pipelines/{key}/check` runs the same
//! checker `salesmap check` and publishing run, and answers with every diagnostic at its line
//! and column, the drawing of the map when it has no error, and which open deals the map would
//! strand if it were published now (stages removed, renamed or turned into outcomes) with
//! where each stage's deals would go. The map editor calls it as the user types; nothing is
//! written.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use salesmap_mapfile::Severity;
use salesmap_render::RenderOptions;
use salesmap_store::{Actor, Relocation, relocation_targets};
use serde::{Deserialize, Serialize};

use crate::auth::Authed;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::problem::{ApiError, CommonErrors};
use crate::state::AppState;

/// A map to check.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct CheckInput {
    /// The map file's text (TOML).
    pub source: String,
}

/// The language of the drawing's own words.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckQuery {
    /// `en` or `ko` (default: the map's language).
    pub lang: Option<String>,
}

/// One problem the checker found, with its place in the text (lines and columns 1-based,
/// columns in characters).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CheckDiagnostic {
    /// The rule's stable code (`SM012`).
    pub code: String,
    /// The rule's name (`stage-missing-owner`).
    pub name: String,
    /// `error`, `warning` or `info`.
    pub severity: String,
    pub message: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// What the underline says.
    pub label: String,
    pub help: Option<String>,
}

/// A stage open deals may be moved into.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct StageChoice {
    pub id: String,
    pub name: String,
}

/// What the checker says about a map, and what publishing it would do.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MapCheck {
    pub errors: usize,
    pub warnings: usize,
    /// `2 errors, 1 warning` or `no problems`.
    pub summary: String,
    /// Every problem, in file order.
    pub diagnostics: Vec<CheckDiagnostic>,
    /// The drawing (an SVG document) when the map has no error.
    pub drawing: Option<String>,
    /// The stages whose open deals publishing would strand, with a suggested destination
    /// (empty when the map has errors).
    pub relocations: Vec<Relocation>,
    /// The new map's stages open deals may be moved into (not outcomes).
    pub targets: Vec<StageChoice>,
    /// Whether the text is the published version's, byte for byte.
    pub unchanged: bool,
}

pub fn router() -> Router<AppState> {
    Router::new().route("/pipelines/{key}/check", post(check))
}

/// Checks `source` as a new version of the pipeline's map would be checked (see
/// [`MapCheck`]); `lang` picks the drawing's words.
pub async fn check_source(
    state: &AppState,
    actor: &Actor,
    key: &str,
    source: &str,
    lang: Option<&str>,
) -> Result<MapCheck, ApiError> {
    let pipeline = state.store.pipeline(actor, key).await?;
    let published = state
        .store
        .map_version(
            actor,
            key,
            pipeline.published_version.ok_or_else(|| {
                ApiError::NotFound(format!("a published map for pipeline `{key}`"))
            })?,
        )
        .await?;
    let owned = source.to_string();
    let draw_lang = lang.map(str::to_string);
    let (checked, drawing) = tokio::task::spawn_blocking(move || {
        let checked = salesmap_mapfile::load(&owned, "map.toml");
        let drawing = checked.map.as_ref().map(|map| {
            let options = RenderOptions {
                lang: draw_lang.clone(),
                ..RenderOptions::default()
            };
            salesmap_render::render_svg(map, &options, None)
        });
        let diagnostics = diagnostics_of(&owned, &checked.diagnostics);
        (
            (
                checked.map,
                diagnostics,
                salesmap_mapfile::diagnostic::summary(&checked.diagnostics),
            ),
            drawing,
        )
    })
    .await
    .map_err(|e| ApiError::Internal(format!("check task: {e}")))?;
    let (map, diagnostics, summary) = checked;
    let count = |s: &str| diagnostics.iter().filter(|d| d.severity == s).count();
    let (relocations, targets) = match &map {
        Some(map) => {
            let relocations = state.store.relocation_plan(actor, key, map).await?;
            let targets = relocation_targets(map)
                .into_iter()
                .map(|ix| {
                    let s = map.stage(ix);
                    StageChoice {
                        id: s.id.clone(),
                        name: s
                            .name
                            .get(lang.unwrap_or(&map.language), &map.language)
                            .to_string(),
                    }
                })
                .collect();
            (relocations, targets)
        }
        None => (Vec::new(), Vec::new()),
    };
    Ok(MapCheck {
        errors: count("error"),
        warnings: count("warning"),
        summary,
        diagnostics,
        drawing,
        relocations,
        targets,
        unchanged: published.source == source,
    })
}

/// The checker's diagnostics with their places resolved against `source`.
pub fn diagnostics_of(
    source: &str,
    diagnostics: &[salesmap_mapfile::Diagnostic],
) -> Vec<CheckDiagnostic> {
    salesmap_mapfile::diagnostic::to_json(source, "map.toml", diagnostics)
        .into_iter()
        .map(|d| CheckDiagnostic {
            code: d.code.to_string(),
            name: d.name.to_string(),
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            }
            .to_string(),
            message: d.message.to_string(),
            line: d.start.line,
            column: d.start.column,
            end_line: d.end.line,
            end_column: d.end.column,
            label: d.label.to_string(),
            help: d.help.map(str::to_string),
        })
        .collect()
}

/// Checks a map as a new version of the pipeline's map: the diagnostics at their lines, the
/// drawing, and the open deals publishing would strand with where they would go. Nothing is
/// saved.
#[utoipa::path(post, path = "/api/v1/pipelines/{key}/check", tag = "pipelines",
    request_body = CheckInput,
    params(("key" = String, Path, description = "Pipeline key"), CheckQuery),
    responses((status = 200, body = MapCheck), CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn check(
    State(state): State<AppState>,
    user: Authed,
    ApiPath(key): ApiPath<String>,
    ApiQuery(query): ApiQuery<CheckQuery>,
    ApiJson(input): ApiJson<CheckInput>,
) -> Result<Json<MapCheck>, ApiError> {
    let lang = match query.lang.as_deref() {
        None => None,
        Some(l @ ("en" | "ko")) => Some(l),
        Some(other) => {
            return Err(ApiError::invalid(
                "lang",
                format!("`{other}` is not a language of the drawing: use en or ko"),
            ));
        }
    };
    Ok(Json(
        check_source(&state, &user.actor, &key, &input.source, lang).await?,
    ))
}
