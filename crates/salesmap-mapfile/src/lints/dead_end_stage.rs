//! `dead-end-stage` (SM111): a working stage with no way out.

use super::context::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;

pub const RULE: Rule = Rule {
    code: "SM111",
    name: "dead-end-stage",
    severity: Severity::Error,
    summary: "A stage that is not an outcome and has no `next` and no `branch`.",
    what: "Reports every top-level stage that is not an outcome (`won`, `lost`, `disqualified`, `churned`) and has no outgoing transition.",
    why: "Deals that enter a dead end stay there forever: they are neither won nor lost, and inflate the open pipeline. Even the last stage of a customer's life has a way out (churned).",
    example: "```toml\n[[stage]]\nid = \"existing-client\"\n```\n\nAdd where deals go next: `[[stage.branch]]` with `to = \"churned\"`, `when = \"Contract not renewed\"`.",
    configurable: true,
};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for ix in cx.working_stages() {
        if cx.map.stage(ix).parent.is_none() && cx.map.outgoing(ix).next().is_none() {
            out.push(
                RULE.diag(cx.stage_span(ix), format!("{} has no way out", cx.stage_label(ix)), "dead end")
                    .with_help("add `next = \"…\"` or a `[[stage.branch]]`, or make it an outcome with `outcome = \"lost\"`"),
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
    fn stage_without_exits() {
        let src = "[[stage]]\nid = \"demo\"\nnext = \"won\"\n\n[[stage]]\nid = \"limbo\"\n\n[[stage]]\nid = \"won\"\noutcome = \"won\"\n";
        expect![[r#"
            error[SM111]: stage `limbo` has no way out
             --> sales.map.toml:6:6
              |
            6 | id = "limbo"
              |      ^^^^^^^ dead end
              |
              = help: add `next = "…"` or a `[[stage.branch]]`, or make it an outcome with `outcome = "lost"`

        "#]].assert_eq(&check(&RULE, src));
    }
}
