//! `undefined-start` (SM114): the map does not say where the process starts.

use super::context::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;

pub const RULE: Rule = Rule {
    code: "SM114",
    name: "undefined-start",
    severity: Severity::Warning,
    summary: "No `start` in `[map]`.",
    what: "Reports a map whose `[map]` table has no `start` (the first stage in the file is then used).",
    why: "The first step of building a map is deciding where it starts: at the top of the funnel (closer to marketing) or at the first sales interaction. Metrics such as cycle length and cumulative conversion are counted from the start stage, so it must be a decision, not an accident of file order.",
    example: "```toml\n[map]\nname = \"B2B sales\"\n```\n\nAdd `start = \"brand-awareness\"` (top of funnel) or `start = \"sales-interaction\"`.",
    configurable: true,
};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    if cx.file.map.as_ref().is_none_or(|m| m.start.is_none()) {
        out.push(
            RULE.diag(cx.map_span(), "the map does not say where the process starts", "no `start`")
                .with_help(format!(
                    "add `start = \"…\"` to `[map]`: the top of the funnel or the first sales interaction (now assumed: `{}`)",
                    cx.map.stage(cx.map.start).id
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lints::test_support::check;
    use expect_test::expect;

    #[test]
    fn no_start() {
        expect![[r#"
            warning[SM114]: the map does not say where the process starts
             --> sales.map.toml:1:1
              |
            1 | [map]
              | ^^^^^ no `start`
              |
              = help: add `start = "…"` to `[map]`: the top of the funnel or the first sales interaction (now assumed: `mql`)

        "#]].assert_eq(&check(&RULE, "[map]\nname = \"B2B\"\n\n[[stage]]\nid = \"mql\"\n"));
    }

    #[test]
    fn start_given() {
        expect![[r#"
            (no diagnostics)
        "#]]
        .assert_eq(&check(
            &RULE,
            "[map]\nstart = \"mql\"\n\n[[stage]]\nid = \"mql\"\n",
        ));
    }
}
