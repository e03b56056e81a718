//! The map commands as a user runs them: `init`, `check` (human and JSON output, exit codes,
//! `--deny warnings`) and `fmt`. Each test works in its own temporary directory.

mod support;

use expect_test::expect;
use support::{salesmap, temp_dir};

#[test]
fn init_then_check_is_clean_in_both_languages() {
    let dir = temp_dir("init");
    for lang in ["en", "ko"] {
        let file = format!("sales.{lang}.map.toml");
        let (code, _, err) = salesmap(
            &dir,
            &["init", "--template", "b2b", "--lang", lang, "-o", &file],
        );
        assert_eq!(code, 0, "{err}");
        let (code, out, err) = salesmap(&dir, &["check", "--deny", "warnings", &file]);
        assert_eq!((code, out.as_str()), (0, ""), "{err}");
        assert_eq!(err, format!("{file}: no problems\n"));
    }
    let (code, _, err) = salesmap(&dir, &["init", "-o", "sales.en.map.toml"]);
    assert_eq!(code, 2);
    expect![[r#"
        error: sales.en.map.toml already exists
          = help: choose another path with -o, or pass --force to replace it
    "#]]
    .assert_eq(&err);
}

#[test]
fn check_reports_everything_and_sets_the_exit_code() {
    let dir = temp_dir("check");
    std::fs::write(
        dir.join("bad.map.toml"),
        "[map]\nstart = \"sql\"\n\n[[stage]]\nid = \"sql\"\nname = \"SQL\"\nentry = \"Qualified\"\nnxt = \"won\"\n",
    )
    .unwrap();
    let (code, out, err) = salesmap(&dir, &["check", "bad.map.toml"]);
    assert_eq!(code, 1);
    expect![[r#"
        warning[SM108]: the map has no goal
         --> bad.map.toml:1:1
          |
        1 | [map]
          | ^^^^^ no `[goal]`
          |
          = help: add a `[goal]` with `metric`, `target` and `deadline`, e.g. won-revenue 1200000 by 2027-12-31

        warning[SM109]: the map defines no KPIs
         --> bad.map.toml:1:1
          |
        1 | [map]
          | ^^^^^ no `[[kpi]]`
          |
          = help: add `[[kpi]]` tables with a `metric` and a `target`, e.g. win-rate 0.25 and cycle-days 60

        error[SM112]: no stage marks the sale as won
         --> bad.map.toml:1:1
          |
        1 | [map]
          | ^^^^^ no win in this map
          |
          = help: mark the stage where the sale counts as won with `milestone = "won"` (e.g. contract signed), or add a stage with `outcome = "won"`

        warning[SM104]: stage `sql` does not say what the buyer gets from it
         --> bad.map.toml:5:6
          |
        5 | id = "sql"
          |      ^^^^^ no `customer_value`
          |
          = help: add `customer_value = "…"`: what the buyer learns, saves or decides here

        warning[SM106]: stage `sql` lacks `what_happens`, `exit_checklist`
         --> bad.map.toml:5:6
          |
        5 | id = "sql"
          |      ^^^^^ incomplete stage definition
          |
          = help: every stage says its name, what admits a deal, what happens, and what must be done to leave

        warning[SM107]: stage `sql` has no owner
         --> bad.map.toml:5:6
          |
        5 | id = "sql"
          |      ^^^^^ no `owners`
          |
          = help: add `owners = ["Sales"]` (the team or role accountable for the stage)

        error[SM111]: stage `sql` has no way out
         --> bad.map.toml:5:6
          |
        5 | id = "sql"
          |      ^^^^^ dead end
          |
          = help: add `next = "…"` or a `[[stage.branch]]`, or make it an outcome with `outcome = "lost"`

        warning[SM101]: entry definition in stage `sql` is too short to be checkable
         --> bad.map.toml:7:9
          |
        7 | entry = "Qualified"
          |         ^^^^^^^^^^^ too vague
          |
          = help: say who does what, or what is true, e.g. "Budget confirmed by the economic buyer"

        error[SM002]: unknown field `nxt` in [[stage]]
         --> bad.map.toml:8:1
          |
        8 | nxt = "won"
          | ^^^ not a field of the map format
          |
          = help: did you mean `next`?

    "#]].assert_eq(&out);
    expect![[r#"
        bad.map.toml: 3 errors, 6 warnings
    "#]]
    .assert_eq(&err);
}

#[test]
fn check_json_gives_the_same_as_data() {
    let dir = temp_dir("json");
    std::fs::write(dir.join("m.toml"), "[[stage]]\nid = \"a\"\nowners = 3\n").unwrap();
    let (code, out, _) = salesmap(&dir, &["check", "--format", "json", "m.toml"]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let first = &json[0];
    expect![[r#"
        {
          "code": "SM108",
          "end": {
            "column": 10,
            "line": 1
          },
          "file": "m.toml",
          "help": "add a `[goal]` with `metric`, `target` and `deadline`, e.g. won-revenue 1200000 by 2027-12-31",
          "label": "no `[goal]`",
          "message": "the map has no goal",
          "name": "no-goal",
          "severity": "warning",
          "start": {
            "column": 1,
            "line": 1
          }
        }"#]].assert_eq(&serde_json::to_string_pretty(first).unwrap());
}

#[test]
fn warnings_pass_unless_denied() {
    let dir = temp_dir("deny");
    let src = "[map]\nstart = \"a\"\n\n[[stage]]\nid = \"a\"\nnext = \"won\"\n\n[[stage]]\nid = \"won\"\noutcome = \"won\"\n";
    std::fs::write(dir.join("m.toml"), src).unwrap();
    assert_eq!(salesmap(&dir, &["check", "m.toml"]).0, 0);
    assert_eq!(
        salesmap(&dir, &["check", "--deny", "warnings", "m.toml"]).0,
        1
    );
}

#[test]
fn unreadable_files_exit_2() {
    let dir = temp_dir("io");
    let (code, _, err) = salesmap(&dir, &["check", "missing.toml"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("error: cannot read missing.toml:"), "{err}");
    std::fs::write(dir.join("latin1.toml"), b"name = \"caf\xe9\"\n").unwrap();
    let (code, _, err) = salesmap(&dir, &["check", "latin1.toml"]);
    assert_eq!(code, 2);
    expect![[r#"
        error: latin1.toml is not UTF-8 text (invalid byte at offset 11)
          = help: save the map as UTF-8
    "#]]
    .assert_eq(&err);
}

#[test]
fn fmt_rewrites_and_check_mode_reports() {
    let dir = temp_dir("fmt");
    std::fs::write(
        dir.join("m.toml"),
        "[[stage]]\nname=\"A\"   # shown on the board\nid=\"a\"\n",
    )
    .unwrap();
    let (code, _, err) = salesmap(&dir, &["fmt", "--check", "m.toml"]);
    assert_eq!(code, 1, "{err}");
    let (code, _, _) = salesmap(&dir, &["fmt", "m.toml"]);
    assert_eq!(code, 0);
    expect![[r#"
        [[stage]]
        id = "a"
        name = "A" # shown on the board
    "#]]
    .assert_eq(&std::fs::read_to_string(dir.join("m.toml")).unwrap());
    assert_eq!(salesmap(&dir, &["fmt", "--check", "m.toml"]).0, 0);
}
