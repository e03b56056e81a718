//! The connection to the database: [`Store`] over SQLite or PostgreSQL, chosen by URL.
//!
//! Both backends go through sqlx's `Any` driver, so every query is written once, with `$1`
//! placeholders that both understand; only the migrations differ (`migrations/sqlite`,
//! `migrations/postgres`, run on open by [`crate::migrate`]). Write transactions go through
//! [`Store::write`]: on SQLite they are serialized inside the process (one async queue instead
//! of busy-waiting on the file lock) and start with `BEGIN IMMEDIATE`, so a transaction that
//! reads and then writes never fails to upgrade its lock; on PostgreSQL they are ordinary
//! transactions whose deal updates are version-checked. SQLite runs in WAL mode with
//! `synchronous = FULL` (a commit that returned is on disk) and checkpoints the log in the
//! background.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use salesmap_core::history::{History, Micros};
use salesmap_core::map::Map;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{Any, AnyPool, Executor, Transaction};

use crate::error::StoreError;

/// Which database a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// How to open a store.
#[derive(Clone, Debug)]
pub struct StoreOptions {
    /// Most connections in the pool (SQLite uses at most twice the cores).
    pub max_connections: u32,
    /// How long a request waits for a free connection (or for the database to answer a
    /// connection attempt) before the store reports the database unavailable.
    pub acquire_timeout: Duration,
    /// SQLite only: the largest the database file may grow, in bytes; a write past it is
    /// refused as "the database is full" (PostgreSQL's size is the server's business).
    pub sqlite_max_bytes: Option<u64>,
}

impl Default for StoreOptions {
    fn default() -> StoreOptions {
        StoreOptions {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
            sqlite_max_bytes: None,
        }
    }
}

/// The live pipeline's storage. Cheap to clone (the pool and caches are shared).
#[derive(Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    /// SQLite only: one write transaction at a time within this process.
    writer: Arc<tokio::sync::Mutex<()>>,
    /// Parsed maps by map version id; versions are immutable, so this never goes stale.
    maps: Arc<Mutex<HashMap<i64, Arc<Map>>>>,
    /// The last live history read per pipeline, with the key it was read under (see
    /// `Store::live_history`).
    pub(crate) histories: Arc<Mutex<HistoryCache>>,
}

/// Per pipeline id: the last live history read and its key.
pub(crate) type HistoryCache = HashMap<i64, (HistoryKey, Arc<History>)>;

/// What a cached live history was read under: the published map version and the newest audit
/// row. Every change to deals, entries and touches writes an audit row in its transaction, so
/// an unchanged key means an unchanged history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct HistoryKey {
    pub version_id: i64,
    pub audit_id: i64,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish()
    }
}

/// A write transaction; on SQLite it also holds the process's write turn.
pub(crate) struct Write {
    pub(crate) tx: Transaction<'static, Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Write {
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await.map_err(StoreError::from)
    }
}

impl Store {
    /// Opens (creating a SQLite file when missing) and migrates the database at `url`:
    /// `sqlite://salesmap.db`, `sqlite:path/to/file.db` or `postgres://user@host/db`.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        Store::open_with(url, &StoreOptions::default()).await
    }

    pub async fn open_with(url: &str, options: &StoreOptions) -> Result<Store, StoreError> {
        install_default_drivers();
        let (backend, url) = normalize_url(url)?;
        // SQLite's default page size (4 KiB) turns the byte limit into a page count.
        let max_pages = options.sqlite_max_bytes.map(|b| (b / 4096).max(1));
        // SQLite runs each connection on its own thread and writes one at a time: more
        // connections than twice the cores only add switching (measured: 16 against 4 on two
        // cores, 986 and 1,213 moves/s).
        let connections = match backend {
            Backend::Sqlite => {
                let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
                options.max_connections.min((2 * cores).max(2) as u32)
            }
            Backend::Postgres => options.max_connections,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(connections)
            .min_connections(0)
            .acquire_timeout(options.acquire_timeout)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // Checkpoints run in the background (below), not in the commit that
                        // happens to fill the log, which would stall every writer behind it.
                        // A larger page cache and memory-mapped reads keep a large pipeline's
                        // indexes in memory.
                        conn.execute(
                            "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
                             PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -32768; \
                             PRAGMA mmap_size = 268435456",
                        )
                        .await?;
                        if let Some(pages) = max_pages {
                            conn.execute(format!("PRAGMA max_page_count = {pages}").as_str())
                                .await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .map_err(|e| unavailable_on_connect(e, backend))?;
        if backend == Backend::Sqlite {
            // Persistent in the file: readers never block the writer, and a crash loses
            // nothing that was committed.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
            spawn_checkpoints(pool.clone());
        }
        let store = Store {
            pool,
            backend,
            writer: Arc::new(tokio::sync::Mutex::new(())),
            maps: Arc::new(Mutex::new(HashMap::new())),
            histories: Arc::new(Mutex::new(HashMap::new())),
        };
        crate::migrate::run(&store.pool, backend == Backend::Postgres, now()).await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Whether the database answers (for health checks).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Starts a write transaction (see the module docs).
    pub(crate) async fn write(&self) -> Result<Write, StoreError> {
        match self.backend {
            Backend::Sqlite => {
                let turn = self.writer.clone().lock_owned().await;
                let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
                Ok(Write {
                    tx,
                    _turn: Some(turn),
                })
            }
            Backend::Postgres => Ok(Write {
                tx: self.pool.begin().await?,
                _turn: None,
            }),
        }
    }

    /// An aggregate that gathers `items` of every row of a group into one JSON array text of
    /// arrays, in `order`: many rows come back as one value, which on SQLite saves the per-row
    /// hand-over between the database thread and the caller that dominates large reads. The
    /// same JSON on both backends; a group of no rows is `NULL` on PostgreSQL.
    pub(crate) fn json_rows(&self, items: &str, order: &str) -> String {
        match self.backend {
            Backend::Sqlite => format!("json_group_array(json_array({items}) ORDER BY {order})"),
            Backend::Postgres => {
                format!("json_agg(json_build_array({items}) ORDER BY {order})::text")
            }
        }
    }

    /// The parsed map of a version, from the cache or by checking its source.
    pub(crate) fn cached_map(
        &self,
        version_id: i64,
        source: impl FnOnce() -> Result<Map, StoreError>,
    ) -> Result<Arc<Map>, StoreError> {
        if let Some(map) = self.maps.lock().expect("map cache").get(&version_id) {
            return Ok(map.clone());
        }
        let map = Arc::new(source()?);
        self.maps
            .lock()
            .expect("map cache")
            .insert(version_id, map.clone());
        Ok(map)
    }
}

/// Copies the write-ahead log back into the SQLite file every second, without blocking
/// readers or writers (a passive checkpoint), until the pool closes. The last connection to
/// close checkpoints whatever is left.
fn spawn_checkpoints(pool: AnyPool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if pool.is_closed() {
                return;
            }
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&pool)
                .await
                && !pool.is_closed()
            {
                eprintln!("warning: SQLite checkpoint: {e}");
            }
        }
    });
}

/// A failed first connection: the database is unavailable, with the backend named.
fn unavailable_on_connect(error: sqlx::Error, backend: Backend) -> StoreError {
    match StoreError::from(error) {
        StoreError::Internal(message) | StoreError::Unavailable(message) => {
            StoreError::Unavailable(format!(
                "cannot open the {} database: {message}",
                backend.name()
            ))
        }
        other => other,
    }
}

/// Which backend a URL names, and the URL as sqlx wants it (SQLite files are created when
/// missing).
fn normalize_url(url: &str) -> Result<(Backend, String), StoreError> {
    let url = url.trim();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Backend::Postgres, url.to_string()));
    }
    if let Some(rest) = url.strip_prefix("sqlite:") {
        let path = rest.strip_prefix("//").unwrap_or(rest);
        if path.is_empty() || path.starts_with('?') {
            return Err(StoreError::invalid(
                "database URL",
                "the SQLite URL names no file: use sqlite://salesmap.db",
            ));
        }
        let with_mode = if path.contains("mode=") {
            path.to_string()
        } else if path.contains('?') {
            format!("{path}&mode=rwc")
        } else {
            format!("{path}?mode=rwc")
        };
        return Ok((Backend::Sqlite, format!("sqlite://{with_mode}")));
    }
    Err(StoreError::invalid(
        "database URL",
        &format!(
            "`{url}` is not a database URL: use sqlite://FILE (embedded) or postgres://USER@HOST/DB"
        ),
    ))
}

/// The current time in UTC microseconds. The store is the edge that reads the clock; the core
/// never does.
pub fn now() -> Micros {
    jiff::Timestamp::now().as_microsecond()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_backend() {
        let ok = |u: &str| normalize_url(u).unwrap();
        assert_eq!(
            ok("sqlite://salesmap.db"),
            (Backend::Sqlite, "sqlite://salesmap.db?mode=rwc".into())
        );
        assert_eq!(
            ok("sqlite:data/x.db"),
            (Backend::Sqlite, "sqlite://data/x.db?mode=rwc".into())
        );
        assert_eq!(
            ok("sqlite:///tmp/x.db?cache=shared"),
            (
                Backend::Sqlite,
                "sqlite:///tmp/x.db?cache=shared&mode=rwc".into()
            )
        );
        assert_eq!(ok("postgres://u@h/db").0, Backend::Postgres);
        let err = normalize_url("mysql://x").unwrap_err().to_string();
        assert!(err.contains("not a database URL"), "{err}");
        assert!(normalize_url("sqlite://").is_err());
    }
}
