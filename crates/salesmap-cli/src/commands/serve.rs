//! `salesmap serve`: the web server. Opens (creating and migrating) the database, sets up an
//! empty one on first start (the bundled template or `--map` becomes the pipeline `sales`, and
//! an admin `admin` gets a one-time password printed once), optionally loads the generated demo
//! history (`--demo`), prints the address to open and serves until Ctrl-C or SIGTERM, finishing
//! the requests in flight.

use std::path::PathBuf;

use salesmap_server::ServerConfig;
use salesmap_store::Store;

use crate::inputs::read_map_source;

/// The database a command uses when `--db` is not given: a SQLite file in the working folder.
pub const DEFAULT_DB: &str = "sqlite://salesmap.db";

#[derive(clap::Args)]
pub struct Args {
    /// The database: `sqlite://FILE` (embedded, the default) or `postgres://USER@HOST/DB`.
    #[arg(long, default_value = DEFAULT_DB)]
    db: String,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// The map of the first pipeline, on first start (default: the bundled B2B template).
    #[arg(long)]
    map: Option<PathBuf>,
    /// Load a generated year of demo deals into an empty first pipeline.
    #[arg(long)]
    demo: bool,
    /// How many demo deals to generate.
    #[arg(long, default_value_t = 400)]
    demo_deals: usize,
    /// Mark the session cookie `Secure` (when clients reach the server over https).
    #[arg(long)]
    secure_cookies: bool,
    /// Trust `X-Forwarded-For` / `X-Forwarded-Proto` from a reverse proxy in front.
    #[arg(long)]
    behind_proxy: bool,
    /// Largest history upload, in MiB.
    #[arg(long, default_value_t = 200)]
    upload_limit_mib: u64,
    /// Most database connections of this server.
    #[arg(long, default_value_t = 16)]
    max_connections: u32,
    /// SQLite only: the largest the database file may grow, in MiB (writes beyond are refused
    /// with 503 "the database is full").
    #[arg(long)]
    sqlite_max_mib: Option<u64>,
}

/// A tokio runtime for a command, or exit code 2 with a message.
pub fn runtime() -> Result<tokio::runtime::Runtime, u8> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("error: cannot start the async runtime: {e}");
            2
        })
}

/// Opens a store, printing a clear error (exit code 2) when it cannot.
pub async fn open_store(url: &str, max_connections: u32) -> Result<Store, u8> {
    open_store_with(
        url,
        salesmap_store::StoreOptions {
            max_connections,
            ..salesmap_store::StoreOptions::default()
        },
    )
    .await
}

async fn open_store_with(url: &str, options: salesmap_store::StoreOptions) -> Result<Store, u8> {
    Store::open_with(url, &options).await.map_err(|e| {
        eprintln!("error: {e}\n  = help: --db takes sqlite://FILE or postgres://USER@HOST/DB");
        2
    })
}

pub fn run(args: Args) -> u8 {
    let source = match &args.map {
        Some(path) => match read_map_source(path) {
            Ok(s) => s,
            Err(code) => return code,
        },
        None => salesmap_mapfile::templates::b2b("en").to_string(),
    };
    if let Some(path) = &args.map {
        // Refuse a map with errors before touching the database.
        if let Err(code) = crate::inputs::load_map(path) {
            return code;
        }
    }
    let runtime = match runtime() {
        Ok(r) => r,
        Err(code) => return code,
    };
    runtime.block_on(serve(args, source))
}

async fn serve(args: Args, source: String) -> u8 {
    let options = salesmap_store::StoreOptions {
        max_connections: args.max_connections,
        sqlite_max_bytes: args.sqlite_max_mib.map(|m| m << 20),
        ..salesmap_store::StoreOptions::default()
    };
    let store = match open_store_with(&args.db, options).await {
        Ok(s) => s,
        Err(code) => return code,
    };
    let first = match store.first_start(&source).await {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: cannot set up the database: {e}");
            return 2;
        }
    };
    if let Some(key) = &first.pipeline {
        eprintln!("created the pipeline `{key}` from {}", map_label(&args));
    } else if args.map.is_some() {
        eprintln!(
            "note: the database already has pipelines; --map is used on first start only \
             (publish a new map version with POST /api/v1/pipelines/KEY/versions)"
        );
    }
    if args.demo {
        let console = salesmap_store::Actor::console();
        let empty = match store
            .list_deals(
                &console,
                "sales",
                &salesmap_store::DealFilter {
                    limit: Some(1),
                    ..Default::default()
                },
            )
            .await
        {
            Ok(page) => page.deals.is_empty(),
            Err(e) => {
                eprintln!("error: --demo needs the pipeline `sales`: {e}");
                return 2;
            }
        };
        if empty {
            match store.load_demo("sales", args.demo_deals, 7).await {
                Ok(report) => eprintln!(
                    "loaded the demo: {} deals, {} stage entries, {} touches",
                    report.deals, report.stage_entries, report.touches
                ),
                Err(e) => {
                    eprintln!("error: cannot load the demo: {e}");
                    return 2;
                }
            }
        } else {
            eprintln!("note: the pipeline `sales` already has deals; the demo is not loaded again");
        }
    }
    let listener = match tokio::net::TcpListener::bind(&args.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "error: cannot listen on {}: {e}\n  = help: choose another address with --listen, e.g. --listen 127.0.0.1:8081",
                args.listen
            );
            return 2;
        }
    };
    let address = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or(args.listen.clone());
    if let Some((login, password)) = &first.admin {
        println!("first start: sign in as `{login}` with the one-time password {password}");
        println!("(shown once; you will choose your own password at first sign-in)");
    }
    println!(
        "salesmap is serving http://{address}/ ({} database {})",
        store.backend().name(),
        redact(&args.db)
    );
    let config = ServerConfig {
        secure_cookies: args.secure_cookies,
        behind_proxy: args.behind_proxy,
        upload_limit: args.upload_limit_mib << 20,
        ..ServerConfig::default()
    };
    match salesmap_server::serve(listener, store, config, salesmap_server::shutdown_signal()).await
    {
        Ok(()) => {
            eprintln!("stopped");
            0
        }
        Err(e) => {
            eprintln!("error: the server stopped: {e}");
            2
        }
    }
}

fn map_label(args: &Args) -> String {
    args.map
        .as_ref()
        .map_or("the bundled B2B template".into(), |p| {
            p.display().to_string()
        })
}

/// A database URL without its password, for printing.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}
