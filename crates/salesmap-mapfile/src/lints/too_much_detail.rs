//! `too-much-detail` (SM103): an exit checklist or activity list too long to follow, or one item
//! that is a paragraph rather than a step.

use super::context::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;

/// Most items a checklist or activity list may hold.
pub const MAX_ITEMS: usize = 8;
/// Most characters one item may hold.
pub const MAX_ITEM_CHARS: usize = 160;

pub const RULE: Rule = Rule {
    code: "SM103",
    name: "too-much-detail",
    severity: Severity::Warning,
    summary: "A checklist or activity list with more than 8 items, or an item longer than 160 characters.",
    what: "Counts the items of each `exit_checklist` and `what_happens` list, and measures each item.",
    why: "Specificity is key, but it is easy to get bogged down in details: give enough detail to be clear and no more. A checklist nobody can hold in mind is a checklist nobody follows; a paragraph is not a step.",
    example: "```toml\nexit_checklist = [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", \"h\", \"i\"]\n```\n\nKeep the few items that decide whether the deal may move on, or split the stage into sub-stages.",
    configurable: true,
};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for ix in cx.map.stage_ixs() {
        let decl = cx.decl(ix);
        let id = &cx.map.stage(ix).id;
        for (items, span, what) in [
            (
                &decl.exit_checklist,
                &decl.exit_checklist_span,
                "exit checklist",
            ),
            (
                &decl.what_happens,
                &decl.what_happens_span,
                "`what_happens` list",
            ),
        ] {
            if items.len() > MAX_ITEMS
                && let Some(span) = span
            {
                out.push(
                    RULE.diag(
                        span.clone(),
                        format!("the {what} of stage `{id}` has {} items", items.len()),
                        format!("more than {MAX_ITEMS} items"),
                    )
                    .with_help(
                        "keep the items that decide the move, or split the stage into sub-stages",
                    ),
                );
            }
            for item in items {
                let longest = item
                    .value
                    .all()
                    .map(|s| s.chars().count())
                    .max()
                    .unwrap_or(0);
                if longest > MAX_ITEM_CHARS {
                    out.push(
                        RULE.diag(
                            item.span.clone(),
                            format!("an item of the {what} of stage `{id}` has {longest} characters"),
                            format!("longer than {MAX_ITEM_CHARS} characters"),
                        )
                        .with_help("state the step in one short sentence; move the explanation to the stage's description"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lints::test_support::check;
    use expect_test::expect;

    #[test]
    fn nine_items_and_a_paragraph() {
        let long = "Make sure that ".repeat(12);
        let src = format!(
            "[[stage]]\nid = \"demo\"\nexit_checklist = [\"a1 b\", \"a2 b\", \"a3 b\", \"a4 b\", \"a5 b\", \"a6 b\", \"a7 b\", \"a8 b\", \"a9 b\"]\nwhat_happens = [\"{long}\"]\n"
        );
        expect![[r#"
            warning[SM103]: the exit checklist of stage `demo` has 9 items
             --> sales.map.toml:3:18
              |
            3 | exit_checklist = ["a1 b", "a2 b", "a3 b", "a4 b", "a5 b", "a6 b", "a7 b", "a8 b", "a9 b"]
              |                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ more than 8 items
              |
              = help: keep the items that decide the move, or split the stage into sub-stages

            warning[SM103]: an item of the `what_happens` list of stage `demo` has 180 characters
             --> sales.map.toml:4:17
              |
            4 | what_happens = ["Make sure that Make sure that Make sure that Make sure that Make sure that Make sure that Make sure that Make sure that Make sure that Make sure that Make sure that Make sure that "]
              |                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ longer than 160 characters
              |
              = help: state the step in one short sentence; move the explanation to the stage's description

        "#]].assert_eq(&check(&RULE, &src));
    }

    #[test]
    fn eight_short_items_pass() {
        let src = "[[stage]]\nid = \"demo\"\nexit_checklist = [\"a1 b\", \"a2 b\", \"a3 b\", \"a4 b\", \"a5 b\", \"a6 b\", \"a7 b\", \"a8 b\"]\n";
        expect![[r#"
            (no diagnostics)
        "#]]
        .assert_eq(&check(&RULE, src));
    }
}
