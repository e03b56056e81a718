//! What a user sees for every kind of shape problem (`SM0xx`): syntax errors, unknown fields,
//! wrong types, duplicate ids, unknown stages, missing fields, invalid values, bad `[lints]`
//! settings and names given to two stages. Each test renders all diagnostics of the small map
//! whose codes are `SM0xx`.
//!
//! Index: `syntax_*` (SM001), `unknown_field*` (SM002), `wrong_type` (SM003), `duplicate_id`
//! (SM004), `unknown_stage` (SM005), `missing_*` (SM006), `invalid_*` (SM007), `lint_config*`
//! (SM008), `duplicate_alias` (SM009), `lint_levels` (configurable severities),
//! `all_problems_at_once`.

use expect_test::{Expect, expect};
use salesmap_mapfile::diagnostic::render_human;
use salesmap_mapfile::load;

fn check(source: &str, expect: Expect) {
    let checked = load(source, "sales.map.toml");
    let shape: Vec<_> = checked
        .diagnostics
        .into_iter()
        .filter(|d| d.code.starts_with("SM0"))
        .collect();
    expect.assert_eq(&render_human(source, "sales.map.toml", &shape));
}

#[test]
fn syntax_unclosed_string() {
    check(
        "[[stage]]\nid = \"demo\nname = \"Demo\"\n",
        expect![[r#"
            error[SM001]: invalid TOML: invalid basic string, expected `"`
             --> sales.map.toml:2:11
              |
            2 | id = "demo
              |           ^
              |
              = help: fix the TOML syntax here; the map format is described in docs/map-format.md

        "#]],
    );
}

#[test]
fn syntax_missing_equals_and_bare_word() {
    check(
        "[map]\nname \"B2B\"\nstart = brand\n",
        expect![[r#"
        error[SM001]: invalid TOML: key with no value, expected `=`
         --> sales.map.toml:2:6
          |
        2 | name "B2B"
          |      ^
          |
          = help: fix the TOML syntax here; the map format is described in docs/map-format.md

    "#]],
    );
}

#[test]
fn syntax_duplicate_key() {
    check(
        "[[stage]]\nid = \"a\"\nid = \"b\"\n",
        expect![[r#"
        error[SM001]: invalid TOML: duplicate key `id`: a key may appear once per table
         --> sales.map.toml:3:1
          |
        3 | id = "b"
          | ^^
          |
          = help: fix the TOML syntax here; the map format is described in docs/map-format.md

    "#]],
    );
}

#[test]
fn syntax_unclosed_array_and_header() {
    check(
        "[[stage]\nid = \"a\"\nowners = [\"Sales\"\n",
        expect![[r#"
        error[SM001]: invalid TOML: unclosed array table, expected `]`
         --> sales.map.toml:1:9
          |
        1 | [[stage]
          |         ^
          |
          = help: fix the TOML syntax here; the map format is described in docs/map-format.md

        error[SM001]: invalid TOML: unclosed array, expected `]`
         --> sales.map.toml:3:18
          |
        3 | owners = ["Sales"
          |                  ^
          |
          = help: fix the TOML syntax here; the map format is described in docs/map-format.md

    "#]],
    );
}

#[test]
fn unknown_field_with_suggestion() {
    check(
        "[[stage]]\nid = \"demo\"\nexit_cheklist = [\"Demo delivered to the committee\"]\n\n[mapp]\nname = \"x\"\n",
        expect![[r#"
            error[SM002]: unknown field `exit_cheklist` in [[stage]]
             --> sales.map.toml:3:1
              |
            3 | exit_cheklist = ["Demo delivered to the committee"]
              | ^^^^^^^^^^^^^ not a field of the map format
              |
              = help: did you mean `exit_checklist`?

            error[SM002]: unknown field `mapp` in the top level
             --> sales.map.toml:5:2
              |
            5 | [mapp]
              |  ^^^^ not a field of the map format
              |
              = help: did you mean `map`?

        "#]],
    );
}

#[test]
fn unknown_field_in_substage() {
    check(
        "[[stage]]\nid = \"impl\"\n\n[[stage.substage]]\nid = \"training\"\nnext = \"beta\"\n",
        expect![[r#"
            error[SM002]: unknown field `next` in [[stage.substage]]
             --> sales.map.toml:6:1
              |
            6 | next = "beta"
              | ^^^^ not a field of the map format
              |
              = help: known fields here: id, name, owners, entry, what_happens, exit_checklist, customer_value, target_days, aliases

        "#]],
    );
}

#[test]
fn wrong_type() {
    check(
        "[[stage]]\nid = \"demo\"\ntarget_days = \"two weeks\"\nowners = 3\nexit_checklist = [\"Demo held with the committee\", 4]\n",
        expect![[r#"
            error[SM003]: `target_days` must be a number, found string
             --> sales.map.toml:3:15
              |
            3 | target_days = "two weeks"
              |               ^^^^^^^^^^^ expected a number
              |
              = help: write `target_days` as a number

            error[SM003]: `owners` must be a string or an array of strings, found integer
             --> sales.map.toml:4:10
              |
            4 | owners = 3
              |          ^ expected a string or an array of strings
              |
              = help: write `owners` as a string or an array of strings

            error[SM003]: `exit_checklist` must be a string, or a table of language = string such as { en = "…", ko = "…" }, found integer
             --> sales.map.toml:5:51
              |
            5 | exit_checklist = ["Demo held with the committee", 4]
              |                                                   ^ expected a string, or a table of language = string such as { en = "…", ko = "…" }
              |
              = help: write `exit_checklist` as a string, or a table of language = string such as { en = "…", ko = "…" }

        "#]],
    );
}

#[test]
fn duplicate_id() {
    check(
        "[[stage]]\nid = \"demo\"\n\n[[stage]]\nid = \"demo\"\n",
        expect![[r#"
            error[SM004]: stage id `demo` is used twice
             --> sales.map.toml:5:6
              |
            5 | id = "demo"
              |      ^^^^^^ first used on line 2
              |
              = help: give each stage its own id

        "#]],
    );
}

#[test]
fn duplicate_alias() {
    check(
        r#"[[stage]]
id = "sales-interaction"
aliases = ["Appointment Scheduled", "Contact Made"]
next = "discovery"

[[stage]]
id = "discovery"
name = "Discovery"
aliases = ["appointment  scheduled", "Sales-Interaction"]
next = "won"

[[stage]]
id = "won"
name = "discovery"
outcome = "won"
"#,
        expect![[r#"
            error[SM009]: `appointment  scheduled` names two stages: this alias, and the alias of `sales-interaction`
             --> sales.map.toml:9:12
              |
            9 | aliases = ["appointment  scheduled", "Sales-Interaction"]
              |            ^^^^^^^^^^^^^^^^^^^^^^^^ already the alias of `sales-interaction` (line 3)
              |
              = help: a CRM stage name must name one stage: keep it on the stage it stands for and remove it here

            error[SM009]: `Sales-Interaction` names two stages: this alias, and the id of `sales-interaction`
             --> sales.map.toml:9:38
              |
            9 | aliases = ["appointment  scheduled", "Sales-Interaction"]
              |                                      ^^^^^^^^^^^^^^^^^^^ already the id of `sales-interaction` (line 2)
              |
              = help: a CRM stage name must name one stage: keep it on the stage it stands for and remove it here

            error[SM009]: `discovery` names two stages: this name, and the id of `discovery`
              --> sales.map.toml:14:8
               |
            14 | name = "discovery"
               |        ^^^^^^^^^^^ already the id of `discovery` (line 7)
               |
               = help: a CRM stage name must name one stage: keep it on the stage it stands for and remove it here

        "#]],
    );
}

#[test]
fn unknown_stage() {
    check(
        "[map]\nstart = \"mql\"\n\n[[stage]]\nid = \"proposal\"\nnext = \"propsal-review\"\n\n[[stage.branch]]\nto = \"lots\"\n\n[[stage]]\nid = \"lost\"\noutcome = \"lost\"\n",
        expect![[r#"
            error[SM005]: `start` refers to unknown stage `mql`
             --> sales.map.toml:2:9
              |
            2 | start = "mql"
              |         ^^^^^ no stage has this id
              |
              = help: use the `id` of a stage defined in this map

            error[SM005]: `next` refers to unknown stage `propsal-review`
             --> sales.map.toml:6:8
              |
            6 | next = "propsal-review"
              |        ^^^^^^^^^^^^^^^^ no stage has this id
              |
              = help: use the `id` of a stage defined in this map

            error[SM005]: `branch.to` refers to unknown stage `lots`
             --> sales.map.toml:9:6
              |
            9 | to = "lots"
              |      ^^^^^^ no stage has this id
              |
              = help: did you mean `lost`?

        "#]],
    );
}

#[test]
fn missing_id_and_branch_target() {
    check(
        "[[stage]]\nname = \"Demo\"\n\n[[stage]]\nid = \"sql\"\n[[stage.branch]]\nwhen = \"No budget\"\n",
        expect![[r#"
            error[SM006]: this stage has no `id`
             --> sales.map.toml:1:1
              |
            1 | [[stage]]
              | ^^^^^^^^^ `id` missing
              |
              = help: add a short, stable id such as `id = "discovery"`; history and transitions refer to stages by id

            error[SM006]: this branch has no `to`
             --> sales.map.toml:6:1
              |
            6 | [[stage.branch]]
              | ^^^^^^^^^^^^^^^^ `to` missing
              |
              = help: say which stage the branch leads to, e.g. `to = "nurture"`

        "#]],
    );
}

#[test]
fn missing_stages() {
    check(
        "[map]\nname = \"Empty\"\n",
        expect![[r#"
        error[SM006]: the map has no `stage`
         --> sales.map.toml:1:1
          |
        1 | [map]
          | ^^^^^ `stage` missing
          |
          = help: declare the process's stages as `[[stage]]` tables; `salesmap init` writes a complete example

    "#]],
    );
}

#[test]
fn invalid_values() {
    check(
        "[goal]\nmetric = \"revenue\"\ntarget = 10\n\n[[kpi]]\nmetric = \"win-rate\"\ntarget = 0.3\nbetter = \"up\"\n\n[[stage]]\nid = \"demo stage\"\n\n[[stage]]\nid = \"sql\"\nphase = \"awarenes\"\nprobability = 1.5\ntarget_days = -3\noutcome = \"lose\"\nmilestone = \"signed\"\n\n[[stage.branch]]\nto = \"sql\"\nanswer = \"maybe\"\n",
        expect![[r#"
            error[SM007]: unknown metric `revenue`
             --> sales.map.toml:2:10
              |
            2 | metric = "revenue"
              |          ^^^^^^^^^ invalid value
              |
              = help: use one of: won-revenue, won-deals, win-rate, conversion, cycle-days, first-response-hours, handoff-hours, churn-rate, retention-rate, sales-velocity, average-deal-size

            error[SM007]: unknown direction `up`
             --> sales.map.toml:8:10
              |
            8 | better = "up"
              |          ^^^^ invalid value
              |
              = help: use "higher" or "lower": which way the KPI should move

            error[SM007]: stage id `demo stage` is not a valid id
              --> sales.map.toml:11:6
               |
            11 | id = "demo stage"
               |      ^^^^^^^^^^^^ invalid value
               |
               = help: use letters, digits, `-` and `_` only (for example `sales-qualified-lead`); put the display name in `name`

            error[SM007]: unknown phase `awarenes`
              --> sales.map.toml:15:9
               |
            15 | phase = "awarenes"
               |         ^^^^^^^^^^ invalid value
               |
               = help: did you mean `awareness`?

            error[SM007]: `probability` = 1.5 is out of range
              --> sales.map.toml:16:15
               |
            16 | probability = 1.5
               |               ^^^ invalid value
               |
               = help: write a probability between 0 and 1, e.g. 0.4 for 40%

            error[SM007]: `target_days` = -3 is out of range
              --> sales.map.toml:17:15
               |
            17 | target_days = -3
               |               ^^ invalid value
               |
               = help: `target_days` cannot be negative

            error[SM007]: unknown outcome `lose`
              --> sales.map.toml:18:11
               |
            18 | outcome = "lose"
               |           ^^^^^^ invalid value
               |
               = help: use one of won, lost, disqualified, churned

            error[SM007]: unknown milestone `signed`
              --> sales.map.toml:19:13
               |
            19 | milestone = "signed"
               |             ^^^^^^^^ invalid value
               |
               = help: the only milestone is "won": the stage where the sale counts as won

            error[SM007]: unknown answer `maybe`
              --> sales.map.toml:23:10
               |
            23 | answer = "maybe"
               |          ^^^^^^^ invalid value
               |
               = help: use "yes" or "no" (the buyer's answer this branch stands for)

        "#]],
    );
}

#[test]
fn lint_config_problems() {
    check(
        "[lints]\nvague-stages = \"warning\"\ntoo-many-stages = \"allow\"\nno-goal = \"loud\"\n\n[[stage]]\nid = \"a\"\n",
        expect![[r#"
            error[SM008]: `vague-stages` is not a lint rule
             --> sales.map.toml:2:1
              |
            2 | vague-stages = "warning"
              | ^^^^^^^^^^^^ in [lints]
              |
              = help: did you mean `vague-stage`?

            error[SM008]: `too-many-stages` is allowed without a reason
             --> sales.map.toml:3:19
              |
            3 | too-many-stages = "allow"
              |                   ^^^^^^^ in [lints]
              |
              = help: say why, so the next reader knows: `too-many-stages = { level = "allow", reason = "…" }`

            error[SM008]: unknown level `loud`
             --> sales.map.toml:4:11
              |
            4 | no-goal = "loud"
              |           ^^^^^^ in [lints]
              |
              = help: use one of allow, info, warning, error

        "#]],
    );
}

#[test]
fn lint_levels_apply() {
    let source = "[lints]\nno-goal = { level = \"allow\", reason = \"Goal kept in the board deck\" }\nno-kpis = \"error\"\n\n[[stage]]\nid = \"a\"\n";
    let checked = load(source, "m.toml");
    let codes: Vec<_> = checked
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.name, d.severity.name()))
        .collect();
    assert!(!codes.iter().any(|c| c.starts_with("no-goal")), "{codes:?}");
    assert!(codes.contains(&"no-kpis error".to_string()), "{codes:?}");
    assert!(
        checked.map.is_none(),
        "an error-level lint withholds the map"
    );
}

#[test]
fn all_problems_at_once() {
    let source = "[map]\nstart = \"mqll\"\n\n[[stage]]\nid = \"mql\"\nnxt = \"sql\"\ntarget_days = \"3\"\n\n[[stage]]\nid = \"mql\"\n";
    let checked = load(source, "m.toml");
    let names: Vec<_> = checked.diagnostics.iter().map(|d| d.name).collect();
    expect![[r#"
        [
            "no-goal",
            "no-kpis",
            "no-path-to-won",
            "unknown-stage",
            "not-customer-first",
            "missing-stage-definition",
            "stage-without-owner",
            "dead-end-stage",
            "unknown-field",
            "wrong-type",
            "duplicate-id",
        ]
    "#]]
    .assert_debug_eq(&names);
}
