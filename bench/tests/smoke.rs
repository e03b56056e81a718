//! Smoke benchmark: keeps the harness working inside `cargo test` without Python or large
//! files. It checks the replication promise (every count multiplied exactly, every per-edge
//! mean, median, minimum and maximum kept, the same variants) and writes the smoke set of
//! workloads, reads each back with salesmap and discovers it. Logs from `../shared/data` are
//! used where present; without them the replicated files are skipped with a message.

use std::path::PathBuf;

use salesmap_bench::{Workload, b2b_map, generate_events, replicate, shared_data};
use salesmap_core::discovery::{DiscoverOptions, Discovery, discover};
use salesmap_core::history::History;
use salesmap_import::read_history;

fn discovered(history: &History) -> Discovery {
    let options = DiscoverOptions {
        threads: 2,
        ..Default::default()
    };
    discover(history, &options).expect("no filters, no errors")
}

/// Asserts that `copied` is `original` replicated `n` times.
fn assert_replicated(original: &Discovery, copied: &Discovery, n: u64) {
    assert_eq!(copied.cases, original.cases * n);
    assert_eq!(copied.events, original.events * n);
    assert_eq!(copied.activities, original.activities);
    let times_n = |m: &std::collections::BTreeMap<String, u64>| -> Vec<(String, u64)> {
        m.iter().map(|(k, v)| (k.clone(), v * n)).collect()
    };
    let listed = |m: &std::collections::BTreeMap<String, u64>| -> Vec<(String, u64)> {
        m.iter().map(|(k, v)| (k.clone(), *v)).collect()
    };
    assert_eq!(
        listed(&copied.activity_counts),
        times_n(&original.activity_counts)
    );
    assert_eq!(
        listed(&copied.start_activities),
        times_n(&original.start_activities)
    );
    assert_eq!(
        listed(&copied.end_activities),
        times_n(&original.end_activities)
    );
    assert_eq!(listed(&copied.rework), times_n(&original.rework));
    assert_eq!(copied.dfg.len(), original.dfg.len());
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(1.0);
    for (c, o) in copied.dfg.iter().zip(&original.dfg) {
        assert_eq!((&c.from, &c.to, c.count), (&o.from, &o.to, o.count * n));
        assert!(close(c.mean, o.mean), "{}>{} mean", o.from, o.to);
        assert_eq!((c.median, c.min, c.max), (o.median, o.min, o.max));
        assert!(close(c.sum, o.sum * n as f64), "{}>{} sum", o.from, o.to);
    }
    assert_eq!(copied.variant_count, original.variant_count);
    for (c, o) in copied.variants.iter().zip(original.variants.iter()) {
        assert!(c.stages().eq(o.stages()), "variant {}", o.join(","));
        assert_eq!(c.count, o.count * n, "variant {}", o.join(","));
    }
}

#[test]
fn replication_multiplies_counts_and_keeps_edge_figures() {
    let history = generate_events(&b2b_map(), 3_000);
    let original = discovered(&history);
    assert!(original.dfg.len() > 20, "a history with many edges");
    assert_replicated(&original, &discovered(&replicate(&history, 3)), 3);
    // Renamed deals sort among each other by the suffix, never onto an original deal.
    let copied = replicate(&history, 3);
    assert_eq!(copied.deals.name(0), format!("{}#1", history.deals.name(0)));
    assert_eq!(copied.deals.len(), 3 * history.deals.len());
}

#[test]
fn replication_of_a_shared_log() {
    let Some(data) = salesmap_testkit::shared_data() else {
        return;
    };
    let log = data.join("logs/sepsis.xes.gz");
    let history = read_history(&log).unwrap().history;
    assert_replicated(
        &discovered(&history),
        &discovered(&replicate(&history, 4)),
        4,
    );
}

#[test]
fn smoke_workloads_are_written_and_read_back() {
    let dir = std::env::temp_dir().join(format!("salesmap-bench-smoke-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let shared = shared_data();
    let mut made = Vec::new();
    for workload in Workload::smoke_set() {
        if matches!(workload.recipe, salesmap_bench::Recipe::Replicate { .. })
            && !shared.join("logs").is_dir()
        {
            salesmap_testkit::skip(
                &format!("../shared/data (for {})", workload.name),
                "put the shared reference data beside the project",
            );
            continue;
        }
        let m = workload.make(&dir, &shared).unwrap();
        let imported = read_history(&m.path).unwrap();
        assert!(
            imported.problems.is_empty(),
            "{}: {:?}",
            m.name,
            imported.problems
        );
        let d = discovered(&imported.history);
        assert_eq!(
            (d.events, d.cases),
            (m.events as u64, m.deals as u64),
            "{}",
            m.name
        );
        made.push(m);
    }
    salesmap_bench::write_manifest(&dir, &made).unwrap();
    let manifest = std::fs::read_to_string(dir.join("workloads.tsv")).unwrap();
    assert_eq!(manifest.lines().count(), made.len() + 1);
    let generated: PathBuf = dir.join("generated-20k.csv");
    let header = std::fs::read_to_string(&generated).unwrap();
    assert!(header.starts_with("deal,stage,timestamp,kind,"));
    std::fs::remove_dir_all(&dir).unwrap();
}
