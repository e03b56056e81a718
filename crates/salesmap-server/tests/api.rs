//! The HTTP API, spawned on a free port over a fresh SQLite file and a fresh PostgreSQL
//! database, driven by a plain HTTP client. Index:
//! - every endpoint of the API document answers 401 without credentials, and 403 to roles
//!   with too few rights; a rep can change another owner's deal through no endpoint;
//! - CSRF on cookie-authenticated changes, API tokens exempt; the sign-in form; cookie flags;
//!   the login rate limit; one-time passwords;
//! - moves as problem+json (gates, stale versions), text returned verbatim, size limits,
//!   uploads imported in one transaction.

use salesmap_server::ServerConfig;
use salesmap_server::testing::{Client, Reply, TestServer, spawn};
use salesmap_store::testing::{TestDatabase, on_each_backend};
use salesmap_store::{Actor, NewUser, Role, Store};
use serde_json::{Value, json};

/// A server with the template pipeline `sales`, one user per role (password `<login>-password`)
/// and a signed-in client for each.
struct Team {
    server: TestServer,
    admin: Client,
    manager: Client,
    rep: Client,
    rep2: Client,
    viewer: Client,
    anonymous: Client,
}

async fn team(db: &TestDatabase) -> Team {
    team_with(db, ServerConfig::default()).await
}

async fn team_with(db: &TestDatabase, config: ServerConfig) -> Team {
    let store = Store::open(&db.url).await.expect("open");
    store
        .first_start(salesmap_mapfile::templates::b2b("en"))
        .await
        .unwrap();
    let console = Actor::console();
    for (login, role) in [
        ("boss", Role::Admin),
        ("manager", Role::Manager),
        ("rep", Role::Rep),
        ("rep2", Role::Rep),
        ("viewer", Role::Viewer),
    ] {
        store
            .add_user(
                &console,
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
    let server = spawn(store, config).await;
    let signed = async |login: &str| {
        let mut c = server.client();
        let r = c.sign_in(login, &format!("{login}-password")).await;
        assert_eq!(r.status, 200, "{}", r.text());
        c
    };
    Team {
        admin: signed("boss").await,
        manager: signed("manager").await,
        rep: signed("rep").await,
        rep2: signed("rep2").await,
        viewer: signed("viewer").await,
        anonymous: server.client(),
        server,
    }
}

fn problem(r: &Reply, status: u16, kind: &str) -> Value {
    assert_eq!(r.status, status, "{}", r.text());
    assert_eq!(
        r.header("content-type"),
        Some("application/problem+json"),
        "{}",
        r.text()
    );
    let p = r.json();
    assert_eq!(p["type"], format!("urn:salesmap:problem:{kind}"), "{p}");
    assert_eq!(p["status"], status);
    p
}

async fn new_deal(c: &Client, name: &str) -> Value {
    let r = c
        .post(
            "/api/v1/pipelines/sales/deals",
            &json!({"name": name, "amount": 1000, "currency": "EUR"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()
}

/// Every operation of the API document, with its path filled in for `deal`.
async fn operations(c: &Client, deal: i64) -> Vec<(String, String)> {
    let doc = c.get("/api/v1/openapi.json").await.json();
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "patch", "delete", "put"] {
            if item.get(method).is_some() {
                let filled = path
                    .replace("{key}", "sales")
                    .replace("{id}", &deal.to_string())
                    .replace("{number}", "1")
                    .replace("{stage}", "brand-awareness")
                    .replace("{item}", "0");
                ops.push((method.to_uppercase(), filled));
            }
        }
    }
    ops
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_needs_credentials() {
    on_each_backend("unauthenticated", |db| async move {
        let t = team(&db).await;
        let deal = new_deal(&t.rep, "x").await["id"].as_i64().unwrap();
        let ops = operations(&t.anonymous, deal).await;
        assert!(ops.len() >= 30, "{ops:?}");
        let mut open = Vec::new();
        for (method, path) in &ops {
            let r = t
                .anonymous
                .send(method, path, Some("application/json"), b"{}")
                .await;
            if r.status == 401 {
                problem(&r, 401, "unauthenticated");
                assert!(r.header("www-authenticate").is_some());
            } else {
                open.push(format!("{method} {path} {}", r.status));
            }
        }
        // Only the health check and signing in answer without credentials.
        expect_test::expect![[r#"
            GET /api/v1/health 200
            POST /api/v1/session 422"#]]
        .assert_eq(&open.join("\n"));
        // A made-up token or cookie is no better.
        let mut forged = t.server.client();
        forged.bearer = Some("smt_0000".into());
        assert_eq!(forged.get("/api/v1/users").await.status, 401);
        let mut forged = t.server.client();
        forged.cookie = Some("salesmap_session=sms_0000".into());
        assert_eq!(forged.get("/api/v1/users").await.status, 401);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_with_too_few_rights_get_403() {
    on_each_backend("roles", |db| async move {
        let t = team(&db).await;
        let deal = new_deal(&t.rep, "mine").await["id"].as_i64().unwrap();
        let template = salesmap_mapfile::templates::b2b("en");
        // Admin-only and manager-only changes, tried by each lower role.
        let admin_only: Vec<(&str, String, Value)> = vec![
            (
                "POST",
                "/api/v1/users".into(),
                json!({"login": "z", "display_name": "Z", "role": "rep"}),
            ),
            ("PATCH", "/api/v1/users/1".into(), json!({"role": "viewer"})),
            ("POST", "/api/v1/users/1/password-reset".into(), json!({})),
            (
                "POST",
                "/api/v1/pipelines".into(),
                json!({"key": "p2", "name": "P2", "source": template}),
            ),
        ];
        let manager_only: Vec<(&str, String, Value)> = vec![
            (
                "POST",
                "/api/v1/pipelines/sales/versions".into(),
                json!({"source": template, "message": "m"}),
            ),
            ("GET", "/api/v1/audit".into(), json!({})),
            (
                "POST",
                format!("/api/v1/deals/{deal}/moves"),
                json!({"to": "brand-engagement", "version": 1, "override_reason": "because"}),
            ),
        ];
        for (method, path, body) in &admin_only {
            for c in [&t.manager, &t.rep, &t.viewer] {
                let r = c
                    .send(
                        method,
                        path,
                        Some("application/json"),
                        body.to_string().as_bytes(),
                    )
                    .await;
                problem(&r, 403, "forbidden");
            }
        }
        for (method, path, body) in &manager_only {
            for c in [&t.rep, &t.viewer] {
                let r = c
                    .send(
                        method,
                        path,
                        Some("application/json"),
                        body.to_string().as_bytes(),
                    )
                    .await;
                problem(&r, 403, "forbidden");
            }
        }
        let upload = t
            .viewer
            .send(
                "POST",
                "/api/v1/pipelines/sales/imports?filename=h.csv",
                Some("text/csv"),
                b"deal,stage,timestamp\nd,mql,2024-01-01\n",
            )
            .await;
        problem(&upload, 403, "forbidden");
        // Viewers create nothing.
        let r = t
            .viewer
            .post("/api/v1/pipelines/sales/deals", &json!({"name": "v"}))
            .await;
        problem(&r, 403, "forbidden");
        // And the allowed roles may.
        assert_eq!(t.manager.get("/api/v1/audit").await.status, 200);
        assert_eq!(
            t.admin.post("/api/v1/users", &admin_only[0].2).await.status,
            201
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rep_changes_another_owners_deal_through_no_endpoint() {
    on_each_backend("ownership", |db| async move {
        let t = team(&db).await;
        let deal = new_deal(&t.rep, "not yours").await;
        let id = deal["id"].as_i64().unwrap();
        // Every operation of the API document that names a deal, with a plausible body.
        let bodies = |path: &str| -> Value {
            if path.ends_with("/moves") {
                json!({"to": "brand-engagement", "version": 1, "reason": "r"})
            } else if path.ends_with("/ticks") {
                json!({"item": 0, "version": 1})
            } else if path.ends_with("/touches") {
                json!({"kind": "call"})
            } else {
                json!({"version": 1, "name": "taken", "owner_id": 5})
            }
        };
        let ops = operations(&t.rep2, id).await;
        let deal_ops: Vec<_> = ops
            .iter()
            .filter(|(m, p)| p.contains(&format!("/deals/{id}")) && m != "GET")
            .collect();
        let names: Vec<String> = deal_ops.iter().map(|(m, p)| format!("{m} {p}")).collect();
        expect_test::expect![[r#"
            PATCH /api/v1/deals/ID
            POST /api/v1/deals/ID/moves
            POST /api/v1/deals/ID/ticks
            DELETE /api/v1/deals/ID/ticks/brand-awareness/0
            POST /api/v1/deals/ID/touches"#]]
        .assert_eq(
            &names
                .join("\n")
                .replace(&format!("/deals/{id}"), "/deals/ID"),
        );
        for (method, path) in deal_ops {
            let body = bodies(path).to_string();
            let r = t
                .rep2
                .send(method, path, Some("application/json"), body.as_bytes())
                .await;
            problem(&r, 403, "forbidden");
        }
        let after = t.rep2.get(&format!("/api/v1/deals/{id}")).await.json();
        assert_eq!(after["deal"]["version"], 1, "{after}");
        assert_eq!(after["deal"]["name"], "not yours");
        assert_eq!(after["touches"].as_array().unwrap().len(), 0);
        // The owner can.
        let r = t
            .rep
            .post(
                &format!("/api/v1/deals/{id}/touches"),
                &json!({"kind": "call"}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookie_changes_need_the_csrf_token_and_tokens_do_not() {
    on_each_backend("csrf", |db| async move {
        let t = team(&db).await;
        let body = json!({"name": "csrf"});
        let mut no_token = t.rep.clone();
        no_token.csrf = None;
        problem(
            &no_token.post("/api/v1/pipelines/sales/deals", &body).await,
            403,
            "csrf",
        );
        let mut wrong = t.rep.clone();
        wrong.csrf = Some(t.rep2.csrf.clone().unwrap());
        problem(
            &wrong.post("/api/v1/pipelines/sales/deals", &body).await,
            403,
            "csrf",
        );
        // A request the browser marks cross-site is refused even with the token.
        let r = t
            .rep
            .try_send(
                "POST",
                "/api/v1/pipelines/sales/deals",
                Some("application/json"),
                body.to_string().as_bytes(),
                &[("Sec-Fetch-Site", "cross-site")],
            )
            .await
            .unwrap();
        problem(&r, 403, "csrf");
        // Reads need no token.
        assert_eq!(no_token.get("/api/v1/pipelines").await.status, 200);
        // API tokens are not cookies: no CSRF token needed.
        let created = t
            .rep
            .post("/api/v1/tokens", &json!({"name": "script"}))
            .await;
        assert_eq!(created.status, 201, "{}", created.text());
        let mut script = t.server.client();
        script.bearer = created.json()["secret"].as_str().map(str::to_string);
        assert_eq!(
            script
                .post("/api/v1/pipelines/sales/deals", &body)
                .await
                .status,
            201
        );
        let me = script.get("/api/v1/session").await.json();
        assert_eq!(
            (me["user"]["login"].as_str(), me["csrf_token"].is_null()),
            (Some("rep"), true)
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_works_from_a_form_with_safe_cookies_and_a_rate_limit() {
    on_each_backend("sign_in", |db| async move {
        let config = ServerConfig {
            behind_proxy: true,
            ..ServerConfig::default()
        };
        let t = team_with(&db, config).await;
        let c = t.server.client();
        let page = c.get("/sign-in").await;
        assert!(
            page.text()
                .contains("<form method=\"post\" action=\"/sign-in\" class=\"stack\">")
        );
        let form = c
            .try_send(
                "POST",
                "/sign-in",
                Some("application/x-www-form-urlencoded"),
                b"login=viewer&password=viewer-password",
                &[("X-Forwarded-Proto", "https")],
            )
            .await
            .unwrap();
        assert_eq!((form.status, form.header("location")), (303, Some("/")));
        let cookie = form.header("set-cookie").unwrap();
        assert!(
            cookie.contains("; HttpOnly; SameSite=Lax; Path=/;") && cookie.ends_with("; Secure"),
            "{cookie}"
        );
        // The start page opens the only pipeline's board, which shows who is signed in with a
        // sign-out form and its token.
        let mut browser = t.server.client();
        browser.cookie = Some(cookie.split(';').next().unwrap().to_string());
        let start = browser.get("/").await;
        assert_eq!(
            (start.status, start.header("location")),
            (303, Some("/p/sales/board"))
        );
        let home = browser.get("/p/sales/board").await.text();
        assert!(
            home.contains("viewer name <span class=\"role\">viewer</span>"),
            "{home}"
        );
        let token = home
            .split("name=\"csrf_token\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        let bad = browser
            .send(
                "POST",
                "/sign-out",
                Some("application/x-www-form-urlencoded"),
                b"csrf_token=nope",
            )
            .await;
        assert_eq!(bad.status, 403, "{}", bad.text());
        let out = browser
            .send(
                "POST",
                "/sign-out",
                Some("application/x-www-form-urlencoded"),
                format!("csrf_token={token}").as_bytes(),
            )
            .await;
        assert_eq!(out.status, 303);
        assert_eq!(
            browser.get("/api/v1/session").await.status,
            401,
            "signed out"
        );
        // Plain http without the proxy's word: no Secure flag.
        let plain = c
            .post(
                "/api/v1/session",
                &json!({"login": "viewer", "password": "viewer-password"}),
            )
            .await;
        assert!(!plain.header("set-cookie").unwrap().contains("Secure"));
        // Five wrong passwords, then even the right one waits.
        for _ in 0..5 {
            let r = c
                .post(
                    "/api/v1/session",
                    &json!({"login": "rep2", "password": "nope"}),
                )
                .await;
            problem(&r, 401, "bad-credentials");
        }
        let r = c
            .post(
                "/api/v1/session",
                &json!({"login": "rep2", "password": "rep2-password"}),
            )
            .await;
        let p = problem(&r, 429, "rate-limited");
        assert!(p["retry_after"].as_u64().unwrap() > 60);
        assert!(r.header("retry-after").is_some());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_time_password_allows_only_setting_a_new_one() {
    on_each_backend("one_time", |db| async move {
        let t = team(&db).await;
        let added = t
            .admin
            .post(
                "/api/v1/users",
                &json!({"login": "newbie", "display_name": "New", "role": "rep"}),
            )
            .await
            .json();
        let otp = added["one_time_password"].as_str().unwrap().to_string();
        let mut c = t.server.client();
        let r = c.sign_in("newbie", &otp).await;
        assert_eq!(r.json()["must_change_password"], true);
        problem(
            &c.get("/api/v1/pipelines").await,
            403,
            "password-change-required",
        );
        let r = c
            .post(
                "/api/v1/session/password",
                &json!({"current_password": otp, "new_password": "short"}),
            )
            .await;
        assert_eq!(problem(&r, 422, "invalid")["field"], "password");
        let r = c
            .post(
                "/api/v1/session/password",
                &json!({"current_password": otp, "new_password": "my own password"}),
            )
            .await;
        assert_eq!(r.status, 204, "{}", r.text());
        assert_eq!(c.get("/api/v1/pipelines").await.status, 200);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moves_answer_with_problems_that_say_what_to_do() {
    on_each_backend("moves", |db| async move {
        let t = team(&db).await;
        let deal = new_deal(&t.rep, "gated").await;
        let id = deal["id"].as_i64().unwrap();
        let moves = format!("/api/v1/deals/{id}/moves");
        let p = problem(&t.rep.post(&moves, &json!({"to": "sql", "version": 1})).await, 422, "transition-not-allowed");
        assert_eq!(p["allowed"], json!(["brand-engagement"]));
        let p = problem(&t.rep.post(&moves, &json!({"to": "brand-engagement", "version": 1})).await, 422, "exit-checklist");
        expect_test::expect![[r#"[{"index":0,"item":"The person interacted with the brand on a tracked channel","stage":"brand-awareness"}]"#]].assert_eq(&p["missing"].to_string());
        let tick = t.rep.post(&format!("/api/v1/deals/{id}/ticks"), &json!({"item": 0, "note": "clicked", "evidence_url": "https://x.example/1"})).await;
        assert_eq!(tick.status, 201, "{}", tick.text());
        assert_eq!(tick.json()["ticked_by_name"], "rep name");
        // The tick moved the version on: the stale move is refused with the deal as it is.
        let p = problem(&t.rep.post(&moves, &json!({"to": "brand-engagement", "version": 1})).await, 409, "stale-version");
        assert_eq!(p["current"]["version"], 2);
        let moved = t.rep.post(&moves, &json!({"to": "brand-engagement", "version": 2})).await;
        assert_eq!(moved.status, 200, "{}", moved.text());
        assert_eq!(moved.json()["stage"], "brand-engagement");
        // A manager overrides with a reason; the audit shows it.
        let o = t.manager.post(&moves, &json!({"to": "mql", "version": 3, "override_reason": "scoring is down"})).await;
        assert_eq!(o.status, 200, "{}", o.text());
        let audit = t.manager.get(&format!("/api/v1/audit?deal={id}")).await.json();
        let entry = audit["entries"].as_array().unwrap().iter().find(|e| e["action"] == "deal.gate_overridden").expect("audited").clone();
        assert_eq!(entry["detail"]["override_reason"], "scoring is down");
        // Detail shows the timeline and what may come next.
        let detail = t.viewer.get(&format!("/api/v1/deals/{id}")).await.json();
        assert_eq!(detail["entries"].as_array().unwrap().len(), 3);
        assert_eq!(detail["allowed_moves"], json!(["sales-interaction", "social-outreach", "outbound-email", "cold-call"]));
        // Lost needs a reason.
        let d = t.manager.get(&format!("/api/v1/deals/{id}")).await.json();
        let v = d["deal"]["version"].as_i64().unwrap();
        for item in 0..2 {
            t.manager.post(&format!("/api/v1/deals/{id}/ticks"), &json!({"item": item})).await;
        }
        let v2 = t.manager.get(&format!("/api/v1/deals/{id}")).await.json()["deal"]["version"].as_i64().unwrap();
        assert_eq!(v2, v + 2);
        let m = t.manager.post(&moves, &json!({"to": "sales-interaction", "version": v2})).await.json();
        let p = problem(&t.manager.post(&moves, &json!({"to": "nurture", "version": m["version"]})).await, 422, "reason-required");
        assert_eq!(p["field"], "reason");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_fields_come_back_verbatim_and_limits_hold() {
    on_each_backend("verbatim", |db| async move {
        let t = team(&db).await;
        let nasty = "'; DROP TABLE deals; -- <script>alert(1)</script> \"q\" & 고객 %_\\";
        let r = t.rep.post("/api/v1/pipelines/sales/deals", &json!({
            "key": nasty, "name": nasty, "company": nasty, "source": nasty, "segment": nasty,
            "attributes": {nasty: nasty},
        })).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let id = r.json()["id"].as_i64().unwrap();
        let touch = t
            .rep
            .post(
                &format!("/api/v1/deals/{id}/touches"),
                &json!({"kind": "note", "note": nasty}),
            )
            .await
            .json();
        assert_eq!(touch["note"], nasty);
        let tick = t
            .rep
            .post(
                &format!("/api/v1/deals/{id}/ticks"),
                &json!({"item": 0, "note": nasty}),
            )
            .await
            .json();
        assert_eq!(tick["note"], nasty);
        let d = t.viewer.get(&format!("/api/v1/deals/{id}")).await.json()["deal"].clone();
        for field in ["key", "name", "company", "source", "segment"] {
            assert_eq!(d[field], nasty, "{field}");
        }
        assert_eq!(d["attributes"][nasty], nasty);
        let list = t
            .viewer
            .get(&format!(
                "/api/v1/pipelines/sales/deals?segment={}",
                percent(nasty)
            ))
            .await
            .json();
        assert_eq!(list["deals"].as_array().unwrap().len(), 1, "{list}");
        let u = t
            .admin
            .post(
                "/api/v1/users",
                &json!({"login": "mark.up", "display_name": nasty, "role": "viewer"}),
            )
            .await
            .json();
        assert_eq!(u["user"]["display_name"], nasty);
        // The reason and override of a move, a tick's evidence link, a token's name, a
        // pipeline's name and a map version's message.
        let link = format!("https://x.example/?q={}", percent(nasty));
        let evidence = t
            .rep
            .post(
                &format!("/api/v1/deals/{id}/ticks"),
                &json!({"item": 1, "stage": "mql", "evidence_url": link}),
            )
            .await;
        assert_eq!(evidence.status, 201, "{}", evidence.text());
        let v =
            t.manager.get(&format!("/api/v1/deals/{id}")).await.json()["deal"]["version"].clone();
        let moved = t
            .manager
            .post(
                &format!("/api/v1/deals/{id}/moves"),
                &json!({"to": "brand-engagement", "version": v, "override_reason": nasty}),
            )
            .await;
        assert_eq!(moved.status, 200, "{}", moved.text());
        let lost = t
            .manager
            .post(
                &format!("/api/v1/deals/{id}/moves"),
                &json!({"to": "mql", "version": moved.json()["version"], "override_reason": nasty}),
            )
            .await
            .json();
        assert_eq!(lost["stage"], "mql", "{lost}");
        let detail = t.viewer.get(&format!("/api/v1/deals/{id}")).await.json();
        let last = detail["entries"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(last["override_reason"], nasty);
        for item in 0..2 {
            t.manager
                .post(&format!("/api/v1/deals/{id}/ticks"), &json!({"item": item}))
                .await;
        }
        let v =
            t.viewer.get(&format!("/api/v1/deals/{id}")).await.json()["deal"]["version"].clone();
        let si = t
            .manager
            .post(
                &format!("/api/v1/deals/{id}/moves"),
                &json!({"to": "sales-interaction", "version": v}),
            )
            .await
            .json();
        let out = t
            .manager
            .post(
                &format!("/api/v1/deals/{id}/moves"),
                &json!({"to": "disqualified", "version": si["version"], "reason": nasty}),
            )
            .await
            .json();
        assert_eq!(out["attributes"]["lost_reason"], nasty, "{out}");
        let detail = t.viewer.get(&format!("/api/v1/deals/{id}")).await.json();
        assert_eq!(
            detail["entries"].as_array().unwrap().last().unwrap()["reason"],
            nasty
        );
        assert_eq!(
            detail["ticks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["evidence_url"].is_string())
                .unwrap()["evidence_url"],
            link.as_str()
        );
        let token = t
            .rep
            .post("/api/v1/tokens", &json!({"name": nasty}))
            .await
            .json();
        assert_eq!(token["token"]["name"], nasty);
        let template = salesmap_mapfile::templates::b2b("en");
        let p = t
            .admin
            .post(
                "/api/v1/pipelines",
                &json!({"key": "p-2", "name": nasty, "source": template, "message": nasty}),
            )
            .await;
        assert_eq!(p.status, 201, "{}", p.text());
        assert_eq!(p.json()["name"], nasty);
        let version = t
            .manager
            .post(
                "/api/v1/pipelines/p-2/versions",
                &json!({"source": template, "message": nasty}),
            )
            .await
            .json();
        assert_eq!(version["message"], nasty);
        // Bodies over the limit are refused before they are read.
        let big = format!("{{\"name\": \"{}\"}}", "x".repeat(2 << 20));
        let r = t
            .rep
            .send(
                "POST",
                "/api/v1/pipelines/sales/deals",
                Some("application/json"),
                big.as_bytes(),
            )
            .await;
        problem(&r, 413, "payload-too-large");
        // Wrong content type and broken JSON say so.
        problem(
            &t.rep
                .send(
                    "POST",
                    "/api/v1/pipelines/sales/deals",
                    Some("text/plain"),
                    b"{}",
                )
                .await,
            415,
            "unsupported-media-type",
        );
        problem(
            &t.rep
                .send(
                    "POST",
                    "/api/v1/pipelines/sales/deals",
                    Some("application/json"),
                    b"{",
                )
                .await,
            400,
            "bad-request",
        );
        problem(
            &t.rep.get("/api/v1/pipelines/sales/deals?limit=0").await,
            422,
            "invalid",
        );
        problem(&t.rep.get("/api/v1/nowhere").await, 404, "not-found");
    })
    .await;
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_import_in_one_transaction_with_problems_reported() {
    on_each_backend("imports", |db| async move {
        let config = ServerConfig { upload_limit: 4096, ..ServerConfig::default() };
        let t = team_with(&db, config).await;
        let csv = "deal,stage,timestamp,amount\n\
                   A-1,MQL,2024-01-01T10:00:00Z,1000\n\
                   A-1,Sales interaction,2024-01-05T10:00:00Z,1000\n\
                   A-2,MQL,not a date,500\n\
                   A-3,Awareness,2024-02-01T10:00:00Z,oops\n";
        let r = t.manager.send("POST", "/api/v1/pipelines/sales/imports?filename=crm.csv", Some("text/csv"), csv.as_bytes()).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let report = r.json();
        assert_eq!((report["deals"].as_u64(), report["stage_entries"].as_u64()), (Some(2), Some(3)));
        let problems: Vec<String> = report["problems"].as_array().unwrap().iter().map(|p| format!("{} {}:{} {}", p["level"].as_str().unwrap(), p["file"].as_str().unwrap(), p["line"], p["message"].as_str().unwrap())).collect();
        expect_test::expect![[r#"
            error crm.csv:4 cannot read `not a date` as a timestamp: expected a date such as 2023-04-05; the row is skipped
            warning crm.csv:null deal `A-3`: amount `oops` is not a number"#]].assert_eq(&problems.join("\n"));
        let board = t.viewer.get("/api/v1/pipelines/sales/board").await.json();
        let stage_of = |key: &str| board["columns"].as_array().unwrap().iter().find(|c| c["deals"].as_array().unwrap().iter().any(|d| d["key"] == key)).map(|c| c["stage"].clone());
        assert_eq!(stage_of("A-1"), Some(json!("sales-interaction")));
        assert_eq!(stage_of("A-3"), Some(json!("brand-awareness")));
        // Strict: one bad row and nothing is stored.
        let strict = csv.replace("A-", "B-");
        let r = t.manager.send("POST", "/api/v1/pipelines/sales/imports?filename=crm.csv&strict=true", Some("text/csv"), strict.as_bytes()).await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["committed"], false);
        let page = t.viewer.get("/api/v1/pipelines/sales/deals?limit=500").await.json();
        assert!(page["deals"].as_array().unwrap().iter().all(|d| !d["key"].as_str().unwrap().starts_with("B-")));
        // Over the upload limit.
        let big = format!("deal,stage,timestamp\n{}", "X,MQL,2024-01-01T00:00:00Z\n".repeat(400));
        problem(&t.manager.send("POST", "/api/v1/pipelines/sales/imports?filename=big.csv", Some("text/csv"), big.as_bytes()).await, 413, "payload-too-large");
        // A file no reader knows.
        let r = t.manager.send("POST", "/api/v1/pipelines/sales/imports?filename=x.csv", Some("text/csv"), b"what,is,this\n1,2,3\n").await;
        assert!(problem(&r, 422, "invalid")["detail"].as_str().unwrap().contains("x.csv"), "{}", r.text());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deal_lists_page_with_a_cursor_and_filter() {
    on_each_backend("paging", |db| async move {
        let t = team(&db).await;
        let mut ids = Vec::new();
        for i in 0..5 {
            let c = if i < 3 { &t.rep } else { &t.rep2 };
            let r = c
                .post(
                    "/api/v1/pipelines/sales/deals",
                    &json!({"name": format!("d{i}"), "segment": if i % 2 == 0 { "smb" } else { "enterprise" }}),
                )
                .await;
            ids.push(r.json()["id"].as_i64().unwrap());
        }
        // Pages of two, in id order, until there is no next cursor.
        let mut seen = Vec::new();
        let mut path = "/api/v1/pipelines/sales/deals?limit=2".to_string();
        loop {
            let page = t.viewer.get(&path).await.json();
            let deals = page["deals"].as_array().unwrap();
            assert!(deals.len() <= 2);
            seen.extend(deals.iter().map(|d| d["id"].as_i64().unwrap()));
            match page["next_cursor"].as_str() {
                Some(c) => path = format!("/api/v1/pipelines/sales/deals?limit=2&cursor={c}"),
                None => break,
            }
        }
        assert_eq!(seen, ids);
        let names = |v: Value| -> Vec<String> {
            v["deals"].as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap().to_string()).collect()
        };
        let rep_id = t.rep.get("/api/v1/session").await.json()["user"]["id"].as_i64().unwrap();
        let mine = t.viewer.get(&format!("/api/v1/pipelines/sales/deals?owner={rep_id}")).await.json();
        assert_eq!(names(mine), ["d0", "d1", "d2"]);
        let smb = t.viewer.get("/api/v1/pipelines/sales/deals?segment=smb").await.json();
        assert_eq!(names(smb), ["d0", "d2", "d4"]);
        // Move one out of the start stage and close another.
        let v = t.manager.get(&format!("/api/v1/deals/{}", ids[1])).await.json()["deal"]["version"].clone();
        let r = t.manager.post(&format!("/api/v1/deals/{}/moves", ids[1]), &json!({"to": "brand-engagement", "version": v, "override_reason": "test"})).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let staged = t.viewer.get("/api/v1/pipelines/sales/deals?stage=brand-engagement").await.json();
        assert_eq!(names(staged), ["d1"]);
        let open = t.viewer.get("/api/v1/pipelines/sales/deals?open=true&stage=brand-awareness").await.json();
        assert_eq!(names(open), ["d0", "d2", "d3", "d4"]);
        let closed = t.viewer.get("/api/v1/pipelines/sales/deals?open=false").await.json();
        assert_eq!(names(closed), Vec::<String>::new());
        problem(&t.viewer.get("/api/v1/pipelines/sales/deals?cursor=abc").await, 422, "invalid");
        problem(&t.viewer.get("/api/v1/pipelines/sales/deals?open=maybe").await, 400, "bad-request");
    })
    .await;
}
