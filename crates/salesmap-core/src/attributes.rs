//! Deal attributes as analyses compare them: which columns are categories (source, segment,
//! region…), which of those may explain a move (no outcome leakage), and each deal's value
//! of an attribute for breakdowns (`--by owner`).
//!
//! A deal attribute is a category when it has between 2 and [`MAX_CATEGORIES`] distinct
//! values and is not the amount, the lost reason or an id-like column. Fast-vs-slow and
//! trigger analysis compare deals on the categories that are known before the move they are
//! said to explain ([`comparable`]): a deal attribute holds one value for the whole deal, so
//! one that is the outcome itself or is written at the close (`deal_stage = Won`,
//! `forecast_category = Closed`, `probability = 100`, a close value) would "explain" every
//! win. Such attributes are left out, by name (a word of the name says stage, status,
//! forecast, probability, won, lost, close or outcome) or by their data (every value goes
//! with one outcome: open, won, or lost/disqualified), and listed with the reason.
//! An attribute asked for by name is looked up among deal attributes first, then among event
//! attributes, where a deal takes the value of its latest event that has one (the current
//! owner, say).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::history::{Column, History};
use crate::journey::{AMOUNT_ATTRS, Journeys, LOST_REASON_ATTRS, Status};

/// Most distinct values a deal attribute may have to be compared as a category.
pub const MAX_CATEGORIES: usize = 30;

/// Deal attribute columns that are categories, in column order.
pub fn categorical(history: &History) -> Vec<&Column> {
    history
        .deal_attrs
        .iter()
        .filter(|c| {
            let name = c.name.to_lowercase();
            let reserved = AMOUNT_ATTRS.contains(&name.as_str())
                || LOST_REASON_ATTRS.contains(&name.as_str())
                || name == "id"
                || name.ends_with("_id")
                || name.ends_with(" id")
                || name.contains("date")
                || name.contains("time");
            !reserved && (2..=MAX_CATEGORIES).contains(&c.dict.len())
        })
        .collect()
}

/// Words of an attribute name that mark it as the outcome or as written at the close.
const OUTCOME_WORDS: [&str; 13] = [
    "stage",
    "status",
    "forecast",
    "probability",
    "won",
    "win",
    "lost",
    "loss",
    "close",
    "closed",
    "outcome",
    "result",
    "iswon",
];
/// Whole names (folded to lowercase letters and digits) that say the same.
const OUTCOME_NAMES: [&str; 4] = ["expectedrevenue", "dealstage", "isclosed", "stagename"];
/// Fewest deals with a value for the data to show that an attribute determines the outcome.
pub const MIN_LEAK_EVIDENCE: usize = 10;

/// An attribute left out of the comparisons, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Excluded {
    pub attribute: String,
    #[serde(flatten)]
    pub reason: Exclusion,
}

/// Why an attribute is left out.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Exclusion {
    /// Its name says it is the outcome or is written at the close.
    OutcomeName,
    /// Each of its values goes with one outcome: `values` lists (value, outcome, deals).
    DeterminesOutcome { values: Vec<(String, String, u64)> },
}

/// The categories fast-vs-slow and triggers may compare deals on, and those left out.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparable<'a> {
    pub columns: Vec<&'a Column>,
    pub excluded: Vec<Excluded>,
}

/// The categorical deal attributes known before the moves they may explain (see the module
/// docs), and the ones left out with their reason.
pub fn comparable<'a>(history: &'a History, journeys: &Journeys) -> Comparable<'a> {
    let mut out = Comparable {
        columns: Vec::new(),
        excluded: Vec::new(),
    };
    for col in categorical(history) {
        let reason = if names_outcome(&col.name) {
            Some(Exclusion::OutcomeName)
        } else {
            determines_outcome(col, journeys)
        };
        match reason {
            Some(reason) => out.excluded.push(Excluded {
                attribute: col.name.clone(),
                reason,
            }),
            None => out.columns.push(col),
        }
    }
    out
}

/// Whether a word of `name` (split at punctuation, spaces and lower-to-upper case changes)
/// or the whole name says it is the outcome.
fn names_outcome(name: &str) -> bool {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if (!c.is_alphanumeric() || (c.is_uppercase() && prev_lower)) && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        }
        prev_lower = c.is_lowercase();
    }
    if !word.is_empty() {
        words.push(word);
    }
    let folded: String = words.concat();
    words.iter().any(|w| OUTCOME_WORDS.contains(&w.as_str()))
        || OUTCOME_NAMES.contains(&folded.as_str())
}

/// The outcome class of a deal: open, won, or ended without a win.
fn outcome_class(status: Status) -> &'static str {
    match status {
        Status::Open => "open",
        Status::Won => "won",
        Status::Lost | Status::Disqualified => "lost",
    }
}

/// `Some` when every value of `col` goes with one outcome class, at least two classes occur,
/// and the data is thick enough to say so (at least [`MIN_LEAK_EVIDENCE`] deals with a
/// value, and values shared by two deals on average).
fn determines_outcome(col: &Column, journeys: &Journeys) -> Option<Exclusion> {
    let mut by_value: BTreeMap<&str, (BTreeMap<&'static str, u64>, u64)> = BTreeMap::new();
    let mut with_value = 0usize;
    for j in &journeys.deals {
        let Some(v) = col.get(j.deal as usize) else {
            continue;
        };
        with_value += 1;
        let entry = by_value.entry(v).or_default();
        *entry.0.entry(outcome_class(j.status)).or_default() += 1;
        entry.1 += 1;
    }
    if with_value < MIN_LEAK_EVIDENCE || with_value < 2 * by_value.len() {
        return None;
    }
    let pure = by_value.values().all(|(classes, _)| classes.len() == 1);
    let classes: std::collections::BTreeSet<&str> = by_value
        .values()
        .flat_map(|(c, _)| c.keys().copied())
        .collect();
    (pure && classes.len() >= 2).then(|| Exclusion::DeterminesOutcome {
        values: by_value
            .into_iter()
            .map(|(v, (c, n))| {
                let class = c.keys().next().copied().unwrap_or("open");
                (v.to_string(), class.to_string(), n)
            })
            .collect(),
    })
}

/// Each journey's value of attribute `name` (deal attribute first, else the deal's latest
/// event value), or `None` when the history has no such attribute at all.
pub fn values_by_deal(
    history: &History,
    journeys: &Journeys,
    name: &str,
) -> Option<Vec<Option<String>>> {
    let folded = name.to_lowercase();
    let find = |cols: &[Column]| cols.iter().position(|c| c.name.to_lowercase() == folded);
    if let Some(i) = find(&history.deal_attrs) {
        let col = &history.deal_attrs[i];
        return Some(
            journeys
                .deals
                .iter()
                .map(|j| col.get(j.deal as usize).map(str::to_string))
                .collect(),
        );
    }
    let col = &history.event_attrs[find(&history.event_attrs)?];
    Some(
        journeys
            .deals
            .iter()
            .map(|j| {
                let rows = j.entries.iter().map(|e| e.row);
                rows.filter_map(|r| col.get(r as usize))
                    .next_back()
                    .map(str::to_string)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::tests::{day, history, test_map};

    #[test]
    fn categories_exclude_amounts_reasons_and_single_values() {
        let h = history(
            "a lead 0 source=web amount=5 lost_reason=price region=eu; \
             b lead 0 source=referral amount=7 lost_reason=timing region=eu",
        );
        let names: Vec<&str> = categorical(&h).iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["source"]);
    }

    #[test]
    fn outcome_attributes_are_left_out_by_name_and_by_data() {
        let map = test_map();
        // `verdict` is not named like an outcome, but every value goes with one outcome;
        // `segment` mixes outcomes and is kept.
        let mut events = String::new();
        for i in 0..12 {
            let (end, verdict) = match i % 3 {
                0 => ("won", "yes"),
                1 => ("lost", "no"),
                _ => ("qualify", "pending"),
            };
            let segment = if i % 2 == 0 { "smb" } else { "enterprise" };
            events += &format!(
                "d{i} lead 0 dealStage=x{} Forecast_Category=c{} verdict={verdict} segment={segment}; d{i} {end} 3; ",
                i % 2,
                i % 3
            );
        }
        let h = history(&events);
        let js = Journeys::build(&map, &h, day(9.0));
        let c = comparable(&h, &js);
        let kept: Vec<&str> = c.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(kept, ["segment"]);
        let why: Vec<String> = c
            .excluded
            .iter()
            .map(|e| format!("{} {:?}", e.attribute, e.reason))
            .collect();
        assert_eq!(
            why,
            [
                "dealStage OutcomeName",
                "Forecast_Category OutcomeName",
                r#"verdict DeterminesOutcome { values: [("no", "lost", 4), ("pending", "open", 4), ("yes", "won", 4)] }"#,
            ]
        );
    }

    #[test]
    fn outcome_words() {
        for name in [
            "deal_stage",
            "StageName",
            "forecast category",
            "Probability (%)",
            "is_won",
            "close_value",
            "IsClosed",
            "Expected Revenue",
            "hs_is_closed_won",
        ] {
            assert!(names_outcome(name), "{name}");
        }
        for name in [
            "source",
            "segment",
            "region",
            "state",
            "lead_type",
            "business_segment",
            "owner",
        ] {
            assert!(!names_outcome(name), "{name}");
        }
    }

    #[test]
    fn values_come_from_deal_then_latest_event() {
        let map = test_map();
        let h = history("a lead 0 owner=kim source=web; a qualify 1 owner=lee; b lead 0");
        let js = Journeys::build(&map, &h, day(9.0));
        let owners = values_by_deal(&h, &js, "Owner").unwrap();
        assert_eq!(owners, [Some("lee".to_string()), None]);
        let sources = values_by_deal(&h, &js, "source").unwrap();
        assert_eq!(sources, [Some("web".to_string()), None]);
        assert_eq!(values_by_deal(&h, &js, "segment"), None);
    }
}
