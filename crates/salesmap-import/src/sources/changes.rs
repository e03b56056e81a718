//! [`ChangeLog`]: turns CRM change records into stage entries, for the exports that record
//! changes rather than entries (Salesforce OpportunityHistory and OpportunityFieldHistory,
//! Pipedrive deal flow).
//!
//! Change records arrive in any order, so they are held (one small record each; the history
//! is bounded the same way) and, per deal in time order, become stage entries: a record
//! whose stage is the deal's current stage is not a stage change and is skipped (an
//! OpportunityHistory row written for an amount edit); when a deal's creation time is known,
//! the stage it left first (the old value of its first change) is entered at creation.
//! [`note_changes`] says in the summary what could not be dated.

use std::collections::HashMap;

use salesmap_core::history::EventKind;

use crate::collect::Collector;
use crate::dictionary::{Dictionary, FastHash};
use crate::summary::plural;

#[derive(Clone, Copy, Debug)]
struct Change {
    deal: u32,
    /// Activity code of the stage entered.
    stage: u32,
    /// Activity code of the stage left, when the record says.
    previous: Option<u32>,
    time: i64,
    line: u64,
    /// Who made the change (code in `ChangeLog::users`).
    changed_by: Option<u32>,
}

/// What [`ChangeLog::emit`] did, for the file's notes.
#[derive(Debug, Default)]
pub(crate) struct ChangeCounts {
    /// Records whose stage was already the deal's stage.
    pub(crate) unchanged: usize,
    /// Deals whose first stage's entry time is unknown (no creation record).
    pub(crate) start_unknown: usize,
    /// Deals with a creation record but no stage change.
    pub(crate) created_only: usize,
}

#[derive(Debug, Default)]
pub(crate) struct ChangeLog {
    changes: Vec<Change>,
    /// Per deal: creation (time, line, slot).
    created: HashMap<u32, (i64, u64, usize), FastHash>,
    users: Dictionary,
    /// One per parsed timestamp, so day/month patches can find their record.
    slots: Vec<Slot>,
}

#[derive(Clone, Copy, Debug)]
enum Slot {
    Change(usize),
    Created(u32),
}

impl ChangeLog {
    /// The slot to pass to the time parser for the next record.
    pub(crate) fn next_slot(&self) -> usize {
        self.slots.len()
    }

    pub(crate) fn change(
        &mut self,
        deal: u32,
        stage: u32,
        previous: Option<u32>,
        time: i64,
        line: u64,
        changed_by: &[u8],
    ) {
        let changed_by = if changed_by.is_empty() {
            None
        } else {
            self.users.code(changed_by).ok()
        };
        self.slots.push(Slot::Change(self.changes.len()));
        self.changes.push(Change {
            deal,
            stage,
            previous,
            time,
            line,
            changed_by,
        });
    }

    pub(crate) fn created(&mut self, deal: u32, time: i64, line: u64) {
        let slot = self.slots.len();
        self.slots.push(Slot::Created(deal));
        let entry = self.created.entry(deal).or_insert((time, line, slot));
        if time < entry.0 {
            *entry = (time, line, slot);
        }
    }

    /// Applies day/month corrections, then pushes the stage entries into the collector.
    pub(crate) fn emit(
        mut self,
        patches: &[(usize, i64)],
        collector: &mut Collector,
    ) -> ChangeCounts {
        for &(slot, micros) in patches {
            match self.slots.get(slot) {
                Some(&Slot::Change(i)) => self.changes[i].time = micros,
                Some(Slot::Created(deal)) => {
                    if let Some(created) = self.created.get_mut(deal)
                        && created.2 == slot
                    {
                        created.0 = micros;
                    }
                }
                None => {}
            }
        }
        let mut order: Vec<usize> = (0..self.changes.len()).collect();
        order.sort_by_key(|&i| {
            let c = &self.changes[i];
            (c.deal, c.time, c.line)
        });
        let changed_by = collector.event_column("changed_by");
        let keep_attrs = collector.keep_attributes();
        let mut counts = ChangeCounts::default();
        let mut seen_deals: HashMap<u32, (), FastHash> = HashMap::default();
        for group in order.chunk_by(|&a, &b| self.changes[a].deal == self.changes[b].deal) {
            let first = self.changes[group[0]];
            seen_deals.insert(first.deal, ());
            let mut current = None;
            match (self.created.get(&first.deal), first.previous) {
                (Some(&(time, line, _)), Some(previous)) if time <= first.time => {
                    collector.push(first.deal, previous, time, EventKind::StageEntry, line);
                    current = Some(previous);
                }
                (_, Some(_)) => counts.start_unknown += 1,
                _ => {}
            }
            for &i in group {
                let change = self.changes[i];
                if current == Some(change.stage) {
                    counts.unchanged += 1;
                    continue;
                }
                current = Some(change.stage);
                let row = collector.len();
                collector.push(
                    change.deal,
                    change.stage,
                    change.time,
                    EventKind::StageEntry,
                    change.line,
                );
                if keep_attrs && let Some(user) = change.changed_by {
                    let _ =
                        collector.set_event_attr(changed_by, row, self.users.name(user).as_bytes());
                }
            }
        }
        counts.created_only = self
            .created
            .keys()
            .filter(|d| !seen_deals.contains_key(d))
            .count();
        counts
    }
}

/// Notes for change logs: what could not be dated.
pub(crate) fn note_changes(collector: &mut Collector, counts: &ChangeCounts, creation: &str) {
    if counts.start_unknown > 0 {
        collector.note(format!(
            "{} deal{} no {creation}, so the entry into the first stage is not dated; the history starts at the first change",
            counts.start_unknown,
            has(counts.start_unknown)
        ));
    }
    if counts.created_only > 0 {
        collector.note(format!(
            "{} deal{} created but never changed stage; the stage {} created in is not in this file",
            counts.created_only,
            if counts.created_only == 1 { " was" } else { "s were" },
            if counts.created_only == 1 { "it was" } else { "they were" }
        ));
    }
    if counts.unchanged > 0 {
        collector.note(format!(
            "{} change{} into the stage the deal was already in were skipped",
            counts.unchanged,
            plural(counts.unchanged)
        ));
    }
}

/// `1 deal has`, `2 deals have`.
fn has(n: usize) -> &'static str {
    if n == 1 { " has" } else { "s have" }
}
