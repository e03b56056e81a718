//! The web pages over HTTP, without a browser, on SQLite and PostgreSQL. Index:
//! - `every_page_is_strict_html`: each page answers 200 with the security headers (a CSP with
//!   no inline script or style and `frame-ancestors 'none'`) and carries no inline script,
//!   event handler or style attribute;
//! - `signing_in_goes_where_the_visitor_was_headed_and_nowhere_else`: sign-in redirects, open
//!   redirects refused, one-time passwords replaced first;
//! - `every_form_needs_the_session_token`: each form without or with a wrong CSRF token, or
//!   sent from another site, is refused and changes nothing;
//! - `markup_in_user_text_stays_text_on_every_page`: names, notes, reasons and map text with
//!   markup come back escaped;
//! - `roles_reach_only_their_pages`: viewers, reps and managers against admin and manager pages;
//! - `deals_run_through_the_gates_with_plain_forms`: refused moves say why, ticks, reasons,
//!   stale versions;
//! - `the_editor_checks_and_saves_with_plain_forms` and `the_import_form_reads_a_file`;
//! - `the_dashboard_says_no_data_and_why_rather_than_zero`: absent figures with their reason;
//! - `the_language_follows_the_browser_then_the_switch` and `assets_are_cached_by_content`.

use salesmap_server::ServerConfig;
use salesmap_server::testing::{Client, Reply, TestServer, spawn};
use salesmap_store::testing::{TestDatabase, on_each_backend};
use salesmap_store::{Actor, NewDeal, NewUser, Role, Store};
use serde_json::json;

const XSS: &str = "<img src=x onerror=alert(1)>";

struct Site {
    server: TestServer,
    admin: Client,
    manager: Client,
    rep: Client,
    viewer: Client,
}

async fn site_with(db: &TestDatabase, config: ServerConfig) -> Site {
    let store = Store::open(&db.url).await.expect("open");
    store
        .first_start(salesmap_mapfile::templates::b2b("en"))
        .await
        .unwrap();
    for (login, role, name) in [
        ("boss", Role::Admin, "Boss"),
        ("manager", Role::Manager, "Mia Manager"),
        ("rep", Role::Rep, "Rex Rep"),
        ("viewer", Role::Viewer, "Vic Viewer"),
    ] {
        store
            .add_user(
                &Actor::console(),
                NewUser {
                    login: login.into(),
                    display_name: name.into(),
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
        assert_eq!(
            c.sign_in(login, &format!("{login}-password")).await.status,
            200
        );
        c
    };
    Site {
        admin: signed("boss").await,
        manager: signed("manager").await,
        rep: signed("rep").await,
        viewer: signed("viewer").await,
        server,
    }
}

async fn site(db: &TestDatabase) -> Site {
    site_with(db, ServerConfig::default()).await
}

/// Posts a form as a browser would (the client's cookie; no CSRF header).
async fn form(c: &Client, path: &str, fields: &[(&str, &str)]) -> Reply {
    let body = serde_urlencoded::to_string(fields).unwrap();
    let mut browser = c.clone();
    browser.csrf = None;
    browser
        .send(
            "POST",
            path,
            Some("application/x-www-form-urlencoded"),
            body.as_bytes(),
        )
        .await
}

fn token(c: &Client) -> String {
    c.csrf.clone().expect("a session's CSRF token")
}

async fn deal(c: &Client, fields: serde_json::Value) -> serde_json::Value {
    let r = c.post("/api/v1/pipelines/sales/deals", &fields).await;
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()
}

/// Problems a page's HTML would bring past the CSP: script, handlers, style attributes.
fn inline_problems(html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let lower = html.to_ascii_lowercase();
    for (at, _) in lower.match_indices("<script") {
        let tag = &lower[at..at + lower[at..].find('>').unwrap_or(0)];
        if !tag.contains(" src=") && !tag.contains("type=\"application/json\"") {
            problems.push(format!("inline script: {tag}"));
        }
    }
    for attribute in [
        " style=",
        " onerror=",
        " onclick=",
        " onload=",
        " onmouseover=",
    ] {
        if lower.contains(attribute) {
            problems.push(format!("attribute{attribute}"));
        }
    }
    problems
}

fn assert_strict(path: &str, r: &Reply) {
    assert_eq!(r.status, 200, "{path}: {}", r.text());
    assert_eq!(
        r.header("content-type"),
        Some("text/html; charset=utf-8"),
        "{path}"
    );
    let csp = r.header("content-security-policy").unwrap_or("");
    for needed in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ] {
        assert!(csp.contains(needed), "{path}: CSP without {needed}: {csp}");
    }
    assert!(!csp.contains("unsafe"), "{path}: {csp}");
    assert_eq!(r.header("x-frame-options"), Some("DENY"), "{path}");
    assert_eq!(
        r.header("x-content-type-options"),
        Some("nosniff"),
        "{path}"
    );
    let problems = inline_problems(&r.text());
    assert!(problems.is_empty(), "{path}: {problems:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_is_strict_html() {
    on_each_backend("pages-strict", |db| async move {
        let s = site(&db).await;
        s.server.store.load_demo("sales", 40, 5).await.unwrap();
        let d = deal(
            &s.rep,
            json!({"name": "Acme", "amount": 1200, "currency": "USD"}),
        )
        .await;
        let id = d["id"].as_i64().unwrap();
        let pages = [
            "/pipelines".to_string(),
            "/p/sales/board".into(),
            "/p/sales/board?stale=1&q=acme".into(),
            "/p/sales/deals/new".into(),
            format!("/deals/{id}"),
            "/p/sales/map".into(),
            "/p/sales/map?lanes=owner".into(),
            "/p/sales/stages/sql".into(),
            "/p/sales/editor".into(),
            "/p/sales/dashboard".into(),
            "/p/sales/import".into(),
            "/admin/users".into(),
            "/tokens".into(),
            "/audit".into(),
            "/password".into(),
        ];
        for path in &pages {
            assert_strict(path, &s.admin.get(path).await);
        }
        let anonymous = s.server.client();
        assert_strict("/sign-in", &anonymous.get("/sign-in").await);
        // An unknown deal, stage or pipeline is a page that says so, with the right status.
        for (path, status) in [
            ("/deals/999999", 404),
            ("/p/sales/stages/nope", 404),
            ("/p/nope/board", 404),
        ] {
            let r = s.admin.get(path).await;
            assert_eq!(r.status, status, "{path}");
            assert!(r.text().contains("<h1>Not found</h1>"), "{path}");
        }
        // An unknown address is a page for a browser, a problem document for the rest.
        let r = s
            .admin
            .try_send(
                "GET",
                "/no-such-page",
                None,
                b"",
                &[("Accept", "text/html,*/*")],
            )
            .await
            .unwrap();
        assert_eq!(r.status, 404);
        assert!(r.text().contains("<h1>Not found</h1>"));
        let r = s
            .admin
            .try_send(
                "GET",
                "/api/v1/no-such-thing",
                None,
                b"",
                &[("Accept", "text/html")],
            )
            .await
            .unwrap();
        assert_eq!(
            (r.status, r.header("content-type")),
            (404, Some("application/problem+json"))
        );
        assert_eq!(
            s.admin.get("/no-such-page").await.header("content-type"),
            Some("application/problem+json")
        );
        // The report downloads from the dashboard's link.
        let r = s.viewer.get("/p/sales/report?lang=ko").await;
        assert_eq!(r.status, 200);
        assert!(
            r.header("content-disposition")
                .unwrap()
                .ends_with("-ko.html\"")
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_goes_where_the_visitor_was_headed_and_nowhere_else() {
    on_each_backend("pages-sign-in", |db| async move {
        let store = Store::open(&db.url).await.expect("open");
        let first = store
            .first_start(salesmap_mapfile::templates::b2b("en"))
            .await
            .unwrap();
        let (_, otp) = first.admin.unwrap();
        let server = spawn(store, ServerConfig::default()).await;
        let c = server.client();
        let r = c.get("/p/sales/map?lanes=owner").await;
        assert_eq!(
            (r.status, r.header("location")),
            (
                303,
                Some("/sign-in?next=%2Fp%2Fsales%2Fmap%3Flanes%3Downer")
            )
        );
        let sign_in = async |next: &str, password: &str| {
            let body = serde_urlencoded::to_string([
                ("login", "admin"),
                ("password", password),
                ("next", next),
            ])
            .unwrap();
            c.send(
                "POST",
                "/sign-in",
                Some("application/x-www-form-urlencoded"),
                body.as_bytes(),
            )
            .await
        };
        // A one-time password leads to the password page, whatever `next` says.
        let r = sign_in("/p/sales/map", &otp).await;
        assert_eq!(r.header("location"), Some("/password"));
        let mut admin = server.client();
        admin.cookie = Some(
            r.header("set-cookie")
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_string(),
        );
        for path in ["/p/sales/board", "/tokens", "/"] {
            assert_eq!(
                admin.get(path).await.header("location"),
                Some("/password"),
                "{path}"
            );
        }
        let page = admin.get("/password").await.text();
        let csrf = page
            .split("name=\"csrf_token\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        let r = form(
            &admin,
            "/password",
            &[
                ("csrf_token", &csrf),
                ("current_password", &otp),
                ("new_password", "a-new-password-1"),
                ("repeat_password", "a-new-password-2"),
            ],
        )
        .await;
        assert_eq!(r.status, 422);
        assert!(r.text().contains("The two new passwords differ"));
        let r = form(
            &admin,
            "/password",
            &[
                ("csrf_token", &csrf),
                ("current_password", &otp),
                ("new_password", "a-new-password-1"),
                ("repeat_password", "a-new-password-1"),
            ],
        )
        .await;
        assert_eq!(
            r.header("location"),
            Some("/?done=password"),
            "{}",
            r.text()
        );
        assert_eq!(
            admin.get("/?done=password").await.header("location"),
            Some("/p/sales/board?done=password")
        );
        // `next` is followed to a path of this site only.
        for (next, to) in [
            ("/p/sales/map", "/p/sales/map"),
            ("//evil.example/", "/"),
            ("/\\evil.example", "/"),
            ("https://evil.example/", "/"),
        ] {
            let r = sign_in(next, "a-new-password-1").await;
            assert_eq!(r.header("location"), Some(to), "{next}");
        }
        // A wrong password shows the form again with the reason and 401.
        let r = sign_in("/", "wrong-password").await;
        assert_eq!(r.status, 401);
        assert!(r.text().contains("The login or the password is wrong."));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_form_needs_the_session_token() {
    on_each_backend("pages-csrf", |db| async move {
        let s = site(&db).await;
        let d = deal(&s.manager, json!({"name": "Gated"})).await;
        let id = d["id"].as_i64().unwrap();
        let v = d["version"].to_string();
        let forms: Vec<(String, Vec<(&str, &str)>)> = vec![
            (
                format!("/deals/{id}/move"),
                vec![
                    ("to", "brand-engagement"),
                    ("version", &v),
                    ("override_reason", "x"),
                ],
            ),
            (
                format!("/deals/{id}/tick"),
                vec![("stage", "brand-awareness"), ("item", "0")],
            ),
            (
                format!("/deals/{id}/untick"),
                vec![("stage", "brand-awareness"), ("item", "0")],
            ),
            (format!("/deals/{id}/touch"), vec![("kind", "call")]),
            (
                format!("/deals/{id}/edit"),
                vec![("version", &v), ("name", "Changed")],
            ),
            ("/p/sales/deals/new".into(), vec![("name", "Forged")]),
            (
                "/p/sales/editor".into(),
                vec![("action", "save"), ("source", "x"), ("message", "m")],
            ),
            (
                "/admin/users".into(),
                vec![
                    ("login", "forged"),
                    ("display_name", "F"),
                    ("role", "admin"),
                ],
            ),
            ("/admin/users/1".into(), vec![("role", "viewer")]),
            ("/admin/users/1/reset".into(), vec![]),
            ("/tokens".into(), vec![("name", "forged")]),
            ("/tokens/1/revoke".into(), vec![]),
            (
                "/password".into(),
                vec![("current_password", "boss-password")],
            ),
            (
                "/pipelines".into(),
                vec![("key", "forged"), ("name", "F"), ("template", "en")],
            ),
            ("/sign-out".into(), vec![]),
            ("/language".into(), vec![("lang", "ko"), ("back", "/")]),
        ];
        for (path, fields) in &forms {
            // No token, a wrong one, and the right one sent from another site.
            let r = form(&s.admin, path, fields).await;
            assert_eq!(r.status, 403, "{path} without a token: {}", r.text());
            assert!(r.text().contains("The form expired"), "{path}");
            let mut wrong = fields.clone();
            wrong.push(("csrf_token", "0000"));
            assert_eq!(form(&s.admin, path, &wrong).await.status, 403, "{path}");
            let mut right = fields.clone();
            let t = token(&s.admin);
            right.push(("csrf_token", &t));
            let body = serde_urlencoded::to_string(&right).unwrap();
            let mut browser = s.admin.clone();
            browser.csrf = None;
            let r = browser
                .try_send(
                    "POST",
                    path,
                    Some("application/x-www-form-urlencoded"),
                    body.as_bytes(),
                    &[("Sec-Fetch-Site", "cross-site")],
                )
                .await
                .unwrap();
            assert_eq!(r.status, 403, "{path} from another site");
        }
        // Nothing changed.
        let now = s.admin.get(&format!("/api/v1/deals/{id}")).await.json();
        assert_eq!(now["deal"]["version"], d["version"]);
        assert_eq!(now["ticks"], json!([]));
        assert_eq!(now["touches"], json!([]));
        let users = s.admin.get("/api/v1/users").await.json();
        assert!(
            users
                .as_array()
                .unwrap()
                .iter()
                .all(|u| u["login"] != "forged")
        );
        assert_eq!(s.admin.get("/api/v1/tokens").await.json(), json!([]));
        assert_eq!(
            s.admin.get("/api/v1/session").await.status,
            200,
            "still signed in"
        );
        // Another session's token is no better than none.
        let r = form(
            &s.admin,
            &format!("/deals/{id}/touch"),
            &[("kind", "call"), ("csrf_token", &token(&s.manager))],
        )
        .await;
        assert_eq!(r.status, 403);
        // The import form checks its token before reading anything else.
        let body = multipart(&[
            ("csrf_token", "nope", None),
            ("file", "deal,stage\n", Some("a.csv")),
        ]);
        let r = s
            .manager
            .send(
                "POST",
                "/p/sales/import",
                Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
                &body,
            )
            .await;
        assert_eq!(r.status, 403);
    })
    .await;
}

const BOUNDARY: &str = "salesmap-test-boundary";

/// A `multipart/form-data` body of `(name, value, file name)` parts, in order.
fn multipart(parts: &[(&str, &str, Option<&str>)]) -> Vec<u8> {
    let mut body = String::new();
    for (name, value, file) in parts {
        body.push_str(&format!("--{BOUNDARY}\r\n"));
        match file {
            Some(f) => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/csv\r\n\r\n"
            )),
            None => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"
            )),
        }
        body.push_str(value);
        body.push_str("\r\n");
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    body.into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markup_in_user_text_stays_text_on_every_page() {
    on_each_backend("pages-xss", |db| async move {
        let s = site(&db).await;
        // A map whose name, a stage name and a checklist item carry markup.
        let source = salesmap_mapfile::templates::b2b("en")
            .replace(
                "name = \"B2B sales process\"",
                "name = \"B2B <script>alert(9)</script>\"",
            )
            .replace(
                "name = \"Brand awareness\"",
                "name = \"Awareness <img src=x onerror=alert(2)>\"",
            )
            .replace(
                "\"The person interacted with the brand on a tracked channel\"",
                "\"Interacted <svg onload=alert(3)>\"",
            );
        let r = s
            .manager
            .post(
                "/api/v1/pipelines/sales/versions",
                &json!({"source": source, "message": "<b>markup</b>"}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
        let d = deal(
            &s.rep,
            json!({"name": XSS, "company": "\"><script>alert(4)</script>", "segment": "<i>smb</i>", "source": "'onmouseover='x", "amount": 10}),
        )
        .await;
        let id = d["id"].as_i64().unwrap();
        let r = s
            .rep
            .post(
                &format!("/api/v1/deals/{id}/touches"),
                &json!({"kind": "call", "note": "<iframe src=//evil>"}),
            )
            .await;
        assert_eq!(r.status, 201);
        let v = s.rep.get(&format!("/api/v1/deals/{id}")).await.json()["deal"]["version"].clone();
        let r = s
            .manager
            .post(
                &format!("/api/v1/deals/{id}/moves"),
                &json!({"to": "brand-engagement", "version": v, "override_reason": "<marquee>why</marquee>"}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        let r = s
            .rep
            .post(&format!("/api/v1/deals/{id}/ticks"), &json!({"item": 0, "note": "<u>done</u>"}))
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
        let rep_id = s.rep.get("/api/v1/session").await.json()["user"]["id"].clone();
        let r = s
            .admin
            .patch(
                &format!("/api/v1/users/{rep_id}"),
                &json!({"display_name": "Rex <b>Rep</b>"}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        let raw = [
            XSS,
            "<script>alert",
            "<img src=x",
            "<svg onload",
            "<iframe",
            "<u>done",
            "<marquee>",
            "<b>Rep",
            "<i>smb",
            "'onmouseover='",
            "<b>markup",
        ];
        for path in [
            format!("/deals/{id}"),
            "/p/sales/board".into(),
            format!("/p/sales/board?q={}", "%3Cimg"),
            "/p/sales/map".into(),
            "/p/sales/stages/brand-awareness".into(),
            "/p/sales/stages/brand-engagement".into(),
            "/p/sales/editor".into(),
            "/p/sales/dashboard".into(),
            "/audit".into(),
            format!("/audit?deal={id}"),
            "/admin/users".into(),
            "/pipelines".into(),
        ] {
            let html = s.admin.get(&path).await.text();
            for r in raw {
                assert!(!html.contains(r), "{path} carries `{r}` unescaped");
            }
        }
        let deal_page = s.admin.get(&format!("/deals/{id}")).await.text();
        assert!(deal_page.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(deal_page.contains("&lt;iframe src=//evil&gt;"));
        let board = s.admin.get("/p/sales/board").await.text();
        assert!(board.contains("Awareness &lt;img src=x onerror=alert(2)&gt;"));
        let map = s.admin.get("/p/sales/map").await.text();
        assert!(map.contains("B2B &lt;script&gt;alert(9)&lt;/script&gt;"), "the map page");
        let audit = s.admin.get("/audit").await.text();
        assert!(audit.contains("&lt;marquee&gt;why&lt;/marquee&gt;"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_reach_only_their_pages() {
    on_each_backend("pages-roles", |db| async move {
        let s = site(&db).await;
        for (who, path) in [
            (&s.viewer, "/admin/users"),
            (&s.rep, "/admin/users"),
            (&s.manager, "/admin/users"),
            (&s.viewer, "/audit"),
            (&s.rep, "/audit"),
            (&s.viewer, "/p/sales/import"),
            (&s.rep, "/p/sales/import"),
            (&s.viewer, "/p/sales/deals/new"),
        ] {
            let r = who.get(path).await;
            assert_eq!(r.status, 403, "{path}");
            assert!(r.text().contains("<h1>Not allowed</h1>"), "{path}");
        }
        // Viewers read the board but cannot move: no drag handles, no "New deal".
        let board = s.viewer.get("/p/sales/board").await.text();
        assert!(board.contains("data-can-move=\"0\""));
        assert!(!board.contains("/p/sales/deals/new"));
        // A rep's editor has no save button, and a save is refused.
        let editor = s.rep.get("/p/sales/editor").await.text();
        assert!(!editor.contains("value=\"save\""));
        let source =
            salesmap_mapfile::templates::b2b("en").replace("target_days = 30", "target_days = 31");
        let r = form(
            &s.rep,
            "/p/sales/editor",
            &[
                ("csrf_token", &token(&s.rep)),
                ("action", "save"),
                ("source", &source),
                ("message", "m"),
            ],
        )
        .await;
        assert_eq!(r.status, 403);
        // A rep cannot change another's deal through the deal page's forms.
        let theirs = deal(&s.manager, json!({"name": "Not yours"})).await;
        let id = theirs["id"].as_i64().unwrap();
        let page = s.rep.get(&format!("/deals/{id}")).await.text();
        assert!(!page.contains(&format!("action=\"/deals/{id}/move\"")));
        let r = form(
            &s.rep,
            &format!("/deals/{id}/touch"),
            &[("csrf_token", &token(&s.rep)), ("kind", "call")],
        )
        .await;
        assert_eq!(r.status, 403, "{}", r.text());
        // Only managers see the override field.
        let mine = deal(&s.rep, json!({"name": "Mine"})).await;
        let page = s.rep.get(&format!("/deals/{}", mine["id"])).await.text();
        assert!(!page.contains("override_reason"));
        let page = s
            .manager
            .get(&format!("/deals/{}", mine["id"]))
            .await
            .text();
        assert!(page.contains("override_reason"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deals_run_through_the_gates_with_plain_forms() {
    on_each_backend("pages-deals", |db| async move {
        let s = site(&db).await;
        let t = token(&s.rep);
        // Create with the form: an amount as people type it.
        let r = form(
            &s.rep,
            "/p/sales/deals/new",
            &[
                ("csrf_token", &t),
                ("name", "Hooli"),
                ("amount", "12,000.50"),
                ("currency", "usd"),
            ],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.text());
        let to = r.header("location").unwrap().to_string();
        assert!(to.ends_with("?done=created"), "{to}");
        let id: i64 = to
            .trim_start_matches("/deals/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let d = s.rep.get(&format!("/api/v1/deals/{id}")).await.json();
        assert_eq!(
            (
                &d["deal"]["amount"],
                &d["deal"]["currency"],
                &d["deal"]["owner_name"]
            ),
            (&json!(12000.5), &json!("USD"), &json!("Rex Rep"))
        );
        // A bad amount shows the form again with what was typed.
        let r = form(
            &s.rep,
            "/p/sales/deals/new",
            &[("csrf_token", &t), ("name", "Typo"), ("amount", "12k")],
        )
        .await;
        assert_eq!(r.status, 422);
        assert!(r.text().contains("value=\"12k\""));
        // A move with its checklist unticked: refused, the item listed.
        let version = d["deal"]["version"].to_string();
        let r = form(
            &s.rep,
            &format!("/deals/{id}/move"),
            &[
                ("csrf_token", &t),
                ("to", "brand-engagement"),
                ("version", &version),
            ],
        )
        .await;
        assert_eq!(r.status, 422);
        let html = r.text();
        assert!(
            html.contains("these exit checklist items are not ticked"),
            "{html}"
        );
        assert!(html.contains("The person interacted with the brand on a tracked channel"));
        // Tick, then the move goes through.
        let r = form(
            &s.rep,
            &format!("/deals/{id}/tick"),
            &[
                ("csrf_token", &t),
                ("stage", "brand-awareness"),
                ("item", "0"),
            ],
        )
        .await;
        assert_eq!(
            r.header("location"),
            Some(&*format!("/deals/{id}?done=ticked"))
        );
        let page = s.rep.get(&format!("/deals/{id}?done=ticked")).await.text();
        assert!(page.contains("ticked by Rex Rep"));
        let version =
            s.rep.get(&format!("/api/v1/deals/{id}")).await.json()["deal"]["version"].to_string();
        // A stale version is refused with the deal as it is.
        let r = form(
            &s.rep,
            &format!("/deals/{id}/move"),
            &[
                ("csrf_token", &t),
                ("to", "brand-engagement"),
                ("version", "1"),
            ],
        )
        .await;
        assert_eq!(r.status, 409);
        assert!(r.text().contains("Someone changed this deal"));
        let r = form(
            &s.rep,
            &format!("/deals/{id}/move"),
            &[
                ("csrf_token", &t),
                ("to", "brand-engagement"),
                ("version", &version),
            ],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.text());
        // A touch, with a time typed in the form.
        let r = form(
            &s.rep,
            &format!("/deals/{id}/touch"),
            &[
                ("csrf_token", &t),
                ("kind", "meeting"),
                ("note", "Kick-off"),
                ("at", "2026-01-05T09:30"),
            ],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.text());
        let touches = s.rep.get(&format!("/api/v1/deals/{id}")).await.json()["touches"].clone();
        assert_eq!(touches[0]["at"], "2026-01-05T09:30:00Z");
        // Closing as lost needs the reason.
        let p = deal(&s.rep, json!({"name": "Lost one", "stage": "proposal"})).await;
        let pid = p["id"].as_i64().unwrap();
        let pv = p["version"].to_string();
        let r = form(
            &s.rep,
            &format!("/deals/{pid}/move"),
            &[("csrf_token", &t), ("to", "lost"), ("version", &pv)],
        )
        .await;
        assert_eq!(r.status, 422);
        assert!(r.text().contains("write the reason"));
        let r = form(
            &s.rep,
            &format!("/deals/{pid}/move"),
            &[
                ("csrf_token", &t),
                ("to", "lost"),
                ("version", &pv),
                ("reason", "No budget"),
            ],
        )
        .await;
        assert_eq!(r.status, 303);
        let page = s.rep.get(&format!("/deals/{pid}")).await.text();
        assert!(
            page.contains("Reason: No budget") && page.contains("nothing moves out of an outcome")
        );
        // A rep's override is refused; a manager's is recorded.
        let g = deal(&s.rep, json!({"name": "Gate", "stage": "sql"})).await;
        let gid = g["id"].as_i64().unwrap();
        let gv = g["version"].to_string();
        let r = form(
            &s.rep,
            &format!("/deals/{gid}/move"),
            &[
                ("csrf_token", &t),
                ("to", "discovery"),
                ("version", &gv),
                ("override_reason", "trust me"),
            ],
        )
        .await;
        assert_eq!(r.status, 403);
        let r = form(
            &s.manager,
            &format!("/deals/{gid}/move"),
            &[
                ("csrf_token", &token(&s.manager)),
                ("to", "discovery"),
                ("version", &gv),
                ("override_reason", "Signed NDA on file"),
            ],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.text());
        let audit = s.manager.get(&format!("/audit?deal={gid}")).await.text();
        assert!(
            audit.contains("exit checklist overridden") && audit.contains("Signed NDA on file")
        );
        // Owners change by managers only, with the edit form.
        let manager_id = s.manager.get("/api/v1/session").await.json()["user"]["id"].to_string();
        let r = form(
            &s.manager,
            &format!("/deals/{gid}/edit"),
            &[
                ("csrf_token", &token(&s.manager)),
                ("version", &(g["version"].as_i64().unwrap() + 1).to_string()),
                ("name", "Gate"),
                ("owner", &manager_id),
            ],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.text());
        let owner =
            s.manager.get(&format!("/api/v1/deals/{gid}")).await.json()["deal"]["owner_name"]
                .clone();
        assert_eq!(owner, "Mia Manager");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_editor_checks_and_saves_with_plain_forms() {
    on_each_backend("pages-editor", |db| async move {
        let s = site(&db).await;
        let t = token(&s.manager);
        let template = salesmap_mapfile::templates::b2b("en");
        let broken = template.replacen(
            "next = \"brand-engagement\"",
            "next = \"brand-engagment\"",
            1,
        );
        let line = broken
            .lines()
            .position(|l| l.contains("brand-engagment"))
            .unwrap()
            + 1;
        let r = form(
            &s.manager,
            "/p/sales/editor",
            &[
                ("csrf_token", &t),
                ("action", "check"),
                ("source", &broken),
                ("message", ""),
            ],
        )
        .await;
        assert_eq!(r.status, 422);
        let html = r.text();
        assert!(
            html.contains(&format!("data-line=\"{line}\" data-column=\"8\"")),
            "no diagnostic at line {line}"
        );
        assert!(
            html.contains(&format!("<li class=\"has-error\">{line}</li>")),
            "the line is not marked"
        );
        assert!(
            html.contains("id=\"save\" disabled"),
            "saving is not disabled"
        );
        let r = form(
            &s.manager,
            "/p/sales/editor",
            &[
                ("csrf_token", &t),
                ("action", "save"),
                ("source", &broken),
                ("message", "m"),
            ],
        )
        .await;
        assert_eq!(r.status, 422);
        assert!(r.text().contains("The map has errors and was not saved"));
        // A version that strands a deal asks where it goes, then saves.
        s.server
            .store
            .create_deal(
                &Actor::console(),
                "sales",
                NewDeal {
                    name: "In awareness".into(),
                    ..NewDeal::default()
                },
            )
            .await
            .unwrap();
        let start = template
            .find("[[stage]]\nid = \"brand-awareness\"")
            .unwrap();
        let end = start + 1 + template[start + 1..].find("[[stage]]").unwrap();
        let cut = format!("{}{}", &template[..start], &template[end..]).replace(
            "start = \"brand-awareness\"",
            "start = \"brand-engagement\"",
        );
        let r = form(
            &s.manager,
            "/p/sales/editor",
            &[
                ("csrf_token", &t),
                ("action", "save"),
                ("source", &cut),
                ("message", "No awareness stage"),
            ],
        )
        .await;
        assert_eq!(r.status, 422);
        let html = r.text();
        assert!(html.contains("This version moves open deals"));
        assert!(html.contains("name=\"relocate.brand-awareness\""));
        assert!(html.contains("<option value=\"brand-engagement\" selected>"));
        let r = form(
            &s.manager,
            "/p/sales/editor",
            &[
                ("csrf_token", &t),
                ("action", "save"),
                ("source", &cut),
                ("message", "No awareness stage"),
                ("relocate.brand-awareness", "brand-engagement"),
            ],
        )
        .await;
        assert_eq!(
            r.header("location"),
            Some("/p/sales/board?done=published"),
            "{}",
            r.text()
        );
        let board = s.manager.get("/p/sales/board?done=published").await.text();
        assert!(board.contains("The new map version is published."));
        assert!(!board.contains("data-stage=\"brand-awareness\""));
        assert!(board.contains("Map version v2"));
        // Saving the same text again is refused as nothing to save.
        let r = form(
            &s.manager,
            "/p/sales/editor",
            &[
                ("csrf_token", &t),
                ("action", "save"),
                ("source", &cut),
                ("message", "again"),
            ],
        )
        .await;
        assert_eq!(r.status, 422);
        assert!(r.text().contains("Nothing changed"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_import_form_reads_a_file() {
    on_each_backend("pages-import", |db| async move {
        let config = ServerConfig {
            upload_limit: 4096,
            ..ServerConfig::default()
        };
        let s = site_with(&db, config).await;
        let csv = "deal_id,stage,timestamp\nX-1,Awareness,2026-01-02T10:00:00Z\nX-1,Engaged,2026-01-09T10:00:00Z\nX-2,MQL,not-a-time\n";
        let t = token(&s.manager);
        let send = async |parts: &[(&str, &str, Option<&str>)]| {
            s.manager
                .send(
                    "POST",
                    "/p/sales/import",
                    Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
                    &multipart(parts),
                )
                .await
        };
        let r = send(&[("csrf_token", &t, None), ("format", "", None), ("file", csv, Some("crm <export>.csv"))]).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let html = r.text();
        assert!(html.contains("Imported 1 deals, 2 stage entries and 0 touches; 1 row(s) skipped"), "{html}");
        assert!(html.contains("not-a-time"), "the bad row is not reported");
        assert!(!html.contains("crm <export>"), "the file name is not escaped");
        // Too large: 413 with the reason; nothing stored.
        let big = format!("deal_id,stage,timestamp\n{}", "X-9,Awareness,2026-01-02T10:00:00Z\n".repeat(200));
        let r = send(&[("csrf_token", &t, None), ("file", &big, Some("big.csv"))]).await;
        assert_eq!(r.status, 413, "{}", r.text());
        // A bad option is a clear 422.
        let r = send(&[("csrf_token", &t, None), ("format", "excel", None), ("file", csv, Some("a.csv"))]).await;
        assert_eq!(r.status, 422);
        assert!(r.text().contains("is not a format"));
        // An option field is short; a long one is refused before the file is read.
        let long = "x".repeat(5000);
        let r = send(&[
            ("csrf_token", &t, None),
            ("timezone", &long, None),
            ("file", csv, Some("a.csv")),
        ])
        .await;
        assert_eq!(r.status, 422);
        assert!(r.text().contains("at most 4096 bytes"));
        // No file.
        let r = send(&[("csrf_token", &t, None), ("format", "", None)]).await;
        assert_eq!(r.status, 422);
        assert!(r.text().contains("Choose a file to import."));
        // Reps may not import.
        let r = s
            .rep
            .send(
                "POST",
                "/p/sales/import",
                Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
                &multipart(&[("csrf_token", &token(&s.rep), None), ("file", csv, Some("a.csv"))]),
            )
            .await;
        assert_eq!(r.status, 403);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_follows_the_browser_then_the_switch() {
    let db = TestDatabase::sqlite();
    let s = site(&db).await;
    let anonymous = s.server.client();
    let korean = anonymous
        .try_send(
            "GET",
            "/sign-in",
            None,
            b"",
            &[("Accept-Language", "ko-KR,ko;q=0.9,en;q=0.8")],
        )
        .await
        .unwrap();
    assert!(korean.text().contains("<html lang=\"ko\">"));
    assert!(korean.text().contains("salesmap 로그인"));
    // Signed out, the switch needs no token (there is no session); it remembers a year and
    // only goes back to this site.
    let body = serde_urlencoded::to_string([("lang", "ko"), ("back", "//evil.example/")]).unwrap();
    let r = anonymous
        .send(
            "POST",
            "/language",
            Some("application/x-www-form-urlencoded"),
            body.as_bytes(),
        )
        .await;
    assert_eq!(r.header("location"), Some("/"));
    assert_eq!(
        r.header("set-cookie"),
        Some("salesmap_lang=ko; Path=/; Max-Age=31536000; SameSite=Lax")
    );
    // Signed in, the cookie wins over the browser's language, everywhere.
    let r = s
        .rep
        .try_send(
            "GET",
            "/p/sales/board",
            None,
            b"",
            &[(
                "Cookie",
                &format!("{}; salesmap_lang=ko", s.rep.cookie.clone().unwrap()),
            )],
        )
        .await
        .unwrap();
    let html = r.text();
    assert!(html.contains("<h1>파이프라인 보드</h1>") && html.contains("대시보드"));
    let r = form(
        &s.rep,
        "/language",
        &[
            ("lang", "ko"),
            ("back", "/p/sales/map"),
            ("csrf_token", &token(&s.rep)),
        ],
    )
    .await;
    assert_eq!(r.header("location"), Some("/p/sales/map"));
    let r = form(
        &s.rep,
        "/language",
        &[
            ("lang", "fr"),
            ("back", "/"),
            ("csrf_token", &token(&s.rep)),
        ],
    )
    .await;
    assert_eq!(r.status, 422);
    s.server.stop().await;
    db.remove().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assets_are_cached_by_content() {
    let db = TestDatabase::sqlite();
    let s = site(&db).await;
    let page = s.viewer.get("/p/sales/board").await.text();
    for (name, kind) in [
        ("app.css", "text/css"),
        ("app.js", "text/javascript"),
        ("board.js", "text/javascript"),
    ] {
        let (stem, ext) = name.split_once('.').unwrap();
        let url = page
            .split(&format!("/assets/{stem}."))
            .skip(1)
            .map(|rest| format!("/assets/{stem}.{}", rest.split('"').next().unwrap()))
            .find(|u| u.ends_with(&format!(".{ext}")))
            .unwrap_or_else(|| panic!("{name} is not linked"));
        let r = s.server.client().get(&url).await;
        assert_eq!(r.status, 200, "{url}");
        let content_type = r.header("content-type").unwrap_or("");
        assert!(content_type.starts_with(kind), "{url}: {content_type}");
        assert_eq!(
            r.header("cache-control"),
            Some("public, max-age=31536000, immutable")
        );
    }
    let r = s.server.client().get("/assets/app.0000000000.css").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    s.server.stop().await;
    db.remove().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_says_no_data_and_why_rather_than_zero() {
    let db = TestDatabase::sqlite();
    let s = site(&db).await;
    deal(
        &s.rep,
        json!({"name": "Only one", "amount": 5000, "currency": "USD"}),
    )
    .await;
    let html = s.viewer.get("/p/sales/dashboard").await.text();
    // Nothing is closed: the win rate, the cycle and churn have no data, each with its reason,
    // and no KPI is "met".
    assert!(html.contains("<p class=\"value\">no data</p>"), "{html}");
    assert!(html.contains("no deal is won or lost yet"));
    assert!(html.contains("no deal reached the won milestone"));
    assert!(
        !html.contains("status met"),
        "a KPI with no data reads as met"
    );
    assert!(
        !html.contains(">0%</p>"),
        "a rate with no data reads as 0 %"
    );
    let korean = s
        .viewer
        .try_send(
            "GET",
            "/p/sales/dashboard",
            None,
            b"",
            &[(
                "Cookie",
                &format!("{}; salesmap_lang=ko", s.viewer.cookie.clone().unwrap()),
            )],
        )
        .await
        .unwrap()
        .text();
    assert!(korean.contains("<p class=\"value\">데이터 없음</p>"));
    assert!(korean.contains("아직 수주나 실주로 종결된 거래가 없습니다"));
    s.server.stop().await;
    db.remove().await;
}
