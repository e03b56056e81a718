//! Who asks for a page, and the forms they send. [`Visit`] is a signed-in visitor with their
//! session's CSRF token and language: a visitor without a session is sent to the sign-in page
//! (and back afterwards), one who must still replace a one-time password to the password page.
//! [`PageForm`] is a posted form whose `csrf_token` field must be the session's token (the
//! server's CSRF rule for HTML forms); a form from another site, or without the token, is
//! refused with 403 before anything is read into the form's type.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use salesmap_store::{Actor, Pipeline, User};
use serde::de::DeserializeOwned;

use crate::auth::{Credential, authenticate, csrf_token};
use crate::pages::locale::{self, Lang};
use crate::pages::markup::QueryValue;
use crate::pages::shell::{self, Frame, OrPage, PageError};
use crate::problem::ApiError;
use crate::state::AppState;

/// A signed-in visitor of a page.
#[derive(Clone, Debug)]
pub struct Visit {
    pub user: User,
    pub actor: Actor,
    /// The session's CSRF token, for the page's forms and scripts.
    pub csrf: String,
    /// The session's key (its token's digest), to keep it when the password changes.
    pub session: Option<String>,
    pub lang: Lang,
    /// The path and query asked for.
    pub here: String,
    /// Every pipeline, for the navigation.
    pub pipelines: Vec<Pipeline>,
}

impl Visit {
    /// The frame of a page of `pipeline` (or of none).
    pub fn frame<'a>(&'a self, pipeline: Option<&'a str>) -> Frame<'a> {
        Frame {
            user: Some(&self.user),
            csrf: &self.csrf,
            lang: self.lang,
            here: &self.here,
            pipelines: &self.pipelines,
            pipeline,
        }
    }

    /// An error in this visitor's language.
    pub fn fail(&self, error: ApiError) -> PageError {
        PageError {
            lang: self.lang,
            error,
        }
    }
}

/// The path and query of a request.
pub fn here(parts: &Parts) -> String {
    parts
        .uri
        .path_and_query()
        .map_or("/".to_string(), |p| p.as_str().to_string())
}

/// Where the sign-in page sends a visitor afterwards: a path of this site only (`/…` but not
/// `//…` or `/\…`, which browsers read as another host), else the start page.
pub fn local_path(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control());
    if ok { next } else { "/" }
}

async fn visit(parts: &Parts, state: &AppState) -> Result<Visit, Response> {
    let lang = locale::choose(&parts.headers);
    let here = here(parts);
    let signed = match authenticate(parts, state, false).await {
        Ok(s) => s,
        Err(ApiError::Unauthenticated) => {
            return Err(shell::see_other(&format!(
                "/sign-in?next={}",
                QueryValue(&here)
            )));
        }
        Err(e) => return Err(PageError { lang, error: e }.into_response()),
    };
    if signed.user.must_change_password && parts.uri.path() != "/password" {
        return Err(shell::see_other("/password"));
    }
    let (csrf, session) = match &signed.credential {
        Credential::Session { token, digest } => (csrf_token(token), Some(digest.clone())),
        Credential::Token => (String::new(), None),
    };
    let pipelines = state
        .store
        .list_pipelines(&signed.actor)
        .await
        .or_page(lang)
        .map_err(IntoResponse::into_response)?;
    Ok(Visit {
        user: signed.user,
        actor: signed.actor,
        csrf,
        session,
        lang,
        here,
        pipelines,
    })
}

impl FromRequestParts<AppState> for Visit {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Visit, Response> {
        visit(parts, state).await
    }
}

/// A form posted by a signed-in visitor, its CSRF token checked.
#[derive(Debug)]
pub struct PageForm<T> {
    pub visit: Visit,
    pub form: T,
}

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf_token: String,
}

/// Checks a form's CSRF token against the visitor's session in constant time.
pub fn check_csrf(visit: &Visit, sent: &str) -> Result<(), PageError> {
    let expected = visit.csrf.as_bytes();
    let ok = !expected.is_empty()
        && sent.len() == expected.len()
        && sent
            .bytes()
            .zip(expected)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if ok {
        Ok(())
    } else {
        Err(visit.fail(ApiError::Csrf))
    }
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for PageForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (parts, body) = req.into_parts();
        let lang = locale::choose(&parts.headers);
        if let Err(e) = crate::auth::refuse_cross_site(&parts.headers) {
            return Err(PageError { lang, error: e }.into_response());
        }
        let visit = visit(&parts, state).await?;
        let bytes = axum::body::to_bytes(body, state.config.body_limit)
            .await
            .map_err(|_| {
                visit
                    .fail(ApiError::PayloadTooLarge(state.config.body_limit as u64))
                    .into_response()
            })?;
        let field: CsrfField = serde_urlencoded::from_bytes(&bytes).map_err(|e| {
            visit
                .fail(ApiError::BadRequest(format!("form: {e}")))
                .into_response()
        })?;
        check_csrf(&visit, &field.csrf_token).map_err(IntoResponse::into_response)?;
        let form: T = serde_urlencoded::from_bytes(&bytes).map_err(|e| {
            visit
                .fail(ApiError::BadRequest(format!("form: {e}")))
                .into_response()
        })?;
        Ok(PageForm { visit, form })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            local_path("/p/sales/board?owner=3"),
            "/p/sales/board?owner=3"
        );
        for outside in [
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "",
            "x",
        ] {
            assert_eq!(local_path(outside), "/", "{outside}");
        }
    }
}
