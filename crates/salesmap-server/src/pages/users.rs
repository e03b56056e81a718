//! The users page (admins): every account with its role and whether it is disabled; change a
//! role or disable an account in place, give a new one-time password, and add users. A
//! one-time password is shown once, on the page that answers the form, never stored or sent
//! again. The store refuses what would lock the team out (the last admin) and audits every
//! change.

use std::fmt::Write;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use salesmap_store::{NewUser, Role, UserPatch};
use serde::Deserialize;

use crate::extract::ApiPath;
use crate::pages::context::{PageForm, Visit};
use crate::pages::locale::{Lang, Say, role_name, time_html};
use crate::pages::markup::{checked, esc, selected};
use crate::pages::shell::{self, Body, OrPage, PageError, Section};
use crate::problem::ApiError;
use crate::state::AppState;

fn require_admin(visit: &Visit) -> Result<(), PageError> {
    if visit.user.role >= Role::Admin {
        Ok(())
    } else {
        Err(visit.fail(ApiError::Forbidden(
            visit
                .lang
                .t(
                    "managing users needs the admin role",
                    "사용자 관리는 관리자 역할이 필요합니다",
                )
                .into(),
        )))
    }
}

/// `GET /admin/users`.
pub async fn page(State(state): State<AppState>, visit: Visit) -> Result<Response, PageError> {
    require_admin(&visit)?;
    render(&state, &visit, None, StatusCode::OK).await
}

/// What the page says on top: a problem, or a one-time password to hand over.
enum Said {
    Problem(String),
    Password { login: String, password: String },
    Saved,
}

async fn render(
    state: &AppState,
    visit: &Visit,
    said: Option<Said>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let l = visit.lang;
    let users = state.store.list_users(&visit.actor).await.or_page(l)?;
    let mut h = String::new();
    let _ = write!(h, "<h1>{}</h1>", l.t("Users and roles", "사용자와 역할"));
    match said {
        Some(Said::Problem(p)) => {
            let _ = write!(h, "<p class=\"alert\" role=\"alert\">{}</p>", esc(&p));
        }
        Some(Said::Password { login, password }) => {
            let _ = write!(
                h,
                "<div class=\"notice\" role=\"status\"><p>{}</p><p><code>{}</code></p></div>",
                esc(&match l {
                    Lang::En => format!(
                        "The one-time password of {login} (shown this once: hand it over; they choose their own at first sign-in):"
                    ),
                    Lang::Ko => format!(
                        "{login}의 일회용 비밀번호입니다(이번 한 번만 보입니다. 전달하면 첫 로그인 때 새 비밀번호를 정합니다):"
                    ),
                }),
                esc(&password)
            );
        }
        Some(Said::Saved) => {
            let _ = write!(
                h,
                "<p class=\"notice\" role=\"status\">{}</p>",
                l.t("Saved.", "저장했습니다.")
            );
        }
        None => {}
    }
    let _ = write!(
        h,
        "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        l.t("User", "사용자"),
        l.t("Role and access", "역할과 접근"),
        l.t("Created", "만든 때"),
        l.t("Password", "비밀번호"),
        l.t("Status", "상태"),
    );
    for u in &users {
        let _ = write!(
            h,
            "<tr><td><strong>{name}</strong><br><code>{login}</code></td><td>\
             <form method=\"post\" action=\"/admin/users/{id}\" class=\"row-form\">\
             <input type=\"hidden\" name=\"csrf_token\" value=\"{csrf}\">\
             <p><label class=\"visually-hidden\" for=\"role-{id}\">{role_l} {name}</label><select id=\"role-{id}\" name=\"role\">",
            name = esc(&u.display_name),
            login = esc(&u.login),
            id = u.id,
            csrf = esc(&visit.csrf),
            role_l = l.t("Role of", "역할:"),
        );
        for r in Role::ALL {
            let _ = write!(
                h,
                "<option value=\"{}\"{}>{}</option>",
                r.name(),
                selected(r == u.role),
                role_name(l, r)
            );
        }
        let _ = write!(
            h,
            "</select></p><p class=\"check\"><input type=\"checkbox\" id=\"disabled-{id}\" name=\"disabled\" value=\"true\"{dis}><label for=\"disabled-{id}\">{dis_l}</label></p>\
             <p><button type=\"submit\" class=\"small\">{save}</button></p></form></td><td>{created}</td><td>\
             <form method=\"post\" action=\"/admin/users/{id}/reset\" class=\"inline-form\"><input type=\"hidden\" name=\"csrf_token\" value=\"{csrf}\">\
             <button type=\"submit\" class=\"small\">{reset}</button></form></td><td>{status}</td></tr>",
            id = u.id,
            dis = checked(u.disabled),
            dis_l = l.t("disabled", "사용 중지"),
            save = l.t("Save", "저장"),
            created = time_html(l, u.created_at),
            csrf = esc(&visit.csrf),
            reset = l.t("New one-time password", "새 일회용 비밀번호"),
            status = if u.disabled {
                l.t("disabled", "사용 중지")
            } else if u.must_change_password {
                l.t("waiting for first sign-in", "첫 로그인 대기")
            } else {
                l.t("active", "활성")
            },
        );
    }
    h.push_str("</tbody></table></div>");
    let _ = write!(
        h,
        "<h2>{title}</h2><form method=\"post\" action=\"/admin/users\" class=\"stack narrow-form\">\
         <input type=\"hidden\" name=\"csrf_token\" value=\"{csrf}\">\
         <p><label for=\"u-login\">{login}</label><input id=\"u-login\" name=\"login\" required maxlength=\"64\" pattern=\"[A-Za-z0-9._@\\-]+\" autocomplete=\"off\" aria-describedby=\"u-login-hint\">\
         <span id=\"u-login-hint\" class=\"hint\">{login_hint}</span></p>\
         <p><label for=\"u-name\">{name}</label><input id=\"u-name\" name=\"display_name\" required maxlength=\"200\"></p>\
         <p><label for=\"u-role\">{role}</label><select id=\"u-role\" name=\"role\">",
        title = l.t("Add a user", "사용자 추가"),
        csrf = esc(&visit.csrf),
        login = l.t("Login", "아이디"),
        login_hint = l.t(
            "Letters, digits and . _ @ -; a one-time password is made for the first sign-in.",
            "영문, 숫자와 . _ @ -. 첫 로그인용 일회용 비밀번호를 만듭니다.",
        ),
        name = l.t("Name shown", "표시 이름"),
        role = l.t("Role", "역할"),
    );
    for r in Role::ALL {
        let _ = write!(
            h,
            "<option value=\"{}\"{}>{}</option>",
            r.name(),
            selected(r == Role::Rep),
            role_name(l, r)
        );
    }
    let _ = write!(
        h,
        "</select></p><p><button type=\"submit\" class=\"primary\">{}</button></p></form>\
         <h2>{}</h2><ul><li>{}</li><li>{}</li><li>{}</li><li>{}</li></ul>",
        l.t("Add the user", "사용자 추가"),
        l.t("What each role may do", "역할별 권한"),
        l.t("viewer: reads everything", "열람자: 모든 것을 읽기"),
        l.t(
            "rep: creates deals and moves, ticks and edits their own",
            "영업 담당: 거래를 만들고 자기 거래를 옮기고 체크하고 고치기",
        ),
        l.t(
            "manager: all deals, owners, checklist overrides, map versions, imports, the audit log",
            "매니저: 모든 거래, 담당자 변경, 완료 조건 예외 승인, 맵 버전, 가져오기, 감사 기록",
        ),
        l.t(
            "admin: everything, with users and pipelines",
            "관리자: 사용자와 파이프라인을 포함한 모든 것",
        ),
    );
    Ok((
        status,
        shell::render(
            &visit.frame(visit.pipelines.first().map(|p| p.key.as_str())),
            Body {
                title: l.t("Users", "사용자").to_string(),
                section: Some(Section::Users),
                html: h,
                ..Body::default()
            },
        ),
    )
        .into_response())
}

async fn refused(
    state: &AppState,
    visit: &Visit,
    e: salesmap_store::StoreError,
) -> Result<Response, PageError> {
    let e = ApiError::from(e);
    if matches!(e, ApiError::Internal(_) | ApiError::Unavailable(_)) {
        return Err(visit.fail(e));
    }
    let status = e.status();
    render(
        state,
        visit,
        Some(Said::Problem(shell::explain(visit.lang, &e).1)),
        status,
    )
    .await
}

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
}

/// `POST /admin/users`.
pub async fn add(
    State(state): State<AppState>,
    form: PageForm<AddForm>,
) -> Result<Response, PageError> {
    let PageForm { visit, form } = form;
    require_admin(&visit)?;
    let role = match Role::parse(&form.role) {
        Ok(r) => r,
        Err(e) => return refused(&state, &visit, e).await,
    };
    match state
        .store
        .add_user(
            &visit.actor,
            NewUser {
                login: form.login,
                display_name: form.display_name,
                role,
                password: None,
            },
        )
        .await
    {
        Ok((user, Some(password))) => {
            render(
                &state,
                &visit,
                Some(Said::Password {
                    login: user.login,
                    password,
                }),
                StatusCode::CREATED,
            )
            .await
        }
        Ok((_, None)) => render(&state, &visit, Some(Said::Saved), StatusCode::CREATED).await,
        Err(e) => refused(&state, &visit, e).await,
    }
}

#[derive(Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    disabled: Option<String>,
}

/// `POST /admin/users/{id}`: role and disabled.
pub async fn change(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    form: PageForm<ChangeForm>,
) -> Result<Response, PageError> {
    let PageForm { visit, form } = form;
    require_admin(&visit)?;
    let role = match Role::parse(&form.role) {
        Ok(r) => r,
        Err(e) => return refused(&state, &visit, e).await,
    };
    match state
        .store
        .update_user(
            &visit.actor,
            id,
            UserPatch {
                display_name: None,
                role: Some(role),
                disabled: Some(form.disabled.is_some()),
            },
        )
        .await
    {
        Ok(_) => render(&state, &visit, Some(Said::Saved), StatusCode::OK).await,
        Err(e) => refused(&state, &visit, e).await,
    }
}

#[derive(Deserialize)]
pub struct Empty {}

/// `POST /admin/users/{id}/reset`: a new one-time password (their sessions end).
pub async fn reset(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    form: PageForm<Empty>,
) -> Result<Response, PageError> {
    let visit = form.visit;
    require_admin(&visit)?;
    let login = match state.store.user(&visit.actor, id).await {
        Ok(u) => u.login,
        Err(e) => return refused(&state, &visit, e).await,
    };
    match state.store.reset_password(&visit.actor, id).await {
        Ok(password) => {
            render(
                &state,
                &visit,
                Some(Said::Password { login, password }),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => refused(&state, &visit, e).await,
    }
}
