//! Deal attributes as analyses compare them: which columns are categories (source, segment,
//! region…), and each deal's value of an attribute for breakdowns (`--by owner`).
//!
//! A deal attribute is a category when it has between 2 and [`MAX_CATEGORIES`] distinct
//! values and is not the amount, the lost reason or an id-like column: fast-vs-slow and
//! trigger analysis compare deals on these. An attribute asked for by name is looked up among
//! deal attributes first, then among event attributes, where a deal takes the value of its
//! latest event that has one (the current owner, say).

use crate::history::{Column, History};
use crate::journey::{AMOUNT_ATTRS, Journeys, LOST_REASON_ATTRS};

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
