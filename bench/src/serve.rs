//! `salesmap-serve-bench`: the server's benchmark. For each database (a SQLite file, and
//! PostgreSQL when `--postgres URL` is given) it sets up a pipeline on the bundled template,
//! serves it on a loopback port and measures, with a keep-alive HTTP client on its own runtime:
//!
//! - **board**: `GET /api/v1/pipelines/sales/board` with 10,000 open deals (server time from
//!   the `Server-Timing` header, and the client's);
//! - **moves**: 32 clients moving deals along the main path for a fixed time (a manager's move
//!   with an override, so each is a version-checked update, a stage entry, two audit rows and
//!   an outbox event): moves per second and latency percentiles;
//! - **analysis**: `GET /api/v1/pipelines/sales/analysis` on 100,000 generated deals, the first
//!   request (history read from the database) and the next ones.
//!
//! Everything stays on 127.0.0.1 and every loop is bounded in time and count.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use salesmap_core::generate::{GenerateOptions, generate};
use salesmap_core::history::{EventKind, History, MICROS_PER_DAY};
use salesmap_server::ServerConfig;
use salesmap_store::testing::TestDatabase;
use salesmap_store::{Actor, NewUser, Role, Store, StoreOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Deals each moving client owns: enough steps for the whole run at well over 1,000 moves/s.
const PER_CLIENT: usize = 200;

const USAGE: &str = "usage: salesmap-serve-bench [--postgres URL] [--skip-sqlite] [--seconds N] [--board-deals N] \
                     [--analysis-deals N] [--clients N]";

struct Settings {
    postgres: Option<String>,
    skip_sqlite: bool,
    seconds: u64,
    board_deals: usize,
    analysis_deals: usize,
    clients: usize,
}

fn settings() -> Result<Settings, String> {
    let mut s = Settings {
        postgres: None,
        skip_sqlite: false,
        seconds: 10,
        board_deals: 10_000,
        analysis_deals: 100_000,
        clients: 32,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{a} needs a value\n{USAGE}"))
        };
        match a.as_str() {
            "--postgres" => s.postgres = Some(value()?),
            "--skip-sqlite" => s.skip_sqlite = true,
            "--seconds" => s.seconds = value()?.parse().map_err(|_| USAGE.to_string())?,
            "--board-deals" => s.board_deals = value()?.parse().map_err(|_| USAGE.to_string())?,
            "--analysis-deals" => {
                s.analysis_deals = value()?.parse().map_err(|_| USAGE.to_string())?
            }
            "--clients" => s.clients = value()?.parse().map_err(|_| USAGE.to_string())?,
            _ => return Err(USAGE.to_string()),
        }
    }
    if s.seconds == 0 || s.seconds > 120 {
        return Err("--seconds must be between 1 and 120".into());
    }
    Ok(s)
}

fn main() -> std::process::ExitCode {
    let settings = match settings() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::from(2);
        }
    };
    let client = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("client runtime");
    println!(
        "salesmap server benchmark: {} cores, loopback, release build",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let mut backends = if settings.skip_sqlite {
        vec![]
    } else {
        vec![None]
    };
    if let Some(url) = &settings.postgres {
        backends.push(Some(url.clone()));
    }
    for postgres in backends {
        let db = match &postgres {
            None => TestDatabase::sqlite(),
            Some(url) => match client.block_on(TestDatabase::postgres_at(url, "bench")) {
                Some(db) => db,
                None => {
                    eprintln!("PostgreSQL at {url} cannot be reached: skipped");
                    continue;
                }
            },
        };
        println!("\n== {} ==", db.backend.name());
        run(&client, &db, &settings);
        client.block_on(db.remove());
    }
    std::process::ExitCode::SUCCESS
}

/// Starts a server over `url` on its own runtime (two worker threads) and returns its address
/// and the runtime (which stops the server when dropped).
fn serve(url: &str) -> (tokio::runtime::Runtime, SocketAddr) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("server runtime");
    let address = runtime.block_on(async {
        let store = Store::open_with(
            url,
            &StoreOptions {
                max_connections: 16,
                ..StoreOptions::default()
            },
        )
        .await
        .expect("open");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(salesmap_server::serve(
            listener,
            store,
            ServerConfig::default(),
            std::future::pending(),
        ));
        address
    });
    (runtime, address)
}

fn run(client: &tokio::runtime::Runtime, db: &TestDatabase, s: &Settings) {
    let setup = Instant::now();
    let board_key = client.block_on(prepare(db, s));
    println!(
        "setup: {} open deals on the board, {} deals for the analysis, {} deals to move ({:.1} s)",
        s.board_deals,
        s.analysis_deals,
        s.clients * PER_CLIENT,
        setup.elapsed().as_secs_f64()
    );
    let (server, address) = serve(&db.url);
    client.block_on(async {
        let mut c = Http::connect(address).await;
        let token = c.sign_in("bench", "bench-password").await;
        // Board.
        let path = format!("/api/v1/pipelines/{board_key}/board");
        let mut server_ms = Vec::new();
        let mut client_ms = Vec::new();
        let mut bytes = 0;
        for _ in 0..30 {
            let t = Instant::now();
            let r = c.request("GET", &path, &token, None).await;
            client_ms.push(t.elapsed().as_secs_f64() * 1e3);
            assert_eq!(r.status, 200, "board: {}", r.text());
            server_ms.push(r.server_ms().expect("Server-Timing"));
            bytes = r.body.len();
        }
        println!(
            "board, {} open deals ({} KB): server {} ms, client {} ms (30 requests)",
            s.board_deals,
            bytes / 1024,
            spread(&mut server_ms),
            spread(&mut client_ms)
        );
        // Analysis.
        let mut times = Vec::new();
        let mut server_times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let r = c
                .request("GET", "/api/v1/pipelines/analysis/analysis", &token, None)
                .await;
            times.push(t.elapsed().as_secs_f64() * 1e3);
            server_times.push(r.server_ms().unwrap_or(f64::NAN));
            assert_eq!(r.status, 200, "analysis: {}", r.text());
        }
        println!(
            "analysis, {} deals: first request {:.0} ms (server {:.0} ms), then {} ms",
            s.analysis_deals,
            times[0],
            server_times[0],
            spread(&mut times[1..].to_vec())
        );
        // Moves.
        moves(address, &token, s).await;
    });
    drop(server);
}

/// `median (p95 …, max …)` of a sample, in milliseconds.
fn spread(v: &mut [f64]) -> String {
    v.sort_by(|a, b| a.total_cmp(b));
    format!(
        "median {:.1} (p95 {:.1}, max {:.1})",
        percentile(v, 0.5),
        percentile(v, 0.95),
        v[v.len() - 1]
    )
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn moves(address: SocketAddr, token: &str, s: &Settings) {
    const PATH: [&str; 9] = [
        "brand-awareness",
        "brand-engagement",
        "mql",
        "sales-interaction",
        "sql",
        "discovery",
        "demo",
        "proposal",
        "verbal-agreement",
    ];
    let first_id = 1 + s.board_deals as i64 + s.analysis_deals as i64;
    let until = Instant::now() + Duration::from_secs(s.seconds);
    let mut tasks = Vec::new();
    for k in 0..s.clients {
        let token = token.to_string();
        tasks.push(tokio::spawn(async move {
            let mut c = Http::connect(address).await;
            let deals: Vec<i64> = (0..PER_CLIENT)
                .map(|i| first_id + (k * PER_CLIENT + i) as i64)
                .collect();
            let mut state: Vec<(usize, i64)> = vec![(0, 1); deals.len()];
            let mut latencies = Vec::new();
            let mut refused = 0u64;
            let mut next = 0;
            let mut finished = 0;
            while Instant::now() < until && finished < deals.len() {
                let i = next % deals.len();
                next += 1;
                let (at, version) = state[i];
                if at + 1 >= PATH.len() {
                    finished += 1;
                    continue;
                }
                finished = 0;
                let body = format!(
                    "{{\"to\":\"{}\",\"version\":{version},\"override_reason\":\"benchmark\"}}",
                    PATH[at + 1]
                );
                let t = Instant::now();
                let r = c
                    .request(
                        "POST",
                        &format!("/api/v1/deals/{}/moves", deals[i]),
                        &token,
                        Some(&body),
                    )
                    .await;
                latencies.push(t.elapsed().as_secs_f64() * 1e3);
                if r.status == 200 {
                    state[i] = (at + 1, version + 1);
                } else {
                    refused += 1;
                }
            }
            (latencies, refused)
        }));
    }
    let started = Instant::now();
    let mut all = Vec::new();
    let mut refused = 0;
    for t in tasks {
        let (l, r) = t.await.unwrap();
        all.extend(l);
        refused += r;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let done = all.len() as u64 - refused;
    let possible = (s.clients * PER_CLIENT * (PATH.len() - 1)) as u64;
    if done >= possible {
        println!("(every deal reached the end of the path before the time was up)");
    }
    all.sort_by(|a, b| a.total_cmp(b));
    println!(
        "moves, {} clients for {:.1} s: {:.0} moves/s ({} moves, {} refused); latency p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        s.clients,
        elapsed,
        done as f64 / elapsed,
        done,
        refused,
        percentile(&all, 0.5),
        percentile(&all, 0.95),
        percentile(&all, 0.99),
        all[all.len() - 1]
    );
}

/// Sets up the database: pipelines `sales` (the board), `analysis` (the generated history)
/// and `moves` (the deals to move), and the manager `bench`. Returns the board's pipeline key.
async fn prepare(db: &TestDatabase, s: &Settings) -> String {
    let store = Store::open(&db.url).await.expect("open");
    let console = Actor::console();
    let template = salesmap_mapfile::templates::b2b("en");
    store
        .create_pipeline(&console, "sales", "Sales", template, "bench")
        .await
        .unwrap();
    store
        .create_pipeline(&console, "analysis", "Analysis", template, "bench")
        .await
        .unwrap();
    store
        .create_pipeline(&console, "moves", "Moves", template, "bench")
        .await
        .unwrap();
    store
        .add_user(
            &console,
            NewUser {
                login: "bench".into(),
                display_name: "Bench".into(),
                role: Role::Manager,
                password: Some("bench-password".into()),
            },
        )
        .await
        .unwrap();
    let map = store
        .published_map(&store.pipeline(&console, "sales").await.unwrap())
        .await
        .unwrap()
        .map;
    // Open deals spread over the first eight stages, with an entry or two each.
    let now = salesmap_store::now();
    let stages: Vec<&str> = map
        .main_path()
        .into_iter()
        .take(8)
        .map(|ix| map.stage(ix).id.as_str())
        .collect();
    let mut board = History::default();
    for d in 0..s.board_deals {
        let key = format!("B-{d:06}");
        let stage = stages[d % stages.len()];
        let at = now - ((d % 40) as i64 + 1) * MICROS_PER_DAY;
        board.push(&key, stages[0], at - MICROS_PER_DAY, EventKind::StageEntry);
        board.push(&key, stage, at, EventKind::StageEntry);
        board.set_deal_attr(&key, "amount", &format!("{}", 1000 + d % 50 * 500));
        board.set_deal_attr(&key, "name", &format!("Deal {d} of the board"));
        board.set_deal_attr(&key, "company", &format!("Company {}", d % 700));
    }
    store
        .import_history(&console, "sales", "board", &board, &[], true)
        .await
        .unwrap();
    let generated = generate(
        &map,
        &GenerateOptions {
            deals: s.analysis_deals,
            seed: 11,
            start: now - 365 * MICROS_PER_DAY,
            days: 365,
        },
    );
    store
        .import_history(&console, "analysis", "generated", &generated, &[], true)
        .await
        .unwrap();
    // The deals to move, created last so their ids follow the others.
    let mut moving = History::default();
    for d in 0..s.clients * PER_CLIENT {
        let key = format!("M-{d:06}");
        moving.push(
            &key,
            "brand-awareness",
            now - MICROS_PER_DAY,
            EventKind::StageEntry,
        );
    }
    store
        .import_history(&console, "moves", "moving", &moving, &[], true)
        .await
        .unwrap();
    store.close().await;
    "sales".into()
}

/// A keep-alive HTTP/1.1 client for one connection.
struct Http {
    address: SocketAddr,
    stream: TcpStream,
    buffer: Vec<u8>,
}

struct Answer {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The server's own time for the request, from `Server-Timing: app;dur=…`.
    fn server_ms(&self) -> Option<f64> {
        self.headers
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("server-timing:"))
            .and_then(|l| l.split("dur=").nth(1))
            .and_then(|d| d.trim().parse().ok())
    }
}

impl Http {
    async fn connect(address: SocketAddr) -> Http {
        let stream = TcpStream::connect(address).await.expect("connect");
        stream.set_nodelay(true).unwrap();
        Http {
            address,
            stream,
            buffer: Vec::with_capacity(1 << 16),
        }
    }

    /// Signs in and creates an API token; returns it.
    async fn sign_in(&mut self, login: &str, password: &str) -> String {
        let body = format!("{{\"login\":\"{login}\",\"password\":\"{password}\"}}");
        let r = self
            .request("POST", "/api/v1/session", "", Some(&body))
            .await;
        assert_eq!(r.status, 200, "sign in: {}", r.text());
        let cookie = r
            .headers
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().split(';').next().unwrap_or("").to_string())
            .expect("cookie");
        let csrf: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        let csrf = csrf["csrf_token"].as_str().unwrap().to_string();
        let head = format!(
            "POST /api/v1/tokens HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n\
             Content-Type: application/json\r\nContent-Length: 16\r\n\r\n{{\"name\":\"bench\"}}",
            self.address
        );
        let r = self.exchange(head.as_bytes()).await;
        assert_eq!(r.status, 201, "token: {}", r.text());
        let created: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        created["secret"].as_str().unwrap().to_string()
    }

    async fn request(
        &mut self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&str>,
    ) -> Answer {
        let body = body.unwrap_or("");
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\n",
            self.address,
            body.len()
        );
        if !token.is_empty() {
            head.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        if !body.is_empty() {
            head.push_str("Content-Type: application/json\r\n");
        }
        head.push_str("\r\n");
        head.push_str(body);
        self.exchange(head.as_bytes()).await
    }

    async fn exchange(&mut self, request: &[u8]) -> Answer {
        self.stream.write_all(request).await.expect("send");
        self.buffer.clear();
        let mut chunk = [0u8; 65536];
        let end = loop {
            if let Some(p) = self.buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break p;
            }
            let n = self.stream.read(&mut chunk).await.expect("read");
            assert!(n > 0, "connection closed");
            self.buffer.extend_from_slice(&chunk[..n]);
        };
        let headers = String::from_utf8_lossy(&self.buffer[..end]).into_owned();
        let status = headers
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let length: usize = headers
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-length:"))
            .and_then(|l| l.split(':').nth(1))
            .and_then(|v| v.trim().parse().ok())
            .expect("a Content-Length");
        while self.buffer.len() < end + 4 + length {
            let n = self.stream.read(&mut chunk).await.expect("read");
            assert!(n > 0, "connection closed");
            self.buffer.extend_from_slice(&chunk[..n]);
        }
        Answer {
            status,
            headers,
            body: self.buffer[end + 4..end + 4 + length].to_vec(),
        }
    }
}
