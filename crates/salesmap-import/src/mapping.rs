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

impl ColumnMapping {
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
