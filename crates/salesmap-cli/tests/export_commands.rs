//! The commands a user runs on a raw CRM export, on fixtures shaped like real exports
//! (`../salesmap-import/test_data`): nothing the import leaves out is left unsaid, and a map
//! started from the history measures it right.
//!
//! Index:
//! - `every_command_*`: analyze, report, plan, discover and render print the import's notes
//!   and problems, the same lines for each, and the report shows them.
//! - `hubspot_*`: HubSpot's default pipeline against the template: no deal moves backward,
//!   and the zone assumed for its local times is said.
//! - `init_from_history_*`: a starter map from each fixture passes `check` with warnings only
//!   and, with no hand edit, `analyze` counts the right outcomes.

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

/// The `note:` paragraphs and problem paragraphs a command printed.
fn notes(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|l| {
            l.starts_with("note: ")
                || l.starts_with("warning: ")
                || l.starts_with("error: ")
                || l.starts_with("  help: ")
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn every_command_that_reads_an_export_prints_the_import_notes() {
    let dir = temp_dir("export-notes");
    let (code, _, err) = salesmap(&dir, &["init", "--template", "b2b", "-o", "sales.map.toml"]);
    assert_eq!(code, 0, "{err}");
    let export = fixture("snapshot/opportunities.csv");
    let runs: [(&str, Vec<&str>); 5] = [
        (
            "analyze",
            vec!["analyze", "--map", "sales.map.toml", &export],
        ),
        (
            "report",
            vec![
                "report",
                "--map",
                "sales.map.toml",
                &export,
                "-o",
                "report.html",
            ],
        ),
        (
            "plan",
            vec![
                "plan",
                "--map",
                "sales.map.toml",
                "--history",
                &export,
                "--deal-size",
                "2000",
            ],
        ),
        ("discover", vec!["discover", &export]),
        (
            "render",
            vec![
                "render",
                "sales.map.toml",
                "--history",
                &export,
                "-o",
                "map.svg",
            ],
        ),
    ];
    let mut first: Option<String> = None;
    for (name, args) in &runs {
        let (code, _, err) = salesmap(&dir, args);
        assert_eq!(code, 0, "{name}: {err}");
        let printed = notes(&err);
        match &first {
            None => first = Some(printed),
            Some(f) => assert_eq!(&printed, f, "{name} prints other notes than analyze"),
        }
    }
    expect![[r#"
        note: snapshot/opportunities.csv: 1 deal won or lost by `deal_stage` has no `close_date`, so its outcome is not in the history
        note: snapshot/opportunities.csv: 2 deals have no milestone date and are not in the history
        note: snapshot/opportunities.csv: 17 dates and times without a UTC offset were read as UTC; if the export was written in another zone, give it with --timezone (or `timezone` in the mapping file)
    "#]].assert_eq(first.as_deref().unwrap_or(""));
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("<section id=\"import-notes\">"));
    assert!(html.contains("2 deals have no milestone date and are not in the history"));
}

#[test]
fn every_command_prints_the_problems_import_prints() {
    let dir = temp_dir("export-problems");
    let (code, _, err) = salesmap(&dir, &["init", "--template", "b2b", "-o", "sales.map.toml"]);
    assert_eq!(code, 0, "{err}");
    let export = fixture("bad/bad-rows.csv");
    let (code, _, imported) = salesmap(&dir, &["import", &export]);
    assert_eq!(code, 1);
    let (code, _, analyzed) = salesmap(&dir, &["analyze", "--map", "sales.map.toml", &export]);
    assert_eq!(code, 1, "{analyzed}");
    let problems = |text: &str| -> String {
        notes(text)
            .lines()
            .filter(|l| !l.starts_with("note: "))
            .map(|l| format!("{l}\n"))
            .collect()
    };
    assert_eq!(problems(&analyzed), problems(&imported));
    assert!(
        problems(&analyzed).contains("the row is skipped"),
        "{analyzed}"
    );
}

/// `analyze --format json` of `history` against `map`: won, lost and open deals, whether the
/// win rate is measured, and how many stages have a median stay above zero.
fn outcomes(dir: &Path, map: &str, history: &str) -> String {
    let (code, out, err) = salesmap(dir, &["analyze", "--map", map, history, "--format", "json"]);
    assert!(code <= 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("analyze prints JSON");
    let w = &v["win_rate"];
    let times = v["stage_times"].as_array().cloned().unwrap_or_default();
    let moving = times
        .iter()
        .filter(|t| t["days"]["median"].as_f64().is_some_and(|d| d > 0.0))
        .count();
    format!(
        "won {}, lost {}, open {}, win rate {}, {moving} of {} stages with time in them",
        w["won"],
        w["lost"],
        w["open"],
        if w["by_count"].is_null() {
            format!("absent ({})", w["absent"]["reason"].as_str().unwrap_or("?"))
        } else {
            format!("{:.2}", w["by_count"].as_f64().unwrap_or(0.0))
        },
        times.len()
    )
}

#[test]
fn init_from_history_then_analyze_counts_the_right_outcomes() {
    let dir = temp_dir("starter");
    let cases: [(&str, Vec<String>, Vec<&str>); 5] = [
        (
            "snapshot",
            vec![fixture("snapshot/opportunities.csv")],
            vec![],
        ),
        (
            "funnel",
            vec![
                fixture("funnel/leads.csv"),
                fixture("funnel/closed_deals.csv"),
            ],
            vec![],
        ),
        (
            "salesforce",
            vec![fixture("salesforce/OpportunityHistory.csv")],
            vec![],
        ),
        ("hubspot", vec![fixture("hubspot/all-deals.csv")], vec![]),
        (
            "xes",
            vec![fixture("xes/loan-applications.xes")],
            vec!["--touches", "W_*"],
        ),
    ];
    let mut out = String::new();
    for (name, files, flags) in &cases {
        let map = format!("{name}.map.toml");
        let mut init = vec!["init", "--from-history"];
        init.extend(files.iter().map(String::as_str));
        init.extend(flags.iter().copied());
        init.extend(["-o", &map]);
        let (code, _, err) = salesmap(&dir, &init);
        assert!(code <= 1, "{name}: {err}");
        let summary: Vec<&str> = err
            .lines()
            .filter(|l| {
                !l.starts_with("note: ") && !l.starts_with("error: ") && !l.starts_with("  help: ")
            })
            .collect();
        let (check, check_out, _) = salesmap(&dir, &["check", &map]);
        assert_eq!(check, 0, "{name}: the starter map has errors:\n{check_out}");
        let (fmt, _, _) = salesmap(&dir, &["fmt", "--check", &map]);
        assert_eq!(fmt, 0, "{name}: the starter map is not in canonical layout");
        // One raw export is analyzed as it is; several (or flags) go through import first.
        let history = if files.len() == 1 && flags.is_empty() {
            files[0].clone()
        } else {
            let csv = format!("{name}.csv");
            let mut import = vec!["import"];
            import.extend(files.iter().map(String::as_str));
            import.extend(flags.iter().copied());
            import.extend(["-o", &csv]);
            let (code, _, err) = salesmap(&dir, &import);
            assert!(code <= 1, "{name}: {err}");
            csv
        };
        out += &format!("{name}\n  {}\n", summary.join("\n  "));
        out += &format!("  analyze: {}\n", outcomes(&dir, &map, &history));
    }
    expect![[r#"
        snapshot
          wrote snapshot.map.toml: 3 stages from 10 deals, in the order the deals took them: engage → Won
          outcomes recognised:
            won: Won (4 deals)
            lost: Lost (3 deals)
          7 warning(s) to fill in: `salesmap check snapshot.map.toml` lists them (entries, exit checklists, owners, goal, KPIs)
          analyze: won 4, lost 3, open 3, win rate 0.57, 1 of 1 stages with time in them
        funnel
          wrote funnel.map.toml: 2 stages from 10 deals, in the order the deals took them: first_contact → won
          outcomes recognised:
            won: won (3 deals)
          6 warning(s) to fill in: `salesmap check funnel.map.toml` lists them (entries, exit checklists, owners, goal, KPIs)
          analyze: won 3, lost 0, open 7, win rate absent (no-losses-recorded), 1 of 1 stages with time in them
        salesforce
          wrote salesforce.map.toml: 5 stages from 2 deals, in the order the deals took them: Prospecting → Qualification → Needs Analysis → Closed Won
          outcomes recognised:
            won: Closed Won (1 deal)
            lost: Closed Lost (1 deal)
          13 warning(s) to fill in: `salesmap check salesforce.map.toml` lists them (entries, exit checklists, owners, goal, KPIs)
          analyze: won 1, lost 1, open 0, win rate 0.50, 3 of 3 stages with time in them
        hubspot
          wrote hubspot.map.toml: 6 stages from 3 deals, in the order the deals took them: Appointment Scheduled → Qualified To Buy → Presentation Scheduled → Contract Sent → Closed Won
          outcomes recognised:
            won: Closed Won (1 deal)
            lost: Closed Lost (1 deal)
          16 warning(s) to fill in: `salesmap check hubspot.map.toml` lists them (entries, exit checklists, owners, goal, KPIs)
          analyze: won 1, lost 1, open 1, win rate 0.50, 4 of 4 stages with time in them
        xes
          wrote xes.map.toml: 14 stages from 6 deals, in the order the deals took them: A_SUBMITTED → A_PARTLYSUBMITTED → A_PREACCEPTED → A_ACCEPTED → O_SELECTED → A_FINALIZED → O_CREATED → O_SENT → O_SENT_BACK → O_ACCEPTED → A_APPROVED → A_REGISTERED → A_ACTIVATED
          outcomes recognised:
            won: A_APPROVED (2 deals)
            a-activated: A_ACTIVATED (2 deals)
            lost: A_DECLINED, A_CANCELLED, O_CANCELLED (3 deals)
          40 warning(s) to fill in: `salesmap check xes.map.toml` lists them (entries, exit checklists, owners, goal, KPIs)
          analyze: won 2, lost 3, open 1, win rate 0.40, 12 of 12 stages with time in them
    "#]].assert_eq(&out);
}

#[test]
fn hubspot_default_pipeline_against_the_template_moves_forward() {
    let dir = temp_dir("hubspot-order");
    let (code, _, err) = salesmap(&dir, &["init", "--template", "b2b", "-o", "sales.map.toml"]);
    assert_eq!(code, 0, "{err}");
    let export = fixture("hubspot/all-deals.csv");
    let (_, out, err) = salesmap(
        &dir,
        &[
            "analyze",
            "--map",
            "sales.map.toml",
            &export,
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{err}"));
    let kinds: Vec<String> = v["conformance"]["by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| format!("{} {}", k["kind"].as_str().unwrap(), k["deals"]))
        .collect();
    expect![[r#"
        skipped-stage 3
        backward-move 0
        unknown-stage 0
        move-not-in-map 0
        stuck 0"#]]
    .assert_eq(&kinds.join("\n"));
    assert!(
        err.contains("dates and times without a UTC offset were read as UTC"),
        "the zone assumed for HubSpot's local times is said: {err}"
    );
}
