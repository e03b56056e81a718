//! `not-customer-first` (SM104): a top-level working stage that does not say what the buyer gets
//! from it (`customer_value`).

use super::context::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;

pub const RULE: Rule = Rule {
    code: "SM104",
    name: "not-customer-first",
    severity: Severity::Warning,
    summary: "A stage with no `customer_value`: nothing says what the buyer gains from it.",
    what: "Flags each top-level stage that is not an outcome and has no (or an empty) `customer_value`.",
    why: "Whatever the business, the customer and their needs should guide the process: every stage should give the buyer clear value and benefit, even if they say no. A stage that is good for you but neutral or bad for them is a stage to remove.",
    example: "```toml\n[[stage]]\nid = \"demo\"\nname = \"Demo\"\n```\n\nAdd what the buyer takes away: `customer_value = \"Sees their own use case solved with their data\"`.",
    configurable: true,
};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for ix in cx.working_stages() {
        let stage = cx.map.stage(ix);
        if stage.parent.is_some() {
            continue;
        }
        if stage.customer_value.as_ref().is_none_or(|v| v.is_empty()) {
            out.push(
                RULE.diag(
                    cx.stage_span(ix),
                    format!(
                        "{} does not say what the buyer gets from it",
                        cx.stage_label(ix)
                    ),
                    "no `customer_value`",
                )
                .with_help(
                    "add `customer_value = \"…\"`: what the buyer learns, saves or decides here",
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
    fn stage_without_value_and_outcome_exempt() {
        let src = r#"
[[stage]]
id = "demo"
next = "won"

[[stage]]
id = "won"
outcome = "won"
"#;
        expect![[r#"
            warning[SM104]: stage `demo` does not say what the buyer gets from it
             --> sales.map.toml:3:6
              |
            3 | id = "demo"
              |      ^^^^^^ no `customer_value`
              |
              = help: add `customer_value = "…"`: what the buyer learns, saves or decides here

        "#]]
        .assert_eq(&check(&RULE, src));
    }
}
