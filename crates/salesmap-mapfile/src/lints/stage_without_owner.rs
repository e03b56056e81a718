//! `stage-without-owner` (SM107): a top-level working stage names no owning team or role.

use super::context::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;

pub const RULE: Rule = Rule {
    code: "SM107",
    name: "stage-without-owner",
    severity: Severity::Warning,
    summary: "A stage with no `owners`.",
    what: "Flags each top-level stage that is not an outcome and has an empty or missing `owners` list. Sub-stages inherit their parent's owners.",
    why: "Every sale is a team effort across marketing, sales, sales engineering, implementation and customer success. A stage nobody owns is where deals wait; hand-offs between owners can only be measured when owners are named.",
    example: "```toml\n[[stage]]\nid = \"implementation\"\n```\n\nName who runs it: `owners = [\"Implementation\"]`.",
    configurable: true,
};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for ix in cx.working_stages() {
        let stage = cx.map.stage(ix);
        if stage.parent.is_none() && stage.owners.iter().all(|o| o.trim().is_empty()) {
            out.push(
                RULE.diag(
                    cx.stage_span(ix),
                    format!("{} has no owner", cx.stage_label(ix)),
                    "no `owners`",
                )
                .with_help(
                    "add `owners = [\"Sales\"]` (the team or role accountable for the stage)",
                ),
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
    fn unowned_stage() {
        let src = "[[stage]]\nid = \"demo\"\nowners = []\n\n[[stage]]\nid = \"sql\"\nowners = [\"Sales\"]\n";
        expect![[r#"
            warning[SM107]: stage `demo` has no owner
             --> sales.map.toml:2:6
              |
            2 | id = "demo"
              |      ^^^^^^ no `owners`
              |
              = help: add `owners = ["Sales"]` (the team or role accountable for the stage)

        "#]]
        .assert_eq(&check(&RULE, src));
    }
}
