//! Test databases, for this crate's tests and those of the crates above it: every storage test
//! runs once on a fresh SQLite file and once on a fresh PostgreSQL database.
//!
//! PostgreSQL is reached at `SALESMAP_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/test`); each test creates its own database there and
//! drops it afterwards. When PostgreSQL cannot be reached, the PostgreSQL run prints that it was
//! skipped, unless `SALESMAP_CI=1`, where it fails instead.

use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{AnyConnection, Connection, Executor};

use crate::db::Backend;
use crate::secret::random_hex;

/// A fresh, empty database for one test.
#[derive(Debug)]
pub struct TestDatabase {
    pub backend: Backend,
    /// The URL to open it with (`Store::open`, `salesmap serve --db`).
    pub url: String,
    /// SQLite: the folder holding the file. PostgreSQL: the database's name.
    place: String,
    /// PostgreSQL: the URL of the database the test database was created from.
    admin: String,
}

fn admin_url() -> String {
    std::env::var("SALESMAP_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// Whether a missing PostgreSQL must fail the tests (CI) rather than skip them.
pub fn required() -> bool {
    std::env::var("SALESMAP_CI").is_ok_and(|v| v == "1")
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique() -> String {
    format!(
        "{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        random_hex(3).expect("random")
    )
}

impl TestDatabase {
    /// A new SQLite file in a new temporary folder.
    pub fn sqlite() -> TestDatabase {
        sqlx::any::install_default_drivers();
        let dir: PathBuf = std::env::temp_dir().join(format!("salesmap-test-{}", unique()));
        std::fs::create_dir_all(&dir).expect("temporary folder");
        TestDatabase {
            backend: Backend::Sqlite,
            url: format!("sqlite://{}", dir.join("salesmap.db").display()),
            place: dir.display().to_string(),
            admin: String::new(),
        }
    }

    /// A new PostgreSQL database, or `None` (with a printed notice) when PostgreSQL cannot be
    /// reached and the run is not CI's.
    pub async fn postgres(test: &str) -> Option<TestDatabase> {
        TestDatabase::postgres_at(&admin_url(), test).await
    }

    /// [`TestDatabase::postgres`] on the server of `admin` (a URL of an existing database).
    pub async fn postgres_at(admin: &str, test: &str) -> Option<TestDatabase> {
        sqlx::any::install_default_drivers();
        let admin = admin.to_string();
        let mut conn = match AnyConnection::connect(&admin).await {
            Ok(c) => c,
            Err(e) => {
                if required() {
                    panic!("SALESMAP_CI=1 but PostgreSQL at {admin} cannot be reached: {e}");
                }
                // Written to the terminal directly: the test harness captures `eprintln!`.
                use std::io::Write as _;
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED (PostgreSQL) {test}: cannot reach {admin}: {e}"
                );
                return None;
            }
        };
        let name = format!("salesmap_test_{}", unique());
        conn.execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("CREATE DATABASE");
        let _ = conn.close().await;
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        Some(TestDatabase {
            backend: Backend::Postgres,
            url: format!("{base}/{name}"),
            place: name,
            admin,
        })
    }

    /// Removes the database (and the SQLite folder).
    pub async fn remove(self) {
        match self.backend {
            Backend::Sqlite => {
                let _ = std::fs::remove_dir_all(&self.place);
            }
            Backend::Postgres => {
                if let Ok(mut conn) = AnyConnection::connect(&self.admin).await {
                    let _ = conn
                        .execute(
                            format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.place).as_str(),
                        )
                        .await;
                    let _ = conn.close().await;
                }
            }
        }
    }

    /// The folder of a SQLite database (for tests that need files beside it).
    pub fn folder(&self) -> Option<PathBuf> {
        (self.backend == Backend::Sqlite).then(|| PathBuf::from(&self.place))
    }
}

/// Runs `test` once on a fresh SQLite database and once on a fresh PostgreSQL database (when
/// reachable), removing each afterwards, even when the test fails.
pub async fn on_each_backend<F, Fut>(name: &str, test: F)
where
    F: Fn(TestDatabase) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_on(name, TestDatabase::sqlite(), &test).await;
    // Created only now, so a failure on SQLite leaves no PostgreSQL database behind.
    if let Some(pg) = TestDatabase::postgres(name).await {
        run_on(name, pg, &test).await;
    }
}

async fn run_on<F, Fut>(name: &str, db: TestDatabase, test: &F)
where
    F: Fn(TestDatabase) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let backend = db.backend;
    let copy = TestDatabase {
        backend: db.backend,
        url: db.url.clone(),
        place: db.place.clone(),
        admin: db.admin.clone(),
    };
    let outcome = tokio::spawn(test(db)).await;
    copy.remove().await;
    if let Err(e) = outcome {
        if e.is_panic() {
            eprintln!("{name} failed on {}", backend.name());
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("{name} on {}: {e}", backend.name());
    }
}
