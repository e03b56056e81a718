//! `no-goal` (SM108): the map states no goal (metric, target, deadline).

use super::context::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;

pub const RULE: Rule = Rule {
    code: "SM108",
    name: "no-goal",
    severity: Severity::Warning,
    summary: "The map has no `[goal]`, or a goal without a deadline.",
    what: "Reports a map with no `[goal]` table, and a goal with no `deadline`.",
    why: "Start at the end: to plan any route you need to know the destination. A clear, measurable goal (reach, revenue growth, retention, an amount by a date) is what the process, its KPIs and the reverse-funnel plan are built from.",
    example: "```toml\n[goal]\ndescription = \"New annual recurring revenue\"\nmetric = \"won-revenue\"\ntarget = 1200000\nunit = \"USD\"\ndeadline = 2027-12-31\n```",
    configurable: true,
};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    match &cx.file.goal {
        None => out.push(
            RULE.diag(cx.map_span(), "the map has no goal", "no `[goal]`")
                .with_help("add a `[goal]` with `metric`, `target` and `deadline`, e.g. won-revenue 1200000 by 2027-12-31"),
        ),
        Some(goal) if goal.deadline.is_none() => out.push(
            RULE.diag(goal.header.clone(), "the goal has no deadline", "no `deadline`")
                .with_help("add `deadline = 2027-12-31`: a target without a date cannot be planned"),
        ),
        Some(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lints::test_support::check;
    use expect_test::expect;

    #[test]
    fn no_goal_table() {
        expect![[r#"
            warning[SM108]: the map has no goal
             --> sales.map.toml:1:1
              |
            1 | [map]
              | ^^^^^ no `[goal]`
              |
              = help: add a `[goal]` with `metric`, `target` and `deadline`, e.g. won-revenue 1200000 by 2027-12-31

        "#]].assert_eq(&check(&RULE, "[map]\nname = \"B2B\"\n\n[[stage]]\nid = \"a\"\n"));
    }

    #[test]
    fn goal_without_deadline() {
        expect![[r#"
            warning[SM108]: the goal has no deadline
             --> sales.map.toml:1:1
              |
            1 | [goal]
              | ^^^^^^ no `deadline`
              |
              = help: add `deadline = 2027-12-31`: a target without a date cannot be planned

        "#]]
        .assert_eq(&check(
            &RULE,
            "[goal]\nmetric = \"won-revenue\"\ntarget = 5\n\n[[stage]]\nid = \"a\"\n",
        ));
    }
}
