//! Server-rendered pages: the place for the web app's HTML and static assets. Today it holds
//! what the session machinery needs from a browser: a sign-in form (a plain form post, no
//! script), a home page that says who is signed in and lists the pipelines, and a sign-out
//! form carrying the session's CSRF token in a hidden field ([`CsrfForm`]). Every user string
//! is escaped; the pages load nothing from elsewhere and run no script.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use salesmap_core::text::escape_markup;
use serde::Deserialize;

use crate::auth::{
    Credential, CsrfForm, SignedIn, authenticate, client_address, csrf_token, refuse_cross_site,
    secure, session_clear_cookie, session_set_cookie,
};
use crate::problem::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-out", post(sign_out))
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · salesmap</title></head><body>\n<main>\n{body}\n</main>\n</body></html>\n",
        escape_markup(title)
    ))
}

fn see_other(to: &'static str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    r.headers_mut()
        .insert(header::LOCATION, HeaderValue::from_static(to));
    r
}

fn sign_in_form(message: Option<&str>) -> Html<String> {
    let note = message
        .map(|m| format!("<p role=\"alert\">{}</p>\n", escape_markup(m)))
        .unwrap_or_default();
    page(
        "Sign in",
        &format!(
            "<h1>Sign in to salesmap</h1>\n{note}<form method=\"post\" action=\"/sign-in\">\n\
             <p><label>Login <input name=\"login\" autocomplete=\"username\" required></label></p>\n\
             <p><label>Password <input name=\"password\" type=\"password\" \
             autocomplete=\"current-password\" required></label></p>\n\
             <p><button type=\"submit\">Sign in</button></p>\n</form>"
        ),
    )
}

async fn sign_in_page() -> Html<String> {
    sign_in_form(None)
}

#[derive(Deserialize)]
struct SignInForm {
    login: String,
    password: String,
}

async fn sign_in(State(state): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let (parts, body) = req.into_parts();
    refuse_cross_site(&parts.headers)?;
    let bytes = axum::body::to_bytes(body, state.config.body_limit)
        .await
        .map_err(|_| ApiError::PayloadTooLarge(state.config.body_limit as u64))?;
    let form: SignInForm = serde_urlencoded::from_bytes(&bytes)
        .map_err(|e| ApiError::BadRequest(format!("form: {e}")))?;
    let remote = client_address(&parts, &state);
    match state
        .store
        .sign_in(&form.login, &form.password, &remote)
        .await
    {
        Ok(signed) => {
            let mut r = see_other("/");
            r.headers_mut().insert(
                header::SET_COOKIE,
                session_set_cookie(&signed.token, secure(&parts, &state)),
            );
            Ok(r)
        }
        Err(e) => {
            let e = ApiError::from(e);
            let status = e.status();
            Ok((status, sign_in_form(Some(&e.problem().detail))).into_response())
        }
    }
}

async fn home(State(state): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let (parts, _) = req.into_parts();
    let user: SignedIn = match authenticate(&parts, &state, true).await {
        Ok(u) => u,
        Err(ApiError::Unauthenticated) => return Ok(see_other("/sign-in")),
        Err(e) => return Err(e),
    };
    let csrf = match &user.credential {
        Credential::Session { token, .. } => csrf_token(token),
        Credential::Token => String::new(),
    };
    let pipelines = state.store.list_pipelines(&user.actor).await?;
    let mut list = String::new();
    for p in &pipelines {
        list.push_str(&format!(
            "<li>{} — <a href=\"/api/v1/pipelines/{}/board\">board data</a></li>\n",
            escape_markup(&p.name),
            escape_markup(&p.key)
        ));
    }
    let password_note = if user.user.must_change_password {
        "<p role=\"alert\">This account has a one-time password: set your own with \
         POST /api/v1/session/password.</p>\n"
    } else {
        ""
    };
    Ok(page(
        "salesmap",
        &format!(
            "<h1>salesmap</h1>\n<p>Signed in as {} ({}).</p>\n{password_note}\
             <h2>Pipelines</h2>\n<ul>\n{list}</ul>\n\
             <p>The API and its document: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a></p>\n\
             <form method=\"post\" action=\"/sign-out\">\
             <input type=\"hidden\" name=\"csrf_token\" value=\"{}\">\
             <button type=\"submit\">Sign out</button></form>",
            escape_markup(&user.user.display_name),
            user.user.role.name(),
            escape_markup(&csrf),
        ),
    )
    .into_response())
}

#[derive(Deserialize)]
struct Empty {}

async fn sign_out(
    State(state): State<AppState>,
    form: CsrfForm<Empty>,
) -> Result<Response, ApiError> {
    let CsrfForm {
        user,
        form: Empty {},
    } = form;
    if let Credential::Session { digest, .. } = &user.credential {
        state.store.sign_out(&user.actor, digest).await?;
    }
    let mut r = see_other("/sign-in");
    r.headers_mut().insert(
        header::SET_COOKIE,
        session_clear_cookie(state.config.secure_cookies),
    );
    Ok(r)
}
