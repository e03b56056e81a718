//! The application: the API nested under `/api/v1`, the pages at the root, one fallback that
//! answers unknown paths and methods with problem documents, and the response headers every
//! answer carries (no sniffing, no framing, no caching, a strict Content-Security-Policy).
//! [`serve`] runs it on a listener until the shutdown signal, finishing requests in flight.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use salesmap_store::Store;
use tokio::net::TcpListener;

use crate::problem::ApiError;
use crate::state::{AppState, ServerConfig};

/// The whole application for a store and settings.
pub fn app(store: Store, config: ServerConfig) -> Router {
    let state = AppState {
        store,
        config: Arc::new(config),
    };
    let api = crate::api::router()
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(state.config.body_limit));
    Router::new()
        .nest("/api/v1", api)
        .merge(crate::pages::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

/// Unknown paths: a problem document for the API and for clients that do not ask for HTML; a
/// page that says so, in the visitor's language, for a browser outside the API.
async fn not_found(request: Request) -> Response {
    let error =
        ApiError::NotFound("no such page or API endpoint (the API is under /api/v1)".into());
    let wants_html = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if wants_html && !request.uri().path().starts_with("/api/") {
        let lang = crate::pages::locale::choose(request.headers());
        return crate::pages::shell::PageError { lang, error }.into_response();
    }
    error.into_response()
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// Headers on every response: the security headers, and `Server-Timing` with the time the
/// server spent on the request (for monitoring and the benchmark).
async fn security_headers(request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Ok(timing) = HeaderValue::from_str(&format!(
        "app;dur={:.3}",
        started.elapsed().as_secs_f64() * 1e3
    )) {
        headers.insert("server-timing", timing);
    }
    let set = |headers: &mut axum::http::HeaderMap, name, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(headers, header::CACHE_CONTROL, "no-store");
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; \
         connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    response
}

/// Serves the application on `listener` until `shutdown` completes; requests in flight are
/// finished, then the store's connections are closed.
pub async fn serve(
    listener: TcpListener,
    store: Store,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app(store.clone(), config);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    store.close().await;
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
