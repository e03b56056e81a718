//! The API tokens page: everyone's own tokens for scripts and integrations (admins see
//! everyone's), when each was made and last used, revoking them, and making a new one, whose
//! secret is shown once on the page that answers the form (it is stored hashed).

use std::fmt::Write;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::extract::ApiPath;
use crate::pages::context::{PageForm, Visit};
use crate::pages::locale::{Lang, Say, time_html};
use crate::pages::markup::esc;
use crate::pages::shell::{self, Body, OrPage, PageError, Section};
use crate::problem::ApiError;
use crate::state::AppState;

/// `GET /tokens`.
pub async fn page(State(state): State<AppState>, visit: Visit) -> Result<Response, PageError> {
    render(&state, &visit, None, None, StatusCode::OK).await
}

async fn render(
    state: &AppState,
    visit: &Visit,
    secret: Option<&str>,
    problem: Option<&str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let l = visit.lang;
    let tokens = state.store.list_api_tokens(&visit.actor).await.or_page(l)?;
    let users = state.store.list_users(&visit.actor).await.or_page(l)?;
    let mut h = String::new();
    let _ = write!(
        h,
        "<h1>{}</h1><p>{}</p>",
        l.t("API tokens", "API 토큰"),
        l.t(
            "A token lets a script use the API as you: send it as `Authorization: Bearer <token>`. The API is described at /api/v1/openapi.json.",
            "토큰으로 스크립트가 나처럼 API를 씁니다. `Authorization: Bearer <토큰>`으로 보내세요. API 설명은 /api/v1/openapi.json에 있습니다.",
        )
    );
    if let Some(s) = secret {
        let _ = write!(
            h,
            "<div class=\"notice\" role=\"status\"><p>{}</p><p><code>{}</code></p></div>",
            l.t(
                "The new token (shown this once; keep it somewhere safe):",
                "새 토큰입니다(이번 한 번만 보입니다. 안전한 곳에 보관하세요):",
            ),
            esc(s)
        );
    }
    if let Some(p) = problem {
        let _ = write!(h, "<p class=\"alert\" role=\"alert\">{}</p>", esc(p));
    }
    if tokens.is_empty() {
        let _ = write!(
            h,
            "<p class=\"meta\">{}</p>",
            l.t("No token yet.", "아직 토큰이 없습니다.")
        );
    } else {
        let _ = write!(
            h,
            "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            l.t("Name", "이름"),
            l.t("Owner", "소유자"),
            l.t("Created", "만든 때"),
            l.t("Last used", "마지막 사용"),
            l.t("Status", "상태"),
        );
        for t in &tokens {
            let owner = users
                .iter()
                .find(|u| u.id == t.user_id)
                .map_or(t.user_id.to_string(), |u| u.display_name.clone());
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>",
                esc(&t.name),
                esc(&owner),
                time_html(l, t.created_at),
                t.last_used_at
                    .map_or(l.t("never", "없음").to_string(), |at| time_html(l, at)),
            );
            match t.revoked_at {
                Some(at) => {
                    let _ = write!(h, "{} {}", l.t("revoked", "폐기됨"), time_html(l, at));
                }
                None => {
                    let _ = write!(
                        h,
                        "<form method=\"post\" action=\"/tokens/{}/revoke\" class=\"inline-form\"><input type=\"hidden\" name=\"csrf_token\" value=\"{}\">\
                         <button type=\"submit\" class=\"small danger\" aria-label=\"{}\">{}</button></form>",
                        t.id,
                        esc(&visit.csrf),
                        esc(&match l {
                            Lang::En => format!("Revoke {}", t.name),
                            Lang::Ko => format!("{} 폐기", t.name),
                        }),
                        l.t("Revoke", "폐기"),
                    );
                }
            }
            h.push_str("</td></tr>");
        }
        h.push_str("</tbody></table></div>");
    }
    let _ = write!(
        h,
        "<h2>{}</h2><form method=\"post\" action=\"/tokens\" class=\"row-form\"><input type=\"hidden\" name=\"csrf_token\" value=\"{}\">\
         <p><label for=\"token-name\">{}</label><input id=\"token-name\" name=\"name\" required maxlength=\"100\" placeholder=\"ci\"></p>\
         <p><button type=\"submit\" class=\"primary\">{}</button></p></form>",
        l.t("Make a token", "토큰 만들기"),
        esc(&visit.csrf),
        l.t("What it is for", "용도"),
        l.t("Make the token", "토큰 만들기"),
    );
    Ok((
        status,
        shell::render(
            &visit.frame(visit.pipelines.first().map(|p| p.key.as_str())),
            Body {
                title: l.t("API tokens", "API 토큰").to_string(),
                section: Some(Section::Tokens),
                html: h,
                ..Body::default()
            },
        ),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct NewToken {
    #[serde(default)]
    name: String,
}

/// `POST /tokens`.
pub async fn create(
    State(state): State<AppState>,
    form: PageForm<NewToken>,
) -> Result<Response, PageError> {
    let PageForm { visit, form } = form;
    match state.store.create_api_token(&visit.actor, &form.name).await {
        Ok((_, secret)) => render(&state, &visit, Some(&secret), None, StatusCode::CREATED).await,
        Err(e) => {
            let e = ApiError::from(e);
            if e.status().is_server_error() {
                return Err(visit.fail(e));
            }
            let message = shell::explain(visit.lang, &e).1;
            render(&state, &visit, None, Some(&message), e.status()).await
        }
    }
}

#[derive(Deserialize)]
pub struct Empty {}

/// `POST /tokens/{id}/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    form: PageForm<Empty>,
) -> Result<Response, PageError> {
    let visit = form.visit;
    state
        .store
        .revoke_api_token(&visit.actor, id)
        .await
        .or_page(visit.lang)?;
    Ok(shell::see_other("/tokens"))
}
