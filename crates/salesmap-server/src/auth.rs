//! Who is asking: the session cookie or an API token, and the CSRF check.
//!
//! - A session is the cookie `salesmap_session` (HttpOnly, SameSite=Lax, Path=/, Secure when
//!   served over TLS or behind a proxy that says the client used https). Its value is a random
//!   token; the database keeps only its SHA-256.
//! - `Authorization: Bearer smt_…` is an API token (no cookie, no CSRF: a browser never sends
//!   it by itself).
//! - CSRF: every state-changing request (not GET/HEAD/OPTIONS) authenticated by the cookie must
//!   carry the session's CSRF token, in the `X-CSRF-Token` header (fetch/JSON) or, for HTML
//!   forms, in the `csrf_token` field ([`CsrfForm`]). The token is derived from the session
//!   token ([`csrf_token`]), so no server keeps it. Requests that a browser marks as
//!   cross-site (`Sec-Fetch-Site: cross-site`) are refused outright.
//!
//! [`Authed`] refuses users who must still replace a one-time password; [`SignedIn`] lets them
//! through (for the session and password endpoints only).

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use salesmap_store::{Actor, User};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::problem::ApiError;
use crate::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "salesmap_session";
/// The header that carries the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The CSRF token of a session: SHA-256 of a fixed label and the session token, in hex.
pub fn csrf_token(session_token: &str) -> String {
    let digest = Sha256::digest(format!("salesmap-csrf\0{session_token}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two strings in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// How the request was authenticated.
#[derive(Clone, Debug)]
pub enum Credential {
    /// The session cookie: the token (to derive the CSRF token) and its digest (the session's
    /// key in the database).
    Session { token: String, digest: String },
    /// An API token.
    Token,
}

/// A signed-in user, who may still have to change a one-time password.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub user: User,
    pub actor: Actor,
    pub credential: Credential,
}

/// A signed-in user with a password of their own: what every API endpoint but the session's
/// requires.
#[derive(Clone, Debug)]
pub struct Authed(pub SignedIn);

impl std::ops::Deref for Authed {
    type Target = SignedIn;
    fn deref(&self) -> &SignedIn {
        &self.0
    }
}

/// The session token from the request's cookies.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
}

fn bearer(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| ApiError::Unauthenticated)?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
            Ok(Some(token.trim().to_string()))
        }
        _ => Err(ApiError::Unauthenticated),
    }
}

/// Whether the method changes state (and so needs CSRF protection).
fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses requests a browser marks as coming from another site.
pub fn refuse_cross_site(headers: &HeaderMap) -> Result<(), ApiError> {
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some("cross-site") => Err(ApiError::Csrf),
        _ => Ok(()),
    }
}

/// Authenticates a request; `csrf_from_header` says whether the CSRF token must come in the
/// header (API) or will be checked later from a form field ([`CsrfForm`]).
pub async fn authenticate(
    parts: &Parts,
    state: &AppState,
    csrf_from_header: bool,
) -> Result<SignedIn, ApiError> {
    if let Some(token) = bearer(&parts.headers)? {
        let found = state.store.authenticate_token(&token).await?;
        let auth = found.ok_or(ApiError::Unauthenticated)?;
        return Ok(SignedIn {
            user: auth.user,
            actor: auth.actor,
            credential: Credential::Token,
        });
    }
    let token = session_cookie(&parts.headers).ok_or(ApiError::Unauthenticated)?;
    let found = state.store.authenticate_session(&token).await?;
    let auth = found.ok_or(ApiError::Unauthenticated)?;
    if changes_state(&parts.method) {
        refuse_cross_site(&parts.headers)?;
        if csrf_from_header {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !same(sent, &csrf_token(&token)) {
                return Err(ApiError::Csrf);
            }
        }
    }
    Ok(SignedIn {
        user: auth.user,
        actor: auth.actor,
        credential: Credential::Session {
            digest: auth.session.unwrap_or_default(),
            token,
        },
    })
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        authenticate(parts, state, true).await
    }
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let signed = authenticate(parts, state, true).await?;
        if signed.user.must_change_password {
            return Err(ApiError::PasswordChangeRequired);
        }
        Ok(Authed(signed))
    }
}

/// A form posted from an HTML page by a signed-in user, with its `csrf_token` field checked
/// against the session (for server-rendered pages, where a header cannot be set).
#[derive(Debug)]
pub struct CsrfForm<T> {
    pub user: SignedIn,
    pub form: T,
}

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf_token: String,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let (parts, body) = req.into_parts();
        let user = authenticate(&parts, state, false).await?;
        let bytes = axum::body::to_bytes(body, state.config.body_limit)
            .await
            .map_err(|_| ApiError::PayloadTooLarge(state.config.body_limit as u64))?;
        let field: CsrfField = serde_urlencoded_fields(&bytes)?;
        let Credential::Session { token, .. } = &user.credential else {
            return Err(ApiError::Csrf);
        };
        if !same(&field.csrf_token, &csrf_token(token)) {
            return Err(ApiError::Csrf);
        }
        let form: T = serde_urlencoded_fields(&bytes)?;
        Ok(CsrfForm { user, form })
    }
}

/// Reads an `application/x-www-form-urlencoded` body into `T`.
fn serde_urlencoded_fields<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_urlencoded::from_bytes(bytes).map_err(|e| ApiError::BadRequest(format!("form: {e}")))
}

/// The client's address for the sign-in rate limit: the peer, or the first
/// `X-Forwarded-For` address when the server is configured to sit behind a proxy.
pub fn client_address(parts: &Parts, state: &AppState) -> String {
    if state.config.behind_proxy
        && let Some(forwarded) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
    {
        return forwarded.trim().to_string();
    }
    parts
        .extensions
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Whether cookies set in answer to this request get `Secure`.
pub fn secure(parts: &Parts, state: &AppState) -> bool {
    state.config.secure_cookies
        || (state.config.behind_proxy
            && parts
                .headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|p| p.eq_ignore_ascii_case("https")))
}

/// The `Set-Cookie` value that starts a session.
pub fn session_set_cookie(token: &str, secure: bool) -> HeaderValue {
    let value = format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={}{}",
        7 * 86_400,
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&value).expect("a token is a valid header value")
}

/// The `Set-Cookie` value that ends a session.
pub fn session_clear_cookie(secure: bool) -> HeaderValue {
    let value = format!(
        "{SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&value).expect("a valid header value")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_belong_to_their_session() {
        let a = csrf_token("sms_a");
        assert_eq!(a.len(), 64);
        assert_ne!(a, csrf_token("sms_b"));
        assert!(same(&a, &csrf_token("sms_a")));
        assert!(!same(&a, ""));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; salesmap_session=sms_x; other=1"),
        );
        assert_eq!(session_cookie(&headers).as_deref(), Some("sms_x"));
        let cookie = session_set_cookie("sms_x", true);
        assert_eq!(
            cookie.to_str().unwrap(),
            "salesmap_session=sms_x; HttpOnly; SameSite=Lax; Path=/; Max-Age=604800; Secure"
        );
    }
}
