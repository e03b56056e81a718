//! Figures that are right or visibly absent, on exports shaped like the ones real teams bring
//! (the fixtures in `tests/numbers/`): a one-row-per-opportunity snapshot with its status,
//! close value and quote response; a two-file lead funnel that records no loss; a map whose
//! KPIs need stages, touches and churn that the export does not have; a cycle that sits just
//! above its target.
//!
//! Index (the numbers are the items of the "no silent wrong answer" issue):
//! - `outcome_columns_do_not_explain_the_outcome` (3): status, close value and a column whose
//!   every value goes with one outcome are left out of triggers and fast vs slow, listed with
//!   the reason.
//! - `a_funnel_without_losses_measures_no_win_rate_and_credits_no_dead_leads` (4, 7): no win
//!   rate, no measured forecast, aged leads apart with no credit, triggers that are not all
//!   "100 % advance", KPIs without data say so.
//! - `a_won_deals_goal_plans_without_a_deal_size_and_says_its_window` (11).
//! - `won_customers_are_not_open_pipeline` (5).
//! - `a_value_beside_its_target_reads_on_the_right_side` (10).

mod support;

use std::path::Path;

use expect_test::expect;
use serde_json::Value;
use support::{salesmap, temp_dir};

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/numbers")
        .join(name)
        .display()
        .to_string()
}

/// The lines of `text` from the line starting with `from` up to (not including) the next
/// line starting with `until`.
fn section(text: &str, from: &str, until: &str) -> String {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if line.starts_with(from) {
            inside = true;
        } else if inside && line.starts_with(until) {
            break;
        }
        if inside {
            out.push(line);
        }
    }
    out.join("\n")
}

#[test]
fn outcome_columns_do_not_explain_the_outcome() {
    let dir = temp_dir("numbers-leak");
    let export = fixture("opportunities.csv");
    let (code, _, err) = salesmap(&dir, &["init", "--from-history", &export, "-o", "m.toml"]);
    assert!(code <= 1, "{err}");
    let (code, text, err) = salesmap(&dir, &["analyze", "--map", "m.toml", &export]);
    assert!(code <= 1, "{err}");
    let triggers = section(&text, "Triggers:", "Friction");
    expect![[r#"
        Triggers: what raises the chance of advancing (lift = rate with it / stage rate)
          engage                 48% advance (n=54): sales_agent = Cassey Cress ×1.48 (5/7 advanced); sales_agent = Anna Snelling ×1.32 (7/11 advanced); product = GTX Pro ×1.27 (11/18 advanced)
          left out of fast vs slow and triggers (the outcome itself or written at the close):
            deal_stage: its name says it is the outcome
            close_value: its name says it is the outcome
            quote_response: each value goes with one outcome: accepted → won (26), awaiting → open (14), rejected → lost (15)

    "#]]
    .assert_eq(&format!("{triggers}\n"));
    let fast_slow = section(&text, "Fast vs slow", "Triggers");
    for leak in ["deal_stage", "close_value", "quote_response"] {
        assert!(!fast_slow.contains(leak), "{leak} in {fast_slow}");
    }
    let (_, json, _) = salesmap(
        &dir,
        &["analyze", "--map", "m.toml", &export, "--format", "json"],
    );
    let a: Value = serde_json::from_str(&json).unwrap();
    let excluded: Vec<&str> = a["excluded_attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["attribute"].as_str().unwrap())
        .collect();
    assert_eq!(excluded, ["deal_stage", "close_value", "quote_response"]);
}

/// The lead funnel imported through the funnel map into a folder of its own, `name`:
/// (folder, history file).
fn funnel(name: &str) -> (std::path::PathBuf, String) {
    let dir = temp_dir(name);
    let (code, _, err) = salesmap(
        &dir,
        &[
            "import",
            &fixture("leads.csv"),
            &fixture("closed_deals.csv"),
            "--map",
            &fixture("funnel.map.toml"),
            "-o",
            "funnel.csv",
        ],
    );
    assert!(code <= 1, "{err}");
    (dir, "funnel.csv".to_string())
}

#[test]
fn a_funnel_without_losses_measures_no_win_rate_and_credits_no_dead_leads() {
    let (dir, history) = funnel("numbers-funnel");
    let map = fixture("funnel.map.toml");
    let (code, text, err) = salesmap(&dir, &["analyze", "--map", &map, &history]);
    assert!(code <= 1, "{err}");
    expect![[r#"
        Goal and KPIs
    "#]]
    .assert_eq(&format!("{}\n", section(&text, "Goal and KPIs", "")));
    let (_, json, _) = salesmap(
        &dir,
        &["analyze", "--map", &map, &history, "--format", "json"],
    );
    let a: Value = serde_json::from_str(&json).unwrap();
    // No win rate, and no measured chance of winning: every closed deal is won.
    assert!(a["win_rate"]["by_count"].is_null());
    assert_eq!(a["win_rate"]["absent"]["reason"], "no-losses-recorded");
    assert_eq!(a["forecast"]["absent"]["reason"], "no-losses-recorded");
    // Leads open far longer than any won deal took are aged: no forecast credit.
    let (open, aged) = (
        a["aging"]["open"].as_u64().unwrap(),
        a["aging"]["aged"].as_u64().unwrap(),
    );
    assert_eq!((open, aged), (275, 234));
    assert!(a["forecast"]["expected_wins"].as_f64().unwrap() < (open - aged) as f64);
    // Triggers count the aged leads as not advancing: the stage is not "100 % advance".
    let mql = &a["triggers"][0];
    assert_eq!(mql["stage"], "mql");
    assert!(mql["rate"].as_f64().unwrap() < 0.2, "{mql}");
    // The text says the same, in words.
    assert!(text.contains("win rate: no data (the history records 25 won deals and no lost ones"));
    assert!(text.contains(
        "aged deals: 234 of n=275 open, worth 0 (median age 208 d): open longer than 57 d (the 90th percentile of n=25 won cycles); no forecast or plan credit"
    ));
}

#[test]
fn a_won_deals_goal_plans_without_a_deal_size_and_says_its_window() {
    let (dir, history) = funnel("numbers-plan");
    let map = fixture("funnel.map.toml");
    let (code, text, err) = salesmap(&dir, &["plan", "--map", &map, "--history", &history]);
    assert_eq!(code, 0, "{err}");
    expect![[r#"
        Reverse-funnel plan: 40 deals won from 2019-01-01 to 2019-12-31 (per month)
          the goal's deadline 2018-12-31 is before the plan's start: planning the year from the start instead (--deadline sets another)
          quota in deals → 40.0 wins needed; 3.4 expected from live open deals → 36.6 new wins
          234 aged open deals on the path get no credit (open longer than the aging limit; --credit-aged counts them)
          win rate in the plan: 8.3% from `mql` to won (the product of the path's conversions; deals still open count as not yet won)
          win rate in `analyze`: no data (the history records 25 won deals and no lost ones: losses are not in the export, so a win rate would read 100 %)

    "#]]
    .assert_eq(&format!("{}\n", section(&text, "Reverse-funnel", "stage ")));
    // A win rate of 0 and a what-if that shrinks a cycle of no days are refused clearly.
    let (code, _, err) = salesmap(
        &dir,
        &[
            "plan",
            "--map",
            &map,
            "--history",
            &history,
            "--win-rate",
            "0",
        ],
    );
    assert_eq!(code, 2);
    assert_eq!(
        err.lines().last().unwrap(),
        "error: --win-rate 0: a win rate must be above 0 and at most 1 (0.25 is 25 %); with a win rate of 0 no number of deals reaches the quota"
    );
    // A shorter cycle leaves the needs and moves entries later: the what-if shows both.
    let (code, text, err) = salesmap(
        &dir,
        &[
            "plan",
            "--map",
            &map,
            "--history",
            &history,
            "--period",
            "quarter",
            "--what-if",
            "cycle=-10d",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let what_if = section(&text, "What if cycle=-10d:", "Plan vs actual");
    assert!(
        what_if.contains("days to won from the first stage 16 (was 26)"),
        "{what_if}"
    );
}

#[test]
fn won_customers_are_not_open_pipeline() {
    let dir = temp_dir("numbers-customers");
    let (code, _, err) = salesmap(&dir, &["init", "-o", "m.toml"]);
    assert_eq!(code, 0, "{err}");
    let args = [
        "generate", "--map", "m.toml", "--deals", "500", "--seed", "5", "--days", "500", "-o",
        "h.csv",
    ];
    let (code, _, err) = salesmap(&dir, &args);
    assert_eq!(code, 0, "{err}");
    let (_, json, _) = salesmap(
        &dir,
        &["analyze", "--map", "m.toml", "h.csv", "--format", "json"],
    );
    let a: Value = serde_json::from_str(&json).unwrap();
    let open = a["win_rate"]["open"].as_u64().unwrap();
    let stages = a["funnel_strict"]["stages"].as_array().unwrap();
    let sum = |key: &str| stages.iter().map(|s| s[key].as_u64().unwrap()).sum::<u64>();
    // Open pipeline on the path never exceeds the open deals (nurture holds the rest); the
    // won deals in post-sale stages are customers, counted apart.
    assert!(sum("open_now") <= open, "{} > {open}", sum("open_now"));
    assert!(sum("stale") <= sum("open_now"));
    assert!(sum("customers_now") > 0);
    let won = a["win_rate"]["won"].as_u64().unwrap();
    assert!(sum("customers_now") <= won);
    let (_, text, _) = salesmap(&dir, &["analyze", "--map", "m.toml", "h.csv"]);
    let stale_line = text
        .lines()
        .find(|l| l.contains("open deals are past their stage's target days"))
        .expect("a stale finding");
    let stale: u64 = stale_line
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("a count");
    assert_eq!(stale, sum("stale"));
    assert!(stale <= open);
}

#[test]
fn a_value_beside_its_target_reads_on_the_right_side() {
    // Three won deals whose cycles are 14.44 days, against a target of at most 14 days: the
    // report must not print "14 d — missed ≤ 14 d".
    let dir = temp_dir("numbers-precision");
    let mut csv = String::from("deal,stage,timestamp,kind\n");
    for (i, day) in [1, 5, 9].iter().enumerate() {
        csv += &format!("d{i},mql,2024-01-{day:02}T00:00:00Z,stage\n");
        csv += &format!("d{i},won,2024-01-{:02}T10:33:36Z,stage\n", day + 14);
    }
    csv += "e,mql,2024-01-02T00:00:00Z,stage\ne,lost,2024-01-03T00:00:00Z,stage\n";
    std::fs::write(dir.join("h.csv"), csv).unwrap();
    let map = std::fs::read_to_string(fixture("funnel.map.toml"))
        .unwrap()
        .replace("target = 30\n", "target = 14\n");
    std::fs::write(dir.join("m.toml"), map).unwrap();
    let (code, text, err) = salesmap(&dir, &["analyze", "--map", "m.toml", "h.csv"]);
    assert!(code <= 1, "{err}");
    let lines: Vec<String> = text
        .lines()
        .filter(|l| l.contains("Median cycle"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        lines,
        [
            "2. KPI missed: Median cycle is 14.4 d against a target of 14 d (n=3).",
            "MISSED Median cycle 14.4 d (target ≤ 14 d, n=3)"
        ]
    );
}
