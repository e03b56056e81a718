//! Suggesting which map stage an unknown CRM stage name stands for, so the problem report can
//! say "add `Needs Analysis` to the aliases of `discovery`?" instead of just "unknown".
//!
//! The guess is deliberately cautious: a name contained in the other (`Closed Won` and
//! `won`), or a small edit distance relative to the length (`Qualifcation`). A wrong guess
//! is only a hint in a help line; nothing is mapped without the user adding the alias.

use salesmap_core::map::{Map, StageIx, fold_name};

/// The map stage whose id, names or aliases most resemble `name`.
pub(crate) fn suggest(map: &Map, name: &str) -> Option<StageIx> {
    let wanted = fold_name(name);
    if wanted.is_empty() {
        return None;
    }
    let mut best: Option<(u32, StageIx)> = None;
    for ix in map.stage_ixs() {
        let stage = map.stage(ix);
        let candidates = std::iter::once(stage.id.as_str())
            .chain(stage.name.all())
            .chain(stage.aliases.iter().map(String::as_str));
        for candidate in candidates {
            if let Some(score) = score(&wanted, &fold_name(&candidate.replace(['-', '_'], " ")))
                && best.is_none_or(|(b, _)| score < b)
            {
                best = Some((score, ix));
            }
        }
    }
    best.map(|(_, ix)| ix)
}

/// Lower is closer; `None` when not similar at all.
fn score(a: &str, b: &str) -> Option<u32> {
    if a == b {
        return Some(0);
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.min(lb) >= 3 {
        let words_a: Vec<&str> = a.split(' ').collect();
        let words_b: Vec<&str> = b.split(' ').collect();
        if words_a
            .iter()
            .any(|w| words_b.contains(w) && w.chars().count() >= 3)
        {
            return Some(10 + la.abs_diff(lb) as u32);
        }
    }
    let distance = edit_distance(a, b);
    let longest = la.max(lb).max(1);
    (distance * 3 <= longest).then_some(100 + (distance * 100 / longest) as u32)
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

    #[test]
    fn scores_prefer_shared_words_then_small_edits() {
        assert_eq!(score("closed won", "won"), Some(17));
        assert_eq!(score("qualifcation", "qualification"), Some(107));
        assert_eq!(score("demo", "proposal"), None);
        assert_eq!(edit_distance("계약 체결", "계약체결"), 1);
    }
}
