//! One figure, one value, across the command line's outputs: `analyze`'s report and its JSON,
//! and `plan`'s table and its JSON, on generated histories of several sizes, cut at several
//! instants. The report crate's `same_figures` test does the same for the HTML report and the
//! drawn map.

mod support;

use salesmap_core::display::percent;
use serde_json::Value;
use support::{salesmap, temp_dir};

/// The rows of the `analyze` report's table that starts after the line beginning `title`,
/// split on whitespace: the lines after its header row (`stage …`) with `width` cells, up to
/// the first blank or unindented line.
fn table_rows(text: &str, title: &str, width: usize) -> Vec<Vec<String>> {
    let mut lines = text.lines().skip_while(|l| !l.starts_with(title));
    let mut rows = Vec::new();
    let mut header_seen = false;
    lines.next();
    for line in lines {
        if line.trim().is_empty() || !line.starts_with("  ") {
            break;
        }
        let cells: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        if !header_seen {
            header_seen = cells.first().map(String::as_str) == Some("stage");
        } else if cells.len() == width {
            rows.push(cells);
        }
    }
    rows
}

fn pct(v: &Value) -> String {
    v.as_f64().map_or("-".into(), percent)
}

fn u(v: &Value) -> String {
    v.as_u64().expect("a count").to_string()
}

fn check(dir: &std::path::Path) {
    let (code, text, err) = salesmap(dir, &["analyze", "--map", "m.toml", "h.csv"]);
    assert_eq!(code, 0, "{err}");
    let (code, json, err) = salesmap(
        dir,
        &["analyze", "--map", "m.toml", "h.csv", "--format", "json"],
    );
    assert_eq!(code, 0, "{err}");
    let a: Value = serde_json::from_str(&json).unwrap();

    // The funnel: every column of every row.
    let rows = table_rows(&text, "Funnel along the main path", 11);
    let strict = a["funnel_strict"]["stages"].as_array().unwrap();
    let implied = a["funnel_implied"]["stages"].as_array().unwrap();
    assert_eq!(rows.len(), strict.len());
    for ((row, s), i) in rows.iter().zip(strict).zip(implied) {
        let expected = [
            s["stage"].as_str().unwrap().to_string(),
            u(&s["reached"]),
            u(&i["reached"]),
            u(&s["converted"]),
            u(&s["dropped"]),
            u(&s["open"]),
            pct(&s["conversion"]),
            pct(&s["cumulative"]),
            pct(&i["conversion"]),
            u(&s["open_now"]),
            u(&s["stale"]),
        ];
        assert_eq!(row, &expected, "text vs JSON");
    }

    // Friction: "<stage> <dropped> of n=<entered> entered (<rate>)".
    for f in a["friction"].as_array().unwrap() {
        let line = format!(
            "{} of n={} entered ({})",
            f["dropped"],
            f["entered"],
            pct(&f["drop_rate"])
        );
        assert!(text.contains(&line), "no `{line}` in the report");
        let s = strict.iter().find(|s| s["stage"] == f["stage"]).unwrap();
        assert_eq!(f["dropped"], s["dropped"]);
    }

    // The win rate line, or its absence.
    let w = &a["win_rate"];
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("win rate:"))
        .unwrap();
    if w["by_count"].is_null() {
        assert!(line.contains("no data"), "{line}");
    } else {
        assert!(
            line.contains(&format!(
                "{} by count (n={} closed",
                pct(&w["by_count"]),
                w["won"].as_u64().unwrap() + w["lost"].as_u64().unwrap()
            )),
            "{line}"
        );
    }

    // The plan's table and JSON: every rounded cell, and cells that add up to the row.
    let (code, table, err) = salesmap(
        dir,
        &[
            "plan",
            "--map",
            "m.toml",
            "--history",
            "h.csv",
            "--period",
            "quarter",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, json, err) = salesmap(
        dir,
        &[
            "plan",
            "--map",
            "m.toml",
            "--history",
            "h.csv",
            "--period",
            "quarter",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let p: Value = serde_json::from_str(&json).unwrap();
    for s in p["stages"].as_array().unwrap() {
        let name = s["name"].as_str().unwrap();
        let line = table
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no plan row for {name}"));
        let late = s["needed_before_start_rounded"].as_u64().unwrap();
        let per: Vec<u64> = s["per_period_rounded"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        let needed = s["needed_rounded"].as_u64().unwrap();
        assert_eq!(late + per.iter().sum::<u64>(), needed, "{name}");
        let mut cells = vec![needed.to_string(), late.to_string()];
        cells.extend(per.iter().map(u64::to_string));
        let shown = cells.join(" ");
        let squeezed: String = line.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            squeezed.contains(&shown),
            "{name}: `{shown}` not in `{squeezed}`"
        );
    }
}

#[test]
fn analyze_and_plan_say_the_same_in_text_and_json() {
    let dir = temp_dir("text-json");
    let (code, _, err) = salesmap(&dir, &["init", "-o", "m.toml"]);
    assert_eq!(code, 0, "{err}");
    for (deals, seed, days) in [("60", "1", "200"), ("300", "4", "400"), ("600", "7", "546")] {
        let args = [
            "generate", "--map", "m.toml", "--deals", deals, "--seed", seed, "--days", days, "-o",
            "h.csv",
        ];
        let (code, _, err) = salesmap(&dir, &args);
        assert_eq!(code, 0, "{err}");
        check(&dir);
    }
}
