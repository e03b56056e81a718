//! `no-kpis` (SM109): the map names no KPI with a target.

use super::context::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;

pub const RULE: Rule = Rule {
    code: "SM109",
    name: "no-kpis",
    severity: Severity::Warning,
    summary: "The map has no `[[kpi]]`.",
    what: "Reports a map without any `[[kpi]]` table.",
    why: "Identifying and mapping the stages matters, but without tracking and measuring performance a team can be on the wrong path and never know it. Build the KPIs in from the start: cycle length, conversion, SQL hand-off, first response time, churn, retention, revenue.",
    example: "```toml\n[[kpi]]\nmetric = \"win-rate\"\ntarget = 0.25\n\n[[kpi]]\nmetric = \"cycle-days\"\ntarget = 60\n```",
    configurable: true,
};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    if cx.file.kpis.is_empty() {
        out.push(
            RULE.diag(cx.map_span(), "the map defines no KPIs", "no `[[kpi]]`")
                .with_help("add `[[kpi]]` tables with a `metric` and a `target`, e.g. win-rate 0.25 and cycle-days 60"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lints::test_support::check;
    use expect_test::expect;

    #[test]
    fn no_kpi_tables() {
        expect![[r#"
            warning[SM109]: the map defines no KPIs
             --> sales.map.toml:1:1
              |
            1 | [map]
              | ^^^^^ no `[[kpi]]`
              |
              = help: add `[[kpi]]` tables with a `metric` and a `target`, e.g. win-rate 0.25 and cycle-days 60

        "#]].assert_eq(&check(&RULE, "[map]\nname = \"B2B\"\n\n[[stage]]\nid = \"a\"\n"));
    }

    #[test]
    fn one_kpi_is_enough() {
        expect![[r#"
            (no diagnostics)
        "#]]
        .assert_eq(&check(
            &RULE,
            "[[kpi]]\nmetric = \"win-rate\"\ntarget = 0.3\n\n[[stage]]\nid = \"a\"\n",
        ));
    }
}
