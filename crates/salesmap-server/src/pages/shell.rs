//! The frame every page sits in: the document head (stylesheet, scripts, the session's CSRF
//! token for scripts in a `<meta>`), a skip link, the header with the pipeline's sections and
//! the account's, the language switch, the sign-out form, notices, and `<main>`. Also the
//! error page ([`PageError`]): a refused or failed page request answers with the right status
//! and a page that says what went wrong and what to do, in the visitor's language.
//!
//! The navigation is two rows of sections: the pipeline's (board, map, editor, dashboard,
//! import) and the account's (API tokens; users and audit for those allowed). Each section is
//! one entry of [`Section`], so a new page adds one entry.

use std::fmt::Write;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use salesmap_store::{Pipeline, Role, User};

use crate::pages::assets;
use crate::pages::locale::{Lang, Say, role_name};
use crate::pages::markup::{Segment, esc};
use crate::problem::ApiError;

/// The sections of the navigation; the page being shown is marked current.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Board,
    Deal,
    Map,
    Editor,
    Dashboard,
    Import,
    Tokens,
    Users,
    Audit,
    Pipelines,
    Account,
}

/// Who is looking at the page and in which language: what the frame needs.
#[derive(Clone, Debug)]
pub struct Frame<'a> {
    pub user: Option<&'a User>,
    pub csrf: &'a str,
    pub lang: Lang,
    /// The page's path and query, for the language switch to come back to.
    pub here: &'a str,
    /// The pipelines, for the pipeline menu, and the one shown.
    pub pipelines: &'a [Pipeline],
    pub pipeline: Option<&'a str>,
}

/// A page: its title, its section, scripts beyond `app.js`, and its body.
#[derive(Debug, Default)]
pub struct Body<'a> {
    pub title: String,
    pub section: Option<Section>,
    /// Embedded scripts this page adds (`board.js`).
    pub scripts: &'a [&'static str],
    /// A class for `<main>` (`wide` for the board).
    pub main_class: &'static str,
    pub html: String,
}

/// The notice a finished form leaves on the next page (`?done=moved`), in the page's
/// language; unknown codes show nothing.
pub fn notice(l: Lang, code: &str) -> Option<&'static str> {
    Some(match code {
        "moved" => l.t("The deal moved.", "거래를 옮겼습니다."),
        "created" => l.t("The deal is created.", "거래를 만들었습니다."),
        "saved" => l.t("Saved.", "저장했습니다."),
        "ticked" => l.t("Ticked.", "체크했습니다."),
        "unticked" => l.t("The tick is removed.", "체크를 해제했습니다."),
        "touched" => l.t("The touch is logged.", "활동을 기록했습니다."),
        "published" => l.t(
            "The new map version is published.",
            "새 맵 버전을 게시했습니다.",
        ),
        "password" => l.t("Your password is changed.", "비밀번호를 바꿨습니다."),
        "revoked" => l.t("The token is revoked.", "토큰을 폐기했습니다."),
        _ => return None,
    })
}

/// Writes the whole document.
pub fn render(frame: &Frame<'_>, body: Body<'_>) -> Html<String> {
    let l = frame.lang;
    let mut s = String::with_capacity(body.html.len() + 6000);
    let _ = write!(
        s,
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · salesmap</title>\
         <link rel=\"icon\" href=\"{icon}\" type=\"image/svg+xml\">\
         <link rel=\"stylesheet\" href=\"{css}\">\
         <meta name=\"csrf-token\" content=\"{csrf}\">\
         <script src=\"{app}\" defer></script>",
        lang = l.tag(),
        title = esc(&body.title),
        icon = assets::url("icon.svg"),
        css = assets::url("app.css"),
        csrf = esc(frame.csrf),
        app = assets::url("app.js"),
    );
    for script in body.scripts {
        let _ = write!(s, "<script src=\"{}\" defer></script>", assets::url(script));
    }
    let _ = write!(
        s,
        "</head><body><a class=\"skip\" href=\"#main\">{}</a>",
        l.t("Skip to content", "본문으로 건너뛰기")
    );
    header(&mut s, frame, body.section);
    let _ = writeln!(
        s,
        "<main id=\"main\" tabindex=\"-1\" class=\"{}\">{}</main>\
         <div id=\"announce\" class=\"visually-hidden\" aria-live=\"polite\"></div>\
         </body></html>",
        body.main_class, body.html
    );
    Html(s)
}

fn header(s: &mut String, frame: &Frame<'_>, current: Option<Section>) {
    let l = frame.lang;
    s.push_str("<header class=\"top\"><div class=\"bar\">");
    let _ = write!(
        s,
        "<a class=\"brand\" href=\"/\"><img src=\"{}\" alt=\"\" width=\"24\" height=\"24\">salesmap</a>",
        assets::url("icon.svg")
    );
    if let Some(user) = frame.user {
        let mark = |section: Section| {
            if current == Some(section) {
                " aria-current=\"page\""
            } else {
                ""
            }
        };
        if let Some(key) = frame.pipeline {
            let name = frame
                .pipelines
                .iter()
                .find(|p| p.key == key)
                .map_or(key, |p| p.name.as_str());
            let _ = write!(
                s,
                "<nav class=\"sections\" aria-label=\"{}\"><span class=\"pipeline-name\">{}</span><ul>",
                l.t("Pipeline", "파이프라인"),
                esc(name)
            );
            let key = Segment(key);
            let mut item = |section: Section, href: String, label: &str| {
                let _ = write!(
                    s,
                    "<li><a href=\"{href}\"{}>{}</a></li>",
                    mark(section),
                    esc(label)
                );
            };
            item(
                Section::Board,
                format!("/p/{key}/board"),
                l.t("Board", "보드"),
            );
            item(Section::Map, format!("/p/{key}/map"), l.t("Map", "맵"));
            item(
                Section::Editor,
                format!("/p/{key}/editor"),
                l.t("Map editor", "맵 편집기"),
            );
            item(
                Section::Dashboard,
                format!("/p/{key}/dashboard"),
                l.t("Dashboard", "대시보드"),
            );
            if user.role >= Role::Manager {
                item(
                    Section::Import,
                    format!("/p/{key}/import"),
                    l.t("Import", "가져오기"),
                );
            }
            s.push_str("</ul></nav>");
        }
        let _ = write!(
            s,
            "<nav class=\"account\" aria-label=\"{}\"><ul>",
            l.t("Account", "계정")
        );
        if frame.pipelines.len() > 1 || frame.pipeline.is_none() {
            let _ = write!(
                s,
                "<li><a href=\"/pipelines\"{}>{}</a></li>",
                mark(Section::Pipelines),
                l.t("Pipelines", "파이프라인")
            );
        }
        if user.role >= Role::Manager {
            let _ = write!(
                s,
                "<li><a href=\"/audit\"{}>{}</a></li>",
                mark(Section::Audit),
                l.t("Audit log", "감사 기록")
            );
        }
        if user.role >= Role::Admin {
            let _ = write!(
                s,
                "<li><a href=\"/admin/users\"{}>{}</a></li>",
                mark(Section::Users),
                l.t("Users", "사용자")
            );
        }
        let _ = write!(
            s,
            "<li><a href=\"/tokens\"{}>{}</a></li>",
            mark(Section::Tokens),
            l.t("API tokens", "API 토큰")
        );
        let _ = write!(
            s,
            "<li><a href=\"/password\"{} title=\"{}\">{} <span class=\"role\">{}</span></a></li>",
            mark(Section::Account),
            l.t("Change your password", "비밀번호 바꾸기"),
            esc(&user.display_name),
            role_name(l, user.role)
        );
        let _ = write!(
            s,
            "<li><form method=\"post\" action=\"/sign-out\">\
             <input type=\"hidden\" name=\"csrf_token\" value=\"{}\">\
             <button type=\"submit\" class=\"link\">{}</button></form></li></ul></nav>",
            esc(frame.csrf),
            l.t("Sign out", "로그아웃")
        );
    }
    language_switch(s, frame);
    s.push_str("</div></header>");
}

/// The language switch: a form per language, so it works without script and is remembered
/// by a cookie.
fn language_switch(s: &mut String, frame: &Frame<'_>) {
    let l = frame.lang;
    let _ = write!(
        s,
        "<form class=\"language\" method=\"post\" action=\"/language\">\
         <input type=\"hidden\" name=\"csrf_token\" value=\"{}\">\
         <input type=\"hidden\" name=\"back\" value=\"{}\">\
         <label for=\"language-choice\" class=\"visually-hidden\">{}</label>\
         <select id=\"language-choice\" name=\"lang\" data-autosubmit>",
        esc(frame.csrf),
        esc(frame.here),
        l.t("Language", "언어")
    );
    for (tag, name) in [("en", "English"), ("ko", "한국어")] {
        let _ = write!(
            s,
            "<option value=\"{tag}\" lang=\"{tag}\"{}>{name}</option>",
            crate::pages::markup::selected(tag == l.tag())
        );
    }
    let _ = write!(
        s,
        "</select><button type=\"submit\" class=\"small\">{}</button></form>",
        l.t("Switch", "바꾸기")
    );
}

/// A failed page request: the error and the language to explain it in.
#[derive(Debug)]
pub struct PageError {
    pub lang: Lang,
    pub error: ApiError,
}

/// Turning errors into [`PageError`]s in a page's language.
pub trait OrPage<T> {
    fn or_page(self, lang: Lang) -> Result<T, PageError>;
}

impl<T, E: Into<ApiError>> OrPage<T> for Result<T, E> {
    fn or_page(self, lang: Lang) -> Result<T, PageError> {
        self.map_err(|e| PageError {
            lang,
            error: e.into(),
        })
    }
}

/// What an error page says: a title and what to do.
pub fn explain(l: Lang, error: &ApiError) -> (&'static str, String) {
    let detail = error.problem().detail;
    match error {
        ApiError::NotFound(_) => (
            l.t("Not found", "찾을 수 없음"),
            match l {
                Lang::En => format!("{detail}. Check the address, or start again from the board."),
                Lang::Ko => format!("{detail}. 주소를 확인하거나 보드에서 다시 시작하세요."),
            },
        ),
        ApiError::Forbidden(_) => (
            l.t("Not allowed", "권한 없음"),
            match l {
                Lang::En => format!("{detail}. Ask an admin for the role you need."),
                Lang::Ko => format!("{detail}. 필요한 역할을 관리자에게 요청하세요."),
            },
        ),
        ApiError::Csrf => (
            l.t("The form expired", "양식이 만료됨"),
            l.t(
                "The form was sent without this session's security token (perhaps from an old tab, or from another site). Go back, reload the page and send it again.",
                "이 세션의 보안 토큰 없이 양식이 전송되었습니다(오래된 탭이나 다른 사이트에서). 뒤로 가서 페이지를 새로 고친 뒤 다시 보내세요.",
            )
            .to_string(),
        ),
        ApiError::Unavailable(_) => (
            l.t("The database is unavailable", "데이터베이스를 사용할 수 없음"),
            l.t(
                "The server cannot reach its database right now; nothing was changed. Try again in a few seconds.",
                "지금 서버가 데이터베이스에 연결할 수 없어 아무것도 바뀌지 않았습니다. 잠시 후 다시 시도하세요.",
            )
            .to_string(),
        ),
        ApiError::Internal(_) => (
            l.t("Something went wrong", "문제가 생겼습니다"),
            l.t(
                "Something went wrong on the server; it has been logged. Try again, and tell your admin if it keeps happening.",
                "서버에서 문제가 생겨 기록했습니다. 다시 시도하고, 계속되면 관리자에게 알리세요.",
            )
            .to_string(),
        ),
        ApiError::PayloadTooLarge(_) => (l.t("Too large", "너무 큼"), detail),
        _ => (l.t("That did not work", "처리하지 못했습니다"), detail),
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let l = self.lang;
        match &self.error {
            ApiError::Internal(cause) => eprintln!("error: internal: {cause}"),
            ApiError::Unavailable(cause) => eprintln!("warning: database unavailable: {cause}"),
            _ => {}
        }
        let (title, what) = explain(l, &self.error);
        let frame = Frame {
            user: None,
            csrf: "",
            lang: l,
            here: "/",
            pipelines: &[],
            pipeline: None,
        };
        let html = format!(
            "<div class=\"narrow\"><h1>{}</h1><p role=\"alert\">{}</p>\
             <p><a href=\"/\">{}</a></p></div>",
            esc(title),
            esc(&what),
            l.t("Go to the start page", "첫 화면으로 가기")
        );
        let page = render(
            &frame,
            Body {
                title: title.to_string(),
                html,
                ..Body::default()
            },
        );
        (self.error.status(), page).into_response()
    }
}

/// A redirect after a form (303 See Other) to a path of this site.
pub fn see_other(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(to) {
        r.headers_mut().insert(axum::http::header::LOCATION, v);
    }
    r
}
