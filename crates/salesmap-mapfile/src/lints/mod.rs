//! The lint rules (`SM1xx`): one file per rule, each with its [`Rule`] (code, name, docs) and a
//! `check` function over a [`Context`]. Lints run on a map that lowered successfully, look at
//! the declarations for spans and at the core [`Map`](salesmap_core::map::Map) for the graph,
//! and push diagnostics at the rule's default severity; [`apply_settings`] then applies the
//! map's `[lints]` table. The rules sit above what they share (`context.rs`, `phrases.rs`) and
//! this module, which lists and runs them, above the rules.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::{Rule, did_you_mean};
use crate::structure;
use crate::syntax::LintSetting;

mod context;
mod phrases;

mod dead_end_stage;
mod missing_stage_definition;
mod no_exit_for_no;
mod no_goal;
mod no_kpis;
mod no_path_to_won;
mod not_actionable;
mod not_customer_first;
mod stage_without_owner;
mod too_many_stages;
mod too_much_detail;
mod undefined_start;
mod unreachable_stage;
mod vague_stage;

pub use context::Context;
pub use phrases::{FILLER, find_filler, find_phrase, inner_span};

type Check = fn(&Context, &mut Vec<Diagnostic>);

/// Every lint rule with its check, in code order.
pub const LINTS: [(&Rule, Check); 14] = [
    (&vague_stage::RULE, vague_stage::check),
    (&too_many_stages::RULE, too_many_stages::check),
    (&too_much_detail::RULE, too_much_detail::check),
    (&not_customer_first::RULE, not_customer_first::check),
    (&not_actionable::RULE, not_actionable::check),
    (
        &missing_stage_definition::RULE,
        missing_stage_definition::check,
    ),
    (&stage_without_owner::RULE, stage_without_owner::check),
    (&no_goal::RULE, no_goal::check),
    (&no_kpis::RULE, no_kpis::check),
    (&unreachable_stage::RULE, unreachable_stage::check),
    (&dead_end_stage::RULE, dead_end_stage::check),
    (&no_path_to_won::RULE, no_path_to_won::check),
    (&no_exit_for_no::RULE, no_exit_for_no::check),
    (&undefined_start::RULE, undefined_start::check),
];

/// Runs every lint rule.
pub fn run(cx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (_, check) in LINTS {
        check(cx, &mut out);
    }
    out
}

/// Reads the `[lints]` table, reporting bad entries, and applies the levels to `diags`.
/// Allowed rules' diagnostics are removed.
pub fn apply_settings(settings: &[LintSetting], diags: &mut Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut levels: Vec<(&str, Option<Severity>)> = Vec::new();
    for s in settings {
        let Some((rule, _)) = LINTS.iter().find(|(r, _)| r.name == s.rule.value) else {
            let names = LINTS.iter().map(|(r, _)| r.name);
            let help = match did_you_mean(&s.rule.value, names) {
                Some(n) => format!("did you mean `{n}`?"),
                None => "use a lint rule name from docs/lints.md".to_string(),
            };
            problems.push(structure::lint_config(
                s.rule.span.clone(),
                &format!("`{}` is not a lint rule", s.rule.value),
                &help,
            ));
            continue;
        };
        let Some(level) = &s.level else {
            problems.push(structure::lint_config(
                s.rule.span.clone(),
                &format!("`{}` has no `level`", s.rule.value),
                "set `level` to one of allow, info, warning, error",
            ));
            continue;
        };
        let severity = match level.value.as_str() {
            "allow" => None,
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            other => {
                problems.push(structure::lint_config(
                    level.span.clone(),
                    &format!("unknown level `{other}`"),
                    "use one of allow, info, warning, error",
                ));
                continue;
            }
        };
        if severity.is_none() && s.reason.as_ref().is_none_or(|r| r.value.trim().is_empty()) {
            problems.push(structure::lint_config(
                level.span.clone(),
                &format!("`{}` is allowed without a reason", rule.name),
                &format!(
                    "say why, so the next reader knows: `{} = {{ level = \"allow\", reason = \"…\" }}`",
                    rule.name
                ),
            ));
            continue;
        }
        levels.push((rule.name, severity));
    }
    diags.retain_mut(|d| match levels.iter().find(|(n, _)| *n == d.name) {
        Some((_, None)) => false,
        Some((_, Some(s))) => {
            d.severity = *s;
            true
        }
        None => true,
    });
    problems
}

#[cfg(test)]
pub(crate) mod test_support {
    //! `check(rule, map_text)`: the rendered diagnostics of one rule on a map, for snapshots.

    use crate::diagnostic::render_human;
    use crate::rule::Rule;

    pub fn check(rule: &Rule, source: &str) -> String {
        let checked = crate::load(source, "sales.map.toml");
        let mine: Vec<_> = checked
            .diagnostics
            .into_iter()
            .filter(|d| d.code == rule.code)
            .collect();
        if mine.is_empty() {
            return "(no diagnostics)\n".to_string();
        }
        render_human(source, "sales.map.toml", &mine)
    }
}
