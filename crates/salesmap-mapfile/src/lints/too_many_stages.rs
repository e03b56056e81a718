//! `too-many-stages` (SM102): more top-level working stages than a reader can hold; the fix is
//! to group related steps as sub-stages.

use super::context::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;

/// The most top-level working stages (outcomes not counted) a map may have before it warns.
pub const MAX_TOP_LEVEL_STAGES: usize = 16;

pub const RULE: Rule = Rule {
    code: "SM102",
    name: "too-many-stages",
    severity: Severity::Warning,
    summary: "More than 16 top-level working stages.",
    what: "Counts the top-level stages that are not outcomes (sub-stages and `won`/`lost`/`disqualified`/`churned` outcomes are not counted) and warns at the first stage past 16.",
    why: "A map with too many steps loses the reader: details and steps must not take the focus off the goal. The article's extended map has 14 stages; finer steps belong inside a stage as sub-stages, where metrics still roll up.",
    example: "```toml\n# 17 top-level stages: ... \"send-follow-up-email\", \"call-again\", ...\n```\n\nMove the small steps under their stage: `[[stage.substage]]` inside `sales-interaction`.",
    configurable: true,
};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let top: Vec<_> = cx
        .working_stages()
        .filter(|&ix| cx.map.stage(ix).parent.is_none())
        .collect();
    if top.len() > MAX_TOP_LEVEL_STAGES {
        let first_extra = top[MAX_TOP_LEVEL_STAGES];
        out.push(
            RULE.diag(
                cx.stage_span(first_extra),
                format!(
                    "the map has {} top-level stages; a team can follow about {MAX_TOP_LEVEL_STAGES}",
                    top.len()
                ),
                format!("stage {} of {}", MAX_TOP_LEVEL_STAGES + 1, top.len()),
            )
            .with_help("group related steps as `[[stage.substage]]` under one stage"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lints::test_support::check;
    use expect_test::expect;

    fn map_with(n: usize) -> String {
        (0..n)
            .map(|i| format!("[[stage]]\nid = \"s{i}\"\nnext = \"s{}\"\n", i + 1))
            .chain(std::iter::once(format!(
                "[[stage]]\nid = \"s{n}\"\noutcome = \"won\"\n"
            )))
            .collect()
    }

    #[test]
    fn seventeen_stages_warn_at_the_seventeenth() {
        expect![[r#"
            warning[SM102]: the map has 17 top-level stages; a team can follow about 16
              --> sales.map.toml:50:6
               |
            50 | id = "s16"
               |      ^^^^^ stage 17 of 17
               |
               = help: group related steps as `[[stage.substage]]` under one stage

        "#]]
        .assert_eq(&check(&RULE, &map_with(17)));
    }

    #[test]
    fn sixteen_stages_and_an_outcome_pass() {
        expect![[r#"
            (no diagnostics)
        "#]]
        .assert_eq(&check(&RULE, &map_with(16)));
    }
}
