//! The shape rules (`SM0xx`): problems that make a file not a map at all. Syntax errors,
//! unknown fields, wrong types, duplicate ids, references to stages that do not exist, missing
//! required fields, invalid values, bad `[lints]` settings and a name given to two stages. These are always errors; the
//! constructors here are called by [`crate::syntax`] and [`crate::lower`].

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::rule::{Rule, did_you_mean};

pub const SYNTAX_ERROR: Rule = Rule {
    code: "SM001",
    name: "syntax-error",
    severity: Severity::Error,
    summary: "The file is not valid TOML.",
    what: "Reports text the TOML parser cannot read: an unclosed string or array, a missing `=`, a key defined twice, a bare word where a quoted string belongs.",
    why: "A map that cannot be parsed cannot be checked, drawn or used. Every syntax error is reported (one per line, since one mistake often confuses the parser for the rest of its line).",
    example: "```toml\n[[stage]]\nid = \"demo\nname = \"Demo\"\n```\n\nThe string after `id` is never closed. Write `id = \"demo\"`.",
    configurable: false,
};

pub const UNKNOWN_FIELD: Rule = Rule {
    code: "SM002",
    name: "unknown-field",
    severity: Severity::Error,
    summary: "A key that the map format does not define.",
    what: "Reports keys that salesmap does not know in that table, with the closest known key as a suggestion.",
    why: "A misspelt key (`exit_cheklist`) would otherwise be ignored silently, and the stage would look as if it had no exit checklist.",
    example: "```toml\n[[stage]]\nid = \"demo\"\nexit_cheklist = [\"Demo delivered to the buying committee\"]\n```\n\nUse `exit_checklist`.",
    configurable: false,
};

pub const WRONG_TYPE: Rule = Rule {
    code: "SM003",
    name: "wrong-type",
    severity: Severity::Error,
    summary: "A value of the wrong type, such as a number where text belongs.",
    what: "Reports values whose TOML type does not fit the field: `target_days = \"two weeks\"`, `owners = 3`.",
    why: "salesmap cannot guess what was meant; the value is skipped and the stage may then trip other checks.",
    example: "```toml\ntarget_days = \"14\"\n```\n\nWrite the number without quotes: `target_days = 14`.",
    configurable: false,
};

pub const DUPLICATE_ID: Rule = Rule {
    code: "SM004",
    name: "duplicate-id",
    severity: Severity::Error,
    summary: "Two stages share one id.",
    what: "Reports a stage (or sub-stage) whose `id` is already used earlier in the file.",
    why: "Transitions, history and reports refer to stages by id; two stages with one id make every such reference ambiguous.",
    example: "```toml\n[[stage]]\nid = \"demo\"\n\n[[stage]]\nid = \"demo\"\n```\n\nGive the second stage its own id, such as `technical-demo`.",
    configurable: false,
};

pub const UNKNOWN_STAGE: Rule = Rule {
    code: "SM005",
    name: "unknown-stage",
    severity: Severity::Error,
    summary: "A reference to a stage id that no stage has.",
    what: "Reports `start`, `next`, `branch.to` and KPI `from`/`to` values that name no stage, with the closest id as a suggestion.",
    why: "A transition to nowhere would drop deals from the map without a trace.",
    example: "```toml\nnext = \"propsal\"\n```\n\nUse an existing id: `next = \"proposal\"`.",
    configurable: false,
};

pub const MISSING_FIELD: Rule = Rule {
    code: "SM006",
    name: "missing-field",
    severity: Severity::Error,
    summary: "A field without which the item means nothing.",
    what: "Reports a stage without `id`, a branch without `to`, a goal or KPI without `metric` or `target`, a trigger without `action`, and a map with no stages.",
    why: "These fields identify the item or say what it does; without them it cannot be used.",
    example: "```toml\n[[stage.branch]]\nwhen = \"No budget this year\"\n```\n\nSay where the branch goes: `to = \"nurture\"`.",
    configurable: false,
};

pub const INVALID_VALUE: Rule = Rule {
    code: "SM007",
    name: "invalid-value",
    severity: Severity::Error,
    summary: "A value of the right type that is not allowed.",
    what: "Reports unknown outcomes, milestones, metrics, phases, answers and trigger events, probabilities outside 0..1, negative days, malformed ids and dates.",
    why: "Each of these values drives a computation (what counts as won, which phase a band shows); a value salesmap does not know would silently mean nothing.",
    example: "```toml\noutcome = \"lose\"\n```\n\nUse one of `won`, `lost`, `disqualified`, `churned`.",
    configurable: false,
};

pub const LINT_CONFIG: Rule = Rule {
    code: "SM008",
    name: "lint-config",
    severity: Severity::Error,
    summary: "A `[lints]` entry that names no rule, sets an unknown level, or allows a rule without a reason.",
    what: "Checks the `[lints]` table: each key must be a lint rule name, each level one of `allow`, `info`, `warning`, `error`, and `allow` must state a `reason`.",
    why: "Silencing a check is a decision the team should be able to read later; a misspelt rule name would silence nothing while looking as if it did.",
    example: "```toml\n[lints]\ntoo-many-stages = \"allow\"\n```\n\nState why: `too-many-stages = { level = \"allow\", reason = \"Enterprise process agreed with the board\" }`.",
    configurable: false,
};

pub const DUPLICATE_ALIAS: Rule = Rule {
    code: "SM009",
    name: "duplicate-alias",
    severity: Severity::Error,
    summary: "One name given to two stages: an alias that is also another stage's alias, id or name.",
    what: "Reports an `aliases` entry, or a stage's `id` or `name` in any language, that another stage already carries (ignoring case and extra spaces), pointing at the later one.",
    why: "Imports map the CRM's stage names onto stages through ids, names and aliases. A name two stages claim would be mapped onto whichever comes first in the file, silently, and every deal in that CRM stage would be counted in the wrong place.",
    example: "```toml\n[[stage]]\nid = \"sales-interaction\"\naliases = [\"Appointment Scheduled\"]\n\n[[stage]]\nid = \"discovery\"\naliases = [\"Appointment Scheduled\"]\n```\n\nKeep the alias on the one stage it stands for.",
    configurable: false,
};

pub const RULES: [&Rule; 9] = [
    &SYNTAX_ERROR,
    &UNKNOWN_FIELD,
    &WRONG_TYPE,
    &DUPLICATE_ID,
    &UNKNOWN_STAGE,
    &MISSING_FIELD,
    &INVALID_VALUE,
    &LINT_CONFIG,
    &DUPLICATE_ALIAS,
];

pub fn syntax_error(span: Span, message: &str) -> Diagnostic {
    let message = message.trim_end_matches('.');
    SYNTAX_ERROR
        .diag(span, format!("invalid TOML: {message}"), "")
        .with_help("fix the TOML syntax here; the map format is described in docs/map-format.md")
}

pub fn unknown_field(span: Span, key: &str, allowed: &[&str], context: &str) -> Diagnostic {
    let d = UNKNOWN_FIELD.diag(
        span,
        format!("unknown field `{key}` in {context}"),
        "not a field of the map format",
    );
    match did_you_mean(key, allowed.iter().copied()) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d.with_help(format!("known fields here: {}", allowed.join(", "))),
    }
}

pub fn wrong_type(span: Span, field: &str, expected: &str, found: &str) -> Diagnostic {
    WRONG_TYPE
        .diag(
            span,
            format!("`{field}` must be {expected}, found {found}"),
            format!("expected {expected}"),
        )
        .with_help(format!("write `{field}` as {expected}"))
}

pub fn duplicate_id(span: Span, id: &str, first_line: usize) -> Diagnostic {
    DUPLICATE_ID
        .diag(
            span,
            format!("stage id `{id}` is used twice"),
            format!("first used on line {first_line}"),
        )
        .with_help("give each stage its own id")
}

/// `name` (the `what` of this stage: `alias`, `id` or `name`) is already the `first_what` of
/// stage `first_id`, on `first_line`.
pub fn duplicate_alias(
    span: Span,
    name: &str,
    what: &str,
    first: (&str, &str, usize),
) -> Diagnostic {
    let (first_what, first_id, first_line) = first;
    DUPLICATE_ALIAS
        .diag(
            span,
            format!("`{name}` names two stages: this {what}, and the {first_what} of `{first_id}`"),
            format!("already the {first_what} of `{first_id}` (line {first_line})"),
        )
        .with_help(
            "a CRM stage name must name one stage: keep it on the stage it stands for and remove it here",
        )
}

pub fn unknown_stage<'a>(
    span: Span,
    field: &str,
    id: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Diagnostic {
    let d = UNKNOWN_STAGE.diag(
        span,
        format!("`{field}` refers to unknown stage `{id}`"),
        "no stage has this id",
    );
    match did_you_mean(id, known) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d.with_help("use the `id` of a stage defined in this map"),
    }
}

pub fn missing_field(span: Span, what: &str, field: &str, help: &str) -> Diagnostic {
    MISSING_FIELD
        .diag(
            span,
            format!("{what} has no `{field}`"),
            format!("`{field}` missing"),
        )
        .with_help(help.to_string())
}

pub fn invalid_value(span: Span, message: &str, help: &str) -> Diagnostic {
    INVALID_VALUE
        .diag(span, message.to_string(), "invalid value")
        .with_help(help.to_string())
}

pub fn lint_config(span: Span, message: &str, help: &str) -> Diagnostic {
    LINT_CONFIG
        .diag(span, message.to_string(), "in [lints]")
        .with_help(help.to_string())
}
