//! The public event logs in `../shared/data/logs` read with `read_history` must give exactly
//! the event, case and activity counts, activity counts and time range that PM4Py computes
//! (`../shared/data/reference/ref_*.json`). Skipped, with a message, where the data is absent.

use std::path::PathBuf;

use salesmap_import::{format_timestamp, read_history};

fn data_dir() -> Option<PathBuf> {
    salesmap_testkit::shared_data()
}

fn check(log: &str, reference: &str) {
    let Some(dir) = data_dir() else { return };
    let imported = read_history(&dir.join("logs").join(log)).unwrap();
    let text = std::fs::read_to_string(dir.join("reference").join(reference)).unwrap();
    let want: serde_json::Value = serde_json::from_str(&text).unwrap();
    let h = &imported.history;
    assert_eq!(
        h.len() as u64,
        want["n_events"].as_u64().unwrap(),
        "{log}: events"
    );
    assert_eq!(
        h.deals.len() as u64,
        want["n_cases"].as_u64().unwrap(),
        "{log}: cases"
    );
    assert_eq!(
        h.activities.len() as u64,
        want["n_activities"].as_u64().unwrap(),
        "{log}: activities"
    );
    let mut counts = vec![0u64; h.activities.len()];
    for &a in &h.activity {
        counts[a as usize] += 1;
    }
    for (name, count) in want["activity_counts"].as_object().unwrap() {
        let code = h
            .activities
            .get(name)
            .unwrap_or_else(|| panic!("{log}: no `{name}`"));
        assert_eq!(
            counts[code as usize],
            count.as_u64().unwrap(),
            "{log}: `{name}`"
        );
    }
    // PM4Py prints `2010-12-30 13:32:00+00:00`; compare as RFC 3339.
    let pm4py_time = |key: &str| {
        let text = want[key]
            .as_str()
            .unwrap()
            .replace(' ', "T")
            .replace("+00:00", "Z");
        match text.split_once('.') {
            Some((head, frac)) => {
                let frac = frac.trim_end_matches('Z').trim_end_matches('0');
                if frac.is_empty() {
                    format!("{head}Z")
                } else {
                    format!("{head}.{frac:0<6}Z")
                }
            }
            None => text,
        }
    };
    let first = h.time.iter().copied().min().unwrap();
    let last = h.time.iter().copied().max().unwrap();
    assert_eq!(
        format_timestamp(first),
        pm4py_time("timestamp_min"),
        "{log}: first"
    );
    assert_eq!(
        format_timestamp(last),
        pm4py_time("timestamp_max"),
        "{log}: last"
    );
    let errors: Vec<_> = imported
        .problems
        .iter()
        .filter(|p| !p.kind.is_warning())
        .collect();
    assert!(errors.is_empty(), "{log}: {errors:?}");
}

#[test]
fn running_example_xes() {
    check("running-example.xes", "ref_running_example.json");
}

#[test]
fn running_example_csv() {
    check("running-example.csv", "ref_running_example.json");
}

#[test]
fn receipt_csv() {
    check("receipt.csv", "ref_receipt.json");
}

#[test]
fn helpdesk_xes_gz() {
    check("helpdesk.xes.gz", "ref_helpdesk.json");
}

#[test]
fn sepsis_xes_gz() {
    check("sepsis.xes.gz", "ref_sepsis.json");
}

#[test]
fn bpic2013_incidents_xes_gz() {
    check("bpic2013_incidents.xes.gz", "ref_bpic2013_incidents.json");
}

#[test]
fn bpic2013_closed_problems_xes_gz() {
    check(
        "bpic2013_closed_problems.xes.gz",
        "ref_bpic2013_closed_problems.json",
    );
}
