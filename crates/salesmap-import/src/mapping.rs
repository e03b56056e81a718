//! [`ColumnMapping`]: which columns of an export hold the deal, the stage and the timestamp,
//! given by command-line flags or a small TOML mapping file (docs/import.md shows one).
//!
//! Column names match headers case-insensitively, ignoring spaces and punctuation, so
//! `deal_id` finds `Deal ID`. A name can be a list: the first one present in a file is used,
//! which is how several files with different key column names join on one deal key.

use crate::DateFormat;
use crate::problem::ImportError;

/// Column mapping for CSV exports. Empty fields mean "recognise from the headers".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnMapping {
    /// Candidate names of the deal id column; the first present in a file is used.
    pub deal: Vec<String>,
    /// Candidate names of the stage (activity) column.
    pub stage: Vec<String>,
    /// Candidate names of the timestamp column.
    pub timestamp: Vec<String>,
    /// The column saying `stage` or `touch` for each row.
    pub kind: Option<String>,
    /// Activity names that are touches (calls, emails, meetings), not stage entries.
    pub touches: Vec<String>,
    /// Snapshot exports: (date column, stage it marks).
    pub milestones: Vec<(String, String)>,
    /// (attribute name, column): columns kept as deal attributes under a chosen name.
    pub deal_attributes: Vec<(String, String)>,
    /// From the mapping file; used when the options give none.
    pub date_format: Option<DateFormat>,
    pub timezone: Option<String>,
}

/// A column-mapping option that only some sources can use: each reader either applies it or
/// refuses it with a reason, and an option that no file of an import can use stops the import
/// (see [`MappingUse`]). Touches, the date format and the time zone apply to every source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MappingOption {
    Deal,
    Stage,
    Timestamp,
    Kind,
    Milestones,
    DealAttributes,
}

impl MappingOption {
    const ALL: [MappingOption; 6] = [
        MappingOption::Deal,
        MappingOption::Stage,
        MappingOption::Timestamp,
        MappingOption::Kind,
        MappingOption::Milestones,
        MappingOption::DealAttributes,
    ];

    /// How the user gives it, for messages.
    fn describe(self) -> &'static str {
        match self {
            MappingOption::Deal => {
                "the deal column (`--deal-column`, or `deal` in the mapping file)"
            }
            MappingOption::Stage => {
                "the stage column (`--stage-column`, or `stage` in the mapping file)"
            }
            MappingOption::Timestamp => {
                "the timestamp column (`--time-column`, or `timestamp` in the mapping file)"
            }
            MappingOption::Kind => {
                "the kind column (`--kind-column`, or `kind` in the mapping file)"
            }
            MappingOption::Milestones => "the mapping file's `[milestones]`",
            MappingOption::DealAttributes => "the mapping file's `[deal_attributes]`",
        }
    }
}

/// Which of the mapping's options the files of one import used. Each file says which options
/// its format applies ([`MappingUse::file`]); entries of `[milestones]` and
/// `[deal_attributes]` are marked when a file has their column. [`MappingUse::check`] then
/// refuses an option (or an entry) that no file could use, instead of ignoring it silently.
#[derive(Debug, Default)]
pub(crate) struct MappingUse {
    applied: [bool; MappingOption::ALL.len()],
    /// Why a file did not apply an option: (option, file, format, reason).
    refused: Vec<(MappingOption, String, &'static str, &'static str)>,
    milestones_found: Vec<bool>,
    attributes_found: Vec<bool>,
    files: Vec<String>,
}

impl MappingUse {
    /// Records which options `file` (read as `format`) applies: `refuses` gives the reason for
    /// each option the format cannot use.
    pub(crate) fn file(
        &mut self,
        file: &str,
        format: &'static str,
        refuses: impl Fn(MappingOption) -> Option<&'static str>,
    ) {
        self.files.push(file.to_string());
        for (i, option) in MappingOption::ALL.into_iter().enumerate() {
            match refuses(option) {
                None => self.applied[i] = true,
                Some(reason) => self
                    .refused
                    .push((option, file.to_string(), format, reason)),
            }
        }
    }

    /// `[milestones]` entry `index` named a column of a file read.
    pub(crate) fn milestone_found(&mut self, index: usize) {
        mark(&mut self.milestones_found, index);
    }

    /// `[deal_attributes]` entry `index` named a column of a file read.
    pub(crate) fn attribute_found(&mut self, index: usize) {
        mark(&mut self.attributes_found, index);
    }

    /// An error for each option given that no file applied, and for each `[milestones]` or
    /// `[deal_attributes]` entry whose column no file has.
    pub(crate) fn check(&self, mapping: &ColumnMapping) -> Result<(), ImportError> {
        let mut messages = Vec::new();
        for (i, option) in MappingOption::ALL.into_iter().enumerate() {
            if !mapping.gives(option) || self.applied[i] {
                continue;
            }
            let mut message = format!("{} does not apply to", option.describe());
            for (k, (_, file, format, reason)) in
                self.refused.iter().filter(|r| r.0 == option).enumerate()
            {
                let sep = if k == 0 { "" } else { ";" };
                message.push_str(&format!("{sep} {file} ({format}: {reason})"));
            }
            message.push_str("\n  help: leave it out for this export");
            messages.push(message);
        }
        let files = self.files.join(", ");
        let unmatched = |entries: &[(String, String)], found: &[bool], table: &str| {
            entries
                .iter()
                .enumerate()
                .filter(|(i, _)| !found.get(*i).copied().unwrap_or(false))
                .map(|(_, (key, value))| {
                    let column = if table == "milestones" { key } else { value };
                    format!(
                        "the mapping file's `[{table}]` names the column `{column}`, which no file has ({files})\n  help: write the column's name as its header has it"
                    )
                })
                .collect::<Vec<_>>()
        };
        if self.applied[4] {
            messages.extend(unmatched(
                &mapping.milestones,
                &self.milestones_found,
                "milestones",
            ));
        }
        if self.applied[5] {
            messages.extend(unmatched(
                &mapping.deal_attributes,
                &self.attributes_found,
                "deal_attributes",
            ));
        }
        if messages.is_empty() {
            Ok(())
        } else {
            Err(ImportError::Option {
                message: messages.join("\nerror: "),
            })
        }
    }
}

/// The mapping's `touches`, ready to match activity names: a name matches ignoring case,
/// spaces and punctuation (`call` is `Call`), and a name ending in `*` matches every activity
/// that starts with the rest, ignoring case only (`W_*` is every `W_…` work item).
#[derive(Clone, Debug, Default)]
pub(crate) struct TouchNames {
    /// (pattern as given, folded name or lowercase prefix, is a prefix)
    patterns: Vec<(String, String, bool)>,
}

impl TouchNames {
    pub(crate) fn new(touches: &[String]) -> TouchNames {
        TouchNames {
            patterns: touches
                .iter()
                .map(|t| match t.trim().strip_suffix('*') {
                    Some(prefix) => (t.clone(), prefix.to_lowercase(), true),
                    None => (t.clone(), fold(t), false),
                })
                .collect(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The first pattern `name` matches.
    pub(crate) fn find(&self, name: &str) -> Option<usize> {
        let folded = fold(name);
        let lower = name.trim().to_lowercase();
        self.patterns.iter().position(|(_, p, prefix)| {
            if *prefix {
                lower.starts_with(p.as_str())
            } else {
                folded == *p
            }
        })
    }

    /// The pattern as given.
    pub(crate) fn pattern(&self, index: usize) -> &str {
        &self.patterns[index].0
    }

    pub(crate) fn len(&self) -> usize {
        self.patterns.len()
    }
}

/// Lowercase letters and digits only, as headers and names are compared: `Deal - ID` →
/// `dealid`, `case:concept:name` → `caseconceptname`.
pub(crate) fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn mark(found: &mut Vec<bool>, index: usize) {
    if found.len() <= index {
        found.resize(index + 1, false);
    }
    found[index] = true;
}

impl ColumnMapping {
    /// Whether the mapping gives `option`.
    pub(crate) fn gives(&self, option: MappingOption) -> bool {
        match option {
            MappingOption::Deal => !self.deal.is_empty(),
            MappingOption::Stage => !self.stage.is_empty(),
            MappingOption::Timestamp => !self.timestamp.is_empty(),
            MappingOption::Kind => self.kind.is_some(),
            MappingOption::Milestones => !self.milestones.is_empty(),
            MappingOption::DealAttributes => !self.deal_attributes.is_empty(),
        }
    }

    /// Reads a mapping file. `path` is only used in messages.
    pub fn from_toml(text: &str, path: &str) -> Result<ColumnMapping, ImportError> {
        let fail = |message: String| ImportError::Option {
            message: format!("{path}: {message}"),
        };
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            fail(format!(
                "not a valid mapping file: {}",
                e.to_string().trim_end()
            ))
        })?;
        let mut mapping = ColumnMapping::default();
        for (key, value) in &table {
            match key.as_str() {
                "deal" => mapping.deal = names(key, value).map_err(fail)?,
                "stage" => mapping.stage = names(key, value).map_err(fail)?,
                "timestamp" => mapping.timestamp = names(key, value).map_err(fail)?,
                "kind" => mapping.kind = Some(text_value(key, value).map_err(fail)?),
                "touches" => mapping.touches = names(key, value).map_err(fail)?,
                "timezone" => mapping.timezone = Some(text_value(key, value).map_err(fail)?),
                "date_format" => {
                    let text = text_value(key, value).map_err(fail)?;
                    mapping.date_format = Some(DateFormat::parse(&text).map_err(fail)?);
                }
                "milestones" => mapping.milestones = pairs(key, value).map_err(fail)?,
                "deal_attributes" => mapping.deal_attributes = pairs(key, value).map_err(fail)?,
                other => {
                    return Err(fail(format!(
                        "unknown key `{other}`; a mapping file has deal, stage, timestamp, kind, \
                         touches, date_format, timezone, [milestones] and [deal_attributes]"
                    )));
                }
            }
        }
        Ok(mapping)
    }
}

fn text_value(key: &str, value: &toml::Value) -> Result<String, String> {
    value
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("`{key}` must be a string"))
}

fn names(key: &str, value: &toml::Value) -> Result<Vec<String>, String> {
    match value {
        toml::Value::String(s) => Ok(vec![s.clone()]),
        toml::Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("`{key}` must list strings"))
            })
            .collect(),
        _ => Err(format!("`{key}` must be a string or a list of strings")),
    }
}

fn pairs(key: &str, value: &toml::Value) -> Result<Vec<(String, String)>, String> {
    let table = value
        .as_table()
        .ok_or_else(|| format!("`[{key}]` must be a table of `name = \"value\"` lines"))?;
    table
        .iter()
        .map(|(k, v)| {
            v.as_str()
                .map(|v| (k.clone(), v.to_string()))
                .ok_or_else(|| format!("`{key}.{k}` must be a string"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_mapping_file_and_rejects_unknown_keys() {
        let mapping = ColumnMapping::from_toml(
            r#"
deal = ["Lead ID", "Deal ID"]
stage = "Stage"
timestamp = "Changed at"
touches = ["Call"]
date_format = "day-first"
timezone = "Asia/Seoul"
[milestones]
"Created Date" = "Lead"
[deal_attributes]
amount = "Amount (KRW)"
"#,
            "map.toml",
        )
        .unwrap();
        assert_eq!(mapping.deal, ["Lead ID", "Deal ID"]);
        assert_eq!(mapping.milestones, [("Created Date".into(), "Lead".into())]);
        assert_eq!(
            mapping.deal_attributes,
            [("amount".into(), "Amount (KRW)".into())]
        );
        assert_eq!(mapping.date_format, Some(DateFormat::DayFirst));
        let err = ColumnMapping::from_toml("stages = \"x\"", "m.toml").unwrap_err();
        expect_test::expect![[r#"m.toml: unknown key `stages`; a mapping file has deal, stage, timestamp, kind, touches, date_format, timezone, [milestones] and [deal_attributes]"#]]
            .assert_eq(&err.to_string());
    }
}
