//! `salesmap plan` as a user runs it on the bundled template: a plan from the map's own
//! assumptions (hand-checkable), what-ifs side by side, JSON with sources, and clear errors.

mod support;

use std::path::PathBuf;

use expect_test::expect;
use support::{salesmap, temp_dir};

fn with_template(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    let (code, _, err) = salesmap(&dir, &["init", "-o", "sales.map.toml"]);
    assert_eq!(code, 0, "{err}");
    dir
}

#[test]
fn plan_from_map_assumptions() {
    // Template probabilities: awareness .01 … contract signed 1.0, so 1,200,000 / 24,000 = 50
    // wins need 50 / .01 = 5,000 awareness entries.
    let dir = with_template("table");
    let (code, out, err) = salesmap(
        &dir,
        &[
            "plan",
            "--map",
            "sales.map.toml",
            "--deal-size",
            "24000",
            "--start",
            "2027-01-01",
            "--period",
            "quarter",
        ],
    );
    assert_eq!(code, 0, "{err}");
    expect![[r#"
        Reverse-funnel plan: 1,200,000 USD won from 2027-01-01 to 2027-12-31 (per quarter)
          deal size 24,000 USD (given) → 50.0 wins needed; 0.0 expected from live open deals → 50.0 new wins
          win rate in the plan: 25.0% from `discovery` to won (the product of the path's conversions; deals still open count as not yet won)

        stage                             rate (source)  to won  days (source)   needed    late  2027-Q1  2027-Q2  2027-Q3  2027-Q4  touches
        Brand awareness                  50.0% map         1.0%   112 map         5,000   1,534    1,233    1,247      986        0  -
        Brand engagement                 40.0% map         2.0%    82 map         2,500     562      616      623      630       69  -
        Marketing qualified lead         62.5% map         5.0%    61 map         1,000     167      247      249      252       85  -
        Sales interaction                53.3% map         8.0%    59 map           625     101      154      156      158       56  -
        Sales qualified lead             60.0% map        15.0%    52 map           334      48       82       83       84       37  -
        Discovery / needs analysis       62.5% map        25.0%    45 map           200      25       49       50       50       26  -
        Demo / solution presentation     72.7% map        40.0%    31 map           125      11       31       31       31       21  -
        Proposal / quote                 68.8% map        55.0%    21 map            91       5       22       23       23       18  -
        Verbal agreement                 80.0% map        80.0%     7 map            63       1       15       16       16       15  -
        Contract signed                    won           100.0%     0 map            50       0       12       12       13       13  -

        rate: conversion to the next stage; days: days from entering the stage to the win.
        source: n=… measured from history over n deals; map: the map's probabilities and target days;
        given: a flag. needed: entries over the plan (rounded up); late: entries that had to
        happen before the plan starts; late and the periods add up to needed.
    "#]].assert_eq(&out);
}

#[test]
fn what_if_and_json_sources() {
    let dir = with_template("json");
    let (code, out, err) = salesmap(
        &dir,
        &[
            "plan",
            "--map",
            "sales.map.toml",
            "--deal-size",
            "24000",
            "--start",
            "2027-01-01",
            "--rate",
            "sql=0.5",
            "--what-if",
            "win-rate=+5pp",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["wins_needed"], 50.0);
    let sql = v["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stage"] == "sql")
        .unwrap();
    assert_eq!(sql["rate"]["source"]["kind"], "given");
    assert_eq!(sql["rate"]["value"], 0.5);
    let awareness = &v["stages"][0];
    assert_eq!(awareness["rate"]["source"]["kind"], "assumed");
    // Forward check: entries at the start × every rate × deal size = the quota.
    let rates: f64 = v["stages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["rate"]["value"].as_f64())
        .product();
    let forward = awareness["needed"].as_f64().unwrap() * rates * 24000.0;
    assert!((forward - 1_200_000.0).abs() < 1e-6, "{forward}");
    let what_if = &v["what_if"][0];
    assert_eq!(what_if["change"], "win-rate=+5pp");
    assert!(
        (what_if["plan"]["win_rate"].as_f64().unwrap() - (v["win_rate"].as_f64().unwrap() + 0.05))
            .abs()
            < 1e-9
    );
    assert_eq!(v["periods"].as_array().unwrap().len(), 12);
}

#[test]
fn impossible_inputs_say_what_to_pass() {
    let dir = with_template("errors");
    let cases: [&[&str]; 4] = [
        &["--quota=-5", "--deal-size", "1"],
        &["--deal-size", "1000", "--rate", "demo=0"],
        &["--start", "2027-01-01"],
        &["--deal-size", "1000", "--what-if", "win-rate=lots"],
    ];
    let mut seen = String::new();
    for extra in cases {
        let mut args = vec!["plan", "--map", "sales.map.toml"];
        args.extend_from_slice(extra);
        let (code, _, err) = salesmap(&dir, &args);
        assert_eq!(code, 2, "{err}");
        seen.push_str(&err);
    }
    expect![[r#"
        error: the quota must be a positive amount, got -5; pass --quota 1200000 or set a [goal] target
        error: the conversion from `demo` to `proposal` is 0, so no number of deals reaches the quota; pass --rate demo=0.3 if history understates it
        error: no average deal size: it is measured from won deals with an amount in --history, and none were found; pass --deal-size 24000
        error: cannot read what-if `win-rate=lots`: use win-rate=+5pp, win-rate=+10%, win-rate=0.3, cycle=-10d, deal-size=+10%, rate:STAGE=0.4
    "#]].assert_eq(&seen);
}
