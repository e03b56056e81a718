//! Every crate of the workspace is a one-way graph of modules: no module uses, directly or
//! through others, a module that uses it (paths in `#[cfg(test)]` code do not count). A failure
//! prints each circle with the line of every use on it; break it by moving what both sides
//! need into a module below them.

use std::path::{Path, PathBuf};

use salesmap_tidy::module_circles;

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// The crate roots of every workspace package (`src/lib.rs`, `src/main.rs`, `src/bin/*.rs`),
/// relative to the workspace.
fn crate_roots() -> Vec<PathBuf> {
    let workspace = workspace();
    let mut packages: Vec<PathBuf> = std::fs::read_dir(workspace.join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    packages.extend([workspace.join("bench"), workspace.join("tidy")]);
    let mut roots = Vec::new();
    for package in packages {
        let src = package.join("src");
        roots.extend(
            ["lib.rs", "main.rs"]
                .map(|f| src.join(f))
                .into_iter()
                .filter(|p| p.exists()),
        );
        if let Ok(bins) = std::fs::read_dir(src.join("bin")) {
            roots.extend(
                bins.map(|e| e.unwrap().path())
                    .filter(|p| p.extension().is_some_and(|x| x == "rs")),
            );
        }
    }
    let mut roots: Vec<PathBuf> = roots
        .into_iter()
        .map(|root| root.strip_prefix(workspace).unwrap().to_path_buf())
        .collect();
    roots.sort();
    roots
}

#[test]
fn modules_inside_each_crate_depend_one_way() {
    let roots = crate_roots();
    assert!(roots.len() >= 8, "found only {roots:?}");
    let mut failures = String::new();
    for root in &roots {
        for circle in module_circles(workspace(), root).unwrap_or_else(|e| panic!("{e}")) {
            failures.push_str(&format!("{}: {circle}", root.display()));
        }
    }
    assert!(failures.is_empty(), "circles of modules:\n{failures}");
}
