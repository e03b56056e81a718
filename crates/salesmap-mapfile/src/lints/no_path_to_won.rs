//! `no-path-to-won` (SM112): the map has no won stage, or a working stage from which no
//! sequence of transitions reaches one.

use salesmap_core::map::StageIx;

use super::context::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;

pub const RULE: Rule = Rule {
    code: "SM112",
    name: "no-path-to-won",
    severity: Severity::Error,
    summary: "No stage marks the sale as won, or a stage from which winning is impossible.",
    what: "Checks that the map has a won milestone (`milestone = \"won\"`) or a `won` outcome, and that from every top-level working stage before the win some path of transitions reaches it. Stages after the win (implementation, go-live, clients) are exempt.",
    why: "A sales process exists to win deals. A map without a win cannot measure cycle length or win rate; a stage with no road to the win is a trap the process itself sets.",
    example: "```toml\n[[stage]]\nid = \"nurture\"\nnext = \"nurture-email\"\n\n[[stage]]\nid = \"nurture-email\"\nnext = \"nurture\"\n```\n\nLet nurture re-enter the funnel: `next = \"mql\"`.",
    configurable: true,
};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let map = cx.map;
    let n = map.stages.len();
    let won: Vec<StageIx> = map.stage_ixs().filter(|&ix| map.marks_won(ix)).collect();
    if won.is_empty() {
        out.push(
            RULE.diag(cx.map_span(), "no stage marks the sale as won", "no win in this map")
                .with_help("mark the stage where the sale counts as won with `milestone = \"won\"` (e.g. contract signed), or add a stage with `outcome = \"won\"`"),
        );
        return;
    }
    // Stages that can reach a win (walking transitions backwards from the won stages).
    let mut can_win = vec![false; n];
    let mut stack = won.clone();
    while let Some(ix) = stack.pop() {
        if std::mem::replace(&mut can_win[ix.index()], true) {
            continue;
        }
        stack.extend(
            map.transitions
                .iter()
                .filter(|t| t.to == ix)
                .map(|t| t.from),
        );
    }
    // Stages after a win (walking forwards from the won stages) are post-sale.
    let mut after_win = vec![false; n];
    let mut stack: Vec<StageIx> = won
        .iter()
        .flat_map(|&w| map.outgoing(w).map(|t| t.to))
        .collect();
    while let Some(ix) = stack.pop() {
        if std::mem::replace(&mut after_win[ix.index()], true) {
            continue;
        }
        stack.extend(map.outgoing(ix).map(|t| t.to));
    }
    for ix in cx.working_stages() {
        let i = ix.index();
        if map.stage(ix).parent.is_none() && !can_win[i] && !after_win[i] {
            out.push(
                RULE.diag(
                    cx.stage_span(ix),
                    format!("no path leads from {} to a win", cx.stage_label(ix)),
                    "deals here can never be won",
                )
                .with_help("add a transition back into the funnel (e.g. nurture → `next = \"mql\"`) or onward to the won stage"),
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
    fn map_without_win() {
        expect![[r#"
            error[SM112]: no stage marks the sale as won
             --> sales.map.toml:1:1
              |
            1 | [map]
              | ^^^^^ no win in this map
              |
              = help: mark the stage where the sale counts as won with `milestone = "won"` (e.g. contract signed), or add a stage with `outcome = "won"`

        "#]].assert_eq(&check(&RULE, "[map]\nname = \"x\"\n\n[[stage]]\nid = \"a\"\nnext = \"b\"\n\n[[stage]]\nid = \"b\"\noutcome = \"lost\"\n"));
    }

    #[test]
    fn nurture_loop_that_never_returns() {
        let src = r#"
[[stage]]
id = "sql"
next = "contract"
[[stage.branch]]
to = "nurture"
when = "Not now"

[[stage]]
id = "contract"
milestone = "won"
next = "client"

[[stage]]
id = "client"
next = "churned"

[[stage]]
id = "churned"
outcome = "churned"

[[stage]]
id = "nurture"
next = "nurture-email"

[[stage]]
id = "nurture-email"
next = "nurture"
"#;
        expect![[r#"
            error[SM112]: no path leads from stage `nurture` to a win
              --> sales.map.toml:23:6
               |
            23 | id = "nurture"
               |      ^^^^^^^^^ deals here can never be won
               |
               = help: add a transition back into the funnel (e.g. nurture → `next = "mql"`) or onward to the won stage

            error[SM112]: no path leads from stage `nurture-email` to a win
              --> sales.map.toml:27:6
               |
            27 | id = "nurture-email"
               |      ^^^^^^^^^^^^^^^ deals here can never be won
               |
               = help: add a transition back into the funnel (e.g. nurture → `next = "mql"`) or onward to the won stage

        "#]].assert_eq(&check(&RULE, src));
    }
}
