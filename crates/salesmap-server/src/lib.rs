//! salesmap's web server: HTTP only. Storage and every rule of the live pipeline are in
//! `salesmap-store`; this crate turns requests into the store's domain operations and their
//! results into responses.
//!
//! [`app`] builds the application (the JSON API under `/api/v1` with its OpenAPI 3.1 document,
//! and the server-rendered pages at the root) and [`serve`] runs it until a shutdown signal.
//! The pieces, each used only by those after it: `problem` (the one error type, sent as RFC
//! 9457 problem+json) → `state` (the store and [`ServerConfig`]) → `extract` (extractors whose
//! rejections are problems) → `auth` (session cookie, API tokens, CSRF) → `api` (one module per
//! resource, each owning its routes) and `pages` (HTML) → `server` (assembly, headers, serving).

pub mod api;
pub mod auth;
pub mod extract;
pub mod pages;
pub mod problem;
pub mod server;
pub mod state;
#[cfg(feature = "testing")]
pub mod testing;

pub use problem::{ApiError, Problem};
pub use server::{app, serve, shutdown_signal};
pub use state::{AppState, ServerConfig};
