//! Where open deals go when a new map version no longer has their stage: the stage was
//! removed, renamed (its new stage lists the old id or name as an alias or name), or became an
//! outcome. [`plan_relocations`] works out, from the map in force, the new map and the open
//! deals per stage, which stages need their deals moved and where each would go by default;
//! publishing a version then moves them where the publisher chose (`pipelines`), in the same
//! transaction, each move recorded as a stage entry and audited.
//!
//! A pure function of its inputs, so the map editor can show the plan before saving and the
//! publish can check it with the same rule.

use salesmap_core::map::{Map, StageIx};
use serde::Serialize;

/// Why a stage's open deals must move.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RelocationCause {
    /// The new map has no such stage, and no stage that names it.
    Removed,
    /// The new map has no stage with this id, but a stage whose name or aliases match it.
    Renamed,
    /// The new map has the stage as an outcome, where no open deal may sit.
    NowOutcome,
}

/// One stage whose open deals a new map version would strand.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Relocation {
    /// The stage id in the map in force.
    pub stage: String,
    /// Its name in the map in force (the id when that map does not know it).
    pub name: String,
    /// Open deals in the stage.
    pub deals: u64,
    pub cause: RelocationCause,
    /// Where the deals go unless the publisher chooses otherwise: the stage it was renamed
    /// to, else the nearest earlier stage on the old main path that the new map keeps, else
    /// the new map's start.
    pub suggested: String,
}

/// The stages of `new` that open deals may be moved into: every stage that is not an outcome.
pub fn relocation_targets(new: &Map) -> Vec<StageIx> {
    new.stage_ixs()
        .filter(|&ix| new.outcome(new.top_ancestor(ix)).is_none())
        .collect()
}

fn open_stage(new: &Map, id: &str) -> Option<StageIx> {
    new.find(id)
        .filter(|&ix| new.outcome(new.top_ancestor(ix)).is_none())
}

/// The stages among `open` (stage id → open deals, sorted by id) that `new` strands, with a
/// suggested destination for each; `old` is the map in force.
pub fn plan_relocations(old: &Map, new: &Map, open: &[(String, u64)]) -> Vec<Relocation> {
    let mut out = Vec::new();
    for (stage, deals) in open {
        if *deals == 0 || open_stage(new, stage).is_some() {
            continue;
        }
        let old_ix = old.find(stage);
        let name = old_ix.map_or_else(
            || stage.clone(),
            |ix| {
                old.stage(ix)
                    .name
                    .get(&old.language, &old.language)
                    .to_string()
            },
        );
        let cause = if new.find(stage).is_some() {
            RelocationCause::NowOutcome
        } else {
            RelocationCause::Removed
        };
        // A rename: the new map names the old id, or one of the old stage's names.
        let renamed = if cause == RelocationCause::Removed {
            renamed_to(old, new, stage, old_ix)
        } else {
            None
        };
        let (cause, suggested) = match renamed {
            Some(ix) => (RelocationCause::Renamed, new.stage(ix).id.clone()),
            None => (cause, nearest_kept(old, new, old_ix)),
        };
        out.push(Relocation {
            stage: stage.clone(),
            name,
            deals: *deals,
            cause,
            suggested,
        });
    }
    out
}

/// The open stage of `new` that names `id` or one of the old stage's names (a rename).
fn renamed_to(old: &Map, new: &Map, id: &str, old_ix: Option<StageIx>) -> Option<StageIx> {
    let mut names: Vec<&str> = vec![id];
    if let Some(ix) = old_ix {
        names.extend(old.stage(ix).name.all());
    }
    names
        .into_iter()
        .filter_map(|n| new.resolve_name(n))
        .find(|&ix| new.outcome(new.top_ancestor(ix)).is_none())
}

/// The open stage of `new` that an old stage lives on as: the same id, else a rename.
fn kept(old: &Map, new: &Map, old_ix: StageIx) -> Option<StageIx> {
    let id = &old.stage(old_ix).id;
    open_stage(new, id).or_else(|| {
        new.find(id)
            .is_none()
            .then(|| renamed_to(old, new, id, Some(old_ix)))
            .flatten()
    })
}

/// The stage a deal falls back to: the old stage's parent when the new map keeps it, else
/// the nearest earlier stage of the old main path that the new map keeps, else the start.
fn nearest_kept(old: &Map, new: &Map, old_ix: Option<StageIx>) -> String {
    if let Some(ix) = old_ix {
        let mut parent = old.stage(ix).parent;
        while let Some(p) = parent {
            if let Some(kept) = kept(old, new, p) {
                return new.stage(kept).id.clone();
            }
            parent = old.stage(p).parent;
        }
        let top = old.top_ancestor(ix);
        let path = old.main_path();
        if let Some(at) = path.iter().position(|&s| s == top) {
            for &earlier in path[..at].iter().rev() {
                if let Some(kept) = kept(old, new, earlier) {
                    return new.stage(kept).id.clone();
                }
            }
        }
    }
    new.stage(new.start).id.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(source: &str) -> Map {
        crate::pipelines::check_map(source).expect("the test map checks")
    }

    /// A map of `stages`: `(id, name, extra lines)` steps in a chain ending in won, each with a
    /// "no" branch to lost.
    fn chain(stages: &[(&str, &str, &str)]) -> String {
        let mut s = format!(
            "[map]\nname = \"Test\"\nlanguage = \"en\"\nstart = \"{}\"\n",
            stages[0].0
        );
        for (i, (id, name, extra)) in stages.iter().enumerate() {
            let next = stages.get(i + 1).map_or("won", |s| s.0);
            s.push_str(&format!(
                "\n[[stage]]\nid = \"{id}\"\nname = \"{name}\"\nentry = \"In {name}\"\n\
                 exit_checklist = [\"{name} done\"]\nowners = [\"Sales\"]\n{extra}next = \"{next}\"\n\
                 [[stage.branch]]\nto = \"lost\"\nwhen = \"No\"\nanswer = \"no\"\n"
            ));
        }
        s.push_str("\n[[stage]]\nid = \"won\"\nname = \"Won\"\noutcome = \"won\"\n");
        s.push_str("\n[[stage]]\nid = \"lost\"\nname = \"Lost\"\noutcome = \"lost\"\n");
        s
    }

    fn shown(plan: &[Relocation]) -> Vec<String> {
        plan.iter()
            .map(|r| {
                format!(
                    "{} ({}) {:?} x{} -> {}",
                    r.stage, r.name, r.cause, r.deals, r.suggested
                )
            })
            .collect()
    }

    #[test]
    fn removed_renamed_and_kept_stages() {
        let old = map(&chain(&[
            ("lead", "Lead", ""),
            ("demo", "Demo", ""),
            ("proposal", "Proposal", ""),
        ]));
        // `demo` becomes `product-demo` (naming the old id as an alias), `proposal` goes,
        // `lead` stays.
        let new = map(&chain(&[
            ("lead", "Lead", ""),
            ("product-demo", "Product demo", "aliases = [\"demo\"]\n"),
        ]));
        let open = vec![
            ("demo".to_string(), 3),
            ("lead".to_string(), 5),
            ("proposal".to_string(), 2),
        ];
        assert_eq!(
            shown(&plan_relocations(&old, &new, &open)),
            [
                "demo (Demo) Renamed x3 -> product-demo",
                "proposal (Proposal) Removed x2 -> product-demo",
            ]
        );
        let targets: Vec<&str> = relocation_targets(&new)
            .into_iter()
            .map(|ix| new.stage(ix).id.as_str())
            .collect();
        assert_eq!(targets, ["lead", "product-demo"]);
    }

    #[test]
    fn a_rename_is_found_by_the_old_name_too() {
        let old = map(&chain(&[("lead", "Lead", ""), ("demo", "Demo", "")]));
        let new = map(&chain(&[("lead", "Lead", ""), ("show", "Demo", "")]));
        let open = vec![("demo".to_string(), 1)];
        assert_eq!(
            shown(&plan_relocations(&old, &new, &open)),
            ["demo (Demo) Renamed x1 -> show"]
        );
    }

    #[test]
    fn stages_that_became_outcomes_or_were_never_known_fall_back() {
        let old = map(&chain(&[("lead", "Lead", ""), ("demo", "Demo", "")]));
        let mut new_source = chain(&[("lead", "Lead", "")]);
        new_source
            .push_str("\n[[stage]]\nid = \"demo\"\nname = \"Demo\"\noutcome = \"disqualified\"\n");
        new_source = new_source.replace(
            "answer = \"no\"\n",
            "answer = \"no\"\n[[stage.branch]]\nto = \"demo\"\nwhen = \"Not a fit\"\nanswer = \"no\"\n",
        );
        let new = map(&new_source);
        let open = vec![
            ("demo".to_string(), 4),
            ("mystery".to_string(), 1),
            ("won".to_string(), 0),
        ];
        assert_eq!(
            shown(&plan_relocations(&old, &new, &open)),
            [
                "demo (Demo) NowOutcome x4 -> lead",
                "mystery (mystery) Removed x1 -> lead",
            ]
        );
    }
}
