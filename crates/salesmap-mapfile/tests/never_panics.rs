//! Loading never panics, whatever the input: arbitrary bytes (as lossy UTF-8), arbitrary
//! TOML-ish token soup, and every prefix of the bundled templates (truncated files).

use proptest::prelude::*;
use salesmap_mapfile::diagnostic::{render_human, to_json};
use salesmap_mapfile::{format::format, load, templates::TEMPLATES};

fn exercise(source: &str) {
    let checked = load(source, "fuzz.toml");
    // Rendering must cope with every span the checker produced.
    let _ = render_human(source, "fuzz.toml", &checked.diagnostics);
    let _ = to_json(source, "fuzz.toml", &checked.diagnostics);
    if let Ok(formatted) = format(source) {
        assert_eq!(
            format(&formatted).as_ref(),
            Ok(&formatted),
            "fmt is idempotent"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        exercise(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn token_soup(tokens in proptest::collection::vec(prop_oneof![
        Just("[[stage]]\n"), Just("[[stage.branch]]\n"), Just("[[stage.substage]]\n"), Just("[map]\n"),
        Just("[goal]\n"), Just("[[kpi]]\n"), Just("[lints]\n"), Just("id = \"a\"\n"), Just("id = \"b\"\n"),
        Just("next = \"a\"\n"), Just("to = \"b\"\n"), Just("outcome = \"won\"\n"), Just("milestone = \"won\"\n"),
        Just("start = \"a\"\n"), Just("exit_checklist = [\"x\", 1]\n"), Just("name = { ko = \"가\" }\n"),
        Just("target = 1e400\n"), Just("probability = -1\n"), Just("decision = \"?\"\n"),
        Just("vague-stage = \"allow\"\n"), Just("= \n"), Just("\"\n"), Just("[\n"), Just("브랜드 = 1\n"),
    ], 0..40)) {
        exercise(&tokens.concat());
    }
}

#[test]
fn every_prefix_of_the_templates() {
    for t in TEMPLATES {
        let mut cut = 0;
        while cut < t.source.len() {
            if t.source.is_char_boundary(cut) {
                exercise(&t.source[..cut]);
            }
            cut += 97;
        }
    }
}
