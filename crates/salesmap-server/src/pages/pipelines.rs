//! The start page and the pipelines page. `/` opens the board of the only pipeline (the usual
//! case) and otherwise lists the pipelines; `/pipelines` lists them with their map version,
//! and lets an admin start a new pipeline from a bundled template (English or Korean), which
//! the map editor can then change.

use std::fmt::Write;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::pages::context::{PageForm, Visit};
use crate::pages::locale::{Say, time_html};
use crate::pages::markup::{QueryValue, Segment, esc};
use crate::pages::shell::{self, Body, OrPage, PageError, Section, notice};
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: String,
}

/// `GET /`.
pub async fn home(visit: Visit, Query(done): Query<Done>) -> Response {
    if let [only] = visit.pipelines.as_slice() {
        let mut to = format!("/p/{}/board", Segment(&only.key));
        if !done.done.is_empty() {
            let _ = write!(to, "?done={}", QueryValue(&done.done));
        }
        return shell::see_other(&to);
    }
    list(&visit, &done.done, None).into_response()
}

/// `GET /pipelines`.
pub async fn pipelines(visit: Visit, Query(done): Query<Done>) -> Response {
    list(&visit, &done.done, None).into_response()
}

fn list(visit: &Visit, done: &str, problem: Option<&str>) -> axum::response::Html<String> {
    let l = visit.lang;
    let mut html = String::new();
    let _ = write!(html, "<h1>{}</h1>", l.t("Pipelines", "파이프라인"));
    if let Some(n) = notice(l, done) {
        let _ = write!(html, "<p class=\"notice\" role=\"status\">{n}</p>");
    }
    if visit.pipelines.is_empty() {
        let _ = write!(
            html,
            "<p>{}</p>",
            l.t(
                "There is no pipeline yet. An admin starts one below.",
                "아직 파이프라인이 없습니다. 관리자가 아래에서 만들 수 있습니다.",
            )
        );
    } else {
        let _ = write!(
            html,
            "<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            l.t("Pipeline", "파이프라인"),
            l.t("Key", "키"),
            l.t("Map version", "맵 버전"),
            l.t("Created", "만든 때"),
        );
        for p in &visit.pipelines {
            let _ = write!(
                html,
                "<tr><td><a href=\"/p/{key}/board\">{name}</a> · <a href=\"/p/{key}/map\">{map}</a> · <a href=\"/p/{key}/dashboard\">{dash}</a></td><td><code>{rawkey}</code></td><td>{version}</td><td>{created}</td></tr>",
                key = Segment(&p.key),
                name = esc(&p.name),
                map = l.t("map", "맵"),
                dash = l.t("dashboard", "대시보드"),
                rawkey = esc(&p.key),
                version = p
                    .published_version
                    .map_or("–".to_string(), |v| format!("v{v}")),
                created = time_html(l, p.created_at),
            );
        }
        html.push_str("</tbody></table>");
    }
    if visit.user.role >= salesmap_store::Role::Admin {
        let _ = write!(
            html,
            "<h2>{title}</h2>",
            title = l.t("Start a pipeline", "파이프라인 만들기")
        );
        if let Some(p) = problem {
            let _ = write!(html, "<p class=\"alert\" role=\"alert\">{}</p>", esc(p));
        }
        let _ = write!(
            html,
            "<form method=\"post\" action=\"/pipelines\" class=\"stack narrow-form\">\
             <input type=\"hidden\" name=\"csrf_token\" value=\"{csrf}\">\
             <p><label for=\"p-name\">{name}</label><input id=\"p-name\" name=\"name\" required maxlength=\"200\"></p>\
             <p><label for=\"p-key\">{key}</label><input id=\"p-key\" name=\"key\" required pattern=\"[a-z0-9-]{{1,40}}\" maxlength=\"40\" aria-describedby=\"p-key-hint\">\
             <span id=\"p-key-hint\" class=\"hint\">{key_hint}</span></p>\
             <p><label for=\"p-template\">{template}</label><select id=\"p-template\" name=\"template\">\
             <option value=\"en\">{en}</option><option value=\"ko\">{ko}</option></select></p>\
             <p><button type=\"submit\" class=\"primary\">{submit}</button></p></form>",
            csrf = esc(&visit.csrf),
            name = l.t("Name", "이름"),
            key = l.t("Key (in addresses)", "키 (주소에 쓰임)"),
            key_hint = l.t(
                "1 to 40 characters: a-z, digits and -.",
                "1~40자: 영문 소문자, 숫자, -.",
            ),
            template = l.t("Start from", "시작 맵"),
            en = l.t(
                "The 14-stage B2B template (English)",
                "14단계 B2B 템플릿 (영어)"
            ),
            ko = l.t(
                "The 14-stage B2B template (Korean)",
                "14단계 B2B 템플릿 (한국어)"
            ),
            submit = l.t("Start the pipeline", "파이프라인 만들기"),
        );
    }
    shell::render(
        &visit.frame(None),
        Body {
            title: l.t("Pipelines", "파이프라인").to_string(),
            section: Some(Section::Pipelines),
            html,
            ..Body::default()
        },
    )
}

#[derive(Deserialize)]
pub struct NewPipeline {
    #[serde(default)]
    name: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    template: String,
}

/// `POST /pipelines` (admins).
pub async fn create(
    State(state): State<AppState>,
    form: PageForm<NewPipeline>,
) -> Result<Response, PageError> {
    let PageForm { visit, form } = form;
    let l = visit.lang;
    let lang = if form.template == "ko" { "ko" } else { "en" };
    let source = salesmap_mapfile::templates::b2b(lang);
    match state
        .store
        .create_pipeline(&visit.actor, &form.key, &form.name, source, "first version")
        .await
    {
        Ok(p) => Ok(shell::see_other(&format!("/p/{}/map", Segment(&p.key)))),
        Err(salesmap_store::StoreError::Forbidden(why)) => {
            Err(visit.fail(crate::problem::ApiError::Forbidden(why)))
        }
        Err(e) => {
            let e = crate::problem::ApiError::from(e);
            let status = e.status();
            if status.is_server_error() {
                return Err(e).or_page(l);
            }
            let message = shell::explain(l, &e).1;
            Ok((status, list(&visit, "", Some(&message))).into_response())
        }
    }
}
