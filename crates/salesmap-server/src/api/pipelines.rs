//! Pipelines and their maps: list and create pipelines (admins), read a pipeline with the
//! stages of its published map, list and publish map versions (managers), the board (open
//! deals by stage with totals) and the deal list (filters and cursor pagination), and creating
//! deals.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use salesmap_store::{Board, Deal, DealFilter, DealPage, MapVersion, NewDeal, Pipeline};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::auth::Authed;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::problem::{ApiError, CommonErrors, ConflictError};
use crate::state::AppState;

/// A pipeline to create.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct PipelineInput {
    /// 1 to 40 characters: a-z, digits, `-`.
    #[schema(pattern = "^[a-z0-9-]{1,40}$")]
    pub key: String,
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: String,
    /// The map file's text (TOML); it must check without errors.
    #[schema(min_length = 1)]
    pub source: String,
    /// What this first version is.
    pub message: Option<String>,
}

/// A map version to publish.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct VersionInput {
    /// The map file's text (TOML).
    #[schema(min_length = 1)]
    pub source: String,
    /// What changed and why.
    #[schema(min_length = 1, max_length = 2000, pattern = "\\S")]
    pub message: String,
}

/// A stage of the published map, as the board and deal pages need it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StageInfo {
    pub id: String,
    pub name: String,
    /// `step`, `won-milestone` or `outcome`.
    pub kind: String,
    /// The outcome (`won`, `lost`, `disqualified`, `churned`) of an outcome stage.
    pub outcome: Option<String>,
    pub parent: Option<String>,
    pub phase: Option<String>,
    pub owners: Vec<String>,
    pub entry: Option<String>,
    pub exit_checklist: Vec<String>,
    pub target_days: Option<f64>,
    pub probability: Option<f64>,
    /// Stages a deal here may move to (top-level targets of the map's transitions).
    pub moves: Vec<String>,
}

/// A pipeline with the stages of the map it runs on.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PipelineDetail {
    pub pipeline: Pipeline,
    pub map_name: String,
    pub language: String,
    pub start: String,
    pub stages: Vec<StageInfo>,
}

/// Filters and paging of the deal list.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DealQuery {
    /// Only deals in this stage.
    pub stage: Option<String>,
    /// Only deals of this owner (user id).
    pub owner: Option<i64>,
    /// Only deals of this segment.
    pub segment: Option<String>,
    /// Only open (`true`) or closed (`false`) deals.
    pub open: Option<bool>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 100).
    pub limit: Option<u32>,
}

/// A deal to create.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct DealInput {
    /// The deal's id in the pipeline (generated when absent).
    pub key: Option<String>,
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: String,
    pub company: Option<String>,
    pub amount: Option<f64>,
    /// ISO 4217 code (`USD`).
    pub currency: Option<String>,
    /// The owner (reps: only themselves, the default).
    pub owner_id: Option<i64>,
    pub source: Option<String>,
    pub segment: Option<String>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// The stage to start in (default: the map's start stage).
    pub stage: Option<String>,
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/pipelines", get(list).post(create))
        .route("/pipelines/{key}", get(get_one))
        .route("/pipelines/{key}/versions", get(versions).post(publish))
        .route("/pipelines/{key}/versions/{number}", get(version))
        .route("/pipelines/{key}/board", get(board))
        .route("/pipelines/{key}/deals", get(deals).post(create_deal))
}

/// Every pipeline.
#[utoipa::path(get, path = "/api/v1/pipelines", tag = "pipelines",
    responses((status = 200, body = Vec<Pipeline>), CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn list(
    State(state): State<AppState>,
    user: Authed,
) -> Result<Json<Vec<Pipeline>>, ApiError> {
    Ok(Json(state.store.list_pipelines(&user.actor).await?))
}

/// Creates a pipeline running the given map (admins).
#[utoipa::path(post, path = "/api/v1/pipelines", tag = "pipelines", request_body = PipelineInput,
    responses((status = 201, body = Pipeline), ConflictError, CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn create(
    State(state): State<AppState>,
    user: Authed,
    ApiJson(input): ApiJson<PipelineInput>,
) -> Result<(StatusCode, Json<Pipeline>), ApiError> {
    let pipeline = state
        .store
        .create_pipeline(
            &user.actor,
            &input.key,
            &input.name,
            &input.source,
            input.message.as_deref().unwrap_or("first version"),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(pipeline)))
}

/// A pipeline and the stages of its published map.
#[utoipa::path(get, path = "/api/v1/pipelines/{key}", tag = "pipelines",
    params(("key" = String, Path, description = "Pipeline key")),
    responses((status = 200, body = PipelineDetail), CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn get_one(
    State(state): State<AppState>,
    user: Authed,
    ApiPath(key): ApiPath<String>,
) -> Result<Json<PipelineDetail>, ApiError> {
    let pipeline = state.store.pipeline(&user.actor, &key).await?;
    let published = state.store.published_map(&pipeline).await?;
    let map = &published.map;
    let lang = map.language.as_str();
    let stages = map
        .stage_ixs()
        .map(|ix| {
            let s = map.stage(ix);
            StageInfo {
                id: s.id.clone(),
                name: s.name.get(lang, lang).to_string(),
                kind: match s.kind {
                    salesmap_core::map::StageKind::Step => "step",
                    salesmap_core::map::StageKind::WonMilestone => "won-milestone",
                    salesmap_core::map::StageKind::Outcome(_) => "outcome",
                }
                .into(),
                outcome: map.outcome(ix).map(|o| o.name().to_string()),
                parent: s.parent.map(|p| map.stage(p).id.clone()),
                phase: s.phase.clone(),
                owners: s.owners.clone(),
                entry: s.entry.as_ref().map(|t| t.get(lang, lang).to_string()),
                exit_checklist: s
                    .exit_checklist
                    .iter()
                    .map(|t| t.get(lang, lang).to_string())
                    .collect(),
                target_days: s.target_days,
                probability: s.probability,
                moves: map
                    .outgoing(map.top_ancestor(ix))
                    .map(|t| map.stage(t.to).id.clone())
                    .collect(),
            }
        })
        .collect();
    Ok(Json(PipelineDetail {
        map_name: map.name.get(lang, lang).to_string(),
        language: map.language.clone(),
        start: map.stage(map.start).id.clone(),
        pipeline,
        stages,
    }))
}

/// The pipeline's map versions, newest first.
#[utoipa::path(get, path = "/api/v1/pipelines/{key}/versions", tag = "pipelines",
    params(("key" = String, Path, description = "Pipeline key")),
    responses((status = 200, body = Vec<MapVersion>), CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn versions(
    State(state): State<AppState>,
    user: Authed,
    ApiPath(key): ApiPath<String>,
) -> Result<Json<Vec<MapVersion>>, ApiError> {
    Ok(Json(state.store.map_versions(&user.actor, &key).await?))
}

/// One map version.
#[utoipa::path(get, path = "/api/v1/pipelines/{key}/versions/{number}", tag = "pipelines",
    params(("key" = String, Path, description = "Pipeline key"), ("number" = i64, Path, description = "Version number")),
    responses((status = 200, body = MapVersion), CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn version(
    State(state): State<AppState>,
    user: Authed,
    ApiPath((key, number)): ApiPath<(String, i64)>,
) -> Result<Json<MapVersion>, ApiError> {
    Ok(Json(
        state.store.map_version(&user.actor, &key, number).await?,
    ))
}

/// Saves a map as the pipeline's next version and publishes it (managers). Refused with the
/// checker's diagnostics when the map has errors, or when it drops stages open deals are in.
#[utoipa::path(post, path = "/api/v1/pipelines/{key}/versions", tag = "pipelines",
    request_body = VersionInput,
    params(("key" = String, Path, description = "Pipeline key")),
    responses((status = 201, body = MapVersion), CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn publish(
    State(state): State<AppState>,
    user: Authed,
    ApiPath(key): ApiPath<String>,
    ApiJson(input): ApiJson<VersionInput>,
) -> Result<(StatusCode, Json<MapVersion>), ApiError> {
    let version = state
        .store
        .publish_map_version(&user.actor, &key, &input.source, &input.message)
        .await?;
    Ok((StatusCode::CREATED, Json(version)))
}

/// The board: every open deal as a card in its stage's column, with counts and values.
#[utoipa::path(get, path = "/api/v1/pipelines/{key}/board", tag = "pipelines",
    params(("key" = String, Path, description = "Pipeline key")),
    responses((status = 200, body = Board), CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn board(
    State(state): State<AppState>,
    user: Authed,
    ApiPath(key): ApiPath<String>,
) -> Result<Json<Board>, ApiError> {
    Ok(Json(state.store.board(&user.actor, &key).await?))
}

/// A page of the pipeline's deals (by id), filtered by stage, owner, segment and open.
#[utoipa::path(get, path = "/api/v1/pipelines/{key}/deals", tag = "pipelines",
    params(("key" = String, Path, description = "Pipeline key"), DealQuery),
    responses((status = 200, body = DealPage), CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn deals(
    State(state): State<AppState>,
    user: Authed,
    ApiPath(key): ApiPath<String>,
    ApiQuery(query): ApiQuery<DealQuery>,
) -> Result<Json<DealPage>, ApiError> {
    let filter = DealFilter {
        stage: query.stage,
        owner_id: query.owner,
        segment: query.segment,
        open: query.open,
        cursor: query.cursor,
        limit: query.limit,
    };
    Ok(Json(
        state.store.list_deals(&user.actor, &key, &filter).await?,
    ))
}

/// Creates a deal at the map's start stage (or the stage given).
#[utoipa::path(post, path = "/api/v1/pipelines/{key}/deals", tag = "pipelines",
    request_body = DealInput,
    params(("key" = String, Path, description = "Pipeline key")),
    responses((status = 201, body = Deal), ConflictError, CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn create_deal(
    State(state): State<AppState>,
    user: Authed,
    ApiPath(key): ApiPath<String>,
    ApiJson(input): ApiJson<DealInput>,
) -> Result<(StatusCode, Json<Deal>), ApiError> {
    let deal = state
        .store
        .create_deal(
            &user.actor,
            &key,
            NewDeal {
                key: input.key,
                name: input.name,
                company: input.company,
                amount: input.amount,
                currency: input.currency,
                owner_id: input.owner_id,
                source: input.source,
                segment: input.segment,
                attributes: input.attributes,
                stage: input.stage,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(deal)))
}
