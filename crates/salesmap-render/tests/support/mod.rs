//! Maps for the renderer's tests: the bundled templates, small hand-written maps, and a
//! generator of large maps (up to 60 stages) with branches, loops, skips and sub-stages, all
//! written as map files and loaded through the map language so they are real, checked maps.

use std::fmt::Write;

use salesmap_core::map::Map;
use salesmap_core::text::Text;

/// Loads a map file's text, failing the test with the diagnostics if it has errors.
pub fn load(source: &str) -> Map {
    let checked = salesmap_mapfile::load(source, "test.map.toml");
    match checked.map {
        Some(map) => map,
        None => {
            let problems: Vec<String> = checked
                .diagnostics
                .iter()
                .map(|d| format!("{:?} {} {}", d.severity, d.code, d.message))
                .collect();
            panic!("test map has errors: {problems:#?}")
        }
    }
}

/// The bundled B2B template in `lang`.
pub fn template(lang: &str) -> Map {
    load(salesmap_mapfile::templates::b2b(lang))
}

/// A small map whose labels are given in English and Korean.
pub fn bilingual() -> Map {
    let mut map = load(
        r#"
[map]
name = { en = "Inbound", ko = "인바운드" }
language = "en"
start = "lead"
phases = ["awareness", "decision"]

[[stage]]
id = "lead"
name = { en = "Lead", ko = "리드" }
phase = "awareness"
owners = ["Marketing"]
entry = "A form was submitted"
what_happens = ["Call back within a day"]
exit_checklist = ["Need confirmed", "Budget owner named"]
customer_value = "Gets an answer fast"
target_days = 2
decision = { en = "Is there a need?", ko = "필요가 있는가?" }
next = "deal"

[[stage.branch]]
to = "lost"
when = { en = "No need", ko = "필요 없음" }
answer = "no"

[[stage.substage]]
id = "callback"
name = { en = "Call back", ko = "회신 전화" }

[[stage]]
id = "deal"
name = { en = "Deal", ko = "거래" }
phase = "decision"
owners = ["Sales"]
entry = "Need confirmed"
what_happens = ["Send the proposal"]
exit_checklist = ["Contract signed"]
customer_value = "Gets a clear offer"
target_days = 10
milestone = "won"
next = "won"

[[stage]]
id = "won"
name = { en = "Won", ko = "수주" }
outcome = "won"
entry = "Contract countersigned"

[[stage]]
id = "lost"
name = { en = "Lost", ko = "실주" }
outcome = "lost"
entry = "The buyer said no"
"#,
    );
    // The map language keeps sub-stages one level deep; the model allows more, so add a
    // grandchild by hand to cover deeper nesting.
    let callback = map.find("callback").expect("callback sub-stage");
    let mut voicemail = map.stage(callback).clone();
    voicemail.id = "voicemail".into();
    voicemail.name = Text(
        [("en", "Voicemail"), ("ko", "음성 메시지")]
            .into_iter()
            .map(|(l, t)| (l.to_string(), t.to_string()))
            .collect(),
    );
    voicemail.parent = Some(callback);
    map.stages.push(voicemail);
    map
}

/// A map whose names try to break every output format.
pub fn hostile() -> Map {
    load(
        r#"
[map]
name = "<script>alert('x')</script> & \"quotes\""
language = "en"
start = "a"

[[stage]]
id = "a"
name = "<script>alert(1)</script>"
owners = ["R&D <team>"]
entry = "x"
what_happens = ["y"]
exit_checklist = ["z"]
customer_value = "v"
decision = "Is \"this\" | that # end?"
next = "b"

[[stage.branch]]
to = "lost"
when = "a -> b; }] \\ `tick`"
answer = "no"

[[stage]]
id = "b"
name = "end"
owners = ["Sales"]
entry = "x"
what_happens = ["y"]
exit_checklist = ["z"]
customer_value = "v"
milestone = "won"
next = "won"

[[stage]]
id = "won"
name = "won"
outcome = "won"

[[stage]]
id = "lost"
name = "subgraph { graph } ]]>"
outcome = "lost"
"#,
    )
}

/// A deterministic pseudo-random map with `stages` working stages on the main path, plus loop
/// stages, outcomes and sub-stages. `seed` varies the shape.
pub fn generated(stages: usize, seed: u64) -> Map {
    load(&generated_source(stages, seed))
}

pub fn generated_source(stages: usize, seed: u64) -> String {
    let mut rng = Lcg(seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407));
    let phases = [
        "awareness",
        "consideration",
        "decision",
        "onboarding",
        "advocacy",
    ];
    let owners = [
        "Marketing",
        "Sales",
        "Sales engineering",
        "Implementation",
        "Customer success",
    ];
    let loops = (stages / 8).max(1);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "[map]\nname = \"Generated {stages}/{seed}\"\nlanguage = \"en\"\nstart = \"s0\"\nphases = [{}]\n",
        phases.map(|p| format!("\"{p}\"")).join(", ")
    );
    let won_at = stages * 2 / 3;
    for i in 0..stages {
        let phase = phases[i * phases.len() / stages];
        let owner =
            owners[(i * owners.len() / stages + rng.below(2) as usize).min(owners.len() - 1)];
        let words = [
            "Qualify",
            "Discovery call",
            "Technical evaluation",
            "Pricing review",
            "Security questionnaire",
            "Pilot",
            "Procurement",
        ];
        let name = format!("{} {i}", words[rng.below(words.len() as u64) as usize]);
        let _ = writeln!(
            s,
            "[[stage]]\nid = \"s{i}\"\nname = \"{name}\"\nphase = \"{phase}\"\nowners = [\"{owner}\"]\nentry = \"Entered {i}\"\nwhat_happens = [\"Work {i}\"]\nexit_checklist = [\"Done {i}\"]\ncustomer_value = \"Value {i}\"\ntarget_days = {}",
            1 + rng.below(30)
        );
        if i == won_at {
            s.push_str("milestone = \"won\"\n");
        }
        if i + 1 < stages {
            let _ = writeln!(s, "next = \"s{}\"", i + 1);
        } else {
            s.push_str("next = \"won\"\n");
        }
        let r = rng.below(10);
        if i + 1 < stages && r < 3 {
            let _ = writeln!(s, "decision = \"Go on from {i}?\"");
            let outcome = if i < won_at { "lost" } else { "churned" };
            let _ = writeln!(
                s,
                "\n[[stage.branch]]\nto = \"{outcome}\"\nwhen = \"No at {i}\"\nanswer = \"no\""
            );
        } else if r == 3 && i < won_at {
            let _ = writeln!(
                s,
                "\n[[stage.branch]]\nto = \"disqualified\"\nwhen = \"Unfit\""
            );
        } else if r == 4 && i > 2 {
            let l = rng.below(loops as u64);
            let _ = writeln!(s, "\n[[stage.branch]]\nto = \"loop{l}\"\nwhen = \"Later\"");
        } else if r == 5 && i + 3 < stages {
            let _ = writeln!(
                s,
                "\n[[stage.branch]]\nto = \"s{}\"\nwhen = \"Fast track\"",
                i + 2 + rng.below(2) as usize
            );
        }
        if rng.below(6) == 0 {
            for k in 0..1 + rng.below(3) {
                let _ = writeln!(
                    s,
                    "\n[[stage.substage]]\nid = \"s{i}-{k}\"\nname = \"Step {k} of {i}\""
                );
            }
        }
        s.push('\n');
    }
    for l in 0..loops {
        let back = 1 + rng.below((stages / 2).max(1) as u64);
        let _ = writeln!(
            s,
            "[[stage]]\nid = \"loop{l}\"\nname = \"Nurture {l}\"\nphase = \"awareness\"\nowners = [\"Marketing\"]\nentry = \"Not now\"\nwhat_happens = [\"Stay in touch\"]\nexit_checklist = [\"Re-engaged\"]\ncustomer_value = \"No pressure\"\nnext = \"s{back}\"\n"
        );
    }
    for outcome in ["won", "lost", "disqualified", "churned"] {
        let _ = writeln!(
            s,
            "[[stage]]\nid = \"{outcome}\"\nname = \"{outcome}\"\noutcome = \"{outcome}\"\n"
        );
    }
    s
}

struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}
