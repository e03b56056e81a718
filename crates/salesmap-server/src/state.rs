//! What every request handler shares: the store and the server's settings ([`ServerConfig`]).
//! App servers keep no other state: sessions, rate limits and data live in the database, so
//! any number of instances can serve one team.

use std::sync::Arc;

use salesmap_store::Store;

/// Settings of one server process.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Send the session cookie with `Secure` on every response (serve behind TLS).
    pub secure_cookies: bool,
    /// Trust `X-Forwarded-For` and `X-Forwarded-Proto` from a reverse proxy in front: the
    /// client address for the sign-in rate limit, and `Secure` cookies when the proxy says the
    /// client used https.
    pub behind_proxy: bool,
    /// Largest JSON request body, in bytes.
    pub body_limit: usize,
    /// Largest history upload, in bytes.
    pub upload_limit: u64,
    /// Where uploads are spooled while they are read (the system's temporary folder).
    pub spool_dir: std::path::PathBuf,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            secure_cookies: false,
            behind_proxy: false,
            body_limit: 1 << 20,
            upload_limit: 200 << 20,
            spool_dir: std::env::temp_dir(),
        }
    }
}

/// The state handed to every handler.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<ServerConfig>,
}
