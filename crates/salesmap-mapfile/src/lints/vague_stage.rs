//! `vague-stage` (SM101): an entry definition or exit checklist item that is empty, too short to
//! mean anything, or made of filler ("etc.", "as needed", "TBD", "기타", "필요시").

use unicode_width::UnicodeWidthStr;

use super::context::Context;
use super::phrases::{find_filler, inner_span};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;
use crate::syntax::S;
use salesmap_core::text::Text;

pub const RULE: Rule = Rule {
    code: "SM101",
    name: "vague-stage",
    severity: Severity::Warning,
    summary: "An entry definition or exit checklist item that does not say anything checkable.",
    what: "Flags a stage's `entry` and each `exit_checklist` item when it is empty, shorter than two words (or narrower than 6 columns), or contains filler such as `etc.`, `as needed`, `TBD`, `various`, `기타`, `필요시`, `미정`.",
    why: "The most common mapping mistake is a stage too vague to act on: anyone should be able to look at the map and know exactly what admits a deal to a stage and what must be done before it leaves. Filler hides the part nobody has agreed on yet.",
    example: "```toml\n[[stage]]\nid = \"sql\"\nentry = \"Qualified\"\nexit_checklist = [\"Discovery call booked, etc.\"]\n```\n\nSay what qualifies and what is booked: `entry = \"Budget, authority, need and timeline confirmed on a call\"`, `exit_checklist = [\"Discovery meeting booked with the economic buyer\"]`.",
    configurable: true,
};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for ix in cx.map.stage_ixs() {
        let decl = cx.decl(ix);
        let stage = cx.map.stage(ix);
        if let Some(entry) = &decl.entry {
            check_text(entry, "entry definition", &stage.id, out);
        }
        for item in &decl.exit_checklist {
            check_text(item, "exit checklist item", &stage.id, out);
        }
    }
}

fn check_text(text: &S<Text>, what: &str, stage: &str, out: &mut Vec<Diagnostic>) {
    for s in text.value.all() {
        let trimmed = s.trim();
        if trimmed.is_empty() {
            out.push(
                RULE.diag(
                    text.span.clone(),
                    format!("empty {what} in stage `{stage}`"),
                    "says nothing",
                )
                .with_help("write what must be true, in words a new rep could verify"),
            );
            return;
        }
        if let Some(range) = find_filler(s) {
            let filler = &s[range.0..range.1];
            out.push(
                RULE.diag(
                    inner_span(&text.span, s, range),
                    format!("{what} in stage `{stage}` leaves part of it open with `{filler}`"),
                    "filler, not a definition",
                )
                .with_help("replace the filler with the specific items or conditions"),
            );
            return;
        }
        if trimmed.split_whitespace().count() < 2 || trimmed.width() < 6 {
            out.push(
                RULE.diag(
                    text.span.clone(),
                    format!("{what} in stage `{stage}` is too short to be checkable"),
                    "too vague",
                )
                .with_help("say who does what, or what is true, e.g. \"Budget confirmed by the economic buyer\""),
            );
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lints::test_support::check;
    use expect_test::expect;

    #[test]
    fn filler_is_underlined() {
        let src = r#"
[[stage]]
id = "sql"
entry = "Budget confirmed, timeline etc."
exit_checklist = ["Discovery meeting booked with the buyer", "필요시 보안 검토"]
"#;
        expect![[r#"
            warning[SM101]: entry definition in stage `sql` leaves part of it open with `etc`
             --> sales.map.toml:4:37
              |
            4 | entry = "Budget confirmed, timeline etc."
              |                                     ^^^ filler, not a definition
              |
              = help: replace the filler with the specific items or conditions

            warning[SM101]: exit checklist item in stage `sql` leaves part of it open with `필요시`
             --> sales.map.toml:5:63
              |
            5 | exit_checklist = ["Discovery meeting booked with the buyer", "필요시 보안 검토"]
              |                                                               ^^^^^^ filler, not a definition
              |
              = help: replace the filler with the specific items or conditions

        "#]].assert_eq(&check(&RULE, src));
    }

    #[test]
    fn short_and_empty_items() {
        let src = r#"
[[stage]]
id = "sql"
entry = "Qualified"
exit_checklist = ["", "Demo date agreed in writing"]
"#;
        expect![[r#"
            warning[SM101]: entry definition in stage `sql` is too short to be checkable
             --> sales.map.toml:4:9
              |
            4 | entry = "Qualified"
              |         ^^^^^^^^^^^ too vague
              |
              = help: say who does what, or what is true, e.g. "Budget confirmed by the economic buyer"

            warning[SM101]: empty exit checklist item in stage `sql`
             --> sales.map.toml:5:19
              |
            5 | exit_checklist = ["", "Demo date agreed in writing"]
              |                   ^^ says nothing
              |
              = help: write what must be true, in words a new rep could verify

        "#]].assert_eq(&check(&RULE, src));
    }

    #[test]
    fn specific_definitions_pass() {
        let src = r#"
[[stage]]
id = "sql"
entry = "Budget, authority, need and timeline confirmed on a call"
exit_checklist = ["예산 확인", "Discovery meeting booked with the economic buyer"]
"#;
        expect![[r#"
            (no diagnostics)
        "#]]
        .assert_eq(&check(&RULE, src));
    }
}
