//! `no-exit-for-no` (SM113): a decision stage with no branch for the buyer saying no.

use salesmap_core::map::{Answer, Outcome};

use super::context::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;

pub const RULE: Rule = Rule {
    code: "SM113",
    name: "no-exit-for-no",
    severity: Severity::Warning,
    summary: "A decision (`decision = \"…?\"`) whose branches do not say what happens when the buyer says no.",
    what: "For every stage with a `decision`, looks for a branch with `answer = \"no\"` or a branch to a `lost`, `disqualified` or `churned` outcome.",
    why: "Most buyers say no several times before they say yes. A map that only draws the yes path leaves reps improvising at exactly the moment the process matters most: say whether a no leads to nurture, a later follow-up, or a closed-lost outcome.",
    example: "```toml\n[[stage]]\nid = \"sql\"\ndecision = \"Does the buyer have budget this year?\"\nnext = \"discovery\"\n```\n\nAdd `[[stage.branch]]` with `to = \"nurture\"`, `when = \"No budget this year\"`, `answer = \"no\"`.",
    configurable: true,
};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for ix in cx.map.stage_ixs() {
        let decl = cx.decl(ix);
        let Some(decision) = &decl.decision else {
            continue;
        };
        let has_no = cx.map.outgoing(ix).any(|t| {
            t.answer == Some(Answer::No)
                || matches!(
                    cx.map.outcome(t.to),
                    Some(Outcome::Lost | Outcome::Disqualified | Outcome::Churned)
                )
        });
        if !has_no {
            out.push(
                RULE.diag(
                    decision.span.clone(),
                    format!("the decision in {} has no branch for \"no\"", cx.stage_label(ix)),
                    "what happens when the buyer says no?",
                )
                .with_help("add a `[[stage.branch]]` with `answer = \"no\"` leading to nurture, a follow-up stage or a lost outcome"),
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
    fn decision_with_only_yes() {
        let src = r#"
[[stage]]
id = "sql"
decision = "Budget this year?"
next = "demo"
[[stage.branch]]
to = "demo"
answer = "yes"

[[stage]]
id = "demo"
decision = "Is the solution a fit?"
next = "lost"

[[stage]]
id = "lost"
outcome = "lost"
"#;
        expect![[r#"
            warning[SM113]: the decision in stage `sql` has no branch for "no"
             --> sales.map.toml:4:12
              |
            4 | decision = "Budget this year?"
              |            ^^^^^^^^^^^^^^^^^^^ what happens when the buyer says no?
              |
              = help: add a `[[stage.branch]]` with `answer = "no"` leading to nurture, a follow-up stage or a lost outcome

        "#]].assert_eq(&check(&RULE, src));
    }
}
