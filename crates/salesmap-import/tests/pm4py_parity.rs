//! PM4Py parity: `salesmap_core::discovery::discover` on the six public logs in
//! `../shared/data/logs` (read with `read_history`) must give every figure of the matching
//! `../shared/data/reference/ref_*.json`: counts exactly, durations within 1e-6 s.
//!
//! Compared: event, case and activity counts, events per activity, start and end activities,
//! every directly-follows edge with its count, mean, median, min, max, sum and stdev, the
//! number of variants and every variant with its count in PM4Py's order (all variants where
//! the reference lists them all, else its top 20), case durations, rework per activity, time
//! to the next event per activity, the mean case arrival interval and the time range. Not
//! compared: `conformance_anchor` (an inductive-miner model, outside discovery's scope) and the
//! informational timings. Skipped with a message where the data is absent.

use std::collections::BTreeMap;
use std::path::PathBuf;

use salesmap_core::discovery::{DiscoverOptions, Discovery, discover};
use salesmap_import::read_history;
use serde_json::Value;

const TOLERANCE_S: f64 = 1e-6;

fn data_dir() -> Option<PathBuf> {
    salesmap_testkit::shared_data()
}

/// Discovers `log` and compares it with `reference`; returns the number of figures checked.
fn check(log: &str, reference: &str) -> usize {
    let Some(dir) = data_dir() else { return 0 };
    let imported = read_history(&dir.join("logs").join(log)).unwrap();
    let text = std::fs::read_to_string(dir.join("reference").join(reference)).unwrap();
    let want: Value = serde_json::from_str(&text).unwrap();
    let options = DiscoverOptions {
        threads: 2,
        ..Default::default()
    };
    let got = discover(&imported.history, &options).unwrap();
    let mut c = Compare { log, checked: 0 };
    c.compare(&got, &want);
    // The same figures on one thread.
    let single = discover(&imported.history, &DiscoverOptions::default()).unwrap();
    assert_eq!(single, got, "{log}: result depends on the thread count");
    c.checked
}

struct Compare<'a> {
    log: &'a str,
    checked: usize,
}

impl Compare<'_> {
    fn count(&mut self, what: &str, got: u64, want: &Value) {
        let want = want
            .as_u64()
            .unwrap_or_else(|| panic!("{}: {what} is not a count", self.log));
        assert_eq!(got, want, "{}: {what}", self.log);
        self.checked += 1;
    }

    fn seconds(&mut self, what: &str, got: Option<f64>, want: &Value) {
        match (got, want.as_f64()) {
            (Some(g), Some(w)) => assert!(
                (g - w).abs() <= TOLERANCE_S,
                "{}: {what}: got {g}, PM4Py {w}",
                self.log
            ),
            (None, None) => assert!(want.is_null(), "{}: {what}: {want}", self.log),
            (g, _) => panic!("{}: {what}: got {g:?}, PM4Py {want}", self.log),
        }
        self.checked += 1;
    }

    fn counts(&mut self, what: &str, got: &BTreeMap<String, u64>, want: &Value) {
        let want: BTreeMap<String, u64> = want
            .as_object()
            .unwrap_or_else(|| panic!("{}: {what} missing", self.log))
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
            .collect();
        assert_eq!(got, &want, "{}: {what}", self.log);
        self.checked += want.len();
    }

    fn compare(&mut self, got: &Discovery, want: &Value) {
        self.count("n_events", got.events, &want["n_events"]);
        self.count("n_cases", got.cases, &want["n_cases"]);
        self.count("n_activities", got.activities, &want["n_activities"]);
        self.counts(
            "activity_counts",
            &got.activity_counts,
            &want["activity_counts"],
        );
        self.counts(
            "start_activities",
            &got.start_activities,
            &want["start_activities"],
        );
        self.counts(
            "end_activities",
            &got.end_activities,
            &want["end_activities"],
        );
        self.count("n_dfg_edges", got.dfg.len() as u64, &want["n_dfg_edges"]);
        let arcs: u64 = got.dfg.iter().map(|e| e.count).sum();
        self.count("dfg_total_arcs", arcs, &want["dfg_total_arcs"]);

        let edges = want["dfg"].as_array().unwrap();
        assert_eq!(got.dfg.len(), edges.len(), "{}: dfg edges", self.log);
        for (g, w) in got.dfg.iter().zip(edges) {
            let name = format!("edge {} -> {}", g.from, g.to);
            assert_eq!(
                (g.from.as_str(), g.to.as_str()),
                (w["from"].as_str().unwrap(), w["to"].as_str().unwrap()),
                "{}: edge order",
                self.log
            );
            self.count(&format!("{name} count"), g.count, &w["count"]);
            self.seconds(&format!("{name} mean"), Some(g.mean), &w["mean"]);
            self.seconds(&format!("{name} median"), Some(g.median), &w["median"]);
            self.seconds(&format!("{name} min"), Some(g.min), &w["min"]);
            self.seconds(&format!("{name} max"), Some(g.max), &w["max"]);
            self.seconds(&format!("{name} sum"), Some(g.sum), &w["sum"]);
            self.seconds(&format!("{name} stdev"), g.stdev, &w["stdev"]);
        }

        self.count("n_variants", got.variant_count, &want["n_variants"]);
        let variants = match want["variants_all"].as_array() {
            Some(all) => all,
            None => want["top_variants"].as_array().unwrap(),
        };
        for (i, w) in variants.iter().enumerate() {
            let g = got.variants.get(i).unwrap();
            let stages: Vec<&str> = w["activities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap())
                .collect();
            assert_eq!(
                g.stages().collect::<Vec<_>>(),
                stages,
                "{}: variant #{i}",
                self.log
            );
            self.count(&format!("variant #{i} count"), g.count, &w["count"]);
        }

        let cd = got.case_duration.as_ref().unwrap();
        let wd = &want["case_duration_s"];
        self.count("case_duration n", cd.n, &wd["n"]);
        self.seconds("case_duration min", Some(cd.min), &wd["min"]);
        self.seconds("case_duration max", Some(cd.max), &wd["max"]);
        self.seconds("case_duration mean", Some(cd.mean), &wd["mean"]);
        self.seconds("case_duration median", Some(cd.median), &wd["median"]);

        self.counts(
            "rework_cases_per_activity",
            &got.rework,
            &want["rework_cases_per_activity"],
        );
        let tis = want["time_in_stage_s_pandas_derived"].as_object().unwrap();
        assert_eq!(
            got.time_to_next.len(),
            tis.len(),
            "{}: time to next",
            self.log
        );
        for (name, w) in tis {
            let g = &got.time_to_next[name];
            self.count(
                &format!("{name} n_with_next"),
                g.n_with_next,
                &w["n_with_next"],
            );
            self.count(&format!("{name} n_last"), g.n_last, &w["n_last"]);
            self.seconds(&format!("{name} time-to-next mean"), g.mean, &w["mean"]);
            self.seconds(
                &format!("{name} time-to-next median"),
                g.median,
                &w["median"],
            );
        }
        self.seconds(
            "case_arrival_avg_s",
            got.case_arrival_mean,
            &want["case_arrival_avg_s"],
        );
        let range = |t: Option<i64>| t.map(|t| format!("{t}"));
        assert_eq!(
            (range(got.first_event), range(got.last_event)),
            (
                Some(micros(&want["timestamp_min"])),
                Some(micros(&want["timestamp_max"]))
            ),
            "{}: time range",
            self.log
        );
    }
}

/// PM4Py prints `2010-12-30 10:02:00+00:00` (optionally with a fraction); as UTC microseconds.
fn micros(v: &Value) -> String {
    let text = v.as_str().unwrap();
    let ts: jiff::Timestamp = text.replace(' ', "T").parse().unwrap();
    ts.as_microsecond().to_string()
}

#[test]
fn running_example() {
    let n = check("running-example.xes", "ref_running_example.json");
    assert!(n == 0 || n > 150, "checked {n} figures");
}

#[test]
fn receipt() {
    check("receipt.csv", "ref_receipt.json");
}

#[test]
fn helpdesk() {
    check("helpdesk.xes.gz", "ref_helpdesk.json");
}

#[test]
fn sepsis() {
    check("sepsis.xes.gz", "ref_sepsis.json");
}

#[test]
fn bpic2013_closed_problems() {
    check(
        "bpic2013_closed_problems.xes.gz",
        "ref_bpic2013_closed_problems.json",
    );
}

#[test]
fn bpic2013_incidents() {
    check("bpic2013_incidents.xes.gz", "ref_bpic2013_incidents.json");
}
