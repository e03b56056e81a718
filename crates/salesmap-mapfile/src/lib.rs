//! The salesmap map language: a TOML file that describes a sales process, checked like a
//! compiler checks code.
//!
//! [`load`] is the entry point: it reads the text ([`syntax`]), lowers it to the core
//! [`Map`] ([`lower`]), runs the lint rules ([`lints`]) and returns a [`Checked`] holding the map
//! (when there are no errors) and every [`Diagnostic`] found, sorted by position. Loading never
//! fails and never panics, whatever the input. [`templates`] holds the bundled maps,
//! [`format`] rewrites a map into canonical layout without losing comments, and [`starter`]
//! writes a map outlined from a history.

pub mod diagnostic;
pub mod format;
pub mod lints;
pub mod lower;
pub mod rule;
pub mod starter;
pub mod structure;
pub mod syntax;
pub mod templates;

use salesmap_core::map::Map;

pub use diagnostic::{Diagnostic, Severity};

/// The result of checking a map file.
#[derive(Debug)]
pub struct Checked {
    /// The map, when the file has no errors (warnings allowed).
    pub map: Option<Map>,
    /// Every problem found, ordered by position in the file.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    pub fn has_warnings(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Warning)
    }
}

/// Checks a map file's text. `path` is only used in messages.
pub fn load(source: &str, _path: &str) -> Checked {
    let (file, mut diagnostics) = syntax::read(source);
    if !diagnostics.is_empty() && file.stages.is_empty() && file.map.is_none() {
        // Not valid TOML: the syntax errors are the whole story.
        sort(&mut diagnostics);
        return Checked {
            map: None,
            diagnostics,
        };
    }
    let lowered = lower::lower(&file, source, &mut diagnostics);
    let mut map = None;
    if let Some(lowered) = lowered {
        let cx = lints::Context {
            file: &file,
            map: &lowered.map,
            decl_of: &lowered.decl_of,
        };
        let mut lint_diags = lints::run(&cx);
        let config_problems = lints::apply_settings(&file.lints, &mut lint_diags);
        diagnostics.extend(config_problems);
        diagnostics.extend(lint_diags);
        map = Some(lowered.map);
    }
    sort(&mut diagnostics);
    let has_errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
    Checked {
        map: if has_errors { None } else { map },
        diagnostics,
    }
}

fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.span.end, a.code, &a.message).cmp(&(
            b.span.start,
            b.span.end,
            b.code,
            &b.message,
        ))
    });
}
