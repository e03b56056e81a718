//! Lowers a [`MapFile`] to the core [`Map`]: resolves stage references, fills in the map's
//! language for plain text, checks ids and values, and keeps a link from every stage back to its
//! declaration so lint rules can point at the source.
//!
//! Lowering is tolerant: a bad reference is reported and left out, a stage without an id is
//! reported and skipped, and the rest is still built, so the lint rules can run on what is
//! there. A map is produced whenever the file declares at least one usable stage.

use std::collections::HashMap;

use salesmap_core::map::{
    Answer, Goal, Kpi, Map, Metric, Outcome, Phase, Stage, StageIx, StageKind, Transition,
    TransitionKind, Trigger, TriggerEvent, fold_name,
};
use salesmap_core::text::Text;

use crate::diagnostic::{Diagnostic, LineIndex, Span};
use crate::structure;
use crate::syntax::{MapFile, S, StageDecl};

/// The lowered map plus, for each stage, the index of its declaration in [`MapFile::stages`].
pub struct Lowered {
    pub map: Map,
    pub decl_of: Vec<usize>,
}

/// The buyer-journey phases used when a map declares none, with English and Korean names.
pub const DEFAULT_PHASES: [(&str, &str, &str); 4] = [
    ("awareness", "Awareness", "인식"),
    ("consideration", "Consideration", "고려"),
    ("decision", "Decision", "결정"),
    ("advocacy", "Advocacy", "옹호"),
];

/// Well-known phase ids with built-in names, for maps that list phases by id.
const KNOWN_PHASES: [(&str, &str, &str); 7] = [
    ("awareness", "Awareness", "인식"),
    ("consideration", "Consideration", "고려"),
    ("decision", "Decision", "결정"),
    ("onboarding", "Onboarding", "온보딩"),
    ("retention", "Retention", "유지"),
    ("advocacy", "Advocacy", "옹호"),
    ("expansion", "Expansion", "확장"),
];

pub fn lower(file: &MapFile, source: &str, diags: &mut Vec<Diagnostic>) -> Option<Lowered> {
    let index = LineIndex::new(source);
    let section = file.map.clone().unwrap_or_default();
    let language = section
        .language
        .as_ref()
        .map(|l| l.value.clone())
        .unwrap_or_else(|| "en".to_string());
    if let Some(l) = &section.language
        && !is_language_tag(&l.value)
    {
        diags.push(structure::invalid_value(
            l.span.clone(),
            &format!("`{}` is not a language tag", l.value),
            "use a short tag such as \"en\" or \"ko\"",
        ));
    }
    let text = |t: &S<Text>| localize(&t.value, &language);

    // Stages: ids first, so references can be resolved in any order.
    let mut ids: HashMap<&str, (StageIx, usize)> = HashMap::new();
    let mut decl_of = Vec::new();
    for (d, decl) in file.stages.iter().enumerate() {
        let Some(id) = &decl.id else {
            diags.push(structure::missing_field(
                decl.header.clone(),
                "this stage",
                "id",
                "add a short, stable id such as `id = \"discovery\"`; history and transitions refer to stages by id",
            ));
            continue;
        };
        if !is_stage_id(&id.value) {
            diags.push(structure::invalid_value(
                id.span.clone(),
                &format!("stage id `{}` is not a valid id", id.value),
                "use letters, digits, `-` and `_` only (for example `sales-qualified-lead`); put the display name in `name`",
            ));
            continue;
        }
        if let Some(&(_, first)) = ids.get(id.value.as_str()) {
            let first_line = index
                .position(file.stages[first].id.as_ref().map_or(0, |i| i.span.start))
                .line;
            diags.push(structure::duplicate_id(
                id.span.clone(),
                &id.value,
                first_line,
            ));
            continue;
        }
        if let Some(parent) = decl.parent
            && !decl_of.contains(&parent)
        {
            // The parent itself was skipped; its sub-stages cannot be placed.
            continue;
        }
        ids.insert(&id.value, (StageIx(decl_of.len() as u32), d));
        decl_of.push(d);
    }
    if decl_of.is_empty() {
        let span = file.map.as_ref().map_or(0..0, |m| m.header.clone());
        diags.push(structure::missing_field(
            span,
            "the map",
            "stage",
            "declare the process's stages as `[[stage]]` tables; `salesmap init` writes a complete example",
        ));
        return None;
    }
    let known_ids: Vec<&str> = file
        .stages
        .iter()
        .filter_map(|s| s.id.as_ref().map(|i| i.value.as_str()))
        .collect();
    let resolve = |field: &str, r: &S<String>, diags: &mut Vec<Diagnostic>| -> Option<StageIx> {
        match ids.get(r.value.as_str()) {
            Some(&(ix, _)) => Some(ix),
            None => {
                diags.push(structure::unknown_stage(
                    r.span.clone(),
                    field,
                    &r.value,
                    known_ids.iter().copied(),
                ));
                None
            }
        }
    };

    // Phases.
    let phases: Vec<Phase> = if section.phases.is_empty() {
        DEFAULT_PHASES
            .iter()
            .map(|&(id, en, ko)| phase(id, en, ko))
            .collect()
    } else {
        section
            .phases
            .iter()
            .map(|p| match KNOWN_PHASES.iter().find(|k| k.0 == p.value) {
                Some(&(id, en, ko)) => phase(id, en, ko),
                None => Phase {
                    id: p.value.clone(),
                    name: Text::new(&language, p.value.clone()),
                },
            })
            .collect()
    };

    let mut stages = Vec::new();
    let mut transitions = Vec::new();
    for &d in &decl_of {
        let decl = &file.stages[d];
        let kind = stage_kind(decl, diags);
        if let Some(p) = &decl.phase
            && !phases.iter().any(|ph| ph.id == p.value)
        {
            let names: Vec<&str> = phases.iter().map(|ph| ph.id.as_str()).collect();
            let mut diag = structure::invalid_value(
                p.span.clone(),
                &format!("unknown phase `{}`", p.value),
                &format!(
                    "use one of the map's phases ({}), or list this phase in `[map] phases`",
                    names.join(", ")
                ),
            );
            if let Some(s) = crate::rule::did_you_mean(&p.value, names.iter().copied()) {
                diag = diag.with_help(format!("did you mean `{s}`?"));
            }
            diags.push(diag);
        }
        check_range(decl.probability.as_ref(), 0.0, 1.0, "probability", diags);
        check_range(
            decl.target_days.as_ref(),
            0.0,
            f64::MAX,
            "target_days",
            diags,
        );
        check_range(
            decl.rotten_days.as_ref(),
            0.0,
            f64::MAX,
            "rotten_days",
            diags,
        );
        let parent = decl
            .parent
            .and_then(|p| decl_of.iter().position(|&x| x == p))
            .map(|i| StageIx(i as u32));
        let owners = if decl.owners.is_empty() {
            // Sub-stages inherit their parent's owners unless they name their own.
            parent
                .map(|p: StageIx| stages_owners(&stages, p))
                .unwrap_or_default()
        } else {
            decl.owners.iter().map(|o| o.value.clone()).collect()
        };
        let triggers = decl
            .triggers
            .iter()
            .filter_map(|t| lower_trigger(t, &language, diags))
            .collect();
        stages.push(Stage {
            id: decl
                .id
                .as_ref()
                .map(|i| i.value.clone())
                .unwrap_or_default(),
            name: decl.name.as_ref().map(text).unwrap_or_else(|| {
                Text::new(
                    &language,
                    decl.id
                        .as_ref()
                        .map(|i| i.value.clone())
                        .unwrap_or_default(),
                )
            }),
            kind,
            parent,
            phase: decl.phase.as_ref().map(|p| p.value.clone()),
            owners,
            entry: decl.entry.as_ref().map(text),
            what_happens: decl.what_happens.iter().map(text).collect(),
            exit_checklist: decl.exit_checklist.iter().map(text).collect(),
            customer_value: decl.customer_value.as_ref().map(text),
            target_days: decl.target_days.as_ref().map(|t| t.value),
            rotten_days: decl.rotten_days.as_ref().map(|t| t.value),
            probability: decl.probability.as_ref().map(|p| p.value),
            aliases: decl.aliases.iter().map(|a| a.value.clone()).collect(),
            decision: decl.decision.as_ref().map(text),
            triggers,
        });
        let from = StageIx((stages.len() - 1) as u32);
        for n in &decl.next {
            if let Some(to) = resolve("next", n, diags) {
                transitions.push(Transition {
                    from,
                    to,
                    kind: TransitionKind::Next,
                    when: None,
                    answer: None,
                });
            }
        }
        for b in &decl.branches {
            let Some(to) = &b.to else {
                diags.push(structure::missing_field(
                    b.header.clone(),
                    "this branch",
                    "to",
                    "say which stage the branch leads to, e.g. `to = \"nurture\"`",
                ));
                continue;
            };
            let answer = b.answer.as_ref().and_then(|a| match a.value.as_str() {
                "yes" => Some(Answer::Yes),
                "no" => Some(Answer::No),
                _ => {
                    diags.push(structure::invalid_value(
                        a.span.clone(),
                        &format!("unknown answer `{}`", a.value),
                        "use \"yes\" or \"no\" (the buyer's answer this branch stands for)",
                    ));
                    None
                }
            });
            if let Some(to) = resolve("branch.to", to, diags) {
                transitions.push(Transition {
                    from,
                    to,
                    kind: TransitionKind::Branch,
                    when: b.when.as_ref().map(text),
                    answer,
                });
            }
        }
    }

    check_names(file, &decl_of, &index, diags);

    let start = match &section.start {
        Some(s) => resolve("start", s, diags).unwrap_or(StageIx(0)),
        None => StageIx(0),
    };

    let goal = file.goal.as_ref().and_then(|g| {
        let metric = lower_metric(g.metric.as_ref(), &g.header, "the goal", diags)?;
        let Some(target) = &g.target else {
            diags.push(structure::missing_field(
                g.header.clone(),
                "the goal",
                "target",
                "state the number to reach, e.g. `target = 1200000`",
            ));
            return None;
        };
        if let Some(d) = &g.deadline
            && !is_iso_date(&d.value)
        {
            diags.push(structure::invalid_value(
                d.span.clone(),
                &format!("deadline `{}` is not a date", d.value),
                "write the deadline as a date, e.g. `deadline = 2027-12-31`",
            ));
        }
        Some(Goal {
            description: g
                .description
                .as_ref()
                .map(text)
                .unwrap_or_else(|| Text::new(&language, metric.name())),
            metric,
            target: target.value,
            unit: g.unit.as_ref().map(|u| u.value.clone()),
            deadline: g.deadline.as_ref().map(|d| d.value.clone()),
        })
    });

    let mut kpis = Vec::new();
    for k in &file.kpis {
        let Some(metric) = lower_metric(k.metric.as_ref(), &k.header, "this KPI", diags) else {
            continue;
        };
        let Some(target) = &k.target else {
            diags.push(structure::missing_field(
                k.header.clone(),
                "this KPI",
                "target",
                "state the target value, e.g. `target = 0.25` for a 25% win rate",
            ));
            continue;
        };
        let from = k.from.as_ref().and_then(|f| resolve("from", f, diags));
        let to = k.to.as_ref().and_then(|t| resolve("to", t, diags));
        if metric == Metric::Conversion && (k.from.is_none() || k.to.is_none()) {
            diags.push(structure::missing_field(
                k.header.clone(),
                "this conversion KPI",
                "from` and `to",
                "name the two stages, e.g. `from = \"sql\"` and `to = \"contract-signed\"`",
            ));
        }
        let higher_is_better = match k.better.as_ref().map(|b| b.value.as_str()) {
            None => metric.higher_is_better(),
            Some("higher") => true,
            Some("lower") => false,
            Some(other) => {
                let span = k
                    .better
                    .as_ref()
                    .map_or(k.header.clone(), |b| b.span.clone());
                diags.push(structure::invalid_value(
                    span,
                    &format!("unknown direction `{other}`"),
                    "use \"higher\" or \"lower\": which way the KPI should move",
                ));
                metric.higher_is_better()
            }
        };
        kpis.push(Kpi {
            metric,
            name: k.name.as_ref().map(text),
            target: target.value,
            from,
            to,
            higher_is_better,
        });
    }

    let map = Map {
        name: section
            .name
            .as_ref()
            .map(text)
            .unwrap_or_else(|| Text::new(&language, "Sales process")),
        language: language.clone(),
        version: section.version.as_ref().map(|v| v.value.clone()),
        description: section.description.as_ref().map(text),
        start,
        goal,
        kpis,
        phases,
        stages,
        transitions,
    };
    Some(Lowered { map, decl_of })
}

/// Every name an import maps onto a stage (its id, its name in each language, its aliases)
/// must belong to one stage only; each name a second stage claims is reported where it is.
fn check_names(file: &MapFile, decl_of: &[usize], index: &LineIndex, diags: &mut Vec<Diagnostic>) {
    // Folded name → (stage index, what it is there, where).
    let mut seen: HashMap<String, (usize, &'static str, usize)> = HashMap::new();
    for (ix, &d) in decl_of.iter().enumerate() {
        let decl = &file.stages[d];
        let mut names: Vec<(&str, &'static str, Span)> = Vec::new();
        if let Some(id) = &decl.id {
            names.push((&id.value, "id", id.span.clone()));
        }
        if let Some(name) = &decl.name {
            names.extend(name.value.all().map(|n| (n, "name", name.span.clone())));
        }
        names.extend(
            decl.aliases
                .iter()
                .map(|a| (a.value.as_str(), "alias", a.span.clone())),
        );
        for (name, what, span) in names {
            let key = fold_name(name);
            if key.is_empty() {
                continue;
            }
            match seen.get(&key) {
                Some(&(first, first_what, at)) if first != ix => {
                    let first_id = file.stages[decl_of[first]]
                        .id
                        .as_ref()
                        .map_or("", |i| i.value.as_str());
                    diags.push(structure::duplicate_alias(
                        span,
                        name,
                        what,
                        (first_what, first_id, index.position(at).line),
                    ));
                }
                Some(_) => {}
                None => {
                    seen.insert(key, (ix, what, span.start));
                }
            }
        }
    }
}

fn phase(id: &str, en: &str, ko: &str) -> Phase {
    let mut name = Text::new("en", en);
    name.0.insert("ko".to_string(), ko.to_string());
    Phase {
        id: id.to_string(),
        name,
    }
}

fn stages_owners(stages: &[Stage], ix: StageIx) -> Vec<String> {
    stages[ix.index()].owners.clone()
}

/// Plain text is written in the map's language; store it under that tag.
fn localize(text: &Text, language: &str) -> Text {
    let mut out = Text::default();
    for (lang, s) in &text.0 {
        let lang = if lang.is_empty() { language } else { lang };
        out.0.insert(lang.to_string(), s.clone());
    }
    out
}

fn stage_kind(decl: &StageDecl, diags: &mut Vec<Diagnostic>) -> StageKind {
    let outcome = decl
        .outcome
        .as_ref()
        .and_then(|o| match Outcome::from_name(&o.value) {
            Some(out) => Some(out),
            None => {
                diags.push(structure::invalid_value(
                    o.span.clone(),
                    &format!("unknown outcome `{}`", o.value),
                    "use one of won, lost, disqualified, churned",
                ));
                None
            }
        });
    let milestone = decl.milestone.as_ref().and_then(|m| {
        if m.value == "won" {
            Some(())
        } else {
            diags.push(structure::invalid_value(
                m.span.clone(),
                &format!("unknown milestone `{}`", m.value),
                "the only milestone is \"won\": the stage where the sale counts as won",
            ));
            None
        }
    });
    if let (Some(_), Some(m)) = (outcome, &decl.milestone) {
        diags.push(structure::invalid_value(
            m.span.clone(),
            "a stage cannot be both an outcome and a milestone",
            "remove `milestone` (an outcome `won` already marks the sale as won) or `outcome`",
        ));
    }
    match (outcome, milestone) {
        (Some(o), _) => StageKind::Outcome(o),
        (None, Some(())) => StageKind::WonMilestone,
        (None, None) => StageKind::Step,
    }
}

fn lower_trigger(
    t: &crate::syntax::TriggerDecl,
    language: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Trigger> {
    let on = match t.on.as_ref().map(|o| o.value.as_str()) {
        None | Some("enter") => TriggerEvent::Enter,
        Some("exit") => TriggerEvent::Exit,
        Some(other) => {
            let span = t.on.as_ref().map_or(t.header.clone(), |o| o.span.clone());
            diags.push(structure::invalid_value(
                span,
                &format!("unknown trigger event `{other}`"),
                "use \"enter\" or \"exit\"",
            ));
            return None;
        }
    };
    let Some(action) = &t.action else {
        diags.push(structure::missing_field(
            t.header.clone(),
            "this trigger",
            "action",
            "say what happens, e.g. `action = \"commission\"` or `action = \"webhook\"`",
        ));
        return None;
    };
    Some(Trigger {
        on,
        action: action.value.clone(),
        target: t.target.as_ref().map(|x| x.value.clone()),
        description: t.description.as_ref().map(|d| localize(&d.value, language)),
    })
}

fn lower_metric(
    metric: Option<&S<String>>,
    header: &Span,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Metric> {
    let Some(m) = metric else {
        diags.push(structure::missing_field(
            header.clone(),
            what,
            "metric",
            &format!(
                "name what is measured, one of: {}",
                Metric::ALL.map(Metric::name).join(", ")
            ),
        ));
        return None;
    };
    match Metric::from_name(&m.value) {
        Some(metric) => Some(metric),
        None => {
            let names = Metric::ALL.map(Metric::name);
            let help = match crate::rule::did_you_mean(&m.value, names) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("use one of: {}", names.join(", ")),
            };
            diags.push(structure::invalid_value(
                m.span.clone(),
                &format!("unknown metric `{}`", m.value),
                &help,
            ));
            None
        }
    }
}

fn check_range(
    value: Option<&S<f64>>,
    min: f64,
    max: f64,
    field: &str,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some(v) = value
        && !(min..=max).contains(&v.value)
    {
        let help = if max == 1.0 {
            "write a probability between 0 and 1, e.g. 0.4 for 40%".to_string()
        } else {
            format!("`{field}` cannot be negative")
        };
        diags.push(structure::invalid_value(
            v.span.clone(),
            &format!("`{field}` = {} is out of range", v.value),
            &help,
        ));
    }
}

fn is_stage_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

fn is_language_tag(tag: &str) -> bool {
    (2..=8).contains(&tag.len()) && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// `YYYY-MM-DD` with a plausible month and day.
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    matches!((num(0..4), num(5..7), num(8..10)), (Some(_), Some(m), Some(d)) if (1..=12).contains(&m) && (1..=31).contains(&d))
}
