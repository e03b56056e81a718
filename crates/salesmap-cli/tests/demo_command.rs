//! `salesmap demo`, the README's main command: every step runs and writes its file, in both
//! languages, and the run prints what to fix first.

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
        assert!(stdout.contains("What to fix first"), "{stdout}");
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
        let _ = std::fs::remove_dir_all(&dir);
    }
}
