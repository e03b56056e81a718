//! `salesmap import` as a user runs it: summary on stdout, problems on stderr, the history
//! written as CSV or XES, and the exit codes (0 clean, 1 input problems, 2 unusable files).

mod support;

use std::path::Path;

use expect_test::expect;
use support::temp_dir;

fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../salesmap-import/test_data")
        .join(path)
        .display()
        .to_string()
}

/// Runs salesmap, with the fixture folder's path taken out of what it prints.
fn salesmap(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let (code, out, err) = support::salesmap(dir, args);
    let prefix = format!("{}/", fixture("").trim_end_matches('/'));
    (code, out.replace(&prefix, ""), err.replace(&prefix, ""))
}

#[test]
fn imports_with_a_map_and_reports_unknown_stages() {
    let dir = temp_dir("map");
    let (code, _, err) = salesmap(&dir, &["init", "--template", "b2b", "-o", "sales.map.toml"]);
    assert_eq!(code, 0, "{err}");
    let deals = fixture("pipedrive/deals-export.csv");
    let flow = fixture("pipedrive/deal-flow.csv");
    let (code, out, err) = salesmap(
        &dir,
        &[
            "import",
            &deals,
            &flow,
            "--map",
            "sales.map.toml",
            "-o",
            "history.xes",
        ],
    );
    assert_eq!(code, 1);
    expect![[r#"
        pipedrive/deals-export.csv: Pipedrive deal export, 4 rows → 5 events
          note: a Pipedrive deal export holds only each deal's current stage and outcome; add the deal flow (changelog) export for the stages before
          note: 1 deleted deal skipped
          note: 5 dates and times without a UTC offset were read as UTC; if the export was written in another zone, give it with --timezone (or `timezone` in the mapping file)
        pipedrive/deal-flow.csv: Pipedrive deal flow, 10 rows → 8 events, 1 row with problems
          note: 1 row about other fields (not stage changes) skipped
          note: 8 dates and times without a UTC offset were read as UTC; if the export was written in another zone, give it with --timezone (or `timezone` in the mapping file)
        history: 3 deals, 9 events (9 stage entries, 0 touches)
        dates: 2023-06-01T09:00:00Z to 2023-06-28T10:15:00Z
        stages found (6):
          mql                    3 events      3 deals
          sales-interaction      1 event       1 deal
          proposal               2 events      2 deals
          verbal-agreement       1 event       1 deal
          contract-signed        1 event       1 deal
          lost                   1 event       1 deal
        every stage is on the map
        duplicates: 4 repeated events kept once (4 found in more than one file)
        wrote history.xes
    "#]]
    .assert_eq(&out);
    expect![[r#"
        error: pipedrive/deal-flow.csv:11: column `log_time`: cannot read `2023-06-31 10:00:00` as a timestamp: day 31 does not exist in that month; the row is skipped
          help: write timestamps as ISO 8601 (2023-04-05T12:34:00+09:00), or describe the layout with --date-format
        1 error(s), 0 warning(s)
    "#]]
    .assert_eq(&err);
    let xes = std::fs::read_to_string(dir.join("history.xes")).unwrap();
    assert_eq!(xes.matches("<trace>").count(), 3);
    assert_eq!(xes.matches("<event>").count(), 9);
}

#[test]
fn writes_csv_to_standard_output_and_exits_zero_when_clean() {
    let dir = temp_dir("stdout");
    let leads = fixture("joined/leads.csv");
    let opportunities = fixture("joined/opportunities.csv");
    let mapping = fixture("joined/mapping.toml");
    let (code, out, err) = salesmap(
        &dir,
        &[
            "import",
            &leads,
            &opportunities,
            "--mapping",
            &mapping,
            "-o",
            "-",
        ],
    );
    assert_eq!(code, 0, "{err}");
    expect![[r#"
        deal,stage,timestamp,kind,Source,Segment,Amount
        L-17,Lead,2023-07-03T00:00:00Z,stage,Webinar,SMB,4200
        L-18,Lead,2023-07-04T00:00:00Z,stage,Referral,Enterprise,25000
        L-19,Lead,2023-07-05T00:00:00Z,stage,Paid search,SMB,
        L-17,SQL,2023-07-10T09:00:00Z,stage,Webinar,SMB,4200
        L-17,Proposal Made,2023-07-21T15:00:00Z,stage,Webinar,SMB,4200
        L-17,Closed Won,2023-08-02T11:00:00Z,stage,Webinar,SMB,4200
        L-18,SQL,2023-07-12T10:00:00Z,stage,Referral,Enterprise,25000
        L-18,Closed Lost,2023-08-15T17:30:00Z,stage,Referral,Enterprise,25000
    "#]]
    .assert_eq(&out);
    assert!(
        err.starts_with("joined/leads.csv: snapshot export, 3 rows → 3 events\n"),
        "{err}"
    );
}

#[test]
fn exit_codes_for_unreadable_inputs() {
    let dir = temp_dir("codes");
    let (code, _, err) = salesmap(&dir, &["import", "missing.csv"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("error: cannot read missing.csv: "), "{err}");
    let ambiguous = fixture("bad/ambiguous-dates.csv");
    let (code, _, err) = salesmap(&dir, &["import", &ambiguous]);
    assert_eq!(code, 1);
    assert!(err.contains("give --date-format day-first"), "{err}");
    let (code, out, _) = salesmap(
        &dir,
        &["import", &ambiguous, "--date-format", "month-first"],
    );
    assert_eq!(code, 0);
    assert!(
        out.contains("dates: 2023-01-02T00:00:00Z to 2023-05-06T00:00:00Z"),
        "{out}"
    );
    let (code, _, err) = salesmap(&dir, &["import", &ambiguous, "--timezone", "Mars/Olympus"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: unknown time zone `Mars/Olympus`"),
        "{err}"
    );
}
