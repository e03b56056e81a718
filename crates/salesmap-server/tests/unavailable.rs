//! A database that is full or down gives 503 with a clear message, never a panic, and the
//! server recovers when the database does. SQLite fills up against its size limit
//! (`sqlite_max_bytes`); PostgreSQL goes down behind a TCP relay that the test cuts and
//! restores.

use std::time::Duration;

use salesmap_server::ServerConfig;
use salesmap_server::testing::{Client, Reply, spawn};
use salesmap_store::testing::TestDatabase;
use salesmap_store::{Actor, NewUser, Role, Store, StoreOptions};
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

async fn prepare(url: &str) {
    let store = Store::open(url).await.unwrap();
    store
        .first_start(salesmap_mapfile::templates::b2b("en"))
        .await
        .unwrap();
    store
        .add_user(
            &Actor::console(),
            NewUser {
                login: "rep".into(),
                display_name: "Rep".into(),
                role: Role::Rep,
                password: Some("rep-password".into()),
            },
        )
        .await
        .unwrap();
    store.close().await;
}

fn assert_unavailable(r: &Reply, says: &str) {
    assert_eq!(r.status, 503, "{}", r.text());
    let p = r.json();
    assert_eq!(p["type"], "urn:salesmap:problem:unavailable", "{p}");
    let detail = p["detail"].as_str().unwrap();
    assert!(detail.contains(says), "{detail}");
    assert!(detail.contains("nothing was changed"), "{detail}");
    assert!(r.header("retry-after").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_sqlite_database_answers_503_and_keeps_serving_reads() {
    let db = TestDatabase::sqlite();
    prepare(&db.url).await;
    // Pages not yet checkpointed live in the write-ahead log beside the file.
    let folder = db.folder().unwrap();
    let size: u64 = ["salesmap.db", "salesmap.db-wal"]
        .iter()
        .filter_map(|f| std::fs::metadata(folder.join(f)).ok())
        .map(|m| m.len())
        .sum();
    let options = StoreOptions {
        sqlite_max_bytes: Some(size + 256 * 1024),
        ..StoreOptions::default()
    };
    let store = Store::open_with(&db.url, &options).await.unwrap();
    let server = spawn(store, ServerConfig::default()).await;
    let mut c = server.client();
    assert_eq!(c.sign_in("rep", "rep-password").await.status, 200);
    let big = "x".repeat(190);
    let mut created = 0;
    let full = loop {
        let r = c
            .post(
                "/api/v1/pipelines/sales/deals",
                &json!({"name": big, "company": big, "attributes": {"notes": big}}),
            )
            .await;
        if r.status != 201 {
            break r;
        }
        created += 1;
        assert!(created < 10_000, "the limit never bit");
    };
    assert!(created > 5, "{created}: {}", full.text());
    assert_unavailable(&full, "the database is full");
    // Reads still work, and the refused write left nothing behind.
    let page = c.get("/api/v1/pipelines/sales/deals?limit=500").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.json()["deals"].as_array().unwrap().len(), created);
    server.stop().await;
    db.remove().await;
}

/// A TCP relay to PostgreSQL that the test can cut (closing every connection) and restore.
struct Relay {
    port: u16,
    task: tokio::task::JoinHandle<()>,
}

impl Relay {
    async fn start(port: u16) -> Relay {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                connections.spawn(async move {
                    if let Ok(mut server) = TcpStream::connect("127.0.0.1:5432").await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
        });
        Relay { port, task }
    }

    /// Cuts every connection and stops listening.
    async fn cut(self) -> u16 {
        self.task.abort();
        let _ = self.task.await;
        self.port
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_going_down_answers_503_and_the_server_recovers() {
    let Some(db) = TestDatabase::postgres("postgres_down").await else {
        return;
    };
    prepare(&db.url).await;
    let relay = Relay::start(0).await;
    let name = db.url.rsplit('/').next().unwrap().to_string();
    let through = format!("postgres://postgres@127.0.0.1:{}/{name}", relay.port);
    let options = StoreOptions {
        acquire_timeout: Duration::from_secs(1),
        ..StoreOptions::default()
    };
    let store = Store::open_with(&through, &options).await.unwrap();
    let server = spawn(store, ServerConfig::default()).await;
    let mut c: Client = server.client();
    assert_eq!(c.sign_in("rep", "rep-password").await.status, 200);
    assert_eq!(c.get("/api/v1/health").await.status, 200);

    let port = relay.cut().await;
    for _ in 0..3 {
        assert_unavailable(&c.get("/api/v1/health").await, "the database");
        let r = c
            .post(
                "/api/v1/pipelines/sales/deals",
                &json!({"name": "while down"}),
            )
            .await;
        assert_unavailable(&r, "the database");
    }

    let relay = Relay::start(port).await;
    let mut back = false;
    for _ in 0..50 {
        if c.get("/api/v1/health").await.status == 200 {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(back, "the server did not recover");
    let r = c
        .post("/api/v1/pipelines/sales/deals", &json!({"name": "after"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let page = c.get("/api/v1/pipelines/sales/deals").await.json();
    let names: Vec<&str> = page["deals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["after"]);
    server.stop().await;
    relay.cut().await;
    db.remove().await;
}
