//! `salesmap demo`, the README's main command: every step runs and writes its file, in both
//! languages, the run prints what to fix first (in the language asked for, as `analysis.txt`
//! is written), and the goal shows as in progress (the history ends inside the goal's year, so
//! the first figure a newcomer reads is not "0 % of the goal").

use std::process::Command;

#[test]
fn demo_writes_every_file_in_both_languages() {
    for lang in ["en", "ko"] {
        let dir = std::env::temp_dir().join(format!("salesmap-demo-{lang}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let out = Command::new(env!("CARGO_BIN_EXE_salesmap"))
            .args(["demo", "--deals", "120", "--lang", lang, "--out"])
            .arg(&dir)
            .output()
            .expect("run salesmap demo");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        let (heading, goal_word, window) = match lang {
            "en" => ("What to fix first", "goal:", "won 2027-01-01 to 2027-12-31"),
            _ => (
                "먼저 고칠 것",
                "목표:",
                "2027-01-01부터 2027-12-31까지 수주",
            ),
        };
        assert!(stdout.contains(heading), "{stdout}");
        if lang == "ko" {
            for english in [
                "What to fix first",
                "Written to",
                "Deals drop out",
                "KPI missed",
            ] {
                assert!(
                    !stdout.contains(english),
                    "English {english:?} in: {stdout}"
                );
            }
            assert!(stderr.contains("==> 측정: salesmap analyze"), "{stderr}");
        }
        for file in [
            "sales.map.toml",
            "history.csv",
            "analysis.txt",
            "map.svg",
            "map.png",
            "plan.txt",
            "report.html",
            "assets/funnel.svg",
        ] {
            let len = std::fs::metadata(dir.join(file))
                .map(|m| m.len())
                .unwrap_or(0);
            assert!(len > 0, "{lang}: {file} missing or empty");
        }
        let report = std::fs::read_to_string(dir.join("report.html")).unwrap();
        assert_eq!(report.contains("lang=\"ko\""), lang == "ko");
        let analysis = std::fs::read_to_string(dir.join("analysis.txt")).unwrap();
        let goal = analysis
            .lines()
            .find(|l| l.trim_start().starts_with(goal_word))
            .expect("a goal line");
        assert!(goal.contains(window), "{goal}");
        if lang == "ko" {
            for english in [
                "Goal and KPIs",
                "Time in stage",
                "Outcomes",
                "Conformance",
                "Forecast",
            ] {
                assert!(
                    !analysis.contains(english),
                    "English {english:?} in analysis.txt"
                );
            }
        }
        assert!(!goal.contains("(0%"), "the goal shows no progress: {goal}");
        let plan = std::fs::read_to_string(dir.join("plan.txt")).unwrap();
        let window = match lang {
            "en" => "won from 2027-07-01 to 2027-12-31",
            _ => "2027-07-01부터 2027-12-31까지",
        };
        assert!(plan.contains(window), "{plan}");
        if lang == "ko" {
            for english in ["Reverse-funnel plan", "wins needed", "What if", "stage "] {
                assert!(!plan.contains(english), "English {english:?} in plan.txt");
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
