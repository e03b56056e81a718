//! [`ApiError`]: the one error type of the HTTP layer. Each variant documents its status code;
//! every error is sent as RFC 9457 `application/problem+json` ([`Problem`]) with a stable `type`,
//! a title, a detail that says what to fix, and the members that help fix it (the unticked
//! items, the allowed stages, the deal as it is now). Internal errors are logged with their
//! cause and answered with a plain 500 that leaks nothing.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use salesmap_store::{Deal, MissingItem, Refusal, StoreError};
use serde::Serialize;

/// An RFC 9457 problem document.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`urn:salesmap:problem:<kind>`).
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What went wrong and how to fix it.
    pub detail: String,
    /// The request field at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Unticked exit checklist items that block a move.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Vec<MissingItem>>,
    /// The stages the deal may move to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
    /// The deal as it is now (a write with a stale version).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<Box<Deal>>,
    /// Seconds to wait before trying again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// Everything a request can fail with.
#[derive(Debug)]
pub enum ApiError {
    /// 400: the request is malformed (bad JSON, a bad query or path parameter).
    BadRequest(String),
    /// 401: no valid session cookie or API token.
    Unauthenticated,
    /// 401: a sign-in with a wrong login or password.
    BadCredentials,
    /// 403: signed in, but the role or ownership does not allow it.
    Forbidden(String),
    /// 403: a cookie-authenticated change without the right CSRF token.
    Csrf,
    /// 403: the user must set a new password first.
    PasswordChangeRequired,
    /// 404: no such resource.
    NotFound(String),
    /// 405: the path exists, the method does not.
    MethodNotAllowed,
    /// 409: the deal changed since the caller read it; carries the deal as it is now.
    StaleVersion(Box<Deal>),
    /// 409: a resource with the same key exists.
    Duplicate(String),
    /// 413: the body is larger than the limit (in bytes).
    PayloadTooLarge(u64),
    /// 415: the body's content type is not one this endpoint reads.
    UnsupportedMediaType(String),
    /// 422: a field's value is invalid.
    Invalid { field: String, message: String },
    /// 422: the map's rules refuse the operation.
    Refused(Refusal),
    /// 429: too many failed sign-ins.
    RateLimited(u64),
    /// 503: the database is down, full or overloaded.
    Unavailable(String),
    /// 500: a bug; the cause is logged, not sent.
    Internal(String),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::Unavailable(m) => ApiError::Unavailable(m),
            StoreError::NotFound(what) => ApiError::NotFound(format!("{what} not found")),
            StoreError::Forbidden(why) => ApiError::Forbidden(why),
            StoreError::PasswordChangeRequired => ApiError::PasswordChangeRequired,
            StoreError::Invalid { field, message } => ApiError::Invalid { field, message },
            StoreError::StaleVersion(deal) => ApiError::StaleVersion(deal),
            StoreError::Duplicate(what) => ApiError::Duplicate(format!("{what} already exists")),
            StoreError::Refused(r) => ApiError::Refused(r),
            StoreError::BadCredentials => ApiError::BadCredentials,
            StoreError::RateLimited { retry_after_secs } => ApiError::RateLimited(retry_after_secs),
            StoreError::Internal(m) => ApiError::Internal(m),
        }
    }
}

impl ApiError {
    pub fn invalid(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated | ApiError::BadCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::Csrf | ApiError::PasswordChangeRequired => {
                StatusCode::FORBIDDEN
            }
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::StaleVersion(_) | ApiError::Duplicate(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Invalid { .. } | ApiError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem document sent for this error.
    pub fn problem(&self) -> Problem {
        let status = self.status().as_u16();
        let p = |kind: &str, title: &str, detail: String| Problem {
            kind: format!("urn:salesmap:problem:{kind}"),
            title: title.into(),
            status,
            detail,
            ..Problem::default()
        };
        match self {
            ApiError::BadRequest(m) => p("bad-request", "Malformed request", m.clone()),
            ApiError::Unauthenticated => p(
                "unauthenticated",
                "Sign-in required",
                "sign in (POST /api/v1/session) or send `Authorization: Bearer <API token>`".into(),
            ),
            ApiError::BadCredentials => p(
                "bad-credentials",
                "Wrong login or password",
                "the login or the password is wrong".into(),
            ),
            ApiError::Forbidden(why) => p("forbidden", "Not allowed", why.clone()),
            ApiError::Csrf => p(
                "csrf",
                "Missing or wrong CSRF token",
                "a change made with a session cookie needs the session's CSRF token in the \
                 `X-CSRF-Token` header (or the `csrf_token` form field); GET /api/v1/session \
                 returns it"
                    .into(),
            ),
            ApiError::PasswordChangeRequired => p(
                "password-change-required",
                "Set a new password first",
                "this account has a one-time password: set your own with POST \
                 /api/v1/session/password before anything else"
                    .into(),
            ),
            ApiError::NotFound(what) => p("not-found", "Not found", what.clone()),
            ApiError::MethodNotAllowed => p(
                "method-not-allowed",
                "Method not allowed",
                "this path does not take this method; the API document lists the methods".into(),
            ),
            ApiError::StaleVersion(deal) => Problem {
                current: Some(deal.clone()),
                ..p(
                    "stale-version",
                    "The deal has changed",
                    format!(
                        "deal {} was changed by someone else since you read it (now version {}); \
                         `current` is the deal as it is now: check it and send the change again \
                         with that version",
                        deal.id, deal.version
                    ),
                )
            },
            ApiError::Duplicate(what) => p("duplicate", "Already exists", what.clone()),
            ApiError::PayloadTooLarge(limit) => p(
                "payload-too-large",
                "Request body too large",
                format!("the body is larger than the limit of {limit} bytes"),
            ),
            ApiError::UnsupportedMediaType(m) => p(
                "unsupported-media-type",
                "Unsupported content type",
                m.clone(),
            ),
            ApiError::Invalid { field, message } => Problem {
                field: Some(field.clone()),
                ..p("invalid", "Invalid value", format!("{field}: {message}"))
            },
            ApiError::Refused(refusal) => {
                let detail = refusal.to_string();
                match refusal {
                    Refusal::ExitChecklist { missing } => Problem {
                        missing: Some(missing.clone()),
                        ..p("exit-checklist", "Exit checklist not done", detail)
                    },
                    Refusal::TransitionNotAllowed { allowed, .. } => Problem {
                        allowed: Some(allowed.clone()),
                        ..p("transition-not-allowed", "Move not on the map", detail)
                    },
                    Refusal::ReasonRequired { .. } => Problem {
                        field: Some("reason".into()),
                        ..p("reason-required", "A reason is required", detail)
                    },
                    Refusal::MapHasErrors { .. } => Problem {
                        field: Some("source".into()),
                        ..p("map-has-errors", "The map has errors", detail)
                    },
                    Refusal::StagesInUse { .. } => {
                        p("stages-in-use", "Stages still hold open deals", detail)
                    }
                    Refusal::Closed { .. } => p("closed", "The deal is closed", detail),
                }
            }
            ApiError::RateLimited(secs) => Problem {
                retry_after: Some(*secs),
                ..p(
                    "rate-limited",
                    "Too many failed sign-ins",
                    format!("too many failed sign-ins: try again in {secs} s"),
                )
            },
            ApiError::Unavailable(m) => p(
                "unavailable",
                "Service unavailable",
                format!("the database is unavailable: {m}; nothing was changed, try again later"),
            ),
            ApiError::Internal(_) => p(
                "internal",
                "Internal error",
                "something went wrong on the server; it has been logged".into(),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            ApiError::Internal(cause) => eprintln!("error: internal: {cause}"),
            ApiError::Unavailable(cause) => eprintln!("warning: database unavailable: {cause}"),
            _ => {}
        }
        let problem = self.problem();
        let body = serde_json::to_vec(&problem).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (self.status(), body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = problem.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status() == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        if self.status() == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"salesmap\""),
            );
        }
        response
    }
}

/// The error responses every authenticated endpoint may give, for the API document.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum CommonErrors {
    /// Malformed request.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// Not signed in.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthenticated(Problem),
    /// Not allowed, or a missing CSRF token.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// No such resource.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// Body too large.
    #[response(status = 413, content_type = "application/problem+json")]
    TooLarge(Problem),
    /// Unsupported content type.
    #[response(status = 415, content_type = "application/problem+json")]
    Unsupported(Problem),
    /// Invalid value, or refused by the map.
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(Problem),
    /// The database is unavailable.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
    /// Internal error.
    #[response(status = 500, content_type = "application/problem+json")]
    Internal(Problem),
}

/// A 409 for endpoints with versioned or unique resources.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum ConflictError {
    /// Stale version (with the current deal) or a duplicate key.
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
}
