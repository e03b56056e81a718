//! Test support for the salesmap workspace's suites (a dev-dependency only).
//!
//! Some tests need what a machine may lack: the shared reference logs in `../shared/data`
//! beside the project, an external tool (Chromium, Graphviz, Mermaid's parser) or a database
//! server. Where it is absent, such a test says so and returns; the saying must be seen.
//! [`skip`] writes straight to the process's standard error, which the test harness does not
//! capture, so a skip shows in `cargo test`'s output next to the test's name; and under CI
//! (`SALESMAP_CI` set, as `.ci/run` does) a skip is a failure, since there everything must be
//! present.

use std::io::Write as _;
use std::path::PathBuf;

/// The environment variable CI sets: what a test would skip must be there.
pub const CI_VAR: &str = "SALESMAP_CI";

/// Whether the tests run under CI.
pub fn in_ci() -> bool {
    std::env::var_os(CI_VAR).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Says visibly that a test skipped because `what` is absent, and how to get it (`fix`).
/// Under CI it panics instead: CI must have everything the tests need.
pub fn skip(what: &str, fix: &str) {
    assert!(
        !in_ci(),
        "{what} is absent, and {CI_VAR} is set: CI must provide it ({fix})"
    );
    let _ = writeln!(std::io::stderr(), "skipped: {what} absent ({fix})");
}

/// The shared reference data (`../shared/data` beside the project), when it is there with
/// its `logs/` and `reference/` folders; else [`skip`]s and gives `None`.
pub fn shared_data() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if dir.join("logs").is_dir() && dir.join("reference").is_dir() {
        Some(dir)
    } else {
        skip(
            "../shared/data",
            "put the shared reference data beside the project",
        );
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_data_is_found_beside_the_project_or_skipped_visibly() {
        match shared_data() {
            Some(dir) => assert!(dir.join("logs/running-example.csv").is_file()),
            None => assert!(!in_ci()),
        }
    }
}
