//! The import page (managers and admins): upload a CRM export or history file (Salesforce,
//! HubSpot, Pipedrive, CSV with a mapping, XES, gzip or not) with how to read it, then read the
//! summary (deals, stage entries and touches stored, or why nothing was) and every problem with
//! its file, line, column and how to fix it.
//!
//! The form is a plain `multipart/form-data` post. Its CSRF token comes first and is checked
//! before anything else is read; the reading options come before the file, which streams to a
//! spool file under the upload limit through the API's own `Upload`, so both read a file the
//! same way.

use std::fmt::Write;

use axum::extract::multipart::Multipart;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use salesmap_store::{ImportReport, Role};

use crate::api::history::{ImportQuery, Upload};
use crate::extract::ApiPath;
use crate::pages::context::{Visit, check_csrf};
use crate::pages::locale::{Lang, Say};
use crate::pages::markup::{Segment, checked, esc, selected};
use crate::pages::shell::{self, Body, OrPage, PageError, Section};
use crate::problem::ApiError;
use crate::state::AppState;

/// `GET /p/{key}/import`.
pub async fn page(visit: Visit, ApiPath(key): ApiPath<String>) -> Result<Response, PageError> {
    require_manager(&visit)?;
    Ok(render(
        &visit,
        &key,
        &ImportQuery::default(),
        None,
        None,
        StatusCode::OK,
    ))
}

fn require_manager(visit: &Visit) -> Result<(), PageError> {
    if visit.user.role >= Role::Manager {
        Ok(())
    } else {
        Err(visit.fail(ApiError::Forbidden(
            visit
                .lang
                .t(
                    "importing a history needs the manager role or higher",
                    "이력 가져오기는 매니저 이상 역할이 필요합니다",
                )
                .into(),
        )))
    }
}

fn render(
    visit: &Visit,
    key: &str,
    chosen: &ImportQuery,
    report: Option<&ImportReport>,
    problem: Option<&str>,
    status: StatusCode,
) -> Response {
    let l = visit.lang;
    let mut h = String::new();
    let _ = write!(h, "<h1>{}</h1>", l.t("Import a history", "이력 가져오기"));
    if let Some(p) = problem {
        let _ = write!(h, "<p class=\"alert\" role=\"alert\">{}</p>", esc(p));
    }
    if let Some(r) = report {
        write_report(&mut h, l, key, r);
    }
    let _ = write!(
        h,
        "<p>{intro}</p><form method=\"post\" action=\"/p/{key}/import\" enctype=\"multipart/form-data\" class=\"stack narrow-form\">\
         <input type=\"hidden\" name=\"csrf_token\" value=\"{csrf}\">\
         <p><label for=\"i-format\">{format_l}</label><select id=\"i-format\" name=\"format\">{formats}</select></p>\
         <p><label for=\"i-dates\">{dates_l}</label><select id=\"i-dates\" name=\"date_format\" aria-describedby=\"i-dates-hint\">{dates}</select>\
         <span id=\"i-dates-hint\" class=\"hint\">{dates_hint}</span></p>\
         <p><label for=\"i-tz\">{tz_l}</label><input id=\"i-tz\" name=\"timezone\" placeholder=\"Asia/Seoul\" value=\"{tz}\" aria-describedby=\"i-tz-hint\"><span id=\"i-tz-hint\" class=\"hint\">{tz_hint}</span></p>\
         <p class=\"check\"><input id=\"i-strict\" name=\"strict\" type=\"checkbox\" value=\"true\"{strict_on}><label for=\"i-strict\">{strict}</label></p>\
         <p><label for=\"i-file\">{file_l}</label><input id=\"i-file\" name=\"file\" type=\"file\" required accept=\".csv,.xes,.gz,.txt,.tsv\"></p>\
         <p><button type=\"submit\" class=\"primary\">{submit}</button></p></form>",
        intro = l.t(
            "Deals of the file are added to the pipeline with their stage entries and touches; CRM stage names are read through the map's names and aliases. Deals already in the pipeline are left out, and every row that cannot be read is listed with where it is and how to fix it.",
            "파일의 거래를 단계 진입과 활동과 함께 파이프라인에 추가합니다. CRM 단계 이름은 맵의 이름과 별칭으로 읽습니다. 이미 있는 거래는 빼고, 읽을 수 없는 행은 위치와 고치는 방법과 함께 보여 줍니다.",
        ),
        key = Segment(key),
        csrf = esc(&visit.csrf),
        format_l = l.t("Format", "형식"),
        formats = options(
            chosen.format.as_deref(),
            &[
                ("", l.t("Recognize from the file", "파일에서 알아내기")),
                ("salesforce", "Salesforce (OpportunityHistory, FieldHistory)"),
                ("hubspot", "HubSpot (Date entered …)"),
                ("pipedrive", "Pipedrive"),
                ("csv", l.t("CSV of stage entries (deal, stage, time)", "단계 진입 CSV (거래, 단계, 시각)")),
                ("snapshot", l.t("Snapshots (one row per deal and day)", "스냅숏 (거래·날짜별 한 행)")),
                ("xes", "XES"),
            ],
        ),
        dates_l = l.t("Dates like 03/04/2026", "03/04/2026 같은 날짜"),
        dates = options(
            chosen.date_format.as_deref(),
            &[
                ("", l.t("Settle from the file (or report)", "파일에서 판단 (안 되면 보고)")),
                ("day-first", l.t("Day first (3 April)", "일이 먼저 (4월 3일)")),
                ("month-first", l.t("Month first (March 4)", "월이 먼저 (3월 4일)")),
            ],
        ),
        tz = esc(chosen.timezone.as_deref().unwrap_or("")),
        strict_on = checked(chosen.strict == Some(true)),
        dates_hint = l.t(
            "Day and month order is never guessed: rows it cannot settle are reported.",
            "일과 월의 순서는 추측하지 않습니다. 판단할 수 없는 행은 보고합니다.",
        ),
        tz_l = l.t("Time zone of times without one", "시간대가 없는 시각의 시간대"),
        tz_hint = l.t("An IANA name; empty is UTC.", "IANA 이름. 비우면 UTC."),
        strict = l.t(
            "Store nothing if any row has an error",
            "오류가 있는 행이 하나라도 있으면 아무것도 저장하지 않기",
        ),
        file_l = l.t("File", "파일"),
        submit = l.t("Import", "가져오기"),
    );
    (
        status,
        shell::render(
            &visit.frame(Some(key)),
            Body {
                title: l.t("Import", "가져오기").to_string(),
                section: Some(Section::Import),
                html: h,
                ..Body::default()
            },
        ),
    )
        .into_response()
}

/// `<option>`s of `(value, label)`, the one equal to `chosen` selected.
fn options(chosen: Option<&str>, all: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (value, label) in all {
        let _ = write!(
            out,
            "<option value=\"{}\"{}>{}</option>",
            esc(value),
            selected(chosen.unwrap_or("") == *value),
            esc(label)
        );
    }
    out
}

fn write_report(h: &mut String, l: Lang, key: &str, r: &ImportReport) {
    let errors = r.problems.iter().filter(|p| p.level == "error").count();
    let warnings = r.problems.len() - errors;
    if r.committed {
        let _ = write!(
            h,
            "<div class=\"notice\" role=\"status\"><p>{}</p><p><a href=\"/p/{}/board\">{}</a></p></div>",
            esc(&match l {
                Lang::En => format!(
                    "Imported {} deals, {} stage entries and {} touches; {} row(s) skipped, {} remark(s).",
                    l.int(r.deals),
                    l.int(r.stage_entries),
                    l.int(r.touches),
                    l.int(errors as u64),
                    l.int(warnings as u64)
                ),
                Lang::Ko => format!(
                    "거래 {}건, 단계 진입 {}건, 활동 {}건을 가져왔습니다. 건너뛴 행 {}개, 참고 {}개.",
                    l.int(r.deals),
                    l.int(r.stage_entries),
                    l.int(r.touches),
                    l.int(errors as u64),
                    l.int(warnings as u64)
                ),
            }),
            Segment(key),
            l.t("Open the board", "보드 열기")
        );
    } else {
        let _ = write!(
            h,
            "<p class=\"alert\" role=\"alert\">{}</p>",
            esc(&match l {
                Lang::En => format!(
                    "Nothing was stored: {} error(s) (with “store nothing if any row has an error”), or no deal could be read. The problems below say what to fix.",
                    l.int(errors as u64)
                ),
                Lang::Ko => format!(
                    "아무것도 저장하지 않았습니다. 오류 {}개(“오류가 있으면 저장하지 않기” 선택), 또는 읽을 수 있는 거래가 없습니다. 아래 문제를 고치세요.",
                    l.int(errors as u64)
                ),
            })
        );
    }
    if r.problems.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<h2>{}</h2><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        l.t("Problems", "문제"),
        l.t("Kind", "종류"),
        l.t("File", "파일"),
        l.t("Line", "줄"),
        l.t("Column", "열"),
        l.t("What", "내용"),
        l.t("How to fix", "고치는 방법"),
    );
    for p in r.problems.iter().take(1000) {
        let _ = write!(
            h,
            "<tr{}><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            if p.level == "error" {
                " class=\"missed\""
            } else {
                ""
            },
            if p.level == "error" {
                l.t("skipped", "건너뜀")
            } else {
                l.t("remark", "참고")
            },
            esc(&p.file),
            p.line.map_or(String::new(), |n| l.int(n)),
            esc(p.column.as_deref().unwrap_or("")),
            esc(&p.message),
            esc(p.help.as_deref().unwrap_or("")),
        );
    }
    h.push_str("</tbody></table></div>");
    if r.problems.len() > 1000 {
        let _ = write!(
            h,
            "<p class=\"meta\">{}</p>",
            esc(&match l {
                Lang::En => format!(
                    "The first 1,000 of {} problems; `salesmap import` on the command line lists them all.",
                    l.int(r.problems.len() as u64)
                ),
                Lang::Ko => format!(
                    "문제 {}개 중 처음 1,000개입니다. 명령줄의 `salesmap import`가 모두 보여 줍니다.",
                    l.int(r.problems.len() as u64)
                ),
            })
        );
    }
}

/// `POST /p/{key}/import`: the form's fields in order (token, options, file).
pub async fn upload(
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    req: Request,
) -> Result<Response, PageError> {
    let (mut parts, body) = req.into_parts();
    let visit = match Visit::from_request_parts(&mut parts, &state).await {
        Ok(v) => v,
        // Not signed in (or a one-time password): where the visitor must go first.
        Err(response) => return Ok(response),
    };
    let l = visit.lang;
    crate::auth::refuse_cross_site(&parts.headers).or_page(l)?;
    require_manager(&visit)?;
    let limit = state.config.upload_limit;
    if let Some(length) = parts
        .headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        && length > limit + 64 * 1024
    {
        return Err(visit.fail(ApiError::PayloadTooLarge(limit)));
    }
    let req = Request::from_parts(parts, body);
    let mut multipart = Multipart::from_request(req, &state)
        .await
        .map_err(|e| visit.fail(ApiError::BadRequest(format!("form: {e}"))))?;
    let mut query = ImportQuery::default();
    let mut csrf_checked = false;
    let mut report = None;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| visit.fail(ApiError::BadRequest(format!("form: {e}"))))?
    {
        let name = field.name().unwrap_or("").to_string();
        if !csrf_checked {
            // The token comes first: nothing else is read before it is checked.
            let sent = if name == "csrf_token" {
                small_field(&visit, &mut field).await?
            } else {
                String::new()
            };
            check_csrf(&visit, &sent)?;
            csrf_checked = true;
            continue;
        }
        let small = |field_name: &str| field_name != "file";
        if small(&name) {
            let value = small_field(&visit, &mut field).await?;
            let value = Some(value.trim().to_string()).filter(|v| !v.is_empty());
            match name.as_str() {
                "format" => query.format = value,
                "date_format" => query.date_format = value,
                "timezone" => query.timezone = value,
                "strict" => query.strict = Some(value.is_some()),
                _ => {}
            }
            continue;
        }
        query.filename = field.file_name().map(str::to_string);
        let mut upload = match Upload::start(&state, &visit.actor, &key, &query).await {
            Ok(u) => u,
            Err(e) => return refused(&visit, &key, &query, e),
        };
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if let Err(e) = upload.write(&chunk).await {
                        return refused(&visit, &key, &query, e);
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    return Err(
                        visit.fail(ApiError::BadRequest(format!("the upload broke off: {e}")))
                    );
                }
            }
        }
        report = Some(match upload.import(&state, &visit.actor).await {
            Ok(r) => r,
            Err(e) => return refused(&visit, &key, &query, e),
        });
        break;
    }
    if !csrf_checked {
        check_csrf(&visit, "")?;
    }
    match report {
        Some(r) => {
            let status = if r.committed {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Ok(render(&visit, &key, &query, Some(&r), None, status))
        }
        None => Ok(render(
            &visit,
            &key,
            &query,
            None,
            Some(l.t("Choose a file to import.", "가져올 파일을 고르세요.")),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
    }
}

/// The most a form field other than the file may hold.
const SMALL_FIELD: usize = 4096;

/// A form field other than the file, read up to [`SMALL_FIELD`] bytes (refused beyond).
async fn small_field(
    visit: &Visit,
    field: &mut axum::extract::multipart::Field<'_>,
) -> Result<String, PageError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| visit.fail(ApiError::BadRequest(format!("form: {e}"))))?
    {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > SMALL_FIELD {
            return Err(visit.fail(ApiError::invalid(
                field.name().unwrap_or("field"),
                format!("a form field may hold at most {SMALL_FIELD} bytes"),
            )));
        }
    }
    String::from_utf8(bytes).map_err(|_| {
        visit.fail(ApiError::BadRequest(
            "form: a field is not UTF-8 text".into(),
        ))
    })
}

/// The form again with why the file was refused (a bad option, too large, unreadable).
fn refused(
    visit: &Visit,
    key: &str,
    query: &ImportQuery,
    e: ApiError,
) -> Result<Response, PageError> {
    if matches!(e, ApiError::Internal(_) | ApiError::Unavailable(_)) {
        return Err(visit.fail(e));
    }
    let status = e.status();
    let mut message = shell::explain(visit.lang, &e).1;
    // The reader's help names the command line's option; on this page it is a field.
    if message.contains("--date-format") {
        message.push_str(visit.lang.t(
            " On this page: choose “Day first” or “Month first” under “Dates like 03/04/2026” and import again.",
            " 이 페이지에서는 “03/04/2026 같은 날짜”에서 “일이 먼저” 또는 “월이 먼저”를 고르고 다시 가져오세요.",
        ));
    }
    Ok(render(visit, key, query, None, Some(&message), status))
}
