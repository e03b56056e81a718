//! Repository checks that run with `cargo test --workspace`: today, that the modules inside
//! every crate of the workspace depend one way, so each crate reads top-down from its entry
//! point to its shared vocabulary.
//!
//! [`module_circles`] reads one crate (its root file and every module it declares, see
//! [`modules`]) and reports each circle of modules that use each other ([`cycles`]), naming
//! the line of every use on the circle. `tests/module_layers.rs` runs it on every crate.

pub mod cycles;
pub mod modules;
pub mod tokens;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use modules::{Crate, ModPath, display, load_crate};

/// Every circle of module uses in the crate whose root file is `root` (relative to
/// `workspace`), one paragraph each: the modules tangled together, one shortest circle with the
/// line of each use, then every other use among those modules.
pub fn module_circles(workspace: &Path, root: &Path) -> Result<Vec<String>, String> {
    let krate = load_crate(root, &|p| std::fs::read_to_string(workspace.join(p)).ok())?;
    Ok(describe_circles(&krate))
}

/// Every circle of module uses in `krate`, described as [`module_circles`] does.
pub fn describe_circles(krate: &Crate) -> Vec<String> {
    let edges: BTreeMap<ModPath, BTreeSet<ModPath>> = krate
        .uses
        .iter()
        .map(|(from, tos)| (from.clone(), tos.keys().cloned().collect()))
        .collect();
    let mut reports = Vec::new();
    for tangle in cycles::tangles(&edges) {
        let names: Vec<String> = tangle.iter().map(display).collect();
        let mut report = format!("modules that use each other: {}\n", names.join(", "));
        let circle = cycles::circle_through(&edges, &tangle, &tangle[0]);
        let on_circle: Vec<(&ModPath, &ModPath)> = circle
            .iter()
            .enumerate()
            .map(|(k, from)| (from, &circle[(k + 1) % circle.len()]))
            .collect();
        let describe = |from: &ModPath, to: &ModPath| {
            let at = &krate.uses[from][to];
            format!(
                "    {} → {}  ({}:{}: `{}`)\n",
                display(from),
                display(to),
                krate.modules[from].file.display(),
                at.line,
                at.path
            )
        };
        report.push_str("  one circle:\n");
        for &(from, to) in &on_circle {
            report.push_str(&describe(from, to));
        }
        let mut others = String::new();
        for from in &tangle {
            for to in edges[from].iter().filter(|to| tangle.contains(to)) {
                if !on_circle.contains(&(from, to)) {
                    others.push_str(&describe(from, to));
                }
            }
        }
        if !others.is_empty() {
            report.push_str("  other uses among them:\n");
            report.push_str(&others);
        }
        reports.push(report);
    }
    reports
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn a_circle_is_described_with_the_line_of_each_use() {
        let files: BTreeMap<PathBuf, &str> = [
            ("src/lib.rs", "mod input;\nmod table;\nmod reader;\n"),
            ("src/input.rs", "use crate::reader;\npub struct Format;\n"),
            ("src/table.rs", "pub fn fold() {}\n"),
            (
                "src/reader.rs",
                "use crate::table::fold;\n\nfn f(_: crate::input::Format) { fold() }\n",
            ),
        ]
        .into_iter()
        .map(|(p, s)| (PathBuf::from(p), s))
        .collect();
        let krate = load_crate(Path::new("src/lib.rs"), &|p| {
            files.get(p).map(|s| s.to_string())
        })
        .unwrap();
        assert_eq!(
            describe_circles(&krate).join(""),
            "modules that use each other: crate::input, crate::reader
  one circle:
    crate::input → crate::reader  (src/input.rs:1: `crate::reader`)
    crate::reader → crate::input  (src/reader.rs:3: `crate::input::Format`)
"
        );
    }
}
