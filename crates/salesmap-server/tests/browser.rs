//! The web app in a real browser: starts the server on a free port over a fresh SQLite
//! database (the bundled template, a generated history, a rep and a manager), then runs
//! `tests/browser/flows.mjs` with Node, which drives Debian's headless Chromium through
//! playwright-core. The flows and what each checks are listed at the top of that file.
//!
//! It needs `node`, `/usr/bin/chromium` and `tests/browser/node_modules` (`.ci/web-deps.sh`
//! installs them); without them it says so and passes, except under CI (`SALESMAP_CI=1`),
//! where it fails. Screenshots go to `target/web-screenshots/`, or to `docs/web/` with
//! `UPDATE_SCREENSHOTS=1`, which is how the pictures in docs/web.md are made.

use std::path::{Path, PathBuf};
use std::process::Command;

use salesmap_server::ServerConfig;
use salesmap_server::testing::spawn;
use salesmap_store::testing::TestDatabase;
use salesmap_store::{Actor, NewUser, Role, Store};

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What the browser suite needs, or a skip that says what is missing.
fn tools() -> Option<(PathBuf, PathBuf)> {
    let node = PathBuf::from("node");
    let has_node = Command::new(&node)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_node {
        salesmap_testkit::skip("node", "run .ci/web-deps.sh");
        return None;
    }
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.exists() {
        salesmap_testkit::skip("chromium", "run .ci/web-deps.sh");
        return None;
    }
    if !here()
        .join("tests/browser/node_modules/playwright-core")
        .is_dir()
    {
        salesmap_testkit::skip(
            "tests/browser/node_modules (playwright-core)",
            "run .ci/web-deps.sh",
        );
        return None;
    }
    Some((node, chromium))
}

fn screenshots() -> PathBuf {
    if std::env::var_os("UPDATE_SCREENSHOTS").is_some_and(|v| v == "1") {
        here().join("../../docs/web")
    } else {
        here().join("../../target/web-screenshots")
    }
}

async fn user(store: &Store, login: &str, role: Role, name: &str) {
    store
        .add_user(
            &Actor::console(),
            NewUser {
                login: login.into(),
                display_name: name.into(),
                role,
                password: Some(format!("{login}-password-1")),
            },
        )
        .await
        .expect("a user");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_app_works_in_chromium() {
    let Some((node, chromium)) = tools() else {
        return;
    };
    let db = TestDatabase::sqlite();
    let store = Store::open(&db.url).await.expect("open");
    let first = store
        .first_start(salesmap_mapfile::templates::b2b("en"))
        .await
        .expect("first start");
    let (_, otp) = first.admin.expect("a first admin");
    store.load_demo("sales", 160, 11).await.expect("the demo");
    user(&store, "rep", Role::Rep, "Rita Rep").await;
    user(&store, "manager", Role::Manager, "Max Manager").await;
    let server = spawn(store, ServerConfig::default()).await;
    let shots = screenshots();
    let script = here().join("tests/browser/flows.mjs");
    let address = server.address;
    let output = tokio::task::spawn_blocking(move || {
        Command::new(node)
            .arg(&script)
            .current_dir(script.parent().unwrap_or(Path::new(".")))
            .env("SALESMAP_URL", format!("http://{address}"))
            .env("SALESMAP_ADMIN_OTP", otp)
            .env("SALESMAP_SHOTS", &shots)
            .env("CHROMIUM", chromium)
            .output()
    })
    .await
    .expect("the task")
    .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    server.stop().await;
    db.remove().await;
    assert!(
        output.status.success() && stdout.contains("all flows passed"),
        "the browser flows failed:\n{stdout}\n{stderr}"
    );
}
