//! Signing in and out, the password page (where a one-time password is replaced at first
//! sign-in, and anyone changes theirs), and the language switch.
//!
//! The sign-in form posts login and password; on success the session cookie is set and the
//! visitor goes where they were headed (`next`, a path of this site only) or, with a one-time
//! password, to the password page, which every other page redirects to until it is done. A
//! wrong login or password, a lock after too many failures and a database outage each answer
//! with the form again, the reason and the right status. The language switch remembers the
//! choice in a cookie for a year; signed in, it needs the session's CSRF token like any form.

use std::fmt::Write;

use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::auth::{
    client_address, csrf_token, refuse_cross_site, secure, session_clear_cookie, session_cookie,
    session_set_cookie,
};
use crate::pages::context::{PageForm, Visit, local_path};
use crate::pages::locale::{self, LANG_COOKIE, Lang, Say};
use crate::pages::markup::esc;
use crate::pages::shell::{self, Body, Frame, PageError, Section};
use crate::problem::ApiError;
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct Next {
    #[serde(default)]
    next: String,
}

fn sign_in_form(l: Lang, next: &str, login: &str, message: Option<&str>) -> Body<'static> {
    let mut html = String::new();
    let _ = write!(
        html,
        "<div class=\"narrow\"><h1>{}</h1>",
        l.t("Sign in to salesmap", "salesmap 로그인")
    );
    if let Some(m) = message {
        let _ = write!(html, "<p class=\"alert\" role=\"alert\">{}</p>", esc(m));
    }
    let _ = write!(
        html,
        "<form method=\"post\" action=\"/sign-in\" class=\"stack\">\
         <input type=\"hidden\" name=\"next\" value=\"{next}\">\
         <p><label for=\"login\">{login_label}</label>\
         <input id=\"login\" name=\"login\" autocomplete=\"username\" required autofocus value=\"{login}\"></p>\
         <p><label for=\"password\">{password_label}</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></p>\
         <p><button type=\"submit\" class=\"primary\">{submit}</button></p></form>\
         <p class=\"hint\">{hint}</p></div>",
        next = esc(next),
        login_label = l.t("Login", "아이디"),
        login = esc(login),
        password_label = l.t("Password", "비밀번호"),
        submit = l.t("Sign in", "로그인"),
        hint = l.t(
            "First sign-in? Use the one-time password your admin gave you; you will choose your own next.",
            "처음 로그인하나요? 관리자가 준 일회용 비밀번호를 쓰세요. 다음 화면에서 새 비밀번호를 정합니다.",
        ),
    );
    Body {
        title: l.t("Sign in", "로그인").to_string(),
        html,
        ..Body::default()
    }
}

fn anonymous_frame<'a>(l: Lang, here: &'a str) -> Frame<'a> {
    Frame {
        user: None,
        csrf: "",
        lang: l,
        here,
        pipelines: &[],
        pipeline: None,
    }
}

/// `GET /sign-in`.
pub async fn sign_in_page(Query(next): Query<Next>, req: Request) -> Response {
    let l = locale::choose(req.headers());
    let here = crate::pages::context::here(&req.into_parts().0);
    shell::render(
        &anonymous_frame(l, &here),
        sign_in_form(l, local_path(&next.next), "", None),
    )
    .into_response()
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /sign-in`.
pub async fn sign_in(State(state): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let l = locale::choose(&parts.headers);
    if let Err(e) = refuse_cross_site(&parts.headers) {
        return PageError { lang: l, error: e }.into_response();
    }
    let Ok(bytes) = axum::body::to_bytes(body, state.config.body_limit).await else {
        return PageError {
            lang: l,
            error: ApiError::PayloadTooLarge(state.config.body_limit as u64),
        }
        .into_response();
    };
    let form: SignInForm = match serde_urlencoded::from_bytes(&bytes) {
        Ok(f) => f,
        Err(e) => {
            return PageError {
                lang: l,
                error: ApiError::BadRequest(format!("form: {e}")),
            }
            .into_response();
        }
    };
    let next = local_path(&form.next).to_string();
    let remote = client_address(&parts, &state);
    match state
        .store
        .sign_in(&form.login, &form.password, &remote)
        .await
    {
        Ok(signed) => {
            let to = if signed.user.must_change_password {
                "/password"
            } else {
                &next
            };
            let mut r = shell::see_other(to);
            r.headers_mut().insert(
                header::SET_COOKIE,
                session_set_cookie(&signed.token, secure(&parts, &state)),
            );
            r
        }
        Err(e) => {
            let e = ApiError::from(e);
            let message = match &e {
                ApiError::BadCredentials => l
                    .t(
                        "The login or the password is wrong.",
                        "아이디 또는 비밀번호가 틀렸습니다.",
                    )
                    .to_string(),
                ApiError::RateLimited(secs) => match l {
                    Lang::En => format!(
                        "Too many failed sign-ins for this login or address: try again in {} minutes.",
                        secs.div_ceil(60)
                    ),
                    Lang::Ko => format!(
                        "이 아이디나 주소에서 로그인 실패가 너무 많습니다. {}분 뒤에 다시 시도하세요.",
                        secs.div_ceil(60)
                    ),
                },
                other => shell::explain(l, other).1,
            };
            let here = "/sign-in";
            let mut r = (
                e.status(),
                shell::render(
                    &anonymous_frame(l, here),
                    sign_in_form(l, &next, &form.login, Some(&message)),
                ),
            )
                .into_response();
            if let ApiError::RateLimited(secs) = e {
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            r
        }
    }
}

#[derive(Deserialize)]
pub struct Empty {}

/// `POST /sign-out`.
pub async fn sign_out(State(state): State<AppState>, form: PageForm<Empty>) -> Response {
    let visit = form.visit;
    if let Some(digest) = &visit.session
        && let Err(e) = state.store.sign_out(&visit.actor, digest).await
    {
        return visit.fail(e.into()).into_response();
    }
    let mut r = shell::see_other("/sign-in");
    r.headers_mut().insert(
        header::SET_COOKIE,
        session_clear_cookie(state.config.secure_cookies),
    );
    r
}

fn password_form(visit: &Visit, message: Option<&str>) -> Body<'static> {
    let l = visit.lang;
    let mut html = String::new();
    let first = visit.user.must_change_password;
    let _ = write!(
        html,
        "<div class=\"narrow\"><h1>{}</h1>",
        if first {
            l.t("Choose your password", "비밀번호 정하기")
        } else {
            l.t("Change your password", "비밀번호 바꾸기")
        }
    );
    if first {
        let _ = write!(
            html,
            "<p class=\"notice\" role=\"status\">{}</p>",
            l.t(
                "You signed in with a one-time password. Choose your own password to go on.",
                "일회용 비밀번호로 로그인했습니다. 계속하려면 비밀번호를 새로 정하세요.",
            )
        );
    }
    if let Some(m) = message {
        let _ = write!(html, "<p class=\"alert\" role=\"alert\">{}</p>", esc(m));
    }
    let _ = write!(
        html,
        "<form method=\"post\" action=\"/password\" class=\"stack\">\
         <input type=\"hidden\" name=\"csrf_token\" value=\"{csrf}\">\
         <input type=\"text\" name=\"username\" autocomplete=\"username\" value=\"{login}\" hidden>\
         <p><label for=\"current\">{current}</label>\
         <input id=\"current\" name=\"current_password\" type=\"password\" autocomplete=\"current-password\" required></p>\
         <p><label for=\"new\">{new}</label>\
         <input id=\"new\" name=\"new_password\" type=\"password\" autocomplete=\"new-password\" minlength=\"10\" maxlength=\"200\" required aria-describedby=\"new-hint\">\
         <span id=\"new-hint\" class=\"hint\">{hint}</span></p>\
         <p><label for=\"repeat\">{repeat}</label>\
         <input id=\"repeat\" name=\"repeat_password\" type=\"password\" autocomplete=\"new-password\" minlength=\"10\" maxlength=\"200\" required></p>\
         <p><button type=\"submit\" class=\"primary\">{submit}</button></p></form></div>",
        csrf = esc(&visit.csrf),
        login = esc(&visit.user.login),
        current = if first {
            l.t("One-time password", "일회용 비밀번호")
        } else {
            l.t("Current password", "현재 비밀번호")
        },
        new = l.t("New password", "새 비밀번호"),
        hint = l.t("At least 10 characters.", "10자 이상."),
        repeat = l.t("New password again", "새 비밀번호 확인"),
        submit = l.t("Save the password", "비밀번호 저장"),
    );
    Body {
        title: l.t("Password", "비밀번호").to_string(),
        section: Some(Section::Account),
        html,
        ..Body::default()
    }
}

/// `GET /password`.
pub async fn password_page(visit: Visit) -> Response {
    shell::render(&visit.frame(None), password_form(&visit, None)).into_response()
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    repeat_password: String,
}

/// `POST /password`.
pub async fn change_password(
    State(state): State<AppState>,
    form: PageForm<PasswordForm>,
) -> Response {
    let PageForm { visit, form } = form;
    let l = visit.lang;
    let refuse = |status: StatusCode, message: &str| {
        (
            status,
            shell::render(&visit.frame(None), password_form(&visit, Some(message))),
        )
            .into_response()
    };
    if form.new_password != form.repeat_password {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            l.t(
                "The two new passwords differ: type the same one twice.",
                "새 비밀번호 두 개가 다릅니다. 같은 비밀번호를 두 번 입력하세요.",
            ),
        );
    }
    match state
        .store
        .change_password(
            &visit.actor,
            &form.current_password,
            &form.new_password,
            visit.session.as_deref(),
        )
        .await
    {
        Ok(()) => shell::see_other("/?done=password"),
        Err(e) => {
            let e = ApiError::from(e);
            let message = match &e {
                ApiError::Invalid { field, .. } if field == "current_password" => l
                    .t(
                        "The current password is wrong.",
                        "현재 비밀번호가 틀렸습니다.",
                    )
                    .to_string(),
                ApiError::Invalid { message, .. } if message.contains("differ") => l
                    .t(
                        "The new password must differ from the current one.",
                        "새 비밀번호는 현재 비밀번호와 달라야 합니다.",
                    )
                    .to_string(),
                ApiError::Invalid { message, .. } => match l {
                    Lang::En => message.clone(),
                    Lang::Ko => "새 비밀번호는 10자 이상 200자 이하여야 합니다.".to_string(),
                },
                other => shell::explain(l, other).1,
            };
            refuse(e.status(), &message)
        }
    }
}

#[derive(Deserialize)]
struct LanguageForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    back: String,
    #[serde(default)]
    csrf_token: String,
}

/// `POST /language`: remembers the chosen language and goes back. Signed in, the form must
/// carry the session's CSRF token; signed out there is no session to protect.
pub async fn switch_language(State(state): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let l = locale::choose(&parts.headers);
    let fail = |error| PageError { lang: l, error }.into_response();
    if let Err(e) = refuse_cross_site(&parts.headers) {
        return fail(e);
    }
    let Ok(bytes) = axum::body::to_bytes(body, 4096).await else {
        return fail(ApiError::PayloadTooLarge(4096));
    };
    let form: LanguageForm = match serde_urlencoded::from_bytes(&bytes) {
        Ok(f) => f,
        Err(e) => return fail(ApiError::BadRequest(format!("form: {e}"))),
    };
    if let Some(token) = session_cookie(&parts.headers)
        && let Ok(Some(_)) = state.store.authenticate_session(&token).await
        && form.csrf_token != csrf_token(&token)
    {
        return fail(ApiError::Csrf);
    }
    let Some(lang) = Lang::from_name(&form.lang) else {
        return fail(ApiError::invalid("lang", "use en or ko"));
    };
    let mut r = shell::see_other(local_path(&form.back));
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{}",
        lang.tag(),
        if secure(&parts, &state) {
            "; Secure"
        } else {
            ""
        }
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}
