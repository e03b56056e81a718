//! Publishing a map version that strands open deals, on SQLite and PostgreSQL: the plan the
//! editor shows (removed and renamed stages with their open deals and a suggested
//! destination), the refusal without destinations, the bad destinations, and a publish that
//! moves the deals in the same step (stage entries, audit rows, outbox events, versions).

use std::collections::BTreeMap;

use salesmap_store::testing::on_each_backend;
use salesmap_store::{Actor, NewDeal, Refusal, RelocationCause, Store, StoreError, check_map};

fn template() -> &'static str {
    salesmap_mapfile::templates::b2b("en")
}

/// The template without one stage (a stage block ends where the next one starts).
fn cut_stage(source: &str, id: &str) -> String {
    let start = source.find(&format!("[[stage]]\nid = \"{id}\"")).unwrap();
    let end = start + 1 + source[start + 1..].find("[[stage]]").unwrap();
    format!("{}{}", &source[..start], &source[end..])
}

/// The template with `brand-awareness` gone (the map starts at `brand-engagement`) and `mql`
/// renamed to `qualified-lead`, which names the old id as an alias.
fn next_version() -> String {
    let cut = cut_stage(template(), "brand-awareness").replace(
        "start = \"brand-awareness\"",
        "start = \"brand-engagement\"",
    );
    cut.replace("id = \"mql\"", "id = \"qualified-lead\"")
        .replace(
            "aliases = [\"MQL\", \"Marketing Qualified Lead\", \"Lead In\"]",
            "aliases = [\"mql\", \"MQL\", \"Marketing Qualified Lead\", \"Lead In\"]",
        )
        .replace("\"mql\"", "\"qualified-lead\"")
        .replace("aliases = [\"qualified-lead\",", "aliases = [\"mql\",")
}

async fn deal_in(store: &Store, actor: &Actor, stage: &str, name: &str) -> i64 {
    store
        .create_deal(
            actor,
            "sales",
            NewDeal {
                name: name.into(),
                stage: Some(stage.into()),
                ..NewDeal::default()
            },
        )
        .await
        .unwrap()
        .id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_version_moves_the_deals_it_strands_where_the_publisher_says() {
    on_each_backend("relocation", |db| async move {
        let store = Store::open(&db.url).await.expect("open");
        store.first_start(template()).await.expect("first start");
        let admin = Actor::user(&store.user_by_login("admin").await.unwrap());
        let a = deal_in(&store, &admin, "brand-awareness", "Aware one").await;
        let b = deal_in(&store, &admin, "brand-awareness", "Aware two").await;
        let m = deal_in(&store, &admin, "mql", "Lead one").await;
        let kept = deal_in(&store, &admin, "sql", "Kept").await;
        let source = next_version();
        let new_map = check_map(&source).expect("the next version checks");

        let plan = store
            .relocation_plan(&admin, "sales", &new_map)
            .await
            .unwrap();
        let shown: Vec<String> = plan
            .iter()
            .map(|r| format!("{} {:?} x{} -> {}", r.stage, r.cause, r.deals, r.suggested))
            .collect();
        assert_eq!(
            shown,
            [
                "brand-awareness Removed x2 -> brand-engagement",
                "mql Renamed x1 -> qualified-lead",
            ]
        );
        assert_eq!(plan[1].cause, RelocationCause::Renamed);

        // Without destinations the publish is refused and nothing changes.
        let e = store
            .publish_map_version(&admin, "sales", &source, "v2")
            .await
            .unwrap_err();
        assert!(
            matches!(&e, StoreError::Refused(Refusal::StagesInUse { stages }) if stages.len() == 2),
            "{e}"
        );
        // A destination that is an outcome, or for a stage that strands nothing, is refused.
        let mut relocate = BTreeMap::from([
            ("brand-awareness".to_string(), "lost".to_string()),
            ("mql".to_string(), "qualified-lead".to_string()),
        ]);
        let e = store
            .publish_map_version_relocating(&admin, "sales", &source, "v2", &relocate)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, StoreError::Invalid { field, .. } if field == "relocate.brand-awareness"),
            "{e}"
        );
        relocate.insert("brand-awareness".into(), "brand-engagement".into());
        relocate.insert("sql".into(), "demo".into());
        let e = store
            .publish_map_version_relocating(&admin, "sales", &source, "v2", &relocate)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, StoreError::Invalid { field, .. } if field == "relocate.sql"),
            "{e}"
        );
        assert_eq!(store.map_versions(&admin, "sales").await.unwrap().len(), 1);

        relocate.remove("sql");
        let v = store
            .publish_map_version_relocating(&admin, "sales", &source, "v2", &relocate)
            .await
            .unwrap();
        assert_eq!(v.number, 2);
        for (id, stage, version) in [
            (a, "brand-engagement", 2),
            (b, "brand-engagement", 2),
            (m, "qualified-lead", 2),
            (kept, "sql", 1),
        ] {
            let deal = store.deal(&admin, id).await.unwrap();
            assert_eq!((deal.stage.as_str(), deal.version), (stage, version));
        }
        let entries = store.stage_entries(&admin, a).await.unwrap();
        let last = entries.last().unwrap();
        assert_eq!(
            (
                last.stage.as_str(),
                last.from_stage.as_deref(),
                last.map_version,
                last.actor_name.as_deref()
            ),
            (
                "brand-engagement",
                Some("brand-awareness"),
                Some(2),
                Some("Administrator")
            )
        );
        let audit = store.audit_log(&admin, Some(m), None, 10).await.unwrap();
        assert_eq!(audit[0].action, "deal.relocated");
        assert_eq!(
            audit[0].detail,
            serde_json::json!({"from": "mql", "to": "qualified-lead", "map_version": 2})
        );
        let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
        let moved_events: i64 = sqlx::Row::get(
            &sqlx::query(
                "SELECT COUNT(*) FROM outbox WHERE kind = 'deal.moved' AND map_version_id = \
                 (SELECT id FROM map_versions WHERE number = 2)",
            )
            .fetch_one(&pool)
            .await
            .unwrap(),
            0,
        );
        assert_eq!(moved_events, 3);
        // The board follows the new map.
        let board = store.board(&admin, "sales").await.unwrap();
        let columns: Vec<(&str, u64)> = board
            .columns
            .iter()
            .take(3)
            .map(|c| (c.stage.as_str(), c.count))
            .collect();
        assert_eq!(
            columns,
            [
                ("brand-engagement", 2),
                ("qualified-lead", 1),
                ("sales-interaction", 0)
            ]
        );
        pool.close().await;
        store.close().await;
    })
    .await;
}
