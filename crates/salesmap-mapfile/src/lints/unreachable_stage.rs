//! `unreachable-stage` (SM110): no sequence of transitions from the start stage reaches this
//! stage.

use super::context::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;

pub const RULE: Rule = Rule {
    code: "SM110",
    name: "unreachable-stage",
    severity: Severity::Warning,
    summary: "A stage that no deal can reach from the start stage.",
    what: "Follows every `next` and `branch` from the map's `start`; top-level stages never reached are reported. Sub-stages are reachable with their parent.",
    why: "A stage nobody can enter is either a leftover or a missing transition; in both cases the picture and the pipeline disagree with what happens to deals.",
    example: "```toml\n[map]\nstart = \"mql\"\n\n[[stage]]\nid = \"mql\"\nnext = \"won\"\n\n[[stage]]\nid = \"demo\"   # nothing leads here\nnext = \"won\"\n```\n\nAdd the missing transition (`next = \"demo\"` on `mql`) or remove the stage.",
    configurable: true,
};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let reachable = cx.map.reachable();
    for ix in cx.map.top_level() {
        if !reachable[ix.index()] {
            out.push(
                RULE.diag(
                    cx.stage_span(ix),
                    format!(
                        "{} cannot be reached from the start stage `{}`",
                        cx.stage_label(ix),
                        cx.map.stage(cx.map.start).id
                    ),
                    "unreachable",
                )
                .with_help("add a `next` or `branch` that leads here, or remove the stage"),
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
    fn island_stage() {
        let src = r#"
[map]
start = "mql"

[[stage]]
id = "mql"
next = "won"

[[stage]]
id = "demo"
next = "won"

[[stage]]
id = "won"
outcome = "won"
"#;
        expect![[r#"
            warning[SM110]: stage `demo` cannot be reached from the start stage `mql`
              --> sales.map.toml:10:6
               |
            10 | id = "demo"
               |      ^^^^^^ unreachable
               |
               = help: add a `next` or `branch` that leads here, or remove the stage

        "#]]
        .assert_eq(&check(&RULE, src));
    }
}
