//! [`History`]: the event log of stage entries and touches, in a compact columnar form.
//!
//! Deal ids and activity names are interned ([`Interner`]), timestamps are integer microseconds
//! since the Unix epoch in UTC, and each event is a row across parallel columns. Events are
//! kept in input order; analyses that need per-deal order call [`History::deal_order`], which
//! sorts by (deal, timestamp, input row), the PM4Py ordering (ties keep input order).
//! Attributes are string columns, per event (owner, lifecycle, channel) or per deal (amount,
//! source, segment, lost reason), with an interned dictionary each.

use std::collections::HashMap;

/// Microseconds since 1970-01-01T00:00:00Z.
pub type Micros = i64;

pub const MICROS_PER_SECOND: i64 = 1_000_000;
pub const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SECOND;

/// A string interner: each distinct string gets a dense `u32` code in order of first sight.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Interner {
    names: Vec<String>,
    codes: HashMap<String, u32>,
}

impl Interner {
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&code) = self.codes.get(name) {
            return code;
        }
        let code = self.names.len() as u32;
        self.names.push(name.to_string());
        self.codes.insert(name.to_string(), code);
        code
    }

    pub fn get(&self, name: &str) -> Option<u32> {
        self.codes.get(name).copied()
    }

    pub fn name(&self, code: u32) -> &str {
        &self.names[code as usize]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }
}

/// Whether an event is a stage entry or a touch (a sales activity that is not a stage change).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    StageEntry,
    Touch,
}

/// A string-valued attribute column. Code 0 means "missing"; code `k > 0` is `dict.name(k - 1)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub dict: Interner,
    pub codes: Vec<u32>,
}

impl Column {
    pub fn new(name: &str) -> Column {
        Column {
            name: name.to_string(),
            ..Column::default()
        }
    }

    /// Sets the value at `row`, growing the column with missing values as needed.
    pub fn set(&mut self, row: usize, value: &str) {
        if self.codes.len() <= row {
            self.codes.resize(row + 1, 0);
        }
        self.codes[row] = self.dict.intern(value) + 1;
    }

    pub fn get(&self, row: usize) -> Option<&str> {
        match self.codes.get(row).copied().unwrap_or(0) {
            0 => None,
            code => Some(self.dict.name(code - 1)),
        }
    }
}

/// The event log.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// Deal ids, interned.
    pub deals: Interner,
    /// Activity names: stage names (or map stage ids once mapped) and touch types.
    pub activities: Interner,
    /// Per event: deal code.
    pub deal: Vec<u32>,
    /// Per event: activity code.
    pub activity: Vec<u32>,
    /// Per event: UTC microseconds.
    pub time: Vec<Micros>,
    /// Per event: stage entry or touch.
    pub kind: Vec<EventKind>,
    /// Per-event attribute columns (indexed by event row), in order of first sight.
    pub event_attrs: Vec<Column>,
    /// Per-deal attribute columns (indexed by deal code), in order of first sight.
    pub deal_attrs: Vec<Column>,
}

impl History {
    pub fn len(&self) -> usize {
        self.time.len()
    }

    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// Appends an event and returns its row.
    pub fn push(&mut self, deal: &str, activity: &str, time: Micros, kind: EventKind) -> usize {
        let d = self.deals.intern(deal);
        let a = self.activities.intern(activity);
        self.deal.push(d);
        self.activity.push(a);
        self.time.push(time);
        self.kind.push(kind);
        self.time.len() - 1
    }

    /// Sets a per-event attribute.
    pub fn set_event_attr(&mut self, row: usize, name: &str, value: &str) {
        let col = column_mut(&mut self.event_attrs, name);
        col.set(row, value);
    }

    /// Sets a per-deal attribute.
    pub fn set_deal_attr(&mut self, deal: &str, name: &str, value: &str) {
        let d = self.deals.intern(deal) as usize;
        let col = column_mut(&mut self.deal_attrs, name);
        col.set(d, value);
    }

    pub fn event_attr(&self, name: &str) -> Option<&Column> {
        self.event_attrs.iter().find(|c| c.name == name)
    }

    pub fn deal_attr(&self, name: &str) -> Option<&Column> {
        self.deal_attrs.iter().find(|c| c.name == name)
    }

    /// Event rows ordered by (deal id as a string, timestamp, input row): PM4Py's ordering.
    pub fn deal_order(&self) -> Vec<u32> {
        // Rank deals by their id string once, then sort rows by integer keys.
        let mut by_name: Vec<u32> = (0..self.deals.len() as u32).collect();
        by_name.sort_by(|&a, &b| self.deals.name(a).cmp(self.deals.name(b)));
        let mut rank = vec![0u32; self.deals.len()];
        for (r, &d) in by_name.iter().enumerate() {
            rank[d as usize] = r as u32;
        }
        let key = |r: u32| (rank[self.deal[r as usize] as usize], self.time[r as usize]);
        let rows: Vec<u32> = (0..self.len() as u32).collect();
        // Exports are usually written deal by deal in time order already: check in one pass.
        if rows.windows(2).all(|w| key(w[0]) <= key(w[1])) {
            return rows;
        }
        // Pack (deal rank, time, row) into one integer so the sort compares plain numbers in
        // contiguous memory; the row makes keys unique, so an unstable sort is exact.
        let mut keys: Vec<u128> = rows
            .iter()
            .map(|&r| {
                let (rank, time) = key(r);
                let time = (time as u64) ^ (1 << 63); // order-preserving for negative times
                (rank as u128) << 96 | (time as u128) << 32 | r as u128
            })
            .collect();
        keys.sort_unstable();
        keys.into_iter().map(|k| k as u32).collect()
    }

    /// Splits rows ordered by [`History::deal_order`] into one slice per deal.
    pub fn cases<'a>(&self, order: &'a [u32]) -> Vec<&'a [u32]> {
        order
            .chunk_by(|&a, &b| self.deal[a as usize] == self.deal[b as usize])
            .collect()
    }
}

fn column_mut<'a>(columns: &'a mut Vec<Column>, name: &str) -> &'a mut Column {
    match columns.iter().position(|c| c.name == name) {
        Some(i) => &mut columns[i],
        None => {
            columns.push(Column::new(name));
            columns.last_mut().expect("just pushed")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deal_order_sorts_by_deal_name_then_time_then_row() {
        let mut h = History::default();
        h.push("b", "x", 10, EventKind::StageEntry);
        h.push("a", "y", 5, EventKind::StageEntry);
        h.push("b", "z", 10, EventKind::StageEntry);
        h.push("a", "w", 1, EventKind::StageEntry);
        h.push("b", "v", 3, EventKind::StageEntry);
        let order = h.deal_order();
        assert_eq!(order, vec![3, 1, 4, 0, 2]);
        let cases = h.cases(&order);
        assert_eq!(cases, vec![&[3u32, 1][..], &[4, 0, 2][..]]);
    }

    #[test]
    fn columns_grow_and_report_missing() {
        let mut h = History::default();
        h.push("d1", "a", 0, EventKind::Touch);
        h.push("d2", "a", 0, EventKind::Touch);
        h.set_deal_attr("d2", "source", "referral");
        let col = h.deal_attr("source").unwrap();
        assert_eq!(col.get(0), None);
        assert_eq!(col.get(1), Some("referral"));
    }
}
