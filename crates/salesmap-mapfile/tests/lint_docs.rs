//! Keeps the docs true: docs/lints.md is generated from the rules' own documentation, and
//! docs/map-format.md ends with the bundled template. To regenerate lints.md after changing a
//! rule: `UPDATE_EXPECT=1 cargo test -p salesmap-mapfile --test lint_docs`.

use salesmap_mapfile::lints::LINTS;
use salesmap_mapfile::structure::RULES;

fn generated() -> String {
    let mut out = String::from(
        "# Lint rules\n\n<!-- Generated from the rules' docs in crates/salesmap-mapfile/src; \
         `UPDATE_EXPECT=1 cargo test -p salesmap-mapfile --test lint_docs` rewrites it. -->\n\n\
         `salesmap check` reports two kinds of diagnostics. `SM0xx` are problems with the shape of \
         the file (it is not a valid map) and are always errors. `SM1xx` are lint rules: the \
         classic mistakes of sales process mapping, and graph checks. A lint rule's level can be \
         changed per map in `[lints]`: `rule-name = \"error\"`, or \
         `rule-name = { level = \"allow\", reason = \"…\" }` (allowing needs a reason).\n\n\
         Exit codes: 0 no errors (warnings allowed unless `--deny warnings`), 1 errors, 2 the file \
         could not be read or the command line is wrong.\n\n| code | name | level | what |\n|---|---|---|---|\n",
    );
    let all: Vec<_> = RULES
        .iter()
        .copied()
        .chain(LINTS.iter().map(|(r, _)| *r))
        .collect();
    for r in &all {
        out.push_str(&format!(
            "| {} | [`{}`](#{}-{}) | {} | {} |\n",
            r.code,
            r.name,
            r.code.to_lowercase(),
            r.name,
            r.severity.name(),
            r.summary
        ));
    }
    for r in &all {
        out.push('\n');
        out.push_str(&r.markdown());
    }
    out
}

#[test]
fn docs_lints_md_is_generated_from_the_rules() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/lints.md");
    let expected = generated();
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, &expected).expect("write docs/lints.md");
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/lints.md is out of date; run `UPDATE_EXPECT=1 cargo test -p salesmap-mapfile --test lint_docs`"
    );
}

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let all: Vec<_> = RULES
        .iter()
        .copied()
        .chain(LINTS.iter().map(|(r, _)| *r))
        .collect();
    for (i, a) in all.iter().enumerate() {
        assert!(a.code.len() == 5 && a.code.starts_with("SM"), "{}", a.code);
        assert!(
            a.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}",
            a.name
        );
        assert!(
            !a.what.is_empty() && !a.why.is_empty() && !a.example.is_empty(),
            "{}",
            a.name
        );
        for b in &all[i + 1..] {
            assert_ne!(a.code, b.code);
            assert_ne!(a.name, b.name);
        }
    }
}

#[test]
fn docs_map_format_shows_the_full_template() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/map-format.md");
    let doc = std::fs::read_to_string(&path).expect("docs/map-format.md exists");
    let template = salesmap_mapfile::templates::b2b("en");
    assert!(
        doc.ends_with(&format!("```toml\n{template}```\n")),
        "docs/map-format.md must end with the English template verbatim, in a ```toml block"
    );
}
