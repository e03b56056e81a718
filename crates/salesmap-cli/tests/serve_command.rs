//! `salesmap serve`, `user` and `export` as a user runs them: the real binary on a fresh SQLite
//! file and a fresh PostgreSQL database. Index:
//! - first start prints the address and a one-time password; `user add` and `user list`;
//! - the analysis endpoint's JSON equals `salesmap analyze --format json` on `salesmap export`;
//! - `kill -9` during a burst of moves loses no acknowledged move; SIGTERM finishes requests in
//!   flight and exits 0;
//! - two servers on one PostgreSQL database serve one team.

mod support;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use salesmap_server::testing::Client;
use salesmap_store::testing::{TestDatabase, on_each_backend};
use salesmap_store::{Actor, Backend, MoveRequest, NewDeal, NewUser, Role, Store};
use serde_json::{Value, json};
use support::{salesmap, temp_dir};

/// A `salesmap serve` process and the address it printed.
struct Served {
    child: Child,
    address: SocketAddr,
    stdout: Vec<String>,
}

impl Served {
    fn start(db: &str, extra: &[&str]) -> Served {
        let dir = temp_dir("serve");
        let mut child = Command::new(env!("CARGO_BIN_EXE_salesmap"))
            .args(["serve", "--db", db, "--listen", "127.0.0.1:0"])
            .args(extra)
            .current_dir(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start salesmap serve");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut stdout = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let Some(Ok(line)) = lines.next().filter(|_| Instant::now() < deadline) else {
                let _ = child.kill();
                let _ = child.wait();
                let mut err = String::new();
                use std::io::Read;
                let _ = child.stderr.take().unwrap().read_to_string(&mut err);
                panic!("serve did not start: {stdout:?} {err}");
            };
            stdout.push(line.clone());
            if let Some(rest) = line.strip_prefix("salesmap is serving http://") {
                let address = rest.split('/').next().unwrap().parse().unwrap();
                // Keep reading stdout so the server never blocks on a full pipe.
                std::thread::spawn(move || for _ in lines {});
                return Served {
                    child,
                    address,
                    stdout,
                };
            }
        }
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([format!("-{name}"), self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }

    fn wait(&mut self, limit: Duration) -> Option<i32> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A database set up as a team would have it: the template pipeline, a manager `boss` with
/// password `boss-password`, and `deals` deals at the start stage.
async fn prepared(db: &TestDatabase, deals: usize) -> Vec<i64> {
    let store = Store::open(&db.url).await.unwrap();
    store
        .first_start(salesmap_mapfile::templates::b2b("en"))
        .await
        .unwrap();
    let console = Actor::console();
    store
        .add_user(
            &console,
            NewUser {
                login: "boss".into(),
                display_name: "Boss".into(),
                role: Role::Manager,
                password: Some("boss-password".into()),
            },
        )
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..deals {
        let d = store
            .create_deal(
                &console,
                "sales",
                NewDeal {
                    name: format!("deal {i}"),
                    ..NewDeal::default()
                },
            )
            .await
            .unwrap();
        ids.push(d.id);
    }
    store.close().await;
    ids
}

const PATH: [&str; 8] = [
    "brand-awareness",
    "brand-engagement",
    "mql",
    "sales-interaction",
    "sql",
    "discovery",
    "demo",
    "proposal",
];

/// Moves `deal` one step along the main path with an override; `Some((from, to))` when the
/// server acknowledged it, `None` for a refusal or a failure to reach the server.
async fn step(c: &Client, deal: i64) -> Option<(String, String)> {
    let d = c
        .try_send("GET", &format!("/api/v1/deals/{deal}"), None, b"", &[])
        .await
        .ok()?;
    if d.status != 200 {
        return None;
    }
    let d = d.json()["deal"].clone();
    let at = PATH.iter().position(|s| *s == d["stage"])?;
    let to = PATH.get(at + 1)?;
    let body = json!({"to": to, "version": d["version"], "override_reason": "burst"}).to_string();
    let r = c
        .try_send(
            "POST",
            &format!("/api/v1/deals/{deal}/moves"),
            Some("application/json"),
            body.as_bytes(),
            &[],
        )
        .await
        .ok()?;
    (r.status == 200).then(|| (d["stage"].as_str().unwrap().to_string(), to.to_string()))
}

/// Checks that every acknowledged move is in the deal's stage history, which runs as one chain.
async fn assert_all_acknowledged_moves_kept(url: &str, acknowledged: &[(i64, String, String)]) {
    let store = Store::open(url).await.unwrap();
    let console = Actor::console();
    let mut deals: Vec<i64> = acknowledged.iter().map(|a| a.0).collect();
    deals.sort();
    deals.dedup();
    for deal in deals {
        let entries = store.stage_entries(&console, deal).await.unwrap();
        for pair in entries.windows(2) {
            assert_eq!(
                pair[1].from_stage.as_deref(),
                Some(pair[0].stage.as_str()),
                "deal {deal}"
            );
        }
        for (_, from, to) in acknowledged.iter().filter(|a| a.0 == deal) {
            assert!(
                entries
                    .iter()
                    .any(|e| &e.stage == to && e.from_stage.as_deref() == Some(from.as_str())),
                "deal {deal}: acknowledged move {from} → {to} lost"
            );
        }
        let d = store.deal(&console, deal).await.unwrap();
        assert_eq!(d.stage, entries.last().unwrap().stage);
    }
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_start_prints_the_address_and_a_one_time_password() {
    on_each_backend("first_start", |db| async move {
        let served = Served::start(&db.url, &[]);
        let out = served.stdout.join("\n");
        assert!(
            out.contains("first start: sign in as `admin` with the one-time password "),
            "{out}"
        );
        let password = out
            .split("one-time password ")
            .nth(1)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .to_string();
        let mut c = Client::new(served.address);
        let r = c.sign_in("admin", &password).await;
        assert_eq!(
            (r.status, r.json()["must_change_password"].as_bool()),
            (200, Some(true))
        );
        drop(served);
        // The second start creates nothing and prints no password.
        let again = Served::start(&db.url, &[]);
        assert!(!again.stdout.join("\n").contains("one-time password"));
        drop(again);
        let dir = temp_dir("user-add");
        let (code, out, err) = salesmap(
            &dir,
            &[
                "user",
                "add",
                "kim",
                "--name",
                "Kim Minji",
                "--role",
                "manager",
                "--db",
                &db.url,
            ],
        );
        assert_eq!(code, 0, "{err}");
        assert!(
            out.starts_with("added `kim` (manager) with the one-time password "),
            "{out}"
        );
        let (code, out, _) = salesmap(&dir, &["user", "list", "--db", &db.url]);
        assert_eq!(code, 0);
        expect_test::expect![[r#"
            admin                    admin    Administrator
            kim                      manager  Kim Minji
        "#]]
        .assert_eq(&out);
        let (code, _, err) = salesmap(&dir, &["user", "set-role", "kim", "boss", "--db", &db.url]);
        assert_eq!(code, 1);
        assert!(err.contains("`boss` is not a role"), "{err}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_analysis_endpoint_equals_analyze_on_an_export() {
    on_each_backend("analysis", |db| async move {
        let store = Store::open(&db.url).await.unwrap();
        store
            .first_start(salesmap_mapfile::templates::b2b("en"))
            .await
            .unwrap();
        store.load_demo("sales", 150, 3).await.unwrap();
        let console = Actor::console();
        // Some live changes on top of the imported history.
        let d = store
            .create_deal(
                &console,
                "sales",
                NewDeal {
                    name: "Live".into(),
                    amount: Some(5000.0),
                    ..NewDeal::default()
                },
            )
            .await
            .unwrap();
        store
            .move_deal(
                &console,
                d.id,
                MoveRequest {
                    to: "brand-engagement".into(),
                    version: d.version,
                    override_reason: Some("test".into()),
                    ..MoveRequest::default()
                },
            )
            .await
            .unwrap();
        store
            .add_user(
                &console,
                NewUser {
                    login: "v".into(),
                    display_name: "V".into(),
                    role: Role::Viewer,
                    password: Some("viewer-password".into()),
                },
            )
            .await
            .unwrap();
        let source = store
            .map_version(&console, "sales", 1)
            .await
            .unwrap()
            .source;
        let server =
            salesmap_server::testing::spawn(store, salesmap_server::ServerConfig::default()).await;
        let mut c = server.client();
        c.sign_in("v", "viewer-password").await;
        let served = c.get("/api/v1/pipelines/sales/analysis").await;
        assert_eq!(served.status, 200, "{}", served.text());
        let mut served = served.json();

        let dir = temp_dir(&format!("analysis-{:?}", db.backend));
        std::fs::write(dir.join("map.toml"), &source).unwrap();
        let (code, _, err) = salesmap(&dir, &["export", "--db", &db.url, "-o", "history.csv"]);
        assert_eq!(code, 0, "{err}");
        let (code, out, err) = salesmap(
            &dir,
            &[
                "analyze",
                "--map",
                "map.toml",
                "history.csv",
                "--format",
                "json",
            ],
        );
        assert_eq!(code, 0, "{err}");
        let mut cli: Value = serde_json::from_str(&out).unwrap();
        for v in [&mut served, &mut cli] {
            let o = v.as_object_mut().unwrap();
            o.remove("map");
            o.remove("history");
        }
        assert!(
            served["deals"].as_u64().unwrap() == 151,
            "{}",
            served["deals"]
        );
        assert_eq!(served, cli);
        // The export endpoint is the same file.
        let file = c.get("/api/v1/pipelines/sales/export").await;
        assert_eq!(file.body, std::fs::read(dir.join("history.csv")).unwrap());
        server.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_a_burst_of_moves_loses_no_acknowledged_move() {
    on_each_backend("kill_9", |db| async move {
        let deals = prepared(&db, 300).await;
        let possible = deals.len() * (PATH.len() - 1);
        let mut served = Served::start(&db.url, &[]);
        let mut c = Client::new(served.address);
        assert_eq!(c.sign_in("boss", "boss-password").await.status, 200);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut clients = Vec::new();
        for i in 0..8 {
            let c = c.clone();
            let tx = tx.clone();
            let mine: Vec<i64> = deals.iter().copied().skip(i % 3).step_by(3).collect();
            clients.push(tokio::spawn(async move {
                let start = Instant::now();
                'outer: while start.elapsed() < Duration::from_secs(20) {
                    for &deal in &mine {
                        match step(&c, deal).await {
                            Some((from, to)) => {
                                let _ = tx.send((deal, from, to));
                            }
                            None => {
                                if c.try_send("GET", "/api/v1/health", None, b"", &[])
                                    .await
                                    .is_err()
                                {
                                    break 'outer;
                                }
                            }
                        }
                    }
                }
            }));
        }
        drop(tx);
        // Let the burst run, then kill the server without warning.
        let mut acknowledged = Vec::new();
        let until = Instant::now() + Duration::from_millis(1000);
        while Instant::now() < until {
            if let Ok(Some(a)) = tokio::time::timeout(Duration::from_millis(50), rx.recv()).await {
                acknowledged.push(a);
            }
        }
        served.signal("KILL");
        assert_eq!(
            served.wait(Duration::from_secs(10)),
            None,
            "killed by a signal has no exit code"
        );
        for client in clients {
            client.await.unwrap();
        }
        while let Ok(a) = rx.try_recv() {
            acknowledged.push(a);
        }
        assert!(
            acknowledged.len() >= 10,
            "only {} moves before the kill",
            acknowledged.len()
        );
        assert!(
            acknowledged.len() < possible,
            "the burst was over before the kill"
        );
        eprintln!(
            "{:?}: {} acknowledged moves before kill -9",
            db.backend,
            acknowledged.len()
        );
        assert_all_acknowledged_moves_kept(&db.url, &acknowledged).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_requests_in_flight_and_exits_cleanly() {
    on_each_backend("sigterm", |db| async move {
        prepared(&db, 1).await;
        let mut served = Served::start(&db.url, &["--demo", "--demo-deals", "300"]);
        let mut c = Client::new(served.address);
        assert_eq!(c.sign_in("boss", "boss-password").await.status, 200);
        // An analysis in flight when the signal arrives is answered in full.
        let pending = tokio::spawn({
            let c = c.clone();
            async move {
                c.try_send("GET", "/api/v1/pipelines/sales/analysis", None, b"", &[])
                    .await
            }
        });
        tokio::time::sleep(Duration::from_millis(30)).await;
        served.signal("TERM");
        let reply = pending.await.unwrap().expect("answered");
        assert_eq!(reply.status, 200);
        assert!(reply.json()["deals"].as_u64().unwrap() >= 1);
        assert_eq!(served.wait(Duration::from_secs(20)), Some(0));
        // Stopped means stopped.
        assert!(
            c.try_send("GET", "/api/v1/health", None, b"", &[])
                .await
                .is_err()
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgres_database_serve_one_team() {
    let Some(db) = TestDatabase::postgres("two_servers").await else {
        return;
    };
    assert_eq!(db.backend, Backend::Postgres);
    let deals = prepared(&db, 12).await;
    let (one, two) = (Served::start(&db.url, &[]), Served::start(&db.url, &[]));
    let mut a = Client::new(one.address);
    assert_eq!(a.sign_in("boss", "boss-password").await.status, 200);
    // The session works on either server: nothing is kept in a server.
    let mut b = a.clone();
    b.address = two.address;
    let moved = step(&a, deals[0]).await.expect("a move on one");
    let seen = b.get(&format!("/api/v1/deals/{}", deals[0])).await.json();
    assert_eq!(seen["deal"]["stage"], moved.1.as_str());
    // Concurrent moves through both servers lose nothing.
    let mut tasks = Vec::new();
    for i in 0..8 {
        let c = if i % 2 == 0 { a.clone() } else { b.clone() };
        let deals = deals.clone();
        tasks.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            for _ in 0..3 {
                for &deal in &deals {
                    if let Some((from, to)) = step(&c, deal).await {
                        acked.push((deal, from, to));
                    }
                }
            }
            acked
        }));
    }
    let mut acknowledged = vec![(deals[0], moved.0, moved.1)];
    for t in tasks {
        acknowledged.extend(t.await.unwrap());
    }
    assert!(acknowledged.len() > 20, "{}", acknowledged.len());
    drop((one, two));
    assert_all_acknowledged_moves_kept(&db.url, &acknowledged).await;
    db.remove().await;
}
