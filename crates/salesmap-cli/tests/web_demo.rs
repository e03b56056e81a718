//! The README's main command, `salesmap serve --demo`, as a newcomer runs it: in an empty
//! folder it prints the admin's one-time password and the address; the sign-in page is there,
//! the one-time password leads to choosing a password, and then the board shows the demo's open
//! deals under the template's stages, with the demo's people as their owners.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use salesmap_server::testing::Client;
use serde_json::json;
use support::temp_dir;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_demo_opens_on_a_board_of_demo_deals() {
    let dir = temp_dir("serve-demo");
    let mut child = Command::new(env!("CARGO_BIN_EXE_salesmap"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start salesmap serve");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    let address = loop {
        let Some(Ok(line)) = lines.next().filter(|_| Instant::now() < deadline) else {
            let _ = child.kill();
            panic!("serve --demo did not start: {printed:?}");
        };
        printed.push(line.clone());
        if let Some(rest) = line.strip_prefix("salesmap is serving http://") {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    let out = printed.join("\n");
    let password = out
        .split("sign in as `admin` with the one-time password ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no one-time password printed: {out}"))
        .to_string();
    assert!(
        dir.join("salesmap.db").is_file(),
        "the database is in the folder"
    );

    let mut c = Client::new(address);
    let page = c.get("/sign-in").await;
    assert_eq!(page.status, 200);
    assert!(
        page.text()
            .contains("<form method=\"post\" action=\"/sign-in\"")
    );
    assert_eq!(c.sign_in("admin", &password).await.status, 200);
    let r = c
        .post(
            "/api/v1/session/password",
            &json!({"current_password": password, "new_password": "a-password-of-mine"}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text());
    let board = c.get("/p/sales/board").await;
    assert_eq!(board.status, 200);
    let html = board.text();
    for column in ["Brand awareness", "Sales qualified lead", "Contract signed"] {
        assert!(
            html.contains(&format!(">{column}</h3>")),
            "no column {column}"
        );
    }
    let cards = html.matches("class=\"card-link\"").count();
    assert!(cards >= 20, "only {cards} open demo deals on the board");
    assert!(
        html.contains("(Sales)</span>") || html.contains("(Marketing)</span>"),
        "the demo deals have no owners"
    );
    let _ = child.kill();
    let _ = child.wait();
}
