//! `missing-stage-definition` (SM106): a stage lacks one of the four fields every stage needs
//! (name, entry definition, what happens, exit checklist).

use salesmap_core::map::StageKind;

use super::context::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;

pub const RULE: Rule = Rule {
    code: "SM106",
    name: "missing-stage-definition",
    severity: Severity::Warning,
    summary: "A stage without its name, entry definition, what happens in it, or exit checklist.",
    what: "Top-level working stages need all four: `name`, `entry`, `what_happens`, `exit_checklist`. Sub-stages need `name` and `exit_checklist`. Outcomes need `name` and `entry` (what makes a deal lost, disqualified, churned).",
    why: "Each stage of a sales process map must say its name, what admits a deal to it, what happens in it, and the checklist a deal must complete to move on. A stage missing one of these is one the team will each read differently.",
    example: "```toml\n[[stage]]\nid = \"demo\"\nname = \"Demo\"\n```\n\nAdd `entry`, `what_happens` and `exit_checklist`.",
    configurable: true,
};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for ix in cx.map.stage_ixs() {
        let decl = cx.decl(ix);
        let stage = cx.map.stage(ix);
        let outcome = matches!(stage.kind, StageKind::Outcome(_));
        let sub = stage.parent.is_some();
        let mut missing = Vec::new();
        if decl.name.is_none() {
            missing.push("`name`");
        }
        if decl.entry.is_none() && !sub {
            missing.push("`entry` (entry definition)");
        }
        if decl.what_happens.is_empty() && !sub && !outcome {
            missing.push("`what_happens`");
        }
        if decl.exit_checklist.is_empty() && !outcome {
            missing.push("`exit_checklist`");
        }
        if !missing.is_empty() {
            out.push(
                RULE.diag(
                    cx.stage_span(ix),
                    format!("{} lacks {}", cx.stage_label(ix), missing.join(", ")),
                    "incomplete stage definition",
                )
                .with_help("every stage says its name, what admits a deal, what happens, and what must be done to leave"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lints::test_support::check;
    use expect_test::expect;

    #[test]
    fn each_kind_of_stage() {
        let src = r#"
[[stage]]
id = "demo"
name = "Demo"
next = "lost"

[[stage.substage]]
id = "demo-prep"

[[stage]]
id = "lost"
outcome = "lost"
name = "Lost"
"#;
        expect![[r#"
            warning[SM106]: stage `demo` lacks `entry` (entry definition), `what_happens`, `exit_checklist`
             --> sales.map.toml:3:6
              |
            3 | id = "demo"
              |      ^^^^^^ incomplete stage definition
              |
              = help: every stage says its name, what admits a deal, what happens, and what must be done to leave

            warning[SM106]: stage `demo-prep` lacks `name`, `exit_checklist`
             --> sales.map.toml:8:6
              |
            8 | id = "demo-prep"
              |      ^^^^^^^^^^^ incomplete stage definition
              |
              = help: every stage says its name, what admits a deal, what happens, and what must be done to leave

            warning[SM106]: stage `lost` lacks `entry` (entry definition)
              --> sales.map.toml:11:6
               |
            11 | id = "lost"
               |      ^^^^^^ incomplete stage definition
               |
               = help: every stage says its name, what admits a deal, what happens, and what must be done to leave

        "#]].assert_eq(&check(&RULE, src));
    }
}
