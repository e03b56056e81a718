//! The commands a user runs on a raw CRM export, on fixtures shaped like real exports
//! (`../salesmap-import/test_data`): nothing the import leaves out is left unsaid, and a map
//! started from the history measures it right.
//!
//! Index:
//! - `every_command_*`: analyze, report, plan, discover and render print the import's notes
//!   and problems, the same lines for each, and the report shows them.

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
