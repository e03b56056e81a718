//! schemathesis (installed by `.ci/server-deps.sh` into `.ci/venv-server`) generates requests
//! from `/api/v1/openapi.json`, valid and invalid, and checks every answer: no 5xx, status codes
//! and bodies as documented, invalid input refused with a 4xx, unknown methods refused. A bounded number of cases per operation,
//! with a fixed seed, on SQLite and on PostgreSQL. Without the tool the test says it skipped
//! (and fails under `SALESMAP_CI=1`).

use std::path::PathBuf;
use std::process::Command;

use salesmap_server::ServerConfig;
use salesmap_server::testing::spawn;
use salesmap_store::testing::{on_each_backend, required};
use salesmap_store::{Actor, NewDeal, NewUser, Role, Store};

fn schemathesis() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let tool = root.join(".ci/venv-server/bin/schemathesis");
    if tool.exists() {
        return Some(tool);
    }
    if required() {
        panic!(
            "SALESMAP_CI=1 but {} is missing: run .ci/server-deps.sh",
            tool.display()
        );
    }
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED schemathesis: {} is missing (run .ci/server-deps.sh)",
        tool.display()
    );
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_holds_to_its_document_under_generated_requests() {
    let Some(tool) = schemathesis() else { return };
    on_each_backend("schemathesis", move |db| {
        let tool = tool.clone();
        async move {
            let store = Store::open(&db.url).await.unwrap();
            let console = Actor::console();
            store
                .create_pipeline(
                    &console,
                    "sales",
                    "Sales",
                    salesmap_mapfile::templates::b2b("en"),
                    "first",
                )
                .await
                .unwrap();
            // The only admin, so no generated request can demote or disable it.
            let (admin, _) = store
                .add_user(
                    &console,
                    NewUser {
                        login: "fuzz".into(),
                        display_name: "Fuzz".into(),
                        role: Role::Admin,
                        password: Some("fuzz-password".into()),
                    },
                )
                .await
                .unwrap();
            let actor = Actor::user(&admin);
            for i in 0..3 {
                store
                    .create_deal(
                        &actor,
                        "sales",
                        NewDeal {
                            name: format!("deal {i}"),
                            ..NewDeal::default()
                        },
                    )
                    .await
                    .unwrap();
            }
            let (_, secret) = store.create_api_token(&actor, "fuzz").await.unwrap();
            let server = spawn(store, ServerConfig::default()).await;
            let url = format!("http://{}/api/v1/openapi.json", server.address);
            let output = tokio::task::spawn_blocking(move || {
                Command::new(tool)
                    .args([
                        "run",
                        &url,
                        "--header",
                        &format!("Authorization: Bearer {secret}"),
                        "--checks",
                        "all",
                        // The document's rules are not all its schemas can say (a map with
                        // errors is refused; a move must be on the map), and a request with a
                        // valid token and a made-up cookie is rightly accepted: those two
                        // checks would report the API doing its job.
                        "--exclude-checks",
                        "positive_data_acceptance,ignored_auth",
                        // Operations that would lock the fuzzing identity out.
                        "--exclude-path",
                        "/api/v1/tokens/{id}",
                        "--exclude-path",
                        "/api/v1/users/{id}/password-reset",
                        "--max-examples",
                        "12",
                        "--seed",
                        "7",
                        // One worker: with several, the generator's own introspection (Python's
                        // `ast` across threads) fails at random.
                        "--workers",
                        "1",
                        "--request-timeout",
                        "20",
                        "--no-color",
                        "--suppress-health-check",
                        "all",
                    ])
                    .env("SCHEMATHESIS_HOOKS", "")
                    .output()
                    .expect("run schemathesis")
            })
            .await
            .unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            server.stop().await;
            assert!(
                output.status.success(),
                "schemathesis found problems:\n{text}"
            );
            assert!(text.contains("passed"), "{text}");
        }
    })
    .await;
}
