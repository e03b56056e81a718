//! Suggesting which map stage an unknown CRM stage name stands for, so the problem report can
//! say "add `Needs Analysis Call` to the aliases of `discovery`?" instead of just "unknown".
//!
//! A wrong guess costs more than none: a user who follows it maps a stage onto another phase
//! of the process, or a cancelled application onto churned clients. So a suggestion needs
//! two things. The same kind: a name that says an outcome (`A_DECLINED`, `Closed Lost - Price`,
//! by `crm_names::outcome_named`) is only suggested for a stage of that outcome (the won
//! milestone counts as won), and a name that says none only for a working stage; when the
//! map has one stage of the outcome a name says, that stage is the suggestion. And real
//! similarity: the same words (ignoring case, punctuation and one-letter prefixes such as
//! `A_`), all the words of one in the other (`Contract Sent for Signature` and `Contract
//! Sent`), or a typo (one edit per six letters, `Qualifcation`), but not a longer or
//! shorter form of a word (`engage` is not `Engaged`). Nothing is mapped without the user
//! adding the alias.

use salesmap_core::crm_names::outcome_named;
use salesmap_core::map::{Map, Outcome, StageIx, StageKind};

/// The map stage whose id, names or aliases most resemble `name`, of the same kind.
pub(crate) fn suggest(map: &Map, name: &str) -> Option<StageIx> {
    let wanted = Name::new(name);
    if wanted.compact.is_empty() {
        return None;
    }
    let kind = outcome_named(name);
    let same_kind: Vec<StageIx> = map
        .stage_ixs()
        .filter(|&ix| kind_of(map, ix) == kind)
        .collect();
    let mut best: Option<(u32, StageIx)> = None;
    for &ix in &same_kind {
        let stage = map.stage(ix);
        let candidates = std::iter::once(stage.id.as_str())
            .chain(stage.name.all())
            .chain(stage.aliases.iter().map(String::as_str));
        for candidate in candidates {
            if let Some(score) = score(&wanted, &Name::new(candidate))
                && best.is_none_or(|(b, _)| score < b)
            {
                best = Some((score, ix));
            }
        }
    }
    match (best, kind) {
        (Some((_, ix)), _) => Some(ix),
        // A name that says an outcome, and one stage of that outcome: that is the stage.
        (None, Some(_)) => {
            let top: Vec<StageIx> = same_kind
                .into_iter()
                .filter(|&ix| map.stage(ix).parent.is_none())
                .collect();
            (top.len() == 1).then(|| top[0])
        }
        (None, None) => None,
    }
}

/// The outcome a stage stands for: its outcome, won for a won milestone, none for a step.
fn kind_of(map: &Map, ix: StageIx) -> Option<Outcome> {
    match map.stage(ix).kind {
        StageKind::Outcome(o) => Some(o),
        StageKind::WonMilestone => Some(Outcome::Won),
        StageKind::Step => None,
    }
}

/// A name as compared: its words (lowercase, without one-letter prefixes) and its letters and
/// digits run together.
struct Name {
    words: Vec<String>,
    compact: String,
}

impl Name {
    fn new(text: &str) -> Name {
        let lower = text.to_lowercase();
        let mut words: Vec<String> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() > 1)
            .map(str::to_string)
            .collect();
        words.sort_unstable();
        words.dedup();
        let compact = words.concat();
        Name { words, compact }
    }
}

/// Lower is closer; `None` when not similar (see the module docs).
fn score(a: &Name, b: &Name) -> Option<u32> {
    if a.words.is_empty() || b.words.is_empty() {
        return None;
    }
    if a.words == b.words {
        return Some(0);
    }
    let within = |x: &Name, y: &Name| x.words.iter().all(|w| y.words.contains(w));
    if within(a, b) || within(b, a) {
        // Closer when fewer words are extra and the shared words are longer (more telling).
        let extra = a.words.len().abs_diff(b.words.len()) as u32;
        let shared: usize = a
            .words
            .iter()
            .filter(|w| b.words.contains(w))
            .map(|w| w.chars().count())
            .sum();
        return Some(10 + 10 * extra - shared.min(9) as u32);
    }
    let (x, y) = (&a.compact, &b.compact);
    if x.starts_with(y.as_str()) || y.starts_with(x.as_str()) {
        return None;
    }
    let longest = x.chars().count().max(y.chars().count());
    let distance = edit_distance(x, y);
    (longest >= 5 && distance <= (longest / 6).max(1)).then_some(100 + distance as u32)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggestions(lang: &str, names: &[&str]) -> String {
        let source = salesmap_mapfile::templates::b2b(lang);
        let map = salesmap_mapfile::load(source, "b2b.map.toml")
            .map
            .expect("the template loads");
        names
            .iter()
            .map(|n| {
                let s = suggest(&map, n).map_or("-", |ix| map.stage(ix).id.as_str());
                format!("{n} → {s}\n")
            })
            .collect()
    }

    #[test]
    fn suggestions_need_real_similarity_and_the_same_kind() {
        expect_test::expect![[r#"
            engage → -
            A_CANCELLED → lost
            A_DECLINED → lost
            Closed Lost - Price → lost
            Qualifcation → sql
            Contract Sent for Signature → verbal-agreement
            Needs Analysis Call → discovery
            Contract review → -
            Won - Expansion → contract-signed
            Demo → demo
            Leads → -
            Lead Nurturing → nurture
            Churned client → churned
        "#]]
        .assert_eq(&suggestions(
            "en",
            &[
                "engage",
                "A_CANCELLED",
                "A_DECLINED",
                "Closed Lost - Price",
                "Qualifcation",
                "Contract Sent for Signature",
                "Needs Analysis Call",
                "Contract review",
                "Won - Expansion",
                "Demo",
                "Leads",
                "Lead Nurturing",
                "Churned client",
            ],
        ));
        expect_test::expect![[r#"
            데모 진행 → demo
            수주 실패 → lost
        "#]]
        .assert_eq(&suggestions("ko", &["데모 진행", "수주 실패"]));
    }

    #[test]
    fn edit_distance_counts_characters() {
        assert_eq!(edit_distance("계약 체결", "계약체결"), 1);
        assert_eq!(edit_distance("qualifcation", "qualification"), 1);
    }
}
