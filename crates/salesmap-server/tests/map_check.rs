//! The endpoints the map editor and the dashboard use, on SQLite and PostgreSQL:
//! - `POST /api/v1/pipelines/{key}/check`: diagnostics at their line, the drawing only when
//!   the map has no error, and the open deals a version would strand with where they go;
//! - `POST /api/v1/pipelines/{key}/versions` with `relocate`: the stranded deals move in the
//!   same step, and without a destination the version is refused;
//! - `GET /api/v1/pipelines/{key}/report`: the HTML report as a download, in either language.

use salesmap_server::ServerConfig;
use salesmap_server::testing::{Client, TestServer, spawn};
use salesmap_store::testing::on_each_backend;
use salesmap_store::{Actor, NewUser, Role, Store};
use serde_json::{Value, json};

fn template() -> &'static str {
    salesmap_mapfile::templates::b2b("en")
}

async fn server(url: &str) -> (TestServer, Client, Client) {
    let store = Store::open(url).await.expect("open");
    store.first_start(template()).await.unwrap();
    for (login, role) in [("manager", Role::Manager), ("viewer", Role::Viewer)] {
        store
            .add_user(
                &Actor::console(),
                NewUser {
                    login: login.into(),
                    display_name: format!("{login} name"),
                    role,
                    password: Some(format!("{login}-password")),
                },
            )
            .await
            .unwrap();
    }
    let server = spawn(store, ServerConfig::default()).await;
    let mut manager = server.client();
    assert_eq!(
        manager.sign_in("manager", "manager-password").await.status,
        200
    );
    let mut viewer = server.client();
    assert_eq!(
        viewer.sign_in("viewer", "viewer-password").await.status,
        200
    );
    (server, manager, viewer)
}

async fn check(c: &Client, source: &str) -> Value {
    let r = c
        .post(
            "/api/v1/pipelines/sales/check",
            &json!({ "source": source }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

/// The template without one stage (a stage block ends where the next one starts).
fn cut_stage(source: &str, id: &str) -> String {
    let start = source.find(&format!("[[stage]]\nid = \"{id}\"")).unwrap();
    let end = start + 1 + source[start + 1..].find("[[stage]]").unwrap();
    format!("{}{}", &source[..start], &source[end..])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_map_is_checked_with_its_problems_at_their_line_and_its_stranded_deals() {
    on_each_backend("map-check", |db| async move {
        let (_server, manager, viewer) = server(&db.url).await;
        // The published map itself: no problem, a drawing, nothing stranded.
        let same = check(&viewer, template()).await;
        assert_eq!(
            (&same["errors"], &same["unchanged"], &same["relocations"]),
            (&json!(0), &json!(true), &json!([]))
        );
        assert!(same["drawing"].as_str().unwrap().starts_with("<svg"));
        // An unknown stage in a `next`: an error at that line, and no drawing.
        let broken = template().replacen(
            "next = \"brand-engagement\"",
            "next = \"brand-engagment\"",
            1,
        );
        let line = broken
            .lines()
            .position(|l| l.contains("brand-engagment"))
            .unwrap()
            + 1;
        let r = check(&manager, &broken).await;
        assert_eq!(r["summary"], "3 errors, 17 warnings", "{r}");
        assert_eq!(r["drawing"], Value::Null);
        let d = r["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == "unknown-stage")
            .unwrap()
            .clone();
        assert_eq!(
            (&d["severity"], &d["code"]),
            (&json!("error"), &json!("SM005"))
        );
        assert_eq!(d["line"], line as u64, "{d}");
        assert_eq!(d["column"], 8, "{d}");
        assert!(
            d["message"].as_str().unwrap().contains("brand-engagment"),
            "{d}"
        );
        // Not TOML at all: still an answer, with the syntax error at its line.
        let r = check(&manager, "[map\nname = 1").await;
        assert_eq!(r["diagnostics"][0]["line"], 1, "{r}");
        assert!(r["errors"].as_u64().unwrap() >= 1);
        // A version without `brand-awareness`, where an open deal sits.
        let deal = manager
            .post(
                "/api/v1/pipelines/sales/deals",
                &json!({"name": "Stranded <b>deal</b>"}),
            )
            .await
            .json();
        let cut = cut_stage(template(), "brand-awareness").replace(
            "start = \"brand-awareness\"",
            "start = \"brand-engagement\"",
        );
        let r = check(&manager, &cut).await;
        assert_eq!(
            r["relocations"],
            json!([{"stage": "brand-awareness", "name": "Brand awareness", "deals": 1,
                    "cause": "removed", "suggested": "brand-engagement"}])
        );
        assert_eq!(
            r["targets"][0],
            json!({"id": "brand-engagement", "name": "Brand engagement"})
        );
        let targets: Vec<&str> = r["targets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap())
            .collect();
        assert!(targets.contains(&"nurture"), "{targets:?}");
        assert!(
            !targets.contains(&"lost") && !targets.contains(&"disqualified"),
            "outcomes are no destination: {targets:?}"
        );
        // Publishing it without saying where the deal goes is refused, then with it, done.
        let v = manager
            .post(
                "/api/v1/pipelines/sales/versions",
                &json!({"source": cut, "message": "start at engagement"}),
            )
            .await;
        assert_eq!(v.status, 422, "{}", v.text());
        assert_eq!(v.json()["type"], "urn:salesmap:problem:stages-in-use");
        let v = manager
            .post(
                "/api/v1/pipelines/sales/versions",
                &json!({"source": cut, "message": "start at engagement",
                        "relocate": {"brand-awareness": "lost"}}),
            )
            .await;
        assert_eq!(v.status, 422, "{}", v.text());
        assert_eq!(v.json()["field"], "relocate.brand-awareness");
        let v = manager
            .post(
                "/api/v1/pipelines/sales/versions",
                &json!({"source": cut, "message": "start at engagement",
                        "relocate": {"brand-awareness": "brand-engagement"}}),
            )
            .await;
        assert_eq!(v.status, 201, "{}", v.text());
        let moved = manager
            .get(&format!("/api/v1/deals/{}", deal["id"]))
            .await
            .json();
        assert_eq!(moved["deal"]["stage"], "brand-engagement");
        assert_eq!(moved["entries"][1]["from_stage"], "brand-awareness");
        // The viewer may check but not publish; a bad language is a clear 422.
        let v = viewer
            .post(
                "/api/v1/pipelines/sales/versions",
                &json!({"source": template(), "message": "back"}),
            )
            .await;
        assert_eq!(v.status, 403);
        let r = viewer
            .post(
                "/api/v1/pipelines/sales/check?lang=fr",
                &json!({"source": template()}),
            )
            .await;
        assert_eq!((r.status, r.json()["field"].clone()), (422, json!("lang")));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_downloads_in_either_language() {
    on_each_backend("report", |db| async move {
        let (server, manager, viewer) = server(&db.url).await;
        server.store.load_demo("sales", 40, 3).await.unwrap();
        manager
            .post(
                "/api/v1/pipelines/sales/deals",
                &json!({"name": "<img src=x onerror=alert(1)>"}),
            )
            .await;
        let r = viewer.get("/api/v1/pipelines/sales/report").await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        let disposition = r.header("content-disposition").unwrap();
        assert!(
            disposition.starts_with("attachment; filename=\"sales-report-")
                && disposition.ends_with("-en.html\""),
            "{disposition}"
        );
        let html = r.text();
        assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..80]);
        assert!(html.contains("<html lang=\"en\""));
        assert!(!html.contains("<img src=x"));
        let r = viewer.get("/api/v1/pipelines/sales/report?lang=ko").await;
        assert!(r.text().contains("<html lang=\"ko\""));
        let r = viewer.get("/api/v1/pipelines/sales/report?lang=de").await;
        assert_eq!(r.status, 422);
        let r = viewer.get("/api/v1/pipelines/nope/report").await;
        assert_eq!(r.status, 404);
    })
    .await;
}
