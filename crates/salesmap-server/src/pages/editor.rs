//! The map editor: the published map's TOML in a text area with line numbers, checked by the
//! same checker as `salesmap check` and publishing (`api::maps::check_source`). Each
//! diagnostic is listed with its line and column, and its line is marked beside the text; the
//! drawing of the map previews what the board and map will show. Before saving, the page says
//! which open deals sit in stages the new version removes, renames or turns into outcomes, and
//! where each stage's deals will go (a choice per stage, the suggestion preselected). Saving
//! publishes a new map version only when the map has no error (managers and admins).
//!
//! Without script the form's "Check" button shows all of that for the text sent; with
//! `editor.js` it follows as you type through `POST /api/v1/pipelines/{key}/check`.

use std::collections::BTreeMap;
use std::fmt::Write;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use salesmap_store::{RelocationCause, StoreError};
use serde::Deserialize;

use crate::api::maps::{MapCheck, check_source};
use crate::extract::ApiPath;
use crate::pages::context::{PageForm, Visit};
use crate::pages::locale::{Lang, Say};
use crate::pages::markup::{Segment, esc, selected};
use crate::pages::shell::{self, Body, OrPage, PageError, Section};
use crate::problem::ApiError;
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct EditorQuery {
    /// A map version to start from instead of the published one.
    #[serde(default)]
    from: Option<i64>,
}

/// What the page shows besides the text.
struct Shown<'a> {
    source: &'a str,
    message: &'a str,
    check: &'a MapCheck,
    relocate: &'a BTreeMap<String, String>,
    problem: Option<String>,
}

/// `GET /p/{key}/editor`.
pub async fn page(
    State(state): State<AppState>,
    visit: Visit,
    ApiPath(key): ApiPath<String>,
    Query(query): Query<EditorQuery>,
) -> Result<Response, PageError> {
    let l = visit.lang;
    let pipeline = state.store.pipeline(&visit.actor, &key).await.or_page(l)?;
    let number = query
        .from
        .or(pipeline.published_version)
        .ok_or_else(|| visit.fail(ApiError::NotFound(format!("a map version of `{key}`"))))?;
    let version = state
        .store
        .map_version(&visit.actor, &key, number)
        .await
        .or_page(l)?;
    let check = check_source(&state, &visit.actor, &key, &version.source, Some(l.tag()))
        .await
        .or_page(l)?;
    render(
        &visit,
        &key,
        pipeline.published_version,
        Shown {
            source: &version.source,
            message: "",
            check: &check,
            relocate: &BTreeMap::new(),
            problem: None,
        },
        StatusCode::OK,
    )
}

fn render(
    visit: &Visit,
    key: &str,
    published: Option<i64>,
    shown: Shown<'_>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let l = visit.lang;
    let html = write_page(visit, key, published, &shown);
    Ok((
        status,
        shell::render(
            &visit.frame(Some(key)),
            Body {
                title: l.t("Map editor", "맵 편집기").to_string(),
                section: Some(Section::Editor),
                scripts: &["editor.js"],
                main_class: "wide",
                html,
            },
        ),
    )
        .into_response())
}

fn write_page(visit: &Visit, key: &str, published: Option<i64>, shown: &Shown<'_>) -> String {
    let l = visit.lang;
    let check = shown.check;
    let manages = visit.user.role.manages();
    let mut h = String::new();
    let _ = write!(
        h,
        "<div class=\"board-head\"><h1>{}</h1><p class=\"meta\">{} v{}</p></div>",
        l.t("Map editor", "맵 편집기"),
        l.t("Published version", "게시된 버전"),
        published.unwrap_or(0)
    );
    if !manages {
        let _ = write!(
            h,
            "<p class=\"notice\" role=\"status\">{}</p>",
            l.t(
                "You can edit and check the map here; only managers and admins save it as a new version.",
                "여기서 맵을 고치고 검사할 수 있습니다. 새 버전 저장은 매니저와 관리자만 할 수 있습니다.",
            )
        );
    }
    if let Some(p) = &shown.problem {
        let _ = write!(h, "<p class=\"alert\" role=\"alert\">{}</p>", esc(p));
    }
    let lines = shown.source.split('\n').count().max(1);
    let marks: BTreeMap<usize, &str> =
        check.diagnostics.iter().fold(BTreeMap::new(), |mut m, d| {
            let e = m.entry(d.line).or_insert("has-warning");
            if d.severity == "error" {
                *e = "has-error";
            }
            m
        });
    let _ = write!(
        h,
        "<form method=\"post\" action=\"/p/{key}/editor\" id=\"editor-form\" data-pipeline=\"{rawkey}\" data-lang=\"{lang}\">\
         <input type=\"hidden\" name=\"csrf_token\" value=\"{csrf}\">\
         <div class=\"editor\"><div>\
         <p><label for=\"source\">{source_l}</label></p>\
         <div class=\"editor-text\"><ol class=\"gutter\" aria-hidden=\"true\">",
        key = Segment(key),
        rawkey = esc(key),
        lang = l.tag(),
        csrf = esc(&visit.csrf),
        source_l = l.t("The map (TOML)", "맵 (TOML)"),
    );
    for n in 1..=lines {
        match marks.get(&n) {
            Some(class) => {
                let _ = write!(h, "<li class=\"{class}\">{n}</li>");
            }
            None => {
                let _ = write!(h, "<li>{n}</li>");
            }
        }
    }
    let _ = write!(
        h,
        "</ol><textarea id=\"source\" name=\"source\" class=\"code\" spellcheck=\"false\" wrap=\"off\" autocapitalize=\"off\" autocomplete=\"off\" aria-describedby=\"check-summary\">{}</textarea></div>\
         <p><label for=\"message\">{}</label><input id=\"message\" name=\"message\" maxlength=\"2000\" value=\"{}\" aria-describedby=\"message-hint\"{}>\
         <span id=\"message-hint\" class=\"hint\">{}</span></p>\
         <div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"check\">{}</button>",
        esc(shown.source),
        l.t("What changed and why", "무엇을 왜 바꿨나"),
        esc(shown.message),
        if manages { " required" } else { "" },
        l.t(
            "Kept with the version, for whoever reads its history.",
            "버전과 함께 남아 나중에 변경 이력을 읽는 사람에게 보입니다.",
        ),
        l.t("Check", "검사"),
    );
    if manages {
        let blocked = check.errors > 0 || check.unchanged;
        let _ = write!(
            h,
            "<button type=\"submit\" name=\"action\" value=\"save\" class=\"primary\" id=\"save\"{}>{}</button>",
            if blocked { " disabled" } else { "" },
            l.t("Save as a new version", "새 버전으로 저장")
        );
    }
    let _ = write!(
        h,
        "</div></div><div><h2>{}</h2><p id=\"check-summary\" class=\"check-summary {}\" role=\"status\">{}</p>",
        l.t("Checker", "검사 결과"),
        if check.errors > 0 {
            "has-errors"
        } else {
            "clean"
        },
        esc(&summary(l, check))
    );
    h.push_str("<ul class=\"diagnostics\" id=\"diagnostics\">");
    for d in &check.diagnostics {
        let _ = write!(
            h,
            "<li class=\"{sev}\" data-line=\"{line}\" data-column=\"{col}\"><span class=\"where\">{line_l} {line}:{col}</span> \
             <span class=\"sev-{sev}\">{sev_l}</span> <code>{code}</code> {message}",
            sev = esc(&d.severity),
            line = d.line,
            col = d.column,
            line_l = l.t("line", "줄"),
            sev_l = match d.severity.as_str() {
                "error" => l.t("error", "오류"),
                "warning" => l.t("warning", "경고"),
                _ => l.t("note", "참고"),
            },
            code = esc(&d.code),
            message = esc(&d.message),
        );
        if let Some(help) = &d.help {
            let _ = write!(
                h,
                "<br><span class=\"hint\">{}: {}</span>",
                l.t("help", "도움말"),
                esc(help)
            );
        }
        h.push_str("</li>");
    }
    h.push_str("</ul>");
    write_relocations(&mut h, l, check, shown.relocate);
    let _ = write!(
        h,
        "<h2>{}</h2><div class=\"drawing preview\" id=\"preview\">{}</div></div></div></form>",
        l.t("Preview", "미리 보기"),
        check.drawing.as_deref().unwrap_or("")
    );
    h
}

fn summary(l: Lang, check: &MapCheck) -> String {
    let base = match l {
        Lang::En => match (check.errors, check.warnings) {
            (0, 0) => "No problems.".to_string(),
            (0, w) => format!("No errors, {w} warning(s): the map can be saved."),
            (e, w) => format!("{e} error(s), {w} warning(s): fix the errors to save."),
        },
        Lang::Ko => match (check.errors, check.warnings) {
            (0, 0) => "문제가 없습니다.".to_string(),
            (0, w) => format!("오류 없음, 경고 {w}개: 저장할 수 있습니다."),
            (e, w) => format!("오류 {e}개, 경고 {w}개: 저장하려면 오류를 고치세요."),
        },
    };
    if check.unchanged {
        format!(
            "{base} {}",
            l.t(
                "(The text is the published version's.)",
                "(게시된 버전과 같습니다.)"
            )
        )
    } else {
        base
    }
}

fn write_relocations(h: &mut String, l: Lang, check: &MapCheck, chosen: &BTreeMap<String, String>) {
    let _ = write!(h, "<div id=\"relocations\">");
    if !check.relocations.is_empty() {
        let _ = write!(
            h,
            "<h2>{}</h2><p class=\"warning-box\">{}</p><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            l.t("Open deals this version moves", "이 버전이 옮기는 진행 중 거래"),
            l.t(
                "These stages hold open deals and are not in the new map as stages deals can be in. Choose where each stage's deals go; they move when the version is saved, each move recorded and audited.",
                "아래 단계에 진행 중인 거래가 있지만 새 맵에는 거래가 머물 수 있는 단계로 없습니다. 각 단계의 거래가 갈 곳을 고르세요. 버전을 저장할 때 옮겨지고 각 이동은 기록·감사됩니다.",
            ),
            l.t("Stage now", "현재 단계"),
            l.t("Open deals", "진행 중 거래"),
            l.t("In the new map", "새 맵에서"),
            l.t("They go to", "옮길 단계"),
        );
        for r in &check.relocations {
            let cause = match r.cause {
                RelocationCause::Removed => l.t("removed", "삭제됨"),
                RelocationCause::Renamed => l.t("renamed", "이름 바뀜"),
                RelocationCause::NowOutcome => l.t("now an outcome", "결과 단계로 바뀜"),
            };
            let field = format!("relocate.{}", r.stage);
            let pick = chosen.get(&r.stage).unwrap_or(&r.suggested);
            let _ = write!(
                h,
                "<tr><td>{name} <code>{id}</code></td><td class=\"num\">{n}</td><td>{cause}</td><td><label class=\"visually-hidden\" for=\"{field_id}\">{label}</label><select id=\"{field_id}\" name=\"{field}\">",
                name = esc(&r.name),
                id = esc(&r.stage),
                n = l.int(r.deals),
                field_id = esc(&format!("relocate-{}", r.stage)),
                label = esc(&match l {
                    Lang::En => format!("Where the deals of {} go", r.name),
                    Lang::Ko => format!("{}의 거래가 갈 단계", r.name),
                }),
                field = esc(&field),
            );
            for t in &check.targets {
                let _ = write!(
                    h,
                    "<option value=\"{}\"{}>{}</option>",
                    esc(&t.id),
                    selected(&t.id == pick),
                    esc(&t.name)
                );
            }
            h.push_str("</select></td></tr>");
        }
        h.push_str("</tbody></table></div>");
    }
    h.push_str("</div>");
}

/// `POST /p/{key}/editor`: check the text (`action=check`) or save it as a new version.
pub async fn submit(
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    form: PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let PageForm { visit, form } = form;
    let l = visit.lang;
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let source = field("source").replace("\r\n", "\n");
    let message = field("message");
    let action = field("action");
    let relocate: BTreeMap<String, String> = form
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("relocate.")
                .map(|s| (s.to_string(), v.clone()))
        })
        .collect();
    let pipeline = state.store.pipeline(&visit.actor, &key).await.or_page(l)?;
    let check = check_source(&state, &visit.actor, &key, &source, Some(l.tag()))
        .await
        .or_page(l)?;
    let show = |problem: Option<String>, status: StatusCode| {
        render(
            &visit,
            &key,
            pipeline.published_version,
            Shown {
                source: &source,
                message: &message,
                check: &check,
                relocate: &relocate,
                problem,
            },
            status,
        )
    };
    if action != "save" {
        let status = if check.errors > 0 {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        };
        return show(None, status);
    }
    if !visit.user.role.manages() {
        return Err(visit.fail(ApiError::Forbidden(
            l.t(
                "publishing a map version needs the manager role or higher",
                "맵 버전 게시는 매니저 이상 역할이 필요합니다",
            )
            .into(),
        )));
    }
    if check.errors > 0 {
        return show(
            Some(
                l.t(
                    "The map has errors and was not saved: fix the lines marked below.",
                    "맵에 오류가 있어 저장하지 않았습니다. 아래 표시된 줄을 고치세요.",
                )
                .into(),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    if check.unchanged {
        return show(
            Some(
                l.t(
                    "Nothing changed: the text is the published version's.",
                    "바뀐 것이 없습니다. 게시된 버전과 같습니다.",
                )
                .into(),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    // Only destinations for stages this version strands count; the store checks them again.
    let destinations: BTreeMap<String, String> = relocate
        .iter()
        .filter(|(stage, _)| check.relocations.iter().any(|r| &r.stage == *stage))
        .map(|(s, t)| (s.clone(), t.clone()))
        .collect();
    if check
        .relocations
        .iter()
        .any(|r| !destinations.contains_key(&r.stage))
    {
        return show(
            Some(
                l.t(
                    "This version moves open deals: check where each stage's deals go below, then save again.",
                    "이 버전은 진행 중인 거래를 옮깁니다. 아래에서 각 단계의 거래가 갈 곳을 확인하고 다시 저장하세요.",
                )
                .into(),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    match state
        .store
        .publish_map_version_relocating(&visit.actor, &key, &source, &message, &destinations)
        .await
    {
        Ok(_) => Ok(shell::see_other(&format!(
            "/p/{}/board?done=published",
            Segment(&key)
        ))),
        Err(e @ (StoreError::Unavailable(_) | StoreError::Internal(_))) => {
            Err(visit.fail(e.into()))
        }
        Err(e) => {
            let e = ApiError::from(e);
            let status = e.status();
            let message = match &e {
                ApiError::Invalid { field, .. } if field == "message" => l
                    .t(
                        "Write what changed and why (the version keeps it).",
                        "무엇을 왜 바꿨는지 쓰세요 (버전에 남습니다).",
                    )
                    .to_string(),
                other => shell::explain(l, other).1,
            };
            show(Some(message), status)
        }
    }
}
