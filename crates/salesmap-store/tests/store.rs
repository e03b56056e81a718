//! The store's domain operations, each run on a fresh SQLite file and a fresh PostgreSQL
//! database (`testing::on_each_backend`). Index:
//! - schema: migrations, append-only audit, immutable map versions, tokens stored hashed;
//! - users and sign-in: argon2id, the rate limit, sessions, API tokens, roles;
//! - moves: transitions, exit checklist gates, reasons, overrides (audited), stale versions,
//!   ownership, concurrent moves;
//! - text stored verbatim; map versions; the live history and imports.

use std::collections::BTreeMap;

use salesmap_store::testing::{TestDatabase, on_each_backend};
use salesmap_store::{
    Actor, DealFilter, DealPatch, MoveRequest, NewDeal, NewTouch, NewUser, Refusal, Role, Store,
    StoreError, TickRequest, User,
};

fn template() -> &'static str {
    salesmap_mapfile::templates::b2b("en")
}

/// The error of running `sql`, or "" when it succeeds.
async fn sql_error(pool: &sqlx::AnyPool, sql: &str) -> String {
    match sqlx::query(sql).execute(pool).await {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}

/// One value of a one-row query.
async fn scalar_text(pool: &sqlx::AnyPool, sql: &str, bind: &str) -> String {
    let row = sqlx::query(sql).bind(bind).fetch_one(pool).await.unwrap();
    sqlx::Row::get::<String, _>(&row, 0)
}

/// A store with the template pipeline `sales`, and users of every role (`admin` is the
/// first-start admin).
struct World {
    store: Store,
    admin: Actor,
    manager: Actor,
    rep: Actor,
    other_rep: Actor,
    viewer: Actor,
    rep_user: User,
}

async fn add(store: &Store, admin: &Actor, login: &str, role: Role) -> User {
    let (user, _) = store
        .add_user(
            admin,
            NewUser {
                login: login.into(),
                display_name: format!("{login} name"),
                role,
                password: Some(format!("{login}-password-1")),
            },
        )
        .await
        .unwrap();
    user
}

async fn world(db: &TestDatabase) -> World {
    let store = Store::open(&db.url).await.expect("open");
    let first = store.first_start(template()).await.expect("first start");
    assert_eq!(first.pipeline.as_deref(), Some("sales"));
    let admin = Actor::user(&store.user_by_login("admin").await.unwrap());
    let manager = Actor::user(&add(&store, &admin, "manager", Role::Manager).await);
    let rep_user = add(&store, &admin, "rep", Role::Rep).await;
    let other_rep = Actor::user(&add(&store, &admin, "rep2", Role::Rep).await);
    let viewer = Actor::user(&add(&store, &admin, "viewer", Role::Viewer).await);
    World {
        rep: Actor::user(&rep_user),
        store,
        admin,
        manager,
        other_rep,
        viewer,
        rep_user,
    }
}

fn new_deal(name: &str) -> NewDeal {
    NewDeal {
        name: name.into(),
        company: Some("Acme".into()),
        amount: Some(12_000.0),
        currency: Some("usd".into()),
        ..NewDeal::default()
    }
}

async fn tick_all(w: &World, actor: &Actor, deal: i64, stage: &str, items: usize) {
    for item in 0..items {
        w.store
            .tick_item(
                actor,
                deal,
                TickRequest {
                    stage: Some(stage.into()),
                    item,
                    ..TickRequest::default()
                },
            )
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_keeps_audit_append_only_and_versions_immutable() {
    on_each_backend("schema", |db| async move {
        let w = world(&db).await;
        // Reopening runs no migration twice.
        let again = Store::open(&db.url).await.unwrap();
        assert_eq!(again.list_pipelines(&w.admin).await.unwrap().len(), 1);
        let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
        for sql in [
            "UPDATE audit SET action = 'x'",
            "DELETE FROM audit",
            "UPDATE map_versions SET source = 'x'",
            "DELETE FROM map_versions",
        ] {
            let err = sql_error(&pool, sql).await;
            assert!(
                err.contains("append-only") || err.contains("immutable"),
                "{sql}: {err}"
            );
        }
        // Status changes are allowed.
        assert_eq!(
            sql_error(&pool, "UPDATE map_versions SET status = 'published'").await,
            ""
        );
        pool.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_hashes_passwords_rate_limits_and_hashes_tokens() {
    on_each_backend("sign_in", |db| async move {
        let w = world(&db).await;
        let signed = w
            .store
            .sign_in("REP", "rep-password-1", "10.0.0.1")
            .await
            .unwrap();
        assert_eq!(signed.user.login, "rep");
        let auth = w
            .store
            .authenticate_session(&signed.token)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(auth.actor, w.rep);
        assert!(
            w.store
                .authenticate_session("sms_nope")
                .await
                .unwrap()
                .is_none()
        );

        let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
        let hash = scalar_text(
            &pool,
            "SELECT password_hash FROM users WHERE login = $1",
            "rep",
        )
        .await;
        assert!(hash.starts_with("$argon2id$"), "{hash}");

        // Five failures lock the login, even for the right password.
        for _ in 0..5 {
            let e = w
                .store
                .sign_in("rep", "wrong", "10.0.0.2")
                .await
                .unwrap_err();
            assert!(matches!(e, StoreError::BadCredentials), "{e}");
        }
        let e = w
            .store
            .sign_in("rep", "rep-password-1", "10.0.0.3")
            .await
            .unwrap_err();
        assert!(
            matches!(e, StoreError::RateLimited { retry_after_secs } if retry_after_secs > 800),
            "{e}"
        );
        // Another login is not affected.
        w.store
            .sign_in("viewer", "viewer-password-1", "10.0.0.2")
            .await
            .unwrap();

        // API tokens: shown once, stored as a digest, revocable.
        let (token, secret) = w.store.create_api_token(&w.rep, "ci").await.unwrap();
        let stored = scalar_text(
            &pool,
            "SELECT token_hash FROM api_tokens WHERE name = $1",
            "ci",
        )
        .await;
        assert_eq!(stored.len(), 64, "a SHA-256 digest");
        assert!(
            !secret.contains(&stored) && !stored.contains(&secret[4..]),
            "not the secret"
        );
        assert_eq!(
            w.store
                .authenticate_token(&secret)
                .await
                .unwrap()
                .unwrap()
                .actor,
            w.rep
        );
        let e = w
            .store
            .revoke_api_token(&w.other_rep, token.id)
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound(_)), "{e}");
        w.store.revoke_api_token(&w.rep, token.id).await.unwrap();
        assert!(w.store.authenticate_token(&secret).await.unwrap().is_none());

        // A session ends when it expires, and when its user is disabled.
        let s2 = w
            .store
            .sign_in("viewer", "viewer-password-1", "10.0.0.4")
            .await
            .unwrap();
        assert_eq!(
            sql_error(&pool, "UPDATE sessions SET expires_at = 0").await,
            ""
        );
        assert!(
            w.store
                .authenticate_session(&s2.token)
                .await
                .unwrap()
                .is_none(),
            "expired"
        );
        let s3 = w
            .store
            .sign_in("viewer", "viewer-password-1", "10.0.0.4")
            .await
            .unwrap();
        assert!(
            w.store
                .authenticate_session(&s3.token)
                .await
                .unwrap()
                .is_some()
        );
        let viewer_id = w.viewer.user_id.unwrap();
        w.store
            .update_user(
                &w.admin,
                viewer_id,
                salesmap_store::UserPatch {
                    disabled: Some(true),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(
            w.store
                .authenticate_session(&s3.token)
                .await
                .unwrap()
                .is_none(),
            "disabled"
        );
        let e = w
            .store
            .sign_in("viewer", "viewer-password-1", "10.0.0.4")
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::BadCredentials), "{e}");

        // Every auth event is audited.
        let actions: Vec<String> = w
            .store
            .audit_log(&w.admin, None, None, 500)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.action)
            .collect();
        for action in [
            "auth.signed_in",
            "auth.sign_in_failed",
            "auth.rate_limited",
            "auth.token_created",
            "auth.token_revoked",
            "user.added",
        ] {
            assert!(
                actions.iter().any(|a| a == action),
                "{action} in {actions:?}"
            );
        }
        pool.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_decide_who_manages_users() {
    on_each_backend("roles", |db| async move {
        let w = world(&db).await;
        let new = NewUser {
            login: "x".into(),
            display_name: "X".into(),
            role: Role::Rep,
            password: None,
        };
        for actor in [&w.manager, &w.rep, &w.viewer] {
            let e = w.store.add_user(actor, new.clone()).await.unwrap_err();
            assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
        }
        let (user, otp) = w.store.add_user(&w.admin, new.clone()).await.unwrap();
        assert!(user.must_change_password);
        let otp = otp.unwrap();
        let dup = w.store.add_user(&w.admin, new).await.unwrap_err();
        assert!(matches!(dup, StoreError::Duplicate(_)), "{dup}");
        // First sign-in, then the password change clears the flag.
        let s = w.store.sign_in("x", &otp, "r").await.unwrap();
        assert!(s.user.must_change_password);
        let actor = Actor::user(&s.user);
        w.store
            .change_password(&actor, &otp, "a new long password", None)
            .await
            .unwrap();
        assert!(
            !w.store
                .user_by_login("x")
                .await
                .unwrap()
                .must_change_password
        );
        // The last admin stays admin.
        let admin_id = w.admin.user_id.unwrap();
        let e = w
            .store
            .update_user(
                &w.admin,
                admin_id,
                salesmap_store::UserPatch {
                    role: Some(Role::Rep),
                    ..Default::default()
                },
            )
            .await
            .unwrap_err();
        assert!(e.to_string().contains("last active admin"), "{e}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moves_follow_the_map_its_gates_and_reasons() {
    on_each_backend("moves", |db| async move {
        let w = world(&db).await;
        let deal = w.store.create_deal(&w.rep, "sales", new_deal("First")).await.unwrap();
        assert_eq!((deal.stage.as_str(), deal.version, deal.owner_id), ("brand-awareness", 1, w.rep.user_id));
        assert_eq!(deal.currency.as_deref(), Some("USD"));

        // Not a transition of the map.
        let e = w.store.move_deal(&w.rep, deal.id, MoveRequest { to: "sql".into(), version: 1, ..Default::default() }).await.unwrap_err();
        let StoreError::Refused(Refusal::TransitionNotAllowed { allowed, .. }) = &e else { panic!("{e}") };
        assert_eq!(allowed, &["brand-engagement"]);

        // The gate lists the unticked item.
        let e = w.store.move_deal(&w.rep, deal.id, MoveRequest { to: "brand-engagement".into(), version: 1, ..Default::default() }).await.unwrap_err();
        expect_test::expect![[r#"the exit checklist has 1 unticked item(s): brand-awareness #0 "The person interacted with the brand on a tracked channel"; tick them, or a manager may override with a reason"#]].assert_eq(&e.to_string());
        let tick = w.store.tick_item(&w.rep, deal.id, TickRequest { item: 0, note: Some("webinar".into()), evidence_url: Some("https://crm.example/a?b=1".into()), ..Default::default() }).await.unwrap();
        assert_eq!((tick.ticked_by, tick.note.as_deref()), (w.rep.user_id, Some("webinar")));
        // The tick bumped the version: the old one is stale and the refusal carries the deal.
        let e = w.store.move_deal(&w.rep, deal.id, MoveRequest { to: "brand-engagement".into(), version: 1, ..Default::default() }).await.unwrap_err();
        let StoreError::StaleVersion(current) = e else { panic!("{e}") };
        assert_eq!(current.version, 2);
        let moved = w.store.move_deal(&w.rep, deal.id, MoveRequest { to: "brand-engagement".into(), version: 2, ..Default::default() }).await.unwrap();
        assert_eq!((moved.stage.as_str(), moved.version), ("brand-engagement", 3));

        // A rep cannot override; a manager can, with a reason, and it is audited.
        let e = w.store.move_deal(&w.rep, deal.id, MoveRequest { to: "mql".into(), version: 3, override_reason: Some("trust me".into()), ..Default::default() }).await.unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
        let moved = w.store.move_deal(&w.manager, deal.id, MoveRequest { to: "mql".into(), version: 3, override_reason: Some("score model is down".into()), ..Default::default() }).await.unwrap();
        assert_eq!(moved.stage, "mql");
        let audit = w.store.audit_log(&w.admin, Some(deal.id), None, 50).await.unwrap();
        let overridden = audit.iter().find(|a| a.action == "deal.gate_overridden").expect("override audited");
        assert_eq!(overridden.actor, "manager");
        assert_eq!(overridden.detail["override_reason"], "score model is down");
        assert_eq!(overridden.detail["missing"].as_array().unwrap().len(), 2);

        // Saying no needs a reason, and needs no checklist.
        tick_all(&w, &w.rep, deal.id, "mql", 2).await;
        let v = w.store.deal(&w.rep, deal.id).await.unwrap().version;
        let moved = w.store.move_deal(&w.rep, deal.id, MoveRequest { to: "sales-interaction".into(), version: v, ..Default::default() }).await.unwrap();
        let e = w.store.move_deal(&w.rep, deal.id, MoveRequest { to: "disqualified".into(), version: moved.version, ..Default::default() }).await.unwrap_err();
        assert!(matches!(e, StoreError::Refused(Refusal::ReasonRequired { .. })), "{e}");
        let lost = w.store.move_deal(&w.rep, deal.id, MoveRequest { to: "disqualified".into(), version: moved.version, reason: Some("wrong market".into()), ..Default::default() }).await.unwrap();
        assert!(!lost.open);
        assert_eq!(lost.attributes.get("lost_reason").map(String::as_str), Some("wrong market"));
        let e = w.store.move_deal(&w.manager, deal.id, MoveRequest { to: "mql".into(), version: lost.version, ..Default::default() }).await.unwrap_err();
        assert!(matches!(e, StoreError::Refused(Refusal::Closed { .. })), "{e}");

        // The entries record who, when, from where, the map version and the override.
        let entries = w.store.stage_entries(&w.viewer, deal.id).await.unwrap();
        let shown: Vec<String> = entries.iter().map(|e| format!("{}<-{} by {} v{} reason={} override={}", e.stage, e.from_stage.as_deref().unwrap_or("-"), e.actor_name.as_deref().unwrap_or("-"), e.map_version.unwrap_or(0), e.reason.as_deref().unwrap_or("-"), e.override_reason.as_deref().unwrap_or("-"))).collect();
        expect_test::expect![[r#"
            brand-awareness<-- by rep name v1 reason=- override=-
            brand-engagement<-brand-awareness by rep name v1 reason=- override=-
            mql<-brand-engagement by manager name v1 reason=- override=score model is down
            sales-interaction<-mql by rep name v1 reason=- override=-
            disqualified<-sales-interaction by rep name v1 reason=wrong market override=-"#]].assert_eq(&shown.join("\n"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reps_change_only_their_own_deals_and_viewers_nothing() {
    on_each_backend("ownership", |db| async move {
        let w = world(&db).await;
        let deal = w
            .store
            .create_deal(&w.rep, "sales", new_deal("Mine"))
            .await
            .unwrap();
        for actor in [&w.other_rep, &w.viewer] {
            let forbidden = |e: StoreError| assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
            forbidden(
                w.store
                    .move_deal(
                        actor,
                        deal.id,
                        MoveRequest {
                            to: "brand-engagement".into(),
                            version: 1,
                            ..Default::default()
                        },
                    )
                    .await
                    .unwrap_err(),
            );
            forbidden(
                w.store
                    .tick_item(actor, deal.id, TickRequest::default())
                    .await
                    .unwrap_err(),
            );
            forbidden(
                w.store
                    .untick_item(actor, deal.id, "brand-awareness", 0, None)
                    .await
                    .unwrap_err(),
            );
            forbidden(
                w.store
                    .log_touch(
                        actor,
                        deal.id,
                        NewTouch {
                            kind: "call".into(),
                            ..Default::default()
                        },
                    )
                    .await
                    .unwrap_err(),
            );
            forbidden(
                w.store
                    .update_deal(
                        actor,
                        deal.id,
                        1,
                        DealPatch {
                            name: Some("x".into()),
                            ..Default::default()
                        },
                    )
                    .await
                    .unwrap_err(),
            );
        }
        // A rep cannot create a deal for someone else, nor give theirs away.
        let e = w
            .store
            .create_deal(
                &w.rep,
                "sales",
                NewDeal {
                    owner_id: w.other_rep.user_id,
                    ..new_deal("x")
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
        let e = w
            .store
            .update_deal(
                &w.rep,
                deal.id,
                1,
                DealPatch {
                    owner_id: Some(w.other_rep.user_id),
                    ..Default::default()
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
        // The viewer cannot create deals; the manager can reassign.
        assert!(matches!(
            w.store
                .create_deal(&w.viewer, "sales", new_deal("x"))
                .await
                .unwrap_err(),
            StoreError::Forbidden(_)
        ));
        let d = w
            .store
            .update_deal(
                &w.manager,
                deal.id,
                1,
                DealPatch {
                    owner_id: Some(w.other_rep.user_id),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(d.owner_name.as_deref(), Some("rep2 name"));
        // Now the first rep is the outsider.
        let e = w
            .store
            .log_touch(
                &w.rep,
                deal.id,
                NewTouch {
                    kind: "call".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
        assert_eq!(w.rep_user.login, "rep");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_is_stored_and_returned_verbatim() {
    on_each_backend("verbatim", |db| async move {
        let w = world(&db).await;
        let nasty = "Robert'); DROP TABLE deals;-- <img src=x onerror=alert(1)> \"고객\" & %_\\";
        let mut attributes = BTreeMap::new();
        attributes.insert(nasty.to_string(), nasty.to_string());
        let deal = w
            .store
            .create_deal(
                &w.rep,
                "sales",
                NewDeal {
                    name: nasty.into(),
                    company: Some(nasty.into()),
                    source: Some(nasty.into()),
                    segment: Some(nasty.into()),
                    attributes: attributes.clone(),
                    key: Some(nasty.into()),
                    ..NewDeal::default()
                },
            )
            .await
            .unwrap();
        let back = w.store.deal(&w.viewer, deal.id).await.unwrap();
        assert_eq!((back.name.as_str(), back.key.as_str()), (nasty, nasty));
        assert_eq!(back.company.as_deref(), Some(nasty));
        assert_eq!(back.source.as_deref(), Some(nasty));
        assert_eq!(back.segment.as_deref(), Some(nasty));
        assert_eq!(back.attributes, attributes);
        let touch = w
            .store
            .log_touch(
                &w.rep,
                deal.id,
                NewTouch {
                    kind: "note".into(),
                    note: Some(nasty.into()),
                    at: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(touch.note.as_deref(), Some(nasty));
        let tick = w
            .store
            .tick_item(
                &w.rep,
                deal.id,
                TickRequest {
                    note: Some(nasty.into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(tick.note.as_deref(), Some(nasty));
        let page = w
            .store
            .list_deals(
                &w.viewer,
                "sales",
                &DealFilter {
                    segment: Some(nasty.into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(page.deals.len(), 1);
        let (user, _) = w
            .store
            .add_user(
                &w.admin,
                NewUser {
                    login: "o.brien".into(),
                    display_name: nasty.into(),
                    role: Role::Rep,
                    password: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(user.display_name, nasty);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_moves_lose_no_acknowledged_write() {
    on_each_backend("concurrent", |db| async move {
        let w = world(&db).await;
        let mut ids = Vec::new();
        for i in 0..4 {
            ids.push(
                w.store
                    .create_deal(&w.manager, "sales", new_deal(&format!("d{i}")))
                    .await
                    .unwrap()
                    .id,
            );
        }
        // 16 clients move the 4 deals back and forth between mql and nurture-free stages: each
        // reads the deal, then moves it with the version it read; stale versions are refused.
        let path = [
            "brand-awareness",
            "brand-engagement",
            "mql",
            "sales-interaction",
            "sql",
            "discovery",
            "demo",
            "proposal",
        ];
        let mut tasks = Vec::new();
        for c in 0..16 {
            let store = w.store.clone();
            let manager = w.manager.clone();
            let deal = ids[c % ids.len()];
            tasks.push(tokio::spawn(async move {
                let mut acknowledged = Vec::new();
                for _ in 0..6 {
                    let d = store.deal(&manager, deal).await.unwrap();
                    let at = path.iter().position(|s| *s == d.stage).unwrap();
                    let Some(next) = path.get(at + 1) else { break };
                    match store
                        .move_deal(
                            &manager,
                            deal,
                            MoveRequest {
                                to: next.to_string(),
                                version: d.version,
                                override_reason: Some("load".into()),
                                ..Default::default()
                            },
                        )
                        .await
                    {
                        Ok(moved) => {
                            acknowledged.push((deal, d.stage.clone(), moved.stage.clone()))
                        }
                        Err(StoreError::StaleVersion(_)) => {}
                        Err(e) => panic!("{e}"),
                    }
                }
                acknowledged
            }));
        }
        let mut acknowledged = Vec::new();
        for t in tasks {
            acknowledged.extend(t.await.unwrap());
        }
        for &deal in &ids {
            let entries = w.store.stage_entries(&w.viewer, deal).await.unwrap();
            // Every entry continues from the one before: no lost or duplicated move.
            for pair in entries.windows(2) {
                assert_eq!(pair[1].from_stage.as_deref(), Some(pair[0].stage.as_str()));
            }
            let acked: Vec<_> = acknowledged.iter().filter(|a| a.0 == deal).collect();
            assert_eq!(entries.len(), acked.len() + 1, "deal {deal}");
            for a in acked {
                assert!(
                    entries
                        .iter()
                        .any(|e| e.stage == a.2 && e.from_stage.as_deref() == Some(a.1.as_str()))
                );
            }
            let d = w.store.deal(&w.viewer, deal).await.unwrap();
            assert_eq!(d.stage, entries.last().unwrap().stage);
        }
        assert!(acknowledged.len() >= 4, "{}", acknowledged.len());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn map_versions_publish_checked_maps_only() {
    on_each_backend("versions", |db| async move {
        let w = world(&db).await;
        let e = w
            .store
            .publish_map_version(&w.manager, "sales", "[map\nname=", "broken")
            .await
            .unwrap_err();
        assert!(
            matches!(e, StoreError::Refused(Refusal::MapHasErrors { .. })),
            "{e}"
        );
        assert!(e.to_string().contains("map.toml:"), "{e}");
        let e = w
            .store
            .publish_map_version(&w.rep, "sales", template(), "x")
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
        let v = w
            .store
            .publish_map_version(&w.manager, "sales", template(), "same map again")
            .await
            .unwrap();
        assert_eq!((v.number, v.author.as_str()), (2, "manager"));
        let versions = w.store.map_versions(&w.viewer, "sales").await.unwrap();
        let statuses: Vec<_> = versions
            .iter()
            .map(|v| (v.number, v.status.name()))
            .collect();
        assert_eq!(statuses, [(2, "published"), (1, "superseded")]);
        // A version that drops a stage with open deals is refused.
        w.store
            .create_deal(&w.rep, "sales", new_deal("x"))
            .await
            .unwrap();
        let without = template().replace(
            "start = \"brand-awareness\"",
            "start = \"brand-engagement\"",
        );
        let cut = cut_stage(&without, "brand-awareness");
        let e = w
            .store
            .publish_map_version(&w.manager, "sales", &cut, "drop awareness")
            .await
            .unwrap_err();
        assert!(
            matches!(e, StoreError::Refused(Refusal::StagesInUse { .. })),
            "{e}"
        );
        assert!(
            e.to_string().contains("`brand-awareness` (1 open deal(s))"),
            "{e}"
        );
    })
    .await;
}

/// Two histories hold the same events and attributes: their normalized CSVs are equal (the
/// columns' internal padding may differ). The first differing line says where.
fn assert_same_history(a: &salesmap_core::history::History, b: &salesmap_core::history::History) {
    let text = |h| {
        let mut out = Vec::new();
        salesmap_import::write_csv(h, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    };
    let (ta, tb) = (text(a), text(b));
    let diff = ta
        .lines()
        .zip(tb.lines())
        .enumerate()
        .find(|(_, (x, y))| x != y);
    assert!(
        diff.is_none() && ta.len() == tb.len(),
        "histories differ at {diff:?}"
    );
    assert_eq!((a.len(), a.deals.len()), (b.len(), b.deals.len()));
}

/// The map text without the `[[stage]]` block of `id`.
fn cut_stage(source: &str, id: &str) -> String {
    let start = source.find(&format!("[[stage]]\nid = \"{id}\"")).unwrap();
    let end = start + 1 + source[start + 1..].find("[[stage]]").unwrap();
    format!("{}{}", &source[..start], &source[end..])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_history_round_trips_through_an_export() {
    on_each_backend("history", |db| async move {
        let w = world(&db).await;
        let report = w.store.load_demo("sales", 60, 7).await.unwrap();
        assert!(report.committed && report.deals == 60, "{report:?}");
        let deal = w
            .store
            .create_deal(&w.rep, "sales", new_deal("Live one"))
            .await
            .unwrap();
        w.store
            .log_touch(
                &w.rep,
                deal.id,
                NewTouch {
                    kind: "call".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let (history, _) = w.store.live_history(&w.viewer, "sales").await.unwrap();
        assert_eq!(history.deals.len(), 61);
        // Read once while nothing changes; any change is seen at once.
        let (again, _) = w.store.live_history(&w.viewer, "sales").await.unwrap();
        assert!(std::sync::Arc::ptr_eq(&history, &again));
        let touched = w
            .store
            .log_touch(
                &w.rep,
                deal.id,
                NewTouch {
                    kind: "email".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let (after, _) = w.store.live_history(&w.viewer, "sales").await.unwrap();
        assert_eq!(after.len(), history.len() + 1, "{touched:?}");
        let history = after;
        let mut csv = Vec::new();
        salesmap_import::write_csv(&history, &mut csv).unwrap();
        let dir = std::env::temp_dir().join(format!("salesmap-history-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(format!("{:?}.csv", db.backend));
        std::fs::write(&file, &csv).unwrap();
        let back = salesmap_import::read_history(&file).unwrap();
        std::fs::remove_file(&file).unwrap();
        assert!(back.problems.is_empty(), "{:?}", back.problems);
        assert_same_history(&back.history, &history);
        // Importing the export into a second pipeline gives the same history again.
        w.store
            .create_pipeline(&w.admin, "copy", "Copy", template(), "copy")
            .await
            .unwrap();
        let report = w
            .store
            .import_history(&w.manager, "copy", "export.csv", &back.history, &[], true)
            .await
            .unwrap();
        assert_eq!((report.deals, report.committed), (61, true));
        let (copy, _) = w.store.live_history(&w.viewer, "copy").await.unwrap();
        assert_same_history(&copy, &history);
        // A second import of the same deals stores nothing new and says why.
        let again = w
            .store
            .import_history(&w.manager, "copy", "export.csv", &back.history, &[], false)
            .await
            .unwrap();
        assert_eq!(
            (again.deals, again.committed, again.problems.len()),
            (0, false, 61)
        );
        let board = w.store.board(&w.viewer, "sales").await.unwrap();
        let open: u64 = board.columns.iter().map(|c| c.count).sum();
        assert!(open > 5, "the demo leaves open deals on the board: {open}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amounts_with_and_without_a_value_round_trip() {
    on_each_backend("amounts", |db| async move {
        let w = world(&db).await;
        // A deal without an amount first, then with: the same statement carries both.
        let mut got = Vec::new();
        for amount in [None, Some(0.0), Some(12.5), None, Some(999_999_999_999.99)] {
            let d = w
                .store
                .create_deal(
                    &w.rep,
                    "sales",
                    NewDeal {
                        amount,
                        ..new_deal("a")
                    },
                )
                .await
                .unwrap();
            got.push(w.store.deal(&w.rep, d.id).await.unwrap().amount);
        }
        assert_eq!(
            got,
            [None, Some(0.0), Some(12.5), None, Some(999_999_999_999.99)]
        );
        let d = w
            .store
            .create_deal(&w.rep, "sales", new_deal("b"))
            .await
            .unwrap();
        let cleared = w
            .store
            .update_deal(
                &w.rep,
                d.id,
                d.version,
                DealPatch {
                    amount: Some(None),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(cleared.amount, None);
        let set = w
            .store
            .update_deal(
                &w.rep,
                d.id,
                cleared.version,
                DealPatch {
                    amount: Some(Some(7.25)),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(set.amount, Some(7.25));
        let e = w
            .store
            .update_deal(
                &w.rep,
                d.id,
                set.version,
                DealPatch {
                    amount: Some(Some(f64::INFINITY)),
                    ..Default::default()
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Invalid { .. }), "{e}");
    })
    .await;
}
