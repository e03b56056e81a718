//! A pipeline's history: the analysis (the same JSON as `salesmap analyze --format json` on an
//! export of the same data), the export (the normalized history CSV or XES that
//! `salesmap import` and process-mining tools read) and the import of any history
//! `salesmap import` reads.
//!
//! An upload is streamed to a spool file under the size limit (never held in memory), read
//! by `salesmap_import` with the pipeline's map (stage names and aliases mapped to stage ids),
//! and stored in one transaction: every valid deal with the problems reported, or (with
//! `strict=true` and any error) nothing.

use std::path::PathBuf;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use http_body_util::BodyExt;
use salesmap_core::analysis::{AnalyzeOptions, Period, analyze};
use salesmap_import::{DateFormat, ImportOptions, Source, format_timestamp};
use salesmap_store::ImportReport;
use serde::Deserialize;
use tokio::io::AsyncWriteExt;

use crate::auth::Authed;
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::{ApiError, CommonErrors};
use crate::state::AppState;

/// Options of the analysis (as `salesmap analyze` has them).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnalysisQuery {
    /// The analysis date (`2024-06-30` or RFC 3339); default: the latest event.
    pub as_of: Option<String>,
    /// Count a move to the next stage as converted only within this many days.
    pub window: Option<f64>,
    /// Break the key figures down by a deal or event attribute (`owner`, `source`).
    pub by: Option<String>,
    /// Compare a period with the one before it (`2024`, `2024-Q1`, `2024-H2`, `2024-03`).
    pub period: Option<String>,
}

/// The export's format.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `csv` (the normalized history, default) or `xes`.
    pub format: Option<String>,
}

/// How to read an upload.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The file's name (its extension and headers tell the format; problems name it).
    pub filename: Option<String>,
    /// `auto` (default), `csv`, `xes`, `salesforce`, `hubspot`, `pipedrive`, `snapshot`.
    pub format: Option<String>,
    /// `day-first`, `month-first` or a strftime pattern, for dates the reader cannot settle.
    pub date_format: Option<String>,
    /// IANA time zone of timestamps written without an offset (default UTC).
    pub timezone: Option<String>,
    /// Store nothing when any row has an error.
    pub strict: Option<bool>,
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/pipelines/{key}/analysis", get(analysis))
        .route("/pipelines/{key}/export", get(export))
        .route("/pipelines/{key}/imports", post(import))
}

fn parse_instant(field: &str, s: &str) -> Result<i64, ApiError> {
    let text = if s.len() == 10 {
        format!("{s}T00:00:00Z")
    } else {
        s.to_string()
    };
    text.parse::<jiff::Timestamp>()
        .map(|t| t.as_microsecond())
        .map_err(|_| {
            ApiError::invalid(
                field,
                "expected a date like 2024-03-31 or a time like 2024-03-31T12:00:00Z",
            )
        })
}

fn parse_period(s: &str) -> Result<Period, ApiError> {
    let range = salesmap_core::calendar::parse_period(s)
        .ok_or_else(|| ApiError::invalid("period", "expected 2024, 2024-Q1, 2024-H2 or 2024-03"))?;
    Ok(Period {
        label: s.to_string(),
        start: salesmap_core::calendar::start_of(range.start),
        end: salesmap_core::calendar::start_of(range.end),
    })
}

/// The pipeline's history measured against its published map: the JSON of
/// `salesmap analyze --format json`, with `map` naming the pipeline and map version and
/// `history` the pipeline.
#[utoipa::path(get, path = "/api/v1/pipelines/{key}/analysis", tag = "history",
    params(("key" = String, Path, description = "Pipeline key"), AnalysisQuery),
    responses((status = 200, body = Object, description = "The analysis (see docs/metrics.md)"), CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn analysis(
    State(state): State<AppState>,
    user: Authed,
    ApiPath(key): ApiPath<String>,
    ApiQuery(query): ApiQuery<AnalysisQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    if let Some(w) = query.window
        && !(w.is_finite() && w > 0.0)
    {
        return Err(ApiError::invalid(
            "window",
            "must be a positive number of days",
        ));
    }
    let as_of = query
        .as_of
        .as_deref()
        .map(|s| parse_instant("as_of", s))
        .transpose()?;
    let period = query.period.as_deref().map(parse_period).transpose()?;
    let (history, published) = state.store.live_history(&user.actor, &key).await?;
    let map_label = format!("{key} v{}", published.number);
    let value = tokio::task::spawn_blocking(move || {
        let as_of = as_of.unwrap_or_else(|| history.time.iter().copied().max().unwrap_or(0));
        let options = AnalyzeOptions {
            window_days: query.window,
            by: query.by,
            period,
            ..AnalyzeOptions::as_of(as_of)
        };
        let analysis = analyze(&published.map, &history, &options)
            .map_err(|e| ApiError::invalid("by", e.to_string()))?;
        let mut value = serde_json::to_value(&analysis)
            .map_err(|e| ApiError::Internal(format!("analysis JSON: {e}")))?;
        if let Some(obj) = value.as_object_mut() {
            obj.insert("map".into(), map_label.into());
            obj.insert("history".into(), format!("pipeline {key}").into());
            obj.insert("as_of".into(), format_timestamp(as_of).into());
        }
        Ok::<_, ApiError>(value)
    })
    .await
    .map_err(|e| ApiError::Internal(format!("analysis task: {e}")))??;
    Ok(Json(value))
}

/// The pipeline's history as a file: the normalized history CSV (`format=csv`) or XES.
#[utoipa::path(get, path = "/api/v1/pipelines/{key}/export", tag = "history",
    params(("key" = String, Path, description = "Pipeline key"), ExportQuery),
    responses(
        (status = 200, content_type = "text/csv", body = String, description = "The history"),
        CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn export(
    State(state): State<AppState>,
    user: Authed,
    ApiPath(key): ApiPath<String>,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let xes = match query.format.as_deref().unwrap_or("csv") {
        "csv" => false,
        "xes" => true,
        other => {
            return Err(ApiError::invalid(
                "format",
                format!("`{other}` is not an export format: use csv or xes"),
            ));
        }
    };
    let (history, _) = state.store.live_history(&user.actor, &key).await?;
    let bytes = tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        if xes {
            salesmap_import::write_xes(&history, &mut out)
        } else {
            salesmap_import::write_csv(&history, &mut out)
        }
        .map(|_| out)
    })
    .await
    .map_err(|e| ApiError::Internal(format!("export task: {e}")))?
    .map_err(|e| ApiError::Internal(format!("export: {e}")))?;
    let (content_type, extension) = if xes {
        ("application/xml", "xes")
    } else {
        ("text/csv; charset=utf-8", "csv")
    };
    let mut response = Body::from(bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!(
            "attachment; filename=\"{key}-history.{extension}\""
        ))
        .map_err(|e| ApiError::Internal(e.to_string()))?,
    );
    Ok(response)
}

/// A spooled upload, removed when dropped.
struct Spool {
    dir: PathBuf,
    file: PathBuf,
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The file name of an upload, reduced to characters safe in a path.
fn safe_file_name(name: Option<&str>) -> String {
    let name = name.unwrap_or("upload.csv");
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(100)
        .collect();
    let clean = clean.trim_start_matches('.').to_string();
    if clean.is_empty() {
        "upload.csv".into()
    } else {
        clean
    }
}

/// Imports a history file into the pipeline (managers). The body is the file itself (any
/// export `salesmap import` reads: Salesforce, HubSpot, Pipedrive, CSV, XES, gzip or not).
#[utoipa::path(post, path = "/api/v1/pipelines/{key}/imports", tag = "history",
    params(("key" = String, Path, description = "Pipeline key"), ImportQuery),
    request_body(content = String, content_type = "application/octet-stream", description = "The file"),
    responses(
        (status = 201, body = ImportReport, description = "Stored: the counts and the problems"),
        (status = 200, body = ImportReport, description = "Nothing stored (strict mode met an error, or no valid deal); the problems say why"),
        CommonErrors),
    security(("session" = []), ("token" = [])))]
pub async fn import(
    State(state): State<AppState>,
    user: Authed,
    ApiPath(key): ApiPath<String>,
    ApiQuery(query): ApiQuery<ImportQuery>,
    request: Request,
) -> Result<Response, ApiError> {
    user.actor
        .require(salesmap_store::Role::Manager, "importing a history")
        .map_err(ApiError::from)?;
    let pipeline = state.store.pipeline(&user.actor, &key).await?;
    let published = state.store.published_map(&pipeline).await?;
    let source = match query.format.as_deref() {
        None => Source::Auto,
        Some(name) => Source::from_name(name).ok_or_else(|| {
            ApiError::invalid(
                "format",
                format!("`{name}` is not a format: use auto, csv, xes, salesforce, hubspot, pipedrive or snapshot"),
            )
        })?,
    };
    let date_format = query
        .date_format
        .as_deref()
        .map(DateFormat::parse)
        .transpose()
        .map_err(|e| ApiError::invalid("date_format", e))?;
    let limit = state.config.upload_limit;
    if let Some(length) = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        && length > limit
    {
        return Err(ApiError::PayloadTooLarge(limit));
    }
    let name = safe_file_name(query.filename.as_deref());
    static UPLOADS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let dir = state.config.spool_dir.join(format!(
        "salesmap-upload-{}-{}-{}",
        std::process::id(),
        salesmap_store::now(),
        UPLOADS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| ApiError::Internal(format!("spool folder {}: {e}", dir.display())))?;
    let spool = Spool {
        file: dir.join(&name),
        dir,
    };
    let mut file = tokio::fs::File::create(&spool.file)
        .await
        .map_err(|e| ApiError::Internal(format!("spool file: {e}")))?;
    let mut body = request.into_body();
    let mut written: u64 = 0;
    while let Some(frame) = body.frame().await {
        let frame =
            frame.map_err(|e| ApiError::BadRequest(format!("the upload broke off: {e}")))?;
        let Ok(chunk) = frame.into_data() else {
            continue; // trailers
        };
        written += chunk.len() as u64;
        if written > limit {
            return Err(ApiError::PayloadTooLarge(limit));
        }
        file.write_all(&chunk)
            .await
            .map_err(|e| ApiError::Unavailable(format!("cannot spool the upload: {e}")))?;
    }
    file.flush()
        .await
        .map_err(|e| ApiError::Unavailable(format!("cannot spool the upload: {e}")))?;
    drop(file);
    if written == 0 {
        return Err(ApiError::invalid(
            "body",
            "the upload is empty: send the file as the body",
        ));
    }
    let options = ImportOptions {
        source,
        map: Some((*published.map).clone()),
        date_format,
        timezone: query.timezone.clone(),
        ..ImportOptions::default()
    };
    let path = spool.file.clone();
    let imported =
        tokio::task::spawn_blocking(move || salesmap_import::import_files(&[path], &options))
            .await
            .map_err(|e| ApiError::Internal(format!("import task: {e}")))?;
    let shown = spool.file.display().to_string();
    let imported =
        imported.map_err(|e| ApiError::invalid("body", e.to_string().replace(&shown, &name)))?;
    let problems: Vec<salesmap_import::Problem> = imported
        .problems
        .iter()
        .cloned()
        .map(|mut p| {
            p.file = p.file.replace(&shown, &name);
            p
        })
        .collect();
    let mut report = state
        .store
        .import_history(
            &user.actor,
            &key,
            &name,
            &imported.history,
            &problems,
            query.strict.unwrap_or(false),
        )
        .await?;
    for p in &mut report.problems {
        p.file = p.file.replace(&shown, &name);
    }
    let status = if report.committed {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(report)).into_response())
}
