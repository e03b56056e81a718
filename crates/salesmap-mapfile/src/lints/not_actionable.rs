//! `not-actionable` (SM105): an exit checklist item that is a hope, a question or an intention
//! rather than a verifiable action or outcome.

use super::context::Context;
use super::phrases::find_phrase;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;

/// Openings and phrases that make an item an intention rather than a checkable result.
const HEDGES: [&str; 24] = [
    "try to",
    "try",
    "attempt",
    "consider",
    "think about",
    "hopefully",
    "maybe",
    "perhaps",
    "possibly",
    "if possible",
    "ideally",
    "aim to",
    "should",
    "could",
    "might",
    "keep in mind",
    "be aware",
    "노력",
    "고려",
    "가능하면",
    "되도록",
    "아마",
    "생각해",
    "희망",
];

pub const RULE: Rule = Rule {
    code: "SM105",
    name: "not-actionable",
    severity: Severity::Warning,
    summary: "An exit checklist item that cannot be checked off: a question, a hope or an intention.",
    what: "Flags `exit_checklist` items that end in a question mark or contain hedges such as `try to`, `consider`, `hopefully`, `should`, `if possible`, `노력`, `고려`, `가능하면`.",
    why: "Like any goal, a process needs steps that can actually be completed. An exit checklist is the gate a deal passes; \"try to meet the CFO\" can never be ticked, \"Meeting held with the CFO\" can.",
    example: "```toml\nexit_checklist = [\"Try to get a budget number?\"]\n```\n\nWrite the result that must exist: `exit_checklist = [\"Budget range confirmed in writing\"]`.",
    configurable: true,
};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for ix in cx.map.stage_ixs() {
        let decl = cx.decl(ix);
        for item in &decl.exit_checklist {
            for s in item.value.all() {
                let trimmed = s.trim();
                let question = trimmed.ends_with('?') || trimmed.ends_with('？');
                let hedge = find_phrase(s, &HEDGES).map(|(a, b)| &s[a..b]);
                if question || hedge.is_some() {
                    let why = match hedge {
                        Some(h) => format!("`{h}` states an intention, not a result"),
                        None => "a question is not a checklist item".to_string(),
                    };
                    out.push(
                        RULE.diag(
                            item.span.clone(),
                            format!("exit checklist item of {} cannot be checked off", cx.stage_label(ix)),
                            why,
                        )
                        .with_help("write the result that must exist before the deal moves on, e.g. \"Budget range confirmed in writing\""),
                    );
                    break;
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
    fn hopes_and_questions() {
        let src = r#"
[[stage]]
id = "proposal"
exit_checklist = [
  "Try to get the CFO on a call",
  "Budget approved?",
  "가능하면 법무 검토 완료",
  "Signed order form received",
]
"#;
        expect![[r#"
            warning[SM105]: exit checklist item of stage `proposal` cannot be checked off
             --> sales.map.toml:5:3
              |
            5 |   "Try to get the CFO on a call",
              |   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ `Try to` states an intention, not a result
              |
              = help: write the result that must exist before the deal moves on, e.g. "Budget range confirmed in writing"

            warning[SM105]: exit checklist item of stage `proposal` cannot be checked off
             --> sales.map.toml:6:3
              |
            6 |   "Budget approved?",
              |   ^^^^^^^^^^^^^^^^^^ a question is not a checklist item
              |
              = help: write the result that must exist before the deal moves on, e.g. "Budget range confirmed in writing"

            warning[SM105]: exit checklist item of stage `proposal` cannot be checked off
             --> sales.map.toml:7:3
              |
            7 |   "가능하면 법무 검토 완료",
              |   ^^^^^^^^^^^^^^^^^^^^^^^^^ `가능하면` states an intention, not a result
              |
              = help: write the result that must exist before the deal moves on, e.g. "Budget range confirmed in writing"

        "#]].assert_eq(&check(&RULE, src));
    }
}
