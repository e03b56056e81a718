//! `salesmap render` as a user runs it on the bundled templates: every format from the file
//! name or `--format`, the options reaching the drawing, and clear errors for what cannot work.

mod support;

use std::path::PathBuf;

use expect_test::expect;
use support::{salesmap, temp_dir};

fn with_templates(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    for (lang, file) in [("en", "sales.map.toml"), ("ko", "ko.map.toml")] {
        let (code, _, err) = salesmap(&dir, &["init", "--lang", lang, "-o", file]);
        assert_eq!(code, 0, "{err}");
    }
    dir
}

#[test]
fn every_format_from_the_file_name() {
    let dir = with_templates("formats");
    for (file, magic) in [
        ("map.svg", &b"<svg xmlns"[..]),
        ("map.png", &b"\x89PNG\r\n"[..]),
        ("map.mmd", &b"---\ntitle:"[..]),
        ("map.dot", &b"digraph map {"[..]),
    ] {
        let (code, out, err) = salesmap(&dir, &["render", "ko.map.toml", "-o", file]);
        assert_eq!(code, 0, "{file}: {err}");
        assert_eq!(out, "");
        assert!(
            err.starts_with(&format!("wrote {file} (18 stages, ")),
            "{err}"
        );
        let bytes = std::fs::read(dir.join(file)).unwrap();
        assert!(bytes.starts_with(magic), "{file}");
    }
    let svg = std::fs::read_to_string(dir.join("map.svg")).unwrap();
    assert!(svg.contains(">브랜드 인지도</text>"), "Korean labels drawn");
}

#[test]
fn text_formats_go_to_standard_output_and_options_reach_the_drawing() {
    let dir = with_templates("stdout");
    let (code, out, err) = salesmap(
        &dir,
        &[
            "render",
            "sales.map.toml",
            "--format",
            "mermaid",
            "--lanes",
            "owner",
            "--depth",
            "0",
            "--detail",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "");
    assert!(out.contains("subgraph lane0[\"Marketing\"]"), "{out}");
    assert!(out.contains("+ 3 sub-stages"), "{out}");
    assert!(out.contains("checklist 3 · target 7 d"), "{out}");
    let (code, svg, _) = salesmap(&dir, &["render", "sales.map.toml", "--no-legend"]);
    assert_eq!(code, 0);
    assert!(svg.starts_with("<svg") && !svg.contains(">Legend</text>"));
}

#[test]
fn clear_errors_for_what_cannot_work() {
    let dir = with_templates("errors");
    let run = |args: &[&str]| {
        let (code, out, err) = salesmap(&dir, args);
        format!("exit {code}\n{out}{err}")
    };
    expect![[r#"
        exit 2
        error: cannot tell the format from the file name `map.pdf`
          = help: name it .svg, .png, .mmd or .dot, or pass --format svg|png|mermaid|dot
    "#]]
    .assert_eq(&run(&["render", "sales.map.toml", "-o", "map.pdf"]));
    expect![[r#"
        exit 2
        error: a PNG needs an output file
          = help: add `-o map.png` (or `-o -` to write the bytes to standard output)
    "#]]
    .assert_eq(&run(&["render", "sales.map.toml", "--format", "png"]));
    expect![[r#"
        exit 2
        error: --scale 0 is out of range
          = help: use a factor above 0 and at most 16 (2 is the default)
    "#]]
    .assert_eq(&run(&[
        "render",
        "sales.map.toml",
        "-o",
        "m.png",
        "--scale",
        "0",
    ]));
    expect![[r#"
        exit 2
        error: cannot read missing.map.toml: No such file or directory (os error 2)
    "#]]
    .assert_eq(&run(&["render", "missing.map.toml", "-o", "m.svg"]));
    std::fs::write(dir.join("bad.map.toml"), "[map]\nname = \"x\"\n").unwrap();
    let out = run(&["render", "bad.map.toml", "-o", "m.svg"]);
    assert!(out.starts_with("exit 1\n"), "{out}");
    assert!(out.contains("error: bad.map.toml has"), "{out}");
    assert!(
        !dir.join("m.svg").exists(),
        "nothing written for a broken map"
    );
}
