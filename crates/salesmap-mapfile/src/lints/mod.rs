//! The lint rules (`SM1xx`): one file per rule, each with its [`Rule`] (code, name, docs) and a
//! `check` function over a [`Context`]. Lints run on a map that lowered successfully, look at
//! the declarations for spans and at the core [`Map`] for the graph, and push diagnostics at
//! the rule's default severity; [`apply_settings`] then applies the map's `[lints]` table.

use salesmap_core::map::{Map, StageIx, StageKind};

use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::{Rule, did_you_mean};
use crate::structure;
use crate::syntax::{LintSetting, MapFile, Span, StageDecl};

mod dead_end_stage;
mod missing_stage_definition;
mod no_exit_for_no;
mod no_goal;
mod no_kpis;
mod no_path_to_won;
mod not_actionable;
mod not_customer_first;
mod stage_without_owner;
mod too_many_stages;
mod too_much_detail;
mod undefined_start;
mod unreachable_stage;
mod vague_stage;

type Check = fn(&Context, &mut Vec<Diagnostic>);

/// Every lint rule with its check, in code order.
pub const LINTS: [(&Rule, Check); 14] = [
    (&vague_stage::RULE, vague_stage::check),
    (&too_many_stages::RULE, too_many_stages::check),
    (&too_much_detail::RULE, too_much_detail::check),
    (&not_customer_first::RULE, not_customer_first::check),
    (&not_actionable::RULE, not_actionable::check),
    (
        &missing_stage_definition::RULE,
        missing_stage_definition::check,
    ),
    (&stage_without_owner::RULE, stage_without_owner::check),
    (&no_goal::RULE, no_goal::check),
    (&no_kpis::RULE, no_kpis::check),
    (&unreachable_stage::RULE, unreachable_stage::check),
    (&dead_end_stage::RULE, dead_end_stage::check),
    (&no_path_to_won::RULE, no_path_to_won::check),
    (&no_exit_for_no::RULE, no_exit_for_no::check),
    (&undefined_start::RULE, undefined_start::check),
];

/// What a lint rule sees: the declarations (for spans) and the lowered map (for the graph).
pub struct Context<'a> {
    pub file: &'a MapFile,
    pub map: &'a Map,
    /// For each stage of `map`, the index of its declaration in `file.stages`.
    pub decl_of: &'a [usize],
}

impl Context<'_> {
    pub fn decl(&self, ix: StageIx) -> &StageDecl {
        &self.file.stages[self.decl_of[ix.index()]]
    }

    /// Stages where work happens (steps and the won milestone), as opposed to outcomes.
    pub fn working_stages(&self) -> impl Iterator<Item = StageIx> + '_ {
        self.map
            .stage_ixs()
            .filter(|&ix| !matches!(self.map.stage(ix).kind, StageKind::Outcome(_)))
    }

    /// The span naming a stage: its `id` value, else its header.
    pub fn stage_span(&self, ix: StageIx) -> Span {
        let d = self.decl(ix);
        d.id.as_ref().map_or(d.header.clone(), |i| i.span.clone())
    }

    /// Where a map-level diagnostic points: the `[map]` header, else the first stage.
    pub fn map_span(&self) -> Span {
        match &self.file.map {
            Some(m) => m.header.clone(),
            None => self.file.stages.first().map_or(0..0, |s| s.header.clone()),
        }
    }

    /// `stage `id``: how messages name a stage.
    pub fn stage_label(&self, ix: StageIx) -> String {
        format!("stage `{}`", self.map.stage(ix).id)
    }
}

/// Runs every lint rule.
pub fn run(cx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (_, check) in LINTS {
        check(cx, &mut out);
    }
    out
}

/// Reads the `[lints]` table, reporting bad entries, and applies the levels to `diags`.
/// Allowed rules' diagnostics are removed.
pub fn apply_settings(settings: &[LintSetting], diags: &mut Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut levels: Vec<(&str, Option<Severity>)> = Vec::new();
    for s in settings {
        let Some((rule, _)) = LINTS.iter().find(|(r, _)| r.name == s.rule.value) else {
            let names = LINTS.iter().map(|(r, _)| r.name);
            let help = match did_you_mean(&s.rule.value, names) {
                Some(n) => format!("did you mean `{n}`?"),
                None => "use a lint rule name from docs/lints.md".to_string(),
            };
            problems.push(structure::lint_config(
                s.rule.span.clone(),
                &format!("`{}` is not a lint rule", s.rule.value),
                &help,
            ));
            continue;
        };
        let Some(level) = &s.level else {
            problems.push(structure::lint_config(
                s.rule.span.clone(),
                &format!("`{}` has no `level`", s.rule.value),
                "set `level` to one of allow, info, warning, error",
            ));
            continue;
        };
        let severity = match level.value.as_str() {
            "allow" => None,
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            other => {
                problems.push(structure::lint_config(
                    level.span.clone(),
                    &format!("unknown level `{other}`"),
                    "use one of allow, info, warning, error",
                ));
                continue;
            }
        };
        if severity.is_none() && s.reason.as_ref().is_none_or(|r| r.value.trim().is_empty()) {
            problems.push(structure::lint_config(
                level.span.clone(),
                &format!("`{}` is allowed without a reason", rule.name),
                &format!(
                    "say why, so the next reader knows: `{} = {{ level = \"allow\", reason = \"…\" }}`",
                    rule.name
                ),
            ));
            continue;
        }
        levels.push((rule.name, severity));
    }
    diags.retain_mut(|d| match levels.iter().find(|(n, _)| *n == d.name) {
        Some((_, None)) => false,
        Some((_, Some(s))) => {
            d.severity = *s;
            true
        }
        None => true,
    });
    problems
}

/// Words and phrases that stand in for a definition rather than give one (R12: vague stages).
pub const FILLER: [&str; 21] = [
    "etc",
    "and so on",
    "as needed",
    "as appropriate",
    "as required",
    "tbd",
    "tba",
    "todo",
    "n/a",
    "misc",
    "various",
    "stuff",
    "things",
    "whatever",
    "기타",
    "필요시",
    "필요 시",
    "등등",
    "미정",
    "적절히",
    "알아서",
];

/// Finds a filler word or phrase in `text`; see [`find_phrase`].
pub fn find_filler(text: &str) -> Option<(usize, usize)> {
    find_phrase(text, &FILLER)
}

/// Finds the first of `phrases` in `text` (case-insensitive; on word boundaries for Latin
/// script, anywhere for Hangul, which attaches particles to words), returning its byte range.
pub fn find_phrase(text: &str, phrases: &[&str]) -> Option<(usize, usize)> {
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        // Lower-casing changed byte lengths (rare scripts); search without offsets.
        return phrases
            .iter()
            .any(|f| lower.contains(f))
            .then_some((0, text.len()));
    }
    for f in phrases {
        let mut from = 0;
        while let Some(pos) = lower[from..].find(f) {
            let start = from + pos;
            let end = start + f.len();
            let ascii = f.is_ascii();
            let before_ok = !ascii
                || start == 0
                || !lower[..start]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric);
            let after_ok = !ascii
                || end == lower.len()
                || !lower[end..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric);
            if before_ok && after_ok {
                return Some((start, end));
            }
            from = end;
        }
    }
    None
}

/// The source span of a sub-range of a string value: `span` covers the quoted literal, so the
/// text starts one byte in. Escapes would shift offsets; then the whole value is used.
pub fn inner_span(source_span: &Span, text: &str, range: (usize, usize)) -> Span {
    let literal_len = source_span.end - source_span.start;
    if literal_len == text.len() + 2 {
        source_span.start + 1 + range.0..source_span.start + 1 + range.1
    } else {
        source_span.clone()
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! `check(rule, map_text)`: the rendered diagnostics of one rule on a map, for snapshots.

    use crate::diagnostic::render_human;
    use crate::rule::Rule;

    pub fn check(rule: &Rule, source: &str) -> String {
        let checked = crate::load(source, "sales.map.toml");
        let mine: Vec<_> = checked
            .diagnostics
            .into_iter()
            .filter(|d| d.code == rule.code)
            .collect();
        if mine.is_empty() {
            return "(no diagnostics)\n".to_string();
        }
        render_human(source, "sales.map.toml", &mine)
    }
}
