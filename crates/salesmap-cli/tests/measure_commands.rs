//! The measuring commands as a user runs them: `generate` (deterministic for a seed), `discover`
//! (table and JSON) and `analyze` (report, JSON, `--by`, `--period`, and clear errors on bad
//! options). Each test works in its own temporary directory.

mod support;

use std::path::PathBuf;

use expect_test::expect;
use support::{salesmap, temp_dir};

/// A template map and a generated history of `deals` deals in a fresh directory.
fn demo(name: &str, deals: &str) -> PathBuf {
    let dir = temp_dir(name);
    let (code, _, err) = salesmap(&dir, &["init", "-o", "sales.map.toml"]);
    assert_eq!(code, 0, "{err}");
    let args = [
        "generate",
        "--map",
        "sales.map.toml",
        "--deals",
        deals,
        "--seed",
        "3",
        "-o",
        "history.csv",
    ];
    let (code, _, err) = salesmap(&dir, &args);
    assert_eq!(code, 0, "{err}");
    dir
}

#[test]
fn generate_is_deterministic_for_a_seed() {
    let dir = demo("generate", "200");
    let first = std::fs::read(dir.join("history.csv")).unwrap();
    let args = [
        "generate",
        "--map",
        "sales.map.toml",
        "--deals",
        "200",
        "--seed",
        "3",
        "-o",
        "again.csv",
    ];
    let (code, _, err) = salesmap(&dir, &args);
    assert_eq!(code, 0);
    assert_eq!(first, std::fs::read(dir.join("again.csv")).unwrap());
    expect![[r#"
        wrote again.csv: 200 deals, 3360 events (seed 3, 365 days from 2026-01-01)
        planted effects `salesmap analyze` should find:
          1. segment = smb deals spend half as long in every stage (fast vs slow)
          2. a case-study touch during a stay lifts the chance to advance (triggers)
          3. source = referral deals skip one early main-path stage far more often (conformance, fast vs slow)
    "#]]
    .assert_eq(&err);
}

const SMALL: &str = "deal,stage,timestamp,kind\n\
    a,lead,2024-01-01T09:00:00Z,stage\n\
    a,call,2024-01-01T10:00:00Z,touch\n\
    a,demo,2024-01-03T09:00:00Z,stage\n\
    a,won,2024-01-10T09:00:00Z,stage\n\
    b,lead,2024-01-02T09:00:00Z,stage\n\
    b,demo,2024-01-02T21:00:00Z,stage\n\
    b,lost,2024-01-05T09:00:00Z,stage\n\
    c,lead,2024-01-04T09:00:00Z,stage\n";

#[test]
fn discover_table_and_json() {
    let dir = temp_dir("discover");
    std::fs::write(dir.join("small.csv"), SMALL).unwrap();
    let (code, out, err) = salesmap(&dir, &["discover", "small.csv"]);
    assert_eq!(code, 0, "{err}");
    expect![[r#"
        History small.csv: 3 deals, 8 events, 5 activities, 2024-01-01 to 2024-01-10
        Deal duration (n=3): median 3.0 d, mean 4.0 d, min 0 s, max 9.0 d
        Start activities (n=3 deals): lead (3)
        End activities (n=3 deals): lead (1), lost (1), won (1)

        Activities (n=8 events)
          lead                               n=3       repeated in 0 deals; median to next event 6.5 h (n=2)
          demo                               n=2       repeated in 0 deals; median to next event 4.8 d (n=2)
          call                               n=1       repeated in 0 deals; median to next event 47.0 h (n=1)
          lost                               n=1       repeated in 0 deals; median to next event - (n=0)
          won                                n=1       repeated in 0 deals; median to next event - (n=0)

        Directly-follows edges (5 edges, n=5 moves), most frequent first
          from → to                                                  n     median       mean        min        max
          call → demo                                                1     47.0 h     47.0 h     47.0 h     47.0 h
          demo → lost                                                1      2.5 d      2.5 d      2.5 d      2.5 d
          demo → won                                                 1      7.0 d      7.0 d      7.0 d      7.0 d
          lead → call                                                1   60.0 min   60.0 min   60.0 min   60.0 min
          lead → demo                                                1     12.0 h     12.0 h     12.0 h     12.0 h

        Variants (3 distinct, n=3 deals), most frequent first
            1. n=1 (33.3%), 1 steps: lead
            2. n=1 (33.3%), 4 steps: lead → call → demo → won
            3. n=1 (33.3%), 3 steps: lead → demo → lost
    "#]]
    .assert_eq(&out);
    let (code, out, _) = salesmap(&dir, &["discover", "small.csv", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for key in [
        "cases",
        "events",
        "activities",
        "start_activities",
        "end_activities",
        "dfg",
        "variants",
        "case_duration",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["cases"], 3);
    assert_eq!(v["variants"][0]["stages"], serde_json::json!(["lead"]));
    assert_eq!(v["dfg"][0]["from"], "call");
    assert_eq!(v["case_duration"]["median"], 259200.0);
}

#[test]
fn discover_rejects_options_it_cannot_honour() {
    let dir = temp_dir("discover-errors");
    std::fs::write(dir.join("small.csv"), SMALL).unwrap();
    let (code, _, err) = salesmap(&dir, &["discover", "small.csv", "--lifecycle", "complete"]);
    assert_eq!(code, 2);
    expect![[r#"
        error: the history has no lifecycle column (`lifecycle:transition`), so events cannot be filtered by lifecycle; drop the lifecycle filter or import an XES log that has one
    "#]]
    .assert_eq(&err);
    let (code, _, err) = salesmap(&dir, &["discover", "small.csv", "--from", "01/02/2024"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--from 01/02/2024: expected a date like 2024-03-31"),
        "{err}"
    );
}

#[test]
fn analyze_report_on_a_generated_history() {
    let dir = demo("analyze", "400");
    let (code, out, err) = salesmap(&dir, &["analyze", "--map", "sales.map.toml", "history.csv"]);
    assert_eq!(code, 0, "{err}");
    expect![[r#"
        B2B sales process — history.csv against sales.map.toml
        As of 2026-12-31: 400 deals (2946 stage entries, 3801 touches); 62 won, 90 lost, 116 disqualified, 132 open

        What to fix first
          1. Deals drop out most at sales-interaction: 89 of n=317 that entered (28%) ended lost or disqualified, most often for "no budget" (n=23).
          2. KPI missed: First response to a new lead is 5.7 h against a target of 4.0 h (n=400).
          3. KPI missed: Marketing to sales hand-off is 28.0 h against a target of 24.0 h (n=425).
          4. 86 open deals are past their stage's target days; most in brand-awareness (33 of 33 open there).
          5. Fast deals differ most in this: segment = smb: 100% of fast deals (n=15) vs 33% of slow (n=5), 3.0× more often among fast deals.

        Goal and KPIs
          goal: Close 1.2 M USD of new annual contract value in 2027 — 0 USD of 1,200,000 USD (0%, n=0 deals), won 2027-01-01 to 2027-12-31
          met     Win rate (won / closed)                          41% (target ≥ 25%, n=152)
          met     Median sales cycle, first touch to signed contr… 67 d (target ≤ 75 d, n=62)
          met     MQL to SQL conversion                            63% (target ≥ 30%, n=343)
          MISSED  First response to a new lead                     5.7 h (target ≤ 4.0 h, n=400)
          MISSED  Marketing to sales hand-off                      28.0 h (target ≤ 24.0 h, n=425)
          met     Annual client churn                              3% (target ≤ 8%, n=62)

        Funnel along the main path (strict: observed entries; implied: also stages passed on the way)
          conv: of the deals that reached a stage, the share that reached the next one (at any time);
          drop: deals that ended lost or disqualified with this as the furthest stage they reached;
          open now / stale: open deals (not won) in the stage now / past its target days
          stage                   reached  implied  convert    drop    open     conv      cum impl.conv  open now  stale
          brand-awareness             400      400      367       0      33      92%     100%       92%        33     33
          brand-engagement            367      367      343       0      24      93%      92%       93%        24     22
          mql                         343      343      317       0      26      92%      86%       92%        30     29
          sales-interaction           317      317      216      89      12      68%      79%       68%         2      0
          sql                         216      216      137      24      29      63%      54%       75%         2      1
          discovery                   137      163       98      39       0      72%      34%       76%         0      0
          demo                        124      124       94      27       3      76%      31%       76%         3      1
          proposal                     94       94       71      18       5      76%      24%       76%         1      0
          verbal-agreement             71       71       62       9       0      87%      18%       87%         0      0
          contract-signed              62       62       59       0       3      95%      16%       95%         0      0
          implementation               59       59       53       0       6      90%      15%       90%         0      0
          go-live                      53       53       49       0       4      92%      13%       92%         0      0
          new-client                   49       49       36       0      13      73%      12%       73%         0      0
          existing-client              36       36        0       2      34        -       9%         -         0      0
          after the sale (won deals, not open pipeline), customers now: contract-signed 3, 3 past target; implementation 6, 2 past target; go-live 4, 4 past target; new-client 13, 3 past target; existing-client 34

        Time in stage (completed stays; open stays apart)
          stage                       n    median       p75       p90     open open median   target
          brand-awareness           367      12 d      19 d      25 d       33       196 d     30 d
          brand-engagement          343     9.0 d      13 d      17 d       24       137 d     21 d
          mql                       425     1.2 d     2.0 d     2.2 d       30       220 d    2.0 d
          sales-interaction         423     3.1 d     5.0 d     6.1 d        2       1.7 d    7.0 d
          sql                       252     3.1 d     4.9 d     6.7 d        2        87 d    7.0 d
          discovery                 138     6.2 d     9.9 d      12 d        0           -     14 d
          demo                      123     4.9 d     7.1 d     8.8 d        3       3.6 d     10 d
          proposal                   93     6.8 d      10 d      13 d        1       1.9 d     14 d
          verbal-agreement           71     3.0 d     4.8 d     5.3 d        0           -    7.0 d
          contract-signed            59     1.3 d     2.0 d     2.8 d        3       185 d    3.0 d
          implementation             53      16 d      22 d      29 d        6        19 d     45 d
          go-live                    49     2.2 d     3.1 d     4.5 d        4       104 d    5.0 d
          new-client                 36      31 d      41 d      57 d       13        28 d     90 d
          existing-client             2     116 d     120 d     122 d       34       121 d    365 d
          nurture                   112      31 d      48 d      65 d       37        36 d     90 d

        Outcomes
          sales cycle (n=62 won): median 67 d, p75 77 d, p90 95 d
          win rate: 41% by count (n=152 closed: 62 won, 90 lost); 36% by value (n=152 with amount)
          sales velocity: 4,259 per day = 37 live open × 18,923 average won × 41% win rate / 67 d median cycle
          first response (n=400 of 400 deals; 0 without a touch): median 5.7 h, p90 10.4 h, 33% within 4 h
          churn: 3% (2 of n=62 customers); retention 97%
          hand-offs (owners from the history's `owner`):
            mql → sales-interaction: median 28.0 h, p90 2.2 d (n=425)
            sales-interaction → sql: median 3.2 d, p90 6.0 d (n=254)
            sql → nurture: median 3.0 d, p90 6.4 d (n=87)
            contract-signed → implementation: median 31.6 h, p90 2.8 d (n=59)
            sales-interaction → nurture: median 3.1 d, p90 8.8 d (n=53)
            go-live → new-client: median 2.2 d, p90 4.5 d (n=49)

        Conformance: 266 of n=400 deals fit the map (66%)
          skipped stage        27 deals
          stuck                109 deals
          most common deviations:
            stuck in brand-awareness (over 30 days) (n=33 deals, e.g. D-00012, D-00019, D-00029)
            stuck in mql (over 2 days) (n=29 deals, e.g. D-00010, D-00039, D-00073)
            skipped discovery (sql → demo) (n=27 deals, e.g. D-00007, D-00027, D-00031)
            stuck in brand-engagement (over 21 days) (n=22 deals, e.g. D-00017, D-00020, D-00036)
            stuck in nurture (over 90 days) (n=11 deals, e.g. D-00067, D-00100, D-00103)
            stuck in go-live (over 5 days) (n=4 deals, e.g. D-00291, D-00307, D-00360)
            stuck in contract-signed (over 3 days) (n=3 deals, e.g. D-00222, D-00338, D-00341)
            stuck in new-client (over 90 days) (n=3 deals, e.g. D-00153, D-00169, D-00239)
          moves the history makes that the map lacks:
            sql → demo (n=27 deals, 27 moves)

        Fast vs slow won deals (n=62 won)
          fastest 15 (cycle ≤ 42 d, median 36 d) vs slowest 15 (cycle ≥ 77 d, median 89 d)
          - segment = smb: 100% of fast deals (n=15) vs 33% of slow (n=5), 3.0× more often among fast deals
          - segment = enterprise: 0% of fast deals (n=0) vs 33% of slow (n=5), only among slow deals
          - segment = mid-market: 0% of fast deals (n=0) vs 33% of slow (n=5), only among slow deals
          - went through discovery: 73% of fast deals (n=11) vs 87% of slow (n=13), 1.2× more often among slow deals
          - source = outbound: 27% of fast deals (n=4) vs 40% of slow (n=6), 1.5× more often among slow deals
          - source = referral: 20% of fast deals (n=3) vs 13% of slow (n=2), 1.5× more often among fast deals
          median days per stage, fast vs slow: brand-awareness 10 d vs 14 d (n=15/15); brand-engagement 6.1 d vs 13 d (n=15/15); mql 1.1 d vs 1.3 d (n=15/23); sales-interaction 2.8 d vs 4.1 d (n=15/23); sql 2.9 d vs 3.6 d (n=15/20); discovery 4.1 d vs 10.0 d (n=11/13); demo 3.2 d vs 6.0 d (n=15/15); proposal 4.9 d vs 8.9 d (n=15/15); verbal-agreement 2.8 d vs 4.0 d (n=15/15)
          touches before the win: 11.2 per fast deal vs 15.5 per slow deal
          outliers (beyond 1.5 IQR): D-00279 (157 d), D-00061 (150 d), D-00162 (128 d)

        Triggers: what raises the chance of advancing (lift = rate with it / stage rate)
          brand-awareness        93% advance (n=394): touch: case-study ×1.03 (110/115 advanced); source = web ×1.03 (151/158 advanced); touch: meeting ×1.02 (181/191 advanced)
          brand-engagement       95% advance (n=360): source = event ×1.05 (43/43 advanced); touch: case-study ×1.04 (111/112 advanced); touch: email ×1.02 (101/104 advanced)
          mql                    93% advance (n=342): touch: case-study ×1.05 (112/115 advanced); segment = enterprise ×1.03 (70/73 advanced); source = outbound ×1.01 (90/96 advanced)
          sales-interaction      68% advance (n=316): touch: case-study ×1.28 (85/97 advanced); segment = enterprise ×1.02 (49/70 advanced); source = web ×1.02 (90/129 advanced)
          sql                    82% advance (n=200): touch: case-study ×1.13 (61/66 advanced); touch: meeting ×1.12 (52/57 advanced); source = referral ×1.06 (31/36 advanced)
          discovery              72% advance (n=137): touch: case-study ×1.25 (34/38 advanced); segment = mid-market ×1.16 (24/29 advanced); touch: call ×1.10 (30/38 advanced)
          demo                   78% advance (n=121): touch: case-study ×1.25 (38/39 advanced); source = event ×1.09 (11/13 advanced); source = outbound ×1.05 (26/32 advanced)
          proposal               78% advance (n=91): touch: case-study ×1.17 (21/23 advanced); source = referral ×1.15 (17/19 advanced); touch: email ×1.13 (22/25 advanced)
          verbal-agreement       87% advance (n=71): source = outbound ×1.15 (17/17 advanced); touch: case-study ×1.15 (14/14 advanced); source = event ×1.15 (7/7 advanced)

        Friction: where deals drop out (ended lost or disqualified; the furthest main-path stage they reached)
          sales-interaction      89 of n=317 entered (28%); reasons: no budget 23, no decision 20, price 17
          discovery              39 of n=137 entered (28%); reasons: no budget 10, price 9, no decision 8
          demo                   27 of n=124 entered (22%); reasons: no decision 7, price 6, timing 6
          sql                    24 of n=216 entered (11%); reasons: competitor 9, price 6, timing 4
          proposal               18 of n=94 entered (19%); reasons: price 6, no decision 4, timing 4
          verbal-agreement       9 of n=71 entered (13%); reasons: timing 4, competitor 3, no decision 1

        Forecast: measured chance of winning from each stage (closed deals), designed in brackets
          brand-awareness          23% (n=268 closed) [1%]  open now 33 (27 aged) worth 696,300
          brand-engagement         23% (n=268 closed) [2%]  open now 24 (17 aged) worth 566,700
          mql                      23% (n=268 closed) [5%]  open now 30 (28 aged) worth 568,200
          sales-interaction        23% (n=268 closed) [8%]  open now 2 (1 aged) worth 26,000
          sql                      35% (n=179 closed) [15%]  open now 2 (1 aged) worth 17,300
          discovery                35% (n=130 closed) [25%]  open now 0 worth 0
          demo                     53% (n=116 closed) [40%]  open now 3 worth 132,900
          proposal                 70% (n=89 closed) [55%]  open now 1 worth 26,200
          verbal-agreement         87% (n=71 closed) [80%]  open now 0 worth 0
          nurture                  19% (n=72 closed) [3%]  open now 37 (21 aged) worth 930,000
          weighted open pipeline: 217,718 of 769,800 open (n=37 live deals; expected wins 9.5; 0 without amount, 0 without probability)
          aged deals: 95 of n=132 open, worth 2,193,800 (median age 226 d): open longer than 95 d (the 90th percentile of n=62 won cycles); no forecast or plan credit; --credit-aged counts them
            by stage: brand-awareness 27, brand-engagement 17, mql 28, sales-interaction 1, sql 1, nurture 21; oldest: D-00036, D-00268, D-00100, D-00020, D-00261
    "#]].assert_eq(&out);
}

#[test]
fn analyze_json_breakdown_and_period() {
    let dir = demo("analyze-json", "300");
    let args = [
        "analyze",
        "--map",
        "sales.map.toml",
        "history.csv",
        "--format",
        "json",
        "--by",
        "segment",
        "--period",
        "2026-Q2",
        "--as-of",
        "2026-10-01",
    ];
    let (code, out, err) = salesmap(&dir, &args);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["as_of"], "2026-10-01T00:00:00Z");
    let groups: Vec<&str> = v["breakdown"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(groups, ["smb", "mid-market", "enterprise"]);
    assert_eq!(v["period"]["current"]["label"], "2026-Q2");
    assert!(v["notes"]["after_as_of"].as_u64().unwrap() > 0);
    for key in [
        "funnel_strict",
        "funnel_implied",
        "stage_times",
        "cycle",
        "win_rate",
        "velocity",
        "first_response",
        "handoffs",
        "churn",
        "goal",
        "kpis",
        "conformance",
        "fast_slow",
        "triggers",
        "friction",
        "forecast",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
}

#[test]
fn analyze_rejects_bad_options_clearly() {
    let dir = demo("analyze-errors", "50");
    let run = |extra: &[&str]| {
        let mut args = vec!["analyze", "--map", "sales.map.toml", "history.csv"];
        args.extend_from_slice(extra);
        salesmap(&dir, &args)
    };
    let (code, _, err) = run(&["--by", "region"]);
    assert_eq!(code, 2);
    expect![[r#"
        error: the history has no attribute `region` to break down by; it has: amount, currency, lost_reason, owner, segment, source, timezone
    "#]]
    .assert_eq(&err);
    let (code, _, err) = run(&["--period", "2026-Q5"]);
    assert_eq!(code, 2);
    expect![[r#"
        error: --period 2026-Q5: expected 2024, 2024-Q1, 2024-H2, 2024-03 or 2024-01-01..2024-04-01, got `2026-Q5`
    "#]]
    .assert_eq(&err);
    std::fs::write(dir.join("broken.map.toml"), "[map]\nname = 1\n").unwrap();
    let (code, _, err) = salesmap(
        &dir,
        &["analyze", "--map", "broken.map.toml", "history.csv"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("error"), "{err}");
}

#[test]
fn discover_draws_the_as_is_process() {
    let dir = demo("asis", "60");
    let (code, out, err) = salesmap(
        &dir,
        &[
            "discover",
            "history.csv",
            "--format",
            "svg",
            "--paths",
            "20%",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("<svg") || out.starts_with("<?xml"),
        "{}",
        &out[..80.min(out.len())]
    );
    assert!(out.contains("As-is process: history.csv"));
    assert!(out.contains("brand-awareness"), "every stage is drawn");
    assert!(out.trim_end().ends_with("</svg>"));
    assert!(err.contains("stages and"), "{err}");
    assert!(
        err.contains("paths (--activities, --paths to change)"),
        "{err}"
    );
}
